//! list, validate, schema, completions, and the rendered text of a run,
//! with snapshots of what a person reads.

mod common;

use common::*;
use predicates::prelude::*;

#[test]
fn list_shows_every_tree() {
    let env = Env::new();
    let a = env.cmd().arg("list").assert().code(0);
    insta::assert_snapshot!("list_en", stdout(&a));
    let a = env.cmd().args(["--lang", "zh", "list"]).assert().code(0);
    insta::assert_snapshot!("list_zh", stdout(&a));
}

#[test]
fn list_json_has_the_contract_fields() {
    let env = Env::new();
    let a = env.cmd().args(["list", "--json"]).assert().code(0);
    let v = json(&a.get_output().stdout);
    let trees = v.as_array().unwrap();
    let ids: Vec<&str> = trees.iter().map(|t| t["id"].as_str().unwrap()).collect();
    for id in ["no-power", "no-network", "card-read"] {
        assert!(ids.contains(&id), "{ids:?}");
    }
    for t in trees {
        assert!(t["title"].is_string() && t["category"].is_string());
        assert!(t["keywords"]["en"].is_array() && t["keywords"]["zh"].is_array());
        assert_eq!(t["source"], "built-in");
    }
}

#[test]
fn a_pack_tree_replaces_the_builtin_one() {
    let env = Env::new();
    let pack = env.write(
        "pack/no-power.yaml",
        "trees:\n  - id: no-power\n    title: {en: Our own power tree, zh: 我们的电源流程}\n    category: power\n    keywords: {zh: [电]}\n    start: done\n    nodes:\n      - {id: done, kind: resolved, text: {en: ok, zh: 好}}\n",
    );
    let dir = pack.parent().unwrap();
    let a = env
        .cmd()
        .arg("--rules")
        .arg(dir)
        .args(["list", "--json"])
        .assert()
        .code(0);
    let v = json(&a.get_output().stdout);
    let t = v
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == "no-power")
        .unwrap();
    assert_eq!(t["title"], "Our own power tree");
    assert_eq!(t["source"], dir.display().to_string());
    // The same through the environment variable.
    let a = env
        .cmd()
        .env("POSDOCTOR_RULES", dir)
        .args(["run", "no-power", "--no-input", "--json"])
        .assert()
        .code(0);
    assert_eq!(
        json(&a.get_output().stdout)["steps"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    // --no-builtin: only the pack.
    let a = env
        .cmd()
        .arg("--rules")
        .arg(dir)
        .args(["--no-builtin", "list", "--json"])
        .assert()
        .code(0);
    assert_eq!(json(&a.get_output().stdout).as_array().unwrap().len(), 1);
}

#[test]
fn validate_passes_on_the_builtins_strictly() {
    let env = Env::new();
    env.cmd()
        .args(["validate", "--strict"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("0 error(s), 0 warning(s)"));
}

#[test]
fn missing_translations_warn_and_fail_with_strict() {
    let env = Env::new();
    let pack = env.write(
        "en-only.yaml",
        "trees:\n  - id: en-only\n    title: English only\n    category: power\n    start: done\n    nodes:\n      - {id: done, kind: resolved, text: ok}\n",
    );
    let a = env.cmd().arg("validate").arg(&pack).assert().code(0);
    let out = stdout(&a);
    assert!(
        out.contains(
            "en-only.yaml:3:12: warning: tree `en-only`: the title has no Chinese (zh) text"
        ),
        "{out}"
    );
    env.cmd()
        .args(["validate", "--strict"])
        .arg(&pack)
        .assert()
        .code(1);
}

#[test]
fn validate_snapshot_of_a_finding() {
    let env = Env::new();
    env.write(
        "typo.yaml",
        "trees:\n  - id: t\n    title: {en: T, zh: 甲}\n    category: power\n    keywords: {zh: [甲]}\n    start: a\n    nodes:\n      - id: a\n        kind: info\n        text: {en: hi, zh: 嗨}\n        nxt: b\n",
    );
    let a = env
        .cmd()
        .current_dir(env.home())
        .args(["validate", "--no-builtin", "typo.yaml"])
        .assert()
        .code(1);
    insta::assert_snapshot!("validate_unknown_field", stdout(&a));
}

#[test]
fn schema_is_json_schema_of_the_format() {
    let env = Env::new();
    let a = env.cmd().arg("schema").assert().code(0);
    let v = json(&a.get_output().stdout);
    assert!(v["$schema"].as_str().unwrap().contains("json-schema.org"));
    assert!(v["properties"]["trees"].is_object());
    let node = &v["$defs"]["NodeDef"];
    assert_eq!(
        node["additionalProperties"], false,
        "unknown fields are rejected"
    );
    for field in [
        "id",
        "kind",
        "use",
        "do",
        "ask",
        "yes",
        "no",
        "skip",
        "choices",
        "routes",
        "party",
        "tree",
        "destructive",
        "caution",
    ] {
        assert!(
            node["properties"][field].is_object(),
            "schema lacks `{field}`"
        );
    }
}

#[test]
fn completions_for_bash() {
    let env = Env::new();
    env.cmd()
        .args(["completions", "bash"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("posdoctor"));
}

#[test]
fn help_and_version_exit_0() {
    let env = Env::new();
    env.cmd()
        .arg("--help")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Exit codes"));
    env.cmd().arg("--version").assert().code(0);
}

#[test]
fn run_text_snapshots() {
    let env = Env::new();
    let mut args = vec!["run", "no-power", "--no-input", "--no-log"];
    let flags = answer_flags(NO_POWER_TO_VENDOR);
    args.extend(flags.iter().map(String::as_str));
    let a = env.cmd().args(&args).assert().code(3);
    insta::assert_snapshot!("run_no_power_vendor_en", redact(&env, &stdout(&a)));
    // A home of its own: two reports in the same second would be named -2.
    let env = Env::new();
    let a = env
        .cmd()
        .arg("--lang")
        .arg("zh")
        .args(&args)
        .assert()
        .code(3);
    insta::assert_snapshot!("run_no_power_vendor_zh", redact(&env, &stdout(&a)));
    let a = env
        .cmd()
        .args([
            "run",
            "no-network",
            "--no-input",
            "--no-log",
            "--answer",
            "mid-sale=yes",
        ])
        .assert()
        .code(4);
    insta::assert_snapshot!("run_no_network_needs_input", stdout(&a));
}

/// The worked example in docs/rules.md is valid and runs as documented.
#[test]
fn docs_rules_example_is_valid() {
    let env = Env::new();
    let doc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/rules.md")).unwrap();
    let example = doc
        .split("## A complete example")
        .nth(1)
        .expect("example section");
    let yaml = example
        .split("```yaml\n")
        .nth(1)
        .and_then(|s| s.split("\n```").next())
        .expect("yaml block");
    let pack = env.write("my-pack/printer-cover.yaml", yaml);
    let dir = pack.parent().unwrap();
    env.cmd()
        .arg("--rules")
        .arg(dir)
        .args(["validate", "--strict"])
        .arg(dir)
        .assert()
        .code(0);
    let a = env
        .cmd()
        .arg("--rules")
        .arg(dir)
        .args([
            "run",
            "printer-cover",
            "--no-input",
            "--json",
            "--answer",
            "code=E17",
            "--answer",
            "cover=yes",
        ])
        .assert()
        .code(0);
    assert_eq!(json(&a.get_output().stdout)["resolution"]["node"], "fixed");
}

/// `posdoctor schema | head -1` and the like: a closed pipe is not a crash.
#[test]
fn closed_pipes_are_not_errors() {
    let env = Env::new();
    for args in [
        &["schema"][..],
        &["checklist", "--all"],
        &["list"],
        &["graph", "no-network"],
    ] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_posdoctor"))
            .args(args)
            .env("POSDOCTOR_HOME", env.home())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        assert_ne!(
            out.status.code(),
            Some(101),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
    }
}

#[test]
fn a_phone_is_checked_as_its_message_says() {
    let env = Env::new();
    env.cmd()
        .args([
            "profile",
            "set",
            "contact.vendor.phone",
            "400-555-0123 ext 5",
        ])
        .assert()
        .code(0);
    let a = env
        .cmd()
        .args(["profile", "set", "contact.vendor.phone", "text 555 0123"])
        .assert()
        .code(1);
    assert!(
        stderr(&a).contains(
            "`text 555 0123` is not a phone number: use digits, spaces and + - ( ) . / only, and write an extension as `ext 5`"
        ),
        "{}",
        stderr(&a)
    );
}

#[test]
fn an_escalated_run_without_a_log_ends_its_output_with_a_newline() {
    let env = Env::new();
    for log in [&["--no-log"][..], &[][..]] {
        let a = env
            .cmd()
            .args(["run", "no-power", "--no-input", "--answer", "danger=yes"])
            .args(log)
            .assert()
            .code(3);
        let out = stdout(&a);
        assert!(out.ends_with('\n'), "{out:?}");
        assert!(!out.ends_with("\n\n"), "{out:?}");
        let report = out
            .lines()
            .find(|l| l.starts_with("Report: "))
            .expect("report line");
        assert!(report.ends_with(".md"), "{report}");
    }
}

/// A refused profile value is explained in the person's language, for the
/// shop's identifiers as for the probe targets.
#[test]
fn refused_profile_values_are_explained_in_chinese() {
    let env = Env::new();
    for (key, value, want) in [
        ("mid", "12", "不是商户号"),
        ("tid", "x", "不是终端号"),
        (
            "serial",
            "４１１１ １１１１ １１１１ １１１１",
            "看起来是银行卡号，不是序列号",
        ),
        (
            "purchase_date",
            "2025-02-30",
            "不是日期：请按 YYYY-MM-DD 填写",
        ),
        ("connection", "fax", "不是连接方式"),
        ("terminal_port", "0", "不是 `terminal_port` 可用的端口"),
    ] {
        let a = env
            .cmd()
            .args(["--lang", "zh", "profile", "set", key, value])
            .assert()
            .code(1);
        let err = stderr(&a);
        assert!(err.contains(want), "{key}: {err}");
        assert!(!err.contains("１１１１ １１１１ １１１１"), "{err}");
    }
}
