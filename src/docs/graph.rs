//! The `graph --format json` document (`upgrade-planner/graph/v1`): every version with what the
//! drawings show of it, every edge, and the route `--plan` highlights.

use super::risks::RiskOptions;
use super::{Failure, Source, load_graph};
use crate::VersionScheme;
use crate::depgraph::{Condition, DepGraph};
use crate::planner::{Plan, PlanRequest, Target};
use crate::risks::{RiskGraph, RiskSet};
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::HashSet;

/// The schema id of the JSON graph.
pub const GRAPH_SCHEMA: &str = "upgrade-planner/graph/v1";

/// A loaded graph and the route to highlight: the `graph` answer.
#[derive(Debug, Clone)]
pub struct GraphAnswer {
    /// The file as given.
    pub file: String,
    /// The graph.
    pub graph: DepGraph,
    /// The `--plan FROM TO` route.
    pub plan: Option<Plan>,
    /// The known risks (`--risks`), when given.
    pub risks: Option<RiskSet>,
}

impl Serialize for GraphAnswer {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let risks = self.risk_graph();
        to_json_with_risks(&self.file, &self.graph, self.plan.as_ref(), risks.as_ref()).serialize(s)
    }
}

impl GraphAnswer {
    /// The known risks bound to the graph (which edges each is about), when given.
    pub fn risk_graph(&self) -> Option<RiskGraph<'_>> {
        self.risks.as_ref().map(|r| r.bind(&self.graph))
    }

    /// The graph as OpenShift's update service (Cincinnati) serves it (`graph --format
    /// cincinnati`; see [`crate::render::graph::to_cincinnati`]).
    pub fn cincinnati(&self) -> Value {
        crate::render::graph::to_cincinnati(&self.graph, self.risk_graph().as_ref())
    }
}

/// Loads the graph of `file` and, with `plan: Some((FROM, TO))`, plans the route to highlight
/// (objective `hops`; TO may be `latest`), refused as `plan` refuses it.
pub fn graph(
    file: &Source,
    scheme: Option<VersionScheme>,
    plan: Option<(&str, &str)>,
) -> Result<GraphAnswer, Failure> {
    graph_with_risks(file, scheme, plan, &RiskOptions::default())
}

/// [`graph`] with known risks (`--risks`, `--accept-risk`; `--facts` is not taken: a drawing is
/// for every cluster): the edges they are about are marked, and the `--plan` route avoids the
/// edges of risks not accepted (evaluated with no facts), refused as `plan` refuses it.
pub fn graph_with_risks(
    file: &Source,
    scheme: Option<VersionScheme>,
    plan: Option<(&str, &str)>,
    risks: &RiskOptions,
) -> Result<GraphAnswer, Failure> {
    let graph = load_graph(file, scheme, GRAPH_SCHEMA)?;
    let risks = risks.load(GRAPH_SCHEMA)?;
    let plan = match plan {
        Some((from, to)) => {
            let to: Target = match to.parse() {
                Ok(t) => t,
                Err(never) => match never {},
            };
            let request = PlanRequest::new(from, to);
            let planned = match &risks {
                Some(r) => r.set.bind(&graph).assess(None, &r.accept).plan(&request),
                None => graph.plan(&request),
            };
            Some(planned.map_err(|e| super::plan::plan_failure(GRAPH_SCHEMA, &e))?)
        }
        None => None,
    };
    Ok(GraphAnswer {
        file: file.name(),
        graph,
        plan,
        risks: risks.map(|r| r.set),
    })
}

/// The `upgrade-planner/graph/v1` document: `nodes` in version order (`version`, `deprecated`,
/// `implicit`, `barrier`, `build_group`, `on_route`, `binary_stop`), `edges` by source in version
/// order (`from`, `to`, `on_route`), and `route` (the plan, or null).
pub fn to_json(file: &str, g: &DepGraph, plan: Option<&Plan>) -> Value {
    to_json_with_risks(file, g, plan, None)
}

/// [`to_json`] with known risks: each edge also lists the names of the risks it carries
/// (`risks`, empty when none), as the drawings label the dashed edges.
pub fn to_json_with_risks(
    file: &str,
    g: &DepGraph,
    plan: Option<&Plan>,
    risks: Option<&RiskGraph>,
) -> Value {
    let (nodes, edges) = crate::render::graph::outline(g);
    let on_route: HashSet<&str> = plan
        .map(|p| p.path.iter().map(String::as_str).collect())
        .unwrap_or_default();
    let route_edges: HashSet<(&str, &str)> = plan
        .map(|p| {
            p.path
                .windows(2)
                .filter_map(|w| match w {
                    [a, b] => Some((a.as_str(), b.as_str())),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    let stops: HashSet<&str> = plan
        .map(|p| p.binary_stops.iter().map(String::as_str).collect())
        .unwrap_or_default();
    let name = |ix| g.node(ix).version.as_str();
    let nodes: Vec<Value> = nodes
        .into_iter()
        .map(|(ix, group)| {
            let n = g.node(ix);
            let barrier = n.barrier.as_ref().map(|b| {
                let (condition, versions) = match b {
                    Condition::ComeFrom(l) if !l.is_empty() => ("come_from", l.as_slice()),
                    Condition::UpgradedTo(l) if !l.is_empty() => ("upgraded_to", l.as_slice()),
                    _ => ("always", &[][..]),
                };
                json!({
                    "condition": condition,
                    "versions": versions.iter().map(|v| v.as_str()).collect::<Vec<_>>(),
                })
            });
            let v = n.version.as_str();
            json!({
                "version": v,
                "deprecated": n.deprecated,
                "implicit": !n.declared,
                "barrier": barrier,
                "build_group": group,
                "on_route": on_route.contains(v),
                "binary_stop": stops.contains(v),
            })
        })
        .collect();
    let edges: Vec<Value> = edges
        .into_iter()
        .map(|(a, b)| {
            let mut edge = json!({
                "from": name(a),
                "to": name(b),
                "on_route": route_edges.contains(&(name(a), name(b))),
            });
            if let (Some(r), Some(obj)) = (risks, edge.as_object_mut()) {
                let names: Vec<&str> = r
                    .risks_on(a, b)
                    .iter()
                    .filter_map(|&i| r.set().risks().get(i).map(|k| k.name.as_str()))
                    .collect();
                obj.insert("risks".into(), names.into());
            }
            edge
        })
        .collect();
    let route = plan.and_then(|p| match serde_json::to_value(p) {
        Ok(Value::Object(mut obj)) => {
            obj.remove("schema");
            Some(Value::Object(obj))
        }
        _ => None,
    });
    json!({
        "schema": GRAPH_SCHEMA,
        "file": file,
        "scheme": g.scheme(),
        "nodes": nodes,
        "edges": edges,
        "route": route,
    })
}
