//! The facts of one case at one instant, gathered once per decision: the account's standing and
//! stage, its history and promises, the borrower's zones, and the candidates (action × party ×
//! channel) a strategy step names. Every rule is evaluated against these facts; nothing here
//! decides anything.

use crate::calendar::Calendar;
use crate::case::{Case, Channel, Contact, BORROWER};
use crate::decision::TraceEntry;
use crate::delinquency::{Ledger, Standing};
use crate::history::History;
use crate::policy::{ActionDef, ObligationDef, PartyKind, Policy, StageDef, StatusDef, StepDef};
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
/// was met (computed in `obligations.rs`).
#[derive(Debug, Clone)]
pub struct ObligationState<'a> {
    pub def: &'a ObligationDef,
    /// `borrower` or a contact id.
    pub party: &'a str,
    /// When the starting event happened.
    pub started: Seconds,
    /// The end of the due date, local time: overdue from this instant.
    pub due_by: Seconds,
    pub satisfied: bool,
}

/// Everything about the case the rules ask about, computed once per decision.
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
    /// Every obligation of the policy that applies, open or satisfied.
    pub obligations: Vec<ObligationState<'a>>,
    /// The dates each cap or rest pattern counted over the whole account (scope `account`),
    /// by the rule's address in the policy: the same for every candidate, so read from the
    /// history once per decision rather than once per candidate.
    pub(crate) account_dates:
        std::cell::RefCell<std::collections::BTreeMap<usize, std::rc::Rc<Vec<crate::time::Date>>>>,
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
        let mut facts = Facts {
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
            obligations: Vec::new(),
            account_dates: Default::default(),
        };
        facts.obligations = facts.obligation_states();
        (facts, trace)
    }

    /// The statuses that hold at `as_of`, in policy order (the first names the account's state).
    pub fn statuses(&self) -> Vec<&'a StatusDef> {
        let borrower = self.borrower_target();
        self.policy
            .document()
            .statuses
            .iter()
            .filter(|s| self.holds_now(&s.when, &borrower))
            .collect()
    }

    /// The strategy in force: a status's own route (the estate, the attorney) comes before the
    /// stage's ladder, so while the status holds, that route is the strategy.
    pub fn steps<'s>(&self, statuses: &'s [&'a StatusDef]) -> impl Iterator<Item = &'a StepDef> + 's
    where
        'a: 's,
    {
        let stage = self.stage;
        statuses.iter().flat_map(|s| s.steps.iter()).chain(
            self.policy
                .document()
                .strategy
                .iter()
                .filter(move |s| s.stages.is_empty() || s.stages.contains(&stage.id)),
        )
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

    /// The candidates a step names: each party of its kinds, on each of its channels of the
    /// step's kinds (in the step's kind order, then channel id), or once without a channel for
    /// actions that use none.
    pub fn candidates(&self, step: &StepDef) -> Vec<Target<'a>> {
        let case = self.case;
        let Some(action) = self.policy.action(&step.action) else {
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
                contacts.sort_by(|a, b| a.id.cmp(&b.id));
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
                of_kind.sort_by(|a, b| a.id.cmp(&b.id));
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
}
