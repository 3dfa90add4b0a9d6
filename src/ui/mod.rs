//! Front ends for `run`: a person at the counter (interactive) or a script
//! (answers fed in). Both drive the same engine through [`Answerer`]; the
//! walking rules live only in the engine.

pub mod interactive;

use std::io;

use crate::answers::Answers;
use crate::engine::{Answer, EngineError, State, Step, Walk};
use crate::i18n::{fill, Lang, Msg};
use crate::privacy::mask_card_numbers;
use crate::profile::Profile;
use crate::rules::NodeKind;
use crate::rules::{Body, Fact};
use crate::session::FactValue;
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

    /// At an escalation: fill in facts the profile lacks (a person is asked;
    /// a script leaves them unknown).
    fn complete_facts(&mut self, _facts: &mut Vec<FactValue>, _lang: Lang) -> anyhow::Result<()> {
        Ok(())
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

/// Facts that a person can type at the counter when the profile lacks them.
pub fn askable(fact: Fact) -> bool {
    !matches!(
        fact,
        Fact::Tried | Fact::CardholderContact | Fact::PurchaseDate
    )
}

/// The facts an escalation asks for, filled from the profile.
fn prefill(have_ready: &[Fact], walk: &Walk, ctx: &RunContext) -> Vec<FactValue> {
    let tried = walk
        .history()
        .iter()
        .filter(|v| v.step.kind() != NodeKind::Info)
        .count();
    have_ready
        .iter()
        .map(|f| FactValue {
            fact: f.id().to_owned(),
            label: f.label(ctx.lang).to_owned(),
            value: match f {
                Fact::Tried if tried > 0 => Some(fill(
                    Msg::StepsBelow.get(ctx.lang),
                    &[("n", &tried.to_string())],
                )),
                // The code or message typed during the walk (already masked).
                Fact::ScreenMessage => walk
                    .history()
                    .iter()
                    .rev()
                    .find_map(|v| match &v.answer {
                        Answer::Text(t) => Some(t.clone()),
                        _ => None,
                    })
                    .or_else(|| ctx.profile.fact(*f, &ctx.terminal, ctx.lang)),
                _ => ctx.profile.fact(*f, &ctx.terminal, ctx.lang),
            },
        })
        .collect()
}

/// Drives `walk` with `answerer` until an outcome, a stop or an error,
/// logging every step. With `resumed`, the log already holds the walk so
/// far and a `resume` event is written instead of `start`.
pub fn drive(
    walk: &mut Walk<'_>,
    answerer: &mut dyn Answerer,
    log: &mut SessionLog,
    ctx: &RunContext,
    resumed: bool,
) -> anyhow::Result<Ending> {
    let lang = ctx.lang;
    if resumed {
        log.write(Event::Resume {
            time: session::now(),
        });
    } else {
        log.write(Event::Start {
            time: session::now(),
            tree: walk.tree().id.clone(),
            title: Some(walk.tree().title.get(lang).to_owned()),
            lang: lang.code().into(),
            version: env!("CARGO_PKG_VERSION").into(),
            format: session::LOG_FORMAT,
        });
    }
    if log.strict {
        if let Some(e) = &log.failure {
            anyhow::bail!(
                "cannot write the session log: {}",
                crate::rules::load::io_reason(e)
            );
        }
    }
    let mut previous: Option<Answer> = None;
    let end = |log: &mut SessionLog, ending: Ending, node: Option<String>| {
        log.write(Event::End {
            time: session::now(),
            outcome: ending.outcome().into(),
            node,
            party: None,
            tree: None,
            message: None,
            customer: None,
        });
        Ok(ending)
    };
    loop {
        let step = match walk.state() {
            State::Done(f) => {
                let f = f.clone();
                let (ending, message) = match &f.node.body {
                    Body::Escalate {
                        text, have_ready, ..
                    } => {
                        let mut facts = prefill(have_ready, walk, ctx);
                        answerer.complete_facts(&mut facts, lang)?;
                        let contact = f.party().and_then(|p| ctx.profile.contact(p)).cloned();
                        log.write(Event::Facts {
                            time: session::now(),
                            terminal: Some(ctx.terminal.clone()),
                            facts,
                            contact,
                        });
                        (Ending::Escalated, text.get(lang).to_owned())
                    }
                    Body::Resolved { text, .. } => (Ending::Resolved, text.get(lang).to_owned()),
                    _ => (Ending::Resolved, String::new()),
                };
                log.write(Event::End {
                    time: session::now(),
                    outcome: ending.outcome().into(),
                    node: Some(f.node_ref.clone()),
                    party: f.party().map(|p| p.id().to_owned()),
                    tree: Some(f.tree.id.clone()),
                    message: Some(message),
                    customer: f.customer().map(|c| c.get(lang).to_owned()),
                });
                return Ok(ending);
            }
            State::Ask(step) => step.clone(),
        };
        let can_go_back = !walk.history().is_empty();
        match answerer.reply(&step, previous.take().as_ref(), can_go_back) {
            Ok(Reply::Answer { answer, confirmed }) => {
                // No card data, ever: typed text is masked before anything
                // (the walk, the log, the screen) sees it.
                let answer = match answer {
                    Answer::Text(t) => {
                        let t = crate::rules::load::sanitize(&t);
                        let (masked, changed) = mask_card_numbers(&t);
                        if changed {
                            eprintln!("{}", Msg::Masked.get(lang));
                        }
                        Answer::Text(masked)
                    }
                    other => other,
                };
                if let Err(e) = walk.answer(answer.clone()) {
                    end(log, Ending::NeedsInput, Some(step.node_ref.clone()))?;
                    return Err(e.into());
                }
                log.write(Event::Step {
                    time: session::now(),
                    n: step.number,
                    node: step.node_ref.clone(),
                    kind: step.kind().name().into(),
                    prompt: step.prompt(lang),
                    answer: (step.kind() != NodeKind::Info).then(|| answer.as_str().to_owned()),
                    label: answer_label(&step, &answer, lang),
                    action: step.action(lang).map(str::to_owned),
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
            Ok(Reply::Quit) => return end(log, Ending::Quit, Some(step.node_ref)),
            Ok(Reply::Interrupted) => return end(log, Ending::Interrupted, Some(step.node_ref)),
            Ok(Reply::NeedsInput) => return end(log, Ending::NeedsInput, Some(step.node_ref)),
            Err(e) => {
                let ending = if e.downcast_ref::<EngineError>().is_some() {
                    Ending::NeedsInput
                } else {
                    Ending::Quit
                };
                end(log, ending, Some(step.node_ref))?;
                return Err(e);
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
