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

/// The second edition's trees (domain.md "Second edition"): their ids are
/// contract too.
const SECOND_EDITION: &[&str] = &["sign-on", "qr-payment", "refund"];

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
    assert_eq!(
        ids,
        FAMILIES.iter().chain(SECOND_EDITION).copied().collect()
    );
}

#[test]
fn the_new_trees_keep_selling_first() {
    let rules = rules();
    // sign-on: cash or QR while it signs on; qr-payment: card or cash, but
    // only once this payment is checked.
    for (id, en, zh) in [
        ("sign-on", &["cash", "qr"][..], &["现金", "扫码"][..]),
        (
            "qr-payment",
            &["card", "cash", "scan again"],
            &["刷卡", "现金", "不要再扫"],
        ),
    ] {
        let tree = rules.tree(id).unwrap();
        let start = tree.node(&tree.start).unwrap();
        let Body::Info { text, .. } = &start.body else {
            panic!("{id}: the first step is something to read")
        };
        let (t_en, t_zh) = (text.en.to_lowercase(), text.zh.clone().unwrap_or_default());
        assert!(en.iter().all(|w| t_en.contains(w)), "{id}: {t_en}");
        assert!(zh.iter().all(|w| t_zh.contains(w)), "{id}: {t_zh}");
    }
    // refund stops no sale: its first step carries the cash rule instead.
    let refund = rules.tree("refund").unwrap();
    let first = refund.node(&refund.start).unwrap();
    let rule = first.caution.as_ref().expect("the cash rule first");
    assert!(rule.en.to_lowercase().contains("never refund") && rule.en.contains("cash"));
    assert!(rule.zh.as_ref().unwrap().contains("绝不能退现金"));
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
    assert!(resets >= 1, "the ladder's reset rung is used");
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
            // Cards still work: the fallback is that a sale without a receipt
            // stands — but only one the screen showed approved; otherwise the
            // last-transaction record comes first.
            assert!(
                en.contains("valid") && en.contains("do not run it again"),
                "{id}: {en}"
            );
            assert!(
                zh.contains("有效") && zh.contains("不要重新刷卡"),
                "{id}: {zh}"
            );
            let sentence = |t: &str, word: &str| {
                t.split(['.', '。'])
                    .find(|s| s.contains(word))
                    .unwrap_or_default()
                    .to_owned()
            };
            assert!(sentence(&en, "valid").contains("approved"), "{id}: {en}");
            assert!(sentence(&zh, "有效").contains("交易成功"), "{id}: {zh}");
            assert!(
                en.contains("last-transaction record") && en.contains("before charging"),
                "{id}: {en}"
            );
            assert!(zh.contains("最后一笔交易记录"), "{id}: {zh}");
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
    // Codes that mean "no answer" or "maybe sent twice", and the terminals'
    // connection messages, lead to the check too.
    for code in [
        "91",
        "94",
        "96",
        "timeout",
        "none",
        "无",
        "通讯失败",
        "连接主机失败",
        "网络未连接",
        "网络异常",
        "COMM ERROR",
        "CONNECTION ERROR",
        "TCP/IP ERROR",
        "NO LINE",
        "交易失败，请重试",
        "系统繁忙",
    ] {
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
    // (what the cashier types, where it leads): codes and UnionPay's usual
    // screen wording for them (domain.md, issue 10 S3).
    for (typed, node) in [
        ("00", "approved"),
        ("08", "approved"),
        ("11", "approved"),
        ("16", "approved"),
        ("Y1", "approved"),
        ("y3", "approved"),
        ("10", "approved-partial"),
        ("A2", "approved-defect"),
        ("A6", "approved-defect"),
        ("交易成功，请向发卡行确认", "approved-defect"),
        ("51", "declined-funds"),
        ("余额不足", "declined-funds"),
        ("61", "declined-funds"),
        ("65", "declined-funds"),
        ("超出金额限制", "declined-funds"),
        ("金额超限", "declined-funds"),
        ("超出限额", "declined-funds"),
        ("05", "card-declined"),
        ("身份认证失败", "card-declined"),
        ("交易被拒", "card-declined"),
        ("交易被拒绝", "card-declined"),
        ("57", "card-declined"),
        ("不允许持卡人进行的交易", "card-declined"),
        ("62", "card-declined"),
        ("14", "card-declined"),
        ("54", "declined-expired"),
        ("33", "declined-expired"),
        ("过期的卡", "declined-expired"),
        ("75", "declined-pin"),
        ("38", "declined-pin"),
        ("密码错误次数超限", "declined-pin"),
        ("55", "pin-again"),
        ("13", "amount"),
        ("58", "call-acquirer-setup"),
        ("不允许终端进行的交易", "call-acquirer-setup"),
        ("40", "call-acquirer-setup"),
        ("请求的功能尚不支持", "call-acquirer-setup"),
        ("04", "pick-up"),
        ("没收卡，请联系收单行", "pick-up"),
        ("43", "pick-up"),
        ("被窃卡", "pick-up"),
        ("可疑卡", "pick-up"),
        ("34", "pick-up"),
        ("有作弊嫌疑", "pick-up"),
        ("01", "refer"),
        ("查发卡行", "refer"),
        ("请持卡人与发卡行联系", "refer"),
        ("03", "deactivated/keep-selling"),
        ("97", "deactivated/keep-selling"),
        ("终端未登记", "deactivated/keep-selling"),
        ("30", "parameters"),
        ("90", "day-end"),
        ("正在日终处理", "day-end"),
        ("22", "last-transaction"),
        ("68", "last-transaction"),
        ("发卡行响应超时", "last-transaction"),
        ("98", "last-transaction"),
        ("92", "last-transaction"),
        ("99", "sign-on/keep-selling"),
        ("A0", "sign-on/keep-selling"),
        ("MAC校验错，请重新签到", "sign-on/keep-selling"),
        ("PIN格式错，请重新签到", "sign-on/keep-selling"),
        ("77", "code-77"),
        ("请先签到", "sign-on/keep-selling"),
        ("签到失败", "sign-on/keep-selling"),
        ("用户支付中", "qr-payment/keep-selling"),
        ("25", "refund/paid-how"),
        ("找不到原始交易", "refund/paid-how"),
        ("64", "refund/paid-how"),
        ("X9", "unknown-code"),
        ("not permitted", "unknown-code"),
        ("交易失败", "unknown-code"),
    ] {
        assert_eq!(next_after(typed), node, "{typed}");
    }
}

/// Every code in rules/codes.yaml that names transaction-failed is routed
/// there to the step its table row says, never to "unknown code".
#[test]
fn every_code_of_the_table_is_routed() {
    let rules = rules();
    for code in rules.codes.values() {
        if code.tree.as_deref() != Some("transaction-failed") || code.code == "timeout" {
            continue;
        }
        let mut w = Walk::start(&rules, "transaction-failed").unwrap();
        w.answer_str("continue").unwrap();
        w.answer_str("code").unwrap();
        for typed in std::iter::once(&code.code).chain(&code.aliases) {
            let mut w = w.clone();
            w.answer_str(typed).unwrap();
            let at = match w.state() {
                State::Ask(s) => s.node_ref.clone(),
                State::Done(f) => f.node_ref.clone(),
            };
            assert_ne!(at, "unknown-code", "{} ({typed})", code.code);
        }
    }
}

/// Every code of the table that means the sale went through (owner
/// `nobody`) says so in transaction-failed, never "unknown code" and never a
/// step that could charge the card again.
#[test]
fn approved_codes_say_the_sale_went_through() {
    let rules = rules();
    let mut approved = 0;
    for code in rules.codes.values() {
        if code.owner != posdoctor::rules::Owner::Nobody {
            continue;
        }
        approved += 1;
        let mut w = Walk::start(&rules, "transaction-failed").unwrap();
        w.answer_str("continue").unwrap();
        w.answer_str("code").unwrap();
        w.answer_str(&code.code).unwrap();
        let State::Done(f) = w.state() else {
            panic!("{}: a question after an approved code", code.code)
        };
        assert!(
            ["approved", "approved-partial", "approved-defect"].contains(&f.node.id.as_str()),
            "{} ends at {}",
            code.code,
            f.node.id
        );
    }
    assert!(approved >= 11, "00, 08, 10, 11, 16, Y1, Y3, A2, A4, A5, A6");
}

/// An unknown code goes to the terminal's record before any new attempt
/// (issue: "this attempt did not charge the card" was said unchecked).
#[test]
fn an_unknown_code_checks_the_record_first() {
    let rules = rules();
    let mut w = Walk::start(&rules, "transaction-failed").unwrap();
    w.answer_str("continue").unwrap();
    w.answer_str("code").unwrap();
    w.answer_str("X9").unwrap();
    assert_eq!(w.step().unwrap().node.id, "unknown-code");
    w.answer_str("continue").unwrap();
    let record = w.step().unwrap().node;
    assert_eq!(record.id, "unknown-record");
    let caution = record.caution.as_ref().unwrap();
    assert!(caution.en.contains("Do not charge the card again"));
    assert!(caution.zh.as_ref().unwrap().contains("不要再次刷卡"));
    for (answer, next) in [
        ("approved", "already-paid"),
        ("not-approved", "other-card"),
        ("cannot-tell", "confirm-with-acquirer"),
    ] {
        let mut w = w.clone();
        w.answer_str(answer).unwrap();
        let at = match w.state() {
            State::Ask(s) => s.node.id.clone(),
            State::Done(f) => f.node.id.clone(),
        };
        assert_eq!(at, next, "{answer}");
    }
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
    // The customer's card is the problem: nothing for the shop to call.
    assert!(f.is_resolved() && f.party().is_none());
    let told = f.customer().expect("what to tell the customer");
    assert!(told.en.contains("another way") && told.zh.as_ref().unwrap().contains("换一种方式"));
    // No card works: the reader, and only after checking the terminal waits
    // for a card (C2).
    let mut w = Walk::start(&rules, "card-read").unwrap();
    w.answer_str("continue").unwrap();
    w.answer_str("no").unwrap();
    assert_eq!(w.step().unwrap().node.id, "waiting");
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
                Body::Link { tree, .. } => Some(tree.clone()),
                _ => None,
            })
            .collect()
    };
    assert!(links("service-outage").contains("no-network"));
    assert!(links("power-outage").contains("no-network"));
    assert!(links("transaction-failed").contains("deactivated"));
    assert!(links("no-power").contains("power-outage"));
    // "Other terminals fail too" is handled inside no-network: a link to
    // service-outage, whose "only this terminal" leads back to no-network's
    // start, made a loop (keep-selling and mid-sale asked again).
    for (from, back) in [
        ("no-network", "no-network"),
        ("service-outage", "service-outage"),
    ] {
        let mut todo: Vec<String> = links(from).into_iter().collect();
        let mut seen = HashSet::new();
        while let Some(t) = todo.pop() {
            assert_ne!(t, back, "{from} hands over to a tree that leads back to it");
            if seen.insert(t.clone()) {
                todo.extend(links(&t));
            }
        }
    }
    let tree = rules.tree("no-network").unwrap();
    let provider = tree.node("other-terminals").unwrap();
    assert!(matches!(&provider.body, Body::Check { yes, .. } if yes == "provider-notice"));
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

/// Every route of every built-in text node carries a label in both
/// languages, so the printed checklist reads the label, never a pattern in
/// words ("… or others") or a raw pattern.
#[test]
fn every_route_reads_well_on_paper() {
    use posdoctor::i18n::Lang;
    use posdoctor::render::checklist;
    let rules = rules();
    let mut routes_seen = 0;
    for tree in rules.trees() {
        let mut has_text = false;
        for node in &tree.nodes {
            let Body::Text { routes, .. } = &node.body else {
                continue;
            };
            has_text = true;
            for r in routes {
                routes_seen += 1;
                let l = r.label.as_ref().unwrap_or_else(|| {
                    panic!("{}/{}: `{}` has no label", tree.id, node.id, r.pattern)
                });
                assert!(
                    !l.en.trim().is_empty() && !l.lacks_zh(),
                    "{}/{}: `{}`",
                    tree.id,
                    node.id,
                    r.pattern
                );
            }
        }
        if !has_text {
            continue;
        }
        for lang in [Lang::En, Lang::Zh] {
            let c = checklist::build(&rules, tree, lang, "2026-01-01", None);
            let paper = checklist::text(&c, 200);
            for raw in [
                "|",
                ".*",
                "(?",
                "\\",
                "?|",
                "a2",
                "a0",
                "pin ?",
                "or others",
                "其他”",
                "another answer the rules expect",
                "规则中设定的其他答案",
            ] {
                assert!(
                    !paper.contains(raw),
                    "{} ({lang:?}): `{raw}` on paper",
                    tree.id
                );
            }
        }
    }
    assert!(routes_seen >= 20, "{routes_seen}");
}

/// Every built-in shared check is used by a built-in tree: a check left
/// behind goes stale (the old `battery-reseat` lacked the swollen-battery
/// stop that `no-power/battery-reseat` has) while packs can still use it.
#[test]
fn every_shared_check_is_used() {
    let rules = rules();
    let used: HashSet<&str> = rules
        .trees()
        .iter()
        .flat_map(|t| &t.nodes)
        .filter_map(|n| match &n.body {
            Body::Check { uses: Some(u), .. } => Some(u.as_str()),
            _ => None,
        })
        .collect();
    for id in rules.checks.keys() {
        assert!(used.contains(id.as_str()), "shared check `{id}` is unused");
    }
}

/// Printed checklists read cleanly in both languages: no label quoted twice
/// (如果““终端未激活”…”), and the keep-selling box does not open with its own
/// heading again.
#[test]
fn checklists_read_cleanly() {
    use posdoctor::i18n::{Lang, Msg};
    use posdoctor::render::checklist;
    let rules = rules();
    for tree in rules.trees() {
        for lang in [Lang::En, Lang::Zh] {
            let c = checklist::build(&rules, tree, lang, "2026-01-01", None);
            let paper = checklist::text(&c, 200);
            for doubled in ["““", "””", "“\"", "\"”"] {
                assert!(!paper.contains(doubled), "{} ({lang:?}): {paper}", tree.id);
            }
            if let Some(f) = &c.fallback {
                let heading = Msg::ClKeepSelling.get(lang).to_lowercase();
                let lead = f
                    .split_once([':', '：'])
                    .map_or("", |(l, _)| l)
                    .to_lowercase();
                assert!(
                    !(lead.chars().count() <= 24 && lead.starts_with(&heading)),
                    "{} ({lang:?}): the box repeats its heading: {f}",
                    tree.id
                );
            }
        }
    }
}
