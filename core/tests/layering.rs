//! Lender documents over a floor: tightening is accepted, loosening is refused at load with a
//! diagnostic naming the lender rule, the floor rule and the floor rule's citation.

use arrears_core::{ffi, ErrorCode, Policy};
use serde_json::{json, Value};

fn load(doc: &Value) -> Result<Policy, arrears_core::Error> {
    Policy::from_json(&doc.to_string())
}

fn refused(doc: &Value, lender_rule: &str, floor_rule: &str) -> String {
    let err = load(doc).expect_err("the document must be refused");
    assert_eq!(err.code, ErrorCode::PolicyInvalid);
    assert!(
        err.message.contains(lender_rule),
        "names the lender rule: {}",
        err.message
    );
    assert!(
        err.message.contains(floor_rule),
        "names the floor rule: {}",
        err.message
    );
    err.message
}

fn cite_of(pack: &str, rule: &str) -> String {
    let p = Policy::builtin(pack).unwrap();
    p.document()
        .rules
        .iter()
        .find(|r| r.id == rule)
        .unwrap()
        .cite
        .clone()
}

#[test]
fn contact_hours_0700_2300_over_cn_microloan_are_refused_naming_the_night_ban() {
    let doc = json!({
        "id": "lender-wide-hours", "version": "1", "extends": "cn-microloan",
        "rules": [ { "id": "lender.hours", "cite": "lender", "applies_to": { "tags": ["timed"] },
                     "window": { "slots": [ { "days": ["any"], "from": "07:00", "to": "23:00" } ] } } ]
    });
    let msg = refused(&doc, "lender.hours", "cn.floor.hours");
    assert!(
        msg.contains(&cite_of("cn-microloan", "cn.floor.hours")),
        "cites the floor rule: {msg}"
    );
    assert!(
        msg.contains("07:00-08:00"),
        "says which minutes loosen: {msg}"
    );
    // Every load path refuses it: the JSON contract too.
    let case = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/cases/overdue-consumer-loan.json"
    ))
    .unwrap();
    let out = ffi::decide(&doc.to_string(), &case).unwrap_err();
    assert!(
        out.contains("policy_invalid") && out.contains("cn.floor.hours"),
        "{out}"
    );
}

#[test]
fn raising_the_regulation_f_call_cap_to_8_in_7_days_is_refused() {
    let doc = json!({
        "id": "lender-eight-calls", "version": "1", "extends": "us-reg-f",
        "rules": [ { "id": "lender.calls", "cite": "lender", "applies_to": { "actions": ["call"] },
                     "cap": { "counts": "placed_call", "exclude": ["inbound", "not_connected", "under_consent"],
                              "scope": "party", "period": { "days": 7 }, "limit": 8 } } ]
    });
    let msg = refused(
        &doc,
        "lender.calls",
        "us.regf.1006.14b2i.seven_calls_in_seven_days",
    );
    assert!(msg.contains("1006.14(b)(2)(i)(A)"), "{msg}");
}

#[test]
fn a_narrower_window_and_a_lower_cap_are_accepted_and_both_layers_apply() {
    let doc = json!({
        "id": "lender-tight", "version": "1", "extends": "us-reg-f",
        "rules": [
            { "id": "lender.hours", "cite": "lender", "applies_to": { "tags": ["timed"] },
              "window": { "slots": [ { "days": ["mon", "tue", "wed", "thu", "fri"], "from": "09:00", "to": "20:00" } ] } },
            { "id": "lender.calls", "cite": "lender", "applies_to": { "actions": ["call"] },
              "cap": { "counts": "placed_call", "exclude": ["inbound", "not_connected"], "scope": "party", "period": { "days": 7 }, "limit": 3 } }
        ]
    });
    let policy = load(&doc).expect("a tighter document loads");
    let ids: Vec<&str> = policy
        .document()
        .rules
        .iter()
        .map(|r| r.id.as_str())
        .collect();
    assert!(
        ids.contains(&"us.regf.1006.6b1i.convenient_hours"),
        "the floor stays: {ids:?}"
    );
    assert!(ids.contains(&"lender.hours"));
    assert!(
        ids.contains(&"us.strategy.promise.pause"),
        "the base's strategy rules stay unless removed"
    );
    assert_eq!(policy.document().extends.as_deref(), Some("us-reg-f"));
}

#[test]
fn a_lender_may_remove_strategy_entries_but_not_floor_ones() {
    let ok = json!({ "id": "l", "version": "1", "extends": "us-reg-f", "remove": ["us.strategy.promise.pause"] });
    let policy = load(&ok).expect("strategy rules can be removed");
    assert!(!policy
        .document()
        .rules
        .iter()
        .any(|r| r.id == "us.strategy.promise.pause"));
    let floor = json!({ "id": "l", "version": "1", "extends": "us-reg-f", "remove": ["us.regf.1006.14h.opt_out"] });
    assert!(load(&floor)
        .unwrap_err()
        .message
        .contains("cannot be removed"));
    let unknown =
        json!({ "id": "l", "version": "1", "extends": "us-reg-f", "remove": ["us.nothing"] });
    assert!(load(&unknown)
        .unwrap_err()
        .message
        .contains("no strategy rule"));
}

#[test]
fn a_lender_cannot_redefine_or_claim_the_floor() {
    let doc = json!({
        "id": "lender-redefine", "version": "1", "extends": "cn-microloan",
        "rules": [ { "id": "cn.floor.hours", "cite": "lender", "layer": "floor",
                     "window": { "slots": [ { "days": ["any"], "from": "09:00", "to": "20:00" } ] } } ]
    });
    let err = load(&doc).unwrap_err();
    assert!(err.message.contains("floor"), "{}", err.message);
    let all = Policy::diagnose(&doc.to_string());
    assert!(
        all.len() >= 2,
        "both the layer claim and the id clash are reported: {all:?}"
    );
}

#[test]
fn telling_a_reference_of_the_debt_is_refused() {
    let doc = json!({
        "id": "lender-tell", "version": "1", "extends": "cn-microloan",
        "disclosures": [ { "id": "lender.tell", "cite": "lender", "parties": ["reference"], "allow": ["debt_existence"] } ]
    });
    let err = load(&doc).unwrap_err();
    assert!(
        err.message
            .contains("cn.floor.disclose.third_party_never_debt"),
        "{}",
        err.message
    );
}

#[test]
fn shorter_caps_extra_exclusions_looser_rests_and_calendars_are_refused() {
    let cap = |period: Value, exclude: Value| {
        json!({
            "id": "l", "version": "1", "extends": "us-reg-f",
            "rules": [ { "id": "lender.cap", "cite": "lender", "applies_to": { "actions": ["call"] },
                         "cap": { "counts": "conversation", "exclude": exclude, "scope": "party", "period": period, "limit": 1 } } ]
        })
    };
    refused(
        &cap(json!({ "days": 3 }), json!(["under_consent"])),
        "lender.cap",
        "us.regf.1006.14b2i.after_conversation",
    );
    refused(
        &cap(json!({ "days": 7 }), json!(["under_consent", "inbound"])),
        "lender.cap",
        "us.regf.1006.14b2i.after_conversation",
    );
    assert!(
        load(&cap(json!({ "days": 10 }), json!([]))).is_ok(),
        "longer, counting more: tighter"
    );
    let fewer_attempts = json!({ "id": "l", "version": "1", "extends": "cn-microloan",
        "contact": { "lost_contact": { "failed_attempts": 1, "cite": "l" }, "consent_days": 7, "promises": { "horizon_days": 3, "cite": "l" } } });
    assert!(load(&fewer_attempts)
        .unwrap_err()
        .message
        .contains("failed attempts"));
    let no_spring_festival = json!({ "id": "l", "version": "1", "extends": "cn-microloan",
        "calendar": { "weekend": ["sat", "sun"], "holidays": [], "working_days": [] } });
    assert!(load(&no_spring_festival)
        .unwrap_err()
        .message
        .contains("must stay"));
}

#[test]
fn a_loosened_cap_is_explained_in_lower_case_words() {
    let cap = |scope: &str, exclude: Value| {
        json!({
            "id": "l", "version": "1", "extends": "us-reg-f",
            "rules": [ { "id": "lender.cap", "cite": "lender", "applies_to": { "actions": ["call"] },
                         "cap": { "counts": "conversation", "exclude": exclude, "scope": scope, "period": { "days": 7 }, "limit": 1 } } ]
        })
    };
    let narrower_scope = refused(
        &cap("channel", json!(["under_consent"])),
        "lender.cap",
        "us.regf.1006.14b2i.after_conversation",
    );
    assert!(
        narrower_scope
            .contains("counting per channel counts fewer events than the floor's per party"),
        "{narrower_scope}"
    );
    let extra_exclusion = refused(
        &cap("party", json!(["under_consent", "inbound"])),
        "lender.cap",
        "us.regf.1006.14b2i.after_conversation",
    );
    assert!(
        extra_exclusion.contains("it excludes inbound calls, which the floor counts"),
        "{extra_exclusion}"
    );
}

#[test]
fn an_unknown_base_is_an_error_naming_extends() {
    let doc = json!({ "id": "l", "version": "1", "extends": "xx-nowhere" });
    let err = load(&doc).unwrap_err();
    assert_eq!(err.path, "extends");
}

#[test]
fn the_built_in_packs_lint_clean() {
    for id in arrears_core::policy::packs::IDS {
        let p = Policy::builtin(id).unwrap();
        let found = arrears_core::policy::lint::lint(p.document());
        assert!(found.is_empty(), "{id}: {found:?}");
    }
}

#[test]
fn a_rule_inside_a_stricter_rule_is_reported_shadowed() {
    let doc = json!({
        "id": "l", "version": "1", "extends": "us-reg-f",
        "rules": [
            { "id": "lender.narrow", "cite": "l", "applies_to": { "tags": ["timed"] },
              "window": { "slots": [ { "days": ["any"], "from": "09:00", "to": "17:00" } ] } },
            { "id": "lender.wide", "cite": "l", "applies_to": { "actions": ["call"] },
              "window": { "slots": [ { "days": ["any"], "from": "08:30", "to": "20:00" } ] } }
        ],
        "strategy": [
            { "id": "s1", "cite": "l", "stages": ["m2"], "action": "call", "parties": ["borrower"] },
            { "id": "s2", "cite": "l", "stages": ["m2"], "action": "call", "parties": ["borrower"] }
        ]
    });
    let p = load(&doc).unwrap();
    let found = arrears_core::policy::lint::lint(p.document());
    let text = format!("{found:?}");
    assert!(
        text.contains("lender.wide")
            && text.contains("shadowed by the stricter rule \\\"lender.narrow\\\""),
        "{text}"
    );
    assert!(text.contains("\\\"s2\\\" is unreachable"), "{text}");
    assert!(
        !text.contains("\\\"lender.narrow\\\" is shadowed"),
        "{text}"
    );
}

#[test]
fn a_lender_market_may_narrow_the_packs_never_widen_it() {
    let lender = |market: Value| json!({ "id": "lender-market", "version": "1", "extends": "us-reg-f", "market": market });
    // Inherited when omitted.
    let base = Policy::builtin("us-reg-f").unwrap();
    let inherited = load(&json!({ "id": "l", "version": "1", "extends": "us-reg-f" })).unwrap();
    assert_eq!(inherited.document().market, base.document().market);
    assert!(base.document().market.is_some());
    // Narrowed: accepted, and it is the composed document's market.
    let narrow = load(&lender(
        json!({ "currencies": ["USD"], "time_zones": ["America/Chicago"] }),
    ))
    .unwrap();
    assert_eq!(
        narrow.document().market.as_ref().unwrap().time_zones.len(),
        1
    );
    // Widened by a currency or a zone: refused, naming what is outside.
    for (market, path, outside) in [
        (
            json!({ "currencies": ["USD", "CNY"], "time_zones": ["America/Chicago"] }),
            "market.currencies[1]",
            "CNY",
        ),
        (
            json!({ "currencies": ["USD"], "time_zones": ["America/Chicago", "Asia/Shanghai"] }),
            "market.time_zones[1]",
            "Asia/Shanghai",
        ),
    ] {
        let err = load(&lender(market)).expect_err("a wider market is refused");
        assert_eq!(err.code, ErrorCode::PolicyInvalid);
        assert_eq!(err.path, path);
        assert!(err.message.contains(outside), "{}", err.message);
        assert!(err.message.contains("never widen"), "{}", err.message);
    }
}

/// A lender document over `base` whose one rule is a window of this one slot, every day.
fn lender_hours(id: &str, base: &str, slot: Value) -> Value {
    let mut slot = slot;
    slot["days"] = json!(["any"]);
    json!({
        "id": id, "version": "1", "extends": base,
        "rules": [ { "id": "lender.hours", "cite": "lender", "applies_to": { "tags": ["timed"] },
                     "window": { "slots": [ slot ] } } ]
    })
}

#[test]
fn a_lender_window_that_lets_in_the_floors_left_out_end_instant_is_refused() {
    // us-reg-f leaves 08:00:00 out ("after 8 o'clock antemeridian"); a lender slot from 08:00
    // with its start included lets that one instant in.
    let eight_sharp = lender_hours(
        "lender-eight-sharp",
        "us-reg-f",
        json!({ "from": "08:00", "to": "20:00" }),
    );
    let msg = refused(
        &eight_sharp,
        "lender.hours",
        "us.regf.1006.6b1i.convenient_hours",
    );
    assert!(msg.contains("08:00 exactly"), "names the instant: {msg}");
    let after_eight = lender_hours(
        "lender-after-eight",
        "us-reg-f",
        json!({ "from": "08:00", "to": "20:00", "from_included": false }),
    );
    load(&after_eight).expect("a slot that leaves 08:00:00 out too is no looser");
}

#[test]
fn a_lender_window_that_lets_in_an_end_the_floor_lets_in_too_is_accepted_and_one_past_it_is_not() {
    // ph-sec lets 22:00:00 in ("after 10:00 P.M." is unreasonable); so may a lender, not 22:00:01.
    let ten_sharp = lender_hours(
        "lender-ten-sharp",
        "ph-sec",
        json!({ "from": "09:00", "to": "22:00", "to_included": true }),
    );
    load(&ten_sharp).expect("22:00:00 is inside the floor");
    let past_ten = lender_hours(
        "lender-past-ten",
        "ph-sec",
        json!({ "from": "09:00", "to": "22:01" }),
    );
    let msg = refused(
        &past_ten,
        "lender.hours",
        "ph.sec.mc18.s1.unreasonable_hours",
    );
    assert!(msg.contains("22:00-22:01"), "names the span: {msg}");
}
