//! In-process NPM metadata figures: parse per MB, text and ZAPI XML forms, on generated 1 MB and
//! 10 MB inputs (throughput is reported per byte, so linear growth shows as a constant rate).
//! Run with `cargo bench --bench npm`.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use upgrade_planner::npm::{self, write};
use upgrade_planner::synth;

/// A text dump of about `bytes` bytes: the six items of a real package, then numbered notes of
/// about 400 bytes (`upgrade_planner::synth::npm_items`, as the scaling test uses).
fn text_input(bytes: usize) -> String {
    synth::npm_text(&synth::npm_items(bytes, 400))
}

fn parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("npm parse");
    for mb in [1usize, 10] {
        let text = text_input(mb << 20);
        let items = npm::parse_text(text.as_bytes()).expect("text").items;
        let xml = write::to_xml(&items);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(
            BenchmarkId::new("text", format!("{mb} MB")),
            &text,
            |b, t| b.iter(|| npm::parse_text(black_box(t.as_bytes())).expect("parse")),
        );
        group.throughput(Throughput::Bytes(xml.len() as u64));
        group.bench_with_input(BenchmarkId::new("xml", format!("{mb} MB")), &xml, |b, x| {
            b.iter(|| npm::parse_xml(black_box(x.as_bytes())).expect("parse"))
        });
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(
            BenchmarkId::new("text, parse + validate", format!("{mb} MB")),
            &text,
            |b, t| b.iter(|| npm::read(black_box(t.as_bytes())).expect("read")),
        );
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10).measurement_time(std::time::Duration::from_secs(3));
    targets = parse
}
criterion_main!(benches);
