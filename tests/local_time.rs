//! Times for people are local, with the offset; logs stay UTC.

mod common;

use common::{Env, NO_POWER_TO_VENDOR};

fn report_and_log(tz: &str) -> (String, String) {
    let env = Env::new();
    let out = env
        .cmd()
        .env("TZ", tz)
        .args(["run", "no-power", "--no-input", "--json"])
        .args(common::answer_flags(NO_POWER_TO_VENDOR))
        .assert()
        .code(3);
    let json = common::json(&out.get_output().stdout);
    let report = std::fs::read_to_string(json["report"].as_str().unwrap()).unwrap();
    let log = std::fs::read_to_string(json["log"].as_str().unwrap()).unwrap();
    (report, log)
}

#[test]
fn the_report_is_in_local_time_and_the_log_in_utc() {
    let offset = regex::Regex::new(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \+08:00").unwrap();
    let (report, log) = report_and_log("Asia/Shanghai");
    assert!(offset.is_match(&report), "{report}");
    assert!(!report.contains("UTC"), "{report}");
    let utc = regex::Regex::new(r#""time":"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z""#).unwrap();
    assert!(utc.is_match(&log), "{log}");

    let (report, _) = report_and_log("America/New_York");
    assert!(
        regex::Regex::new(r"\d{2}:\d{2}:\d{2} -0[45]:00")
            .unwrap()
            .is_match(&report),
        "{report}"
    );
}

#[test]
fn the_checklist_date_is_local_with_its_offset() {
    let env = Env::new();
    let a = env
        .cmd()
        .env("SOURCE_DATE_EPOCH", "1795392000")
        .args(["checklist", "printer"])
        .assert()
        .success();
    let out = common::stdout(&a);
    assert!(out.contains("printed 2026-11-23 08:00 +08:00"), "{out}");
}
