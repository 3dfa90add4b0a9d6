//! `posdoctor test`: run scenario files (a pack's `tests/*.yaml` and
//! `*.test.yaml`, or the built-in `rules/tests/`) and report each case, in
//! text, JSON, JUnit XML or TAP 13. Exit 0 when every case passed and no
//! rule or scenario file has an error; 1 otherwise.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, Result};

use super::{print_json, print_out, shell_word, Ctx, Failure};
use crate::cli::TestFormat;
use crate::diag::Diagnostic;
use crate::render::test_report::{self, Problem, Summary};
use crate::rules::load::{self, builtin_scenarios, is_rule_file, is_scenario_file, scenario_files};
use crate::rules::{Origin, Tree};
use crate::scenario;
use crate::term::{use_color_for, Stream};

pub fn test(ctx: &Ctx, paths: &[PathBuf], format: TestFormat, coverage: bool) -> Result<u8> {
    let mut opts = ctx.load.clone();
    // (name, text) of every scenario file, and the packs under test.
    let mut files: Vec<(String, String)> = Vec::new();
    let mut problems: Vec<Problem> = Vec::new();
    let mut packs: Vec<PathBuf> = Vec::new();
    if paths.is_empty() {
        if opts.builtin {
            files.extend(
                builtin_scenarios()
                    .into_iter()
                    .map(|(n, t)| (n, t.to_owned())),
            );
        }
        for pack in &opts.packs {
            read_all(&scenario_files(pack), &mut files, &mut problems);
        }
    } else {
        for p in paths {
            if !p.exists() {
                return Err(Failure {
                    file: Some(p.display().to_string()),
                    ..Failure::new("io", format!("{}: no such file or folder", p.display()))
                }
                .with_hint("give a pack folder, or a scenario file (tests/*.yaml, *.test.yaml)")
                .into());
            }
            let pack = if p.is_dir() {
                Some(p.clone())
            } else if is_scenario_file(p) {
                pack_of(p)
            } else if is_rule_file(p) {
                Some(p.clone())
            } else {
                None
            };
            if let Some(pack) = pack {
                opts.packs.push(pack.clone());
                packs.push(pack);
            }
            let found = if p.is_dir() {
                scenario_files(p)
            } else if is_scenario_file(p) {
                vec![p.clone()]
            } else {
                Vec::new()
            };
            read_all(&found, &mut files, &mut problems);
        }
    }

    // Every error in the rules is a problem (the run fails); the cases run
    // on what loads, as at the counter, so the other results still show.
    let color = format == TestFormat::Text && use_color_for(ctx.color, Stream::Stdout);
    if format != TestFormat::Text {
        colored::control::set_override(false);
    }
    let loaded = load::load(&opts);
    let mut findings = loaded.diagnostics;
    let mut later = crate::rules::validate::check(&loaded.rules);
    loaded.knock_ons.retain_real(&mut later);
    findings.extend(later);
    findings.retain(Diagnostic::is_error);
    findings.sort_by(|a, b| (&a.file_name, a.line, a.col).cmp(&(&b.file_name, b.line, b.col)));
    problems.splice(0..0, findings.iter().map(|d| problem("rules", d, color)));
    let counter = crate::rules::counter::load(&opts);
    let rules = counter.rules;

    let mut cases = Vec::new();
    for (name, text) in &files {
        // A case with an error is a problem; the file's other cases run.
        let (good, bad) = scenario::read(name, text);
        cases.extend(good);
        problems.extend(bad.iter().map(|d| problem("scenarios", d, color)));
    }
    // The built-in scenarios test the built-in rules: a pack that replaces
    // a built-in tree (its own no-network) must not fail them.
    let builtin_only = (!opts.packs.is_empty()
        && cases.iter().any(|c| c.file.starts_with("builtin:")))
    .then(|| {
        load::load(&load::LoadOptions {
            builtin: true,
            packs: Vec::new(),
        })
        .rules
    });
    let results: Vec<scenario::CaseResult> = cases
        .iter()
        .map(|c| match &builtin_only {
            Some(b) if c.file.starts_with("builtin:") => scenario::run(c, b),
            _ => scenario::run(c, &rules),
        })
        .collect();

    let cov = coverage.then(|| {
        let in_packs: Vec<&Tree> = rules
            .trees()
            .iter()
            .filter(|t| paths.is_empty() || in_pack(t, &packs))
            .collect();
        // A pack of scenarios only (for the built-in trees): what they walk.
        let trees = if in_packs.is_empty() {
            rules
                .trees()
                .iter()
                .filter(|t| results.iter().any(|r| r.tree == t.id))
                .collect()
        } else {
            in_packs
        };
        scenario::coverage(&trees, &results)
    });
    // Each case's command, ready to paste: with the packs it needs.
    let prefix = prefix_for(ctx, &packs);
    let results: Vec<scenario::CaseResult> = results
        .into_iter()
        .map(|mut r| {
            r.command = format!("{prefix} {}", r.command);
            r
        })
        .collect();
    let summary = Summary::new(&results, &problems, cov.as_deref());
    let lang = ctx.lang;
    // Scenario files are a pack author's text: a card number typed into a
    // case's name, a node id or an answer is masked in every format (the
    // whole report: it holds no shop identifier to keep).
    let masked = |s: &str| crate::privacy::mask(s).into_owned();
    match format {
        TestFormat::Text => print_out(&masked(&test_report::text(&summary, lang)))?,
        TestFormat::Json => {
            let json = serde_json::to_value(&summary)
                .map_err(|e| anyhow!("cannot write the JSON: {e}"))?;
            print_json(&mask_json(json))?
        }
        TestFormat::Junit => print_out(&masked(
            &test_report::junit(&summary, lang)
                .map_err(|e| anyhow!("cannot write the XML: {e}"))?,
        ))?,
        TestFormat::Tap => print_out(&masked(&test_report::tap(&summary, lang)))?,
    }
    Ok(if summary.ok { 0 } else { 1 })
}

/// Every string in a JSON value with card numbers masked.
fn mask_json(v: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::String(s) => Value::String(crate::privacy::mask(&s).into_owned()),
        Value::Array(a) => Value::Array(a.into_iter().map(mask_json).collect()),
        Value::Object(o) => Value::Object(
            o.into_iter()
                .map(|(k, v)| (crate::privacy::mask(&k).into_owned(), mask_json(v)))
                .collect(),
        ),
        other => other,
    }
}

/// The pack a scenario file belongs to: the folder above its `tests/`
/// folder, or the folder holding a `NAME.test.yaml` — when that folder
/// holds rule files.
fn pack_of(file: &Path) -> Option<PathBuf> {
    let parent = file.parent()?;
    let folder = if load::is_scenario_dir(parent) {
        parent.parent()?
    } else {
        parent
    };
    let folder = if folder.as_os_str().is_empty() {
        Path::new(".")
    } else {
        folder
    };
    let has_rules = std::fs::read_dir(folder)
        .map(|d| d.flatten().any(|e| is_rule_file(&e.path())))
        .unwrap_or(false);
    has_rules.then(|| folder.to_path_buf())
}

fn read_all(paths: &[PathBuf], out: &mut Vec<(String, String)>, problems: &mut Vec<Problem>) {
    for p in paths {
        let name = p.display().to_string();
        match load::read_limited(p) {
            Ok(bytes) => out.push((name, String::from_utf8_lossy(&bytes).into_owned())),
            Err(e) => problems.push(problem(
                "scenarios",
                &Diagnostic::error(
                    &name,
                    format!("cannot read the file: {}", load::io_reason(&e)),
                ),
                false,
            )),
        }
    }
}

fn problem(kind: &'static str, d: &Diagnostic, color: bool) -> Problem {
    Problem {
        kind,
        file: d.file_name.clone(),
        line: (d.line > 0).then_some(d.line),
        column: (d.line > 0).then_some(d.col),
        message: d.message.clone(),
        rendered: d.render(color),
    }
}

/// Whether a tree comes from one of the packs under test.
fn in_pack(t: &Tree, packs: &[PathBuf]) -> bool {
    match &t.origin {
        // The same pack named twice (`--rules ./p test p`) is loaded once,
        // under the first name.
        Origin::Pack(p) => packs.iter().any(|q| load::is_within(p, q)),
        Origin::Builtin => false,
    }
}

/// `posdoctor --rules PACK…` for a failing case's command.
fn prefix_for(ctx: &Ctx, packs: &[PathBuf]) -> String {
    let mut s = ctx.suggest("");
    for p in packs {
        if !ctx.again.rules.contains(p) {
            s.push_str(" --rules ");
            s.push_str(&shell_word(&p.display().to_string()));
        }
    }
    s
}
