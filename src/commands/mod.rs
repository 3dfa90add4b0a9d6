//! One module per command (as cargo's `src/bin/cargo/commands/`): each is a
//! short function from parsed arguments to an exit code. What several
//! commands share — loading the rules whole, writing to stdout without
//! failing on a closed pipe, finding a tree, the profile — lives here.

pub mod check;
pub mod checklist;
pub mod code;
pub mod graph;
pub mod list;
pub mod paths;
pub mod pick;
pub mod profile;
pub mod report;
pub mod run;
pub mod search;
pub mod test;
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

/// An error a script can read: `--json` prints it as `{"error": {...}}` on
/// standard output (the exit code is the same as without `--json`: 2 for
/// kind `usage`, else 1).
#[derive(Clone, Debug, Default, thiserror::Error, serde::Serialize)]
#[error("{message}{shown_above}")]
pub struct Failure {
    /// What went wrong, for a script to branch on: `unknown_tree`,
    /// `invalid_answer`, `answers_file`, `rules`, `unknown_code`, `usage`,
    /// `io`, `error`.
    pub kind: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid: Option<Vec<String>>,
    /// What to do about it (printed on the next line; in JSON too).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// kind `rules`: every error finding (file, line, column, message,
    /// hint), which the text form prints above the error instead.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub findings: Option<Vec<serde_json::Value>>,
    /// Said only in the text form, after the message: " (shown above)".
    #[serde(skip)]
    pub shown_above: String,
}

impl Failure {
    pub fn new(kind: &'static str, message: impl Into<String>) -> Failure {
        Failure {
            kind,
            message: message.into(),
            ..Failure::default()
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Failure {
        self.hint = Some(hint.into());
        self
    }

    /// The failure with a card number masked in every text it carries
    /// (what was typed, a file name); the writers escape the rest.
    pub fn masked(&self) -> Failure {
        let m = |s: &String| crate::privacy::mask(s).into_owned();
        Failure {
            kind: self.kind,
            message: m(&self.message),
            file: self.file.as_ref().map(m),
            line: self.line,
            column: self.column,
            node: self.node.as_ref().map(m),
            valid: self.valid.as_ref().map(|v| v.iter().map(m).collect()),
            hint: self.hint.as_ref().map(m),
            // Findings quote rule files, masked as they are rendered.
            findings: self
                .findings
                .as_ref()
                .map(|fs| fs.iter().map(mask_json).collect()),
            shown_above: self.shown_above.clone(),
        }
    }

    /// A finding in a file, with its place.
    pub fn at(mut self, d: &Diagnostic) -> Failure {
        self.file = Some(d.file_name.clone());
        if d.line > 0 {
            self.line = Some(d.line);
            self.column = Some(d.col);
        }
        self
    }

    /// Any error as a script reads it.
    pub fn of(e: &anyhow::Error) -> Failure {
        if let Some(f) = e.downcast_ref::<Failure>() {
            return f.clone();
        }
        let mut message = e.to_string();
        for cause in e.chain().skip(1) {
            message.push_str(&format!(": {cause}"));
        }
        if let Some(engine) = e.downcast_ref::<crate::engine::EngineError>() {
            use crate::engine::EngineError::*;
            return match engine {
                UnknownTree { .. } => Failure::new("unknown_tree", message),
                InvalidAnswer { node, valid, .. } => Failure {
                    node: Some(node.clone()),
                    valid: Some(valid.clone()),
                    ..Failure::new("invalid_answer", message)
                },
                MissingNode { node, .. } => Failure {
                    node: Some(node.clone()),
                    ..Failure::new("rules", message)
                },
                LinkLoop { .. } => Failure::new("rules", message),
            };
        }
        if e.downcast_ref::<RulesBroken>().is_some() {
            return Failure::new("rules", message);
        }
        if let Some(u) = e.downcast_ref::<crate::session::LogUnreadable>() {
            return Failure {
                file: Some(u.file.clone()),
                ..Failure::new("io", message)
            };
        }
        if e.chain()
            .any(|c| c.downcast_ref::<std::io::Error>().is_some())
        {
            return Failure::new("io", message);
        }
        Failure::new("error", message)
    }
}

/// The global options that a suggested command must repeat to work when
/// pasted: the packs and `--no-builtin` from the command line (those from
/// `POSDOCTOR_RULES` are still in the environment), and the language when
/// it was chosen with `--lang` or `POSDOCTOR_LANG`.
#[derive(Clone, Debug, Default)]
pub struct Again {
    pub rules: Vec<std::path::PathBuf>,
    pub no_builtin: bool,
    pub lang: Option<Lang>,
}

/// What every command knows from the global options.
#[derive(Clone)]
pub struct Ctx {
    pub lang: Lang,
    pub color: ColorChoice,
    pub load: LoadOptions,
    pub terminal: Option<String>,
    /// `--strict-packs`: a pack file with errors stops every command.
    pub strict_packs: bool,
    /// `posdoctor --no-probe` (the picker): every probe is asked instead.
    pub no_probe: bool,
    pub again: Again,
}

/// Every string in `v`, card numbers masked.
fn mask_json(v: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::String(s) => Value::String(crate::privacy::mask(s).into_owned()),
        Value::Array(a) => Value::Array(a.iter().map(mask_json).collect()),
        Value::Object(o) => {
            Value::Object(o.iter().map(|(k, v)| (k.clone(), mask_json(v))).collect())
        }
        other => other.clone(),
    }
}

/// A word for a shell command line, quoted when it needs to be.
pub fn shell_word(s: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c);
    if !s.is_empty() && s.chars().all(plain) {
        return s.to_owned();
    }
    shlex::try_quote(s).map_or_else(|_| s.replace('\0', ""), |q| q.into_owned())
}

impl Ctx {
    /// `posdoctor [--no-builtin] [--rules DIR]… [--lang L] ARGS`: a command
    /// to suggest that works when pasted (`args` already shell-quoted).
    pub fn suggest(&self, args: &str) -> String {
        let mut s = String::from("posdoctor");
        if self.again.no_builtin {
            s.push_str(" --no-builtin");
        }
        for r in &self.again.rules {
            s.push_str(" --rules ");
            s.push_str(&shell_word(&r.display().to_string()));
        }
        if let Some(l) = self.again.lang {
            s.push_str(" --lang ");
            s.push_str(l.code());
        }
        if !args.is_empty() {
            s.push(' ');
            s.push_str(args);
        }
        s
    }

    /// Where the rules came from, for "no tree called X": "the built-in
    /// rules, my-pack".
    pub fn loaded_from(&self) -> String {
        let mut v = Vec::new();
        if self.load.builtin {
            v.push(Msg::BuiltinRules.get(self.lang).to_owned());
        }
        v.extend(self.load.packs.iter().map(|p| p.display().to_string()));
        if v.is_empty() {
            v.push(Msg::NoRulesLoaded.get(self.lang).to_owned());
        }
        v.join(Msg::ListSep.get(self.lang))
    }
}

/// Loads the rules for a command used at the counter. A pack file with
/// errors is left out with one warning (on stderr) naming the file and its
/// first error, and the rest works; with `--strict-packs`, any error is
/// printed and ends the command with exit 1.
pub fn load_rules(ctx: &Ctx) -> Result<RuleSet> {
    load_rules_noting(ctx).map(|(rules, _)| rules)
}

/// As [`load_rules`], also returning the warnings printed (for `--json`).
pub fn load_rules_noting(ctx: &Ctx) -> Result<(RuleSet, Vec<String>)> {
    if let Some(rules) = builtin_only(ctx) {
        return Ok((rules, Vec::new()));
    }
    if ctx.strict_packs {
        return load_rules_whole(ctx).map(|r| (r, Vec::new()));
    }
    let loaded = crate::rules::counter::load(&ctx.load);
    if !loaded.fatal.is_empty() {
        return Err(report_errors(ctx, &loaded.fatal.iter().collect::<Vec<_>>()));
    }
    let lang = ctx.lang;
    let mut warnings = Vec::new();
    for l in &loaded.left_out {
        let d = &l.first;
        let location = if d.line > 0 {
            format!("{}:{}:{}", d.file_name, d.line, d.col)
        } else {
            d.file_name.clone()
        };
        let mut more = String::new();
        if let Some(n) = &l.needs {
            more.push_str(&fill(Msg::LeftOutNeeds.get(lang), &[("file", n)]));
        }
        if !l.restored.is_empty() {
            let ids: Vec<String> = l.restored.iter().map(|t| format!("`{t}`")).collect();
            more.push_str(&fill(
                Msg::LeftOutRestored.get(lang),
                &[("trees", &ids.join(", "))],
            ));
        }
        let command = ctx.suggest(&format!("validate {}", shell_word(&l.file)));
        let w = fill(
            Msg::LeftOut.get(lang),
            &[
                ("file", &location),
                ("error", &d.message),
                ("more", &more),
                ("command", &command),
            ],
        );
        warnings.push(w);
    }
    for d in &loaded.dropped {
        let command = ctx.suggest(&format!("validate {}", shell_word(&d.file_name)));
        warnings.push(fill(
            Msg::SoftDropped.get(lang),
            &[
                ("file", &format!("{}:{}:{}", d.file_name, d.line, d.col)),
                ("error", &d.message),
                ("command", &command),
            ],
        ));
    }
    let color = use_color_for(ctx.color, Stream::Stderr);
    for w in &warnings {
        use colored::Colorize;
        print_err(&if color {
            w.yellow().to_string()
        } else {
            w.clone()
        });
    }
    Ok((loaded.rules, warnings))
}

/// Loads the rules whole: any error finding is printed and ends the
/// command with exit 1 (`--strict-packs`).
pub fn load_rules_whole(ctx: &Ctx) -> Result<RuleSet> {
    if let Some(rules) = builtin_only(ctx) {
        return Ok(rules);
    }
    let Loaded {
        rules,
        mut diagnostics,
        knock_ons,
    } = load(&ctx.load);
    let mut later = crate::rules::validate::check(&rules);
    knock_ons.retain_real(&mut later);
    diagnostics.extend(later);
    let errors: Vec<&Diagnostic> = diagnostics.iter().filter(|d| d.is_error()).collect();
    if errors.is_empty() {
        return Ok(rules);
    }
    Err(report_errors(ctx, &errors))
}

/// The built-in rules as build.rs compiled and validated them, when no
/// pack is loaded (nothing to put together, nothing to check again).
fn builtin_only(ctx: &Ctx) -> Option<RuleSet> {
    (ctx.load.builtin && ctx.load.packs.is_empty()).then(crate::builtin::rules)
}

/// The search index over `rules`: for the built-in rules alone, the one
/// build.rs built; with packs, built now.
pub fn search_index<'r>(ctx: &Ctx, rules: &'r RuleSet) -> crate::search::Index<'r> {
    if ctx.load.builtin && ctx.load.packs.is_empty() {
        crate::search::Index::with(rules, crate::builtin::search_index())
    } else {
        crate::search::Index::new(rules)
    }
}

/// Prints every error finding and returns the error that ends the command.
fn report_errors(ctx: &Ctx, errors: &[&Diagnostic]) -> anyhow::Error {
    let color = use_color_for(ctx.color, Stream::Stderr);
    for d in errors {
        eprintln!("{}\n", d.render(color));
    }
    let mut f = Failure::new(
        "rules",
        fill(
            Msg::RulesHaveErrors.get(ctx.lang),
            &[("n", &errors.len().to_string())],
        ),
    )
    .with_hint(fill(
        Msg::SeeThemAll.get(ctx.lang),
        &[("command", &ctx.suggest("validate"))],
    ));
    f.shown_above = Msg::ShownAbove.get(ctx.lang).to_owned();
    f.findings = Some(
        errors
            .iter()
            .filter_map(|d| serde_json::to_value(crate::diag::DiagnosticJson::from(*d)).ok())
            .collect(),
    );
    if let Some(first) = errors.first() {
        f = f.at(first);
    }
    f.into()
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

/// Prints one line to stderr the way [`print_out`] prints to stdout; a
/// warning or an error may quote a file name or what was typed, so a card
/// number in it is masked.
pub fn print_err(text: &str) {
    let colour = colored::control::SHOULD_COLORIZE.should_colorize();
    let text = crate::privacy::mask(text);
    eprintln!("{}", crate::sanitize::terminal(&text, colour));
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

/// The tree called `id`, or an error that says which rules were loaded and
/// how to load a pack's tree (with the command to paste).
pub fn tree_or_explain<'r>(
    ctx: &Ctx,
    rules: &'r RuleSet,
    id: &str,
    retry: &str,
) -> Result<&'r crate::rules::Tree> {
    match rules.tree(id) {
        Some(t) => Ok(t),
        None => Err(unknown_tree(ctx, rules, id, retry).into()),
    }
}

/// "No tree is called `x`; did you mean `y`? Loaded: …" with a hint at
/// `--rules`. `retry` is the command (after the global options) that would
/// work with the right pack: `run x`.
pub fn unknown_tree(ctx: &Ctx, rules: &RuleSet, id: &str, retry: &str) -> Failure {
    let lang = ctx.lang;
    let mut message = fill(Msg::NoTreeCalled.get(lang), &[("id", id)]);
    // The tree is in a pack file that was left out for its errors.
    let left_out = rules
        .left_out
        .iter()
        .find(|(_, trees)| trees.iter().any(|t| t == id))
        .map(|(f, _)| f.clone());
    if let Some(file) = left_out {
        message.push_str(&fill(Msg::TreeLeftOut.get(lang), &[("file", &file)]));
        return Failure::new("unknown_tree", message).with_hint(fill(
            Msg::SeeThemAll.get(lang),
            &[(
                "command",
                &ctx.suggest(&format!("validate {}", shell_word(&file))),
            )],
        ));
    }
    let best = crate::diag::did_you_mean(id, rules.tree_ids());
    message.push_str(&fill(
        Msg::LoadedFrom.get(lang),
        &[("list", &ctx.loaded_from())],
    ));
    if !rules.left_out.is_empty() {
        let files: Vec<&str> = rules.left_out.iter().map(|(f, _)| f.as_str()).collect();
        message.push_str(&fill(
            Msg::FilesLeftOut.get(lang),
            &[("files", &files.join(", "))],
        ));
    }
    // A close name that is loaded: the same command with that name. Else
    // the command with the pack it may be in.
    if let Some(best) = best {
        let command = ctx.suggest(&retry.replacen(&shell_word(id), &shell_word(best), 1));
        return Failure::new("unknown_tree", message).with_hint(fill(
            Msg::DidYouMeanRun.get(lang),
            &[("name", best), ("command", &command)],
        ));
    }
    let mut again = Ctx {
        lang,
        color: ctx.color,
        load: ctx.load.clone(),
        terminal: None,
        strict_packs: false,
        no_probe: ctx.no_probe,
        again: ctx.again.clone(),
    };
    again.again.rules.push("DIR".into());
    Failure::new("unknown_tree", message).with_hint(fill(
        Msg::PackTreeHint.get(lang),
        &[("command", &again.suggest(retry))],
    ))
}

/// The date printed on a checklist: now in the local zone with its offset,
/// or SOURCE_DATE_EPOCH when set (for reproducible output).
pub fn today() -> String {
    crate::localtime::printed_at()
}
