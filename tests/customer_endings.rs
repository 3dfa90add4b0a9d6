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
