//! `upgrade-planner npm FILE` and `upgrade-planner npm check --installed A --package B`.

use super::{
    EXIT_INPUT, EXIT_OK, EXIT_REFUSED, Format, fail, print_err, print_json, print_out,
    print_out_with,
};
use clap::{Args, Subcommand, ValueEnum};
use std::io::Read;
use std::path::{Path, PathBuf};
use upgrade_planner::limits::MAX_NPM_BYTES;
use upgrade_planner::npm::{
    self, Document, ErrorKind, NPM_CHECK_SCHEMA, NPM_SCHEMA, NpmError, Package,
};
use upgrade_planner::render;

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

/// Reads at most one byte more than the limit, so the library can name the limit.
fn read_input(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    std::fs::File::open(path)?
        .take(MAX_NPM_BYTES as u64 + 1)
        .read_to_end(&mut buf)?;
    Ok(buf)
}

fn exit_for(e: &NpmError) -> u8 {
    if e.kind == ErrorKind::TooLarge {
        EXIT_INPUT
    } else {
        EXIT_REFUSED
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

fn unreadable(format: NpmFormat, schema: &str, path: &Path, e: &std::io::Error) -> u8 {
    fail(
        format.shared(),
        schema,
        "unreadable",
        &format!("cannot read {}: {e}", path.display()),
        Some(serde_json::json!({"file": path.display().to_string()})),
        EXIT_INPUT,
    )
}

fn run_show(path: &Path, format: NpmFormat) -> u8 {
    let name = path.display().to_string();
    let bytes = match read_input(path) {
        Ok(b) => b,
        Err(e) => return unreadable(format, NPM_SCHEMA, path, &e),
    };
    let src = String::from_utf8_lossy(&bytes);
    match npm::read_document(&bytes) {
        Ok(Document::Package(p)) => {
            match format {
                NpmFormat::Json => print_json(&render::npm::package_to_json(&name, &p)),
                NpmFormat::Text => {
                    print_out_with(|w| render::npm::write_package_text(w, &name, &src, &p))
                }
            }
            EXIT_OK
        }
        Ok(Document::Request(r)) => {
            match format {
                NpmFormat::Json => print_json(&render::npm::request_to_json(&name, &r)),
                NpmFormat::Text => print_out(&render::npm::request_to_text(&name, &src, &r)),
            }
            EXIT_OK
        }
        Err(e) => {
            match format {
                NpmFormat::Json => print_json(&render::npm::error_to_json(&name, &e)),
                NpmFormat::Text => print_err(&render::npm::error_to_text(&name, &src, &e)),
            }
            exit_for(&e)
        }
    }
}

/// Reads and validates one side of a check; on failure reports it and returns the exit code.
fn load_side(path: &Path, role: &str, format: NpmFormat) -> Result<Package, u8> {
    let name = path.display().to_string();
    let bytes = read_input(path).map_err(|e| unreadable(format, NPM_CHECK_SCHEMA, path, &e))?;
    npm::read(&bytes).map_err(|e| {
        match format {
            NpmFormat::Json => {
                let mut error = render::npm::error_json(&e);
                if let Some(obj) = error.as_object_mut() {
                    obj.insert("file".into(), name.clone().into());
                    obj.insert("role".into(), role.into());
                }
                print_json(&serde_json::json!({"schema": NPM_CHECK_SCHEMA, "error": error}));
            }
            NpmFormat::Text => {
                print_err(&format!("error: the {role} metadata is invalid"));
                print_err(&render::npm::error_to_text(
                    &name,
                    &String::from_utf8_lossy(&bytes),
                    &e,
                ));
            }
        }
        EXIT_INPUT
    })
}

fn run_check(args: CheckArgs) -> u8 {
    let a = match load_side(&args.installed, "installed", args.format) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let b = match load_side(&args.package, "package", args.format) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let report = npm::check(&a, &b);
    let (an, bn) = (
        args.installed.display().to_string(),
        args.package.display().to_string(),
    );
    match args.format {
        NpmFormat::Json => print_json(&render::npm::check_to_json((&an, &a), (&bn, &b), &report)),
        NpmFormat::Text => print_out(&render::npm::check_to_text((&an, &a), (&bn, &b), &report)),
    }
    if report.acceptable() {
        EXIT_OK
    } else {
        EXIT_REFUSED
    }
}
