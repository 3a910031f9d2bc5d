//! The service's Prometheus metrics, every name prefixed `arrears_`, written in the OpenMetrics
//! text format Prometheus scrapes.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteStatus {
    pub route: &'static str,
    pub status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct Route {
    pub route: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct Stage {
    pub policy: String,
    pub stage: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct Code {
    pub code: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ReloadResult {
    pub policy: String,
    pub result: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct PolicyRef {
    pub policy: String,
}

type Histograms = Family<Route, Histogram, fn() -> Histogram>;

pub struct Metrics {
    registry: Registry,
    pub requests: Family<RouteStatus, Counter>,
    pub latency: Histograms,
    pub in_flight: Gauge,
    pub streams: Gauge,
    pub shed: Counter,
    pub decisions: Family<Stage, Counter>,
    pub errors: Family<Code, Counter>,
    pub reloads: Family<ReloadResult, Counter>,
    pub reload_failing: Family<PolicyRef, Gauge>,
}

fn latency_buckets() -> Histogram {
    // 50 µs to about 1.6 s: a decision takes tens of microseconds, a long stream seconds.
    Histogram::new(prometheus_client::metrics::histogram::exponential_buckets(
        0.000_05, 2.0, 16,
    ))
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("arrears");
        let requests = Family::<RouteStatus, Counter>::default();
        let latency: Histograms = Family::new_with_constructor(latency_buckets);
        let in_flight = Gauge::default();
        let streams = Gauge::default();
        let shed = Counter::default();
        let decisions = Family::<Stage, Counter>::default();
        let errors = Family::<Code, Counter>::default();
        let reloads = Family::<ReloadResult, Counter>::default();
        let reload_failing = Family::<PolicyRef, Gauge>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by route and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time from a request's arrival to its response's headers (a stream's lines follow)",
            latency.clone(),
        );
        registry.register(
            "http_requests_in_flight",
            "Requests being answered now",
            in_flight.clone(),
        );
        registry.register(
            "decide_many_streams",
            "Streams of /v1/decide-many still being read or written",
            streams.clone(),
        );
        registry.register(
            "http_requests_shed",
            "Requests refused with 503 because the bound on requests in flight was reached",
            shed.clone(),
        );
        registry.register(
            "decisions",
            "Decisions written, by policy and delinquency stage",
            decisions.clone(),
        );
        registry.register(
            "decision_errors",
            "Cases answered with the error object, by error code",
            errors.clone(),
        );
        registry.register(
            "policy_reloads",
            "Policy reloads, by policy reference and result (loaded, unchanged, failed)",
            reloads.clone(),
        );
        registry.register(
            "policy_reload_failing",
            "1 while the last reload of a policy failed and its previous version is still serving",
            reload_failing.clone(),
        );
        Metrics {
            registry,
            requests,
            latency,
            in_flight,
            streams,
            shed,
            decisions,
            errors,
            reloads,
            reload_failing,
        }
    }

    /// Counts what a batch summary of decided lines holds.
    pub fn count(&self, policy: &str, s: &crate::batch::Summary) {
        for (stage, n) in &s.by_stage {
            self.decisions
                .get_or_create(&Stage {
                    policy: policy.to_string(),
                    stage: stage.clone(),
                })
                .inc_by(*n);
        }
        for (code, n) in &s.error_codes {
            self.errors
                .get_or_create(&Code { code: code.clone() })
                .inc_by(*n);
        }
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}
