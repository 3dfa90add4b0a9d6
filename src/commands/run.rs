//! `posdoctor run`: walk one tree, interactively or with answers fed in.

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::{anyhow, bail, Context, Result};

use super::{load_rules, print_json, print_out, profile_for_run, read_log, Ctx};
use crate::answers::Answers;
use crate::cli::RunArgs;
use crate::engine::Walk;
use crate::i18n::{fill, Lang, Msg};
use crate::paths::Dirs;
use crate::render;
use crate::session::LogWriter;
use crate::term::{use_color_for, Stream};
use crate::ui::interactive::Interactive;
use crate::ui::{drive, Answerer, Ending, RunContext, Scripted, SessionLog};

pub fn run(ctx: &Ctx, args: &RunArgs) -> Result<u8> {
    use crate::session::Event;
    let lang = ctx.lang;
    let rules = load_rules(ctx)?;
    let mut answers = match &args.answers {
        Some(path) => Answers::from_file(path).map_err(|d| {
            let color = use_color_for(ctx.color, Stream::Stderr);
            eprintln!("{}", d.render(color));
            anyhow!("cannot use the answers file {}", path.display())
        })?,
        None => Answers::default(),
    };
    answers.add_flags(&args.answer).map_err(|e| anyhow!(e))?;
    if answers.masked {
        eprintln!("{}", Msg::Masked.get(lang));
    }
    let dirs = Dirs::from_env();
    let profile = profile_for_run(ctx, dirs.as_ref().ok());
    let terminal = profile.terminal_name(ctx.terminal.as_deref());

    // Where the walk starts: the tree's start, or where a log stopped.
    let (mut walk, replayed) = match &args.resume {
        Some(path) => {
            let events = read_log(path, lang)?;
            let session = crate::session::last_session(&events).to_vec();
            if let Some(Event::Start { tree, .. }) = session.first() {
                if *tree != args.tree {
                    bail!("{} is a session of `{tree}`, not `{}`: run `posdoctor run {tree} --resume {}`", path.display(), args.tree, path.display());
                }
            }
            if let Some(Event::End { outcome, .. }) = session.last() {
                if outcome == "resolved" || outcome == "escalated" {
                    let p = path.display().to_string();
                    let msg = fill(
                        Msg::ResumeFinished.get(lang),
                        &[("outcome", outcome), ("path", &p)],
                    );
                    print_out(&format!("{msg}\n"))?;
                    return Ok(if outcome == "resolved" { 0 } else { 3 });
                }
            }
            (crate::session::replay(&rules, &session, path)?, session)
        }
        None => (Walk::start(&rules, &args.tree)?, Vec::new()),
    };
    let resumed = args.resume.is_some();

    let log_writer = if args.no_log {
        None
    } else if let Some(path) = args.log.as_ref().or(args.resume.as_ref()) {
        // An explicit log that cannot be written fails before the first step.
        Some(
            LogWriter::append(path)
                .with_context(|| format!("cannot write the session log {}", path.display()))?,
        )
    } else {
        let made = dirs
            .as_ref()
            .map_err(|e| anyhow!("{e}"))
            .and_then(|d| Ok(LogWriter::create_in(&d.sessions(), &args.tree)?));
        match made {
            Ok(w) => Some(w),
            Err(e) => {
                use_color_for(ctx.color, Stream::Stderr);
                eprintln!(
                    "{}",
                    fill(Msg::WarnLog.get(lang), &[("reason", &e.to_string())])
                );
                None
            }
        }
    };
    let mut log = SessionLog::new(log_writer, lang);
    log.strict = args.log.is_some() && !resumed;
    log.events = replayed;
    let interactive = !args.no_input && std::io::stdin().is_terminal();
    if resumed && interactive && !walk.history().is_empty() {
        eprintln!("{}", Msg::ResumeDone.get(lang));
        for t in crate::ui::taken(&walk, lang) {
            if let Some(a) = &t.answer_label {
                eprintln!("  ✓ {} → {a}", t.prompt);
            }
        }
    }
    let mut answerer: Box<dyn Answerer> = if interactive {
        let color = use_color_for(ctx.color, Stream::Stderr);
        Box::new(Interactive {
            presets: answers,
            lang,
            color,
        })
    } else {
        Box::new(Scripted { answers })
    };
    let run_ctx = RunContext {
        lang,
        profile: &profile,
        terminal,
    };
    let ending = drive(&mut walk, answerer.as_mut(), &mut log, &run_ctx, resumed)?;
    let mut warnings = Vec::new();
    if let Some(e) = &log.failure {
        warnings.push(fill(
            Msg::WarnLog.get(lang),
            &[("reason", &crate::rules::load::io_reason(e))],
        ));
    }
    for (node, count, asked) in unused_answers(answerer.as_ref()) {
        let w = if asked {
            fill(
                Msg::WarnUnusedAnswers.get(lang),
                &[("node", &node), ("count", &count.to_string())],
            )
        } else {
            let mut w = fill(Msg::WarnUnreached.get(lang), &[("node", &node)]);
            let known = walk.tree().nodes.iter().any(|n| n.id == node) || node.contains('/');
            if !known {
                if let Some(best) = crate::diag::did_you_mean(
                    &node,
                    walk.tree().nodes.iter().map(|n| n.id.as_str()),
                ) {
                    w.push_str(&format!(
                        " ({})",
                        fill(Msg::DidYouMean.get(lang), &[("name", best)])
                    ));
                }
            }
            w
        };
        eprintln!("{w}");
        warnings.push(w);
    }
    let log_path = log.path().map(|p| p.display().to_string());
    // The report of an escalation, from the same events `report LOG` reads.
    let report = crate::report::from_events(&log.events, lang);
    let mut report_path = None;
    if ending == Ending::Escalated {
        if let Some(r) = &report {
            match write_report(r, dirs.as_ref().ok(), log.path(), &args.tree, lang) {
                Ok(p) => report_path = Some(p.display().to_string()),
                Err(e) => {
                    let w = fill(Msg::ReportFailed.get(lang), &[("reason", &e.to_string())]);
                    eprintln!("{w}");
                    warnings.push(w);
                }
            }
        }
    }
    if args.json {
        let files = render::RunFiles {
            log: log_path,
            report: report_path,
        };
        print_json(&render::run_json(
            &walk,
            ending,
            lang,
            files,
            report.as_ref(),
            warnings,
        ))?;
    } else {
        use_color_for(ctx.color, Stream::Stdout);
        let width = crate::term::width_for(Stream::Stdout);
        let mut text = render::run_text(
            &walk,
            ending,
            lang,
            !interactive,
            width,
            report.as_ref().filter(|_| ending == Ending::Escalated),
        );
        if let Some(p) = &report_path {
            text.push('\n');
            text.push_str(&fill(Msg::ReportSaved.get(lang), &[("path", p)]));
        }
        if let Some(p) = &log_path {
            text.push('\n');
            text.push_str(&fill(Msg::LogSaved.get(lang), &[("path", p)]));
            text.push('\n');
        }
        if interactive {
            text.insert(0, '\n');
        }
        print_out(&text)?;
    }
    Ok(ending.exit_code())
}

/// Saves the escalation report into the data folder, named like the log.
fn write_report(
    r: &crate::report::Report,
    dirs: Option<&Dirs>,
    log: Option<&std::path::Path>,
    tree: &str,
    lang: Lang,
) -> Result<PathBuf> {
    let dirs = dirs.ok_or_else(|| anyhow!("no data folder"))?;
    let stem = log
        .and_then(|p| p.file_stem())
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| {
            format!(
                "{}-{tree}",
                jiff::Timestamp::now().strftime("%Y%m%dT%H%M%SZ")
            )
        });
    crate::report::save(r, &dirs.reports(), &stem, lang)
}

fn unused_answers(answerer: &dyn Answerer) -> Vec<(String, usize, bool)> {
    answerer
        .presets()
        .map(|a| {
            a.unused()
                .into_iter()
                .map(|(n, c, asked)| (n.to_owned(), c, asked))
                .collect()
        })
        .unwrap_or_default()
}
