//! Hand-off documents for systems operators already run, built from a [`Rollout`].
//!
//! * Pulp: for each stage, the body of a consumer-group content install request
//!   (`POST /pulp/api/v2/consumer_groups/<group>/actions/content/install/`):
//!   `{"units": [{"type_id": "rpm", "unit_key": {"name", "version"[, "release"]}}], "options": {…}}`.
//!   Pulp installs on a group's consumers in parallel, so the stage also lists its nodes in order:
//!   an orchestrator that must keep the order sends the body once per node (a group of one).
//! * Redfish: for each stage, an install-set body (HPE iLO's `UpdateService/InstallSets`) whose
//!   `Sequence` lists the component files in order, one `ApplyUpdate` entry per node.
//!
//! Both are wrapped in a small versioned envelope (`schema`, `target`, `stages`).

use super::Rollout;
use super::steps::{Action, PackageSpec};
use serde_json::{Value, json};

/// The `schema` of the Pulp hand-off.
pub const PULP_SCHEMA: &str = "upgrade-planner/rollout-pulp-units/v1";
/// The `schema` of the Redfish hand-off.
pub const REDFISH_SCHEMA: &str = "upgrade-planner/rollout-redfish-installset/v1";

/// `(stage, [(node, package)])` for every stage, in step order.
fn installs(rollout: &Rollout) -> Vec<(String, Vec<(String, PackageSpec)>)> {
    let mut out: Vec<(String, Vec<(String, PackageSpec)>)> = Vec::new();
    for s in &rollout.steps {
        let (Action::InstallBinary, Some(p)) = (s.action, &s.package) else {
            continue;
        };
        match out.last_mut() {
            Some((stage, nodes)) if *stage == s.stage => nodes.push((s.node.clone(), p.clone())),
            _ => out.push((s.stage.clone(), vec![(s.node.clone(), p.clone())])),
        }
    }
    out
}

/// The file name of a package: the resolved file, else `name-version[-build]` (not a real file:
/// resolve packages with `--packages` to get one). The second value says whether it is real.
pub fn file_name(p: &PackageSpec) -> (String, bool) {
    match &p.file {
        Some(f) => (f.clone(), true),
        None => {
            let mut f = format!("{}-{}", p.name, p.version);
            if let Some(b) = &p.build {
                f.push('-');
                f.push_str(b);
            }
            (f, false)
        }
    }
}

/// The Pulp hand-off: one consumer-group content install body per stage.
pub fn pulp_units(rollout: &Rollout) -> Value {
    let group = rollout
        .cluster
        .clone()
        .unwrap_or_else(|| "cluster".to_string());
    let stages: Vec<Value> = installs(rollout)
        .into_iter()
        .map(|(stage, nodes)| {
            let mut units: Vec<Value> = Vec::new();
            for (_, p) in &nodes {
                let mut key = json!({"name": p.name, "version": p.version});
                if let (Some(obj), Some(r)) = (key.as_object_mut(), &p.release) {
                    obj.insert("release".into(), json!(r));
                }
                let unit = json!({"type_id": "rpm", "unit_key": key});
                if !units.contains(&unit) {
                    units.push(unit);
                }
            }
            json!({
                "stage": stage,
                "consumer_group_id": group,
                "nodes": nodes.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>(),
                "body": {
                    "units": units,
                    "options": {"importkeys": false, "reboot": false},
                },
            })
        })
        .collect();
    json!({"schema": PULP_SCHEMA, "target": rollout.target, "stages": stages})
}

/// The Redfish hand-off: one install-set body per stage.
pub fn redfish_installset(rollout: &Rollout) -> Value {
    let cluster = rollout
        .cluster
        .clone()
        .unwrap_or_else(|| "cluster".to_string());
    let stages: Vec<Value> = installs(rollout)
        .into_iter()
        .map(|(stage, nodes)| {
            let mut resolved = true;
            let sequence: Vec<Value> = nodes
                .iter()
                .map(|(node, p)| {
                    let (file, real) = file_name(p);
                    resolved &= real;
                    json!({
                        "Name": format!("{node}: {} {}", p.name, p.version),
                        "Filename": file,
                        "UpdatableBy": ["RuntimeAgent"],
                        "Command": "ApplyUpdate",
                    })
                })
                .collect();
            json!({
                "stage": stage,
                "nodes": nodes.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>(),
                "files_resolved": resolved,
                "body": {
                    "Name": format!("{cluster} upgrade to {stage}"),
                    "Description": format!(
                        "upgrade-planner: stage {stage} of the rollout of {cluster} to {}",
                        rollout.target
                    ),
                    "IsRecovery": false,
                    "Sequence": sequence,
                },
            })
        })
        .collect();
    json!({"schema": REDFISH_SCHEMA, "target": rollout.target, "stages": stages})
}
