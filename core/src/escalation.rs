//! Which queue owns the account (docs/decision.md, queue).
//!
//! The stage names a starting queue; triggers apply in policy order, each either naming a queue or
//! moving the account a number of tiers down the policy's queue list; the highest-precedence
//! status that names a queue has the last word. The account must move (`escalate_to`) when the
//! queue it was last recorded in (its last `escalated` event, or its stage's queue when it was
//! never escalated) is not that queue.

use crate::conditions::Conditions;
use crate::decision::{Queue, Reason, TraceEntry};
use crate::policy::{StatusDef, TriggerMove};

pub(crate) fn queue(
    conditions: &Conditions,
    statuses: &[&StatusDef],
    trace: &mut Vec<TraceEntry>,
) -> Queue {
    let facts = conditions.facts();
    let doc = facts.policy.document();
    let borrower = facts.borrower_target();
    let mut current = facts.stage.queue.clone();
    let mut reasons = vec![Reason {
        rule: facts.stage.rule.clone(),
        cite: facts.stage.cite.clone(),
    }];
    for (t, to) in facts.policy.triggers() {
        if !conditions.holds_now(&t.when, &borrower) {
            continue;
        }
        let to = match to {
            TriggerMove::Queue(q) => q.clone(),
            TriggerMove::TiersDown(n) => {
                let rank = facts.policy.queue_rank(&current).unwrap_or(0);
                let last = doc.queues.len().saturating_sub(1);
                let n = usize::try_from(*n).unwrap_or(usize::MAX);
                doc.queues[rank.saturating_add(n).min(last)].id.clone()
            }
        };
        trace.push(TraceEntry {
            rule: t.id.clone(),
            effect: format!("queue {current} -> {to}"),
            cite: t.cite.clone(),
        });
        current = to;
        reasons.push(Reason {
            rule: t.id.clone(),
            cite: t.cite.clone(),
        });
    }
    if let Some(s) = statuses.iter().find(|s| s.queue.is_some()) {
        if let Some(q) = &s.queue {
            if *q != current {
                trace.push(TraceEntry {
                    rule: s.id.clone(),
                    effect: format!("queue {current} -> {q}"),
                    cite: s.cite.clone(),
                });
            }
            current = q.clone();
            reasons.push(Reason {
                rule: s.id.clone(),
                cite: s.cite.clone(),
            });
        }
    }
    let recorded = facts
        .history
        .last_escalated_to
        .unwrap_or(facts.stage.queue.as_str());
    Queue {
        escalate_to: (recorded != current).then(|| current.clone()),
        current,
        reasons,
    }
}
