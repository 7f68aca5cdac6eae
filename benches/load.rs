//! Loading a 10,000-version dependency file (issue 14: target <= 15 ms), phase by phase, in CPU
//! time of the measuring thread (the machine is shared: wall time measures the other users too),
//! beside saphyr-parser, the YAML event parser the loader used for every file before the fast
//! reader (`src/yaml/fast.rs`) and still uses for anything outside its subset. The whole load
//! takes the direct loader (`src/depgraph/direct.rs`, asserted below); the general path's phases
//! (YAML tree, document, graph), which lint and files outside the direct loader's shape take, are
//! timed too.
//!
//! Run with `cargo bench --bench load` (`LOAD_RUNS=N` for more or fewer runs; default 41). Each
//! line is the median and minimum over the runs; the load average is printed before and after.

use std::hint::black_box;
use std::time::Duration;
use upgrade_planner::DepGraph;
use upgrade_planner::depgraph::Document;
use upgrade_planner::synth::{SynthSpec, generate};
use upgrade_planner::yaml;

fn cpu_now() -> Duration {
    let t = nix::time::clock_gettime(nix::time::ClockId::CLOCK_THREAD_CPUTIME_ID)
        .expect("thread CPU clock");
    Duration::new(t.tv_sec() as u64, t.tv_nsec() as u32)
}

/// (median, min) CPU time of `runs` calls of `f`.
fn measure<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, Duration) {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = cpu_now();
            // The result is dropped inside the timed region: a load's cost includes freeing.
            drop(black_box(f()));
            cpu_now() - start
        })
        .collect();
    times.sort();
    (times[runs / 2], times[0])
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

fn main() {
    // `cargo test --benches` passes `--bench`-less flags; only run when benchmarking.
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let runs: usize = std::env::var("LOAD_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(41)
        .max(1);
    let src = generate(&SynthSpec::new(10_000));
    // What the benchmark claims: the file loads, into a graph of 10,000 versions.
    let g = DepGraph::from_yaml_str(&src).expect("the generated file loads");
    assert_eq!(g.len(), 10_000, "the loaded graph has 10,000 versions");
    assert!(
        upgrade_planner::fuzzing::direct_load_agrees(&src),
        "the file takes the direct loader, into the general path's graph"
    );
    assert_eq!(
        yaml::parse(&src).expect("valid"),
        yaml::parse_with_saphyr(&src).expect("valid"),
        "the fast reader and saphyr read the same tree"
    );
    println!(
        "load of a 10,000-version file ({} bytes), {runs} runs, CPU time of this thread",
        src.len()
    );
    println!("load average before: {}", loadavg());
    let saphyr_events = measure(runs, || {
        let mut parser = saphyr_parser::Parser::new_from_str(&src);
        let mut events = 0usize;
        while let Some(Ok(_)) = parser.next_event() {
            events += 1;
        }
        events
    });
    let doc = Document::parse(&src, None).document.expect("valid");
    let rows: Vec<(&str, (Duration, Duration))> = vec![
        ("saphyr-parser: events only (reference)", saphyr_events),
        (
            "yaml::parse_with_saphyr: tree via saphyr",
            measure(runs, || yaml::parse_with_saphyr(&src)),
        ),
        (
            "yaml::parse: tree via the fast reader",
            measure(runs, || yaml::parse(&src)),
        ),
        (
            "Document::parse: tree + entries + checks",
            measure(runs, || Document::parse(&src, None)),
        ),
        (
            "DepGraph::from_document: graph + route index",
            measure(runs, || DepGraph::from_document(&doc)),
        ),
        (
            "general path: Document::parse + from_document",
            measure(runs, || {
                let doc = Document::parse(&src, None).document.expect("valid");
                DepGraph::from_document(&doc)
            }),
        ),
        (
            "DepGraph::from_yaml_str: the whole load",
            measure(runs, || DepGraph::from_yaml_str(&src)),
        ),
    ];
    println!(
        "{:<47} {:>10} {:>10} {:>9}",
        "phase", "median", "min", "× saphyr"
    );
    for (name, (median, min)) in &rows {
        println!(
            "{name:<47} {:>7.2} ms {:>7.2} ms {:>8.2}×",
            median.as_secs_f64() * 1e3,
            min.as_secs_f64() * 1e3,
            median.as_secs_f64() / saphyr_events.0.as_secs_f64()
        );
    }
    println!("load average after: {}", loadavg());
}
