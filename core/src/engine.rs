//! The decision: `decide(policy, case) -> decision`, pure and deterministic.
//!
//! The engine gathers the facts of the case once ([`Facts`]), places the account in a stage,
//! applies the status overrides, expands the strategy into candidates (action × party × channel),
//! and for each candidate intersects the time sets of every rule that applies to it. What holds
//! at `as_of` is allowed; the first instant of the intersection after `as_of` is when a blocked
//! candidate becomes allowed. The search starts over a short horizon and widens only when the
//! answer lies beyond it, so the common case stays cheap.

use crate::candidates;
use crate::case::{Case, Components};
use crate::conditions::Conditions;
use crate::decision::*;
use crate::error::{Error, ErrorCode};
use crate::facts::Facts;
use crate::obligations::Obligations;
use crate::pay_days::PayDays;
use crate::policy::{packs, Policy};
use crate::solver::Solver;
use crate::time::Seconds;
use std::collections::BTreeSet;

/// What a policy reference names, told apart by its structure.
pub(crate) enum Reference<'a> {
    /// A built-in pack's id.
    Pack(&'a str),
    /// One policy document (or text that is not a JSON object at all, whose error the policy
    /// parser reports with its position).
    Document(&'a str),
    /// A JSON object with a top-level `"versions"` field: dated versions of one policy. Holds
    /// every top-level field, so that others can be refused.
    Versions(std::collections::BTreeMap<String, &'a serde_json::value::RawValue>),
}

impl<'a> Reference<'a> {
    pub(crate) fn of(reference: &'a str) -> Reference<'a> {
        if !reference.trim_start().starts_with('{') {
            return Reference::Pack(reference.trim());
        }
        type Fields<'t> = std::collections::BTreeMap<String, &'t serde_json::value::RawValue>;
        match serde_json::from_str::<Fields>(reference) {
            Ok(fields) if fields.contains_key("versions") => Reference::Versions(fields),
            _ => Reference::Document(reference),
        }
    }
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
        crate::order::sort_by_key(&mut versions, |p| p.document().effective_from);
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

    /// [`Engine::from_reference`] with a resolver for the `extends` of lender documents, which
    /// also gives a built-in pack's text when this build does not hold it (`embedded-packs`).
    pub fn from_reference_with(
        reference: &str,
        resolve: &dyn Fn(&str) -> Result<String, Error>,
    ) -> Result<Engine, Error> {
        match Reference::of(reference) {
            // A build without the packs' text asks the host for it, as it does for `extends`.
            Reference::Pack(id) if packs::source(id).is_none() && packs::is_builtin(id) => {
                Policy::from_json_with(&resolve(id)?, resolve).map(Engine::new)
            }
            Reference::Pack(id) => Policy::builtin(id).map(Engine::new),
            Reference::Document(text) => Policy::from_json_with(text, resolve).map(Engine::new),
            Reference::Versions(fields) => {
                if fields.len() > 1 {
                    return Err(Error::new(
                        ErrorCode::PolicyInvalid,
                        "",
                        "a versioned policy holds only \"versions\"",
                    ));
                }
                let list: Vec<&serde_json::value::RawValue> =
                    serde_json::from_str(fields["versions"].get()).map_err(|e| {
                        Error::new(
                            ErrorCode::PolicyInvalid,
                            "versions",
                            format!("\"versions\" is a list of policy documents: {e}"),
                        )
                    })?;
                let mut versions = Vec::with_capacity(list.len());
                for (i, v) in list.iter().enumerate() {
                    let p = Policy::from_json_with(v.get(), resolve).map_err(|mut e| {
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
        self.decide(&case)?.to_json()
    }

    /// [`Engine::decide_json`], the decision's text appended to `out` (nothing on an error).
    pub(crate) fn decide_json_into(&self, case_json: &str, out: &mut Vec<u8>) -> Result<(), Error> {
        let case = Case::from_json(case_json)?;
        self.decide(&case)?.write_json(out)
    }

    /// Decides a parsed, validated case under the version in force at its business date; a case
    /// dated before every version is an error, never decided under the earliest.
    pub fn decide(&self, case: &Case) -> Result<Decision, Error> {
        let policy = self.version_at(case, case.as_of.seconds())?;
        self.decide_with(policy, case)
    }

    /// The version in force on the business date of an instant of the case (`as_of` or later).
    pub(crate) fn version_at(&self, case: &Case, at: Seconds) -> Result<&Policy, Error> {
        let date = case.account.book_time_zone.date_of(at);
        self.policy_at(date).ok_or_else(|| {
            let earliest = &self.versions[0];
            Error::new(
                ErrorCode::OutOfRange,
                "as_of",
                format!(
                    "no version of policy {:?} is in force on {date}; the earliest takes effect on {}",
                    earliest.id(),
                    earliest
                        .document()
                        .effective_from
                        .map_or_else(|| "its first day".to_string(), |d| d.to_string())
                ),
            )
        })
    }

    fn decide_with(&self, policy: &Policy, case: &Case) -> Result<Decision, Error> {
        let doc = policy.document();
        let as_of = case.as_of.seconds();
        let (facts, mut trace) = Facts::new(case, policy);
        let (stage, primary, risk_grade) = (facts.stage, facts.primary, facts.risk_grade);
        let obligation_states = Obligations::new(&facts).states();
        let conditions = Conditions::new(&facts, &obligation_states);

        let statuses = conditions.statuses();
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
        let queue = crate::escalation::queue(&conditions, &statuses, &mut trace);

        let steps = candidates::of_strategy(&facts, &statuses);
        candidates::within_limit(&steps)?;
        let solver = Solver::new(conditions);
        let pay_days = PayDays::new(&facts);
        let mut ranking = candidates::Ranking::new(&doc.call_order);
        let mut actions: Vec<ActionVerdict> = Vec::new();
        let mut next: Option<((Seconds, bool, candidates::Rank), usize)> = None;
        // Windows and inconvenient times depend on the span only: computed once for every
        // candidate of this decision.
        let mut shared = crate::solver::SpanSets::default();
        // The candidates with a verdict so far: a later step naming one again adds nothing.
        let mut named: BTreeSet<candidates::Key> = BTreeSet::new();
        for (step, targets) in &steps {
            let step = *step;
            for target in targets {
                let key = candidates::key(step, target);
                if named.contains(&key) {
                    continue;
                }
                let Some(verdict) = solver.verdict_with(step, target, &statuses, &mut shared)
                else {
                    continue;
                };
                let rank = ranking.next(&step.action, target.kind, target.channel.map(|c| c.kind));
                let at = if verdict.allowed {
                    Some(as_of)
                } else {
                    verdict.next_at
                };
                if let Some(at) = at {
                    // The earliest wins; at the same instant, a day the step's pay-day timing
                    // favours, then the order of the list.
                    let order = (at, !candidates::prefers(&pay_days, step, at), rank);
                    if next.is_none_or(|(k, _)| order < k) {
                        next = Some((order, actions.len()));
                    }
                }
                named.insert(key);
                actions.push(verdict.into_output(step, target, primary));
            }
        }
        let next_action = next.map(|((at, ..), i)| {
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
        let disclosures = crate::disclosure::disclosures(&conditions);
        let obligations = Obligations::new(&facts).report(&obligation_states);
        let mut warnings = calendar_warnings(policy, &facts, &actions, &obligations);
        warnings.extend(market_warnings(policy, case));

        Ok(Decision {
            format: crate::decision::DECISION_FORMAT,
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
                overdue_components: components(case, facts.standing.overdue_parts),
                currency: case.account.currency.clone(),
                risk_grade,
                stage: StageRef {
                    id: stage.id.clone(),
                    label: stage.label.clone(),
                },
                installments: case.account.report_installments.then(|| {
                    facts
                        .ledger
                        .overdue_rows(facts.standing.business_date)
                        .into_iter()
                        .map(|r| OverdueInstallment {
                            due: r.due,
                            days_past_due: r.days_past_due,
                            overdue_amount: r.overdue_amount,
                            overdue_components: components(case, r.overdue_parts),
                        })
                        .collect()
                }),
            },
            status,
            queue,
            actions,
            next_action,
            disclosures,
            obligations,
            warnings,
            trace,
        })
    }
}

/// Amounts by component, written only for a case that gives components: a case without them
/// keeps the decision it always had, byte for byte.
fn components(case: &Case, parts: [i64; 4]) -> Option<Components> {
    case.account
        .installments
        .iter()
        .any(|i| i.components.is_some())
        .then(|| Components::from_parts(parts))
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
    crate::order::sort(&mut outside);
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

/// `market_mismatch` when the policy declares its market and the case's currency, book zone or a
/// borrower zone lies outside it: the case is decided, but under rules written for other accounts
/// (other hours, another calendar, amounts in another unit).
fn market_warnings(policy: &Policy, case: &Case) -> Vec<Warning> {
    let Some(market) = &policy.document().market else {
        return Vec::new();
    };
    let mut outside = Vec::new();
    let currency = &case.account.currency;
    if !market.currencies.contains(currency) {
        outside.push(format!("currency {currency}"));
    }
    let book = case.account.book_time_zone;
    if !market.time_zones.contains(&book) {
        outside.push(format!("book time zone {}", book.name()));
    }
    let mut zones: Vec<&str> = case
        .borrower
        .time_zones
        .iter()
        .filter(|z| !market.time_zones.contains(z))
        .map(|z| z.name())
        .collect();
    crate::order::sort(&mut zones);
    zones.dedup();
    if !zones.is_empty() {
        outside.push(format!(
            "borrower time zone{} {}",
            if zones.len() == 1 { "" } else { "s" },
            zones.join(", ")
        ));
    }
    if outside.is_empty() {
        return Vec::new();
    }
    let zones: Vec<&str> = market.time_zones.iter().map(|z| z.name()).collect();
    vec![Warning {
        code: "market_mismatch".to_string(),
        message: format!(
            "the case's {} {} outside the market of policy {} (currencies: {}; time zones: {}); its rules were not written for such accounts",
            outside.join(", "),
            if outside.len() == 1 { "is" } else { "are" },
            policy.id(),
            market.currencies.join(", "),
            zones.join(", ")
        ),
    }]
}

#[cfg(test)]
mod tests {
    use crate::candidates;
    use crate::conditions::Conditions;
    use crate::facts::Facts;
    use crate::obligations::Obligations;
    use crate::policy::RuleKind;
    use crate::solver::Solver;
    use crate::{synthetic, Case, Engine};
    use proptest::prelude::*;

    fn engines() -> Vec<Engine> {
        crate::policy::packs::IDS
            .iter()
            .map(|id| Engine::from_reference(id).unwrap())
            .collect()
    }

    fn instant(s: &str) -> i64 {
        s.parse::<crate::time::Instant>().unwrap().seconds()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn verdict_instants_are_never_before_as_of_and_allowed_means_inside_every_window(seed in 0u64..1_000_000, history in 0usize..40) {
            let case_json = synthetic::account(seed, seed % 97, history);
            let case = Case::from_json(&case_json.to_string()).unwrap();
            let as_of = case.as_of.seconds();
            for engine in engines() {
                let d = engine.decide(&case).unwrap();
                let (facts, _) = Facts::new(&case, engine.policy());
                let states = Obligations::new(&facts).states();
                let solver = Solver::new(Conditions::new(&facts, &states));
                for a in &d.actions {
                    if let Some(t) = &a.next_allowed_at { prop_assert!(instant(t) > as_of, "{a:?}"); }
                    if let Some(t) = &a.allowed_until { prop_assert!(instant(t) > as_of, "{a:?}"); }
                    prop_assert_eq!(a.allowed, a.blocked_by.is_empty());
                    if !a.allowed { continue; }
                    // Independently of the engine's interval sets: the wall clock in every zone is
                    // inside a slot of every window rule that applies.
                    let step = engine.policy().document().strategy.iter()
                        .chain(engine.policy().document().statuses.iter().flat_map(|s| s.steps.iter()))
                        .find(|s| s.id == a.rule).unwrap();
                    let target = candidates::of_step(&facts, step).into_iter()
                        .find(|t| t.party == a.party && t.channel.map(|c| c.id.clone()) == a.channel).unwrap();
                    for rule in engine.policy().rules().iter().filter(|r| solver.selects(&r.applies_to, &target)) {
                        let RuleKind::Window(w) = &rule.kind else { continue };
                        for z in &facts.zones {
                            let (date, secs) = (z.date_of(as_of), z.clock_of(as_of));
                            let inside = w.slots.iter().any(|s| {
                                let on = |d| s.days.iter().any(|k| facts.calendar.matches(d, *k));
                                let (from, to) = (s.from.seconds(), s.to.seconds());
                                if from < to { on(date) && from <= secs && secs < to }
                                else { (on(date) && secs >= from) || (on(date.add_days(-1)) && secs < to) }
                            });
                            prop_assert!(inside, "{} allowed outside {} in {}", a.action, rule.id, z.name());
                        }
                    }
                }
            }
        }
    }
}
