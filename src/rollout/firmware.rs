//! A Redfish firmware inventory as the installed version: what
//! `GET /redfish/v1/UpdateService/FirmwareInventory?$expand=.` returns (a `SoftwareInventory`
//! collection whose `Members` are expanded), one component picked by `Id`, `Name` or `SoftwareId`.
//!
//! The member's `Version` is written as the BMC writes it (`2.78`, `2.96 Aug 17 2023`,
//! `U32 v2.72 (02/02/2023)`, `1.50.0`); [`version_candidates`] maps it to versions of the
//! dependency file (the rule is in `docs/rollout.md`), and the member's `@odata.id` is the DMTF
//! `Targets` entry. A collection that was not expanded (members with only `@odata.id`) is refused
//! with a hint to add `?$expand=.`.
//!
//! ```
//! use upgrade_planner::rollout::firmware::{parse_collection, find, version_candidates};
//! let members = parse_collection(br#"{"Members": [{"@odata.id": "/redfish/v1/UpdateService/FirmwareInventory/2",
//!     "Id": "2", "Name": "System ROM", "Version": "U32 v2.72 (02/02/2023)"}]}"#)?;
//! let rom = find(&members, "System ROM")?;
//! assert_eq!(version_candidates(&rom.version), ["2.72"]);
//! # Ok::<(), upgrade_planner::rollout::firmware::FirmwareError>(())
//! ```

use crate::depgraph::DepGraph;
use crate::limits;
use serde_json::Value;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// One member of a firmware inventory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FirmwareMember {
    /// `@odata.id`: the `Targets` entry for a DMTF SimpleUpdate.
    pub odata_id: String,
    /// `Id`.
    pub id: Option<String>,
    /// `Name`.
    pub name: Option<String>,
    /// `SoftwareId`.
    pub software_id: Option<String>,
    /// `Version`, as the BMC writes it.
    pub version: String,
}

/// Why a firmware inventory cannot give an installed version.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FirmwareError {
    /// The file could not be read.
    #[error("cannot read the firmware inventory `{file}`: {reason}")]
    Io {
        /// The file.
        file: String,
        /// The operating-system error.
        reason: String,
    },
    /// The input is larger than the limit.
    #[error(
        "the firmware inventory is {size} bytes, more than the limit of {limit}; give what one BMC returns"
    )]
    TooLarge {
        /// Its size.
        size: u64,
        /// The limit.
        limit: usize,
    },
    /// Not JSON.
    #[error("the firmware inventory is not JSON: {0}")]
    Json(String),
    /// JSON, but not a collection with `Members`.
    #[error(
        "the firmware inventory is not a Redfish collection (an object with a `Members` list): {0}; \
         save what GET /redfish/v1/UpdateService/FirmwareInventory?$expand=. returns"
    )]
    NotACollection(String),
    /// Members hold only `@odata.id`.
    #[error(
        "the firmware inventory was not expanded: its {count} member(s) hold only `@odata.id`; \
         GET /redfish/v1/UpdateService/FirmwareInventory?$expand=. (add `?$expand=.`) and save that"
    )]
    NotExpanded {
        /// How many members.
        count: usize,
    },
    /// Too many members.
    #[error("the firmware inventory lists {count} members, more than the limit of {limit}")]
    TooManyMembers {
        /// How many.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// No member matches the component.
    #[error(
        "no firmware inventory member has the Id, Name or SoftwareId `{component}`; members: {}",
        available.join(", ")
    )]
    NoComponent {
        /// The `--component` asked for.
        component: String,
        /// Every member's name (or Id).
        available: Vec<String>,
    },
    /// Several members match.
    #[error(
        "{} firmware inventory members match `{component}`: {}; name one by its Id",
        matches.len(),
        matches.join(", ")
    )]
    Ambiguous {
        /// The `--component`.
        component: String,
        /// The matching members' `@odata.id`.
        matches: Vec<String>,
    },
    /// The member has no usable `Version`.
    #[error("firmware inventory member `{member}` has no `Version` string")]
    NoVersion {
        /// The member's `@odata.id`.
        member: String,
    },
    /// The version cannot be mapped to a version of the dependency file.
    #[error(
        "the firmware version `{version}` of `{component}` does not map to a version: none of its words is a \
         dotted number (such as 2.72 in `U32 v2.72 (02/02/2023)`); see docs/rollout.md"
    )]
    Unmappable {
        /// The component.
        component: String,
        /// The version as the BMC wrote it.
        version: String,
    },
    /// A file for several nodes, or a node without a file.
    #[error("{0}")]
    Layout(String),
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

/// Reads a `SoftwareInventory` collection (`$expand=.`) from JSON bytes.
pub fn parse_collection(bytes: &[u8]) -> Result<Vec<FirmwareMember>, FirmwareError> {
    if bytes.len() > limits::MAX_FIRMWARE_INVENTORY_BYTES {
        return Err(FirmwareError::TooLarge {
            size: bytes.len() as u64,
            limit: limits::MAX_FIRMWARE_INVENTORY_BYTES,
        });
    }
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let root: Value =
        serde_json::from_slice(bytes).map_err(|e| FirmwareError::Json(e.to_string()))?;
    let Some(members) = root.get("Members").and_then(Value::as_array) else {
        let found = match &root {
            Value::Object(_) => "an object without a `Members` list",
            Value::Array(_) => "a list",
            _ => "a single value",
        };
        return Err(FirmwareError::NotACollection(found.to_string()));
    };
    if members.len() > limits::MAX_FIRMWARE_MEMBERS {
        return Err(FirmwareError::TooManyMembers {
            count: members.len(),
            limit: limits::MAX_FIRMWARE_MEMBERS,
        });
    }
    let links_only = |m: &Value| {
        m.as_object()
            .is_some_and(|o| o.keys().all(|k| k.starts_with("@odata.")))
    };
    if !members.is_empty() && members.iter().all(links_only) {
        return Err(FirmwareError::NotExpanded {
            count: members.len(),
        });
    }
    Ok(members
        .iter()
        .filter(|m| !links_only(m))
        .map(|m| FirmwareMember {
            odata_id: text(m, "@odata.id").unwrap_or_default(),
            id: text(m, "Id"),
            name: text(m, "Name"),
            software_id: text(m, "SoftwareId"),
            version: text(m, "Version").unwrap_or_default(),
        })
        .collect())
}

/// The member whose `Id`, `Name` or `SoftwareId` is `component` (exactly).
pub fn find<'a>(
    members: &'a [FirmwareMember],
    component: &str,
) -> Result<&'a FirmwareMember, FirmwareError> {
    let hits: Vec<&FirmwareMember> = members
        .iter()
        .filter(|m| {
            [&m.id, &m.name, &m.software_id]
                .iter()
                .any(|f| f.as_deref() == Some(component))
        })
        .collect();
    match hits.as_slice() {
        [one] if one.version.trim().is_empty() => Err(FirmwareError::NoVersion {
            member: one.odata_id.clone(),
        }),
        [one] => Ok(one),
        [] => Err(FirmwareError::NoComponent {
            component: component.to_string(),
            available: members
                .iter()
                .map(|m| {
                    m.name
                        .clone()
                        .or_else(|| m.id.clone())
                        .unwrap_or_else(|| m.odata_id.clone())
                })
                .collect(),
        }),
        many => Err(FirmwareError::Ambiguous {
            component: component.to_string(),
            matches: many.iter().map(|m| m.odata_id.clone()).collect(),
        }),
    }
}

/// Whether `t` is a dotted version: digits, at least one `.digits`, optionally `-BUILD` digits.
fn dotted(t: &str) -> bool {
    let (v, build) = match t.split_once('-') {
        Some((v, b)) => (v, Some(b)),
        None => (t, None),
    };
    let parts: Vec<&str> = v.split('.').collect();
    parts.len() >= 2
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        && build.is_none_or(|b| !b.is_empty() && b.bytes().all(|c| c.is_ascii_digit()))
}

/// The versions a BMC's version string may stand for, in the order they are tried: the words of
/// the string (split at spaces, parentheses and commas) that are dotted numbers (`2.72`,
/// `1.50.0`, `4.2.1.1-100`), a leading `v` dropped, in order. `U32 v2.72 (02/02/2023)` gives
/// `2.72`; `2.96 Aug 17 2023` gives `2.96`; `1.45.455b66-rev4` gives nothing.
pub fn version_candidates(raw: &str) -> Vec<String> {
    raw.split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | ','))
        .map(|w| w.strip_prefix(['v', 'V']).unwrap_or(w))
        .filter(|w| dotted(w))
        .map(str::to_string)
        .collect()
}

/// The installed version for a firmware `Version`: the first candidate the dependency file knows
/// (resolved like `--from`), else the first candidate (the rollout then refuses it as an unknown
/// version, with the nearest known ones). No candidate at all: [`FirmwareError::Unmappable`].
pub fn installed_version(
    raw: &str,
    component: &str,
    graph: &DepGraph,
) -> Result<String, FirmwareError> {
    let candidates = version_candidates(raw);
    candidates
        .iter()
        .find(|c| graph.resolve_node(c, false).is_ok())
        .or(candidates.first())
        .cloned()
        .ok_or_else(|| FirmwareError::Unmappable {
            component: component.to_string(),
            version: raw.to_string(),
        })
}

/// Reads one file's collection.
pub fn read_file(path: &Path) -> Result<Vec<FirmwareMember>, FirmwareError> {
    let file = path.display().to_string();
    let io = |e: std::io::Error| FirmwareError::Io {
        file: file.clone(),
        reason: e.to_string(),
    };
    let bytes =
        crate::input::read_limited(path, limits::MAX_FIRMWARE_INVENTORY_BYTES).map_err(io)?;
    if bytes.len() > limits::MAX_FIRMWARE_INVENTORY_BYTES {
        // Read up to one byte past the limit: the size shown is a lower bound for a pipe.
        let size = match std::fs::metadata(path) {
            Ok(meta) if meta.is_file() => meta.len(),
            _ => bytes.len() as u64,
        };
        return Err(FirmwareError::TooLarge {
            size,
            limit: limits::MAX_FIRMWARE_INVENTORY_BYTES,
        });
    }
    parse_collection(&bytes)
}

/// Where each node's firmware inventory is: `PATH` itself (a file: for a one-node cluster or
/// one server), or `PATH/NODE.json` (else `PATH/NODE`) in a directory. `None` for a node without
/// a file in the directory.
pub fn file_for(path: &Path, node: &str, nodes: usize) -> Result<Option<PathBuf>, FirmwareError> {
    if path.is_dir() {
        let json = path.join(format!("{node}.json"));
        let bare = path.join(node);
        return Ok([json, bare].into_iter().find(|p| p.is_file()));
    }
    if nodes != 1 {
        return Err(FirmwareError::Layout(format!(
            "`{}` is one server's firmware inventory, but the cluster has {nodes} nodes: give a \
             directory with one file per node, named NODE.json",
            path.display()
        )));
    }
    Ok(Some(path.to_path_buf()))
}

/// Entry point for fuzzing and corpus replay: parses `data` as a firmware inventory, looks up
/// the first member's names and maps its version. Never panics.
pub fn fuzz_firmware(data: &[u8]) {
    if let Ok(members) = parse_collection(data) {
        for m in members.iter().take(8) {
            for key in [&m.id, &m.name, &m.software_id].into_iter().flatten() {
                let _ = find(&members, key);
            }
            for c in version_candidates(&m.version) {
                debug_assert!(dotted(&c));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_as_bmcs_write_them() {
        assert_eq!(version_candidates("2.78"), ["2.78"]);
        assert_eq!(version_candidates("2.96 Aug 17 2023"), ["2.96"]);
        assert_eq!(version_candidates("U32 v2.72 (02/02/2023)"), ["2.72"]);
        assert_eq!(version_candidates("1.50.0"), ["1.50.0"]);
        assert_eq!(version_candidates("P79 v1.45"), ["1.45"]);
        assert!(version_candidates("1.45.455b66-rev4").is_empty());
        assert!(version_candidates("0x31").is_empty());
    }

    #[test]
    fn not_expanded_is_refused_with_the_fix() {
        let e = parse_collection(
            br#"{"Members": [{"@odata.id": "/redfish/v1/UpdateService/FirmwareInventory/1"}]}"#,
        )
        .unwrap_err();
        assert!(e.to_string().contains("?$expand=."), "{e}");
    }

    #[test]
    fn garbage_never_panics() {
        for data in [
            &b""[..],
            b"[",
            b"{\"Members\": 3}",
            b"{\"Members\": [1, null, {}]}",
        ] {
            fuzz_firmware(data);
        }
    }
}
