//! Compiles the built-in rules when the binary is built: `rules/` is loaded
//! and validated by the program's own loader (its modules are included
//! below by path, so there is one loader, not two), a broken built-in rule
//! fails the build with the message `posdoctor validate` gives, and the
//! compiled rules are written to `$OUT_DIR/builtin.rules` in the form
//! `rules::frozen` reads back without parsing any YAML.

#![allow(dead_code, unused_imports, clippy::all)]

#[path = "src/diag.rs"]
mod diag;
#[path = "src/i18n.rs"]
mod i18n;
#[path = "src/input.rs"]
mod input;
#[path = "src/privacy.rs"]
mod privacy;
#[path = "src/probe_target.rs"]
mod probe_target;
#[path = "src/rules/mod.rs"]
mod rules;
#[path = "src/sanitize.rs"]
mod sanitize;
#[path = "src/search.rs"]
mod search;
#[path = "src/values.rs"]
mod values;

use std::path::{Path, PathBuf};

/// The files under rules/, as `crate::builtin::files()` gives them to the
/// program (there embedded with include_str!, here read from disk).
mod builtin {
    use std::sync::OnceLock;

    pub fn files() -> &'static [(&'static str, &'static str)] {
        static FILES: OnceLock<Vec<(&'static str, &'static str)>> = OnceLock::new();
        FILES.get_or_init(|| {
            let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
            super::files_under(&root)
                .into_iter()
                .map(|(rel, path)| {
                    let text = std::fs::read_to_string(&path)
                        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
                    (&*rel.leak(), &*text.leak())
                })
                .collect()
        })
    }
}

/// Every file under `root` (recursively): (path relative to `root` with
/// `/`, full path), sorted.
fn files_under(root: &Path) -> Vec<(String, PathBuf)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) {
        let entries =
            std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).expect("under root");
                let rel: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                out.push((rel.join("/"), path));
            }
        }
    }
    let mut out = Vec::new();
    walk(root, root, &mut out);
    out.sort();
    out
}

fn main() {
    println!("cargo:rerun-if-changed=rules");
    println!("cargo:rerun-if-changed=src/rules");
    for f in [
        "diag",
        "i18n",
        "input",
        "privacy",
        "probe_target",
        "sanitize",
        "search",
        "values",
    ] {
        println!("cargo:rerun-if-changed=src/{f}.rs");
    }
    let loaded = rules::load::load(&rules::load::LoadOptions {
        builtin: true,
        packs: Vec::new(),
    });
    let mut findings = loaded.diagnostics;
    findings.extend(rules::validate::check(&loaded.rules));
    let errors: Vec<_> = findings.iter().filter(|d| d.is_error()).collect();
    if !errors.is_empty() {
        for d in &errors {
            eprintln!("{}", d.render(false));
        }
        eprintln!(
            "the built-in rules have {} error(s): fix them (posdoctor validate shows the same)",
            errors.len()
        );
        std::process::exit(1);
    }
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut sources = String::from("static SOURCES: &[(&str, &str)] = &[\n");
    for (rel, path) in files_under(&root) {
        sources.push_str(&format!(
            "    ({rel:?}, include_str!({:?})),\n",
            path.display().to_string()
        ));
    }
    sources.push_str("];\n");
    std::fs::write(out.join("builtin_sources.rs"), sources).expect("OUT_DIR is writable");
    let bytes = rules::frozen::freeze(&loaded.rules).expect("the compiled rules serialize");
    std::fs::write(out.join("builtin.rules"), bytes).expect("OUT_DIR is writable");
    let index = postcard::to_stdvec(&search::Built::new(&loaded.rules))
        .expect("the search index serializes");
    std::fs::write(out.join("builtin.search"), index).expect("OUT_DIR is writable");
}
