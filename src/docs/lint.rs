//! The `lint` and `diff` documents (`upgrade-planner/lint/v1`, SARIF 2.1.0,
//! `upgrade-planner/diff/v1`).

use super::{Exit, Failure, Source, load_graph};
use crate::diff::{ChangeKind, DIFF_SCHEMA, Diff};
use crate::lint::{FileReport, LINT_SCHEMA};
use crate::render::lint::{self as render, ReadFailure};
use crate::{Severity, VersionScheme};
use serde::Serialize;
use serde_json::Value;

/// Every file's findings, and the files that could not be read: the `lint` answer.
#[derive(Debug, Clone)]
pub struct LintAnswer {
    /// One report per readable file, in the order given.
    pub reports: Vec<FileReport>,
    /// The files that could not be read.
    pub unreadable: Vec<ReadFailure>,
}

impl Serialize for LintAnswer {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(s)
    }
}

impl LintAnswer {
    /// The `upgrade-planner/lint/v1` document.
    pub fn to_json(&self) -> Value {
        render::to_json(&self.reports, &self.unreadable)
    }

    /// The SARIF 2.1.0 log.
    pub fn to_sarif(&self) -> Value {
        render::to_sarif(&self.reports, &self.unreadable)
    }

    /// 2 when a file cannot be read, else 1 when a finding reaches `deny`, else 0.
    pub fn exit(&self, deny: Severity) -> Exit {
        if !self.unreadable.is_empty() {
            Exit::Input
        } else if self.reports.iter().any(|r| r.reaches(deny)) {
            Exit::Refused
        } else {
            Exit::Ok
        }
    }
}

/// Lints every file and, with `risks` (`lint FILE --risks PATH`), the known risks against the
/// one dependency file given (docs/lint.md), each risks file a report of its own. More than one
/// dependency file with `risks` is a usage error. An unreadable file is listed in the answer.
pub fn lint_with_risks(
    files: &[Source],
    scheme: Option<VersionScheme>,
    risks: Option<&Source>,
) -> Result<LintAnswer, Failure> {
    let Some(risks) = risks else {
        return Ok(lint(files, scheme));
    };
    let [deps] = files else {
        return Err(Failure::usage(
            LINT_SCHEMA,
            "--risks checks the risks against one dependency file: give exactly one FILE",
        ));
    };
    let mut answer = lint(files, scheme);
    // The graph rules need a valid dependency file; without one only the file rules run.
    let graph = load_graph(deps, scheme, LINT_SCHEMA).ok();
    match risks {
        Source::Path(path) => match crate::risks::lint::lint_path(path, graph.as_ref()) {
            Ok(more) => answer.reports.extend(more),
            Err(e) => answer.unreadable.push(ReadFailure {
                file: path.display().to_string(),
                message: e.to_string(),
            }),
        },
        Source::Text { name, text } => answer.reports.extend(crate::risks::lint::lint_sources(
            &[(name.clone(), text.clone())],
            graph.as_ref(),
        )),
    }
    Ok(answer)
}

/// Lints every file. A file that cannot be read is listed in the answer, not a failure.
pub fn lint(files: &[Source], scheme: Option<VersionScheme>) -> LintAnswer {
    let mut reports = Vec::new();
    let mut unreadable = Vec::new();
    for source in files {
        match source {
            Source::Path(path) => match FileReport::from_path(path, scheme) {
                Ok(r) => reports.push(r),
                Err(e) => unreadable.push(ReadFailure {
                    file: path.display().to_string(),
                    message: e.to_string(),
                }),
            },
            Source::Text { name, text } => {
                reports.push(FileReport::from_source(name.clone(), text.clone(), scheme));
            }
        }
    }
    LintAnswer {
        reports,
        unreadable,
    }
}

/// Which changes make `diff` exit 1 (`--fail-on`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// A route that disappears (also when its target becomes deprecated, or, with known risks,
    /// when the route becomes not recommended).
    Removed,
    /// Any change to any route (added, removed, changed, rerouted, target deprecated).
    Changed,
}

/// [`Exit::Refused`] when a change of the kind `fail_on` names was found.
pub fn diff_exit(d: &Diff, fail_on: Option<FailOn>) -> Exit {
    let matched = match fail_on {
        None => false,
        Some(FailOn::Changed) => !d.is_empty(),
        Some(FailOn::Removed) => d.changes.iter().any(|c| {
            matches!(
                c.kind,
                ChangeKind::Removed
                    | ChangeKind::TargetDeprecated
                    | ChangeKind::BecameNotRecommended
            )
        }),
    };
    if matched { Exit::Refused } else { Exit::Ok }
}

/// Compares the routes of two dependency files: the `upgrade-planner/diff/v1` document.
pub fn diff(old: &Source, new: &Source, scheme: Option<VersionScheme>) -> Result<Diff, Failure> {
    diff_with_risks(old, new, scheme, None, None)
}

/// [`diff`] with known risks under OLD and under NEW (`--risks`, or `--risks-old` and
/// `--risks-new`): routes that became or stopped being not recommended are reported too (risks
/// evaluated with no facts).
pub fn diff_with_risks(
    old: &Source,
    new: &Source,
    scheme: Option<VersionScheme>,
    old_risks: Option<&Source>,
    new_risks: Option<&Source>,
) -> Result<Diff, Failure> {
    let old_graph = load_graph(old, scheme, DIFF_SCHEMA)?;
    let new_graph = load_graph(new, scheme, DIFF_SCHEMA)?;
    let old_risks = old_risks
        .map(|r| super::risks::load_risks(r, DIFF_SCHEMA))
        .transpose()?;
    let new_risks = new_risks
        .map(|r| super::risks::load_risks(r, DIFF_SCHEMA))
        .transpose()?;
    crate::diff::diff_with_risks(
        &old_graph,
        &new_graph,
        &old.name(),
        &new.name(),
        old_risks.as_ref(),
        new_risks.as_ref(),
    )
    .map_err(|e| Failure::new(DIFF_SCHEMA, "too_large", e.to_string(), None, Exit::Input))
}
