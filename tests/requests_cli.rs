//! The hand-off formats end to end through the binary: each dialect on real RPM fixtures, the
//! deprecated aliases, `--firmware-inventory` (rollout and plan), Redfish window names, the
//! `cannot_converge` advice (followed, it works), Markdown escaping and skipped nodes in text.

use assert_cmd::Command;
use serde_json::Value;

const SEED: &str = "data/seed-oceanbase-ce-4.2.1.1.yml";
const FX: &str = "tests/fixtures/rollout";
const FW: &str = "tests/fixtures/firmware";

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("upgrade-planner")
        .unwrap()
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

fn pair(format: &str, extra: &[&str]) -> Vec<String> {
    let mut a: Vec<String> = [
        "rollout",
        "--deps",
        SEED,
        "--cluster",
        &format!("{FX}/pair-endpoints.yml"),
        "--to",
        "4.2.1.1",
        "--packages",
        "tests/fixtures/rpm",
        "--format",
        format,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    a.extend(extra.iter().map(|s| s.to_string()));
    a
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[test]
fn every_dialect_on_real_packages() {
    let base = ["--image-base-url", "https://repo.example/ob"];
    let ep = [
        "--endpoint-url",
        "https://mgmt.example",
        "--package-id",
        "pkg-1",
    ];
    for (format, extra) in [
        ("redfish-hpe", &base[..]),
        ("redfish-dmtf", &base[..]),
        ("pulp", &ep[..2]),
        ("powerstore", &ep[..]),
    ] {
        let args = pair(format, extra);
        let (code, stdout, stderr) = run(&strs(&args));
        assert_eq!(code, 0, "{format}: {stderr}");
        let v: Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(v["schema"], "upgrade-planner/requests/v1");
        assert_eq!(v["dialect"], format);
        insta::assert_json_snapshot!(format!("cli_pair_{format}"), v);
    }
}

#[test]
fn deprecated_aliases_write_the_new_formats_with_a_notice() {
    for (old, new, extra) in [
        (
            "pulp-units",
            "pulp",
            vec!["--endpoint-url", "https://pulp.example"],
        ),
        (
            "redfish-installset",
            "redfish-hpe",
            vec!["--image-base-url", "https://repo.example/ob"],
        ),
    ] {
        let (code, stdout, stderr) = run(&strs(&pair(old, &extra)));
        assert_eq!(code, 0, "{stderr}");
        assert!(stderr.contains("deprecated"), "{stderr}");
        let v: Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(v["dialect"], new);
        if old == "redfish-installset" {
            let actions: Vec<&str> = v["endpoints"][0]["requests"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["action"].as_str().unwrap())
                .collect();
            assert!(actions.contains(&"create_installset"), "{actions:?}");
            // One install set per server: its Sequence names nobody else.
            for e in v["endpoints"].as_array().unwrap() {
                let me = e["node"].as_str().unwrap();
                for r in e["requests"].as_array().unwrap() {
                    for s in r["body"]["Sequence"].as_array().into_iter().flatten() {
                        assert!(s["Name"].as_str().unwrap().starts_with(me));
                    }
                }
            }
        }
    }
}

#[test]
fn missing_flags_and_fields_are_usage_errors() {
    let (code, stdout, _) = run(&strs(&pair("redfish-hpe", &[])));
    assert_eq!(code, 2);
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["schema"], "upgrade-planner/requests/v1");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("--image-base-url")
    );
    let (code, stdout, _) = run(&[
        "rollout",
        "--deps",
        SEED,
        "--cluster",
        &format!("{FX}/pair-4.1.yml"),
        "--to",
        "4.2.1.1",
        "--format",
        "pulp",
        "--endpoint-url",
        "https://pulp.example",
    ]);
    assert_eq!(code, 2);
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["error"]["kind"], "invalid_inventory");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("consumer_id")
    );
}

/// The refusal's advice is an `--only` list that, followed, plans.
#[test]
fn cannot_converge_advice_works_when_followed() {
    let base = [
        "rollout",
        "--deps",
        "tests/fixtures/rollout/branching-deps.yml",
        "--cluster",
        "tests/fixtures/rollout/diverging.yml",
        "--to",
        "3.0",
        "--format",
        "json",
    ];
    let (code, stdout, _) = run(&base);
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["error"]["kind"], "cannot_converge");
    let only: Vec<&str> = v["error"]["only_advice"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains(&format!("--only {}", only.join(",")))
    );
    let joined = only.join(",");
    let mut args = base.to_vec();
    args.extend(["--only", &joined]);
    let (code, stdout, stderr) = run(&args);
    assert_eq!(code, 0, "following the advice: {stdout}{stderr}");
}

#[test]
fn firmware_inventory_gives_installed_versions() {
    let deps = format!("{FW}/firmware-deps.yml");
    let (code, stdout, stderr) = run(&[
        "rollout",
        "--deps",
        &deps,
        "--cluster",
        &format!("{FW}/pair-bmc.yml"),
        "--to",
        "2.80",
        "--firmware-inventory",
        &format!("{FW}/by-node"),
        "--component",
        "System ROM",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    let installed: Vec<&str> = v["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["route"]["installed"].as_str().unwrap())
        .collect();
    assert_eq!(installed, ["2.72", "1.56"]);
    let cases: [(&str, &str, &str, &str); 4] = [
        ("one-bmc.yml", "not-expanded.json", "BMC", "?$expand=."),
        (
            "one-bmc.yml",
            "ilo5.json",
            "NIC",
            "no firmware inventory member",
        ),
        ("one-bmc.yml", "dmtf-mockup.json", "BMC", "does not map"),
        (
            "pair-bmc.yml",
            "ilo5.json",
            "System ROM",
            "one file per node",
        ),
    ];
    for (cluster, file, component, says) in cases {
        let (code, _, stderr) = run(&[
            "rollout",
            "--deps",
            &deps,
            "--cluster",
            &format!("{FW}/{cluster}"),
            "--to",
            "2.80",
            "--firmware-inventory",
            &format!("{FW}/{file}"),
            "--component",
            component,
        ]);
        assert_eq!(code, 2, "{file}");
        assert!(stderr.contains(says), "{file}: {stderr}");
    }
    // `P79 v1.45` (DMTF mockup BIOS) is read as 1.45.
    let (code, stdout, stderr) = run(&[
        "rollout",
        "--deps",
        &deps,
        "--cluster",
        &format!("{FW}/one-bmc.yml"),
        "--to",
        "2.80",
        "--firmware-inventory",
        &format!("{FW}/dmtf-mockup.json"),
        "--component",
        "BIOS",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["nodes"][0]["route"]["installed"], "1.45");
}

#[test]
fn plan_reads_one_server_firmware() {
    let (code, stdout, stderr) = run(&[
        "plan",
        "--deps",
        &format!("{FW}/firmware-deps.yml"),
        "--firmware-inventory",
        &format!("{FW}/ilo6.json"),
        "--component",
        "System ROM",
        "--to",
        "2.80",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["from"], "1.56");
    assert_eq!(v["binary_stops"][0], "2.72");
}

#[test]
fn redfish_window_names_and_text_and_markdown() {
    let (code, stdout, stderr) = run(&[
        "rollout",
        "--deps",
        SEED,
        "--cluster",
        &format!("{FX}/pair-4.1.yml"),
        "--to",
        "4.2.1.1",
        "--windows",
        &format!("{FX}/windows-redfish.json"),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("window 0 (saturday)"), "{stdout}");
    let (code, stdout, _) = run(&[
        "rollout",
        "--deps",
        SEED,
        "--cluster",
        &format!("{FX}/odd-names.yml"),
        "--to",
        "4.2.1.1",
        "--format",
        "markdown",
    ]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("markdown_odd_names", stdout);
    let (code, stdout, _) = run(&[
        "rollout",
        "--deps",
        SEED,
        "--cluster",
        &format!("{FX}/twelve.yml"),
        "--to",
        "4.3.0.0",
        "--only",
        "node-05,node-11",
    ]);
    assert_eq!(code, 0);
    assert!(stdout.contains("skipped: left out by --only"), "{stdout}");
}
