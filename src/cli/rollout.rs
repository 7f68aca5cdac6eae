//! `upgrade-planner rollout`: which nodes, in which order, in which maintenance window.

use super::{Format, print_json, print_out, progress, report};
use clap::{Args, ValueEnum};
use std::path::PathBuf;
use std::time::Duration;
use upgrade_planner::docs::rollout::RolloutQuery;
use upgrade_planner::docs::{self, Source};
use upgrade_planner::rollout::requests::Dialect;
use upgrade_planner::{Objective, VersionScheme, render};

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

fn parse_node_name(s: &str) -> Result<String, String> {
    docs::rollout::parse_node_name(s)
}

fn parse_window(s: &str) -> Result<Duration, String> {
    docs::rollout::parse_window(s)
}

pub fn run(args: RolloutArgs) -> u8 {
    let ef = args.format.error_format();
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
    let query = RolloutQuery {
        only: args.only.clone(),
        window: args.window,
        windows: args.windows.clone().map(Source::Path),
        packages: args.packages.clone(),
        keyring: args.trust.keyring.clone(),
        require_signature: args.trust.require_signature,
        firmware: args.firmware_inventory.clone().zip(args.component.clone()),
        objective: args.objective,
        scheme: args.scheme,
        image_base_url: args.image_base_url.clone(),
        installset: args.installset || args.format == RolloutFormat::RedfishInstallset,
        group_parallel: args.group_parallel,
        package_ids: args.package_id.clone(),
        endpoint_url: args.endpoint_url.clone(),
        leaders_first: args.format == RolloutFormat::Powerstore,
        dialect: args.format.dialect(),
        risks: args.risk.options(None),
        ..RolloutQuery::new(
            Source::Path(args.deps.clone()),
            Source::Path(args.cluster.clone()),
            args.to.clone(),
        )
    };
    let bar = progress::Bar::bytes(
        args.packages.as_deref().map_or(0, progress::rpm_dir_size),
        1,
        "reading packages",
        ef == Format::Json,
    );
    let query = RolloutQuery {
        progress: bar.callback(),
        ..query
    };
    let answer = docs::rollout::rollout(&query);
    bar.finish();
    let answer = match answer {
        Ok(a) => a,
        Err(f) => return report(ef, &f),
    };
    let rollout = &answer.rollout;
    match args.format {
        RolloutFormat::Text => print_out(&render::rollout::to_text(rollout)),
        RolloutFormat::Markdown => print_out(&render::rollout::to_markdown(rollout)),
        _ => print_json(&answer),
    }
    let exit = answer.exit();
    if exit != docs::Exit::Ok && ef == Format::Text {
        super::print_err(&format!(
            "error: {} step(s) do not fit the windows: {}",
            rollout.unscheduled.len(),
            rollout.unscheduled_reason.as_deref().unwrap_or("")
        ));
    }
    exit.code()
}
