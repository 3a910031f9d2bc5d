//! Evaluating a [`Condition`] for one candidate over a span of time.
//!
//! Most facts are fixed for the whole decision (a flag, a role, a risk grade); a few change as time
//! passes with nothing else happening: days past due grow, due dates approach, promises expire,
//! the days since a letter or a conversation add up. Each condition therefore yields the set of
//! instants in the span at which it holds, which the engine intersects with the other rules.

use crate::case::{EventType, LetterKind, BORROWER};
use crate::contact::ContactLimits;
use crate::facts::{Facts, ObligationState, Span, Target};
use crate::intervals::IntervalSet;
use crate::policy::{Condition, PartyKind, RecordedEvent, StatusDef};
use crate::time::Seconds;

impl Condition {
    /// Whether the condition's truth is the same at every instant after `as_of` (given that
    /// nothing else happens): flags, roles, counts and recorded events are; day counts, due
    /// dates, promises and the days since a letter or conversation are not.
    pub fn is_time_invariant(&self) -> bool {
        match self {
            Condition::All(v) | Condition::Any(v) => v.iter().all(Condition::is_time_invariant),
            Condition::Not(c) => c.is_time_invariant(),
            Condition::LostContactForDays(_)
            | Condition::DpdAtLeast(_)
            | Condition::DueWithinDays(_)
            | Condition::PromiseActive
            | Condition::PromiseDay
            | Condition::NoConversationForDays(_)
            | Condition::Consented(_)
            | Condition::ObligationOverdue(_) => false,
            // "Owed" cannot change when nothing else happens; "at that time" ends.
            Condition::ReplyOwed(r) => !r.at_that_time,
            // "Sent at all" cannot change when nothing else happens; "sent N days ago" can.
            Condition::LetterSent(l) => l.days == 0 && l.working_days == 0,
            Condition::CommunicationSent(c) => c.days == 0,
            // Facts of `as_of` that the evaluator below reads once for the whole span (the stage,
            // risk grade and broken promises are taken at `as_of` too), or past instants that
            // nothing later can move (a reminder already sent before the due date). No wildcard:
            // a new condition must say here whether time alone can change it, since the solver
            // fixes an invariant condition's value for every candidate instant.
            Condition::Always
            | Condition::Never
            | Condition::BorrowerFlag(_)
            | Condition::AccountFlag(_)
            | Condition::Party(_)
            | Condition::DebtRelated
            | Condition::Objected
            | Condition::Verified
            | Condition::OptedOut
            | Condition::OptedOutMedium
            | Condition::HasContact(_)
            | Condition::BorrowerHasChannel(_)
            | Condition::ChannelUsedByParty
            | Condition::ChannelConsented
            | Condition::Requested
            | Condition::DisputeOpen
            | Condition::WrongNumber
            | Condition::BalanceOutstanding
            | Condition::ObligationOpen(_)
            | Condition::Workplace
            | Condition::ContactedBefore
            | Condition::AttorneyKnown
            | Condition::LostContact
            | Condition::RiskGrade(_)
            | Condition::Stage(_)
            | Condition::BrokenPromisesAtLeast(_)
            | Condition::ConversationHeld
            | Condition::DisputePending
            | Condition::Recorded(_)
            | Condition::RemindedBeforeDue => true,
        }
    }
}

/// Evaluates conditions against the facts and the states of the obligations (which are computed
/// from the facts first, with conditions that know of no obligation yet).
#[derive(Clone, Copy)]
pub(crate) struct Conditions<'f> {
    facts: &'f Facts<'f>,
    obligations: &'f [ObligationState<'f>],
}

impl<'f> Conditions<'f> {
    pub(crate) fn new(facts: &'f Facts<'f>, obligations: &'f [ObligationState<'f>]) -> Self {
        Conditions { facts, obligations }
    }

    pub(crate) fn facts(&self) -> &'f Facts<'f> {
        self.facts
    }

    /// The contact limits of the same facts, for the conditions that ask about consent and
    /// inconvenient times.
    fn contact(&self) -> ContactLimits<'f> {
        ContactLimits::new(self.facts)
    }

    /// The statuses that hold at `as_of`, in policy order (the first names the account's state).
    pub(crate) fn statuses(&self) -> Vec<&'f StatusDef> {
        let borrower = self.facts.borrower_target();
        self.facts
            .policy
            .document()
            .statuses
            .iter()
            .filter(|s| self.holds_now(&s.when, &borrower))
            .collect()
    }

    /// The instants in `span` at which `cond` holds for `target`.
    pub(crate) fn holds(&self, cond: &Condition, target: &Target, span: Span) -> IntervalSet {
        let all = || IntervalSet::span(span.lo, span.hi);
        let when = |b: bool| if b { all() } else { IntervalSet::empty() };
        let from = |t: Option<Seconds>| match t {
            Some(t) if t < span.hi => IntervalSet::span(t.max(span.lo), span.hi),
            _ => IntervalSet::empty(),
        };
        let case = self.facts.case;
        match cond {
            Condition::All(v) => {
                let mut acc = all();
                for c in v {
                    if acc.is_empty() {
                        break;
                    }
                    acc = acc.intersect(&self.holds(c, target, span));
                }
                acc
            }
            Condition::Any(v) => v.iter().fold(IntervalSet::empty(), |acc, c| {
                acc.union(&self.holds(c, target, span))
            }),
            Condition::Not(c) => self.holds(c, target, span).complement(span.lo, span.hi),
            Condition::Always => all(),
            Condition::Never => IntervalSet::empty(),
            Condition::BorrowerFlag(f) => when(f.of(&case.borrower.flags)),
            Condition::AccountFlag(f) => when(f.of(&case.account.flags)),
            Condition::Party(kinds) => when(kinds.contains(&target.kind)),
            Condition::DebtRelated => when(target.contact.is_some_and(|c| c.debt_related)),
            Condition::Objected => when(target.contact.is_some_and(|c| c.objected)),
            Condition::Verified => when(
                target.kind == PartyKind::Borrower || target.contact.is_some_and(|c| c.verified),
            ),
            Condition::OptedOut => when(target.channel.is_some_and(|c| c.opted_out)),
            Condition::OptedOutMedium => when(
                self.facts
                    .history
                    .opted_out_of(target.party, target.medium()),
            ),
            Condition::HasContact(kinds) => when(
                case.contacts
                    .iter()
                    .any(|c| kinds.contains(&PartyKind::of_role(c.role))),
            ),
            Condition::BorrowerHasChannel(kinds) => when(
                case.borrower
                    .channels
                    .iter()
                    .any(|c| kinds.contains(&c.kind)),
            ),
            Condition::ChannelUsedByParty => when(
                target
                    .channel
                    .is_some_and(|c| self.facts.history.used_channel(target.party, &c.id)),
            ),
            Condition::Consented(limit) => self.contact().consented(target, *limit, span),
            Condition::ReplyOwed(r) => {
                let Some(asked) = self.reply_owed(target) else {
                    return IntervalSet::empty();
                };
                if !r.at_that_time {
                    return from(Some(asked));
                }
                // The stretch of designated inconvenient time the person wrote in.
                let since = Span {
                    lo: asked,
                    hi: span.hi.max(asked + 1),
                };
                let inconvenient = self
                    .contact()
                    .convenient(since)
                    .complement(since.lo, since.hi);
                match inconvenient.containing(asked) {
                    Some((_, end)) => IntervalSet::span(asked, end).intersect(&all()),
                    None => IntervalSet::empty(),
                }
            }
            Condition::ChannelConsented => when(target.channel.is_some_and(|c| {
                self.facts.history.of_channel(&c.id).iter().any(|e| {
                    matches!(e.kind, crate::case::EventKind::Consent { .. })
                        && e.party.as_deref() == Some(target.party)
                })
            })),
            Condition::Requested => when(
                self.facts
                    .history
                    .last_request(target.party)
                    .is_some_and(|r| {
                        !self.facts.history.of_party(target.party).iter().any(|e| {
                            e.at.seconds() > r
                                && self.facts.history.counts(
                                    e,
                                    crate::policy::CountKind::Contact,
                                    &[],
                                )
                        })
                    }),
            ),
            Condition::CommunicationSent(c) => {
                // Without a waiting period a return counts whenever it came: a notice that
                // bounced was never given.
                let returned_by = |t: Seconds| {
                    if c.days == 0 {
                        Seconds::MAX
                    } else {
                        self.local_days_after(t, c.days)
                    }
                };
                let after = |t: Seconds| {
                    if c.days == 0 {
                        t
                    } else {
                        self.local_days_after(t, c.days)
                    }
                };
                from(
                    self.facts
                        .history
                        .first_delivered(&c.types, returned_by)
                        .map(after),
                )
            }
            Condition::DisputeOpen => when(self.facts.history.dispute_open),
            Condition::WrongNumber => when(
                target
                    .channel
                    .is_some_and(|c| self.facts.history.wrong_number(&c.id)),
            ),
            Condition::BalanceOutstanding => when(
                self.facts.standing.overdue_amount > 0
                    || self
                        .facts
                        .ledger
                        .unpaid_due_dates_from(self.facts.standing.business_date)
                        .next()
                        .is_some(),
            ),
            Condition::ObligationOpen(id) => when(
                self.obligations
                    .iter()
                    .any(|o| o.def.id == *id && !o.satisfied),
            ),
            Condition::ObligationOverdue(id) => from(
                self.obligations
                    .iter()
                    .filter(|o| o.def.id == *id && !o.satisfied)
                    .map(|o| o.due_by)
                    .min(),
            ),
            Condition::Workplace => when(target.channel.is_some_and(|c| c.is_workplace())),
            Condition::ContactedBefore => when(self.facts.history.contacted_before(target.party)),
            Condition::AttorneyKnown => when(
                case.borrower.flags.attorney_represented
                    || case
                        .contacts
                        .iter()
                        .any(|c| PartyKind::of_role(c.role) == PartyKind::Attorney),
            ),
            Condition::LostContact => when(self.facts.history.lost_contact_since.is_some()),
            Condition::LostContactForDays(n) => from(
                self.facts
                    .history
                    .lost_contact_since
                    .map(|since| self.local_days_after(since, *n)),
            ),
            Condition::DpdAtLeast(n) => {
                let days = span.days_in(self.facts.book);
                from(
                    self.facts
                        .ledger
                        .first_date_with_dpd(self.facts.standing.business_date, *n, days)
                        .map(|d| self.facts.book.start_of(d)),
                )
            }
            Condition::DueWithinDays(n) => {
                let today = self.facts.standing.business_date;
                let spans = self
                    .facts
                    .ledger
                    .unpaid_due_dates_from(today)
                    .map(|due| {
                        let first = due.add_days(-i64::from(*n)).max(today);
                        (
                            self.facts.book.start_of(first),
                            self.facts.book.start_of(due.add_days(1)),
                        )
                    })
                    .collect();
                IntervalSet::from_unsorted(spans).intersect(&all())
            }
            Condition::RiskGrade(grades) => when(grades.contains(&self.facts.risk_grade)),
            Condition::Stage(stages) => when(stages.contains(&self.facts.stage.id)),
            Condition::BrokenPromisesAtLeast(k) => {
                when(self.facts.broken_promises() >= usize::try_from(*k).unwrap_or(usize::MAX))
            }
            Condition::PromiseActive => IntervalSet::from_unsorted(
                self.active_promises()
                    .map(|p| (p.made_at, p.ends_at))
                    .collect(),
            )
            .intersect(&all()),
            Condition::PromiseDay => IntervalSet::from_unsorted(
                self.active_promises()
                    .map(|p| {
                        (
                            self.facts.primary.start_of(p.date).max(p.made_at),
                            p.ends_at,
                        )
                    })
                    .collect(),
            )
            .intersect(&all()),
            Condition::LetterSent(l) => {
                // A letter counts as sent before the due date when it went out before the end of
                // the oldest unpaid due date, in the book's calendar.
                let by = if l.before_due {
                    self.past_due_from()
                } else {
                    None
                };
                let since = if l.after_due {
                    // Nothing overdue: no letter is a warning about this arrear.
                    match self.past_due_from() {
                        Some(t) => Some(t),
                        None => return IntervalSet::empty(),
                    }
                } else {
                    None
                };
                let sent = if l.latest {
                    self.facts.history.last_letter_between(l.kind, since, by)
                } else {
                    self.facts.history.first_letter_between(l.kind, since, by)
                };
                from(sent.map(|t| {
                    if l.days == 0 && l.working_days == 0 {
                        t
                    } else {
                        self.after_wait(t, l.working_days, l.days)
                    }
                }))
            }
            Condition::ConversationHeld => when(self.facts.history.last_conversation.is_some()),
            Condition::NoConversationForDays(n) => {
                let since = self.facts.history.last_conversation.or_else(|| {
                    self.facts
                        .standing
                        .overdue_since
                        .map(|d| self.facts.book.start_of(d))
                });
                from(since.map(|t| self.local_days_after(t, *n)))
            }
            Condition::DisputePending => when(self.facts.history.dispute_pending),
            Condition::Recorded(kind) => when(self.facts.history.recorded(match kind {
                RecordedEvent::Escalated => EventType::Escalated,
                RecordedEvent::AgencyPlaced => EventType::AgencyPlaced,
                RecordedEvent::LegalFiled => EventType::LegalFiled,
                RecordedEvent::Visit => EventType::Visit,
            })),
            Condition::RemindedBeforeDue => {
                let by = self.past_due_from();
                let letter =
                    self.facts
                        .history
                        .first_letter_between(LetterKind::Reminder, None, by);
                let message = self.facts.history.first_message_before(by);
                from(match (letter, message) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                })
            }
        }
    }

    /// The instant the oldest unpaid installment became past due: the start of the day after its
    /// due date, in the book's calendar (a letter before it is a reminder, one from it on a
    /// warning). None while nothing is overdue.
    fn past_due_from(&self) -> Option<Seconds> {
        self.facts
            .standing
            .overdue_since
            .map(|d| self.facts.book.start_of(d.add_days(1)))
    }

    /// Whether `cond` holds for the borrower at `as_of` (statuses, triggers).
    pub(crate) fn holds_now(&self, cond: &Condition, target: &Target) -> bool {
        let span = Span {
            lo: self.facts.as_of,
            hi: self.facts.as_of + 1,
        };
        self.holds(cond, target, span).contains(self.facts.as_of)
    }

    /// When the candidate's party last got in touch through the candidate's medium (on its
    /// channel, when the event names one), if nothing has gone to them through that medium
    /// since: the instant from which the one reply is owed.
    fn reply_owed(&self, target: &Target) -> Option<Seconds> {
        let medium = target.medium()?;
        let channel = target.channel.map(|c| c.id.as_str());
        let of_medium = |e: &crate::case::Event| {
            e.kind.medium() == Some(medium) && e.party.as_deref() == Some(target.party)
        };
        let last = self.facts.history.events.iter().rev().find(|e| {
            of_medium(e)
                && !matches!(e.kind, crate::case::EventKind::Letter { .. })
                && !e.is_outbound()
        })?;
        if last.channel.is_some() && last.channel.as_deref() != channel {
            return None;
        }
        let at = last.at.seconds();
        let answered = self
            .facts
            .history
            .events
            .iter()
            .any(|e| of_medium(e) && e.is_outbound() && e.at.seconds() > at);
        (!answered).then_some(at)
    }

    /// Local midnight `days` calendar days after the local date of `t` (the date of `t` is day 0).
    fn local_days_after(&self, t: Seconds, days: u32) -> Seconds {
        self.after_wait(t, 0, days)
    }

    /// Local midnight at the start of the day reached from the local date of `t` by counting
    /// `working_days` working days of the policy's calendar, then `days` calendar days.
    fn after_wait(&self, t: Seconds, working_days: u32, days: u32) -> Seconds {
        let mut d = self.facts.primary.date_of(t);
        for _ in 0..working_days {
            d = self.facts.calendar.next_working_day(d);
        }
        self.facts.primary.start_of(d.add_days(i64::from(days)))
    }

    fn active_promises(&self) -> impl Iterator<Item = &'f crate::promises::PromiseState> {
        self.facts
            .promises
            .iter()
            .filter(|p| p.honoured && p.party == BORROWER)
    }
}
