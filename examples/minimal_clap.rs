//! The floor posdoctor's start-up is measured against: a binary that only
//! parses a command line with clap (derive) and prints its version, built
//! with the same profile. `scripts/bench-startup` times it beside posdoctor.

use clap::Parser;

/// A command line parsed, nothing else.
#[derive(Parser)]
#[command(version)]
struct Cli {
    /// An argument, so that clap has something to parse.
    #[arg(long)]
    name: Option<String>,
}

fn main() {
    let cli = Cli::parse();
    if let Some(n) = cli.name {
        println!("{n}");
    }
}
