//! Rollouts for people: aligned text (stages, then every step with its window) and a Markdown
//! runbook with a checkbox per step.

use super::{style, table};
use crate::planner::StageKind;
use crate::rollout::Rollout;
use crate::rollout::packages::MissingPackage;
use crate::rollout::steps::{Action, Step};
use anstyle::Style;

/// `1h30m`, `40m`, `90s`.
pub fn duration(secs: u64) -> String {
    let (h, m, s) = (secs / 3600, secs % 3600 / 60, secs % 60);
    let mut out = String::new();
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if m > 0 {
        out.push_str(&format!("{m}m"));
    }
    if s > 0 || out.is_empty() {
        out.push_str(&format!("{s}s"));
    }
    out
}

fn kind_label(kind: StageKind) -> &'static str {
    match kind {
        StageKind::Start => "start",
        StageKind::BinaryStop => "binary stop",
        StageKind::Target => "target",
    }
}

/// What a step does, in words.
fn detail(step: &Step) -> String {
    match step.action {
        Action::InstallBinary => match &step.package {
            Some(p) => {
                let mut t = format!("{} {}", p.name, p.version);
                match (&p.release, &p.min_build) {
                    (Some(r), _) => t.push_str(&format!("-{r}")),
                    (None, Some(b)) => t.push_str(&format!(" (build ≥ {b})")),
                    (None, None) => {}
                }
                if let Some(f) = &p.file {
                    t.push_str(&format!(" [{f}]"));
                }
                t
            }
            None => String::new(),
        },
        Action::RunUpgradeScripts => format!("{} -> {}", step.from, step.stage),
        Action::Reboot if step.asynchronous => {
            "asynchronous: the management endpoint goes down; poll until the primary is back".into()
        }
        Action::Reboot => String::new(),
        Action::Verify => format!("node serves {}", step.stage),
    }
}

fn header(r: &Rollout) -> String {
    let name = r.cluster.as_deref().unwrap_or("cluster");
    let nodes = r
        .stages
        .iter()
        .flat_map(|s| s.nodes.iter())
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    format!(
        "Rollout of {name} to {}: {} stage(s), {nodes} node(s) to upgrade, {} step(s), about {}",
        r.target,
        r.stages.len(),
        r.steps.len(),
        duration(r.total_seconds)
    )
}

fn window_lines(r: &Rollout) -> Vec<String> {
    let mut out = Vec::new();
    for w in &r.windows {
        let when = match (&w.start_after, &w.expire) {
            (Some(a), Some(e)) => format!(" {a} .. {e}"),
            _ => String::new(),
        };
        let name = w
            .name
            .as_deref()
            .map(|n| format!(" ({n})"))
            .unwrap_or_default();
        let steps = match (w.first_step, w.last_step) {
            (Some(a), Some(b)) => format!("steps {a}–{b}"),
            _ => "unused".to_string(),
        };
        out.push(format!(
            "window {}{name}{when}: {steps}, {} of {}",
            w.index,
            duration(w.used_seconds),
            duration(w.length_seconds)
        ));
    }
    if let Some(reason) = &r.unscheduled_reason {
        out.push(format!(
            "{} step(s) do not fit (from step {}): {reason}",
            r.unscheduled.len(),
            r.unscheduled.first().copied().unwrap_or(0)
        ));
    }
    if r.only.is_some() || !r.windows.is_empty() {
        match r.cluster_windows_needed {
            Some(n) if r.only.is_some() => {
                out.push(format!("the whole cluster would need {n} window(s)"))
            }
            None if r.only.is_some() && !r.windows.is_empty() => {
                out.push("the whole cluster does not fit the windows given".to_string())
            }
            _ => {}
        }
    }
    out
}

/// The rollout as aligned text.
pub fn to_text(r: &Rollout) -> String {
    let h = style::HEADING;
    let mut out = format!("{h}{}{h:#}\n", header(r));
    if let Some(only) = &r.only {
        out.push_str(&format!("Only: {}\n", only.join(", ")));
    }
    if r.steps.is_empty() {
        out.push_str("\nEvery selected node is already at the target: nothing to do.\n");
        return out;
    }
    out.push_str(&format!("\n{h}Stages{h:#}\n"));
    let mut rows = vec![vec![
        ("STAGE".to_string(), h),
        ("KIND".to_string(), h),
        ("NODES (in order)".to_string(), h),
    ]];
    for s in &r.stages {
        let st = if s.kind == StageKind::Target {
            style::GOOD
        } else {
            style::WARNING
        };
        let nodes = if s.nodes.is_empty() {
            "-".to_string()
        } else {
            s.nodes.join(", ")
        };
        rows.push(vec![
            (s.version.clone(), st),
            (kind_label(s.kind).to_string(), st),
            (nodes, style::PLAIN),
        ]);
    }
    out.push_str(&table(&rows, 2));
    out.push_str(&format!("\n{h}Nodes{h:#}\n"));
    let mut rows = vec![vec![
        ("NODE".to_string(), h),
        ("ROLE".to_string(), h),
        ("ZONE".to_string(), h),
        ("INSTALLED".to_string(), h),
        ("STAGES".to_string(), h),
    ]];
    for n in &r.nodes {
        let stages = match skip_reason(r, n) {
            Some(why) => (format!("skipped: {why}"), style::DIM),
            None => (n.route.stages.join(" -> "), style::PLAIN),
        };
        rows.push(vec![
            (n.name.clone(), style::PLAIN),
            (n.role.to_string(), style::PLAIN),
            (n.zone.clone().unwrap_or_else(|| "-".into()), style::PLAIN),
            (n.route.installed.clone(), style::PLAIN),
            stages,
        ]);
    }
    out.push_str(&table(&rows, 2));
    if let Some(k) = r.known_risks.as_deref().filter(|k| !k.is_empty()) {
        out.push_str(&super::risks::rollout_text(k));
    }
    out.push_str(&format!("\n{h}Steps{h:#}\n"));
    let windows = !r.windows.is_empty() || !r.unscheduled.is_empty();
    let mut head = vec![("#".to_string(), h)];
    if windows {
        head.push(("WINDOW".to_string(), h));
    }
    head.extend([
        ("STAGE".to_string(), h),
        ("NODE".to_string(), h),
        ("ACTION".to_string(), h),
        ("EST".to_string(), h),
        ("DETAIL".to_string(), h),
    ]);
    let mut rows = vec![head];
    for s in &r.steps {
        let mut row = vec![(s.index.to_string(), style::PLAIN)];
        if windows {
            row.push(match s.window {
                Some(w) => (w.to_string(), style::PLAIN),
                None => ("none".to_string(), style::ERROR),
            });
        }
        let st: Style = if s.asynchronous {
            style::WARNING
        } else {
            style::PLAIN
        };
        row.extend([
            (s.stage.clone(), style::PLAIN),
            (s.node.clone(), style::PLAIN),
            (s.action.to_string(), st),
            (duration(s.estimate_seconds), style::DIM),
            (detail(s), st),
        ]);
        rows.push(row);
    }
    out.push_str(&table(&rows, 2));
    let lines = window_lines(r);
    if !lines.is_empty() {
        out.push_str(&format!("\n{h}Windows{h:#}\n"));
        for l in lines {
            out.push_str(&format!("  {l}\n"));
        }
    }
    out
}

/// Why a node takes no step in this rollout, or `None` when it does.
fn skip_reason(r: &Rollout, n: &crate::rollout::NodeSummary) -> Option<String> {
    if !n.selected {
        return Some("left out by --only".to_string());
    }
    if n.route.stages.is_empty() {
        return Some(format!("already at {}", n.route.start));
    }
    let upgraded = r.stages.iter().any(|s| s.nodes.contains(&n.name));
    (!upgraded).then(|| "no stage of this rollout".to_string())
}

/// [`md_code`] for a table cell: `|` escaped as `\|` so that the cell does not split (GFM tables;
/// outside tables a backslash in a code span would show).
pub fn md_cell_code(text: &str) -> String {
    md_code(text).replace('|', "\\|")
}

/// Inline code that survives any node name: a backtick fence longer than any run of backticks
/// in the text (CommonMark), padded when the text starts or ends with a backtick.
pub fn md_code(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// The rollout as a Markdown runbook: a checkbox per step, grouped by window and stage.
pub fn to_markdown(r: &Rollout) -> String {
    let mut out = format!("# {}\n\n", header(r));
    if let Some(only) = &r.only {
        out.push_str(&format!(
            "Only these nodes: {}.\n\n",
            only.iter()
                .map(|n| md_code(n))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if r.steps.is_empty() {
        out.push_str("Every selected node is already at the target: nothing to do.\n");
        return out;
    }
    out.push_str("## Stages\n\n| Stage | Kind | Nodes, in order |\n|---|---|---|\n");
    for s in &r.stages {
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            s.version,
            kind_label(s.kind),
            if s.nodes.is_empty() {
                "-".to_string()
            } else {
                s.nodes
                    .iter()
                    .map(|n| md_cell_code(n))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        ));
    }
    out.push_str(
        "\n## Nodes\n\n| Node | Role | Zone | Installed | Stages |\n|---|---|---|---|---|\n",
    );
    for n in &r.nodes {
        let stages = match skip_reason(r, n) {
            Some(why) => format!("skipped: {why}"),
            None => n
                .route
                .stages
                .iter()
                .map(|s| md_cell_code(s))
                .collect::<Vec<_>>()
                .join(" → "),
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            md_cell_code(&n.name),
            n.role,
            n.zone
                .as_deref()
                .map(md_cell_code)
                .unwrap_or_else(|| "-".into()),
            md_cell_code(&n.route.installed),
            stages
        ));
    }
    if let Some(k) = r.known_risks.as_deref().filter(|k| !k.is_empty()) {
        out.push_str(&super::risks::rollout_markdown(k));
    }
    let mut current: Option<(Option<usize>, bool)> = None;
    let mut stage: Option<&str> = None;
    for s in &r.steps {
        let unscheduled = r.unscheduled.contains(&s.index);
        let group = (s.window, unscheduled);
        if current != Some(group) {
            let title = match (s.window, unscheduled, r.windows.is_empty()) {
                (_, true, _) => "## Does not fit the windows".to_string(),
                (Some(w), _, _) => {
                    let when = r
                        .windows
                        .get(w)
                        .and_then(|x| x.start_after.as_ref().zip(x.expire.as_ref()))
                        .map(|(a, e)| format!(" ({a} .. {e})"))
                        .unwrap_or_default();
                    format!("## Window {w}{when}")
                }
                (None, _, _) => "## Steps".to_string(),
            };
            out.push_str(&format!("\n{title}\n"));
            current = Some(group);
            stage = None;
        }
        if stage != Some(s.stage.as_str()) {
            out.push_str(&format!("\n### Stage `{}`\n\n", s.stage));
            stage = Some(s.stage.as_str());
        }
        let d = detail(s);
        out.push_str(&format!(
            "- [ ] {}. {}: {}{} (~{})\n",
            s.index,
            md_code(&s.node),
            s.action,
            if d.is_empty() {
                String::new()
            } else {
                format!(": {d}")
            },
            duration(s.estimate_seconds)
        ));
    }
    let lines = window_lines(r);
    if !lines.is_empty() {
        out.push_str("\n## Windows\n\n");
        for l in lines {
            out.push_str(&format!("- {l}\n"));
        }
    }
    out
}

/// Missing packages, one line each.
pub fn missing_text(missing: &[MissingPackage]) -> String {
    missing
        .iter()
        .map(|m| {
            format!(
                "stage {}: {} {}{} for {}: {}\n",
                m.stage,
                m.name,
                m.version,
                m.min_build
                    .as_deref()
                    .map(|b| format!(" (build ≥ {b})"))
                    .unwrap_or_default(),
                m.nodes.join(", "),
                m.reason
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{md_cell_code, md_code};

    #[test]
    fn node_names_stay_one_code_span_and_one_cell() {
        assert_eq!(md_code("db-1"), "`db-1`");
        assert_eq!(md_code("a|b"), "`a|b`");
        assert_eq!(md_cell_code("a|b"), "`a\\|b`");
        assert_eq!(md_code("x`y"), "``x`y``");
        assert_eq!(md_code("`z"), "`` `z ``");
    }
}
