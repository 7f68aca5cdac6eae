//! `lint` findings in four formats: text (rustc-style snippets and a summary line, like cargo),
//! JSON (`upgrade-planner/lint/v1`), SARIF 2.1.0 (for GitHub code scanning) and GitHub Actions
//! workflow commands (`::error file=…,line=…,col=…::…`). Each field is documented in `docs/lint.md`.

use super::{diagnostics, style};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::{FileReport, LINT_SCHEMA, RULES};
use serde_json::{Value, json};

/// A file that could not be read at all (the command then exits 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadFailure {
    /// The file as given on the command line.
    pub file: String,
    /// Why it could not be read.
    pub message: String,
}

/// Counts of findings by severity over every report: (errors, warnings, notes).
pub fn counts(reports: &[FileReport]) -> (usize, usize, usize) {
    reports.iter().fold((0, 0, 0), |(e, w, n), r| {
        (
            e + r.count(Severity::Error),
            w + r.count(Severity::Warning),
            n + r.count(Severity::Note),
        )
    })
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The summary line, like cargo's: `Checked 2 files: 1 error, 3 warnings, 0 notes`.
pub fn summary(reports: &[FileReport]) -> String {
    let (e, w, n) = counts(reports);
    let h = style::HEADING;
    let paint = |count: usize, word: &str, s: anstyle::Style| {
        if count == 0 {
            plural(count, word)
        } else {
            format!("{s}{}{s:#}", plural(count, word))
        }
    };
    format!(
        "{h}Checked{h:#} {}: {}, {}, {}\n",
        plural(reports.len(), "file"),
        paint(e, "error", style::ERROR),
        paint(w, "warning", style::WARNING),
        paint(n, "note", style::NOTE),
    )
}

/// Every finding as rustc-style text with a source snippet, then the summary line.
pub fn to_text(reports: &[FileReport]) -> String {
    let mut out = String::new();
    for r in reports {
        for d in &r.diagnostics {
            out.push_str(&diagnostics::to_text(&r.file, &r.source, d));
            out.push('\n');
        }
    }
    out.push_str(&summary(reports));
    out
}

/// One finding as a JSON object: `rule`, `severity`, `file`, `line`, `column`, `end_line`,
/// `end_column`, `message`, then `hint` and `related` when present.
pub fn finding_to_json(file: &str, d: &Diagnostic) -> Value {
    let mut obj = serde_json::Map::new();
    obj.insert("rule".into(), d.code.into());
    if let Value::Object(base) = diagnostics::to_json(file, d) {
        for (k, v) in base {
            if k != "code" {
                obj.insert(k, v);
            }
        }
    }
    Value::Object(obj)
}

/// The `upgrade-planner/lint/v1` document.
pub fn to_json(reports: &[FileReport], unreadable: &[ReadFailure]) -> Value {
    let (e, w, n) = counts(reports);
    json!({
        "schema": LINT_SCHEMA,
        "files": reports.iter().map(|r| json!({
            "file": r.file,
            "errors": r.count(Severity::Error),
            "warnings": r.count(Severity::Warning),
            "notes": r.count(Severity::Note),
        })).collect::<Vec<_>>(),
        "findings": reports
            .iter()
            .flat_map(|r| r.diagnostics.iter().map(|d| finding_to_json(&r.file, d)))
            .collect::<Vec<_>>(),
        "unreadable": unreadable.iter().map(|u| json!({"file": u.file, "message": u.message})).collect::<Vec<_>>(),
        "summary": {"files": reports.len(), "errors": e, "warnings": w, "notes": n},
    })
}

/// A file name as a SARIF `artifactLocation.uri`: a relative URI reference with `/` separators
/// (GitHub code scanning resolves it against the repository root), or a `file://` URI for an
/// absolute path. Characters outside RFC 3986's unreserved set (and `/`) are percent-encoded.
pub fn artifact_uri(file: &str) -> String {
    use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
    const KEEP: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~')
        .remove(b'/');
    let path = file.replace('\\', "/");
    let path = path.strip_prefix("./").unwrap_or(&path);
    let encoded = utf8_percent_encode(path, KEEP).to_string();
    if path.starts_with('/') {
        format!("file://{encoded}")
    } else {
        encoded
    }
}

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// `dead-end` → `DeadEnd`, SARIF's readable rule name.
fn pascal_case(id: &str) -> String {
    id.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

fn sarif_region(span: Option<crate::diagnostic::Span>) -> Value {
    match span {
        Some(s) => json!({
            "startLine": s.start.line,
            "startColumn": s.start.column,
            "endLine": s.end.line,
            "endColumn": s.end.column.max(if s.end.line == s.start.line { s.start.column } else { 1 }),
        }),
        // A finding about the whole file: GitHub needs a line, the first one stands for the file.
        None => json!({"startLine": 1}),
    }
}

/// A SARIF 2.1.0 log with one run: every rule in `tool.driver.rules`, every finding a result with
/// `ruleId`, `ruleIndex`, `level`, `message` and a physical location; unreadable files are tool
/// execution notifications (and make `executionSuccessful` false).
pub fn to_sarif(reports: &[FileReport], unreadable: &[ReadFailure]) -> Value {
    // The risks files' rules join the table only when some finding is one of them, so that a
    // run without `--risks` lists exactly the dependency file's rules.
    let risk_rules = crate::risks::lint::RISK_RULES;
    let with_risks = reports
        .iter()
        .flat_map(|r| &r.diagnostics)
        .any(|d| risk_rules.iter().any(|r| r.id == d.code));
    let table: Vec<&crate::lint::Rule> = RULES
        .iter()
        .chain(risk_rules.iter().filter(|_| with_risks))
        .collect();
    let rules: Vec<Value> = table
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": pascal_case(r.id),
                "shortDescription": {"text": r.summary},
                "fullDescription": {"text": format!("{} {}", r.summary, r.fix)},
                "help": {"text": r.fix, "markdown": format!("**{}** ({}): {}\n\n{}", r.id, r.severity, r.summary, r.fix)},
                "defaultConfiguration": {"level": sarif_level(r.severity)},
                "properties": {"tags": ["upgrade-dependencies"]},
            })
        })
        .collect();
    let mut results = Vec::new();
    for r in reports {
        let uri = artifact_uri(&r.file);
        for d in &r.diagnostics {
            let mut text = d.message.clone();
            if let Some(h) = &d.hint {
                text.push_str(&format!("\nhint: {h}"));
            }
            let mut result = json!({
                "ruleId": d.code,
                "level": sarif_level(d.severity),
                "message": {"text": text},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri},
                        "region": sarif_region(d.span),
                    }
                }],
            });
            if let Some(obj) = result.as_object_mut() {
                if let Some(ix) = table.iter().position(|rule| rule.id == d.code) {
                    obj.insert("ruleIndex".into(), ix.into());
                }
                if !d.related.is_empty() {
                    let related: Vec<Value> = d
                        .related
                        .iter()
                        .enumerate()
                        .map(|(i, rel)| {
                            json!({
                                "id": i,
                                "physicalLocation": {
                                    "artifactLocation": {"uri": uri},
                                    "region": sarif_region(Some(rel.span)),
                                },
                                "message": {"text": rel.message},
                            })
                        })
                        .collect();
                    obj.insert("relatedLocations".into(), related.into());
                }
            }
            results.push(result);
        }
    }
    let notifications: Vec<Value> = unreadable
        .iter()
        .map(|u| {
            json!({
                "level": "error",
                "message": {"text": format!("cannot read {}: {}", u.file, u.message)},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": artifact_uri(&u.file)}}}],
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "upgrade-planner",
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "invocations": [{
                "executionSuccessful": unreadable.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}

/// Escapes the message of a workflow command (GitHub's `escapeData`: `%`, CR, LF).
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property of a workflow command (GitHub's `escapeProperty`: also `:` and `,`).
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Every finding as a GitHub Actions workflow command (`::error`, `::warning`, `::notice`), which
/// GitHub shows as an annotation on the line, then the summary line as plain log text.
pub fn to_github(reports: &[FileReport]) -> String {
    let mut out = String::new();
    for r in reports {
        for d in &r.diagnostics {
            let command = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Note => "notice",
            };
            let mut props = vec![format!("file={}", escape_property(&r.file))];
            if let Some(s) = d.span {
                props.push(format!("line={}", s.start.line));
                props.push(format!("col={}", s.start.column));
                props.push(format!("endLine={}", s.end.line));
                props.push(format!("endColumn={}", s.end.column));
            }
            props.push(format!(
                "title={}",
                escape_property(&format!("upgrade-planner lint [{}]", d.code))
            ));
            let mut message = d.message.clone();
            if let Some(h) = &d.hint {
                message.push_str(&format!("\nhint: {h}"));
            }
            out.push_str(&format!(
                "::{command} {}::{}\n",
                props.join(","),
                escape_data(&message)
            ));
        }
    }
    out.push_str(&strip_styles(&summary(reports)));
    out
}

/// Removes ANSI escape sequences (workflow-command output is read by GitHub, never a terminal).
fn strip_styles(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_escaping_follows_the_toolkit() {
        assert_eq!(escape_data("50% done\r\nnext"), "50%25 done%0D%0Anext");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }

    #[test]
    fn uris_are_relative_references() {
        assert_eq!(artifact_uri("data/x y.yml"), "data/x%20y.yml");
        assert_eq!(artifact_uri("./a\\b.yml"), "a/b.yml");
        assert_eq!(artifact_uri("/tmp/a.yml"), "file:///tmp/a.yml");
    }

    #[test]
    fn github_commands_carry_positions() {
        let r = FileReport::from_source(
            "d,1.yml",
            "- version: 4.1\n  can_be_upgraded_to: [4.1]\n".into(),
            None,
        );
        let out = to_github(&[r]);
        let first = out.lines().next().unwrap();
        assert!(
            first.starts_with("::warning file=d%2C1.yml,line=1,col=12,endLine=1,endColumn=15,title=upgrade-planner lint [float-version]::"),
            "{first}"
        );
        assert!(
            out.contains("::error file=d%2C1.yml,line=2,col=24"),
            "{out}"
        );
        assert!(
            out.ends_with("Checked 1 file: 1 error, 2 warnings, 0 notes\n"),
            "{out}"
        );
    }

    #[test]
    fn pascal_case_names() {
        assert_eq!(
            pascal_case("unreachable-barrier-condition"),
            "UnreachableBarrierCondition"
        );
    }
}
