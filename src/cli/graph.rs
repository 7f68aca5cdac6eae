//! `upgrade-planner graph`: the upgrade graph as Graphviz DOT or Mermaid.

use super::load_failure;
use super::plan::plan_failure;
use super::{EXIT_OK, Format, print_out};
use clap::{Args, ValueEnum};
use std::path::PathBuf;
use upgrade_planner::planner::PLAN_SCHEMA;
use upgrade_planner::render;
use upgrade_planner::{DepGraph, PlanRequest, Target, VersionScheme};

/// Output formats of `graph`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    /// Graphviz DOT (render with `dot -Tsvg`).
    Dot,
    /// A Mermaid flowchart (GitHub renders it in a ```mermaid block).
    Mermaid,
    /// The JSON graph of OpenShift's update service (Cincinnati): nodes, edges, and the
    /// conditional edges with their risks (docs/risks.md).
    Cincinnati,
}

/// Draw the upgrade graph for people.
///
/// Deprecated versions are greyed, barrier versions (require_from_binary) are marked with their
/// condition, build-specific versions are grouped with their plain version, and with --plan the
/// chosen route is highlighted (its binary stops filled). With --risks, the edges known risks
/// are about are dashed and labelled with the risks' names.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    upgrade-planner graph data/seed-oceanbase-ce-4.2.1.1.yml | dot -Tsvg > deps.svg\n  \
    upgrade-planner graph deps.yml --format mermaid --plan 4.0.0.0 4.3.0.0\n  \
    upgrade-planner graph deps.yml --risks risks/ --format cincinnati > graph.json\n\n\
    Exit codes: 0 drawn; 1 the --plan route was refused (as `plan` refuses it; with --risks\n\
    the risks are evaluated with no facts); 2 usage error or unreadable/invalid input.")]
pub struct GraphArgs {
    /// The upgrade-dependency YAML file.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
    format: GraphFormat,
    /// Highlight the route `plan` chooses from FROM to TO (TO may be `latest`).
    #[arg(long, num_args = 2, value_names = ["FROM", "TO"])]
    plan: Option<Vec<String>>,
    /// Version scheme of the file (default: detected).
    #[arg(long, value_name = "oceanbase|semver")]
    scheme: Option<VersionScheme>,
    #[command(flatten)]
    risk: super::risks::RiskArgs,
}

pub fn run(args: GraphArgs) -> u8 {
    let g = match DepGraph::from_path(&args.file, args.scheme) {
        Ok(g) => g,
        Err(e) => return load_failure(Format::Text, "", &e),
    };
    let risks = match super::risks::load(&args.risk, Format::Text, "") {
        Ok(r) => r,
        Err(code) => return code,
    };
    let bound = risks.as_ref().map(|r| r.bind(&g));
    let plan = match args.plan.as_deref() {
        Some([from, to]) => {
            let to: Target = match to.parse() {
                Ok(t) => t,
                Err(never) => match never {},
            };
            let request = PlanRequest::new(from.clone(), to);
            let planned = match &bound {
                Some(b) => b.assess(None, &args.risk.accept_risk).plan(&request),
                None => g.plan(&request),
            };
            match planned {
                Ok(p) => Some(p),
                Err(e) => return plan_failure(Format::Text, PLAN_SCHEMA, &e),
            }
        }
        _ => None,
    };
    match args.format {
        GraphFormat::Dot => print_out(&render::graph::to_dot_with_risks(
            &g,
            plan.as_ref(),
            bound.as_ref(),
        )),
        GraphFormat::Mermaid => print_out(&render::graph::to_mermaid_with_risks(
            &g,
            plan.as_ref(),
            bound.as_ref(),
        )),
        GraphFormat::Cincinnati => {
            super::print_json(&render::graph::to_cincinnati(&g, bound.as_ref()))
        }
    }
    EXIT_OK
}
