//! Nothing from input can drive the terminal: the one place that decides
//! which characters of outside data (rule files, pack file and folder
//! names, session logs, the profile, answers files, arguments) may reach
//! an output, per format.
//!
//! Dangerous are C0 control characters (newline and tab are allowed where
//! text allows them), DEL, C1 control characters (U+0080–U+009F, among
//! them the 8-bit CSI and OSC), whole escape sequences (`ESC [ … m`, OSC 0
//! window titles, OSC 52 clipboard writes, DCS/APC/PM/SOS strings), and
//! bidirectional overrides, embeddings, isolates and marks, which make text
//! read differently than it is (“Trojan Source”).
//!
//! Two treatments: [`strip`] removes them (rule prose, where a hostile
//! byte has nothing to say), and [`visible`] shows each one as `\u{1b}`
//! (identifiers, file names, echoed input, where a person needs to see
//! what is there). The writers then pass every finished text through
//! [`terminal`] and every JSON text through [`json`], so a string that
//! escaped both is still neutralised at the last moment. Markdown, HTML,
//! DOT and Mermaid get their own escaping on top ([`markdown`] here; the
//! HTML template engine escapes; the graph renderer quotes).

use std::borrow::Cow;
use std::fmt::Write as _;

/// True for a bidirectional formatting character (overrides, embeddings,
/// isolates, and the invisible direction marks).
pub fn is_bidi(c: char) -> bool {
    matches!(
        c,
        '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
    )
}

/// True for a character no output may carry raw: C0 (tab and newline
/// included: callers decide where they are allowed), DEL, C1, bidi
/// controls, and the Unicode line and paragraph separators.
pub fn is_dangerous(c: char) -> bool {
    c.is_control() || is_bidi(c) || matches!(c, '\u{2028}' | '\u{2029}')
}

/// True when `s` holds anything [`strip`] would remove (newline and tab
/// aside).
pub fn has_controls(s: &str) -> bool {
    s.chars().any(|c| c != '\n' && c != '\t' && is_dangerous(c))
}

/// True when `s` holds any bidirectional formatting character.
pub fn has_bidi(s: &str) -> bool {
    s.chars().any(is_bidi)
}

/// Skips the rest of an escape sequence whose introducer was just read.
/// `kind` is the character after ESC (or the C1 equivalent).
fn skip_sequence(kind: char, chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    match kind {
        // CSI: parameter and intermediate bytes, then one final byte.
        '[' | '\u{9b}' => {
            while let Some(&n) = chars.peek() {
                if ('\u{40}'..='\u{7e}').contains(&n) {
                    chars.next();
                    break;
                }
                if !('\u{20}'..='\u{3f}').contains(&n) {
                    break;
                }
                chars.next();
            }
        }
        // OSC, DCS, SOS, PM, APC: a string ended by BEL or ST (ESC \ or U+9C).
        ']' | 'P' | 'X' | '^' | '_' | '\u{9d}' | '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}' => {
            while let Some(n) = chars.next() {
                match n {
                    '\u{7}' | '\u{9c}' => break,
                    '\u{1b}' => {
                        if chars.peek() == Some(&'\\') {
                            chars.next();
                        }
                        break;
                    }
                    _ => {}
                }
            }
        }
        // Two-character sequences (ESC c, ESC 7, …): the one character.
        _ => {}
    }
}

/// Removes control characters, whole escape sequences and bidi controls;
/// keeps newlines and tabs. For rule prose and free text.
pub fn strip(s: &str) -> String {
    if !has_controls(s) {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => {
                if let Some(kind) = chars.next() {
                    skip_sequence(kind, &mut chars);
                }
            }
            '\u{9b}' | '\u{9d}' | '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}' => {
                skip_sequence(c, &mut chars)
            }
            '\n' | '\t' => out.push(c),
            c if is_dangerous(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// Shows every dangerous character as `\u{1b}`, keeping newlines and tabs
/// when `multiline`. For ids, file names and echoed input.
pub fn visible_with(s: &str, multiline: bool) -> Cow<'_, str> {
    let bad = |c: char| is_dangerous(c) && !(multiline && (c == '\n' || c == '\t'));
    if !s.chars().any(bad) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if bad(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// [`visible_with`] for one line: newlines and tabs are shown too.
pub fn visible(s: &str) -> Cow<'_, str> {
    visible_with(s, false)
}

/// The last pass over a finished text before it is written to a terminal,
/// a pipe or a file: every escape sequence is shown visibly except, when
/// `keep_sgr`, the colour and style codes (`ESC [ … m`) posdoctor itself
/// adds; other controls and bidi characters are shown visibly too.
/// Newlines and tabs stay; a carriage return is shown too (one in a file
/// name would return to the start of the line and overwrite the message).
pub fn terminal(s: &str, keep_sgr: bool) -> Cow<'_, str> {
    let allowed = |c: char| matches!(c, '\n' | '\t');
    // Every character this escapes is an ASCII control or DEL, or is
    // encoded as C2 80–9F (C1 controls), D8 9C (the Arabic letter mark) or
    // E2 80/81 xx (the other bidi marks, the line and paragraph
    // separators): a byte scan clears most text (a whole HTML checklist)
    // without decoding it; a hit is checked character by character.
    let b = s.as_bytes();
    let suspect = |i: usize| {
        let at = |k: usize| b.get(i + k).copied().unwrap_or(0);
        match b[i] {
            c if c < 0x20 => !matches!(c, b'\n' | b'\t'),
            0x7f => true,
            0xc2 => (0x80..=0x9f).contains(&at(1)),
            0xd8 => at(1) == 0x9c,
            // U+200E/F, U+2028–202E; U+2066–2069.
            0xe2 => match at(1) {
                0x80 => matches!(at(2), 0x8e | 0x8f | 0xa8..=0xae),
                0x81 => (0xa6..=0xa9).contains(&at(2)),
                _ => false,
            },
            _ => false,
        }
    };
    if !(0..b.len()).any(suspect) || !s.chars().any(|c| is_dangerous(c) && !allowed(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if c == '\u{1b}' && keep_sgr {
            if let Some(len) = sgr_len(rest) {
                out.push_str(&rest[..len]);
                rest = &rest[len..];
                continue;
            }
        }
        if is_dangerous(c) && !allowed(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    Cow::Owned(out)
}

/// The length of an SGR sequence (`ESC [ digits;… m`) at the start of `s`.
fn sgr_len(s: &str) -> Option<usize> {
    let body = s.strip_prefix("\u{1b}[")?;
    let params = body
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b';')
        .count();
    (body.as_bytes().get(params) == Some(&b'm')).then_some(2 + params + 1)
}

/// A finished JSON text with every C1 control, DEL, bidi control and line
/// or paragraph separator written as `\uXXXX` (serde_json escapes only C0).
/// Such characters occur only inside JSON strings, where the escape means
/// the same character.
pub fn json(s: &str) -> Cow<'_, str> {
    let bad = |c: char| u32::from(c) >= 0x7f && is_dangerous(c);
    if !s.chars().any(bad) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if bad(c) {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Text for a Markdown document: one line, controls removed, HTML and
/// Markdown syntax escaped, so a rule, a profile or a typed answer cannot
/// add a tag, an image, a link or a table cell (`[` and `]` escaped leave
/// `![…](…)` and `[…](…)` plain text).
pub fn markdown(s: &str) -> String {
    let clean = strip(s);
    let mut out = String::with_capacity(clean.len() + 8);
    for ch in clean.chars() {
        match ch {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' | '\t' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '|' => {
                out.push('\\');
                out.push(ch);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str = "a\u{1b}[31mred\u{1b}[0m \u{1b}]52;c;aGk=\u{7}\u{1b}]0;pwned\u{1b}\\\u{9b}2J\u{9d}0;t\u{9c}\u{85}\u{7f}\u{202e}evil\u{2066}x\u{0}z";

    #[test]
    fn strip_removes_sequences_and_controls() {
        assert_eq!(strip("a\u{1b}[31mred\u{1b}[0m b"), "ared b");
        assert_eq!(strip("x\u{1b}]0;title\u{7}y"), "xy");
        assert_eq!(strip("tab\tnl\n\u{7}\u{202e}evil"), "tab\tnl\nevil");
        assert_eq!(strip("中文"), "中文");
        assert_eq!(strip(HOSTILE), "ared evilxz");
        assert_eq!(strip("\u{1b}"), "");
        assert_eq!(strip("\u{1b}]unterminated"), "");
    }

    #[test]
    fn visible_shows_each_control() {
        assert_eq!(visible("a\u{1b}[1m\nb"), "a\\u{1b}[1m\\u{a}b");
        assert_eq!(visible_with("a\nb\u{202e}", true), "a\nb\\u{202e}");
        assert!(matches!(visible("plain 中文"), Cow::Borrowed(_)));
    }

    #[test]
    fn terminal_keeps_only_own_colour() {
        let coloured = "\u{1b}[1;31merror:\u{1b}[0m x";
        assert_eq!(terminal(coloured, true), coloured);
        assert_eq!(terminal(coloured, false), "\\u{1b}[1;31merror:\\u{1b}[0m x");
        let out = terminal(HOSTILE, true);
        assert!(!out.chars().any(|c| is_dangerous(c) && c != '\u{1b}'));
        // The only ESC left starts an SGR sequence.
        assert_eq!(out.matches('\u{1b}').count(), 2, "{out}");
        assert!(!out.contains("\u{1b}]"));
    }

    #[test]
    fn json_escapes_c1_and_bidi() {
        let v = serde_json::to_string(&HOSTILE).unwrap();
        let out = json(&v);
        assert!(!out.chars().any(is_dangerous), "{out}");
        let back: String = serde_json::from_str(&out).unwrap();
        assert_eq!(back, HOSTILE);
    }

    #[test]
    fn markdown_escapes_html_and_images() {
        assert_eq!(
            markdown("<script>x</script> ![](http://e/x.png) a|b"),
            "&lt;script&gt;x&lt;/script&gt; !\\[\\](http://e/x.png) a\\|b"
        );
        assert_eq!(markdown("line\none"), "line one");
    }
}

#[cfg(test)]
mod fast_path_tests {
    use super::*;

    /// The byte scan lets nothing through that the character scan would
    /// escape: every dangerous character below U+30000 is caught.
    #[test]
    fn the_byte_scan_misses_no_dangerous_character() {
        for c in (0..0x30000u32).filter_map(char::from_u32) {
            let s = format!("a{c}b");
            let dangerous = is_dangerous(c) && !matches!(c, '\n' | '\t');
            assert_eq!(
                matches!(terminal(&s, false), Cow::Owned(_)),
                dangerous,
                "U+{:04X}",
                u32::from(c)
            );
        }
    }
}
