//! The command line: clap definitions and dispatch. `main` turns the result
//! into an exit code; every error is reported once, here.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::{CommandFactory, Parser, Subcommand};

use crate::commands::{self, Ctx};
use crate::i18n::Lang;
use crate::rules::load::LoadOptions;
use crate::term::{use_color_for, ColorChoice, Stream};

// Help text is wrapped to the terminal (100 columns off a terminal): every
// example line is kept under 80 columns, comments on a line of their own
// above it, so that no example is ever broken into lines that are not
// commands (tests/help_examples.rs checks both).
const AFTER_HELP: &str = "\
Exit codes: 0 success (run: resolved), 1 error, 2 usage error, 3 run ended in an escalation,
4 run stopped before an outcome (a script had no answer, or the person chose Quit), 130 interrupted.

Environment: POSDOCTOR_RULES (extra packs, ':'-separated, loaded before --rules),
POSDOCTOR_STRICT_PACKS=1 (as --strict-packs), POSDOCTOR_LANG, LC_ALL/LANG (zh* → Chinese),
NO_COLOR, POSDOCTOR_HOME (profile, logs, reports).

Examples:
  posdoctor search screen black
  posdoctor run no-power --no-input --answer danger=yes --json
  posdoctor --lang zh checklist no-power --width 32";

/// Gets a broken card-payment terminal working again, or gets the right
/// people called with the right facts.
#[derive(Debug, Parser)]
#[command(
    name = "posdoctor",
    version,
    about,
    after_help = AFTER_HELP,
    propagate_version = true
)]
pub struct Cli {
    /// Extra rule pack (a folder of .yaml files, or one file); repeatable.
    /// A tree with the same id replaces the built-in one.
    #[arg(long = "rules", value_name = "DIR", global = true)]
    pub rules: Vec<PathBuf>,

    /// Load only the given packs, not the built-in rules (for pack authors).
    #[arg(long, global = true)]
    pub no_builtin: bool,

    /// A pack file with errors stops every command (exit 1). Without it,
    /// run, list, search, code, checklist, graph, paths and the picker leave
    /// that file out with a warning and go on.
    #[arg(
        long,
        global = true,
        env = "POSDOCTOR_STRICT_PACKS",
        action = clap::ArgAction::SetTrue,
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    pub strict_packs: bool,

    /// Language of everything shown [default: from LC_ALL/LANG]
    #[arg(long, value_enum, global = true, env = "POSDOCTOR_LANG")]
    pub lang: Option<Lang>,

    /// When to use colour.
    #[arg(long, value_enum, global = true, default_value = "auto")]
    pub color: ColorChoice,

    /// Which of the shop's terminals (profile) [default: the only one, else `default`]
    #[arg(long, value_name = "NAME", global = true)]
    pub terminal: Option<String>,

    /// Continue the newest unfinished session (or the one logged in LOG):
    /// the same as `posdoctor run --resume [LOG]`.
    #[arg(long, value_name = "LOG", num_args = 0..=1)]
    pub resume: Option<Option<PathBuf>>,

    /// With no command (the symptom picker): ask every question a probe
    /// could answer, as `run --no-probe` does.
    #[arg(long)]
    pub no_probe: bool,

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
    #[command(after_help = "Examples:
  # at the counter
  posdoctor run no-power
  # a script: exit 3, call the vendor
  posdoctor run no-power --no-input --answer danger=yes --json
  # the newest unfinished session (Quit and Ctrl-C print this)
  posdoctor run --resume
  # every node id and path, for --answers
  posdoctor paths no-power")]
    Run(RunArgs),
    /// Find the tree for a problem described in your own words (English or Chinese).
    #[command(after_help = "Examples:
  posdoctor search screen black
  posdoctor search 卡纸
  posdoctor search pritner jam                 # typos are fine")]
    Search {
        /// The description: words, or a message shown on the terminal.
        #[arg(required = true)]
        words: Vec<String>,
        /// Print JSON instead of a list.
        #[arg(long)]
        json: bool,
    },
    /// What a transaction response code means and what to do.
    #[command(after_help = "Examples:
  posdoctor code 51
  posdoctor --lang zh code 05")]
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
        after_help = "Examples:\n  posdoctor checklist no-power --width 32 --lang zh   # a 58 mm receipt strip\n  posdoctor checklist --all --format html -o checklists.html"
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
    #[command(after_help = "Examples:
  posdoctor graph card-read | dot -Tpng > card-read.png   # needs Graphviz
  posdoctor graph card-read --format mermaid")]
    Graph {
        /// The tree to draw.
        tree: String,
        /// Output format.
        #[arg(long, value_enum, default_value = "dot")]
        format: GraphFormat,
    },
    /// Lint rule files (all loaded rules when no PATH is given).
    #[command(after_help = "Examples:
  posdoctor validate                     # the built-in rules and loaded packs
  # your pack: every finding, warnings as errors
  posdoctor validate my-pack/ --strict
  posdoctor validate my-pack/ --json")]
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
    #[command(after_help = "Example:
  # for your editor's YAML language server
  posdoctor schema > posdoctor.schema.json")]
    Schema,
    /// Run a pack's scenario files: each case's answers must reach the expected outcome.
    #[command(
        after_help = "Scenario files: tests/*.yaml in a pack folder, or files named *.test.yaml.
With no PATH, the scenarios of every loaded pack and of the built-in rules run.
Exit codes: 0 every case passed, 1 a case failed or the rules or scenarios have errors.

Examples:
  posdoctor test                         # the built-in rules' own scenarios
  posdoctor test my-pack/ --coverage     # your pack; what no case reaches
  posdoctor test my-pack/ --format junit > posdoctor-junit.xml"
    )]
    Test {
        /// Pack folders (their scenario files) or scenario files.
        paths: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: TestFormat,
        /// Also list the nodes and answers of each tree that no case reaches.
        #[arg(long)]
        coverage: bool,
    },
    /// Run the automated probes of the loaded rules unattended: a health check of the shop's setup.
    #[command(
        after_help = "Runs every probe the loaded rules name (those their trees use and the packs'
`probes:` lists) against targets from the rules or the profile; a probe with
no target is not checked. Never prompts.
Exit codes: 0 every probe that ran passed, 1 a probe failed.

Examples:
  posdoctor profile set terminal_ip 192.168.1.50
  posdoctor profile set terminal_port 8888
  posdoctor check
  posdoctor check --format junit > posdoctor-check.xml
  posdoctor --rules my-pack check --json | jq -r '.probes[].outcome'"
    )]
    Check {
        /// Print JSON (the same as --format json).
        #[arg(long, conflicts_with = "format")]
        json: bool,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: CheckFormat,
    },
    /// Every node of a tree (ids as scripts name them) and every path through it, as answers.
    #[command(
        after_help = "Each path is printed as an answers mapping: save it as a file for
`run --answers`, or paste it as the `answers:` of a scenario case.

Examples:
  posdoctor paths no-power
  posdoctor paths no-power --json | jq -r '.nodes[].id'"
    )]
    Paths {
        /// The tree.
        tree: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// The shop's saved facts (merchant, IDs, terminal, support contacts), used to prefill escalations.
    #[command(
        subcommand,
        after_help = "Keys: merchant, mid, tid, make, model, serial, purchase_date, warranty_until (YYYY-MM-DD),\nconnection (wifi, mobile, ethernet, base), terminal_ip, terminal_port, acquirer_host,\nacquirer_port, test_url (probe targets), contact.PARTY.FIELD (PARTY: vendor, acquirer,\nissuer, isp, power; FIELD: name, phone, hours, web), and fact.ID for a fact a loaded pack\ndefines. Terminal keys apply to --terminal NAME.\n\nExamples:\n  posdoctor profile set mid 123456789012345\n  posdoctor profile set contact.vendor.phone \"+86 21 5555 0100\"\n  posdoctor profile show"
    )]
    Profile(ProfileCmd),
    /// The escalation report of a session log.
    #[command(after_help = "Examples:
  posdoctor run no-power --no-input --answer danger=yes --log shift.jsonl
  posdoctor report shift.jsonl
  posdoctor report shift.jsonl --format markdown")]
    Report {
        /// The session log (JSON Lines) to report on.
        log: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: ReportFormat,
    },
    /// Print a shell completion script.
    #[command(after_help = "Example:
  posdoctor completions bash > posdoctor.bash")]
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
pub enum TestFormat {
    Text,
    Json,
    /// JUnit XML, for CI test reports.
    Junit,
    /// Test Anything Protocol, version 13.
    Tap,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    Text,
    Json,
    /// JUnit XML, for CI test reports.
    Junit,
    /// Test Anything Protocol, version 13.
    Tap,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum GraphFormat {
    Dot,
    Mermaid,
}

#[derive(Debug, Default, clap::Args)]
pub struct RunArgs {
    /// The tree to walk (see `posdoctor list`); with --resume LOG the log names it.
    #[arg(required_unless_present = "resume")]
    pub tree: Option<String>,
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
    /// Continue an unfinished walk from its session log (appending to it);
    /// without LOG, the newest unfinished session (of TREE, when given).
    #[arg(long, value_name = "LOG", num_args = 0..=1, conflicts_with = "no_log")]
    pub resume: Option<Option<PathBuf>>,
    /// Never run probes: ask every question a probe could answer (for a
    /// support desk whose computer is not in the shop).
    #[arg(long)]
    pub no_probe: bool,
}

/// Runs the command line and returns the exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            if code == 0 {
                // --help, --version.
                let _ = e.print();
            } else {
                // A usage error echoes what was typed: never a card number,
                // never a raw control character.
                let text = e.render().to_string();
                let masked = crate::privacy::mask(&text);
                eprint!("{}", crate::sanitize::visible_with(&masked, true));
            }
            if code == 2 && json_in_args() {
                print_json_error(&usage_failure(&e.render().to_string()));
            }
            return ExitCode::from(code);
        }
    };
    let color = cli.color;
    let json = cli.command.as_ref().is_some_and(Command::wants_json);
    match dispatch(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            use colored::Colorize;
            use_color_for(color, Stream::Stderr);
            let failure = commands::Failure::of(&e);
            // An error may echo what was typed (a tree id, an answer, a
            // path): never a card number, never a raw control character.
            let mut text = e.to_string();
            for cause in e.chain().skip(1) {
                text.push_str(&format!(": {cause}"));
            }
            if let Some(h) = &failure.hint {
                text.push_str(&format!("\n  {h}"));
            }
            let text =
                crate::sanitize::visible_with(&crate::privacy::mask(&text), true).into_owned();
            commands::print_err(&format!("{} {text}", "error:".red().bold()));
            if json {
                print_json_error(&failure);
            }
            // A usage error is exit 2, whether clap or a command found it.
            ExitCode::from(if failure.kind == "usage" { 2 } else { 1 })
        }
    }
}

/// clap's usage error as one object: the message with what it lists
/// ("the following required arguments were not provided: <TREE>"), and
/// the usage line as the hint.
fn usage_failure(rendered: &str) -> commands::Failure {
    let mut lines = rendered.lines();
    let mut message = lines
        .next()
        .unwrap_or("")
        .trim_start_matches("error: ")
        .to_owned();
    let mut hint = None;
    for line in lines {
        let t = line.trim();
        if let Some(usage) = t.strip_prefix("Usage: ") {
            hint = Some(format!("usage: {usage}"));
            break;
        }
        if !t.is_empty() && !t.starts_with("tip:") && !t.starts_with("For more information") {
            let sep = if message.ends_with(':') { " " } else { ", " };
            message.push_str(sep);
            message.push_str(t);
        }
    }
    let f = commands::Failure::new("usage", message);
    match hint {
        Some(h) => f.with_hint(h),
        None => f,
    }
}

/// `{"error": {...}}` on standard output, for scripts that asked for JSON.
/// An error may echo what was typed (a tree id, an answer, a path): never
/// a card number, as on stderr.
fn print_json_error(f: &commands::Failure) {
    #[derive(serde::Serialize)]
    struct Out<'a> {
        error: &'a commands::Failure,
    }
    let _ = commands::print_json(&Out { error: &f.masked() });
}

/// Whether the raw arguments ask for JSON (before clap could parse them).
fn json_in_args() -> bool {
    let args: Vec<String> = std::env::args().collect();
    args.iter().any(|a| a == "--json" || a == "--format=json")
        || args
            .windows(2)
            .any(|w| w[0] == "--format" && w[1] == "json")
}

impl Command {
    /// Whether this command prints JSON, so an error must too.
    pub fn wants_json(&self) -> bool {
        match self {
            Command::List { json }
            | Command::Search { json, .. }
            | Command::Code { json, .. }
            | Command::Validate { json, .. }
            | Command::Paths { json, .. } => *json,
            Command::Run(args) => args.json,
            Command::Test { format, .. } => *format == TestFormat::Json,
            Command::Check { json, format } => *json || *format == CheckFormat::Json,
            Command::Report { format, .. } => *format == ReportFormat::Json,
            Command::Profile(ProfileCmd::Show { json }) => *json,
            _ => false,
        }
    }
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
    // `--terminal` lands in logs and reports: it is input like any other.
    let terminal = cli
        .terminal
        .as_deref()
        .map(|t| crate::privacy::mask_id(t).0);
    let ctx = Ctx {
        terminal,
        lang,
        color: cli.color,
        load: LoadOptions {
            builtin: !cli.no_builtin,
            packs,
        },
        strict_packs: cli.strict_packs,
        no_probe: cli.no_probe,
        again: commands::Again {
            rules: cli.rules.clone(),
            no_builtin: cli.no_builtin,
            lang: cli.lang,
        },
    };
    if cli.resume.is_some() && cli.command.is_some() {
        Cli::command()
            .error(
                clap::error::ErrorKind::ArgumentConflict,
                "--resume before a command continues a session by itself; \
                 for a command of its own, write it after the command (posdoctor run --resume)",
            )
            .exit();
    }
    match cli.command {
        None if cli.resume.is_some() => commands::run::run(
            &ctx,
            &RunArgs {
                resume: cli.resume,
                ..RunArgs::default()
            },
        ),
        None => commands::pick::pick(&ctx),
        Some(Command::List { json }) => commands::list::list(&ctx, json),
        Some(Command::Run(args)) => commands::run::run(&ctx, &args),
        Some(Command::Validate {
            paths,
            json,
            strict,
        }) => commands::validate::validate(&ctx, paths, json, strict),
        Some(Command::Search { words, json }) => {
            commands::search::search(&ctx, &words.join(" "), json)
        }
        Some(Command::Code { code, json }) => commands::code::code(&ctx, &code, json),
        Some(Command::Checklist {
            trees,
            all,
            format,
            width,
            output,
        }) => commands::checklist::checklist(&ctx, &trees, all, format, width, output.as_deref()),
        Some(Command::Graph { tree, format }) => commands::graph::graph(&ctx, &tree, format),
        Some(Command::Test {
            paths,
            format,
            coverage,
        }) => commands::test::test(&ctx, &paths, format, coverage),
        Some(Command::Paths { tree, json }) => commands::paths::paths(&ctx, &tree, json),
        Some(Command::Check { json, format }) => {
            commands::check::check(&ctx, if json { CheckFormat::Json } else { format })
        }
        Some(Command::Profile(cmd)) => commands::profile::profile(&ctx, cmd),
        Some(Command::Report { log, format }) => commands::report::report(&ctx, &log, format),
        Some(Command::Schema) => {
            commands::print_out(&format!("{}\n", crate::rules::model::schema_json()))?;
            Ok(0)
        }
        Some(Command::Completions { shell }) => {
            let mut cmd = Cli::command();
            clap_complete::generate(shell, &mut cmd, "posdoctor", &mut std::io::stdout());
            Ok(0)
        }
    }
}

/// `--lang en|zh` (here rather than derived in `i18n`, which build.rs
/// compiles without clap).
impl clap::ValueEnum for Lang {
    fn value_variants<'a>() -> &'a [Self] {
        &[Lang::En, Lang::Zh]
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(match self {
            Lang::En => clap::builder::PossibleValue::new("en").help("English"),
            Lang::Zh => {
                clap::builder::PossibleValue::new("zh").help("Simplified Chinese (简体中文)")
            }
        })
    }
}
