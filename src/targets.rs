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
use crate::planner::{Objective, PlanError, search};
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
    /// The targets, newest first.
    pub targets: Vec<TargetRoute>,
}

impl DepGraph {
    /// Every version `from` can be upgraded to (see the [module docs](crate::targets)). `from`
    /// resolves as in [`DepGraph::plan`]; an unknown start is [`PlanError::UnknownStart`], and
    /// [`PlanError::SearchLimit`] is possible under `stops` as for `plan`.
    pub fn targets(&self, from: &str, objective: Objective) -> Result<Targets, PlanError> {
        let start = self
            .resolve_node(from, false)
            .map_err(|nearest| PlanError::UnknownStart {
                from: from.to_string(),
                nearest,
            })?;
        let routes = self.routes_from(start, objective)?;
        let name = |ix: NodeIndex| self.node(ix).version.as_str().to_string();
        let mut targets: Vec<(u32, TargetRoute)> = routes
            .into_iter()
            .map(|(t, path)| {
                let plan = self.make_plan(&path, objective);
                let rank = self.route_index().rank(t.index() as u32);
                (
                    rank,
                    TargetRoute {
                        version: plan.to,
                        hops: plan.hops,
                        binary_stops: plan.binary_stops,
                        deprecated_transits: plan.deprecated_transits,
                        path: plan.path,
                        implicit: !self.node(t).declared,
                    },
                )
            })
            .collect();
        targets.sort_by_key(|(rank, _)| std::cmp::Reverse(*rank));
        Ok(Targets {
            schema: crate::targets::TARGETS_SCHEMA,
            from: name(start),
            objective,
            targets: targets.into_iter().map(|(_, t)| t).collect(),
        })
    }

    /// The best route from `start` to every non-deprecated version it reaches (itself excluded),
    /// as [`DepGraph::plan`] would return each: `(target, path)`, in no particular order.
    pub(crate) fn routes_from(
        &self,
        start: NodeIndex,
        objective: Objective,
    ) -> Result<Vec<(NodeIndex, Vec<NodeIndex>)>, PlanError> {
        let index = self.route_index();
        let s = start.index() as u32;
        let reached = index.reach(s, true);
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
