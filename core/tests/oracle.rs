//! The oracle: a deliberately simple reference for `allowed`, `allowed_until` and
//! `next_allowed_at`.
//!
//! The engine answers with interval arithmetic over a widening horizon. The oracle instead walks
//! time minute by minute and asks each rule, at each minute, "do you let this through now?",
//! reading wall clocks, counting events and checking conditions directly at that instant. On
//! thousands of generated cases (several zones with DST, windows crossing midnight, caps, rests,
//! promises, letters) the two must agree to the minute. A disagreement is written out as a new
//! conformance case under `tests/conformance/cases/oracle-*` so it stays fixed once fixed.

use arrears_core::case::{Case, BORROWER};
use arrears_core::engine::{Facts, Target};
use arrears_core::policy::{Condition, Period, Policy, PolicyDocument, RuleDef, StepDef};
use arrears_core::time::{Date, Seconds, Zone};
use arrears_core::Engine;
use serde_json::{json, Value};

/// Minutes walked after `as_of`.
const HORIZON_MINUTES: i64 = 4 * 24 * 60;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*: deterministic, so a failing case can be regenerated from its seed.
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const ZONES: &[&str] = &[
    "America/New_York",
    "America/Los_Angeles",
    "America/Chicago",
    "Europe/London",
    "Europe/Berlin",
    "Asia/Shanghai",
    "Australia/Sydney",
    "America/Sao_Paulo",
];

/// Dates near DST changes in the zones above, to make the walk cross them often.
const DST_DATES: &[(i32, u32, u32)] = &[
    (2026, 3, 7),
    (2026, 3, 27),
    (2026, 10, 23),
    (2026, 10, 31),
    (2026, 4, 3),
    (2026, 10, 2),
    (2025, 11, 1),
    (2025, 3, 8),
];

fn clock(rng: &mut Rng) -> String {
    // Quarter hours from 04:00 to 23:45: clear of the 01:00-03:00 DST changes, where a wall time
    // may not exist or occur twice.
    let q = 16 + rng.below(80);
    format!("{:02}:{:02}", q / 4, (q % 4) * 15)
}

fn random_policy(rng: &mut Rng, base: &PolicyDocument) -> Value {
    let mut doc = serde_json::to_value(base).unwrap();
    doc["id"] = json!("oracle-policy");
    let mut rules = Vec::new();
    let days = ["any", "working_day", "non_working_day", "mon", "sat", "sun"];
    let windows = if rng.chance(20) { 2 } else { 1 };
    for i in 0..windows {
        let slots: Vec<Value> = (0..1 + rng.below(2))
            .map(|_| {
                let (from, to) = (clock(rng), clock(rng));
                json!({ "days": [rng.pick(&days)], "from": from, "to": if from == to { "23:59".to_string() } else { to } })
            })
            .collect();
        rules.push(json!({ "id": format!("oracle.window.{i}"), "cite": "oracle", "applies_to": { "tags": ["timed"] }, "window": { "slots": slots } }));
    }
    if rng.chance(50) {
        rules.push(json!({ "id": "oracle.inconvenient", "cite": "oracle", "applies_to": { "tags": ["timed"] }, "inconvenient_times": true }));
    }
    let counts = [
        "placed_call",
        "connected_call",
        "unanswered_attempt",
        "conversation",
        "contact",
    ];
    let scopes = ["party", "channel", "account"];
    for i in 0..rng.below(3) {
        let period = if rng.chance(15) {
            json!("ever")
        } else {
            json!({ "days": 1 + rng.below(7) })
        };
        let mut exclude = Vec::new();
        if rng.chance(40) {
            exclude.push("under_consent");
        }
        if rng.chance(30) {
            exclude.push("not_connected");
        }
        rules.push(json!({ "id": format!("oracle.cap.{i}"), "cite": "oracle", "applies_to": { "tags": ["phone"] },
            "cap": { "counts": rng.pick(&counts), "exclude": exclude, "scope": rng.pick(&scopes), "period": period, "limit": 1 + rng.below(4) } }));
    }
    if rng.chance(50) {
        rules.push(json!({ "id": "oracle.rest", "cite": "oracle", "applies_to": { "actions": ["call"] },
            "rest": { "counts": "placed_call", "scope": "party", "streak_days": 1 + rng.below(3), "rest_days": 1 + rng.below(3) } }));
    }
    if rng.chance(40) {
        rules.push(json!({ "id": "oracle.promise", "cite": "oracle", "applies_to": { "parties": ["borrower"] }, "forbid_when": "promise_active" }));
    }
    if rng.chance(30) {
        rules.push(json!({ "id": "oracle.dpd", "cite": "oracle", "applies_to": { "actions": ["sms"] }, "require": { "dpd_at_least": rng.below(40) } }));
    }
    if rng.chance(30) {
        rules.push(json!({ "id": "oracle.letter", "cite": "oracle", "applies_to": { "actions": ["call"] },
            "require": { "any": ["conversation_held", { "letter_sent": { "kind": "reminder", "days": rng.below(5) } }] } }));
    }
    doc["rules"] = Value::Array(rules);
    doc["strategy"] = json!([
        { "id": "oracle.step.call", "cite": "oracle", "action": "call", "parties": ["borrower", "reference"] },
        { "id": "oracle.step.sms", "cite": "oracle", "action": "sms", "parties": ["borrower"] },
        { "id": "oracle.step.pre_due", "cite": "oracle", "action": "ivr_call", "parties": ["borrower"], "when": { "due_within_days": 2 } }
    ]);
    doc["statuses"] = json!([]);
    doc
}

fn instant(t: Seconds) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .unwrap()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn random_case(rng: &mut Rng) -> Value {
    let primary = *rng.pick(ZONES);
    let mut zones = vec![primary];
    if rng.chance(30) {
        let other = *rng.pick(ZONES);
        if other != primary {
            zones.push(other);
        }
    }
    let (y, m, d) = if rng.chance(60) {
        *rng.pick(DST_DATES)
    } else {
        (2026, 1 + rng.below(12) as u32, 1 + rng.below(28) as u32)
    };
    let date = Date::from_ymd(y, m, d)
        .unwrap()
        .add_days(rng.below(3) as i64);
    let zone: Zone = primary.parse().unwrap();
    let as_of = zone.instant_at(date, (rng.below(24 * 4) * 15 * 60) as i64);
    let due = date.add_days(rng.below(60) as i64 - 20);
    let mut history = Vec::new();
    let channels = ["m1", "h1"];
    for _ in 0..rng.below(14) {
        let at = as_of - (rng.below(10 * 24 * 60) as i64 + 1) * 60;
        let outcome = *rng.pick(&[
            "connected",
            "no_answer",
            "busy",
            "voicemail",
            "wrong_number",
            "refused",
        ]);
        let party = if rng.chance(80) { BORROWER } else { "c1" };
        let channel = if party == BORROWER {
            *rng.pick(&channels)
        } else {
            "c1m"
        };
        let direction = if rng.chance(85) {
            "outbound"
        } else {
            "inbound"
        };
        history.push(json!({ "at": instant(at), "type": "call", "party": party, "channel": channel, "direction": direction, "outcome": outcome }));
    }
    if rng.chance(25) {
        let at = as_of - (rng.below(8 * 24 * 60) as i64 + 1) * 60;
        history.push(json!({ "at": instant(at), "type": "consent", "party": "borrower" }));
    }
    if rng.chance(35) {
        let at = as_of - (rng.below(3 * 24 * 60) as i64 + 1) * 60;
        let on = zone.date_of(at).add_days(rng.below(5) as i64);
        history.push(json!({ "at": instant(at), "type": "promise", "party": "borrower", "date": on.to_string(), "amount": 1000 }));
    }
    if rng.chance(30) {
        let at = as_of - (rng.below(6 * 24 * 60) as i64 + 1) * 60;
        history.push(
            json!({ "at": instant(at), "type": "letter", "party": "borrower", "kind": "reminder" }),
        );
    }
    let mut inconvenient = Vec::new();
    if rng.chance(50) {
        let (from, to) = (clock(rng), clock(rng));
        if from != to {
            let days: Vec<&str> = if rng.chance(50) {
                vec![]
            } else {
                vec![*rng.pick(&["mon", "tue", "sat", "sun"])]
            };
            inconvenient.push(json!({ "days": days, "from": from, "to": to }));
        }
    }
    json!({
        "as_of": instant(as_of),
        "account": { "id": "oracle", "currency": "USD", "book_time_zone": rng.pick(ZONES),
                     "installments": [ { "due": due.to_string(), "amount": 100000 } ] },
        "borrower": { "time_zones": zones,
                      "channels": [ { "id": "m1", "kind": "mobile" }, { "id": "h1", "kind": "home_phone" } ],
                      "inconvenient_times": inconvenient, "risk_grade": "B" },
        "contacts": [ { "id": "c1", "role": "reference", "channels": [ { "id": "c1m", "kind": "mobile" } ] } ],
        "history": history
    })
}

/// The reference: is the candidate allowed at instant `t`?
struct Oracle<'a> {
    facts: &'a Facts<'a>,
}

impl Oracle<'_> {
    fn holds_at(&self, cond: &Condition, target: &Target, t: Seconds) -> bool {
        let f = self.facts;
        let local_days_after = |at: Seconds, days: u32| {
            f.primary
                .start_of(f.primary.date_of(at).add_days(days.into()))
        };
        match cond {
            Condition::All(v) => v.iter().all(|c| self.holds_at(c, target, t)),
            Condition::Any(v) => v.iter().any(|c| self.holds_at(c, target, t)),
            Condition::Not(c) => !self.holds_at(c, target, t),
            Condition::DpdAtLeast(n) => f.ledger.standing(f.book.date_of(t)).days_past_due >= *n,
            Condition::DueWithinDays(n) => {
                let today = f.standing.business_date;
                let on = f.book.date_of(t);
                f.ledger
                    .unpaid_due_dates_from(today)
                    .any(|u| on >= u.add_days(-i64::from(*n)) && on <= u)
            }
            Condition::PromiseActive => f
                .promises
                .iter()
                .any(|p| p.honoured && p.party == BORROWER && p.made_at <= t && t < p.ends_at),
            Condition::PromiseDay => f.promises.iter().any(|p| {
                p.honoured
                    && p.party == BORROWER
                    && p.made_at <= t
                    && t < p.ends_at
                    && f.primary.date_of(t) == p.date
            }),
            Condition::LetterSent(l) => match f.history.first_letter(l.kind) {
                None => false,
                Some(t0) if l.days == 0 => t >= t0,
                Some(t0) => t >= local_days_after(t0, l.days),
            },
            Condition::NoConversationForDays(n) => {
                let since = f
                    .history
                    .last_conversation
                    .or_else(|| f.standing.overdue_since.map(|d| f.book.start_of(d)));
                since.is_some_and(|s| t >= local_days_after(s, *n))
            }
            Condition::LostContactForDays(n) => f
                .history
                .lost_contact_since
                .is_some_and(|s| t >= local_days_after(s, *n)),
            constant => f.holds_now(constant, target),
        }
    }

    /// Whether the wall clock `secs` on local `date` falls in a daily span `from..to` that starts on
    /// days accepted by `starts_on` (a span with `to <= from` runs past midnight).
    fn in_daily_span(
        date: Date,
        secs: i64,
        from: i64,
        to: i64,
        starts_on: impl Fn(Date) -> bool,
    ) -> bool {
        if from < to {
            starts_on(date) && from <= secs && secs < to
        } else {
            (starts_on(date) && secs >= from) || (starts_on(date.add_days(-1)) && secs < to)
        }
    }

    fn rule_allows(&self, rule: &RuleDef, target: &Target, t: Seconds) -> bool {
        let f = self.facts;
        if let Some(w) = &rule.window {
            return f.zones.iter().all(|z| {
                let (date, secs) = (z.date_of(t), z.clock_of(t));
                w.slots.iter().any(|s| {
                    Self::in_daily_span(date, secs, s.from.seconds(), s.to.seconds(), |d| {
                        s.days.iter().any(|k| f.calendar.matches(d, *k))
                    })
                })
            });
        }
        if rule.inconvenient_times.is_some() {
            let (date, secs) = (f.primary.date_of(t), f.primary.clock_of(t));
            return !f.case.borrower.inconvenient_times.iter().any(|it| {
                Self::in_daily_span(date, secs, it.from.seconds(), it.to.seconds(), |d| {
                    it.days.is_empty() || it.days.contains(&d.weekday())
                })
            });
        }
        let counted = |counts, exclude: &[_], scope| -> Vec<Date> {
            f.history
                .events
                .iter()
                .filter(|e| match scope {
                    arrears_core::policy::Scope::Account => true,
                    arrears_core::policy::Scope::Party => e.party.as_deref() == Some(target.party),
                    arrears_core::policy::Scope::Channel => match target.channel {
                        Some(ch) => e.channel.as_deref() == Some(ch.id.as_str()),
                        None => e.party.as_deref() == Some(target.party),
                    },
                })
                .filter(|e| f.history.counts(e, counts, exclude))
                .map(|e| f.primary.date_of(e.at.seconds()))
                .collect()
        };
        if let Some(cap) = &rule.cap {
            let dates = counted(cap.counts, &cap.exclude, cap.scope);
            let today = f.primary.date_of(t);
            let n = match cap.period {
                Period::Ever => dates.len(),
                Period::Days(days) => dates
                    .iter()
                    .filter(|d| **d <= today && **d > today.add_days(-i64::from(days)))
                    .count(),
            };
            let consented = cap
                .exclude
                .contains(&arrears_core::policy::Exclusion::UnderConsent)
                && f.history
                    .consent_spans(target.party)
                    .any(|(a, b)| a <= t && t < b);
            return (n as u64) < u64::from(cap.limit) || consented;
        }
        if let Some(rest) = &rest_of(rule) {
            let dates = counted(rest.counts, &[], rest.scope);
            let today = f.primary.date_of(t);
            let streak_ends_on = |end: Date| {
                (0..i64::from(rest.streak_days)).all(|i| dates.contains(&end.add_days(-i)))
            };
            return !(1..=i64::from(rest.rest_days))
                .any(|back| streak_ends_on(today.add_days(-back)));
        }
        if let Some(c) = &rule.forbid_when {
            return !self.holds_at(c, target, t);
        }
        if let Some(c) = &rule.require {
            return self.holds_at(c, target, t);
        }
        true
    }

    fn allowed_at(&self, step: &StepDef, target: &Target, t: Seconds) -> bool {
        let f = self.facts;
        if let Some(w) = &step.when {
            if !self.holds_at(w, target, t) {
                return false;
            }
        }
        f.policy
            .document()
            .rules
            .iter()
            .filter(|r| r.obligation.is_none() && f.selects(&r.applies_to, target))
            .all(|r| self.rule_allows(r, target, t))
    }
}

fn rest_of(rule: &RuleDef) -> Option<arrears_core::policy::RestDef> {
    rule.rest.clone()
}

fn dump(name: &str, policy: &Value, case: &Value, why: &str) -> String {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/conformance");
    let dir = root.join("cases").join(name);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::create_dir_all(root.join("policies")).unwrap();
    let policy_file = format!("policies/{name}.json");
    std::fs::write(
        root.join(&policy_file),
        serde_json::to_string_pretty(policy).unwrap(),
    )
    .unwrap();
    std::fs::write(
        dir.join("case.json"),
        serde_json::to_string_pretty(case).unwrap(),
    )
    .unwrap();
    let meta =
        json!({ "policy": policy_file, "description": format!("oracle disagreement: {why}") });
    std::fs::write(
        dir.join("meta.json"),
        serde_json::to_string_pretty(&meta).unwrap(),
    )
    .unwrap();
    dir.display().to_string()
}

#[test]
fn engine_agrees_with_the_minute_by_minute_oracle_on_generated_cases() {
    let cases: u64 = std::env::var("ARREARS_ORACLE_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let bases: Vec<PolicyDocument> = ["cn-microloan", "us-reg-f"]
        .iter()
        .map(|id| Policy::builtin(id).unwrap().document().clone())
        .collect();
    let mut failures = Vec::new();
    let mut compared = 0u64;
    let (mut with_edge, mut allowed_now) = (0u64, 0u64);
    for seed in 1..=cases {
        let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
        let base = &bases[(seed % 2) as usize];
        let policy_json = random_policy(&mut rng, base);
        let case_json = random_case(&mut rng);
        let policy =
            Policy::from_json(&policy_json.to_string()).expect("generated policy is valid");
        let case = Case::from_json(&case_json.to_string()).expect("generated case is valid");
        let engine = Engine::new(policy.clone());
        let decision = engine.decide(&case);
        let (facts, _) = Facts::new(&case, &policy);
        let oracle = Oracle { facts: &facts };
        let as_of = case.as_of.seconds();
        let zone = facts.primary;
        for verdict in &decision.actions {
            let step = policy
                .document()
                .strategy
                .iter()
                .find(|s| s.id == verdict.rule)
                .unwrap();
            let target = facts
                .candidates(step)
                .into_iter()
                .find(|t| {
                    t.party == verdict.party && t.channel.map(|c| c.id.clone()) == verdict.channel
                })
                .unwrap();
            compared += 1;
            let now = oracle.allowed_at(step, &target, as_of);
            let flip = (1..=HORIZON_MINUTES)
                .map(|m| as_of + m * 60)
                .find(|&t| oracle.allowed_at(step, &target, t) != now);
            with_edge += u64::from(flip.is_some());
            allowed_now += u64::from(now);
            let engine_edge = if verdict.allowed {
                &verdict.allowed_until
            } else {
                &verdict.next_allowed_at
            };
            let horizon_end = as_of + HORIZON_MINUTES * 60;
            let agrees = now == verdict.allowed
                && match (flip, engine_edge) {
                    (Some(t), Some(e)) => zone.render(t) == *e,
                    (Some(_), None) => false,
                    (None, None) => true,
                    (None, Some(e)) => {
                        *e > zone.render(horizon_end) || {
                            // Rendered instants compare as text only within one offset; compare
                            // as instants instead.
                            chrono::DateTime::parse_from_rfc3339(e).unwrap().timestamp()
                                > horizon_end
                        }
                    }
                };
            if !agrees {
                let why = format!(
                    "seed {seed}: {} {} {:?}: oracle allowed={now} flips at {:?}; engine allowed={} edge={:?}",
                    verdict.action,
                    verdict.party,
                    verdict.channel,
                    flip.map(|t| zone.render(t)),
                    verdict.allowed,
                    engine_edge
                );
                let path = dump(&format!("oracle-{seed:05}"), &policy_json, &case_json, &why);
                failures.push(format!("{why}\n  written to {path}"));
                break;
            }
        }
        if failures.len() >= 5 {
            break;
        }
    }
    eprintln!("oracle: {compared} candidates, {allowed_now} allowed at as_of, {with_edge} with an edge in the walk");
    assert!(compared > cases, "too few candidates compared: {compared}");
    // A walk that never sees an edge would compare nothing of interest.
    assert!(
        with_edge * 3 > compared,
        "only {with_edge} of {compared} candidates change within the walk"
    );
    assert!(
        allowed_now * 20 > compared && allowed_now * 10 < compared * 9,
        "allowed {allowed_now} of {compared}: the generator is lopsided"
    );
    assert!(
        failures.is_empty(),
        "{} disagreements:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
