//! `upgrade-planner rollout`: which nodes, in which order, in which maintenance window.

use super::{EXIT_INPUT, EXIT_OK, EXIT_REFUSED, Format, fail, print_json, print_out};
use clap::{Args, ValueEnum};
use std::path::PathBuf;
use std::time::Duration;
use upgrade_planner::rollout::inventory::{Inventory, InventoryError, parse_duration};
use upgrade_planner::rollout::requests::{self, Dialect, HandoffOptions, REQUESTS_SCHEMA};
use upgrade_planner::rollout::windows::{WindowSpec, windows_from_path};
use upgrade_planner::rollout::{
    ROLLOUT_SCHEMA, RolloutError, RolloutRequest, RolloutRisks, plan_rollout,
    plan_rollout_with_risks,
};
use upgrade_planner::rollout::{firmware, packages};
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
    /// HPE iLO requests per server: iLO Repository uploads, maintenance windows, Update Task
    /// Queue entries (or an install set with --installset).
    RedfishHpe,
    /// DMTF Redfish requests per server: SimpleUpdate with the operation apply time, then
    /// ComputerSystem.Reset.
    RedfishDmtf,
    /// Pulp 2 consumer content install requests, per node in rollout order.
    Pulp,
    /// PowerStore software package install calls, per stage and window.
    Powerstore,
    /// Deprecated: an alias of `pulp` (prints a notice on stderr).
    PulpUnits,
    /// Deprecated: an alias of `redfish-hpe --installset` (prints a notice on stderr).
    RedfishInstallset,
}

impl RolloutFormat {
    /// The request-plan dialect, for the hand-off formats.
    fn dialect(self) -> Option<Dialect> {
        match self {
            RolloutFormat::RedfishHpe | RolloutFormat::RedfishInstallset => {
                Some(Dialect::RedfishHpe)
            }
            RolloutFormat::RedfishDmtf => Some(Dialect::RedfishDmtf),
            RolloutFormat::Pulp | RolloutFormat::PulpUnits => Some(Dialect::Pulp),
            RolloutFormat::Powerstore => Some(Dialect::PowerStore),
            RolloutFormat::Text | RolloutFormat::Json | RolloutFormat::Markdown => None,
        }
    }
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
    upgrade-planner rollout --deps deps.yml --cluster c.yml --to 4.3.0.0 --packages rpms/\n  \
    upgrade-planner rollout --deps deps.yml --cluster c.yml --to 4.3.0.0 --packages rpms/ \\\n      \
    --format redfish-hpe --image-base-url https://repo.example/ob --windows w.json\n  \
    upgrade-planner rollout --deps deps.yml --cluster c.yml --to 4.3.0.0 --format pulp \\\n      \
    --endpoint-url https://pulp.example\n\n\
    Exit codes:\n  \
    0  planned, and every step fits the windows\n  \
    1  refused: unknown_target, deprecated_target, unknown_version, past_target, no_route,\n     \
    not_recommended, cannot_converge, subset_order, missing_packages, ambiguous_package\n     \
    (candidates of several architectures for a node without `arch`); or some steps do not\n     \
    fit the windows\n  \
    2  usage error, unreadable or invalid input: invalid_document, invalid_inventory,\n     \
    invalid_windows, unknown_node, invalid_packages, invalid_firmware_inventory,\n     \
    invalid_keyring, invalid_risks, unknown_risk\n\n\
    Known risks (--risks) are evaluated per node: the inventory's `facts:` (the cluster's, and\n\
    each node's replacing them), as docs/risks.md describes.\n\n\
    Hand-off formats (schema upgrade-planner/requests/v1): redfish-hpe, redfish-dmtf, pulp,\n\
    powerstore; pulp-units and redfish-installset are deprecated aliases of pulp and\n\
    redfish-hpe --installset.")]
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
    /// Redfish: where the BMCs fetch packages (the package's file name is appended to the URL).
    #[arg(long, value_name = "URL")]
    image_base_url: Option<String>,
    /// redfish-hpe: one install set per server (and window) instead of Update Task Queue entries.
    #[arg(long)]
    installset: bool,
    /// pulp: install on a consumer group for runs of members the order rules let go together.
    #[arg(long)]
    group_parallel: bool,
    /// powerstore: the software package id (`ID` for every stage, or `STAGE=ID`; repeatable).
    #[arg(long, value_name = "[STAGE=]ID")]
    package_id: Vec<String>,
    /// pulp: the Pulp server; powerstore: the cluster's management address.
    #[arg(long, value_name = "URL")]
    endpoint_url: Option<String>,
    /// Installed versions from Redfish firmware inventories (what GET
    /// /redfish/v1/UpdateService/FirmwareInventory?$expand=. returns): a file (one node) or a
    /// directory with NODE.json per node. Nodes may then leave out `version`.
    #[arg(long, value_name = "PATH", requires = "component")]
    firmware_inventory: Option<PathBuf>,
    /// The firmware inventory member to read (its Id, Name or SoftwareId).
    #[arg(long, value_name = "NAME", requires = "firmware_inventory")]
    component: Option<String>,
    /// What each node's route minimises first.
    #[arg(long, value_enum, default_value_t = Objective::Hops)]
    objective: Objective,
    /// Version scheme of the dependency file (default: detected).
    #[arg(long, value_name = "oceanbase|semver")]
    scheme: Option<VersionScheme>,
    #[command(flatten)]
    risk: super::risks::RiskArgs,
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
    // Errors are documents of the schema the command would have written.
    let schema = if args.format.dialect().is_some() {
        REQUESTS_SCHEMA
    } else {
        ROLLOUT_SCHEMA
    };
    let graph = match DepGraph::from_path(&args.deps, args.scheme) {
        Ok(g) => g,
        Err(e) => return super::load_failure(ef, schema, &e),
    };
    let mut inv = match Inventory::from_path_with(&args.cluster, args.firmware_inventory.is_none())
    {
        Ok(i) => i,
        Err(e) => return input_failure(ef, schema, "invalid_inventory", &e),
    };
    match args.format {
        RolloutFormat::PulpUnits => super::print_err(
            "warning: --format pulp-units is deprecated and now writes --format pulp (per-node \
             consumer requests); see docs/rollout.md",
        ),
        RolloutFormat::RedfishInstallset => super::print_err(
            "warning: --format redfish-installset is deprecated and now writes --format \
             redfish-hpe --installset (one install set per server); see docs/rollout.md",
        ),
        _ => {}
    }
    let mut targets = std::collections::HashMap::new();
    if let (Some(path), Some(component)) = (&args.firmware_inventory, &args.component) {
        match firmware_versions(path, component, &graph, &mut inv) {
            Ok(t) => targets = t,
            Err(e) => {
                return fail(
                    ef,
                    schema,
                    "invalid_firmware_inventory",
                    &e.to_string(),
                    None,
                    EXIT_INPUT,
                );
            }
        }
    }
    let mut request = RolloutRequest::new(&args.to);
    request.leaders_first = args.format == RolloutFormat::Powerstore;
    request.objective = args.objective;
    request.only = args.only.clone();
    if let Some(d) = args.window {
        request.windows = Some(WindowSpec::Length(d));
    }
    if let Some(path) = &args.windows {
        match windows_from_path(path) {
            Ok(list) => request.windows = Some(WindowSpec::List(list)),
            Err(e) => return input_failure(ef, schema, "invalid_windows", &e),
        }
    }
    let risks = match super::risks::load(&args.risk, ef, schema) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let bound = risks.as_ref().map(|r| r.bind(&graph));
    let planned = match &bound {
        Some(b) => plan_rollout_with_risks(
            &graph,
            &inv,
            &request,
            RolloutRisks {
                risks: b,
                accepted: &args.risk.accept_risk,
            },
        ),
        None => plan_rollout(&graph, &inv, &request),
    };
    let rollout = match planned {
        Ok(r) => r,
        Err(e) => return rollout_failure(ef, schema, &e),
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
                    schema,
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
                    schema,
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
                schema,
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
        format => {
            let Some(dialect) = format.dialect() else {
                return EXIT_OK;
            };
            let options = HandoffOptions {
                image_base_url: args.image_base_url.clone(),
                installset: args.installset || format == RolloutFormat::RedfishInstallset,
                group_parallel: args.group_parallel,
                package_ids: args
                    .package_id
                    .iter()
                    .map(|p| match p.split_once('=') {
                        Some((stage, id)) => (Some(stage.to_string()), id.to_string()),
                        None => (None, p.clone()),
                    })
                    .collect(),
                endpoint_url: args.endpoint_url.clone(),
                targets,
            };
            match requests::build(dialect, &rollout, &inv, &options) {
                Ok(plan) => print_json(&plan),
                Err(e) => {
                    return fail(ef, schema, e.kind(), &e.to_string(), None, EXIT_INPUT);
                }
            }
        }
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

/// Sets each node's installed version from its firmware inventory (`--firmware-inventory`) and
/// returns the members' `@odata.id` by node (DMTF `Targets`).
fn firmware_versions(
    path: &std::path::Path,
    component: &str,
    graph: &DepGraph,
    inv: &mut Inventory,
) -> Result<std::collections::HashMap<String, String>, firmware::FirmwareError> {
    let count = inv.nodes.len();
    let mut targets = std::collections::HashMap::new();
    let mut missing = Vec::new();
    for node in &mut inv.nodes {
        match firmware::file_for(path, &node.name, count)? {
            Some(file) => {
                let members = firmware::read_file(&file)?;
                let member = firmware::find(&members, component)?;
                node.version = firmware::installed_version(&member.version, component, graph)?;
                targets.insert(node.name.clone(), member.odata_id.clone());
            }
            None if node.version.is_empty() => missing.push(node.name.clone()),
            None => {}
        }
    }
    if missing.is_empty() {
        Ok(targets)
    } else {
        Err(firmware::FirmwareError::Layout(format!(
            "no firmware inventory file in `{}` and no `version` for: {} (write NODE.json for each)",
            path.display(),
            missing.join(", ")
        )))
    }
}

fn input_failure(format: Format, schema: &str, kind: &str, e: &InventoryError) -> u8 {
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
    fail(format, schema, kind, &message, details, EXIT_INPUT)
}

fn rollout_failure(format: Format, schema: &str, e: &RolloutError) -> u8 {
    let details = serde_json::to_value(ErrorDetails(e)).ok();
    let exit = if e.is_input_error() {
        EXIT_INPUT
    } else {
        EXIT_REFUSED
    };
    let code = fail(format, schema, e.kind(), &e.to_string(), details, exit);
    if let (RolloutError::NotRecommended { risks, .. }, Format::Text) = (e, format) {
        super::print_err(render::risks::refusal_text(risks).trim_end());
    }
    code
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
                "route": d.route, "reason": d.reason, "only_advice": d.advice
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
            RolloutError::NotRecommended {
                node,
                version,
                risks,
                route,
            } => json!({
                "node": node, "version": version, "risks": risks,
                "accept": render::risks::accept_names(risks), "route": route
            }),
        };
        v.serialize(s)
    }
}
