//! The escalation report: who to call, the facts they will ask for, and
//! every step already tried — built only from a session log's events, so
//! the report written at the end of a run and `posdoctor report LOG` are
//! the same.

use serde::Serialize;

use crate::i18n::{fill, Lang, Msg};
use crate::profile::Contact;
use crate::rules::Party;
use crate::session::{Event, FactValue};

#[derive(Clone, Debug, Serialize)]
pub struct ReportStep {
    pub n: usize,
    pub time: String,
    pub node: String,
    pub kind: String,
    pub prompt: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    pub answer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The warning shown with the step.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caution: Option<String>,
    /// Only the decision on a destructive step is known (done, or
    /// skipped), not yet the answer after it.
    #[serde(skip)]
    pub decided_only: bool,
    /// What a probe found when it checked this step automatically.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub probe: Option<crate::probe::ProbeResult>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub tree: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// `resolved`, `escalated`, `needs_input`, `aborted`, or `unfinished`.
    pub outcome: String,
    pub started: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ended: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration_seconds: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub party: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub party_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The outcome's warning: what to do now (stop using it, unplug it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caution: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<Contact>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub where_to_find: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub terminal: Option<String>,
    pub facts: Vec<FactValue>,
    pub steps: Vec<ReportStep>,
    /// Free text typed during the walk: codes and messages from the screen.
    pub entered: Vec<ReportStep>,
}

/// Builds the report of the last session in `events` (a log may hold
/// several sessions; `--resume` continues one, and its steps count once).
pub fn from_events(events: &[Event], lang: Lang) -> Option<Report> {
    let session = crate::session::last_session(events);
    let Some(Event::Start {
        time, tree, title, ..
    }) = session.first()
    else {
        return None;
    };
    let mut report = Report {
        tree: tree.clone(),
        title: title.clone(),
        outcome: "unfinished".into(),
        started: time.clone(),
        ended: None,
        duration_seconds: None,
        party: None,
        party_name: None,
        message: None,
        caution: None,
        contact: None,
        where_to_find: None,
        terminal: None,
        facts: Vec::new(),
        steps: Vec::new(),
        entered: Vec::new(),
    };
    for e in &session[1..] {
        match e {
            Event::Step {
                time,
                n,
                node,
                kind,
                prompt,
                answer,
                label,
                action,
                caution,
                probe,
                ..
            } => {
                // A step number that was already taken means the walk came
                // back to it (after "back"): the later answer replaces it.
                report.steps.retain(|s| s.n < *n);
                report.steps.push(ReportStep {
                    n: *n,
                    time: time.clone(),
                    node: node.clone(),
                    kind: kind.clone(),
                    prompt: prompt.clone(),
                    action: action.clone(),
                    answer: answer.clone(),
                    label: label.clone(),
                    caution: caution.clone(),
                    decided_only: false,
                    probe: probe.clone(),
                });
            }
            // A destructive step is in the report from the moment it was
            // decided, named by what it does; the answer after it (if any)
            // replaces this entry.
            Event::Decision {
                time,
                n,
                node,
                action,
                caution,
                done,
            } => {
                report.steps.retain(|s| s.n < *n);
                report.steps.push(ReportStep {
                    n: *n,
                    time: time.clone(),
                    node: node.clone(),
                    kind: "check".into(),
                    prompt: action.clone().unwrap_or_else(|| node.clone()),
                    action: action.clone(),
                    answer: Some(if *done { "done" } else { "skip" }.into()),
                    label: None,
                    caution: caution.clone(),
                    decided_only: true,
                    probe: None,
                });
            }
            Event::Back { .. } => {
                // Back re-opens the last answered step; a destructive step
                // decided just before stays (it was done, or not).
                if let Some(i) = report.steps.iter().rposition(|s| !s.decided_only) {
                    report.steps.remove(i);
                }
            }
            Event::Facts {
                terminal,
                facts,
                contact,
                ..
            } => {
                report.terminal = terminal.clone();
                report.facts = facts.clone();
                report.contact = contact.clone();
            }
            Event::End {
                time,
                outcome,
                party,
                message,
                caution,
                ..
            } => {
                report.outcome = outcome.clone();
                report.ended = Some(time.clone());
                report.party = party.clone();
                report.message = message.clone();
                report.caution = caution.clone();
            }
            Event::Resume { .. } => {
                report.outcome = "unfinished".into();
                report.ended = None;
            }
            Event::Start { .. } => {}
        }
    }
    report.entered = report
        .steps
        .iter()
        .filter(|s| s.kind == "text")
        .cloned()
        .collect();
    if let Some(p) = report.party.as_deref().and_then(party_of) {
        report.party_name = Some(p.name(lang).to_owned());
        report.where_to_find = Some(p.where_to_find(lang).to_owned());
    }
    if let (Some(a), Some(b)) = (&report.ended, Some(&report.started)) {
        if let (Ok(a), Ok(b)) = (a.parse::<jiff::Timestamp>(), b.parse::<jiff::Timestamp>()) {
            report.duration_seconds = Some((a - b).get_seconds().max(0));
        }
    }
    Some(report)
}

/// Writes the report as Markdown to `dir/STEM.md` (or `STEM-2.md`, …):
/// atomically, and never over an existing file.
pub fn save(
    r: &Report,
    dir: &std::path::Path,
    stem: &str,
    lang: Lang,
) -> anyhow::Result<std::path::PathBuf> {
    std::fs::create_dir_all(dir).map_err(|e| {
        anyhow::anyhow!(
            "cannot create {}: {}",
            dir.display(),
            crate::rules::load::io_reason(&e)
        )
    })?;
    let body = markdown(r, lang);
    let stem = file_stem(stem);
    for n in 1..100 {
        let name = if n == 1 {
            format!("{stem}.md")
        } else {
            format!("{stem}-{n}.md")
        };
        let path = dir.join(name);
        // Anything already at the name (a report, a link, a dangling
        // link) is left alone: the next name is tried.
        match crate::paths::create_new(&path, body.as_bytes()) {
            Ok(()) => return Ok(path),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => {
                anyhow::bail!(
                    "cannot write {}: {}",
                    crate::paths::shown(&path),
                    crate::rules::load::io_reason(&e)
                )
            }
        }
    }
    anyhow::bail!("too many reports named {stem} in {}", dir.display())
}

/// A report's file name from a log's (which may be anything a person
/// passed to `--log`): card numbers masked, then every character but
/// letters, digits, `-`, `_`, `.` and `+` made `_`, at most 100 of them.
pub fn file_stem(stem: &str) -> String {
    let masked = crate::privacy::mask_text(stem).0;
    let mut out: String = masked
        .chars()
        .map(|c| {
            if c.is_alphanumeric() && !crate::sanitize::is_dangerous(c) || "-_.+".contains(c) {
                c
            } else {
                '_'
            }
        })
        .take(100)
        .collect();
    if out.trim_matches('.').is_empty() {
        out = "report".into();
    }
    out
}

pub fn party_of(id: &str) -> Option<Party> {
    Party::ALL.into_iter().find(|p| p.id() == id)
}

/// The outcome in the reader's words.
fn outcome_text(outcome: &str, lang: Lang) -> &'static str {
    match outcome {
        "resolved" => Msg::OutcomeResolved,
        "escalated" => Msg::OutcomeEscalated,
        "needs_input" => Msg::OutcomeNeedsInput,
        "aborted" => Msg::OutcomeAborted,
        _ => Msg::OutcomeUnfinished,
    }
    .get(lang)
}

fn duration(secs: i64, lang: Lang) -> String {
    fill(
        Msg::MinutesSeconds.get(lang),
        &[
            ("m", &(secs / 60).to_string()),
            ("s", &(secs % 60).to_string()),
        ],
    )
}

/// Lines of the contact block: the saved contact, or where to find one.
pub fn contact_lines(r: &Report, lang: Lang) -> Vec<String> {
    let party = r.party.as_deref().and_then(party_of);
    let mut v = contact_block(party, r.contact.as_ref(), lang);
    if party.is_none() {
        if let Some(name) = &r.party_name {
            v.insert(0, fill(Msg::CallParty.get(lang), &[("party", name)]));
        }
    }
    v
}

/// "Call {party}", then the saved contact (or where to find the number),
/// then what to ask for and what to keep.
pub fn contact_block(party: Option<Party>, contact: Option<&Contact>, lang: Lang) -> Vec<String> {
    let mut v = Vec::new();
    if let Some(p) = party {
        v.push(fill(Msg::CallParty.get(lang), &[("party", p.name(lang))]));
    }
    let colon = Msg::Colon.get(lang);
    match contact {
        Some(c) => {
            for (label, value) in [
                (Msg::ContactName, &c.name),
                (Msg::ContactPhone, &c.phone),
                (Msg::ContactHours, &c.hours),
                (Msg::ContactWeb, &c.web),
            ] {
                if let Some(value) = value {
                    v.push(format!("{}{colon}{value}", label.get(lang)));
                }
            }
        }
        None => {
            if let Some(p) = party {
                v.push(p.where_to_find(lang).to_owned());
            }
        }
    }
    match party.map(Party::id) {
        Some("vendor") => {
            v.push(Msg::AskFor.get(lang).to_owned());
            v.push(Msg::KeepProof.get(lang).to_owned());
        }
        Some(_) => v.push(Msg::KeepReport.get(lang).to_owned()),
        None => {}
    }
    v
}

pub fn step_line(s: &ReportStep, lang: Lang) -> String {
    let (what, result) = match (&s.action, s.answer.as_deref()) {
        (Some(a), Some("yes")) => (a.as_str(), Msg::Helped.get(lang).to_owned()),
        (Some(a), Some("no")) => (a.as_str(), Msg::DidNotHelp.get(lang).to_owned()),
        (Some(a), Some("skip")) => (a.as_str(), Msg::Skipped.get(lang).to_owned()),
        (Some(a), Some("done")) => (a.as_str(), Msg::DecisionDone.get(lang).to_owned()),
        _ => (
            s.prompt.as_str(),
            s.label
                .clone()
                .or_else(|| s.answer.clone())
                .unwrap_or_default(),
        ),
    };
    format!(
        "{} {} → {}",
        crate::localtime::clock(&s.time),
        what.lines().next().unwrap_or(""),
        result
    )
}

/// The summary rows at the top of a report: (label, value).
fn header_rows(r: &Report, lang: Lang) -> Vec<(&'static str, String)> {
    let title = r
        .title
        .as_deref()
        .map(|t| format!(" — {t}"))
        .unwrap_or_default();
    let mut rows = vec![
        (Msg::ReportTree.get(lang), format!("{}{title}", r.tree)),
        (
            Msg::ReportOutcome.get(lang),
            outcome_text(&r.outcome, lang).to_owned(),
        ),
        (
            Msg::ReportStarted.get(lang),
            crate::localtime::date_time(&r.started),
        ),
    ];
    if let Some(d) = r.duration_seconds {
        rows.push((Msg::ReportDuration.get(lang), duration(d, lang)));
    }
    rows
}

/// The report as plain text.
pub fn text(r: &Report, lang: Lang) -> String {
    let m = |msg: Msg| msg.get(lang);
    let colon = m(Msg::Colon);
    let heading = title_of(r, lang);
    let mut out = format!(
        "{heading}\n{}\n",
        "=".repeat(unicode_width::UnicodeWidthStr::width(heading))
    );
    for (label, value) in header_rows(r, lang) {
        out.push_str(&format!("{label}{colon}{value}\n"));
    }
    if r.party.is_some() {
        out.push_str(&format!("\n{}\n", m(Msg::ReportWho)));
        for l in contact_lines(r, lang) {
            out.push_str(&format!("  {l}\n"));
        }
    }
    if let Some(msg) = &r.message {
        let head = if r.party.is_some() {
            m(Msg::ReportWhy)
        } else {
            m(Msg::ReportOutcome)
        };
        out.push_str(&format!("\n{head}\n"));
        if let Some(c) = &r.caution {
            out.push_str(&format!("  ⚠ {}{c}\n", m(Msg::Caution)));
        }
        out.push_str(&format!("  {msg}\n"));
    }
    if !r.facts.is_empty() {
        out.push_str(&format!("\n{}\n", m(Msg::ReportFacts)));
        for f in &r.facts {
            out.push_str(&format!(
                "  {}{colon}{}\n",
                f.label,
                f.shown(lang).as_deref().unwrap_or(m(Msg::NotKnown))
            ));
        }
    }
    out.push_str(&format!("\n{}\n", m(Msg::ReportSteps)));
    for (i, s) in r.steps.iter().filter(|s| s.answer.is_some()).enumerate() {
        out.push_str(&format!("  {:>2}. {}\n", i + 1, step_line(s, lang)));
        if let Some(c) = &s.caution {
            out.push_str(&format!("      ⚠ {}{c}\n", m(Msg::Caution)));
        }
    }
    let probed = probe_lines(r, lang);
    if !probed.is_empty() {
        out.push_str(&format!("\n{}\n", m(Msg::ReportProbes)));
        for l in &probed {
            out.push_str(&format!("  {l}\n"));
        }
    }
    if !r.entered.is_empty() {
        out.push_str(&format!("\n{}\n", m(Msg::ReportEntered)));
        for s in &r.entered {
            out.push_str(&format!(
                "  - {}{colon}{}\n",
                s.prompt,
                s.answer.as_deref().unwrap_or("")
            ));
        }
    }
    out
}

/// What the probes found during the walk, one line each, with the time of
/// the step and the question they answered: "08:15 ✓ Terminal
/// 192.168.1.50:8888 answered in 3 ms (Can this computer reach …?)".
pub fn probe_lines(r: &Report, lang: Lang) -> Vec<String> {
    r.steps
        .iter()
        .filter_map(|s| {
            let p = s.probe.as_ref()?;
            let question = s.prompt.lines().next().unwrap_or("");
            Some(format!(
                "{} {} — {question}",
                crate::localtime::clock(&s.time),
                p.line(lang)
            ))
        })
        .collect()
}

/// "Escalation report" when someone must be called, else "Session report".
fn title_of(r: &Report, lang: Lang) -> &'static str {
    if r.party.is_some() {
        Msg::ReportTitle.get(lang)
    } else {
        Msg::SessionReportTitle.get(lang)
    }
}

fn md(s: &str) -> String {
    crate::sanitize::markdown(s)
}

/// The report as Markdown.
pub fn markdown(r: &Report, lang: Lang) -> String {
    let m = |msg: Msg| msg.get(lang);
    let colon = m(Msg::Colon);
    let mut out = format!(
        "# {}{colon}{}\n\n",
        title_of(r, lang),
        md(r.title.as_deref().unwrap_or(&r.tree))
    );
    for (label, value) in header_rows(r, lang) {
        out.push_str(&format!("- **{label}**{colon}{}\n", md(&value)));
    }
    if r.party.is_some() {
        out.push_str(&format!("\n## {}\n\n", m(Msg::ReportWho)));
        for l in contact_lines(r, lang) {
            out.push_str(&format!("{}\n\n", md(&l)));
        }
    }
    if let Some(msg) = &r.message {
        let head = if r.party.is_some() {
            m(Msg::ReportWhy)
        } else {
            m(Msg::ReportOutcome)
        };
        out.push_str(&format!("## {head}\n\n"));
        if let Some(c) = &r.caution {
            out.push_str(&format!("**⚠ {}{}**\n\n", m(Msg::Caution), md(c)));
        }
        out.push_str(&format!("{}\n\n", md(msg)));
    }
    if !r.facts.is_empty() {
        out.push_str(&format!("## {}\n\n| | |\n|---|---|\n", m(Msg::ReportFacts)));
        for f in &r.facts {
            out.push_str(&format!(
                "| {} | {} |\n",
                md(&f.label),
                md(f.shown(lang).as_deref().unwrap_or(m(Msg::NotKnown)))
            ));
        }
        out.push('\n');
    }
    out.push_str(&format!("## {}\n\n", m(Msg::ReportSteps)));
    for (i, s) in r.steps.iter().filter(|s| s.answer.is_some()).enumerate() {
        out.push_str(&format!("{}. {}\n", i + 1, md(&step_line(s, lang))));
        if let Some(c) = &s.caution {
            out.push_str(&format!("   - ⚠ {}{}\n", m(Msg::Caution), md(c)));
        }
    }
    let probed = probe_lines(r, lang);
    if !probed.is_empty() {
        out.push_str(&format!("\n## {}\n\n", m(Msg::ReportProbes)));
        for l in &probed {
            out.push_str(&format!("- {}\n", md(l)));
        }
    }
    if !r.entered.is_empty() {
        out.push_str(&format!("\n## {}\n\n", m(Msg::ReportEntered)));
        for s in &r.entered {
            out.push_str(&format!(
                "- {}{colon}`{}`\n",
                md(&s.prompt),
                crate::sanitize::strip(s.answer.as_deref().unwrap_or(""))
                    .replace('`', "'")
                    .replace(['\n', '\r', '\t'], " ")
            ));
        }
    }
    out
}
