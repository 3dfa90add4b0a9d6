//! A pack author's loop, end to end: `test` in every format, `paths` fed
//! back to `run`, a broken pack file at the counter, JSON errors, commands
//! that work when pasted, pack contacts, facts and route labels.

mod common;

use std::path::{Path, PathBuf};

use common::*;

/// The real binary with `--rules PACK`.
fn packed(env: &Env, pack: &Path) -> assert_cmd::Command {
    let mut c = env.cmd();
    c.arg("--rules").arg(pack);
    c
}

/// The swollen-battery stop of the built-in no-power tree: exit 3.
const DANGER: &[&str] = &[
    "run",
    "no-power",
    "--no-input",
    "--answer",
    "danger=yes",
    "--no-log",
];

/// A pack with one tree of every kind of node, a contact, a fact, a
/// labelled route, and a scenario file with one passing and one failing case.
fn kiosk_pack(env: &Env) -> PathBuf {
    env.write(
        "pack/kiosk.yaml",
        r#"
contacts:
  vendor:
    name: {en: "Lotus POS service desk", zh: "莲花POS服务台"}
    phone: "400 820 1234"
    hours: {en: "08:00–20:00 every day", zh: "每天 08:00–20:00"}
facts:
  - id: kiosk_number
    label: {en: "Kiosk number (sticker on the stand)", zh: "自助机编号（支架贴纸）"}
    kind: digits
trees:
  - id: kiosk
    title: {en: "Kiosk screen shows BT-2x", zh: "自助机显示 BT-2x"}
    category: hardware
    keywords: {en: [kiosk], zh: [自助机]}
    start: sell
    nodes:
      - id: sell
        kind: info
        text: {en: "Keep selling at the counter.", zh: "先在柜台收款。"}
        next: code
      - id: code
        kind: text
        ask: {en: "Type the code.", zh: "输入代码。"}
        routes:
          - match: "bt-2[0-9]"
            label: {en: "a BT-20 series code", zh: "BT-20 系列代码"}
            next: which
          - match: "e-?5\\d"
            next: burnt
        otherwise: restart
      - id: which
        kind: choice
        ask: {en: "Which part?", zh: "哪个部件？"}
        choices:
          - {id: reader, label: {en: Reader, zh: 读卡器}, next: restart}
          - {id: other, label: {en: Other, zh: 其他}, next: netlink}
      - id: restart
        kind: check
        use: restart-soft
        yes: fixed
        no: smell
      - id: smell
        kind: question
        ask: {en: "Burning smell?", zh: "有焦味吗？"}
        yes: burnt
        no: vendor
      - id: netlink
        kind: link
        tree: no-network
      - id: fixed
        kind: resolved
        text: {en: "Works.", zh: "正常了。"}
      - id: burnt
        kind: escalate
        party: vendor
        caution: {en: "Switch it off at the wall now.", zh: "立即断电。"}
        text: {en: "Call the vendor.", zh: "联系厂商。"}
      - id: vendor
        kind: escalate
        party: vendor
        have_ready: [merchant, kiosk_number, tried]
        text: {en: "Call the service desk.", zh: "联系服务台。"}
"#,
    );
    env.write(
        "pack/tests/kiosk.yaml",
        r#"
- name: a BT code and a restart fix it
  tree: kiosk
  answers: {code: BT-21, which: reader, restart: "yes"}
  expect: {outcome: resolved, node: fixed, visits: [which]}
- name: a burning smell must stop the walk
  tree: kiosk
  answers: {code: X1, restart: "no", smell: "no"}
  expect: {outcome: escalated, party: vendor, node: burnt}
"#,
    );
    env.home().join("pack")
}

#[test]
fn test_in_text_shows_each_case_the_path_and_where_it_left() {
    let env = Env::new();
    let pack = kiosk_pack(&env);
    let a = env.cmd().arg("test").arg(&pack).assert().code(1);
    let out = stdout(&a);
    assert!(
        out.contains("✓ kiosk: a BT code and a restart fix it"),
        "{out}"
    );
    assert!(
        out.contains("✗ kiosk: a burning smell must stop the walk"),
        "{out}"
    );
    assert!(
        out.contains("path:     sell → code=X1 → restart=no → smell=no → vendor"),
        "{out}"
    );
    assert!(
        out.contains("left the expected path at step 4, `smell`: the answer `no` leads away from burnt; `yes` leads there"),
        "{out}"
    );
    assert!(out.contains("kiosk.yaml:6"), "the case's line: {out}");
    assert!(out.trim_end().ends_with("1 passed, 1 failed"), "{out}");
    // The command to reproduce it works when pasted.
    let run = out
        .lines()
        .find_map(|l| l.trim().strip_prefix("run it:"))
        .unwrap()
        .trim()
        .to_owned();
    assert!(run.starts_with("posdoctor --rules "), "{run}");
    let words = shlex::split(&run).unwrap();
    let a = env.cmd().args(&words[1..]).arg("--no-log").assert().code(3);
    assert!(stdout(&a).contains("Call the service desk."));
}

#[test]
fn test_in_json() {
    let env = Env::new();
    let pack = kiosk_pack(&env);
    let a = env
        .cmd()
        .args(["test", "--format", "json"])
        .arg(&pack)
        .assert()
        .code(1);
    let v = json(&a.get_output().stdout);
    assert_eq!(v["ok"], false);
    assert_eq!(v["passed"], 1);
    assert_eq!(v["failed"], 1);
    let failed = &v["cases"][1];
    assert_eq!(failed["passed"], false);
    assert_eq!(failed["end"], "vendor");
    assert_eq!(failed["left_at"]["node"], "smell");
    assert_eq!(failed["left_at"]["instead"][0], "yes");
    assert_eq!(failed["path"][1]["node"], "code");
    assert_eq!(failed["path"][1]["answer"], "X1");
}

#[test]
fn test_in_junit_is_xml_a_ci_can_read() {
    use quick_xml::events::Event;
    let env = Env::new();
    let pack = kiosk_pack(&env);
    let a = env
        .cmd()
        .args(["test", "--format", "junit", "--coverage"])
        .arg(&pack)
        .assert()
        .code(1);
    let xml = stdout(&a);
    let mut reader = quick_xml::Reader::from_str(&xml);
    let (mut cases, mut failures, mut root) = (0, 0, None);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                let name = e.name().as_ref().to_owned();
                if root.is_none() {
                    root = Some(name.clone());
                    let attr = e.try_get_attribute("tests").unwrap().unwrap();
                    let tests = attr.value.into_owned();
                    assert_eq!(tests, "2");
                }
                match name.as_str() {
                    "testcase" => cases += 1,
                    "failure" => failures += 1,
                    _ => {}
                }
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("not XML at {}: {e}\n{xml}", reader.buffer_position()),
        }
    }
    assert_eq!(root.as_deref(), Some("testsuites"));
    assert_eq!(cases, 2);
    assert_eq!(failures, 1);
    assert!(xml.contains("left the expected path at step 4"), "{xml}");
}

#[test]
fn test_in_tap_follows_tap_13() {
    let env = Env::new();
    let pack = kiosk_pack(&env);
    let a = env
        .cmd()
        .args(["test", "--format", "tap"])
        .arg(&pack)
        .assert()
        .code(1);
    let tap = stdout(&a);
    let lines: Vec<&str> = tap.lines().collect();
    assert_eq!(lines[0], "TAP version 13");
    assert_eq!(lines[1], "1..2");
    assert_eq!(lines[2], "ok 1 - kiosk: a BT code and a restart fix it");
    assert_eq!(
        lines[3],
        "not ok 2 - kiosk: a burning smell must stop the walk"
    );
    // The diagnostic block: indented YAML between `---` and `...`.
    assert_eq!(lines[4], "  ---");
    let end = lines.iter().position(|l| *l == "  ...").unwrap();
    let block: String = lines[5..end]
        .iter()
        .map(|l| format!("{}\n", l.strip_prefix("  ").unwrap()))
        .collect();
    let y: serde_yaml::Value = serde_yaml::from_str(&block).unwrap();
    assert_eq!(y["severity"], "fail");
    assert_eq!(y["at"]["line"], 6);
    assert!(y["path"].as_str().unwrap().ends_with("smell=no → vendor"));
    assert_eq!(lines.last().unwrap(), &"# 1 passed, 1 failed");
}

#[test]
fn the_builtin_rules_pass_their_own_scenarios() {
    let env = Env::new();
    let a = env.cmd().args(["test", "--coverage"]).assert().code(0);
    let out = stdout(&a);
    let last = out.lines().last().unwrap();
    assert!(last.ends_with(" passed, 0 failed"), "{out}");
    // Every built-in tree has cases.
    let list = env.cmd().args(["list", "--json"]).output().unwrap();
    for t in json(&list.stdout).as_array().unwrap() {
        let id = t["id"].as_str().unwrap();
        assert!(out.contains(&format!("✓ {id}: ")), "no scenario for {id}");
        let file = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("rules/tests/{id}.yaml"));
        assert!(file.exists(), "{}", file.display());
    }
}

#[test]
fn coverage_lists_what_no_case_reaches() {
    let env = Env::new();
    let pack = kiosk_pack(&env);
    let a = env
        .cmd()
        .args(["test", "--coverage"])
        .arg(&pack)
        .assert()
        .code(1);
    let out = stdout(&a);
    let cov = &out[out
        .find("Coverage (what the cases reach, and what no case reaches):")
        .expect("coverage")..];
    assert!(
        cov.contains("kiosk: 7 of 9 nodes and 7 of 10 answers reached"),
        "{cov}"
    );
    assert!(
        cov.contains("nodes no case reaches: netlink, burnt"),
        "{cov}"
    );
    assert!(
        cov.contains("answer no case gives: which=other → netlink"),
        "{cov}"
    );
    assert!(
        cov.contains("answer no case gives: smell=yes → burnt"),
        "{cov}"
    );
    assert!(!cov.contains("no-power"), "only the pack's trees: {cov}");
}

#[test]
fn scenario_files_are_never_loaded_as_rules() {
    let env = Env::new();
    let pack = kiosk_pack(&env);
    env.write(
        "pack/more.test.yaml",
        "- {name: x, tree: kiosk, answers: {code: BT-20, which: reader, restart: \"yes\"}, expect: {outcome: resolved}}\n",
    );
    env.cmd()
        .args(["validate", "--strict"])
        .arg(&pack)
        .assert()
        .code(0);
    let a = env.cmd().args(["test"]).arg(&pack).assert().code(1);
    assert!(stdout(&a).contains("2 passed, 1 failed"));
    // A scenario file given alone brings its pack.
    env.cmd()
        .arg("test")
        .arg(pack.join("more.test.yaml"))
        .assert()
        .code(0);
}

#[test]
fn a_broken_scenario_or_rule_file_fails_the_run_with_its_place() {
    let env = Env::new();
    let pack = kiosk_pack(&env);
    env.write(
        "pack/tests/bad.yaml",
        "- name: typo\n  tree: kiosk\n  expect: {outcome: fixed}\n",
    );
    env.write("pack/broken.yaml", "trees:\n  - id: b\n    nxt: 1\n");
    let a = env
        .cmd()
        .args(["test", "--format", "junit"])
        .arg(&pack)
        .assert()
        .code(1);
    let xml = stdout(&a);
    // The scenario's typo, and every schema error of the rule file.
    assert!(xml.contains("errors=\"6\""), "{xml}");
    assert!(xml.contains("bad.yaml:3:21"), "{xml}");
    assert!(
        xml.contains("unknown outcome `fixed` in case `typo`"),
        "{xml}"
    );
    assert!(xml.contains("broken.yaml:3:5"), "{xml}");
    assert!(xml.contains("missing field `title` in tree `b`"), "{xml}");
}

#[test]
fn paths_fed_back_to_run_reach_their_outcome() {
    let env = Env::new();
    let pack = kiosk_pack(&env);
    let a = packed(&env, &pack)
        .args(["paths", "kiosk", "--json"])
        .assert()
        .code(0);
    let v = json(&a.get_output().stdout);
    let ids: Vec<&str> = v["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&"netlink") && ids.contains(&"no-network/router"),
        "{ids:?}"
    );
    let routes = &v["nodes"][1]["routes"];
    assert_eq!(routes[0]["label"], "a BT-20 series code");
    assert_eq!(
        routes[1]["label"],
        "a 3-character code starting with “e5” or a 4-character code starting with “e-5”"
    );
    let paths = v["paths"].as_array().unwrap();
    assert!(paths.len() > 10);
    assert_eq!(v["complete"], true);
    // The text form prints each path as a mapping --answers reads.
    let text = stdout(
        &packed(&env, &pack)
            .args(["paths", "kiosk"])
            .assert()
            .code(0),
    );
    let mappings: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with('{'))
        .collect();
    assert_eq!(mappings.len(), paths.len());
    for (i, (p, m)) in paths.iter().zip(&mappings).enumerate().take(12) {
        let file = env.write(&format!("a{i}.yaml"), m);
        let code = if p["outcome"] == "resolved" { 0 } else { 3 };
        let a = packed(&env, &pack)
            .args([
                "run",
                "kiosk",
                "--no-input",
                "--no-log",
                "--json",
                "--answers",
            ])
            .arg(&file)
            .assert()
            .code(code);
        let r = json(&a.get_output().stdout);
        let end = r["escalation"]["node"]
            .as_str()
            .or(r["resolution"]["node"].as_str())
            .unwrap();
        assert_eq!(end, p["end"], "{m}");
        assert!(stderr(&a).is_empty(), "{m}: {}", stderr(&a));
    }
}

/// A pack with a broken file beside a good one.
fn broken_beside_good(env: &Env) -> PathBuf {
    env.write("bp/good.yaml", "trees:\n  - id: good\n    title: {en: G, zh: 好}\n    category: power\n    keywords: {zh: [好]}\n    start: a\n    nodes:\n      - {id: a, kind: resolved, text: {en: ok, zh: 好}}\n");
    env.write(
        "bp/broken.yaml",
        "trees:\n  - id: kiosk\n    title: K\n    category: power\n    start: a\n    nodes:\n      - {id: a, kind: resolved, text: ok, nxt: a}\n",
    );
    env.home().join("bp")
}

#[test]
fn a_broken_pack_file_never_takes_the_counter_down() {
    let env = Env::new();
    let bp = broken_beside_good(&env);
    let a = packed(&env, &bp).args(DANGER).assert().code(3);
    let err = stderr(&a);
    let warnings: Vec<&str> = err.lines().filter(|l| l.contains("warning")).collect();
    assert_eq!(warnings.len(), 1, "{err}");
    assert!(
        warnings[0].starts_with("warning: left out ")
            && warnings[0].contains("broken.yaml:7:43 — unknown field `nxt` in node `a`"),
        "{err}"
    );
    assert!(
        warnings[0].contains("validate "),
        "says how to see it all: {err}"
    );
    // The other file of the pack works, and so do list, code, search, checklist, graph.
    packed(&env, &bp)
        .args(["run", "good", "--no-input", "--no-log"])
        .assert()
        .code(0);
    for args in [
        vec!["list"],
        vec!["code", "05"],
        vec!["search", "battery"],
        vec!["checklist", "no-power"],
        vec!["graph", "no-power"],
        vec!["paths", "good"],
    ] {
        let a = packed(&env, &bp).args(&args).assert().code(0);
        assert!(stderr(&a).contains("left out"), "{args:?}");
    }
    // With --json the warning is in the object too.
    let v = env.run_json_with(&bp, &[DANGER, &["--json"]].concat(), 3);
    assert!(v["warnings"][0].as_str().unwrap().contains("broken.yaml"));
    // validate and test still fail on it.
    env.cmd().arg("validate").arg(&bp).assert().code(1);
    env.cmd().arg("test").arg(&bp).assert().code(1);
    // For support scripts: fatal everywhere.
    let a = env
        .cmd()
        .args(["--strict-packs", "--rules"])
        .arg(&bp)
        .args(DANGER)
        .assert()
        .code(1);
    assert!(stderr(&a).contains("broken.yaml:7:43: error: unknown field `nxt`"));
    env.cmd()
        .env("POSDOCTOR_STRICT_PACKS", "1")
        .arg("--rules")
        .arg(&bp)
        .args(["code", "05"])
        .assert()
        .code(1);
    env.cmd()
        .env("POSDOCTOR_STRICT_PACKS", "0")
        .arg("--rules")
        .arg(&bp)
        .args(["code", "05"])
        .assert()
        .code(0);
    // The left-out tree is named as such.
    let a = packed(&env, &bp)
        .args(["run", "kiosk", "--json"])
        .assert()
        .code(1);
    let v = json(&a.get_output().stdout);
    assert_eq!(v["error"]["kind"], "unknown_tree");
    assert!(v["error"]["message"]
        .as_str()
        .unwrap()
        .contains("which is left out because it has errors"));
}

#[test]
fn a_file_that_needs_a_left_out_file_goes_too_and_says_why() {
    let env = Env::new();
    env.write(
        "p2/checks.yaml",
        "checks:\n  - {id: kiosk-reboot, rung: restart, do: {en: Reboot, zh: 重启}}\ncodes:\n  - {code: \"N7\", aliases: [\"05\"], meaning: x, owner: issuer, action: y}\n",
    );
    env.write(
        "p2/kiosk.yaml",
        "trees:\n  - id: kiosk\n    title: K\n    category: power\n    start: a\n    nodes:\n      - {id: a, kind: check, use: kiosk-reboot, yes: b, no: b}\n      - {id: b, kind: resolved, text: ok}\n",
    );
    let a = env
        .cmd()
        .args(["--rules"])
        .arg(env.home().join("p2"))
        .args(["list"])
        .assert()
        .code(0);
    let err = stderr(&a);
    assert!(
        err.contains("checks.yaml:4:28 — alias `05` of code `N7` is also the code `05`"),
        "{err}"
    );
    assert!(
        err.contains("kiosk.yaml:7:35 — no shared check is called `kiosk-reboot` (`use` of node `a`) (it needs ")
            && err.contains("checks.yaml, which is left out)"),
        "{err}"
    );
    assert!(!stdout(&a).contains("kiosk"));
}

#[test]
fn a_broken_replacement_of_a_builtin_tree_brings_the_builtin_back() {
    let env = Env::new();
    env.write(
        "p3/net.yaml",
        "trees:\n  - id: no-network\n    title: N\n    category: network\n    start: a\n    nodes:\n      - {id: a, kind: resolved, text: ok, next: a}\n",
    );
    let a = packed(&env, &env.home().join("p3"))
        .args([
            "run",
            "no-network",
            "--no-input",
            "--no-log",
            "--answer",
            "mid-sale=no",
        ])
        .assert()
        .code(4);
    assert!(
        stderr(&a).contains("the built-in `no-network` is used instead"),
        "{}",
        stderr(&a)
    );
}

impl Env {
    fn run_json_with(&self, pack: &Path, args: &[&str], code: i32) -> serde_json::Value {
        let a = self
            .cmd()
            .arg("--rules")
            .arg(pack)
            .args(args)
            .assert()
            .code(code);
        json(&a.get_output().stdout)
    }
}

#[test]
fn every_error_is_json_with_json() {
    let env = Env::new();
    let err = |args: &[&str], code: i32| -> serde_json::Value {
        let a = env.cmd().args(args).assert().code(code);
        json(&a.get_output().stdout)["error"].clone()
    };
    let e = err(&["run", "no-powr", "--no-input", "--json"], 1);
    assert_eq!(e["kind"], "unknown_tree");
    assert!(e["hint"]
        .as_str()
        .unwrap()
        .starts_with("did you mean `no-power`? Run it with:\n  posdoctor run no-power"));
    let e = err(
        &[
            "run",
            "no-power",
            "--no-input",
            "--json",
            "--answer",
            "danger=maybe",
        ],
        1,
    );
    assert_eq!(e["kind"], "invalid_answer");
    assert_eq!(e["node"], "danger");
    assert_eq!(e["valid"], serde_json::json!(["yes", "no"]));
    let answers = env.write("a.yaml", "danger: [yes\n");
    let e = err(
        &[
            "run",
            "no-power",
            "--no-input",
            "--json",
            "--answers",
            answers.to_str().unwrap(),
        ],
        1,
    );
    assert_eq!(e["kind"], "answers_file");
    assert!(e["file"].as_str().unwrap().ends_with("a.yaml"));
    assert!(
        e["line"].as_u64().is_some() && e["column"].as_u64().is_some(),
        "{e}"
    );
    let e = err(&["code", "zz9", "--json"], 1);
    assert_eq!(e["kind"], "unknown_code");
    // Usage errors: kind `usage` and exit 2, whoever found them; the
    // message names what is missing.
    let e = err(&["run", "--json"], 2);
    assert_eq!(e["kind"], "usage");
    assert_eq!(
        e["message"],
        "the following required arguments were not provided: <TREE>"
    );
    assert_eq!(e["hint"], "usage: posdoctor run --json <TREE>");
    let e = err(
        &[
            "run",
            "no-power",
            "--no-input",
            "--json",
            "--answer",
            "danger",
        ],
        2,
    );
    assert_eq!(e["kind"], "usage");
    env.cmd()
        .args(["run", "no-power", "--no-input", "--answer", "danger"])
        .assert()
        .code(2);
    // A log that is not there is an I/O error.
    let e = err(&["report", "missing.jsonl", "--format", "json"], 1);
    assert_eq!(e["kind"], "io");
    assert_eq!(e["file"], "missing.jsonl");
    let e = err(&["paths", "nope", "--json"], 1);
    assert_eq!(e["kind"], "unknown_tree");
    let bp = broken_beside_good(&env);
    let a = env
        .cmd()
        .args(["--strict-packs", "--rules"])
        .arg(&bp)
        .args(["list", "--json"])
        .assert()
        .code(1);
    let e = &json(&a.get_output().stdout)["error"];
    assert_eq!(e["kind"], "rules");
    assert_eq!(e["line"], 7);
    assert_eq!(e["column"], 43);
    // The findings themselves, not "(shown above)", which is on stderr.
    assert!(
        !e["message"].as_str().unwrap().contains("shown above"),
        "{e}"
    );
    let f = &e["findings"][0];
    assert!(f["file"].as_str().unwrap().ends_with("broken.yaml"), "{e}");
    assert_eq!(
        (&f["line"], &f["column"]),
        (&serde_json::json!(7), &serde_json::json!(43))
    );
    assert_eq!(f["message"], "unknown field `nxt` in node `a`");
    assert!(stderr(&a).contains("error(s) in the rules (shown above)"));
}

#[test]
fn suggested_commands_carry_the_options_that_produced_them() {
    let env = Env::new();
    let pack = kiosk_pack(&env);
    let a = packed(&env, &pack)
        .args(["--lang", "zh", "search", "自助机"])
        .assert()
        .code(0);
    let out = stdout(&a);
    let cmd = out
        .lines()
        .find_map(|l| l.strip_prefix("→ "))
        .expect("a suggestion")
        .to_owned();
    assert_eq!(
        cmd,
        format!("posdoctor --rules {} --lang zh run kiosk", pack.display())
    );
    let words = shlex::split(&cmd).unwrap();
    env.cmd()
        .args(&words[1..])
        .args(["--no-input", "--no-log"])
        .assert()
        .code(4);
    // "no tree called X" says which rules were loaded and how to load a pack.
    let a = env.cmd().args(["run", "kiosk"]).assert().code(1);
    let err = stderr(&a);
    assert!(
        err.contains("no tree is called `kiosk`. Loaded: the built-in rules"),
        "{err}"
    );
    assert!(
        err.contains("\n  posdoctor --rules DIR run kiosk\n"),
        "{err}"
    );
    // A typo of a loaded tree: the command with the right name, on a line
    // of its own, that works when pasted — not the typo again with DIR.
    let a = packed(&env, &pack)
        .args(["run", "kiosks", "--no-input", "--no-log"])
        .assert()
        .code(1);
    let err = stderr(&a);
    assert!(
        err.starts_with("error: no tree is called `kiosks`. Loaded: the built-in rules; "),
        "{err}"
    );
    assert!(!err.contains("?."), "{err}");
    assert!(!err.contains("DIR"), "{err}");
    let line = err
        .lines()
        .find(|l| l.trim_start().starts_with("posdoctor "))
        .expect("a command line");
    assert_eq!(
        line.trim(),
        format!("posdoctor --rules {} run kiosk", pack.display())
    );
    let words = shlex::split(line.trim()).unwrap();
    env.cmd()
        .args(&words[1..])
        .args(["--no-input", "--no-log"])
        .assert()
        .code(4);
    // `code`'s "Next:" names the tree; its command is a line of its own.
    env.write(
        "codes/k.yaml",
        "codes:\n  - {code: \"K1\", meaning: {en: m, zh: 义}, owner: terminal, action: {en: a, zh: 做}, tree: kiosk}\n",
    );
    let a = packed(&env, &pack)
        .arg("--rules")
        .arg(env.home().join("codes"))
        .args(["code", "K1"])
        .assert()
        .code(0);
    let out = stdout(&a);
    assert!(
        out.contains("Next: Kiosk screen shows BT-2x\n  posdoctor --rules "),
        "{out}"
    );
    let line = out
        .lines()
        .find(|l| l.trim_start().starts_with("posdoctor "))
        .expect("a command line");
    let words = shlex::split(line.trim()).unwrap();
    env.cmd()
        .args(&words[1..])
        .args(["--no-input", "--no-log"])
        .assert()
        .code(4);
}

#[test]
fn pack_contacts_and_facts_reach_the_escalation_and_the_checklist() {
    let env = Env::new();
    let pack = kiosk_pack(&env);
    let answers = [
        "--answer",
        "code=X1",
        "--answer",
        "restart=no",
        "--answer",
        "smell=no",
    ];
    // The pack's contact, when the profile has none.
    let v = env.run_json_with(
        &pack,
        &[
            &["run", "kiosk", "--no-input", "--no-log", "--json"][..],
            &answers[..],
        ]
        .concat(),
        3,
    );
    let esc = &v["escalation"];
    assert_eq!(esc["contact"]["phone"], "400 820 1234");
    assert_eq!(esc["contact"]["name"], "Lotus POS service desk");
    let facts: Vec<&str> = esc["have_ready"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["fact"].as_str().unwrap())
        .collect();
    assert_eq!(facts, ["merchant", "tried", "kiosk_number"]);
    // A fact saved in the profile (full-width digits from a Chinese IME).
    packed(&env, &pack)
        .args(["profile", "set", "fact.kiosk_number", "００４２"])
        .assert()
        .code(0);
    let a = packed(&env, &pack)
        .args(["--lang", "zh", "run", "kiosk", "--no-input", "--no-log"])
        .args(answers)
        .assert()
        .code(3);
    let out = stdout(&a);
    assert!(out.contains("✓ 自助机编号（支架贴纸）：0042"), "{out}");
    assert!(
        out.contains("莲花POS服务台") && out.contains("每天 08:00–20:00"),
        "{out}"
    );
    // The profile wins over the pack.
    env.cmd()
        .args(["profile", "set", "contact.vendor.phone", "021 5555 0100"])
        .assert()
        .code(0);
    let v = env.run_json_with(
        &pack,
        &[
            &["run", "kiosk", "--no-input", "--no-log", "--json"][..],
            &answers[..],
        ]
        .concat(),
        3,
    );
    assert_eq!(v["escalation"]["contact"]["phone"], "021 5555 0100");
    assert!(
        v["escalation"]["contact"]["name"].is_null(),
        "never mixed with the pack's"
    );
    // Checklists: who to call, the fact to fill in, the route label.
    env.cmd()
        .args(["profile", "unset", "contact.vendor.phone"])
        .assert()
        .code(0);
    let a = packed(&env, &pack)
        .args(["checklist", "kiosk", "--width", "200"])
        .assert()
        .code(0);
    let out = stdout(&a);
    assert!(out.contains("Phone: 400 820 1234"), "{out}");
    assert!(
        out.contains("Kiosk number (sticker on the stand): 0042"),
        "{out}"
    );
    assert!(
        out.contains("If it is a BT-20 series code: go to step"),
        "{out}"
    );
    assert!(
        out.contains("If it is a 3-character code starting with “e5” or a 4-character code starting with “e-5”"),
        "{out}"
    );
    assert!(
        !out.contains("[0-9]") && !out.contains("\\d"),
        "no regex on paper: {out}"
    );
    // An unknown fact key says which facts the packs define.
    let a = packed(&env, &pack)
        .args(["profile", "set", "fact.kiosk_nr", "1"])
        .assert()
        .code(1);
    assert!(
        stderr(&a).contains("did you mean `fact.kiosk_number`?"),
        "{}",
        stderr(&a)
    );
    let a = packed(&env, &pack)
        .args(["profile", "set", "fact.kiosk_number", "12a"])
        .assert()
        .code(1);
    assert!(stderr(&a).contains("digits only"));
}

#[test]
fn the_builtin_rules_define_no_contacts() {
    let loaded = posdoctor::rules::load::load(&posdoctor::rules::load::LoadOptions {
        builtin: true,
        packs: vec![],
    });
    assert!(loaded.rules.contacts.is_empty());
    assert!(loaded.rules.facts.is_empty());
}

#[test]
fn a_reference_that_only_adds_information_keeps_its_file() {
    let env = Env::new();
    env.write(
        "p4/kiosk.yaml",
        "codes:\n  - {code: \"N7\", meaning: {en: m, zh: m}, owner: issuer, action: {en: a, zh: a}, tree: kiosk-gone}\ntrees:\n  - id: kiosk\n    title: {en: K, zh: K}\n    category: power\n    keywords: {zh: [k]}\n    start: a\n    nodes:\n      - {id: a, kind: escalate, party: vendor, text: {en: x, zh: x}, have_ready: [mid, kiosk_nr]}\n",
    );
    let p4 = env.home().join("p4");
    env.cmd().arg("validate").arg(&p4).assert().code(1);
    let a = packed(&env, &p4)
        .args(["run", "kiosk", "--no-input", "--no-log", "--json"])
        .assert()
        .code(3);
    let v = json(&a.get_output().stdout);
    let have: Vec<&str> = v["escalation"]["have_ready"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["fact"].as_str().unwrap())
        .collect();
    assert_eq!(have, ["mid"]);
    let w = v["warnings"].as_array().unwrap();
    assert_eq!(w.len(), 2, "{w:?}");
    assert!(w.iter().any(|w| w.as_str().unwrap().contains(
        "no fact is called `kiosk_nr` (`have_ready` of node `a`); the rest of that file is used"
    )));
    let a = packed(&env, &p4)
        .args(["code", "n7", "--json"])
        .assert()
        .code(0);
    assert!(json(&a.get_output().stdout)["tree"].is_null());
}

#[test]
fn a_scenario_file_with_one_bad_case_runs_the_others_and_names_each_mistake_where_it_is() {
    let env = Env::new();
    let pack = kiosk_pack(&env);
    env.write(
        "pack/tests/more.yaml",
        "- name: good\n  tree: kiosk\n  answers: {code: BT-21, which: reader, restart: \"yes\"}\n  expect: {outcome: resolved}\n- name: structural\n  tree: kiosk\n  expect: {outcome: fixed}\n- name: no such tree\n  tree: kiosks\n  expect: {outcome: resolved}\n- name: no such node\n  tree: kiosk\n  answers:\n    code: BT-21\n    whihc: reader\n  expect: {outcome: resolved}\n- name: through the link\n  tree: kiosk\n  answers: {code: BT-21, which: other}\n  expect: {outcome: needs_input, visits: [netlink]}\n",
    );
    let a = env
        .cmd()
        .args(["test", "--format", "json"])
        .arg(&pack)
        .assert()
        .code(1);
    let v = json(&a.get_output().stdout);
    // The structural error is a problem at its place; the case is not run.
    let problems = v["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert_eq!(
        (&problems[0]["line"], &problems[0]["column"]),
        (&serde_json::json!(7), &serde_json::json!(21))
    );
    let case = |name: &str| {
        v["cases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap_or_else(|| panic!("no case {name}: {v}"))
            .clone()
    };
    assert_eq!(case("good")["passed"], true);
    assert!(v["cases"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["name"] != "structural"));
    // An unknown tree or node: at the name itself.
    let t = case("no such tree");
    assert_eq!(
        (&t["line"], &t["column"]),
        (&serde_json::json!(9), &serde_json::json!(9))
    );
    let n = case("no such node");
    assert_eq!(
        (&n["line"], &n["column"]),
        (&serde_json::json!(15), &serde_json::json!(5))
    );
    assert!(n["failures"][0]
        .as_str()
        .unwrap()
        .contains("did you mean `which`?"));
    // A link is passed through: `visits` counts it.
    assert_eq!(
        case("through the link")["passed"],
        true,
        "{}",
        case("through the link")
    );
    // In text, the place is file:line:col, and the summary counts the problem.
    let a = env.cmd().arg("test").arg(&pack).assert().code(1);
    let out = stdout(&a);
    assert!(out.contains("more.yaml:15:5\n"), "{out}");
    assert!(
        out.contains("more.yaml:7:21: error: unknown outcome `fixed` in case `structural`"),
        "{out}"
    );
    assert!(
        out.contains("3 passed, 3 failed, plus 1 problem(s) in the files (above)"),
        "{out}"
    );
    assert!(!out.contains("no scenario cases were found"), "{out}");
}

#[test]
fn a_scenario_file_whose_cases_all_have_errors_does_not_say_there_are_none() {
    let env = Env::new();
    let pack = kiosk_pack(&env);
    std::fs::remove_file(env.home().join("pack/tests/kiosk.yaml")).unwrap();
    env.write(
        "pack/tests/bad.yaml",
        "- name: structural\n  tree: kiosk\n  expect: {outcome: fixed}\n",
    );
    let a = env.cmd().arg("test").arg(&pack).assert().code(1);
    let out = stdout(&a);
    assert!(
        out.contains("0 passed, 0 failed, plus 1 problem(s) in the files (above)"),
        "{out}"
    );
    assert!(!out.contains("no scenario cases were found"), "{out}");
}

#[test]
fn narrow_checklists_never_split_a_phone_number_an_address_or_a_date() {
    let env = Env::new();
    for (key, value) in [
        ("contact.vendor.name", "Lotus POS service desk"),
        ("contact.vendor.phone", "+86 21 5555 0199"),
        ("contact.vendor.hours", "Mon–Sat 08:00–20:00"),
        (
            "contact.vendor.web",
            "https://support.example.com/pos/terminals/help",
        ),
        ("purchase_date", "2025-03-31"),
    ] {
        env.cmd()
            .args(["profile", "set", key, value])
            .assert()
            .code(0);
    }
    for width in ["32", "42"] {
        for lang in ["en", "zh"] {
            let a = env
                .cmd()
                .env("SOURCE_DATE_EPOCH", "1795000000")
                .args(["--lang", lang, "checklist", "no-power", "--width", width])
                .assert()
                .code(0);
            let out = stdout(&a);
            let w: usize = width.parse().unwrap();
            for line in out.lines() {
                assert!(
                    unicode_width::UnicodeWidthStr::width(line) <= w,
                    "{width} {lang}: too wide: {line}"
                );
                assert!(
                    !line.contains('\u{2060}') && !line.contains('\u{a0}'),
                    "{line:?}"
                );
            }
            let on_one_line = |token: &str| out.lines().any(|l| l.contains(token));
            for token in [
                "+86 21 5555 0199",
                "08:00–20:00",
                "https://support.example.com/",
                "2025-03-31",
                "2026-11-18 ",
            ] {
                assert!(
                    on_one_line(token),
                    "{width} {lang}: `{token}` split:\n{out}"
                );
            }
        }
    }
}

/// A link with `then`: once the linked tree has fixed the connection, the
/// walk comes back to finish the job (sign on again) instead of ending
/// "resolved" with the sign-on never done. Seen in `run --json`, on the
/// checklist and in `validate`.
#[test]
fn a_link_with_then_comes_back_to_finish_the_job() {
    let env = Env::new();
    let pack = env.write(
        "then/signon.yaml",
        r#"
trees:
  - id: my-sign-on
    title: {en: "Sign-on fails", zh: "签到失败"}
    category: software
    start: online
    nodes:
      - {id: online, kind: question, ask: {en: "Is the terminal online?", zh: "POS机联网了吗？"}, yes: sign-again, no: fix-net}
      - {id: fix-net, kind: link, tree: my-net, then: sign-again}
      - {id: sign-again, kind: question, ask: {en: "Sign on again now. Did it work?", zh: "现在重新签到。成功了吗？"}, yes: signed, no: call}
      - {id: signed, kind: resolved, text: {en: "Signed on.", zh: "签到成功。"}}
      - {id: call, kind: escalate, party: acquirer, text: {en: "Call the acquirer.", zh: "联系收单机构。"}}
  - id: my-net
    title: {en: "No network", zh: "没网"}
    category: network
    start: cable
    nodes:
      - {id: cable, kind: question, ask: {en: "Plug the cable back in. Online now?", zh: "把网线插好。联网了吗？"}, yes: online-again, no: isp}
      - {id: online-again, kind: resolved, text: {en: "Online again.", zh: "已恢复联网。"}}
      - {id: isp, kind: escalate, party: isp, text: {en: "Call the internet provider.", zh: "联系网络运营商。"}}
"#,
    );
    // Fixed in the linked tree: back to the sign-on, which is then done.
    let a = packed(&env, &pack)
        .args(["run", "my-sign-on", "--no-input", "--no-log", "--json"])
        .args(answer_flags(&["online=no", "my-net/cable=yes"]))
        .assert()
        .code(4);
    let out = json(&a.get_output().stdout);
    assert_eq!(out["outcome"], "needs_input");
    assert_eq!(out["pending"]["node"], "sign-again");
    assert_eq!(out["pending"]["prompt"], "Sign on again now. Did it work?");
    let a = packed(&env, &pack)
        .args(["run", "my-sign-on", "--no-input", "--no-log", "--json"])
        .args(answer_flags(&[
            "online=no",
            "my-net/cable=yes",
            "sign-again=yes",
        ]))
        .assert()
        .code(0);
    let out = json(&a.get_output().stdout);
    assert_eq!(out["outcome"], "resolved");
    let nodes: Vec<&str> = out["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["node"].as_str().unwrap())
        .collect();
    assert_eq!(nodes, ["online", "my-net/cable", "sign-again"]);
    // Not fixed there: the linked tree's escalation ends the walk.
    packed(&env, &pack)
        .args(["run", "my-sign-on", "--no-input", "--no-log", "--json"])
        .args(answer_flags(&["online=no", "my-net/cable=no"]))
        .assert()
        .code(3);
    // On paper: go to the other checklist, then come back.
    for (lang, want) in [
        ("en", "; once that has solved it, come back to step 2"),
        ("zh", "；那边解决后，回到第 2 步"),
    ] {
        let a = packed(&env, &pack)
            .args(["--lang", lang, "checklist", "my-sign-on", "--width", "200"])
            .assert()
            .success();
        assert!(stdout(&a).contains(want), "{lang}: {}", stdout(&a));
    }
    // A `then` that names no node is an error at its line.
    let broken = env.write(
        "then-bad/signon.yaml",
        std::fs::read_to_string(&pack)
            .unwrap()
            .replace("then: sign-again", "then: sign-agian"),
    );
    let a = packed(&env, &broken)
        .args(["validate"])
        .arg(&broken)
        .assert()
        .code(1);
    let err = stdout(&a) + &stderr(&a);
    assert!(err.contains("signon.yaml:9:"), "{err}");
    assert!(err.contains("did you mean `sign-again`?"), "{err}");
}

/// A session of a pack's tree continues with plain `run --resume` (and so
/// the picker's Continue): the log names the packs it ran with.
#[test]
fn a_pack_session_resumes_without_naming_the_pack() {
    let env = Env::new();
    let pack = env.write(
        "resume-pack/kiosk.yaml",
        r#"
trees:
  - id: kiosk-reset
    title: {en: "Kiosk stuck", zh: "自助机卡住"}
    category: software
    start: restart
    nodes:
      - {id: restart, kind: check, do: {en: "Restart the kiosk.", zh: "重启自助机。"}, yes: ok, no: call}
      - {id: ok, kind: resolved, text: {en: "Fixed.", zh: "已解决。"}}
      - {id: call, kind: escalate, party: vendor, text: {en: "Call the kiosk vendor.", zh: "联系自助机服务商。"}}
"#,
    );
    // Stopped at the first question (exit 4), with a log.
    packed(&env, &pack)
        .args(["run", "kiosk-reset", "--no-input"])
        .assert()
        .code(4);
    let logs = env.logs();
    assert_eq!(logs.len(), 1);
    let start = std::fs::read_to_string(&logs[0]).unwrap();
    assert!(start.contains("\"packs\":["), "{start}");
    // Continued with no --rules: the pack is loaded from the log.
    let a = env
        .cmd()
        .args([
            "run",
            "--resume",
            "--no-input",
            "--json",
            "--answer",
            "restart=yes",
        ])
        .assert()
        .code(0);
    let out = json(&a.get_output().stdout);
    assert_eq!(out["outcome"], "resolved");
    assert_eq!(out["tree"], "kiosk-reset");
}
