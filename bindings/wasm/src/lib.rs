//! The wasm-bindgen surface: a few lines over the core's JSON contract.
//!
//! `decideJson` and `planJson` are text in, text out: the very bytes the native engine writes.
//! `decide` and `plan` take and return plain objects, through JSON text both ways: the case is
//! written by the host's own `JSON.stringify` and the decision or plan read back by `JSON.parse`.
//! Both run as native code in every JavaScript engine, where walking the object graph field by
//! field across the boundary (what serde-wasm-bindgen does) took three times as long; and errors
//! keep their field paths, which serde-wasm-bindgen's lose.
//! Failures are thrown as `ArrearsError` with `code`, `path` and `message`; nothing traps.

use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
export class ArrearsError extends Error {
  constructor(code, path, message) {
    super(path ? `${code} at ${path}: ${message}` : `${code}: ${message}`);
    this.name = 'ArrearsError';
    this.code = code;
    this.path = path;
    this.detail = message;
  }
  toJSON() {
    return { error: { code: this.code, path: this.path, message: this.detail } };
  }
}
export function makeError(code, path, message) {
  return new ArrearsError(code, path, message);
}
export function isRangeError(e) {
  return e instanceof RangeError;
}
let packText = () => undefined;
export function setPackSource(source) {
  packText = source;
}
export function packSource(id) {
  try {
    const text = packText(id);
    return typeof text === 'string' ? text : undefined;
  } catch {
    return undefined;
  }
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = makeError)]
    fn make_error(code: &str, path: &str, message: &str) -> JsValue;
    #[wasm_bindgen(js_name = isRangeError)]
    fn is_range_error(e: &JsValue) -> bool;
    /// The text of a built-in pack as the package's entry point supplies it (read beside the
    /// module in Node, fetched by `loadPack` in a browser); `None` when it has none. A throwing
    /// supplier counts as none, so no JavaScript exception ever unwinds through the module.
    #[wasm_bindgen(js_name = packSource)]
    fn host_pack_source(id: &str) -> Option<String>;
}

/// Resolves a built-in pack id (as the policy or a lender document's `extends`): from the text
/// compiled in, when the build has it, or else from the host.
fn pack_source(id: &str) -> Result<String, arrears_core::Error> {
    if let Some(text) = arrears_core::policy::packs::source(id) {
        return Ok(text.to_owned());
    }
    if arrears_core::policy::packs::is_builtin(id) {
        return host_pack_source(id).ok_or_else(|| {
            arrears_core::Error::new(
                arrears_core::ErrorCode::UnknownPolicy,
                "policy",
                format!(
                    "the built-in pack {id:?} is not loaded: in a browser, `await loadPack({id:?})` fetches it first"
                ),
            )
        });
    }
    arrears_core::policy::builtin_source(id)
}

#[wasm_bindgen]
extern "C" {
    /// The host's `JSON.stringify`: throws on a cycle or a BigInt, and gives `undefined` for a
    /// value with no JSON form (a function, `undefined` itself).
    #[wasm_bindgen(js_namespace = JSON, js_name = stringify, catch)]
    fn json_stringify(value: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_namespace = JSON, js_name = parse, catch)]
    fn json_parse(text: &str) -> Result<JsValue, JsValue>;
}

fn thrown(e: arrears_core::Error) -> JsValue {
    make_error(e.code.as_str(), &e.path, &e.message)
}

/// Through JSON text and the host's `JSON.parse`, as `decide` returns its decision: the module's
/// one writer (serde_json's) serves here too, where a second serializer for JavaScript values would
/// instantiate every written type again for a getter and `validatePolicy`.
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    let text =
        serde_json::to_string(value).map_err(|e| make_error("invalid_json", "", &e.to_string()))?;
    json_parse(&text)
}

/// Turns a case or policy given as an object (or as JSON text) into JSON text.
fn json_text(value: JsValue, what: &str) -> Result<String, JsValue> {
    if let Some(s) = value.as_string() {
        return Ok(s);
    }
    // `JSON.stringify` gives the same text serde-wasm-bindgen and serde_json would for plain
    // data, much faster; what it refuses or has no text for (a BigInt, a cycle, `undefined`)
    // takes the field-by-field path, so such input behaves as it always did.
    match json_stringify(&value) {
        Ok(text) => {
            if let Some(text) = text.as_string() {
                return Ok(text);
            }
        }
        // Nesting deeper than the host's stack: the error the engine gives for such text (its
        // reader stops at 128 levels), where walking it field by field would overflow too.
        Err(e) if is_range_error(&e) => {
            return Err(make_error(
                "invalid_json",
                "",
                &format!("recursion limit exceeded (the {what} is nested too deeply)"),
            ));
        }
        Err(_) => {}
    }
    let v: serde_json::Value = serde_wasm_bindgen::from_value(value).map_err(|e| {
        make_error(
            "invalid_json",
            "",
            &format!("the {what} is not JSON data: {e}"),
        )
    })?;
    Ok(v.to_string())
}

/// The days a plan covers when the host names none: a week, as on the command line.
const DEFAULT_PLAN_DAYS: u32 = 7;

/// The days a plan covers, as the host gives them: `undefined` for the default, or a whole number
/// passed on for the engine to judge (it plans 1 to 31 days). Anything else (a fraction, text, a
/// negative number, which the plain `u32` conversion would wrap or truncate into some other
/// horizon) is the engine's own error for a bad horizon, `out_of_range` at `days`.
fn plan_days(days: &JsValue) -> Result<u32, JsValue> {
    if days.is_undefined() {
        return Ok(DEFAULT_PLAN_DAYS);
    }
    match days.as_f64() {
        Some(n) if n.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&n) => Ok(n as u32),
        _ => Err(make_error(
            "out_of_range",
            "days",
            "days is a whole number of days from 1 to 31",
        )),
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

/// A validated policy, ready to decide cases.
#[wasm_bindgen]
pub struct Engine {
    inner: arrears_core::Engine,
}

#[wasm_bindgen]
impl Engine {
    /// From a built-in pack id, a policy document's JSON text, or a policy document object.
    #[wasm_bindgen(constructor)]
    pub fn new(policy: JsValue) -> Result<Engine, JsValue> {
        let text = json_text(policy, "policy")?;
        arrears_core::Engine::from_reference_with(&text, &pack_source)
            .map(|inner| Engine { inner })
            .map_err(thrown)
    }

    /// Decides a case given as a plain object; returns the decision as a plain object.
    pub fn decide(&self, case: JsValue) -> Result<JsValue, JsValue> {
        let text = json_text(case, "case")?;
        #[cfg(feature = "trap-trigger")]
        trap_on_request(&text);
        let decision = self.inner.decide_json(&text).map_err(thrown)?;
        json_parse(&decision)
    }

    /// Decides a case given as JSON text; returns the decision's canonical JSON text.
    #[wasm_bindgen(js_name = decideJson)]
    pub fn decide_json(&self, case_json: &str) -> Result<String, JsValue> {
        #[cfg(feature = "trap-trigger")]
        trap_on_request(case_json);
        self.inner.decide_json(case_json).map_err(thrown)
    }

    /// Plans a case given as a plain object over `days` local days (7 when left out); returns the
    /// plan as a plain object.
    pub fn plan(&self, case: JsValue, days: JsValue) -> Result<JsValue, JsValue> {
        let days = plan_days(&days)?;
        let text = json_text(case, "case")?;
        let plan = self.inner.plan_json(&text, days).map_err(thrown)?;
        json_parse(&plan)
    }

    /// Plans a case given as JSON text over `days` local days (7 when left out); returns the
    /// plan's canonical JSON text.
    #[wasm_bindgen(js_name = planJson)]
    pub fn plan_json(&self, case_json: &str, days: JsValue) -> Result<String, JsValue> {
        let days = plan_days(&days)?;
        self.inner.plan_json(case_json, days).map_err(thrown)
    }

    /// The id, version and digest of the policy (its newest version).
    #[wasm_bindgen(getter)]
    pub fn policy(&self) -> Result<JsValue, JsValue> {
        to_js(&arrears_core::ffi::policy_summary_value(&self.inner))
    }
}

/// Validates a policy (pack id, JSON text or object): `{valid, id, version, digest, diagnostics}`.
#[wasm_bindgen(js_name = validatePolicy)]
pub fn validate_policy(policy: JsValue) -> Result<JsValue, JsValue> {
    let text = json_text(policy, "policy")?;
    to_js(&arrears_core::ffi::validate_policy_with(
        &text,
        &pack_source,
    ))
}

/// Ids of the built-in policy packs.
#[wasm_bindgen(js_name = builtinPolicies)]
pub fn builtin_policies() -> Vec<String> {
    arrears_core::ffi::builtin_policies()
        .into_iter()
        .map(str::to_owned)
        .collect()
}

/// The arrears case of an Apache Fineract loan (`GET /loans/{id}?associations=repaymentSchedule,transactions`,
/// as an object or JSON text) on the tenant's business date (`YYYY-MM-DD`) in its time zone.
#[wasm_bindgen(js_name = importFineract)]
pub fn import_fineract(
    loan: JsValue,
    business_date: &str,
    time_zone: &str,
) -> Result<JsValue, JsValue> {
    let text = json_text(loan, "loan")?;
    let case =
        arrears_core::ffi::import_fineract(&text, business_date, time_zone).map_err(thrown)?;
    json_parse(&case)
}

/// The engine's version.
#[wasm_bindgen]
pub fn version() -> String {
    arrears_core::VERSION.to_string()
}
