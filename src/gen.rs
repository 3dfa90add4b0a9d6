//! Generated rule packs of any size, for benchmarks and scaling tests
//! (`cargo bench`, `scripts/bench-startup`, `examples/gen_pack.rs`): valid,
//! bilingual trees that use every kind of step, so that loading, validating,
//! walking and rendering them exercises what real packs do.

use std::fmt::Write as _;

/// A pack of `trees` trees of `per_tree` nodes each (at least 6), as one
/// YAML file. Every tree validates cleanly with `--strict`.
pub fn pack(trees: usize, per_tree: usize) -> String {
    let mut out = String::from("version: 1\ntrees:\n");
    for t in 0..trees {
        tree(&mut out, &format!("gen-{t}"), per_tree);
    }
    out
}

/// A pack with about `nodes` nodes in trees of 50.
pub fn pack_of(nodes: usize) -> String {
    let per_tree = 50;
    pack(nodes.div_ceil(per_tree).max(1), per_tree)
}

/// About `nodes` nodes in trees of 50, as files of at most `per_file`
/// nodes each (tree ids unique across the files): a pack folder.
pub fn pack_files(nodes: usize, per_file: usize) -> Vec<String> {
    let per_tree = 50;
    let trees = nodes.div_ceil(per_tree).max(1);
    let trees_per_file = (per_file / per_tree).max(1);
    (0..trees)
        .step_by(trees_per_file)
        .map(|first| {
            let mut out = String::from("version: 1\ntrees:\n");
            for t in first..(first + trees_per_file).min(trees) {
                tree(&mut out, &format!("gen-{t}"), per_tree);
            }
            out
        })
        .collect()
}

/// One tree: an info step, a choice, a text step with routes, then a
/// ladder of checks and questions; every "no" leads on, the last to an
/// escalation.
fn tree(out: &mut String, id: &str, per_tree: usize) {
    let ladder = per_tree.max(6) - 5;
    let _ = write!(
        out,
        "  - id: {id}\n    title: {{en: \"Generated {id}\", zh: \"生成的 {id}\"}}\n    category: software\n    keywords: {{en: [generated, {id}], zh: [生成]}}\n    start: keep\n    nodes:\n"
    );
    let _ = write!(
        out,
        "      - {{id: keep, kind: info, text: {{en: \"Keep selling with cash.\", zh: \"先用现金收款。\"}}, next: what}}\n      - id: what\n        kind: choice\n        ask: {{en: \"What happens?\", zh: \"出现什么情况？\"}}\n        choices:\n          - {{id: a, label: {{en: \"A screen message\", zh: \"屏幕提示\"}}, next: code}}\n          - {{id: b, label: {{en: \"Nothing\", zh: \"没有反应\"}}, next: s0}}\n      - id: code\n        kind: text\n        ask: {{en: \"Type the code.\", zh: \"请输入代码。\"}}\n        routes:\n          - {{match: \"e1[0-9]\", label: {{en: \"an E1x code\", zh: \"E1x 代码\"}}, next: s0}}\n        otherwise: s0\n"
    );
    for i in 0..ladder {
        let next = if i + 1 < ladder {
            format!("s{}", i + 1)
        } else {
            "vendor".into()
        };
        if i % 2 == 0 {
            let _ = writeln!(
                out,
                "      - {{id: s{i}, kind: check, do: {{en: \"Try fix {i}.\", zh: \"尝试方法 {i}。\"}}, ask: {{en: \"Does it work now?\", zh: \"现在好了吗？\"}}, yes: fixed, no: {next}}}"
            );
        } else {
            let _ = writeln!(
                out,
                "      - {{id: s{i}, kind: question, ask: {{en: \"Is light {i} on?\", zh: \"灯 {i} 亮吗？\"}}, yes: {next}, no: {next}}}"
            );
        }
    }
    let _ = write!(
        out,
        "      - {{id: fixed, kind: resolved, text: {{en: \"It works again.\", zh: \"已恢复正常。\"}}}}\n      - {{id: vendor, kind: escalate, party: vendor, text: {{en: \"Call the vendor.\", zh: \"请联系厂商。\"}}, have_ready: [merchant, tid, serial, tried]}}\n"
    );
}

/// One tree whose `n` info steps follow each other to a resolved end: the
/// longest chain a trap check or a renderer can meet.
pub fn info_chain(n: usize) -> String {
    let mut out = String::from(
        "version: 1\ntrees:\n  - id: chain\n    title: {en: Chain, zh: 链}\n    category: software\n    keywords: {en: [chain], zh: [链]}\n    start: i0\n    nodes:\n",
    );
    for i in 0..n {
        let next = if i + 1 < n {
            format!("i{}", i + 1)
        } else {
            "done".into()
        };
        let _ = writeln!(
            out,
            "      - {{id: i{i}, kind: info, text: {{en: \"Step {i}.\", zh: \"第 {i} 步。\"}}, next: {next}}}"
        );
    }
    out.push_str("      - {id: done, kind: resolved, text: {en: Done., zh: 完成。}}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::load::load_bytes;
    use crate::rules::validate;

    #[test]
    fn generated_packs_are_valid_and_the_size_asked_for() {
        for yaml in [pack(3, 50), info_chain(200)] {
            let loaded = load_bytes(vec![("gen.yaml".into(), yaml.into_bytes())]);
            let mut findings = loaded.diagnostics;
            findings.extend(validate::check(&loaded.rules));
            assert!(findings.is_empty(), "{findings:?}");
        }
        let loaded = load_bytes(vec![("gen.yaml".into(), pack_of(1000).into_bytes())]);
        let nodes: usize = loaded.rules.trees().iter().map(|t| t.nodes.len()).sum();
        assert_eq!(nodes, 1000);
    }
}
