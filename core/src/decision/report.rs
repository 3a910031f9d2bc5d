//! The portfolio report over a batch's decisions (`arrears report`, `arrears.spark.report`), and
//! the [`Tally`] it is computed from (docs/report.md).
//!
//! A tally counts decisions one at a time and merges with another tally; merging is associative
//! and commutative, so a portfolio split into parts in any way (files, threads, Spark partitions)
//! gives the same tally, and [`Tally::finish`] the same [`Report`], to the byte. Every figure is an
//! integer count or sum until the very end, where shares and rates are written with one decimal,
//! rounded half up, in integer arithmetic.
//!
//! A tally reads what a decision line holds and nothing else, so it takes the line as parsed
//! JSON: a decision from any version of the engine, with the `case_summary` that `arrears batch
//! --with-case-summary` adds, or a line that is not a decision at all (counted as an error line).

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use crate::error::Error;

/// The `format` of a tally's JSON form: its name and major version, raised only by a change that
/// an older reader would misread.
pub const TALLY_FORMAT: &str = "arrears.tally/1";

/// The most bytes of JSON text [`Tally::from_json`] reads. A tally's size grows with the distinct
/// stage, queue, action and currency names and days to first contact it has seen, not with the
/// accounts: a real portfolio's is a few kilobytes.
pub const MAX_TALLY_BYTES: usize = 16 * 1024 * 1024;

/// Buckets of days past due, as collections teams report them (inclusive bounds).
pub const BUCKETS: &[(&str, u32, u32)] = &[
    ("current", 0, 0),
    ("1-30", 1, 30),
    ("31-60", 31, 60),
    ("61-90", 61, 90),
    ("91-180", 91, 180),
    ("181-360", 181, 360),
    ("360+", 361, u32::MAX),
];

/// Bins of days from falling overdue to the first conversation.
pub const CONTACT_BINS: &[(&str, u32, u32)] = &[
    ("0", 0, 0),
    ("1-3", 1, 3),
    ("4-7", 4, 7),
    ("8-14", 8, 14),
    ("15-30", 15, 30),
    ("31-60", 31, 60),
    ("61-90", 61, 90),
    ("91+", 91, u32::MAX),
];

/// `n / d` as a percentage with one decimal, rounded half up; `None` when `d` is 0.
pub fn percent(n: i128, d: i128) -> Option<String> {
    (d > 0).then(|| {
        let tenths = (n.saturating_mul(2000) / d + 1) / 2;
        format!("{}.{}%", tenths / 10, tenths % 10)
    })
}

/// `n` per 1,000 of `d` with one decimal, rounded half up; `None` when `d` is 0.
fn per_thousand(n: u64, d: u64) -> Option<String> {
    (d > 0).then(|| {
        let tenths = (u128::from(n) * 20_000 / u128::from(d)).div_ceil(2);
        format!("{}.{}", tenths / 10, tenths % 10)
    })
}

/// One line of a batch's output as the report reads it: the decision, or `None` for a line that
/// is not one (an error object, a JSON value without `delinquency`, text that is not JSON).
pub fn decision_line(text: &str) -> Option<Value> {
    serde_json::from_str::<Value>(text)
        .ok()
        .filter(|d| d.get("error").is_none() && d.get("delinquency").is_some())
}

#[derive(Default, Serialize)]
pub struct Bucket {
    pub accounts: u64,
    pub share: Option<String>,
    /// Overdue amount in minor units, per currency.
    pub overdue: BTreeMap<String, i64>,
}

/// Days from `overdue_since` to the first conversation with the borrower, over a group.
#[derive(Default, Serialize)]
pub struct FirstContact {
    /// Accounts overdue now.
    pub overdue: u64,
    pub reached: u64,
    pub never_reached: u64,
    pub median_days: Option<u32>,
    pub p90_days: Option<u32>,
}

#[derive(Serialize)]
pub struct FirstContactReport {
    #[serde(flatten)]
    pub all: FirstContact,
    /// Reached accounts by days to the first conversation ([`CONTACT_BINS`]).
    pub distribution: BTreeMap<String, u64>,
    pub by_stage: BTreeMap<String, FirstContact>,
    pub by_queue: BTreeMap<String, FirstContact>,
}

#[derive(Default, Serialize)]
pub struct Complaints {
    pub accounts: u64,
    pub complaints: u64,
    pub per_thousand: Option<String>,
}

#[derive(Serialize)]
pub struct ComplaintReport {
    #[serde(flatten)]
    pub all: Complaints,
    pub by_stage: BTreeMap<String, Complaints>,
    pub by_queue: BTreeMap<String, Complaints>,
}

/// Accounts and their overdue amounts (per currency, minor units); in the roll figures, the
/// amounts overdue at the earlier snapshot.
#[derive(Default, Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Flow {
    pub accounts: u64,
    pub overdue: BTreeMap<String, i64>,
}

impl Flow {
    fn add(&mut self, currency: &str, overdue: i64) {
        self.accounts = self.accounts.saturating_add(1);
        add_amount(&mut self.overdue, currency, overdue);
    }

    fn merge(&mut self, other: &Flow) {
        self.accounts = self.accounts.saturating_add(other.accounts);
        for (currency, amount) in &other.overdue {
            add_amount(&mut self.overdue, currency, *amount);
        }
    }
}

#[derive(Default, Serialize)]
pub struct ForwardRoll {
    /// Accounts in the bucket at the earlier snapshot, present in both.
    pub accounts: u64,
    pub rolled_forward: u64,
    pub rate: Option<String>,
}

#[derive(Default, Serialize)]
pub struct Recovery {
    /// Overdue at the earlier snapshot, minor units.
    pub overdue: i64,
    /// Paid between the snapshots towards that overdue amount (at most it, per account), minor
    /// units.
    pub paid: i64,
    pub rate: Option<String>,
}

#[derive(Default, Serialize)]
pub struct Movement {
    /// From a delinquent bucket to current.
    pub cured: Flow,
    /// The same bucket (current to current included).
    pub stayed: Flow,
    /// To a later bucket.
    pub rolled_forward: Flow,
    /// To an earlier bucket other than current.
    pub rolled_back: Flow,
}

#[derive(Default, Serialize)]
pub struct Only {
    pub accounts: u64,
    pub by_bucket: BTreeMap<String, Flow>,
}

#[derive(Default, Serialize)]
pub struct Roll {
    pub previous_accounts: u64,
    pub previous_errors: u64,
    pub in_both: u64,
    /// From the earlier snapshot's bucket (rows) to the later one's (columns); amounts are those
    /// overdue at the earlier snapshot.
    pub matrix: BTreeMap<String, BTreeMap<String, Flow>>,
    pub movement: Movement,
    pub forward_roll_rate: BTreeMap<String, ForwardRoll>,
    /// By the earlier snapshot's bucket, per currency; `null` unless both snapshots carry case
    /// summaries.
    pub recovery: Option<BTreeMap<String, BTreeMap<String, Recovery>>>,
    pub only_in_previous: Only,
    pub only_in_current: Only,
}

/// The portfolio report, as `arrears report --json` writes it.
#[derive(Default, Serialize)]
pub struct Report {
    pub accounts: u64,
    pub errors: u64,
    pub by_days_past_due: BTreeMap<String, Bucket>,
    pub by_stage: BTreeMap<String, u64>,
    pub escalations_due: BTreeMap<String, u64>,
    pub allowed_now_by_action: BTreeMap<String, u64>,
    pub accounts_with_an_action_now: u64,
    /// Accounts whose line carries a case summary (`batch --with-case-summary`).
    pub with_case_summary: u64,
    /// `null` when no line carries a case summary.
    pub first_contact: Option<FirstContactReport>,
    pub complaints: Option<ComplaintReport>,
    /// `null` for one snapshot.
    pub roll: Option<Roll>,
}

/// A bucket of [`BUCKETS`], by its index; written as its name, so that a tally reads the same to
/// a person as the report does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
struct Dpd(u8);

impl Dpd {
    fn of(days: u32) -> Dpd {
        let i = BUCKETS
            .iter()
            .position(|(_, lo, hi)| *lo <= days && days <= *hi)
            .unwrap_or(0);
        Dpd(i as u8)
    }

    fn name(self) -> &'static str {
        BUCKETS[usize::from(self.0)].0
    }

    fn is_current(self) -> bool {
        self.0 == 0
    }
}

impl Serialize for Dpd {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Dpd {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Dpd, D::Error> {
        let name = String::deserialize(d)?;
        match BUCKETS.iter().position(|(n, _, _)| *n == name) {
            Some(i) => Ok(Dpd(i as u8)),
            None => Err(serde::de::Error::custom(format!(
                "unknown bucket `{name}`; the buckets are {}",
                BUCKETS
                    .iter()
                    .map(|(n, _, _)| *n)
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        }
    }
}

/// The `format` key of a tally: written as [`TALLY_FORMAT`], and any other value refused.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct TallyFormat;

impl Serialize for TallyFormat {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(TALLY_FORMAT)
    }
}

impl<'de> Deserialize<'de> for TallyFormat {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<TallyFormat, D::Error> {
        let format = String::deserialize(d)?;
        if format == TALLY_FORMAT {
            Ok(TallyFormat)
        } else {
            Err(serde::de::Error::custom(format!(
                "a tally of format `{format}`; this engine reads `{TALLY_FORMAT}`"
            )))
        }
    }
}

/// Complaints open over a group of accounts with a case summary.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ComplaintCount {
    accounts: u64,
    complaints: u64,
}

impl ComplaintCount {
    fn merge(&mut self, other: &ComplaintCount) {
        self.accounts = self.accounts.saturating_add(other.accounts);
        self.complaints = self.complaints.saturating_add(other.complaints);
    }

    fn finish(&self) -> Complaints {
        Complaints {
            accounts: self.accounts,
            complaints: self.complaints,
            per_thousand: per_thousand(self.complaints, self.accounts),
        }
    }
}

/// Days to the first conversation over a group of overdue accounts: how many were never reached,
/// and how many were reached after each number of days (the percentiles need every value, and a
/// count per distinct day merges where a list of medians would not).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ContactDays {
    never_reached: u64,
    reached_after: BTreeMap<u32, u64>,
}

impl ContactDays {
    fn add(&mut self, days: Option<u32>) {
        match days {
            Some(d) => add_count(&mut self.reached_after, d, 1),
            None => self.never_reached = self.never_reached.saturating_add(1),
        }
    }

    fn merge(&mut self, other: &ContactDays) {
        self.never_reached = self.never_reached.saturating_add(other.never_reached);
        for (d, n) in &other.reached_after {
            add_count(&mut self.reached_after, *d, *n);
        }
    }

    fn reached(&self) -> u64 {
        self.reached_after
            .values()
            .fold(0u64, |sum, n| sum.saturating_add(*n))
    }

    /// Nearest rank: the smallest value with at least `pct`% of the reached accounts at or below.
    fn percentile(&self, pct: u64) -> Option<u32> {
        let rank = (u128::from(self.reached()) * u128::from(pct))
            .div_ceil(100)
            .max(1);
        let mut seen = 0u128;
        for (d, n) in &self.reached_after {
            seen += u128::from(*n);
            if seen >= rank {
                return Some(*d);
            }
        }
        None
    }

    fn finish(&self) -> FirstContact {
        let reached = self.reached();
        FirstContact {
            overdue: reached.saturating_add(self.never_reached),
            reached,
            never_reached: self.never_reached,
            median_days: self.percentile(50),
            p90_days: self.percentile(90),
        }
    }
}

/// A figure over all the accounts it covers, and over those of each stage and each queue.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Groups<T> {
    all: T,
    by_stage: BTreeMap<String, T>,
    by_queue: BTreeMap<String, T>,
}

impl<T: Default> Groups<T> {
    /// The figure of every group an account of `stage` and `queue` belongs to.
    fn each(&mut self, stage: &str, queue: &str, mut f: impl FnMut(&mut T)) {
        f(&mut self.all);
        f(self.by_stage.entry(stage.to_string()).or_default());
        f(self.by_queue.entry(queue.to_string()).or_default());
    }

    fn merge(&mut self, other: &Groups<T>, merge: impl Fn(&mut T, &T)) {
        merge(&mut self.all, &other.all);
        for (mine, theirs) in [
            (&mut self.by_stage, &other.by_stage),
            (&mut self.by_queue, &other.by_queue),
        ] {
            for (k, v) in theirs {
                merge(mine.entry(k.clone()).or_default(), v);
            }
        }
    }

    fn finish<U>(&self, finish: impl Fn(&T) -> U) -> (U, BTreeMap<String, U>, BTreeMap<String, U>) {
        let each =
            |m: &BTreeMap<String, T>| m.iter().map(|(k, v)| (k.clone(), finish(v))).collect();
        (
            finish(&self.all),
            each(&self.by_stage),
            each(&self.by_queue),
        )
    }
}

/// Overdue at the earlier snapshot and paid towards it since, in one currency.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Paid {
    overdue: i64,
    paid: i64,
}

/// What two snapshots of one book add: every account in both moved from one bucket to another.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RollTally {
    previous_accounts: u64,
    previous_errors: u64,
    /// Accounts in both, from the earlier bucket to the later one, with the amounts overdue at
    /// the earlier snapshot. The movement and the forward roll rates are sums over it.
    matrix: BTreeMap<Dpd, BTreeMap<Dpd, Flow>>,
    /// By the earlier bucket (current left out: it owed nothing yet) and currency.
    recovery: BTreeMap<Dpd, BTreeMap<String, Paid>>,
    /// Whether an account in both lacked a case summary in either snapshot: then there is no
    /// recovery figure.
    summaries_missing: bool,
    only_in_previous: BTreeMap<Dpd, Flow>,
    only_in_current: BTreeMap<Dpd, Flow>,
}

impl RollTally {
    fn merge(&mut self, other: &RollTally) {
        self.previous_accounts = self
            .previous_accounts
            .saturating_add(other.previous_accounts);
        self.previous_errors = self.previous_errors.saturating_add(other.previous_errors);
        for (from, row) in &other.matrix {
            merge_flows(self.matrix.entry(*from).or_default(), row);
        }
        for (from, by_currency) in &other.recovery {
            let mine = self.recovery.entry(*from).or_default();
            for (currency, p) in by_currency {
                let e = mine.entry(currency.clone()).or_default();
                e.overdue = e.overdue.saturating_add(p.overdue);
                e.paid = e.paid.saturating_add(p.paid);
            }
        }
        self.summaries_missing |= other.summaries_missing;
        merge_flows(&mut self.only_in_previous, &other.only_in_previous);
        merge_flows(&mut self.only_in_current, &other.only_in_current);
    }

    fn finish(&self) -> Roll {
        let mut roll = Roll {
            previous_accounts: self.previous_accounts,
            previous_errors: self.previous_errors,
            ..Roll::default()
        };
        for (from, row) in &self.matrix {
            let forward = roll
                .forward_roll_rate
                .entry(from.name().to_string())
                .or_default();
            for (to, flow) in row {
                roll.in_both = roll.in_both.saturating_add(flow.accounts);
                forward.accounts = forward.accounts.saturating_add(flow.accounts);
                if to > from {
                    forward.rolled_forward = forward.rolled_forward.saturating_add(flow.accounts);
                }
                let m = &mut roll.movement;
                let moved = if from == to {
                    &mut m.stayed
                } else if to.is_current() {
                    &mut m.cured
                } else if to > from {
                    &mut m.rolled_forward
                } else {
                    &mut m.rolled_back
                };
                moved.merge(flow);
                roll.matrix
                    .entry(from.name().to_string())
                    .or_default()
                    .insert(to.name().to_string(), flow.clone());
            }
        }
        for f in roll.forward_roll_rate.values_mut() {
            f.rate = percent(i128::from(f.rolled_forward), i128::from(f.accounts));
        }
        // The last bucket has nowhere further to roll.
        roll.forward_roll_rate.remove(BUCKETS[BUCKETS.len() - 1].0);
        if !self.summaries_missing && roll.in_both > 0 {
            let recovery = self
                .recovery
                .iter()
                .map(|(from, by_currency)| {
                    let each = by_currency
                        .iter()
                        .map(|(currency, p)| {
                            let rate = percent(i128::from(p.paid), i128::from(p.overdue));
                            let r = Recovery {
                                overdue: p.overdue,
                                paid: p.paid,
                                rate,
                            };
                            (currency.clone(), r)
                        })
                        .collect();
                    (from.name().to_string(), each)
                })
                .collect();
            roll.recovery = Some(recovery);
        }
        for (only, flows) in [
            (&mut roll.only_in_previous, &self.only_in_previous),
            (&mut roll.only_in_current, &self.only_in_current),
        ] {
            for (bucket, flow) in flows {
                only.accounts = only.accounts.saturating_add(flow.accounts);
                only.by_bucket
                    .insert(bucket.name().to_string(), flow.clone());
            }
        }
        roll
    }
}

/// What the report keeps of a decision to pair it with the same account's in the other
/// snapshot: its bucket, currency, overdue amount and what its case summary says was paid.
#[derive(Clone, Debug, PartialEq)]
pub struct Standing {
    bucket: Dpd,
    currency: Box<str>,
    overdue: i64,
    paid: Option<i64>,
}

impl Standing {
    fn of(d: &Value) -> Standing {
        let q = &d["delinquency"];
        let dpd = q["days_past_due"]
            .as_u64()
            .unwrap_or(0)
            .min(u64::from(u32::MAX)) as u32;
        Standing {
            bucket: Dpd::of(dpd),
            currency: q["currency"].as_str().unwrap_or("?").into(),
            overdue: q["overdue_amount"].as_i64().unwrap_or(0),
            paid: d["case_summary"]["paid"].as_i64(),
        }
    }
}

/// The report's figures, counted and not yet finished: what a part of a portfolio contributes.
///
/// Built from decisions one at a time ([`Tally::count`]), merged with another part's
/// ([`Tally::merge`], associative and commutative), written as JSON and read back
/// ([`Tally::to_json`], [`Tally::from_json`]) to travel between processes, and finished into the
/// [`Report`] ([`Tally::finish`]).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tally {
    format: TallyFormat,
    accounts: u64,
    errors: u64,
    by_days_past_due: BTreeMap<Dpd, Flow>,
    by_stage: BTreeMap<String, u64>,
    escalations_due: BTreeMap<String, u64>,
    allowed_now_by_action: BTreeMap<String, u64>,
    accounts_with_an_action_now: u64,
    with_case_summary: u64,
    complaints: Groups<ComplaintCount>,
    first_contact: Groups<ContactDays>,
    /// `None` for one snapshot.
    roll: Option<RollTally>,
}

fn key(s: &Value) -> &str {
    s.as_str().unwrap_or("?")
}

fn add_count<K: Ord>(map: &mut BTreeMap<K, u64>, k: K, n: u64) {
    let e = map.entry(k).or_default();
    *e = e.saturating_add(n);
}

fn add_amount(map: &mut BTreeMap<String, i64>, currency: &str, amount: i64) {
    let e = map.entry(currency.to_string()).or_default();
    *e = e.saturating_add(amount);
}

fn merge_counts(mine: &mut BTreeMap<String, u64>, theirs: &BTreeMap<String, u64>) {
    for (k, n) in theirs {
        add_count(mine, k.clone(), *n);
    }
}

fn merge_flows(mine: &mut BTreeMap<Dpd, Flow>, theirs: &BTreeMap<Dpd, Flow>) {
    for (k, f) in theirs {
        mine.entry(*k).or_default().merge(f);
    }
}

impl Tally {
    /// An empty tally of one snapshot.
    pub fn new() -> Tally {
        Tally::default()
    }

    /// An empty tally of two snapshots: its report has the roll figures, even if the earlier
    /// snapshot turns out empty.
    pub fn two_snapshots() -> Tally {
        Tally {
            roll: Some(RollTally::default()),
            ..Tally::default()
        }
    }

    /// Counts a decision of the (later) snapshot; returns what the roll figures need of it.
    pub fn count(&mut self, d: &Value) -> Standing {
        let now = Standing::of(d);
        self.accounts = self.accounts.saturating_add(1);
        self.by_days_past_due
            .entry(now.bucket)
            .or_default()
            .add(&now.currency, now.overdue);
        let q = &d["delinquency"];
        let stage = key(&q["stage"]["id"]);
        let queue = key(&d["queue"]["current"]);
        add_count(&mut self.by_stage, stage.to_string(), 1);
        if let Some(to) = d["queue"]["escalate_to"].as_str() {
            add_count(&mut self.escalations_due, to.to_string(), 1);
        }
        let mut any = false;
        for a in d["actions"].as_array().into_iter().flatten() {
            if a["allowed"] == Value::Bool(true) {
                any = true;
                add_count(
                    &mut self.allowed_now_by_action,
                    key(&a["action"]).to_string(),
                    1,
                );
            }
        }
        if any {
            self.accounts_with_an_action_now = self.accounts_with_an_action_now.saturating_add(1);
        }
        let s = &d["case_summary"];
        if s.is_object() {
            self.with_case_summary = self.with_case_summary.saturating_add(1);
            let complaint = u64::from(s["complaint_open"] == Value::Bool(true));
            self.complaints.each(stage, queue, |g| {
                g.merge(&ComplaintCount {
                    accounts: 1,
                    complaints: complaint,
                })
            });
            if !q["overdue_since"].is_null() {
                let days = s["days_to_first_contact"]
                    .as_u64()
                    .map(|d| d.min(u64::from(u32::MAX)) as u32);
                self.first_contact.each(stage, queue, |g| g.add(days));
            }
        }
        now
    }

    /// Counts a line of the (later) snapshot that is not a decision.
    pub fn count_error(&mut self) {
        self.errors = self.errors.saturating_add(1);
    }

    fn roll(&mut self) -> &mut RollTally {
        self.roll.get_or_insert_with(RollTally::default)
    }

    /// Counts a decision of the earlier snapshot; returns what the roll figures need of it.
    pub fn count_previous(&mut self, d: &Value) -> Standing {
        let roll = self.roll();
        roll.previous_accounts = roll.previous_accounts.saturating_add(1);
        Standing::of(d)
    }

    /// Counts a line of the earlier snapshot that is not a decision.
    pub fn count_previous_error(&mut self) {
        let roll = self.roll();
        roll.previous_errors = roll.previous_errors.saturating_add(1);
    }

    /// Counts an account found in both snapshots: `then` in the earlier, `now` in the later.
    pub fn pair(&mut self, then: &Standing, now: &Standing) {
        let roll = self.roll();
        roll.matrix
            .entry(then.bucket)
            .or_default()
            .entry(now.bucket)
            .or_default()
            .add(&then.currency, then.overdue);
        match (then.paid, now.paid) {
            (Some(a), Some(b)) => {
                // Accounts current at the earlier snapshot owed nothing yet: nothing to recover.
                if !then.bucket.is_current() {
                    let e = roll
                        .recovery
                        .entry(then.bucket)
                        .or_default()
                        .entry(then.currency.to_string())
                        .or_default();
                    e.overdue = e.overdue.saturating_add(then.overdue);
                    // Totals of what each case records as paid: what the later one adds was paid
                    // in between. Only the part that settles the earlier arrears is a recovery;
                    // the rest paid installments that fell due since.
                    let paid = b.saturating_sub(a).clamp(0, then.overdue.max(0));
                    e.paid = e.paid.saturating_add(paid);
                }
            }
            _ => roll.summaries_missing = true,
        }
    }

    /// Counts an account of the earlier snapshot missing from the later one.
    pub fn only_in_previous(&mut self, then: &Standing) {
        self.roll()
            .only_in_previous
            .entry(then.bucket)
            .or_default()
            .add(&then.currency, then.overdue);
    }

    /// Counts an account of the later snapshot missing from the earlier one.
    pub fn only_in_current(&mut self, now: &Standing) {
        self.roll()
            .only_in_current
            .entry(now.bucket)
            .or_default()
            .add(&now.currency, now.overdue);
    }

    /// Adds another part's figures to these. The order and grouping of merges never changes the
    /// result. A tally of two snapshots merged with one of a single snapshot is a tally of two.
    pub fn merge(&mut self, other: &Tally) {
        self.accounts = self.accounts.saturating_add(other.accounts);
        self.errors = self.errors.saturating_add(other.errors);
        merge_flows(&mut self.by_days_past_due, &other.by_days_past_due);
        merge_counts(&mut self.by_stage, &other.by_stage);
        merge_counts(&mut self.escalations_due, &other.escalations_due);
        merge_counts(
            &mut self.allowed_now_by_action,
            &other.allowed_now_by_action,
        );
        self.accounts_with_an_action_now = self
            .accounts_with_an_action_now
            .saturating_add(other.accounts_with_an_action_now);
        self.with_case_summary = self
            .with_case_summary
            .saturating_add(other.with_case_summary);
        self.complaints
            .merge(&other.complaints, ComplaintCount::merge);
        self.first_contact
            .merge(&other.first_contact, ContactDays::merge);
        if let Some(theirs) = &other.roll {
            self.roll().merge(theirs);
        }
    }

    /// The report: shares, rates and percentiles computed from the counts.
    pub fn finish(&self) -> Report {
        let mut r = Report {
            accounts: self.accounts,
            errors: self.errors,
            by_stage: self.by_stage.clone(),
            escalations_due: self.escalations_due.clone(),
            allowed_now_by_action: self.allowed_now_by_action.clone(),
            accounts_with_an_action_now: self.accounts_with_an_action_now,
            with_case_summary: self.with_case_summary,
            ..Report::default()
        };
        for (i, (name, _, _)) in BUCKETS.iter().enumerate() {
            let flow = self.by_days_past_due.get(&Dpd(i as u8));
            let accounts = flow.map_or(0, |f| f.accounts);
            r.by_days_past_due.insert(
                name.to_string(),
                Bucket {
                    accounts,
                    share: percent(i128::from(accounts), i128::from(self.accounts)),
                    overdue: flow.map(|f| f.overdue.clone()).unwrap_or_default(),
                },
            );
        }
        if self.with_case_summary > 0 {
            let (all, by_stage, by_queue) = self.first_contact.finish(ContactDays::finish);
            let mut distribution: BTreeMap<String, u64> = CONTACT_BINS
                .iter()
                .map(|(n, _, _)| (n.to_string(), 0))
                .collect();
            for (d, n) in &self.first_contact.all.reached_after {
                if let Some((name, _, _)) =
                    CONTACT_BINS.iter().find(|(_, lo, hi)| lo <= d && d <= hi)
                {
                    add_count(&mut distribution, name.to_string(), *n);
                }
            }
            r.first_contact = Some(FirstContactReport {
                all,
                distribution,
                by_stage,
                by_queue,
            });
            let (all, by_stage, by_queue) = self.complaints.finish(ComplaintCount::finish);
            r.complaints = Some(ComplaintReport {
                all,
                by_stage,
                by_queue,
            });
        }
        r.roll = self.roll.as_ref().map(RollTally::finish);
        r
    }

    /// The tally's JSON form (docs/report.md): canonical, so equal tallies give equal bytes. A
    /// failure to write it (none is known) is `internal`, never an empty text.
    pub fn to_json(&self) -> Result<String, Error> {
        crate::error::to_json_text(self, false)
    }

    /// Reads a tally's JSON form; refuses text over [`MAX_TALLY_BYTES`], another `format`,
    /// unknown keys and unknown buckets, with the JSON path at fault.
    pub fn from_json(text: &str) -> Result<Tally, Error> {
        crate::error::read_object(text, "tally", Some(MAX_TALLY_BYTES), |e| e)
    }
}
