//! Policy loading: from JSON text or a built-in pack to a validated, indexed [`Policy`].
//!
//! A policy is validated once, here (a pack compiled into the build, once by its tests, with its
//! digest recorded); a [`Policy`] value is proof that the document is well formed, so the decision
//! path never re-checks names or ranges. The digest reported in every decision is
//! the SHA-256 of the document's canonical JSON (the parsed document written back with fixed field
//! order and no white space), so reformatting a file does not change it but any change of meaning
//! does.

pub mod calendar;
pub mod compiled;
pub mod document;
mod kinds;
pub mod layering;
pub mod lint;
pub mod packs;
mod reader;
pub mod validate;

use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

pub use compiled::Rule;
pub use document::*;
pub use validate::{check, Diagnostic};

use crate::error::{Error, ErrorCode};
use crate::time::Date;
use calendar::Calendar;

/// Largest policy document accepted, in bytes.
pub const MAX_POLICY_BYTES: usize = 4 * 1024 * 1024;

/// A validated policy, ready to decide with.
#[derive(Debug, Clone)]
pub struct Policy {
    doc: PolicyDocument,
    digest: String,
    action_index: BTreeMap<String, usize>,
    queue_index: BTreeMap<String, usize>,
    calendar: Calendar,
    compiled: compiled::Compiled,
    stages: StageTable,
}

/// The DPD stages by the day each starts on: validation makes the first start at DPD 0 and each
/// run to the next one's start, the last without end, so every DPD has exactly one stage.
#[derive(Debug, Clone)]
struct StageTable {
    /// The stage from DPD 0.
    first: usize,
    /// The later stages, by their `min_dpd`, ascending.
    later: Vec<(u32, usize)>,
    pre_due: Option<usize>,
}

impl StageTable {
    fn new(stages: &[StageDef]) -> Result<StageTable, Error> {
        let mut ranged = stages
            .iter()
            .enumerate()
            .filter(|(_, s)| !s.pre_due)
            .map(|(i, s)| (s.min_dpd.unwrap_or(0), i));
        let Some((0, first)) = ranged.next() else {
            return Err(Error::new(
                ErrorCode::PolicyInvalid,
                "stages",
                "a policy needs a stage from DPD 0",
            ));
        };
        Ok(StageTable {
            first,
            later: ranged.collect(),
            pre_due: stages.iter().position(|s| s.pre_due),
        })
    }

    fn for_dpd(&self, dpd: u32) -> usize {
        let after = self.later.partition_point(|(min, _)| *min <= dpd);
        match after.checked_sub(1) {
            Some(k) => self.later[k].1,
            None => self.first,
        }
    }
}

impl Policy {
    /// Parses and validates a policy document. The first problem found is the error; use
    /// [`Policy::diagnose`] to list them all. A lender document may extend a built-in pack.
    pub fn from_json(text: &str) -> Result<Policy, Error> {
        Policy::from_json_with(text, &builtin_source)
    }

    /// Like [`Policy::from_json`], with `resolve` turning the `extends` of a lender document
    /// into the base document's text (the CLI resolves files this way; the engine does no I/O).
    pub fn from_json_with(
        text: &str,
        resolve: &dyn Fn(&str) -> Result<String, Error>,
    ) -> Result<Policy, Error> {
        let doc = parse_any(text, resolve, 0).map_err(|mut d| {
            let first = d.remove(0);
            Error::new(ErrorCode::PolicyInvalid, first.path, first.message)
        })?;
        Policy::from_document(doc)
    }

    /// Validates a parsed document.
    pub fn from_document(doc: PolicyDocument) -> Result<Policy, Error> {
        if let Some(d) = validate::check(&doc).into_iter().next() {
            return Err(Error::new(ErrorCode::PolicyInvalid, d.path, d.message));
        }
        let digest = Policy::digest_of(&doc)?;
        Policy::indexed(doc, digest)
    }

    /// A pack compiled into this build. Its text is part of the build, and a test gives it every
    /// check a lender's document gets (`a_compiled_in_pack_is_recorded_as_it_checks_in_full`): it
    /// validates, extends nothing, and its digest is the one recorded in [`packs`]. So here it is
    /// only parsed and indexed, and the recorded digest stands in for writing it back and hashing
    /// it. A lender's document, and a pack's text handed over by a host, get every check in
    /// [`Policy::from_document`].
    fn from_compiled_in_pack(text: &str, digest: &str) -> Result<Policy, Error> {
        Policy::indexed(parse_document::<PolicyDocument>(text)?, digest.to_string())
    }

    /// `sha256:` and the hex SHA-256 of the document's canonical JSON.
    fn digest_of(doc: &PolicyDocument) -> Result<String, Error> {
        let canonical = serde_json::to_vec(&doc).map_err(|e| {
            Error::new(
                ErrorCode::PolicyInvalid,
                "",
                format!("cannot serialise policy: {e}"),
            )
        })?;
        let digest = Sha256::digest(&canonical);
        let mut hex = String::with_capacity(7 + 64);
        hex.push_str("sha256:");
        for b in digest {
            hex.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
            hex.push(char::from(b"0123456789abcdef"[usize::from(b & 15)]));
        }
        Ok(hex)
    }

    /// The document's indexes and compiled rules, for a document that passed validation.
    fn indexed(doc: PolicyDocument, digest: String) -> Result<Policy, Error> {
        let action_index = crate::order::map_of(
            doc.actions
                .iter()
                .enumerate()
                .map(|(i, a)| (a.id.clone(), i)),
        );
        let queue_index = crate::order::map_of(
            doc.queues
                .iter()
                .enumerate()
                .map(|(i, q)| (q.id.clone(), i)),
        );
        let calendar = Calendar::new(&doc.calendar);
        let stages = StageTable::new(&doc.stages)?;
        let compiled = compiled::Compiled::new(&doc).map_err(|(i, message)| {
            Error::new(ErrorCode::PolicyInvalid, format!("rules[{i}]"), message)
        })?;
        Ok(Policy {
            calendar,
            compiled,
            stages,
            doc,
            digest,
            action_index,
            queue_index,
        })
    }

    /// Every problem in a policy document: shape errors (one, with its path) or all validation
    /// diagnostics. Empty when the document is valid.
    pub fn diagnose(text: &str) -> Vec<Diagnostic> {
        Policy::diagnose_with(text, &builtin_source)
    }

    /// [`Policy::diagnose`] with a resolver for `extends`.
    pub fn diagnose_with(
        text: &str,
        resolve: &dyn Fn(&str) -> Result<String, Error>,
    ) -> Vec<Diagnostic> {
        match parse_any(text, resolve, 0) {
            Err(d) => d,
            Ok(doc) => validate::check(&doc),
        }
    }

    /// A built-in pack by id (`cn-microloan`, `us-reg-f`).
    pub fn builtin(id: &str) -> Result<Policy, Error> {
        match packs::checked(id) {
            Some((text, digest)) => Policy::from_compiled_in_pack(text, digest),
            None => Err(Error::new(
                ErrorCode::UnknownPolicy,
                "policy",
                format!(
                    "no built-in policy pack {id:?}; the built-in packs are {}",
                    packs::IDS.join(", ")
                ),
            )),
        }
    }

    /// A pack id, or else the text of a policy document.
    pub fn resolve(reference: &str) -> Result<Policy, Error> {
        if reference.trim_start().starts_with('{') {
            Policy::from_json(reference)
        } else {
            Policy::builtin(reference.trim())
        }
    }

    pub fn document(&self) -> &PolicyDocument {
        &self.doc
    }

    /// The document's calendar, indexed for day lookups.
    pub fn calendar(&self) -> &Calendar {
        &self.calendar
    }

    /// How many days of holiday calendar the policy has left after `date`: the days from it to
    /// the last of the unbroken run of covered years that contains it (0 when its year is not
    /// covered). None when the calendar declares no years, so that no date is known uncovered.
    pub fn calendar_days_after(&self, date: Date) -> Option<i64> {
        let years = &self.doc.calendar.years;
        if years.is_empty() {
            return None;
        }
        let mut year = date.year();
        if !years.contains(&year) {
            return Some(0);
        }
        while years.contains(&(year + 1)) {
            year += 1;
        }
        let last = Date::from_ymd(year, 12, 31)?;
        Some(last.days_since(date))
    }

    pub fn id(&self) -> &str {
        &self.doc.id
    }

    pub fn version(&self) -> &str {
        &self.doc.version
    }

    /// `sha256:` and the hex SHA-256 of the canonical document.
    pub fn digest(&self) -> &str {
        &self.digest
    }

    pub fn action(&self, id: &str) -> Option<&ActionDef> {
        self.action_index.get(id).map(|&i| &self.doc.actions[i])
    }

    /// The contact rules, compiled, in document order.
    pub fn rules(&self) -> &[Rule] {
        &self.compiled.rules
    }

    /// The rules whose action ids and tags admit the action with this id, in document order
    /// (the rest of each selector is the candidate's to check). None for an unknown action.
    pub fn rules_for_action(&self, id: &str) -> impl Iterator<Item = &Rule> + '_ {
        let positions: &[usize] = self
            .action_index
            .get(id)
            .and_then(|&i| self.compiled.rules_by_action.get(i))
            .map_or(&[], Vec::as_slice);
        positions.iter().map(|&i| &self.compiled.rules[i])
    }

    /// The escalation triggers with where each moves the account, in document order (validation
    /// has refused a trigger that gives no single move).
    pub fn triggers(&self) -> impl Iterator<Item = (&TriggerDef, &TriggerMove)> + '_ {
        self.doc
            .escalation
            .iter()
            .filter_map(|t| t.moves_to().map(|to| (t, to)))
    }

    /// The position of a queue in tier order.
    pub fn queue_rank(&self, id: &str) -> Option<usize> {
        self.queue_index.get(id).copied()
    }

    /// The stage for a number of days past due (never the pre-due stage).
    pub fn stage_for_dpd(&self, dpd: u32) -> &StageDef {
        &self.doc.stages[self.stages.for_dpd(dpd)]
    }

    pub fn pre_due_stage(&self) -> Option<&StageDef> {
        self.stages.pre_due.map(|i| &self.doc.stages[i])
    }
}

/// The text of a built-in pack, as a resolver for `extends`.
pub fn builtin_source(id: &str) -> Result<String, Error> {
    packs::source(id).map(str::to_owned).ok_or_else(|| {
        Error::new(
            ErrorCode::UnknownPolicy,
            "extends",
            format!(
                "no built-in policy pack {id:?} to extend; the built-in packs are {}",
                packs::IDS.join(", ")
            ),
        )
    })
}

/// A full document, or a lender document composed over its (recursively resolved) base.
fn parse_any(
    text: &str,
    resolve: &dyn Fn(&str) -> Result<String, Error>,
    depth: usize,
) -> Result<PolicyDocument, Vec<Diagnostic>> {
    let as_diag = |e: Error| {
        vec![Diagnostic {
            path: e.path,
            message: e.message,
        }]
    };
    // A lender document is one with an `extends` field; text that is not a JSON object at all
    // is read as a full document, whose parser reports where it goes wrong.
    let fields: Option<BTreeMap<String, &serde_json::value::RawValue>> =
        serde_json::from_str(text).ok();
    let extends = fields
        .as_ref()
        .and_then(|f| f.get("extends"))
        .is_some_and(|v| v.get().trim() != "null");
    if !extends {
        return parse_document::<PolicyDocument>(text).map_err(as_diag);
    }
    if depth >= 8 {
        return Err(vec![Diagnostic {
            path: "extends".into(),
            message: "documents extend each other more than 8 deep (a cycle?)".into(),
        }]);
    }
    let lender: layering::LenderDocument = parse_document(text).map_err(as_diag)?;
    let base_text = resolve(&lender.extends).map_err(as_diag)?;
    let base = parse_any(&base_text, resolve, depth + 1).map_err(|d| {
        d.into_iter()
            .map(|x| Diagnostic {
                path: format!("extends:{}", x.path),
                message: format!(
                    "in the extended document {:?}: {}",
                    lender.extends, x.message
                ),
            })
            .collect::<Vec<_>>()
    })?;
    let base_problems = validate::check(&base);
    if !base_problems.is_empty() {
        return Err(base_problems
            .into_iter()
            .map(|x| Diagnostic {
                path: format!("extends:{}", x.path),
                message: format!("in the extended document: {}", x.message),
            })
            .collect());
    }
    layering::compose(&base, lender)
}

fn parse_document<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, Error> {
    crate::error::read_object(text, "policy", Some(MAX_POLICY_BYTES), |mut err| {
        // Inside a policy every shape problem is a policy problem; keep the detail in the message.
        if err.code != ErrorCode::InvalidJson {
            err.message = format!("{} ({})", err.message, err.code);
            err.code = ErrorCode::PolicyInvalid;
        }
        err
    })
}

#[cfg(all(test, feature = "embedded-packs"))]
mod tests {
    use super::*;

    /// What an engine on a compiled-in pack skips at creation is done here instead: the pack
    /// passes every check a lender's document gets, and its recorded digest is the one computed.
    #[test]
    fn a_compiled_in_pack_is_recorded_as_it_checks_in_full() {
        for id in packs::IDS {
            let (text, recorded) = packs::checked(id).expect("every id is compiled in");
            let full = Policy::from_json(text).unwrap_or_else(|e| panic!("{id}: {e:?}"));
            assert_eq!(
                full.digest(),
                recorded,
                "{id} changed: record its new digest in core/src/policy/packs.rs"
            );
            let quick = Policy::builtin(id).unwrap();
            assert_eq!(quick.digest(), full.digest());
            assert_eq!(
                serde_json::to_string(quick.document()).unwrap(),
                serde_json::to_string(full.document()).unwrap(),
                "{id} must be read the same whether checked in full or not (it extends nothing)"
            );
        }
    }
}
