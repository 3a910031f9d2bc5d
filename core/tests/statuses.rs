//! docs/decision.md, status: what each status does to `status`, `next_action` and `queue`, in both packs,
//! and the named acceptance examples.

use arrears_core::ffi;
use serde_json::{json, Value};

fn decide(pack: &str, case: &Value) -> Value {
    serde_json::from_str(&ffi::decide(pack, &case.to_string()).expect("a valid case")).unwrap()
}

/// An account 80 days past due (M3 in both packs) on a working Tuesday afternoon.
fn m3_case(zone: &str, offset: &str, borrower_flags: &[&str], account_flags: &[&str]) -> Value {
    let bf: serde_json::Map<String, Value> = borrower_flags
        .iter()
        .map(|f| (f.to_string(), json!(true)))
        .collect();
    let af: serde_json::Map<String, Value> = account_flags
        .iter()
        .map(|f| (f.to_string(), json!(true)))
        .collect();
    json!({
        "as_of": format!("2026-03-10T14:30:00{offset}"),
        "account": { "id": "S", "currency": "USD", "book_time_zone": zone,
                     "installments": [ { "due": "2025-12-20", "amount": 100000 } ], "flags": af },
        "borrower": { "time_zones": [zone], "flags": bf,
                      "channels": [ { "id": "m1", "kind": "mobile" }, { "id": "p1", "kind": "postal" } ] },
        "contacts": [
            { "id": "a1", "role": "attorney", "channels": [ { "id": "a1m", "kind": "mobile" } ] },
            { "id": "e1", "role": "estate_representative", "channels": [ { "id": "e1p", "kind": "postal" } ] }
        ],
        "history": [ { "at": format!("2026-01-05T10:00:00{offset}"), "type": "letter", "party": "borrower", "kind": "validation_notice" } ]
    })
}

const PACKS: &[(&str, &str, &str)] = &[
    ("cn-microloan", "Asia/Shanghai", "+08:00"),
    ("us-reg-f", "America/New_York", "-04:00"),
];

fn without_attorney(mut case: Value) -> Value {
    case["contacts"]
        .as_array_mut()
        .unwrap()
        .retain(|c| c["role"] != "attorney");
    case
}

#[test]
fn bankruptcy_suspends_everything_with_no_next_action() {
    for (pack, zone, off) in PACKS {
        let d = decide(pack, &m3_case(zone, off, &["bankruptcy"], &[]));
        assert_eq!(d["status"]["state"], "suspended", "{pack}");
        assert_eq!(d["queue"]["current"], "suspended", "{pack}");
        assert_eq!(d["next_action"], Value::Null, "{pack}");
        for a in d["actions"].as_array().unwrap() {
            assert_eq!(a["allowed"], false, "{pack}: {a}");
            assert_eq!(
                a["next_allowed_at"],
                Value::Null,
                "{pack}: bankruptcy never ends within the inputs: {a}"
            );
        }
    }
}

#[test]
fn deceased_routes_to_the_estate_and_never_contacts_the_borrower() {
    for (pack, zone, off) in PACKS {
        let d = decide(
            pack,
            &without_attorney(m3_case(zone, off, &["deceased"], &[])),
        );
        assert_eq!(d["status"]["state"], "estate", "{pack}");
        assert_eq!(d["queue"]["current"], "estate", "{pack}");
        assert_eq!(
            d["next_action"]["party"], "e1",
            "{pack}: the estate representative is contacted first"
        );
        for a in d["actions"].as_array().unwrap() {
            if a["party"] == "borrower"
                && !["write_off_review", "credit_report"].contains(&a["action"].as_str().unwrap())
            {
                assert_eq!(a["allowed"], false, "{pack}: {a}");
            }
        }
    }
}

#[test]
fn attorney_representation_means_only_the_attorney_is_contacted() {
    for (pack, zone, off) in PACKS {
        let d = decide(pack, &m3_case(zone, off, &[], &[]));
        assert_eq!(d["status"]["state"], "attorney_only", "{pack}");
        let na = &d["next_action"];
        assert_eq!(na["party"], "a1", "{pack}: {na}");
        for a in d["actions"].as_array().unwrap() {
            if a["party"] != "a1"
                && a["action"] != "credit_report"
                && a["action"] != "write_off_review"
            {
                assert_eq!(a["allowed"], false, "{pack}: {a}");
            }
        }
    }
}

#[test]
fn cease_communication_blocks_every_contact() {
    for (pack, zone, off) in PACKS {
        let d = decide(
            pack,
            &without_attorney(m3_case(zone, off, &["cease_communication"], &[])),
        );
        assert_eq!(d["status"]["state"], "ceased", "{pack}");
        for a in d["actions"].as_array().unwrap() {
            if [
                "call",
                "sms",
                "email",
                "video_call",
                "visit",
                "demand_letter",
                "repayment_plan_offer",
            ]
            .contains(&a["action"].as_str().unwrap())
            {
                assert_eq!(a["allowed"], false, "{pack}: {a}");
            }
        }
        if !d["next_action"].is_null() {
            assert!(
                // Besides internal actions, only the two notices a cease request leaves open
                // (Regulation F 1006.6(c)(2)).
                [
                    "credit_report",
                    "write_off_review",
                    "termination_notice",
                    "remedy_notice"
                ]
                .contains(&d["next_action"]["action"].as_str().unwrap()),
                "{pack}: {}",
                d["next_action"]
            );
        }
    }
}

#[test]
fn an_unverified_dispute_suspends_collection() {
    for (pack, zone, off) in PACKS {
        let d = decide(
            pack,
            &without_attorney(m3_case(zone, off, &["dispute_open"], &[])),
        );
        assert_eq!(d["status"]["state"], "dispute_hold", "{pack}");
        for a in d["actions"].as_array().unwrap() {
            if a["party"] == "borrower"
                && [
                    "call",
                    "sms",
                    "email",
                    "visit",
                    "demand_letter",
                    "video_call",
                ]
                .contains(&a["action"].as_str().unwrap())
            {
                assert_eq!(a["allowed"], false, "{pack}: {a}");
                assert!(a["blocked_by"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|b| b["rule"].as_str().unwrap().ends_with("status.dispute")));
            }
        }
    }
}

#[test]
fn time_barred_debt_gets_no_legal_referral_and_no_lawyer_letter() {
    for (pack, zone, off) in PACKS {
        let mut case = without_attorney(m3_case(zone, off, &[], &["time_barred"]));
        case["account"]["installments"][0]["due"] = json!("2025-11-01"); // M4-M6: the legal steps
        let d = decide(pack, &case);
        assert_eq!(d["status"]["state"], "time_barred", "{pack}");
        let legal: Vec<&Value> = d["actions"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["action"] == "legal_referral" || a["action"] == "lawyer_letter")
            .collect();
        assert!(!legal.is_empty(), "{pack}: the stage names legal steps");
        for a in legal {
            assert_eq!(a["allowed"], false, "{pack}: {a}");
            assert_eq!(a["next_allowed_at"], Value::Null, "{pack}: {a}");
        }
        assert_ne!(d["next_action"]["action"], "legal_referral", "{pack}");
    }
}

#[test]
fn spring_festival_2026_02_16_blocks_the_borrower_call_until_02_24_0900() {
    let case = json!({
        "as_of": "2026-02-16T10:00:00+08:00",
        "account": { "id": "SF", "currency": "CNY", "book_time_zone": "Asia/Shanghai",
                     "installments": [ { "due": "2026-01-20", "amount": 120000 } ] },
        "borrower": { "time_zones": ["Asia/Shanghai"], "channels": [ { "id": "m1", "kind": "mobile" } ] }
    });
    let d = decide("cn-microloan", &case);
    let call = d["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["action"] == "call" && a["party"] == "borrower")
        .expect("a borrower call");
    assert_eq!(call["allowed"], false);
    assert_eq!(
        call["next_allowed_at"], "2026-02-24T09:00:00+08:00",
        "春节 2026-02-15..02-23; 02-24 is the first working day"
    );
    assert_eq!(call["blocked_by"][0]["rule"], "cn.strategy.hours");
}
