//! The cluster inventory: which nodes a cluster has, their roles, the order they joined, the
//! version installed on each, their zones and step estimates.
//!
//! The inventory is YAML or JSON (JSON is YAML flow syntax, so one reader serves both). It is read
//! with the crate's span-keeping reader ([`crate::yaml`]), so every error names a line and column.
//! Every problem is collected, not only the first. The format is documented in `docs/rollout.md`
//! and as a JSON Schema in `docs/inventory.schema.json`.
//!
//! ```
//! use upgrade_planner::rollout::inventory::{Inventory, Role};
//! let inv = Inventory::parse(
//!     "cluster: prod\nnodes:\n  - {name: a, role: primary, joined: 1, version: 4.2.1.0}\n\
//!      \x20 - {name: b, role: member, joined: 2, version: 4.2.1.0, estimates: {reboot: 1h30m}}\n",
//! )?;
//! assert_eq!(inv.nodes[0].role, Role::Primary);
//! assert_eq!(inv.nodes[1].estimates.reboot.as_secs(), 5400);
//! # Ok::<(), upgrade_planner::rollout::inventory::InventoryError>(())
//! ```

use crate::diagnostic::{Diagnostic, Span};
use crate::limits;
use crate::risks::facts::Facts;
use crate::yaml::{self, Node, Value};
use serde::Serialize;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;
use thiserror::Error;

/// Package name used for `install_binary` steps when the inventory does not name one.
pub const DEFAULT_PACKAGE: &str = "oceanbase-ce";

/// Keys allowed at the top level of an inventory.
pub const TOP_KEYS: [&str; 5] = ["cluster", "package", "nodes", "arch", "facts"];
/// Keys allowed in a node.
pub const NODE_KEYS: [&str; 11] = [
    "name",
    "role",
    "joined",
    "version",
    "zone",
    "estimates",
    "consumer_id",
    "bmc",
    "appliance_id",
    "arch",
    "facts",
];
/// Keys allowed in a node's `estimates`.
pub const ESTIMATE_KEYS: [&str; 4] = ["install_binary", "run_upgrade_scripts", "reboot", "verify"];

/// A node's role in the cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Holds the management endpoint; upgraded first at every stage. Exactly one per cluster.
    Primary,
    /// The management database fail-over target; upgraded second. At most one per cluster.
    Secondary,
    /// Any other node; upgraded in the order nodes joined the cluster.
    Member,
}

impl Role {
    /// The lowercase name used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Primary => "primary",
            Role::Secondary => "secondary",
            Role::Member => "member",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// When a node joined the cluster: an order number, or an RFC 3339 time. One inventory uses one form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Joined {
    /// A position (smaller joined earlier).
    Order(u64),
    /// A time (earlier joined earlier).
    Time(jiff::Timestamp),
}

impl Ord for Joined {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Joined::Order(a), Joined::Order(b)) => a.cmp(b),
            (Joined::Time(a), Joined::Time(b)) => a.cmp(b),
            // Mixed forms are refused when reading; order them stably anyway.
            (Joined::Order(_), Joined::Time(_)) => Ordering::Less,
            (Joined::Time(_), Joined::Order(_)) => Ordering::Greater,
        }
    }
}
impl PartialOrd for Joined {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Joined {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Joined::Order(n) => write!(f, "{n}"),
            Joined::Time(t) => write!(f, "{t}"),
        }
    }
}

/// How long each step takes on a node. Missing estimates take the defaults of [`Estimates::default`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Estimates {
    /// Installing the package (default 30 minutes).
    pub install_binary: Duration,
    /// Running the upgrade scripts (default 15 minutes).
    pub run_upgrade_scripts: Duration,
    /// Rebooting and coming back (default 10 minutes).
    pub reboot: Duration,
    /// Checking the node serves at its new version (default 5 minutes).
    pub verify: Duration,
}

impl Default for Estimates {
    fn default() -> Self {
        Estimates {
            install_binary: Duration::from_secs(30 * 60),
            run_upgrade_scripts: Duration::from_secs(15 * 60),
            reboot: Duration::from_secs(10 * 60),
            verify: Duration::from_secs(5 * 60),
        }
    }
}

/// One node of the cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterNode {
    /// Unique name.
    pub name: String,
    /// Role in the cluster.
    pub role: Role,
    /// When it joined.
    pub joined: Joined,
    /// The version installed now (`V`, `V-BUILD` or an RPM release `V-BUILD.el7`).
    pub version: String,
    /// The zone, when the cluster uses zones (all nodes or none).
    pub zone: Option<String>,
    /// Step estimates.
    pub estimates: Estimates,
    /// Where the node's entry is.
    pub span: Span,
    /// The node's Pulp consumer id (`rollout --format pulp`).
    pub consumer_id: Option<String>,
    /// The base URL of the server's BMC (`https://ilo-node-1.example`; `--format redfish-*`).
    pub bmc: Option<String>,
    /// The PowerStore appliance id (`A1`; `--format powerstore`).
    pub appliance_id: Option<String>,
    /// The node's architecture (`x86_64`, `aarch64`), when given: `--packages` keeps only
    /// packages of that architecture (and `noarch`).
    pub arch: Option<String>,
    /// The node's own facts for known risks (`facts:`; they replace the cluster's name by name),
    /// `None` when the node has no `facts:` mapping.
    pub facts: Option<Facts>,
}

/// A validated cluster inventory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inventory {
    /// The cluster's name, when given.
    pub cluster: Option<String>,
    /// The package `install_binary` steps install (default [`DEFAULT_PACKAGE`]).
    pub package: String,
    /// The nodes, in file order.
    pub nodes: Vec<ClusterNode>,
    /// The cluster's facts for known risks (`facts:`), `None` when the inventory has none.
    pub facts: Option<Facts>,
    /// The architecture of every node that gives none, when given.
    pub arch: Option<String>,
}

impl Inventory {
    /// The architecture of node `name`: its own `arch`, else the cluster's.
    pub fn arch_of(&self, name: &str) -> Option<String> {
        self.find(name)
            .and_then(|i| self.nodes.get(i))
            .and_then(|n| n.arch.clone())
            .or_else(|| self.arch.clone())
    }
}

/// Why an inventory could not be loaded.
#[derive(Debug, Error)]
pub enum InventoryError {
    /// The file could not be read.
    #[error("cannot read `{}`: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating-system error.
        source: std::io::Error,
    },
    /// The inventory is invalid; every problem found is listed.
    #[error("{}", describe(file.as_deref(), diagnostics))]
    Invalid {
        /// The file, when loaded from one.
        file: Option<PathBuf>,
        /// Every problem found (at least one error).
        diagnostics: Vec<Diagnostic>,
    },
}

impl InventoryError {
    /// The diagnostics of an invalid inventory (empty for I/O errors).
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            InventoryError::Invalid { diagnostics, .. } => diagnostics,
            InventoryError::Io { .. } => &[],
        }
    }
}

/// One line naming the first error (with `file:line:column`) and how many more there are.
pub(crate) fn describe(file: Option<&Path>, diagnostics: &[Diagnostic]) -> String {
    let Some((mut out, more)) = crate::diagnostic::first_error_line(file, diagnostics) else {
        return String::new();
    };
    if let Some(h) = diagnostics
        .iter()
        .find(|d| d.is_error())
        .and_then(|d| d.hint.as_ref())
    {
        out.push_str(&format!(" (hint: {h})"));
    }
    out.push_str(&crate::diagnostic::more_errors_suffix(more, ""));
    out
}

/// Converts a YAML reading failure to a diagnostic.
pub(crate) fn yaml_diagnostic(e: yaml::YamlError) -> Diagnostic {
    let code = match e.kind {
        yaml::YamlErrorKind::Syntax
        | yaml::YamlErrorKind::MultipleDocuments
        | yaml::YamlErrorKind::UnknownAnchor => "yaml-syntax",
        _ => "too-large",
    };
    Diagnostic::error(code, e.position.map(Span::point), e.message)
        .with_hint("fix the YAML (or JSON) at this position")
}

/// Reads a text file of at most [`limits::MAX_YAML_BYTES`] as UTF-8 (a byte-order mark is skipped).
pub(crate) fn read_text(path: &Path) -> Result<String, InventoryError> {
    crate::depgraph::read_yaml_file(path).map_err(|e| match e {
        crate::depgraph::LoadError::Io { path, source } => InventoryError::Io { path, source },
        crate::depgraph::LoadError::Invalid { file, diagnostics } => {
            InventoryError::Invalid { file, diagnostics }
        }
    })
}

/// A mapping's entries by key, with unknown and duplicate keys reported.
pub(crate) struct Fields<'a> {
    entries: HashMap<&'a str, (&'a Node, &'a Node)>,
}

impl<'a> Fields<'a> {
    /// Reads `node` as a mapping whose keys must be among `known`. `what` names the mapping in
    /// messages ("a node", "the inventory"). `None` when it is not a mapping.
    pub(crate) fn read(
        node: &'a Node,
        known: &[&str],
        what: &str,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Fields<'a>> {
        let Value::Mapping(map) = &node.value else {
            diags.push(Diagnostic::error(
                "inventory-schema",
                Some(node.span),
                format!("{what} must be a mapping, found {}", node.kind_name()),
            ));
            return None;
        };
        let mut entries: HashMap<&'a str, (&'a Node, &'a Node)> = HashMap::new();
        for (k, v) in map {
            let Some(key) = k.as_scalar().filter(|s| !s.is_null()) else {
                diags.push(Diagnostic::error(
                    "inventory-schema",
                    Some(k.span),
                    format!("a key must be a plain name, found {}", k.kind_name()),
                ));
                continue;
            };
            let name = key.text.as_str();
            if !known.contains(&name) {
                diags.push(
                    Diagnostic::error(
                        "unknown-key",
                        Some(k.span),
                        format!("unknown key `{}` in {what}", short(name)),
                    )
                    .with_hint(format!("the keys allowed here are: {}", known.join(", "))),
                );
                continue;
            }
            if let Some((first, _)) = entries.get(name) {
                diags.push(
                    Diagnostic::error(
                        "duplicate-key",
                        Some(k.span),
                        format!("key `{name}` appears twice in {what}"),
                    )
                    .with_related(first.span, "first written here"),
                );
                continue;
            }
            entries.insert(name, (k, v));
        }
        Some(Fields { entries })
    }

    /// The value of `key`, unless absent or null.
    pub(crate) fn get(&self, key: &str) -> Option<&'a Node> {
        self.entries
            .get(key)
            .map(|(_, v)| *v)
            .filter(|v| !v.as_scalar().is_some_and(yaml::Scalar::is_null))
    }
}

/// Cuts a text to a readable length for messages.
pub(crate) fn short(text: &str) -> String {
    const MAX: usize = 64;
    if text.len() <= MAX {
        return text.to_string();
    }
    let mut end = MAX;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", text.get(..end).unwrap_or(""))
}

/// A non-null scalar's text, within [`limits::MAX_INVENTORY_NAME_LEN`].
pub(crate) fn name_text(node: &Node, key: &str, diags: &mut Vec<Diagnostic>) -> Option<String> {
    match node.as_scalar() {
        Some(s) if !s.is_null() && !s.text.trim().is_empty() => {
            if s.text.len() > limits::MAX_INVENTORY_NAME_LEN {
                diags.push(Diagnostic::error(
                    "too-large",
                    Some(node.span),
                    format!(
                        "`{key}` is {} bytes long, more than the limit of {}",
                        s.text.len(),
                        limits::MAX_INVENTORY_NAME_LEN
                    ),
                ));
                return None;
            }
            Some(s.text.clone())
        }
        _ => {
            diags.push(Diagnostic::error(
                "inventory-schema",
                Some(node.span),
                format!(
                    "`{key}` must be a non-empty string, found {}",
                    node.kind_name()
                ),
            ));
            None
        }
    }
}

/// Parses a duration such as `40m`, `1h30m`, `1h 30m`, `90s` or ISO 8601 `PT1H30M` (via `jiff`,
/// which accepts both spellings). A bare number is refused: its unit would be a guess.
///
/// ```
/// use upgrade_planner::rollout::inventory::parse_duration;
/// assert_eq!(parse_duration("1h30m").unwrap().as_secs(), 5400);
/// assert_eq!(parse_duration("PT40M").unwrap().as_secs(), 2400);
/// assert!(parse_duration("40").is_err());
/// assert!(parse_duration("-5m").is_err());
/// ```
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "`{}` has no unit; write it with one, such as `{t}m` or `{t}s`",
            short(t)
        ));
    }
    let d: jiff::SignedDuration = t
        .parse()
        .map_err(|e| format!("`{}` is not a duration ({e})", short(t)))?;
    if d.is_negative() {
        return Err(format!("`{}` is negative", short(t)));
    }
    let secs = d.as_secs().unsigned_abs();
    if secs > limits::MAX_DURATION_SECS {
        return Err(format!(
            "`{}` is longer than the limit of {} days",
            short(t),
            limits::MAX_DURATION_SECS / 86_400
        ));
    }
    // Sub-second precision is dropped; plans count whole seconds.
    Ok(Duration::from_secs(secs))
}

/// Parses an RFC 3339 / ISO 8601 time with an offset (`2024-03-01T22:00:00Z`, `...+08:00`).
pub fn parse_time(text: &str) -> Result<jiff::Timestamp, String> {
    text.trim().parse::<jiff::Timestamp>().map_err(|e| {
        format!(
            "`{}` is not an RFC 3339 time with an offset, such as 2024-03-01T22:00:00Z ({e})",
            short(text)
        )
    })
}

impl Inventory {
    /// Loads an inventory from a YAML or JSON file.
    pub fn from_path(path: &Path) -> Result<Inventory, InventoryError> {
        Self::from_path_with(path, true)
    }

    /// Loads an inventory whose nodes may leave out `version` when `version_required` is false
    /// (their installed version comes from elsewhere, such as a Redfish firmware inventory; such
    /// nodes get an empty `version` to fill in).
    pub fn from_path_with(
        path: &Path,
        version_required: bool,
    ) -> Result<Inventory, InventoryError> {
        let src = read_text(path)?;
        Self::parse_with(&src, version_required).map_err(|e| match e {
            InventoryError::Invalid { diagnostics, .. } => InventoryError::Invalid {
                file: Some(path.to_path_buf()),
                diagnostics,
            },
            other => other,
        })
    }

    /// Reads and validates an inventory from YAML or JSON text.
    pub fn parse(src: &str) -> Result<Inventory, InventoryError> {
        Self::parse_with(src, true)
    }

    /// [`Inventory::parse`], with `version` optional on nodes when `version_required` is false.
    pub fn parse_with(src: &str, version_required: bool) -> Result<Inventory, InventoryError> {
        let mut diags = Vec::new();
        let inv = read(src, &mut diags, version_required);
        match inv {
            Some(inv) if !diags.iter().any(Diagnostic::is_error) => Ok(inv),
            _ => Err(InventoryError::Invalid {
                file: None,
                diagnostics: diags,
            }),
        }
    }

    /// The primary node's index (validation guarantees there is exactly one).
    pub fn primary(&self) -> Option<usize> {
        self.nodes.iter().position(|n| n.role == Role::Primary)
    }

    /// The secondary node's index, if the cluster has one.
    pub fn secondary(&self) -> Option<usize> {
        self.nodes.iter().position(|n| n.role == Role::Secondary)
    }

    /// The index of the node called `name`.
    pub fn find(&self, name: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.name == name)
    }

    /// Node `i`'s facts: the cluster's, with the node's own replacing them name by name; `None`
    /// when neither gives any `facts:` mapping.
    pub fn node_facts(&self, i: usize) -> Option<Facts> {
        Facts::effective(
            self.facts.as_ref(),
            self.nodes.get(i).and_then(|n| n.facts.as_ref()),
        )
    }
}

fn read(src: &str, diags: &mut Vec<Diagnostic>, version_required: bool) -> Option<Inventory> {
    let root = match yaml::parse(src) {
        Ok(Some(root)) => root,
        Ok(None) => {
            diags.push(
                Diagnostic::error("inventory-schema", None, "the inventory is empty")
                    .with_hint("list the cluster's nodes under `nodes:`"),
            );
            return None;
        }
        Err(e) => {
            diags.push(yaml_diagnostic(e));
            return None;
        }
    };
    let top = Fields::read(&root, &TOP_KEYS, "the inventory", diags)?;
    let cluster = top
        .get("cluster")
        .and_then(|n| name_text(n, "cluster", diags));
    let package = top
        .get("package")
        .and_then(|n| name_text(n, "package", diags))
        .unwrap_or_else(|| DEFAULT_PACKAGE.to_string());
    let Some(nodes_node) = top.get("nodes") else {
        diags.push(
            Diagnostic::error(
                "inventory-schema",
                Some(root.span),
                "the inventory has no `nodes` list",
            )
            .with_hint("list the cluster's nodes under `nodes:`"),
        );
        return None;
    };
    let Value::Sequence(items) = &nodes_node.value else {
        diags.push(Diagnostic::error(
            "inventory-schema",
            Some(nodes_node.span),
            format!("`nodes` must be a list, found {}", nodes_node.kind_name()),
        ));
        return None;
    };
    if items.is_empty() {
        diags.push(Diagnostic::error(
            "inventory-schema",
            Some(nodes_node.span),
            "`nodes` is empty: a cluster has at least one node (its primary)",
        ));
        return None;
    }
    if items.len() > limits::MAX_INVENTORY_NODES {
        diags.push(Diagnostic::error(
            "too-large",
            Some(nodes_node.span),
            format!(
                "the inventory lists {} nodes, more than the limit of {}",
                items.len(),
                limits::MAX_INVENTORY_NODES
            ),
        ));
        return None;
    }
    let nodes: Vec<ClusterNode> = items
        .iter()
        .filter_map(|n| read_node(n, diags, version_required))
        .collect();
    check_cluster(&nodes, nodes_node.span, diags);
    let arch = top.get("arch").and_then(|n| name_text(n, "arch", diags));
    let facts = top
        .get("facts")
        .and_then(|n| Facts::from_node(n, "inventory-schema", "the cluster's `facts`", diags));
    Some(Inventory {
        cluster,
        package,
        nodes,
        arch,
        facts,
    })
}

fn read_node(
    item: &Node,
    diags: &mut Vec<Diagnostic>,
    version_required: bool,
) -> Option<ClusterNode> {
    let fields = Fields::read(item, &NODE_KEYS, "a node", diags)?;
    let required = |key: &str, diags: &mut Vec<Diagnostic>| {
        let v = fields.get(key);
        if v.is_none() {
            diags.push(
                Diagnostic::error(
                    "inventory-schema",
                    Some(item.span),
                    format!("a node has no `{key}`"),
                )
                .with_hint("every node needs `name`, `role`, `joined` and `version`"),
            );
        }
        v
    };
    let name = required("name", diags).and_then(|n| name_text(n, "name", diags));
    let role = required("role", diags).and_then(|n| {
        let text = n.as_scalar().map(|s| s.text.as_str()).unwrap_or("");
        match text {
            "primary" => Some(Role::Primary),
            "secondary" => Some(Role::Secondary),
            "member" => Some(Role::Member),
            _ => {
                diags.push(
                    Diagnostic::error(
                        "inventory-schema",
                        Some(n.span),
                        format!(
                            "`role` must be primary, secondary or member, found `{}`",
                            short(text)
                        ),
                    )
                    .with_hint("exactly one node is the primary; at most one is the secondary"),
                );
                None
            }
        }
    });
    let joined = required("joined", diags).and_then(|n| read_joined(n, diags));
    let version = if version_required || fields.get("version").is_some() {
        required("version", diags).and_then(|n| name_text(n, "version", diags))
    } else {
        Some(String::new())
    };
    let zone = fields.get("zone").and_then(|n| name_text(n, "zone", diags));
    let estimates = match fields.get("estimates") {
        None => Some(Estimates::default()),
        Some(e) => read_estimates(e, diags),
    };
    Some(ClusterNode {
        name: name?,
        role: role?,
        joined: joined?,
        version: version?,
        zone,
        estimates: estimates?,
        span: item.span,
        consumer_id: fields
            .get("consumer_id")
            .and_then(|n| name_text(n, "consumer_id", diags)),
        bmc: fields.get("bmc").and_then(|n| name_text(n, "bmc", diags)),
        appliance_id: fields
            .get("appliance_id")
            .and_then(|n| name_text(n, "appliance_id", diags)),
        arch: fields.get("arch").and_then(|n| name_text(n, "arch", diags)),
        facts: fields
            .get("facts")
            .and_then(|n| Facts::from_node(n, "inventory-schema", "a node's `facts`", diags)),
    })
}

fn read_joined(node: &Node, diags: &mut Vec<Diagnostic>) -> Option<Joined> {
    let text = node.as_scalar().map(|s| s.text.trim()).unwrap_or("");
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return match text.parse::<u64>() {
            Ok(n) => Some(Joined::Order(n)),
            Err(_) => {
                diags.push(Diagnostic::error(
                    "bad-joined",
                    Some(node.span),
                    format!("`joined` {} is too large a number", short(text)),
                ));
                None
            }
        };
    }
    match parse_time(text) {
        Ok(t) => Some(Joined::Time(t)),
        Err(e) => {
            diags.push(
                Diagnostic::error(
                    "bad-joined",
                    Some(node.span),
                    format!("`joined` must be an order number or an RFC 3339 time: {e}"),
                )
                .with_hint("write `joined: 3` or `joined: 2023-05-04T10:00:00Z`"),
            );
            None
        }
    }
}

fn read_estimates(node: &Node, diags: &mut Vec<Diagnostic>) -> Option<Estimates> {
    let fields = Fields::read(node, &ESTIMATE_KEYS, "`estimates`", diags)?;
    let mut est = Estimates::default();
    let mut ok = true;
    for key in ESTIMATE_KEYS {
        let Some(v) = fields.get(key) else { continue };
        let text = v.as_scalar().map(|s| s.text.as_str()).unwrap_or("");
        match parse_duration(text) {
            Ok(d) => match key {
                "install_binary" => est.install_binary = d,
                "run_upgrade_scripts" => est.run_upgrade_scripts = d,
                "reboot" => est.reboot = d,
                _ => est.verify = d,
            },
            Err(e) => {
                ok = false;
                diags.push(
                    Diagnostic::error(
                        "bad-duration",
                        Some(v.span),
                        format!("estimate `{key}`: {e}"),
                    )
                    .with_hint("write durations such as 40m, 1h30m, 90s or PT1H30M"),
                );
            }
        }
    }
    ok.then_some(est)
}

/// Cluster-wide rules: unique names, exactly one primary, at most one secondary (which needs a
/// primary), one form of `joined`, zones on all nodes or none.
fn check_cluster(nodes: &[ClusterNode], list_span: Span, diags: &mut Vec<Diagnostic>) {
    let mut names: HashMap<&str, Span> = HashMap::new();
    for n in nodes {
        if let Some(first) = names.get(n.name.as_str()) {
            diags.push(
                Diagnostic::error(
                    "duplicate-node",
                    Some(n.span),
                    format!("node `{}` is listed twice", short(&n.name)),
                )
                .with_related(*first, "first listed here")
                .with_hint("node names must be unique; rename or remove one"),
            );
        } else {
            names.insert(&n.name, n.span);
        }
    }
    let with_role = |r: Role| nodes.iter().filter(move |n| n.role == r);
    let primaries: Vec<&ClusterNode> = with_role(Role::Primary).collect();
    let secondaries: Vec<&ClusterNode> = with_role(Role::Secondary).collect();
    if let [first, rest @ ..] = primaries.as_slice() {
        for p in rest {
            diags.push(
                Diagnostic::error(
                    "two-primaries",
                    Some(p.span),
                    format!(
                        "node `{}` is a second primary (`{}` is already the primary)",
                        short(&p.name),
                        short(&first.name)
                    ),
                )
                .with_related(first.span, "the first primary")
                .with_hint(
                    "a cluster has exactly one primary; make the others secondary or member",
                ),
            );
        }
    }
    if let [first, rest @ ..] = secondaries.as_slice() {
        for s in rest {
            diags.push(
                Diagnostic::error(
                    "two-secondaries",
                    Some(s.span),
                    format!(
                        "node `{}` is a second secondary (`{}` is already the secondary)",
                        short(&s.name),
                        short(&first.name)
                    ),
                )
                .with_related(first.span, "the first secondary")
                .with_hint("a cluster has at most one secondary; make the others member"),
            );
        }
    }
    if primaries.is_empty() && !nodes.is_empty() {
        match secondaries.first() {
            Some(s) => diags.push(
                Diagnostic::error(
                    "secondary-without-primary",
                    Some(s.span),
                    format!(
                        "node `{}` is the secondary, but no node is the primary",
                        short(&s.name)
                    ),
                )
                .with_hint("the secondary is the primary's fail-over target: mark one node `role: primary`"),
            ),
            None => diags.push(
                Diagnostic::error("no-primary", Some(list_span), "no node is the primary")
                    .with_hint("mark exactly one node `role: primary`"),
            ),
        }
    }
    let orders = nodes
        .iter()
        .filter(|n| matches!(n.joined, Joined::Order(_)))
        .count();
    if orders != 0
        && orders != nodes.len()
        && let Some(n) = nodes.iter().find(|n| matches!(n.joined, Joined::Time(_)))
    {
        diags.push(
            Diagnostic::error(
                "mixed-joined",
                Some(n.span),
                format!(
                    "node `{}` gives `joined` as a time while other nodes give order numbers",
                    short(&n.name)
                ),
            )
            .with_hint("write `joined` the same way on every node: all numbers or all times"),
        );
    }
    let zoned = nodes.iter().filter(|n| n.zone.is_some()).count();
    if zoned != 0
        && zoned != nodes.len()
        && let Some(n) = nodes.iter().find(|n| n.zone.is_none())
    {
        diags.push(
            Diagnostic::error(
                "partial-zones",
                Some(n.span),
                format!(
                    "node `{}` has no zone while other nodes have one",
                    short(&n.name)
                ),
            )
            .with_hint("give every node a `zone`, or none"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(src: &str) -> Vec<&'static str> {
        match Inventory::parse(src) {
            Ok(_) => Vec::new(),
            Err(e) => e.diagnostics().iter().map(|d| d.code).collect(),
        }
    }

    #[test]
    fn reads_the_issue_example() {
        let inv = Inventory::parse(
            "cluster: prod-east\nnodes:\n  - name: appliance-1\n    role: primary\n    joined: 1\n    \
             version: 4.1.0.0-100000192023032010\n    zone: z1\n    \
             estimates: {install_binary: 40m, run_upgrade_scripts: 15m, reboot: 10m}\n",
        )
        .unwrap();
        assert_eq!(inv.cluster.as_deref(), Some("prod-east"));
        let n = &inv.nodes[0];
        assert_eq!(n.estimates.install_binary.as_secs(), 2400);
        assert_eq!(n.estimates.verify.as_secs(), 300);
        assert_eq!(n.joined, Joined::Order(1));
        assert_eq!(n.version, "4.1.0.0-100000192023032010");
    }

    #[test]
    fn json_is_read_by_the_same_reader() {
        let inv = Inventory::parse(
            "{\n\t\"nodes\": [{\"name\": \"a\", \"role\": \"primary\", \"joined\": \"2023-01-02T03:04:05Z\", \
             \"version\": \"4.2.1.0\"}]\n}\n",
        )
        .unwrap();
        assert!(matches!(inv.nodes[0].joined, Joined::Time(_)));
    }

    #[test]
    fn every_rule_is_checked() {
        let base = "nodes:\n  - {name: a, role: primary, joined: 1, version: 4.2.1.0}\n";
        assert_eq!(
            codes(&format!(
                "{base}  - {{name: a, role: member, joined: 2, version: 4.2.1.0}}\n"
            )),
            ["duplicate-node"]
        );
        assert_eq!(
            codes(&format!(
                "{base}  - {{name: b, role: primary, joined: 2, version: 4.2.1.0}}\n"
            )),
            ["two-primaries"]
        );
        assert_eq!(
            codes("nodes:\n  - {name: b, role: secondary, joined: 2, version: 4.2.1.0}\n"),
            ["secondary-without-primary"]
        );
        assert_eq!(
            codes("nodes:\n  - {name: b, role: member, joined: 2, version: 4.2.1.0}\n"),
            ["no-primary"]
        );
        assert_eq!(
            codes(&format!(
                "{base}  - {{name: b, role: member, joined: 2, version: 1, colour: red}}\n"
            )),
            ["unknown-key"]
        );
        assert_eq!(
            codes(&format!(
                "{base}  - {{name: b, role: member, joined: 2, version: 1, estimates: {{reboot: 10 minutes please}}}}\n"
            )),
            ["bad-duration"]
        );
        assert_eq!(
            codes(&format!(
                "{base}  - {{name: b, role: member, joined: yesterday, version: 1}}\n"
            )),
            ["bad-joined"]
        );
        assert_eq!(
            codes(&format!(
                "{base}  - {{name: b, role: member, joined: 2023-01-01T00:00:00Z, version: 1}}\n"
            )),
            ["mixed-joined"]
        );
        assert_eq!(
            codes(&format!(
                "{base}  - {{name: b, role: member, joined: 2, version: 1, zone: z}}\n"
            )),
            ["partial-zones"]
        );
        assert_eq!(codes("nodes: []\n"), ["inventory-schema"]);
        assert_eq!(codes("nodes: [\n"), ["yaml-syntax"]);
    }

    #[test]
    fn errors_carry_line_and_column() {
        let err = Inventory::parse(
            "nodes:\n  - name: a\n    role: primary\n    joined: 1\n    version: 4.2.1.0\n    \
             estimates:\n      reboot: 1h3x\n",
        )
        .unwrap_err();
        let d = &err.diagnostics()[0];
        let span = d.span.unwrap();
        assert_eq!((span.start.line, span.start.column), (7, 15));
        assert!(
            err.to_string().starts_with("7:15: estimate `reboot`"),
            "{err}"
        );
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("40m").unwrap().as_secs(), 2400);
        assert_eq!(parse_duration("1h 30m").unwrap().as_secs(), 5400);
        assert!(parse_duration("").is_err());
        assert!(parse_duration("40x").is_err());
        assert!(parse_duration("999999h").is_err());
    }
}
