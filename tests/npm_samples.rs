//! Table test: every shared NPM sample (`tests/fixtures/npm/`) gives exactly its `.expect` result.

use serde_json::Value;
use std::path::{Path, PathBuf};
use upgrade_planner::npm::{self, Document};

fn samples() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/npm");
    let mut out = Vec::new();
    for dir in ["valid", "invalid"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("txt" | "xml")
            ) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Checks one sample; returns a description of every mismatch.
fn check_sample(path: &Path) -> Vec<String> {
    let input = std::fs::read(path).unwrap();
    let expect: Value =
        serde_json::from_slice(&std::fs::read(path.with_extension("expect")).unwrap()).unwrap();
    let mut bad = Vec::new();
    let mut eq = |what: &str, got: Value, want: &Value| {
        if &got != want {
            bad.push(format!("{what}: got {got}, expected {want}"));
        }
    };
    let result = npm::read_document(&input);
    match expect["result"].as_str().unwrap() {
        "ok" => match result {
            Err(e) => bad.push(format!("expected ok, got error {e}")),
            Ok(Document::Request(r)) => {
                eq("form", "xml-request".into(), &expect["form"]);
                eq(
                    "package_location",
                    r.package_location.clone().into(),
                    &expect["package_location"],
                );
                let want_name = expect.get("package_name").cloned().unwrap_or(Value::Null);
                eq("package_name", r.package_name.clone().into(), &want_name);
            }
            Ok(Document::Package(p)) => {
                eq("form", p.form.as_str().into(), &expect["form"]);
                eq(
                    "pkg_type",
                    p.package_type.as_str().into(),
                    &expect["pkg_type"],
                );
                let entries: Vec<Value> = p
                    .items
                    .iter()
                    .map(|i| serde_json::json!([i.item.name, i.item.value]))
                    .collect();
                eq("entries", entries.into(), &expect["entries"]);
                let mut split = serde_json::Map::new();
                for i in &p.items {
                    if npm::KnownItem::from_name(&i.item.name).is_some_and(|k| k.is_multi()) {
                        split.insert(i.item.name.clone(), i.values().into());
                    }
                }
                eq("split", split.into(), &expect["split"]);
                // Advisory warnings ("unknown-item NAME", "ignored-element PATH"): same set.
                let mut got: Vec<String> = p
                    .findings
                    .iter()
                    .map(|d| {
                        let subject = d.message.split('`').nth(1).unwrap_or_default();
                        format!("{} {subject}", d.code)
                    })
                    .collect();
                let mut want: Vec<String> = expect
                    .get("warnings_advisory")
                    .and_then(Value::as_array)
                    .map(|a| a.iter().map(|v| v.as_str().unwrap().to_string()).collect())
                    .unwrap_or_default();
                got.sort();
                want.sort();
                eq("warnings", got.into(), &want.into());
            }
        },
        "error" => match result {
            Ok(_) => bad.push("expected an error, got ok".into()),
            Err(e) => {
                eq("error", e.code.name().into(), &expect["error"]);
                eq("errno", e.code.errno().into(), &expect["errno"]);
                eq("kind", e.kind.as_str().into(), &expect["kind"]);
                if let Some(item) = expect.get("item") {
                    eq("item", e.item.clone().into(), item);
                }
                if let Some(line) = expect.get("line") {
                    eq("line", e.line().into(), line);
                }
            }
        },
        other => bad.push(format!("unknown result {other}")),
    }
    bad
}

#[test]
fn every_sample_gives_its_expected_result() {
    let all = samples();
    assert!(all.len() >= 40, "only {} samples found", all.len());
    let mut failures = Vec::new();
    for path in &all {
        for problem in check_sample(path) {
            failures.push(format!(
                "{}: {problem}",
                path.file_name().unwrap().to_string_lossy()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn fuzz_entry_points_accept_every_sample_and_its_prefixes() {
    for path in samples() {
        let input = std::fs::read(&path).unwrap();
        for end in 0..=input.len() {
            npm::fuzz_text(&input[..end]);
            npm::fuzz_xml(&input[..end]);
        }
    }
}
