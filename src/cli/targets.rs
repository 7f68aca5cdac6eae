//! `upgrade-planner targets`: every version an installed version can be upgraded to.

use super::{EXIT_OK, Format, print_json, print_out, report};
use clap::{Args, ValueEnum};
use std::path::PathBuf;
use upgrade_planner::docs::{self, Source};
use upgrade_planner::{Objective, VersionScheme, render};

/// Output formats of `targets`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TargetsFormat {
    /// A short table: "You can upgrade to:".
    Text,
    /// A versioned JSON document (`upgrade-planner/targets/v1`).
    Json,
}

/// List every version an installed version can be upgraded to.
///
/// Every version the start reaches that may be a target (not deprecated, not the start), newest
/// first, each with the hops, binary stops and deprecated transits of its best route (the route
/// `plan` gives for it with the same objective). The text marks the newest and the versions
/// reachable with no binary stop.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    upgrade-planner targets --deps data/seed-oceanbase-ce-4.2.1.1.yml --from 4.1.0.0\n  \
    upgrade-planner targets --deps deps.yml --from 4.1.0.0-100000192023032010.el7 --format json\n  \
    upgrade-planner targets --deps deps.yml --from 4.2.1.0 --risks risks/ --include-not-recommended\n\n\
    Exit codes: 0 listed (also when nothing can be reached); 1 unknown_start;\n\
    2 usage, invalid_document, search_limit; with --risks also invalid_risks, unknown_risk,\n\
    invalid_facts.")]
pub struct TargetsArgs {
    /// The upgrade-dependency YAML file (oceanbase_upgrade_dep.yml format).
    #[arg(long, value_name = "FILE")]
    deps: PathBuf,
    /// The installed version: V, V-BUILD, or an RPM release such as V-BUILD.el7 (resolved as by
    /// `plan --from`).
    #[arg(long, value_name = "VERSION")]
    from: String,
    /// What to minimise first on each route.
    #[arg(long, value_enum, default_value_t = Objective::Hops)]
    objective: Objective,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TargetsFormat::Text)]
    format: TargetsFormat,
    /// Version scheme of the file (default: detected).
    #[arg(long, value_name = "oceanbase|semver")]
    scheme: Option<VersionScheme>,
    #[command(flatten)]
    risk: super::risks::RiskArgs,
    /// Facts about the cluster for the risks' Fact rules (a YAML or JSON mapping).
    #[arg(long, value_name = "FILE", requires = "risks")]
    facts: Option<PathBuf>,
    /// Also list the versions only not-recommended routes reach, with their risks (as
    /// `oc adm upgrade --include-not-recommended`).
    #[arg(long, requires = "risks")]
    include_not_recommended: bool,
}

pub fn run(args: TargetsArgs) -> u8 {
    let format = match args.format {
        TargetsFormat::Text => Format::Text,
        TargetsFormat::Json => Format::Json,
    };
    let deps = Source::Path(args.deps.clone());
    let answer = docs::plan::targets_with_risks(
        &deps,
        &args.from,
        args.objective,
        args.scheme,
        &args.risk.options(args.facts.as_ref()),
        args.include_not_recommended,
    );
    match answer {
        Ok(t) => {
            match args.format {
                TargetsFormat::Text => print_out(&render::targets::to_text(&t)),
                TargetsFormat::Json => print_json(&t),
            }
            EXIT_OK
        }
        Err(f) => report(format, &f),
    }
}
