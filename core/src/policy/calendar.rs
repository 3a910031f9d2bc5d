//! The policy's calendar: which dates are working days, rest days and public holidays.
//!
//! A date is a holiday when a holiday range covers it; otherwise a listed make-up working day is a
//! working day even on a weekend (the State Council's 调休); otherwise weekend days rest.

use std::collections::BTreeSet;

use super::document::{CalendarDef, DayKind};
use crate::time::{Date, Weekday};

#[derive(Debug, Clone, Default)]
pub struct Calendar {
    weekend: Vec<Weekday>,
    holidays: BTreeSet<Date>,
    working_days: BTreeSet<Date>,
}

impl Calendar {
    pub fn new(def: &CalendarDef) -> Calendar {
        let mut holidays = BTreeSet::new();
        for h in &def.holidays {
            let mut d = h.from;
            while d <= h.to {
                holidays.insert(d);
                d = d.add_days(1);
            }
        }
        Calendar {
            weekend: def.weekend.clone(),
            holidays,
            working_days: crate::order::set_of(def.working_days.iter().copied()),
        }
    }

    pub fn is_holiday(&self, d: Date) -> bool {
        self.holidays.contains(&d)
    }

    pub fn is_working_day(&self, d: Date) -> bool {
        if self.is_holiday(d) {
            return false;
        }
        self.working_days.contains(&d) || !self.weekend.contains(&d.weekday())
    }

    /// The first working day after `d`. A calendar whose weekend is every day has none: the
    /// next day is returned rather than searching for ever.
    pub fn next_working_day(&self, d: Date) -> Date {
        let mut next = d.add_days(1);
        for _ in 0..3660 {
            if self.is_working_day(next) {
                return next;
            }
            next = next.add_days(1);
        }
        d.add_days(1)
    }

    /// Whether a date matches a day selector of a contact window.
    pub fn matches(&self, d: Date, kind: DayKind) -> bool {
        kind.matches(d.weekday(), self.is_working_day(d), self.is_holiday(d))
    }
}
