//! `run` in scripted mode: exactly the contract's answers, JSON and exit codes.

mod common;

use common::*;
use predicates::prelude::*;

#[test]
fn resolved_exits_0() {
    let env = Env::new();
    let v = env.run_json(
        "no-power",
        &[
            "danger=no",
            "shop-power=yes",
            "what-happens=dead",
            "power-key=yes",
        ],
        0,
    );
    assert_eq!(v["tree"], "no-power");
    assert_eq!(v["outcome"], "resolved");
    assert_eq!(v["resolution"]["node"], "fixed");
    let steps = v["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 5);
    assert_eq!(steps[0]["node"], "keep-selling");
    assert_eq!(steps[0]["kind"], "info");
    assert_eq!(steps[0]["answer"], serde_json::Value::Null);
    assert_eq!(steps[1]["node"], "danger");
    assert_eq!(steps[1]["answer"], "no");
    assert_eq!(steps[4]["kind"], "check");
    assert!(v.get("pending").is_none());
    assert!(v["log"].as_str().unwrap().ends_with(".jsonl"));
}

#[test]
fn escalation_exits_3_and_names_the_party() {
    let env = Env::new();
    let v = env.run_json("no-power", NO_POWER_TO_VENDOR, 3);
    assert_eq!(v["outcome"], "escalated");
    assert_eq!(v["escalation"]["party"], "vendor");
    let facts: Vec<&str> = v["escalation"]["have_ready"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["fact"].as_str().unwrap())
        .collect();
    assert!(
        facts.contains(&"serial") && facts.contains(&"mid") && facts.contains(&"tid"),
        "{facts:?}"
    );
}

#[test]
fn safety_stop_escalates_at_once() {
    let env = Env::new();
    let v = env.run_json("no-power", &["danger=yes"], 3);
    assert_eq!(v["escalation"]["node"], "stop-danger");
    assert_eq!(
        v["steps"].as_array().unwrap().len(),
        2,
        "no further checks after a swollen battery"
    );
}

#[test]
fn area_power_cut_goes_to_the_power_company() {
    let env = Env::new();
    let v = env.run_json("no-power", &["danger=no", "shop-power=no"], 4);
    // no-power hands over to power-outage, whose nodes are named tree/node.
    assert_eq!(v["pending"]["node"], "power-outage/area");
    let answers = [
        "danger=no",
        "shop-power=no",
        "power-outage/area=yes",
        "power-outage/power-back=no",
    ];
    let v = env.run_json("no-power", &answers, 3);
    assert_eq!(v["escalation"]["party"], "power");
    assert_eq!(v["escalation"]["tree"], "power-outage");
    assert_eq!(v["escalation"]["node"], "power-outage/call-power");
}

#[test]
fn missing_answer_exits_4_with_pending() {
    let env = Env::new();
    let v = env.run_json("no-power", &["danger=no"], 4);
    assert_eq!(v["outcome"], "needs_input");
    assert_eq!(v["pending"]["node"], "shop-power");
    assert_eq!(v["pending"]["choices"], serde_json::json!(["yes", "no"]));
    assert!(v["pending"]["prompt"].as_str().unwrap().contains("power"));
}

#[test]
fn missing_answer_text_names_node_question_and_valid_answers() {
    let env = Env::new();
    env.cmd()
        .args([
            "run",
            "no-power",
            "--no-input",
            "--answer",
            "danger=no",
            "--answer",
            "shop-power=yes",
        ])
        .assert()
        .code(4)
        .stdout(predicate::str::contains("No answer for `what-happens`"))
        .stdout(predicate::str::contains(
            "Valid answers: dead, switches-off, screen, drains",
        ))
        .stdout(predicate::str::contains("--answer what-happens=VALUE"));
}

#[test]
fn bad_answer_exits_1_naming_node_answer_and_valid_ones() {
    let env = Env::new();
    env.cmd()
        .args(["run", "no-power", "--no-input", "--answer", "danger=maybe"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "`maybe` is not an answer to `danger`; valid answers: yes, no",
        ));
    env.cmd()
        .args([
            "run",
            "no-power",
            "--no-input",
            "--answer",
            "danger=no",
            "--answer",
            "shop-power=yes",
            "--answer",
            "what-happens=broken",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "valid answers: dead, switches-off, screen, drains",
        ));
}

#[test]
fn non_terminal_stdin_never_prompts_or_hangs() {
    let env = Env::new();
    // No --no-input, but stdin is a pipe: scripted mode, never waits on stdin.
    env.cmd()
        .args(["run", "card-read"])
        .write_stdin("yes\nyes\n")
        .assert()
        .code(4);
}

#[test]
fn unreached_and_unknown_answers_are_warned_about() {
    let env = Env::new();
    env.cmd()
        .args([
            "run",
            "no-power",
            "--no-input",
            "--answer",
            "danger=yes",
            "--answer",
            "outlet=no",
            "--answer",
            "outlte=no",
        ])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "warning: an answer was given for `outlet`, but the walk never reached it",
        ))
        .stderr(
            predicate::str::contains("`outlte`")
                .and(predicate::str::contains("did you mean `outlet`?")),
        );
}

#[test]
fn answers_file_lists_are_used_in_turn_and_flags_win() {
    let env = Env::new();
    // card-read: tap fails, no chip/PIN prompt -> restart; restart fixes it.
    let file = env.write(
        "answers.yaml",
        "other-card: no\nwaiting: yes\nmethod: tap\ntap-technique: no\ntap-limit: no\nrestart: [no]\nupdate: no\n",
    );
    let a = env
        .cmd()
        .args(["run", "card-read", "--no-input", "--json", "--answers"])
        .arg(&file)
        .args(["--answer", "restart=yes"])
        .assert()
        .code(0);
    let v = json(&a.get_output().stdout);
    assert_eq!(v["resolution"]["node"], "fixed");
    let s = stderr(&a);
    assert!(s.contains("`update`"), "unused answer warned about: {s}");
}

#[test]
fn json_answers_file_works() {
    let env = Env::new();
    let file = env.write("a.json", r#"{"danger": "yes"}"#);
    env.cmd()
        .args(["run", "no-power", "--no-input", "--answers"])
        .arg(&file)
        .assert()
        .code(3);
}

#[test]
fn revisiting_a_node_without_a_fresh_answer_stops() {
    // A pack with a loop that only a person can leave: the script answers
    // `again` once, so the second visit stops with exit 4 instead of looping.
    let env = Env::new();
    let pack = env.write(
        "pack/loop.yaml",
        "trees:\n  - id: looping\n    title: {en: L, zh: L}\n    category: software\n    keywords: {zh: [l]}\n    start: again\n    nodes:\n      - id: again\n        kind: question\n        ask: {en: Again?, zh: 再来？}\n        yes: again\n        no: done\n      - id: done\n        kind: resolved\n        text: {en: ok, zh: 好}\n",
    );
    let a = env
        .cmd()
        .arg("--rules")
        .arg(pack.parent().unwrap())
        .args([
            "run",
            "looping",
            "--no-input",
            "--json",
            "--answer",
            "again=yes",
        ])
        .assert()
        .code(4);
    let v = json(&a.get_output().stdout);
    assert_eq!(v["pending"]["node"], "again");
    assert_eq!(v["steps"].as_array().unwrap().len(), 1);
}

#[test]
fn answers_for_a_revisited_node_come_from_the_list() {
    let env = Env::new();
    let pack = env.write(
        "pack/loop.yaml",
        "trees:\n  - id: looping\n    title: L\n    category: software\n    start: again\n    nodes:\n      - {id: again, kind: question, ask: Again?, yes: again, no: done}\n      - {id: done, kind: resolved, text: ok}\n",
    );
    let answers = env.write("a.yaml", "again: [yes, yes, no]\n");
    let a = env
        .cmd()
        .arg("--rules")
        .arg(&pack)
        .args(["run", "looping", "--no-input", "--json", "--answers"])
        .arg(&answers)
        .assert()
        .code(0);
    assert_eq!(
        json(&a.get_output().stdout)["steps"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
}

#[test]
fn unknown_tree_is_an_error_with_a_hint() {
    let env = Env::new();
    env.cmd()
        .args(["run", "no-powr", "--no-input"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "no tree is called `no-powr`. Loaded: the built-in rules\n  did you mean `no-power`? Run it with:\n  posdoctor run no-power\n",
        ));
}

#[test]
fn usage_errors_exit_2() {
    let env = Env::new();
    env.cmd().args(["run"]).assert().code(2);
    env.cmd()
        .args(["run", "no-power", "--log", "x", "--no-log"])
        .assert()
        .code(2);
    env.cmd().args(["frobnicate"]).assert().code(2);
    env.cmd().args(["--lang", "fr", "list"]).assert().code(2);
    env.cmd()
        .args(["--color", "sometimes", "list"])
        .assert()
        .code(2);
    // No command, not on a terminal: names the scripted form.
    env.cmd()
        .assert()
        .code(2)
        .stderr(predicate::str::contains("run TREE --no-input"));
}

#[test]
fn session_log_has_start_steps_and_end() {
    let env = Env::new();
    env.cmd()
        .args(["run", "no-power", "--no-input", "--answer", "danger=yes"])
        .assert()
        .code(3);
    let logs = env.logs();
    assert_eq!(logs.len(), 1);
    let text = std::fs::read_to_string(&logs[0]).unwrap();
    let events: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(events[0]["event"], "start");
    assert_eq!(events[0]["tree"], "no-power");
    assert_eq!(events[1]["event"], "step");
    assert_eq!(events[2]["node"], "danger");
    assert_eq!(events[2]["answer"], "yes");
    assert!(events[2]["time"].as_str().unwrap().ends_with('Z'));
    let end = events.last().unwrap();
    assert_eq!(end["event"], "end");
    assert_eq!(end["outcome"], "escalated");
    assert_eq!(end["party"], "vendor");
}

#[test]
fn explicit_log_is_appended_never_truncated() {
    let env = Env::new();
    let log = env.write("my.jsonl", "");
    for _ in 0..2 {
        env.cmd()
            .args([
                "run",
                "no-power",
                "--no-input",
                "--answer",
                "danger=yes",
                "--log",
            ])
            .arg(&log)
            .assert()
            .code(3);
    }
    let text = std::fs::read_to_string(&log).unwrap();
    assert_eq!(text.lines().filter(|l| l.contains("\"start\"")).count(), 2);
    assert!(env.logs().is_empty(), "no default log when --log is given");
}

#[test]
fn no_log_writes_nothing() {
    let env = Env::new();
    let a = env
        .cmd()
        .args([
            "run",
            "no-power",
            "--no-input",
            "--json",
            "--no-log",
            "--answer",
            "danger=yes",
        ])
        .assert()
        .code(3);
    assert!(env.logs().is_empty());
    assert!(json(&a.get_output().stdout).get("log").is_none());
}

#[test]
fn unwritable_explicit_log_fails_before_the_first_step() {
    let env = Env::new();
    let missing_dir = env.home().join("no/such/dir/log.jsonl");
    env.cmd()
        .args([
            "run",
            "no-power",
            "--no-input",
            "--answer",
            "danger=yes",
            "--log",
        ])
        .arg(&missing_dir)
        .assert()
        .code(1)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("cannot write the session log"));
}

#[test]
fn unwritable_default_log_warns_and_goes_on() {
    let env = Env::new();
    // POSDOCTOR_HOME is a file, so no folder can be made in it.
    let file = env.write("not-a-dir", "x");
    let mut cmd = env.cmd();
    cmd.env("POSDOCTOR_HOME", &file);
    cmd.args(["run", "no-power", "--no-input", "--answer", "danger=yes"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "the session log cannot be written",
        ));
}

#[test]
fn chinese_run_output() {
    let env = Env::new();
    let a = env
        .cmd()
        .args([
            "--lang",
            "zh",
            "run",
            "no-power",
            "--no-input",
            "--answer",
            "danger=yes",
        ])
        .assert()
        .code(3);
    let out = stdout(&a);
    assert!(out.contains("需要联系"), "{out}");
    assert!(out.contains("POS机服务商"), "{out}");
    assert!(out.contains("请准备好"), "{out}");
    // LANG=zh_CN picks Chinese too.
    let a = env
        .cmd()
        .env("LANG", "zh_CN.UTF-8")
        .args(["run", "no-power", "--no-input", "--answer", "danger=yes"])
        .assert()
        .code(3);
    assert!(stdout(&a).contains("需要联系"));
}

#[test]
fn no_colour_codes_in_pipes() {
    let env = Env::new();
    let a = env
        .cmd()
        .args(["run", "no-power", "--no-input", "--answer", "danger=yes"])
        .assert()
        .code(3);
    assert!(!stdout(&a).contains('\u{1b}'));
    let a = env
        .cmd()
        .args([
            "--color",
            "always",
            "run",
            "no-power",
            "--no-input",
            "--answer",
            "danger=yes",
        ])
        .assert()
        .code(3);
    assert!(stdout(&a).contains('\u{1b}'));
}
