//! How far behind the account is (docs/decision.md, delinquency): the ledger of what is unpaid, days past due, the
//! overdue amount and the risk grade.
//!
//! The ledger is built once per decision from the installments and payments. Days past due are
//! then a function of the business date alone, which lets the contact rules ask "from which day is
//! DPD at least 7?" without re-running the allocation.

use crate::case::{Case, RiskGrade};
use crate::policy::Policy;
use crate::time::{Date, Seconds, Zone, DAY};

/// The state of the account's installments after payments.
#[derive(Debug, Clone)]
pub struct Ledger {
    /// Installments in due order: (due date, amount still unpaid, counts as unpaid).
    rows: Vec<Row>,
    /// Pauses as inclusive date ranges, sorted.
    pauses: Vec<(Date, Date)>,
    grace_days: i64,
}

#[derive(Debug, Clone, Copy)]
struct Row {
    due: Date,
    amount: i64,
    unpaid: i64,
    is_unpaid: bool,
    /// Whether the installment was still unpaid at the end of its due date.
    paid_late: bool,
}

/// The delinquency facts of one business date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub business_date: Date,
    pub overdue_since: Option<Date>,
    pub days_past_due: u32,
    pub overdue_amount: i64,
}

impl Ledger {
    pub fn new(case: &Case, policy: &Policy) -> Ledger {
        let rules = &policy.document().delinquency;
        let tolerance = rules.arrears_tolerance;
        let book = case.account.book_time_zone;

        // Oldest first; equal due dates keep their input order (a stable sort).
        let mut order: Vec<usize> = (0..case.account.installments.len()).collect();
        order.sort_by_key(|&i| case.account.installments[i].due);

        let mut payments: Vec<(Seconds, i64)> = case
            .account
            .payments
            .iter()
            .map(|p| (p.at.seconds(), p.amount))
            .collect();
        payments.sort();

        let mut rows: Vec<Row> = Vec::with_capacity(order.len());
        // Payments go to the oldest installment that still needs money, in time order; the time
        // each installment became paid tells whether it was paid late (for the risk grade).
        let mut allocated: Vec<i64> = vec![0; order.len()];
        let mut settled_at: Vec<Option<Seconds>> = vec![None; order.len()];
        let explicit: Vec<Option<i64>> = order
            .iter()
            .map(|&i| case.account.installments[i].paid)
            .collect();
        for &(at, amount) in &payments {
            let mut left = amount;
            for (k, &i) in order.iter().enumerate() {
                if left == 0 {
                    break;
                }
                if explicit[k].is_some() {
                    continue;
                }
                let due = case.account.installments[i].amount;
                let need = due.saturating_sub(allocated[k]);
                if need <= 0 {
                    continue;
                }
                let take = need.min(left);
                allocated[k] = allocated[k].saturating_add(take);
                left -= take;
                if settled_at[k].is_none() && due.saturating_sub(allocated[k]) <= tolerance {
                    settled_at[k] = Some(at);
                }
            }
        }
        for (k, &i) in order.iter().enumerate() {
            let inst = &case.account.installments[i];
            let paid = explicit[k].unwrap_or(allocated[k]);
            let unpaid = inst.amount.saturating_sub(paid).max(0);
            let is_unpaid = unpaid > tolerance;
            let end_of_due = book.start_of(inst.due.add_days(1));
            let paid_late = match explicit[k] {
                Some(_) => is_unpaid,
                None => settled_at[k].is_none_or(|t| t >= end_of_due),
            } && inst.amount > tolerance;
            rows.push(Row {
                due: inst.due,
                amount: inst.amount,
                unpaid,
                is_unpaid,
                paid_late,
            });
        }
        let mut pauses: Vec<(Date, Date)> =
            case.account.pauses.iter().map(|p| (p.from, p.to)).collect();
        pauses.sort();
        Ledger {
            rows,
            pauses,
            grace_days: i64::from(rules.grace_days),
        }
    }

    /// The delinquency of the account on a business date, given the payments known now.
    pub fn standing(&self, date: Date) -> Standing {
        let mut since = None;
        let mut amount: i64 = 0;
        for r in &self.rows {
            if r.due >= date {
                break;
            }
            if r.is_unpaid {
                since = since.or(Some(r.due));
                amount = amount.saturating_add(r.unpaid);
            }
        }
        let dpd = match since {
            None => 0,
            Some(since) => {
                let raw = date.days_since(since) - self.grace_days - self.paused_days(since, date);
                u32::try_from(raw.max(0)).unwrap_or(u32::MAX)
            }
        };
        Standing {
            business_date: date,
            overdue_since: since,
            days_past_due: dpd,
            overdue_amount: amount,
        }
    }

    /// Paused days in `(since, date]`: the days that would otherwise have added to DPD.
    fn paused_days(&self, since: Date, date: Date) -> i64 {
        self.pauses
            .iter()
            .map(|&(from, to)| {
                let lo = from.max(since.add_days(1));
                let hi = to.min(date);
                if hi >= lo {
                    hi.days_since(lo) + 1
                } else {
                    0
                }
            })
            .sum()
    }

    /// The first business date on or after `from` (and within `horizon_days`) on which DPD is at
    /// least `n`, given no further payments.
    pub fn first_date_with_dpd(&self, from: Date, n: u32, horizon_days: i64) -> Option<Date> {
        (0..=horizon_days)
            .map(|d| from.add_days(d))
            .find(|&d| self.standing(d).days_past_due >= n)
    }

    /// Due dates of installments still unpaid, on or after `from`.
    pub fn unpaid_due_dates_from(&self, from: Date) -> impl Iterator<Item = Date> + '_ {
        self.rows
            .iter()
            .filter(move |r| r.is_unpaid && r.due >= from)
            .map(|r| r.due)
    }

    /// A, B or C from how many installments due in the lookback before `date` were paid late:
    /// none is A, one or two is B, three or more is C (seed 002: 过去3个月无逾期 / 有1~2次逾期 /
    /// 次次逾期).
    pub fn risk_grade(&self, date: Date, lookback_months: u32) -> RiskGrade {
        let start = date.months_earlier(lookback_months);
        let late = self
            .rows
            .iter()
            .filter(|r| r.due >= start && r.due < date && r.amount > 0 && r.paid_late)
            .count();
        match late {
            0 => RiskGrade::A,
            1 | 2 => RiskGrade::B,
            _ => RiskGrade::C,
        }
    }
}

/// The business date of an instant in the account's book zone.
pub fn business_date(book: Zone, at: Seconds) -> Date {
    book.date_of(at)
}

/// Whole days between two instants, rounded down.
pub fn whole_days(from: Seconds, to: Seconds) -> i64 {
    (to - from).div_euclid(DAY)
}
