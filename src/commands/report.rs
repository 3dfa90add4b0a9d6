//! `posdoctor report LOG`: the escalation report of a session log.

use anyhow::{anyhow, Result};

use super::{print_json, print_out, read_log, Ctx};
use crate::cli::ReportFormat;
use crate::i18n::Lang;
use crate::session::Event;

pub fn report(ctx: &Ctx, log: &std::path::Path, format: ReportFormat) -> Result<u8> {
    let events = read_log(log, ctx.lang)?;
    // In the language the session was run in, unless one is asked for:
    // the steps and answers in the log are in that language.
    let lang = match ctx.again.lang {
        Some(l) => l,
        None => events
            .iter()
            .find_map(|e| match e {
                Event::Start { lang, .. } => Some(if lang == "zh" { Lang::Zh } else { Lang::En }),
                _ => None,
            })
            .unwrap_or(ctx.lang),
    };
    let report = crate::report::from_events(&events, lang)
        .ok_or_else(|| anyhow!("{} holds no session", log.display()))?;
    match format {
        ReportFormat::Text => print_out(&crate::report::text(&report, lang))?,
        ReportFormat::Markdown => print_out(&crate::report::markdown(&report, lang))?,
        ReportFormat::Json => print_json(&report)?,
    }
    Ok(0)
}
