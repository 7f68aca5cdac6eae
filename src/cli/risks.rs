//! The known-risk options shared by `plan`, `targets`, `rollout` and `graph`; the library reads
//! them (`upgrade_planner::docs::risks`).

use clap::Args;
use std::path::PathBuf;
use upgrade_planner::docs::Source;
use upgrade_planner::docs::risks::RiskOptions;

/// `--risks PATH` and `--accept-risk NAME`.
#[derive(Debug, Args, Clone, Default)]
pub struct RiskArgs {
    /// Known upgrade risks: a YAML file holding a risk or a list of risks, or a directory of
    /// `*.yml`/`*.yaml` files (see docs/risks.md). Updates a risk applies to are not
    /// recommended: routes avoid them.
    #[arg(long, value_name = "PATH")]
    pub risks: Option<PathBuf>,
    /// Accept a known risk by name (repeatable): its updates become usable again, and the plan
    /// lists them as warnings.
    #[arg(long = "accept-risk", value_name = "NAME", requires = "risks")]
    pub accept_risk: Vec<String>,
}

impl RiskArgs {
    /// The library's options, with `--facts FILE` when the command takes it.
    pub fn options(&self, facts: Option<&PathBuf>) -> RiskOptions {
        RiskOptions {
            risks: self.risks.clone().map(Source::Path),
            facts: facts.cloned().map(Source::Path),
            accept: self.accept_risk.clone(),
        }
    }
}
