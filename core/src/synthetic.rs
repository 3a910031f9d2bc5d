//! Synthetic portfolios for benchmarks, load tests and fuzzing seeds.
//!
//! `account(seed, i, history)` always builds the same case for the same arguments, on every
//! platform (a SplitMix64 stream, integers only), so a benchmark on Node and one in Python can
//! decide exactly the cases the native one did. Cases spread over both packs' zones, every stage,
//! partial payments, contacts and a call history of the requested length.

use serde_json::{json, Value};

use crate::time::{Date, Zone, DAY};

/// SplitMix64: a small, portable, integer-only pseudo-random stream, so that generated cases and
/// generated test inputs are the same on every platform for the same seed.
pub struct SplitMix(pub u64);

impl SplitMix {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// A number in `0..n` (`0` when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
}

const ZONES: &[&str] = &[
    "Asia/Shanghai",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
];
const OUTCOMES: &[&str] = &[
    "no_answer",
    "connected",
    "busy",
    "voicemail",
    "no_answer",
    "refused",
];

/// The `index`-th account of the portfolio `seed`, with `history` call events (plus a few others).
pub fn account(seed: u64, index: u64, history: usize) -> Value {
    let mut r = SplitMix(seed ^ index.wrapping_mul(0xd1b5_4a32_d192_ed03));
    let zone_name = ZONES[r.below(ZONES.len() as u64) as usize];
    let zone: Zone = zone_name.parse().unwrap_or(Zone::utc());
    let today = Date::from_ymd(2026, 3, 2)
        .unwrap_or(Date(chrono::NaiveDate::MIN))
        .add_days(r.below(20) as i64);
    let as_of = zone.instant_at(
        today,
        (9 + r.below(12) as i64) * 3600 + r.below(60) as i64 * 60,
    );
    let dpd = r.below(400) as i64 - 5;
    let first_due = today.add_days(-dpd);
    let installments: Vec<Value> = (0..2)
        .map(|k| json!({ "due": first_due.add_days(30 * k).to_string(), "amount": 50_000 + r.below(100) as i64 * 1000 }))
        .collect();
    let paid = r.below(3) as i64 * 20_000;
    let payments: Vec<Value> = if paid > 0 {
        vec![json!({ "at": zone.render(as_of - (1 + r.below(20) as i64) * DAY), "amount": paid })]
    } else {
        vec![]
    };
    let contacts: Vec<Value> = (0..3)
        .map(|k| {
            let role = ["reference", "spouse", "guarantor"][k as usize];
            json!({ "id": format!("c{k}"), "role": role, "debt_related": false,
                    "channels": [ { "id": format!("c{k}m"), "kind": "mobile" } ] })
        })
        .collect();
    let span = (history as i64 * 3600).clamp(DAY, 25 * DAY);
    let mut events: Vec<(i64, Value)> = (0..history)
        .map(|k| {
            let at = as_of - 60 - r.below(span as u64) as i64;
            let to_contact = r.below(10) == 0;
            let (party, channel) = if to_contact {
                ("c0", "c0m")
            } else if k % 2 == 0 {
                ("borrower", "m1")
            } else {
                ("borrower", "h1")
            };
            let outcome = OUTCOMES[r.below(OUTCOMES.len() as u64) as usize];
            (
                at,
                json!({ "at": zone.render(at), "type": "call", "party": party, "channel": channel,
                         "direction": "outbound", "outcome": outcome }),
            )
        })
        .collect();
    events.sort_by_key(|(at, _)| *at);
    json!({
        "as_of": zone.render(as_of),
        "account": { "id": format!("SYN-{seed}-{index}"), "currency": if zone_name == "Asia/Shanghai" { "CNY" } else { "USD" },
                     "book_time_zone": zone_name, "installments": installments, "payments": payments },
        "borrower": { "time_zones": [zone_name],
                      "channels": [ { "id": "m1", "kind": "mobile" }, { "id": "h1", "kind": "home_phone" }, { "id": "p1", "kind": "postal" } ] },
        "contacts": contacts,
        "history": events.into_iter().map(|(_, e)| e).collect::<Vec<_>>()
    })
}
