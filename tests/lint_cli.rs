//! `upgrade-planner lint`, `diff` and `graph`, driven through the real binary.

mod common;

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;
use upgrade_planner::lint::RULES;

const FIXTURES: &str = "tests/fixtures/lint";

fn bin() -> Command {
    let mut c = Command::cargo_bin("upgrade-planner").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1");
    c
}

fn run(args: &[&str]) -> (String, i32) {
    let out = bin().args(args).output().unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        out.status.code().unwrap_or(-1),
    )
}

fn json(args: &[&str]) -> (Value, i32) {
    let (out, code) = run(args);
    (serde_json::from_str(&out).unwrap(), code)
}

/// Rules with a fixture (every rule but `analysis-limit`, see the fixtures' README).
fn fixture_rules() -> impl Iterator<Item = &'static upgrade_planner::lint::Rule> {
    RULES.iter().filter(|r| r.id != "analysis-limit")
}

#[test]
fn every_rule_reports_the_exact_line_and_column() {
    for rule in fixture_rules() {
        let path = format!("{FIXTURES}/{}.yml", rule.id);
        let expected = common::expectations(&path);
        assert!(!expected.is_empty(), "{path} has no `# expect:` line");
        let (doc, code) = json(&["lint", "--format", "json", &path]);
        let found = common::findings_of(&doc, rule.id, rule.severity.as_str(), &path);
        assert_eq!(found, expected, "{path}");
        let expected_code = if rule.severity == upgrade_planner::Severity::Error {
            1
        } else {
            0
        };
        assert_eq!(code, expected_code, "{path}: exit code");
    }
}

#[test]
fn every_rule_text_output_snapshot() {
    for rule in fixture_rules() {
        let path = format!("{FIXTURES}/{}.yml", rule.id);
        let (out, _) = run(&["lint", &path]);
        insta::assert_snapshot!(format!("rule-{}", rule.id), out);
    }
}

#[test]
fn clean_fixtures_have_no_finding() {
    for rule in fixture_rules() {
        let path = format!("{FIXTURES}/clean/{}.yml", rule.id);
        let (doc, code) = json(&["lint", "--format", "json", "--deny", "warning", &path]);
        assert_eq!(doc["findings"], serde_json::json!([]), "{path}");
        assert_eq!(code, 0, "{path}");
    }
}

#[test]
fn real_files_lint_clean_of_errors() {
    let mut files: Vec<String> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("data"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "yml" || e == "yaml"))
            .map(|p| format!("data/{}", p.file_name().unwrap().to_string_lossy()))
            .collect();
    files.sort();
    assert!(files.len() >= 2);
    let mut args = vec!["lint", "--format", "json"];
    args.extend(files.iter().map(String::as_str));
    let (doc, code) = json(&args);
    assert_eq!(doc["summary"]["errors"], 0, "{doc:#}");
    assert_eq!(code, 0);
    insta::assert_json_snapshot!("real_files", doc);
}

#[test]
fn exit_codes_follow_deny() {
    let warn = format!("{FIXTURES}/dead-end.yml");
    assert_eq!(run(&["lint", &warn]).1, 0);
    assert_eq!(run(&["lint", "--deny", "warning", &warn]).1, 1);
    assert_eq!(run(&["lint", "--deny", "error", &warn]).1, 0);
    let err = format!("{FIXTURES}/self-edge.yml");
    assert_eq!(run(&["lint", &err]).1, 1);
    // A note never fails.
    let note = format!("{FIXTURES}/implicit-node.yml");
    assert_eq!(run(&["lint", "--deny", "warning", &note]).1, 0);
    // An unreadable file: exit 2, even next to files with errors; the others are still linted.
    let out = bin()
        .args([
            "lint",
            "--format",
            "json",
            &err,
            "tests/fixtures/lint/no-such-file.yml",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        doc["unreadable"][0]["file"],
        "tests/fixtures/lint/no-such-file.yml"
    );
    assert_eq!(doc["summary"]["errors"], 1);
    // The document says it; stderr stays empty in JSON, as for every command.
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // In text, stderr says it.
    let out = bin()
        .args(["lint", &err, "tests/fixtures/lint/no-such-file.yml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("cannot read tests/fixtures/lint/no-such-file.yml")
    );
}

#[test]
fn json_document_shape() {
    let (doc, _) = json(&[
        "lint",
        "--format",
        "json",
        &format!("{FIXTURES}/duplicate-version.yml"),
    ]);
    insta::assert_json_snapshot!("json_duplicate_version", doc);
}

#[test]
fn github_workflow_commands() {
    let (out, code) = run(&[
        "lint",
        "--format",
        "github",
        &format!("{FIXTURES}/cycle.yml"),
        &format!("{FIXTURES}/self-edge.yml"),
    ]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("github_commands", out);
}

#[test]
fn sarif_is_valid_sarif_2_1_0() {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas/sarif-2.1.0.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let mut args = vec!["lint".to_string(), "--format".into(), "sarif".into()];
    for rule in fixture_rules() {
        args.push(format!("{FIXTURES}/{}.yml", rule.id));
    }
    args.push(format!("{FIXTURES}/no-such-file.yml"));
    let out = bin().args(&args).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // The validator does reject a broken log (so the check above can fail).
    let mut broken = sarif.clone();
    broken["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!validator.is_valid(&broken));
    // What GitHub code scanning reads: rules with ids, results pointing at them, locations.
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), RULES.len());
    let results = run["results"].as_array().unwrap();
    assert!(results.len() >= fixture_rules().count());
    for r in results {
        let ix = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[ix]["id"], r["ruleId"]);
        let loc = &r["locations"][0]["physicalLocation"];
        assert!(
            loc["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .starts_with("tests/fixtures/lint/")
        );
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
    }
    assert_eq!(run["invocations"][0]["executionSuccessful"], false);
}

#[test]
fn diff_reports_every_kind_of_change() {
    let args = [
        "diff",
        "tests/fixtures/diff/old.yml",
        "tests/fixtures/diff/new.yml",
    ];
    let (text, code) = run(&args);
    assert_eq!(code, 0);
    insta::assert_snapshot!("diff_text", text);
    let (doc, _) = json(&[args[0], args[1], args[2], "--format", "json"]);
    assert_eq!(doc["schema"], "upgrade-planner/diff/v1");
    insta::assert_json_snapshot!("diff_json", doc);
    assert_eq!(
        run(&[args[0], args[1], args[2], "--fail-on", "removed"]).1,
        1
    );
    assert_eq!(
        run(&[args[0], args[1], args[2], "--fail-on", "changed"]).1,
        1
    );
    // The same file: nothing matches, exit 0.
    let same = [
        "diff",
        "tests/fixtures/diff/new.yml",
        "tests/fixtures/diff/new.yml",
    ];
    assert_eq!(
        run(&[same[0], same[1], same[2], "--fail-on", "changed"]).1,
        0
    );
    // Only additions: `--fail-on removed` passes, `--fail-on changed` fails.
    let grow = [
        "diff",
        "data/seed-oceanbase-ce-4.2.1.1.yml",
        "data/oceanbase-master.yml",
    ];
    let (doc, _) = json(&[grow[0], grow[1], grow[2], "--format", "json"]);
    let removed = doc["summary"]["removed"].as_u64().unwrap()
        + doc["summary"]["target_deprecated"].as_u64().unwrap();
    assert_eq!(
        run(&[grow[0], grow[1], grow[2], "--fail-on", "removed"]).1,
        i32::from(removed > 0)
    );
}

#[test]
fn diff_of_an_invalid_file_is_exit_2() {
    let (doc, code) = json(&[
        "diff",
        "--format",
        "json",
        "tests/fixtures/diff/old.yml",
        &format!("{FIXTURES}/schema.yml"),
    ]);
    assert_eq!(code, 2);
    assert_eq!(doc["schema"], "upgrade-planner/diff/v1");
    assert_eq!(doc["error"]["kind"], "invalid_document");
    assert_eq!(doc["error"]["diagnostics"][0]["line"], 4);
}

#[test]
fn graph_dot_and_mermaid() {
    let file = "data/seed-oceanbase-ce-4.2.1.1.yml";
    let (dot, code) = run(&["graph", file, "--plan", "4.0.0.0", "4.3.0.0"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("graph_dot_plan", dot);
    let (mermaid, code) = run(&["graph", file, "--format", "mermaid"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("graph_mermaid", mermaid);
    // A refused plan is exit 1, as with `plan`.
    assert_eq!(run(&["graph", file, "--plan", "4.3.0.0", "4.0.0.0"]).1, 1);
    assert_eq!(run(&["graph", &format!("{FIXTURES}/schema.yml")]).1, 2);
}

#[test]
fn help_has_examples_and_exit_codes() {
    for cmd in ["lint", "diff", "graph"] {
        let (out, code) = run(&[cmd, "--help"]);
        assert_eq!(code, 0);
        assert!(
            out.contains("Examples:") && out.contains("Exit codes:"),
            "{cmd}: {out}"
        );
    }
}

#[test]
fn docs_list_every_rule() {
    let docs = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/lint.md"))
        .unwrap();
    for rule in RULES {
        assert!(
            docs.contains(&format!("### `{}`", rule.id)),
            "docs/lint.md has no section for `{}`",
            rule.id
        );
    }
}
