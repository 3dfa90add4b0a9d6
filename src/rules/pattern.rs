//! A route's pattern in words, for counter staff: `0?5|51` reads "“5”,
//! “05” or “51”", `5\d` reads "a code starting with “5”" — never a raw
//! regular expression on paper. A route's own `label` wins; a pattern too
//! intricate to put into words reads "another answer the rules expect"
//! (and `validate` asks for a label).

use regex_syntax::ast::{self, Ast, ClassPerlKind, RepetitionKind, RepetitionRange};

use crate::i18n::{fill, Lang, Msg};
use crate::rules::{Body, Node, Route};

/// How the answers a route takes read on paper: its label, else its pattern
/// in words.
pub fn route_words(route: &Route, lang: Lang) -> String {
    match &route.label {
        Some(l) => l.get(lang).to_owned(),
        None => describe(&route.pattern, lang).unwrap_or_else(|| Msg::PatOther.get(lang).into()),
    }
}

/// The words for the branch of a text node that an engine answer
/// (`match:PATTERN`) takes.
pub fn edge_words(node: &Node, answer: &str, lang: Lang) -> String {
    let pattern = answer.trim_start_matches("match:");
    match &node.body {
        Body::Text { routes, .. } => routes
            .iter()
            .find(|r| r.pattern == pattern)
            .map(|r| route_words(r, lang))
            .unwrap_or_else(|| Msg::PatOther.get(lang).into()),
        _ => Msg::PatOther.get(lang).into(),
    }
}

/// The pattern in words, or `None` when it is too intricate.
pub fn describe(pattern: &str, lang: Lang) -> Option<String> {
    let ast = ast::parse::Parser::new().parse(pattern).ok()?;
    let phrases = phrase(&strip(&ast))?;
    let mut words: Vec<String> = Vec::new();
    for w in phrases.iter().map(|p| p.words(lang)) {
        if !words.contains(&w) {
            words.push(w);
        }
    }
    // A checklist line stays short: the first few, then "others".
    if words.len() > MAX_SHOWN {
        words.truncate(MAX_SHOWN);
        words.push(Msg::PatMore.get(lang).into());
    }
    Some(join_or(&words, lang))
}

/// Whether some alternative of the pattern is a bare wildcard (`.*`, `.+`,
/// `\S*`): only such a pattern can take every answer. Cheap: no regex is
/// compiled.
pub fn may_take_anything(pattern: &str) -> bool {
    let Ok(ast) = ast::parse::Parser::new().parse(pattern) else {
        return false;
    };
    let ast = strip(&ast);
    match &ast {
        Ast::Alternation(a) => a.asts.iter().any(is_anything),
        other => is_anything(other),
    }
}

/// Answers the pattern takes, as a person would type them (`51`, not
/// `5.*`), read from the same analysis; may be empty.
pub fn samples(pattern: &str) -> Vec<String> {
    let Ok(ast) = ast::parse::Parser::new().parse(pattern) else {
        return vec![];
    };
    phrase(&strip(&ast))
        .unwrap_or_default()
        .into_iter()
        .map(|p| match p {
            Phrase::Exact(s)
            | Phrase::StartsWith(s)
            | Phrase::EndsWith(s)
            | Phrase::Contains(s) => s,
            Phrase::CodeStarting(s, len) => {
                let more = len.map_or(1, |n| n.saturating_sub(s.chars().count()).max(1));
                format!("{s}{}", "1".repeat(more))
            }
            Phrase::AnyNumber => "1".into(),
            Phrase::Digits(n) | Phrase::DigitsAtLeast(n) | Phrase::DigitsBetween(n, _) => {
                "1".repeat(n.max(1) as usize)
            }
            Phrase::Anything => "x".into(),
            Phrase::Gapped(s) => s.replace('…', ""),
        })
        .collect()
}

/// One way of reading (part of) a pattern.
#[derive(Clone, Debug, PartialEq)]
enum Phrase {
    /// Exactly this text.
    Exact(String),
    StartsWith(String),
    EndsWith(String),
    Contains(String),
    /// A literal start, then digits: the whole length when it is fixed
    /// (`5\d` is two characters).
    CodeStarting(String, Option<usize>),
    AnyNumber,
    Digits(u32),
    /// `\d{3,}`
    DigitsAtLeast(u32),
    /// `\d{2,4}`
    DigitsBetween(u32, u32),
    Anything,
    /// Literal parts with anything between them: “卡…过期”.
    Gapped(String),
}

impl Phrase {
    fn words(&self, lang: Lang) -> String {
        let q = |s: &str| format!("“{s}”");
        match self {
            Phrase::Exact(s) => q(s),
            Phrase::StartsWith(s) => fill(Msg::PatStartsWith.get(lang), &[("x", &q(s))]),
            Phrase::EndsWith(s) => fill(Msg::PatEndsWith.get(lang), &[("x", &q(s))]),
            Phrase::Contains(s) => fill(Msg::PatContains.get(lang), &[("x", &q(s))]),
            Phrase::CodeStarting(s, None) => fill(Msg::PatCodeStarting.get(lang), &[("x", &q(s))]),
            Phrase::CodeStarting(s, Some(n)) => {
                let msg = if s.chars().all(|c| c.is_ascii_digit()) {
                    Msg::PatCodeStartingDigits
                } else {
                    Msg::PatCodeStartingChars
                };
                fill(msg.get(lang), &[("x", &q(s)), ("n", &n.to_string())])
            }
            Phrase::AnyNumber => Msg::PatAnyNumber.get(lang).into(),
            Phrase::Digits(n) => fill(Msg::PatDigits.get(lang), &[("n", &n.to_string())]),
            Phrase::DigitsAtLeast(n) => {
                fill(Msg::PatDigitsAtLeast.get(lang), &[("n", &n.to_string())])
            }
            Phrase::DigitsBetween(a, b) => fill(
                Msg::PatDigitsBetween.get(lang),
                &[("a", &a.to_string()), ("b", &b.to_string())],
            ),
            Phrase::Anything => Msg::PatAnyAnswer.get(lang).into(),
            Phrase::Gapped(s) => q(s),
        }
    }
}

/// "a, b or c" / "a、b或c".
fn join_or(items: &[String], lang: Lang) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!(
            "{}{}{last}",
            init.join(Msg::PatSep.get(lang)),
            Msg::PatOr.get(lang)
        ),
    }
}

/// The pattern without anchors and flags (matching is anchored and
/// case-insensitive anyway).
fn strip(ast: &Ast) -> Ast {
    match ast {
        Ast::Concat(c) => {
            let asts: Vec<Ast> = c
                .asts
                .iter()
                .filter(|a| !matches!(a, Ast::Assertion(_) | Ast::Flags(_)))
                .map(strip)
                .collect();
            if asts.len() == 1 {
                asts.into_iter().next().unwrap_or_else(|| ast.clone())
            } else {
                Ast::concat(ast::Concat { span: c.span, asts })
            }
        }
        Ast::Group(g) => strip(&g.ast),
        Ast::Alternation(a) => Ast::alternation(ast::Alternation {
            span: a.span,
            asts: a.asts.iter().map(strip).collect(),
        }),
        other => other.clone(),
    }
}

/// Readings of a pattern: one per alternative, literal sets listed out.
fn phrase(ast: &Ast) -> Option<Vec<Phrase>> {
    if let Some(lits) = literals(ast) {
        let lits: Vec<Phrase> = lits
            .into_iter()
            .filter(|l| !l.trim().is_empty())
            .map(Phrase::Exact)
            .collect();
        return (!lits.is_empty()).then_some(lits);
    }
    if let Ast::Alternation(a) = ast {
        let mut out = Vec::new();
        for alt in &a.asts {
            out.extend(phrase(alt)?);
        }
        return Some(out);
    }
    if is_anything(ast) {
        return Some(vec![Phrase::Anything]);
    }
    if let Some(p) = digits(ast) {
        return Some(vec![p]);
    }
    let Ast::Concat(c) = ast else {
        return None;
    };
    let items = &c.asts;
    if let Some(g) = gapped(items) {
        return Some(vec![g]);
    }
    // literal prefix, then a tail
    let split = (1..items.len())
        .rev()
        .find(|&i| seq_literals(&items[..i]).is_some());
    if let Some(i) = split {
        let prefix = seq_literals(&items[..i])?;
        let tail = &items[i..];
        let prefixes: Vec<String> = prefix.into_iter().filter(|p| !p.is_empty()).collect();
        if prefixes.is_empty() {
            return None;
        }
        if tail.iter().all(is_digits) {
            let digits: Option<usize> = tail.iter().map(fixed_digits).sum();
            return Some(
                prefixes
                    .into_iter()
                    .map(|p| {
                        let len = digits.map(|d| p.chars().count() + d);
                        Phrase::CodeStarting(p, len)
                    })
                    .collect(),
            );
        }
        if tail.iter().all(is_anything) {
            return Some(prefixes.into_iter().map(Phrase::StartsWith).collect());
        }
        // literal, anything, nothing else: ".*" at both ends handled below
        return None;
    }
    // anything, then literals (then maybe anything)
    if items.first().is_some_and(is_anything) {
        let rest = &items[1..];
        let (mid, contains) = match rest.last() {
            Some(l) if is_anything(l) => (&rest[..rest.len() - 1], true),
            _ => (rest, false),
        };
        let lits: Vec<String> = seq_literals(mid)?
            .into_iter()
            .filter(|l| !l.is_empty())
            .collect();
        if lits.is_empty() {
            return None;
        }
        return Some(
            lits.into_iter()
                .map(if contains {
                    Phrase::Contains
                } else {
                    Phrase::EndsWith
                })
                .collect(),
        );
    }
    None
}

/// Single literal runs with wildcards between them (`卡.*过期`), read as
/// “卡…过期”; `None` unless a wildcard sits between two literal runs.
fn gapped(items: &[Ast]) -> Option<Phrase> {
    let mut out = String::new();
    let mut inner_gap = false;
    let mut pending_gap = false;
    for a in items {
        if is_anything(a) {
            pending_gap = true;
            continue;
        }
        let lits = literals(a)?;
        let [lit] = lits.as_slice() else {
            return None;
        };
        if pending_gap {
            inner_gap |= !out.is_empty();
            out.push('…');
            pending_gap = false;
        }
        out.push_str(lit);
    }
    if pending_gap {
        out.push('…');
    }
    inner_gap.then_some(Phrase::Gapped(out))
}

const MAX_LITERALS: usize = 8;

/// Readings shown on one checklist line.
const MAX_SHOWN: usize = 8;

/// The literal strings a sequence of items matches, if few.
fn seq_literals(items: &[Ast]) -> Option<Vec<String>> {
    let mut acc = vec![String::new()];
    for a in items {
        let next = literals(a)?;
        let mut out = Vec::new();
        for p in &acc {
            for n in &next {
                out.push(format!("{p}{n}"));
            }
        }
        if out.len() > MAX_LITERALS {
            return None;
        }
        acc = out;
    }
    Some(dedupe(acc))
}

/// Case-insensitive duplicates removed (`[eE]` reads as one letter).
fn dedupe(v: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in v {
        if !out.iter().any(|o| o.to_lowercase() == s.to_lowercase()) {
            out.push(s);
        }
    }
    out
}

/// The strings a pattern matches, when it matches only a few.
fn literals(ast: &Ast) -> Option<Vec<String>> {
    match ast {
        Ast::Empty(_) | Ast::Flags(_) | Ast::Assertion(_) => Some(vec![String::new()]),
        Ast::Literal(l) => Some(vec![l.c.to_string()]),
        Ast::Group(g) => literals(&g.ast),
        Ast::Concat(c) => seq_literals(&c.asts),
        Ast::Alternation(a) => {
            let mut out = Vec::new();
            for alt in &a.asts {
                out.extend(literals(alt)?);
            }
            (out.len() <= MAX_LITERALS).then(|| dedupe(out))
        }
        Ast::Repetition(r) => {
            let inner = literals(&r.ast)?;
            match &r.op.kind {
                RepetitionKind::ZeroOrOne => {
                    let mut v = vec![String::new()];
                    v.extend(inner);
                    Some(dedupe(v))
                }
                RepetitionKind::Range(RepetitionRange::Exactly(n))
                    if *n <= 4 && inner.len() == 1 =>
                {
                    Some(vec![inner[0].repeat(*n as usize)])
                }
                _ => None,
            }
        }
        Ast::ClassBracketed(c) => {
            if c.negated {
                return None;
            }
            let chars: Vec<String> = match &c.kind {
                ast::ClassSet::Item(ast::ClassSetItem::Literal(l)) => vec![l.c.to_string()],
                ast::ClassSet::Item(ast::ClassSetItem::Union(u)) => u
                    .items
                    .iter()
                    .map(|i| match i {
                        ast::ClassSetItem::Literal(l) => Some(l.c.to_string()),
                        _ => None,
                    })
                    .collect::<Option<_>>()?,
                _ => return None,
            };
            let chars = dedupe(chars);
            (chars.len() <= 3).then_some(chars)
        }
        _ => None,
    }
}

/// `.`, `.*`, `.+`, `\S*`, `\w+`: any text (for the purpose of reading).
fn is_anything(ast: &Ast) -> bool {
    match ast {
        Ast::Dot(_) => true,
        Ast::ClassPerl(p) => match p.kind {
            ClassPerlKind::Word => !p.negated,
            ClassPerlKind::Space => p.negated,
            ClassPerlKind::Digit => false,
        },
        Ast::Repetition(r) => is_anything(&r.ast),
        Ast::Group(g) => is_anything(&g.ast),
        _ => false,
    }
}

/// `\d`, `[0-9]`, and repetitions of them.
fn is_digits(ast: &Ast) -> bool {
    match ast {
        Ast::ClassPerl(p) => !p.negated && matches!(p.kind, ClassPerlKind::Digit),
        Ast::ClassBracketed(c) => {
            !c.negated
                && matches!(&c.kind, ast::ClassSet::Item(ast::ClassSetItem::Range(r))
                    if r.start.c == '0' && r.end.c == '9')
        }
        Ast::Repetition(r) => is_digits(&r.ast),
        Ast::Group(g) => is_digits(&g.ast),
        _ => false,
    }
}

/// How many digits a digit item always matches: `\d` 1, `\d{3}` 3;
/// `None` when the count varies (`\d+`, `\d{2,4}`).
fn fixed_digits(ast: &Ast) -> Option<usize> {
    match ast {
        Ast::Group(g) => fixed_digits(&g.ast),
        Ast::Repetition(r) => match &r.op.kind {
            RepetitionKind::Range(RepetitionRange::Exactly(n)) => {
                fixed_digits(&r.ast).map(|d| d * *n as usize)
            }
            _ => None,
        },
        _ => Some(1),
    }
}

/// A pattern of digits only: "any number", "a 2-digit number".
fn digits(ast: &Ast) -> Option<Phrase> {
    if !is_digits(ast) {
        if let Ast::Concat(c) = ast {
            if !c.asts.is_empty()
                && c.asts
                    .iter()
                    .all(|a| is_digits(a) && !matches!(a, Ast::Repetition(_)))
            {
                return Some(Phrase::Digits(c.asts.len() as u32));
            }
        }
        return None;
    }
    match ast {
        // An answer is never empty: `\d*` and `\d+` read alike, and
        // `\d?` is one digit.
        Ast::Repetition(r) => match &r.op.kind {
            RepetitionKind::Range(RepetitionRange::Exactly(n)) => Some(Phrase::Digits(*n)),
            RepetitionKind::Range(RepetitionRange::AtLeast(n)) if *n > 1 => {
                Some(Phrase::DigitsAtLeast(*n))
            }
            RepetitionKind::Range(RepetitionRange::Bounded(a, b)) if a == b => {
                Some(Phrase::Digits(*a))
            }
            RepetitionKind::Range(RepetitionRange::Bounded(a, b)) => {
                Some(Phrase::DigitsBetween((*a).max(1), *b))
            }
            RepetitionKind::ZeroOrOne => Some(Phrase::Digits(1)),
            _ => Some(Phrase::AnyNumber),
        },
        _ => Some(Phrase::Digits(1)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn en(p: &str) -> String {
        describe(p, Lang::En).unwrap_or_else(|| "NONE".into())
    }

    #[test]
    fn patterns_read_as_words() {
        assert_eq!(en("05|51"), "“05” or “51”");
        assert_eq!(
            en("0?5|51|do not hono(u)?r"),
            "“5”, “05”, “51”, “do not honor” or “do not honour”"
        );
        assert_eq!(en("5\\d"), "a 2-digit code starting with “5”");
        assert_eq!(en("5\\d{2}"), "a 3-digit code starting with “5”");
        assert_eq!(
            en("[ab]\\d"),
            "a 2-character code starting with “a” or a 2-character code starting with “b”"
        );
        assert_eq!(en("\\d{3,}"), "a number of 3 or more digits");
        assert_eq!(en("\\d{2,4}"), "a number of 2 to 4 digits");
        assert_eq!(en("\\d{1,}"), "any number");
        assert_eq!(en("5[0-9]+"), "a code starting with “5”");
        assert_eq!(en("e-?17"), "“e17” or “e-17”");
        assert_eq!(en("[eE]-?17"), "“e17” or “e-17”");
        assert_eq!(
            en("pick ?up.*"),
            "anything starting with “pickup” or anything starting with “pick up”"
        );
        assert_eq!(en(".*paper.*"), "anything containing “paper”");
        assert_eq!(en(".*jam"), "anything ending with “jam”");
        assert_eq!(en("\\d+"), "any number");
        assert_eq!(en("\\d{2}"), "a 2-digit number");
        assert_eq!(en("\\d\\d"), "a 2-digit number");
        assert_eq!(en(".*"), "any answer");
        assert_eq!(en("(?i)^(a0|99)$"), "“a0” or “99”");
        assert_eq!(en("[^abc]{3}x"), "NONE");
        assert_eq!(en("卡.*过期"), "“卡…过期”");
        assert_eq!(
            en("0?5|14|51|54|57|61|65|75|do not hono(u)?r|declined?"),
            "“5”, “05”, “14”, “51”, “54”, “57”, “61”, “65” or others"
        );
        assert_eq!(
            describe("5\\d|91", Lang::Zh).unwrap(),
            "2 位、以“5”开头的代码或“91”"
        );
        assert_eq!(describe("\\d{3,}", Lang::Zh).unwrap(), "3 位或更多位数字");
    }

    #[test]
    fn a_label_wins() {
        let r = Route::new("bt-2[0-9]", "x")
            .unwrap()
            .with_label(Some(crate::i18n::Text::new(
                "a BT-20 series code",
                "BT-20 系列代码",
            )));
        assert_eq!(route_words(&r, Lang::Zh), "BT-20 系列代码");
        let r = Route::new("bt-2[0-9]", "x").unwrap();
        assert_eq!(
            route_words(&r, Lang::En),
            "a 5-character code starting with “bt-2”"
        );
    }
}
