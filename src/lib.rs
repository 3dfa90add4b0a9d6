//! posdoctor: guided troubleshooting for card-payment terminals.
//!
//! Everything except `main` lives here so that tests and benchmarks can call
//! it directly. The shape (see `docs/architecture` in engineering.md):
//! `rules` loads and validates YAML trees, `engine` walks one tree as a pure
//! value, `ui` drives the engine from a person or a script, `session` keeps the
//! log, and `cli` wires it all to the command line.

// Findings (`diag::Diagnostic`) travel in `Err` only on the cold path of a
// broken file; boxing them would buy nothing measurable.
#![allow(clippy::result_large_err)]

pub mod answers;
pub mod builtin;
pub mod cli;
pub mod commands;
pub mod diag;
pub mod engine;
#[doc(hidden)]
pub mod fuzz;
#[doc(hidden)]
pub mod gen;
pub mod i18n;
pub mod input;
pub mod localtime;
pub mod paths;
pub mod privacy;
pub mod probe;
pub mod probe_target;
pub mod profile;
pub mod render;
pub mod report;
pub mod rules;
pub mod run;
pub mod sanitize;
pub mod scenario;
pub mod search;
pub mod session;
pub mod term;
pub mod ui;
pub mod values;
