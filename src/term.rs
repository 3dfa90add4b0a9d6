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
