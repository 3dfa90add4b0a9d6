//! A small builder so integration tests read like specifications: which
//! arguments, which files, what comes out. Every test gets its own
//! POSDOCTOR_HOME in a temp dir and a clean environment.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use assert_cmd::cargo::cargo_bin_cmd;
use assert_cmd::Command;
use tempfile::TempDir;

pub struct Env {
    pub home: TempDir,
}

impl Env {
    pub fn new() -> Env {
        Env {
            home: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn home(&self) -> &Path {
        self.home.path()
    }

    /// The real binary, with a private home and no locale, colour or pack
    /// settings leaking in from the machine running the tests.
    pub fn cmd(&self) -> Command {
        let mut c = cargo_bin_cmd!("posdoctor");
        c.env("POSDOCTOR_HOME", self.home.path())
            .env_remove("POSDOCTOR_LANG")
            .env_remove("POSDOCTOR_RULES")
            .env_remove("LC_ALL")
            .env_remove("LANG")
            .env_remove("NO_COLOR")
            // Times shown to people are local: pin the zone so output is stable.
            .env("TZ", "Asia/Shanghai")
            .timeout(std::time::Duration::from_secs(30));
        c
    }

    /// Writes a file under the home folder and returns its path.
    pub fn write(&self, name: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let p = self.home.path().join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&p, content).expect("write");
        p
    }

    /// Every session log written under the home folder.
    pub fn logs(&self) -> Vec<PathBuf> {
        let dir = self.home.path().join("sessions");
        let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
            .map(|d| d.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        v.sort();
        v
    }
}

pub fn json(out: &[u8]) -> serde_json::Value {
    serde_json::from_slice(out)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(out)))
}

pub fn stdout(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stdout).into_owned()
}

pub fn stderr(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stderr).into_owned()
}

/// Answers that take no-power to its vendor escalation by the long way.
pub const NO_POWER_TO_VENDOR: &[&str] = &[
    "danger=no",
    "shop-power=yes",
    "what-happens=dead",
    "power-key=no",
    "hard-restart=no",
    "adapter=no",
    "outlet=no",
    "base-contacts=no",
    "cable-swap=no",
    "charge=no",
    "battery-reseat=no",
];

pub fn answer_flags(answers: &[&str]) -> Vec<String> {
    answers
        .iter()
        .flat_map(|a| ["--answer".to_owned(), (*a).to_owned()])
        .collect()
}

/// Output with times, durations and the temp home replaced, for snapshots.
pub fn redact(env: &Env, s: &str) -> String {
    let s = s.replace(&env.home().display().to_string(), "[HOME]");
    let rules = [
        (r"\d{8}T\d{6}Z", "[STAMP]"),
        (
            r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} [+-]\d{2}:\d{2}",
            "[TIME]",
        ),
        (r"\b\d{2}:\d{2}:\d{2}\b", "[HH:MM:SS]"),
        (r"\d+ (min|分) \d+ (s|秒)", "[DURATION]"),
    ];
    rules.iter().fold(s, |acc, (re, to)| {
        regex::Regex::new(re)
            .expect("regex")
            .replace_all(&acc, *to)
            .into_owned()
    })
}

impl Env {
    /// `posdoctor run TREE --no-input --json --answer A…`: checks the exit
    /// code and returns the JSON it printed.
    pub fn run_json(&self, tree: &str, answers: &[&str], code: i32) -> serde_json::Value {
        let a = self
            .cmd()
            .args(["run", tree, "--no-input", "--json"])
            .args(answer_flags(answers))
            .assert()
            .code(code);
        json(&a.get_output().stdout)
    }
}

/// The built-in rules, loaded as every command loads them (no finding).
pub fn builtin_rules() -> posdoctor::rules::RuleSet {
    let loaded = posdoctor::rules::load::load(&posdoctor::rules::load::LoadOptions {
        builtin: true,
        packs: vec![],
    });
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    loaded.rules
}

/// Every regular file under `dir`, recursively.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            match e.file_type() {
                Ok(ft) if ft.is_dir() => todo.push(e.path()),
                Ok(ft) if ft.is_file() => out.push(e.path()),
                _ => {}
            }
        }
    }
    out
}

/// A tiny HTTP server on loopback: answers every request with `status` and,
/// when given, a `Date` header `skew_minutes` off the real time.
pub fn http_server(status: u16, skew_minutes: Option<i64>) -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for s in l.incoming() {
            let Ok(mut s) = s else { continue };
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf);
            let date = skew_minutes
                .map(|m| {
                    let t = jiff::Timestamp::now() + jiff::SignedDuration::from_mins(m);
                    let d = jiff::fmt::rfc2822::DateTimePrinter::new()
                        .timestamp_to_rfc9110_string(&t)
                        .unwrap();
                    format!("Date: {d}\r\n")
                })
                .unwrap_or_default();
            let _ = write!(
                s,
                "HTTP/1.1 {status} Whatever\r\n{date}Content-Length: 0\r\nConnection: close\r\n\r\n"
            );
        }
    });
    format!("http://127.0.0.1:{port}/")
}
