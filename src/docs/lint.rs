//! The `lint` and `diff` documents (`upgrade-planner/lint/v1`, SARIF 2.1.0,
//! `upgrade-planner/diff/v1`).

use super::{Exit, Failure, Source, load_graph};
use crate::diff::{ChangeKind, DIFF_SCHEMA, Diff};
use crate::lint::FileReport;
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
    /// A route that disappears (also when its target becomes deprecated).
    Removed,
    /// Any change to any route (added, removed, changed, rerouted, target deprecated).
    Changed,
}

/// [`Exit::Refused`] when a change of the kind `fail_on` names was found.
pub fn diff_exit(d: &Diff, fail_on: Option<FailOn>) -> Exit {
    let matched = match fail_on {
        None => false,
        Some(FailOn::Changed) => !d.is_empty(),
        Some(FailOn::Removed) => d
            .changes
            .iter()
            .any(|c| matches!(c.kind, ChangeKind::Removed | ChangeKind::TargetDeprecated)),
    };
    if matched { Exit::Refused } else { Exit::Ok }
}

/// Compares the routes of two dependency files: the `upgrade-planner/diff/v1` document.
pub fn diff(old: &Source, new: &Source, scheme: Option<VersionScheme>) -> Result<Diff, Failure> {
    let old_graph = load_graph(old, scheme, DIFF_SCHEMA)?;
    let new_graph = load_graph(new, scheme, DIFF_SCHEMA)?;
    crate::diff::diff(&old_graph, &new_graph, &old.name(), &new.name())
        .map_err(|e| Failure::new(DIFF_SCHEMA, "too_large", e.to_string(), None, Exit::Input))
}
