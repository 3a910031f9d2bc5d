//! The solver: for one candidate, the set of instants at which every rule that applies lets it
//! through, and from that set the verdict at `as_of` (allowed, until when, or from when).
//!
//! Each rule, status and step condition becomes a part; parts fixed for the whole decision are read
//! once at `as_of`, the others become sets of instants over a horizon that widens only when the
//! answer lies beyond it, so the common case stays cheap.

use crate::conditions::Conditions;
use crate::contact::ContactLimits;
use crate::decision::{ActionVerdict, Reason};
use crate::facts::{Facts, Span, Target};
use crate::intervals::IntervalSet;
use crate::pay_days::PayDays;
use crate::policy::{
    CapDef, Condition, PayDayTiming, RestDef, Rule, RuleKind, Selector, StepDef, WindowDef,
};
use crate::time::{Seconds, Zone, DAY};

/// The horizons searched, in days, each only when the answer lies beyond the one before: today's
/// window and tomorrow's cover most verdicts, a fortnight covers weekends, holiday weeks, caps
/// and rests, and the widest sees past a year of holidays and the longest day counts in
/// practice. Beyond it an action counts as never allowed.
const HORIZONS_DAYS: [i64; 3] = [3, 16, 800];
pub(crate) const LONG_HORIZON_DAYS: i64 = HORIZONS_DAYS[2];

/// The rule (or status, or step) a part stands for and its citation, borrowed from the policy:
/// a verdict copies them only when it is written out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleRef<'r> {
    pub rule: &'r str,
    pub cite: &'r str,
}

impl RuleRef<'_> {
    pub fn to_reason(self) -> Reason {
        Reason {
            rule: self.rule.to_string(),
            cite: self.cite.to_string(),
        }
    }
}

impl From<RuleRef<'_>> for Reason {
    fn from(r: RuleRef<'_>) -> Reason {
        r.to_reason()
    }
}

impl From<&RuleRef<'_>> for Reason {
    fn from(r: &RuleRef<'_>) -> Reason {
        r.to_reason()
    }
}

/// One thing that decides a candidate. Each part either is fixed for the whole decision (a flag, a
/// role, a count over the whole history) or changes with time (windows, day counts, promises).
/// Fixed parts are read once at `as_of`; only the changing ones are turned into sets, horizon by
/// horizon.
pub enum Part<'r> {
    Fixed(bool),
    Holds(&'r crate::policy::Condition),
    Lacks(&'r crate::policy::Condition),
    Rule(&'r Rule),
    /// The step's pay-day timing, when required.
    PayDay(&'r crate::policy::PayDayTiming),
    /// A status that blocks while its condition holds, except where its exception holds.
    StatusUnless(&'r crate::policy::Condition, &'r crate::policy::Condition),
}

/// The parts of one candidate, each with the rule (and citation) it stands for.
pub struct Parts<'r> {
    pub list: Vec<(RuleRef<'r>, Part<'r>)>,
    /// The rules that attach an obligation to the candidate rather than block it.
    pub conditions: Vec<RuleRef<'r>>,
    /// Some part blocks for good.
    pub fixed_block: bool,
    /// The first part is the step's own condition, which changes with time.
    pub step_condition_first: bool,
}

/// Where every set lets the candidate through.
pub fn intersection(sets: &[IntervalSet], span: Span) -> IntervalSet {
    let mut combined = IntervalSet::span(span.lo, span.hi);
    for set in sets {
        combined = combined.intersect(set);
        if combined.is_empty() {
            break;
        }
    }
    combined
}

/// Sets of rules that depend on the span only (windows, inconvenient times), kept by whoever
/// decides several candidates over the same spans so that each is computed once: keyed by the
/// rule's position in the policy and the span's end (every span starts at `as_of`).
#[derive(Debug, Default)]
pub struct SpanSets {
    sets: Vec<(usize, Seconds, IntervalSet)>,
}

/// The verdict on one candidate before it is written out.
pub struct Verdict<'r> {
    pub allowed: bool,
    pub until: Option<Seconds>,
    pub next_at: Option<Seconds>,
    pub blocked_by: Vec<RuleRef<'r>>,
    pub conditions: Vec<RuleRef<'r>>,
}

impl Verdict<'_> {
    pub(crate) fn into_output(self, step: &StepDef, target: &Target, zone: Zone) -> ActionVerdict {
        ActionVerdict {
            action: step.action.clone(),
            party: target.party.to_string(),
            channel: target.channel.map(|c| c.id.clone()),
            rule: step.id.clone(),
            allowed: self.allowed,
            allowed_until: self.until.map(|t| zone.render(t)),
            blocked_by: self.blocked_by.into_iter().map(Reason::from).collect(),
            next_allowed_at: self.next_at.map(|t| zone.render(t)),
            conditions: self.conditions.into_iter().map(Reason::from).collect(),
        }
    }
}

/// Decides candidates against the facts of one decision (or one segment of a plan): it reads the
/// conditions, the contact limits and the pay days, each an evaluator over the same facts, and
/// keeps one `ContactLimits` so that what a cap counts over the whole account is read once.
pub(crate) struct Solver<'f> {
    facts: &'f Facts<'f>,
    as_of: Seconds,
    conditions: Conditions<'f>,
    contact: ContactLimits<'f>,
    pay_days: PayDays<'f>,
}

impl<'f> Solver<'f> {
    pub(crate) fn new(conditions: Conditions<'f>) -> Self {
        let facts = conditions.facts();
        Solver {
            facts,
            as_of: facts.as_of,
            conditions,
            contact: ContactLimits::new(facts),
            pay_days: PayDays::new(facts),
        }
    }

    /// The contact limits the solver reads, for what a plan reports of them (a cap's room).
    pub(crate) fn contact(&self) -> &ContactLimits<'f> {
        &self.contact
    }

    // What the solver asks of the other evaluators, under the names the arms over rule kinds
    // and parts read them by.
    fn holds(&self, cond: &Condition, target: &Target, span: Span) -> IntervalSet {
        self.conditions.holds(cond, target, span)
    }

    fn holds_now(&self, cond: &Condition, target: &Target) -> bool {
        self.conditions.holds_now(cond, target)
    }

    fn window(&self, w: &WindowDef, span: Span) -> IntervalSet {
        self.contact.window(w, span)
    }

    fn convenient(&self, span: Span) -> IntervalSet {
        self.contact.convenient(span)
    }

    fn cap(&self, cap: &CapDef, target: &Target, span: Span) -> IntervalSet {
        self.contact.cap(cap, target, span)
    }

    fn rest(&self, rest: &RestDef, target: &Target, span: Span) -> IntervalSet {
        self.contact.rest(rest, target, span)
    }

    fn pay_day_set(&self, timing: &PayDayTiming, span: Span) -> IntervalSet {
        self.pay_days.set(timing, span)
    }

    /// Whether a rule's selector covers a candidate.
    pub fn selects(&self, sel: &Selector, target: &Target) -> bool {
        let Some(action) = target.action else {
            return false;
        };
        crate::policy::compiled::admits(sel, action)
            && (sel.parties.is_empty() || sel.parties.contains(&target.kind))
            && (sel.channels.is_empty()
                || target
                    .channel
                    .is_some_and(|c| sel.channels.contains(&c.kind)))
            && (sel.stages.is_empty() || sel.stages.contains(&self.facts.stage.id))
            && self.of_products(&sel.products)
            && sel.when.as_ref().is_none_or(|w| self.holds_now(w, target))
    }

    /// Whether the account is of one of `products`: an empty list, or a product the policy does
    /// not tell apart (absent, or another label), selects it, so that a rule written for one
    /// product binds every account that may be of it.
    pub fn of_products(&self, products: &[String]) -> bool {
        products.is_empty()
            || match self.facts.case.account.product.as_deref() {
                Some(p)
                    if self
                        .facts
                        .policy
                        .document()
                        .products
                        .iter()
                        .any(|d| d.id == p) =>
                {
                    products.iter().any(|q| q == p)
                }
                _ => true,
            }
    }

    fn rule_set_with(
        &self,
        rule: &Rule,
        target: &Target,
        span: Span,
        shared: &mut SpanSets,
    ) -> IntervalSet {
        let set = self.rule_kind_set(rule, target, span, shared);
        match &rule.unless {
            Some(u) => set.union(&self.holds(u, target, span)),
            None => set,
        }
    }

    /// Where a rule's own kind (window, cap, ...) lets the candidate through, before `unless`.
    fn rule_kind_set(
        &self,
        rule: &Rule,
        target: &Target,
        span: Span,
        shared: &mut SpanSets,
    ) -> IntervalSet {
        // Windows and inconvenient times depend on the span only: computed once per decision
        // and span, shared by every candidate.
        let mut shared_set = |compute: &dyn Fn() -> IntervalSet| {
            if let Some((_, _, set)) = shared
                .sets
                .iter()
                .find(|(i, hi, _)| *i == rule.index && *hi == span.hi)
            {
                return set.clone();
            }
            let set = compute();
            shared.sets.push((rule.index, span.hi, set.clone()));
            set
        };
        match &rule.kind {
            RuleKind::Window(w) => shared_set(&|| self.window(w, span)),
            RuleKind::InconvenientTimes => shared_set(&|| self.convenient(span)),
            RuleKind::Cap(cap) => self.cap(cap, target, span),
            RuleKind::Rest(rest) => self.rest(rest, target, span),
            RuleKind::ForbidWhen(c) => self.holds(c, target, span).complement(span.lo, span.hi),
            RuleKind::Require(c) => self.holds(c, target, span),
            // Blocks nothing: reported with the candidate.
            RuleKind::Obligation(_) => IntervalSet::span(span.lo, span.hi),
        }
    }

    /// The parts that decide a candidate: the step's own condition, the statuses that forbid it and
    /// every rule that selects it. `None` when the step's own condition never holds (the step does
    /// not apply to this account).
    pub(crate) fn parts<'r>(
        &self,
        step: &'r StepDef,
        target: &Target,
        statuses: &[&'r crate::policy::StatusDef],
    ) -> Option<Parts<'r>>
    where
        'f: 'r,
    {
        let policy: &'f crate::policy::Policy = self.facts.policy;
        let action_rules = target
            .action
            .map(|a| policy.rules_for_action(&a.id))
            .into_iter()
            .flatten();
        let rules: Vec<&'f Rule> = action_rules
            .filter(|r| self.selects(&r.applies_to, target))
            .collect();
        let conditions = rules
            .iter()
            .filter(|r| r.kind.obligation().is_some())
            .map(|r| RuleRef {
                rule: &r.id,
                cite: &r.cite,
            })
            .collect();
        let mut list: Vec<(RuleRef<'r>, Part<'r>)> = Vec::new();
        if let Some(w) = &step.when {
            if w.is_time_invariant() {
                if !self.holds_now(w, target) {
                    return None; // the step does not apply to this account
                }
            } else {
                let reason = RuleRef {
                    rule: &step.id,
                    cite: &step.cite,
                };
                list.push((reason, Part::Holds(w)));
            }
        }
        if let Some(t) = step
            .pay_day
            .as_ref()
            .filter(|t| t.mode == crate::policy::PayDayMode::Require)
        {
            let reason = RuleRef {
                rule: &step.id,
                cite: &step.cite,
            };
            list.push((reason, Part::PayDay(t)));
        }
        for st in statuses
            .iter()
            .copied()
            .filter(|s| s.forbid.as_ref().is_some_and(|f| self.selects(f, target)))
        {
            // Statuses are facts of `as_of`; a status that holds blocks for as long as the inputs
            // say it holds, except where its own exception lets the candidate through.
            let part = match &st.unless {
                Some(u) if u.is_time_invariant() && self.holds_now(u, target) => Part::Fixed(true),
                Some(u) if !u.is_time_invariant() => Part::StatusUnless(&st.when, u),
                _ if st.when.is_time_invariant() => Part::Fixed(!self.holds_now(&st.when, target)),
                _ => Part::Lacks(&st.when),
            };
            let reason = RuleRef {
                rule: &st.id,
                cite: &st.cite,
            };
            list.push((reason, part));
        }
        for r in rules
            .iter()
            .copied()
            .filter(|r| r.kind.obligation().is_none())
        {
            let part = match &r.unless {
                Some(u) if u.is_time_invariant() && self.holds_now(u, target) => Part::Fixed(true),
                Some(u) if !u.is_time_invariant() => Part::Rule(r),
                Some(_) | None => match &r.kind {
                    RuleKind::ForbidWhen(c) if c.is_time_invariant() => {
                        Part::Fixed(!self.holds_now(c, target))
                    }
                    RuleKind::Require(c) if c.is_time_invariant() => {
                        Part::Fixed(self.holds_now(c, target))
                    }
                    RuleKind::Cap(cap) if self.cap_is_fixed(cap, target) => {
                        let now = Span {
                            lo: self.as_of,
                            hi: self.as_of + 1,
                        };
                        Part::Fixed(self.cap(cap, target, now).contains(self.as_of))
                    }
                    RuleKind::Window(_)
                    | RuleKind::InconvenientTimes
                    | RuleKind::Cap(_)
                    | RuleKind::Rest(_)
                    | RuleKind::ForbidWhen(_)
                    | RuleKind::Require(_)
                    | RuleKind::Obligation(_) => Part::Rule(r),
                },
            };
            let reason = RuleRef {
                rule: &r.id,
                cite: &r.cite,
            };
            list.push((reason, part));
        }
        let fixed_block = list.iter().any(|(_, p)| matches!(p, Part::Fixed(false)));
        if let (true, Some(w)) = (fixed_block, &step.when) {
            // Blocked for good, but is it a candidate at all? Only if its step ever applies.
            let reach = Span {
                lo: self.as_of,
                hi: self.as_of + LONG_HORIZON_DAYS * DAY,
            };
            if !w.is_time_invariant() && self.holds(w, target, reach).is_empty() {
                return None;
            }
        }
        Some(Parts {
            list,
            conditions,
            fixed_block,
            step_condition_first: step.when.as_ref().is_some_and(|w| !w.is_time_invariant()),
        })
    }

    /// Where each part lets the candidate through over `span`, in the order of the parts, reusing
    /// (and adding to) the span-only sets of earlier candidates.
    pub fn part_sets_with(
        &self,
        parts: &Parts,
        target: &Target,
        span: Span,
        shared: &mut SpanSets,
    ) -> Vec<IntervalSet> {
        let all = || IntervalSet::span(span.lo, span.hi);
        parts
            .list
            .iter()
            .map(|(_, p)| match p {
                Part::Fixed(true) => all(),
                Part::Fixed(false) => IntervalSet::empty(),
                Part::Holds(c) => self.holds(c, target, span),
                Part::Lacks(c) => self.holds(c, target, span).complement(span.lo, span.hi),
                Part::Rule(r) => self.rule_set_with(r, target, span, shared),
                Part::PayDay(t) => self.pay_day_set(t, span),
                Part::StatusUnless(when, unless) => self
                    .holds(when, target, span)
                    .complement(span.lo, span.hi)
                    .union(&self.holds(unless, target, span)),
            })
            .collect()
    }

    /// Evaluates a candidate: `None` when the step's own condition never holds within the
    /// horizon (the step does not apply to this account). Span-only sets are shared with the
    /// other candidates of the decision.
    pub(crate) fn verdict_with<'r>(
        &self,
        step: &'r StepDef,
        target: &Target,
        statuses: &[&'r crate::policy::StatusDef],
        shared: &mut SpanSets,
    ) -> Option<Verdict<'r>>
    where
        'f: 'r,
    {
        let parts = self.parts(step, target, statuses)?;
        let mut result = None;
        for days in HORIZONS_DAYS {
            // A fixed prohibition never lifts: one short look settles which rules block now.
            let days = if parts.fixed_block { 1 } else { days };
            let span = Span {
                lo: self.as_of,
                hi: self.as_of + days * DAY,
            };
            let sets = self.part_sets_with(&parts, target, span, shared);
            if days == LONG_HORIZON_DAYS && parts.step_condition_first && sets[0].is_empty() {
                return None; // the step's condition never holds within reach
            }
            let combined = intersection(&sets, span);
            let blocked_by: Vec<RuleRef> = parts
                .list
                .iter()
                .zip(&sets)
                .filter(|(_, set)| !set.contains(self.as_of))
                .map(|((r, _), _)| *r)
                .collect();
            let now = combined.containing(self.as_of);
            let varying = parts.list.iter().any(|(_, p)| !matches!(p, Part::Fixed(_)));
            let reaches_end = |end: Seconds| end >= span.hi;
            let done = parts.fixed_block
                || !varying
                || match now {
                    Some((_, end)) => !reaches_end(end),
                    None => combined.first_at_or_after(self.as_of).is_some(),
                };
            result = Some(Verdict {
                allowed: now.is_some(),
                until: now.map(|(_, end)| end).filter(|&e| !reaches_end(e)),
                next_at: if now.is_some() {
                    None
                } else {
                    combined.first_at_or_after(self.as_of)
                },
                blocked_by,
                conditions: Vec::new(),
            });
            if done {
                break;
            }
        }
        let conditions = parts.conditions;
        result.map(|v| Verdict { conditions, ..v })
    }

    /// Whether a cap's verdict cannot change with time: it counts the whole history, and no
    /// consent can lift it.
    fn cap_is_fixed(&self, cap: &crate::policy::CapDef, target: &Target) -> bool {
        cap.period == crate::policy::Period::Ever
            && (!cap
                .exclude
                .contains(&crate::policy::Exclusion::UnderConsent)
                || self
                    .facts
                    .history
                    .consent_spans_for(
                        target.party,
                        target.channel.map(|c| c.id.as_str()),
                        crate::case::ConsentLimit::Frequency,
                    )
                    .next()
                    .is_none())
    }
}
