//! Known risks for people and programs: the lines a plan prints for its accepted and avoided
//! risks, the `not_recommended` refusal's details (text and JSON), and a rollout's "Known risks".

use super::style;
use crate::planner::{Plan, PlanError};
use crate::risks::RiskReport;
use crate::rollout::KnownRisk;
use serde_json::{Value, json};

/// `matched: Always`: how a risk was decided, from its evaluation and the rule that decided.
fn decided(evaluation: &str, rule: Option<&str>) -> String {
    match rule {
        Some(rule) => format!("{evaluation}: {rule}"),
        None => format!("{evaluation}: no rule could be evaluated"),
    }
}

/// `Name on A -> B (matched: Always)`, the head line of a risk on an edge.
pub fn headline(r: &RiskReport) -> String {
    let how = decided(r.evaluation, r.rule.as_deref());
    format!("{} on {} -> {} ({how})", r.name, r.from, r.to)
}

/// The lines under a risk's head line: its message, url, fix version, and what would decide it
/// (the query to run, the facts to give).
pub fn detail_lines(r: &RiskReport) -> Vec<String> {
    let mut out = vec![r.message.trim().replace('\n', " "), r.url.clone()];
    if let Some(f) = &r.fixed_in {
        out.push(format!("fixed in {f}"));
    }
    if let Some(sql) = &r.sql {
        out.push(format!(
            "before the window, run: {}",
            sql.trim().replace('\n', " ")
        ));
    }
    if !r.facts_needed.is_empty() {
        out.push(format!(
            "facts that would decide it: {}",
            r.facts_needed.join(", ")
        ));
    }
    out
}

/// The text a plan prints before its stages: a warning per accepted risk, a note per avoided one.
/// Empty without risks.
pub fn plan_text(plan: &Plan) -> String {
    let mut out = String::new();
    let w = style::WARNING;
    let n = style::NOTE;
    for r in plan.accepted_risks.iter().flatten() {
        out.push_str(&format!("{w}warning{w:#}: accepted risk {}\n", headline(r)));
        for l in detail_lines(r) {
            out.push_str(&format!("  {l}\n"));
        }
    }
    for r in plan.avoided_risks.iter().flatten() {
        out.push_str(&format!(
            "{n}note{n:#}: avoids {}: the shortest route takes that update\n",
            headline(r)
        ));
    }
    out
}

/// The Markdown a plan runbook prints before its stages (empty without risks).
pub fn plan_markdown(plan: &Plan) -> String {
    let mut out = String::new();
    let accepted: Vec<&RiskReport> = plan.accepted_risks.iter().flatten().collect();
    let avoided: Vec<&RiskReport> = plan.avoided_risks.iter().flatten().collect();
    if accepted.is_empty() && avoided.is_empty() {
        return out;
    }
    out.push_str("## Known risks\n\n");
    for r in accepted {
        out.push_str(&format!(
            "> **Warning: accepted risk `{}`** on `{}` → `{}` ({}). {} [Details]({}).\n",
            r.name,
            r.from,
            r.to,
            decided(r.evaluation, r.rule.as_deref()),
            r.message.trim().replace('\n', " "),
            r.url
        ));
        if let Some(sql) = &r.sql {
            out.push_str(&format!(
                ">\n> Before the window, run:\n>\n> ```sql\n> {}\n> ```\n",
                sql.trim().replace('\n', "\n> ")
            ));
        }
        out.push('\n');
    }
    for r in avoided {
        out.push_str(&format!(
            "- Avoids `{}` on `{}` → `{}` ({}): {} [Details]({}).\n",
            r.name,
            r.from,
            r.to,
            r.evaluation,
            r.message.trim().replace('\n', " "),
            r.url
        ));
    }
    out.push('\n');
    out
}

/// The JSON details of a `not_recommended` refusal (merged into the `error` object): `risks`
/// (each with `name`, `from`, `to`, `url`, `message`, `evaluation`, `rule`, `sql`, ...), `accept`
/// (the distinct names to pass to `--accept-risk`) and `route` (the plan accepting them gives).
/// `None` for other refusals.
pub fn refusal_details(e: &PlanError) -> Option<Value> {
    let PlanError::NotRecommended { risks, route, .. } = e else {
        return None;
    };
    Some(json!({
        "risks": risks,
        "accept": accept_names(risks),
        "route": route,
    }))
}

/// The distinct risk names of `risks`, in order.
pub fn accept_names(risks: &[RiskReport]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for r in risks {
        if !names.contains(&r.name) {
            names.push(r.name.clone());
        }
    }
    names
}

/// The lines a `not_recommended` refusal prints after its `error:` line: each risk with its url,
/// message and the query to run. Empty for other refusals.
pub fn refusal_text(risks: &[RiskReport]) -> String {
    let mut out = String::new();
    for r in risks {
        out.push_str(&format!("  risk {}\n", headline(r)));
        for l in detail_lines(r) {
            out.push_str(&format!("    {l}\n"));
        }
    }
    out
}

/// A rollout's known risks as text lines (a heading, then per risk its url, queries and each
/// node's verdict; accepted risks as warnings).
pub fn rollout_text(risks: &[KnownRisk]) -> String {
    let h = style::HEADING;
    let w = style::WARNING;
    let mut out = format!("\n{h}Known risks{h:#}\n");
    for k in risks {
        let accepted = k.nodes.iter().any(|n| n.verdict == "accepted");
        if accepted {
            out.push_str(&format!(
                "  {w}warning{w:#}: accepted risk {}: {}\n",
                k.name, k.url
            ));
        } else {
            out.push_str(&format!("  {}: {}\n", k.name, k.url));
        }
        out.push_str(&format!("    {}\n", k.message.trim().replace('\n', " ")));
        for q in &k.sql {
            out.push_str(&format!(
                "    before the window, run: {}\n",
                q.trim().replace('\n', " ")
            ));
        }
        for n in &k.nodes {
            out.push_str(&format!(
                "    {}: {} on {} -> {} ({})\n",
                n.node,
                n.verdict.replace('_', " "),
                n.from,
                n.to,
                decided(n.evaluation, n.rule.as_deref())
            ));
        }
    }
    out
}

/// A rollout runbook's "Known risks" section: each risk's url, message, the SQL to run before the
/// window, and each node's verdict.
pub fn rollout_markdown(risks: &[KnownRisk]) -> String {
    let code = super::rollout::md_code;
    let mut out = String::from("\n## Known risks\n");
    for k in risks {
        out.push_str(&format!("\n### {}\n\n", k.name));
        if k.nodes.iter().any(|n| n.verdict == "accepted") {
            out.push_str(
                "> **Warning:** this risk is accepted for some nodes (`--accept-risk`).\n\n",
            );
        }
        out.push_str(&format!(
            "{} [Details]({}).\n",
            k.message.trim().replace('\n', " "),
            k.url
        ));
        if let Some(f) = &k.fixed_in {
            out.push_str(&format!("Fixed in `{f}`.\n"));
        }
        if !k.sql.is_empty() {
            out.push_str("\nBefore the window, run:\n\n```sql\n");
            for q in &k.sql {
                out.push_str(q.trim());
                out.push('\n');
            }
            out.push_str("```\n");
            if !k.facts.is_empty() {
                out.push_str(&format!(
                    "\nGive the answer as the fact(s) {} (inventory `facts:`), and plan again.\n",
                    k.facts
                        .iter()
                        .map(|f| code(f))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
        out.push('\n');
        for n in &k.nodes {
            out.push_str(&format!(
                "- [ ] {}: {} on `{}` → `{}` ({})\n",
                code(&n.node),
                n.verdict.replace('_', " "),
                n.from,
                n.to,
                decided(n.evaluation, n.rule.as_deref())
            ));
        }
    }
    out
}
