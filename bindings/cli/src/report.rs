//! `arrears report`: portfolio KPIs from a batch's output (seed 001 asks for overdue counts and
//! amounts by 30/60/90/180/360 days, escalations and actions).

use std::collections::BTreeMap;
use std::io::BufRead;

use serde::Serialize;
use serde_json::Value;

/// Buckets of days past due, as the seeds report them.
const BUCKETS: &[(&str, u32, u32)] = &[
    ("current", 0, 0),
    ("1-30", 1, 30),
    ("31-60", 31, 60),
    ("61-90", 61, 90),
    ("91-180", 91, 180),
    ("181-360", 181, 360),
    ("360+", 361, u32::MAX),
];

#[derive(Default, Serialize)]
pub struct Bucket {
    pub accounts: u64,
    /// Overdue amount in minor units, per currency.
    pub overdue: BTreeMap<String, i64>,
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
}

pub fn build(input: &mut dyn BufRead) -> std::io::Result<Report> {
    let mut r = Report::default();
    for (name, _, _) in BUCKETS {
        r.by_days_past_due
            .insert(name.to_string(), Bucket::default());
    }
    for line in input.lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let Ok(d) = serde_json::from_str::<Value>(&line) else {
            r.errors += 1;
            continue;
        };
        if d.get("error").is_some() {
            r.errors += 1;
            continue;
        }
        r.accounts += 1;
        let q = &d["delinquency"];
        let dpd = q["days_past_due"]
            .as_u64()
            .unwrap_or(0)
            .min(u64::from(u32::MAX)) as u32;
        if let Some((name, _, _)) = BUCKETS.iter().find(|(_, lo, hi)| *lo <= dpd && dpd <= *hi) {
            let b = r.by_days_past_due.entry(name.to_string()).or_default();
            b.accounts += 1;
            let cur = q["currency"].as_str().unwrap_or("?").to_string();
            *b.overdue.entry(cur).or_default() += q["overdue_amount"].as_i64().unwrap_or(0);
        }
        *r.by_stage
            .entry(q["stage"]["id"].as_str().unwrap_or("?").to_string())
            .or_default() += 1;
        if let Some(to) = d["queue"]["escalate_to"].as_str() {
            *r.escalations_due.entry(to.to_string()).or_default() += 1;
        }
        let mut any = false;
        for a in d["actions"].as_array().into_iter().flatten() {
            if a["allowed"] == Value::Bool(true) {
                any = true;
                *r.allowed_now_by_action
                    .entry(a["action"].as_str().unwrap_or("?").to_string())
                    .or_default() += 1;
            }
        }
        r.accounts_with_an_action_now += u64::from(any);
    }
    Ok(r)
}

pub fn render(r: &Report) -> String {
    use std::fmt::Write;
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{} accounts decided, {} error lines\n",
        r.accounts, r.errors
    );
    let _ = writeln!(
        o,
        "{:<10} {:>10} {:>8}  overdue (minor units)",
        "DPD", "accounts", "share"
    );
    for (name, _, _) in BUCKETS {
        let b = &r.by_days_past_due[*name];
        let share = (b.accounts * 1000).checked_div(r.accounts).unwrap_or(0);
        let amounts: Vec<String> = b.overdue.iter().map(|(c, a)| format!("{a} {c}")).collect();
        let _ = writeln!(
            o,
            "{name:<10} {:>10} {:>5}.{}%  {}",
            b.accounts,
            share / 10,
            share % 10,
            amounts.join(", ")
        );
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
    o
}
