//! The `npm` commands, driven through the real binary; outputs are snapshot-tested.

use assert_cmd::Command;

const DIR: &str = "tests/fixtures/npm";

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("upgrade-planner")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn sample(name: &str) -> String {
    for dir in ["valid", "invalid"] {
        for ext in ["txt", "xml"] {
            let p = format!("{DIR}/{dir}/{name}.{ext}");
            if std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(&p)
                .exists()
            {
                return p;
            }
        }
    }
    panic!("no sample {name}");
}

#[test]
fn text_output_of_valid_samples() {
    for name in [
        "v01-dataontap-7.3.2-eq",
        "v09-multi-value",
        "x05-response-unknown-elements",
    ] {
        let (code, out, err) = run(&["npm", &sample(name)]);
        assert_eq!((code, err.as_str()), (0, ""), "{name}");
        insta::assert_snapshot!(format!("text_{name}"), out);
    }
}

#[test]
fn json_output_of_valid_samples() {
    for name in [
        "v11-mixed-separators-no-final-newline",
        "x03-response-entities-cdata",
        "x09-request-cf-pri-part",
    ] {
        let (code, out, _) = run(&["npm", &sample(name), "--format", "json"]);
        assert_eq!(code, 0, "{name}");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["schema"], "upgrade-planner/npm/v1");
        insta::assert_json_snapshot!(format!("json_{name}"), v);
    }
}

#[test]
fn errors_exit_1_with_netapp_codes() {
    for name in [
        "t19-duplicate-name",
        "t01-empty",
        "y13-failed-eagain",
        "y15-request-bad-location",
    ] {
        let (code, out, err) = run(&["npm", &sample(name), "--format", "json"]);
        assert_eq!((code, err.as_str()), (1, ""), "{name}");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        insta::assert_json_snapshot!(format!("error_{name}"), v);
    }
    let (code, out, err) = run(&["npm", &sample("t27-ontap-rls-no-colon")]);
    assert_eq!((code, out.as_str()), (1, ""));
    insta::assert_snapshot!("error_text_t27", err);
}

#[test]
fn unreadable_input_exits_2() {
    let (code, out, _) = run(&["npm", "no/such/file.txt", "--format", "json"]);
    assert_eq!(code, 2);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["error"]["kind"], "unreadable");
    let (code, _, err) = run(&["npm", "no/such/file.txt"]);
    assert_eq!(code, 2);
    assert!(
        err.starts_with("error: cannot read no/such/file.txt"),
        "{err}"
    );
}

#[test]
fn file_and_check_subcommand_both_parse() {
    // A positional FILE and the check subcommand cannot be combined...
    let (code, _, err) = run(&["npm", &sample("v01-dataontap-7.3.2-eq"), "check"]);
    assert_eq!(code, 2, "{err}");
    // ...and without either, FILE is required.
    let (code, _, err) = run(&["npm"]);
    assert_eq!(code, 2);
    assert!(err.contains("<FILE>"), "{err}");
    // check requires both --installed and --package.
    let (code, _, err) = run(&[
        "npm",
        "check",
        "--installed",
        &sample("v01-dataontap-7.3.2-eq"),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("--package"), "{err}");
}

#[test]
fn check_upgrade_and_revert() {
    let a = sample("v01-dataontap-7.3.2-eq");
    let b = sample("v15-dataontap-8.2.5P1-spaced");
    let (code, out, _) = run(&["npm", "check", "--installed", &a, "--package", &b]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("check_text_upgrade", out);
    let (code, out, _) = run(&[
        "npm",
        "check",
        "--installed",
        &b,
        "--package",
        &a,
        "--format",
        "json",
    ]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (
            v["verdict"].as_str(),
            v["revert_procedure_required"].as_bool()
        ),
        (Some("revert"), Some(true))
    );
    insta::assert_json_snapshot!("check_json_revert", v);
}

#[test]
fn check_refuses_service_packages_and_invalid_metadata() {
    let a = sample("v01-dataontap-7.3.2-eq");
    let (code, out, _) = run(&[
        "npm",
        "check",
        "--installed",
        &a,
        "--package",
        &sample("v03-service-mips-cfe-diag"),
        "--format",
        "json",
    ]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["verdict"], "incompatible");
    let codes: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["package-not-ontap", "cpu-arch-mismatch"]);
    let (code, out, _) = run(&[
        "npm",
        "check",
        "--installed",
        &a,
        "--package",
        &sample("t05-bad-pkg-type"),
        "--format",
        "json",
    ]);
    assert_eq!(code, 2);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (
            v["schema"].as_str(),
            v["error"]["code"].as_str(),
            v["error"]["role"].as_str()
        ),
        (
            Some("upgrade-planner/npm-check/v1"),
            Some("ENPMERXMETA"),
            Some("package")
        )
    );
}

#[test]
fn help_shows_examples_and_exit_codes() {
    let (code, out, _) = run(&["npm", "--help"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("Examples:") && out.contains("Exit codes"),
        "{out}"
    );
    insta::assert_snapshot!("help_npm", out);
    let (_, out, _) = run(&["npm", "check", "--help"]);
    assert!(
        out.contains("--installed <A>") && out.contains("Exit codes: 0 acceptable upgrade"),
        "{out}"
    );
}
