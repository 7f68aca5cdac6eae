//! A fast reader for the YAML that upgrade-dependency files (and block-style inventories) are
//! written in, producing exactly the tree that [`super::parse`] builds from `saphyr-parser`
//! events: the same nodes, texts, styles and spans, position quirks included.
//!
//! Why by hand: loading a 10,000-version file (0.8 MB) has a budget of 15 ms, and
//! `saphyr-parser` alone, only draining its events, takes about 20 ms of CPU for that file on
//! the 2-core machine the budget is set on (docs/performance.md, "Loading"); the other maintained
//! YAML readers are built on the same scanner design (`yaml-rust2`, `saphyr`) or drop what the
//! tree must keep (`serde_yaml` is archived upstream and has no positions; `serde_yml` and
//! `yaml-rust2` type scalars and lose their source text). No crate reads the format this fast
//! while keeping every scalar's text, style and span, so this module reads the subset real files
//! use and leaves everything else to saphyr.
//!
//! The subset: a block sequence or block mapping at the root, or one flow collection on one
//! line (then only blank lines and comments); nested block sequences and
//! mappings (a sequence may be "indentless", at its key's indentation); single-line plain scalars;
//! single-line quoted scalars (in double quotes only the escapes `\"`, `\\` and `\/`); flow
//! sequences and flow mappings that open and close on one line, holding plain or quoted scalars
//! and flow collections (plain keys only); comments; blank lines.
//!
//! [`parse`] returns `None`, and the caller parses with saphyr, as soon as the input leaves the
//! subset or anything is in doubt: tabs, carriage returns, control characters, a byte-order mark
//! or other special Unicode characters, document markers and directives, anchors, aliases, tags,
//! block scalars, multi-line scalars or flow collections, explicit keys, quoted keys, empty
//! sequence items, a value on the line after its key, indentation that does not match an open
//! collection, anything YAML rejects, and any input that would reach one of the limits
//! (`MAX_YAML_DEPTH`, `MAX_YAML_NODES`). Errors therefore always come from saphyr, so they and
//! every limit are exactly what they were. `tests` below check the trees against saphyr's on
//! generated documents, the files in `data/`, the test fixtures and the fuzz corpora, and the
//! `deps_plan` fuzz target checks every input it is given.

use super::{Node, Scalar, ScalarStyle, Value};
use crate::diagnostic::{Position, Span};
use crate::limits;

/// Whether `bytes` hold a byte the fast readers never read: tabs, carriage returns and every other
/// control character but the line feed. Checked in chunks so that the compiler can test many
/// bytes at once.
pub(crate) fn has_control_bytes(bytes: &[u8]) -> bool {
    bytes.chunks(256).any(|chunk| {
        chunk.iter().fold(false, |bad, &b| {
            bad | ((b < 0x20) & (b != b'\n')) | (b == 0x7f)
        })
    })
}

/// Whether `text` holds a character YAML (or saphyr) treats specially, even in a comment: C1
/// controls, NEL, line and paragraph separators, byte-order marks and non-characters.
pub(crate) fn has_special_chars(text: &str) -> bool {
    !text.is_ascii()
        && text.chars().any(|c| {
            matches!(
                c,
                '\u{80}'
                    ..='\u{9f}' | '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
            )
        })
}

/// Reads `src` if it is in the subset (see the module documentation); `None` otherwise, and for
/// an empty document.
pub(super) fn parse(src: &str) -> Option<Node> {
    let bytes = src.as_bytes();
    if has_control_bytes(bytes) {
        return None;
    }
    let mut reader = Reader::new(src);
    let mut at = 0;
    while at < bytes.len() {
        let rest = bytes.get(at..)?;
        let end = memchr::memchr(b'\n', rest).map_or(bytes.len(), |i| at + i);
        reader.line(at, end)?;
        at = end + 1;
    }
    reader.finish()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Sequence,
    Mapping,
}

/// An open collection.
struct Frame {
    kind: Kind,
    /// Block collections: the indentation of their entries (the column of `-` or of the keys).
    indent: usize,
    /// A flow collection (`[...]`, `{...}`), open on the current line.
    flow: bool,
    /// A block sequence at its parent key's indentation (`key:` then `- item` lines below it).
    indentless: bool,
    start: Position,
    /// Where this collection's children start in [`Reader::items`] or [`Reader::entries`].
    first: usize,
    /// A mapping's key waiting for its value, and the position of its `:` (where a missing
    /// value, null, is).
    key: Option<(Node, Position)>,
}

/// What [`Reader::inline`] found at a position of a block line.
enum Inline {
    /// A plain key followed by `:`; the offset just after the colon.
    Key(Node, usize),
    /// A value, attached to the open collection; the offset where the rest of the line starts
    /// (only blanks and a comment follow).
    Done(usize),
}

struct Reader<'a> {
    src: &'a str,
    bytes: &'a [u8],
    /// The current line: its 1-based number, where it starts and where its `\n` (or the end of
    /// the input) is.
    line_no: usize,
    line_start: usize,
    line_end: usize,
    /// Whether the current line is ASCII (then a column is a byte distance).
    ascii: bool,
    /// On a non-ASCII line, the character column and byte offset last reached (positions are
    /// asked for in order along a line, so counting characters stays linear).
    char_col: usize,
    char_byte: usize,
    /// Open collections, outermost first (block collections, then flow ones on this line).
    frames: Vec<Frame>,
    /// Children of the open sequences and mappings, each collection's after its parent's, so
    /// that a collection is moved into a vector of its exact size when it closes.
    items: Vec<Node>,
    entries: Vec<(Node, Node)>,
    nodes: usize,
    root: Option<Node>,
}

/// Characters that may not start a plain scalar here (YAML indicators; `-`, `?` and `:` could
/// start one when followed by a non-blank, which the subset leaves to saphyr).
fn plain_start(b: u8) -> bool {
    !matches!(
        b,
        b'-' | b'?'
            | b':'
            | b','
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'#'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'\''
            | b'"'
            | b'%'
            | b'@'
            | b'`'
            | b' '
            | b'\n'
    )
}

/// Longest plain key accepted, in bytes (YAML limits implicit keys to 1,024 characters).
const MAX_KEY_BYTES: usize = 1000;

impl<'a> Reader<'a> {
    fn new(src: &'a str) -> Self {
        Reader {
            src,
            bytes: src.as_bytes(),
            line_no: 0,
            line_start: 0,
            line_end: 0,
            ascii: true,
            char_col: 0,
            char_byte: 0,
            frames: Vec::new(),
            items: Vec::new(),
            entries: Vec::new(),
            nodes: 0,
            root: None,
        }
    }

    /// The byte at `i` on the current line; `\n` at and past its end.
    fn at(&self, i: usize) -> u8 {
        if i < self.line_end {
            self.bytes.get(i).copied().unwrap_or(b'\n')
        } else {
            b'\n'
        }
    }

    fn skip_spaces(&self, mut i: usize) -> usize {
        while self.at(i) == b' ' {
            i += 1;
        }
        i
    }

    /// The position of byte offset `off` on the current line.
    fn pos(&mut self, off: usize) -> Position {
        let column = if self.ascii {
            off.saturating_sub(self.line_start)
        } else {
            if off < self.char_byte {
                self.char_byte = self.line_start;
                self.char_col = 0;
            }
            let seg = self.bytes.get(self.char_byte..off).unwrap_or_default();
            self.char_col += seg.iter().filter(|&&b| b & 0xc0 != 0x80).count();
            self.char_byte = off;
            self.char_col
        };
        Position {
            offset: off,
            line: self.line_no,
            column: column + 1,
        }
    }

    /// Counts one more node; `None` past the limit (saphyr then reports it).
    fn count(&mut self) -> Option<()> {
        self.nodes += 1;
        (self.nodes <= limits::MAX_YAML_NODES).then_some(())
    }

    fn scalar(
        &mut self,
        text: String,
        style: ScalarStyle,
        start: usize,
        end: usize,
    ) -> Option<Node> {
        self.count()?;
        let span = Span {
            start: self.pos(start),
            end: self.pos(end),
        };
        Some(Node {
            value: Value::Scalar(Scalar {
                text,
                style,
                tag: None,
            }),
            span,
        })
    }

    fn null(&mut self, at: Position) -> Option<Node> {
        self.count()?;
        Some(Node {
            value: Value::Scalar(Scalar {
                text: String::new(),
                style: ScalarStyle::Plain,
                tag: None,
            }),
            span: Span { start: at, end: at },
        })
    }

    fn push(
        &mut self,
        kind: Kind,
        indent: usize,
        flow: bool,
        indentless: bool,
        start: Position,
    ) -> Option<()> {
        if self.frames.len() >= limits::MAX_YAML_DEPTH {
            return None;
        }
        self.count()?;
        let first = match kind {
            Kind::Sequence => self.items.len(),
            Kind::Mapping => self.entries.len(),
        };
        self.frames.push(Frame {
            kind,
            indent,
            flow,
            indentless,
            start,
            first,
            key: None,
        });
        Some(())
    }

    /// Adds a complete node to the open collection (as the value of a mapping's waiting key), or
    /// makes it the root.
    fn attach(&mut self, node: Node) -> Option<()> {
        match self.frames.last_mut() {
            None if self.root.is_none() => self.root = Some(node),
            None => return None,
            Some(f) => match f.kind {
                Kind::Sequence => self.items.push(node),
                Kind::Mapping => {
                    let (key, _) = f.key.take()?;
                    self.entries.push((key, node));
                }
            },
        }
        Some(())
    }

    /// Closes the innermost collection at `end` and attaches it to its parent.
    fn close(&mut self, end: Position) -> Option<()> {
        let f = self.frames.pop()?;
        let value = match f.kind {
            Kind::Sequence => Value::Sequence(self.items.drain(f.first..).collect()),
            Kind::Mapping if f.key.is_none() => {
                Value::Mapping(self.entries.drain(f.first..).collect())
            }
            Kind::Mapping => return None,
        };
        self.attach(Node {
            value,
            span: Span {
                start: f.start,
                end,
            },
        })
    }

    /// Whether the innermost collection is a block mapping whose key waits for its value.
    fn waiting_key(&self) -> Option<usize> {
        match self.frames.last() {
            Some(f) if f.kind == Kind::Mapping && !f.flow && f.key.is_some() => Some(f.indent),
            _ => None,
        }
    }

    /// Attaches null to a waiting key.
    fn null_value(&mut self) -> Option<()> {
        let at = self.frames.last()?.key.as_ref()?.1;
        let null = self.null(at)?;
        self.attach(null)
    }

    /// Whether a `- ` sequence entry starts at `p`.
    fn is_dash(&self, p: usize) -> bool {
        self.at(p) == b'-' && matches!(self.at(p + 1), b' ' | b'\n')
    }

    /// Where the content of the sequence entry at `p` starts; `None` for an empty entry.
    fn after_dash(&self, p: usize) -> Option<usize> {
        let q = self.skip_spaces(p + 1);
        (!matches!(self.at(q), b'\n' | b'#')).then_some(q)
    }

    fn line(&mut self, start: usize, end: usize) -> Option<()> {
        self.line_no += 1;
        self.line_start = start;
        self.line_end = end;
        self.char_col = 0;
        self.char_byte = start;
        let line = self.bytes.get(start..end)?;
        self.ascii = line.is_ascii();
        if !self.ascii {
            // Characters YAML (or saphyr) treats specially: C1 controls, NEL, line and paragraph
            // separators, byte-order marks and non-characters.
            let text = self.src.get(start..end)?;
            if has_special_chars(text) {
                return None;
            }
        }
        // Document markers and directives.
        if line.starts_with(b"---") || line.starts_with(b"...") || line.starts_with(b"%") {
            return None;
        }
        let Some(indent) = line.iter().position(|&b| b != b' ') else {
            return Some(());
        };
        if line.get(indent) == Some(&b'#') {
            return Some(());
        }
        self.content(start + indent, indent)
    }

    /// A line whose first token is at byte `p`, column `ind`.
    fn content(&mut self, p: usize, ind: usize) -> Option<()> {
        if self.frames.is_empty() && self.root.is_none() && matches!(self.at(p), b'[' | b'{') {
            // A document that is one flow collection on one line (JSON, or YAML written on one
            // line); only blank lines and comments may follow.
            return self.flow(p).map(|_| ());
        }
        let dash = self.is_dash(p);
        // A key on an earlier line waits for its value: a block collection starting here, or null.
        if let Some(m) = self.waiting_key() {
            if ind > m {
                let start = self.pos(p);
                let kind = if dash { Kind::Sequence } else { Kind::Mapping };
                self.push(kind, ind, false, false, start)?;
            } else if ind == m && dash {
                // An indentless sequence starts where its first entry's content does.
                let q = self.after_dash(p)?;
                let start = self.pos(q);
                self.push(Kind::Sequence, m, false, true, start)?;
            } else {
                self.null_value()?;
            }
        }
        // Close the collections this line is outside of.
        let here = self.pos(p);
        while let Some(f) = self.frames.last() {
            let outside = f.indent > ind || (f.indentless && f.indent == ind && !dash);
            if !outside {
                break;
            }
            self.close(here)?;
        }
        match self.frames.last() {
            None => {
                if self.root.is_some() {
                    return None;
                }
                let kind = if dash { Kind::Sequence } else { Kind::Mapping };
                self.push(kind, ind, false, false, here)?;
            }
            Some(f) if f.indent != ind => return None,
            Some(_) => {}
        }
        match self.frames.last()?.kind {
            Kind::Sequence if dash => self.item(p),
            Kind::Mapping if !dash => match self.inline(p, true)? {
                Inline::Key(key, colon) => self.value_after_colon(key, colon),
                Inline::Done(_) => None,
            },
            _ => None,
        }
    }

    /// The sequence entry whose `-` is at `p`.
    fn item(&mut self, p: usize) -> Option<()> {
        let q = self.after_dash(p)?;
        if self.is_dash(q) {
            return None;
        }
        let start = self.pos(q);
        match self.inline(q, true)? {
            Inline::Key(key, colon) => {
                // `- key: ...`: a mapping whose keys are at the column of this one (the line
                // up to it is ASCII: indentation, `-` and spaces).
                self.push(Kind::Mapping, q - self.line_start, false, false, start)?;
                self.value_after_colon(key, colon)
            }
            Inline::Done(rest) => self.rest_is_blank(rest),
        }
    }

    /// The value after the `:` of `key` (at `colon`, the offset after it), in the innermost
    /// mapping.
    fn value_after_colon(&mut self, key: Node, colon: usize) -> Option<()> {
        // saphyr places a missing value (null) at the `:` itself.
        let at = self.pos(colon.saturating_sub(1));
        self.frames.last_mut()?.key = Some((key, at));
        let v = self.skip_spaces(colon);
        if matches!(self.at(v), b'\n' | b'#') {
            // The value is on the next lines, or null.
            return Some(());
        }
        match self.inline(v, false)? {
            Inline::Done(rest) => self.rest_is_blank(rest),
            Inline::Key(..) => None,
        }
    }

    /// Only blanks and a comment from `i` to the end of the line.
    fn rest_is_blank(&self, i: usize) -> Option<()> {
        let j = self.skip_spaces(i);
        match self.at(j) {
            b'\n' => Some(()),
            b'#' if j > i => Some(()),
            _ => None,
        }
    }

    /// The node that starts at `q` on a block line: a plain key (when `key_allowed`), or a value
    /// (attached to the open collection).
    fn inline(&mut self, q: usize, key_allowed: bool) -> Option<Inline> {
        match self.at(q) {
            b'[' | b'{' => self.flow(q).map(Inline::Done),
            quote @ (b'\'' | b'"') => {
                let (text, close) = self.quoted(q, quote)?;
                // saphyr's span of a quoted scalar runs over the blanks after it, and over a
                // comment to the end of the line.
                let after = close + 1;
                let j = self.skip_spaces(after);
                match self.at(j) {
                    b'\n' => {}
                    b'#' if j > after => {}
                    _ => return None,
                }
                let style = if quote == b'"' {
                    ScalarStyle::DoubleQuoted
                } else {
                    ScalarStyle::SingleQuoted
                };
                let node = self.scalar(text, style, q, self.line_end)?;
                self.attach(node)?;
                Some(Inline::Done(self.line_end))
            }
            b if plain_start(b) => {
                // A plain scalar runs to the end of the line, to ` #` (a comment), or to a `:`
                // followed by a blank (a key).
                let mut i = q;
                let mut end = q;
                let colon = loop {
                    match self.at(i) {
                        b'\n' => break None,
                        b'#' if self.at(i.wrapping_sub(1)) == b' ' => break None,
                        b':' if matches!(self.at(i + 1), b' ' | b'\n') => break Some(i),
                        b' ' => i += 1,
                        _ => {
                            i += 1;
                            end = i;
                        }
                    }
                };
                let text = self.src.get(q..end)?.to_string();
                match colon {
                    Some(c) if key_allowed && c == end && end - q <= MAX_KEY_BYTES => {
                        let key = self.scalar(text, ScalarStyle::Plain, q, end)?;
                        Some(Inline::Key(key, c + 1))
                    }
                    Some(_) => None,
                    None => {
                        let node = self.scalar(text, ScalarStyle::Plain, q, end)?;
                        self.attach(node)?;
                        Some(Inline::Done(end))
                    }
                }
            }
            _ => None,
        }
    }

    /// A quoted scalar whose opening quote is at `q`: its text and the offset of the closing
    /// quote. `None` when it does not close on this line or holds an escape outside the subset.
    fn quoted(&self, q: usize, quote: u8) -> Option<(String, usize)> {
        let mut text: Option<String> = None;
        let mut run = q + 1;
        let mut i = q + 1;
        loop {
            let b = self.at(i);
            if b == b'\n' {
                return None;
            }
            if b == quote {
                if quote == b'\'' && self.at(i + 1) == b'\'' {
                    // `''` is one quote.
                    let t = text.get_or_insert_with(String::new);
                    t.push_str(self.src.get(run..=i)?);
                    i += 2;
                    run = i;
                    continue;
                }
                let last = self.src.get(run..i)?;
                let text = match text {
                    None => last.to_string(),
                    Some(mut t) => {
                        t.push_str(last);
                        t.shrink_to_fit();
                        t
                    }
                };
                return Some((text, i));
            }
            if b == b'\\' && quote == b'"' {
                let unescaped = match self.at(i + 1) {
                    b'"' => '"',
                    b'\\' => '\\',
                    b'/' => '/',
                    _ => return None,
                };
                let t = text.get_or_insert_with(String::new);
                t.push_str(self.src.get(run..i)?);
                t.push(unescaped);
                i += 2;
                run = i;
                continue;
            }
            i += 1;
        }
    }

    /// A flow collection opening at `q` and closing on this line, where nothing but blanks and a
    /// comment may follow it; attached to the open block collection. Returns the end of the line.
    fn flow(&mut self, q: usize) -> Option<usize> {
        let base = self.frames.len();
        let mut i = q;
        // `true` after an opening bracket (a closing one may follow), or after `,` and `: `
        // (a node must follow); `false` after a node (`,` or a closing bracket must follow).
        let mut want_node = true;
        let mut just_opened = false;
        loop {
            i = self.skip_spaces(i);
            let b = self.at(i);
            let top = self.frames.get(base..).and_then(<[Frame]>::last);
            let closing = match (b, top.map(|f| f.kind)) {
                (b']', Some(Kind::Sequence)) | (b'}', Some(Kind::Mapping)) => {
                    !want_node || just_opened
                }
                _ => false,
            };
            if closing {
                let after = i + 1;
                let j = self.skip_spaces(after);
                let end = if self.frames.len() == base + 1 {
                    // The outermost one: its span runs to the end of the line.
                    match self.at(j) {
                        b'\n' => {}
                        b'#' if j > after => {}
                        _ => return None,
                    }
                    self.line_end
                } else {
                    j
                };
                let end_pos = self.pos(end);
                self.close(end_pos)?;
                if self.frames.len() == base {
                    return Some(self.line_end);
                }
                i = after;
                want_node = false;
                just_opened = false;
                continue;
            }
            if !want_node {
                if b != b',' {
                    return None;
                }
                i += 1;
                want_node = true;
                just_opened = false;
                continue;
            }
            just_opened = false;
            let in_map = top.map(|f| f.kind) == Some(Kind::Mapping);
            let needs_key = in_map && top.is_some_and(|f| f.key.is_none());
            match b {
                b'[' | b'{' if !needs_key => {
                    let kind = if b == b'[' {
                        Kind::Sequence
                    } else {
                        Kind::Mapping
                    };
                    let start = self.pos(i);
                    self.push(kind, 0, true, false, start)?;
                    i += 1;
                    just_opened = true;
                }
                b'\'' | b'"' if !needs_key => {
                    let (text, close) = self.quoted(i, b)?;
                    // The span runs over the blanks after the closing quote.
                    let end = self.skip_spaces(close + 1);
                    let style = if b == b'"' {
                        ScalarStyle::DoubleQuoted
                    } else {
                        ScalarStyle::SingleQuoted
                    };
                    let node = self.scalar(text, style, i, end)?;
                    self.attach(node)?;
                    i = end;
                    want_node = false;
                }
                b if plain_start(b) => {
                    let start = i;
                    let mut end = i;
                    let stop = loop {
                        match self.at(i) {
                            c @ (b',' | b']' | b'}' | b':') => break c,
                            b' ' => i += 1,
                            b'\n' | b'#' | b'[' | b'{' | b'"' | b'\'' => return None,
                            // saphyr reads ` -` before a flow indicator as a new scalar
                            // starting with `-` (an error; found by the fuzzer).
                            b'-' if self.at(i.wrapping_sub(1)) == b' '
                                && matches!(self.at(i + 1), b',' | b'[' | b']' | b'{' | b'}') =>
                            {
                                return None;
                            }
                            _ => {
                                i += 1;
                                end = i;
                            }
                        }
                    };
                    let text = self.src.get(start..end)?.to_string();
                    if needs_key {
                        // `key: value`, the colon right after the key and followed by a blank.
                        if stop != b':'
                            || end != i
                            || self.at(i + 1) != b' '
                            || end - start > MAX_KEY_BYTES
                        {
                            return None;
                        }
                        let key = self.scalar(text, ScalarStyle::Plain, start, end)?;
                        self.frames.last_mut()?.key = Some((key, Position::default()));
                        i += 1;
                        // A value must follow (no `{a: }`).
                        let v = self.skip_spaces(i);
                        if matches!(self.at(v), b',' | b'}' | b']' | b'\n') {
                            return None;
                        }
                        want_node = true;
                    } else {
                        if stop == b':' {
                            return None;
                        }
                        let node = self.scalar(text, ScalarStyle::Plain, start, end)?;
                        self.attach(node)?;
                        want_node = false;
                    }
                }
                _ => return None,
            }
        }
    }

    /// The end of the input: a waiting key gets null, and every open collection closes where
    /// saphyr closes it: at the end of the stream (the line after the last one, column 1), or,
    /// after a last line without a line break that ends left of its entries, at the end of the
    /// input.
    fn finish(mut self) -> Option<Node> {
        if self.waiting_key().is_some() {
            self.null_value()?;
        }
        let len = self.bytes.len();
        if !self.bytes.ends_with(b"\n") && len > 0 {
            // The last line has no line break: saphyr first closes, at the end of the input,
            // the block collections indented deeper than the column it ends at (only a line of
            // blanks or a comment can end left of an open collection's entries); an indentless
            // sequence closes with its mapping, whose indentation it has.
            let end = self.pos(len);
            while let Some(f) = self.frames.last() {
                if f.flow || f.indent < end.column {
                    break;
                }
                self.close(end)?;
            }
        }
        let eof = Position {
            offset: len,
            line: self.line_no + 1,
            column: 1,
        };
        while !self.frames.is_empty() {
            self.close(eof)?;
        }
        self.root
    }
}

#[cfg(test)]
mod tests {
    use super::super::check_fast_path;
    use crate::synth::{SynthSpec, generate, generate_flow};
    use proptest::prelude::*;
    use std::path::{Path, PathBuf};

    /// Every file under `dir` (recursively) whose name ends with one of `exts` (all files when
    /// `exts` is empty).
    fn files(dir: &Path, exts: &[&str], out: &mut Vec<PathBuf>) {
        let Ok(read) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in read.flatten() {
            let path = entry.path();
            if path.is_dir() {
                files(&path, exts, out);
            } else if exts.is_empty() || exts.iter().any(|e| path.to_string_lossy().ends_with(e)) {
                out.push(path);
            }
        }
    }

    #[test]
    fn generated_documents_take_the_fast_path() {
        for spec in [
            SynthSpec::new(300),
            SynthSpec::conditioned(300),
            SynthSpec::cyclic(300),
        ] {
            assert!(check_fast_path(&generate(&spec)), "{spec:?}");
            assert!(check_fast_path(&generate_flow(&spec)), "{spec:?}");
        }
    }

    #[test]
    fn position_quirks_agree_with_saphyr() {
        for src in ["- {a: b -}", "- [a -]", "  - {name: n0- -}"] {
            assert!(!check_fast_path(src), "{src:?} is left to saphyr");
        }
        for src in [
            // A missing value sits at its `:`.
            "x:",
            "x:\n",
            "- a:\n- b: # c\n",
            // A last line of blanks without a line break closes the deeper collections at the
            // end of the input, an indentless sequence with its mapping (found by the fuzzer).
            "nodes:\n  - a:\n  ",
            "a:\n  b:\n  - c\n ",
            "a:\n  b:\n  - c\n  ",
            "a:\n  b:\n  Y  c: \n  Y Y  c: \n  #c1.5'\n  -  Y  c: \n ",
            // Inside a flow collection, a plain scalar may hold `- ` but not ` -` before an
            // indicator (saphyr: an error; found by the fuzzer).
            "- {a: b- c}",
            // One flow collection as the whole document.
            "[a, {b: c}]  # d\n\n",
            "# x\n{a: [b]}",
        ] {
            assert!(check_fast_path(src), "{src:?} left the fast path");
        }
    }

    #[test]
    fn real_files_fixtures_and_corpora_agree_with_saphyr() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut paths = Vec::new();
        files(&root.join("data"), &[".yml", ".yaml"], &mut paths);
        let real = paths.len();
        files(&root.join("tests/fixtures"), &[".yml", ".yaml"], &mut paths);
        for corpus in ["deps_plan", "lint", "inventory", "yaml_fast"] {
            files(&root.join("fuzz/corpus").join(corpus), &[], &mut paths);
        }
        let (mut fast, mut read) = (0, 0);
        for (i, path) in paths.iter().enumerate() {
            let Ok(src) = std::fs::read_to_string(path) else {
                continue;
            };
            read += 1;
            let accepted = check_fast_path(&src);
            crate::depgraph::check_direct_load(&src);
            // The real upgrade-dependency files are all in the subset.
            if i < real && path.to_string_lossy().contains("oceanbase") {
                assert!(accepted, "{} left the fast path", path.display());
            }
            fast += usize::from(accepted);
        }
        assert!(read > 500, "only {read} files read");
        // Fixtures and real files are mostly block YAML the fast path reads; most fuzz corpus
        // files are not (they test saphyr's side of the split).
        assert!(
            fast * 4 > read,
            "the fast path read only {fast} of {read} files"
        );
    }

    /// Snippets that start, end or break the constructs of the subset and of what lies just
    /// outside it.
    const SNIPPETS: &[&str] = &[
        " ",
        "  ",
        "\n",
        "\n  ",
        "\n- ",
        "-",
        "- ",
        ":",
        ": ",
        "#",
        " #",
        "'",
        "''",
        "\"",
        "\\",
        "\\\"",
        "\\n",
        "[",
        "]",
        "{",
        "}",
        ",",
        ", ",
        "é",
        "版",
        "\t",
        "\r",
        "&a ",
        "*a",
        "!!str ",
        "|",
        ">",
        "?",
        "? ",
        "~",
        "null",
        "---\n",
        "...\n",
        "%YAML 1.2\n",
        "\u{feff}",
        "\u{85}",
        "key: value",
        "- [a, b]",
        "{a: b}",
        "x:",
        "  - ",
        "4.10",
        "-1",
        ":x",
    ];

    /// Values for [`line_built_documents_agree_with_saphyr`].
    const LINE_VALUES: &[&str] = &[
        "",
        "x",
        "4.10",
        "'q'",
        "'it''s'",
        "\"d\\\"q\"",
        "[a, b]",
        "[]",
        "{k: v}",
        "{}",
        "[a, [b, {c: d}], 'e']",
        "x y",
        "版本",
        "null",
        "- z",
        "a: b",
        "[a,",
        "'open",
    ];

    fn mutate(src: &str, edits: &[(usize, usize, usize)]) -> String {
        let mut s = src.to_string();
        for &(op, at, arg) in edits {
            let at = at % (s.len() + 1);
            let at = (0..=at).rev().find(|&i| s.is_char_boundary(i)).unwrap_or(0);
            match op % 4 {
                0 | 1 => s.insert_str(at, SNIPPETS[arg % SNIPPETS.len()]),
                2 => {
                    let end = (at + arg % 8).min(s.len());
                    if let Some(end) = (end..=s.len()).find(|&i| s.is_char_boundary(i)) {
                        s.replace_range(at..end, "");
                    }
                }
                _ => {
                    // Re-indent the line holding `at` by -2..+2 spaces.
                    let start = s[..at].rfind('\n').map_or(0, |i| i + 1);
                    match arg % 4 {
                        0 => s.insert(start, ' '),
                        1 => s.insert_str(start, "  "),
                        _ if s[start..].starts_with(' ') => {
                            s.remove(start);
                        }
                        _ => {}
                    }
                }
            }
        }
        s
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Generated documents, mutated near and across the subset's edges: whenever the fast
        /// path reads one, its tree is exactly saphyr's (nodes, texts, styles, spans), so the
        /// document, graph and diagnostics built from it are the same; anything else is read by
        /// saphyr, errors included.
        #[test]
        fn mutated_generated_documents_agree_with_saphyr(
            family in 0usize..3,
            flow in any::<bool>(),
            n in 1usize..40,
            seed in any::<u64>(),
            edits in proptest::collection::vec((0usize..4, any::<usize>(), any::<usize>()), 0..6),
        ) {
            let mut spec = match family {
                0 => SynthSpec::new(n),
                1 => SynthSpec::conditioned(n),
                _ => SynthSpec::cyclic(n),
            };
            spec.seed = seed | 1;
            let src = if flow { generate_flow(&spec) } else { generate(&spec) };
            let src = mutate(&src, &edits);
            check_fast_path(&src);
            crate::depgraph::check_direct_load(&src);
        }

        /// Small documents built line by line from indentation, `- `, keys, values (plain,
        /// quoted, flow, empty) and comments reach the corners the generated ones do not (empty
        /// values, indentless sequences, dedents, quoting, flow collections, the last line).
        #[test]
        fn line_built_documents_agree_with_saphyr(
            lines in proptest::collection::vec(
                (0usize..6, any::<bool>(), 0usize..4, 0usize..LINE_VALUES.len(), 0usize..3),
                0..12,
            ),
            newline_at_end in any::<bool>(),
        ) {
            let mut src = String::new();
            for (i, &(indent, dash, key, value, comment)) in lines.iter().enumerate() {
                if i > 0 {
                    src.push('\n');
                }
                src.push_str(&" ".repeat(indent));
                if dash {
                    src.push_str("- ");
                }
                src.push_str(["", "a: ", "b:", "ké: "][key]);
                src.push_str(LINE_VALUES[value]);
                src.push_str(["", " # c", "  "][comment]);
            }
            if newline_at_end {
                src.push('\n');
            }
            check_fast_path(&src);
            crate::depgraph::check_direct_load(&src);
        }

        /// The snippets alone, in any order.
        #[test]
        fn snippet_documents_agree_with_saphyr(
            parts in proptest::collection::vec(0usize..SNIPPETS.len(), 0..24),
        ) {
            let src: String = parts.iter().map(|&i| SNIPPETS[i]).collect();
            check_fast_path(&src);
            crate::depgraph::check_direct_load(&src);
        }
    }
}
