//! `upgrade-planner plan`: the route from an installed version to a target.

use super::{EXIT_INPUT, EXIT_OK, EXIT_REFUSED, Format, fail, print_json, print_out};
use clap::Args;
use std::path::PathBuf;
use upgrade_planner::planner::PLAN_SCHEMA;
use upgrade_planner::render;
use upgrade_planner::{DepGraph, LoadError, Objective, PlanError, PlanRequest, Target, VersionScheme};

/// Plan the upgrade route from an installed version to a target.
///
/// Prints the stages (where the binary must be installed) and every hop. The route has the fewest
/// hops (ties: fewest binary stops, then fewest deprecated transits, then the route through older
/// versions first); `--objective stops` puts fewest binary stops first.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    upgrade-planner plan --deps data/seed-oceanbase-ce-4.2.1.1.yml --from 4.0.0.0 --to 4.3.0.0\n  \
    upgrade-planner plan --deps deps.yml --from 4.1.0.0-100000192023032010.el7 --to latest --format json\n\n\
    Exit codes: 0 planned; 1 planning refused (unknown_start, unknown_target, deprecated_target, no_route);\n\
    2 usage error or unreadable/invalid input (invalid_document).")]
pub struct PlanArgs {
    /// The upgrade-dependency YAML file (oceanbase_upgrade_dep.yml format).
    #[arg(long, value_name = "FILE")]
    deps: PathBuf,
    /// The installed version: V, V-BUILD, or an RPM release such as V-BUILD.el7.
    #[arg(long, value_name = "VERSION")]
    from: String,
    /// The target version (named literally), or `latest` for the newest non-deprecated version
    /// the start can reach.
    #[arg(long, value_name = "VERSION|latest")]
    to: Target,
    /// What to minimise first.
    #[arg(long, value_enum, default_value_t = Objective::Hops)]
    objective: Objective,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Version scheme of the file (default: detected; OceanBase unless versions only parse as SemVer).
    #[arg(long, value_name = "oceanbase|semver")]
    scheme: Option<VersionScheme>,
}

pub fn run(args: PlanArgs) -> u8 {
    let graph = match DepGraph::from_path(&args.deps, args.scheme) {
        Ok(g) => g,
        Err(e) => return load_failure(args.format, &e),
    };
    let request = PlanRequest::new(args.from.clone(), args.to.clone()).objective(args.objective);
    match graph.plan(&request) {
        Ok(plan) => {
            match args.format {
                Format::Json => print_json(&plan),
                Format::Text => print_out(&render::plan::to_text(&plan)),
                Format::Markdown => print_out(&render::plan::to_markdown(&plan)),
            }
            EXIT_OK
        }
        Err(e) => plan_failure(args.format, &e),
    }
}

/// Reports a dependency file that cannot be loaded (`invalid_document`, exit 2).
pub fn load_failure(format: Format, e: &LoadError) -> u8 {
    let details = match e {
        LoadError::Invalid { file, diagnostics } => Some(serde_json::json!({
            "diagnostics": diagnostics
                .iter()
                .map(|d| render::diagnostics::to_json(
                    &file.as_ref().map(|f| f.display().to_string()).unwrap_or_default(),
                    d,
                ))
                .collect::<Vec<_>>()
        })),
        LoadError::Io { .. } => None,
    };
    fail(format, PLAN_SCHEMA, "invalid_document", &e.to_string(), details, EXIT_INPUT)
}

/// Reports a refused plan (exit 1; `search_limit` exit 2).
pub fn plan_failure(format: Format, e: &PlanError) -> u8 {
    let details = match e {
        PlanError::UnknownStart { nearest, .. } | PlanError::UnknownTarget { nearest, .. } => {
            Some(serde_json::json!({ "nearest": nearest }))
        }
        PlanError::DeprecatedTarget { alternatives, .. } => {
            Some(serde_json::json!({ "alternatives": alternatives }))
        }
        PlanError::NoRoute {
            closest_reachable,
            can_reach_target,
            ..
        } => Some(serde_json::json!({
            "closest_reachable": closest_reachable,
            "can_reach_target": can_reach_target,
        })),
        PlanError::SearchLimit { .. } => None,
    };
    let exit = match e {
        PlanError::SearchLimit { .. } => EXIT_INPUT,
        _ => EXIT_REFUSED,
    };
    fail(format, PLAN_SCHEMA, e.kind(), &e.to_string(), details, exit)
}
