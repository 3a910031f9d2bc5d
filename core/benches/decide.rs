//! Criterion benchmarks of the native engine on the shared synthetic cases.
//!
//! `cargo bench -p arrears-core --bench decide`. The `json_roundtrip` group is the baseline:
//! parsing and serialising the same case text with serde_json, the least any JSON-in/JSON-out
//! engine pays. `scripts/bench.sh` runs every surface in one go and prints the ratios.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

fn cases(history: usize, count: u64) -> Vec<String> {
    (0..count)
        .map(|i| arrears_core::synthetic::account(1, i, history).to_string())
        .collect()
}

fn decide(c: &mut Criterion) {
    let engine = arrears_core::Engine::from_reference("cn-microloan").unwrap();
    let mut group = c.benchmark_group("decide_json");
    for history in [20usize, 200, 2000, 10000] {
        let texts = cases(history, if history >= 2000 { 4 } else { 32 });
        group.throughput(Throughput::Elements(texts.len() as u64));
        if history >= 2000 {
            group.sample_size(10);
        }
        group.bench_with_input(BenchmarkId::from_parameter(history), &texts, |b, texts| {
            b.iter(|| {
                for t in texts {
                    std::hint::black_box(engine.decide_json(t).unwrap());
                }
            })
        });
    }
    group.finish();

    let mut group = c.benchmark_group("json_roundtrip");
    for history in [20usize, 200] {
        let texts = cases(history, 32);
        group.throughput(Throughput::Elements(texts.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(history), &texts, |b, texts| {
            b.iter(|| {
                for t in texts {
                    let v: serde_json::Value = serde_json::from_str(t).unwrap();
                    std::hint::black_box(serde_json::to_string(&v).unwrap());
                }
            })
        });
    }
    group.finish();
}

criterion_group!(benches, decide);
criterion_main!(benches);
