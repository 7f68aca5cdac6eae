//! ONTAP release identifiers (`7.3.2`, `8.1P2`, `7.3.5.1P5`, `8.0.1RC2`, `8.2.1RC2X6`) and their
//! order (spec section 7), and how a release is placed in an upgrade-dependency graph.
//!
//! # Order
//!
//! 1. Numbers, padded with zeros to four: `8.1` = `8.1.0.0` < `8.1.1` < `8.1.1.1` < `8.1.2`.
//! 2. Same numbers: `RCk` (ascending k) < no qualifier (GA) < `P1` < `P2` ...; `Rk` ranks like `Pk`.
//! 3. Then `Dk` after its base: `…P4` < `…P4D1` < `…P5`.
//! 4. `Xk` (engineering builds) compare by numbers only; with equal numbers they are incomparable,
//!    as are releases whose qualifiers are not in the order `RC`, `P`/`R`, `D`, `X` or that carry
//!    both `RC` and `P`/`R`.
//!
//! `8.2P4` is never read as `8.2.4` (NetApp Harvest does; the spec says a correct tool must not).
//!
//! # Graph node names
//!
//! Upgrade-dependency YAML names versions in the OceanBase scheme (dot-separated numbers), which
//! cannot spell `P1` or `RC2`. A release is placed on the node `N1.N2.N3.N4.Q[.D]`: its numbers
//! padded to four, then one qualifier number `Q` = `k` for `RCk` (1..=999), `1000` for GA,
//! `1000 + k` for `Pk`/`Rk`, then `k` for `Dk`. The OceanBase order of these names is exactly the
//! release order above: `7.3.7` is `7.3.7.0.1000`, `7.3.7P1` is `7.3.7.0.1001`, `9.1RC1` is
//! `9.1.0.0.1`, `7.3.7P4D1` is `7.3.7.0.1004.1`. `Xk` builds have no node.

use nom::{
    IResult, Parser,
    branch::alt,
    bytes::complete::tag,
    character::complete::{char, digit1},
    combinator::{all_consuming, map_res},
    multi::many_m_n,
    sequence::preceded,
};
use serde::Serialize;
use std::cmp::Ordering;
use std::fmt;
use thiserror::Error;

/// One release qualifier with its number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", content = "number")]
pub enum Qualifier {
    /// `RCk`: release candidate.
    #[serde(rename = "RC")]
    Rc(u64),
    /// `Pk`: patch release.
    P(u64),
    /// `Rk`: older release-type letter (6.4R1, 7.1.2.1R1); ranks like `Pk`.
    R(u64),
    /// `Dk`: debug patch, after its base.
    D(u64),
    /// `Xk`: engineering or simulator build.
    X(u64),
}

impl Qualifier {
    fn number(self) -> u64 {
        match self {
            Qualifier::Rc(k)
            | Qualifier::P(k)
            | Qualifier::R(k)
            | Qualifier::D(k)
            | Qualifier::X(k) => k,
        }
    }
    /// Rank in the canonical qualifier order.
    fn slot(self) -> u8 {
        match self {
            Qualifier::Rc(_) => 0,
            Qualifier::P(_) | Qualifier::R(_) => 1,
            Qualifier::D(_) => 2,
            Qualifier::X(_) => 3,
        }
    }
}

/// The mode token of an ONTAP 8.x release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Mode {
    /// `7-Mode`.
    #[serde(rename = "7-Mode")]
    SevenMode,
    /// `Cluster-Mode`.
    #[serde(rename = "Cluster-Mode")]
    ClusterMode,
}

impl Mode {
    /// The token as written.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::SevenMode => "7-Mode",
            Mode::ClusterMode => "Cluster-Mode",
        }
    }

    /// The mode a release runs in: its token when written; otherwise 7-Mode before 8.0 (every
    /// 7G release) and Cluster-Mode from 9.0 on (ONTAP 9 is clustered only); unknown for an 8.x
    /// release without a token.
    pub fn effective(release: &OntapRelease, token: Option<Mode>) -> Option<Mode> {
        token.or(match release.numbers().first() {
            Some(&n) if n < 8 => Some(Mode::SevenMode),
            Some(&n) if n >= 9 => Some(Mode::ClusterMode),
            _ => None,
        })
    }
}

/// Why a string is not an ONTAP release, or a release cannot be placed in a graph.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("`{text}`: {reason}")]
pub struct ReleaseError {
    /// The text concerned.
    pub text: String,
    /// What is wrong.
    pub reason: String,
}

/// An ONTAP release identifier: 2 to 4 numbers and up to 3 qualifiers.
///
/// ```
/// use upgrade_planner::npm::OntapRelease;
/// use std::cmp::Ordering;
/// let r = |s| OntapRelease::parse(s).unwrap();
/// assert_eq!(r("8.0.1RC2").compare(&r("8.0.1")), Some(Ordering::Less));
/// assert_eq!(r("8.2P4").compare(&r("8.2.4")), Some(Ordering::Less));
/// assert_eq!(r("7.3.7P1").graph_node().unwrap(), "7.3.7.0.1001");
/// assert_eq!(r("8.1.1X34").compare(&r("8.1.1")), None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct OntapRelease {
    text: String,
    numbers: Vec<u64>,
    qualifiers: Vec<Qualifier>,
}

fn number(i: &str) -> IResult<&str, u64> {
    map_res(digit1, str::parse::<u64>).parse(i)
}

fn qualifier(i: &str) -> IResult<&str, Qualifier> {
    alt((
        preceded(tag("RC"), number).map(Qualifier::Rc),
        preceded(char('P'), number).map(Qualifier::P),
        preceded(char('D'), number).map(Qualifier::D),
        preceded(char('R'), number).map(Qualifier::R),
        preceded(char('X'), number).map(Qualifier::X),
    ))
    .parse(i)
}

/// `RLSV = 1*DIGIT 1*3("." 1*DIGIT) *3(("RC" / "P" / "D" / "R" / "X") 1*DIGIT)`, as a nom parser
/// usable inside larger value grammars.
pub(crate) fn rlsv(i: &str) -> IResult<&str, OntapRelease> {
    let start = i;
    let (i, first) = number(i)?;
    let (i, rest) = many_m_n(1, 3, preceded(char('.'), number)).parse(i)?;
    let (i, qualifiers) = many_m_n(0, 3, qualifier).parse(i)?;
    let mut numbers = vec![first];
    numbers.extend(rest);
    let text = &start[..start.len() - i.len()];
    Ok((
        i,
        OntapRelease {
            text: text.to_string(),
            numbers,
            qualifiers,
        },
    ))
}

impl OntapRelease {
    /// Parses a release identifier such as `7.3.5.1P5` (no mode token, no surrounding blanks).
    pub fn parse(text: &str) -> Result<OntapRelease, ReleaseError> {
        all_consuming(rlsv)
            .parse(text)
            .map(|(_, r)| r)
            .map_err(|_| ReleaseError {
                text: text.chars().take(64).collect(),
                reason: "not an ONTAP release such as 8.1.2, 7.3.7P1 or 8.0.1RC2 (2 to 4 numbers \
                         below 2^64, then up to 3 of RC/P/R/D/X with a number)"
                    .into(),
            })
    }

    /// The release as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The dot-separated numbers (2 to 4).
    pub fn numbers(&self) -> &[u64] {
        &self.numbers
    }

    /// The qualifiers in the order written.
    pub fn qualifiers(&self) -> &[Qualifier] {
        &self.qualifiers
    }

    /// Whether this is an engineering build (`Xk`).
    pub fn is_engineering(&self) -> bool {
        self.qualifiers.iter().any(|q| matches!(q, Qualifier::X(_)))
    }

    /// Whether the qualifiers are in the order `RC`, `P`/`R`, `D`, `X`, each at most once, and not
    /// both `RC` and `P`/`R`.
    fn is_orderable(&self) -> bool {
        let slots: Vec<u8> = self.qualifiers.iter().map(|q| q.slot()).collect();
        slots.windows(2).all(|w| matches!(w, [a, b] if a < b))
            && !(slots.contains(&0) && slots.contains(&1))
    }

    fn padded(&self) -> [u64; 4] {
        let mut out = [0; 4];
        for (slot, n) in out.iter_mut().zip(&self.numbers) {
            *slot = *n;
        }
        out
    }

    /// (stage, k, debug) for releases without `X`: stage 0 = RCk, 1 = GA, 2 = Pk/Rk.
    fn stage(&self) -> (u8, u64, u64) {
        let mut stage = (1, 0);
        let mut debug = 0;
        for q in &self.qualifiers {
            match *q {
                Qualifier::Rc(k) => stage = (0, k),
                Qualifier::P(k) | Qualifier::R(k) => stage = (2, k),
                Qualifier::D(k) => debug = k,
                Qualifier::X(_) => {}
            }
        }
        (stage.0, stage.1, debug)
    }

    /// Compares two releases (see the module docs); `None` when they are incomparable.
    pub fn compare(&self, other: &OntapRelease) -> Option<Ordering> {
        match self.padded().cmp(&other.padded()) {
            Ordering::Equal => {}
            o => return Some(o),
        }
        if self.is_engineering()
            || other.is_engineering()
            || !self.is_orderable()
            || !other.is_orderable()
        {
            return None;
        }
        Some(self.stage().cmp(&other.stage()))
    }

    /// The node name this release has in an upgrade-dependency graph (module docs).
    pub fn graph_node(&self) -> Result<String, ReleaseError> {
        let fail = |reason: &str| ReleaseError {
            text: self.text.clone(),
            reason: reason.to_string(),
        };
        if self.is_engineering() {
            return Err(fail(
                "an engineering build (Xk) has no place in an upgrade graph",
            ));
        }
        if !self.is_orderable() {
            return Err(fail(
                "its qualifiers are not in the order RC, P/R, D (or it has both RC and P/R), so it cannot be ordered",
            ));
        }
        if self.qualifiers.iter().any(|q| q.number() == 0) {
            return Err(fail("a qualifier number 0 (RC0, P0, D0) cannot be placed"));
        }
        let (stage, k, debug) = self.stage();
        let q = match stage {
            0 if k <= 999 => k,
            0 => return Err(fail("release candidates above RC999 cannot be placed")),
            1 => 1000,
            _ => k
                .checked_add(1000)
                .ok_or_else(|| fail("patch number too large"))?,
        };
        let [a, b, c, d] = self.padded();
        let mut node = format!("{a}.{b}.{c}.{d}.{q}");
        if debug > 0 {
            node.push_str(&format!(".{debug}"));
        }
        Ok(node)
    }

    /// The release a graph node name stands for (the inverse of [`OntapRelease::graph_node`]),
    /// written with trailing `.0` numbers dropped down to two numbers and `P` for patches; `None`
    /// when the name is not such a node.
    ///
    /// ```
    /// use upgrade_planner::npm::OntapRelease;
    /// assert_eq!(OntapRelease::from_graph_node("7.3.7.0.1001").unwrap().as_str(), "7.3.7P1");
    /// assert_eq!(OntapRelease::from_graph_node("8.0.1.0.2").unwrap().as_str(), "8.0.1RC2");
    /// assert_eq!(OntapRelease::from_graph_node("8.1.0.0.1000").unwrap().as_str(), "8.1");
    /// assert!(OntapRelease::from_graph_node("4.2.1.0").is_none());
    /// ```
    pub fn from_graph_node(node: &str) -> Option<OntapRelease> {
        let parts: Vec<u64> = node
            .split('.')
            .map(|p| {
                if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
                    None
                } else {
                    p.parse().ok()
                }
            })
            .collect::<Option<_>>()?;
        let (numbers, q, debug) = match parts.as_slice() {
            [a, b, c, d, q] => ([*a, *b, *c, *d], *q, 0),
            [a, b, c, d, q, dbg] if *dbg > 0 => ([*a, *b, *c, *d], *q, *dbg),
            _ => return None,
        };
        let mut keep = 4;
        while keep > 2 && numbers.get(keep - 1) == Some(&0) {
            keep -= 1;
        }
        let mut text = numbers
            .iter()
            .take(keep)
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(".");
        match q {
            0 => return None,
            1..=999 => text.push_str(&format!("RC{q}")),
            1000 => {}
            _ => text.push_str(&format!("P{}", q - 1000)),
        }
        if debug > 0 {
            text.push_str(&format!("D{debug}"));
        }
        OntapRelease::parse(&text).ok()
    }
}

impl fmt::Display for OntapRelease {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn r(s: &str) -> OntapRelease {
        OntapRelease::parse(s).unwrap()
    }

    #[test]
    fn parses_real_release_strings() {
        for s in [
            "6.1.1",
            "6.4R1",
            "7.0.0.1",
            "7.3.5.1P5",
            "8.0.1RC2",
            "8.1P2",
            "8.1.1X34",
            "8.2.1RC2X6",
            "9.1.0",
            "7.1.2.1R1",
            "7.2.6.1P1",
        ] {
            assert_eq!(r(s).as_str(), s);
        }
        for bad in [
            "8",
            "8.",
            "8.1.2.3.4",
            "8.1p2",
            "8.1P",
            "8.1P1P2P3P4",
            "v8.1",
            "8.1 ",
            "99999999999999999999.1",
        ] {
            assert!(OntapRelease::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            r("8.2.1RC2X6").qualifiers(),
            [Qualifier::Rc(2), Qualifier::X(6)]
        );
    }

    #[test]
    fn orders_as_the_spec_proposes() {
        let chain = [
            "7.3.5",
            "7.3.5.1P5",
            "8.0.1RC1",
            "8.0.1RC2",
            "8.0.1",
            "8.0.1P1",
            "8.0.1P4",
            "8.0.1P4D1",
            "8.0.1P5",
            "8.1",
            "8.1.1",
            "8.1.1.1",
            "8.1.2",
            "8.2P4",
            "8.2.4",
        ];
        for w in chain.windows(2) {
            assert_eq!(
                r(w[0]).compare(&r(w[1])),
                Some(Ordering::Less),
                "{} < {}",
                w[0],
                w[1]
            );
            assert_eq!(r(w[1]).compare(&r(w[0])), Some(Ordering::Greater));
        }
        assert_eq!(r("8.1").compare(&r("8.1.0.0")), Some(Ordering::Equal));
        assert_eq!(r("6.4R1").compare(&r("6.4P1")), Some(Ordering::Equal));
        assert_eq!(r("8.1.1X34").compare(&r("8.1.2")), Some(Ordering::Less));
        assert_eq!(r("8.1.1X34").compare(&r("8.1.1")), None);
        assert_eq!(r("8.1P1RC2").compare(&r("8.1")), None);
    }

    #[test]
    fn graph_nodes() {
        for (rel, node) in [
            ("7.3.7", "7.3.7.0.1000"),
            ("7.3.7P1", "7.3.7.0.1001"),
            ("9.1RC1", "9.1.0.0.1"),
            ("8.0.1RC2", "8.0.1.0.2"),
            ("7.3.5.1P5", "7.3.5.1.1005"),
            ("7.3.7P4D1", "7.3.7.0.1004.1"),
            ("6.4R1", "6.4.0.0.1001"),
        ] {
            assert_eq!(r(rel).graph_node().unwrap(), node);
        }
        for bad in ["8.1.1X34", "8.1RC1000", "8.1P0", "8.1P1RC1"] {
            assert!(r(bad).graph_node().is_err(), "{bad}");
        }
        for bad in [
            "7.3.7.0",
            "7.3.7.0.0",
            "7.3.7.0.1000.0",
            "a.b.c.d.1000",
            "7.3.7.0..1",
        ] {
            assert!(OntapRelease::from_graph_node(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn effective_mode() {
        assert_eq!(Mode::effective(&r("7.3.2"), None), Some(Mode::SevenMode));
        assert_eq!(Mode::effective(&r("9.1.0"), None), Some(Mode::ClusterMode));
        assert_eq!(Mode::effective(&r("8.1.2"), None), None);
        assert_eq!(
            Mode::effective(&r("8.1.2"), Some(Mode::ClusterMode)),
            Some(Mode::ClusterMode)
        );
    }

    fn release() -> impl Strategy<Value = String> {
        (
            proptest::collection::vec(0u64..30, 2..=4),
            proptest::option::of(1u64..5),
            proptest::option::of(1u64..5),
            proptest::option::of(1u64..3),
        )
            .prop_map(|(nums, rc, p, d)| {
                let mut s = nums
                    .iter()
                    .map(u64::to_string)
                    .collect::<Vec<_>>()
                    .join(".");
                match (rc, p) {
                    (Some(k), _) => s.push_str(&format!("RC{k}")),
                    (None, Some(k)) => s.push_str(&format!("P{k}")),
                    _ => {}
                }
                if let Some(k) = d {
                    s.push_str(&format!("D{k}"));
                }
                s
            })
    }

    proptest! {
        #[test]
        fn node_order_is_release_order(a in release(), b in release()) {
            let (x, y) = (r(&a), r(&b));
            let (nx, ny) = (x.graph_node().unwrap(), y.graph_node().unwrap());
            let scheme = crate::version::VersionScheme::OceanBase;
            let vx = crate::version::Version::parse(&nx, scheme).unwrap();
            let vy = crate::version::Version::parse(&ny, scheme).unwrap();
            prop_assert_eq!(x.compare(&y), Some(vx.cmp(&vy)));
            let back = OntapRelease::from_graph_node(&nx).unwrap();
            prop_assert_eq!(back.compare(&x), Some(Ordering::Equal));
            prop_assert_eq!(back.graph_node().unwrap(), nx);
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,30}") {
            let _ = OntapRelease::parse(&s).map(|r| r.graph_node());
        }
    }
}
