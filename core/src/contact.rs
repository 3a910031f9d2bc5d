//! Contact rules in time (docs/decision.md, actions): windows, the borrower's inconvenient times, frequency caps
//! and rest patterns, each turned into the set of instants at which it lets a candidate through.
//!
//! Windows are read on each zone's own wall clock, so a window "09:00-21:00" holds from 09:00 to
//! 21:00 local time on both sides of a DST change; with several borrower zones the sets are
//! intersected (a time must be convenient in all of them). Caps and rest patterns count local
//! calendar days in the borrower's first zone: "per day" and "within 7 consecutive days" are days
//! of the person being called.

use crate::case::{CallOutcome, ConsentLimit};
use crate::facts::{Facts, Span, Target};
use crate::intervals::IntervalSet;
use crate::policy::{CapDef, CountKind, Exclusion, PartyKind, Period, RestDef, Scope, WindowDef};
use crate::time::{Date, Seconds, Zone};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

/// What a cap or a rest pattern counts.
#[derive(Clone, Copy)]
struct Counting<'p> {
    counts: CountKind,
    exclude: &'p [Exclusion],
    outcomes: &'p [CallOutcome],
    exclude_parties: &'p [PartyKind],
    scope: Scope,
}

/// How many of the sorted dates fall in `[lo, hi]`.
fn in_period(dates: &[Date], lo: Date, hi: Date) -> usize {
    let from = dates.partition_point(|d| *d < lo);
    let to = dates.partition_point(|d| *d <= hi);
    to.saturating_sub(from)
}

/// Evaluates contact limits against the facts. It keeps the dates each cap or rest pattern
/// counted over the whole account (scope `account`), by the rule's address in the policy: the
/// same for every candidate, so read from the history once per decision rather than once per
/// candidate; whoever evaluates several candidates of one decision uses one `ContactLimits`.
pub(crate) struct ContactLimits<'f> {
    facts: &'f Facts<'f>,
    account_dates: RefCell<BTreeMap<usize, Rc<Vec<Date>>>>,
}

impl<'f> ContactLimits<'f> {
    pub(crate) fn new(facts: &'f Facts<'f>) -> Self {
        ContactLimits {
            facts,
            account_dates: RefCell::default(),
        }
    }

    /// The instant the limits are evaluated from.
    pub(crate) fn as_of(&self) -> Seconds {
        self.facts.as_of
    }

    /// Where a window lets any action through, in every borrower zone.
    pub(crate) fn window(&self, w: &WindowDef, span: Span) -> IntervalSet {
        let mut acc: Option<IntervalSet> = None;
        for &zone in &self.facts.zones {
            let set = self.window_in(w, zone, span);
            acc = Some(match acc {
                None => set,
                Some(a) => a.intersect(&set),
            });
        }
        acc.unwrap_or_default()
            .intersect(&IntervalSet::span(span.lo, span.hi))
    }

    fn window_in(&self, w: &WindowDef, zone: Zone, span: Span) -> IntervalSet {
        // A slot that crosses midnight starts the day before, so look one day back.
        let first = zone.date_of(span.lo).add_days(-1);
        let last = zone.date_of(span.hi);
        let mut spans = Vec::new();
        let mut d = first;
        while d <= last {
            for slot in &w.slots {
                if slot.days.iter().any(|k| self.facts.calendar.matches(d, *k)) {
                    // Instants are whole seconds: an end left out ("after 8:00") moves the start
                    // to the next second, an end let in ("not after 22:00") keeps its own.
                    let start =
                        zone.instant_at(d, slot.from.seconds()) + i64::from(!slot.from_included);
                    let end_day = if slot.to <= slot.from {
                        d.add_days(1)
                    } else {
                        d
                    };
                    let end =
                        zone.instant_at(end_day, slot.to.seconds()) + i64::from(slot.to_included);
                    spans.push((start, end));
                }
            }
            d = d.add_days(1);
        }
        IntervalSet::from_unsorted(spans)
    }

    /// Outside the times the borrower designated inconvenient (read in the first zone).
    pub(crate) fn convenient(&self, span: Span) -> IntervalSet {
        let zone = self.facts.primary;
        let first = zone.date_of(span.lo).add_days(-1);
        let last = zone.date_of(span.hi);
        let mut blocked = Vec::new();
        let mut d = first;
        while d <= last {
            for t in &self.facts.case.borrower.inconvenient_times {
                if t.days.is_empty() || t.days.contains(&d.weekday()) {
                    let start = zone.instant_at(d, t.from.seconds());
                    let end_day = if t.to <= t.from { d.add_days(1) } else { d };
                    blocked.push((start, zone.instant_at(end_day, t.to.seconds())));
                }
            }
            d = d.add_days(1);
        }
        IntervalSet::from_unsorted(blocked).complement(span.lo, span.hi)
    }

    /// Local dates (first zone) of the events a cap or rest pattern counts for this target.
    fn counted_dates(&self, counting: Counting, target: &Target) -> Vec<Date> {
        let Counting {
            counts,
            exclude,
            outcomes,
            exclude_parties,
            scope,
        } = counting;
        let mut dates: Vec<Date> = self
            .scoped_events(scope, target)
            .iter()
            .filter(|e| self.facts.history.counts(e, counts, exclude))
            .filter(|e| e.outcome_in(outcomes))
            .filter(|e| {
                exclude_parties.is_empty()
                    || !e
                        .party
                        .as_deref()
                        .is_some_and(|p| exclude_parties.contains(&self.party_kind(p)))
            })
            .map(|e| self.facts.primary.date_of(e.at.seconds()))
            .collect();
        crate::order::sort(&mut dates);
        dates
    }

    /// Where a frequency cap lets the candidate through: while fewer than `limit` counted events
    /// fall in the period ending on the day in question.
    pub(crate) fn cap(&self, cap: &CapDef, target: &Target, span: Span) -> IntervalSet {
        let dates = self.cap_dates(cap, target);
        let limit = usize::try_from(cap.limit).unwrap_or(usize::MAX);
        let all = IntervalSet::span(span.lo, span.hi);
        let mut allowed = match cap.period {
            Period::Ever => {
                if dates.len() >= limit {
                    IntervalSet::empty()
                } else {
                    all.clone()
                }
            }
            Period::Days(n) => {
                let n = i64::from(n);
                let today = self.facts.primary.date_of(self.facts.as_of);
                // Only the days whose period still reaches back to a counted event can be blocked.
                let mut blocked = Vec::new();
                for k in 0..n {
                    let day = today.add_days(k);
                    let lo = day.add_days(1 - n);
                    let count = in_period(&dates, lo, day);
                    if count >= limit {
                        blocked.push(match cap.hours {
                            Some(h) => (
                                self.facts.primary.instant_at(day, h.from.seconds()),
                                self.facts.primary.instant_at(day, h.to.seconds()),
                            ),
                            None => self.day_span(day),
                        });
                    }
                }
                IntervalSet::from_unsorted(blocked).complement(span.lo, span.hi)
            }
        };
        // A call placed under a consent that lifts frequency does not count, so such a consent
        // lifts the cap while it lasts.
        if cap
            .exclude
            .contains(&crate::policy::Exclusion::UnderConsent)
        {
            allowed = allowed.union(&self.consented(target, ConsentLimit::Frequency, span));
        }
        allowed
    }

    /// How many more contacts a cap allows on a local day (first zone) if nothing else happens:
    /// its limit less what the history already counts in the period ending that day.
    pub(crate) fn cap_room(&self, cap: &CapDef, target: &Target, day: Date) -> u32 {
        let dates = self.cap_dates(cap, target);
        let counted = match cap.period {
            Period::Ever => dates.len(),
            Period::Days(n) => {
                let lo = day.add_days(1 - i64::from(n));
                in_period(&dates, lo, day)
            }
        };
        cap.limit
            .saturating_sub(u32::try_from(counted).unwrap_or(u32::MAX))
    }

    /// The local dates of the events a cap counts for the target (only those inside its hours,
    /// for a cap over part of the day).
    fn cap_dates(&self, cap: &CapDef, target: &Target) -> Rc<Vec<Date>> {
        self.account_wide(cap.scope, std::ptr::from_ref(cap) as usize, || {
            self.cap_dates_for(cap, target)
        })
    }

    /// Counted dates of a rule, computed once per decision when the rule counts over the whole
    /// account (the same for every candidate), and for each target otherwise.
    fn account_wide(
        &self,
        scope: Scope,
        rule: usize,
        count: impl FnOnce() -> Vec<Date>,
    ) -> Rc<Vec<Date>> {
        if scope != Scope::Account {
            return Rc::new(count());
        }
        if let Some(dates) = self.account_dates.borrow().get(&rule) {
            return dates.clone();
        }
        let dates = Rc::new(count());
        self.account_dates.borrow_mut().insert(rule, dates.clone());
        dates
    }

    fn cap_dates_for(&self, cap: &CapDef, target: &Target) -> Vec<Date> {
        if let Some(h) = cap.hours {
            // Only events inside the hours count: keep the dates of those.
            let mut dates: Vec<Date> = self
                .counted_instants(cap, target)
                .into_iter()
                .filter(|&t| {
                    let clock = self.facts.primary.clock_of(t);
                    clock >= h.from.seconds() && clock < h.to.seconds()
                })
                .map(|t| self.facts.primary.date_of(t))
                .collect();
            crate::order::sort(&mut dates);
            return dates;
        }
        self.counted_dates(
            Counting {
                counts: cap.counts,
                exclude: &cap.exclude,
                outcomes: &cap.outcomes,
                exclude_parties: &cap.exclude_parties,
                scope: cap.scope,
            },
            target,
        )
    }

    /// Where a consent of the target's party lifting `limit` covers the target.
    pub(crate) fn consented(
        &self,
        target: &Target,
        limit: ConsentLimit,
        span: Span,
    ) -> IntervalSet {
        let channel = target.channel.map(|c| c.id.as_str());
        IntervalSet::from_unsorted(
            self.facts
                .history
                .consent_spans_for(target.party, channel, limit)
                .collect(),
        )
        .intersect(&IntervalSet::span(span.lo, span.hi))
    }

    /// Where a rest pattern lets the candidate through: not on the `rest_days` days after a streak
    /// of `streak_days` consecutive days with counted events.
    pub(crate) fn rest(&self, rest: &RestDef, target: &Target, span: Span) -> IntervalSet {
        let dates = self.account_wide(rest.scope, std::ptr::from_ref(rest) as usize, || {
            self.counted_dates(
                Counting {
                    counts: rest.counts,
                    exclude: &[],
                    outcomes: &[],
                    exclude_parties: &[],
                    scope: rest.scope,
                },
                target,
            )
        });
        let has = |d: Date| dates.binary_search(&d).is_ok();
        let today = self.facts.primary.date_of(self.facts.as_of);
        let (streak, rest_days) = (i64::from(rest.streak_days), i64::from(rest.rest_days));
        let mut blocked = Vec::new();
        for k in 0..=rest_days {
            let day = today.add_days(k);
            let after_streak = (1..=rest_days).any(|back| {
                let end = day.add_days(-back);
                end <= today && (0..streak).all(|i| has(end.add_days(-i)))
            });
            if after_streak {
                blocked.push(self.day_span(day));
            }
        }
        IntervalSet::from_unsorted(blocked).complement(span.lo, span.hi)
    }

    /// Instants of the events a cap counts for this target (for caps over part of the day).
    fn counted_instants(&self, cap: &CapDef, target: &Target) -> Vec<Seconds> {
        self.scoped_events(cap.scope, target)
            .iter()
            .filter(|e| self.facts.history.counts(e, cap.counts, &cap.exclude))
            .filter(|e| e.outcome_in(&cap.outcomes))
            .filter(|e| {
                !e.party
                    .as_deref()
                    .is_some_and(|p| cap.exclude_parties.contains(&self.party_kind(p)))
            })
            .map(|e| e.at.seconds())
            .collect()
    }

    /// The events a cap or rest pattern of this scope counts from for the target, in time order.
    fn scoped_events(&self, scope: Scope, target: &Target) -> &'f [&'f crate::case::Event] {
        match (scope, target.channel) {
            (Scope::Account, _) => &self.facts.history.events,
            (Scope::Channel, Some(ch)) => self.facts.history.of_channel(&ch.id),
            (Scope::Party | Scope::Channel, _) => self.facts.history.of_party(target.party),
        }
    }

    /// The kind of a party named in an event.
    pub(crate) fn party_kind(&self, party: &str) -> PartyKind {
        self.facts
            .case
            .contact(party)
            .map_or(PartyKind::Borrower, |c| PartyKind::of_role(c.role))
    }

    /// A local day of the first zone as an interval of instants.
    fn day_span(&self, d: Date) -> (Seconds, Seconds) {
        (
            self.facts.primary.start_of(d),
            self.facts.primary.start_of(d.add_days(1)),
        )
    }
}
