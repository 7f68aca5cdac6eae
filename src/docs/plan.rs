//! The `plan` and `targets` documents (`upgrade-planner/plan/v1`, `upgrade-planner/targets/v1`).

use super::risks::RiskOptions;
use super::{Exit, Failure, Source, load_graph};
use crate::depgraph::DepGraph;
use crate::npm;
use crate::planner::{NodeMatch, PLAN_SCHEMA, Plan, PlanError, PlanRequest, Resolution, Target};
use crate::render;
use crate::rpm::{TrustPolicy, upgrade_deps_from_package_with};
use crate::targets::{TARGETS_SCHEMA, Targets};
use crate::{Objective, VersionScheme};
use serde::Serialize;
use serde_json::{Value, json};
use std::path::PathBuf;

/// Where `plan` takes its routes from.
#[derive(Debug, Clone)]
pub enum Routes {
    /// An upgrade-dependency document (`--deps FILE`).
    Deps(Source),
    /// The upgrade YAML inside an RPM package, verified under `trust` first (`--package PKG`).
    Package {
        /// The package.
        path: PathBuf,
        /// `--keyring` and `--require-signature`.
        trust: TrustPolicy,
    },
}

/// What `plan` is asked. Fields are public so that new options are one more field.
#[derive(Debug, Clone)]
pub struct PlanQuery {
    /// Where the routes come from.
    pub routes: Routes,
    /// The installed version (`--from`): `V`, `V-B` or an RPM release `V-B.el7`. Unused with
    /// `firmware`.
    pub from: String,
    /// `--firmware-inventory FILE --component NAME`: the installed version read from one server's
    /// Redfish firmware inventory instead of `from`.
    pub firmware: Option<(PathBuf, String)>,
    /// The target (`--to`); `None` with a package: the package's own VERSION-BUILD.
    pub to: Option<Target>,
    /// What to minimise first.
    pub objective: Objective,
    /// The version scheme (`None`: detected).
    pub scheme: Option<VersionScheme>,
    /// Known risks, facts and accepted risks (`--risks`, `--facts`, `--accept-risk`): routes
    /// avoid the updates a known risk applies to (docs/risks.md).
    pub risks: RiskOptions,
}

impl PlanQuery {
    /// From `from` to the newest version it can reach (`--to latest`), fewest hops.
    pub fn new(deps: Source, from: impl Into<String>) -> PlanQuery {
        PlanQuery {
            routes: Routes::Deps(deps),
            from: from.into(),
            firmware: None,
            to: Some(Target::Latest),
            objective: Objective::Hops,
            scheme: None,
            risks: RiskOptions::default(),
        }
    }
}

/// A planned route and how the names asked for were resolved: the `upgrade-planner/plan/v1`
/// document, exactly as `plan --format json` writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanAnswer {
    /// The route.
    #[serde(flatten)]
    pub plan: Plan,
    /// The start as asked for.
    pub from_requested: String,
    /// How `from_requested` matched the start node: `exact`, `without_distribution`,
    /// `plain_version` or `build_metadata`.
    pub from_match: &'static str,
    /// The target as asked for (`latest`; with a package and no target, its VERSION-BUILD).
    pub to_requested: String,
    /// How `to_requested` matched the target node, or `latest`.
    pub to_match: &'static str,
    /// What text output prints under its title: a name matched to another node, two builds the
    /// file does not tell apart, a `latest` that has no entry of its own.
    pub notes: Vec<String>,
}

/// Plans a route: the `plan` command's answer (see [`PlanAnswer`]), or its refusal.
pub fn plan(query: &PlanQuery) -> Result<PlanAnswer, Failure> {
    let (graph, default_target, package_target) = match &query.routes {
        Routes::Package { path, trust } => match upgrade_deps_from_package_with(path, trust) {
            // The package's own VERSION-BUILD: node V-B when the file has it, else node V (the
            // package is a build of V), as the upgrade service resolves it on upload.
            Ok((graph, identity)) => {
                let node = graph
                    .resolve_installed(&identity.target)
                    .map_or(identity.target.clone(), |ix| {
                        graph.node(ix).version.as_str().to_string()
                    });
                (graph, Some(node), Some(identity.target))
            }
            Err(e) => {
                let exit = if e.is_refusal() {
                    Exit::Refused
                } else {
                    Exit::Input
                };
                return Err(Failure::new(
                    PLAN_SCHEMA,
                    e.kind(),
                    e.to_string(),
                    None,
                    exit,
                ));
            }
        },
        Routes::Deps(deps) => (load_graph(deps, query.scheme, PLAN_SCHEMA)?, None, None),
    };
    let Some(to) = query.to.clone().or(default_target.map(Target::Version)) else {
        return Err(Failure::usage(
            PLAN_SCHEMA,
            "give --deps FILE or --package PKG, --from VERSION and --to VERSION (see --help)",
        ));
    };
    let mut firmware_note = None;
    let from = match &query.firmware {
        Some((file, component)) => {
            use crate::rollout::firmware;
            let read = firmware::read_file(file).and_then(|members| {
                let m = firmware::find(&members, component)?;
                let v = firmware::installed_version(&m.version, component, &graph)?;
                Ok((v, m.version.clone()))
            });
            match read {
                Ok((v, raw)) => {
                    firmware_note = Some(format!(
                        "--firmware-inventory: `{component}` is at `{raw}`, read as {v}"
                    ));
                    v
                }
                Err(e) => {
                    return Err(Failure::new(
                        PLAN_SCHEMA,
                        "invalid_firmware_inventory",
                        e.to_string(),
                        None,
                        Exit::Input,
                    ));
                }
            }
        }
        None => query.from.clone(),
    };
    // What was asked for, as given: the target, else the package's VERSION-BUILD.
    let to_requested = match (&query.to, package_target) {
        (Some(Target::Latest), _) => "latest".to_string(),
        (Some(Target::Version(t)), _) => t.clone(),
        (None, Some(t)) => t,
        (None, None) => String::new(),
    };
    let request = PlanRequest::new(from.clone(), to).objective(query.objective);
    let risks = query.risks.load(PLAN_SCHEMA)?;
    let bound = risks.as_ref().map(|r| r.set.bind(&graph));
    let planned = match (&bound, &risks) {
        (Some(b), Some(r)) => b.assess(r.facts.as_ref(), &r.accept).plan(&request),
        _ => graph.plan(&request),
    };
    let plan = planned.map_err(|e| plan_failure_in(PLAN_SCHEMA, &graph, &e))?;
    let from_match = match_name(&graph, &from, &plan.from);
    // `None`: `--to latest`, which names no node.
    let to_match =
        (query.to != Some(Target::Latest)).then(|| match_name(&graph, &to_requested, &plan.to));
    let to_what = if query.to.is_some() {
        "--to"
    } else {
        "the package's version"
    };
    let mut notes: Vec<String> = [
        resolution_note("--from", &from, &plan.from, from_match),
        to_match.and_then(|how| resolution_note(to_what, &to_requested, &plan.to, how)),
    ]
    .into_iter()
    .flatten()
    .chain(firmware_note)
    .collect();
    // Two different builds that the file does not tell apart: the same node, 0 hops, which must
    // not read as "already there".
    if plan.hops == 0
        && to_match.is_some()
        && from.trim() != to_requested.trim()
        && (from_match == NodeMatch::PlainVersion || to_match == Some(NodeMatch::PlainVersion))
    {
        notes.push(format!(
            "{from} and {} are both node {}: the file does not tell these builds apart, so it has \
             no route between them (install the package directly)",
            to_requested.trim(),
            plan.to
        ));
    }
    // `--to latest` picked a version the file never declares: say so, it may be a typo or an
    // unreleased version listed ahead of time.
    if to_match.is_none()
        && let Some(target) = graph.find(&plan.to)
        && !graph.node(target).declared
        && plan.hops > 0
    {
        notes.push(format!(
            "latest is {}, which has no entry of its own in the file (it only appears in \
             `can_be_upgraded_to`): check that this version is meant as a target",
            plan.to
        ));
    }
    if let Some(newer) = &plan.newer_not_recommended {
        notes.push(format!(
            "latest recommended is {}; {newer} is newer but every route to it takes an \
             update a known risk applies to (plan --to {newer} shows the risks)",
            plan.to
        ));
    }
    Ok(PlanAnswer {
        plan,
        from_requested: from,
        from_match: from_match.as_str(),
        to_requested,
        to_match: to_match.map_or("latest", NodeMatch::as_str),
        notes,
    })
}

/// How a requested name matched its node. A name the resolver does not take (a `--package`
/// release whose build is not a number, resolved to node `V` as before) is `PlainVersion` unless
/// it is the node's name.
fn match_name(graph: &DepGraph, requested: &str, node: &str) -> NodeMatch {
    match graph.resolve_version(requested) {
        Resolution::Found { how, .. } => how,
        _ if requested.trim() == node => NodeMatch::Exact,
        _ => NodeMatch::PlainVersion,
    }
}

/// One line saying which node a requested name was planned with, unless it named the node exactly.
fn resolution_note(what: &str, asked: &str, node: &str, how: NodeMatch) -> Option<String> {
    let why = match how {
        NodeMatch::WithoutDistribution => "the distribution suffix is not part of the node name",
        NodeMatch::PlainVersion => {
            "the file has no node for that build, so its plain version is used"
        }
        NodeMatch::BuildMetadata => "the only node with that version (build metadata aside)",
        NodeMatch::Exact => return None,
    };
    (asked.trim() != node).then(|| format!("{what} {asked} is node {node}: {why}"))
}

/// `plan --from-npm A --to-npm B --deps FILE`: the route between the ONTAP releases of two NetApp
/// NPM metadata sets. Serialises to the plan document with `from_release`, `to_release`,
/// `path_releases` and `check`.
#[derive(Debug, Clone)]
pub struct NpmPlanAnswer {
    /// The route and the installed-vs-package check.
    pub route: npm::NpmPlan,
    /// The package metadata's name, as its findings name their file.
    pub package_name: String,
}

impl Serialize for NpmPlanAnswer {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let route = &self.route;
        let check = json!({
            "verdict": route.check.verdict.as_str(),
            "revert_procedure_required": route.check.revert_procedure_required,
            "findings": route.check.findings.iter()
                .map(|d| render::diagnostics::to_json(&self.package_name, d))
                .collect::<Vec<_>>(),
        });
        let mut obj = match serde_json::to_value(&route.plan) {
            Ok(Value::Object(obj)) => obj,
            _ => return route.plan.serialize(s),
        };
        obj.insert("from_release".into(), json!(route.from_release));
        obj.insert("to_release".into(), json!(route.to_release));
        obj.insert("path_releases".into(), json!(route.path_releases));
        obj.insert("check".into(), check);
        obj.serialize(s)
    }
}

/// Reads one side of an NPM plan; `invalid_metadata` (exit 2) when it cannot be read or is
/// invalid.
fn read_npm_side(source: &Source, role: &str) -> Result<npm::Package, Failure> {
    let file = source.name();
    let bytes = super::npm::read_bytes(source).map_err(|e| {
        Failure::new(
            PLAN_SCHEMA,
            "invalid_metadata",
            format!("cannot read the {role} metadata `{file}`: {e}"),
            None,
            Exit::Input,
        )
    })?;
    npm::read(&bytes).map_err(|e| {
        let mut details = render::npm::error_json(&e);
        if let Some(obj) = details.as_object_mut() {
            obj.remove("message");
            obj.remove("kind");
            obj.insert("file".into(), file.clone().into());
            obj.insert("role".into(), role.into());
            obj.insert("metadata_kind".into(), e.kind.as_str().into());
        }
        Failure::new(
            PLAN_SCHEMA,
            "invalid_metadata",
            format!("the {role} metadata `{file}` is invalid: {e}"),
            Some(details),
            Exit::Input,
        )
    })
}

/// Plans between the ONTAP releases of two NPM metadata sets on the routes of `deps`.
pub fn plan_npm(
    deps: &Source,
    installed: &Source,
    package: &Source,
    objective: Objective,
    scheme: Option<VersionScheme>,
) -> Result<NpmPlanAnswer, Failure> {
    let graph = load_graph(deps, scheme, PLAN_SCHEMA)?;
    let installed_pkg = read_npm_side(installed, "installed")?;
    let package_pkg = read_npm_side(package, "package")?;
    match npm::plan_between(&graph, &installed_pkg, &package_pkg, objective) {
        Ok(route) => Ok(NpmPlanAnswer {
            route,
            package_name: package.name(),
        }),
        Err(npm::NpmPlanError::Plan(e)) => Err(plan_failure(PLAN_SCHEMA, &e)),
        Err(e) => {
            let exit = match e {
                npm::NpmPlanError::WrongScheme => Exit::Input,
                _ => Exit::Refused,
            };
            Err(Failure::new(
                PLAN_SCHEMA,
                e.kind(),
                e.to_string(),
                None,
                exit,
            ))
        }
    }
}

/// Every version `from` can be upgraded to: the `upgrade-planner/targets/v1` document.
pub fn targets(
    deps: &Source,
    from: &str,
    objective: Objective,
    scheme: Option<VersionScheme>,
) -> Result<Targets, Failure> {
    targets_with_risks(
        deps,
        from,
        objective,
        scheme,
        &RiskOptions::default(),
        false,
    )
}

/// [`targets`] with known risks: the versions recommended routes reach; with
/// `include_not_recommended` (`--include-not-recommended`), also the others, each with the risks
/// on its route.
pub fn targets_with_risks(
    deps: &Source,
    from: &str,
    objective: Objective,
    scheme: Option<VersionScheme>,
    risks: &RiskOptions,
    include_not_recommended: bool,
) -> Result<Targets, Failure> {
    let graph = load_graph(deps, scheme, TARGETS_SCHEMA)?;
    let risks = risks.load(TARGETS_SCHEMA)?;
    let bound = risks.as_ref().map(|r| r.set.bind(&graph));
    let listed = match (&bound, &risks) {
        (Some(b), Some(r)) => {
            b.assess(r.facts.as_ref(), &r.accept)
                .targets(from, objective, include_not_recommended)
        }
        _ => graph.targets(from, objective),
    };
    listed.map_err(|e| plan_failure_in(TARGETS_SCHEMA, &graph, &e))
}

/// A refused plan with what the graph can add: why an unknown version did not resolve (message
/// and `reason`: `invalid_build`, `ambiguous`, `not_found`; `candidates` when ambiguous).
/// `schema`: the JSON document of the command (`plan`, `targets`).
pub fn plan_failure_in(schema: &str, graph: &DepGraph, e: &PlanError) -> Failure {
    let (requested, nearest) = match e {
        PlanError::UnknownStart { from, nearest } => (from, nearest),
        PlanError::UnknownTarget { to, nearest } => (to, nearest),
        _ => return plan_failure(schema, e),
    };
    let resolution = graph.resolve_version(requested);
    let mut details = json!({
        "nearest": nearest,
        "requested": requested,
        "reason": resolution.refusal_reason().unwrap_or("not_found"),
    });
    if let (Resolution::Ambiguous { candidates }, Some(obj)) =
        (&resolution, details.as_object_mut())
    {
        let names: Vec<&str> = candidates
            .iter()
            .map(|&ix| graph.node(ix).version.as_str())
            .collect();
        obj.insert("candidates".into(), names.into());
    }
    let for_target = matches!(e, PlanError::UnknownTarget { .. });
    if let (Some(better), Some(obj)) = (
        graph.did_you_mean(requested, for_target),
        details.as_object_mut(),
    ) {
        obj.insert("did_you_mean".into(), better.into());
    }
    Failure::new(
        schema,
        e.kind(),
        graph.refusal_message(e),
        Some(details),
        Exit::Refused,
    )
}

/// A refused plan (exit 1; `search_limit` exit 2) under the command's JSON `schema`.
pub fn plan_failure(schema: &str, e: &PlanError) -> Failure {
    let details = match e {
        PlanError::UnknownStart { nearest, .. } | PlanError::UnknownTarget { nearest, .. } => {
            Some(json!({ "nearest": nearest }))
        }
        PlanError::DeprecatedTarget { alternatives, .. } => {
            Some(json!({ "alternatives": alternatives }))
        }
        PlanError::NoRoute {
            closest_reachable,
            can_reach_target,
            downgrade,
            ..
        } => Some(json!({
            "closest_reachable": closest_reachable,
            "can_reach_target": can_reach_target,
            "downgrade": downgrade,
        })),
        PlanError::NotRecommended { .. } => render::risks::refusal_details(e),
        PlanError::SearchLimit { .. } => None,
    };
    let exit = match e {
        PlanError::SearchLimit { .. } => Exit::Input,
        _ => Exit::Refused,
    };
    let failure = Failure::new(schema, e.kind(), e.to_string(), details, exit);
    match e {
        PlanError::NotRecommended { risks, .. } => super::risks::with_risks_text(failure, risks),
        _ => failure,
    }
}
