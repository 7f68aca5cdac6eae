//! The direct loader: reads the common shape of upgrade-dependency files straight into a
//! [`DepGraph`], without the YAML tree and the [`Document`](super::Document) in between.
//!
//! Why: loading a 10,000-version file has a budget of 15 ms (issue 14), and the general path
//! (YAML tree with a span on every node, then entries with a span on every value, then the graph)
//! spends most of that budget building and freeing what only diagnostics need. A file that loads
//! cleanly needs none of it, so this module reads the shape that generated and real files are
//! written in and builds the graph as [`DepGraph::from_document`] would. It returns `None`, and
//! the caller takes the general path, at anything outside that shape or anything the general path
//! would report as an error: every error, warning and limit therefore still comes from the general
//! path, unchanged. The graph it builds must be the general path's, node for node and edge for
//! edge; [`check_direct_load`] compares the two, and the proptests below, the real files and every
//! fuzz corpus (`deps_plan`, `lint`, `yaml_fast` runs it on every input) exercise it.
//!
//! The shape, line by line (no tabs, carriage returns or other control characters anywhere):
//! blank lines and comment lines anywhere; each entry starts at column 0 with `- version: V`;
//! its keys at column 2, each at most once: `can_be_upgraded_to:` with a one-line flow list
//! `[V, V]` or a block list below it (`- V`, one indentation for all items, column 2 or more),
//! `deprecated: B`, and `require_from_binary:` with `B`, a one-line flow mapping
//! `{value: B, when_come_from: [V]}`, or a block mapping at column 4 (`value: B` and at most one
//! of `when_come_from: [...]` / `when_upgraded_to: [...]`, flow lists). `V` is a plain scalar of
//! digits, dots and dashes that is a valid OceanBase version, or the same in single or double
//! quotes (`yaml.safe_dump` quotes number-like strings: `'4.0'`); `B` is `true`/`false` (also
//! capitalised or upper case). A value may be followed by a comment. The scheme must be
//! OceanBase (detected or given). Anything else falls back.

use super::{Barrier, Condition, DepGraph, VersionNode};
use crate::limits;
use crate::planner::search::RouteIndex;
use crate::version::{Version, VersionScheme};
use crate::yaml::fast::{has_control_bytes, has_special_chars};
use petgraph::graph::{DiGraph, NodeIndex};
use std::ops::Range;

/// A `require_from_binary` as read: its value (`None` until `value:` is read in a mapping) and
/// condition (versions as a range of `texts`).
#[derive(Clone)]
struct RawBarrier {
    value: Option<bool>,
    condition: Condition<()>,
    list: Range<usize>,
}

/// One entry as read: texts are ranges of the shared `texts` list.
struct RawEntry<'a> {
    version: &'a str,
    upgrades_to: Range<usize>,
    deprecated: bool,
    barrier: Option<RawBarrier>,
}

/// The keys of an entry that have been read (each at most once).
#[derive(Default)]
struct Seen {
    upgrades_to: bool,
    deprecated: bool,
    barrier: bool,
}

/// Where the reader is between lines.
enum State {
    /// Between entries (or before the first).
    Top,
    /// In an entry, expecting keys at column 2.
    Entry,
    /// Reading the block list of `can_be_upgraded_to` (`indent`: its items' column, once known).
    UpgradeList { indent: Option<usize> },
    /// Reading a block `require_from_binary` mapping at column 4.
    BarrierMap,
    /// After a document that is one flow sequence on one line: only blank and comment lines.
    FlowDone,
}

/// Loads `src` if it has the shape this module reads and loads without any error; `None`
/// otherwise (the caller then takes the general path).
pub(super) fn load(src: &str, scheme: Option<VersionScheme>) -> Option<DepGraph> {
    if scheme.is_some_and(|s| s != VersionScheme::OceanBase) || src.len() > limits::MAX_YAML_BYTES {
        return None;
    }
    if has_control_bytes(src.as_bytes()) {
        return None;
    }
    let mut texts: Vec<&str> = Vec::new();
    let mut entries: Vec<RawEntry<'_>> = Vec::new();
    let mut seen = Seen::default();
    let mut state = State::Top;
    // The YAML tree's node count, kept well below the limit the general path enforces.
    let mut nodes = 1usize;
    for line in src.split('\n') {
        if has_special_chars(line) {
            return None;
        }
        let indent = line.bytes().take_while(|&b| b == b' ').count();
        let rest = line.get(indent..)?;
        if rest.is_empty() || rest.starts_with('#') {
            continue;
        }
        if nodes > limits::MAX_YAML_NODES / 2 || matches!(state, State::FlowDone) {
            return None;
        }
        if let State::UpgradeList { indent: want } = state {
            let item_indent_ok = match want {
                Some(w) => indent == w,
                None => indent >= 2,
            };
            if item_indent_ok && (rest == "-" || rest.starts_with("- ")) {
                let text = scalar_to_end(rest.get(1..)?)?;
                texts.push(text);
                nodes += 1;
                let entry = entries.last_mut()?;
                entry.upgrades_to.end = texts.len();
                state = State::UpgradeList {
                    indent: Some(indent),
                };
                continue;
            }
            state = State::Entry;
        }
        if let State::BarrierMap = state {
            if indent == 4 {
                let entry = entries.last_mut()?;
                let barrier = entry.barrier.as_mut()?;
                let (key, value) = key_value(rest)?;
                barrier_key(barrier, key, value, &mut texts, &mut nodes)?;
                continue;
            }
            // `value` must be written (a missing one is a lint finding).
            entries.last()?.barrier.as_ref()?.value?;
            state = State::Entry;
        }
        match (indent, &state) {
            (0, State::Top) if entries.is_empty() && rest.starts_with('[') => {
                flow_document(rest, &mut entries, &mut texts, &mut nodes)?;
                state = State::FlowDone;
            }
            (0, _) => {
                let value = rest.strip_prefix("- version:")?;
                let version = scalar_to_end(value)?;
                entries.push(RawEntry {
                    version,
                    upgrades_to: texts.len()..texts.len(),
                    deprecated: false,
                    barrier: None,
                });
                nodes += 3;
                seen = Seen::default();
                state = State::Entry;
            }
            (2, State::Entry) => {
                let (key, value) = key_value(rest)?;
                let entry = entries.last_mut()?;
                nodes += 2;
                match key {
                    "can_be_upgraded_to" if !seen.upgrades_to => {
                        seen.upgrades_to = true;
                        entry.upgrades_to = texts.len()..texts.len();
                        if is_end(value) {
                            state = State::UpgradeList { indent: None };
                        } else {
                            let list = flow_list(value, &mut texts)?;
                            nodes += list.len();
                            entry.upgrades_to = list;
                        }
                    }
                    "deprecated" if !seen.deprecated => {
                        seen.deprecated = true;
                        entry.deprecated = boolean(value)?;
                    }
                    "require_from_binary" if !seen.barrier => {
                        seen.barrier = true;
                        if is_end(value) {
                            entry.barrier = Some(RawBarrier {
                                value: None,
                                condition: Condition::Always,
                                list: 0..0,
                            });
                            state = State::BarrierMap;
                        } else if let Some(inner) = trim_value(value)
                            .and_then(|v| v.strip_prefix('{'))
                            .and_then(|v| v.strip_suffix('}'))
                        {
                            entry.barrier = Some(flow_barrier(inner, &mut texts, &mut nodes)?);
                        } else {
                            entry.barrier = Some(RawBarrier {
                                value: Some(boolean(value)?),
                                condition: Condition::Always,
                                list: 0..0,
                            });
                        }
                    }
                    _ => return None,
                }
            }
            _ => return None,
        }
    }
    if let State::BarrierMap = state {
        entries.last()?.barrier.as_ref()?.value?;
    }
    if entries.is_empty() || nodes > limits::MAX_YAML_NODES / 2 {
        return None;
    }
    build(&entries, &texts)
}

/// Reads a document that is one flow sequence of flow mappings on one line (`[{version: V,
/// can_be_upgraded_to: [V, V], deprecated: B, require_from_binary: {value: B, ...}}, ...]`, as
/// `synth::generate_flow` and JSON-minded tools write it), then only a comment. Each mapping
/// starts with `version`; keys are read as in block entries.
fn flow_document<'a>(
    line: &'a str,
    entries: &mut Vec<RawEntry<'a>>,
    texts: &mut Vec<&'a str>,
    nodes: &mut usize,
) -> Option<()> {
    let mut c = Cursor { s: line, at: 0 };
    c.eat(b'[')?;
    c.spaces();
    if c.peek() != Some(b']') {
        loop {
            flow_entry(&mut c, entries, texts, nodes)?;
            c.spaces();
            match c.next()? {
                b',' => c.spaces(),
                b']' => break,
                _ => return None,
            }
        }
    } else {
        c.eat(b']')?;
    }
    let rest = line.get(c.at..)?;
    is_end(rest).then_some(())
}

/// One `{version: V, ...}` of a flow document.
fn flow_entry<'a>(
    c: &mut Cursor<'a>,
    entries: &mut Vec<RawEntry<'a>>,
    texts: &mut Vec<&'a str>,
    nodes: &mut usize,
) -> Option<()> {
    c.eat(b'{')?;
    c.spaces();
    if c.key()? != "version" {
        return None;
    }
    let version = c.version()?;
    *nodes += 3;
    let mut entry = RawEntry {
        version,
        upgrades_to: texts.len()..texts.len(),
        deprecated: false,
        barrier: None,
    };
    let mut seen = Seen::default();
    loop {
        c.spaces();
        match c.next()? {
            b'}' => break,
            b',' => c.spaces(),
            _ => return None,
        }
        *nodes += 2;
        match c.key()? {
            "can_be_upgraded_to" if !seen.upgrades_to => {
                seen.upgrades_to = true;
                entry.upgrades_to = c.list(texts)?;
                *nodes += entry.upgrades_to.len();
            }
            "deprecated" if !seen.deprecated => {
                seen.deprecated = true;
                entry.deprecated = c.boolean()?;
            }
            "require_from_binary" if !seen.barrier => {
                seen.barrier = true;
                entry.barrier = Some(if c.peek() == Some(b'{') {
                    c.flow_barrier(texts, nodes)?
                } else {
                    RawBarrier {
                        value: Some(c.boolean()?),
                        condition: Condition::Always,
                        list: 0..0,
                    }
                });
            }
            _ => return None,
        }
    }
    entries.push(entry);
    Some(())
}

/// A position in one line of flow text.
struct Cursor<'a> {
    s: &'a str,
    at: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<u8> {
        self.s.as_bytes().get(self.at).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.at += 1;
        Some(b)
    }

    fn eat(&mut self, want: u8) -> Option<()> {
        (self.next()? == want).then_some(())
    }

    fn spaces(&mut self) {
        while self.peek() == Some(b' ') {
            self.at += 1;
        }
    }

    /// The bytes from here while `keep` holds.
    fn run(&mut self, keep: impl Fn(u8) -> bool) -> &'a str {
        let start = self.at;
        while self.peek().is_some_and(&keep) {
            self.at += 1;
        }
        self.s.get(start..self.at).unwrap_or_default()
    }

    /// `key: ` (lower-case letters and underscores, then a colon and at least one space).
    fn key(&mut self) -> Option<&'a str> {
        let key = self.run(|b| b.is_ascii_lowercase() || b == b'_');
        self.eat(b':')?;
        if self.peek() != Some(b' ') {
            return None;
        }
        self.spaces();
        (!key.is_empty()).then_some(key)
    }

    /// A version token, which must end at a flow indicator or a space.
    fn version(&mut self) -> Option<&'a str> {
        let (token, len) = version_token(self.s.get(self.at..)?)?;
        self.at += len;
        matches!(self.peek(), Some(b' ' | b',' | b']' | b'}')).then_some(token)
    }

    fn boolean(&mut self) -> Option<bool> {
        let word = self.run(|b| b.is_ascii_alphabetic());
        if !matches!(self.peek(), Some(b' ' | b',' | b']' | b'}')) {
            return None;
        }
        match word {
            "true" | "True" | "TRUE" => Some(true),
            "false" | "False" | "FALSE" => Some(false),
            _ => None,
        }
    }

    /// `[V, V]` or `[]`, pushed to `texts`.
    fn list(&mut self, texts: &mut Vec<&'a str>) -> Option<Range<usize>> {
        let start = texts.len();
        self.eat(b'[')?;
        self.spaces();
        if self.peek() == Some(b']') {
            self.at += 1;
            return Some(start..start);
        }
        loop {
            texts.push(self.version()?);
            self.spaces();
            match self.next()? {
                b',' => self.spaces(),
                b']' => return Some(start..texts.len()),
                _ => return None,
            }
        }
    }

    /// `{value: B}` or `{value: B, when_come_from: [V]}` (or `when_upgraded_to`).
    fn flow_barrier(&mut self, texts: &mut Vec<&'a str>, nodes: &mut usize) -> Option<RawBarrier> {
        self.eat(b'{')?;
        self.spaces();
        if self.key()? != "value" {
            return None;
        }
        let mut barrier = RawBarrier {
            value: Some(self.boolean()?),
            condition: Condition::Always,
            list: 0..0,
        };
        *nodes += 3;
        self.spaces();
        if self.peek() == Some(b',') {
            self.at += 1;
            self.spaces();
            let key = self.key()?;
            barrier.condition = match key {
                "when_come_from" => Condition::ComeFrom(Vec::new()),
                "when_upgraded_to" => Condition::UpgradedTo(Vec::new()),
                _ => return None,
            };
            barrier.list = self.list(texts)?;
            *nodes += 2 + barrier.list.len();
            self.spaces();
        }
        self.eat(b'}')?;
        Some(barrier)
    }
}

/// Builds the graph exactly as [`DepGraph::from_document`] does: declared versions first in file
/// order, then implicit ones in order of appearance; edges in file order, self-edges and repeats
/// dropped. `None` at any error (an invalid or repeated version, a limit).
fn build(entries: &[RawEntry<'_>], texts: &[&str]) -> Option<DepGraph> {
    let scheme = VersionScheme::OceanBase;
    let mut g = DepGraph {
        graph: DiGraph::with_capacity(entries.len(), texts.len()),
        index: foldhash::HashMap::default(),
        scheme,
        routes: RouteIndex::default(),
    };
    g.index.reserve(entries.len());
    let parse = |text: &str| Version::parse(text, scheme).ok();
    let mut by_text: foldhash::HashMap<&str, NodeIndex> = foldhash::HashMap::default();
    by_text.reserve(entries.len());
    for entry in entries {
        let v = parse(entry.version)?;
        if g.index.contains_key(&v) {
            return None;
        }
        // A condition list is checked even when `value` is false (the general path reports an
        // invalid version there too).
        let barrier: Option<Barrier> = match &entry.barrier {
            Some(b) => {
                let list = texts.get(b.list.clone())?;
                let list = list.iter().map(|t| parse(t)).collect::<Option<Vec<_>>>()?;
                b.value?.then(|| match b.condition {
                    Condition::Always => Condition::Always,
                    Condition::ComeFrom(_) => Condition::ComeFrom(list),
                    Condition::UpgradedTo(_) => Condition::UpgradedTo(list),
                })
            }
            None => None,
        };
        let ix = g.add_node(VersionNode {
            version: v,
            deprecated: entry.deprecated,
            declared: true,
            barrier,
        });
        by_text.insert(entry.version, ix);
    }
    let mut edges = 0usize;
    for (from, entry) in entries.iter().enumerate() {
        let from_ix = NodeIndex::new(from);
        for &target in texts.get(entry.upgrades_to.clone())? {
            let to_ix = match by_text.get(target) {
                Some(&ix) => ix,
                None => {
                    let ix = g.node_or_implicit(parse(target)?);
                    by_text.insert(target, ix);
                    ix
                }
            };
            if to_ix == from_ix || g.graph.find_edge(from_ix, to_ix).is_some() {
                continue;
            }
            edges += 1;
            if edges > limits::MAX_GRAPH_EDGES {
                return None;
            }
            g.graph.add_edge(from_ix, to_ix, ());
        }
    }
    if g.graph.node_count() > limits::MAX_GRAPH_NODES {
        return None;
    }
    g.routes = RouteIndex::build(&g);
    Some(g)
}

/// Reads one key of a block `require_from_binary` mapping.
fn barrier_key<'a>(
    barrier: &mut RawBarrier,
    key: &str,
    value: &'a str,
    texts: &mut Vec<&'a str>,
    nodes: &mut usize,
) -> Option<()> {
    *nodes += 2;
    match key {
        "value" if barrier.value.is_none() => {
            barrier.value = Some(boolean(value)?);
        }
        "when_come_from" | "when_upgraded_to"
            if matches!(barrier.condition, Condition::Always) && barrier.value.is_some() =>
        {
            let list = flow_list(value, texts)?;
            *nodes += list.len();
            barrier.list = list;
            barrier.condition = if key == "when_come_from" {
                Condition::ComeFrom(Vec::new())
            } else {
                Condition::UpgradedTo(Vec::new())
            };
        }
        _ => return None,
    }
    Some(())
}

/// Reads the inside of a one-line flow mapping `{value: B, when_come_from: [V, ...]}`: `value`
/// first, then at most one condition.
fn flow_barrier<'a>(
    inner: &'a str,
    texts: &mut Vec<&'a str>,
    nodes: &mut usize,
) -> Option<RawBarrier> {
    let mut barrier = RawBarrier {
        value: None,
        condition: Condition::Always,
        list: 0..0,
    };
    let inner = inner.trim_matches(' ');
    let (first, rest) = match inner.split_once(',') {
        Some((first, rest)) => (first, Some(rest)),
        None => (inner, None),
    };
    let (key, value) = inner_key_value(first)?;
    if key != "value" {
        return None;
    }
    barrier_key(&mut barrier, key, value, texts, nodes)?;
    if let Some(rest) = rest {
        let (key, value) = inner_key_value(rest)?;
        barrier_key(&mut barrier, key, value, texts, nodes)?;
    }
    *nodes += 1;
    Some(barrier)
}

/// `key: value` inside a flow mapping (the value runs to the end of `s`).
fn inner_key_value(s: &str) -> Option<(&str, &str)> {
    key_value(s.trim_start_matches(' '))
}

/// `key:` and what follows the colon, for a key of lower-case letters and underscores.
fn key_value(rest: &str) -> Option<(&str, &str)> {
    let colon = rest.find(':')?;
    let key = rest.get(..colon)?;
    if key.is_empty() || !key.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
        return None;
    }
    let value = rest.get(colon + 1..)?;
    // `key:value` is one plain scalar in YAML, not a key.
    if !(value.is_empty() || value.starts_with(' ')) {
        return None;
    }
    Some((key, value))
}

/// Whether nothing but spaces and a comment follows.
fn is_end(s: &str) -> bool {
    let t = s.trim_start_matches(' ');
    t.is_empty() || (t.starts_with('#') && (t.len() < s.len()))
}

/// The value after a key's colon, without the leading spaces and a trailing comment; `None`
/// when there is no value.
fn trim_value(s: &str) -> Option<&str> {
    if !s.starts_with(' ') {
        return None;
    }
    let t = s.trim_start_matches(' ');
    let end = t.find(" #").unwrap_or(t.len());
    let v = t.get(..end)?.trim_end_matches(' ');
    (!v.is_empty() && !v.starts_with('#')).then_some(v)
}

/// Whether `b` may be part of a version token (kept to bytes a plain scalar reads as themselves).
fn version_byte(b: u8) -> bool {
    b.is_ascii_digit() || b == b'.' || b == b'-'
}

/// The version token at the start of `t` and how many bytes it takes: plain (digits, dots and
/// dashes, starting with a digit), or the same in single or double quotes (as `yaml.safe_dump`
/// writes number-like strings: `'4.0'`), whose text is then what is inside the quotes.
fn version_token(t: &str) -> Option<(&str, usize)> {
    let quote = t.bytes().next().filter(|&b| b == b'\'' || b == b'"');
    let body = t.get(usize::from(quote.is_some())..)?;
    let len = body.bytes().take_while(|&b| version_byte(b)).count();
    let token = body.get(..len)?;
    if !token.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        return None;
    }
    match quote {
        None => Some((token, len)),
        Some(q) => (body.as_bytes().get(len) == Some(&q)).then_some((token, len + 2)),
    }
}

/// A version token after `:` or `-`: at least one space, the token, then only spaces and a
/// comment.
fn scalar_to_end(s: &str) -> Option<&str> {
    if !s.starts_with(' ') {
        return None;
    }
    let t = s.trim_start_matches(' ');
    let (token, len) = version_token(t)?;
    let after = t.get(len..)?;
    if after.is_empty() || (after.starts_with(' ') && is_end(after)) {
        Some(token)
    } else {
        None
    }
}

/// A boolean value as YAML loaders read it (`true`, `True`, `TRUE` and the same for false).
fn boolean(s: &str) -> Option<bool> {
    match trim_value(s)? {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

/// A one-line flow list of version tokens, `[V, V]` (or `[]`), pushed to `texts`.
fn flow_list<'a>(s: &'a str, texts: &mut Vec<&'a str>) -> Option<Range<usize>> {
    let inner = trim_value(s)?.strip_prefix('[')?.strip_suffix(']')?;
    let start = texts.len();
    if inner.trim_matches(' ').is_empty() {
        return Some(start..start);
    }
    for item in inner.split(',') {
        let item = item.trim_matches(' ');
        let (token, len) = version_token(item)?;
        if len != item.len() {
            return None;
        }
        texts.push(token);
    }
    Some(start..texts.len())
}

/// Differential check for tests and fuzzing: whenever the direct loader loads `src`, the general
/// path must load it too, into the same graph (same versions with the same texts, flags and
/// barriers, in the same order; the same edges in the same order). Panics on any difference.
/// Returns whether the direct loader took the input.
pub(crate) fn check_direct_load(src: &str) -> bool {
    let Some(direct) = load(src, None) else {
        return false;
    };
    let general = DepGraph::from_parsed(super::Document::parse(src, None), None);
    let general = match general {
        Ok(g) => g,
        Err(e) => panic!("the direct loader took an input the general path rejects ({e}): {src:?}"),
    };
    assert_eq!(direct.scheme, general.scheme, "schemes differ on {src:?}");
    let describe = |g: &DepGraph| {
        let nodes: Vec<_> = g
            .graph
            .node_weights()
            .map(|n| {
                let barrier = n.barrier.as_ref().map(|b| match b {
                    Condition::Always => ("always", Vec::new()),
                    Condition::ComeFrom(l) => ("come_from", texts_of(l)),
                    Condition::UpgradedTo(l) => ("upgraded_to", texts_of(l)),
                });
                (
                    n.version.as_str().to_string(),
                    n.deprecated,
                    n.declared,
                    barrier,
                )
            })
            .collect();
        let edges: Vec<_> = g
            .graph
            .raw_edges()
            .iter()
            .map(|e| (e.source().index(), e.target().index()))
            .collect();
        (nodes, edges)
    };
    assert_eq!(
        describe(&direct),
        describe(&general),
        "the direct loader and the general path built different graphs from {src:?}"
    );
    assert_eq!(
        direct.index.len(),
        general.index.len(),
        "indexes differ on {src:?}"
    );
    true
}

fn texts_of(list: &[Version]) -> Vec<String> {
    list.iter().map(|v| v.as_str().to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::{SynthSpec, generate, generate_flow};
    use proptest::prelude::*;

    #[test]
    fn generated_files_take_the_direct_path_and_agree() {
        for spec in [
            SynthSpec::new(300),
            SynthSpec::conditioned(300),
            SynthSpec::cyclic(300),
        ] {
            assert!(check_direct_load(&generate(&spec)), "{spec:?}");
            assert!(check_direct_load(&generate_flow(&spec)), "flow {spec:?}");
        }
    }

    #[test]
    fn real_files_take_the_direct_path_and_agree() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for name in [
            "data/seed-oceanbase-ce-4.2.1.1.yml",
            "data/oceanbase-master.yml",
            // Written by yaml.safe_dump: every version quoted.
            "tests/fixtures/plan/stops-search-limit.yml",
        ] {
            let src = std::fs::read_to_string(root.join(name)).expect("bundled file");
            assert!(check_direct_load(&src), "{name} left the direct path");
        }
    }

    #[test]
    fn shapes_it_reads() {
        let src = "# c\n- version: 1.0.0.0   # c\n  can_be_upgraded_to:\n  - 1.1.0.0\n  - 1.2.0.0 # c\n\
                   - version: 1.1.0.0\n  can_be_upgraded_to: [ 1.2.0.0 ,1.3.0.0 ] # c\n  deprecated: True\n\
                   - version: 1.2.0.0\n  can_be_upgraded_to:\n      - 1.3.0.0\n  require_from_binary:\n    value: TRUE\n    # c\n    when_come_from: [1.0.0.0]\n\
                   - version: 1.3.0.0\n  require_from_binary: {value: true, when_upgraded_to: []}\n  can_be_upgraded_to: []\n\
                   - version: 1.4.0.0-1\n  require_from_binary: false\n\
                   - version: '1.5'\n  can_be_upgraded_to: [\"1.6\", '1.7']\n  require_from_binary: {value: true, when_come_from: ['1.5']}\n";
        assert!(check_direct_load(src));
        let g = load(src, None).expect("direct");
        assert_eq!(g.len(), 8);
        assert_eq!(
            g.find("1.7").map(|ix| g.node(ix).version.as_str()),
            Some("1.7")
        );
        let barrier = g.node(g.find("1.2.0.0").expect("node")).barrier.clone();
        assert!(matches!(barrier, Some(Condition::ComeFrom(l)) if l.len() == 1));
    }

    #[test]
    fn shapes_it_leaves_to_the_general_path() {
        for src in [
            "",
            "# only a comment\n",
            "- version: 1.0\n  can_be_upgraded_to: [1.1]\n  color: red\n",
            "- version: 1.0\n  deprecated: yes\n",
            "- version: 1.0\n  deprecated:\n",
            "- version: 1.0\n  can_be_upgraded_to: 1.1\n",
            "- version: 1.0\n  can_be_upgraded_to: [1.1,]\n",
            "- version: 1.0\n  can_be_upgraded_to:\n    - 1.1\n      1.2\n",
            "- version: 1.0\n- version: 1.00\n",
            "- version: 1.0\n  require_from_binary:\n    when_come_from: [1.0]\n",
            "- version: 1.0\n  require_from_binary:\n  deprecated: true\n",
            "- version: 1.0\n  require_from_binary: {value: true, when_come_from: [x]}\n",
            "- version: 1.0\n  require_from_binary: {value: false, when_come_from: [1.x]}\n",
            "- version: 1.0\n  require_from_binary:\n    value: true\n    when_come_from: [1.0]\n    when_upgraded_to: [1.0]\n",
            "- version: 1.0#c\n",
            "- version: 1.0\n\t\n",
            "- version: 1.0\r\n",
            "# \u{2028}- version: 1.0\n",
            "---\n- version: 1.0\n",
            "  - version: 1.0\n",
            "- version: 1.0\n  can_be_upgraded_to: [1.1]\n  can_be_upgraded_to: [1.2]\n",
            "- version: 1.0\n   can_be_upgraded_to: [1.1]\n",
            "[]\n",
            "[{version: 1.0}, ]\n",
            "[{version: 1.0}]\n- version: 2.0\n",
            "[{version: 1.0}]\n[{version: 2.0}]\n",
            "[{version: 1.0, version: 1.1}]",
            "[{deprecated: true, version: 1.0}]",
            "[{version: 1.0}] x",
            "[{version: 1.0}]# c",
            "[{version: 1.0,}]",
            "[{version:1.0}]",
            "[{version: 1.0, can_be_upgraded_to: [1.1,]}]",
            "[{version: 1.0, can_be_upgraded_to: [1.1 # c\n]}]",
            "[{version: 1.0, require_from_binary: {when_come_from: [1.0]}}]",
            "[{version: 1.0, require_from_binary: {value: true, when_come_from: [1.0], x: 1}}]",
            "[{version: 1.0, deprecated: on}]",
            " [{version: 1.0}]",
            "- version: '1.0\n",
            "- version: '1.0\"\n",
            "- version: ''\n",
            "- version: '1.0'#c\n",
            "- version: 1.0\n  can_be_upgraded_to: ['1.1' x]\n",
            "[{version: '1.0}]",
            "[{version: \"1.0\"x}]",
        ] {
            assert!(load(src, None).is_none(), "{src:?} took the direct path");
            check_direct_load(src);
        }
        let semver = "- version: 1.0.0\n";
        assert!(load(semver, Some(VersionScheme::SemVer)).is_none());
    }

    /// The lines the direct loader reads, and near misses, with versions from a small set so that
    /// repeats, implicit versions, self-edges and cycles occur.
    fn line() -> impl Strategy<Value = String> {
        let v = prop::sample::select(vec![
            "1.0",
            "1.1",
            "1.01",
            "1.2.0.0",
            "1.2.0.0-5",
            "2",
            "1.x",
            "-1",
            "1..2",
            "'1.0'",
            "\"1.1\"",
            "'1.2",
        ]);
        let list =
            prop::collection::vec(v.clone(), 0..4).prop_map(|l| format!("[{}]", l.join(", ")));
        let b = prop::sample::select(vec!["true", "True", "FALSE", "yes", "", "~"]);
        let key = prop::sample::select(vec![
            "can_be_upgraded_to",
            "deprecated",
            "require_from_binary",
            "version",
            "value",
            "when_come_from",
            "when_upgraded_to",
            "color",
        ]);
        let tail = prop::sample::select(vec!["", " # c", "  ", "#c"]);
        let indent = prop::sample::select(vec!["", "  ", "    ", "      ", " "]);
        prop_oneof![
            (v.clone(), tail.clone()).prop_map(|(v, t)| format!("- version: {v}{t}")),
            (indent.clone(), key.clone(), list.clone(), tail.clone())
                .prop_map(|(i, k, l, t)| format!("{i}{k}: {l}{t}")),
            (indent.clone(), key.clone(), b, tail.clone())
                .prop_map(|(i, k, b, t)| format!("{i}{k}: {b}{t}")),
            (indent.clone(), key).prop_map(|(i, k)| format!("{i}{k}:")),
            (indent.clone(), v, tail).prop_map(|(i, v, t)| format!("{i}- {v}{t}")),
            (indent.clone(), list.clone(), list).prop_map(|(i, a, l)| format!(
                "{i}require_from_binary: {{value: true, when_come_from: {a}}}{l}"
            )),
            indent.prop_map(|i| format!("{i}# comment")),
            Just(String::new()),
        ]
    }

    /// One entry in the shape the direct loader reads (mostly valid versions and booleans, rare
    /// invalid ones), as lines.
    fn entry() -> impl Strategy<Value = Vec<String>> {
        let v = prop_oneof![
            20 => (1u8..4, 0u8..12, prop::option::of(0u8..3), prop::sample::select(vec!["", "", "'", "\""]))
                .prop_map(|(a, b, build, q)| match build {
                    Some(n) => format!("{q}{a}.{b}.0.0-{n}{q}"),
                    None => format!("{q}{a}.{b}{q}"),
                }),
            1 => prop::sample::select(vec!["1.01", "1.x", "2", "01.1", "'1.1", "'1.2\"", "''"]).prop_map(String::from),
        ];
        let list =
            prop::collection::vec(v.clone(), 0..4).prop_map(|l| format!("[{}]", l.join(", ")));
        let b = prop_oneof![
            10 => prop::sample::select(vec!["true", "True", "FALSE", "false", "TRUE"]),
            1 => Just("yes"),
        ];
        let tail = prop::sample::select(vec!["", "", "", " # c", "  "]);
        let cond = prop::sample::select(vec!["when_come_from", "when_upgraded_to"]);
        let block = prop_oneof![
            (list.clone(), tail.clone())
                .prop_map(|(l, t)| vec![format!("  can_be_upgraded_to: {l}{t}")]),
            (
                prop::sample::select(vec!["  ", "    ", "      "]),
                prop::collection::vec(v.clone(), 0..4)
            )
                .prop_map(|(i, l)| {
                    let mut out = vec!["  can_be_upgraded_to:".to_string()];
                    out.extend(l.iter().map(|v| format!("{i}- {v}")));
                    out
                }),
            b.clone().prop_map(|b| vec![format!("  deprecated: {b}")]),
            b.clone()
                .prop_map(|b| vec![format!("  require_from_binary: {b}")]),
            (b.clone(), prop::option::of((cond.clone(), list.clone()))).prop_map(|(b, c)| {
                let mut out = vec![
                    "  require_from_binary:".to_string(),
                    format!("    value: {b}"),
                ];
                out.extend(c.map(|(k, l)| format!("    {k}: {l}")));
                out
            }),
            (b, prop::option::of((cond, list))).prop_map(|(b, c)| {
                let c = c.map(|(k, l)| format!(", {k}: {l}")).unwrap_or_default();
                vec![format!("  require_from_binary: {{value: {b}{c}}}")]
            }),
            Just(vec!["# comment".to_string()]),
            Just(vec![String::new()]),
        ];
        (v, tail, prop::collection::vec(block, 0..4)).prop_map(|(v, t, blocks)| {
            let mut out = vec![format!("- version: {v}{t}")];
            out.extend(blocks.into_iter().flatten());
            out
        })
    }

    /// The properties below are not vacuous: unedited documents, block and flow, take the direct
    /// path often (the rest repeat a version or hold an invalid one, and go the general way).
    #[test]
    fn entry_built_documents_often_take_the_direct_path() {
        use proptest::strategy::ValueTree;
        use proptest::test_runner::TestRunner;
        let mut runner = TestRunner::deterministic();
        let documents = prop::collection::vec(entry(), 1..10);
        let (mut took, all) = (0usize, 2000usize);
        for _ in 0..all {
            let Ok(tree) = documents.new_tree(&mut runner) else {
                panic!("the strategy generates");
            };
            let lines: Vec<String> = tree.current().into_iter().flatten().collect();
            took += usize::from(check_direct_load(&lines.join("\n")));
        }
        assert!(took * 5 >= all, "only {took} of {all} took the direct path");
        let (mut took, all) = (0usize, 2000usize);
        let documents = flow_document();
        for _ in 0..all {
            let Ok(tree) = documents.new_tree(&mut runner) else {
                panic!("the strategy generates");
            };
            took += usize::from(check_direct_load(&tree.current()));
        }
        assert!(
            took * 5 >= all,
            "only {took} of {all} flow documents took the direct path"
        );
    }

    /// A flow document: entries as flow mappings (`version` first, other keys in any order) on
    /// one line, with near misses among the values.
    fn flow_document() -> impl Strategy<Value = String> {
        let v = prop_oneof![
            20 => (1u8..4, 0u8..12, prop::sample::select(vec!["", "", "'", "\""]))
                .prop_map(|(a, b, q)| format!("{q}{a}.{b}{q}")),
            1 => prop::sample::select(vec!["1.01", "1.x", "2", "-1", "'1.1", "\"1.2"]).prop_map(String::from),
        ];
        let list =
            prop::collection::vec(v.clone(), 0..4).prop_map(|l| format!("[{}]", l.join(", ")));
        let b = prop_oneof![
            10 => prop::sample::select(vec!["true", "True", "FALSE", "false"]),
            1 => Just("yes"),
        ];
        let key_value = prop_oneof![
            list.clone()
                .prop_map(|l| format!("can_be_upgraded_to: {l}")),
            b.clone().prop_map(|b| format!("deprecated: {b}")),
            b.clone().prop_map(|b| format!("require_from_binary: {b}")),
            (
                b,
                prop::option::of((
                    prop::sample::select(vec!["when_come_from", "when_upgraded_to"]),
                    list
                ))
            )
                .prop_map(|(b, c)| {
                    let c = c.map(|(k, l)| format!(", {k}: {l}")).unwrap_or_default();
                    format!("require_from_binary: {{value: {b}{c}}}")
                }),
        ];
        let entry = (v, prop::collection::vec(key_value, 0..4)).prop_map(|(v, kvs)| {
            let mut parts = vec![format!("version: {v}")];
            // Mostly one of each key (a repeated key is a near miss of its own).
            for (i, kv) in kvs.iter().enumerate() {
                let key = kv.split(':').next().unwrap_or_default();
                if i == 3 || !parts.iter().any(|p| p.starts_with(key)) {
                    parts.push(kv.clone());
                }
            }
            format!("{{{}}}", parts.join(", "))
        });
        (
            prop::collection::vec(entry, 1..8),
            prop::sample::select(vec!["", " # c", "\n", "\n# c\n"]),
        )
            .prop_map(|(entries, tail)| format!("# flow\n[{}]{tail}", entries.join(", ")))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        /// Flow documents, with at most two bytes inserted or removed: whenever the direct loader
        /// takes one, the general path loads it into the same graph.
        #[test]
        fn flow_documents_agree_with_the_general_path(
            src in flow_document(),
            edits in prop::collection::vec((any::<bool>(), any::<usize>(), prop::sample::select(vec![",", "[", "]", "{", "}", ": ", " ", "#", "x", "-", "\n"])), 0..3),
        ) {
            let mut src = src;
            for (insert, at, what) in edits {
                let at = at % (src.len() + 1);
                if insert {
                    src.insert_str(at, what);
                } else if at < src.len() {
                    src.remove(at);
                }
            }
            check_direct_load(&src);
        }

        /// Whole documents of well-formed entries, then at most two lines replaced, removed or
        /// repeated: whenever the direct loader takes one, the general path loads it into the
        /// same graph.
        #[test]
        fn entry_built_documents_agree_with_the_general_path(
            entries in prop::collection::vec(entry(), 1..10),
            edits in prop::collection::vec((0usize..3, any::<usize>(), line()), 0..3),
        ) {
            let mut lines: Vec<String> = entries.into_iter().flatten().collect();
            for (op, at, line) in edits {
                let at = at % lines.len().max(1);
                match op {
                    0 if at < lines.len() => lines[at] = line,
                    1 if at < lines.len() => { lines.remove(at); }
                    _ => {
                        let copy = lines.get(at).cloned().unwrap_or_default();
                        lines.insert(at, copy);
                    }
                }
            }
            check_direct_load(&lines.join("\n"));
        }

        /// Documents built line by line: whenever the direct loader takes one, the general path
        /// loads it into the same graph.
        #[test]
        fn line_built_documents_agree_with_the_general_path(
            lines in prop::collection::vec(line(), 1..14),
            newline_at_end in any::<bool>(),
        ) {
            let mut src = lines.join("\n");
            if newline_at_end {
                src.push('\n');
            }
            check_direct_load(&src);
        }
    }
}
