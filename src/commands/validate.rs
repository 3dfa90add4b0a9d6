//! `posdoctor validate`: lint rule files, as text or JSON.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::Result;

use super::{print_json, print_out, Ctx};
use crate::diag::DiagnosticJson;
use crate::rules::load::{canonical, load, Loaded};
use crate::rules::validate;
use crate::term::{use_color_for, Stream};

/// A probe of a pack and its target, as `validate` lists them.
#[derive(serde::Serialize)]
struct ProbeJson {
    id: String,
    kind: &'static str,
    /// The target as written (placeholders filled from the profile when it runs).
    target: String,
    file: String,
    line: usize,
    column: usize,
}

pub fn validate(ctx: &Ctx, paths: Vec<PathBuf>, json: bool, strict: bool) -> Result<u8> {
    let mut opts = ctx.load.clone();
    opts.packs.extend(paths.iter().cloned());
    let Loaded {
        rules,
        mut diagnostics,
        knock_ons,
    } = load(&opts);
    let mut later = validate::check(&rules);
    later.extend(validate::check_wording(&rules));
    knock_ons.retain_real(&mut later);
    diagnostics.extend(later);
    if !paths.is_empty() {
        // Report on the given files only; the rest is context for
        // references. Paths are compared as files, not as strings: `./bp`
        // is `bp`, a pack named by an absolute path in POSDOCTOR_RULES is
        // the same pack named relatively, and `lotus2/` is not in `lotus`.
        let wanted: Vec<PathBuf> = paths.iter().map(|p| canonical(p)).collect();
        let mut memo: HashMap<String, bool> = HashMap::new();
        diagnostics.retain(|d| {
            *memo.entry(d.file_name.clone()).or_insert_with(|| {
                let file = canonical(Path::new(&d.file_name));
                wanted.iter().any(|w| file.starts_with(w))
            })
        });
    }
    if strict {
        for d in &mut diagnostics {
            if d.severity == crate::diag::Severity::Warning {
                d.severity = crate::diag::Severity::Error;
            }
        }
    }
    diagnostics.sort_by(|a, b| (&a.file_name, a.line, a.col).cmp(&(&b.file_name, b.line, b.col)));
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let notes = diagnostics
        .iter()
        .filter(|d| d.severity == crate::diag::Severity::Note)
        .count();
    let warnings = diagnostics.len() - errors - notes;
    let trees = rules.trees().len();
    // What the packs' probes may make posdoctor contact or look at.
    let wanted: Vec<PathBuf> = paths.iter().map(|p| canonical(p)).collect();
    let probes: Vec<ProbeJson> = rules
        .probes
        .values()
        .filter(|p| p.pack != crate::rules::load::BUILTIN_PACK)
        .filter(|p| {
            wanted.is_empty() || {
                let file = canonical(Path::new(&p.place.file.name));
                wanted.iter().any(|w| file.starts_with(w))
            }
        })
        .map(|p| {
            let d = p.place.child("id").note("");
            ProbeJson {
                id: p.id.clone(),
                kind: p.kind.name(),
                target: p.target.describe(),
                file: d.file_name.clone(),
                line: d.line,
                column: d.col,
            }
        })
        .collect();
    if json {
        #[derive(serde::Serialize)]
        struct Out<'a> {
            ok: bool,
            trees: usize,
            errors: usize,
            warnings: usize,
            notes: usize,
            findings: Vec<DiagnosticJson<'a>>,
            #[serde(skip_serializing_if = "Vec::is_empty")]
            probes: Vec<ProbeJson>,
        }
        print_json(&Out {
            ok: errors == 0,
            trees,
            errors,
            warnings,
            notes,
            findings: diagnostics.iter().map(DiagnosticJson::from).collect(),
            probes,
        })?;
    } else {
        let color = use_color_for(ctx.color, Stream::Stdout);
        let mut text = String::new();
        for d in &diagnostics {
            text.push_str(&d.render(color));
            text.push_str("\n\n");
        }
        if !probes.is_empty() {
            text.push_str(
                "Probes — what these packs make posdoctor contact or look at (never a command):\n",
            );
            let w = probes.iter().map(|p| p.id.len()).max().unwrap_or(0);
            for p in &probes {
                text.push_str(&format!(
                    "  {:<w$}  {:<5}  {}  ({}:{}:{})\n",
                    p.id,
                    p.kind,
                    crate::sanitize::visible(&p.target),
                    p.file,
                    p.line,
                    p.column
                ));
            }
            text.push('\n');
        }
        let notes = if notes > 0 {
            format!(", {notes} note(s)")
        } else {
            String::new()
        };
        text.push_str(&format!(
            "{trees} trees checked: {errors} error(s), {warnings} warning(s){notes}\n"
        ));
        print_out(&text)?;
    }
    Ok(if errors == 0 { 0 } else { 1 })
}
