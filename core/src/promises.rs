//! Promises to pay (docs/decision.md, actions).
//!
//! A promise is active from the moment it is made until the end of its promised date in the
//! borrower's local time. It is kept when payments made after it add up to the promised amount by
//! then, and broken otherwise once its date is over. A promise dated further out than the policy's
//! horizon (seed 002: 最长不得超过三天) is recorded but not honoured: it neither pauses collection
//! nor counts as broken.

use crate::case::{Case, EventKind};
use crate::history::History;
use crate::policy::Policy;
use crate::time::{Date, Seconds, Zone};

#[derive(Debug, Clone)]
pub struct PromiseState {
    pub party: String,
    pub made_at: Seconds,
    pub date: Date,
    /// The end of the promised date, local time: the promise is active in `[made_at, ends_at)`.
    pub ends_at: Seconds,
    pub honoured: bool,
    /// Broken: honoured, its date is over at `as_of`, and not kept.
    pub broken: bool,
}

pub fn promises(
    case: &Case,
    policy: &Policy,
    history: &History,
    primary: Zone,
    as_of: Seconds,
) -> Vec<PromiseState> {
    let horizon = i64::from(policy.document().contact.promises.horizon_days);
    // Repayments that stand, in time order with running totals, so each promise sums what was paid in its span
    // by two binary searches instead of a pass over every payment.
    let mut paid_at: Vec<(Seconds, i64)> = case
        .repayments()
        .map(|p| (p.at.seconds(), p.amount))
        .collect();
    crate::order::sort(&mut paid_at);
    let mut totals = Vec::with_capacity(paid_at.len() + 1);
    totals.push(0i64);
    for &(_, amount) in &paid_at {
        let last = totals.last().copied().unwrap_or(0);
        totals.push(last.saturating_add(amount));
    }
    let paid_between = |after: Seconds, before: Seconds| -> i64 {
        let lo = paid_at.partition_point(|&(t, _)| t <= after);
        let hi = paid_at.partition_point(|&(t, _)| t < before).max(lo);
        totals[hi] - totals[lo]
    };
    history
        .events
        .iter()
        .filter_map(|e| {
            let EventKind::Promise { date, amount } = e.kind else {
                return None;
            };
            let made_at = e.at.seconds();
            let made_on = primary.date_of(made_at);
            let ahead = date.days_since(made_on);
            let honoured = (0..=horizon).contains(&ahead);
            let ends_at = primary.start_of(date.add_days(1));
            let kept = paid_between(made_at, ends_at) >= amount;
            Some(PromiseState {
                party: e.party().to_string(),
                made_at,
                date,
                ends_at,
                honoured,
                broken: honoured && !kept && ends_at <= as_of,
            })
        })
        .collect()
}
