//! Outcomes that mean what they say: when the terminal works and the
//! customer's card or bank is the cause, the run is resolved for the shop —
//! exit 0, no report — and says what to tell the customer, on the counter's
//! screen, in scripted output and on every printed checklist. A code typed
//! at the counter is explained from the code table, with what to tell the
//! customer. Uses a small pack of its own (tests/fixtures/customer).

mod common;

#[cfg(unix)]
#[path = "support/screen.rs"]
mod screen;

use common::{stdout, Env};

fn pack() -> String {
    format!("{}/tests/fixtures/customer", env!("CARGO_MANIFEST_DIR"))
}

fn reports(env: &Env) -> usize {
    std::fs::read_dir(env.home().join("reports"))
        .map(|d| d.count())
        .unwrap_or(0)
}

#[test]
fn a_customer_side_ending_exits_0_writes_no_report_and_says_what_to_tell() {
    for (lang, tell, words) in [
        ("en", "Tell the customer:", "Please pay another way"),
        ("zh", "请这样告诉顾客：", "请换一种方式付款"),
    ] {
        let env = Env::new();
        let a = env
            .cmd()
            .args(["--lang", lang, "--rules", &pack(), "run", "card-refused"])
            .args([
                "--no-input",
                "--answer",
                "code=Q7",
                "--answer",
                "other-card=yes",
            ])
            .assert()
            .code(0);
        let out = stdout(&a);
        assert!(out.contains(tell) && out.contains(words), "{lang}: {out}");
        assert_eq!(reports(&env), 0, "{lang}: a report was written");

        let a = env
            .cmd()
            .args(["--lang", lang, "--rules", &pack(), "run", "card-refused"])
            .args(["--no-input", "--json", "--answer", "code=q7"])
            .args(["--answer", "other-card=yes"])
            .assert()
            .code(0);
        let json = common::json(&a.get_output().stdout);
        assert_eq!(json["outcome"], "resolved");
        assert!(json["customer"].as_str().unwrap().contains(words), "{json}");
        assert!(json.get("report").is_none() && json.get("escalation").is_none());
        assert_eq!(reports(&env), 0);
    }
}

#[test]
fn checklists_say_the_terminal_works_and_what_to_tell_the_customer() {
    let env = Env::new();
    for (lang, words) in [
        (
            "en",
            "THE TERMINAL WORKS — tell the customer: Your bank declined this card.",
        ),
        ("zh", "POS机正常——请告诉顾客：您的银行拒绝了这张卡。"),
    ] {
        for format in ["text", "markdown", "html"] {
            let a = env
                .cmd()
                .args([
                    "--lang",
                    lang,
                    "--rules",
                    &pack(),
                    "checklist",
                    "card-refused",
                ])
                .args(["--format", format, "--width", "200"])
                .assert()
                .success();
            let out = stdout(&a).replace("&#x27;", "'");
            assert!(out.contains(words), "{lang} {format}: {out}");
        }
    }
}

#[cfg(unix)]
#[test]
fn at_the_counter_the_code_is_explained_and_the_ending_tells_the_customer() {
    use screen::{Screen, ENTER};
    for (cols, rows) in [(80, 24), (40, 15)] {
        for (lang, code_meaning, tell, words, resolved) in [
            (
                "en",
                "Card blocked by its bank",
                "Tell the customer:",
                "Please pay another way",
                "Nothing for the shop to fix",
            ),
            (
                "zh",
                "卡被发卡行冻结",
                "请这样告诉顾客：",
                "请换一种方式付款",
                "POS机正常，店里不用处理",
            ),
        ] {
            let env = Env::new();
            let p = pack();
            let mut s = Screen::spawn(
                cols,
                rows,
                env.home(),
                &["--lang", lang, "--rules", &p, "run", "card-refused"],
            );
            s.wait_for(if lang == "en" {
                "Type the code"
            } else {
                "请输入屏幕上的代码"
            });
            // A Chinese input method's full-width letters and digits.
            s.send("ｑ７\r");
            let screen = s.wait_for(code_meaning);
            assert!(
                screen::squash(&screen).contains(&screen::squash(if lang == "en" {
                    "Your bank has blocked this card"
                } else {
                    "您的银行冻结了这张卡"
                })),
                "{cols}×{rows} {lang}:\n{screen}"
            );
            s.send(ENTER); // Yes, another card goes through
            s.wait_for(words);
            let screen = s.text();
            for w in [tell, resolved] {
                assert!(
                    screen::squash(&screen).contains(&screen::squash(w)),
                    "{cols}×{rows} {lang}: {w:?} missing:\n{screen}"
                );
            }
            assert!(!screen.contains("Call for help") && !screen.contains("需要联系"));
            assert_eq!(s.exit_code(), 0);
            assert_eq!(reports(&env), 0);
        }
    }
}

/// `run --json` of the built-in rules for `answers`, in `lang`.
fn run_json(env: &Env, lang: &str, tree: &str, answers: &[&str]) -> serde_json::Value {
    let mut cmd = env.cmd();
    cmd.args(["--lang", lang, "run", tree, "--no-input", "--json"]);
    for a in answers {
        cmd.args(["--answer", a]);
    }
    let out = cmd.output().unwrap();
    common::json(&out.stdout)
}

/// A domain review's fixes, as a script reads them: what the person is told
/// at the step or the ending, in both languages.
#[test]
fn the_domain_review_fixes_say_it_to_the_person() {
    let env = Env::new();
    // A customer's wallet screen is no proof: the provider confirms the
    // order in the back office, and the goods wait for it.
    for path in [
        &[
            "how=customer-scans",
            "shop-code=paid-not-seen",
            "merchant-app=no",
            "customer-record=paid",
        ][..],
        &[
            "how=scan-customer",
            "scan-result=error",
            "order-status=cannot-query",
            "customer-record=paid",
        ][..],
    ] {
        for (lang, caution, text) in [
            (
                "en",
                "Don't hand over the goods on the customer's screen alone",
                "confirm the order in your merchant back office",
            ),
            (
                "zh",
                "不要只凭顾客手机上的页面就交货",
                "请对方在商户后台确认这笔订单",
            ),
        ] {
            let v = run_json(&env, lang, "qr-payment", path);
            assert_eq!(v["outcome"], "escalated", "{lang}: {v}");
            let e = &v["escalation"];
            assert_eq!(e["node"], "paid-record");
            assert_eq!(e["party"], "acquirer");
            assert!(
                e["caution"].as_str().unwrap().contains(caution),
                "{lang}: {e}"
            );
            assert!(e["message"].as_str().unwrap().contains(text), "{lang}: {e}");
            assert!(!v.to_string().contains("顾客已经付过了"), "{v}");
        }
    }
    // After signing on, the failed A0/99 sale is looked up first.
    for (lang, words) in [
        (
            "en",
            [
                "check the last-transaction record first",
                "reversal",
                "only then run the sale again",
            ],
        ),
        ("zh", ["先查最后一笔交易记录", "冲正", "这时再重新收款"]),
    ] {
        let v = run_json(
            &env,
            lang,
            "sign-on",
            &[
                "message=sign-on-again",
                "online=yes",
                "sign-on=yes",
                "signed-on=yes",
            ],
        );
        let step = v["steps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["node"] == "signed-on")
            .unwrap_or_else(|| panic!("{v}"));
        let action = step["action"].as_str().unwrap();
        for w in words {
            assert!(action.contains(w), "{lang}: {w:?} in {action}");
        }
    }
    // Tamper damage (liquid, burn marks): stop, unplug, don't charge.
    for (lang, words) in [
        ("en", "switch it off, unplug it and do not charge it"),
        ("zh", "关机、拔掉电源，不要充电"),
    ] {
        let v = run_json(&env, lang, "tamper", &["which-lock=tamper", "damage=yes"]);
        assert!(
            v["escalation"]["caution"].as_str().unwrap().contains(words),
            "{lang}: {v}"
        );
    }
    // Danger questions name smoke.
    for (tree, node, en, zh) in [
        ("no-power", "danger", "smoke", "冒烟"),
        ("screen-keys", "damage", "smoking", "冒烟"),
    ] {
        for (lang, w) in [("en", en), ("zh", zh)] {
            let v = run_json(&env, lang, tree, &[&format!("{node}=yes")]);
            let step = v["steps"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["node"] == node)
                .unwrap();
            assert!(
                step["prompt"].as_str().unwrap().contains(w),
                "{tree} {lang}: {step}"
            );
        }
    }
    // 金额超限 is the card's limit, resolved for the shop with what to say.
    let v = run_json(
        &env,
        "zh",
        "transaction-failed",
        &["what-happened=code", "code=金额超限"],
    );
    assert_eq!(v["outcome"], "resolved", "{v}");
    assert!(v["customer"].as_str().unwrap().contains("限额"), "{v}");
    assert!(!v.to_string().contains("小数点"), "{v}");
    // 交易被拒 is a decline.
    let v = run_json(
        &env,
        "zh",
        "transaction-failed",
        &["what-happened=code", "code=交易被拒"],
    );
    assert_eq!(v["resolution"]["node"], "card-declined", "{v}");
    // An unknown code is explained without the program's name.
    let v = run_json(
        &env,
        "zh",
        "transaction-failed",
        &[
            "what-happened=code",
            "code=X9",
            "unknown-record=cannot-tell",
        ],
    );
    let s = v.to_string();
    assert!(
        s.contains("不在常见代码表里")
            && !s.contains("posdoctor 的列表")
            && !s.contains("posdoctor 不认识"),
        "{v}"
    );
    // A reversal: the purchase itself is still to be paid.
    for (lang, text, told) in [
        (
            "en",
            "The purchase itself is still unpaid: take the payment once more",
            "this purchase is still to be paid",
        ),
        (
            "zh",
            "这次消费本身还没有付款：请再收一次款",
            "这次消费还需要付款",
        ),
    ] {
        let v = run_json(
            &env,
            lang,
            "transaction-failed",
            &[
                "what-happened=money-taken",
                "reversal-record=none-approved",
                "reversal-age=no",
            ],
        );
        assert!(
            v["resolution"]["text"]
                .as_str()
                .unwrap_or_default()
                .contains(text)
                || v.to_string().contains(text),
            "{lang}: {v}"
        );
        assert!(
            v["customer"].as_str().unwrap().contains(told),
            "{lang}: {v}"
        );
    }
    // Code 97 has its own choice in deactivated.
    let v = run_json(
        &env,
        "zh",
        "transaction-failed",
        &[
            "what-happened=code",
            "code=97",
            "deactivated/message=not-registered",
            "deactivated/new-or-reset=no",
            "deactivated/notices=no",
        ],
    );
    assert_eq!(v["outcome"], "escalated", "{v}");
    // A card sale on another terminal: refunded there, or by the acquirer.
    for (lang, words) in [
        ("en", "only on the terminal that took it"),
        ("zh", "只能在当时收款的那台POS机上"),
    ] {
        let v = run_json(
            &env,
            lang,
            "refund",
            &["paid-how=other-terminal", "other-terminal=no"],
        );
        assert_eq!(v["escalation"]["party"], "acquirer", "{v}");
        assert!(v.to_string().contains(words), "{lang}: {v}");
    }
}
