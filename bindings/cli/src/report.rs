//! `arrears report`: portfolio KPIs from a batch's output.
//!
//! One snapshot gives overdue accounts and amounts by 30/60/90/180/360 days, escalations and the
//! actions allowed now; with the case summaries `batch --with-case-summary` adds, also the time
//! to first contact and the complaint rate. Two snapshots (`--previous`) add the roll rates and,
//! with case summaries in both, the recovery rate.
//!
//! Everything streams: a snapshot line is read, counted and dropped. The two snapshots are joined
//! on account id reading both files in step; a line whose partner has not been seen yet waits in a
//! table until it comes. Files in the same account order (as `batch` writes them for two
//! snapshots of one book) keep that table as small as the accounts opened or closed in between;
//! files in unrelated orders hold up to one snapshot's accounts in it (about 100 bytes each).

use std::collections::{BTreeMap, HashMap};
use std::io::BufRead;

use arrears_core::{Error, ErrorCode};
use serde::Serialize;
use serde_json::Value;

/// Buckets of days past due, as the seeds report them (inclusive bounds).
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

fn bucket_of(dpd: u32) -> usize {
    BUCKETS
        .iter()
        .position(|(_, lo, hi)| *lo <= dpd && dpd <= *hi)
        .unwrap_or(0)
}

/// `n / d` as a percentage with one decimal, rounded half up; `None` when `d` is 0.
pub fn percent(n: i128, d: i128) -> Option<String> {
    (d > 0).then(|| {
        let tenths = (n * 2000 / d + 1) / 2;
        format!("{}.{}%", tenths / 10, tenths % 10)
    })
}

/// `n` per 1,000 of `d` with one decimal, rounded half up; `None` when `d` is 0.
pub fn per_thousand(n: u64, d: u64) -> Option<String> {
    (d > 0).then(|| {
        let tenths = (n * 20_000 / d).div_ceil(2);
        format!("{}.{}", tenths / 10, tenths % 10)
    })
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
    #[serde(skip)]
    days: BTreeMap<u32, u64>,
}

impl FirstContact {
    fn add(&mut self, days: Option<u32>) {
        self.overdue += 1;
        match days {
            Some(d) => {
                self.reached += 1;
                *self.days.entry(d).or_default() += 1;
            }
            None => self.never_reached += 1,
        }
    }
    /// Nearest rank: the smallest value with at least `pct`% of the reached accounts at or below.
    fn percentile(&self, pct: u64) -> Option<u32> {
        let rank = (self.reached * pct).div_ceil(100).max(1);
        let mut seen = 0;
        for (d, n) in &self.days {
            seen += n;
            if seen >= rank {
                return Some(*d);
            }
        }
        None
    }
    fn finish(&mut self) {
        self.median_days = self.percentile(50);
        self.p90_days = self.percentile(90);
    }
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

/// Accounts and their overdue amounts (per currency, minor units) at the earlier snapshot.
#[derive(Default, Serialize, Clone)]
pub struct Flow {
    pub accounts: u64,
    pub overdue: BTreeMap<String, i64>,
}

impl Flow {
    fn add(&mut self, currency: &str, overdue: i64) {
        self.accounts += 1;
        *self.overdue.entry(currency.to_string()).or_default() += overdue;
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
    /// `null` without `--previous`.
    pub roll: Option<Roll>,
}

/// What the join keeps of a line until its partner turns up.
struct Kept {
    bucket: u8,
    currency: Box<str>,
    overdue: i64,
    paid: Option<i64>,
}

/// Lines of one batch output, numbered, each required to be UTF-8.
pub struct Lines<'a> {
    name: String,
    input: &'a mut dyn BufRead,
    line: u64,
    buf: Vec<u8>,
}

impl<'a> Lines<'a> {
    pub fn new(name: &str, input: &'a mut dyn BufRead) -> Lines<'a> {
        Lines {
            name: name.to_string(),
            input,
            line: 0,
            buf: Vec::new(),
        }
    }

    /// The next non-blank line, parsed: `Ok(None)` at the end, `Ok(Some(None))` for a line that
    /// is not a decision (an error line or not JSON).
    fn next(&mut self) -> Result<Option<Option<Value>>, Error> {
        loop {
            self.buf.clear();
            let n = self.input.read_until(b'\n', &mut self.buf).map_err(|e| {
                Error::new(
                    ErrorCode::InvalidJson,
                    "",
                    format!("cannot read {}: {e}", self.name),
                )
            })?;
            if n == 0 {
                return Ok(None);
            }
            self.line += 1;
            let text = std::str::from_utf8(&self.buf).map_err(|e| {
                Error::new(
                    ErrorCode::InvalidJson,
                    "",
                    format!(
                        "{} line {} is not UTF-8 (byte {} of the line)",
                        self.name,
                        self.line,
                        e.valid_up_to() + 1
                    ),
                )
            })?;
            if text.trim().is_empty() {
                continue;
            }
            return Ok(Some(serde_json::from_str::<Value>(text).ok().filter(|d| {
                d.get("error").is_none() && d.get("delinquency").is_some()
            })));
        }
    }
}

fn key(s: &Value) -> String {
    s.as_str().unwrap_or("?").to_string()
}

/// The report over `current`, joined with `previous` when given.
pub fn build(current: &mut Lines, previous: Option<&mut Lines>) -> Result<Report, Error> {
    let mut r = Report::default();
    for (name, _, _) in BUCKETS {
        r.by_days_past_due
            .insert(name.to_string(), Bucket::default());
    }
    let mut contact = FirstContactReport {
        all: FirstContact::default(),
        distribution: CONTACT_BINS
            .iter()
            .map(|(n, _, _)| (n.to_string(), 0))
            .collect(),
        by_stage: BTreeMap::new(),
        by_queue: BTreeMap::new(),
    };
    let mut complaints = ComplaintReport {
        all: Complaints::default(),
        by_stage: BTreeMap::new(),
        by_queue: BTreeMap::new(),
    };
    let mut join = previous.map(|p| (p, Join::default()));
    let mut current_done = false;
    loop {
        let mut progressed = false;
        if !current_done {
            match current.next()? {
                None => current_done = true,
                Some(None) => {
                    r.errors += 1;
                    progressed = true;
                }
                Some(Some(d)) => {
                    progressed = true;
                    let kept = count(&mut r, &mut contact, &mut complaints, &d);
                    if let Some((_, j)) = join.as_mut() {
                        j.current(key(&d["account_id"]), kept);
                    }
                }
            }
        }
        if let Some((p, j)) = join.as_mut() {
            if !j.previous_done {
                match p.next()? {
                    None => j.previous_done = true,
                    Some(None) => {
                        j.roll.previous_errors += 1;
                        progressed = true;
                    }
                    Some(Some(d)) => {
                        progressed = true;
                        j.roll.previous_accounts += 1;
                        let kept = kept(&d);
                        j.previous(key(&d["account_id"]), kept);
                    }
                }
            }
        }
        if !progressed {
            break;
        }
    }
    for (name, _, _) in BUCKETS {
        let b = r.by_days_past_due.entry(name.to_string()).or_default();
        b.share = percent(i128::from(b.accounts), i128::from(r.accounts));
    }
    if r.with_case_summary > 0 {
        contact.all.finish();
        for g in contact
            .by_stage
            .values_mut()
            .chain(contact.by_queue.values_mut())
        {
            g.finish();
        }
        for g in std::iter::once(&mut complaints.all)
            .chain(complaints.by_stage.values_mut())
            .chain(complaints.by_queue.values_mut())
        {
            g.per_thousand = per_thousand(g.complaints, g.accounts);
        }
        r.first_contact = Some(contact);
        r.complaints = Some(complaints);
    }
    r.roll = join.map(|(_, j)| j.finish());
    Ok(r)
}

fn kept(d: &Value) -> Kept {
    let q = &d["delinquency"];
    let dpd = q["days_past_due"]
        .as_u64()
        .unwrap_or(0)
        .min(u64::from(u32::MAX)) as u32;
    Kept {
        bucket: bucket_of(dpd) as u8,
        currency: q["currency"].as_str().unwrap_or("?").into(),
        overdue: q["overdue_amount"].as_i64().unwrap_or(0),
        paid: d["case_summary"]["paid"].as_i64(),
    }
}

/// Counts one decision into the single-snapshot figures.
fn count(
    r: &mut Report,
    contact: &mut FirstContactReport,
    complaints: &mut ComplaintReport,
    d: &Value,
) -> Kept {
    let k = kept(d);
    r.accounts += 1;
    let q = &d["delinquency"];
    let b = r
        .by_days_past_due
        .entry(BUCKETS[usize::from(k.bucket)].0.to_string())
        .or_default();
    b.accounts += 1;
    *b.overdue.entry(k.currency.to_string()).or_default() += k.overdue;
    let stage = key(&q["stage"]["id"]);
    let queue = key(&d["queue"]["current"]);
    *r.by_stage.entry(stage.clone()).or_default() += 1;
    if let Some(to) = d["queue"]["escalate_to"].as_str() {
        *r.escalations_due.entry(to.to_string()).or_default() += 1;
    }
    let mut any = false;
    for a in d["actions"].as_array().into_iter().flatten() {
        if a["allowed"] == Value::Bool(true) {
            any = true;
            *r.allowed_now_by_action
                .entry(key(&a["action"]))
                .or_default() += 1;
        }
    }
    r.accounts_with_an_action_now += u64::from(any);
    let s = &d["case_summary"];
    if s.is_object() {
        r.with_case_summary += 1;
        let complaint = u64::from(s["complaint_open"] == Value::Bool(true));
        for g in [
            &mut complaints.all,
            complaints.by_stage.entry(stage.clone()).or_default(),
            complaints.by_queue.entry(queue.clone()).or_default(),
        ] {
            g.accounts += 1;
            g.complaints += complaint;
        }
        if !q["overdue_since"].is_null() {
            let days = s["days_to_first_contact"]
                .as_u64()
                .map(|d| d.min(u64::from(u32::MAX)) as u32);
            contact.all.add(days);
            contact.by_stage.entry(stage).or_default().add(days);
            contact.by_queue.entry(queue).or_default().add(days);
            if let Some(d) = days {
                if let Some((name, _, _)) =
                    CONTACT_BINS.iter().find(|(_, lo, hi)| *lo <= d && d <= *hi)
                {
                    *contact.distribution.entry(name.to_string()).or_default() += 1;
                }
            }
        }
    }
    k
}

#[derive(Default)]
struct Join {
    previous_done: bool,
    waiting_previous: HashMap<String, Kept>,
    waiting_current: HashMap<String, Kept>,
    roll: Roll,
    /// Per bucket and currency: (overdue then, paid between).
    recovery: BTreeMap<(u8, Box<str>), (i64, i64)>,
    summaries_missing: bool,
}

impl Join {
    fn previous(&mut self, id: String, then: Kept) {
        match self.waiting_current.remove(&id) {
            Some(now) => self.pair(then, now),
            None => {
                self.waiting_previous.insert(id, then);
            }
        }
    }

    fn current(&mut self, id: String, now: Kept) {
        match self.waiting_previous.remove(&id) {
            Some(then) => self.pair(then, now),
            None => {
                self.waiting_current.insert(id, now);
            }
        }
    }

    fn pair(&mut self, then: Kept, now: Kept) {
        let roll = &mut self.roll;
        roll.in_both += 1;
        let (from, to) = (then.bucket, now.bucket);
        roll.matrix
            .entry(BUCKETS[usize::from(from)].0.to_string())
            .or_default()
            .entry(BUCKETS[usize::from(to)].0.to_string())
            .or_default()
            .add(&then.currency, then.overdue);
        let m = &mut roll.movement;
        let flow = if from == to {
            &mut m.stayed
        } else if to == 0 {
            &mut m.cured
        } else if to > from {
            &mut m.rolled_forward
        } else {
            &mut m.rolled_back
        };
        flow.add(&then.currency, then.overdue);
        let f = roll
            .forward_roll_rate
            .entry(BUCKETS[usize::from(from)].0.to_string())
            .or_default();
        f.accounts += 1;
        f.rolled_forward += u64::from(to > from);
        match (then.paid, now.paid) {
            (Some(a), Some(b)) => {
                let e = self.recovery.entry((from, then.currency)).or_default();
                e.0 += then.overdue;
                // Totals of what each case records as paid: what the later one adds was paid
                // in between. Only the part that settles the earlier arrears is a recovery; the
                // rest paid installments that fell due since.
                e.1 += (b - a).clamp(0, then.overdue.max(0));
            }
            _ => self.summaries_missing = true,
        }
    }

    fn finish(mut self) -> Roll {
        let mut roll = std::mem::take(&mut self.roll);
        for (only, waiting) in [
            (&mut roll.only_in_previous, &self.waiting_previous),
            (&mut roll.only_in_current, &self.waiting_current),
        ] {
            for k in waiting.values() {
                only.accounts += 1;
                only.by_bucket
                    .entry(BUCKETS[usize::from(k.bucket)].0.to_string())
                    .or_default()
                    .add(&k.currency, k.overdue);
            }
        }
        for f in roll.forward_roll_rate.values_mut() {
            f.rate = percent(i128::from(f.rolled_forward), i128::from(f.accounts));
        }
        // The last bucket has nowhere further to roll.
        roll.forward_roll_rate.remove(BUCKETS[BUCKETS.len() - 1].0);
        if !self.summaries_missing && roll.in_both > 0 {
            let mut rec: BTreeMap<String, BTreeMap<String, Recovery>> = BTreeMap::new();
            for ((b, cur), (overdue, paid)) in self.recovery {
                // Accounts current at the earlier snapshot owed nothing yet: nothing to recover.
                if b == 0 {
                    continue;
                }
                rec.entry(BUCKETS[usize::from(b)].0.to_string())
                    .or_default()
                    .insert(
                        cur.to_string(),
                        Recovery {
                            overdue,
                            paid,
                            rate: percent(i128::from(paid), i128::from(overdue)),
                        },
                    );
            }
            roll.recovery = Some(rec);
        }
        roll
    }
}

pub fn render(r: &Report) -> String {
    use crate::money::{format as money, list};
    use std::fmt::Write;
    let mut o = String::new();
    let dash = |s: &Option<String>| s.clone().unwrap_or_else(|| "-".into());
    let _ = writeln!(
        o,
        "{} accounts decided, {} error lines\n",
        r.accounts, r.errors
    );
    let _ = writeln!(
        o,
        "{:<10} {:>10} {:>7}  overdue",
        "DPD", "accounts", "share"
    );
    for (name, _, _) in BUCKETS {
        let b = &r.by_days_past_due[*name];
        let mut first = true;
        for (cur, amount) in &b.overdue {
            if first {
                let _ = writeln!(
                    o,
                    "{name:<10} {:>10} {:>7}  {}",
                    b.accounts,
                    dash(&b.share),
                    money(*amount, cur)
                );
            } else {
                let _ = writeln!(
                    o,
                    "{:<10} {:>10} {:>7}  {}",
                    "",
                    "",
                    "",
                    money(*amount, cur)
                );
            }
            first = false;
        }
        if first {
            let _ = writeln!(o, "{name:<10} {:>10} {:>7}  -", b.accounts, dash(&b.share));
        }
    }
    let _ = writeln!(o, "\nby stage");
    for (k, v) in &r.by_stage {
        let _ = writeln!(o, "  {k:<20} {v:>10}");
    }
    let _ = writeln!(o, "\nescalations due");
    if r.escalations_due.is_empty() {
        let _ = writeln!(o, "  none");
    }
    for (k, v) in &r.escalations_due {
        let _ = writeln!(o, "  to {k:<17} {v:>10}");
    }
    let _ = writeln!(
        o,
        "\nactions allowed now ({} accounts have at least one)",
        r.accounts_with_an_action_now
    );
    for (k, v) in &r.allowed_now_by_action {
        let _ = writeln!(o, "  {k:<20} {v:>10}");
    }
    match &r.first_contact {
        Some(c) => {
            let _ = writeln!(
                o,
                "\ntime to first contact (days from falling overdue to the first conversation)"
            );
            let _ = writeln!(
                o,
                "  {:<22} {:>9} {:>9} {:>9} {:>7} {:>7}",
                "", "overdue", "reached", "never", "median", "p90"
            );
            let row = |o: &mut String, name: &str, g: &FirstContact| {
                let days = |d: Option<u32>| d.map_or("-".into(), |d| d.to_string());
                let _ = writeln!(
                    o,
                    "  {name:<22} {:>9} {:>9} {:>9} {:>7} {:>7}",
                    g.overdue,
                    g.reached,
                    g.never_reached,
                    days(g.median_days),
                    days(g.p90_days)
                );
            };
            row(&mut o, "all", &c.all);
            for (k, g) in &c.by_stage {
                row(&mut o, &format!("stage {k}"), g);
            }
            for (k, g) in &c.by_queue {
                row(&mut o, &format!("queue {k}"), g);
            }
            let bins: Vec<String> = CONTACT_BINS
                .iter()
                .map(|(k, _, _)| format!("{k} days {}", c.distribution.get(*k).unwrap_or(&0)))
                .collect();
            let _ = writeln!(o, "  reached after: {}", bins.join(", "));
        }
        None => {
            let _ = writeln!(
                o,
                "\ntime to first contact and complaints: the lines carry no case summary \
                 (run batch with --with-case-summary)"
            );
        }
    }
    if let Some(c) = &r.complaints {
        let _ = writeln!(o, "\ncomplaints open (per 1,000 accounts)");
        let row = |o: &mut String, name: &str, g: &Complaints| {
            let _ = writeln!(
                o,
                "  {name:<22} {:>9} of {:>9}  {:>7}",
                g.complaints,
                g.accounts,
                dash(&g.per_thousand)
            );
        };
        row(&mut o, "all", &c.all);
        for (k, g) in &c.by_stage {
            row(&mut o, &format!("stage {k}"), g);
        }
        for (k, g) in &c.by_queue {
            row(&mut o, &format!("queue {k}"), g);
        }
    }
    if let Some(roll) = &r.roll {
        let _ = writeln!(
            o,
            "\nroll from the previous snapshot ({} accounts, {} in both)",
            roll.previous_accounts, roll.in_both
        );
        let _ = write!(o, "  {:<10}", "from \\ to");
        for (to, _, _) in BUCKETS {
            let _ = write!(o, " {to:>8}");
        }
        let _ = writeln!(o);
        for (from, _, _) in BUCKETS {
            let _ = write!(o, "  {from:<10}");
            for (to, _, _) in BUCKETS {
                let n = roll
                    .matrix
                    .get(*from)
                    .and_then(|m| m.get(*to))
                    .map_or(0, |f| f.accounts);
                let _ = write!(o, " {n:>8}");
            }
            let _ = writeln!(o);
        }
        let _ = writeln!(o, "  overdue moved (at the previous snapshot)");
        for (from, _, _) in BUCKETS {
            for (to, _, _) in BUCKETS {
                let Some(f) = roll.matrix.get(*from).and_then(|m| m.get(*to)) else {
                    continue;
                };
                if !f.overdue.values().all(|a| *a == 0) {
                    let _ = writeln!(o, "    {from:>8} -> {to:<8} {}", list(&f.overdue));
                }
            }
        }
        let m = &roll.movement;
        for (name, f) in [
            ("cured", &m.cured),
            ("stayed", &m.stayed),
            ("rolled forward", &m.rolled_forward),
            ("rolled back", &m.rolled_back),
        ] {
            let _ = writeln!(o, "  {name:<16} {:>9}  {}", f.accounts, list(&f.overdue));
        }
        let _ = writeln!(o, "  forward roll rate");
        for (name, _, _) in BUCKETS {
            if let Some(f) = roll.forward_roll_rate.get(*name) {
                let _ = writeln!(
                    o,
                    "    {name:<10} {:>7}  ({} of {})",
                    dash(&f.rate),
                    f.rolled_forward,
                    f.accounts
                );
            }
        }
        match &roll.recovery {
            Some(rec) => {
                let _ = writeln!(
                    o,
                    "  recovery (paid since against overdue at the previous snapshot)"
                );
                for (name, _, _) in BUCKETS {
                    for (cur, x) in rec.get(*name).into_iter().flatten() {
                        let _ = writeln!(
                            o,
                            "    {name:<10} {:>7}  {} of {}",
                            dash(&x.rate),
                            money(x.paid, cur),
                            money(x.overdue, cur)
                        );
                    }
                }
            }
            None => {
                let _ = writeln!(
                    o,
                    "  recovery: needs case summaries in both snapshots (batch --with-case-summary)"
                );
            }
        }
        for (name, only) in [
            ("only in the previous snapshot", &roll.only_in_previous),
            ("only in this snapshot", &roll.only_in_current),
        ] {
            let parts: Vec<String> = BUCKETS
                .iter()
                .filter_map(|(b, _, _)| {
                    only.by_bucket
                        .get(*b)
                        .map(|f| format!("{b} {}", f.accounts))
                })
                .collect();
            let _ = writeln!(
                o,
                "  {name}: {}{}",
                only.accounts,
                if parts.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", parts.join(", "))
                }
            );
        }
    }
    o
}
