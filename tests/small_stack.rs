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
        "deps_plan" | "lint" | "yaml_fast" => deps,
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
                (
                    "1,000,000 `X=` items (the item limit; the memory budget stops them first)"
                        .into(),
                    items.into_bytes(),
                ),
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
        "rpm_signature" => pgp_inputs(),
        "firmware" => {
            let member = |i: usize| {
                format!(
                    "{{\"@odata.id\": \"/redfish/v1/UpdateService/FirmwareInventory/{i}\", \
                     \"Id\": \"{i}\", \"Name\": \"Component {i}\", \"SoftwareId\": \"sw-{i}\", \
                     \"Version\": \"U32 v2.{i} (02/02/2023)\"}}"
                )
            };
            let members: Vec<String> = (0..MAX_FIRMWARE_MEMBERS).map(member).collect();
            let mut v = vec![(
                "10,000 expanded members (member limit)".into(),
                format!("{{\"Members\": [{}]}}", members.join(", ")).into_bytes(),
            )];
            v.extend(yaml_nesting());
            v
        }
        "risks" => {
            // 10,000 risks (the risk limit), each with its own pattern: one RegexSet of them all
            // (literal patterns: Unicode classes such as `\d` would time the regex compiler).
            let many: String = (0..MAX_RISKS)
                .map(|i| {
                    format!(
                        "- {{name: Risk{i}, to: 4.2.1.1, from: '4\\.2\\.{i}', \
                         url: https://example.invalid/{i}, message: m, \
                         matching_rules: [{{type: Always}}]}}\n"
                    )
                })
                .collect();
            // Patterns nested just within the regex parser's nesting limit (250), and as deep as
            // the pattern length limit allows (refused by the parser, which must not overflow).
            let nested = |depth: usize| {
                format!(
                    "- {{name: Deep, to: 4.2.1.1, from: '{}4{}', url: https://example.invalid/d, \
                     message: m, matching_rules: [{{type: Always}}]}}\n",
                    "(".repeat(depth),
                    ")".repeat(depth)
                )
                .into_bytes()
            };
            let deepest = (MAX_RISK_PATTERN_LEN - 1) / 2;
            let mut v = vec![
                ("10,000 risks (risk limit)".into(), many.into_bytes()),
                ("a pattern nested 249 deep".into(), nested(249)),
                (format!("a pattern nested {deepest} deep"), nested(deepest)),
            ];
            v.extend(yaml_nesting());
            v
        }
        other => {
            panic!("tests/small_stack.rs has no inputs for the fuzz target `{other}`: add some")
        }
    }
}

/// An OpenPGP packet in the new format: tag, length (1, 2 or 5 bytes), body.
fn pgp_packet(tag: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![0xc0 | tag];
    let n = body.len();
    if n < 192 {
        out.push(n as u8);
    } else if n < 8384 {
        let m = n - 192;
        out.extend_from_slice(&[(m >> 8) as u8 + 192, m as u8]);
    } else {
        out.push(0xff);
        out.extend_from_slice(&(n as u32).to_be_bytes());
    }
    out.extend_from_slice(body);
    out
}

/// Inputs of `fuzzing::rpm_signature` (a u16 key length, the key bytes, then a signature packet
/// that is also parsed as an armored key file): the most subpackets a v4 signature can hold, and
/// an armored key file at the keyring size limit made of user-id packets.
fn pgp_inputs() -> Vec<(String, Vec<u8>)> {
    use base64::Engine;
    // v4 signature: two subpacket areas of 65,535 bytes of 5-byte creation-time subpackets.
    let area: Vec<u8> = std::iter::repeat_n([5u8, 2, 0x60, 0, 0, 0], 65_535 / 6)
        .flatten()
        .collect();
    let mut sig = vec![4, 0x00, 1, 8];
    for _ in 0..2 {
        sig.extend_from_slice(&(area.len() as u16).to_be_bytes());
        sig.extend_from_slice(&area);
    }
    sig.extend_from_slice(&[0xab, 0xcd, 0x08, 0x00]);
    sig.extend_from_slice(&[0x5a; 256]);
    let sig = pgp_packet(2, &sig);
    // Binary user-id packets filling the u16 key slot, then the signature.
    let uid = pgp_packet(13, b"Fixture Signer <signer@fixtures.invalid>");
    let mut key: Vec<u8> = std::iter::repeat_n(uid.clone(), 65_535 / uid.len())
        .flatten()
        .collect();
    key.truncate(65_535);
    let mut with_key = (key.len() as u16).to_be_bytes().to_vec();
    with_key.extend_from_slice(&key);
    with_key.extend_from_slice(&sig);
    // An armored file just under MAX_KEYRING_FILE_BYTES (base64 makes 4 bytes of 3, and a newline
    // follows every 64).
    let budget = MAX_KEYRING_FILE_BYTES as usize / 4 * 3 / 65 * 64 - 4096;
    let binary: Vec<u8> = std::iter::repeat_n(uid.clone(), budget / uid.len())
        .flatten()
        .collect();
    let b64 = base64::engine::general_purpose::STANDARD.encode(&binary);
    let mut armored = String::from("\0\0-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n");
    for line in b64.as_bytes().chunks(64) {
        armored.push_str(std::str::from_utf8(line).unwrap_or_default());
        armored.push('\n');
    }
    armored.push_str("-----END PGP PUBLIC KEY BLOCK-----\n");
    assert!(armored.len() <= MAX_KEYRING_FILE_BYTES as usize);
    let mut sig_only = vec![0, 0];
    sig_only.extend_from_slice(&sig);
    vec![
        ("a v4 signature with 21,844 subpackets".into(), sig_only),
        (
            "a 64 KiB key of user ids, then that signature".into(),
            with_key,
        ),
        (
            format!(
                "a {} KiB armored key file of user ids",
                armored.len() / 1024
            ),
            armored.into_bytes(),
        ),
    ]
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
