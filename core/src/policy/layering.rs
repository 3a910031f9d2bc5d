//! Lender documents over a floor: compose, and refuse anything that loosens the floor.
//!
//! A lender document names the pack it `extends` and may change every business parameter: stages,
//! the action ladder, queues, triggers, its own actions and rules. What the base marks as
//! `layer: floor` (rules, statuses, disclosure rows) is always kept, and the lender may only add
//! to it. The lender's rules, statuses and disclosure rows are added to the base's; `remove`
//! drops base strategy entries by id. Because a candidate must pass every rule, an added rule can never widen what is allowed;
//! a lender rule that *says* something looser than the floor is still refused, so that an author
//! who believes they widened the contact hours learns at load time that they did not, and why.
//!
//! What "tighter" means, kind by kind:
//! - window: allows no minute the floor forbids, on any kind of day (weekday, working day,
//!   holiday), including what a slot carries past midnight;
//! - cap: over the same kind of event, no higher limit, no shorter period, no narrower scope and
//!   no extra exclusions;
//! - rest: no longer streak before a rest, no shorter rest;
//! - disclosure: allows no category a floor row denies to the same kind of party;
//! - lost contact and consent: no fewer failed attempts, no longer consent;
//! - calendar: no holiday removed, no make-up working day added;
//! - market: no currency or zone the base's market lacks;
//! - prohibitions, prerequisites, inconvenient times, obligations and statuses: always additive.

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

use super::document::*;
use super::validate::Diagnostic;
use crate::case::ChannelKind;
use crate::time::{Date, Weekday};

/// A lender's document: the pack it extends and what it changes. Omitted sections are inherited.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct LenderDocument {
    pub id: String,
    pub version: String,
    /// A built-in pack id, or (through the CLI) a policy file.
    pub extends: String,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub effective_from: Option<Date>,
    #[serde(default)]
    pub delinquency: Option<DelinquencyRules>,
    #[serde(default)]
    pub stages: Option<Vec<StageDef>>,
    #[serde(default)]
    pub calendar: Option<CalendarDef>,
    /// The lender's market: within the base's, never beyond it. Omitted: the base's.
    #[serde(default)]
    pub market: Option<MarketDef>,
    /// Actions added to the base catalogue.
    #[serde(default)]
    pub actions: Vec<ActionDef>,
    #[serde(default)]
    pub contact: Option<ContactDefs>,
    /// Rules added to the base's (floor and strategy alike).
    #[serde(default)]
    pub rules: Option<Vec<RuleDef>>,
    /// Ids of the base's strategy rules, statuses or disclosure rows to drop. Floor ids are
    /// refused.
    #[serde(default)]
    pub remove: Vec<String>,
    #[serde(default)]
    pub strategy: Option<Vec<StepDef>>,
    /// Replaces the base's call order.
    #[serde(default)]
    pub call_order: Option<Vec<CallOrderEntry>>,
    #[serde(default)]
    pub statuses: Option<Vec<StatusDef>>,
    #[serde(default)]
    pub queues: Option<Vec<QueueDef>>,
    #[serde(default)]
    pub escalation: Option<Vec<TriggerDef>>,
    #[serde(default)]
    pub disclosures: Option<Vec<DisclosureDef>>,
    /// Obligations added to the base's.
    #[serde(default)]
    pub obligations: Option<Vec<ObligationDef>>,
}

/// Composes a lender document over its base. Every loosening and every clash is reported.
pub fn compose(
    base: &PolicyDocument,
    lender: LenderDocument,
) -> Result<PolicyDocument, Vec<Diagnostic>> {
    let mut out = Vec::new();
    let floor_ids: BTreeSet<&str> = crate::order::set_of(
        base.rules
            .iter()
            .filter(|r| r.layer == Layer::Floor)
            .map(|r| r.id.as_str())
            .chain(
                base.statuses
                    .iter()
                    .filter(|s| s.layer == Layer::Floor)
                    .map(|s| s.id.as_str()),
            )
            .chain(
                base.disclosures
                    .iter()
                    .filter(|d| d.layer == Layer::Floor)
                    .map(|d| d.id.as_str()),
            ),
    );
    let mut lender_ids: Vec<(String, &str, Layer)> = Vec::new();
    for (i, r) in lender.rules.iter().flatten().enumerate() {
        lender_ids.push((format!("rules[{i}]"), &r.id, r.layer));
    }
    for (i, s) in lender.statuses.iter().flatten().enumerate() {
        lender_ids.push((format!("statuses[{i}]"), &s.id, s.layer));
    }
    for (i, d) in lender.disclosures.iter().flatten().enumerate() {
        lender_ids.push((format!("disclosures[{i}]"), &d.id, d.layer));
    }
    for (path, id, layer) in &lender_ids {
        if *layer == Layer::Floor {
            out.push(diag(
                format!("{path}.layer"),
                format!(
                    "{id:?} claims the floor layer; only the base pack ({}) defines the floor",
                    base.id
                ),
            ));
        }
        if floor_ids.contains(id) {
            out.push(diag(format!("{path}.id"), format!(
                "{id:?} is a floor rule of {}; a lender document adds its own rules (under new ids) and cannot redefine the floor's",
                base.id
            )));
        }
    }

    for (i, id) in lender.remove.iter().enumerate() {
        let known = base.rules.iter().any(|r| &r.id == id)
            || base.statuses.iter().any(|s| &s.id == id)
            || base.disclosures.iter().any(|d| &d.id == id);
        if floor_ids.contains(id.as_str()) {
            out.push(diag(
                format!("remove[{i}]"),
                format!(
                    "{id:?} is part of {}'s floor and cannot be removed",
                    base.id
                ),
            ));
        } else if !known {
            out.push(diag(
                format!("remove[{i}]"),
                format!(
                    "{} has no strategy rule, status or disclosure row {id:?}",
                    base.id
                ),
            ));
        }
    }
    let floor_rules: Vec<&RuleDef> = base
        .rules
        .iter()
        .filter(|r| r.layer == Layer::Floor)
        .collect();
    let mut actions = base.actions.clone();
    for (i, a) in lender.actions.iter().enumerate() {
        if base.actions.iter().any(|b| b.id == a.id) {
            out.push(diag(
                format!("actions[{i}].id"),
                format!(
                    "action {:?} is already in {}'s catalogue; add new actions only",
                    a.id, base.id
                ),
            ));
        } else {
            actions.push(a.clone());
        }
    }
    for (i, r) in lender.rules.iter().flatten().enumerate() {
        for f in &floor_rules {
            if !selectors_overlap(&r.applies_to, &f.applies_to, &actions) {
                continue;
            }
            if let Some(why) = loosening(r, f, &base.calendar) {
                out.push(diag(
                    format!("rules[{i}]"),
                    format!(
                        "lender rule {:?} loosens floor rule {:?} ({}): {why}",
                        r.id, f.id, f.cite
                    ),
                ));
            }
        }
    }
    let floor_denials: Vec<&DisclosureDef> = base
        .disclosures
        .iter()
        .filter(|d| d.layer == Layer::Floor && !d.deny.is_empty())
        .collect();
    for (i, row) in lender.disclosures.iter().flatten().enumerate() {
        for f in &floor_denials {
            let parties: Vec<&PartyKind> = row
                .parties
                .iter()
                .filter(|p| f.parties.contains(p))
                .collect();
            let cats: Vec<&Category> = row.allow.iter().filter(|c| f.deny.contains(c)).collect();
            // A floor denial with a condition denies only while it holds; a lender row that would
            // allow the category in the same situation is a loosening unless it is conditioned
            // on the opposite, which only a reader of the conditions can tell: refuse it.
            if !parties.is_empty() && !cats.is_empty() {
                out.push(diag(
                    format!("disclosures[{i}].allow"),
                    format!(
                        "lender row {:?} allows {} to {} which floor row {:?} ({}) denies",
                        row.id,
                        names(&cats),
                        names(&parties),
                        f.id,
                        f.cite
                    ),
                ));
            }
        }
    }
    if let Some(contact) = &lender.contact {
        let b = &base.contact;
        if contact.lost_contact.failed_attempts < b.lost_contact.failed_attempts {
            out.push(diag(
                "contact.lost_contact.failed_attempts",
                format!(
                    "{} failed attempts would reach third parties sooner than the floor's {} ({})",
                    contact.lost_contact.failed_attempts,
                    b.lost_contact.failed_attempts,
                    b.lost_contact.cite
                ),
            ));
        }
        let (ll, bl) = (&contact.lost_contact, &b.lost_contact);
        if ll.distinct_days < bl.distinct_days
            || (bl.each_channel && !ll.each_channel)
            || ll.failures.iter().any(|o| !bl.failures.contains(o))
            || (ll.all_wrong_number && !bl.all_wrong_number)
            || bl.reset_by.iter().any(|r| !ll.reset_by.contains(r))
        {
            out.push(diag(
                "contact.lost_contact",
                format!(
                    "this definition of lost contact would reach third parties sooner than the floor's ({})",
                    bl.cite
                ),
            ));
        }
        let (lc, bc) = (&contact.consent, &b.consent);
        if lc
            .default_scope
            .iter()
            .any(|x| !bc.default_scope.contains(x))
            || bc.ends_on.iter().any(|x| !lc.ends_on.contains(x))
            || (bc.per_channel && !lc.per_channel)
        {
            out.push(diag(
                "contact.consent",
                format!(
                    "this consent lifts more, or ends later, than the floor's ({})",
                    bc.cite
                ),
            ));
        }
        if contact.consent_days > b.consent_days {
            out.push(diag(
                "contact.consent_days",
                format!(
                    "a consent of {} days outlasts the floor's {} days",
                    contact.consent_days, b.consent_days
                ),
            ));
        }
    }
    if let Some(cal) = &lender.calendar {
        let mine = crate::calendar::Calendar::new(cal);
        let theirs = crate::calendar::Calendar::new(&base.calendar);
        for h in &base.calendar.holidays {
            let mut d = h.from;
            while d <= h.to {
                if !mine.is_holiday(d) {
                    out.push(diag(
                        "calendar.holidays",
                        format!(
                            "{d} ({}) is a holiday in {} and must stay one ({})",
                            h.name, base.id, base.calendar.cite
                        ),
                    ));
                    break;
                }
                d = d.add_days(1);
            }
        }
        for (i, d) in cal.working_days.iter().enumerate() {
            if !theirs.is_working_day(*d) && !base.calendar.working_days.contains(d) {
                out.push(diag(
                    format!("calendar.working_days[{i}]"),
                    format!(
                        "{d} is not a working day in {}; a lender calendar cannot add working days",
                        base.id
                    ),
                ));
            }
        }
    }
    if let (Some(mine), Some(theirs)) = (&lender.market, &base.market) {
        for (i, cur) in mine.currencies.iter().enumerate() {
            if !theirs.currencies.contains(cur) {
                out.push(diag(
                    format!("market.currencies[{i}]"),
                    format!(
                        "{cur} is outside {}'s market ({}); a lender document may narrow the market, never widen it",
                        base.id,
                        theirs.currencies.join(", ")
                    ),
                ));
            }
        }
        for (i, z) in mine.time_zones.iter().enumerate() {
            if !theirs.time_zones.contains(z) {
                out.push(diag(
                    format!("market.time_zones[{i}]"),
                    format!(
                        "{} is outside {}'s market ({}); a lender document may narrow the market, never widen it",
                        z.name(),
                        base.id,
                        theirs
                            .time_zones
                            .iter()
                            .map(|z| z.name())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            }
        }
    }
    if !out.is_empty() {
        return Err(out);
    }

    // The base's entries minus the removed ones, then the lender's: base statuses keep their
    // precedence ahead of the lender's.
    fn merged<T: Clone>(
        base: &[T],
        id: impl Fn(&T) -> &str,
        removed: &[String],
        added: Option<&Vec<T>>,
    ) -> Vec<T> {
        base.iter()
            .filter(|x| !removed.iter().any(|r| r == id(x)))
            .chain(added.into_iter().flatten())
            .cloned()
            .collect()
    }
    let rules = merged(
        &base.rules,
        |r| &r.id,
        &lender.remove,
        lender.rules.as_ref(),
    );
    let statuses = merged(
        &base.statuses,
        |s| &s.id,
        &lender.remove,
        lender.statuses.as_ref(),
    );
    let disclosures = merged(
        &base.disclosures,
        |d| &d.id,
        &lender.remove,
        lender.disclosures.as_ref(),
    );
    let obligations = merged(
        &base.obligations,
        |o| &o.id,
        &lender.remove,
        lender.obligations.as_ref(),
    );
    Ok(PolicyDocument {
        id: lender.id,
        version: lender.version,
        title: lender.title.unwrap_or_else(|| base.title.clone()),
        description: lender.description.unwrap_or_default(),
        extends: Some(lender.extends),
        effective_from: lender.effective_from,
        delinquency: lender
            .delinquency
            .unwrap_or_else(|| base.delinquency.clone()),
        stages: lender.stages.unwrap_or_else(|| base.stages.clone()),
        calendar: lender.calendar.unwrap_or_else(|| base.calendar.clone()),
        market: lender.market.or_else(|| base.market.clone()),
        // The products are the pack's: which instrument governs an account is not the lender's
        // to redefine.
        products: base.products.clone(),
        actions,
        contact: lender.contact.unwrap_or_else(|| base.contact.clone()),
        rules,
        strategy: lender.strategy.unwrap_or_else(|| base.strategy.clone()),
        call_order: lender.call_order.unwrap_or_else(|| base.call_order.clone()),
        statuses,
        queues: lender.queues.unwrap_or_else(|| base.queues.clone()),
        escalation: lender.escalation.unwrap_or_else(|| base.escalation.clone()),
        disclosures,
        obligations,
    })
}

fn diag(path: impl Into<String>, message: impl Into<String>) -> Diagnostic {
    Diagnostic {
        path: path.into(),
        message: message.into(),
    }
}

fn names<T: Serialize>(items: &[&T]) -> String {
    items
        .iter()
        .map(|i| {
            serde_json::to_value(i)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The action ids a selector can match.
fn selected_actions<'a>(sel: &Selector, actions: &'a [ActionDef]) -> BTreeSet<&'a str> {
    crate::order::set_of(
        actions
            .iter()
            .filter(|a| sel.actions.is_empty() || sel.actions.contains(&a.id))
            .filter(|a| sel.tags.is_empty() || sel.tags.iter().any(|t| a.tags.contains(t)))
            .map(|a| a.id.as_str()),
    )
}

/// Whether some candidate could be selected by both selectors (conditions are assumed to hold).
pub fn selectors_overlap(a: &Selector, b: &Selector, actions: &[ActionDef]) -> bool {
    fn meet<T: PartialEq>(x: &[T], y: &[T]) -> bool {
        x.is_empty() || y.is_empty() || x.iter().any(|i| y.contains(i))
    }
    let (sa, sb) = (selected_actions(a, actions), selected_actions(b, actions));
    sa.intersection(&sb).next().is_some()
        && meet(&a.parties, &b.parties)
        && meet::<ChannelKind>(&a.channels, &b.channels)
        && meet(&a.stages, &b.stages)
        && meet(&a.products, &b.products)
}

/// Why a rule of kind `a` lets through something a rule of kind `b` does not, when both are of
/// the same kind.
pub fn loosening_of(a: &RuleKind, b: &RuleKind) -> Option<String> {
    kind_loosening(a, b, &CalendarDef::default())
}

/// Whether selector `big` selects every candidate `small` does (conditions aside: a `when` on
/// `big` makes it select less, so it never counts as a superset).
pub fn selects_superset(big: &Selector, small: &Selector, actions: &[ActionDef]) -> bool {
    fn covers<T: PartialEq>(big: &[T], small: &[T]) -> bool {
        big.is_empty() || (!small.is_empty() && small.iter().all(|x| big.contains(x)))
    }
    big.when.is_none()
        && selected_actions(small, actions).is_subset(&selected_actions(big, actions))
        && covers(&big.parties, &small.parties)
        && covers::<ChannelKind>(&big.channels, &small.channels)
        && covers(&big.stages, &small.stages)
        && covers(&big.products, &small.products)
}

/// Why `lender` is looser than `floor` when it gives the floor's kind, or `None`.
fn loosening(lender: &RuleDef, floor: &RuleDef, calendar: &CalendarDef) -> Option<String> {
    let floor = floor.kind()?;
    // A lender rule is read before it is validated: it may give several kinds, of which only
    // the floor's own compares.
    lender
        .kinds_given()
        .iter()
        .find_map(|l| kind_loosening(l, floor, calendar))
}

/// Why `lender` is looser than `floor`, kind by kind (the module's list). Kinds that only ever
/// add (prohibitions, prerequisites, inconvenient times, obligations), and two different kinds,
/// do not compare.
fn kind_loosening(lender: &RuleKind, floor: &RuleKind, calendar: &CalendarDef) -> Option<String> {
    match lender.beside(floor) {
        Comparable::Windows(l, f) => window_loosening(l, f, calendar),
        Comparable::Caps(l, f) => cap_loosening(l, f),
        Comparable::Rests(l, f) => rest_loosening(l, f),
        Comparable::Unlike => None,
    }
}

fn cap_loosening(l: &CapDef, f: &CapDef) -> Option<String> {
    if l.counts != f.counts {
        return None; // counts other events: an independent cap
    }
    if l.limit > f.limit {
        return Some(format!(
            "a limit of {} where the floor allows at most {}",
            l.limit, f.limit
        ));
    }
    let shorter = match (l.period, f.period) {
        (Period::Days(a), Period::Days(b)) => a < b,
        (Period::Days(_), Period::Ever) => true,
        (Period::Ever, _) => false,
    };
    if shorter {
        return Some(format!(
            "a period of {:?} is shorter than the floor's {:?}",
            l.period, f.period
        ));
    }
    let rank = |s: Scope| match s {
        Scope::Channel => 0,
        Scope::Party => 1,
        Scope::Account => 2,
    };
    if rank(l.scope) < rank(f.scope) {
        return Some(
            format!(
                "counting per {:?} counts fewer events than the floor's per {:?}",
                l.scope, f.scope
            )
            .to_ascii_lowercase(),
        );
    }
    if let Some(x) = l.exclude.iter().find(|x| !f.exclude.contains(x)) {
        return Some(
            format!("it excludes {x:?} calls, which the floor counts").to_ascii_lowercase(),
        );
    }
    // An empty list counts every outcome; a list counts fewer unless it keeps all the floor's.
    let counts_fewer_outcomes = !l.outcomes.is_empty()
        && (f.outcomes.is_empty() || f.outcomes.iter().any(|o| !l.outcomes.contains(o)));
    if counts_fewer_outcomes {
        return Some("it counts calls of fewer outcomes than the floor".to_string());
    }
    if let Some(p) = l
        .exclude_parties
        .iter()
        .find(|p| !f.exclude_parties.contains(p))
    {
        return Some(
            format!("it leaves out {p:?} parties, which the floor counts").to_ascii_lowercase(),
        );
    }
    None
}

fn rest_loosening(l: &RestDef, f: &RestDef) -> Option<String> {
    if l.counts == f.counts && (l.streak_days > f.streak_days || l.rest_days < f.rest_days) {
        return Some(format!(
            "{} days on and {} off where the floor rests {} days after {}",
            l.streak_days, l.rest_days, f.rest_days, f.streak_days
        ));
    }
    None
}

/// Kinds of day a window can tell apart.
#[derive(Clone, Copy)]
struct DayClass {
    weekday: Weekday,
    working: bool,
    holiday: bool,
}

const WEEK: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

fn classes() -> Vec<DayClass> {
    let mut out = Vec::new();
    for weekday in WEEK {
        for (working, holiday) in [(true, false), (false, false), (false, true)] {
            out.push(DayClass {
                weekday,
                working,
                holiday,
            });
        }
    }
    out
}

fn day_matches(kind: DayKind, c: DayClass) -> bool {
    kind.matches(c.weekday, c.working, c.holiday)
}

/// Cells of a day a window allows, given the class of that day and of the day before: cell `2m` is
/// the instant at minute `m` exactly, cell `2m + 1` the instants between minute `m` and the next,
/// so that a slot that leaves out or lets in its ends ("after 8:00", "until 22:00 inclusive")
/// compares exactly.
const CELLS: usize = 2 * 1440;

fn window_cells(w: &WindowDef, prev: DayClass, today: DayClass) -> Vec<bool> {
    let mut m = vec![false; CELLS];
    for s in &w.slots {
        let (from, to) = (s.from.0 as usize, s.to.0 as usize);
        let start = 2 * from + usize::from(!s.from_included);
        let end = 2 * to + if to <= from { CELLS } else { 0 } + usize::from(s.to_included);
        let on = |c: DayClass| s.days.iter().any(|k| day_matches(*k, c));
        if on(today) {
            m[start.min(CELLS)..end.min(CELLS)]
                .iter_mut()
                .for_each(|x| *x = true);
        }
        if on(prev) && end > CELLS {
            m[start.saturating_sub(CELLS)..(end - CELLS).min(CELLS)]
                .iter_mut()
                .for_each(|x| *x = true);
        }
    }
    m
}

/// A cell as a reader says it: `08:00` for the instant, `08:00-08:01` for what follows it.
fn cell_text(start: usize, end: usize) -> String {
    let clock = |cell: usize| format!("{:02}:{:02}", cell / 2 / 60, cell / 2 % 60);
    if start.is_multiple_of(2) && end == start + 1 {
        format!("{} exactly", clock(start))
    } else {
        format!("{}-{}", clock(start), clock(end))
    }
}

fn window_loosening(
    lender: &WindowDef,
    floor: &WindowDef,
    _calendar: &CalendarDef,
) -> Option<String> {
    for (i, today) in classes().into_iter().enumerate() {
        let day_index = i / 3;
        let prev_weekday = WEEK[(day_index + 6) % 7];
        for prev in classes().into_iter().filter(|c| c.weekday == prev_weekday) {
            let l = window_cells(lender, prev, today);
            let f = window_cells(floor, prev, today);
            if let Some(cell) = (0..CELLS).find(|&m| l[m] && !f[m]) {
                let end = (cell..CELLS).find(|&m| !l[m] || f[m]).unwrap_or(CELLS);
                let kind = if today.holiday {
                    "a holiday"
                } else if today.working {
                    "a working day"
                } else {
                    "a rest day"
                };
                return Some(format!(
                    "it allows {} on {kind} ({:?}), which the floor forbids",
                    cell_text(cell, end),
                    today.weekday
                ));
            }
        }
    }
    None
}
