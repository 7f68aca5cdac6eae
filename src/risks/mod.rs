//! Known upgrade risks: an overlay of conditional edges next to the dependency file, evaluated
//! against a cluster's facts and accepted explicitly (issue 17; format and rules in
//! `docs/risks.md`).
//!
//! A risk names one target version (`to`) and a regular expression over source versions
//! (`from`, matched against the whole version name): every upgrade edge from a matching version
//! into `to` carries the risk. Its `matching_rules` decide whether it applies to a cluster, as
//! OpenShift's update service evaluates its conditional edges: rules are tried in order; a rule
//! of an unknown type, or one that cannot be evaluated here (an `SQL` rule, a `Fact` rule whose
//! fact is not given), is skipped; the first rule that can be evaluated decides; when none can,
//! the risk **applies**. An edge with a risk that applies is *not recommended*; `--accept-risk
//! NAME` makes it usable again. The dependency file's meaning never changes.
//!
//! * [`RiskSet`]: the risks as read (a file holding one risk or a list, or a directory of them).
//! * [`facts`]: cluster and node facts.
//! * [`assess`]: risks bound to a graph's edges ([`RiskGraph`]) and evaluated against facts
//!   ([`Assessment`]), which plans routes that avoid not-recommended edges.
//! * [`lint`]: the rules `lint --risks` checks.
//!
//! ```
//! use upgrade_planner::{DepGraph, PlanRequest, Target};
//! use upgrade_planner::risks::{RiskSet, facts::Facts};
//! let g = DepGraph::from_yaml_str(
//!     "- version: 1.0.0.0\n  can_be_upgraded_to: [1.1.0.0, 1.2.0.0]\n\
//!      - version: 1.1.0.0\n  can_be_upgraded_to: [1.2.0.0]\n")?;
//! let risks = RiskSet::from_yaml_str(
//!     "- {name: Corruption, to: 1.2.0.0, from: '1\\.0\\..*', url: https://example.invalid/kb,\n  \
//!         message: Set x to False first., matching_rules: [{type: Fact, fact: x, equals: 'True'}]}\n")?;
//! let bound = risks.bind(&g);
//! let req = PlanRequest::new("1.0.0.0", Target::Version("1.2.0.0".into()));
//! // Without facts the rule cannot be evaluated: the risk applies and the route avoids the edge.
//! assert_eq!(bound.assess(None, &[]).plan(&req)?.path, ["1.0.0.0", "1.1.0.0", "1.2.0.0"]);
//! // A cluster where x is False: the direct upgrade is recommended.
//! let mut facts = Facts::new();
//! facts.insert("x", "False");
//! assert_eq!(bound.assess(Some(&facts), &[]).plan(&req)?.hops, 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod assess;
pub mod facts;
pub mod lint;

pub use assess::{Assessment, Evaluation, RiskGraph, RiskReport, Verdict, evaluate};

use crate::depgraph::misspelling_of;
use crate::diagnostic::{Diagnostic, Span};
use crate::limits;
use crate::yaml::{self, Node, Value};
use facts::FactValue;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// The keys of a risk. `matchingRules` and `fixedIn` (OpenShift's spellings) are accepted as
/// aliases of `matching_rules` and `fixed_in`.
pub const RISK_KEYS: [&str; 7] = [
    "name",
    "to",
    "from",
    "url",
    "message",
    "fixed_in",
    "matching_rules",
];

/// The rule types this tool evaluates (others are skipped, as OpenShift's clients skip types
/// they do not know).
pub const RULE_TYPES: [&str; 3] = ["Fact", "SQL", "Always"];

/// What a `Fact` rule compares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FactTest {
    /// `equals: VALUE`.
    Equals(FactValue),
    /// `in: [VALUES]`.
    In(Vec<FactValue>),
    /// `exists: true|false`.
    Exists(bool),
}

/// One matching rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MatchingRule {
    /// A fact about the cluster (`fact: dotted.name` and one comparison). `test: None` when the
    /// rule has no comparison (`lint` reports it; it is never evaluated).
    Fact {
        /// The dotted fact name.
        fact: String,
        /// The comparison.
        test: Option<FactTest>,
    },
    /// A query to run on the cluster: never evaluated offline; reported so that an operator can
    /// run it (and give its answer as a fact).
    Sql {
        /// The query.
        sql: String,
    },
    /// Applies to every cluster.
    Always,
    /// A type this tool does not know (such as OpenShift's `PromQL`): skipped.
    Unknown {
        /// The type as written.
        kind: String,
    },
}

impl MatchingRule {
    /// The rule's `type` as written.
    pub fn kind(&self) -> &str {
        match self {
            MatchingRule::Fact { .. } => "Fact",
            MatchingRule::Sql { .. } => "SQL",
            MatchingRule::Always => "Always",
            MatchingRule::Unknown { kind } => kind,
        }
    }

    /// One line describing the rule: `Always`, `Fact parameters.x equals "True"`, `SQL select ...`.
    pub fn describe(&self) -> String {
        let quote = |v: &FactValue| format!("{:?}", v.text);
        match self {
            MatchingRule::Fact { fact, test } => match test {
                Some(FactTest::Equals(v)) => format!("Fact {fact} equals {}", quote(v)),
                Some(FactTest::In(list)) => format!(
                    "Fact {fact} in [{}]",
                    list.iter().map(quote).collect::<Vec<_>>().join(", ")
                ),
                Some(FactTest::Exists(true)) => format!("Fact {fact} exists"),
                Some(FactTest::Exists(false)) => format!("Fact {fact} does not exist"),
                None => format!("Fact {fact} (no comparison)"),
            },
            MatchingRule::Sql { sql } => format!("SQL {sql}"),
            MatchingRule::Always => "Always".to_string(),
            MatchingRule::Unknown { kind } => format!("{kind} (unknown type)"),
        }
    }
}

/// Where the parts of a risk are written, for findings.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RiskSpans {
    /// The whole risk mapping.
    pub entry: Span,
    /// The `name` value.
    pub name: Span,
    /// The `to` value.
    pub to: Span,
    /// The `from` value.
    pub from: Span,
    /// The `url` value.
    pub url: Span,
    /// The `matching_rules` value, when written.
    pub rules: Option<Span>,
    /// Each rule mapping read, and its `type` value.
    pub rule: Vec<(Span, Span)>,
    /// How many rules `matching_rules` lists (read or not).
    pub rules_written: usize,
    /// Keys the format does not define, with their spans.
    pub unknown_keys: Vec<(String, Span)>,
}

/// One known risk, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Risk {
    /// CamelCase, the name `--accept-risk` takes.
    pub name: String,
    /// The target version of the edges the risk is about (a node of the dependency file).
    pub to: String,
    /// A regular expression that must match a source version's whole name.
    pub from: String,
    /// Where the issue is explained.
    pub url: String,
    /// What goes wrong, and what to do about it.
    pub message: String,
    /// The first version with the fix, when known.
    pub fixed_in: Option<String>,
    /// The matching rules, in order.
    pub rules: Vec<MatchingRule>,
    /// Index of the file the risk comes from (see [`RiskSet::files`]).
    pub file: usize,
    /// Where each part is written.
    pub spans: RiskSpans,
}

/// Why risks could not be read.
#[derive(Debug, Error)]
pub enum RiskError {
    /// A file or directory could not be read.
    #[error("cannot read `{}`: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The operating-system error.
        source: std::io::Error,
    },
    /// A risks file is invalid; every problem found in it is listed.
    #[error("invalid risks: {}", crate::rollout::inventory::describe(file.as_deref(), diagnostics))]
    Invalid {
        /// The file, when read from one.
        file: Option<PathBuf>,
        /// Every problem found (at least one error).
        diagnostics: Vec<Diagnostic>,
    },
    /// `--accept-risk` names a risk that no risks file defines.
    #[error("--accept-risk names unknown risk(s): {}; the risks are: {}", unknown.join(", "), if known.is_empty() { "(none)".to_string() } else { known.join(", ") })]
    UnknownAccepted {
        /// The unknown names.
        unknown: Vec<String>,
        /// Every risk name, sorted.
        known: Vec<String>,
    },
}

impl RiskError {
    /// The diagnostics of an invalid file (empty otherwise).
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            RiskError::Invalid { diagnostics, .. } => diagnostics,
            _ => &[],
        }
    }

    /// The file the diagnostics are about, when there is one.
    pub fn file(&self) -> Option<&Path> {
        match self {
            RiskError::Invalid { file, .. } => file.as_deref(),
            RiskError::Io { path, .. } => Some(path),
            RiskError::UnknownAccepted { .. } => None,
        }
    }
}

/// Risks read from one input (a file or a directory), with their `from` patterns compiled.
#[derive(Debug, Clone)]
pub struct RiskSet {
    risks: Vec<Risk>,
    files: Vec<String>,
    /// Every distinct `from` pattern, anchored, compiled together (`None`: no risk).
    patterns: Option<regex::RegexSet>,
    /// Each risk's pattern in `patterns`.
    pattern_of: Vec<usize>,
}

/// What reading one risks file found: the risks, and every problem (errors make it unusable).
#[derive(Debug, Clone, Default)]
pub struct ParsedRisks {
    /// The risks that could be read.
    pub risks: Vec<Risk>,
    /// Problems found; any error makes the file invalid.
    pub diagnostics: Vec<Diagnostic>,
}

impl RiskSet {
    /// Reads risks from YAML text (one risk or a list of risks).
    pub fn from_yaml_str(src: &str) -> Result<RiskSet, RiskError> {
        let parsed = parse(src);
        if parsed.diagnostics.iter().any(Diagnostic::is_error) {
            return Err(RiskError::Invalid {
                file: None,
                diagnostics: parsed.diagnostics,
            });
        }
        Self::build(parsed.risks, vec!["<text>".to_string()], None)
    }

    /// Reads a risks file, or every `*.yml`/`*.yaml` file of a directory (not its
    /// subdirectories), in file-name order.
    pub fn from_path(path: &Path) -> Result<RiskSet, RiskError> {
        let io = |source| RiskError::Io {
            path: path.to_path_buf(),
            source,
        };
        let files = risk_files(path).map_err(io)?;
        if files.is_empty() {
            return Err(RiskError::Invalid {
                file: Some(path.to_path_buf()),
                diagnostics: vec![
                    Diagnostic::error(
                        "risk-schema",
                        None,
                        "the directory holds no `*.yml` or `*.yaml` risk file",
                    )
                    .with_hint("write each risk (or a list of them) in a .yml file"),
                ],
            });
        }
        if files.len() > limits::MAX_RISK_FILES {
            return Err(too_large(
                path,
                format!(
                    "the directory holds {} risk files, more than the limit of {}",
                    files.len(),
                    limits::MAX_RISK_FILES
                ),
            ));
        }
        let mut risks = Vec::new();
        let mut names = Vec::new();
        for (i, file) in files.iter().enumerate() {
            let src = crate::depgraph::read_yaml_file(file).map_err(|e| match e {
                crate::depgraph::LoadError::Io { path, source } => RiskError::Io { path, source },
                crate::depgraph::LoadError::Invalid { file, diagnostics } => {
                    RiskError::Invalid { file, diagnostics }
                }
            })?;
            let parsed = parse(&src);
            if parsed.diagnostics.iter().any(Diagnostic::is_error) {
                return Err(RiskError::Invalid {
                    file: Some(file.clone()),
                    diagnostics: parsed.diagnostics,
                });
            }
            risks.extend(parsed.risks.into_iter().map(|mut r| {
                r.file = i;
                r
            }));
            if risks.len() > limits::MAX_RISKS {
                return Err(too_large(
                    file,
                    format!("more than {} risks", limits::MAX_RISKS),
                ));
            }
            names.push(file.display().to_string());
        }
        Self::build(risks, names, Some(path))
    }

    fn build(
        risks: Vec<Risk>,
        files: Vec<String>,
        path: Option<&Path>,
    ) -> Result<RiskSet, RiskError> {
        if risks.len() > limits::MAX_RISKS {
            return Err(RiskError::Invalid {
                file: path.map(Path::to_path_buf),
                diagnostics: vec![Diagnostic::error(
                    "too-large",
                    None,
                    format!("more than {} risks", limits::MAX_RISKS),
                )],
            });
        }
        let mut distinct: Vec<&str> = Vec::new();
        let mut index: HashMap<&str, usize> = HashMap::new();
        let mut pattern_of = Vec::with_capacity(risks.len());
        for r in &risks {
            let next = distinct.len();
            let i = *index.entry(r.from.as_str()).or_insert_with(|| {
                distinct.push(r.from.as_str());
                next
            });
            pattern_of.push(i);
        }
        let patterns = if distinct.is_empty() {
            None
        } else {
            let anchored: Vec<String> = distinct.iter().map(|p| anchored(p)).collect();
            let set = regex::RegexSetBuilder::new(&anchored)
                .size_limit(limits::MAX_RISK_REGEX_SET_SIZE)
                .dfa_size_limit(limits::MAX_RISK_REGEX_SET_SIZE)
                .build()
                .map_err(|e| RiskError::Invalid {
                    file: path.map(Path::to_path_buf),
                    diagnostics: vec![
                        Diagnostic::error(
                            "too-large",
                            None,
                            format!(
                                "the risks' `from` patterns together are too large to compile \
                                 (limit {} bytes): {}",
                                limits::MAX_RISK_REGEX_SET_SIZE,
                                regex_error(&e)
                            ),
                        )
                        .with_hint("use fewer or simpler `from` patterns"),
                    ],
                })?;
            Some(set)
        };
        Ok(RiskSet {
            risks,
            files,
            patterns,
            pattern_of,
        })
    }

    /// Every risk, in file order.
    pub fn risks(&self) -> &[Risk] {
        &self.risks
    }

    /// The files the risks were read from (`<text>` for [`RiskSet::from_yaml_str`]).
    pub fn files(&self) -> &[String] {
        &self.files
    }

    /// Whether there is no risk at all.
    pub fn is_empty(&self) -> bool {
        self.risks.is_empty()
    }

    /// Every distinct risk name, sorted.
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.risks.iter().map(|r| r.name.clone()).collect();
        names.sort();
        names.dedup();
        names
    }

    /// Checks that every `--accept-risk` name is a risk's name.
    pub fn check_accepted(&self, accepted: &[String]) -> Result<(), RiskError> {
        let unknown: Vec<String> = accepted
            .iter()
            .filter(|a| !self.risks.iter().any(|r| &r.name == *a))
            .cloned()
            .collect();
        if unknown.is_empty() {
            Ok(())
        } else {
            Err(RiskError::UnknownAccepted {
                unknown,
                known: self.names(),
            })
        }
    }

    /// For each version name, which risks' `from` patterns match it (by risk index).
    pub(crate) fn matching(&self, name: &str) -> Vec<usize> {
        let Some(set) = &self.patterns else {
            return Vec::new();
        };
        let matched = set.matches(name);
        if !matched.matched_any() {
            return Vec::new();
        }
        self.pattern_of
            .iter()
            .enumerate()
            .filter(|&(_, &p)| matched.matched(p))
            .map(|(r, _)| r)
            .collect()
    }
}

fn too_large(file: &Path, message: String) -> RiskError {
    RiskError::Invalid {
        file: Some(file.to_path_buf()),
        diagnostics: vec![Diagnostic::error("too-large", None, message)],
    }
}

/// The risk files of a path: the path itself when it is a file; a directory's `*.yml` and
/// `*.yaml` files (not hidden ones, not subdirectories), sorted by name.
pub fn risk_files(path: &Path) -> Result<Vec<PathBuf>, std::io::Error> {
    if !std::fs::metadata(path)?.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut out = Vec::new();
    for entry in std::fs::read_dir(path)? {
        let p = entry?.path();
        let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
        let wanted = name.is_some_and(|n| !n.starts_with('.'))
            && p.extension().is_some_and(|e| e == "yml" || e == "yaml")
            && p.is_file();
        if wanted {
            out.push(p);
        }
        if out.len() > limits::MAX_RISK_FILES {
            break;
        }
    }
    out.sort();
    Ok(out)
}

/// A pattern anchored at both ends (whole-string match). The pattern is known to be valid on its
/// own, so the group cannot be closed early by the pattern itself.
pub(crate) fn anchored(pattern: &str) -> String {
    format!("^(?:{pattern})$")
}

/// The one-line reason of a syntax error (the parser's message spans several lines with a caret).
fn syntax_reason(text: &str) -> String {
    text.lines()
        .find_map(|l| l.strip_prefix("error: "))
        .unwrap_or("invalid regular expression")
        .to_string()
}

/// The one-line reason of a `regex` error (its syntax errors span several lines with a caret).
fn regex_error(e: &regex::Error) -> String {
    match e {
        regex::Error::Syntax(text) => syntax_reason(text),
        regex::Error::CompiledTooBig(limit) => format!(
            "it compiles to more than the limit of {limit} bytes (a repetition such as `{{1000}}` \
             multiplies the size)"
        ),
        other => other.to_string(),
    }
}

/// Compiles one `from` pattern, anchored ([`anchored`]), within the limits: the reason it is
/// refused, if it is. The pattern is first parsed on its own by the `regex` crate's own parser
/// (same nesting limit), because wrapping it could balance an unbalanced one such as `a)|(b`;
/// parsing costs a fraction of compiling, so the pattern is compiled once.
pub fn compile_pattern(pattern: &str) -> Result<regex::Regex, String> {
    if pattern.len() > limits::MAX_RISK_PATTERN_LEN {
        return Err(format!(
            "the pattern is {} bytes long, more than the limit of {}",
            pattern.len(),
            limits::MAX_RISK_PATTERN_LEN
        ));
    }
    regex_syntax::Parser::new()
        .parse(pattern)
        .map_err(|e| syntax_reason(&e.to_string()))?;
    regex::RegexBuilder::new(&anchored(pattern))
        .size_limit(limits::MAX_RISK_REGEX_SIZE)
        .dfa_size_limit(limits::MAX_RISK_REGEX_SIZE)
        .build()
        .map_err(|e| regex_error(&e))
}

/// Reads one risks file's text: one risk (a mapping) or a list of them. Every problem is
/// collected; errors (`yaml-syntax`, `too-large`, `risk-schema`, `risk-invalid-regex`) make the
/// file unusable. Unknown keys are recorded in each risk's spans for `lint`.
pub fn parse(src: &str) -> ParsedRisks {
    let mut out = ParsedRisks::default();
    let root = match yaml::parse(src) {
        Ok(Some(root)) => root,
        Ok(None) => {
            out.diagnostics.push(
                Diagnostic::error(
                    "risk-schema",
                    Some(Span::point(crate::diagnostic::Position {
                        offset: 0,
                        line: 1,
                        column: 1,
                    })),
                    "the file declares no risks (it is empty or only comments)",
                )
                .with_hint("write one risk, a list of risks, or `[]` for none"),
            );
            return out;
        }
        Err(e) => {
            out.diagnostics
                .push(crate::rollout::inventory::yaml_diagnostic(e));
            return out;
        }
    };
    let items: Vec<&Node> = match &root.value {
        Value::Sequence(items) => items.iter().collect(),
        Value::Mapping(_) => vec![&root],
        _ => {
            out.diagnostics.push(
                Diagnostic::error(
                    "risk-schema",
                    Some(root.span),
                    format!(
                        "a risks file holds one risk (a mapping) or a list of risks, found {}",
                        root.kind_name()
                    ),
                )
                .with_hint("start with `- name: CamelCaseName` (see docs/risks.md)"),
            );
            return out;
        }
    };
    if items.len() > limits::MAX_RISKS {
        out.diagnostics.push(Diagnostic::error(
            "too-large",
            Some(root.span),
            format!(
                "the file lists {} risks, more than the limit of {}",
                items.len(),
                limits::MAX_RISKS
            ),
        ));
        return out;
    }
    for item in items {
        if let Some(r) = read_risk(item, &mut out.diagnostics) {
            out.risks.push(r);
        }
    }
    out
}

/// A required scalar field's text and span, or an error.
fn text_field(
    map: &[(Node, Node)],
    key: &str,
    aliases: &[&str],
    entry: &Node,
    diags: &mut Vec<Diagnostic>,
) -> Option<(String, Span)> {
    let found = map.iter().find(|(k, _)| {
        k.as_scalar()
            .is_some_and(|s| s.text == key || aliases.contains(&s.text.as_str()))
    });
    match found {
        None => {
            diags.push(
                Diagnostic::error(
                    "risk-schema",
                    Some(entry.span),
                    format!("a risk has no `{key}`"),
                )
                .with_hint(
                    "every risk needs `name`, `to`, `from`, `url` and `message` (see docs/risks.md)",
                ),
            );
            None
        }
        Some((_, v)) => match v.as_scalar().filter(|s| !s.is_null()) {
            Some(s) => Some((s.text.clone(), v.span)),
            None => {
                diags.push(Diagnostic::error(
                    "risk-schema",
                    Some(v.span),
                    format!("`{key}` must be a string, found {}", v.kind_name()),
                ));
                None
            }
        },
    }
}

fn read_risk(item: &Node, diags: &mut Vec<Diagnostic>) -> Option<Risk> {
    let Value::Mapping(map) = &item.value else {
        diags.push(
            Diagnostic::error(
                "risk-schema",
                Some(item.span),
                format!("each risk must be a mapping, found {}", item.kind_name()),
            )
            .with_hint("write a risk as `- name: CamelCaseName` followed by its fields"),
        );
        return None;
    };
    let mut spans = RiskSpans {
        entry: item.span,
        ..RiskSpans::default()
    };
    let mut seen: HashMap<&str, Span> = HashMap::new();
    for (k, _) in map {
        let Some(key) = k.as_scalar().filter(|s| !s.is_null()) else {
            diags.push(Diagnostic::error(
                "risk-schema",
                Some(k.span),
                format!("a key must be a plain name, found {}", k.kind_name()),
            ));
            continue;
        };
        let canonical = match key.text.as_str() {
            "matchingRules" => "matching_rules",
            "fixedIn" => "fixed_in",
            other => other,
        };
        if let Some(first) = seen.get(canonical) {
            diags.push(
                Diagnostic::error(
                    "risk-schema",
                    Some(k.span),
                    format!("`{canonical}` is written twice in one risk"),
                )
                .with_related(*first, "first written here"),
            );
            continue;
        }
        seen.insert(canonical, k.span);
        if !RISK_KEYS.contains(&canonical) {
            spans.unknown_keys.push((key.text.clone(), k.span));
        }
    }
    let name = text_field(map, "name", &[], item, diags);
    let to = text_field(map, "to", &[], item, diags);
    let from = text_field(map, "from", &[], item, diags);
    let url = text_field(map, "url", &[], item, diags);
    let message = text_field(map, "message", &[], item, diags);
    let fixed_in = map
        .iter()
        .find(|(k, _)| {
            k.as_scalar()
                .is_some_and(|s| s.text == "fixed_in" || s.text == "fixedIn")
        })
        .and_then(|(_, v)| match v.as_scalar() {
            Some(s) if s.is_null() => None,
            Some(s) => Some(s.text.clone()),
            None => {
                diags.push(Diagnostic::error(
                    "risk-schema",
                    Some(v.span),
                    format!("`fixed_in` must be a version, found {}", v.kind_name()),
                ));
                None
            }
        });
    if let Some((pattern, span)) = &from
        && let Err(reason) = compile_pattern(pattern)
    {
        diags.push(
            Diagnostic::error(
                "risk-invalid-regex",
                Some(*span),
                format!("`from` is not a usable regular expression: {reason}"),
            )
            .with_hint(
                "write a regular expression (Rust `regex` syntax) that matches whole version names, such as '4\\.2\\.1\\.0(-\\d+)?'",
            ),
        );
    }
    let mut rules = Vec::new();
    if let Some((_, v)) = map.iter().find(|(k, _)| {
        k.as_scalar()
            .is_some_and(|s| s.text == "matching_rules" || s.text == "matchingRules")
    }) {
        spans.rules = Some(v.span);
        match &v.value {
            Value::Scalar(s) if s.is_null() => {}
            Value::Sequence(list) => {
                spans.rules_written = list.len();
                for r in list {
                    if let Some((rule, type_span)) = read_rule(r, diags) {
                        rules.push(rule);
                        spans.rule.push((r.span, type_span));
                    }
                }
            }
            _ => diags.push(
                Diagnostic::error(
                    "risk-schema",
                    Some(v.span),
                    format!(
                        "`matching_rules` must be a list of rules, found {}",
                        v.kind_name()
                    ),
                )
                .with_hint(
                    "write `matching_rules: [{type: Always}]` or one `- type: ...` per line",
                ),
            ),
        }
    }
    // A risk with every required field is kept even when another part has an error (the file is
    // refused all the same), so that `lint` checks the rest of it.
    let ((name, name_span), (to, to_span), (from, from_span), (url, url_span), (message, _)) =
        (name?, to?, from?, url?, message?);
    spans.name = name_span;
    spans.to = to_span;
    spans.from = from_span;
    spans.url = url_span;
    Some(Risk {
        name,
        to,
        from,
        url,
        message,
        fixed_in,
        rules,
        file: 0,
        spans,
    })
}

/// A scalar's text as a fact value, or an error naming `what`.
fn fact_value(v: &Node, what: &str, diags: &mut Vec<Diagnostic>) -> Option<FactValue> {
    match v.as_scalar().filter(|s| !s.is_null()) {
        Some(s) => Some(FactValue::new(s.text.clone())),
        None => {
            diags.push(Diagnostic::error(
                "risk-schema",
                Some(v.span),
                format!("`{what}` must be a value, found {}", v.kind_name()),
            ));
            None
        }
    }
}

fn read_rule(node: &Node, diags: &mut Vec<Diagnostic>) -> Option<(MatchingRule, Span)> {
    let Value::Mapping(map) = &node.value else {
        diags.push(
            Diagnostic::error(
                "risk-schema",
                Some(node.span),
                format!("a matching rule must be a mapping, found {}", node.kind_name()),
            )
            .with_hint("write a rule as `{type: Always}`, `{type: Fact, fact: NAME, equals: VALUE}` or `{type: SQL, sql: QUERY}`"),
        );
        return None;
    };
    let get = |key: &str| {
        map.iter()
            .find(|(k, _)| k.as_scalar().is_some_and(|s| s.text == key))
            .map(|(_, v)| v)
    };
    let Some(type_node) = get("type") else {
        diags.push(
            Diagnostic::error(
                "risk-schema",
                Some(node.span),
                "a matching rule has no `type`",
            )
            .with_hint("the types are Fact, SQL and Always"),
        );
        return None;
    };
    let Some(kind) = type_node.as_scalar().filter(|s| !s.is_null()) else {
        diags.push(Diagnostic::error(
            "risk-schema",
            Some(type_node.span),
            format!("`type` must be a name, found {}", type_node.kind_name()),
        ));
        return None;
    };
    let errors_before = diags.iter().filter(|d| d.is_error()).count();
    let rule = match kind.text.as_str() {
        "Always" => MatchingRule::Always,
        "SQL" => {
            match get("sql").and_then(|v| v.as_scalar().filter(|s| !s.is_null()).map(|s| (s, v))) {
                Some((s, _)) => MatchingRule::Sql {
                    sql: s.text.clone(),
                },
                None => {
                    diags.push(
                        Diagnostic::error(
                            "risk-schema",
                            Some(get("sql").map_or(node.span, |v| v.span)),
                            "an SQL rule needs `sql: QUERY` (a string)",
                        )
                        .with_hint("write the query an operator runs to decide the risk"),
                    );
                    return None;
                }
            }
        }
        "Fact" => {
            let fact = match get("fact").and_then(|v| v.as_scalar().filter(|s| !s.is_null())) {
                Some(s) if !s.text.trim().is_empty() => s.text.trim().to_string(),
                _ => {
                    diags.push(
                        Diagnostic::error(
                            "risk-schema",
                            Some(get("fact").map_or(node.span, |v| v.span)),
                            "a Fact rule needs `fact: NAME` (a dotted name such as parameters.enable_x)",
                        ),
                    );
                    return None;
                }
            };
            let mut tests = Vec::new();
            if let Some(v) = get("equals") {
                tests.push((v.span, fact_value(v, "equals", diags).map(FactTest::Equals)));
            }
            if let Some(v) = get("in") {
                let test = match &v.value {
                    Value::Sequence(items) => items
                        .iter()
                        .map(|i| fact_value(i, "in", diags))
                        .collect::<Option<Vec<_>>>()
                        .map(FactTest::In),
                    _ => {
                        diags.push(Diagnostic::error(
                            "risk-schema",
                            Some(v.span),
                            format!("`in` must be a list of values, found {}", v.kind_name()),
                        ));
                        None
                    }
                };
                tests.push((v.span, test));
            }
            if let Some(v) = get("exists") {
                let test = match v.as_scalar().and_then(yaml::Scalar::as_bool) {
                    Some(b) => Some(FactTest::Exists(b)),
                    None => {
                        diags.push(Diagnostic::error(
                            "risk-schema",
                            Some(v.span),
                            "`exists` must be true or false",
                        ));
                        None
                    }
                };
                tests.push((v.span, test));
            }
            if let [_, (second, _), ..] = tests.as_slice() {
                diags.push(
                    Diagnostic::error(
                        "risk-schema",
                        Some(*second),
                        "a Fact rule has more than one comparison",
                    )
                    .with_hint("keep one of `equals`, `in` and `exists`; write two rules for two comparisons"),
                );
            }
            MatchingRule::Fact {
                fact,
                test: tests.into_iter().next().and_then(|(_, t)| t),
            }
        }
        other => MatchingRule::Unknown {
            kind: other.to_string(),
        },
    };
    let errors_after = diags.iter().filter(|d| d.is_error()).count();
    (errors_after == errors_before).then_some((rule, type_node.span))
}

/// The known risk key `key` is a misspelling of, if any (for `lint`'s hint).
pub fn misspelled_key(key: &str) -> Option<&'static str> {
    misspelling_of(key, &RISK_KEYS)
}

/// Entry point for fuzzing and corpus replay: reads bytes as a risks file, and when valid binds
/// it to a small fixed graph and plans with it (no facts, nothing accepted); lints it too. Never
/// panics.
pub fn fuzz_entry(data: &[u8]) {
    let src = String::from_utf8_lossy(data);
    let _ = lint::lint_source(&src, "fuzz.yml", None);
    let Ok(set) = RiskSet::from_yaml_str(&src) else {
        return;
    };
    let Ok(graph) = crate::DepGraph::from_yaml_str(
        "- version: 4.2.1.0\n  can_be_upgraded_to: [4.2.1.1, 4.2.1.2]\n\
         - version: 4.2.1.1\n  can_be_upgraded_to: [4.2.1.2, 4.3.0.0]\n\
         - version: 4.2.1.2\n  can_be_upgraded_to: [4.3.0.0]\n  require_from_binary: true\n",
    ) else {
        return;
    };
    let _ = lint::lint_source(&src, "fuzz.yml", Some(&graph));
    let bound = set.bind(&graph);
    let mut facts = facts::Facts::new();
    facts.insert("parameters.enable_rebuild_on_purge", "True");
    for (f, accepted) in [(None, Vec::new()), (Some(&facts), set.names())] {
        let a = bound.assess(f, &accepted);
        for to in ["4.2.1.1", "4.3.0.0", "latest"] {
            let req =
                crate::PlanRequest::new("4.2.1.0", to.parse().unwrap_or(crate::Target::Latest));
            if let Ok(plan) = a.plan(&req) {
                assert_eq!(plan.hops + 1, plan.path.len(), "hops and path agree");
            }
        }
        let _ = a.targets("4.2.1.0", crate::Objective::Stops, true);
    }
    let _ = crate::render::graph::to_cincinnati(&graph, Some(&bound));
}
