//! `upgrade-planner diff`: what a change to the upgrade-dependency file does to users' routes.

use super::{EXIT_INPUT, EXIT_OK, EXIT_REFUSED, Format, fail, print_json, print_out};
use clap::{Args, ValueEnum};
use std::path::PathBuf;
use upgrade_planner::diff::{ChangeKind, DIFF_SCHEMA, diff_with_risks};
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
    upgrade-planner diff old.yml new.yml --format json --fail-on removed\n  \
    upgrade-planner diff deps.yml deps.yml --risks-old risks-before/ --risks-new risks/\n\n\
    With known risks (--risks for both files, or --risks-old/--risks-new), routes that became\n\
    or stopped being not recommended are reported (risks evaluated with no facts: a risk\n\
    applies unless a rule that needs no fact says otherwise); --fail-on removed counts routes\n\
    that became not recommended.\n\n\
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
    /// Known risks applied to both files (see docs/risks.md).
    #[arg(long, value_name = "PATH", conflicts_with_all = ["risks_old", "risks_new"])]
    risks: Option<PathBuf>,
    /// Known risks under OLD.
    #[arg(long, value_name = "PATH")]
    risks_old: Option<PathBuf>,
    /// Known risks under NEW.
    #[arg(long, value_name = "PATH")]
    risks_new: Option<PathBuf>,
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
    let mut risk_sets = Vec::new();
    for path in [
        args.risks.as_ref().or(args.risks_old.as_ref()),
        args.risks.as_ref().or(args.risks_new.as_ref()),
    ] {
        match path.map(|p| super::risks::load_path(p, format, DIFF_SCHEMA)) {
            Some(Ok(set)) => risk_sets.push(Some(set)),
            Some(Err(code)) => return code,
            None => risk_sets.push(None),
        }
    }
    let (old_risks, new_risks) = match risk_sets.as_slice() {
        [o, n] => (o.as_ref(), n.as_ref()),
        _ => (None, None),
    };
    let d = match diff_with_risks(
        old,
        new,
        &args.old.display().to_string(),
        &args.new.display().to_string(),
        old_risks,
        new_risks,
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
        Some(FailOn::Removed) => d.changes.iter().any(|c| {
            matches!(
                c.kind,
                ChangeKind::Removed
                    | ChangeKind::TargetDeprecated
                    | ChangeKind::BecameNotRecommended
            )
        }),
    };
    if matched { EXIT_REFUSED } else { EXIT_OK }
}
