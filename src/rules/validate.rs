//! Checks on the loaded rules as a whole: references, reachability, traps,
//! links between trees, and translations. The loader already checked each
//! file and each node on its own.

use std::collections::{HashMap, HashSet, VecDeque};

use super::{Body, NodeKind, RuleSet, Tree};
use crate::diag::{did_you_mean, Diagnostic};

/// Every finding about `rules` (errors and warnings, translations included).
pub fn check(rules: &RuleSet) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for tree in rules.trees() {
        check_tree(tree, rules, &mut diags);
        check_translations(tree, &mut diags);
    }
    check_aliases(rules, &mut diags);
    for code in rules.codes.values() {
        if let Some(t) = code.tree.as_deref().filter(|t| rules.tree(t).is_none()) {
            // The code is still explained without it: the counter keeps it.
            let mut d = code
                .place
                .child("tree")
                .error(format!("code `{}` names no tree called `{t}`", code.code))
                .soft();
            // Where it is, before what it might be a typo of.
            if let Some(hint) = missing_tree_hint(rules, t, &code.place.file.name) {
                d = d.with_hint(hint);
            } else if let Some(best) = did_you_mean(t, rules.tree_ids()) {
                d = d.with_hint(format!("did you mean `{best}`?"));
            }
            diags.push(d);
        }
        let customer = code.customer.as_ref().map(|c| (c, "customer"));
        for (text, field) in [(&code.meaning, "meaning"), (&code.action, "action")]
            .into_iter()
            .chain(customer)
        {
            if text.lacks_zh() {
                diags.push(missing_zh(code.place.child(field).warning(format!(
                    "code `{}`: `{field}` has no Chinese (zh) text",
                    code.code
                ))));
            }
        }
    }
    let mut checks: Vec<_> = rules.checks.values().collect();
    checks.sort_by(|a, b| a.id.cmp(&b.id));
    for c in checks {
        for (t, field) in [
            (Some(&c.action), "do"),
            (c.ask.as_ref(), "ask"),
            (c.caution.as_ref(), "caution"),
        ] {
            if let Some(t) = t.filter(|t| t.lacks_zh()) {
                let _ = t;
                diags.push(missing_zh(c.place.child(field).warning(format!(
                    "check `{}`: `{field}` has no Chinese (zh) text",
                    c.id
                ))));
            }
        }
    }
    diags
}

/// A code's alias that is also another code, or another code's alias:
/// `posdoctor code` would never show one of them for it.
fn check_aliases(rules: &RuleSet, diags: &mut Vec<Diagnostic>) {
    let mut owner: std::collections::HashMap<String, &str> = std::collections::HashMap::new();
    for (key, code) in rules.codes.iter() {
        for (i, alias) in code.aliases.iter().enumerate() {
            let a = super::normalize_code(alias);
            let at = code.place.child("aliases").child(i);
            if a == *key {
                continue;
            }
            if let Some(other) = rules.codes.get(&a) {
                diags.push(
                    at.error(format!(
                        "alias `{alias}` of code `{}` is also the code `{}`: `posdoctor code {alias}` shows code `{}`",
                        code.code, other.code, other.code
                    ))
                    .with_hint("remove the alias, or the other code"),
                );
            } else if let Some(first) = owner.get(&a).filter(|c| **c != code.code) {
                diags.push(
                    at.error(format!(
                        "alias `{alias}` of code `{}` is also an alias of code `{first}`",
                        code.code
                    ))
                    .with_hint("an alias can lead to one code only: remove it from one of them"),
                );
            } else {
                owner.insert(a, &code.code);
            }
        }
    }
}

/// "it is defined in X, which has errors", when a file that did not load
/// would have defined tree `id`.
fn in_unloaded(rules: &RuleSet, id: &str) -> Option<String> {
    rules
        .left_out
        .iter()
        .find(|(_, trees)| trees.iter().any(|t| t == id))
        .map(|(file, _)| format!("`{id}` is defined in {file}, which has errors (fix those first)"))
}

/// Why tree `id`, named in `file`, is not loaded, when that is known: its
/// file has errors, `--no-builtin` left it out, or its file is not loaded.
fn missing_tree_hint(rules: &RuleSet, id: &str, file: &str) -> Option<String> {
    let builtin_loaded = rules
        .trees()
        .iter()
        .any(|t| t.origin == super::Origin::Builtin);
    in_unloaded(rules, id).or_else(|| super::load::not_loaded_hint(id, false, builtin_loaded, file))
}

fn missing_zh(d: Diagnostic) -> Diagnostic {
    d.with_hint("write it as `{en: \"...\", zh: \"...\"}`")
}

fn check_tree(tree: &Tree, rules: &RuleSet, diags: &mut Vec<Diagnostic>) {
    // Suggestions are ids a reference may use: never one that is itself
    // refused (`again?`).
    let node_ids = || {
        tree.nodes
            .iter()
            .map(|n| n.id.as_str())
            .filter(|id| super::load::valid_id(id))
    };
    let dangling = |target: &str, place: super::Place, diags: &mut Vec<Diagnostic>| {
        let mut d = place.error(format!("tree `{}` has no node `{target}`", tree.id));
        if let Some(best) = did_you_mean(target, node_ids()) {
            d = d.with_hint(format!("did you mean `{best}`?"));
        }
        diags.push(d);
    };
    if tree.node(&tree.start).is_none() && !tree.nodes.is_empty() {
        dangling(&tree.start, tree.place.child("start"), diags);
        return;
    }
    // Every pattern compiled with the limits the run uses: one too big
    // would otherwise never match, and the walk would silently take
    // `otherwise`.
    for node in &tree.nodes {
        if let Body::Text { routes, .. } = &node.body {
            // A pattern the loader refused is reported there, once.
            for (i, r) in routes.iter().enumerate().filter(|(_, r)| !r.is_broken()) {
                if let Err(why) = r.compiled() {
                    diags.push(
                        node.place
                            .child("routes")
                            .child(i)
                            .child("match")
                            .error(why.to_owned()),
                    );
                }
            }
        }
    }
    let mut broken = false;
    for node in &tree.nodes {
        check_routes(node, diags);
        for edge in node.edges() {
            // A check or a choice that leads straight back repeats the same
            // step with nothing learned (a question may poll: "back yet?").
            let repeats = matches!(node.kind, NodeKind::Check | NodeKind::Choice);
            if edge.target == node.id && repeats {
                diags.push(
                    node.place
                        .child(&edge.field)
                        .error(format!(
                            "{} of node `{}` leads straight back to `{}`",
                            edge_name(node, &edge),
                            node.id,
                            node.id
                        ))
                        .with_hint(
                            "asking the same thing again gets the same answer: point it at the next step",
                        ),
                );
            }
            if !edge.target.is_empty() && tree.node(edge.target).is_none() {
                dangling(edge.target, node.place.child(&edge.field), diags);
                broken = true;
            }
            if edge.target.is_empty() {
                broken = true;
            }
        }
        if let Body::Link { tree: target, .. } = &node.body {
            if target == &tree.id {
                diags.push(node.place.child("tree").error(format!(
                    "node `{}` links tree `{}` to itself",
                    node.id, tree.id
                )));
            } else if !target.is_empty() && rules.tree(target).is_none() {
                let mut d = node
                    .place
                    .child("tree")
                    .error(format!("no tree is called `{target}`"));
                if let Some(hint) = missing_tree_hint(rules, target, &node.place.file.name) {
                    d = d.with_hint(hint);
                } else if let Some(best) = did_you_mean(target, rules.tree_ids()) {
                    d = d.with_hint(format!("did you mean `{best}`?"));
                }
                diags.push(d);
            }
        }
    }
    if broken || tree.nodes.is_empty() {
        // Reachability on a graph with holes would only repeat the errors above.
        return;
    }
    let reachable = reach(tree, &tree.start);
    for node in &tree.nodes {
        if !reachable.contains(node.id.as_str()) {
            diags.push(
                node.place
                    .child("id")
                    .error(format!(
                        "node `{}` cannot be reached from the start `{}`",
                        node.id, tree.start
                    ))
                    .with_hint("point a `next`, `yes`, `no` or choice at it, or remove it"),
            );
        }
    }
    // Walk backwards from the outcomes: a reachable node that no outcome can
    // be reached from is a trap (an endless loop for the person). One pass
    // over the reversed edges: linear in the tree's size.
    let mut into: HashMap<&str, Vec<&str>> = HashMap::new();
    for node in &tree.nodes {
        for e in node.edges() {
            into.entry(e.target).or_default().push(node.id.as_str());
        }
    }
    let mut ends: HashSet<&str> = HashSet::new();
    let mut queue: Vec<&str> = tree
        .nodes
        .iter()
        .filter(|n| n.is_outcome())
        .map(|n| n.id.as_str())
        .collect();
    while let Some(id) = queue.pop() {
        if ends.insert(id) {
            queue.extend(into.get(id).into_iter().flatten().copied());
        }
    }
    for node in &tree.nodes {
        // A node with no way out at all was already reported by the loader.
        let stuck = !node.is_outcome() && node.edges().is_empty();
        // A check or choice whose every way out is itself was reported above.
        let stuck = stuck
            || (matches!(node.kind, NodeKind::Check | NodeKind::Choice)
                && node.edges().iter().all(|e| e.target == node.id));
        if reachable.contains(node.id.as_str()) && !ends.contains(node.id.as_str()) && !stuck {
            diags.push(
                node.place
                    .child("id")
                    .error(format!(
                        "no outcome can be reached from node `{}`: every way out of it loops",
                        node.id
                    ))
                    .with_hint(
                        "give the loop a way out to a `resolved`, `escalate` or `link` node",
                    ),
            );
        }
    }
    // Trees that hand over to each other at once would loop without a question.
    let mut seen = vec![tree.id.as_str()];
    let mut current = tree;
    while let Some(Body::Link { tree: next, .. }) = current.node(&current.start).map(|n| &n.body) {
        let Some(next_tree) = rules.tree(next) else {
            break;
        };
        if seen.contains(&next_tree.id.as_str()) {
            diags.push(tree.place.child("start").error(format!(
                "trees {} hand over to each other without asking anything",
                seen.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(" → ")
            )));
            break;
        }
        seen.push(&next_tree.id);
        current = next_tree;
    }
}

/// How a finding names an edge: "`no`", "choice `wifi`", "route 2".
fn edge_name(node: &super::Node, edge: &super::Edge) -> String {
    match &node.body {
        Body::Choice { .. } => format!("choice `{}`", edge.answer),
        Body::Text { .. } if edge.answer != "otherwise" => {
            let n = edge
                .field
                .split('.')
                .nth(1)
                .and_then(|i| i.parse::<usize>().ok())
                .map_or(0, |i| i + 1);
            format!("route {n}")
        }
        _ => format!("`{}`", edge.answer),
    }
}

/// Answers that every catch-all pattern matches, and no sensible specific
/// pattern matches all of.
const PROBES: &[&str] = &[
    "x",
    "05",
    "zz-no-route-matches-this",
    "A long message, with SPACES: 123!",
    "中文 提示",
    "-",
];

/// True when a route's pattern takes every answer (`.*`, `.+`).
pub fn is_catch_all(route: &super::Route) -> bool {
    // Only a pattern with a bare wildcard can; that is known without
    // compiling it, so loading stays fast.
    crate::rules::pattern::may_take_anything(&route.pattern)
        && PROBES.iter().all(|p| route.is_match(p))
}

/// A route after a catch-all can never be taken; a catch-all last makes
/// `otherwise` unreachable.
fn check_routes(node: &super::Node, diags: &mut Vec<Diagnostic>) {
    let Body::Text { routes, .. } = &node.body else {
        return;
    };
    let Some(first) = routes.iter().position(is_catch_all) else {
        return;
    };
    let shadowed = &routes[first + 1..];
    for (i, r) in shadowed.iter().enumerate() {
        let n = first + 1 + i;
        diags.push(
            node.place
                .child("routes")
                .child(n)
                .child("match")
                .error(format!(
                    "route {} of node `{}` (`{}`) can never be taken: route {} (`{}`) before it matches every answer",
                    n + 1,
                    node.id,
                    r.pattern,
                    first + 1,
                    routes[first].pattern
                ))
                .with_hint("routes are tried in order: move the catch-all last, or replace it with `otherwise`"),
        );
    }
    if shadowed.is_empty() {
        diags.push(
            node.place
                .child("routes")
                .child(first)
                .child("match")
                .warning(format!(
                    "route {} of node `{}` matches every answer, so `otherwise` is never used",
                    first + 1,
                    node.id
                ))
                .with_hint("drop the route and point `otherwise` at its target"),
        );
    }
}

/// How routes read on paper (for `validate` only: the counter needs none of
/// it): a pattern too intricate for words needs a `label`, and a label needs
/// its Chinese text.
pub fn check_wording(rules: &RuleSet) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for node in rules.trees().iter().flat_map(|t| &t.nodes) {
        let Body::Text { routes, .. } = &node.body else {
            continue;
        };
        for (i, r) in routes.iter().enumerate() {
            if r.label.is_none()
                && crate::rules::pattern::describe(&r.pattern, crate::i18n::Lang::En).is_none()
                && !r.is_broken()
                && super::Route::check(&r.pattern).is_ok()
            {
                diags.push(
                    node.place
                        .child("routes")
                        .child(i)
                        .child("match")
                        .warning(format!(
                            "route {} of node `{}`: the pattern `{}` cannot be put into words for a checklist",
                            i + 1,
                            node.id,
                            r.pattern
                        ))
                        .with_hint("add `label: {en: \"...\", zh: \"...\"}` saying which answers it takes"),
                );
            }
            // `x?` reads “x”: an answer is never empty, so the empty match
            // it also allows is never used — likely not what was meant.
            let empty_too = !r.is_broken()
                && !crate::rules::pattern::may_take_anything(&r.pattern)
                && r.is_match("");
            if empty_too {
                let words = crate::rules::pattern::describe(&r.pattern, crate::i18n::Lang::En)
                    .unwrap_or_else(|| "the answers it spells out".into());
                diags.push(
                    node.place
                        .child("routes")
                        .child(i)
                        .child("match")
                        .warning(format!(
                            "route {} of node `{}`: the pattern `{}` also matches an empty answer, which is never given: it takes only {words}",
                            i + 1,
                            node.id,
                            r.pattern
                        ))
                        .with_hint("make the whole pattern required (`x`, not `x?`), or say with `label` what it takes"),
                );
            }
            if let Some(l) = r.label.as_ref().filter(|l| l.lacks_zh()) {
                let _ = l;
                diags.push(missing_zh(
                    node.place
                        .child("routes")
                        .child(i)
                        .child("label")
                        .warning(format!(
                            "node `{}`: the label of route {} has no Chinese (zh) text",
                            node.id,
                            i + 1
                        )),
                ));
            }
        }
    }
    diags
}

/// Node ids reachable from `start` within the tree.
pub fn reach<'t>(tree: &'t Tree, start: &'t str) -> HashSet<&'t str> {
    let mut seen = HashSet::new();
    let mut queue = VecDeque::from([start]);
    while let Some(id) = queue.pop_front() {
        if !seen.insert(id) {
            continue;
        }
        if let Some(node) = tree.node(id) {
            for e in node.edges() {
                queue.push_back(e.target);
            }
        }
    }
    seen
}

fn check_translations(tree: &Tree, diags: &mut Vec<Diagnostic>) {
    if tree.title.lacks_zh() {
        diags.push(missing_zh(tree.place.child("title").warning(format!(
            "tree `{}`: the title has no Chinese (zh) text",
            tree.id
        ))));
    }
    if let Some(s) = tree.summary.as_ref().filter(|s| s.lacks_zh()) {
        let _ = s;
        diags.push(missing_zh(tree.place.child("summary").warning(format!(
            "tree `{}`: the summary has no Chinese (zh) text",
            tree.id
        ))));
    }
    if tree.keywords.zh.is_empty() {
        diags.push(
            tree.place
                .child("keywords")
                .warning(format!(
                    "tree `{}` has no Chinese keywords, so Chinese searches cannot find it",
                    tree.id
                ))
                .with_hint("add `keywords: {zh: [...]}`"),
        );
    }
    for node in &tree.nodes {
        for (text, field) in node.texts() {
            if text.lacks_zh() && !text.en.is_empty() {
                diags.push(missing_zh(node.place.child(&field).warning(format!(
                    "node `{}`: `{field}` has no Chinese (zh) text",
                    node.id
                ))));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::load::{load, LoadOptions};
    use std::io::Write;

    fn findings(yaml: &str) -> Vec<String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.yaml");
        std::fs::File::create(&path)
            .unwrap()
            .write_all(yaml.as_bytes())
            .unwrap();
        let loaded = load(&LoadOptions {
            builtin: false,
            packs: vec![path],
        });
        let mut all: Vec<String> = loaded.diagnostics.iter().map(|d| d.headline()).collect();
        all.extend(
            check(&loaded.rules)
                .iter()
                .filter(|d| d.is_error())
                .map(|d| d.headline()),
        );
        all.into_iter()
            .map(|s| {
                s.rsplit_once("t.yaml")
                    .map(|(_, r)| r.to_owned())
                    .unwrap_or(s)
            })
            .collect()
    }

    const HEAD: &str =
        "trees:\n  - id: t\n    title: T\n    category: power\n    start: a\n    nodes:\n";

    #[test]
    fn dangling_reference_with_hint() {
        let f = findings(&format!(
            "{HEAD}      - {{id: a, kind: question, ask: Q, yes: done, no: dne}}\n      - {{id: done, kind: resolved, text: ok}}\n"
        ));
        assert_eq!(f, vec![":7:56: error: tree `t` has no node `dne`"]);
    }

    #[test]
    fn unreachable_and_trap() {
        let f = findings(&format!(
            "{HEAD}      - {{id: a, kind: question, ask: Q, yes: done, no: b}}\n      - {{id: b, kind: info, text: i, next: c}}\n      - {{id: c, kind: info, text: i, next: b}}\n      - {{id: done, kind: resolved, text: ok}}\n      - {{id: lost, kind: resolved, text: ok}}\n"
        ));
        assert!(
            f.iter()
                .any(|s| s.contains("node `lost` cannot be reached")),
            "{f:?}"
        );
        assert!(
            f.iter()
                .any(|s| s.contains("no outcome can be reached from node `b`")),
            "{f:?}"
        );
        assert!(
            f.iter()
                .any(|s| s.contains("no outcome can be reached from node `c`")),
            "{f:?}"
        );
        assert!(!f.iter().any(|s| s.contains("node `a`")), "{f:?}");
    }

    #[test]
    fn kind_fields_are_checked() {
        let f = findings(&format!(
            "{HEAD}      - {{id: a, kind: info, text: i, yes: a}}\n"
        ));
        assert!(
            f.iter()
                .any(|s| s.contains("`yes` does not apply to `info` node `a`")),
            "{f:?}"
        );
        assert!(
            f.iter().any(|s| s.contains("`info` node `a` needs `next`")),
            "{f:?}"
        );
    }

    #[test]
    fn destructive_needs_skip_and_caution() {
        let f = findings(&format!(
            "{HEAD}      - {{id: a, kind: check, do: reset, destructive: true, yes: d, no: d}}\n      - {{id: d, kind: resolved, text: ok}}\n"
        ));
        assert!(f.iter().any(|s| s.contains("needs `skip`")), "{f:?}");
        assert!(f.iter().any(|s| s.contains("needs a `caution`")), "{f:?}");
    }

    #[test]
    fn duplicate_node_ids() {
        let f = findings(&format!(
            "{HEAD}      - {{id: a, kind: resolved, text: ok}}\n      - {{id: a, kind: resolved, text: ok}}\n"
        ));
        assert!(
            f.iter()
                .any(|s| s.starts_with(":8:") && s.contains("duplicate node id `a`")),
            "{f:?}"
        );
    }

    #[test]
    fn links_to_unknown_tree_and_self() {
        let f = findings(&format!(
            "{HEAD}      - {{id: a, kind: link, tree: no-powr}}\n"
        ));
        assert!(
            f.iter().any(|s| s.contains("no tree is called `no-powr`")),
            "{f:?}"
        );
        let f = findings(&format!("{HEAD}      - {{id: a, kind: link, tree: t}}\n"));
        assert!(f.iter().any(|s| s.contains("to itself")), "{f:?}");
    }

    #[test]
    fn missing_translation_is_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.yaml");
        std::fs::write(
            &path,
            format!("{HEAD}      - {{id: a, kind: resolved, text: ok}}\n"),
        )
        .unwrap();
        let loaded = load(&LoadOptions {
            builtin: false,
            packs: vec![path],
        });
        let all = check(&loaded.rules);
        assert!(all.iter().all(|d| !d.is_error()));
        assert!(all
            .iter()
            .any(|d| d.message.contains("`text` has no Chinese")));
        assert!(all
            .iter()
            .any(|d| d.message.contains("title has no Chinese")));
    }
}
