//! Planning an ONTAP upgrade from two metadata sets on an upgrade-dependency graph.
//!
//! ONTAP releases (`7.3.7P1`, `8.0.1RC2`) are not OceanBase versions, and the version module is not
//! taught about them. Instead each release is placed on the graph node named by
//! [`OntapRelease::graph_node`] (`7.3.7P1` is node `7.3.7.0.1001`, see [`super::release`]), whose
//! OceanBase order is the release order, and the ordinary planner runs unchanged. The route file
//! therefore names releases by their node names (`data/ontap-example.yml` shows how, with each
//! release in a comment); [`NpmPlan::with_release_names`] turns a plan back into release names.

use super::check::{CheckReport, check, modes_compatible};
use super::model::Package;
use super::release::OntapRelease;
use crate::depgraph::DepGraph;
use crate::planner::{Objective, Plan, PlanError, PlanRequest, Stage, Target};
use crate::version::VersionScheme;
use thiserror::Error;

/// A route between two ONTAP releases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NpmPlan {
    /// The plan over graph node names, exactly as the YAML writes them.
    pub plan: Plan,
    /// The installed release (`ONTAP_RLS` of the installed metadata).
    pub from_release: String,
    /// The package's release.
    pub to_release: String,
    /// The release each node of `plan.path` stands for (start and target as their metadata
    /// writes them; intermediate nodes decoded from their names, or the name itself when it is
    /// not an ONTAP node).
    pub path_releases: Vec<String>,
    /// The installed-vs-package check (architecture, mode, on-disk format versions).
    pub check: CheckReport,
}

impl NpmPlan {
    /// The release a node name stands for.
    fn release_of(&self, node: &str) -> String {
        self.plan
            .path
            .iter()
            .position(|p| p == node)
            .and_then(|i| self.path_releases.get(i).cloned())
            .unwrap_or_else(|| node.to_string())
    }

    /// The plan with every node name replaced by its release name, for display with
    /// [`crate::render::plan`] (`7.3.7.0.1001` becomes `7.3.7P1`).
    pub fn with_release_names(&self) -> Plan {
        let map = |v: &Vec<String>| v.iter().map(|n| self.release_of(n)).collect();
        Plan {
            schema: self.plan.schema,
            from: self.from_release.clone(),
            to: self.to_release.clone(),
            path: self.path_releases.clone(),
            hops: self.plan.hops,
            binary_stops: map(&self.plan.binary_stops),
            deprecated_transits: map(&self.plan.deprecated_transits),
            stages: self
                .plan
                .stages
                .iter()
                .map(|s| Stage {
                    version: self.release_of(&s.version),
                    kind: s.kind,
                })
                .collect(),
            objective: self.plan.objective,
            ..self.plan.clone()
        }
    }
}

/// Why no route between two metadata sets could be planned. [`NpmPlanError::kind`] is stable.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum NpmPlanError {
    /// One side has no `ONTAP_RLS` (it is a Service package).
    #[error(
        "the {which} metadata has no ONTAP_RLS (a {pkg_type} package): it names no ONTAP release"
    )]
    NotOntap {
        /// `installed` or `package`.
        which: &'static str,
        /// Its `PKG_TYPE`.
        pkg_type: String,
    },
    /// 7-Mode and Cluster-Mode: a transition, not an upgrade route.
    #[error(
        "{from} and {to} run in different modes (7-Mode vs Cluster-Mode): that is a transition, not an upgrade route"
    )]
    ModeMismatch {
        /// The installed release with its mode.
        from: String,
        /// The package release with its mode.
        to: String,
    },
    /// A release that has no graph node (an `X` engineering build, ...).
    #[error("release {0}")]
    Unplaceable(#[from] super::release::ReleaseError),
    /// The graph's versions are SemVer, which cannot hold ONTAP node names.
    #[error(
        "the dependency graph uses SemVer versions; ONTAP routes use OceanBase-style node names such as 7.3.7.0.1001"
    )]
    WrongScheme,
    /// The planner refused (unknown release, no route, ...).
    #[error("{0}")]
    Plan(#[from] PlanError),
}

impl NpmPlanError {
    /// A stable snake_case kind: `not_ontap`, `mode_mismatch`, `unplaceable_release`,
    /// `wrong_scheme`, or the planner's kind (`unknown_start`, `no_route`, ...).
    pub fn kind(&self) -> &'static str {
        match self {
            NpmPlanError::NotOntap { .. } => "not_ontap",
            NpmPlanError::ModeMismatch { .. } => "mode_mismatch",
            NpmPlanError::Unplaceable(_) => "unplaceable_release",
            NpmPlanError::WrongScheme => "wrong_scheme",
            NpmPlanError::Plan(e) => e.kind(),
        }
    }
}

/// Plans the route from the release in `installed` to the release in `package` on `graph`, whose
/// nodes name ONTAP releases by [`OntapRelease::graph_node`]. Also runs [`check`] (its findings
/// are returned, not enforced: the route is the planner's answer).
///
/// ```
/// use upgrade_planner::{DepGraph, Objective, npm};
/// let graph = DepGraph::from_path("data/ontap-example.yml".as_ref(), None).unwrap();
/// let meta = |rls: &str| format!(
///     "PKG_TYPE=DataOntap\nPKG_DTS=Thu Oct 15 11:55:39 2009 GMT\nCPU_ARCH=pc\n\
///      ONTAP_RLS=NetApp Release {rls}: Thu Oct 15 04:17:39 PDT 2009\nFILESYS_VER=21\nNVLOG_VER=7\n");
/// let a = npm::read(meta("7.3.2").as_bytes()).unwrap();
/// let b = npm::read(meta("8.2.5P1 7-Mode").as_bytes()).unwrap();
/// let route = npm::plan_between(&graph, &a, &b, Objective::Hops).unwrap();
/// assert_eq!(route.path_releases.first().map(String::as_str), Some("7.3.2"));
/// assert_eq!(route.with_release_names().to, "8.2.5P1");
/// ```
pub fn plan_between(
    graph: &DepGraph,
    installed: &Package,
    package: &Package,
    objective: Objective,
) -> Result<NpmPlan, NpmPlanError> {
    let rls = |p: &Package, which: &'static str| {
        p.typed
            .ontap_rls
            .clone()
            .ok_or_else(|| NpmPlanError::NotOntap {
                which,
                pkg_type: p.package_type.to_string(),
            })
    };
    let from = rls(installed, "installed")?;
    let to = rls(package, "package")?;
    if !modes_compatible(from.effective_mode(), to.effective_mode()) {
        let show = |r: &super::model::OntapRls| match r.effective_mode() {
            Some(m) => format!("{} ({})", r.release, m.as_str()),
            None => r.release.to_string(),
        };
        return Err(NpmPlanError::ModeMismatch {
            from: show(&from),
            to: show(&to),
        });
    }
    if graph.scheme() != VersionScheme::OceanBase {
        return Err(NpmPlanError::WrongScheme);
    }
    let from_node = from.release.graph_node()?;
    let to_node = to.release.graph_node()?;
    let plan =
        graph.plan(&PlanRequest::new(from_node, Target::Version(to_node)).objective(objective))?;
    let last = plan.path.len().saturating_sub(1);
    let path_releases = plan
        .path
        .iter()
        .enumerate()
        .map(|(i, node)| match i {
            0 => from.release.to_string(),
            i if i == last => to.release.to_string(),
            _ => OntapRelease::from_graph_node(node)
                .map(|r| r.to_string())
                .unwrap_or_else(|| node.clone()),
        })
        .collect();
    Ok(NpmPlan {
        check: check(installed, package),
        from_release: from.release.to_string(),
        to_release: to.release.to_string(),
        path_releases,
        plan,
    })
}
