//! The typed view of NPM metadata and its validation (spec sections 5.3, 5.4 and 6.1 checks 7-13).
//!
//! [`validate`] applies the metadata-level checks in the spec's order, first failure wins:
//! at least one item (`ENPMNOMETA`), unique names, the common items present, `PKG_TYPE`'s value,
//! section rules, the ONTAP items present in a DataOntap package, then every known value's format
//! (each split part). Value grammars are `nom` parsers.

use super::error::{ErrorKind, NpmError};
use super::release::{Mode, OntapRelease, rlsv};
use super::{Form, Item, KnownItem, RawMetadata, Section, push_finding, split_values};
use crate::diagnostic::Diagnostic;
use crate::limits;
use nom::{
    IResult, Parser,
    branch::alt,
    bytes::complete::{tag, take_while_m_n, take_while1},
    character::complete::{char, digit1},
    combinator::{all_consuming, eof, map_res, opt, recognize, rest, verify},
    multi::many_m_n,
    sequence::preceded,
};
use serde::Serialize;
use std::collections::HashMap;
use std::fmt;

/// `PKG_TYPE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum PackageType {
    /// A Data ONTAP (operating system) package: carries the ONTAP items.
    DataOntap,
    /// A service package (diagnostics and firmware): carries the Diagnostics and firmware items.
    Service,
}

impl PackageType {
    /// The value as written.
    pub fn as_str(self) -> &'static str {
        match self {
            PackageType::DataOntap => "DataOntap",
            PackageType::Service => "Service",
        }
    }
}

impl fmt::Display for PackageType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A UTC date and time (`PKG_DTS`). The second may be 60 (a leap second), so this is not a
/// `jiff::Timestamp`; [`fmt::Display`] writes RFC 3339 (`2009-10-15T11:55:39Z`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UtcDateTime {
    /// Year (4 digits).
    pub year: i16,
    /// Month, 1-12.
    pub month: i8,
    /// Day of the month, 1-31 (checked against the month).
    pub day: i8,
    /// Hour, 0-23.
    pub hour: i8,
    /// Minute, 0-59.
    pub minute: i8,
    /// Second, 0-60.
    pub second: i8,
}

impl fmt::Display for UtcDateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

impl Serialize for UtcDateTime {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A ctime-like build stamp (`Thu Oct 15 04:17:39 PDT 2009`), local time in `zone`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Stamp {
    /// Weekday as written (`Thu`); not cross-checked for ONTAP_RLS and DIAG_RLS.
    pub weekday: String,
    /// The date, ISO 8601 (`2009-10-15`).
    pub date: String,
    /// The time (`04:17:39`), when written.
    pub time: Option<String>,
    /// The zone abbreviation (`PDT`), when written.
    pub zone: Option<String>,
}

/// `ONTAP_RLS` split into its parts.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct OntapRls {
    /// `NetApp` or `Data ONTAP` (IBM N series).
    pub prefix: String,
    /// The release (`7.3.5.1P5`).
    pub release: OntapRelease,
    /// `7-Mode` / `Cluster-Mode` when written.
    pub mode: Option<Mode>,
    /// The build stamp as written, without the trailer (`Thu Oct 15 04:17:39 PDT 2009`).
    pub build_stamp: String,
    /// The build stamp parsed.
    pub stamp: Stamp,
    /// Text after the year (`Multistore`, `<1no-DARE>`), when present.
    pub trailer: Option<String>,
}

impl OntapRls {
    /// The mode the release runs in (see [`Mode::effective`]).
    pub fn effective_mode(&self) -> Option<Mode> {
        Mode::effective(&self.release, self.mode)
    }
}

/// One `DIAG_RLS` value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct DiagRls {
    /// The diagnostics version (`4.1.2`).
    pub version: String,
    /// The date stamp as written.
    pub build_stamp: String,
    /// The date stamp parsed.
    pub stamp: Stamp,
}

/// The typed view of valid metadata. Absent items are `None`; multi-valued items are lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Typed {
    /// `PKG_TYPE`.
    pub pkg_type: PackageType,
    /// `PKG_DTS`, a UTC date-time.
    pub pkg_dts: UtcDateTime,
    /// `CPU_ARCH` values (`pc`, `mips`).
    pub cpu_arch: Vec<String>,
    /// `ONTAP_RLS` (DataOntap packages).
    pub ontap_rls: Option<OntapRls>,
    /// `FILESYS_VER` values (DataOntap packages).
    pub filesys_ver: Option<Vec<u32>>,
    /// `NVLOG_VER` values (DataOntap packages).
    pub nvlog_ver: Option<Vec<u32>>,
    /// `DIAG_VER` versions (`4.1.2` for `Diagnostic Monitor v4.1.2`; Service packages).
    pub diag_ver: Option<Vec<String>>,
    /// `DIAG_RLS` values (Service packages).
    pub diag_rls: Option<Vec<DiagRls>>,
    /// `CFE_VER` versions (`1.6.0` for `CFE-1.6.0`; Service packages).
    pub cfe_ver: Option<Vec<String>>,
    /// `OFW_VER` versions (`4.3`; Service packages).
    pub ofw_ver: Option<Vec<String>>,
}

/// One item of valid metadata; [`PackageItem::values`] splits it.
///
/// The split values are computed when asked for, not stored: a package read from tens of
/// megabytes of metadata would otherwise hold every value twice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageItem {
    /// The item as read.
    pub item: Item,
}

impl PackageItem {
    /// Its values: split on the separator for multi-valued known items, else the raw value alone.
    pub fn values(&self) -> Vec<&str> {
        split_values(&self.item.name, &self.item.value)
    }
}

/// Valid package metadata: every item in input order, the typed view and warnings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    /// The form it was read from.
    pub form: Form,
    /// Every item, in order, unknown names included.
    pub items: Vec<PackageItem>,
    /// `PKG_TYPE`.
    pub package_type: PackageType,
    /// The typed view.
    pub typed: Typed,
    /// Warnings: `unknown-item`, `ignored-element`, `service-without-service-items`, ...
    pub findings: Vec<Diagnostic>,
}

impl Package {
    /// The ONTAP release, for DataOntap packages.
    pub fn release(&self) -> Option<&OntapRelease> {
        self.typed.ontap_rls.as_ref().map(|r| &r.release)
    }
}

// ---------------------------------------------------------------------------------------------
// Value grammars (spec 5.3).

const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn is_digit(c: char) -> bool {
    c.is_ascii_digit()
}

fn digits<'a>(n: usize) -> impl Parser<&'a str, Output = i16, Error = nom::error::Error<&'a str>> {
    map_res(take_while_m_n(n, n, is_digit), str::parse::<i16>)
}

fn day_name(i: &str) -> IResult<&str, &str> {
    verify(
        take_while_m_n(3, 3, |c: char| c.is_ascii_alphabetic()),
        |d: &str| DAYS.contains(&d),
    )
    .parse(i)
}

fn month(i: &str) -> IResult<&str, i8> {
    let (i, m) = take_while_m_n(3, 3, |c: char| c.is_ascii_alphabetic()).parse(i)?;
    match MONTHS.iter().position(|x| *x == m) {
        Some(ix) => Ok((i, ix as i8 + 1)),
        None => Err(nom::Err::Error(nom::error::Error::new(
            i,
            nom::error::ErrorKind::Tag,
        ))),
    }
}

/// `DOM = 2DIGIT / SP DIGIT / DIGIT`
fn dom(i: &str) -> IResult<&str, i8> {
    alt((digits(2), preceded(char(' '), digits(1)), digits(1)))
        .map(|d| d as i8)
        .parse(i)
}

/// `TIME = 2DIGIT ":" 2DIGIT ":" 2DIGIT`, 00-23:00-59:00-60.
fn time(i: &str) -> IResult<&str, (i8, i8, i8)> {
    verify(
        (digits(2), char(':'), digits(2), char(':'), digits(2)),
        |&(h, _, m, _, s)| h <= 23 && m <= 59 && s <= 60,
    )
    .map(|(h, _, m, _, s)| (h as i8, m as i8, s as i8))
    .parse(i)
}

/// `TZ = 2*5UPALPHA`
fn zone(i: &str) -> IResult<&str, &str> {
    take_while_m_n(2, 5, |c: char| c.is_ascii_uppercase()).parse(i)
}

/// `VNUM = 1*DIGIT *3("." 1*DIGIT)`
fn vnum(i: &str) -> IResult<&str, &str> {
    recognize((digit1, many_m_n(0, 3, preceded(char('.'), digit1)))).parse(i)
}

/// A parsed date (and time) before the calendar check.
struct RawStamp<'a> {
    weekday: &'a str,
    month: i8,
    day: i8,
    time: Option<(i8, i8, i8)>,
    zone: Option<&'a str>,
    year: i16,
}

/// `DAY SP MON SP DOM SP TIME [SP TZ] SP YEAR` (ONTAP_RLS stamp).
fn rls_stamp(i: &str) -> IResult<&str, RawStamp<'_>> {
    let (i, (weekday, _, month, _, day, _, t, zone, _, year)) = (
        day_name,
        char(' '),
        month,
        char(' '),
        dom,
        char(' '),
        time,
        opt(preceded(char(' '), zone)),
        char(' '),
        digits(4),
    )
        .parse(i)?;
    Ok((
        i,
        RawStamp {
            weekday,
            month,
            day,
            time: Some(t),
            zone,
            year,
        },
    ))
}

/// `DAY SP MON SP DOM [SP TIME [SP TZ]] SP YEAR` (DIAG_RLS stamp).
fn diag_stamp(i: &str) -> IResult<&str, RawStamp<'_>> {
    let (i, (weekday, _, month, _, day, tz, _, year)) = (
        day_name,
        char(' '),
        month,
        char(' '),
        dom,
        opt(preceded(char(' '), (time, opt(preceded(char(' '), zone))))),
        char(' '),
        digits(4),
    )
        .parse(i)?;
    let (time, zone) = match tz {
        Some((t, z)) => (Some(t), z),
        None => (None, None),
    };
    Ok((
        i,
        RawStamp {
            weekday,
            month,
            day,
            time,
            zone,
            year,
        },
    ))
}

/// `PKG_DTS = DAY SP MON SP DOM SP TIME SP YEAR SP "GMT"`.
fn pkg_dts(i: &str) -> IResult<&str, RawStamp<'_>> {
    let (i, (weekday, _, month, _, day, _, t, _, year, _)) = all_consuming((
        day_name,
        char(' '),
        month,
        char(' '),
        dom,
        char(' '),
        time,
        char(' '),
        digits(4),
        tag(" GMT"),
    ))
    .parse(i)?;
    Ok((
        i,
        RawStamp {
            weekday,
            month,
            day,
            time: Some(t),
            zone: Some("GMT"),
            year,
        },
    ))
}

/// The calendar date of a stamp, if it exists.
fn civil_date(s: &RawStamp<'_>) -> Option<jiff::civil::Date> {
    jiff::civil::Date::new(s.year, s.month, s.day).ok()
}

fn stamp_view(s: &RawStamp<'_>) -> Stamp {
    Stamp {
        weekday: s.weekday.to_string(),
        date: format!("{:04}-{:02}-{:02}", s.year, s.month, s.day),
        time: s.time.map(|(h, m, sec)| format!("{h:02}:{m:02}:{sec:02}")),
        zone: s.zone.map(str::to_string),
    }
}

/// `("NetApp" / "Data ONTAP") " Release " RLSV [SP mode] ": " stamp [SP trailer]`
#[allow(clippy::type_complexity)]
fn ontap_rls(
    i: &str,
) -> IResult<
    &str,
    (
        &str,
        OntapRelease,
        Option<Mode>,
        &str,
        RawStamp<'_>,
        Option<&str>,
    ),
> {
    let (i, (prefix, _, release, mode, _)) = (
        alt((tag("NetApp"), tag("Data ONTAP"))),
        tag(" Release "),
        rlsv,
        opt(preceded(
            char(' '),
            alt((
                tag("7-Mode").map(|_| Mode::SevenMode),
                tag("Cluster-Mode").map(|_| Mode::ClusterMode),
            )),
        )),
        tag(": "),
    )
        .parse(i)?;
    let stamp_start = i;
    let (i, stamp) = rls_stamp(i)?;
    let stamp_text = &stamp_start[..stamp_start.len() - i.len()];
    let (i, trailer) = alt((
        eof.map(|_| None),
        preceded(
            char(' '),
            recognize((take_while1(|c: char| c != ' ' && c != '\t'), rest)),
        )
        .map(Some),
    ))
    .parse(i)?;
    Ok((i, (prefix, release, mode, stamp_text, stamp, trailer)))
}

// ---------------------------------------------------------------------------------------------
// Validation.

/// Parses every value of a multi-valued version item with `parser`, keeping what it recognises;
/// the first value it rejects is a `bad-value` error with `message(value)` and `hint`.
fn versions_of<'a>(
    item: &Item,
    parts: &[&'a str],
    mut parser: impl Parser<&'a str, Output = &'a str, Error = nom::error::Error<&'a str>>,
    message: impl Fn(&str) -> String,
    hint: &str,
) -> Result<Vec<String>, NpmError> {
    parts
        .iter()
        .map(|p| match parser.parse(p) {
            Ok((_, ver)) => Ok(ver.to_string()),
            Err(_) => Err(bad_value(item, message(p), hint)),
        })
        .collect()
}

fn bad_value(item: &Item, message: String, hint: &str) -> NpmError {
    NpmError::bad(ErrorKind::BadValue, message)
        .item(&item.name)
        .at(Some(item.value_at))
        .hint(hint)
}

/// Partially filled typed view.
#[derive(Default)]
struct Builder {
    pkg_dts: Option<UtcDateTime>,
    cpu_arch: Vec<String>,
    ontap_rls: Option<OntapRls>,
    filesys_ver: Option<Vec<u32>>,
    nvlog_ver: Option<Vec<u32>>,
    diag_ver: Option<Vec<String>>,
    diag_rls: Option<Vec<DiagRls>>,
    cfe_ver: Option<Vec<String>>,
    ofw_ver: Option<Vec<String>>,
}

fn parse_pkg_type(v: &str) -> Option<PackageType> {
    match v {
        "DataOntap" => Some(PackageType::DataOntap),
        "Service" => Some(PackageType::Service),
        _ => None,
    }
}

/// Checks one known item's value and adds it to the typed view.
fn check_value(kind: KnownItem, item: &Item, b: &mut Builder) -> Result<(), NpmError> {
    let v = item.value.as_str();
    let name = kind.name();
    let parts = split_values(name, v);
    if parts.len() > limits::MAX_NPM_VALUES_PER_ITEM {
        return Err(bad_value(
            item,
            format!(
                "{name} holds more than {} values",
                limits::MAX_NPM_VALUES_PER_ITEM
            ),
            "give at most a few values, separated by `,`",
        ));
    }
    if kind.is_multi() && parts.iter().any(|p| p.is_empty()) {
        return Err(bad_value(
            item,
            format!("{name} `{v}` has an empty value (a leading, trailing or doubled `,`)"),
            "values are separated by a single `,`",
        ));
    }
    match kind {
        // Checked (check 10) before the section rules.
        KnownItem::PkgType => {}
        KnownItem::PkgDts => {
            let hint =
                "PKG_DTS is `Day Mmm dd hh:mm:ss yyyy GMT`, e.g. `Thu Oct 15 11:55:39 2009 GMT`";
            let Ok((_, s)) = pkg_dts(v) else {
                return Err(bad_value(
                    item,
                    format!("PKG_DTS `{v}` is not `Day Mmm dd hh:mm:ss yyyy GMT`"),
                    hint,
                ));
            };
            let Some(date) = civil_date(&s) else {
                return Err(bad_value(
                    item,
                    format!("PKG_DTS `{v}` names a date that does not exist"),
                    hint,
                ));
            };
            let actual = weekday_name(date.weekday());
            if actual != s.weekday {
                return Err(bad_value(
                    item,
                    format!(
                        "PKG_DTS `{v}`: {:04}-{:02}-{:02} was a {actual}, not a {}",
                        s.year, s.month, s.day, s.weekday
                    ),
                    "the weekday must match the date; check the stamp",
                ));
            }
            let (hour, minute, second) = s.time.unwrap_or_default();
            b.pkg_dts = Some(UtcDateTime {
                year: s.year,
                month: s.month,
                day: s.day,
                hour,
                minute,
                second,
            });
        }
        KnownItem::CpuArch => {
            for p in &parts {
                if !matches!(*p, "pc" | "mips") {
                    return Err(bad_value(
                        item,
                        format!("CPU_ARCH `{p}` is not `pc` or `mips`"),
                        "the ONTAPI reference lists only pc and mips (strict mode)",
                    ));
                }
            }
            b.cpu_arch = parts.iter().map(|p| p.to_string()).collect();
        }
        KnownItem::OntapRls => {
            let hint = "ONTAP_RLS is `NetApp Release VERSION[ 7-Mode|Cluster-Mode]: Day Mmm dd hh:mm:ss [ZONE ]yyyy`";
            let Ok((_, (prefix, release, mode, stamp_text, stamp, trailer))) = ontap_rls(v) else {
                return Err(bad_value(
                    item,
                    format!("ONTAP_RLS `{v}` is not `NetApp Release VERSION: STAMP`"),
                    hint,
                ));
            };
            if civil_date(&stamp).is_none() {
                return Err(bad_value(
                    item,
                    format!("ONTAP_RLS `{v}` names a date that does not exist"),
                    hint,
                ));
            }
            b.ontap_rls = Some(OntapRls {
                prefix: prefix.to_string(),
                release,
                mode,
                build_stamp: stamp_text.to_string(),
                stamp: stamp_view(&stamp),
                trailer: trailer.map(str::to_string),
            });
        }
        KnownItem::FilesysVer | KnownItem::NvlogVer => {
            let mut out = Vec::new();
            for p in &parts {
                let n = if p.bytes().all(|c| c.is_ascii_digit()) {
                    p.parse::<u32>().ok()
                } else {
                    None
                };
                match n {
                    Some(n) => out.push(n),
                    None => {
                        return Err(bad_value(
                            item,
                            format!("{name} `{p}` is not an integer from 0 to 4294967295"),
                            "the value is a decimal integer",
                        ));
                    }
                }
            }
            if kind == KnownItem::FilesysVer {
                b.filesys_ver = Some(out);
            } else {
                b.nvlog_ver = Some(out);
            }
        }
        KnownItem::DiagVer => {
            b.diag_ver = Some(versions_of(
                item,
                &parts,
                all_consuming(preceded(
                    (tag("Diagnostic Monitor v"), opt(char('-'))),
                    vnum,
                )),
                |p| format!("DIAG_VER `{p}` is not `Diagnostic Monitor vVERSION`"),
                "e.g. `Diagnostic Monitor v4.1.2`",
            )?);
        }
        KnownItem::DiagRls => {
            let mut out = Vec::new();
            let hint = "e.g. `NetApp Release Diagnostic_4.1.2: Tue Mar 20 11:03:11 PDT 2007`";
            for p in &parts {
                let parsed = all_consuming((
                    tag("NetApp Release Diagnostic_"),
                    vnum,
                    tag(": "),
                    recognize(diag_stamp),
                ))
                .parse(p);
                let Ok((_, (_, ver, _, stamp_text))) = parsed else {
                    return Err(bad_value(
                        item,
                        format!("DIAG_RLS `{p}` is not `NetApp Release Diagnostic_VERSION: DATE`"),
                        hint,
                    ));
                };
                let Ok((_, stamp)) = diag_stamp(stamp_text) else {
                    return Err(bad_value(
                        item,
                        format!("DIAG_RLS `{p}` has a malformed date"),
                        hint,
                    ));
                };
                if civil_date(&stamp).is_none() {
                    return Err(bad_value(
                        item,
                        format!("DIAG_RLS `{p}` names a date that does not exist"),
                        hint,
                    ));
                }
                out.push(DiagRls {
                    version: ver.to_string(),
                    build_stamp: stamp_text.to_string(),
                    stamp: stamp_view(&stamp),
                });
            }
            b.diag_rls = Some(out);
        }
        KnownItem::CfeVer => {
            b.cfe_ver = Some(versions_of(
                item,
                &parts,
                all_consuming(preceded(
                    tag("CFE-"),
                    recognize((digit1, char('.'), digit1, char('.'), digit1)),
                )),
                |p| format!("CFE_VER `{p}` is not `CFE-p.q.r`"),
                "e.g. `CFE-3.1.0`",
            )?);
        }
        KnownItem::OfwVer => {
            b.ofw_ver = Some(versions_of(
                item,
                &parts,
                all_consuming(recognize((digit1, char('.'), digit1))),
                |p| format!("OFW_VER `{p}` is not `m.n`"),
                "e.g. `4.3`",
            )?);
        }
    }
    Ok(())
}

fn weekday_name(w: jiff::civil::Weekday) -> &'static str {
    use jiff::civil::Weekday::*;
    match w {
        Monday => "Mon",
        Tuesday => "Tue",
        Wednesday => "Wed",
        Thursday => "Thu",
        Friday => "Fri",
        Saturday => "Sat",
        Sunday => "Sun",
    }
}

fn missing(name: &str, why: &str) -> NpmError {
    NpmError::bad(
        ErrorKind::MissingItem,
        format!("the required item {name} is missing ({why})"),
    )
    .item(name)
    .hint(format!("add a `{name}=...` line (or npm-meta-elem-info)"))
}

/// The first item (in input order) whose name an earlier item already has, with that earlier
/// item. The table holds item indices (4 bytes each) hashed by name, not a map of names: a
/// million items cost 5 MB here where a `HashMap<&str, &Item>` cost 26 MB.
fn first_repeated_name(items: &[Item]) -> Option<(&Item, &Item)> {
    use std::hash::BuildHasher;
    let state = foldhash::fast::FixedState::default();
    let name_of = |i: u32| items.get(i as usize).map_or("", |it| it.name.as_str());
    let mut table: hashbrown::HashTable<u32> = hashbrown::HashTable::with_capacity(items.len());
    for (index, item) in (0u32..).zip(items) {
        let hash = state.hash_one(item.name.as_str());
        match table.entry(
            hash,
            |&i| name_of(i) == item.name,
            |&i| state.hash_one(name_of(i)),
        ) {
            hashbrown::hash_table::Entry::Occupied(first) => {
                return items.get(*first.get() as usize).map(|f| (f, item));
            }
            hashbrown::hash_table::Entry::Vacant(slot) => {
                slot.insert(index);
            }
        }
    }
    None
}

/// Validates raw items (spec 6.1 checks 7-13) and builds the typed view.
pub fn validate(raw: RawMetadata) -> Result<Package, NpmError> {
    let RawMetadata {
        form,
        items,
        mut findings,
    } = raw;
    // 7. At least one entry.
    if items.is_empty() {
        return Err(NpmError::new(
            super::ErrorCode::NoMetadata,
            ErrorKind::NoMetadata,
            "the input holds no metadata item",
        )
        .hint("older packages carry no metadata; an empty or comment-only file has none either"));
    }
    // 8. Unique names.
    if let Some((first, again)) = first_repeated_name(&items) {
        return Err(NpmError::bad(
            ErrorKind::DuplicateName,
            format!(
                "{} is given twice (first on line {})",
                again.name, first.span.start.line
            ),
        )
        .item(&again.name)
        .at(Some(again.span.start))
        .hint("give several values in one item, separated by `,`"));
    }
    // Names are unique now: the known items, at most one each, are all that is looked up.
    let seen: HashMap<&str, &Item> = items
        .iter()
        .filter(|i| KnownItem::from_name(&i.name).is_some())
        .map(|i| (i.name.as_str(), i))
        .collect();
    let get = |k: KnownItem| seen.get(k.name()).copied();
    // 9. Common items present.
    for k in [KnownItem::PkgType, KnownItem::PkgDts, KnownItem::CpuArch] {
        if get(k).is_none() {
            return Err(missing(k.name(), "a common item, present in every package"));
        }
    }
    // 10. PKG_TYPE value.
    let pkg_type_item = get(KnownItem::PkgType);
    let pkg_type = match pkg_type_item.and_then(|i| parse_pkg_type(&i.value)) {
        Some(t) => t,
        None => {
            let item = pkg_type_item.ok_or_else(|| missing("PKG_TYPE", "a common item"))?;
            return Err(bad_value(
                item,
                format!("PKG_TYPE `{}` is not `DataOntap` or `Service`", item.value),
                "PKG_TYPE is DataOntap or Service (case-sensitive)",
            ));
        }
    };
    // 11. Sections.
    for item in &items {
        let Some(k) = KnownItem::from_name(&item.name) else {
            continue;
        };
        let wrong = match (pkg_type, k.section()) {
            (PackageType::Service, Section::Ontap) => {
                Some("ONTAP items belong in DataOntap packages only")
            }
            (PackageType::DataOntap, Section::Diagnostics) => {
                Some("diagnostics items belong in Service packages only")
            }
            (PackageType::DataOntap, Section::Firmware) => {
                Some("firmware items belong in Service packages only")
            }
            _ => None,
        };
        if let Some(why) = wrong {
            return Err(NpmError::bad(
                ErrorKind::SectionViolation,
                format!(
                    "{} is not allowed in a {pkg_type} package: {why}",
                    item.name
                ),
            )
            .item(&item.name)
            .at(Some(item.span.start))
            .hint("remove the item or fix PKG_TYPE"));
        }
    }
    // 12. DataOntap items present.
    if pkg_type == PackageType::DataOntap {
        for k in [
            KnownItem::OntapRls,
            KnownItem::FilesysVer,
            KnownItem::NvlogVer,
        ] {
            if get(k).is_none() {
                return Err(missing(k.name(), "required in a DataOntap package"));
            }
        }
    }
    // 13. Values.
    let mut b = Builder::default();
    for item in &items {
        if let Some(k) = KnownItem::from_name(&item.name) {
            check_value(k, item, &mut b)?;
        }
    }
    if pkg_type == PackageType::Service
        && [
            KnownItem::DiagVer,
            KnownItem::DiagRls,
            KnownItem::CfeVer,
            KnownItem::OfwVer,
        ]
        .iter()
        .all(|k| get(*k).is_none())
    {
        push_finding(
            &mut findings,
            Diagnostic::warning(
                "service-without-service-items",
                None,
                "this Service package has none of DIAG_VER, DIAG_RLS, CFE_VER, OFW_VER",
            )
            .with_hint("a Service package normally carries diagnostics or firmware items"),
        );
    }
    drop(seen);
    let (Some(pkg_dts), false) = (b.pkg_dts, b.cpu_arch.is_empty()) else {
        // Unreachable after checks 9 and 13; kept as an error rather than a panic.
        return Err(missing("PKG_DTS", "a common item"));
    };
    let typed = Typed {
        pkg_type,
        pkg_dts,
        cpu_arch: b.cpu_arch,
        ontap_rls: b.ontap_rls,
        filesys_ver: b.filesys_ver,
        nvlog_ver: b.nvlog_ver,
        diag_ver: b.diag_ver,
        diag_rls: b.diag_rls,
        cfe_ver: b.cfe_ver,
        ofw_ver: b.ofw_ver,
    };
    // Same layout, so the vector is reused in place (no second copy of every item).
    let items = items.into_iter().map(|item| PackageItem { item }).collect();
    Ok(Package {
        form,
        items,
        package_type: pkg_type,
        typed,
        findings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "PKG_TYPE=DataOntap\nPKG_DTS=Thu Oct 15 11:55:39 2009 GMT\nCPU_ARCH=pc\n\
                        FILESYS_VER=21\nNVLOG_VER=7\n";

    fn with_rls(rls: &str) -> Result<Package, NpmError> {
        crate::npm::read(format!("{BASE}ONTAP_RLS={rls}\n").as_bytes())
    }

    #[test]
    fn ontap_rls_real_strings() {
        for (s, release, mode, stamp, trailer) in [
            (
                "NetApp Release 7.3.2: Thu Oct 15 04:17:39 PDT 2009",
                "7.3.2",
                None,
                "Thu Oct 15 04:17:39 PDT 2009",
                None,
            ),
            (
                "NetApp Release 7.0.4: Sun Feb  5 00:52:53 PST 2006",
                "7.0.4",
                None,
                "Sun Feb  5 00:52:53 PST 2006",
                None,
            ),
            (
                "NetApp Release 7.0.0.1: Wed Mar 2 22:20:44 PST 2005",
                "7.0.0.1",
                None,
                "Wed Mar 2 22:20:44 PST 2005",
                None,
            ),
            (
                "NetApp Release 8.1P2 7-Mode: Tue Jun 12 17:53:00 PDT 2012 Multistore",
                "8.1P2",
                Some(Mode::SevenMode),
                "Tue Jun 12 17:53:00 PDT 2012",
                Some("Multistore"),
            ),
            (
                "NetApp Release 8.2.1RC2X6 Cluster-Mode: Wed Dec 18 19:14:04 PST 2013",
                "8.2.1RC2X6",
                Some(Mode::ClusterMode),
                "Wed Dec 18 19:14:04 PST 2013",
                None,
            ),
            (
                "NetApp Release 9.1.0: Tue May 10 19:30:23 2016 <1no-DARE>",
                "9.1.0",
                None,
                "Tue May 10 19:30:23 2016",
                Some("<1no-DARE>"),
            ),
            (
                "Data ONTAP Release 8.1.4P4 7-Mode: Mon Jan  6 10:00:00 PST 2014",
                "8.1.4P4",
                Some(Mode::SevenMode),
                "Mon Jan  6 10:00:00 PST 2014",
                None,
            ),
        ] {
            let p = with_rls(s).unwrap_or_else(|e| panic!("{s}: {e}"));
            let r = p.typed.ontap_rls.unwrap();
            assert_eq!(r.release.as_str(), release);
            assert_eq!(r.mode, mode);
            assert_eq!(r.build_stamp, stamp);
            assert_eq!(r.trailer.as_deref(), trailer);
        }
    }

    #[test]
    fn ontap_rls_rejects() {
        for s in [
            "NetApp Release 7.3.2 Thu Oct 15 04:17:39 PDT 2009",
            "NetApp Release 7.3.2: Thu Feb 30 04:17:39 PDT 2009",
            "NetApp Release 7.3.2: Thu Oct 15 24:17:39 PDT 2009",
            "NetApp Release 7.3.2: Thu Oct 15 04:17:39 PDT",
            "NetApp Release 7.3.2 Multistore: Thu Oct 15 04:17:39 PDT 2009",
            "NetApp Release 7: Thu Oct 15 04:17:39 PDT 2009",
        ] {
            let e = with_rls(s).unwrap_err();
            assert_eq!(
                (e.kind, e.item.as_deref()),
                (ErrorKind::BadValue, Some("ONTAP_RLS")),
                "{s}"
            );
        }
    }

    #[test]
    fn pkg_dts_is_strict() {
        let dts = |v: &str| {
            crate::npm::read(
                format!("PKG_TYPE=Service\nPKG_DTS={v}\nCPU_ARCH=mips\nOFW_VER=4.3\n").as_bytes(),
            )
        };
        let ok = dts("Wed Jul  4 05:59:01 2012 GMT").unwrap();
        assert_eq!(ok.typed.pkg_dts.to_string(), "2012-07-04T05:59:01Z");
        assert!(dts("Wed Jul 4 05:59:01 2012 GMT").is_ok());
        assert!(dts("Wed Jul 04 05:59:01 2012 GMT").is_ok());
        assert!(dts("Sat Dec 31 23:59:60 2016 GMT").is_ok(), "leap second");
        for bad in [
            "Thu Jul  4 05:59:01 2012 GMT",
            "Wed Jul  4 05:59:01 2012 UTC",
            "Wed Jul  4 05:59:01 GMT 2012",
            "Fri Feb 29 00:00:00 2013 GMT",
            "Wed Jul  4 05:59 2012 GMT",
            "wed Jul  4 05:59:01 2012 GMT",
        ] {
            assert_eq!(dts(bad).unwrap_err().kind, ErrorKind::BadValue, "{bad}");
        }
    }

    #[test]
    fn service_values() {
        let p = crate::npm::read(
            b"PKG_TYPE=Service\nPKG_DTS=Thu Jan 15 20:13:02 2009 GMT\nCPU_ARCH=pc, mips\n\
              DIAG_VER=Diagnostic Monitor v-5.3.2\nDIAG_RLS=NetApp Release Diagnostic_5.3: Thu Jan 15 2009\n\
              CFE_VER=CFE-3.1.0\nOFW_VER=4.3,6.1\n",
        )
        .unwrap();
        assert_eq!(p.typed.cpu_arch, ["pc", "mips"]);
        assert_eq!(p.typed.diag_ver, Some(vec!["5.3.2".to_string()]));
        let d = &p.typed.diag_rls.as_ref().unwrap()[0];
        assert_eq!((d.version.as_str(), d.stamp.time.as_deref()), ("5.3", None));
        assert_eq!(
            p.typed.ofw_ver,
            Some(vec!["4.3".to_string(), "6.1".to_string()])
        );
        assert!(p.findings.is_empty());
        for (line, item) in [
            ("CPU_ARCH=pc,,mips", "CPU_ARCH"),
            ("CPU_ARCH=pc,", "CPU_ARCH"),
            ("CFE_VER=CFE 3.1.0", "CFE_VER"),
            ("OFW_VER=4", "OFW_VER"),
            (
                "DIAG_RLS=NetApp Release Diagnostic_5.3: Thu Jan 15 25:00:00 2009",
                "DIAG_RLS",
            ),
        ] {
            let src = format!(
                "PKG_TYPE=Service\nPKG_DTS=Thu Jan 15 20:13:02 2009 GMT\n{line}\nCPU_ARCH_X=1\n"
            );
            let src = if item == "CPU_ARCH" {
                src
            } else {
                format!("{src}CPU_ARCH=pc\n")
            };
            let e = crate::npm::read(src.as_bytes()).unwrap_err();
            assert_eq!(
                (e.kind, e.item.as_deref()),
                (ErrorKind::BadValue, Some(item)),
                "{line}"
            );
        }
    }

    #[test]
    fn integers_are_bounded() {
        let src = |v: &str| {
            format!(
                "PKG_TYPE=DataOntap\nPKG_DTS=Thu Oct 15 11:55:39 2009 GMT\nCPU_ARCH=pc\nONTAP_RLS=NetApp Release 7.3.2: Thu Oct 15 04:17:39 PDT 2009\nFILESYS_VER={v}\nNVLOG_VER=7\n"
            )
        };
        assert!(crate::npm::read(src("4294967295").as_bytes()).is_ok());
        assert!(crate::npm::read(src("0021, 22").as_bytes()).is_ok());
        for bad in ["4294967296", "-1", "+1", "1.0", ""] {
            assert_eq!(
                crate::npm::read(src(bad).as_bytes()).unwrap_err().kind,
                ErrorKind::BadValue,
                "{bad}"
            );
        }
    }

    #[test]
    fn service_without_items_warns() {
        let p = crate::npm::read(
            b"PKG_TYPE=Service\nPKG_DTS=Thu Jan 15 20:13:02 2009 GMT\nCPU_ARCH=pc\n",
        )
        .unwrap();
        assert_eq!(p.findings.len(), 1);
        assert_eq!(p.findings[0].code, "service-without-service-items");
    }
}
