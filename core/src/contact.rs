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

/// What a cap or a rest pattern counts.
#[derive(Clone, Copy)]
struct Counting<'p> {
    counts: CountKind,
    exclude: &'p [Exclusion],
    outcomes: &'p [CallOutcome],
    exclude_parties: &'p [PartyKind],
    scope: Scope,
}

impl Facts<'_> {
    /// Where a window lets any action through, in every borrower zone.
    pub fn window(&self, w: &WindowDef, span: Span) -> IntervalSet {
        let mut acc: Option<IntervalSet> = None;
        for &zone in &self.zones {
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
                if slot.days.iter().any(|k| self.calendar.matches(d, *k)) {
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
    pub fn convenient(&self, span: Span) -> IntervalSet {
        let zone = self.primary;
        let first = zone.date_of(span.lo).add_days(-1);
        let last = zone.date_of(span.hi);
        let mut blocked = Vec::new();
        let mut d = first;
        while d <= last {
            for t in &self.case.borrower.inconvenient_times {
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
            .history
            .events
            .iter()
            .filter(|e| match scope {
                Scope::Account => true,
                Scope::Party => e.party.as_deref() == Some(target.party),
                Scope::Channel => match target.channel {
                    Some(ch) => e.channel.as_deref() == Some(ch.id.as_str()),
                    None => e.party.as_deref() == Some(target.party),
                },
            })
            .filter(|e| self.history.counts(e, counts, exclude))
            .filter(|e| {
                outcomes.is_empty()
                    || e.kind != crate::case::EventType::Call
                    || e.outcome.is_some_and(|o| outcomes.contains(&o))
            })
            .filter(|e| {
                exclude_parties.is_empty()
                    || !e
                        .party
                        .as_deref()
                        .is_some_and(|p| exclude_parties.contains(&self.party_kind(p)))
            })
            .map(|e| self.primary.date_of(e.at.seconds()))
            .collect();
        dates.sort_unstable();
        dates
    }

    /// Where a frequency cap lets the candidate through: while fewer than `limit` counted events
    /// fall in the period ending on the day in question.
    pub fn cap(&self, cap: &CapDef, target: &Target, span: Span) -> IntervalSet {
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
                let today = self.primary.date_of(self.as_of);
                // Only the days whose period still reaches back to a counted event can be blocked.
                let mut blocked = Vec::new();
                for k in 0..n {
                    let day = today.add_days(k);
                    let lo = day.add_days(1 - n);
                    let count = dates.iter().filter(|d| **d >= lo && **d <= day).count();
                    if count >= limit {
                        blocked.push(match cap.hours {
                            Some(h) => (
                                self.primary.instant_at(day, h.from.seconds()),
                                self.primary.instant_at(day, h.to.seconds()),
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
    pub fn cap_room(&self, cap: &CapDef, target: &Target, day: Date) -> u32 {
        let dates = self.cap_dates(cap, target);
        let counted = match cap.period {
            Period::Ever => dates.len(),
            Period::Days(n) => {
                let lo = day.add_days(1 - i64::from(n));
                dates.iter().filter(|d| **d >= lo && **d <= day).count()
            }
        };
        cap.limit
            .saturating_sub(u32::try_from(counted).unwrap_or(u32::MAX))
    }

    /// The local dates of the events a cap counts for the target (only those inside its hours,
    /// for a cap over part of the day).
    fn cap_dates(&self, cap: &CapDef, target: &Target) -> Vec<Date> {
        let dates = self.counted_dates(
            Counting {
                counts: cap.counts,
                exclude: &cap.exclude,
                outcomes: &cap.outcomes,
                exclude_parties: &cap.exclude_parties,
                scope: cap.scope,
            },
            target,
        );
        match cap.hours {
            // Only events inside the hours count: keep the dates of those.
            Some(h) => self
                .counted_instants(cap, target)
                .into_iter()
                .filter(|&t| {
                    let clock = self.primary.clock_of(t);
                    clock >= h.from.seconds() && clock < h.to.seconds()
                })
                .map(|t| self.primary.date_of(t))
                .collect(),
            None => dates,
        }
    }

    /// Where a consent of the target's party lifting `limit` covers the target.
    pub fn consented(&self, target: &Target, limit: ConsentLimit, span: Span) -> IntervalSet {
        let channel = target.channel.map(|c| c.id.as_str());
        IntervalSet::from_unsorted(
            self.history
                .consent_spans_for(target.party, channel, limit)
                .collect(),
        )
        .intersect(&IntervalSet::span(span.lo, span.hi))
    }

    /// Where a rest pattern lets the candidate through: not on the `rest_days` days after a streak
    /// of `streak_days` consecutive days with counted events.
    pub fn rest(&self, rest: &RestDef, target: &Target, span: Span) -> IntervalSet {
        let dates = self.counted_dates(
            Counting {
                counts: rest.counts,
                exclude: &[],
                outcomes: &[],
                exclude_parties: &[],
                scope: rest.scope,
            },
            target,
        );
        let has = |d: Date| dates.binary_search(&d).is_ok();
        let today = self.primary.date_of(self.as_of);
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
        self.history
            .events
            .iter()
            .filter(|e| match cap.scope {
                Scope::Account => true,
                Scope::Party => e.party.as_deref() == Some(target.party),
                Scope::Channel => match target.channel {
                    Some(ch) => e.channel.as_deref() == Some(ch.id.as_str()),
                    None => e.party.as_deref() == Some(target.party),
                },
            })
            .filter(|e| self.history.counts(e, cap.counts, &cap.exclude))
            .filter(|e| {
                cap.outcomes.is_empty()
                    || e.kind != crate::case::EventType::Call
                    || e.outcome.is_some_and(|o| cap.outcomes.contains(&o))
            })
            .filter(|e| {
                !e.party
                    .as_deref()
                    .is_some_and(|p| cap.exclude_parties.contains(&self.party_kind(p)))
            })
            .map(|e| e.at.seconds())
            .collect()
    }

    /// The kind of a party named in an event.
    pub fn party_kind(&self, party: &str) -> PartyKind {
        self.case
            .contact(party)
            .map_or(PartyKind::Borrower, |c| PartyKind::of_role(c.role))
    }

    /// A local day of the first zone as an interval of instants.
    fn day_span(&self, d: Date) -> (Seconds, Seconds) {
        (
            self.primary.start_of(d),
            self.primary.start_of(d.add_days(1)),
        )
    }
}
