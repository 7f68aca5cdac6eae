//! `upgrade-planner graph`: the upgrade graph as Graphviz DOT or Mermaid.

use super::{EXIT_OK, Format, print_json, print_out, report};
use clap::{Args, ValueEnum};
use std::path::PathBuf;
use upgrade_planner::docs::{self, Source};
use upgrade_planner::{VersionScheme, render};

/// Output formats of `graph`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    /// Graphviz DOT (render with `dot -Tsvg`).
    Dot,
    /// A Mermaid flowchart (GitHub renders it in a ```mermaid block).
    Mermaid,
    /// A versioned JSON document (`upgrade-planner/graph/v1`): nodes, edges and the --plan route.
    Json,
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
    let format = match args.format {
        GraphFormat::Json | GraphFormat::Cincinnati => Format::Json,
        GraphFormat::Dot | GraphFormat::Mermaid => Format::Text,
    };
    let plan = match args.plan.as_deref() {
        Some([from, to]) => Some((from.as_str(), to.as_str())),
        _ => None,
    };
    let answer = match docs::graph::graph_with_risks(
        &Source::Path(args.file.clone()),
        args.scheme,
        plan,
        &args.risk.options(None),
    ) {
        Ok(a) => a,
        Err(f) => return report(format, &f),
    };
    let risks = answer.risk_graph();
    match args.format {
        GraphFormat::Dot => print_out(&render::graph::to_dot_with_risks(
            &answer.graph,
            answer.plan.as_ref(),
            risks.as_ref(),
        )),
        GraphFormat::Mermaid => print_out(&render::graph::to_mermaid_with_risks(
            &answer.graph,
            answer.plan.as_ref(),
            risks.as_ref(),
        )),
        GraphFormat::Json => print_json(&answer),
        GraphFormat::Cincinnati => print_json(&answer.cincinnati()),
    }
    EXIT_OK
}
