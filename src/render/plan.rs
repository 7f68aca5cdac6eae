//! Plans for people: an aligned text table (stages first, then every hop) and a Markdown runbook.

use super::{style, table};
use crate::planner::{Plan, StageKind};
use anstyle::Style;

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn summary(plan: &Plan) -> String {
    format!(
        "{}, {}, {}",
        plural(plan.hops, "hop", "hops"),
        plural(plan.binary_stops.len(), "binary stop", "binary stops"),
        plural(
            plan.deprecated_transits.len(),
            "deprecated transit",
            "deprecated transits"
        )
    )
}

fn stage_label(kind: StageKind) -> (&'static str, Style) {
    match kind {
        StageKind::Start => ("start (installed now)", style::PLAIN),
        StageKind::BinaryStop => ("binary stop: install the binary", style::WARNING),
        StageKind::Target => ("target: install the binary", style::GOOD),
    }
}

/// What happens on arrival at hop `i`'s destination.
fn hop_note(plan: &Plan, i: usize) -> (String, Style) {
    let Some(to) = plan.path.get(i + 1) else {
        return (String::new(), style::PLAIN);
    };
    if i + 2 == plan.path.len() {
        (
            "install binary, run upgrade scripts (target)".into(),
            style::GOOD,
        )
    } else if plan.binary_stops.contains(to) {
        (
            "install binary, run upgrade scripts (binary stop)".into(),
            style::WARNING,
        )
    } else if plan.deprecated_transits.contains(to) {
        (
            "run upgrade scripts (deprecated transit)".into(),
            style::DIM,
        )
    } else {
        ("run upgrade scripts".into(), style::PLAIN)
    }
}

/// The plan as aligned text, for a person to read before maintenance.
pub fn to_text(plan: &Plan) -> String {
    let h = style::HEADING;
    let mut out = format!(
        "{h}Upgrade {} -> {}{h:#}: {}\n",
        plan.from,
        plan.to,
        summary(plan)
    );
    if plan.hops == 0 {
        out.push_str("\nAlready at the target: nothing to do.\n");
        return out;
    }
    let risks = super::risks::plan_text(plan);
    if !risks.is_empty() {
        out.push('\n');
        out.push_str(&risks);
    }
    out.push_str(&format!(
        "\n{h}Stages{h:#} (where the binary is installed)\n"
    ));
    let mut rows = vec![vec![
        ("#".to_string(), h),
        ("VERSION".to_string(), h),
        ("ACTION".to_string(), h),
    ]];
    for (i, stage) in plan.stages.iter().enumerate() {
        let (label, st) = stage_label(stage.kind);
        rows.push(vec![
            (i.to_string(), style::PLAIN),
            (stage.version.clone(), st),
            (label.to_string(), st),
        ]);
    }
    out.push_str(&table(&rows, 2));
    out.push_str(&format!("\n{h}Route{h:#} (every hop, in order)\n"));
    let mut rows = vec![vec![
        ("HOP".to_string(), h),
        ("FROM".to_string(), h),
        ("TO".to_string(), h),
        ("AT TO".to_string(), h),
    ]];
    for (i, pair) in plan.path.windows(2).enumerate() {
        let (note, st) = hop_note(plan, i);
        if let [from, to] = pair {
            rows.push(vec![
                ((i + 1).to_string(), style::PLAIN),
                (from.clone(), style::PLAIN),
                (to.clone(), st),
                (note, st),
            ]);
        }
    }
    out.push_str(&table(&rows, 2));
    out
}

/// The plan as a Markdown runbook: a summary, the stages, and a checklist of hops.
pub fn to_markdown(plan: &Plan) -> String {
    let mut out = format!(
        "# Upgrade {} → {}\n\n{}.\n\n",
        plan.from,
        plan.to,
        summary(plan)
    );
    if plan.hops == 0 {
        out.push_str("Already at the target: nothing to do.\n");
        return out;
    }
    out.push_str(&super::risks::plan_markdown(plan));
    out.push_str("## Stages\n\n| # | Version | Action |\n|---|---|---|\n");
    for (i, stage) in plan.stages.iter().enumerate() {
        out.push_str(&format!(
            "| {i} | `{}` | {} |\n",
            stage.version,
            stage_label(stage.kind).0
        ));
    }
    out.push_str("\n## Route\n\n");
    for (i, pair) in plan.path.windows(2).enumerate() {
        if let [from, to] = pair {
            out.push_str(&format!(
                "- [ ] {}. `{from}` → `{to}`: {}\n",
                i + 1,
                hop_note(plan, i).0
            ));
        }
    }
    out
}
