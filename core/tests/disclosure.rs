//! Under every built-in pack, a third party who is not part of the debt never learns that the
//! debt exists, whatever the stage, status, history or strategy. Where a regulation counts a
//! relative as the consumer (Regulation F: a spouse or a guardian, 1006.6(a)), that person is told
//! only once their identity is verified.

use arrears_core::{ffi, policy::packs};
use proptest::prelude::*;
use serde_json::json;

const ROLES: &[&str] = &[
    "spouse",
    "parent",
    "guardian",
    "guarantor",
    "co_borrower",
    "reference",
    "employer",
    "attorney",
    "estate_representative",
    "other",
];
/// Roles that are third parties unless marked `debt_related`.
const THIRD_PARTY_ROLES: &[&str] = &[
    "spouse",
    "parent",
    "guardian",
    "reference",
    "employer",
    "other",
];
const REVEALING: &[&str] = &[
    "creditor",
    "debt_existence",
    "amount_due",
    "days_past_due",
    "payment_options",
    "consequences",
    "legal_status",
];
const FLAGS: &[&str] = &[
    "deceased",
    "bankruptcy",
    "dispute_open",
    "cease_communication",
    "attorney_represented",
    "vulnerable",
    "hardship",
    "fraud_suspected",
    "complaint_open",
    "workplace_contact_prohibited",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    #[test]
    fn no_third_party_outside_the_debt_is_told_of_it(
        pack in 0usize..2,
        dpd in 0i64..400,
        contacts in proptest::collection::vec((0usize..10, any::<bool>(), any::<bool>(), any::<bool>()), 0..6),
        flags in proptest::collection::vec(any::<bool>(), 10),
        lost in any::<bool>(),
    ) {
        let as_of = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Duration::days(dpd);
        let contacts: Vec<_> = contacts.iter().enumerate().map(|(i, (role, debt_related, objected, verified))| json!({
            "id": format!("c{i}"), "role": ROLES[*role], "debt_related": debt_related,
            "objected": objected, "verified": verified,
            "channels": [ { "id": format!("c{i}m"), "kind": "mobile" } ]
        })).collect();
        let mut borrower_flags = serde_json::Map::new();
        for (f, on) in FLAGS.iter().zip(&flags) {
            borrower_flags.insert(f.to_string(), json!(on));
        }
        let history: Vec<_> = if lost {
            (1..=3).map(|h| json!({ "at": format!("{as_of}T0{h}:00:00+00:00"), "type": "call", "party": "borrower",
                                      "channel": "m1", "direction": "outbound", "outcome": "no_answer" })).collect()
        } else { vec![] };
        let case = json!({
            "as_of": format!("{as_of}T12:00:00+00:00"),
            "account": { "id": "P", "currency": "USD", "book_time_zone": "UTC",
                         "installments": [ { "due": "2026-01-01", "amount": 5000 } ] },
            "borrower": { "time_zones": ["UTC"], "channels": [ { "id": "m1", "kind": "mobile" } ], "flags": borrower_flags },
            "contacts": contacts,
            "history": history,
        });
        let out = ffi::decide(packs::IDS[pack], &case.to_string()).expect("a valid case");
        let d: serde_json::Value = serde_json::from_str(&out).unwrap();
        for (i, c) in case["contacts"].as_array().unwrap().iter().enumerate() {
            let role = c["role"].as_str().unwrap();
            if !THIRD_PARTY_ROLES.contains(&role) || c["debt_related"].as_bool().unwrap() {
                continue;
            }
            // The us-reg-f pack: a verified spouse or guardian is the consumer.
            if pack == 1 && ["spouse", "guardian"].contains(&role) && c["verified"].as_bool().unwrap() {
                continue;
            }
            let id = format!("c{i}");
            let row = d["disclosures"].as_array().unwrap().iter().find(|r| r["party"] == id.as_str())
                .expect("every contact has a disclosure row");
            for cat in row["may_disclose"].as_array().unwrap() {
                prop_assert!(!REVEALING.contains(&cat.as_str().unwrap()),
                    "{}: {role} {id} may be told {cat}", packs::IDS[pack]);
            }
            prop_assert_eq!(&row["verified_identity_required"], &json!(false));
        }
        for party in ["voicemail", "postal_envelope"] {
            let row = d["disclosures"].as_array().unwrap().iter().find(|r| r["party"] == party).unwrap();
            for cat in row["may_disclose"].as_array().unwrap() {
                prop_assert!(!REVEALING.contains(&cat.as_str().unwrap()), "{party} may carry {cat}");
            }
        }
    }
}
