//! `us-reg-f` against the worked examples of 12 CFR part 1006, Supplement I (official
//! interpretations). Each test is named after the comment it follows.

use arrears_core::ffi;
use serde_json::{json, Value};

/// A consumer 45 days past due (M2), with a validation notice already mailed, on the phones given.
fn consumer(as_of: &str, zones: &[&str], history: Vec<Value>) -> Value {
    let mut h = vec![
        json!({ "at": "2026-05-01T10:00:00-04:00", "type": "letter", "party": "borrower", "kind": "validation_notice" }),
    ];
    h.extend(history);
    json!({
        "as_of": as_of,
        "account": { "id": "R", "currency": "USD", "book_time_zone": zones[0],
                     "installments": [ { "due": "2026-05-01", "amount": 90000 } ] },
        "borrower": { "time_zones": zones, "channels": [ { "id": "m1", "kind": "mobile" }, { "id": "h1", "kind": "home_phone" } ] },
        "history": h
    })
}

fn call(at: &str, outcome: &str) -> Value {
    json!({ "at": at, "type": "call", "party": "borrower", "channel": "m1", "direction": "outbound", "outcome": outcome })
}

fn borrower_call(case: &Value) -> Value {
    let out = ffi::decide("us-reg-f", &case.to_string()).expect("a valid case");
    let d: Value = serde_json::from_str(&out).unwrap();
    d["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["action"] == "call" && a["channel"] == "m1")
        .unwrap()
        .clone()
}

fn rules(a: &Value) -> Vec<String> {
    a["blocked_by"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["rule"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn comment_6b1i_2_eastern_mobile_and_pacific_address_1030_eastern_waits_until_1100_eastern() {
    // Comment 6(b)(1)(i)-2: a consumer's mobile number has an Eastern area code and the
    // consumer's address is Pacific. Absent contrary knowledge, convenient times are those
    // convenient in both zones: 8 a.m. to 9 p.m. Pacific and Eastern overlap from 11 a.m. to
    // 9 p.m. Eastern. A call at 10:30 Eastern (7:30 Pacific) is inconvenient.
    let case = consumer(
        "2026-06-10T10:30:00-04:00",
        &["America/New_York", "America/Los_Angeles"],
        vec![],
    );
    let a = borrower_call(&case);
    assert_eq!(
        a["allowed"], false,
        "comment 6(b)(1)(i)-2: 10:30 Eastern is 7:30 Pacific"
    );
    assert_eq!(
        a["next_allowed_at"], "2026-06-10T11:00:00-04:00",
        "comment 6(b)(1)(i)-2: 11 a.m. Eastern is 8 a.m. Pacific"
    );
    assert_eq!(rules(&a), ["us.regf.1006.6b1i.convenient_hours"]);
    // ...and the overlap ends at 9 p.m. Eastern.
    let case = consumer(
        "2026-06-10T15:00:00-04:00",
        &["America/New_York", "America/Los_Angeles"],
        vec![],
    );
    assert_eq!(
        borrower_call(&case)["allowed_until"],
        "2026-06-10T21:00:00-04:00",
        "comment 6(b)(1)(i)-2"
    );
}

#[test]
fn section_6b1i_before_8_and_after_9_local_time_are_inconvenient() {
    // 1006.6(b)(1)(i): before 8:00 a.m. and after 9:00 p.m. local time at the consumer's location.
    let early = borrower_call(&consumer(
        "2026-06-10T07:59:00-07:00",
        &["America/Los_Angeles"],
        vec![],
    ));
    assert_eq!(
        early["next_allowed_at"], "2026-06-10T08:00:00-07:00",
        "1006.6(b)(1)(i)"
    );
    let late = borrower_call(&consumer(
        "2026-06-10T21:00:00-07:00",
        &["America/Los_Angeles"],
        vec![],
    ));
    assert_eq!(
        late["allowed"], false,
        "1006.6(b)(1)(i): 9:00 p.m. itself is after the window"
    );
    assert_eq!(late["next_allowed_at"], "2026-06-11T08:00:00-07:00");
}

#[test]
fn comment_14b2i_seven_calls_in_seven_consecutive_days_block_the_eighth_until_day_eight() {
    // 1006.14(b)(2)(i)(A) and its illustration: a collector that places seven calls to a person
    // within seven consecutive days (here one a day, Monday June 1 through Sunday June 7) may not
    // place an eighth until the seven-day period has passed: Monday June 8.
    let calls = (1..=7)
        .map(|d| call(&format!("2026-06-{d:02}T10:00:00-04:00"), "no_answer"))
        .collect();
    let a = borrower_call(&consumer(
        "2026-06-07T15:00:00-04:00",
        &["America/New_York"],
        calls,
    ));
    assert_eq!(
        a["allowed"], false,
        "comment 14(b)(2)(i): the eighth call within seven days"
    );
    assert_eq!(rules(&a), ["us.regf.1006.14b2i.seven_calls_in_seven_days"]);
    assert_eq!(
        a["next_allowed_at"], "2026-06-08T08:00:00-04:00",
        "comment 14(b)(2)(i): day eight"
    );
    // Six calls leave room for a seventh.
    let calls = (2..=7)
        .map(|d| call(&format!("2026-06-{d:02}T10:00:00-04:00"), "no_answer"))
        .collect();
    assert_eq!(
        borrower_call(&consumer(
            "2026-06-07T15:00:00-04:00",
            &["America/New_York"],
            calls
        ))["allowed"],
        true
    );
}

#[test]
fn comment_14b2i_seven_calls_on_one_day_block_until_the_seventh_day_after() {
    // Seven calls placed on Monday June 1 count for the seven consecutive days June 1-7: no call
    // until Monday June 8, whatever numbers are used (the limit is per person, all numbers).
    let calls: Vec<Value> = (0..7)
        .map(|i| {
            let mut c = call(&format!("2026-06-01T{:02}:00:00-04:00", 9 + i), "voicemail");
            if i % 2 == 1 {
                c["channel"] = json!("h1");
            }
            c
        })
        .collect();
    let a = borrower_call(&consumer(
        "2026-06-04T12:00:00-04:00",
        &["America/New_York"],
        calls,
    ));
    assert_eq!(a["allowed"], false, "comment 14(b)(2)(i)");
    assert_eq!(a["next_allowed_at"], "2026-06-08T08:00:00-04:00");
}

#[test]
fn comment_14b2i_b_after_a_conversation_no_call_for_seven_days_the_conversation_day_being_day_one()
{
    // 1006.14(b)(2)(i)(B): within seven consecutive days after a telephone conversation, the date
    // of the conversation being the first day. A conversation on Monday June 1 bars calls through
    // Sunday June 7; the next call may be placed on Monday June 8.
    let history = vec![call("2026-06-01T10:00:00-04:00", "connected")];
    let a = borrower_call(&consumer(
        "2026-06-05T12:00:00-04:00",
        &["America/New_York"],
        history.clone(),
    ));
    assert_eq!(a["allowed"], false, "comment 14(b)(2)(i)(B)");
    assert_eq!(rules(&a), ["us.regf.1006.14b2i.after_conversation"]);
    assert_eq!(
        a["next_allowed_at"], "2026-06-08T08:00:00-04:00",
        "comment 14(b)(2)(i)(B): day eight"
    );
    // A conversation the consumer started counts too.
    let mut inbound = history;
    inbound[0]["direction"] = json!("inbound");
    assert_eq!(
        borrower_call(&consumer(
            "2026-06-05T12:00:00-04:00",
            &["America/New_York"],
            inbound
        ))["allowed"],
        false
    );
}

#[test]
fn comment_14b3_calls_not_connected_to_the_dialed_number_do_not_count() {
    // 1006.14(b)(3)(ii): a call that does not connect to the dialed number (a busy signal, a
    // number not in service) is not counted. Seven busy signals leave calls allowed.
    let calls = (1..=7)
        .map(|d| call(&format!("2026-06-{d:02}T10:00:00-04:00"), "busy"))
        .collect();
    let a = borrower_call(&consumer(
        "2026-06-07T15:00:00-04:00",
        &["America/New_York"],
        calls,
    ));
    assert_eq!(
        a["allowed"], true,
        "comment 14(b)(3): busy signals are not placed calls that count"
    );
}

#[test]
fn comment_14b3_calls_within_seven_days_of_direct_prior_consent_do_not_count() {
    // 1006.14(b)(3)(i): calls placed with the person's direct prior consent given within the past
    // seven days do not count. After consent on June 1, seven calls June 1-5 leave the collector
    // free to call again while the consent lasts.
    let mut history =
        vec![json!({ "at": "2026-06-01T09:00:00-04:00", "type": "consent", "party": "borrower" })];
    history.extend((1..=5).flat_map(|d| {
        [
            call(&format!("2026-06-{d:02}T10:00:00-04:00"), "no_answer"),
            call(&format!("2026-06-{d:02}T11:00:00-04:00"), "no_answer"),
        ]
    }));
    let a = borrower_call(&consumer(
        "2026-06-05T15:00:00-04:00",
        &["America/New_York"],
        history.clone(),
    ));
    assert_eq!(
        a["allowed"], true,
        "comment 14(b)(3)(i): calls under consent do not count"
    );
    // The consent lapses after seven days: June 8 09:00. From then the ten calls of June 1-5 count
    // again until they leave the seven-day window.
    let a = borrower_call(&consumer(
        "2026-06-08T10:00:00-04:00",
        &["America/New_York"],
        history,
    ));
    assert_eq!(
        a["allowed"], true,
        "the calls placed under consent never count, even after it lapses"
    );
}

#[test]
fn section_14b2_counts_calls_per_person_across_every_number() {
    // 1006.14(b)(2)(i): the frequency is per person, whatever number is dialled.
    let calls: Vec<Value> = (1..=7)
        .map(|d| {
            let mut c = call(&format!("2026-06-{d:02}T10:00:00-04:00"), "no_answer");
            c["channel"] = json!(if d % 2 == 0 { "m1" } else { "h1" });
            c
        })
        .collect();
    let case = consumer("2026-06-07T15:00:00-04:00", &["America/New_York"], calls);
    let out: Value =
        serde_json::from_str(&ffi::decide("us-reg-f", &case.to_string()).unwrap()).unwrap();
    for a in out["actions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["action"] == "call" && a["party"] == "borrower")
    {
        assert_eq!(a["allowed"], false, "1006.14(b)(2)(i): {a}");
    }
}
