//! The work budget (docs/case.md, limits) and the answers that used to hide an error: what
//! multiplies a decision's work is refused with `limit_exceeded` at the list to shorten, the
//! largest admitted cases are decided, and nothing falls back silently.

use arrears_core::case::{MAX_CASE_CHANNELS, MAX_PARTY_EVENTS};
use arrears_core::synthetic::{heavy, Heavy};
use arrears_core::MAX_CANDIDATES;
use arrears_core::{Case, Engine, ErrorCode, Policy};
use serde_json::{json, Value};

const SAMPLE: &str = include_str!("../../examples/cases/overdue-consumer-loan.json");

/// The admitted shapes the benchmark times (core/benches/heavy.rs).
const WIDE: Heavy = Heavy {
    contacts: 4,
    channels_per_contact: 50,
    borrower_channels: 50,
    calls: 10_000,
};
const MANY_CONTACTS: Heavy = Heavy {
    contacts: 200,
    channels_per_contact: 1,
    borrower_channels: 50,
    calls: 10_000,
};

#[test]
fn the_case_the_issue_measured_is_refused_where_its_channels_pass_the_limit() {
    let e = Case::from_json(&heavy(Heavy::UNBOUNDED).to_string()).unwrap_err();
    assert_eq!(e.code, ErrorCode::LimitExceeded);
    // 50 of the borrower and 50 for each of contacts 0 to 3 make 250; contact 4 passes it.
    assert_eq!(e.path, "contacts[4].channels");
    assert!(e.message.contains(&MAX_CASE_CHANNELS.to_string()));
}

#[test]
fn one_party_with_more_events_than_the_limit_is_refused_at_the_first_event_past_it() {
    let shape = Heavy {
        contacts: 0,
        channels_per_contact: 0,
        borrower_channels: 2,
        calls: MAX_PARTY_EVENTS + 1,
    };
    let e = Case::from_json(&heavy(shape).to_string()).unwrap_err();
    assert_eq!(e.code, ErrorCode::LimitExceeded);
    assert_eq!(e.path, format!("history[{MAX_PARTY_EVENTS}].party"));
    let at_the_limit = Heavy {
        calls: MAX_PARTY_EVENTS,
        ..shape
    };
    Case::from_json(&heavy(at_the_limit).to_string()).unwrap();
}

#[test]
fn the_largest_admitted_cases_are_decided_under_every_pack() {
    for shape in [WIDE, MANY_CONTACTS] {
        let text = heavy(shape).to_string();
        for pack in arrears_core::policy::packs::IDS {
            let engine = Engine::from_reference(pack).unwrap();
            let decided = engine.decide_json(&text);
            assert!(decided.is_ok(), "{pack} {shape:?}: {decided:?}");
        }
    }
}

/// cn-microloan with a step for every contact of every role per action listed, on whatever
/// channels the action allows.
fn cn_reaching_contacts_with(actions: &[&str]) -> String {
    let mut doc: Value =
        serde_json::from_str(arrears_core::policy::packs::source("cn-microloan").unwrap()).unwrap();
    let strategy = doc["strategy"].as_array_mut().unwrap();
    for action in actions {
        strategy.push(json!({
            "id": format!("test.contacts.{action}"), "cite": "test", "action": action,
            "stages": ["m2"],
            "parties": ["spouse", "reference", "guarantor"]
        }));
    }
    doc.to_string()
}

/// Four actions on a phone, six without a channel: ten candidates for each of 200 contacts.
const TEN_ACTIONS: [&str; 10] = [
    "call",
    "sms",
    "ivr_call",
    "video_call",
    "visit",
    "repayment_plan_offer",
    "agency_placement",
    "legal_referral",
    "credit_report",
    "write_off_review",
];

#[test]
fn a_strategy_naming_more_candidates_than_the_limit_is_refused_at_the_contacts() {
    let case = heavy(MANY_CONTACTS).to_string();
    let refused = Engine::from_reference(&cn_reaching_contacts_with(&TEN_ACTIONS))
        .unwrap()
        .decide_json(&case)
        .unwrap_err();
    assert_eq!(refused.code, ErrorCode::LimitExceeded);
    assert_eq!(refused.path, "contacts");
    assert!(refused.message.contains(&MAX_CANDIDATES.to_string()));
    Engine::from_reference(&cn_reaching_contacts_with(&TEN_ACTIONS[..8]))
        .unwrap()
        .decide_json(&case)
        .unwrap();
}

#[test]
fn a_plan_past_the_candidate_days_is_refused_at_days_and_a_shorter_one_is_made() {
    // About 900 candidates: 31 days of them pass 15,500 candidate-days, 7 days do not.
    let engine = Engine::from_reference(&cn_reaching_contacts_with(&TEN_ACTIONS[..4])).unwrap();
    let case = heavy(MANY_CONTACTS).to_string();
    let refused = engine.plan_json(&case, 31).unwrap_err();
    assert_eq!(refused.code, ErrorCode::LimitExceeded);
    assert_eq!(refused.path, "days");
    engine.plan_json(&case, 7).unwrap();
}

#[test]
fn a_case_dated_before_every_version_is_an_error_from_decide_and_plan() {
    let versions = include_str!("../../tests/conformance/policies/acme-us-versions.json");
    let engine = Engine::from_reference(versions).unwrap();
    let case = json!({
        "as_of": "2025-12-01T10:00:00-05:00",
        "account": { "id": "A", "currency": "USD", "book_time_zone": "America/New_York",
                     "installments": [ { "due": "2025-11-01", "amount": 1000 } ] },
        "borrower": {}
    });
    let case = Case::from_json(&case.to_string()).unwrap();
    let e = engine.decide(&case).unwrap_err();
    assert_eq!((e.code, e.path.as_str()), (ErrorCode::OutOfRange, "as_of"));
    let e = engine.plan(&case, 7).unwrap_err();
    assert_eq!((e.code, e.path.as_str()), (ErrorCode::OutOfRange, "as_of"));
}

#[test]
fn a_stage_table_of_the_pre_due_stage_alone_is_refused() {
    let mut doc: Value =
        serde_json::from_str(arrears_core::policy::packs::source("cn-microloan").unwrap()).unwrap();
    let stages = doc["stages"].as_array_mut().unwrap();
    stages.retain(|s| s["pre_due"] == json!(true));
    let e = Policy::from_json(&doc.to_string()).unwrap_err();
    assert_eq!(e.code, ErrorCode::PolicyInvalid);
    assert_eq!(e.path, "stages");
}

#[test]
fn a_trigger_with_neither_queue_nor_tiers_is_refused() {
    let mut doc: Value =
        serde_json::from_str(arrears_core::policy::packs::source("cn-microloan").unwrap()).unwrap();
    let trigger = doc["escalation"][0].as_object_mut().unwrap();
    trigger.remove("queue");
    let e = Policy::from_json(&doc.to_string()).unwrap_err();
    assert_eq!(e.code, ErrorCode::PolicyInvalid);
    assert_eq!(e.path, "escalation[0]");
}

#[test]
fn a_promise_without_a_party_is_refused_rather_than_read_as_nobody() {
    let mut case: Value = serde_json::from_str(SAMPLE).unwrap();
    case["history"].as_array_mut().unwrap().push(json!({
        "at": "2026-03-09T12:00:00+08:00", "type": "promise", "date": "2026-03-11", "amount": 1000
    }));
    let e = Case::from_json(&case.to_string()).unwrap_err();
    assert_eq!(
        (e.code, e.path.as_str()),
        (ErrorCode::InvalidField, "history[1].party")
    );
}

#[test]
fn a_document_titled_versions_is_validated_as_one_document_with_all_its_problems() {
    let mut doc: Value =
        serde_json::from_str(arrears_core::policy::packs::source("cn-microloan").unwrap()).unwrap();
    doc["title"] = json!("versions");
    doc["stages"][1]["queue"] = json!("nowhere");
    doc["stages"][2]["queue"] = json!("nowhere");
    let v = arrears_core::ffi::validate_policy(&doc.to_string());
    assert!(!v.valid);
    assert_eq!(v.diagnostics.len(), 2, "{:?}", v.diagnostics);
}

#[test]
fn no_message_repeats_its_code() {
    let mut doc: Value =
        serde_json::from_str(arrears_core::policy::packs::source("cn-microloan").unwrap()).unwrap();
    doc["delinquency"]["grace_days"] = json!(-1);
    let text = doc.to_string();
    let e = Policy::from_json(&text).unwrap_err();
    assert!(!e.message.starts_with("policy_invalid"), "{}", e.message);
    let v = arrears_core::ffi::validate_policy(&text);
    assert!(
        v.diagnostics
            .iter()
            .all(|d| !d.message.starts_with("invalid_field")
                && !d.message.starts_with("policy_invalid")),
        "{:?}",
        v.diagnostics
    );
}
