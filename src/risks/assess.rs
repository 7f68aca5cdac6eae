//! Risks bound to a graph's edges ([`RiskGraph`]), evaluated against facts with some risks
//! accepted ([`Assessment`]), and the plans and targets that honour them.
//!
//! The planner never sees risks: an assessment hands it the set of not-recommended edges (those
//! with a risk that applies and is not accepted), which the route search's one edge step
//! filters out. A route that avoids them, if one exists, wins whatever its length; when none
//! exists the same search without the filter gives the route that accepting the risks would
//! give, and the plan is refused as `not_recommended` with that route.

use super::{FactTest, MatchingRule, Risk, RiskSet, facts::Facts};
use crate::depgraph::DepGraph;
use crate::planner::{Objective, Plan, PlanError, PlanRequest};
use crate::targets::Targets;
use petgraph::graph::NodeIndex;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// How a risk's rules came out for one cluster or node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Evaluation {
    /// A rule could be evaluated and matched: the risk applies.
    Matched,
    /// A rule could be evaluated and did not match: the risk does not apply.
    NotMatched,
    /// No rule could be evaluated: the risk applies (the conservative answer).
    Unknown,
}

impl Evaluation {
    /// The name used in every output: `matched`, `not_matched`, `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Evaluation::Matched => "matched",
            Evaluation::NotMatched => "not_matched",
            Evaluation::Unknown => "unknown",
        }
    }
}

/// A risk's verdict for one set of facts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// How the rules came out.
    pub evaluation: Evaluation,
    /// The rule that decided (index into the risk's rules), unless [`Evaluation::Unknown`].
    pub rule: Option<usize>,
    /// The rules skipped before the decision (or all of them when unknown): what would decide
    /// it with more information.
    pub skipped: Vec<usize>,
}

impl Verdict {
    /// Whether the risk applies (matched, or nothing could be evaluated).
    pub fn applies(&self) -> bool {
        self.evaluation != Evaluation::NotMatched
    }
}

/// Evaluates a risk's rules in order against `facts` (`None`: no facts are known at all).
///
/// A rule of an unknown type, an `SQL` rule, a `Fact` rule without a comparison and a `Fact`
/// rule whose fact is not given are skipped (an `exists` test needs only that facts are given);
/// the first other rule decides; when none can be evaluated the risk applies.
pub fn evaluate(risk: &Risk, facts: Option<&Facts>) -> Verdict {
    let mut skipped = Vec::new();
    for (i, rule) in risk.rules.iter().enumerate() {
        let decided = match rule {
            MatchingRule::Always => Some(true),
            MatchingRule::Fact {
                fact,
                test: Some(test),
            } => match (facts, test) {
                (Some(f), FactTest::Exists(want)) => Some(f.get(fact).is_some() == *want),
                (Some(f), FactTest::Equals(v)) => f.get(fact).map(|got| got.same_as(v)),
                (Some(f), FactTest::In(list)) => {
                    f.get(fact).map(|got| list.iter().any(|v| got.same_as(v)))
                }
                (None, _) => None,
            },
            MatchingRule::Fact { test: None, .. }
            | MatchingRule::Sql { .. }
            | MatchingRule::Unknown { .. } => None,
        };
        match decided {
            Some(m) => {
                return Verdict {
                    evaluation: if m {
                        Evaluation::Matched
                    } else {
                        Evaluation::NotMatched
                    },
                    rule: Some(i),
                    skipped,
                };
            }
            None => skipped.push(i),
        }
    }
    Verdict {
        evaluation: Evaluation::Unknown,
        rule: None,
        skipped,
    }
}

/// One risk on one edge, as every output reports it (`not_recommended` refusals, accepted and
/// avoided risks, `targets`, rollouts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RiskReport {
    /// The risk's name (what `--accept-risk` takes).
    pub name: String,
    /// The edge's source version, as the dependency file writes it.
    pub from: String,
    /// The edge's target version.
    pub to: String,
    /// Where the issue is explained.
    pub url: String,
    /// What goes wrong, and what to do about it.
    pub message: String,
    /// `matched`, `not_matched` or `unknown` (nothing could be evaluated: the risk applies).
    pub evaluation: &'static str,
    /// The rule that decided (`Always`, `Fact parameters.x equals "True"`), or null when unknown.
    pub rule: Option<String>,
    /// The query of the first SQL rule that was skipped before the decision: run it before the
    /// window (and give its answer as a fact to decide the risk).
    pub sql: Option<String>,
    /// Facts whose absence left a Fact rule unevaluated before the decision.
    pub facts_needed: Vec<String>,
    /// The first version with the fix, when the risk says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fixed_in: Option<String>,
}

/// A risk set bound to one graph: the edges each risk is on.
#[derive(Debug, Clone)]
pub struct RiskGraph<'a> {
    set: &'a RiskSet,
    graph: &'a DepGraph,
    /// Per risk, its edges (source, target), sources in version order.
    edges: Vec<Vec<(NodeIndex, NodeIndex)>>,
    /// Per edge (source, target node index), the risks on it, in risk order.
    by_edge: BTreeMap<(u32, u32), Vec<usize>>,
}

impl RiskSet {
    /// Binds the risks to a graph: each risk is on every edge into its `to` version (a node with
    /// that name; none when the file has no such version) from a version whose whole name its
    /// `from` pattern matches.
    pub fn bind<'a>(&'a self, graph: &'a DepGraph) -> RiskGraph<'a> {
        let mut edges = vec![Vec::new(); self.risks().len()];
        let mut by_edge: BTreeMap<(u32, u32), Vec<usize>> = BTreeMap::new();
        // Which risks match each source name, computed once per version.
        let mut matches: HashMap<NodeIndex, Vec<usize>> = HashMap::new();
        let index = graph.route_index();
        for (r, risk) in self.risks().iter().enumerate() {
            let Some(to) = graph.find(&risk.to) else {
                continue;
            };
            let mut sources: Vec<NodeIndex> = graph
                .graph()
                .neighbors_directed(to, petgraph::Direction::Incoming)
                .collect();
            sources.sort_by_key(|s| index.rank(s.index() as u32));
            sources.dedup();
            for from in sources {
                let hit = matches
                    .entry(from)
                    .or_insert_with(|| self.matching(graph.node(from).version.as_str()));
                if hit.contains(&r) {
                    if let Some(e) = edges.get_mut(r) {
                        e.push((from, to));
                    }
                    by_edge
                        .entry((from.index() as u32, to.index() as u32))
                        .or_default()
                        .push(r);
                }
            }
        }
        RiskGraph {
            set: self,
            graph,
            edges,
            by_edge,
        }
    }
}

impl<'a> RiskGraph<'a> {
    /// The graph the risks are bound to.
    pub fn graph(&self) -> &'a DepGraph {
        self.graph
    }

    /// The risks.
    pub fn set(&self) -> &'a RiskSet {
        self.set
    }

    /// The edges risk `r` is on (source, target), sources in version order.
    pub fn edges_of(&self, r: usize) -> &[(NodeIndex, NodeIndex)] {
        self.edges.get(r).map_or(&[], Vec::as_slice)
    }

    /// The risks on an edge, in risk order.
    pub fn risks_on(&self, from: NodeIndex, to: NodeIndex) -> &[usize] {
        self.by_edge
            .get(&(from.index() as u32, to.index() as u32))
            .map_or(&[], Vec::as_slice)
    }

    /// Every edge that carries a risk (a *conditional edge*), with its risks; sorted by node
    /// index pair.
    pub fn conditional_edges(&self) -> impl Iterator<Item = ((NodeIndex, NodeIndex), &[usize])> {
        self.by_edge.iter().map(|(&(a, b), r)| {
            (
                (NodeIndex::new(a as usize), NodeIndex::new(b as usize)),
                r.as_slice(),
            )
        })
    }

    /// Evaluates every risk against `facts` (`None`: no facts known) with the risks named in
    /// `accepted` accepted. Names no risk has are ignored here (see
    /// [`RiskSet::check_accepted`]).
    pub fn assess(&self, facts: Option<&Facts>, accepted: &[String]) -> Assessment<'_> {
        let risks = self.set.risks();
        let verdicts: Vec<Verdict> = risks.iter().map(|r| evaluate(r, facts)).collect();
        let accepted: Vec<bool> = risks.iter().map(|r| accepted.contains(&r.name)).collect();
        let blocked = blocked_edges(self, &verdicts, &accepted);
        Assessment {
            bound: self,
            verdicts,
            accepted,
            blocked,
        }
    }
}

/// Per edge position, whether a risk on it applies and is not accepted; `None` when no edge is.
fn blocked_edges(bound: &RiskGraph, verdicts: &[Verdict], accepted: &[bool]) -> Option<Vec<bool>> {
    let index = bound.graph.route_index();
    let mut blocked = vec![false; index.edge_count()];
    let mut any = false;
    for (&(a, b), rs) in &bound.by_edge {
        let not_recommended = rs.iter().any(|&r| {
            verdicts.get(r).is_some_and(Verdict::applies)
                && !accepted.get(r).copied().unwrap_or(false)
        });
        if not_recommended
            && let Some(pos) = index.edge_position(a, b)
            && let Some(slot) = blocked.get_mut(pos)
        {
            *slot = true;
            any = true;
        }
    }
    any.then_some(blocked)
}

/// Risks evaluated for one cluster (or node): which edges are not recommended.
#[derive(Debug, Clone)]
pub struct Assessment<'a> {
    bound: &'a RiskGraph<'a>,
    verdicts: Vec<Verdict>,
    accepted: Vec<bool>,
    /// Per edge of the route index, whether it is not recommended; `None` when no edge is.
    blocked: Option<Vec<bool>>,
}

impl<'a> Assessment<'a> {
    /// The bound risks.
    pub fn risks(&self) -> &'a RiskGraph<'a> {
        self.bound
    }

    /// The graph.
    pub fn graph(&self) -> &'a DepGraph {
        self.bound.graph
    }

    /// Risk `r`'s verdict.
    pub fn verdict(&self, r: usize) -> Option<&Verdict> {
        self.verdicts.get(r)
    }

    /// Whether risk `r` is accepted.
    pub fn is_accepted(&self, r: usize) -> bool {
        self.accepted.get(r).copied().unwrap_or(false)
    }

    /// Whether the edge has no risk that applies and is not accepted.
    pub fn is_recommended(&self, from: NodeIndex, to: NodeIndex) -> bool {
        !self
            .bound
            .risks_on(from, to)
            .iter()
            .any(|&r| self.applies(r) && !self.is_accepted(r))
    }

    fn applies(&self, r: usize) -> bool {
        self.verdicts.get(r).is_some_and(Verdict::applies)
    }

    /// The not-recommended edges for the route search (`None`: none).
    pub(crate) fn blocked(&self) -> Option<&[bool]> {
        self.blocked.as_deref()
    }

    /// The same assessment with the risks named `more` accepted too.
    pub fn accepting(&self, more: &[String]) -> Assessment<'a> {
        let accepted: Vec<bool> = self
            .bound
            .set
            .risks()
            .iter()
            .zip(&self.accepted)
            .map(|(r, &was)| was || more.contains(&r.name))
            .collect();
        let blocked = blocked_edges(self.bound, &self.verdicts, &accepted);
        Assessment {
            bound: self.bound,
            verdicts: self.verdicts.clone(),
            accepted,
            blocked,
        }
    }

    /// Risk `r` on the edge `from → to`, as reported.
    pub fn report(&self, r: usize, from: NodeIndex, to: NodeIndex) -> Option<RiskReport> {
        let risk = self.bound.set.risks().get(r)?;
        let verdict = self.verdicts.get(r)?;
        let g = self.bound.graph;
        let skipped = verdict.skipped.iter().filter_map(|&i| risk.rules.get(i));
        let mut sql = None;
        let mut facts_needed = Vec::new();
        for rule in skipped {
            match rule {
                MatchingRule::Sql { sql: q } if sql.is_none() => sql = Some(q.clone()),
                MatchingRule::Fact {
                    fact,
                    test: Some(_),
                } if !facts_needed.contains(fact) => facts_needed.push(fact.clone()),
                _ => {}
            }
        }
        Some(RiskReport {
            name: risk.name.clone(),
            from: g.node(from).version.as_str().to_string(),
            to: g.node(to).version.as_str().to_string(),
            url: risk.url.clone(),
            message: risk.message.clone(),
            evaluation: verdict.evaluation.as_str(),
            rule: verdict
                .rule
                .and_then(|i| risk.rules.get(i))
                .map(MatchingRule::describe),
            sql,
            facts_needed,
            fixed_in: risk.fixed_in.clone(),
        })
    }

    /// Every risk that applies on a path's edges, in route order, each with whether it is
    /// accepted.
    pub fn applying(&self, path: &[NodeIndex]) -> Vec<(RiskReport, bool)> {
        let mut out = Vec::new();
        for w in path.windows(2) {
            let (Some(&a), Some(&b)) = (w.first(), w.get(1)) else {
                continue;
            };
            for &r in self.bound.risks_on(a, b) {
                if self.applies(r)
                    && let Some(report) = self.report(r, a, b)
                {
                    out.push((report, self.is_accepted(r)));
                }
            }
        }
        out
    }

    /// The risks that apply on a path's edges, in route order: `(not accepted, accepted)`.
    pub fn on_path(&self, path: &[NodeIndex]) -> (Vec<RiskReport>, Vec<RiskReport>) {
        let (accepted, refused): (Vec<_>, Vec<_>) =
            self.applying(path).into_iter().partition(|(_, acc)| *acc);
        (
            refused.into_iter().map(|(r, _)| r).collect(),
            accepted.into_iter().map(|(r, _)| r).collect(),
        )
    }

    /// Plans a route that uses no not-recommended edge (see [`DepGraph::plan`] for the rest):
    /// the plan lists the accepted risks it takes (`accepted_risks`) and the risks the planner's
    /// route without them would have taken (`avoided_risks`). When every route uses a
    /// not-recommended edge: [`PlanError::NotRecommended`], with the route accepting them gives.
    pub fn plan(&self, request: &PlanRequest) -> Result<Plan, PlanError> {
        self.bound.graph.plan_with_risks(request, Some(self))
    }

    /// [`DepGraph::targets`] with risks: the targets reachable by recommended routes; with
    /// `include_not_recommended`, also the others, each with the risks on its route.
    pub fn targets(
        &self,
        from: &str,
        objective: Objective,
        include_not_recommended: bool,
    ) -> Result<Targets, PlanError> {
        self.bound
            .graph
            .targets_with_risks(from, objective, Some((self, include_not_recommended)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn risk(rules: &str) -> Risk {
        let set = RiskSet::from_yaml_str(&format!(
            "- {{name: R, to: 2.0, from: '1\\.0', url: https://x.invalid, message: m, matching_rules: {rules}}}\n"
        ))
        .unwrap();
        set.risks()[0].clone()
    }

    fn facts(src: &str) -> Facts {
        Facts::parse(src).unwrap()
    }

    #[test]
    fn the_first_rule_that_can_be_evaluated_decides() {
        let r =
            risk("[{type: SQL, sql: q}, {type: Fact, fact: a, equals: 'True'}, {type: Always}]");
        let v = evaluate(&r, None);
        assert_eq!(
            (v.evaluation, v.rule, v.skipped),
            (Evaluation::Matched, Some(2), vec![0, 1])
        );
        let v = evaluate(&r, Some(&facts("a: False")));
        assert_eq!((v.evaluation, v.rule), (Evaluation::NotMatched, Some(1)));
        let v = evaluate(&r, Some(&facts("a: true")));
        assert_eq!((v.evaluation, v.rule), (Evaluation::Matched, Some(1)));
        let v = evaluate(&r, Some(&facts("b: 1")));
        assert_eq!(v.rule, Some(2));
    }

    #[test]
    fn nothing_evaluable_applies() {
        let r = risk("[{type: PromQL}, {type: SQL, sql: q}, {type: Fact, fact: a}]");
        let v = evaluate(&r, Some(&facts("a: 1")));
        assert_eq!(v.evaluation, Evaluation::Unknown);
        assert!(v.applies());
        assert!(evaluate(&risk("[]"), None).applies());
    }

    #[test]
    fn exists_and_in() {
        let r = risk("[{type: Fact, fact: a, exists: true}]");
        assert_eq!(evaluate(&r, None).evaluation, Evaluation::Unknown);
        assert_eq!(
            evaluate(&r, Some(&facts("{}"))).evaluation,
            Evaluation::NotMatched
        );
        assert_eq!(
            evaluate(&r, Some(&facts("a: x"))).evaluation,
            Evaluation::Matched
        );
        let r = risk("[{type: Fact, fact: a, in: [x, 'y']}]");
        assert_eq!(
            evaluate(&r, Some(&facts("a: y"))).evaluation,
            Evaluation::Matched
        );
        assert_eq!(
            evaluate(&r, Some(&facts("a: z"))).evaluation,
            Evaluation::NotMatched
        );
    }
}
