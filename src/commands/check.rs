//! `posdoctor check`: every probe of the loaded rules that has a target,
//! run unattended as a health check of the shop's setup — one line a
//! probe, or JSON, JUnit XML or TAP for CI and monitoring. Never prompts.

use anyhow::Result;
use serde::Serialize;

use super::{load_rules_noting, print_json, print_out, profile_for_run, Ctx};
use crate::cli::CheckFormat;
use crate::i18n::{fill, Lang, Msg};
use crate::paths::Dirs;
use crate::probe::{Outcome, ProbeResult};

/// What `check --json` prints.
#[derive(Serialize)]
pub struct CheckJson {
    /// True when no probe that ran failed.
    pub ok: bool,
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
    pub probes: Vec<ProbeResult>,
    pub warnings: Vec<String>,
}

pub fn check(ctx: &Ctx, format: CheckFormat) -> Result<u8> {
    let lang = ctx.lang;
    let (rules, warnings) = load_rules_noting(ctx)?;
    let dirs = Dirs::from_env();
    let profile = profile_for_run(ctx, dirs.as_ref().ok());
    let terminal = profile.terminal_name(ctx.terminal.as_deref());
    let probes = crate::probe::all_probes(&rules);
    let Some(results) = crate::probe::run_all(&probes, &profile, &terminal, lang) else {
        return Ok(130);
    };
    let count = |o: Outcome| results.iter().filter(|r| r.outcome == o).count();
    let (passed, failed, skipped) = (
        count(Outcome::Pass),
        count(Outcome::Fail),
        count(Outcome::Skipped),
    );
    let code = u8::from(failed > 0);
    match format {
        CheckFormat::Json => print_json(&CheckJson {
            ok: failed == 0,
            passed,
            failed,
            skipped,
            probes: results,
            warnings,
        })?,
        CheckFormat::Text => print_out(&text(&results, lang))?,
        CheckFormat::Junit => print_out(&junit(&results, lang)?)?,
        CheckFormat::Tap => print_out(&tap(&results, lang))?,
    }
    Ok(code)
}

/// One line a probe — mark, label, target and what was found, time — and
/// a count at the end.
pub fn text(results: &[ProbeResult], lang: Lang) -> String {
    use unicode_width::UnicodeWidthStr;
    if results.is_empty() {
        return format!("{}\n", Msg::CheckNone.get(lang));
    }
    let label = |r: &ProbeResult| crate::sanitize::strip(r.label.as_deref().unwrap_or(&r.id));
    let width = results.iter().map(|r| label(r).width()).max().unwrap_or(0);
    let mut out = String::new();
    for r in results {
        let l = label(r);
        let pad = " ".repeat(width - l.width());
        let sep = if r.outcome == Outcome::Skipped {
            Msg::Colon.get(lang)
        } else {
            " "
        };
        let mut line = format!(
            "{} {l}{pad}  {}{sep}{}",
            r.outcome.mark(),
            crate::sanitize::strip(&r.target),
            crate::sanitize::strip(&r.detail)
        );
        if r.outcome != Outcome::Skipped {
            line.push_str(&format!("  {}", ms(r.duration_ms, lang)));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&summary(results, lang));
    out.push('\n');
    out
}

fn ms(n: u64, lang: Lang) -> String {
    fill(Msg::Milliseconds.get(lang), &[("n", &n.to_string())])
}

fn summary(results: &[ProbeResult], lang: Lang) -> String {
    let count = |o: Outcome| {
        results
            .iter()
            .filter(|r| r.outcome == o)
            .count()
            .to_string()
    };
    fill(
        Msg::CheckSummary.get(lang),
        &[
            ("pass", &count(Outcome::Pass)),
            ("fail", &count(Outcome::Fail)),
            ("skipped", &count(Outcome::Skipped)),
        ],
    )
}

/// JUnit XML: one test suite, a test case per probe (classname: its kind),
/// a failure for a probe that failed, `<skipped/>` for one not run.
pub fn junit(results: &[ProbeResult], lang: Lang) -> Result<String, std::io::Error> {
    use quick_xml::events::{BytesDecl, BytesText, Event};
    use quick_xml::Writer;
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let n = |o: Option<Outcome>| {
        results
            .iter()
            .filter(|r| o.is_none_or(|o| r.outcome == o))
            .count()
            .to_string()
    };
    let secs = |ms: u64| format!("{:.3}", ms as f64 / 1000.0);
    let total: u64 = results.iter().map(|r| r.duration_ms).sum();
    // The same counts on the whole run and on its one suite.
    let (tests, failures, skipped, time) = (
        n(None),
        n(Some(Outcome::Fail)),
        n(Some(Outcome::Skipped)),
        secs(total),
    );
    let counts = [
        ("tests", tests.as_str()),
        ("failures", failures.as_str()),
        ("errors", "0"),
        ("skipped", skipped.as_str()),
        ("time", time.as_str()),
    ];
    w.create_element("testsuites")
        .with_attribute(("name", "posdoctor check"))
        .with_attributes(counts)
        .write_inner_content(|w| {
            w.create_element("testsuite")
                .with_attribute(("name", "probes"))
                .with_attributes(counts)
                .write_inner_content(|w| {
                    for r in results {
                        let label = r.label.as_deref().unwrap_or(&r.id);
                        let name = format!("{} ({})", label, r.target);
                        let el = w
                            .create_element("testcase")
                            .with_attribute(("name", name.as_str()))
                            .with_attribute(("classname", format!("probe.{}", r.kind).as_str()))
                            .with_attribute(("id", r.id.as_str()))
                            .with_attribute(("time", secs(r.duration_ms).as_str()));
                        match r.outcome {
                            Outcome::Pass => {
                                el.write_empty()?;
                            }
                            Outcome::Fail => {
                                el.write_inner_content(|w| {
                                    w.create_element("failure")
                                        .with_attribute(("message", r.detail.as_str()))
                                        .with_attribute(("type", r.kind.as_str()))
                                        .write_text_content(BytesText::new(&r.line(lang)))?;
                                    Ok::<(), std::io::Error>(())
                                })?;
                            }
                            Outcome::Skipped => {
                                el.write_inner_content(|w| {
                                    w.create_element("skipped")
                                        .with_attribute(("message", r.detail.as_str()))
                                        .write_empty()?;
                                    Ok::<(), std::io::Error>(())
                                })?;
                            }
                        }
                    }
                    Ok::<(), std::io::Error>(())
                })?;
            Ok::<(), std::io::Error>(())
        })?;
    let mut xml = String::from_utf8_lossy(&w.into_inner()).into_owned();
    xml.push('\n');
    Ok(xml)
}

/// TAP version 13: `ok`/`not ok` a probe, `# SKIP` for one not run, a YAML
/// block with the details under each.
pub fn tap(results: &[ProbeResult], lang: Lang) -> String {
    let one_line = |s: &str| s.replace(['\n', '\r'], " ").replace('#', "\\#");
    let mut out = format!("TAP version 13\n1..{}\n", results.len());
    for (i, r) in results.iter().enumerate() {
        let label = r.label.as_deref().unwrap_or(&r.id);
        let desc = one_line(&format!("{label} {}", r.target));
        match r.outcome {
            Outcome::Pass => out.push_str(&format!("ok {} - {desc}\n", i + 1)),
            Outcome::Fail => out.push_str(&format!("not ok {} - {desc}\n", i + 1)),
            Outcome::Skipped => out.push_str(&format!(
                "ok {} - {desc} # SKIP {}\n",
                i + 1,
                one_line(&r.detail)
            )),
        }
        if r.outcome != Outcome::Skipped {
            let yaml = crate::rules::yaml::to_string(r).unwrap_or_default();
            out.push_str("  ---\n");
            for l in yaml.lines() {
                out.push_str(&format!("  {l}\n"));
            }
            out.push_str("  ...\n");
        }
    }
    out.push_str(&format!("# {}\n", one_line(&summary(results, lang))));
    out
}
