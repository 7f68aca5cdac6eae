//! The error of an NPM metadata operation, with NetApp's error names and numbers.
//!
//! NetApp's ZAPI reports `software-extract-metadata` failures by name and number (`ENPMERXMETA`,
//! 13603, ...). Every [`NpmError`] carries that pair, a [`ErrorKind`] saying which rule failed (the
//! spec's "detail kind"), and where: the item name and, for the text form, the 1-based line.

use crate::diagnostic::{Diagnostic, Position, Span};
use serde::Serialize;
use std::fmt;
use thiserror::Error;

/// A NetApp ZAPI error name with its number (table 2.4 of the NPM metadata spec).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// `ENPMINVPLOC` (13600): the request's `package-location` is not a known location.
    InvalidLocation,
    /// `ENPMNOPKG` (13601): the named package was not found (only ever passed through from a server).
    NoPackage,
    /// `ENPMNOMETA` (13602): the package has no metadata at all.
    NoMetadata,
    /// `ENPMERXMETA` (13603): metadata is present but cannot be extracted or is invalid.
    BadMetadata,
    /// `EAPIMISSINGARGUMENT` (13006): a required request input is missing.
    MissingArgument,
    /// `EAPINOTIMPLEMENTED` (13007): the API is not available (server only).
    NotImplemented,
    /// `EINTERNALERROR` (13114): server internal error (server only).
    Internal,
    /// `EONTAPI_EAGAIN` (35): another extraction is running (server only).
    Again,
    /// `EONTAPI_EBUSY` (16): blocked by pending operations (server only).
    Busy,
    /// `EAPIERROR` (13001): NMSDK client-side failure (server only).
    ApiError,
    /// Any other errno a server reported (`ZAPI_ERRNO_<n>`; a missing errno is -1).
    Other(i64),
}

impl ErrorCode {
    /// The code for a server-reported errno.
    pub fn from_errno(errno: i64) -> ErrorCode {
        match errno {
            13600 => ErrorCode::InvalidLocation,
            13601 => ErrorCode::NoPackage,
            13602 => ErrorCode::NoMetadata,
            13603 => ErrorCode::BadMetadata,
            13006 => ErrorCode::MissingArgument,
            13007 => ErrorCode::NotImplemented,
            13114 => ErrorCode::Internal,
            35 => ErrorCode::Again,
            16 => ErrorCode::Busy,
            13001 => ErrorCode::ApiError,
            n => ErrorCode::Other(n),
        }
    }

    /// NetApp's number.
    pub fn errno(self) -> i64 {
        match self {
            ErrorCode::InvalidLocation => 13600,
            ErrorCode::NoPackage => 13601,
            ErrorCode::NoMetadata => 13602,
            ErrorCode::BadMetadata => 13603,
            ErrorCode::MissingArgument => 13006,
            ErrorCode::NotImplemented => 13007,
            ErrorCode::Internal => 13114,
            ErrorCode::Again => 35,
            ErrorCode::Busy => 16,
            ErrorCode::ApiError => 13001,
            ErrorCode::Other(n) => n,
        }
    }

    /// NetApp's name (`ZAPI_ERRNO_<n>` for numbers without a known name).
    pub fn name(self) -> String {
        let known = match self {
            ErrorCode::InvalidLocation => "ENPMINVPLOC",
            ErrorCode::NoPackage => "ENPMNOPKG",
            ErrorCode::NoMetadata => "ENPMNOMETA",
            ErrorCode::BadMetadata => "ENPMERXMETA",
            ErrorCode::MissingArgument => "EAPIMISSINGARGUMENT",
            ErrorCode::NotImplemented => "EAPINOTIMPLEMENTED",
            ErrorCode::Internal => "EINTERNALERROR",
            ErrorCode::Again => "EONTAPI_EAGAIN",
            ErrorCode::Busy => "EONTAPI_EBUSY",
            ErrorCode::ApiError => "EAPIERROR",
            ErrorCode::Other(n) => return format!("ZAPI_ERRNO_{n}"),
        };
        known.to_string()
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.name(), self.errno())
    }
}

impl Serialize for ErrorCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.name())
    }
}

/// Which rule failed: the spec's detail kind (section 6.1), written in kebab-case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorKind {
    /// Not UTF-8, a UTF-16/32 byte-order mark, or an XML declaration naming another encoding.
    Encoding,
    /// The input is larger than a limit in [`crate::limits`].
    TooLarge,
    /// The XML is not well-formed (truncated, mismatched tags, undefined entity, ...).
    XmlNotWellFormed,
    /// The XML has a DOCTYPE internal subset or an entity declaration.
    XmlForbiddenDtd,
    /// The XML elements do not have the ZAPI shape.
    Structure,
    /// The XML is a `results` element with a status other than `passed`.
    ServerError,
    /// A request lacks `package-location` (or `package-name` with `repository`).
    MissingArgument,
    /// A request names a `package-location` other than `repository` or `cf-pri-part`.
    InvalidLocation,
    /// A control character (other than TAB) in a line, name or value.
    ControlChar,
    /// A line (or XML name) that is not `NAME=VALUE` / `NAME: VALUE`.
    Syntax,
    /// No item at all.
    NoMetadata,
    /// An item name is given twice.
    DuplicateName,
    /// A required item is missing.
    MissingItem,
    /// An item in the wrong section for the package type.
    SectionViolation,
    /// A value that does not have its item's format.
    BadValue,
}

impl ErrorKind {
    /// The kebab-case name used in every output.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Encoding => "encoding",
            ErrorKind::TooLarge => "too-large",
            ErrorKind::XmlNotWellFormed => "xml-not-well-formed",
            ErrorKind::XmlForbiddenDtd => "xml-forbidden-dtd",
            ErrorKind::Structure => "structure",
            ErrorKind::ServerError => "server-error",
            ErrorKind::MissingArgument => "missing-argument",
            ErrorKind::InvalidLocation => "invalid-location",
            ErrorKind::ControlChar => "control-char",
            ErrorKind::Syntax => "syntax",
            ErrorKind::NoMetadata => "no-metadata",
            ErrorKind::DuplicateName => "duplicate-name",
            ErrorKind::MissingItem => "missing-item",
            ErrorKind::SectionViolation => "section-violation",
            ErrorKind::BadValue => "bad-value",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why NPM metadata could not be read or is invalid.
///
/// ```
/// use upgrade_planner::npm::{self, ErrorKind};
/// let err = npm::read(b"PKG_TYPE=Ontap\n").unwrap_err();
/// assert_eq!(err.code.name(), "ENPMERXMETA");
/// assert_eq!(err.code.errno(), 13603);
/// assert_eq!(err.kind, ErrorKind::MissingItem);
/// assert_eq!(err.item.as_deref(), Some("PKG_DTS"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{code} {kind}: {message}{}", location(self))]
pub struct NpmError {
    /// NetApp's error name and number.
    pub code: ErrorCode,
    /// Which rule failed.
    pub kind: ErrorKind,
    /// The item concerned, when there is one.
    pub item: Option<String>,
    /// Where: 1-based line (text form: the spec's `line`; XML: the line of the element), byte
    /// offset and character column in the input as given (a byte-order mark included).
    pub at: Option<Position>,
    /// What is wrong, in one line.
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
    /// The server's `reason` text, for `server-error`.
    pub reason: Option<String>,
}

fn location(e: &NpmError) -> String {
    match (&e.item, e.at) {
        (Some(item), Some(at)) => format!(" (item {item}, line {})", at.line),
        (Some(item), None) => format!(" (item {item})"),
        (None, Some(at)) => format!(" (line {})", at.line),
        (None, None) => String::new(),
    }
}

impl NpmError {
    /// An `ENPMERXMETA` error of the given kind.
    pub(crate) fn bad(kind: ErrorKind, message: impl Into<String>) -> NpmError {
        NpmError::new(ErrorCode::BadMetadata, kind, message)
    }

    /// An error with the given code and kind.
    pub(crate) fn new(code: ErrorCode, kind: ErrorKind, message: impl Into<String>) -> NpmError {
        NpmError {
            code,
            kind,
            item: None,
            at: None,
            message: message.into(),
            hint: None,
            reason: None,
        }
    }

    /// The same error about `item`.
    #[must_use]
    pub(crate) fn item(mut self, item: impl Into<String>) -> NpmError {
        self.item = Some(item.into());
        self
    }

    /// The same error at `at`.
    #[must_use]
    pub(crate) fn at(mut self, at: Option<Position>) -> NpmError {
        self.at = at;
        self
    }

    /// The same error with a hint.
    #[must_use]
    pub(crate) fn hint(mut self, hint: impl Into<String>) -> NpmError {
        self.hint = Some(hint.into());
        self
    }

    /// The 1-based line, when known.
    pub fn line(&self) -> Option<usize> {
        self.at.map(|p| p.line)
    }

    /// The error as a diagnostic (code `npm-<kind>`), for rendering with a source snippet.
    pub fn to_diagnostic(&self) -> Diagnostic {
        let mut d = Diagnostic::error(
            diagnostic_code(self.kind),
            self.at.map(Span::point),
            format!(
                "{} {}: {}",
                self.code.name(),
                self.code.errno(),
                self.message
            ),
        );
        if let Some(h) = &self.hint {
            d = d.with_hint(h.clone());
        }
        d
    }
}

fn diagnostic_code(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::Encoding => "npm-encoding",
        ErrorKind::TooLarge => "npm-too-large",
        ErrorKind::XmlNotWellFormed => "npm-xml-not-well-formed",
        ErrorKind::XmlForbiddenDtd => "npm-xml-forbidden-dtd",
        ErrorKind::Structure => "npm-structure",
        ErrorKind::ServerError => "npm-server-error",
        ErrorKind::MissingArgument => "npm-missing-argument",
        ErrorKind::InvalidLocation => "npm-invalid-location",
        ErrorKind::ControlChar => "npm-control-char",
        ErrorKind::Syntax => "npm-syntax",
        ErrorKind::NoMetadata => "npm-no-metadata",
        ErrorKind::DuplicateName => "npm-duplicate-name",
        ErrorKind::MissingItem => "npm-missing-item",
        ErrorKind::SectionViolation => "npm-section-violation",
        ErrorKind::BadValue => "npm-bad-value",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_numbers_round_trip() {
        for n in [
            13600, 13601, 13602, 13603, 13006, 13007, 13114, 35, 16, 13001,
        ] {
            let code = ErrorCode::from_errno(n);
            assert!(!matches!(code, ErrorCode::Other(_)), "{n}");
            assert_eq!(code.errno(), n);
        }
        assert_eq!(ErrorCode::from_errno(15698).name(), "ZAPI_ERRNO_15698");
        assert_eq!(ErrorCode::from_errno(-1).name(), "ZAPI_ERRNO_-1");
        assert_eq!(ErrorCode::BadMetadata.to_string(), "ENPMERXMETA (13603)");
    }
}
