//! What a change to an upgrade-dependency file does to users: for every ordered pair of versions
//! present in either file, the plan under the old file and under the new one, compared.
//!
//! A pair is reported when a route appears (`added`), disappears (`removed`), or its target became
//! deprecated (`target_deprecated`); when its hop count or binary stops change (`changed`); or when
//! only the versions it passes through change (`rerouted`). Plans use the default objective
//! (fewest hops) and the planner's own rules, so a start that only one file declares is resolved
//! as the planner would resolve it (`4.1.0.0-5` falls back to `4.1.0.0`).
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
use crate::planner::{PlanRequest, Target};
use crate::version::Version;
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
    /// The hop count or the binary stops changed.
    Changed,
    /// Same hops and binary stops, through other versions.
    Rerouted,
    /// No route existed and one does now.
    Added,
}

impl ChangeKind {
    /// The name used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Removed => "removed",
            ChangeKind::TargetDeprecated => "target_deprecated",
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
        /// The planner's error kind (`no_route`, `unknown_start`, `deprecated_target`, …).
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

fn outcome(g: &DepGraph, from: &str, to: &str) -> Outcome {
    match g.plan(&PlanRequest::new(from, Target::Version(to.to_string()))) {
        Ok(p) => Outcome::Route {
            path: p.path,
            hops: p.hops,
            binary_stops: p.binary_stops,
        },
        Err(e) => Outcome::Refused { error: e.kind() },
    }
}

/// Compares the plans of every ordered pair of versions present in either graph.
pub fn diff(
    old: &DepGraph,
    new: &DepGraph,
    old_name: &str,
    new_name: &str,
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
    for from in &versions {
        for to in &versions {
            if from == to {
                continue;
            }
            pairs += 1;
            let (o, n) = (outcome(old, from, to), outcome(new, from, to));
            let kind = match (&o, &n) {
                (
                    Outcome::Route {
                        path: p1,
                        hops: h1,
                        binary_stops: s1,
                    },
                    Outcome::Route {
                        path: p2,
                        hops: h2,
                        binary_stops: s2,
                    },
                ) => {
                    if h1 != h2 || s1 != s2 {
                        ChangeKind::Changed
                    } else if p1 != p2 {
                        ChangeKind::Rerouted
                    } else {
                        continue;
                    }
                }
                (Outcome::Route { .. }, Outcome::Refused { error }) => {
                    if *error == "deprecated_target" {
                        ChangeKind::TargetDeprecated
                    } else {
                        ChangeKind::Removed
                    }
                }
                (Outcome::Refused { .. }, Outcome::Route { .. }) => ChangeKind::Added,
                (Outcome::Refused { .. }, Outcome::Refused { .. }) => continue,
            };
            changes.push(RouteChange {
                kind,
                from: from.clone(),
                to: to.clone(),
                old: o,
                new: n,
            });
        }
    }
    // Stable sort: within a kind, pairs stay in version order.
    changes.sort_by_key(|c| c.kind);
    let mut summary = Summary::default();
    for c in &changes {
        *match c.kind {
            ChangeKind::Added => &mut summary.added,
            ChangeKind::Removed => &mut summary.removed,
            ChangeKind::Changed => &mut summary.changed,
            ChangeKind::Rerouted => &mut summary.rerouted,
            ChangeKind::TargetDeprecated => &mut summary.target_deprecated,
        } += 1;
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
