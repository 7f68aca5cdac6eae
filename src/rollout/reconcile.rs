//! Routes for nodes on different versions (a half-finished upgrade), reconciled onto shared stages.
//!
//! Every node gets its own route from its installed version to the target (the planner's route).
//! The cluster's stages are the union of the nodes' stages (binary stops and the target), in
//! version order. A node still below a cluster stage that its own route does not stop at is made to
//! converge: its route is re-planned through that stage (segment by segment, so barrier conditions
//! are evaluated from the right last stop), and the stage is recorded in [`NodeRoute::shared`]. This
//! repeats until no route changes. Nodes at or past a stage skip it.
//!
//! Refusals: a node's version is not in the dependency file; a node is past the target (no
//! downgrades); a node has no route to the target; a node cannot pass through a stage another node
//! must install (so the cluster would never run one version at that stage).

use super::inventory::Inventory;
use super::{Divergence, RolloutError};
use crate::depgraph::DepGraph;
use crate::limits;
use crate::planner::{Objective, Plan, PlanError, PlanRequest, StageKind, Target};
use crate::risks::Assessment;
use petgraph::graph::NodeIndex;
use serde::Serialize;
use std::collections::HashMap;

/// One node's route to the target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NodeRoute {
    /// The node's name.
    pub node: String,
    /// The version installed now, as the inventory writes it.
    pub installed: String,
    /// The dependency-file version the installed version resolves to.
    pub start: String,
    /// Every version on the route, start and target included (only the start when already there).
    pub path: Vec<String>,
    /// The versions where this node installs the binary, in order (binary stops, then the target).
    pub stages: Vec<String>,
    /// Stages added so that this node converges with the others (a subset of `stages`).
    pub shared: Vec<String>,
}

/// A stage of the whole cluster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClusterStage {
    /// The version installed at this stage.
    pub version: String,
    /// `binary_stop` or `target`.
    pub kind: StageKind,
}

/// The reconciled routes of every node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reconciled {
    /// The target version.
    pub target: String,
    /// The cluster's stages, in version order, the target last.
    pub stages: Vec<ClusterStage>,
    /// One route per inventory node, in inventory order.
    pub routes: Vec<NodeRoute>,
}

impl Reconciled {
    /// Whether the node (by inventory index) has reached `stage` before the rollout starts.
    pub fn reached(&self, graph: &DepGraph, node: usize, stage: &str) -> bool {
        let (Some(r), Some(s)) = (self.routes.get(node), graph.find(stage)) else {
            return false;
        };
        graph
            .find(&r.start)
            .is_some_and(|ix| graph.node(ix).version >= graph.node(s).version)
    }
}

struct Work {
    start: NodeIndex,
    path: Vec<NodeIndex>,
    stages: Vec<NodeIndex>,
    shared: Vec<NodeIndex>,
}

/// Plans every node's route to `to` and reconciles the routes of the `selected` nodes (by
/// inventory index; `--only`) onto shared stages. Nodes left out keep their own route: they take
/// no part in this rollout, so their stages neither join the cluster's nor block convergence.
///
/// `risks`: with known risks, each node's assessment (by inventory index, from its own facts):
/// every route and segment of that node avoids its not-recommended edges.
pub fn reconcile(
    graph: &DepGraph,
    inv: &Inventory,
    to: &Target,
    objective: Objective,
    selected: &[bool],
    risks: Option<&[Assessment]>,
) -> Result<Reconciled, RolloutError> {
    let node_risks = |i: usize| risks.and_then(|r| r.get(i));
    let is_selected = |i: usize| selected.get(i).copied().unwrap_or(false);
    let version = |ix: NodeIndex| &graph.node(ix).version;
    let name = |ix: NodeIndex| graph.node(ix).version.as_str().to_string();
    let mut starts = Vec::with_capacity(inv.nodes.len());
    for n in &inv.nodes {
        let ix = graph.resolve_node(&n.version, false).map_err(|nearest| {
            RolloutError::UnknownVersion {
                node: n.name.clone(),
                version: n.version.clone(),
                nearest,
            }
        })?;
        starts.push(ix);
    }
    let target = match to {
        Target::Version(t) => {
            graph
                .resolve_node(t, true)
                .map_err(|nearest| RolloutError::UnknownTarget {
                    to: t.clone(),
                    nearest,
                })?
        }
        Target::Latest => {
            // The newest version the least advanced node can reach.
            let Some((i, &oldest)) = starts
                .iter()
                .enumerate()
                .min_by(|&(_, &a), &(_, &b)| version(a).cmp(version(b)))
            else {
                return Err(RolloutError::EmptyCluster);
            };
            let plan = plan_for(
                graph,
                node_risks(i),
                &PlanRequest::new(name(oldest), Target::Latest).objective(objective),
            )
            .map_err(|e| node_plan_error(inv, i, e))?;
            graph.find(&plan.to).unwrap_or(oldest)
        }
    };
    let mut work = Vec::with_capacity(starts.len());
    for (i, &start) in starts.iter().enumerate() {
        if start == target {
            work.push(Work {
                start,
                path: vec![start],
                stages: Vec::new(),
                shared: Vec::new(),
            });
            continue;
        }
        if version(start) > version(target) {
            return Err(RolloutError::PastTarget {
                node: node_name(inv, i),
                version: name(start),
                target: name(target),
            });
        }
        let (path, stages) = segment(graph, node_risks(i), start, target, objective)
            .map_err(|e| node_plan_error(inv, i, e))?;
        work.push(Work {
            start,
            path,
            stages,
            shared: Vec::new(),
        });
    }
    let mut rounds = 0;
    loop {
        let merged = merged_stages(graph, &work, selected);
        let mut owners: HashMap<NodeIndex, Vec<String>> = HashMap::new();
        for (i, w) in work.iter().enumerate().filter(|&(i, _)| is_selected(i)) {
            for &s in &w.stages {
                owners.entry(s).or_default().push(node_name(inv, i));
            }
        }
        let mut changed = false;
        for (i, w) in work.iter_mut().enumerate() {
            if !is_selected(i) {
                continue;
            }
            let needed: Vec<NodeIndex> = merged
                .iter()
                .copied()
                .filter(|&s| s != target && version(s) > version(w.start) && !w.stages.contains(&s))
                .collect();
            if needed.is_empty() {
                continue;
            }
            let mut waypoints: Vec<NodeIndex> = w
                .stages
                .iter()
                .copied()
                .filter(|&s| s != target)
                .chain(needed.iter().copied())
                .collect();
            waypoints.sort_by(|&a, &b| version(a).cmp(version(b)));
            waypoints.dedup();
            let mut path = vec![w.start];
            let mut stages = Vec::new();
            let mut from = w.start;
            for &to in waypoints.iter().chain(std::iter::once(&target)) {
                let (seg, seg_stages) = segment(graph, node_risks(i), from, to, objective)
                    .map_err(|e| {
                        let blocked = if needed.contains(&to) {
                            to
                        } else {
                            needed.first().copied().unwrap_or(to)
                        };
                        RolloutError::CannotConverge(Box::new(Divergence {
                            node: node_name(inv, i),
                            version: name(w.start),
                            stage: name(blocked),
                            needed_by: owners.get(&blocked).cloned().unwrap_or_default(),
                            route: w.path.iter().map(|&ix| name(ix)).collect(),
                            reason: e.to_string(),
                            advice: None,
                        }))
                    })?;
                path.extend(seg.into_iter().skip(1));
                stages.extend(seg_stages);
                from = to;
            }
            w.path = path;
            w.stages = stages;
            w.shared.extend(needed);
            changed = true;
        }
        rounds += 1;
        if !changed || rounds >= limits::MAX_RECONCILE_ROUNDS {
            break;
        }
    }
    let merged = merged_stages(graph, &work, selected);
    Ok(Reconciled {
        target: name(target),
        stages: merged
            .iter()
            .map(|&s| ClusterStage {
                version: name(s),
                kind: if s == target {
                    StageKind::Target
                } else {
                    StageKind::BinaryStop
                },
            })
            .collect(),
        routes: work
            .iter()
            .zip(&inv.nodes)
            .map(|(w, n)| NodeRoute {
                node: n.name.clone(),
                installed: n.version.clone(),
                start: name(w.start),
                path: w.path.iter().map(|&ix| name(ix)).collect(),
                stages: w.stages.iter().map(|&ix| name(ix)).collect(),
                shared: {
                    let mut s = w.shared.clone();
                    s.sort_by(|&a, &b| version(a).cmp(version(b)));
                    s.into_iter().map(name).collect()
                },
            })
            .collect(),
    })
}

fn node_name(inv: &Inventory, i: usize) -> String {
    inv.nodes.get(i).map(|n| n.name.clone()).unwrap_or_default()
}

/// The planner's plan, honouring a node's known risks when it has an assessment.
fn plan_for(
    graph: &DepGraph,
    risks: Option<&Assessment>,
    request: &PlanRequest,
) -> Result<Plan, PlanError> {
    match risks {
        Some(a) => a.plan(request),
        None => graph.plan(request),
    }
}

/// The planner's route from `from` to `to`: the path and the stages (binary stops, then `to`).
fn segment(
    graph: &DepGraph,
    risks: Option<&Assessment>,
    from: NodeIndex,
    to: NodeIndex,
    objective: Objective,
) -> Result<(Vec<NodeIndex>, Vec<NodeIndex>), PlanError> {
    let name = |ix: NodeIndex| graph.node(ix).version.as_str().to_string();
    let plan = plan_for(
        graph,
        risks,
        &PlanRequest::new(name(from), Target::Version(name(to))).objective(objective),
    )?;
    let find = |v: &String| graph.find(v);
    let path: Vec<NodeIndex> = plan.path.iter().filter_map(find).collect();
    let mut stages: Vec<NodeIndex> = plan.binary_stops.iter().filter_map(find).collect();
    if from != to {
        stages.push(to);
    }
    Ok((path, stages))
}

/// The union of the selected routes' stages, in version order.
fn merged_stages(graph: &DepGraph, work: &[Work], selected: &[bool]) -> Vec<NodeIndex> {
    let mut all: Vec<NodeIndex> = work
        .iter()
        .zip(selected)
        .filter(|(_, s)| **s)
        .flat_map(|(w, _)| w.stages.iter().copied())
        .collect();
    all.sort_by(|&a, &b| {
        graph
            .node(a)
            .version
            .cmp(&graph.node(b).version)
            .then(a.cmp(&b))
    });
    all.dedup();
    all
}

/// Maps a planner refusal for node `i` to the rollout's refusal.
fn node_plan_error(inv: &Inventory, i: usize, e: PlanError) -> RolloutError {
    let version = || {
        inv.nodes
            .get(i)
            .map(|n| n.version.clone())
            .unwrap_or_default()
    };
    match e {
        PlanError::UnknownTarget { to, nearest } => RolloutError::UnknownTarget { to, nearest },
        PlanError::DeprecatedTarget { to, alternatives } => {
            RolloutError::DeprecatedTarget { to, alternatives }
        }
        PlanError::SearchLimit { steps } => RolloutError::SearchLimit { steps },
        PlanError::NotRecommended { risks, route, .. } => RolloutError::NotRecommended {
            node: node_name(inv, i),
            version: version(),
            risks,
            route: route.path,
        },
        other @ (PlanError::NoRoute { .. } | PlanError::UnknownStart { .. }) => {
            RolloutError::NoRoute {
                node: node_name(inv, i),
                version: version(),
                reason: other.to_string(),
            }
        }
    }
}
