//! The plan held to the decision, minute by minute.
//!
//! A plan promises that a minute lies inside one of a candidate's windows exactly when a decision
//! at that minute, with nothing else having happened, allows the candidate. This test takes that
//! promise literally: for generated cases under every pack (and a lender document that times its
//! calls around pay day and orders its channels), it plans the coming days once, then decides the
//! same case at every minute of the horizon and compares the allowed candidates with the windows.
//!
//! Stepping through every minute takes about two million decisions, so the test runs only in an
//! optimised build: `cargo test --release -p arrears-core --test plan_oracle` (the suite's script
//! runs it so). A disagreement prints the case, the candidate and the minute, and writes the case
//! to a scratch directory (never into the repository) so it can be replayed with the command line.

use std::collections::BTreeSet;

use arrears_core::time::Instant;
use arrears_core::{Case, Engine, Policy};
use serde_json::{json, Value};

/// Generated cases planned and stepped.
const CASES: u64 = 1_000;
/// Local days each plan covers.
const DAYS: u32 = 2;
const MINUTE: i64 = 60;

/// A lender document over `base` whose calls wait for pay day (the working day before it for the
/// reminder text), and which tries the borrower's mobile, then home, then work phone, then the
/// contacts.
fn pay_day_lender(base: &str) -> String {
    let doc: Value =
        serde_json::from_str(&arrears_core::policy::builtin_source(base).unwrap()).unwrap();
    let mut strategy = doc["strategy"].as_array().cloned().unwrap_or_default();
    for (i, step) in strategy.iter_mut().enumerate() {
        if step["action"] == "call" {
            let mode = if i.is_multiple_of(2) {
                "require"
            } else {
                "prefer"
            };
            step["pay_day"] = json!({ "working_days": 0, "mode": mode });
        } else if step["action"] == "sms" {
            step["pay_day"] = json!({ "working_days": -1, "mode": "prefer" });
        }
    }
    json!({
        "id": format!("{base}-pay-day"),
        "version": "1",
        "extends": base,
        "title": "Calls on pay day",
        "strategy": strategy,
        "call_order": [
            { "parties": ["borrower"], "channels": ["mobile"] },
            { "parties": ["borrower"], "channels": ["home_phone"] },
            { "parties": ["borrower"], "channels": ["work_phone"] },
            { "parties": ["borrower"] },
        ]
    })
    .to_string()
}

/// The `i`-th generated case, moved into a zone and currency the policy's market covers.
fn case_for(i: u64, engine: &Engine) -> Value {
    let mut case = arrears_core::synthetic::account(0x91a2, i, (i % 12) as usize);
    if let Some(market) = &engine.policy().document().market {
        let zone = market.time_zones[(i as usize) % market.time_zones.len()].name();
        case["account"]["book_time_zone"] = json!(zone);
        case["borrower"]["time_zones"] = json!([zone]);
        case["account"]["currency"] = json!(market.currencies[0]);
    }
    if !i.is_multiple_of(3) {
        let days: Vec<Value> = match i % 4 {
            0 => vec![json!(5), json!(20)],
            1 => vec![json!("last_working_day")],
            2 => vec![json!((i % 31) + 1)],
            _ => vec![json!(10), json!(25), json!("last_working_day")],
        };
        case["borrower"]["pay_days"] = json!(days);
    }
    if i.is_multiple_of(5) {
        case["borrower"]["channels"]
            .as_array_mut()
            .unwrap()
            .push(json!({ "id": "w1", "kind": "work_phone" }));
    }
    case
}

fn instant(text: &str) -> i64 {
    text.parse::<Instant>().unwrap().seconds()
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "about two million decisions: run with cargo test --release --test plan_oracle"
)]
fn every_minute_of_the_plan_agrees_with_a_decision_at_that_minute() {
    let mut engines: Vec<Engine> = arrears_core::policy::packs::IDS
        .iter()
        .map(|id| Engine::new(Policy::builtin(id).unwrap()))
        .collect();
    for base in ["cn-microloan", "us-reg-f"] {
        engines.push(Engine::new(
            Policy::from_json(&pay_day_lender(base)).unwrap(),
        ));
    }
    // Two threads, each stepping every other case: the suite's machines have two cores.
    let results: Vec<(u64, u64, Vec<String>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..2u64)
            .map(|lane| {
                let engines = &engines;
                scope.spawn(move || step_cases(engines, lane))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let minutes: u64 = results.iter().map(|r| r.0).sum();
    let windows: u64 = results.iter().map(|r| r.1).sum();
    let failures: Vec<String> = results.into_iter().flat_map(|r| r.2).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The walk covered the horizon and the plans were not empty.
    assert!(minutes > CASES * 24 * 60, "only {minutes} minutes stepped");
    assert!(windows > CASES, "only {windows} windows planned");
    eprintln!("{CASES} cases, {minutes} minutes stepped, {windows} windows planned: all agree");
}

/// Plans and steps the cases of one lane: (minutes stepped, windows planned, disagreements).
fn step_cases(engines: &[Engine], lane: u64) -> (u64, u64, Vec<String>) {
    let (mut minutes, mut windows, mut failures) = (0u64, 0u64, Vec::new());
    for i in (lane..CASES).step_by(2) {
        let engine = &engines[(i as usize) % engines.len()];
        let text = case_for(i, engine).to_string();
        let case = Case::from_json(&text).unwrap();
        let plan = engine.plan(&case, DAYS).unwrap();
        let planned: Vec<(String, Vec<(i64, i64)>)> = plan
            .candidates
            .iter()
            .map(|c| {
                let key = format!(
                    "{} {} {}",
                    c.action,
                    c.party,
                    c.channel.as_deref().unwrap_or("-")
                );
                let spans = c
                    .windows
                    .iter()
                    .map(|w| (instant(&w.from), instant(&w.until)))
                    .collect();
                (key, spans)
            })
            .collect();
        windows += planned.iter().map(|(_, s)| s.len() as u64).sum::<u64>();
        let (start, end) = (case.as_of.seconds(), instant(&plan.until));
        let mut t = start;
        while t < end {
            let mut stepped = case.clone();
            stepped.as_of = Instant(
                chrono::DateTime::from_timestamp(t, 0)
                    .unwrap()
                    .with_timezone(&case.as_of.0.timezone()),
            );
            let decision = engine.decide(&stepped).unwrap();
            let allowed: BTreeSet<String> = decision
                .actions
                .iter()
                .filter(|a| a.allowed)
                .map(|a| {
                    format!(
                        "{} {} {}",
                        a.action,
                        a.party,
                        a.channel.as_deref().unwrap_or("-")
                    )
                })
                .collect();
            let inside: BTreeSet<String> = planned
                .iter()
                .filter(|(_, spans)| spans.iter().any(|&(a, b)| a <= t && t < b))
                .map(|(k, _)| k.clone())
                .collect();
            if allowed != inside && failures.len() < 5 {
                let dir = std::env::temp_dir().join("arrears-plan-oracle");
                std::fs::create_dir_all(&dir).ok();
                let file = dir.join(format!("case-{i}.json"));
                std::fs::write(&file, &text).ok();
                failures.push(format!(
                    "case {i} under {} at {}: decided allowed {:?}, planned {:?} (case written to {})",
                    engine.policy().id(),
                    stepped.as_of,
                    allowed.difference(&inside).collect::<Vec<_>>(),
                    inside.difference(&allowed).collect::<Vec<_>>(),
                    file.display()
                ));
                break;
            }
            minutes += 1;
            t += MINUTE;
        }
    }
    (minutes, windows, failures)
}
