//! `posdoctor profile show|set|unset`: the shop's saved facts.

use anyhow::{anyhow, Result};

use super::{print_json, print_out, Ctx};
use crate::cli::ProfileCmd;
use crate::i18n::Msg;
use crate::paths::Dirs;
use crate::profile::Profile;
use crate::term::{use_color_for, Stream};

pub fn profile(ctx: &Ctx, cmd: ProfileCmd) -> Result<u8> {
    let dirs = Dirs::from_env()?;
    let path = dirs.profile();
    // Set and unset read, change and write the file: one at a time, so
    // parallel sets all land.
    let _lock = match cmd {
        ProfileCmd::Show { .. } => None,
        _ => {
            let lock = dirs.profile_lock();
            let waiting = || super::print_err(Msg::LockWaiting.get(ctx.lang));
            Some(
                crate::paths::lock_exclusive(&lock, &mut { waiting }).map_err(|e| {
                    if e.downcast_ref::<crate::paths::LockBusy>().is_some() {
                        anyhow!(crate::i18n::fill(
                            Msg::LockBusy.get(ctx.lang),
                            &[("path", &crate::paths::shown(&lock))]
                        ))
                    } else {
                        e
                    }
                })?,
            )
        }
    };
    let (mut profile, masked) = Profile::load_redacted(&path).map_err(|d| {
        let color = use_color_for(ctx.color, Stream::Stderr);
        eprintln!("{}", d.render(color));
        anyhow!("fix or remove {} first", crate::paths::shown(&path))
    })?;
    if masked {
        super::warn_profile_masked(ctx, &path);
    }
    let terminal = profile.terminal_name(ctx.terminal.as_deref());
    match cmd {
        ProfileCmd::Show { json } => {
            if json {
                print_json(&profile)?;
            } else {
                let entries = profile.entries();
                let mut text = format!("# {}\n", crate::paths::shown(&path));
                if entries.is_empty() {
                    text.push_str("(empty: save facts with `posdoctor profile set KEY VALUE`, e.g. `posdoctor profile set mid 123456789012345`)\n");
                }
                let width = entries.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
                for (k, v) in entries {
                    text.push_str(&format!("{k:<width$}  {v}\n"));
                }
                print_out(&text)?;
            }
        }
        ProfileCmd::Set { key, value } if key.starts_with("fact.") => {
            let fact = pack_fact(ctx, &key)?;
            if profile.set_fact(&fact, &value, &terminal)? {
                eprintln!("{}", Msg::Masked.get(ctx.lang));
            }
            profile.save(&path)?;
        }
        ProfileCmd::Unset { key } if key.starts_with("fact.") => {
            profile.unset_fact(key.trim_start_matches("fact."), &terminal);
            profile.save(&path)?;
        }
        ProfileCmd::Set { key, value } => {
            if profile.set_in(&key, &value, &terminal, ctx.lang)? {
                eprintln!("{}", Msg::Masked.get(ctx.lang));
            }
            profile.save(&path)?;
        }
        ProfileCmd::Unset { key } => {
            profile.unset(&key, &terminal)?;
            profile.save(&path)?;
        }
    }
    Ok(0)
}

/// The definition of `fact.ID` in the loaded packs, or an error that lists
/// the facts they define.
fn pack_fact(ctx: &Ctx, key: &str) -> Result<crate::rules::PackFact> {
    let id = key.trim_start_matches("fact.");
    let rules = super::load_rules(ctx)?;
    if let Some(f) = rules.facts.get(id) {
        return Ok(f.clone());
    }
    let known: Vec<String> = rules.facts.keys().map(|k| format!("fact.{k}")).collect();
    let mut msg = format!("no loaded pack defines the fact `{id}`");
    if let Some(best) = crate::diag::did_you_mean(id, rules.facts.keys().map(String::as_str)) {
        msg.push_str(&format!("; did you mean `fact.{best}`?"));
    }
    let hint = if known.is_empty() {
        format!(
            "load the pack that defines it: {}",
            ctx.suggest(&format!("--rules DIR profile set {key} VALUE"))
        )
    } else {
        format!("the loaded packs define {}", known.join(", "))
    };
    // As an unknown built-in key: an error (exit 1), not a usage error.
    Err(super::Failure::new("error", msg).with_hint(hint).into())
}
