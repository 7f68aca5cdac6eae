//! The real binary: every exit code, JSON errors, text/Markdown output, colours off when not a tty.

use assert_cmd::Command;

const SEED: &str = "data/seed-oceanbase-ce-4.2.1.1.yml";

fn plan(args: &[&str]) -> assert_cmd::assert::Assert {
    Command::cargo_bin("upgrade-planner")
        .unwrap()
        .arg("plan")
        .args(args)
        .assert()
}

fn stdout_json(a: &assert_cmd::assert::Assert) -> serde_json::Value {
    serde_json::from_slice(&a.get_output().stdout).expect("stdout is one JSON document")
}

#[test]
fn planned_exit_0_json_contract() {
    let a = plan(&[
        "--deps", SEED, "--from", "4.0.0.0", "--to", "4.3.0.0", "--format", "json",
    ])
    .code(0);
    let v = stdout_json(&a);
    assert_eq!(v["schema"], "upgrade-planner/plan/v1");
    assert_eq!(v["from"], "4.0.0.0");
    assert_eq!(v["to"], "4.3.0.0");
    assert_eq!(v["hops"], 7);
    assert_eq!(v["binary_stops"], serde_json::json!(["4.1.0.2", "4.2.1.1"]));
    assert_eq!(v["deprecated_transits"], serde_json::json!([]));
    assert_eq!(
        v["stages"][0],
        serde_json::json!({"version": "4.0.0.0", "kind": "start"})
    );
    assert_eq!(
        v["stages"][3],
        serde_json::json!({"version": "4.3.0.0", "kind": "target"})
    );
    assert_eq!(v["path"].as_array().unwrap().len(), 8);
}

#[test]
fn rpm_release_start_resolves_to_build_node() {
    let a = plan(&[
        "--deps",
        SEED,
        "--from",
        "4.1.0.0-100000192023032010.el7",
        "--to",
        "latest",
        "--format",
        "json",
    ])
    .code(0);
    let v = stdout_json(&a);
    assert_eq!(v["from"], "4.1.0.0-100000192023032010");
    assert_eq!(v["from_match"], "without_distribution");
    assert_eq!(v["to"], "4.3.0.0");
    assert_eq!(v["to_requested"], "latest");
    assert_eq!(v["to_match"], "latest");
}

#[test]
fn refusals_exit_1_with_kind() {
    for (from, to, kind) in [
        ("3.2.0", "4.3.0.0", "unknown_start"),
        ("4.0.0.0", "9.9", "unknown_target"),
        ("4.0.0.0", "4.2.0.0-100000152023080109", "deprecated_target"),
        ("4.3.0.0", "4.0.0.0", "no_route"),
    ] {
        let a = plan(&[
            "--deps", SEED, "--from", from, "--to", to, "--format", "json",
        ])
        .code(1);
        let v = stdout_json(&a);
        assert_eq!(v["schema"], "upgrade-planner/plan/v1");
        assert_eq!(v["error"]["kind"], kind, "{from} -> {to}");
        assert!(v["error"]["message"].as_str().unwrap().len() > 10);
    }
}

#[test]
fn refusal_in_text_goes_to_stderr_as_one_line() {
    let a = plan(&["--deps", SEED, "--from", "3.2.0", "--to", "4.3.0.0"]).code(1);
    let out = a.get_output();
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("error: unknown start version `3.2.0`; nearest known versions: 4.0.0.0"),
        "{err}"
    );
}

#[test]
fn invalid_document_exit_2_with_position() {
    let a = plan(&[
        "--deps",
        "tests/fixtures/plan/invalid-deprecated.yml",
        "--from",
        "4.1.0.0",
        "--to",
        "4.2.0.0",
        "--format",
        "json",
    ])
    .code(2);
    let v = stdout_json(&a);
    assert_eq!(v["error"]["kind"], "invalid_document");
    let d = &v["error"]["diagnostics"][0];
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(4), Some(15))
    );
    assert_eq!(d["code"], "schema");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("invalid-deprecated.yml:4:15")
    );

    let a = plan(&[
        "--deps",
        "tests/fixtures/plan/yaml-syntax.yml",
        "--from",
        "4.1.0.0",
        "--to",
        "4.2.0.0",
    ])
    .code(2);
    let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    assert!(
        err.contains("yaml-syntax.yml:") && err.contains("[yaml-syntax]"),
        "{err}"
    );

    let a = plan(&[
        "--deps",
        "tests/fixtures/plan/not-utf8.yml",
        "--from",
        "4.1",
        "--to",
        "4.2",
    ])
    .code(2);
    let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    assert!(err.contains("not UTF-8"), "{err}");
}

#[test]
fn unreadable_file_and_usage_errors_exit_2() {
    let a = plan(&[
        "--deps",
        "no/such/file.yml",
        "--from",
        "1",
        "--to",
        "2",
        "--format",
        "json",
    ])
    .code(2);
    assert_eq!(stdout_json(&a)["error"]["kind"], "invalid_document");
    plan(&["--deps", SEED, "--from", "4.0.0.0"]).code(2);
    plan(&[
        "--deps",
        SEED,
        "--from",
        "4.0.0.0",
        "--to",
        "4.3.0.0",
        "--objective",
        "fast",
    ])
    .code(2);
    plan(&[
        "--deps", SEED, "--from", "4.0.0.0", "--to", "4.3.0.0", "--scheme", "calver",
    ])
    .code(2);
}

#[test]
fn semver_and_source_text() {
    let a = plan(&[
        "--deps",
        "tests/fixtures/plan/semver.yml",
        "--from",
        "1.4.0-rc.1",
        "--to",
        "latest",
        "--format",
        "json",
    ])
    .code(0);
    assert_eq!(
        stdout_json(&a)["path"],
        serde_json::json!(["1.4.0-rc.1", "1.4.0", "1.5.0+build.7"])
    );
    let a = plan(&[
        "--deps",
        "tests/fixtures/plan/float-like.yml",
        "--from",
        "4.1",
        "--to",
        "latest",
        "--format",
        "json",
    ])
    .code(0);
    let v = stdout_json(&a);
    assert_eq!(v["path"], serde_json::json!(["4.1", "4.2", "4.10"]));
    assert_eq!(v["binary_stops"], serde_json::json!(["4.2"]));
}

#[test]
fn objective_stops_is_accepted() {
    let a = plan(&[
        "--deps",
        SEED,
        "--from",
        "4.0.0.0",
        "--to",
        "4.3.0.0",
        "--objective",
        "stops",
        "--format",
        "json",
    ])
    .code(0);
    assert_eq!(stdout_json(&a)["objective"], "stops");
}

#[test]
fn text_and_markdown_output() {
    let a = plan(&[
        "--deps",
        SEED,
        "--from",
        "4.1.0.0-100000192023032010",
        "--to",
        "4.2.1.1",
    ])
    .code(0);
    let text = String::from_utf8(a.get_output().stdout.clone()).unwrap();
    assert!(
        !text.contains('\x1b'),
        "no colour when stdout is not a terminal"
    );
    insta::assert_snapshot!("plan-text", text);
    let a = plan(&[
        "--deps", SEED, "--from", "4.0.0.0", "--to", "latest", "--format", "markdown",
    ])
    .code(0);
    insta::assert_snapshot!(
        "plan-markdown",
        String::from_utf8(a.get_output().stdout.clone()).unwrap()
    );
}

#[test]
fn help_shows_examples_and_exit_codes() {
    let a = plan(&["--help"]).code(0);
    let help = String::from_utf8(a.get_output().stdout.clone()).unwrap();
    assert!(
        help.contains("Examples:") && help.contains("Exit codes:"),
        "{help}"
    );
}

const PKG: &str = "tests/fixtures/rpm/oceanbase-ce-4.2.1.1-101000062023110109.el7.x86_64.zstd.rpm";

#[test]
fn plan_with_the_yaml_inside_a_package() {
    // The target defaults to the package's VERSION-BUILD, resolved to node 4.2.1.1.
    let a = plan(&["--package", PKG, "--from", "4.1.0.0", "--format", "json"]).code(0);
    let v = stdout_json(&a);
    assert_eq!(v["to"], "4.2.1.1");
    assert_eq!(v["hops"], 5);
    let a = plan(&[
        "--package",
        PKG,
        "--from",
        "4.1.0.0",
        "--to",
        "latest",
        "--format",
        "json",
    ])
    .code(0);
    assert_eq!(stdout_json(&a)["to"], "4.3.0.0");
    // --package and --deps are exclusive.
    plan(&["--package", PKG, "--deps", SEED, "--from", "4.1.0.0"]).code(2);
}

#[test]
fn a_package_whose_payload_was_altered_is_never_used_for_planning() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("altered.rpm");
    let mut bytes = std::fs::read(PKG).unwrap();
    let last = bytes.len() - 10;
    bytes[last] ^= 0x55;
    std::fs::write(&copy, &bytes).unwrap();
    let a = plan(&[
        "--package",
        copy.to_str().unwrap(),
        "--from",
        "4.1.0.0",
        "--format",
        "json",
    ])
    .code(1);
    assert_eq!(stdout_json(&a)["error"]["kind"], "digest_mismatch");
    let a = plan(&[
        "--package",
        "README.md",
        "--from",
        "4.1.0.0",
        "--format",
        "json",
    ])
    .code(2);
    assert_eq!(stdout_json(&a)["error"]["kind"], "not_rpm");
}

#[test]
fn plan_between_two_ontap_metadata_files() {
    let npm = "tests/fixtures/npm";
    let installed = format!("{npm}/valid/v01-dataontap-7.3.2-eq.txt");
    let package = format!("{npm}/valid/v15-dataontap-8.2.5P1-spaced.txt");
    let a = plan(&[
        "--deps",
        "data/ontap-example.yml",
        "--from-npm",
        &installed,
        "--to-npm",
        &package,
        "--format",
        "json",
    ])
    .code(0);
    let v = stdout_json(&a);
    assert_eq!(v["schema"], "upgrade-planner/plan/v1");
    assert_eq!(v["from_release"], "7.3.2");
    assert_eq!(v["to_release"], "8.2.5P1");
    assert_eq!(v["path"][0], "7.3.2.0.1000", "node names as in the YAML");
    assert_eq!(v["check"]["verdict"], "upgrade");
    let a = plan(&[
        "--deps",
        "data/ontap-example.yml",
        "--from-npm",
        &installed,
        "--to-npm",
        &package,
    ])
    .code(0);
    insta::assert_snapshot!(
        "plan-npm-text",
        String::from_utf8(a.get_output().stdout.clone()).unwrap()
    );
    // Invalid metadata: exit 2, kind invalid_metadata with NetApp's code.
    let bad = format!("{npm}/invalid/t05-bad-pkg-type.txt");
    let a = plan(&[
        "--deps",
        "data/ontap-example.yml",
        "--from-npm",
        &installed,
        "--to-npm",
        &bad,
        "--format",
        "json",
    ])
    .code(2);
    let v = stdout_json(&a);
    assert_eq!(v["error"]["kind"], "invalid_metadata");
    assert_eq!(v["error"]["code"], "ENPMERXMETA");
    // The two flags go together, with --deps, and exclude --from/--to.
    plan(&["--deps", "data/ontap-example.yml", "--from-npm", &installed]).code(2);
    plan(&[
        "--deps",
        "data/ontap-example.yml",
        "--from-npm",
        &installed,
        "--to-npm",
        &package,
        "--from",
        "7.3.2",
    ])
    .code(2);
}

/// The error object of a refusal printed with `--format json`, after checking the exit code.
/// A dependency file written to a fresh temporary folder (kept alive by the returned guard).
fn temp_deps(name: &str, text: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let deps = dir.path().join(name);
    std::fs::write(&deps, text).unwrap();
    (dir, deps.to_str().unwrap().to_string())
}

fn json_error(args: &[&str], code: i32) -> serde_json::Value {
    let a = plan(args).code(code);
    stdout_json(&a)["error"].clone()
}

#[test]
fn to_with_a_build_falls_back_like_from_and_package() {
    for to in [
        "4.2.1.1-101000062023110109",
        "4.2.1.1-101000062023110109.el7",
    ] {
        let a = plan(&[
            "--deps", SEED, "--from", "4.0.0.0", "--to", to, "--format", "json",
        ])
        .code(0);
        let v = stdout_json(&a);
        assert_eq!(v["to"], "4.2.1.1", "{to}");
        assert_eq!(v["to_requested"], to);
        assert_eq!(v["to_match"], "plain_version");
        assert_eq!(v["from_requested"], "4.0.0.0");
        assert_eq!(v["from_match"], "exact");
        assert_eq!(v["hops"], 6);
        assert_eq!(v["stages"][2]["version"], "4.2.1.1");
    }
    // A build node that exists is used as named, suffix or not (here: deprecated, so refused).
    for to in [
        "4.2.0.0-100000152023080109",
        "4.2.0.0-100000152023080109.el7",
    ] {
        let e = json_error(
            &[
                "--deps", SEED, "--from", "4.0.0.0", "--to", to, "--format", "json",
            ],
            1,
        );
        assert_eq!(e["kind"], "deprecated_target", "{to}");
    }
    // The start resolves the same way, and says how: see rpm_release_start_resolves_to_build_node.
    // Text output names the node used, right under the title.
    let a = plan(&[
        "--deps",
        SEED,
        "--from",
        "4.0.0.0",
        "--to",
        "4.2.1.1-101000062023110109",
    ])
    .code(0);
    let text = String::from_utf8(a.get_output().stdout.clone()).unwrap();
    let second = text.lines().nth(1).unwrap_or_default();
    assert_eq!(
        second,
        "--to 4.2.1.1-101000062023110109 is node 4.2.1.1: the file has no node for that build, \
         so its plain version is used"
    );
    // An exact name adds no note (the existing snapshots are unchanged).
    let a = plan(&["--deps", SEED, "--from", "4.0.0.0", "--to", "4.2.1.1"]).code(0);
    let text = String::from_utf8(a.get_output().stdout.clone()).unwrap();
    assert_eq!(text.lines().nth(1), Some(""));
    // --package reports the package's VERSION-BUILD as the requested target.
    let a = plan(&["--package", PKG, "--from", "4.1.0.0", "--format", "json"]).code(0);
    let v = stdout_json(&a);
    assert_eq!(v["to"], "4.2.1.1");
    assert_eq!(v["to_requested"], "4.2.1.1-101000062023110109");
    assert_eq!(v["to_match"], "plain_version");
}

#[test]
fn nearest_versions_name_the_version_first_and_never_a_deprecated_target() {
    let nearest = |from: &str, to: &str| {
        let e = json_error(
            &[
                "--deps", SEED, "--from", from, "--to", to, "--format", "json",
            ],
            1,
        );
        e["nearest"].clone()
    };
    assert_eq!(
        nearest("4.0.0.0", "4.2.1.1-abc.el7"),
        serde_json::json!(["4.2.1.1", "4.2.1.0", "4.3.0.0"])
    );
    // The closest version above 4.1.9 is the deprecated 4.2.0.0-100000152023080109: skipped.
    assert_eq!(
        nearest("4.0.0.0", "4.1.9"),
        serde_json::json!(["4.1.0.2", "4.2.0.0"])
    );
    assert_eq!(
        nearest("4.0.0.0", "4.1.5-999"),
        serde_json::json!(["4.1.0.2", "4.2.0.0"])
    );
    // A start may be deprecated, so start suggestions keep them.
    let e = json_error(
        &[
            "--deps", SEED, "--from", "4.1.9", "--to", "4.3.0.0", "--format", "json",
        ],
        1,
    );
    assert_eq!(e["kind"], "unknown_start");
    assert_eq!(
        e["nearest"],
        serde_json::json!(["4.1.0.2", "4.2.0.0-100000152023080109"])
    );
}

#[test]
fn a_build_that_is_not_a_number_is_refused_not_dropped() {
    for from in [
        "4.0.0.0-abc",
        "4.0.0.0-abc.el7",
        "4.0.0.0-",
        "4.0.0.0-12.34",
    ] {
        let e = json_error(
            &[
                "--deps", SEED, "--from", from, "--to", "4.3.0.0", "--format", "json",
            ],
            1,
        );
        assert_eq!(e["kind"], "unknown_start", "{from}");
        assert_eq!(e["reason"], "invalid_build", "{from}");
        assert_eq!(e["requested"], from);
        assert_eq!(e["nearest"][0], "4.0.0.0", "{from}");
        let message = e["message"].as_str().unwrap();
        assert!(
            message.contains("is not a number") || message.contains("the build after `-` is empty"),
            "{e}"
        );
    }
    let e = json_error(
        &[
            "--deps",
            SEED,
            "--from",
            "4.0.0.0",
            "--to",
            "4.3.0.0-rc1",
            "--format",
            "json",
        ],
        1,
    );
    assert_eq!(e["kind"], "unknown_target");
    assert_eq!(e["reason"], "invalid_build");
    assert_eq!(e["nearest"][0], "4.3.0.0");
    // In text, one line on stderr with the hint.
    let a = plan(&["--deps", SEED, "--from", "4.0.0.0-abc", "--to", "4.3.0.0"]).code(1);
    let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    assert_eq!(
        err.trim_end(),
        "error: unknown start version `4.0.0.0-abc`: its build `abc` is not a number (write V, \
         V-BUILD with a decimal BUILD, or an RPM release such as V-BUILD.el7); nearest known \
         versions: 4.0.0.0, 4.1.0.0-100000192023032010"
    );
    // An unknown plain version says so.
    let e = json_error(
        &[
            "--deps", SEED, "--from", "3.2.0", "--to", "4.3.0.0", "--format", "json",
        ],
        1,
    );
    assert_eq!(e["reason"], "not_found");
}

#[test]
fn no_route_can_reach_target_excludes_the_target() {
    let (_dir, deps) = temp_deps(
        "deps.yml",
        "- version: 1.0.0.0\n  can_be_upgraded_to: [1.2.0.0]\n- version: 1.1.0.0\n- version: 1.2.0.0\n",
    );
    let deps = deps.as_str();
    let e = json_error(
        &[
            "--deps", deps, "--from", "1.1.0.0", "--to", "1.2.0.0", "--format", "json",
        ],
        1,
    );
    assert_eq!(e["kind"], "no_route");
    assert_eq!(e["can_reach_target"], serde_json::json!(["1.0.0.0"]));
    assert_eq!(e["closest_reachable"], "1.1.0.0");
    assert_eq!(
        e["message"],
        "no upgrade route from `1.1.0.0` to `1.2.0.0`; `1.1.0.0` cannot upgrade to anything closer \
         to it; `1.2.0.0` can be reached from 1.0.0.0"
    );
    let a = plan(&["--deps", deps, "--from", "1.1.0.0", "--to", "1.2.0.0"]).code(1);
    let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    assert!(
        err.ends_with("`1.2.0.0` can be reached from 1.0.0.0\n"),
        "{err}"
    );
    // Nothing reaches 4.0.0.0: an empty list, and the message says so.
    let e = json_error(
        &[
            "--deps", SEED, "--from", "4.3.0.0", "--to", "4.0.0.0", "--format", "json",
        ],
        1,
    );
    assert_eq!(e["can_reach_target"], serde_json::json!([]));
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .ends_with("no version upgrades to `4.0.0.0`")
    );
}

#[test]
fn semver_build_metadata_does_not_affect_precedence() {
    let semver = "tests/fixtures/plan/semver.yml";
    let a = plan(&[
        "--deps", semver, "--from", "1.4.0", "--to", "1.5.0", "--format", "json",
    ])
    .code(0);
    let v = stdout_json(&a);
    assert_eq!(v["to"], "1.5.0+build.7");
    assert_eq!(v["to_requested"], "1.5.0");
    assert_eq!(v["to_match"], "build_metadata");
    assert_eq!(v["path"], serde_json::json!(["1.4.0", "1.5.0+build.7"]));
    // Another build's metadata names no node; the node with that version is suggested first.
    let e = json_error(
        &[
            "--deps",
            semver,
            "--from",
            "1.4.0",
            "--to",
            "1.5.0+build.8",
            "--format",
            "json",
        ],
        1,
    );
    assert_eq!(e["kind"], "unknown_target");
    assert_eq!(e["nearest"][0], "1.5.0+build.7");
    // Two nodes differ only in build metadata: ambiguous, both listed.
    let (_dir, deps) = temp_deps(
        "semver.yml",
        "- version: 1.4.0\n  can_be_upgraded_to: [1.5.0+a, 1.5.0+b]\n",
    );
    let deps = deps.as_str();
    let e = json_error(
        &[
            "--deps", deps, "--from", "1.4.0", "--to", "1.5.0", "--format", "json",
        ],
        1,
    );
    assert_eq!(e["kind"], "unknown_target");
    assert_eq!(e["reason"], "ambiguous");
    assert_eq!(e["candidates"], serde_json::json!(["1.5.0+a", "1.5.0+b"]));
    assert_eq!(e["nearest"], serde_json::json!(["1.5.0+a", "1.5.0+b"]));
    assert_eq!(
        e["message"],
        "target version `1.5.0` is ambiguous: 1.5.0+a, 1.5.0+b differ only in build metadata; \
         name one of them"
    );
    plan(&["--deps", deps, "--from", "1.4.0", "--to", "1.5.0+b"]).code(0);
}

/// Two builds the file does not tell apart are one node: 0 hops, and a note says so rather than
/// letting "already at the target" stand alone. RPM z-stream releases (`1.el7_9.1`) name build 1.
#[test]
fn builds_the_file_does_not_tell_apart_and_z_stream_releases() {
    let a = plan(&[
        "--deps",
        SEED,
        "--from",
        "4.2.1.1-101000062023110109.el7",
        "--to",
        "4.2.1.1-7",
        "--format",
        "json",
    ])
    .code(0);
    let v = stdout_json(&a);
    assert_eq!(v["hops"], 0);
    let notes = v["notes"].as_array().unwrap();
    assert!(
        notes.iter().any(|n| n
            .as_str()
            .unwrap()
            .contains("does not tell these builds apart")),
        "{v}"
    );
    let a = plan(&[
        "--deps",
        SEED,
        "--from",
        "4.2.1.1-1.el7_9.1",
        "--to",
        "latest",
        "--format",
        "json",
    ])
    .code(0);
    let v = stdout_json(&a);
    assert_eq!(v["from"], "4.2.1.1");
    assert_eq!(v["from_match"], "plain_version");
    // The same name twice is simply "already there", without the note.
    let a = plan(&[
        "--deps",
        SEED,
        "--from",
        "4.2.1.1-7",
        "--to",
        "4.2.1.1-7",
        "--format",
        "json",
    ])
    .code(0);
    let v = stdout_json(&a);
    assert!(
        v["notes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|n| !n.as_str().unwrap().contains("tell these builds apart")),
        "{v}"
    );
}
