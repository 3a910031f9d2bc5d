//! The contact plan over 7 days against a single decision of the same case, in the same run.
//!
//! `cargo bench -p arrears-core --bench plan`. Two sets of typical cases: the synthetic cases the
//! decision benchmark uses (`arrears gen --seed 1 --history 20`, cn-microloan), and every decision
//! case of the conformance corpus under its own built-in pack (the set `js/bench/plan.mjs` times
//! in Node). Each set is timed with `decide` and with `plan` over 7 days; the ratio of the two
//! times is the plan's cost in decisions (BENCHMARKS.md, "Plan"). `plan_days` times the
//! synthetic cases' plans over 1, 7 and 31 days.

use arrears_core::Engine;
use criterion::{criterion_group, BenchmarkId, Criterion, Throughput};
use std::path::Path;
use std::rc::Rc;
use std::time::{Duration, Instant};

const DAYS: u32 = 7;

/// A case's text with the engine of its pack.
struct Typical {
    engine: Rc<Engine>,
    text: String,
}

/// The corpus's decision cases under built-in packs whose expected output is not an error
/// (a plan of a case that cannot be decided stops where the decision does).
fn corpus() -> Vec<(String, String)> {
    let cases = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/conformance/cases");
    let mut names: Vec<_> = std::fs::read_dir(&cases)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    let mut out = Vec::new();
    for dir in names {
        let meta: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("meta.json")).unwrap()).unwrap();
        let policy = meta["policy"].as_str().unwrap();
        if policy.ends_with(".json") || meta.get("plan_days").is_some() {
            continue;
        }
        let expected = std::fs::read_to_string(dir.join("expected.json")).unwrap();
        if expected.starts_with("{\"error\"") {
            continue;
        }
        out.push((
            policy.to_string(),
            std::fs::read_to_string(dir.join("case.json")).unwrap(),
        ));
    }
    out
}

/// The synthetic cases (cn-microloan, 20 calls each) and the corpus's decision cases.
fn typical() -> (Vec<Typical>, Vec<Typical>) {
    let cn = Rc::new(Engine::from_reference("cn-microloan").unwrap());
    let synthetic = (0..32)
        .map(|i| Typical {
            engine: cn.clone(),
            text: arrears_core::synthetic::account(1, i, 20).to_string(),
        })
        .collect();
    let mut packs: Vec<(String, Rc<Engine>)> = Vec::new();
    let corpus = corpus()
        .into_iter()
        .map(|(policy, text)| {
            if !packs.iter().any(|(p, _)| *p == policy) {
                let engine = Engine::from_reference(&policy).unwrap();
                packs.push((policy.clone(), Rc::new(engine)));
            }
            let engine = packs.iter().find(|(p, _)| *p == policy).unwrap().1.clone();
            Typical { engine, text }
        })
        .collect();
    (synthetic, corpus)
}

fn plan_against_decide(c: &mut Criterion) {
    let (synthetic, corpus) = typical();
    let mut group = c.benchmark_group("plan_7_days");
    for (set, cases) in [("synthetic-20", &synthetic), ("corpus", &corpus)] {
        group.throughput(Throughput::Elements(cases.len() as u64));
        group.bench_with_input(BenchmarkId::new("decide", set), cases, |b, cases| {
            b.iter(|| {
                for t in cases.iter() {
                    std::hint::black_box(t.engine.decide_json(&t.text).unwrap());
                }
            })
        });
        group.bench_with_input(BenchmarkId::new("plan", set), cases, |b, cases| {
            b.iter(|| {
                for t in cases.iter() {
                    std::hint::black_box(t.engine.plan_json(&t.text, DAYS).unwrap());
                }
            })
        });
    }
    group.finish();

    // How the plan's cost grows with its horizon: the engine cuts the horizon at each local
    // midnight to find where the stage may change.
    let mut group = c.benchmark_group("plan_days");
    group.throughput(Throughput::Elements(synthetic.len() as u64));
    for days in [1u32, 7, 31] {
        group.bench_with_input(BenchmarkId::from_parameter(days), &synthetic, |b, cases| {
            b.iter(|| {
                for t in cases.iter() {
                    std::hint::black_box(t.engine.plan_json(&t.text, days).unwrap());
                }
            })
        });
    }
    group.finish();
}

/// The same comparison with the two ways interleaved round by round, so that a machine whose
/// load changes during the run (a shared one) slows both alike: the median time of each way over
/// the rounds, and their ratio, one JSON line per set of cases.
fn interleaved(set: &str, cases: &[Typical], passes: usize) {
    const ROUNDS: usize = 21;
    let time = |plan: bool| {
        let start = Instant::now();
        for _ in 0..passes {
            for t in cases {
                if plan {
                    std::hint::black_box(t.engine.plan_json(&t.text, DAYS).unwrap());
                } else {
                    std::hint::black_box(t.engine.decide_json(&t.text).unwrap());
                }
            }
        }
        start.elapsed()
    };
    let (mut decide, mut plan) = (Vec::new(), Vec::new());
    for round in 0..ROUNDS + 2 {
        let order = if round.is_multiple_of(2) {
            [false, true]
        } else {
            [true, false]
        };
        for way in order {
            let t = time(way);
            if round >= 2 {
                // two rounds of warm-up
                if way {
                    plan.push(t)
                } else {
                    decide.push(t)
                }
            }
        }
    }
    decide.sort();
    plan.sort();
    let per_case = |d: Duration| d.as_secs_f64() * 1e6 / (passes * cases.len()) as f64;
    let (d, p) = (decide[ROUNDS / 2], plan[ROUNDS / 2]);
    println!(
        "{{\"set\":\"{set}\",\"cases\":{},\"days\":{DAYS},\"rounds\":{ROUNDS},\"decide_us\":{:.1},\"plan_us\":{:.1},\"ratio\":{:.2}}}",
        cases.len(),
        per_case(d),
        per_case(p),
        p.as_secs_f64() / d.as_secs_f64()
    );
}

criterion_group!(benches, plan_against_decide);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    // Only under `cargo bench`, which passes --bench (not when test targets run the binary).
    if std::env::args().any(|a| a == "--bench") {
        let (synthetic, corpus) = typical();
        interleaved("synthetic-20", &synthetic, 20);
        interleaved("corpus", &corpus, 2);
    }
}
