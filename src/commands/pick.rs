//! `posdoctor` alone, on a terminal: "What's wrong?" — a searchable list
//! of symptoms, then `run`.

use std::io::IsTerminal;

use anyhow::{anyhow, Result};
use clap::CommandFactory;

use super::{load_rules, Ctx};
use crate::cli::{Cli, RunArgs};
use crate::i18n::{fill, Msg};
use crate::term::{self, use_color_for, Stream};
use crate::ui::interactive::{choose, render_config, Screen};

/// `posdoctor` alone: on a terminal, "What's wrong?" then `run`.
pub fn pick(ctx: &Ctx) -> Result<u8> {
    if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
        let mut cmd = Cli::command();
        cmd.error(
            clap::error::ErrorKind::MissingSubcommand,
            format!(
                "no command given, and standard input is not a terminal to ask on.\n\
                 For scripts use: {}\n\
                 To see the trees: {}",
                ctx.suggest("run TREE --no-input [--answer NODE=VALUE]... [--json]"),
                ctx.suggest("list")
            ),
        )
        .exit();
    }
    let rules = load_rules(ctx)?;
    let color = use_color_for(ctx.color, Stream::Stderr);
    let lang = ctx.lang;
    // A session left unfinished today comes first.
    if let Some(u) = recent_unfinished() {
        let title = rules
            .tree(&u.tree)
            .map(|t| t.title.get(lang).to_owned())
            .or(u.title.clone())
            .unwrap_or_else(|| u.tree.clone());
        let question = fill(
            Msg::OfferResume.get(lang),
            &[
                ("title", &title),
                ("n", &u.step.to_string()),
                ("when", &crate::localtime::when(&u.stopped, lang)),
            ],
        );
        match choose(
            &question,
            Msg::ResumeYes.get(lang),
            Msg::ResumeNo.get(lang),
            color,
        ) {
            Ok(true) => {
                return super::run::run(
                    ctx,
                    &RunArgs {
                        resume: Some(Some(u.path)),
                        ..RunArgs::default()
                    },
                )
            }
            Ok(false) => {}
            Err(inquire::InquireError::OperationInterrupted) => return Ok(130),
            Err(e) => return Err(anyhow!("the terminal prompt failed: {e}")),
        }
    }
    let index = super::search_index(ctx, &rules);
    let screen = Screen::now();
    let mut options: Vec<PickItem> = rules
        .trees()
        .iter()
        .map(|t| PickItem {
            id: Some(t.id.clone()),
            label: screen.choice(t.title.get(lang)),
        })
        .collect();
    options.push(PickItem {
        id: None,
        label: screen.choice(Msg::PickNoMatch.get(lang)),
    });
    let labels: Vec<(String, String)> = rules
        .trees()
        .iter()
        .map(|t| {
            (
                t.id.clone(),
                format!("{} {}", t.title.get(lang), t.id).to_lowercase(),
            )
        })
        .collect();
    // Ranked by the same index as `posdoctor search`; words the index cannot
    // rank yet (one Chinese character) fall back to plain containment.
    let rank = |input: &str, id: &str, label: &str| -> Option<i64> {
        let score = index.score(id, input);
        if score > 0.0 {
            Some((score * 1000.0) as i64)
        } else {
            label.contains(&input.to_lowercase()).then_some(1)
        }
    };
    let scorer = |input: &str, item: &PickItem, _: &str, _: usize| -> Option<i64> {
        let input = input.trim();
        match &item.id {
            Some(_) if input.is_empty() => Some(0),
            Some(id) => rank(input, id, &labels.iter().find(|(i, _)| i == id)?.1),
            // "No match — try other words", only when nothing else is listed.
            None => (!input.is_empty()
                && labels.iter().all(|(id, l)| rank(input, id, l).is_none()))
            .then_some(i64::MIN),
        }
    };
    let help = screen.hint(Msg::PickHelp.get(lang));
    let question = Msg::WhatsWrong.get(lang);
    // The question with what is typed (one row, or two for a long entry),
    // the hint, and as many symptoms as fit on the screen.
    let fixed = 2 + term::rows(&help, screen.width);
    let page = screen.page_size(
        fixed,
        &options
            .iter()
            .map(|o| term::rows(&o.label, screen.width))
            .collect::<Vec<_>>(),
    );
    loop {
        let picked = inquire::Select::new(question, options.clone())
            .with_render_config(render_config(color, false))
            .with_help_message(&help)
            .with_scorer(&scorer)
            .with_page_size(page)
            .with_formatter(&|o| {
                if o.value.id.is_none() {
                    return String::new();
                }
                o.value
                    .label
                    .lines()
                    .map(str::trim)
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .prompt();
        return match picked {
            Ok(PickItem { id: Some(id), .. }) => super::run::run(
                ctx,
                &RunArgs {
                    tree: Some(id),
                    ..RunArgs::default()
                },
            ),
            // "No match": ask again, without leaving it on the screen as
            // if it were an answer.
            Ok(PickItem { id: None, .. }) => {
                crate::ui::interactive::erase_rows(term::rows(question, screen.width));
                continue;
            }
            Err(inquire::InquireError::OperationInterrupted) => {
                super::print_err(Msg::PickStopped.get(lang));
                Ok(130)
            }
            Err(inquire::InquireError::OperationCanceled) => Ok(0),
            Err(e) => Err(anyhow!("the terminal prompt failed: {e}")),
        };
    }
}

/// The newest unfinished session, if it stopped less than a day ago.
fn recent_unfinished() -> Option<crate::run::Unfinished> {
    let dirs = crate::paths::Dirs::from_env().ok()?;
    let u = crate::run::newest_unfinished(&dirs.sessions(), None)?;
    let stopped: jiff::Timestamp = u.stopped.parse().ok()?;
    let age = jiff::Timestamp::now().duration_since(stopped);
    (age < jiff::SignedDuration::from_hours(24)).then_some(u)
}

#[derive(Clone)]
struct PickItem {
    /// The tree; none for the "no match" line.
    id: Option<String>,
    /// The title, wrapped to the screen.
    label: String,
}

impl std::fmt::Display for PickItem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label)
    }
}
