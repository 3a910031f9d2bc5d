//! What each party may be told (docs/decision.md, disclosures).
//!
//! Every row of the policy's disclosure matrix that matches a party (its kind, and its condition
//! at `as_of`) adds its allowed categories; any matching row's denials then remove categories,
//! whatever allowed them. Floors state their protections as denials, so no strategy row can undo
//! them: a third party who is not part of the debt never learns that the debt exists.

use std::collections::BTreeSet;

use crate::case::{Contact, BORROWER};
use crate::conditions::Conditions;
use crate::decision::Disclosure;
use crate::facts::Target;
use crate::policy::{Category, PartyKind};

pub(crate) fn disclosures(conditions: &Conditions) -> Vec<Disclosure> {
    let facts = conditions.facts();
    let mut contacts: Vec<&Contact> = facts.case.contacts.iter().collect();
    crate::order::sort_by(&mut contacts, |a, b| a.id.cmp(&b.id));
    let mut parties: Vec<Target> = vec![facts.borrower_target()];
    parties.extend(contacts.into_iter().map(|c| Target {
        party: &c.id,
        kind: PartyKind::of_role(c.role),
        contact: Some(c),
        channel: None,
        action: None,
    }));
    for (party, kind) in [
        ("postal_envelope", PartyKind::PostalEnvelope),
        ("voicemail", PartyKind::Voicemail),
    ] {
        parties.push(Target {
            party,
            kind,
            contact: None,
            channel: None,
            action: None,
        });
    }
    parties
        .iter()
        .map(|t| {
            let mut allow = BTreeSet::new();
            let mut deny = BTreeSet::new();
            for row in &facts.policy.document().disclosures {
                if !row.parties.contains(&t.kind) {
                    continue;
                }
                if row
                    .when
                    .as_ref()
                    .is_some_and(|w| !conditions.holds_now(w, t))
                {
                    continue;
                }
                allow.extend(row.allow.iter().copied());
                deny.extend(row.deny.iter().copied());
            }
            let may: Vec<Category> = allow.difference(&deny).copied().collect();
            Disclosure {
                party: t.party.to_string(),
                verified_identity_required: t.party == BORROWER
                    || may.iter().any(|c| c.reveals_debt()),
                may_disclose: may,
            }
        })
        .collect()
}
