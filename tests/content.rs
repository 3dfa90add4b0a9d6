//! The built-in rules are product: these tests check the safety rules of
//! domain.md on every path of every tree, so an edit to a rule file cannot
//! quietly drop one.

use std::collections::HashSet;

use posdoctor::engine::{all_paths, text_samples, State, Walk};
use posdoctor::rules::load::{load, LoadOptions};
use posdoctor::rules::{Body, NodeKind, Party, RuleSet, Rung};

fn rules() -> RuleSet {
    let loaded = load(&LoadOptions {
        builtin: true,
        packs: vec![],
    });
    assert!(loaded.diagnostics.is_empty());
    loaded.rules
}

/// The 13 symptom families of domain.md, with their ids.
const FAMILIES: &[&str] = &[
    "no-power",
    "screen-keys",
    "no-network",
    "card-read",
    "printer",
    "transaction-failed",
    "settlement",
    "software",
    "power-outage",
    "service-outage",
    "deactivated",
    "tamper",
    "maintenance",
];

/// Trees whose problem does not stop a sale at the counter.
const NO_FALLBACK_NEEDED: &[&str] = &["settlement", "maintenance"];

/// Every path of a tree as the list of node refs visited (outcome last).
fn paths(rules: &RuleSet, id: &str) -> Vec<Vec<(String, String)>> {
    all_paths(rules, id, &text_samples)
        .unwrap()
        .iter()
        .map(|w| {
            let mut v: Vec<(String, String)> = w
                .history()
                .iter()
                .map(|v| (v.step.node_ref.clone(), v.answer.as_str().to_owned()))
                .collect();
            if let State::Done(f) = w.state() {
                v.push((f.node_ref.clone(), String::new()));
            }
            v
        })
        .collect()
}

#[test]
fn there_is_a_tree_for_every_family_and_no_other() {
    let rules = rules();
    let ids: HashSet<&str> = rules.tree_ids().collect();
    assert_eq!(ids, FAMILIES.iter().copied().collect());
}

#[test]
fn every_escalation_names_a_party_and_what_to_have_ready() {
    for tree in rules().trees() {
        for node in &tree.nodes {
            if let Body::Escalate {
                text, have_ready, ..
            } = &node.body
            {
                assert!(
                    !text.en.is_empty() && !text.lacks_zh(),
                    "{}/{}",
                    tree.id,
                    node.id
                );
                assert!(
                    !have_ready.is_empty(),
                    "{}/{}: nothing to have ready",
                    tree.id,
                    node.id
                );
            }
        }
    }
}

#[test]
fn every_reset_like_step_is_destructive() {
    let rules = rules();
    let mut resets = 0;
    for tree in rules.trees() {
        for node in &tree.nodes {
            let Body::Check {
                action,
                rung,
                destructive,
                uses,
                ..
            } = &node.body
            else {
                continue;
            };
            let text = action
                .as_ref()
                .map(|a| {
                    format!(
                        "{} {}",
                        a.en.to_lowercase(),
                        a.zh.clone().unwrap_or_default()
                    )
                })
                .unwrap_or_default();
            let reset_like = *rung == Some(Rung::Reset)
                || text.contains("factory reset")
                || text.contains("恢复出厂")
                || text.contains("wipe all");
            if reset_like {
                resets += 1;
                assert!(
                    destructive,
                    "{}/{} resets but is not destructive",
                    tree.id, node.id
                );
                assert!(
                    // Its own caution, or the caution of the shared check it uses.
                    node.caution.is_some()
                        || uses
                            .as_ref()
                            .and_then(|u| rules.checks.get(u))
                            .is_some_and(|c| c.caution.is_some()),
                    "{}/{}",
                    tree.id,
                    node.id
                );
            }
        }
    }
    assert!(resets >= 2, "the ladder's reset rung is used");
}

#[test]
fn the_fallback_comes_before_the_first_long_step() {
    let rules = rules();
    for id in FAMILIES
        .iter()
        .filter(|id| !NO_FALLBACK_NEEDED.contains(id))
    {
        let tree = rules.tree(id).unwrap();
        let start = tree.node(&tree.start).unwrap();
        assert_eq!(
            start.kind,
            NodeKind::Info,
            "{id}: the first step is the fallback"
        );
        let Body::Info { text, .. } = &start.body else {
            unreachable!()
        };
        let en = text.en.to_lowercase();
        let zh = text.zh.clone().unwrap_or_default();
        if *id == "printer" {
            // Cards still work: the fallback is that a sale without a receipt stands.
            assert!(
                en.contains("valid") && en.contains("do not run it again"),
                "{id}: {en}"
            );
            assert!(
                zh.contains("有效") && zh.contains("不要重新刷卡"),
                "{id}: {zh}"
            );
            continue;
        }
        assert!(
            en.contains("cash") && en.contains("qr"),
            "{id}: fallback names cash and QR: {en}"
        );
        assert!(
            zh.contains("现金") && zh.contains("扫码"),
            "{id}: fallback in Chinese: {zh}"
        );
    }
}

#[test]
fn double_charge_check_comes_before_any_retry() {
    let rules = rules();
    for id in ["transaction-failed", "no-network"] {
        let tree = rules.tree(id).unwrap();
        let check = tree
            .node("last-transaction")
            .expect("a double-charge check");
        let caution = check
            .caution
            .as_ref()
            .expect("with a caution")
            .en
            .to_lowercase();
        assert!(
            caution.contains("charge") && caution.contains("again"),
            "{id}: {caution}"
        );
        for path in paths(&rules, id) {
            let interrupted = path.iter().position(|(n, a)| {
                (n == "mid-sale" && a == "yes")
                    || (n == "what-happened" && (a == "timeout" || a == "no-receipt"))
            });
            let first_check = path.iter().position(|(n, _)| n == "last-transaction");
            if let Some(i) = interrupted {
                assert_eq!(
                    first_check,
                    Some(i + 1),
                    "{id}: an interrupted sale goes straight to the check: {path:?}"
                );
            }
            for (pos, (node, _)) in path.iter().enumerate() {
                if node.rsplit('/').next().unwrap_or(node).starts_with("retry") {
                    assert!(
                        first_check.is_some_and(|c| c < pos),
                        "{id}: retry without the double-charge check: {path:?}"
                    );
                }
            }
        }
    }
    // Codes that mean "no answer" or "maybe sent twice" lead to the check too.
    for code in ["91", "94", "96", "timeout", "none"] {
        let mut w = Walk::start(&rules, "transaction-failed").unwrap();
        w.answer_str("continue").unwrap();
        w.answer_str("code").unwrap();
        w.answer_str(code).unwrap();
        assert_eq!(w.step().unwrap().node.id, "last-transaction", "code {code}");
    }
}

#[test]
fn transaction_failed_routes_codes() {
    let rules = rules();
    let next_after = |code: &str| {
        let mut w = Walk::start(&rules, "transaction-failed").unwrap();
        w.answer_str("continue").unwrap();
        w.answer_str("code").unwrap();
        w.answer_str(code).unwrap();
        match w.state() {
            State::Ask(s) => s.node_ref.clone(),
            State::Done(f) => f.node_ref.clone(),
        }
    };
    assert_eq!(next_after("00"), "approved");
    assert_eq!(next_after("51"), "other-card");
    assert_eq!(next_after("05"), "other-card");
    assert_eq!(next_after("55"), "pin-again");
    assert_eq!(next_after("13"), "amount");
    assert_eq!(next_after("58"), "call-acquirer-setup");
    assert_eq!(next_after("04"), "pick-up");
    assert_eq!(next_after("01"), "refer");
    assert_eq!(
        next_after("03"),
        "deactivated/keep-selling",
        "code 03 leads into the deactivated tree"
    );
    assert_eq!(next_after("30"), "software/keep-selling");
    assert_eq!(next_after("X9"), "unknown-code");
}

#[test]
fn tamper_never_suggests_restart_reset_or_opening() {
    let rules = rules();
    let tree = rules.tree("tamper").unwrap();
    for node in &tree.nodes {
        if let Body::Check {
            rung, destructive, ..
        } = &node.body
        {
            assert!(!destructive, "{}", node.id);
            assert!(
                !matches!(rung, Some(Rung::Restart | Rung::Reset | Rung::Update)),
                "{}",
                node.id
            );
        }
        assert!(
            !matches!(node.body, Body::Link { .. }),
            "tamper hands over to no other tree"
        );
        if let Body::Escalate { party, .. } = &node.body {
            assert_eq!(*party, Party::Vendor, "{}", node.id);
        }
        if let Body::Check {
            action: Some(a), ..
        } = &node.body
        {
            let t = a.en.to_lowercase();
            assert!(
                !t.contains("restart") && !t.contains("reset") && !t.contains("open"),
                "{}: {t}",
                node.id
            );
        }
    }
    // The tamper path tells people not to open or reset it.
    let warn = tree
        .node("do-not-touch")
        .unwrap()
        .caution
        .as_ref()
        .unwrap()
        .en
        .to_lowercase();
    assert!(warn.contains("do not open") && warn.contains("reset"));
}

#[test]
fn danger_stops_at_once() {
    let rules = rules();
    for (id, node) in [("no-power", "danger"), ("screen-keys", "damage")] {
        for path in paths(&rules, id) {
            if let Some(i) = path.iter().position(|(n, a)| n == node && a == "yes") {
                assert_eq!(
                    path.len(),
                    i + 2,
                    "{id}: no further checks after danger: {path:?}"
                );
                let end = rules.tree(id).unwrap().node(&path[i + 1].0).unwrap();
                assert!(matches!(
                    end.body,
                    Body::Escalate {
                        party: Party::Vendor,
                        ..
                    }
                ));
                assert!(
                    end.caution.is_some(),
                    "{id}: the stop says what to do at once"
                );
            }
        }
    }
}

#[test]
fn card_vs_reader() {
    let rules = rules();
    let mut w = Walk::start(&rules, "card-read").unwrap();
    w.answer_str("continue").unwrap();
    w.answer_str("yes").unwrap(); // another card works
    let State::Done(f) = w.state() else { panic!() };
    assert_eq!(
        f.party(),
        Some(Party::Issuer),
        "the customer's card is the problem"
    );
}

#[test]
fn outages_link_into_the_trees_they_lead_to() {
    let rules = rules();
    let links = |id: &str| -> HashSet<String> {
        rules
            .tree(id)
            .unwrap()
            .nodes
            .iter()
            .filter_map(|n| match &n.body {
                Body::Link { tree } => Some(tree.clone()),
                _ => None,
            })
            .collect()
    };
    assert!(links("service-outage").contains("no-network"));
    assert!(links("power-outage").contains("no-network"));
    assert!(links("transaction-failed").contains("deactivated"));
    assert!(links("no-network").contains("service-outage"));
    assert!(links("no-power").contains("power-outage"));
}

#[test]
fn every_path_counts() {
    // Printed in the closing note: nodes and distinct paths per tree.
    let rules = rules();
    for tree in rules.trees() {
        let n = paths(&rules, &tree.id).len();
        assert!(n >= 2, "{}", tree.id);
        println!(
            "{:<20} nodes {:>3}  paths {:>4}",
            tree.id,
            tree.nodes.len(),
            n
        );
    }
}
