//! The counter: one step at a time on a terminal, with Back and Quit, a
//! distinct style for cautions, and an explicit confirmation before a
//! destructive step. Answers given with `--answers`/`--answer` are used
//! first; the person is asked the rest.

use std::fmt;

use colored::Colorize;
use inquire::ui::RenderConfig;
use inquire::validator::Validation;
use inquire::{InquireError, Select, Text as TextPrompt};

use super::{askable, Answerer, Reply};
use crate::answers::Answers;
use crate::engine::{Answer, Step};
use crate::i18n::{fill, Lang, Msg};
use crate::profile::check_value;
use crate::rules::{fact_by_id, Body, NodeKind};
use crate::session::FactValue;
use crate::term::{width_for, wrap, Stream};

pub struct Interactive {
    pub presets: Answers,
    pub lang: Lang,
    pub color: bool,
}

/// An entry of a menu.
#[derive(Clone, Debug, PartialEq)]
enum Opt {
    Answer(Answer, String),
    Confirm(bool, String),
    Back(String),
    Quit(String),
}

impl fmt::Display for Opt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Opt::Answer(_, l) | Opt::Confirm(_, l) | Opt::Back(l) | Opt::Quit(l) => f.write_str(l),
        }
    }
}

impl Interactive {
    fn m(&self, msg: Msg) -> &'static str {
        msg.get(self.lang)
    }

    fn render_config(&self) -> RenderConfig<'static> {
        if self.color {
            RenderConfig::default_colored()
        } else {
            RenderConfig::empty()
        }
    }

    fn show(&self, step: &Step) {
        let lang = self.lang;
        let width = width_for(Stream::Stderr);
        let step_no = fill(self.m(Msg::Step), &[("n", &step.number.to_string())]);
        let head = format!(
            "── {} · {} · {step_no} ──",
            step.tree.title.get(lang),
            step.tree.id
        );
        eprintln!();
        eprintln!("{}", head.dimmed());
        if let Some(c) = &step.node.caution {
            let line = format!("⚠ {}{}", self.m(Msg::Caution), c.get(lang));
            eprintln!("{}", wrap(&line, width, "").yellow().bold());
        }
        if step.is_destructive() {
            eprintln!("{}", format!("⚠ {}", self.m(Msg::Destructive)).red().bold());
        }
        if let Some(a) = step.action(lang) {
            eprintln!("{}", format!("▶ {}", self.m(Msg::Do)).bold());
            eprintln!("{}", wrap(a, width, "  "));
        }
        if step.kind() == NodeKind::Info {
            eprintln!("{}", wrap(&step.prompt(lang), width, ""));
        }
    }

    /// A menu with Back (unless at the first step) and Quit after `options`.
    fn menu(
        &self,
        question: &str,
        mut options: Vec<Opt>,
        previous: Option<&Answer>,
        can_go_back: bool,
    ) -> Result<Opt, InquireError> {
        let start = previous
            .and_then(|p| {
                options
                    .iter()
                    .position(|o| matches!(o, Opt::Answer(a, _) if a == p))
            })
            .unwrap_or(0);
        if can_go_back {
            options.push(Opt::Back(self.m(Msg::Back).into()));
        }
        options.push(Opt::Quit(self.m(Msg::Quit).into()));
        let page = options.len().min(12);
        Select::new(question, options)
            .with_help_message(self.m(Msg::SelectHelp))
            .with_starting_cursor(start)
            .with_page_size(page)
            .with_render_config(self.render_config())
            .prompt()
    }

    fn ask(
        &self,
        step: &Step,
        previous: Option<&Answer>,
        can_go_back: bool,
    ) -> Result<Reply, InquireError> {
        let lang = self.lang;
        let prompt = step.prompt(lang);
        let answer = |a: Answer| Reply::Answer {
            answer: a,
            confirmed: false,
        };
        let chosen = match &step.node.body {
            Body::Info { .. } => self.menu(
                self.m(Msg::InfoPrompt),
                vec![Opt::Answer(Answer::Continue, self.m(Msg::Continue).into())],
                None,
                can_go_back,
            )?,
            Body::Check { destructive, .. } => {
                if *destructive {
                    let confirm = vec![
                        Opt::Confirm(false, self.m(Msg::ConfirmSkip).into()),
                        Opt::Confirm(true, self.m(Msg::ConfirmDo).into()),
                    ];
                    match self.menu(self.m(Msg::ConfirmDestructive), confirm, None, can_go_back)? {
                        Opt::Confirm(false, _) => return Ok(answer(Answer::Skip)),
                        Opt::Confirm(true, _) => {}
                        other => return Ok(control(other)),
                    }
                }
                let yes_no = vec![
                    Opt::Answer(Answer::Yes, self.m(Msg::Yes).into()),
                    Opt::Answer(Answer::No, self.m(Msg::No).into()),
                ];
                let picked = self.menu(&prompt, yes_no, previous, can_go_back)?;
                if let (Opt::Answer(a, _), true) = (&picked, *destructive) {
                    return Ok(Reply::Answer {
                        answer: a.clone(),
                        confirmed: true,
                    });
                }
                picked
            }
            Body::Choice { choices, .. } => {
                let opts = choices
                    .iter()
                    .map(|c| {
                        Opt::Answer(Answer::Choice(c.id.clone()), c.label.get(lang).to_owned())
                    })
                    .collect();
                self.menu(&prompt, opts, previous, can_go_back)?
            }
            Body::Text { .. } => {
                let initial = match previous {
                    Some(Answer::Text(t)) => t.clone(),
                    _ => String::new(),
                };
                let required = self.m(Msg::AnswerRequired);
                let typed = TextPrompt::new(&prompt)
                    .with_formatter(&mask_for_screen)
                    .with_help_message(self.m(Msg::TextHelp))
                    .with_initial_value(&initial)
                    .with_validator(move |s: &str| {
                        Ok(if s.trim().is_empty() {
                            Validation::Invalid(required.into())
                        } else {
                            Validation::Valid
                        })
                    })
                    .with_render_config(self.render_config())
                    .prompt();
                return match typed {
                    Ok(t) => Ok(answer(Answer::Text(t.trim().to_owned()))),
                    Err(InquireError::OperationCanceled) if can_go_back => Ok(Reply::Back),
                    Err(e) => Err(e),
                };
            }
            Body::Resolved { .. } | Body::Escalate { .. } | Body::Link { .. } => {
                return Ok(Reply::Quit)
            }
        };
        Ok(match chosen {
            Opt::Answer(a, _) => answer(a),
            other => control(other),
        })
    }
}

/// What the prompt echoes once an answer is given: never a card number.
fn mask_for_screen(s: &str) -> String {
    crate::privacy::mask_card_numbers(s).0
}

fn control(opt: Opt) -> Reply {
    match opt {
        Opt::Back(_) => Reply::Back,
        _ => Reply::Quit,
    }
}

impl Answerer for Interactive {
    fn reply(
        &mut self,
        step: &Step,
        previous: Option<&Answer>,
        can_go_back: bool,
    ) -> anyhow::Result<Reply> {
        if step.kind() != NodeKind::Info && self.presets.has(&step.node_ref) {
            if let Some(text) = self.presets.take(&step.node_ref) {
                let answer = self.presets.parse_for(step, &text)?;
                let label = super::answer_label(step, &answer, self.lang).unwrap_or_default();
                eprintln!(
                    "{} {} {}",
                    step.prompt(self.lang).bold(),
                    label,
                    self.m(Msg::Preset).dimmed()
                );
                return Ok(Reply::Answer {
                    answer,
                    confirmed: step.is_destructive(),
                });
            }
        }
        self.show(step);
        loop {
            match self.ask(step, previous, can_go_back) {
                Ok(reply) => return Ok(reply),
                Err(InquireError::OperationCanceled) if can_go_back => return Ok(Reply::Back),
                // Esc at the first step: nowhere to go back to; ask again.
                Err(InquireError::OperationCanceled) => continue,
                Err(InquireError::OperationInterrupted) => return Ok(Reply::Interrupted),
                Err(e) => return Err(anyhow::anyhow!("the terminal prompt failed: {e}")),
            }
        }
    }

    fn presets(&self) -> Option<&Answers> {
        Some(&self.presets)
    }

    fn complete_facts(&mut self, facts: &mut Vec<FactValue>, lang: Lang) -> anyhow::Result<()> {
        let missing: Vec<usize> = (0..facts.len())
            .filter(|&i| {
                facts[i].value.is_none() && fact_by_id(&facts[i].fact).is_some_and(askable)
            })
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        eprintln!(
            "\n{}",
            wrap(self.m(Msg::AskFactsIntro), width_for(Stream::Stderr), "")
        );
        for i in missing {
            let key = facts[i].fact.clone();
            let question = fill(Msg::AskFact.get(lang), &[("label", &facts[i].label)]);
            let check_key = key.clone();
            let typed = TextPrompt::new(&question)
                .with_formatter(&mask_for_screen)
                .with_validator(move |s: &str| {
                    Ok(match s.trim() {
                        "" => Validation::Valid,
                        v => match check_value(&check_key, v) {
                            Ok(_) => Validation::Valid,
                            Err(e) => Validation::Invalid(e.to_string().into()),
                        },
                    })
                })
                .with_render_config(self.render_config())
                .prompt();
            match typed {
                Ok(s) if s.trim().is_empty() => {}
                Ok(s) => {
                    let checked = check_value(&key, &s)?;
                    if checked.masked {
                        eprintln!("{}", self.m(Msg::Masked));
                    }
                    facts[i].value = Some(checked.value);
                }
                Err(InquireError::OperationCanceled) => {}
                Err(InquireError::OperationInterrupted) => break,
                Err(e) => return Err(anyhow::anyhow!("the terminal prompt failed: {e}")),
            }
        }
        Ok(())
    }
}
