//! A pseudo-terminal of a fixed size whose output is read through a
//! terminal emulator (vt100), so tests assert on what a person sees.
#![allow(dead_code)]

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use expectrl::process::unix::WaitStatus;
use expectrl::Session;

pub const ENTER: &str = "\r";
pub const DOWN: &str = "\x1b[B";
pub const ESC: &str = "\x1b";

pub struct Screen {
    session: expectrl::session::OsSession,
    parser: vt100::Parser,
    /// Everything printed, as text with the escape sequences removed
    /// (lines that scrolled away included), to check the order of things.
    pub history: String,
    raw: Vec<u8>,
    pub cols: u16,
    pub rows: u16,
}

fn nz(n: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(n).expect("a screen size")
}

/// Whitespace never matters when reading wrapped text back.
pub fn squash(s: &str) -> String {
    s.split_whitespace().collect()
}

impl Screen {
    /// `posdoctor ARGS` in a `cols`×`rows` terminal, with `home` as its
    /// POSDOCTOR_HOME.
    pub fn spawn(cols: u16, rows: u16, home: &Path, args: &[&str]) -> Screen {
        // The pty starts at 80×24 (set by the parent after the fork); the
        // size is set below, and posdoctor starts only once it has it, so
        // its first screen is drawn at the right size.
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg(format!(
                "while [ \"$(stty size 2>/dev/null)\" != \"{rows} {cols}\" ]; do sleep 0.02; done; exec \"$0\" \"$@\""
            ))
            .arg(env!("CARGO_BIN_EXE_posdoctor"))
            .args(args)
            .env("POSDOCTOR_HOME", home)
            .env("TERM", "xterm")
            .env("TZ", "Asia/Shanghai")
            .env("NO_COLOR", "1")
            .env_remove("LANG")
            .env_remove("LC_ALL")
            .env_remove("POSDOCTOR_LANG")
            .env_remove("POSDOCTOR_RULES");
        let mut session = Session::spawn(cmd).expect("spawn in a pty");
        session
            .get_process_mut()
            .set_window_size(cols, rows)
            .expect("set the pty's size");
        Screen {
            session,
            parser: vt100::Parser::new(nz(rows), nz(cols), 2000),
            history: String::new(),
            raw: Vec::new(),
            cols,
            rows,
        }
    }

    /// Reads what the program printed so far into the emulator.
    pub fn pump(&mut self) {
        let mut buf = [0u8; 8192];
        loop {
            match self.session.try_read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    self.parser.process(&buf[..n]);
                    self.raw.extend_from_slice(&buf[..n]);
                }
                Err(_) => break,
            }
        }
        self.history = strip_escapes(&String::from_utf8_lossy(&self.raw));
    }

    /// The visible screen, one string per row.
    pub fn lines(&self) -> Vec<String> {
        self.parser
            .screen()
            .rows(0, self.cols)
            .map(|r| r.trim_end().to_owned())
            .collect()
    }

    pub fn text(&self) -> String {
        self.lines().join("\n")
    }

    /// Waits until `what` is on the screen (whitespace aside); returns the screen.
    pub fn wait_for(&mut self, what: &str) -> String {
        let want = squash(what);
        let until = Instant::now() + Duration::from_secs(20);
        loop {
            self.pump();
            let text = self.text();
            if squash(&text).contains(&want) {
                // Let the rest of the frame arrive.
                std::thread::sleep(Duration::from_millis(100));
                self.pump();
                return self.text();
            }
            if Instant::now() > until {
                panic!(
                    "{}×{}: waiting for {what:?}; the screen is:\n{text}",
                    self.cols, self.rows
                );
            }
            std::thread::sleep(Duration::from_millis(30));
        }
    }

    /// Types `keys` once a question is open (its choice or input line
    /// drawn, so the terminal is in raw mode and no key is lost), as a
    /// person would.
    pub fn send(&mut self, keys: &str) {
        use std::io::Write;
        let until = Instant::now() + Duration::from_secs(10);
        while Instant::now() < until {
            self.pump();
            let open = self
                .lines()
                .iter()
                .any(|l| l.starts_with('>') || l.starts_with('›') || l.starts_with('?'));
            if open {
                break;
            }
            std::thread::sleep(Duration::from_millis(30));
        }
        self.session.write_all(keys.as_bytes()).unwrap();
        self.session.flush().unwrap();
        std::thread::sleep(Duration::from_millis(250));
        self.pump();
    }

    pub fn exit_code(&mut self) -> i32 {
        // Drain what is left so the child never blocks on a full pty, and
        // never wait forever on a child that is still asking.
        let until = Instant::now() + Duration::from_secs(20);
        loop {
            self.pump();
            match self.session.get_process().status() {
                Ok(WaitStatus::StillAlive) => {}
                Ok(WaitStatus::Exited(_, code)) => {
                    self.pump();
                    return code;
                }
                other => panic!("not a normal exit: {other:?}"),
            }
            if Instant::now() > until {
                let _ = self.session.get_process_mut().exit(true);
                panic!(
                    "{}×{}: still running; the screen is:\n{}",
                    self.cols,
                    self.rows,
                    self.text()
                );
            }
            std::thread::sleep(Duration::from_millis(30));
        }
    }
}

/// Text without terminal escape sequences.
fn strip_escapes(s: &str) -> String {
    let re =
        regex::Regex::new(r"\x1b(\[[0-9;?]*[ -/]*[@-~]|\][^\x07]*\x07|[()][0-9A-B]|.)").unwrap();
    re.replace_all(s, "").replace('\r', "")
}

/// The events of the one session log under `home`.
pub fn log_events(home: &Path) -> Vec<serde_json::Value> {
    let dir = home.join("sessions");
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
