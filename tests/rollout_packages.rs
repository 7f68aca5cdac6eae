//! `rollout --packages` (issue 12): the architecture filter, the trust policy per candidate and
//! every candidate's verdict in the JSON.

mod common;

use assert_cmd::Command;
use sha1::Digest as _;
use std::path::Path;

const SEED: &str = "data/seed-oceanbase-ce-4.2.1.1.yml";
const XZ: &str = "tests/fixtures/rpm/oceanbase-ce-4.2.1.1-101000062023110109.el7.x86_64.xz.rpm";

fn be32(b: &[u8], at: usize) -> usize {
    u32::from_be_bytes(b[at..at + 4].try_into().unwrap()) as usize
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// The xz fixture rebuilt in place as another architecture (`armv7l`: the same length as
/// `x86_64`, so every offset stays) and a newer build (release ...110 instead of ...109), with
/// the header SHA-1, SHA-256 and MD5 recomputed: a package whose every digest verifies.
fn other_arch_build() -> Vec<u8> {
    let mut b = std::fs::read(XZ).unwrap();
    let (il, dl) = (be32(&b, 104), be32(&b, 108));
    let store = 112 + 16 * il;
    let end = store + dl;
    let main = end + (8 - (end - 96) % 8) % 8;
    let (mil, mdl) = (be32(&b, main + 8), be32(&b, main + 12));
    let payload = main + 16 + 16 * mil + mdl;
    let replace = |b: &mut Vec<u8>, from: &[u8], to: &[u8]| {
        let region = &b[main..payload];
        let at = region
            .windows(from.len() + 1)
            .position(|w| &w[..from.len()] == from && w[from.len()] == 0)
            .unwrap();
        b[main + at..main + at + to.len()].copy_from_slice(to);
    };
    replace(&mut b, b"x86_64", b"armv7l");
    replace(&mut b, b"101000062023110109.el7", b"101000062023110110.el7");
    let header = b[main..payload].to_vec();
    let sha1 = hex(&sha1::Sha1::digest(&header));
    let sha256 = hex(&sha2::Sha256::digest(&header));
    let mut md5 = md5::Md5::new();
    md5.update(&b[main..]);
    let md5 = md5.finalize().to_vec();
    for i in 1..il {
        let at = 112 + 16 * i;
        let (tag, off) = (be32(&b, at), be32(&b, at + 8));
        let data = store + off;
        match tag {
            269 => b[data..data + 40].copy_from_slice(sha1.as_bytes()),
            273 => b[data..data + 64].copy_from_slice(sha256.as_bytes()),
            1004 => b[data..data + 16].copy_from_slice(&md5),
            _ => {}
        }
    }
    b
}

fn rollout(dir: &Path, cluster: &str) -> std::process::Output {
    let inv = dir.join("cluster.yml");
    std::fs::write(&inv, cluster).unwrap();
    Command::cargo_bin("upgrade-planner")
        .unwrap()
        .args(["rollout", "--deps", SEED, "--cluster"])
        .arg(&inv)
        .args(["--to", "4.2.1.1", "--format", "json", "--packages"])
        .arg(dir.join("rpms"))
        .output()
        .unwrap()
}

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let rpms = dir.path().join("rpms");
    std::fs::create_dir(&rpms).unwrap();
    std::fs::copy(XZ, rpms.join("a-x86_64.rpm")).unwrap();
    std::fs::write(rpms.join("b-armv7l.rpm"), other_arch_build()).unwrap();
    dir
}

#[test]
fn the_rebuilt_package_is_intact_and_of_the_other_architecture() {
    let dir = setup();
    let out = Command::cargo_bin("upgrade-planner")
        .unwrap()
        .args(["inspect", "--format", "json"])
        .arg(dir.path().join("rpms/b-armv7l.rpm"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["arch"], "armv7l");
    assert_eq!(v["verified"], true, "{v}");
}

#[test]
fn an_x86_64_cluster_gets_the_x86_64_package_never_a_newer_one_of_another_arch() {
    let dir = setup();
    let out = rollout(
        dir.path(),
        "arch: x86_64\nnodes:\n  - {name: db-a, role: primary, joined: 1, version: 4.1.0.0}\n  \
         - {name: db-b, role: secondary, joined: 2, version: 4.1.0.0}\n",
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for step in v["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["action"] == "install_binary")
    {
        let pkg = &step["package"];
        assert!(
            pkg["file"].as_str().unwrap().ends_with("a-x86_64.rpm"),
            "{pkg}"
        );
        let c = pkg["candidates"].as_array().unwrap();
        assert_eq!(c.len(), 2, "{pkg}");
        let taken: Vec<&serde_json::Value> = c.iter().filter(|c| c["taken"] == true).collect();
        assert_eq!(taken.len(), 1);
        assert_eq!(taken[0]["reason"], "the newest acceptable build");
        let other = c.iter().find(|c| c["arch"] == "armv7l").unwrap();
        assert_eq!(other["taken"], false);
        assert_eq!(other["reason"], "architecture armv7l, the node is x86_64");
    }
    // A node's own arch wins over the cluster's.
    let out = rollout(
        dir.path(),
        "arch: x86_64\nnodes:\n  - {name: db-a, role: primary, joined: 1, version: 4.1.0.0, arch: armv7l}\n",
    );
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let step = v["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["action"] == "install_binary")
        .unwrap();
    assert!(
        step["package"]["file"]
            .as_str()
            .unwrap()
            .ends_with("b-armv7l.rpm")
    );
    assert_eq!(step["package"]["build"], "101000062023110110");
}

#[test]
fn several_architectures_for_a_node_without_arch_are_ambiguous() {
    let dir = setup();
    let out = rollout(
        dir.path(),
        "nodes:\n  - {name: db-a, role: primary, joined: 1, version: 4.1.0.0}\n",
    );
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["error"]["kind"], "ambiguous_package", "{v}");
    let m = &v["error"]["missing"][0];
    assert_eq!(
        m["ambiguous_arches"],
        serde_json::json!(["armv7l", "x86_64"])
    );
    assert_eq!(m["candidates"].as_array().unwrap().len(), 2);
    // With one architecture only, a node without arch is fine.
    std::fs::remove_file(dir.path().join("rpms/b-armv7l.rpm")).unwrap();
    let out = rollout(
        dir.path(),
        "nodes:\n  - {name: db-a, role: primary, joined: 1, version: 4.1.0.0}\n",
    );
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn require_signature_passes_over_unsigned_candidates_saying_why() {
    let dir = setup();
    let inv = dir.path().join("cluster.yml");
    std::fs::write(
        &inv,
        "arch: x86_64\nnodes:\n  - {name: db-a, role: primary, joined: 1, version: 4.1.0.0}\n",
    )
    .unwrap();
    let out = Command::cargo_bin("upgrade-planner")
        .unwrap()
        .args(["rollout", "--deps", SEED, "--cluster"])
        .arg(&inv)
        .args([
            "--to",
            "4.2.1.1",
            "--format",
            "json",
            "--require-signature",
            "--packages",
        ])
        .arg(dir.path().join("rpms"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["error"]["kind"], "missing_packages");
    let m = &v["error"]["missing"][0];
    assert!(
        m["reason"].as_str().unwrap().contains("trust policy"),
        "{m}"
    );
    let c = m["candidates"].as_array().unwrap();
    let x86 = c.iter().find(|c| c["arch"] == "x86_64").unwrap();
    assert!(
        x86["reason"]
            .as_str()
            .unwrap()
            .contains("signature_required"),
        "{x86}"
    );
    // --keyring without --packages is a usage error.
    Command::cargo_bin("upgrade-planner")
        .unwrap()
        .args(["rollout", "--deps", SEED, "--cluster"])
        .arg(&inv)
        .args(["--to", "4.2.1.1", "--require-signature"])
        .assert()
        .code(2);
}
