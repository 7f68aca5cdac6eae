//! Hand-offs the real APIs accept: an ordered **request plan** per endpoint, built from a
//! [`Rollout`], and four dialects that fill it exactly as each vendor documents its calls.
//!
//! An endpoint is what an orchestrator talks to: a server's BMC (Redfish), a Pulp consumer (or a
//! consumer group with `group_parallel`), a PowerStore cluster. Its requests are HTTP calls with a
//! method, a path relative to the endpoint's `base_url`, a JSON body, what the call must wait for,
//! and the values taken from its response for later calls (`capture`, used as `{{name}}` in later
//! paths and bodies of the same endpoint). An orchestrator sends an endpoint's requests one after
//! the other (each after the previous one's wait is over), and does not start a request before the
//! requests named in its `after` (on other endpoints) are done: that keeps the rollout's order
//! across nodes. `docs/rollout.md` shows one worked example per dialect; the JSON Schemas (with the
//! source of every property) are in `tests/schemas/requests/`.
//!
//! * [`Dialect::RedfishHpe`]: HPE iLO. Per server: upload each package to the iLO Repository
//!   (`HpeiLOUpdateServiceExt.AddFromUri`, in 32 MiB sections above 33,554,432 bytes), create the
//!   maintenance windows its steps use, then queue `ApplyUpdate`, `ResetServer` and `Wait` in the
//!   Update Task Queue; or one install set per server and window (`installset`).
//! * [`Dialect::RedfishDmtf`]: DMTF standard. Per server: `UpdateService.SimpleUpdate` with the
//!   operation apply time (and the `@Redfish.MaintenanceWindow` of the service's maintenance
//!   window resource), then `ComputerSystem.Reset`.
//! * [`Dialect::Pulp`]: Pulp 2 consumer content install, per node in rollout order; a
//!   consumer-group call only for nodes the order rules let run together (`group_parallel`).
//! * [`Dialect::PowerStore`]: `POST /software_package/{id}/install` per stage and window, the
//!   appliances in PowerStore's order (primary, secondary, then the rest).

use super::Rollout;
use super::inventory::{Inventory, Role};
use super::steps::{Action, PackageSpec, Step};
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::HashMap;
use thiserror::Error;

/// The `schema` of a request plan.
pub const REQUESTS_SCHEMA: &str = "upgrade-planner/requests/v1";

/// The size of one iLO Repository upload section: components larger than this are sent in
/// sections of this size (HPE: "Components larger than 32 MiB (33554432 bytes) cannot be sent as
/// such and must be split into 32 MiB chunks").
pub const HPE_SECTION_BYTES: u64 = 33_554_432;

/// The iLO Repository upload action (HPE `Oem.Hpe.Actions`).
pub const HPE_ADD_FROM_URI: &str =
    "/redfish/v1/UpdateService/Actions/Oem/Hpe/HpeiLOUpdateServiceExt.AddFromUri";
/// The iLO maintenance windows collection.
pub const HPE_MAINTENANCE_WINDOWS: &str = "/redfish/v1/UpdateService/MaintenanceWindows";
/// The iLO Update Task Queue ("Installation Queue").
pub const HPE_TASK_QUEUE: &str = "/redfish/v1/UpdateService/UpdateTaskQueue";
/// The iLO install sets collection.
pub const HPE_INSTALL_SETS: &str = "/redfish/v1/UpdateService/InstallSets";
/// The DMTF SimpleUpdate action.
pub const DMTF_SIMPLE_UPDATE: &str = "/redfish/v1/UpdateService/Actions/UpdateService.SimpleUpdate";

/// Which vendor's calls to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Dialect {
    /// HPE iLO Redfish with the `Oem.Hpe` update extension.
    RedfishHpe,
    /// DMTF standard Redfish `UpdateService`.
    RedfishDmtf,
    /// Pulp 2 consumer content install.
    Pulp,
    /// Dell PowerStore software package install.
    #[serde(rename = "powerstore")]
    PowerStore,
}

impl Dialect {
    /// The name used on the command line and in the JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Dialect::RedfishHpe => "redfish-hpe",
            Dialect::RedfishDmtf => "redfish-dmtf",
            Dialect::Pulp => "pulp",
            Dialect::PowerStore => "powerstore",
        }
    }
}

/// What the dialects need besides the rollout.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HandoffOptions {
    /// Where the BMCs fetch packages from (`--image-base-url`): the package's file name is appended.
    pub image_base_url: Option<String>,
    /// HPE: one install set per server and window instead of Update Task Queue entries.
    pub installset: bool,
    /// Pulp: consumer-group calls for runs of members the order rules let go together.
    pub group_parallel: bool,
    /// PowerStore software package ids: `(None, id)` for every stage, or `(Some(stage), id)`.
    pub package_ids: Vec<(Option<String>, String)>,
    /// The Pulp server or the PowerStore cluster management address (`--endpoint-url`).
    pub endpoint_url: Option<String>,
    /// Redfish firmware inventory members to update, by node (`@odata.id`; DMTF `Targets`).
    pub targets: HashMap<String, String>,
}

/// Why a request plan cannot be written.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum HandoffError {
    /// Nodes lack an inventory field this dialect needs.
    #[error(
        "--format {dialect} needs `{field}` on every node it upgrades; missing on: {}. {hint}",
        nodes.join(", ")
    )]
    MissingNodeField {
        /// The dialect.
        dialect: &'static str,
        /// The inventory field.
        field: &'static str,
        /// The nodes without it.
        nodes: Vec<String>,
        /// What to write.
        hint: &'static str,
    },
    /// A command-line option this dialect needs is missing or wrong.
    #[error("--format {dialect}: {message}")]
    Option {
        /// The dialect.
        dialect: &'static str,
        /// What is wrong and what to give.
        message: String,
    },
}

impl HandoffError {
    /// Stable kind for JSON output: `invalid_inventory` or `usage`.
    pub fn kind(&self) -> &'static str {
        match self {
            HandoffError::MissingNodeField { .. } => "invalid_inventory",
            HandoffError::Option { .. } => "usage",
        }
    }
}

/// The whole hand-off: schema `upgrade-planner/requests/v1`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RequestPlan {
    /// Always [`REQUESTS_SCHEMA`].
    pub schema: &'static str,
    /// The dialect.
    pub dialect: Dialect,
    /// The cluster's name, if the inventory gives one.
    pub cluster: Option<String>,
    /// The target version.
    pub target: String,
    /// How captured values are written in later paths and bodies.
    pub placeholder: &'static str,
    /// The endpoints, in rollout order (by their first request).
    pub endpoints: Vec<Endpoint>,
    /// Rollout steps that no request of this dialect carries out (they run outside the API, such
    /// as OceanBase's upgrade scripts), with the node and why.
    pub outside: Vec<OutsideStep>,
}

/// A step the API does not carry out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutsideStep {
    /// The rollout step index.
    pub step: usize,
    /// The node.
    pub node: String,
    /// The action.
    pub action: Action,
    /// What carries it out instead, and where it goes in the order.
    pub note: String,
}

/// What an endpoint is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EndpointKind {
    /// A server's BMC (Redfish).
    Bmc,
    /// One Pulp consumer.
    PulpConsumer,
    /// A Pulp consumer group made for nodes that may run together.
    PulpConsumerGroup,
    /// A PowerStore cluster's management address.
    PowerstoreCluster,
}

/// One endpoint and its requests, in order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Endpoint {
    /// The node (for a consumer group: the group id; for PowerStore: the cluster's name, or
    /// `null` when the inventory gives none).
    pub node: Option<String>,
    /// What the endpoint is.
    pub kind: EndpointKind,
    /// The URL every request path is relative to.
    pub base_url: String,
    /// The nodes the requests act on, in order.
    pub nodes: Vec<String>,
    /// The requests, in the order they are sent.
    pub requests: Vec<Request>,
}

/// An HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Method {
    /// GET.
    #[serde(rename = "GET")]
    Get,
    /// POST.
    #[serde(rename = "POST")]
    Post,
    /// PATCH.
    #[serde(rename = "PATCH")]
    Patch,
}

/// One HTTP request.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Request {
    /// Unique in the plan: `NODE:N` (N counts the endpoint's requests from 0).
    pub id: String,
    /// What it does: `discover`, `upload`, `create_window`, `queue_apply`, `queue_reset`,
    /// `queue_wait`, `create_installset`, `read_installset`, `invoke_installset`,
    /// `set_window`, `simple_update`, `reset`, `create_group`, `install`.
    pub action: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The path (and query), relative to the endpoint's `base_url`; may hold `{{name}}`.
    pub path: String,
    /// The JSON body (`null` for a GET).
    pub body: Value,
    /// HTTP status codes that mean success.
    pub expect_status: Vec<u16>,
    /// Values to take from the response, for `{{name}}` in later requests of this endpoint.
    pub capture: Vec<Capture>,
    /// What to wait for before the next request of this endpoint.
    pub wait: Option<Wait>,
    /// Requests (on any endpoint) that must be done before this one is sent.
    pub after: Vec<String>,
    /// The rollout stage it belongs to (null for setup requests).
    pub stage: Option<String>,
    /// The rollout step indexes it carries out.
    pub steps: Vec<usize>,
    /// The maintenance window index (as in the rollout's `windows`), if any.
    pub window: Option<usize>,
    /// For an upload: the package file, and the byte range for a section.
    pub upload: Option<Upload>,
}

/// A value taken from a response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Capture {
    /// The name used as `{{name}}`.
    pub name: String,
    /// A response header (`Location`), or null.
    pub header: Option<&'static str>,
    /// A JSON Pointer into the response body, or null.
    pub pointer: Option<&'static str>,
}

/// What to wait for after a request.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Wait {
    /// `poll` (GET `path` every `interval_seconds` until `until` holds) or `delay`.
    pub kind: &'static str,
    /// The path to poll (relative to the endpoint; may hold `{{name}}`); null for `delay`.
    pub path: Option<String>,
    /// Done when the value at `pointer` is one of `any_of` (a `*` segment: every element).
    pub until: Option<Condition>,
    /// Failed when the value at `pointer` is one of `any_of`.
    pub fail_when: Option<Condition>,
    /// Seconds between polls (or to wait, for `delay`).
    pub interval_seconds: u64,
    /// Give up (and stop the rollout) after this many seconds.
    pub timeout_seconds: u64,
    /// Connection errors while polling are expected (the endpoint reboots) and not failures.
    pub tolerate_unreachable: bool,
}

/// A condition on a JSON response.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Condition {
    /// JSON Pointer (RFC 6901); a `*` segment means every element of an array.
    pub pointer: &'static str,
    /// The accepted values.
    pub any_of: Vec<Value>,
}

/// The file an upload sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Upload {
    /// The package file (as resolved by `--packages`).
    pub file: String,
    /// The file the BMC fetches: the package, or this section's part (`NAME.partN`).
    pub serve: String,
    /// The section number (from 1), or null for a whole file.
    pub section: Option<u64>,
    /// First byte of the section in `file`.
    pub offset: u64,
    /// Bytes in the section (the whole file when not split).
    pub length: u64,
}

/// The sections a file of `size` bytes is uploaded in: `(number from 1, offset, length)`; one
/// section per 32 MiB, the last one short. A file of at most [`HPE_SECTION_BYTES`] is one section.
///
/// ```
/// use upgrade_planner::rollout::requests::{sections, HPE_SECTION_BYTES};
/// assert_eq!(sections(10), [(1, 0, 10)]);
/// assert_eq!(sections(HPE_SECTION_BYTES + 1), [(1, 0, HPE_SECTION_BYTES), (2, HPE_SECTION_BYTES, 1)]);
/// ```
pub fn sections(size: u64) -> Vec<(u64, u64, u64)> {
    let mut out = Vec::new();
    let mut offset = 0;
    while offset < size || (size == 0 && out.is_empty()) {
        let length = (size - offset).min(HPE_SECTION_BYTES);
        out.push((out.len() as u64 + 1, offset, length));
        offset += length;
        if length == 0 {
            break;
        }
    }
    out
}

/// One node at one stage: its steps (consecutive in the rollout).
struct Unit<'a> {
    node: &'a str,
    stage: &'a str,
    window: Option<usize>,
    steps: Vec<&'a Step>,
}

impl Unit<'_> {
    fn step(&self, action: Action) -> Option<&Step> {
        self.steps.iter().copied().find(|s| s.action == action)
    }
    fn package(&self) -> Option<&PackageSpec> {
        self.step(Action::InstallBinary)
            .and_then(|s| s.package.as_ref())
    }
    fn indexes(&self, actions: &[Action]) -> Vec<usize> {
        self.steps
            .iter()
            .filter(|s| actions.contains(&s.action))
            .map(|s| s.index)
            .collect()
    }
    fn seconds(&self) -> u64 {
        self.steps.iter().map(|s| s.estimate_seconds).sum()
    }
}

fn units(steps: &[Step]) -> Vec<Unit<'_>> {
    let mut out: Vec<Unit<'_>> = Vec::new();
    for s in steps {
        match out.last_mut() {
            Some(u) if u.node == s.node && u.stage == s.stage => u.steps.push(s),
            _ => out.push(Unit {
                node: &s.node,
                stage: &s.stage,
                window: s.window,
                steps: vec![s],
            }),
        }
    }
    out
}

/// An endpoint under construction.
struct Builder {
    endpoint: Endpoint,
}

impl Builder {
    fn new(node: Option<String>, kind: EndpointKind, base_url: String, nodes: Vec<String>) -> Self {
        Builder {
            endpoint: Endpoint {
                node,
                kind,
                base_url,
                nodes,
                requests: Vec::new(),
            },
        }
    }

    /// Appends a request and returns its id.
    fn push(&mut self, action: &'static str, method: Method, path: String, body: Value) -> String {
        let label = self.endpoint.node.as_deref().unwrap_or("cluster");
        let id = format!("{label}:{}", self.endpoint.requests.len());
        self.endpoint.requests.push(Request {
            id: id.clone(),
            action,
            method,
            path,
            body,
            expect_status: match method {
                Method::Get => vec![200],
                Method::Patch => vec![200, 202, 204],
                Method::Post => vec![200, 201, 202, 204],
            },
            capture: Vec::new(),
            wait: None,
            after: Vec::new(),
            stage: None,
            steps: Vec::new(),
            window: None,
            upload: None,
        });
        id
    }

    fn last(&mut self) -> Option<&mut Request> {
        self.endpoint.requests.last_mut()
    }

    fn last_id(&self) -> Option<String> {
        self.endpoint.requests.last().map(|r| r.id.clone())
    }
}

fn capture_header(name: String) -> Capture {
    Capture {
        name,
        header: Some("Location"),
        pointer: None,
    }
}

fn capture_pointer(name: String, pointer: &'static str) -> Capture {
    Capture {
        name,
        header: None,
        pointer: Some(pointer),
    }
}

/// Polls `path` until the value at `until.0` is one of `until.1`; fails when the value at
/// `fail.0` is one of `fail.1`.
fn poll(
    path: String,
    until: (&'static str, &[&str]),
    fail: (&'static str, &[&str]),
    timeout: u64,
) -> Wait {
    let condition = |(pointer, values): (&'static str, &[&str])| Condition {
        pointer,
        any_of: values.iter().map(|v| json!(v)).collect(),
    };
    Wait {
        kind: "poll",
        path: Some(path),
        until: Some(condition(until)),
        fail_when: Some(condition(fail)),
        interval_seconds: 10,
        timeout_seconds: timeout.max(600),
        tolerate_unreachable: false,
    }
}

/// A Redfish task monitor: done when `TaskState` is `Completed`.
fn redfish_task(path: String, timeout: u64) -> Wait {
    poll(
        path,
        ("/TaskState", &["Completed"]),
        ("/TaskState", &["Exception", "Killed", "Cancelled"]),
        timeout,
    )
}

/// The package's file name (the resolved file without its directory).
fn file_base(p: &PackageSpec) -> Option<&str> {
    let f = p.file.as_deref()?;
    Some(f.rsplit(['/', '\\']).next().unwrap_or(f))
}

/// `base` joined with a file name (percent-encoded as a path segment).
fn join_url(base: &str, file: &str) -> String {
    const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'#')
        .add(b'%')
        .add(b'/')
        .add(b'<')
        .add(b'>')
        .add(b'?')
        .add(b'`')
        .add(b'{')
        .add(b'}');
    let encoded = percent_encoding::utf8_percent_encode(file, SEGMENT);
    format!("{}/{encoded}", base.trim_end_matches('/'))
}

/// The DMTF `TransferProtocol` for a URL's scheme (`TransferProtocolType` values).
fn transfer_protocol(url: &str) -> Option<&'static str> {
    let scheme = url.split_once("://")?.0.to_ascii_uppercase();
    ["CIFS", "FTP", "SFTP", "HTTP", "HTTPS", "NFS", "SCP", "TFTP"]
        .into_iter()
        .find(|p| *p == scheme)
}

/// Builds the request plan of `dialect` for `rollout` (planned on `inv`).
pub fn build(
    dialect: Dialect,
    rollout: &Rollout,
    inv: &Inventory,
    opts: &HandoffOptions,
) -> Result<RequestPlan, HandoffError> {
    let units = units(&rollout.steps);
    let node = |name: &str| inv.find(name).and_then(|i| inv.nodes.get(i));
    let missing = |field: &'static str,
                   get: &dyn Fn(&super::inventory::ClusterNode) -> bool,
                   hint: &'static str| {
        let mut nodes: Vec<String> = Vec::new();
        for u in &units {
            if !node(u.node).is_some_and(get) && !nodes.iter().any(|n| n == u.node) {
                nodes.push(u.node.to_string());
            }
        }
        if nodes.is_empty() {
            Ok(())
        } else {
            Err(HandoffError::MissingNodeField {
                dialect: dialect.as_str(),
                field,
                nodes,
                hint,
            })
        }
    };
    let option = |message: String| HandoffError::Option {
        dialect: dialect.as_str(),
        message,
    };
    let endpoint_url = || {
        opts.endpoint_url.clone().ok_or_else(|| {
            option(match dialect {
                Dialect::Pulp => {
                    "give the Pulp server with --endpoint-url (https://pulp.example)".into()
                }
                _ => "give the cluster's management address with --endpoint-url (https://powerstore.example)"
                    .into(),
            })
        })
    };
    let mut plan = RequestPlan {
        schema: REQUESTS_SCHEMA,
        dialect,
        cluster: rollout.cluster.clone(),
        target: rollout.target.clone(),
        placeholder: "{{name}}",
        endpoints: Vec::new(),
        outside: Vec::new(),
    };
    match dialect {
        Dialect::RedfishHpe | Dialect::RedfishDmtf => {
            missing(
                "bmc",
                &|n| n.bmc.is_some(),
                "Give each node its BMC's base URL: `bmc: https://ilo-node-1.example`",
            )?;
            let base = opts.image_base_url.as_deref().ok_or_else(|| {
                option(
                    "give where the BMCs fetch packages from with --image-base-url URL (the package's file name is appended)"
                        .into(),
                )
            })?;
            let unresolved: Vec<&str> = units
                .iter()
                .filter(|u| u.package().and_then(file_base).is_none())
                .map(|u| u.stage)
                .collect();
            if let Some(stage) = unresolved.first() {
                return Err(option(format!(
                    "the package of stage {stage} is not resolved to a file: give --packages DIR so that every \
                     ImageURI names a real file"
                )));
            }
            if dialect == Dialect::RedfishDmtf && transfer_protocol(base).is_none() {
                return Err(option(format!(
                    "--image-base-url `{base}` has no scheme Redfish's TransferProtocol knows (http, https, ftp, sftp, scp, tftp, nfs, cifs)"
                )));
            }
            redfish(&mut plan, rollout, inv, &units, base, opts);
        }
        Dialect::Pulp => {
            missing(
                "consumer_id",
                &|n| n.consumer_id.is_some(),
                "Give each node its Pulp consumer id: `consumer_id: db-1.example`",
            )?;
            let base = endpoint_url()?;
            pulp(&mut plan, rollout, inv, &units, &base, opts.group_parallel);
        }
        Dialect::PowerStore => {
            missing(
                "appliance_id",
                &|n| n.appliance_id.is_some(),
                "Give each node its appliance id: `appliance_id: A1`",
            )?;
            let base = endpoint_url()?;
            let mut ids = Vec::new();
            for s in &rollout.stages {
                let id = opts
                    .package_ids
                    .iter()
                    .find(|(stage, _)| stage.as_deref() == Some(s.version.as_str()))
                    .or_else(|| opts.package_ids.iter().find(|(stage, _)| stage.is_none()))
                    .map(|(_, id)| id.clone());
                match id {
                    Some(id) => ids.push((s.version.clone(), id)),
                    None if s.nodes.is_empty() => {}
                    None => {
                        return Err(option(format!(
                            "no software package id for stage {}: give --package-id ID (one stage) or --package-id {}=ID",
                            s.version, s.version
                        )));
                    }
                }
            }
            powerstore(&mut plan, rollout, inv, &units, &base, &ids);
        }
    }
    Ok(plan)
}

/// The windows' names and times, by index, when they are listed windows.
fn window_times(rollout: &Rollout, w: usize) -> Option<(String, &str, &str, u64)> {
    let use_ = rollout.windows.get(w)?;
    let (start, expire) = (use_.start_after.as_deref()?, use_.expire.as_deref()?);
    let name = use_
        .name
        .clone()
        .unwrap_or_else(|| format!("upgrade-planner window {w}"));
    Some((name, start, expire, use_.length_seconds))
}

fn outside(plan: &mut RequestPlan, unit: &Unit<'_>, action: Action, note: &str) {
    if let Some(s) = unit.step(action) {
        plan.outside.push(OutsideStep {
            step: s.index,
            node: unit.node.to_string(),
            action,
            note: note.to_string(),
        });
    }
}

/// Index of the endpoint for `node`, creating it on first use.
fn endpoint_for(
    endpoints: &mut Vec<Builder>,
    by_node: &mut HashMap<String, usize>,
    node: &str,
    kind: EndpointKind,
    base_url: &str,
) -> usize {
    *by_node.entry(node.to_string()).or_insert_with(|| {
        endpoints.push(Builder::new(
            Some(node.to_string()),
            kind,
            base_url.to_string(),
            vec![node.to_string()],
        ));
        endpoints.len() - 1
    })
}

fn redfish(
    plan: &mut RequestPlan,
    rollout: &Rollout,
    inv: &Inventory,
    units: &[Unit<'_>],
    image_base: &str,
    opts: &HandoffOptions,
) {
    let hpe = plan.dialect == Dialect::RedfishHpe;
    let mut endpoints: Vec<Builder> = Vec::new();
    let mut by_node: HashMap<String, usize> = HashMap::new();
    // Per endpoint: windows created (index → capture name), uploads done (stage → component file).
    let mut windows_made: Vec<HashMap<usize, String>> = Vec::new();
    let mut window_set: Vec<Option<usize>> = Vec::new();
    let mut previous: Option<String> = None;
    // HPE: every package a server's route needs is uploaded first, in stage order.
    for u in units {
        let bmc = inv
            .find(u.node)
            .and_then(|i| inv.nodes.get(i))
            .and_then(|n| n.bmc.clone())
            .unwrap_or_default();
        let e = endpoint_for(
            &mut endpoints,
            &mut by_node,
            u.node,
            EndpointKind::Bmc,
            &bmc,
        );
        if windows_made.len() < endpoints.len() {
            windows_made.push(HashMap::new());
            window_set.push(None);
            if hpe {
                hpe_uploads(&mut endpoints[e], units, u.node, image_base);
            } else {
                dmtf_discover(&mut endpoints[e], rollout, units, u.node);
            }
        }
        let Some(b) = endpoints.get_mut(e) else {
            continue;
        };
        if hpe && opts.installset {
            hpe_installset(b, rollout, u, &mut windows_made[e], &mut previous);
        } else if hpe {
            hpe_queue(b, rollout, u, &mut windows_made[e], &mut previous);
        } else {
            let target = opts.targets.get(u.node).cloned();
            dmtf_unit(
                b,
                rollout,
                u,
                image_base,
                target,
                &mut window_set[e],
                &mut previous,
            );
        }
        outside(
            plan,
            u,
            Action::RunUpgradeScripts,
            "OceanBase's upgrade scripts run in the OS once the package is installed; no BMC call runs them. \
             Run them between the install and the reset (or as the component's post-install step).",
        );
        if !hpe {
            outside(
                plan,
                u,
                Action::Verify,
                "check the node serves the stage's version once the reset is done, before the next node starts",
            );
        }
    }
    plan.endpoints = endpoints.into_iter().map(|b| b.endpoint).collect();
}

fn hpe_uploads(b: &mut Builder, units: &[Unit<'_>], node: &str, image_base: &str) {
    let mut done: Vec<&str> = Vec::new();
    for u in units.iter().filter(|u| u.node == node) {
        let Some(p) = u.package() else { continue };
        let Some(file) = file_base(p) else { continue };
        if done.contains(&file) {
            continue;
        }
        done.push(file);
        let size = p.size.unwrap_or(0);
        let compsig = p
            .compsig
            .as_deref()
            .map(|c| join_url(image_base, c.rsplit(['/', '\\']).next().unwrap_or(c)));
        let parts = sections(size);
        let split = size > HPE_SECTION_BYTES;
        for (number, offset, length) in parts {
            let serve = if split {
                format!("{file}.part{number}")
            } else {
                file.to_string()
            };
            let mut body = json!({
                "ImageURI": join_url(image_base, &serve),
                "UpdateRepository": true,
                "UpdateTarget": false,
            });
            if let Some(obj) = body.as_object_mut() {
                if let Some(c) = &compsig {
                    obj.insert("CompSigURI".into(), json!(c));
                }
                if split {
                    obj.insert("ComponentFileName".into(), json!(file));
                    obj.insert("Section".into(), json!(number));
                }
            }
            let task = format!("upload_{}", b.endpoint.requests.len());
            b.push("upload", Method::Post, HPE_ADD_FROM_URI.into(), body);
            if let Some(r) = b.last() {
                r.stage = Some(u.stage.to_string());
                r.capture.push(capture_header(task.clone()));
                r.wait = Some(redfish_task(format!("{{{{{task}}}}}"), 3600));
                r.upload = Some(Upload {
                    file: p.file.clone().unwrap_or_default(),
                    serve,
                    section: split.then_some(number),
                    offset,
                    length,
                });
            }
        }
    }
}

/// HPE: creates the unit's maintenance window on this server once; returns its placeholder.
fn hpe_window(
    b: &mut Builder,
    rollout: &Rollout,
    window: Option<usize>,
    made: &mut HashMap<usize, String>,
) -> Option<String> {
    let w = window?;
    if let Some(name) = made.get(&w) {
        return Some(format!("{{{{{name}}}}}"));
    }
    let (name, start, expire, _) = window_times(rollout, w)?;
    let capture = format!("window_{w}");
    b.push(
        "create_window",
        Method::Post,
        HPE_MAINTENANCE_WINDOWS.into(),
        json!({"Name": name, "StartAfter": start, "Expire": expire}),
    );
    if let Some(r) = b.last() {
        r.capture.push(capture_pointer(capture.clone(), "/Id"));
        r.window = Some(w);
    }
    made.insert(w, capture.clone());
    Some(format!("{{{{{capture}}}}}"))
}

/// The task-queue (or install-set sequence) entries of a unit: `(action, body, steps)`.
fn hpe_entries(u: &Unit<'_>, window: Option<&str>) -> Vec<(&'static str, Value, Vec<usize>)> {
    let mut out = Vec::new();
    let with_window = |mut v: Value| {
        if let (Some(w), Some(obj)) = (window, v.as_object_mut()) {
            obj.insert("MaintenanceWindow".into(), json!(w));
        }
        v
    };
    if let Some(p) = u.package() {
        let file = file_base(p).unwrap_or_default();
        out.push((
            "queue_apply",
            with_window(json!({
                "Name": format!("{}: {} {} (stage {})", u.node, p.name, p.version, u.stage),
                "Filename": file,
                "Command": "ApplyUpdate",
                "UpdatableBy": ["RuntimeAgent"],
            })),
            u.indexes(&[Action::InstallBinary]),
        ));
    }
    if u.step(Action::Reboot).is_some() {
        out.push((
            "queue_reset",
            with_window(json!({
                "Name": format!("{}: reboot (stage {})", u.node, u.stage),
                "Command": "ResetServer",
            })),
            u.indexes(&[Action::Reboot]),
        ));
    }
    if let Some(v) = u.step(Action::Verify) {
        out.push((
            "queue_wait",
            with_window(json!({
                "Name": format!("{}: wait for verification (stage {})", u.node, u.stage),
                "Command": "Wait",
                "WaitTimeSeconds": v.estimate_seconds,
            })),
            u.indexes(&[Action::Verify]),
        ));
    }
    out
}

fn task_queue_done(path: String, timeout: u64) -> Wait {
    poll(
        path,
        ("/State", &["Complete"]),
        ("/State", &["Exception", "Expired", "Canceled"]),
        timeout,
    )
}

fn hpe_queue(
    b: &mut Builder,
    rollout: &Rollout,
    u: &Unit<'_>,
    made: &mut HashMap<usize, String>,
    previous: &mut Option<String>,
) {
    let window = hpe_window(b, rollout, u.window, made);
    let entries = hpe_entries(u, window.as_deref());
    let count = entries.len();
    for (k, (action, body, steps)) in entries.into_iter().enumerate() {
        let item = format!("queue_{}", b.endpoint.requests.len());
        b.push(action, Method::Post, HPE_TASK_QUEUE.into(), body);
        let first = k == 0;
        let last = k + 1 == count;
        let after = previous.clone();
        if let Some(r) = b.last() {
            r.stage = Some(u.stage.to_string());
            r.window = u.window;
            r.steps = steps;
            r.capture.push(capture_pointer(item.clone(), "/@odata.id"));
            if first {
                r.after.extend(after);
            }
            if last {
                r.wait = Some(task_queue_done(
                    format!("{{{{{item}}}}}"),
                    u.seconds().saturating_mul(2),
                ));
            }
        }
    }
    *previous = b.last_id();
}

fn hpe_installset(
    b: &mut Builder,
    rollout: &Rollout,
    u: &Unit<'_>,
    made: &mut HashMap<usize, String>,
    previous: &mut Option<String>,
) {
    let window = hpe_window(b, rollout, u.window, made);
    let entries = hpe_entries(u, None);
    let steps: Vec<usize> = entries.iter().flat_map(|(_, _, s)| s.clone()).collect();
    let sequence: Vec<Value> = entries.into_iter().map(|(_, body, _)| body).collect();
    let n = b.endpoint.requests.len();
    let set = format!("installset_{n}");
    let invoke = format!("invoke_{n}");
    let after = previous.clone();
    b.push(
        "create_installset",
        Method::Post,
        HPE_INSTALL_SETS.into(),
        json!({
            "Name": format!("upgrade-planner {} stage {}", u.node, u.stage),
            "Description": format!(
                "{} to {} at stage {} of the rollout to {}",
                u.node, u.stage, u.stage, rollout.target
            ),
            "IsRecovery": false,
            "Sequence": sequence,
        }),
    );
    if let Some(r) = b.last() {
        r.stage = Some(u.stage.to_string());
        r.capture.push(capture_header(set.clone()));
        r.after.extend(after);
    }
    b.push(
        "read_installset",
        Method::Get,
        format!("{{{{{set}}}}}"),
        Value::Null,
    );
    if let Some(r) = b.last() {
        r.stage = Some(u.stage.to_string());
        r.capture.push(capture_pointer(
            invoke.clone(),
            "/Actions/#HpeComponentInstallSet.Invoke/target",
        ));
    }
    let mut body = json!({"ClearTaskQueue": false});
    if let (Some(w), Some(obj)) = (&window, body.as_object_mut()) {
        obj.insert("MaintenanceWindow".into(), json!(w));
    }
    b.push(
        "invoke_installset",
        Method::Post,
        format!("{{{{{invoke}}}}}"),
        body,
    );
    if let Some(r) = b.last() {
        r.stage = Some(u.stage.to_string());
        r.window = u.window;
        r.steps = steps;
        r.wait = Some(poll(
            format!("{HPE_TASK_QUEUE}?$expand=."),
            ("/Members/*/State", &["Complete"]),
            ("/Members/*/State", &["Exception", "Expired", "Canceled"]),
            u.seconds().saturating_mul(2),
        ));
    }
    *previous = b.last_id();
}

fn dmtf_discover(b: &mut Builder, rollout: &Rollout, units: &[Unit<'_>], node: &str) {
    b.push(
        "discover",
        Method::Get,
        "/redfish/v1/Systems".into(),
        Value::Null,
    );
    if let Some(r) = b.last() {
        r.capture
            .push(capture_pointer("system".into(), "/Members/0/@odata.id"));
    }
    let windowed = units
        .iter()
        .any(|u| u.node == node && u.window.and_then(|w| window_times(rollout, w)).is_some());
    if windowed {
        b.push(
            "discover",
            Method::Get,
            "/redfish/v1/UpdateService".into(),
            Value::Null,
        );
        if let Some(r) = b.last() {
            r.capture.push(capture_pointer(
                "window_resource".into(),
                "/Actions/#UpdateService.SimpleUpdate/@Redfish.OperationApplyTimeSupport/MaintenanceWindowResource/@odata.id",
            ));
        }
    }
}

fn dmtf_unit(
    b: &mut Builder,
    rollout: &Rollout,
    u: &Unit<'_>,
    image_base: &str,
    target: Option<String>,
    window_set: &mut Option<usize>,
    previous: &mut Option<String>,
) {
    let mut after = previous.clone();
    let times = u.window.and_then(|w| window_times(rollout, w));
    if let (Some(w), Some((_, start, _, length))) = (u.window, &times)
        && *window_set != Some(w)
    {
        b.push(
            "set_window",
            Method::Patch,
            "{{window_resource}}".into(),
            json!({"@Redfish.MaintenanceWindow": {
                "MaintenanceWindowStartTime": start,
                "MaintenanceWindowDurationInSeconds": length,
            }}),
        );
        if let Some(r) = b.last() {
            r.stage = Some(u.stage.to_string());
            r.window = Some(w);
            r.after.extend(after.take());
        }
        *window_set = Some(w);
    }
    if let Some(p) = u.package() {
        let url = join_url(image_base, file_base(p).unwrap_or_default());
        let mut body = json!({
            "ImageURI": url,
            "TransferProtocol": transfer_protocol(image_base).unwrap_or("HTTPS"),
            "@Redfish.OperationApplyTime": if times.is_some() { "AtMaintenanceWindowStart" } else { "Immediate" },
        });
        if let (Some(t), Some(obj)) = (target, body.as_object_mut()) {
            obj.insert("Targets".into(), json!([t]));
        }
        let task = format!("task_{}", b.endpoint.requests.len());
        b.push(
            "simple_update",
            Method::Post,
            DMTF_SIMPLE_UPDATE.into(),
            body,
        );
        if let Some(r) = b.last() {
            r.stage = Some(u.stage.to_string());
            r.window = u.window;
            r.steps = u.indexes(&[Action::InstallBinary]);
            r.capture.push(capture_header(task.clone()));
            r.wait = Some(redfish_task(
                format!("{{{{{task}}}}}"),
                u.seconds().saturating_mul(2),
            ));
            r.after.extend(after.take());
        }
    }
    if let Some(reboot) = u.step(Action::Reboot) {
        b.push(
            "reset",
            Method::Post,
            "{{system}}/Actions/ComputerSystem.Reset".into(),
            json!({"ResetType": "GracefulRestart"}),
        );
        if let Some(r) = b.last() {
            r.stage = Some(u.stage.to_string());
            r.window = u.window;
            r.steps = vec![reboot.index];
            let mut wait = poll(
                "{{system}}".into(),
                ("/PowerState", &["On"]),
                ("/Status/Health", &["Critical"]),
                reboot.estimate_seconds.saturating_mul(3),
            );
            wait.tolerate_unreachable = true;
            r.wait = Some(wait);
            r.after.extend(after.take());
        }
    }
    *previous = b.last_id();
}

fn pulp_unit(p: &PackageSpec) -> Value {
    let mut key = json!({"name": p.name, "version": p.version});
    if let Some(obj) = key.as_object_mut() {
        if let Some(r) = &p.release {
            obj.insert("release".into(), json!(r));
        }
        if let Some(e) = p.epoch {
            obj.insert("epoch".into(), json!(e.to_string()));
        }
        if let Some(a) = &p.arch {
            obj.insert("arch".into(), json!(a));
        }
    }
    json!({"type_id": "rpm", "unit_key": key})
}

fn pulp_body(units: Vec<Value>) -> Value {
    json!({"units": units, "options": {"apply": true, "importkeys": false, "reboot": false}})
}

fn pulp_task_wait(task: &str, timeout: u64) -> Wait {
    poll(
        format!("/pulp/api/v2/tasks/{{{{{task}}}}}/"),
        ("/state", &["finished"]),
        ("/state", &["error", "canceled"]),
        timeout,
    )
}

fn pulp(
    plan: &mut RequestPlan,
    rollout: &Rollout,
    inv: &Inventory,
    units: &[Unit<'_>],
    base: &str,
    group_parallel: bool,
) {
    let role = |name: &str| {
        inv.find(name)
            .and_then(|i| inv.nodes.get(i))
            .map(|n| n.role)
    };
    let consumer = |name: &str| {
        inv.find(name)
            .and_then(|i| inv.nodes.get(i))
            .and_then(|n| n.consumer_id.clone())
            .unwrap_or_default()
    };
    // Runs of units that may go together: members at one stage, in one window, same package.
    let mut runs: Vec<Vec<&Unit<'_>>> = Vec::new();
    for u in units {
        let groupable = group_parallel && role(u.node) == Some(Role::Member);
        match runs.last_mut() {
            Some(run)
                if groupable
                    && run.first().is_some_and(|f| {
                        role(f.node) == Some(Role::Member)
                            && f.stage == u.stage
                            && f.window == u.window
                            && f.package() == u.package()
                    }) =>
            {
                run.push(u)
            }
            _ => runs.push(vec![u]),
        }
    }
    let mut endpoints: Vec<Builder> = Vec::new();
    let mut by_node: HashMap<String, usize> = HashMap::new();
    let mut previous: Option<String> = None;
    let prefix = rollout
        .cluster
        .clone()
        .unwrap_or_else(|| "upgrade-planner".to_string());
    for run in runs {
        let steps: Vec<usize> = run
            .iter()
            .flat_map(|u| u.indexes(&[Action::InstallBinary]))
            .collect();
        let Some(first) = run.first() else { continue };
        let Some(p) = first.package() else { continue };
        let timeout = run.iter().map(|u| u.seconds()).max().unwrap_or(0) * 2;
        let b = if run.len() > 1 {
            let group = format!("{prefix}-{}-{}", first.stage, endpoints.len());
            let nodes: Vec<String> = run.iter().map(|u| u.node.to_string()).collect();
            endpoints.push(Builder::new(
                Some(group.clone()),
                EndpointKind::PulpConsumerGroup,
                base.to_string(),
                nodes.clone(),
            ));
            let Some(b) = endpoints.last_mut() else {
                continue;
            };
            b.push(
                "create_group",
                Method::Post,
                "/pulp/api/v2/consumer_groups/".into(),
                json!({
                    "id": group,
                    "display_name": group,
                    "description": format!("upgrade-planner: {} at stage {}, together", nodes.join(", "), first.stage),
                    "consumer_ids": run.iter().map(|u| consumer(u.node)).collect::<Vec<_>>(),
                }),
            );
            if let Some(r) = b.last() {
                r.expect_status = vec![201];
                r.stage = Some(first.stage.to_string());
            }
            b.push(
                "install",
                Method::Post,
                format!("/pulp/api/v2/consumer_groups/{group}/actions/content/install/"),
                pulp_body(vec![pulp_unit(p)]),
            );
            b
        } else {
            let e = endpoint_for(
                &mut endpoints,
                &mut by_node,
                first.node,
                EndpointKind::PulpConsumer,
                base,
            );
            let Some(b) = endpoints.get_mut(e) else {
                continue;
            };
            b.push(
                "install",
                Method::Post,
                format!(
                    "/pulp/api/v2/consumers/{}/actions/content/install/",
                    consumer(first.node)
                ),
                pulp_body(vec![pulp_unit(p)]),
            );
            b
        };
        let task = format!("task_{}", b.endpoint.requests.len().saturating_sub(1));
        if let Some(r) = b.last() {
            r.expect_status = vec![202];
            r.stage = Some(first.stage.to_string());
            r.window = first.window;
            r.steps = steps;
            // One task per consumer: a group's call report lists several (`*`: every element).
            let pointer = if run.len() > 1 {
                "/spawned_tasks/*/task_id"
            } else {
                "/spawned_tasks/0/task_id"
            };
            r.capture.push(capture_pointer(task.clone(), pointer));
            r.wait = Some(pulp_task_wait(&task, timeout));
            r.after.extend(previous.take());
        }
        previous = b.last_id();
        for u in &run {
            for (action, note) in [
                (
                    Action::RunUpgradeScripts,
                    "OceanBase's upgrade scripts run on the node after Pulp's install task finishes",
                ),
                (
                    Action::Reboot,
                    "reboot the node after the scripts (`reboot: false` in the install options keeps Pulp from rebooting it early)",
                ),
                (
                    Action::Verify,
                    "check the node serves the stage's version before the next request",
                ),
            ] {
                outside(plan, u, action, note);
            }
        }
    }
    plan.endpoints = endpoints.into_iter().map(|b| b.endpoint).collect();
}

fn powerstore(
    plan: &mut RequestPlan,
    rollout: &Rollout,
    inv: &Inventory,
    units: &[Unit<'_>],
    base: &str,
    ids: &[(String, String)],
) {
    let appliance = |name: &str| {
        inv.find(name)
            .and_then(|i| inv.nodes.get(i))
            .and_then(|n| n.appliance_id.clone())
            .unwrap_or_default()
    };
    let primary = inv
        .primary()
        .and_then(|i| inv.nodes.get(i))
        .map(|n| n.name.as_str());
    let mut b = Builder::new(
        rollout.cluster.clone(),
        EndpointKind::PowerstoreCluster,
        base.to_string(),
        Vec::new(),
    );
    // One call per stage and window: the appliances in order.
    let mut batches: Vec<Vec<&Unit<'_>>> = Vec::new();
    for u in units {
        match batches.last_mut() {
            Some(batch)
                if batch
                    .first()
                    .is_some_and(|f| f.stage == u.stage && f.window == u.window) =>
            {
                batch.push(u)
            }
            _ => batches.push(vec![u]),
        }
    }
    for batch in batches {
        let Some(first) = batch.first() else { continue };
        let Some((_, id)) = ids.iter().find(|(s, _)| s == first.stage) else {
            continue;
        };
        let appliances: Vec<String> = batch.iter().map(|u| appliance(u.node)).collect();
        for u in &batch {
            if !b.endpoint.nodes.iter().any(|n| n == u.node) {
                b.endpoint.nodes.push(u.node.to_string());
            }
        }
        let with_primary = batch.iter().any(|u| Some(u.node) == primary);
        let previous = b.last_id();
        let job = format!("job_{}", b.endpoint.requests.len());
        b.push(
            "install",
            Method::Post,
            format!("/api/rest/software_package/{id}/install?is_async=true"),
            json!({"appliances": appliances, "is_reboot_required": true}),
        );
        if let Some(r) = b.last() {
            r.expect_status = vec![202];
            r.stage = Some(first.stage.to_string());
            r.window = first.window;
            r.steps = batch
                .iter()
                .flat_map(|u| u.steps.iter().map(|s| s.index))
                .collect();
            r.capture.push(capture_pointer(job.clone(), "/id"));
            let mut wait = poll(
                format!("/api/rest/job/{{{{{job}}}}}"),
                ("/state", &["COMPLETED"]),
                ("/state", &["FAILED"]),
                batch.iter().map(|u| u.seconds()).sum::<u64>(),
            );
            // The primary reboots before the install completes: the management address goes
            // away for a while; keep polling the job.
            wait.tolerate_unreachable = with_primary;
            r.wait = Some(wait);
            r.after.extend(previous);
        }
    }
    plan.endpoints = vec![b.endpoint];
}

/// The `{{name}}` placeholders in a string.
pub fn placeholders(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let Some(after) = rest.get(start + 2..) else {
            break;
        };
        let Some(end) = after.find("}}") else { break };
        if let Some(name) = after.get(..end) {
            out.push(name);
        }
        rest = after.get(end + 2..).unwrap_or("");
    }
    out
}

fn strings_in(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| strings_in(x, out)),
        Value::Object(o) => o.values().for_each(|x| strings_in(x, out)),
        _ => {}
    }
}

impl RequestPlan {
    /// Checks the plan is sendable as documented: request ids are unique, every `{{name}}` is
    /// captured by an earlier request of the same endpoint (or by the request itself, for its
    /// wait), and every `after` names a request of the plan. Returns the problems found.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut ids: HashMap<&str, usize> = HashMap::new();
        for e in &self.endpoints {
            for r in &e.requests {
                if ids.insert(r.id.as_str(), 0).is_some() {
                    out.push(format!("request id `{}` is used twice", r.id));
                }
            }
        }
        for e in &self.endpoints {
            let mut known: Vec<&str> = Vec::new();
            for r in &e.requests {
                let mut texts = vec![r.path.clone()];
                strings_in(&r.body, &mut texts);
                for t in &texts {
                    for p in placeholders(t) {
                        if !known.contains(&p) {
                            out.push(format!("{}: `{{{{{p}}}}}` is not captured earlier", r.id));
                        }
                    }
                }
                known.extend(r.capture.iter().map(|c| c.name.as_str()));
                if let Some(path) = r.wait.as_ref().and_then(|w| w.path.as_deref()) {
                    for p in placeholders(path) {
                        if !known.contains(&p) {
                            out.push(format!(
                                "{}: wait polls `{{{{{p}}}}}`, never captured",
                                r.id
                            ));
                        }
                    }
                }
                for a in &r.after {
                    if !ids.contains_key(a.as_str()) {
                        out.push(format!("{}: `after` names unknown request `{a}`", r.id));
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_cover_every_byte_once() {
        for size in [
            0,
            1,
            HPE_SECTION_BYTES - 1,
            HPE_SECTION_BYTES,
            HPE_SECTION_BYTES + 1,
            3 * HPE_SECTION_BYTES + 7,
        ] {
            let s = sections(size);
            let mut next = 0;
            for (k, &(n, off, len)) in s.iter().enumerate() {
                assert_eq!(n, k as u64 + 1);
                assert_eq!(off, next);
                assert!(len <= HPE_SECTION_BYTES);
                next += len;
            }
            assert_eq!(next, size, "{size}");
        }
    }

    #[test]
    fn placeholders_are_found() {
        assert_eq!(placeholders("{{a}}/x/{{b_2}}"), ["a", "b_2"]);
        assert!(placeholders("/redfish/v1").is_empty());
    }

    #[test]
    fn urls_and_protocols() {
        assert_eq!(
            join_url("https://repo.example/ob/", "a b.rpm"),
            "https://repo.example/ob/a%20b.rpm"
        );
        assert_eq!(transfer_protocol("https://x"), Some("HTTPS"));
        assert_eq!(transfer_protocol("gopher://x"), None);
    }
}
