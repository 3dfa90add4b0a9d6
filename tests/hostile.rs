//! Hostile input, as a stranger's rule pack, a script, a broken disk and a
//! Chinese keyboard would give it: no card number kept, no escape sequence
//! shown, no file clobbered, no hang. Every check looks at what the person
//! or the script gets: stdout, stderr and every file under POSDOCTOR_HOME.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command as Std;
use std::time::{Duration, Instant};

use common::*;
use posdoctor::privacy::normalize_digits;

/// The first character no output may carry raw, with where it is.
fn dirty(bytes: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(bytes);
    text.char_indices()
        .find(|(_, c)| posdoctor::sanitize::is_dangerous(*c) && !matches!(c, '\n' | '\t' | '\r'))
        .map(|(i, c)| {
            let from = text[..i].char_indices().rev().nth(30).map_or(0, |(j, _)| j);
            format!("U+{:04X} after {:?}", u32::from(c), &text[from..i])
        })
}

fn assert_clean(what: &str, bytes: &[u8]) {
    if let Some(bad) = dirty(bytes) {
        panic!("{what}: {bad}");
    }
}

/// A pack whose every text field carries ESC sequences, OSC 52 (clipboard),
/// OSC 0 (window title), C1 controls, DEL and bidi overrides and isolates.
const EVIL_PACK: &str = r#"
checks:
  - id: evil-check
    rung: restart
    do: "Restart \e]52;c;aGVsbG8=\a now \x9b2J"
    ask: "Did it \e]0;pwned\a help?"
    caution: "Careful \u202eevil\u202c \x85 \x7f \x90dcs\x9c"
trees:
  - id: evil
    title: {en: "Evil \e[31mred\e[0m \e]0;title\a D:\\data", zh: "邪恶 \e]52;c;eA==\a"}
    summary: "Sum \x9d0;t\x9c mary \u2066iso\u2069 \u200f"
    category: power
    keywords: {en: ["kw\e]0;t\a", "bidi\u202e"], zh: ["中\e[2J"]}
    start: a
    nodes:
      - id: a
        kind: check
        use: evil-check
        caution: "C \e[8m hidden \e_apc\e\\"
        yes: done
        no: b
      - id: b
        kind: choice
        ask: "Pick \e]52;c;Zm9v\a"
        choices:
          - {id: one, label: "One \x9b31m", next: c}
          - {id: two, label: {en: "Two \e]0;x\a", zh: "二 \u202e"}, next: esc}
      - id: c
        kind: text
        ask: "Type \e]0;t\a the code"
        routes:
          - {match: "05|51", next: esc}
        otherwise: done
      - id: esc
        kind: escalate
        party: vendor
        text: "Call \e]52;c;YmFy\a vendor <script>alert(1)</script> ![x](http://evil/x.png) <img src=x onerror=alert(1)>"
      - id: done
        kind: resolved
        text: "Fixed \e[1m \e[?1049h"
        customer: "Tell \e]0;c\a them"
codes:
  - code: "Q7"
    meaning: "Means \e]52;c;cXE=\a this"
    owner: terminal
    action: "Do \x9b1m that"
    customer: "Say \u202e this"
"#;

/// The pack in a folder and a file whose names carry escapes too.
fn evil_pack(env: &Env) -> PathBuf {
    let dir = env.home().join("pack\u{1b}]0;pwned\u{7}\u{202e}");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("evil\u{9b}1m\u{1b}[2J.yaml"), EVIL_PACK).unwrap();
    dir
}

#[test]
fn a_hostile_pack_never_reaches_the_terminal_raw() {
    let env = Env::new();
    let pack = evil_pack(&env);
    let out_file = env.home().join("out");
    let runs: &[&[&str]] = &[
        &["list"],
        &["list", "--json"],
        &["validate"],
        &["validate", "--json"],
        &["validate", "--strict"],
        &["checklist", "evil"],
        &["checklist", "evil", "--format", "markdown"],
        &["checklist", "evil", "--format", "html"],
        &["--lang", "zh", "checklist", "evil", "--width", "32"],
        &["checklist", "--all", "--format", "html", "-o", "OUT"],
        &["graph", "evil"],
        &["graph", "evil", "--format", "mermaid"],
        &["--lang", "zh", "graph", "evil", "--format", "mermaid"],
        &["code", "Q7"],
        &["code", "Q7", "--json"],
        &["search", "evil"],
        &["search", "kw"],
        &["run", "evil", "--no-input"],
        &[
            "run",
            "evil",
            "--no-input",
            "--answer",
            "a=no",
            "--answer",
            "b=two",
        ],
        &[
            "run",
            "evil",
            "--no-input",
            "--json",
            "--answer",
            "a=no",
            "--answer",
            "b=one",
            "--answer",
            "c=05",
        ],
        &[
            "--lang",
            "zh",
            "run",
            "evil",
            "--no-input",
            "--answer",
            "a=yes",
        ],
        &[
            "run",
            "evil",
            "--no-input",
            "--answer",
            "a=maybe\u{1b}]0;x\u{7}",
        ],
        &["run", "evil\u{1b}]0;pwned\u{7}", "--no-input"],
        &["code", "\u{9b}31m\u{1b}]52;c;eA==\u{7}"],
        &["profile", "set", "merchant", "Shop \u{1b}]0;t\u{7}\u{202e}"],
        &["profile", "set", "mid", "\u{1b}[31m123"],
        &["profile", "show"],
        &["--terminal", "t\u{1b}]0;x\u{7}", "profile", "show"],
    ];
    let mut exits = Vec::new();
    for args in runs {
        let a = env
            .cmd()
            .arg("--rules")
            .arg(&pack)
            .args(args.iter().map(|s| {
                if *s == "OUT" {
                    out_file.to_str().unwrap()
                } else {
                    s
                }
            }))
            .assert();
        let o = a.get_output();
        assert_clean(&format!("{args:?} stdout"), &o.stdout);
        assert_clean(&format!("{args:?} stderr"), &o.stderr);
        exits.push((args.to_vec(), o.status.code()));
    }
    // The pack loads (text is cleaned, with warnings) and runs.
    assert!(exits.iter().any(|(a, c)| a == &["list"] && *c == Some(0)));
    assert!(exits
        .iter()
        .any(|(a, c)| a == &["validate", "--strict"] && *c == Some(1)));
    for f in files_under(env.home()) {
        if f.to_string_lossy().contains("pack") {
            continue;
        }
        assert_clean(&f.display().to_string(), &std::fs::read(&f).unwrap());
    }
    for log in env.logs() {
        for format in ["text", "markdown", "json"] {
            let a = env
                .cmd()
                .arg("report")
                .arg(&log)
                .args(["--format", format])
                .assert();
            assert_clean("report", &a.get_output().stdout);
            assert_clean("report", &a.get_output().stderr);
        }
    }
    // The findings name what is wrong, and where.
    let a = env
        .cmd()
        .arg("--rules")
        .arg(&pack)
        .arg("validate")
        .assert()
        .code(0);
    let text = stdout(&a);
    assert!(text.contains("holds a control character"), "{text}");
    assert!(text.contains("bidirectional control character"), "{text}");
    assert!(text.contains("evil\\u{9b}1m\\u{1b}[2J.yaml:"), "{text}");
    // JSON keeps the exact value, escaped.
    let a = env
        .cmd()
        .arg("--rules")
        .arg(&pack)
        .args(["list", "--json"])
        .assert()
        .code(0);
    let raw = stdout(&a);
    assert!(raw.contains("\\u001b]0;pwned\\u0007\\u202e"), "{raw}");
    let v = json(&a.get_output().stdout);
    let evil = v
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == "evil")
        .unwrap();
    assert_eq!(evil["title"], "Evil red  D:\\data");
    assert_eq!(evil["keywords"]["en"][1], "bidi");
}

#[test]
fn the_markdown_report_escapes_html_and_images() {
    let env = Env::new();
    let pack = evil_pack(&env);
    env.cmd()
        .args([
            "profile",
            "set",
            "merchant",
            "<img src=x onerror=alert(1)> ![t](http://e/t.png)",
        ])
        .assert()
        .code(0);
    let run = |answers: &[&str], code: i32| -> serde_json::Value {
        let a = env
            .cmd()
            .arg("--rules")
            .arg(&pack)
            .args(["run", "evil", "--no-input", "--json"])
            .args(answer_flags(answers))
            .assert()
            .code(code);
        json(&a.get_output().stdout)
    };
    let v = run(
        &[
            "a=no",
            "b=one",
            "c=<script>x</script> [a](javascript:alert(1)) 06",
        ],
        0,
    );
    let log = v["log"].as_str().unwrap();
    let a = env
        .cmd()
        .args(["report", "--format", "markdown", log])
        .assert()
        .code(0);
    // Typed answers are quoted in code spans, where Markdown shows tags as
    // text; everywhere else a tag or a link is escaped.
    let outside_code = |md: &str| -> String {
        md.split('`')
            .step_by(2)
            .collect::<Vec<_>>()
            .join(" ")
            .replace("\\]", "")
    };
    let md = stdout(&a);
    assert!(
        md.contains("`<script>x</script> [a](javascript:alert(1)) 06`"),
        "{md}"
    );
    let md = outside_code(&md);
    assert!(!md.contains('<') && !md.contains("]("), "{md}");
    assert!(md.contains("&lt;script&gt;x&lt;/script&gt;"), "{md}");
    // The escalation writes the same Markdown into the report file.
    let v = run(&["a=no", "b=two"], 3);
    let report = std::fs::read_to_string(v["report"].as_str().unwrap()).unwrap();
    let report = outside_code(&report);
    assert!(!report.contains('<') && !report.contains("]("), "{report}");
    assert!(
        report.contains("vendor &lt;script&gt;alert(1)&lt;/script&gt; !\\[x")
            && report.contains("&lt;img src=x onerror=alert(1)&gt; !\\[t"),
        "{report}"
    );
}

#[test]
fn ids_references_and_patterns_with_control_characters_are_errors() {
    let env = Env::new();
    let pack = env.write(
        "p/t.yaml",
        "trees:\n  - id: t\n    title: {en: T, zh: T}\n    category: power\n    keywords: {en: [t], zh: [t]}\n    start: a\n    nodes:\n      - {id: a, kind: text, ask: {en: Q, zh: Q}, routes: [{match: \"0\\e]0;x\\a5\", next: b}], otherwise: \"b\\e[1m\"}\n      - {id: b, kind: resolved, text: {en: ok, zh: 好}}\n      - {id: \"c\\e]0;x\\a\", kind: resolved, text: {en: ok, zh: 好}}\n",
    );
    let a = env
        .cmd()
        .arg("--no-builtin")
        .arg("validate")
        .arg(&pack)
        .assert()
        .code(1);
    let text = stdout(&a);
    assert_clean("validate", text.as_bytes());
    assert!(
        text.contains(":8:") && text.contains("`match` holds a control character"),
        "{text}"
    );
    assert!(
        text.contains("`otherwise` holds a control character"),
        "{text}"
    );
    assert!(
        text.contains("node id `c\\u{1b}]0;x\\u{7}` is not allowed"),
        "{text}"
    );
}

// ---- card numbers -------------------------------------------------------

/// 4111 1111 1111 1111 (Luhn-valid) in the forms people and input methods
/// type it.
const CARD_FORMS: &[&str] = &[
    "４１１１１１１１１１１１１１１１",
    "４１１１　１１１１　１１１１　１１１１",
    "٤١١١ ١١١١ ١١١١ ١١١١",
    "۴۱۱۱۱۱۱۱۱۱۱۱۱۱۱۱",
    "४१११ ११११ ११११ ११११",
    "4111\u{a0}1111\u{a0}1111\u{a0}1111",
    "4111\u{3000}1111\u{3000}1111\u{3000}1111",
    "4111\u{2009}1111\u{202f}1111\u{2007}1111",
    "4111.1111.1111.1111",
    "4111  1111  1111  1111",
    "4111\t1111\t1111\t1111",
    "4111/1111/1111/1111",
    "4111,1111,1111,1111",
    "4111_1111_1111_1111",
    "4111－1111－1111－1111",
    "4111．1111／1111，1111",
    "4111 - 1111 - 1111 - 1111",
    "2024-11-23 4111 1111 1111 1111",
];

/// The first twelve digits of the card, as any script writes them, must
/// appear nowhere (separators removed, digits read as ASCII).
fn assert_no_card(what: &str, bytes: &[u8]) {
    let text = normalize_digits(&String::from_utf8_lossy(bytes));
    assert!(
        !text.contains("411111111111"),
        "{what} keeps the card number: {text}"
    );
}

fn assert_no_card_anywhere(env: &Env, outputs: &[(&str, &[u8])]) {
    for (what, bytes) in outputs {
        assert_no_card(what, bytes);
    }
    // Every file posdoctor wrote (the answers file is the test's own input).
    for f in files_under(env.home()) {
        if !f.ends_with("answers.yaml") {
            assert_no_card(&f.display().to_string(), &std::fs::read(&f).unwrap());
        }
    }
}

#[test]
fn card_numbers_in_every_form_through_every_entry_are_never_kept() {
    for card in CARD_FORMS {
        let env = Env::new();
        let mut outputs: Vec<(String, Vec<u8>)> = Vec::new();
        let mut keep = |what: &str, a: &assert_cmd::assert::Assert| {
            outputs.push((format!("{what} stdout"), a.get_output().stdout.clone()));
            outputs.push((format!("{what} stderr"), a.get_output().stderr.clone()));
        };
        // --answer, to a text node (the code on the screen).
        let a = env
            .cmd()
            .args(["run", "transaction-failed", "--no-input", "--json"])
            .args(["--answer", "what-happened=code", "--answer"])
            .arg(format!("code=card {card} shown"))
            .args([
                "--answer",
                "unknown-record=not-approved",
                "--answer",
                "unknown-record=not-approved",
                "--answer",
                "other-card=no",
                "--answer",
                "connection-message=no",
            ])
            .assert()
            .code(3);
        keep("--answer", &a);
        let err = stderr(&a);
        assert!(err.contains("masked"), "{card}: {err}");
        // An answers file, YAML and JSON.
        let file = env.write("answers.yaml", format!("what-happened: code\ncode: \"{card}\"\nunknown-record: not-approved\nother-card: 'no'\nconnection-message: 'no'\n"));
        let a = env
            .cmd()
            .args(["run", "transaction-failed", "--no-input", "--answers"])
            .arg(&file)
            .assert()
            .code(3);
        keep("--answers", &a);
        // "is not an answer" echoes the value given.
        let a = env
            .cmd()
            .args(["run", "transaction-failed", "--no-input", "--answer"])
            .arg(format!("what-happened={card}"))
            .assert()
            .code(1);
        keep("not an answer", &a);
        // An unknown code echoes it too.
        let a = env.cmd().args(["code", card]).assert().code(1);
        keep("code", &a);
        // The profile: free text is masked, an identifier is refused.
        let a = env
            .cmd()
            .args(["profile", "set", "merchant"])
            .arg(format!("Shop {card}"))
            .assert()
            .code(0);
        keep("profile set merchant", &a);
        let a = env
            .cmd()
            .args(["profile", "set", "contact.vendor.name", card])
            .assert()
            .code(0);
        keep("profile set contact", &a);
        // An identifier that can only be a card number is refused.
        for key in ["mid", "serial"] {
            let a = env
                .cmd()
                .args(["profile", "set", key, card])
                .assert()
                .code(1);
            keep("profile set mid", &a);
        }
        // --terminal lands in the log's facts.
        let a = env
            .cmd()
            .arg("--terminal")
            .arg(card)
            .args(["run", "no-power", "--no-input"])
            .args(answer_flags(NO_POWER_TO_VENDOR))
            .assert()
            .code(3);
        keep("--terminal", &a);
        let a = env.cmd().args(["profile", "show"]).assert().code(0);
        keep("profile show", &a);
        let refs: Vec<(&str, &[u8])> = outputs
            .iter()
            .map(|(w, b)| (w.as_str(), b.as_slice()))
            .collect();
        assert_no_card_anywhere(&env, &refs);
        assert!(env.logs().len() >= 3, "{card}");
    }
}

#[test]
fn a_card_number_in_a_hand_edited_profile_or_log_is_masked_on_the_way_out() {
    let env = Env::new();
    let card = "４１１１ １１１１ １１１１ １１１１";
    env.write(
        "profile.yaml",
        format!("merchant: \"Noodles {card}\"\nmid: \"378282246310005\"\ncontacts:\n  vendor:\n    phone: \"4111-1111-1111-1111\"\n"),
    );
    let a = env
        .cmd()
        .args(["run", "no-power", "--no-input", "--json"])
        .args(answer_flags(NO_POWER_TO_VENDOR))
        .assert()
        .code(3);
    let err = stderr(&a);
    assert!(err.contains("holds a card number"), "{err}");
    let v = json(&a.get_output().stdout);
    let report = std::fs::read_to_string(v["report"].as_str().unwrap()).unwrap();
    assert!(
        report.contains("378282246310005"),
        "the MID stays: {report}"
    );
    let log = env.write(
        "old.jsonl",
        format!(
            "{{\"event\":\"start\",\"time\":\"2026-01-01T10:00:00Z\",\"tree\":\"transaction-failed\",\"title\":\"T \\u001b]0;x\\u0007\",\"lang\":\"en\",\"version\":\"0\",\"format\":1}}\n\
             {{\"event\":\"step\",\"time\":\"2026-01-01T10:00:01Z\",\"n\":1,\"node\":\"keep-selling\",\"kind\":\"info\",\"prompt\":\"K \\u001b]52;c;eA==\\u0007\",\"answer\":null}}\n\
             {{\"event\":\"step\",\"time\":\"2026-01-01T10:00:01Z\",\"n\":2,\"node\":\"what-happened\",\"kind\":\"choice\",\"prompt\":\"P \\u009b2J\",\"answer\":\"code\"}}\n\
             {{\"event\":\"step\",\"time\":\"2026-01-01T10:00:02Z\",\"n\":3,\"node\":\"code\",\"kind\":\"text\",\"prompt\":\"Code \\u0000?\",\"answer\":\"{card} \\u001b[2J\"}}\n"
        ),
    );
    let mut outs: Vec<(String, Vec<u8>)> = Vec::new();
    for format in ["text", "markdown", "json"] {
        let a = env
            .cmd()
            .arg("report")
            .arg(&log)
            .args(["--format", format])
            .assert()
            .code(0);
        assert_clean("report", &a.get_output().stdout);
        outs.push((format!("report {format}"), a.get_output().stdout.clone()));
    }
    // --resume copies the log's steps into the new report: redacted.
    let a = env
        .cmd()
        .args([
            "run",
            "transaction-failed",
            "--no-input",
            "--json",
            "--resume",
        ])
        .arg(&log)
        .args([
            "--answer",
            "unknown-record=not-approved",
            "--answer",
            "other-card=no",
            "--answer",
            "connection-message=no",
        ])
        .assert()
        .code(3);
    assert_clean("resume", &a.get_output().stdout);
    outs.push(("resume".into(), a.get_output().stdout.clone()));
    let v = json(&a.get_output().stdout);
    let report = std::fs::read(v["report"].as_str().unwrap()).unwrap();
    assert_clean("resumed report", &report);
    for (what, bytes) in &outs {
        assert_no_card(what, bytes);
    }
    // Everything posdoctor wrote (the log it was given keeps what it had).
    for f in files_under(env.home()) {
        if f != log && !f.ends_with("profile.yaml") {
            assert_no_card(&f.display().to_string(), &std::fs::read(&f).unwrap());
        }
    }
}

// ---- safe writes ---------------------------------------------------------

fn mkfifo(path: &Path) {
    let ok = Std::new("mkfifo").arg(path).status().unwrap().success();
    assert!(ok, "mkfifo");
}

/// Reads a FIFO to its end in a thread; the bytes come back when joined.
fn drain(path: &Path) -> std::thread::JoinHandle<Vec<u8>> {
    let path = path.to_path_buf();
    std::thread::spawn(move || std::fs::read(path).unwrap())
}

#[cfg(unix)]
#[test]
fn output_files_keep_what_is_at_the_path() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    let dir = env.home();
    // A symlink: followed, and still a link.
    let target = env.write("real.txt", "old");
    let link = dir.join("link.txt");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    env.cmd()
        .args(["checklist", "no-power", "-o"])
        .arg(&link)
        .assert()
        .code(0);
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(std::fs::read_to_string(&target)
        .unwrap()
        .contains("KEEP SELLING"));
    // A read-only file: refused, untouched.
    let ro = env.write("ro.txt", "keep me");
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o444)).unwrap();
    let a = env
        .cmd()
        .args(["checklist", "no-power", "-o"])
        .arg(&ro)
        .assert()
        .code(1);
    assert!(stderr(&a).contains("read-only"), "{}", stderr(&a));
    assert_eq!(std::fs::read_to_string(&ro).unwrap(), "keep me");
    // A FIFO with a reader: written as a stream, still a FIFO.
    let fifo = dir.join("fifo");
    mkfifo(&fifo);
    let reader = drain(&fifo);
    env.cmd()
        .args(["checklist", "no-power", "-o"])
        .arg(&fifo)
        .assert()
        .code(0);
    assert!(String::from_utf8(reader.join().unwrap())
        .unwrap()
        .contains("KEEP SELLING"));
    // A FIFO nobody reads: an error at once, not a wait.
    let t = Instant::now();
    let a = env
        .cmd()
        .args(["checklist", "no-power", "-o"])
        .arg(&fifo)
        .assert()
        .code(1);
    assert!(t.elapsed() < Duration::from_secs(5));
    assert!(stderr(&a).contains("nobody reads"), "{}", stderr(&a));
    {
        use std::os::unix::fs::FileTypeExt;
        assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
    }
    // Devices are streams: /dev/null stays a device, /dev/stdout prints.
    env.cmd()
        .args(["checklist", "no-power", "-o", "/dev/null"])
        .assert()
        .code(0);
    {
        use std::os::unix::fs::FileTypeExt;
        assert!(std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device());
    }
    let a = env
        .cmd()
        .args(["checklist", "no-power", "-o", "/dev/stdout"])
        .assert()
        .code(0);
    assert!(stdout(&a).contains("KEEP SELLING"));
    // A folder: refused.
    env.cmd()
        .args(["checklist", "no-power", "-o"])
        .arg(dir)
        .assert()
        .code(1);
}

#[cfg(unix)]
#[test]
fn session_logs_and_the_profile_keep_what_is_at_the_path() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    let dir = env.home();
    let run = |log: &Path| {
        let mut c = env.cmd();
        c.args([
            "run",
            "no-power",
            "--no-input",
            "--answer",
            "danger=no",
            "--log",
        ])
        .arg(log);
        c
    };
    // A symlinked log: appended through the link, the link stays.
    let target = env.write("real.jsonl", "");
    let link = dir.join("link.jsonl");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    run(&link).assert().code(4);
    run(&link).assert().code(4);
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    let text = std::fs::read_to_string(&target).unwrap();
    assert_eq!(text.matches("\"event\":\"start\"").count(), 2, "{text}");
    // A read-only log: refused before the first step, untouched.
    let ro = env.write("ro.jsonl", "");
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o444)).unwrap();
    let a = run(&ro).assert().code(1);
    assert!(stderr(&a).contains("read-only"), "{}", stderr(&a));
    assert_eq!(std::fs::read_to_string(&ro).unwrap(), "");
    // A FIFO log with a reader gets every event.
    let fifo = dir.join("log.fifo");
    mkfifo(&fifo);
    let reader = drain(&fifo);
    run(&fifo).assert().code(4);
    let events = String::from_utf8(reader.join().unwrap()).unwrap();
    assert!(events.contains("\"event\":\"end\""), "{events}");
    // /dev/null as the log.
    run(Path::new("/dev/null")).assert().code(4);
    // A symlinked profile stays a link.
    let real = env.write("elsewhere/profile.yaml", "merchant: A\n");
    std::os::unix::fs::symlink(&real, dir.join("profile.yaml")).unwrap();
    env.cmd()
        .args(["profile", "set", "mid", "123456789012345"])
        .assert()
        .code(0);
    assert!(std::fs::symlink_metadata(dir.join("profile.yaml"))
        .unwrap()
        .file_type()
        .is_symlink());
    let text = std::fs::read_to_string(&real).unwrap();
    assert!(
        text.contains("123456789012345") && text.contains("merchant: A"),
        "{text}"
    );
}

#[cfg(unix)]
#[test]
fn reports_are_never_overwritten() {
    let env = Env::new();
    // Two escalations logged to one file: their reports share a name.
    let escalate = || -> String {
        let a = env
            .cmd()
            .args(["run", "no-power", "--no-input", "--json", "--log"])
            .arg(env.home().join("same.jsonl"))
            .args(answer_flags(NO_POWER_TO_VENDOR))
            .assert()
            .code(3);
        let v = json(&a.get_output().stdout);
        v["report"].as_str().unwrap().to_owned()
    };
    let first = escalate();
    let before = std::fs::read(&first).unwrap();
    // A dangling link where the next report would go is left alone too.
    std::os::unix::fs::symlink("/nonexistent", env.home().join("reports/same-2.md")).unwrap();
    let second = escalate();
    assert_ne!(first, second);
    assert!(second.ends_with("same-3.md"), "{second}");
    assert_eq!(std::fs::read(&first).unwrap(), before);
}

// ---- no hangs --------------------------------------------------------------

#[cfg(unix)]
#[test]
fn fifos_devices_and_folders_as_inputs_are_errors_at_once() {
    let env = Env::new();
    let fifo = env.home().join("in.fifo");
    mkfifo(&fifo);
    let quick = |mut c: assert_cmd::Command, what: &str| -> String {
        let t = Instant::now();
        let a = c.timeout(Duration::from_secs(10)).assert();
        assert!(t.elapsed() < Duration::from_secs(5), "{what} waited");
        assert!(
            a.get_output().status.code().is_some(),
            "{what} was killed (it hung)"
        );
        stderr(&a)
    };
    for input in [fifo.as_path(), Path::new("/dev/zero"), env.home()] {
        let mut c = env.cmd();
        c.args(["run", "no-power", "--no-input", "--answers"])
            .arg(input);
        let err = quick(c, "--answers");
        assert!(
            err.contains("not a regular file") || err.contains("folder"),
            "{err}"
        );
        let mut c = env.cmd();
        c.arg("report").arg(input);
        let err = quick(c, "report");
        assert!(
            err.contains("not a regular file") || err.contains("folder"),
            "{err}"
        );
        let mut c = env.cmd();
        c.args(["run", "no-power", "--no-input", "--resume"])
            .arg(input);
        quick(c, "--resume");
    }
    let mut c = env.cmd();
    c.arg("--rules").arg(&fifo).arg("list");
    let err = quick(c, "--rules FIFO");
    assert!(err.contains("FIFO"), "{err}");
    // The profile as a FIFO: runs go on without it, profile commands say so.
    let profile = env.home().join("profile.yaml");
    mkfifo(&profile);
    let mut c = env.cmd();
    c.args(["run", "no-power", "--no-input", "--answer", "danger=no"]);
    let err = quick(c, "run with a FIFO profile");
    assert!(
        err.contains("FIFO") && err.contains("continuing without the profile"),
        "{err}"
    );
    let mut c = env.cmd();
    c.args(["checklist", "no-power"]);
    quick(c, "checklist");
    for args in [
        &["profile", "show"][..],
        &["profile", "set", "mid", "12345678"],
    ] {
        let mut c = env.cmd();
        c.args(args);
        let err = quick(c, "profile");
        assert!(err.contains("FIFO"), "{err}");
    }
}

// ---- lost updates ------------------------------------------------------------

#[test]
fn twenty_parallel_profile_sets_all_land() {
    let env = Env::new();
    let mut keys: Vec<(String, String)> = vec![
        ("merchant".into(), "Noodles".into()),
        ("mid".into(), "123456789012345".into()),
        ("tid".into(), "T0001".into()),
        ("make".into(), "Acme".into()),
        ("model".into(), "A920".into()),
        ("serial".into(), "SN-1".into()),
        ("purchase_date".into(), "2025-01-01".into()),
        ("warranty_until".into(), "2027-01-01".into()),
        ("connection".into(), "wifi".into()),
    ];
    for party in ["vendor", "acquirer", "isp"] {
        for field in ["name", "hours"] {
            keys.push((
                format!("contact.{party}.{field}"),
                format!("{party} {field}"),
            ));
        }
    }
    for party in ["vendor", "acquirer", "issuer", "isp", "power"] {
        keys.push((format!("contact.{party}.phone"), "+86 21 5555 0100".into()));
    }
    keys.truncate(20);
    assert_eq!(keys.len(), 20);
    let bin = assert_cmd::cargo::cargo_bin!("posdoctor");
    let children: Vec<_> = keys
        .iter()
        .map(|(k, v)| {
            Std::new(bin)
                .env("POSDOCTOR_HOME", env.home())
                .args(["profile", "set", k, v])
                .spawn()
                .unwrap()
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let a = env
        .cmd()
        .args(["profile", "show", "--json"])
        .assert()
        .code(0);
    let text = stdout(&a);
    for (k, v) in &keys {
        assert!(text.contains(v.as_str()), "{k} = {v} was lost:\n{text}");
    }
}

// ---- regexes, big files, logs, graphs -----------------------------------------

const HEAD: &str = "trees:\n  - id: t\n    title: {en: T, zh: T}\n    category: power\n    keywords: {en: [t], zh: [t]}\n    start: a\n    nodes:\n";

#[test]
fn a_pattern_too_big_to_compile_is_an_error_at_its_line() {
    let env = Env::new();
    let pack = env.write(
        "rx.yaml",
        format!("{HEAD}      - {{id: a, kind: text, ask: {{en: Q, zh: Q}}, otherwise: ok, routes: [\n          {{match: '\\w{{40}}', next: esc}},\n          {{match: '[\\w\\s]{{0,300}}error', next: esc}}]}}\n      - {{id: esc, kind: escalate, party: vendor, text: {{en: c, zh: c}}}}\n      - {{id: ok, kind: resolved, text: {{en: ok, zh: 好}}}}\n"),
    );
    let a = env
        .cmd()
        .args(["--no-builtin", "validate", "--strict"])
        .arg(&pack)
        .assert()
        .code(1);
    let text = stdout(&a);
    assert!(
        text.contains("rx.yaml:9:") && text.contains("rx.yaml:10:"),
        "{text}"
    );
    assert!(text.contains("the pattern is too big"), "{text}");
    // And the run refuses instead of silently taking `otherwise`.
    env.cmd()
        .args(["--no-builtin", "--rules"])
        .arg(&pack)
        .args(["run", "t", "--no-input", "--answer", "a=x"])
        .assert()
        .code(1);
}

#[test]
fn a_choice_with_5000_options_validates_in_linear_time() {
    let env = Env::new();
    let mut yaml = format!("{HEAD}      - id: a\n        kind: choice\n        ask: {{en: Q, zh: Q}}\n        choices:\n");
    for i in 0..5000 {
        yaml.push_str(&format!(
            "          - {{id: o{i}, label: Option {i}, next: n{i}}}\n"
        ));
    }
    for i in 0..5000 {
        yaml.push_str(&format!("      - {{id: n{i}, kind: resolved, text: ok}}\n"));
    }
    let pack = env.write("big.yaml", yaml);
    let t = Instant::now();
    let a = env
        .cmd()
        .args(["--no-builtin", "validate"])
        .arg(&pack)
        .assert()
        .code(0);
    // 10 000 findings (missing translations): quadratic took half a minute.
    assert!(t.elapsed() < Duration::from_secs(15), "{:?}", t.elapsed());
    assert!(stdout(&a).contains("10000 warning(s)"));
}

#[test]
fn only_the_last_log_line_may_be_torn() {
    let env = Env::new();
    let log = env.home().join("s.jsonl");
    env.cmd()
        .args([
            "run",
            "no-power",
            "--no-input",
            "--answer",
            "danger=no",
            "--answer",
            "shop-power=yes",
            "--log",
        ])
        .arg(&log)
        .assert()
        .code(4);
    let text = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    // A line cut in the middle of the log: corruption, named by file and line.
    let mut bad = lines.clone();
    bad[1] = &lines[1][..lines[1].len() / 2];
    let corrupt = env.write("corrupt.jsonl", bad.join("\n") + "\n");
    for mut c in [
        {
            let mut c = env.cmd();
            c.arg("report").arg(&corrupt);
            c
        },
        {
            let mut c = env.cmd();
            c.args(["run", "no-power", "--no-input", "--resume"])
                .arg(&corrupt);
            c
        },
    ] {
        let a = c.assert().code(1);
        let err = stderr(&a);
        assert!(
            err.contains("corrupt.jsonl: line 2:") && err.contains("cut off"),
            "{err}"
        );
    }
    // Garbage in the middle, the same.
    let mut bad = lines.clone();
    bad[2] = "not json";
    let garbage = env.write("garbage.jsonl", bad.join("\n") + "\n");
    let a = env.cmd().arg("report").arg(&garbage).assert().code(1);
    assert!(
        stderr(&a).contains("garbage.jsonl: line 3:"),
        "{}",
        stderr(&a)
    );
    // The last line cut: a warning, the rest is read.
    let torn = env.write("torn.jsonl", format!("{text}{{\"event\":\"step\",\"ti"));
    let a = env.cmd().arg("report").arg(&torn).assert().code(0);
    assert!(stderr(&a).contains("was cut off"), "{}", stderr(&a));
}

#[test]
fn graphs_escape_titles_and_cut_long_words() {
    let env = Env::new();
    let long = "x".repeat(3900);
    let pack = env.write(
        "g.yaml",
        format!("trees:\n  - id: g\n    title: {{en: 'D:\\data \"quoted\" ''single'' {long}', zh: 'D:\\数据'}}\n    category: power\n    keywords: {{en: [g], zh: [g]}}\n    start: a\n    nodes:\n      - {{id: a, kind: choice, ask: {{en: '{long}', zh: 问}}, choices: [{{id: c, label: '{long}', next: ok}}]}}\n      - {{id: ok, kind: resolved, text: {{en: '{long}', zh: 好}}}}\n"),
    );
    let a = env
        .cmd()
        .args(["--no-builtin", "--rules"])
        .arg(&pack)
        .args(["graph", "g", "--format", "mermaid"])
        .assert()
        .code(0);
    let mermaid = stdout(&a);
    let front = mermaid.split("---\n").nth(1).unwrap();
    let parsed: serde_yaml::Value = serde_yaml::from_str(front).expect("the front matter is YAML");
    let title = parsed["title"].as_str().unwrap();
    assert!(
        title.starts_with("D:\\data \"quoted\" 'single' xxx"),
        "{title}"
    );
    assert!(
        mermaid.lines().all(|l| l.chars().count() < 400),
        "a line is too long"
    );
    let a = env
        .cmd()
        .args(["--no-builtin", "--rules"])
        .arg(&pack)
        .args(["graph", "g"])
        .assert()
        .code(0);
    let dot = stdout(&a);
    assert!(dot.contains("label=\"D:\\\\data \\\"quoted\\\""), "{dot}");
    assert!(
        dot.lines().all(|l| l.chars().count() < 400),
        "a line is too long"
    );
    if Std::new("dot").arg("-V").output().is_ok() || std::env::var_os("CI").is_some() {
        let svg = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(svg.path(), &dot).unwrap();
        let out = Std::new("dot")
            .arg("-Tsvg")
            .arg(svg.path())
            .output()
            .expect("dot (graphviz) is installed");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

// ---- smaller ones ----------------------------------------------------------------

#[test]
fn answers_files_resolve_aliases_and_name_themselves_in_errors() {
    let env = Env::new();
    let file = env.write("a.yaml", "danger: &n 'no'\nshop-power: *n\n");
    let a = env
        .cmd()
        .args(["run", "no-power", "--no-input", "--json", "--answers"])
        .arg(&file)
        .assert()
        .code(4);
    let v = json(&a.get_output().stdout);
    assert_eq!(v["steps"][1]["answer"], "no", "{v}");
    let file = env.write("b.yaml", "danger: 'no'\nshop-power: perhaps\n");
    let a = env
        .cmd()
        .args(["run", "no-power", "--no-input", "--answers"])
        .arg(&file)
        .assert()
        .code(1);
    let err = stderr(&a);
    assert!(
        err.contains("b.yaml:2:1: `perhaps` is not an answer to `shop-power`"),
        "{err}"
    );
    // A node given twice is refused at the second, in YAML as in JSON (a
    // JSON object would silently keep the last).
    for (name, text, want) in [
        (
            "c.yaml",
            "danger: 'no'\nshop-power: 'yes'\ndanger: 'yes'\n",
            "c.yaml:3:1: error: duplicate entry",
        ),
        (
            "d.json",
            r#"{"danger":"no","danger":"yes"}"#,
            "d.json:1:16: error: duplicate entry with key \"danger\"",
        ),
    ] {
        let file = env.write(name, text);
        let a = env
            .cmd()
            .args(["run", "no-power", "--no-input", "--no-log", "--answers"])
            .arg(&file)
            .assert()
            .code(1);
        assert!(stderr(&a).contains(want), "{}", stderr(&a));
    }
    // Each key once, JSON is read as before.
    let file = env.write("e.json", r#"{"danger":"yes"}"#);
    env.cmd()
        .args(["run", "no-power", "--no-input", "--no-log", "--answers"])
        .arg(&file)
        .assert()
        .code(3);
}

#[test]
fn raw_control_characters_in_a_rule_file_are_reported_where_they_are() {
    let env = Env::new();
    let pack = env.write(
        "raw.yaml",
        format!("{HEAD}      - {{id: a, kind: resolved, text: \"ok \u{1b}[31m\"}}\n"),
    );
    let a = env
        .cmd()
        .args(["--no-builtin", "validate"])
        .arg(&pack)
        .assert()
        .code(1);
    let text = stdout(&a);
    assert!(
        text.contains("raw.yaml:8:43: error: the file holds a raw control character (U+001B)"),
        "{text}"
    );
    assert_clean("validate", text.as_bytes());
}

// ---- the forms, generated -----------------------------------------------------

mod forms {
    use posdoctor::privacy::{luhn, mask_card_numbers, normalize_digits};
    use proptest::prelude::*;

    /// The digit zero of some scripts people type digits in: ASCII,
    /// full-width, Arabic-Indic, Extended Arabic-Indic (Persian),
    /// Devanagari, Bengali, Thai, Mathematical bold.
    const ZEROS: &[u32] = &[0x30, 0xff10, 0x660, 0x6f0, 0x966, 0x9e6, 0xe50, 0x1d7ce];

    /// Separators between digit groups, as keyboards and input methods
    /// produce them.
    const SEPARATORS: &[char] = &[
        ' ',
        '\t',
        '-',
        '.',
        '/',
        ',',
        '_',
        '\u{a0}',
        '\u{3000}',
        '\u{2009}',
        '\u{202f}',
        '\u{2007}',
        '\u{200b}',
        '\u{ff0d}',
        '\u{ff0e}',
        '\u{ff0f}',
        '\u{ff0c}',
        '\u{ff3f}',
        '\u{2013}',
        '\u{2014}',
        '\u{3001}',
        // Invisible and format characters, Arabic separators, dots,
        // slashes and punctuation of many scripts.
        '\u{200d}',
        '\u{200c}',
        '\u{ad}',
        '\u{34f}',
        '\u{fe0f}',
        '\u{2062}',
        '\u{180e}',
        '\u{2800}',
        '\u{e0020}',
        '\u{66c}',
        '\u{60c}',
        '\u{66b}',
        '\u{b7}',
        '\u{2027}',
        '\u{fe52}',
        '\u{2044}',
        '\u{2215}',
        '\\',
        '\u{fe50}',
        ':',
        '+',
        '*',
        '#',
        '|',
        '~',
        '\'',
        '"',
        '(',
        '•',
        '\u{2219}',
        '〜',
        '～',
        '：',
        '\u{2017}',
        '\u{5be}',
        '\u{1361}',
        '\u{17d4}',
        '\u{2032}',
        '°',
        '\u{1b}',
        '\u{9b}',
        '\u{202e}',
    ];

    fn card() -> impl Strategy<Value = Vec<u8>> {
        (2u8..=6, proptest::collection::vec(0u8..10, 12..=18)).prop_map(|(first, rest)| {
            let mut d = vec![first];
            d.extend(rest);
            let last = d.len() - 1;
            for v in 0..10 {
                d[last] = v;
                if luhn(&d) {
                    break;
                }
            }
            d
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, .. ProptestConfig::default() })]

        #[test]
        fn every_written_form_of_a_card_number_is_masked(
            digits in card(),
            zero in proptest::sample::select(ZEROS),
            groups in proptest::collection::vec(1usize..=6, 1..12),
            seps in proptest::collection::vec(proptest::collection::vec(proptest::sample::select(SEPARATORS), 1..=3), 12),
            before in "[a-z 中文:]{0,12}",
            after in "[a-z 中文:]{0,12}",
            glue in proptest::collection::vec("[0-9]{0,3}", 2),
        ) {
            let mut written = String::new();
            let mut at = 0;
            let mut g = 0;
            while at < digits.len() {
                let size = groups[g % groups.len()];
                for d in &digits[at..(at + size).min(digits.len())] {
                    written.push(char::from_u32(zero + u32::from(*d)).unwrap());
                }
                at += size;
                if at < digits.len() {
                    written.extend(&seps[g % seps.len()]);
                }
                g += 1;
            }
            // Digits glued to a card of 15–19 digits, with no separator,
            // count too (13 and 14 digits are caught only on their own:
            // see privacy.rs).
            let glue = if digits.len() >= 15 { glue } else { vec![String::new(), String::new()] };
            let text = format!("{before} {}{written}{} {after}", glue[0], glue[1]);
            let (out, masked) = mask_card_numbers(&text);
            prop_assert!(masked, "{text:?}");
            let ascii: String = digits.iter().map(|d| char::from(b'0' + d)).collect();
            let kept = &ascii[..ascii.len() - 4];
            prop_assert!(!normalize_digits(&out).contains(kept), "{text:?} → {out:?}");
        }
    }
}

#[test]
fn a_chinese_keyboard_types_codes_and_answers_full_width() {
    let env = Env::new();
    // A code typed full-width finds the code.
    let a = env.cmd().args(["code", "０５", "--json"]).assert().code(0);
    assert_eq!(json(&a.get_output().stdout)["code"], "05");
    // Full-width yes/no, choice ids and a code at a text question route
    // like their ASCII forms (05 is the customer's bank: resolved for the
    // shop, with what to tell the customer).
    let v = env.run_json(
        "transaction-failed",
        &["what-happened=ｃｏｄｅ", "code=０５　"],
        0,
    );
    let steps = v["steps"].as_array().unwrap();
    let code = steps.iter().find(|s| s["node"] == "code").unwrap();
    assert_eq!(
        code["answer"], "05",
        "the code is read as the ASCII it stands for"
    );
    let ascii = env.run_json("transaction-failed", &["what-happened=code", "code=05"], 0);
    assert_eq!(v["resolution"]["node"], ascii["resolution"]["node"], "{v}");
    assert_eq!(v["customer"], ascii["customer"], "{v}");
    assert!(v["customer"].is_string(), "{v}");
    // A full-width yes answers a yes/no question.
    let yes = env.run_json("no-power", &["danger=ｙｅｓ"], 3);
    assert_eq!(yes["escalation"]["node"], "stop-danger", "{yes}");
}

#[test]
fn a_broken_pack_file_with_a_hostile_name_is_left_out_without_escapes() {
    let env = Env::new();
    let pack = evil_pack(&env);
    // A second file that does not load: its warning names it.
    std::fs::write(
        pack.join("broken\u{1b}]52;c;cHduZWQ=\u{7}.yaml"),
        "trees:\n  - id: x\n    nxt: 1\n",
    )
    .unwrap();
    for args in [
        vec![
            "run",
            "no-power",
            "--no-input",
            "--answer",
            "danger=yes",
            "--no-log",
        ],
        vec!["list"],
        vec!["run", "no-such-tree", "--no-input", "--no-log"],
        vec!["--json", "run", "no-such-tree", "--no-input", "--no-log"],
    ] {
        let out = env
            .cmd()
            .arg("--rules")
            .arg(&pack)
            .args(args.iter().filter(|a| **a != "--json"))
            .args(args.iter().filter(|a| **a == "--json"))
            .output()
            .unwrap();
        let what = args.join(" ");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("left out"),
            "{what}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_clean(&format!("{what} stdout"), &out.stdout);
        assert_clean(&format!("{what} stderr"), &out.stderr);
    }
}

// ---- a security tester's second round ----------------------------------------

/// The tester's card (Luhn-valid).
const CARD: &str = "4410946685234700";

/// Neither the card's first digits nor its middle appear, in any script,
/// whatever separates them.
fn assert_no_tester_card(what: &str, bytes: &[u8]) {
    let text = normalize_digits(&String::from_utf8_lossy(bytes));
    for part in ["44109466", "94668523"] {
        assert!(!text.contains(part), "{what} keeps the card number: {text}");
    }
}

/// The card with `sep` between its groups of four.
fn card_with(sep: &str) -> String {
    [&CARD[0..4], &CARD[4..8], &CARD[8..12], &CARD[12..]].join(sep)
}

#[test]
fn a_card_between_any_separators_or_glued_to_digits_is_masked_on_the_way_in() {
    let env = Env::new();
    let mut forms: Vec<String> = [
        "\u{200d}",
        "\u{ad}",
        "\u{34f}",
        "\u{fe0f}",
        "\u{2062}",
        "\u{180e}",
        "\u{2800}",
        "\u{e0020}",
        "\u{66c}",
        "\u{60c}",
        "\u{b7}",
        "\u{2027}",
        "\u{2044}",
        "\\",
        ":",
        "+",
        "*",
        "#",
        "|",
        "~",
        "'",
        "(",
        "•",
        "〜",
        "：",
        "\u{5be}",
        "\u{1361}",
        "\u{2032}",
        "°",
    ]
    .iter()
    .map(|s| card_with(s))
    .collect();
    forms.extend([
        format!("05{CARD}"),
        format!("{CARD}0"),
        format!("20241123{CARD}"),
    ]);
    for form in &forms {
        let a = env
            .cmd()
            .args(["run", "transaction-failed", "--no-input", "--json"])
            .args(["--answer", "what-happened=code", "--answer"])
            .arg(format!("code={form}"))
            .args([
                "--answer",
                "unknown-record=not-approved",
                "--answer",
                "other-card=no",
                "--answer",
                "connection-message=no",
            ])
            .assert()
            .code(3);
        assert_no_tester_card(&format!("{form:?} stdout"), &a.get_output().stdout);
        assert!(stderr(&a).contains("masked"), "{form:?}: {}", stderr(&a));
    }
    for f in files_under(env.home()) {
        assert_no_tester_card(&f.display().to_string(), &std::fs::read(&f).unwrap());
    }
}

#[test]
fn control_characters_inside_a_card_hide_no_digit() {
    let env = Env::new();
    for form in [
        "4410 9466 8523 \u{1b}[4700",
        "4410 9466 \u{1b}8523 4700",
        "4410\u{1b}[31m9466\u{1b}[0m85234700",
    ] {
        env.cmd()
            .args(["profile", "set", "merchant"])
            .arg(format!("Shop {form}"))
            .assert()
            .code(0);
        let a = env
            .cmd()
            .args(["run", "transaction-failed", "--no-input"])
            .args(["--answer", "what-happened=code", "--answer"])
            .arg(format!("code={form}"))
            .args([
                "--answer",
                "unknown-record=not-approved",
                "--answer",
                "other-card=no",
                "--answer",
                "connection-message=no",
            ])
            .assert()
            .code(3);
        assert_no_tester_card(form, &a.get_output().stdout);
    }
    for f in files_under(env.home()) {
        let bytes = std::fs::read(&f).unwrap();
        assert_no_tester_card(&f.display().to_string(), &bytes);
        // Not even 12 of the 16 digits.
        let text = normalize_digits(&String::from_utf8_lossy(&bytes));
        assert!(!text.contains("8523"), "{}: {text}", f.display());
    }
}

/// A pack with a digits fact and a tree whose escalation asks for the
/// shop's identifiers and that fact.
fn facts_pack(env: &Env) -> PathBuf {
    env.write(
        "pack/p.yaml",
        r#"
facts:
  - id: kiosk_number
    label: "Kiosk number"
    kind: digits
  - id: note
    label: "Note"
    scope: terminal
trees:
  - id: kiosk
    title: "Kiosk broken"
    category: hardware
    start: a
    nodes:
      - {id: a, kind: escalate, party: vendor, text: "Call", have_ready: [mid, tid, serial, kiosk_number, note]}
"#,
    );
    env.home().join("pack")
}

#[test]
fn a_hand_edited_profile_keeps_no_card_and_no_raw_control_anywhere() {
    let env = Env::new();
    let pack = facts_pack(&env);
    env.write(
        "profile.yaml",
        format!(
            r#"merchant: "Noodles"
mid: "{CARD}"
facts:
  kiosk_number: "{}"
  note: "see \u009b2J \u202e {} \u2066"
  "x{CARD}": "k"
contacts:
  vendor:
    hours: "{}"
terminals:
  default:
    tid: "{CARD}"
    serial: "SN {}"
    model: "\u2066 M \u009b"
    facts:
      note: "４４１０９４６６８５２３４７００ \u0085"
"#,
            card_with(" "),
            card_with("\u{200d}"),
            card_with(":"),
            card_with("-"),
        ),
    );
    let mut outs: Vec<(String, Vec<u8>)> = Vec::new();
    let runs: &[&[&str]] = &[
        &["profile", "show"],
        &["profile", "show", "--json"],
        &["run", "kiosk", "--no-input", "--json"],
        &["run", "kiosk", "--no-input"],
        &["checklist", "kiosk"],
        &["checklist", "kiosk", "--format", "html"],
    ];
    for args in runs {
        let out = env
            .cmd()
            .arg("--rules")
            .arg(&pack)
            .args(*args)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("holds a card number") && err.contains("masked it"),
            "{args:?}: {err}"
        );
        outs.push((format!("{args:?}"), out.stdout));
    }
    for log in env.logs() {
        let a = env.cmd().arg("report").arg(&log).assert().code(0);
        outs.push(("report".into(), a.get_output().stdout.clone()));
    }
    for (what, bytes) in &outs {
        assert_no_tester_card(what, bytes);
        assert_clean(what, bytes);
    }
    // Every file posdoctor wrote: no card, and no raw C1 or bidi byte.
    for f in files_under(env.home()) {
        if f.ends_with("profile.yaml") || f.starts_with(&pack) {
            continue;
        }
        let bytes = std::fs::read(&f).unwrap();
        assert_no_tester_card(&f.display().to_string(), &bytes);
        assert_clean(&f.display().to_string(), &bytes);
    }
    assert!(!env.logs().is_empty());
    // A 15-digit merchant ID that passes the Luhn check stays as it is.
    env.write(
        "profile.yaml",
        "mid: \"378282246310005\"\nfacts:\n  kiosk_number: \"378282246310005\"\n",
    );
    let a = env.cmd().args(["profile", "show"]).assert().code(0);
    assert_eq!(
        stdout(&a).matches("378282246310005").count(),
        2,
        "{}",
        stdout(&a)
    );
}

#[test]
fn a_digits_fact_refuses_a_card_number_in_any_digits() {
    let env = Env::new();
    let pack = facts_pack(&env);
    let wide: String = CARD
        .chars()
        .map(|c| char::from_u32(0xff10 + c.to_digit(10).unwrap()).unwrap())
        .collect();
    for value in [CARD.to_owned(), wide, card_with(" ")] {
        let a = env
            .cmd()
            .arg("--rules")
            .arg(&pack)
            .args(["profile", "set", "fact.kiosk_number"])
            .arg(&value)
            .assert()
            .code(1);
        assert!(
            stderr(&a).contains("looks like a card number"),
            "{}",
            stderr(&a)
        );
        assert_no_tester_card("stderr", &a.get_output().stderr);
    }
    assert!(!env.home().join("profile.yaml").exists());
    env.cmd()
        .arg("--rules")
        .arg(&pack)
        .args(["profile", "set", "fact.kiosk_number", "378282246310005"])
        .assert()
        .code(0);
}

#[test]
fn a_log_is_masked_in_every_field_it_holds() {
    let env = Env::new();
    let log = env.write(
        "l.jsonl",
        format!(
            "{{\"event\":\"start\",\"time\":\"2026-01-01T10:00:00Z\",\"tree\":\"no-power\",\"lang\":\"en\",\"version\":\"0\",\"format\":1}}\n\
             {{\"event\":\"step\",\"time\":\"2026-01-01T10:00:01Z\",\"n\":1,\"node\":\"danger-{CARD}\",\"kind\":\"question\",\"prompt\":\"P\",\"answer\":\"no\"}}\n\
             {{\"event\":\"facts\",\"time\":\"2026-01-01T10:00:02Z\",\"terminal\":\"t{CARD}\",\"facts\":[{{\"fact\":\"mid\",\"label\":\"MID\",\"value\":\"{CARD}\"}},{{\"fact\":\"tid\",\"label\":\"TID\",\"value\":\"{CARD}\"}},{{\"fact\":\"serial\",\"label\":\"S\",\"value\":\"{CARD}\"}},{{\"fact\":\"x{CARD}\",\"label\":\"L{CARD}\",\"value\":\"v\"}}]}}\n\
             {{\"event\":\"end\",\"time\":\"2026-01-01T10:00:03Z\",\"outcome\":\"escalated\",\"party\":\"vendor\",\"node\":\"n{CARD}\",\"message\":\"m\"}}\n"
        ),
    );
    for format in ["text", "markdown", "json"] {
        let a = env
            .cmd()
            .arg("report")
            .arg(&log)
            .args(["--format", format])
            .assert()
            .code(0);
        assert_no_tester_card(format, &a.get_output().stdout);
        assert_no_tester_card(format, &a.get_output().stderr);
    }
    // An unfinished session whose step no longer fits: the error echoes
    // the node, masked, on stderr and in JSON alike.
    let text = std::fs::read_to_string(&log).unwrap();
    let unfinished = env.write(
        "u.jsonl",
        text.lines().take(2).collect::<Vec<_>>().join("\n") + "\n",
    );
    let a = env
        .cmd()
        .args(["run", "--no-input", "--json", "--resume"])
        .arg(&unfinished)
        .assert()
        .code(1);
    assert!(json(&a.get_output().stdout)["error"]["message"].is_string());
    assert_no_tester_card("resume stdout", &a.get_output().stdout);
    assert_no_tester_card("resume stderr", &a.get_output().stderr);
}

#[test]
fn errors_never_echo_a_card_in_json_usage_errors_or_paths() {
    let env = Env::new();
    let runs: Vec<Vec<String>> = vec![
        vec!["run".into(), CARD.into(), "--json".into()],
        vec!["paths".into(), CARD.into(), "--json".into()],
        vec![
            "run".into(),
            "no-power".into(),
            "--no-input".into(),
            "--json".into(),
            "--log".into(),
            format!("/nonexistent/{CARD}/x.jsonl"),
        ],
        vec![
            "run".into(),
            "no-power".into(),
            "--json".into(),
            "--answers".into(),
            format!("/nonexistent/{CARD}.yaml"),
        ],
        vec!["--lang".into(), CARD.into(), "list".into()],
        vec![
            "checklist".into(),
            "no-power".into(),
            "--width".into(),
            CARD.into(),
        ],
        vec!["completions".into(), CARD.into()],
        vec!["list".into(), "--json".into(), "--lang".into(), CARD.into()],
        vec!["validate".into(), format!("/nonexistent/{CARD}.yaml")],
        vec![
            "validate".into(),
            "--json".into(),
            format!("/nonexistent/{CARD}.yaml"),
        ],
    ];
    // A pack whose folder name holds a card, with a broken file: the
    // warning that leaves it out, and the findings, name it masked.
    let pack = env.home().join(format!("p{CARD}"));
    std::fs::create_dir_all(&pack).unwrap();
    std::fs::write(pack.join("b.yaml"), "trees:\n  - id: x\n    nxt: 1\n").unwrap();
    let pack = pack.display().to_string();
    let mut runs = runs;
    runs.push(vec![
        "--rules".into(),
        pack.clone(),
        "run".into(),
        "nope".into(),
    ]);
    runs.push(vec![
        "--rules".into(),
        pack.clone(),
        "--strict-packs".into(),
        "list".into(),
    ]);
    runs.push(vec!["validate".into(), pack.clone()]);
    for args in &runs {
        let out = env.cmd().args(args).output().unwrap();
        assert_ne!(out.status.code(), Some(0), "{args:?}");
        assert!(!out.stderr.is_empty() || !out.stdout.is_empty());
        assert_no_tester_card(&format!("{args:?} stdout"), &out.stdout);
        assert_no_tester_card(&format!("{args:?} stderr"), &out.stderr);
        if args.iter().any(|a| a == "--json") && args[0] != "validate" {
            assert!(
                json(&out.stdout)["error"]["message"].is_string(),
                "{args:?}"
            );
        }
    }
}

#[test]
fn a_report_named_after_a_hostile_log_name_is_a_plain_file_name() {
    let env = Env::new();
    let dir = env.home().join("lg");
    std::fs::create_dir_all(&dir).unwrap();
    // (A card number in the name is refused before the walk: tested in
    // a_card_number_in_the_log_file_name_is_refused.)
    let log = dir.join("x\u{1b}]0;PWN\u{7}\u{202e} shift 2.jsonl");
    env.cmd()
        .args(["run", "no-power", "--no-input"])
        .args(answer_flags(NO_POWER_TO_VENDOR))
        .arg("--log")
        .arg(&log)
        .assert()
        .code(3);
    let reports: Vec<PathBuf> = std::fs::read_dir(env.home().join("reports"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    assert_eq!(reports.len(), 1);
    let name = reports[0]
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert!(
        name.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.+".contains(c)),
        "{name:?}"
    );
    assert!(!name.contains("PWN\u{7}"), "{name:?}");
}

#[cfg(unix)]
#[test]
fn a_pack_folder_linked_to_itself_loads_at_once_and_once() {
    let env = Env::new();
    let pack = env.home().join("rl3");
    std::fs::create_dir_all(&pack).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/example-pack/printer-cover.yaml"),
        pack.join("printer-cover.yaml"),
    )
    .unwrap();
    std::fs::create_dir_all(pack.join("tests")).unwrap();
    for f in
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/example-pack/tests"))
            .unwrap()
    {
        let f = f.unwrap().path();
        std::fs::copy(&f, pack.join("tests").join(f.file_name().unwrap())).unwrap();
    }
    std::os::unix::fs::symlink("..", pack.join("tests/back")).unwrap();
    for name in ["a", "b", "c"] {
        std::os::unix::fs::symlink(".", pack.join(name)).unwrap();
    }
    std::os::unix::fs::symlink("..", pack.join("up")).unwrap();
    let started = Instant::now();
    let a = env
        .cmd()
        .arg("--rules")
        .arg(&pack)
        .args(["--strict-packs", "list"])
        .assert()
        .code(0);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(
        stdout(&a).matches("printer-cover").count(),
        1,
        "{}",
        stdout(&a)
    );
    let started = Instant::now();
    env.cmd().arg("test").arg(&pack).assert().code(0);
    env.cmd().arg("validate").arg(&pack).assert().code(0);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
}

#[cfg(unix)]
#[test]
fn a_fifo_or_a_held_lock_never_blocks_profile_set_for_good() {
    let env = Env::new();
    let lock = env.home().join(".profile.lock");
    mkfifo(&lock);
    let started = Instant::now();
    let a = env
        .cmd()
        .args(["profile", "set", "merchant", "Noodles"])
        .timeout(Duration::from_secs(20))
        .assert()
        .code(1);
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(stderr(&a).contains("FIFO"), "{}", stderr(&a));
    std::fs::remove_file(&lock).unwrap();
    // Another program holds the lock: posdoctor says it waits, once, then
    // gives up with a clear error instead of hanging.
    let holder = std::fs::File::create(&lock).unwrap();
    fs4::fs_std::FileExt::lock_exclusive(&holder).unwrap();
    let started = Instant::now();
    let a = env
        .cmd()
        .args(["profile", "set", "merchant", "Noodles"])
        .timeout(Duration::from_secs(30))
        .assert()
        .code(1);
    let waited = started.elapsed();
    drop(holder);
    let err = stderr(&a);
    assert!(
        waited >= Duration::from_secs(9) && waited < Duration::from_secs(20),
        "{waited:?}"
    );
    assert_eq!(
        err.matches("waiting for another posdoctor").count(),
        1,
        "{err}"
    );
    assert!(
        err.contains("held") && err.contains(".profile.lock"),
        "{err}"
    );
    // Free again: it works.
    env.cmd()
        .args(["profile", "set", "merchant", "Noodles"])
        .assert()
        .code(0);
}

#[cfg(unix)]
#[test]
fn output_to_an_open_descriptor_is_written_to_it_never_replaced() {
    use std::os::unix::fs::MetadataExt;
    let env = Env::new();
    for target in ["/dev/stderr", "/dev/fd/2", "/proc/self/fd/2"] {
        // Standard error a pipe (as in a script): the checklist comes out there.
        let a = env
            .cmd()
            .args(["checklist", "no-power", "-o", target])
            .assert()
            .code(0);
        assert!(
            stderr(&a).contains("KEEP SELLING"),
            "{target}: {}",
            stderr(&a)
        );
        // Standard error redirected to a file: the same file gets it.
        let file = env.home().join("err.txt");
        let f = std::fs::File::create(&file).unwrap();
        let inode = std::fs::metadata(&file).unwrap().ino();
        let status = Std::new(env!("CARGO_BIN_EXE_posdoctor"))
            .env("POSDOCTOR_HOME", env.home())
            .args(["checklist", "no-power", "-o", target])
            .stderr(f)
            .status()
            .unwrap();
        assert!(status.success(), "{target}");
        assert_eq!(
            std::fs::metadata(&file).unwrap().ino(),
            inode,
            "{target}: replaced"
        );
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(text.contains("KEEP SELLING"), "{target}: {text}");
    }
    // A descriptor that is not open is an error, not a file somewhere.
    let a = env
        .cmd()
        .args(["checklist", "no-power", "-o", "/dev/fd/57"])
        .assert()
        .code(1);
    assert!(stderr(&a).contains("not open"), "{}", stderr(&a));
}

#[test]
fn a_log_torn_by_a_power_cut_still_reports_and_a_future_format_is_refused() {
    let env = Env::new();
    let a = env
        .cmd()
        .args(["run", "no-power", "--no-input", "--json"])
        .args(answer_flags(NO_POWER_TO_VENDOR))
        .assert()
        .code(3);
    let log = PathBuf::from(json(&a.get_output().stdout)["log"].as_str().unwrap());
    let whole = std::fs::read(&log).unwrap();
    // Cut inside a multi-byte character of a Chinese step, and padded with
    // NUL bytes as a power cut leaves a file.
    let mut torn = whole.clone();
    torn.extend("{\"event\":\"back\",\"time\":\"t\",\"to\":\"中".as_bytes());
    torn.truncate(torn.len() - 1);
    let mut padded = whole.clone();
    padded.extend([0u8; 512]);
    for (what, bytes) in [("utf-8", torn), ("nul", padded)] {
        let p = env.write(&format!("{what}.jsonl"), &bytes);
        let a = env.cmd().arg("report").arg(&p).assert().code(0);
        assert!(stdout(&a).contains("Escalation report"), "{what}");
        assert!(stderr(&a).contains("cut off"), "{what}: {}", stderr(&a));
    }
    let text = String::from_utf8(whole)
        .unwrap()
        .replace("\"format\":1", "\"format\":2");
    let p = env.write("future.jsonl", text);
    let a = env.cmd().arg("report").arg(&p).assert().code(1);
    assert!(stderr(&a).contains("format 2"), "{}", stderr(&a));
}

#[test]
fn posdoctor_test_never_echoes_a_card_from_a_scenario_file() {
    let env = Env::new();
    let pack = env.home().join("pack");
    std::fs::create_dir_all(pack.join("tests")).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/example-pack/printer-cover.yaml"),
        pack.join("printer-cover.yaml"),
    )
    .unwrap();
    let wide: String = CARD
        .chars()
        .map(|c| char::from_u32(0xff10 + c.to_digit(10).unwrap()).unwrap())
        .collect();
    env.write(
        "pack/tests/cards.yaml",
        format!(
            "- name: \"card {CARD} in the name\"\n  tree: printer-cover\n  answers: {{code: \"{wide}\", \"n{CARD}\": \"yes\"}}\n  expect: {{outcome: resolved, node: \"x{}\"}}\n",
            card_with(" ")
        ),
    );
    for format in ["text", "json", "junit", "tap"] {
        let a = env
            .cmd()
            .arg("test")
            .arg(&pack)
            .args(["--format", format])
            .assert()
            .code(1);
        assert_no_tester_card(&format!("{format} stdout"), &a.get_output().stdout);
        assert_no_tester_card(&format!("{format} stderr"), &a.get_output().stderr);
        assert!(stdout(&a).contains("4700"), "{format}: {}", stdout(&a));
    }
}

#[test]
fn twenty_thousand_broken_trees_or_100_000_answers_take_no_time() {
    let env = Env::new();
    let trees = env.write(
        "trees.yaml",
        format!("trees: [{}]\n", vec!["{}"; 20_000].join(",")),
    );
    let t = Instant::now();
    let a = env.cmd().arg("validate").arg(&trees).assert().code(1);
    assert!(
        stdout(&a).contains("more problems than these 200"),
        "{}",
        stdout(&a)
    );
    // The quoted line is cut around the spot, not the whole 60 KB line.
    assert!(stdout(&a).len() < 200_000, "{}", stdout(&a).len());
    env.cmd()
        .arg("--rules")
        .arg(&trees)
        .arg("list")
        .assert()
        .code(0);
    let mut answers = String::new();
    for i in 0..100_000 {
        answers.push_str(&format!("k{i:x}: 1\n"));
    }
    let file = env.write("answers.yaml", answers);
    env.cmd()
        .args(["run", "no-power", "--no-input", "--no-log", "--answers"])
        .arg(&file)
        .assert()
        .code(4);
    // Each took from 17 s to minutes: quadratic in the number of entries.
    assert!(t.elapsed() < Duration::from_secs(20), "{:?}", t.elapsed());
}

#[test]
fn an_answer_for_an_info_node_the_walk_passed_is_no_warning() {
    let env = Env::new();
    let a = env
        .cmd()
        .args(["run", "transaction-failed", "--no-input", "--no-log"])
        .args([
            "--answer",
            "keep-selling=next",
            "--answer",
            "what-happened=code",
        ])
        .assert()
        .code(4);
    assert!(!stderr(&a).contains("never reached"), "{}", stderr(&a));
    // Many unused answers: a few warnings and a count, not thousands.
    let mut answers = String::new();
    for i in 0..500 {
        answers.push_str(&format!("nowhere-{i}: 'yes'\n"));
    }
    let file = env.write("answers.yaml", answers);
    let a = env
        .cmd()
        .args(["run", "no-power", "--no-input", "--no-log", "--answers"])
        .arg(&file)
        .assert()
        .code(4);
    let err = stderr(&a);
    assert_eq!(err.matches("never reached").count(), 20, "{err}");
    assert!(err.contains("480 more"), "{err}");
}

#[test]
fn paths_of_a_node_with_5000_routes_or_choices_take_linear_time() {
    let env = Env::new();
    let head = "trees:\n  - id: t\n    title: T\n    category: power\n    start: a\n    nodes:\n";
    let mut routes =
        format!("{head}      - id: a\n        kind: text\n        ask: Q\n        routes:\n");
    let mut choices =
        format!("{head}      - id: a\n        kind: choice\n        ask: Q\n        choices:\n");
    for i in 0..5000 {
        routes.push_str(&format!(
            "          - {{match: \"r{i}|x{i}\", next: done}}\n"
        ));
        choices.push_str(&format!(
            "          - {{id: c{i}, label: L{i}, next: done}}\n"
        ));
    }
    routes.push_str("        otherwise: done\n      - {id: done, kind: resolved, text: ok}\n");
    choices.push_str("      - {id: done, kind: resolved, text: ok}\n");
    for (name, yaml) in [("routes.yaml", routes), ("choices.yaml", choices)] {
        let pack = env.write(name, yaml);
        let t = Instant::now();
        let a = env
            .cmd()
            .args(["--no-builtin", "--rules"])
            .arg(&pack)
            .args(["paths", "t"])
            .assert()
            .code(0);
        // 17.5 s and 6.5 s before, on an idle machine: every answer was
        // tried against every route. About 6 s now in a debug build; the
        // bound leaves room for a loaded 2-core CI machine (it once took
        // 10.4 s there), and still catches a return to quadratic time,
        // which grows with the square of the routes.
        assert!(
            t.elapsed() < Duration::from_secs(30),
            "{name}: {:?}",
            t.elapsed()
        );
        assert!(stdout(&a).contains("5000."), "{name}");
    }
    // The routes still go in order: the first that matches wins.
    let pack = env.write(
        "order.yaml",
        format!(
            "{head}      - id: a\n        kind: text\n        ask: Q\n        routes:\n{}          - {{match: \"code.*\", next: first}}\n          - {{match: \"code-7\", next: second}}\n        otherwise: done\n      - {{id: first, kind: resolved, text: first}}\n      - {{id: second, kind: resolved, text: second}}\n      - {{id: done, kind: resolved, text: ok}}\n",
            (0..20)
                .map(|i| format!("          - {{match: \"q{i}\", next: done}}\n"))
                .collect::<String>()
        ),
    );
    let a = env
        .cmd()
        .args(["--no-builtin", "--rules"])
        .arg(&pack)
        .args([
            "run",
            "t",
            "--no-input",
            "--no-log",
            "--json",
            "--answer",
            "a=CODE-7",
        ])
        .assert()
        .code(0);
    assert_eq!(json(&a.get_output().stdout)["resolution"]["node"], "first");
}

#[test]
fn a_json_answers_file_with_a_surrogate_pair_is_read() {
    let env = Env::new();
    let file = env.write(
        "answers.json",
        r#"{"what-happened": "code", "code": "E\ud83d\ude00 Q7", "unknown-record": "not-approved", "other-card": ["no"], "connection-message": false}"#,
    );
    let a = env
        .cmd()
        .args([
            "run",
            "transaction-failed",
            "--no-input",
            "--no-log",
            "--json",
            "--answers",
        ])
        .arg(&file)
        .assert()
        .code(3);
    let v = json(&a.get_output().stdout);
    assert_eq!(v["steps"][2]["answer"], "E😀 Q7", "{v}");
}

/// An old-Mac profile (lone CR line breaks) is read line by line: `profile
/// show` shows its facts and `profile set` keeps them.
#[test]
fn a_profile_with_lone_cr_line_breaks_keeps_its_facts() {
    let env = Env::new();
    std::fs::write(
        env.home().join("profile.yaml"),
        "# my shop\rmerchant: Joe\rmid: '123456789012345'\r",
    )
    .unwrap();
    let a = env.cmd().args(["profile", "show"]).assert().success();
    assert!(stdout(&a).contains("Joe"), "{}", stdout(&a));
    env.cmd()
        .args(["profile", "set", "model", "X1"])
        .assert()
        .success();
    let kept = std::fs::read_to_string(env.home().join("profile.yaml")).unwrap();
    for want in ["Joe", "123456789012345", "X1"] {
        assert!(kept.contains(want), "{want} lost: {kept:?}");
    }
}

/// `--log` appends only to a session log: pointed at the profile (or any
/// other file) it refuses before the first step and changes nothing.
#[test]
fn log_never_appends_to_a_file_that_is_not_a_session_log() {
    let env = Env::new();
    env.cmd()
        .args(["profile", "set", "merchant", "Joe"])
        .assert()
        .success();
    let profile = env.home().join("profile.yaml");
    let before = std::fs::read(&profile).unwrap();
    let a = env
        .cmd()
        .args([
            "run",
            "no-power",
            "--no-input",
            "--answer",
            "danger=no",
            "--log",
        ])
        .arg(&profile)
        .assert()
        .code(1);
    assert!(
        stderr(&a).contains("is not a posdoctor session log"),
        "{}",
        stderr(&a)
    );
    assert_eq!(std::fs::read(&profile).unwrap(), before);
    // (A real log, empty or not, is still appended to: run_scripted.rs.)
}

/// A card number in `--log`'s file name is refused, not kept on disk nor
/// echoed back.
#[test]
fn a_card_number_in_the_log_file_name_is_refused() {
    let env = Env::new();
    let log = env.home().join("card 4539 1488 0343 6467.jsonl");
    let a = env
        .cmd()
        .args([
            "run",
            "no-power",
            "--no-input",
            "--answer",
            "danger=yes",
            "--json",
            "--log",
        ])
        .arg(&log)
        .assert()
        .code(1);
    let out = stdout(&a) + &stderr(&a);
    assert!(out.contains("holds a card number"), "{out}");
    assert!(!out.contains("4539 1488 0343"), "{out}");
    assert!(!log.exists());
}

/// A CR or LF in a pack's file name is shown as `\u{d}` / `\u{a}`: it can
/// neither overwrite the warning it is in nor forge a line of its own.
#[test]
fn line_breaks_in_file_names_are_shown_not_printed() {
    let env = Env::new();
    let name = "crp/evil\rwarning: all packs loaded fine.\n.yaml";
    env.write(name, "version: 1\ntrees:\n  - id: t\n");
    let a = env
        .cmd()
        .arg("--rules")
        .arg(env.home().join("crp"))
        .arg("list")
        .assert()
        .success();
    let err = stderr(&a);
    assert!(!err.contains('\r'), "{err:?}");
    assert!(
        err.contains("evil\\u{d}warning: all packs loaded fine.\\u{a}.yaml"),
        "{err:?}"
    );
    assert!(
        !err.lines().any(|l| l.starts_with("warning: all packs")),
        "{err:?}"
    );
}

/// `validate DIR` reports a file in DIR that cannot be read (a symlink
/// loop), as every other command does: exit 1, not "0 errors".
#[cfg(unix)]
#[test]
fn validate_dir_reports_a_symlink_loop_in_it() {
    let env = Env::new();
    let dir = env.home().join("loop");
    std::fs::create_dir_all(&dir).unwrap();
    std::os::unix::fs::symlink("x.yaml", dir.join("x.yaml")).unwrap();
    let a = env.cmd().arg("validate").arg(&dir).assert().code(1);
    assert!(
        stdout(&a).contains("x.yaml: error: cannot read the file"),
        "{}",
        stdout(&a)
    );
}
