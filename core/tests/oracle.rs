//! The oracle: an independent reference for `allowed`, `allowed_until` and `next_allowed_at`.
//!
//! The engine answers with interval arithmetic over a widening horizon, on its own time-zone table,
//! calendar and history model. The oracle shares none of that: it reads the policy document and
//! the case as plain JSON, reads wall clocks with chrono-tz, keeps its own calendar and its own
//! event counts, and walks time minute by minute asking each rule "do you let this candidate
//! through now?". The only thing it takes from the engine is the decision under test, through the
//! JSON contract (`ffi::decide`).
//!
//! Generated cases put `as_of` at every quarter hour of the day, in zones with daylight-saving
//! changes (New York, Los Angeles, London, Sydney) and one without (Shanghai), mostly in the days
//! before a change so that the four-day walk crosses it; windows and inconvenient times start and
//! end at any quarter hour, the 01:00-03:00 of the changes included. Where a wall-clock time does
//! not exist (the spring-forward gap) a boundary at that time is the first instant after the gap;
//! where it occurs twice (fall-back) it is the earlier one: "from 02:30" on such a day means the
//! first moment the clock has reached 02:30.
//!
//! A disagreement prints the seed, the candidate and the minute, and writes the policy and case to
//! a scratch directory (never into the repository) so it can be run with the command line.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, LocalResult, NaiveDate, NaiveTime, TimeZone, Weekday};
use chrono_tz::Tz;
use serde_json::{json, Value};

/// Minutes walked after `as_of`.
const HORIZON_MINUTES: i64 = 4 * 24 * 60;
const MINUTE: i64 = 60;

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
    "Europe/London",
    "Asia/Shanghai",
    "Australia/Sydney",
];

/// Dates of the daylight-saving changes of 2025 and 2026 in each zone above, for the walk to cross.
fn changes(zone: &str) -> &'static [(i32, u32, u32)] {
    match zone {
        "America/New_York" | "America/Los_Angeles" => {
            &[(2025, 3, 9), (2025, 11, 2), (2026, 3, 8), (2026, 11, 1)]
        }
        "Europe/London" => &[(2025, 3, 30), (2025, 10, 26), (2026, 3, 29), (2026, 10, 25)],
        "Australia/Sydney" => &[(2025, 4, 6), (2025, 10, 5), (2026, 4, 5), (2026, 10, 4)],
        _ => &[],
    }
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a calendar date")
}

fn days_after(d: NaiveDate, n: i64) -> NaiveDate {
    d + chrono::Duration::days(n)
}

fn hhmm(secs: i64) -> String {
    format!("{:02}:{:02}", secs / 3600, secs % 3600 / 60)
}

fn parse_hhmm(s: &str) -> i64 {
    let (h, m) = s.split_once(':').expect("hh:mm");
    h.parse::<i64>().unwrap() * 3600 + m.parse::<i64>().unwrap() * 60
}

/// A quarter hour of the day, two times in five inside the small hours where clocks change.
fn clock(rng: &mut Rng) -> i64 {
    let q = if rng.chance(40) {
        3 + rng.below(10) // 00:45 .. 03:00
    } else {
        rng.below(96)
    };
    (q * 15 * 60) as i64
}

fn instant(t: i64) -> String {
    DateTime::from_timestamp(t, 0)
        .unwrap()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn pack(id: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("packs")
        .join(format!("{id}.json"));
    serde_json::from_str(&std::fs::read_to_string(path).expect("pack file")).expect("pack JSON")
}

fn random_policy(rng: &mut Rng, base: &Value) -> Value {
    let mut doc = base.clone();
    doc["id"] = json!("oracle-policy");
    let mut rules = Vec::new();
    let days = [
        "any",
        "working_day",
        "non_working_day",
        "holiday",
        "mon",
        "sat",
        "sun",
    ];
    for i in 0..if rng.chance(20) { 2 } else { 1 } {
        let slots: Vec<Value> = (0..1 + rng.below(2))
            .map(|_| {
                let (from, mut to) = (clock(rng), clock(rng));
                if to == from {
                    to = (from + 8 * 3600) % (24 * 3600); // an empty slot is refused
                }
                json!({ "days": [rng.pick(&days)], "from": hhmm(from), "to": hhmm(to) })
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
        if rng.chance(20) {
            exclude.push("inbound");
        }
        rules.push(json!({ "id": format!("oracle.cap.{i}"), "cite": "oracle", "applies_to": { "tags": ["phone"] },
            "cap": { "counts": rng.pick(&counts), "exclude": exclude, "scope": rng.pick(&scopes), "period": period, "limit": 1 + rng.below(4) } }));
    }
    if rng.chance(50) {
        rules.push(json!({ "id": "oracle.rest", "cite": "oracle", "applies_to": { "actions": ["call"] },
            "rest": { "counts": rng.pick(&["placed_call", "contact"]), "scope": rng.pick(&["party", "account"]),
                      "streak_days": 1 + rng.below(3), "rest_days": 1 + rng.below(3) } }));
    }
    if rng.chance(30) {
        rules.push(
            json!({ "id": "oracle.letter", "cite": "oracle", "applies_to": { "actions": ["sms"] },
            "require": { "letter_sent": { "kind": "reminder", "days": rng.below(5) } } }),
        );
    }
    doc["rules"] = Value::Array(rules);
    doc["strategy"] = json!([
        { "id": "oracle.step.call", "cite": "oracle", "action": "call", "parties": ["borrower", "reference"] },
        { "id": "oracle.step.sms", "cite": "oracle", "action": "sms", "parties": ["borrower"] }
    ]);
    doc["statuses"] = json!([]);
    doc
}

/// The first instant at which the wall clock of `tz` has reached `secs` into `day`.
fn wall(tz: Tz, day: NaiveDate, secs: i64) -> (i64, Reading) {
    let local = day.and_time(NaiveTime::MIN) + chrono::Duration::seconds(secs);
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => (t.timestamp(), Reading::Once),
        LocalResult::Ambiguous(a, b) => (a.timestamp().min(b.timestamp()), Reading::Twice),
        LocalResult::None => {
            // Inside a gap: the clock first reads a later time, at the instant the gap ends.
            for m in 1..=24 * 60 {
                if let Some(t) = tz
                    .from_local_datetime(&(local + chrono::Duration::minutes(m)))
                    .earliest()
                {
                    return (t.timestamp(), Reading::Skipped);
                }
            }
            panic!("{tz}: no wall clock within a day of {local}");
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Reading {
    Once,
    Twice,
    Skipped,
}

fn local_date(tz: Tz, t: i64) -> NaiveDate {
    tz.timestamp_opt(t, 0).unwrap().date_naive()
}

struct Calendar {
    weekend: Vec<Weekday>,
    holidays: BTreeSet<NaiveDate>,
    working_days: BTreeSet<NaiveDate>,
}

impl Calendar {
    fn of(doc: &Value) -> Calendar {
        let d = |v: &Value| NaiveDate::parse_from_str(v.as_str().unwrap(), "%Y-%m-%d").unwrap();
        let cal = &doc["calendar"];
        let mut holidays = BTreeSet::new();
        for h in cal["holidays"].as_array().into_iter().flatten() {
            let (mut x, to) = (d(&h["from"]), d(&h["to"]));
            while x <= to {
                holidays.insert(x);
                x = days_after(x, 1);
            }
        }
        Calendar {
            weekend: cal["weekend"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|w| weekday(w.as_str().unwrap()))
                .collect(),
            holidays,
            working_days: cal["working_days"]
                .as_array()
                .into_iter()
                .flatten()
                .map(d)
                .collect(),
        }
    }

    fn matches(&self, day: NaiveDate, kind: &str) -> bool {
        let holiday = self.holidays.contains(&day);
        let working = !holiday
            && (self.working_days.contains(&day) || !self.weekend.contains(&day.weekday()));
        match kind {
            "any" => true,
            "working_day" => working,
            "non_working_day" => !working,
            "holiday" => holiday,
            named => day.weekday() == weekday(named),
        }
    }
}

fn weekday(s: &str) -> Weekday {
    match s {
        "mon" => Weekday::Mon,
        "tue" => Weekday::Tue,
        "wed" => Weekday::Wed,
        "thu" => Weekday::Thu,
        "fri" => Weekday::Fri,
        "sat" => Weekday::Sat,
        "sun" => Weekday::Sun,
        other => panic!("not a weekday: {other}"),
    }
}

struct Event {
    at: i64,
    kind: String,
    party: Option<String>,
    channel: Option<String>,
    outbound: bool,
    outcome: Option<String>,
    letter: Option<String>,
}

fn seconds_of(v: &Value) -> i64 {
    DateTime::parse_from_rfc3339(v.as_str().unwrap())
        .unwrap()
        .timestamp()
}

/// A candidate of the decision: an action for a party on a channel.
struct Target<'a> {
    action: &'a str,
    party: &'a str,
    party_kind: &'a str,
    channel: Option<&'a str>,
}

/// The reference: everything read from the two documents, nothing from the engine.
struct Oracle {
    rules: Vec<Value>,
    action_tags: BTreeMap<String, Vec<String>>,
    zones: Vec<Tz>,
    primary: Tz,
    calendar: Calendar,
    inconvenient: Vec<(Vec<Weekday>, i64, i64)>,
    events: Vec<Event>,
    /// Per party, the spans in which a direct consent lifting call frequency lasts.
    consents: Vec<(String, i64, i64)>,
    /// Wall-clock spans (start, end) of each window rule (by rule index) and of the inconvenient
    /// times, over the dates the walk can reach.
    window_spans: BTreeMap<usize, Vec<Vec<(i64, i64)>>>,
    inconvenient_spans: Vec<(i64, i64)>,
    /// Wall-clock readings that fell in a gap or an overlap, and the spans computed.
    readings: [u64; 3],
}

impl Oracle {
    fn new(policy: &Value, case: &Value) -> Oracle {
        let zones: Vec<Tz> = case["borrower"]["time_zones"]
            .as_array()
            .unwrap()
            .iter()
            .map(|z| z.as_str().unwrap().parse().unwrap())
            .collect();
        let primary = zones[0];
        let mut events: Vec<Event> = case["history"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| Event {
                at: seconds_of(&e["at"]),
                kind: e["type"].as_str().unwrap().to_string(),
                party: e["party"].as_str().map(str::to_string),
                channel: e["channel"].as_str().map(str::to_string),
                outbound: e["direction"].as_str() != Some("inbound"),
                outcome: e["outcome"].as_str().map(str::to_string),
                letter: e["kind"].as_str().map(str::to_string),
            })
            .collect();
        events.sort_by_key(|e| e.at);
        // Consent covers the day it was given and the policy's number of days after it; it ends
        // early at the next conversation with that party (itself still covered) only when the
        // policy's consent definition says so, and lifts what the event's scope names, or else the
        // policy's default scope. Only a consent lifting frequency exempts calls from caps.
        let consent_days = policy["contact"]["consent_days"].as_i64().unwrap_or(7);
        let consent_def = &policy["contact"]["consent"];
        let ends_at_conversation = consent_def["ends_on"]
            .as_array()
            .is_some_and(|ends| ends.iter().any(|x| x == "conversation"));
        let default_scope: Vec<String> = consent_def["default_scope"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|x| x.as_str().unwrap().to_string())
            .collect();
        let consents = case["history"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["type"] == "consent")
            .map(|e| {
                let party = e["party"].as_str().unwrap().to_string();
                let at = seconds_of(&e["at"]);
                let mut end = wall(
                    primary,
                    days_after(local_date(primary, at), consent_days),
                    0,
                )
                .0;
                if ends_at_conversation {
                    if let Some(talk) = events.iter().find(|t| {
                        t.at > at
                            && t.kind == "call"
                            && t.outcome.as_deref() == Some("connected")
                            && t.party.as_deref() == Some(party.as_str())
                    }) {
                        end = end.min(talk.at + 1);
                    }
                }
                let lifts = match e["scope"].as_array() {
                    Some(scope) => scope
                        .iter()
                        .map(|x| x.as_str().unwrap().to_string())
                        .collect(),
                    None => default_scope.clone(),
                };
                (
                    party,
                    at,
                    end,
                    lifts.iter().any(|l: &String| l == "frequency"),
                )
            })
            .filter(|&(_, _, _, frequency)| frequency)
            .map(|(party, at, end, _)| (party, at, end))
            .collect();
        let action_tags = policy["actions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                let tags = a["tags"].as_array().into_iter().flatten();
                (
                    a["id"].as_str().unwrap().to_string(),
                    tags.map(|t| t.as_str().unwrap().to_string()).collect(),
                )
            })
            .collect();
        let inconvenient = case["borrower"]["inconvenient_times"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|it| {
                let days = it["days"].as_array().into_iter().flatten();
                (
                    days.map(|d| weekday(d.as_str().unwrap())).collect(),
                    parse_hhmm(it["from"].as_str().unwrap()),
                    parse_hhmm(it["to"].as_str().unwrap()),
                )
            })
            .collect();
        let mut oracle = Oracle {
            rules: policy["rules"].as_array().unwrap().clone(),
            action_tags,
            zones,
            primary,
            calendar: Calendar::of(policy),
            inconvenient,
            events,
            consents,
            window_spans: BTreeMap::new(),
            inconvenient_spans: Vec::new(),
            readings: [0; 3],
        };
        oracle.lay_out_spans(seconds_of(&case["as_of"]));
        oracle
    }

    /// The wall-clock spans of every window and of the inconvenient times, for every local date
    /// from two days before `as_of` to two days after the walk.
    fn lay_out_spans(&mut self, as_of: i64) {
        fn read(tz: Tz, day: NaiveDate, secs: i64, readings: &mut [u64; 3]) -> i64 {
            let (t, how) = wall(tz, day, secs);
            readings[how as usize] += 1;
            t
        }
        let mut readings = [0u64; 3];
        for (i, rule) in self.rules.iter().enumerate() {
            let Some(slots) = rule["window"]["slots"].as_array() else {
                continue;
            };
            let mut per_zone = Vec::new();
            for &tz in &self.zones {
                let mut spans = Vec::new();
                let first = days_after(local_date(tz, as_of), -2);
                for k in 0..(HORIZON_MINUTES / (24 * 60) + 5) {
                    let day = days_after(first, k);
                    for s in slots {
                        let on = s["days"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .any(|d| self.calendar.matches(day, d.as_str().unwrap()));
                        if !on {
                            continue;
                        }
                        let (from, to) = (
                            parse_hhmm(s["from"].as_str().unwrap()),
                            parse_hhmm(s["to"].as_str().unwrap()),
                        );
                        let end_day = if to <= from { days_after(day, 1) } else { day };
                        spans.push((
                            read(tz, day, from, &mut readings),
                            read(tz, end_day, to, &mut readings),
                        ));
                    }
                }
                per_zone.push(spans);
            }
            self.window_spans.insert(i, per_zone);
        }
        let tz = self.primary;
        let first = days_after(local_date(tz, as_of), -2);
        for k in 0..(HORIZON_MINUTES / (24 * 60) + 5) {
            let day = days_after(first, k);
            for (days, from, to) in &self.inconvenient {
                if days.is_empty() || days.contains(&day.weekday()) {
                    let end_day = if to <= from { days_after(day, 1) } else { day };
                    self.inconvenient_spans.push((
                        read(tz, day, *from, &mut readings),
                        read(tz, end_day, *to, &mut readings),
                    ));
                }
            }
        }
        self.readings = readings;
    }

    fn selects(&self, applies_to: &Value, target: &Target) -> bool {
        let list = |k: &str| -> Vec<&str> {
            applies_to[k]
                .as_array()
                .into_iter()
                .flatten()
                .map(|v| v.as_str().unwrap())
                .collect()
        };
        let (actions, tags, parties) = (list("actions"), list("tags"), list("parties"));
        let own = &self.action_tags[target.action];
        (actions.is_empty() || actions.contains(&target.action))
            && (tags.is_empty() || tags.iter().any(|t| own.iter().any(|o| o == t)))
            && (parties.is_empty() || parties.contains(&target.party_kind))
    }

    fn under_consent(&self, party: &str, t: i64) -> bool {
        self.consents
            .iter()
            .any(|(p, a, b)| p == party && *a <= t && t < *b)
    }

    /// Whether an event counts toward a cap or rest pattern of this kind, with these exclusions.
    fn counts(&self, e: &Event, kind: &str, exclude: &[&str]) -> bool {
        let call = e.kind == "call";
        let connected = e.outcome.as_deref() == Some("connected");
        let is = match kind {
            "placed_call" => call && e.outbound,
            "connected_call" => call && e.outbound && connected,
            "unanswered_attempt" => {
                call && e.outbound
                    && matches!(
                        e.outcome.as_deref(),
                        Some("no_answer" | "busy" | "voicemail")
                    )
            }
            "conversation" => call && connected,
            "contact" => {
                matches!(
                    e.kind.as_str(),
                    "call" | "sms" | "email" | "letter" | "visit"
                ) && e.outbound
            }
            other => panic!("count kind {other} is not generated"),
        };
        is && !exclude.iter().any(|x| match *x {
            "inbound" => !e.outbound,
            "not_connected" => call && e.outcome.as_deref() == Some("busy"),
            "under_consent" => {
                call && kind != "conversation"
                    && e.party
                        .as_deref()
                        .is_some_and(|p| self.under_consent(p, e.at))
            }
            other => panic!("exclusion {other} is not generated"),
        })
    }

    /// Local dates (first zone) of the events a cap or rest pattern counts for the target.
    fn counted_dates(&self, spec: &Value, exclude: &[&str], target: &Target) -> Vec<NaiveDate> {
        let kind = spec["counts"].as_str().unwrap();
        self.events
            .iter()
            .filter(|e| match spec["scope"].as_str().unwrap() {
                "account" => true,
                "party" => e.party.as_deref() == Some(target.party),
                "channel" => match target.channel {
                    Some(ch) => e.channel.as_deref() == Some(ch),
                    None => e.party.as_deref() == Some(target.party),
                },
                other => panic!("scope {other} is not generated"),
            })
            .filter(|e| self.counts(e, kind, exclude))
            .map(|e| local_date(self.primary, e.at))
            .collect()
    }

    /// What one rule asks of a candidate, read once: the minute walk then only compares.
    fn check_of(&self, i: usize, rule: &Value, target: &Target) -> Check {
        if self.window_spans.contains_key(&i) {
            return Check::Window(i);
        }
        if rule["inconvenient_times"] == json!(true) {
            return Check::Convenient;
        }
        if let Some(cap) = rule.get("cap") {
            let exclude: Vec<&str> = cap["exclude"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_str().unwrap())
                .collect();
            return Check::Cap {
                dates: self.counted_dates(cap, &exclude, target),
                days: cap["period"]["days"].as_i64(),
                limit: cap["limit"].as_u64().unwrap() as usize,
                lifted_by_consent: exclude.contains(&"under_consent"),
            };
        }
        if let Some(rest) = rule.get("rest") {
            return Check::Rest {
                dates: self.counted_dates(rest, &[], target).into_iter().collect(),
                streak: rest["streak_days"].as_i64().unwrap(),
                rest_days: rest["rest_days"].as_i64().unwrap(),
            };
        }
        if let Some(letter) = rule["require"].get("letter_sent") {
            let kind = letter["kind"].as_str().unwrap();
            let first = self.events.iter().find(|e| {
                e.kind == "letter"
                    && e.letter.as_deref() == Some(kind)
                    && e.party.as_deref().is_none_or(|p| p == "borrower")
            });
            // Sent `days` local days ago: from the start of the day that many days after it.
            return Check::From(first.map(|e| {
                match letter["days"].as_i64().unwrap() {
                    0 => e.at,
                    days => {
                        wall(
                            self.primary,
                            days_after(local_date(self.primary, e.at), days),
                            0,
                        )
                        .0
                    }
                }
            }));
        }
        panic!("rule {rule} is of a kind the generator does not write");
    }

    fn checks(&self, target: &Target) -> Vec<Check> {
        self.rules
            .iter()
            .enumerate()
            .filter(|(_, r)| self.selects(&r["applies_to"], target))
            .map(|(i, r)| self.check_of(i, r, target))
            .collect()
    }

    fn passes(&self, check: &Check, party: &str, t: i64) -> bool {
        match check {
            Check::Window(i) => self.window_spans[i]
                .iter()
                .all(|spans| spans.iter().any(|&(a, b)| a <= t && t < b)),
            Check::Convenient => !self
                .inconvenient_spans
                .iter()
                .any(|&(a, b)| a <= t && t < b),
            Check::Cap {
                dates,
                days,
                limit,
                lifted_by_consent,
            } => {
                let today = local_date(self.primary, t);
                let n = match days {
                    None => dates.len(),
                    Some(days) => dates
                        .iter()
                        .filter(|d| **d <= today && **d > days_after(today, -days))
                        .count(),
                };
                n < *limit || (*lifted_by_consent && self.under_consent(party, t))
            }
            Check::Rest {
                dates,
                streak,
                rest_days,
            } => {
                let today = local_date(self.primary, t);
                let streak_ends_on =
                    |end: NaiveDate| (0..*streak).all(|i| dates.contains(&days_after(end, -i)));
                !(1..=*rest_days).any(|back| streak_ends_on(days_after(today, -back)))
            }
            Check::From(at) => at.is_some_and(|a| t >= a),
        }
    }
}

enum Check {
    Window(usize),
    Convenient,
    Cap {
        dates: Vec<NaiveDate>,
        days: Option<i64>,
        limit: usize,
        lifted_by_consent: bool,
    },
    Rest {
        dates: BTreeSet<NaiveDate>,
        streak: i64,
        rest_days: i64,
    },
    /// Allowed from this instant on (never, if none).
    From(Option<i64>),
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
    let day = if rng.chance(70) && !changes(primary).is_empty() {
        let &(y, m, d) = rng.pick(changes(primary));
        days_after(date(y, m, d), -(rng.below(4) as i64))
    } else {
        days_after(date(2025, 1, 1), rng.below(730) as i64)
    };
    let tz: Tz = primary.parse().unwrap();
    // Any quarter hour of the instants of that local day, the repeated hour of a fall-back included.
    let start = wall(tz, day, 0).0;
    let end = wall(tz, days_after(day, 1), 0).0;
    let as_of = start + (rng.below(((end - start) / (15 * MINUTE)) as u64) as i64) * 15 * MINUTE;
    let due = days_after(day, rng.below(60) as i64 - 20);
    let mut history = Vec::new();
    for _ in 0..rng.below(14) {
        let at = as_of - (rng.below(10 * 24 * 60) as i64 + 1) * MINUTE;
        let outcome = *rng.pick(&[
            "connected",
            "no_answer",
            "busy",
            "voicemail",
            "wrong_number",
            "refused",
        ]);
        let party = if rng.chance(80) { "borrower" } else { "c1" };
        let channel = if party == "borrower" {
            *rng.pick(&["m1", "h1"])
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
        let at = as_of - (rng.below(8 * 24 * 60) as i64 + 1) * MINUTE;
        history.push(json!({ "at": instant(at), "type": "consent", "party": "borrower" }));
    }
    if rng.chance(30) {
        let at = as_of - (rng.below(6 * 24 * 60) as i64 + 1) * MINUTE;
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
            inconvenient.push(json!({ "days": days, "from": hhmm(from), "to": hhmm(to) }));
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

/// Writes a disagreeing case where the command line can run it, outside the repository.
fn keep(seed: u64, policy: &Value, case: &Value) -> String {
    let dir = std::env::temp_dir()
        .join("arrears-oracle")
        .join(format!("seed-{seed}"));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("policy.json"),
        serde_json::to_string_pretty(policy).unwrap(),
    )
    .unwrap();
    std::fs::write(
        dir.join("case.json"),
        serde_json::to_string_pretty(case).unwrap(),
    )
    .unwrap();
    dir.display().to_string()
}

/// Whether the engine's verdict and edge agree with the oracle's state at `as_of` and the first
/// minute it changes (none within the walk: the engine's edge, if any, lies beyond it).
fn agrees(
    now: bool,
    flip: Option<i64>,
    engine_allowed: bool,
    engine_edge: Option<i64>,
    as_of: i64,
) -> bool {
    now == engine_allowed
        && match (flip, engine_edge) {
            (Some(t), Some(e)) => t == e,
            (Some(_), None) => false,
            (None, None) => true,
            (None, Some(e)) => e > as_of + HORIZON_MINUTES * MINUTE,
        }
}

#[test]
fn the_oracle_reads_wall_clocks_in_gaps_and_overlaps_as_documented() {
    let ny: Tz = "America/New_York".parse().unwrap();
    let utc = |s: &str| seconds_of(&json!(s));
    // Spring forward, 2026-03-08: 02:30 never shows; the clock first reaches it at 03:00 EDT.
    let (t, how) = wall(ny, date(2026, 3, 8), parse_hhmm("02:30"));
    assert!(t == utc("2026-03-08T07:00:00Z") && how == Reading::Skipped);
    // Fall back, 2026-11-01: 01:30 shows twice; the first time is 01:30 EDT.
    let (t, how) = wall(ny, date(2026, 11, 1), parse_hhmm("01:30"));
    assert!(t == utc("2026-11-01T05:30:00Z") && how == Reading::Twice);
    let (t, how) = wall(ny, date(2026, 11, 1), parse_hhmm("09:00"));
    assert!(t == utc("2026-11-01T14:00:00Z") && how == Reading::Once);
    let sh: Tz = "Asia/Shanghai".parse().unwrap();
    assert_eq!(
        wall(sh, date(2026, 2, 16), parse_hhmm("09:00")).0,
        utc("2026-02-16T01:00:00Z")
    );
}

#[test]
fn a_verdict_a_minute_off_or_the_wrong_way_disagrees() {
    let as_of = 1_000_000_020;
    let edge = Some(as_of + 90 * MINUTE);
    assert!(agrees(false, edge, false, edge, as_of));
    assert!(!agrees(false, edge, false, edge.map(|e| e + MINUTE), as_of));
    assert!(!agrees(false, edge, true, edge, as_of));
    assert!(!agrees(false, edge, false, None, as_of));
    assert!(agrees(true, None, true, None, as_of));
    assert!(agrees(true, None, true, Some(as_of + 5 * 24 * 3600), as_of));
    assert!(!agrees(true, None, true, Some(as_of + 3600), as_of));
}

#[test]
fn engine_agrees_with_the_independent_minute_by_minute_oracle() {
    let cases: u64 = std::env::var("ARREARS_ORACLE_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let bases = [pack("cn-microloan"), pack("us-reg-f")];
    let mut failures = Vec::new();
    let (mut compared, mut with_edge, mut allowed_now, mut across_change) = (0u64, 0, 0, 0);
    let mut readings = [0u64; 3];
    let mut hours = [0u64; 24];
    for seed in 1..=cases {
        let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
        let policy = random_policy(&mut rng, &bases[(seed % 2) as usize]);
        let case = random_case(&mut rng);
        let out = match arrears_core::ffi::decide(&policy.to_string(), &case.to_string()) {
            Ok(out) => out,
            Err(e) => panic!("seed {seed}: the generated case is refused: {e}"),
        };
        let decision: Value = serde_json::from_str(&out).unwrap();
        let oracle = Oracle::new(&policy, &case);
        for (k, n) in oracle.readings.iter().enumerate() {
            readings[k] += n;
        }
        let as_of = seconds_of(&case["as_of"]);
        hours[chrono::Timelike::hour(&oracle.primary.timestamp_opt(as_of, 0).unwrap()) as usize] +=
            1;
        let offset_at = |t: i64| {
            oracle
                .primary
                .timestamp_opt(t, 0)
                .unwrap()
                .naive_local()
                .and_utc()
                .timestamp()
                - t
        };
        if offset_at(as_of) != offset_at(as_of + HORIZON_MINUTES * MINUTE) {
            across_change += 1;
        }
        for verdict in decision["actions"].as_array().unwrap() {
            let party = verdict["party"].as_str().unwrap();
            let target = Target {
                action: verdict["action"].as_str().unwrap(),
                party,
                party_kind: if party == "borrower" {
                    "borrower"
                } else {
                    "reference"
                },
                channel: verdict["channel"].as_str(),
            };
            compared += 1;
            let checks = oracle.checks(&target);
            let allowed_at = |t: i64| checks.iter().all(|c| oracle.passes(c, party, t));
            let now = allowed_at(as_of);
            let flip = (1..=HORIZON_MINUTES)
                .map(|m| as_of + m * MINUTE)
                .find(|&t| allowed_at(t) != now);
            with_edge += u64::from(flip.is_some());
            allowed_now += u64::from(now);
            let engine_allowed = verdict["allowed"].as_bool().unwrap();
            let edge_field = if engine_allowed {
                "allowed_until"
            } else {
                "next_allowed_at"
            };
            let engine_edge = verdict[edge_field].as_str().map(|s| {
                DateTime::parse_from_rfc3339(s)
                    .expect("an RFC 3339 instant")
                    .timestamp()
            });
            if !agrees(now, flip, engine_allowed, engine_edge, as_of) {
                let render = |t: i64| {
                    oracle
                        .primary
                        .timestamp_opt(t, 0)
                        .unwrap()
                        .to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
                };
                let why = format!(
                    "seed {seed}: {} {} {:?} at {} ({}): oracle allowed={now}, changes at {:?}; engine allowed={engine_allowed}, {edge_field}={:?}",
                    target.action,
                    target.party,
                    target.channel,
                    render(as_of),
                    oracle.primary,
                    flip.map(render),
                    verdict[edge_field].as_str(),
                );
                failures.push(format!(
                    "{why}\n  policy and case in {}",
                    keep(seed, &policy, &case)
                ));
                break;
            }
        }
        if failures.len() >= 5 {
            break;
        }
    }
    eprintln!(
        "oracle: {compared} candidates, {allowed_now} allowed at as_of, {with_edge} with an edge in the walk, \
         {across_change} cases whose walk crosses a clock change; wall-clock boundaries read once {}, \
         in an overlap {}, in a gap {}; as_of by local hour {hours:?}",
        readings[0], readings[1], readings[2]
    );
    assert!(
        failures.is_empty(),
        "{} disagreements:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // The generator must exercise what the oracle is for; a walk that saw no edge, no change of
    // clocks or no local hour of the day would compare nothing of interest.
    assert!(compared > cases, "too few candidates compared: {compared}");
    assert!(
        with_edge * 3 > compared,
        "only {with_edge} of {compared} candidates change within the walk"
    );
    assert!(
        allowed_now * 20 > compared && allowed_now * 10 < compared * 9,
        "allowed {allowed_now} of {compared}: the generator is lopsided"
    );
    if cases >= 1000 {
        assert!(
            across_change * 4 > cases,
            "only {across_change} walks cross a clock change"
        );
        assert!(
            readings[1] > 50 && readings[2] > 50,
            "too few boundaries in overlaps ({}) or gaps ({})",
            readings[1],
            readings[2]
        );
        assert!(
            hours.iter().all(|&n| n > 0),
            "some local hour never holds as_of: {hours:?}"
        );
    }
}
