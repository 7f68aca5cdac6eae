//! In-process RPM figures: header parse per package (the committed fixtures, and the large
//! package `bench/compare.sh` generates, when present), from memory and from the file; MD5
//! throughput, ours against the `md-5` crate.
//! Run with `cargo bench --bench rpm`.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use upgrade_planner::rpm::{self, InspectOptions, Package, inspect::record_from_headers};

fn fixtures() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir("tests/fixtures/rpm")
        .expect("tests/fixtures/rpm")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "rpm"))
        .collect();
    v.sort();
    // The large package of bench/compare.sh (any size it was built with), when it was built.
    let mut large: Vec<PathBuf> = std::fs::read_dir("bench/work")
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok().map(|e| e.path().join("xz-multiblock.rpm")))
        .filter(|p| p.is_file())
        .collect();
    large.sort();
    match large.last() {
        Some(p) => v.push(p.clone()),
        None => eprintln!(
            "note: no large package in bench/work (run `bench/compare.sh --build-only`, or \
             BENCH_QUICK=1 for a small one); benchmarking the committed fixtures only"
        ),
    }
    v
}

fn label(path: &Path) -> String {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    if path.starts_with("bench/work") {
        let dir = path
            .parent()
            .and_then(|p| p.file_name())
            .unwrap_or_default();
        format!("{}/{name}", dir.to_string_lossy())
    } else {
        name.into_owned()
    }
}

fn header_parse(c: &mut Criterion) {
    for path in fixtures() {
        let name = label(&path);
        // Only the headers are read into memory (the large package's payload is not needed).
        let (pkg, _) = Package::open(&path).expect("package");
        let len = pkg.headers.payload_offset as usize;
        let bytes = std::fs::read(&path).expect("read");
        let headers = bytes.get(..len).expect("headers").to_vec();
        drop(bytes);
        let file_size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        c.bench_function(&format!("header parse + record {name}"), |b| {
            b.iter(|| {
                let pkg = Package::from_bytes(black_box(&headers), &path).expect("parse");
                record_from_headers(&pkg, file_size, 8 << 20).expect("record")
            })
        });
        let options = InspectOptions {
            verify: false,
            ..InspectOptions::default()
        };
        c.bench_function(
            &format!("inspect --no-verify (from the file) {name}"),
            |b| b.iter(|| rpm::inspect(black_box(&path), &options).expect("inspect")),
        );
    }
}

/// MD5 throughput: this crate's hand-scheduled MD5 (`src/rpm/md5.rs`) against the `md-5` crate it
/// replaced, over 16 MiB in memory (the sequential floor of a verifying `inspect`).
fn md5_throughput(c: &mut Criterion) {
    use md5::Digest as _;
    let data: Vec<u8> = (0..16u32 << 20)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let mut group = c.benchmark_group("md5");
    group.throughput(criterion::Throughput::Bytes(data.len() as u64));
    group.bench_function("upgrade-planner 16 MiB", |b| {
        b.iter(|| {
            let mut h = rpm::md5::Md5::new();
            h.update(black_box(&data));
            h.finalize()
        })
    });
    group.bench_function("md-5 crate 16 MiB", |b| {
        b.iter(|| md5::Md5::digest(black_box(&data)))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(2));
    targets = header_parse, md5_throughput
}
criterion_main!(benches);
