//! Known upgrade risks (issue 17) through the real binary, on the worked example of
//! `docs/risks.md` (`data/risks-example/`): a plan that avoids a risky update, the
//! `not_recommended` refusal, the accepted plan with its warning, `targets
//! --include-not-recommended`, the rollout runbook's "Known risks", `lint --risks` (every rule at its
//! line and column), `graph` (dashed conditional edges, the Cincinnati JSON against its schema),
//! `diff` with risks, and every error of the new inputs.

mod common;

use serde_json::Value;
use std::path::Path;
use upgrade_planner::risks::lint::RISK_RULES;

const DEPS: &str = "data/risks-example/deps.yml";
const RISKS: &str = "data/risks-example/risks";
const FACTS: &str = "data/risks-example/facts.yml";
const CLUSTER: &str = "data/risks-example/cluster.yml";
const BROKEN: &str = "data/risks-example/broken-risks.yml";
const FIXTURES: &str = "tests/fixtures/risks";

use common::run_cli_full as run;

fn json(args: &[&str]) -> (Value, i32) {
    let (out, err, code) = run(args);
    let v = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: {e}\n{out}\n{err}"));
    (v, code)
}

fn plan(extra: &[&str]) -> Vec<String> {
    let mut args = vec!["plan", "--deps", DEPS, "--risks", RISKS];
    args.extend(extra);
    args.into_iter().map(String::from).collect()
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[test]
fn a_plan_avoids_a_risky_update_when_another_route_exists() {
    let args = plan(&["--from", "4.2.1.1", "--to", "4.3.0.0"]);
    let (out, err, code) = run(&strs(&args));
    assert_eq!((code, err.as_str()), (0, ""));
    insta::assert_snapshot!("avoid_text", out);
    let mut args = args;
    args.extend(["--format".into(), "json".into()]);
    let (doc, code) = json(&strs(&args));
    assert_eq!(code, 0);
    assert_eq!(
        doc["path"],
        serde_json::json!(["4.2.1.1", "4.2.1.2", "4.3.0.0"])
    );
    assert_eq!(doc["accepted_risks"], serde_json::json!([]));
    assert_eq!(
        doc["avoided_risks"][0]["name"],
        "DirectUpgradeSkipsDictionaryCheck"
    );
    insta::assert_json_snapshot!("avoid_json", doc);
    // Without --risks: the shortest route, byte for byte what it was.
    let (out, _, code) = run(&[
        "plan", "--deps", DEPS, "--from", "4.2.1.1", "--to", "4.3.0.0", "--format", "json",
    ]);
    assert_eq!(code, 0);
    assert!(!out.contains("risks"), "{out}");
    assert!(out.contains("\"hops\": 1"), "{out}");
}

#[test]
fn only_not_recommended_routes_are_refused_with_the_risk_url_and_query() {
    let args = plan(&["--from", "4.2.1.0", "--to", "4.3.0.0"]);
    let (out, err, code) = run(&strs(&args));
    assert_eq!((code, out.as_str()), (1, ""));
    assert!(err.starts_with("error: no recommended route"), "{err}");
    insta::assert_snapshot!("refusal_text", err);
    let mut args = args;
    args.extend(["--format".into(), "json".into()]);
    let (doc, code) = json(&strs(&args));
    assert_eq!(code, 1);
    let e = &doc["error"];
    assert_eq!(e["kind"], "not_recommended");
    let risk = &e["risks"][0];
    for key in [
        "name",
        "from",
        "to",
        "url",
        "message",
        "evaluation",
        "rule",
        "sql",
    ] {
        assert!(risk.get(key).is_some(), "{key} missing: {risk}");
    }
    assert_eq!(risk["name"], "PurgeRebuildCorruption");
    assert_eq!(risk["evaluation"], "matched");
    assert_eq!(risk["rule"], "Always");
    assert!(risk["sql"].as_str().unwrap().contains("GV$OB_PARAMETERS"));
    // Accepting only PurgeRebuildCorruption is enough: the route goes around the other risk.
    assert_eq!(e["accept"], serde_json::json!(["PurgeRebuildCorruption"]));
    assert_eq!(
        e["route"]["path"],
        serde_json::json!(["4.2.1.0", "4.2.1.1", "4.2.1.2", "4.3.0.0"])
    );
    insta::assert_json_snapshot!("refusal_json", doc);
}

#[test]
fn the_accepted_plan_warns_before_its_stages() {
    let args = plan(&[
        "--from",
        "4.2.1.0",
        "--to",
        "4.3.0.0",
        "--accept-risk",
        "PurgeRebuildCorruption",
    ]);
    let (out, _, code) = run(&strs(&args));
    assert_eq!(code, 0);
    let warning = out
        .find("warning: accepted risk PurgeRebuildCorruption")
        .unwrap();
    assert!(warning < out.find("Stages").unwrap(), "{out}");
    insta::assert_snapshot!("accepted_text", out);
    let mut md = args.clone();
    md.extend(["--format".into(), "markdown".into()]);
    let (out, _, code) = run(&strs(&md));
    assert_eq!(code, 0);
    assert!(out.find("Warning: accepted risk").unwrap() < out.find("## Stages").unwrap());
    insta::assert_snapshot!("accepted_markdown", out);
    let mut js = args;
    js.extend(["--format".into(), "json".into()]);
    let (doc, code) = json(&strs(&js));
    assert_eq!(code, 0);
    let accepted = &doc["accepted_risks"][0];
    for key in ["name", "from", "to", "url", "message"] {
        assert!(accepted.get(key).is_some(), "{key}: {accepted}");
    }
    // The refusal's route is exactly the accepted plan.
    let (refusal, _) = json(&strs(&plan(&[
        "--from", "4.2.1.0", "--to", "4.3.0.0", "--format", "json",
    ])));
    let mut route = refusal["error"]["route"].clone();
    let mut got = doc.clone();
    for v in [&mut route, &mut got] {
        let o = v.as_object_mut().unwrap();
        for k in [
            "from_requested",
            "from_match",
            "to_requested",
            "to_match",
            "notes",
        ] {
            o.remove(k);
        }
    }
    assert_eq!(got, route);
}

#[test]
fn facts_decide_a_fact_rule_and_an_sql_rule_is_never_evaluated() {
    let (doc, code) = json(&strs(&plan(&[
        "--from", "4.2.1.0", "--to", "4.2.1.1", "--facts", FACTS, "--format", "json",
    ])));
    assert_eq!(code, 0);
    assert_eq!(doc["hops"], 1);
    assert_eq!(doc["accepted_risks"], serde_json::json!([]));
    // A fact that says True: matched by the Fact rule (not by Always).
    let dir = tempfile::tempdir().unwrap();
    let facts = dir.path().join("f.json");
    std::fs::write(&facts, r#"{"parameters.enable_rebuild_on_purge": true}"#).unwrap();
    // `plan 4.2.1.0 -> 4.2.1.1 --facts f.json --format json`.
    let with_facts = || {
        let f = facts.to_str().unwrap();
        let args = [
            "--from", "4.2.1.0", "--to", "4.2.1.1", "--facts", f, "--format", "json",
        ];
        json(&strs(&plan(&args)))
    };
    let (doc, code) = with_facts();
    assert_eq!(code, 1);
    assert_eq!(
        doc["error"]["risks"][0]["rule"],
        "Fact parameters.enable_rebuild_on_purge equals \"True\""
    );
    assert_eq!(doc["error"]["risks"][0]["sql"], Value::Null);
    // No fact that decides: the SQL rule is reported with its query, Always decides.
    std::fs::write(&facts, "{}").unwrap();
    let (doc, _) = with_facts();
    assert_eq!(
        doc["error"]["risks"][0]["facts_needed"],
        serde_json::json!(["parameters.enable_rebuild_on_purge"])
    );
}

#[test]
fn latest_is_the_newest_recommended_version() {
    let (doc, code) = json(&strs(&plan(&[
        "--from", "4.2.1.0", "--to", "latest", "--format", "json",
    ])));
    // Every update out of 4.2.1.0 is risky: latest is the newest of all, refused.
    assert_eq!(
        (code, doc["error"]["kind"].as_str()),
        (1, Some("not_recommended"))
    );
    let dir = tempfile::tempdir().unwrap();
    let only_direct = dir.path().join("r.yml");
    std::fs::copy(
        format!("{RISKS}/direct-upgrade-dictionary-check.yml"),
        &only_direct,
    )
    .unwrap();
    let deps = dir.path().join("d.yml");
    std::fs::write(&deps, "- version: 1.0.0.0\n  can_be_upgraded_to: [4.2.1.1]\n- version: 4.2.1.1\n  can_be_upgraded_to: [4.3.0.0]\n").unwrap();
    let (doc, code) = json(&[
        "plan",
        "--deps",
        deps.to_str().unwrap(),
        "--from",
        "1.0.0.0",
        "--to",
        "latest",
        "--risks",
        only_direct.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    assert_eq!(doc["to"], "4.2.1.1");
    assert_eq!(doc["newer_not_recommended"], "4.3.0.0");
    assert!(
        doc["notes"][0]
            .as_str()
            .unwrap()
            .contains("4.3.0.0 is newer"),
        "{doc}"
    );
}

#[test]
fn targets_lists_recommended_targets_and_the_others_on_request() {
    let base = [
        "targets", "--deps", DEPS, "--from", "4.2.1.0", "--risks", RISKS,
    ];
    let (out, _, code) = run(&base);
    assert_eq!(code, 0);
    assert!(
        out.contains(
            "3 versions are reachable only through updates known risks make not recommended"
        ),
        "{out}"
    );
    let mut args = base.to_vec();
    args.push("--include-not-recommended");
    let (out, _, code) = run(&args);
    assert_eq!(code, 0);
    insta::assert_snapshot!("targets_text", out);
    args.extend(["--format", "json"]);
    let (doc, _) = json(&args);
    assert_eq!(doc["targets"], serde_json::json!([]));
    assert_eq!(doc["not_recommended_count"], 3);
    assert_eq!(doc["not_recommended"][0]["version"], "4.3.0.0");
    assert_eq!(
        doc["not_recommended"][0]["risks"][0]["name"],
        "PurgeRebuildCorruption"
    );
    insta::assert_json_snapshot!("targets_json", doc);
    let (doc, _) = json(&[
        "targets", "--deps", DEPS, "--from", "4.2.1.0", "--risks", RISKS, "--facts", FACTS,
        "--format", "json",
    ]);
    let versions: Vec<&str> = doc["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["version"].as_str().unwrap())
        .collect();
    assert_eq!(versions, ["4.3.0.0", "4.2.1.2", "4.2.1.1"]);
    assert_eq!(
        doc["targets"][0]["path"],
        serde_json::json!(["4.2.1.0", "4.2.1.1", "4.2.1.2", "4.3.0.0"])
    );
}

#[test]
fn rollout_evaluates_each_node_and_the_runbook_has_known_risks() {
    let base = [
        "rollout",
        "--deps",
        DEPS,
        "--cluster",
        CLUSTER,
        "--to",
        "4.3.0.0",
        "--risks",
        RISKS,
    ];
    // ob-3's own fact says True: it alone is refused.
    let (out, err, code) = run(&base);
    assert_eq!((code, out.as_str()), (1, ""));
    assert!(
        err.starts_with("error: node `ob-3` (at `4.2.1.0`) has no recommended route"),
        "{err}"
    );
    let mut args = base.to_vec();
    args.extend(["--format", "json"]);
    let (doc, code) = json(&args);
    assert_eq!(code, 1);
    assert_eq!(doc["error"]["kind"], "not_recommended");
    assert_eq!(doc["error"]["node"], "ob-3");
    assert_eq!(
        doc["error"]["accept"],
        serde_json::json!(["PurgeRebuildCorruption"])
    );
    let mut args = base.to_vec();
    args.extend([
        "--accept-risk",
        "PurgeRebuildCorruption",
        "--format",
        "markdown",
    ]);
    let (out, _, code) = run(&args);
    assert_eq!(code, 0);
    assert!(out.contains("## Known risks"), "{out}");
    assert!(
        out.contains("select value from oceanbase.GV$OB_PARAMETERS"),
        "{out}"
    );
    assert!(
        out.contains("https://example.invalid/kb/purge-rebuild-corruption"),
        "{out}"
    );
    insta::assert_snapshot!("rollout_markdown", out);
    args.pop();
    args.push("text");
    let (out, _, code) = run(&args);
    assert_eq!(code, 0);
    insta::assert_snapshot!("rollout_text", out);
    args.pop();
    args.push("json");
    let (doc, _) = json(&args);
    let purge = doc["known_risks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["name"] == "PurgeRebuildCorruption")
        .unwrap();
    let verdicts: Vec<(&str, &str)> = purge["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["node"].as_str().unwrap(), n["verdict"].as_str().unwrap()))
        .collect();
    assert_eq!(
        verdicts,
        [
            ("ob-1", "not_applicable"),
            ("ob-2", "not_applicable"),
            ("ob-3", "accepted")
        ]
    );
    // Without --risks the facts are read and ignored: the rollout is what it was.
    let (doc, code) = json(&[
        "rollout",
        "--deps",
        DEPS,
        "--cluster",
        CLUSTER,
        "--to",
        "4.3.0.0",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    assert!(doc.get("known_risks").is_none());
}

#[test]
fn every_risk_rule_reports_the_exact_line_and_column() {
    for rule in RISK_RULES {
        let path = format!("{FIXTURES}/lint/{}.yml", rule.id);
        let expected = common::expectations(&path);
        assert!(!expected.is_empty(), "{path} has no `# expect:` line");
        let (doc, code) = json(&["lint", "--format", "json", DEPS, "--risks", &path]);
        let found = common::findings_of(&doc, rule.id, rule.severity.as_str(), &path);
        assert_eq!(found, expected, "{path}");
        let want = if rule.severity == upgrade_planner::Severity::Error {
            1
        } else {
            0
        };
        assert_eq!(code, want, "{path}: exit code");
        let clean = format!("{FIXTURES}/lint/clean/{}.yml", rule.id);
        let (doc, code) = json(&[
            "lint", "--format", "json", "--deny", "warning", DEPS, "--risks", &clean,
        ]);
        let risk_findings: Vec<&Value> = doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["file"] == clean.as_str())
            .collect();
        assert!(risk_findings.is_empty(), "{clean}: {risk_findings:?}");
        assert_eq!(code, 0, "{clean}");
    }
}

#[test]
fn lint_reports_a_broken_risks_file_in_every_format() {
    let (out, _, code) = run(&["lint", DEPS, "--risks", BROKEN]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("lint_broken_text", out);
    let (doc, code) = json(&["lint", DEPS, "--risks", BROKEN, "--format", "sarif"]);
    assert_eq!(code, 1);
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string("tests/schemas/sarif-2.1.0.json").unwrap())
            .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    assert!(validator.is_valid(&doc), "{doc}");
    let rules: Vec<&str> = doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    for r in RISK_RULES {
        assert!(rules.contains(&r.id), "{} not in the SARIF rules", r.id);
    }
    let (out, _, code) = run(&["lint", DEPS, "--risks", BROKEN, "--format", "github"]);
    assert_eq!(code, 1);
    assert!(
        out.contains("::error file=data/risks-example/broken-risks.yml,line=2,col=9"),
        "{out}"
    );
    // The example's own risks are clean; several dependency files with --risks is a usage error.
    let (_, _, code) = run(&["lint", "--deny", "warning", DEPS, "--risks", RISKS]);
    assert_eq!(code, 0);
    let (doc, code) = json(&["lint", DEPS, DEPS, "--risks", RISKS, "--format", "json"]);
    assert_eq!((code, doc["error"]["kind"].as_str()), (2, Some("usage")));
}

#[test]
fn graph_draws_conditional_edges_and_exports_cincinnati_json() {
    let (out, _, code) = run(&["graph", DEPS, "--risks", RISKS]);
    assert_eq!(code, 0);
    assert!(
        out.contains("style=dashed, label=\"PurgeRebuildCorruption\""),
        "{out}"
    );
    let (out, _, _) = run(&["graph", DEPS, "--risks", RISKS, "--format", "mermaid"]);
    assert!(
        out.contains("-.->|\"DirectUpgradeSkipsDictionaryCheck\"|"),
        "{out}"
    );
    let (doc, code) = json(&["graph", DEPS, "--risks", RISKS, "--format", "cincinnati"]);
    assert_eq!(code, 0);
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string("tests/schemas/cincinnati/graph.schema.json").unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    // What a schema cannot say: indexes name nodes, every edge once, conditional edges apart.
    let nodes: Vec<&str> = doc["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["version"].as_str().unwrap())
        .collect();
    let mut all: Vec<(String, String)> = Vec::new();
    for e in doc["edges"].as_array().unwrap() {
        let (a, b) = (
            e[0].as_u64().unwrap() as usize,
            e[1].as_u64().unwrap() as usize,
        );
        all.push((nodes[a].to_string(), nodes[b].to_string()));
    }
    let plain = all.len();
    for c in doc["conditionalEdges"].as_array().unwrap() {
        for e in c["edges"].as_array().unwrap() {
            let pair = (
                e["from"].as_str().unwrap().to_string(),
                e["to"].as_str().unwrap().to_string(),
            );
            assert!(nodes.contains(&pair.0.as_str()) && nodes.contains(&pair.1.as_str()));
            assert!(
                !all[..plain].contains(&pair),
                "{pair:?} is both plain and conditional"
            );
            all.push(pair);
        }
    }
    let g = upgrade_planner::DepGraph::from_path(DEPS.as_ref(), None).unwrap();
    assert_eq!(all.len(), g.graph().edge_count());
    insta::assert_json_snapshot!("cincinnati", doc);
    // Without risks: no conditional edge; the plain drawing is unchanged.
    let (doc, _) = json(&["graph", DEPS, "--format", "cincinnati"]);
    assert_eq!(doc["conditionalEdges"], serde_json::json!([]));
    assert_eq!(
        doc["edges"].as_array().unwrap().len(),
        g.graph().edge_count()
    );
    let (with, _, _) = run(&["graph", "data/seed-oceanbase-ce-4.2.1.1.yml"]);
    assert!(!with.contains("dashed, label"));
}

#[test]
fn diff_reports_routes_that_became_not_recommended() {
    let (out, _, code) = run(&["diff", DEPS, DEPS, "--risks-new", RISKS]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("diff_text", out);
    let (doc, code) = json(&[
        "diff",
        DEPS,
        DEPS,
        "--risks-new",
        RISKS,
        "--format",
        "json",
        "--fail-on",
        "removed",
    ]);
    assert_eq!(code, 1);
    assert!(doc["summary"]["became_not_recommended"].as_u64().unwrap() > 0);
    assert_eq!(doc["summary"]["no_longer_not_recommended"], 0);
    // The other way round, and the same risks on both sides (nothing changes).
    let (doc, _) = json(&["diff", DEPS, DEPS, "--risks-old", RISKS, "--format", "json"]);
    assert!(
        doc["summary"]["no_longer_not_recommended"]
            .as_u64()
            .unwrap()
            > 0
    );
    let (doc, code) = json(&[
        "diff",
        DEPS,
        DEPS,
        "--risks",
        RISKS,
        "--format",
        "json",
        "--fail-on",
        "changed",
    ]);
    assert_eq!((code, doc["changes"].as_array().unwrap().len()), (0, 0));
    // Without risks the summary has no risk counts.
    let (doc, _) = json(&["diff", DEPS, DEPS, "--format", "json"]);
    assert!(doc["summary"].get("became_not_recommended").is_none());
}

#[test]
fn bad_risk_inputs_are_exit_2_with_their_kind() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.yml");
    std::fs::write(&bad, "- name: X\n  to: 4.2.1.1\n").unwrap();
    let bad = bad.to_str().unwrap();
    let empty_dir = tempfile::tempdir().unwrap();
    // `plan … --to latest` with these arguments.
    let latest = |extra: &[&str]| -> Vec<String> {
        let mut args = vec![
            "plan", "--deps", DEPS, "--from", "4.2.1.0", "--to", "latest",
        ];
        args.extend(extra);
        args.into_iter().map(String::from).collect()
    };
    let empty = empty_dir.path().to_str().unwrap();
    let cluster = [
        "rollout",
        "--deps",
        DEPS,
        "--cluster",
        CLUSTER,
        "--to",
        "latest",
    ];
    let owned = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    for (args, kind) in [
        (latest(&["--risks", bad]), "invalid_risks"),
        (latest(&["--risks", BROKEN]), "invalid_risks"),
        (latest(&["--risks", "no/such/path"]), "invalid_risks"),
        (latest(&["--risks", empty]), "invalid_risks"),
        (
            latest(&["--risks", RISKS, "--accept-risk", "Nope"]),
            "unknown_risk",
        ),
        (latest(&["--risks", RISKS, "--facts", bad]), "invalid_facts"),
        (
            owned(&[
                "targets", "--deps", DEPS, "--from", "4.2.1.0", "--risks", bad,
            ]),
            "invalid_risks",
        ),
        (
            owned(&[&cluster[..], &["--risks", bad]].concat()),
            "invalid_risks",
        ),
        (
            owned(&["diff", DEPS, DEPS, "--risks", bad]),
            "invalid_risks",
        ),
        (latest(&["--accept-risk", "X"]), "usage"),
        (latest(&["--facts", FACTS]), "usage"),
    ] {
        let mut json_args = args.clone();
        json_args.extend(["--format", "json"].map(String::from));
        let (doc, code) = json(&strs(&json_args));
        assert_eq!(
            (code, doc["error"]["kind"].as_str()),
            (2, Some(kind)),
            "{args:?}: {doc}"
        );
        let (out, err, code) = run(&strs(&args));
        assert_eq!(code, 2, "{args:?}");
        assert!(
            out.is_empty() && err.starts_with("error"),
            "{args:?}: {err}"
        );
    }
    // The error names the file, line and column.
    let (_, err, _) = run(&[
        "plan", "--deps", DEPS, "--from", "4.2.1.0", "--to", "latest", "--risks", BROKEN,
    ]);
    assert!(
        err.contains("broken-risks.yml:22:9: `from` is not a usable regular expression"),
        "{err}"
    );
    let (_, err, _) = run(&["graph", DEPS, "--risks", bad]);
    assert!(err.starts_with("error: invalid risks"), "{err}");
    // Inventory facts are checked like the rest of the inventory.
    let inv = dir.path().join("inv.yml");
    std::fs::write(
        &inv,
        "facts: {a: [1]}\nnodes:\n  - {name: a, role: primary, joined: 1, version: 4.2.1.0}\n",
    )
    .unwrap();
    let (doc, code) = json(&[
        "rollout",
        "--deps",
        DEPS,
        "--cluster",
        inv.to_str().unwrap(),
        "--to",
        "latest",
        "--format",
        "json",
    ]);
    assert_eq!(
        (code, doc["error"]["kind"].as_str()),
        (2, Some("invalid_inventory"))
    );
    assert_eq!(doc["error"]["diagnostics"][0]["line"], 1);
}

#[test]
fn help_names_the_risk_options() {
    for cmd in ["plan", "targets", "rollout", "graph"] {
        let (out, _, _) = run(&[cmd, "--help"]);
        assert!(
            out.contains("--risks <PATH>") && out.contains("--accept-risk <NAME>"),
            "{cmd}: {out}"
        );
    }
    let (out, _, _) = run(&["plan", "--help"]);
    assert!(
        out.contains("not_recommended") && out.contains("--facts <FILE>"),
        "{out}"
    );
    let (out, _, _) = run(&["diff", "--help"]);
    assert!(out.contains("--risks-old <PATH>"), "{out}");
    let (out, _, _) = run(&["lint", "--help"]);
    assert!(out.contains("--risks <PATH>"), "{out}");
}

#[test]
fn docs_list_every_risk_rule() {
    let docs = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/lint.md"))
        .unwrap();
    let risks =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/risks.md"))
            .unwrap();
    for rule in RISK_RULES {
        assert!(
            docs.contains(&format!("### `{}`", rule.id)),
            "docs/lint.md has no section for `{}`",
            rule.id
        );
        assert!(
            risks.contains(&format!("| `{}` | {} |", rule.id, rule.severity)),
            "docs/risks.md's table lacks `{}`",
            rule.id
        );
    }
}
