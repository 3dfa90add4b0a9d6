//! Loading for the counter: a pack file with errors is left out, so that
//! the built-in rules and every other pack keep working. `validate` and
//! `test` still fail on it; `--strict-packs` makes every command fail.
//!
//! What "left out" means: the file contributes nothing — none of its trees,
//! checks, codes, contacts or facts. Whatever it replaced comes back (the
//! built-in `no-network` when the pack's replacement is broken). A file that
//! only works together with a left-out file (it uses one of its checks, or
//! links to one of its trees) is left out too, and says why; a file that
//! merely used a check the broken file had replaced now uses the built-in
//! check. A reference that only adds information — a code's `tree:`, a
//! fact in `have_ready` — to something that is not loaded does not leave
//! its file out: the code is explained without its next tree, the
//! escalation asks for the other facts. The rules are put together again
//! until no pack file has an error.

use std::collections::HashSet;

use super::load::{read_sources, LoadOptions};
use super::{validate, RuleSet};
use crate::diag::Diagnostic;

/// A pack file (or a whole pack that cannot be read) the counter does without.
#[derive(Clone, Debug)]
pub struct LeftOut {
    /// The file as named in findings.
    pub file: String,
    /// Its first error (file order).
    pub first: Diagnostic,
    /// The left-out file it depended on, when that is why it is left out.
    pub needs: Option<String>,
    /// Built-in trees it replaced, which are used instead.
    pub restored: Vec<String>,
}

/// The rules a counter command uses.
pub struct CounterRules {
    pub rules: RuleSet,
    pub left_out: Vec<LeftOut>,
    /// Soft references dropped from files that are kept (a code's missing
    /// next tree, an unknown fact in `have_ready`).
    pub dropped: Vec<Diagnostic>,
    /// Errors in the built-in rules themselves (a bug): nothing to leave out.
    pub fatal: Vec<Diagnostic>,
}

/// Loads the rules, leaving out every pack file with an error.
pub fn load(opts: &LoadOptions) -> CounterRules {
    let sources = read_sources(opts);
    let builtin: HashSet<&str> = sources
        .files()
        .filter(|(_, b)| *b)
        .map(|(f, _)| f)
        .collect();
    let is_builtin = |f: &str| f.starts_with("builtin:") || builtin.contains(f);
    let mut left_out: Vec<LeftOut> = Vec::new();
    let mut fatal = Vec::new();
    let mut skip: HashSet<String> = HashSet::new();
    // Files that could not be read or parsed are already out.
    note_errors(
        &sources.diagnostics,
        &is_builtin,
        &mut left_out,
        &mut fatal,
        &mut skip,
    );
    let mut rounds = 0;
    loop {
        let mut loaded = sources.compose(&skip);
        loaded.diagnostics.extend(
            validate::check(&loaded.rules)
                .into_iter()
                .filter(|d| d.is_error()),
        );
        let before = left_out.len();
        let earlier: Vec<String> = left_out.iter().map(|l| l.file.clone()).collect();
        note_errors(
            &loaded.diagnostics,
            &is_builtin,
            &mut left_out,
            &mut fatal,
            &mut skip,
        );
        rounds += 1;
        if left_out.len() == before || rounds > 64 {
            let mut rules = loaded.rules;
            rules.left_out = left_out
                .iter()
                .map(|l| (l.file.clone(), sources.defines(&l.file).trees))
                .collect();
            for l in &mut left_out {
                let d = sources.defines(&l.file);
                l.restored = d
                    .trees
                    .into_iter()
                    .filter(|t| {
                        rules
                            .tree(t)
                            .is_some_and(|t| t.origin == super::Origin::Builtin)
                    })
                    .collect();
            }
            let mut dropped: Vec<Diagnostic> = loaded
                .diagnostics
                .into_iter()
                .filter(|d| d.is_error() && d.soft && !is_builtin(&d.file_name))
                .collect();
            dropped.sort_by_key(|d| (d.file_name.clone(), d.line, d.col));
            return CounterRules {
                rules,
                left_out,
                dropped,
                fatal,
            };
        }
        // Say which earlier left-out file a newly left-out one needed.
        for l in &mut left_out[before..] {
            l.needs = earlier.iter().find_map(|f| {
                let d = sources.defines(f);
                let named = |id: &String| l.first.message.contains(&format!("`{id}`"));
                (d.checks.iter().any(named)
                    || d.trees.iter().any(named)
                    || d.facts.iter().any(named))
                .then(|| f.clone())
            });
        }
    }
}

/// Adds a `LeftOut` for each pack file with an error in `diags` that is not
/// left out yet; errors in built-in files are fatal.
fn note_errors(
    diags: &[Diagnostic],
    is_builtin: &dyn Fn(&str) -> bool,
    left_out: &mut Vec<LeftOut>,
    fatal: &mut Vec<Diagnostic>,
    skip: &mut HashSet<String>,
) {
    let mut errors: Vec<&Diagnostic> = diags.iter().filter(|d| d.is_error() && !d.soft).collect();
    errors.sort_by_key(|d| (d.file_name.clone(), d.line, d.col));
    for d in errors {
        if is_builtin(&d.file_name) {
            fatal.push(d.clone());
        } else if skip.insert(d.file_name.clone()) {
            left_out.push(LeftOut {
                file: d.file_name.clone(),
                first: d.clone(),
                needs: None,
                restored: Vec::new(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pack(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        dir
    }

    const GOOD: &str = "trees:\n  - id: good\n    title: G\n    category: power\n    start: a\n    nodes:\n      - {id: a, kind: check, use: kiosk-reboot, yes: ok, no: ok}\n      - {id: ok, kind: resolved, text: ok}\n";

    #[test]
    fn a_broken_file_is_left_out_and_the_rest_works() {
        let dir = pack(&[
            ("broken.yaml", "trees:\n  - id: b\n    nxt: x\n"),
            (
                "fine.yaml",
                "trees:\n  - id: fine\n    title: F\n    category: power\n    start: a\n    nodes:\n      - {id: a, kind: resolved, text: ok}\n",
            ),
        ]);
        let c = load(&LoadOptions {
            builtin: true,
            packs: vec![dir.path().to_path_buf()],
        });
        assert!(c.fatal.is_empty());
        assert_eq!(c.left_out.len(), 1, "{:?}", c.left_out);
        assert!(c.left_out[0].file.ends_with("broken.yaml"));
        assert!(c.rules.tree("fine").is_some());
        assert!(c.rules.tree("no-power").is_some());
    }

    #[test]
    fn a_file_that_needs_a_left_out_check_goes_too_and_says_why() {
        // checks.yaml defines kiosk-reboot but has an error elsewhere.
        let dir = pack(&[
            (
                "checks.yaml",
                "checks:\n  - {id: kiosk-reboot, rung: restart, do: Reboot}\ntrees:\n  - id: bad\n    title: B\n    category: power\n    start: nowhere\n    nodes:\n      - {id: a, kind: resolved, text: ok}\n",
            ),
            ("good.yaml", GOOD),
        ]);
        let c = load(&LoadOptions {
            builtin: true,
            packs: vec![dir.path().to_path_buf()],
        });
        let files: Vec<&str> = c.left_out.iter().map(|l| l.file.as_str()).collect();
        assert_eq!(files.len(), 2, "{files:?}");
        let good = c
            .left_out
            .iter()
            .find(|l| l.file.ends_with("good.yaml"))
            .unwrap();
        assert!(good.first.message.contains("kiosk-reboot"), "{good:?}");
        assert!(
            good.needs
                .as_deref()
                .is_some_and(|n| n.ends_with("checks.yaml")),
            "{good:?}"
        );
        assert!(c.rules.tree("good").is_none());
    }

    #[test]
    fn a_broken_replacement_brings_the_builtin_back() {
        let dir = pack(&[(
            "net.yaml",
            "trees:\n  - id: no-network\n    title: N\n    category: network\n    start: a\n    nodes:\n      - {id: a, kind: resolved, text: ok, next: a}\n",
        )]);
        let c = load(&LoadOptions {
            builtin: true,
            packs: vec![dir.path().to_path_buf()],
        });
        assert_eq!(c.left_out.len(), 1);
        assert_eq!(c.left_out[0].restored, vec!["no-network".to_owned()]);
        let t = c.rules.tree("no-network").unwrap();
        assert_eq!(t.origin, super::super::Origin::Builtin);
    }
}
