//! Probes: steps that answer themselves, the evidence they leave, and
//! `posdoctor check`. Only loopback targets (127.0.0.1, localhost) and
//! names under `.invalid`, with short timeouts — never another address.

mod common;

use std::net::TcpListener;
use std::path::Path;

use common::{answer_flags, http_server, json, stderr, stdout, Env};

/// Up to the ethernet check of no-network: the next step is
/// `cable-shop-internet` (probe `internet`).
const TO_CABLE: &[&str] = &[
    "mid-sale=no",
    "other-terminals=no",
    "link-type=ethernet",
    "ethernet=no",
];

/// A listener that accepts connections for as long as the test runs.
fn listener() -> (TcpListener, u16) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    (l, port)
}

/// A port nothing listens on: bound, then let go.
fn closed_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// Writes the profile: the terminal and acquirer on loopback ports, the
/// test URL.
fn profile(env: &Env, terminal_port: u16, acquirer_port: u16, test_url: &str) {
    env.write(
        "profile.yaml",
        format!(
            "acquirer_host: 127.0.0.1\nacquirer_port: '{acquirer_port}'\ntest_url: {test_url}\nterminals:\n  default:\n    terminal_ip: 127.0.0.1\n    terminal_port: '{terminal_port}'\n"
        ),
    );
}

fn step<'a>(v: &'a serde_json::Value, node: &str) -> &'a serde_json::Value {
    v["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["node"] == node)
        .unwrap_or_else(|| panic!("no step {node}: {v}"))
}

fn run(env: &Env, extra: &[&str], answers: &[&str], code: i32) -> serde_json::Value {
    let a = env
        .cmd()
        .args(["run", "no-network", "--no-input", "--json"])
        .args(extra)
        .args(answer_flags(answers))
        .assert()
        .code(code);
    json(&a.get_output().stdout)
}

fn log_events(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn reachable_services_answer_their_steps_and_the_evidence_is_kept() {
    let env = Env::new();
    let (_t, tport) = listener();
    let (_a, aport) = listener();
    let url = http_server(200, Some(0));
    profile(&env, tport, aport, &url);
    let log = env.home().join("walk.jsonl");
    let mut answers = TO_CABLE.to_vec();
    answers.push("restart=yes");
    let v = run(&env, &["--log", log.to_str().unwrap()], &answers, 0);
    assert_eq!(v["outcome"], "resolved", "{v}");
    let internet = step(&v, "cable-shop-internet");
    assert_eq!(internet["answer"], "yes");
    assert_eq!(internet["probe"]["id"], "internet");
    assert_eq!(internet["probe"]["kind"], "http");
    assert_eq!(internet["probe"]["target"], url.as_str());
    assert_eq!(internet["probe"]["outcome"], "pass");
    assert!(internet["probe"]["detail"]
        .as_str()
        .unwrap()
        .contains("HTTP 200"));
    assert!(internet["probe"]["duration_ms"].is_u64());
    let lan = step(&v, "lan-status");
    assert_eq!(lan["answer"], "yes");
    assert_eq!(lan["probe"]["target"], format!("127.0.0.1:{tport}"));
    assert_eq!(lan["probe"]["outcome"], "pass");
    assert_eq!(
        step(&v, "host-reachable")["probe"]["target"],
        format!("127.0.0.1:{aport}")
    );
    assert_eq!(step(&v, "clock-right")["probe"]["kind"], "clock");
    assert_eq!(step(&v, "clock-right")["answer"], "yes");
    // Steps a person answered carry no probe.
    assert!(step(&v, "restart").get("probe").is_none());
    // The log: the same evidence on each step event.
    let events = log_events(&log);
    let logged: Vec<&serde_json::Value> = events
        .iter()
        .filter(|e| e["event"] == "step" && e.get("probe").is_some())
        .collect();
    assert_eq!(logged.len(), 4, "{events:?}");
    assert_eq!(logged[1]["probe"]["id"], "terminal-lan");
    assert_eq!(logged[1]["probe"]["label"], "Terminal");
}

#[test]
fn an_unreachable_host_escalates_and_the_report_says_what_was_checked() {
    let env = Env::new();
    let (_t, tport) = listener();
    let url = http_server(200, Some(0));
    profile(&env, tport, closed_port(), &url);
    let log = env.home().join("walk.jsonl");
    let v = run(&env, &["--log", log.to_str().unwrap()], TO_CABLE, 3);
    assert_eq!(v["escalation"]["node"], "call-acquirer-host", "{v}");
    let host = step(&v, "host-reachable");
    assert_eq!(host["answer"], "no");
    assert_eq!(host["probe"]["outcome"], "fail");
    assert!(
        host["probe"]["detail"]
            .as_str()
            .unwrap()
            .contains("refused"),
        "{host}"
    );
    // The report written at the end, and the one rebuilt from the log.
    let written = std::fs::read_to_string(v["report"].as_str().unwrap()).unwrap();
    assert!(written.contains("## Checked automatically"), "{written}");
    assert!(written.contains("✗ Payment host 127.0.0.1:"), "{written}");
    assert!(written.contains("✓ Terminal 127.0.0.1:"), "{written}");
    let text = env
        .cmd()
        .args(["report", log.to_str().unwrap()])
        .assert()
        .success();
    let text = stdout(&text);
    assert!(text.contains("Checked automatically\n"), "{text}");
    assert!(text.contains("refused the connection"), "{text}");
    let zh = env
        .cmd()
        .args(["--lang", "zh", "report", log.to_str().unwrap()])
        .assert()
        .success();
    assert!(stdout(&zh).contains("自动检查"), "{}", stdout(&zh));
    let j = env
        .cmd()
        .args(["report", log.to_str().unwrap(), "--format", "json"])
        .assert()
        .success();
    let j = json(&j.get_output().stdout);
    let probed: Vec<&serde_json::Value> = j["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s.get("probe").is_some())
        .collect();
    assert_eq!(probed.len(), 3, "{j}");
}

#[test]
fn a_status_out_of_range_fails_the_internet_probe() {
    let env = Env::new();
    let url = http_server(503, Some(0));
    profile(&env, closed_port(), closed_port(), &url);
    let v = run(&env, &[], TO_CABLE, 4);
    let s = step(&v, "cable-shop-internet");
    assert_eq!(s["answer"], "no");
    let detail = s["probe"]["detail"].as_str().unwrap();
    assert!(
        detail.contains("503") && detail.contains("200-399"),
        "{detail}"
    );
    // The no edge: the router is restarted next (asked: no probe there).
    assert_eq!(v["pending"]["node"], "router");
}

#[test]
fn a_skewed_date_fails_the_clock_with_the_skew() {
    let env = Env::new();
    let (_t, tport) = listener();
    let (_a, aport) = listener();
    let url = http_server(200, Some(-17));
    profile(&env, tport, aport, &url);
    let v = run(&env, &[], TO_CABLE, 4);
    let s = step(&v, "clock-right");
    assert_eq!(s["answer"], "no");
    assert_eq!(s["probe"]["outcome"], "fail");
    let detail = s["probe"]["detail"].as_str().unwrap();
    assert!(detail.contains("17 min ahead"), "{detail}");
    assert_eq!(v["pending"]["node"], "fix-clock");
    // In Chinese too.
    let a = env
        .cmd()
        .args(["--lang", "zh", "run", "no-network", "--no-input", "--json"])
        .args(answer_flags(TO_CABLE))
        .assert()
        .code(4);
    let v = json(&a.get_output().stdout);
    let detail = step(&v, "clock-right")["probe"]["detail"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(detail.contains("快 17 分钟"), "{detail}");
}

#[test]
fn no_probe_asks_instead() {
    let env = Env::new();
    let (_t, tport) = listener();
    let url = http_server(200, Some(0));
    profile(&env, tport, closed_port(), &url);
    let v = run(&env, &["--no-probe"], TO_CABLE, 4);
    assert_eq!(v["pending"]["node"], "cable-shop-internet", "{v}");
    assert!(v["steps"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s.get("probe").is_none()));
}

#[test]
fn an_answer_given_wins_over_the_probe() {
    let env = Env::new();
    let (_t, tport) = listener();
    let url = http_server(200, Some(0));
    profile(&env, tport, closed_port(), &url);
    let mut answers = TO_CABLE.to_vec();
    answers.extend(["cable-shop-internet=no", "lan-status=no"]);
    let v = run(&env, &[], &answers, 4);
    let s = step(&v, "cable-shop-internet");
    assert_eq!(s["answer"], "no");
    assert!(
        s.get("probe").is_none(),
        "an overridden probe is not run: {s}"
    );
    assert_eq!(v["pending"]["node"], "router");
    // And on the terminal's step: the person's no wins over a listening port.
    let mut answers = TO_CABLE.to_vec();
    answers.extend(["lan-status=no", "restart=yes"]);
    let v = run(&env, &[], &answers, 0);
    assert_eq!(step(&v, "lan-status")["answer"], "no");
    assert_eq!(step(&v, "cable-shop-internet")["probe"]["outcome"], "pass");
}

#[test]
fn with_no_targets_set_every_step_is_asked_as_before() {
    let env = Env::new();
    let v = run(&env, &[], TO_CABLE, 4);
    assert_eq!(v["pending"]["node"], "cable-shop-internet");
    let text = serde_json::to_string(&v).unwrap();
    assert!(!text.contains("\"probe\""), "{text}");
    // The scripted summary has no probe lines either.
    let a = env
        .cmd()
        .args(["run", "no-network", "--no-input", "--no-log"])
        .args(answer_flags(TO_CABLE))
        .assert()
        .code(4);
    let out = stdout(&a);
    assert!(!out.contains('✓') && !out.contains('✗'), "{out}");
}

#[test]
fn the_scripted_summary_shows_what_was_checked() {
    let env = Env::new();
    let (_t, tport) = listener();
    let url = http_server(200, Some(0));
    profile(&env, tport, closed_port(), &url);
    let a = env
        .cmd()
        .args(["run", "no-network", "--no-input", "--no-log"])
        .args(answer_flags(TO_CABLE))
        .assert()
        .code(3);
    let out = stdout(&a);
    assert!(out.contains("✓ Internet http://127.0.0.1:"), "{out}");
    assert!(out.contains("answered HTTP 200 in "), "{out}");
    assert!(out.contains("✗ Payment host 127.0.0.1:"), "{out}");
}

/// A pack with probes of every kind that needs no profile, and a tree that
/// uses the path probe.
fn pack(env: &Env, open: u16, closed: u16, reader: &Path) -> std::path::PathBuf {
    env.write(
        "pack/till.yaml",
        format!(
            r#"version: 1
probes:
  - id: till-port
    label: {{en: "Till port", zh: "收银端口"}}
    kind: tcp
    host: "127.0.0.1"
    port: {open}
  - id: closed
    label: {{en: "Closed port", zh: "关闭的端口"}}
    kind: tcp
    host: localhost
    port: {closed}
    timeout_ms: 1000
  - id: reader
    label: {{en: "Card reader", zh: "读卡器"}}
    kind: path
    path: "{reader}"
  - id: nowhere
    label: {{en: "Nowhere", zh: "无处"}}
    kind: dns
    name: posdoctor-test.invalid
    timeout_ms: 2000
trees:
  - id: till
    title: {{en: "Till", zh: "收银"}}
    category: hardware
    keywords: {{en: [till], zh: [收银]}}
    start: reader-there
    nodes:
      - id: reader-there
        kind: question
        ask: {{en: "Is the card reader plugged in?", zh: "读卡器插好了吗？"}}
        probe: reader
        yes: ok
        no: call
      - id: ok
        kind: resolved
        text: {{en: "Fine.", zh: "好了。"}}
      - id: call
        kind: escalate
        party: vendor
        text: {{en: "Call the vendor.", zh: "联系服务商。"}}
"#,
            reader = reader.display()
        ),
    );
    env.home().join("pack")
}

#[test]
fn a_path_probe_answers_whether_the_device_is_there() {
    let env = Env::new();
    let reader = env.write("dev/ttyUSB0", "");
    let p = pack(&env, closed_port(), closed_port(), &reader);
    let run_till = || {
        env.cmd()
            .arg("--rules")
            .arg(&p)
            .args(["run", "till", "--no-input", "--json"])
            .assert()
    };
    let a = run_till().code(0);
    let v = json(&a.get_output().stdout);
    assert_eq!(step(&v, "reader-there")["probe"]["outcome"], "pass");
    std::fs::remove_file(&reader).unwrap();
    let a = run_till().code(3);
    let v = json(&a.get_output().stdout);
    assert_eq!(
        step(&v, "reader-there")["probe"]["detail"],
        "does not exist"
    );
    // `posdoctor test` never probes: its cases give answers.
    env.write(
        "pack/tests/till.yaml",
        "- name: asked, not probed\n  tree: till\n  answers: {}\n  expect: {outcome: needs_input, node: reader-there}\n",
    );
    env.cmd()
        .args(["--no-builtin", "test", p.to_str().unwrap()])
        .assert()
        .success();
}

fn check_filters(s: &str) -> String {
    let rules = [
        (r"\d+ ms\b", "[N] ms"),
        (r"\d+ 毫秒", "[N] 毫秒"),
        (r"127\.0\.0\.1:\d+", "127.0.0.1:[PORT]"),
        (r"localhost:\d+", "localhost:[PORT]"),
        (
            r"(the name does not resolve: |无法解析该名称：).*",
            "${1}[REASON]",
        ),
        (r"/\S*/dev/ttyUSB0", "[HOME]/dev/ttyUSB0"),
    ];
    rules.iter().fold(s.to_owned(), |acc, (re, to)| {
        regex::Regex::new(re)
            .unwrap()
            .replace_all(&acc, *to)
            .into_owned()
    })
}

#[test]
fn check_runs_every_probe_with_a_target_in_every_format() {
    let env = Env::new();
    let (_l, open) = listener();
    let reader = env.write("dev/ttyUSB0", "");
    let p = pack(&env, open, closed_port(), &reader);
    let rules = p.to_str().unwrap();
    // Text: one line a probe; the built-in ones have no target here.
    let a = env.cmd().args(["--rules", rules, "check"]).assert().code(1);
    let text = stdout(&a);
    insta::assert_snapshot!("check_text_en", check_filters(&text));
    let a = env
        .cmd()
        .args(["--lang", "zh", "--rules", rules, "check"])
        .assert()
        .code(1);
    insta::assert_snapshot!("check_text_zh", check_filters(&stdout(&a)));
    // JSON.
    let a = env
        .cmd()
        .args(["--rules", rules, "check", "--json"])
        .assert()
        .code(1);
    let v = json(&a.get_output().stdout);
    assert_eq!(v["ok"], false);
    assert_eq!(v["passed"], 2);
    assert_eq!(v["failed"], 2);
    assert_eq!(v["skipped"], 4);
    let till = v["probes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "till-port")
        .unwrap();
    assert_eq!(till["outcome"], "pass");
    assert_eq!(till["kind"], "tcp");
    assert_eq!(till["target"], format!("127.0.0.1:{open}"));
    // JUnit, read back as XML.
    let a = env
        .cmd()
        .args(["--rules", rules, "check", "--format", "junit"])
        .assert()
        .code(1);
    let xml = stdout(&a);
    let (cases, failures, skipped) = count_junit(&xml);
    assert_eq!((cases, failures, skipped), (8, 2, 4), "{xml}");
    assert!(
        xml.contains("failures=\"2\"") && xml.contains("skipped=\"4\""),
        "{xml}"
    );
    // TAP.
    let a = env
        .cmd()
        .args(["--rules", rules, "check", "--format", "tap"])
        .assert()
        .code(1);
    let tap = stdout(&a);
    assert!(tap.starts_with("TAP version 13\n1..8\n"), "{tap}");
    assert_eq!(
        tap.lines().filter(|l| l.starts_with("not ok ")).count(),
        2,
        "{tap}"
    );
    assert_eq!(
        tap.lines().filter(|l| l.contains("# SKIP")).count(),
        4,
        "{tap}"
    );
    // Only passing probes: exit 0; skipped ones do not fail.
    env.write(
        "pack/till.yaml",
        format!(
            "probes:\n  - id: till-port\n    label: Till port\n    kind: tcp\n    host: 127.0.0.1\n    port: {open}\n"
        ),
    );
    let a = env.cmd().args(["--rules", rules, "check"]).assert().code(0);
    assert!(
        stdout(&a).contains("1 passed, 0 failed, 4 not checked"),
        "{}",
        stdout(&a)
    );
}

/// (test cases, failures, skipped) of a JUnit report.
fn count_junit(xml: &str) -> (usize, usize, usize) {
    use quick_xml::events::Event;
    let mut r = quick_xml::Reader::from_str(xml);
    let (mut cases, mut failures, mut skipped) = (0, 0, 0);
    loop {
        match r.read_event().expect("well-formed XML") {
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                "testcase" => cases += 1,
                "failure" => failures += 1,
                "skipped" => skipped += 1,
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    (cases, failures, skipped)
}

#[test]
fn check_with_the_profile_set_by_profile_set() {
    let env = Env::new();
    let (_t, tport) = listener();
    let (_a, aport) = listener();
    let url = http_server(200, Some(0));
    for (k, v) in [
        ("terminal_ip", "127.0.0.1".to_owned()),
        ("terminal_port", tport.to_string()),
        ("acquirer_host", "localhost".to_owned()),
        ("acquirer_port", aport.to_string()),
        ("test_url", url.clone()),
    ] {
        env.cmd().args(["profile", "set", k, &v]).assert().success();
    }
    let a = env.cmd().args(["check", "--json"]).assert().code(0);
    let v = json(&a.get_output().stdout);
    assert_eq!(v["passed"], 4, "{v}");
    let show = env.cmd().args(["profile", "show"]).assert().success();
    assert!(stdout(&show).contains("terminal_port"), "{}", stdout(&show));
}

#[test]
fn profile_refuses_bad_targets_in_both_languages() {
    let env = Env::new();
    for (k, v, en, zh) in [
        ("terminal_port", "70000", "is not a port", "不是"),
        (
            "terminal_ip",
            "not a host!",
            "is not an IP address or host name",
            "主机名",
        ),
        (
            "test_url",
            "ftp://x.invalid/",
            "is not a web address",
            "网址",
        ),
        ("acquirer_port", "0", "is not a port", "端口"),
    ] {
        let a = env.cmd().args(["profile", "set", k, v]).assert().code(1);
        assert!(stderr(&a).contains(en), "{k}: {}", stderr(&a));
        let a = env
            .cmd()
            .args(["--lang", "zh", "profile", "set", k, v])
            .assert()
            .code(1);
        assert!(stderr(&a).contains(zh), "{k}: {}", stderr(&a));
    }
    env.cmd()
        .args(["profile", "set", "terminal_ip", "fe80::1"])
        .assert()
        .success();
    env.cmd()
        .args(["profile", "set", "test_url", "https://pos.example.com/ping"])
        .assert()
        .success();
}

#[test]
fn validate_lists_a_packs_targets_and_places_its_mistakes() {
    let env = Env::new();
    let reader = env.write("dev/ttyUSB0", "");
    let p = pack(&env, 8888, 9, &reader);
    let a = env
        .cmd()
        .args(["validate", p.to_str().unwrap(), "--strict"])
        .assert()
        .success();
    let out = stdout(&a);
    assert!(out.contains("Probes"), "{out}");
    assert!(
        out.contains("till-port") && out.contains("127.0.0.1:8888"),
        "{out}"
    );
    assert!(out.contains("posdoctor-test.invalid"), "{out}");
    let a = env
        .cmd()
        .args(["validate", p.to_str().unwrap(), "--json"])
        .assert()
        .success();
    let v = json(&a.get_output().stdout);
    let probes = v["probes"].as_array().unwrap();
    assert_eq!(probes.len(), 4);
    assert!(probes
        .iter()
        .any(|p| p["id"] == "reader" && p["kind"] == "path" && p["line"].as_u64() > Some(0)));

    let bad = env.write(
        "bad/probes.yaml",
        r#"probes:
  - id: a
    label: A
    kind: ping
    host: 127.0.0.1
  - id: b
    label: B
    kind: tcp
    host: 127.0.0.1
  - id: c
    label: C
    kind: http
    url: "http://{profile.terminal_iq}/"
  - id: d
    label: D
    kind: dns
    name: x.invalid
    command: "rm -rf /"
trees:
  - id: t
    title: T
    category: network
    start: q
    nodes:
      - {id: q, kind: question, ask: Q, probe: internt, yes: r, no: r}
      - {id: r, kind: resolved, text: R, probe: b}
"#,
    );
    let a = env
        .cmd()
        .args(["validate", bad.to_str().unwrap()])
        .assert()
        .code(1);
    let out = stdout(&a);
    let name = bad.display().to_string();
    assert!(
        out.contains(&format!("{name}:4:11: error")),
        "bad kind: {out}"
    );
    assert!(out.contains("`ping`"), "{out}");
    assert!(out.contains("`tcp` probe `b` needs `port`"), "{out}");
    assert!(
        out.contains(&format!("{name}:8:")),
        "missing field at the probe: {out}"
    );
    assert!(
        out.contains("unknown placeholder `{profile.terminal_iq}`"),
        "{out}"
    );
    assert!(
        out.contains(&format!("{name}:13:18: error")),
        "placeholder caret: {out}"
    );
    assert!(
        out.contains("did you mean `{profile.terminal_ip}`?"),
        "{out}"
    );
    assert!(out.contains("unknown field `command`"), "{out}");
    assert!(out.contains("no probe is called `internt`"), "{out}");
    assert!(out.contains("did you mean `internet`?"), "{out}");
    assert!(
        out.contains("`probe` does not apply to `resolved` node `r`"),
        "{out}"
    );
}

/// Ctrl-C while a probe waits for a silent server: exit 130 at once, the
/// log intact and ended.
#[cfg(unix)]
#[test]
fn ctrl_c_interrupts_a_probe() {
    let env = Env::new();
    // Accepts, never answers.
    let (_silent, port) = listener();
    let (_t, tport) = listener();
    env.write(
        "profile.yaml",
        format!(
            "test_url: http://127.0.0.1:{port}/\nterminals:\n  default:\n    terminal_ip: 127.0.0.1\n    terminal_port: '{tport}'\n"
        ),
    );
    let log = env.home().join("walk.jsonl");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_posdoctor"))
        .args([
            "run",
            "no-network",
            "--no-input",
            "--log",
            log.to_str().unwrap(),
        ])
        .args(answer_flags(TO_CABLE))
        .env("POSDOCTOR_HOME", env.home())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(700));
    let started = std::time::Instant::now();
    // SAFETY: a signal to our own child.
    unsafe {
        libc::kill(child.id() as libc::pid_t, libc::SIGINT);
    }
    let status = child.wait().unwrap();
    assert!(started.elapsed() < std::time::Duration::from_millis(1500));
    assert_eq!(status.code(), Some(130));
    let events = log_events(&log);
    let last = events.last().unwrap();
    assert_eq!(last["event"], "end");
    assert_eq!(last["outcome"], "aborted");
    assert_eq!(last["node"], "cable-shop-internet");
}

#[test]
fn resume_keeps_the_evidence_of_probed_steps() {
    let env = Env::new();
    let url = http_server(503, Some(0));
    profile(&env, closed_port(), closed_port(), &url);
    let log = env.home().join("walk.jsonl");
    // Stops at the router, after the internet probe failed.
    let v = run(&env, &["--log", log.to_str().unwrap()], TO_CABLE, 4);
    assert_eq!(v["pending"]["node"], "router");
    let a = env
        .cmd()
        .args([
            "run",
            "--resume",
            log.to_str().unwrap(),
            "--no-input",
            "--json",
        ])
        .args(["--answer", "router=no"])
        .assert()
        .code(3);
    let v = json(&a.get_output().stdout);
    assert_eq!(v["escalation"]["node"], "call-isp", "{v}");
    let s = step(&v, "cable-shop-internet");
    assert_eq!(s["answer"], "no");
    assert_eq!(s["probe"]["outcome"], "fail", "{v}");
    let report = std::fs::read_to_string(v["report"].as_str().unwrap()).unwrap();
    assert!(report.contains("✗ Internet http://127.0.0.1:"), "{report}");
}
