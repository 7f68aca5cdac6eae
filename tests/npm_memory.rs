//! Peak memory of the `npm` command on the largest inputs its limits accept (issue 15): the
//! 40 MB text dump of 75-byte items the issue measured is read whole within 4x its size + 32 MiB,
//! with its text table streamed; inputs of tiny items stop at the item memory budget
//! (`limits::npm_item_memory`) within the same bound; nothing accepted passes 256 MiB.
//!
//! Peak memory is measured in-process by a probe (`tests/common/rss.rs`), so no external tool is
//! needed.

mod common;

use common::rss;
use std::ffi::OsString;
use std::path::Path;
use upgrade_planner::{limits, synth};

rss_probe!();

const MIB: u64 = 1024 * 1024;
/// The bound issue 15 sets for every command on any accepted input.
const MAX_ANY_KIB: u64 = 256 * 1024;

/// The reader's bound of issue 15: 4x the input + 32 MiB, in KiB.
fn reader_bound_kib(input_len: usize) -> u64 {
    (4 * input_len as u64 + 32 * MIB) / 1024
}

struct Run {
    code: Option<i32>,
    stdout: String,
    peak_kib: u64,
}

fn npm(input: &[u8], format: &str) -> Run {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("metadata.txt");
    std::fs::write(&path, input).expect("write the input");
    let args: Vec<OsString> = vec![
        "npm".into(),
        path.into_os_string(),
        "--format".into(),
        format.into(),
    ];
    let m = rss::measure(Path::new(env!("CARGO_BIN_EXE_upgrade-planner")), &args, &[]);
    Run {
        code: m.code,
        stdout: String::from_utf8_lossy(&m.stdout).into_owned(),
        peak_kib: m.peak_rss_kib,
    }
}

/// The six items of a real package, then `PKG_NOTE_*` items of about 75 bytes (the shape of the
/// issue's 10 MB and 40 MB dumps) up to `bytes`.
fn notes(bytes: usize, note_bytes: usize) -> (Vec<u8>, usize) {
    let items = synth::npm_items(bytes, note_bytes);
    (synth::npm_text(&items).into_bytes(), items.len())
}

#[test]
fn forty_megabytes_of_notes_are_read_whole_within_the_bound() {
    let (input, count) = notes(40_000_000, 80);
    let line = input.len() / count;
    assert!(
        (70..=80).contains(&line),
        "items of about 75 bytes, got {line}"
    );
    let bound = reader_bound_kib(input.len());

    let json = npm(&input, "json");
    assert_eq!(
        json.code,
        Some(0),
        "{}",
        &json.stdout[..json.stdout.len().min(2000)]
    );
    // The six items of a real package come first; the last note is number count - 7.
    let last = format!("\"name\": \"PKG_NOTE_{:07}\"", count - 7);
    assert!(json.stdout.contains(&last), "{last} is missing");
    assert!(
        json.peak_kib <= bound,
        "npm --format json: {} KiB for a {} byte input, bound {bound} KiB",
        json.peak_kib,
        input.len()
    );

    let text = npm(&input, "text");
    assert_eq!(text.code, Some(0));
    assert!(
        text.stdout
            .lines()
            .next()
            .is_some_and(|l| l.contains(&format!("valid DataOntap package, {count} items"))),
        "{}",
        &text.stdout[..text.stdout.len().min(500)]
    );
    assert!(
        text.peak_kib <= bound,
        "npm (text): {} KiB, bound {bound} KiB (the item table is streamed)",
        text.peak_kib
    );
}

#[test]
fn tiny_items_stop_at_the_memory_budget_within_the_bound() {
    let mut input = synth::npm_text(&synth::npm_items(0, 80)).into_bytes();
    for i in 0..limits::MAX_NPM_ITEMS {
        input.extend_from_slice(format!("X{i}=\n").as_bytes());
    }
    let run = npm(&input, "json");
    assert_eq!(run.code, Some(2), "{}", run.stdout);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("a JSON error document");
    assert_eq!(doc["error"]["kind"], "too-large", "{doc}");
    let message = doc["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("MiB in memory"), "{message}");
    let bound = reader_bound_kib(input.len());
    assert!(
        run.peak_kib <= bound,
        "{} KiB for {} bytes of `X=` lines, bound {bound} KiB",
        run.peak_kib,
        input.len()
    );
}

#[test]
fn a_full_size_input_stays_under_256_mib_whether_read_or_refused() {
    let cap = limits::MAX_NPM_BYTES - 1024;
    // 180-byte items: the budget lets 64 MiB of them through.
    let (large, _) = notes(cap, 180);
    for format in ["json", "text"] {
        let run = npm(&large, format);
        assert_eq!(run.code, Some(0), "{format}");
        assert!(
            run.peak_kib <= MAX_ANY_KIB,
            "{format}: {} KiB",
            run.peak_kib
        );
    }
    // 75-byte items: 870,000 of them pass the budget's cap, and are refused when it is reached.
    let (small, count) = notes(cap, 80);
    let run = npm(&small, "json");
    assert_eq!(run.code, Some(2), "{count} items of 75 bytes");
    assert!(run.stdout.contains("\"too-large\""));
    assert!(
        run.peak_kib <= MAX_ANY_KIB,
        "refusing: {} KiB",
        run.peak_kib
    );
}
