//! Search finds the right tree from a cashier's own words (issue 10 item
//! 4): the phrasings of the issue, the second edition's words, colloquial
//! Chinese with typos, and the screen wording of every China-specific
//! response code. The table is the record of what was tried: every row must
//! land first.

mod common;

use common::*;
use posdoctor::search::Index;

/// (what a cashier types, the tree that must come first). The first rows
/// are issue 10's holdout misses and the words it lists; the rest were
/// written before the search was tuned, as a check that it generalises.
const PHRASINGS: &[(&str, &str)] = &[
    ("通迅失败", "no-network"),
    ("小票打出来是白的", "printer"),
    ("钱还没到帐", "settlement"),
    ("机器发烫", "no-power"),
    ("pos机进水了", "no-power"),
    ("刷卡后扣了两次钱", "transaction-failed"),
    ("签到失败", "sign-on"),
    ("冲正", "transaction-failed"),
    ("刷卡机开不了机", "no-power"),
    ("签到", "sign-on"),
    ("签购单", "printer"),
    ("撤销", "refund"),
    ("退货", "refund"),
    ("扫码", "qr-payment"),
    ("付款码", "qr-payment"),
    ("用户支付中", "qr-payment"),
    ("到账", "settlement"),
    ("进水", "no-power"),
    ("发烫", "no-power"),
    ("扣了两次", "transaction-failed"),
    ("请先签到", "sign-on"),
    ("顾客说钱扣了但是显示交易失败", "transaction-failed"),
    ("扫码一直显示用户支付中", "qr-payment"),
    ("付款码过期了", "qr-payment"),
    ("怎么退款给顾客", "refund"),
    ("昨天的交易要退货", "refund"),
    ("撤消交易", "refund"),
    ("结算后钱没到账", "settlement"),
    ("提示请先结算", "settlement"),
    ("打印纸没字", "printer"),
    ("签购单怎么重打", "printer"),
    ("没网了", "no-network"),
    ("wifi连不上", "no-network"),
    ("流量卡欠费", "no-network"),
    ("机器被锁了", "tamper"),
    ("屏幕碎了", "screen-keys"),
    ("找不到原始交易", "refund"),
    ("MAC校验错", "sign-on"),
    ("余额不足", "transaction-failed"),
    ("过期的卡", "transaction-failed"),
    ("终端未登记", "deactivated"),
    ("正在日终处理", "transaction-failed"),
    ("有人让我交钱解冻", "settlement"),
    ("资金被冻结了", "settlement"),
    ("读不出卡", "card-read"),
    ("电池鼓包", "no-power"),
    ("刷卡机读不了卡", "card-read"),
    ("POS机没反应屏幕卡住了", "screen-keys"),
    ("sign on failed", "sign-on"),
    ("please sign on", "sign-on"),
    ("singn on error", "sign-on"),
    ("qr code payment pending", "qr-payment"),
    ("customer still paying pending", "qr-payment"),
    ("refund a sale", "refund"),
    ("void transaction", "refund"),
    ("how do I cancel a sale", "refund"),
    ("charged twice", "transaction-failed"),
    ("money taken but failed", "transaction-failed"),
    ("payout not arrived", "settlement"),
    ("batch full", "settlement"),
    ("reprint receipt", "printer"),
    ("terminal is hot", "no-power"),
    ("water spilled on terminal", "no-power"),
    ("comunication error", "no-network"),
    ("recepit blank", "printer"),
    ("setlement failed", "settlement"),
    ("wifi 5ghz", "no-network"),
    ("scan code expired", "qr-payment"),
    ("机器突然关机了", "no-power"),
    ("POS机充不进电", "no-power"),
    ("刷卡没有反应", "card-read"),
    ("插卡提示芯片错误", "card-read"),
    ("卡刷不出来", "card-read"),
    ("小票打不出来", "printer"),
    ("纸卡住了", "printer"),
    ("打印出来字很淡", "printer"),
    ("连接主机失败请检查网络", "no-network"),
    ("网络连接超时", "no-network"),
    ("4G信号不好", "no-network"),
    ("结算不了", "settlement"),
    ("昨天的钱今天还没到", "settlement"),
    ("提示请重新签到", "sign-on"),
    ("密钥错误", "sign-on"),
    ("顾客付款码扫不出来", "qr-payment"),
    ("微信支付一直在等待", "qr-payment"),
    ("顾客扫码说已经付了但是没收到钱", "qr-payment"),
    ("要给顾客退款", "refund"),
    ("刷错金额了要取消", "refund"),
    ("交易被拒绝了", "transaction-failed"),
    ("提示余额不足", "transaction-failed"),
    ("交易超时了怎么办", "transaction-failed"),
    ("机器显示被锁定", "tamper"),
    ("提示安全触发", "tamper"),
    ("屏幕点不动", "screen-keys"),
    ("按键没反应", "screen-keys"),
    ("软件闪退", "software"),
    ("一直在更新", "software"),
    ("商户被停用了", "deactivated"),
    ("全部POS机都刷不了", "service-outage"),
    ("每天怎么保养", "maintenance"),
    ("card machine won't charge", "no-power"),
    ("display frozen", "screen-keys"),
    ("receipt paper stuck", "printer"),
    ("cant connect to wifi", "no-network"),
    ("customer card declined", "transaction-failed"),
    ("need to refund customer", "refund"),
    ("qr scan not working", "qr-payment"),
    ("asks to sign on every morning", "sign-on"),
    ("money didnt arrive in bank", "settlement"),
    ("terminal says tampered", "tamper"),
    // A domain review's misses (rule review fixes).
    ("可疑卡", "transaction-failed"),
    ("顾客的钱被冻结了", "transaction-failed"),
    ("重启", "software"),
    ("一直重启", "software"),
    ("pos机一直重启", "software"),
    ("app keeps crashing", "software"),
    ("keeps rebooting", "software"),
    ("摔", "tamper"),
    ("锁了", "tamper"),
    ("pos机摔了一下就锁了", "tamper"),
    ("装了东西", "maintenance"),
    ("盗刷", "maintenance"),
    ("微信支付失败", "qr-payment"),
    ("扫码付款失败", "qr-payment"),
    ("支付宝", "qr-payment"),
    ("机器没反映", "screen-keys"),
    ("机器没反应", "screen-keys"),
    // A second domain review's misses.
    ("签不了到", "sign-on"),
    ("机器掉水里了", "no-power"),
    ("pos机掉水里了", "no-power"),
    ("昨天的单子怎么退", "refund"),
    ("钱到了但是少了", "settlement"),
    ("termnal froze", "screen-keys"),
    ("退单", "refund"),
    ("到账少了手续费", "settlement"),
    ("金额超限", "transaction-failed"),
    ("交易被拒", "transaction-failed"),
];

/// Asserts that each query puts its tree first.
fn assert_first(rows: &[(&str, &str)]) {
    let rules = builtin_rules();
    let index = Index::new(&rules);
    for (q, want) in rows {
        assert_eq!(first(&index, q), *want, "{q}");
    }
}

fn first(index: &Index, q: &str) -> String {
    index
        .search(q)
        .first()
        .map_or_else(|| "(nothing)".into(), |h| h.tree.id.clone())
}

#[test]
fn every_phrasing_lands_first() {
    let rules = builtin_rules();
    let index = Index::new(&rules);
    let wrong: Vec<String> = PHRASINGS
        .iter()
        .filter_map(|(q, want)| {
            let got = first(&index, q);
            (got != *want).then(|| format!("{q:?}: got {got}, want {want}"))
        })
        .collect();
    let chinese = PHRASINGS
        .iter()
        .filter(|(q, _)| q.chars().any(|c| c as u32 > 0x3000))
        .count();
    println!(
        "{} of {} phrasings land first ({chinese} Chinese)",
        PHRASINGS.len() - wrong.len(),
        PHRASINGS.len()
    );
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert!(PHRASINGS.len() >= 40 && chinese * 2 >= PHRASINGS.len());
}

/// Every word issue 10 and domain.md list for cashiers, alone.
#[test]
fn the_cashier_words_of_the_issue() {
    assert_first(&[
        ("签到", "sign-on"),
        ("冲正", "transaction-failed"),
        ("签购单", "printer"),
        ("撤销", "refund"),
        ("退货", "refund"),
        ("扫码", "qr-payment"),
        ("付款码", "qr-payment"),
        ("用户支付中", "qr-payment"),
        ("到账", "settlement"),
        ("进水", "no-power"),
        ("发烫", "no-power"),
        ("扣了两次", "transaction-failed"),
        ("扣了两次钱", "transaction-failed"),
        ("通迅", "no-network"),
        ("刷卡机开不了机", "no-power"),
        ("刷卡机读不了卡", "card-read"),
    ]);
}

/// What an input method types: full-width letters and digits, ideographic
/// spaces and punctuation.
#[test]
fn full_width_and_ime_input() {
    assert_first(&[
        ("ＣＯＭＭ　ＥＲＲＯＲ", "no-network"),
        ("通讯失败\u{3000}", "no-network"),
        ("扫码\u{3000}用户支付中", "qr-payment"),
        ("ｐｏｓ机进水了", "no-power"),
        ("退货，找不到原始交易", "refund"),
        ("Ａ０", "sign-on"),
        ("９９", "sign-on"),
    ]);
}

/// Every China-specific code of domain.md: `posdoctor code` finds it by
/// its number and by its Chinese screen wording, and `search` with that
/// wording puts the code's tree first.
#[test]
fn china_specific_codes_by_number_and_screen_wording() {
    let rules = builtin_rules();
    let index = Index::new(&rules);
    let table = [
        "22", "25", "33", "34", "38", "40", "54", "59", "62", "64", "68", "75", "77", "90", "92",
        "97", "98", "99", "A0", "A2", "A4", "A5", "A6", "04", "05",
    ];
    for code in table {
        let c = rules.code(code).unwrap_or_else(|| panic!("code {code}"));
        let tree = c
            .tree
            .as_deref()
            .unwrap_or_else(|| panic!("{code} names a tree"));
        assert!(rules.tree(tree).is_some(), "{code}: {tree}");
        assert!(c.meaning.zh.is_some() && c.action.zh.is_some(), "{code}");
        assert_eq!(first(&index, code), tree, "search {code}");
        for alias in c
            .aliases
            .iter()
            .filter(|a| a.chars().any(|ch| ch as u32 > 0x3000))
        {
            assert_eq!(
                rules.code(alias).map(|x| x.code.as_str()),
                Some(c.code.as_str()),
                "code {alias}"
            );
            assert_eq!(first(&index, alias), tree, "search {alias}");
        }
    }
    // The customer's own card or bank: what to tell the customer.
    for code in [
        "05", "14", "33", "34", "38", "51", "54", "55", "57", "59", "61", "62", "65", "75",
    ] {
        let c = rules.code(code).unwrap();
        let told = c
            .customer
            .as_ref()
            .unwrap_or_else(|| panic!("{code}: customer text"));
        assert!(
            told.zh.is_some() && !told.en.contains("posdoctor"),
            "{code}"
        );
    }
}

/// The same through the binary, for a few: the command prints what the
/// library ranks, in both languages.
#[test]
fn through_the_binary() {
    let env = Env::new();
    for (q, want) in [
        ("通迅失败", "no-network"),
        ("小票打出来是白的", "printer"),
        ("钱还没到帐", "settlement"),
    ] {
        let a = env.cmd().args(["search", "--json", q]).assert().code(0);
        assert_eq!(json(&a.get_output().stdout)[0]["id"], want, "{q}");
    }
    for (code, meaning) in [
        ("过期的卡", "Expired card"),
        ("MAC校验错", "MAC check error"),
        ("找不到原始交易", "Original transaction not found"),
    ] {
        let a = env.cmd().args(["code", "--json", code]).assert().code(0);
        let v = json(&a.get_output().stdout);
        assert!(
            v["meaning"].as_str().unwrap().contains(meaning),
            "{code}: {v}"
        );
    }
    let a = env
        .cmd()
        .args(["--lang", "zh", "code", "77"])
        .assert()
        .code(0);
    assert!(stdout(&a).contains("各收单机构定义不同"));
    // An entry that is not a code reads as its meaning, not "代码 timeout".
    let a = env
        .cmd()
        .args(["--lang", "zh", "code", "timeout"])
        .assert()
        .code(0);
    assert!(!stdout(&a).contains("代码 timeout"), "{}", stdout(&a));
}
