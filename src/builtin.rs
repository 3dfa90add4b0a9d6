//! The built-in rules as build.rs compiled them: thawed at start-up from
//! the frozen form embedded in the binary, with no YAML to parse. A command
//! that loads no pack uses these; with packs, the loader puts the built-in
//! files and the packs together as before (a pack may replace a check the
//! built-in trees use).

use crate::rules::{frozen, load, RuleSet};

static FROZEN: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/builtin.rules"));

// `SOURCES`: every file under rules/ (relative path, text), sorted, each
// embedded with include_str! (checked as UTF-8 when compiled, not when run).
include!(concat!(env!("OUT_DIR"), "/builtin_sources.rs"));

/// Every file under `rules/`: (path relative to `rules/`, text), sorted.
pub fn files() -> &'static [(&'static str, &'static str)] {
    SOURCES
}

static SEARCH: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/builtin.search"));

/// The search index of the built-in rules, as build.rs built it.
pub fn search_index() -> crate::search::Built {
    postcard::from_bytes(SEARCH).expect("build.rs wrote this index with this very code")
}

/// The built-in rules.
pub fn rules() -> RuleSet {
    frozen::thaw(FROZEN, load::builtin_source)
        .expect("build.rs froze these rules with this very code and these sources")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The compiled built-ins are exactly what the YAML loader builds from
    /// the same files today: packs (loaded from YAML) and built-ins can
    /// never drift apart.
    #[test]
    fn the_compiled_rules_equal_those_loaded_from_yaml() {
        let yaml = load::load(&load::LoadOptions {
            builtin: true,
            packs: Vec::new(),
        });
        assert!(
            yaml.diagnostics.iter().all(|d| !d.is_error()),
            "{:?}",
            yaml.diagnostics
        );
        let from_yaml = frozen::freeze(&yaml.rules).expect("freezes");
        let compiled = frozen::freeze(&rules()).expect("freezes");
        assert_eq!(from_yaml.len(), compiled.len());
        if let Some(at) = from_yaml.iter().zip(&compiled).position(|(a, b)| a != b) {
            let s = at.saturating_sub(60);
            panic!(
                "differ at byte {at}: {:?} vs {:?}",
                String::from_utf8_lossy(&from_yaml[s..at + 20]),
                String::from_utf8_lossy(&compiled[s..at + 20])
            );
        }
        assert!(
            from_yaml == compiled,
            "the compiled built-ins differ from rules/"
        );
        // The indexes, which the frozen form rebuilds rather than stores.
        let thawed = rules();
        for t in yaml.rules.trees() {
            let same = thawed.tree(&t.id).expect("every tree is there");
            for n in &t.nodes {
                assert_eq!(same.node(&n.id).map(|m| &m.id), Some(&n.id));
            }
        }
        assert_eq!(thawed.tree_ids().count(), yaml.rules.tree_ids().count());
        // The search index build.rs froze is the one these rules give.
        let built =
            postcard::to_stdvec(&crate::search::Built::new(&yaml.rules)).expect("serializes");
        assert!(
            built == SEARCH,
            "the compiled search index differs from rules/"
        );
    }
}
