//! How far behind the account is (docs/decision.md, delinquency): the ledger of what is unpaid, days past due, the
//! overdue amount and the risk grade.
//!
//! The ledger is built once per decision from the installments and payments. Days past due are
//! then a function of the business date alone, which lets the contact rules ask "from which day is
//! DPD at least 7?" without re-running the allocation.

use crate::case::{Case, Component, Components, Payment, PaymentKind, RiskGrade};
use crate::policy::Policy;
use crate::time::{Date, Seconds};

/// The order money settles components in when the case names none: penalties, fees, interest,
/// principal, as Fineract's default strategy does. Without components every amount is
/// principal, so the order changes nothing for a case that gives none.
const DEFAULT_ORDER: [Component; 4] = [
    Component::Penalties,
    Component::Fees,
    Component::Interest,
    Component::Principal,
];

/// The state of the account's installments after payments.
#[derive(Debug, Clone)]
pub struct Ledger {
    /// Installments and reopened chargebacks in due order.
    rows: Vec<Row>,
    /// Pauses as inclusive date ranges, sorted.
    pauses: Vec<(Date, Date)>,
    grace_days: i64,
}

#[derive(Debug, Clone, Copy)]
struct Row {
    due: Date,
    amount: i64,
    /// What is still owed, by component ([`Component::ALL`] order).
    owed: [i64; 4],
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
    /// The overdue amount by component ([`Component::ALL`] order).
    pub overdue_parts: [i64; 4],
}

/// One overdue installment on a business date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OverdueRow {
    pub due: Date,
    pub days_past_due: u32,
    pub overdue_amount: i64,
    pub overdue_parts: [i64; 4],
}

/// A row while payments are applied to it.
struct Open {
    due: Date,
    /// When it came to be owed: `None` for an installment, the instant of a chargeback.
    opened: Option<Seconds>,
    due_parts: [i64; 4],
    settled: [i64; 4],
    settled_at: Option<Seconds>,
    explicit: bool,
}

impl Open {
    fn left(&self) -> i64 {
        (0..4)
            .map(|c| self.due_parts[c].saturating_sub(self.settled[c]).max(0))
            .fold(0i64, i64::saturating_add)
    }
}

/// An amount as components: the installment's own split, or all of it principal.
fn parts_of(amount: i64, components: Option<Components>) -> [i64; 4] {
    components.map_or([amount, 0, 0, 0], |c| c.parts())
}

/// `amount` spread over `due` in allocation `order`, each component taking at most what it owes.
fn spread(amount: i64, due: [i64; 4], order: &[Component; 4]) -> [i64; 4] {
    let mut out = [0i64; 4];
    let mut left = amount;
    for c in order {
        let take = due[c.index()].max(0).min(left);
        out[c.index()] = take;
        left -= take;
    }
    // More than is due (an overpaid installment) stays settled, on the first component.
    out[order[0].index()] = out[order[0].index()].saturating_add(left.max(0));
    out
}

impl Ledger {
    pub fn new(case: &Case, policy: &Policy) -> Ledger {
        let rules = &policy.document().delinquency;
        let acct = &case.account;
        let tolerance = acct.arrears_tolerance.unwrap_or(rules.arrears_tolerance);
        let grace_days = acct.grace_days.unwrap_or(rules.grace_days);
        let book = acct.book_time_zone;
        let order = acct
            .allocation
            .as_ref()
            .map_or(DEFAULT_ORDER, |a| a.order());
        let explicit = case.host_allocated();

        let mut open: Vec<Open> = acct
            .installments
            .iter()
            .map(|inst| {
                let due_parts = parts_of(inst.amount, inst.components);
                let settled = match (inst.paid_components, inst.settled()) {
                    (Some(c), _) if inst.components.is_some() => c.parts(),
                    (_, Some(paid)) => spread(paid, due_parts, &order),
                    (_, None) => [0; 4],
                };
                Open {
                    due: inst.due,
                    opened: None,
                    due_parts,
                    settled,
                    settled_at: None,
                    explicit,
                }
            })
            .collect();
        for p in case.standing_payments() {
            if p.kind != PaymentKind::Chargeback {
                continue;
            }
            let component = p.component.unwrap_or(Component::Principal);
            let mut due_parts = [0i64; 4];
            due_parts[component.index()] = p.amount;
            let mut settled = [0i64; 4];
            settled[component.index()] = p.paid.unwrap_or(0);
            open.push(Open {
                due: book.date_of(p.at.seconds()),
                opened: Some(p.at.seconds()),
                due_parts,
                settled,
                settled_at: None,
                explicit,
            });
        }
        // Oldest first; equal due dates keep their input order (a stable sort), chargebacks after
        // the installments.
        crate::order::sort_by_key(&mut open, |r| r.due);

        if !explicit {
            // Entries in time order (a stable sort keeps the input order of equal instants); each
            // goes to the oldest row already owed that still needs money, component by component
            // in the allocation order. The instant a row became settled tells whether it was paid
            // late (for the risk grade).
            let mut entries: Vec<&Payment> = case
                .standing_payments()
                .filter(|p| p.kind != PaymentKind::Chargeback)
                .collect();
            crate::order::sort_by_key(&mut entries, |p| p.at.seconds());
            for p in entries {
                let at = p.at.seconds();
                let mut left = p.amount;
                let only = p.component;
                for row in open.iter_mut() {
                    if left == 0 {
                        break;
                    }
                    if row.opened.is_some_and(|t| t > at) {
                        continue;
                    }
                    for c in order {
                        if only.is_some_and(|o| o != c) {
                            continue;
                        }
                        let need = row.due_parts[c.index()].saturating_sub(row.settled[c.index()]);
                        if need <= 0 {
                            continue;
                        }
                        let take = need.min(left);
                        row.settled[c.index()] = row.settled[c.index()].saturating_add(take);
                        left -= take;
                        if left == 0 {
                            break;
                        }
                    }
                    if row.settled_at.is_none() && row.left() <= tolerance {
                        row.settled_at = Some(at);
                    }
                }
            }
        }

        let rows = open
            .iter()
            .map(|r| {
                let amount = r.due_parts.iter().fold(0i64, |t, a| t.saturating_add(*a));
                let unpaid = r.left();
                let is_unpaid = unpaid > tolerance;
                let end_of_due = book.start_of(r.due.add_days(1));
                let paid_late = if r.explicit {
                    is_unpaid
                } else {
                    r.settled_at.is_none_or(|t| t >= end_of_due)
                } && amount > tolerance;
                let mut owed = [0i64; 4];
                for (c, o) in owed.iter_mut().enumerate() {
                    *o = r.due_parts[c].saturating_sub(r.settled[c]).max(0);
                }
                Row {
                    due: r.due,
                    amount,
                    owed,
                    unpaid,
                    is_unpaid,
                    paid_late,
                }
            })
            .collect();
        let mut pauses: Vec<(Date, Date)> = acct.pauses.iter().map(|p| (p.from, p.to)).collect();
        crate::order::sort(&mut pauses);
        Ledger {
            rows,
            pauses,
            grace_days: i64::from(grace_days),
        }
    }

    /// Days past due on `date` of an amount overdue since `since`.
    fn days_past_due(&self, since: Date, date: Date) -> u32 {
        let raw = date.days_since(since) - self.grace_days - self.paused_days(since, date);
        u32::try_from(raw.max(0)).unwrap_or(u32::MAX)
    }

    /// Each installment overdue on `date`, oldest first, with its own days past due.
    pub fn overdue_rows(&self, date: Date) -> Vec<OverdueRow> {
        self.rows
            .iter()
            .take_while(|r| r.due < date)
            .filter(|r| r.is_unpaid)
            .map(|r| OverdueRow {
                due: r.due,
                days_past_due: self.days_past_due(r.due, date),
                overdue_amount: r.unpaid,
                overdue_parts: r.owed,
            })
            .collect()
    }

    /// The delinquency of the account on a business date, given the payments known now.
    pub fn standing(&self, date: Date) -> Standing {
        let mut since = None;
        let mut amount: i64 = 0;
        let mut parts = [0i64; 4];
        for r in &self.rows {
            if r.due >= date {
                break;
            }
            if r.is_unpaid {
                since = since.or(Some(r.due));
                amount = amount.saturating_add(r.unpaid);
                for (t, o) in parts.iter_mut().zip(r.owed) {
                    *t = t.saturating_add(o);
                }
            }
        }
        Standing {
            business_date: date,
            overdue_since: since,
            days_past_due: since.map_or(0, |since| self.days_past_due(since, date)),
            overdue_amount: amount,
            overdue_parts: parts,
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
