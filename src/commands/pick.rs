//! `posdoctor` alone, on a terminal: "What's wrong?" — a searchable list
//! of symptoms, then `run`.

use std::io::IsTerminal;

use anyhow::{anyhow, Result};
use clap::CommandFactory;

use super::{load_rules, Ctx};
use crate::cli::{Cli, RunArgs};
use crate::i18n::Msg;
use crate::term::{use_color_for, Stream};

/// `posdoctor` alone: on a terminal, "What's wrong?" then `run`.
pub fn pick(ctx: &Ctx) -> Result<u8> {
    if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
        let mut cmd = Cli::command();
        cmd.error(
            clap::error::ErrorKind::MissingSubcommand,
            "no command given, and standard input is not a terminal to ask on.\n\
             For scripts use: posdoctor run TREE --no-input [--answer NODE=VALUE]... [--json]\n\
             To see the trees: posdoctor list",
        )
        .exit();
    }
    let rules = load_rules(ctx)?;
    let color = use_color_for(ctx.color, Stream::Stderr);
    let index = crate::search::Index::new(&rules);
    let options: Vec<PickItem> = rules
        .trees()
        .iter()
        .map(|t| PickItem {
            id: t.id.clone(),
            label: format!("{} ({})", t.title.get(ctx.lang), t.id),
        })
        .collect();
    let render = if color {
        inquire::ui::RenderConfig::default_colored()
    } else {
        inquire::ui::RenderConfig::empty()
    };
    // Ranked by the same search as `posdoctor search`; short inputs that the
    // search cannot rank yet fall back to plain containment.
    let scorer = |input: &str, item: &PickItem, label: &str, _: usize| -> Option<i64> {
        let input = input.trim();
        if input.is_empty() {
            return Some(0);
        }
        let score = index.score(&item.id, input);
        if score > 0.0 {
            Some((score * 1000.0) as i64)
        } else {
            label
                .to_lowercase()
                .contains(&input.to_lowercase())
                .then_some(1)
        }
    };
    let picked = inquire::Select::new(Msg::WhatsWrong.get(ctx.lang), options)
        .with_render_config(render)
        .with_help_message(Msg::PickHelp.get(ctx.lang))
        .with_scorer(&scorer)
        .with_page_size(14)
        .prompt();
    match picked {
        Ok(item) => super::run::run(
            ctx,
            &RunArgs {
                tree: Some(item.id),
                ..RunArgs::default()
            },
        ),
        Err(inquire::InquireError::OperationInterrupted) => Ok(130),
        Err(inquire::InquireError::OperationCanceled) => Ok(0),
        Err(e) => Err(anyhow!("the terminal prompt failed: {e}")),
    }
}

struct PickItem {
    id: String,
    label: String,
}

impl std::fmt::Display for PickItem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label)
    }
}
