//! `upgrade-planner npm FILE` and `upgrade-planner npm check --installed A --package B`.

use super::{EXIT_INPUT, EXIT_OK, Format, print_json, print_out, print_out_with, report};
use clap::{Args, Subcommand, ValueEnum};
use std::path::{Path, PathBuf};
use upgrade_planner::docs::{self, Source};

/// Read NetApp NPM package metadata (text dump or ZAPI XML), or check an upgrade with it.
///
/// `npm FILE` prints the items in file order with their split values, the typed view
/// (package type, build date, CPU architecture, ONTAP release and build stamp, file system and
/// NVLOG versions, diagnostics and firmware versions) and findings. The form (text or XML) is
/// detected from the content. `npm check` says whether a package is an acceptable upgrade for
/// the system whose metadata is given.
///
/// A FILE literally named `check` must be written `./check`.
#[derive(Debug, Args)]
#[command(
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true,
    after_help = "Examples:\n  \
    upgrade-planner npm NPM_METADATA.txt\n  \
    upgrade-planner npm extract-metadata-response.xml --format json\n  \
    upgrade-planner npm check --installed system.txt --package 8.1.2-package.txt\n\n\
    Exit codes (npm FILE): 0 valid metadata (or a valid request); 1 invalid metadata (ENPMERXMETA,\n\
    ENPMNOMETA, a server error, ...); 2 unreadable input (missing file, larger than the limit).\n\
    Errors carry NetApp's names and numbers: ENPMERXMETA 13603 (with a kind), ENPMNOMETA 13602,\n\
    ENPMINVPLOC 13600, EAPIMISSINGARGUMENT 13006."
)]
pub struct NpmArgs {
    #[command(subcommand)]
    command: Option<NpmCommand>,
    /// The metadata file: the text dump (NAME=VALUE per line) or a ZAPI XML response/request.
    #[arg(value_name = "FILE", required = true)]
    file: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = NpmFormat::Text)]
    format: NpmFormat,
}

#[derive(Debug, Subcommand)]
enum NpmCommand {
    Check(CheckArgs),
}

/// Is the package B an acceptable upgrade for the system whose metadata is A?
///
/// Checks: both are DataOntap metadata; the system's CPU_ARCH is among the package's; the same
/// mode (7-Mode vs Cluster-Mode is a transition); the package release is newer (otherwise it says
/// same release or revert); FILESYS_VER or NVLOG_VER going down is a revert that needs NetApp's
/// revert procedure.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    upgrade-planner npm check --installed system.txt --package package.txt\n  \
    upgrade-planner npm check --installed system.xml --package package.txt --format json\n\n\
    Exit codes: 0 acceptable upgrade; 1 not acceptable (revert, same release, incompatible,\n\
    unordered); 2 unreadable input or invalid metadata in either file.")]
pub struct CheckArgs {
    /// Metadata of the installed system (text or XML).
    #[arg(long, value_name = "A")]
    installed: PathBuf,
    /// Metadata of the package to install (text or XML).
    #[arg(long, value_name = "B")]
    package: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = NpmFormat::Text)]
    format: NpmFormat,
}

/// Output formats of `npm`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NpmFormat {
    /// Aligned text for people.
    Text,
    /// A versioned JSON document for programs.
    Json,
}

impl NpmFormat {
    fn shared(self) -> Format {
        match self {
            NpmFormat::Text => Format::Text,
            NpmFormat::Json => Format::Json,
        }
    }
}

pub fn run(args: NpmArgs) -> u8 {
    match (args.command, args.file) {
        (Some(NpmCommand::Check(c)), _) => run_check(c),
        (None, Some(file)) => run_show(&file, args.format),
        // clap requires FILE when there is no subcommand.
        (None, None) => EXIT_INPUT,
    }
}

fn run_show(path: &Path, format: NpmFormat) -> u8 {
    match docs::npm::npm(&Source::Path(path.to_path_buf())) {
        Ok(answer) => {
            match format {
                NpmFormat::Json => print_json(&answer),
                // Streamed: the item table of a large input is never held whole.
                NpmFormat::Text => print_out_with(|w| answer.write_text(w)),
            }
            EXIT_OK
        }
        Err(f) => report(format.shared(), &f),
    }
}

fn run_check(args: CheckArgs) -> u8 {
    let installed = Source::Path(args.installed.clone());
    let package = Source::Path(args.package.clone());
    match docs::npm::npm_check(&installed, &package) {
        Ok(answer) => {
            match args.format {
                NpmFormat::Json => print_json(&answer),
                NpmFormat::Text => print_out(&answer.to_text()),
            }
            answer.exit().code()
        }
        Err(f) => report(args.format.shared(), &f),
    }
}
