//! Generic rule vocabulary any policy may use: a rule's `unless` exception (a window that the
//! person's consent lifts, or that binds only below a number of days past due), an obligation
//! started by an account-level event, and letters that count only when sent before the due date.
//! The policy here belongs to no jurisdiction: it exercises the vocabulary alone.

use arrears_core::{ffi, Policy};
use serde_json::{json, Value};

fn policy(rules: Value) -> String {
    json!({
        "id": "generic-test", "version": "1", "title": "vocabulary test",
        "delinquency": { "cite": "test" },
        "stages": [
            { "id": "current", "rule": "s.current", "label": "current", "min_dpd": 0, "max_dpd": 0, "queue": "q", "cite": "test" },
            { "id": "late", "rule": "s.late", "label": "late", "min_dpd": 1, "queue": "q", "cite": "test" }
        ],
        "actions": [
            { "id": "call", "label": "call", "channels": ["mobile"], "tags": ["contact", "collection", "timed"] },
            { "id": "agent_call", "label": "agent call", "channels": ["mobile"], "tags": ["contact", "collection", "timed", "agent"] }
        ],
        "contact": { "lost_contact": { "failed_attempts": 3, "cite": "test" }, "consent_days": 1,
                     "consent": { "default_scope": ["time"], "cite": "test" },
                     "promises": { "horizon_days": 3, "cite": "test" } },
        "rules": rules,
        "strategy": [
            { "id": "step.call", "cite": "test", "stages": ["late"], "action": "call", "parties": ["borrower"] },
            { "id": "step.agent", "cite": "test", "stages": ["late"], "action": "agent_call", "parties": ["borrower"] }
        ],
        "queues": [ { "id": "q", "label": "q" } ]
    })
    .to_string()
}

/// A case due on 2026-03-01 in Jakarta, decided at `as_of`, with `history`.
fn case(as_of: &str, history: Value) -> String {
    json!({
        "as_of": as_of,
        "account": { "id": "A", "currency": "IDR", "book_time_zone": "Asia/Jakarta",
                     "installments": [ { "due": "2026-03-01", "amount": 100000 } ] },
        "borrower": { "time_zones": ["Asia/Jakarta"], "channels": [ { "id": "m1", "kind": "mobile" } ] },
        "history": history
    })
    .to_string()
}

fn decide(policy: &str, case: &str) -> Value {
    let out = ffi::decide(policy, case).unwrap_or_else(|e| panic!("{e}"));
    serde_json::from_str(&out).unwrap()
}

fn verdict<'a>(d: &'a Value, action: &str) -> &'a Value {
    d["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["action"] == action)
        .unwrap_or_else(|| panic!("no {action} in {d}"))
}

fn blocked_by(v: &Value) -> Vec<&str> {
    v["blocked_by"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["rule"].as_str().unwrap())
        .collect()
}

fn hours_unless(cond: Value) -> Value {
    json!([ { "id": "hours", "cite": "test", "applies_to": { "tags": ["timed"] },
              "window": { "slots": [ { "days": ["any"], "from": "08:00", "to": "20:00" } ] },
              "unless": cond } ])
}

#[test]
fn consent_lifts_a_window_for_as_long_as_it_lasts() {
    // A consent alone, or a consent among other exceptions.
    for p in [
        policy(hours_unless(json!({ "consented": "time" }))),
        policy(hours_unless(
            json!({ "any": [ { "dpd_at_least": 400 }, { "consented": "time" } ] }),
        )),
    ] {
        consent_lifts_the_hours_window(&p);
    }
}

fn consent_lifts_the_hours_window(p: &str) {
    // 21:00 without consent: blocked until 08:00 the next morning.
    let d = decide(p, &case("2026-03-10T21:00:00+07:00", json!([])));
    let call = verdict(&d, "call");
    assert_eq!(call["allowed"], false);
    assert_eq!(blocked_by(call), ["hours"]);
    assert_eq!(call["next_allowed_at"], "2026-03-11T08:00:00+07:00");
    // The borrower consented that morning: consent (one local day here) lifts the window until
    // midnight, and the window holds again from then until 08:00.
    let consent = json!([ { "at": "2026-03-10T09:00:00+07:00", "type": "consent", "party": "borrower", "channel": "m1" } ]);
    let d = decide(p, &case("2026-03-10T21:00:00+07:00", consent.clone()));
    let call = verdict(&d, "call");
    assert_eq!(call["allowed"], true, "{call}");
    assert_eq!(call["allowed_until"], "2026-03-11T00:00:00+07:00");
    // The next day the consent is spent.
    let d = decide(p, &case("2026-03-11T21:00:00+07:00", consent));
    assert_eq!(verdict(&d, "call")["allowed"], false);
}

#[test]
fn an_account_level_event_starts_an_obligation_owed_to_the_borrower() {
    let rules = json!([ { "id": "agent_first", "cite": "test", "applies_to": { "tags": ["agent"] },
                          "forbid_when": { "obligation_open": "agent.details" } } ]);
    let mut p: Value = serde_json::from_str(&policy(rules)).unwrap();
    p["obligations"] = json!([ { "id": "agent.details", "cite": "test", "obligation": "agent_details",
        "parties": ["borrower"], "starts": { "types": ["agency_placed"] },
        "satisfied_by": { "types": ["letter"], "letters": ["agent_details"] }, "due_days": 0 } ]);
    let p = p.to_string();
    // No placement: nothing is owed and nothing waits.
    let d = decide(&p, &case("2026-03-10T10:00:00+07:00", json!([])));
    assert_eq!(d["obligations"], json!([]));
    assert_eq!(verdict(&d, "agent_call")["allowed"], true);
    // A placement (an event of no party) opens it for the borrower, due that day, and the agent
    // waits for it.
    let placed = json!({ "at": "2026-03-09T10:00:00+07:00", "type": "agency_placed" });
    let d = decide(
        &p,
        &case("2026-03-10T10:00:00+07:00", json!([placed.clone()])),
    );
    assert_eq!(d["obligations"][0]["party"], "borrower");
    assert_eq!(d["obligations"][0]["due_by"], "2026-03-10T00:00:00+07:00");
    assert_eq!(d["obligations"][0]["overdue"], true);
    assert_eq!(blocked_by(verdict(&d, "agent_call")), ["agent_first"]);
    assert_eq!(verdict(&d, "call")["allowed"], true);
    // The particulars sent: satisfied, the agent may call.
    let sent = json!({ "at": "2026-03-10T09:00:00+07:00", "type": "letter", "party": "borrower", "kind": "agent_details" });
    let d = decide(
        &p,
        &case("2026-03-10T10:00:00+07:00", json!([placed, sent])),
    );
    assert_eq!(d["obligations"], json!([]));
    assert_eq!(verdict(&d, "agent_call")["allowed"], true);
}

#[test]
fn a_window_that_binds_only_below_a_dpd_threshold_lifts_at_local_midnight_of_that_day() {
    let p = policy(hours_unless(json!({ "dpd_at_least": 16 })));
    // Due 03-01: 03-16 is DPD 15, 03-17 DPD 16.
    let d = decide(&p, &case("2026-03-16T23:00:00+07:00", json!([])));
    assert_eq!(d["delinquency"]["days_past_due"], 15);
    let call = verdict(&d, "call");
    assert_eq!(call["allowed"], false);
    assert_eq!(call["next_allowed_at"], "2026-03-17T00:00:00+07:00");
    let d = decide(&p, &case("2026-03-17T23:00:00+07:00", json!([])));
    assert_eq!(d["delinquency"]["days_past_due"], 16);
    assert_eq!(verdict(&d, "call")["allowed"], true);
    // An exception that holds for good lets the rule through for good.
    let p = policy(hours_unless(json!("always")));
    let d = decide(&p, &case("2026-03-16T23:00:00+07:00", json!([])));
    assert_eq!(verdict(&d, "call")["allowed"], true);
}

#[test]
fn a_prerequisite_letter_counts_only_when_sent_before_the_due_date() {
    let rules = json!([ { "id": "reminded", "cite": "test", "applies_to": { "tags": ["collection"] },
                          "require": { "letter_sent": { "kind": "reminder", "before_due": true } } } ]);
    let p = policy(rules);
    let letter = |at: &str| json!([ { "at": at, "type": "letter", "party": "borrower", "kind": "reminder" } ]);
    // Sent on the due date itself: counts.
    let d = decide(
        &p,
        &case(
            "2026-03-05T10:00:00+07:00",
            letter("2026-03-01T09:00:00+07:00"),
        ),
    );
    assert_eq!(verdict(&d, "call")["allowed"], true);
    // Sent the day after: too late, and no later event can cure it.
    let d = decide(
        &p,
        &case(
            "2026-03-05T10:00:00+07:00",
            letter("2026-03-02T09:00:00+07:00"),
        ),
    );
    let call = verdict(&d, "call");
    assert_eq!(call["allowed"], false);
    assert_eq!(blocked_by(call), ["reminded"]);
    assert_eq!(call["next_allowed_at"], Value::Null);
}

#[test]
fn agent_details_are_a_letter_kind_an_agent_action_can_require() {
    let rules = json!([ { "id": "agent.details_first", "cite": "test", "applies_to": { "tags": ["agent"] },
                          "require": { "letter_sent": { "kind": "agent_details" } } } ]);
    let p = policy(rules);
    let d = decide(&p, &case("2026-03-05T10:00:00+07:00", json!([])));
    assert_eq!(verdict(&d, "agent_call")["allowed"], false);
    assert_eq!(
        verdict(&d, "call")["allowed"],
        true,
        "only agent actions need it"
    );
    let sent = json!([ { "at": "2026-03-04T10:00:00+07:00", "type": "letter", "party": "borrower", "channel": "m1", "kind": "agent_details" } ]);
    let d = decide(&p, &case("2026-03-05T10:00:00+07:00", sent));
    assert_eq!(verdict(&d, "agent_call")["allowed"], true);
}

#[test]
fn an_exception_is_checked_like_any_condition_and_an_obligation_takes_none() {
    let bad_stage = policy(hours_unless(json!({ "stage": ["nowhere"] })));
    let err = Policy::from_json(&bad_stage).unwrap_err();
    assert!(err.path.starts_with("rules[0].unless"), "{}", err.path);
    let obligation = policy(
        json!([ { "id": "o", "cite": "test", "obligation": "be polite", "unless": "always" } ]),
    );
    let err = Policy::from_json(&obligation).unwrap_err();
    assert!(err.message.contains("no exception"), "{}", err.message);
}

#[test]
fn a_reminder_before_the_due_date_may_be_a_letter_a_text_or_an_email() {
    let rules = json!([ { "id": "reminded", "cite": "test", "applies_to": { "tags": ["collection"] },
                          "require": "reminded_before_due" } ]);
    let p = policy(rules);
    let event = |kind: &str, at: &str, direction: &str| json!([ { "at": at, "type": kind, "party": "borrower", "channel": "m1", "direction": direction } ]);
    let call = |history: Value| {
        let d = decide(&p, &case("2026-03-05T10:00:00+07:00", history));
        verdict(&d, "call")["allowed"].clone()
    };
    assert_eq!(call(json!([])), false);
    assert_eq!(
        call(event("sms", "2026-02-28T09:00:00+07:00", "outbound")),
        true
    );
    assert_eq!(
        call(event("sms", "2026-03-01T23:00:00+07:00", "outbound")),
        true,
        "on the due date"
    );
    assert_eq!(
        call(event("sms", "2026-03-02T09:00:00+07:00", "outbound")),
        false,
        "after it"
    );
    assert_eq!(
        call(event("sms", "2026-02-28T09:00:00+07:00", "inbound")),
        false,
        "the borrower wrote"
    );
    assert_eq!(
        call(
            json!([ { "at": "2026-02-27T09:00:00+07:00", "type": "letter", "party": "borrower", "kind": "reminder" } ])
        ),
        true
    );
}
