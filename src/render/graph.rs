//! The upgrade graph for people, as Graphviz DOT or Mermaid (which GitHub renders in Markdown):
//! deprecated versions greyed, barrier versions marked with their condition, build-specific nodes
//! grouped with their plain version, optionally a planned route highlighted and, with known risks,
//! conditional edges dashed with their risks' names. For graph tooling, [`to_cincinnati`] writes
//! the graph in the JSON shape of OpenShift's update service (Cincinnati).
//!
//! Written by hand rather than with petgraph's `Dot`, which cannot group nodes into clusters or
//! style single nodes and edges; Mermaid has no Rust writer worth a dependency.

use crate::depgraph::{Condition, DepGraph, VersionNode};
use crate::planner::Plan;
use crate::risks::{FactTest, MatchingRule, RiskGraph};
use petgraph::graph::NodeIndex;
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};

const ROUTE: &str = "#1d4ed8";
const RISK: &str = "#c2410c";

/// What the drawing shows, computed once for both formats.
struct Layout<'a> {
    g: &'a DepGraph,
    /// Every node, in version order.
    order: Vec<NodeIndex>,
    /// Groups of build-specific nodes with their plain version: (plain version text, members).
    groups: Vec<(String, Vec<NodeIndex>)>,
    /// Nodes and edges of the highlighted route, and its binary stops.
    route_nodes: HashSet<NodeIndex>,
    route_edges: HashSet<(NodeIndex, NodeIndex)>,
    stops: HashSet<NodeIndex>,
    /// Conditional edges (with known risks): the names of their risks.
    risky: HashMap<(NodeIndex, NodeIndex), String>,
}

impl<'a> Layout<'a> {
    fn new(g: &'a DepGraph, plan: Option<&Plan>, risks: Option<&RiskGraph>) -> Self {
        let mut order: Vec<NodeIndex> = g.nodes().map(|(ix, _)| ix).collect();
        order.sort_by(|&a, &b| g.node(a).version.cmp(&g.node(b).version).then(a.cmp(&b)));
        // Groups in version order of their first build; the plain version joins its builds.
        let mut groups: Vec<(String, Vec<NodeIndex>)> = Vec::new();
        let mut group_of: HashMap<String, usize> = HashMap::new();
        for &ix in &order {
            let v = &g.node(ix).version;
            if v.is_build_specific() {
                let base = v.base().to_string();
                let i = *group_of.entry(base.clone()).or_insert_with(|| {
                    groups.push((base, Vec::new()));
                    groups.len() - 1
                });
                if let Some((_, members)) = groups.get_mut(i) {
                    members.push(ix);
                }
            }
        }
        for (base, members) in &mut groups {
            if let Some(plain) = g.find(base) {
                members.push(plain);
            }
        }
        let mut route_nodes = HashSet::new();
        let mut route_edges = HashSet::new();
        let mut stops = HashSet::new();
        if let Some(p) = plan {
            let path: Vec<NodeIndex> = p.path.iter().filter_map(|v| g.find(v)).collect();
            route_nodes.extend(path.iter().copied());
            route_edges.extend(path.windows(2).filter_map(|w| match w {
                [a, b] => Some((*a, *b)),
                _ => None,
            }));
            stops.extend(p.binary_stops.iter().filter_map(|v| g.find(v)));
        }
        let mut risky = HashMap::new();
        if let Some(r) = risks {
            for (edge, ids) in r.conditional_edges() {
                let mut names: Vec<&str> = Vec::new();
                for n in ids
                    .iter()
                    .filter_map(|&i| r.set().risks().get(i).map(|x| x.name.as_str()))
                {
                    if !names.contains(&n) {
                        names.push(n);
                    }
                }
                risky.insert(edge, names.join(", "));
            }
        }
        Layout {
            g,
            order,
            groups,
            route_nodes,
            route_edges,
            stops,
            risky,
        }
    }

    fn grouped(&self) -> HashSet<NodeIndex> {
        self.groups
            .iter()
            .flat_map(|(_, m)| m.iter().copied())
            .collect()
    }

    /// Edges in a stable order: by source in version order, then targets in file order.
    fn edges(&self) -> Vec<(NodeIndex, NodeIndex)> {
        self.order
            .iter()
            .flat_map(|&a| self.g.successors(a).into_iter().map(move |b| (a, b)))
            .collect()
    }

    /// The label lines of a node: its version, then what is special about it.
    fn label_lines(&self, ix: NodeIndex) -> Vec<String> {
        let n: &VersionNode = self.g.node(ix);
        let mut lines = vec![n.version.as_str().to_string()];
        if n.deprecated {
            lines.push("deprecated".to_string());
        }
        if let Some(b) = &n.barrier {
            let names = |l: &[crate::version::Version]| {
                l.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            };
            lines.push(match b {
                Condition::ComeFrom(l) if !l.is_empty() => {
                    format!("barrier: binary if from {}", names(l))
                }
                Condition::UpgradedTo(l) if !l.is_empty() => {
                    format!("barrier: binary if to {}", names(l))
                }
                _ => "barrier: binary required".to_string(),
            });
        }
        if self.stops.contains(&ix) {
            lines.push("▶ binary stop".to_string());
        }
        lines
    }
}

fn dot_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// The graph as Graphviz DOT (`dot -Tsvg`).
pub fn to_dot(g: &DepGraph, plan: Option<&Plan>) -> String {
    to_dot_with_risks(g, plan, None)
}

/// [`to_dot`] with known risks: conditional edges dashed, labelled with their risks' names.
pub fn to_dot_with_risks(g: &DepGraph, plan: Option<&Plan>, risks: Option<&RiskGraph>) -> String {
    let l = Layout::new(g, plan, risks);
    let mut out = String::from(
        "digraph upgrades {\n  rankdir=LR;\n  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n  edge [color=\"#555555\"];\n",
    );
    let node_line = |ix: NodeIndex| -> String {
        let n = g.node(ix);
        let label = l
            .label_lines(ix)
            .iter()
            .map(|s| dot_escape(s))
            .collect::<Vec<_>>()
            .join("\\n");
        let mut attrs = vec![format!("label=\"{label}\"")];
        let mut styles = vec!["rounded"];
        if n.deprecated {
            styles.extend(["filled", "dashed"]);
            attrs.push("fillcolor=\"#eeeeee\", fontcolor=\"#888888\", color=\"#aaaaaa\"".into());
        }
        if n.barrier.is_some() {
            styles.push("bold");
            attrs.push("peripheries=2".into());
            if !l.route_nodes.contains(&ix) {
                attrs.push("color=\"#b91c1c\"".into());
            }
        }
        if l.route_nodes.contains(&ix) {
            attrs.push(format!("color=\"{ROUTE}\", penwidth=3"));
            if l.stops.contains(&ix) {
                styles.push("filled");
                attrs.push("fillcolor=\"#fde68a\"".into());
            }
        }
        styles.dedup();
        attrs.push(format!("style=\"{}\"", styles.join(",")));
        format!("n{} [{}];\n", ix.index(), attrs.join(", "))
    };
    for (i, (base, members)) in l.groups.iter().enumerate() {
        out.push_str(&format!(
            "  subgraph cluster_{i} {{\n    label=\"{} builds\";\n    style=dashed;\n    color=\"#999999\";\n",
            dot_escape(base)
        ));
        for &ix in members {
            out.push_str(&format!("    {}", node_line(ix)));
        }
        out.push_str("  }\n");
    }
    let grouped = l.grouped();
    for &ix in l.order.iter().filter(|ix| !grouped.contains(ix)) {
        out.push_str(&format!("  {}", node_line(ix)));
    }
    for (a, b) in l.edges() {
        let mut attrs = Vec::new();
        if let Some(names) = l.risky.get(&(a, b)) {
            attrs.push(format!(
                "style=dashed, label=\"{}\", fontcolor=\"{RISK}\"",
                dot_escape(names)
            ));
            if !l.route_edges.contains(&(a, b)) {
                attrs.push(format!("color=\"{RISK}\""));
            }
        }
        if l.route_edges.contains(&(a, b)) {
            attrs.push(format!("color=\"{ROUTE}\", penwidth=3"));
        }
        let style = if attrs.is_empty() {
            String::new()
        } else {
            format!(" [{}]", attrs.join(", "))
        };
        out.push_str(&format!("  n{} -> n{}{style};\n", a.index(), b.index()));
    }
    out.push_str("}\n");
    out
}

fn mermaid_escape(s: &str) -> String {
    s.replace('"', "#quot;")
        .replace('<', "#lt;")
        .replace('>', "#gt;")
}

/// The graph as a Mermaid flowchart (paste it into a ```` ```mermaid ```` block on GitHub).
pub fn to_mermaid(g: &DepGraph, plan: Option<&Plan>) -> String {
    to_mermaid_with_risks(g, plan, None)
}

/// [`to_mermaid`] with known risks: conditional edges dotted, labelled with their risks' names.
pub fn to_mermaid_with_risks(
    g: &DepGraph,
    plan: Option<&Plan>,
    risks: Option<&RiskGraph>,
) -> String {
    let l = Layout::new(g, plan, risks);
    let mut out = String::from("flowchart LR\n");
    let node_line = |ix: NodeIndex| -> String {
        let label = l
            .label_lines(ix)
            .iter()
            .map(|s| mermaid_escape(s))
            .collect::<Vec<_>>()
            .join("<br/>");
        // Barriers are hexagons, other versions rounded boxes.
        let (open, close) = if g.node(ix).barrier.is_some() {
            ("{{", "}}")
        } else {
            ("(", ")")
        };
        format!("n{}{open}\"{label}\"{close}\n", ix.index())
    };
    for (i, (base, members)) in l.groups.iter().enumerate() {
        out.push_str(&format!(
            "  subgraph g{i}[\"{} builds\"]\n",
            mermaid_escape(base)
        ));
        for &ix in members {
            out.push_str(&format!("    {}", node_line(ix)));
        }
        out.push_str("  end\n");
    }
    let grouped = l.grouped();
    for &ix in l.order.iter().filter(|ix| !grouped.contains(ix)) {
        out.push_str(&format!("  {}", node_line(ix)));
    }
    let edges = l.edges();
    let mut highlighted = Vec::new();
    for (i, (a, b)) in edges.iter().enumerate() {
        match l.risky.get(&(*a, *b)) {
            Some(names) => out.push_str(&format!(
                "  n{} -.->|\"{}\"| n{}\n",
                a.index(),
                mermaid_escape(names),
                b.index()
            )),
            None => out.push_str(&format!("  n{} --> n{}\n", a.index(), b.index())),
        }
        if l.route_edges.contains(&(*a, *b)) {
            highlighted.push(i.to_string());
        }
    }
    out.push_str(
        "  classDef deprecated fill:#eeeeee,stroke:#aaaaaa,color:#888888,stroke-dasharray:4 3\n",
    );
    out.push_str("  classDef barrier stroke:#b91c1c,stroke-width:3px\n");
    out.push_str(&format!(
        "  classDef route stroke:{ROUTE},stroke-width:3px\n"
    ));
    out.push_str(&format!(
        "  classDef stop fill:#fde68a,stroke:{ROUTE},stroke-width:3px\n"
    ));
    let class_line = |name: &str, nodes: Vec<NodeIndex>| -> String {
        if nodes.is_empty() {
            return String::new();
        }
        let ids: Vec<String> = nodes.iter().map(|ix| format!("n{}", ix.index())).collect();
        format!("  class {} {name}\n", ids.join(","))
    };
    let pick = |f: &dyn Fn(NodeIndex) -> bool| -> Vec<NodeIndex> {
        l.order.iter().copied().filter(|&ix| f(ix)).collect()
    };
    out.push_str(&class_line("deprecated", pick(&|ix| g.node(ix).deprecated)));
    out.push_str(&class_line(
        "barrier",
        pick(&|ix| g.node(ix).barrier.is_some()),
    ));
    out.push_str(&class_line(
        "route",
        pick(&|ix| l.route_nodes.contains(&ix) && !l.stops.contains(&ix)),
    ));
    out.push_str(&class_line("stop", pick(&|ix| l.stops.contains(&ix))));
    if !highlighted.is_empty() {
        out.push_str(&format!(
            "  linkStyle {} stroke:{ROUTE},stroke-width:4px\n",
            highlighted.join(",")
        ));
    }
    out
}

/// The `version` of the Cincinnati graph document written by [`to_cincinnati`].
pub const CINCINNATI_GRAPH_VERSION: u32 = 1;

/// A matching rule in Cincinnati's shape: `{"type": T, t: {...}}`, the parameters under the type's
/// lower-case name as its `PromQL` rules carry `{"promql": {"promql": ...}}`.
fn cincinnati_rule(rule: &MatchingRule) -> Value {
    match rule {
        MatchingRule::Always => json!({"type": "Always"}),
        MatchingRule::Sql { sql } => json!({"type": "SQL", "sql": {"sql": sql}}),
        MatchingRule::Fact { fact, test } => {
            let mut body = json!({"fact": fact});
            if let Some(obj) = body.as_object_mut() {
                match test {
                    Some(FactTest::Equals(v)) => {
                        obj.insert("equals".into(), v.text.clone().into());
                    }
                    Some(FactTest::In(list)) => {
                        let values: Vec<&str> = list.iter().map(|v| v.text.as_str()).collect();
                        obj.insert("in".into(), values.into());
                    }
                    Some(FactTest::Exists(b)) => {
                        obj.insert("exists".into(), (*b).into());
                    }
                    None => {}
                }
            }
            json!({"type": "Fact", "fact": body})
        }
        MatchingRule::Unknown { kind } => json!({"type": kind}),
    }
}

/// The graph as OpenShift's update service (Cincinnati) serves it, so that graph tooling built for
/// it can read ours: `{"version": 1, "nodes": [{"version", "payload", "metadata"}], "edges":
/// [[from, to], ...], "conditionalEdges": [{"edges": [{"from", "to"}], "risks": [{"url", "name",
/// "message", "matchingRules"}]}]}` (the shape of openshift/cincinnati's policy-engine OpenAPI
/// document; sources and field notes in `tests/schemas/cincinnati/README.md`).
///
/// Nodes are in version order; `payload` is empty (a dependency file names no release image);
/// `metadata` holds this format's properties as strings under `upgrade-planner.` keys
/// (`deprecated`, `require_from_binary`, `when_come_from`, `when_upgraded_to`, `implicit`). An edge
/// that carries a risk is a conditional edge only: it is not in `edges` (clients recommend it
/// when none of its risks applies). There is one conditional-edge entry per risk, with every
/// edge of that risk, as each of OpenShift's `blocked-edges` files is one risk.
pub fn to_cincinnati(g: &DepGraph, risks: Option<&RiskGraph>) -> Value {
    let l = Layout::new(g, None, risks);
    let position: HashMap<NodeIndex, usize> =
        l.order.iter().enumerate().map(|(i, &ix)| (ix, i)).collect();
    let nodes: Vec<Value> = l
        .order
        .iter()
        .map(|&ix| {
            let n = g.node(ix);
            let mut meta = serde_json::Map::new();
            let key = |k: &str| format!("upgrade-planner.{k}");
            if n.deprecated {
                meta.insert(key("deprecated"), "true".into());
            }
            if !n.declared {
                meta.insert(key("implicit"), "true".into());
            }
            let names = |l: &[crate::version::Version]| {
                l.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(",")
            };
            match &n.barrier {
                Some(Condition::ComeFrom(list)) if !list.is_empty() => {
                    meta.insert(key("require_from_binary"), "true".into());
                    meta.insert(key("when_come_from"), names(list).into());
                }
                Some(Condition::UpgradedTo(list)) if !list.is_empty() => {
                    meta.insert(key("require_from_binary"), "true".into());
                    meta.insert(key("when_upgraded_to"), names(list).into());
                }
                Some(_) => {
                    meta.insert(key("require_from_binary"), "true".into());
                }
                None => {}
            }
            json!({"version": n.version.as_str(), "payload": "", "metadata": meta})
        })
        .collect();
    let pos = |ix: NodeIndex| position.get(&ix).copied().unwrap_or(0);
    let mut edges: Vec<(usize, usize)> = l
        .edges()
        .into_iter()
        .filter(|e| !l.risky.contains_key(e))
        .map(|(a, b)| (pos(a), pos(b)))
        .collect();
    edges.sort_unstable();
    let mut conditional = Vec::new();
    if let Some(r) = risks {
        for (i, risk) in r.set().risks().iter().enumerate() {
            let mut list: Vec<(usize, usize)> = r
                .edges_of(i)
                .iter()
                .map(|&(a, b)| (pos(a), pos(b)))
                .collect();
            if list.is_empty() {
                continue;
            }
            list.sort_unstable();
            let name = |i: usize| l.order.get(i).map_or("", |&ix| g.node(ix).version.as_str());
            conditional.push(json!({
                "edges": list.iter().map(|&(a, b)| json!({"from": name(a), "to": name(b)})).collect::<Vec<_>>(),
                "risks": [{
                    "url": risk.url,
                    "name": risk.name,
                    "message": risk.message,
                    "matchingRules": risk.rules.iter().map(cincinnati_rule).collect::<Vec<_>>(),
                }],
            }));
        }
    }
    json!({
        "version": CINCINNATI_GRAPH_VERSION,
        "nodes": nodes,
        "edges": edges.iter().map(|&(a, b)| json!([a, b])).collect::<Vec<_>>(),
        "conditionalEdges": conditional,
    })
}

/// [`outline`]'s answer: the nodes with their build groups, and the edges.
pub type Outline = (
    Vec<(NodeIndex, Option<String>)>,
    Vec<(NodeIndex, NodeIndex)>,
);

/// The graph's nodes in version order, each with its build group (the plain version that a
/// build-specific node, or a plain version with builds, is drawn with), and its edges in the order
/// the drawings list them. The JSON graph (`crate::docs::graph`) is written from it.
pub fn outline(g: &DepGraph) -> Outline {
    let l = Layout::new(g, None, None);
    let group_of: HashMap<NodeIndex, &str> = l
        .groups
        .iter()
        .flat_map(|(base, members)| members.iter().map(move |&m| (m, base.as_str())))
        .collect();
    let nodes = l
        .order
        .iter()
        .map(|&ix| (ix, group_of.get(&ix).map(|b| b.to_string())))
        .collect();
    (nodes, l.edges())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::planner::{PlanRequest, Target};

    fn seed() -> DepGraph {
        DepGraph::from_yaml_str(include_str!("../../data/seed-oceanbase-ce-4.2.1.1.yml")).unwrap()
    }

    #[test]
    fn builds_are_grouped_with_their_version() {
        let g = seed();
        let dot = to_dot(&g, None);
        let cluster = dot
            .split("subgraph cluster_0")
            .nth(1)
            .unwrap()
            .split('}')
            .next()
            .unwrap();
        assert!(cluster.contains("label=\"4.1.0.0 builds\""), "{dot}");
        assert!(
            cluster.contains("4.1.0.0-100000192023032010\\ndeprecated"),
            "{dot}"
        );
        assert!(cluster.contains("label=\"4.1.0.0\""), "{dot}");
    }

    #[test]
    fn plan_route_is_highlighted() {
        let g = seed();
        let plan = g
            .plan(&PlanRequest::new(
                "4.0.0.0",
                Target::Version("4.3.0.0".into()),
            ))
            .unwrap();
        let m = to_mermaid(&g, Some(&plan));
        let link = m.lines().find(|l| l.starts_with("  linkStyle")).unwrap();
        assert_eq!(
            link.split(' ').nth(3).unwrap().split(',').count(),
            plan.hops,
            "{m}"
        );
        assert!(m.contains("▶ binary stop"), "{m}");
    }
}
