//! The upgrade graph for people, as Graphviz DOT or Mermaid (which GitHub renders in Markdown):
//! deprecated versions greyed, barrier versions marked with their condition, build-specific nodes
//! grouped with their plain version, and optionally a planned route highlighted.
//!
//! Written by hand rather than with petgraph's `Dot`, which cannot group nodes into clusters or
//! style single nodes and edges; Mermaid has no Rust writer worth a dependency.

use crate::depgraph::{Condition, DepGraph, VersionNode};
use crate::planner::Plan;
use petgraph::graph::NodeIndex;
use std::collections::{HashMap, HashSet};

const ROUTE: &str = "#1d4ed8";

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
}

impl<'a> Layout<'a> {
    fn new(g: &'a DepGraph, plan: Option<&Plan>) -> Self {
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
        Layout {
            g,
            order,
            groups,
            route_nodes,
            route_edges,
            stops,
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
    let l = Layout::new(g, plan);
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
        let style = if l.route_edges.contains(&(a, b)) {
            format!(" [color=\"{ROUTE}\", penwidth=3]")
        } else {
            String::new()
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
    let l = Layout::new(g, plan);
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
        out.push_str(&format!("  n{} --> n{}\n", a.index(), b.index()));
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

/// [`outline`]'s answer: the nodes with their build groups, and the edges.
pub type Outline = (
    Vec<(NodeIndex, Option<String>)>,
    Vec<(NodeIndex, NodeIndex)>,
);

/// The graph's nodes in version order, each with its build group (the plain version that a
/// build-specific node, or a plain version with builds, is drawn with), and its edges in the order
/// the drawings list them. The JSON graph (`crate::docs::graph`) is written from it.
pub fn outline(g: &DepGraph) -> Outline {
    let l = Layout::new(g, None);
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
