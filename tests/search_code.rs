//! `search` ranks the right tree first for people's own words (English and
//! Chinese, typos included); `code` explains every response code of the
//! domain table.

mod common;

use common::*;
use predicates::prelude::*;

/// (what a person types, the tree that must come first)
const PHRASINGS: &[(&str, &str)] = &[
    ("screen black", "no-power"),
    ("won't turn on", "no-power"),
    ("battery low", "no-power"),
    ("paper jam", "printer"),
    ("pritner jam", "printer"),
    ("no receipt", "printer"),
    ("COMM ERROR", "no-network"),
    ("wifi not connecting", "no-network"),
    ("chip read error", "card-read"),
    ("swipe again", "card-read"),
    ("TAMPER", "tamper"),
    ("DOWNLOAD NEEDED", "software"),
    ("app crashes", "software"),
    ("screen frozen", "screen-keys"),
    ("keys not working", "screen-keys"),
    ("invalid merchant", "deactivated"),
    ("money not arrived", "settlement"),
    ("declined 51", "transaction-failed"),
    ("power cut", "power-outage"),
    ("daily cleaning", "maintenance"),
    ("黑屏", "no-power"),
    ("无法开机", "no-power"),
    ("电量低", "no-power"),
    ("卡纸", "printer"),
    ("打印不清晰", "printer"),
    ("缺纸", "printer"),
    ("通讯失败", "no-network"),
    ("连接主机失败", "no-network"),
    ("刷卡没反应", "card-read"),
    ("请刷磁条", "card-read"),
    ("结算失败", "settlement"),
    ("终端未激活", "deactivated"),
    ("商户状态异常", "deactivated"),
    ("交易超时", "transaction-failed"),
    ("交易拒绝", "transaction-failed"),
    ("停电了", "power-outage"),
    ("机器被锁", "tamper"),
    ("安全触发", "tamper"),
    ("需要下载程序", "software"),
    ("系统维护", "service-outage"),
    ("触屏失灵", "screen-keys"),
];

#[test]
fn search_puts_the_right_tree_first() {
    let env = Env::new();
    let mut wrong = Vec::new();
    for (query, expected) in PHRASINGS {
        let a = env
            .cmd()
            .arg("search")
            .arg("--json")
            .args(query.split(' '))
            .assert()
            .code(0);
        let v = json(&a.get_output().stdout);
        let first = v[0]["id"].as_str().unwrap_or("").to_owned();
        if first != *expected {
            wrong.push(format!("{query:?}: got {first}, want {expected}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    let chinese = PHRASINGS
        .iter()
        .filter(|(q, _)| q.chars().any(|c| c as u32 > 0x3000))
        .count();
    assert!(PHRASINGS.len() >= 20 && chinese * 2 >= PHRASINGS.len() - 1);
}

#[test]
fn search_text_output_and_no_match() {
    let env = Env::new();
    env.cmd()
        .args(["search", "pritner", "jam"])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with(" 1. printer"))
        .stdout(predicate::str::contains("→ posdoctor run printer"));
    env.cmd()
        .args(["search", "zzqx", "qqzv"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("No tree matches"));
    env.cmd()
        .args(["--lang", "zh", "search", "zzqx"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("没有找到"));
    env.cmd().arg("search").assert().code(2);
}

/// Every code of domain.md's table: (code, words its meaning must contain).
const CODES: &[(&str, &str)] = &[
    ("00", "Approved"),
    ("01", "Refer to card issuer"),
    ("02", "Refer to card issuer"),
    ("03", "Invalid merchant"),
    ("04", "Pick up card"),
    ("07", "Pick up card"),
    ("05", "Do not honour"),
    ("12", "Invalid transaction"),
    ("13", "Invalid amount"),
    ("14", "Invalid card number"),
    ("30", "Format error"),
    ("41", "Lost card"),
    ("43", "Stolen card"),
    ("51", "Insufficient funds"),
    ("54", "Expired card"),
    ("55", "Incorrect PIN"),
    ("57", "not permitted to cardholder"),
    ("58", "not permitted to terminal"),
    ("61", "Exceeds amount limit"),
    ("65", "Exceeds frequency limit"),
    ("75", "PIN tries exceeded"),
    ("91", "Issuer or switch unavailable"),
    ("94", "Duplicate transmission"),
    ("96", "System malfunction"),
    ("timeout", "No answer from the host"),
];

#[test]
fn code_explains_every_code_of_the_table() {
    let env = Env::new();
    for (code, meaning) in CODES {
        let a = env.cmd().args(["code", code, "--json"]).assert().code(0);
        let v = json(&a.get_output().stdout);
        assert!(
            v["meaning"].as_str().unwrap().contains(meaning),
            "{code}: {v}"
        );
        assert!(!v["action"].as_str().unwrap().is_empty(), "{code}");
        assert!(!v["owner"].as_str().unwrap().is_empty(), "{code}");
        let a = env
            .cmd()
            .args(["--lang", "zh", "code", code, "--json"])
            .assert()
            .code(0);
        let zh = json(&a.get_output().stdout);
        assert!(
            zh["meaning"]
                .as_str()
                .unwrap()
                .chars()
                .any(|c| c as u32 > 0x3000),
            "{code} in Chinese"
        );
    }
}

#[test]
fn code_51_explains_insufficient_funds() {
    let env = Env::new();
    let a = env.cmd().args(["code", "51"]).assert().code(0);
    insta::assert_snapshot!("code_51_en", stdout(&a));
    let a = env
        .cmd()
        .args(["--lang", "zh", "code", "51"])
        .assert()
        .code(0);
    insta::assert_snapshot!("code_51_zh", stdout(&a));
}

#[test]
fn code_routes_and_normalizes() {
    let env = Env::new();
    let v = json(
        &env.cmd()
            .args(["code", "03", "--json"])
            .assert()
            .code(0)
            .get_output()
            .stdout,
    );
    assert_eq!(v["tree"], "deactivated");
    assert_eq!(v["owner"], "acquirer");
    // "5" is how people read "05"; aliases for no code at all.
    let v = json(
        &env.cmd()
            .args(["code", "5", "--json"])
            .assert()
            .code(0)
            .get_output()
            .stdout,
    );
    assert_eq!(v["code"], "05");
    let v = json(
        &env.cmd()
            .args(["code", "no response", "--json"])
            .assert()
            .code(0)
            .get_output()
            .stdout,
    );
    assert_eq!(v["code"], "timeout");
    let v = json(
        &env.cmd()
            .args(["code", "超时", "--json"])
            .assert()
            .code(0)
            .get_output()
            .stdout,
    );
    assert_eq!(v["tree"], "transaction-failed");
}

#[test]
fn unknown_code_exits_1() {
    let env = Env::new();
    env.cmd()
        .args(["code", "Q7"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "`Q7` is not a known response code",
        ));
}

#[test]
fn a_pack_can_override_a_code() {
    let env = Env::new();
    let pack = env.write(
        "pack/codes.yaml",
        "codes:\n  - code: '51'\n    meaning: {en: Not enough money (our acquirer), zh: 余额不足（本收单机构）}\n    owner: cardholder\n    action: {en: Ask for cash, zh: 请收现金}\n  - code: N7\n    meaning: {en: CVV2 mismatch, zh: CVV2 不符}\n    owner: card\n    action: {en: Ask for another card, zh: 请换卡}\n",
    );
    let dir = pack.parent().unwrap();
    let v = json(
        &env.cmd()
            .arg("--rules")
            .arg(dir)
            .args(["code", "51", "--json"])
            .assert()
            .code(0)
            .get_output()
            .stdout,
    );
    assert_eq!(v["meaning"], "Not enough money (our acquirer)");
    env.cmd()
        .arg("--rules")
        .arg(dir)
        .args(["code", "n7"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("CVV2"));
}

/// A domain review's code fixes, as `posdoctor code` prints them: screen
/// wordings that were "not a known code" point to their tree, a limit is a
/// limit, and 99/A0 check the last transaction before the sale is run again.
#[test]
fn code_answers_of_the_domain_review() {
    let env = Env::new();
    let code = |lang: &str, input: &str| {
        let a = env
            .cmd()
            .args(["--lang", lang, "code", input, "--json"])
            .assert()
            .code(0);
        json(&a.get_output().stdout)
    };
    for (input, tree) in [
        ("请先签到", "sign-on"),
        ("签到失败", "sign-on"),
        ("please sign on", "sign-on"),
        ("用户支付中", "qr-payment"),
        ("金额超限", "transaction-failed"),
    ] {
        let v = code("zh", input);
        assert_eq!(v["tree"], tree, "{input}: {v}");
    }
    // 金额超限 is the card's amount limit, with what to tell the customer.
    let v = code("zh", "金额超限");
    assert_eq!(v["code"], "61");
    assert!(
        v["meaning"].as_str().unwrap().contains("超出金额限制"),
        "{v}"
    );
    assert!(v["customer"].as_str().unwrap().contains("限额"), "{v}");
    // 用户支付中: don't scan again, query the order.
    let v = code("zh", "用户支付中");
    let action = v["action"].as_str().unwrap();
    assert!(
        action.contains("不要再扫一次") && action.contains("查询订单状态"),
        "{v}"
    );
    let v = code("en", "user paying");
    assert!(
        v["action"].as_str().unwrap().contains("Do not scan again"),
        "{v}"
    );
    // 99 and A0: the last-transaction record and the reversal come before a
    // new attempt; never "the sale was not paid, run it again".
    for c in ["99", "A0"] {
        let en = code("en", c);
        let action = en["action"].as_str().unwrap();
        assert!(
            action.contains("check the last-transaction record")
                && action.contains("reversal")
                && !action.contains("was not paid"),
            "{c}: {en}"
        );
        let zh = code("zh", c);
        let action = zh["action"].as_str().unwrap();
        assert!(
            action.contains("最后一笔交易记录")
                && action.contains("冲正")
                && !action.contains("没有扣款"),
            "{c}: {zh}"
        );
    }
    // The text output reads as a situation, not "代码 sign-on".
    let a = env
        .cmd()
        .args(["--lang", "zh", "code", "请先签到"])
        .assert()
        .code(0);
    let out = stdout(&a);
    assert!(
        out.contains("POS机需要签到")
            && !out.contains("代码 sign-on")
            && out.contains("run sign-on"),
        "{out}"
    );
    // A counter code's owner in plain Chinese.
    let a = env
        .cmd()
        .args(["--lang", "zh", "code", "13"])
        .assert()
        .code(0);
    let out = stdout(&a);
    assert!(
        out.contains("收银员输入的信息") && !out.contains("收银操作"),
        "{out}"
    );
}

/// Printed checklists: 如果是连接类提示 (no space before a Chinese label),
/// the unknown-code steps without the program's name, and the review's
/// stops and cautions on paper in both languages.
#[test]
fn checklists_of_the_domain_review() {
    let env = Env::new();
    let paper = |lang: &str, tree: &str| {
        let a = env
            .cmd()
            .args(["--lang", lang, "checklist", tree, "--width", "200"])
            .assert()
            .success();
        stdout(&a)
    };
    let zh = paper("zh", "transaction-failed");
    assert!(zh.contains("如果是连接类提示"), "{zh}");
    assert!(!zh.contains("如果是 连"), "{zh}");
    assert!(
        !zh.contains("posdoctor 的列表") && !zh.contains("posdoctor 不认识"),
        "{zh}"
    );
    assert!(zh.contains("不在常见代码表里"), "{zh}");
    let en = paper("en", "transaction-failed");
    assert!(
        !en.contains("posdoctor's list") && !en.contains("posdoctor does not know"),
        "{en}"
    );
    let zh = paper("zh", "tamper");
    assert!(zh.contains("关机、拔掉电源，不要充电"), "{zh}");
    let en = paper("en", "tamper");
    assert!(
        en.contains("switch it off, unplug it and do not charge it"),
        "{en}"
    );
    for (lang, tree, words) in [
        ("zh", "no-power", "冒烟"),
        ("zh", "screen-keys", "冒烟"),
        ("en", "no-power", "smoke"),
        ("en", "screen-keys", "smoking"),
        ("zh", "deactivated", "“终端未登记”“终端号找不到”，或代码 97"),
        ("en", "deactivated", "code 97"),
        ("zh", "settlement", "被冻结（暂扣）的款项"),
    ] {
        let p = paper(lang, tree);
        assert!(
            p.contains(words),
            "{tree} ({lang}): {words:?} missing:\n{p}"
        );
    }
}
