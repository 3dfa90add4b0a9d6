//! The counter as the person sees it: the real binary in a pseudo-terminal
//! of a fixed size (80×24 and 40×15), its output run through a terminal
//! emulator (vt100), and the assertions made on the screen — what is
//! visible, in which order — in English and Chinese.
#![cfg(unix)]

use std::process::Command;
use std::time::Duration;

#[path = "support/screen.rs"]
mod screen;
use screen::{log_events, squash, Screen, DOWN, ENTER, ESC};

const SIZES: [(u16, u16); 2] = [(80, 24), (40, 15)];

struct Words {
    stop: &'static str,
    merchant: &'static str,
    fact_question: &'static str,
    keep_selling: &'static str,
    danger: &'static str,
    shop_power: &'static str,
    what_happens: &'static str,
    yes: &'static str,
}

const EN: Words = Words {
    stop: "Stop using the terminal now. Do not charge it.",
    merchant: "Merchant name",
    fact_question: "Fill them in",
    keep_selling: "Keep selling first",
    danger: "Is the battery swollen or hot",
    shop_power: "Do other things in the shop have power",
    what_happens: "What does the terminal do?",
    yes: "Yes",
};

const ZH: Words = Words {
    stop: "立即停止使用这台POS机，不要充电。",
    merchant: "商户名称",
    fact_question: "现在填写",
    keep_selling: "先保证收款",
    danger: "电池是否鼓包或发烫",
    shop_power: "店里其他电器",
    what_happens: "POS机现在是什么情况？",
    yes: "是",
};

fn langs() -> [(&'static str, Words); 2] {
    [("en", EN), ("zh", ZH)]
}

/// `run no-power` in a `cols`×`rows` terminal, past keep-selling: at the
/// danger question.
fn at_danger(cols: u16, rows: u16, lang: &str, w: &Words) -> (tempfile::TempDir, Screen) {
    let home = tempfile::tempdir().unwrap();
    let mut s = Screen::spawn(
        cols,
        rows,
        home.path(),
        &["--lang", lang, "run", "no-power"],
    );
    s.wait_for(w.keep_selling);
    s.send(ENTER);
    s.wait_for(w.danger);
    (home, s)
}

/// ... and with "no" to the danger question: at "Do other things in the
/// shop have power?".
fn at_shop_power(cols: u16, rows: u16, lang: &str, w: &Words) -> (tempfile::TempDir, Screen) {
    let (home, mut s) = at_danger(cols, rows, lang, w);
    s.send(DOWN);
    s.send(ENTER); // No
    s.wait_for(w.shop_power);
    (home, s)
}

/// The choice the cursor is on.
fn cursor(screen: &str) -> Option<&str> {
    screen
        .lines()
        .rfind(|l| l.starts_with('>'))
        .map(|l| l.trim_start_matches("> "))
}

#[test]
fn danger_shows_the_stop_text_before_any_fact_prompt() {
    for (cols, rows) in SIZES {
        for (lang, w) in langs() {
            let (_home, mut s) = at_danger(cols, rows, lang, &w);
            s.send(ENTER); // Yes: swollen, hot, smell or liquid
            let screen = s.wait_for(w.stop);
            // The first screen with the stop text asks for no fact.
            assert!(
                !squash(&screen).contains(&squash(w.merchant)),
                "{cols}×{rows} {lang}: a fact prompt is on the screen with the stop text:\n{screen}"
            );
            // Whatever the size, the stop text came first in what was printed.
            while !squash(&s.text()).contains(&squash(w.fact_question)) {
                s.send(ENTER);
            }
            let h = squash(&s.history);
            let stop_at = h.find(&squash(w.stop)).unwrap();
            let facts_at = h.find(&squash(w.fact_question)).unwrap();
            assert!(stop_at < facts_at, "{cols}×{rows} {lang}");
            assert!(!h.contains(&squash(w.merchant)), "{cols}×{rows} {lang}");
            // One key skips every fact.
            s.send(ESC);
            assert_eq!(s.exit_code(), 3, "{cols}×{rows} {lang}");
        }
    }
}

/// Every word of every prompt and choice of the built-in rules.
fn vocabulary() -> std::collections::HashSet<String> {
    let rules = posdoctor::rules::load::load(&posdoctor::rules::load::LoadOptions {
        builtin: true,
        packs: vec![],
    })
    .rules;
    let mut words = std::collections::HashSet::new();
    let mut add = |t: &str| {
        for w in t.split_whitespace() {
            words.insert(w.to_owned());
        }
    };
    for tree in rules.trees() {
        add(&tree.title.en);
        for n in &tree.nodes {
            for (t, _) in n.texts() {
                add(&t.en);
            }
        }
    }
    for m in posdoctor::i18n::Msg::ALL {
        add(m.get(posdoctor::i18n::Lang::En));
    }
    words
}

/// No row ends with the first part of a word whose rest starts the next
/// row, and no row starts with full-width closing punctuation.
fn assert_no_word_split(screen: &str, vocabulary: &std::collections::HashSet<String>, what: &str) {
    let lines: Vec<&str> = screen.lines().collect();
    for pair in lines.windows(2) {
        let (a, b) = (pair[0].trim_end(), pair[1].trim_start());
        let tail = a.rsplit(' ').next().unwrap_or("");
        let head = b.split(' ').next().unwrap_or("");
        let joined = format!("{tail}{head}");
        let alpha = |s: &str| s.chars().next().is_some_and(char::is_alphanumeric);
        if !tail.is_empty()
            && a.chars().last().is_some_and(char::is_alphanumeric)
            && alpha(head)
            && vocabulary.contains(&joined)
            && !vocabulary.contains(tail)
        {
            panic!("{what}: `{joined}` split across rows:\n{screen}");
        }
        let first = b.chars().next();
        assert!(
            !first.is_some_and(|c| "，。？！、：；）」』”".contains(c)),
            "{what}: a row starts with {first:?}:\n{screen}"
        );
    }
}

#[test]
fn no_line_of_a_prompt_or_choice_ends_mid_word() {
    let vocabulary = vocabulary();
    for (cols, rows) in SIZES {
        for (lang, w) in langs() {
            let home = tempfile::tempdir().unwrap();
            let what = format!("{cols}×{rows} {lang}");
            let mut s = Screen::spawn(
                cols,
                rows,
                home.path(),
                &["--lang", lang, "run", "no-power"],
            );
            assert_no_word_split(&s.wait_for(w.keep_selling), &vocabulary, &what);
            s.send(ENTER);
            assert_no_word_split(&s.wait_for(w.danger), &vocabulary, &what);
            s.send(DOWN);
            s.send(ENTER);
            assert_no_word_split(&s.wait_for(w.shop_power), &vocabulary, &what);
            s.send(ENTER);
            assert_no_word_split(&s.wait_for(w.what_happens), &vocabulary, &what);
            s.send(DOWN);
            s.send(ENTER); // switches off: the charge step with its long action
            std::thread::sleep(Duration::from_millis(300));
            s.pump();
            assert_no_word_split(&s.text(), &vocabulary, &what);
            // The whole transcript too, not just the last screen.
            assert_no_word_split(&s.history, &vocabulary, &what);
            s.send("\x03");
            assert_eq!(s.exit_code(), 130);
        }
    }
}

#[test]
fn the_picker_at_40x15_shows_its_question_and_items_after_down_x5() {
    for (lang, question, item) in [
        ("en", "What's wrong?", "Terminal"),
        ("zh", "遇到了什么问题？", "POS机"),
    ] {
        let home = tempfile::tempdir().unwrap();
        let mut s = Screen::spawn(40, 15, home.path(), &["--lang", lang]);
        s.wait_for(question);
        for _ in 0..5 {
            s.send(DOWN);
        }
        let screen = s.text();
        assert!(screen.contains(question), "{lang}:\n{screen}");
        assert!(screen.contains(item), "{lang}:\n{screen}");
        let items = screen
            .lines()
            .filter(|l| l.starts_with("  ") || l.starts_with('>'))
            .count();
        assert!(items >= 4, "{lang}: items are gone:\n{screen}");
        assert!(
            screen.lines().any(|l| l.starts_with('>')),
            "{lang}: no cursor:\n{screen}"
        );
        s.send("\x03");
        assert_eq!(s.exit_code(), 130);
    }
}

#[test]
fn chinese_words_in_the_picker_find_the_tree_or_say_no_match() {
    for (cols, rows) in SIZES {
        let home = tempfile::tempdir().unwrap();
        let mut s = Screen::spawn(cols, rows, home.path(), &["--lang", "zh"]);
        s.wait_for("遇到了什么问题？");
        s.send("没网");
        let screen = s.wait_for("无法联网");
        assert!(
            screen.contains("> POS机无法联网"),
            "{cols}×{rows}:\n{screen}"
        );
        s.send("\x7f\x7f");
        s.send("zzqq");
        s.wait_for("没有匹配的问题——换个说法试试");
        s.send("\x7f\x7f\x7f\x7f");
        s.send("pritner");
        s.wait_for("打印");
        s.send("\x03");
        assert_eq!(s.exit_code(), 130);
    }
    let home = tempfile::tempdir().unwrap();
    let mut s = Screen::spawn(80, 24, home.path(), &[]);
    s.wait_for("What's wrong?");
    s.send("qqxxzz");
    s.wait_for("No match — try other words");
    s.send("\x03");
    assert_eq!(s.exit_code(), 130);
}

#[test]
fn back_then_forward_preselects_every_earlier_answer() {
    for (cols, rows) in SIZES {
        for (lang, w) in langs() {
            let what = format!("{cols}×{rows} {lang}");
            let (_home, mut s) = at_shop_power(cols, rows, lang, &w);
            s.send(ENTER); // Yes
            s.wait_for(w.what_happens);
            // Back twice, with Esc.
            s.send(ESC);
            s.wait_for(w.shop_power);
            s.send(ESC);
            let screen = s.wait_for(w.danger);
            // The earlier answer (No) is where the cursor is.
            let no = if lang == "en" { "No" } else { "否" };
            assert_eq!(cursor(&screen), Some(no), "{what}:\n{screen}");
            s.send(ENTER);
            let screen = s.wait_for(w.shop_power);
            assert_eq!(cursor(&screen), Some(w.yes), "{what}:\n{screen}");
            assert!(!s.history.contains("<canceled>"), "{what}");
            s.send("\x03");
            assert_eq!(s.exit_code(), 130);
        }
    }
}

#[test]
fn quit_prints_the_command_to_continue_and_plain_posdoctor_offers_it() {
    for (cols, rows) in SIZES {
        for (lang, w) in langs() {
            let what = format!("{cols}×{rows} {lang}");
            let (home, mut s) = at_shop_power(cols, rows, lang, &w);
            // Yes, No, Back, Quit
            s.send(DOWN);
            s.send(DOWN);
            s.send(DOWN);
            s.send(ENTER);
            assert_eq!(s.exit_code(), 4, "{what}");
            let screen = s.text();
            let lang_flag = if lang == "zh" { "--lang zh " } else { "" };
            assert!(
                squash(&screen).contains(&squash(&format!("posdoctor {lang_flag}run --resume"))),
                "{what}:\n{screen}"
            );

            let mut s = Screen::spawn(cols, rows, home.path(), &["--lang", lang]);
            let offer = if lang == "en" {
                "stopped at step 3"
            } else {
                "上次停在第 3 步"
            };
            s.wait_for(offer);
            s.send(ENTER);
            s.wait_for(w.shop_power);
            s.send(ENTER); // Yes
            s.wait_for(w.what_happens);
            s.send("\x03");
            assert_eq!(s.exit_code(), 130, "{what}");
        }
    }
}

#[test]
fn esc_never_prints_canceled() {
    for (cols, rows) in SIZES {
        for (lang, w) in langs() {
            let home = tempfile::tempdir().unwrap();
            let what = format!("{cols}×{rows} {lang}");
            let mut s = Screen::spawn(
                cols,
                rows,
                home.path(),
                &["--lang", lang, "run", "transaction-failed"],
            );
            s.wait_for(if lang == "en" {
                "Keep the customer informed"
            } else {
                "告诉顾客稍等"
            });
            // Esc at the first step: nothing happens, twice.
            let before = s.text();
            s.send(ESC);
            s.send(ESC);
            assert_eq!(s.text(), before, "{what}: Esc at step 1 changed the screen");
            s.send(ENTER);
            s.wait_for(if lang == "en" {
                "What did the terminal do?"
            } else {
                "POS机是什么情况？"
            });
            s.send(ENTER); // a code
            s.wait_for(if lang == "en" {
                "Type the code"
            } else {
                "请输入屏幕或签购单上显示的代码"
            });
            s.send(ESC); // back from a text question
            s.wait_for(if lang == "en" {
                "What did the terminal do?"
            } else {
                "POS机是什么情况？"
            });
            s.send(ENTER);
            s.send("51\r");
            let _ = w;
            // 51 is the customer's bank: resolved for the shop, and the
            // code was explained where it was typed (on a small screen it
            // has scrolled up by the time the ending shows).
            s.wait_for(if lang == "en" {
                "Tell the customer"
            } else {
                "请这样告诉顾客"
            });
            let explained = if lang == "en" {
                "Code 51 — Insufficient funds"
            } else {
                "代码 51 — 余额不足"
            };
            let squash = |t: &str| t.split_whitespace().collect::<String>();
            assert!(
                squash(&s.history).contains(&squash(explained)),
                "{what}: the code was not explained:\n{}",
                s.history
            );
            assert!(!s.history.contains("<canceled>"), "{what}:\n{}", s.history);
            assert!(
                !s.history.contains('`'),
                "{what}: a backtick at the counter"
            );
            assert_eq!(s.exit_code(), 0);
        }
    }
}

#[test]
fn answered_questions_look_different_from_the_open_one_without_colour() {
    let home = tempfile::tempdir().unwrap();
    let mut s = Screen::spawn(80, 24, home.path(), &["run", "no-power"]);
    s.wait_for(EN.keep_selling);
    s.send(ENTER);
    s.wait_for(EN.danger);
    s.send(DOWN);
    s.send(ENTER);
    let screen = s.wait_for(EN.shop_power);
    let answered = screen.lines().find(|l| l.contains(EN.danger)).unwrap();
    let open = screen.lines().find(|l| l.contains(EN.shop_power)).unwrap();
    assert!(answered.starts_with('✓'), "{screen}");
    assert!(open.starts_with('?'), "{screen}");
    assert!(screen.contains("→ No"), "{screen}");
    // The header names the tree by its title only.
    assert!(!screen.contains("· no-power ·"), "{screen}");
    s.send("\x03");
    assert_eq!(s.exit_code(), 130);
}

#[test]
fn a_confirmed_reset_is_logged_at_once_not_asked_again_and_named_in_the_report() {
    let home = tempfile::tempdir().unwrap();
    let pack = home.path().join("reset.yaml");
    std::fs::write(
        &pack,
        "trees:\n  - id: resetter\n    title: R\n    category: software\n    start: reset\n    nodes:\n      - {id: reset, kind: check, do: Factory reset the terminal, caution: Erases offline sales, destructive: true, ask: Does it connect now?, yes: ok, no: vendor, skip: vendor}\n      - {id: ok, kind: resolved, text: fine}\n      - {id: vendor, kind: escalate, party: vendor, text: Call the vendor}\n",
    )
    .unwrap();
    let rules = pack.to_str().unwrap();
    let mut s = Screen::spawn(80, 24, home.path(), &["--rules", rules, "run", "resetter"]);
    s.wait_for("Go ahead with this step?");
    s.send(DOWN);
    s.send(ENTER); // I understand — do it now
    s.wait_for("Does it connect now?");
    // Yes, No, Quit
    s.send(DOWN);
    s.send(DOWN);
    s.send(ENTER);
    assert_eq!(s.exit_code(), 4);
    let events = log_events(home.path());
    let decision = events
        .iter()
        .find(|e| e["event"] == "decision")
        .expect("the decision is logged");
    assert_eq!(decision["done"], true);
    assert_eq!(decision["node"], "reset");

    // The report already names the reset by what it does.
    let log = std::fs::read_dir(home.path().join("sessions"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let out = Command::new(env!("CARGO_BIN_EXE_posdoctor"))
        .args(["--rules", rules, "report"])
        .arg(&log)
        .env("POSDOCTOR_HOME", home.path())
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        report.contains("Factory reset the terminal → done"),
        "{report}"
    );

    // Resume: straight to the question after it, no confirmation again.
    let mut s = Screen::spawn(80, 24, home.path(), &["--rules", rules, "run", "--resume"]);
    let screen = s.wait_for("Does it connect now?");
    assert!(!screen.contains("Go ahead with this step?"), "{screen}");
    // …and the person is told the reset was already done.
    assert!(
        screen.contains("Already done:")
            && screen
                .contains("Factory reset the terminal → done; whether it helped is not known yet"),
        "{screen}"
    );
    s.send(DOWN);
    s.send(ENTER); // No → the vendor
    s.wait_for("Call the vendor");
    s.send(ESC); // skip the facts
    assert_eq!(s.exit_code(), 3);
    let events = log_events(home.path());
    assert_eq!(
        events.iter().filter(|e| e["event"] == "decision").count(),
        1,
        "asked once: {events:?}"
    );
}

#[test]
fn back_and_forward_over_a_done_reset_does_not_undo_it() {
    let home = tempfile::tempdir().unwrap();
    let pack = home.path().join("reset.yaml");
    std::fs::write(
        &pack,
        "trees:\n  - id: resetter\n    title: R\n    category: software\n    start: online\n    nodes:\n      - {id: online, kind: question, ask: Is the shop online?, yes: reset, no: vendor}\n      - {id: reset, kind: check, do: Factory reset the terminal, caution: Erases offline sales, destructive: true, ask: Does it connect now?, yes: ok, no: vendor, skip: vendor}\n      - {id: ok, kind: resolved, text: fine}\n      - {id: vendor, kind: escalate, party: vendor, text: Call the vendor}\n",
    )
    .unwrap();
    let rules = pack.to_str().unwrap();
    let mut s = Screen::spawn(80, 24, home.path(), &["--rules", rules, "run", "resetter"]);
    s.wait_for("Is the shop online?");
    s.send(ENTER); // Yes
    s.wait_for("Go ahead with this step?");
    s.send(DOWN);
    s.send(ENTER); // I understand — do it now
    s.wait_for("Does it connect now?");
    s.send(ESC); // back to the question before the reset
    s.send(ENTER); // Yes again (preselected)
                   // The reset was done: it is not asked again (had it been, these keys
                   // would confirm it a second time, or with Enter alone skip it).
    s.wait_for("Does it connect now?");
    s.send(DOWN);
    s.send(ENTER); // No → the vendor
    s.wait_for("Call the vendor");
    s.send(ESC); // skip the facts
    assert_eq!(s.exit_code(), 3);
    let events = log_events(home.path());
    let decisions: Vec<_> = events.iter().filter(|e| e["event"] == "decision").collect();
    assert_eq!(decisions.len(), 1, "{events:?}");
    assert_eq!(decisions[0]["done"], true);
    let report = std::fs::read_dir(home.path().join("reports"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let report = std::fs::read_to_string(report).unwrap();
    assert!(report.contains("Factory reset the terminal"), "{report}");
    assert!(!report.contains("Skipped"), "{report}");
}
