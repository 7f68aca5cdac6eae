//! # upgrade-planner
//!
//! Plans safe upgrade routes for products that describe their upgrade rules in an
//! upgrade-dependency YAML file (OceanBase's `oceanbase_upgrade_dep.yml` format).
//!
//! The crate is a library first; the `upgrade-planner` binary is a thin command-line layer over it.
//!
//! * [`version`]: version numbers (`A.B.C.D`, `A.B.C.D-BUILD`, SemVer) and their ordering.
//! * [`yaml`]: a small span-keeping YAML reader with resource limits, shared by every YAML input.
//! * [`depgraph`]: the upgrade-dependency document and the graph built from it.
//! * [`planner`]: the shortest-route solver that honours deprecated and barrier versions.
//! * [`targets`]: every version an installed version can be upgraded to, with its best route.
//! * [`risks`]: known upgrade risks (conditional edges) evaluated against a cluster's facts.
//! * [`diagnostic`]: findings about an input (code, severity, span), rendered in one place.
//! * [`npm`]: NetApp NPM package metadata (text and ZAPI XML forms), ONTAP releases and checks.
//! * [`rpm`]: RPM package metadata, digest verification and the upgrade YAML inside the payload.
//! * [`docs`]: one function per command that returns its JSON document (or error document), the
//!   same bytes for the CLI, Rust callers and the Python package.
//! * [`input`]: input files, `-` for standard input.
//!
//! ```
//! use upgrade_planner::{DepGraph, PlanRequest, Target};
//!
//! let graph = DepGraph::from_yaml_str(
//!     "- version: 4.1.0.0\n  can_be_upgraded_to: [4.2.0.0]\n\
//!      - version: 4.2.0.0\n  can_be_upgraded_to: [4.3.0.0]\n",
//! )?;
//! let plan = graph.plan(&PlanRequest::new("4.1.0.0", Target::Latest))?;
//! assert_eq!(plan.path, ["4.1.0.0", "4.2.0.0", "4.3.0.0"]);
//! assert_eq!(plan.hops, 2);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod depgraph;
pub mod diagnostic;
pub mod diff;
pub mod docs;
pub mod fuzzing;
pub mod input;
pub mod limits;
pub mod lint;
pub mod npm;
pub mod planner;
pub mod render;
pub mod risks;
pub mod rollout;
pub mod rpm;
pub mod synth;
pub mod targets;
pub mod version;
pub mod yaml;

pub use depgraph::{DepGraph, LoadError};
pub use diagnostic::{Diagnostic, Severity, Span};
pub use planner::{Objective, Plan, PlanError, PlanRequest, Stage, StageKind, Target};
pub use version::{Version, VersionScheme};
