//! Every YAML call of posdoctor lives here, so a move to another YAML crate
//! is a one-module change.
//!
//! Two readers: `serde_yaml` turns a file into typed values (and says where a
//! syntax or type error is), and `yaml-rust2`'s event parser builds a
//! [`PosIndex`], the position of every value by its path, so that findings
//! made after parsing (a dangling `next:`) can point at the exact spot.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

use crate::diag::{did_you_mean, Diagnostic, SourceFile};

/// Rule and answer files larger than this are refused before parsing:
/// serde_yaml has no size limit of its own.
pub const MAX_FILE_BYTES: usize = 1024 * 1024;

/// Checks that raw bytes are a plausible YAML text file: not too big, not
/// empty, UTF-8, not binary. Returns the text or a finding that names `name`.
pub fn decode(name: &str, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(Diagnostic::error(
            name,
            format!(
                "the file is {} bytes, larger than the limit of {} bytes",
                bytes.len(),
                MAX_FILE_BYTES
            ),
        )
        .with_hint("split it into several files in the same pack"));
    }
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
            let mut d = Diagnostic::error(name, "the file is not UTF-8 text")
                .with_hint("save it as UTF-8 (most editors: \"Save with encoding\" → UTF-8)");
            d.line = line;
            d.col = String::from_utf8_lossy(
                &valid[valid.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1)..],
            )
            .chars()
            .count()
                + 1;
            return Err(d);
        }
    };
    // YAML allows no raw control character but tab and line breaks:
    // say where it is, instead of the parser's "at position N".
    if let Some((at, c)) = text.char_indices().find(|(_, c)| {
        (c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{85}')) && *c != '\0'
    }) {
        let file = Arc::new(SourceFile::new(name.to_owned(), text.clone()));
        return Err(Diagnostic::error(
            name,
            format!(
                "the file holds a raw control character (U+{:04X}); YAML allows only tabs and line breaks",
                u32::from(c)
            ),
        )
        .at(&file, at..at + c.len_utf8())
        .with_hint("remove it: editors may show it as ^[ or as a box"));
    }
    if text.contains('\0') {
        return Err(
            Diagnostic::error(name, "the file holds binary data, not YAML text")
                .with_hint("point --rules at a folder of .yaml files"),
        );
    }
    let text = text
        .strip_prefix('\u{feff}')
        .map(str::to_owned)
        .unwrap_or(text);
    // Line breaks as Windows (CR LF) and old Macs (a lone CR) write them
    // are read as the LF the parsers count lines by: a lone CR would end a
    // comment that then swallows the rest of the file (a profile read as
    // empty, and its facts lost at the next `profile set`).
    let text = if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text
    };
    if text.lines().all(|l| {
        let l = l.trim();
        l.is_empty() || l.starts_with('#') || l == "---"
    }) {
        return Err(Diagnostic::error(name, "the file is empty"));
    }
    Ok(text)
}

/// Writes `value` as YAML (the profile).
pub fn to_string<T: serde::Serialize>(value: &T) -> anyhow::Result<String> {
    serde_yaml::to_string(value).map_err(|e| anyhow::anyhow!("cannot write YAML: {e}"))
}

/// Flow collections (`[`, `{`) nested deeper than this are refused before
/// parsing: serde_yaml would stop at 128 levels, but only after a parse
/// whose time grows with the square of the depth.
const MAX_FLOW_DEPTH: usize = 100;

/// The byte offset where flow nesting first gets deeper than the limit.
fn too_deep(text: &str) -> Option<usize> {
    // Bytes, not chars: every delimiter is ASCII, and UTF-8 continuation
    // bytes never look like one.
    let bytes = text.as_bytes();
    let (mut depth, mut quote, mut comment, mut prev) = (0usize, None::<u8>, false, b' ');
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        match (quote, c) {
            _ if comment => comment = c != b'\n',
            (Some(b'"'), b'\\') => i += 1,
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(c),
            (None, b'#') if prev.is_ascii_whitespace() => comment = true,
            (None, b'[' | b'{') => {
                depth += 1;
                if depth > MAX_FLOW_DEPTH {
                    return Some(i);
                }
            }
            (None, b']' | b'}') => depth = depth.saturating_sub(1),
            _ => {}
        }
        prev = c;
        i += 1;
    }
    None
}

/// Parses `file` into `T`, turning serde_yaml's error into a finding with
/// position, a plain sentence and a did-you-mean hint.
pub fn parse<T: DeserializeOwned>(file: &Arc<SourceFile>) -> Result<T, Diagnostic> {
    if let Some(at) = too_deep(&file.text) {
        return Err(Diagnostic::error(
            &file.name,
            format!("the file nests values too deeply (more than {MAX_FLOW_DEPTH} levels)"),
        )
        .at(file, at..at + 1));
    }
    serde_yaml::from_str(&file.text)
        .map_err(|e| fullwidth_colon(file).unwrap_or_else(|| to_diagnostic(file, &e)))
}

const FULLWIDTH_COLON: &str = "full-width colon";

/// A key followed by a full-width colon (`text：`, as a Chinese input
/// method types it): YAML reads no key there, and its own error would
/// point somewhere else ("invalid trailing content", "could not find
/// expected ':'"). Found at the colon itself.
fn fullwidth_colon(file: &Arc<SourceFile>) -> Option<Diagnostic> {
    if !file.text.contains('：') {
        return None;
    }
    let re = regex::Regex::new(
        r"(?m)(?:^[ \t]*(?:-[ \t]+)?|[{,][ \t]*)([A-Za-z_][A-Za-z0-9_.\-]*)[ \t]*(：)",
    )
    .ok()?;
    let caps = re.captures(&file.text)?;
    let (key, colon) = (caps.get(1)?, caps.get(2)?);
    Some(
        Diagnostic::error(
            &file.name,
            format!(
                "`{}：` is written with a {FULLWIDTH_COLON} (：); YAML needs the ASCII colon `:` after a key",
                key.as_str()
            ),
        )
        .at(file, colon.start()..colon.end())
        .with_hint(format!(
            "retype it as `{}:` (switch the input method to half-width or English for keys)",
            key.as_str()
        )),
    )
}

/// A file that did not parse: every finding, and what could be salvaged
/// of it for the checks that come after parsing (see
/// [`super::schema_check::Salvaged`]).
pub struct Unparsed<T> {
    pub findings: Vec<Diagnostic>,
    /// The file mended to fit its type, with what was mended; `None` when
    /// it is not valid YAML or could not be mended.
    pub salvaged: Option<(T, Vec<super::schema_check::Taint>)>,
}

/// Parses a file whose type has a JSON Schema (a rule file). When serde
/// stops at a problem in a file that is valid YAML, the whole file is
/// checked against the schema so that every problem is reported, each at
/// its own place, and the file is mended to fit the schema so that later
/// checks can run on the rest of it.
pub fn parse_checked<T: DeserializeOwned + schemars::JsonSchema>(
    file: &Arc<SourceFile>,
) -> Result<T, Unparsed<T>> {
    let only = |d: Diagnostic| Unparsed {
        findings: vec![d],
        salvaged: None,
    };
    let first = match parse::<T>(file) {
        Ok(v) => return Ok(v),
        Err(d) => d,
    };
    let limits = ["aliases", "too deeply", FULLWIDTH_COLON];
    if limits.iter().any(|l| first.message.contains(l)) {
        return Err(only(first));
    }
    let root = match YNode::parse_or_error(&file.text) {
        Ok(Some(root)) => root,
        Ok(None) => return Err(only(first)),
        Err((at, why)) => return Err(only(syntax_first(file, first, at, &why))),
    };
    let schema = serde_json::to_value(schemars::schema_for!(T)).unwrap_or_default();
    let found = super::schema_check::check(file, &root, &schema);
    if found.is_empty() {
        return Err(only(first));
    }
    let mended = super::schema_check::salvage(&root, &schema);
    let salvaged = serde_json::from_value::<T>(mended.value)
        .ok()
        .map(|v| (v, mended.taints));
    Err(Unparsed {
        findings: found
            .into_iter()
            .map(|mut d| {
                d.file_name.clone_from(&file.name);
                d
            })
            .collect(),
        salvaged,
    })
}

/// serde reads a file as a stream and may stop at a consequence of a
/// syntax error further down (a key indented too little leaves a node
/// "missing field `kind`"; a line indented too far becomes part of the
/// value above it). When the file is not valid YAML at or just after
/// serde's error, the syntax error is the finding, explained by indentation.
fn syntax_first(file: &Arc<SourceFile>, first: Diagnostic, at: usize, why: &str) -> Diagnostic {
    let semantic = [
        "missing field",
        "unknown variant",
        "unknown field",
        "invalid type",
        "invalid value",
        "duplicate field",
    ];
    let here = Diagnostic::error(&file.name, "").at(file, at..at);
    if !semantic.iter().any(|m| first.message.starts_with(m))
        || first.line == 0
        || first.line > here.line
    {
        return first;
    }
    let lines: Vec<&str> = file.text.lines().collect();
    let line = lines
        .get(here.line.saturating_sub(1))
        .copied()
        .unwrap_or("");
    let indent = |l: &str| l.len() - l.trim_start().len();
    let prev = lines[..here.line.saturating_sub(1)]
        .iter()
        .rposition(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map(|i| (i + 1, lines[i]));
    let key = line.trim_start().split(':').next().unwrap_or("").trim();
    let line_start: usize = lines[..here.line.saturating_sub(1)]
        .iter()
        .map(|l| l.len() + 1)
        .sum();
    let key_at = (line_start + indent(line)).min(file.text.len());
    let missing = first
        .message
        .strip_prefix("missing field `")
        .and_then(|r| r.split('`').next());
    let mut d = if missing == Some(key) && !key.is_empty() {
        Diagnostic::error(
            &file.name,
            format!(
                "`{key}:` is not lined up with the fields above it, so it belongs to no mapping{}",
                first
                    .message
                    .split_once(" (in ")
                    .map(|(_, r)| format!(" (it should be in {}", r))
                    .unwrap_or_default()
            ),
        )
        .at(file, key_at..key_at + key.len())
        .with_hint(format!(
            "indent `{key}:` to the same column as the other fields of that node (line {})",
            first.line
        ))
    } else if let Some((n, p)) = prev.filter(|(_, p)| indent(line) > indent(p)) {
        let above = p.trim_start().split(':').next().unwrap_or("").trim();
        Diagnostic::error(
            &file.name,
            format!("this line is indented more than line {n} above it, so YAML reads it as part of the value of `{above}`"),
        )
        .at(file, key_at..key_at + key.len().max(1))
        .with_hint("keys of the same mapping start at the same column: line them up")
    } else if why.contains("flow") {
        // An unclosed `[`/`{`: the YAML reader notices only at the end.
        let open = first.span.clone().unwrap_or(at..at);
        Diagnostic::error(
            &file.name,
            format!("a `[` or `{{` here is never closed (YAML: {why})"),
        )
        .at(file, open)
        .with_hint("close it on the same line, or quote the text if the bracket is part of it")
    } else {
        Diagnostic::error(
            &file.name,
            format!("the file is not valid YAML here: {why}"),
        )
        .at(file, at..at)
        .with_hint("check the indentation of this line and the one above it")
    };
    if line.contains('\t') {
        d = d.with_hint("YAML indentation must use spaces, not tabs");
    }
    d
}

fn to_diagnostic(file: &Arc<SourceFile>, e: &serde_yaml::Error) -> Diagnostic {
    let full = e.to_string();
    // serde_yaml says "path: message at line L column C" (a scanner's message
    // may name a place inside too); keep the message, the place is ours.
    let mut msg = regex::Regex::new(r" at line \d+ column \d+")
        .map(|re| re.replace_all(&full, "").into_owned())
        .unwrap_or_else(|_| full.clone());
    let mut path = None;
    if let Some((p, rest)) = msg.split_once(": ") {
        if !p.contains(' ') && !p.is_empty() {
            path = Some(p.to_owned());
            msg = rest.to_owned();
        }
    }
    let mut hint = None;
    for what in ["unknown field `", "unknown variant `"] {
        if let Some(start) = msg.find(what) {
            let after = &msg[start + what.len()..];
            let word = after.split('`').next().unwrap_or("");
            let expected: Vec<&str> = after
                .split_once("expected ")
                .map(|(_, list)| list.split('`').skip(1).step_by(2).collect())
                .unwrap_or_default();
            hint = match did_you_mean(word, expected.iter().copied()) {
                Some(best) => Some(format!("did you mean `{best}`?")),
                None if !expected.is_empty() => Some(format!(
                    "expected one of {}",
                    expected
                        .iter()
                        .map(|e| format!("`{e}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
                None => None,
            };
            if let Some(cut) = msg.find(", expected") {
                msg.truncate(cut);
            }
        }
    }
    if msg.contains("expected struct ") {
        // "invalid type: string "x", expected struct Keywords": say what
        // the value should look like instead of naming a Rust type.
        msg = msg.replace(
            "expected struct Keywords",
            "expected `{en: [...], zh: [...]}`",
        );
        if let Some(i) = msg.find("expected struct ") {
            msg.truncate(i);
            msg.push_str("expected a mapping");
        }
    }
    if let Some(p) = path {
        let named = YNode::parse_partial(&file.text)
            .and_then(|root| super::schema_check::describe_serde_path(&root, &p));
        msg = format!("{msg} (in {})", named.unwrap_or_else(|| format!("`{p}`")));
    }
    if msg.starts_with("repetition limit exceeded") {
        msg = "the file expands its aliases (`*name`) too many times".into();
        hint = Some("write the values out instead of nesting aliases".into());
    } else if msg.starts_with("recursion limit exceeded") {
        msg = "the file nests values too deeply (more than 128 levels)".into();
    } else if msg.starts_with("mapping values are not allowed") {
        hint = Some(
            "a `key:` is indented more than the line above it, or a value holds `: ` — line the keys up, or quote the value".into(),
        );
    }
    if msg.contains("invalid type")
        && msg.contains("expected a mapping")
        && full.contains("RuleFile")
    {
        msg = "a rule file must be a mapping with `trees:`, `checks:` and/or `codes:`".into();
        hint =
            Some("start the file with `trees:`; `posdoctor schema` prints the whole format".into());
    }
    // A duplicate key is reported by serde_yaml at the mapping (or not at
    // all): point at the second occurrence itself.
    let duplicate = ["duplicate entry with key \"", "duplicate field `"]
        .iter()
        .find_map(|p| msg.strip_prefix(p))
        .and_then(|rest| rest.split(['"', '`']).next())
        .and_then(|key| PosIndex::build(&file.text).duplicate(key));
    let mut d = Diagnostic::error(&file.name, msg);
    if let Some(span) = duplicate {
        d = d.at(file, span);
    } else if let Some(loc) = e.location() {
        let at = loc.index();
        d = d.at(file, at..at);
        let line_text = file
            .text
            .lines()
            .nth(d.line.saturating_sub(1))
            .unwrap_or("");
        if line_text.contains('\t') {
            hint = Some("YAML indentation must use spaces, not tabs".into());
        }
    }
    if let Some(h) = hint {
        d = d.with_hint(h);
    }
    d
}

/// A [`PosIndex`] built on first use: positions are needed only to report a
/// finding, so a clean load never pays for them.
#[derive(Debug)]
pub struct LazyIndex {
    file: Arc<SourceFile>,
    cell: std::sync::OnceLock<PosIndex>,
    /// Byte offset of every line's start, for line numbers in O(log n).
    lines: std::sync::OnceLock<Vec<usize>>,
}

impl LazyIndex {
    pub fn new(file: &Arc<SourceFile>) -> LazyIndex {
        LazyIndex {
            file: Arc::clone(file),
            cell: std::sync::OnceLock::new(),
            lines: std::sync::OnceLock::new(),
        }
    }

    /// The 1-based line of byte offset `at`, and the byte where it starts.
    /// Thousands of findings in one file cost a binary search each, not a
    /// scan of the file each.
    pub fn line_of(&self, at: usize) -> (usize, usize) {
        let starts = self.lines.get_or_init(|| {
            std::iter::once(0)
                .chain(
                    self.file
                        .text
                        .bytes()
                        .enumerate()
                        .filter(|(_, b)| *b == b'\n')
                        .map(|(i, _)| i + 1),
                )
                .collect()
        });
        let i = starts.partition_point(|&s| s <= at).max(1);
        (i, starts[i - 1])
    }

    pub fn get(&self) -> &PosIndex {
        self.cell.get_or_init(|| PosIndex::build(&self.file.text))
    }

    pub fn span(&self, path: &str) -> Range<usize> {
        self.get().span(path)
    }
}

/// Where each value of a YAML document starts, by path: `trees.0.nodes.3.next`.
/// A key's own position is stored under `path#key`.
#[derive(Debug, Default)]
pub struct PosIndex {
    spans: HashMap<String, Range<usize>>,
    /// Scalars exactly as written (`05` stays `05`).
    scalars: HashMap<String, String>,
    /// Keys written twice in one mapping: the key and its second place.
    duplicates: Vec<(String, Range<usize>)>,
}

impl PosIndex {
    pub fn build(text: &str) -> PosIndex {
        let mut rx = IndexBuilder {
            text,
            char_to_byte: text
                .char_indices()
                .map(|(b, _)| b)
                .chain([text.len()])
                .collect(),
            stack: Vec::new(),
            index: PosIndex::default(),
        };
        // A syntax error was already reported by serde_yaml; a partial index
        // is still useful.
        let _ = Parser::new_from_str(text).load(&mut rx, false);
        rx.index
    }

    /// Where `key` is written a second time in one mapping, if anywhere.
    pub fn duplicate(&self, key: &str) -> Option<Range<usize>> {
        self.duplicates
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, s)| s.clone())
    }

    /// Every scalar value with its path (keys are not values).
    pub fn scalars(&self) -> impl Iterator<Item = (&str, &str)> {
        self.scalars.iter().map(|(p, v)| (p.as_str(), v.as_str()))
    }

    /// The scalar at `path` as written, before any type resolution.
    pub fn scalar(&self, path: &str) -> Option<&str> {
        self.scalars.get(path).map(String::as_str)
    }

    /// The span of the value at `path`, or of the closest enclosing value.
    pub fn span(&self, path: &str) -> Range<usize> {
        let mut p = path;
        loop {
            if let Some(s) = self.spans.get(p) {
                return s.clone();
            }
            match p.rfind(['.', '#']) {
                Some(i) => p = &p[..i],
                None => return 0..0,
            }
        }
    }
}

enum Frame {
    Map {
        path: String,
        key: Option<String>,
        first: bool,
    },
    Seq {
        path: String,
        next: usize,
    },
}

struct IndexBuilder<'a> {
    text: &'a str,
    char_to_byte: Vec<usize>,
    stack: Vec<Frame>,
    index: PosIndex,
}

impl IndexBuilder<'_> {
    fn byte(&self, m: &Marker) -> usize {
        self.char_to_byte
            .get(m.index())
            .copied()
            .unwrap_or(self.text.len())
    }

    /// The path of the value that starts now, advancing the parent.
    fn value_path(&mut self) -> Option<String> {
        match self.stack.last_mut() {
            None => Some(String::new()),
            Some(Frame::Seq { path, next }) => {
                let p = join(path, &next.to_string());
                *next += 1;
                Some(p)
            }
            Some(Frame::Map { path, key, .. }) => key.take().map(|k| join(path, &k)),
        }
    }

    /// A scalar or collection is a key when its parent map awaits one.
    fn awaiting_key(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Map { key: None, .. }))
    }
}

fn join(parent: &str, child: &str) -> String {
    if parent.is_empty() {
        child.to_owned()
    } else {
        format!("{parent}.{child}")
    }
}

impl MarkedEventReceiver for IndexBuilder<'_> {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        let at = self.byte(&mark);
        match ev {
            Event::Scalar(value, ..) => {
                if self.awaiting_key() {
                    if let Some(Frame::Map { path, key, first }) = self.stack.last_mut() {
                        let kp = format!("{}#{}", join(path, &value), "key");
                        let span = at..at + value.len();
                        // A mapping is located at its first key.
                        if std::mem::take(first) {
                            self.index.spans.insert(path.clone(), span.clone());
                        }
                        if self.index.spans.contains_key(&kp) {
                            self.index.duplicates.push((value.clone(), span.clone()));
                        }
                        self.index.spans.insert(kp, span);
                        *key = Some(value);
                    }
                } else if let Some(p) = self.value_path() {
                    let end = (at + value.len()).min(self.text.len());
                    self.index.spans.entry(p.clone()).or_insert(at..end);
                    self.index.scalars.entry(p).or_insert(value);
                }
            }
            Event::Alias(_) if !self.awaiting_key() => {
                if let Some(p) = self.value_path() {
                    self.index.spans.entry(p).or_insert(at..at);
                }
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                // A collection used as a key gets a throwaway path.
                let path = if self.awaiting_key() {
                    String::from("?")
                } else {
                    self.value_path().unwrap_or_else(|| "?".into())
                };
                self.index.spans.entry(path.clone()).or_insert(at..at);
                self.stack.push(if matches!(ev, Event::MappingStart(..)) {
                    Frame::Map {
                        path,
                        key: None,
                        first: true,
                    }
                } else {
                    Frame::Seq { path, next: 0 }
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
            }
            _ => {}
        }
    }
}

/// A YAML document as a tree of values with their places in the text, from
/// yaml-rust2's events: every key as written (duplicates kept), every
/// scalar as written and whether it was quoted. For the second look at a
/// file serde could not read (`schema_check`), and for scenario files.
#[derive(Clone, Debug)]
pub enum YNode {
    Scalar {
        value: String,
        /// Written without quotes (so `true`, `1`, `~` are typed values).
        plain: bool,
        span: Range<usize>,
    },
    Seq {
        items: Vec<YNode>,
        span: Range<usize>,
    },
    Map {
        entries: Vec<YEntry>,
        span: Range<usize>,
    },
    /// `*name`: not expanded (serde_yaml already guards alias bombs).
    Alias { span: Range<usize> },
}

#[derive(Clone, Debug)]
pub struct YEntry {
    pub key: String,
    pub key_span: Range<usize>,
    pub value: YNode,
}

impl YNode {
    pub fn span(&self) -> Range<usize> {
        match self {
            YNode::Scalar { span, .. }
            | YNode::Seq { span, .. }
            | YNode::Map { span, .. }
            | YNode::Alias { span } => span.clone(),
        }
    }

    /// The value of `key` in a mapping (the first, if the key is repeated).
    pub fn get(&self, key: &str) -> Option<&YNode> {
        match self {
            YNode::Map { entries, .. } => entries.iter().find(|e| e.key == key).map(|e| &e.value),
            _ => None,
        }
    }

    /// The scalar's text, if this is a scalar.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            YNode::Scalar { value, .. } => Some(value),
            _ => None,
        }
    }

    /// A plain `~`, `null` or empty value.
    pub fn is_null(&self) -> bool {
        matches!(self, YNode::Scalar { value, plain: true, .. }
            if matches!(value.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    /// Parses `text` into a tree; `None` when it is not valid YAML (serde
    /// has said why) or holds no document.
    pub fn parse(text: &str) -> Option<YNode> {
        YNode::parse_or_error(text).ok().flatten()
    }

    /// Parses `text` into a tree, or says where (byte offset) and why it is
    /// not valid YAML.
    pub fn parse_or_error(text: &str) -> Result<Option<YNode>, (usize, String)> {
        let mut b = TreeBuilder::new(text);
        if let Err(e) = Parser::new_from_str(text).load(&mut b, false) {
            let at = b.byte(e.marker());
            return Err((at, e.info().to_owned()));
        }
        Ok(b.root)
    }

    /// As [`YNode::parse`], but keeps what was read before a syntax error
    /// (to name the place of serde's own error).
    pub fn parse_partial(text: &str) -> Option<YNode> {
        let mut b = TreeBuilder::new(text);
        let _ = Parser::new_from_str(text).load(&mut b, false);
        while !b.stack.is_empty() {
            b.close();
        }
        b.root
    }
}

enum Open {
    Seq(Vec<YNode>, usize),
    /// Entries so far, the key awaiting its value, and where the map starts.
    Map(Vec<YEntry>, Option<(String, Range<usize>)>, usize),
}

struct TreeBuilder {
    char_to_byte: Vec<usize>,
    len: usize,
    stack: Vec<Open>,
    root: Option<YNode>,
}

impl TreeBuilder {
    fn byte(&self, m: &Marker) -> usize {
        self.char_to_byte
            .get(m.index())
            .copied()
            .unwrap_or(self.len)
    }

    /// Puts a finished value where it belongs: a sequence item, a mapping's
    /// key or value, or the document.
    fn place(&mut self, node: YNode) {
        match self.stack.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some(node);
                }
            }
            Some(Open::Seq(items, _)) => items.push(node),
            Some(Open::Map(entries, pending, _)) => match pending.take() {
                Some((key, key_span)) => entries.push(YEntry {
                    key,
                    key_span,
                    value: node,
                }),
                None => {
                    let key = match &node {
                        YNode::Scalar { value, .. } => value.clone(),
                        _ => "?".into(),
                    };
                    *pending = Some((key, node.span()));
                }
            },
        }
    }
}

impl TreeBuilder {
    fn new(text: &str) -> TreeBuilder {
        TreeBuilder {
            char_to_byte: text
                .char_indices()
                .map(|(b, _)| b)
                .chain([text.len()])
                .collect(),
            len: text.len(),
            stack: Vec::new(),
            root: None,
        }
    }

    /// Ends the innermost open sequence or mapping.
    fn close(&mut self) {
        match self.stack.pop() {
            Some(Open::Seq(items, start)) => self.place(YNode::Seq {
                items,
                span: start..start,
            }),
            Some(Open::Map(entries, _, start)) => {
                // A mapping is located at its first key, as in `PosIndex`.
                let start = entries.first().map_or(start, |e| e.key_span.start);
                self.place(YNode::Map {
                    entries,
                    span: start..start,
                });
            }
            None => {}
        }
    }
}

impl MarkedEventReceiver for TreeBuilder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        let at = self.byte(&mark);
        match ev {
            Event::Scalar(value, style, ..) => {
                let plain = matches!(style, yaml_rust2::scanner::TScalarStyle::Plain);
                let end = (at + value.len()).min(self.len);
                self.place(YNode::Scalar {
                    value,
                    plain,
                    span: at..end,
                });
            }
            Event::Alias(_) => self.place(YNode::Alias { span: at..at }),
            Event::SequenceStart(..) => self.stack.push(Open::Seq(Vec::new(), at)),
            Event::MappingStart(..) => self.stack.push(Open::Map(Vec::new(), None, at)),
            Event::SequenceEnd | Event::MappingEnd => self.close(),
            _ => {}
        }
    }
}

/// A YAML scalar exactly as written (so `05` stays `05`), or a list of them.
#[derive(Debug, Clone, PartialEq)]
pub enum RawValue {
    One(String),
    Many(Vec<String>),
}

/// An answers file's entries: node, answer(s), where the node is written.
type FlatMap = Vec<(String, RawValue, Range<usize>)>;

/// A JSON object of scalars or lists of scalars that YAML could not read,
/// as [`parse_flat_map`] gives it (every span at the start), or the key
/// given twice; `None` when it is not one.
fn json_flat_map(text: &str) -> Option<Result<FlatMap, String>> {
    use serde_json::Value;
    if !text.trim_start().starts_with('{') {
        return None;
    }
    // The keys in order, to find one given twice (a JSON object keeps only
    // the last, silently; the YAML reader refuses it, and so does this).
    struct Keys(Vec<String>);
    impl<'de> serde::Deserialize<'de> for Keys {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> serde::de::Visitor<'de> for V {
                type Value = Keys;
                fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                    f.write_str("a mapping")
                }
                fn visit_map<A: serde::de::MapAccess<'de>>(
                    self,
                    mut m: A,
                ) -> Result<Keys, A::Error> {
                    let mut keys = Vec::new();
                    while let Some((k, _)) = m.next_entry::<String, serde::de::IgnoredAny>()? {
                        keys.push(k);
                    }
                    Ok(Keys(keys))
                }
            }
            d.deserialize_map(V)
        }
    }
    let Keys(keys) = serde_json::from_str::<Keys>(text).ok()?;
    let mut seen = std::collections::HashSet::new();
    if let Some(twice) = keys.iter().find(|k| !seen.insert(k.as_str())) {
        return Some(Err(twice.clone()));
    }
    let Value::Object(map) = serde_json::from_str::<Value>(text).ok()? else {
        return None;
    };
    let scalar = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    };
    map.iter()
        .map(|(k, v)| {
            let value = match v {
                Value::Array(items) => {
                    RawValue::Many(items.iter().map(scalar).collect::<Option<_>>()?)
                }
                other => RawValue::One(scalar(other)?),
            };
            Some((k.clone(), value, 0..0))
        })
        .collect::<Option<_>>()
        .map(Ok)
}

/// Reads a flat mapping of scalar keys to scalars or lists of scalars (the
/// answers file), keeping every scalar as written. YAML and JSON both work.
pub fn parse_flat_map(file: &Arc<SourceFile>) -> Result<FlatMap, Diagnostic> {
    // serde_yaml first: it reports syntax errors well and guards against
    // alias bombs and deep nesting; the shape is checked here too.
    let shape: serde_yaml::Value = match parse(file) {
        Ok(v) => v,
        // JSON that YAML cannot read (a surrogate pair, "\ud83d\ude00", is
        // valid JSON but not YAML): read as JSON, without positions.
        Err(d) => {
            return match json_flat_map(&file.text) {
                Some(Ok(map)) => Ok(map),
                Some(Err(key)) => {
                    let quoted = format!("\"{key}\"");
                    let at = file
                        .text
                        .match_indices(&quoted)
                        .nth(1)
                        .map_or(0..0, |(i, q)| i..i + q.len());
                    Err(Diagnostic::error(
                        &file.name,
                        format!("duplicate entry with key \"{}\"", crate::sanitize::visible(&key)),
                    )
                    .at(file, at)
                    .with_hint("give each node one entry; for a node asked twice, write a list: [\"no\", \"yes\"]"))
                }
                None => Err(d),
            }
        }
    };
    let serde_yaml::Value::Mapping(map) = &shape else {
        return Err(
            Diagnostic::error(&file.name, "expected a mapping from node id to answer")
                .at(file, 0..0)
                .with_hint("write one `node-id: answer` per line"),
        );
    };
    let index = PosIndex::build(&file.text);
    let mut out = Vec::new();
    for (k, v) in map {
        let key = scalar_string(k).ok_or_else(|| {
            Diagnostic::error(&file.name, "a node id must be a plain word").at(file, 0..0)
        })?;
        let span = index.span(&format!("{key}#key"));
        // As written, so `05` stays `05`; YAML booleans read as yes/no. An
        // alias (`*name`) has no text of its own: it is the value it names.
        let raw_of = |path: &str, value: &serde_yaml::Value| -> String {
            match index.scalar(path) {
                Some("true") => "yes".into(),
                Some("false") => "no".into(),
                Some(other) => other.to_owned(),
                None => scalar_string(value).unwrap_or_default(),
            }
        };
        let value = match v {
            serde_yaml::Value::Sequence(items) => {
                let mut list = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    if scalar_string(item).is_none() {
                        return Err(Diagnostic::error(
                            &file.name,
                            format!("the answers for `{key}` must be plain values"),
                        )
                        .at(file, index.span(&format!("{key}.{i}"))));
                    }
                    list.push(raw_of(&format!("{key}.{i}"), item));
                }
                RawValue::Many(list)
            }
            other if scalar_string(other).is_some() => RawValue::One(raw_of(&key, other)),
            _ => {
                return Err(Diagnostic::error(
                    &file.name,
                    format!("the answer for `{key}` must be a value or a list of values"),
                )
                .at(file, index.span(&key)))
            }
        };
        out.push((key, value, span));
    }
    Ok(out)
}

fn scalar_string(v: &serde_yaml::Value) -> Option<String> {
    match v {
        serde_yaml::Value::String(s) => Some(s.clone()),
        serde_yaml::Value::Bool(b) => Some(if *b { "yes".into() } else { "no".into() }),
        serde_yaml::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> Arc<SourceFile> {
        Arc::new(SourceFile::new("t.yaml", text.to_owned()))
    }

    #[test]
    fn index_finds_nested_values() {
        let text = "trees:\n  - id: a\n    nodes:\n      - id: 中文\n        next: b\n";
        let idx = PosIndex::build(text);
        let s = idx.span("trees.0.nodes.0.next");
        assert_eq!(&text[s], "b");
        let s = idx.span("trees.0.nodes.0.id");
        assert_eq!(&text[s], "中文");
        let s = idx.span("trees.0.nodes.0.next#key");
        assert_eq!(&text[s], "next");
        // Unknown path falls back to the closest parent.
        let s = idx.span("trees.0.nodes.0.missing");
        assert_eq!(s.start, text.find("id: 中文").unwrap());
    }

    #[test]
    fn lone_cr_and_crlf_line_breaks_are_line_breaks() {
        for text in [
            "# my shop\rmerchant: Joe\rmid: '123'\r",
            "# my shop\r\nmerchant: Joe\r\nmid: '123'\r\n",
        ] {
            let got = decode("p.yaml", text.as_bytes().to_vec()).unwrap();
            assert_eq!(got, "# my shop\nmerchant: Joe\nmid: '123'\n");
        }
    }

    #[test]
    fn decode_refuses_bad_files() {
        assert!(decode("x", vec![]).unwrap_err().message.contains("empty"));
        assert!(decode("x", b"# only a comment\n".to_vec())
            .unwrap_err()
            .message
            .contains("empty"));
        assert!(decode("x", vec![0xff, 0xfe, 0x00])
            .unwrap_err()
            .message
            .contains("UTF-8"));
        assert!(decode("x", b"a: \0".to_vec())
            .unwrap_err()
            .message
            .contains("binary"));
        assert!(decode("x", vec![b'a'; MAX_FILE_BYTES + 1])
            .unwrap_err()
            .message
            .contains("larger"));
        assert_eq!(decode("x", "\u{feff}a: 1".into()).unwrap(), "a: 1");
    }

    #[test]
    fn unknown_field_gets_a_hint() {
        #[derive(serde::Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct S {
            next: String,
            yes: Option<String>,
        }
        let f = file("nxt: a\n");
        let d = parse::<S>(&f).unwrap_err();
        assert_eq!(d.message, "unknown field `nxt`");
        assert_eq!(d.hint.as_deref(), Some("did you mean `next`?"));
        assert_eq!((d.line, d.col), (1, 1));
    }

    #[test]
    fn deep_flow_nesting_is_refused_early() {
        assert_eq!(too_deep("a: [[1]]"), None);
        assert_eq!(
            too_deep(&format!("a: '{}'", "[".repeat(500))),
            None,
            "inside quotes"
        );
        assert_eq!(
            too_deep(&format!("a: 1 # {}", "[".repeat(500))),
            None,
            "inside a comment"
        );
        assert_eq!(too_deep(&format!("a: {}", "[".repeat(101))), Some(103));
        let d = parse::<serde_yaml::Value>(&file(&format!("a: {}", "{".repeat(200)))).unwrap_err();
        assert!(d.message.contains("too deeply"));
    }

    #[test]
    fn tabs_get_a_hint() {
        let f = file("a:\n\tb: 1\n");
        let d = parse::<serde_yaml::Value>(&f).unwrap_err();
        assert_eq!(
            d.hint.as_deref(),
            Some("YAML indentation must use spaces, not tabs"),
            "{d:?}"
        );
    }

    #[test]
    fn flat_map_keeps_scalars_as_written() {
        let f = file("code: 05\nagain: [no, 'yes']\nflag: true\n");
        let m = parse_flat_map(&f).unwrap();
        assert_eq!(m[0].1, RawValue::One("05".into()));
        assert_eq!(m[1].1, RawValue::Many(vec!["no".into(), "yes".into()]));
        assert_eq!(m[2].1, RawValue::One("yes".into()));
        let f = file("{\"code\": \"05\", \"x\": [\"a\"]}");
        let m = parse_flat_map(&f).unwrap();
        assert_eq!(m[0].1, RawValue::One("05".into()));
        assert!(parse_flat_map(&file("- a\n- b\n")).is_err());
        assert!(parse_flat_map(&file("a: {b: c}\n")).is_err());
    }
}
