//! Printed checklists and graphs: widths measured in display columns, one
//! source for paper and screen, snapshots, Graphviz and Chromium acceptance.

mod common;

use std::collections::BTreeSet;
use std::process::Command;

use common::*;
use posdoctor::engine::{text_samples, State, Walk};
use posdoctor::i18n::Lang;
use posdoctor::render::checklist::{self, Then};
use posdoctor::render::graph;
use posdoctor::rules::load::{load, LoadOptions};
use posdoctor::rules::{NodeKind, RuleSet};
use unicode_width::UnicodeWidthStr;

fn rules() -> RuleSet {
    load(&LoadOptions {
        builtin: true,
        packs: vec![],
    })
    .rules
}

/// A tool the test needs: in CI it must be there; elsewhere the test says
/// it was skipped.
fn tool(name: &str) -> bool {
    let found = Command::new(name).arg("--version").output().is_ok();
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "{name} is not installed; .ci/run installs it"
        );
        eprintln!("skipped: {name} is not installed");
    }
    found
}

#[test]
fn no_text_line_is_wider_than_the_width() {
    let rules = rules();
    for tree in rules.trees() {
        for lang in [Lang::En, Lang::Zh] {
            let c = checklist::build(&rules, tree, lang, "2026-11-23", None);
            for width in [32, 42, 48, 80] {
                let text = checklist::text(&c, width);
                for line in text.lines() {
                    assert!(
                        line.width() <= width,
                        "{} {lang:?} width {width}: {} columns: {line}",
                        tree.id,
                        line.width()
                    );
                }
            }
        }
    }
}

#[test]
fn the_binary_prints_a_receipt_strip() {
    let env = Env::new();
    let a = env
        .cmd()
        .args(["checklist", "no-power", "--width", "32", "--lang", "zh"])
        .assert()
        .code(0);
    let out = stdout(&a);
    assert!(out.lines().all(|l| l.width() <= 32));
    assert!(out.contains("先保证收款") && out.contains("联系谁"));
    env.cmd()
        .args(["checklist", "no-power", "--width", "20"])
        .assert()
        .code(2);
    env.cmd().arg("checklist").assert().code(2);
    env.cmd()
        .args(["checklist", "no-powr"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("did you mean `no-power`?"));
}

/// The (node, answer, target) moves the engine makes, found by walking every
/// answer from every reachable step of the tree (links shown as `link:TREE`).
fn engine_moves(rules: &RuleSet, tree_id: &str) -> BTreeSet<(String, String, String)> {
    let mut moves = BTreeSet::new();
    let mut seen = BTreeSet::new();
    let mut stack = vec![Walk::start(rules, tree_id).unwrap()];
    while let Some(w) = stack.pop() {
        let State::Ask(step) = w.state().clone() else {
            continue;
        };
        if !seen.insert(step.node_ref.clone()) {
            continue;
        }
        // A linked tree's steps are walked (its resolved endings lead back
        // to a link's `then` in this tree) but are not this checklist's.
        let own = !step.node_ref.contains('/');
        let answers = if step.kind() == NodeKind::Text {
            text_samples(&step)
        } else {
            step.valid_answers()
        };
        for a in answers {
            let mut next = w.clone();
            next.answer_str(&a).unwrap();
            let target = match next.state() {
                State::Ask(s) if s.node_ref.contains('/') => format!("link:{}", s.tree.id),
                State::Done(f) if f.node_ref.contains('/') => format!("link:{}", f.tree.id),
                State::Ask(s) => s.node_ref.clone(),
                State::Done(f) => f.node_ref.clone(),
            };
            let key = if step.kind() == NodeKind::Text {
                String::new()
            } else {
                a.clone()
            };
            if own {
                moves.insert((step.node_ref.clone(), key, target));
            }
            stack.push(next);
        }
    }
    moves
}

#[test]
fn paper_and_screen_take_the_same_branches() {
    let rules = rules();
    for tree in rules.trees() {
        let c = checklist::build(&rules, tree, Lang::En, "2026-11-23", None);
        let mut printed: BTreeSet<(String, String, String)> = BTreeSet::new();
        for item in c.sections.iter().flat_map(|s| &s.items) {
            for b in &item.branches {
                let target = match &b.then {
                    Then::Link { tree, .. } => format!("link:{tree}"),
                    other => other.node().to_owned(),
                };
                let is_text = tree.node(&item.node).unwrap().kind == NodeKind::Text;
                let key = if is_text {
                    String::new()
                } else if b.answer == "next" {
                    "continue".to_owned()
                } else {
                    b.answer.clone()
                };
                printed.insert((item.node.clone(), key, target));
            }
        }
        // A routine's first choice is printed as its section headings.
        for s in &c.sections {
            if let Some(v) = &s.via {
                printed.insert((v.node.clone(), v.answer.clone(), v.target.clone()));
            }
        }
        let mut engine = engine_moves(&rules, &tree.id);

        // The keep-selling fallback is printed as a box above the steps.
        if let Some(f) = c.fallback.as_ref().and(tree.node(&tree.start)) {
            engine.retain(|(n, _, _)| *n != f.id);
        }
        assert_eq!(
            printed, engine,
            "{}: the checklist and the engine disagree",
            tree.id
        );
        // Every step number a branch points to exists.
        let numbers: BTreeSet<usize> = c
            .sections
            .iter()
            .flat_map(|s| &s.items)
            .map(|i| i.number)
            .collect();
        for b in c
            .sections
            .iter()
            .flat_map(|s| &s.items)
            .flat_map(|i| &i.branches)
        {
            if let Then::Step { number, .. } = b.then {
                assert!(numbers.contains(&number), "{}: step {number}", tree.id);
            }
        }
    }
}

#[test]
fn maintenance_prints_as_daily_weekly_monthly() {
    let rules = rules();
    let c = checklist::build(
        &rules,
        rules.tree("maintenance").unwrap(),
        Lang::En,
        "2026-11-23",
        None,
    );
    let titles: Vec<_> = c
        .sections
        .iter()
        .map(|s| s.title.clone().unwrap_or_default())
        .collect();
    assert_eq!(titles, vec!["Daily", "Weekly", "Monthly"]);
    assert!(c.sections.iter().all(|s| !s.items.is_empty()));
}

fn snapshot_env() -> Env {
    Env::new()
}

#[test]
fn checklist_snapshots() {
    let env = snapshot_env();
    for (fmt, ext) in [("text", "txt"), ("markdown", "md"), ("html", "html")] {
        for lang in ["en", "zh"] {
            let mut cmd = env.cmd();
            cmd.env("SOURCE_DATE_EPOCH", "1795392000").args([
                "--lang",
                lang,
                "checklist",
                "card-read",
                "--format",
                fmt,
            ]);
            if fmt == "text" {
                cmd.args(["--width", "42"]);
            }
            let a = cmd.assert().code(0);
            insta::assert_snapshot!(format!("checklist_card_read_{lang}_{ext}"), stdout(&a));
        }
    }
}

#[test]
fn html_is_self_contained_and_escaped() {
    let env = Env::new();
    let pack = env.write(
        "pack/x.yaml",
        "trees:\n  - id: x\n    title: {en: \"<script>alert(1)</script> & co\", zh: \"<b>粗</b>\"}\n    category: software\n    keywords: {zh: [x]}\n    start: a\n    nodes:\n      - {id: a, kind: question, ask: {en: \"Is 1 < 2 & \\\"quoted\\\"?\", zh: 问}, yes: b, no: b}\n      - {id: b, kind: resolved, text: {en: ok, zh: 好}}\n",
    );
    let a = env
        .cmd()
        .arg("--rules")
        .arg(pack.parent().unwrap())
        .args(["checklist", "x", "--format", "html"])
        .assert()
        .code(0);
    let html = stdout(&a);
    assert!(!html.contains("<script>"), "rule text is escaped");
    assert!(html.contains("&lt;script&gt;"));
    assert!(html.contains("Is 1 &lt; 2 &amp;"));
    assert!(html.contains("<html lang=\"en\">"));
    for fetch in ["http://", "https://", "src=", "@import", "<link"] {
        assert!(!html.contains(fetch), "no network fetches: {fetch}");
    }
    let a = env
        .cmd()
        .args(["--lang", "zh", "checklist", "no-power", "--format", "html"])
        .assert()
        .code(0);
    assert!(stdout(&a).contains("<html lang=\"zh\">"));
}

#[test]
fn output_file_is_written_atomically() {
    let env = Env::new();
    let out = env.home().join("list.md");
    env.cmd()
        .args(["checklist", "printer", "--format", "markdown", "-o"])
        .arg(&out)
        .assert()
        .code(0)
        .stdout("");
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("# Receipt not printing"));
    assert!(text.contains("- [ ] **1.**"));
    // A failed write leaves nothing behind (and no temp files).
    let bad = env.home().join("no/such/dir/list.md");
    env.cmd()
        .args(["checklist", "printer", "-o"])
        .arg(&bad)
        .assert()
        .code(1)
        .stderr(predicates::str::contains("cannot write"));
    assert!(!bad.exists());
    let leftovers: Vec<_> = std::fs::read_dir(env.home())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".posdoctor-"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn every_tree_draws_with_graphviz() {
    if !tool("dot") {
        return;
    }
    let rules = rules();
    for tree in rules.trees() {
        for lang in [Lang::En, Lang::Zh] {
            let src = graph::dot(tree, &rules, lang);
            let mut child = Command::new("dot")
                .arg("-Tsvg")
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(src.as_bytes())
                .unwrap();
            let out = child.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "{} {lang:?}: {}",
                tree.id,
                String::from_utf8_lossy(&out.stderr)
            );
            let svg = String::from_utf8_lossy(&out.stdout);
            for node in &tree.nodes {
                let title = format!("<title>{}</title>", node.id.replace('-', "&#45;"));
                assert!(svg.contains(&title), "{}: node {} drawn", tree.id, node.id);
            }
        }
    }
}

/// A tree with one node of every kind and text that needs escaping.
const EVERY_KIND: &str = r#"trees:
  - id: kinds
    title: {en: "Every \"kind\" <of> node", zh: "每种节点"}
    category: software
    keywords: {zh: [节点]}
    start: info
    nodes:
      - {id: info, kind: info, text: {en: "Read <this> & \"that\"", zh: "请阅读"}, next: check}
      - {id: check, kind: check, do: {en: "Do #1", zh: "操作"}, yes: done, no: question}
      - {id: question, kind: question, ask: {en: "Yes or no?", zh: "是否？"}, yes: choice, no: text}
      - id: choice
        kind: choice
        ask: {en: "Which one?", zh: "哪一个？"}
        choices:
          - {id: a, label: {en: "A <first>", zh: "甲"}, next: reset}
          - {id: b, label: {en: "B", zh: "乙"}, next: link}
      - id: text
        kind: text
        ask: {en: "Code?", zh: "代码？"}
        routes:
          - {match: "0?5|51", next: call}
        otherwise: done
      - {id: reset, kind: check, do: {en: "Factory reset", zh: "恢复出厂"}, destructive: true, caution: {en: "Erases offline sales", zh: "会清除离线交易"}, yes: done, no: call, skip: call}
      - {id: done, kind: resolved, text: {en: "Solved", zh: "已解决"}}
      - {id: call, kind: escalate, party: vendor, text: {en: "Call them", zh: "联系厂商"}}
      - {id: link, kind: link, tree: no-power}
"#;

#[test]
fn graph_snapshots_of_every_kind_of_node() {
    let env = Env::new();
    let pack = env.write("pack/kinds.yaml", EVERY_KIND);
    let dir = pack.parent().unwrap().to_path_buf();
    env.cmd()
        .arg("--rules")
        .arg(&dir)
        .args(["validate", "--strict"])
        .arg(&dir)
        .assert()
        .code(0);
    let a = env
        .cmd()
        .arg("--rules")
        .arg(&dir)
        .args(["graph", "kinds", "--format", "mermaid"])
        .assert()
        .code(0);
    insta::assert_snapshot!("graph_kinds_mermaid", stdout(&a));
    let a = env
        .cmd()
        .arg("--rules")
        .arg(&dir)
        .args(["graph", "kinds"])
        .assert()
        .code(0);
    insta::assert_snapshot!("graph_kinds_dot", stdout(&a));
    let a = env
        .cmd()
        .arg("--rules")
        .arg(&dir)
        .args(["--lang", "zh", "graph", "kinds", "--format", "mermaid"])
        .assert()
        .code(0);
    insta::assert_snapshot!("graph_kinds_mermaid_zh", stdout(&a));
    env.cmd().args(["graph", "nope"]).assert().code(1);
    env.cmd()
        .args(["graph", "no-power", "--format", "png"])
        .assert()
        .code(2);
}

#[test]
fn html_of_all_trees_prints_to_pdf_one_tree_a_page() {
    let chromium = ["chromium", "chromium-browser"]
        .into_iter()
        .find(|c| Command::new(c).arg("--version").output().is_ok());
    let Some(chromium) = chromium else {
        assert!(
            std::env::var_os("CI").is_none(),
            "chromium is not installed; .ci/run installs it"
        );
        eprintln!("skipped: chromium is not installed");
        return;
    };
    let env = Env::new();
    let html = env.home().join("checklists.html");
    env.cmd()
        .args(["checklist", "--all", "--format", "html", "-o"])
        .arg(&html)
        .assert()
        .code(0);
    let pdf = env.home().join("checklists.pdf");
    let profile = tempfile::tempdir().unwrap();
    let status = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", html.display()))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "chromium failed");
    let bytes = std::fs::read(&pdf).unwrap();
    let pages = pdf_pages(&pdf, &bytes);
    let rules = rules();
    let trees = rules.trees().len();
    assert!(pages >= trees, "{pages} pages for {trees} trees");
    // Each tree starts a page: some page's first line begins its title
    // (long titles wrap, so the line may be a prefix of the title).
    if !tool("pdftotext") {
        return;
    }
    let first_lines: Vec<String> = (1..=pages)
        .map(|p| {
            let out = Command::new("pdftotext")
                .args(["-f", &p.to_string(), "-l", &p.to_string()])
                .arg(&pdf)
                .arg("-")
                .output()
                .unwrap();
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .next()
                .unwrap_or("")
                .trim()
                .to_owned()
        })
        .collect();
    for tree in rules.trees() {
        let title = &tree.title.en;
        assert!(
            first_lines
                .iter()
                .any(|l| l.len() >= 8 && title.starts_with(l.as_str())),
            "{} does not start a page; first lines: {first_lines:?}",
            tree.id
        );
    }
}

/// Page count: pdfinfo when installed, else the page objects in the file.
fn pdf_pages(path: &std::path::Path, bytes: &[u8]) -> usize {
    if let Ok(out) = Command::new("pdfinfo").arg(path).output() {
        let text = String::from_utf8_lossy(&out.stdout);
        if let Some(n) = text
            .lines()
            .find_map(|l| l.strip_prefix("Pages:"))
            .and_then(|n| n.trim().parse().ok())
        {
            return n;
        }
    }
    let text = String::from_utf8_lossy(bytes);
    text.matches("/Type /Page").count() - text.matches("/Type /Pages").count()
}

#[test]
fn the_call_box_uses_the_profile_when_set() {
    let env = Env::new();
    for (k, v) in [
        ("contact.vendor.phone", "+86 21 5555 0100"),
        ("contact.vendor.name", "Acme POS Service"),
        ("mid", "378282246310005"),
        ("serial", "SN-1"),
    ] {
        env.cmd().args(["profile", "set", k, v]).assert().code(0);
    }
    let a = env
        .cmd()
        .args(["checklist", "sign-on", "--width", "42"])
        .assert()
        .code(0);
    let out = stdout(&a);
    let joined = out.replace("\n  ", " ");
    assert!(joined.contains("Phone: +86 21 5555 0100"), "{out}");
    assert!(
        out.contains("378282246310005") && out.contains("SN-1"),
        "{out}"
    );
    // The acquirer has no saved contact: it still says where the number is.
    assert!(joined.contains("your merchant contract"), "{out}");
    assert!(out.lines().all(|l| l.width() <= 42));
}
