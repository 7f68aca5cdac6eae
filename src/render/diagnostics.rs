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

/// Characters of a long line shown before the start of the span.
const SNIPPET_BEFORE: usize = 80;
/// Characters of a long line shown from the start of the span on.
const SNIPPET_FROM: usize = 160;

/// The source line holding `span`'s start, and the caret line under the span (on that line only).
/// A line longer than the window (a one-line JSON inventory, XML or flow-style YAML) is cut to
/// [`SNIPPET_BEFORE`] characters before the span and [`SNIPPET_FROM`] from it, with `…` where it
/// was cut, so each snippet costs the same whatever the line's length and rendering many findings
/// on one huge line stays linear. The line is found from the span's byte offset (no scan from the
/// top of the file); control characters are escaped.
fn snippet(src: &str, span: Span) -> Option<(String, String)> {
    let offset = span.start.offset;
    src.get(..offset)?;
    // The line start, looked for no further back than the window can show (4 bytes a character).
    let mut from = offset.saturating_sub(SNIPPET_BEFORE * 4 + 1);
    while !src.is_char_boundary(from) {
        from += 1;
    }
    let back = src.get(from..offset)?;
    let (line_start, mut cut_left) = match memchr::memrchr(b'\n', back.as_bytes()) {
        Some(i) => (from + i + 1, false),
        None => (from, from > 0),
    };
    let mut head = src.get(line_start..offset)?;
    let head_chars = head.chars().count();
    if head_chars > SNIPPET_BEFORE {
        let skip = head
            .char_indices()
            .nth(head_chars - SNIPPET_BEFORE)
            .map_or(head.len(), |(i, _)| i);
        head = head.get(skip..).unwrap_or_default();
        cut_left = true;
    }
    // The rest of the line, looked at no further than the window can show.
    let rest = src.get(offset..)?;
    let mut to = rest.len().min(SNIPPET_FROM * 4 + 1);
    while !rest.is_char_boundary(to) {
        to += 1;
    }
    let ahead = rest.get(..to).unwrap_or(rest);
    let tail = match memchr::memchr(b'\n', ahead.as_bytes()) {
        Some(i) => ahead.get(..i).unwrap_or(ahead),
        None => ahead,
    };
    let tail = tail.strip_suffix('\r').unwrap_or(tail);
    let (tail, cut_right) = match tail.char_indices().nth(SNIPPET_FROM) {
        Some((i, _)) => (tail.get(..i).unwrap_or(tail), true),
        None => (tail, false),
    };
    let width = if span.end.line == span.start.line && span.end.column > span.start.column {
        span.end.column - span.start.column
    } else {
        1
    };
    let width = width.min(tail.chars().count()).max(1);
    // Carets line up under the escaped text: each escaped character may widen.
    let mut prefix: String = if cut_left { " ".into() } else { String::new() };
    for c in head.chars() {
        if c == '\t' {
            prefix.push('\t');
        } else {
            prefix.push_str(&" ".repeat(escaped_width(c)));
        }
    }
    let marked: usize = tail.chars().take(width).map(escaped_width).sum();
    let line = format!(
        "{}{}{}{}",
        if cut_left { "…" } else { "" },
        sanitize(head),
        sanitize(tail),
        if cut_right { "…" } else { "" },
    );
    Some((line, format!("{prefix}{}", "^".repeat(marked.max(1)))))
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
    fn long_lines_are_cut_around_the_span() {
        let d = |offset: usize, len: usize| {
            let at = |o: usize| crate::diagnostic::Position {
                offset: o,
                line: 1,
                column: o + 1,
            };
            Diagnostic::warning(
                "x",
                Some(Span {
                    start: at(offset),
                    end: at(offset + len),
                }),
                "m",
            )
        };
        let src = format!("{}KEY{}\n", "a".repeat(10_000), "b".repeat(10_000));
        let text = strip(&to_text("f", &src, &d(10_000, 3)));
        let lines: Vec<&str> = text.lines().collect();
        let line = lines[3].strip_prefix("1 | ").unwrap();
        assert_eq!(
            line,
            format!(
                "…{}KEY{}…",
                "a".repeat(SNIPPET_BEFORE),
                "b".repeat(SNIPPET_FROM - 3)
            )
        );
        let carets = lines[4].strip_prefix("  | ").unwrap();
        assert_eq!(carets, format!("{}^^^", " ".repeat(SNIPPET_BEFORE + 1)));
        // Near the start of the line nothing is cut on the left; short lines are whole.
        let text = strip(&to_text("f", &src, &d(5, 2)));
        assert!(text.contains("1 | aaaaaaa"), "{text}");
        let src = "short line\n";
        let text = strip(&to_text("f", src, &d(6, 4)));
        assert!(text.contains("1 | short line\n  |       ^^^^\n"), "{text}");
        // Multi-byte characters never split, and the window holds characters, not bytes.
        let src = format!("{}版{}", "é".repeat(5_000), "é".repeat(5_000));
        let text = strip(&to_text("f", &src, &d(10_000, 3)));
        let line = text.lines().nth(3).unwrap().strip_prefix("1 | ").unwrap();
        assert_eq!(line.chars().count(), 1 + SNIPPET_BEFORE + SNIPPET_FROM + 1);
        assert!(
            line.contains(&format!("{}版", "é".repeat(SNIPPET_BEFORE))),
            "{line}"
        );
    }

    #[test]
    fn many_findings_on_one_huge_line_render_in_linear_time() {
        let src = "x".repeat(8 << 20);
        let diags: Vec<Diagnostic> = (0..2_000)
            .map(|i| {
                let o = i * 4_000;
                let at = crate::diagnostic::Position {
                    offset: o,
                    line: 1,
                    column: o + 1,
                };
                Diagnostic::warning("x", Some(Span { start: at, end: at }), "m")
            })
            .collect();
        let started = std::time::Instant::now();
        let text = list_to_text("f", &src, &diags);
        assert!(text.len() < diags.len() * 1_000, "{} bytes", text.len());
        assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
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
