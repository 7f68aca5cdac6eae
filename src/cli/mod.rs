//! Command-line parsing and dispatch. Each subcommand lives in its own module; they share the
//! output helpers here. Exit codes: 0 success, 1 the command ran and refused or found problems,
//! 2 usage error or unreadable/invalid input.

use clap::{Parser, Subcommand, ValueEnum};
use std::io::Write;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering as AtomicOrdering};
use upgrade_planner::docs::{self, Exit, Failure};

mod diff;
mod extract;
mod graph;
mod inspect;
mod lint;
mod npm;
mod plan;
mod progress;
mod risks;
mod rollout;
mod shell;
mod targets;

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
pub(crate) struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Plan(plan::PlanArgs),
    Targets(targets::TargetsArgs),
    Lint(lint::LintArgs),
    Diff(diff::DiffArgs),
    Graph(graph::GraphArgs),
    Rollout(rollout::RolloutArgs),
    Npm(npm::NpmArgs),
    Inspect(inspect::InspectArgs),
    Extract(extract::ExtractArgs),
    Completions(shell::CompletionsArgs),
    Man(shell::ManArgs),
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
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return ExitCode::from(usage_error(e)),
    };
    let code = match cli.command {
        Command::Plan(args) => plan::run(args),
        Command::Targets(args) => targets::run(args),
        Command::Lint(args) => lint::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Graph(args) => graph::run(args),
        Command::Rollout(args) => rollout::run(args),
        Command::Npm(args) => npm::run(args),
        Command::Inspect(args) => inspect::run(args),
        Command::Extract(args) => extract::run(args),
        Command::Completions(args) => shell::completions(args),
        Command::Man(args) => shell::man(args),
    };
    if WRITE_FAILED.load(AtomicOrdering::Relaxed) {
        // The output is incomplete (disk full, I/O error): never let a script trust it.
        print_err("error: could not write the output to stdout; it is incomplete");
        return ExitCode::from(EXIT_INPUT);
    }
    ExitCode::from(code)
}

/// Reports a command-line usage error. With `--format json` anywhere on the command line, the
/// error is the usual JSON object on stdout (kind `usage`) so that scripts get a document; help
/// and version requests print as clap prints them. Exit 2 for errors.
fn usage_error(e: clap::Error) -> u8 {
    use clap::error::ErrorKind;
    if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        let _ = e.print();
        return EXIT_OK;
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    let json = args.windows(2).any(|w| {
        w.first().is_some_and(|a| a == "--format") && w.get(1).is_some_and(|v| v == "json")
    }) || args.iter().any(|a| a == "--format=json");
    if !json {
        let _ = e.print();
        return EXIT_INPUT;
    }
    let Some(schema) = usage_schema(&args) else {
        // The command has no JSON output (`graph`): its error is text like any other of its.
        let _ = e.print();
        return EXIT_INPUT;
    };
    let rendered = e.to_string();
    let message = rendered
        .split("\n\n")
        .next()
        .unwrap_or("invalid command line")
        .trim_start_matches("error: ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    // clap's tips ("a similar argument exists: '--format'", "to pass '-x' as a value, use
    // '-- -x'") stay with the error, as the text output shows them.
    let tips: Vec<&str> = rendered
        .lines()
        .filter_map(|l| l.trim().strip_prefix("tip: "))
        .collect();
    let details = (!tips.is_empty()).then(|| serde_json::json!({"hint": tips.join("; ")}));
    fail(
        Format::Json,
        &schema,
        "usage",
        &message,
        details,
        EXIT_INPUT,
    )
}

/// The schema of a usage error's JSON object: the schema of the command's own JSON document
/// (`inspect` → `upgrade-planner/package/v1`, `npm check` → `npm-check/v1`, ...), or
/// `upgrade-planner/usage/v1` when no known command was named. `None` for a command without JSON
/// output, whose usage errors stay text.
fn usage_schema(args: &[String]) -> Option<String> {
    // Words that are not flags nor the value of `--format`: the command, then its own words.
    let mut words = Vec::new();
    let mut skip_value = false;
    for a in args {
        if std::mem::take(&mut skip_value) {
            continue;
        }
        if a == "--format" {
            skip_value = true;
        } else if !a.starts_with('-') {
            words.push(a.as_str());
        }
    }
    let schema = match words.as_slice() {
        ["plan", ..] => upgrade_planner::planner::PLAN_SCHEMA,
        ["targets", ..] => upgrade_planner::targets::TARGETS_SCHEMA,
        ["lint", ..] => upgrade_planner::lint::LINT_SCHEMA,
        ["diff", ..] => upgrade_planner::diff::DIFF_SCHEMA,
        ["rollout", ..] => upgrade_planner::rollout::ROLLOUT_SCHEMA,
        ["npm", "check", ..] => upgrade_planner::npm::NPM_CHECK_SCHEMA,
        ["npm", ..] => upgrade_planner::npm::NPM_SCHEMA,
        ["inspect", ..] => upgrade_planner::rpm::PACKAGE_SCHEMA,
        ["extract", ..] => extract::EXTRACT_SCHEMA,
        ["graph", ..] => docs::graph::GRAPH_SCHEMA,
        ["completions" | "man", ..] => return None,
        _ => "upgrade-planner/usage/v1",
    };
    Some(schema.to_string())
}

/// Set when a write to stdout fails for any reason other than a closed pipe.
static WRITE_FAILED: AtomicBool = AtomicBool::new(false);

/// Writes to stdout. A closed pipe (`| head`) is not an error; any other write failure (a full
/// disk) is remembered and turns the exit code into 2 with a message, since the output is
/// incomplete.
pub fn print_out(text: &str) {
    let mut out = anstream::stdout().lock();
    let result = out.write_all(text.as_bytes()).and_then(|()| out.flush());
    if let Err(e) = result
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        WRITE_FAILED.store(true, AtomicOrdering::Relaxed);
    }
}

/// Streams a long text to stdout as `render` writes it, colours handled as in [`print_out`]: the
/// text goes out in 64 KiB chunks and is never held whole.
pub fn print_out_with(render: impl FnOnce(&mut dyn std::fmt::Write) -> std::fmt::Result) {
    struct Chunked<W: Write> {
        out: W,
        buf: String,
        failed: Option<std::io::Error>,
    }
    impl<W: Write> Chunked<W> {
        fn flush_buf(&mut self) -> std::fmt::Result {
            if let Err(e) = self.out.write_all(self.buf.as_bytes()) {
                self.failed = Some(e);
                return Err(std::fmt::Error);
            }
            self.buf.clear();
            Ok(())
        }
    }
    impl<W: Write> std::fmt::Write for Chunked<W> {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            self.buf.push_str(s);
            if self.buf.len() >= 64 * 1024 {
                self.flush_buf()?;
            }
            Ok(())
        }
    }
    let mut w = Chunked {
        out: anstream::stdout().lock(),
        buf: String::with_capacity(80 * 1024),
        failed: None,
    };
    let result = render(&mut w).and_then(|()| w.flush_buf());
    let flushed = w.out.flush();
    if let Some(e) = w.failed.or(flushed.err()) {
        note_write_failure(&e);
    } else if result.is_err() {
        // A renderer's own formatting error (not an I/O one): report it like a failed write.
        WRITE_FAILED.store(true, AtomicOrdering::Relaxed);
    }
}

/// Records a failed write to stdout made outside [`print_out`] (a streamed document): the command
/// then exits 2 whatever it found, as for [`print_out`].
pub fn note_write_failure(e: &std::io::Error) {
    if e.kind() != std::io::ErrorKind::BrokenPipe {
        WRITE_FAILED.store(true, AtomicOrdering::Relaxed);
    }
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
///
/// The document is serialised straight to stdout (buffered), never held whole in memory: a large
/// document costs its writing, not a second copy. JSON escapes every control character, so
/// nothing in it can drive a terminal.
pub fn print_json(value: &impl serde::Serialize) {
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock());
    let result = serde_json::to_writer_pretty(&mut out, value)
        .map_err(std::io::Error::from)
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush());
    if let Err(e) = result {
        note_write_failure(&e);
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
    let exit = match exit {
        EXIT_REFUSED => Exit::Refused,
        _ => Exit::Input,
    };
    report(format, &Failure::new(schema, kind, message, details, exit))
}

/// Reports a library [`Failure`]: its JSON document on stdout with JSON output; otherwise its
/// text (`error: message`, or what the failure says instead) on stderr. Returns the exit code.
pub fn report(format: Format, failure: &Failure) -> u8 {
    if format == Format::Json {
        print_json(&failure.document);
    } else if let Some(text) = &failure.text {
        print_err(text);
    } else {
        let s = upgrade_planner::render::style::ERROR;
        print_err(&format!("{s}error{s:#}: {}", failure.message));
    }
    failure.exit.code()
}

/// `--keyring` and `--require-signature`, shared by every command that reads packages.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct TrustArgs {
    /// OpenPGP public key file (ASCII-armored or binary, as shipped in /etc/pki/rpm-gpg/), or a
    /// directory of them, to verify package signatures with. Repeatable. An unreadable or
    /// malformed key file is a usage error (exit 2).
    #[arg(long, value_name = "PATH")]
    pub keyring: Vec<std::path::PathBuf>,
    /// Refuse (exit 1) a package whose signature status is not `verified` by a --keyring key.
    #[arg(long)]
    pub require_signature: bool,
}

impl TrustArgs {
    /// Whether either flag was given.
    pub fn given(&self) -> bool {
        !self.keyring.is_empty() || self.require_signature
    }

    /// [`TrustArgs::policy`] for a command where the flags apply only with `flag` (`--package
    /// PKG`, `--packages DIR`): given without it (`applies` false) they are a usage error.
    pub fn policy_with(
        &self,
        applies: bool,
        flag: &str,
        format: Format,
        schema: &str,
    ) -> Result<upgrade_planner::rpm::TrustPolicy, u8> {
        if !applies && self.given() {
            return Err(fail(
                format,
                schema,
                "usage",
                &format!("--keyring and --require-signature apply to {flag} only"),
                None,
                EXIT_INPUT,
            ));
        }
        self.policy(format, schema)
    }

    /// Loads the keyring. On failure, reports it (kind `invalid_keyring`, exit 2) and returns
    /// the exit code.
    pub fn policy(
        &self,
        format: Format,
        schema: &str,
    ) -> Result<upgrade_planner::rpm::TrustPolicy, u8> {
        docs::rpm::trust_policy(&self.keyring, self.require_signature, schema)
            .map_err(|f| report(format, &f))
    }
}
