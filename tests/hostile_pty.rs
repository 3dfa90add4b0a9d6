//! Card numbers typed at the counter, through a real pseudo-terminal: at a
//! text question and at the escalation's fact prompts, full-width with
//! ideographic spaces as a Chinese input method types them. Nothing under
//! POSDOCTOR_HOME keeps them, and once entered the screen shows them masked.
#![cfg(unix)]

mod common;

use std::process::Command;
use std::time::Duration;

use expectrl::process::unix::WaitStatus;
use expectrl::{Expect, Session};

const CARD: &str = "４１１１　１１１１　１１１１　１１１１";

#[test]
fn a_card_typed_at_the_counter_is_never_kept() {
    let home = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_posdoctor"));
    cmd.args(["--lang", "zh", "run", "transaction-failed"])
        .args([
            "--answer",
            "keep-selling=continue",
            "--answer",
            "what-happened=code",
        ])
        .args([
            "--answer",
            "unknown-record=not-approved",
            "--answer",
            "other-card=no",
            "--answer",
            "connection-message=no",
        ])
        .env("POSDOCTOR_HOME", home.path())
        .env("TERM", "xterm")
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("POSDOCTOR_LANG")
        .env_remove("POSDOCTOR_RULES");
    let mut p = Session::spawn(cmd).expect("spawn in a pty");
    p.set_expect_timeout(Some(Duration::from_secs(20)));
    let send = |p: &mut expectrl::session::OsSession, keys: &str| {
        p.send(keys).unwrap();
        std::thread::sleep(Duration::from_millis(200));
    };
    p.expect("下一步").expect("the first (info) step");
    send(&mut p, "\r");
    // The code question (a text node): the card, typed as a code.
    p.expect("回车 确认").expect("the text prompt");
    send(&mut p, CARD);
    send(&mut p, "\r");
    // The tree says the code is not in its list (an info step), then the
    // escalation asks for the facts the empty profile lacks.
    p.expect("下一步").expect("the info step after the code");
    send(&mut p, "\r");
    p.expect("现在填写吗")
        .expect("the offer to fill in the facts");
    send(&mut p, "\r");
    p.expect("商户名称").expect("a fact prompt");
    send(&mut p, &format!("店 {CARD}"));
    send(&mut p, "\r");
    for _ in 0..12 {
        send(&mut p, "\r");
    }
    let rest = p.expect(expectrl::Eof).expect("the run ends");
    let mut bytes = rest.before().to_vec();
    for m in rest.matches() {
        bytes.extend_from_slice(m);
    }
    let screen = String::from_utf8_lossy(&bytes).into_owned();
    match p.get_process().wait().unwrap() {
        WaitStatus::Exited(_, code) => assert_eq!(code, 3, "{screen}"),
        other => panic!("not a normal exit: {other:?}"),
    }
    // While typing, the prompt echoes the keys (the person's own screen);
    // once entered, the answer is shown masked, and nothing after it
    // shows the number again.
    assert!(screen.contains("店 ****　****　****　１１１１"), "{screen}");
    let after = screen
        .split_once("已将卡号隐藏为后四位")
        .map_or("", |(_, rest)| rest);
    assert!(!after.is_empty(), "the masking notice: {screen}");
    let seen = posdoctor::privacy::normalize_digits(after);
    assert!(!seen.contains("411111111111"), "on screen: {after}");
    let files = common::files_under(home.path());
    assert!(files.len() >= 2, "a log and a report: {files:?}");
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let digits = posdoctor::privacy::normalize_digits(&text);
        assert!(!digits.contains("411111111111"), "{}: {text}", f.display());
    }
}
