//! Native throughput on the shared synthetic cases, as JSON for `scripts/bench.sh`.
//!
//! For each history size it decides the same cases (JSON text in, JSON text out) for about a
//! second and reports decisions per second on one core, next to plain serde_json
//! parse-and-serialise of the same texts: the floor any JSON-in/JSON-out engine pays.

use std::time::{Duration, Instant};

fn per_second(texts: &[String], mut f: impl FnMut(&str) -> usize) -> f64 {
    let budget = Duration::from_millis(
        std::env::var("BENCH_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(1000),
    );
    // Warm up caches and the allocator first.
    for t in texts {
        std::hint::black_box(f(t));
    }
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < budget {
        for t in texts {
            std::hint::black_box(f(t));
            n += 1;
        }
    }
    n as f64 / start.elapsed().as_secs_f64()
}

fn main() {
    let policy = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "cn-microloan".into());
    let engine = arrears_core::Engine::from_reference(&policy).expect("policy");
    // BENCH_HISTORY=2000 times one size only, for a profile of that size alone.
    let only: Option<usize> = std::env::var("BENCH_HISTORY")
        .ok()
        .and_then(|v| v.parse().ok());
    let mut rows = Vec::new();
    for history in [20usize, 200, 2000, 10000] {
        if only.is_some_and(|h| h != history) {
            continue;
        }
        let count = if history >= 2000 { 8 } else { 64 };
        let texts: Vec<String> = (0..count)
            .map(|i| arrears_core::synthetic::account(1, i, history).to_string())
            .collect();
        let decide = per_second(&texts, |t| {
            engine.decide_json(t).map(|s| s.len()).unwrap_or(0)
        });
        let json = per_second(&texts, |t| {
            let v: serde_json::Value = serde_json::from_str(t).unwrap_or_default();
            serde_json::to_string(&v).map(|s| s.len()).unwrap_or(0)
        });
        rows.push(serde_json::json!({ "history": history, "decide_per_s": decide.round(), "json_roundtrip_per_s": json.round() }));
    }
    println!(
        "{}",
        serde_json::json!({ "surface": "native", "policy": policy, "rows": rows })
    );
}
