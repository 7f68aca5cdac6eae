//! Version numbers as upgrade-dependency files write them, and their ordering.
//!
//! Two schemes:
//! * [`VersionScheme::OceanBase`] (the default): `A.B.C.D`, any count of dot-separated decimal
//!   numbers, optionally followed by `-BUILD` (decimal digits) for a build-specific node.
//! * [`VersionScheme::SemVer`]: SemVer 2.0 (`1.4.0-rc.1`, `+build` metadata), via the `semver` crate.
//!
//! A [`Version`] keeps its source text: `4.10` stays `4.10`, and node names are always written back
//! exactly as the YAML wrote them.
//!
//! Ordering (OceanBase scheme): numeric components compare as numbers, a missing trailing component
//! counts as 0 (`4.2` < `4.2.1`); for the same numbers, build-specific nodes come *before* the plain
//! node (`4.2.0.0-100000152023080109` < `4.2.0.0`, since build nodes in real files are release
//! candidates and betas that upgrade to the plain version), ordered by build number; `4.2` and
//! `4.2.0` are different nodes, ordered shorter first when all else is equal (so
//! `4.2.0.0-2` < `4.2` < `4.2.0.0`). Numbers of any length compare correctly (no
//! integer overflow): they are compared as digit strings.

use crate::limits;
use std::cmp::Ordering;
use std::fmt;
use thiserror::Error;

/// Which grammar versions follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum VersionScheme {
    /// `A.B.C.D` or `A.B.C.D-BUILD` (OceanBase's form; any count of components).
    #[default]
    #[serde(rename = "oceanbase")]
    OceanBase,
    /// SemVer 2.0.
    SemVer,
}

impl VersionScheme {
    /// Picks the scheme for a set of versions: OceanBase when every version parses that way,
    /// otherwise SemVer when every version parses as SemVer, otherwise OceanBase (whose errors then
    /// name the versions that fit neither).
    pub fn detect<'a>(versions: impl IntoIterator<Item = &'a str> + Clone) -> VersionScheme {
        let all = |scheme| {
            versions
                .clone()
                .into_iter()
                .all(|v| Version::validate(v, scheme).is_ok())
        };
        if all(VersionScheme::OceanBase) || !all(VersionScheme::SemVer) {
            VersionScheme::OceanBase
        } else {
            VersionScheme::SemVer
        }
    }
}

impl std::str::FromStr for VersionScheme {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "oceanbase" | "ob" => Ok(VersionScheme::OceanBase),
            "semver" => Ok(VersionScheme::SemVer),
            other => Err(format!(
                "unknown version scheme `{other}`: use `oceanbase` or `semver`"
            )),
        }
    }
}

/// Why a string is not a version.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("`{text}` is not a valid {scheme} version: {reason}")]
pub struct VersionError {
    /// The text that failed to parse (cut to a readable length).
    pub text: String,
    /// The scheme it was parsed with.
    pub scheme: &'static str,
    /// What is wrong with it.
    pub reason: String,
}

/// A decimal number of any length: a `u64` when it has at most 19 significant digits (every real
/// version component and build), else its digits without leading zeros. Normalised that way,
/// derived equality and hashing are numeric equality, and the order below is numeric order
/// (a number of 20 or more digits is larger than any of 19 or fewer). The small form keeps
/// parsing free of allocations for the numbers real files use.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Number {
    Small(u64),
    Big(String),
}

impl Number {
    /// Reads decimal digits in one pass; `None` when empty or when any byte is not a digit.
    #[inline]
    fn parse(digits: &[u8]) -> Option<Number> {
        if digits.is_empty() {
            return None;
        }
        if digits.len() <= 19 {
            // Fits a u64 whatever the leading zeros: the common case, one multiply per digit.
            let mut value = 0u64;
            for &b in digits {
                let d = b.wrapping_sub(b'0');
                if d > 9 {
                    return None;
                }
                value = value * 10 + u64::from(d);
            }
            return Some(Number::Small(value));
        }
        if !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let first = digits
            .iter()
            .position(|&b| b != b'0')
            .unwrap_or(digits.len());
        let significant = digits.get(first..).unwrap_or_default();
        if significant.len() <= 19 {
            Number::parse(significant)
        } else {
            Some(Number::Big(
                String::from_utf8_lossy(significant).into_owned(),
            ))
        }
    }

    fn as_num(&self) -> Num<'_> {
        match self {
            Number::Small(n) => Num::Small(*n),
            Number::Big(s) => Num::Big(s),
        }
    }
}

/// A borrowed [`Number`], for comparing components wherever they are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Num<'a> {
    Small(u64),
    Big(&'a str),
}

impl Ord for Num<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Num::Small(a), Num::Small(b)) => a.cmp(b),
            (Num::Small(_), Num::Big(_)) => Ordering::Less,
            (Num::Big(_), Num::Small(_)) => Ordering::Greater,
            (Num::Big(a), Num::Big(b)) => a.len().cmp(&b.len()).then_with(|| a.cmp(b)),
        }
    }
}
impl PartialOrd for Num<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Components stored inline (no allocation) when a version has at most this many, all below 20
/// digits: every real version.
const INLINE_PARTS: usize = 6;

/// The numeric components of an OceanBase version. Normalised (`Inline` exactly when there are at
/// most [`INLINE_PARTS`] components and all are small; unused slots are 0), so that derived
/// equality and hashing are numeric equality of the component lists.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Parts {
    Inline { len: u8, nums: [u64; INLINE_PARTS] },
    Heap(Box<[Number]>),
}

impl Parts {
    fn len(&self) -> usize {
        match self {
            Parts::Inline { len, .. } => usize::from(*len),
            Parts::Heap(parts) => parts.len(),
        }
    }

    fn get(&self, i: usize) -> Option<Num<'_>> {
        match self {
            Parts::Inline { len, nums } if i < usize::from(*len) => {
                nums.get(i).map(|&n| Num::Small(n))
            }
            Parts::Inline { .. } => None,
            Parts::Heap(parts) => parts.get(i).map(Number::as_num),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    OceanBase { parts: Parts, build: Option<Number> },
    SemVer(semver::Version),
}

/// A version's parsed form alone (see [`Version::key_of`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct VersionKey(Key);

/// Reads the OceanBase form (`A.B.C.D` or `A.B.C.D-BUILD`) with a byte loop (no allocation for a
/// real version); the error is the reason, checked in the order users see them: the build first,
/// then each component.
fn parse_oceanbase(text: &str) -> Result<Key, String> {
    let bytes = text.as_bytes();
    let (base, build) = match bytes.iter().position(|&b| b == b'-') {
        Some(i) => (
            bytes.get(..i).unwrap_or_default(),
            Some(bytes.get(i + 1..).unwrap_or_default()),
        ),
        None => (bytes, None),
    };
    let build = match build {
        None => None,
        Some(b) => Some(
            Number::parse(b)
                .ok_or_else(|| "the build after `-` must be decimal digits".to_string())?,
        ),
    };
    let mut nums = [0u64; INLINE_PARTS];
    let mut len = 0usize;
    let mut heap: Option<Vec<Number>> = None;
    for part in base.split(|&b| b == b'.') {
        if len == limits::MAX_VERSION_COMPONENTS {
            return Err(format!(
                "more than {} components",
                limits::MAX_VERSION_COMPONENTS
            ));
        }
        let number = Number::parse(part)
            .ok_or_else(|| "expected dot-separated decimal numbers such as 4.2.1.0".to_string())?;
        match (&mut heap, number) {
            (None, Number::Small(n)) if len < INLINE_PARTS => {
                if let Some(slot) = nums.get_mut(len) {
                    *slot = n;
                }
            }
            (None, number) => {
                let mut all: Vec<Number> = nums
                    .get(..len)
                    .unwrap_or_default()
                    .iter()
                    .map(|&n| Number::Small(n))
                    .collect();
                all.push(number);
                heap = Some(all);
            }
            (Some(all), number) => all.push(number),
        }
        len += 1;
    }
    let parts = match heap {
        Some(all) => Parts::Heap(all.into_boxed_slice()),
        // `len` is at most INLINE_PARTS here.
        None => Parts::Inline {
            len: len as u8,
            nums,
        },
    };
    Ok(Key::OceanBase { parts, build })
}

/// A version as written in an upgrade-dependency file, with its parsed form for ordering.
///
/// Equality and hashing use the parsed form (`4.01` equals `4.1`); [`Version::as_str`] gives the
/// source text.
///
/// ```
/// use upgrade_planner::{Version, VersionScheme};
/// let rc = Version::parse("4.2.0.0-100000152023080109", VersionScheme::OceanBase)?;
/// let ga = Version::parse("4.2.0.0", VersionScheme::OceanBase)?;
/// let next = Version::parse("4.10", VersionScheme::OceanBase)?;
/// assert!(rc < ga && ga < next);
/// assert_eq!(next.as_str(), "4.10");
/// assert_eq!(rc.base(), "4.2.0.0");
/// assert_eq!(rc.build(), Some("100000152023080109"));
/// # Ok::<(), upgrade_planner::version::VersionError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Version {
    text: String,
    key: Key,
}

impl Version {
    /// Parses `text` with the given scheme. Surrounding white space is not allowed.
    pub fn parse(text: &str, scheme: VersionScheme) -> Result<Version, VersionError> {
        Ok(Version {
            key: parse_key(text, scheme)?,
            text: text.to_string(),
        })
    }

    /// Checks that `text` is a version of the given scheme, with the error [`Version::parse`]
    /// would give, without building the version (nothing is allocated for a valid OceanBase
    /// version).
    pub fn validate(text: &str, scheme: VersionScheme) -> Result<(), VersionError> {
        parse_key(text, scheme).map(|_| ())
    }

    /// The parsed form of `text` without the text: two keys are equal exactly when the versions
    /// are (`4.01` and `4.1`), so versions can be told apart without copying their text.
    pub(crate) fn key_of(text: &str, scheme: VersionScheme) -> Result<VersionKey, VersionError> {
        parse_key(text, scheme).map(VersionKey)
    }

    /// The version exactly as written in the source.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The scheme this version was parsed with.
    pub fn scheme(&self) -> VersionScheme {
        match self.key {
            Key::OceanBase { .. } => VersionScheme::OceanBase,
            Key::SemVer(_) => VersionScheme::SemVer,
        }
    }

    /// The build number of a build-specific OceanBase node (`4.1.0.0-100000192023032010`).
    pub fn build(&self) -> Option<&str> {
        match self.key {
            Key::OceanBase { build: Some(_), .. } => {
                self.text.split_once('-').map(|(_, build)| build)
            }
            _ => None,
        }
    }

    /// The plain version without its build (`4.1.0.0` for `4.1.0.0-100000192023032010`); the whole
    /// text otherwise.
    pub fn base(&self) -> &str {
        match self.build() {
            Some(_) => self.text.split_once('-').map_or(&*self.text, |(b, _)| b),
            None => &self.text,
        }
    }

    /// SemVer build metadata (`build.7` in `1.5.0+build.7`); `None` for OceanBase versions and for
    /// SemVer versions without it.
    pub fn build_metadata(&self) -> Option<&str> {
        match &self.key {
            Key::SemVer(v) if !v.build.is_empty() => Some(v.build.as_str()),
            _ => None,
        }
    }

    /// This version without SemVer build metadata (`1.5.0` for `1.5.0+build.7`); the version itself
    /// otherwise.
    pub fn without_build_metadata(&self) -> Version {
        match &self.key {
            Key::SemVer(v) if !v.build.is_empty() => {
                let mut plain = v.clone();
                plain.build = semver::BuildMetadata::EMPTY;
                Version {
                    text: self
                        .text
                        .split_once('+')
                        .map_or(&*self.text, |(t, _)| t)
                        .to_string(),
                    key: Key::SemVer(plain),
                }
            }
            _ => self.clone(),
        }
    }

    /// Whether the two versions have the same precedence: for SemVer, equal apart from build
    /// metadata (SemVer 2.0 §10: build metadata does not affect precedence); for OceanBase,
    /// equality.
    pub fn same_precedence(&self, other: &Version) -> bool {
        match (&self.key, &other.key) {
            (Key::SemVer(a), Key::SemVer(b)) => a.cmp_precedence(b) == Ordering::Equal,
            _ => self == other,
        }
    }

    /// Whether this is a build-specific node.
    pub fn is_build_specific(&self) -> bool {
        self.build().is_some()
    }

    /// The plain version (this one without its build), parsed.
    pub fn base_version(&self) -> Version {
        match &self.key {
            Key::OceanBase {
                parts,
                build: Some(_),
            } => Version {
                text: self.base().to_string(),
                key: Key::OceanBase {
                    parts: parts.clone(),
                    build: None,
                },
            },
            _ => self.clone(),
        }
    }
}

/// The parsed form of `text` (everything [`Version::parse`] does except keeping the text).
fn parse_key(text: &str, scheme: VersionScheme) -> Result<Key, VersionError> {
    let fail = |reason: String| VersionError {
        text: shorten(text),
        scheme: match scheme {
            VersionScheme::OceanBase => "OceanBase (A.B.C.D or A.B.C.D-BUILD)",
            VersionScheme::SemVer => "SemVer",
        },
        reason,
    };
    if text.len() > limits::MAX_VERSION_LEN {
        return Err(fail(format!(
            "longer than {} bytes",
            limits::MAX_VERSION_LEN
        )));
    }
    if text.is_empty() {
        return Err(fail("it is empty".to_string()));
    }
    match scheme {
        VersionScheme::OceanBase => parse_oceanbase(text).map_err(fail),
        VersionScheme::SemVer => semver::Version::parse(text)
            .map(Key::SemVer)
            .map_err(|e| fail(e.to_string())),
    }
}

fn shorten(text: &str) -> String {
    const MAX: usize = 64;
    if text.len() <= MAX {
        return text.to_string();
    }
    let mut end = MAX;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl Eq for Version {}
impl std::hash::Hash for Version {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.key.hash(state);
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        match (&self.key, &other.key) {
            (
                Key::OceanBase {
                    parts: a,
                    build: ab,
                },
                Key::OceanBase {
                    parts: b,
                    build: bb,
                },
            ) => {
                let n = a.len().max(b.len());
                for i in 0..n {
                    let x = a.get(i).unwrap_or(Num::Small(0));
                    let y = b.get(i).unwrap_or(Num::Small(0));
                    match x.cmp(&y) {
                        Ordering::Equal => {}
                        o => return o,
                    }
                }
                let build_order = match (ab, bb) {
                    (None, None) => Ordering::Equal,
                    (Some(_), None) => Ordering::Less,
                    (None, Some(_)) => Ordering::Greater,
                    (Some(x), Some(y)) => x.as_num().cmp(&y.as_num()),
                };
                build_order.then_with(|| a.len().cmp(&b.len()))
            }
            (Key::SemVer(a), Key::SemVer(b)) => a.cmp(b),
            // Versions of different schemes never meet in one graph; order them stably anyway.
            (Key::OceanBase { .. }, Key::SemVer(_)) => Ordering::Less,
            (Key::SemVer(_), Key::OceanBase { .. }) => Ordering::Greater,
        }
    }
}
impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ob(s: &str) -> Version {
        Version::parse(s, VersionScheme::OceanBase).unwrap()
    }

    #[test]
    fn parses_oceanbase_forms() {
        assert_eq!(ob("4.2.1.0").base(), "4.2.1.0");
        assert_eq!(ob("4.2.1.0").build(), None);
        assert_eq!(ob("4.2.1.0-100").build(), Some("100"));
        for bad in [
            "", "4.", ".4", "4..1", "v4", "4.1-", "4.1-x", "4.1-1-2", " 4.1", "4.1 ", "4.1.a",
        ] {
            assert!(
                Version::parse(bad, VersionScheme::OceanBase).is_err(),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn orders_numerically_and_builds_before_plain() {
        let mut v = [
            ob("4.10"),
            ob("4.2.0.0"),
            ob("4.2.0.0-2"),
            ob("4.2.0.0-10"),
            ob("4.9"),
            ob("4.2"),
        ];
        v.sort();
        let texts: Vec<_> = v.iter().map(Version::as_str).collect();
        assert_eq!(
            texts,
            ["4.2.0.0-2", "4.2.0.0-10", "4.2", "4.2.0.0", "4.9", "4.10"]
        );
    }

    #[test]
    fn huge_numbers_do_not_overflow() {
        assert!(ob("99999999999999999999999999.1") > ob("99999999999999999999999998.9"));
    }

    #[test]
    fn semver_scheme() {
        let a = Version::parse("1.4.0-rc.1", VersionScheme::SemVer).unwrap();
        let b = Version::parse("1.4.0", VersionScheme::SemVer).unwrap();
        assert!(a < b);
        assert!(Version::parse("1.4", VersionScheme::SemVer).is_err());
        assert_eq!(
            VersionScheme::detect(["1.4.0-rc.1", "1.4.0"]),
            VersionScheme::SemVer
        );
        assert_eq!(
            VersionScheme::detect(["1.4.0", "4.2.0.0-1"]),
            VersionScheme::OceanBase
        );
    }

    #[test]
    fn semver_build_metadata() {
        let sv = |s: &str| Version::parse(s, VersionScheme::SemVer).unwrap();
        let meta = sv("1.5.0+build.7");
        assert_eq!(meta.build_metadata(), Some("build.7"));
        assert_eq!(sv("1.5.0").build_metadata(), None);
        assert_eq!(ob("4.2.1.1-7").build_metadata(), None);
        let plain = meta.without_build_metadata();
        assert_eq!(plain.as_str(), "1.5.0");
        assert_eq!(plain, sv("1.5.0"));
        assert!(meta.same_precedence(&sv("1.5.0")));
        assert!(meta.same_precedence(&sv("1.5.0+other")));
        assert!(!meta.same_precedence(&sv("1.5.0-rc.1+build.7")));
        assert!(!ob("4.2.1.1-7").same_precedence(&ob("4.2.1.1")));
        assert_eq!(
            sv("1.5.0-rc.1+b").without_build_metadata().as_str(),
            "1.5.0-rc.1"
        );
    }

    proptest! {
        #[test]
        fn source_text_is_kept(parts in proptest::collection::vec("[0-9]{1,4}", 1..6), build in proptest::option::of("[0-9]{1,20}")) {
            let mut text = parts.join(".");
            if let Some(b) = build { text.push('-'); text.push_str(&b); }
            let v = Version::parse(&text, VersionScheme::OceanBase).unwrap();
            prop_assert_eq!(v.as_str(), text.as_str());
        }

        #[test]
        fn ordering_is_total_and_consistent(a in "[0-9]{1,3}(\\.[0-9]{1,3}){0,3}(-[0-9]{1,3})?", b in "[0-9]{1,3}(\\.[0-9]{1,3}){0,3}(-[0-9]{1,3})?") {
            let (x, y) = (ob(&a), ob(&b));
            prop_assert_eq!(x.cmp(&y), y.cmp(&x).reverse());
            prop_assert_eq!(x.cmp(&y) == Ordering::Equal, x == y);
        }

        #[test]
        fn numbers_compare_numerically_across_sizes(a in "0{0,3}[0-9]{1,24}", b in "0{0,3}[0-9]{1,24}") {
            // Reference: significant digits, shorter first, then digit by digit.
            let key = |s: &str| {
                let t = s.trim_start_matches('0');
                (t.len(), t.to_string())
            };
            prop_assert_eq!(ob(&a).cmp(&ob(&b)), key(&a).cmp(&key(&b)));
            prop_assert_eq!(ob(&a) == ob(&b), key(&a) == key(&b));
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,40}") {
            let _ = Version::parse(&s, VersionScheme::OceanBase);
            let _ = Version::parse(&s, VersionScheme::SemVer);
        }

        /// Components stored inline (up to six, below 20 digits) and on the heap (more, or
        /// longer) order, compare and hash as the documented rule says, checked against a
        /// reference that keeps every component as a digit string.
        #[test]
        fn inline_and_heap_components_agree_with_a_reference(
            a in "0?[0-9]{1,21}(\\.0?[0-9]{1,21}){0,8}(-[0-9]{1,21})?",
            b in "0?[0-9]{1,21}(\\.0?[0-9]{1,21}){0,8}(-[0-9]{1,21})?",
        ) {
            use std::hash::BuildHasher;
            fn num(s: &str) -> (usize, String) {
                let t = s.trim_start_matches('0');
                (t.len(), t.to_string())
            }
            /// A component as (significant digits, digits): ordered as the numbers are.
            type Digits = (usize, String);
            // (components, build) as comparable digit strings.
            fn reference(s: &str) -> (Vec<Digits>, Option<Digits>) {
                let (base, build) = match s.split_once('-') {
                    Some((b, n)) => (b, Some(num(n))),
                    None => (s, None),
                };
                (base.split('.').map(num).collect(), build)
            }
            fn cmp_ref(x: &str, y: &str) -> Ordering {
                let ((xp, xb), (yp, yb)) = (reference(x), reference(y));
                let zero = (0, String::new());
                for i in 0..xp.len().max(yp.len()) {
                    let o = xp.get(i).unwrap_or(&zero).cmp(yp.get(i).unwrap_or(&zero));
                    if o != Ordering::Equal {
                        return o;
                    }
                }
                let builds = match (&xb, &yb) {
                    (None, None) => Ordering::Equal,
                    (Some(_), None) => Ordering::Less,
                    (None, Some(_)) => Ordering::Greater,
                    (Some(p), Some(q)) => p.cmp(q),
                };
                builds.then(xp.len().cmp(&yp.len()))
            }
            let (x, y) = (ob(&a), ob(&b));
            prop_assert_eq!(x.cmp(&y), cmp_ref(&a, &b));
            prop_assert_eq!(x == y, reference(&a) == reference(&b));
            if x == y {
                let h = foldhash::fast::FixedState::with_seed(7);
                prop_assert_eq!(h.hash_one(&x), h.hash_one(&y));
            }
            prop_assert_eq!(x.as_str(), a.as_str());
            prop_assert!(Version::validate(&a, VersionScheme::OceanBase).is_ok());
        }

        /// `validate` fails exactly when `parse` does, with the same error.
        #[test]
        fn validate_agrees_with_parse(s in "[0-9.\\-a]{0,12}|\\PC{0,20}") {
            for scheme in [VersionScheme::OceanBase, VersionScheme::SemVer] {
                prop_assert_eq!(
                    Version::validate(&s, scheme),
                    Version::parse(&s, scheme).map(|_| ())
                );
            }
        }
    }

    #[test]
    fn errors_keep_their_order_and_wording() {
        let reason = |s: &str| {
            Version::parse(s, VersionScheme::OceanBase)
                .unwrap_err()
                .reason
        };
        let many = vec!["1"; 33].join(".");
        assert_eq!(reason(&many), "more than 32 components");
        assert_eq!(
            reason(&format!("{many}-x")),
            "the build after `-` must be decimal digits"
        );
        assert_eq!(
            reason("1.x.1-2"),
            "expected dot-separated decimal numbers such as 4.2.1.0"
        );
        // An invalid component before the 33rd is reported first.
        assert_eq!(
            reason(&format!("x.{many}")),
            "expected dot-separated decimal numbers such as 4.2.1.0"
        );
        assert!(Version::parse(&vec!["1"; 32].join("."), VersionScheme::OceanBase).is_ok());
    }
}
