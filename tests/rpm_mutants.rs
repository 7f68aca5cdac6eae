//! Mutation test (issue 12): bytes flipped across every region of each small fixture (lead,
//! signature header intro, index and store, main header intro, index and store, payload start,
//! middle and end), cuts at every section boundary, and garbage appended. The mutants are made
//! here, in memory (the generator is this file; no mutant is committed). For each one:
//!
//! * `inspect` calls it intact (exit 0, `verified: true`) exactly when librpm would take it:
//!   `rpm -K` (every digest) and `rpm -qp` (the headers load) both succeed. No mutant is intact
//!   for us that librpm cannot load, and none that rpm takes is refused (the SIZE class);
//! * `extract` never exits 0 with bytes that differ from the original file.

mod common;

use assert_cmd::Command;
use common::external::require;
use std::path::{Path, PathBuf};
use std::process::Output;

const DIR: &str = "tests/fixtures/rpm";

fn be32(b: &[u8], at: usize) -> usize {
    u32::from_be_bytes(b[at..at + 4].try_into().unwrap()) as usize
}

/// The regions of a package: (name, start, end).
fn regions(b: &[u8]) -> Vec<(&'static str, usize, usize)> {
    let (sil, sdl) = (be32(b, 104), be32(b, 108));
    let sig_index = 112;
    let sig_store = sig_index + 16 * sil;
    let sig_end = sig_store + sdl;
    let main = sig_end + (8 - (sig_end - 96) % 8) % 8;
    let (mil, mdl) = (be32(b, main + 8), be32(b, main + 12));
    let main_index = main + 16;
    let main_store = main_index + 16 * mil;
    let payload = main_store + mdl;
    let n = b.len();
    let third = (n - payload) / 3;
    vec![
        ("lead", 0, 96),
        ("signature intro", 96, 112),
        ("signature index", sig_index, sig_store),
        ("signature store", sig_store, sig_end),
        ("main intro", main, main_index),
        ("main index", main_index, main_store),
        ("main store", main_store, payload),
        ("payload start", payload, payload + third.min(64)),
        ("payload middle", payload + third, payload + 2 * third),
        ("payload end", n - third.min(64), n),
    ]
}

/// Every mutant of one package: (description, bytes).
fn mutants(original: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let regions = regions(original);
    for &(name, start, end) in &regions {
        let len = end - start;
        // Up to 8 positions spread over the region, first and last byte included.
        let picks: Vec<usize> = if len <= 8 {
            (start..end).collect()
        } else {
            (0..8).map(|i| start + i * (len - 1) / 7).collect()
        };
        for at in picks {
            for mask in [0x01u8, 0xff] {
                let mut b = original.to_vec();
                b[at] ^= mask;
                out.push((format!("{name}: byte {at} ^ {mask:#04x}"), b));
            }
        }
    }
    let mut cuts: Vec<usize> = regions.iter().flat_map(|&(_, s, e)| [s, e]).collect();
    cuts.extend(
        cuts.clone()
            .iter()
            .flat_map(|&c| [c.saturating_sub(1), c + 1]),
    );
    cuts.sort_unstable();
    cuts.dedup();
    for cut in cuts.into_iter().filter(|&c| c < original.len()) {
        out.push((format!("cut at {cut}"), original[..cut].to_vec()));
    }
    for (what, tail) in [
        ("one zero byte appended", vec![0u8]),
        ("8 zero bytes appended", vec![0u8; 8]),
        (
            "100 bytes of garbage appended",
            (0..100u8).map(|i| i.wrapping_mul(37)).collect(),
        ),
    ] {
        let mut b = original.to_vec();
        b.extend_from_slice(&tail);
        out.push((what.to_string(), b));
    }
    out
}

fn run(program: &str, args: &[&str], file: &Path) -> Output {
    std::process::Command::new(program)
        .args(args)
        .arg(file)
        .output()
        .unwrap()
}

struct Verdict {
    what: String,
    ours_intact: bool,
    ours_exit: Option<i32>,
    rpm_takes: bool,
    extract_bad_bytes: bool,
}

fn judge(what: &str, bytes: &[u8], extract_args: &[&str], expected: &[u8]) -> Verdict {
    let f = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(f.path(), bytes).unwrap();
    let bin = env!("CARGO_BIN_EXE_upgrade-planner");
    let out = run(bin, &["inspect", "--format", "json"], f.path());
    let intact = out.status.code() == Some(0)
        && serde_json::from_slice::<serde_json::Value>(&out.stdout)
            .is_ok_and(|v| v["verified"] == true);
    let k = run("rpm", &["-K"], f.path());
    let q = run("rpm", &["-qp"], f.path());
    let mut args = vec!["extract"];
    args.extend_from_slice(extract_args);
    let e = Command::new(bin)
        .args(&args)
        .arg(f.path())
        .output()
        .unwrap();
    Verdict {
        what: what.to_string(),
        ours_intact: intact,
        ours_exit: out.status.code(),
        rpm_takes: k.status.success() && q.status.success(),
        extract_bad_bytes: e.status.code() == Some(0) && e.stdout != expected,
    }
}

#[test]
fn mutants_get_librpms_verdict_and_extract_never_hands_out_altered_bytes() {
    if !require(
        &["rpm"],
        "mutants_get_librpms_verdict_and_extract_never_hands_out_altered_bytes",
    ) {
        return;
    }
    let mut fixtures: Vec<PathBuf> = std::fs::read_dir(DIR)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rpm"))
        .collect();
    fixtures.sort();
    let mut jobs = Vec::new();
    for path in &fixtures {
        let original = std::fs::read(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let extract_args: Vec<&str> = if name.starts_with("obproxy") {
            vec!["--file", "/home/admin/obproxy/bin/obproxy"]
        } else {
            vec![]
        };
        let good = Command::cargo_bin("upgrade-planner")
            .unwrap()
            .arg("extract")
            .args(&extract_args)
            .arg(path)
            .output()
            .unwrap();
        assert!(good.status.success(), "{name}");
        for (what, bytes) in mutants(&original) {
            jobs.push((
                format!("{name}: {what}"),
                bytes,
                extract_args.clone(),
                good.stdout.clone(),
            ));
        }
    }
    assert!(jobs.len() > 900, "{} mutants", jobs.len());
    let next = std::sync::atomic::AtomicUsize::new(0);
    let verdicts: Vec<Verdict> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..2)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some((what, bytes, args, expected)) = jobs.get(i) else {
                            break;
                        };
                        mine.push(judge(what, bytes, args, expected));
                    }
                    mine
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    });
    let intact_not_loadable: Vec<&str> = verdicts
        .iter()
        .filter(|v| v.ours_intact && !v.rpm_takes)
        .map(|v| v.what.as_str())
        .collect();
    let refused_installable: Vec<String> = verdicts
        .iter()
        .filter(|v| !v.ours_intact && v.rpm_takes)
        .map(|v| format!("{} (exit {:?})", v.what, v.ours_exit))
        .collect();
    let altered_bytes: Vec<&str> = verdicts
        .iter()
        .filter(|v| v.extract_bad_bytes)
        .map(|v| v.what.as_str())
        .collect();
    let panics: Vec<&str> = verdicts
        .iter()
        .filter(|v| v.ours_exit == Some(101) || v.ours_exit.is_none())
        .map(|v| v.what.as_str())
        .collect();
    eprintln!(
        "{} mutants: {} taken by rpm, {} intact for us",
        verdicts.len(),
        verdicts.iter().filter(|v| v.rpm_takes).count(),
        verdicts.iter().filter(|v| v.ours_intact).count()
    );
    assert!(panics.is_empty(), "crashed: {panics:#?}");
    assert!(
        altered_bytes.is_empty(),
        "extract handed out altered bytes: {altered_bytes:#?}"
    );
    assert!(
        intact_not_loadable.is_empty(),
        "intact for us, refused by librpm: {intact_not_loadable:#?}"
    );
    assert!(
        refused_installable.is_empty(),
        "refused by us, taken by rpm: {refused_installable:#?}"
    );
}
