//! A plan made across a change of policy version: it ranks its candidates as the decision made at
//! the same instant does, by the version in force at `as_of`, not by the newest version.

use arrears_core::Engine;
use serde_json::{json, Value};

/// Two versions of a lender's policy over cn-microloan that differ only in the order of the
/// borrower's channels: the first puts the work phone first, the second the mobile.
fn two_versions() -> String {
    let version = |effective_from: &str, first: &str, second: &str| {
        json!({
            "id": "lender-order", "version": effective_from, "extends": "cn-microloan",
            "effective_from": effective_from,
            "call_order": [
                { "parties": ["borrower"], "channels": [first] },
                { "parties": ["borrower"], "channels": [second] },
                { "parties": ["guarantor", "co_borrower", "spouse", "parent", "guardian",
                              "reference", "employer", "other"] }
            ]
        })
    };
    json!({ "versions": [
        version("2026-01-01", "work_phone", "mobile"),
        version("2026-03-12", "mobile", "work_phone"),
    ]})
    .to_string()
}

fn order(list: &Value) -> Vec<(String, String, String)> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["action"].as_str().unwrap_or_default().to_string(),
                c["party"].as_str().unwrap_or_default().to_string(),
                c["channel"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_plan_across_a_version_change_ranks_candidates_as_the_decision_at_as_of() {
    let engine = Engine::from_reference(&two_versions()).unwrap();
    // as_of 2026-03-10: the first version is in force; the plan's five days reach the second.
    let case = include_str!("../../examples/cases/overdue-consumer-loan.json");
    let decision: Value = serde_json::from_str(&engine.decide_json(case).unwrap()).unwrap();
    let plan: Value = serde_json::from_str(&engine.plan_json(case, 5).unwrap()).unwrap();
    let calls = |list: Vec<(String, String, String)>| -> Vec<(String, String, String)> {
        list.into_iter()
            .filter(|(action, party, _)| action == "call" && party == "borrower")
            .collect()
    };
    let planned = calls(order(&plan["candidates"]));
    // The decision's next action is the first in call order among those allowed now (both phones
    // are): the work phone, under the first version.
    assert_eq!(
        decision["next_action"]["channel"], "w1",
        "{}",
        decision["next_action"]
    );
    let planned_channels: Vec<&str> = planned.iter().map(|c| c.2.as_str()).collect();
    assert_eq!(planned_channels, ["w1", "m1"]);
}
