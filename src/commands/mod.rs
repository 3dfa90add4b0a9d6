//! One module per command (as cargo's `src/bin/cargo/commands/`): each is a
//! short function from parsed arguments to an exit code. What several
//! commands share — loading the rules whole, writing to stdout without
//! failing on a closed pipe, finding a tree, the profile — lives here.

pub mod checklist;
pub mod code;
pub mod graph;
pub mod list;
pub mod pick;
pub mod profile;
pub mod report;
pub mod run;
pub mod search;
pub mod validate;

use std::io::Write;

use anyhow::{Context, Result};

use crate::diag::Diagnostic;
use crate::i18n::{fill, Lang, Msg};
use crate::paths::Dirs;
use crate::profile::Profile;
use crate::rules::load::{load, LoadOptions, Loaded};
use crate::rules::RuleSet;
use crate::term::{use_color_for, ColorChoice, Stream};

/// Raised after findings were already printed: exit 1 with nothing more to say.
#[derive(Debug, thiserror::Error)]
#[error("the rules have errors (shown above)")]
pub struct RulesBroken;

/// What every command knows from the global options.
pub struct Ctx {
    pub lang: Lang,
    pub color: ColorChoice,
    pub load: LoadOptions,
    pub terminal: Option<String>,
}

/// Loads the rules for a command that needs them whole: any error finding
/// is printed and ends the command with exit 1.
pub fn load_rules(ctx: &Ctx) -> Result<RuleSet> {
    let Loaded {
        rules,
        mut diagnostics,
    } = load(&ctx.load);
    diagnostics.extend(crate::rules::validate::check(&rules));
    let errors: Vec<&Diagnostic> = diagnostics.iter().filter(|d| d.is_error()).collect();
    if errors.is_empty() {
        return Ok(rules);
    }
    let color = use_color_for(ctx.color, Stream::Stderr);
    for d in &errors {
        eprintln!("{}\n", d.render(color));
    }
    eprintln!(
        "{} error(s) in the rules; fix them or check them with `posdoctor validate`",
        errors.len()
    );
    Err(RulesBroken.into())
}

/// Writes `value` as JSON to stdout: C1 controls and bidi characters are
/// written as `\uXXXX` (serde_json escapes only C0).
pub fn print_json<T: serde::Serialize>(value: &T) -> Result<()> {
    let text = serde_json::to_string_pretty(value).context("cannot write JSON")?;
    write_stdout(&format!("{}\n", crate::sanitize::json(&text)))
}

/// Writes text to stdout; a closed pipe (`| head`) is not an error. Any
/// control character or escape sequence is shown visibly, except the
/// colour codes posdoctor adds itself when colour is on.
pub fn print_out(text: &str) -> Result<()> {
    let colour = colored::control::SHOULD_COLORIZE.should_colorize();
    write_stdout(&crate::sanitize::terminal(text, colour))
}

/// Prints one line to stderr the way [`print_out`] prints to stdout.
pub fn print_err(text: &str) {
    let colour = colored::control::SHOULD_COLORIZE.should_colorize();
    eprintln!("{}", crate::sanitize::terminal(text, colour));
}

fn write_stdout(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("cannot write to standard output"),
    }
}

/// Loads the profile; a broken one is reported and the run goes on without
/// it (the counter must not be blocked by a typo in the profile).
pub fn profile_for_run(ctx: &Ctx, dirs: Option<&Dirs>) -> Profile {
    let Some(dirs) = dirs else {
        return Profile::default();
    };
    match Profile::load_redacted(&dirs.profile()) {
        Ok((p, masked)) => {
            if masked {
                warn_profile_masked(ctx, &dirs.profile());
            }
            p
        }
        Err(d) => {
            let color = use_color_for(ctx.color, Stream::Stderr);
            eprintln!("{}\n(continuing without the profile)", d.render(color));
            Profile::default()
        }
    }
}

/// Tells the person that their hand-edited profile holds a card number.
pub fn warn_profile_masked(ctx: &Ctx, path: &std::path::Path) {
    use_color_for(ctx.color, Stream::Stderr);
    print_err(&fill(
        Msg::ProfileMasked.get(ctx.lang),
        &[("path", &crate::paths::shown(path))],
    ));
}

/// Reads a session log, telling the person about a torn last line.
pub fn read_log(path: &std::path::Path, lang: Lang) -> Result<Vec<crate::session::Event>> {
    let (events, torn) = crate::session::read_log(path)?;
    if torn {
        eprintln!(
            "{}",
            fill(
                Msg::TornLine.get(lang),
                &[("path", &crate::paths::shown(path))]
            )
        );
    }
    Ok(events)
}

/// The tree called `id`, or an error with a did-you-mean.
pub fn find_tree<'r>(rules: &'r RuleSet, id: &str) -> Result<&'r crate::rules::Tree> {
    rules.tree(id).ok_or_else(|| {
        crate::engine::EngineError::UnknownTree {
            id: id.to_owned(),
            suggestion: crate::diag::did_you_mean(id, rules.tree_ids()).map(str::to_owned),
        }
        .into()
    })
}

/// The date printed on a checklist: now in the local zone with its offset,
/// or SOURCE_DATE_EPOCH when set (for reproducible output).
pub fn today() -> String {
    crate::localtime::printed_at()
}
