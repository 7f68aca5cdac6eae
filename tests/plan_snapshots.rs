//! Snapshots of text and JSON plans on every file in `data/`, for every ordered pair of versions
//! (and `latest`), both objectives for JSON. A change in routing shows up as a snapshot diff.

use std::fmt::Write;
use upgrade_planner::render::plan::to_text;
use upgrade_planner::{DepGraph, Objective, PlanRequest, Target};

/// The text as a terminal without colours shows it.
fn strip_ansi(s: &str) -> String {
    anstream::adapter::strip_str(s).to_string()
}

fn data_files() -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir("data")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml" || e == "yaml"))
        .collect();
    files.sort();
    assert!(files.len() >= 2, "the real OceanBase files are in data/");
    files
}

#[test]
fn plans_on_every_data_file() {
    for file in data_files() {
        let graph = DepGraph::from_path(&file, None).unwrap();
        let versions: Vec<String> = graph
            .nodes()
            .map(|(_, n)| n.version.as_str().to_string())
            .collect();
        let targets: Vec<Target> = versions
            .iter()
            .map(|v| Target::Version(v.clone()))
            .chain([Target::Latest])
            .collect();
        let mut text = String::new();
        let mut json = Vec::new();
        for from in &versions {
            for to in &targets {
                let to_name = match to {
                    Target::Version(v) => v.as_str(),
                    Target::Latest => "latest",
                };
                let mut entry = serde_json::Map::new();
                entry.insert("query".into(), format!("{from} -> {to_name}").into());
                for objective in [Objective::Hops, Objective::Stops] {
                    let req = PlanRequest::new(from.clone(), to.clone()).objective(objective);
                    let result = match graph.plan(&req) {
                        Ok(plan) => {
                            if objective == Objective::Hops {
                                writeln!(text, "$ plan --from {from} --to {to_name}").unwrap();
                                text.push_str(&strip_ansi(&to_text(&plan)));
                                text.push('\n');
                            }
                            serde_json::to_value(&plan).unwrap()
                        }
                        Err(e) => {
                            if objective == Objective::Hops {
                                writeln!(text, "$ plan --from {from} --to {to_name}").unwrap();
                                writeln!(text, "refused ({}): {e}\n", e.kind()).unwrap();
                            }
                            serde_json::json!({"error": {"kind": e.kind(), "message": e.to_string()}})
                        }
                    };
                    entry.insert(objective.to_string(), result);
                }
                json.push(serde_json::Value::Object(entry));
            }
        }
        let name = file.file_stem().unwrap().to_string_lossy().to_string();
        insta::assert_snapshot!(format!("{name}-text"), text);
        insta::assert_json_snapshot!(format!("{name}-json"), json);
    }
}
