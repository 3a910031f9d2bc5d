//! `arrears policy check | test | diff`: the policy author's tools.

use std::path::{Path, PathBuf};

use arrears_core::conformance;
use arrears_core::policy::{lint, Diagnostic};
use arrears_core::{Case, Engine};
use serde::Serialize;
use serde_json::Value;

use crate::source;

#[derive(Serialize)]
struct CheckReport<'a> {
    policy: &'a str,
    valid: bool,
    id: Option<String>,
    version: Option<String>,
    digest: Option<String>,
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
    /// With `--as-of`: days of holiday calendar left after that date (null when the calendar
    /// declares no years).
    #[serde(skip_serializing_if = "Option::is_none")]
    calendar_days_left: Option<Option<i64>>,
}

/// Validation errors (schema, names, stage table, loosening) and lints (shadowed, unreachable).
/// Clean means neither.
pub fn check(reference: &str, json: bool, as_of: Option<arrears_core::time::Date>) -> bool {
    let (errors, warnings, engine) = match source::policy(reference) {
        Err(e) => (
            vec![Diagnostic {
                path: e.path,
                message: e.message,
            }],
            vec![],
            None,
        ),
        Ok(src) => {
            let v = arrears_core::ffi::validate_policy_with(&src.text, &|n| src.resolve(n));
            let engine = src.engine().ok();
            let warnings = engine
                .as_ref()
                .map(|e| {
                    e.versions()
                        .iter()
                        .flat_map(|p| lint::lint(p.document()))
                        .collect()
                })
                .unwrap_or_default();
            (v.diagnostics, warnings, engine)
        }
    };
    let newest = engine.as_ref().map(|e| e.policy());
    let clean = errors.is_empty() && warnings.is_empty();
    let days_left = as_of.and_then(|d| newest.map(|p| p.calendar_days_after(d)));
    if json {
        let report = CheckReport {
            policy: reference,
            valid: errors.is_empty(),
            id: newest.map(|p| p.id().to_string()),
            version: newest.map(|p| p.version().to_string()),
            digest: newest.map(|p| p.digest().to_string()),
            errors,
            warnings,
            calendar_days_left: days_left,
        };
        match arrears_core::error::to_json_text(&report, false) {
            Ok(text) => println!("{text}"),
            Err(e) => {
                println!("{}", e.to_json());
                return false;
            }
        }
        return clean;
    }
    for d in &errors {
        println!(
            "error: {}: {}",
            if d.path.is_empty() {
                "(document)"
            } else {
                &d.path
            },
            d.message
        );
    }
    for d in &warnings {
        println!("warning: {}: {}", d.path, d.message);
    }
    if let (Some(date), Some(p)) = (as_of, newest) {
        match p.calendar_days_after(date) {
            Some(n) => println!(
                "calendar: {} has {n} day(s) of holidays left after {date} (years {})",
                p.id(),
                p.document()
                    .calendar
                    .years
                    .iter()
                    .map(i32::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            None => println!(
                "calendar: {} declares no years (no date is reported uncovered)",
                p.id()
            ),
        }
    }
    match newest {
        Some(p) if clean => println!("ok: {} {} ({})", p.id(), p.version(), p.digest()),
        _ => println!(
            "{reference}: {} error(s), {} warning(s)",
            errors.len(),
            warnings.len()
        ),
    }
    clean
}

/// One test of a policy test file.
struct Outcome {
    name: String,
    failures: Vec<String>,
}

/// Runs policy test files: each holds a policy reference and cases with expected facts.
pub fn test(path: &str) -> bool {
    let p = Path::new(path);
    let files: Vec<PathBuf> = if p.is_dir() {
        source::case_files(p)
            .into_iter()
            .filter(|f| {
                f.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.ends_with(".test.json"))
            })
            .collect()
    } else {
        vec![p.to_path_buf()]
    };
    let (mut passed, mut failed) = (0usize, 0usize);
    if files.is_empty() {
        println!("no *.test.json files under {path}");
        return false;
    }
    for file in files {
        for o in run_test_file(&file) {
            if o.failures.is_empty() {
                passed += 1;
                println!("test {} ... ok", o.name);
            } else {
                failed += 1;
                println!("test {} ... FAILED", o.name);
                for f in o.failures {
                    println!("    {f}");
                }
            }
        }
    }
    println!("\npolicy tests: {passed} passed, {failed} failed");
    failed == 0 && passed > 0
}

fn run_test_file(file: &Path) -> Vec<Outcome> {
    let fail = |name: String, why: String| {
        vec![Outcome {
            name,
            failures: vec![why],
        }]
    };
    let label = file.display().to_string();
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => return fail(label, format!("cannot read: {e}")),
    };
    let doc: Value = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(e) => return fail(label, format!("not JSON: {e}")),
    };
    let dir = file.parent().unwrap_or(Path::new("."));
    let Some(policy_ref) = doc["policy"].as_str() else {
        return fail(
            label,
            "a test file names its \"policy\" (a pack id or a file next to it)".into(),
        );
    };
    let policy_path = dir.join(policy_ref);
    let reference = if policy_path.exists() {
        policy_path.display().to_string()
    } else {
        policy_ref.to_string()
    };
    let engine = match source::policy(&reference).and_then(|s| s.engine()) {
        Ok(e) => e,
        Err(e) => return fail(label, format!("policy {policy_ref}: {e}")),
    };
    let Some(tests) = doc["tests"].as_array() else {
        return fail(label, "a test file holds a \"tests\" list".into());
    };
    tests
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let name = format!(
                "{}::{}",
                file.file_name().and_then(|n| n.to_str()).unwrap_or("?"),
                t["name"]
                    .as_str()
                    .map_or_else(|| i.to_string(), str::to_owned)
            );
            let case_text = match (&t["case"], t["case_file"].as_str()) {
                (Value::Object(_), _) => Ok(t["case"].to_string()),
                (_, Some(f)) => std::fs::read_to_string(dir.join(f))
                    .map_err(|e| format!("cannot read case_file {f:?}: {e}")),
                _ => Ok(String::new()),
            };
            Outcome {
                failures: match case_text {
                    Ok(text) => check_expectations(&engine, &text, &t["expect"]),
                    Err(why) => vec![why],
                },
                name,
            }
        })
        .collect()
}

/// Holds a test's claims against what the engine gives for its case (the decision, or the error
/// object), by the corpus's checker: `expect` is a list of claims, or a file in the older form
/// (an object of named facts), which [`claims_of_older_form`] translates.
fn check_expectations(engine: &Engine, case_text: &str, expect: &Value) -> Vec<String> {
    let claims = match expect {
        Value::Array(claims) => claims.clone(),
        Value::Object(_) => claims_of_older_form(expect),
        _ => {
            return vec![
                "a test's \"expect\" is a list of claims (docs/conformance.md)".to_string(),
            ]
        }
    };
    if claims.is_empty() {
        return vec!["a test's \"expect\" holds no claim".to_string()];
    }
    let (Ok(output) | Err(output)) = engine.decide_json(case_text).map_err(|e| e.to_json());
    let output: Value = serde_json::from_str(&output).unwrap_or(Value::Null);
    claims
        .iter()
        .filter_map(|c| conformance::check_claim(c, &output).err())
        .collect()
}

/// The claims an `expect` object of the older form states, each named fact as the claim that
/// reads it: `stage`, `days_past_due`, `state`, `queue`, `escalate_to`, `next_action`, `actions`
/// (with `absent`, `allowed`, `allowed_until`, `next_allowed_at`, `blocked_by`), `disclosures`
/// and `error`. Without `error`, the output must be a decision.
fn claims_of_older_form(expect: &Value) -> Vec<Value> {
    use serde_json::json;
    let mut claims = Vec::new();
    if let Some(code) = expect.get("error") {
        return vec![json!({ "at": "error.code", "is": code })];
    }
    claims.push(json!({ "at": "format", "is": arrears_core::decision::DECISION_FORMAT }));
    for (fact, at) in [
        ("stage", "delinquency.stage.id"),
        ("days_past_due", "delinquency.days_past_due"),
        ("state", "status.state"),
        ("queue", "queue.current"),
    ] {
        if let Some(v) = expect.get(fact).filter(|v| !v.is_null()) {
            claims.push(json!({ "at": at, "is": v }));
        }
    }
    if let Some(v) = expect.get("escalate_to") {
        claims.push(json!({ "at": "queue.escalate_to", "is": v }));
    }
    match expect.get("next_action") {
        Some(Value::Object(fields)) => claims.extend(
            fields
                .iter()
                .map(|(k, v)| json!({ "at": format!("next_action.{k}"), "is": v })),
        ),
        Some(v) => claims.push(json!({ "at": "next_action", "is": v })),
        None => {}
    }
    let text = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_owned);
    for want in expect["actions"].as_array().into_iter().flatten() {
        let mut selector = format!(
            "action={},party={}",
            text(&want["action"]),
            text(&want["party"])
        );
        if let Some(channel) = want.get("channel") {
            selector += &format!(",channel={}", text(channel));
        }
        let candidate = format!("actions[{selector}]");
        if want["absent"] == Value::Bool(true) {
            claims.push(json!({ "at": format!("{candidate}.action"), "lacks": want["action"] }));
            continue;
        }
        let mut named = false;
        for key in ["allowed", "allowed_until", "next_allowed_at"] {
            if let Some(v) = want.get(key) {
                claims.push(json!({ "at": format!("{candidate}.{key}"), "is": v }));
                named = true;
            }
        }
        for rule in want["blocked_by"].as_array().into_iter().flatten() {
            claims.push(json!({ "at": format!("{candidate}.blocked_by[*].rule"), "has": rule }));
            named = true;
        }
        if !named {
            // Named with nothing to check, the candidate must still exist.
            claims.push(json!({ "at": format!("{candidate}.action"), "is": want["action"] }));
        }
    }
    for (party, categories) in expect["disclosures"].as_object().into_iter().flatten() {
        claims.push(json!({
            "at": format!("disclosures[party={party}].may_disclose"),
            "is": categories
        }));
    }
    claims
}

/// Reports every case and candidate that NEW allows and OLD forbade (widened), and every one NEW
/// forbids or drops that OLD allowed (narrowed), with the rules that block it now. True when
/// nothing widens: narrowing is what a correction may do, widening is what a review must see.
pub fn diff(old: &str, new: &str, cases: &str, json: bool) -> Result<bool, arrears_core::Error> {
    let old_src = source::policy(old)?;
    let new_src = source::policy(new)?;
    let (old_engine, new_engine) = (old_src.engine()?, new_src.engine()?);
    let files = source::case_files(Path::new(cases));
    let mut widened = Vec::new();
    let mut narrowed = Vec::new();
    let mut compared = 0usize;
    for file in &files {
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        let Ok(case) = Case::from_json(&text) else {
            continue;
        };
        let (Ok(a), Ok(b)) = (old_engine.decide(&case), new_engine.decide(&case)) else {
            continue;
        };
        compared += 1;
        for o in a.actions.iter().filter(|o| o.allowed) {
            let after = b
                .actions
                .iter()
                .find(|n| n.action == o.action && n.party == o.party && n.channel == o.channel);
            let (now, rules) = match after {
                Some(n) if n.allowed => continue,
                Some(n) => (
                    "blocked".to_string(),
                    n.blocked_by
                        .iter()
                        .map(|r| serde_json::json!({ "rule": r.rule, "cite": r.cite }))
                        .collect::<Vec<_>>(),
                ),
                None => ("not a candidate".to_string(), Vec::new()),
            };
            narrowed.push(serde_json::json!({
                "case": file.display().to_string(),
                "action": o.action, "party": o.party, "channel": o.channel,
                "new": now, "blocked_by": rules, "old": "allowed",
            }));
        }
        for n in b.actions.iter().filter(|n| n.allowed) {
            let before = a
                .actions
                .iter()
                .find(|o| o.action == n.action && o.party == n.party && o.channel == n.channel);
            let was = match before {
                Some(o) if o.allowed => continue,
                Some(o) => format!(
                    "blocked by {}",
                    o.blocked_by
                        .iter()
                        .map(|r| r.rule.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                None => "not a candidate".to_string(),
            };
            widened.push(serde_json::json!({
                "case": file.display().to_string(),
                "action": n.action, "party": n.party, "channel": n.channel,
                "new": "allowed", "old": was,
            }));
        }
    }
    if json {
        println!(
            "{}",
            serde_json::json!({ "cases": compared, "widened": widened, "narrowed": narrowed })
        );
    } else {
        for w in &widened {
            println!(
                "widened: {}: {} {}{} is allowed by {new}; under {old} it was {}",
                w["case"].as_str().unwrap_or_default(),
                w["action"].as_str().unwrap_or_default(),
                w["party"].as_str().unwrap_or_default(),
                w["channel"]
                    .as_str()
                    .map(|c| format!(" via {c}"))
                    .unwrap_or_default(),
                w["old"].as_str().unwrap_or_default()
            );
        }
        for n in &narrowed {
            println!(
                "narrowed: {}: {} {}{} is {} under {new} ({}); under {old} it was allowed",
                n["case"].as_str().unwrap_or_default(),
                n["action"].as_str().unwrap_or_default(),
                n["party"].as_str().unwrap_or_default(),
                n["channel"]
                    .as_str()
                    .map(|c| format!(" via {c}"))
                    .unwrap_or_default(),
                n["new"].as_str().unwrap_or_default(),
                n["blocked_by"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|r| r["rule"].as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        println!(
            "{compared} cases compared, {} widened verdict(s), {} narrowed",
            widened.len(),
            narrowed.len()
        );
    }
    Ok(widened.is_empty())
}

#[cfg(test)]
mod tests {
    use super::claims_of_older_form;
    use serde_json::json;

    #[test]
    fn each_fact_of_the_older_form_becomes_the_claim_that_reads_it() {
        let claims = claims_of_older_form(&json!({
            "stage": "m3",
            "queue": null,
            "escalate_to": null,
            "next_action": { "action": "sms" },
            "actions": [
                { "action": "call", "party": "borrower", "channel": "m1", "allowed": false,
                  "blocked_by": ["x.cap"], "next_allowed_at": "2026-03-11T09:00:00+08:00" },
                { "action": "visit", "party": "borrower", "absent": true },
                { "action": "sms", "party": "c1", "channel": null }
            ],
            "disclosures": { "c1": ["identity"] }
        }));
        assert_eq!(
            claims,
            vec![
                json!({ "at": "format", "is": "arrears.decision/1" }),
                json!({ "at": "delinquency.stage.id", "is": "m3" }),
                json!({ "at": "queue.escalate_to", "is": null }),
                json!({ "at": "next_action.action", "is": "sms" }),
                json!({ "at": "actions[action=call,party=borrower,channel=m1].allowed", "is": false }),
                json!({ "at": "actions[action=call,party=borrower,channel=m1].next_allowed_at", "is": "2026-03-11T09:00:00+08:00" }),
                json!({ "at": "actions[action=call,party=borrower,channel=m1].blocked_by[*].rule", "has": "x.cap" }),
                json!({ "at": "actions[action=visit,party=borrower].action", "lacks": "visit" }),
                json!({ "at": "actions[action=sms,party=c1,channel=null].action", "is": "sms" }),
                json!({ "at": "disclosures[party=c1].may_disclose", "is": ["identity"] }),
            ]
        );
    }

    #[test]
    fn an_expected_error_is_its_code_alone() {
        assert_eq!(
            claims_of_older_form(&json!({ "error": "invalid_field", "stage": "m1" })),
            vec![json!({ "at": "error.code", "is": "invalid_field" })]
        );
    }
}
