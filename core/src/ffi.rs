//! The JSON-shaped contract every surface re-exports.
//!
//! The CLI, the wasm-bindgen package and the WASI component are each a few lines over these
//! functions, so they cannot drift apart: the text in and the text out are the same on every host.
//! Every function answers with JSON text: the decision (or other result) on success, the error
//! object `{"error":{...}}` on failure.

use serde::Serialize;

use crate::decision::report::{decision_line, Tally};
use crate::engine::{Engine, Reference};
use crate::error::{Error, ErrorCode};
use crate::policy::{packs, Policy};

/// Builds an engine from a pack id or a policy document's JSON text.
pub fn engine(policy: &str) -> Result<Engine, Error> {
    Engine::from_reference(policy)
}

/// Decides a case (JSON text) under a policy (pack id or JSON text).
/// `Ok` holds the decision JSON, `Err` the error JSON.
pub fn decide(policy: &str, case: &str) -> Result<String, String> {
    let engine = engine(policy).map_err(|e| e.to_json())?;
    engine.decide_json(case).map_err(|e| e.to_json())
}

/// The contact plan of a case (JSON text) over `days` local days, under a policy (pack id or JSON
/// text). `Ok` holds the plan JSON, `Err` the error JSON.
pub fn plan(policy: &str, case: &str, days: u32) -> Result<String, String> {
    let engine = engine(policy).map_err(|e| e.to_json())?;
    engine.plan_json(case, days).map_err(|e| e.to_json())
}

/// The arrears case of an Apache Fineract loan (`GET /loans/{id}?associations=repaymentSchedule,transactions`
/// as JSON text) on a business date (`YYYY-MM-DD`) in the tenant's time zone (an IANA name).
/// `Ok` holds the case JSON; the error's path points into the loan document (or is
/// `business_date` or `time_zone`).
pub fn import_fineract(loan: &str, business_date: &str, time_zone: &str) -> Result<String, Error> {
    crate::fineract::import(loan, business_date, time_zone)
}

/// Reads host bytes as the UTF-8 text every function here takes; anything else is the
/// `invalid_json` error object (a host that hands over raw memory can send any bytes).
pub fn text(bytes: &[u8]) -> Result<&str, Error> {
    std::str::from_utf8(bytes).map_err(|e| {
        Error::new(
            ErrorCode::InvalidJson,
            "",
            format!(
                "the input is not UTF-8 text (byte {} is not)",
                e.valid_up_to()
            ),
        )
    })
}

/// Decides many cases in one call: `cases` is a JSON array of case objects, the answer a JSON
/// array holding, for each case in order, exactly what [`Engine::decide_json`] gives for it (the
/// decision, or the error object); a bad case is an error in its slot and never fails the batch.
/// Only input that is not a JSON array at all is an error as a whole.
///
/// It exists for hosts that pay a fixed cost per call into the engine.
pub fn decide_many_json(engine: &Engine, cases: &str) -> Result<String, Error> {
    let cases: Vec<&serde_json::value::RawValue> = serde_json::from_str(cases).map_err(|e| {
        Error::new(
            ErrorCode::InvalidJson,
            "",
            format!("expected a JSON array of cases: {e}"),
        )
    })?;
    let mut out = String::with_capacity(cases.len() * 4096 + 2);
    out.push('[');
    for (i, case) in cases.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        match engine.decide_json(case.get()) {
            Ok(decision) => out.push_str(&decision),
            Err(e) => out.push_str(&e.to_json()),
        }
    }
    out.push(']');
    Ok(out)
}

/// The most cases one call of [`decide_batch`] takes. A batch's answers all sit in the engine's
/// memory until the host reads them, so a host with more cases sends several batches.
pub const BATCH_MAX_CASES: usize = 4096;

/// The most bytes of records (prefixes included) one call of [`decide_batch`] takes: four cases
/// of the largest size a case may have.
pub const BATCH_MAX_BYTES: usize = 4 * crate::case::MAX_CASE_BYTES;

/// The status byte of an answer record holding a decision.
pub const BATCH_DECISION: u8 = 0;

/// The status byte of an answer record holding an error object.
pub const BATCH_ERROR: u8 = 1;

/// Refuses a batch of `cases` cases and `bytes` bytes (each case's bytes and its 4-byte length)
/// over [`BATCH_MAX_CASES`] or [`BATCH_MAX_BYTES`], as `limit_exceeded`: every batch call, in
/// records or in a component's list, holds the same limits.
pub fn check_batch(cases: usize, bytes: usize) -> Result<(), Error> {
    if bytes > BATCH_MAX_BYTES {
        return Err(Error::new(
            ErrorCode::LimitExceeded,
            "",
            format!(
                "the batch is {bytes} bytes; at most {BATCH_MAX_BYTES} are accepted in one call"
            ),
        ));
    }
    if cases > BATCH_MAX_CASES {
        return Err(Error::new(
            ErrorCode::LimitExceeded,
            "",
            format!(
                "the batch holds {cases} cases; at most {BATCH_MAX_CASES} are accepted in one call"
            ),
        ));
    }
    Ok(())
}

/// Splits a batch into its records: each is a `u32` little-endian length and that many bytes,
/// back to back. A batch that does not split exactly (a length running past the end, bytes left
/// over too few for a prefix) is `invalid_json` naming the record; one over the limits is
/// `limit_exceeded` ([`check_batch`]).
pub fn batch_records(batch: &[u8]) -> Result<Vec<&[u8]>, Error> {
    check_batch(0, batch.len())?;
    let mut records = Vec::new();
    let mut rest = batch;
    while !rest.is_empty() {
        let at = batch.len() - rest.len();
        let index = records.len();
        let Some((prefix, tail)) = rest.split_first_chunk::<4>() else {
            return Err(Error::new(
                ErrorCode::InvalidJson,
                "",
                format!(
                    "batch record {index} at byte {at}: {} bytes are left, too few for its 4-byte length",
                    rest.len()
                ),
            ));
        };
        let len = u32::from_le_bytes(*prefix) as usize;
        if len > tail.len() {
            return Err(Error::new(
                ErrorCode::InvalidJson,
                "",
                format!(
                    "batch record {index} at byte {at} says {len} bytes; {} are left",
                    tail.len()
                ),
            ));
        }
        let (record, after) = tail.split_at(len);
        records.push(record);
        rest = after;
    }
    check_batch(records.len(), batch.len())?;
    Ok(records)
}

/// One case of a batch, answered exactly as deciding it alone answers it: its status
/// ([`BATCH_DECISION`] or [`BATCH_ERROR`]) and the decision's or the error object's text. Bytes
/// that are not UTF-8 are the `invalid_json` error object, as for a single call.
pub fn decide_record(engine: &Engine, case: &[u8]) -> (u8, String) {
    match text(case).and_then(|case| engine.decide_json(case)) {
        Ok(decision) => (BATCH_DECISION, decision),
        Err(e) => (BATCH_ERROR, e.to_json()),
    }
}

/// Decides a batch of cases in one call, with no JSON around them: the batch is records as
/// [`batch_records`] reads them, each a case's bytes; the answer is one record per case, in
/// order, each a status byte ([`BATCH_DECISION`] or [`BATCH_ERROR`]), a `u32` little-endian
/// length and exactly the bytes a call deciding that case alone gives ([`decide_record`]). Only
/// a batch that cannot be split, or one over the limits, is an error as a whole; a bad case
/// never is.
///
/// It exists for hosts that pay a fixed cost per call into the engine and should not have to
/// build or split JSON arrays, nor read an answer's first bytes to tell an error from a decision.
pub fn decide_batch(engine: &Engine, batch: &[u8]) -> Result<Vec<u8>, Error> {
    let records = batch_records(batch)?;
    let mut out = Vec::with_capacity(records.len() * 4096);
    for record in records {
        append_answer(engine, record, &mut out);
    }
    Ok(out)
}

/// Appends a case's answer record to `out`, the decision written in place after its header:
/// what a batch saves over single calls is the text each of those allocates, grows and hands over
/// to be copied. The bytes are [`decide_record`]'s, an error's included.
fn append_answer(engine: &Engine, case: &[u8], out: &mut Vec<u8>) {
    let start = out.len();
    out.push(BATCH_DECISION);
    out.extend_from_slice(&[0; 4]);
    match text(case).and_then(|case| engine.decide_json_into(case, out)) {
        Ok(()) => {
            let len = (out.len() - start - 5) as u32;
            out[start + 1..start + 5].copy_from_slice(&len.to_le_bytes());
        }
        Err(e) => {
            out.truncate(start);
            let text = e.to_json();
            out.push(BATCH_ERROR);
            out.extend_from_slice(&(text.len() as u32).to_le_bytes());
            out.extend_from_slice(text.as_bytes());
        }
    }
}

/// The id, version and digest of an engine's newest policy version: what every binding reports as
/// its engine's policy (the WASI component's `policy`, the npm package's `policy` getter, the plain
/// module's answer to a new engine), built here once so that they cannot drift apart.
pub fn policy_summary_value(engine: &Engine) -> serde_json::Value {
    let p = engine.policy();
    serde_json::json!({ "id": p.id(), "version": p.version(), "digest": p.digest() })
}

/// [`policy_summary_value`] as JSON text.
pub fn policy_summary(engine: &Engine) -> String {
    policy_summary_value(engine).to_string()
}

/// The ids of the built-in packs.
pub fn builtin_policies() -> Vec<&'static str> {
    packs::IDS.to_vec()
}

/// The result of validating a policy document.
#[derive(Debug, Serialize)]
pub struct Validation {
    pub valid: bool,
    pub id: Option<String>,
    pub version: Option<String>,
    pub digest: Option<String>,
    pub diagnostics: Vec<crate::policy::Diagnostic>,
}

/// Validates a policy (pack id, JSON text, lender document or versioned document) and lists
/// every problem found.
pub fn validate_policy(policy: &str) -> Validation {
    validate_policy_with(policy, &crate::policy::builtin_source)
}

/// [`validate_policy`] with a resolver for the `extends` of lender documents.
pub fn validate_policy_with(
    policy: &str,
    resolve: &dyn Fn(&str) -> Result<String, Error>,
) -> Validation {
    match Engine::from_reference_with(policy, resolve) {
        Ok(engine) => {
            let p = engine.policy();
            Validation {
                valid: true,
                id: Some(p.id().to_string()),
                version: Some(p.version().to_string()),
                digest: Some(p.digest().to_string()),
                diagnostics: Vec::new(),
            }
        }
        Err(e) => {
            let single = matches!(Reference::of(policy), Reference::Document(_));
            let mut diagnostics = if single {
                Policy::diagnose_with(policy, resolve)
            } else {
                Vec::new()
            };
            if diagnostics.is_empty() {
                diagnostics.push(crate::policy::Diagnostic {
                    path: e.path,
                    message: e.message,
                });
            }
            Validation {
                valid: false,
                id: None,
                version: None,
                digest: None,
                diagnostics,
            }
        }
    }
}

/// [`validate_policy`] as JSON text; `Err` holds the error object's text.
pub fn validate_policy_json(policy: &str) -> Result<String, String> {
    crate::error::to_json_text(&validate_policy(policy), false).map_err(|e| e.to_json())
}

/// The report tally ([`crate::decision::report::Tally`]) of decision lines: each text is one line
/// of a batch's output, a decision (with or without its case summary) or anything else, which
/// counts as an error line. The answer is the tally's JSON form (docs/report.md), to merge with
/// the tallies of the portfolio's other parts ([`report_merge`]) and finish ([`report_finish`]).
pub fn report_tally<'a>(lines: impl IntoIterator<Item = &'a str>) -> Result<String, Error> {
    let mut tally = Tally::new();
    for line in lines {
        match decision_line(line) {
            Some(d) => {
                tally.count(&d);
            }
            None => tally.count_error(),
        }
    }
    tally.to_json()
}

/// Merges tallies (each one's JSON form) into one, in any order and grouping with the same
/// result; no tallies at all give the empty tally. A tally that cannot be read is the error, its
/// path prefixed with the tally's position (`[2].by_stage`).
pub fn report_merge<'a>(tallies: impl IntoIterator<Item = &'a str>) -> Result<String, Error> {
    let mut merged = Tally::new();
    for (i, text) in tallies.into_iter().enumerate() {
        let tally = Tally::from_json(text).map_err(|mut e| {
            e.path = crate::error::join_path(&format!("[{i}]"), &e.path);
            e
        })?;
        merged.merge(&tally);
    }
    merged.to_json()
}

/// The report a tally (its JSON form) finishes into: the very bytes of `arrears report --json`
/// over the same decision lines.
pub fn report_finish(tally: &str) -> Result<String, Error> {
    crate::error::to_json_text(&Tally::from_json(tally)?.finish(), false)
}
