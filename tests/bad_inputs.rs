//! Hostile inputs, table-driven: every file in `tests/fixtures/bad/` (plus a few too large to
//! commit, built here) is given to the commands that read that kind of input, and each run must
//! end with the documented exit code and error, never a panic (exit 101) or a signal, never output
//! on stdout next to an error, within 64 MiB of peak memory and a few seconds.
//!
//! Peak memory is the child's maximum resident set size, measured in-process by a probe
//! (`tests/common/rss.rs`: `getrusage(RUSAGE_CHILDREN)` in a small process whose only child is
//! the command), exactly and without GNU time, so these tests need no external tool.

mod common;

use common::rss;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

rss_probe!();

const DIR: &str = "tests/fixtures/bad";
const SEED: &str = "data/seed-oceanbase-ce-4.2.1.1.yml";
const NPM_OK: &str = "tests/fixtures/npm/valid/v01-dataontap-7.3.2-eq.txt";
/// A dependency file whose start is the longest version the limits allow (32 components).
const LONG_DEPS: &str = "tests/fixtures/bad/risks-long-versions-deps.yml";
const LONG: &str = "1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1";
const GOOD_RPM: &str =
    "tests/fixtures/rpm/oceanbase-ce-4.2.1.1-101000062023110109.el7.x86_64.xz.rpm";
/// The memory budget of the issue: 64 MiB of peak resident memory per run.
const MAX_RSS_KIB: u64 = 64 * 1024;
/// Far above what any case needs (the slowest, the bzip2 bomb, takes well under a second).
const MAX_WALL: Duration = Duration::from_secs(20);

/// Which command reads the input. `{}` in the arguments is the input, `{out}` an output path.
#[derive(Clone, Copy, Debug)]
enum Cmd {
    Plan,
    PlanJson,
    Lint,
    Graph,
    Diff,
    DiffJson,
    Rollout,
    RolloutJson,
    Npm,
    NpmJson,
    NpmCheck,
    Inspect,
    InspectJson,
    Extract,
    /// `plan --risks {}` on the long-version dependency file.
    PlanRisks,
    PlanRisksJson,
    /// `lint` of the long-version dependency file with `--risks {}`.
    LintRisks,
    /// `inspect` of a good package with the input as `--keyring`.
    Keyring,
    KeyringJson,
}

impl Cmd {
    fn args(self) -> &'static [&'static str] {
        match self {
            Cmd::Plan => &[
                "plan", "--deps", "{}", "--from", "4.0.0.0", "--to", "latest",
            ],
            Cmd::PlanJson => &[
                "plan", "--deps", "{}", "--from", "4.0.0.0", "--to", "latest", "--format", "json",
            ],
            Cmd::Lint => &["lint", "{}"],
            Cmd::Graph => &["graph", "{}"],
            Cmd::Diff => &["diff", "{}", SEED],
            Cmd::DiffJson => &["diff", SEED, "{}", "--format", "json"],
            Cmd::Rollout => &[
                "rollout",
                "--deps",
                SEED,
                "--cluster",
                "{}",
                "--to",
                "latest",
            ],
            Cmd::RolloutJson => &[
                "rollout",
                "--deps",
                SEED,
                "--cluster",
                "{}",
                "--to",
                "latest",
                "--format",
                "json",
            ],
            Cmd::Npm => &["npm", "{}"],
            Cmd::NpmJson => &["npm", "{}", "--format", "json"],
            Cmd::NpmCheck => &["npm", "check", "--installed", "{}", "--package", NPM_OK],
            Cmd::Inspect => &["inspect", "{}"],
            Cmd::InspectJson => &["inspect", "{}", "--format", "json"],
            Cmd::Extract => &["extract", "{}", "-o", "{out}"],
            Cmd::PlanRisks => &[
                "plan", "--deps", LONG_DEPS, "--from", LONG, "--to", "latest", "--risks", "{}",
            ],
            Cmd::PlanRisksJson => &[
                "plan", "--deps", LONG_DEPS, "--from", LONG, "--to", "latest", "--risks", "{}",
                "--format", "json",
            ],
            Cmd::LintRisks => &["lint", LONG_DEPS, "--risks", "{}"],
            Cmd::Keyring => &["inspect", GOOD_RPM, "--keyring", "{}"],
            Cmd::KeyringJson => &["inspect", GOOD_RPM, "--format", "json", "--keyring", "{}"],
        }
    }
}

/// What a run must produce.
#[derive(Clone, Copy, Debug)]
enum Expect {
    /// Accepted: exit 0, output on stdout, nothing on stderr.
    Ok,
    /// Refused with this exit code; the first stderr line starts with `error` and contains the
    /// text; stdout is empty. Commands other than `npm` (whose errors are rustc-style, with a
    /// `-->` location line and a hint; `npm check` adds them after its one-line summary) print
    /// exactly one stderr line.
    Error(i32, &'static str),
    /// `--format json`: this exit code, and a JSON object on stdout whose `error.kind` is this.
    JsonError(i32, &'static str),
    /// A report on stdout (lint findings, an inspect record marked damaged) with this exit code
    /// and containing this text; stderr is empty.
    Report(i32, &'static str),
}

use Cmd::*;
use Expect::*;

/// The table: input file, command, expected result.
#[rustfmt::skip]
const CASES: &[(&str, Cmd, Expect)] = &[
    // --- upgrade-dependency YAML --------------------------------------------------------------
    ("deps-zero-length.yml", Plan, Error(2, "the file declares no versions")),
    ("deps-zero-length.yml", Lint, Report(1, "declares no versions")),
    ("deps-random-bytes.yml", Plan, Error(2, "not UTF-8 text: invalid byte at offset 0")),
    ("deps-random-bytes.yml", PlanJson, JsonError(2, "invalid_document")),
    ("deps-random-bytes.yml", Lint, Report(1, "yaml-syntax")),
    ("deps-not-utf8.yml", Plan, Error(2, "not UTF-8 text: invalid byte at offset 49 (line 2)")),
    ("deps-not-utf8.yml", Graph, Error(2, "not UTF-8")),
    ("deps-crlf.yml", Plan, Ok),
    ("deps-crlf.yml", Lint, Report(0, "0 errors")),
    ("deps-bom.yml", Plan, Ok),
    ("deps-truncated.yml", Plan, Error(2, "deps-truncated.yml:44:1: while parsing a node")),
    ("deps-truncated.yml", Lint, Report(1, "yaml-syntax")),
    ("deps-bit-flipped.yml", Plan, Error(2, "deps-bit-flipped.yml:21:21:")),
    ("deps-billion-laughs.yml", Plan, Error(2, "alias bomb")),
    ("deps-billion-laughs.yml", PlanJson, JsonError(2, "invalid_document")),
    ("deps-billion-laughs.yml", Lint, Report(1, "alias bomb")),
    ("deps-billion-laughs.yml", Graph, Error(2, "alias bomb")),
    ("deps-billion-laughs.yml", Diff, Error(2, "alias bomb")),
    ("deps-random-bytes.yml", DiffJson, JsonError(2, "invalid_document")),
    ("deps-deep-nesting.yml", Plan, Error(2, "deps-deep-nesting.yml:1:")),
    ("deps-deep-nesting.yml", Lint, Report(1, "yaml-syntax")),
    ("deps-long-version.yml", Plan, Error(2, "longer than 256 bytes")),
    ("deps-many-components.yml", Plan, Error(2, "more than 32 components")),
    ("deps-oversized.yml", Plan, Error(2, "larger than the limit of 8388608 bytes")),
    ("deps-oversized.yml", Lint, Report(1, "8388608")),
    // --- known risks (regexes are linear-time: nested quantifiers never hang) ---------------------
    ("risks-long-versions-deps.yml", Plan, Error(1, "unknown start version `4.0.0.0`")),
    ("risks-catastrophic-regex.yml", PlanRisks, Ok),
    ("risks-catastrophic-regex.yml", LintRisks, Report(1, "risk-matches-no-edge")),
    ("risks-huge-pattern.yml", PlanRisks, Error(2, "the pattern is 5000 bytes long, more than the limit of 1024")),
    ("risks-huge-pattern.yml", PlanRisksJson, JsonError(2, "invalid_risks")),
    ("risks-repetition-bomb.yml", PlanRisks, Error(2, "compiles to more than the limit of 1048576 bytes")),
    ("risks-repetition-bomb.yml", LintRisks, Report(1, "risk-invalid-regex")),
    ("risks-deep-regex.yml", PlanRisks, Error(2, "nested parentheses/brackets (250)")),
    ("risks-billion-laughs.yml", PlanRisks, Error(2, "alias bomb")),
    ("risks-billion-laughs.yml", LintRisks, Report(1, "alias bomb")),
    ("risks-not-utf8.yml", PlanRisks, Error(2, "not UTF-8 text: invalid byte at offset 81 (line 5)")),
    ("risks-zero-length.yml", PlanRisks, Error(2, "declares no risks")),
    ("risks-zero-length.yml", PlanRisksJson, JsonError(2, "invalid_risks")),
    // --- cluster inventory ------------------------------------------------------------------
    ("inventory-zero-length.yml", Rollout, Error(2, "the inventory is empty")),
    ("inventory-zero-length.yml", RolloutJson, JsonError(2, "invalid_inventory")),
    ("inventory-random-bytes.json", Rollout, Error(2, "not UTF-8 text")),
    ("inventory-not-utf8.yml", Rollout, Error(2, "invalid byte at offset 206 (line 5)")),
    ("inventory-crlf.yml", Rollout, Ok),
    ("inventory-bom.json", Rollout, Ok),
    ("inventory-truncated.json", Rollout, Error(2, "inventory-truncated.json:6:")),
    ("inventory-billion-laughs.yml", Rollout, Error(2, "alias bomb")),
    ("inventory-billion-laughs.yml", RolloutJson, JsonError(2, "invalid_inventory")),
    ("inventory-deep-nesting.json", Rollout, Error(2, "inventory-deep-nesting.json:1:")),
    ("inventory-oversized-name.yml", Rollout, Error(2, "more than the limit of 256")),
    // --- NPM text form (invalid metadata is exit 1, a size limit exit 2: `npm --help`) ----------
    ("npm-zero-length.txt", Npm, Error(1, "ENPMNOMETA")),
    ("npm-zero-length.txt", NpmJson, JsonError(1, "no-metadata")),
    ("npm-random-bytes.txt", Npm, Error(1, "line 1 is not valid UTF-8")),
    ("npm-not-utf8.txt", Npm, Error(1, "line 4 is not valid UTF-8")),
    ("npm-not-utf8.txt", NpmCheck, Error(2, "the installed metadata is invalid")),
    ("npm-utf16-bom.txt", Npm, Error(1, "UTF-16 byte-order mark")),
    ("npm-crlf.txt", Npm, Ok),
    ("npm-bom.txt", Npm, Ok),
    ("npm-truncated.txt", Npm, Error(1, "line 4 is not `NAME=VALUE`")),
    ("npm-long-line.txt", Npm, Error(2, "line 2 is 1048577 bytes long")),
    ("npm-long-line.txt", NpmJson, JsonError(2, "too-large")),
    // --- NPM ZAPI XML form ------------------------------------------------------------------
    ("xml-truncated.xml", Npm, Error(1, "element(s) still open")),
    ("xml-crlf.xml", Npm, Ok),
    ("xml-bom.xml", Npm, Ok),
    ("xml-internal-entity.xml", Npm, Error(1, "DTDs and entity declarations are not accepted")),
    ("xml-internal-entity.xml", NpmJson, JsonError(1, "xml-forbidden-dtd")),
    ("xml-external-entity.xml", Npm, Error(1, "DTDs and entity declarations are not accepted")),
    ("xml-entity-expansion.xml", Npm, Error(1, "not one of the five predefined entities")),
    ("xml-deep-nesting.xml", Npm, Error(2, "nested deeper than 256")),
    // --- RPM packages (a damaged package is a refusal, exit 1: `inspect --help`) -------------
    ("rpm-zero-length.rpm", Inspect, Error(2, "0 bytes long, shorter than an RPM lead")),
    ("rpm-zero-length.rpm", InspectJson, JsonError(2, "not_rpm")),
    ("rpm-zero-length.rpm", Extract, Error(2, "not an RPM package")),
    ("rpm-random-bytes.rpm", Inspect, Error(2, "bad lead magic")),
    ("rpm-wrong-magic.rpm", Inspect, Error(2, "bad lead magic 00 00 00 00")),
    ("rpm-wrong-magic.rpm", Extract, Error(2, "bad lead magic")),
    ("rpm-truncated-lead.rpm", Inspect, Error(2, "truncated: its lead at byte 0 needs 96 bytes but only 50 remain")),
    ("rpm-truncated-header.rpm", Inspect, Error(2, "truncated: its main header at byte 4504")),
    ("rpm-truncated-header.rpm", Extract, Error(2, "truncated")),
    ("rpm-large-data-length-truncated.rpm", Inspect, Error(2, "needs 268436287 bytes but only 3680 remain")),
    ("rpm-oversized-index-count.rpm", Inspect, Error(2, "2147483647 index entries; librpm accepts 1 to 65535")),
    ("rpm-oversized-index-count.rpm", Extract, Error(2, "index entries")),
    ("rpm-oversized-data-length.rpm", Inspect, Error(2, "4294967280 bytes of data")),
    ("rpm-overlapping-strings.rpm", Inspect, Error(2, "overlaps earlier entries")),
    ("rpm-overlapping-strings.rpm", Extract, Error(2, "overlaps earlier entries")),
    ("rpm-truncated-payload.rpm", Inspect, Error(2, "is truncated")),
    ("rpm-truncated-payload.rpm", Extract, Error(2, "is truncated")),
    ("rpm-bit-flipped-header.rpm", Inspect, Report(1, "DAMAGED OR ALTERED")),
    ("rpm-bit-flipped-header.rpm", Extract, Error(1, "header SHA256 digest mismatch")),
    ("rpm-bit-flipped-payload.rpm", Inspect, Report(1, "DAMAGED OR ALTERED")),
    // zlib-rs (flate2's backend since `pgp` enables it) stops at the corrupt deflate stream before
    // any digest can be compared; the message still says the payload was damaged or altered.
    ("rpm-bit-flipped-payload.rpm", Extract, Error(1, "the payload is corrupt")),
    ("rpm-bzip2-bomb.rpm", Inspect, Report(1, "decompression bomb")),
    ("rpm-bzip2-bomb.rpm", Extract, Error(1, "decompression bomb")),
    ("rpm-signature-absurd-length.rpm", Inspect, Report(1, "a signature does not verify")),
    ("rpm-signature-absurd-length.rpm", InspectJson, Report(1, "\"status\": \"bad\"")),
    ("rpm-signature-absurd-length.rpm", Extract, Error(1, "bad signature: RSAHEADER")),
    // --- OpenPGP key files (--keyring: a usage error, exit 2, naming the file) ---------------
    ("key-not-openpgp.asc", Keyring, Error(2, "key-not-openpgp.asc` is not an OpenPGP public key file")),
    ("key-not-openpgp.asc", KeyringJson, JsonError(2, "invalid_keyring")),
    ("key-truncated.asc", Keyring, Error(2, "key-truncated.asc` is not an OpenPGP public key file")),
    ("key-random-bytes.gpg", Keyring, Error(2, "key-random-bytes.gpg` is not an OpenPGP public key file")),
    ("keyring-bomb.asc", Keyring, Error(2, "larger than 4194304 bytes")),
    ("keyring-bomb.asc", KeyringJson, JsonError(2, "invalid_keyring")),
];

/// Inputs too large to commit, written into `dir`: (name, bytes).
fn generated(dir: &Path) -> Vec<(&'static str, PathBuf)> {
    let mut out = Vec::new();
    // One byte over MAX_YAML_BYTES (8 MiB) of comment lines.
    let mut deps = b"- version: 4.0.0.0\n".to_vec();
    let line = format!("#{}\n", "x".repeat(78));
    while deps.len() <= 8 * 1024 * 1024 {
        deps.extend_from_slice(line.as_bytes());
    }
    out.push(("deps-oversized.yml", deps));
    // A value line one byte over MAX_NPM_LINE_BYTES (1 MiB).
    let mut npm = b"PKG_TYPE=DataOntap\nX=".to_vec();
    npm.resize(npm.len() + 1024 * 1024 - 1, b'a');
    npm.push(b'\n');
    out.push(("npm-long-line.txt", npm));
    // 2 MiB: a signature header of 65535 STRING_ARRAY entries all claiming the same megabyte of
    // empty strings (parsing it was quadratic: over a minute of CPU).
    let (il, dl) = (65535u32, 1u32 << 20);
    let mut rpm = vec![0xed, 0xab, 0xee, 0xdb, 3, 0, 0, 0, 0, 1];
    rpm.resize(78, b'x');
    rpm.extend_from_slice(&[0, 5]);
    rpm.resize(96, 0);
    rpm.extend_from_slice(&[0x8e, 0xad, 0xe8, 0x01, 0, 0, 0, 0]);
    rpm.extend_from_slice(&il.to_be_bytes());
    rpm.extend_from_slice(&dl.to_be_bytes());
    for tag in 1000..1000 + il {
        for x in [tag, 8, 0, dl] {
            rpm.extend_from_slice(&x.to_be_bytes());
        }
    }
    rpm.resize(rpm.len() + dl as usize, 0);
    out.push(("rpm-overlapping-strings.rpm", rpm));
    // A keyring bomb: 16 MiB of an armored "public key" (base64 lines), far past the 4 MiB a key
    // file may have; refused before it is parsed, with bounded memory.
    let mut bomb = b"-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n".to_vec();
    let line = format!("{}\n", "mQINBGVCG7YBEADGx3sF7Kk9Lx2ZQ3tXwq1PAAAA".repeat(2));
    while bomb.len() < 16 * 1024 * 1024 {
        bomb.extend_from_slice(line.as_bytes());
    }
    bomb.extend_from_slice(b"-----END PGP PUBLIC KEY BLOCK-----\n");
    out.push(("keyring-bomb.asc", bomb));
    out.into_iter()
        .map(|(name, bytes)| {
            let path = dir.join(name);
            std::fs::write(&path, bytes).unwrap();
            (name, path)
        })
        .collect()
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    rss_kib: u64,
    wall: Duration,
}

fn run(cmd: Cmd, input: &Path, out: &Path) -> Run {
    let args: Vec<OsString> = cmd
        .args()
        .iter()
        .map(|a| match *a {
            "{}" => input.as_os_str().to_owned(),
            "{out}" => out.as_os_str().to_owned(),
            other => other.into(),
        })
        .collect();
    let start = Instant::now();
    let m = rss::measure(Path::new(env!("CARGO_BIN_EXE_upgrade-planner")), &args, &[]);
    let wall = start.elapsed();
    Run {
        code: m.code,
        stdout: String::from_utf8_lossy(&m.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&m.stderr).into_owned(),
        rss_kib: m.peak_rss_kib,
        wall,
    }
}

fn check(cmd: Cmd, expect: Expect, r: &Run, out: &Path) -> Result<(), String> {
    let code = r.code.ok_or("killed by a signal")?;
    if code == 101 {
        return Err(format!("panicked: {}", r.stderr));
    }
    if r.rss_kib > MAX_RSS_KIB {
        return Err(format!("peak memory {} KiB > {MAX_RSS_KIB} KiB", r.rss_kib));
    }
    if r.wall > MAX_WALL {
        return Err(format!("took {:?}", r.wall));
    }
    let (want, text) = match expect {
        Ok => (0, ""),
        Error(c, t) | JsonError(c, t) | Report(c, t) => (c, t),
    };
    if code != want {
        return Err(format!(
            "exit {code}, expected {want}\nstdout: {}\nstderr: {}",
            r.stdout, r.stderr
        ));
    }
    match expect {
        Ok => {
            if r.stdout.is_empty() || !r.stderr.is_empty() {
                return Err(format!("accepted but stdout/stderr wrong: {}", r.stderr));
            }
        }
        Error(..) => {
            let first = r.stderr.lines().next().unwrap_or_default();
            if !first.starts_with("error") || !first.contains(text) {
                return Err(format!("stderr line 1 {first:?} lacks {text:?}"));
            }
            if !matches!(cmd, Npm | NpmCheck) && r.stderr.lines().count() != 1 {
                return Err(format!("more than one stderr line: {:?}", r.stderr));
            }
            if !r.stdout.is_empty() {
                return Err(format!("output next to an error: {:?}", r.stdout));
            }
        }
        JsonError(..) => {
            let v: serde_json::Value = serde_json::from_str(&r.stdout)
                .map_err(|e| format!("stdout is not JSON ({e}): {}", r.stdout))?;
            if v["error"]["kind"] != text || !v["error"]["message"].is_string() {
                return Err(format!("error.kind is not {text:?}: {v}"));
            }
            if !v["schema"]
                .as_str()
                .is_some_and(|s| s.starts_with("upgrade-planner/"))
            {
                return Err(format!("no schema: {v}"));
            }
            if !r.stderr.is_empty() {
                return Err(format!("stderr next to a JSON error: {}", r.stderr));
            }
        }
        Report(..) => {
            if !r.stdout.contains(text) || !r.stderr.is_empty() {
                return Err(format!(
                    "report lacks {text:?}\nstdout: {}\nstderr: {}",
                    r.stdout, r.stderr
                ));
            }
        }
    }
    if matches!(cmd, Extract) && code != 0 && out.exists() {
        return Err("extract left a partial output file".into());
    }
    std::result::Result::Ok(())
}

#[test]
fn every_bad_input_fails_cleanly_in_bounded_memory() {
    let tmp = tempfile::tempdir().unwrap();
    let big = generated(tmp.path());
    let mut failures = Vec::new();
    let mut peak = (0, "");
    for (i, &(name, cmd, expect)) in CASES.iter().enumerate() {
        let input = big
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, p)| p.clone())
            .unwrap_or_else(|| Path::new(DIR).join(name));
        assert!(input.is_file(), "no input {}", input.display());
        let out = tmp.path().join(format!("out-{i}"));
        let r = run(cmd, &input, &out);
        if r.rss_kib > peak.0 {
            peak = (r.rss_kib, name);
        }
        if let Err(e) = check(cmd, expect, &r, &out) {
            failures.push(format!("{name} with {cmd:?}: {e}"));
        }
    }
    eprintln!("peak memory over all runs: {} KiB ({})", peak.0, peak.1);
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn every_committed_bad_input_is_in_the_table() {
    for entry in std::fs::read_dir(DIR).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name == "README.md" || name == "generate.py" {
            continue;
        }
        assert!(
            CASES.iter().any(|(n, _, _)| *n == name),
            "{name} is not in the table of tests/bad_inputs.rs"
        );
    }
}

#[test]
fn every_limit_is_documented_in_docs_limits_md() {
    let src = std::fs::read_to_string("src/limits.rs").unwrap();
    let doc = std::fs::read_to_string("docs/limits.md").unwrap();
    let names: Vec<&str> = src
        .lines()
        .filter_map(|l| l.strip_prefix("pub const "))
        .filter_map(|l| l.split(':').next())
        .collect();
    assert!(names.len() >= 30, "found {} limits", names.len());
    for name in names {
        assert!(
            doc.contains(&format!("`{name}`")),
            "{name} (src/limits.rs) is not listed in docs/limits.md"
        );
    }
}

/// A full disk (`/dev/full` as stdout) never yields exit 0 or 1: the output is incomplete, so every
/// command exits 2 and says so on stderr, in text and in JSON.
#[test]
fn output_to_a_full_disk_exits_2_for_every_command() {
    assert!(
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .is_ok(),
        "this test needs Linux's /dev/full"
    );
    let seed = "data/seed-oceanbase-ce-4.2.1.1.yml";
    let rpm_dir = "tests/fixtures/rpm";
    let pkg = "tests/fixtures/rpm/oceanbase-ce-4.2.1.1-101000062023110109.el7.x86_64.xz.rpm";
    let npm = "tests/fixtures/npm/valid/v01-dataontap-7.3.2-eq.txt";
    let cases: Vec<Vec<&str>> = vec![
        vec![
            "plan", "--deps", seed, "--from", "4.0.0.0", "--to", "latest",
        ],
        vec![
            "plan", "--deps", seed, "--from", "4.0.0.0", "--to", "latest", "--format", "json",
        ],
        vec!["lint", seed],
        vec!["lint", seed, "--format", "json"],
        vec![
            "diff",
            "tests/fixtures/diff/old.yml",
            "tests/fixtures/diff/new.yml",
        ],
        vec!["graph", seed],
        vec!["npm", npm, "--format", "json"],
        vec!["inspect", pkg],
        vec!["inspect", pkg, "--format", "json"],
        vec!["inspect", pkg, rpm_dir, "--format", "json"],
        vec!["extract", pkg],
    ];
    for args in cases {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_upgrade-planner"))
            .args(&args)
            .stdout(full)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("incomplete") || err.contains("cannot write") || err.contains("No space"),
            "{args:?}: {err}"
        );
    }
}

/// A usage error with `--format json` carries the schema of the command's own document, never one
/// made up from whatever word came first.
#[test]
fn json_usage_errors_name_the_commands_schema() {
    for (args, schema) in [
        (
            vec!["inspect", "--format", "json"],
            Some("upgrade-planner/package/v1"),
        ),
        (
            vec!["npm", "check", "--installed", "a", "--format", "json"],
            Some("upgrade-planner/npm-check/v1"),
        ),
        (
            vec!["--format", "json", "plan"],
            Some("upgrade-planner/plan/v1"),
        ),
        (
            vec!["plan", "--format", "json"],
            Some("upgrade-planner/plan/v1"),
        ),
        (
            vec!["lint", "--format", "json", "--bogus"],
            Some("upgrade-planner/lint/v1"),
        ),
        (
            vec!["bogus", "--format", "json"],
            Some("upgrade-planner/usage/v1"),
        ),
        (
            vec!["graph", "x.yml", "--format", "json", "--bogus"],
            Some("upgrade-planner/graph/v1"),
        ),
        (vec!["completions", "--format", "json"], None),
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_upgrade-planner"))
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        match schema {
            Some(schema) => {
                let v: serde_json::Value =
                    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}"));
                assert_eq!(v["schema"], schema, "{args:?}");
                assert_eq!(v["error"]["kind"], "usage", "{args:?}");
            }
            None => {
                assert!(out.stdout.is_empty(), "{args:?}");
                assert!(String::from_utf8_lossy(&out.stderr).contains("error:"));
            }
        }
    }
}
