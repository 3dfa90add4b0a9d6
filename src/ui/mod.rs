//! Front ends for `run`: a person at the counter (interactive) or a script
//! (answers fed in). Both drive the same engine through [`Answerer`]; the
//! walking rules live only in the engine.

pub mod interactive;

use std::io;

use crate::answers::Answers;
use crate::engine::{Answer, EngineError, State, Step, Walk};
use crate::i18n::{Lang, Msg};
use crate::rules::NodeKind;
use crate::session::{self, Event, LogWriter};

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
                answer: step.parse(&text)?,
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

/// The session log as a run uses it: a write failure is reported once and
/// the run goes on without the log.
pub struct SessionLog {
    writer: Option<LogWriter>,
    /// Set when a write failed; the caller tells the person once.
    pub failure: Option<io::Error>,
}

impl SessionLog {
    pub fn new(writer: Option<LogWriter>) -> SessionLog {
        SessionLog {
            writer,
            failure: None,
        }
    }

    pub fn path(&self) -> Option<&std::path::Path> {
        self.writer.as_ref().map(|w| w.path())
    }

    pub fn write(&mut self, event: Event) {
        if let Some(w) = &mut self.writer {
            if let Err(e) = w.write(&event) {
                self.failure = Some(e);
                self.writer = None;
            }
        }
    }
}

/// One step of a finished or stopped run, as the log and JSON show it.
#[derive(Clone, Debug)]
pub struct Taken {
    pub node: String,
    pub kind: NodeKind,
    pub prompt: String,
    /// What the person was asked to do first (check nodes).
    pub action: Option<String>,
    /// The answer as a script writes it (`yes`, a choice id); none for info.
    pub answer: Option<String>,
    /// The answer as a person reads it (是, the choice's label).
    pub answer_label: Option<String>,
}

/// Drives `walk` with `answerer` until an outcome, a stop or an error,
/// logging every step.
pub fn drive<'r>(
    walk: &mut Walk<'r>,
    answerer: &mut dyn Answerer,
    log: &mut SessionLog,
    lang: Lang,
) -> anyhow::Result<Ending> {
    log.write(Event::Start {
        time: session::now(),
        tree: walk.tree().id.clone(),
        lang: lang.code().into(),
        version: env!("CARGO_PKG_VERSION").into(),
        format: session::LOG_FORMAT,
    });
    let mut previous: Option<Answer> = None;
    let end =
        |log: &mut SessionLog, ending: Ending, node: Option<String>, party: Option<String>| {
            log.write(Event::End {
                time: session::now(),
                outcome: ending.outcome().into(),
                node,
                party,
            });
            Ok(ending)
        };
    loop {
        let step = match walk.state() {
            State::Done(f) => {
                let ending = if f.is_resolved() {
                    Ending::Resolved
                } else {
                    Ending::Escalated
                };
                let party = f.party().map(|p| p.id().to_owned());
                let node = f.node_ref.clone();
                return end(log, ending, Some(node), party);
            }
            State::Ask(step) => step.clone(),
        };
        let can_go_back = !walk.history().is_empty();
        match answerer.reply(&step, previous.take().as_ref(), can_go_back) {
            Ok(Reply::Answer { answer, confirmed }) => {
                if let Err(e) = walk.answer(answer.clone()) {
                    end(log, Ending::NeedsInput, Some(step.node_ref.clone()), None)?;
                    return Err(e.into());
                }
                log.write(Event::Step {
                    time: session::now(),
                    n: step.number,
                    node: step.node_ref.clone(),
                    kind: step.kind().name().into(),
                    prompt: step.prompt(lang),
                    answer: (step.kind() != NodeKind::Info).then(|| answer.as_str().to_owned()),
                    confirmed,
                });
            }
            Ok(Reply::Back) => {
                if let Some(answer) = walk.back() {
                    let to = walk.step().map(|s| s.node_ref.clone()).unwrap_or_default();
                    log.write(Event::Back {
                        time: session::now(),
                        to,
                    });
                    previous = Some(answer);
                }
            }
            Ok(Reply::Quit) => return end(log, Ending::Quit, Some(step.node_ref), None),
            Ok(Reply::Interrupted) => {
                return end(log, Ending::Interrupted, Some(step.node_ref), None)
            }
            Ok(Reply::NeedsInput) => {
                return end(log, Ending::NeedsInput, Some(step.node_ref), None)
            }
            Err(e) => {
                let ending = if e.downcast_ref::<EngineError>().is_some() {
                    Ending::NeedsInput
                } else {
                    Ending::Quit
                };
                end(log, ending, Some(step.node_ref), None)?;
                return Err(e);
            }
        }
    }
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

    #[test]
    fn scripted_stops_at_first_unanswered_question() {
        let rules = rules();
        let mut walk = Walk::start(&rules, "no-power").unwrap();
        let mut a = Scripted {
            answers: Answers::default(),
        };
        let mut log = SessionLog::new(None);
        let ending = drive(&mut walk, &mut a, &mut log, Lang::En).unwrap();
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
            let mut log = SessionLog::new(None);
            let ending = drive(&mut walk, &mut Scripted { answers }, &mut log, Lang::En).unwrap();
            assert_ne!(ending, Ending::Quit);
        }
    }
}
