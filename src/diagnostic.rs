//! Findings about an input: a stable kebab-case code, a severity, a span, a message and a hint.
//!
//! Diagnostics are data. The library never prints them; [`crate::render`] turns them into text,
//! JSON or other formats in one place.

use serde::Serialize;
use std::fmt;

/// A position in a text input. Lines and columns are 1-based; columns count characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
pub struct Position {
    /// Offset from the start of the input, in bytes.
    pub offset: usize,
    /// Line number, starting at 1.
    pub line: usize,
    /// Column number, starting at 1, counted in characters.
    pub column: usize,
}

/// A range of a text input, from `start` (inclusive) to `end` (exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
pub struct Span {
    /// First position covered.
    pub start: Position,
    /// First position after the range.
    pub end: Position,
}

impl Span {
    /// A span that covers a single position.
    pub fn point(at: Position) -> Self {
        Span { start: at, end: at }
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.start.line, self.start.column)
    }
}

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; never fails a check.
    Note,
    /// Probably a mistake; fails a check run with `--deny warning`.
    Warning,
    /// The input is invalid.
    Error,
}

impl Severity {
    /// The lowercase name used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A secondary location that helps explain a finding (for example the first of two duplicates).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Related {
    /// Where.
    pub span: Span,
    /// What is there.
    pub message: String,
}

/// One finding about an input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Stable kebab-case rule id, such as `duplicate-version`.
    pub code: &'static str,
    /// How serious it is.
    pub severity: Severity,
    /// Where in the input; `None` when the finding concerns the whole input.
    pub span: Option<Span>,
    /// One line saying what is wrong.
    pub message: String,
    /// What to do about it, when there is something useful to say.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// Other places that explain the finding.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Related>,
}

impl Diagnostic {
    /// A new finding with no hint and no related locations.
    pub fn new(
        code: &'static str,
        severity: Severity,
        span: Option<Span>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            code,
            severity,
            span,
            message: message.into(),
            hint: None,
            related: Vec::new(),
        }
    }

    /// An error-severity finding.
    pub fn error(code: &'static str, span: Option<Span>, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Error, span, message)
    }

    /// A warning-severity finding.
    pub fn warning(code: &'static str, span: Option<Span>, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Warning, span, message)
    }

    /// Adds a hint saying what to do.
    #[must_use]
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Adds a related location.
    #[must_use]
    pub fn with_related(mut self, span: Span, message: impl Into<String>) -> Self {
        self.related.push(Related {
            span,
            message: message.into(),
        });
        self
    }

    /// Whether this finding makes the input invalid.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(span) = self.span {
            write!(f, "{span}: ")?;
        }
        write!(f, "{} [{}]: {}", self.severity, self.code, self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, " (hint: {hint})")?;
        }
        Ok(())
    }
}

/// The first error of a list as one line, `file:line:column: message [code]`, and how many more
/// errors follow. Used by every loader's error message, so they all read the same.
pub fn first_error_line(
    file: Option<&std::path::Path>,
    diagnostics: &[Diagnostic],
) -> Option<(String, usize)> {
    let mut errors = diagnostics.iter().filter(|d| d.is_error());
    let d = errors.next()?;
    let mut out = String::new();
    if let Some(f) = file {
        out.push_str(&f.display().to_string());
        out.push(':');
    }
    if let Some(span) = d.span {
        out.push_str(&format!("{}:{}: ", span.start.line, span.start.column));
    } else if file.is_some() {
        out.push(' ');
    }
    out.push_str(&format!("{} [{}]", d.message, d.code));
    Some((out, errors.count()))
}

/// ` (and N more errors…)` with the right plural, or nothing when `more` is 0.
pub fn more_errors_suffix(more: usize, advice: &str) -> String {
    match more {
        0 => String::new(),
        1 => format!(" (and 1 more error{advice})"),
        n => format!(" (and {n} more errors{advice})"),
    }
}
