//! The decision: `decide(policy, case) -> decision`, pure and deterministic (SPEC §2).
//!
//! The engine gathers the facts of the case once ([`Facts`]), places the account in a stage,
//! applies the status overrides, expands the strategy into candidates (action × party × channel),
//! and for each candidate intersects the time sets of every rule that applies to it. What holds
//! at `as_of` is allowed; the first instant of the intersection after `as_of` is when a blocked
//! candidate becomes allowed. The search starts over a short horizon and widens only when the
//! answer lies beyond it, so the common case stays cheap.

use crate::calendar::Calendar;
use crate::case::{Case, Channel, Contact, BORROWER};
use crate::decision::*;
use crate::delinquency::{Ledger, Standing};
use crate::error::{Error, ErrorCode};
use crate::history::History;
use crate::intervals::IntervalSet;
use crate::policy::{ActionDef, PartyKind, Policy, RuleDef, Selector, StageDef, StepDef};
use crate::promises::PromiseState;
use crate::time::{Seconds, Zone, DAY};

/// The horizons searched, in days, each only when the answer lies beyond the one before: today's
/// window and tomorrow's cover most verdicts, a fortnight covers weekends, holiday weeks, caps
/// and rests, and the widest sees past a year of holidays and the longest day counts in
/// practice. Beyond it an action counts as never allowed.
const HORIZONS_DAYS: [i64; 3] = [3, 16, 800];
const LONG_HORIZON_DAYS: i64 = HORIZONS_DAYS[2];

/// A span of instants `[lo, hi)` under evaluation; `lo` is always `as_of`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub lo: Seconds,
    pub hi: Seconds,
}

impl Span {
    /// Whole days the span covers in a zone, for day-by-day searches.
    pub fn days_in(self, zone: Zone) -> i64 {
        zone.date_of(self.hi).days_since(zone.date_of(self.lo)) + 1
    }
}

/// Who and what a rule is being evaluated for.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    /// `borrower` or a contact id.
    pub party: &'a str,
    pub kind: PartyKind,
    pub contact: Option<&'a Contact>,
    pub channel: Option<&'a Channel>,
    pub action: Option<&'a ActionDef>,
}

impl Target<'_> {
    /// The medium the candidate communicates through: the action's own, else the one its channel
    /// kind implies (a phone number carries calls and texts alike, so it implies none).
    pub fn medium(&self) -> Option<crate::case::Medium> {
        use crate::case::{ChannelKind, Medium};
        self.action.and_then(|a| a.medium).or_else(|| {
            self.channel.and_then(|c| match c.kind {
                ChannelKind::Email => Some(Medium::Email),
                ChannelKind::Postal => Some(Medium::Postal),
                ChannelKind::Sms => Some(Medium::Text),
                ChannelKind::Mobile | ChannelKind::HomePhone | ChannelKind::WorkPhone => None,
            })
        })
    }
}

/// Everything about the case the rules ask about, computed once per decision.
pub struct Facts<'a> {
    pub case: &'a Case,
    pub policy: &'a Policy,
    pub calendar: &'a Calendar,
    pub as_of: Seconds,
    pub book: Zone,
    /// The borrower's zones (the book zone when none are given); windows hold in all of them.
    pub zones: Vec<Zone>,
    /// The first of them: local days for caps and rests, and the zone of output instants.
    pub primary: Zone,
    pub ledger: Ledger,
    pub standing: Standing,
    pub stage: &'a StageDef,
    pub risk_grade: crate::case::RiskGrade,
    pub history: History<'a>,
    pub promises: Vec<PromiseState>,
    /// Every obligation of the policy that applies, open or satisfied.
    pub obligations: Vec<crate::obligations::ObligationState<'a>>,
    /// Window and inconvenient-time sets, which depend on the span only, not on the candidate:
    /// computed once per decision and span, keyed by the rule's address.
    span_sets: std::cell::RefCell<Vec<(usize, Seconds, IntervalSet)>>,
}

/// A policy ready to decide cases: one version, or several with the dates they take effect.
#[derive(Debug, Clone)]
pub struct Engine {
    /// Sorted by `effective_from`; a version without one is in force from the beginning.
    versions: Vec<Policy>,
}

impl Engine {
    pub fn new(policy: Policy) -> Engine {
        Engine {
            versions: vec![policy],
        }
    }

    /// An engine over several versions of a policy, each in force from its `effective_from`.
    pub fn with_versions(mut versions: Vec<Policy>) -> Result<Engine, Error> {
        if versions.is_empty() {
            return Err(Error::new(
                ErrorCode::PolicyInvalid,
                "versions",
                "at least one version is needed",
            ));
        }
        versions.sort_by_key(|p| p.document().effective_from);
        for (i, w) in versions.windows(2).enumerate() {
            let (a, b) = (
                w[0].document().effective_from,
                w[1].document().effective_from,
            );
            if b.is_none() || a == b {
                return Err(Error::new(
                    ErrorCode::PolicyInvalid,
                    format!("versions[{}].effective_from", i + 1),
                    "every version but the first needs its own effective_from date",
                ));
            }
        }
        Ok(Engine { versions })
    }

    /// An engine from a pack id, a policy document's JSON text, or `{"versions": [...]}`.
    pub fn from_reference(reference: &str) -> Result<Engine, Error> {
        Engine::from_reference_with(reference, &crate::policy::builtin_source)
    }

    /// [`Engine::from_reference`] with a resolver for the `extends` of lender documents.
    pub fn from_reference_with(
        reference: &str,
        resolve: &dyn Fn(&str) -> Result<String, Error>,
    ) -> Result<Engine, Error> {
        if !reference.trim_start().starts_with('{') {
            return Policy::builtin(reference.trim()).map(Engine::new);
        }
        let probe: serde_json::Value = serde_json::from_str(reference).unwrap_or_default();
        match probe.get("versions").and_then(|v| v.as_array()) {
            None => Policy::from_json_with(reference, resolve).map(Engine::new),
            Some(list) => {
                if probe.as_object().is_some_and(|o| o.len() > 1) {
                    return Err(Error::new(
                        ErrorCode::PolicyInvalid,
                        "",
                        "a versioned policy holds only \"versions\"",
                    ));
                }
                let mut versions = Vec::with_capacity(list.len());
                for (i, v) in list.iter().enumerate() {
                    let p = Policy::from_json_with(&v.to_string(), resolve).map_err(|mut e| {
                        e.path = crate::error::join_path(&format!("versions[{i}]"), &e.path);
                        e
                    })?;
                    versions.push(p);
                }
                Engine::with_versions(versions)
            }
        }
    }

    /// The newest version.
    pub fn policy(&self) -> &Policy {
        &self.versions[self.versions.len() - 1]
    }

    pub fn versions(&self) -> &[Policy] {
        &self.versions
    }

    /// The version in force on a business date, if any.
    pub fn policy_at(&self, date: crate::time::Date) -> Option<&Policy> {
        self.versions
            .iter()
            .rev()
            .find(|p| p.document().effective_from.is_none_or(|from| from <= date))
    }

    /// Decides a case given as JSON text; the error is the contract's error object.
    pub fn decide_json(&self, case_json: &str) -> Result<String, Error> {
        let case = Case::from_json(case_json)?;
        self.try_decide(&case).map(|d| d.to_json())
    }

    /// Decides a case under the version in force at its business date; a case dated before
    /// every version is an error.
    pub fn try_decide(&self, case: &Case) -> Result<Decision, Error> {
        let date = case.account.book_time_zone.date_of(case.as_of.seconds());
        match self.policy_at(date) {
            Some(p) => Ok(self.decide_with(p, case)),
            None => Err(Error::new(
                ErrorCode::OutOfRange,
                "as_of",
                format!(
                    "no version of policy {:?} is in force on {date}; the earliest takes effect on {}",
                    self.versions[0].id(),
                    self.versions[0].document().effective_from.map(|d| d.to_string()).unwrap_or_default()
                ),
            )),
        }
    }

    /// Decides a parsed, validated case under the version in force at its business date (the
    /// earliest version answers cases dated before every version; [`Engine::try_decide`] refuses
    /// them instead).
    pub fn decide(&self, case: &Case) -> Decision {
        let date = case.account.book_time_zone.date_of(case.as_of.seconds());
        let policy = self.policy_at(date).unwrap_or(&self.versions[0]);
        self.decide_with(policy, case)
    }

    fn decide_with(&self, policy: &Policy, case: &Case) -> Decision {
        let doc = policy.document();
        let as_of = case.as_of.seconds();
        let (facts, mut trace) = Facts::new(case, policy);
        let (stage, primary, risk_grade) = (facts.stage, facts.primary, facts.risk_grade);

        let borrower = facts.borrower_target();
        let statuses: Vec<_> = doc
            .statuses
            .iter()
            .filter(|s| facts.holds_now(&s.when, &borrower))
            .collect();
        for s in &statuses {
            trace.push(TraceEntry {
                rule: s.id.clone(),
                effect: format!("status={}", s.state),
                cite: s.cite.clone(),
            });
        }
        let status = Status {
            state: statuses
                .first()
                .map_or_else(|| "active".to_string(), |s| s.state.clone()),
            reasons: statuses
                .iter()
                .map(|s| Reason {
                    rule: s.id.clone(),
                    cite: s.cite.clone(),
                })
                .collect(),
        };
        let queue = crate::escalation::queue(&facts, &statuses, &mut trace);

        // A status's own route (the estate, the attorney) comes before the stage's ladder: while
        // the status holds, that route is the strategy.
        let steps = statuses.iter().flat_map(|s| s.steps.iter()).chain(
            doc.strategy
                .iter()
                .filter(|s| s.stages.is_empty() || s.stages.contains(&stage.id)),
        );
        let mut actions: Vec<ActionVerdict> = Vec::new();
        let mut next: Option<(Seconds, usize)> = None;
        for step in steps {
            for target in facts.candidates(step) {
                if actions.iter().any(|a| {
                    a.action == step.action
                        && a.party == target.party
                        && a.channel.as_deref() == target.channel.map(|c| c.id.as_str())
                }) {
                    continue;
                }
                let Some(verdict) = facts.verdict(step, &target, &statuses) else {
                    continue;
                };
                let at = if verdict.allowed {
                    Some(as_of)
                } else {
                    verdict.next_at
                };
                if let Some(at) = at {
                    if next.is_none_or(|(t, _)| at < t) {
                        next = Some((at, actions.len()));
                    }
                }
                actions.push(verdict.into_output(step, &target, primary));
            }
        }
        let next_action = next.map(|(at, i)| {
            let a = &actions[i];
            NextAction {
                action: a.action.clone(),
                party: a.party.clone(),
                channel: a.channel.clone(),
                at: if at == as_of {
                    case.as_of.to_string()
                } else {
                    primary.render(at)
                },
                rule: a.rule.clone(),
            }
        });
        if let Some(n) = &next_action {
            trace.push(TraceEntry {
                rule: n.rule.clone(),
                effect: format!(
                    "next_action={} {}{} at {}",
                    n.action,
                    n.party,
                    n.channel
                        .as_deref()
                        .map(|c| format!(" via {c}"))
                        .unwrap_or_default(),
                    n.at
                ),
                cite: doc
                    .strategy
                    .iter()
                    .chain(doc.statuses.iter().flat_map(|s| s.steps.iter()))
                    .find(|s| s.id == n.rule)
                    .map(|s| s.cite.clone())
                    .unwrap_or_default(),
            });
        }
        let disclosures = crate::disclosure::disclosures(&facts);
        let obligations = crate::obligations::report(&facts);
        let warnings = calendar_warnings(policy, &facts, &actions, &obligations);

        Decision {
            account_id: case.account.id.clone(),
            as_of: case.as_of.to_string(),
            policy: PolicyRef {
                id: policy.id().to_string(),
                version: policy.version().to_string(),
                digest: policy.digest().to_string(),
                effective_from: doc.effective_from,
            },
            delinquency: Delinquency {
                business_date: facts.standing.business_date,
                days_past_due: facts.standing.days_past_due,
                overdue_since: facts.standing.overdue_since,
                overdue_amount: facts.standing.overdue_amount,
                currency: case.account.currency.clone(),
                risk_grade,
                stage: StageRef {
                    id: stage.id.clone(),
                    label: stage.label.clone(),
                },
            },
            status,
            queue,
            actions,
            next_action,
            disclosures,
            obligations,
            warnings,
            trace,
        }
    }
}

/// `calendar_not_covered` when the policy's calendar declares the years it covers and the
/// business date, or a date an instant of the decision falls on, lies outside them: the days of
/// an unknown year are not silently taken for ordinary working days.
fn calendar_warnings(
    policy: &Policy,
    facts: &Facts,
    actions: &[ActionVerdict],
    obligations: &[crate::decision::ObligationOutput],
) -> Vec<Warning> {
    let years = &policy.document().calendar.years;
    if years.is_empty() {
        return Vec::new();
    }
    let mut dates = vec![
        facts.standing.business_date,
        facts.primary.date_of(facts.as_of),
    ];
    let instants = actions
        .iter()
        .flat_map(|a| [a.allowed_until.as_deref(), a.next_allowed_at.as_deref()])
        .chain(obligations.iter().map(|o| Some(o.due_by.as_str())))
        .flatten();
    for text in instants {
        if let Ok(i) = text.parse::<crate::time::Instant>() {
            dates.push(facts.primary.date_of(i.seconds()));
        }
    }
    let mut outside: Vec<i32> = dates
        .iter()
        .map(|d| chrono::Datelike::year(&d.0))
        .filter(|y| !years.contains(y))
        .collect();
    outside.sort_unstable();
    outside.dedup();
    if outside.is_empty() {
        return Vec::new();
    }
    let list = |v: &[i32]| v.iter().map(i32::to_string).collect::<Vec<_>>().join(", ");
    vec![Warning {
        code: "calendar_not_covered".to_string(),
        message: format!(
            "the policy's holiday calendar covers {} only; the decision depends on dates in {}, whose holidays and make-up working days it does not know",
            list(years),
            list(&outside)
        ),
    }]
}

/// The verdict on one candidate before it is written out.
pub struct Verdict {
    pub allowed: bool,
    pub until: Option<Seconds>,
    pub next_at: Option<Seconds>,
    pub blocked_by: Vec<Reason>,
    pub conditions: Vec<Reason>,
}

impl Verdict {
    fn into_output(self, step: &StepDef, target: &Target, zone: Zone) -> ActionVerdict {
        ActionVerdict {
            action: step.action.clone(),
            party: target.party.to_string(),
            channel: target.channel.map(|c| c.id.clone()),
            rule: step.id.clone(),
            allowed: self.allowed,
            allowed_until: self.until.map(|t| zone.render(t)),
            blocked_by: self.blocked_by,
            next_allowed_at: self.next_at.map(|t| zone.render(t)),
            conditions: self.conditions,
        }
    }
}

impl<'a> Facts<'a> {
    /// Gathers the facts of a case under a policy, with the trace of how they were found.
    pub fn new(case: &'a Case, policy: &'a Policy) -> (Facts<'a>, Vec<TraceEntry>) {
        let doc = policy.document();
        let as_of = case.as_of.seconds();
        let book = case.account.book_time_zone;
        let zones = case.borrower_zones();
        let primary = zones[0];
        let ledger = Ledger::new(case, policy);
        let standing = ledger.standing(book.date_of(as_of));
        let mut trace = Vec::new();

        let stage = crate::stages::stage_of(policy, &ledger, &standing);
        trace.push(TraceEntry {
            rule: stage.rule.clone(),
            effect: format!(
                "stage={} (days_past_due={})",
                stage.id, standing.days_past_due
            ),
            cite: stage.cite.clone(),
        });
        let risk_grade = match case.borrower.risk_grade {
            Some(g) => g,
            None => {
                let g =
                    ledger.risk_grade(standing.business_date, doc.delinquency.risk_lookback_months);
                trace.push(TraceEntry {
                    rule: "delinquency.risk_grade".to_string(),
                    effect: format!(
                        "risk_grade={g:?} (computed from installments due in the last {} months)",
                        doc.delinquency.risk_lookback_months
                    ),
                    cite: doc.delinquency.cite.clone(),
                });
                g
            }
        };
        let history = History::new(case, policy, primary);
        let promises = crate::promises::promises(case, policy, &history, primary);
        for p in promises.iter().filter(|p| !p.honoured) {
            trace.push(TraceEntry {
                rule: "contact.promises".to_string(),
                effect: format!(
                    "promise made {} for {} not honoured: its date is more than {} days ahead",
                    primary.render(p.made_at),
                    p.date,
                    doc.contact.promises.horizon_days
                ),
                cite: doc.contact.promises.cite.clone(),
            });
        }
        let mut facts = Facts {
            case,
            policy,
            calendar: policy.calendar(),
            as_of,
            book,
            zones,
            primary,
            ledger,
            standing,
            stage,
            risk_grade,
            history,
            promises,
            obligations: Vec::new(),
            span_sets: std::cell::RefCell::new(Vec::new()),
        };
        facts.obligations = crate::obligations::obligations(&facts);
        (facts, trace)
    }

    pub fn borrower_target(&self) -> Target<'a> {
        Target {
            party: BORROWER,
            kind: PartyKind::Borrower,
            contact: None,
            channel: None,
            action: None,
        }
    }

    /// The candidates a step names: each party of its kinds, on each of its channels of the
    /// step's kinds (in the step's kind order, then channel id), or once without a channel for
    /// actions that use none.
    pub fn candidates(&self, step: &StepDef) -> Vec<Target<'a>> {
        let case = self.case;
        let Some(action) = self.policy.action(&step.action) else {
            return Vec::new();
        };
        let kinds = if step.channels.is_empty() {
            &action.channels
        } else {
            &step.channels
        };
        let mut parties: Vec<(&'a str, PartyKind, Option<&'a Contact>, &'a [Channel])> = Vec::new();
        for kind in &step.parties {
            if *kind == PartyKind::Borrower {
                parties.push((BORROWER, PartyKind::Borrower, None, &case.borrower.channels));
            } else {
                let mut contacts: Vec<&Contact> = case
                    .contacts
                    .iter()
                    .filter(|c| PartyKind::of_role(c.role) == *kind)
                    .collect();
                contacts.sort_by(|a, b| a.id.cmp(&b.id));
                for c in contacts {
                    parties.push((&c.id, *kind, Some(c), &c.channels));
                }
            }
        }
        let mut out = Vec::new();
        for (party, kind, contact, channels) in parties {
            let base = Target {
                party,
                kind,
                contact,
                channel: None,
                action: Some(action),
            };
            if action.channels.is_empty() {
                out.push(base);
                continue;
            }
            for k in kinds {
                let mut of_kind: Vec<&Channel> = channels.iter().filter(|c| c.kind == *k).collect();
                of_kind.sort_by(|a, b| a.id.cmp(&b.id));
                for ch in of_kind {
                    out.push(Target {
                        channel: Some(ch),
                        ..base
                    });
                }
            }
        }
        out
    }

    /// Whether a rule's selector covers a candidate.
    pub fn selects(&self, sel: &Selector, target: &Target) -> bool {
        let Some(action) = target.action else {
            return false;
        };
        (sel.actions.is_empty() || sel.actions.contains(&action.id))
            && (sel.tags.is_empty() || sel.tags.iter().any(|t| action.tags.contains(t)))
            && (sel.parties.is_empty() || sel.parties.contains(&target.kind))
            && (sel.channels.is_empty()
                || target
                    .channel
                    .is_some_and(|c| sel.channels.contains(&c.kind)))
            && (sel.stages.is_empty() || sel.stages.contains(&self.stage.id))
            && sel.when.as_ref().is_none_or(|w| self.holds_now(w, target))
    }

    /// Where one rule lets the candidate through.
    pub fn rule_set(&self, rule: &RuleDef, target: &Target, span: Span) -> IntervalSet {
        let set = self.rule_kind_set(rule, target, span);
        match &rule.unless {
            Some(u) => set.union(&self.holds(u, target, span)),
            None => set,
        }
    }

    /// Where a rule's own kind (window, cap, ...) lets the candidate through, before `unless`.
    fn rule_kind_set(&self, rule: &RuleDef, target: &Target, span: Span) -> IntervalSet {
        let all = || IntervalSet::span(span.lo, span.hi);
        if rule.window.is_some() || rule.inconvenient_times.is_some() {
            let key = std::ptr::from_ref(rule) as usize;
            if let Some((_, _, set)) = self
                .span_sets
                .borrow()
                .iter()
                .find(|(k, hi, _)| *k == key && *hi == span.hi)
            {
                return set.clone();
            }
            let set = match &rule.window {
                Some(w) => self.window(w, span),
                None => self.convenient(span),
            };
            self.span_sets
                .borrow_mut()
                .push((key, span.hi, set.clone()));
            set
        } else if let Some(cap) = &rule.cap {
            self.cap(cap, target, span)
        } else if let Some(rest) = &rule.rest {
            self.rest(rest, target, span)
        } else if let Some(c) = &rule.forbid_when {
            self.holds(c, target, span).complement(span.lo, span.hi)
        } else if let Some(c) = &rule.require {
            self.holds(c, target, span)
        } else {
            all()
        }
    }

    /// Evaluates a candidate: `None` when the step's own condition never holds within the
    /// horizon (the step does not apply to this account).
    pub fn verdict(
        &self,
        step: &StepDef,
        target: &Target,
        statuses: &[&crate::policy::StatusDef],
    ) -> Option<Verdict> {
        let rules: Vec<&RuleDef> = self
            .policy
            .document()
            .rules
            .iter()
            .filter(|r| self.selects(&r.applies_to, target))
            .collect();
        let forbidding: Vec<&crate::policy::StatusDef> = statuses
            .iter()
            .copied()
            .filter(|s| s.forbid.as_ref().is_some_and(|f| self.selects(f, target)))
            .collect();
        let conditions = rules
            .iter()
            .filter(|r| r.obligation.is_some())
            .map(|r| Reason {
                rule: r.id.clone(),
                cite: r.cite.clone(),
            })
            .collect();

        // Each part either is fixed for the whole decision (a flag, a role, a count over the
        // whole history) or changes with time (windows, day counts, promises). Fixed parts are
        // read once at `as_of`; only the changing ones are turned into sets, horizon by horizon.
        enum Part<'r> {
            Fixed(bool),
            Holds(&'r crate::policy::Condition),
            Lacks(&'r crate::policy::Condition),
            Rule(&'r RuleDef),
        }
        let reason = |rule: &str, cite: &str| Reason {
            rule: rule.to_string(),
            cite: cite.to_string(),
        };
        let mut parts: Vec<(Reason, Part)> = Vec::new();
        if let Some(w) = &step.when {
            if w.is_time_invariant() {
                if !self.holds_now(w, target) {
                    return None; // the step does not apply to this account
                }
            } else {
                parts.push((reason(&step.id, &step.cite), Part::Holds(w)));
            }
        }
        for st in &forbidding {
            // Statuses are facts of `as_of`; a status that holds blocks for as long as the inputs
            // say it holds.
            let part = if st.when.is_time_invariant() {
                Part::Fixed(!self.holds_now(&st.when, target))
            } else {
                Part::Lacks(&st.when)
            };
            parts.push((reason(&st.id, &st.cite), part));
        }
        for r in rules.iter().filter(|r| r.obligation.is_none()) {
            let part = match (&r.forbid_when, &r.require, &r.cap) {
                _ if r
                    .unless
                    .as_ref()
                    .is_some_and(|u| u.is_time_invariant() && self.holds_now(u, target)) =>
                {
                    Part::Fixed(true)
                }
                _ if r.unless.as_ref().is_some_and(|u| !u.is_time_invariant()) => Part::Rule(r),
                (Some(c), _, _) if c.is_time_invariant() => Part::Fixed(!self.holds_now(c, target)),
                (_, Some(c), _) if c.is_time_invariant() => Part::Fixed(self.holds_now(c, target)),
                (_, _, Some(cap)) if self.cap_is_fixed(cap, target) => {
                    let now = Span {
                        lo: self.as_of,
                        hi: self.as_of + 1,
                    };
                    Part::Fixed(self.cap(cap, target, now).contains(self.as_of))
                }
                _ => Part::Rule(r),
            };
            parts.push((reason(&r.id, &r.cite), part));
        }
        let fixed_block = parts.iter().any(|(_, p)| matches!(p, Part::Fixed(false)));
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

        let mut result = None;
        for days in HORIZONS_DAYS {
            // A fixed prohibition never lifts: one short look settles which rules block now.
            let days = if fixed_block { 1 } else { days };
            let span = Span {
                lo: self.as_of,
                hi: self.as_of + days * DAY,
            };
            let all = || IntervalSet::span(span.lo, span.hi);
            let sets: Vec<IntervalSet> = parts
                .iter()
                .map(|(_, p)| match p {
                    Part::Fixed(true) => all(),
                    Part::Fixed(false) => IntervalSet::empty(),
                    Part::Holds(c) => self.holds(c, target, span),
                    Part::Lacks(c) => self.holds(c, target, span).complement(span.lo, span.hi),
                    Part::Rule(r) => self.rule_set(r, target, span),
                })
                .collect();
            if days == LONG_HORIZON_DAYS {
                if let Some(i) = parts.iter().position(|(_, p)| matches!(p, Part::Holds(_))) {
                    if i == 0 && sets[0].is_empty() && step.when.is_some() {
                        return None; // the step's condition never holds within reach
                    }
                }
            }
            let mut combined = all();
            for set in &sets {
                combined = combined.intersect(set);
                if combined.is_empty() {
                    break;
                }
            }
            let blocked_by: Vec<Reason> = parts
                .iter()
                .zip(&sets)
                .filter(|(_, set)| !set.contains(self.as_of))
                .map(|((r, _), _)| r.clone())
                .collect();
            let now = combined.containing(self.as_of);
            let varying = parts.iter().any(|(_, p)| !matches!(p, Part::Fixed(_)));
            let reaches_end = |end: Seconds| end >= span.hi;
            let done = fixed_block
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
                conditions: Vec::clone(&conditions),
            });
            if done {
                break;
            }
        }
        result
    }

    /// Whether a cap's verdict cannot change with time: it counts the whole history, and no
    /// consent can lift it.
    fn cap_is_fixed(&self, cap: &crate::policy::CapDef, target: &Target) -> bool {
        cap.period == crate::policy::Period::Ever
            && (!cap
                .exclude
                .contains(&crate::policy::Exclusion::UnderConsent)
                || self
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
