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
/// The line is found from the span's byte offset (no scan from the top of the file, so rendering
/// many findings stays linear); control characters are escaped.
fn snippet(src: &str, span: Span) -> Option<(String, String)> {
    let offset = span.start.offset;
    let before = src.get(..offset)?;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let rest = src.get(line_start..)?;
    let line = rest.split('\n').next().unwrap_or("");
    let line = line.strip_suffix('\r').unwrap_or(line);
    let head = src.get(line_start..offset).unwrap_or("");
    let head = head.get(..head.len().min(line.len())).unwrap_or(head);
    let width = if span.end.line == span.start.line && span.end.column > span.start.column {
        span.end.column - span.start.column
    } else {
        1
    };
    let line_chars = line.chars().count();
    let start_col = head.chars().count();
    let width = width.min(line_chars.saturating_sub(start_col)).max(1);
    // Carets line up under the escaped text: each escaped character may widen.
    let prefix: String = head
        .chars()
        .map(|c| {
            if c == '\t' {
                "\t".to_string()
            } else {
                " ".repeat(escaped_width(c))
            }
        })
        .collect();
    let marked: usize = line
        .chars()
        .skip(start_col)
        .take(width)
        .map(escaped_width)
        .sum();
    Some((
        sanitize(line).into_owned(),
        format!("{prefix}{}", "^".repeat(marked.max(1))),
    ))
}

/// How many columns a character takes once [`sanitize`]d.
fn escaped_width(c: char) -> usize {
    if c.is_control() && c != '\t' {
        c.escape_unicode().count()
    } else {
        1
    }
}

/// Escapes control characters (except tab) as `\u{1b}`, so that text from an input file can never
/// drive the terminal (set its title, move the cursor, ring the bell).
pub fn sanitize(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(|c| c.is_control() && c != '\t') {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(
        text.chars()
            .map(|c| {
                if c.is_control() && c != '\t' {
                    c.escape_unicode().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
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
        sanitize(&d.message),
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
            "{pad}{gutter_style}-->{gutter_style:#} {}:{}:{}\n",
            sanitize(file),
            span.start.line,
            span.start.column
        )),
        None => out.push_str(&format!(
            "{pad}{gutter_style}-->{gutter_style:#} {}\n",
            sanitize(file)
        )),
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
        let label = label
            .map(|l| format!(" {}", sanitize(l)))
            .unwrap_or_default();
        out.push_str(&format!(
            "{pad} {gutter_style}|{gutter_style:#} {caret_style}{carets}{label}{caret_style:#}\n"
        ));
    }
    if let Some(hint) = &d.hint {
        out.push_str(&format!(
            "{pad} {gutter_style}={gutter_style:#} {h}hint{h:#}: {}\n",
            sanitize(hint),
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
    fn control_characters_are_escaped() {
        let src = "- version: 4.1\n  deprecated: \"x\\e]0;pwned\\a\"\n";
        let diags = Document::parse(src, None).diagnostics;
        let text = to_text("f.yml", src, &diags[0]);
        let plain = strip(&text);
        assert!(!plain.contains('\x07'), "{plain}");
        assert!(plain.contains("\\u{1b}]0;pwned\\u{7}"), "{plain}");
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
