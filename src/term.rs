//! Terminal concerns: whether a stream gets colour, and making text safe to
//! print.

use std::io::IsTerminal;

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
        Some(w) => {
            let opts = textwrap::Options::new(w)
                .initial_indent(indent)
                .subsequent_indent(indent);
            text.lines()
                .map(|l| textwrap::fill(l, &opts))
                .collect::<Vec<_>>()
                .join("\n")
        }
    }
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
}
