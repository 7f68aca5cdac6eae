//! Upgrade targets for people: a short aligned table.

use super::{style, table};
use crate::targets::Targets;

/// The targets as text: a title, then "You can upgrade to:" and one row per target, newest
/// first, marking the newest and the targets reachable with no binary stop.
pub fn to_text(t: &Targets) -> String {
    let h = style::HEADING;
    let objective = match t.objective {
        crate::Objective::Hops => "fewest hops",
        crate::Objective::Stops => "fewest binary stops",
    };
    let count = t.targets.len();
    let mut out = format!(
        "{h}Upgrade targets from {}{h:#} ({objective}): {count} version{}\n",
        t.from,
        if count == 1 { "" } else { "s" }
    );
    if t.targets.is_empty() {
        if t.not_recommended_count.unwrap_or(0) == 0 {
            out.push_str(&format!(
                "\n`{}` cannot be upgraded: no non-deprecated version is reachable from it.\n",
                t.from
            ));
            return out;
        }
        out.push_str(&format!(
            "\n`{}` has no recommended upgrade: every route takes an update a known risk applies to.\n",
            t.from
        ));
        out.push_str(&not_recommended_text(t));
        return out;
    }
    out.push_str("\nYou can upgrade to:\n");
    let mut rows = vec![vec![
        ("VERSION".to_string(), h),
        ("HOPS".to_string(), h),
        ("BINARY STOPS".to_string(), h),
        ("NOTES".to_string(), h),
    ]];
    for (i, r) in t.targets.iter().enumerate() {
        let mut notes = Vec::new();
        if i == 0 {
            notes.push("newest".to_string());
        }
        if r.binary_stops.is_empty() {
            notes.push("no binary stop".to_string());
        }
        if !r.deprecated_transits.is_empty() {
            notes.push(format!(
                "via deprecated {}",
                r.deprecated_transits.join(", ")
            ));
        }
        if r.implicit {
            notes.push("no entry of its own in the file".to_string());
        }
        for a in r.accepted_risks.iter().flatten() {
            notes.push(format!("accepted risk {} ({} -> {})", a.name, a.from, a.to));
        }
        let st = if i == 0 { style::GOOD } else { style::PLAIN };
        rows.push(vec![
            (r.version.clone(), st),
            (r.hops.to_string(), style::PLAIN),
            (
                if r.binary_stops.is_empty() {
                    "-".to_string()
                } else {
                    r.binary_stops.join(", ")
                },
                if r.binary_stops.is_empty() {
                    style::PLAIN
                } else {
                    style::WARNING
                },
            ),
            // An empty cell unstyled, so that no escape code follows the row's padding.
            (
                notes.join("; "),
                if notes.is_empty() {
                    style::PLAIN
                } else {
                    style::DIM
                },
            ),
        ]);
    }
    out.push_str(&table(&rows, 2));
    out.push_str(&not_recommended_text(t));
    out.push_str(&format!(
        "\nPlan one with: upgrade-planner plan --deps FILE --from {} --to VERSION\n",
        t.from
    ));
    out
}

/// The not-recommended targets (with `--include-not-recommended`), or a line saying how many
/// there are; empty without known risks or when there are none.
fn not_recommended_text(t: &Targets) -> String {
    let h = style::HEADING;
    let count = t.not_recommended_count.unwrap_or(0);
    if count == 0 {
        return String::new();
    }
    let Some(list) = &t.not_recommended else {
        return format!(
            "\n{count}{} version{} only through updates known risks make not recommended \
             (--include-not-recommended lists them)\n",
            if t.targets.is_empty() { "" } else { " more" },
            if count == 1 {
                " is reachable"
            } else {
                "s are reachable"
            }
        );
    };
    let mut out =
        String::from("\nNot recommended (a known risk applies; --accept-risk NAME to take it):\n");
    let mut rows = vec![vec![
        ("VERSION".to_string(), h),
        ("HOPS".to_string(), h),
        ("RISKS".to_string(), h),
    ]];
    for r in list {
        let risks: Vec<String> = r
            .risks
            .iter()
            .flatten()
            .map(|x| format!("{} ({} -> {}, {})", x.name, x.from, x.to, x.evaluation))
            .collect();
        rows.push(vec![
            (r.version.clone(), style::PLAIN),
            (r.hops.to_string(), style::PLAIN),
            (risks.join("; "), style::WARNING),
        ]);
    }
    out.push_str(&table(&rows, 2));
    for r in list {
        for x in r.risks.iter().flatten() {
            if !out.contains(&format!("  {}: {}", x.name, x.url)) {
                out.push_str(&format!("  {}: {}\n", x.name, x.url));
            }
        }
    }
    out
}
