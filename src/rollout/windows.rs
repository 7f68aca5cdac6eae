//! Packing ordered steps into maintenance windows, never reordering them.
//!
//! Windows are either a fixed length (`--window 4h`, as many as needed) or a list read from a file
//! (`--windows FILE`), each with `start_after` and `expire` in ISO 8601, as Redfish maintenance
//! windows write them (`StartAfter`/`Expire` on HPE iLO's `MaintenanceWindows`).
//!
//! The unit of packing is one node at one stage (its `install_binary`, `run_upgrade_scripts`,
//! `reboot` and `verify` together), so a window never ends with a node half-upgraded. Units are
//! taken in order; a unit goes into the current window if it fits, else into the next window that
//! can hold it (a listed window too short for it stays unused). When no window can hold a unit, it
//! and every later step do not fit (they are listed, never moved ahead).

use super::inventory::{Fields, InventoryError, name_text, parse_time, short, yaml_diagnostic};
use super::steps::Step;
use crate::diagnostic::Diagnostic;
use crate::limits;
use crate::yaml::{self, Value};
use serde::Serialize;
use std::time::Duration;

/// One listed maintenance window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    /// An optional name.
    pub name: Option<String>,
    /// The window opens at this time.
    pub start_after: jiff::Timestamp,
    /// The window closes at this time.
    pub expire: jiff::Timestamp,
}

impl Window {
    /// The window's length.
    pub fn length(&self) -> Duration {
        let secs = self.expire.duration_since(self.start_after).as_secs();
        Duration::from_secs(secs.max(0).unsigned_abs())
    }
}

/// Which windows to pack into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WindowSpec {
    /// As many windows of this length as needed.
    Length(Duration),
    /// These windows, in time order, and no more.
    List(Vec<Window>),
}

/// How one window is used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WindowUse {
    /// Position (for a list: the position in time order in the file's list).
    pub index: usize,
    /// The window's name, when listed with one.
    pub name: Option<String>,
    /// When the window opens (listed windows only), RFC 3339.
    pub start_after: Option<String>,
    /// When the window closes (listed windows only), RFC 3339.
    pub expire: Option<String>,
    /// The window's length, in seconds.
    pub length_seconds: u64,
    /// The estimated time its steps take, in seconds.
    pub used_seconds: u64,
    /// Index of the first step in the window (null: the window is left unused).
    pub first_step: Option<usize>,
    /// Index of the last step in the window.
    pub last_step: Option<usize>,
    /// How many steps run in the window.
    pub step_count: usize,
}

/// The result of packing.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Packing {
    /// The windows, up to the last one used.
    pub windows: Vec<WindowUse>,
    /// Indexes of the steps that do not fit (always the tail of the step list).
    pub unscheduled: Vec<usize>,
    /// Why they do not fit.
    pub reason: Option<String>,
}

/// Units of packing: runs of consecutive steps of one node at one stage, as index ranges.
fn units(steps: &[Step]) -> Vec<(usize, usize, u64)> {
    let mut out: Vec<(usize, usize, u64)> = Vec::new();
    for (i, s) in steps.iter().enumerate() {
        let same = out.last().is_some_and(|&(start, _, _)| {
            steps
                .get(start)
                .is_some_and(|f| f.node == s.node && f.stage == s.stage)
        });
        match out.last_mut() {
            Some((_, end, total)) if same => {
                *end = i + 1;
                *total = total.saturating_add(s.estimate_seconds);
            }
            _ => out.push((i, i + 1, s.estimate_seconds)),
        }
    }
    out
}

fn format_secs(secs: u64) -> String {
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

/// Assigns `window` on every step that fits and reports the windows used and what does not fit.
pub fn pack(steps: &mut [Step], spec: &WindowSpec) -> Packing {
    let capacity = |w: usize| -> Option<u64> {
        match spec {
            WindowSpec::Length(d) => Some(d.as_secs()),
            WindowSpec::List(list) => list.get(w).map(|x| x.length().as_secs()),
        }
    };
    let mut uses: Vec<WindowUse> = Vec::new();
    let mut current = 0usize;
    let mut used = 0u64;
    let mut unscheduled_from: Option<(usize, String)> = None;
    for (start, end, total) in units(steps) {
        loop {
            let Some(cap) = capacity(current) else {
                let listed = match spec {
                    WindowSpec::List(l) => l.len(),
                    WindowSpec::Length(_) => 0,
                };
                unscheduled_from = Some((
                    start,
                    format!("the {listed} listed window(s) are used up before step {start}"),
                ));
                break;
            };
            if used.saturating_add(total) <= cap {
                used += total;
                for s in steps.iter_mut().take(end).skip(start) {
                    s.window = Some(current);
                }
                record(&mut uses, spec, current, start, end, total);
                break;
            }
            if used == 0 && matches!(spec, WindowSpec::Length(_)) {
                let (node, stage) = steps
                    .get(start)
                    .map(|s| (s.node.clone(), s.stage.clone()))
                    .unwrap_or_default();
                unscheduled_from = Some((
                    start,
                    format!(
                        "node `{node}` at stage {stage} takes {} (steps {start}–{}), longer than a {} window",
                        format_secs(total),
                        end - 1,
                        format_secs(cap)
                    ),
                ));
                break;
            }
            current += 1;
            used = 0;
        }
        if unscheduled_from.is_some() {
            break;
        }
    }
    let mut packing = Packing {
        windows: uses,
        ..Packing::default()
    };
    if let Some((from, reason)) = unscheduled_from {
        for s in steps.iter_mut().skip(from) {
            s.window = None;
        }
        packing.unscheduled = (from..steps.len()).collect();
        packing.reason = Some(reason);
    }
    packing
}

fn record(
    uses: &mut Vec<WindowUse>,
    spec: &WindowSpec,
    w: usize,
    start: usize,
    end: usize,
    total: u64,
) {
    while uses.len() <= w {
        let index = uses.len();
        let (name, start_after, expire, length) = match spec {
            WindowSpec::Length(d) => (None, None, None, d.as_secs()),
            WindowSpec::List(list) => match list.get(index) {
                Some(x) => (
                    x.name.clone(),
                    Some(x.start_after.to_string()),
                    Some(x.expire.to_string()),
                    x.length().as_secs(),
                ),
                None => (None, None, None, 0),
            },
        };
        uses.push(WindowUse {
            index,
            name,
            start_after,
            expire,
            length_seconds: length,
            used_seconds: 0,
            first_step: None,
            last_step: None,
            step_count: 0,
        });
    }
    if let Some(u) = uses.get_mut(w) {
        u.first_step = u.first_step.or(Some(start));
        u.last_step = Some(end - 1);
        u.step_count += end - start;
        u.used_seconds += total;
    }
}

/// Reads a windows file: a list of `{name?, start_after, expire}`, or a mapping
/// `{windows: [...]}`. Windows must not overlap; they are sorted by `start_after`.
///
/// ```
/// use upgrade_planner::rollout::windows::parse_windows;
/// let w = parse_windows("- {start_after: '2024-03-02T22:00:00Z', expire: '2024-03-03T02:00:00Z'}\n")?;
/// assert_eq!(w[0].length().as_secs(), 4 * 3600);
/// # Ok::<(), upgrade_planner::rollout::inventory::InventoryError>(())
/// ```
pub fn parse_windows(src: &str) -> Result<Vec<Window>, InventoryError> {
    let mut diags = Vec::new();
    let windows = read_windows(src, &mut diags);
    if diags.iter().any(Diagnostic::is_error) {
        return Err(InventoryError::Invalid {
            file: None,
            diagnostics: diags,
        });
    }
    Ok(windows)
}

/// Loads a windows file.
pub fn windows_from_path(path: &std::path::Path) -> Result<Vec<Window>, InventoryError> {
    let src = super::inventory::read_text(path)?;
    parse_windows(&src).map_err(|e| match e {
        InventoryError::Invalid { diagnostics, .. } => InventoryError::Invalid {
            file: Some(path.to_path_buf()),
            diagnostics,
        },
        other => other,
    })
}

/// Keys a window may have: ours, and the names Redfish maintenance windows use.
pub const WINDOW_KEYS: [&str; 6] = [
    "name",
    "start_after",
    "expire",
    "Name",
    "StartAfter",
    "Expire",
];

/// The Redfish spelling of one of our window keys.
fn redfish_key(ours: &str) -> &'static str {
    match ours {
        "name" => "Name",
        "start_after" => "StartAfter",
        _ => "Expire",
    }
}

fn read_windows(src: &str, diags: &mut Vec<Diagnostic>) -> Vec<Window> {
    let root = match yaml::parse(src) {
        Ok(Some(r)) => r,
        Ok(None) => {
            diags.push(Diagnostic::error(
                "windows-schema",
                None,
                "the windows file is empty",
            ));
            return Vec::new();
        }
        Err(e) => {
            diags.push(yaml_diagnostic(e));
            return Vec::new();
        }
    };
    let list_node = match &root.value {
        Value::Sequence(_) => &root,
        Value::Mapping(_) => {
            let Some(f) = Fields::read(&root, &["windows"], "the windows file", diags) else {
                return Vec::new();
            };
            match f.get("windows") {
                Some(n) => n,
                None => {
                    diags.push(Diagnostic::error(
                        "windows-schema",
                        Some(root.span),
                        "the windows file has no `windows` list",
                    ));
                    return Vec::new();
                }
            }
        }
        Value::Scalar(_) => &root,
    };
    let Value::Sequence(items) = &list_node.value else {
        diags.push(Diagnostic::error(
            "windows-schema",
            Some(list_node.span),
            format!(
                "the windows must be a list, found {}",
                list_node.kind_name()
            ),
        ));
        return Vec::new();
    };
    if items.len() > limits::MAX_WINDOWS {
        diags.push(Diagnostic::error(
            "too-large",
            Some(list_node.span),
            format!(
                "{} windows, more than the limit of {}",
                items.len(),
                limits::MAX_WINDOWS
            ),
        ));
        return Vec::new();
    }
    let mut out: Vec<(Window, crate::diagnostic::Span)> = Vec::new();
    for item in items {
        let Some(f) = Fields::read(item, &WINDOW_KEYS, "a window", diags) else {
            continue;
        };
        // Our snake_case name, or the Redfish name (HPE iLO `MaintenanceWindows`), not both.
        let pick = |ours: &str, diags: &mut Vec<Diagnostic>| {
            let redfish = redfish_key(ours);
            match (f.get(ours), f.get(redfish)) {
                (Some(a), Some(b)) => {
                    diags.push(
                        Diagnostic::error(
                            "duplicate-key",
                            Some(b.span),
                            format!("a window gives both `{ours}` and `{redfish}`"),
                        )
                        .with_related(a.span, "first written here")
                        .with_hint("keep one of the two spellings"),
                    );
                    Some(a)
                }
                (a, b) => a.or(b),
            }
        };
        let name_node = pick("name", diags);
        let start_node = pick("start_after", diags);
        let expire_node = pick("expire", diags);
        let name = name_node.and_then(|n| name_text(n, "name", diags));
        let mut time = |key: &str, node: Option<&crate::yaml::Node>| -> Option<jiff::Timestamp> {
            let Some(n) = node else {
                diags.push(
                    Diagnostic::error(
                        "windows-schema",
                        Some(item.span),
                        format!("a window has no `{key}`"),
                    )
                    .with_hint(
                        "every window needs `start_after` and `expire` (or Redfish's `StartAfter` and `Expire`)",
                    ),
                );
                return None;
            };
            let text = n.as_scalar().map(|s| s.text.as_str()).unwrap_or("");
            match parse_time(text) {
                Ok(t) => Some(t),
                Err(e) => {
                    diags.push(Diagnostic::error(
                        "bad-time",
                        Some(n.span),
                        format!("`{key}`: {e}"),
                    ));
                    None
                }
            }
        };
        let (start, expire) = (time("start_after", start_node), time("expire", expire_node));
        let (Some(start_after), Some(expire)) = (start, expire) else {
            continue;
        };
        if expire <= start_after {
            diags.push(Diagnostic::error(
                "empty-window",
                Some(item.span),
                format!("the window expires ({expire}) before it starts ({start_after})"),
            ));
            continue;
        }
        let w = Window {
            name,
            start_after,
            expire,
        };
        if w.length().as_secs() > limits::MAX_DURATION_SECS {
            diags.push(Diagnostic::error(
                "too-large",
                Some(item.span),
                format!(
                    "the window is longer than the limit of {} days",
                    limits::MAX_DURATION_SECS / 86_400
                ),
            ));
            continue;
        }
        out.push((w, item.span));
    }
    out.sort_by_key(|(w, _)| w.start_after);
    for pair in out.windows(2) {
        if let [(a, sa), (b, sb)] = pair
            && b.start_after < a.expire
        {
            diags.push(
                Diagnostic::error(
                    "overlapping-windows",
                    Some(*sb),
                    format!(
                        "this window (from {}) overlaps the window {}(until {})",
                        b.start_after,
                        a.name
                            .as_deref()
                            .map(|n| format!("`{}` ", short(n)))
                            .unwrap_or_default(),
                        a.expire
                    ),
                )
                .with_related(*sa, "the window it overlaps"),
            );
        }
    }
    out.into_iter().map(|(w, _)| w).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rollout::inventory::Role;
    use crate::rollout::steps::Action;

    fn step(i: usize, node: &str, secs: u64) -> Step {
        Step {
            index: i,
            stage: "1".into(),
            node: node.into(),
            action: Action::Verify,
            window: None,
            package: None,
            role: Role::Member,
            zone: None,
            from: "0".into(),
            asynchronous: false,
            estimate_seconds: secs,
        }
    }

    #[test]
    fn packs_units_in_order() {
        let mut steps = vec![
            step(0, "a", 30),
            step(1, "a", 30),
            step(2, "b", 50),
            step(3, "c", 40),
        ];
        let p = pack(&mut steps, &WindowSpec::Length(Duration::from_secs(100)));
        let w: Vec<_> = steps.iter().map(|s| s.window).collect();
        assert_eq!(w, [Some(0), Some(0), Some(1), Some(1)]);
        assert_eq!(p.windows.len(), 2);
        assert!(p.unscheduled.is_empty());
    }

    #[test]
    fn a_unit_longer_than_a_window_stops_packing() {
        let mut steps = vec![step(0, "a", 30), step(1, "b", 300), step(2, "c", 1)];
        let p = pack(&mut steps, &WindowSpec::Length(Duration::from_secs(100)));
        assert_eq!(p.unscheduled, [1, 2]);
        assert!(p.reason.unwrap().contains("`b`"));
    }

    #[test]
    fn listed_windows_skip_short_ones_and_run_out() {
        let w = parse_windows(
            "windows:\n  - {start_after: '2024-01-01T00:00:00Z', expire: '2024-01-01T00:01:00Z'}\n  \
             - {start_after: '2024-01-02T00:00:00Z', expire: '2024-01-02T00:02:00Z'}\n",
        )
        .unwrap();
        let mut steps = vec![step(0, "a", 100), step(1, "b", 100)];
        let p = pack(&mut steps, &WindowSpec::List(w));
        assert_eq!(steps[0].window, Some(1));
        assert_eq!(p.unscheduled, [1]);
        assert_eq!(p.windows[0].step_count, 0);
    }

    #[test]
    fn redfish_names_are_read_like_ours() {
        let w = parse_windows(
            r#"[{"Name": "sat", "StartAfter": "2024-03-09T22:00:00Z", "Expire": "2024-03-10T01:00:00Z"}]"#,
        )
        .unwrap();
        assert_eq!(w[0].name.as_deref(), Some("sat"));
        assert_eq!(w[0].length().as_secs(), 3 * 3600);
        let e = parse_windows(
            "- {start_after: '2024-01-01T00:00:00Z', StartAfter: '2024-01-01T00:00:00Z', expire: '2024-01-01T01:00:00Z'}\n",
        )
        .unwrap_err();
        assert_eq!(e.diagnostics()[0].code, "duplicate-key");
    }

    #[test]
    fn windows_file_errors() {
        let e = parse_windows(
            "- {start_after: '2024-01-01T02:00:00Z', expire: '2024-01-01T01:00:00Z'}\n",
        )
        .unwrap_err();
        assert_eq!(e.diagnostics()[0].code, "empty-window");
        let e = parse_windows(
            "- {start_after: '2024-01-01T00:00:00Z', expire: '2024-01-01T03:00:00Z'}\n\
             - {start_after: '2024-01-01T02:00:00Z', expire: '2024-01-01T04:00:00Z'}\n",
        )
        .unwrap_err();
        assert_eq!(e.diagnostics()[0].code, "overlapping-windows");
        let e = parse_windows("- {start_after: tomorrow, expire: '2024-01-01T01:00:00Z'}\n")
            .unwrap_err();
        assert_eq!(e.diagnostics()[0].code, "bad-time");
    }
}
