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

use std::fmt::Write as _;

/// Pads a table: every row is a list of cells; columns are left-aligned to their widest cell
/// (width in characters), separated by two spaces, each line indented by `indent` spaces.
/// Styled cells are given as `(text, style)` so that escape codes do not count toward widths.
/// Cells are [`diagnostics::sanitize`]d: text from input files never reaches the terminal raw.
pub fn table(rows: &[Vec<(String, anstyle::Style)>], indent: usize) -> String {
    table_from(
        || {
            rows.iter()
                .map(|row| row.iter().map(|(cell, st)| (cell.as_str(), *st)))
        },
        indent,
    )
}

/// [`table`] over rows produced twice by `rows` (once to measure the columns, once to write), so
/// a table of many rows costs its output and nothing more: no copy of the cells is kept.
pub fn table_from<R, C, T>(rows: impl Fn() -> R, indent: usize) -> String
where
    R: Iterator<Item = C>,
    C: IntoIterator<Item = (T, anstyle::Style)>,
    T: AsRef<str>,
{
    let mut out = String::new();
    // Writing into a String cannot fail.
    let _ = table_into(&mut out, rows, indent);
    out
}

/// [`table_from`], written to `out` row by row: a long table (the items of a large NPM input) goes
/// straight to its destination instead of being held whole.
pub fn table_into<W, R, C, T>(out: &mut W, rows: impl Fn() -> R, indent: usize) -> std::fmt::Result
where
    W: std::fmt::Write + ?Sized,
    R: Iterator<Item = C>,
    C: IntoIterator<Item = (T, anstyle::Style)>,
    T: AsRef<str>,
{
    let mut widths: Vec<usize> = Vec::new();
    for row in rows() {
        for (i, (cell, _)) in row.into_iter().enumerate() {
            let cell = diagnostics::sanitize(cell.as_ref());
            let w = cell.chars().count();
            match widths.get_mut(i) {
                Some(c) => *c = (*c).max(w),
                None => widths.push(w),
            }
        }
    }
    let mut line = String::new();
    for row in rows() {
        line.clear();
        line.extend(std::iter::repeat_n(' ', indent));
        let mut pad = 0;
        for (i, (cell, style)) in row.into_iter().enumerate() {
            line.extend(std::iter::repeat_n(' ', pad));
            let cell = diagnostics::sanitize(cell.as_ref());
            let _ = write!(line, "{style}{cell}{style:#}");
            pad = widths.get(i).copied().unwrap_or(0) - cell.chars().count() + 2;
        }
        out.write_str(line.trim_end())?;
        out.write_char('\n')?;
    }
    Ok(())
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

/// A size for people: the exact count with thousands separators, then the binary size when it is
/// 1 KiB or more (`419,432,822 bytes (400 MiB)`, `10,369 bytes (10.1 KiB)`, `512 bytes`).
pub fn size(bytes: u64) -> String {
    let digits = bytes.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    const UNITS: [&str; 6] = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    let mut value = bytes as f64;
    let mut unit = None;
    for u in UNITS {
        if value < 1024.0 {
            break;
        }
        value /= 1024.0;
        unit = Some(u);
    }
    match unit {
        None => format!("{grouped} bytes"),
        Some(u) => {
            let shown = format!("{value:.1}");
            let shown = shown.strip_suffix(".0").unwrap_or(&shown);
            format!("{grouped} bytes ({shown} {u})")
        }
    }
}

#[cfg(test)]
mod size_tests {
    #[test]
    fn sizes_for_people() {
        assert_eq!(super::size(0), "0 bytes");
        assert_eq!(super::size(1023), "1,023 bytes");
        assert_eq!(super::size(1024), "1,024 bytes (1 KiB)");
        assert_eq!(super::size(10_369), "10,369 bytes (10.1 KiB)");
        assert_eq!(super::size(419_432_822), "419,432,822 bytes (400 MiB)");
        assert_eq!(super::size(8 << 30), "8,589,934,592 bytes (8 GiB)");
        assert_eq!(
            super::size(u64::MAX),
            "18,446,744,073,709,551,615 bytes (16 EiB)"
        );
    }
}
