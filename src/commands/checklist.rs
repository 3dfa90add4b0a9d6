//! `posdoctor checklist`: a printable checklist of trees.

use anyhow::{anyhow, Result};

use super::{load_rules, print_out, profile_for_run, shell_word, today, tree_or_explain, Ctx};
use crate::cli::ChecklistFormat;
use crate::paths::Dirs;
use crate::term::Stream;

pub fn checklist(
    ctx: &Ctx,
    ids: &[String],
    all: bool,
    format: ChecklistFormat,
    width: Option<u16>,
    output: Option<&std::path::Path>,
) -> Result<u8> {
    use crate::render::checklist;
    let rules = load_rules(ctx)?;
    let trees: Vec<&crate::rules::Tree> = if all {
        rules.trees().iter().collect()
    } else {
        ids.iter()
            .map(|id| tree_or_explain(ctx, &rules, id, &format!("checklist {}", shell_word(id))))
            .collect::<Result<_>>()?
    };
    let date = today();
    let profile = profile_for_run(ctx, Dirs::from_env().ok().as_ref());
    let terminal = profile.terminal_name(ctx.terminal.as_deref());
    let prefill = checklist::Prefill {
        profile: &profile,
        terminal: &terminal,
    };
    let lists: Vec<checklist::Checklist> = trees
        .iter()
        .map(|t| checklist::build(&rules, t, ctx.lang, &date, Some(&prefill)))
        .collect();
    let width = match width {
        Some(w) => usize::from(w),
        None if output.is_none() => crate::term::width_for(Stream::Stdout).unwrap_or(80),
        None => 80,
    };
    let text = match format {
        ChecklistFormat::Text => lists
            .iter()
            .map(|c| checklist::text(c, width))
            .collect::<Vec<_>>()
            .join("\n\n"),
        ChecklistFormat::Markdown => lists
            .iter()
            .map(checklist::markdown)
            .collect::<Vec<_>>()
            .join("\n\n"),
        ChecklistFormat::Html => {
            checklist::html(&lists, ctx.lang).map_err(|e| anyhow!("cannot render the HTML: {e}"))?
        }
    };
    match output {
        Some(path) => crate::paths::write_atomic(path, text.as_bytes(), true)?,
        None => print_out(&text)?,
    }
    Ok(0)
}
