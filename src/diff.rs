//! What a change to an upgrade-dependency file does to users: for every ordered pair of versions
//! present in either file, the plan under the old file and under the new one, compared.
//!
//! A pair is reported when a route appears (`added`), disappears (`removed`), or its target became
//! deprecated (`target_deprecated`); when its hop count or binary stops change (`changed`); or when
//! only the versions it passes through change (`rerouted`). Plans use the default objective
//! (fewest hops) and the planner's own rules, so a start that only one file declares is resolved
//! as the planner would resolve it (`4.1.0.0-5` falls back to `4.1.0.0`). Each file is searched
//! once per start (every target's route at once, as `targets` does), not once per pair.
//!
//! ```
//! use upgrade_planner::{DepGraph, diff};
//! let old = DepGraph::from_yaml_str("- version: 1.0.0.0\n  can_be_upgraded_to: [2.0.0.0]\n")?;
//! let new = DepGraph::from_yaml_str("- version: 1.0.0.0\n  can_be_upgraded_to: [1.5.0.0]\n- version: 1.5.0.0\n  can_be_upgraded_to: [2.0.0.0]\n")?;
//! let d = diff::diff(&old, &new, "old.yml", "new.yml")?;
//! assert_eq!(d.summary.changed, 1); // 1.0.0.0 → 2.0.0.0 now takes 2 hops
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::depgraph::DepGraph;
use crate::limits;
use crate::planner::{Objective, binary_stops};
use crate::risks::{Assessment, RiskSet};
use crate::version::Version;
use petgraph::graph::NodeIndex;
use serde::Serialize;
use std::cmp::Ordering;
use std::collections::HashSet;
use thiserror::Error;

/// The schema id written in every diff JSON document.
pub const DIFF_SCHEMA: &str = "upgrade-planner/diff/v1";

/// What happened to the route of one ordered pair of versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// A route existed and no longer does.
    Removed,
    /// A route existed and its target is now deprecated.
    TargetDeprecated,
    /// A route existed and now every route is not recommended (a known risk applies to it).
    BecameNotRecommended,
    /// The hop count or the binary stops changed.
    Changed,
    /// Same hops and binary stops, through other versions.
    Rerouted,
    /// Only not-recommended routes existed and a recommended one does now.
    NoLongerNotRecommended,
    /// No route existed and one does now.
    Added,
}

impl ChangeKind {
    /// The name used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Removed => "removed",
            ChangeKind::TargetDeprecated => "target_deprecated",
            ChangeKind::BecameNotRecommended => "became_not_recommended",
            ChangeKind::NoLongerNotRecommended => "no_longer_not_recommended",
            ChangeKind::Changed => "changed",
            ChangeKind::Rerouted => "rerouted",
            ChangeKind::Added => "added",
        }
    }
}

/// The plan of a pair under one file: the route, or why there is none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Outcome {
    /// A route exists.
    Route {
        /// Every version on the route.
        path: Vec<String>,
        /// Number of edges.
        hops: usize,
        /// Where the binary must be installed.
        binary_stops: Vec<String>,
    },
    /// Planning refused.
    Refused {
        /// The planner's error kind (`no_route`, `unknown_start`, `deprecated_target`,
        /// `not_recommended`, …).
        error: &'static str,
    },
}

/// One ordered pair whose plan differs between the files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RouteChange {
    /// What happened.
    pub kind: ChangeKind,
    /// The installed version.
    pub from: String,
    /// The target version.
    pub to: String,
    /// The plan under the old file.
    pub old: Outcome,
    /// The plan under the new file.
    pub new: Outcome,
}

/// Counts of [`RouteChange`]s by kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Routes that appeared.
    pub added: usize,
    /// Routes that disappeared.
    pub removed: usize,
    /// Routes whose hops or binary stops changed.
    pub changed: usize,
    /// Routes through other versions, with the same hops and stops.
    pub rerouted: usize,
    /// Routes lost because their target became deprecated.
    pub target_deprecated: usize,
    /// With known risks: routes that became not recommended. Absent without risks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub became_not_recommended: Option<usize>,
    /// With known risks: routes that are recommended again. Absent without risks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub no_longer_not_recommended: Option<usize>,
}

/// Versions that appeared, disappeared or changed their deprecation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct VersionChanges {
    /// In the new file only.
    pub added: Vec<String>,
    /// In the old file only.
    pub removed: Vec<String>,
    /// Deprecated in the new file, not in the old.
    pub newly_deprecated: Vec<String>,
    /// Deprecated in the old file, not in the new.
    pub no_longer_deprecated: Vec<String>,
}

/// The comparison of two files. Serialises to the `upgrade-planner/diff/v1` JSON document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diff {
    /// Always [`DIFF_SCHEMA`].
    pub schema: &'static str,
    /// The old file's name.
    pub old: String,
    /// The new file's name.
    pub new: String,
    /// How many ordered pairs were planned under both files.
    pub pairs_compared: usize,
    /// Counts by kind.
    pub summary: Summary,
    /// Version-level changes.
    pub versions: VersionChanges,
    /// Every pair whose plan differs: removed first, then target_deprecated, changed, rerouted,
    /// added; within a kind by start, then target, in version order.
    pub changes: Vec<RouteChange>,
}

impl Diff {
    /// Whether nothing changed for any pair.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}

/// Why two files could not be compared.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DiffError {
    /// More versions than [`limits::MAX_DIFF_VERSIONS`].
    #[error(
        "the files have {versions} versions together, more than the limit of {limit} that `diff` plans pairwise"
    )]
    TooLarge {
        /// Versions in the union of both files.
        versions: usize,
        /// The limit.
        limit: usize,
    },
}

/// A pair's plan under one file, borrowing the graph's names (only changes are copied out).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Out<'g> {
    Route {
        path: Vec<&'g str>,
        stops: Vec<&'g str>,
    },
    Refused(&'static str),
    /// Only not-recommended routes (`plan` names their risks).
    NotRecommended,
}

impl Out<'_> {
    fn owned(&self) -> Outcome {
        let own = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        match self {
            Out::Route { path, stops } => Outcome::Route {
                path: own(path),
                hops: path.len().saturating_sub(1),
                binary_stops: own(stops),
            },
            Out::Refused(error) => Outcome::Refused { error },
            Out::NotRecommended => Outcome::Refused {
                error: "not_recommended",
            },
        }
    }
}

/// Every version name resolved in one graph, as a start and as a target.
struct Resolved {
    start: Vec<Option<NodeIndex>>,
    target: Vec<Option<NodeIndex>>,
}

impl Resolved {
    fn new(g: &DepGraph, versions: &[String]) -> Resolved {
        Resolved {
            start: versions
                .iter()
                .map(|v| g.resolve_node(v, false).ok())
                .collect(),
            target: versions
                .iter()
                .map(|v| g.resolve_node(v, true).ok())
                .collect(),
        }
    }
}

/// The plans from `versions[from]` to every version under one graph, as [`DepGraph::plan`] would
/// make them (same refusals, in the same order of precedence), from one search (two with risks:
/// the recommended routes, then every route for the targets only not-recommended ones reach).
fn outcomes<'g>(
    g: &'g DepGraph,
    resolved: &Resolved,
    from: usize,
    risks: Option<&Assessment>,
) -> Vec<Out<'g>> {
    let name = |ix: NodeIndex| g.node(ix).version.as_str();
    let Some(start) = resolved.start.get(from).copied().flatten() else {
        return vec![Out::Refused("unknown_start"); resolved.target.len()];
    };
    let mut route: Vec<Option<Vec<NodeIndex>>> = vec![None; g.len()];
    let blocked = risks.and_then(Assessment::blocked);
    let search = g.routes_from(start, Objective::Hops, blocked);
    if let Ok(routes) = &search {
        for (t, path) in routes {
            if let Some(slot) = route.get_mut(t.index()) {
                *slot = Some(path.clone());
            }
        }
    }
    // Targets only not-recommended routes reach.
    let mut not_recommended = vec![false; g.len()];
    if let (Some(_), Ok(_)) = (blocked, &search)
        && let Ok(all) = g.routes_from(start, Objective::Hops, None)
    {
        for (t, _) in all {
            if let Some(slot) = not_recommended.get_mut(t.index()) {
                *slot = true;
            }
        }
    }
    resolved
        .target
        .iter()
        .map(|&target| {
            let Some(target) = target else {
                return Out::Refused("unknown_target");
            };
            if target == start {
                return Out::Route {
                    path: vec![name(start)],
                    stops: Vec::new(),
                };
            }
            if g.node(target).deprecated {
                return Out::Refused("deprecated_target");
            }
            if let Err(e) = &search {
                return Out::Refused(e.kind());
            }
            match route.get(target.index()).and_then(Option::as_ref) {
                Some(path) => Out::Route {
                    path: path.iter().map(|&ix| name(ix)).collect(),
                    stops: binary_stops(g, path).into_iter().map(name).collect(),
                },
                None if not_recommended.get(target.index()) == Some(&true) => Out::NotRecommended,
                None => Out::Refused("no_route"),
            }
        })
        .collect()
}

/// Compares the plans of every ordered pair of versions present in either graph.
pub fn diff(
    old: &DepGraph,
    new: &DepGraph,
    old_name: &str,
    new_name: &str,
) -> Result<Diff, DiffError> {
    diff_with_risks(old, new, old_name, new_name, None, None)
}

/// [`diff`] with known risks under the old file, the new one, or both (`None`: no risks on that
/// side). Risks are evaluated with no facts (a risk applies unless a rule that needs no fact says
/// otherwise) and none accepted, so a route is reported when it becomes, or stops being, not
/// recommended for some cluster (`became_not_recommended`, `no_longer_not_recommended`).
pub fn diff_with_risks(
    old: &DepGraph,
    new: &DepGraph,
    old_name: &str,
    new_name: &str,
    old_risks: Option<&RiskSet>,
    new_risks: Option<&RiskSet>,
) -> Result<Diff, DiffError> {
    let names = |g: &DepGraph| -> Vec<String> {
        g.nodes()
            .map(|(_, n)| n.version.as_str().to_string())
            .collect()
    };
    let mut versions: Vec<String> = names(new);
    let mut seen: HashSet<String> = versions.iter().cloned().collect();
    for v in names(old) {
        if seen.insert(v.clone()) {
            versions.push(v);
        }
    }
    if versions.len() > limits::MAX_DIFF_VERSIONS {
        return Err(DiffError::TooLarge {
            versions: versions.len(),
            limit: limits::MAX_DIFF_VERSIONS,
        });
    }
    let scheme = new.scheme();
    versions.sort_by(
        |a, b| match (Version::parse(a, scheme), Version::parse(b, scheme)) {
            (Ok(x), Ok(y)) => x.cmp(&y).then_with(|| a.cmp(b)),
            (Ok(_), Err(_)) => Ordering::Less,
            (Err(_), Ok(_)) => Ordering::Greater,
            (Err(_), Err(_)) => a.cmp(b),
        },
    );
    let deprecated = |g: &DepGraph, v: &str| g.find(v).map(|ix| g.node(ix).deprecated);
    let mut vc = VersionChanges::default();
    for v in &versions {
        match (deprecated(old, v), deprecated(new, v)) {
            (None, Some(_)) => vc.added.push(v.clone()),
            (Some(_), None) => vc.removed.push(v.clone()),
            (Some(false), Some(true)) => vc.newly_deprecated.push(v.clone()),
            (Some(true), Some(false)) => vc.no_longer_deprecated.push(v.clone()),
            _ => {}
        }
    }
    let mut changes = Vec::new();
    let mut pairs = 0;
    let (old_names, new_names) = (Resolved::new(old, &versions), Resolved::new(new, &versions));
    let (old_bound, new_bound) = (
        old_risks.map(|r| r.bind(old)),
        new_risks.map(|r| r.bind(new)),
    );
    let old_assessment = old_bound.as_ref().map(|b| b.assess(None, &[]));
    let new_assessment = new_bound.as_ref().map(|b| b.assess(None, &[]));
    let with_risks = old_risks.is_some() || new_risks.is_some();
    for (i, from) in versions.iter().enumerate() {
        let (olds, news) = (
            outcomes(old, &old_names, i, old_assessment.as_ref()),
            outcomes(new, &new_names, i, new_assessment.as_ref()),
        );
        for ((to, o), n) in versions.iter().zip(&olds).zip(&news) {
            if from == to {
                continue;
            }
            pairs += 1;
            let kind = match (o, n) {
                (
                    Out::Route {
                        path: p1,
                        stops: s1,
                    },
                    Out::Route {
                        path: p2,
                        stops: s2,
                    },
                ) => {
                    if p1.len() != p2.len() || s1 != s2 {
                        ChangeKind::Changed
                    } else if p1 != p2 {
                        ChangeKind::Rerouted
                    } else {
                        continue;
                    }
                }
                (Out::Route { .. }, Out::Refused(error)) => {
                    if *error == "deprecated_target" {
                        ChangeKind::TargetDeprecated
                    } else {
                        ChangeKind::Removed
                    }
                }
                (Out::Route { .. }, Out::NotRecommended) => ChangeKind::BecameNotRecommended,
                (Out::NotRecommended, Out::Route { .. }) => ChangeKind::NoLongerNotRecommended,
                (Out::Refused(_), Out::Route { .. }) => ChangeKind::Added,
                (Out::Refused(_) | Out::NotRecommended, Out::Refused(_) | Out::NotRecommended) => {
                    continue;
                }
            };
            changes.push(RouteChange {
                kind,
                from: from.clone(),
                to: to.clone(),
                old: o.owned(),
                new: n.owned(),
            });
        }
    }
    // Stable sort: within a kind, pairs stay in version order.
    changes.sort_by_key(|c| c.kind);
    let mut summary = Summary::default();
    let (mut became, mut no_longer) = (0, 0);
    for c in &changes {
        *match c.kind {
            ChangeKind::Added => &mut summary.added,
            ChangeKind::Removed => &mut summary.removed,
            ChangeKind::Changed => &mut summary.changed,
            ChangeKind::Rerouted => &mut summary.rerouted,
            ChangeKind::TargetDeprecated => &mut summary.target_deprecated,
            ChangeKind::BecameNotRecommended => &mut became,
            ChangeKind::NoLongerNotRecommended => &mut no_longer,
        } += 1;
    }
    if with_risks {
        summary.became_not_recommended = Some(became);
        summary.no_longer_not_recommended = Some(no_longer);
    }
    Ok(Diff {
        schema: DIFF_SCHEMA,
        old: old_name.to_string(),
        new: new_name.to_string(),
        pairs_compared: pairs,
        summary,
        versions: vc,
        changes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(src: &str) -> DepGraph {
        DepGraph::from_yaml_str(src).unwrap()
    }

    #[test]
    fn same_file_has_no_changes() {
        let src = include_str!("../data/seed-oceanbase-ce-4.2.1.1.yml");
        let d = diff(&g(src), &g(src), "a", "b").unwrap();
        assert!(d.is_empty());
        assert_eq!(d.pairs_compared, 11 * 10);
    }

    #[test]
    fn pairs_are_classified() {
        let old = g(
            "- version: 1.0.0.0\n  can_be_upgraded_to: [2.0.0.0, 3.0.0.0]\n- version: 2.0.0.0\n  can_be_upgraded_to: [4.0.0.0]\n- version: 3.0.0.0\n  can_be_upgraded_to: [4.0.0.0]\n- version: 4.0.0.0\n- version: 5.0.0.0\n",
        );
        let new = g(
            "- version: 1.0.0.0\n  can_be_upgraded_to: [3.0.0.0]\n- version: 2.0.0.0\n  deprecated: true\n  can_be_upgraded_to: [4.0.0.0]\n- version: 3.0.0.0\n  can_be_upgraded_to: [4.0.0.0]\n  require_from_binary: true\n- version: 4.0.0.0\n  can_be_upgraded_to: [5.0.0.0]\n",
        );
        let d = diff(&old, &new, "old", "new").unwrap();
        let kinds: Vec<(ChangeKind, &str, &str)> = d
            .changes
            .iter()
            .map(|c| (c.kind, c.from.as_str(), c.to.as_str()))
            .collect();
        assert_eq!(
            kinds,
            [
                (ChangeKind::TargetDeprecated, "1.0.0.0", "2.0.0.0"),
                (ChangeKind::Changed, "1.0.0.0", "4.0.0.0"),
                (ChangeKind::Added, "1.0.0.0", "5.0.0.0"),
                (ChangeKind::Added, "2.0.0.0", "5.0.0.0"),
                (ChangeKind::Added, "3.0.0.0", "5.0.0.0"),
                (ChangeKind::Added, "4.0.0.0", "5.0.0.0"),
            ]
        );
        assert_eq!(d.versions.newly_deprecated, ["2.0.0.0"]);
    }
}
