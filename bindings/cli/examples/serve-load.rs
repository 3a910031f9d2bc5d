//! A bounded load test of `arrears serve` beside `arrears batch` on the same cases, in one run.
//!
//!     cargo build --release -p arrears-cli --bin arrears --example serve-load
//!     target/release/arrears gen --accounts 20000 --seed 1 --buckets uniform > cases.jsonl
//!     target/release/examples/serve-load --cases cases.jsonl [--policy cn-microloan]
//!         [--threads 1] [--connections 8] [--requests 40000] [--bin target/release/arrears]
//!
//! 1. `arrears batch --jobs THREADS` decides the cases; its decisions per CPU-second are the
//!    baseline.
//! 2. `arrears serve --threads THREADS` starts on a free loopback port. At full load, CONNECTIONS
//!    keep-alive connections each send their next case as soon as the last answer arrives, for
//!    REQUESTS requests (one case each, `POST /v1/decide`).
//! 3. At half load, the same connections send at half the rate full load reached, on a fixed
//!    schedule; a request's latency runs from when it was due, so a stall of the service is
//!    charged to every request it delayed.
//!
//! Decisions per core divide decisions by the CPU time the process used (utime + stime), so the
//! figures hold on a machine shared with other work, where wall-clock rates do not.

use std::io::BufRead;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;

struct Options {
    bin: String,
    policy: String,
    cases: String,
    threads: usize,
    connections: usize,
    requests: usize,
}

fn options() -> Options {
    let mut o = Options {
        bin: "target/release/arrears".into(),
        policy: "cn-microloan".into(),
        cases: String::new(),
        threads: 1,
        connections: 8,
        requests: 40_000,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    for pair in args.chunks(2) {
        let value = pair.get(1).cloned().unwrap_or_default();
        match pair[0].as_str() {
            "--bin" => o.bin = value,
            "--policy" => o.policy = value,
            "--cases" => o.cases = value,
            "--threads" => o.threads = value.parse().expect("--threads N"),
            "--connections" => o.connections = value.parse().expect("--connections N"),
            "--requests" => o.requests = value.parse().expect("--requests N"),
            other => panic!("unknown option {other}"),
        }
    }
    assert!(!o.cases.is_empty(), "--cases FILE (JSON Lines) is required");
    o
}

/// CPU seconds (user + system) of a process, from /proc; `children` reads the time of the
/// children it has waited for instead.
fn cpu_seconds(pid: &str, children: bool) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("read /proc stat");
    // The fields after the command name, which is in parentheses and may hold spaces.
    let rest = &stat[stat.rfind(')').expect("stat") + 2..];
    let f: Vec<f64> = rest
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0.0))
        .collect();
    // utime, stime, cutime, cstime are fields 14-17 of the line, 11-14 after the name.
    let ticks = if children {
        f[13] + f[14]
    } else {
        f[11] + f[12]
    };
    ticks / 100.0
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

/// Sends `per_connection` requests on each of `connections` keep-alive connections; with a
/// `rate`, on a fixed schedule at that many requests a second in all. The latencies, sorted.
async fn drive(
    addr: std::net::SocketAddr,
    cases: Arc<Vec<Bytes>>,
    connections: usize,
    per_connection: usize,
    rate: Option<f64>,
) -> Vec<Duration> {
    let start = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..connections {
        let cases = Arc::clone(&cases);
        tasks.push(tokio::spawn(async move {
            let stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
            stream.set_nodelay(true).expect("nodelay");
            let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
                .await
                .expect("handshake");
            tokio::spawn(conn);
            let mut latencies = Vec::with_capacity(per_connection);
            for i in 0..per_connection {
                let due = match rate {
                    // Connection c sends its i-th request at (i * connections + c) / rate.
                    Some(r) => {
                        let at = start + Duration::from_secs_f64((i * connections + c) as f64 / r);
                        tokio::time::sleep_until(at.into()).await;
                        at
                    }
                    None => Instant::now(),
                };
                let body = cases[(i * connections + c) % cases.len()].clone();
                let req = hyper::Request::post("/v1/decide")
                    .header("host", "load")
                    .body(Full::new(body))
                    .expect("request");
                sender.ready().await.expect("ready");
                let res = sender.send_request(req).await.expect("send");
                let status = res.status();
                let bytes = res.into_body().collect().await.expect("body").to_bytes();
                assert!(
                    status.is_success() || status == 400,
                    "{status}: {}",
                    String::from_utf8_lossy(&bytes)
                );
                latencies.push(due.elapsed());
            }
            latencies
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.expect("connection task"));
    }
    all.sort();
    all
}

fn main() {
    let o = options();
    let cases: Vec<Bytes> = std::io::BufReader::new(std::fs::File::open(&o.cases).expect("cases"))
        .lines()
        .map(|l| Bytes::from(l.expect("line")))
        .filter(|l| !l.is_empty())
        .collect();
    let cases = Arc::new(cases);

    // 1. The baseline: arrears batch on the same cases.
    let before = cpu_seconds("self", true);
    let started = Instant::now();
    let status = Command::new(&o.bin)
        .args([
            "batch",
            "--policy",
            &o.policy,
            "--jobs",
            &o.threads.to_string(),
            &o.cases,
        ])
        .args(["-o", "/dev/null"])
        .stderr(Stdio::null())
        .status()
        .expect("run arrears batch");
    assert!(status.success(), "arrears batch failed");
    let batch_wall = started.elapsed().as_secs_f64();
    let batch_cpu = cpu_seconds("self", true) - before;
    let batch_per_core = cases.len() as f64 / batch_cpu;

    // 2. The service.
    let mut child = Command::new(&o.bin)
        .args([
            "serve",
            "--policy",
            &o.policy,
            "--listen",
            "127.0.0.1:0",
            "--watch-ms",
            "0",
        ])
        .args(["--threads", &o.threads.to_string()])
        .stderr(Stdio::piped())
        .spawn()
        .expect("start arrears serve");
    let mut lines = std::io::BufReader::new(child.stderr.take().expect("stderr")).lines();
    let addr: std::net::SocketAddr = loop {
        let line = lines.next().expect("the service's address").expect("line");
        if let Some(at) = line.split("listening on http://").nth(1) {
            break at
                .split_whitespace()
                .next()
                .expect("address")
                .parse()
                .expect("address");
        }
    };
    let pid = child.id().to_string();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let per_connection = o.requests.div_ceil(o.connections);
    let requests = per_connection * o.connections;
    runtime.block_on(drive(addr, Arc::clone(&cases), o.connections, 200, None));

    let cpu0 = cpu_seconds(&pid, false);
    let started = Instant::now();
    let full = runtime.block_on(drive(
        addr,
        Arc::clone(&cases),
        o.connections,
        per_connection,
        None,
    ));
    let full_wall = started.elapsed().as_secs_f64();
    let full_cpu = cpu_seconds(&pid, false) - cpu0;
    let full_rate = requests as f64 / full_wall;

    let half_rate = full_rate / 2.0;
    let cpu0 = cpu_seconds(&pid, false);
    let half_per_connection = per_connection / 2;
    let half = runtime.block_on(drive(
        addr,
        Arc::clone(&cases),
        o.connections,
        half_per_connection,
        Some(half_rate),
    ));
    let half_cpu = cpu_seconds(&pid, false) - cpu0;
    let _ = Command::new("kill").args(["-TERM", &pid]).status();
    let _ = child.wait();

    let serve_per_core = requests as f64 / full_cpu;
    println!(
        "cases: {} from {} ({} worker thread(s), {} keep-alive connections)",
        cases.len(),
        o.cases,
        o.threads,
        o.connections
    );
    println!("| run | decisions | decisions/s (wall) | decisions per CPU-second | ratio to batch per core | p50 ms | p99 ms |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    println!(
        "| arrears batch --jobs {} | {} | {:.0} | {:.0} | 1.00 | | |",
        o.threads,
        cases.len(),
        cases.len() as f64 / batch_wall,
        batch_per_core
    );
    println!(
        "| serve, full load | {requests} | {full_rate:.0} | {serve_per_core:.0} | {:.2} | {:.3} | {:.3} |",
        serve_per_core / batch_per_core,
        percentile(&full, 0.5),
        percentile(&full, 0.99)
    );
    let half_n = half.len();
    println!(
        "| serve, half load ({half_rate:.0}/s offered) | {half_n} | {half_rate:.0} | {:.0} | {:.2} | {:.3} | {:.3} |",
        half_n as f64 / half_cpu,
        half_n as f64 / half_cpu / batch_per_core,
        percentile(&half, 0.5),
        percentile(&half, 0.99)
    );
}
