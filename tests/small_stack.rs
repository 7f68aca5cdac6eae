//! No input-sized recursion: every entry point of `upgrade_planner::fuzzing` runs on the largest
//! and deepest inputs the limits allow (docs/limits.md) inside a thread with a 2 MiB stack, the
//! default of a spawned Rust thread and less than any main thread gets. A stack overflow aborts
//! the whole process, so each (entry point, input) runs in a child process (this binary started
//! again with `SMALL_STACK_CASE`), and the parent lists every case that did not end normally.

use std::process::Command;
use upgrade_planner::fuzzing::TARGETS;
use upgrade_planner::limits::*;
use upgrade_planner::synth;

const STACK: usize = 2 << 20;
const CASE_VAR: &str = "SMALL_STACK_CASE";

/// A dependency chain of `n` versions: `4.0.0.0 -> 4.0.0.1 -> ...`, optionally closed into one
/// cycle (the deepest possible strongly connected component).
fn chain(n: usize, cycle: bool) -> Vec<u8> {
    let mut s = String::with_capacity(n * 48);
    for i in 0..n {
        let next = if i + 1 < n {
            Some(i + 1)
        } else if cycle {
            Some(0)
        } else {
            None
        };
        s.push_str(&format!(
            "- version: 4.{}.{}.{}\n",
            i / 10_000,
            (i / 100) % 100,
            i % 100
        ));
        if let Some(j) = next {
            s.push_str(&format!(
                "  can_be_upgraded_to: [4.{}.{}.{}]\n",
                j / 10_000,
                (j / 100) % 100,
                j % 100
            ));
        }
    }
    s.into_bytes()
}

/// Versions in a chain at the node limit: 7 YAML nodes per entry (mapping, two keys, two values,
/// the list and its item).
fn chain_len() -> usize {
    MAX_YAML_NODES / 7 - 1
}

/// Block and flow nesting one level under MAX_YAML_DEPTH, and far over it.
fn yaml_nesting() -> Vec<(String, Vec<u8>)> {
    let d = MAX_YAML_DEPTH - 1;
    let block: String = (0..d).map(|i| format!("{}- \n", "  ".repeat(i))).collect();
    vec![
        (
            "block nesting at the depth limit".into(),
            block.into_bytes(),
        ),
        (
            "flow nesting at the depth limit".into(),
            ("[".repeat(d) + &"]".repeat(d)).into_bytes(),
        ),
        (
            "100,000 open brackets".into(),
            "[".repeat(100_000).into_bytes(),
        ),
        (
            "100,000 open braces".into(),
            "{a: ".repeat(100_000).into_bytes(),
        ),
    ]
}

/// The inputs each entry point is given (besides its committed corpus, replayed by
/// tests/fuzz_corpus.rs).
fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let n = chain_len();
    let mut deps = vec![
        (format!("a {n}-version chain (node limit)"), chain(n, false)),
        (format!("a {n}-version cycle"), chain(n, true)),
        (
            "2,000 versions, one-line flow style".into(),
            synth::generate_flow(&synth::SynthSpec::new(2_000)).into_bytes(),
        ),
    ];
    deps.extend(yaml_nesting());
    match target {
        "deps_plan" | "lint" => deps,
        "version" => vec![
            ("longest version".into(), vec![b'9'; MAX_VERSION_LEN]),
            (
                "most components".into(),
                vec!["1"; MAX_VERSION_COMPONENTS].join(".").into_bytes(),
            ),
            ("100,000 dots".into(), vec![b'.'; 100_000]),
        ],
        "rpm_header" => {
            let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir("tests/fixtures/rpm")
                .expect("the RPM fixtures")
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "rpm"))
                .map(|p| (p.display().to_string(), std::fs::read(&p).expect("read")))
                .collect();
            v.push(("a header of 65,535 entries".into(), max_header()));
            v
        }
        "rpm_payload" => vec![("2,000 cpio entries with the longest names".into(), cpio())],
        "npm_text" => {
            let items: String = (0..MAX_NPM_ITEMS).map(|i| format!("X{i}=\n")).collect();
            let mut long = b"PKG_TYPE=DataOntap\nX=".to_vec();
            long.resize(long.len() + MAX_NPM_LINE_BYTES - 2, b'a');
            long.push(b'\n');
            vec![
                ("100,000 items (item limit)".into(), items.into_bytes()),
                ("the longest line".into(), long),
            ]
        }
        "npm_xml" => {
            let d = MAX_NPM_XML_DEPTH;
            let items = synth::npm_items(3 << 20, 40);
            vec![
                (
                    "nesting at the depth limit".into(),
                    ("<a>".repeat(d) + &"</a>".repeat(d)).into_bytes(),
                ),
                (
                    "100,000 open elements".into(),
                    "<a>".repeat(100_000).into_bytes(),
                ),
                (
                    format!("{} items on one line", items.len()),
                    synth::npm_xml_one_line(&items).into_bytes(),
                ),
            ]
        }
        "inventory" => {
            let mut v = vec![
                (
                    "10,000 nodes, compact JSON (node limit)".into(),
                    synth::inventory_json(MAX_INVENTORY_NODES, false).into_bytes(),
                ),
                (
                    "10,000 nodes, indented JSON".into(),
                    synth::inventory_json(MAX_INVENTORY_NODES, true).into_bytes(),
                ),
            ];
            v.extend(yaml_nesting());
            v
        }
        other => {
            panic!("tests/small_stack.rs has no inputs for the fuzz target `{other}`: add some")
        }
    }
}

/// A signature-less package whose main header has the most entries librpm accepts.
fn max_header() -> Vec<u8> {
    let il = MAX_RPM_HEADER_TAGS;
    let mut rpm = vec![0xed, 0xab, 0xee, 0xdb, 3, 0, 0, 0, 0, 1];
    rpm.resize(78, b'x');
    rpm.extend_from_slice(&[0, 5]);
    rpm.resize(96, 0);
    for il_here in [0u32, il] {
        rpm.extend_from_slice(&[0x8e, 0xad, 0xe8, 0x01, 0, 0, 0, 0]);
        rpm.extend_from_slice(&il_here.to_be_bytes());
        rpm.extend_from_slice(&(il_here * 4).to_be_bytes());
        for (k, tag) in (1000..1000 + il_here).enumerate() {
            // INT32 entries, one each, in order.
            for x in [tag, 4, k as u32 * 4, 1] {
                rpm.extend_from_slice(&x.to_be_bytes());
            }
        }
        rpm.resize(rpm.len() + il_here as usize * 4, 0);
    }
    rpm
}

/// An uncompressed newc cpio archive: 2,000 entries whose names have the longest length.
fn cpio() -> Vec<u8> {
    let mut out = Vec::new();
    let mut entry = |name: &str, size: usize| {
        let namesize = name.len() + 1;
        out.extend_from_slice(b"070701");
        for field in [1, 0o100644, 0, 0, 1, 0, size, 0, 0, 0, 0, namesize, 0] {
            out.extend_from_slice(format!("{field:08X}").as_bytes());
        }
        out.extend_from_slice(name.as_bytes());
        out.push(0);
        while out.len() % 4 != 0 {
            out.push(0);
        }
        out.resize(out.len() + size, b'x');
        while out.len() % 4 != 0 {
            out.push(0);
        }
    };
    for i in 0..2_000 {
        let name = format!("./{i:05}/{}", "d/".repeat(MAX_CPIO_NAME as usize / 2));
        entry(&name[..MAX_CPIO_NAME as usize - 1], 10);
    }
    entry("TRAILER!!!", 0);
    out
}

fn main() {
    if let Ok(case) = std::env::var(CASE_VAR) {
        let (target, i) = case.split_once(':').expect("TARGET:INDEX");
        let i: usize = i.parse().expect("an index");
        let entry = TARGETS
            .iter()
            .find(|(n, _)| *n == target)
            .map(|(_, f)| *f)
            .expect("a fuzz target");
        let (_, data) = inputs(target).swap_remove(i);
        let worker = std::thread::Builder::new()
            .stack_size(STACK)
            .spawn(move || entry(&data))
            .expect("spawn the 2 MiB thread");
        let ok = worker.join().is_ok();
        std::process::exit(if ok { 0 } else { 3 });
    }
    // Every entry of fuzzing::TARGETS has inputs here (`inputs` panics otherwise).
    let exe = std::env::current_exe().expect("this test's path");
    let mut failures = Vec::new();
    let mut runs = 0;
    for (target, _) in TARGETS {
        for (i, (what, _)) in inputs(target).into_iter().enumerate() {
            runs += 1;
            let started = std::time::Instant::now();
            let out = Command::new(&exe)
                .env(CASE_VAR, format!("{target}:{i}"))
                .output()
                .expect("run a case");
            println!("fuzzing::{target} on {what}: {:.2?}", started.elapsed());
            let result = match out.status.code() {
                Some(0) => continue,
                Some(3) => "panicked".to_string(),
                Some(c) => format!("exited {c}"),
                None => {
                    let err = String::from_utf8_lossy(&out.stderr);
                    if err.contains("has overflowed its stack") {
                        "STACK OVERFLOW (recursion as deep as the input)".to_string()
                    } else {
                        format!("killed by a signal ({})", out.status)
                    }
                }
            };
            let err = String::from_utf8_lossy(&out.stderr);
            let last = err
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or_default();
            failures.push(format!(
                "fuzzing::{target} on {what}: {result}\n      {last}"
            ));
        }
    }
    if failures.is_empty() {
        println!(
            "small stack: {runs} runs of every fuzz entry point in a 2 MiB stack: all returned"
        );
    } else {
        eprintln!(
            "small stack: {} of {runs} runs failed in a 2 MiB stack:\n  {}",
            failures.len(),
            failures.join("\n  ")
        );
        std::process::exit(1);
    }
}
