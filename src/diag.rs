//! Findings about rule files and answer files: where (file, line, column),
//! what (one sentence) and how to fix it (a hint), rendered with a caret
//! under the bad spot.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::ops::Range;
use std::sync::Arc;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use serde::Serialize;

/// One file's text, kept so that a finding can quote the bad line.
#[derive(Debug)]
pub struct SourceFile {
    /// What the person sees as the file's name: a path, or `builtin:rules/x.yaml`.
    pub name: String,
    /// Borrowed for the built-in rules embedded in the binary.
    pub text: std::borrow::Cow<'static, str>,
    /// Where each line starts, built on the first finding: placing a
    /// finding is then a binary search, not a scan of the file (a file
    /// with 100 000 findings, or answers, would be quadratic).
    lines: std::sync::OnceLock<Vec<usize>>,
}

impl SourceFile {
    pub fn new(
        name: impl Into<String>,
        text: impl Into<std::borrow::Cow<'static, str>>,
    ) -> SourceFile {
        SourceFile {
            name: name.into(),
            text: text.into(),
            lines: std::sync::OnceLock::new(),
        }
    }

    /// The line (1-based) holding byte `at`, and the byte where it starts.
    pub fn line_of(&self, at: usize) -> (usize, usize) {
        let lines = self.lines.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        });
        let n = lines.partition_point(|&start| start <= at);
        (n.max(1), lines.get(n.wrapping_sub(1)).copied().unwrap_or(0))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    /// Worth knowing, never a failure (not even with `--strict`): a pack
    /// replacing a built-in tree or check.
    Note,
}

#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub severity: Severity,
    pub file: Option<Arc<SourceFile>>,
    /// A file name when there is no text to quote (an unreadable file).
    pub file_name: String,
    /// 1-based line and column (0 when unknown).
    pub line: usize,
    pub col: usize,
    /// Byte range in the file's text, for the caret.
    pub span: Option<Range<usize>>,
    pub message: String,
    pub hint: Option<String>,
    /// A reference that only adds information (a code's next tree, a fact
    /// to have ready) and names something that is not loaded: an error for
    /// `validate`, but the counter keeps the file and drops the reference.
    pub soft: bool,
    /// The YAML path of the value the finding is about (`trees.0.nodes.3`),
    /// when it was made at a place of a parsed file: to tell a finding
    /// caused by an earlier one on the same node from a real one.
    pub path: Option<String>,
}

impl Diagnostic {
    pub fn error(file_name: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            file: None,
            file_name: file_name.into(),
            line: 0,
            col: 0,
            span: None,
            message: message.into(),
            hint: None,
            soft: false,
            path: None,
        }
    }

    pub fn warning(file_name: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file_name, message)
        }
    }

    pub fn note(file_name: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Note,
            ..Diagnostic::error(file_name, message)
        }
    }

    /// Points the finding at a byte offset of `file`; line and column are
    /// computed from it (columns count characters, as editors do).
    pub fn at(self, file: &Arc<SourceFile>, span: Range<usize>) -> Diagnostic {
        let f = Arc::clone(file);
        self.at_with(file, span, move |before: &str| f.line_of(before.len()))
    }

    /// [`Diagnostic::at`] with a function from the text before the spot
    /// to (line, byte where that line starts): a caller holding a line
    /// index answers without scanning the file.
    pub fn at_with(
        mut self,
        file: &Arc<SourceFile>,
        span: Range<usize>,
        line_of: impl FnOnce(&str) -> (usize, usize),
    ) -> Diagnostic {
        let text = &file.text;
        let start = floor_char_boundary(text, span.start.min(text.len()));
        let end = floor_char_boundary(text, span.end.clamp(start, text.len()));
        let (line, line_start) = line_of(&text[..start]);
        self.line = line;
        self.col = text[line_start.min(start)..start].chars().count() + 1;
        self.span = Some(start..end);
        self.file_name = file.name.clone();
        self.file = Some(Arc::clone(file));
        self
    }

    /// Marks the finding as a soft reference (see [`Diagnostic::soft`]).
    pub fn soft(mut self) -> Diagnostic {
        self.soft = true;
        self
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Diagnostic {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:col: error: message` (line and column left out when
    /// unknown). Control characters in the file name or the message (an
    /// id quoted from a hostile file) are shown visibly, never sent raw,
    /// and a card number in either is masked.
    pub fn headline(&self) -> String {
        let visible = |s: &str| crate::privacy::mask_id(s).0;
        let mut s = visible(&self.file_name);
        if self.line > 0 {
            let _ = write!(s, ":{}:{}", self.line, self.col);
        }
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        };
        let _ = write!(s, ": {sev}: {}", visible(&self.message));
        s
    }

    /// The headline, the quoted line with a caret, and the hint; safe to
    /// print (only the colour codes of `color` are escape sequences).
    pub fn render(&self, color: bool) -> String {
        // The hint may quote a command with a file name: masked too.
        let raw = self.render_raw(color);
        crate::sanitize::terminal(&crate::privacy::mask(&raw), color).into_owned()
    }

    fn render_raw(&self, color: bool) -> String {
        let mut out = self.headline();
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
            Severity::Note => Level::NOTE,
        };
        let mut group = Group::with_level(level.clone());
        let mut has_body = false;
        if let (Some(file), Some(span)) = (&self.file, &self.span) {
            let span = if span.is_empty() {
                widen(&file.text, span.start)
            } else {
                span.clone()
            };
            // Only the lines of the span are quoted: giving the renderer the
            // whole file would cost the file's size for every finding.
            let text: &str = &file.text;
            let from = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
            let to = text[span.end..]
                .find('\n')
                .map_or(text.len(), |i| span.end + i);
            // A very long line (a whole file on one line) is quoted around
            // the spot only: quoting it whole for every finding would cost
            // the line's length each time.
            let from = from.max(floor_char_boundary(
                text,
                span.start.saturating_sub(QUOTE_AROUND),
            ));
            let to = to.min(ceil_char_boundary(text, span.end + QUOTE_AROUND));
            // A card number on the quoted lines is masked too; masking
            // keeps the characters, so the span is carried over by them.
            let quoted = &text[from..to];
            let masked = crate::privacy::mask(quoted);
            let chars_before = |i: usize| quoted[..i].chars().count();
            let byte_at = |n: usize| {
                masked
                    .char_indices()
                    .nth(n)
                    .map_or(masked.len(), |(i, _)| i)
            };
            let (a, b) = (span.start - from, span.end - from);
            let (a, b) = if masked.len() == quoted.len() {
                (a, b)
            } else {
                (byte_at(chars_before(a)), byte_at(chars_before(b)))
            };
            group = group.element(
                Snippet::source(masked.into_owned())
                    .line_start(self.line.max(1))
                    .fold(true)
                    .annotation(AnnotationKind::Primary.span(a..b)),
            );
            has_body = true;
        }
        if let Some(hint) = &self.hint {
            group = group.element(Level::HELP.message(hint.as_str()));
            has_body = true;
        }
        if has_body {
            let renderer = if color {
                Renderer::styled()
            } else {
                Renderer::plain()
            };
            out.push('\n');
            out.push_str(&renderer.render(&[group]));
        }
        out
    }
}

/// An empty span becomes the character under it, so the caret shows.
fn widen(text: &str, at: usize) -> Range<usize> {
    match text[at..].chars().next() {
        Some(c) if c != '\n' => at..at + c.len_utf8(),
        _ => at..at,
    }
}

/// How much of a long line is quoted on either side of a finding's spot.
const QUOTE_AROUND: usize = 160;

fn ceil_char_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The JSON form of a finding, for `validate --json`.
#[derive(Serialize)]
pub struct DiagnosticJson<'a> {
    pub severity: Severity,
    pub file: Cow<'a, str>,
    pub line: usize,
    pub column: usize,
    pub message: Cow<'a, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<&'a str>,
}

impl<'a> From<&'a Diagnostic> for DiagnosticJson<'a> {
    fn from(d: &'a Diagnostic) -> Self {
        DiagnosticJson {
            severity: d.severity,
            // A card number in a file name or an echoed value: masked.
            file: crate::privacy::mask(&d.file_name),
            line: d.line,
            column: d.col,
            message: crate::privacy::mask(&d.message),
            hint: d.hint.as_deref(),
        }
    }
}

/// The closest of `candidates` to `word`, if it is close enough to be a
/// plausible typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    // Close by edit distance (swapped letters count once), or by
    // Jaro-Winkler for longer words with a shared start.
    let n = word.chars().count();
    candidates
        .into_iter()
        .map(|c| {
            (
                strsim::damerau_levenshtein(word, c),
                strsim::jaro_winkler(word, c),
                c,
            )
        })
        .filter(|(d, jw, _)| *jw > 0.8 || (*d <= 1 && n >= 3) || (*d <= 2 && n >= 6))
        .min_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)))
        .map(|(_, _, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> Arc<SourceFile> {
        Arc::new(SourceFile::new("x.yaml", text.to_owned()))
    }

    #[test]
    fn line_and_column_count_characters() {
        let f = file("a: 1\nzh: 中文 bad\n");
        let at = f.text.find("bad").unwrap();
        let d = Diagnostic::error("", "boom").at(&f, at..at + 3);
        assert_eq!((d.line, d.col), (2, 8));
        assert_eq!(d.headline(), "x.yaml:2:8: error: boom");
    }

    #[test]
    fn render_has_caret_and_hint() {
        let f = file("nodes:\n  nxt: a\n");
        let d = Diagnostic::error("", "unknown field `nxt`")
            .at(&f, 9..12)
            .with_hint("did you mean `next`?");
        let out = d.render(false);
        assert!(
            out.starts_with("x.yaml:2:3: error: unknown field `nxt`\n"),
            "{out}"
        );
        assert!(out.contains("^^^"), "{out}");
        assert!(out.contains("did you mean `next`?"), "{out}");
    }

    #[test]
    fn out_of_range_spans_do_not_panic() {
        let f = file("中");
        let d = Diagnostic::error("", "x").at(&f, 1..100);
        assert_eq!(d.line, 1);
        let _ = d.render(false);
        let d = Diagnostic::error("", "x").at(&f, 3..3);
        let _ = d.render(false);
    }

    #[test]
    fn did_you_mean_finds_typos_only() {
        assert_eq!(did_you_mean("nxt", ["next", "yes", "no"]), Some("next"));
        assert_eq!(did_you_mean("zzzz", ["next", "yes"]), None);
    }
}
