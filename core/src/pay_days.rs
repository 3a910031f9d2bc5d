//! Pay-day timing: the days around the borrower's pay days on which a strategy step is best (or
//! only) taken.
//!
//! A borrower paid on the 5th is likeliest to answer and able to pay on the 5th, and a reminder the
//! working day before lands while the money is still unspent. The case states the pay days
//! (`borrower.pay_days`: days of the month, or the month's last working day); a step states its
//! timing (`pay_day`: a number of working days before or after, and whether that timing is
//! preferred or required). Working days are the policy calendar's; the days are the borrower's
//! own (the first zone's) local days.

use crate::case::{NamedPayDay, PayDay};
use crate::facts::{Facts, Span};
use crate::intervals::IntervalSet;
use crate::policy::PayDayTiming;
use crate::time::Date;
use chrono::Datelike;

/// Evaluates pay-day timings against the facts: the borrower's pay days, the policy's calendar.
#[derive(Clone, Copy)]
pub(crate) struct PayDays<'f> {
    facts: &'f Facts<'f>,
}

impl<'f> PayDays<'f> {
    pub(crate) fn new(facts: &'f Facts<'f>) -> Self {
        PayDays { facts }
    }

    /// The local days (first zone) within the span on which the timing holds.
    pub(crate) fn set(&self, timing: &PayDayTiming, span: Span) -> IntervalSet {
        let zone = self.facts.primary;
        let (first, last) = (zone.date_of(span.lo), zone.date_of(span.hi));
        let mut days = Vec::new();
        // An offset of a few working days reaches into the month before or after.
        let mut month = first_of_month(first).add_months(-1);
        let end = first_of_month(last).add_months(1);
        while month <= end {
            for pay in &self.facts.case.borrower.pay_days {
                if let Some(day) = self.shifted(self.pay_date(*pay, month), timing.working_days) {
                    if day >= first && day <= last {
                        days.push((zone.start_of(day), zone.start_of(day.add_days(1))));
                    }
                }
            }
            month = month.add_months(1);
        }
        IntervalSet::from_unsorted(days).intersect(&IntervalSet::span(span.lo, span.hi))
    }

    /// The date a pay day falls on in the month that begins on `month`.
    fn pay_date(&self, pay: PayDay, month: Date) -> Date {
        let last = month.add_months(1).add_days(-1);
        match pay {
            PayDay::Day(n) => {
                let day = i64::from(n.clamp(1, 31)) - 1;
                month.add_days(day).min(last)
            }
            PayDay::Named(NamedPayDay::LastWorkingDay) => {
                let mut d = last;
                // A month has at least one working day under any calendar a policy can state;
                // the bound keeps a calendar of nothing but holidays from looping.
                for _ in 0..31 {
                    if self.facts.calendar.is_working_day(d) {
                        return d;
                    }
                    d = d.add_days(-1);
                }
                last
            }
        }
    }

    /// `n` working days after `d` (before it when `n` is negative); `d` itself when `n` is 0.
    fn shifted(&self, d: Date, n: i32) -> Option<Date> {
        let step = if n < 0 { -1 } else { 1 };
        let mut left = n.unsigned_abs();
        let mut day = d;
        let mut guard = 0;
        while left > 0 {
            day = day.add_days(step);
            if self.facts.calendar.is_working_day(day) {
                left -= 1;
            }
            guard += 1;
            if guard > 400 {
                return None;
            }
        }
        Some(day)
    }
}

fn first_of_month(d: Date) -> Date {
    d.add_days(1 - i64::from(d.0.day()))
}

trait Months {
    fn add_months(self, n: i32) -> Date;
}

impl Months for Date {
    /// The first of the month `n` months after the month of a date that is a first of month.
    fn add_months(self, n: i32) -> Date {
        let index = self.0.year() * 12 + self.0.month0() as i32 + n;
        Date::from_ymd(index.div_euclid(12), index.rem_euclid(12) as u32 + 1, 1).unwrap_or(self)
    }
}
