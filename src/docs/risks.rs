//! The known-risk inputs shared by `plan`, `targets`, `rollout`, `diff` and `graph` (`--risks`,
//! `--facts`, `--accept-risk`; docs/risks.md), read with their failures as every command reports
//! them: `invalid_risks`, `unknown_risk`, `invalid_facts` (exit 2).
//!
//! ```
//! use upgrade_planner::docs::risks::RiskOptions;
//! use upgrade_planner::docs::{self, PlanQuery, Source};
//! let mut query = PlanQuery::new(Source::path("data/risks-example/deps.yml"), "4.2.1.1");
//! query.to = Some("4.3.0.0".parse().unwrap());
//! query.risks = RiskOptions {
//!     risks: Some(Source::path("data/risks-example/risks")),
//!     ..RiskOptions::default()
//! };
//! // The direct update 4.2.1.1 -> 4.3.0.0 has a risk that applies: the route avoids it.
//! let answer = docs::plan::plan(&query).unwrap();
//! assert_eq!(answer.plan.path, ["4.2.1.1", "4.2.1.2", "4.3.0.0"]);
//! ```

use super::{Exit, Failure, Source, diagnostics_details};
use crate::risks::assess::RiskReport;
use crate::risks::facts::{Facts, FactsError};
use crate::risks::{RiskError, RiskSet};
use serde_json::json;

/// `--risks PATH`, `--facts FILE` and `--accept-risk NAME`: what a command is told about known
/// risks. The default is no risks at all (the dependency file alone).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RiskOptions {
    /// Known risks: a risks file or a directory of them, or the YAML text itself.
    pub risks: Option<Source>,
    /// Facts about the cluster for the risks' `Fact` rules (a YAML or JSON mapping).
    pub facts: Option<Source>,
    /// Risks accepted by name: their updates become usable again (listed as warnings).
    pub accept: Vec<String>,
}

/// Known risks as read, with the facts to evaluate them under.
#[derive(Debug, Clone)]
pub struct LoadedRisks {
    /// The risks.
    pub set: RiskSet,
    /// The facts (`None`: no `--facts`).
    pub facts: Option<Facts>,
    /// The accepted risks' names (each checked to name a risk of `set`).
    pub accept: Vec<String>,
}

impl RiskOptions {
    /// Whether any risk option was given.
    pub fn is_empty(&self) -> bool {
        self.risks.is_none() && self.facts.is_none() && self.accept.is_empty()
    }

    /// Reads the risks (checking the accepted names) and then the facts: `None` without
    /// `risks`. Facts or accepted names without risks are a usage error.
    pub fn load(&self, schema: &str) -> Result<Option<LoadedRisks>, Failure> {
        let Some(source) = &self.risks else {
            if self.is_empty() {
                return Ok(None);
            }
            return Err(Failure::usage(
                schema,
                "--facts and --accept-risk need --risks PATH (the known risks they are about)",
            ));
        };
        let set = load_risks(source, schema)?;
        if let Err(e) = set.check_accepted(&self.accept) {
            return Err(risk_failure(&e, schema));
        }
        let facts = self
            .facts
            .as_ref()
            .map(|f| load_facts(f, schema))
            .transpose()?;
        Ok(Some(LoadedRisks {
            set,
            facts,
            accept: self.accept.clone(),
        }))
    }
}

/// Reads one risks input (a file, a directory of `*.yml`/`*.yaml` files, or the text itself);
/// `invalid_risks` (exit 2) when it cannot be read or is invalid.
pub fn load_risks(source: &Source, schema: &str) -> Result<RiskSet, Failure> {
    let read = match source {
        Source::Path(p) => RiskSet::from_path(p),
        Source::Text { text, .. } => RiskSet::from_yaml_str(text),
    };
    read.map_err(|e| risk_failure(&e, schema))
}

/// Reads `--facts`; `invalid_facts` (exit 2) when it cannot be read or is invalid.
pub fn load_facts(source: &Source, schema: &str) -> Result<Facts, Failure> {
    let read = match source {
        Source::Path(p) => Facts::from_path(p),
        Source::Text { text, .. } => Facts::parse(text),
    };
    read.map_err(|e| {
        let details = match &e {
            FactsError::Invalid { file, diagnostics } => {
                Some(diagnostics_details(file.as_deref(), diagnostics))
            }
            FactsError::Io { .. } => None,
        };
        Failure::new(schema, "invalid_facts", e.to_string(), details, Exit::Input)
    })
}

/// A `not_recommended` refusal whose text output also says which risks apply, with their urls
/// and the queries to run (after the `error:` line).
pub fn with_risks_text(failure: Failure, risks: &[RiskReport]) -> Failure {
    let s = crate::render::style::ERROR;
    let text = format!(
        "{s}error{s:#}: {}\n{}",
        failure.message,
        crate::render::risks::refusal_text(risks).trim_end()
    );
    failure.with_text(text)
}

/// The failure of a risks input: `invalid_risks` or `unknown_risk` (exit 2).
fn risk_failure(e: &RiskError, schema: &str) -> Failure {
    let (kind, details) = match e {
        RiskError::Invalid { file, diagnostics } => (
            "invalid_risks",
            Some(diagnostics_details(file.as_deref(), diagnostics)),
        ),
        RiskError::Io { .. } => ("invalid_risks", None),
        RiskError::UnknownAccepted { unknown, known } => (
            "unknown_risk",
            Some(json!({"unknown": unknown, "known": known})),
        ),
    };
    Failure::new(schema, kind, e.to_string(), details, Exit::Input)
}
