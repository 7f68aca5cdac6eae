//! `upgrade-planner diff`: what a change to the upgrade-dependency file does to users' routes.

use super::{Format, print_json, print_out, progress, report};
use clap::{Args, ValueEnum};
use std::path::PathBuf;
use upgrade_planner::diff::DIFF_SCHEMA;
use upgrade_planner::docs::lint::FailOn;
use upgrade_planner::docs::{self, Failure, Source};
use upgrade_planner::{VersionScheme, render};

/// Output formats of `diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// Summary lines, then one line per changed pair.
    Text,
    /// A versioned JSON document (`upgrade-planner/diff/v1`).
    Json,
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
    if args.old.as_os_str() == "-" && args.new.as_os_str() == "-" {
        let message = "OLD and NEW are both `-`: standard input can be read only once; give one \
                       of them as a file";
        return report(format, &Failure::usage(DIFF_SCHEMA, message));
    }
    let old = Source::Path(args.old.clone());
    let new = Source::Path(args.new.clone());
    let large =
        progress::file_size(&args.old) + progress::file_size(&args.new) >= progress::DIFF_THRESHOLD;
    // No spinner for small files (or JSON): the answer comes at once.
    let bar = progress::Bar::spinner(
        "comparing the routes of every pair of versions",
        format == Format::Json || !large,
    );
    let risks = |side: &Option<PathBuf>| args.risks.as_ref().or(side.as_ref()).cloned();
    let (old_risks, new_risks) = (
        risks(&args.risks_old).map(Source::Path),
        risks(&args.risks_new).map(Source::Path),
    );
    let d = docs::lint::diff_with_risks(
        &old,
        &new,
        args.scheme,
        old_risks.as_ref(),
        new_risks.as_ref(),
    );
    bar.finish();
    let d = match d {
        Ok(d) => d,
        Err(f) => return report(format, &f),
    };
    match args.format {
        DiffFormat::Text => print_out(&render::diff::to_text(&d)),
        DiffFormat::Json => print_json(&d),
    }
    docs::lint::diff_exit(&d, args.fail_on).code()
}
