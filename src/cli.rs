//! The command line: clap definitions and dispatch. `main` turns the result
//! into an exit code; every error is reported once, here.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{anyhow, bail, Context, Result};
use clap::{CommandFactory, Parser, Subcommand};

use crate::answers::Answers;
use crate::diag::{Diagnostic, DiagnosticJson};
use crate::engine::Walk;
use crate::i18n::{fill, Lang, Msg};
use crate::paths::Dirs;
use crate::profile::Profile;
use crate::render;
use crate::rules::load::{load, LoadOptions, Loaded};
use crate::rules::{model, validate, RuleSet};
use crate::session::LogWriter;
use crate::term::{use_color_for, ColorChoice, Stream};
use crate::ui::interactive::Interactive;
use crate::ui::{drive, Answerer, Ending, RunContext, Scripted, SessionLog};

const AFTER_HELP: &str = "\
Exit codes: 0 success (run: resolved), 1 error, 2 usage error, 3 run ended in an escalation,
4 run stopped before an outcome (a script had no answer, or the person chose Quit), 130 interrupted.

Environment: POSDOCTOR_RULES (extra packs, ':'-separated, loaded before --rules),
POSDOCTOR_LANG, LC_ALL/LANG (zh* → Chinese), NO_COLOR, POSDOCTOR_HOME (profile, logs, reports).";

/// Gets a broken card-payment terminal working again, or gets the right
/// people called with the right facts.
#[derive(Debug, Parser)]
#[command(name = "posdoctor", version, about, after_help = AFTER_HELP, propagate_version = true)]
pub struct Cli {
    /// Extra rule pack (a folder of .yaml files, or one file); repeatable.
    /// A tree with the same id replaces the built-in one.
    #[arg(long = "rules", value_name = "DIR", global = true)]
    pub rules: Vec<PathBuf>,

    /// Load only the given packs, not the built-in rules (for pack authors).
    #[arg(long, global = true)]
    pub no_builtin: bool,

    /// Language of everything shown [default: from LC_ALL/LANG]
    #[arg(long, value_enum, global = true, env = "POSDOCTOR_LANG")]
    pub lang: Option<Lang>,

    /// When to use colour.
    #[arg(long, value_enum, global = true, default_value = "auto")]
    pub color: ColorChoice,

    /// Which of the shop's terminals (profile) [default: the only one, else `default`]
    #[arg(long, value_name = "NAME", global = true)]
    pub terminal: Option<String>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List every tree: id, title, category and where it comes from.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Walk one tree, interactively or with answers fed in.
    #[command(
        after_help = "Example: posdoctor run no-power --no-input --answer battery-danger=no --json"
    )]
    Run(RunArgs),
    /// Find the tree for a problem described in your own words (English or Chinese).
    #[command(
        after_help = "Examples: posdoctor search screen black · posdoctor search 卡纸 · posdoctor search \"pritner jam\""
    )]
    Search {
        /// The description: words, or a message shown on the terminal.
        #[arg(required = true)]
        words: Vec<String>,
        /// Print JSON instead of a list.
        #[arg(long)]
        json: bool,
    },
    /// What a transaction response code means and what to do.
    #[command(after_help = "Example: posdoctor code 51")]
    Code {
        /// The code on the screen or receipt (e.g. 05, 51, 91), or `timeout`.
        code: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print a checklist of a tree to tape beside the terminal.
    #[command(
        group(clap::ArgGroup::new("which").required(true).args(["trees", "all"])),
        after_help = "Examples:\n  posdoctor checklist no-power --width 32 --lang zh     # a 58 mm receipt strip\n  posdoctor checklist --all --format html -o checklists.html"
    )]
    Checklist {
        /// The trees to print.
        trees: Vec<String>,
        /// Print every tree.
        #[arg(long)]
        all: bool,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: ChecklistFormat,
        /// Text width in columns (32, 42 and 48 fit receipt printers) [default: the terminal's width, 80 off a terminal]
        #[arg(long, value_parser = clap::value_parser!(u16).range(32..=400))]
        width: Option<u16>,
        /// Write to FILE (atomically) instead of standard output.
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Print a tree as a graph (Graphviz DOT or Mermaid).
    #[command(after_help = "Example: posdoctor graph card-read | dot -Tpng > card-read.png")]
    Graph {
        /// The tree to draw.
        tree: String,
        /// Output format.
        #[arg(long, value_enum, default_value = "dot")]
        format: GraphFormat,
    },
    /// Lint rule files (all loaded rules when no PATH is given).
    Validate {
        /// Rule files or folders to check (checked together with the loaded rules).
        paths: Vec<PathBuf>,
        /// Print the findings as JSON.
        #[arg(long)]
        json: bool,
        /// Treat warnings (such as missing translations) as errors.
        #[arg(long)]
        strict: bool,
    },
    /// Print the JSON Schema of the rule file format.
    Schema,
    /// The shop's saved facts (merchant, IDs, terminal, support contacts), used to prefill escalations.
    #[command(
        subcommand,
        after_help = "Keys: merchant, mid, tid, make, model, serial, purchase_date, warranty_until (YYYY-MM-DD),\nconnection (wifi, mobile, ethernet, base), contact.PARTY.FIELD (PARTY: vendor, acquirer,\nissuer, isp, power; FIELD: name, phone, hours, web). Terminal keys apply to --terminal NAME."
    )]
    Profile(ProfileCmd),
    /// The escalation report of a session log.
    #[command(
        after_help = "Example: posdoctor report ~/.local/share/posdoctor/sessions/20261123T081500Z-no-power.jsonl"
    )]
    Report {
        /// The session log (JSON Lines) to report on.
        log: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: ReportFormat,
    },
    /// Print a shell completion script.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Subcommand)]
pub enum ProfileCmd {
    /// Show every saved fact.
    Show {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Save a fact: `posdoctor profile set mid 123456789012345`.
    Set {
        /// The key (see below).
        key: String,
        /// The value.
        value: String,
    },
    /// Remove a fact.
    Unset {
        /// The key.
        key: String,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Text,
    Markdown,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ChecklistFormat {
    Text,
    Markdown,
    Html,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum GraphFormat {
    Dot,
    Mermaid,
}

#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// The tree to walk (see `posdoctor list`).
    pub tree: String,
    /// A YAML or JSON file mapping node id to an answer (or a list of answers used in turn).
    #[arg(long, value_name = "FILE")]
    pub answers: Option<PathBuf>,
    /// An answer for one node, NODE=VALUE; wins over --answers; repeatable.
    #[arg(long = "answer", value_name = "NODE=VALUE")]
    pub answer: Vec<String>,
    /// Never prompt: stop with exit 4 at the first question with no answer.
    #[arg(long)]
    pub no_input: bool,
    /// Print one JSON object at the end.
    #[arg(long)]
    pub json: bool,
    /// Append the session log to FILE instead of a new file in the data folder.
    #[arg(long, value_name = "FILE", conflicts_with = "no_log")]
    pub log: Option<PathBuf>,
    /// Write no session log.
    #[arg(long)]
    pub no_log: bool,
    /// Continue an unfinished walk from its session log (appending to it).
    #[arg(long, value_name = "LOG", conflicts_with = "no_log")]
    pub resume: Option<PathBuf>,
}

/// Runs the command line and returns the exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let color = cli.color;
    match dispatch(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            use colored::Colorize;
            use_color_for(color, Stream::Stderr);
            let mut msg = format!("{} {e}", "error:".red().bold());
            for cause in e.chain().skip(1) {
                msg.push_str(&format!(": {cause}"));
            }
            eprintln!("{msg}");
            ExitCode::from(1)
        }
    }
}

/// Raised after findings were already printed: exit 1 with nothing more to say.
#[derive(Debug, thiserror::Error)]
#[error("the rules have errors (shown above)")]
struct RulesBroken;

pub struct Ctx {
    pub lang: Lang,
    pub color: ColorChoice,
    pub load: LoadOptions,
    pub terminal: Option<String>,
}

fn dispatch(cli: Cli) -> Result<u8> {
    let lang = cli.lang.unwrap_or_else(|| {
        let get = |k| std::env::var(k).ok();
        Lang::from_locale(get("LC_ALL").as_deref(), get("LANG").as_deref())
    });
    let mut packs: Vec<PathBuf> = std::env::var_os("POSDOCTOR_RULES")
        .map(|v| {
            std::env::split_paths(&v)
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        })
        .unwrap_or_default();
    packs.extend(cli.rules.iter().cloned());
    let ctx = Ctx {
        terminal: cli.terminal.clone(),
        lang,
        color: cli.color,
        load: LoadOptions {
            builtin: !cli.no_builtin,
            packs,
        },
    };
    match cli.command {
        None => pick(&ctx),
        Some(Command::List { json }) => list(&ctx, json),
        Some(Command::Run(args)) => run(&ctx, &args),
        Some(Command::Validate {
            paths,
            json,
            strict,
        }) => validate_cmd(&ctx, paths, json, strict),
        Some(Command::Search { words, json }) => search_cmd(&ctx, &words.join(" "), json),
        Some(Command::Code { code, json }) => code_cmd(&ctx, &code, json),
        Some(Command::Checklist {
            trees,
            all,
            format,
            width,
            output,
        }) => checklist_cmd(&ctx, &trees, all, format, width, output.as_deref()),
        Some(Command::Graph { tree, format }) => graph_cmd(&ctx, &tree, format),
        Some(Command::Profile(cmd)) => profile_cmd(&ctx, cmd),
        Some(Command::Report { log, format }) => report_cmd(&ctx, &log, format),
        Some(Command::Schema) => {
            print_out(&format!("{}\n", model::schema_json()))?;
            Ok(0)
        }
        Some(Command::Completions { shell }) => {
            let mut cmd = Cli::command();
            clap_complete::generate(shell, &mut cmd, "posdoctor", &mut std::io::stdout());
            Ok(0)
        }
    }
}

/// Loads the rules for a command that needs them whole: any error finding
/// is printed and ends the command with exit 1.
fn load_rules(ctx: &Ctx) -> Result<RuleSet> {
    let Loaded {
        rules,
        mut diagnostics,
    } = load(&ctx.load);
    diagnostics.extend(validate::check(&rules));
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

fn list(ctx: &Ctx, json: bool) -> Result<u8> {
    let rules = load_rules(ctx)?;
    if json {
        let items: Vec<_> = rules
            .trees()
            .iter()
            .map(|t| render::tree_json(t, ctx.lang))
            .collect();
        print_json(&items)?;
    } else {
        use_color_for(ctx.color, Stream::Stdout);
        print_out(&render::list_text(&rules, ctx.lang))?;
    }
    Ok(0)
}

fn print_json<T: serde::Serialize>(value: &T) -> Result<()> {
    let text = serde_json::to_string_pretty(value).context("cannot write JSON")?;
    print_out(&format!("{text}\n"))
}

/// Writes to stdout; a closed pipe (`| head`) is not an error.
fn print_out(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("cannot write to standard output"),
    }
}

fn validate_cmd(ctx: &Ctx, paths: Vec<PathBuf>, json: bool, strict: bool) -> Result<u8> {
    let mut opts = ctx.load.clone();
    opts.packs.extend(paths.iter().cloned());
    let Loaded {
        rules,
        mut diagnostics,
    } = load(&opts);
    diagnostics.extend(validate::check(&rules));
    if !paths.is_empty() {
        // Report on the given files only; the rest is context for references.
        let wanted: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        diagnostics.retain(|d| wanted.iter().any(|w| d.file_name.starts_with(w.as_str())));
    }
    if strict {
        for d in &mut diagnostics {
            d.severity = crate::diag::Severity::Error;
        }
    }
    diagnostics.sort_by(|a, b| (&a.file_name, a.line, a.col).cmp(&(&b.file_name, b.line, b.col)));
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    let trees = rules.trees().len();
    if json {
        #[derive(serde::Serialize)]
        struct Out<'a> {
            ok: bool,
            trees: usize,
            errors: usize,
            warnings: usize,
            findings: Vec<DiagnosticJson<'a>>,
        }
        print_json(&Out {
            ok: errors == 0,
            trees,
            errors,
            warnings,
            findings: diagnostics.iter().map(DiagnosticJson::from).collect(),
        })?;
    } else {
        let color = use_color_for(ctx.color, Stream::Stdout);
        let mut text = String::new();
        for d in &diagnostics {
            text.push_str(&d.render(color));
            text.push_str("\n\n");
        }
        text.push_str(&format!(
            "{trees} trees checked: {errors} error(s), {warnings} warning(s)\n"
        ));
        print_out(&text)?;
    }
    Ok(if errors == 0 { 0 } else { 1 })
}

/// `posdoctor` alone: on a terminal, "What's wrong?" then `run`.
fn pick(ctx: &Ctx) -> Result<u8> {
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
        Ok(item) => run(
            ctx,
            &RunArgs {
                tree: item.id,
                answers: None,
                answer: vec![],
                no_input: false,
                json: false,
                log: None,
                no_log: false,
                resume: None,
            },
        ),
        Err(inquire::InquireError::OperationInterrupted) => Ok(130),
        Err(inquire::InquireError::OperationCanceled) => Ok(0),
        Err(e) => Err(anyhow!("the terminal prompt failed: {e}")),
    }
}

fn search_cmd(ctx: &Ctx, query: &str, json: bool) -> Result<u8> {
    let rules = load_rules(ctx)?;
    let index = crate::search::Index::new(&rules);
    let hits = index.search(query);
    if json {
        #[derive(serde::Serialize)]
        struct HitJson<'a> {
            id: &'a str,
            title: &'a str,
            category: &'static str,
            score: f64,
        }
        let out: Vec<HitJson> = hits
            .iter()
            .map(|h| HitJson {
                id: &h.tree.id,
                title: h.tree.title.get(ctx.lang),
                category: h.tree.category.id(),
                score: (h.score * 100.0).round() / 100.0,
            })
            .collect();
        print_json(&out)?;
    } else if hits.is_empty() {
        eprintln!("{}", Msg::NoMatch.get(ctx.lang));
    } else {
        use colored::Colorize;
        use_color_for(ctx.color, Stream::Stdout);
        // Show the strong matches only; weak ones (a word deep in a node's
        // text) stay in --json.
        let best = hits.first().map_or(0.0, |h| h.score);
        let shown: Vec<_> = hits
            .iter()
            .take_while(|h| h.score >= best * 0.3)
            .take(5)
            .collect();
        let width = shown.iter().map(|h| h.tree.id.len()).max().unwrap_or(0);
        let mut text = String::new();
        for (i, h) in shown.iter().enumerate() {
            let pad = " ".repeat(width - h.tree.id.len());
            text.push_str(&format!(
                "{:>2}. {}{pad}  {}\n",
                i + 1,
                h.tree.id.bold(),
                h.tree.title.get(ctx.lang)
            ));
        }
        if let Some(best) = hits.first() {
            text.push_str(&format!("\n→ posdoctor run {}\n", best.tree.id));
        }
        print_out(&text)?;
    }
    Ok(if hits.is_empty() { 1 } else { 0 })
}

fn code_cmd(ctx: &Ctx, input: &str, json: bool) -> Result<u8> {
    let rules = load_rules(ctx)?;
    let lang = ctx.lang;
    let Some(code) = rules.code(input) else {
        let msg = fill(Msg::UnknownCode.get(lang), &[("code", input.trim())]);
        use colored::Colorize;
        use_color_for(ctx.color, Stream::Stderr);
        eprintln!(
            "{} {msg}\n  {}",
            "error:".red().bold(),
            Msg::UnknownCodeHint.get(lang)
        );
        return Ok(1);
    };
    if json {
        #[derive(serde::Serialize)]
        struct CodeJson<'a> {
            code: &'a str,
            meaning: &'a str,
            owner: &'static str,
            owner_name: &'static str,
            action: &'a str,
            tree: Option<&'a str>,
        }
        print_json(&CodeJson {
            code: &code.code,
            meaning: code.meaning.get(lang),
            owner: code.owner.id(),
            owner_name: code.owner.name(lang),
            action: code.action.get(lang),
            tree: code.tree.as_deref(),
        })?;
    } else {
        use colored::Colorize;
        use_color_for(ctx.color, Stream::Stdout);
        let width = crate::term::width_for(Stream::Stdout);
        let m = |msg: Msg| msg.get(lang);
        let mut text = format!(
            "{} — {}\n",
            fill(m(Msg::CodeTitle), &[("code", &code.code)]).bold(),
            code.meaning.get(lang)
        );
        text.push_str(&format!(
            "{}{}\n",
            m(Msg::CodeWhose).bold(),
            code.owner.name(lang)
        ));
        text.push_str(&format!(
            "{}\n{}\n",
            m(Msg::CodeDo).bold(),
            crate::term::wrap(code.action.get(lang), width, "  ")
        ));
        if let Some(t) = code.tree.as_deref().and_then(|t| rules.tree(t)) {
            text.push_str(&format!(
                "{}posdoctor run {} ({})\n",
                m(Msg::CodeNext).bold(),
                t.id,
                t.title.get(lang)
            ));
        }
        text.push_str(&format!(
            "\n{}\n",
            crate::term::wrap(m(Msg::CodeVaries), width, "").dimmed()
        ));
        print_out(&text)?;
    }
    Ok(0)
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

/// Loads the profile; a broken one is reported and the run goes on without
/// it (the counter must not be blocked by a typo in the profile).
fn profile_for_run(ctx: &Ctx, dirs: Option<&Dirs>) -> Profile {
    let Some(dirs) = dirs else {
        return Profile::default();
    };
    match Profile::load(&dirs.profile()) {
        Ok(p) => p,
        Err(d) => {
            let color = use_color_for(ctx.color, Stream::Stderr);
            eprintln!("{}\n(continuing without the profile)", d.render(color));
            Profile::default()
        }
    }
}

/// Reads a session log, telling the person about a torn last line.
fn read_log(path: &std::path::Path, lang: Lang) -> Result<Vec<crate::session::Event>> {
    let (events, torn) = crate::session::read_log(path)?;
    if torn {
        eprintln!(
            "{}",
            fill(
                Msg::TornLine.get(lang),
                &[("path", &path.display().to_string())]
            )
        );
    }
    Ok(events)
}

fn run(ctx: &Ctx, args: &RunArgs) -> Result<u8> {
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

/// The tree called `id`, or an error with a did-you-mean.
fn find_tree<'r>(rules: &'r RuleSet, id: &str) -> Result<&'r crate::rules::Tree> {
    rules.tree(id).ok_or_else(|| {
        crate::engine::EngineError::UnknownTree {
            id: id.to_owned(),
            suggestion: crate::diag::did_you_mean(id, rules.tree_ids()).map(str::to_owned),
        }
        .into()
    })
}

/// Today as YYYY-MM-DD, or the day of SOURCE_DATE_EPOCH when set (for
/// reproducible output).
fn today() -> String {
    let epoch = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok());
    match epoch.and_then(|s| jiff::Timestamp::from_second(s).ok()) {
        Some(ts) => ts.to_zoned(jiff::tz::TimeZone::UTC).date().to_string(),
        None => jiff::Zoned::now().date().to_string(),
    }
}

fn checklist_cmd(
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
            .map(|id| find_tree(&rules, id))
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

fn graph_cmd(ctx: &Ctx, id: &str, format: GraphFormat) -> Result<u8> {
    let rules = load_rules(ctx)?;
    let tree = find_tree(&rules, id)?;
    let text = match format {
        GraphFormat::Dot => crate::render::graph::dot(tree, &rules, ctx.lang),
        GraphFormat::Mermaid => crate::render::graph::mermaid(tree, &rules, ctx.lang),
    };
    print_out(&text)?;
    Ok(0)
}

fn profile_cmd(ctx: &Ctx, cmd: ProfileCmd) -> Result<u8> {
    let dirs = Dirs::from_env()?;
    let path = dirs.profile();
    let mut profile = Profile::load(&path).map_err(|d| {
        let color = use_color_for(ctx.color, Stream::Stderr);
        eprintln!("{}", d.render(color));
        anyhow!("fix or remove {} first", path.display())
    })?;
    let terminal = profile.terminal_name(ctx.terminal.as_deref());
    match cmd {
        ProfileCmd::Show { json } => {
            if json {
                print_json(&profile)?;
            } else {
                let entries = profile.entries();
                let mut text = format!("# {}\n", path.display());
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
        ProfileCmd::Set { key, value } => {
            if profile.set(&key, &value, &terminal)? {
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

fn report_cmd(ctx: &Ctx, log: &std::path::Path, format: ReportFormat) -> Result<u8> {
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
