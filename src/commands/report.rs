//! `posdoctor report LOG`: the escalation report of a session log.

use anyhow::{anyhow, Result};

use super::{print_json, print_out, read_log, Ctx};
use crate::cli::ReportFormat;

pub fn report(ctx: &Ctx, log: &std::path::Path, format: ReportFormat) -> Result<u8> {
    let events = read_log(log, ctx.lang)?;
    let report = crate::report::from_events(&events, ctx.lang)
        .ok_or_else(|| anyhow!("{} holds no session", log.display()))?;
    match format {
        ReportFormat::Text => print_out(&crate::report::text(&report, ctx.lang))?,
        ReportFormat::Markdown => print_out(&crate::report::markdown(&report, ctx.lang))?,
        ReportFormat::Json => print_json(&report)?,
    }
    Ok(0)
}
