//! Renderers: pure functions from rules or a finished walk to text and JSON.

pub mod checklist;
pub mod graph;
/// Route patterns in words: lives with the rules (validate needs it too).
pub use crate::rules::pattern;
pub mod test_report;

use colored::Colorize;
use serde::Serialize;
use unicode_width::UnicodeWidthStr;

use crate::engine::{State, Walk};
use crate::i18n::{fill, Lang, Msg, Text};
use crate::rules::{Body, Fact, Keywords, RuleSet, Tree};
use crate::term::wrap;
use crate::ui::{taken, Ending, Taken};

#[derive(Serialize)]
pub struct StepJson {
    pub node: String,
    pub kind: &'static str,
    pub prompt: String,
    /// What the person is told to do before the question (check steps:
    /// "hold the power key about 3 seconds").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    pub answer: Option<String>,
    /// The warning shown with the step (the used check's, then the node's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caution: Option<String>,
    /// The probe that checked this step automatically: `{id, kind, target,
    /// outcome, detail, duration_ms}` (and its `label`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub probe: Option<crate::probe::ProbeResult>,
}

impl RunJson {
    /// The run with what the probes found at each step (by position in
    /// the walk, as the session keeps them).
    pub fn with_probes(mut self, probed: &[Option<crate::probe::ProbeResult>]) -> RunJson {
        for (step, p) in self.steps.iter_mut().zip(probed) {
            step.probe = p.clone();
        }
        self
    }
}

#[derive(Serialize)]
pub struct PendingJson {
    pub node: String,
    pub kind: &'static str,
    pub prompt: String,
    /// What to do before answering (check steps).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// Valid answers; empty for free text.
    pub choices: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caution: Option<String>,
}

#[derive(Serialize)]
pub struct FactJson {
    pub fact: String,
    pub label: String,
}

#[derive(Serialize)]
pub struct EscalationJson {
    pub party: &'static str,
    pub party_name: &'static str,
    pub tree: String,
    pub node: String,
    pub message: String,
    /// What to do now, before anything else (stop using it, unplug it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caution: Option<String>,
    pub have_ready: Vec<FactJson>,
    /// The facts with their values (from the profile, or typed in).
    pub facts: Vec<crate::session::FactValue>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<crate::profile::Contact>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub where_to_find: Option<String>,
}

#[derive(Serialize)]
pub struct ResolutionJson {
    pub tree: String,
    pub node: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caution: Option<String>,
    /// A customer-side ending: what to tell the customer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer: Option<String>,
}

/// The object `run --json` prints (the contract's fields, plus a few).
#[derive(Serialize)]
pub struct RunJson {
    pub tree: String,
    pub outcome: &'static str,
    pub lang: &'static str,
    pub steps: Vec<StepJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pending: Option<PendingJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub escalation: Option<EscalationJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolution: Option<ResolutionJson>,
    /// Resolved for the shop, the cause being the customer's card or bank:
    /// what to tell the customer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<String>,
    pub warnings: Vec<String>,
}

/// The files a run wrote.
#[derive(Default)]
pub struct RunFiles {
    pub log: Option<String>,
    pub report: Option<String>,
}

/// The `--json` object of a run. An escalation's facts and contact come
/// from `report` (the same events the written report holds).
pub fn run_json(
    walk: &Walk,
    ending: Ending,
    lang: Lang,
    files: RunFiles,
    report: Option<&crate::report::Report>,
    warnings: Vec<String>,
) -> RunJson {
    let steps = taken(walk, lang)
        .into_iter()
        .map(|t: Taken| StepJson {
            node: t.node,
            kind: t.kind.name(),
            prompt: t.prompt,
            action: t.action,
            answer: t.answer,
            caution: t.caution,
            probe: None,
        })
        .collect();
    let mut out = RunJson {
        tree: walk.tree().id.clone(),
        outcome: ending.outcome(),
        lang: lang.code(),
        steps,
        pending: None,
        escalation: None,
        resolution: None,
        customer: None,
        log: files.log,
        report: files.report,
        warnings,
    };
    match walk.state() {
        State::Ask(step) => {
            out.pending = Some(PendingJson {
                node: step.node_ref.clone(),
                kind: step.kind().name(),
                prompt: step.prompt(lang),
                action: step.action(lang).map(str::to_owned),
                choices: step.valid_answers(),
                caution: step.caution(lang).map(str::to_owned),
            })
        }
        State::Done(f) => match &f.node.body {
            Body::Escalate {
                party,
                text,
                have_ready,
            } => {
                let caution = f.node.caution.as_ref().map(|c| c.get(lang).to_owned());
                out.escalation = Some(EscalationJson {
                    caution,
                    party: party.id(),
                    party_name: party.name(lang),
                    tree: f.tree.id.clone(),
                    node: f.node_ref.clone(),
                    message: text.get(lang).to_owned(),
                    have_ready: have_ready
                        .iter()
                        .map(|fa| FactJson {
                            fact: fa.id().to_owned(),
                            label: fa.label(lang).to_owned(),
                        })
                        .chain(
                            pack_fact_labels(walk, f.node, lang).map(|(id, label)| FactJson {
                                fact: id.to_owned(),
                                label: label.to_owned(),
                            }),
                        )
                        .collect(),
                    facts: report.map(|r| r.facts.clone()).unwrap_or_default(),
                    contact: report.and_then(|r| r.contact.clone()),
                    where_to_find: Some(party.where_to_find(lang).to_owned()),
                })
            }
            Body::Resolved { text, customer } => {
                let customer = customer.as_ref().map(|c| c.get(lang).to_owned());
                out.customer.clone_from(&customer);
                out.resolution = Some(ResolutionJson {
                    caution: f.node.caution.as_ref().map(|c| c.get(lang).to_owned()),
                    tree: f.tree.id.clone(),
                    node: f.node_ref.clone(),
                    message: text.get(lang).to_owned(),
                    customer,
                })
            }
            _ => {}
        },
    }
    out
}

/// The human summary of a run's end (colour decided by the caller).
/// `show_steps` lists every step first (scripted runs, where nobody saw them).
pub fn run_text(
    walk: &Walk,
    ending: Ending,
    lang: Lang,
    show_steps: bool,
    width: Option<usize>,
    report: Option<&crate::report::Report>,
) -> String {
    run_text_probed(walk, ending, lang, show_steps, width, report, false, &[])
}

/// What to do now (the escalation's warning and text), whom to call and how
/// to reach them (or where to find the number), and what to ask for: the
/// first thing shown at an escalation, before any facts.
pub fn escalation_head(
    f: &crate::engine::Finished,
    contact: Option<&crate::profile::Contact>,
    lang: Lang,
    width: Option<usize>,
) -> String {
    format!(
        "{}\n{}",
        escalation_now(f, lang, width),
        escalation_call(f, contact, lang, width)
    )
}

/// The first part of an escalation: what to do now.
pub fn escalation_now(f: &crate::engine::Finished, lang: Lang, width: Option<usize>) -> String {
    let Body::Escalate { text, .. } = &f.node.body else {
        return String::new();
    };
    let mut out = format!(
        "{}\n",
        wrap(&format!("☎ {}", Msg::EscalateTitle.get(lang)), width, "")
            .yellow()
            .bold()
    );
    if let Some(c) = &f.node.caution {
        out.push_str(&format!(
            "{}\n",
            wrap(&format!("⚠ {}", c.get(lang)), width, "").red().bold()
        ));
    }
    out.push_str(&format!("{}\n", wrap(text.get(lang), width, "")));
    out
}

/// The second part of an escalation: whom to call, how, what to ask for.
pub fn escalation_call(
    f: &crate::engine::Finished,
    contact: Option<&crate::profile::Contact>,
    lang: Lang,
    width: Option<usize>,
) -> String {
    let mut out = String::new();
    for (i, l) in crate::report::contact_block(f.party(), contact, lang)
        .iter()
        .enumerate()
    {
        if i == 0 {
            out.push_str(&format!("{}\n", wrap(l, width, "").bold()));
        } else {
            out.push_str(&format!("{}\n", wrap(l, width, "  ")));
        }
    }
    out
}

/// [`run_text`], leaving out the escalation's head when the person has
/// already seen it (at the counter it comes before the facts), with what
/// the probes found at each step of the walk (by position) under the
/// steps they checked.
#[allow(clippy::too_many_arguments)]
pub fn run_text_probed(
    walk: &Walk,
    ending: Ending,
    lang: Lang,
    show_steps: bool,
    width: Option<usize>,
    report: Option<&crate::report::Report>,
    head_shown: bool,
    probed: &[Option<crate::probe::ProbeResult>],
) -> String {
    let mut out = String::new();
    let m = |msg: Msg| msg.get(lang);
    let steps = taken(walk, lang);
    if show_steps {
        out.push_str(&format!(
            "{} — {}\n",
            walk.tree().id.bold(),
            walk.tree().title.get(lang)
        ));
        for (i, t) in steps.iter().enumerate() {
            let head = format!("{:>2}. {} ", i + 1, format!("[{}]", t.node).dimmed());
            match &t.answer_label {
                Some(a) => out.push_str(&format!("{head}{} → {}\n", t.prompt, a.bold())),
                None => out.push_str(&format!("{head}{}\n", first_line(&t.prompt))),
            }
            if let Some(c) = &t.caution {
                out.push_str(&format!("{}\n", caution_line(c, lang, width, "    ")));
            }
            if let Some(a) = &t.action {
                out.push_str(&format!("{}\n", action_line(a, lang, width, "    ")));
            }
            if let Some(Some(p)) = probed.get(i) {
                let line = crate::sanitize::strip(&p.line(lang));
                out.push_str(&format!(
                    "{}\n",
                    crate::term::wrap(&line, width, "    ").trim_end()
                ));
            }
        }
        out.push('\n');
    }
    match walk.state() {
        State::Done(f) => match &f.node.body {
            Body::Resolved { text, customer } => {
                let title = if customer.is_some() {
                    m(Msg::ResolvedForShopTitle)
                } else {
                    m(Msg::ResolvedTitle)
                };
                out.push_str(&format!(
                    "{}\n",
                    wrap(&format!("✔ {title}"), width, "").green().bold()
                ));
                out.push_str(&format!("{}\n", wrap(text.get(lang), width, "")));
                if let Some(c) = customer {
                    out.push_str(&format!("\n{}\n", m(Msg::TellCustomer).bold()));
                    out.push_str(&format!("{}\n", wrap(c.get(lang), width, "  ")));
                }
            }
            Body::Escalate { have_ready, .. } => {
                if !head_shown {
                    let contact = report.and_then(|r| r.contact.as_ref());
                    out.push_str(&escalation_head(f, contact, lang, width));
                }
                match report {
                    Some(r) => {
                        out.push_str(&format!("\n{}\n", m(Msg::HaveReady).bold()));
                        for fact in &r.facts {
                            let (mark, line) = match &fact.shown(lang) {
                                Some(v) => ("  ✓ ", format!("{}{}{v}", fact.label, m(Msg::Colon))),
                                None => ("  □ ", fact.label.clone()),
                            };
                            // Wrapped lines hang under the text, not the mark.
                            let line = match width {
                                Some(w) => crate::term::fit(&line, w, mark, "    "),
                                None => format!("{mark}{line}"),
                            };
                            out.push_str(&format!("{line}\n"));
                        }
                        let tried: Vec<_> = r.steps.iter().filter(|s| s.answer.is_some()).collect();
                        if have_ready.contains(&Fact::Tried) && !tried.is_empty() {
                            out.push_str(&format!("\n{}\n", m(Msg::Tried).bold()));
                            for (i, s) in tried.iter().enumerate() {
                                let line =
                                    format!("{:>2}. {}", i + 1, crate::report::step_line(s, lang));
                                let line = match width {
                                    Some(w) => crate::term::fit(&line, w, "", "    "),
                                    None => line,
                                };
                                out.push_str(&format!("{line}\n"));
                            }
                        }
                    }
                    None => {
                        out.push_str(&format!("\n{}\n", m(Msg::HaveReady).bold()));
                        for fact in have_ready {
                            out.push_str(&format!("  □ {}\n", fact.label(lang)));
                        }
                        for (_, label) in pack_fact_labels(walk, f.node, lang) {
                            out.push_str(&format!("  □ {label}\n"));
                        }
                    }
                }
            }
            _ => {}
        },
        State::Ask(step) => {
            let title = match ending {
                Ending::NeedsInput => m(Msg::NeedsInputTitle),
                _ => m(Msg::StoppedTitle),
            };
            out.push_str(&format!(
                "{}\n",
                wrap(&format!("■ {title}"), width, "").cyan().bold()
            ));
            // What the step asks to do, safety first, before the question.
            if ending == Ending::NeedsInput {
                if let Some(c) = step.caution(lang) {
                    out.push_str(&format!("{}\n", caution_line(c, lang, width, "")));
                }
                if let Some(a) = step.action(lang) {
                    out.push_str(&format!("{}\n", action_line(a, lang, width, "")));
                }
            }
            let body = match ending {
                Ending::NeedsInput => {
                    let valid = step.valid_answers();
                    let list = if valid.is_empty() {
                        m(Msg::AnyText).to_owned()
                    } else {
                        valid.join(", ")
                    };
                    [
                        fill(
                            m(Msg::PendingAt),
                            &[("node", &step.node_ref), ("prompt", &step.prompt(lang))],
                        ),
                        fill(m(Msg::ValidAnswers), &[("list", &list)]),
                        fill(m(Msg::GiveAnswer), &[("node", &step.node_ref)]),
                    ]
                    .join("\n")
                }
                Ending::Interrupted => m(Msg::Interrupted).to_owned(),
                _ => m(Msg::QuitSaved).to_owned(),
            };
            out.push_str(&format!("{body}\n"));
        }
    }
    out
}

/// "⚠ Caution: …", wrapped, in the warning style.
pub fn caution_line(text: &str, lang: Lang, width: Option<usize>, indent: &str) -> String {
    let line = format!("⚠ {}{text}", Msg::Caution.get(lang));
    wrap(&line, width, indent).yellow().bold().to_string()
}

/// "▶ Do this: …", wrapped.
pub fn action_line(text: &str, lang: Lang, width: Option<usize>, indent: &str) -> String {
    wrap(&format!("▶ {} {text}", Msg::Do.get(lang)), width, indent)
}

/// (id, label) of the pack facts an escalation node asks for.
fn pack_fact_labels<'a>(
    walk: &'a Walk,
    node: &'a crate::rules::Node,
    lang: Lang,
) -> impl Iterator<Item = (&'a str, &'a str)> {
    node.pack_facts
        .iter()
        .filter_map(|id| walk.rules().facts.get(id))
        .map(move |f| (f.id.as_str(), f.label.get(lang)))
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}

#[derive(Serialize)]
pub struct TreeJson<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub titles: &'a Text,
    pub category: &'static str,
    pub keywords: &'a Keywords,
    pub source: String,
    pub file: &'a str,
    pub nodes: usize,
}

pub fn tree_json<'a>(t: &'a Tree, lang: Lang) -> TreeJson<'a> {
    TreeJson {
        id: &t.id,
        title: t.title.get(lang),
        titles: &t.title,
        category: t.category.id(),
        keywords: &t.keywords,
        source: t.origin.describe(),
        file: t.file_name(),
        nodes: t.nodes.len(),
    }
}

/// `list` as an aligned table: id, title, category, source.
pub fn list_text(rules: &RuleSet, lang: Lang) -> String {
    let rows: Vec<[String; 4]> = rules
        .trees()
        .iter()
        .map(|t| {
            [
                t.id.clone(),
                t.title.get(lang).to_owned(),
                t.category.id().to_owned(),
                t.origin.describe(),
            ]
        })
        .collect();
    let mut widths = [0usize; 4];
    for r in &rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.width());
        }
    }
    let mut out = String::new();
    for r in rows {
        let mut line = String::new();
        for (i, (c, w)) in r.iter().zip(widths).enumerate() {
            if i == 0 {
                line.push_str(&format!("{}", c.bold()));
            } else {
                line.push_str(c);
            }
            if i < 3 {
                line.push_str(&" ".repeat(w - c.width() + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
