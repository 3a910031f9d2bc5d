//! Invariants that hold for every case (issue: speed, scale and robustness).

use arrears_core::{synthetic, Case, Engine, Policy};
use proptest::prelude::*;
use serde_json::{json, Value};

fn engines() -> Vec<Engine> {
    arrears_core::policy::packs::IDS
        .iter()
        .map(|id| Engine::from_reference(id).unwrap())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn the_stage_never_goes_back_as_days_pass(pack in 0usize..2, start in 0i64..30, step in 1i64..9) {
        let policy = Policy::builtin(arrears_core::policy::packs::IDS[pack]).unwrap();
        let engine = Engine::new(policy.clone());
        let rank = |id: &str| policy.document().stages.iter().filter(|s| !s.pre_due).position(|s| s.id == id);
        let mut last = None;
        let due = chrono::NaiveDate::from_ymd_opt(2025, 6, 1).unwrap();
        for k in (start..420).step_by(step as usize) {
            let day = due + chrono::Duration::days(k);
            let case = json!({ "as_of": format!("{day}T12:00:00+00:00"),
                "account": { "id": "M", "currency": "USD", "book_time_zone": "UTC", "installments": [ { "due": due.to_string(), "amount": 100 } ] },
                "borrower": {} });
            let d = engine.decide(&Case::from_json(&case.to_string()).unwrap()).unwrap();
            if let Some(r) = rank(&d.delinquency.stage.id) {
                prop_assert!(last.is_none_or(|l| r >= l), "stage went back at day {k}");
                last = Some(r);
            }
        }
    }

    #[test]
    fn one_more_call_to_the_borrower_never_unblocks_a_borrower_call(seed in 0u64..1_000_000, history in 0usize..30, back_minutes in 1i64..20000) {
        let mut case_json: Value = synthetic::account(seed, 3, history);
        let before = Case::from_json(&case_json.to_string()).unwrap();
        let at = before.as_of.seconds() - back_minutes * 60;
        let zone = before.account.book_time_zone;
        case_json["history"].as_array_mut().unwrap().push(json!({
            "at": zone.render(at), "type": "call", "party": "borrower", "channel": "m1",
            "direction": "outbound", "outcome": "no_answer" }));
        let after = Case::from_json(&case_json.to_string()).unwrap();
        for engine in engines() {
            let (a, b) = (engine.decide(&before).unwrap(), engine.decide(&after).unwrap());
            for x in a.actions.iter().filter(|x| !x.allowed && x.party == "borrower" && x.action == "call") {
                if let Some(y) = b.actions.iter().find(|y| y.action == x.action && y.party == x.party && y.channel == x.channel) {
                    prop_assert!(!y.allowed, "a call blocked by {:?} became allowed after one more call", x.blocked_by);
                }
            }
        }
    }

    #[test]
    fn a_json_round_trip_of_the_case_changes_nothing(seed in 0u64..1_000_000, history in 0usize..30) {
        let text = synthetic::account(seed, 11, history).to_string();
        let case = Case::from_json(&text).unwrap();
        let again = Case::from_json(&serde_json::to_string(&case).unwrap()).unwrap();
        for engine in engines() {
            prop_assert_eq!(engine.decide(&case).unwrap().to_json().unwrap(), engine.decide(&again).unwrap().to_json().unwrap());
        }
    }
}

#[test]
fn inputs_over_the_limits_are_refused_with_limit_exceeded() {
    let mut case: Value = synthetic::account(1, 1, 10_001);
    let out = arrears_core::ffi::decide("us-reg-f", &case.to_string()).unwrap_err();
    assert!(
        out.contains("limit_exceeded") && out.contains("\"path\":\"history\""),
        "{out}"
    );
    case["history"] = json!([]);
    case["account"]["installments"] = Value::Array(
        (0..1001)
            .map(|_| json!({ "due": "2026-01-01", "amount": 1 }))
            .collect(),
    );
    let out = arrears_core::ffi::decide("us-reg-f", &case.to_string()).unwrap_err();
    assert!(out.contains("limit_exceeded"), "{out}");
    let huge = format!("{{\"as_of\": \"{}\"}}", "x".repeat(17 * 1024 * 1024));
    let out = arrears_core::ffi::decide("us-reg-f", &huge).unwrap_err();
    assert!(out.contains("limit_exceeded"), "{out}");
}

/// The benchmarks' longest rows use `synthetic::account(.., 10_000)`; a generated case that the
/// work budget refused would time refusals instead of decisions.
#[test]
fn a_generated_history_as_long_as_the_contract_admits_is_decided() {
    for seed in 1..4 {
        let case = synthetic::account(seed, seed, arrears_core::case::MAX_HISTORY).to_string();
        for id in arrears_core::policy::packs::IDS {
            let out = arrears_core::ffi::decide(id, &case);
            assert!(out.is_ok(), "{id}, seed {seed}: {out:?}");
        }
    }
}
