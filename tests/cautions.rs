//! Every caution reaches the person: for every node of every built-in tree
//! that has one (its own, or the shared check's through `use:`), its text is
//! read back from what posdoctor renders — `run --json` at that step, and the
//! text, Markdown and HTML checklists, and the interactive screen (a
//! pseudo-terminal read through a terminal emulator) — in English and
//! Chinese.

mod common;

#[cfg(unix)]
#[path = "support/screen.rs"]
mod screen;

use common::{answer_flags, stdout, Env};
use posdoctor::engine::{all_paths, text_samples, State};
use posdoctor::i18n::Lang;
use posdoctor::rules::load::{load, LoadOptions};
use posdoctor::rules::{Body, NodeKind, RuleSet};

fn rules() -> RuleSet {
    load(&LoadOptions {
        builtin: true,
        packs: vec![],
    })
    .rules
}

/// A node with a caution, the answers that lead to it, and what the caution
/// must contain (the whole merged text, and the used check's own caution).
struct Cautioned {
    tree: String,
    node: String,
    answers: Vec<String>,
    expected: Vec<String>,
}

/// Whitespace never matters when reading wrapped output back.
fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join("")
}

fn cautioned(rules: &RuleSet, lang: Lang) -> Vec<Cautioned> {
    let mut out = Vec::new();
    for tree in rules.trees() {
        let walks = all_paths(rules, &tree.id, &text_samples).unwrap();
        for node in tree.nodes.iter().filter(|n| n.caution.is_some()) {
            let mut expected = vec![node.caution.as_ref().unwrap().get(lang).to_owned()];
            if let Body::Check {
                uses: Some(check), ..
            } = &node.body
            {
                if let Some(c) = rules.checks.get(check).and_then(|c| c.caution.as_ref()) {
                    expected.push(c.get(lang).to_owned());
                }
            }
            // The answers of a path up to this node (the shortest such path).
            let mut best: Option<Vec<String>> = None;
            for w in &walks {
                let at = w
                    .history()
                    .iter()
                    .position(|v| std::ptr::eq(v.step.tree, tree) && v.step.node.id == node.id);
                let ends_here = matches!(w.state(), State::Done(f) if std::ptr::eq(f.tree, tree) && f.node.id == node.id);
                let upto = match (at, ends_here) {
                    (Some(i), _) => i,
                    (None, true) => w.history().len(),
                    _ => continue,
                };
                let answers: Vec<String> = w.history()[..upto]
                    .iter()
                    .filter(|v| v.step.kind() != NodeKind::Info)
                    .map(|v| format!("{}={}", v.step.node_ref, v.answer.as_str()))
                    .collect();
                if best.as_ref().is_none_or(|b| answers.len() < b.len()) {
                    best = Some(answers);
                }
            }
            out.push(Cautioned {
                tree: tree.id.clone(),
                node: node.id.clone(),
                answers: best.unwrap_or_else(|| panic!("{}/{}: on no path", tree.id, node.id)),
                expected,
            });
        }
    }
    out
}

#[test]
fn the_shared_checks_cautions_are_among_them() {
    let rules = rules();
    let all = cautioned(&rules, Lang::En);
    for (tree, node) in [
        ("software", "update"),
        ("software", "reset"),
        ("card-read", "update"),
        ("maintenance", "updates"),
        ("transaction-failed", "parameters"),
        ("deactivated", "after-enabled"),
    ] {
        let c = all
            .iter()
            .find(|c| c.tree == tree && c.node == node)
            .unwrap_or_else(|| panic!("{tree}/{node} has no caution"));
        assert_eq!(c.expected.len(), 2, "{tree}/{node}: the check's caution");
    }
}

#[test]
fn every_caution_is_in_run_json_at_its_step() {
    let env = Env::new();
    let rules = rules();
    for lang in [Lang::En, Lang::Zh] {
        for c in cautioned(&rules, lang) {
            let a = env
                .cmd()
                .args(["--lang", lang.code(), "run", &c.tree])
                .args(["--no-input", "--json", "--no-log"])
                .args(answer_flags(
                    &c.answers.iter().map(String::as_str).collect::<Vec<_>>(),
                ))
                .assert();
            let out = common::json(&a.get_output().stdout);
            let mut shown: Vec<String> = Vec::new();
            for s in out["steps"].as_array().unwrap() {
                if s["node"] == c.node.as_str() {
                    shown.extend(s["caution"].as_str().map(str::to_owned));
                }
            }
            for key in ["pending", "escalation", "resolution"] {
                if out[key]["node"] == c.node.as_str() {
                    shown.extend(out[key]["caution"].as_str().map(str::to_owned));
                }
            }
            assert!(
                !shown.is_empty(),
                "{}/{} ({lang:?}): no caution in {out:#}",
                c.tree,
                c.node
            );
            for e in &c.expected {
                assert!(
                    shown.iter().any(|s| s.contains(e.as_str())),
                    "{}/{} ({lang:?}): {e:?} not in {shown:?}",
                    c.tree,
                    c.node
                );
            }
        }
    }
}

#[test]
fn every_caution_is_in_every_checklist_format() {
    let env = Env::new();
    let rules = rules();
    for lang in [Lang::En, Lang::Zh] {
        let all = cautioned(&rules, lang);
        let mut trees: Vec<&str> = all.iter().map(|c| c.tree.as_str()).collect();
        trees.dedup();
        for tree in trees {
            for format in ["text", "markdown", "html"] {
                let a = env
                    .cmd()
                    .args(["--lang", lang.code(), "checklist", tree])
                    .args(["--format", format, "--width", "32"])
                    .assert()
                    .success();
                // HTML escapes quotes; Markdown escapes its own marks.
                let page = squash(&stdout(&a))
                    .replace("&#x27;", "'")
                    .replace("&quot;", "\"")
                    .replace("&#x2f;", "/")
                    .replace('\\', "");
                for c in all.iter().filter(|c| c.tree == tree) {
                    for e in &c.expected {
                        let e = squash(e);
                        let at: Vec<usize> = page.match_indices(&e).map(|(i, _)| i).collect();
                        assert!(
                            !at.is_empty(),
                            "{tree}/{} ({lang:?}, {format}): {e:?} missing",
                            c.node
                        );
                        // Every time it is printed, it is marked as a
                        // caution: `(!)` shortly before it (an inline
                        // escalation's "If yes:" as much as a step's box).
                        for i in at {
                            let mut from = i.saturating_sub(120);
                            while !page.is_char_boundary(from) {
                                from -= 1;
                            }
                            let before = &page[from..i];
                            assert!(
                                before.contains("(!)"),
                                "{tree}/{} ({lang:?}, {format}): {e:?} printed without its (!) mark: …{before}",
                                c.node
                            );
                        }
                    }
                }
            }
        }
    }
}

/// What an escalation tells the person to do before calling (the sale cut
/// off, the voice-authorisation number, stop using it) is on paper whole,
/// not only its first sentence.
#[test]
fn every_escalation_text_is_whole_on_every_checklist() {
    let env = Env::new();
    let rules = rules();
    for lang in [Lang::En, Lang::Zh] {
        for tree in rules.trees() {
            let texts: Vec<String> = tree
                .nodes
                .iter()
                .filter_map(|n| match &n.body {
                    Body::Escalate { text, .. } => Some(text.get(lang).to_owned()),
                    _ => None,
                })
                .collect();
            if texts.is_empty() {
                continue;
            }
            for format in ["text", "markdown", "html"] {
                let a = env
                    .cmd()
                    .args(["--lang", lang.code(), "checklist", &tree.id])
                    .args(["--format", format, "--width", "42"])
                    .assert()
                    .success();
                let page = squash(&stdout(&a))
                    .replace("&#x27;", "'")
                    .replace("&quot;", "\"")
                    .replace("&#x2f;", "/")
                    .replace('\\', "");
                for text in &texts {
                    let want = squash(text).replace('\\', "");
                    assert!(
                        page.contains(&want),
                        "{} ({lang:?}, {format}): {text:?} missing",
                        tree.id
                    );
                }
            }
        }
    }
}

#[test]
fn the_keep_selling_box_keeps_its_caution() {
    let env = Env::new();
    let pack = env.write(
        "pack/keep.yaml",
        "trees:\n  - id: boxed\n    title: Boxed\n    category: power\n    start: sell\n    nodes:\n      - {id: sell, kind: info, text: Take cash meanwhile., caution: Never promise a refund in cash., next: ask}\n      - {id: ask, kind: question, ask: Better?, yes: ok, no: call}\n      - {id: ok, kind: resolved, text: Fine.}\n      - {id: call, kind: escalate, party: acquirer, have_ready: [mid, last_transaction], text: Call them.}\n",
    );
    for format in ["text", "markdown", "html"] {
        let a = env
            .cmd()
            .args(["--no-builtin", "--rules"])
            .arg(&pack)
            .args(["checklist", "boxed", "--format", format])
            .assert()
            .success();
        let out = stdout(&a);
        assert!(out.contains("Never promise a refund in cash."), "{out}");
        // The call box asks for what this escalation says to have ready,
        // for the party it names — not a fixed list.
        assert!(out.contains("acquirer"), "{format}: {out}");
        assert!(
            out.contains("Time and amount of the last transaction"),
            "{out}"
        );
        assert!(!out.contains("Serial number"), "{format}: {out}");
        assert!(!out.contains("terminal vendor"), "{format}: {out}");
    }
}

#[cfg(unix)]
#[test]
fn every_caution_is_on_the_interactive_screen_at_its_step() {
    let rules = rules();
    let walk_lang = |lang: Lang| {
        for c in cautioned(&rules, lang) {
            let home = tempfile::tempdir().unwrap();
            let mut args = vec!["--lang".to_owned(), lang.code().to_owned(), "run".into()];
            args.push(c.tree.clone());
            // The answers before the step are given ahead (the counter uses
            // them first); info steps still wait for Enter.
            args.extend(answer_flags(
                &c.answers.iter().map(String::as_str).collect::<Vec<_>>(),
            ));
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let mut s = screen::Screen::spawn(80, 24, home.path(), &args);
            let want: Vec<String> = c.expected.iter().map(|e| squash(e)).collect();
            let until = std::time::Instant::now() + std::time::Duration::from_secs(30);
            loop {
                s.pump();
                let shown = squash(&s.text());
                if want.iter().all(|w| shown.contains(w)) {
                    break;
                }
                assert!(
                    std::time::Instant::now() < until,
                    "{}/{} ({lang:?}): the caution never showed; the screen is:\n{}",
                    c.tree,
                    c.node,
                    s.text()
                );
                // An info step before it: read it, go on.
                let next = posdoctor::i18n::Msg::Continue.get(lang);
                if s.text()
                    .lines()
                    .any(|l| l.starts_with('>') && l.contains(next))
                {
                    s.send(screen::ENTER);
                } else {
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
            }
            s.send("\x03");
            let _ = s.exit_code();
        }
    };
    std::thread::scope(|scope| {
        scope.spawn(|| walk_lang(Lang::En));
        scope.spawn(|| walk_lang(Lang::Zh));
    });
}
