//! How long the work behind every command takes, without process start-up:
//! loading and validating the built-in rules, and walking trees.
//! Run: `cargo bench`. Whole-process timings: see README ("Speed").

use posdoctor::engine::{all_paths, text_samples, Walk};
use posdoctor::rules::load::{load, LoadOptions};
use posdoctor::rules::validate;

fn main() {
    divan::main();
}

fn builtin() -> LoadOptions {
    LoadOptions {
        builtin: true,
        packs: vec![],
    }
}

/// What every command does first: parse and compile the embedded rules.
#[divan::bench]
fn load_builtin_rules() -> usize {
    load(&builtin()).rules.trees().len()
}

/// `validate` on the built-ins (graph and translation checks).
#[divan::bench]
fn validate_builtin_rules(b: divan::Bencher) {
    let rules = load(&builtin()).rules;
    b.bench(|| validate::check(&rules).len());
}

/// One scripted walk to an escalation.
#[divan::bench]
fn walk_no_power_to_vendor(b: divan::Bencher) {
    let rules = load(&builtin()).rules;
    let answers = [
        "continue", "no", "yes", "dead", "no", "no", "no", "no", "no", "no", "no", "no",
    ];
    b.bench(|| {
        let mut w = Walk::start(&rules, "no-power").expect("tree");
        for a in answers {
            w.answer_str(a).expect("valid answer");
        }
        w.history().len()
    });
}

/// Every path of every built-in tree.
#[divan::bench]
fn walk_every_path_of_every_tree(b: divan::Bencher) {
    let rules = load(&builtin()).rules;
    b.bench(|| {
        rules
            .trees()
            .iter()
            .map(|t| all_paths(&rules, &t.id, &text_samples).expect("walk").len())
            .sum::<usize>()
    });
}
