//! `arrears serve`: the engine as an HTTP service for stacks that will not embed it.
//!
//! One process, a fixed set of policies (pack ids and documents), reloaded without downtime; the
//! same JSON in and out as the library and the command line (docs/serve.md).

mod api;
mod metrics;
mod openapi;
mod policies;
mod tls;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use arrears_core::{Error, ErrorCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::signal::unix::{signal, SignalKind};

use self::policies::{Policies, Reload};

#[derive(clap::Args)]
pub struct Args {
    /// A built-in pack id or a policy document file to serve (repeat it; the first is the
    /// default for requests that name none). Files are reloaded on SIGHUP and when they change.
    #[arg(long, required = true)]
    policy: Vec<String>,
    /// The address and port to listen on. Port 0 takes a free port; the address bound is
    /// printed on standard error.
    #[arg(long, env = "ARREARS_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// A file of bearer tokens, one per line: every route but /healthz and /readyz then needs
    /// `Authorization: Bearer <token>`.
    #[arg(long, env = "ARREARS_TOKEN_FILE")]
    token_file: Option<PathBuf>,
    /// A PEM certificate chain: serve HTTPS (with --tls-key).
    #[arg(long, env = "ARREARS_TLS_CERT", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The PEM private key of --tls-cert.
    #[arg(long, env = "ARREARS_TLS_KEY", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// The largest body of /v1/decide and /v1/plan, and the longest line of /v1/decide-many,
    /// in bytes.
    #[arg(long, default_value_t = 1 << 20)]
    max_body: usize,
    /// Milliseconds a client may take to send a request's headers.
    #[arg(long, default_value_t = 10_000)]
    header_timeout_ms: u64,
    /// Milliseconds a client may take to send a body (or one line of a stream).
    #[arg(long, default_value_t = 30_000)]
    read_timeout_ms: u64,
    /// Decision requests answered at once; past it a request gets 503 with Retry-After.
    #[arg(long, default_value_t = 1024)]
    max_in_flight: usize,
    /// Milliseconds to wait on SIGTERM for requests in flight before stopping anyway.
    #[arg(long, default_value_t = 30_000)]
    drain_timeout_ms: u64,
    /// Milliseconds between looks at the policy files for a change (0: only SIGHUP reloads).
    #[arg(long, default_value_t = 1_000)]
    watch_ms: u64,
    /// Worker threads (default: every core).
    #[arg(long)]
    threads: Option<usize>,
    /// Log one line per request on standard error: method, route, status, time.
    #[arg(long)]
    log_requests: bool,
    /// Add the account id to each logged decision or plan (case contents are never logged).
    #[arg(long, requires = "log_requests")]
    log_account_ids: bool,
}

fn usage(message: String) -> ExitCode {
    eprintln!("arrears serve: {message}");
    ExitCode::from(2)
}

fn read_tokens(path: &PathBuf) -> Result<Vec<Vec<u8>>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the token file {}: {e}", path.display()))?;
    let tokens: Vec<Vec<u8>> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.as_bytes().to_vec())
        .collect();
    if tokens.is_empty() {
        return Err(format!("the token file {} holds no token", path.display()));
    }
    Ok(tokens)
}

pub fn run(args: Args) -> ExitCode {
    let policies = match Policies::open(&args.policy) {
        Ok(p) => Arc::new(p),
        // The same error object (and exit code) as `decide` with a policy it cannot load.
        Err(e) => return crate::fail(&e, false),
    };
    let tokens = match args.token_file.as_ref().map(read_tokens).transpose() {
        Ok(t) => t.unwrap_or_default(),
        Err(m) => return usage(m),
    };
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => match tls::acceptor(cert, key) {
            Ok(a) => Some(a),
            Err(m) => return usage(m),
        },
        _ => None,
    };
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return usage(format!("cannot start the runtime: {e}")),
    };
    let state = Arc::new(api::AppState {
        policies,
        metrics: metrics::Metrics::new(),
        tokens,
        max_body: args.max_body,
        read_timeout: Duration::from_millis(args.read_timeout_ms),
        draining: AtomicBool::new(false),
        openapi: openapi::document(env!("CARGO_PKG_VERSION")),
        log_requests: args.log_requests,
        log_account_ids: args.log_account_ids,
    });
    runtime.block_on(serve(state, tls, &args))
}

/// Reloads the policies `which` selects off the async workers, and reports each outcome.
async fn reload(
    state: &Arc<api::AppState>,
    why: &'static str,
    which: Option<Vec<String>>,
) -> Vec<(String, Reload)> {
    let policies = Arc::clone(&state.policies);
    let outcomes = tokio::task::spawn_blocking(move || {
        policies.reload(|s| which.as_ref().is_none_or(|w| w.contains(&s.reference)))
    })
    .await
    .unwrap_or_default();
    for (reference, outcome) in &outcomes {
        let result = match outcome {
            Reload::Unchanged => "unchanged",
            Reload::Loaded { id, version } => {
                eprintln!("arrears serve: {why}: reloaded {reference}: {id} {version}");
                "loaded"
            }
            Reload::Failed(e) => {
                eprintln!(
                    "arrears serve: {why}: {reference} failed to load, its previous version keeps serving: {}",
                    e.to_json()
                );
                "failed"
            }
        };
        state
            .metrics
            .reloads
            .get_or_create(&metrics::ReloadResult {
                policy: reference.clone(),
                result,
            })
            .inc();
        state
            .metrics
            .reload_failing
            .get_or_create(&metrics::PolicyRef {
                policy: reference.clone(),
            })
            .set(i64::from(result == "failed"));
    }
    outcomes
}

async fn serve(state: Arc<api::AppState>, tls: Option<tls::Acceptor>, args: &Args) -> ExitCode {
    let listener = match TcpListener::bind(args.listen).await {
        Ok(l) => l,
        Err(e) => {
            return crate::fail(
                &Error::new(
                    ErrorCode::OutOfRange,
                    "listen",
                    format!("cannot listen on {}: {e}", args.listen),
                ),
                false,
            )
        }
    };
    let (mut hangup, mut terminate, mut interrupt) = match (
        signal(SignalKind::hangup()),
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) {
        (Ok(h), Ok(t), Ok(i)) => (h, t, i),
        _ => return usage("cannot listen for signals".into()),
    };
    let bound = listener.local_addr().unwrap_or(args.listen);
    let snapshot = state.policies.snapshot();
    let ids: Vec<String> = snapshot
        .served
        .iter()
        .map(|s| format!("{} {}", s.id(), s.engine.policy().version()))
        .collect();
    eprintln!(
        "arrears serve: listening on {}://{bound} (policies: {})",
        if tls.is_some() { "https" } else { "http" },
        ids.join(", ")
    );
    let router = api::router(Arc::clone(&state), args.max_in_flight.max(1));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let header_timeout = Duration::from_millis(args.header_timeout_ms);

    if args.watch_ms > 0 {
        let state = Arc::clone(&state);
        let every = Duration::from_millis(args.watch_ms);
        tokio::spawn(async move {
            let mut seen = policies::Watched::new();
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                let policies = Arc::clone(&state.policies);
                let (changed, back) = tokio::task::spawn_blocking(move || {
                    let changed = policies.changed(&mut seen);
                    (changed, seen)
                })
                .await
                .unwrap_or_default();
                seen = back;
                if !changed.is_empty() {
                    reload(&state, "file changed", Some(changed)).await;
                }
            }
        });
    }

    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, _) = match accepted {
                    Ok(a) => a,
                    Err(e) => {
                        // Out of descriptors and the like: wait rather than spin.
                        eprintln!("arrears serve: accept: {e}");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let router = router.clone();
                let watcher = graceful.watcher();
                let tls = tls.clone();
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |req| {
                        tower::ServiceExt::oneshot(router.clone(), req)
                    });
                    let mut http = hyper::server::conn::http1::Builder::new();
                    http.timer(TokioTimer::new()).header_read_timeout(header_timeout);
                    match tls {
                        None => {
                            let conn = http.serve_connection(TokioIo::new(stream), service);
                            let _ = watcher.watch(conn).await;
                        }
                        Some(tls) => {
                            let Ok(Ok(stream)) = tokio::time::timeout(header_timeout, tls.accept(stream)).await else {
                                return;
                            };
                            let conn = http.serve_connection(TokioIo::new(stream), service);
                            let _ = watcher.watch(conn).await;
                        }
                    }
                });
            }
            _ = hangup.recv() => {
                reload(&state, "SIGHUP", None).await;
            }
            _ = terminate.recv() => break,
            _ = interrupt.recv() => break,
        }
    }
    // Stop taking connections, let every request in flight finish, close idle keep-alives.
    state.draining.store(true, Ordering::Relaxed);
    drop(listener);
    eprintln!("arrears serve: draining");
    let drain = Duration::from_millis(args.drain_timeout_ms);
    tokio::select! {
        _ = graceful.shutdown() => {
            eprintln!("arrears serve: drained");
            ExitCode::SUCCESS
        }
        _ = tokio::time::sleep(drain) => {
            eprintln!("arrears serve: stopped with requests still in flight after {} ms", drain.as_millis());
            ExitCode::from(1)
        }
    }
}
