//! The counter, through a real pseudo-terminal: answer, go back once, reach
//! an outcome; Ctrl-C gives exit 130 with the log kept; a destructive step
//! asks for confirmation; Chinese all the way.
#![cfg(unix)]

use std::process::Command;
use std::time::Duration;

use expectrl::process::unix::WaitStatus;
use expectrl::{Expect, Session};

const ENTER: &str = "\r";
const DOWN: &str = "\x1b[B";
const ESC: &str = "\x1b";
const CTRL_C: &str = "\x03";

struct Pty {
    session: expectrl::session::OsSession,
    home: tempfile::TempDir,
}

fn spawn(args: &[&str]) -> Pty {
    let home = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_posdoctor"));
    cmd.args(args)
        .env("POSDOCTOR_HOME", home.path())
        .env("TERM", "xterm")
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("POSDOCTOR_LANG")
        .env_remove("POSDOCTOR_RULES");
    let mut session = Session::spawn(cmd).expect("spawn in a pty");
    session.set_expect_timeout(Some(Duration::from_secs(20)));
    Pty { session, home }
}

impl Pty {
    fn expect(&mut self, text: &str) {
        if let Err(e) = self.session.expect(text) {
            panic!("waiting for {text:?}: {e}");
        }
    }

    fn send(&mut self, keys: &str) {
        self.session.send(keys).unwrap();
        // Let the prompt redraw before the next key, as a person would.
        std::thread::sleep(Duration::from_millis(150));
    }

    fn exit_code(&mut self) -> i32 {
        // Drain what is left so the child is never blocked on a full pty.
        let _ = self.session.expect(expectrl::Eof);
        match self.session.get_process().wait().unwrap() {
            WaitStatus::Exited(_, code) => code,
            other => panic!("not a normal exit: {other:?}"),
        }
    }

    fn log_events(&self) -> Vec<serde_json::Value> {
        let dir = self.home.path().join("sessions");
        let log = std::fs::read_dir(dir)
            .unwrap()
            .next()
            .expect("a session log")
            .unwrap()
            .path();
        std::fs::read_to_string(log)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

#[test]
fn answer_go_back_once_and_resolve() {
    let mut p = spawn(&["run", "no-power"]);
    p.expect("Keep selling first");
    p.expect("Next →");
    p.send(ENTER); // Next
    p.expect("Is the battery swollen");
    p.send(DOWN);
    p.send(ENTER); // No
    p.expect("Do other things in the shop have power");
    p.send(ENTER); // Yes
    p.expect("What does the terminal do?");
    // Go back once with Esc: the previous question comes again.
    p.send(ESC);
    p.expect("Do other things in the shop have power");
    p.send(ENTER); // Yes again (cursor starts on the earlier answer)
    p.expect("What does the terminal do?");
    p.send(ENTER); // dead
    p.expect("Press and hold the power key");
    p.send(ENTER); // Yes, it switches on
    p.expect("Resolved");
    assert_eq!(p.exit_code(), 0);
    let events = p.log_events();
    assert!(
        events
            .iter()
            .any(|e| e["event"] == "back" && e["to"] == "shop-power"),
        "{events:?}"
    );
    assert_eq!(events.last().unwrap()["outcome"], "resolved");
}

#[test]
fn back_entry_in_the_menu_works_too() {
    let mut p = spawn(&["run", "card-read"]);
    p.expect("Keep selling first");
    p.expect("Next →");
    p.send(ENTER);
    p.expect("Is another card read");
    // Yes, No, ← Back, Quit: pick Back.
    p.send(DOWN);
    p.send(DOWN);
    p.send(ENTER);
    p.expect("Keep selling first");
    p.expect("Next →");
    p.send(ENTER);
    p.expect("Is another card read");
    p.send(ENTER); // yes: the customer's card is the problem
    p.expect("Tell the customer:");
    assert_eq!(
        p.exit_code(),
        0,
        "a customer-side ending is resolved for the shop"
    );
}

#[test]
fn ctrl_c_exits_130_and_keeps_the_log() {
    let mut p = spawn(&["run", "no-power"]);
    p.expect("Keep selling first");
    p.expect("Next →");
    p.send(ENTER);
    p.expect("Is the battery swollen");
    p.send(CTRL_C);
    assert_eq!(p.exit_code(), 130);
    let events = p.log_events();
    assert_eq!(events[0]["event"], "start");
    assert_eq!(events[1]["node"], "keep-selling");
    let end = events.last().unwrap();
    assert_eq!(end["event"], "end");
    assert_eq!(end["outcome"], "aborted");
    assert_eq!(end["node"], "danger");
}

#[test]
fn quit_keeps_the_log_and_exits_4() {
    let mut p = spawn(&["run", "no-power"]);
    p.expect("Keep selling first");
    p.expect("Next →");
    // Next, Quit
    p.send(DOWN);
    p.send(ENTER);
    p.expect("Stopped");
    assert_eq!(p.exit_code(), 4);
    assert_eq!(p.log_events().last().unwrap()["outcome"], "aborted");
}

#[test]
fn destructive_step_asks_for_confirmation() {
    let pack = tempfile::tempdir().unwrap();
    std::fs::write(
        pack.path().join("reset.yaml"),
        "trees:\n  - id: resetter\n    title: R\n    category: software\n    start: reset\n    nodes:\n      - {id: reset, kind: check, do: Wipe it, caution: Erases offline sales, destructive: true, yes: ok, no: ok, skip: vendor}\n      - {id: ok, kind: resolved, text: fine}\n      - {id: vendor, kind: escalate, party: vendor, text: Call the vendor first}\n",
    )
    .unwrap();
    let mut p = spawn(&["--rules", pack.path().to_str().unwrap(), "run", "resetter"]);
    p.expect("Erases offline sales");
    p.expect("This step cannot be undone");
    p.expect("Go ahead with this step?");
    // The safe choice comes first.
    p.send(ENTER);
    // What to do comes first, then the facts the (empty) profile lacks, as
    // one optional step: fill them in, type one, skip one, then stop
    // asking with Ctrl-C.
    p.expect("Call the vendor first");
    p.expect("Yes, fill them in");
    p.send(ENTER);
    p.expect("Merchant name (Enter to skip)");
    p.send("Golden Noodle\r");
    p.expect("Merchant ID");
    p.send(ENTER);
    p.expect("Terminal ID");
    p.send(CTRL_C);
    p.expect("Merchant name: Golden Noodle");
    assert_eq!(p.exit_code(), 3);
    let events = p.log_events();
    // The decision is logged on its own, then the step it skipped.
    assert_eq!(events[1]["event"], "decision");
    assert_eq!(events[1]["done"], false);
    assert_eq!(events[2]["answer"], "skip");
}

#[test]
fn chinese_run_reads_in_chinese() {
    let mut p = spawn(&["--lang", "zh", "run", "card-read"]);
    p.expect("先保证收款");
    p.expect("下一步");
    p.send(ENTER);
    p.expect("换一张卡");
    p.expect("是");
    p.expect("返回上一步");
    p.send(ENTER);
    p.expect("请这样告诉顾客");
    p.expect("读不了这张卡");
    assert_eq!(p.exit_code(), 0);
}

#[test]
fn picker_finds_a_tree_by_typing_and_runs_it() {
    let mut p = spawn(&[]);
    p.expect("What's wrong?");
    p.send("pritner jam");
    p.expect("Receipt not printing");
    p.send(ENTER);
    p.expect("Keep selling: cards still work");
    p.expect("Next →");
    p.send(CTRL_C);
    assert_eq!(p.exit_code(), 130);
}

#[test]
fn picker_in_chinese() {
    let mut p = spawn(&["--lang", "zh"]);
    p.expect("遇到了什么问题？");
    p.send("黑屏");
    p.expect("POS机无法开机");
    p.send(ENTER);
    p.expect("先保证收款");
    p.expect("下一步");
    p.send(CTRL_C);
    assert_eq!(p.exit_code(), 130);
}
