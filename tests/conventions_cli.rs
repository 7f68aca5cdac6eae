//! The command-line conventions of issue 16, on the real binary: shell completions and man pages,
//! `-` for standard input in every file argument (RPM pipes refused as pipes), suggestions for
//! mistyped targets and versions, clap's tips kept in JSON usage errors, sizes for people, no
//! progress (or anything else) on standard error when it is not a terminal, `graph --format json`.

use assert_cmd::Command;
use serde_json::Value;

const SEED: &str = "data/seed-oceanbase-ce-4.2.1.1.yml";
const RPM: &str = "tests/fixtures/rpm/oceanbase-ce-4.2.1.1-101000062023110109.el7.x86_64.xz.rpm";
const TWELVE: &str = "tests/fixtures/rollout/twelve.yml";

fn bin() -> Command {
    let mut c = Command::cargo_bin("upgrade-planner").unwrap();
    c.env_remove("NO_COLOR");
    c
}

fn run(args: &[&str], stdin: &[u8]) -> (i32, String, String) {
    let out = bin()
        .args(args)
        .write_stdin(stdin.to_vec())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json(stdout: &str) -> Value {
    serde_json::from_str(stdout).expect("stdout is one JSON document")
}

#[test]
fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let (code, out, err) = run(&["completions", shell], b"");
        assert_eq!(code, 0, "{shell}: {err}");
        assert!(out.contains("upgrade-planner"), "{shell}");
        // every command and a command's option are completed
        for word in ["rollout", "inspect", "completions", "deps", "objective"] {
            assert!(out.contains(word), "{shell} completion lacks {word}");
        }
    }
    let (code, _, err) = run(&["completions", "tcsh"], b"");
    assert_eq!(code, 2);
    assert!(err.contains("possible values"), "{err}");
}

#[test]
fn man_pages() {
    let (code, page, _) = run(&["man"], b"");
    assert_eq!(code, 0);
    assert!(page.contains(".TH upgrade-planner 1"), "{page}");
    assert!(page.contains("rollout"));
    let (code, page, _) = run(&["man", "plan"], b"");
    assert_eq!(code, 0);
    assert!(page.contains(".TH upgrade-planner-plan 1"));
    assert!(
        page.contains("\\-\\-objective"),
        "the plan page documents its options"
    );
    let (code, _, err) = run(&["man", "plna"], b"");
    assert_eq!(code, 2);
    assert!(
        err.contains("no command `plna`") && err.contains("plan"),
        "{err}"
    );

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("man1");
    let (code, _, err) = run(&["man", "--dir", out.to_str().unwrap()], b"");
    assert_eq!(code, 0, "{err}");
    let mut pages: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    pages.sort();
    for want in [
        "upgrade-planner.1",
        "upgrade-planner-plan.1",
        "upgrade-planner-rollout.1",
        "upgrade-planner-completions.1",
    ] {
        assert!(pages.iter().any(|p| p == want), "{want} not in {pages:?}");
    }
}

#[test]
fn dash_reads_standard_input_everywhere() {
    let seed = std::fs::read(SEED).unwrap();
    let file = |args: &[&str]| run(args, b"");
    // plan --deps -
    let (code, piped, _) = run(
        &[
            "plan", "--deps", "-", "--from", "4.0.0.0", "--to", "latest", "--format", "json",
        ],
        &seed,
    );
    assert_eq!(code, 0);
    let (_, named, _) = file(&[
        "plan", "--deps", SEED, "--from", "4.0.0.0", "--to", "latest", "--format", "json",
    ]);
    let (a, b) = (json(&piped), json(&named));
    assert_eq!(a["path"], b["path"]);
    assert_eq!(a["binary_stops"], b["binary_stops"]);
    // lint -: findings name the file `-`
    let (code, out, _) = run(&["lint", "-", "--format", "json"], &seed);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("implicit-node"));
    // targets, graph
    let (code, _, err) = run(&["targets", "--deps", "-", "--from", "4.1.0.0"], &seed);
    assert_eq!(code, 0, "{err}");
    let (code, out, _) = run(&["graph", "-", "--format", "json"], &seed);
    assert_eq!(code, 0);
    assert_eq!(json(&out)["schema"], "upgrade-planner/graph/v1");
    // rollout --cluster -
    let cluster = std::fs::read(TWELVE).unwrap();
    let (code, out, err) = run(
        &[
            "rollout",
            "--deps",
            SEED,
            "--cluster",
            "-",
            "--to",
            "4.3.0.0",
            "--format",
            "json",
        ],
        &cluster,
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(json(&out)["schema"], "upgrade-planner/rollout/v1");
    // npm -
    let meta = std::fs::read("tests/fixtures/npm/valid/v01-dataontap-7.3.2-eq.txt").unwrap();
    let (code, out, _) = run(&["npm", "-", "--format", "json"], &meta);
    assert_eq!(code, 0, "{out}");
    let v = json(&out);
    assert_eq!(v["schema"], "upgrade-planner/npm/v1");
    assert_eq!(v["file"], "-");
    // two `-` cannot both be standard input
    let (code, _, err) = run(&["diff", "-", "-"], &seed);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("standard input can be read only once"),
        "{err}"
    );
    let (code, out, _) = run(&["diff", "-", SEED, "--format", "json"], &seed);
    assert_eq!(code, 0, "{out}");
    assert_eq!(json(&out)["schema"], "upgrade-planner/diff/v1");
}

#[test]
fn an_rpm_from_a_pipe_is_refused_as_a_pipe() {
    let rpm = std::fs::read(RPM).unwrap();
    for args in [&["inspect", "-"][..], &["extract", "-"][..]] {
        let (code, out, err) = run(args, &rpm);
        assert_eq!(code, 2, "{args:?}");
        assert!(out.is_empty(), "{args:?}: nothing on stdout");
        assert!(err.contains("standard input is a pipe"), "{err}");
        assert!(!err.contains("truncated"), "{err}");
    }
    // /dev/stdin on a pipe is the same pipe
    let (code, _, err) = run(&["inspect", "/dev/stdin"], &rpm);
    assert_eq!(code, 2);
    assert!(
        err.contains("it is a pipe") && !err.contains("truncated"),
        "{err}"
    );
    let (code, out, _) = run(&["inspect", "-", "--format", "json"], &rpm);
    assert_eq!(code, 2);
    let v = json(&out);
    assert_eq!(v["error"]["kind"], "unreadable");
    assert!(v["error"]["message"].as_str().unwrap().contains("pipe"));
    // a file redirected to standard input seeks, so it is read like the file
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("upgrade-planner"))
        .args(["inspect", "-", "--format", "json"])
        .stdin(std::fs::File::open(RPM).unwrap())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        json(&String::from_utf8_lossy(&out.stdout))["version"],
        "4.2.1.1"
    );
}

#[test]
fn suggestions_for_mistyped_targets_and_versions() {
    let (code, _, err) = run(
        &["plan", "--deps", SEED, "--from", "4.0.0.0", "--to", "latst"],
        b"",
    );
    assert_eq!(code, 1);
    assert!(err.contains("did you mean `latest`?"), "{err}");
    let (code, out, _) = run(
        &[
            "plan", "--deps", SEED, "--from", "v4.0.0.0", "--to", "latest", "--format", "json",
        ],
        b"",
    );
    assert_eq!(code, 1);
    let v = json(&out);
    assert_eq!(v["error"]["kind"], "unknown_start");
    assert_eq!(v["error"]["did_you_mean"], "4.0.0.0");
    // no suggestion where none fits
    let (_, out, _) = run(
        &[
            "plan", "--deps", SEED, "--from", "3.9.0.0", "--to", "latest", "--format", "json",
        ],
        b"",
    );
    assert!(json(&out)["error"].get("did_you_mean").is_none(), "{out}");
}

#[test]
fn json_usage_errors_keep_clap_tip() {
    let (code, out, _) = run(
        &[
            "plan",
            "--deps",
            SEED,
            "--from",
            "4.0.0.0",
            "--to",
            "latest",
            "--format",
            "json",
            "--objectiv",
            "hops",
        ],
        b"",
    );
    assert_eq!(code, 2);
    let v = json(&out);
    assert_eq!(v["error"]["kind"], "usage");
    assert_eq!(
        v["error"]["hint"],
        "a similar argument exists: '--objective'"
    );
}

#[test]
fn sizes_for_people_and_nothing_on_stderr_without_a_terminal() {
    let (code, out, err) = run(&["inspect", RPM], b"");
    assert_eq!(code, 0);
    assert!(out.contains("8,221 bytes (8 KiB)"), "{out}");
    assert!(out.contains("1 × 8,388,608 bytes (8 MiB)"), "{out}");
    // stderr is a pipe here: no progress bar, no escape codes
    assert!(err.is_empty(), "{err}");
    let (code, out, err) = run(
        &[
            "rollout",
            "--deps",
            SEED,
            "--cluster",
            "tests/fixtures/rollout/pair-endpoints.yml",
            "--to",
            "4.2.1.1",
            "--packages",
            "tests/fixtures/rpm",
        ],
        b"",
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.is_empty(), "{err}");
    assert!(
        !out.contains('\u{1b}'),
        "no colour when stdout is not a terminal"
    );
}

#[test]
fn graph_json() {
    let (code, out, _) = run(
        &[
            "graph", SEED, "--format", "json", "--plan", "4.0.0.0", "latest",
        ],
        b"",
    );
    assert_eq!(code, 0);
    let v = json(&out);
    assert_eq!(v["schema"], "upgrade-planner/graph/v1");
    let nodes = v["nodes"].as_array().unwrap();
    assert!(nodes.iter().any(|n| n["version"] == "4.3.0.0"));
    for key in [
        "version",
        "deprecated",
        "barrier",
        "implicit",
        "build_group",
    ] {
        assert!(nodes[0].get(key).is_some(), "node lacks {key}");
    }
    assert!(
        v["edges"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["from"] == "4.0.0.0" && e["to"] == "4.1.0.0")
    );
    assert_eq!(v["route"]["hops"], 7);
}

#[test]
fn help_names_exit_codes_and_colours() {
    let (code, out, _) = run(&["--help"], b"");
    assert_eq!(code, 0);
    assert!(out.contains("Exit codes: 0 success; 1 refused"));
    assert!(out.contains("completions") && out.contains("man"));
}
