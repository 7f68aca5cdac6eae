//! The `npm` and `npm check` documents (`upgrade-planner/npm/v1`, `upgrade-planner/npm-check/v1`).

use super::{Exit, Failure, Source};
use crate::limits::MAX_NPM_BYTES;
use crate::npm::{self, Document, ErrorKind, NPM_CHECK_SCHEMA, NPM_SCHEMA, NpmError, Package};
use crate::render;
use serde::Serialize;
use serde_json::json;

/// Reads NPM metadata within the limit (one byte more, so the reader can name the limit).
pub fn read_bytes(source: &Source) -> std::io::Result<Vec<u8>> {
    match source {
        Source::Path(p) => crate::input::read_limited(p, MAX_NPM_BYTES),
        Source::Text { text, .. } => Ok(text.as_bytes().to_vec()),
    }
}

fn unreadable(schema: &str, source: &Source, e: &std::io::Error) -> Failure {
    let file = source.name();
    Failure::new(
        schema,
        "unreadable",
        format!("cannot read {file}: {e}"),
        Some(json!({ "file": file })),
        Exit::Input,
    )
}

/// Valid metadata, or a valid `software-extract-metadata` request: the `npm FILE` document.
#[derive(Debug, Clone)]
pub struct NpmAnswer {
    /// The file as given.
    pub name: String,
    /// The input as text (for quoting lines).
    pub source: String,
    /// What it holds.
    pub document: Document,
}

impl Serialize for NpmAnswer {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match &self.document {
            Document::Package(p) => render::npm::package_to_json(&self.name, p).serialize(s),
            Document::Request(r) => render::npm::request_to_json(&self.name, r).serialize(s),
        }
    }
}

impl NpmAnswer {
    /// The text output of `npm FILE`.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = self.write_text(&mut out);
        out
    }

    /// [`NpmAnswer::to_text`], written to `out` as it is produced (the item table of a large
    /// input row by row).
    pub fn write_text(&self, out: &mut dyn std::fmt::Write) -> std::fmt::Result {
        match &self.document {
            Document::Package(p) => {
                render::npm::write_package_text(out, &self.name, &self.source, p)
            }
            Document::Request(r) => {
                out.write_str(&render::npm::request_to_text(&self.name, &self.source, r))
            }
        }
    }
}

/// Reads and validates NetApp NPM metadata (`npm FILE`). Invalid metadata is a failure with the
/// `npm/v1` error document (exit 1; larger than the limit: exit 2).
pub fn npm(source: &Source) -> Result<NpmAnswer, Failure> {
    let name = source.name();
    let bytes = read_bytes(source).map_err(|e| unreadable(NPM_SCHEMA, source, &e))?;
    // The text is kept for quoting lines: UTF-8 input becomes it without a copy (a 40 MB input
    // held twice would pass the reader's memory bound); other input keeps its bytes for the
    // reader, which names where the encoding breaks.
    let (raw, src) = match String::from_utf8(bytes) {
        Ok(text) => (None, text),
        Err(e) => {
            let raw = e.into_bytes();
            let text = String::from_utf8_lossy(&raw).into_owned();
            (Some(raw), text)
        }
    };
    match npm::read_document(raw.as_deref().unwrap_or(src.as_bytes())) {
        Ok(document) => Ok(NpmAnswer {
            name,
            source: src,
            document,
        }),
        Err(e) => {
            let exit = if e.kind == ErrorKind::TooLarge {
                Exit::Input
            } else {
                Exit::Refused
            };
            Err(Failure {
                kind: e.kind.as_str().to_string(),
                message: e.to_string(),
                exit,
                document: Box::new(render::npm::error_to_json(&name, &e)),
                text: Some(render::npm::error_to_text(&name, &src, &e)),
            })
        }
    }
}

/// Reads and validates one side of a check; a failure is exit 2 (a check cannot run on invalid
/// input).
fn load_side(source: &Source, role: &str) -> Result<Package, Failure> {
    let name = source.name();
    let bytes = read_bytes(source).map_err(|e| unreadable(NPM_CHECK_SCHEMA, source, &e))?;
    npm::read(&bytes).map_err(|e: NpmError| {
        let mut error = render::npm::error_json(&e);
        if let Some(obj) = error.as_object_mut() {
            obj.insert("file".into(), name.clone().into());
            obj.insert("role".into(), role.into());
        }
        let text = format!(
            "error: the {role} metadata is invalid\n{}",
            render::npm::error_to_text(&name, &String::from_utf8_lossy(&bytes), &e)
        );
        Failure {
            kind: e.kind.as_str().to_string(),
            message: e.to_string(),
            exit: Exit::Input,
            document: Box::new(json!({"schema": NPM_CHECK_SCHEMA, "error": error})),
            text: Some(text),
        }
    })
}

/// Whether package B is an acceptable upgrade for the system A describes: the `npm check`
/// document.
#[derive(Debug, Clone)]
pub struct NpmCheckAnswer {
    /// The installed system's metadata file, and its metadata.
    pub installed: (String, Package),
    /// The package's metadata file, and its metadata.
    pub package: (String, Package),
    /// The verdict and findings.
    pub report: npm::CheckReport,
}

impl Serialize for NpmCheckAnswer {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (an, a) = &self.installed;
        let (bn, b) = &self.package;
        render::npm::check_to_json((an, a), (bn, b), &self.report).serialize(s)
    }
}

impl NpmCheckAnswer {
    /// The text output of `npm check`.
    pub fn to_text(&self) -> String {
        let (an, a) = &self.installed;
        let (bn, b) = &self.package;
        render::npm::check_to_text((an, a), (bn, b), &self.report)
    }

    /// [`Exit::Ok`] for an acceptable upgrade, else [`Exit::Refused`].
    pub fn exit(&self) -> Exit {
        if self.report.acceptable() {
            Exit::Ok
        } else {
            Exit::Refused
        }
    }
}

/// `npm check --installed A --package B`.
pub fn npm_check(installed: &Source, package: &Source) -> Result<NpmCheckAnswer, Failure> {
    let a = load_side(installed, "installed")?;
    let b = load_side(package, "package")?;
    let report = npm::check(&a, &b);
    Ok(NpmCheckAnswer {
        installed: (installed.name(), a),
        package: (package.name(), b),
        report,
    })
}
