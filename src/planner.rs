//! The route solver: fewest hops (or fewest binary stops) from an installed version to a target,
//! honouring deprecated versions (never a target) and barrier versions (binary stops).
//!
//! # How a route is chosen
//!
//! A route is a path along `can_be_upgraded_to` edges that visits no version twice and never passes
//! through its target. Costs are compared lexicographically:
//!
//! * `--objective hops` (default): hops, then binary stops, then deprecated transits;
//! * `--objective stops`: binary stops, then hops, then deprecated transits;
//! * remaining ties: the route whose sequence of versions is smallest, compared version by version
//!   in version order (so among equals the route through older versions first wins). This makes the
//!   result deterministic and independent of file order.
//!
//! Whether an intermediate version is a binary stop depends on the last binary stop before it
//! (`when_come_from`), so the search runs over `(version, last-stop class)` states: an A* search
//! with lower bounds from the target settles only the states that could be on an optimal route,
//! then the smallest optimal route is read off the optimal predecessors. Under `hops` an optimal
//! walk never repeats a version; under `stops` a cycle through a binary stop could make it do so,
//! and only then the same search runs over states that also record the versions visited inside the
//! current cycle, which is exact for simple paths (bounded by
//! [`crate::limits::MAX_EXACT_SEARCH_STATES`]). The engine, and how it keeps the state space small,
//! is described in [`search`].

pub(crate) mod search;

use crate::depgraph::DepGraph;
use crate::limits;
use crate::risks::{Assessment, RiskReport};
use crate::version::{Version, VersionScheme};
use petgraph::graph::NodeIndex;
use serde::Serialize;
use std::fmt;
use thiserror::Error;

/// The schema id written in every plan JSON document.
pub const PLAN_SCHEMA: &str = "upgrade-planner/plan/v1";

/// What the route must end at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A version, resolved like the start (see [`DepGraph::resolve_version`]): node `V-B` if the
    /// file has it, else node `V`; a distribution suffix such as `.el7` is dropped.
    Version(String),
    /// The newest non-deprecated version the start can reach.
    Latest,
}

impl std::str::FromStr for Target {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(if s == "latest" {
            Target::Latest
        } else {
            Target::Version(s.to_string())
        })
    }
}

/// How a version named in a request (`--from`, `--to`) was matched to a node of the graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeMatch {
    /// The node has exactly that name (parsed equality: `4.01` names node `4.1`).
    Exact,
    /// `V-B.el7`: node `V-B`, the RPM distribution suffix dropped.
    WithoutDistribution,
    /// `V-B` (or `V-B.el7`) and the file has no node `V-B`: node `V`, of which `V-B` is a build.
    /// SemVer: `V+META` and the file has no such node: node `V`.
    PlainVersion,
    /// SemVer `V` and the file has exactly one node `V+META` (build metadata does not affect
    /// precedence).
    BuildMetadata,
}

impl NodeMatch {
    /// The stable name used in JSON: `exact`, `without_distribution`, `plain_version`,
    /// `build_metadata`.
    pub fn as_str(self) -> &'static str {
        match self {
            NodeMatch::Exact => "exact",
            NodeMatch::WithoutDistribution => "without_distribution",
            NodeMatch::PlainVersion => "plain_version",
            NodeMatch::BuildMetadata => "build_metadata",
        }
    }
}

/// What a version named in a request resolves to; see [`DepGraph::resolve_version`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// A node, and how it was matched.
    Found {
        /// The node.
        node: NodeIndex,
        /// How the name was matched to it.
        how: NodeMatch,
    },
    /// OceanBase `V-B` whose build `B` is not decimal digits (after dropping a distribution suffix
    /// such as `.el7`): never silently read as `V`.
    InvalidBuild {
        /// The offending build text.
        build: String,
    },
    /// SemVer `V` that several nodes `V+META` match (they differ only in build metadata).
    Ambiguous {
        /// The matching nodes, in version order.
        candidates: Vec<NodeIndex>,
    },
    /// No node matches.
    NotFound,
}

impl Resolution {
    /// Why the name did not resolve, as written in JSON `reason`: `invalid_build`, `ambiguous` or
    /// `not_found`; `None` when it resolved.
    pub fn refusal_reason(&self) -> Option<&'static str> {
        match self {
            Resolution::Found { .. } => None,
            Resolution::InvalidBuild { .. } => Some("invalid_build"),
            Resolution::Ambiguous { .. } => Some("ambiguous"),
            Resolution::NotFound => Some("not_found"),
        }
    }
}

/// Splits an OceanBase release `B` or `B.el7` into the build and the distribution suffix. `None`
/// when the build is not decimal digits or the suffix is not a distribution tag: dot-separated
/// segments of ASCII letters, digits and `_`, the first starting with a letter (`el7`, `el8_9`,
/// `al8`, and RPM's usual `el7_9.1` or `el8.x86_64`).
fn split_release(release: &str) -> Option<(&str, Option<&str>)> {
    let (build, dist) = match release.split_once('.') {
        Some((b, d)) => (b, Some(d)),
        None => (release, None),
    };
    let is_build = !build.is_empty() && build.bytes().all(|b| b.is_ascii_digit());
    let is_dist = |d: &str| {
        d.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
            && d.split('.').all(|seg| {
                !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            })
    };
    (is_build && dist.is_none_or(is_dist)).then_some((build, dist))
}

/// What the solver minimises first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Objective {
    /// Fewest hops, then fewest binary stops.
    #[default]
    Hops,
    /// Fewest binary stops, then fewest hops.
    Stops,
}

/// A planning request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanRequest {
    /// The installed version: `V`, `V-B` or an RPM release `V-B.el7`.
    pub from: String,
    /// The target.
    pub to: Target,
    /// What to minimise.
    pub objective: Objective,
}

impl PlanRequest {
    /// A request with the default objective (fewest hops).
    pub fn new(from: impl Into<String>, to: Target) -> Self {
        PlanRequest {
            from: from.into(),
            to,
            objective: Objective::Hops,
        }
    }

    /// The same request with another objective.
    #[must_use]
    pub fn objective(mut self, objective: Objective) -> Self {
        self.objective = objective;
        self
    }
}

/// What a stage of the plan is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StageKind {
    /// The installed version.
    Start,
    /// An intermediate version where the binary must really be installed.
    BinaryStop,
    /// The target version.
    Target,
}

/// A version where something is installed: the start, each binary stop, the target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stage {
    /// The version, as written in the YAML.
    pub version: String,
    /// What it is.
    pub kind: StageKind,
}

/// A planned route. Serialises to the `upgrade-planner/plan/v1` JSON document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Plan {
    /// Always [`PLAN_SCHEMA`].
    pub schema: &'static str,
    /// The resolved start node.
    pub from: String,
    /// The target node.
    pub to: String,
    /// Every version on the route, start and target included.
    pub path: Vec<String>,
    /// Number of edges on the route.
    pub hops: usize,
    /// Intermediate versions where the binary must be installed, in route order.
    pub binary_stops: Vec<String>,
    /// Deprecated intermediate versions the route passes through.
    pub deprecated_transits: Vec<String>,
    /// The start, each binary stop, and the target (just the start when it is the target).
    pub stages: Vec<Stage>,
    /// The objective the route was optimised for.
    pub objective: Objective,
    /// With known risks (`--risks`): the accepted risks (`--accept-risk`) that apply on the
    /// route's edges, in route order. Absent without risks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accepted_risks: Option<Vec<RiskReport>>,
    /// With known risks: the risks that apply on the route the planner would take without them
    /// and that this route avoids (empty when that route is this one). Absent without risks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub avoided_risks: Option<Vec<RiskReport>>,
    /// With known risks and `--to latest`: the newest version the start reaches, when it is
    /// newer than the target and reachable only through not-recommended updates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub newer_not_recommended: Option<String>,
}

/// Why no plan could be made. Each variant has a stable [`PlanError::kind`].
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PlanError {
    /// The installed version is not in the graph.
    #[error("unknown start version `{from}`{}", nearest_text(nearest))]
    UnknownStart {
        /// The version asked for.
        from: String,
        /// The nearest known versions (below and above).
        nearest: Vec<String>,
    },
    /// The target version is not in the graph.
    #[error("unknown target version `{to}`{}", nearest_text(nearest))]
    UnknownTarget {
        /// The version asked for.
        to: String,
        /// The nearest known versions (below and above).
        nearest: Vec<String>,
    },
    /// The target is deprecated.
    #[error(
        "target `{to}` is deprecated and cannot be upgraded to{}",
        alternatives_text(alternatives)
    )]
    DeprecatedTarget {
        /// The target asked for.
        to: String,
        /// Non-deprecated versions to aim for instead.
        alternatives: Vec<String>,
    },
    /// No route exists.
    #[error("{}", no_route_text(self))]
    NoRoute {
        /// Resolved start.
        from: String,
        /// Target (`latest` when no non-deprecated version is reachable).
        to: String,
        /// The reachable non-deprecated version closest to the target (the newest not newer than it).
        closest_reachable: Option<String>,
        /// Versions from which the target can be reached, the target itself excluded (sorted,
        /// oldest first).
        can_reach_target: Vec<String>,
        /// Whether the target is older than the start (a downgrade).
        downgrade: bool,
    },
    /// Every route uses an update that a known risk makes not recommended (`--risks`), and the
    /// risk is not accepted.
    #[error("{}", not_recommended_text(self))]
    NotRecommended {
        /// Resolved start.
        from: String,
        /// Target.
        to: String,
        /// The risks that apply and are not accepted on the route below, in route order.
        risks: Vec<RiskReport>,
        /// The route accepting those risks gives (`--accept-risk NAME` for each).
        route: Box<Plan>,
    },
    /// The exact search for `--objective stops` on a cyclic graph exceeded its budget.
    #[error(
        "the graph's cycles make the exact fewest-stops search too large (more than {steps} states); \
         use `--objective hops` or remove the cycles (`upgrade-planner lint` lists them)"
    )]
    SearchLimit {
        /// The budget that was exceeded: states of the exact search
        /// ([`limits::MAX_EXACT_SEARCH_STATES`]). The name is kept for compatibility.
        steps: usize,
    },
}

fn nearest_text(nearest: &[String]) -> String {
    if nearest.is_empty() {
        String::new()
    } else {
        format!("; nearest known versions: {}", nearest.join(", "))
    }
}

fn alternatives_text(alternatives: &[String]) -> String {
    if alternatives.is_empty() {
        String::new()
    } else {
        format!("; upgrade to {} instead", alternatives.join(" or "))
    }
}

fn list_text(list: &[String]) -> String {
    const SHOWN: usize = 8;
    if list.len() <= SHOWN {
        list.join(", ")
    } else {
        format!(
            "{} and {} more",
            list.get(..SHOWN).unwrap_or(list).join(", "),
            list.len() - SHOWN
        )
    }
}

fn no_route_text(e: &PlanError) -> String {
    let PlanError::NoRoute {
        from,
        to,
        closest_reachable,
        can_reach_target,
        downgrade,
    } = e
    else {
        return String::new();
    };
    let mut out = format!("no upgrade route from `{from}` to `{to}`");
    if *downgrade {
        out.push_str(&format!(
            "; `{to}` is older than `{from}`: that is a downgrade, which upgrade routes do not allow"
        ));
    } else {
        match closest_reachable {
            Some(c) if c == from => out.push_str(&format!(
                "; `{from}` cannot upgrade to anything closer to it"
            )),
            Some(c) => out.push_str(&format!("; the closest `{from}` can get is `{c}`")),
            None => out.push_str(&format!(
                "; `{from}` cannot reach any non-deprecated version"
            )),
        }
    }
    if can_reach_target.is_empty() {
        out.push_str(&format!("; no version upgrades to `{to}`"));
    } else {
        out.push_str(&format!(
            "; `{to}` can be reached from {}",
            list_text(can_reach_target)
        ));
    }
    out
}

fn not_recommended_text(e: &PlanError) -> String {
    let PlanError::NotRecommended {
        from,
        to,
        risks,
        route,
    } = e
    else {
        return String::new();
    };
    let mut names: Vec<&str> = risks.iter().map(|r| r.name.as_str()).collect();
    names.dedup();
    let mut seen = Vec::new();
    names.retain(|n| {
        let new = !seen.contains(n);
        seen.push(n);
        new
    });
    let on = risks
        .iter()
        .map(|r| format!("{} ({} -> {}, {})", r.name, r.from, r.to, r.evaluation))
        .collect::<Vec<_>>();
    format!(
        "no recommended route from `{from}` to `{to}`: every route takes an update a known risk \
         applies to; with {} the route would be {} (risks: {})",
        names
            .iter()
            .map(|n| format!("--accept-risk {n}"))
            .collect::<Vec<_>>()
            .join(" "),
        route.path.join(" -> "),
        list_text(&on),
    )
}

impl PlanError {
    /// The stable machine-readable kind: `unknown_start`, `unknown_target`, `deprecated_target`,
    /// `no_route`, `not_recommended` or `search_limit`.
    pub fn kind(&self) -> &'static str {
        match self {
            PlanError::UnknownStart { .. } => "unknown_start",
            PlanError::UnknownTarget { .. } => "unknown_target",
            PlanError::DeprecatedTarget { .. } => "deprecated_target",
            PlanError::NoRoute { .. } => "no_route",
            PlanError::NotRecommended { .. } => "not_recommended",
            PlanError::SearchLimit { .. } => "search_limit",
        }
    }
}

/// Walks a path and returns its binary stops (intermediate versions where the binary is installed).
pub fn binary_stops(graph: &DepGraph, path: &[NodeIndex]) -> Vec<NodeIndex> {
    let path: Vec<u32> = path.iter().map(|ix| ix.index() as u32).collect();
    graph
        .route_index()
        .stops_on(&path)
        .into_iter()
        .map(|i| NodeIndex::new(i as usize))
        .collect()
}

impl DepGraph {
    /// Plans a route. See the [module docs](crate::planner) for how the route is chosen.
    ///
    /// ```
    /// use upgrade_planner::{DepGraph, PlanRequest, Target};
    /// let g = DepGraph::from_path("data/seed-oceanbase-ce-4.2.1.1.yml".as_ref(), None)?;
    /// let plan = g.plan(&PlanRequest::new("4.0.0.0", Target::Version("4.3.0.0".into())))?;
    /// assert_eq!(plan.binary_stops, ["4.1.0.2", "4.2.1.1"]);
    /// assert_eq!(plan.hops, 7);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn plan(&self, request: &PlanRequest) -> Result<Plan, PlanError> {
        self.plan_with_risks(request, None)
    }

    /// [`DepGraph::plan`], avoiding the not-recommended edges of `risks` (an assessment of this
    /// graph; see [`Assessment::plan`]). `None`: exactly [`DepGraph::plan`].
    pub(crate) fn plan_with_risks(
        &self,
        request: &PlanRequest,
        risks: Option<&Assessment>,
    ) -> Result<Plan, PlanError> {
        let blocked = risks.and_then(Assessment::blocked);
        let start =
            self.resolve_node(&request.from, false)
                .map_err(|nearest| PlanError::UnknownStart {
                    from: request.from.clone(),
                    nearest,
                })?;
        let mut target = match &request.to {
            Target::Version(t) => {
                self.resolve_node(t, true)
                    .map_err(|nearest| PlanError::UnknownTarget {
                        to: t.clone(),
                        nearest,
                    })?
            }
            Target::Latest => self.latest_from(start)?,
        };
        // With risks, `latest` is the newest version recommended routes reach; a newer one that
        // only not-recommended routes reach is named in the plan. When recommended routes reach
        // nothing but the start, the newest of all is the target (and the plan is refused as
        // `not_recommended` unless its risks are accepted).
        let mut newer_not_recommended = None;
        if request.to == Target::Latest
            && let Some(b) = blocked
        {
            let index = self.route_index();
            let reached = index.reach_allowed(start.index() as u32, b);
            let newest = index
                .by_version()
                .iter()
                .rev()
                .map(|&i| NodeIndex::new(i as usize))
                .find(|&ix| reached.get(ix.index()) == Some(&true) && !self.node(ix).deprecated);
            if let Some(t) = newest
                && (t != start || target == start)
                && t != target
            {
                newer_not_recommended = Some(self.name_of(target));
                target = t;
            }
        }
        let risk_lists = |accepted: Vec<RiskReport>, avoided: Vec<RiskReport>| {
            risks.map(|_| (accepted, avoided))
        };
        if start == target {
            let v = self.name_of(start);
            let lists = risk_lists(Vec::new(), Vec::new());
            return Ok(Plan {
                schema: PLAN_SCHEMA,
                from: v.clone(),
                to: v.clone(),
                path: vec![v.clone()],
                hops: 0,
                binary_stops: Vec::new(),
                deprecated_transits: Vec::new(),
                stages: vec![Stage {
                    version: v,
                    kind: StageKind::Start,
                }],
                objective: request.objective,
                accepted_risks: lists.as_ref().map(|l| l.0.clone()),
                avoided_risks: lists.map(|l| l.1),
                newer_not_recommended,
            });
        }
        if self.node(target).deprecated {
            return Err(PlanError::DeprecatedTarget {
                to: self.name_of(target),
                alternatives: self.names(self.alternatives_to(target)),
            });
        }
        let Some(a) = risks else {
            let path = self
                .solve(start, target, request.objective, None)?
                .ok_or_else(|| self.no_route(start, target))?;
            return Ok(self.make_plan(&path, request.objective));
        };
        let found = self.solve(start, target, request.objective, blocked)?;
        // The route the planner takes without the risks: the one avoided, or the one refused.
        let unrestricted = match (&found, blocked) {
            (Some(path), None) => Some(path.clone()),
            _ => self.solve(start, target, request.objective, None)?,
        };
        match (found, unrestricted) {
            (Some(path), other) => {
                let mut plan = self.make_plan(&path, request.objective);
                let (_, accepted) = a.on_path(&path);
                let avoided = match other {
                    Some(o) if o != path => a.on_path(&o).0,
                    _ => Vec::new(),
                };
                plan.accepted_risks = Some(accepted);
                plan.avoided_risks = Some(avoided);
                plan.newer_not_recommended = newer_not_recommended;
                Ok(plan)
            }
            (None, Some(path)) => Err(self.not_recommended(request, start, target, a, path)?),
            (None, None) => Err(self.no_route(start, target)),
        }
    }

    /// The `not_recommended` refusal when only routes through not-recommended edges exist, and
    /// the fastest of them is `fastest`: the risk names to accept are those on `fastest`, less
    /// every name (tried in route order) without which a route still exists, so that no name in
    /// the list is superfluous; the route is exactly the plan the same request (to the same
    /// target) makes with those names accepted.
    fn not_recommended(
        &self,
        request: &PlanRequest,
        start: NodeIndex,
        target: NodeIndex,
        a: &Assessment,
        fastest: Vec<NodeIndex>,
    ) -> Result<PlanError, PlanError> {
        let objective = request.objective;
        let mut names: Vec<String> = Vec::new();
        for r in a.on_path(&fastest).0 {
            if !names.contains(&r.name) {
                names.push(r.name);
            }
        }
        let mut i = 0;
        while i < names.len() {
            let mut trial = names.clone();
            trial.remove(i);
            let relaxed = a.accepting(&trial);
            if self
                .solve(start, target, objective, relaxed.blocked())?
                .is_some()
            {
                names = trial;
            } else {
                i += 1;
            }
        }
        let accepting = a.accepting(&names);
        let to_target =
            PlanRequest::new(request.from.clone(), Target::Version(self.name_of(target)))
                .objective(objective);
        let route = match self.plan_with_risks(&to_target, Some(&accepting)) {
            Ok(plan) => plan,
            Err(e @ PlanError::SearchLimit { .. }) => return Err(e),
            // Unreachable: accepting every name on `fastest` allows `fastest` at least.
            Err(_) => {
                let mut plan = self.make_plan(&fastest, objective);
                plan.accepted_risks =
                    Some(a.applying(&fastest).into_iter().map(|(r, _)| r).collect());
                plan.avoided_risks = Some(Vec::new());
                plan
            }
        };
        let path: Vec<NodeIndex> = route.path.iter().filter_map(|v| self.find(v)).collect();
        Ok(PlanError::NotRecommended {
            from: self.name_of(start),
            to: self.name_of(target),
            risks: a.on_path(&path).0,
            route: Box::new(route),
        })
    }

    /// Resolves a version named in a request (`--from` or `--to`), the same way for both:
    ///
    /// * a node with exactly that name;
    /// * OceanBase `V-B.el7` (an RPM release: a decimal build, then a distribution suffix): node
    ///   `V-B`;
    /// * OceanBase `V-B` or `V-B.el7` and no node `V-B`: node `V` (B is a build of V);
    /// * a build that is not decimal digits is [`Resolution::InvalidBuild`], never dropped;
    /// * SemVer `V+META` and no such node: node `V`; SemVer `V` and no node `V`: the single node
    ///   `V+META` (build metadata does not affect precedence), [`Resolution::Ambiguous`] when several.
    ///
    /// ```
    /// use upgrade_planner::DepGraph;
    /// use upgrade_planner::planner::{NodeMatch, Resolution};
    /// let g = DepGraph::from_path("data/seed-oceanbase-ce-4.2.1.1.yml".as_ref(), None)?;
    /// let Resolution::Found { node, how } = g.resolve_version("4.2.1.1-101000062023110109.el7") else {
    ///     panic!("resolves");
    /// };
    /// assert_eq!((g.node(node).version.as_str(), how), ("4.2.1.1", NodeMatch::PlainVersion));
    /// assert!(matches!(g.resolve_version("4.0.0.0-abc"), Resolution::InvalidBuild { .. }));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn resolve_version(&self, text: &str) -> Resolution {
        let text = text.trim();
        if let Some(node) = self.find(text) {
            return Resolution::Found {
                node,
                how: NodeMatch::Exact,
            };
        }
        match self.scheme() {
            VersionScheme::OceanBase => self.resolve_oceanbase(text),
            VersionScheme::SemVer => self.resolve_semver(text),
        }
    }

    fn resolve_oceanbase(&self, text: &str) -> Resolution {
        let Some((base, release)) = text.split_once('-') else {
            return Resolution::NotFound;
        };
        if Version::parse(base, VersionScheme::OceanBase).is_err() {
            return Resolution::NotFound;
        }
        let Some((build, dist)) = split_release(release) else {
            // Name the build without a well-formed distribution suffix (`abc` in `V-abc.el7`).
            let build = match release.split_once('.') {
                Some((b, d)) if split_release(&format!("0.{d}")).is_some() => b,
                _ => release,
            };
            return Resolution::InvalidBuild {
                build: build.to_string(),
            };
        };
        if dist.is_some()
            && let Some(node) = self.find(&format!("{base}-{build}"))
        {
            return Resolution::Found {
                node,
                how: NodeMatch::WithoutDistribution,
            };
        }
        match self.find(base) {
            Some(node) => Resolution::Found {
                node,
                how: NodeMatch::PlainVersion,
            },
            None => Resolution::NotFound,
        }
    }

    fn resolve_semver(&self, text: &str) -> Resolution {
        let Ok(v) = Version::parse(text, VersionScheme::SemVer) else {
            return Resolution::NotFound;
        };
        if v.build_metadata().is_some() {
            return match self.find(v.without_build_metadata().as_str()) {
                Some(node) => Resolution::Found {
                    node,
                    how: NodeMatch::PlainVersion,
                },
                None => Resolution::NotFound,
            };
        }
        let mut candidates = self.same_precedence(&v);
        match candidates.len() {
            0 => Resolution::NotFound,
            1 => Resolution::Found {
                node: candidates.remove(0),
                how: NodeMatch::BuildMetadata,
            },
            _ => Resolution::Ambiguous { candidates },
        }
    }

    /// Nodes with the same precedence as `v` (SemVer: equal apart from build metadata), in version
    /// order.
    fn same_precedence(&self, v: &Version) -> Vec<NodeIndex> {
        let mut out: Vec<NodeIndex> = self
            .nodes()
            .filter(|(_, n)| n.version.same_precedence(v))
            .map(|(ix, _)| ix)
            .collect();
        self.sort_by_version(&mut out);
        out
    }

    /// [`DepGraph::resolve_version`] for the planner and the rollout: the node, or the names to
    /// suggest instead (never a deprecated one when `for_target`).
    pub fn resolve_node(&self, text: &str, for_target: bool) -> Result<NodeIndex, Vec<String>> {
        match self.resolve_version(text) {
            Resolution::Found { node, .. } => Ok(node),
            Resolution::Ambiguous { candidates } => Err(self.names(candidates)),
            Resolution::InvalidBuild { .. } | Resolution::NotFound => {
                Err(self.names(self.suggest(text, for_target)))
            }
        }
    }

    /// Versions to suggest for a name that does not resolve: first the nodes its `V-B` or `V` part
    /// names (a distribution suffix such as `.el7` dropped; SemVer: the nodes equal to it apart from
    /// build metadata), then the closest existing version below it and the closest above. A target
    /// is never deprecated, so for a target (`for_target`) deprecated nodes are never suggested.
    pub fn suggest(&self, text: &str, for_target: bool) -> Vec<NodeIndex> {
        let text = text.trim();
        let eligible = |ix: &NodeIndex| !for_target || !self.node(*ix).deprecated;
        let (named, anchor): (Vec<NodeIndex>, Option<Version>) = match self.scheme() {
            VersionScheme::OceanBase => {
                let parse = |t: &str| Version::parse(t, VersionScheme::OceanBase).ok();
                match text.split_once('-') {
                    Some((base, release)) => {
                        let build = release.split('.').next().unwrap_or("");
                        let full = parse(&format!("{base}-{build}"));
                        let named = [format!("{base}-{build}"), base.to_string()]
                            .iter()
                            .filter_map(|t| self.find(t))
                            .collect();
                        (named, full.or_else(|| parse(base)))
                    }
                    None => (self.find(text).into_iter().collect(), parse(text)),
                }
            }
            VersionScheme::SemVer => match Version::parse(text, VersionScheme::SemVer) {
                Ok(v) => {
                    let mut named: Vec<NodeIndex> = self
                        .find(v.without_build_metadata().as_str())
                        .into_iter()
                        .collect();
                    named.extend(self.same_precedence(&v));
                    (named, Some(v))
                }
                Err(_) => (Vec::new(), None),
            },
        };
        let mut out: Vec<NodeIndex> = Vec::new();
        for ix in named.into_iter().filter(eligible) {
            if !out.contains(&ix) {
                out.push(ix);
            }
        }
        let Some(anchor) = anchor else {
            return out;
        };
        let mut below: Option<NodeIndex> = None;
        let mut above: Option<NodeIndex> = None;
        for (ix, n) in self.nodes() {
            if !eligible(&ix) || out.contains(&ix) {
                continue;
            }
            let v = &n.version;
            if *v < anchor {
                if below.is_none_or(|b| self.node(b).version < *v) {
                    below = Some(ix);
                }
            } else if *v > anchor && above.is_none_or(|a| *v < self.node(a).version) {
                above = Some(ix);
            }
        }
        out.extend(below.into_iter().chain(above));
        out
    }

    /// The refusal's message, with the reason a name did not resolve when there is one more to say
    /// than "unknown" (a build that is not a number; a SemVer version that several nodes match).
    /// Other refusals: the error's own message.
    pub fn refusal_message(&self, e: &PlanError) -> String {
        let (role, text, nearest) = match e {
            PlanError::UnknownStart { from, nearest } => ("start", from, nearest),
            PlanError::UnknownTarget { to, nearest } => ("target", to, nearest),
            other => return other.to_string(),
        };
        let message = self.unresolved_message(role, text, nearest, e);
        match self.did_you_mean(text, role == "target") {
            Some(better) => format!("{message}; did you mean `{better}`?"),
            None => message,
        }
    }

    /// What a name that does not resolve was probably meant to be: `latest` for a target close to
    /// it (`latst`, `Latest`), or the version without a leading `v` (`v4.2.1.1`) when that
    /// resolves.
    pub fn did_you_mean(&self, text: &str, for_target: bool) -> Option<String> {
        let text = text.trim();
        let lower = text.to_ascii_lowercase();
        if for_target && text != "latest" && strsim::levenshtein(&lower, "latest") <= 2 {
            return Some("latest".to_string());
        }
        let bare = text.strip_prefix(['v', 'V'])?;
        matches!(self.resolve_version(bare), Resolution::Found { .. }).then(|| bare.to_string())
    }

    fn unresolved_message(
        &self,
        role: &str,
        text: &str,
        nearest: &[String],
        e: &PlanError,
    ) -> String {
        match self.resolve_version(text) {
            Resolution::InvalidBuild { build } => format!(
                "unknown {role} version `{text}`: {} (write V, V-BUILD with a decimal BUILD, or an \
                 RPM release such as V-BUILD.el7){}",
                if build.is_empty() {
                    "the build after `-` is empty".to_string()
                } else {
                    format!("its build `{build}` is not a number")
                },
                nearest_text(nearest)
            ),
            Resolution::Ambiguous { candidates } => format!(
                "{role} version `{text}` is ambiguous: {} differ only in build metadata; name one \
                 of them",
                self.names(candidates).join(", ")
            ),
            Resolution::Found { .. } | Resolution::NotFound => e.to_string(),
        }
    }

    /// A node's name, exactly as the YAML writes it.
    fn name_of(&self, ix: NodeIndex) -> String {
        self.node(ix).version.as_str().to_string()
    }

    fn names(&self, nodes: impl IntoIterator<Item = NodeIndex>) -> Vec<String> {
        nodes.into_iter().map(|ix| self.name_of(ix)).collect()
    }

    /// Builds the [`Plan`] for a path (start first, target last).
    pub(crate) fn make_plan(&self, path: &[NodeIndex], objective: Objective) -> Plan {
        let stops = binary_stops(self, path);
        let name = |ix: NodeIndex| self.name_of(ix);
        let mut stages = Vec::with_capacity(stops.len() + 2);
        let (first, last) = (path.first().copied(), path.last().copied());
        if let Some(f) = first {
            stages.push(Stage {
                version: name(f),
                kind: StageKind::Start,
            });
        }
        stages.extend(stops.iter().map(|&s| Stage {
            version: name(s),
            kind: StageKind::BinaryStop,
        }));
        if let Some(l) = last {
            stages.push(Stage {
                version: name(l),
                kind: StageKind::Target,
            });
        }
        let inner = path.iter().skip(1).take(path.len().saturating_sub(2));
        Plan {
            schema: PLAN_SCHEMA,
            from: first.map(name).unwrap_or_default(),
            to: last.map(name).unwrap_or_default(),
            path: path.iter().map(|&ix| name(ix)).collect(),
            hops: path.len().saturating_sub(1),
            binary_stops: stops.into_iter().map(name).collect(),
            deprecated_transits: inner
                .filter(|&&ix| self.node(ix).deprecated)
                .map(|&ix| name(ix))
                .collect(),
            stages,
            objective,
            accepted_risks: None,
            avoided_risks: None,
            newer_not_recommended: None,
        }
    }

    /// The newest non-deprecated version reachable from `start` (possibly `start` itself).
    fn latest_from(&self, start: NodeIndex) -> Result<NodeIndex, PlanError> {
        let index = self.route_index();
        let reached = index.reach(start.index() as u32, true);
        index
            .by_version()
            .iter()
            .rev()
            .map(|&i| NodeIndex::new(i as usize))
            .find(|&ix| reached.get(ix.index()) == Some(&true) && !self.node(ix).deprecated)
            .ok_or_else(|| PlanError::NoRoute {
                from: self.name_of(start),
                to: "latest".to_string(),
                closest_reachable: None,
                can_reach_target: Vec::new(),
                downgrade: false,
            })
    }

    /// Non-deprecated versions to suggest instead of a deprecated target: the same plain version,
    /// else its direct upgrades, else the next newer version.
    fn alternatives_to(&self, target: NodeIndex) -> Vec<NodeIndex> {
        let t = &self.node(target).version;
        let base = t.base_version();
        let mut same: Vec<NodeIndex> = self
            .nodes()
            .filter(|(_, n)| !n.deprecated && n.version.base_version() == base)
            .map(|(ix, _)| ix)
            .collect();
        if same.is_empty() {
            same = self
                .successors(target)
                .into_iter()
                .filter(|&ix| !self.node(ix).deprecated)
                .collect();
        }
        if same.is_empty() {
            same = self
                .nodes()
                .filter(|(_, n)| !n.deprecated && n.version > *t)
                .min_by(|a, b| a.1.version.cmp(&b.1.version))
                .map(|(ix, _)| ix)
                .into_iter()
                .collect();
        }
        self.sort_by_version(&mut same);
        same
    }

    fn sort_by_version(&self, nodes: &mut [NodeIndex]) {
        let index = self.route_index();
        nodes.sort_by_key(|ix| index.rank(ix.index() as u32));
    }

    fn no_route(&self, start: NodeIndex, target: NodeIndex) -> PlanError {
        let index = self.route_index();
        let t = &self.node(target).version;
        let target_rank = index.rank(target.index() as u32);
        let reached = index.reach(start.index() as u32, true);
        let reachable: Vec<NodeIndex> = index
            .by_version()
            .iter()
            .map(|&i| NodeIndex::new(i as usize))
            .filter(|ix| reached.get(ix.index()) == Some(&true) && !self.node(*ix).deprecated)
            .collect();
        // The newest not newer than the target, else the oldest.
        let closest = reachable
            .iter()
            .rev()
            .find(|ix| index.rank(ix.index() as u32) <= target_rank)
            .or(reachable.first())
            .copied();
        let reaches = index.reach(target.index() as u32, false);
        let reaching = index
            .by_version()
            .iter()
            .map(|&i| NodeIndex::new(i as usize))
            .filter(|&ix| ix != target && reaches.get(ix.index()) == Some(&true));
        PlanError::NoRoute {
            from: self.name_of(start),
            to: t.as_str().to_string(),
            closest_reachable: closest.map(|ix| self.name_of(ix)),
            can_reach_target: self.names(reaching),
            downgrade: *t < self.node(start).version,
        }
    }

    /// Finds the optimal simple path from `start` to `target` (distinct nodes), or `None`.
    fn solve(
        &self,
        start: NodeIndex,
        target: NodeIndex,
        objective: Objective,
        blocked: Option<&[bool]>,
    ) -> Result<Option<Vec<NodeIndex>>, PlanError> {
        let path = search::solve(
            self.route_index(),
            start.index() as u32,
            target.index() as u32,
            objective,
            limits::MAX_EXACT_SEARCH_STATES,
            blocked,
        )
        .map_err(|_| PlanError::SearchLimit {
            steps: limits::MAX_EXACT_SEARCH_STATES,
        })?;
        Ok(path.map(|p| p.into_iter().map(|i| NodeIndex::new(i as usize)).collect()))
    }
}

impl fmt::Display for Objective {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Objective::Hops => "hops",
            Objective::Stops => "stops",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn releases_split_into_build_and_distribution() {
        assert_eq!(
            split_release("101000062023110109"),
            Some(("101000062023110109", None))
        );
        assert_eq!(split_release("7.el7"), Some(("7", Some("el7"))));
        assert_eq!(split_release("7.el8_9"), Some(("7", Some("el8_9"))));
        assert_eq!(
            split_release("7.el7.x86_64"),
            Some(("7", Some("el7.x86_64")))
        );
        // RPM's usual z-stream releases: later segments may be numbers.
        assert_eq!(split_release("1.el7_9.1"), Some(("1", Some("el7_9.1"))));
        assert_eq!(
            split_release("26.el8_4.1.2"),
            Some(("26", Some("el8_4.1.2")))
        );
        for bad in [
            "", "abc", "abc.el7", "1a", "12.34", "7.", "7.el7.", "7..el7", "7.7el", "1-2",
        ] {
            assert_eq!(split_release(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn resolution_on_the_seed() {
        let g = DepGraph::from_path("data/seed-oceanbase-ce-4.2.1.1.yml".as_ref(), None).unwrap();
        let found = |t: &str| match g.resolve_version(t) {
            Resolution::Found { node, how } => {
                Some((g.node(node).version.as_str().to_string(), how))
            }
            _ => None,
        };
        assert_eq!(
            found(" 4.3.0.0 "),
            Some(("4.3.0.0".into(), NodeMatch::Exact))
        );
        assert_eq!(
            found("4.1.0.0-100000192023032010.el7"),
            Some((
                "4.1.0.0-100000192023032010".into(),
                NodeMatch::WithoutDistribution
            ))
        );
        assert_eq!(
            found("4.2.1.1-101000062023110109"),
            Some(("4.2.1.1".into(), NodeMatch::PlainVersion))
        );
        assert_eq!(
            g.resolve_version("4.0.0.0-abc.el7"),
            Resolution::InvalidBuild {
                build: "abc".into()
            }
        );
        assert_eq!(
            g.resolve_version("4.0.0.0-1-2"),
            Resolution::InvalidBuild {
                build: "1-2".into()
            }
        );
        assert_eq!(g.resolve_version("3.9-1"), Resolution::NotFound);
        assert_eq!(g.resolve_version("x-1"), Resolution::NotFound);
        assert_eq!(g.resolve_version("abc"), Resolution::NotFound);
        let names = |v: Vec<NodeIndex>| g.names(v);
        assert_eq!(names(g.suggest("4.1.9", true)), ["4.1.0.2", "4.2.0.0"]);
        assert_eq!(
            names(g.suggest("4.1.9", false)),
            ["4.1.0.2", "4.2.0.0-100000152023080109"]
        );
        assert!(g.suggest("not a version", true).is_empty());
    }
}
