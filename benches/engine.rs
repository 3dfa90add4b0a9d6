//! How long the work behind every command takes, without process start-up
//! (for whole processes: `scripts/bench-startup`). Run: `cargo bench`.
//! docs/performance.md holds the figures and how to read them.
//!
//! - start-up: thawing the compiled built-in rules, loading them from YAML
//!   (what packs cost), building and thawing the search index;
//! - scaling: loading and validating generated packs of 100 to 100 000
//!   nodes (`posdoctor::gen`), a chain of 10 000 steps;
//! - work: a scripted walk, every checklist and graph format, search.

use posdoctor::engine::{all_paths, text_samples, Walk};
use posdoctor::i18n::Lang;
use posdoctor::render::{checklist, graph};
use posdoctor::rules::load::{load, load_bytes, LoadOptions};
use posdoctor::rules::{validate, RuleSet};

fn main() {
    divan::main();
}

fn builtin_yaml() -> RuleSet {
    load(&LoadOptions {
        builtin: true,
        packs: vec![],
    })
    .rules
}

/// What a command without packs does first: the compiled rules, thawed.
#[divan::bench]
fn thaw_builtin_rules() -> usize {
    posdoctor::builtin::rules().trees().len()
}

/// The same rules from their YAML (what loading a pack costs per node).
#[divan::bench]
fn load_builtin_rules_from_yaml() -> usize {
    builtin_yaml().trees().len()
}

/// `validate` on the built-ins (graph and translation checks).
#[divan::bench]
fn validate_builtin_rules(b: divan::Bencher) {
    let rules = builtin_yaml();
    b.bench(|| validate::check(&rules).len());
}

/// Generated packs (trees of 50 nodes, files of at most 5 000) loaded and
/// validated: 10× the nodes should cost about 10× the time.
#[divan::bench(args = [100, 1_000, 10_000, 100_000], sample_count = 5)]
fn load_and_validate_generated_pack(b: divan::Bencher, nodes: usize) {
    let files: Vec<(String, Vec<u8>)> = posdoctor::gen::pack_files(nodes, 5000)
        .into_iter()
        .enumerate()
        .map(|(i, y)| (format!("gen-{i}.yaml"), y.into_bytes()))
        .collect();
    b.bench(|| {
        let loaded = load_bytes(files.clone());
        validate::check(&loaded.rules).len() + loaded.diagnostics.len()
    });
}

/// One tree of 10 000 info steps in a row: the trap check's worst case.
#[divan::bench(sample_count = 5)]
fn validate_a_10000_step_chain(b: divan::Bencher) {
    let file = vec![(
        "chain.yaml".to_owned(),
        posdoctor::gen::info_chain(10_000).into_bytes(),
    )];
    let rules = load_bytes(file).rules;
    b.bench(|| validate::check(&rules).len());
}

/// DOT and Mermaid of the 10 000-step chain: Mermaid within 2× DOT.
#[divan::bench(args = ["dot", "mermaid"], sample_count = 5)]
fn graph_of_a_10000_step_chain(b: divan::Bencher, format: &str) {
    let file = vec![(
        "chain.yaml".to_owned(),
        posdoctor::gen::info_chain(10_000).into_bytes(),
    )];
    let rules = load_bytes(file).rules;
    let tree = rules.tree("chain").expect("the chain");
    b.bench(|| match format {
        "dot" => graph::dot(tree, &rules, Lang::En).len(),
        _ => graph::mermaid(tree, &rules, Lang::En).len(),
    });
}

/// One scripted walk to an escalation.
#[divan::bench]
fn walk_no_power_to_vendor(b: divan::Bencher) {
    let rules = posdoctor::builtin::rules();
    let answers = [
        "continue", "no", "yes", "dead", "no", "no", "no", "no", "no", "no", "no", "no",
    ];
    b.bench(|| {
        let mut w = Walk::start(&rules, "no-power").expect("tree");
        for a in answers {
            if w.answer_str(a).is_err() {
                break;
            }
        }
        w.history().len()
    });
}

/// What a cashier waits for after typing a code: the first answer to
/// transaction-failed's `code` step in a fresh process (rules thawed, the
/// routes' patterns compiled on first use, as in `posdoctor run`).
#[divan::bench(args = ["51", "交易拒绝", "xyz"], sample_count = 20)]
fn first_code_answer(b: divan::Bencher, code: &str) {
    b.with_inputs(posdoctor::builtin::rules)
        .bench_local_values(|rules| {
            let mut w = Walk::start(&rules, "transaction-failed").expect("tree");
            for a in ["continue", "code", code] {
                w.answer_str(a).expect("a code step");
            }
            w.history().len()
        });
}

/// Every path of every built-in tree.
#[divan::bench(sample_count = 5)]
fn walk_every_path_of_every_tree(b: divan::Bencher) {
    let rules = posdoctor::builtin::rules();
    b.bench(|| {
        rules
            .trees()
            .iter()
            .map(|t| all_paths(&rules, &t.id, &text_samples).expect("walk").len())
            .sum::<usize>()
    });
}

/// Every built-in tree's checklist in each format.
#[divan::bench(args = ["text", "markdown", "html"])]
fn checklist_all_trees(b: divan::Bencher, format: &str) {
    let rules = posdoctor::builtin::rules();
    b.bench(|| {
        rules
            .trees()
            .iter()
            .map(|t| {
                let c = checklist::build(&rules, t, Lang::Zh, "2026-01-01", None);
                match format {
                    "text" => checklist::text(&c, 48).len(),
                    "markdown" => checklist::markdown(&c).len(),
                    _ => checklist::html(std::slice::from_ref(&c), Lang::Zh).map_or(0, |h| h.len()),
                }
            })
            .sum::<usize>()
    });
}

/// Every built-in tree as DOT and as Mermaid.
#[divan::bench(args = ["dot", "mermaid"])]
fn graph_all_trees(b: divan::Bencher, format: &str) {
    let rules = posdoctor::builtin::rules();
    b.bench(|| {
        rules
            .trees()
            .iter()
            .map(|t| match format {
                "dot" => graph::dot(t, &rules, Lang::En).len(),
                _ => graph::mermaid(t, &rules, Lang::En).len(),
            })
            .sum::<usize>()
    });
}

/// The search index: built from the rules (with packs) and thawed (the
/// built-ins alone), then a query in each language.
#[divan::bench]
fn search_index_built(b: divan::Bencher) {
    let rules = posdoctor::builtin::rules();
    b.bench(|| posdoctor::search::Built::new(&rules));
}

#[divan::bench]
fn search_index_thawed() -> posdoctor::search::Built {
    posdoctor::builtin::search_index()
}

#[divan::bench(args = ["pritner jam", "刷卡后扣了两次钱"])]
fn search_query(b: divan::Bencher, query: &str) {
    let rules = posdoctor::builtin::rules();
    let index = posdoctor::search::Index::with(&rules, posdoctor::builtin::search_index());
    b.bench(|| index.search(query).len());
}

/// A hostile file: one tree with thousands of unknown keys (each a finding
/// with a did-you-mean). Linear: 20 000 keys took 4.4 s when every key was
/// compared with every other.
#[divan::bench(args = [5_000, 20_000], sample_count = 3)]
fn validate_a_mapping_of_unknown_keys(b: divan::Bencher, keys: usize) {
    let mut text = String::from("version: 1\ntrees:\n  - id: t\n");
    for i in 0..keys {
        text.push_str(&format!("    k{i}: {i}\n"));
    }
    b.bench(|| {
        let loaded =
            posdoctor::rules::load::load_bytes(vec![("x.yaml".into(), text.clone().into_bytes())]);
        loaded.diagnostics.len()
    });
}
