//! Terminal concerns: whether a stream gets colour, and making text safe to
//! print.

use std::io::IsTerminal;

use unicode_width::UnicodeWidthStr;

/// `--color`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour only on a terminal, and not when NO_COLOR is set
    Auto,
    Always,
    Never,
}

/// Which stream a piece of output goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

impl Stream {
    pub fn is_terminal(self) -> bool {
        match self {
            Stream::Stdout => std::io::stdout().is_terminal(),
            Stream::Stderr => std::io::stderr().is_terminal(),
        }
    }
}

/// Decides colour for one stream. An explicit `--color` wins over NO_COLOR.
pub fn wants_color(choice: ColorChoice, stream: Stream) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && stream.is_terminal()
        }
    }
}

/// Sets `colored`'s global switch for output about to go to `stream`.
/// `colored` only looks at stdout by itself, so every writer calls this.
pub fn use_color_for(choice: ColorChoice, stream: Stream) -> bool {
    let on = wants_color(choice, stream);
    colored::control::set_override(on);
    on
}

/// The width to wrap text shown on `stream`: the terminal's width there, or
/// `None` when it is not a terminal (pipes and files get unwrapped lines).
pub fn width_for(stream: Stream) -> Option<usize> {
    stream
        .is_terminal()
        .then(|| textwrap::termwidth().clamp(20, 120))
}

/// Wraps `text` to `width` display columns (CJK characters count two),
/// keeping its own line breaks; unchanged when `width` is `None`.
pub fn wrap(text: &str, width: Option<usize>, indent: &str) -> String {
    match width {
        None => text
            .lines()
            .map(|l| format!("{indent}{l}"))
            .collect::<Vec<_>>()
            .join("\n"),
        Some(w) => fit(text, w, indent, indent),
    }
}

/// The one wrapper for everything shown on a screen: prompts, choices,
/// headers, hints and body text. Lines break between words, or between
/// Chinese characters but never before full-width closing punctuation
/// (Unicode line breaking: no "？" or "，" starts a line); a word longer
/// than a line is split rather than left to overflow. `first` starts the
/// first line of each paragraph, `rest` the lines after it; no line is
/// wider than `width` columns (at least one character fits).
pub fn fit(text: &str, width: usize, first: &str, rest: &str) -> String {
    let opts = textwrap::Options::new(width.max(first.width().max(rest.width()) + 2))
        .initial_indent(first)
        .subsequent_indent(rest)
        // "mail-in" and "Wi-Fi" stay whole; only a word longer than the
        // line is split.
        .word_splitter(textwrap::WordSplitter::NoHyphenation)
        .break_words(true);
    text.lines()
        .map(|l| {
            textwrap::wrap(l, &opts)
                .iter()
                .map(|line| line.trim_end().to_owned())
                .collect::<Vec<_>>()
                .join("\n")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Rows text takes on a screen `width` columns wide (after [`fit`], each
/// line is one row; a longer one would wrap).
pub fn rows(text: &str, width: usize) -> usize {
    text.lines()
        .map(|l| l.width().max(1).div_ceil(width.max(1)))
        .sum::<usize>()
        .max(1)
}

/// A notice on stderr, wrapped to the screen when stderr is one (between
/// words, never mid-word), unwrapped when it goes to a file or a pipe.
pub fn say(text: &str) {
    let width = Stream::Stderr
        .is_terminal()
        .then(screen_size)
        .flatten()
        .map(|(w, _)| w.clamp(20, 120));
    eprintln!("{}", wrap(text, width, ""));
}

/// The size of the terminal on standard error (where prompts are drawn):
/// (columns, rows), or None off a terminal.
pub fn screen_size() -> Option<(usize, usize)> {
    let (w, h) = terminal_size::terminal_size_of(std::io::stderr())?;
    Some((usize::from(w.0).max(1), usize::from(h.0).max(1)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_width::UnicodeWidthStr;

    #[test]
    fn wrap_counts_display_columns() {
        let zh = "终端已恢复供电。如果是在交易中途关机的，请先查看最后一笔交易（重打最后一张小票），再决定是否重新刷卡。";
        for line in wrap(zh, Some(20), "").lines() {
            assert!(line.width() <= 20, "{line}");
        }
        let en = "Keep selling first: take cash or a QR payment.";
        assert!(wrap(en, Some(20), "  ")
            .lines()
            .all(|l| l.width() <= 20 && l.starts_with("  ")));
        assert_eq!(wrap(en, None, ""), en);
    }

    #[test]
    fn no_line_starts_with_closing_punctuation_or_splits_a_word() {
        let zh = "电池是否鼓包或发烫，是否有焦糊味，或者终端是否进过液体？";
        let en = "Is the battery swollen or hot, is there a burning smell, or has liquid got into the terminal? Ask for a mail-in repair over Wi-Fi.";
        for w in 8..60 {
            for line in fit(zh, w, "", "  ").lines() {
                assert!(line.width() <= w.max(4), "{w}: {line}");
                let start = line.trim_start().chars().next().unwrap();
                assert!(!"，。？！、：；）」』”".contains(start), "{w}: {line}");
            }
            let words: Vec<&str> = en.split(' ').collect();
            for line in fit(en, w.max(12), "? ", "  ").lines() {
                for word in line[2..].split(' ').filter(|x| !x.is_empty()) {
                    assert!(words.contains(&word), "{w}: `{word}` split in {line:?}");
                }
            }
        }
        assert_eq!(rows("abcdef\nab", 4), 3);
    }
}
