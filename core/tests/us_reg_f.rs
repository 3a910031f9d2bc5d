//! `us-reg-f` against 12 CFR part 1006 (Regulation F) and the worked examples of its official
//! interpretations (Supplement I): convenient times in several time zones (1006.6(b)(1)(i),
//! comment 6(b)(1)(i)-2), the telephone call frequencies (1006.14(b)(2)(i)) and the calls that do
//! not count toward them (1006.14(b)(3)).
//!
//! Each test is named after the provision or comment it follows and builds its case here. Every
//! example has a twin in the conformance corpus, `tests/conformance/cases/us-regf-<name>/`, whose
//! `case.json` must be the very case built here (`conformance_cases_are_these_examples`).
//!
//! Quotations marked "1006.x" are the regulation's text. Comments that are paraphrased, not
//! quoted, say so.

use arrears_core::ffi;
use arrears_core::time::{Date, Weekday};
use arrears_core::Policy;
use serde_json::{json, Value};

const NY: &str = "America/New_York";
const LA: &str = "America/Los_Angeles";

const CONVENIENT_HOURS: &str = "us.regf.1006.6b1i.convenient_hours";
const SEVEN_IN_SEVEN: &str = "us.regf.1006.14b2i.seven_calls_in_seven_days";
const AFTER_CONVERSATION: &str = "us.regf.1006.14b2i.after_conversation";

/// 1006.6(b)(1)(i), quoted.
const REG_6B1I: &str = "1006.6(b)(1)(i): \"In the absence of the debt collector's knowledge of \
    circumstances to the contrary, a time before 8:00 a.m. and after 9:00 p.m. local time at the \
    consumer's location is inconvenient\"";
/// 15 U.S.C. 1692c(a)(1), the statute's own words for the presumed convenient hours.
const STATUTE_1692C: &str = "15 U.S.C. 1692c(a)(1): convenient is presumed \"after 8 o'clock \
    antemeridian and before 9 o'clock postmeridian\"";
/// Comment 6(b)(1)(i)-2, paraphrased.
const COMMENT_6B1I_2: &str = "comment 6(b)(1)(i)-2 (paraphrased): a collector whose information \
    puts the consumer in more than one time zone (a mobile number with an Eastern area code, a \
    Pacific address) communicates only at times convenient in all of them: 8 a.m. to 9 p.m. \
    Pacific and Eastern overlap from 11 a.m. to 9 p.m. Eastern";
/// 1006.14(b)(2)(i)(A), quoted.
const REG_14B2IA: &str = "1006.14(b)(2)(i): a debt collector is presumed to violate (b)(1) if it \
    places a telephone call to a particular person in connection with the collection of a \
    particular debt \"(A) More than seven times within a period of seven consecutive days\"";
/// 1006.14(b)(2)(i)(B), quoted.
const REG_14B2IB: &str = "1006.14(b)(2)(i): \"(B) Within a period of seven consecutive days after \
    having had a telephone conversation with the person in connection with the collection of such \
    debt. The date of the telephone conversation is the first day of the seven-consecutive-day \
    period.\"";
/// 1006.14(b)(3)(i), quoted.
const REG_14B3I: &str = "1006.14(b)(3): calls do not count toward the frequencies if \"(i) Placed \
    with such person's prior consent given directly to the debt collector and within a period no \
    longer than seven consecutive days after receiving the prior consent, with the date the debt \
    collector receives prior consent counting as the first day of the seven-consecutive-day \
    period\"";
/// 1006.14(b)(3)(ii), quoted, and comment 14(b)(3)(ii)-1, paraphrased.
const REG_14B3II: &str = "1006.14(b)(3): calls do not count toward the frequencies if \"(ii) Not \
    connected to the dialed number\"; comment 14(b)(3)(ii)-1 (paraphrased): a busy signal or a \
    number not in service is not connected; a call that rings unanswered or reaches voicemail is \
    connected and counts";
/// Comment 14(b)(4)-1.ii, paraphrased (as restated by the CFPB's Debt Collection Rule FAQs).
const COMMENT_14B4_1_II: &str = "comment 14(b)(4)-1.ii (paraphrased): a telephone conversation \
    counts for 1006.14(b)(2)(i)(B) whichever party, the collector or the consumer, initiated the \
    call";

// ---------------------------------------------------------------------------------------------
// Building cases

/// A consumer 30-60 days past due (stage m2, calls in the strategy) whose validation notice is
/// already mailed, with a mobile `m1` and a home phone `h1`.
fn consumer_due(
    as_of: &str,
    zones: &[&str],
    due: &str,
    notice: &str,
    history: Vec<Value>,
) -> Value {
    let mut h = vec![
        json!({ "at": notice, "type": "letter", "party": "borrower", "kind": "validation_notice" }),
    ];
    h.extend(history);
    json!({
        "as_of": as_of,
        "account": { "id": "RF-1", "currency": "USD", "book_time_zone": zones[0],
                     "installments": [ { "due": due, "amount": 90000 } ] },
        "borrower": { "time_zones": zones,
                      "channels": [ { "id": "m1", "kind": "mobile" }, { "id": "h1", "kind": "home_phone" } ] },
        "history": h
    })
}

/// The same consumer with an installment due 2026-05-01 (June 2026 as-of dates).
fn consumer(as_of: &str, zones: &[&str], history: Vec<Value>) -> Value {
    consumer_due(
        as_of,
        zones,
        "2026-05-01",
        "2026-05-02T10:00:00-04:00",
        history,
    )
}

fn call_on(at: &str, outcome: &str, channel: &str, direction: &str) -> Value {
    json!({ "at": at, "type": "call", "party": "borrower", "channel": channel,
            "direction": direction, "outcome": outcome })
}

/// An outbound call to the mobile.
fn call(at: &str, outcome: &str) -> Value {
    call_on(at, outcome, "m1", "outbound")
}

fn consent(at: &str) -> Value {
    json!({ "at": at, "type": "consent", "party": "borrower" })
}

/// One outbound call at 10:00 Eastern on each of these days of June 2026.
fn daily(days: std::ops::Range<u32>, outcome: &str) -> Vec<Value> {
    days.map(|d| call(&format!("2026-06-{d:02}T10:00:00-04:00"), outcome))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Reading decisions

fn decide(case: &Value) -> Value {
    let out = ffi::decide("us-reg-f", &case.to_string()).expect("a valid case");
    serde_json::from_str(&out).expect("decision JSON")
}

/// The strategy's call candidates to the borrower: one per phone (`m1`, `h1`).
fn borrower_calls(decision: &Value) -> Vec<Value> {
    let calls: Vec<Value> = decision["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .filter(|a| a["action"] == "call" && a["party"] == "borrower")
        .cloned()
        .collect();
    assert_eq!(calls.len(), 2, "a call candidate per phone: {calls:?}");
    calls
}

fn rules(a: &Value) -> Vec<String> {
    a["blocked_by"]
        .as_array()
        .expect("blocked_by")
        .iter()
        .map(|b| b["rule"].as_str().expect("rule").to_string())
        .collect()
}

/// Every call to the borrower is blocked by exactly `rule` and becomes allowed at `next`.
fn assert_calls_blocked(case: &Value, rule: &str, next: &str, why: &str) {
    for a in borrower_calls(&decide(case)) {
        let ch = &a["channel"];
        assert_eq!(a["allowed"], false, "call on {ch} should be blocked: {why}");
        assert_eq!(
            rules(&a),
            [rule],
            "call on {ch}: the rule that blocks it. {why}"
        );
        assert_eq!(
            a["next_allowed_at"], next,
            "call on {ch}: next_allowed_at. {why}"
        );
        assert_eq!(a["allowed_until"], Value::Null, "call on {ch}: {why}");
    }
}

/// Every call to the borrower is allowed now, until `until`.
fn assert_calls_allowed(case: &Value, until: &str, why: &str) {
    for a in borrower_calls(&decide(case)) {
        let ch = &a["channel"];
        assert_eq!(
            a["allowed"], true,
            "call on {ch} should be allowed: {why}; {a}"
        );
        assert_eq!(rules(&a), Vec::<String>::new(), "call on {ch}: {why}");
        assert_eq!(
            a["allowed_until"], until,
            "call on {ch}: allowed_until. {why}"
        );
        assert_eq!(a["next_allowed_at"], Value::Null, "call on {ch}: {why}");
    }
}

// ---------------------------------------------------------------------------------------------
// The examples (each builder is also a conformance case)

fn tz_eastern_pacific_1030() -> Value {
    consumer("2026-06-10T10:30:00-04:00", &[NY, LA], vec![])
}
fn tz_eastern_pacific_1100() -> Value {
    consumer("2026-06-10T11:00:00-04:00", &[NY, LA], vec![])
}
fn tz_eastern_pacific_2100() -> Value {
    consumer("2026-06-10T21:00:00-04:00", &[NY, LA], vec![])
}
fn tz_pacific_first_0730() -> Value {
    consumer("2026-06-10T07:30:00-07:00", &[LA, NY], vec![])
}
fn tz_eastern_pacific_winter_1059() -> Value {
    consumer_due(
        "2026-01-14T10:59:00-05:00",
        &[NY, LA],
        "2025-12-01",
        "2025-12-02T10:00:00-05:00",
        vec![],
    )
}
fn seven_in_seven_mon_to_sun() -> Value {
    consumer("2026-06-07T15:00:00-04:00", &[NY], daily(1..8, "no_answer"))
}
fn seven_in_seven_six_calls() -> Value {
    consumer("2026-06-07T15:00:00-04:00", &[NY], daily(2..8, "no_answer"))
}
fn seven_in_seven_thu_to_wed() -> Value {
    consumer(
        "2026-06-10T15:00:00-04:00",
        &[NY],
        daily(4..11, "no_answer"),
    )
}
fn seven_in_seven_one_day_two_numbers() -> Value {
    let calls = (0..7)
        .map(|i| {
            let at = format!("2026-06-01T{:02}:00:00-04:00", 9 + i);
            let phone = if i % 2 == 1 { "h1" } else { "m1" };
            call_on(&at, "voicemail", phone, "outbound")
        })
        .collect();
    consumer("2026-06-01T16:30:00-04:00", &[NY], calls)
}
fn conversation_day_one_same_day() -> Value {
    consumer(
        "2026-06-01T15:00:00-04:00",
        &[NY],
        vec![call("2026-06-01T10:00:00-04:00", "connected")],
    )
}
fn conversation_day_eight() -> Value {
    consumer(
        "2026-06-08T09:00:00-04:00",
        &[NY],
        vec![call("2026-06-01T10:00:00-04:00", "connected")],
    )
}
fn conversation_consumer_initiated() -> Value {
    consumer(
        "2026-06-03T12:00:00-04:00",
        &[NY],
        vec![call_on(
            "2026-06-01T10:00:00-04:00",
            "connected",
            "m1",
            "inbound",
        )],
    )
}
fn conversation_across_dst() -> Value {
    consumer_due(
        "2026-03-08T12:00:00-04:00",
        &[NY],
        "2026-01-20",
        "2026-01-21T10:00:00-05:00",
        vec![call("2026-03-02T10:00:00-05:00", "connected")],
    )
}
fn busy_signals() -> Value {
    consumer("2026-06-07T15:00:00-04:00", &[NY], daily(1..8, "busy"))
}
fn voicemails() -> Value {
    consumer("2026-06-07T15:00:00-04:00", &[NY], daily(1..8, "voicemail"))
}
fn calls_under_consent() -> Value {
    let mut h = vec![consent("2026-06-01T09:00:00-04:00")];
    for d in 1..6 {
        for hour in ["10", "11"] {
            h.push(call(
                &format!("2026-06-{d:02}T{hour}:00:00-04:00"),
                "no_answer",
            ));
        }
    }
    consumer("2026-06-05T15:00:00-04:00", &[NY], h)
}
fn callback_consented_in_conversation() -> Value {
    consumer(
        "2026-06-02T10:00:00-04:00",
        &[NY],
        vec![
            call("2026-06-01T10:00:00-04:00", "connected"),
            consent("2026-06-01T10:05:00-04:00"),
        ],
    )
}

// ---------------------------------------------------------------------------------------------
// 1006.6(b)(1)(i) and comment 6(b)(1)(i)-2: convenient times in several time zones

#[test]
fn comment_6b1i_2_eastern_mobile_pacific_address_1030_eastern_blocked_until_1100_eastern() {
    // 10:30 Eastern is 7:30 Pacific: before 8 a.m. at one of the consumer's possible locations.
    // Output instants are rendered in the borrower's first zone (Eastern).
    let why = format!("10:30 EDT = 07:30 PDT; {COMMENT_6B1I_2}; {REG_6B1I}");
    assert_calls_blocked(
        &tz_eastern_pacific_1030(),
        CONVENIENT_HOURS,
        "2026-06-10T11:00:01-04:00",
        &why,
    );
}

#[test]
fn comment_6b1i_2_eastern_and_pacific_1100_eastern_waits_a_second_then_allowed_until_2100() {
    // 11:00 Eastern is 8:00 Pacific. The comment's convenient times are "after 11:00 a.m. Eastern
    // time (8:00 a.m. Pacific time)", as 15 U.S.C. 1692c(a)(1) presumes convenient only "after 8
    // o'clock antemeridian": 11:00:00 itself waits a second; from then the overlap lasts until 9
    // p.m. Eastern (6 p.m. Pacific).
    let why = format!("11:00 EDT = 08:00 PDT; {COMMENT_6B1I_2}; {REG_6B1I}; {STATUTE_1692C}");
    assert_calls_blocked(
        &tz_eastern_pacific_1100(),
        CONVENIENT_HOURS,
        "2026-06-10T11:00:01-04:00",
        &why,
    );
    assert_calls_allowed(
        &consumer("2026-06-10T11:00:01-04:00", &[NY, LA], vec![]),
        "2026-06-10T21:00:00-04:00",
        &why,
    );
}

#[test]
fn comment_6b1i_2_eastern_mobile_pacific_address_2100_eastern_blocked_until_1100_eastern_next_day()
{
    let why = format!("21:00 EDT is after 9 p.m. Eastern; {COMMENT_6B1I_2}; {REG_6B1I}");
    assert_calls_blocked(
        &tz_eastern_pacific_2100(),
        CONVENIENT_HOURS,
        "2026-06-11T11:00:01-04:00",
        &why,
    );
}

#[test]
fn comment_6b1i_2_pacific_zone_listed_first_0730_pacific_blocked_until_0800_pacific() {
    // The same consumer, the Pacific zone listed first: the instants come out in Pacific time.
    let why = format!("07:30 PDT = 10:30 EDT; {COMMENT_6B1I_2}; {REG_6B1I}");
    assert_calls_blocked(
        &tz_pacific_first_0730(),
        CONVENIENT_HOURS,
        "2026-06-10T08:00:01-07:00",
        &why,
    );
}

#[test]
fn comment_6b1i_2_eastern_mobile_pacific_address_in_standard_time_1059_blocked_until_1100_est() {
    let why = format!("10:59 EST = 07:59 PST; {COMMENT_6B1I_2}; {REG_6B1I}");
    assert_calls_blocked(
        &tz_eastern_pacific_winter_1059(),
        CONVENIENT_HOURS,
        "2026-01-14T11:00:01-05:00",
        &why,
    );
}

#[test]
fn section_6b1i_before_8_and_at_or_after_9_local_time_are_inconvenient() {
    let early = decide(&consumer("2026-06-10T07:59:00-07:00", &[LA], vec![]));
    for a in borrower_calls(&early) {
        assert_eq!(a["allowed"], false, "{REG_6B1I}");
        assert_eq!(
            a["next_allowed_at"], "2026-06-10T08:00:01-07:00",
            "{REG_6B1I}"
        );
    }
    let late = decide(&consumer("2026-06-10T21:00:00-07:00", &[LA], vec![]));
    for a in borrower_calls(&late) {
        assert_eq!(
            a["allowed"], false,
            "9:00 p.m. itself ends the window. {REG_6B1I}"
        );
        assert_eq!(
            a["next_allowed_at"], "2026-06-11T08:00:01-07:00",
            "{REG_6B1I}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// 1006.14(b)(2)(i)(A): more than seven calls within seven consecutive days

#[test]
fn section_14b2ia_seven_calls_monday_to_sunday_block_an_eighth_until_monday_0800() {
    let why = format!(
        "seven placed calls June 1 (Mon) to June 7 (Sun); the eighth waits for June 8. {REG_14B2IA}"
    );
    assert_calls_blocked(
        &seven_in_seven_mon_to_sun(),
        SEVEN_IN_SEVEN,
        "2026-06-08T08:00:01-04:00",
        &why,
    );
}

#[test]
fn section_14b2ia_six_calls_in_seven_days_leave_room_for_a_seventh() {
    let why = format!("six placed calls June 2-7: a seventh is not more than seven. {REG_14B2IA}");
    assert_calls_allowed(
        &seven_in_seven_six_calls(),
        "2026-06-07T21:00:00-04:00",
        &why,
    );
}

#[test]
fn section_14b2ia_seven_consecutive_days_roll_thursday_to_wednesday_next_call_thursday() {
    let why = format!(
        "seven calls June 4 (Thu) to June 10 (Wed): any seven consecutive days, not a calendar \
         week; the next call waits for June 11. {REG_14B2IA}"
    );
    assert_calls_blocked(
        &seven_in_seven_thu_to_wed(),
        SEVEN_IN_SEVEN,
        "2026-06-11T08:00:01-04:00",
        &why,
    );
}

#[test]
fn section_14b2ia_seven_calls_on_one_day_on_two_numbers_block_the_person_until_day_eight() {
    let why = format!(
        "seven calls on June 1 alternating the mobile and the home phone: the frequency is per \
         person, every number blocked through June 7. {REG_14B2IA}"
    );
    assert_calls_blocked(
        &seven_in_seven_one_day_two_numbers(),
        SEVEN_IN_SEVEN,
        "2026-06-08T08:00:01-04:00",
        &why,
    );
}

// ---------------------------------------------------------------------------------------------
// 1006.14(b)(2)(i)(B): seven days after a telephone conversation, its date being day one

#[test]
fn section_14b2ib_conversation_monday_1000_blocks_a_call_that_afternoon_until_monday_next_week() {
    let why = format!(
        "conversation June 1 10:00: June 1 is day one, June 7 day seven, June 8 free. {REG_14B2IB}"
    );
    assert_calls_blocked(
        &conversation_day_one_same_day(),
        AFTER_CONVERSATION,
        "2026-06-08T08:00:01-04:00",
        &why,
    );
}

#[test]
fn section_14b2ib_conversation_monday_call_on_the_following_monday_is_day_eight_and_allowed() {
    let why = format!("conversation June 1; June 8 is the eighth day. {REG_14B2IB}");
    assert_calls_allowed(&conversation_day_eight(), "2026-06-08T21:00:00-04:00", &why);
}

#[test]
fn comment_14b4_1_ii_conversation_on_a_call_the_consumer_placed_starts_the_seven_days() {
    let why = format!(
        "the consumer called in on June 1 and talked to the collector. {COMMENT_14B4_1_II}; \
         {REG_14B2IB}"
    );
    assert_calls_blocked(
        &conversation_consumer_initiated(),
        AFTER_CONVERSATION,
        "2026-06-08T08:00:01-04:00",
        &why,
    );
}

#[test]
fn section_14b2ib_seven_days_are_calendar_days_across_the_march_8_clock_change() {
    let why = format!(
        "conversation March 2 (EST); March 8 (the clocks spring forward) is day seven; the next \
         call waits for March 9 08:00 EDT. {REG_14B2IB}"
    );
    assert_calls_blocked(
        &conversation_across_dst(),
        AFTER_CONVERSATION,
        "2026-03-09T08:00:01-04:00",
        &why,
    );
}

// ---------------------------------------------------------------------------------------------
// 1006.14(b)(3): calls that do not count

#[test]
fn comment_14b3ii_1_seven_busy_signals_are_not_connected_and_do_not_count() {
    let why = format!("seven calls June 1-7, each a busy signal. {REG_14B3II}");
    assert_calls_allowed(&busy_signals(), "2026-06-07T21:00:00-04:00", &why);
}

#[test]
fn comment_14b3ii_1_seven_calls_to_voicemail_are_connected_and_count() {
    let why = format!("seven calls June 1-7, each reaching voicemail. {REG_14B3II}; {REG_14B2IA}");
    assert_calls_blocked(
        &voicemails(),
        SEVEN_IN_SEVEN,
        "2026-06-08T08:00:01-04:00",
        &why,
    );
}

#[test]
fn section_14b3i_ten_calls_within_seven_days_of_direct_prior_consent_do_not_count() {
    let why = format!("consent June 1 09:00, ten calls June 1-5. {REG_14B3I}");
    assert_calls_allowed(&calls_under_consent(), "2026-06-05T21:00:00-04:00", &why);
    // After the consent period the ten calls still do not count: they were placed under consent.
    let mut later = calls_under_consent();
    later["as_of"] = json!("2026-06-08T10:00:00-04:00");
    let why = format!("the same ten calls seen on June 8. {REG_14B3I}");
    assert_calls_allowed(&later, "2026-06-08T21:00:00-04:00", &why);
}

#[test]
fn section_14b3i_callback_the_consumer_asked_for_in_a_conversation_does_not_count() {
    let why = format!(
        "conversation June 1 10:00 in which the consumer asks to be called back; the callback on \
         June 2 is placed with prior consent. {REG_14B3I}; {REG_14B2IB}"
    );
    assert_calls_allowed(
        &callback_consented_in_conversation(),
        "2026-06-02T21:00:00-04:00",
        &why,
    );
}

// ---------------------------------------------------------------------------------------------
// Consent and conversations together

/// Consent on Monday June 1 at 09:00: its seven consecutive days are June 1-7. Seven calls on
/// Monday June 8 between 08:00 and 08:06 fall outside that period, so they count.
fn consent_then_seven_calls_on_day_eight() -> Value {
    let mut h = vec![consent("2026-06-01T09:00:00-04:00")];
    h.extend((0..7).map(|i| call(&format!("2026-06-08T08:{i:02}:00-04:00"), "no_answer")));
    consumer("2026-06-08T08:30:00-04:00", &[NY], h)
}

/// Consent on June 1 09:00 (its period: June 1-7); on June 3 the collector calls under that
/// consent and talks with the consumer; the question is asked on Monday June 8.
fn conversation_on_a_consented_call() -> Value {
    consumer(
        "2026-06-08T12:00:00-04:00",
        &[NY],
        vec![
            consent("2026-06-01T09:00:00-04:00"),
            call("2026-06-03T10:00:00-04:00", "connected"),
        ],
    )
}

#[test]
fn section_14b3i_consent_date_is_day_one_so_calls_on_day_eight_count() {
    // An eighth call within June 2-8 is presumed a violation and waits for June 15 08:00.
    let why =
        format!("consent June 1 09:00, seven calls June 8 08:00-08:06. {REG_14B3I}; {REG_14B2IA}");
    assert_calls_blocked(
        &consent_then_seven_calls_on_day_eight(),
        SEVEN_IN_SEVEN,
        "2026-06-15T08:00:01-04:00",
        &why,
    );
}

#[test]
fn section_14b2ib_a_conversation_on_a_consented_call_still_starts_the_seven_days() {
    // The June 3 call was placed under consent and does not count toward the frequencies, but a
    // telephone conversation was had on June 3. A call on June 8 is not under consent and falls
    // within June 3-9: presumed a violation; the next call waits for June 10 08:00.
    let why =
        format!("consent June 1, conversation June 3, call June 8. {REG_14B2IB}; {REG_14B3I}");
    assert_calls_blocked(
        &conversation_on_a_consented_call(),
        AFTER_CONVERSATION,
        "2026-06-10T08:00:01-04:00",
        &why,
    );
}

// ---------------------------------------------------------------------------------------------
// 15 U.S.C. 1692c(a)(1) with 1006.6(b)(1)(i): the end instants of the hours

fn eight_sharp() -> Value {
    consumer("2026-06-10T08:00:00-04:00", &[NY], vec![])
}

fn one_second_before_nine() -> Value {
    consumer("2026-06-10T20:59:59-04:00", &[NY], vec![])
}

#[test]
fn statute_1692c_a_1_eight_oclock_itself_is_not_after_eight_so_calls_wait_a_second() {
    let why = format!("08:00:00 EDT; {STATUTE_1692C}; {REG_6B1I}");
    assert_calls_blocked(
        &eight_sharp(),
        CONVENIENT_HOURS,
        "2026-06-10T08:00:01-04:00",
        &why,
    );
}

#[test]
fn statute_1692c_a_1_the_last_second_before_nine_is_allowed_and_nine_itself_is_not() {
    let why = format!("20:59:59 EDT; {STATUTE_1692C}; {REG_6B1I}");
    assert_calls_allowed(&one_second_before_nine(), "2026-06-10T21:00:00-04:00", &why);
}

// ---------------------------------------------------------------------------------------------
// Findings of the review of the pack against its texts (validation notice, returned letters,
// the validation period, the one reply), each a case named after its citation

/// A consumer with a mobile `m1`, an email `e1` and a postal address `p1`, one installment of
/// 900.00 due on `due`.
fn mailed_consumer(as_of: &str, due: &str, history: Vec<Value>) -> Value {
    json!({
        "as_of": as_of,
        "account": { "id": "RF-2", "currency": "USD", "book_time_zone": NY,
                     "installments": [ { "due": due, "amount": 90000 } ] },
        "borrower": { "time_zones": [NY],
                      "channels": [ { "id": "m1", "kind": "mobile" }, { "id": "e1", "kind": "email" },
                                    { "id": "p1", "kind": "postal" } ] },
        "history": history
    })
}

fn letter(at: &str, kind: &str) -> Value {
    json!({ "at": at, "type": "letter", "party": "borrower", "kind": kind })
}

/// The verdict on one action to the borrower (on `channel`, when given).
fn verdict(decision: &Value, action: &str, channel: Option<&str>) -> Value {
    decision["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .find(|a| {
            a["action"] == action
                && a["party"] == "borrower"
                && channel.is_none_or(|c| a["channel"] == c)
        })
        .unwrap_or_else(|| panic!("no {action} verdict in {decision}"))
        .clone()
}

/// 1006.34(a)(1)(i)(B), quoted, with 15 U.S.C. 1692g(a).
const REG_34A1IB: &str = "1006.34(a)(1)(i): a validation notice \"(B) Within five days of that \
    initial communication\"; 15 U.S.C. 1692g(a): \"Within five days after the initial \
    communication\"";

/// The initial communication is a conversation on Monday 1 June 2026 at 10:00; on Saturday 6
/// June, the fifth day after it, no notice has gone out yet. The account is 73 days past due
/// (stage m3, where the strategy sends a demand letter).
fn notice_on_the_fifth_day_after() -> Value {
    mailed_consumer(
        "2026-06-06T12:00:00-04:00",
        "2026-03-25",
        vec![call("2026-06-01T10:00:00-04:00", "connected")],
    )
}

#[test]
fn section_34a1ib_the_notice_is_due_by_the_end_of_the_fifth_day_after_the_first_conversation() {
    let d = decide(&notice_on_the_fifth_day_after());
    let o = &d["obligations"][0];
    assert_eq!(o["obligation"], "validation_notice", "{REG_34A1IB}");
    assert_eq!(o["due_by"], "2026-06-07T00:00:00-04:00", "{REG_34A1IB}");
    assert_eq!(o["overdue"], false, "not late on 6 June: {REG_34A1IB}");
    // Nor does the early flag hold back a demand letter through notice_before_demands.
    let demand = verdict(&d, "demand_letter", Some("p1"));
    assert_eq!(demand["allowed"], true, "{REG_34A1IB}: {demand}");
}

/// A loan with its next installment due in ten days and nothing past due, never contacted.
fn nothing_past_due() -> Value {
    mailed_consumer("2026-06-10T12:00:00-04:00", "2026-06-20", vec![])
}

#[test]
fn section_34a1_no_validation_notice_is_proposed_for_a_loan_with_nothing_past_due() {
    // Collection, and the validation notice that opens it, starts when something is past due; a
    // performing loan is not in collection (15 U.S.C. 1692a(6)(F)(iii)).
    let d = decide(&nothing_past_due());
    assert_eq!(d["delinquency"]["days_past_due"], 0);
    let offered: Vec<&Value> = d["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .filter(|a| a["action"] == "validation_notice")
        .collect();
    assert!(offered.is_empty(), "{offered:?}");
    assert_eq!(d["next_action"], Value::Null, "{}", d["next_action"]);
}

const CREDIT_REPORTING: &str = "us.regf.1006.30a.credit_reporting";

/// Comment 30(a)(1)-3, paraphrased.
const COMMENT_30A1_3: &str = "comment 30(a)(1)-3 (paraphrased): a notice of undeliverability \
    received within the reasonable period (14 consecutive days, comment 30(a)(1)-2) means the \
    letter does not count, until the collector otherwise satisfies 1006.30(a)(1); one received \
    after it changes nothing";

fn undeliverable(at: &str, channel: Option<&str>) -> Value {
    let mut e = json!({ "at": at, "type": "undeliverable", "party": "borrower" });
    if let Some(c) = channel {
        e["channel"] = json!(c);
    }
    e
}

/// A validation notice mailed on Friday 1 May 2026 (with or without its postal channel on the
/// record), then `later`; the account is 40-60 days past due in May (stage m2, where the
/// strategy furnishes to a credit bureau) and nobody has spoken to the consumer.
fn mailed_notice(as_of: &str, notice_channel: Option<&str>, later: Vec<Value>) -> Value {
    let mut notice = letter("2026-05-01T10:00:00-04:00", "validation_notice");
    if let Some(c) = notice_channel {
        notice["channel"] = json!(c);
    }
    let mut h = vec![notice];
    h.extend(later);
    mailed_consumer(as_of, "2026-03-25", h)
}

/// Comment 30(a)(1)-3.i: the notice comes back on 10 May; on 20 May nothing else has been done.
fn returned_notice() -> Value {
    mailed_notice(
        "2026-05-20T12:00:00-04:00",
        None,
        vec![undeliverable("2026-05-10T09:00:00-04:00", Some("p1"))],
    )
}

/// Comment 30(a)(1)-3.ii: returned on 10 May, a new notice mailed on 11 May; 24 May is the last
/// of its 14 days.
fn notice_sent_again_after_return() -> Value {
    mailed_notice(
        "2026-05-24T12:00:00-04:00",
        None,
        vec![
            undeliverable("2026-05-10T09:00:00-04:00", Some("p1")),
            letter("2026-05-11T10:00:00-04:00", "validation_notice"),
        ],
    )
}

/// Comment 30(a)(1)-3.iii: nothing came back from 1 to 14 May; the return arrives on 16 May.
fn returned_after_the_fourteen_days() -> Value {
    mailed_notice(
        "2026-05-20T12:00:00-04:00",
        None,
        vec![undeliverable("2026-05-16T09:00:00-04:00", Some("p1"))],
    )
}

fn credit_report(case: &Value) -> Value {
    verdict(&decide(case), "credit_report", None)
}

#[test]
fn comment_30a1_3_i_a_notice_returned_within_fourteen_days_does_not_count_however_recorded() {
    let v = credit_report(&returned_notice());
    assert_eq!(v["allowed"], false, "{COMMENT_30A1_3}: {v}");
    assert_eq!(rules(&v), [CREDIT_REPORTING], "{COMMENT_30A1_3}");
    // The same return, whichever of the two events names the postal address.
    for (notice, ret) in [(Some("p1"), None), (Some("p1"), Some("p1")), (None, None)] {
        let case = mailed_notice(
            "2026-05-20T12:00:00-04:00",
            notice,
            vec![undeliverable("2026-05-10T09:00:00-04:00", ret)],
        );
        let v = credit_report(&case);
        assert_eq!(
            v["allowed"], false,
            "notice on {notice:?}, return on {ret:?}: {COMMENT_30A1_3}"
        );
    }
    // An email that bounced is not the letter coming back.
    let bounce = mailed_notice(
        "2026-05-20T12:00:00-04:00",
        None,
        vec![undeliverable("2026-05-10T09:00:00-04:00", Some("e1"))],
    );
    assert_eq!(credit_report(&bounce)["allowed"], true, "{COMMENT_30A1_3}");
}

#[test]
fn comment_30a1_3_ii_a_new_notice_after_the_return_allows_furnishing_after_its_own_fourteen_days() {
    let v = credit_report(&notice_sent_again_after_return());
    assert_eq!(v["allowed"], false, "24 May is day 14: {COMMENT_30A1_3}");
    assert_eq!(
        v["next_allowed_at"], "2026-05-25T00:00:00-04:00",
        "{COMMENT_30A1_3}"
    );
}

#[test]
fn comment_30a1_3_iii_a_return_after_the_fourteen_days_changes_nothing() {
    let v = credit_report(&returned_after_the_fourteen_days());
    assert_eq!(v["allowed"], true, "{COMMENT_30A1_3}: {v}");
}

/// The legal public holidays of 5 U.S.C. 6103(a) in `year`, each with the day it is observed on
/// (5 U.S.C. 6103(b): a Saturday holiday the Friday before, a Sunday one the Monday after),
/// computed from the statute's own words rather than read from a list.
fn legal_public_holidays(year: i32) -> Vec<Date> {
    let day = |m: u32, d: u32| Date::from_ymd(year, m, d).expect("a date");
    // The n-th given weekday of a month (n = 5: the last).
    let nth = |m: u32, weekday: Weekday, n: i64| {
        let first = (0..7)
            .map(|i| day(m, 1).add_days(i))
            .find(|d| d.weekday() == weekday)
            .expect("a week has every weekday");
        let mut d = first.add_days(7 * (n - 1));
        while d.0.format("%m").to_string() != format!("{m:02}") {
            d = d.add_days(-7);
        }
        d
    };
    let fixed = [day(1, 1), day(6, 19), day(7, 4), day(11, 11), day(12, 25)];
    let moving = [
        nth(1, Weekday::Mon, 3),  // Birthday of Martin Luther King, Jr.
        nth(2, Weekday::Mon, 3),  // Washington's Birthday
        nth(5, Weekday::Mon, 5),  // Memorial Day, the last Monday in May
        nth(9, Weekday::Mon, 1),  // Labor Day
        nth(10, Weekday::Mon, 2), // Columbus Day
        nth(11, Weekday::Thu, 4), // Thanksgiving Day
    ];
    let mut out: Vec<Date> = moving.to_vec();
    for d in fixed {
        out.push(d);
        match d.weekday() {
            Weekday::Sat => out.push(d.add_days(-1)),
            Weekday::Sun => out.push(d.add_days(1)),
            _ => {}
        }
    }
    out
}

#[test]
fn section_34b5_the_pack_calendar_is_every_legal_public_holiday_of_2024_to_2028_with_observed_days()
{
    let doc = Policy::builtin("us-reg-f").expect("the pack");
    let cal = &doc.document().calendar;
    assert_eq!(cal.years, [2024, 2025, 2026, 2027, 2028]);
    let mut listed: Vec<Date> = cal.holidays.iter().map(|h| h.from).collect();
    assert!(cal.holidays.iter().all(|h| h.from == h.to), "one day each");
    let mut expected: Vec<Date> = (2024..=2028).flat_map(legal_public_holidays).collect();
    // New Year's Day 2029 is a Monday: nothing of 2029 is observed in 2028.
    listed.sort();
    expected.sort();
    assert_eq!(listed, expected, "5 U.S.C. 6103(a), (b)");
}

/// Thanksgiving Day, Thursday 26 November 2026, 10:00: a legal public holiday.
fn thanksgiving_call() -> Value {
    consumer("2026-11-26T10:00:00-05:00", &[NY], vec![])
}

#[test]
fn section_6b1i_a_legal_public_holiday_is_no_bar_to_calls_only_the_strategy_holds_them() {
    // Regulation F sets no holiday ban on contact: no floor rule blocks a call on Thanksgiving.
    // The pack's default strategy keeps collection off weekday legal public holidays, a lender
    // choice, so it is the one rule that blocks the call, until the next day's hours.
    assert_calls_blocked(
        &thanksgiving_call(),
        "us.strategy.no_collection_on_federal_holidays",
        "2026-11-27T08:00:01-05:00",
        "1006.6(b)(1)(i) names hours, not days; the holiday is the default strategy's choice",
    );
}

const OVERSHADOWING: &str = "us.regf.1006.38b.no_overshadowing";

/// 1006.34(b)(5), quoted.
const REG_34B5: &str = "1006.34(b)(5): the validation period ends \"30 days after the consumer \
    receives or is assumed to receive the validation information\", receipt assumed \"at least \
    five days (excluding legal public holidays identified in 5 U.S.C. 6103(a), Saturdays, and \
    Sundays) after the debt collector provides it\"";

/// A validation notice mailed at 10:00 on each of `sent` (the last one counts), to an account
/// past due since `due`, decided at noon on `as_of` (a date).
fn notice_then_demand(as_of: &str, due: &str, sent: &[&str], later: Vec<Value>) -> Value {
    let mut h: Vec<Value> = sent
        .iter()
        .map(|d| letter(&format!("{d}T10:00:00-05:00"), "validation_notice"))
        .collect();
    h.extend(later);
    h.sort_by_key(|e| e["at"].as_str().unwrap_or_default().to_string());
    mailed_consumer(&format!("{as_of}T12:00:00-04:00"), due, h)
}

/// Mailed on Friday 4 September 2026, before Labor Day (Monday 7 September): receipt is
/// assumed on Monday 14 September (8, 9, 10, 11, 14), the period ends on 14 October. A fixed
/// 39 days allowed a demand letter from 13 October, inside the period.
fn notice_before_labor_day() -> Value {
    notice_then_demand("2026-10-14", "2026-08-01", &["2026-09-04"], vec![])
}

/// Mailed on Wednesday 24 December 2025: Christmas and New Year's Day fall in the count (26,
/// 29, 30, 31 December, 2 January), receipt on Friday 2 January 2026, the period ends on
/// Sunday 1 February. A fixed 39 days allowed a demand letter on 1 February.
fn notice_over_christmas_and_new_year() -> Value {
    notice_then_demand("2026-02-01", "2025-11-15", &["2025-12-24"], vec![])
}

/// Mailed on Monday 2 March 2026, no holiday near: receipt on Monday 9 March, the period ends on
/// Wednesday 8 April, and a demand letter is allowed on 9 April (a fixed 39 days held it to
/// 10 April).
fn notice_in_an_ordinary_week() -> Value {
    notice_then_demand("2026-04-09", "2026-01-25", &["2026-03-02"], vec![])
}

fn demand_letter(case: &Value) -> Value {
    verdict(&decide(case), "demand_letter", Some("p1"))
}

#[test]
fn section_34b5_a_notice_mailed_before_a_monday_holiday_is_received_a_working_day_later() {
    let v = demand_letter(&notice_before_labor_day());
    assert_eq!(
        v["allowed"], false,
        "14 October is the last day: {REG_34B5}"
    );
    assert_eq!(rules(&v), [OVERSHADOWING]);
    assert_eq!(
        v["next_allowed_at"], "2026-10-15T00:00:00-04:00",
        "{REG_34B5}"
    );
}

#[test]
fn section_34b5_christmas_and_new_years_day_are_left_out_of_the_five_days() {
    let v = demand_letter(&notice_over_christmas_and_new_year());
    assert_eq!(
        v["allowed"], false,
        "1 February is the last day: {REG_34B5}"
    );
    assert_eq!(
        v["next_allowed_at"], "2026-02-02T00:00:00-05:00",
        "{REG_34B5}"
    );
}

#[test]
fn section_34b5_the_day_after_the_period_a_demand_letter_is_allowed() {
    let v = demand_letter(&notice_in_an_ordinary_week());
    assert_eq!(
        v["allowed"], true,
        "the period ended on 8 April: {REG_34B5}; {v}"
    );
}

/// Comment 34(b)(5)-2, quoted in part.
const COMMENT_34B5_2: &str = "comment 34(b)(5)-2: \"assume a debt collector sends a consumer a \
    validation notice on January 1, and that notice is returned as undeliverable. After \
    obtaining accurate location information, the debt collector sends the consumer a subsequent \
    validation notice on January 15\": the end date is based on the receipt of the notice sent \
    on January 15";

/// The official example in 2026: the notice of Thursday 1 January comes back on 8 January; a new
/// one goes out on Thursday 15 January. Receipt of the new one is assumed on Friday 23 January
/// (16, 20, 21, 22, 23: the weekend and Martin Luther King, Jr.'s Birthday on the 19th left
/// out), and its period ends on Sunday 22 February.
fn notice_sent_again() -> Value {
    notice_then_demand(
        "2026-02-22",
        "2025-12-10",
        &["2026-01-01", "2026-01-15"],
        vec![undeliverable("2026-01-08T09:00:00-05:00", Some("p1"))],
    )
}

#[test]
fn comment_34b5_2_a_notice_sent_again_starts_the_period_again() {
    let v = demand_letter(&notice_sent_again());
    assert_eq!(v["allowed"], false, "{COMMENT_34B5_2}; {v}");
    assert_eq!(rules(&v), [OVERSHADOWING]);
    assert_eq!(
        v["next_allowed_at"], "2026-02-23T00:00:00-05:00",
        "{COMMENT_34B5_2}"
    );
}

const DESIGNATED_INCONVENIENT: &str = "us.regf.1006.6b1i.designated_inconvenient";
const OPT_OUT: &str = "us.regf.1006.14h.opt_out";
const ATTORNEY: &str = "us.status.attorney";

/// Comment 6(b)(1)-2, paraphrased.
const COMMENT_6B1_2: &str = "comment 6(b)(1)-2 (paraphrased): a consumer who initiates a \
    communication at a time they designated inconvenient may be answered once at that time \
    through the same medium, and once for each further message (2.i: an email at 3:30 p.m. on \
    a Wednesday answered by email before 5:00 p.m.; 2.iv: an email at 8:30 p.m. on an \
    inconvenient Friday answered once, by an automated reply say)";
/// Comment 6(b)(2)-1 and 1006.14(h)(2)(ii), paraphrased.
const ONE_REPLY: &str = "comment 6(b)(2)-1 (paraphrased): a represented consumer's own \
    communication is consent to answer it; 1006.14(h)(2)(ii) (paraphrased): a person who gets \
    in touch through a medium they asked not be used may be answered once through it";

fn email_in(at: &str) -> Value {
    json!({ "at": at, "type": "email", "party": "borrower", "channel": "e1", "direction": "inbound" })
}

fn email_out(at: &str) -> Value {
    json!({ "at": at, "type": "email", "party": "borrower", "channel": "e1" })
}

/// A consumer 40 days past due in June 2026 (validation notice mailed in May) who wrote in, with
/// `extra` fields on the borrower.
fn wrote_in(as_of: &str, history: Vec<Value>, extra: Value) -> Value {
    let mut h = vec![letter("2026-05-02T10:00:00-04:00", "validation_notice")];
    h.extend(history);
    let mut case = mailed_consumer(as_of, "2026-05-01", h);
    if let (Some(b), Some(x)) = (case["borrower"].as_object_mut(), extra.as_object()) {
        for (k, v) in x {
            b.insert(k.clone(), v.clone());
        }
    }
    case
}

/// Comment 6(b)(1)-1.ii's consumer: weekdays 15:00-17:00 and weekends are inconvenient.
fn weekday_afternoons_and_weekends() -> Value {
    json!({ "inconvenient_times": [
        { "days": ["mon", "tue", "wed", "thu", "fri"], "from": "15:00", "to": "17:00" },
        { "days": ["sat", "sun"], "from": "00:00", "to": "24:00" } ] })
}

/// Comment 6(b)(1)-2.i: the consumer emails at 15:30 on Wednesday 10 June; at 15:45 nothing has
/// been sent back.
fn email_at_an_inconvenient_time() -> Value {
    wrote_in(
        "2026-06-10T15:45:00-04:00",
        vec![email_in("2026-06-10T15:30:00-04:00")],
        weekday_afternoons_and_weekends(),
    )
}

/// Comment 6(b)(1)-2.iv: Fridays are inconvenient; the consumer emails at 20:30 on Friday 12
/// June.
fn email_on_an_inconvenient_friday_evening() -> Value {
    wrote_in(
        "2026-06-12T20:35:00-04:00",
        vec![email_in("2026-06-12T20:30:00-04:00")],
        json!({ "inconvenient_times": [ { "days": ["fri"], "from": "00:00", "to": "24:00" } ] }),
    )
}

/// Comment 6(b)(2)-1: the consumer is represented by an attorney and emails the collector at
/// 10:00 on Wednesday 10 June.
fn represented_consumer_writes_in() -> Value {
    wrote_in(
        "2026-06-10T10:30:00-04:00",
        vec![email_in("2026-06-10T10:00:00-04:00")],
        json!({ "flags": { "attorney_represented": true } }),
    )
}

/// 1006.14(h)(2)(ii): the consumer asked on 8 June that email not be used, then emails in at
/// 10:00 on 10 June.
fn opted_out_of_email_then_writes_in() -> Value {
    wrote_in(
        "2026-06-10T10:30:00-04:00",
        vec![
            json!({ "at": "2026-06-08T09:00:00-04:00", "type": "opt_out", "party": "borrower",
                    "medium": "email" }),
            email_in("2026-06-10T10:00:00-04:00"),
        ],
        json!({}),
    )
}

/// `case` with more events after its own.
fn then(case: &Value, as_of: &str, events: Vec<Value>) -> Value {
    let mut c = case.clone();
    c["as_of"] = json!(as_of);
    let h = c["history"].as_array_mut().expect("history");
    h.extend(events);
    c
}

/// The email verdict on `case` once the collector has emailed back at `reply_at`, seen at `as_of`.
fn email_after_the_reply(case: &Value, reply_at: &str, as_of: &str) -> Value {
    let answered = then(case, as_of, vec![email_out(reply_at)]);
    verdict(&decide(&answered), "email", Some("e1"))
}

#[test]
fn comment_6b1_2_i_an_email_at_a_designated_inconvenient_time_is_answered_once_that_afternoon() {
    let case = email_at_an_inconvenient_time();
    let d = decide(&case);
    let email = verdict(&d, "email", Some("e1"));
    assert_eq!(email["allowed"], true, "{COMMENT_6B1_2}: {email}");
    // Only by email: a text is another medium, still at an inconvenient time.
    let sms = verdict(&d, "sms", Some("m1"));
    assert_eq!(rules(&sms), [DESIGNATED_INCONVENIENT], "{COMMENT_6B1_2}");
    // Once: after the reply, the afternoon is closed again until 17:00...
    let email = email_after_the_reply(
        &case,
        "2026-06-10T15:46:00-04:00",
        "2026-06-10T15:50:00-04:00",
    );
    assert_eq!(rules(&email), [DESIGNATED_INCONVENIENT], "{COMMENT_6B1_2}");
    assert_eq!(email["next_allowed_at"], "2026-06-10T17:00:00-04:00");
    // ...until the consumer writes again: once for each message.
    let again = then(
        &case,
        "2026-06-10T16:05:00-04:00",
        vec![
            email_out("2026-06-10T15:46:00-04:00"),
            email_in("2026-06-10T16:00:00-04:00"),
        ],
    );
    assert_eq!(
        verdict(&decide(&again), "email", Some("e1"))["allowed"],
        true
    );
    // The reply belongs to that afternoon: an email of 15:30 left unanswered does not open
    // Saturday.
    let weekend = then(&case, "2026-06-13T10:00:00-04:00", vec![]);
    let email = verdict(&decide(&weekend), "email", Some("e1"));
    assert_eq!(rules(&email), [DESIGNATED_INCONVENIENT], "{COMMENT_6B1_2}");
}

#[test]
fn comment_6b1_2_iv_an_email_on_an_inconvenient_friday_evening_is_answered_once_before_nine() {
    let email = verdict(
        &decide(&email_on_an_inconvenient_friday_evening()),
        "email",
        Some("e1"),
    );
    assert_eq!(email["allowed"], true, "{COMMENT_6B1_2}: {email}");
    // The hours of 1006.6(b)(1)(i) still end the evening at 9 p.m.
    assert_eq!(email["allowed_until"], "2026-06-12T21:00:00-04:00");
}

#[test]
fn comment_6b2_1_a_represented_consumers_own_email_is_answered_once() {
    let case = represented_consumer_writes_in();
    let d = decide(&case);
    assert_eq!(d["status"]["state"], "attorney_only");
    let email = verdict(&d, "email", Some("e1"));
    assert_eq!(email["allowed"], true, "{ONE_REPLY}: {email}");
    let sms = verdict(&d, "sms", Some("m1"));
    assert_eq!(rules(&sms), [ATTORNEY], "{ONE_REPLY}");
    let email = email_after_the_reply(
        &case,
        "2026-06-10T10:40:00-04:00",
        "2026-06-10T11:00:00-04:00",
    );
    assert_eq!(rules(&email), [ATTORNEY], "after the reply: {ONE_REPLY}");
}

#[test]
fn section_14h2ii_a_person_who_writes_through_a_refused_medium_is_answered_once_through_it() {
    let case = opted_out_of_email_then_writes_in();
    let before = then(&case, "2026-06-09T10:00:00-04:00", vec![]);
    let history = before["history"]
        .as_array()
        .expect("history")
        .iter()
        .filter(|e| e["direction"] != "inbound")
        .cloned()
        .collect::<Vec<_>>();
    let mut before = before;
    before["history"] = json!(history);
    let email = verdict(&decide(&before), "email", Some("e1"));
    assert_eq!(rules(&email), [OPT_OUT], "before the message: {ONE_REPLY}");
    let email = verdict(&decide(&case), "email", Some("e1"));
    assert_eq!(email["allowed"], true, "{ONE_REPLY}: {email}");
    let email = email_after_the_reply(
        &case,
        "2026-06-10T10:40:00-04:00",
        "2026-06-10T11:00:00-04:00",
    );
    assert_eq!(rules(&email), [OPT_OUT], "after the reply: {ONE_REPLY}");
}

// ---------------------------------------------------------------------------------------------
// The conformance corpus holds these very cases

type Example = (&'static str, fn() -> Value);

const EXAMPLES: &[Example] = &[
    (
        "us-regf-tz-eastern-pacific-1030-waits-1100",
        tz_eastern_pacific_1030,
    ),
    (
        "us-regf-tz-eastern-pacific-1100-waits-for-after-1100",
        tz_eastern_pacific_1100,
    ),
    (
        "us-regf-tz-eastern-pacific-2100-waits-next-1100",
        tz_eastern_pacific_2100,
    ),
    (
        "us-regf-tz-pacific-first-0730-waits-0800",
        tz_pacific_first_0730,
    ),
    (
        "us-regf-tz-eastern-pacific-winter-1059-waits-1100",
        tz_eastern_pacific_winter_1059,
    ),
    (
        "us-regf-7in7-mon-to-sun-eighth-waits-monday",
        seven_in_seven_mon_to_sun,
    ),
    (
        "us-regf-7in7-six-calls-allow-a-seventh",
        seven_in_seven_six_calls,
    ),
    (
        "us-regf-7in7-thu-to-wed-rolling-window",
        seven_in_seven_thu_to_wed,
    ),
    (
        "us-regf-7in7-seven-on-one-day-two-numbers",
        seven_in_seven_one_day_two_numbers,
    ),
    (
        "us-regf-conversation-day-one-blocks-same-day",
        conversation_day_one_same_day,
    ),
    (
        "us-regf-conversation-day-eight-allowed",
        conversation_day_eight,
    ),
    (
        "us-regf-conversation-consumer-initiated",
        conversation_consumer_initiated,
    ),
    (
        "us-regf-conversation-day-count-across-dst",
        conversation_across_dst,
    ),
    (
        "us-regf-not-connected-busy-signals-do-not-count",
        busy_signals,
    ),
    ("us-regf-voicemail-is-connected-and-counts", voicemails),
    ("us-regf-consent-calls-do-not-count", calls_under_consent),
    (
        "us-regf-consent-callback-after-conversation",
        callback_consented_in_conversation,
    ),
    (
        "us-regf-consent-date-is-day-one-calls-on-day-eight-count",
        consent_then_seven_calls_on_day_eight,
    ),
    (
        "us-regf-conversation-on-consented-call-starts-seven-days",
        conversation_on_a_consented_call,
    ),
    ("us-regf-1692c-a-1-0800-exactly-waits-a-second", eight_sharp),
    (
        "us-regf-1692c-a-1-2059-allowed-until-2100",
        one_second_before_nine,
    ),
    (
        "us-regf-1006-34-a-1-i-b-notice-due-end-of-fifth-day-after",
        notice_on_the_fifth_day_after,
    ),
    (
        "us-regf-1006-34-a-1-nothing-past-due-no-validation-notice",
        nothing_past_due,
    ),
    (
        "us-regf-1006-30-a-1-ii-comment-3-i-returned-notice-blocks-furnishing",
        returned_notice,
    ),
    (
        "us-regf-1006-30-a-1-ii-comment-3-ii-new-notice-waits-its-own-fourteen-days",
        notice_sent_again_after_return,
    ),
    (
        "us-regf-1006-30-a-1-ii-comment-3-iii-return-after-fourteen-days-changes-nothing",
        returned_after_the_fourteen_days,
    ),
    (
        "us-regf-5-usc-6103-a-thanksgiving-strategy-holds-collection-calls",
        thanksgiving_call,
    ),
    (
        "us-regf-1006-34-b-5-notice-before-labor-day-period-to-oct-14",
        notice_before_labor_day,
    ),
    (
        "us-regf-1006-34-b-5-notice-over-christmas-period-to-feb-1",
        notice_over_christmas_and_new_year,
    ),
    (
        "us-regf-1006-34-b-5-ordinary-week-demand-allowed-day-after-period",
        notice_in_an_ordinary_week,
    ),
    (
        "us-regf-1006-34-b-5-comment-2-notice-sent-again-restarts-period",
        notice_sent_again,
    ),
    (
        "us-regf-1006-6-b-1-comment-2-i-email-at-inconvenient-time-answered-once",
        email_at_an_inconvenient_time,
    ),
    (
        "us-regf-1006-6-b-1-comment-2-iv-friday-evening-email-answered-once",
        email_on_an_inconvenient_friday_evening,
    ),
    (
        "us-regf-1006-6-b-2-comment-1-represented-consumer-email-answered",
        represented_consumer_writes_in,
    ),
    (
        "us-regf-1006-14-h-2-ii-opted-out-medium-answered-once",
        opted_out_of_email_then_writes_in,
    ),
];

#[test]
fn conformance_cases_are_these_examples() {
    let cases = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/conformance/cases");
    // Blessing writes each example's case.json; its meta.json (what it shows, and which provision
    // it follows) is written by hand.
    let bless = std::env::var_os("ARREARS_BLESS").is_some();
    for (dir, build) in EXAMPLES {
        let path = cases.join(dir).join("case.json");
        let on_disk: Option<Value> = std::fs::read_to_string(&path)
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok());
        if bless && on_disk.as_ref() != Some(&build()) {
            let text = serde_json::to_string_pretty(&build()).expect("a case serialises");
            std::fs::write(&path, text).expect("write case.json");
        }
        let read = |file: &str| -> Value {
            let path = cases.join(dir).join(file);
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        };
        assert_eq!(
            read("case.json"),
            build(),
            "{dir}/case.json is not the example built here"
        );
        let meta = read("meta.json");
        assert_eq!(meta["policy"], "us-reg-f", "{dir}/meta.json");
        assert!(
            meta["source"]
                .as_str()
                .is_some_and(|s| s.contains("12 CFR 1006")),
            "{dir}/meta.json names its source"
        );
    }
    let on_disk = std::fs::read_dir(&cases)
        .expect("tests/conformance/cases")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.starts_with("us-regf-"))
        .count();
    assert_eq!(
        on_disk,
        EXAMPLES.len(),
        "every us-regf-* case is one of these examples"
    );
}
