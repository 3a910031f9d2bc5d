//! Load-time validation of a policy document.
//!
//! Everything that can be checked without a case is checked here, once, so that deciding never
//! meets a dangling name or an ill-formed stage table. Every problem is reported with the JSON
//! path of the entry at fault; the loader refuses the document on the first, `policy check`
//! (and [`check`]) lists them all.

use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

use super::document::*;

/// One problem found in a policy document.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Diagnostic {
    pub path: String,
    pub message: String,
}

struct Checker<'a> {
    doc: &'a PolicyDocument,
    out: Vec<Diagnostic>,
    actions: BTreeSet<&'a str>,
    stages: BTreeSet<&'a str>,
    queues: BTreeSet<&'a str>,
}

impl Checker<'_> {
    fn err(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.out.push(Diagnostic {
            path: path.into(),
            message: message.into(),
        });
    }
}

/// Every problem in the document, in document order. Empty means the document is valid.
pub fn check(doc: &PolicyDocument) -> Vec<Diagnostic> {
    let mut c = Checker {
        doc,
        out: Vec::new(),
        actions: crate::order::set_of(doc.actions.iter().map(|a| a.id.as_str())),
        stages: crate::order::set_of(doc.stages.iter().map(|s| s.id.as_str())),
        queues: crate::order::set_of(doc.queues.iter().map(|q| q.id.as_str())),
    };
    if doc.id.trim().is_empty() {
        c.err("id", "the policy id must not be empty");
    }
    if doc.version.trim().is_empty() {
        c.err("version", "the policy version must not be empty");
    }
    if doc.delinquency.arrears_tolerance < 0 {
        c.err(
            "delinquency.arrears_tolerance",
            "the arrears tolerance must not be negative",
        );
    }
    check_unique(&mut c, "actions", doc.actions.iter().map(|a| a.id.as_str()));
    check_unique(&mut c, "queues", doc.queues.iter().map(|q| q.id.as_str()));
    check_unique(&mut c, "stages", doc.stages.iter().map(|s| s.id.as_str()));
    check_unique(
        &mut c,
        "products",
        doc.products.iter().map(|p| p.id.as_str()),
    );
    if doc.queues.is_empty() {
        c.err("queues", "a policy needs at least one queue");
    }
    check_stages(&mut c);
    check_calendar(&mut c);
    check_market(&mut c);
    check_rule_ids(&mut c);

    for (i, r) in doc.rules.iter().enumerate() {
        let path = format!("rules[{i}]");
        check_selector(&mut c, &format!("{path}.applies_to"), &r.applies_to);
        let kinds = r.kinds_given();
        if kinds.len() != 1 {
            c.err(
                path.clone(),
                format!(
                    "rule {:?} must have exactly one of window, inconvenient_times, cap, rest, forbid_when, require, obligation (it has {})",
                    r.id,
                    kinds.len()
                ),
            );
        }
        if let Some(u) = &r.unless {
            check_condition(&mut c, &format!("{path}.unless"), u);
            if kinds.iter().any(|k| k.obligation().is_some()) {
                c.err(
                    format!("{path}.unless"),
                    "an obligation blocks nothing, so it takes no exception",
                );
            }
        }
        for kind in kinds {
            let path = format!("{path}.{}", kind.field());
            match kind {
                RuleKind::Window(w) => check_window(&mut c, &path, w),
                RuleKind::InconvenientTimes => {
                    if r.inconvenient_times_false() {
                        c.err(path, "write the rule with true, or leave it out");
                    }
                }
                RuleKind::Cap(cap) => check_cap(&mut c, &path, cap),
                RuleKind::Rest(rest) => check_rest(&mut c, &path, rest),
                RuleKind::ForbidWhen(cond) | RuleKind::Require(cond) => {
                    check_condition(&mut c, &path, cond)
                }
                RuleKind::Obligation(_) => {}
            }
        }
    }
    for (i, s) in doc.strategy.iter().enumerate() {
        check_step(&mut c, &format!("strategy[{i}]"), s);
    }
    for (i, st) in doc.statuses.iter().enumerate() {
        let path = format!("statuses[{i}]");
        check_condition(&mut c, &format!("{path}.when"), &st.when);
        if let Some(q) = &st.queue {
            check_queue(&mut c, &format!("{path}.queue"), q);
        }
        if let Some(f) = &st.forbid {
            check_selector(&mut c, &format!("{path}.forbid"), f);
        }
        if let Some(u) = &st.unless {
            check_condition(&mut c, &format!("{path}.unless"), u);
        }
        for (j, s) in st.steps.iter().enumerate() {
            check_step(&mut c, &format!("{path}.steps[{j}]"), s);
        }
    }
    for (i, t) in doc.escalation.iter().enumerate() {
        let path = format!("escalation[{i}]");
        check_condition(&mut c, &format!("{path}.when"), &t.when);
        match t.moves_to() {
            Some(TriggerMove::Queue(q)) => check_queue(&mut c, &format!("{path}.queue"), q),
            Some(TriggerMove::TiersDown(n)) if *n > 0 => {}
            Some(TriggerMove::TiersDown(_)) | None => c.err(
                path,
                "a trigger names exactly one of queue or tiers_up (at least 1)",
            ),
        }
    }
    for (i, d) in doc.disclosures.iter().enumerate() {
        let path = format!("disclosures[{i}]");
        if d.parties.is_empty() {
            c.err(
                format!("{path}.parties"),
                "a disclosure row names at least one party kind",
            );
        }
        if let Some(w) = &d.when {
            check_condition(&mut c, &format!("{path}.when"), w);
        }
    }
    for (i, o) in doc.obligations.iter().enumerate() {
        let path = format!("obligations[{i}]");
        if o.parties.is_empty() {
            c.err(
                format!("{path}.parties"),
                "an obligation is owed to at least one party kind",
            );
        }
        if o.starts.types.is_empty() || o.satisfied_by.types.is_empty() {
            c.err(
                path.clone(),
                "starts and satisfied_by each name at least one event type",
            );
        }
        if o.due_days > 5000 {
            c.err(format!("{path}.due_days"), "day counts are at most 5000");
        }
        if let Some(w) = &o.when {
            check_condition(&mut c, &format!("{path}.when"), w);
            if mentions_obligation(w) {
                c.err(
                    format!("{path}.when"),
                    "an obligation's condition cannot depend on obligations",
                );
            }
        }
    }
    c.out
}

fn check_window(c: &mut Checker, path: &str, w: &WindowDef) {
    if w.slots.is_empty() {
        c.err(format!("{path}.slots"), "a window needs at least one slot");
    }
    for (j, s) in w.slots.iter().enumerate() {
        if s.days.is_empty() {
            c.err(
                format!("{path}.slots[{j}].days"),
                "a slot needs at least one day",
            );
        }
        if s.from == s.to {
            c.err(
                format!("{path}.slots[{j}].to"),
                "a slot must not be empty (from equals to)",
            );
        }
    }
}

fn check_cap(c: &mut Checker, path: &str, cap: &CapDef) {
    if cap.hours.is_some_and(|h| h.from >= h.to) {
        c.err(
            format!("{path}.hours"),
            "the hours of a cap run from an earlier to a later time of the same day",
        );
    }
    match cap.period {
        Period::Days(0) => c.err(
            format!("{path}.period.days"),
            "a cap period is at least 1 day",
        ),
        Period::Days(d) if d > 366 => c.err(
            format!("{path}.period.days"),
            "a cap period is at most 366 days",
        ),
        Period::Days(_) | Period::Ever => {}
    }
}

fn check_rest(c: &mut Checker, path: &str, rest: &RestDef) {
    if rest.streak_days == 0 || rest.rest_days == 0 {
        c.err(path, "streak_days and rest_days are at least 1");
    }
    if rest.streak_days > 366 || rest.rest_days > 366 {
        c.err(path, "streak_days and rest_days are at most 366");
    }
}

fn mentions_obligation(cond: &Condition) -> bool {
    match cond {
        Condition::All(v) | Condition::Any(v) => v.iter().any(mentions_obligation),
        Condition::Not(c) => mentions_obligation(c),
        Condition::ObligationOpen(_) | Condition::ObligationOverdue(_) => true,
        _ => false,
    }
}

fn check_unique<'a>(c: &mut Checker, list: &str, ids: impl Iterator<Item = &'a str>) {
    let mut seen = BTreeSet::new();
    for (i, id) in ids.enumerate() {
        if id.trim().is_empty() {
            c.err(format!("{list}[{i}].id"), "an id must not be empty");
        } else if !seen.insert(id) {
            c.err(format!("{list}[{i}].id"), format!("duplicate id {id:?}"));
        }
    }
}

/// Rule ids are what verdicts cite, so they must be unique across the whole document.
fn check_rule_ids(c: &mut Checker) {
    let doc = c.doc;
    let mut ids: Vec<(String, &str)> = Vec::new();
    for (i, s) in doc.stages.iter().enumerate() {
        ids.push((format!("stages[{i}].rule"), &s.rule));
    }
    for (i, r) in doc.rules.iter().enumerate() {
        ids.push((format!("rules[{i}].id"), &r.id));
    }
    for (i, s) in doc.strategy.iter().enumerate() {
        ids.push((format!("strategy[{i}].id"), &s.id));
    }
    for (i, st) in doc.statuses.iter().enumerate() {
        ids.push((format!("statuses[{i}].id"), &st.id));
        for (j, s) in st.steps.iter().enumerate() {
            ids.push((format!("statuses[{i}].steps[{j}].id"), &s.id));
        }
    }
    for (i, t) in doc.escalation.iter().enumerate() {
        ids.push((format!("escalation[{i}].id"), &t.id));
    }
    for (i, d) in doc.disclosures.iter().enumerate() {
        ids.push((format!("disclosures[{i}].id"), &d.id));
    }
    for (i, o) in doc.obligations.iter().enumerate() {
        ids.push((format!("obligations[{i}].id"), &o.id));
    }
    let mut seen: BTreeMap<&str, String> = BTreeMap::new();
    for (path, id) in ids {
        if id.trim().is_empty() {
            c.err(path, "a rule id must not be empty");
        } else if let Some(first) = seen.get(id) {
            let msg = format!("rule id {id:?} is already used at {first}");
            c.err(path, msg);
        } else {
            seen.insert(id, path);
        }
    }
}

fn check_stages(c: &mut Checker) {
    let doc = c.doc;
    if doc.stages.is_empty() {
        c.err("stages", "a policy needs at least one stage");
        return;
    }
    let mut pre_due = 0;
    let mut ranged: Vec<(usize, &StageDef)> = Vec::new();
    for (i, s) in doc.stages.iter().enumerate() {
        check_queue(c, &format!("stages[{i}].queue"), &s.queue);
        if s.pre_due {
            pre_due += 1;
            if s.min_dpd.is_some() || s.max_dpd.is_some() {
                c.err(
                    format!("stages[{i}]"),
                    "the pre-due stage has no DPD range (it applies while nothing is past due)",
                );
            }
            continue;
        }
        match s.min_dpd {
            Some(_) => ranged.push((i, s)),
            None => c.err(format!("stages[{i}].min_dpd"), "a stage needs min_dpd"),
        }
    }
    if pre_due > 1 {
        c.err("stages", "at most one stage may be the pre-due stage");
    }
    // A stage without min_dpd has its own error; only a table of the pre-due stage alone is left.
    if ranged.is_empty() && pre_due == doc.stages.len() {
        c.err(
            "stages",
            "a policy needs a stage from DPD 0 (the pre-due stage holds only while nothing is past due)",
        );
    }
    let mut expect = 0u32;
    let n = ranged.len();
    for (k, (i, s)) in ranged.iter().enumerate() {
        let min = s.min_dpd.unwrap_or(0);
        if min != expect {
            if k == 0 {
                c.err(
                    format!("stages[{i}].min_dpd"),
                    format!("the first stage must start at DPD 0, found {min}"),
                );
            } else if min > expect {
                c.err(
                    format!("stages[{i}].min_dpd"),
                    format!("gap: no stage covers DPD {expect}..{}", min - 1),
                );
            } else {
                c.err(
                    format!("stages[{i}].min_dpd"),
                    format!("overlap: DPD {min} is already covered by an earlier stage (stages must be in DPD order)"),
                );
            }
        }
        match s.max_dpd {
            Some(max) if max < min => {
                c.err(
                    format!("stages[{i}].max_dpd"),
                    format!("max_dpd {max} is below min_dpd {min}"),
                );
                return;
            }
            Some(max) => {
                if k + 1 == n {
                    c.err(
                        format!("stages[{i}].max_dpd"),
                        "the last stage must be open-ended (no max_dpd)",
                    );
                }
                expect = max.saturating_add(1);
            }
            None => {
                if k + 1 != n {
                    c.err(
                        format!("stages[{i}].max_dpd"),
                        "only the last stage may be open-ended",
                    );
                    return;
                }
            }
        }
    }
}

fn check_calendar(c: &mut Checker) {
    let cal = &c.doc.calendar;
    let mut bad = Vec::new();
    for (i, h) in cal.holidays.iter().enumerate() {
        if h.to < h.from {
            bad.push((
                format!("calendar.holidays[{i}].to"),
                "a holiday range ends before it starts".to_string(),
            ));
        }
    }
    for (i, d) in cal.working_days.iter().enumerate() {
        if cal.holidays.iter().any(|h| h.from <= *d && *d <= h.to) {
            bad.push((
                format!("calendar.working_days[{i}]"),
                format!("{d} is both a working day and inside a holiday"),
            ));
        }
    }
    for (p, m) in bad {
        c.err(p, m);
    }
}

fn check_market(c: &mut Checker) {
    let Some(m) = &c.doc.market else {
        return;
    };
    let mut bad = Vec::new();
    if m.currencies.is_empty() {
        bad.push((
            "market.currencies".to_string(),
            "a market needs at least one currency (leave `market` out to accept any)".to_string(),
        ));
    }
    if m.time_zones.is_empty() {
        bad.push((
            "market.time_zones".to_string(),
            "a market needs at least one time zone (leave `market` out to accept any)".to_string(),
        ));
    }
    for (i, cur) in m.currencies.iter().enumerate() {
        if cur.len() != 3 || !cur.bytes().all(|b| b.is_ascii_uppercase()) {
            bad.push((
                format!("market.currencies[{i}]"),
                format!("expected an ISO 4217 code of three capital letters, found {cur:?}"),
            ));
        } else if m.currencies[..i].contains(cur) {
            bad.push((
                format!("market.currencies[{i}]"),
                format!("{cur} is listed twice"),
            ));
        }
    }
    for (i, z) in m.time_zones.iter().enumerate() {
        if m.time_zones[..i].contains(z) {
            bad.push((
                format!("market.time_zones[{i}]"),
                format!("{} is listed twice", z.name()),
            ));
        }
    }
    for (p, msg) in bad {
        c.err(p, msg);
    }
}

fn check_queue(c: &mut Checker, path: &str, q: &str) {
    if !c.queues.contains(q) {
        let msg = format!("unknown queue {q:?}");
        c.err(path, msg);
    }
}

fn check_selector(c: &mut Checker, path: &str, s: &Selector) {
    for (j, a) in s.actions.iter().enumerate() {
        if !c.actions.contains(a.as_str()) {
            c.err(
                format!("{path}.actions[{j}]"),
                format!("unknown action {a:?}"),
            );
        }
    }
    for (j, st) in s.stages.iter().enumerate() {
        if !c.stages.contains(st.as_str()) {
            c.err(
                format!("{path}.stages[{j}]"),
                format!("unknown stage {st:?}"),
            );
        }
    }
    for (j, p) in s.products.iter().enumerate() {
        if !c.doc.products.iter().any(|d| d.id == *p) {
            c.err(
                format!("{path}.products[{j}]"),
                format!("unknown product {p:?} (not in the policy's products)"),
            );
        }
    }
    if let Some(w) = &s.when {
        check_condition(c, &format!("{path}.when"), w);
    }
    for (j, t) in s.tags.iter().enumerate() {
        if !c.doc.actions.iter().any(|a| a.tags.contains(t)) {
            c.err(
                format!("{path}.tags[{j}]"),
                format!("no action carries the tag {t:?}"),
            );
        }
    }
}

fn check_step(c: &mut Checker, path: &str, s: &StepDef) {
    for (j, st) in s.stages.iter().enumerate() {
        if !c.stages.contains(st.as_str()) {
            c.err(
                format!("{path}.stages[{j}]"),
                format!("unknown stage {st:?}"),
            );
        }
    }
    match c.doc.actions.iter().find(|a| a.id == s.action) {
        None => {
            let msg = format!("unknown action {:?}", s.action);
            c.err(format!("{path}.action"), msg)
        }
        Some(a) => {
            for (j, k) in s.channels.iter().enumerate() {
                if !a.channels.contains(k) {
                    let msg = format!(
                        "action {:?} does not go through {:?} channels",
                        a.id,
                        k.name()
                    );
                    c.err(format!("{path}.channels[{j}]"), msg);
                }
            }
        }
    }
    if s.parties.is_empty() {
        c.err(
            format!("{path}.parties"),
            "a step names at least one party kind",
        );
    }
    if let Some(t) = &s.pay_day {
        // Two working weeks either side of a pay day is as far as timing "around" it reaches;
        // the bound also keeps the working-day walk short.
        if !(-10..=10).contains(&t.working_days) {
            c.err(
                format!("{path}.pay_day.working_days"),
                format!(
                    "a pay-day offset is -10 to 10 working days, found {}",
                    t.working_days
                ),
            );
        }
    }
    for (j, p) in s.parties.iter().enumerate() {
        if matches!(p, PartyKind::Voicemail | PartyKind::PostalEnvelope) {
            c.err(
                format!("{path}.parties[{j}]"),
                "voicemail and postal_envelope are disclosure parties, not parties to act on",
            );
        }
    }
    if let Some(w) = &s.when {
        check_condition(c, &format!("{path}.when"), w);
    }
}

fn check_condition(c: &mut Checker, path: &str, cond: &Condition) {
    match cond {
        Condition::All(v) | Condition::Any(v) => {
            let tag = if matches!(cond, Condition::All(_)) {
                "all"
            } else {
                "any"
            };
            if v.is_empty() {
                c.err(
                    format!("{path}.{tag}"),
                    "an empty list is not a condition; use always or never",
                );
            }
            for (i, x) in v.iter().enumerate() {
                check_condition(c, &format!("{path}.{tag}[{i}]"), x);
            }
        }
        Condition::Not(x) => check_condition(c, &format!("{path}.not"), x),
        Condition::Stage(v) => {
            for (i, s) in v.iter().enumerate() {
                if !c.stages.contains(s.as_str()) {
                    c.err(format!("{path}.stage[{i}]"), format!("unknown stage {s:?}"));
                }
            }
        }
        Condition::DpdAtLeast(n)
        | Condition::DueWithinDays(n)
        | Condition::NoConversationForDays(n)
        | Condition::LostContactForDays(n)
            if *n > 5000 =>
        {
            c.err(path.to_string(), "day counts are at most 5000");
        }
        Condition::ObligationOpen(id) | Condition::ObligationOverdue(id)
            if !c.doc.obligations.iter().any(|o| o.id == *id) =>
        {
            c.err(path.to_string(), format!("unknown obligation {id:?}"));
        }
        Condition::CommunicationSent(s) if s.days > 5000 || s.types.is_empty() => {
            c.err(
                format!("{path}.communication_sent"),
                "name at least one event type, and at most 5000 days",
            );
        }
        Condition::LetterSent(l) if l.days > 5000 => {
            c.err(
                format!("{path}.letter_sent.days"),
                "day counts are at most 5000",
            );
        }
        Condition::LetterSent(l) if l.working_days > 366 => {
            c.err(
                format!("{path}.letter_sent.working_days"),
                "working-day counts are at most 366",
            );
        }
        _ => {}
    }
}
