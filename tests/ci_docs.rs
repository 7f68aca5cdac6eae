//! Runs the commands of the CI snippets in `docs/ci.md` (the GitHub Actions job and the pre-commit
//! hooks), exactly as written there, in a scratch git repository whose `origin/main` holds the
//! base version of the file.

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use upgrade_planner::yaml::{self, Node, Value};

const DEPS: &str = "deps/oceanbase_upgrade_dep.yml";

fn manifest(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// The fenced ```yaml blocks of docs/ci.md.
fn yaml_blocks() -> Vec<String> {
    let docs = std::fs::read_to_string(manifest("docs/ci.md")).unwrap();
    docs.split("```yaml\n")
        .skip(1)
        .map(|b| b.split("```").next().unwrap().to_string())
        .collect()
}

fn get<'a>(node: &'a Node, key: &str) -> Option<&'a Node> {
    match &node.value {
        Value::Mapping(m) => m
            .iter()
            .find(|(k, _)| k.as_scalar().is_some_and(|s| s.text == key))
            .map(|(_, v)| v),
        _ => None,
    }
}

fn text<'a>(node: &'a Node, key: &str) -> Option<&'a str> {
    get(node, key)
        .and_then(|n| n.as_scalar())
        .map(|s| s.text.as_str())
}

fn items(node: &Node) -> &[Node] {
    match &node.value {
        Value::Sequence(s) => s,
        _ => panic!("not a list"),
    }
}

/// A git repository with `base` committed as origin/main's `deps/oceanbase_upgrade_dep.yml`, and
/// `head` in the work tree.
fn scratch_repo(base: &str, head: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let git = |args: &[&str]| {
        let ok = Command::new("git")
            .args([
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@example.invalid",
                "-c",
                "init.defaultBranch=main",
            ])
            .args(args)
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(
            ok.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&ok.stderr)
        );
    };
    git(&["init", "-q"]);
    std::fs::create_dir_all(dir.path().join("deps")).unwrap();
    std::fs::copy(manifest(base), dir.path().join(DEPS)).unwrap();
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "base"]);
    git(&["update-ref", "refs/remotes/origin/main", "HEAD"]);
    std::fs::copy(manifest(head), dir.path().join(DEPS)).unwrap();
    dir
}

/// Runs a shell script with the binary on PATH; returns (stdout + stderr, exit code).
fn sh(dir: &Path, script: &str, args: &[&str], env: &HashMap<String, String>) -> (String, i32) {
    common::sh_with_cli(dir, script, args, env)
}

/// The GitHub Actions workflow of docs/ci.md, parsed.
fn workflow_root() -> Node {
    let block = yaml_blocks()
        .into_iter()
        .find(|b| b.contains("jobs:"))
        .unwrap();
    yaml::parse(&block).unwrap().unwrap()
}

/// The workflow's job: its env (GitHub expressions replaced as GitHub would for a PR into main)
/// and its `run` steps, install steps excepted.
fn workflow() -> (HashMap<String, String>, Vec<(String, String)>) {
    let root = workflow_root();
    let job = get(get(&root, "jobs").unwrap(), "check").unwrap();
    let mut env = HashMap::new();
    if let Some(Value::Mapping(m)) = get(job, "env").map(|n| &n.value) {
        for (k, v) in m {
            let value = v
                .as_scalar()
                .unwrap()
                .text
                .replace("${{ github.base_ref }}", "main");
            assert!(!value.contains("${{"), "unhandled expression in {value}");
            env.insert(k.as_scalar().unwrap().text.clone(), value);
        }
    }
    assert_eq!(env.get("DEPS").map(String::as_str), Some(DEPS));
    let steps = items(get(job, "steps").unwrap())
        .iter()
        .filter_map(|s| Some((text(s, "name")?.to_string(), text(s, "run")?.to_string())))
        .filter(|(name, _)| !name.starts_with("Install"))
        .collect();
    (env, steps)
}

/// The install step builds from the repository (the crate is not published); `.ci/run` runs this
/// command with the local checkout as the path.
#[test]
fn install_step_builds_from_the_repository() {
    let root = workflow_root();
    let job = get(get(&root, "jobs").unwrap(), "check").unwrap();
    let steps = items(get(job, "steps").unwrap());
    let install: Vec<&str> = steps
        .iter()
        .filter(|s| text(s, "name").is_some_and(|n| n.starts_with("Install")))
        .filter_map(|s| text(s, "run"))
        .collect();
    assert_eq!(install, ["cargo install --locked --path .upgrade-planner"]);
    let checkout = steps
        .iter()
        .find(|s| get(s, "with").and_then(|w| text(w, "path")) == Some(".upgrade-planner"))
        .expect("a checkout step puts upgrade-planner at .upgrade-planner");
    assert_eq!(text(checkout, "uses"), Some("actions/checkout@v4"));
    let ci = std::fs::read_to_string(manifest(".ci/run")).unwrap();
    assert!(
        ci.contains("cargo install --locked --path . --root"),
        ".ci/run runs the install step from the local checkout"
    );
}

#[test]
fn github_actions_job_runs() {
    let (mut env, steps) = workflow();
    assert_eq!(steps.len(), 2, "{steps:?}");
    let runner_temp = tempfile::tempdir().unwrap();
    env.insert(
        "RUNNER_TEMP".into(),
        runner_temp.path().display().to_string(),
    );
    // A change that removes a route: lint passes with warnings as annotations, diff fails.
    let repo = scratch_repo("tests/fixtures/diff/old.yml", "tests/fixtures/diff/new.yml");
    let (lint_out, lint_code) = sh(repo.path(), &steps[0].1, &[], &env);
    assert_eq!(lint_code, 0, "{lint_out}");
    assert!(
        lint_out.contains(&format!("::warning file={DEPS},line=")),
        "{lint_out}"
    );
    let (diff_out, diff_code) = sh(repo.path(), &steps[1].1, &[], &env);
    assert_eq!(diff_code, 1, "{diff_out}");
    assert!(diff_out.contains("1 route removed"), "{diff_out}");
    // An invalid file: lint fails with an error annotation.
    let repo = scratch_repo(
        "tests/fixtures/diff/old.yml",
        "tests/fixtures/lint/self-edge.yml",
    );
    let (out, code) = sh(repo.path(), &steps[0].1, &[], &env);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(&format!("::error file={DEPS},line=3,col=24")),
        "{out}"
    );
    // A change that only adds routes: both steps pass.
    let repo = scratch_repo(
        "data/seed-oceanbase-ce-4.2.1.1.yml",
        "data/oceanbase-master.yml",
    );
    for (name, script) in &steps {
        let (out, code) = sh(repo.path(), script, &[], &env);
        assert_eq!(code, 0, "{name}: {out}");
    }
}

#[test]
fn pre_commit_hooks_run() {
    let block = yaml_blocks()
        .into_iter()
        .find(|b| b.contains("repos:"))
        .unwrap();
    let root = yaml::parse(&block).unwrap().unwrap();
    let hooks: Vec<(String, String)> =
        items(get(&items(get(&root, "repos").unwrap())[0], "hooks").unwrap())
            .iter()
            .map(|h| {
                (
                    text(h, "id").unwrap().to_string(),
                    text(h, "entry").unwrap().to_string(),
                )
            })
            .collect();
    assert_eq!(hooks.len(), 2);
    let env = HashMap::new();
    // pre-commit splits `entry` like a shell and appends the matching files.
    let run = |repo: &Path, entry: &str| sh(repo, &format!("{entry} \"$@\""), &[DEPS], &env);
    let repo = scratch_repo("tests/fixtures/diff/old.yml", "tests/fixtures/diff/new.yml");
    let (out, code) = run(repo.path(), &hooks[0].1);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(&format!("::warning file={DEPS},line=")),
        "{out}"
    );
    let (out, code) = run(repo.path(), &hooks[1].1);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("1 route removed"), "{out}");
    let repo = scratch_repo(
        "data/seed-oceanbase-ce-4.2.1.1.yml",
        "data/oceanbase-master.yml",
    );
    for (id, entry) in &hooks {
        let (out, code) = run(repo.path(), entry);
        assert_eq!(code, 0, "{id}: {out}");
    }
}
