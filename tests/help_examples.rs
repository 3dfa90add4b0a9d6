//! Every example in every `--help` runs as written: each line under an
//! "Example:"/"Examples:" heading, and each `posdoctor …` quoted in
//! backticks without a placeholder, is run by `sh` in a folder that holds
//! `my-pack` (a copy of docs/example-pack), in order, with the real binary
//! first on PATH. An example may end in an outcome (exit 0, 3, or 4 for the
//! counter's interactive run, which has no terminal here), never in an
//! error.

mod common;

use std::path::Path;
use std::process::Command;

use clap::CommandFactory;
use common::*;

/// `posdoctor --help` and every subcommand's, as printed.
fn help_texts() -> Vec<(String, String)> {
    let mut names: Vec<Vec<String>> = vec![vec![]];
    let root = posdoctor::cli::Cli::command();
    for sub in root.get_subcommands() {
        names.push(vec![sub.get_name().to_owned()]);
        for inner in sub.get_subcommands() {
            names.push(vec![sub.get_name().to_owned(), inner.get_name().to_owned()]);
        }
    }
    let env = Env::new();
    names
        .into_iter()
        .filter(|n| n.first().is_none_or(|s| s != "help"))
        .map(|n| {
            let out = env.cmd().args(&n).arg("--help").output().expect("help");
            assert_eq!(out.status.code(), Some(0), "{n:?} --help");
            (
                n.join(" "),
                String::from_utf8_lossy(&out.stdout).into_owned(),
            )
        })
        .collect()
}

/// The examples of one help text.
fn examples(help: &str) -> Vec<String> {
    examples_and_strays(help).0
}

/// The examples of one help text, and the lines under an "Examples:"
/// heading that are neither a command nor a `#` comment: an example that
/// was wrapped into a second line, which would never run.
fn examples_and_strays(help: &str) -> (Vec<String>, Vec<String>) {
    let mut out = Vec::new();
    let mut strays = Vec::new();
    let mut under_heading = false;
    for line in help.lines() {
        let t = line.trim();
        if t == "Example:" || t == "Examples:" {
            under_heading = true;
            continue;
        }
        if under_heading {
            if t.is_empty() || !line.starts_with("  ") {
                under_heading = false;
            } else if t.starts_with("posdoctor ") {
                out.push(strip_comment(t));
                continue;
            } else if t.starts_with('#') {
                continue;
            } else {
                strays.push(line.to_owned());
                continue;
            }
        }
        // `posdoctor …` quoted in running text, when it has no placeholder.
        for (i, part) in line.split('`').enumerate() {
            let placeholder = part.split_whitespace().any(|w| {
                w.len() > 1
                    && w.chars()
                        .all(|c| c.is_ascii_uppercase() || c == '.' || c == '_' || c == '=')
            });
            if i % 2 == 1 && part.starts_with("posdoctor ") && !placeholder {
                out.push(part.to_owned());
            }
        }
    }
    (out, strays)
}

fn strip_comment(s: &str) -> String {
    match s.find("  #") {
        Some(i) => s[..i].trim_end().to_owned(),
        None => s.to_owned(),
    }
}

fn have(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

#[test]
fn every_help_example_runs_as_written() {
    let env = Env::new();
    let work = tempfile::tempdir().unwrap();
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/example-pack"),
        &work.path().join("my-pack"),
    );
    let bin = assert_cmd::cargo::cargo_bin!("posdoctor");
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut ran = 0;
    let mut seen = std::collections::HashSet::new();
    for (command, help) in help_texts() {
        for ex in examples(&help) {
            if !seen.insert(ex.clone()) {
                continue;
            }
            let needs: Vec<&str> = ["dot", "jq"]
                .into_iter()
                .filter(|t| ex.contains(&format!("| {t}")))
                .collect();
            if needs.iter().any(|t| !have(t)) {
                eprintln!("skipped (needs {needs:?}): {ex}");
                continue;
            }
            let out = Command::new("sh")
                .args(["-c", &format!("set -e; {ex}")])
                .current_dir(work.path())
                .env("PATH", &path)
                .env("POSDOCTOR_HOME", env.home())
                .env_remove("POSDOCTOR_LANG")
                .env_remove("POSDOCTOR_RULES")
                .env_remove("POSDOCTOR_STRICT_PACKS")
                .env_remove("LC_ALL")
                .env_remove("LANG")
                .stdin(std::process::Stdio::null())
                .output()
                .unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            let code = out.status.code();
            assert!(
                matches!(code, Some(0 | 3 | 4)),
                "`posdoctor {command} --help` example failed ({code:?}): {ex}\n{err}"
            );
            assert!(
                !err.contains("error:") && !err.contains("warning:"),
                "`{ex}` complained:\n{err}"
            );
            ran += 1;
        }
    }
    assert!(ran >= 20, "only {ran} examples found");
}

/// Off a terminal clap wraps help at 100 columns, on one at its width:
/// every example line fits 80 columns, and none was broken in two.
#[test]
fn no_example_is_wrapped() {
    let mut count = 0;
    for (command, help) in help_texts() {
        let (found, strays) = examples_and_strays(&help);
        assert!(
            strays.is_empty(),
            "`posdoctor {command} --help`: lines under Examples that are not commands: {strays:#?}"
        );
        let mut under = false;
        for line in help.lines() {
            let t = line.trim();
            if t == "Example:" || t == "Examples:" {
                under = true;
                continue;
            }
            if under && (t.is_empty() || !line.starts_with("  ")) {
                under = false;
            }
            if under {
                assert!(
                    line.chars().count() <= 80,
                    "`posdoctor {command} --help`: example line over 80 columns: {line}"
                );
            }
        }
        count += found.len();
    }
    assert!(count >= 30, "only {count} examples in the help texts");
}

#[test]
fn examples_are_found() {
    let ex = examples(
        "About\n\nExamples:\n  posdoctor search x     # a comment\n  posdoctor code 51\n\nSee `posdoctor list` or `posdoctor run TREE`.\n",
    );
    assert_eq!(
        ex,
        vec!["posdoctor search x", "posdoctor code 51", "posdoctor list"]
    );
    // A comment line above an example is part of the examples; a wrapped
    // tail is a stray.
    let (ex, strays) = examples_and_strays(
        "Examples:\n  # why\n  posdoctor run no-power --log a.jsonl; posdoctor report\n  a.jsonl\n",
    );
    assert_eq!(
        ex,
        vec!["posdoctor run no-power --log a.jsonl; posdoctor report"]
    );
    assert_eq!(strays, vec!["  a.jsonl"]);
}
