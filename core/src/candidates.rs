//! The candidates of a decision and their order, for `decide` and `plan` alike.
//!
//! The strategy in force (a status's own route, then the stage's ladder) names steps; each step
//! expands into candidates, action x party x channel. A candidate named again by a later step adds
//! nothing. The order in which candidates are listed, and which one is the next action, follows
//! the strategy, except that within a run of candidates of one action (a step's parties and
//! channels) the policy's call order goes first; at the same instant, a day the step's pay-day
//! timing prefers comes before one it does not. The decision and the plan both read that order
//! from here, so a plan lists its candidates exactly as a decision at each of its instants would.

use crate::case::{Channel, ChannelKind, Contact, BORROWER};
use crate::error::{Error, ErrorCode};
use crate::facts::{Facts, Span, Target};
use crate::intervals::IntervalSet;
use crate::pay_days::PayDays;
use crate::policy::{CallOrderEntry, PartyKind, StatusDef, StepDef};
use crate::time::Seconds;
use std::collections::BTreeSet;

/// Most candidates (action x party x channel, as the strategy's steps name them) one decision
/// weighs (docs/case.md, limits).
pub const MAX_CANDIDATES: usize = 2_000;

/// What tells one candidate from another: its action, its party and its channel.
pub(crate) type Key<'s> = (&'s str, &'s str, Option<&'s str>);

/// A candidate's key.
pub(crate) fn key<'s>(step: &'s StepDef, target: &Target<'s>) -> Key<'s> {
    (
        step.action.as_str(),
        target.party,
        target.channel.map(|c| c.id.as_str()),
    )
}

/// The strategy in force, each step with the candidates it names: a status's own route (the
/// estate, the attorney) comes before the stage's ladder, so while the status holds, that route is
/// the strategy.
pub(crate) fn of_strategy<'a>(
    facts: &Facts<'a>,
    statuses: &[&'a StatusDef],
) -> Vec<(&'a StepDef, Vec<Target<'a>>)> {
    let stage = facts.stage;
    statuses
        .iter()
        .flat_map(|s| s.steps.iter())
        .chain(
            facts
                .policy
                .document()
                .strategy
                .iter()
                .filter(|s| s.stages.is_empty() || s.stages.contains(&stage.id)),
        )
        .map(|step| (step, of_step(facts, step)))
        .collect()
}

/// The candidates a step names: each party of its kinds, on each of its channels of the step's
/// kinds (in the step's kind order, then channel id), or once without a channel for actions that
/// use none.
pub(crate) fn of_step<'a>(facts: &Facts<'a>, step: &StepDef) -> Vec<Target<'a>> {
    let case = facts.case;
    let Some(action) = facts.policy.action(&step.action) else {
        return Vec::new();
    };
    let kinds = if step.channels.is_empty() {
        &action.channels
    } else {
        &step.channels
    };
    let mut parties: Vec<(&'a str, PartyKind, Option<&'a Contact>, &'a [Channel])> = Vec::new();
    for kind in &step.parties {
        if *kind == PartyKind::Borrower {
            parties.push((BORROWER, PartyKind::Borrower, None, &case.borrower.channels));
        } else {
            let mut contacts: Vec<&Contact> = case
                .contacts
                .iter()
                .filter(|c| PartyKind::of_role(c.role) == *kind)
                .collect();
            crate::order::sort_by(&mut contacts, |a, b| a.id.cmp(&b.id));
            for c in contacts {
                parties.push((&c.id, *kind, Some(c), &c.channels));
            }
        }
    }
    let mut out = Vec::new();
    for (party, kind, contact, channels) in parties {
        let base = Target {
            party,
            kind,
            contact,
            channel: None,
            action: Some(action),
        };
        if action.channels.is_empty() {
            out.push(base);
            continue;
        }
        for k in kinds {
            let mut of_kind: Vec<&Channel> = channels.iter().filter(|c| c.kind == *k).collect();
            crate::order::sort_by(&mut of_kind, |a, b| a.id.cmp(&b.id));
            for ch in of_kind {
                out.push(Target {
                    channel: Some(ch),
                    ..base
                });
            }
        }
    }
    out
}

/// Refuses a decision whose steps name more than [`MAX_CANDIDATES`] distinct candidates (a
/// later step naming one again costs a lookup, not a verdict), at the list that multiplies them
/// most: the contacts or the borrower's channels.
pub(crate) fn within_limit(steps: &[(&StepDef, Vec<Target>)]) -> Result<(), Error> {
    let mut distinct: BTreeSet<Key> = BTreeSet::new();
    let mut of_contacts = 0usize;
    for (step, targets) in steps {
        for t in targets {
            if distinct.insert(key(step, t)) && t.contact.is_some() {
                of_contacts += 1;
            }
        }
    }
    let named = distinct.len();
    if named <= MAX_CANDIDATES {
        return Ok(());
    }
    let path = if 2 * of_contacts >= named {
        "contacts"
    } else {
        "borrower.channels"
    };
    Err(Error::new(
        ErrorCode::LimitExceeded,
        path,
        format!(
            "the policy's strategy names {named} candidates (action x party x channel) for this case; at most {MAX_CANDIDATES} are weighed in one decision"
        ),
    ))
}

/// The local days (first zone) within the span that the step's pay-day timing favours; empty for
/// a step without one.
pub(crate) fn preferred(pay_days: &PayDays, step: &StepDef, span: Span) -> IntervalSet {
    match &step.pay_day {
        Some(timing) => pay_days.set(timing, span),
        None => IntervalSet::empty(),
    }
}

/// Whether the step's pay-day timing favours the local day of `at`.
pub(crate) fn prefers(pay_days: &PayDays, step: &StepDef, at: Seconds) -> bool {
    step.pay_day.is_some() && preferred(pay_days, step, Span { lo: at, hi: at + 1 }).contains(at)
}

/// Where a candidate stands in the order of the list: the start of the run of candidates of one
/// action it belongs to (the strategy's order), then its place in the call order within the run.
pub(crate) type Rank = (usize, usize);

/// Ranks candidates as they are listed, one after another in strategy order: the call order
/// reorders only within a run of candidates of one action, never an action ahead of another the
/// strategy puts first.
pub(crate) struct Ranking<'s> {
    call_order: &'s [CallOrderEntry],
    /// The action of the current run and where the run begins.
    run: Option<(&'s str, usize)>,
    listed: usize,
}

impl<'s> Ranking<'s> {
    pub(crate) fn new(call_order: &'s [CallOrderEntry]) -> Ranking<'s> {
        Ranking {
            call_order,
            run: None,
            listed: 0,
        }
    }

    /// The rank of the next candidate listed.
    pub(crate) fn next(
        &mut self,
        action: &'s str,
        party: PartyKind,
        channel: Option<ChannelKind>,
    ) -> Rank {
        let start = match self.run {
            Some((a, start)) if a == action => start,
            _ => self.listed,
        };
        self.run = Some((action, start));
        self.listed += 1;
        (
            start,
            crate::policy::call_rank(self.call_order, party, channel),
        )
    }
}
