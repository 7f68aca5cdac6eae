//! In-process planner figures (issue 14): real routes (to `latest`, to a version in the middle,
//! one hop) and a `no_route` on generated graphs of 10,000 versions with barriers, of 2,500
//! versions ~90% conditioned, of 2,000 versions with dense cycles, and on the real files in `data/`,
//! under both objectives, on a graph loaded once; loading; `targets`; `diff`.
//! Run with `cargo bench --bench plan` (`tests/planner_scale.rs` checks every query here is a
//! route, or the `no_route` it is named after).

#[path = "common/queries.rs"]
mod queries;

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use upgrade_planner::synth::{SynthSpec, generate};
use upgrade_planner::{DepGraph, Objective, PlanRequest};

fn plans(c: &mut Criterion) {
    for case in queries::cases() {
        let name = &case.name;
        // What the load benchmark claims: the text loads into the graph the queries run on.
        let loaded = DepGraph::from_yaml_str(&case.src).expect("benchmarked files load");
        assert_eq!(loaded.len(), case.graph.len(), "{name}");
        assert_eq!(case.graph.len(), case.versions, "{name}");
        c.bench_function(&format!("load {name}"), |b| {
            b.iter(|| DepGraph::from_yaml_str(black_box(&case.src)))
        });
        for objective in [Objective::Hops, Objective::Stops] {
            for (label, to) in &case.routes {
                let req = PlanRequest::new(case.from.clone(), to.clone()).objective(objective);
                c.bench_function(&format!("plan {name} {label} ({objective})"), |b| {
                    b.iter(|| case.graph.plan(black_box(&req)))
                });
            }
            if let Some((from, to)) = &case.no_route {
                let req = PlanRequest::new(from.clone(), to.clone()).objective(objective);
                c.bench_function(&format!("plan {name} no_route ({objective})"), |b| {
                    b.iter(|| case.graph.plan(black_box(&req)))
                });
            }
            c.bench_function(&format!("targets {name} ({objective})"), |b| {
                b.iter(|| case.graph.targets(black_box(&case.from), objective))
            });
        }
    }
}

fn diffs(c: &mut Criterion) {
    let mut group = c.benchmark_group("diff");
    group.sample_size(10);
    for n in [323, 1_000] {
        // Two releases of a file: the same graph with a few edges changed (another seed would
        // change every route, which measures rendering rather than planning).
        let spec = SynthSpec::new(n);
        let old = generate(&spec);
        let new = old.replacen(
            "can_be_upgraded_to: [4.0.0.2",
            "can_be_upgraded_to: [4.0.0.3",
            1,
        );
        let (old, new) = (
            DepGraph::from_yaml_str(&old).expect("valid"),
            DepGraph::from_yaml_str(&new).expect("valid"),
        );
        group.bench_function(format!("diff generated {n} (one edge changed)"), |b| {
            b.iter(|| upgrade_planner::diff::diff(black_box(&old), black_box(&new), "a", "b"))
        });
        let mut other = spec;
        other.seed += 1;
        let other = DepGraph::from_yaml_str(&generate(&other)).expect("valid");
        group.bench_function(format!("diff generated {n} (every route different)"), |b| {
            b.iter(|| upgrade_planner::diff::diff(black_box(&old), black_box(&other), "a", "b"))
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(2));
    targets = plans, diffs
}
criterion_main!(benches);
