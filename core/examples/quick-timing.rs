fn main() {
    let engine = arrears_core::Engine::from_reference("cn-microloan").unwrap();
    let case = std::fs::read_to_string("examples/cases/overdue-consumer-loan.json").unwrap();
    let n: usize = std::env::var("N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20000);
    let t = std::time::Instant::now();
    let mut bytes = 0;
    for _ in 0..n {
        bytes += engine.decide_json(&case).unwrap().len();
    }
    let e = t.elapsed();
    let t2 = std::time::Instant::now();
    for _ in 0..n {
        let v: serde_json::Value = serde_json::from_str(&case).unwrap();
        bytes += serde_json::to_string(&v).unwrap().len();
    }
    let e2 = t2.elapsed();
    println!(
        "decide_json: {:.1} us/op; parse+serialise: {:.1} us/op ({bytes})",
        e.as_secs_f64() * 1e6 / n as f64,
        e2.as_secs_f64() * 1e6 / n as f64
    );
}
