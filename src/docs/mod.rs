//! One document per answer: every JSON document the command line writes (plan, targets, lint,
//! diff, graph, package, extract, npm, npm-check, rollout, requests, and every error object) is
//! built here, so the CLI, Rust callers and the Python package (`python/`) get the same bytes.
//! The known-risk options (`--risks`, `--facts`, `--accept-risk`) are read by [`risks`].
//!
//! Each command has a function that reads its inputs and returns a typed answer whose
//! serialisation is the command's `--format json` document, or a [`Failure`]: the error document
//! (`{"schema", "error": {"kind", "message", ...details}}`) with the exit code the CLI uses. The
//! CLI renders text and Markdown from the same typed answers (`crate::render`).
//!
//! ```
//! use upgrade_planner::docs::{self, PlanQuery, Source};
//! let query = PlanQuery::new(Source::path("data/seed-oceanbase-ce-4.2.1.1.yml"), "4.0.0.0");
//! let answer = docs::plan::plan(&query).unwrap();
//! let json = serde_json::to_value(&answer).unwrap();
//! assert_eq!(json["to"], "4.3.0.0");
//! assert_eq!(json["to_match"], "latest");
//! # let failure = docs::plan::plan(&PlanQuery::new(Source::path("data/seed-oceanbase-ce-4.2.1.1.yml"), "9.9")).unwrap_err();
//! # assert_eq!((failure.kind.as_str(), failure.exit), ("unknown_start", docs::Exit::Refused));
//! ```

pub mod graph;
pub mod lint;
pub mod npm;
pub mod plan;
pub mod risks;
pub mod rollout;
pub mod rpm;

pub use plan::PlanQuery;

use crate::depgraph::{DepGraph, LoadError};
use crate::version::VersionScheme;
use serde_json::{Map, Value, json};
use std::path::{Path, PathBuf};

/// The exit code class of an answer: what the CLI exits with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Exit {
    /// 0: the command answered.
    Ok,
    /// 1: the command ran and refused, or found problems.
    Refused,
    /// 2: usage error, or unreadable or invalid input.
    Input,
}

impl Exit {
    /// The process exit code: 0, 1 or 2.
    pub fn code(self) -> u8 {
        match self {
            Exit::Ok => 0,
            Exit::Refused => 1,
            Exit::Input => 2,
        }
    }
}

/// A command that could not answer: its JSON error document and its exit code.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// The stable snake_case kind (`unknown_start`, `invalid_document`, `digest_mismatch`, ...).
    pub kind: String,
    /// The one-line message (`error: MESSAGE` in text output).
    pub message: String,
    /// [`Exit::Refused`] or [`Exit::Input`].
    pub exit: Exit,
    /// The whole JSON document: `{"schema", "error": {"kind", "message", ...}}` (some commands add
    /// top-level fields, such as `file` for `npm`). Boxed: every answer is `Result<_, Failure>`,
    /// and the error path should not make the answer large.
    pub document: Box<Value>,
    /// What text output writes on stderr instead of `error: MESSAGE`, when it says more (the
    /// missing packages of a rollout, the quoted line of invalid NPM metadata).
    pub text: Option<String>,
}

impl Failure {
    /// The usual error document: `{"schema": schema, "error": {"kind", "message", ...details}}`
    /// (`details` must be a JSON object; its keys never replace `kind` or `message`).
    pub fn new(
        schema: &str,
        kind: &str,
        message: impl Into<String>,
        details: Option<Value>,
        exit: Exit,
    ) -> Failure {
        let message = message.into();
        let mut error = json!({"kind": kind, "message": message});
        if let (Some(obj), Some(Value::Object(extra))) = (error.as_object_mut(), details) {
            for (k, v) in extra {
                obj.entry(k).or_insert(v);
            }
        }
        Failure {
            kind: kind.to_string(),
            message,
            exit,
            document: Box::new(json!({"schema": schema, "error": error})),
            text: None,
        }
    }

    /// A usage error (kind `usage`, exit 2).
    pub fn usage(schema: &str, message: impl Into<String>) -> Failure {
        Failure::new(schema, "usage", message, None, Exit::Input)
    }

    /// The same failure with what text output writes instead of `error: MESSAGE`.
    #[must_use]
    pub fn with_text(mut self, text: impl Into<String>) -> Failure {
        self.text = Some(text.into());
        self
    }

    /// The `error` object of the document (kind, message and the details).
    pub fn error(&self) -> &Map<String, Value> {
        static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
        self.document
            .get("error")
            .and_then(Value::as_object)
            .unwrap_or_else(|| EMPTY.get_or_init(Map::new))
    }

    /// The schema of the document.
    pub fn schema(&self) -> &str {
        self.document
            .get("schema")
            .and_then(Value::as_str)
            .unwrap_or("")
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

impl serde::Serialize for Failure {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.document.serialize(s)
    }
}

/// Where an input comes from: a file (`-` is standard input), or text held in memory (the Python
/// package accepts a dependency file or an inventory as text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A file, named as given; `-` reads standard input.
    Path(PathBuf),
    /// The content itself. `name` stands for the file in messages and documents (empty: none).
    Text {
        /// The label used where a file name would be.
        name: String,
        /// The content.
        text: String,
    },
}

impl Source {
    /// A file (`-`: standard input).
    pub fn path(path: impl Into<PathBuf>) -> Source {
        Source::Path(path.into())
    }

    /// Text held in memory, with no file name.
    pub fn text(text: impl Into<String>) -> Source {
        Source::Text {
            name: String::new(),
            text: text.into(),
        }
    }

    /// The name used in messages and documents: the path as given, or the text's label.
    pub fn name(&self) -> String {
        match self {
            Source::Path(p) => p.display().to_string(),
            Source::Text { name, .. } => name.clone(),
        }
    }

    /// The path, when the input is a file.
    pub fn as_path(&self) -> Option<&Path> {
        match self {
            Source::Path(p) => Some(p),
            Source::Text { .. } => None,
        }
    }
}

/// Loads a dependency document; a failure is `invalid_document` (exit 2) with every diagnostic in
/// the details. Shared by every command that reads a dependency file.
pub fn load_graph(
    source: &Source,
    scheme: Option<VersionScheme>,
    schema: &str,
) -> Result<DepGraph, Failure> {
    let loaded = match source {
        Source::Path(p) => DepGraph::from_path(p, scheme),
        Source::Text { text, .. } => DepGraph::from_yaml_str_with(text, scheme),
    };
    loaded.map_err(|e| load_failure(schema, &e))
}

/// The failure of a dependency file that cannot be loaded: kind `invalid_document`, exit 2, with
/// every diagnostic in the details.
pub fn load_failure(schema: &str, e: &LoadError) -> Failure {
    let details = match e {
        LoadError::Invalid { file, diagnostics } => {
            Some(diagnostics_details(file.as_deref(), diagnostics))
        }
        LoadError::Io { .. } => None,
    };
    Failure::new(
        schema,
        "invalid_document",
        e.to_string(),
        details,
        Exit::Input,
    )
}

/// The `diagnostics` details of an invalid input: every finding as JSON (`code`, `severity`, `file`,
/// `line`, `column`, `message`, ...).
pub fn diagnostics_details(file: Option<&Path>, diagnostics: &[crate::Diagnostic]) -> Value {
    let file = file.map(|f| f.display().to_string()).unwrap_or_default();
    json!({
        "diagnostics": diagnostics
            .iter()
            .map(|d| crate::render::diagnostics::to_json(&file, d))
            .collect::<Vec<_>>()
    })
}
