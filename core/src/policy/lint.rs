//! Lints for policy authors: entries that are valid but cannot matter.
//!
//! - a *shadowed* rule never decides anything because another rule that applies to every
//!   candidate it applies to is at least as strict (a window inside its window, a cap over the
//!   same events with a lower limit). Floor rules are exempt: a floor shadowed by a stricter
//!   strategy is the design, the floor being the safety net if the strategy changes.
//! - an *unreachable* step names candidates that an earlier step already names in the same
//!   stages (the engine keeps the first), or whose condition is `never`, or whose action is
//!   forbidden outright by a floor rule for every party kind it names.

use super::document::*;
use super::layering::{loosening_of, selects_superset};
use super::validate::Diagnostic;

pub fn lint(doc: &PolicyDocument) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, r) in doc.rules.iter().enumerate() {
        let Some(kind) = r.kind().filter(|_| r.layer != Layer::Floor) else {
            continue;
        };
        for other in &doc.rules {
            if std::ptr::eq(r, other)
                || !selects_superset(&other.applies_to, &r.applies_to, &doc.actions)
            {
                continue;
            }
            let Some(other_kind) = other.kind() else {
                continue;
            };
            // `other` is at least as strict as `r` when it is not looser than `r`.
            if limits_the_same(kind, other_kind)
                && loosening_of(other_kind, kind).is_none()
                && other.id != r.id
            {
                out.push(Diagnostic {
                    path: format!("rules[{i}]"),
                    message: format!(
                        "rule {:?} is shadowed by the stricter rule {:?}, which applies to every candidate it does",
                        r.id, other.id
                    ),
                });
                break;
            }
        }
    }
    for (i, s) in doc.strategy.iter().enumerate() {
        let path = format!("strategy[{i}]");
        if s.when == Some(Condition::Never) {
            out.push(Diagnostic {
                path,
                message: format!("step {:?} can never apply (its condition is never)", s.id),
            });
            continue;
        }
        let earlier = doc.strategy[..i].iter().find(|e| {
            e.action == s.action
                && !e.stages.is_empty()
                && (s.stages.iter().all(|st| e.stages.contains(st)))
                && !s.stages.is_empty()
                && s.parties.iter().all(|p| e.parties.contains(p))
                && e.when.is_none()
                && (e.channels.is_empty()
                    || s.channels.iter().all(|c| e.channels.contains(c)) && !s.channels.is_empty())
        });
        if let Some(e) = earlier {
            out.push(Diagnostic {
                path,
                message: format!(
                    "step {:?} is unreachable: step {:?} already names the same candidates in the same stages",
                    s.id, e.id
                ),
            });
            continue;
        }
        let forbidden = s.parties.iter().all(|p| {
            doc.rules.iter().any(|r| {
                r.layer == Layer::Floor
                    && r.kind() == Some(&RuleKind::ForbidWhen(Condition::Always))
                    && (r.applies_to.actions.is_empty() || r.applies_to.actions.contains(&s.action))
                    && r.applies_to.tags.is_empty()
                    && (r.applies_to.parties.is_empty() || r.applies_to.parties.contains(p))
                    && r.applies_to.channels.is_empty()
                    && r.applies_to.stages.is_empty()
                    // A rule of some products leaves the step to accounts of the others.
                    && r.applies_to.products.is_empty()
                    && r.applies_to.when.is_none()
            })
        });
        if forbidden {
            out.push(Diagnostic {
                path,
                message: format!(
                    "step {:?} is unreachable: a floor rule forbids {:?} for every party it names",
                    s.id, s.action
                ),
            });
        }
    }
    out
}

/// Whether two rules limit the same thing, so that the stricter makes the other moot: two windows,
/// or two caps or rest patterns over the same events. Other kinds add to each other.
fn limits_the_same(a: &RuleKind, b: &RuleKind) -> bool {
    match a.beside(b) {
        Comparable::Windows(..) => true,
        Comparable::Caps(x, y) => x.counts == y.counts,
        Comparable::Rests(x, y) => x.counts == y.counts,
        Comparable::Unlike => false,
    }
}
