//! Typed rollout steps. At every stage, every node that takes part runs four steps, in this order:
//! `install_binary` (a package name, version and build), `run_upgrade_scripts`, `reboot`, `verify`.
//!
//! When the primary reboots, the management endpoint goes down with it before its install
//! completes: that `reboot` step is marked [`Step::asynchronous`], so an orchestrator does not wait
//! for a reply but polls until the primary is back.

use super::inventory::{Estimates, Role};
use serde::Serialize;
use std::fmt;

/// What a step does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Install the stage's package on the node.
    InstallBinary,
    /// Run the stage's upgrade scripts.
    RunUpgradeScripts,
    /// Reboot the node so the new binary runs.
    Reboot,
    /// Check the node serves at the stage's version.
    Verify,
}

impl Action {
    /// Every action, in the order a node runs them at one stage.
    pub const ALL: [Action; 4] = [
        Action::InstallBinary,
        Action::RunUpgradeScripts,
        Action::Reboot,
        Action::Verify,
    ];

    /// The snake_case name used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::InstallBinary => "install_binary",
            Action::RunUpgradeScripts => "run_upgrade_scripts",
            Action::Reboot => "reboot",
            Action::Verify => "verify",
        }
    }

    /// The node's estimate for this action.
    pub fn estimate(self, e: &Estimates) -> std::time::Duration {
        match self {
            Action::InstallBinary => e.install_binary,
            Action::RunUpgradeScripts => e.run_upgrade_scripts,
            Action::Reboot => e.reboot,
            Action::Verify => e.verify,
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The package an `install_binary` step installs.
///
/// Before resolution (no `--packages`), `build` is the stage's build when the stage is a
/// build-specific node `V-N` (then any build ≥ N will do, see `min_build`), else null (any build).
/// After resolution against a [`super::packages::PackageSource`], `build`, `release` and `file` name
/// the chosen package and `resolved` is true.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PackageSpec {
    /// Package name (the inventory's `package`, default `oceanbase-ce`).
    pub name: String,
    /// The plain version (`4.2.1.1`).
    pub version: String,
    /// The build number: the chosen package's, or the stage's when it is build-specific.
    pub build: Option<String>,
    /// The smallest acceptable build (a stage `V-N` accepts builds ≥ N); null: any build.
    pub min_build: Option<String>,
    /// The chosen package's full release (`100000102023091817.el7`), once resolved.
    pub release: Option<String>,
    /// The chosen package's file name, once resolved.
    pub file: Option<String>,
    /// Whether a real package file was chosen for this step.
    pub resolved: bool,
    /// The chosen package's architecture (`x86_64`), once resolved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arch: Option<String>,
    /// The chosen package's epoch, once resolved, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub epoch: Option<u64>,
    /// The chosen package file's size in bytes, once resolved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// The HPE component signature file beside the chosen package, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compsig: Option<String>,
    /// With `--packages`: every candidate considered, with why it was taken or passed over.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub candidates: Vec<super::packages::CandidateVerdict>,
}

impl PackageSpec {
    /// The unresolved package for a stage version (`V` or `V-N`).
    pub fn for_stage(name: &str, stage: &str) -> PackageSpec {
        let (version, build) = match stage.split_once('-') {
            Some((v, b)) if !b.is_empty() && b.bytes().all(|c| c.is_ascii_digit()) => {
                (v.to_string(), Some(b.to_string()))
            }
            _ => (stage.to_string(), None),
        };
        PackageSpec {
            name: name.to_string(),
            version,
            min_build: build.clone(),
            build,
            release: None,
            file: None,
            resolved: false,
            arch: None,
            epoch: None,
            size: None,
            compsig: None,
            candidates: Vec::new(),
        }
    }
}

/// One step of the rollout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// Position in execution order, from 0.
    pub index: usize,
    /// The stage (the version installed at this stage).
    pub stage: String,
    /// The node.
    pub node: String,
    /// What to do.
    pub action: Action,
    /// The maintenance window the step runs in (index into `windows`), when windows were given and
    /// the step fits; null otherwise.
    pub window: Option<usize>,
    /// The package, for `install_binary` steps; null for the others.
    pub package: Option<PackageSpec>,
    /// The node's role.
    pub role: Role,
    /// The node's zone, if any.
    pub zone: Option<String>,
    /// The version the node runs before this stage.
    pub from: String,
    /// True for the primary's `reboot`: the management endpoint goes down, poll until it is back.
    pub asynchronous: bool,
    /// The estimate for this step, in seconds.
    pub estimate_seconds: u64,
}
