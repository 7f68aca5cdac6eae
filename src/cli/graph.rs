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
}

/// Draw the upgrade graph for people.
///
/// Deprecated versions are greyed, barrier versions (require_from_binary) are marked with their
/// condition, build-specific versions are grouped with their plain version, and with --plan the
/// chosen route is highlighted (its binary stops filled).
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    upgrade-planner graph data/seed-oceanbase-ce-4.2.1.1.yml | dot -Tsvg > deps.svg\n  \
    upgrade-planner graph deps.yml --format mermaid --plan 4.0.0.0 4.3.0.0\n\n\
    Exit codes: 0 drawn; 1 the --plan route was refused (as `plan` refuses it);\n\
    2 usage error or unreadable/invalid input.")]
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
}

pub fn run(args: GraphArgs) -> u8 {
    let g = match DepGraph::from_path(&args.file, args.scheme) {
        Ok(g) => g,
        Err(e) => return load_failure(Format::Text, "", &e),
    };
    let plan = match args.plan.as_deref() {
        Some([from, to]) => {
            let to: Target = match to.parse() {
                Ok(t) => t,
                Err(never) => match never {},
            };
            match g.plan(&PlanRequest::new(from.clone(), to)) {
                Ok(p) => Some(p),
                Err(e) => return plan_failure(Format::Text, PLAN_SCHEMA, &e),
            }
        }
        _ => None,
    };
    let out = match args.format {
        GraphFormat::Dot => render::graph::to_dot(&g, plan.as_ref()),
        GraphFormat::Mermaid => render::graph::to_mermaid(&g, plan.as_ref()),
    };
    print_out(&out);
    EXIT_OK
}
