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

/// An outbound call at `at` with an outcome drawn from the stream, as a history event with its
/// instant (to sort by).
fn call_to(r: &mut SplitMix, zone: Zone, at: i64, party: &str, channel: &str) -> (i64, Value) {
    let outcome = OUTCOMES[r.below(OUTCOMES.len() as u64) as usize];
    (
        at,
        json!({ "at": zone.render(at), "type": "call", "party": party, "channel": channel,
                 "direction": "outbound", "outcome": outcome }),
    )
}

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
            call(&mut r, zone, at, k)
        })
        .collect();
    crate::order::sort_by_key(&mut events, |(at, _)| *at);
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

/// Days-past-due buckets a generated book is spread over: current, 1-30, 31-60, 61-90, 91-180,
/// 181-360, 361 and more (inclusive bounds; `current` is due today or later).
pub const BUCKETS: [(i64, i64); 7] = [
    (-27, 0),
    (1, 30),
    (31, 60),
    (61, 90),
    (91, 180),
    (181, 360),
    (361, 720),
];

/// Shares of accounts per bucket, in thousandths, of a consumer book as a lender sees it on a
/// normal month: most accounts pay on time, a few per cent are in early arrears, about 3% are past
/// 90 days. The same order as [`BUCKETS`].
pub const CONSUMER_BOOK: [u64; 7] = [850, 70, 30, 20, 15, 10, 5];

/// A synthetic portfolio: which accounts, where, how delinquent, and how far it has been
/// advanced past its first snapshot.
#[derive(Debug, Clone)]
pub struct Portfolio {
    pub seed: u64,
    /// Accounts in the first snapshot.
    pub accounts: u64,
    /// Call events per account in the first snapshot.
    pub history: usize,
    /// Thousandths of the accounts per bucket (see [`BUCKETS`]); they need not sum to 1,000.
    pub buckets: [u64; 7],
    /// The currency every account is kept in; `None` follows the zone (CNY in Asia/Shanghai, USD
    /// elsewhere), as [`account`] does.
    pub currency: Option<String>,
    /// The zones accounts are spread over; empty means the four of [`account`].
    pub zones: Vec<String>,
    /// Days the book has moved on since the first snapshot: payments, calls and promises in
    /// between, a few accounts closed and a few new ones opened.
    pub days_later: u32,
}

impl Portfolio {
    pub fn new(seed: u64, accounts: u64, history: usize) -> Portfolio {
        Portfolio {
            seed,
            accounts,
            history,
            buckets: CONSUMER_BOOK,
            currency: None,
            zones: Vec::new(),
            days_later: 0,
        }
    }

    /// Accounts opened between the first snapshot and this one: one per hundred accounts per 30
    /// days, numbered after the first snapshot's.
    pub fn opened(&self) -> u64 {
        self.accounts * u64::from(self.days_later) / 3000
    }

    /// Every account of this snapshot, in order: the first snapshot's (less those closed since),
    /// then those opened since.
    pub fn cases(&self) -> impl Iterator<Item = Value> + '_ {
        (0..self.accounts + self.opened()).filter_map(move |i| self.case(i))
    }

    /// The `index`-th account as of this snapshot, or `None` when it is closed by then.
    pub fn case(&self, index: u64) -> Option<Value> {
        let opened = index >= self.accounts;
        let mut r = SplitMix(self.seed ^ index.wrapping_mul(0xd1b5_4a32_d192_ed03) ^ 0x5eed_b00c);
        let zone_name = if self.zones.is_empty() {
            ZONES[r.below(ZONES.len() as u64) as usize].to_string()
        } else {
            self.zones[r.below(self.zones.len() as u64) as usize].clone()
        };
        let zone: Zone = zone_name.parse().unwrap_or(Zone::utc());
        let currency = self.currency.clone().unwrap_or_else(|| {
            if zone_name == "Asia/Shanghai" {
                "CNY"
            } else {
                "USD"
            }
            .to_string()
        });
        // New accounts open during the interval: their first snapshot is this one.
        let shift = if opened {
            i64::from(self.days_later)
        } else {
            0
        };
        let today = Date::from_ymd(2026, 3, 2)
            .unwrap_or(Date(chrono::NaiveDate::MIN))
            .add_days(r.below(20) as i64);
        let as_of = zone.instant_at(
            today,
            (9 + r.below(10) as i64) * 3600 + r.below(60) as i64 * 60,
        );
        let total: u64 = self.buckets.iter().sum::<u64>().max(1);
        let mut pick = r.below(total);
        let mut bucket = 0;
        for (k, share) in self.buckets.iter().enumerate() {
            if pick < *share {
                bucket = k;
                break;
            }
            pick -= share;
        }
        if opened {
            bucket = 0;
        }
        let (lo, hi) = BUCKETS[bucket];
        let dpd = lo + r.below((hi - lo + 1) as u64) as i64;
        let first_due = today.add_days(-dpd + shift);
        let installments: Vec<(Date, i64)> = (0..4)
            .map(|k| {
                (
                    first_due.add_days(30 * k),
                    50_000 + r.below(100) as i64 * 1000,
                )
            })
            .collect();
        let mut payments: Vec<(i64, i64)> = Vec::new();
        if dpd > 0 && r.below(3) == 0 {
            payments.push((
                as_of - (1 + r.below(20) as i64) * DAY,
                10_000 + r.below(4) as i64 * 10_000,
            ));
        }
        let complaint = r.below(1000) < 4 + bucket as u64 * 2;
        let mut events: Vec<(i64, Value)> = Vec::new();
        if dpd > 0 {
            let span = (self.history as i64 * 3600).clamp(DAY, dpd.min(25) * DAY);
            for k in 0..self.history {
                let at = as_of - 60 - r.below(span as u64) as i64;
                events.push(call(&mut r, zone, at, k));
            }
        }
        let as_of = as_of + shift * DAY;
        let mut now = as_of;
        if self.days_later > 0 && !opened {
            let mut a =
                SplitMix(r.next_u64() ^ u64::from(self.days_later).wrapping_mul(0x9e37_79b9));
            // About one account in 200 a month is closed (sold, settled, written off).
            if a.below(6000) < u64::from(self.days_later) {
                return None;
            }
            let period = i64::from(self.days_later) * DAY;
            now = as_of + period;
            let today_now = zone.date_of(now);
            let owed = |payments: &[(i64, i64)]| {
                installments
                    .iter()
                    .filter(|(d, _)| *d <= today_now)
                    .map(|(_, a)| a)
                    .sum::<i64>()
                    - payments.iter().map(|(_, a)| a).sum::<i64>()
            };
            // The worse the arrears, the less likely a payment: thousandths that pay it all.
            let cure = [900, 550, 350, 250, 100, 50, 20][bucket];
            let due = owed(&payments);
            if due > 0 {
                let roll = a.below(1000);
                let at = as_of + 60 + a.below((period - 120) as u64) as i64;
                if roll < cure {
                    payments.push((at, due));
                } else if bucket >= 2 && roll < cure + 100 {
                    // Two installments' worth: the account moves back a bucket.
                    payments.push((at, due.min(installments[0].1 + installments[1].1)));
                } else if roll < cure + 200 {
                    payments.push((at, due.min(10_000 + a.below(5) as i64 * 10_000)));
                }
            }
            if dpd > 0 || owed(&payments) > 0 {
                let calls = (self.history / 4).max(2);
                let mut new: Vec<(i64, Value)> = (0..calls)
                    .map(|k| {
                        let at = as_of + 60 + a.below((period - 120) as u64) as i64;
                        call(&mut a, zone, at, k)
                    })
                    .collect();
                crate::order::sort_by_key(&mut new, |(at, _)| *at);
                let connected = new
                    .iter()
                    .find(|(_, e)| e["outcome"] == "connected" && e["party"] == "borrower")
                    .map(|(at, _)| *at);
                if let (Some(at), true) = (connected, a.below(10) < 3) {
                    let promised = zone.date_of(at).add_days(1 + a.below(3) as i64);
                    new.push((
                        at + 30,
                        json!({ "at": zone.render(at + 30), "type": "promise", "party": "borrower",
                        "date": promised.to_string(), "amount": owed(&payments).max(10_000) }),
                    ));
                }
                events.extend(new);
            }
        }
        crate::order::sort_by_key(&mut events, |(at, _)| *at);
        crate::order::sort_by_key(&mut payments, |(at, _)| *at);
        let contacts: Vec<Value> = (0..3)
            .map(|k| {
                let role = ["reference", "spouse", "guarantor"][k as usize];
                json!({ "id": format!("c{k}"), "role": role, "debt_related": false,
                        "channels": [ { "id": format!("c{k}m"), "kind": "mobile" } ] })
            })
            .collect();
        Some(json!({
            "as_of": zone.render(now),
            "account": { "id": format!("BOOK-{}-{index}", self.seed), "currency": currency,
                         "book_time_zone": zone_name,
                         "installments": installments.iter().map(|(d, a)| json!({ "due": d.to_string(), "amount": a })).collect::<Vec<_>>(),
                         "payments": payments.iter().map(|(at, a)| json!({ "at": zone.render(*at), "amount": a })).collect::<Vec<_>>() },
            "borrower": { "time_zones": [zone_name], "flags": { "complaint_open": complaint },
                          "channels": [ { "id": "m1", "kind": "mobile" }, { "id": "h1", "kind": "home_phone" }, { "id": "p1", "kind": "postal" } ] },
            "contacts": contacts,
            "history": events.into_iter().map(|(_, e)| e).collect::<Vec<_>>()
        }))
    }
}

/// One outbound call at `at`: mostly to the borrower, one in ten to the first contact. Calls past
/// the first [`MAX_PARTY_EVENTS`](crate::case::MAX_PARTY_EVENTS) go to the other two contacts
/// instead of the borrower, so that a history as long as the case contract admits (10,000 events)
/// is decided rather than refused for naming one party too often; shorter histories are unchanged.
fn call(r: &mut SplitMix, zone: Zone, at: i64, k: usize) -> (i64, Value) {
    let to_contact = r.below(10) == 0;
    let (party, channel) = if to_contact {
        ("c0", "c0m")
    } else if k >= crate::case::MAX_PARTY_EVENTS {
        if k.is_multiple_of(2) {
            ("c1", "c1m")
        } else {
            ("c2", "c2m")
        }
    } else if k.is_multiple_of(2) {
        ("borrower", "m1")
    } else {
        ("borrower", "h1")
    };
    call_to(r, zone, at, party, channel)
}

/// The shape of a case built to be as heavy as the case contract lets it be: many contacts,
/// many channels each, and a long call history spread over every one of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Heavy {
    pub contacts: usize,
    pub channels_per_contact: usize,
    pub borrower_channels: usize,
    pub calls: usize,
}

impl Heavy {
    /// The case issue reports measured against (200 contacts of 50 channels each, 50 borrower
    /// channels, 10,000 calls): every list at the size limit it had before candidates were
    /// bounded.
    pub const UNBOUNDED: Heavy = Heavy {
        contacts: 200,
        channels_per_contact: 50,
        borrower_channels: 50,
        calls: 10_000,
    };
}

/// A cn-microloan case of the given shape, 40 days past due, with every kind of channel in turn
/// and the calls spread evenly over the parties and channels in the 25 days before `as_of`.
pub fn heavy(shape: Heavy) -> Value {
    const KINDS: &[&str] = &[
        "mobile",
        "home_phone",
        "work_phone",
        "email",
        "sms",
        "postal",
    ];
    let zone: Zone = "Asia/Shanghai".parse().unwrap_or(Zone::utc());
    let today = Date::from_ymd(2026, 3, 10).unwrap_or(Date(chrono::NaiveDate::MIN));
    let as_of = zone.instant_at(today, 14 * 3600 + 30 * 60);
    let channels = |prefix: &str, n: usize| -> Vec<Value> {
        (0..n)
            .map(|k| json!({ "id": format!("{prefix}-{k}"), "kind": KINDS[k % KINDS.len()] }))
            .collect()
    };
    let contacts: Vec<Value> = (0..shape.contacts)
        .map(|c| {
            let role = ["reference", "spouse", "guarantor"][c % 3];
            json!({ "id": format!("c{c}"), "role": role, "debt_related": false,
                    "channels": channels(&format!("c{c}"), shape.channels_per_contact) })
        })
        .collect();
    let parties = shape.contacts + 1;
    let mut r = SplitMix(0x5eed);
    let mut events: Vec<(i64, Value)> = (0..shape.calls)
        .map(|k| {
            let at = as_of - 60 - r.below(25 * DAY as u64) as i64;
            let p = k % parties;
            let (party, channel) = if p == 0 {
                let k = (k / parties) % shape.borrower_channels.max(1);
                ("borrower".to_string(), format!("b-{k}"))
            } else {
                let k = (k / parties) % shape.channels_per_contact.max(1);
                (format!("c{}", p - 1), format!("c{}-{k}", p - 1))
            };
            call_to(&mut r, zone, at, &party, &channel)
        })
        .collect();
    crate::order::sort_by_key(&mut events, |(at, _)| *at);
    json!({
        "as_of": zone.render(as_of),
        "account": { "id": "HEAVY-1", "currency": "CNY", "book_time_zone": "Asia/Shanghai",
                     "installments": [ { "due": today.add_days(-40).to_string(), "amount": 120_000 },
                                       { "due": today.add_days(-10).to_string(), "amount": 120_000 } ] },
        "borrower": { "time_zones": ["Asia/Shanghai"], "channels": channels("b", shape.borrower_channels) },
        "contacts": contacts,
        "history": events.into_iter().map(|(_, e)| e).collect::<Vec<_>>()
    })
}
