//! Diagnostics as text (rustc-style, with a source snippet and a caret under the offending scalar)
//! and as JSON.

use super::style;
use crate::diagnostic::{Diagnostic, Severity, Span};
use anstyle::Style;

fn severity_style(s: Severity) -> Style {
    match s {
        Severity::Error => style::ERROR,
        Severity::Warning => style::WARNING,
        Severity::Note => style::NOTE,
    }
}

/// The source line holding `span`'s start, and the caret line under the span (on that line only).
fn snippet(src: &str, span: Span) -> Option<(String, String)> {
    let line = src.lines().nth(span.start.line.checked_sub(1)?)?;
    let line = line.strip_suffix('\r').unwrap_or(line);
    let start_col = span.start.column.saturating_sub(1);
    let width = if span.end.line == span.start.line && span.end.column > span.start.column {
        span.end.column - span.start.column
    } else {
        1
    };
    let line_chars = line.chars().count();
    let width = width.min(line_chars.saturating_sub(start_col)).max(1);
    let prefix: String = line
        .chars()
        .take(start_col)
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    Some((line.to_string(), format!("{prefix}{}", "^".repeat(width))))
}

/// Renders one diagnostic as rustc-style text:
///
/// ```text
/// error[duplicate-version]: version `4.1` is declared twice
///   --> deps.yml:2:12
///    |
///  2 | - version: 4.1
///    |            ^^^
///    = hint: merge the two entries into one
/// ```
pub fn to_text(file: &str, src: &str, d: &Diagnostic) -> String {
    let sev = severity_style(d.severity);
    let gutter_style = style::NOTE;
    let mut out = format!(
        "{sev}{}[{}]{sev:#}{h}: {}{h:#}\n",
        d.severity,
        d.code,
        d.message,
        h = style::HEADING
    );
    let mut locations: Vec<(Span, Option<&str>, Style)> = Vec::new();
    if let Some(span) = d.span {
        locations.push((span, None, sev));
    }
    for r in &d.related {
        locations.push((r.span, Some(r.message.as_str()), gutter_style));
    }
    let width = locations
        .iter()
        .map(|(s, _, _)| s.start.line.to_string().len())
        .max()
        .unwrap_or(1);
    let pad = " ".repeat(width);
    match d.span {
        Some(span) => out.push_str(&format!(
            "{pad}{gutter_style}-->{gutter_style:#} {file}:{}:{}\n",
            span.start.line, span.start.column
        )),
        None => out.push_str(&format!("{pad}{gutter_style}-->{gutter_style:#} {file}\n")),
    }
    for (span, label, caret_style) in &locations {
        let Some((line, carets)) = snippet(src, *span) else {
            continue;
        };
        let number = span.start.line;
        out.push_str(&format!("{pad} {gutter_style}|{gutter_style:#}\n"));
        out.push_str(&format!(
            "{gutter_style}{number:>width$} |{gutter_style:#} {line}\n"
        ));
        let label = label.map(|l| format!(" {l}")).unwrap_or_default();
        out.push_str(&format!(
            "{pad} {gutter_style}|{gutter_style:#} {caret_style}{carets}{label}{caret_style:#}\n"
        ));
    }
    if let Some(hint) = &d.hint {
        out.push_str(&format!(
            "{pad} {gutter_style}={gutter_style:#} {h}hint{h:#}: {hint}\n",
            h = style::HEADING
        ));
    }
    out
}

/// Renders a list of diagnostics as text, separated by blank lines.
pub fn list_to_text(file: &str, src: &str, diags: &[Diagnostic]) -> String {
    diags
        .iter()
        .map(|d| to_text(file, src, d))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A diagnostic as a JSON object: `code`, `severity`, `file`, `line`, `column` (1-based, of the
/// offending scalar; null when the finding concerns the whole file), `end_line`, `end_column`,
/// `message`, `hint` (may be absent), `related` (may be absent).
pub fn to_json(file: &str, d: &Diagnostic) -> serde_json::Value {
    let mut v = serde_json::json!({
        "code": d.code,
        "severity": d.severity,
        "file": file,
        "line": d.span.map(|s| s.start.line),
        "column": d.span.map(|s| s.start.column),
        "end_line": d.span.map(|s| s.end.line),
        "end_column": d.span.map(|s| s.end.column),
        "message": d.message,
    });
    if let Some(obj) = v.as_object_mut() {
        if let Some(hint) = &d.hint {
            obj.insert("hint".into(), hint.clone().into());
        }
        if !d.related.is_empty() {
            obj.insert(
                "related".into(),
                d.related
                    .iter()
                    .map(|r| {
                        serde_json::json!({
                            "line": r.span.start.line,
                            "column": r.span.start.column,
                            "message": r.message,
                        })
                    })
                    .collect(),
            );
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::depgraph::Document;

    fn strip(s: &str) -> String {
        let mut out = String::new();
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            if c == '\x1b' {
                for c in chars.by_ref() {
                    if c == 'm' {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    #[test]
    fn caret_points_at_the_scalar() {
        let src = "- version: 4.1\n- version: 4.1\n";
        let diags = Document::parse(src, None).diagnostics;
        let text = strip(&list_to_text("deps.yml", src, &diags));
        assert_eq!(
            text,
            "error[duplicate-version]: version `4.1` is declared twice\n\
             \x20--> deps.yml:2:12\n\
             \x20 |\n\
             2 | - version: 4.1\n\
             \x20 |            ^^^\n\
             \x20 |\n\
             1 | - version: 4.1\n\
             \x20 |            ^^^ first declared here\n\
             \x20 = hint: merge the two entries into one\n"
        );
    }
}
