//! `lint --risks`: every problem a release engineer can make in a risks file, as findings with
//! the same positions, formats and exit codes as the dependency file's (see [`crate::lint`]).
//!
//! The loader's own errors (`yaml-syntax`, `too-large`, `risk-schema`, `risk-invalid-regex`)
//! make a file unusable for planning; the other rules are `lint`'s: they check the risks against
//! the dependency file (`risk-unknown-version`, `risk-matches-no-edge`) and against each other
//! and the format's conventions. Every rule is listed in [`RISK_RULES`] and documented in
//! `docs/lint.md`.
//!
//! ```
//! use upgrade_planner::risks::lint::lint_source;
//! let found = lint_source(
//!     "- {name: bad_name, to: 1.0, from: '0\\..*', url: http://x.invalid, message: m}\n",
//!     "risks.yml",
//!     None,
//! );
//! let codes: Vec<_> = found.iter().map(|d| d.code).collect();
//! assert_eq!(codes, ["risk-name", "risk-no-rules", "risk-url"]);
//! ```

use super::{MatchingRule, RULE_TYPES, Risk, parse, risk_files};
use crate::depgraph::{DepGraph, misspelling_of};
use crate::diagnostic::{Diagnostic, Severity, Span};
use crate::lint::{FileReport, Rule};
use std::path::Path;

/// Every rule of a risks file, in the order of `docs/lint.md` (`yaml-syntax` and `too-large` are
/// the dependency file's rules of the same names).
pub const RISK_RULES: &[Rule] = &[
    Rule {
        id: "risk-schema",
        severity: Severity::Error,
        summary: "A risks file has the wrong shape: not a risk or a list of risks, a required field (`name`, `to`, `from`, `url`, `message`) missing or not a string, a rule without `type`, an SQL rule without `sql`, or a Fact rule without `fact` or with two comparisons.",
        fix: "Write each risk with the fields docs/risks.md lists.",
    },
    Rule {
        id: "risk-invalid-regex",
        severity: Severity::Error,
        summary: "`from` is not a regular expression, or is longer or compiles larger than the limits.",
        fix: "Write a regular expression over whole version names, such as '4\\.2\\.1\\.0(-\\d+)?'.",
    },
    Rule {
        id: "risk-unknown-version",
        severity: Severity::Error,
        summary: "`to` is not a version of the dependency file, so the risk is on no edge.",
        fix: "Name a version the dependency file has.",
    },
    Rule {
        id: "risk-matches-no-edge",
        severity: Severity::Error,
        summary: "`from` matches the source of no upgrade edge into `to`, so the risk is on no edge.",
        fix: "Fix the pattern (it must match a whole version name) or `to`.",
    },
    Rule {
        id: "risk-name",
        severity: Severity::Error,
        summary: "The name is not CamelCase (an ASCII capital letter, then letters and digits), as `--accept-risk` and OpenShift's risks expect.",
        fix: "Rename the risk, such as `PurgeRebuildCorruption`.",
    },
    Rule {
        id: "risk-name-conflict",
        severity: Severity::Error,
        summary: "Two risks share a name but not their `url`, `message` and rules, so accepting the name would accept different things.",
        fix: "Give one of them another name, or make them the same risk.",
    },
    Rule {
        id: "risk-url",
        severity: Severity::Error,
        summary: "`url` is not an https:// address.",
        fix: "Link the page that explains the risk over https.",
    },
    Rule {
        id: "risk-no-rules",
        severity: Severity::Error,
        summary: "The risk has no `matching_rules`: it applies to every cluster (nothing can be evaluated).",
        fix: "Add rules, or `matching_rules: [{type: Always}]` to say so.",
    },
    Rule {
        id: "risk-duplicate-rule-type",
        severity: Severity::Error,
        summary: "Two rules of a risk have the same type; only the first of them that can be evaluated ever decides.",
        fix: "Merge them (a Fact rule's `in: [...]` lists several values).",
    },
    Rule {
        id: "risk-fact-without-comparison",
        severity: Severity::Error,
        summary: "A Fact rule has no `equals`, `in` or `exists`, so it can never be evaluated.",
        fix: "Add the comparison the rule is about.",
    },
    Rule {
        id: "risk-unknown-rule-type",
        severity: Severity::Warning,
        summary: "A rule's type is not Fact, SQL or Always; it is skipped, as OpenShift's clients skip types they do not know.",
        fix: "Use Fact, SQL or Always (types are case-sensitive).",
    },
    Rule {
        id: "risk-unknown-key",
        severity: Severity::Warning,
        summary: "A risk has a key the format does not define; it is ignored.",
        fix: "Fix the spelling or remove the key.",
    },
];

/// The risk rule with this id, if any.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RISK_RULES.iter().find(|r| r.id == id)
}

/// Whether `name` is CamelCase: an ASCII capital letter, then ASCII letters and digits.
pub fn is_camel_case(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_uppercase()) && chars.all(|c| c.is_ascii_alphanumeric())
}

/// Whether `url` is an https:// address with a host. (A full URL parser adds nothing here: the
/// scheme is what the rule is about.)
pub fn is_https(url: &str) -> bool {
    url.strip_prefix("https://").is_some_and(|rest| {
        let host = rest.split(['/', '?', '#']).next().unwrap_or("");
        !host.is_empty() && !rest.chars().any(char::is_whitespace)
    })
}

/// The findings of one file's risks on their own (every rule but the name conflicts between
/// files), and, with the dependency graph, whether each risk is on some edge.
fn check_risks(risks: &[Risk], graph: Option<&DepGraph>, diags: &mut Vec<Diagnostic>) {
    for r in risks {
        let s = &r.spans;
        if !is_camel_case(&r.name) {
            diags.push(
                Diagnostic::error(
                    "risk-name",
                    Some(s.name),
                    format!(
                        "risk name `{}` is not CamelCase",
                        crate::lint::shown(&r.name)
                    ),
                )
                .with_hint("start with a capital letter and use only letters and digits, such as `PurgeRebuildCorruption`"),
            );
        }
        if !is_https(&r.url) {
            diags.push(
                Diagnostic::error(
                    "risk-url",
                    Some(s.url),
                    format!(
                        "`url` `{}` is not an https:// address",
                        crate::lint::shown(&r.url)
                    ),
                )
                .with_hint("link the page that explains the risk, over https"),
            );
        }
        if s.rules_written == 0 {
            diags.push(
                Diagnostic::error(
                    "risk-no-rules",
                    Some(s.rules.unwrap_or(s.name)),
                    format!(
                        "risk `{}` has no matching rules, so it applies to every cluster",
                        crate::lint::shown(&r.name)
                    ),
                )
                .with_hint(
                    "add rules, or `matching_rules: [{type: Always}]` to say it applies everywhere",
                ),
            );
        }
        let mut seen: Vec<(&str, Span)> = Vec::new();
        for (rule, &(rule_span, type_span)) in r.rules.iter().zip(&s.rule) {
            let kind = rule.kind();
            if let Some((_, first)) = seen.iter().find(|(k, _)| *k == kind) {
                diags.push(
                    Diagnostic::error(
                        "risk-duplicate-rule-type",
                        Some(type_span),
                        format!(
                            "risk `{}` has two `{kind}` rules",
                            crate::lint::shown(&r.name)
                        ),
                    )
                    .with_related(*first, "the first one")
                    .with_hint(
                        "merge them into one rule (a Fact rule's `in: [...]` lists several values)",
                    ),
                );
            } else {
                seen.push((kind, type_span));
            }
            match rule {
                MatchingRule::Unknown { kind } => {
                    let hint = RULE_TYPES
                        .iter()
                        .find(|t| t.eq_ignore_ascii_case(kind))
                        .map(|t| format!("types are case-sensitive: write `{t}`"))
                        .unwrap_or_else(|| "the types are Fact, SQL and Always".to_string());
                    diags.push(
                        Diagnostic::warning(
                            "risk-unknown-rule-type",
                            Some(type_span),
                            format!(
                                "rule type `{}` is not Fact, SQL or Always: the rule is skipped",
                                crate::lint::shown(kind)
                            ),
                        )
                        .with_hint(hint),
                    );
                }
                MatchingRule::Fact { fact, test: None } => diags.push(
                    Diagnostic::error(
                        "risk-fact-without-comparison",
                        Some(rule_span),
                        format!(
                            "the Fact rule on `{}` has no comparison, so it is never evaluated",
                            crate::lint::shown(fact)
                        ),
                    )
                    .with_hint("add `equals: VALUE`, `in: [VALUES]` or `exists: true`"),
                ),
                _ => {}
            }
        }
        for (key, span) in &s.unknown_keys {
            let mut d = Diagnostic::warning(
                "risk-unknown-key",
                Some(*span),
                format!("unknown key `{}` in a risk", crate::lint::shown(key)),
            );
            d = match misspelling_of(key, &super::RISK_KEYS) {
                Some(meant) => d.with_hint(format!("did you mean `{meant}`?")),
                None => d.with_hint(format!("the keys are: {}", super::RISK_KEYS.join(", "))),
            };
            diags.push(d);
        }
        let Some(g) = graph else {
            continue;
        };
        let Some(to) = g.find(&r.to) else {
            let nearest: Vec<String> = g
                .suggest(&r.to, true)
                .into_iter()
                .map(|ix| g.node(ix).version.as_str().to_string())
                .collect();
            let mut d = Diagnostic::error(
                "risk-unknown-version",
                Some(s.to),
                format!(
                    "`to` `{}` is not a version of the dependency file",
                    crate::lint::shown(&r.to)
                ),
            );
            if !nearest.is_empty() {
                d = d.with_hint(format!("nearest versions: {}", nearest.join(", ")));
            }
            diags.push(d);
            continue;
        };
        let Ok(re) = super::compile_pattern(&r.from) else {
            continue;
        };
        let sources: Vec<String> = g
            .graph()
            .neighbors_directed(to, petgraph::Direction::Incoming)
            .map(|ix| g.node(ix).version.as_str().to_string())
            .collect();
        if !sources.iter().any(|v| re.is_match(v)) {
            let mut sorted = sources.clone();
            sorted.sort();
            diags.push(
                Diagnostic::error(
                    "risk-matches-no-edge",
                    Some(s.from),
                    format!(
                        "`from` matches no version that upgrades to `{}`{}",
                        crate::lint::shown(&r.to),
                        if sorted.is_empty() {
                            ": nothing upgrades to it".to_string()
                        } else {
                            format!(" (those are: {})", sorted.join(", "))
                        }
                    ),
                )
                .with_hint("the pattern must match the whole version name; escape dots as `\\.`"),
            );
        }
    }
}

/// Whether two risks with one name define the same risk (url, message and rules).
fn same_risk(a: &Risk, b: &Risk) -> bool {
    a.url == b.url && a.message == b.message && a.rules == b.rules
}

/// Lints one risks file's text (`file` names it in cross-file messages), against the dependency
/// graph when given. Findings are sorted by position; every span lies inside `src`.
pub fn lint_source(src: &str, file: &str, graph: Option<&DepGraph>) -> Vec<Diagnostic> {
    let reports = lint_sources(&[(file.to_string(), src.to_string())], graph);
    reports
        .into_iter()
        .next()
        .map(|r| r.diagnostics)
        .unwrap_or_default()
}

/// Lints several risks files' texts together (names are checked across all of them).
pub fn lint_sources(files: &[(String, String)], graph: Option<&DepGraph>) -> Vec<FileReport> {
    let mut parsed: Vec<(Vec<Risk>, Vec<Diagnostic>)> = Vec::new();
    for (_, src) in files {
        let p = parse(src);
        let mut diags = p.diagnostics;
        check_risks(&p.risks, graph, &mut diags);
        parsed.push((p.risks, diags));
    }
    // Name conflicts: each later risk against the first with its name.
    let mut first: Vec<(usize, usize)> = Vec::new();
    for fi in 0..parsed.len() {
        let count = parsed.get(fi).map_or(0, |p| p.0.len());
        for ri in 0..count {
            let Some(r) = parsed.get(fi).and_then(|p| p.0.get(ri)).cloned() else {
                continue;
            };
            let earlier = first.iter().copied().find(|&(f, i)| {
                parsed
                    .get(f)
                    .and_then(|p| p.0.get(i))
                    .is_some_and(|e| e.name == r.name)
            });
            let Some((f, i)) = earlier else {
                first.push((fi, ri));
                continue;
            };
            let Some(e) = parsed.get(f).and_then(|p| p.0.get(i)).cloned() else {
                continue;
            };
            if same_risk(&e, &r) {
                continue;
            }
            let what = [
                (e.url != r.url, "url"),
                (e.message != r.message, "message"),
                (e.rules != r.rules, "matching rules"),
            ]
            .iter()
            .filter(|(differs, _)| *differs)
            .map(|(_, w)| *w)
            .collect::<Vec<_>>()
            .join(", ");
            let where_first = format!(
                "{}:{}:{}",
                files.get(f).map_or("", |x| x.0.as_str()),
                e.spans.name.start.line,
                e.spans.name.start.column
            );
            let mut d = Diagnostic::error(
                "risk-name-conflict",
                Some(r.spans.name),
                format!(
                    "risk `{}` is defined again with a different {what} (first at {where_first})",
                    crate::lint::shown(&r.name)
                ),
            )
            .with_hint("give one of them another name, or make them the same risk");
            if f == fi {
                d = d.with_related(e.spans.name, "first defined here");
            }
            if let Some(p) = parsed.get_mut(fi) {
                p.1.push(d);
            }
        }
    }
    files
        .iter()
        .zip(parsed)
        .map(|((file, src), (_, mut diagnostics))| {
            crate::lint::finish(src, &mut diagnostics);
            FileReport {
                file: file.clone(),
                source: src.clone(),
                diagnostics,
            }
        })
        .collect()
}

/// Lints a risks file, or every risk file of a directory, against the dependency graph when
/// given: one report per file. A file too large or not UTF-8 is a report with that finding; only a
/// path that cannot be read is an error.
pub fn lint_path(path: &Path, graph: Option<&DepGraph>) -> Result<Vec<FileReport>, std::io::Error> {
    let files = risk_files(path)?;
    let mut sources = Vec::new();
    let mut unreadable = Vec::new();
    for f in files.iter().take(crate::limits::MAX_RISK_FILES) {
        let name = f.display().to_string();
        match crate::depgraph::read_yaml_file(f) {
            Ok(src) => sources.push((name, src)),
            Err(crate::depgraph::LoadError::Io { source, .. }) => return Err(source),
            Err(crate::depgraph::LoadError::Invalid { diagnostics, .. }) => {
                unreadable.push(FileReport {
                    file: name,
                    source: String::new(),
                    diagnostics,
                });
            }
        }
    }
    let mut reports = lint_sources(&sources, graph);
    reports.extend(unreadable);
    if files.is_empty() {
        reports.push(FileReport {
            file: path.display().to_string(),
            source: String::new(),
            diagnostics: vec![Diagnostic::error(
                "risk-schema",
                None,
                "the directory holds no `*.yml` or `*.yaml` risk file",
            )],
        });
    } else if files.len() > crate::limits::MAX_RISK_FILES {
        reports.push(FileReport {
            file: path.display().to_string(),
            source: String::new(),
            diagnostics: vec![Diagnostic::error(
                "too-large",
                None,
                format!(
                    "the directory holds more than {} risk files; only the first were checked",
                    crate::limits::MAX_RISK_FILES
                ),
            )],
        });
    }
    reports.sort_by(|a, b| a.file.cmp(&b.file));
    Ok(reports)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_urls() {
        for ok in ["PurgeRebuildCorruption", "AWSOldBootImage", "R2"] {
            assert!(is_camel_case(ok), "{ok}");
        }
        for bad in ["", "purge", "Purge_Rebuild", "Purge-Rebuild", "Ünicode"] {
            assert!(!is_camel_case(bad), "{bad}");
        }
        assert!(is_https("https://example.invalid/kb/1"));
        for bad in [
            "http://x",
            "https://",
            "https:///path",
            "ftp://x",
            "https://a b",
        ] {
            assert!(!is_https(bad), "{bad}");
        }
    }

    #[test]
    fn every_emitted_code_is_a_rule() {
        let g = DepGraph::from_yaml_str("- version: 1.0\n  can_be_upgraded_to: [2.0]\n").unwrap();
        let src = "- {name: a, to: 3.0, from: '1\\.0', url: http://x, message: m, colour: red}\n\
                   - {name: B, to: 2.0, from: '9', url: https://x, message: m, matching_rules: [{type: always}, {type: Fact, fact: f}, {type: Fact, fact: g, exists: true}]}\n\
                   - {name: B, to: 2.0, from: '1\\.0', url: https://y, message: m, matching_rules: []}\n\
                   - {name: C, to: 2.0, from: '(', url: https://y, message: m}\n\
                   - [1]\n";
        for d in lint_source(src, "r.yml", Some(&g)) {
            let r = rule(d.code).or_else(|| crate::lint::rule(d.code));
            assert!(r.is_some(), "{} has no rule", d.code);
            assert_eq!(r.map(|r| r.severity), Some(d.severity), "{}", d.code);
        }
    }
}
