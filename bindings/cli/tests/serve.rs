//! `arrears serve` as a client meets it: a real process on a free loopback port, spoken to over
//! plain TCP so that slow, broken and early-leaving clients can be played exactly. Every loop is
//! bounded in count and in time.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

const SAMPLE: &str = "examples/cases/overdue-consumer-loan.json";

fn sample() -> String {
    std::fs::read_to_string(root().join(SAMPLE)).unwrap()
}

/// The sample as one JSON line.
fn sample_line() -> String {
    serde_json::from_str::<serde_json::Value>(&sample())
        .unwrap()
        .to_string()
}

struct Service {
    child: Child,
    addr: SocketAddr,
    log: Arc<Mutex<Vec<String>>>,
}

impl Service {
    fn start(args: &[&str]) -> Service {
        let mut child = Command::new(env!("CARGO_BIN_EXE_arrears"))
            .arg("serve")
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .current_dir(root())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start arrears serve");
        let stderr = child.stderr.take().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = mpsc::channel();
        let lines = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                // The line is logged before the address is handed over, so a test that checks
                // the log once the service has started finds the line that said so.
                let addr = line.split("listening on ").nth(1).map(|at| {
                    let url = at.split_whitespace().next().unwrap_or_default();
                    url.split("://").nth(1).unwrap_or_default().to_string()
                });
                lines.lock().unwrap().push(line);
                if let Some(addr) = addr {
                    let _ = tx.send(addr);
                }
            }
        });
        let addr = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("the service prints the address it listens on");
        Service {
            child,
            addr: addr.parse().unwrap(),
            log,
        }
    }

    fn signal(&self, name: &str) {
        let ok = Command::new("kill")
            .args([&format!("-{name}"), &self.child.id().to_string()])
            .status()
            .unwrap()
            .success();
        assert!(ok, "kill -{name}");
    }

    fn request(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Reply {
        let mut conn = Conn::open(self.addr);
        conn.send(method, path, headers, body.as_bytes());
        conn.read_reply()
    }

    fn get(&self, path: &str) -> Reply {
        self.request("GET", path, &[], "")
    }

    fn post(&self, path: &str, body: &str) -> Reply {
        self.request("POST", path, &[], body)
    }

    fn logged(&self, what: &str) -> bool {
        self.log.lock().unwrap().iter().any(|l| l.contains(what))
    }

    /// Waits (bounded) for the process to exit and gives its exit code.
    fn wait_exit(&mut self, within: Duration) -> Option<i32> {
        let until = Instant::now() + within;
        while Instant::now() < until {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

#[derive(Debug)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.body))
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// One keep-alive HTTP/1.1 connection.
struct Conn {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Conn {
    fn open(addr: SocketAddr) -> Conn {
        let stream = TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        Conn {
            reader: BufReader::new(stream.try_clone().unwrap()),
            writer: stream,
        }
    }

    fn send_head(&mut self, method: &str, path: &str, headers: &[(&str, &str)], len: usize) {
        let mut head =
            format!("{method} {path} HTTP/1.1\r\nHost: test\r\nContent-Length: {len}\r\n");
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        self.writer.write_all(head.as_bytes()).unwrap();
    }

    fn send(&mut self, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) {
        self.send_head(method, path, headers, body.len());
        self.writer.write_all(body).unwrap();
    }

    fn read_reply(&mut self) -> Reply {
        self.try_read_reply().expect("a reply")
    }

    fn try_read_reply(&mut self) -> std::io::Result<Reply> {
        let mut line = String::new();
        if self.reader.read_line(&mut line)? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        let status = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or(std::io::ErrorKind::InvalidData)?;
        let mut headers = Vec::new();
        loop {
            let mut h = String::new();
            self.reader.read_line(&mut h)?;
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            let (k, v) = h.split_once(':').unwrap();
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
        let find = |name: &str| {
            headers
                .iter()
                .find(|(k, _): &&(String, String)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.clone())
        };
        let mut body = Vec::new();
        if let Some(len) = find("content-length") {
            body.resize(len.parse().unwrap(), 0);
            self.reader.read_exact(&mut body)?;
        } else if find("transfer-encoding").is_some_and(|t| t.contains("chunked")) {
            loop {
                let mut size = String::new();
                self.reader.read_line(&mut size)?;
                let size = usize::from_str_radix(size.trim(), 16)
                    .map_err(|_| std::io::ErrorKind::InvalidData)?;
                let mut chunk = vec![0; size + 2];
                self.reader.read_exact(&mut chunk)?;
                if size == 0 {
                    break;
                }
                body.extend_from_slice(&chunk[..size]);
            }
        }
        Ok(Reply {
            status,
            headers,
            body: String::from_utf8(body).unwrap(),
        })
    }
}

fn arrears(args: &[&str], input: Option<&str>) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_arrears"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    if let Some(text) = input {
        stdin.write_all(text.as_bytes()).unwrap();
    }
    drop(stdin);
    String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap()
}

/// A scratch directory for one test, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("arrears-serve-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn path(&self, name: &str) -> String {
        self.0.join(name).to_string_lossy().into_owned()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The cn-microloan pack's document under another version, written the way deploy tools do:
/// to a new file renamed over the old one.
fn write_policy(path: &str, version: &str) {
    let mut doc: serde_json::Value =
        serde_json::from_str(&arrears(&["policy", "show", "cn-microloan"], None)).unwrap();
    doc["version"] = version.into();
    let tmp = format!("{path}.tmp");
    std::fs::write(&tmp, doc.to_string()).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

fn served_version(s: &Service) -> String {
    s.get("/v1/policies").json()["policies"][0]["version"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn decides_the_readme_sample_as_the_command_line_does() {
    let s = Service::start(&["--policy", "cn-microloan"]);
    let r = s.post("/v1/decide", &sample());
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.json()["delinquency"]["days_past_due"], 23);
    let cli = arrears(&["decide", "--policy", "cn-microloan", SAMPLE], None);
    assert_eq!(r.body, cli.trim_end());
    // The default policy, named.
    let named = s.post("/v1/decide?policy=cn-microloan", &sample());
    assert_eq!(named.body, r.body);
}

#[test]
fn plans_a_case_as_the_command_line_does_and_refuses_a_horizon_out_of_range() {
    let s = Service::start(&["--policy", "cn-microloan"]);
    let r = s.post("/v1/plan?days=3", &sample());
    assert_eq!(r.status, 200, "{}", r.body);
    let cli = arrears(
        &["plan", "--policy", "cn-microloan", "--days", "3", SAMPLE],
        None,
    );
    assert_eq!(r.body, cli.trim_end());
    for days in ["0", "99", "x"] {
        let r = s.post(&format!("/v1/plan?days={days}"), &sample());
        assert_eq!(r.status, 400, "days={days}: {}", r.body);
        assert_eq!(r.json()["error"]["code"], "out_of_range");
        assert_eq!(r.json()["error"]["path"], "days");
    }
}

#[test]
fn malformed_json_is_400_with_the_error_object() {
    let s = Service::start(&["--policy", "cn-microloan"]);
    let r = s.post("/v1/decide", "{\"as_of\": ");
    assert_eq!(r.status, 400);
    let e = r.json();
    assert_eq!(e["error"]["code"], "invalid_json");
    assert_eq!(e["error"]["path"], "");
    assert!(e["error"]["message"].as_str().unwrap().contains("EOF"));
    // A case that is JSON but not a valid case names the field at fault.
    let r = s.post(
        "/v1/decide",
        "{\"as_of\":\"2026-03-10T14:30:00+08:00\",\"acount\":{}}",
    );
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["error"]["code"], "unknown_field");
    // Bytes that are not UTF-8.
    let mut c = Conn::open(s.addr);
    c.send("POST", "/v1/decide", &[], b"\xff\xfe");
    let r = c.read_reply();
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["error"]["code"], "invalid_json");
}

#[test]
fn an_unknown_policy_route_or_method_is_the_error_object() {
    let s = Service::start(&["--policy", "cn-microloan"]);
    let r = s.post("/v1/decide?policy=us-reg-f", &sample());
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["error"]["code"], "unknown_policy");
    assert_eq!(r.json()["error"]["path"], "policy");
    let r = s.get("/v2/decide");
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["error"]["code"], "not_found");
    let r = s.get("/v1/decide");
    assert_eq!(r.status, 405);
    assert_eq!(r.json()["error"]["code"], "method_not_allowed");
}

#[test]
fn a_body_over_the_bound_is_413_whether_declared_or_streamed() {
    let s = Service::start(&["--policy", "cn-microloan", "--max-body", "1000"]);
    let big = format!("{{\"pad\":\"{}\"}}", "x".repeat(5000));
    // Declared too large: refused from the headers alone, before a byte of the body is read.
    let mut c = Conn::open(s.addr);
    c.send_head("POST", "/v1/decide", &[], big.len());
    let r = c.read_reply();
    assert_eq!(r.status, 413);
    assert_eq!(r.json()["error"]["code"], "limit_exceeded");
    // Chunked, so no length is declared: the bound holds as the bytes arrive.
    let mut c = Conn::open(s.addr);
    c.writer
        .write_all(b"POST /v1/decide HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n")
        .unwrap();
    for _ in 0..2 {
        c.writer
            .write_all(format!("{:x}\r\n{}\r\n", 600, "y".repeat(600)).as_bytes())
            .unwrap();
    }
    let r = c.read_reply();
    assert_eq!(r.status, 413);
    assert_eq!(r.json()["error"]["code"], "limit_exceeded");
    // A line of a stream over the bound is an error line; the lines around it are decided.
    let lines = format!("{}\n{big}\n{}\n", sample_line(), sample_line());
    let s = Service::start(&["--policy", "cn-microloan", "--max-body", "4000"]);
    let r = s.post("/v1/decide-many", &lines);
    let out: Vec<&str> = r.body.lines().collect();
    assert_eq!(out.len(), 3, "{}", r.body);
    assert!(out[0].starts_with("{\"format\":\"arrears.decision/1\",\"account_id\":\"L-1001\""));
    assert!(out[1].starts_with("{\"line\":2,\"error\":{\"code\":\"limit_exceeded\""));
    assert!(out[2].starts_with("{\"format\":\"arrears.decision/1\",\"account_id\":\"L-1001\""));
}

#[test]
fn a_wrong_or_missing_token_is_401_and_the_probes_stay_open() {
    let dir = Scratch::new("tokens");
    let tokens = dir.path("tokens");
    std::fs::write(&tokens, "# operators\nfirst-token-123\nsecond-token-456\n").unwrap();
    let s = Service::start(&["--policy", "cn-microloan", "--token-file", &tokens]);
    for auth in [
        None,
        Some("Bearer wrong-token-999"),
        Some("Bearer first-token-12"),
        Some("Basic Zmlyc3QtdG9rZW4tMTIz"),
    ] {
        let headers: Vec<(&str, &str)> = auth.iter().map(|a| ("Authorization", *a)).collect();
        let r = s.request("POST", "/v1/decide", &headers, &sample());
        assert_eq!(r.status, 401, "{auth:?}");
        assert_eq!(r.json()["error"]["code"], "unauthorized");
        assert!(r.header("www-authenticate").is_some());
        assert_eq!(s.request("GET", "/metrics", &headers, "").status, 401);
    }
    for token in ["first-token-123", "second-token-456"] {
        let auth = format!("Bearer {token}");
        let r = s.request("POST", "/v1/decide", &[("Authorization", &auth)], &sample());
        assert_eq!(r.status, 200, "{token}");
    }
    assert_eq!(s.get("/healthz").status, 200);
    assert_eq!(s.get("/readyz").status, 200);
}

#[test]
fn metrics_count_requests_decisions_by_stage_and_errors_by_code() {
    let s = Service::start(&["--policy", "cn-microloan"]);
    assert_eq!(s.post("/v1/decide", &sample()).status, 200);
    assert_eq!(s.post("/v1/decide", "[]").status, 400);
    let r = s.get("/metrics");
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").unwrap().contains("openmetrics"));
    let m = r.body;
    for wanted in [
        "arrears_http_requests_total{route=\"/v1/decide\",status=\"200\"} 1",
        "arrears_http_requests_total{route=\"/v1/decide\",status=\"400\"} 1",
        "arrears_decisions_total{policy=\"cn-microloan\",stage=\"late\"} 1",
        "arrears_decision_errors_total{code=\"invalid_json\"} 1",
        "arrears_http_request_duration_seconds_bucket{le=\"+Inf\",route=\"/v1/decide\"} 2",
        "arrears_http_requests_shed_total 0",
        "arrears_http_requests_in_flight",
    ] {
        assert!(m.contains(wanted), "{wanted} not in\n{m}");
    }
    for line in m.lines().filter(|l| !l.starts_with('#')) {
        assert!(line.starts_with("arrears_"), "{line}");
    }
}

#[test]
fn the_openapi_document_is_openapi_3_and_every_reference_resolves() {
    let s = Service::start(&["--policy", "cn-microloan"]);
    let doc = s.get("/openapi.json").json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/v1/decide",
        "/v1/plan",
        "/v1/decide-many",
        "/v1/policies",
        "/healthz",
        "/readyz",
        "/metrics",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path}");
    }
    fn refs(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(m) => {
                if let Some(r) = m.get("$ref").and_then(|r| r.as_str()) {
                    out.push(r.to_string());
                }
                m.values().for_each(|v| refs(v, out));
            }
            serde_json::Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(all.len() > 50);
    for r in all {
        let name = r
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("{r} points outside the components"));
        assert!(
            doc["components"]["schemas"].get(name).is_some(),
            "{r} resolves to nothing"
        );
    }
    // The decision schema is the core's, so the sample's decision has every property it requires.
    let required = doc["components"]["schemas"]["Decision"]["required"]
        .as_array()
        .unwrap()
        .clone();
    let d = s.post("/v1/decide", &sample()).json();
    for key in required {
        assert!(d.get(key.as_str().unwrap()).is_some(), "{key}");
    }
}

#[test]
fn decide_many_streams_what_batch_writes_in_order_and_a_bad_line_does_not_end_it() {
    let s = Service::start(&["--policy", "cn-microloan"]);
    let good = sample_line();
    let mut input = String::new();
    for i in 0..40 {
        match i % 10 {
            3 => input.push_str("{not json\n"),
            7 => input.push_str("{\"as_of\":\"2026-03-10T14:30:00+08:00\"}\r\n"),
            _ => input.push_str(&good.replace("L-1001", &format!("L-{i:04}"))),
        }
        if i % 10 != 3 && i % 10 != 7 {
            input.push('\n');
        }
    }
    // The last line without its newline is still a line.
    input.push_str(&good);
    let r = s.post("/v1/decide-many", &input);
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/x-ndjson"));
    let batch = arrears(&["batch", "--policy", "cn-microloan"], Some(&input));
    assert_eq!(r.body, batch);
    let lines: Vec<&str> = r.body.lines().collect();
    assert_eq!(lines.len(), 41);
    assert!(lines[3].starts_with("{\"line\":4,\"error\":{\"code\":\"invalid_json\""));
    assert!(lines[5].contains("\"account_id\":\"L-0005\""));
}

/// Decision requests on `threads` keep-alive connections until `stop`; every reply's policy
/// version, and every request that did not get a 200.
fn load(
    addr: SocketAddr,
    threads: usize,
    stop: Arc<AtomicBool>,
) -> Vec<std::thread::JoinHandle<(Vec<String>, Vec<String>)>> {
    let body = sample();
    (0..threads)
        .map(|_| {
            let stop = Arc::clone(&stop);
            let body = body.clone();
            std::thread::spawn(move || {
                let mut versions = Vec::new();
                let mut failures = Vec::new();
                let mut conn = Conn::open(addr);
                let until = Instant::now() + Duration::from_secs(60);
                for _ in 0..20_000 {
                    if stop.load(Ordering::Relaxed) || Instant::now() > until {
                        break;
                    }
                    conn.send("POST", "/v1/decide", &[], body.as_bytes());
                    match conn.try_read_reply() {
                        Ok(r) if r.status == 200 => {
                            let v = r.json()["policy"]["version"].as_str().unwrap().to_string();
                            if versions.last() != Some(&v) {
                                versions.push(v);
                            }
                        }
                        Ok(r) => failures.push(format!("{} {}", r.status, r.body)),
                        Err(e) => {
                            failures.push(e.to_string());
                            conn = Conn::open(addr);
                        }
                    }
                }
                (versions, failures)
            })
        })
        .collect()
}

fn wait_for(what: &str, within: Duration, mut done: impl FnMut() -> bool) {
    let until = Instant::now() + within;
    while Instant::now() < until {
        if done() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("{what} within {within:?}");
}

/// Three clients decide without pause while `trigger` makes the service load version after.2 of
/// the policy it started on (before.1); none may fail, and none may see the old version again.
fn reload_under_load(name: &str, watch_ms: &str, trigger: impl Fn(&Service, &str), logged: &str) {
    let dir = Scratch::new(name);
    let policy = dir.path("policy.json");
    write_policy(&policy, "before.1");
    let s = Service::start(&["--policy", &policy, "--watch-ms", watch_ms]);
    let stop = Arc::new(AtomicBool::new(false));
    let clients = load(s.addr, 3, Arc::clone(&stop));
    std::thread::sleep(Duration::from_millis(300));
    trigger(&s, &policy);
    wait_for("the new version serves", Duration::from_secs(20), || {
        served_version(&s) == "after.2"
    });
    std::thread::sleep(Duration::from_millis(300));
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        let (versions, failures) = c.join().unwrap();
        assert!(
            failures.is_empty(),
            "failed requests during the reload: {failures:?}"
        );
        assert_eq!(versions, ["before.1", "after.2"]);
    }
    assert!(s.logged(logged));
    let m = s.get("/metrics").body;
    assert!(
        m.contains("arrears_policy_reloads_total{policy=") && m.contains("result=\"loaded\"} 1"),
        "{m}"
    );
}

#[test]
fn a_changed_policy_file_is_reloaded_under_load_without_a_failed_request() {
    reload_under_load(
        "file-change",
        "100",
        |_, policy| write_policy(policy, "after.2"),
        "file changed: reloaded",
    );
}

#[test]
fn sighup_reloads_the_policy_under_load_without_a_failed_request() {
    // No file watch: only the signal reloads.
    reload_under_load(
        "sighup",
        "0",
        |s, policy| {
            write_policy(policy, "after.2");
            std::thread::sleep(Duration::from_millis(500));
            assert_eq!(
                served_version(s),
                "before.1",
                "the file alone reloads nothing without the watch"
            );
            s.signal("HUP");
        },
        "SIGHUP: reloaded",
    );
}

#[test]
fn a_policy_that_fails_to_reload_leaves_the_old_one_serving_and_is_reported() {
    let dir = Scratch::new("broken");
    let policy = dir.path("policy.json");
    write_policy(&policy, "good.1");
    let s = Service::start(&["--policy", &policy, "--watch-ms", "100"]);
    let text = std::fs::read_to_string(&policy).unwrap();
    std::fs::write(&policy, text.replacen("\"stages\"", "\"stagez\"", 1)).unwrap();
    let failed = || {
        s.get("/readyz").json()["reload_failed"]
            .as_array()
            .unwrap()
            .clone()
    };
    wait_for(
        "/readyz reports the failed reload",
        Duration::from_secs(20),
        || !failed().is_empty(),
    );
    // Still ready: the previous version serves, and a bad deploy must not take every replica out.
    assert_eq!(s.get("/readyz").status, 200);
    let f = failed();
    assert_eq!(f[0]["error"]["code"], "policy_invalid");
    assert_eq!(f[0]["source"], policy.as_str());
    let r = s.post("/v1/decide", &sample());
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["policy"]["version"], "good.1");
    assert!(s.logged("failed to load, its previous version keeps serving"));
    assert!(s
        .get("/metrics")
        .body
        .contains("arrears_policy_reload_failing{policy="));
    assert_eq!(
        s.get("/v1/policies").json()["policies"][0]["reload_error"]["error"]["code"],
        "policy_invalid"
    );
    write_policy(&policy, "good.2");
    wait_for("the fixed document serves", Duration::from_secs(20), || {
        served_version(&s) == "good.2"
    });
    assert!(failed().is_empty());
    assert!(s.get("/metrics").body.contains(&format!(
        "arrears_policy_reload_failing{{policy=\"{policy}\"}} 0"
    )));
}

#[test]
fn sigterm_drains_every_request_in_flight_then_exits_0() {
    let mut s = Service::start(&["--policy", "cn-microloan"]);
    let body = sample();
    let half = body.len() / 2;
    // Requests in flight: single decisions whose bodies are half sent, and streams half sent.
    let mut singles: Vec<Conn> = (0..4)
        .map(|_| {
            let mut c = Conn::open(s.addr);
            c.send_head("POST", "/v1/decide", &[], body.len());
            c.writer.write_all(&body.as_bytes()[..half]).unwrap();
            c
        })
        .collect();
    let line = sample_line() + "\n";
    let mut streams: Vec<Conn> = (0..2)
        .map(|_| {
            let mut c = Conn::open(s.addr);
            c.send_head("POST", "/v1/decide-many", &[], line.len() * 10);
            c.writer.write_all(line.repeat(5).as_bytes()).unwrap();
            c
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    s.signal("TERM");
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        s.child.try_wait().unwrap().is_none(),
        "it waits for the requests in flight"
    );
    for c in &mut singles {
        c.writer.write_all(&body.as_bytes()[half..]).unwrap();
        let r = c.read_reply();
        assert_eq!(r.status, 200);
        assert_eq!(r.json()["delinquency"]["days_past_due"], 23);
    }
    for c in &mut streams {
        c.writer.write_all(line.repeat(5).as_bytes()).unwrap();
        let r = c.read_reply();
        assert_eq!(r.status, 200);
        assert_eq!(r.body.lines().count(), 10);
        assert!(r
            .body
            .lines()
            .all(|l| l.starts_with("{\"format\":\"arrears.decision/1\",\"account_id\"")));
    }
    assert_eq!(s.wait_exit(Duration::from_secs(20)), Some(0));
    assert!(s.logged("drained"));
    assert!(
        TcpStream::connect(s.addr).is_err(),
        "no new connection once draining"
    );
}

/// Sends at most `limit` bytes of `bytes` one a second until the server answers or closes the
/// connection; whether it did.
fn trickle(c: &mut Conn, bytes: &[u8], limit: usize) -> bool {
    for b in bytes.iter().take(limit) {
        if c.writer.write_all(&[*b]).is_err() {
            return true;
        }
        std::thread::sleep(Duration::from_secs(1));
        c.writer.set_nonblocking(true).unwrap();
        let mut probe = [0u8; 1];
        // Bytes to read, or the end of the stream: either way the server has acted.
        let acted = c.writer.peek(&mut probe).is_ok();
        c.writer.set_nonblocking(false).unwrap();
        if acted {
            return true;
        }
    }
    false
}

#[test]
fn a_client_sending_one_byte_a_second_is_cut_off_at_the_read_timeout() {
    let s = Service::start(&[
        "--policy",
        "cn-microloan",
        "--read-timeout-ms",
        "1500",
        "--header-timeout-ms",
        "1500",
    ]);
    // The body, one byte a second: 408 once the read time-out passes.
    let started = Instant::now();
    let mut c = Conn::open(s.addr);
    c.send_head("POST", "/v1/decide", &[], 500);
    assert!(
        trickle(&mut c, sample().as_bytes(), 10),
        "a reply before the body is complete"
    );
    let r = c.read_reply();
    assert_eq!(r.status, 408);
    assert_eq!(r.json()["error"]["code"], "request_timeout");
    assert!(started.elapsed() < Duration::from_secs(5));
    // The headers, one byte a second: the connection is closed.
    let started = Instant::now();
    let mut c = Conn::open(s.addr);
    let head = b"POST /v1/decide HTTP/1.1\r\nHost: slow\r\nContent-Length: 2\r\n\r\n{}";
    assert!(
        trickle(&mut c, head, 10),
        "the server ends a connection whose headers crawl"
    );
    assert!(c.try_read_reply().is_err());
    assert!(started.elapsed() < Duration::from_secs(5));
    // Other clients were served all along.
    assert_eq!(s.post("/v1/decide", &sample()).status, 200);
}

#[test]
fn a_client_leaving_mid_stream_costs_the_others_nothing() {
    let s = Service::start(&["--policy", "cn-microloan"]);
    let line = sample_line() + "\n";
    for _ in 0..3 {
        let mut c = Conn::open(s.addr);
        c.send_head("POST", "/v1/decide-many", &[], line.len() * 5000);
        c.writer.write_all(line.repeat(200).as_bytes()).unwrap();
        // Read the start of the answer, then go away with most of the body unsent.
        let mut first = [0u8; 64];
        c.reader.read_exact(&mut first).unwrap();
        assert!(first.starts_with(b"HTTP/1.1 200"));
        drop(c);
    }
    let mut c = Conn::open(s.addr);
    c.send_head("POST", "/v1/decide-many", &[], line.len() * 1000);
    c.writer.write_all(line.repeat(50).as_bytes()).unwrap();
    let _ = c.writer.shutdown(std::net::Shutdown::Both);
    drop(c);
    // Each stream's task ends when its client goes, long before the 30 s read time-out.
    wait_for(
        "the streams of the clients that left end",
        Duration::from_secs(10),
        || {
            s.get("/metrics")
                .body
                .contains("arrears_decide_many_streams 0")
        },
    );
    let r = s.post("/v1/decide-many", &line.repeat(3));
    assert_eq!(r.status, 200);
    assert_eq!(r.body.lines().count(), 3);
    assert_eq!(s.get("/healthz").status, 200);
}

#[test]
fn past_the_bound_on_requests_in_flight_a_request_is_503_with_retry_after() {
    let s = Service::start(&["--policy", "cn-microloan", "--max-in-flight", "1"]);
    let body = sample();
    let mut holder = Conn::open(s.addr);
    holder.send_head("POST", "/v1/decide", &[], body.len());
    std::thread::sleep(Duration::from_millis(300));
    let r = s.post("/v1/decide", &body);
    assert_eq!(r.status, 503);
    assert_eq!(r.header("retry-after"), Some("1"));
    assert_eq!(r.json()["error"]["code"], "overloaded");
    // The probes are not decision requests and still answer.
    assert_eq!(s.get("/healthz").status, 200);
    holder.writer.write_all(body.as_bytes()).unwrap();
    assert_eq!(holder.read_reply().status, 200);
    assert_eq!(s.post("/v1/decide", &body).status, 200);
    assert!(s
        .get("/metrics")
        .body
        .contains("arrears_http_requests_shed_total 1"));
}

/// Starts `arrears serve` expecting it to refuse; its exit code and the error object it printed.
fn refused_start(policies: &[&str]) -> (Option<i32>, serde_json::Value) {
    let mut args = vec!["serve", "--listen", "127.0.0.1:0"];
    for p in policies {
        args.extend(["--policy", p]);
    }
    let o = Command::new(env!("CARGO_BIN_EXE_arrears"))
        .args(args)
        .current_dir(root())
        .output()
        .unwrap();
    let e = serde_json::from_slice(&o.stdout).unwrap_or_default();
    (o.status.code(), e)
}

#[test]
fn a_policy_that_cannot_load_stops_the_start_with_the_error_object() {
    let (code, e) = refused_start(&["xx-unknown-pack"]);
    assert_eq!(code, Some(2));
    assert_eq!(e["error"]["code"], "unknown_policy");
    let (code, e) = refused_start(&["cn-microloan", "cn-microloan"]);
    assert_eq!(code, Some(2));
    assert_eq!(e["error"]["code"], "policy_invalid");
}

#[test]
fn serves_several_policies_and_lists_them() {
    let s = Service::start(&[
        "--policy",
        "cn-microloan",
        "--policy",
        "tests/conformance/policies/acme-us-versions.json",
    ]);
    let list = s.get("/v1/policies").json();
    assert_eq!(list["default"], "cn-microloan");
    let p = &list["policies"][1];
    assert_eq!(p["id"], "acme-us");
    assert_eq!(
        p["source"],
        "tests/conformance/policies/acme-us-versions.json"
    );
    assert!(p["versions"].as_array().unwrap().len() >= 2);
    assert!(p["digest"].as_str().unwrap().starts_with("sha256:"));
    for id in ["cn-microloan", "acme-us"] {
        let r = s.post(&format!("/v1/decide?policy={id}"), &sample());
        // The sample is a Chinese loan: under the US policy it is still decided (with a warning).
        assert_eq!(r.json()["policy"]["id"], id, "{}", r.body);
    }
}

#[test]
fn serves_https_from_pem_files() {
    let dir = Scratch::new("tls");
    let (cert, key) = (dir.path("cert.pem"), dir.path("key.pem"));
    let made = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
        ])
        .args(["-nodes", "-days", "1", "-subj", "/CN=localhost"])
        .args([
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            &key,
            "-out",
            &cert,
        ])
        .stderr(Stdio::null())
        .status()
        .expect("openssl makes a test certificate");
    assert!(made.success());
    let s = Service::start(&[
        "--policy",
        "cn-microloan",
        "--tls-cert",
        &cert,
        "--tls-key",
        &key,
    ]);
    assert!(s.logged("listening on https://"));
    let out = Command::new("curl")
        .args(["-sS", "--cacert", &cert, "--data-binary"])
        .arg(format!("@{}", root().join(SAMPLE).display()))
        .arg(format!("https://{}/v1/decide", s.addr))
        .output()
        .expect("curl");
    let d: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(d["delinquency"]["days_past_due"], 23);
    // Plain HTTP on the TLS port gets no HTTP answer.
    let mut c = Conn::open(s.addr);
    c.send("GET", "/healthz", &[], b"");
    assert!(c.try_read_reply().is_err());
}
