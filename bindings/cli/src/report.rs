//! `arrears report`: portfolio KPIs from a batch's output.
//!
//! One snapshot gives overdue accounts and amounts by 30/60/90/180/360 days, escalations and the
//! actions allowed now; with the case summaries `batch --with-case-summary` adds, also the time
//! to first contact and the complaint rate. Two snapshots (`--previous`) add the roll rates and,
//! with case summaries in both, the recovery rate.
//!
//! The figures are the core's report tally (`arrears_core::decision::report`), the very one the
//! Spark report merges from its partitions; what is here reads the files, pairs each account's
//! lines of the two snapshots, and writes the text.
//!
//! Everything streams: a snapshot line is read, counted and dropped. The two snapshots are joined
//! on account id reading both files in step; a line whose partner has not been seen yet waits in a
//! table until it comes. Files in the same account order (as `batch` writes them for two
//! snapshots of one book) keep that table as small as the accounts opened or closed in between;
//! files in unrelated orders hold up to one snapshot's accounts in it (about 100 bytes each).

use std::collections::HashMap;
use std::io::BufRead;

use arrears_core::decision::report::{
    decision_line, Complaints, FirstContact, Report, Standing, Tally, BUCKETS, CONTACT_BINS,
};
use arrears_core::{Error, ErrorCode};
use serde_json::Value;

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
            return Ok(Some(decision_line(text)));
        }
    }
}

fn key(s: &Value) -> String {
    s.as_str().unwrap_or("?").to_string()
}

/// The report over `current`, joined with `previous` when given. The figures are the core's
/// tally ([`Tally`]); what is here is reading the files and pairing each account's lines.
pub fn build(current: &mut Lines, previous: Option<&mut Lines>) -> Result<Report, Error> {
    let mut tally = if previous.is_some() {
        Tally::two_snapshots()
    } else {
        Tally::new()
    };
    let mut join = previous.map(|p| (p, Join::default()));
    let mut current_done = false;
    loop {
        let mut progressed = false;
        if !current_done {
            match current.next()? {
                None => current_done = true,
                Some(None) => {
                    tally.count_error();
                    progressed = true;
                }
                Some(Some(d)) => {
                    progressed = true;
                    let now = tally.count(&d);
                    if let Some((_, j)) = join.as_mut() {
                        j.current(&mut tally, key(&d["account_id"]), now);
                    }
                }
            }
        }
        if let Some((p, j)) = join.as_mut() {
            if !j.previous_done {
                match p.next()? {
                    None => j.previous_done = true,
                    Some(None) => {
                        tally.count_previous_error();
                        progressed = true;
                    }
                    Some(Some(d)) => {
                        progressed = true;
                        let then = tally.count_previous(&d);
                        j.previous(&mut tally, key(&d["account_id"]), then);
                    }
                }
            }
        }
        if !progressed {
            break;
        }
    }
    if let Some((_, j)) = join {
        for then in j.waiting_previous.values() {
            tally.only_in_previous(then);
        }
        for now in j.waiting_current.values() {
            tally.only_in_current(now);
        }
    }
    Ok(tally.finish())
}

/// The two snapshots' lines whose partner has not been read yet, by account id.
#[derive(Default)]
struct Join {
    previous_done: bool,
    waiting_previous: HashMap<String, Standing>,
    waiting_current: HashMap<String, Standing>,
}

impl Join {
    fn previous(&mut self, tally: &mut Tally, id: String, then: Standing) {
        match self.waiting_current.remove(&id) {
            Some(now) => tally.pair(&then, &now),
            None => {
                self.waiting_previous.insert(id, then);
            }
        }
    }

    fn current(&mut self, tally: &mut Tally, id: String, now: Standing) {
        match self.waiting_previous.remove(&id) {
            Some(then) => tally.pair(&then, &now),
            None => {
                self.waiting_current.insert(id, now);
            }
        }
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
