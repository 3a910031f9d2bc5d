//! Native throughput on the shared synthetic cases, as JSON for `scripts/bench.sh`.
//!
//! For each history size it decides the same cases (JSON text in, JSON text out) for about a
//! second and reports decisions per second on one core, next to plain serde_json
//! parse-and-serialise of the same texts: the floor any JSON-in/JSON-out engine pays.
//!
//!     bench-native [POLICY] [batch]
//!
//! BENCH_MS is the time per measurement; BENCH_HISTORY=2000 times one size only (for a profile
//! of that size alone), BENCH_HISTORY=20,200 some sizes.
//!
//! With `batch`, each row also holds `decide_many_per_s`: the same cases, all in one call of
//! `ffi::decide_batch` (the records the plain module's `arrears_decide_batch` takes), timed in
//! turns with the loop of single decisions (a sixteenth of the budget each, sixteen times), so
//! that the load of a shared machine falls on both alike, and `decide_many_turn_ratio`, the
//! median over the turns of the batch's rate over the loop's in the turn just before it (a batch
//! saves a few percent at most, less than load moves a total).

use std::time::{Duration, Instant};

fn budget() -> Duration {
    Duration::from_millis(
        std::env::var("BENCH_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(1000),
    )
}

/// Runs `f` (which decides `per_call` cases) until `budget` has passed; the calls made and the
/// time they took.
fn timed(budget: Duration, per_call: u64, mut f: impl FnMut() -> usize) -> (u64, Duration) {
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < budget {
        std::hint::black_box(f());
        n += per_call;
    }
    (n, start.elapsed())
}

fn per_second(texts: &[String], mut f: impl FnMut(&str) -> usize) -> f64 {
    // Warm up caches and the allocator first.
    for t in texts {
        std::hint::black_box(f(t));
    }
    let (n, took) = timed(budget(), 1, || {
        texts.iter().map(|t| std::hint::black_box(f(t))).sum()
    });
    (n * texts.len() as u64) as f64 / took.as_secs_f64()
}

/// Single decisions against one batch call over the same cases, in alternating turns: the rates
/// of each over all turns, and the median of the turns' ratios.
fn loop_and_batch(engine: &arrears_core::Engine, texts: &[String]) -> (f64, f64, f64) {
    let mut records = Vec::new();
    for t in texts {
        records.extend_from_slice(&(t.len() as u32).to_le_bytes());
        records.extend_from_slice(t.as_bytes());
    }
    // One call per case does what a host's single call has the engine do: read the bytes as
    // text, decide, and hand back the answer's text.
    let single = || {
        texts
            .iter()
            .map(|t| {
                arrears_core::ffi::decide_record(engine, t.as_bytes())
                    .1
                    .len()
            })
            .sum::<usize>()
    };
    let batch = || {
        arrears_core::ffi::decide_batch(engine, &records)
            .map(|b| b.len())
            .unwrap_or(0)
    };
    std::hint::black_box((single(), batch()));
    const TURNS: usize = 16;
    let turn = budget() / TURNS as u32;
    let cases = texts.len() as u64;
    let (mut loop_n, mut loop_t, mut batch_n, mut batch_t) = (0, Duration::ZERO, 0, Duration::ZERO);
    let rate = |n: u64, t: Duration| n as f64 / t.as_secs_f64();
    let mut ratios = Vec::with_capacity(TURNS);
    for _ in 0..TURNS {
        let (a, ta) = timed(turn, cases, single);
        (loop_n, loop_t) = (loop_n + a, loop_t + ta);
        let (b, tb) = timed(turn, cases, batch);
        (batch_n, batch_t) = (batch_n + b, batch_t + tb);
        ratios.push(rate(b, tb) / rate(a, ta));
    }
    ratios.sort_by(f64::total_cmp);
    let median = (ratios[TURNS / 2 - 1] + ratios[TURNS / 2]) / 2.0;
    (rate(loop_n, loop_t), rate(batch_n, batch_t), median)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let policy = args.next().unwrap_or_else(|| "cn-microloan".into());
    let with_batch = args.next().as_deref() == Some("batch");
    let sizes: Vec<usize> = std::env::var("BENCH_HISTORY")
        .ok()
        .map(|v| v.split(',').filter_map(|s| s.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![20, 200, 2000, 10000]);
    let engine = arrears_core::Engine::from_reference(&policy).expect("policy");
    let mut rows = Vec::new();
    for history in sizes {
        let count = if history >= 2000 { 8 } else { 64 };
        let texts: Vec<String> = (0..count)
            .map(|i| arrears_core::synthetic::account(1, i, history).to_string())
            .collect();
        let mut row = if with_batch {
            let (single, batch, median) = loop_and_batch(&engine, &texts);
            serde_json::json!({
                "history": history,
                "decide_per_s": single.round(),
                "decide_many_per_s": batch.round(),
                "decide_many_turn_ratio": (median * 1e4).round() / 1e4,
            })
        } else {
            let decide = per_second(&texts, |t| {
                engine.decide_json(t).map(|s| s.len()).unwrap_or(0)
            });
            serde_json::json!({ "history": history, "decide_per_s": decide.round() })
        };
        let json = per_second(&texts, |t| {
            let v: serde_json::Value = serde_json::from_str(t).unwrap_or_default();
            serde_json::to_string(&v).map(|s| s.len()).unwrap_or(0)
        });
        row["json_roundtrip_per_s"] = json.round().into();
        rows.push(row);
    }
    println!(
        "{}",
        serde_json::json!({ "surface": "native", "policy": policy, "rows": rows })
    );
}
