//! Escalation that gets the right people called with the right facts:
//! the profile, the report, resuming a killed run, and no card data ever.

mod common;

use common::*;
use predicates::prelude::*;

fn set_profile(env: &Env, entries: &[(&str, &str)]) {
    for (k, v) in entries {
        env.cmd().args(["profile", "set", k, v]).assert().code(0);
    }
}

const FULL: &[(&str, &str)] = &[
    ("merchant", "Golden Noodle Bar"),
    ("mid", "378282246310005"),
    ("tid", "T0012345"),
    ("make", "Acme"),
    ("model", "A920"),
    ("serial", "SN-88A2-0042"),
    ("purchase_date", "2025-03-01"),
    ("warranty_until", "2099-03-01"),
    ("connection", "wifi"),
    ("contact.vendor.name", "Acme POS Service"),
    ("contact.vendor.phone", "+86 21 5555 0100"),
    ("contact.vendor.hours", "Mon–Sat 9:00–18:00"),
    ("contact.vendor.web", "support portal in the Acme app"),
];

const PARTIAL: &[(&str, &str)] = &[
    ("merchant", "Golden Noodle Bar"),
    ("mid", "378282246310005"),
];

/// Runs no-power to its vendor escalation and returns (json, report text).
fn escalate(env: &Env, lang: &str) -> (serde_json::Value, String) {
    let a = env
        .cmd()
        .args(["--lang", lang, "run", "no-power", "--no-input", "--json"])
        .args(answer_flags(NO_POWER_TO_VENDOR))
        .assert()
        .code(3);
    let v = json(&a.get_output().stdout);
    let report = std::fs::read_to_string(v["report"].as_str().expect("a report path")).unwrap();
    (v, report)
}

#[test]
fn reports_with_full_empty_and_partial_profiles_in_both_languages() {
    for (name, profile) in [("full", FULL), ("empty", &[][..]), ("partial", PARTIAL)] {
        for lang in ["en", "zh"] {
            let env = Env::new();
            set_profile(&env, profile);
            let (v, report) = escalate(&env, lang);
            insta::assert_snapshot!(format!("report_{name}_{lang}"), redact(&env, &report));
            // The JSON carries the same facts.
            let facts = v["escalation"]["facts"].as_array().unwrap();
            let mid = facts.iter().find(|f| f["fact"] == "mid").unwrap();
            if name == "empty" {
                assert!(mid.get("value").is_none());
                assert!(v["escalation"]["where_to_find"].is_string());
            } else {
                assert_eq!(
                    mid["value"], "378282246310005",
                    "a 15-digit MID survives intact"
                );
            }
        }
    }
}

#[test]
fn report_command_prints_the_same_report() {
    let env = Env::new();
    set_profile(&env, FULL);
    let (v, written) = escalate(&env, "en");
    let log = v["log"].as_str().unwrap();
    let a = env
        .cmd()
        .args(["report", log, "--format", "markdown"])
        .assert()
        .code(0);
    assert_eq!(stdout(&a), written);
    let a = env.cmd().args(["report", log]).assert().code(0);
    let text = stdout(&a);
    for must in [
        "378282246310005",
        "T0012345",
        "SN-88A2-0042",
        "Acme POS Service",
        "+86 21 5555 0100",
    ] {
        assert!(text.contains(must), "{must} in\n{text}");
    }
    assert_eq!(
        text.matches(" → didn't help").count(),
        7,
        "every step tried:\n{text}"
    );
    let a = env
        .cmd()
        .args(["report", log, "--format", "json"])
        .assert()
        .code(0);
    let r = json(&a.get_output().stdout);
    assert_eq!(r["party"], "vendor");
    assert_eq!(r["outcome"], "escalated");
    assert_eq!(r["steps"].as_array().unwrap().len(), 12);
}

#[test]
fn a_chinese_session_is_reported_in_chinese_unless_asked_otherwise() {
    let env = Env::new();
    set_profile(&env, FULL);
    let (v, written) = escalate(&env, "zh");
    let log = v["log"].as_str().unwrap();
    // No --lang: the session's own language, the very report it wrote.
    let a = env
        .cmd()
        .args(["report", log, "--format", "markdown"])
        .assert()
        .code(0);
    assert_eq!(stdout(&a), written);
    assert!(written.contains("问题上报报告"), "{written}");
    // --lang wins.
    let a = env
        .cmd()
        .args(["--lang", "en", "report", log, "--format", "markdown"])
        .assert()
        .code(0);
    assert!(!stdout(&a).contains("问题上报报告"), "{}", stdout(&a));
}

#[test]
fn reports_never_overwrite_each_other() {
    let env = Env::new();
    let mut paths = std::collections::BTreeSet::new();
    for _ in 0..3 {
        let v = env.run_json("no-power", &["danger=yes"], 3);
        paths.insert(v["report"].as_str().unwrap().to_owned());
    }
    assert_eq!(paths.len(), 3);
}

#[test]
fn killed_run_resumes_to_a_report_with_every_step_once() {
    #[cfg(unix)]
    {
        use expectrl::Expect;
        let env = Env::new();
        let log = env.home().join("killed.jsonl");
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_posdoctor"));
        cmd.args(["run", "no-power", "--log"])
            .arg(&log)
            .env("POSDOCTOR_HOME", env.home())
            .env("TERM", "xterm")
            .env_remove("LANG");
        let mut p = expectrl::Session::spawn(cmd).unwrap();
        p.set_expect_timeout(Some(std::time::Duration::from_secs(20)));
        p.expect("Keep selling first").unwrap();
        p.expect("Next →").unwrap();
        p.send("\r").unwrap();
        p.expect("Is the battery swollen").unwrap();
        std::thread::sleep(std::time::Duration::from_millis(150));
        p.send("\x1b[B").unwrap();
        std::thread::sleep(std::time::Duration::from_millis(150));
        p.send("\r").unwrap();
        p.expect("Do other things in the shop have power").unwrap();
        // Two answers are in the log; now the power is cut.
        p.get_process_mut()
            .kill(expectrl::process::unix::Signal::SIGKILL)
            .unwrap();
        let _ = p.get_process().wait();
        let before = std::fs::read_to_string(&log).unwrap();
        assert_eq!(
            before.lines().filter(|l| l.contains("\"step\"")).count(),
            2,
            "{before}"
        );
        assert!(!before.contains("\"end\""));

        let rest: Vec<&str> = NO_POWER_TO_VENDOR
            .iter()
            .copied()
            .filter(|a| !a.starts_with("danger="))
            .collect();
        let a = env
            .cmd()
            .args(["run", "no-power", "--no-input", "--json", "--resume"])
            .arg(&log)
            .args(answer_flags(&rest))
            .assert()
            .code(3);
        let v = json(&a.get_output().stdout);
        assert_eq!(v["steps"].as_array().unwrap().len(), 12);
        let report = std::fs::read_to_string(v["report"].as_str().unwrap()).unwrap();
        for node_prompt in [
            "Is the battery swollen",
            "Do other things in the shop have power",
            "Push the power adapter in firmly",
        ] {
            assert_eq!(
                report.matches(node_prompt).count(),
                1,
                "{node_prompt} once in\n{report}"
            );
        }
        let a = env
            .cmd()
            .args(["report", "--format", "json"])
            .arg(&log)
            .assert()
            .code(0);
        let r = json(&a.get_output().stdout);
        let nodes: Vec<&str> = r["steps"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["node"].as_str().unwrap())
            .collect();
        let unique: std::collections::BTreeSet<_> = nodes.iter().collect();
        assert_eq!(nodes.len(), unique.len(), "{nodes:?}");
        assert_eq!(nodes.len(), 12);
        // Resuming a finished session says so.
        env.cmd()
            .args(["run", "no-power", "--no-input", "--resume"])
            .arg(&log)
            .assert()
            .code(3)
            .stdout(predicate::str::contains("already ended"));
    }
}

#[test]
fn a_torn_last_line_is_read_up_to_the_line_before() {
    let env = Env::new();
    let log = env.home().join("torn.jsonl");
    env.cmd()
        .args([
            "run",
            "no-power",
            "--no-input",
            "--answer",
            "danger=no",
            "--log",
        ])
        .arg(&log)
        .assert()
        .code(4);
    let mut text = std::fs::read_to_string(&log).unwrap();
    text.push_str("{\"event\":\"step\",\"time\":\"2026-11-23T10:00:00Z\",\"n\":3,\"no");
    std::fs::write(&log, &text).unwrap();
    env.cmd()
        .args([
            "run",
            "no-power",
            "--no-input",
            "--answer",
            "shop-power=yes",
            "--answer",
            "what-happens=dead",
            "--answer",
            "power-key=yes",
            "--resume",
        ])
        .arg(&log)
        .assert()
        .code(0)
        .stderr(predicate::str::contains("was cut off"));
    env.cmd()
        .arg("report")
        .arg(&log)
        .assert()
        .code(0)
        .stderr(predicate::str::contains("was cut off"));
}

#[test]
fn a_log_from_a_changed_tree_names_the_first_step_that_no_longer_fits() {
    let env = Env::new();
    let tree = |second: &str| {
        format!(
            "trees:\n  - id: mine\n    title: Mine\n    category: software\n    start: first\n    nodes:\n      - {{id: first, kind: question, ask: One?, yes: {second}, no: done}}\n      - {{id: {second}, kind: question, ask: Two?, yes: done, no: call}}\n      - {{id: done, kind: resolved, text: ok}}\n      - {{id: call, kind: escalate, party: vendor, text: call}}\n"
        )
    };
    let pack = env.write("pack/mine.yaml", tree("second"));
    let dir = pack.parent().unwrap().to_path_buf();
    let log = env.home().join("mine.jsonl");
    env.cmd()
        .arg("--rules")
        .arg(&dir)
        .args([
            "run",
            "mine",
            "--no-input",
            "--answer",
            "first=yes",
            "--answer",
            "second=no",
            "--log",
        ])
        .arg(&log)
        .assert()
        .code(3);
    // Make it unfinished, then change the rules under it.
    let text = std::fs::read_to_string(&log).unwrap();
    let kept: Vec<&str> = text
        .lines()
        .filter(|l| !l.contains("\"end\"") && !l.contains("\"facts\""))
        .collect();
    std::fs::write(&log, kept.join("\n") + "\n").unwrap();
    std::fs::write(&pack, tree("other")).unwrap();
    env.cmd()
        .arg("--rules")
        .arg(&dir)
        .args(["run", "mine", "--no-input", "--resume"])
        .arg(&log)
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("no longer fits its tree `mine`")
                .and(predicate::str::contains("step 2 `second` is now `other`")),
        );
    // Resuming with the wrong tree name is an error too.
    env.cmd()
        .args(["run", "no-power", "--no-input", "--resume"])
        .arg(&log)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("is a session of `mine`"));
}

#[test]
fn an_unwritable_data_folder_is_told_once_and_the_run_goes_on() {
    let env = Env::new();
    let mut cmd = env.cmd();
    // Nothing, not even root, can create folders under /proc.
    cmd.env("POSDOCTOR_HOME", "/proc/posdoctor-cannot-write-here");
    let a = cmd
        .args([
            "run",
            "no-power",
            "--no-input",
            "--json",
            "--answer",
            "danger=yes",
        ])
        .assert()
        .code(3);
    let err = stderr(&a);
    assert_eq!(
        err.matches("the session log cannot be written").count(),
        1,
        "{err}"
    );
    assert!(err.contains("the report cannot be written"), "{err}");
    let v = json(&a.get_output().stdout);
    assert_eq!(v["escalation"]["party"], "vendor");
    // Disk full mid-way: an explicit --log fails before the first step.
    env.cmd()
        .args([
            "run",
            "no-power",
            "--no-input",
            "--answer",
            "danger=yes",
            "--log",
            "/dev/full",
        ])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("no space left on device"));
}

#[test]
fn profile_round_trip_validation_and_mode() {
    let env = Env::new();
    set_profile(&env, FULL);
    env.cmd()
        .args([
            "--terminal",
            "counter-2",
            "profile",
            "set",
            "tid",
            "T0000002",
        ])
        .assert()
        .code(0);
    let a = env
        .cmd()
        .args(["profile", "show", "--json"])
        .assert()
        .code(0);
    let v = json(&a.get_output().stdout);
    assert_eq!(v["mid"], "378282246310005");
    assert_eq!(v["terminals"]["default"]["serial"], "SN-88A2-0042");
    assert_eq!(v["terminals"]["counter-2"]["tid"], "T0000002");
    assert_eq!(v["contacts"]["vendor"]["phone"], "+86 21 5555 0100");
    env.cmd()
        .args(["profile", "unset", "contact.vendor.web"])
        .assert()
        .code(0);
    let a = env.cmd().args(["profile", "show"]).assert().code(0);
    assert!(
        !stdout(&a).contains("contact.vendor.web") && stdout(&a).contains("contact.vendor.hours")
    );
    // Refused values and keys: (key, value, what the error says).
    for (key, value, says) in [
        ("purchase_date", "2025-02-30", "not a date"),
        ("warranty_until", "next year", "not a date"),
        ("serail", "X", "did you mean `serial`?"),
        ("contact.bank.phone", "1", "unknown profile key"),
        ("mid", "12 34", "not a merchant ID"),
    ] {
        env.cmd()
            .args(["profile", "set", key, value])
            .assert()
            .code(1)
            .stderr(predicate::str::contains(says));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(env.home().join("profile.yaml"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // The per-terminal facts prefill a run for that terminal.
    let a = env
        .cmd()
        .args([
            "--terminal",
            "counter-2",
            "run",
            "no-power",
            "--no-input",
            "--json",
            "--answer",
            "danger=yes",
        ])
        .assert()
        .code(3);
    let facts = json(&a.get_output().stdout)["escalation"]["facts"].clone();
    let tid = facts
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["fact"] == "tid")
        .unwrap()
        .clone();
    assert_eq!(tid["value"], "T0000002");
}

#[test]
fn a_broken_profile_is_reported_and_the_run_goes_on() {
    let env = Env::new();
    env.write("profile.yaml", "merchant: x\nmdi: 1\n");
    let a = env
        .cmd()
        .args(["run", "no-power", "--no-input", "--answer", "danger=yes"])
        .assert()
        .code(3);
    assert!(
        stderr(&a).contains("profile.yaml:2:1: error: unknown field `mdi`"),
        "{}",
        stderr(&a)
    );
    env.cmd()
        .args(["profile", "set", "mid", "1234"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("did you mean `mid`?"));
}

#[test]
fn a_card_number_never_reaches_the_log_or_the_report() {
    let env = Env::new();
    set_profile(&env, PARTIAL);
    env.cmd()
        .args([
            "profile",
            "set",
            "contact.vendor.name",
            "Ask for Li 4111-1111-1111-1111",
        ])
        .assert()
        .code(0)
        .stderr(predicate::str::contains("masked"));
    let a = env
        .cmd()
        .args(["run", "transaction-failed", "--no-input", "--json"])
        .args([
            "--answer",
            "what-happened=code",
            "--answer",
            "code=card 4111 1111 1111 1111 fails",
            "--answer",
            "unknown-record=not-approved",
            "--answer",
            "other-card=no",
            "--answer",
            "connection-message=no",
        ])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("masked"));
    let out = stdout(&a);
    let v = json(&a.get_output().stdout);
    let log = std::fs::read_to_string(v["log"].as_str().unwrap()).unwrap();
    let report = std::fs::read_to_string(v["report"].as_str().unwrap()).unwrap();
    let profile = std::fs::read_to_string(env.home().join("profile.yaml")).unwrap();
    for (what, text) in [
        ("stdout", &out),
        ("log", &log),
        ("report", &report),
        ("profile", &profile),
    ] {
        assert!(
            !text.contains("4111 1111 1111 1111")
                && !text.contains("4111111111111111")
                && !text.contains("4111-1111"),
            "{what} holds the card number"
        );
    }
    assert!(log.contains("**** **** **** 1111"));
    assert!(report.contains("**** **** **** 1111"), "{report}");
    assert!(
        report.contains("378282246310005"),
        "the MID is not a card number to mask"
    );
    // What was typed at the code step fills "the message on the screen".
    let facts = v["escalation"]["facts"].as_array().unwrap();
    let msg = facts
        .iter()
        .find(|f| f["fact"] == "screen_message")
        .unwrap();
    assert_eq!(msg["value"], "card **** **** **** 1111 fails");
}
