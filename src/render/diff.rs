//! A [`Diff`] for a reviewer: a few summary lines, then one aligned line per changed pair.
//! (JSON is the [`Diff`] itself, serialised.)

use super::{style, table};
use crate::diff::{ChangeKind, Diff, Outcome};
use anstyle::Style;

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn kind_label(kind: ChangeKind) -> (&'static str, Style) {
    match kind {
        ChangeKind::Removed => ("removed", style::ERROR),
        ChangeKind::TargetDeprecated => ("target deprecated", style::ERROR),
        ChangeKind::BecameNotRecommended => ("became not recommended", style::ERROR),
        ChangeKind::NoLongerNotRecommended => ("no longer not recommended", style::GOOD),
        ChangeKind::Changed => ("changed", style::WARNING),
        ChangeKind::Rerouted => ("rerouted", style::NOTE),
        ChangeKind::Added => ("added", style::GOOD),
    }
}

fn route(o: &Outcome) -> String {
    match o {
        Outcome::Route {
            path,
            hops,
            binary_stops,
        } => {
            let mut s = format!("{}: {}", plural(*hops, "hop", "hops"), path.join(" → "));
            if !binary_stops.is_empty() {
                s.push_str(&format!(" (binary at {})", binary_stops.join(", ")));
            }
            s
        }
        Outcome::Refused {
            error: "not_recommended",
        } => "only not-recommended routes (not_recommended)".to_string(),
        Outcome::Refused { error } => format!("no route ({error})"),
    }
}

fn stops(o: &Outcome) -> String {
    match o {
        Outcome::Route { binary_stops, .. } if !binary_stops.is_empty() => binary_stops.join(", "),
        _ => "none".to_string(),
    }
}

fn list(v: &[String]) -> String {
    if v.is_empty() {
        "none".to_string()
    } else {
        v.join(", ")
    }
}

/// The diff as text: summary lines, then every changed pair (most serious kinds first).
pub fn to_text(d: &Diff) -> String {
    let h = style::HEADING;
    let s = &d.summary;
    let mut out = format!(
        "{h}Route changes{h:#} {} → {}: {} compared\n",
        d.old,
        d.new,
        plural(
            d.pairs_compared,
            "ordered version pair",
            "ordered version pairs"
        )
    );
    if d.is_empty() {
        out.push_str("  no route changes: every plan is the same\n");
    } else {
        out.push_str(&format!(
            "  {} removed, {} to a newly deprecated target, {} changed (hops or binary stops), {} rerouted, {} added\n",
            plural(s.removed, "route", "routes"),
            s.target_deprecated,
            s.changed,
            s.rerouted,
            s.added,
        ));
    }
    if let (Some(became), Some(no_longer)) = (s.became_not_recommended, s.no_longer_not_recommended)
    {
        out.push_str(&format!(
            "  known risks: {} became not recommended, {} no longer not recommended\n",
            plural(became, "route", "routes"),
            no_longer
        ));
    }
    let v = &d.versions;
    out.push_str(&format!(
        "  versions added: {}; removed: {}; newly deprecated: {}; no longer deprecated: {}\n",
        list(&v.added),
        list(&v.removed),
        list(&v.newly_deprecated),
        list(&v.no_longer_deprecated)
    ));
    if d.is_empty() {
        return out;
    }
    out.push('\n');
    let rows: Vec<Vec<(String, Style)>> = d
        .changes
        .iter()
        .map(|c| {
            let (label, st) = kind_label(c.kind);
            let detail = match c.kind {
                ChangeKind::Removed
                | ChangeKind::TargetDeprecated
                | ChangeKind::BecameNotRecommended => {
                    format!("was {}; now {}", route(&c.old), route(&c.new))
                }
                ChangeKind::Added => format!("now {}", route(&c.new)),
                ChangeKind::NoLongerNotRecommended => {
                    format!("now {}; was {}", route(&c.new), route(&c.old))
                }
                ChangeKind::Rerouted => format!("now {}; was {}", route(&c.new), route(&c.old)),
                ChangeKind::Changed => {
                    let mut parts = Vec::new();
                    if let (Outcome::Route { hops: a, .. }, Outcome::Route { hops: b, .. }) =
                        (&c.old, &c.new)
                        && a != b
                    {
                        parts.push(format!("hops {a} → {b}"));
                    }
                    if stops(&c.old) != stops(&c.new) {
                        parts.push(format!(
                            "binary stops {} → {}",
                            stops(&c.old),
                            stops(&c.new)
                        ));
                    }
                    format!("{}; now {}", parts.join(", "), route(&c.new))
                }
            };
            vec![
                (label.to_string(), st),
                (format!("{} → {}", c.from, c.to), style::HEADING),
                (detail, style::PLAIN),
            ]
        })
        .collect();
    out.push_str(&table(&rows, 2));
    out
}
