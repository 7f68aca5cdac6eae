//! The external tools some tests compare against or build fixtures with (`rpm`, `rpmbuild`,
//! `rpmsign`, `rpmkeys`, `rpm2cpio`, `cpio`, `gpg`). Peak memory is measured without GNU `time`
//! (`tests/common/rss.rs`), so no test needs it.
//!
//! A test that needs one calls [`require`] before using it. When the tool is missing the test
//! **fails** with the command that installs it: a run on a machine without the tools must never
//! look like a full run. Skipping is only for the person who asks for it, with
//! `UPGRADE_PLANNER_SKIP_EXTERNAL` (a comma-separated list of Debian packages or tool names, or
//! `all`), for example `UPGRADE_PLANNER_SKIP_EXTERNAL=rpm,gpg cargo test --release`. A skipped check
//! is written to standard error as it happens (past the test harness's output capture) and recorded
//! under `target/tmp/`; `tests/zz_external_skips.rs`, the last test binary cargo runs, prints how
//! many checks were skipped and which.

use std::io::Write;
use std::path::{Path, PathBuf};

/// The environment variable that lists the tools (or their Debian packages) to skip.
pub const SKIP_VAR: &str = "UPGRADE_PLANNER_SKIP_EXTERNAL";

/// The record of skipped checks, read and removed by `tests/zz_external_skips.rs`.
pub fn skip_log() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("external-skips.log")
}

/// The Debian package that provides `tool` (its name on PATH, or an absolute path).
pub fn package_of(tool: &str) -> &'static str {
    match tool {
        "rpm" | "rpmbuild" | "rpmsign" | "rpmkeys" | "rpm2cpio" => "rpm",
        "cpio" => "cpio",
        "gpg" | "gpgconf" => "gpg",
        other => panic!("tests/common/external.rs does not know the package of `{other}`: add it"),
    }
}

/// Whether the person running the tests asked to skip checks that need `tool`.
pub fn skip_requested(tool: &str) -> bool {
    let Ok(list) = std::env::var(SKIP_VAR) else {
        return false;
    };
    let package = package_of(tool);
    let base = tool.rsplit('/').next().unwrap_or(tool);
    list.split(',')
        .map(str::trim)
        .any(|w| w == "all" || w == package || w == tool || w == base)
}

/// Where `tool` is: an absolute path that exists, or the first executable file of that name on PATH.
pub fn locate(tool: &str) -> Option<PathBuf> {
    if tool.starts_with('/') {
        return Path::new(tool).is_file().then(|| PathBuf::from(tool));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(tool))
        .find(|p| p.is_file())
}

/// `true` when the check named `check` may use every tool in `tools`. `false` only when the person
/// running the tests asked to skip one of them (see [`SKIP_VAR`]); the skip is reported. A missing
/// tool that nobody asked to skip fails the test with the install command.
pub fn require(tools: &[&str], check: &str) -> bool {
    if let Some(tool) = tools.iter().find(|t| skip_requested(t)) {
        record_skip(tool, check);
        return false;
    }
    let missing: Vec<&str> = tools
        .iter()
        .copied()
        .filter(|t| locate(t).is_none())
        .collect();
    if missing.is_empty() {
        return true;
    }
    let mut packages: Vec<&str> = missing.iter().map(|t| package_of(t)).collect();
    packages.sort_unstable();
    packages.dedup();
    panic!(
        "{check} needs {} which {} not installed.\n\
         Install it:  sudo apt-get install -y {}\n\
         (or skip these checks on purpose: {SKIP_VAR}={} cargo test --release)",
        missing.join(", "),
        if missing.len() == 1 { "is" } else { "are" },
        packages.join(" "),
        packages.join(","),
    );
}

/// Writes the skip where a person sees it (stderr, not captured by the harness) and appends it to
/// the record read at the end of the run.
fn record_skip(tool: &str, check: &str) {
    let line = format!(
        "{tool}\t{check}\t{}\n",
        std::env::current_exe()
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_default()
    );
    let _ = std::io::stderr()
        .write_all(format!("SKIPPED (asked by {SKIP_VAR}): {check} needs `{tool}`\n").as_bytes());
    let log = skip_log();
    if let Some(dir) = log.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    if let Ok(mut f) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&log)
    {
        let _ = f.write_all(line.as_bytes());
    }
}
