//! The documentation's shell examples run as written. Every fenced block of README.md and
//! docs/*.md whose info string starts with `sh` or `console` is one of:
//!
//! - ```` ```sh ````: runnable from a fresh clone; this test runs it (bash, `set -eo pipefail`)
//!   with the release binary on PATH as `upgrade-planner`, in a scratch directory where `data/`,
//!   `tests/` and `python/` are the repository's, and it must exit 0;
//! - ```` ```console ````: `$ COMMAND` lines run the same way, and what follows each (up to the next
//!   `$`) is its output, compared line by line (a line `...` stands for any number of lines; the
//!   exit code is not checked, as the output shows what happened);
//! - ```` ```sh template ````: a pattern with placeholders (`PKG`, a key path), not run;
//! - ```` ```sh setup ````: installs or builds (apt-get, cargo, pip, maturin, benchmarks, fuzzing),
//!   which CI (`.ci/run`) does itself or which takes far longer than a test; not run here, but each
//!   of its commands must start with one of the setup tools listed below.
//!
//! docs/ci.md's YAML workflow is run by tests/ci_docs.rs.

mod common;

use std::path::{Path, PathBuf};

fn manifest(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

struct Block {
    origin: String,
    info: String,
    body: String,
}

fn blocks() -> Vec<Block> {
    let mut files = vec![manifest("README.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(manifest("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    docs.sort();
    files.extend(docs);
    let mut out = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let name = file
            .strip_prefix(manifest(""))
            .unwrap()
            .display()
            .to_string();
        // (first line, info string, body, fence length): a block closes at a fence of at least
        // as many backticks (CommonMark), so a ```` block can show output holding ``` fences.
        let mut open: Option<(usize, String, String, usize)> = None;
        for (n, line) in text.lines().enumerate() {
            match &mut open {
                None => {
                    // A fence: three or more backticks and an info string without one (CommonMark;
                    // "```` ```sh ````" at the start of a line is inline code).
                    let info = line.trim_start_matches('`');
                    if line.len() - info.len() < 3 || info.contains('`') {
                        continue;
                    }
                    let kind = if info.starts_with("sh") || info.starts_with("console") {
                        info.trim().to_string()
                    } else {
                        "other".into()
                    };
                    open = Some((n + 1, kind, String::new(), line.len() - info.len()));
                }
                Some((start, info, body, fence)) => {
                    let closing = line.trim_end();
                    if closing.len() >= *fence && closing.chars().all(|c| c == '`') {
                        if info != "other" {
                            out.push(Block {
                                origin: format!("{name}:{start}"),
                                info: info.clone(),
                                body: body.clone(),
                            });
                        }
                        open = None;
                    } else {
                        body.push_str(line);
                        body.push('\n');
                    }
                }
            }
        }
        assert!(open.is_none(), "{name}: a fenced block is not closed");
    }
    out
}

/// A scratch directory that looks like a fresh clone for the examples (read-only inputs are the
/// repository's own files).
fn scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["data", "tests", "python"] {
        std::os::unix::fs::symlink(manifest(sub), dir.path().join(sub)).unwrap();
    }
    dir
}

fn sh(dir: &Path, script: &str) -> (String, i32) {
    common::sh_with_cli(dir, script, &[], &Default::default())
}

/// Whether `actual` matches `expected`, where an expected line `...` (indented or not) matches any
/// lines.
fn matches(expected: &[&str], actual: &[&str]) -> bool {
    match expected.split_first() {
        None => actual.is_empty(),
        Some((line, rest)) if line.trim() == "..." => {
            (0..=actual.len()).any(|skip| matches(rest, &actual[skip..]))
        }
        Some((line, rest)) => actual
            .split_first()
            .is_some_and(|(a, more)| a.trim_end() == line.trim_end() && matches(rest, more)),
    }
}

const SETUP_TOOLS: &[&str] = &[
    "sudo apt-get",
    "apt-get",
    "cargo ",
    "python3 -m venv",
    "pip install",
    "maturin ",
    "pytest",
    "bench/",
];

#[test]
fn every_shell_example_runs_as_written() {
    let all = blocks();
    let mut ran = 0;
    for b in &all {
        match b.info.as_str() {
            "sh" => {
                let dir = scratch();
                let (out, code) = sh(dir.path(), &b.body);
                assert_eq!(code, 0, "{} exits {code}:\n{}\n{out}", b.origin, b.body);
                ran += 1;
            }
            "console" => {
                let dir = scratch();
                let mut commands = Vec::new();
                for line in b.body.lines() {
                    if let Some(cmd) = line.strip_prefix("$ ") {
                        commands.push((cmd.to_string(), Vec::new()));
                    } else {
                        let (_, expected) = commands
                            .last_mut()
                            .unwrap_or_else(|| panic!("{}: output before any `$`", b.origin));
                        expected.push(line);
                    }
                }
                assert!(!commands.is_empty(), "{}: no `$ ` command", b.origin);
                for (cmd, expected) in commands {
                    let (out, _) = sh(dir.path(), &cmd);
                    let actual: Vec<&str> = out.lines().collect();
                    assert!(
                        matches(&expected, &actual),
                        "{}: `{cmd}` printed\n{out}\nbut the document shows\n{}",
                        b.origin,
                        expected.join("\n")
                    );
                    ran += 1;
                }
            }
            "sh template" => {}
            "sh setup" => {
                for line in b.body.lines().map(str::trim) {
                    let command = line.split('#').next().unwrap_or("").trim();
                    if command.is_empty() {
                        continue;
                    }
                    for part in command.split("&&").map(str::trim) {
                        let part = part.strip_prefix(". ").map_or(part, |_| "source");
                        assert!(
                            part == "source" || SETUP_TOOLS.iter().any(|t| part.starts_with(t)),
                            "{}: `{part}` is not a setup command: make the block runnable (```sh) \
                             or a template (```sh template)",
                            b.origin
                        );
                    }
                }
            }
            other => panic!(
                "{}: unknown block kind ```{other} (use sh, console, sh template or sh setup)",
                b.origin
            ),
        }
    }
    assert!(ran >= 6, "only {ran} examples ran");
}

#[test]
fn ellipsis_matching() {
    assert!(matches(&["a", "...", "d"], &["a", "b", "c", "d"]));
    assert!(matches(&["a", "..."], &["a"]));
    assert!(matches(&["a", "  ..."], &["a", "b"]));
    assert!(!matches(&["a", "d"], &["a", "b", "d"]));
    assert!(!matches(&["a"], &["b"]));
}
