//! The policy as the decision path reads it: what depends only on the document, worked out once
//! when the policy is loaded.
//!
//! The document states a rule's kind as one of several optional fields (that is its JSON shape);
//! here each rule becomes a [`Rule`] with a [`RuleKind`], so the solver matches on a closed enum
//! instead of probing options. Each action knows, by position, the rules whose selector can ever
//! apply to it (its action ids and tags); the rest of a selector (parties, channels, stages, a
//! condition) depends on the case and is checked per candidate.

use super::document::{ActionDef, CapDef, Condition, PolicyDocument, RestDef, RuleDef, Selector};
use super::document::{Layer, WindowDef};

/// What a rule does: the one kind its document gives.
#[derive(Debug, Clone, PartialEq)]
pub enum RuleKind {
    /// Allowed only inside these local times, in every borrower time zone.
    Window(WindowDef),
    /// Not allowed during the times the borrower designated inconvenient.
    InconvenientTimes,
    /// Not allowed while counted events in the period reach the limit.
    Cap(CapDef),
    /// After a streak of days with counted events, a number of days without.
    Rest(RestDef),
    /// Not allowed while the condition holds.
    ForbidWhen(Condition),
    /// Allowed only while the condition holds.
    Require(Condition),
    /// Blocks nothing: an obligation reported with the candidate (two collectors on a visit).
    Obligation(String),
}

impl RuleKind {
    /// The kind a validated rule gives. `None` when the rule gives no kind or several, which
    /// validation refuses before a policy is compiled.
    pub fn of(def: &RuleDef) -> Option<RuleKind> {
        let kinds = [
            def.window.clone().map(RuleKind::Window),
            def.inconvenient_times
                .filter(|&on| on)
                .map(|_| RuleKind::InconvenientTimes),
            def.cap.clone().map(RuleKind::Cap),
            def.rest.clone().map(RuleKind::Rest),
            def.forbid_when.clone().map(RuleKind::ForbidWhen),
            def.require.clone().map(RuleKind::Require),
            def.obligation.clone().map(RuleKind::Obligation),
        ];
        let mut given = kinds.into_iter().flatten();
        match (given.next(), given.next()) {
            (Some(kind), None) => Some(kind),
            _ => None,
        }
    }

    /// Whether the rule's set of instants depends only on the span, not on the candidate
    /// (windows and inconvenient times): such sets are shared by every candidate of a decision.
    pub fn is_span_only(&self) -> bool {
        matches!(self, RuleKind::Window(_) | RuleKind::InconvenientTimes)
    }
}

/// One contact rule, compiled.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub id: String,
    pub cite: String,
    pub layer: Layer,
    pub applies_to: Selector,
    pub kind: RuleKind,
    /// The rule lets the candidate through wherever this holds, whatever its kind says.
    pub unless: Option<Condition>,
    /// Its place in the document's rule list (and in [`Compiled::rules`]).
    pub index: usize,
}

impl Rule {
    /// The rule's cap, when it is one.
    pub fn cap(&self) -> Option<&CapDef> {
        match &self.kind {
            RuleKind::Cap(cap) => Some(cap),
            _ => None,
        }
    }
}

/// The compiled parts of a policy, held next to its document by [`super::Policy`].
#[derive(Debug, Clone, Default)]
pub struct Compiled {
    /// The document's rules, in document order.
    pub rules: Vec<Rule>,
    /// For each action of the catalogue (by position), the positions of the rules whose action
    /// ids and tags admit it, ascending.
    pub rules_by_action: Vec<Vec<usize>>,
}

impl Compiled {
    /// Compiles a validated document. A rule without exactly one kind is a validation error, so
    /// it cannot reach here; the error names it all the same rather than dropping it.
    pub fn new(doc: &PolicyDocument) -> Result<Compiled, (usize, String)> {
        let mut rules = Vec::with_capacity(doc.rules.len());
        for (index, def) in doc.rules.iter().enumerate() {
            let kind = RuleKind::of(def).ok_or_else(|| {
                (
                    index,
                    format!(
                        "rule {:?} must have exactly one of window, inconvenient_times, cap, rest, forbid_when, require, obligation",
                        def.id
                    ),
                )
            })?;
            rules.push(Rule {
                id: def.id.clone(),
                cite: def.cite.clone(),
                layer: def.layer,
                applies_to: def.applies_to.clone(),
                kind,
                unless: def.unless.clone(),
                index,
            });
        }
        let rules_by_action = doc
            .actions
            .iter()
            .map(|a| {
                rules
                    .iter()
                    .filter(|r| admits(&r.applies_to, a))
                    .map(|r| r.index)
                    .collect()
            })
            .collect();
        Ok(Compiled {
            rules,
            rules_by_action,
        })
    }
}

/// Whether a selector's action ids and tags admit an action (the parts of a selector that do not
/// depend on the case).
pub fn admits(sel: &Selector, action: &ActionDef) -> bool {
    (sel.actions.is_empty() || sel.actions.contains(&action.id))
        && (sel.tags.is_empty() || sel.tags.iter().any(|t| action.tags.contains(t)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Policy;

    #[test]
    fn a_rule_has_exactly_one_kind() {
        let policy = Policy::builtin(crate::policy::packs::IDS[0]).unwrap();
        let mut def = policy.document().rules[0].clone();
        assert!(RuleKind::of(&def).is_some());
        def.forbid_when = Some(Condition::Always);
        def.require = Some(Condition::Always);
        assert_eq!(RuleKind::of(&def), None, "two kinds");
        let mut doc = policy.document().clone();
        doc.rules[0] = def;
        let err = Policy::from_document(doc).unwrap_err();
        assert_eq!(err.path, "rules[0]");
        assert!(err.message.contains("exactly one of"), "{}", err.message);
    }

    #[test]
    fn each_action_lists_the_rules_its_ids_and_tags_admit_in_document_order() {
        for id in crate::policy::packs::IDS {
            let policy = Policy::builtin(id).unwrap();
            let doc = policy.document();
            for action in &doc.actions {
                let listed: Vec<usize> = policy
                    .rules_for_action(&action.id)
                    .map(|r| r.index)
                    .collect();
                let expected: Vec<usize> = (0..doc.rules.len())
                    .filter(|&i| admits(&doc.rules[i].applies_to, action))
                    .collect();
                assert_eq!(listed, expected, "{id}: {}", action.id);
            }
            // The index is worth having: some action is outside some rule's selector.
            assert!(doc
                .actions
                .iter()
                .any(|a| policy.rules_for_action(&a.id).count() < doc.rules.len()));
            assert_eq!(policy.rules_for_action("no_such_action").count(), 0);
        }
    }
}
