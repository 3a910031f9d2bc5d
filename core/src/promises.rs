//! Promises to pay (docs/decision.md, actions).
//!
//! A promise is active from the moment it is made until the end of its promised date in the
//! borrower's local time. It is kept when payments made after it add up to the promised amount by
//! then, and broken otherwise once its date is over. A promise dated further out than the policy's
//! horizon (seed 002: 最长不得超过三天) is recorded but not honoured: it neither pauses collection
//! nor counts as broken.

use crate::case::{Case, EventType};
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
    pub amount: i64,
    pub honoured: bool,
    pub kept: bool,
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
    history
        .events
        .iter()
        .filter(|e| e.kind == EventType::Promise)
        .filter_map(|e| {
            let date = e.date?;
            let amount = e.amount?;
            let made_at = e.at.seconds();
            let made_on = primary.date_of(made_at);
            let ahead = date.days_since(made_on);
            let honoured = (0..=horizon).contains(&ahead);
            let ends_at = primary.start_of(date.add_days(1));
            let paid: i64 = case
                .repayments()
                .filter(|p| {
                    let t = p.at.seconds();
                    t > made_at && t < ends_at
                })
                .map(|p| p.amount)
                .fold(0i64, i64::saturating_add);
            let kept = paid >= amount;
            Some(PromiseState {
                party: e.party.clone().unwrap_or_default(),
                made_at,
                date,
                ends_at,
                amount,
                honoured,
                kept,
                broken: honoured && !kept && ends_at <= as_of,
            })
        })
        .collect()
}
