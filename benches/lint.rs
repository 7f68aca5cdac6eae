//! In-process lint figure: every rule over a generated 10,000-version file (≈ 0.6 MB of YAML).
//! Run with `cargo bench --bench lint`.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use upgrade_planner::lint::lint;
use upgrade_planner::synth::{SynthSpec, generate};

fn lint_generated(c: &mut Criterion) {
    for n in [1_000, 10_000] {
        let src = generate(&SynthSpec::new(n));
        c.bench_function(&format!("lint generated {n} versions"), |b| {
            b.iter(|| lint(black_box(&src), None))
        });
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10).measurement_time(std::time::Duration::from_secs(3));
    targets = lint_generated
}
criterion_main!(benches);
