//! The route search behind [`DepGraph::plan`](crate::DepGraph::plan), `targets` and `diff`.
//!
//! # The state space
//!
//! Whether a barrier fires depends on the last binary stop (`when_come_from`) and on the route's
//! target (`when_upgraded_to`), so the search runs over states `(version, last-stop class)`:
//!
//! * a version's *class* as a last stop is the set of `when_come_from` barriers that name it
//!   (computed once, when the graph is loaded); versions no condition names share class 0, and so
//!   do versions named by the same barriers. A class is dropped back to 0 as soon as none of its
//!   barriers can still be reached (its strongly connected component comes before the current
//!   one in topological order), so states merge again once a condition can no longer matter;
//! * which `when_upgraded_to` barriers fire is fixed by the target: a *target signature* (the set
//!   of barriers whose list names the target) is an input of the search.
//!
//! Costs are compared lexicographically, in the objective's order (see the planner docs).
//!
//! # One engine, three uses
//!
//! * **One target** (`plan`): A* with an admissible, consistent lower bound per version (hops to
//!   the target and unavoidable stops, from two breadth-first searches backwards from the target);
//!   the target is a sink, and the search stops as soon as every state that could still be on an
//!   optimal route is settled.
//! * **Every target** (`targets`, `diff`): Dijkstra from the start over the whole reachable state
//!   space, once per target signature; each target's route is read off the states that enter it.
//! * **Exact simple paths** (`--objective stops` on graphs with cycles): the same A* over states
//!   extended with the set of versions already visited *inside the current strongly connected
//!   component*. A route can never come back to a component it left (the condensation is acyclic),
//!   so that set is all the history a simple path needs; on acyclic parts of the graph the states
//!   are the plain ones. Only this search has a budget
//!   ([`crate::limits::MAX_EXACT_SEARCH_STATES`]).
//!
//! # Ties
//!
//! Among optimal routes the one whose version sequence is smallest wins. All optimal routes to a
//! state have the same number of hops, so states are ranked layer by layer (by hops): a state's
//! best predecessor is its optimal predecessor of smallest rank, and its rank orders states of
//! its layer by (rank of best predecessor, version). Following best predecessors back from the
//! best-ranked optimal target state gives the smallest optimal route.
//!
//! # Edges
//!
//! Every edge a search takes goes through `Search::step` (the every-target search's last hop into
//! a target through `Search::edge_allowed`, which `step` calls too), which says whether the step
//! is allowed and what it costs: the one place where an edge is filtered out or penalised. Known
//! risks (`crate::risks`) use it: a query may carry the set of *not-recommended* edges (indexed
//! by their position in the successor arrays, [`RouteIndex::edge_position`]), which no step takes.
//! Without risks the set is `None` and each step pays one branch.
//!
//! No recursion anywhere: the strongly connected components come from an iterative Tarjan.

use super::Objective;
use crate::depgraph::{Condition, DepGraph};
use crate::version::Version;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, VecDeque};

/// A lexicographic cost, in the objective's order: (hops, stops, deprecated) or
/// (stops, hops, deprecated).
pub(crate) type Cost = (u32, u32, u32);

const NONE: u32 = u32::MAX;
const UNREACHABLE: Cost = (u32::MAX, u32::MAX, u32::MAX);

/// What kind of barrier a version is, as far as the search is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Gate {
    /// Not a barrier.
    Open,
    /// Always a binary stop (no condition, or an empty list).
    Always,
    /// A stop when the last stop's class lists this barrier.
    ComeFrom,
    /// A stop when the target signature lists this barrier.
    UpgradedTo,
}

/// Everything the search needs about a graph, in flat arrays indexed by node index. Built once
/// when the graph is loaded.
#[derive(Debug, Clone, Default)]
pub(crate) struct RouteIndex {
    /// Successors of node `i`: `succ[succ_off[i]..succ_off[i + 1]]`, in version order.
    succ_off: Vec<u32>,
    succ: Vec<u32>,
    /// Predecessors, the same way.
    pred_off: Vec<u32>,
    pred: Vec<u32>,
    /// Position of each node in version order, and the nodes in that order.
    rank: Vec<u32>,
    order: Vec<u32>,
    deprecated: Vec<bool>,
    gate: Vec<Gate>,
    /// Class of each node as a last stop (0: named by no `when_come_from`).
    class_of: Vec<u32>,
    /// The `when_come_from` barriers of each class, sorted (class 0: none).
    class_barriers: Vec<Vec<u32>>,
    /// Smallest component number among a class's barriers (see `comp`).
    class_reach: Vec<u32>,
    /// Target signature of each node (0: named by no `when_upgraded_to`).
    target_sig: Vec<u32>,
    /// The `when_upgraded_to` barriers of each signature, sorted (signature 0: none).
    sig_barriers: Vec<Vec<u32>>,
    /// Component of each node, numbered in Tarjan order: a component reaches only components
    /// with a smaller or equal number.
    comp: Vec<u32>,
    /// The components, in the same order, each in discovery order.
    components: Vec<Vec<u32>>,
    /// Position of each node inside its component (for visited sets).
    slot: Vec<u32>,
}

fn csr(n: usize, edges: &mut [(u32, u32)]) -> (Vec<u32>, Vec<u32>) {
    edges.sort_unstable();
    let mut off = vec![0u32; n + 1];
    for &(a, _) in edges.iter() {
        if let Some(o) = off.get_mut(a as usize + 1) {
            *o += 1;
        }
    }
    for i in 0..n {
        let prev = off.get(i).copied().unwrap_or(0);
        if let Some(o) = off.get_mut(i + 1) {
            *o += prev;
        }
    }
    (off, edges.iter().map(|&(_, b)| b).collect())
}

/// Groups sorted pairs by their first element: `(first, seconds)` in order.
fn group_by_first(pairs: &[(u32, u32)]) -> Vec<(u32, Vec<u32>)> {
    let mut out: Vec<(u32, Vec<u32>)> = Vec::new();
    for &(a, b) in pairs {
        match out.last_mut() {
            Some((key, list)) if *key == a => list.push(b),
            _ => out.push((a, vec![b])),
        }
    }
    out
}

/// Interns sorted lists of barriers; id 0 is the empty list. `pairs`: (node, barrier naming it).
fn intern(pairs: &mut Vec<(u32, u32)>, n: usize) -> (Vec<u32>, Vec<Vec<u32>>) {
    pairs.sort_unstable();
    pairs.dedup();
    let mut of = vec![0u32; n];
    let mut lists: Vec<Vec<u32>> = vec![Vec::new()];
    let mut ids: HashMap<Vec<u32>, u32> = HashMap::new();
    for (node, list) in group_by_first(pairs) {
        let next = lists.len() as u32;
        let id = *ids.entry(list.clone()).or_insert_with(|| {
            lists.push(list);
            next
        });
        if let Some(o) = of.get_mut(node as usize) {
            *o = id;
        }
    }
    (of, lists)
}

/// Strongly connected components of a graph given as adjacency offsets, without recursion
/// (Tarjan's algorithm with an explicit stack). Components come out in reverse topological order:
/// every edge goes from a component to one with a smaller or equal number.
pub(crate) fn strongly_connected(off: &[u32], adj: &[u32]) -> Vec<Vec<u32>> {
    let n = off.len().saturating_sub(1);
    let mut index = vec![NONE; n];
    let mut low = vec![0u32; n];
    let mut on_stack = vec![false; n];
    let mut stack: Vec<u32> = Vec::new();
    let mut out: Vec<Vec<u32>> = Vec::new();
    let mut next_index = 0u32;
    // (node, position of the next successor to look at)
    let mut calls: Vec<(u32, u32)> = Vec::new();
    let succ = |v: u32| -> &[u32] {
        let (a, b) = (
            off.get(v as usize).copied().unwrap_or(0) as usize,
            off.get(v as usize + 1).copied().unwrap_or(0) as usize,
        );
        adj.get(a..b).unwrap_or(&[])
    };
    for root in 0..n as u32 {
        if index.get(root as usize) != Some(&NONE) {
            continue;
        }
        calls.push((root, 0));
        while let Some(&mut (v, ref mut pos)) = calls.last_mut() {
            let vi = v as usize;
            if *pos == 0 && index.get(vi) == Some(&NONE) {
                if let (Some(i), Some(l), Some(o)) =
                    (index.get_mut(vi), low.get_mut(vi), on_stack.get_mut(vi))
                {
                    *i = next_index;
                    *l = next_index;
                    *o = true;
                }
                next_index += 1;
                stack.push(v);
            }
            let children = succ(v);
            if let Some(&w) = children.get(*pos as usize) {
                *pos += 1;
                let wi = w as usize;
                match index.get(wi).copied() {
                    Some(NONE) => calls.push((w, 0)),
                    Some(w_index) if on_stack.get(wi) == Some(&true) => {
                        if let Some(l) = low.get_mut(vi) {
                            *l = (*l).min(w_index);
                        }
                    }
                    _ => {}
                }
                continue;
            }
            // Every successor done: close v.
            calls.pop();
            let v_low = low.get(vi).copied().unwrap_or(0);
            if let Some(&(parent, _)) = calls.last()
                && let Some(l) = low.get_mut(parent as usize)
            {
                *l = (*l).min(v_low);
            }
            if index.get(vi) == Some(&v_low) {
                let mut component = Vec::new();
                while let Some(w) = stack.pop() {
                    if let Some(o) = on_stack.get_mut(w as usize) {
                        *o = false;
                    }
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                component.reverse();
                out.push(component);
            }
        }
    }
    out
}

impl RouteIndex {
    /// Builds the index of a graph.
    pub(crate) fn build(g: &DepGraph) -> RouteIndex {
        let n = g.len();
        let graph = g.graph();
        let mut order: Vec<u32> = (0..n as u32).collect();
        order.sort_by(|&a, &b| {
            g.node(ix(a))
                .version
                .cmp(&g.node(ix(b)).version)
                .then(a.cmp(&b))
        });
        let mut rank = vec![0u32; n];
        for (r, &i) in order.iter().enumerate() {
            if let Some(x) = rank.get_mut(i as usize) {
                *x = r as u32;
            }
        }
        let rank_of = |i: u32| rank.get(i as usize).copied().unwrap_or(0);
        let mut fwd: Vec<(u32, u32)> = Vec::with_capacity(graph.edge_count());
        let mut bwd: Vec<(u32, u32)> = Vec::with_capacity(graph.edge_count());
        for e in graph.raw_edges() {
            let (a, b) = (e.source().index() as u32, e.target().index() as u32);
            fwd.push((a, b));
            bwd.push((b, a));
        }
        // Successors in version order: sort by (source, rank of target).
        let mut fwd_ranked: Vec<(u32, u32)> = fwd.iter().map(|&(a, b)| (a, rank_of(b))).collect();
        let (succ_off, succ_ranks) = csr(n, &mut fwd_ranked);
        let succ: Vec<u32> = succ_ranks
            .iter()
            .map(|&r| order.get(r as usize).copied().unwrap_or(0))
            .collect();
        let (pred_off, pred) = csr(n, &mut bwd);

        // Which nodes each condition entry names: the node itself, and for a plain version its
        // builds.
        let mut by_base: foldhash::HashMap<Version, Vec<u32>> = foldhash::HashMap::default();
        for (i, node) in g.nodes() {
            if node.version.is_build_specific() {
                by_base
                    .entry(node.version.base_version())
                    .or_default()
                    .push(i.index() as u32);
            }
        }
        let named = |e: &Version, out: &mut Vec<u32>| {
            out.clear();
            if let Some(i) = g.find_version(e) {
                out.push(i.index() as u32);
            }
            if !e.is_build_specific()
                && let Some(builds) = by_base.get(e)
            {
                out.extend(builds.iter().copied());
            }
        };
        let mut gate = vec![Gate::Open; n];
        let mut come_from: Vec<(u32, u32)> = Vec::new();
        let mut upgraded_to: Vec<(u32, u32)> = Vec::new();
        let mut scratch = Vec::new();
        for (i, node) in g.nodes() {
            let b = i.index() as u32;
            let kind = match &node.barrier {
                None => Gate::Open,
                Some(Condition::Always) => Gate::Always,
                Some(Condition::ComeFrom(l)) | Some(Condition::UpgradedTo(l)) if l.is_empty() => {
                    Gate::Always
                }
                Some(Condition::ComeFrom(l)) => {
                    for e in l {
                        named(e, &mut scratch);
                        come_from.extend(scratch.iter().map(|&m| (m, b)));
                    }
                    Gate::ComeFrom
                }
                Some(Condition::UpgradedTo(l)) => {
                    for e in l {
                        named(e, &mut scratch);
                        upgraded_to.extend(scratch.iter().map(|&m| (m, b)));
                    }
                    Gate::UpgradedTo
                }
            };
            if let Some(x) = gate.get_mut(b as usize) {
                *x = kind;
            }
        }
        let (class_of, class_barriers) = intern(&mut come_from, n);
        let (target_sig, sig_barriers) = intern(&mut upgraded_to, n);

        let components = strongly_connected(&succ_off, &succ);
        let mut comp = vec![0u32; n];
        let mut slot = vec![0u32; n];
        for (c, members) in components.iter().enumerate() {
            for (s, &m) in members.iter().enumerate() {
                if let (Some(x), Some(y)) = (comp.get_mut(m as usize), slot.get_mut(m as usize)) {
                    *x = c as u32;
                    *y = s as u32;
                }
            }
        }
        let class_reach = class_barriers
            .iter()
            .map(|list| {
                list.iter()
                    .map(|&b| comp.get(b as usize).copied().unwrap_or(0))
                    .min()
                    .unwrap_or(0)
            })
            .collect();
        RouteIndex {
            order,
            succ_off,
            succ,
            pred_off,
            pred,
            rank,
            deprecated: g.nodes().map(|(_, n)| n.deprecated).collect(),
            gate,
            class_of,
            class_barriers,
            class_reach,
            target_sig,
            sig_barriers,
            comp,
            components,
            slot,
        }
    }

    fn len(&self) -> usize {
        self.rank.len()
    }

    fn succ(&self, v: u32) -> &[u32] {
        slice(&self.succ_off, &self.succ, v)
    }

    fn pred(&self, v: u32) -> &[u32] {
        slice(&self.pred_off, &self.pred, v)
    }

    /// The positions of `v`'s successors in the successor array (one position per edge).
    fn succ_range(&self, v: u32) -> std::ops::Range<usize> {
        let a = self.succ_off.get(v as usize).copied().unwrap_or(0) as usize;
        let b = self.succ_off.get(v as usize + 1).copied().unwrap_or(0) as usize;
        a..b.max(a)
    }

    /// How many edges the graph has (positions `0..edge_count()`).
    pub(crate) fn edge_count(&self) -> usize {
        self.succ.len()
    }

    /// The position of the edge `from → to` in the successor array, if the edge exists.
    /// Successors are sorted by version rank, so this is a binary search.
    pub(crate) fn edge_position(&self, from: u32, to: u32) -> Option<usize> {
        let range = self.succ_range(from);
        let start = range.start;
        let list = self.succ.get(range)?;
        let want = self.rank(to);
        list.binary_search_by_key(&want, |&w| self.rank(w))
            .ok()
            .map(|i| start + i)
    }

    /// The position of `v` in version order.
    pub(crate) fn rank(&self, v: u32) -> u32 {
        self.rank.get(v as usize).copied().unwrap_or(NONE)
    }

    /// The nodes in version order, oldest first.
    pub(crate) fn by_version(&self) -> &[u32] {
        &self.order
    }

    /// Which nodes `from` reaches (itself included), following edges forwards, or backwards (which
    /// nodes reach `from`).
    pub(crate) fn reach(&self, from: u32, forward: bool) -> Vec<bool> {
        let mut seen = vec![false; self.len()];
        let mut stack = vec![from];
        if let Some(s) = seen.get_mut(from as usize) {
            *s = true;
        }
        while let Some(v) = stack.pop() {
            let next = if forward { self.succ(v) } else { self.pred(v) };
            for &w in next {
                if let Some(s) = seen.get_mut(w as usize)
                    && !*s
                {
                    *s = true;
                    stack.push(w);
                }
            }
        }
        seen
    }

    /// Which nodes `from` reaches forwards without taking a blocked edge (`blocked`: per edge
    /// position, as in [`Query::blocked`]).
    pub(crate) fn reach_allowed(&self, from: u32, blocked: &[bool]) -> Vec<bool> {
        let mut seen = vec![false; self.len()];
        let mut stack = vec![from];
        if let Some(s) = seen.get_mut(from as usize) {
            *s = true;
        }
        while let Some(v) = stack.pop() {
            for pos in self.succ_range(v) {
                if blocked.get(pos).copied().unwrap_or(false) {
                    continue;
                }
                let Some(&w) = self.succ.get(pos) else {
                    continue;
                };
                if let Some(s) = seen.get_mut(w as usize)
                    && !*s
                {
                    *s = true;
                    stack.push(w);
                }
            }
        }
        seen
    }

    /// The strongly connected components, in reverse topological order (a component's edges go
    /// only to components listed before it, or inside itself).
    pub(crate) fn components(&self) -> &[Vec<u32>] {
        &self.components
    }

    fn comp_size(&self, v: u32) -> usize {
        let c = self.comp.get(v as usize).copied().unwrap_or(0);
        self.components.get(c as usize).map_or(1, Vec::len)
    }

    /// The target signature of a node (which `when_upgraded_to` barriers fire when it is the
    /// target).
    pub(crate) fn signature(&self, target: u32) -> u32 {
        self.target_sig.get(target as usize).copied().unwrap_or(0)
    }

    /// The last-stop class of `v`, dropped to 0 when none of its barriers is reachable from `at`.
    fn class_at(&self, v: u32, at: u32) -> u32 {
        let c = self.class_of.get(v as usize).copied().unwrap_or(0);
        let here = self.comp.get(at as usize).copied().unwrap_or(0);
        if c != 0 && self.class_reach.get(c as usize).is_some_and(|&r| r <= here) {
            c
        } else {
            0
        }
    }

    /// Whether entering `v` (not the target) installs the binary there.
    fn fires(&self, v: u32, class: u32, sig: u32) -> bool {
        let listed = |lists: &[Vec<u32>], id: u32| {
            lists
                .get(id as usize)
                .is_some_and(|l| l.binary_search(&v).is_ok())
        };
        match self.gate.get(v as usize) {
            Some(Gate::Always) => true,
            Some(Gate::ComeFrom) => listed(&self.class_barriers, class),
            Some(Gate::UpgradedTo) => listed(&self.sig_barriers, sig),
            Some(Gate::Open) | None => false,
        }
    }

    /// The binary stops of a path (start first, target last): its intermediate versions where
    /// the binary is installed.
    pub(crate) fn stops_on(&self, path: &[u32]) -> Vec<u32> {
        let (Some(&first), Some(&last)) = (path.first(), path.last()) else {
            return Vec::new();
        };
        let sig = self.signature(last);
        let mut class = self.class_of.get(first as usize).copied().unwrap_or(0);
        let mut stops = Vec::new();
        for &v in path.iter().skip(1).take(path.len().saturating_sub(2)) {
            if self.fires(v, class, sig) {
                stops.push(v);
                class = self.class_of.get(v as usize).copied().unwrap_or(0);
            }
        }
        stops
    }

    /// Lower bounds of the cost from every node to `target` (admissible and consistent): the
    /// fewest hops, and the fewest stops that fire whatever the last stop, each from a backward
    /// breadth-first search that takes no `blocked` edge (the search will not either, so the
    /// bounds stay admissible and are tighter); `UNREACHABLE` where the target cannot be reached.
    fn lower_bounds(
        &self,
        target: u32,
        sig: u32,
        objective: Objective,
        blocked: Option<&[bool]>,
    ) -> Vec<Cost> {
        // Whether the edge `u → v` may be taken (a binary search, only when edges are blocked).
        let open = |u: u32, v: u32| match blocked {
            None => true,
            Some(b) => self
                .edge_position(u, v)
                .is_some_and(|pos| !b.get(pos).copied().unwrap_or(false)),
        };
        let n = self.len();
        let mut hops = vec![NONE; n];
        let mut queue = VecDeque::from([target]);
        if let Some(h) = hops.get_mut(target as usize) {
            *h = 0;
        }
        while let Some(v) = queue.pop_front() {
            let d = hops.get(v as usize).copied().unwrap_or(NONE);
            for &u in self.pred(v) {
                if let Some(h) = hops.get_mut(u as usize)
                    && *h == NONE
                    && open(u, v)
                {
                    *h = d + 1;
                    queue.push_back(u);
                }
            }
        }
        // 0-1 breadth-first search: entering `v` (not the target) costs 1 when it always fires.
        let mut stops = vec![NONE; n];
        let mut deque = VecDeque::from([target]);
        if let Some(s) = stops.get_mut(target as usize) {
            *s = 0;
        }
        while let Some(v) = deque.pop_front() {
            let d = stops.get(v as usize).copied().unwrap_or(NONE);
            // Class 0 fires no `when_come_from` barrier: what fires here fires whatever the past.
            let w = u32::from(v != target && self.fires(v, 0, sig));
            for &u in self.pred(v) {
                if let Some(s) = stops.get_mut(u as usize)
                    && d + w < *s
                    && open(u, v)
                {
                    *s = d + w;
                    if w == 0 {
                        deque.push_front(u);
                    } else {
                        deque.push_back(u);
                    }
                }
            }
        }
        hops.iter()
            .zip(&stops)
            .map(|(&h, &s)| match (h, objective) {
                (NONE, _) => UNREACHABLE,
                (_, Objective::Hops) => (h, s, 0),
                (_, Objective::Stops) => (s, h, 0),
            })
            .collect()
    }
}

fn slice<'a>(off: &[u32], data: &'a [u32], v: u32) -> &'a [u32] {
    let a = off.get(v as usize).copied().unwrap_or(0) as usize;
    let b = off.get(v as usize + 1).copied().unwrap_or(0) as usize;
    data.get(a..b).unwrap_or(&[])
}

fn ix(i: u32) -> petgraph::graph::NodeIndex {
    petgraph::graph::NodeIndex::new(i as usize)
}

fn add(a: Cost, b: Cost) -> Cost {
    (
        a.0.saturating_add(b.0),
        a.1.saturating_add(b.1),
        a.2.saturating_add(b.2),
    )
}

/// What to search for.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Query<'b> {
    pub objective: Objective,
    pub start: u32,
    /// `Some`: one target (a sink; the search stops once it is settled). `None`: every target.
    pub target: Option<u32>,
    /// The target signature: which `when_upgraded_to` barriers fire.
    pub sig: u32,
    /// Track the versions visited inside cycles, so that only simple paths are found.
    pub simple: bool,
    /// Edges no step may take, by edge position ([`RouteIndex::edge_position`]): the
    /// not-recommended edges of known risks. `None`: every edge may be taken.
    pub blocked: Option<&'b [bool]>,
}

/// The search was stopped by its budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct OverBudget;

/// `(node, class, visited set)`; the visited set is 0 (empty) outside cycles.
type Key = (u32, u32, u32);

/// A finished search: every state it created, with its cost and optimal predecessors.
pub(crate) struct Search<'a> {
    index: &'a RouteIndex,
    query: Query<'a>,
    keys: Vec<Key>,
    cost: Vec<Cost>,
    settled: Vec<bool>,
    /// Optimal predecessors, as linked lists in `links` (`NONE` ends a list).
    pred_head: Vec<u32>,
    links: Vec<(u32, u32)>,
    /// Cost of the best settled target state (one-target searches).
    best: Option<Cost>,
}

/// State ids by key: an array for the plain states `(node, 0, 0)`, which are most of them, and a
/// hash map for the others.
struct StateIds {
    plain: Vec<u32>,
    other: foldhash::HashMap<Key, u32>,
}

impl StateIds {
    fn new(n: usize) -> StateIds {
        StateIds {
            plain: vec![NONE; n],
            other: foldhash::HashMap::default(),
        }
    }

    fn get(&self, key: Key) -> Option<u32> {
        if key.1 == 0 && key.2 == 0 {
            self.plain
                .get(key.0 as usize)
                .copied()
                .filter(|&id| id != NONE)
        } else {
            self.other.get(&key).copied()
        }
    }

    fn insert(&mut self, key: Key, id: u32) {
        if key.1 == 0 && key.2 == 0 {
            if let Some(x) = self.plain.get_mut(key.0 as usize) {
                *x = id;
            }
        } else {
            self.other.insert(key, id);
        }
    }
}

/// Visited sets, interned; set 0 is the empty set.
struct Sets {
    ids: foldhash::HashMap<Box<[u64]>, u32>,
    sets: Vec<Box<[u64]>>,
}

impl Sets {
    fn new() -> Sets {
        Sets {
            ids: foldhash::HashMap::default(),
            sets: vec![Box::new([])],
        }
    }

    fn contains(&self, set: u32, slot: u32) -> bool {
        self.sets
            .get(set as usize)
            .and_then(|s| s.get(slot as usize / 64))
            .is_some_and(|w| w & (1 << (slot % 64)) != 0)
    }

    /// `set` plus `slot` (`set` 0 with `words` words when starting a component).
    fn with(&mut self, set: u32, slot: u32, words: usize) -> u32 {
        let mut bits: Box<[u64]> = match self.sets.get(set as usize) {
            Some(s) if set != 0 => s.clone(),
            _ => vec![0u64; words].into_boxed_slice(),
        };
        if let Some(w) = bits.get_mut(slot as usize / 64) {
            *w |= 1 << (slot % 64);
        }
        let next = self.sets.len() as u32;
        match self.ids.get(&bits) {
            Some(&id) => id,
            None => {
                self.ids.insert(bits.clone(), next);
                self.sets.push(bits);
                next
            }
        }
    }
}

impl<'a> Search<'a> {
    /// Runs a search. `bounds`: lower bounds per node (one-target searches), or `None`.
    /// `budget`: most states before giving up (`usize::MAX`: none).
    pub(crate) fn run(
        index: &'a RouteIndex,
        query: Query<'a>,
        bounds: Option<&[Cost]>,
        budget: usize,
    ) -> Result<Search<'a>, OverBudget> {
        let mut s = Search {
            index,
            query,
            keys: Vec::new(),
            cost: Vec::new(),
            settled: Vec::new(),
            pred_head: Vec::new(),
            links: Vec::new(),
            best: None,
        };
        let mut ids = StateIds::new(index.len());
        let mut sets = Sets::new();
        let bound = |v: u32| -> Cost {
            match bounds {
                Some(b) => b.get(v as usize).copied().unwrap_or(UNREACHABLE),
                None => (0, 0, 0),
            }
        };
        if bound(query.start) == UNREACHABLE {
            return Ok(s);
        }
        let start_set = if query.simple && index.comp_size(query.start) > 1 {
            let words = index.comp_size(query.start).div_ceil(64);
            sets.with(
                0,
                index.slot.get(query.start as usize).copied().unwrap_or(0),
                words,
            )
        } else {
            0
        };
        let start: Key = (
            query.start,
            index.class_at(query.start, query.start),
            start_set,
        );
        s.push_state(start, (0, 0, 0), NONE);
        ids.insert(start, 0);
        let mut heap = BinaryHeap::from([Reverse((bound(query.start), 0u32))]);
        while let Some(Reverse((f, id))) = heap.pop() {
            if s.best.is_some_and(|b| f > b) {
                break;
            }
            let Some(done) = s.settled.get_mut(id as usize) else {
                continue;
            };
            if *done {
                continue;
            }
            *done = true;
            let Some(&(u, class, set)) = s.keys.get(id as usize) else {
                continue;
            };
            let g = s.cost.get(id as usize).copied().unwrap_or(UNREACHABLE);
            if Some(u) == query.target {
                s.best = Some(s.best.map_or(g, |b| b.min(g)));
                continue;
            }
            let range = index.succ_range(u);
            let first = range.start;
            for (k, &v) in index.succ.get(range).unwrap_or(&[]).iter().enumerate() {
                let pos = first + k;
                let h = bound(v);
                if h == UNREACHABLE {
                    continue;
                }
                let Some((step, key)) = s.step(&mut sets, (u, class, set), v, pos) else {
                    continue;
                };
                let ng = add(g, step);
                match ids.get(key) {
                    None => {
                        if s.keys.len() >= budget {
                            return Err(OverBudget);
                        }
                        let nid = s.keys.len() as u32;
                        ids.insert(key, nid);
                        s.push_state(key, ng, id);
                        heap.push(Reverse((add(ng, h), nid)));
                    }
                    Some(nid) => {
                        let Some(old) = s.cost.get(nid as usize).copied() else {
                            continue;
                        };
                        if ng < old {
                            if let (Some(c), Some(p)) = (
                                s.cost.get_mut(nid as usize),
                                s.pred_head.get_mut(nid as usize),
                            ) {
                                *c = ng;
                                *p = NONE;
                            }
                            s.link(nid, id);
                            heap.push(Reverse((add(ng, h), nid)));
                        } else if ng == old {
                            s.link(nid, id);
                        }
                    }
                }
            }
        }
        Ok(s)
    }

    fn push_state(&mut self, key: Key, cost: Cost, pred: u32) {
        let id = self.keys.len() as u32;
        self.keys.push(key);
        self.cost.push(cost);
        self.settled.push(false);
        self.pred_head.push(NONE);
        if pred != NONE {
            self.link(id, pred);
        }
    }

    fn link(&mut self, id: u32, pred: u32) {
        if let Some(head) = self.pred_head.get_mut(id as usize) {
            self.links.push((pred, *head));
            *head = self.links.len() as u32 - 1;
        }
    }

    fn preds(&self, id: u32) -> impl Iterator<Item = u32> + '_ {
        let mut at = self.pred_head.get(id as usize).copied().unwrap_or(NONE);
        std::iter::from_fn(move || {
            let &(p, next) = self.links.get(at as usize)?;
            at = next;
            Some(p)
        })
    }

    /// Whether the edge at position `pos` may be taken (it is not a blocked, not-recommended
    /// edge).
    fn edge_allowed(&self, pos: usize) -> bool {
        match self.query.blocked {
            None => true,
            Some(b) => !b.get(pos).copied().unwrap_or(false),
        }
    }

    /// The cost of taking edge `pos` into `v` from state `from`, and the state it leads to;
    /// `None` when the step is not allowed (a blocked edge, back to the start, or to a version
    /// visited inside the current cycle).
    fn step(&self, sets: &mut Sets, from: Key, v: u32, pos: usize) -> Option<(Cost, Key)> {
        if !self.edge_allowed(pos) {
            return None;
        }
        let index = self.index;
        let q = &self.query;
        let (u, class, set) = from;
        let into_target = Some(v) == q.target;
        let new_set = if !q.simple {
            if v == q.start {
                return None;
            }
            0
        } else if index.comp_size(v) > 1 {
            let same = index.comp.get(v as usize) == index.comp.get(u as usize);
            let slot = index.slot.get(v as usize).copied().unwrap_or(0);
            if same && sets.contains(set, slot) {
                return None;
            }
            if into_target {
                0
            } else {
                let words = index.comp_size(v).div_ceil(64);
                sets.with(if same { set } else { 0 }, slot, words)
            }
        } else {
            0
        };
        let (fires, deprecated) = if into_target {
            (false, false)
        } else {
            (
                index.fires(v, class, q.sig),
                index.deprecated.get(v as usize).copied().unwrap_or(false),
            )
        };
        let next_class = if fires {
            index.class_at(v, v)
        } else if class != 0 {
            // Keep the class while one of its barriers can still be reached.
            let here = index.comp.get(v as usize).copied().unwrap_or(0);
            if index
                .class_reach
                .get(class as usize)
                .is_some_and(|&r| r <= here)
            {
                class
            } else {
                0
            }
        } else {
            0
        };
        let (s, d) = (u32::from(fires), u32::from(deprecated));
        let step = match q.objective {
            Objective::Hops => (1, s, d),
            Objective::Stops => (s, 1, d),
        };
        Some((step, (v, next_class, new_set)))
    }

    fn hops(&self, id: u32) -> u32 {
        let c = self.cost.get(id as usize).copied().unwrap_or(UNREACHABLE);
        match self.query.objective {
            Objective::Hops => c.0,
            Objective::Stops => c.1,
        }
    }

    /// Ranks `states` (all of whose optimal predecessors are among them) layer by layer, and
    /// returns each one's best predecessor (`NONE` for the start) and rank.
    fn rank(&self, mut states: Vec<u32>) -> (Vec<u32>, Vec<u32>) {
        let n = self.keys.len();
        let mut best_pred = vec![NONE; n];
        let mut rank = vec![NONE; n];
        states.sort_unstable_by_key(|&id| self.hops(id));
        let mut i = 0;
        let mut layer: Vec<(u32, u32, u32)> = Vec::new();
        while i < states.len() {
            let h = states.get(i).map_or(0, |&id| self.hops(id));
            layer.clear();
            while let Some(&id) = states.get(i)
                && self.hops(id) == h
            {
                let bp = self
                    .preds(id)
                    .filter(|&p| rank.get(p as usize).is_some_and(|&r| r != NONE))
                    .min_by_key(|&p| rank.get(p as usize).copied().unwrap_or(NONE))
                    .unwrap_or(NONE);
                if let Some(b) = best_pred.get_mut(id as usize) {
                    *b = bp;
                }
                let node = self.keys.get(id as usize).map_or(0, |k| k.0);
                let pr = if bp == NONE {
                    0
                } else {
                    rank.get(bp as usize).copied().unwrap_or(NONE)
                };
                layer.push((pr, self.index.rank(node), id));
                i += 1;
            }
            layer.sort_unstable();
            for (r, &(_, _, id)) in layer.iter().enumerate() {
                if let Some(x) = rank.get_mut(id as usize) {
                    *x = r as u32;
                }
            }
        }
        (best_pred, rank)
    }

    fn path_to(&self, best_pred: &[u32], mut id: u32) -> Vec<u32> {
        let mut path = Vec::new();
        while id != NONE {
            if let Some(k) = self.keys.get(id as usize) {
                path.push(k.0);
            }
            id = best_pred.get(id as usize).copied().unwrap_or(NONE);
        }
        path.reverse();
        path
    }

    /// The smallest optimal route to the target of a one-target search.
    pub(crate) fn route(&self) -> Option<Vec<u32>> {
        let target = self.query.target?;
        let best = self.best?;
        let ends: Vec<u32> = (0..self.keys.len() as u32)
            .filter(|&id| {
                self.keys.get(id as usize).is_some_and(|k| k.0 == target)
                    && self.cost.get(id as usize) == Some(&best)
            })
            .collect();
        // Every state on an optimal route: backwards from the optimal target states.
        let mut on = vec![false; self.keys.len()];
        let mut stack = ends.clone();
        let mut states = Vec::new();
        while let Some(id) = stack.pop() {
            if let Some(o) = on.get_mut(id as usize)
                && !*o
            {
                *o = true;
                states.push(id);
                stack.extend(self.preds(id));
            }
        }
        let (best_pred, rank) = self.rank(states);
        let end = ends
            .into_iter()
            .min_by_key(|&id| rank.get(id as usize).copied().unwrap_or(NONE))?;
        Some(self.path_to(&best_pred, end))
    }

    /// Every target's smallest optimal route, from an every-target search: `(target, route)` for
    /// each node in `targets` that the start reaches.
    pub(crate) fn routes(&self, targets: &[u32]) -> Vec<(u32, Vec<u32>)> {
        let settled: Vec<u32> = (0..self.keys.len() as u32)
            .filter(|&id| self.settled.get(id as usize) == Some(&true))
            .collect();
        let mut by_node: Vec<Vec<u32>> = vec![Vec::new(); self.index.len()];
        for &id in &settled {
            if let Some(k) = self.keys.get(id as usize)
                && let Some(list) = by_node.get_mut(k.0 as usize)
            {
                list.push(id);
            }
        }
        let (best_pred, rank) = self.rank(settled);
        let arrive = match self.query.objective {
            Objective::Hops => (1, 0, 0),
            Objective::Stops => (0, 1, 0),
        };
        let mut out = Vec::new();
        for &t in targets {
            if t == self.query.start {
                continue;
            }
            let mut best: Option<(Cost, u32, u32)> = None;
            for &p in self.index.pred(t) {
                if self.query.blocked.is_some()
                    && !self
                        .index
                        .edge_position(p, t)
                        .is_some_and(|pos| self.edge_allowed(pos))
                {
                    continue;
                }
                for &id in by_node.get(p as usize).into_iter().flatten() {
                    let c = add(
                        self.cost.get(id as usize).copied().unwrap_or(UNREACHABLE),
                        arrive,
                    );
                    let r = rank.get(id as usize).copied().unwrap_or(NONE);
                    if best.is_none_or(|b| (c, r) < (b.0, b.1)) {
                        best = Some((c, r, id));
                    }
                }
            }
            if let Some((_, _, id)) = best {
                let mut path = self.path_to(&best_pred, id);
                path.push(t);
                out.push((t, path));
            }
        }
        out
    }
}

/// Whether a path visits no node twice.
pub(crate) fn is_simple(path: &[u32], n: usize) -> bool {
    let mut seen = vec![false; n];
    path.iter().all(|&v| match seen.get_mut(v as usize) {
        Some(s) if !*s => {
            *s = true;
            true
        }
        _ => false,
    })
}

/// The smallest optimal simple route from `start` to `target`, or `None`; `Err` when the exact
/// search (needed only under `stops` when the fastest walk repeats a version) is over budget.
pub(crate) fn solve(
    index: &RouteIndex,
    start: u32,
    target: u32,
    objective: Objective,
    budget: usize,
    blocked: Option<&[bool]>,
) -> Result<Option<Vec<u32>>, OverBudget> {
    let sig = index.signature(target);
    let bounds = index.lower_bounds(target, sig, objective, blocked);
    let mut query = Query {
        objective,
        start,
        target: Some(target),
        sig,
        simple: false,
        blocked,
    };
    let relaxed = Search::run(index, query, Some(&bounds), usize::MAX)?;
    let Some(path) = relaxed.route() else {
        return Ok(None);
    };
    if is_simple(&path, index.len()) {
        return Ok(Some(path));
    }
    // Only under `stops` on cyclic graphs: the optimal walk repeats a version.
    query.simple = true;
    Ok(Search::run(index, query, Some(&bounds), budget)?.route())
}

/// Every target's smallest optimal simple route from `start`: `(target, route)` for each node of
/// `targets` the start can reach (the start itself excluded).
///
/// One every-target search for the targets whose signature makes no difference (no
/// `when_upgraded_to` barrier naming them is reachable from the start); a target named by a
/// reachable one gets a search for its signature: an every-target search when many targets share
/// it, else a one-target search each. A target whose fastest walk repeats a version (only under
/// `stops`, on cyclic graphs) gets an exact search of its own.
pub(crate) fn solve_all(
    index: &RouteIndex,
    start: u32,
    targets: &[u32],
    objective: Objective,
    budget: usize,
    blocked: Option<&[bool]>,
) -> Result<Vec<(u32, Vec<u32>)>, OverBudget> {
    /// Below this many targets, a signature's targets are searched one by one.
    const SHARED_SEARCH_FROM: usize = 8;
    let reached = index.reach(start, true);
    let matters = |sig: u32| {
        index.sig_barriers.get(sig as usize).is_some_and(|l| {
            l.iter()
                .any(|&b| reached.get(b as usize).copied().unwrap_or(false))
        })
    };
    let mut by_sig: Vec<(u32, u32)> = targets
        .iter()
        .filter(|&&t| t != start)
        .map(|&t| {
            let sig = index.signature(t);
            (if matters(sig) { sig } else { 0 }, t)
        })
        .collect();
    by_sig.sort_unstable();
    let mut out = Vec::with_capacity(by_sig.len());
    for (sig, group) in group_by_first(&by_sig) {
        if sig != 0 && group.len() < SHARED_SEARCH_FROM {
            for t in group {
                if let Some(path) = solve(index, start, t, objective, budget, blocked)? {
                    out.push((t, path));
                }
            }
            continue;
        }
        let query = Query {
            objective,
            start,
            target: None,
            sig,
            simple: false,
            blocked,
        };
        let search = Search::run(index, query, None, usize::MAX)?;
        for (t, path) in search.routes(&group) {
            if is_simple(&path, index.len()) {
                out.push((t, path));
            } else if let Some(exact) = solve(index, start, t, objective, budget, blocked)? {
                out.push((t, exact));
            }
        }
    }
    Ok(out)
}
