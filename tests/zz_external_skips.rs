//! The last test binary of a run (cargo runs integration tests in name order): says how many
//! checks that need an external tool were skipped because the person running the tests asked for
//! it (`UPGRADE_PLANNER_SKIP_EXTERNAL`, see `tests/common/external.rs`), and which. Without that
//! variable nothing can be skipped: a missing tool fails the test that needs it.

mod common;

use common::external::{SKIP_VAR, skip_log};
use std::collections::BTreeSet;

fn main() {
    let log = skip_log();
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    let _ = std::fs::remove_file(&log);
    let asked = std::env::var(SKIP_VAR).ok();
    // One line per (test binary without cargo's hash suffix, check, tool).
    let skipped: BTreeSet<(String, String, String)> = text
        .lines()
        .filter_map(|l| {
            let mut parts = l.split('\t');
            let tool = parts.next()?.to_string();
            let check = parts.next()?.to_string();
            let exe = parts.next().unwrap_or_default();
            let binary = exe.rsplit_once('-').map_or(exe, |(b, _)| b).to_string();
            Some((binary, check, tool))
        })
        .collect();
    match (asked, skipped.is_empty()) {
        (None, _) => {
            println!("external tools: every check that needs rpm, cpio or gpg ran");
        }
        (Some(list), true) => {
            println!(
                "external tools: {SKIP_VAR}={list} was set, but no check in this run needed to skip"
            );
        }
        (Some(list), false) => {
            println!(
                "\nWARNING: {} check(s) were SKIPPED because {SKIP_VAR}={list} asked for it; \
                 this run did not test everything:",
                skipped.len()
            );
            for (binary, check, tool) in &skipped {
                println!("  - {binary}: {check} (needs `{tool}`)");
            }
            println!(
                "Install the tools (sudo apt-get install -y rpm cpio gpg) and run again without {SKIP_VAR} for a full run.\n"
            );
        }
    }
}
