//! `upgrade-planner diff`: what a change to the upgrade-dependency file does to users' routes.

use super::{EXIT_INPUT, EXIT_OK, EXIT_REFUSED, Format, fail, print_json, print_out};
use clap::{Args, ValueEnum};
use std::path::PathBuf;
use upgrade_planner::diff::{ChangeKind, DIFF_SCHEMA, diff};
use upgrade_planner::render;
use upgrade_planner::{DepGraph, VersionScheme};

/// Output formats of `diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// Summary lines, then one line per changed pair.
    Text,
    /// A versioned JSON document (`upgrade-planner/diff/v1`).
    Json,
}

/// Which changes make the command exit 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// A route that disappears (also when its target becomes deprecated).
    Removed,
    /// Any change to any route (added, removed, changed, rerouted, target deprecated).
    Changed,
}

/// Compare the upgrade plans of two versions of an upgrade-dependency file.
///
/// For every ordered pair of versions present in either file, plans the route under OLD and under
/// NEW (fewest hops) and reports routes added, removed, changed (hop count or binary stops),
/// rerouted (same hops and stops, other versions) and routes whose target became deprecated.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    git show origin/main:deps.yml > /tmp/base.yml && upgrade-planner diff /tmp/base.yml deps.yml\n  \
    upgrade-planner diff old.yml new.yml --format json --fail-on removed\n\n\
    Exit codes: 0 compared (and nothing matched --fail-on); 1 a change matched --fail-on;\n\
    2 usage error, or a file unreadable or invalid (invalid_document) or too large (too_large).")]
pub struct DiffArgs {
    /// The file before the change.
    #[arg(value_name = "OLD")]
    old: PathBuf,
    /// The file after the change.
    #[arg(value_name = "NEW")]
    new: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    format: DiffFormat,
    /// Exit 1 when a change of this kind is found.
    #[arg(long, value_enum, value_name = "removed|changed")]
    fail_on: Option<FailOn>,
    /// Version scheme of both files (default: detected per file).
    #[arg(long, value_name = "oceanbase|semver")]
    scheme: Option<VersionScheme>,
}

pub fn run(args: DiffArgs) -> u8 {
    let format = match args.format {
        DiffFormat::Text => Format::Text,
        DiffFormat::Json => Format::Json,
    };
    let mut graphs = Vec::new();
    for path in [&args.old, &args.new] {
        match DepGraph::from_path(path, args.scheme) {
            Ok(g) => graphs.push(g),
            Err(e) => return super::load_failure(format, DIFF_SCHEMA, &e),
        }
    }
    let [old, new] = graphs.as_slice() else {
        return EXIT_INPUT;
    };
    let d = match diff(
        old,
        new,
        &args.old.display().to_string(),
        &args.new.display().to_string(),
    ) {
        Ok(d) => d,
        Err(e) => {
            return fail(
                format,
                DIFF_SCHEMA,
                "too_large",
                &e.to_string(),
                None,
                EXIT_INPUT,
            );
        }
    };
    match args.format {
        DiffFormat::Text => print_out(&render::diff::to_text(&d)),
        DiffFormat::Json => print_json(&d),
    }
    let matched = match args.fail_on {
        None => false,
        Some(FailOn::Changed) => !d.is_empty(),
        Some(FailOn::Removed) => d
            .changes
            .iter()
            .any(|c| matches!(c.kind, ChangeKind::Removed | ChangeKind::TargetDeprecated)),
    };
    if matched { EXIT_REFUSED } else { EXIT_OK }
}
