//! Rendering of library results for people and machines, in one place: diagnostics (text with source
//! snippets, JSON) and plans (aligned text, Markdown). The library never prints; these functions
//! return strings. Text output carries ANSI styles; the binary writes it through `anstream`, which
//! strips them when `NO_COLOR` is set or the output is not a terminal.

pub mod diagnostics;
pub mod diff;
pub mod graph;
pub mod lint;
pub mod npm;
pub mod plan;
pub mod risks;
pub mod rollout;
pub mod rpm;
pub mod targets;

/// Pads a table: every row is a list of cells; columns are left-aligned to their widest cell
/// (width in characters), separated by two spaces, each line indented by `indent` spaces.
/// Styled cells are given as `(text, style)` so that escape codes do not count toward widths.
/// Cells are [`diagnostics::sanitize`]d: text from input files never reaches the terminal raw.
pub fn table(rows: &[Vec<(String, anstyle::Style)>], indent: usize) -> String {
    let rows: Vec<Vec<(String, anstyle::Style)>> = rows
        .iter()
        .map(|row| {
            row.iter()
                .map(|(cell, st)| (diagnostics::sanitize(cell).into_owned(), *st))
                .collect()
        })
        .collect();
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0usize; columns];
    for row in &rows {
        for (i, (cell, _)) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(cell.chars().count());
            }
        }
    }
    let mut out = String::new();
    for row in &rows {
        let mut line = " ".repeat(indent);
        for (i, (cell, style)) in row.iter().enumerate() {
            let last = i + 1 == row.len();
            line.push_str(&format!("{style}{cell}{style:#}"));
            if !last {
                let pad = widths.get(i).copied().unwrap_or(0) - cell.chars().count() + 2;
                line.push_str(&" ".repeat(pad));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Styles shared by every text renderer.
pub mod style {
    use anstyle::{AnsiColor, Style};
    /// Headings.
    pub const HEADING: Style = Style::new().bold();
    /// Errors.
    pub const ERROR: Style = AnsiColor::Red.on_default().bold();
    /// Warnings and binary stops.
    pub const WARNING: Style = AnsiColor::Yellow.on_default().bold();
    /// Notes, hints and line numbers.
    pub const NOTE: Style = AnsiColor::Cyan.on_default().bold();
    /// Targets and success.
    pub const GOOD: Style = AnsiColor::Green.on_default().bold();
    /// Secondary text (deprecated versions).
    pub const DIM: Style = Style::new().dimmed();
    /// No style.
    pub const PLAIN: Style = Style::new();
}
