//! "Where can I go from here?": every version an installed version can be upgraded to, each with
//! the hops, binary stops and deprecated transits of its best route, as `kubeadm upgrade plan` and
//! `oc adm upgrade` list available updates.
//!
//! A version is listed when the start reaches it, it is not deprecated and it is not the start.
//! Each route is exactly the one [`DepGraph::plan`] returns for that target and objective; all of
//! them come from one search over the whole graph per objective (one more per group of targets
//! that a `when_upgraded_to` list names, since those barriers fire only for their targets), not
//! one plan per version.
//!
//! ```
//! use upgrade_planner::{DepGraph, Objective};
//! let g = DepGraph::from_path("data/seed-oceanbase-ce-4.2.1.1.yml".as_ref(), None)?;
//! let t = g.targets("4.2.0.0", Objective::Hops)?;
//! assert_eq!(t.targets[0].version, "4.3.0.0"); // newest first
//! assert_eq!(t.targets[0].binary_stops, ["4.2.1.1"]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::depgraph::DepGraph;
use crate::limits;
use crate::planner::{Objective, PlanError, PlanRequest, Target, search};
use crate::risks::{Assessment, RiskReport};
use petgraph::graph::NodeIndex;
use serde::Serialize;

/// The schema id written in every targets JSON document.
pub const TARGETS_SCHEMA: &str = "upgrade-planner/targets/v1";

/// One version the start can be upgraded to, with its best route.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TargetRoute {
    /// The target version, as written in the YAML.
    pub version: String,
    /// Number of edges of the best route.
    pub hops: usize,
    /// Intermediate versions where the binary must be installed, in route order.
    pub binary_stops: Vec<String>,
    /// Deprecated intermediate versions the route passes through.
    pub deprecated_transits: Vec<String>,
    /// Every version on the route, start and target included.
    pub path: Vec<String>,
    /// Whether the version has no entry of its own in the file (it only appears as an upgrade
    /// target).
    pub implicit: bool,
    /// With known risks: the accepted risks the route takes. Absent without risks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accepted_risks: Option<Vec<RiskReport>>,
    /// A not-recommended target's risks (those that apply and are not accepted on its route).
    /// Absent for recommended targets.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub risks: Option<Vec<RiskReport>>,
}

/// Every upgrade target of a start. Serialises to the `upgrade-planner/targets/v1` JSON document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Targets {
    /// Always [`TARGETS_SCHEMA`].
    pub schema: &'static str,
    /// The resolved start node.
    pub from: String,
    /// The objective the routes are optimised for.
    pub objective: Objective,
    /// The targets, newest first (with known risks: those recommended routes reach).
    pub targets: Vec<TargetRoute>,
    /// With known risks: how many more versions only not-recommended routes reach.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_recommended_count: Option<usize>,
    /// With known risks and `--include-not-recommended`: those versions, newest first, each with
    /// the route accepting its risks gives and the risks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_recommended: Option<Vec<TargetRoute>>,
}

impl DepGraph {
    /// Every version `from` can be upgraded to (see the [module docs](crate::targets)). `from`
    /// resolves as in [`DepGraph::plan`]; an unknown start is [`PlanError::UnknownStart`], and
    /// [`PlanError::SearchLimit`] is possible under `stops` as for `plan`.
    pub fn targets(&self, from: &str, objective: Objective) -> Result<Targets, PlanError> {
        self.targets_with_risks(from, objective, None)
    }

    /// [`DepGraph::targets`] with an assessment of known risks (and whether to list the
    /// not-recommended targets too); see [`Assessment::targets`].
    pub(crate) fn targets_with_risks(
        &self,
        from: &str,
        objective: Objective,
        risks: Option<(&Assessment, bool)>,
    ) -> Result<Targets, PlanError> {
        let start = self
            .resolve_node(from, false)
            .map_err(|nearest| PlanError::UnknownStart {
                from: from.to_string(),
                nearest,
            })?;
        let blocked = risks.and_then(|(a, _)| a.blocked());
        let routes = self.routes_from(start, objective, blocked)?;
        let name = |ix: NodeIndex| self.node(ix).version.as_str().to_string();
        let entry = |t: NodeIndex, path: &[NodeIndex]| -> TargetRoute {
            let plan = self.make_plan(path, objective);
            let (refused, accepted) = match risks {
                Some((a, _)) => {
                    let (r, acc) = a.on_path(path);
                    (Some(r).filter(|r| !r.is_empty()), Some(acc))
                }
                None => (None, None),
            };
            TargetRoute {
                version: plan.to,
                hops: plan.hops,
                binary_stops: plan.binary_stops,
                deprecated_transits: plan.deprecated_transits,
                path: plan.path,
                implicit: !self.node(t).declared,
                accepted_risks: accepted,
                risks: refused,
            }
        };
        let newest_first = |list: &mut Vec<(NodeIndex, TargetRoute)>| {
            let index = self.route_index();
            list.sort_by_key(|(t, _)| std::cmp::Reverse(index.rank(t.index() as u32)));
        };
        let mut targets: Vec<(NodeIndex, TargetRoute)> = routes
            .iter()
            .map(|(t, path)| (*t, entry(*t, path)))
            .collect();
        newest_first(&mut targets);
        let mut out = Targets {
            schema: crate::targets::TARGETS_SCHEMA,
            from: name(start),
            objective,
            targets: targets.into_iter().map(|(_, t)| t).collect(),
            not_recommended_count: None,
            not_recommended: None,
        };
        if let Some((a, include)) = risks {
            let mut others: Vec<NodeIndex> = Vec::new();
            if blocked.is_some() {
                let mut recommended = vec![false; self.len()];
                for (t, _) in &routes {
                    if let Some(r) = recommended.get_mut(t.index()) {
                        *r = true;
                    }
                }
                for (t, _) in self.routes_from(start, objective, None)? {
                    if recommended.get(t.index()) != Some(&true) {
                        others.push(t);
                    }
                }
            }
            let index = self.route_index();
            others.sort_by_key(|t| std::cmp::Reverse(index.rank(t.index() as u32)));
            out.not_recommended_count = Some(others.len());
            if include {
                // Each one exactly as `plan` refuses it: the risks to accept and the route
                // accepting them gives.
                let mut list = Vec::with_capacity(others.len());
                for t in others {
                    let request = PlanRequest::new(name(start), Target::Version(name(t)))
                        .objective(objective);
                    match self.plan_with_risks(&request, Some(a)) {
                        Err(PlanError::NotRecommended { risks, route, .. }) => {
                            list.push(TargetRoute {
                                version: route.to,
                                hops: route.hops,
                                binary_stops: route.binary_stops,
                                deprecated_transits: route.deprecated_transits,
                                path: route.path,
                                implicit: !self.node(t).declared,
                                accepted_risks: route.accepted_risks,
                                risks: Some(risks),
                            });
                        }
                        Err(e @ PlanError::SearchLimit { .. }) => return Err(e),
                        _ => {}
                    }
                }
                out.not_recommended = Some(list);
            }
        }
        Ok(out)
    }

    /// The best route from `start` to every non-deprecated version it reaches (itself excluded),
    /// as [`DepGraph::plan`] would return each: `(target, path)`, in no particular order.
    pub(crate) fn routes_from(
        &self,
        start: NodeIndex,
        objective: Objective,
        blocked: Option<&[bool]>,
    ) -> Result<Vec<(NodeIndex, Vec<NodeIndex>)>, PlanError> {
        let index = self.route_index();
        let s = start.index() as u32;
        let reached = match blocked {
            Some(b) => index.reach_allowed(s, b),
            None => index.reach(s, true),
        };
        let candidates: Vec<u32> = self
            .nodes()
            .filter(|(ix, n)| {
                *ix != start && !n.deprecated && reached.get(ix.index()) == Some(&true)
            })
            .map(|(ix, _)| ix.index() as u32)
            .collect();
        let routes = search::solve_all(
            index,
            s,
            &candidates,
            objective,
            limits::MAX_EXACT_SEARCH_STATES,
            blocked,
        )
        .map_err(|_| PlanError::SearchLimit {
            steps: limits::MAX_EXACT_SEARCH_STATES,
        })?;
        let node = |i: u32| NodeIndex::new(i as usize);
        Ok(routes
            .into_iter()
            .map(|(t, path)| (node(t), path.into_iter().map(node).collect()))
            .collect())
    }
}
