//! The ZAPI XML form (spec section 5.1): a `<netapp>` response envelope, a bare `<results>`, or a
//! `software-extract-metadata` request.
//!
//! Parsed as a stream with `quick-xml`'s namespace-aware reader, so memory and time are linear in
//! the input. There is no DTD support at all: a DOCTYPE with only an external id is ignored (never
//! loaded), an internal subset is refused (`xml-forbidden-dtd`), and only the five predefined
//! entities and character references are decoded (any other reference is `xml-not-well-formed`).
//!
//! The spec's check order is kept although the reader is streaming: encoding and well-formedness
//! errors stop the parse at once; the first structure error, server failure, request error and
//! name/value error are remembered and reported after the whole document is known to be
//! well-formed, in that priority.

use super::error::{ErrorCode, ErrorKind, NpmError};
use super::text::{BOM, ItemBudget, is_control, is_valid_name, refuse_other_boms};
use super::{Form, Item, RawMetadata, Request, check_size, push_finding, unknown_item_warnings};
use crate::diagnostic::{Diagnostic, Position, Span};
use crate::limits;
use quick_xml::NsReader;
use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;

/// The ZAPI namespace; elements in it or in no namespace are recognised.
pub const NETAPP_NS: &str = "http://www.netapp.com/filer/admin";

/// What an XML input holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum XmlDocument {
    /// A response (`status="passed"`) with its items, not yet validated.
    Metadata(RawMetadata),
    /// A request, already checked (spec 6.1 check 5).
    Request(Request),
}

/// Line and column of byte offsets, computed incrementally (offsets only grow).
struct Tracker<'a> {
    bytes: &'a [u8],
    base: usize,
    pos: usize,
    line: usize,
    column: usize,
}

impl Tracker<'_> {
    fn at(&mut self, offset: usize) -> Position {
        let target = offset.min(self.bytes.len());
        if target > self.pos {
            for &b in self.bytes.get(self.pos..target).unwrap_or_default() {
                if b == b'\n' {
                    self.line += 1;
                    self.column = 1;
                } else if b & 0xC0 != 0x80 {
                    self.column += 1;
                }
            }
            self.pos = target;
        }
        Position {
            offset: self.base + self.pos,
            line: self.line,
            column: self.column,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TextKind {
    MetaName,
    MetaValue,
    Location,
    PackageName,
}

impl TextKind {
    fn element(self) -> &'static str {
        match self {
            TextKind::MetaName => "npm-meta-name",
            TextKind::MetaValue => "npm-meta-value",
            TextKind::Location => "package-location",
            TextKind::PackageName => "package-name",
        }
    }
}

#[derive(Debug)]
enum Ctx {
    Netapp,
    /// A `results` element whose content matters (the first one, status passed).
    Results,
    NpmMetadata,
    ElemInfo {
        at: Position,
        names: Vec<(String, Position)>,
        values: Vec<(String, Position)>,
    },
    Text {
        kind: TextKind,
        buf: String,
        at: Position,
    },
    Request,
    /// Content ignored (unknown element, failed results, second results, ...).
    Skip,
}

#[derive(Default)]
struct ResultsInfo {
    passed: bool,
    errno: Option<String>,
    reason: Option<String>,
    at: Option<Position>,
}

#[derive(Default)]
struct RequestInfo {
    locations: Vec<String>,
    names: Vec<String>,
}

#[derive(Default)]
struct State {
    results: Option<ResultsInfo>,
    request: Option<RequestInfo>,
    items: Vec<Item>,
    budget: ItemBudget,
    findings: Vec<Diagnostic>,
    structure: Option<NpmError>,
    item_error: Option<NpmError>,
    metadata_seen: bool,
}

impl State {
    fn structure(&mut self, message: String, at: Position) {
        if self.structure.is_none() {
            self.structure = Some(
                NpmError::bad(ErrorKind::Structure, message)
                    .at(Some(at))
                    .hint("the ZAPI shape is netapp > results > npm-metadata > npm-meta-elem-info > npm-meta-name, npm-meta-value"),
            );
        }
    }

    fn ignored(&mut self, path: String, at: Position) {
        push_finding(
            &mut self.findings,
            Diagnostic::warning(
                "ignored-element",
                Some(Span::point(at)),
                format!("ignored element `{path}`"),
            ),
        );
    }
}

fn not_well_formed(message: impl Into<String>, at: Position) -> NpmError {
    NpmError::bad(ErrorKind::XmlNotWellFormed, message)
        .at(Some(at))
        .hint("the document must be complete, well-formed XML 1.0 (was the transfer cut short?)")
}

/// XML 1.0 `Char`: TAB, LF, CR, and U+0020 upwards except U+FFFE and U+FFFF.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
}

fn is_xml_ws(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// Whether a DOCTYPE's content has an internal subset (a `[` outside quotes).
fn has_internal_subset(doctype: &str) -> bool {
    let mut quote = None;
    for c in doctype.chars() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '[') => return true,
            _ => {}
        }
    }
    false
}

/// Checks every attribute of an element; returns the value of the named ones (entities decoded).
fn attributes(
    e: &BytesStart<'_>,
    want: &[&str],
    at: Position,
) -> Result<Vec<Option<String>>, NpmError> {
    let mut out = vec![None; want.len()];
    for attr in e.attributes() {
        let attr = attr.map_err(|err| not_well_formed(format!("bad attribute: {err}"), at))?;
        let value = attr
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|err| not_well_formed(format!("bad attribute value: {err}"), at))?;
        if let Some(c) = value.chars().find(|c| !is_xml_char(*c)) {
            return Err(not_well_formed(
                format!("attribute holds U+{:04X}, not an XML character", c as u32),
                at,
            ));
        }
        let key = attr.key.as_ref();
        if let Some(slot) = want
            .iter()
            .position(|w| *w == key)
            .and_then(|ix| out.get_mut(ix))
        {
            *slot = Some(value.into_owned());
        }
    }
    Ok(out)
}

fn predefined(name: &str) -> Option<char> {
    match name {
        "lt" => Some('<'),
        "gt" => Some('>'),
        "amp" => Some('&'),
        "apos" => Some('\''),
        "quot" => Some('"'),
        _ => None,
    }
}

/// Parses the XML form. Items are returned unvalidated; requests are checked (spec 6.1 check 5).
pub fn parse(input: &[u8]) -> Result<XmlDocument, NpmError> {
    check_size(input)?;
    refuse_other_boms(input)?;
    let bom_len = if input.starts_with(BOM) { BOM.len() } else { 0 };
    let body = input.get(bom_len..).unwrap_or_default();
    let mut tracker = Tracker {
        bytes: body,
        base: bom_len,
        pos: 0,
        line: 1,
        column: 1,
    };
    let text = std::str::from_utf8(body).map_err(|e| {
        NpmError::bad(
            ErrorKind::Encoding,
            format!(
                "the document is not valid UTF-8 (byte {})",
                bom_len + e.valid_up_to() + 1
            ),
        )
        .at(Some(tracker.at(e.valid_up_to())))
        .hint("the XML form is read as UTF-8 only")
    })?;
    let mut reader = NsReader::from_str(text);
    reader.config_mut().check_comments = true;
    let mut st = State {
        budget: ItemBudget::new(input.len()),
        ..State::default()
    };
    let mut stack: Vec<Ctx> = Vec::new();
    let mut root_seen = false;
    let mut root_done = false;
    let mut doctype_seen = false;
    let mut first_event = true;
    loop {
        let start_off = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let at = tracker.at(start_off);
        let (resolved, event) = match reader.read_resolved_event() {
            Ok((ns, ev)) => {
                let recognised = match ns {
                    ResolveResult::Unbound => Ok(true),
                    ResolveResult::Bound(n) => Ok(n.as_ref() == NETAPP_NS),
                    ResolveResult::Unknown(p) => Err(p),
                };
                (recognised, ev)
            }
            Err(e) => {
                let end = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
                return Err(not_well_formed(e.to_string(), tracker.at(end)));
            }
        };
        let was_first = first_event;
        first_event = false;
        match event {
            Event::Decl(d) => {
                if !was_first {
                    return Err(not_well_formed("the XML declaration must come first", at));
                }
                if let Some(enc) = d.encoding() {
                    let enc = enc.map_err(|e| not_well_formed(e.to_string(), at))?;
                    if !(enc.eq_ignore_ascii_case("utf-8") || enc.eq_ignore_ascii_case("utf8")) {
                        return Err(NpmError::bad(
                            ErrorKind::Encoding,
                            format!("the XML declaration names the encoding `{enc}`; only UTF-8 is accepted"),
                        )
                        .at(Some(at))
                        .hint("convert the document to UTF-8 and declare encoding='UTF-8'"));
                    }
                }
            }
            Event::DocType(d) => {
                if doctype_seen || root_seen {
                    return Err(not_well_formed(
                        "a DOCTYPE must come once, before the root element",
                        at,
                    ));
                }
                doctype_seen = true;
                if has_internal_subset(&d) {
                    return Err(NpmError::bad(
                        ErrorKind::XmlForbiddenDtd,
                        "the DOCTYPE has an internal subset; DTDs and entity declarations are not accepted",
                    )
                    .at(Some(at))
                    .hint("remove the [...] part of the DOCTYPE; a DOCTYPE with only an external id is ignored"));
                }
            }
            Event::PI(_) | Event::Comment(_) => {}
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                let recognised = resolved.map_err(|p| {
                    not_well_formed(format!("the namespace prefix `{p}` is not declared"), at)
                })?;
                if root_done {
                    return Err(not_well_formed("there is more than one root element", at));
                }
                root_seen = true;
                if stack.len() >= limits::MAX_NPM_XML_DEPTH {
                    return Err(NpmError::bad(
                        ErrorKind::TooLarge,
                        format!(
                            "elements are nested deeper than {}",
                            limits::MAX_NPM_XML_DEPTH
                        ),
                    )
                    .at(Some(at)));
                }
                let qname = e.name().as_ref().to_string();
                let local = e.local_name().as_ref().to_string();
                let name = if recognised { local.as_str() } else { "" };
                let attrs = attributes(e, &["status", "errno", "reason"], at)?;
                let ctx = open(&mut st, stack.last(), name, &qname, attrs, at);
                stack.push(ctx);
                if empty {
                    close(&mut st, &mut stack, &mut root_done)?;
                }
            }
            Event::End(_) => {
                close(&mut st, &mut stack, &mut root_done)?;
            }
            Event::Text(t) => {
                let s = t.xml10_content();
                add_text(&mut st, &mut stack, &s, at)?;
            }
            Event::CData(t) => {
                let s = t.xml10_content();
                if stack.is_empty() {
                    return Err(not_well_formed(
                        "a CDATA section outside the root element",
                        at,
                    ));
                }
                add_text(&mut st, &mut stack, &s, at)?;
            }
            Event::GeneralRef(r) => {
                let c = if r.is_char_ref() {
                    match r.resolve_char_ref() {
                        Ok(Some(c)) if is_xml_char(c) => c,
                        _ => {
                            return Err(not_well_formed(
                                format!("`&{};` is not a valid XML character reference", &*r),
                                at,
                            ));
                        }
                    }
                } else {
                    predefined(&r).ok_or_else(|| {
                        not_well_formed(
                            format!(
                                "`&{};` is not one of the five predefined entities (no DTD is ever read)",
                                &*r
                            ),
                            at,
                        )
                    })?
                };
                if stack.is_empty() {
                    return Err(not_well_formed("a reference outside the root element", at));
                }
                add_text(&mut st, &mut stack, c.encode_utf8(&mut [0; 4]), at)?;
            }
            Event::Eof => {
                if !stack.is_empty() {
                    return Err(not_well_formed(
                        format!(
                            "the document ends with {} element(s) still open",
                            stack.len()
                        ),
                        at,
                    ));
                }
                if !root_seen {
                    return Err(not_well_formed("the document has no root element", at));
                }
                break;
            }
        }
    }
    finish(st)
}

/// The context for a new element under `parent`. `name` is the local name when recognised, else "".
fn open(
    st: &mut State,
    parent: Option<&Ctx>,
    name: &str,
    qname: &str,
    attrs: Vec<Option<String>>,
    at: Position,
) -> Ctx {
    let results = |st: &mut State, attrs: Vec<Option<String>>| {
        if st.results.is_some() {
            return Ctx::Skip;
        }
        let mut it = attrs.into_iter();
        let status = it.next().flatten();
        let errno = it.next().flatten();
        let reason = it.next().flatten();
        let passed = status.as_deref() == Some("passed");
        st.results = Some(ResultsInfo {
            passed,
            errno,
            reason,
            at: Some(at),
        });
        if passed { Ctx::Results } else { Ctx::Skip }
    };
    match parent {
        None => {
            match name {
                "netapp" => Ctx::Netapp,
                "results" => results(st, attrs),
                _ => {
                    st.structure(
                    format!("the root element is `{qname}`; it must be `netapp` (or a bare `results`)"),
                    at,
                );
                    Ctx::Skip
                }
            }
        }
        Some(Ctx::Netapp) => match name {
            "results" => results(st, attrs),
            "software-extract-metadata" if st.request.is_none() => {
                st.request = Some(RequestInfo::default());
                Ctx::Request
            }
            _ => {
                st.ignored(format!("netapp/{qname}"), at);
                Ctx::Skip
            }
        },
        Some(Ctx::Results) => match name {
            "npm-metadata" => {
                if !st.metadata_seen {
                    st.metadata_seen = true;
                    Ctx::NpmMetadata
                } else {
                    st.structure("`results` holds more than one `npm-metadata`".into(), at);
                    Ctx::Skip
                }
            }
            _ => {
                st.ignored(format!("results/{qname}"), at);
                Ctx::Skip
            }
        },
        Some(Ctx::NpmMetadata) => match name {
            "npm-meta-elem-info" => Ctx::ElemInfo {
                at,
                names: Vec::new(),
                values: Vec::new(),
            },
            _ => {
                st.structure(
                    format!(
                        "`npm-metadata` holds only `npm-meta-elem-info` elements, not `{qname}`"
                    ),
                    at,
                );
                Ctx::Skip
            }
        },
        Some(Ctx::ElemInfo { .. }) => match name {
            "npm-meta-name" => Ctx::Text {
                kind: TextKind::MetaName,
                buf: String::new(),
                at,
            },
            "npm-meta-value" => Ctx::Text {
                kind: TextKind::MetaValue,
                buf: String::new(),
                at,
            },
            _ => {
                st.ignored(format!("npm-meta-elem-info/{qname}"), at);
                Ctx::Skip
            }
        },
        Some(Ctx::Request) => match name {
            "package-location" => Ctx::Text {
                kind: TextKind::Location,
                buf: String::new(),
                at,
            },
            "package-name" => Ctx::Text {
                kind: TextKind::PackageName,
                buf: String::new(),
                at,
            },
            _ => {
                st.ignored(format!("software-extract-metadata/{qname}"), at);
                Ctx::Skip
            }
        },
        Some(Ctx::Text { kind, .. }) => {
            st.structure(
                format!(
                    "`{}` holds text only, not the element `{qname}`",
                    kind.element()
                ),
                at,
            );
            Ctx::Skip
        }
        Some(Ctx::Skip) => Ctx::Skip,
    }
}

fn add_text(st: &mut State, stack: &mut [Ctx], s: &str, at: Position) -> Result<(), NpmError> {
    if let Some(c) = s.chars().find(|c| !is_xml_char(*c)) {
        return Err(not_well_formed(
            format!(
                "the text holds U+{:04X}, which XML 1.0 does not allow",
                c as u32
            ),
            at,
        ));
    }
    let blank = s.chars().all(is_xml_ws);
    match stack.last_mut() {
        None if blank => {}
        None => return Err(not_well_formed("text outside the root element", at)),
        Some(Ctx::Text { buf, .. }) => buf.push_str(s),
        Some(Ctx::NpmMetadata) if !blank => st.structure(
            "`npm-metadata` holds text; it holds only elements".into(),
            at,
        ),
        Some(Ctx::ElemInfo { .. }) if !blank => st.structure(
            "`npm-meta-elem-info` holds text; it holds only elements".into(),
            at,
        ),
        Some(_) => {}
    }
    Ok(())
}

fn close(st: &mut State, stack: &mut Vec<Ctx>, root_done: &mut bool) -> Result<(), NpmError> {
    let Some(ctx) = stack.pop() else {
        return Ok(());
    };
    if stack.is_empty() {
        *root_done = true;
    }
    match ctx {
        Ctx::Text { kind, buf, at } => {
            let value = buf.trim_matches(is_xml_ws).to_string();
            match (kind, stack.last_mut()) {
                (TextKind::MetaName, Some(Ctx::ElemInfo { names, .. })) => names.push((value, at)),
                (TextKind::MetaValue, Some(Ctx::ElemInfo { values, .. })) => {
                    values.push((value, at))
                }
                (TextKind::Location, _) => {
                    if let Some(r) = st.request.as_mut() {
                        r.locations.push(value);
                    }
                }
                (TextKind::PackageName, _) => {
                    if let Some(r) = st.request.as_mut() {
                        r.names.push(value);
                    }
                }
                _ => {}
            }
        }
        Ctx::ElemInfo { at, names, values } => {
            let (Some((name, _)), Some((value, value_at)), 1, 1) =
                (names.first(), values.first(), names.len(), values.len())
            else {
                st.structure(
                    format!(
                        "`npm-meta-elem-info` needs exactly one `npm-meta-name` and one `npm-meta-value` (has {} and {})",
                        names.len(),
                        values.len()
                    ),
                    at,
                );
                return Ok(());
            };
            st.budget.add(name, value, Some(at))?;
            if st.item_error.is_none() {
                if !is_valid_name(name) {
                    st.item_error = Some(
                        NpmError::bad(ErrorKind::Syntax, format!("`{}` is not a valid item name", name.chars().take(64).collect::<String>()))
                            .item(name.as_str())
                            .at(Some(at))
                            .hint("a name starts with a letter or `_` and holds letters, digits, `_`, `.`, `-`"),
                    );
                } else if let Some(c) = value.chars().find(|c| is_control(*c)) {
                    st.item_error = Some(
                        NpmError::bad(
                            ErrorKind::ControlChar,
                            format!("the value of {name} holds the control character U+{:04X}", c as u32),
                        )
                        .item(name.as_str())
                        .at(Some(*value_at))
                        .hint("values are one line: no line breaks or other control characters except TAB"),
                    );
                }
            }
            st.items.push(Item {
                name: name.clone(),
                value: value.clone(),
                span: Span::point(at),
                value_at: *value_at,
            });
        }
        _ => {}
    }
    Ok(())
}

fn finish(mut st: State) -> Result<XmlDocument, NpmError> {
    if let Some(e) = st.structure.take() {
        return Err(e);
    }
    if let Some(results) = st.results.take() {
        if !results.passed {
            let errno = results
                .errno
                .as_deref()
                .and_then(|e| e.trim().parse::<i64>().ok())
                .unwrap_or(-1);
            let code = ErrorCode::from_errno(errno);
            let reason = results.reason.unwrap_or_else(|| "No reason given".into());
            let mut e = NpmError::new(
                code,
                ErrorKind::ServerError,
                format!(
                    "the server reported {} ({}): {reason}",
                    code.name(),
                    code.errno()
                ),
            )
            .at(results.at);
            e.reason = Some(reason);
            return Err(e);
        }
        if let Some(e) = st.item_error.take() {
            return Err(e);
        }
        let mut findings = st.findings;
        for d in unknown_item_warnings(&st.items) {
            push_finding(&mut findings, d);
        }
        return Ok(XmlDocument::Metadata(RawMetadata {
            form: Form::XmlResponse,
            items: st.items,
            findings,
        }));
    }
    let Some(req) = st.request.take() else {
        return Err(NpmError::bad(
            ErrorKind::Structure,
            "`netapp` holds neither `results` nor `software-extract-metadata`",
        )
        .hint("give the ZAPI response holding the metadata"));
    };
    if req.locations.len() > 1 || req.names.len() > 1 {
        return Err(NpmError::bad(
            ErrorKind::Structure,
            "`software-extract-metadata` gives `package-location` or `package-name` more than once",
        ));
    }
    let location = req.locations.into_iter().next().unwrap_or_default();
    let name = req.names.into_iter().next().filter(|n| !n.is_empty());
    let mut findings = st.findings;
    match location.as_str() {
        "" => {
            return Err(NpmError::new(
                ErrorCode::MissingArgument,
                ErrorKind::MissingArgument,
                "the request has no package-location",
            )
            .item("package-location")
            .hint("give package-location `repository` (with package-name) or `cf-pri-part`"));
        }
        "repository" if name.is_none() => {
            return Err(NpmError::new(
                ErrorCode::MissingArgument,
                ErrorKind::MissingArgument,
                "package-location `repository` needs a package-name",
            )
            .item("package-name")
            .hint("name the package file in /etc/software, e.g. 736P5_setup_q.exe"));
        }
        "repository" => {}
        "cf-pri-part" => {
            if let Some(n) = &name {
                push_finding(
                    &mut findings,
                    Diagnostic::warning(
                        "package-name-ignored",
                        None,
                        format!(
                            "package-name `{n}` is ignored with package-location `cf-pri-part`"
                        ),
                    ),
                );
            }
        }
        other => {
            return Err(NpmError::new(
                ErrorCode::InvalidLocation,
                ErrorKind::InvalidLocation,
                format!("package-location `{other}` is not `repository` or `cf-pri-part`"),
            )
            .item("package-location")
            .hint("package-location is `repository` or `cf-pri-part` (case-sensitive)"));
        }
    }
    Ok(XmlDocument::Request(Request {
        package_location: location,
        package_name: name,
        findings,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(inner: &str) -> String {
        format!(
            "<?xml version='1.0' encoding='UTF-8' ?>\n<netapp xmlns='{NETAPP_NS}'><results status=\"passed\">{inner}</results></netapp>"
        )
    }

    fn elem(name: &str, value: &str) -> String {
        format!(
            "<npm-meta-elem-info><npm-meta-name>{name}</npm-meta-name><npm-meta-value>{value}</npm-meta-value></npm-meta-elem-info>"
        )
    }

    fn items(src: &str) -> Vec<(String, String)> {
        match parse(src.as_bytes()).unwrap() {
            XmlDocument::Metadata(m) => m.items.into_iter().map(|i| (i.name, i.value)).collect(),
            XmlDocument::Request(_) => panic!("request"),
        }
    }

    fn kind(src: &str) -> ErrorKind {
        parse(src.as_bytes()).unwrap_err().kind
    }

    #[test]
    fn decodes_entities_and_trims() {
        let src = doc(&format!(
            "<npm-metadata>{}{}</npm-metadata>",
            elem(" A\n", " x &amp; &#x41;&#66; <![CDATA[<c>]]> "),
            elem("B", "")
        ));
        assert_eq!(
            items(&src),
            [
                ("A".into(), "x & AB <c>".into()),
                ("B".into(), String::new())
            ]
        );
    }

    #[test]
    fn well_formedness_beats_structure() {
        // A structure error early and a truncation later: the truncation is reported.
        let src = doc("<npm-metadata>text</npm-metadata>");
        assert_eq!(kind(&src), ErrorKind::Structure);
        assert_eq!(kind(&src[..src.len() - 10]), ErrorKind::XmlNotWellFormed);
    }

    #[test]
    fn refusals() {
        let e = |inner: &str| kind(&doc(inner));
        assert_eq!(e("&reg;"), ErrorKind::XmlNotWellFormed);
        assert_eq!(e("&#1;"), ErrorKind::XmlNotWellFormed);
        assert_eq!(e("<a></b>"), ErrorKind::XmlNotWellFormed);
        assert_eq!(e("<x:a/>"), ErrorKind::XmlNotWellFormed);
        assert_eq!(e("<npm-metadata/><npm-metadata/>"), ErrorKind::Structure);
        assert_eq!(
            e(&format!(
                "<npm-metadata>{}</npm-metadata>",
                elem("A B", "1")
            )),
            ErrorKind::Syntax
        );
        assert_eq!(
            e(&format!(
                "<npm-metadata>{}</npm-metadata>",
                elem("A", "a\tb\u{7f}")
            )),
            ErrorKind::ControlChar
        );
        assert_eq!(
            kind("<?xml version='1.0' encoding='ISO-8859-1'?><results status='passed'/>"),
            ErrorKind::Encoding
        );
        assert_eq!(
            kind("<results status='passed'/><results/>"),
            ErrorKind::XmlNotWellFormed
        );
        assert_eq!(
            kind("<results status='passed'/>x"),
            ErrorKind::XmlNotWellFormed
        );
        assert_eq!(
            kind("<!DOCTYPE netapp [<!ENTITY a 'b'>]><results status='passed'/>"),
            ErrorKind::XmlForbiddenDtd
        );
        assert_eq!(
            kind("<x:results xmlns:x='urn:other' status='passed'/>"),
            ErrorKind::Structure
        );
        assert_eq!(kind("<netapp><other/></netapp>"), ErrorKind::Structure);
    }

    #[test]
    fn external_doctype_and_prefixed_netapp_namespace_are_fine() {
        let src = format!(
            "<!DOCTYPE netapp SYSTEM 'a[b]'><z:results xmlns:z='{NETAPP_NS}' status='passed'><z:npm-metadata>{}</z:npm-metadata></z:results>",
            elem("A", "1")
        );
        // Unprefixed children of a prefixed results are in no namespace, so still recognised.
        assert_eq!(items(&src), [("A".into(), "1".into())]);
    }

    #[test]
    fn server_errors() {
        let e = parse(b"<results status='failed' errno='15698' reason='r &amp; s'/>").unwrap_err();
        assert_eq!(
            (e.code.name(), e.kind, e.reason.as_deref()),
            (
                "ZAPI_ERRNO_15698".into(),
                ErrorKind::ServerError,
                Some("r & s")
            )
        );
        let e = parse(b"<results status='Passed'/>").unwrap_err();
        assert_eq!(
            (e.code.errno(), e.reason.as_deref()),
            (-1, Some("No reason given"))
        );
    }

    #[test]
    fn requests() {
        let req = |inner: &str| {
            parse(format!("<netapp><software-extract-metadata>{inner}</software-extract-metadata></netapp>").as_bytes())
        };
        match req(
            "<package-location>repository</package-location><package-name>a.exe</package-name>",
        )
        .unwrap()
        {
            XmlDocument::Request(r) => assert_eq!(r.package_name.as_deref(), Some("a.exe")),
            XmlDocument::Metadata(_) => panic!(),
        }
        assert_eq!(
            req("<package-location>repository</package-location>")
                .unwrap_err()
                .code,
            ErrorCode::MissingArgument
        );
        assert_eq!(req("").unwrap_err().code, ErrorCode::MissingArgument);
        assert_eq!(
            req("<package-location>Repository</package-location>")
                .unwrap_err()
                .code,
            ErrorCode::InvalidLocation
        );
        match req("<package-location>cf-pri-part</package-location><package-name>a</package-name>")
            .unwrap()
        {
            XmlDocument::Request(r) => assert_eq!(r.findings[0].code, "package-name-ignored"),
            XmlDocument::Metadata(_) => panic!(),
        }
    }
}
