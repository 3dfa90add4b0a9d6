//! The rules as the rest of the program sees them: trees of checked,
//! typed nodes, plus the shared checks, loaded from the built-in `rules/`
//! and the user's packs. Knows nothing about terminals.

pub mod counter;
pub mod frozen;
pub mod load;
pub mod model;
pub mod pattern;
pub mod schema_check;
pub mod validate;
pub mod yaml;

use std::collections::HashMap;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

use regex::Regex;

use crate::diag::{Diagnostic, SourceFile};
use crate::i18n::Text;
pub use model::{
    fact_by_id, Category, Fact, FactKind, FactScope, Keywords, NodeKind, Owner, Party, ProbeKind,
    Rung,
};
use yaml::LazyIndex;

/// Where a rule came from.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Origin {
    Builtin,
    Pack(PathBuf),
}

impl Origin {
    pub fn describe(&self) -> String {
        match self {
            Origin::Builtin => "built-in".into(),
            Origin::Pack(p) => p.display().to_string(),
        }
    }
}

/// A place in a rule file: the file, its position index, and a YAML path.
#[derive(Clone, Debug)]
pub struct Place {
    pub file: Arc<SourceFile>,
    pub index: Arc<LazyIndex>,
    pub path: String,
}

impl serde::Serialize for Place {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        frozen::serialize_place(self, s)
    }
}

impl<'de> serde::Deserialize<'de> for Place {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Place, D::Error> {
        frozen::deserialize_place(d)
    }
}

impl Place {
    pub fn child(&self, key: impl std::fmt::Display) -> Place {
        let path = if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        };
        Place {
            path,
            ..self.clone()
        }
    }

    /// The key (`next:`) rather than the value at this place.
    pub fn key(&self) -> Place {
        Place {
            path: format!("{}#key", self.path),
            ..self.clone()
        }
    }

    pub fn span(&self) -> Range<usize> {
        self.index.span(&self.path)
    }

    pub fn error(&self, message: impl Into<String>) -> Diagnostic {
        self.attach(Diagnostic::error("", message))
    }

    pub fn warning(&self, message: impl Into<String>) -> Diagnostic {
        self.attach(Diagnostic::warning("", message))
    }

    /// `d` placed here: its line and column, and the lines it quotes.
    fn attach(&self, d: Diagnostic) -> Diagnostic {
        let mut d = d.at_with(&self.file, self.span(), |before| {
            self.index.line_of(before.len())
        });
        d.path = Some(self.path.clone());
        d
    }

    pub fn note(&self, message: impl Into<String>) -> Diagnostic {
        self.attach(Diagnostic::note("", message))
    }

    /// `file:line:col` of this place, for a message that names it.
    pub fn locate(&self) -> String {
        let d = self.error("");
        if d.line > 0 {
            format!("{}:{}:{}", d.file_name, d.line, d.col)
        } else {
            d.file_name
        }
    }
}

/// A reusable check (a rung of the ladder).
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Check {
    pub id: String,
    pub rung: Rung,
    pub action: Text,
    pub ask: Option<Text>,
    pub caution: Option<Text>,
    pub destructive: bool,
    pub place: Place,
    pub pack: usize,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Choice {
    pub id: String,
    pub label: Text,
    pub next: String,
}

/// The most a route's compiled pattern may take (regex's size limit): the
/// same when `validate` compiles it and when a run matches with it.
pub const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// The longest route pattern, in characters.
pub const MAX_PATTERN_CHARS: usize = 1000;

/// A route of a text node: a pattern (parsed when loaded, compiled when
/// validated, once) and its target.
#[derive(Clone, Debug)]
pub struct Route {
    pub pattern: String,
    regex: std::sync::OnceLock<Result<Regex, String>>,
    pub next: String,
    /// How the route reads on paper (`label:`); none: the pattern in words.
    pub label: Option<Text>,
}

/// A route as the compiled rules keep it: the pattern (compiled again on
/// first use), its target and label.
impl serde::Serialize for Route {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serde::Serialize::serialize(
            &(&self.pattern, self.is_broken(), &self.next, &self.label),
            s,
        )
    }
}

impl<'de> serde::Deserialize<'de> for Route {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Route, D::Error> {
        let (pattern, broken, next, label): (String, bool, String, Option<Text>) =
            serde::Deserialize::deserialize(d)?;
        let route = if broken {
            Route::broken(&pattern, &next)
        } else {
            Route {
                pattern,
                regex: std::sync::OnceLock::new(),
                next,
                label: None,
            }
        };
        Ok(route.with_label(label))
    }
}

/// What a route the loader refused says when compiled.
const BROKEN: &str = "the pattern is not a regular expression";

impl Route {
    /// The pattern parsed on its own (case-insensitive, as matched).
    fn parse(pattern: &str) -> Result<regex_syntax::hir::Hir, regex_syntax::Error> {
        regex_syntax::ParserBuilder::new()
            .case_insensitive(true)
            .build()
            .parse(pattern)
    }

    /// The pattern anchored at both ends, as a regular expression built
    /// from its parsed form. Wrapping the text (`^(?:…)$`) would let a
    /// pattern such as `05)|(51` close the wrapper's group and match
    /// `05999`; a parsed pattern is one whole expression, whatever it holds.
    fn anchored(pattern: &str) -> Result<String, String> {
        use regex_syntax::hir::{Hir, Look};
        let hir = Route::parse(pattern).map_err(|e| e.to_string())?;
        Ok(Hir::concat(vec![Hir::look(Look::Start), hir, Hir::look(Look::End)]).to_string())
    }

    /// A route, or why its pattern is not a regular expression.
    pub fn new(pattern: &str, next: &str) -> Result<Route, String> {
        let n = pattern.chars().count();
        if n > MAX_PATTERN_CHARS {
            return Err(format!(
                "it is {n} characters long, more than the limit of {MAX_PATTERN_CHARS}"
            ));
        }
        Route::check(pattern).map_err(|e| e.message)?;
        Ok(Route {
            pattern: pattern.to_owned(),
            regex: std::sync::OnceLock::new(),
            next: next.to_owned(),
            label: None,
        })
    }

    /// A route whose pattern is not a regular expression (reported by the
    /// loader): it keeps its edge, so that the rest of the tree is checked
    /// as written, but never matches.
    pub(crate) fn broken(pattern: &str, next: &str) -> Route {
        Route {
            pattern: pattern.to_owned(),
            regex: std::sync::OnceLock::from(Err(BROKEN.to_owned())),
            next: next.to_owned(),
            label: None,
        }
    }

    /// True for a route whose pattern the loader already refused.
    pub fn is_broken(&self) -> bool {
        matches!(self.regex.get(), Some(Err(e)) if e == BROKEN)
    }

    /// The route with a label for paper.
    pub fn with_label(mut self, label: Option<Text>) -> Route {
        self.label = label;
        self
    }

    /// Checks that `pattern` is a regular expression — one whole
    /// expression on its own, so a stray `)` is refused — and when it is
    /// not, says why and where in the pattern (character offsets into
    /// `pattern`).
    pub fn check(pattern: &str) -> Result<(), PatternError> {
        let n = pattern.chars().count();
        if n > MAX_PATTERN_CHARS {
            return Err(PatternError {
                message: format!(
                    "it is {n} characters long, more than the limit of {MAX_PATTERN_CHARS}"
                ),
                unbalanced: false,
                span: None,
            });
        }
        let err = match Route::parse(pattern) {
            Ok(_) => return Ok(()),
            Err(e) => e,
        };
        use regex_syntax::ast::ErrorKind;
        let (message, span) = match &err {
            regex_syntax::Error::Parse(e) => {
                let message = match e.kind() {
                    ErrorKind::GroupUnopened => "this `)` closes no `(`".into(),
                    ErrorKind::GroupUnclosed => "this `(` is never closed".into(),
                    other => other.to_string(),
                };
                (message, Some(*e.span()))
            }
            regex_syntax::Error::Translate(e) => (e.kind().to_string(), Some(*e.span())),
            _ => (err.to_string(), None),
        };
        let span = span.map(|s| {
            let chars = |o: usize| {
                pattern[..floor(pattern, o.min(pattern.len()))]
                    .chars()
                    .count()
            };
            let (a, b) = (chars(s.start.offset), chars(s.end.offset));
            a..b.max(a)
        });
        let unbalanced = matches!(&err, regex_syntax::Error::Parse(e)
            if matches!(e.kind(), ErrorKind::GroupUnopened | ErrorKind::GroupUnclosed));
        Err(PatternError {
            message,
            unbalanced,
            span,
        })
    }

    /// The compiled pattern, or why it cannot be compiled within
    /// [`REGEX_SIZE_LIMIT`] (compiled once; `validate` reports the error at
    /// the pattern's line, so a run never meets it).
    pub fn compiled(&self) -> Result<&Regex, &str> {
        self.regex
            .get_or_init(|| {
                let anchored = Route::anchored(&self.pattern)?;
                regex::RegexBuilder::new(&anchored)
                    .size_limit(REGEX_SIZE_LIMIT)
                    .build()
                    .map_err(|e| match e {
                        regex::Error::CompiledTooBig(_) => format!(
                            "the pattern is too big: compiled, it would take more than {} KiB (the limit); repeat narrower classes, e.g. [a-z0-9]{{40}} rather than \\w{{40}}",
                            REGEX_SIZE_LIMIT / 1024
                        ),
                        other => other
                            .to_string()
                            .lines()
                            .rfind(|l| !l.trim().is_empty())
                            .unwrap_or("invalid")
                            .trim()
                            .to_owned(),
                    })
            })
            .as_ref()
            .map_err(String::as_str)
    }

    /// True when the whole (trimmed) answer matches, ignoring case.
    pub fn is_match(&self, answer: &str) -> bool {
        let answer = crate::i18n::narrow(answer.trim());
        self.compiled().is_ok_and(|r| r.is_match(answer.trim()))
    }
}

/// A text node's routes matched all at once: one pass over an answer
/// instead of one per route, so walking every route of a node with
/// thousands of them (`posdoctor paths`) is not quadratic.
#[derive(Clone, Debug, Default)]
pub struct RouteSet(std::sync::OnceLock<Option<regex::RegexSet>>);

/// Fewer routes than this are simply tried in turn. Building a set is
/// costly (case-insensitive Unicode classes in every pattern: 21 routes of
/// transaction-failed took 5 s in a debug build, far longer than trying each
/// route's own cached regex), so it pays only where the routes number in the
/// hundreds and an answer is matched against all of them many times
/// (`posdoctor paths` on a generated node).
const ROUTE_SET_FROM: usize = 256;

impl RouteSet {
    /// The first of `routes` that `answer` matches, as [`Route::is_match`]
    /// reads it (a route whose pattern does not compile matches nothing).
    pub fn first<'a>(&self, routes: &'a [Route], answer: &str) -> Option<&'a Route> {
        let answer = crate::i18n::narrow(answer.trim());
        let answer = answer.trim();
        if routes.len() >= ROUTE_SET_FROM {
            let set = self.0.get_or_init(|| {
                if routes.iter().any(|r| r.compiled().is_err()) {
                    return None;
                }
                let anchored: Vec<String> = routes
                    .iter()
                    .map(|r| Route::anchored(&r.pattern))
                    .collect::<Result<_, _>>()
                    .ok()?;
                regex::RegexSetBuilder::new(anchored)
                    .case_insensitive(true)
                    .size_limit(REGEX_SIZE_LIMIT.saturating_mul(routes.len()).min(64 << 20))
                    .build()
                    .ok()
            });
            if let Some(set) = set {
                return set.matches(answer).iter().next().map(|i| &routes[i]);
            }
        }
        routes
            .iter()
            .find(|r| r.compiled().is_ok_and(|re| re.is_match(answer)))
    }
}

/// Why a route's pattern is not a regular expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatternError {
    pub message: String,
    /// True for a bracket without its partner (`05)|(51`): the pattern is
    /// not one whole expression, and would break out of its anchors.
    pub unbalanced: bool,
    /// Characters of the pattern the problem is at, when known.
    pub span: Option<Range<usize>>,
}

fn floor(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// What a node does; each kind carries exactly the fields it uses.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub enum Body {
    /// `check` and `question`: yes/no, with an optional action first.
    Check {
        action: Option<Text>,
        ask: Option<Text>,
        uses: Option<String>,
        rung: Option<Rung>,
        destructive: bool,
        yes: String,
        no: String,
        skip: Option<String>,
    },
    Choice {
        ask: Text,
        choices: Vec<Choice>,
    },
    Text {
        ask: Text,
        routes: Vec<Route>,
        otherwise: String,
        /// All the routes' patterns at once, built on first use.
        #[serde(skip)]
        matcher: RouteSet,
    },
    Info {
        text: Text,
        next: String,
    },
    Resolved {
        text: Text,
        /// A customer-side ending: what to tell the customer.
        customer: Option<Text>,
    },
    Escalate {
        party: Party,
        text: Text,
        have_ready: Vec<Fact>,
    },
    Link {
        tree: String,
        /// Where the walk comes back to in this tree when the linked tree
        /// ends resolved (the terminal is online again: now sign on, redo
        /// the refund). Without it, the linked tree's ending ends the walk.
        then: Option<String>,
    },
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Node {
    pub id: String,
    pub kind: NodeKind,
    pub caution: Option<Text>,
    /// The escalation fact this node's answer fills (`fact:`).
    pub fact: Option<Fact>,
    pub body: Body,
    pub place: Place,
    /// escalate: the pack-defined facts of `have_ready` (ids into
    /// [`RuleSet::facts`]), asked for after the built-in ones.
    pub pack_facts: Vec<String>,
    /// check, question: the probe that answers this step when it can (an
    /// id into [`RuleSet::probes`]).
    #[serde(default)]
    pub probe: Option<String>,
}

/// An edge out of a node: the answer that takes it, and the target node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edge<'a> {
    /// `yes`, `no`, `skip`, a choice id, `match:PATTERN`, `otherwise`, `next`.
    pub answer: String,
    pub target: &'a str,
    /// The YAML path of the reference, relative to the node.
    pub field: String,
}

impl Node {
    /// Every edge to another node of the same tree, in display order.
    /// The engine, the validator, checklists and graphs all use this one list.
    pub fn edges(&self) -> Vec<Edge<'_>> {
        fn e<'a>(answer: &str, target: &'a str, field: &str) -> Edge<'a> {
            Edge {
                answer: answer.to_owned(),
                target,
                field: field.to_owned(),
            }
        }
        match &self.body {
            Body::Check { yes, no, skip, .. } => {
                let mut v = vec![e("yes", yes, "yes"), e("no", no, "no")];
                if let Some(s) = skip {
                    v.push(e("skip", s, "skip"));
                }
                v
            }
            Body::Choice { choices, .. } => choices
                .iter()
                .enumerate()
                .map(|(i, c)| e(&c.id, &c.next, &format!("choices.{i}.next")))
                .collect(),
            Body::Text {
                routes, otherwise, ..
            } => routes
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    e(
                        &format!("match:{}", r.pattern),
                        &r.next,
                        &format!("routes.{i}.next"),
                    )
                })
                .chain([e("otherwise", otherwise, "otherwise")])
                .collect(),
            Body::Info { next, .. } => vec![e("next", next, "next")],
            Body::Link {
                then: Some(then), ..
            } => vec![e("then", then, "then")],
            Body::Resolved { .. } | Body::Escalate { .. } | Body::Link { .. } => vec![],
        }
    }

    /// True for nodes that end a walk (or hand it to another tree).
    pub fn is_outcome(&self) -> bool {
        matches!(
            self.body,
            Body::Resolved { .. } | Body::Escalate { .. } | Body::Link { .. }
        )
    }

    /// Every piece of text a person can read on this node, with its YAML
    /// path relative to the node (for translation checks and search).
    pub fn texts(&self) -> Vec<(&Text, String)> {
        let mut v: Vec<(&Text, String)> = Vec::new();
        if let Some(c) = &self.caution {
            v.push((c, "caution".into()));
        }
        match &self.body {
            Body::Check { action, ask, .. } => {
                if let Some(a) = action {
                    v.push((a, "do".into()));
                }
                if let Some(a) = ask {
                    v.push((a, "ask".into()));
                }
            }
            Body::Choice { ask, choices } => {
                v.push((ask, "ask".into()));
                for (i, c) in choices.iter().enumerate() {
                    v.push((&c.label, format!("choices.{i}.label")));
                }
            }
            Body::Text { ask, .. } => v.push((ask, "ask".into())),
            Body::Info { text, .. } | Body::Escalate { text, .. } => v.push((text, "text".into())),
            Body::Resolved { text, customer } => {
                v.push((text, "text".into()));
                if let Some(c) = customer {
                    v.push((c, "customer".into()));
                }
            }
            Body::Link { .. } => {}
        }
        v
    }
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Tree {
    pub id: String,
    pub title: Text,
    pub summary: Option<Text>,
    pub category: Category,
    pub keywords: Keywords,
    pub start: String,
    /// The nodes; in the compiled built-in rules, read on first use.
    pub nodes: frozen::Nodes,
    /// Node ids to positions, built on first look-up.
    #[serde(skip)]
    index: std::sync::OnceLock<HashMap<String, usize>>,
    pub origin: Origin,
    pub pack: usize,
    pub place: Place,
}

impl Tree {
    pub fn node(&self, id: &str) -> Option<&Node> {
        let index = self.index.get_or_init(|| {
            self.nodes
                .iter()
                .enumerate()
                .map(|(i, n)| (n.id.clone(), i))
                .collect()
        });
        index.get(id).map(|&i| &self.nodes[i])
    }

    pub fn file_name(&self) -> &str {
        &self.place.file.name
    }
}

/// A response code, after overrides.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Code {
    pub code: String,
    pub aliases: Vec<String>,
    pub meaning: Text,
    pub owner: Owner,
    pub action: Text,
    /// What to tell the customer, when the cause is on their side.
    pub customer: Option<Text>,
    pub tree: Option<String>,
    pub place: Place,
}

/// The form of a code used for look-ups: full-width forms read as ASCII
/// (`０５`), trimmed, upper case, one digit padded to two (`5` → `05`),
/// inner spaces collapsed.
pub fn normalize_code(s: &str) -> String {
    let t = crate::i18n::narrow(s)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_uppercase();
    if t.len() == 1 && t.chars().all(|c| c.is_ascii_digit()) {
        format!("0{t}")
    } else {
        t
    }
}

/// The words of an answer, as a route may read them one by one: runs of
/// Latin letters and digits, and runs of Chinese characters (full-width
/// forms read as ASCII). `51 insufficient funds` → `51`, `insufficient`,
/// `funds`; `返回码：05` → `返回码`, `05`.
pub fn answer_words(answer: &str) -> Vec<String> {
    let text = crate::i18n::narrow(answer);
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut kind = 0u8;
    for c in text.chars() {
        let k = if c.is_ascii_alphanumeric() {
            1
        } else if c.is_alphanumeric() {
            2
        } else {
            0
        };
        if k != kind && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        kind = k;
        if k != 0 {
            word.push(c);
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// True for a word that looks like a response code: two letters or digits,
/// at least one a digit (`05`, `A0`, `Y1`).
pub fn is_code_word(w: &str) -> bool {
    w.len() == 2
        && w.chars().all(|c| c.is_ascii_alphanumeric())
        && w.chars().any(|c| c.is_ascii_digit())
}

/// The words of an answer that may be a response code typed among others:
/// code-like words ([`is_code_word`]) that are not part of a number written
/// with separators — a date (`2024-11-23`), a time (`12:30`), an amount
/// (`51.00`) or digit groups (`4111-1111`) name no code.
pub fn code_words(answer: &str) -> Vec<String> {
    let text = crate::i18n::narrow(answer);
    let mut out = Vec::new();
    for token in text.split(|c: char| c.is_whitespace() || is_cjk_char(c)) {
        let runs: Vec<&str> = token
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|r| !r.is_empty())
            .collect();
        let numeric = runs
            .iter()
            .filter(|r| r.chars().any(|c| c.is_ascii_digit()))
            .count();
        // Two digit runs joined by punctuation alone: a date, a time, an amount.
        let joined_numbers =
            numeric > 1 && runs.iter().all(|r| r.chars().all(|c| c.is_ascii_digit()));
        if joined_numbers {
            continue;
        }
        out.extend(
            runs.into_iter()
                .filter(|r| is_code_word(r))
                .map(str::to_owned),
        );
    }
    out
}

fn is_cjk_char(c: char) -> bool {
    !c.is_ascii() && c.is_alphanumeric()
}

/// A pack's contact for a party (`contacts:`).
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct PackContact {
    pub party: Party,
    pub name: Option<Text>,
    pub phone: Option<String>,
    pub hours: Option<Text>,
    pub web: Option<String>,
    pub place: Place,
}

/// A fact a pack defines (`facts:`).
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct PackFact {
    pub id: String,
    pub label: Text,
    pub kind: FactKind,
    pub scope: FactScope,
    pub place: Place,
}

/// A named probe (`probes:`): what it checks and its target, as written
/// (placeholders are filled from the profile when it runs).
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Probe {
    pub id: String,
    pub label: Text,
    pub kind: ProbeKind,
    pub target: ProbeTarget,
    /// How long it may take, in milliseconds.
    pub timeout_ms: u64,
    pub place: Place,
    pub pack: usize,
}

/// A probe's target, each text possibly holding profile placeholders (the
/// port too, as written); filled in and ready to run, the port is a number
/// (`ProbeTarget<u16>`, the probe module's `Target`).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ProbeTarget<P = String> {
    Tcp {
        host: String,
        port: P,
    },
    Dns {
        name: String,
    },
    Http {
        url: String,
        status: Vec<(u16, u16)>,
    },
    Clock {
        url: String,
        max_skew_minutes: u32,
    },
    Path {
        path: String,
    },
}

impl ProbeTarget {
    /// The texts of the target, as written: (field, text).
    pub fn parts(&self) -> Vec<(&'static str, &str)> {
        match self {
            ProbeTarget::Tcp { host, port } => vec![("host", host), ("port", port)],
            ProbeTarget::Dns { name } => vec![("name", name)],
            ProbeTarget::Http { url, .. } | ProbeTarget::Clock { url, .. } => vec![("url", url)],
            ProbeTarget::Path { path } => vec![("path", path)],
        }
    }

    /// The target as written, in one line (`{profile.terminal_ip}:{profile.terminal_port}`).
    pub fn describe(&self) -> String {
        match self {
            ProbeTarget::Tcp { host, port } => crate::probe_target::host_port(host, port),
            ProbeTarget::Dns { name } => name.clone(),
            ProbeTarget::Http { url, .. } | ProbeTarget::Clock { url, .. } => url.clone(),
            ProbeTarget::Path { path } => path.clone(),
        }
    }
}

/// Every loaded tree and check, after overrides.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct RuleSet {
    trees: Vec<Tree>,
    /// Tree ids to positions, rebuilt after thawing (`frozen`).
    #[serde(skip)]
    index: HashMap<String, usize>,
    /// Read on first use in the compiled built-in rules (only `validate`
    /// looks at them: trees carry what they use).
    pub checks: frozen::Lazy<std::collections::BTreeMap<String, Check>>,
    /// Response codes by normalized code.
    pub codes: frozen::Lazy<std::collections::BTreeMap<String, Code>>,
    /// The packs' contacts by party (a later pack's replaces an earlier one's).
    pub contacts: std::collections::BTreeMap<Party, PackContact>,
    /// The packs' facts by id.
    pub facts: std::collections::BTreeMap<String, PackFact>,
    /// Named probes by id (a later pack's replaces an earlier one's).
    pub probes: std::collections::BTreeMap<String, Probe>,
    /// Pack files left out at the counter because of errors (see
    /// `rules::counter`), and the trees they would have defined.
    pub left_out: Vec<(String, Vec<String>)>,
}

impl RuleSet {
    /// Trees sorted by id.
    pub fn trees(&self) -> &[Tree] {
        &self.trees
    }

    pub fn tree(&self, id: &str) -> Option<&Tree> {
        self.index.get(id).map(|&i| &self.trees[i])
    }

    pub fn tree_ids(&self) -> impl Iterator<Item = &str> {
        self.trees.iter().map(|t| t.id.as_str())
    }

    /// The code an answer names: the whole answer as a code or an alias, or
    /// else the one known code among its words (`51 insufficient funds`,
    /// `RC:51`, `交易失败 05`); none when the words name two codes.
    pub fn code_in(&self, answer: &str) -> Option<&Code> {
        if let Some(c) = self.code(answer) {
            return Some(c);
        }
        let mut found: Option<&Code> = None;
        for w in code_words(answer) {
            if let Some(c) = self.code(&w) {
                match found {
                    Some(f) if f.code != c.code => return None,
                    _ => found = Some(c),
                }
            }
        }
        found
    }

    /// The code for `input` (a code or one of its aliases), if known.
    pub fn code(&self, input: &str) -> Option<&Code> {
        let key = normalize_code(input);
        self.codes.get(&key).or_else(|| {
            self.codes
                .values()
                .find(|c| c.aliases.iter().any(|a| normalize_code(a) == key))
        })
    }

    /// Rebuilds the id indexes (after thawing: `frozen`).
    pub(crate) fn reindex(&mut self) {
        self.index = self
            .trees
            .iter()
            .enumerate()
            .map(|(i, t)| (t.id.clone(), i))
            .collect();
    }

    pub(crate) fn from_parts(
        mut trees: Vec<Tree>,
        checks: std::collections::BTreeMap<String, Check>,
        codes: std::collections::BTreeMap<String, Code>,
    ) -> RuleSet {
        trees.sort_by(|a, b| a.id.cmp(&b.id));
        let index = trees
            .iter()
            .enumerate()
            .map(|(i, t)| (t.id.clone(), i))
            .collect();
        RuleSet {
            trees,
            index,
            checks: checks.into(),
            codes: codes.into(),
            contacts: Default::default(),
            facts: std::collections::BTreeMap::new(),
            probes: std::collections::BTreeMap::new(),
            left_out: Vec::new(),
        }
    }
}
