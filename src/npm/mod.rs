//! NetApp Package Manager (NPM) package metadata, as returned by the ZAPI call
//! `software-extract-metadata` (Data ONTAP 7G / 7-Mode) or dumped as text.
//!
//! The format is described in `docs/npm.md` (after the project's shared spec
//! `shared/formats/npm-metadata.md`). Two input forms carry the same ordered list of
//! name/value items:
//!
//! * the text dump form, `NAME=VALUE` or `NAME: VALUE` per line ([`parse_text`], a `nom` parser);
//! * the ZAPI XML form: a `<netapp>` envelope or a bare `<results>` holding
//!   `npm-metadata`/`npm-meta-elem-info`/`npm-meta-name`/`npm-meta-value` ([`parse_xml`],
//!   `quick-xml`, no DTD and no entities beyond the five predefined ones and character references).
//!
//! [`read`] detects the form, parses and validates, and returns a [`Package`]: the items in file
//! order, their split values, a typed view and warnings. Failures are [`NpmError`]s carrying NetApp's
//! error name and number (`ENPMERXMETA` 13603 with a detail kind, `ENPMNOMETA` 13602, ...), the item
//! and the line. [`release`] parses and orders ONTAP releases, [`check`](mod@check) compares an
//! installed system with a package, and [`plan`](mod@plan) places releases in an upgrade graph.
//!
//! ```
//! use upgrade_planner::npm;
//! let pkg = npm::read(
//!     b"PKG_TYPE=DataOntap\nPKG_DTS=Thu Oct 15 11:55:39 2009 GMT\nCPU_ARCH=pc\n\
//!       ONTAP_RLS=NetApp Release 7.3.2: Thu Oct 15 04:17:39 PDT 2009\nFILESYS_VER=21\nNVLOG_VER=7\n",
//! )?;
//! assert_eq!(pkg.package_type, npm::PackageType::DataOntap);
//! let rls = pkg.typed.ontap_rls.as_ref().unwrap();
//! assert_eq!(rls.release.to_string(), "7.3.2");
//! assert_eq!(pkg.typed.filesys_ver, Some(vec![21]));
//! # Ok::<(), npm::NpmError>(())
//! ```

// An `NpmError` (about 150 bytes) is returned at most once per parse, on the cold path; boxing it
// would make every caller's matching clumsier for no measurable gain.
#![allow(clippy::result_large_err)]

pub mod check;
pub mod error;
pub mod model;
pub mod plan;
pub mod release;
pub mod text;
pub mod write;
pub mod xml;

pub use check::{CheckReport, Verdict, check};
pub use error::{ErrorCode, ErrorKind, NpmError};
pub use model::{Package, PackageType, Typed, validate};
pub use plan::{NpmPlan, NpmPlanError, plan_between};
pub use release::OntapRelease;

use crate::diagnostic::{Diagnostic, Span};
use crate::limits;
use serde::Serialize;

/// The schema id of `upgrade-planner npm FILE --format json`.
pub const NPM_SCHEMA: &str = "upgrade-planner/npm/v1";
/// The schema id of `upgrade-planner npm check --format json`.
pub const NPM_CHECK_SCHEMA: &str = "upgrade-planner/npm-check/v1";

/// The multi-value separator (spec 5.4: "a single punctuation mark"; the spec proposes `,`).
pub const MULTI_VALUE_SEPARATOR: char = ',';

/// Which form an input was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Form {
    /// The `NAME=VALUE` text dump.
    Text,
    /// A ZAPI response (`<netapp><results>` or a bare `<results>`).
    XmlResponse,
    /// A ZAPI `software-extract-metadata` request.
    XmlRequest,
}

impl Form {
    /// The kebab-case name used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Form::Text => "text",
            Form::XmlResponse => "xml-response",
            Form::XmlRequest => "xml-request",
        }
    }
}

/// One metadata item as written: its name, its raw value (trimmed), and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// The name, case-sensitive (`PKG_TYPE`, or any unknown name).
    pub name: String,
    /// The raw value, surrounding blanks removed (may be empty).
    pub value: String,
    /// From the start of the name to the end of the value (XML: the `npm-meta-elem-info` tag).
    pub span: Span,
    /// Where the value starts (XML: the `npm-meta-value` tag).
    pub value_at: crate::diagnostic::Position,
}

/// The items of one input, in order, before validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawMetadata {
    /// The form they were read from.
    pub form: Form,
    /// Every item, in input order, unknown names included.
    pub items: Vec<Item>,
    /// Warnings found while reading (`unknown-item`, `ignored-element`).
    pub findings: Vec<Diagnostic>,
}

/// A `software-extract-metadata` request (the XML request form).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Request {
    /// `repository` or `cf-pri-part`.
    pub package_location: String,
    /// The package file name (used with `repository`).
    pub package_name: Option<String>,
    /// Warnings (`package-name-ignored`, `ignored-element`).
    #[serde(skip)]
    pub findings: Vec<Diagnostic>,
}

/// What an input holds once read and validated.
#[derive(Debug, Clone, PartialEq)]
pub enum Document {
    /// Valid package metadata.
    Package(Box<Package>),
    /// A valid `software-extract-metadata` request.
    Request(Request),
}

/// The known items (spec 5.3), with their section and whether they hold several values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KnownItem {
    /// `PKG_TYPE`: `DataOntap` or `Service`.
    PkgType,
    /// `PKG_DTS`: build date, `Day Mmm dd hh:mm:ss yyyy GMT`.
    PkgDts,
    /// `CPU_ARCH`: `pc`, `mips`.
    CpuArch,
    /// `ONTAP_RLS`: `NetApp Release version: stamp`.
    OntapRls,
    /// `FILESYS_VER`: on-disk file system version (integer).
    FilesysVer,
    /// `NVLOG_VER`: NVRAM log version (integer).
    NvlogVer,
    /// `DIAG_VER`: `Diagnostic Monitor vVERSION`.
    DiagVer,
    /// `DIAG_RLS`: `NetApp Release Diagnostic_VERSION: stamp`.
    DiagRls,
    /// `CFE_VER`: `CFE-p.q.r`.
    CfeVer,
    /// `OFW_VER`: `m.n`.
    OfwVer,
}

/// Which part of the metadata an item belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Section {
    /// In every package.
    Common,
    /// Only in DataOntap packages.
    Ontap,
    /// Only in Service packages (diagnostics).
    Diagnostics,
    /// Only in Service packages (firmware).
    Firmware,
}

impl KnownItem {
    /// Every known item, in the spec's order.
    pub const ALL: [KnownItem; 10] = [
        KnownItem::PkgType,
        KnownItem::PkgDts,
        KnownItem::CpuArch,
        KnownItem::OntapRls,
        KnownItem::FilesysVer,
        KnownItem::NvlogVer,
        KnownItem::DiagVer,
        KnownItem::DiagRls,
        KnownItem::CfeVer,
        KnownItem::OfwVer,
    ];

    /// The item for a name, if it is known (names are case-sensitive).
    pub fn from_name(name: &str) -> Option<KnownItem> {
        KnownItem::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The item's name.
    pub fn name(self) -> &'static str {
        match self {
            KnownItem::PkgType => "PKG_TYPE",
            KnownItem::PkgDts => "PKG_DTS",
            KnownItem::CpuArch => "CPU_ARCH",
            KnownItem::OntapRls => "ONTAP_RLS",
            KnownItem::FilesysVer => "FILESYS_VER",
            KnownItem::NvlogVer => "NVLOG_VER",
            KnownItem::DiagVer => "DIAG_VER",
            KnownItem::DiagRls => "DIAG_RLS",
            KnownItem::CfeVer => "CFE_VER",
            KnownItem::OfwVer => "OFW_VER",
        }
    }

    /// The item's section.
    pub fn section(self) -> Section {
        match self {
            KnownItem::PkgType | KnownItem::PkgDts | KnownItem::CpuArch => Section::Common,
            KnownItem::OntapRls | KnownItem::FilesysVer | KnownItem::NvlogVer => Section::Ontap,
            KnownItem::DiagVer | KnownItem::DiagRls => Section::Diagnostics,
            KnownItem::CfeVer | KnownItem::OfwVer => Section::Firmware,
        }
    }

    /// Whether the value may hold several values separated by [`MULTI_VALUE_SEPARATOR`].
    pub fn is_multi(self) -> bool {
        !matches!(
            self,
            KnownItem::PkgType | KnownItem::PkgDts | KnownItem::OntapRls
        )
    }
}

/// Splits a raw value the way the validator does: multi-valued known items on
/// [`MULTI_VALUE_SEPARATOR`], each part stripped of spaces and tabs; every other item is one value.
///
/// ```
/// assert_eq!(upgrade_planner::npm::split_values("CFE_VER", "CFE-3.1.0, CFE-1.6.0"), ["CFE-3.1.0", "CFE-1.6.0"]);
/// assert_eq!(upgrade_planner::npm::split_values("PKG_NOTE", "a, b"), ["a, b"]);
/// ```
pub fn split_values<'a>(name: &str, value: &'a str) -> Vec<&'a str> {
    match KnownItem::from_name(name) {
        Some(k) if k.is_multi() => value
            .split(MULTI_VALUE_SEPARATOR)
            .map(|p| p.trim_matches([' ', '\t']))
            .collect(),
        _ => vec![value],
    }
}

/// Which form an input looks like: XML when its first non-blank character (after an optional
/// UTF-8 byte-order mark) is `<`, text otherwise. No valid text line can start with `<`.
pub fn detect_form(input: &[u8]) -> Form {
    let body = input.strip_prefix(text::BOM).unwrap_or(input);
    match body
        .iter()
        .find(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
    {
        Some(b'<') => Form::XmlResponse,
        _ => Form::Text,
    }
}

/// Parses the text form into items, without validating them (see [`text::parse`]).
/// Linear in the input size; suitable for benchmarks.
pub fn parse_text(input: &[u8]) -> Result<RawMetadata, NpmError> {
    text::parse(input)
}

/// Parses the XML form into items or a request, without validating the items (see [`xml::parse`]).
/// Linear in the input size; suitable for benchmarks.
pub fn parse_xml(input: &[u8]) -> Result<xml::XmlDocument, NpmError> {
    xml::parse(input)
}

/// Reads any input: detects the form, parses, and validates metadata.
pub fn read_document(input: &[u8]) -> Result<Document, NpmError> {
    let raw = match detect_form(input) {
        Form::Text => parse_text(input)?,
        _ => match parse_xml(input)? {
            xml::XmlDocument::Metadata(raw) => raw,
            xml::XmlDocument::Request(r) => return Ok(Document::Request(r)),
        },
    };
    validate(raw).map(|p| Document::Package(Box::new(p)))
}

/// Reads package metadata (text or XML response) and validates it. A request document is refused
/// (`ENPMERXMETA`, `structure`): it holds no metadata.
pub fn read(input: &[u8]) -> Result<Package, NpmError> {
    match read_document(input)? {
        Document::Package(p) => Ok(*p),
        Document::Request(_) => Err(NpmError::bad(
            ErrorKind::Structure,
            "this is a software-extract-metadata request, not package metadata",
        )
        .hint("give the response (or the text dump) of the package's metadata")),
    }
}

/// Entry point for fuzzing and corpus replay of the text form: parses and validates `data`
/// (whatever it holds) and renders the result; never panics.
pub fn fuzz_text(data: &[u8]) {
    if let Ok(raw) = parse_text(data) {
        let _ = write::to_text(&raw.items);
        let _ = validate(raw);
    }
}

/// Entry point for fuzzing and corpus replay of the XML form: parses and validates `data`
/// (whatever it holds) and renders the result; never panics.
pub fn fuzz_xml(data: &[u8]) {
    if let Ok(xml::XmlDocument::Metadata(raw)) = parse_xml(data) {
        let _ = write::to_xml(&raw.items);
        let _ = validate(raw);
    }
}

/// Refuses inputs larger than [`limits::MAX_NPM_BYTES`].
pub(crate) fn check_size(input: &[u8]) -> Result<(), NpmError> {
    if input.len() > limits::MAX_NPM_BYTES {
        return Err(NpmError::bad(
            ErrorKind::TooLarge,
            format!(
                "the input is {} bytes, more than the limit of {} bytes",
                input.len(),
                limits::MAX_NPM_BYTES
            ),
        )
        .hint("real NPM metadata is well under a kilobyte; check that this is the right file"));
    }
    Ok(())
}

/// One `unknown-item` warning per unknown name (capped at [`limits::MAX_NPM_FINDINGS`]).
pub(crate) fn unknown_item_warnings(items: &[Item]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for item in items {
        if KnownItem::from_name(&item.name).is_none() {
            push_finding(
                &mut out,
                Diagnostic::warning(
                    "unknown-item",
                    Some(item.span),
                    format!("unknown item `{}` is kept as is", item.name),
                ),
            );
        }
    }
    out
}

/// Adds a finding unless the cap is reached; the first one over the cap is replaced by a note.
pub(crate) fn push_finding(out: &mut Vec<Diagnostic>, d: Diagnostic) {
    use std::cmp::Ordering;
    match out.len().cmp(&limits::MAX_NPM_FINDINGS) {
        Ordering::Less => out.push(d),
        Ordering::Equal => out.push(Diagnostic::new(
            "findings-truncated",
            crate::diagnostic::Severity::Note,
            None,
            format!(
                "more than {} findings; the rest are not listed",
                limits::MAX_NPM_FINDINGS
            ),
        )),
        Ordering::Greater => {}
    }
}
