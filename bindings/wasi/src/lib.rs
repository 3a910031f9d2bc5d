//! The WIT surface: a few lines over the core's JSON contract.
//!
//! Built for `wasm32-unknown-unknown` and wrapped with `wasm-tools component new`, the component
//! imports nothing at all (no WASI), so any component host can run it, and a browser through jco
//! without a shim. Text in, text out: hosts in Python, Java, Go or .NET get exactly the bytes the
//! native engine writes.

wit_bindgen::generate!({ world: "rules", path: "wit" });

use exports::arrears::rules::decisions::{self, Guest, GuestEngine};

struct Component;

struct Engine(arrears_core::Engine);

fn error(e: arrears_core::Error) -> decisions::Error {
    decisions::Error {
        code: e.code.as_str().to_string(),
        path: e.path,
        message: e.message,
    }
}

/// The test build's trap: aborts (a WebAssembly `unreachable`) in the middle of a call, as a bug
/// or an exhausted memory would.
#[cfg(feature = "trap-trigger")]
fn trap_on_request(case_json: &str) {
    if case_json == "ARREARS-TRAP" {
        std::process::abort();
    }
}

impl Guest for Component {
    type Engine = Engine;

    fn version() -> String {
        arrears_core::VERSION.to_string()
    }

    fn builtin_policies() -> Vec<String> {
        arrears_core::ffi::builtin_policies()
            .into_iter()
            .map(str::to_owned)
            .collect()
    }

    fn report_tally(decisions: Vec<String>) -> Result<String, decisions::Error> {
        arrears_core::ffi::report_tally(decisions.iter().map(String::as_str)).map_err(error)
    }

    fn report_merge(tallies: Vec<String>) -> Result<String, decisions::Error> {
        arrears_core::ffi::report_merge(tallies.iter().map(String::as_str)).map_err(error)
    }

    fn report_finish(tally: String) -> Result<String, decisions::Error> {
        arrears_core::ffi::report_finish(&tally).map_err(error)
    }

    fn import_fineract(
        loan_json: String,
        business_date: String,
        time_zone: String,
    ) -> Result<String, decisions::Error> {
        arrears_core::ffi::import_fineract(&loan_json, &business_date, &time_zone).map_err(error)
    }
}

impl GuestEngine for Engine {
    fn create(policy: String) -> Result<decisions::Engine, decisions::Error> {
        arrears_core::ffi::engine(&policy)
            .map(|e| decisions::Engine::new(Engine(e)))
            .map_err(error)
    }

    fn decide(&self, case_json: String) -> Result<String, decisions::Error> {
        #[cfg(feature = "trap-trigger")]
        trap_on_request(&case_json);
        self.0.decide_json(&case_json).map_err(error)
    }

    fn decide_many(&self, cases: Vec<String>) -> Vec<Result<String, decisions::Error>> {
        cases.into_iter().map(|c| self.decide(c)).collect()
    }

    fn decide_batch(&self, cases: Vec<String>) -> Result<decisions::BatchAnswer, decisions::Error> {
        let bytes = cases.iter().map(|c| c.len() + 4).sum();
        arrears_core::ffi::check_batch(cases.len(), bytes).map_err(error)?;
        let mut answer = decisions::BatchAnswer {
            texts: Vec::with_capacity(cases.len()),
            errors: Vec::new(),
        };
        for (i, case) in cases.iter().enumerate() {
            #[cfg(feature = "trap-trigger")]
            trap_on_request(case);
            let (status, text) = arrears_core::ffi::decide_record(&self.0, case.as_bytes());
            if status == arrears_core::ffi::BATCH_ERROR {
                answer.errors.push(i as u32);
            }
            answer.texts.push(text);
        }
        Ok(answer)
    }

    fn plan(&self, case_json: String, days: u32) -> Result<String, decisions::Error> {
        self.0.plan_json(&case_json, days).map_err(error)
    }

    fn policy(&self) -> String {
        arrears_core::ffi::policy_summary(&self.0)
    }
}

export!(Component);
