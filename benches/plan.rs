//! In-process planner figures (issue 14): real routes (to `latest`, to a version in the middle,
//! one hop) and a `no_route` on generated graphs of 10,000 versions with barriers, of 2,500
//! versions ~90% conditioned, of 2,000 versions with dense cycles, and on the real files in `data/`,
//! under both objectives, on a graph loaded once; loading; `targets`; `diff`; and with known risks
//! on every other edge of the 10,000-version graph's route to `latest` (a real, recommended route
//! around them: checked before timing).
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

/// Known risks (issue 17): an `Always` risk on every other edge of the route to `latest` without
/// risks, so that the planner must go around all of them; binding and evaluating the risks, and
/// planning (and listing targets) with them.
fn risks(c: &mut Criterion) {
    use upgrade_planner::Target;
    use upgrade_planner::risks::RiskSet;
    let spec = SynthSpec::new(10_000);
    let graph = DepGraph::from_yaml_str(&generate(&spec)).expect("valid");
    let from = upgrade_planner::synth::version_name(0, &spec);
    let plain = graph
        .plan(&PlanRequest::new(from.clone(), Target::Latest))
        .expect("a route");
    let mut yaml = String::new();
    for (i, w) in plain
        .path
        .windows(2)
        .enumerate()
        .filter(|(i, _)| i % 2 == 0)
    {
        yaml.push_str(&format!(
            "- {{name: Risk{i}, to: '{}', from: '{}', url: https://example.invalid/{i}, message: m, matching_rules: [{{type: Always}}]}}\n",
            w[1],
            regex::escape(&w[0])
        ));
    }
    let set = RiskSet::from_yaml_str(&yaml).expect("valid risks");
    let bound = set.bind(&graph);
    let assessed = bound.assess(None, &[]);
    for objective in [Objective::Hops, Objective::Stops] {
        let req = PlanRequest::new(from.clone(), Target::Latest).objective(objective);
        let plan = assessed
            .plan(&req)
            .expect("a recommended route around every risk");
        assert_ne!(plan.path, plain.path, "the risks change the route");
        c.bench_function(
            &format!(
                "plan generated 10k latest with {} risks ({objective})",
                set.risks().len()
            ),
            |b| b.iter(|| assessed.plan(black_box(&req))),
        );
    }
    c.bench_function(
        &format!(
            "bind and assess {} risks on generated 10k",
            set.risks().len()
        ),
        |b| {
            b.iter(|| {
                black_box(set.bind(&graph))
                    .assess(None, &[])
                    .risks()
                    .graph()
                    .len()
            })
        },
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(2));
    targets = plans, diffs, risks
}
criterion_main!(benches);
