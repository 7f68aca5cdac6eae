//! Scaling: every parser and command at 1× and 10× its base input (the CI run), or at 1×, 10× and
//! 100× (`--full`, run by `bench/scaling.sh`), sizes chosen so that 100× reaches the input's
//! documented limit (docs/limits.md). For each size it prints the time per MB (in-process: the
//! library calls the command makes, output rendered into a sink; the median of repeated samples of
//! the thread's CPU time, so neither process start-up nor other jobs on a shared machine hide or
//! fake a slow path) and the peak RSS of the real
//! command on that file (`tests/common/rss.rs`), then checks:
//!
//! * time per MB at the largest size ≤ 2 × time per MB at the smallest: a quadratic path makes
//!   10× the input cost 100× the time, and fails here rather than on a user (`diff`, which
//!   compares every ordered pair of versions by definition, is held to its time per pair);
//! * peak RSS ≤ 256 MiB, and ≤ 4 × the input + 32 MiB for the commands that are one reader and a
//!   renderer (dependency YAML, NPM metadata).
//!
//! `cargo test --release --test scaling -- --full --doc docs/performance.md` rewrites the table
//! between the `scaling:begin` / `scaling:end` markers of docs/performance.md.

mod common;

use common::rss;
use std::ffi::OsString;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;
use upgrade_planner::depgraph::DepGraph;
use upgrade_planner::lint::FileReport;
use upgrade_planner::rollout::inventory::Inventory;
use upgrade_planner::synth::{self, SynthSpec};
use upgrade_planner::{diff, npm, render};

const SEED: &str = "data/seed-oceanbase-ce-4.2.1.1.yml";
const MIB: u64 = 1024 * 1024;
/// The bound on time per MB, largest size against smallest.
const MAX_RATIO: f64 = 2.0;
/// Peak RSS bound for every command on any accepted input.
const MAX_RSS: u64 = 256 * MIB;
/// Cases that hold the same data in two shapes, which must load within [`MAX_RATIO`] of each
/// other's time.
const SAME_DATA: &[(&str, &str)] = &[
    (
        "dependency YAML, block style (plan)",
        "dependency YAML, one-line flow style (plan)",
    ),
    (
        "inventory JSON, compact (rollout)",
        "inventory JSON, indented (rollout)",
    ),
];
/// Samples per size; the median is kept.
const SAMPLES: usize = 5;
/// Each sample repeats the operation until it lasts at least this long.
const SAMPLE_TIME: Duration = Duration::from_millis(40);

/// One input kind: how to generate it at a scale, what the command does with it in-process, and
/// the command line whose peak memory is measured.
struct Case {
    name: &'static str,
    /// Generator units at 1× (versions, nodes or bytes); 100× is at or under the limit.
    unit: usize,
    /// The input files' contents at `n` units (a second file for `diff`).
    generate: fn(usize) -> Vec<Vec<u8>>,
    /// What the command does, in-process.
    run: fn(&[Vec<u8>]),
    /// The command's arguments (`{0}`, `{1}`: the input files).
    args: &'static [&'static str],
    /// Exit codes the command may end with on this input.
    codes: &'static [i32],
    /// The library reader this input goes through, when the 4 × input + 32 MiB bound applies to
    /// it (dependency YAML, NPM metadata): its peak RSS is measured alone, in a child that reads
    /// the file and calls it.
    reader: Option<fn(&[u8])>,
    /// What the time is divided by: the input's size, except for `diff`.
    per: Per,
}

/// The unit of work the time is divided by.
#[derive(Clone, Copy, PartialEq)]
enum Per {
    /// A MB of input: the command reads and renders its input once.
    Mb,
    /// A million ordered pairs of versions: `diff` compares the route of every ordered pair
    /// (its output can hold one change per pair), so its work is the square of the version count
    /// by definition, bounded by MAX_DIFF_VERSIONS; what must not grow is the time per pair.
    MillionPairs,
}

fn text(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).expect("generated inputs are UTF-8")
}

fn deps_block(n: usize) -> Vec<Vec<u8>> {
    vec![synth::generate(&SynthSpec::new(n)).into_bytes()]
}

fn deps_flow(n: usize) -> Vec<Vec<u8>> {
    vec![synth::generate_flow(&SynthSpec::new(n)).into_bytes()]
}

fn load(inputs: &[Vec<u8>]) {
    let g = DepGraph::from_yaml_str(text(&inputs[0])).expect("valid");
    assert!(!g.is_empty());
}

fn inventory(n: usize, indented: bool) -> Vec<Vec<u8>> {
    vec![synth::inventory_json(n, indented).into_bytes()]
}

fn read_inventory(inputs: &[Vec<u8>]) {
    let inv = Inventory::parse(text(&inputs[0])).expect("valid");
    assert!(!inv.nodes.is_empty());
}

fn npm_text(bytes: usize) -> Vec<Vec<u8>> {
    vec![synth::npm_text(&synth::npm_items(bytes, 600)).into_bytes()]
}

/// Issue 15's shape: 75-byte `PKG_NOTE_*` items (its 40 MB dump is this at 100x).
fn npm_text_notes(bytes: usize) -> Vec<Vec<u8>> {
    vec![synth::npm_text(&synth::npm_items(bytes, 80)).into_bytes()]
}

fn npm_xml(bytes: usize) -> Vec<Vec<u8>> {
    // ~90 bytes of tags per item: the same item count as the text form of 0.87× the bytes.
    vec![synth::npm_xml_one_line(&synth::npm_items(bytes * 87 / 100, 600)).into_bytes()]
}

fn npm_json(inputs: &[Vec<u8>]) {
    let npm::Document::Package(p) = npm::read_document(&inputs[0]).expect("valid") else {
        panic!("a package")
    };
    serde_json::to_writer_pretty(std::io::sink(), &render::npm::package_to_json("f", &p))
        .expect("rendered");
}

fn npm_text_render(inputs: &[Vec<u8>]) {
    let npm::Document::Package(p) = npm::read_document(&inputs[0]).expect("valid") else {
        panic!("a package")
    };
    let out = render::npm::package_to_text("f", text(&inputs[0]), &p);
    assert!(!out.is_empty());
}

fn lint(inputs: &[Vec<u8>]) {
    let report = FileReport::from_source("f", text(&inputs[0]).to_string(), None);
    let out = render::lint::to_json(&[report], &[]);
    serde_json::to_writer_pretty(std::io::sink(), &out).expect("rendered");
}

fn diff_pair(n: usize) -> Vec<Vec<u8>> {
    let old = SynthSpec::new(n);
    let new = SynthSpec {
        seed: 0xd1ff,
        ..SynthSpec::new(n)
    };
    vec![
        synth::generate(&old).into_bytes(),
        synth::generate(&new).into_bytes(),
    ]
}

fn diff_run(inputs: &[Vec<u8>]) {
    let a = DepGraph::from_yaml_str(text(&inputs[0])).expect("valid");
    let b = DepGraph::from_yaml_str(text(&inputs[1])).expect("valid");
    let d = diff::diff(&a, &b, "old", "new").expect("within the limit");
    serde_json::to_writer_pretty(std::io::sink(), &d).expect("rendered");
}

fn read_yaml(bytes: &[u8]) {
    let root = upgrade_planner::yaml::parse(text(bytes)).expect("valid YAML");
    assert!(root.is_some());
}

fn read_npm(bytes: &[u8]) {
    let doc = npm::read_document(bytes).expect("valid metadata");
    assert!(matches!(doc, npm::Document::Package(_)));
}

/// `rollout` of the generated inventory `{0}` with the real dependency file.
const ROLLOUT: &[&str] = &[
    "rollout",
    "--deps",
    SEED,
    "--cluster",
    "{0}",
    "--to",
    "latest",
    "--format",
    "json",
];
/// `plan` on the generated dependency file `{0}`.
const PLAN: &[&str] = &[
    "plan", "--deps", "{0}", "--from", "4.0.0.0", "--to", "latest", "--format", "json",
];

const CASES: &[Case] = &[
    Case {
        name: "dependency YAML, block style (plan)",
        // 25,000 versions (2 MB) is under MAX_YAML_NODES (300,000 nodes).
        unit: 250,
        generate: deps_block,
        run: load,
        args: PLAN,
        codes: &[0],
        reader: Some(read_yaml),
        per: Per::Mb,
    },
    Case {
        name: "dependency YAML, one-line flow style (plan)",
        unit: 250,
        generate: deps_flow,
        run: load,
        args: PLAN,
        codes: &[0],
        reader: Some(read_yaml),
        per: Per::Mb,
    },
    Case {
        name: "inventory JSON, compact (rollout)",
        // 10,000 nodes is MAX_INVENTORY_NODES.
        unit: 100,
        generate: |n| inventory(n, false),
        run: read_inventory,
        args: ROLLOUT,
        codes: &[0],
        reader: None,
        per: Per::Mb,
    },
    Case {
        name: "inventory JSON, indented (rollout)",
        unit: 100,
        generate: |n| inventory(n, true),
        run: read_inventory,
        args: ROLLOUT,
        codes: &[0],
        reader: None,
        per: Per::Mb,
    },
    Case {
        name: "NPM text (npm --format json)",
        // 55 MB of 600-byte items is under MAX_NPM_BYTES (64 MiB) and the item memory budget.
        unit: 550_000,
        generate: npm_text,
        run: npm_json,
        args: &["npm", "{0}", "--format", "json"],
        codes: &[0],
        reader: Some(read_npm),
        per: Per::Mb,
    },
    Case {
        name: "NPM text, 75-byte items (npm --format json)",
        // 100x is issue 15's 40 MB dump: 530,000 items, within the item memory budget.
        unit: 400_000,
        generate: npm_text_notes,
        run: npm_json,
        args: &["npm", "{0}", "--format", "json"],
        codes: &[0],
        reader: Some(read_npm),
        per: Per::Mb,
    },
    Case {
        name: "NPM XML, one line (npm, text)",
        unit: 550_000,
        generate: npm_xml,
        run: npm_text_render,
        args: &["npm", "{0}"],
        codes: &[0],
        reader: Some(read_npm),
        per: Per::Mb,
    },
    Case {
        name: "lint (lint --format json)",
        unit: 250,
        generate: deps_block,
        run: lint,
        args: &["lint", "{0}", "--format", "json"],
        codes: &[0, 1],
        reader: None,
        per: Per::Mb,
    },
    Case {
        name: "lint, one-line flow style (lint --format json)",
        unit: 250,
        generate: deps_flow,
        run: lint,
        args: &["lint", "{0}", "--format", "json"],
        codes: &[0, 1],
        reader: None,
        per: Per::Mb,
    },
    Case {
        name: "diff (diff --format json)",
        // 1,000 versions is MAX_DIFF_VERSIONS.
        unit: 10,
        generate: diff_pair,
        run: diff_run,
        args: &["diff", "{0}", "{1}", "--format", "json"],
        codes: &[0],
        reader: None,
        per: Per::MillionPairs,
    },
];

/// One size of one case, measured.
struct Row {
    scale: usize,
    bytes: usize,
    /// Units of work (see [`Per`]).
    work: f64,
    per_run: Duration,
    peak_rss: u64,
    /// Peak RSS of the reader alone (input included), when the case has one.
    reader_rss: Option<u64>,
}

impl Row {
    fn secs_per_unit(&self) -> f64 {
        self.per_run.as_secs_f64() / self.work
    }
}

/// CPU time this thread has used (`CLOCK_THREAD_CPUTIME_ID`, nanoseconds, exact at the call:
/// `getrusage(RUSAGE_THREAD)` advances only at scheduler ticks). The operations timed are
/// single-threaded, and CPU time, unlike wall time, does not count the time other jobs on a shared
/// machine hold the cores, so the ratios stay meaningful under load.
fn cpu_time() -> Duration {
    use nix::time::{ClockId, clock_gettime};
    let t = clock_gettime(ClockId::CLOCK_THREAD_CPUTIME_ID).expect("clock_gettime");
    Duration::new(t.tv_sec().max(0) as u64, t.tv_nsec().max(0) as u32)
}

/// Repetitions of `f` that last about [`SAMPLE_TIME`], from runs that last at least 1 ms in all.
fn calibrate(f: impl Fn()) -> u32 {
    let started = cpu_time();
    let mut runs = 0u32;
    while runs == 0 || cpu_time() - started < Duration::from_millis(1) {
        f();
        runs += 1;
    }
    let once = (cpu_time() - started) / runs;
    (SAMPLE_TIME.as_secs_f64() / once.as_secs_f64().max(1e-9))
        .ceil()
        .max(1.0) as u32
}

/// One sample: the mean CPU time of `reps` runs of `f`.
fn sample(f: impl Fn(), reps: u32) -> Duration {
    let t = cpu_time();
    for _ in 0..reps {
        f();
    }
    (cpu_time() - t) / reps
}

/// The generated inputs of one size, written to files.
struct Sized {
    scale: usize,
    inputs: Vec<Vec<u8>>,
    paths: Vec<PathBuf>,
}

fn generate(case: &Case, scale: usize, dir: &Path) -> Sized {
    let inputs = (case.generate)(case.unit * scale);
    let paths = inputs
        .iter()
        .enumerate()
        .map(|(i, data)| {
            let p = dir.join(format!("input-{scale}-{i}"));
            std::fs::write(&p, data).expect("write the input");
            p
        })
        .collect();
    Sized {
        scale,
        inputs,
        paths,
    }
}

/// Times every size of `case` in the same rounds (each round takes one sample of each size, in
/// alternating order), so that the sizes compared share the machine's load; the median per size is
/// kept. Then measures the peak RSS of the command (and of the reader alone) on each size.
fn measure(case: &Case, sizes: &[&Sized]) -> Vec<Row> {
    let reps: Vec<u32> = sizes
        .iter()
        .map(|s| calibrate(|| (case.run)(&s.inputs)))
        .collect();
    let mut samples: Vec<Vec<Duration>> = vec![Vec::new(); sizes.len()];
    for round in 0..SAMPLES {
        let mut order: Vec<usize> = (0..sizes.len()).collect();
        if round % 2 == 1 {
            order.reverse();
        }
        for i in order {
            samples[i].push(sample(|| (case.run)(&sizes[i].inputs), reps[i]));
        }
    }
    sizes
        .iter()
        .zip(samples)
        .map(|(s, mut t)| {
            t.sort();
            row(case, s, t[SAMPLES / 2])
        })
        .collect()
}

fn row(case: &Case, s: &Sized, per_run: Duration) -> Row {
    let scale = s.scale;
    let paths = &s.paths;
    let bytes: usize = s.inputs.iter().map(Vec::len).sum();
    let args: Vec<OsString> = case
        .args
        .iter()
        .map(|a| match *a {
            "{0}" => paths[0].clone().into_os_string(),
            "{1}" => paths[1].clone().into_os_string(),
            other => other.into(),
        })
        .collect();
    let m = rss::measure(Path::new(env!("CARGO_BIN_EXE_upgrade-planner")), &args, &[]);
    assert!(
        m.code.is_some_and(|c| case.codes.contains(&c)),
        "{} at {scale}x: exit {:?}\n{}",
        case.name,
        m.code,
        String::from_utf8_lossy(&m.stderr)
    );
    let reader_rss = case.reader.map(|_| {
        let index = CASES
            .iter()
            .position(|c| c.name == case.name)
            .expect("listed");
        let exe = std::env::current_exe().expect("this test's path");
        let r = rss::measure(
            &exe,
            &[],
            &[(READER_VAR, &format!("{index}:{}", paths[0].display()))],
        );
        assert_eq!(r.code, Some(0), "{}", String::from_utf8_lossy(&r.stderr));
        r.peak_rss_kib * 1024
    });
    let work = match case.per {
        Per::Mb => bytes as f64 / MIB as f64,
        Per::MillionPairs => {
            let versions = (case.unit * scale) as f64;
            versions * versions / 1e6
        }
    };
    Row {
        scale,
        bytes,
        work,
        per_run,
        peak_rss: m.peak_rss_kib * 1024,
        reader_rss,
    }
}

fn mb(bytes: u64) -> String {
    format!("{:.1}", bytes as f64 / MIB as f64)
}

/// Set (to `CASE_INDEX:PATH`) in a child that only reads the file and calls the case's reader.
const READER_VAR: &str = "UPGRADE_PLANNER_SCALING_READER";

fn main() {
    if rss::probe_main() {
        return;
    }
    if let Ok(job) = std::env::var(READER_VAR) {
        let (index, path) = job.split_once(':').expect("INDEX:PATH");
        let case = &CASES[index.parse::<usize>().expect("an index")];
        let bytes = std::fs::read(path).expect("read the input");
        (case.reader.expect("a reader"))(&bytes);
        return;
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    let full = args.iter().any(|a| a == "--full");
    let doc = args
        .iter()
        .position(|a| a == "--doc")
        .and_then(|i| args.get(i + 1))
        .map(PathBuf::from);
    let scales: &[usize] = if full { &[1, 10, 100] } else { &[1, 10] };
    rss::self_check();
    let dir = tempfile::tempdir().expect("a temporary directory");
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let mut table = String::from(
        "| input (command) | size | MB | time per run | time per MB (diff: per million version pairs) | ratio to 1× | peak RSS, command (MiB) | peak RSS, reader alone (MiB) | reader bound: 4× input + 32 (MiB) |\n\
         | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n",
    );
    let mut failures = Vec::new();
    let mut measured: Vec<(&str, Vec<(usize, Duration)>)> = Vec::new();
    for case in CASES {
        // Each larger size is timed in the same rounds as 1× (its ratio is to that 1×), and only
        // while the previous one stayed linear: a path already found to grow faster than its
        // input would take minutes at 100× and prove nothing more.
        let first = generate(case, scales[0], dir.path());
        let mut rows: Vec<(Row, f64)> = Vec::new();
        let mut skipped = Vec::new();
        for &s in &scales[1..] {
            if let Some((last, ratio)) = rows.last()
                && *ratio > MAX_RATIO
            {
                skipped.push(format!(
                    "| {} | {s}× | | not run: already superlinear at {}× | | | | | |\n",
                    case.name, last.scale
                ));
                continue;
            }
            let pair = [generate(case, s, dir.path())];
            let sizes = [&first, &pair[0]];
            let measured = measure(case, &sizes);
            let [base, big] = <[Row; 2]>::try_from(measured).ok().expect("two rows");
            let ratio = big.secs_per_unit() / base.secs_per_unit();
            if rows.is_empty() {
                rows.push((base, 1.0));
            }
            rows.push((big, ratio));
        }
        for (r, ratio) in &rows {
            let ratio = *ratio;
            let bound = 4 * r.bytes as u64 + 32 * MIB;
            let line = format!(
                "| {} | {}× | {} | {:.2?} | {:.3} s{} | {ratio:.2} | {} | {} | {} |\n",
                case.name,
                r.scale,
                mb(r.bytes as u64),
                r.per_run,
                r.secs_per_unit(),
                match case.per {
                    Per::Mb => "",
                    Per::MillionPairs => " per M pairs",
                },
                mb(r.peak_rss),
                r.reader_rss.map_or("".into(), mb),
                r.reader_rss.map_or("".into(), |_| mb(bound)),
            );
            print!("{line}");
            let _ = std::io::stdout().flush();
            table.push_str(&line);
            if r.scale != 1 && ratio > MAX_RATIO {
                failures.push(format!(
                    "{}: time per unit at {}× is {ratio:.2}× that at 1× (> {MAX_RATIO}): grows faster than the input",
                    case.name, r.scale
                ));
            }
            if r.peak_rss > MAX_RSS {
                failures.push(format!(
                    "{}: peak RSS {} MiB at {}× ({} MB of input) is over {} MiB",
                    case.name,
                    mb(r.peak_rss),
                    r.scale,
                    mb(r.bytes as u64),
                    mb(MAX_RSS)
                ));
            }
            if let Some(reader) = r.reader_rss.filter(|&m| m > bound) {
                failures.push(format!(
                    "{}: the reader alone peaks at {} MiB at {}× ({} MB of input), over 4× the input + 32 MiB",
                    case.name,
                    mb(reader),
                    r.scale,
                    mb(r.bytes as u64),
                ));
            }
        }
        for line in skipped {
            print!("{line}");
            table.push_str(&line);
        }
        measured.push((
            case.name,
            rows.iter().map(|(r, _)| (r.scale, r.per_run)).collect(),
        ));
    }
    // The same data in two shapes loads within 2x of each other's time.
    for (a, b) in SAME_DATA {
        let times = |name: &str| {
            measured
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, t)| t.clone())
                .unwrap_or_default()
        };
        for ((scale, ta), (_, tb)) in times(a).into_iter().zip(times(b)) {
            let ratio = ta.max(tb).as_secs_f64() / ta.min(tb).as_secs_f64();
            println!("{a} / {b} at {scale}×: {ratio:.2}");
            if ratio > MAX_RATIO {
                failures.push(format!(
                    "{a} and {b} at {scale}×: one takes {ratio:.2}× the other's time (> {MAX_RATIO})"
                ));
            }
        }
    }
    let load_after = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("load average before: {}after: {}", load, load_after);
    if let Some(doc) = doc {
        write_doc(&doc, &table, &load, &load_after, scales);
    }
    if failures.is_empty() {
        println!(
            "scaling: {} inputs, every time per MB within {MAX_RATIO}× of the smallest size, every peak RSS within bounds",
            CASES.len()
        );
    } else {
        eprintln!(
            "scaling: {} failure(s):\n  {}",
            failures.len(),
            failures.join("\n  ")
        );
        std::process::exit(1);
    }
}

/// Rewrites the table between the `scaling:begin` / `scaling:end` markers of `doc`.
fn write_doc(doc: &Path, table: &str, load: &str, load_after: &str, scales: &[usize]) {
    let old = std::fs::read_to_string(doc).expect("read the doc");
    let (begin, end) = ("<!-- scaling:begin -->\n", "<!-- scaling:end -->");
    let (Some(a), Some(b)) = (old.find(begin), old.find(end)) else {
        panic!("{} has no scaling markers", doc.display());
    };
    let commit = std::process::Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let profile = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    let block = format!(
        "{begin}Generated by `bench/scaling.sh` ({profile} build, commit {commit}, sizes {}): medians of {SAMPLES} samples of ≥ {} ms each.\n\
         Load average before: {}; after: {}.\n\n{table}",
        scales
            .iter()
            .map(|s| format!("{s}×"))
            .collect::<Vec<_>>()
            .join(", "),
        SAMPLE_TIME.as_millis(),
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" "),
        load_after
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" "),
    );
    let new = format!("{}{block}{}", &old[..a], &old[b..]);
    std::fs::write(doc, new).expect("write the doc");
}
