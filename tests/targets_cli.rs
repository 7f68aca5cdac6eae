//! `upgrade-planner targets`, the issue-14 repro for `--objective stops`, and the `--to latest`
//! note, through the real binary.

mod common;

use common::run_cli as run;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const SEED: &str = "data/seed-oceanbase-ce-4.2.1.1.yml";
const REPRO: &str = "tests/fixtures/plan/stops-search-limit.yml";

fn json_of(args: &[&str]) -> (Value, i32) {
    let (out, code) = run(args);
    (serde_json::from_str(&out).expect("one JSON document"), code)
}

#[test]
fn targets_json_contract_on_every_data_file() {
    for (file, from) in [
        (SEED, "4.0.0.0"),
        ("data/oceanbase-master.yml", "4.1.0.0-100000192023032010"),
        ("data/ontap-example.yml", "7.3.7.0.1000"),
    ] {
        for objective in ["hops", "stops"] {
            let (v, code) = json_of(&[
                "targets",
                "--deps",
                file,
                "--from",
                from,
                "--objective",
                objective,
                "--format",
                "json",
            ]);
            assert_eq!(code, 0, "{file}");
            assert_eq!(v["schema"], "upgrade-planner/targets/v1");
            assert_eq!(v["objective"], objective);
            let targets = v["targets"].as_array().unwrap();
            assert!(!targets.is_empty(), "{file}");
            for t in targets {
                for key in ["version", "hops", "binary_stops", "deprecated_transits"] {
                    assert!(t.get(key).is_some(), "{file}: {key} missing in {t}");
                }
                // Every listed target agrees with `plan` for it.
                let to = t["version"].as_str().unwrap();
                let (p, code) = json_of(&[
                    "plan",
                    "--deps",
                    file,
                    "--from",
                    from,
                    "--to",
                    to,
                    "--objective",
                    objective,
                    "--format",
                    "json",
                ]);
                assert_eq!(code, 0, "{file} {to}");
                for key in ["hops", "binary_stops", "deprecated_transits", "path"] {
                    assert_eq!(t[key], p[key], "{file} {to} {key}");
                }
            }
        }
    }
}

#[test]
fn targets_text_marks_newest_and_no_stop_routes() {
    let (out, code) = run(&["targets", "--deps", SEED, "--from", "4.1.0.0"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("targets-seed-text", out);
    let (v, _) = json_of(&[
        "targets", "--deps", SEED, "--from", "4.1.0.0", "--format", "json",
    ]);
    let versions: Vec<&str> = v["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["version"].as_str().unwrap())
        .collect();
    // Newest first; the start and the deprecated build never listed.
    assert_eq!(
        versions,
        [
            "4.3.0.0", "4.2.1.1", "4.2.1.0", "4.2.0.0", "4.1.0.2", "4.1.0.1"
        ]
    );
}

#[test]
fn targets_refusals_and_empty_lists() {
    let (v, code) = json_of(&[
        "targets", "--deps", SEED, "--from", "3.9.9.9", "--format", "json",
    ]);
    assert_eq!(code, 1);
    assert_eq!(v["schema"], "upgrade-planner/targets/v1");
    assert_eq!(v["error"]["kind"], "unknown_start");
    // The newest version reaches nothing: an empty list, exit 0.
    let (v, code) = json_of(&[
        "targets", "--deps", SEED, "--from", "4.3.0.0", "--format", "json",
    ]);
    assert_eq!(code, 0);
    assert_eq!(v["targets"], json!([]));
    let (out, _) = run(&["targets", "--deps", SEED, "--from", "4.3.0.0"]);
    assert!(out.contains("cannot be upgraded"), "{out}");
    let (v, code) = json_of(&[
        "targets",
        "--deps",
        "tests/fixtures/plan/invalid-deprecated.yml",
        "--from",
        "1",
        "--format",
        "json",
    ]);
    assert_eq!(
        (code, v["error"]["kind"].as_str()),
        (2, Some("invalid_document"))
    );
}

#[test]
fn stops_search_limit_repro_plans_in_milliseconds() {
    let start = Instant::now();
    let (v, code) = json_of(&[
        "plan",
        "--deps",
        REPRO,
        "--from",
        "1.0",
        "--to",
        "latest",
        "--objective",
        "stops",
        "--format",
        "json",
    ]);
    // Generous for a loaded debug build; the search itself takes well under a millisecond.
    assert!(start.elapsed() < Duration::from_secs(10));
    assert_eq!(code, 0, "{v}");
    // 1.1 (a barrier) only goes back to 1.5, so no simple route uses it: 2.0 fires (coming from
    // 1.0), then 3.0 (coming from 2.0).
    assert_eq!(v["binary_stops"], json!(["2.0", "3.0"]));
    assert_eq!(v["hops"], 16);
    let (v, code) = json_of(&[
        "targets",
        "--deps",
        REPRO,
        "--from",
        "1.0",
        "--objective",
        "stops",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    assert_eq!(v["targets"][0]["version"], "4.0");
    assert_eq!(v["targets"][0]["binary_stops"], json!(["2.0", "3.0"]));
}

#[test]
fn latest_to_an_implicit_version_is_noted() {
    let (v, _) = json_of(&[
        "plan", "--deps", SEED, "--from", "4.2.0.0", "--to", "latest", "--format", "json",
    ]);
    assert_eq!(v["to"], "4.3.0.0");
    let notes = v["notes"].as_array().unwrap();
    assert!(
        notes
            .iter()
            .any(|n| n.as_str().unwrap().contains("no entry of its own")),
        "{notes:?}"
    );
    // A declared target: no such note.
    let (v, _) = json_of(&[
        "plan", "--deps", SEED, "--from", "4.2.0.0", "--to", "4.2.1.1", "--format", "json",
    ]);
    assert_eq!(v["notes"], json!([]));
}

#[test]
fn lint_fails_on_a_misspelled_barrier_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("deps.yml");
    std::fs::write(
        &path,
        "- version: '1.0'\n  can_be_upgraded_to: ['2.0']\n- version: '2.0'\n  requires_from_binary: true\n  can_be_upgraded_to: ['3.0']\n- version: '3.0'\n",
    )
    .unwrap();
    let (out, code) = run(&["lint", path.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("misspelled-key"), "{out}");
}
