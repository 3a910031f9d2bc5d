//! Pay-day timing: which days a step's `pay_day` timing picks out, read through decisions, and the
//! bounds on pay days and offsets.

use arrears_core::{Engine, Policy};
use serde_json::{json, Value};

/// A cn-microloan lender document whose early-stage call requires (or prefers) a day `offset`
/// working days from a pay day.
fn lender(mode: &str, offset: i32) -> Engine {
    let doc = json!({
        "id": "acme-pay-day", "version": "1", "extends": "cn-microloan", "title": "Pay-day calls",
        "strategy": [{
            "id": "acme.call", "cite": "lender strategy", "stages": [],
            "action": "call", "parties": ["borrower"], "channels": ["mobile"],
            "pay_day": { "working_days": offset, "mode": mode }
        }]
    });
    Engine::new(Policy::from_json(&doc.to_string()).unwrap())
}

/// A borrower paid on `pay_days`, decided at 10:00 Shanghai time on `date`.
fn case(date: &str, pay_days: Value) -> String {
    json!({
        "as_of": format!("{date}T10:00:00+08:00"),
        "account": { "id": "P-1", "currency": "CNY", "book_time_zone": "Asia/Shanghai",
                     "installments": [ { "due": "2026-01-05", "amount": 100000 } ] },
        "borrower": { "time_zones": ["Asia/Shanghai"], "pay_days": pay_days,
                      "channels": [ { "id": "m1", "kind": "mobile" } ] }
    })
    .to_string()
}

fn decide(engine: &Engine, case: &str) -> Value {
    serde_json::from_str(&engine.decide_json(case).unwrap()).unwrap()
}

fn call_allowed(engine: &Engine, date: &str, pay_days: Value) -> bool {
    decide(engine, &case(date, pay_days))["actions"][0]["allowed"] == true
}

#[test]
fn a_required_pay_day_allows_the_step_on_that_day_only() {
    let e = lender("require", 0);
    assert!(call_allowed(&e, "2026-03-10", json!([10])));
    assert!(!call_allowed(&e, "2026-03-11", json!([10])));
    let d = decide(&e, &case("2026-03-11", json!([10])));
    assert_eq!(d["actions"][0]["blocked_by"][0]["rule"], "acme.call");
    assert_eq!(
        d["actions"][0]["next_allowed_at"],
        "2026-04-10T09:00:00+08:00"
    );
}

#[test]
fn a_required_pay_day_blocks_the_step_when_the_case_states_none() {
    let e = lender("require", 0);
    let d = decide(&e, &case("2026-03-10", json!([])));
    assert_eq!(d["actions"][0]["allowed"], false);
    assert_eq!(d["actions"][0]["next_allowed_at"], Value::Null);
}

#[test]
fn day_31_is_the_last_day_of_a_shorter_month() {
    // 30 April 2026 is a Thursday, a working day.
    let e = lender("require", 0);
    assert!(call_allowed(&e, "2026-04-30", json!([31])));
    assert!(!call_allowed(&e, "2026-04-29", json!([31])));
}

#[test]
fn the_last_working_day_follows_the_policy_calendar_make_up_days_included() {
    // 28 February 2026 is a Saturday made a working day by the State Council's Spring Festival
    // arrangement, so it is February's last working day; 31 January 2026 is a Saturday that is
    // not, so January's is Friday the 30th.
    let e = lender("require", 0);
    assert!(call_allowed(&e, "2026-02-28", json!(["last_working_day"])));
    assert!(!call_allowed(&e, "2026-02-27", json!(["last_working_day"])));
    assert!(call_allowed(&e, "2026-01-30", json!(["last_working_day"])));
}

#[test]
fn the_working_day_before_skips_the_weekend_and_holidays() {
    // Pay day Monday 6 April 2026; Saturday 4 to Monday 6 April is the Qingming holiday, so the
    // working day before is Friday 3 April.
    let e = lender("require", -1);
    assert!(call_allowed(&e, "2026-04-03", json!([6])));
    assert!(!call_allowed(&e, "2026-04-02", json!([6])));
}

#[test]
fn a_preferred_pay_day_never_blocks() {
    let e = lender("prefer", 0);
    assert!(call_allowed(&e, "2026-03-11", json!([10])));
    assert!(call_allowed(&e, "2026-03-11", json!([])));
}

#[test]
fn pay_days_and_offsets_out_of_range_are_refused_with_their_paths() {
    let e = lender("prefer", 0);
    for (days, path) in [
        (json!([0]), "borrower.pay_days[0]"),
        (json!([5, 32]), "borrower.pay_days[1]"),
    ] {
        let err = e.decide_json(&case("2026-03-10", days)).unwrap_err();
        assert_eq!(
            (err.code.as_str(), err.path.as_str()),
            ("out_of_range", path)
        );
    }
    let doc = json!({
        "id": "acme-far", "version": "1", "extends": "cn-microloan", "title": "Too far",
        "strategy": [{ "id": "acme.call", "cite": "x", "action": "call", "parties": ["borrower"],
                       "pay_day": { "working_days": 11, "mode": "prefer" } }]
    });
    let err = Policy::from_json(&doc.to_string()).unwrap_err();
    assert!(
        err.message.contains("working_days") || err.path.contains("working_days"),
        "{err:?}"
    );
}
