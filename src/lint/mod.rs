//! `lint`: every problem a release engineer can make in an upgrade-dependency file, as
//! [`Diagnostic`]s with a stable rule id, a severity and the exact span of the offending scalar.
//!
//! Three groups of rules, one module each:
//! * the loader's own errors (`yaml-syntax`, `schema`, `invalid-version`, `duplicate-version`,
//!   `barrier-conditions-conflict`, `too-large`), produced by [`Document::parse`];
//! * entry rules ([`entries`]): what can be seen entry by entry (`self-edge`, `float-version`,
//!   `unknown-key`, `misspelled-key`, `barrier-without-value`, `unknown-reference`,
//!   `duplicate-edge`, `downgrade-edge`, `empty-condition`, `implicit-node`);
//! * graph rules ([`graph`]): what needs the whole graph (`cycle`, `dead-end`,
//!   `unreachable-barrier-condition`, `deprecated-only-route`), run only when the loader found no
//!   error, in time close to linear in the size of the graph.
//!
//! Every rule is listed in [`RULES`] and documented in `docs/lint.md`.
//!
//! ```
//! use upgrade_planner::lint;
//! let findings = lint::lint("- version: 4.1.0.0\n  can_be_upgraded_to: [4.1.0.0]\n", None);
//! assert_eq!(findings[0].code, "self-edge");
//! let span = findings[0].span.unwrap();
//! assert_eq!((span.start.line, span.start.column), (2, 24));
//! ```

pub mod entries;
pub mod graph;

use crate::depgraph::{self, DepGraph, Document, LoadError};
use crate::diagnostic::{Diagnostic, Position, Severity, Span};
use crate::version::VersionScheme;
use std::path::Path;

/// The schema id written in every lint JSON document.
pub const LINT_SCHEMA: &str = "upgrade-planner/lint/v1";

/// A lint rule: its stable id, its severity, and what it is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// Stable kebab-case id, such as `dead-end`.
    pub id: &'static str,
    /// The severity of every finding of this rule.
    pub severity: Severity,
    /// One line saying what the rule finds.
    pub summary: &'static str,
    /// One line saying how to fix a finding.
    pub fix: &'static str,
}

/// Every rule, in the order of `docs/lint.md`.
pub const RULES: &[Rule] = &[
    Rule {
        id: "yaml-syntax",
        severity: Severity::Error,
        summary: "The file is not valid YAML (or not UTF-8 text).",
        fix: "Fix the YAML at the reported position.",
    },
    Rule {
        id: "schema",
        severity: Severity::Error,
        summary: "The document has the wrong shape: not a list of mappings, `version` missing or not a scalar, `can_be_upgraded_to` not a list, `deprecated` not a boolean, or `require_from_binary` of a wrong shape.",
        fix: "Write each entry as `- version: A.B.C.D` with the keys the format defines.",
    },
    Rule {
        id: "invalid-version",
        severity: Severity::Error,
        summary: "A version or a reference to one is not `A.B.C.D` or `A.B.C.D-BUILD` (or not SemVer, with the SemVer scheme).",
        fix: "Write the version as dot-separated decimal numbers, optionally followed by `-BUILD`.",
    },
    Rule {
        id: "duplicate-version",
        severity: Severity::Error,
        summary: "A version is declared by two entries; the finding points at the second and names the first.",
        fix: "Merge the two entries into one.",
    },
    Rule {
        id: "barrier-conditions-conflict",
        severity: Severity::Error,
        summary: "`require_from_binary` has both `when_come_from` and `when_upgraded_to`.",
        fix: "Keep one condition; split the barrier into two versions if both are needed.",
    },
    Rule {
        id: "too-large",
        severity: Severity::Error,
        summary: "The input exceeds one of the limits in `src/limits.rs` (size, nesting, nodes, versions, edges).",
        fix: "Split the file or remove what makes it this large.",
    },
    Rule {
        id: "self-edge",
        severity: Severity::Error,
        summary: "A version lists itself in `can_be_upgraded_to`.",
        fix: "Remove the version from its own `can_be_upgraded_to` list.",
    },
    Rule {
        id: "float-version",
        severity: Severity::Warning,
        summary: "An unquoted version that YAML 1.1/1.2 loaders type as a number (`4.10` is read as 4.1).",
        fix: "Quote the version: `'4.10'`.",
    },
    Rule {
        id: "unknown-key",
        severity: Severity::Warning,
        summary: "An entry has a key the format does not define and that is not a near misspelling of one (those are `misspelled-key`); the planner ignores it.",
        fix: "Fix the spelling or remove the key.",
    },
    Rule {
        id: "misspelled-key",
        severity: Severity::Error,
        summary: "A key one or two edits away from a key of the format (`requires_from_binary`, `can_be_upgrade_to`, `deprecate`, or `when_came_from` inside `require_from_binary`): the rule it meant to state is lost.",
        fix: "Write the key as the format spells it.",
    },
    Rule {
        id: "barrier-without-value",
        severity: Severity::Error,
        summary: "`require_from_binary` is a mapping without `value`: read as `value: false`, as OceanBase's tools read it, so the barrier and its condition are ignored.",
        fix: "Add `value: true` (or remove `require_from_binary`).",
    },
    Rule {
        id: "unknown-reference",
        severity: Severity::Warning,
        summary: "A `when_come_from` or `when_upgraded_to` entry names no version of the file, so it never matches.",
        fix: "Fix the version or remove it from the condition.",
    },
    Rule {
        id: "duplicate-edge",
        severity: Severity::Warning,
        summary: "A version lists the same upgrade target twice.",
        fix: "Remove the second occurrence.",
    },
    Rule {
        id: "downgrade-edge",
        severity: Severity::Warning,
        summary: "A version upgrades to a lower version.",
        fix: "Check the direction of the edge; upgrades go to newer versions.",
    },
    Rule {
        id: "cycle",
        severity: Severity::Warning,
        summary: "Versions that can upgrade back to themselves; the cycle is listed.",
        fix: "Remove the edge that closes the cycle (usually a downgrade).",
    },
    Rule {
        id: "dead-end",
        severity: Severity::Warning,
        summary: "A non-deprecated version from which the newest non-deprecated version cannot be reached.",
        fix: "Add an upgrade edge toward the newest version, or mark the version deprecated.",
    },
    Rule {
        id: "unreachable-barrier-condition",
        severity: Severity::Warning,
        summary: "A `when_come_from` entry from which no route ever reaches this barrier, so the condition never fires for it.",
        fix: "Remove the entry from `when_come_from`, or add the upgrade edges it assumes.",
    },
    Rule {
        id: "deprecated-only-route",
        severity: Severity::Warning,
        summary: "Every route from a version to the newest version passes through a deprecated version.",
        fix: "Add an upgrade edge that avoids the deprecated version, or un-deprecate it.",
    },
    Rule {
        id: "empty-condition",
        severity: Severity::Warning,
        summary: "`when_come_from: []` or `when_upgraded_to: []` is read as no condition (as OceanBase's tools read it): the binary is always required.",
        fix: "List the versions the condition is about, or write `require_from_binary: true`.",
    },
    Rule {
        id: "analysis-limit",
        severity: Severity::Note,
        summary: "A graph analysis was skipped because the graph is larger than its work limit.",
        fix: "Nothing to fix in the file; the other rules still ran.",
    },
    Rule {
        id: "implicit-node",
        severity: Severity::Note,
        summary: "A version appears only as an upgrade target and has no entry of its own.",
        fix: "Add `- version: X` if the version needs properties (deprecated, barrier, upgrades).",
    },
];

/// The rule with this id, if any.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// Lints an upgrade-dependency document given as text. `scheme: None` detects the version scheme.
///
/// Findings are sorted by position (findings about the whole file first), and every span lies
/// inside `src`.
pub fn lint(src: &str, scheme: Option<VersionScheme>) -> Vec<Diagnostic> {
    let parsed = Document::parse(src, scheme);
    let mut diags = parsed.diagnostics;
    let loader_errors = diags.iter().any(Diagnostic::is_error);
    if let Some(doc) = &parsed.document {
        entries::check(doc, &mut diags);
        if !loader_errors && let Ok(g) = DepGraph::from_document(doc) {
            graph::check(doc, &g, &mut diags);
        }
    }
    finish(src, &mut diags);
    diags
}

/// The last pass of every linter (dependency files and risks files): spans moved inside the
/// text, findings sorted by position (whole-file findings first), and at most
/// [`crate::limits::MAX_LINT_FINDINGS`] of them (a note says how many more there were).
pub(crate) fn finish(src: &str, diags: &mut Vec<Diagnostic>) {
    clamp_spans(src, diags);
    diags.sort_by(|a, b| {
        let key = |d: &Diagnostic| d.span.map(|s| (s.start.offset, s.end.offset));
        key(a).cmp(&key(b)).then(a.code.cmp(b.code))
    });
    let limit = crate::limits::MAX_LINT_FINDINGS;
    if diags.len() > limit {
        let dropped = diags.len() - limit;
        diags.truncate(limit);
        diags.push(Diagnostic::new(
            "analysis-limit",
            crate::diagnostic::Severity::Note,
            None,
            format!(
                "{dropped} more findings are not listed: a file reports at most {limit} findings"
            ),
        ).with_hint("fix the findings above and run lint again"));
    }
}

/// The findings for one file, with the text they point into.
#[derive(Debug, Clone)]
pub struct FileReport {
    /// The file name as given by the user (used in every output format).
    pub file: String,
    /// The file's text (empty when it could not be decoded).
    pub source: String,
    /// The findings, sorted by position.
    pub diagnostics: Vec<Diagnostic>,
}

impl FileReport {
    /// Lints text that came from `file`.
    pub fn from_source(
        file: impl Into<String>,
        source: String,
        scheme: Option<VersionScheme>,
    ) -> Self {
        let diagnostics = lint(&source, scheme);
        FileReport {
            file: file.into(),
            source,
            diagnostics,
        }
    }

    /// Reads and lints a file. A file too large or not UTF-8 is a report with that finding; only a
    /// file that cannot be read at all is an error.
    pub fn from_path(path: &Path, scheme: Option<VersionScheme>) -> Result<Self, std::io::Error> {
        let file = path.display().to_string();
        match depgraph::read_yaml_file(path) {
            Ok(source) => Ok(Self::from_source(file, source, scheme)),
            Err(LoadError::Io { source, .. }) => Err(source),
            Err(LoadError::Invalid { diagnostics, .. }) => Ok(FileReport {
                file,
                source: String::new(),
                diagnostics,
            }),
        }
    }

    /// How many findings have this severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }

    /// Whether some finding is at least as severe as `level`.
    pub fn reaches(&self, level: Severity) -> bool {
        self.diagnostics.iter().any(|d| d.severity >= level)
    }
}

/// Moves every span (and related span) inside the text: a position past the end of a line or of
/// the file (a YAML error "at end of input") is moved to the last character position that exists,
/// so that every renderer can show it and every consumer can trust it.
fn clamp_spans(src: &str, diags: &mut [Diagnostic]) {
    let mut lines = LineTable::new(src);
    let mut fix = |s: Span| -> Span {
        let start = lines.clamp(s.start);
        let end = lines.clamp(s.end).max(start);
        Span { start, end }
    };
    for d in diags {
        d.span = d.span.map(&mut fix);
        for r in &mut d.related {
            r.span = fix(r.span);
        }
    }
}

/// The lines of a source for [`clamp_spans`]: each line's start, text and length in characters,
/// computed once, and the character boundaries of a non-ASCII line computed the first time a span
/// falls on it. Every clamp is then O(1) (amortised): a one-line file with thousands of findings
/// must not rescan its line for each of them.
struct LineTable<'a> {
    /// `(start offset, text without the line break, length in characters)`.
    lines: Vec<(usize, &'a str, usize)>,
    /// Byte offset of every character of a non-ASCII line, by line index.
    boundaries: std::collections::HashMap<usize, Vec<usize>>,
}

impl<'a> LineTable<'a> {
    fn new(src: &'a str) -> Self {
        let mut lines = Vec::new();
        let mut offset = 0;
        for line in src.split_inclusive('\n') {
            let text = line.trim_end_matches(['\n', '\r']);
            lines.push((offset, text, text.chars().count()));
            offset += line.len();
        }
        if lines.is_empty() {
            lines.push((0, "", 0));
        }
        LineTable {
            lines,
            boundaries: std::collections::HashMap::new(),
        }
    }

    /// The nearest position that exists: past the end of a line or of the file, the end of it.
    fn clamp(&mut self, p: Position) -> Position {
        let line = p.line.clamp(1, self.lines.len());
        let (start, text, chars) = self.lines.get(line - 1).copied().unwrap_or((0, "", 0));
        let column = if line < p.line {
            chars + 1
        } else {
            p.column.clamp(1, chars + 1)
        };
        let within = if chars == text.len() {
            // ASCII: one byte per character.
            column - 1
        } else {
            let offsets = self
                .boundaries
                .entry(line)
                .or_insert_with(|| text.char_indices().map(|(i, _)| i).collect());
            offsets.get(column - 1).copied().unwrap_or(text.len())
        };
        Position {
            offset: start + within,
            line,
            column,
        }
    }
}

/// Text for a message: control characters escaped and long texts shortened, so that a message is
/// always one line.
pub(crate) fn shown(text: &str) -> String {
    const MAX: usize = 80;
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i == MAX {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// Entry point for fuzzing and corpus replay: lints arbitrary bytes (as UTF-8, lossily) with both
/// schemes and renders the findings in every format. Never panics.
pub fn fuzz_entry(data: &[u8]) {
    let src = String::from_utf8_lossy(data).into_owned();
    for scheme in [None, Some(VersionScheme::SemVer)] {
        let report = FileReport::from_source("fuzz.yml", src.clone(), scheme);
        let reports = [report];
        let _ = crate::render::lint::to_text(&reports);
        let _ = crate::render::lint::to_json(&reports, &[]);
        let _ = crate::render::lint::to_sarif(&reports, &[]);
        let _ = crate::render::lint::to_github(&reports);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(src: &str) -> Vec<(&'static str, usize, usize)> {
        lint(src, None)
            .iter()
            .map(|d| {
                let s = d.span.unwrap_or_default();
                (d.code, s.start.line, s.start.column)
            })
            .collect()
    }

    #[test]
    fn every_emitted_code_is_a_rule() {
        for src in [
            "- version: [4.1\n",
            "- version: 4.1\n  can_be_upgraded_to: [4.1, 4.0, 4.0]\n  typo: 1\n",
        ] {
            for d in lint(src, None) {
                assert!(rule(d.code).is_some(), "{} has no rule", d.code);
                assert_eq!(
                    rule(d.code).map(|r| r.severity),
                    Some(d.severity),
                    "{}",
                    d.code
                );
            }
        }
    }

    #[test]
    fn graph_rules_wait_for_loader_errors() {
        // A schema error: graph rules (dead-end here) do not run, entry rules do.
        let found = codes(
            "- version: 1.0.0.0\n  deprecated: maybe\n- version: 2.0.0.0\n  can_be_upgraded_to: [2.0.0.0]\n",
        );
        assert_eq!(found, [("schema", 2, 15), ("self-edge", 4, 24)]);
    }

    #[test]
    fn spans_are_clamped_into_the_file() {
        for d in lint("- version: \"4.1\n", None) {
            let s = d.span.unwrap();
            assert_eq!(s.start.line, 1, "{d}");
        }
    }

    #[test]
    fn clean_file_has_no_findings() {
        let src = "- version: 1.0.0.0\n  can_be_upgraded_to: [1.1.0.0]\n- version: 1.1.0.0\n";
        assert_eq!(codes(src), []);
    }

    #[test]
    fn shown_escapes_and_shortens() {
        assert_eq!(shown("a\nb"), "a\\nb");
        assert_eq!(shown(&"x".repeat(100)).chars().count(), 81);
    }
}
