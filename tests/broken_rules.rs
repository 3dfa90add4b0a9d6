//! The broken-rules corpus (tests/broken/): every file gives exit 1 and a
//! message that names the file (with line and column where there is one),
//! never a panic — through `validate` and through `run --strict-packs`;
//! a plain `run` leaves the file out with one warning and goes on.

mod common;

use common::*;
use std::path::Path;

/// (file, what the message must say, whether it has a line:column)
const CORPUS: &[(&str, &str, bool)] = &[
    ("bad-yaml.yaml", "a `[` or `{` here is never closed", true),
    (
        "tab-indent.yaml",
        "YAML indentation must use spaces, not tabs",
        true,
    ),
    (
        "wrong-type.yaml",
        "`nodes` of tree `t` must be a list",
        true,
    ),
    ("unknown-field.yaml", "did you mean `next`?", true),
    ("dangling-reference.yaml", "has no node `dnoe`", true),
    ("duplicate-id.yaml", "duplicate node id `done`", true),
    (
        "unreachable-node.yaml",
        "node `orphan` cannot be reached",
        true,
    ),
    (
        "trap-loop.yaml",
        "no outcome can be reached from node `spin`",
        true,
    ),
    ("empty.yaml", "the file is empty", false),
    ("binary-garbage.yaml", "not UTF-8 text", true),
    ("deep-nesting.yaml", "nests values too deeply", true),
    ("alias-bomb.yaml", "node 1 must be a mapping", true),
    ("non-utf8.yaml", "not UTF-8 text", true),
    ("missing-start.yaml", "missing field `start`", true),
    ("start-dangling.yaml", "has no node `begin`", true),
    ("unknown-kind.yaml", "did you mean `check`?", true),
    (
        "destructive-without-skip.yaml",
        "is a destructive step, so it needs `skip`",
        true,
    ),
    ("bad-regex.yaml", "not a valid regular expression", true),
    ("wrong-version.yaml", "version 7 is not known", true),
    (
        "link-unknown-tree.yaml",
        "no tree is called `no-netwrk`",
        true,
    ),
    ("not-a-mapping.yaml", "must be a mapping", true),
    (
        "choice-without-choices.yaml",
        "needs at least one entry in `choices`",
        true,
    ),
    (
        "field-of-other-kind.yaml",
        "`next` does not apply to `resolved` node `",
        true,
    ),
    ("escalate-without-party.yaml", "needs `party`", true),
];

fn corpus(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/broken")
        .join(name)
}

fn assert_clean_failure(out: &std::process::Output, file: &str, expect: &str, has_position: bool) {
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(1), "{file}: exit code\n{all}");
    assert!(
        !all.contains("panicked") && !all.contains("RUST_BACKTRACE"),
        "{file}: panic\n{all}"
    );
    assert!(
        all.contains(expect),
        "{file}: expected `{expect}` in\n{all}"
    );
    let named = all
        .lines()
        .find(|l| l.contains(file) && (l.contains(": error: ")));
    let line = named.unwrap_or_else(|| panic!("{file}: no `file: error:` line in\n{all}"));
    if has_position {
        let after = &line[line.find(file).unwrap() + file.len()..];
        let mut parts = after.split(':').skip(1);
        let (l, c) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        assert!(
            l.parse::<usize>().is_ok() && c.parse::<usize>().is_ok(),
            "{file}: no line:col in `{line}`"
        );
    }
}

#[test]
fn corpus_has_at_least_15_files_and_all_are_listed() {
    let on_disk: Vec<String> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/broken"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
    assert!(on_disk.len() >= 15);
    for f in &on_disk {
        assert!(
            CORPUS.iter().any(|(c, _, _)| c == f),
            "{f} is not in CORPUS"
        );
    }
}

#[test]
fn validate_rejects_every_broken_file() {
    let env = Env::new();
    for (file, expect, pos) in CORPUS {
        let out = env
            .cmd()
            .args(["validate", "--no-builtin"])
            .arg(corpus(file))
            .output()
            .unwrap();
        assert_clean_failure(&out, file, expect, *pos);
    }
}

#[test]
fn run_leaves_a_broken_file_out_and_strict_packs_refuses_it() {
    let env = Env::new();
    for (file, expect, pos) in CORPUS {
        // At the counter: one warning naming the file and its first error;
        // the built-in tree still runs (exit 4: it needs an answer).
        let out = env
            .cmd()
            .arg("--rules")
            .arg(corpus(file))
            .args(["run", "no-power", "--no-input", "--no-log"])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(4), "{file}: {err}");
        let warnings: Vec<&str> = err
            .lines()
            .filter(|l| l.starts_with("warning: left out"))
            .collect();
        assert_eq!(warnings.len(), 1, "{file}: {err}");
        assert!(warnings[0].contains(file), "{file}: {err}");
        // For support scripts: any error is fatal.
        let out = env
            .cmd()
            .args(["--strict-packs", "--rules"])
            .arg(corpus(file))
            .args(["run", "no-power", "--no-input", "--no-log"])
            .output()
            .unwrap();
        assert_clean_failure(&out, file, expect, *pos);
    }
}

#[test]
fn validate_json_lists_findings() {
    let env = Env::new();
    let a = env
        .cmd()
        .args(["validate", "--no-builtin", "--json"])
        .arg(corpus("dangling-reference.yaml"))
        .assert()
        .code(1);
    let v = json(&a.get_output().stdout);
    assert_eq!(v["ok"], false);
    let f = &v["findings"][0];
    assert_eq!(f["severity"], "error");
    assert_eq!(f["line"], 8);
    assert_eq!(f["column"], 69);
    assert_eq!(f["hint"], "did you mean `done`?");
    assert!(f["file"]
        .as_str()
        .unwrap()
        .ends_with("dangling-reference.yaml"));
}

#[test]
fn huge_file_is_refused_before_parsing() {
    let env = Env::new();
    let mut big = String::from("trees:\n");
    while big.len() <= 1024 * 1024 {
        big.push_str("# padding padding padding padding padding padding padding padding\n");
    }
    let path = env.write("huge.yaml", big);
    let out = env
        .cmd()
        .args(["validate", "--no-builtin"])
        .arg(&path)
        .output()
        .unwrap();
    assert_clean_failure(&out, "huge.yaml", "larger than the limit", false);
}

#[test]
fn very_deep_nesting_does_not_overflow_the_stack() {
    let env = Env::new();
    let deep = format!(
        "trees:\n  - id: t\n    title: {}{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let path = env.write("deep.yaml", deep);
    let out = env
        .cmd()
        .args(["validate", "--no-builtin"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let answers = env.write(
        "deep-answers.yaml",
        format!("a: {}{}\n", "[".repeat(100_000), "]".repeat(100_000)),
    );
    let out = env
        .cmd()
        .args(["run", "no-power", "--no-input", "--answers"])
        .arg(&answers)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nests values too deeply"));
}

#[test]
fn alias_bomb_in_an_answers_file_is_stopped() {
    let env = Env::new();
    let mut bomb = String::from("a: &a [x,x,x,x,x,x,x,x,x]\n");
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for w in names.windows(2) {
        bomb.push_str(&format!(
            "{}: &{} [{}]\n",
            w[1],
            w[1],
            vec![format!("*{}", w[0]); 9].join(",")
        ));
    }
    let path = env.write("bomb.yaml", bomb);
    let out = env
        .cmd()
        .args(["run", "no-power", "--no-input", "--answers"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("too many times"));
}

#[test]
fn missing_pack_and_unreadable_answers_are_errors() {
    let env = Env::new();
    let out = env
        .cmd()
        .args(["--rules", "/no/such/pack", "list"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "the built-in trees are still listed"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains(
        "warning: left out /no/such/pack — cannot read the rule pack: no such file or folder"
    ));
    let out = env
        .cmd()
        .args(["--strict-packs", "--rules", "/no/such/pack", "list"])
        .output()
        .unwrap();
    assert_clean_failure(
        &out,
        "/no/such/pack",
        "cannot read the rule pack: no such file or folder",
        false,
    );
    let out = env
        .cmd()
        .args([
            "run",
            "no-power",
            "--no-input",
            "--answers",
            "/no/such/answers.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no such file or folder"));
}
