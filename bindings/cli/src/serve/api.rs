//! The routes: every body JSON (or JSON Lines), every failure the error object
//! `{"error":{"code","path","message"}}` with a status that says what kind of failure it is.

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use arrears_core::{Error, ErrorCode};
use axum::body::Body;
use axum::extract::{Query, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use bytes::Bytes;
use http_body::Frame;
use http_body_util::BodyExt;
use tokio::sync::mpsc;
use tower::ServiceBuilder;

use super::metrics::{Metrics, Route, RouteStatus};
use super::policies::Policies;
use crate::batch::{self, Summary};

/// What every handler reads.
pub struct AppState {
    pub policies: Arc<Policies>,
    pub metrics: Metrics,
    /// Bearer tokens; none means the service asks for none.
    pub tokens: Vec<Vec<u8>>,
    /// The largest body `/v1/decide` and `/v1/plan` take, and the longest line of
    /// `/v1/decide-many`, in bytes.
    pub max_body: usize,
    /// How long a body (or one line of a stream) may take to arrive.
    pub read_timeout: Duration,
    pub draining: AtomicBool,
    pub openapi: String,
    pub log_requests: bool,
    pub log_account_ids: bool,
}

/// The error object of the service's own failures (the engine's codes do not cover HTTP).
fn service_error(status: StatusCode, code: &'static str, message: String) -> Response {
    #[derive(serde::Serialize)]
    struct Inner<'a> {
        code: &'a str,
        path: &'a str,
        message: String,
    }
    #[derive(serde::Serialize)]
    struct Envelope<'a> {
        error: Inner<'a>,
    }
    let body = serde_json::to_string(&Envelope {
        error: Inner {
            code,
            path: "",
            message,
        },
    })
    .unwrap_or_default();
    json_response(status, body)
}

fn engine_error(status: StatusCode, e: &Error) -> Response {
    json_response(status, e.to_json())
}

fn json_response(status: StatusCode, body: String) -> Response {
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}

/// The status an engine error is answered with: every code is bad input except a policy the
/// service does not serve.
fn status_of(e: &Error) -> StatusCode {
    match e.code {
        ErrorCode::UnknownPolicy => StatusCode::NOT_FOUND,
        // The engine failed, not the request: the client may retry, and an operator should look.
        ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::BAD_REQUEST,
    }
}

/// The account a response was about, for the request log when account ids are asked for.
#[derive(Clone)]
struct AccountId(String);

/// The route label of a path, from a closed list so a scan of random paths cannot grow the
/// metrics without bound.
fn route_of(path: &str) -> &'static str {
    match path {
        "/v1/decide" => "/v1/decide",
        "/v1/plan" => "/v1/plan",
        "/v1/decide-many" => "/v1/decide-many",
        "/v1/policies" => "/v1/policies",
        "/healthz" => "/healthz",
        "/readyz" => "/readyz",
        "/metrics" => "/metrics",
        "/openapi.json" => "/openapi.json",
        _ => "other",
    }
}

pub fn router(state: Arc<AppState>, max_in_flight: usize) -> Router {
    let shed_state = Arc::clone(&state);
    // Past the bound, a request is refused at once with 503 and Retry-After rather than queued:
    // a queue only turns overload into time-outs the client cannot tell from a slow engine.
    let overload = ServiceBuilder::new()
        .layer(axum::error_handling::HandleErrorLayer::new(
            move |_: tower::BoxError| {
                let state = Arc::clone(&shed_state);
                async move {
                    state.metrics.shed.inc();
                    let mut r = service_error(
                        StatusCode::SERVICE_UNAVAILABLE,
                        "overloaded",
                        "the service is answering as many requests as it is allowed to; retry after the Retry-After header's seconds".into(),
                    );
                    r.headers_mut()
                        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
                    r
                }
            },
        ))
        .load_shed()
        .layer(tower::limit::GlobalConcurrencyLimitLayer::new(max_in_flight));
    let decisions = Router::new()
        .route("/v1/decide", post(decide))
        .route("/v1/plan", post(plan))
        .route("/v1/decide-many", post(decide_many))
        .route_layer(overload);
    Router::new()
        .merge(decisions)
        .route("/v1/policies", get(policies))
        .route("/metrics", get(metrics))
        .route("/openapi.json", get(openapi))
        .route_layer(middleware::from_fn_with_state(
            Arc::clone(&state),
            authorize,
        ))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(Arc::clone(&state), observe))
        .with_state(state)
}

/// Counts, times and (when asked) logs every request.
async fn observe(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = route_of(req.uri().path());
    let method = req.method().clone();
    state.metrics.in_flight.inc();
    let response = next.run(req).await;
    state.metrics.in_flight.dec();
    let status = response.status().as_u16();
    let elapsed = started.elapsed();
    state
        .metrics
        .requests
        .get_or_create(&RouteStatus { route, status })
        .inc();
    state
        .metrics
        .latency
        .get_or_create(&Route { route })
        .observe(elapsed.as_secs_f64());
    if state.log_requests {
        // Never the case's contents; its account id only when the operator asked for it.
        let account = response
            .extensions()
            .get::<AccountId>()
            .filter(|_| state.log_account_ids)
            .map(|a| format!(" account={:?}", a.0))
            .unwrap_or_default();
        eprintln!(
            "arrears serve: {method} {route} {status} {}us{account}",
            elapsed.as_micros()
        );
    }
    response
}

/// Compares a presented token with every configured one in time that does not depend on where
/// they first differ.
fn token_matches(tokens: &[Vec<u8>], presented: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    let mut found = subtle::Choice::from(0);
    for t in tokens {
        found |= t.as_slice().ct_eq(presented);
    }
    found.into()
}

async fn authorize(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    if state.tokens.is_empty() {
        return next.run(req).await;
    }
    let presented = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.as_bytes().strip_prefix(b"Bearer "));
    match presented {
        Some(token) if token_matches(&state.tokens, token) => next.run(req).await,
        _ => {
            let mut r = service_error(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "this service needs `Authorization: Bearer <token>` with one of its tokens".into(),
            );
            r.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"arrears\""),
            );
            r
        }
    }
}

#[derive(serde::Deserialize, Default)]
struct Params {
    policy: Option<String>,
    days: Option<String>,
}

fn params(req: &Request) -> Result<Params, Response> {
    if req.uri().query().is_none() {
        return Ok(Params::default());
    }
    Query::<Params>::try_from_uri(req.uri())
        .map(|q| q.0)
        .map_err(|e| {
            engine_error(
                StatusCode::BAD_REQUEST,
                &Error::new(
                    ErrorCode::InvalidField,
                    "",
                    format!("the query string is not understood: {e}"),
                ),
            )
        })
}

fn too_large(limit: usize) -> Response {
    engine_error(
        StatusCode::PAYLOAD_TOO_LARGE,
        &Error::new(
            ErrorCode::LimitExceeded,
            "",
            format!("the body is larger than this service takes ({limit} bytes)"),
        ),
    )
}

fn timed_out(timeout: Duration) -> Response {
    service_error(
        StatusCode::REQUEST_TIMEOUT,
        "request_timeout",
        format!("the body did not arrive within {} ms", timeout.as_millis()),
    )
}

/// The whole body, within the size bound and the read time-out.
async fn read_body(state: &AppState, req: Request) -> Result<Bytes, Response> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > state.max_body as u64) {
        return Err(too_large(state.max_body));
    }
    let limited = http_body_util::Limited::new(req.into_body(), state.max_body);
    match tokio::time::timeout(state.read_timeout, limited.collect()).await {
        Err(_) => Err(timed_out(state.read_timeout)),
        Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => Err(too_large(state.max_body)),
        Ok(Err(e)) => Err(engine_error(
            StatusCode::BAD_REQUEST,
            &Error::new(
                ErrorCode::InvalidJson,
                "",
                format!("cannot read the body: {e}"),
            ),
        )),
        Ok(Ok(body)) => Ok(body.to_bytes()),
    }
}

/// The policy and the case text of a decide or plan request, or the response refusing it.
async fn policy_and_case(
    state: &AppState,
    req: Request,
) -> Result<(Params, Arc<super::policies::Served>, Bytes), Response> {
    let params = params(&req)?;
    let snapshot = state.policies.snapshot();
    let served = snapshot
        .get(params.policy.as_deref())
        .map_err(|e| engine_error(status_of(&e), &e))?
        .clone();
    let body = read_body(state, req).await?;
    Ok((params, served, body))
}

async fn decide(State(state): State<Arc<AppState>>, req: Request) -> Response {
    let (_, served, body) = match policy_and_case(&state, req).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let mut summary = Summary::default();
    let result = arrears_core::ffi::text(&body)
        .and_then(|text| batch::decide_counted(&served.engine, text, &mut summary))
        .and_then(|(_, d)| d.to_json().map(|json| (d, json)));
    state.metrics.count(served.id(), &summary);
    match result {
        Ok((d, json)) => {
            let mut r = json_response(StatusCode::OK, json);
            r.extensions_mut().insert(AccountId(d.account_id));
            r
        }
        Err(e) => engine_error(status_of(&e), &e),
    }
}

async fn plan(State(state): State<Arc<AppState>>, req: Request) -> Response {
    let (params, served, body) = match policy_and_case(&state, req).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let days = match params.days.as_deref().map(|d| d.trim().parse::<u32>()) {
        None => 7,
        Some(Ok(d)) => d,
        Some(Err(_)) => {
            return engine_error(
                StatusCode::BAD_REQUEST,
                &Error::new(
                    ErrorCode::OutOfRange,
                    "days",
                    format!(
                        "?days= takes a whole number of days from 1 to 31, not {:?}",
                        params.days.unwrap_or_default()
                    ),
                ),
            )
        }
    };
    let result = arrears_core::ffi::text(&body).and_then(|text| {
        let case = arrears_core::Case::from_json(text)?;
        let json = served.engine.plan(&case, days)?.to_json()?;
        Ok((case, json))
    });
    match result {
        Ok((case, json)) => {
            let mut r = json_response(StatusCode::OK, json);
            r.extensions_mut().insert(AccountId(case.account.id));
            r
        }
        Err(e) => {
            state.metrics.count(
                served.id(),
                &Summary {
                    error_codes: [(e.code.as_str().to_string(), 1)].into(),
                    ..Summary::default()
                },
            );
            engine_error(status_of(&e), &e)
        }
    }
}

/// A response body fed line by line from the task deciding a stream.
struct Lines(mpsc::Receiver<Bytes>);

impl http_body::Body for Lines {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        self.0.poll_recv(cx).map(|b| b.map(|b| Ok(Frame::data(b))))
    }
}

/// JSON Lines in, JSON Lines out: each input line's output is what `arrears batch` writes for
/// it, written as soon as it is decided, in input order. A line longer than the body bound is
/// an error line; a line that does not arrive within the read time-out ends the stream with an
/// error line, since the client has stopped sending.
async fn decide_many(State(state): State<Arc<AppState>>, req: Request) -> Response {
    let params = match params(&req) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let snapshot = state.policies.snapshot();
    let served = match snapshot.get(params.policy.as_deref()) {
        Ok(s) => Arc::clone(s),
        Err(e) => return engine_error(status_of(&e), &e),
    };
    let (tx, rx) = mpsc::channel::<Bytes>(8);
    let mut body = req.into_body();
    tokio::spawn(async move {
        state.metrics.streams.inc();
        let _open = Open(&state.metrics.streams);
        let mut pending: Vec<u8> = Vec::new();
        let mut oversized = false;
        let mut line_no = 1u64;
        let mut line_started = Instant::now();
        loop {
            let left = state.read_timeout.saturating_sub(line_started.elapsed());
            let frame = match tokio::time::timeout(left, body.frame()).await {
                Err(_) => {
                    let e = Error::new(
                        ErrorCode::LimitExceeded,
                        "",
                        format!(
                            "line {line_no} did not arrive within {} ms; the stream ends here",
                            state.read_timeout.as_millis()
                        ),
                    );
                    let _ = tx
                        .send(Bytes::from(batch::error_line(line_no, &e) + "\n"))
                        .await;
                    return;
                }
                // The client went away, or ended its body: what is pending is the last line.
                Ok(None) | Ok(Some(Err(_))) => break,
                Ok(Some(Ok(f))) => f,
            };
            let Ok(data) = frame.into_data() else {
                continue;
            };
            let mut out = Vec::new();
            let mut summary = Summary::default();
            for piece in data.split_inclusive(|b| *b == b'\n') {
                let complete = piece.ends_with(b"\n");
                if !oversized {
                    pending.extend_from_slice(piece);
                    if pending.len() > state.max_body + 1 {
                        oversized = true;
                        pending.clear();
                    }
                }
                if !complete {
                    continue;
                }
                let line = std::mem::take(&mut pending);
                out.extend_from_slice(
                    decided(&served, &state, line_no, &line, oversized, &mut summary).as_bytes(),
                );
                out.push(b'\n');
                oversized = false;
                line_no += 1;
                line_started = Instant::now();
            }
            if pending.is_empty() && !oversized {
                line_started = Instant::now();
            }
            state.metrics.count(served.id(), &summary);
            if !out.is_empty() && tx.send(Bytes::from(out)).await.is_err() {
                // The client stopped reading: deciding the rest would be for no one.
                return;
            }
        }
        if !pending.is_empty() || oversized {
            let mut summary = Summary::default();
            let line = decided(&served, &state, line_no, &pending, oversized, &mut summary);
            state.metrics.count(served.id(), &summary);
            let _ = tx.send(Bytes::from(line + "\n")).await;
        }
    });
    let mut r = Response::new(Body::new(Lines(rx)));
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/x-ndjson"),
    );
    r
}

/// Counts a stream as open until its task ends, however it ends.
struct Open<'a>(&'a prometheus_client::metrics::gauge::Gauge);

impl Drop for Open<'_> {
    fn drop(&mut self) {
        self.0.dec();
    }
}

/// One stream line's output, read the way `arrears batch` reads its input lines: without its
/// line end, and a line that is not UTF-8 as the error it is.
fn decided(
    served: &super::policies::Served,
    state: &AppState,
    line_no: u64,
    raw: &[u8],
    oversized: bool,
    summary: &mut Summary,
) -> String {
    if oversized {
        let e = Error::new(
            ErrorCode::LimitExceeded,
            "",
            format!(
                "the line is longer than this service takes ({} bytes)",
                state.max_body
            ),
        );
        summary.errors += 1;
        *summary
            .error_codes
            .entry(e.code.as_str().to_string())
            .or_default() += 1;
        return batch::error_line(line_no, &e);
    }
    let mut end = raw.len();
    while end > 0 && matches!(raw[end - 1], b'\n' | b'\r') {
        end -= 1;
    }
    let text = std::str::from_utf8(&raw[..end]).unwrap_or("\u{fffd}");
    batch::decide_line(&served.engine, line_no, text, false, summary)
}

async fn policies(State(state): State<Arc<AppState>>) -> Response {
    let snapshot = state.policies.snapshot();
    let list: Vec<serde_json::Value> = snapshot
        .served
        .iter()
        .map(|s| {
            // The summary every binding reports, with where it was loaded from and its versions.
            let mut v = arrears_core::ffi::policy_summary_value(&s.engine);
            v["source"] = serde_json::json!(s.reference);
            v["versions"] = serde_json::json!(s
                .engine
                .versions()
                .iter()
                .map(|v| serde_json::json!({ "version": v.version(), "digest": v.digest() }))
                .collect::<Vec<_>>());
            if let Some(e) = snapshot.failing.get(&s.reference) {
                v["reload_error"] = serde_json::json!({
                    "error": { "code": e.code.as_str(), "path": e.path, "message": e.message }
                });
            }
            v
        })
        .collect();
    json_response(
        StatusCode::OK,
        serde_json::json!({"default": snapshot.served[0].id(), "policies": list}).to_string(),
    )
}

async fn healthz() -> Response {
    json_response(StatusCode::OK, "{\"status\":\"ok\"}".into())
}

/// Not ready while draining. A failed reload is reported here but does not make the service
/// unready: its previous version is serving correctly, and a broken document deployed to every
/// replica at once would otherwise take all of them out of the load balancer together.
async fn readyz(State(state): State<Arc<AppState>>) -> Response {
    if state.draining.load(Ordering::Relaxed) {
        return service_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "overloaded",
            "draining: the service is stopping".into(),
        );
    }
    let snapshot = state.policies.snapshot();
    let failed: Vec<serde_json::Value> = snapshot
        .failing
        .iter()
        .map(|(source, e)| {
            serde_json::json!({
                "source": source,
                "error": serde_json::from_str::<serde_json::Value>(&e.to_json())
                    .map(|v| v["error"].clone())
                    .unwrap_or_default(),
            })
        })
        .collect();
    json_response(
        StatusCode::OK,
        serde_json::json!({"status": "ready", "reload_failed": failed}).to_string(),
    )
}

async fn metrics(State(state): State<Arc<AppState>>) -> Response {
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
        )],
        state.metrics.render(),
    )
        .into_response()
}

async fn openapi(State(state): State<Arc<AppState>>) -> Response {
    json_response(StatusCode::OK, state.openapi.clone())
}

async fn not_found(req: Request) -> Response {
    service_error(
        StatusCode::NOT_FOUND,
        "not_found",
        format!(
            "no route {}; GET /openapi.json lists them",
            req.uri().path()
        ),
    )
}

async fn method_not_allowed(req: Request) -> Response {
    service_error(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!("{} does not take {}", req.uri().path(), req.method()),
    )
}
