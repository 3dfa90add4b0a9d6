//! Front ends for `run`: a person at the counter (interactive) or a script
//! (answers fed in). Both drive the same engine through [`Answerer`]; the
//! walking rules live only in the engine.

pub mod interactive;

use std::io;

use crate::answers::Answers;
use crate::engine::{Answer, Step, Walk};
use crate::i18n::{fill, Lang, Msg};
use crate::profile::Profile;
use crate::rules::Fact;
use crate::rules::NodeKind;
use crate::session::{Event, LogWriter};

/// What a front end says at a step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    /// An answer; `confirmed` when a destructive step was explicitly accepted.
    Answer {
        answer: Answer,
        confirmed: bool,
    },
    Back,
    /// The person chose to stop; the log keeps the walk.
    Quit,
    /// Ctrl-C.
    Interrupted,
    /// A script had no answer for this step.
    NeedsInput,
}

/// The answer to "go ahead with this destructive step?".
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Confirmation {
    /// Confirmed: do it now (then the question after it).
    Do,
    /// Anything else: `Reply::Answer { Skip }` to skip it, Back, Quit…
    Reply(Reply),
    /// No separate confirmation: the reply decides (a script's `skip`, or
    /// a yes/no that implies the step was done).
    Deferred,
}

pub trait Answerer {
    /// Replies to `step`. `previous` is the answer this step had before the
    /// person went back to it; `can_go_back` is false on the first step.
    fn reply(
        &mut self,
        step: &Step,
        previous: Option<&Answer>,
        can_go_back: bool,
    ) -> anyhow::Result<Reply>;

    /// The answers given ahead of time, to report the unused ones.
    fn presets(&self) -> Option<&Answers> {
        None
    }

    /// Before a destructive step: go ahead, skip it, or something else.
    fn confirm(&mut self, _step: &Step, _can_go_back: bool) -> anyhow::Result<Confirmation> {
        Ok(Confirmation::Deferred)
    }

    /// At an escalation, before any facts: what to do now, whom to call
    /// and how to reach them.
    fn show_escalation(
        &mut self,
        _at: &crate::engine::Finished,
        _contact: Option<&crate::profile::Contact>,
        _lang: Lang,
    ) -> anyhow::Result<()> {
        Ok(())
    }

    /// At an escalation: the facts as one optional step (a person may fill
    /// them in and keep the shop's in the profile; a script leaves them).
    fn complete_facts(&mut self, _form: &mut crate::run::FactsForm) -> anyhow::Result<()> {
        Ok(())
    }

    /// A response code was typed: what it means, from the code table.
    fn show_code(&mut self, _code: &crate::rules::Code, _lang: Lang, _brief: bool) {}

    /// A probe checked `step` automatically: what it found.
    fn show_probe(&mut self, _step: &Step, _result: &crate::probe::ProbeResult, _lang: Lang) {}

    /// Whether a probe's result is the answer (a script), rather than the
    /// answer preselected for the person to confirm or change.
    fn takes_probe_answers(&self) -> bool {
        true
    }
}

/// Answers only from `--answers`/`--answer`; never prompts, never waits.
pub struct Scripted {
    pub answers: Answers,
}

impl Answerer for Scripted {
    fn reply(&mut self, step: &Step, _: Option<&Answer>, _: bool) -> anyhow::Result<Reply> {
        if step.kind() == NodeKind::Info {
            return Ok(Reply::Answer {
                answer: Answer::Continue,
                confirmed: false,
            });
        }
        match self.answers.take(&step.node_ref) {
            Some(text) => Ok(Reply::Answer {
                answer: self.answers.parse_for(step, &text)?,
                confirmed: step.is_destructive(),
            }),
            None => Ok(Reply::NeedsInput),
        }
    }

    fn presets(&self) -> Option<&Answers> {
        Some(&self.answers)
    }
}

/// How a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    Resolved,
    Escalated,
    NeedsInput,
    Quit,
    Interrupted,
}

impl Ending {
    /// The `outcome` field of `--json` and of the log's end event.
    pub fn outcome(self) -> &'static str {
        match self {
            Ending::Resolved => "resolved",
            Ending::Escalated => "escalated",
            Ending::NeedsInput => "needs_input",
            Ending::Quit | Ending::Interrupted => "aborted",
        }
    }

    /// The exit code of the contract.
    pub fn exit_code(self) -> u8 {
        match self {
            Ending::Resolved => 0,
            Ending::Escalated => 3,
            Ending::NeedsInput | Ending::Quit => 4,
            Ending::Interrupted => 130,
        }
    }
}

/// The session log as a run uses it: every event is also kept in memory
/// (the report is built from them), and a write failure is reported once
/// while the run goes on without the file.
pub struct SessionLog {
    writer: Option<LogWriter>,
    /// Every event of this session, including those replayed by `--resume`.
    pub events: Vec<Event>,
    /// Set when a write failed.
    pub failure: Option<io::Error>,
    /// An explicit `--log`: failing to write it stops the run before the first step.
    pub strict: bool,
    lang: Lang,
}

impl SessionLog {
    pub fn new(writer: Option<LogWriter>, lang: Lang) -> SessionLog {
        SessionLog {
            writer,
            events: Vec::new(),
            failure: None,
            strict: false,
            lang,
        }
    }

    pub fn path(&self) -> Option<&std::path::Path> {
        self.writer.as_ref().map(|w| w.path())
    }

    pub fn write(&mut self, event: Event) {
        if let Some(w) = &mut self.writer {
            if let Err(e) = w.write(&event) {
                // Told once, at once; the run goes on (an explicit --log
                // that fails at once stops the run instead: see `drive`).
                if !(self.strict && self.events.is_empty()) {
                    eprintln!(
                        "{}",
                        fill(
                            Msg::WarnLog.get(self.lang),
                            &[("reason", &crate::rules::load::io_reason(&e))]
                        )
                    );
                }
                self.failure = Some(e);
                self.writer = None;
            }
        }
        self.events.push(event);
    }
}

/// What a run knows beyond the rules: the language and the shop's profile.
pub struct RunContext<'a> {
    pub lang: Lang,
    pub profile: &'a Profile,
    pub terminal: String,
}

/// Facts that a person can type at the counter when nothing filled them:
/// every fact but the cardholder's own call (nothing for the shop to type).
pub fn askable(fact: Fact) -> bool {
    fact != Fact::CardholderContact
}

/// Drives `walk` with `answerer` until an outcome, a stop or an error,
/// logging every step: a [`crate::run::Session`] around the walk and the
/// log, for callers that hold them separately. With `resumed`, the log
/// already holds the walk so far and a `resume` event is written instead of
/// `start`.
pub fn drive<'r>(
    walk: &mut Walk<'r>,
    answerer: &mut dyn Answerer,
    log: &mut SessionLog,
    ctx: &RunContext,
    resumed: bool,
) -> anyhow::Result<Ending> {
    let held = std::mem::replace(log, SessionLog::new(None, ctx.lang));
    let opts = crate::run::SessionOptions {
        lang: ctx.lang,
        profile: ctx.profile.clone(),
        profile_path: None,
        terminal: ctx.terminal.clone(),
        probes: false,
        packs: Vec::new(),
    };
    let mut session = crate::run::Session::with(walk.clone(), held, opts, resumed);
    let ending = session.drive(answerer);
    *walk = session.walk;
    *log = session.log;
    ending
}

/// One step of a finished or stopped run, as the log and JSON show it.
#[derive(Clone, Debug)]
pub struct Taken {
    pub node: String,
    pub kind: NodeKind,
    pub prompt: String,
    /// What the person was asked to do first (check nodes).
    pub action: Option<String>,
    /// The warning shown with the step (the used check's, then the node's).
    pub caution: Option<String>,
    /// The answer as a script writes it (`yes`, a choice id); none for info.
    pub answer: Option<String>,
    /// The answer as a person reads it (是, the choice's label).
    pub answer_label: Option<String>,
}

/// The steps of `walk` so far, for JSON and the summary.
pub fn taken(walk: &Walk, lang: Lang) -> Vec<Taken> {
    walk.history()
        .iter()
        .map(|v| Taken {
            node: v.step.node_ref.clone(),
            kind: v.step.kind(),
            prompt: v.step.prompt(lang),
            action: v.step.action(lang).map(str::to_owned),
            caution: v.step.caution(lang).map(str::to_owned),
            answer: (v.step.kind() != NodeKind::Info).then(|| v.answer.as_str().to_owned()),
            answer_label: answer_label(&v.step, &v.answer, lang),
        })
        .collect()
}

/// An answer in the person's words.
pub fn answer_label(step: &Step, answer: &Answer, lang: Lang) -> Option<String> {
    Some(match answer {
        Answer::Yes => Msg::Yes.get(lang).to_owned(),
        Answer::No => Msg::No.get(lang).to_owned(),
        Answer::Skip => Msg::Skipped.get(lang).to_owned(),
        Answer::Text(t) => t.clone(),
        Answer::Choice(id) => match &step.node.body {
            crate::rules::Body::Choice { choices, .. } => choices
                .iter()
                .find(|c| &c.id == id)
                .map_or_else(|| id.clone(), |c| c.label.get(lang).to_owned()),
            _ => id.clone(),
        },
        Answer::Continue => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::load::{load, LoadOptions};

    fn rules() -> crate::rules::RuleSet {
        load(&LoadOptions {
            builtin: true,
            packs: vec![],
        })
        .rules
    }

    /// Drives a walk with a script, no log and an empty profile.
    fn drive_scripted(walk: &mut Walk, answerer: &mut Scripted) -> Ending {
        let mut log = SessionLog::new(None, Lang::En);
        let profile = Profile::default();
        let ctx = RunContext {
            lang: Lang::En,
            profile: &profile,
            terminal: "default".into(),
        };
        drive(walk, answerer, &mut log, &ctx, false).unwrap()
    }

    #[test]
    fn scripted_stops_at_first_unanswered_question() {
        let rules = rules();
        let mut walk = Walk::start(&rules, "no-power").unwrap();
        let mut a = Scripted {
            answers: Answers::default(),
        };
        let ending = drive_scripted(&mut walk, &mut a);
        assert_eq!(ending, Ending::NeedsInput);
        assert_eq!(ending.exit_code(), 4);
        // Info steps were passed without answers.
        assert!(walk
            .history()
            .iter()
            .all(|v| v.step.kind() == NodeKind::Info));
    }

    #[test]
    fn scripted_never_loops() {
        // Answer every question of every node with the same first answer,
        // many times over: the walk must still end (each answer is used once).
        let rules = rules();
        for tree in rules.trees() {
            let mut answers = Answers::default();
            let flags: Vec<String> = tree
                .nodes
                .iter()
                .flat_map(|n| {
                    let v = match &n.body {
                        crate::rules::Body::Check { .. } => "no".to_owned(),
                        crate::rules::Body::Choice { choices, .. } => choices[0].id.clone(),
                        _ => "zz".to_owned(),
                    };
                    std::iter::repeat_n(format!("{}={v}", n.id), 5)
                })
                .collect();
            answers.add_flags(&flags).unwrap();
            let mut walk = Walk::start(&rules, &tree.id).unwrap();
            let ending = drive_scripted(&mut walk, &mut Scripted { answers });
            assert_ne!(ending, Ending::Quit);
        }
    }
}
