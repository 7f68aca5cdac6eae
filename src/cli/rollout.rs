//! `upgrade-planner rollout`: which nodes, in which order, in which maintenance window.

use super::{EXIT_INPUT, EXIT_OK, EXIT_REFUSED, Format, fail, print_json, print_out};
use clap::{Args, ValueEnum};
use std::path::PathBuf;
use std::time::Duration;
use upgrade_planner::rollout::inventory::{Inventory, InventoryError, parse_duration};
use upgrade_planner::rollout::packages;
use upgrade_planner::rollout::windows::{WindowSpec, windows_from_path};
use upgrade_planner::rollout::{
    ROLLOUT_SCHEMA, RolloutError, RolloutRequest, handoff, plan_rollout,
};
use upgrade_planner::{DepGraph, Objective, VersionScheme, render};

/// Output formats of `rollout`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum RolloutFormat {
    /// Aligned text for people.
    #[default]
    Text,
    /// The `upgrade-planner/rollout/v1` document an orchestrator consumes.
    Json,
    /// A runbook with a checkbox per step.
    Markdown,
    /// For each stage, the Pulp consumer-group content install request body.
    PulpUnits,
    /// For each stage, a Redfish install-set body whose Sequence lists the component files in order.
    RedfishInstallset,
}

impl RolloutFormat {
    /// The shared format errors are reported in: JSON for the machine formats.
    fn error_format(self) -> Format {
        match self {
            RolloutFormat::Text | RolloutFormat::Markdown => Format::Text,
            _ => Format::Json,
        }
    }
}

/// Plan a cluster rollout: the nodes, in order, at every stage of the route, packed into maintenance windows.
///
/// At every stage (each binary stop, then the target) the primary goes first, the secondary
/// second, then the other nodes in the order they joined; with zones, a zone's nodes go together
/// and the primary's zone goes first. Nodes at or past a stage skip it; nodes on different
/// versions get their own routes and converge on shared stages. Each node runs install_binary,
/// run_upgrade_scripts, reboot (asynchronous for the primary) and verify. See docs/rollout.md.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    upgrade-planner rollout --deps deps.yml --cluster cluster.yml --to 4.3.0.0\n  \
    upgrade-planner rollout --deps deps.yml --cluster c.json --to 4.3.0.0 --window 4h\n  \
    upgrade-planner rollout --deps deps.yml --cluster c.yml --to latest --format markdown\n  \
    upgrade-planner rollout --deps deps.yml --cluster c.yml --to 4.3.0.0 --only node-1,node-2\n  \
    upgrade-planner rollout --deps deps.yml --cluster c.yml --to 4.3.0.0 --packages rpms/\n\n\
    Exit codes:\n  \
    0  planned, and every step fits the windows\n  \
    1  refused: unknown_target, deprecated_target, unknown_version, past_target, no_route,\n     \
    cannot_converge, subset_order, missing_packages, ambiguous_package (candidates of several\n     \
    architectures for a node without `arch`); or some steps do not fit the windows\n  \
    2  usage error, unreadable or invalid input: invalid_document, invalid_inventory,\n     \
    invalid_windows, unknown_node, invalid_packages, invalid_keyring")]
pub struct RolloutArgs {
    /// The upgrade-dependency YAML file (oceanbase_upgrade_dep.yml format).
    #[arg(long, value_name = "FILE")]
    deps: PathBuf,
    /// The cluster inventory, YAML or JSON (see docs/inventory.schema.json).
    #[arg(long, value_name = "FILE")]
    cluster: PathBuf,
    /// The target version, or `latest` (the newest the least advanced node can reach).
    #[arg(long, value_name = "VERSION|latest")]
    to: String,
    /// Upgrade only these nodes (comma-separated). They must respect the order: no node before
    /// the primary (and, for members, the secondary) has reached the stage.
    #[arg(long, value_name = "NODE,...", value_delimiter = ',', value_parser = parse_node_name)]
    only: Option<Vec<String>>,
    /// Pack the steps into windows of this length (40m, 4h, 1h30m, PT4H).
    #[arg(long, value_name = "DURATION", value_parser = parse_window, conflicts_with = "windows")]
    window: Option<Duration>,
    /// Pack the steps into the windows listed in this YAML or JSON file
    /// (`start_after`/`expire` in ISO 8601, as Redfish maintenance windows).
    #[arg(long, value_name = "FILE")]
    windows: Option<PathBuf>,
    /// Resolve every install_binary step to an RPM in this directory, read by its headers and
    /// verified (a package whose digests fail is never picked); exit 1 listing what is missing.
    #[arg(long, value_name = "DIR")]
    packages: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = RolloutFormat::Text)]
    format: RolloutFormat,
    /// What each node's route minimises first.
    #[arg(long, value_enum, default_value_t = Objective::Hops)]
    objective: Objective,
    /// Version scheme of the dependency file (default: detected).
    #[arg(long, value_name = "oceanbase|semver")]
    scheme: Option<VersionScheme>,
    /// With --packages: --keyring PATH (repeatable) and --require-signature, applied to every
    /// candidate package.
    #[command(flatten)]
    trust: super::TrustArgs,
}

/// One name of `--only`: never empty (`--only ""` or `a,,b` is a slip, not a node).
fn parse_node_name(s: &str) -> Result<String, String> {
    let name = s.trim();
    if name.is_empty() {
        return Err(
            "a node name cannot be empty (name nodes as in the cluster file: --only db-a,db-b)"
                .into(),
        );
    }
    Ok(name.to_string())
}

fn parse_window(s: &str) -> Result<Duration, String> {
    let d = parse_duration(s)?;
    if d.is_zero() {
        return Err("a window must be longer than 0s".into());
    }
    Ok(d)
}

pub fn run(args: RolloutArgs) -> u8 {
    let ef = args.format.error_format();
    let graph = match DepGraph::from_path(&args.deps, args.scheme) {
        Ok(g) => g,
        Err(e) => return super::load_failure(ef, ROLLOUT_SCHEMA, &e),
    };
    let inv = match Inventory::from_path(&args.cluster) {
        Ok(i) => i,
        Err(e) => return input_failure(ef, "invalid_inventory", &e),
    };
    let mut request = RolloutRequest::new(&args.to);
    request.objective = args.objective;
    request.only = args.only.clone();
    if let Some(d) = args.window {
        request.windows = Some(WindowSpec::Length(d));
    }
    if let Some(path) = &args.windows {
        match windows_from_path(path) {
            Ok(list) => request.windows = Some(WindowSpec::List(list)),
            Err(e) => return input_failure(ef, "invalid_windows", &e),
        }
    }
    let rollout = match plan_rollout(&graph, &inv, &request) {
        Ok(r) => r,
        Err(e) => return rollout_failure(ef, &e),
    };
    let mut rollout = rollout;
    let policy = match args.trust.policy_with(
        args.packages.is_some(),
        "--packages DIR",
        ef,
        ROLLOUT_SCHEMA,
    ) {
        Ok(p) => p,
        Err(code) => return code,
    };
    if let Some(dir) = &args.packages {
        let source = match packages::RpmDirectory::scan_with(dir, &policy) {
            Ok(s) => s,
            Err(e) => {
                return fail(
                    ef,
                    ROLLOUT_SCHEMA,
                    "invalid_packages",
                    &e.to_string(),
                    None,
                    EXIT_INPUT,
                );
            }
        };
        let arch_of = |node: &str| inv.arch_of(node);
        let missing = match packages::resolve_for(&mut rollout.steps, &source, &arch_of) {
            Ok(m) => m,
            Err(e) => {
                return fail(
                    ef,
                    ROLLOUT_SCHEMA,
                    "invalid_packages",
                    &e.to_string(),
                    None,
                    EXIT_INPUT,
                );
            }
        };
        if !missing.is_empty() {
            let mut message = format!(
                "{} package(s) needed by install_binary steps are missing from `{}` (or do not verify)",
                missing.len(),
                dir.display()
            );
            if ef == Format::Text {
                message.push('\n');
                message.push_str(render::rollout::missing_text(&missing).trim_end());
            }
            for (file, reason) in &source.unreadable {
                if ef == Format::Text {
                    message.push_str(&format!("\nunreadable: {file}: {reason}"));
                }
            }
            let details = serde_json::json!({
                "missing": missing,
                "unreadable": source.unreadable.iter()
                    .map(|(f, r)| serde_json::json!({"file": f, "reason": r}))
                    .collect::<Vec<_>>(),
            });
            let ambiguous = missing.iter().any(|m| !m.ambiguous_arches.is_empty());
            return fail(
                ef,
                ROLLOUT_SCHEMA,
                if ambiguous {
                    "ambiguous_package"
                } else {
                    "missing_packages"
                },
                &message,
                Some(details),
                EXIT_REFUSED,
            );
        }
    }
    match args.format {
        RolloutFormat::Json => print_json(&rollout),
        RolloutFormat::Text => print_out(&render::rollout::to_text(&rollout)),
        RolloutFormat::Markdown => print_out(&render::rollout::to_markdown(&rollout)),
        RolloutFormat::PulpUnits => print_json(&handoff::pulp_units(&rollout)),
        RolloutFormat::RedfishInstallset => print_json(&handoff::redfish_installset(&rollout)),
    }
    if rollout.unscheduled.is_empty() {
        EXIT_OK
    } else {
        if ef == Format::Text {
            super::print_err(&format!(
                "error: {} step(s) do not fit the windows: {}",
                rollout.unscheduled.len(),
                rollout.unscheduled_reason.as_deref().unwrap_or("")
            ));
        }
        EXIT_REFUSED
    }
}

fn input_failure(format: Format, kind: &str, e: &InventoryError) -> u8 {
    let details = match e {
        InventoryError::Invalid { file, diagnostics } => {
            Some(super::diagnostics_details(file.as_deref(), diagnostics))
        }
        InventoryError::Io { .. } => None,
    };
    let what = if kind == "invalid_inventory" {
        "invalid cluster inventory"
    } else {
        "invalid windows file"
    };
    let message = match e {
        InventoryError::Invalid { .. } => format!("{what}: {e}"),
        InventoryError::Io { .. } => e.to_string(),
    };
    fail(format, ROLLOUT_SCHEMA, kind, &message, details, EXIT_INPUT)
}

fn rollout_failure(format: Format, e: &RolloutError) -> u8 {
    let details = serde_json::to_value(ErrorDetails(e)).ok();
    let exit = if e.is_input_error() {
        EXIT_INPUT
    } else {
        EXIT_REFUSED
    };
    fail(
        format,
        ROLLOUT_SCHEMA,
        e.kind(),
        &e.to_string(),
        details,
        exit,
    )
}

/// The structured fields of a refusal, merged into the JSON `error` object.
struct ErrorDetails<'a>(&'a RolloutError);

impl serde::Serialize for ErrorDetails<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde_json::json;
        let v = match self.0 {
            RolloutError::EmptyCluster => json!({}),
            RolloutError::UnknownTarget { nearest, .. } => json!({"nearest": nearest}),
            RolloutError::DeprecatedTarget { alternatives, .. } => {
                json!({"alternatives": alternatives})
            }
            RolloutError::UnknownVersion {
                node,
                version,
                nearest,
            } => {
                json!({"node": node, "version": version, "nearest": nearest})
            }
            RolloutError::PastTarget {
                node,
                version,
                target,
            } => {
                json!({"node": node, "version": version, "target": target})
            }
            RolloutError::NoRoute {
                node,
                version,
                reason,
            } => {
                json!({"node": node, "version": version, "reason": reason})
            }
            RolloutError::CannotConverge(d) => json!({
                "node": d.node, "version": d.version, "stage": d.stage, "needed_by": d.needed_by,
                "route": d.route, "reason": d.reason
            }),
            RolloutError::UnknownNodes { names, known } => {
                json!({"unknown": names, "known": known})
            }
            RolloutError::SubsetOrder {
                node,
                stage,
                first,
                first_role,
                ..
            } => {
                json!({"node": node, "stage": stage, "must_come_first": first, "must_come_first_role": first_role})
            }
            RolloutError::SearchLimit { steps } => json!({"steps": steps}),
        };
        v.serialize(s)
    }
}
