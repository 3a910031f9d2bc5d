//! The policy as the decision path reads it: what depends only on the document, worked out once
//! when the policy is loaded.
//!
//! Each rule is held with the one kind its document gives (validation has refused any other), so
//! the solver matches on [`RuleKind`] without an `Option` in sight. Each action knows, by
//! position, the rules whose selector can ever apply to it (its action ids and tags); the rest of
//! a selector (parties, channels, stages, a condition) depends on the case and is checked per
//! candidate.

use super::document::{ActionDef, CapDef, Condition, Layer, PolicyDocument, RuleKind, Selector};

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
    /// The rule's cap, when it is one. Only caps answer here, so a new kind has nothing to add.
    pub fn cap(&self) -> Option<&CapDef> {
        if let RuleKind::Cap(cap) = &self.kind {
            Some(cap)
        } else {
            None
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
    /// Compiles a validated document. Validation refuses a rule without exactly one kind, so none
    /// reaches here; were one to, it is named rather than dropped.
    pub fn new(doc: &PolicyDocument) -> Result<Compiled, (usize, String)> {
        let mut rules = Vec::with_capacity(doc.rules.len());
        for (index, def) in doc.rules.iter().enumerate() {
            let kind = def
                .kind()
                .ok_or_else(|| (index, format!("rule {:?} has no single kind", def.id)))?;
            rules.push(Rule {
                id: def.id.clone(),
                cite: def.cite.clone(),
                layer: def.layer,
                applies_to: def.applies_to.clone(),
                kind: kind.clone(),
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
    fn a_rule_with_two_kinds_is_refused_at_its_path_naming_how_many_it_gives() {
        let policy = Policy::builtin(crate::policy::packs::IDS[0]).unwrap();
        let mut doc = serde_json::to_value(policy.document()).unwrap();
        doc["rules"][0]["forbid_when"] = "always".into();
        doc["rules"][0]["require"] = "always".into();
        let err = Policy::from_json(&doc.to_string()).unwrap_err();
        assert_eq!(err.path, "rules[0]");
        assert!(err.message.contains("exactly one of"), "{}", err.message);
        assert!(err.message.ends_with("(it has 3)"), "{}", err.message);
        doc["rules"][0] = serde_json::json!({ "id": "none", "cite": "c" });
        let err = Policy::from_json(&doc.to_string()).unwrap_err();
        assert_eq!(err.path, "rules[0]");
        assert!(err.message.ends_with("(it has 0)"), "{}", err.message);
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
