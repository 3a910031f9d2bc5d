//! Obligations: duties with a deadline that an event starts and another satisfies (a notice
//! within N days of the first communication). Each is computed once per decision, for every
//! party it is owed to; the open ones are reported, and conditions can ask whether one is open or
//! past its deadline, which is how a policy makes an obligation a prerequisite.

use crate::case::{Event, EventKind, BORROWER};
use crate::conditions::Conditions;
use crate::decision::ObligationOutput;
use crate::facts::{Facts, ObligationState, Target};
use crate::policy::{EventPattern, PartyKind};

impl EventPattern {
    pub(crate) fn matches(&self, e: &Event) -> bool {
        self.types.contains(&e.event_type())
            && e.outcome_in(&self.outcomes)
            && (self.directions.is_empty() || self.directions.contains(&e.direction))
            && (self.letters.is_empty()
                || matches!(e.kind, EventKind::Letter { kind } if self.letters.contains(&kind)))
    }
}

/// Evaluates the policy's obligations against the facts: a step after gathering them, whose
/// states the conditions then read (an obligation open, or past its deadline).
#[derive(Clone, Copy)]
pub(crate) struct Obligations<'f> {
    facts: &'f Facts<'f>,
}

impl<'f> Obligations<'f> {
    pub(crate) fn new(facts: &'f Facts<'f>) -> Self {
        Obligations { facts }
    }

    /// The state of every obligation of the policy that applies to the case. An obligation's
    /// own `when` is read with conditions that know of no obligation yet, so a `when` that asks
    /// whether an obligation is open or overdue finds none.
    pub(crate) fn states(&self) -> Vec<ObligationState<'f>> {
        let facts = self.facts;
        let conditions = Conditions::new(facts, &[]);
        let doc = facts.policy.document();
        let mut out = Vec::new();
        for def in &doc.obligations {
            let mut parties: Vec<Target<'f>> = Vec::new();
            for kind in &def.parties {
                if *kind == PartyKind::Borrower {
                    parties.push(facts.borrower_target());
                } else {
                    let mut contacts: Vec<_> = facts
                        .case
                        .contacts
                        .iter()
                        .filter(|c| PartyKind::of_role(c.role) == *kind)
                        .collect();
                    crate::order::sort_by(&mut contacts, |a, b| a.id.cmp(&b.id));
                    parties.extend(contacts.into_iter().map(|c| Target {
                        party: &c.id,
                        kind: *kind,
                        contact: Some(c),
                        channel: None,
                        action: None,
                    }));
                }
            }
            for t in parties {
                if def
                    .when
                    .as_ref()
                    .is_some_and(|w| !conditions.holds_now(w, &t))
                {
                    continue;
                }
                // An account-level event (a placement, an escalation: one that names no party)
                // concerns every party the obligation is owed to.
                let of_party = |e: &&&Event| e.party.as_deref().is_none_or(|p| p == t.party);
                let Some(start) = facts
                    .history
                    .events
                    .iter()
                    .filter(of_party)
                    .find(|e| def.starts.matches(e))
                else {
                    continue;
                };
                let satisfied = facts
                    .history
                    .events
                    .iter()
                    .filter(of_party)
                    .any(|e| def.satisfied_by.matches(e));
                let started = start.at.seconds();
                let zone = facts.primary;
                let mut day = zone.date_of(started);
                let mut left = def.due_days;
                while left > 0 {
                    day = day.add_days(1);
                    if !def.working_days || facts.calendar.is_working_day(day) {
                        left -= 1;
                    }
                }
                out.push(ObligationState {
                    def,
                    party: t.party,
                    due_by: zone.start_of(day.add_days(1)),
                    satisfied,
                });
            }
        }
        out
    }

    /// The open obligations as the decision reports them, in policy order then party order.
    pub(crate) fn report(&self, states: &[ObligationState]) -> Vec<ObligationOutput> {
        let facts = self.facts;
        states
            .iter()
            .filter(|o| !o.satisfied)
            .map(|o| ObligationOutput {
                obligation: o.def.obligation.clone(),
                party: if o.party == BORROWER {
                    BORROWER.to_string()
                } else {
                    o.party.to_string()
                },
                due_by: facts.primary.render(o.due_by),
                overdue: facts.as_of >= o.due_by,
                rule: o.def.id.clone(),
                cite: o.def.cite.clone(),
            })
            .collect()
    }
}
