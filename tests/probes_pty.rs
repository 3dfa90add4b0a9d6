//! A probe at the counter, through a real pseudo-terminal: the result line
//! shows above the question, in English and in Chinese, and preselects the
//! answer (Enter takes it; the person could pick the other).
#![cfg(unix)]

mod common;

use std::process::Command;
use std::time::Duration;

use expectrl::process::unix::WaitStatus;
use expectrl::{Expect, Session};

const ENTER: &str = "\r";
const DOWN: &str = "\x1b[B";
const CTRL_C: &str = "\x03";

struct Pty {
    session: expectrl::session::OsSession,
    _home: tempfile::TempDir,
}

fn spawn(args: &[&str], test_url: &str) -> Pty {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join("profile.yaml"),
        format!("test_url: {test_url}\n"),
    )
    .unwrap();
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
    Pty {
        session,
        _home: home,
    }
}

impl Pty {
    fn expect(&mut self, text: &str) {
        if let Err(e) = self.session.expect(text) {
            panic!("waiting for {text:?}: {e}");
        }
    }

    fn send(&mut self, keys: &str) {
        self.session.send(keys).unwrap();
        std::thread::sleep(Duration::from_millis(150));
    }

    fn exit_code(&mut self) -> i32 {
        let _ = self.session.expect(expectrl::Eof);
        match self.session.get_process().wait().unwrap() {
            WaitStatus::Exited(_, code) => code,
            other => panic!("not a normal exit: {other:?}"),
        }
    }

    /// keep-selling → mid-sale no → other terminals no → a cable →
    /// the cable check did not help: the next step has the internet probe.
    fn walk_to_the_cable(&mut self, zh: bool) {
        self.expect(if zh { "下一步" } else { "Next →" });
        self.send(ENTER);
        self.expect(if zh {
            "交易过程中"
        } else {
            "in the middle of a sale"
        });
        self.send(DOWN);
        self.send(ENTER);
        self.expect(if zh {
            "同一支付服务商"
        } else {
            "from the same provider"
        });
        self.send(DOWN);
        self.send(ENTER);
        self.expect(if zh {
            "怎么联网"
        } else {
            "How does this terminal connect"
        });
        self.send(DOWN);
        self.send(DOWN);
        self.send(ENTER);
        self.expect(if zh { "网线" } else { "cable" });
        self.send(DOWN);
        self.send(ENTER);
    }
}

#[test]
fn a_failed_probe_is_shown_and_preselects_no() {
    let url = common::http_server(503, Some(0));
    let mut p = spawn(&["run", "no-network"], &url);
    p.walk_to_the_cable(false);
    p.expect(&format!(
        "✗ Internet {url} answered HTTP 503, expected 200-399 ("
    ));
    p.expect("Checked automatically");
    p.expect("Does the internet work on another device connected to the same router?");
    // Enter takes the preselected answer: no → restart the router.
    p.send(ENTER);
    p.expect("Does the internet work on the other device now?");
    p.send(CTRL_C);
    assert_eq!(p.exit_code(), 130);
}

#[test]
fn a_passed_probe_reads_in_chinese_and_preselects_yes() {
    let url = common::http_server(200, Some(0));
    let mut p = spawn(&["--lang", "zh", "run", "no-network"], &url);
    p.walk_to_the_cable(true);
    p.expect(&format!("✓ 互联网 {url} 返回 HTTP 200，用时"));
    p.expect("已自动检查");
    p.send(ENTER);
    // Yes → whether this computer reaches the terminal: no target, asked.
    p.expect("这台电脑能通过店里的网络连到POS机吗");
    p.send(CTRL_C);
    assert_eq!(p.exit_code(), 130);
}
