//! Rollout planning: which nodes of a cluster, in which order, in which maintenance window.
//!
//! * [`inventory`]: the cluster inventory (YAML or JSON) with validation.
//! * [`order`]: node order at every stage (primary, secondary, then join order; zones together).
//! * [`reconcile`]: routes for nodes on different versions, converged on shared stages.
//! * [`steps`]: typed steps (`install_binary`, `run_upgrade_scripts`, `reboot`, `verify`).
//! * [`windows`]: packing steps into maintenance windows without reordering them.
//! * [`packages`]: resolving `install_binary` steps to real packages through a [`packages::PackageSource`].
//! * [`requests`]: request plans per endpoint for HPE iLO and DMTF Redfish, Pulp and PowerStore;
//!   text and Markdown live in [`crate::render::rollout`].
//! * [`firmware`]: a Redfish firmware inventory as a node's installed version.
//!
//! ```
//! use upgrade_planner::DepGraph;
//! use upgrade_planner::rollout::{inventory::Inventory, plan_rollout, RolloutRequest};
//!
//! let graph = DepGraph::from_yaml_str(
//!     "- version: 4.2.1.0\n  can_be_upgraded_to: [4.2.1.1]\n",
//! )?;
//! let inv = Inventory::parse("nodes:\n\
//!   - {name: b, role: member, joined: 2, version: 4.2.1.0}\n\
//!   - {name: a, role: primary, joined: 1, version: 4.2.1.0}\n")?;
//! let rollout = plan_rollout(&graph, &inv, &RolloutRequest::new("4.2.1.1"))?;
//! assert_eq!(rollout.steps[0].node, "a");
//! assert_eq!(rollout.steps[0].action.as_str(), "install_binary");
//! assert_eq!(rollout.steps.len(), 8);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod firmware;
pub mod inventory;
pub mod order;
pub mod packages;
pub mod reconcile;
pub mod requests;
pub mod steps;
pub mod windows;

use crate::depgraph::DepGraph;
use crate::planner::{Objective, PlanRequest, StageKind, Target};
use crate::risks::{Assessment, MatchingRule, RiskGraph, RiskReport};
use inventory::{Inventory, Role};
use reconcile::{NodeRoute, Reconciled};
use serde::Serialize;
use steps::{Action, PackageSpec, Step};
use thiserror::Error;
use windows::{Packing, WindowSpec, WindowUse};

/// The `schema` value of the JSON output.
pub const ROLLOUT_SCHEMA: &str = "upgrade-planner/rollout/v1";

/// What to roll out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RolloutRequest {
    /// The target version (or `latest`: the newest the least advanced node can reach).
    pub to: Target,
    /// Upgrade only these nodes (by name); `None`: the whole cluster.
    pub only: Option<Vec<String>>,
    /// Maintenance windows to pack the steps into.
    pub windows: Option<WindowSpec>,
    /// The planner's objective for every node's route.
    pub objective: Objective,
    /// Order every stage primary first, secondary second, whatever the zones (PowerStore's rule;
    /// zones then order only the other nodes). Default: zones go together (see [`order`]).
    pub leaders_first: bool,
}

impl RolloutRequest {
    /// A rollout of the whole cluster to `to` (`latest` is accepted), no windows.
    pub fn new(to: &str) -> Self {
        RolloutRequest {
            to: if to == "latest" {
                Target::Latest
            } else {
                Target::Version(to.to_string())
            },
            only: None,
            windows: None,
            objective: Objective::Hops,
            leaders_first: false,
        }
    }

    /// Upgrades only these nodes.
    #[must_use]
    pub fn only(mut self, nodes: Vec<String>) -> Self {
        self.only = Some(nodes);
        self
    }

    /// Packs the steps into these windows.
    #[must_use]
    pub fn windows(mut self, spec: WindowSpec) -> Self {
        self.windows = Some(spec);
        self
    }
}

/// A stage of the rollout and the nodes that take part, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RolloutStage {
    /// The version installed at this stage.
    pub version: String,
    /// `binary_stop` or `target`.
    pub kind: StageKind,
    /// The nodes upgraded at this stage in this rollout, in order.
    pub nodes: Vec<String>,
    /// Nodes skipped at this stage because they are already at or past it.
    pub skipped: Vec<String>,
}

/// One node's summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NodeSummary {
    /// Name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Zone, if any.
    pub zone: Option<String>,
    /// The `joined` value as written (a number or an RFC 3339 time).
    pub joined: String,
    /// Position in the cluster's upgrade order (0: first).
    pub position: usize,
    /// Whether this rollout upgrades the node (false: left out by `--only`).
    pub selected: bool,
    /// The node's reconciled route.
    pub route: NodeRoute,
}

/// The whole rollout: what the JSON output is, field by field (see `docs/rollout.md`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rollout {
    /// Always [`ROLLOUT_SCHEMA`].
    pub schema: &'static str,
    /// The cluster's name, if the inventory gives one.
    pub cluster: Option<String>,
    /// The target version.
    pub target: String,
    /// The `--only` subset in cluster order, or null for the whole cluster.
    pub only: Option<Vec<String>>,
    /// The stages, in order, with the nodes upgraded at each.
    pub stages: Vec<RolloutStage>,
    /// The maintenance windows used (empty without `--window`/`--windows`).
    pub windows: Vec<WindowUse>,
    /// Every step, in execution order.
    pub steps: Vec<Step>,
    /// Indexes of steps that do not fit the windows (a tail of `steps`).
    pub unscheduled: Vec<usize>,
    /// Why those steps do not fit.
    pub unscheduled_reason: Option<String>,
    /// How many windows the whole cluster would need (with windows given; null when the whole
    /// cluster does not fit them).
    pub cluster_windows_needed: Option<usize>,
    /// The sum of every step's estimate, in seconds.
    pub total_seconds: u64,
    /// Every node in cluster order with its route.
    pub nodes: Vec<NodeSummary>,
    /// With known risks (`--risks`): every risk on a selected node's route (accepted, or
    /// evaluated not to apply to that node) or on the route it avoids, with each node's verdict.
    /// Absent without risks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub known_risks: Option<Vec<KnownRisk>>,
}

/// Known risks for a rollout: the risks bound to the dependency graph and the names accepted
/// (`--accept-risk`). Each node is assessed with its own facts (the inventory's `facts:`, the
/// node's replacing the cluster's name by name).
#[derive(Debug, Clone, Copy)]
pub struct RolloutRisks<'a> {
    /// The risks, bound to the graph being planned on.
    pub risks: &'a RiskGraph<'a>,
    /// The accepted risk names.
    pub accepted: &'a [String],
}

/// One node's verdict on one risk of its route.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NodeRiskVerdict {
    /// The node.
    pub node: String,
    /// The edge's source version.
    pub from: String,
    /// The edge's target version.
    pub to: String,
    /// `matched`, `not_matched` or `unknown`, from the node's facts.
    pub evaluation: &'static str,
    /// `accepted` (it applies; the route takes it because it is accepted), `not_applicable`
    /// (the node's facts say it does not apply; the route takes the edge), or `avoided` (it
    /// applies; the node's route goes around the edge).
    pub verdict: &'static str,
    /// The rule that decided, or null when nothing could be evaluated.
    pub rule: Option<String>,
}

/// A known risk of a rollout, with what it means for each node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KnownRisk {
    /// The risk's name.
    pub name: String,
    /// Where the issue is explained.
    pub url: String,
    /// What goes wrong, and what to do about it.
    pub message: String,
    /// The first version with the fix, when known.
    pub fixed_in: Option<String>,
    /// The queries of the risk's SQL rules: run them before the window.
    pub sql: Vec<String>,
    /// The facts its Fact rules read.
    pub facts: Vec<String>,
    /// Every selected node's verdict, in cluster order.
    pub nodes: Vec<NodeRiskVerdict>,
}

/// Why a rollout was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RolloutError {
    /// The inventory has no nodes.
    #[error("the inventory has no nodes")]
    EmptyCluster,
    /// The target is not in the dependency file.
    #[error(
        "unknown target version `{to}`{}",
        list("; nearest known versions: ", nearest)
    )]
    UnknownTarget {
        /// The target asked for.
        to: String,
        /// Nearest known versions.
        nearest: Vec<String>,
    },
    /// The target is deprecated.
    #[error(
        "target `{to}` is deprecated and cannot be upgraded to{}",
        list("; upgrade to one of: ", alternatives)
    )]
    DeprecatedTarget {
        /// The target asked for.
        to: String,
        /// Versions to aim for instead.
        alternatives: Vec<String>,
    },
    /// A node's installed version is not in the dependency file.
    #[error(
        "node `{node}` runs `{version}`, which the dependency file does not know{}",
        list("; nearest known versions: ", nearest)
    )]
    UnknownVersion {
        /// The node.
        node: String,
        /// Its installed version.
        version: String,
        /// Nearest known versions.
        nearest: Vec<String>,
    },
    /// A node is already past the target.
    #[error(
        "node `{node}` runs `{version}`, past the target `{target}`; downgrades are not planned: choose a target at or after `{version}`"
    )]
    PastTarget {
        /// The node.
        node: String,
        /// Its version.
        version: String,
        /// The target.
        target: String,
    },
    /// A node has no route to the target.
    #[error("node `{node}` (at `{version}`) cannot be upgraded: {reason}")]
    NoRoute {
        /// The node.
        node: String,
        /// Its installed version.
        version: String,
        /// The planner's explanation.
        reason: String,
    },
    /// Nodes on different versions cannot converge.
    #[error("{0}")]
    CannotConverge(Box<Divergence>),
    /// `--only` names nodes the inventory does not have.
    #[error("--only names unknown node(s): {}; the cluster has: {}", names.join(", "), known.join(", "))]
    UnknownNodes {
        /// The unknown names.
        names: Vec<String>,
        /// Every node's name.
        known: Vec<String>,
    },
    /// The subset breaks the order rule.
    #[error(
        "the subset breaks the upgrade order: `{node}` ({role}) would reach stage `{stage}` before the {first_role} \
         `{first}` (at `{first_version}`) has reached it; `{first}` must come first: add it to --only, or \
         upgrade it in an earlier window"
    )]
    SubsetOrder {
        /// The node that would go too early.
        node: String,
        /// Its role.
        role: Role,
        /// The stage.
        stage: String,
        /// The node that must come first.
        first: String,
        /// Its role (`primary` or `secondary`).
        first_role: Role,
        /// Its installed version.
        first_version: String,
    },
    /// Every route of a node takes an update a known risk makes not recommended for that node.
    #[error(
        "node `{node}` (at `{version}`) has no recommended route: every route takes an update a \
         known risk applies to for this node; with {} its route would be {} (risks: {})",
        accept_flags(risks),
        route.join(" -> "),
        risks.iter().map(|r| format!("{} ({} -> {}, {})", r.name, r.from, r.to, r.evaluation)).collect::<Vec<_>>().join(", ")
    )]
    NotRecommended {
        /// The node.
        node: String,
        /// Its installed version.
        version: String,
        /// The risks that apply to the node and are not accepted, on the route below.
        risks: Vec<RiskReport>,
        /// The route accepting them gives.
        route: Vec<String>,
    },
    /// The planner's exact search hit its budget.
    #[error("the route search is too large (more than {steps} steps); use --objective hops")]
    SearchLimit {
        /// The budget.
        steps: usize,
    },
}

/// Why a node cannot converge with the others (see [`RolloutError::CannotConverge`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Divergence {
    /// The node that cannot follow.
    pub node: String,
    /// Its version.
    pub version: String,
    /// The stage it cannot reach.
    pub stage: String,
    /// The nodes that install the binary at that stage.
    pub needed_by: Vec<String>,
    /// The node's own route.
    pub route: Vec<String>,
    /// Why (the planner's explanation).
    pub reason: String,
    /// An `--only` subset that was planned successfully (the other nodes without this one, or
    /// this node alone), when one exists.
    pub advice: Option<Vec<String>>,
}

impl std::fmt::Display for Divergence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let who = match self.needed_by.as_slice() {
            [] => "other nodes install".to_string(),
            [one] => format!("`{one}` installs"),
            many => format!(
                "{} install",
                many.iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        write!(
            f,
            "the nodes cannot converge: node `{}` (at `{}`) cannot pass through stage `{}`, where {who} \
             the binary ({}); its own route is {}. ",
            self.node,
            self.version,
            self.stage,
            self.reason,
            self.route.join(" -> ")
        )?;
        match &self.advice {
            Some(only) if only.len() == 1 && only.first() == Some(&self.node) => write!(
                f,
                "Upgrade `{}` on its own first (--only {}), then plan the others again",
                self.node, self.node
            ),
            Some(only) => write!(
                f,
                "Leave `{}` out of this rollout (--only {}) and upgrade it on its own later, or \
                 bring the nodes to a common version first",
                self.node,
                only.join(",")
            ),
            None => f.write_str(
                "No subset with or without it can be planned either: bring the nodes to a common \
                 version first (upgrade them one by one with `plan`)",
            ),
        }
    }
}

impl std::error::Error for Divergence {}

/// `--accept-risk A --accept-risk B` for the distinct names of `risks`.
fn accept_flags(risks: &[RiskReport]) -> String {
    let mut names: Vec<&str> = Vec::new();
    for r in risks {
        if !names.contains(&r.name.as_str()) {
            names.push(&r.name);
        }
    }
    names
        .iter()
        .map(|n| format!("--accept-risk {n}"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn list(prefix: &str, items: &[String]) -> String {
    if items.is_empty() {
        String::new()
    } else {
        format!("{prefix}{}", items.join(", "))
    }
}

impl RolloutError {
    /// Stable snake_case kind for JSON output.
    pub fn kind(&self) -> &'static str {
        match self {
            RolloutError::EmptyCluster => "invalid_inventory",
            RolloutError::UnknownTarget { .. } => "unknown_target",
            RolloutError::DeprecatedTarget { .. } => "deprecated_target",
            RolloutError::UnknownVersion { .. } => "unknown_version",
            RolloutError::PastTarget { .. } => "past_target",
            RolloutError::NoRoute { .. } => "no_route",
            RolloutError::NotRecommended { .. } => "not_recommended",
            RolloutError::CannotConverge(_) => "cannot_converge",
            RolloutError::UnknownNodes { .. } => "unknown_node",
            RolloutError::SubsetOrder { .. } => "subset_order",
            RolloutError::SearchLimit { .. } => "search_limit",
        }
    }

    /// Whether the refusal is about the input (exit 2) rather than the plan (exit 1).
    pub fn is_input_error(&self) -> bool {
        matches!(
            self,
            RolloutError::EmptyCluster
                | RolloutError::UnknownNodes { .. }
                | RolloutError::SearchLimit { .. }
        )
    }
}

/// Plans the rollout of `inv` to the request's target on `graph`.
pub fn plan_rollout(
    graph: &DepGraph,
    inv: &Inventory,
    request: &RolloutRequest,
) -> Result<Rollout, RolloutError> {
    plan_with_advice(graph, inv, request, None, true)
}

/// [`plan_rollout`] with known risks: every node's route avoids the edges its own facts make
/// not recommended (a node that cannot is refused, `not_recommended`), and the rollout lists
/// every known risk of the routes with each node's verdict (`known_risks`).
pub fn plan_rollout_with_risks(
    graph: &DepGraph,
    inv: &Inventory,
    request: &RolloutRequest,
    risks: RolloutRisks,
) -> Result<Rollout, RolloutError> {
    plan_with_advice(graph, inv, request, Some(risks), true)
}

/// [`plan_rollout`]; when `advise`, a `cannot_converge` refusal is given an `--only` subset that
/// was planned successfully (tried here, so the advice is known to work).
fn plan_with_advice(
    graph: &DepGraph,
    inv: &Inventory,
    request: &RolloutRequest,
    risks: Option<RolloutRisks>,
    advise: bool,
) -> Result<Rollout, RolloutError> {
    if inv.nodes.is_empty() {
        return Err(RolloutError::EmptyCluster);
    }
    let assessments: Option<Vec<Assessment>> = risks.map(|r| {
        (0..inv.nodes.len())
            .map(|i| r.risks.assess(inv.node_facts(i).as_ref(), r.accepted))
            .collect()
    });
    let order = if request.leaders_first {
        order::leaders_first_order(inv)
    } else {
        order::cluster_order(inv)
    };
    let positions = order::positions_in(&order, inv.nodes.len());
    let selected = select(inv, request.only.as_deref())?;
    let rec = match reconcile::reconcile(
        graph,
        inv,
        &request.to,
        request.objective,
        &selected,
        assessments.as_deref(),
    ) {
        Ok(rec) => rec,
        Err(RolloutError::CannotConverge(mut d)) if advise => {
            d.advice = advice(graph, inv, request, risks, &order, &selected, &d.node);
            return Err(RolloutError::CannotConverge(d));
        }
        Err(e) => return Err(e),
    };
    let known_risks = match (risks, &assessments) {
        (Some(r), Some(a)) => Some(known_risks(
            graph,
            &rec,
            &order,
            &selected,
            r.risks,
            a,
            request.objective,
        )),
        _ => None,
    };
    if request.only.is_some() {
        check_subset(graph, inv, &rec, &selected, &positions)?;
    }
    let mut steps = build_steps(inv, &rec, &order, &selected);
    let (windows, unscheduled, reason, needed) = match &request.windows {
        None => (Vec::new(), Vec::new(), None, None),
        Some(spec) => {
            let Packing {
                windows,
                unscheduled,
                reason,
            } = windows::pack(&mut steps, spec);
            let needed = if request.only.is_some() {
                let all = vec![true; inv.nodes.len()];
                let mut full = build_steps(inv, &rec, &order, &all);
                let p = windows::pack(&mut full, spec);
                p.unscheduled.is_empty().then_some(p.windows.len())
            } else {
                unscheduled.is_empty().then_some(windows.len())
            };
            (windows, unscheduled, reason, needed)
        }
    };
    let stages = rec
        .stages
        .iter()
        .map(|s| RolloutStage {
            version: s.version.clone(),
            kind: s.kind,
            nodes: order
                .iter()
                .filter(|&&i| {
                    selected.get(i).copied().unwrap_or(false)
                        && rec
                            .routes
                            .get(i)
                            .is_some_and(|r| r.stages.contains(&s.version))
                })
                .filter_map(|&i| inv.nodes.get(i).map(|n| n.name.clone()))
                .collect(),
            skipped: order
                .iter()
                .filter(|&&i| rec.reached(graph, i, &s.version))
                .filter_map(|&i| inv.nodes.get(i).map(|n| n.name.clone()))
                .collect(),
        })
        .collect();
    let nodes = order
        .iter()
        .filter_map(|&i| {
            let n = inv.nodes.get(i)?;
            Some(NodeSummary {
                name: n.name.clone(),
                role: n.role,
                zone: n.zone.clone(),
                joined: n.joined.to_string(),
                position: positions.get(i).copied().unwrap_or(0),
                selected: selected.get(i).copied().unwrap_or(false),
                route: rec.routes.get(i)?.clone(),
            })
        })
        .collect();
    Ok(Rollout {
        schema: ROLLOUT_SCHEMA,
        cluster: inv.cluster.clone(),
        target: rec.target.clone(),
        only: request.only.as_ref().map(|_| {
            order
                .iter()
                .filter(|&&i| selected.get(i).copied().unwrap_or(false))
                .filter_map(|&i| inv.nodes.get(i).map(|n| n.name.clone()))
                .collect()
        }),
        stages,
        windows,
        total_seconds: steps.iter().map(|s| s.estimate_seconds).sum(),
        steps,
        unscheduled,
        unscheduled_reason: reason,
        cluster_windows_needed: needed,
        nodes,
        known_risks,
    })
}

/// Every risk on a selected node's route, or on the route the node would take without risks,
/// with each node's verdict; risks in file order, nodes in cluster order.
fn known_risks(
    graph: &DepGraph,
    rec: &Reconciled,
    order: &[usize],
    selected: &[bool],
    bound: &RiskGraph,
    assessments: &[Assessment],
    objective: Objective,
) -> Vec<KnownRisk> {
    let risks = bound.set().risks();
    let mut per_risk: Vec<Vec<NodeRiskVerdict>> = vec![Vec::new(); risks.len()];
    let name = |ix: petgraph::graph::NodeIndex| graph.node(ix).version.as_str().to_string();
    for &i in order {
        let (Some(route), Some(a)) = (rec.routes.get(i), assessments.get(i)) else {
            continue;
        };
        if !selected.get(i).copied().unwrap_or(false) || route.path.len() < 2 {
            continue;
        }
        let path: Vec<_> = route.path.iter().filter_map(|v| graph.find(v)).collect();
        let mut add = |r: usize, a_ix, b_ix, verdict: &'static str| {
            let (Some(v), Some(list)) = (a.verdict(r), per_risk.get_mut(r)) else {
                return;
            };
            list.push(NodeRiskVerdict {
                node: route.node.clone(),
                from: name(a_ix),
                to: name(b_ix),
                evaluation: v.evaluation.as_str(),
                verdict,
                rule: v
                    .rule
                    .and_then(|k| risks.get(r).and_then(|x| x.rules.get(k)))
                    .map(MatchingRule::describe),
            });
        };
        for w in path.windows(2) {
            let (Some(&x), Some(&y)) = (w.first(), w.get(1)) else {
                continue;
            };
            for &r in bound.risks_on(x, y) {
                let applies = a.verdict(r).is_some_and(|v| v.applies());
                add(
                    r,
                    x,
                    y,
                    if applies {
                        "accepted"
                    } else {
                        "not_applicable"
                    },
                );
            }
        }
        // The route the node would take without risks: what its route goes around.
        let free = graph.plan(
            &PlanRequest::new(route.start.clone(), Target::Version(rec.target.clone()))
                .objective(objective),
        );
        if let Ok(free) = free
            && free.path != route.path
        {
            let other: Vec<_> = free.path.iter().filter_map(|v| graph.find(v)).collect();
            for w in other.windows(2) {
                let (Some(&x), Some(&y)) = (w.first(), w.get(1)) else {
                    continue;
                };
                if path.windows(2).any(|p| p == [x, y]) {
                    continue;
                }
                for &r in bound.risks_on(x, y) {
                    if a.verdict(r).is_some_and(|v| v.applies()) && !a.is_accepted(r) {
                        add(r, x, y, "avoided");
                    }
                }
            }
        }
    }
    risks
        .iter()
        .zip(per_risk)
        .filter(|(_, nodes)| !nodes.is_empty())
        .map(|(r, nodes)| {
            let mut sql = Vec::new();
            let mut facts = Vec::new();
            for rule in &r.rules {
                match rule {
                    MatchingRule::Sql { sql: q } if !sql.contains(q) => sql.push(q.clone()),
                    MatchingRule::Fact { fact, .. } if !facts.contains(fact) => {
                        facts.push(fact.clone())
                    }
                    _ => {}
                }
            }
            KnownRisk {
                name: r.name.clone(),
                url: r.url.clone(),
                message: r.message.clone(),
                fixed_in: r.fixed_in.clone(),
                sql,
                facts,
                nodes,
            }
        })
        .collect()
}

/// An `--only` subset that plans successfully when `node` cannot converge: the selected nodes
/// without it, else `node` alone. `None` when neither plans.
fn advice(
    graph: &DepGraph,
    inv: &Inventory,
    request: &RolloutRequest,
    risks: Option<RolloutRisks>,
    order: &[usize],
    selected: &[bool],
    node: &str,
) -> Option<Vec<String>> {
    let names = |keep: &dyn Fn(&str) -> bool| -> Vec<String> {
        order
            .iter()
            .filter(|&&i| selected.get(i).copied().unwrap_or(false))
            .filter_map(|&i| inv.nodes.get(i).map(|n| n.name.clone()))
            .filter(|n| keep(n))
            .collect()
    };
    let without = names(&|n| n != node);
    let alone = names(&|n| n == node);
    [without, alone].into_iter().find(|only| {
        !only.is_empty()
            && plan_with_advice(
                graph,
                inv,
                &request.clone().only(only.clone()),
                risks,
                false,
            )
            .is_ok()
    })
}

/// Which nodes take part: all, or the `--only` names (every name must exist).
fn select(inv: &Inventory, only: Option<&[String]>) -> Result<Vec<bool>, RolloutError> {
    let Some(names) = only else {
        return Ok(vec![true; inv.nodes.len()]);
    };
    let mut selected = vec![false; inv.nodes.len()];
    let mut unknown = Vec::new();
    for name in names {
        match inv.find(name) {
            Some(i) => {
                if let Some(s) = selected.get_mut(i) {
                    *s = true;
                }
            }
            None => unknown.push(name.clone()),
        }
    }
    if unknown.is_empty() {
        Ok(selected)
    } else {
        Err(RolloutError::UnknownNodes {
            names: unknown,
            known: inv.nodes.iter().map(|n| n.name.clone()).collect(),
        })
    }
}

/// The `--only` rule: no secondary or member reaches a stage before the primary has reached it
/// (already, or earlier in this rollout), no member before the secondary (when the secondary comes
/// before it in the cluster order, which it always does without zones).
fn check_subset(
    graph: &DepGraph,
    inv: &Inventory,
    rec: &Reconciled,
    selected: &[bool],
    positions: &[usize],
) -> Result<(), RolloutError> {
    let leaders: Vec<usize> = [inv.primary(), inv.secondary()]
        .into_iter()
        .flatten()
        .collect();
    let does = |i: usize, stage: &str| {
        selected.get(i).copied().unwrap_or(false)
            && rec
                .routes
                .get(i)
                .is_some_and(|r| r.stages.iter().any(|s| s == stage))
    };
    for stage in &rec.stages {
        for (i, n) in inv.nodes.iter().enumerate() {
            if !does(i, &stage.version) {
                continue;
            }
            for &l in &leaders {
                let Some(leader) = inv.nodes.get(l) else {
                    continue;
                };
                // Only leaders that come before the node in the cluster order (with zones, a
                // secondary in a later zone does not hold back an earlier zone's members).
                if leader.role >= n.role || positions.get(l) > positions.get(i) {
                    continue;
                }
                if rec.reached(graph, l, &stage.version) || does(l, &stage.version) {
                    continue;
                }
                return Err(RolloutError::SubsetOrder {
                    node: n.name.clone(),
                    role: n.role,
                    stage: stage.version.clone(),
                    first: leader.name.clone(),
                    first_role: leader.role,
                    first_version: leader.version.clone(),
                });
            }
        }
    }
    Ok(())
}

/// The steps: for every stage, for every selected node in cluster order that installs the binary
/// at that stage, its four steps.
fn build_steps(inv: &Inventory, rec: &Reconciled, order: &[usize], selected: &[bool]) -> Vec<Step> {
    let mut steps = Vec::new();
    for stage in &rec.stages {
        for &i in order {
            let (Some(n), Some(route)) = (inv.nodes.get(i), rec.routes.get(i)) else {
                continue;
            };
            if !selected.get(i).copied().unwrap_or(false) {
                continue;
            }
            let Some(pos) = route.stages.iter().position(|s| *s == stage.version) else {
                continue;
            };
            let from = match pos.checked_sub(1).and_then(|p| route.stages.get(p)) {
                Some(prev) => prev.clone(),
                None => route.start.clone(),
            };
            for action in Action::ALL {
                steps.push(Step {
                    index: steps.len(),
                    stage: stage.version.clone(),
                    node: n.name.clone(),
                    action,
                    window: None,
                    package: (action == Action::InstallBinary)
                        .then(|| PackageSpec::for_stage(&inv.package, &stage.version)),
                    role: n.role,
                    zone: n.zone.clone(),
                    from: from.clone(),
                    asynchronous: action == Action::Reboot && n.role == Role::Primary,
                    estimate_seconds: action.estimate(&n.estimates).as_secs(),
                });
            }
        }
    }
    steps
}

/// Entry point for fuzzing and corpus replay: parses `data` as an inventory and as a windows file,
/// and orders a valid inventory. Never panics.
pub fn fuzz_inventory(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(inv) = Inventory::parse(text) {
        let order = order::cluster_order(&inv);
        debug_assert_eq!(order.len(), inv.nodes.len());
    }
    let _ = windows::parse_windows(text);
}

#[cfg(test)]
mod tests {
    use super::packages::{CandidatePackage, MemoryPackageSource, resolve};
    use super::*;

    fn graph() -> DepGraph {
        DepGraph::from_path("data/seed-oceanbase-ce-4.2.1.1.yml".as_ref(), None).unwrap()
    }

    fn pkg(version: &str, release: &str, ok: bool) -> CandidatePackage {
        CandidatePackage {
            name: "oceanbase-ce".into(),
            version: version.into(),
            release: release.into(),
            file: format!("oceanbase-ce-{version}-{release}.x86_64.rpm"),
            digests_ok: ok,
            arch: "x86_64".into(),
            refused: None,
            ..CandidatePackage::default()
        }
    }

    #[test]
    fn install_steps_resolve_against_a_package_source() {
        let inv = Inventory::parse(
            "nodes:\n  - {name: p, role: primary, joined: 1, version: 4.1.0.0}\n  \
             - {name: m, role: member, joined: 2, version: 4.1.0.0}\n",
        )
        .unwrap();
        let mut r = plan_rollout(&graph(), &inv, &RolloutRequest::new("4.3.0.0")).unwrap();
        let source = MemoryPackageSource {
            packages: vec![
                pkg("4.2.1.1", "100000102023092807.el7", true),
                pkg("4.2.1.1", "100000102023100100.el7", false),
                pkg("4.3.0.0", "100000242024032211.el7", false),
            ],
        };
        let missing = resolve(&mut r.steps, &source).unwrap();
        let first = r.steps[0].package.as_ref().unwrap();
        assert!(first.resolved);
        assert_eq!(first.release.as_deref(), Some("100000102023092807.el7"));
        assert_eq!(missing.len(), 1);
        assert_eq!(missing[0].stage, "4.3.0.0");
        assert_eq!(missing[0].nodes, ["p", "m"]);
        assert!(
            missing[0].reason.contains("digest"),
            "{}",
            missing[0].reason
        );
    }

    #[test]
    fn build_specific_stage_needs_a_build_at_least_n() {
        let spec = PackageSpec::for_stage("oceanbase-ce", "4.1.0.0-100000192023032010");
        assert_eq!(spec.version, "4.1.0.0");
        assert_eq!(spec.min_build.as_deref(), Some("100000192023032010"));
    }

    #[test]
    fn fuzz_entry_survives_garbage() {
        fuzz_inventory(b"\xff\xfe");
        fuzz_inventory(b"nodes: [{name: [a], role: {}, joined: -1, version: ~}]");
        fuzz_inventory(b"- {start_after: 1, expire: 2}");
    }
}
