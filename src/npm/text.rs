//! The text dump form: one `NAME=VALUE` or `NAME: VALUE` per line (spec section 5.2).
//!
//! Lines end with LF or CRLF; blank lines and lines whose first non-blank character is `#` are
//! ignored; the separator is the first `=` or `:` after the name, so the `:` inside an `ONTAP_RLS`
//! value stays in the value. Spaces and tabs around the name, the separator and at the end of the
//! line are not part of the value. Input is strict UTF-8 after one optional UTF-8 BOM.
//!
//! The line grammar is a `nom` parser; lines are found with a linear scan for LF, so the whole
//! parse is linear in the input size. Every item keeps its byte offset, line and column.

use super::error::{ErrorKind, NpmError};
use super::{Form, Item, RawMetadata, check_size, unknown_item_warnings};
use crate::diagnostic::{Position, Span};
use crate::limits;
use nom::{
    IResult, Parser,
    bytes::complete::{take_while, take_while1},
    character::complete::{one_of, satisfy},
    combinator::{recognize, rest},
};

/// UTF-8 byte-order mark.
pub(crate) const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Refuses UTF-16 and UTF-32 byte-order marks (spec 5.1 rule 1, 5.2).
pub(crate) fn refuse_other_boms(input: &[u8]) -> Result<(), NpmError> {
    let bom = if input.starts_with(b"\x00\x00\xFE\xFF") || input.starts_with(b"\xFF\xFE\x00\x00") {
        Some("UTF-32")
    } else if input.starts_with(b"\xFE\xFF") || input.starts_with(b"\xFF\xFE") {
        Some("UTF-16")
    } else {
        None
    };
    match bom {
        Some(enc) => Err(NpmError::bad(
            ErrorKind::Encoding,
            format!("the input starts with a {enc} byte-order mark; only UTF-8 is accepted"),
        )
        .at(Some(Position {
            offset: 0,
            line: 1,
            column: 1,
        }))
        .hint("convert the file to UTF-8 (for example with iconv)")),
        None => Ok(()),
    }
}

fn is_wsp(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// `name = (ALPHA / "_") *(ALPHA / DIGIT / "_" / "." / "-")`
fn name(i: &str) -> IResult<&str, &str> {
    recognize((
        satisfy(|c| c.is_ascii_alphabetic() || c == '_'),
        take_while(|c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')),
    ))
    .parse(i)
}

/// `entry = *WSP name *WSP sep *WSP value *WSP`, returning the name, the offset of the name in
/// the line, and the value with its offset.
fn entry(line: &str) -> IResult<&str, (usize, &str, usize, &str)> {
    let (i, lead) = take_while(is_wsp)(line)?;
    let (i, n) = name(i)?;
    let (i, _) = take_while(is_wsp)(i)?;
    let (i, _) = one_of("=:")(i)?;
    let (i, _) = take_while(is_wsp)(i)?;
    let value_start = line.len() - i.len();
    let (i, v) = rest(i)?;
    Ok((i, (lead.len(), n, value_start, v.trim_end_matches(is_wsp))))
}

/// Whether `s` is a valid item name (the `name` rule), for the XML form.
pub(crate) fn is_valid_name(s: &str) -> bool {
    nom::combinator::all_consuming(name).parse(s).is_ok()
}

/// A comment line: `*WSP "#" *char`.
fn comment(line: &str) -> IResult<&str, &str> {
    recognize((take_while(is_wsp), take_while1(|c| c == '#'), rest)).parse(line)
}

/// Parses the text form into items (no validation of names' meaning or values).
///
/// Errors (`ENPMERXMETA`): `encoding`, `control-char`, `syntax`, `too-large`, reported for the first
/// failing line. An input with no items is *not* an error here; validation reports `ENPMNOMETA`.
pub fn parse(input: &[u8]) -> Result<RawMetadata, NpmError> {
    check_size(input)?;
    refuse_other_boms(input)?;
    let bom_len = if input.starts_with(BOM) { BOM.len() } else { 0 };
    let body = input.get(bom_len..).unwrap_or_default();
    let mut items = Vec::new();
    let mut budget = ItemBudget::new(input.len());
    let mut offset = bom_len;
    let mut line_no = 0usize;
    for raw_line in body.split(|&b| b == b'\n') {
        line_no += 1;
        let line_offset = offset;
        offset += raw_line.len() + 1;
        let at_line = |col: usize, off: usize| Position {
            offset: off,
            line: line_no,
            column: col,
        };
        let followed_by_lf = line_offset + raw_line.len() < input.len();
        let raw_line = match raw_line.strip_suffix(b"\r") {
            Some(l) if followed_by_lf => l,
            _ => raw_line,
        };
        if raw_line.len() > limits::MAX_NPM_LINE_BYTES {
            return Err(NpmError::bad(
                ErrorKind::TooLarge,
                format!(
                    "line {line_no} is {} bytes long, more than the limit of {} bytes",
                    raw_line.len(),
                    limits::MAX_NPM_LINE_BYTES
                ),
            )
            .at(Some(at_line(1, line_offset)))
            .hint("real metadata lines are well under a kilobyte; check that this is an NPM metadata file"));
        }
        let line = std::str::from_utf8(raw_line).map_err(|e| {
            let good = raw_line.get(..e.valid_up_to()).unwrap_or_default();
            let col = String::from_utf8_lossy(good).chars().count() + 1;
            NpmError::bad(
                ErrorKind::Encoding,
                format!("line {line_no} is not valid UTF-8 (byte {} of the line)", e.valid_up_to() + 1),
            )
            .at(Some(at_line(col, line_offset + e.valid_up_to())))
            .hint("the text form is UTF-8; convert the file (for example with iconv -f latin1 -t utf-8)")
        })?;
        if let Some((idx, c)) = line.char_indices().find(|&(_, c)| is_control(c)) {
            return Err(NpmError::bad(
                ErrorKind::ControlChar,
                format!(
                    "line {line_no} holds the control character U+{:04X}",
                    c as u32
                ),
            )
            .at(Some(at_line(
                line[..idx].chars().count() + 1,
                line_offset + idx,
            )))
            .hint(if c == '\r' {
                "lines end with LF or CRLF; a lone CR is not a line end"
            } else {
                "remove the control character; only TAB is allowed inside a line"
            }));
        }
        if line.trim_matches(is_wsp).is_empty() || comment(line).is_ok() {
            continue;
        }
        let Ok((_, (name_at, name, value_at, value))) = entry(line) else {
            let col = line.chars().take_while(|&c| is_wsp(c)).count() + 1;
            return Err(NpmError::bad(
                ErrorKind::Syntax,
                format!("line {line_no} is not `NAME=VALUE` or `NAME: VALUE`"),
            )
            .at(Some(at_line(col, line_offset + col - 1)))
            .hint("a name starts with a letter or `_` and holds letters, digits, `_`, `.`, `-`; then `=` or `:`"));
        };
        budget.add(name, value, Some(at_line(1, line_offset)))?;
        let start = at_line(name_at + 1, line_offset + name_at);
        let value_end = value_at + value.len();
        let end = at_line(
            value_at + value.chars().count() + 1,
            line_offset + value_end,
        );
        let value_pos = at_line(line[..value_at].chars().count() + 1, line_offset + value_at);
        items.push(Item {
            name: name.to_string(),
            value: value.to_string(),
            span: Span { start, end },
            value_at: value_pos,
        });
    }
    let findings = unknown_item_warnings(&items);
    Ok(RawMetadata {
        form: Form::Text,
        items,
        findings,
    })
}

/// C0 controls other than TAB, and DEL (C1 code points are allowed by the spec).
pub(crate) fn is_control(c: char) -> bool {
    (c < ' ' && c != '\t') || c == '\u{7f}'
}

/// What the items read so far hold in memory, against what their input allows: the readers' bound
/// on items, shared by the text and XML forms.
///
/// An item costs its [`Item`] (positions and two `String` headers) and the heap blocks of its
/// name and value, estimated as the allocator rounds them (8 bytes of header, 16-byte steps,
/// 32 bytes at least). Counting bytes rather than items lets forty megabytes of ordinary items
/// through while a few megabytes of `X=` lines, which cost twenty times their text, stop early.
#[derive(Default)]
pub(crate) struct ItemBudget {
    count: usize,
    held: usize,
    budget: usize,
}

impl ItemBudget {
    /// The budget for an input of `input_len` bytes (see [`limits::npm_item_memory`]).
    pub(crate) fn new(input_len: usize) -> Self {
        ItemBudget {
            count: 0,
            held: 0,
            budget: limits::npm_item_memory(input_len),
        }
    }

    /// Counts one more item, or refuses it (`too-large`) when it would pass
    /// [`limits::MAX_NPM_ITEMS`] or the memory budget.
    pub(crate) fn add(
        &mut self,
        name: &str,
        value: &str,
        at: Option<Position>,
    ) -> Result<(), NpmError> {
        fn block(s: &str) -> usize {
            if s.is_empty() {
                0
            } else {
                (s.len() + 8).next_multiple_of(16).max(32)
            }
        }
        self.count += 1;
        self.held += std::mem::size_of::<Item>() + block(name) + block(value);
        let message = if self.count > limits::MAX_NPM_ITEMS {
            format!("more than {} items", limits::MAX_NPM_ITEMS)
        } else if self.held > self.budget {
            format!(
                "the items would hold more than {} MiB in memory ({} items so far; the limit is \
                 3 bytes per byte of input + 16 MiB, at most {} MiB)",
                self.budget >> 20,
                self.count,
                limits::MAX_NPM_ITEM_MEMORY >> 20
            )
        } else {
            return Ok(());
        };
        Err(NpmError::bad(ErrorKind::TooLarge, message)
            .at(at)
            .hint("real metadata has about ten items; check that this is an NPM metadata file"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(src: &str) -> Vec<(String, String, usize)> {
        parse(src.as_bytes())
            .unwrap()
            .items
            .into_iter()
            .map(|i| (i.name, i.value, i.span.start.line))
            .collect()
    }

    #[test]
    fn an_overlong_line_is_too_large_and_named() {
        let mut src = b"PKG_TYPE=dataontap\nX=".to_vec();
        src.resize(src.len() + limits::MAX_NPM_LINE_BYTES, b'a');
        let err = parse(&src).unwrap_err();
        assert_eq!(err.kind, ErrorKind::TooLarge);
        assert!(err.to_string().contains("line 2"), "{err}");
        src.truncate(src.len() - 3);
        assert!(parse(&src).is_ok());
    }

    #[test]
    fn the_item_budget_counts_memory_not_items() {
        // Tiny items cost about 150 bytes each against a budget of 3 bytes per input byte +
        // 16 MiB: they stop at the line where the budget runs out, which is named.
        let tiny: String = (0..200_000).map(|i| format!("X{i}=\n")).collect();
        let err = parse(tiny.as_bytes()).unwrap_err();
        assert_eq!(err.kind, ErrorKind::TooLarge);
        assert!(err.message.contains("MiB in memory"), "{err}");
        let line = err.at.map(|p| p.line).unwrap_or_default();
        assert!((100_000..150_000).contains(&line), "stopped at line {line}");
        // More items, each with a 100-byte value, are within their (larger) budget.
        let value = "v".repeat(100);
        let large: String = (0..150_000).map(|i| format!("X{i}={value}\n")).collect();
        assert_eq!(
            parse(large.as_bytes()).map(|r| r.items.len()).ok(),
            Some(150_000)
        );
    }

    #[test]
    fn the_item_count_is_capped_whatever_the_budget() {
        let mut budget = ItemBudget::new(limits::MAX_NPM_BYTES);
        budget.budget = usize::MAX;
        for _ in 0..limits::MAX_NPM_ITEMS {
            assert!(budget.add("X", "", None).is_ok());
        }
        let err = budget.add("X", "", None).unwrap_err();
        assert!(err.message.contains("more than 1000000 items"), "{err}");
    }

    #[test]
    fn first_separator_wins_and_whitespace_is_trimmed() {
        let got = items("ONTAP_RLS: NetApp Release 7.3.2: Thu Oct 15\n  A = b = c  \n\tB\t:\t\n");
        assert_eq!(
            got,
            [
                (
                    "ONTAP_RLS".into(),
                    "NetApp Release 7.3.2: Thu Oct 15".into(),
                    1
                ),
                ("A".into(), "b = c".into(), 2),
                ("B".into(), String::new(), 3),
            ]
        );
    }

    #[test]
    fn interior_whitespace_and_hashes_are_kept() {
        let got = items("# c\n\n   # c2\nX=Jul  7 # x\n");
        assert_eq!(got, [("X".into(), "Jul  7 # x".into(), 4)]);
    }

    #[test]
    fn positions_count_bom_in_offsets_not_in_columns() {
        let m = parse(b"\xEF\xBB\xBFA=1\r\n  B: xy\n").unwrap();
        let b = &m.items[1];
        assert_eq!(
            b.span.start,
            Position {
                offset: 3 + 5 + 2,
                line: 2,
                column: 3
            }
        );
        assert_eq!(b.value_at.column, 6);
        assert_eq!(b.span.end.column, 8);
    }

    #[test]
    fn errors_name_the_line() {
        for (src, kind, line) in [
            ("A=1\nB\n", ErrorKind::Syntax, 2),
            ("A=1\n=x\n", ErrorKind::Syntax, 2),
            ("A B=1\n", ErrorKind::Syntax, 1),
            ("é=1\n", ErrorKind::Syntax, 1),
            ("A=1\rB=2\n", ErrorKind::ControlChar, 1),
            ("A=1\n\nB=\x7f\n", ErrorKind::ControlChar, 3),
            ("A=1\nB=\x00\n", ErrorKind::ControlChar, 2),
            ("A=1\nB=2\r", ErrorKind::ControlChar, 2),
        ] {
            let e = parse(src.as_bytes()).unwrap_err();
            assert_eq!((e.kind, e.line()), (kind, Some(line)), "{src:?}");
        }
        let e = parse(b"A=1\nB=\xAE\n").unwrap_err();
        assert_eq!((e.kind, e.line()), (ErrorKind::Encoding, Some(2)));
        for bom in [&b"\xFF\xFEA"[..], b"\xFE\xFF", b"\x00\x00\xFE\xFF"] {
            assert_eq!(parse(bom).unwrap_err().kind, ErrorKind::Encoding);
        }
    }

    #[test]
    fn c1_code_points_are_allowed() {
        assert_eq!(items("A=\u{85}x\n"), [("A".into(), "\u{85}x".into(), 1)]);
    }
}
