//! The policy states what a regulation decides; the engine assumes none of it. A test policy
//! unlike both built-in packs (a consent a conversation does not end, a cap over the whole
//! debtor, lost contact spread over three days, an obligation as a prerequisite, an opt-out by
//! medium) changes the decisions exactly as its document says.

use arrears_core::Engine;
use serde_json::{json, Value};

/// A small full policy document; `edit` changes it before loading.
fn policy(edit: impl FnOnce(&mut Value)) -> Engine {
    let mut doc = json!({
        "id": "test-model", "version": "1", "title": "test",
        "delinquency": { "cite": "test" },
        "stages": [ { "id": "current", "rule": "t.stage.current", "label": "current", "min_dpd": 0, "max_dpd": 0, "queue": "q", "cite": "t" },
                    { "id": "late", "rule": "t.stage.late", "label": "late", "min_dpd": 1, "queue": "q", "cite": "t" } ],
        "actions": [
            { "id": "call", "label": "call", "channels": ["mobile", "home_phone"], "tags": ["phone"], "medium": "call" },
            { "id": "sms", "label": "sms", "channels": ["mobile"], "tags": ["message"], "medium": "text" },
            { "id": "notice", "label": "notice", "channels": ["postal"], "tags": ["letter"] }
        ],
        "contact": {
            "lost_contact": { "failed_attempts": 3, "cite": "t" },
            "consent_days": 7,
            "consent": { "default_scope": ["frequency"], "cite": "t" },
            "promises": { "horizon_days": 3, "cite": "t" }
        },
        "rules": [
            { "id": "t.conversation", "cite": "t", "applies_to": { "tags": ["phone"] },
              "cap": { "counts": "conversation", "exclude": ["under_consent"], "scope": "party", "period": { "days": 7 }, "limit": 1 } },
            { "id": "t.reference.lost_contact_only", "cite": "t", "applies_to": { "parties": ["reference"] }, "require": "lost_contact" },
            { "id": "t.opt_out", "cite": "t", "applies_to": { "actions": ["call", "sms"] }, "forbid_when": "opted_out_medium" }
        ],
        "strategy": [
            { "id": "t.call", "cite": "t", "action": "call", "parties": ["borrower", "co_borrower", "reference"] },
            { "id": "t.sms", "cite": "t", "action": "sms", "parties": ["borrower"] }
        ],
        "queues": [ { "id": "q", "label": "q" } ]
    });
    edit(&mut doc);
    Engine::from_reference(&doc.to_string()).expect("the test policy loads")
}

fn case(history: Value) -> String {
    json!({
        "as_of": "2026-06-05T12:00:00+00:00",
        "account": { "id": "T", "currency": "USD", "book_time_zone": "UTC",
                     "installments": [ { "due": "2026-05-01", "amount": 1000 } ] },
        "borrower": { "time_zones": ["UTC"], "channels": [ { "id": "m1", "kind": "mobile" }, { "id": "h1", "kind": "home_phone" } ] },
        "contacts": [ { "id": "c1", "role": "co_borrower", "channels": [ { "id": "c1m", "kind": "mobile" } ] },
                      { "id": "r1", "role": "reference", "channels": [ { "id": "r1m", "kind": "mobile" } ] } ],
        "history": history
    })
    .to_string()
}

fn decide(engine: &Engine, case: &str) -> Value {
    serde_json::from_str(&engine.decide_json(case).expect("decides")).unwrap()
}

fn verdict<'a>(d: &'a Value, action: &str, party: &str, channel: &str) -> &'a Value {
    d["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["action"] == action && a["party"] == party && a["channel"] == channel)
        .unwrap_or_else(|| panic!("no {action} {party} {channel} in {d}"))
}

fn call(at: &str, party: &str, channel: &str, outcome: &str) -> Value {
    json!({ "at": at, "type": "call", "party": party, "channel": channel, "direction": "outbound", "outcome": outcome })
}

#[test]
fn consent_that_a_conversation_does_not_end_keeps_lifting_the_cap() {
    let history = json!([
        { "at": "2026-06-04T09:00:00+00:00", "type": "consent", "party": "borrower" },
        call("2026-06-04T10:00:00+00:00", "borrower", "m1", "connected"),
    ]);
    let ends = policy(|d| d["contact"]["consent"]["ends_on"] = json!(["conversation"]));
    let lasts = policy(|_| {});
    let c = case(history);
    assert_eq!(
        verdict(&decide(&ends, &c), "call", "borrower", "m1")["allowed"],
        false
    );
    assert_eq!(
        verdict(&decide(&lasts, &c), "call", "borrower", "m1")["allowed"],
        true
    );
}

#[test]
fn a_consent_scoped_to_time_does_not_lift_a_frequency_cap() {
    let history = json!([
        { "at": "2026-06-04T09:00:00+00:00", "type": "consent", "party": "borrower", "scope": ["time"] },
        call("2026-06-04T10:00:00+00:00", "borrower", "m1", "connected"),
    ]);
    let d = decide(&policy(|_| {}), &case(history));
    assert_eq!(verdict(&d, "call", "borrower", "m1")["allowed"], false);
}

#[test]
fn a_debtor_wide_cap_counts_calls_to_every_party_of_the_account() {
    let cap = |scope: &str| {
        let scope = scope.to_string();
        policy(move |d| {
            d["rules"].as_array_mut().unwrap().push(json!({
                "id": "t.two_a_day", "cite": "t", "applies_to": { "tags": ["phone"] },
                "cap": { "counts": "placed_call", "scope": scope, "period": { "days": 1 }, "limit": 2 } }));
        })
    };
    let c = case(json!([
        call("2026-06-05T09:00:00+00:00", "borrower", "m1", "no_answer"),
        call("2026-06-05T09:30:00+00:00", "c1", "c1m", "no_answer"),
    ]));
    let per_party = decide(&cap("party"), &c);
    let debtor = decide(&cap("debtor"), &c);
    assert_eq!(
        verdict(&per_party, "call", "borrower", "m1")["allowed"],
        true
    );
    assert_eq!(verdict(&debtor, "call", "borrower", "m1")["allowed"], false);
    assert_eq!(verdict(&debtor, "call", "c1", "c1m")["allowed"], false);
    assert_eq!(
        verdict(&debtor, "call", "borrower", "m1")["blocked_by"][0]["rule"],
        "t.two_a_day"
    );
}

#[test]
fn lost_contact_over_three_days_needs_failures_on_three_days() {
    let three_days = policy(|d| d["contact"]["lost_contact"]["distinct_days"] = json!(3));
    let two_days = case(json!([
        call("2026-06-03T09:00:00+00:00", "borrower", "m1", "no_answer"),
        call("2026-06-03T10:00:00+00:00", "borrower", "h1", "no_answer"),
        call("2026-06-04T09:00:00+00:00", "borrower", "m1", "busy"),
    ]));
    let three = case(json!([
        call("2026-06-03T09:00:00+00:00", "borrower", "m1", "no_answer"),
        call("2026-06-04T09:00:00+00:00", "borrower", "h1", "no_answer"),
        call("2026-06-05T09:00:00+00:00", "borrower", "m1", "busy"),
    ]));
    // One day is enough for a policy that does not ask for more.
    assert_eq!(
        verdict(&decide(&policy(|_| {}), &two_days), "call", "r1", "r1m")["allowed"],
        true
    );
    assert_eq!(
        verdict(&decide(&three_days, &two_days), "call", "r1", "r1m")["allowed"],
        false
    );
    assert_eq!(
        verdict(&decide(&three_days, &three), "call", "r1", "r1m")["allowed"],
        true
    );
}

#[test]
fn what_resets_lost_contact_is_the_policys_choice() {
    let history = json!([
        call("2026-06-03T09:00:00+00:00", "borrower", "m1", "no_answer"),
        call("2026-06-03T10:00:00+00:00", "borrower", "h1", "no_answer"),
        call("2026-06-03T11:00:00+00:00", "borrower", "m1", "busy"),
        { "at": "2026-06-04T09:00:00+00:00", "type": "sms", "party": "borrower", "channel": "m1", "direction": "inbound" },
    ]);
    let c = case(history);
    let calls_only = policy(|_| {});
    let messages_too = policy(|d| {
        d["contact"]["lost_contact"]["reset_by"] = json!(["connected_call", "inbound_message"])
    });
    assert_eq!(
        verdict(&decide(&calls_only, &c), "call", "r1", "r1m")["allowed"],
        true
    );
    assert_eq!(
        verdict(&decide(&messages_too, &c), "call", "r1", "r1m")["allowed"],
        false
    );
}

#[test]
fn an_opt_out_by_medium_covers_every_channel_of_it_and_only_it() {
    let c = case(json!([
        { "at": "2026-06-04T09:00:00+00:00", "type": "opt_out", "party": "borrower", "medium": "text" }
    ]));
    let d = decide(&policy(|_| {}), &c);
    assert_eq!(verdict(&d, "sms", "borrower", "m1")["allowed"], false);
    assert_eq!(verdict(&d, "call", "borrower", "m1")["allowed"], true);
    assert_eq!(verdict(&d, "call", "borrower", "h1")["allowed"], true);
}

#[test]
fn an_obligation_is_reported_and_can_be_a_prerequisite() {
    let engine = policy(|d| {
        d["obligations"] = json!([{
            "id": "t.notice", "cite": "t", "obligation": "notice", "parties": ["borrower"],
            "starts": { "types": ["call"], "outcomes": ["connected"] },
            "satisfied_by": { "types": ["letter"] },
            "due_days": 2
        }]);
        d["rules"].as_array_mut().unwrap().push(json!({
            "id": "t.notice_first", "cite": "t", "applies_to": { "actions": ["call"] },
            "forbid_when": { "obligation_overdue": "t.notice" } }));
    });
    let early = case(json!([call(
        "2026-06-04T10:00:00+00:00",
        "borrower",
        "m1",
        "connected"
    )]));
    let late = case(json!([call(
        "2026-06-01T10:00:00+00:00",
        "borrower",
        "m1",
        "connected"
    )]));
    let sent = case(json!([
        call("2026-06-01T10:00:00+00:00", "borrower", "m1", "connected"),
        { "at": "2026-06-02T10:00:00+00:00", "type": "letter", "party": "borrower", "kind": "reminder" }
    ]));
    let d = decide(&engine, &early);
    assert_eq!(d["obligations"][0]["obligation"], "notice");
    assert_eq!(d["obligations"][0]["due_by"], "2026-06-07T00:00:00+00:00");
    assert_eq!(d["obligations"][0]["overdue"], false);
    let d = decide(&engine, &late);
    assert_eq!(d["obligations"][0]["overdue"], true);
    assert_eq!(
        verdict(&d, "call", "c1", "c1m")["blocked_by"][0]["rule"],
        "t.notice_first"
    );
    let d = decide(&engine, &sent);
    assert_eq!(d["obligations"], json!([]));
    assert_eq!(verdict(&d, "call", "c1", "c1m")["allowed"], true);
}

#[test]
fn a_calendar_that_declares_its_years_warns_outside_them() {
    let engine = policy(|d| d["calendar"] = json!({ "years": [2025] }));
    let d = decide(&engine, &case(json!([])));
    assert_eq!(d["warnings"][0]["code"], "calendar_not_covered");
    let d = decide(
        &policy(|d| d["calendar"] = json!({ "years": [2026] })),
        &case(json!([])),
    );
    assert_eq!(d["warnings"], json!([]));
}

#[test]
fn a_case_outside_the_declared_market_is_decided_with_a_warning() {
    let market = |currencies: Value, zones: Value| {
        policy(move |d| d["market"] = json!({ "currencies": currencies, "time_zones": zones }))
    };
    // No market declared: no warning, whatever the case.
    assert_eq!(
        decide(&policy(|_| {}), &case(json!([])))["warnings"],
        json!([])
    );
    let fits = decide(&market(json!(["USD"]), json!(["UTC"])), &case(json!([])));
    assert_eq!(fits["warnings"], json!([]));

    let d = decide(
        &market(json!(["CNY"]), json!(["Asia/Shanghai"])),
        &case(json!([])),
    );
    assert_eq!(d["warnings"][0]["code"], "market_mismatch");
    let message = d["warnings"][0]["message"].as_str().unwrap();
    for part in [
        "currency USD",
        "book time zone UTC",
        "borrower time zone UTC",
        "currencies: CNY",
        "time zones: Asia/Shanghai",
    ] {
        assert!(message.contains(part), "{message} lacks {part}");
    }
    // Only a borrower zone outside: the warning names that zone alone, and the verdicts are
    // those the policy gives without a market.
    let travelling = case(json!([])).replace(
        "\"time_zones\":[\"UTC\"]",
        "\"time_zones\":[\"UTC\",\"Asia/Tokyo\"]",
    );
    assert!(travelling.contains("Asia/Tokyo"));
    let d = decide(&market(json!(["USD"]), json!(["UTC"])), &travelling);
    let message = d["warnings"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("borrower time zone Asia/Tokyo"),
        "{message}"
    );
    assert!(!message.contains("currency USD"), "{message}");
    let plain = decide(&policy(|_| {}), &travelling);
    assert_eq!(d["actions"], plain["actions"]);
}

#[test]
fn a_market_must_name_valid_currencies_and_zones() {
    for (market, path) in [
        (
            json!({ "currencies": [], "time_zones": ["UTC"] }),
            "market.currencies",
        ),
        (
            json!({ "currencies": ["usd"], "time_zones": ["UTC"] }),
            "market.currencies[0]",
        ),
        (
            json!({ "currencies": ["USD", "USD"], "time_zones": ["UTC"] }),
            "market.currencies[1]",
        ),
        (
            json!({ "currencies": ["USD"], "time_zones": [] }),
            "market.time_zones",
        ),
        (
            json!({ "currencies": ["USD"], "time_zones": ["UTC", "UTC"] }),
            "market.time_zones[1]",
        ),
    ] {
        let mut doc: Value = serde_json::from_str(
            &arrears_core::Policy::builtin("us-reg-f")
                .map(|p| serde_json::to_string(p.document()).unwrap())
                .unwrap(),
        )
        .unwrap();
        doc["market"] = market.clone();
        let err = Engine::from_reference(&doc.to_string()).expect_err("refused");
        assert_eq!(err.path, path, "{market}: {}", err.message);
    }
}

#[test]
fn amounts_beyond_two_to_the_53_are_out_of_range() {
    let text = case(json!([])).replace("\"amount\":1000", "\"amount\":9007199254740992");
    let err = policy(|_| {}).decide_json(&text).unwrap_err();
    assert_eq!(err.code.to_string(), "out_of_range");
    assert_eq!(err.path, "account.installments[0].amount");
}
