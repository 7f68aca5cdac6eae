//! In-process planner figures: load and plan on the real files in `data/`, and on generated graphs
//! of 1,000 and 10,000 versions (three edges per version, barriers, deprecated builds).
//! Run with `cargo bench --bench plan`.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use upgrade_planner::synth::{SynthSpec, generate, version_name};
use upgrade_planner::{DepGraph, Objective, PlanRequest, Target};

fn real_files(c: &mut Criterion) {
    for file in [
        "data/seed-oceanbase-ce-4.2.1.1.yml",
        "data/oceanbase-master.yml",
    ] {
        let src = std::fs::read_to_string(file).expect("data file");
        let graph = DepGraph::from_yaml_str(&src).expect("valid");
        let name = file.trim_start_matches("data/");
        c.bench_function(&format!("load {name}"), |b| {
            b.iter(|| DepGraph::from_yaml_str(black_box(&src)))
        });
        let req = PlanRequest::new("4.0.0.0", Target::Latest);
        c.bench_function(&format!("plan {name} 4.0.0.0 -> latest"), |b| {
            b.iter(|| graph.plan(black_box(&req)))
        });
        let req = req.objective(Objective::Stops);
        c.bench_function(&format!("plan {name} 4.0.0.0 -> latest (stops)"), |b| {
            b.iter(|| graph.plan(black_box(&req)))
        });
    }
}

fn generated(c: &mut Criterion) {
    for n in [1_000, 10_000] {
        let spec = SynthSpec::new(n);
        let src = generate(&spec);
        let graph = DepGraph::from_yaml_str(&src).expect("valid");
        let first = version_name(0, &spec);
        let last = version_name(n - 1, &spec);
        c.bench_function(&format!("load generated {n}"), |b| {
            b.iter(|| DepGraph::from_yaml_str(black_box(&src)))
        });
        for objective in [Objective::Hops, Objective::Stops] {
            let req =
                PlanRequest::new(first.clone(), Target::Version(last.clone())).objective(objective);
            c.bench_function(
                &format!("plan generated {n} first -> last ({objective})"),
                |b| b.iter(|| graph.plan(black_box(&req))),
            );
        }
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(3));
    targets = real_files, generated
}
criterion_main!(benches);
