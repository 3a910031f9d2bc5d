//! The facts of one case at one instant, gathered once per decision: the account's standing and
//! stage, its history and promises, the borrower's zones. Every rule is evaluated against these
//! facts by the evaluators that borrow them (`conditions.rs`, `contact.rs`, `pay_days.rs`,
//! `obligations.rs`, `solver.rs`); nothing here evaluates or decides anything.

use crate::calendar::Calendar;
use crate::case::{Case, Channel, Contact, BORROWER};
use crate::decision::TraceEntry;
use crate::delinquency::{Ledger, Standing};
use crate::history::History;
use crate::policy::{ActionDef, ObligationDef, PartyKind, Policy, StageDef};
use crate::promises::PromiseState;
use crate::time::{Seconds, Zone};

/// A span of instants `[lo, hi)` under evaluation; `lo` is always `as_of`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub lo: Seconds,
    pub hi: Seconds,
}

impl Span {
    /// Whole days the span covers in a zone, for day-by-day searches.
    pub fn days_in(self, zone: Zone) -> i64 {
        zone.date_of(self.hi).days_since(zone.date_of(self.lo)) + 1
    }
}

/// Who and what a rule is being evaluated for.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    /// `borrower` or a contact id.
    pub party: &'a str,
    pub kind: PartyKind,
    pub contact: Option<&'a Contact>,
    pub channel: Option<&'a Channel>,
    pub action: Option<&'a ActionDef>,
}

impl Target<'_> {
    /// The medium the candidate communicates through: the action's own, else the one its channel
    /// kind implies (a phone number carries calls and texts alike, so it implies none).
    pub fn medium(&self) -> Option<crate::case::Medium> {
        use crate::case::{ChannelKind, Medium};
        self.action.and_then(|a| a.medium).or_else(|| {
            self.channel.and_then(|c| match c.kind {
                ChannelKind::Email => Some(Medium::Email),
                ChannelKind::Postal => Some(Medium::Postal),
                ChannelKind::Sms => Some(Medium::Text),
                ChannelKind::Mobile | ChannelKind::HomePhone | ChannelKind::WorkPhone => None,
            })
        })
    }
}

/// An obligation of the policy owed to one party: when it started, when it is due, whether it
/// was met (computed from the facts in `obligations.rs`, a step after gathering).
#[derive(Debug, Clone)]
pub struct ObligationState<'a> {
    pub def: &'a ObligationDef,
    /// `borrower` or a contact id.
    pub party: &'a str,
    /// The end of the due date, local time: overdue from this instant.
    pub due_by: Seconds,
    pub satisfied: bool,
}

/// Everything about the case the rules ask about, computed once per decision. Nothing in it
/// changes once it is gathered; what depends on evaluating a condition (the obligations' states,
/// the statuses) is computed after, from these facts.
pub struct Facts<'a> {
    pub case: &'a Case,
    pub policy: &'a Policy,
    pub calendar: &'a Calendar,
    pub as_of: Seconds,
    pub book: Zone,
    /// The borrower's zones (the book zone when none are given); windows hold in all of them.
    pub zones: Vec<Zone>,
    /// The first of them: local days for caps and rests, and the zone of output instants.
    pub primary: Zone,
    pub ledger: Ledger,
    pub standing: Standing,
    pub stage: &'a StageDef,
    pub risk_grade: crate::case::RiskGrade,
    pub history: History<'a>,
    pub promises: Vec<PromiseState>,
}

impl<'a> Facts<'a> {
    /// Gathers the facts of a case under a policy, with the trace of how they were found.
    pub fn new(case: &'a Case, policy: &'a Policy) -> (Facts<'a>, Vec<TraceEntry>) {
        Facts::at(case, policy, case.as_of.seconds())
    }

    /// The facts of a case as they will stand at a later instant if nothing else happens (the
    /// contact plan looks ahead this way); `at` is never before the case's `as_of`.
    pub fn at(case: &'a Case, policy: &'a Policy, as_of: Seconds) -> (Facts<'a>, Vec<TraceEntry>) {
        let doc = policy.document();
        let book = case.account.book_time_zone;
        let zones = case.borrower_zones();
        let primary = zones[0];
        let ledger = Ledger::new(case, policy);
        let standing = ledger.standing(book.date_of(as_of));
        let mut trace = Vec::new();

        let stage = crate::stages::stage_of(policy, &ledger, &standing);
        trace.push(TraceEntry {
            rule: stage.rule.clone(),
            effect: format!(
                "stage={} (days_past_due={})",
                stage.id, standing.days_past_due
            ),
            cite: stage.cite.clone(),
        });
        let risk_grade = match case.borrower.risk_grade {
            Some(g) => g,
            None => {
                let g =
                    ledger.risk_grade(standing.business_date, doc.delinquency.risk_lookback_months);
                trace.push(TraceEntry {
                    rule: "delinquency.risk_grade".to_string(),
                    effect: format!(
                        "risk_grade={g:?} (computed from installments due in the last {} months)",
                        doc.delinquency.risk_lookback_months
                    ),
                    cite: doc.delinquency.cite.clone(),
                });
                g
            }
        };
        let history = History::new(case, policy, primary);
        let promises = crate::promises::promises(case, policy, &history, primary, as_of);
        for p in promises.iter().filter(|p| !p.honoured) {
            trace.push(TraceEntry {
                rule: "contact.promises".to_string(),
                effect: format!(
                    "promise made {} for {} not honoured: its date is more than {} days ahead",
                    primary.render(p.made_at),
                    p.date,
                    doc.contact.promises.horizon_days
                ),
                cite: doc.contact.promises.cite.clone(),
            });
        }
        let facts = Facts {
            case,
            policy,
            calendar: policy.calendar(),
            as_of,
            book,
            zones,
            primary,
            ledger,
            standing,
            stage,
            risk_grade,
            history,
            promises,
        };
        (facts, trace)
    }

    pub fn borrower_target(&self) -> Target<'a> {
        Target {
            party: BORROWER,
            kind: PartyKind::Borrower,
            contact: None,
            channel: None,
            action: None,
        }
    }

    /// How many promises the borrower has broken.
    pub fn broken_promises(&self) -> usize {
        self.promises.iter().filter(|p| p.broken).count()
    }
}
