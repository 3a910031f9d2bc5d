//! The largest cases the case contract admits against the README's sample case, under every pack:
//! how many times the sample's decision a heavy decision and a heavy 31-day plan cost. Goals
//! (BENCHMARKS.md, "Work budget"): a decision within 100x, a 31-day plan within 1,000x.
//!
//! `cargo bench -p arrears-core --bench heavy`. Two shapes fill the limit on channels
//! ([`arrears_core::case::MAX_CASE_CHANNELS`]) with 10,000 calls: few contacts with many channels
//! each, and many contacts with one each. A heavy case a pack refuses with `limit_exceeded` (its
//! plan can be) is reported as refused, which is within the budget by definition.

use arrears_core::synthetic::{heavy, Heavy};
use arrears_core::Engine;
use criterion::{criterion_group, BenchmarkId, Criterion};
use std::time::{Duration, Instant};

const SAMPLE: &str = include_str!("../../examples/cases/overdue-consumer-loan.json");

/// The admitted shapes: 250 channels in all, 10,000 calls, at most 5,000 on any party.
fn shapes() -> [(&'static str, Heavy); 2] {
    [
        (
            "wide",
            Heavy {
                contacts: 4,
                channels_per_contact: 50,
                borrower_channels: 50,
                calls: 10_000,
            },
        ),
        (
            "many-contacts",
            Heavy {
                contacts: 200,
                channels_per_contact: 1,
                borrower_channels: 50,
                calls: 10_000,
            },
        ),
    ]
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("heavy");
    group.sample_size(10);
    let cn = Engine::from_reference("cn-microloan").unwrap();
    group.bench_function("sample/decide", |b| {
        b.iter(|| std::hint::black_box(cn.decide_json(SAMPLE).unwrap()))
    });
    for pack in arrears_core::policy::packs::IDS {
        let engine = Engine::from_reference(pack).unwrap();
        for (name, shape) in shapes() {
            let text = heavy(shape).to_string();
            if engine.decide_json(&text).is_ok() {
                group.bench_with_input(
                    BenchmarkId::new(format!("{pack}/decide"), name),
                    &text,
                    |b, t| b.iter(|| std::hint::black_box(engine.decide_json(t).unwrap())),
                );
            }
        }
    }
    group.finish();
}

/// The median of a few timed runs, robust to a shared machine's bursts of load.
fn median(runs: usize, mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
}

/// One JSON line per pack and shape: the sample's decision time, the heavy decision's and 31-day
/// plan's, and their ratios to the sample (or the error code when the case is refused).
fn ratios() {
    let cn = Engine::from_reference("cn-microloan").unwrap();
    let sample = median(201, || {
        std::hint::black_box(cn.decide_json(SAMPLE).unwrap());
    });
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    for pack in arrears_core::policy::packs::IDS {
        let engine = Engine::from_reference(pack).unwrap();
        for (name, shape) in shapes() {
            let text = heavy(shape).to_string();
            let outcome = |r: Result<String, arrears_core::Error>| match r {
                Ok(_) => None,
                Err(e) => Some(e.code.as_str()),
            };
            let decided = outcome(engine.decide_json(&text));
            let planned = outcome(engine.plan_json(&text, 31));
            let decide = median(5, || {
                let _ = std::hint::black_box(engine.decide_json(&text));
            });
            let plan = median(3, || {
                let _ = std::hint::black_box(engine.plan_json(&text, 31));
            });
            println!(
                "{{\"pack\":\"{pack}\",\"shape\":\"{name}\",\"sample_decide_us\":{:.1},\"decide_us\":{:.0},\"decide_ratio\":{:.0},\"decide_error\":{},\"plan_31_us\":{:.0},\"plan_31_ratio\":{:.0},\"plan_error\":{}}}",
                us(sample),
                us(decide),
                decide.as_secs_f64() / sample.as_secs_f64(),
                decided.map_or("null".to_string(), |c| format!("\"{c}\"")),
                us(plan),
                plan.as_secs_f64() / sample.as_secs_f64(),
                planned.map_or("null".to_string(), |c| format!("\"{c}\"")),
            );
        }
    }
}

criterion_group!(benches, bench);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    // Only under `cargo bench`, which passes --bench (not when test targets run the binary).
    if std::env::args().any(|a| a == "--bench") {
        ratios();
    }
}
