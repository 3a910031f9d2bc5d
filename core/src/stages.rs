//! Placing an account in a stage (docs/decision.md, delinquency).
//!
//! Stages are DPD ranges validated at load to cover every DPD exactly once, from 0 with the last
//! open-ended; the policy indexes them by their first day, so the lookup has an answer for every
//! DPD and no stage is ever a fallback. An account with nothing past due is in the pre-due stage while an unpaid installment
//! falls due within the policy's pre-due days, and in the DPD-0 stage otherwise.

use crate::delinquency::{Ledger, Standing};
use crate::policy::{Policy, StageDef};

pub fn stage_of<'p>(policy: &'p Policy, ledger: &Ledger, standing: &Standing) -> &'p StageDef {
    if standing.days_past_due == 0 {
        if let Some(pre) = policy.pre_due_stage() {
            let window = i64::from(policy.document().delinquency.pre_due_days);
            let today = standing.business_date;
            let due_soon = ledger
                .unpaid_due_dates_from(today)
                .any(|due| due.days_since(today) <= window);
            if due_soon {
                return pre;
            }
        }
    }
    policy.stage_for_dpd(standing.days_past_due)
}
