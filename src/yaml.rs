//! A small YAML reader that keeps what the upgrade-dependency format needs and generic YAML
//! libraries throw away: the exact source text of every scalar, its quoting style and its position.
//!
//! `4.10` must stay the string `4.10` (a YAML loader would type it as the float 4.1), and every finding
//! must point at the offending scalar. The reader builds a tree from `saphyr-parser` events (the
//! maintained successor of `yaml-rust`; `serde_yaml` is archived upstream) and enforces the limits in
//! [`crate::limits`]: input size, nesting depth and node count, with alias expansion counted, so a
//! "billion laughs" document fails fast in small memory.

use crate::diagnostic::{Position, Span};
use crate::limits;
use saphyr_parser::{Event, Parser, ScalarStyle as RawStyle, Span as RawSpan};
use std::collections::HashMap;
use thiserror::Error;

pub(crate) mod fast;

/// How a scalar was written in the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScalarStyle {
    /// Unquoted: typed by YAML loaders (numbers, booleans, null).
    Plain,
    /// `'single quoted'`.
    SingleQuoted,
    /// `"double quoted"`.
    DoubleQuoted,
    /// A `|` or `>` block scalar.
    Block,
}

/// A scalar: its text after YAML unescaping and how it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scalar {
    /// The scalar's text exactly as YAML defines it (quotes removed, escapes decoded).
    pub text: String,
    /// How it was written.
    pub style: ScalarStyle,
    /// An explicit tag such as `!!str`, if any.
    pub tag: Option<String>,
}

impl Scalar {
    /// Whether a YAML loader reads this scalar as null (`~`, `null`, or nothing at all).
    pub fn is_null(&self) -> bool {
        self.style == ScalarStyle::Plain
            && self.tag.is_none()
            && matches!(self.text.as_str(), "" | "~" | "null" | "Null" | "NULL")
    }

    /// The boolean a YAML 1.1 loader (such as PyYAML, which OceanBase's tools use) reads from this
    /// scalar, or `None` when it is not a boolean. `True`/`False` and `yes`/`no`/`on`/`off` are accepted.
    pub fn as_bool(&self) -> Option<bool> {
        if self.style != ScalarStyle::Plain {
            return None;
        }
        match self.text.as_str() {
            "true" | "True" | "TRUE" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => Some(true),
            "false" | "False" | "FALSE" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => Some(false),
            _ => None,
        }
    }

    /// Whether a YAML 1.1 or 1.2 loader types this scalar as a number (int or float), so that a
    /// version written this way (`4.10`, `4.0`) is read wrongly by other tools.
    pub fn is_number_like(&self) -> bool {
        if self.style != ScalarStyle::Plain || self.tag.is_some() {
            return false;
        }
        let t = self.text.strip_prefix(['-', '+']).unwrap_or(&self.text);
        if t.is_empty() {
            return false;
        }
        let mut dots = 0;
        let mut digits = 0;
        for c in t.chars() {
            match c {
                '0'..='9' => digits += 1,
                '.' => dots += 1,
                '_' => {}
                _ => return false,
            }
        }
        digits > 0 && dots <= 1
    }
}

/// The content of a YAML node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// A scalar.
    Scalar(Scalar),
    /// A sequence, in source order.
    Sequence(Vec<Node>),
    /// A mapping, in source order, duplicates kept (the caller decides what a duplicate key means).
    Mapping(Vec<(Node, Node)>),
}

/// A YAML node with the span it covers in the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// What the node holds.
    pub value: Value,
    /// Where it is.
    pub span: Span,
}

impl Node {
    /// The scalar, if this node is one.
    pub fn as_scalar(&self) -> Option<&Scalar> {
        match &self.value {
            Value::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// A short name for the node's kind, for messages ("a mapping", "a list", "a scalar").
    pub fn kind_name(&self) -> &'static str {
        match &self.value {
            Value::Scalar(s) if s.is_null() => "null",
            Value::Scalar(_) => "a scalar",
            Value::Sequence(_) => "a list",
            Value::Mapping(_) => "a mapping",
        }
    }
}

/// Why a YAML input could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{message}")]
pub struct YamlError {
    /// What went wrong, in one line.
    pub message: String,
    /// Where, when known.
    pub position: Option<Position>,
    /// Which kind of failure (syntax or a limit).
    pub kind: YamlErrorKind,
}

/// The kinds of [`YamlError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YamlErrorKind {
    /// The text is not valid YAML.
    Syntax,
    /// The input is larger than [`limits::MAX_YAML_BYTES`].
    TooLarge,
    /// Nesting is deeper than [`limits::MAX_YAML_DEPTH`].
    TooDeep,
    /// More nodes (alias expansions included) than [`limits::MAX_YAML_NODES`].
    TooManyNodes,
    /// Aliases expand to more than [`limits::MAX_YAML_ALIAS_NODES`] nodes (an alias bomb).
    AliasExpansion,
    /// More than one document in the stream.
    MultipleDocuments,
    /// An alias names an anchor that was not defined before it.
    UnknownAnchor,
}

/// Maps the parser's markers (1-based line, 0-based column in characters) to byte offsets in
/// amortised O(1): a cursor over the source that remembers the line it is on, whether that line is
/// ASCII (then the column *is* the byte distance from the line start), and, on other lines, the
/// last character it reached. The parser reports positions in source order (a span's end after its
/// start, each event after the one before), so the cursor only moves forward and every byte is
/// looked at a bounded number of times; a position before the cursor (an error marker) walks back.
/// It holds no per-line table, so its memory does not grow with the input.
///
/// Line breaks are the parser's: `\n`, `\r\n` and a lone `\r`.
struct LineIndex<'a> {
    src: &'a [u8],
    /// 1-based line the cursor is on.
    line: usize,
    /// Byte offset where that line starts.
    start: usize,
    /// Byte offset of that line's break (or the end of the source).
    end: usize,
    /// Whether `src[start..end]` is ASCII.
    ascii: bool,
    /// On a non-ASCII line: the character column and byte offset last reached.
    char_col: usize,
    char_byte: usize,
    /// Where [`parse`] inserted `--- ` (at the start of the line of a top-level flow collection,
    /// after a leading byte-order mark): (line, column), so that the parser's columns on that
    /// line are mapped back to the source's.
    inserted: Option<(usize, usize)>,
}

impl<'a> LineIndex<'a> {
    fn new(src: &'a str) -> Self {
        let src = src.as_bytes();
        let mut index = LineIndex {
            src,
            line: 1,
            start: 0,
            end: 0,
            ascii: true,
            char_col: 0,
            char_byte: 0,
            inserted: None,
        };
        index.enter(0);
        index
    }

    /// Puts the cursor at the start of the line that starts at byte `start`. A byte-order mark
    /// that starts the source is not a column: the parser skips it.
    fn enter(&mut self, start: usize) {
        let start = if start == 0 && self.src.starts_with("\u{feff}".as_bytes()) {
            3
        } else {
            start
        };
        let rest = self.src.get(start..).unwrap_or_default();
        let len = memchr::memchr2(b'\n', b'\r', rest).unwrap_or(rest.len());
        self.start = start;
        self.end = start + len;
        self.ascii = rest.get(..len).is_some_and(|l| l.is_ascii());
        self.char_col = 0;
        self.char_byte = start;
    }

    /// Moves the cursor to the next line; `false` at the last line.
    fn next_line(&mut self) -> bool {
        let next = match self.src.get(self.end..) {
            Some([b'\r', b'\n', ..]) => self.end + 2,
            Some([_, ..]) => self.end + 1,
            _ => return false,
        };
        self.enter(next);
        self.line += 1;
        true
    }

    /// Moves the cursor to the previous line; `false` at the first line.
    fn prev_line(&mut self) -> bool {
        let Some(before) = self.start.checked_sub(1) else {
            return false;
        };
        // The break that ends the previous line: `\n`, `\r`, or `\r\n`.
        let brk = match self.src.get(before.saturating_sub(1)..=before) {
            Some([b'\r', b'\n']) => before - 1,
            _ => before,
        };
        let head = self.src.get(..brk).unwrap_or_default();
        let start = memchr::memrchr2(b'\n', b'\r', head).map_or(0, |i| i + 1);
        self.enter(start);
        self.line -= 1;
        true
    }

    /// `line` is 1-based, `col` 0-based in characters (the parser's convention). A column past
    /// the end of its line stands for the line's end; a line past the end of the source for the
    /// source's end.
    fn position(&mut self, line: usize, col: usize) -> Position {
        let col = match self.inserted {
            Some((l, c)) if l == line.max(1) && col >= c => {
                col.saturating_sub(DOC_START.len()).max(c)
            }
            _ => col,
        };
        let target = line.max(1);
        while self.line > target && self.prev_line() {}
        while self.line < target && self.next_line() {}
        let offset = if self.line < target {
            self.src.len()
        } else if self.ascii {
            self.start + col.min(self.end - self.start)
        } else {
            if col < self.char_col {
                self.char_col = 0;
                self.char_byte = self.start;
            }
            let line = self.src.get(..self.end).unwrap_or_default();
            while self.char_col < col && self.char_byte < self.end {
                // Skip one UTF-8 character: its lead byte, then continuation bytes.
                self.char_byte += 1;
                while line.get(self.char_byte).is_some_and(|b| b & 0xc0 == 0x80) {
                    self.char_byte += 1;
                }
                self.char_col += 1;
            }
            self.char_byte
        };
        Position {
            offset,
            line: line.max(1),
            column: col + 1,
        }
    }

    fn span(&mut self, raw: &RawSpan) -> Span {
        Span {
            start: self.position(raw.start.line(), raw.start.col()),
            end: self.position(raw.end.line(), raw.end.col()),
        }
    }
}

enum Frame {
    Sequence {
        items: Vec<Node>,
        start: Span,
        anchor: usize,
    },
    Mapping {
        entries: Vec<(Node, Node)>,
        key: Option<Node>,
        start: Span,
        anchor: usize,
    },
}

/// Parses one YAML document into a [`Node`] tree. Returns `Ok(None)` for an empty document.
///
/// ```
/// use upgrade_planner::yaml::{parse, Value};
/// let root = parse("- version: 4.10\n")?.expect("a document");
/// let Value::Sequence(items) = &root.value else { panic!() };
/// let Value::Mapping(entries) = &items[0].value else { panic!() };
/// let version = entries[0].1.as_scalar().unwrap();
/// assert_eq!(version.text, "4.10"); // never the float 4.1
/// assert_eq!((entries[0].1.span.start.line, entries[0].1.span.start.column), (1, 12));
/// # Ok::<(), upgrade_planner::yaml::YamlError>(())
/// ```
pub fn parse(src: &str) -> Result<Option<Node>, YamlError> {
    check_size(src)?;
    // The subset real files are written in is read by hand (`fast`: saphyr-parser alone takes
    // longer than the whole load's budget); anything else, and every error, comes from saphyr.
    if let Some(root) = fast::parse(src) {
        return Ok(Some(root));
    }
    parse_with_saphyr(src)
}

/// Checks, for the differential fuzz target and tests, that the hand-written reader gives exactly
/// the tree saphyr's events give whenever it accepts `src`; panics on any difference. Returns
/// whether it accepted `src`.
pub(crate) fn check_fast_path(src: &str) -> bool {
    if check_size(src).is_err() {
        return false;
    }
    let Some(fast) = fast::parse(src) else {
        return false;
    };
    let events = parse_with_saphyr(src);
    assert_eq!(
        Ok(Some(&fast)),
        events.as_ref().map(Option::as_ref),
        "the fast YAML reader and saphyr disagree on {src:?}"
    );
    true
}

fn check_size(src: &str) -> Result<(), YamlError> {
    if src.len() > limits::MAX_YAML_BYTES {
        return Err(YamlError {
            message: format!(
                "the YAML input is {} bytes, more than the limit of {} bytes",
                src.len(),
                limits::MAX_YAML_BYTES
            ),
            position: None,
            kind: YamlErrorKind::TooLarge,
        });
    }
    Ok(())
}

/// Parses with saphyr-parser's events alone, never the hand-written reader: what [`parse`] does
/// for every input outside the fast reader's subset, and the reference that reader is checked
/// against (and benchmarked against: `cargo bench --bench load`).
pub fn parse_with_saphyr(src: &str) -> Result<Option<Node>, YamlError> {
    check_size(src)?;
    let mut index = LineIndex::new(src);
    // A document that is one flow collection (`[...]`, `{...}`: JSON, or YAML written on one line)
    // is read as `--- [...]`. Without the explicit start the parser holds the collection's first
    // token as a possible implicit key (`[...]: value`) until the collection closes, and buffers
    // every token of it meanwhile: 1.9 MB on one line took 104 MiB instead of 38. After `---` no
    // implicit key may start on that line, and nothing else changes for the documents we read (a
    // flow collection used as a top-level key is invalid in every format here). Positions are
    // mapped back to the source (`LineIndex::inserted`).
    let with_start;
    let text = match top_level_flow_start(src) {
        Some((at, line)) => {
            index.inserted = Some((line, 0));
            with_start = [
                src.get(..at).unwrap_or_default(),
                DOC_START,
                src.get(at..).unwrap_or_default(),
            ]
            .concat();
            with_start.as_str()
        }
        None => src,
    };
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, (Node, usize)> = HashMap::new();
    // Node counts of the frames under construction, to price anchors for alias expansion.
    let mut counts: Vec<usize> = Vec::new();
    let mut total_nodes = 0usize;
    let mut alias_nodes = 0usize;
    let mut root: Option<Node> = None;
    let mut documents = 0usize;

    while let Some(event) = parser.next_event() {
        let (event, raw_span) = event.map_err(|e| YamlError {
            message: e.info().to_string(),
            position: Some(index.position(e.marker().line(), e.marker().col())),
            kind: YamlErrorKind::Syntax,
        })?;
        let span = index.span(&raw_span);
        // A completed node and how many nodes it holds, to attach to its parent.
        let completed: Option<(Node, usize, usize)> = match event {
            Event::StreamStart | Event::StreamEnd | Event::Nothing | Event::DocumentEnd => None,
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(YamlError {
                        message: "the file holds more than one YAML document (a second `---`); \
                                  put all entries in one list"
                            .into(),
                        position: Some(span.start),
                        kind: YamlErrorKind::MultipleDocuments,
                    });
                }
                None
            }
            Event::Alias(id) => {
                let Some((node, count)) = anchors.get(&id) else {
                    return Err(YamlError {
                        message: "an alias refers to an anchor that is not defined before it"
                            .into(),
                        position: Some(span.start),
                        kind: YamlErrorKind::UnknownAnchor,
                    });
                };
                // Price the expansion before copying anything, so an alias bomb stops here.
                alias_nodes = alias_nodes.saturating_add(*count);
                if alias_nodes > limits::MAX_YAML_ALIAS_NODES {
                    return Err(YamlError {
                        message: format!(
                            "aliases expand to more than {} nodes; the document is an alias bomb \
                             (\"billion laughs\") or far larger than any upgrade file",
                            limits::MAX_YAML_ALIAS_NODES
                        ),
                        position: Some(span.start),
                        kind: YamlErrorKind::AliasExpansion,
                    });
                }
                add_nodes(&mut total_nodes, *count, span)?;
                let mut node = node.clone();
                // The alias stands where it is written.
                node.span = span;
                Some((node, *count, 0))
            }
            Event::Scalar(text, style, anchor, tag) => {
                let style = match style {
                    RawStyle::Plain => ScalarStyle::Plain,
                    RawStyle::SingleQuoted => ScalarStyle::SingleQuoted,
                    RawStyle::DoubleQuoted => ScalarStyle::DoubleQuoted,
                    _ => ScalarStyle::Block,
                };
                add_nodes(&mut total_nodes, 1, span)?;
                let mut text = text.into_owned();
                text.shrink_to_fit();
                let node = Node {
                    value: Value::Scalar(Scalar {
                        text,
                        style,
                        tag: tag.map(|t| t.to_string()),
                    }),
                    span,
                };
                Some((node, 1, anchor))
            }
            Event::SequenceStart(anchor, _) => {
                check_depth(stack.len(), span)?;
                add_nodes(&mut total_nodes, 1, span)?;
                stack.push(Frame::Sequence {
                    items: Vec::new(),
                    start: span,
                    anchor,
                });
                counts.push(1);
                None
            }
            Event::MappingStart(anchor, _) => {
                check_depth(stack.len(), span)?;
                add_nodes(&mut total_nodes, 1, span)?;
                stack.push(Frame::Mapping {
                    entries: Vec::new(),
                    key: None,
                    start: span,
                    anchor,
                });
                counts.push(1);
                None
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let count = counts.pop().unwrap_or(1);
                match stack.pop() {
                    // Containers are trimmed to their length when they close: most hold two
                    // to four entries, and the spare capacity would cost more than the entries.
                    Some(Frame::Sequence {
                        mut items,
                        start,
                        anchor,
                    }) => Some((
                        Node {
                            value: Value::Sequence({
                                items.shrink_to_fit();
                                items
                            }),
                            span: Span {
                                start: start.start,
                                end: span.end,
                            },
                        },
                        count,
                        anchor,
                    )),
                    Some(Frame::Mapping {
                        mut entries,
                        start,
                        anchor,
                        ..
                    }) => Some((
                        Node {
                            value: Value::Mapping({
                                entries.shrink_to_fit();
                                entries
                            }),
                            span: Span {
                                start: start.start,
                                end: span.end,
                            },
                        },
                        count,
                        anchor,
                    )),
                    None => None,
                }
            }
        };
        let Some((node, count, anchor)) = completed else {
            continue;
        };
        if let Some(parent) = counts.last_mut() {
            *parent = parent.saturating_add(count);
        }
        if anchor != 0 {
            anchors.insert(anchor, (node.clone(), count));
        }
        match stack.last_mut() {
            Some(Frame::Sequence { items, .. }) => items.push(node),
            Some(Frame::Mapping { entries, key, .. }) => match key.take() {
                Some(k) => entries.push((k, node)),
                None => *key = Some(node),
            },
            None => root = Some(node),
        }
    }
    Ok(root)
}

/// The explicit document start [`parse`] inserts before a top-level flow collection.
const DOC_START: &str = "--- ";

/// Where to insert [`DOC_START`] when the document's first token opens a flow collection (`[` or
/// `{`) and nothing but a byte-order mark, blanks, line breaks and comments comes before it: the
/// byte offset of the start of that token's line (a document marker must start its line) and the
/// parser's line number (1-based).
fn top_level_flow_start(src: &str) -> Option<(usize, usize)> {
    let mut line = 1;
    let mut line_start = 0;
    let mut chars = src.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '[' | '{' => return Some((line_start, line)),
            // A byte-order mark may only come first, before the marker we insert.
            '\u{feff}' if i == 0 => line_start = c.len_utf8(),
            ' ' | '\t' => {}
            '\r' | '\n' => {
                let mut end = i + 1;
                if c == '\r' && chars.peek().is_some_and(|&(_, n)| n == '\n') {
                    chars.next();
                    end += 1;
                }
                line += 1;
                line_start = end;
            }
            '#' => {
                while chars.peek().is_some_and(|&(_, n)| n != '\n' && n != '\r') {
                    chars.next();
                }
            }
            _ => return None,
        }
    }
    None
}

/// Counts `n` more nodes in the document, failing past [`limits::MAX_YAML_NODES`].
fn add_nodes(total: &mut usize, n: usize, span: Span) -> Result<(), YamlError> {
    *total = total.saturating_add(n);
    if *total > limits::MAX_YAML_NODES {
        return Err(YamlError {
            message: format!(
                "the YAML document has more than {} nodes (scalars, lists and mappings), the limit \
                 for one file",
                limits::MAX_YAML_NODES
            ),
            position: Some(span.start),
            kind: YamlErrorKind::TooManyNodes,
        });
    }
    Ok(())
}

fn check_depth(depth: usize, span: Span) -> Result<(), YamlError> {
    if depth >= limits::MAX_YAML_DEPTH {
        return Err(YamlError {
            message: format!(
                "YAML nesting is deeper than the limit of {} levels",
                limits::MAX_YAML_DEPTH
            ),
            position: Some(span.start),
            kind: YamlErrorKind::TooDeep,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scalar(node: &Node) -> &Scalar {
        node.as_scalar().expect("scalar")
    }

    #[test]
    fn keeps_source_text_style_and_position() {
        let root = parse("a: 4.10\nb: '4.0'\nc: True\n").unwrap().unwrap();
        let Value::Mapping(entries) = &root.value else {
            panic!("mapping")
        };
        assert_eq!(scalar(&entries[0].1).text, "4.10");
        assert!(scalar(&entries[0].1).is_number_like());
        assert_eq!(scalar(&entries[1].1).style, ScalarStyle::SingleQuoted);
        assert!(!scalar(&entries[1].1).is_number_like());
        assert_eq!(scalar(&entries[2].1).as_bool(), Some(true));
        let pos = entries[1].1.span.start;
        assert_eq!((pos.line, pos.column, pos.offset), (2, 4, 11));
    }

    #[test]
    fn columns_count_characters_and_offsets_bytes() {
        let src = "# é\n- v: 版本\n";
        let root = parse(src).unwrap().unwrap();
        let Value::Sequence(items) = &root.value else {
            panic!()
        };
        let Value::Mapping(e) = &items[0].value else {
            panic!()
        };
        let pos = e[0].1.span.start;
        assert_eq!((pos.line, pos.column), (2, 6));
        assert_eq!(&src[pos.offset..pos.offset + 6], "版本");
    }

    /// The positions the cursor gives, computed the slow obvious way: split the source at the
    /// parser's line breaks, then count characters along the line.
    fn naive_position(src: &str, line: usize, col: usize) -> usize {
        let mut start = 0;
        let mut n = 1;
        let bytes = src.as_bytes();
        while n < line.max(1) {
            let Some(i) = bytes[start..]
                .iter()
                .position(|b| matches!(b, b'\n' | b'\r'))
            else {
                return src.len();
            };
            let brk = start + i;
            start = if bytes[brk..].starts_with(b"\r\n") {
                brk + 2
            } else {
                brk + 1
            };
            n += 1;
        }
        let end = bytes[start..]
            .iter()
            .position(|b| matches!(b, b'\n' | b'\r'))
            .map_or(src.len(), |i| start + i);
        src[start..end]
            .char_indices()
            .nth(col)
            .map_or(end, |(i, _)| start + i)
    }

    proptest::proptest! {
        #[test]
        fn cursor_positions_match_the_naive_ones_in_any_order(
            src in "([ab:é版\\-]|\\n|\\r\\n|\\r){0,60}",
            queries in proptest::collection::vec((0usize..12, 0usize..12), 0..30),
        ) {
            let mut index = LineIndex::new(&src);
            for (line, col) in queries {
                let got = index.position(line, col);
                proptest::prop_assert_eq!(got.offset, naive_position(&src, line, col));
                proptest::prop_assert_eq!((got.line, got.column), (line.max(1), col + 1));
            }
        }
    }

    #[test]
    fn lone_carriage_returns_break_lines_as_in_the_parser() {
        let src = "- a\r- b\r\n- 版本\r";
        let root = parse(src).unwrap().unwrap();
        let Value::Sequence(items) = &root.value else {
            panic!()
        };
        for (item, text) in items.iter().zip(["a", "b", "版本"]) {
            let pos = item.span.start;
            assert_eq!(&src[pos.offset..pos.offset + text.len()], text, "{pos:?}");
        }
        assert_eq!(items[2].span.start.line, 3);
    }

    #[test]
    fn positions_are_linear_on_one_long_line() {
        // 200,000 scalars on one line: rescanning the line for each would take minutes.
        let n = 200_000;
        let mut src = String::from("[");
        for i in 0..n {
            src.push_str(if i % 2 == 0 { "é, " } else { "a, " });
        }
        src.push(']');
        let started = std::time::Instant::now();
        let root = parse(&src).unwrap().unwrap();
        let Value::Sequence(items) = &root.value else {
            panic!()
        };
        assert_eq!(items.len(), n);
        let last = items.last().unwrap().span.start;
        assert_eq!(&src[last.offset..last.offset + 1], "a");
        assert_eq!(last.column, 1 + 3 * (n - 1) + 1);
        assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
    }

    #[test]
    fn top_level_flow_collections_keep_their_positions() {
        for src in [
            "[{version: 4.1, can_be_upgraded_to: [版本, x]}]\n",
            "# comment\r\n  {a: [1, 2], b: 版本}",
            "\u{feff}{\"nodes\": [{\"name\": \"n1\"}]}\n",
        ] {
            let root = parse(src).unwrap().unwrap();
            let mut stack = vec![&root];
            while let Some(n) = stack.pop() {
                match &n.value {
                    Value::Scalar(s) => {
                        let at = n.span.start.offset;
                        let quoted = usize::from(s.style == ScalarStyle::DoubleQuoted);
                        let text = &src[at + quoted..at + quoted + s.text.len()];
                        assert_eq!(text, s.text, "{src:?}: {:?}", n.span);
                    }
                    Value::Sequence(items) => stack.extend(items),
                    Value::Mapping(entries) => {
                        stack.extend(entries.iter().flat_map(|(k, v)| [k, v]))
                    }
                }
            }
        }
        // Errors on the collection's line point into the source, not into the inserted `--- `.
        let err = parse("  [a, bb}").unwrap_err();
        let p = err.position.expect("a position");
        assert_eq!((p.line, p.column, p.offset), (1, 9, 8), "{err:?}");
        // Not a flow collection first: read as it is.
        assert!(top_level_flow_start("- [a]\n").is_none());
        assert!(top_level_flow_start("--- [a]\n").is_none());
        assert_eq!(top_level_flow_start("# c\n\r\n  {a: 1}"), Some((6, 3)));
    }

    #[test]
    fn empty_document_is_none() {
        assert_eq!(parse("").unwrap(), None);
        assert_eq!(parse("# only a comment\n").unwrap(), None);
    }

    #[test]
    fn syntax_error_has_position() {
        let err = parse("- a: [1, 2\n- b").unwrap_err();
        assert_eq!(err.kind, YamlErrorKind::Syntax);
        assert!(err.position.is_some());
    }

    #[test]
    fn billion_laughs_fails_fast() {
        let mut doc = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            doc.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let err = parse(&doc).unwrap_err();
        assert_eq!(err.kind, YamlErrorKind::AliasExpansion);
        // It stops at the limit, long before the 10^12 nodes the document describes.
        assert!(err.position.is_some_and(|p| p.line <= 7), "{err:?}");
    }

    #[test]
    fn nodes_are_counted_once_whatever_their_depth() {
        // Each level of nesting used to count its children again.
        let n = limits::MAX_YAML_NODES / 8;
        let doc: String = (0..n).map(|_| "- {a: [1]}\n").collect();
        assert!(parse(&doc).is_ok());
        let doc: String = (0..limits::MAX_YAML_NODES).map(|_| "- 1\n").collect();
        assert_eq!(parse(&doc).unwrap_err().kind, YamlErrorKind::TooManyNodes);
    }

    #[test]
    fn moderate_alias_use_is_fine() {
        let mut doc = String::from("base: &b {install_binary: 1h, verify: 2m}\nnodes:\n");
        for i in 0..1000 {
            doc.push_str(&format!("  - {{name: n{i}, estimates: *b}}\n"));
        }
        assert!(parse(&doc).is_ok());
    }

    #[test]
    fn deep_nesting_is_refused() {
        let doc = "[".repeat(100) + &"]".repeat(100);
        assert_eq!(parse(&doc).unwrap_err().kind, YamlErrorKind::TooDeep);
        // Block nesting has no limit in the parser itself: ours applies.
        let doc: String = (0..100)
            .map(|i| format!("{}- \n", "  ".repeat(i)))
            .collect();
        assert_eq!(parse(&doc).unwrap_err().kind, YamlErrorKind::TooDeep);
        // Past 255 flow levels the parser stops first, with a syntax error; never a stack overflow.
        let doc = "[".repeat(100_000);
        assert!(parse(&doc).is_err());
    }

    #[test]
    fn second_document_is_refused() {
        let err = parse("- a\n---\n- b\n").unwrap_err();
        assert_eq!(err.kind, YamlErrorKind::MultipleDocuments);
    }

    #[test]
    fn aliases_expand() {
        let root = parse("a: &x [1]\nb: *x\n").unwrap().unwrap();
        let Value::Mapping(e) = &root.value else {
            panic!()
        };
        assert_eq!(e[0].1.value, e[1].1.value);
    }
}
