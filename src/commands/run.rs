//! `posdoctor run`: walk one tree, interactively or with answers fed in.

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::{anyhow, bail, Context, Result};

use super::{
    load_rules_noting, print_json, print_out, profile_for_run, read_log, shell_word,
    tree_or_explain, Ctx, Failure,
};
use crate::answers::Answers;
use crate::cli::RunArgs;
use crate::engine::Walk;
use crate::i18n::{fill, Lang, Msg};
use crate::paths::Dirs;
use crate::render;
use crate::run::{Session, SessionOptions};
use crate::session::LogWriter;
use crate::term::{use_color_for, Stream};
use crate::ui::interactive::Interactive;
use crate::ui::{Answerer, Ending, Scripted, SessionLog};

pub fn run(ctx: &Ctx, args: &RunArgs) -> Result<u8> {
    use crate::session::Event;
    // A session of a pack's tree, continued without naming the pack: the
    // packs its log names are loaded again.
    let with_packs;
    let ctx = match packs_of_resumed(ctx, args) {
        Some(packs) => {
            with_packs = Ctx {
                load: crate::rules::load::LoadOptions {
                    packs: packs.clone(),
                    ..ctx.load.clone()
                },
                again: crate::commands::Again {
                    rules: packs,
                    ..ctx.again.clone()
                },
                ..ctx.clone()
            };
            &with_packs
        }
        None => ctx,
    };
    let lang = ctx.lang;
    let (rules, left_out) = load_rules_noting(ctx)?;
    let mut answers = match &args.answers {
        Some(path) => Answers::from_file(path).map_err(|d| {
            let color = use_color_for(ctx.color, Stream::Stderr);
            eprintln!("{}", d.render(color));
            Failure::new(
                "answers_file",
                format!(
                    "cannot use the answers file {}: {}",
                    path.display(),
                    d.message
                ),
            )
            .at(&d)
        })?,
        None => Answers::default(),
    };
    answers
        .add_flags(&args.answer)
        .map_err(|e| Failure::new("usage", e))?;
    if answers.masked {
        crate::term::say(Msg::Masked.get(lang));
    }
    let dirs = Dirs::from_env();
    let profile = profile_for_run(ctx, dirs.as_ref().ok());
    let terminal = profile.terminal_name(ctx.terminal.as_deref());

    // Where the walk starts: the tree's start, or where a log stopped.
    let resume_path = resume_log(&rules, args, dirs.as_ref().ok())?;
    let (walk, replayed) = match &resume_path {
        Some(path) => {
            let events = read_log(path, lang)?;
            let session = crate::session::last_session(&events).to_vec();
            if let (Some(Event::Start { tree, .. }), Some(asked)) = (session.first(), &args.tree) {
                if tree != asked {
                    let again = ctx.suggest(&format!(
                        "run --resume {}",
                        shell_word(&path.display().to_string())
                    ));
                    bail!(
                        "{} is a session of `{tree}`, not `{asked}`: run `{again}`",
                        path.display(),
                    );
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
            (
                crate::session::replay(&rules, &session, path)?,
                Some(session),
            )
        }
        None => {
            let tree = args
                .tree
                .as_deref()
                .ok_or_else(|| anyhow!("name the tree to walk: posdoctor run TREE"))?;
            let retry = format!("run {}", shell_word(tree));
            tree_or_explain(ctx, &rules, tree, &retry)?;
            (Walk::start(&rules, tree)?, None)
        }
    };
    let tree_id = walk.tree().id.clone();

    let log_writer = if args.no_log {
        None
    } else if let Some(path) = args.log.as_ref().or(resume_path.as_ref()) {
        // A file name is kept and shown too: never one with a card number.
        if crate::privacy::mask_text(&path.to_string_lossy()).1 {
            bail!(
                "the log's file name {} holds a card number, and posdoctor never stores or shows card numbers; choose another name",
                crate::privacy::mask(&path.to_string_lossy())
            );
        }
        // An explicit log that cannot be written fails before the first step.
        Some(
            LogWriter::append(path)
                .with_context(|| format!("cannot write the session log {}", path.display()))?,
        )
    } else {
        let made = dirs
            .as_ref()
            .map_err(|e| anyhow!("{e}"))
            .and_then(|d| Ok(LogWriter::create_in(&d.sessions(), &tree_id)?));
        match made {
            Ok(w) => Some(w),
            Err(e) => {
                use_color_for(ctx.color, Stream::Stderr);
                super::print_err(&fill(Msg::WarnLog.get(lang), &[("reason", &e.to_string())]));
                None
            }
        }
    };
    let mut log = SessionLog::new(log_writer, lang);
    log.strict = args.log.is_some() && resume_path.is_none();
    let opts = SessionOptions {
        lang,
        profile,
        profile_path: dirs.as_ref().ok().map(Dirs::profile),
        terminal,
        probes: !args.no_probe && !ctx.no_probe,
        packs: ctx
            .load
            .packs
            .iter()
            .map(|p| crate::rules::load::canonical(p).display().to_string())
            .collect(),
    };
    let mut session = match replayed {
        Some(events) => Session::resume(walk, events, log, opts),
        None => Session::with(walk, log, opts, false),
    };
    let interactive = !args.no_input && std::io::stdin().is_terminal();
    if session.is_resumed()
        && interactive
        && (!session.walk.history().is_empty() || session.confirmed_here().is_some())
    {
        let w = crate::term::width_for(Stream::Stderr).unwrap_or(80);
        eprintln!("{}", Msg::ResumeDone.get(lang));
        for t in crate::ui::taken(&session.walk, lang) {
            if let Some(a) = &t.answer_label {
                let line = format!("{} → {a}", t.prompt);
                eprintln!("{}", crate::term::fit(&line, w, "  ✓ ", "    "));
            }
        }
        // A factory reset confirmed before the stop was done: say so, it is
        // not asked again.
        if let Some(step) = session.confirmed_here() {
            let what = step
                .action(lang)
                .map_or_else(|| step.prompt(lang), str::to_owned);
            let line = format!("{what} → {}", Msg::DecisionDone.get(lang));
            eprintln!("{}", crate::term::fit(&line, w, "  ✓ ", "    "));
        }
    }
    if interactive {
        if let Some(p) = session.log.path() {
            // A crash must not strand the person: say how to go on.
            let cmd = resume_command(ctx, p, None);
            let (crashed, hint) = (Msg::Crashed.get(lang), Msg::ResumeHint.get(lang));
            let default_hook = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                default_hook(info);
                eprintln!("\n{crashed}\n{hint}\n  {cmd}");
            }));
        }
    }
    let mut answerer: Box<dyn Answerer> = if interactive {
        let color = use_color_for(ctx.color, Stream::Stderr);
        Box::new(Interactive::new(answers, lang, color))
    } else {
        Box::new(Scripted { answers })
    };
    let ending = session.drive(answerer.as_mut())?;
    let walk = &session.walk;
    let mut warnings = left_out;
    if let Some(e) = &session.log.failure {
        warnings.push(fill(
            Msg::WarnLog.get(lang),
            &[("reason", &crate::rules::load::io_reason(e))],
        ));
    }
    for w in &session.warnings {
        super::print_err(w);
        warnings.push(w.clone());
    }
    // Nodes the walk went through: an answer for one of them that was not
    // needed (an info node's `next`) was not wasted.
    let passed: std::collections::HashSet<&str> = walk
        .history()
        .iter()
        .map(|v| v.step.node_ref.as_str())
        .collect();
    let unused: Vec<_> = unused_answers(answerer.as_ref())
        .into_iter()
        .filter(|(node, _, asked)| *asked || !passed.contains(node.as_str()))
        .collect();
    // A few warnings say it; 100 000 would bury everything else (and
    // a did-you-mean for each costs time).
    let more = unused.len().saturating_sub(MAX_UNUSED_WARNINGS);
    for (node, count, asked) in unused.into_iter().take(MAX_UNUSED_WARNINGS) {
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
        super::print_err(&w);
        warnings.push(w);
    }
    if more > 0 {
        let w = fill(
            Msg::WarnMoreUnused.get(lang),
            &[("count", &more.to_string())],
        );
        super::print_err(&w);
        warnings.push(w);
    }
    let log_path = session.log.path().map(|p| p.display().to_string());
    // The report of an escalation, from the same events `report LOG` reads.
    let report = session.report();
    let mut report_path = None;
    if ending == Ending::Escalated {
        if let Some(r) = &report {
            match write_report(r, dirs.as_ref().ok(), session.log.path(), &tree_id, lang) {
                Ok(p) => report_path = Some(p.display().to_string()),
                Err(e) => {
                    let w = fill(Msg::ReportFailed.get(lang), &[("reason", &e.to_string())]);
                    super::print_err(&w);
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
        print_json(
            &render::run_json(walk, ending, lang, files, report.as_ref(), warnings)
                .with_probes(&session.probed),
        )?;
    } else {
        use_color_for(ctx.color, Stream::Stdout);
        let width = crate::term::width_for(Stream::Stdout);
        // At the counter the escalation's head (what to do now, whom to
        // call) was shown before the facts: not again.
        let mut text = render::run_text_probed(
            walk,
            ending,
            lang,
            !interactive,
            width,
            report.as_ref().filter(|_| ending == Ending::Escalated),
            interactive,
            &session.probed,
        );
        for n in &session.notes {
            text.push('\n');
            text.push_str(&crate::term::wrap(n, width, ""));
            text.push('\n');
        }
        // One blank line, then the report and the log, each a whole line
        // (the output ends with a newline with or without a log).
        if let Some(p) = &report_path {
            text.push('\n');
            text.push_str(&fill(Msg::ReportSaved.get(lang), &[("path", p)]));
            text.push('\n');
        }
        if let Some(p) = &log_path {
            if report_path.is_none() {
                text.push('\n');
            }
            text.push_str(&fill(Msg::LogSaved.get(lang), &[("path", p)]));
            text.push('\n');
        }
        if let (Some(p), Ending::Quit | Ending::Interrupted) = (session.log.path(), ending) {
            let cmd = resume_command(ctx, p, dirs.as_ref().ok());
            // One line, never wrapped: a command broken over two lines
            // does not paste.
            text.push_str(&format!("{}\n  {cmd}\n", Msg::ResumeHint.get(lang)));
        }
        if interactive {
            text.insert(0, '\n');
        }
        print_out(&text)?;
    }
    Ok(ending.exit_code())
}

/// The log `--resume` continues: the one named, or the newest unfinished
/// session (of TREE when given). `run --resume TREE` (a tree id where a file
/// was expected) means the newest unfinished session of that tree.
/// The packs a resumed session ran with, when this run names none: read
/// from the start of the log `--resume` continues (the newest unfinished
/// one, or the one named).
fn packs_of_resumed(ctx: &Ctx, args: &RunArgs) -> Option<Vec<PathBuf>> {
    if !ctx.load.packs.is_empty() {
        return None;
    }
    let path = match args.resume.as_ref()? {
        None => {
            let dir = Dirs::from_env().ok()?.sessions();
            crate::run::newest_unfinished(&dir, args.tree.as_deref())?.path
        }
        Some(p) if p.is_file() => p.clone(),
        Some(_) => return None,
    };
    let (events, _) = crate::session::read_log(&path).ok()?;
    match crate::session::last_session(&events).first() {
        Some(crate::session::Event::Start { packs, .. }) if !packs.is_empty() => {
            Some(packs.iter().map(PathBuf::from).collect())
        }
        _ => None,
    }
}

fn resume_log(
    rules: &crate::rules::RuleSet,
    args: &RunArgs,
    dirs: Option<&Dirs>,
) -> Result<Option<PathBuf>> {
    let newest = |tree: Option<&str>| -> Result<PathBuf> {
        let dir = dirs.map(Dirs::sessions).ok_or_else(|| {
            anyhow!(
                "no data folder to look for sessions in; name the log: posdoctor run --resume LOG"
            )
        })?;
        crate::run::newest_unfinished(&dir, tree)
            .map(|u| u.path)
            .ok_or_else(|| match tree {
                Some(t) => anyhow!("no unfinished session of `{t}` in {}", dir.display()),
                None => anyhow!("no unfinished session in {}", dir.display()),
            })
    };
    match &args.resume {
        None => Ok(None),
        Some(None) => newest(args.tree.as_deref()).map(Some),
        Some(Some(p)) => {
            let as_tree = p.to_str().filter(|t| rules.tree(t).is_some());
            match as_tree {
                Some(t) if !p.exists() && args.tree.is_none() => newest(Some(t)).map(Some),
                _ => Ok(Some(p.clone())),
            }
        }
    }
}

/// The exact command that continues the session logged at `log`: short when
/// it is the newest unfinished one, with the options that chose the rules.
fn resume_command(ctx: &Ctx, log: &std::path::Path, dirs: Option<&Dirs>) -> String {
    let mut cmd = vec!["posdoctor".to_owned()];
    for p in &ctx.load.packs {
        cmd.push("--rules".into());
        cmd.push(shell_word(&p.display().to_string()));
    }
    if !ctx.load.builtin {
        cmd.push("--no-builtin".into());
    }
    if let Some(t) = &ctx.terminal {
        cmd.push("--terminal".into());
        cmd.push(shell_word(t));
    }
    let get = |k| std::env::var(k).ok();
    let default = Lang::from_locale(get("LC_ALL").as_deref(), get("LANG").as_deref());
    if ctx.lang != default {
        cmd.push("--lang".into());
        cmd.push(ctx.lang.code().into());
    }
    cmd.push("run".into());
    cmd.push("--resume".into());
    let newest = dirs
        .and_then(|d| crate::run::newest_unfinished(&d.sessions(), None))
        .is_some_and(|u| u.path == log);
    if !newest {
        cmd.push(shell_word(&log.display().to_string()));
    }
    cmd.join(" ")
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

/// Most answers warned about one by one as not used.
const MAX_UNUSED_WARNINGS: usize = 20;

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
