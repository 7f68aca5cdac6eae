//! `upgrade-planner rollout` end to end: snapshots of every output format on clusters of 1, 2, 3
//! and 12 nodes (with and without zones, mixed versions) and of every refusal.

use assert_cmd::Command;

const SEED: &str = "data/seed-oceanbase-ce-4.2.1.1.yml";
const MASTER: &str = "data/oceanbase-master.yml";
const FX: &str = "tests/fixtures/rollout";

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("upgrade-planner")
        .unwrap()
        .arg("rollout")
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn transcript(args: &[&str]) -> String {
    let (code, stdout, stderr) = run(args);
    format!(
        "$ upgrade-planner rollout {}\nexit: {code}\n--- stdout\n{stdout}--- stderr\n{stderr}",
        args.join(" ")
    )
}

fn fx(name: &str) -> String {
    format!("{FX}/{name}")
}

macro_rules! snap {
    ($name:literal, $($arg:expr),+ $(,)?) => {{
        let args: Vec<String> = vec![$($arg.to_string()),+];
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        insta::assert_snapshot!($name, transcript(&args));
    }};
}

#[test]
fn one_node() {
    snap!(
        "one_text",
        "--deps",
        SEED,
        "--cluster",
        fx("one.yml"),
        "--to",
        "4.3.0.0"
    );
}

#[test]
fn two_nodes_json() {
    snap!(
        "two_json",
        "--deps",
        SEED,
        "--cluster",
        fx("two.yml"),
        "--to",
        "4.3.0.0",
        "--format",
        "json"
    );
}

#[test]
fn three_nodes_from_json_inventory() {
    snap!(
        "three_markdown",
        "--deps",
        SEED,
        "--cluster",
        fx("three.json"),
        "--to",
        "latest",
        "--format",
        "markdown"
    );
    snap!(
        "three_pulp",
        "--deps",
        SEED,
        "--cluster",
        fx("three.json"),
        "--to",
        "4.3.0.0",
        "--format",
        "pulp-units"
    );
    snap!(
        "three_redfish",
        "--deps",
        SEED,
        "--cluster",
        fx("three.json"),
        "--to",
        "4.3.0.0",
        "--format",
        "redfish-installset"
    );
}

#[test]
fn twelve_nodes() {
    snap!(
        "twelve_window_text",
        "--deps",
        SEED,
        "--cluster",
        fx("twelve.yml"),
        "--to",
        "4.3.0.0",
        "--window",
        "4h"
    );
    snap!(
        "twelve_zones_text",
        "--deps",
        MASTER,
        "--cluster",
        fx("twelve-zones.yml"),
        "--to",
        "4.3.0.0"
    );
    snap!(
        "twelve_only_markdown",
        "--deps",
        SEED,
        "--cluster",
        fx("twelve.yml"),
        "--to",
        "4.3.0.0",
        "--only",
        "node-11,node-05,node-01",
        "--window",
        "2h",
        "--format",
        "markdown"
    );
    snap!(
        "twelve_windows_file_json",
        "--deps",
        SEED,
        "--cluster",
        fx("twelve.yml"),
        "--to",
        "4.3.0.0",
        "--windows",
        fx("windows.yml"),
        "--format",
        "json"
    );
}

#[test]
fn mixed_versions() {
    snap!(
        "mixed_json",
        "--deps",
        SEED,
        "--cluster",
        fx("mixed.yml"),
        "--to",
        "4.3.0.0",
        "--format",
        "json"
    );
    snap!(
        "mixed_converge_text",
        "--deps",
        MASTER,
        "--cluster",
        fx("mixed-converge.yml"),
        "--to",
        "4.3.0.0"
    );
}

#[test]
fn refusals() {
    snap!(
        "refuse_cannot_converge",
        "--deps",
        fx("branching-deps.yml"),
        "--cluster",
        fx("diverging.yml"),
        "--to",
        "3.0"
    );
    snap!(
        "refuse_cannot_converge_json",
        "--deps",
        fx("branching-deps.yml"),
        "--cluster",
        fx("diverging.yml"),
        "--to",
        "3.0",
        "--format",
        "json"
    );
    snap!(
        "refuse_no_route",
        "--deps",
        fx("branching-deps.yml"),
        "--cluster",
        fx("diverging.yml"),
        "--to",
        "2.0"
    );
    snap!(
        "refuse_past_target",
        "--deps",
        SEED,
        "--cluster",
        fx("past-target.yml"),
        "--to",
        "4.2.1.1"
    );
    snap!(
        "refuse_unknown_version",
        "--deps",
        SEED,
        "--cluster",
        fx("unknown-version.yml"),
        "--to",
        "4.3.0.0"
    );
    snap!(
        "refuse_unknown_target",
        "--deps",
        SEED,
        "--cluster",
        fx("two.yml"),
        "--to",
        "9.9.9.9"
    );
    snap!(
        "refuse_deprecated_target",
        "--deps",
        SEED,
        "--cluster",
        fx("two.yml"),
        "--to",
        "4.2.0.0-100000152023080109"
    );
    snap!(
        "refuse_subset_primary_first",
        "--deps",
        SEED,
        "--cluster",
        fx("twelve.yml"),
        "--to",
        "4.3.0.0",
        "--only",
        "node-01,node-11"
    );
    snap!(
        "refuse_subset_secondary_first_json",
        "--deps",
        SEED,
        "--cluster",
        fx("twelve.yml"),
        "--to",
        "4.3.0.0",
        "--only",
        "node-05,node-01",
        "--format",
        "json"
    );
    snap!(
        "refuse_unknown_node",
        "--deps",
        SEED,
        "--cluster",
        fx("twelve.yml"),
        "--to",
        "4.3.0.0",
        "--only",
        "node-05,ghost"
    );
    snap!(
        "refuse_window_too_short",
        "--deps",
        SEED,
        "--cluster",
        fx("two.yml"),
        "--to",
        "4.3.0.0",
        "--window",
        "45m"
    );
    snap!(
        "refuse_overlapping_windows",
        "--deps",
        SEED,
        "--cluster",
        fx("two.yml"),
        "--to",
        "4.3.0.0",
        "--windows",
        fx("windows-overlap.yml")
    );
    snap!(
        "refuse_missing_packages",
        "--deps",
        SEED,
        "--cluster",
        fx("two.yml"),
        "--to",
        "4.2.1.1",
        "--packages",
        "tests/fixtures/rpm",
        "--format",
        "json"
    );
    snap!(
        "refuse_bad_window_flag",
        "--deps",
        SEED,
        "--cluster",
        fx("two.yml"),
        "--to",
        "4.3.0.0",
        "--window",
        "40"
    );
}

#[test]
fn invalid_inventories() {
    for name in [
        "unknown-key.yml",
        "two-primaries.yml",
        "duplicate-name.yml",
        "secondary-without-primary.yml",
        "bad-duration.yml",
        "bad-joined.yml",
        "mixed-joined.yml",
        "partial-zones.yml",
        "syntax.json",
    ] {
        let (code, stdout, stderr) = run(&[
            "--deps",
            SEED,
            "--cluster",
            &fx(&format!("invalid/{name}")),
            "--to",
            "4.3.0.0",
        ]);
        assert_eq!(code, 2, "{name}");
        assert!(stdout.is_empty(), "{name}");
        insta::assert_snapshot!(format!("invalid_{name}"), stderr);
    }
    snap!(
        "invalid_bad_duration_json",
        "--deps",
        SEED,
        "--cluster",
        fx("invalid/bad-duration.yml"),
        "--to",
        "4.3.0.0",
        "--format",
        "json"
    );
}

/// The JSON contract of the issue: schema, target, stages, windows, steps with index, stage, node,
/// action, window, package, in execution order.
#[test]
fn json_contract() {
    let (code, stdout, _) = run(&[
        "--deps",
        SEED,
        "--cluster",
        &fx("twelve.yml"),
        "--to",
        "4.3.0.0",
        "--window",
        "4h",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["schema"], "upgrade-planner/rollout/v1");
    assert_eq!(v["target"], "4.3.0.0");
    assert!(v["stages"].is_array() && v["windows"].is_array());
    let steps = v["steps"].as_array().unwrap();
    for (i, s) in steps.iter().enumerate() {
        let keys: Vec<&str> = s
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .take(6)
            .collect();
        assert_eq!(
            keys,
            ["index", "stage", "node", "action", "window", "package"]
        );
        assert_eq!(s["index"], i);
        assert_eq!(s["package"].is_object(), s["action"] == "install_binary");
    }
    let first = &steps[0];
    assert_eq!(first["node"], "node-05");
    assert_eq!(first["package"]["name"], "oceanbase-ce");
    assert_eq!(first["package"]["version"], "4.2.1.1");
}

#[test]
fn help_shows_examples_and_exit_codes() {
    let out = Command::cargo_bin("upgrade-planner")
        .unwrap()
        .args(["rollout", "--help"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("Examples:") && text.contains("Exit codes:"),
        "{text}"
    );
    assert!(text.contains("redfish-installset"));
}

/// The JSON Schema in docs/ names exactly the keys the reader accepts.
#[test]
fn inventory_schema_matches_the_reader() {
    use upgrade_planner::rollout::inventory::{ESTIMATE_KEYS, NODE_KEYS, TOP_KEYS};
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("docs/inventory.schema.json").unwrap())
            .unwrap();
    let keys = |v: &serde_json::Value| {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    let sorted = |a: &[&str]| {
        let mut k: Vec<String> = a.iter().map(|s| s.to_string()).collect();
        k.sort();
        k
    };
    assert_eq!(keys(&schema["properties"]), sorted(&TOP_KEYS));
    let node = &schema["$defs"]["node"]["properties"];
    assert_eq!(keys(node), sorted(&NODE_KEYS));
    assert_eq!(
        keys(&node["estimates"]["properties"]),
        sorted(&ESTIMATE_KEYS)
    );
}

#[test]
fn packages_resolved_from_a_directory_by_their_headers() {
    let out = Command::cargo_bin("upgrade-planner")
        .unwrap()
        .args([
            "rollout",
            "--deps",
            SEED,
            "--cluster",
            &fx("pair-4.1.yml"),
            "--to",
            "4.2.1.1",
        ])
        .args(["--packages", "tests/fixtures/rpm", "--format", "json"])
        .assert()
        .code(0);
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let installs: Vec<&serde_json::Value> = v["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["action"] == "install_binary")
        .collect();
    assert_eq!(installs.len(), 2);
    for step in installs {
        assert_eq!(step["package"]["resolved"], true);
        assert_eq!(step["package"]["build"], "101000062023110109");
        assert!(step["package"]["file"].as_str().unwrap().ends_with(".rpm"));
    }
}

#[test]
fn a_package_that_does_not_verify_is_never_picked() {
    let dir = tempfile::tempdir().unwrap();
    let src = "tests/fixtures/rpm/oceanbase-ce-4.2.1.1-101000062023110109.el7.x86_64.zstd.rpm";
    let mut bytes = std::fs::read(src).unwrap();
    let at = bytes.len() - 10;
    bytes[at] ^= 0x55;
    // Named like a good package: the name must not matter, only the header and the digests.
    std::fs::write(
        dir.path()
            .join("oceanbase-ce-4.2.1.1-101000062023110109.el7.x86_64.rpm"),
        &bytes,
    )
    .unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not a package").unwrap();
    let out = Command::cargo_bin("upgrade-planner")
        .unwrap()
        .args([
            "rollout",
            "--deps",
            SEED,
            "--cluster",
            &fx("pair-4.1.yml"),
            "--to",
            "4.2.1.1",
        ])
        .args([
            "--packages",
            dir.path().to_str().unwrap(),
            "--format",
            "json",
        ])
        .assert()
        .code(1);
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["error"]["kind"], "missing_packages");
    assert_eq!(v["error"]["missing"][0]["stage"], "4.2.1.1");
}

#[test]
fn empty_only_names_are_usage_errors() {
    for only in ["", "db-a,,db-b", " "] {
        let out = Command::cargo_bin("upgrade-planner")
            .unwrap()
            .args(["rollout", "--deps", SEED, "--cluster", &fx("pair-4.1.yml")])
            .args(["--to", "4.2.1.1", "--only", only])
            .assert()
            .code(2);
        let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
        assert!(
            err.contains("a node name cannot be empty"),
            "{only:?}: {err}"
        );
    }
}

/// `rollout --to` resolves a name like `plan --to` (`V-B`, `V-B.el7` → node `V` when the YAML has
/// no build node), and an inventory version whose build is not a number is refused, not read as `V`.
#[test]
fn rollout_resolves_versions_like_plan() {
    for to in [
        "4.2.1.1-101000062023110109",
        "4.2.1.1-101000062023110109.el7",
    ] {
        let out = Command::cargo_bin("upgrade-planner")
            .unwrap()
            .args(["rollout", "--deps", SEED, "--cluster", &fx("pair-4.1.yml")])
            .args(["--to", to, "--format", "json"])
            .assert()
            .code(0);
        let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
        assert_eq!(v["target"], "4.2.1.1", "{to}: {v}");
    }
    let dir = tempfile::tempdir().unwrap();
    let cluster = dir.path().join("bad-build.yml");
    std::fs::write(
        &cluster,
        "cluster: c\nnodes:\n  - {name: db-a, role: primary, joined: 1, version: 4.1.0.0-abc}\n",
    )
    .unwrap();
    let out = Command::cargo_bin("upgrade-planner")
        .unwrap()
        .args(["rollout", "--deps", SEED, "--cluster"])
        .arg(&cluster)
        .args(["--to", "4.2.1.1", "--format", "json"])
        .assert()
        .code(1);
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["error"]["kind"], "unknown_version", "{v}");
    assert_eq!(v["error"]["nearest"][0], "4.1.0.0", "{v}");
}
