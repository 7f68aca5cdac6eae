//! Command-line parsing and dispatch. Each subcommand lives in its own module; they share the
//! output helpers here. Exit codes: 0 success, 1 the command ran and refused or found problems,
//! 2 usage error or unreadable/invalid input.

use clap::{Parser, Subcommand, ValueEnum};
use std::io::Write;
use std::process::ExitCode;

mod diff;
mod extract;
mod graph;
mod inspect;
mod lint;
mod npm;
mod plan;
mod rollout;

/// Plan safe upgrade routes, inspect packages, and order cluster rollouts.
#[derive(Debug, Parser)]
#[command(
    name = "upgrade-planner",
    version,
    about,
    long_about = None,
    after_help = "Exit codes: 0 success; 1 refused or problems found; 2 usage error or unreadable input.\n\
                  Colours follow NO_COLOR and are off when output is not a terminal."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Plan(plan::PlanArgs),
    Lint(lint::LintArgs),
    Diff(diff::DiffArgs),
    Graph(graph::GraphArgs),
    Rollout(rollout::RolloutArgs),
    Npm(npm::NpmArgs),
    Inspect(inspect::InspectArgs),
    Extract(extract::ExtractArgs),
}

/// Output formats shared by commands (each command accepts the subset it documents).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    /// Aligned text for people.
    #[default]
    Text,
    /// A versioned JSON document for programs.
    Json,
    /// A Markdown runbook.
    Markdown,
}

/// Exit code: success.
pub const EXIT_OK: u8 = 0;
/// Exit code: the command ran and refused, or found problems.
pub const EXIT_REFUSED: u8 = 1;
/// Exit code: usage error, unreadable or invalid input.
pub const EXIT_INPUT: u8 = 2;

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Plan(args) => plan::run(args),
        Command::Lint(args) => lint::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Graph(args) => graph::run(args),
        Command::Rollout(args) => rollout::run(args),
        Command::Npm(args) => npm::run(args),
        Command::Inspect(args) => inspect::run(args),
        Command::Extract(args) => extract::run(args),
    };
    ExitCode::from(code)
}

/// Writes to stdout; a closed pipe (`| head`) is not an error worth a panic.
pub fn print_out(text: &str) {
    let mut out = anstream::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

/// Writes one line to stderr.
pub fn print_err(text: &str) {
    let mut err = anstream::stderr().lock();
    let _ = err.write_all(text.as_bytes());
    if !text.ends_with('\n') {
        let _ = err.write_all(b"\n");
    }
}

/// Prints a JSON value on one line of stdout, followed by a newline... pretty-printed for people
/// who pipe it to a pager; programs parse either.
pub fn print_json(value: &impl serde::Serialize) {
    match serde_json::to_string_pretty(value) {
        Ok(s) => print_out(&(s + "\n")),
        Err(e) => print_err(&format!("error: cannot serialise the result: {e}")),
    }
}

/// Reports a failure: with JSON output, `{"schema": .., "error": {"kind", "message", ..details}}`
/// on stdout; otherwise `error: message` on stderr. Returns the exit code.
pub fn fail(
    format: Format,
    schema: &str,
    kind: &str,
    message: &str,
    details: Option<serde_json::Value>,
    exit: u8,
) -> u8 {
    if format == Format::Json {
        let mut error = serde_json::json!({"kind": kind, "message": message});
        if let (Some(obj), Some(serde_json::Value::Object(extra))) =
            (error.as_object_mut(), details)
        {
            for (k, v) in extra {
                obj.entry(k).or_insert(v);
            }
        }
        print_json(&serde_json::json!({"schema": schema, "error": error}));
    } else {
        let s = upgrade_planner::render::style::ERROR;
        print_err(&format!("{s}error{s:#}: {message}"));
    }
    exit
}
