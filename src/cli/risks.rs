//! The known-risk options shared by `plan`, `targets`, `rollout`, `diff`, `graph` and `lint`, and
//! their loading with errors reported as every command reports them.

use super::{EXIT_INPUT, Format, fail};
use clap::Args;
use std::path::{Path, PathBuf};
use upgrade_planner::risks::facts::{Facts, FactsError};
use upgrade_planner::risks::{RiskError, RiskSet};

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

/// Reads `--risks` (when given) and checks the `--accept-risk` names: `Err(exit code)` after
/// reporting `invalid_risks` or `unknown_risk` (exit 2) under `schema`.
pub fn load(args: &RiskArgs, format: Format, schema: &str) -> Result<Option<RiskSet>, u8> {
    let Some(path) = &args.risks else {
        return Ok(None);
    };
    let set = load_path(path, format, schema)?;
    if let Err(e) = set.check_accepted(&args.accept_risk) {
        return Err(report(&e, format, schema));
    }
    Ok(Some(set))
}

/// Reads one risks input (a file or a directory), reporting `invalid_risks` on failure.
pub fn load_path(path: &Path, format: Format, schema: &str) -> Result<RiskSet, u8> {
    RiskSet::from_path(path).map_err(|e| report(&e, format, schema))
}

fn report(e: &RiskError, format: Format, schema: &str) -> u8 {
    let (kind, details) = match e {
        RiskError::Invalid { file, diagnostics } => (
            "invalid_risks",
            Some(super::diagnostics_details(file.as_deref(), diagnostics)),
        ),
        RiskError::Io { .. } => ("invalid_risks", None),
        RiskError::UnknownAccepted { unknown, known } => (
            "unknown_risk",
            Some(serde_json::json!({"unknown": unknown, "known": known})),
        ),
    };
    fail(format, schema, kind, &e.to_string(), details, EXIT_INPUT)
}

/// Reads `--facts FILE` (when given), reporting `invalid_facts` (exit 2) on failure.
pub fn load_facts(path: Option<&Path>, format: Format, schema: &str) -> Result<Option<Facts>, u8> {
    let Some(path) = path else {
        return Ok(None);
    };
    Facts::from_path(path).map(Some).map_err(|e| {
        let details = match &e {
            FactsError::Invalid { file, diagnostics } => {
                Some(super::diagnostics_details(file.as_deref(), diagnostics))
            }
            FactsError::Io { .. } => None,
        };
        fail(
            format,
            schema,
            "invalid_facts",
            &e.to_string(),
            details,
            EXIT_INPUT,
        )
    })
}
