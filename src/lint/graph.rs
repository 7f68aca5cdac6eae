//! Rules that need the whole graph: `cycle`, `dead-end`, `deprecated-only-route` and
//! `unreachable-barrier-condition`.
//!
//! They run on a valid document and are designed to be close to linear in the size of the graph,
//! so that a 10,000-version file lints in well under a second:
//! * strongly connected components once (an iterative Tarjan, computed when the graph is loaded:
//!   no recursion, whatever the size of the graph) for cycles, each cycle found by a breadth-first
//!   search inside its component;
//! * two reverse breadth-first searches from the newest non-deprecated version for `dead-end` and
//!   `deprecated-only-route`, and one pass over the components for the furthest version each
//!   dead end reaches (dead ends that stop at the same place are one finding);
//! * for barrier conditions, a bit set per component of the barriers it can reach, filled in
//!   reverse topological order over the condensation: O(edges × barriers / 64) word operations,
//!   bounded by [`limits::MAX_LINT_REACHABILITY_WORK`].

use super::shown;
use crate::depgraph::{Condition, DepGraph, Document};
use crate::diagnostic::{Diagnostic, Severity, Span};
use crate::limits;
use crate::version::Version;
use petgraph::Direction;
use petgraph::graph::NodeIndex;
use std::collections::{HashMap, VecDeque};

/// Most versions listed in a `cycle` message before "and N more".
const CYCLE_SHOWN: usize = 12;

/// Runs every graph rule; `g` must have been built from `doc`.
pub fn check(doc: &Document, g: &DepGraph, diags: &mut Vec<Diagnostic>) {
    let ctx = Context::new(doc, g);
    let sccs = g.components();
    cycles(&ctx, &sccs, diags);
    routes_to_newest(&ctx, &sccs, diags);
    barrier_conditions(&ctx, doc, &sccs, diags);
}

/// The graph with the spans the findings point at.
struct Context<'a> {
    g: &'a DepGraph,
    /// Node by version.
    index: HashMap<&'a Version, NodeIndex>,
    /// Where each node is declared (its `version` scalar) or, for an implicit node, first named.
    node_span: Vec<Option<Span>>,
    /// Where each edge is written (the target scalar, first occurrence).
    edge_span: HashMap<(NodeIndex, NodeIndex), Span>,
}

impl<'a> Context<'a> {
    fn new(doc: &Document, g: &'a DepGraph) -> Self {
        let index: HashMap<&Version, NodeIndex> =
            g.nodes().map(|(ix, n)| (&n.version, ix)).collect();
        let scheme = doc.scheme;
        let mut node_span = vec![None; g.len()];
        let mut edge_span = HashMap::new();
        let lookup = |text: &str| {
            Version::parse(text, scheme)
                .ok()
                .and_then(|v| index.get(&v).copied())
        };
        for entry in &doc.entries {
            let Some(from) = lookup(&entry.version.text) else {
                continue;
            };
            if let Some(slot) = node_span.get_mut(from.index()) {
                slot.get_or_insert(entry.version.span);
            }
        }
        for entry in &doc.entries {
            let Some(from) = lookup(&entry.version.text) else {
                continue;
            };
            for t in &entry.upgrades_to {
                let Some(to) = lookup(&t.text) else {
                    continue;
                };
                if let Some(slot) = node_span.get_mut(to.index()) {
                    slot.get_or_insert(t.span);
                }
                edge_span.entry((from, to)).or_insert(t.span);
            }
        }
        Context {
            g,
            index,
            node_span,
            edge_span,
        }
    }

    fn name(&self, ix: NodeIndex) -> String {
        shown(self.g.node(ix).version.as_str())
    }

    fn span(&self, ix: NodeIndex) -> Option<Span> {
        self.node_span.get(ix.index()).copied().flatten()
    }

    /// The nodes a condition entry names: the node itself, and for a plain version its builds.
    fn named_by(&self, v: &Version, by_base: &HashMap<Version, Vec<NodeIndex>>) -> Vec<NodeIndex> {
        let mut out: Vec<NodeIndex> = self.index.get(v).copied().into_iter().collect();
        if !v.is_build_specific()
            && let Some(builds) = by_base.get(v)
        {
            out.extend(
                builds
                    .iter()
                    .copied()
                    .filter(|ix| Some(ix) != self.index.get(v)),
            );
        }
        out
    }
}

/// `cycle`: one finding per strongly connected component of two or more versions, pointing at the
/// edge that closes a shortest cycle through the component's lowest version.
fn cycles(ctx: &Context, sccs: &[Vec<NodeIndex>], diags: &mut Vec<Diagnostic>) {
    let g = ctx.g;
    let mut component = vec![usize::MAX; g.len()];
    for (i, scc) in sccs.iter().enumerate() {
        for ix in scc {
            if let Some(c) = component.get_mut(ix.index()) {
                *c = i;
            }
        }
    }
    let mut parent: Vec<Option<NodeIndex>> = vec![None; g.len()];
    for (i, scc) in sccs.iter().enumerate() {
        if scc.len() < 2 {
            continue;
        }
        let Some(&lowest) = scc
            .iter()
            .min_by(|&&a, &&b| g.node(a).version.cmp(&g.node(b).version))
        else {
            continue;
        };
        // Breadth-first search inside the component, from `lowest` back to it.
        let mut queue = VecDeque::from([lowest]);
        let mut closing = None;
        'search: while let Some(n) = queue.pop_front() {
            for m in g.graph().neighbors(n) {
                if component.get(m.index()) != Some(&i) {
                    continue;
                }
                if m == lowest {
                    closing = Some(n);
                    break 'search;
                }
                if let Some(slot) = parent.get_mut(m.index())
                    && slot.is_none()
                {
                    *slot = Some(n);
                    queue.push_back(m);
                }
            }
        }
        let Some(last) = closing else {
            continue;
        };
        let mut path = vec![last];
        let mut at = last;
        while at != lowest {
            match parent.get(at.index()).copied().flatten() {
                Some(p) => {
                    path.push(p);
                    at = p;
                }
                None => break,
            }
        }
        path.reverse();
        path.push(lowest);
        let mut names: Vec<String> = path
            .iter()
            .take(CYCLE_SHOWN)
            .map(|&ix| ctx.name(ix))
            .collect();
        if path.len() > CYCLE_SHOWN {
            names.push(format!("… ({} more)", path.len() - CYCLE_SHOWN));
        }
        let mut message = format!("upgrade cycle: {}", names.join(" → "));
        if scc.len() + 1 > path.len() {
            message.push_str(&format!(
                " ({} versions can upgrade back to themselves)",
                scc.len()
            ));
        }
        let span = ctx
            .edge_span
            .get(&(last, lowest))
            .copied()
            .or(ctx.span(last));
        let mut d = Diagnostic::warning("cycle", span, message).with_hint(format!(
            "remove the edge `{}` → `{}` or another edge of the cycle",
            ctx.name(last),
            ctx.name(lowest)
        ));
        if let Some(s) = ctx.span(lowest) {
            d = d.with_related(s, "the cycle's lowest version");
        }
        diags.push(d);
    }
}

/// The newest non-deprecated version each version reaches (itself included), by rank in version
/// order; `None` when it reaches none. One pass over the components, successors first.
fn furthest_reached(g: &DepGraph, sccs: &[Vec<NodeIndex>]) -> Vec<Option<NodeIndex>> {
    let index = g.route_index();
    let rank = |ix: NodeIndex| index.rank(ix.index() as u32);
    let mut component = vec![0usize; g.len()];
    for (i, scc) in sccs.iter().enumerate() {
        for ix in scc {
            if let Some(c) = component.get_mut(ix.index()) {
                *c = i;
            }
        }
    }
    let newer = |a: Option<NodeIndex>, b: Option<NodeIndex>| match (a, b) {
        (Some(x), Some(y)) => Some(if rank(y) > rank(x) { y } else { x }),
        (x, None) => x,
        (None, y) => y,
    };
    let mut best: Vec<Option<NodeIndex>> = vec![None; sccs.len()];
    for (i, scc) in sccs.iter().enumerate() {
        let mut b = None;
        for &ix in scc {
            if !g.node(ix).deprecated {
                b = newer(b, Some(ix));
            }
            for m in g.graph().neighbors(ix) {
                let j = component.get(m.index()).copied().unwrap_or(i);
                if j != i {
                    b = newer(b, best.get(j).copied().flatten());
                }
            }
        }
        if let Some(slot) = best.get_mut(i) {
            *slot = b;
        }
    }
    component
        .iter()
        .map(|&c| best.get(c).copied().flatten())
        .collect()
}

/// Most versions named in one `dead-end` message.
const DEAD_ENDS_SHOWN: usize = 8;

/// `dead-end` and `deprecated-only-route`: two reverse breadth-first searches from the newest
/// non-deprecated version. Dead ends are grouped by the furthest version they reach: one finding
/// per group, at the first of them in the file.
fn routes_to_newest(ctx: &Context, sccs: &[Vec<NodeIndex>], diags: &mut Vec<Diagnostic>) {
    let g = ctx.g;
    let Some((newest, _)) = g
        .nodes()
        .filter(|(_, n)| !n.deprecated)
        .max_by(|a, b| a.1.version.cmp(&b.1.version))
    else {
        return;
    };
    let n = g.len();
    // Every version that can reach `newest`, with the next version on a shortest route.
    let mut next: Vec<Option<NodeIndex>> = vec![None; n];
    let mut reaches = vec![false; n];
    // The first deprecated transit on that shortest route, if any.
    let mut first_deprecated: Vec<Option<NodeIndex>> = vec![None; n];
    if let Some(r) = reaches.get_mut(newest.index()) {
        *r = true;
    }
    let mut queue = VecDeque::from([newest]);
    while let Some(x) = queue.pop_front() {
        let via = if x != newest && g.node(x).deprecated {
            Some(x)
        } else {
            first_deprecated.get(x.index()).copied().flatten()
        };
        for m in g.graph().neighbors_directed(x, Direction::Incoming) {
            if let Some(r) = reaches.get_mut(m.index())
                && !*r
            {
                *r = true;
                if let Some(s) = next.get_mut(m.index()) {
                    *s = Some(x);
                }
                if let Some(f) = first_deprecated.get_mut(m.index()) {
                    *f = via;
                }
                queue.push_back(m);
            }
        }
    }
    // Versions with a route whose transits are all non-deprecated.
    let mut clean = vec![false; n];
    if let Some(c) = clean.get_mut(newest.index()) {
        *c = true;
    }
    let mut queue = VecDeque::from([newest]);
    while let Some(x) = queue.pop_front() {
        if x != newest && g.node(x).deprecated {
            continue; // may start a route, but not be a transit of one
        }
        for m in g.graph().neighbors_directed(x, Direction::Incoming) {
            if let Some(c) = clean.get_mut(m.index())
                && !*c
            {
                *c = true;
                queue.push_back(m);
            }
        }
    }
    let newest_name = ctx.name(newest);
    let furthest = furthest_reached(g, sccs);
    // Dead ends by the furthest version they reach, in file order.
    let mut groups: Vec<(NodeIndex, Vec<NodeIndex>)> = Vec::new();
    let mut group_of: HashMap<NodeIndex, usize> = HashMap::new();
    let mut dead: Vec<NodeIndex> = Vec::new();
    for (ix, node) in g.nodes() {
        let i = ix.index();
        if ix == newest {
            continue;
        }
        if !reaches.get(i).copied().unwrap_or(false) {
            if !node.deprecated {
                dead.push(ix);
            }
        } else if !clean.get(i).copied().unwrap_or(true) {
            let via = first_deprecated
                .get(i)
                .copied()
                .flatten()
                .map(|d| format!(" (such as `{}`)", ctx.name(d)))
                .unwrap_or_default();
            diags.push(
                Diagnostic::warning(
                    "deprecated-only-route",
                    ctx.span(ix),
                    format!(
                        "every route from `{}` to the newest version `{newest_name}` passes through a deprecated version{via}",
                        ctx.name(ix)
                    ),
                )
                .with_hint("add an upgrade edge that avoids the deprecated version, or stop deprecating it"),
            );
        }
    }
    dead.sort_by_key(|&ix| ctx.span(ix).map_or(usize::MAX, |s| s.start.offset));
    for ix in dead {
        let end = furthest.get(ix.index()).copied().flatten().unwrap_or(ix);
        match group_of.get(&end) {
            Some(&k) => {
                if let Some(group) = groups.get_mut(k) {
                    group.1.push(ix);
                }
            }
            None => {
                group_of.insert(end, groups.len());
                groups.push((end, vec![ix]));
            }
        }
    }
    for (end, members) in groups {
        let Some(&first) = members.first() else {
            continue;
        };
        let end_name = ctx.name(end);
        let count = members.len();
        let message = if count == 1 {
            let further = if end == first {
                String::new()
            } else {
                format!(" (the furthest it reaches is `{end_name}`)")
            };
            format!(
                "`{}` cannot reach the newest version `{newest_name}`: users on it have no upgrade route{further}",
                ctx.name(first)
            )
        } else {
            let mut names: Vec<String> = members
                .iter()
                .take(DEAD_ENDS_SHOWN)
                .map(|&ix| format!("`{}`", ctx.name(ix)))
                .collect();
            if count > DEAD_ENDS_SHOWN {
                names.push(format!("and {} more", count - DEAD_ENDS_SHOWN));
            }
            format!(
                "{count} versions cannot reach the newest version `{newest_name}`: {}; the furthest they reach is `{end_name}`, so users on them have no upgrade route",
                names.join(", ")
            )
        };
        let mut d = Diagnostic::warning("dead-end", ctx.span(first), message).with_hint(
            format!(
                "add an upgrade from `{end_name}` toward `{newest_name}` to its `can_be_upgraded_to`, or mark the versions `deprecated: true`"
            ),
        );
        for &ix in members.iter().skip(1).take(DEAD_ENDS_SHOWN) {
            if let Some(s) = ctx.span(ix) {
                d = d.with_related(s, "cannot reach the newest version either");
            }
        }
        diags.push(d);
    }
}

/// `unreachable-barrier-condition`: a `when_come_from` entry none of whose nodes can reach the
/// barrier (a route must come from it and pass through the barrier for the condition to fire).
fn barrier_conditions(
    ctx: &Context,
    doc: &Document,
    sccs: &[Vec<NodeIndex>],
    diags: &mut Vec<Diagnostic>,
) {
    let g = ctx.g;
    let scheme = doc.scheme;
    // The barriers with a non-empty `when_come_from`, each with a bit.
    let mut checks = Vec::new(); // (barrier node, entry version text span, named nodes)
    let mut bit_of: HashMap<NodeIndex, usize> = HashMap::new();
    let mut by_base: HashMap<Version, Vec<NodeIndex>> = HashMap::new();
    for (ix, n) in g.nodes() {
        if n.version.is_build_specific() {
            by_base
                .entry(n.version.base_version())
                .or_default()
                .push(ix);
        }
    }
    for entry in &doc.entries {
        let Some(rfb) = entry.require_from_binary.as_ref().filter(|r| r.value) else {
            continue;
        };
        let Condition::ComeFrom(list) = &rfb.condition else {
            continue;
        };
        let Some(barrier) = Version::parse(&entry.version.text, scheme)
            .ok()
            .and_then(|v| ctx.index.get(&v).copied())
        else {
            continue;
        };
        for sv in list {
            let Ok(v) = Version::parse(&sv.text, scheme) else {
                continue;
            };
            let named = ctx.named_by(&v, &by_base);
            if named.is_empty() {
                continue; // `unknown-reference` already says so
            }
            let next = bit_of.len();
            bit_of.entry(barrier).or_insert(next);
            checks.push((barrier, sv, named));
        }
    }
    if checks.is_empty() {
        return;
    }
    let bits = bit_of.len();
    let words = bits.div_ceil(64);
    let edges = g.graph().edge_count() + g.len();
    if edges.saturating_mul(words) > limits::MAX_LINT_REACHABILITY_WORK {
        diags.push(Diagnostic::new(
            "analysis-limit",
            Severity::Note,
            None,
            format!(
                "`unreachable-barrier-condition` was not checked: {} barriers × {} versions is more work than the limit",
                bits,
                g.len()
            ),
        ));
        return;
    }
    let mut component = vec![0usize; g.len()];
    for (i, scc) in sccs.iter().enumerate() {
        for ix in scc {
            if let Some(c) = component.get_mut(ix.index()) {
                *c = i;
            }
        }
    }
    // `reach[c]`: the barriers reachable from component `c` by at least one edge (or inside `c`).
    // Tarjan yields components in reverse topological order, so successors are filled first.
    let mut reach = vec![0u64; sccs.len() * words];
    let mut row = vec![0u64; words];
    for (i, scc) in sccs.iter().enumerate() {
        row.iter_mut().for_each(|w| *w = 0);
        for &ix in scc {
            if scc.len() > 1
                && let Some(&b) = bit_of.get(&ix)
                && let Some(w) = row.get_mut(b / 64)
            {
                *w |= 1 << (b % 64);
            }
            for m in g.graph().neighbors(ix) {
                let j = component.get(m.index()).copied().unwrap_or(i);
                if j == i {
                    continue;
                }
                if let Some(&b) = bit_of.get(&m)
                    && let Some(w) = row.get_mut(b / 64)
                {
                    *w |= 1 << (b % 64);
                }
                if let Some(src) = reach.get(j * words..(j + 1) * words) {
                    for (w, s) in row.iter_mut().zip(src) {
                        *w |= s;
                    }
                }
            }
        }
        if let Some(dst) = reach.get_mut(i * words..(i + 1) * words) {
            dst.copy_from_slice(&row);
        }
    }
    let can_reach = |from: NodeIndex, barrier: NodeIndex| -> bool {
        if from == barrier {
            return false;
        }
        let (Some(&c), Some(&b)) = (component.get(from.index()), bit_of.get(&barrier)) else {
            return false;
        };
        reach
            .get(c * words + b / 64)
            .is_some_and(|w| w & (1 << (b % 64)) != 0)
    };
    for (barrier, sv, named) in checks {
        if g.graph().neighbors(barrier).next().is_none() {
            diags.push(
                Diagnostic::warning(
                    "unreachable-barrier-condition",
                    Some(sv.span),
                    format!(
                        "`when_come_from` names `{}`, but `{}` upgrades to nothing, so no route passes through this barrier",
                        shown(&sv.text),
                        ctx.name(barrier)
                    ),
                )
                .with_hint(format!("add the upgrades of `{}` to `can_be_upgraded_to`", ctx.name(barrier))),
            );
            continue;
        }
        if named.iter().any(|&n| can_reach(n, barrier)) {
            continue;
        }
        diags.push(
            Diagnostic::warning(
                "unreachable-barrier-condition",
                Some(sv.span),
                format!(
                    "`when_come_from` names `{}`, but no route from `{}` reaches the barrier `{}`",
                    shown(&sv.text),
                    shown(&sv.text),
                    ctx.name(barrier)
                ),
            )
            .with_hint("remove it from `when_come_from`, or add the upgrade edges it assumes"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::lint;

    fn found(src: &str) -> Vec<(&'static str, usize, usize)> {
        lint(src, None)
            .iter()
            .filter(|d| d.code != "implicit-node")
            .map(|d| {
                let s = d.span.unwrap_or_default();
                (d.code, s.start.line, s.start.column)
            })
            .collect()
    }

    #[test]
    fn cycle_is_listed_from_its_lowest_version() {
        let src = "- version: 1.0.0.0\n  can_be_upgraded_to: [2.0.0.0]\n- version: 2.0.0.0\n  can_be_upgraded_to: [3.0.0.0]\n- version: 3.0.0.0\n  can_be_upgraded_to: [1.0.0.0, 4.0.0.0]\n";
        let d = lint(src, None);
        let cycle = d.iter().find(|d| d.code == "cycle").unwrap();
        assert_eq!(
            cycle.message,
            "upgrade cycle: 1.0.0.0 → 2.0.0.0 → 3.0.0.0 → 1.0.0.0"
        );
        let s = cycle.span.unwrap();
        assert_eq!((s.start.line, s.start.column), (6, 24));
    }

    #[test]
    fn dead_ends_and_deprecated_only_routes() {
        let src = "- version: 1.0.0.0\n  can_be_upgraded_to: [1.1.0.0]\n- version: 1.1.0.0\n  deprecated: true\n  can_be_upgraded_to: [2.0.0.0]\n- version: 1.5.0.0\n- version: 0.9.0.0\n  deprecated: true\n- version: 2.0.0.0\n";
        assert_eq!(
            found(src),
            [("deprecated-only-route", 1, 12), ("dead-end", 6, 12)]
        );
    }

    #[test]
    fn barrier_conditions_that_never_fire() {
        let src = "- version: 1.0.0.0\n  can_be_upgraded_to: [2.0.0.0]\n- version: 2.0.0.0\n  can_be_upgraded_to: [3.0.0.0]\n  require_from_binary: {value: true, when_come_from: [1.0.0.0, 2.5.0.0]}\n- version: 2.5.0.0\n  can_be_upgraded_to: [3.0.0.0]\n";
        assert_eq!(found(src), [("unreachable-barrier-condition", 5, 64)]);
    }
}
