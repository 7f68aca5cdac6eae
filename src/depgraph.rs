//! The upgrade-dependency document (OceanBase's `oceanbase_upgrade_dep.yml` format) and the graph
//! built from it.
//!
//! Two layers:
//! * [`Document`]: the file as written, every value with its span, for diagnostics and `lint`.
//! * [`DepGraph`]: the validated directed graph (petgraph) the planner walks.
//!
//! The format is documented in the README ("The upgrade-dependency format").

use crate::diagnostic::{Diagnostic, Span};
use crate::limits;
use crate::planner::search::RouteIndex;
use crate::version::{Version, VersionKey, VersionScheme};
use crate::yaml::{self, Node, Scalar, ScalarStyle, Value};
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};

mod direct;
pub(crate) use direct::check_direct_load;
use thiserror::Error;

/// The keys an entry may have. Anything else is ignored by the planner (and flagged by `lint`).
pub const KNOWN_KEYS: [&str; 4] = [
    "version",
    "can_be_upgraded_to",
    "deprecated",
    "require_from_binary",
];

/// The keys of a `require_from_binary` mapping.
pub const BARRIER_KEYS: [&str; 3] = ["value", "when_come_from", "when_upgraded_to"];

/// The known key that `key` is a misspelling of, if any: within a small edit distance (one edit
/// for keys of up to seven characters, two for longer ones; letter case ignored), so that
/// `requires_from_binary`, `can_be_upgrade_to`, `when_came_from` or `deprecate` are recognised
/// while unrelated keys are not.
pub fn misspelling_of(key: &str, known: &[&'static str]) -> Option<&'static str> {
    if key.chars().count() < 3 || known.contains(&key) {
        return None;
    }
    let lower = key.to_lowercase();
    known
        .iter()
        .map(|&k| (strsim::damerau_levenshtein(&lower, k), k))
        .filter(|&(d, k)| d <= if k.len() >= 8 { 2 } else { 1 })
        .min_by_key(|&(d, _)| d)
        .map(|(_, k)| k)
}

/// A version as written in the document: its text, where it is, and how it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceVersion {
    /// The scalar's text, exactly as written (after YAML unquoting).
    pub text: String,
    /// Where the scalar is.
    pub span: Span,
    /// How it was written (plain scalars may be typed as numbers by other YAML loaders).
    pub style: ScalarStyle,
    /// Whether a YAML 1.1/1.2 loader would read this scalar as a number (`4.10`, `4.0`).
    pub number_like: bool,
}

/// When a barrier version requires the binary to be installed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition<V> {
    /// Whenever the version is passed through.
    Always,
    /// Only when the last binary stop (or the start) is one of these versions.
    /// An empty list means no condition.
    ComeFrom(Vec<V>),
    /// Only when the route's target is one of these versions. An empty list means no condition.
    UpgradedTo(Vec<V>),
}

impl<V> Condition<V> {
    /// The condition list, whichever kind it is (empty for [`Condition::Always`]).
    pub fn versions(&self) -> &[V] {
        match self {
            Condition::Always => &[],
            Condition::ComeFrom(v) | Condition::UpgradedTo(v) => v,
        }
    }
}

/// The `require_from_binary` value of an entry, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequireFromBinary {
    /// The boolean (`value:` in the mapping form).
    pub value: bool,
    /// The condition, if any.
    pub condition: Condition<SourceVersion>,
    /// Where the `require_from_binary` value is.
    pub span: Span,
    /// Span of the condition list, when one is written.
    pub condition_span: Option<Span>,
    /// Whether the boolean is written (`false` only for a mapping without `value`, which is read
    /// as false).
    pub value_written: bool,
}

/// One entry of the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The `version` value.
    pub version: SourceVersion,
    /// The span of the whole entry.
    pub span: Span,
    /// The `can_be_upgraded_to` list, in order, duplicates kept.
    pub upgrades_to: Vec<SourceVersion>,
    /// The `deprecated` flag (false when absent or null).
    pub deprecated: bool,
    /// Where the `deprecated` value is, when written.
    pub deprecated_span: Option<Span>,
    /// The `require_from_binary` value, when written and not null.
    pub require_from_binary: Option<RequireFromBinary>,
    /// Keys the format does not define, with their spans.
    pub unknown_keys: Vec<(String, Span)>,
}

/// The upgrade-dependency document as written, with a span on every value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// The entries, in file order.
    pub entries: Vec<Entry>,
    /// The version scheme used to read the versions.
    pub scheme: VersionScheme,
}

/// The result of reading a document: what could be read, and every problem found.
#[derive(Debug, Clone)]
pub struct ParsedDocument {
    /// The document, unless the YAML itself could not be read.
    pub document: Option<Document>,
    /// Problems found while reading; any error-severity one makes the document invalid.
    pub diagnostics: Vec<Diagnostic>,
}

impl Document {
    /// Reads a document, collecting every problem rather than stopping at the first.
    /// `scheme: None` detects the scheme from the versions (see [`VersionScheme::detect`]).
    pub fn parse(src: &str, scheme: Option<VersionScheme>) -> ParsedDocument {
        let mut diags = Vec::new();
        let root = match yaml::parse(src) {
            Ok(root) => root,
            Err(e) => {
                let code = match e.kind {
                    yaml::YamlErrorKind::Syntax
                    | yaml::YamlErrorKind::MultipleDocuments
                    | yaml::YamlErrorKind::UnknownAnchor => "yaml-syntax",
                    _ => "too-large",
                };
                diags.push(
                    Diagnostic::error(code, e.position.map(Span::point), e.message)
                        .with_hint("fix the YAML at this position; `upgrade-planner lint FILE` checks the whole file"),
                );
                return ParsedDocument {
                    document: None,
                    diagnostics: diags,
                };
            }
        };
        let Some(root) = root else {
            // An emptied file must not pass a CI gate as "clean": nothing can be planned on it.
            diags.push(
                Diagnostic::error(
                    "schema",
                    Some(Span::point(crate::diagnostic::Position {
                        offset: 0,
                        line: 1,
                        column: 1,
                    })),
                    "the file declares no versions (it is empty or only comments)",
                )
                .with_hint("an upgrade-dependency file is a list of `- version: A.B.C.D` entries"),
            );
            return ParsedDocument {
                document: None,
                diagnostics: diags,
            };
        };
        // The tree is consumed: its strings move into the document instead of being copied.
        let (root_span, root_kind) = (root.span, root.kind_name());
        let Value::Sequence(items) = root.value else {
            diags.push(
                Diagnostic::error(
                    "schema",
                    Some(root_span),
                    format!("the document must be a list of entries, found {root_kind}"),
                )
                .with_hint("write each version as `- version: A.B.C.D` at the top level"),
            );
            return ParsedDocument {
                document: None,
                diagnostics: diags,
            };
        };
        if items.is_empty() {
            diags.push(
                Diagnostic::error("schema", Some(root_span), "the list of versions is empty")
                    .with_hint(
                        "an upgrade-dependency file is a list of `- version: A.B.C.D` entries",
                    ),
            );
        }
        // `checked`: every `version` and `can_be_upgraded_to` text is already known to be valid
        // (detection found them all valid OceanBase versions, the common case), so they are not
        // checked again entry by entry.
        let (scheme, checked) = match scheme {
            Some(scheme) => (scheme, false),
            None => {
                let mut texts = Vec::new();
                collect_version_texts(&items, &mut texts);
                if texts
                    .iter()
                    .all(|t| Version::validate(t, VersionScheme::OceanBase).is_ok())
                {
                    (VersionScheme::OceanBase, true)
                } else {
                    (VersionScheme::detect(texts.iter().copied()), false)
                }
            }
        };
        let mut entries = Vec::with_capacity(items.len());
        let mut unknown_seen = foldhash::HashMap::default();
        for item in items {
            if let Some(entry) = read_entry(item, scheme, checked, &mut unknown_seen, &mut diags) {
                entries.push(entry);
            }
        }
        // Duplicate versions: the second occurrence, pointing at the first.
        let mut seen: foldhash::HashMap<VersionKey, Span> = foldhash::HashMap::default();
        seen.reserve(entries.len());
        for entry in &entries {
            let Ok(v) = Version::key_of(&entry.version.text, scheme) else {
                continue;
            };
            if let Some(first) = seen.get(&v) {
                diags.push(
                    Diagnostic::error(
                        "duplicate-version",
                        Some(entry.version.span),
                        format!("version `{}` is declared twice", entry.version.text),
                    )
                    .with_related(*first, "first declared here")
                    .with_hint("merge the two entries into one"),
                );
            } else {
                seen.insert(v, entry.version.span);
            }
        }
        ParsedDocument {
            document: Some(Document { entries, scheme }),
            diagnostics: diags,
        }
    }
}

/// Gathers every scalar that should be a version, for scheme detection.
fn collect_version_texts<'a>(items: &'a [Node], out: &mut Vec<&'a str>) {
    for item in items {
        let Value::Mapping(map) = &item.value else {
            continue;
        };
        for (k, v) in map {
            let key = k.as_scalar().map(|s| s.text.as_str());
            match (key, &v.value) {
                (Some("version"), Value::Scalar(s)) if !s.is_null() => out.push(&s.text),
                (Some("can_be_upgraded_to"), Value::Sequence(list)) => out.extend(
                    list.iter()
                        .filter_map(|n| n.as_scalar().map(|s| s.text.as_str())),
                ),
                _ => {}
            }
        }
    }
}

/// The keys of one entry already read, for the "appears twice" check: the format's keys in a
/// fixed table; other keys are the entry's `unknown_keys`, looked up in a list while it is short
/// and in `many` (a map shared by all entries, cleared for each) once it is not, so an entry with
/// thousands of keys is still read in linear time.
struct SeenKeys<'m> {
    known: [Option<Span>; KNOWN_KEYS.len()],
    many: &'m mut foldhash::HashMap<String, Span>,
}

/// Past this many unknown keys in one entry, they are looked up in a map.
const FEW_UNKNOWN_KEYS: usize = 8;

impl SeenKeys<'_> {
    /// Where `key` was first written in this entry, if it was.
    fn first(&self, key: &str, unknown: &[(String, Span)]) -> Option<Span> {
        match KNOWN_KEYS.iter().position(|&k| k == key) {
            Some(i) => self.known.get(i).copied().flatten(),
            None if unknown.len() <= FEW_UNKNOWN_KEYS => unknown
                .iter()
                .find(|(k, _)| k == key)
                .map(|&(_, span)| span),
            None => self.many.get(key).copied(),
        }
    }

    /// Records a key of the format.
    fn known(&mut self, key: &str, span: Span) {
        if let Some(slot) = KNOWN_KEYS
            .iter()
            .position(|&k| k == key)
            .and_then(|i| self.known.get_mut(i))
        {
            *slot = Some(span);
        }
    }

    /// Records an unknown key, which the caller then pushes to `unknown`.
    fn unknown(&mut self, key: &str, span: Span, unknown: &[(String, Span)]) {
        if unknown.len() == FEW_UNKNOWN_KEYS {
            self.many.extend(unknown.iter().cloned());
        }
        if unknown.len() >= FEW_UNKNOWN_KEYS {
            self.many.insert(key.to_string(), span);
        }
    }
}

fn read_entry(
    item: Node,
    scheme: VersionScheme,
    checked: bool,
    unknown_seen: &mut foldhash::HashMap<String, Span>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Entry> {
    let (item_span, item_kind) = (item.span, item.kind_name());
    let Value::Mapping(map) = item.value else {
        diags.push(
            Diagnostic::error(
                "schema",
                Some(item_span),
                format!("each entry must be a mapping, found {item_kind}"),
            )
            .with_hint("write the entry as `- version: A.B.C.D`"),
        );
        return None;
    };
    if !unknown_seen.is_empty() {
        // A fresh map rather than `clear`, which would cost the capacity a hostile entry left.
        *unknown_seen = foldhash::HashMap::default();
    }
    let mut seen_keys = SeenKeys {
        known: [None; KNOWN_KEYS.len()],
        many: unknown_seen,
    };
    let mut version = None;
    let mut upgrades_to = Vec::new();
    let mut deprecated = false;
    let mut deprecated_span = None;
    let mut rfb = None;
    let mut unknown_keys: Vec<(String, Span)> = Vec::new();
    for (k, v) in map {
        let Some(key) = k.as_scalar().filter(|s| !s.is_null()) else {
            diags.push(Diagnostic::error(
                "schema",
                Some(k.span),
                format!("a key must be a plain name, found {}", k.kind_name()),
            ));
            continue;
        };
        let key_text = key.text.as_str();
        if let Some(first) = seen_keys.first(key_text, &unknown_keys) {
            diags.push(
                Diagnostic::error(
                    "schema",
                    Some(k.span),
                    format!("key `{key_text}` appears twice in one entry"),
                )
                .with_related(first, "first written here"),
            );
            continue;
        }
        match key_text {
            "version" => {
                seen_keys.known(key_text, k.span);
                let v_span = v.span;
                let v_kind = v.kind_name();
                match scalar_of(v).filter(|s| !s.is_null()) {
                    Some(s) => {
                        let sv = source_version(s, v_span);
                        if !checked {
                            check_version(&sv, scheme, "version", diags);
                        }
                        version = Some(sv);
                    }
                    None => diags.push(Diagnostic::error(
                        "schema",
                        Some(v_span),
                        format!("`version` must be a version string, found {v_kind}"),
                    )),
                }
            }
            "can_be_upgraded_to" => {
                seen_keys.known(key_text, k.span);
                upgrades_to = read_version_list(v, scheme, checked, "can_be_upgraded_to", diags);
            }
            "deprecated" => {
                seen_keys.known(key_text, k.span);
                match v.as_scalar() {
                    Some(s) if s.is_null() => {}
                    Some(s) => match s.as_bool() {
                        Some(b) => {
                            deprecated = b;
                            deprecated_span = Some(v.span);
                        }
                        None => diags.push(
                            Diagnostic::error(
                                "schema",
                                Some(v.span),
                                format!("`deprecated` must be true or false, found `{}`", s.text),
                            )
                            .with_hint("write `deprecated: true` or `deprecated: false`"),
                        ),
                    },
                    None => diags.push(Diagnostic::error(
                        "schema",
                        Some(v.span),
                        format!(
                            "`deprecated` must be true or false, found {}",
                            v.kind_name()
                        ),
                    )),
                }
            }
            "require_from_binary" => {
                seen_keys.known(key_text, k.span);
                rfb = read_rfb(v, scheme, diags);
            }
            _ => {
                seen_keys.unknown(key_text, k.span, &unknown_keys);
                let Value::Scalar(key) = k.value else {
                    continue;
                };
                unknown_keys.push((key.text, k.span));
            }
        }
    }
    let Some(version) = version else {
        if seen_keys.known.first().is_none_or(Option::is_none) {
            diags.push(
                Diagnostic::error(
                    "schema",
                    Some(item_span),
                    "entry has no `version` key".to_string(),
                )
                .with_hint("every entry starts with `- version: A.B.C.D`"),
            );
        }
        return None;
    };
    Some(Entry {
        version,
        span: item_span,
        upgrades_to,
        deprecated,
        deprecated_span,
        require_from_binary: rfb,
        unknown_keys,
    })
}

/// The scalar a node holds, taken out of it.
fn scalar_of(node: Node) -> Option<Scalar> {
    match node.value {
        Value::Scalar(s) => Some(s),
        _ => None,
    }
}

fn source_version(s: Scalar, span: Span) -> SourceVersion {
    SourceVersion {
        number_like: s.is_number_like(),
        style: s.style,
        text: s.text,
        span,
    }
}

fn check_version(
    sv: &SourceVersion,
    scheme: VersionScheme,
    what: &str,
    diags: &mut Vec<Diagnostic>,
) {
    if let Err(e) = Version::validate(&sv.text, scheme) {
        diags.push(
            Diagnostic::error("invalid-version", Some(sv.span), format!("{what}: {e}")).with_hint(
                match scheme {
                    VersionScheme::OceanBase => {
                        "write versions as A.B.C.D or A.B.C.D-BUILD (BUILD is digits)"
                    }
                    VersionScheme::SemVer => {
                        "write versions as SemVer, such as 1.4.0 or 1.4.0-rc.1"
                    }
                },
            ),
        );
    }
}

/// Reads a list of versions; `checked`: its texts are known to be valid already.
fn read_version_list(
    v: Node,
    scheme: VersionScheme,
    checked: bool,
    what: &str,
    diags: &mut Vec<Diagnostic>,
) -> Vec<SourceVersion> {
    let (span, kind) = (v.span, v.kind_name());
    match v.value {
        Value::Scalar(s) if s.is_null() => Vec::new(),
        Value::Sequence(list) => {
            let mut out = Vec::with_capacity(list.len());
            for n in list {
                let (n_span, n_kind) = (n.span, n.kind_name());
                match scalar_of(n).filter(|s| !s.is_null()) {
                    Some(s) => {
                        let sv = source_version(s, n_span);
                        if !checked {
                            check_version(&sv, scheme, what, diags);
                        }
                        out.push(sv);
                    }
                    None => diags.push(Diagnostic::error(
                        "schema",
                        Some(n_span),
                        format!("`{what}` entries must be versions, found {n_kind}"),
                    )),
                }
            }
            out
        }
        _ => {
            diags.push(
                Diagnostic::error(
                    "schema",
                    Some(span),
                    format!("`{what}` must be a list of versions, found {kind}"),
                )
                .with_hint(format!(
                    "write `{what}: [A.B.C.D]` or one `- A.B.C.D` per line"
                )),
            );
            Vec::new()
        }
    }
}

fn read_rfb(
    v: Node,
    scheme: VersionScheme,
    diags: &mut Vec<Diagnostic>,
) -> Option<RequireFromBinary> {
    let wrong_shape = |diags: &mut Vec<Diagnostic>, span: Span, found: String| {
        diags.push(
            Diagnostic::error(
                "schema",
                Some(span),
                format!("`require_from_binary` must be true/false or a mapping with `value`, found {found}"),
            )
            .with_hint("write `require_from_binary: true` or `{value: true, when_come_from: [A.B.C.D]}`"),
        );
    };
    let span = v.span;
    match v.value {
        Value::Scalar(s) if s.is_null() => None,
        Value::Scalar(s) => match s.as_bool() {
            Some(value) => Some(RequireFromBinary {
                value,
                condition: Condition::Always,
                span,
                condition_span: None,
                value_written: true,
            }),
            None => {
                wrong_shape(diags, span, format!("`{}`", s.text));
                None
            }
        },
        Value::Sequence(_) => {
            wrong_shape(diags, span, "a list".into());
            None
        }
        Value::Mapping(map) => {
            let mut value = None;
            let mut come_from: Option<(Span, Vec<SourceVersion>)> = None;
            let mut upgraded_to: Option<(Span, Vec<SourceVersion>)> = None;
            let mut ok = true;
            for (k, val) in map {
                match k.as_scalar().map(|s| s.text.as_str()) {
                    Some("value") => {
                        match val.as_scalar() {
                            Some(s) if s.is_null() => value = Some(false),
                            Some(s) => match s.as_bool() {
                                Some(b) => value = Some(b),
                                None => {
                                    ok = false;
                                    diags.push(Diagnostic::error(
                                    "schema",
                                    Some(val.span),
                                    format!("`require_from_binary.value` must be true or false, found `{}`", s.text),
                                ));
                                }
                            },
                            None => {
                                ok = false;
                                diags.push(Diagnostic::error(
                                "schema",
                                Some(val.span),
                                format!("`require_from_binary.value` must be true or false, found {}", val.kind_name()),
                            ));
                            }
                        }
                    }
                    // A key with no value means its default: no condition list.
                    Some("when_come_from" | "when_upgraded_to")
                        if val.as_scalar().is_some_and(Scalar::is_null) => {}
                    Some("when_come_from") => {
                        come_from = Some((
                            val.span,
                            read_version_list(val, scheme, false, "when_come_from", diags),
                        ));
                    }
                    Some("when_upgraded_to") => {
                        upgraded_to = Some((
                            val.span,
                            read_version_list(val, scheme, false, "when_upgraded_to", diags),
                        ));
                    }
                    other => {
                        ok = false;
                        let name = other.unwrap_or("?");
                        let diag = match misspelling_of(name, &BARRIER_KEYS) {
                            Some(meant) => Diagnostic::error(
                                "misspelled-key",
                                Some(k.span),
                                format!(
                                    "`require_from_binary` has a key `{name}`, which is not a key of the format: did you mean `{meant}`?"
                                ),
                            )
                            .with_hint(format!("write `{meant}`")),
                            None => Diagnostic::error(
                                "schema",
                                Some(k.span),
                                format!("`require_from_binary` has an unknown key `{name}`"),
                            )
                            .with_hint(
                                "the keys are `value`, `when_come_from` and `when_upgraded_to`",
                            ),
                        };
                        diags.push(diag);
                    }
                }
            }
            // No `value`: false, as OceanBase's own tools read it (obd's and obshell's route code
            // take a missing `value` as false); `lint` reports it (`barrier-without-value`).
            let value_written = value.is_some();
            let value = value.unwrap_or(false);
            let (condition, condition_span) = match (come_from, upgraded_to) {
                (Some(_), Some((span, _))) => {
                    diags.push(
                        Diagnostic::error(
                            "barrier-conditions-conflict",
                            Some(span),
                            "`when_come_from` and `when_upgraded_to` cannot be used together",
                        )
                        .with_hint("keep one condition; split the barrier into two versions if both are needed"),
                    );
                    return None;
                }
                (Some((span, list)), None) => (Condition::ComeFrom(list), Some(span)),
                (None, Some((span, list))) => (Condition::UpgradedTo(list), Some(span)),
                (None, None) => (Condition::Always, None),
            };
            ok.then_some(RequireFromBinary {
                value,
                condition,
                span,
                condition_span,
                value_written,
            })
        }
    }
}

/// Why a dependency file could not be loaded.
#[derive(Debug, Error)]
pub enum LoadError {
    /// The file could not be read.
    #[error("cannot read `{}`: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating-system error.
        source: std::io::Error,
    },
    /// The document is invalid; every problem found is listed.
    #[error("{}", describe_invalid(file.as_deref(), diagnostics))]
    Invalid {
        /// The file, when loaded from one.
        file: Option<PathBuf>,
        /// Every problem found (at least one is an error).
        diagnostics: Vec<Diagnostic>,
    },
}

fn describe_invalid(file: Option<&Path>, diagnostics: &[Diagnostic]) -> String {
    let mut out = String::from("invalid upgrade-dependency document");
    if let Some((first, more)) = crate::diagnostic::first_error_line(file, diagnostics) {
        out.push_str(": ");
        out.push_str(&first);
        out.push_str(&crate::diagnostic::more_errors_suffix(
            more,
            "; run `upgrade-planner lint` to see them all",
        ));
    }
    out
}

impl LoadError {
    /// The diagnostics of an invalid document (empty for I/O errors).
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            LoadError::Invalid { diagnostics, .. } => diagnostics,
            LoadError::Io { .. } => &[],
        }
    }
}

/// A barrier as the planner uses it: the binary must be installed when the condition holds.
pub type Barrier = Condition<Version>;

/// A version in the graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionNode {
    /// The version, with its source text.
    pub version: Version,
    /// May be a start or a transit, never a target.
    pub deprecated: bool,
    /// Whether the version has an entry of its own (false: it only appears as a target).
    pub declared: bool,
    /// When the binary must be installed at this version (only when `require_from_binary` is true).
    pub barrier: Option<Barrier>,
}

/// The upgrade graph: one node per version, one edge per `can_be_upgraded_to` relation.
///
/// Self-edges and repeated edges are dropped (they never change a route; `lint` reports them).
#[derive(Debug, Clone)]
pub struct DepGraph {
    graph: DiGraph<VersionNode, ()>,
    /// Node by version (a fast hasher: loading hashes every version a few times).
    index: foldhash::HashMap<Version, NodeIndex>,
    scheme: VersionScheme,
    /// What the route search needs, in flat arrays (built once, at load).
    routes: RouteIndex,
}

impl DepGraph {
    /// Loads and validates a document from YAML text, detecting the version scheme.
    pub fn from_yaml_str(src: &str) -> Result<DepGraph, LoadError> {
        Self::from_yaml_str_with(src, None)
    }

    /// Loads and validates a document from YAML text with a given scheme (`None`: detect).
    pub fn from_yaml_str_with(
        src: &str,
        scheme: Option<VersionScheme>,
    ) -> Result<DepGraph, LoadError> {
        Self::from_text(src, scheme, None)
    }

    /// Loads and validates a document from a file.
    pub fn from_path(path: &Path, scheme: Option<VersionScheme>) -> Result<DepGraph, LoadError> {
        Self::from_text(&read_yaml_file(path)?, scheme, Some(path))
    }

    /// The direct loader when the text has its shape and loads cleanly, the general path (which
    /// gives every diagnostic) otherwise.
    fn from_text(
        src: &str,
        scheme: Option<VersionScheme>,
        file: Option<&Path>,
    ) -> Result<DepGraph, LoadError> {
        match direct::load(src, scheme) {
            Some(g) => Ok(g),
            None => Self::from_parsed(Document::parse(src, scheme), file),
        }
    }

    fn from_parsed(parsed: ParsedDocument, file: Option<&Path>) -> Result<DepGraph, LoadError> {
        let invalid = |diagnostics| LoadError::Invalid {
            file: file.map(Path::to_path_buf),
            diagnostics,
        };
        if parsed.diagnostics.iter().any(Diagnostic::is_error) {
            return Err(invalid(parsed.diagnostics));
        }
        let Some(doc) = parsed.document else {
            return Err(invalid(parsed.diagnostics));
        };
        DepGraph::from_document(&doc).map_err(invalid)
    }

    /// Builds the graph from a document that has no errors.
    pub fn from_document(doc: &Document) -> Result<DepGraph, Vec<Diagnostic>> {
        let scheme = doc.scheme;
        let mut g = DepGraph {
            graph: DiGraph::new(),
            index: foldhash::HashMap::default(),
            scheme,
            routes: RouteIndex::default(),
        };
        let mut diags = Vec::new();
        let parse = |sv: &SourceVersion, diags: &mut Vec<Diagnostic>| match Version::parse(
            &sv.text, scheme,
        ) {
            Ok(v) => Some(v),
            Err(e) => {
                diags.push(Diagnostic::error(
                    "invalid-version",
                    Some(sv.span),
                    e.to_string(),
                ));
                None
            }
        };
        // Each entry's node (a repeated version: the first entry's), and every version text
        // already resolved to a node: a text seen before needs no parsing (the same text always
        // parses to the same version); a new text is parsed and looked up by version (`4.01` is
        // node `4.1`).
        let mut entry_nodes: Vec<Option<NodeIndex>> = Vec::with_capacity(doc.entries.len());
        let mut by_text: foldhash::HashMap<&str, NodeIndex> = foldhash::HashMap::default();
        by_text.reserve(doc.entries.len());
        // Declared versions first, in file order, then implicit ones in order of appearance.
        for entry in &doc.entries {
            let Some(v) = parse(&entry.version, &mut diags) else {
                entry_nodes.push(None);
                continue;
            };
            if let Some(&first) = g.index.get(&v) {
                entry_nodes.push(Some(first));
                diags.push(Diagnostic::error(
                    "duplicate-version",
                    Some(entry.version.span),
                    format!("version `{}` is declared twice", entry.version.text),
                ));
                continue;
            }
            let barrier = match &entry.require_from_binary {
                Some(r) if r.value => {
                    let mut convert = |list: &[SourceVersion]| -> Vec<Version> {
                        list.iter().filter_map(|sv| parse(sv, &mut diags)).collect()
                    };
                    Some(match &r.condition {
                        Condition::Always => Condition::Always,
                        Condition::ComeFrom(l) => Condition::ComeFrom(convert(l)),
                        Condition::UpgradedTo(l) => Condition::UpgradedTo(convert(l)),
                    })
                }
                _ => None,
            };
            let ix = g.add_node(VersionNode {
                version: v,
                deprecated: entry.deprecated,
                declared: true,
                barrier,
            });
            entry_nodes.push(Some(ix));
            by_text.insert(&entry.version.text, ix);
        }
        let mut edges = 0usize;
        for (entry, from_ix) in doc.entries.iter().zip(entry_nodes) {
            let Some(from_ix) = from_ix else {
                continue;
            };
            for target in &entry.upgrades_to {
                let to_ix = match by_text.get(target.text.as_str()) {
                    Some(&ix) => ix,
                    None => {
                        let Some(to) = parse(target, &mut diags) else {
                            continue;
                        };
                        let ix = g.node_or_implicit(to);
                        by_text.insert(&target.text, ix);
                        ix
                    }
                };
                if to_ix == from_ix || g.graph.find_edge(from_ix, to_ix).is_some() {
                    continue;
                }
                edges += 1;
                if edges > limits::MAX_GRAPH_EDGES {
                    diags.push(Diagnostic::error(
                        "too-large",
                        Some(target.span),
                        format!("more than {} upgrade edges", limits::MAX_GRAPH_EDGES),
                    ));
                    return Err(diags);
                }
                g.graph.add_edge(from_ix, to_ix, ());
            }
        }
        if g.graph.node_count() > limits::MAX_GRAPH_NODES {
            diags.push(Diagnostic::error(
                "too-large",
                None,
                format!("more than {} versions", limits::MAX_GRAPH_NODES),
            ));
        }
        if diags.iter().any(Diagnostic::is_error) {
            return Err(diags);
        }
        g.routes = RouteIndex::build(&g);
        Ok(g)
    }

    /// The search index of the graph.
    pub(crate) fn route_index(&self) -> &RouteIndex {
        &self.routes
    }

    /// The strongly connected components of the graph, in reverse topological order (edges go from
    /// a component only to itself or to components listed before it), each in discovery order.
    /// Computed without recursion, once, when the graph is loaded.
    pub fn components(&self) -> Vec<Vec<NodeIndex>> {
        self.routes
            .components()
            .iter()
            .map(|c| c.iter().map(|&i| NodeIndex::new(i as usize)).collect())
            .collect()
    }

    /// The node of `v`, added as an implicit version (no entry of its own: it only appears as
    /// an upgrade target) when the graph does not have it yet.
    fn node_or_implicit(&mut self, v: Version) -> NodeIndex {
        match self.index.get(&v) {
            Some(&ix) => ix,
            None => self.add_node(VersionNode {
                version: v,
                deprecated: false,
                declared: false,
                barrier: None,
            }),
        }
    }

    fn add_node(&mut self, node: VersionNode) -> NodeIndex {
        let v = node.version.clone();
        let ix = self.graph.add_node(node);
        self.index.insert(v, ix);
        ix
    }

    /// The version scheme of the graph.
    pub fn scheme(&self) -> VersionScheme {
        self.scheme
    }

    /// The underlying petgraph graph (node weights are [`VersionNode`]s).
    pub fn graph(&self) -> &DiGraph<VersionNode, ()> {
        &self.graph
    }

    /// Number of versions (declared and implicit).
    pub fn len(&self) -> usize {
        self.graph.node_count()
    }

    /// Whether the graph has no versions.
    pub fn is_empty(&self) -> bool {
        self.graph.node_count() == 0
    }

    /// Every version, declared ones in file order first, then implicit ones.
    pub fn nodes(&self) -> impl Iterator<Item = (NodeIndex, &VersionNode)> + '_ {
        self.graph
            .node_indices()
            .filter_map(move |ix| self.graph.node_weight(ix).map(|n| (ix, n)))
    }

    /// The node at `ix`. Panics only on an index that did not come from this graph.
    pub fn node(&self, ix: NodeIndex) -> &VersionNode {
        &self.graph[ix]
    }

    /// Looks a version up by exact node name (parsed equality: `4.1.0.0-5` is the build node).
    pub fn find(&self, text: &str) -> Option<NodeIndex> {
        let v = Version::parse(text, self.scheme).ok()?;
        self.find_version(&v)
    }

    /// Looks a parsed version up (parsed equality).
    pub fn find_version(&self, v: &Version) -> Option<NodeIndex> {
        self.index.get(v).copied()
    }

    /// Direct upgrade targets of a version, in file order.
    pub fn successors(&self, ix: NodeIndex) -> Vec<NodeIndex> {
        let mut out: Vec<(usize, NodeIndex)> = self
            .graph
            .edges(ix)
            .map(|e| (e.id().index(), e.target()))
            .collect();
        out.sort_unstable();
        out.into_iter().map(|(_, t)| t).collect()
    }

    /// Resolves an installed version to a node, as `plan --from` does
    /// ([`DepGraph::resolve_version`]): `V`, `V-B`, or an RPM release `V-B.el7`; node `V-B` when it
    /// exists, else node `V`. `None` when nothing matches, or the build is not a number.
    pub fn resolve_installed(&self, installed: &str) -> Option<NodeIndex> {
        match self.resolve_version(installed) {
            crate::planner::Resolution::Found { node, .. } => Some(node),
            _ => None,
        }
    }

    /// Every version reachable from `from` (itself included), by breadth-first search.
    pub fn reachable_from(&self, from: NodeIndex) -> HashSet<NodeIndex> {
        let mut seen = HashSet::from([from]);
        let mut queue = std::collections::VecDeque::from([from]);
        while let Some(n) = queue.pop_front() {
            for m in self.graph.neighbors(n) {
                if seen.insert(m) {
                    queue.push_back(m);
                }
            }
        }
        seen
    }

    /// Every version that can reach `to` (itself included).
    pub fn reaching(&self, to: NodeIndex) -> HashSet<NodeIndex> {
        let mut seen = HashSet::from([to]);
        let mut queue = std::collections::VecDeque::from([to]);
        while let Some(n) = queue.pop_front() {
            for m in self
                .graph
                .neighbors_directed(n, petgraph::Direction::Incoming)
            {
                if seen.insert(m) {
                    queue.push_back(m);
                }
            }
        }
        seen
    }
}

/// Reads a YAML file as UTF-8 text within [`limits::MAX_YAML_BYTES`], with errors that name the file.
pub fn read_yaml_file(path: &Path) -> Result<String, LoadError> {
    let io = |source| LoadError::Io {
        path: path.to_path_buf(),
        source,
    };
    let bytes = crate::input::read_limited(path, limits::MAX_YAML_BYTES).map_err(io)?;
    let invalid = |message: String| LoadError::Invalid {
        file: Some(path.to_path_buf()),
        diagnostics: vec![Diagnostic::error("too-large", None, message)],
    };
    if bytes.len() > limits::MAX_YAML_BYTES {
        return Err(invalid(format!(
            "the file is larger than the limit of {} bytes",
            limits::MAX_YAML_BYTES
        )));
    }
    // A UTF-8 byte-order mark is allowed and skipped.
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    match std::str::from_utf8(body) {
        Ok(s) => Ok(s.to_string()),
        Err(e) => {
            let valid = body.get(..e.valid_up_to()).unwrap_or(&[]);
            let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
            let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            let column = String::from_utf8_lossy(valid.get(line_start..).unwrap_or(&[]))
                .chars()
                .count()
                + 1;
            let at = crate::diagnostic::Position {
                offset: e.valid_up_to() + (bytes.len() - body.len()),
                line,
                column,
            };
            Err(LoadError::Invalid {
                file: Some(path.to_path_buf()),
                diagnostics: vec![
                    Diagnostic::error(
                        "yaml-syntax",
                        Some(Span::point(at)),
                        format!(
                            "the file is not UTF-8 text: invalid byte at offset {} (line {line})",
                            e.valid_up_to()
                        ),
                    )
                    .with_hint("save the file as UTF-8"),
                ],
            })
        }
    }
}

impl fmt::Display for VersionNode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.version.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(src: &str) -> Vec<(&'static str, usize, usize)> {
        Document::parse(src, None)
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| {
                let s = d.span.unwrap_or_default();
                (d.code, s.start.line, s.start.column)
            })
            .collect()
    }

    #[test]
    fn real_file_loads() {
        let src = include_str!("../data/seed-oceanbase-ce-4.2.1.1.yml");
        let g = DepGraph::from_yaml_str(src).unwrap();
        assert_eq!(g.len(), 11);
        let ix = g.find("4.1.0.2").unwrap();
        assert!(matches!(g.node(ix).barrier, Some(Condition::ComeFrom(ref l)) if l.len() == 2));
        assert!(
            g.node(g.find("4.1.0.0-100000192023032010").unwrap())
                .deprecated
        );
        assert!(!g.node(g.find("4.3.0.0").unwrap()).declared);
    }

    #[test]
    fn keeps_version_text() {
        let g = DepGraph::from_yaml_str("- version: 4.10\n  can_be_upgraded_to: [4.20]\n").unwrap();
        let names: Vec<_> = g
            .nodes()
            .map(|(_, n)| n.version.as_str().to_string())
            .collect();
        assert_eq!(names, ["4.10", "4.20"]);
    }

    #[test]
    fn invalid_documents() {
        assert_eq!(
            errors("- version: 4.1\n- version: 4.1\n"),
            [("duplicate-version", 2, 12)]
        );
        assert_eq!(
            errors("- version: 4.1\n  deprecated: maybe\n"),
            [("schema", 2, 15)]
        );
        assert_eq!(
            errors("- version: 4.1\n  require_from_binary: 3\n"),
            [("schema", 2, 24)]
        );
        assert_eq!(
            errors("- version: 4.1\n  can_be_upgraded_to: [4.x]\n"),
            [("invalid-version", 2, 24)]
        );
        assert_eq!(
            errors("- version: 4.1\n  can_be_upgraded_to: 4.2\n"),
            [("schema", 2, 23)]
        );
        assert_eq!(errors("- can_be_upgraded_to: [4.2]\n"), [("schema", 1, 3)]);
        assert_eq!(errors("version: 4.1\n"), [("schema", 1, 1)]);
        assert_eq!(
            errors(
                "- version: 4.1\n  require_from_binary: {value: true, when_come_from: [4.0], when_upgraded_to: [4.2]}\n"
            ),
            [("barrier-conditions-conflict", 2, 79)]
        );
        assert_eq!(errors("- version: [4.1\n")[0].0, "yaml-syntax");
    }

    #[test]
    fn empty_files_are_invalid() {
        assert_eq!(errors(""), [("schema", 1, 1)]);
        assert_eq!(errors("# nothing\n"), [("schema", 1, 1)]);
        assert_eq!(errors("[]\n"), [("schema", 1, 1)]);
    }

    #[test]
    fn empty_values_mean_defaults() {
        let g = DepGraph::from_yaml_str(
            "- version: 4.1\n  deprecated:\n  require_from_binary:\n  can_be_upgraded_to:\n",
        )
        .unwrap();
        let n = g.node(g.find("4.1").unwrap());
        assert!(!n.deprecated && n.barrier.is_none());
    }

    #[test]
    fn condition_keys_without_value_and_mappings_without_value() {
        // `when_upgraded_to:` with no value beside `when_come_from` is no list, not a conflict.
        let g = DepGraph::from_yaml_str(
            "- version: 4.1\n  require_from_binary:\n    value: true\n    when_come_from: [4.0]\n    when_upgraded_to:\n",
        )
        .unwrap();
        let n = g.node(g.find("4.1").unwrap());
        assert!(matches!(&n.barrier, Some(Condition::ComeFrom(l)) if l.len() == 1));
        // `when_come_from:` alone: no condition, a barrier whatever the route.
        let g = DepGraph::from_yaml_str(
            "- version: 4.1\n  require_from_binary: {value: true, when_come_from: }\n",
        )
        .unwrap();
        assert_eq!(
            g.node(g.find("4.1").unwrap()).barrier,
            Some(Condition::Always)
        );
        // No `value`: false, as obd and obshell read it; the document stays valid.
        let doc = Document::parse(
            "- version: 4.1\n  require_from_binary: {when_come_from: [4.0]}\n",
            None,
        );
        assert!(doc.diagnostics.iter().all(|d| !d.is_error()));
        let rfb = doc.document.unwrap().entries[0]
            .require_from_binary
            .clone()
            .unwrap();
        assert!(!rfb.value && !rfb.value_written);
        let g = DepGraph::from_yaml_str(
            "- version: 4.1\n  require_from_binary: {when_come_from: [4.0]}\n",
        )
        .unwrap();
        assert_eq!(g.node(g.find("4.1").unwrap()).barrier, None);
        // A misspelled key inside the mapping is an error that names the key meant.
        assert_eq!(
            errors("- version: 4.1\n  require_from_binary: {value: true, when_came_from: [4.0]}\n"),
            [("misspelled-key", 2, 38)]
        );
    }

    #[test]
    fn resolves_installed_versions() {
        let g =
            DepGraph::from_yaml_str(include_str!("../data/seed-oceanbase-ce-4.2.1.1.yml")).unwrap();
        let name = |q: &str| {
            g.resolve_installed(q)
                .map(|ix| g.node(ix).version.as_str().to_string())
        };
        assert_eq!(
            name("4.1.0.0-100000192023032010.el7").as_deref(),
            Some("4.1.0.0-100000192023032010")
        );
        assert_eq!(
            name("4.1.0.0-100000192023032010").as_deref(),
            Some("4.1.0.0-100000192023032010")
        );
        assert_eq!(name("4.1.0.0-999.el8").as_deref(), Some("4.1.0.0"));
        assert_eq!(name("4.1.0.0").as_deref(), Some("4.1.0.0"));
        assert_eq!(name("3.1.0"), None);
    }

    #[test]
    fn semver_is_detected() {
        let g = DepGraph::from_yaml_str("- version: 1.4.0-rc.1\n  can_be_upgraded_to: [1.4.0]\n")
            .unwrap();
        assert_eq!(g.scheme(), VersionScheme::SemVer);
    }

    #[test]
    fn load_error_names_file_line_and_column() {
        let err = DepGraph::from_yaml_str("- version: 4.1\n  deprecated: maybe\n").unwrap_err();
        assert!(err.to_string().contains("2:15"), "{err}");
    }
}
