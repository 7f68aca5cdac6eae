//! The `rollout` documents: the rollout plan (`upgrade-planner/rollout/v1`) and the request plans
//! of the hand-off formats (`upgrade-planner/requests/v1`).

use super::{Exit, Failure, Source, load_graph};
use crate::depgraph::DepGraph;
use crate::render;
use crate::rollout::inventory::{Inventory, InventoryError, parse_duration};
use crate::rollout::requests::{self, Dialect, HandoffOptions, REQUESTS_SCHEMA, RequestPlan};
use crate::rollout::windows::{WindowSpec, parse_windows, windows_from_path};
use crate::rollout::{
    ROLLOUT_SCHEMA, Rollout, RolloutError, RolloutRequest, RolloutRisks, firmware, packages,
    plan_rollout, plan_rollout_with_risks,
};
use crate::{Objective, VersionScheme};
use serde::Serialize;
use serde_json::json;
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

/// What `rollout` is asked. Fields are public so that new options are one more field.
#[derive(Debug, Clone)]
pub struct RolloutQuery {
    /// The upgrade-dependency document.
    pub deps: Source,
    /// The cluster inventory (YAML or JSON).
    pub cluster: Source,
    /// The target version, or `latest`.
    pub to: String,
    /// A hand-off format: the answer is then a request plan.
    pub dialect: Option<Dialect>,
    /// Upgrade only these nodes.
    pub only: Option<Vec<String>>,
    /// Windows of this length (`--window`).
    pub window: Option<Duration>,
    /// The windows listed in this file (`--windows`).
    pub windows: Option<Source>,
    /// Resolve install_binary steps to the RPMs in this directory (`--packages`).
    pub packages: Option<PathBuf>,
    /// `--keyring` (with `packages`).
    pub keyring: Vec<PathBuf>,
    /// `--require-signature` (with `packages`).
    pub require_signature: bool,
    /// `--firmware-inventory PATH --component NAME`.
    pub firmware: Option<(PathBuf, String)>,
    /// What each node's route minimises first.
    pub objective: Objective,
    /// The version scheme of the dependency file (`None`: detected).
    pub scheme: Option<VersionScheme>,
    /// Redfish: where the BMCs fetch packages.
    pub image_base_url: Option<String>,
    /// redfish-hpe: install sets instead of Update Task Queue entries.
    pub installset: bool,
    /// pulp: consumer groups for runs of members.
    pub group_parallel: bool,
    /// powerstore: `ID` or `STAGE=ID`.
    pub package_ids: Vec<String>,
    /// pulp: the Pulp server; powerstore: the cluster's management address.
    pub endpoint_url: Option<String>,
    /// Whether the steps order PowerStore's way (the leaders first); set with the dialect.
    pub leaders_first: bool,
    /// Told how many bytes of `packages` were read (a progress bar).
    pub progress: Option<crate::rpm::Progress>,
    /// Known risks and accepted risks (`--risks`, `--accept-risk`), evaluated per node under the
    /// inventory's `facts:` (docs/risks.md). `facts` is not taken here: the inventory has them.
    pub risks: super::risks::RiskOptions,
}

impl RolloutQuery {
    /// Roll the cluster out to `to`, one window for everything, no packages.
    pub fn new(deps: Source, cluster: Source, to: impl Into<String>) -> RolloutQuery {
        RolloutQuery {
            deps,
            cluster,
            to: to.into(),
            dialect: None,
            only: None,
            window: None,
            windows: None,
            packages: None,
            keyring: Vec::new(),
            require_signature: false,
            firmware: None,
            objective: Objective::Hops,
            scheme: None,
            image_base_url: None,
            installset: false,
            group_parallel: false,
            package_ids: Vec::new(),
            endpoint_url: None,
            leaders_first: false,
            progress: None,
            risks: super::risks::RiskOptions::default(),
        }
    }
}

/// The rollout, and the request plan of a hand-off format.
#[derive(Debug, Clone)]
pub struct RolloutAnswer {
    /// The rollout plan.
    pub rollout: Rollout,
    /// The request plan, with a hand-off format.
    pub requests: Option<RequestPlan>,
}

impl Serialize for RolloutAnswer {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match &self.requests {
            Some(r) => r.serialize(s),
            None => self.rollout.serialize(s),
        }
    }
}

impl RolloutAnswer {
    /// [`Exit::Refused`] when some steps do not fit the windows.
    pub fn exit(&self) -> Exit {
        if self.rollout.unscheduled.is_empty() {
            Exit::Ok
        } else {
            Exit::Refused
        }
    }
}

/// A `--window` length: a duration longer than 0 (`40m`, `4h`, `1h30m`, `PT4H`).
pub fn parse_window(s: &str) -> Result<Duration, String> {
    let d = parse_duration(s)?;
    if d.is_zero() {
        return Err("a window must be longer than 0s".into());
    }
    Ok(d)
}

/// One name of `--only`: never empty (`--only ""` or `a,,b` is a slip, not a node).
pub fn parse_node_name(s: &str) -> Result<String, String> {
    let name = s.trim();
    if name.is_empty() {
        return Err(
            "a node name cannot be empty (name nodes as in the cluster file: --only db-a,db-b)"
                .into(),
        );
    }
    Ok(name.to_string())
}

/// Plans a rollout (and, with a dialect, its request plan).
pub fn rollout(q: &RolloutQuery) -> Result<RolloutAnswer, Failure> {
    // Errors are documents of the schema the command would have written.
    let schema = if q.dialect.is_some() {
        REQUESTS_SCHEMA
    } else {
        ROLLOUT_SCHEMA
    };
    let graph = load_graph(&q.deps, q.scheme, schema)?;
    let version_required = q.firmware.is_none();
    let inventory = match &q.cluster {
        Source::Path(p) => Inventory::from_path_with(p, version_required),
        Source::Text { text, .. } => Inventory::parse_with(text, version_required),
    };
    let mut inv = inventory.map_err(|e| input_failure(schema, "invalid_inventory", &e))?;
    let mut targets = HashMap::new();
    if let Some((path, component)) = &q.firmware {
        targets = firmware_versions(path, component, &graph, &mut inv).map_err(|e| {
            Failure::new(
                schema,
                "invalid_firmware_inventory",
                e.to_string(),
                None,
                Exit::Input,
            )
        })?;
    }
    let mut request = RolloutRequest::new(&q.to);
    request.leaders_first = q.leaders_first;
    request.objective = q.objective;
    request.only = q.only.clone();
    if let Some(d) = q.window {
        request.windows = Some(WindowSpec::Length(d));
    }
    if let Some(source) = &q.windows {
        let list = match source {
            Source::Path(p) => windows_from_path(p),
            Source::Text { text, .. } => parse_windows(text),
        };
        let list = list.map_err(|e| input_failure(schema, "invalid_windows", &e))?;
        request.windows = Some(WindowSpec::List(list));
    }
    if q.risks.facts.is_some() {
        return Err(Failure::usage(
            schema,
            "rollout reads the facts of the risks' Fact rules from the inventory (`facts:` of the \
             cluster and of each node), not from a facts file",
        ));
    }
    let risks = q.risks.load(schema)?;
    let planned = match &risks {
        Some(r) => plan_rollout_with_risks(
            &graph,
            &inv,
            &request,
            RolloutRisks {
                risks: &r.set.bind(&graph),
                accepted: &r.accept,
            },
        ),
        None => plan_rollout(&graph, &inv, &request),
    };
    let mut rollout = planned.map_err(|e| rollout_failure(schema, &e))?;
    if q.packages.is_none() && (!q.keyring.is_empty() || q.require_signature) {
        return Err(Failure::usage(
            ROLLOUT_SCHEMA,
            "--keyring and --require-signature apply to --packages DIR only",
        ));
    }
    let policy = super::rpm::trust_policy(&q.keyring, q.require_signature, ROLLOUT_SCHEMA)?;
    if let Some(dir) = &q.packages {
        let invalid =
            |message: String| Failure::new(schema, "invalid_packages", message, None, Exit::Input);
        let source = packages::RpmDirectory::scan_reporting(dir, &policy, q.progress.clone())
            .map_err(|e| invalid(e.to_string()))?;
        let arch_of = |node: &str| inv.arch_of(node);
        let missing = packages::resolve_for(&mut rollout.steps, &source, &arch_of)
            .map_err(|e| invalid(e.to_string()))?;
        if !missing.is_empty() {
            let message = format!(
                "{} package(s) needed by install_binary steps are missing from `{}` (or do not verify)",
                missing.len(),
                dir.display()
            );
            let mut text = format!(
                "{message}\n{}",
                render::rollout::missing_text(&missing).trim_end()
            );
            for (file, reason) in &source.unreadable {
                text.push_str(&format!("\nunreadable: {file}: {reason}"));
            }
            let details = json!({
                "missing": missing,
                "unreadable": source.unreadable.iter()
                    .map(|(f, r)| json!({"file": f, "reason": r}))
                    .collect::<Vec<_>>(),
            });
            let ambiguous = missing.iter().any(|m| !m.ambiguous_arches.is_empty());
            let kind = if ambiguous {
                "ambiguous_package"
            } else {
                "missing_packages"
            };
            let s = render::style::ERROR;
            return Err(
                Failure::new(schema, kind, message, Some(details), Exit::Refused)
                    .with_text(format!("{s}error{s:#}: {text}")),
            );
        }
    }
    let requests = match q.dialect {
        None => None,
        Some(dialect) => {
            let options = HandoffOptions {
                image_base_url: q.image_base_url.clone(),
                installset: q.installset,
                group_parallel: q.group_parallel,
                package_ids: q
                    .package_ids
                    .iter()
                    .map(|p| match p.split_once('=') {
                        Some((stage, id)) => (Some(stage.to_string()), id.to_string()),
                        None => (None, p.clone()),
                    })
                    .collect(),
                endpoint_url: q.endpoint_url.clone(),
                targets,
            };
            Some(
                requests::build(dialect, &rollout, &inv, &options).map_err(|e| {
                    Failure::new(schema, e.kind(), e.to_string(), None, Exit::Input)
                })?,
            )
        }
    };
    Ok(RolloutAnswer { rollout, requests })
}

/// Sets each node's installed version from its firmware inventory (`--firmware-inventory`) and
/// returns the members' `@odata.id` by node (DMTF `Targets`).
fn firmware_versions(
    path: &std::path::Path,
    component: &str,
    graph: &DepGraph,
    inv: &mut Inventory,
) -> Result<HashMap<String, String>, firmware::FirmwareError> {
    let count = inv.nodes.len();
    let mut targets = HashMap::new();
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

fn input_failure(schema: &str, kind: &str, e: &InventoryError) -> Failure {
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
    Failure::new(schema, kind, message, details, Exit::Input)
}

fn rollout_failure(schema: &str, e: &RolloutError) -> Failure {
    let details = serde_json::to_value(ErrorDetails(e)).ok();
    let exit = if e.is_input_error() {
        Exit::Input
    } else {
        Exit::Refused
    };
    let failure = Failure::new(schema, e.kind(), e.to_string(), details, exit);
    match e {
        RolloutError::NotRecommended { risks, .. } => super::risks::with_risks_text(failure, risks),
        _ => failure,
    }
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
