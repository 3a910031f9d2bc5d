//! The decision (docs/decision.md) and its canonical JSON form.
//!
//! Field order is the declaration order below and every list is built in a deterministic order,
//! so the same inputs give the same bytes on every host. Absent values are written as `null`
//! rather than left out: a consumer always finds every key.

use serde::Serialize;

use crate::policy::Category;
use crate::time::Date;

/// The `format` of every decision: the contract's name and its major version, raised only by a
/// breaking change of the decision's JSON form.
pub const DECISION_FORMAT: &str = "arrears.decision/1";

pub mod report;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Decision {
    /// The format of this object and its major version, [`DECISION_FORMAT`]: a program reads it
    /// to know which contract it holds (CHANGELOG.md says what changes it).
    pub format: &'static str,
    pub account_id: String,
    /// `as_of` as given, normalised to RFC 3339 with its own offset.
    pub as_of: String,
    pub policy: PolicyRef,
    pub delinquency: Delinquency,
    pub status: Status,
    pub queue: Queue,
    /// Every candidate the strategy names, allowed or not, in strategy order.
    pub actions: Vec<ActionVerdict>,
    pub next_action: Option<NextAction>,
    pub disclosures: Vec<Disclosure>,
    /// What the policy requires the lender to do, still open, with its deadline.
    pub obligations: Vec<ObligationOutput>,
    /// What the engine could not decide with full knowledge.
    pub warnings: Vec<Warning>,
    pub trace: Vec<TraceEntry>,
}

/// An open obligation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ObligationOutput {
    pub obligation: String,
    /// `borrower` or a contact id.
    pub party: String,
    /// The instant it is due by.
    pub due_by: String,
    /// `as_of` is at or after `due_by`.
    pub overdue: bool,
    pub rule: String,
    pub cite: String,
}

/// Something the engine could not decide with full knowledge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Warning {
    /// A stable code: `calendar_not_covered`, `market_mismatch`.
    pub code: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PolicyRef {
    pub id: String,
    pub version: String,
    pub digest: String,
    /// The date the version in force took effect, when the policy has dated versions.
    pub effective_from: Option<Date>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Delinquency {
    pub business_date: Date,
    pub days_past_due: u32,
    pub overdue_since: Option<Date>,
    /// Minor units of `currency`.
    pub overdue_amount: i64,
    /// `overdue_amount` by component; present only when the case's installments give
    /// `components`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overdue_components: Option<crate::case::Components>,
    pub currency: String,
    /// Given in the case, or computed from the installments of the lookback period.
    pub risk_grade: crate::case::RiskGrade,
    pub stage: StageRef,
    /// Each overdue installment, oldest first; present only when the case sets
    /// `account.report_installments`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub installments: Option<Vec<OverdueInstallment>>,
}

/// One installment overdue on the business date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct OverdueInstallment {
    pub due: Date,
    /// Counted from this installment's own due date, with the account's grace and pauses.
    pub days_past_due: u32,
    /// Minor units still owed on it.
    pub overdue_amount: i64,
    /// `overdue_amount` by component; present only when the case gives `components`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overdue_components: Option<crate::case::Components>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StageRef {
    pub id: String,
    pub label: String,
}

/// A rule that produced a verdict, with its citation.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Reason {
    pub rule: String,
    pub cite: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Status {
    /// `active`, or the state of the highest-precedence status that holds.
    pub state: String,
    /// Every status that holds, in precedence order.
    pub reasons: Vec<Reason>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Queue {
    /// Where the account should be now.
    pub current: String,
    /// Set when the account is recorded elsewhere (its last `escalated` event, or its stage's
    /// queue when it was never escalated) and must move.
    pub escalate_to: Option<String>,
    /// The stage, triggers and statuses that placed it, in the order applied.
    pub reasons: Vec<Reason>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ActionVerdict {
    pub action: String,
    /// `borrower` or a contact id.
    pub party: String,
    /// The channel id, or null for actions that use none.
    pub channel: Option<String>,
    /// The strategy step that names this candidate.
    pub rule: String,
    pub allowed: bool,
    /// When an allowed action stops being allowed; null when nothing in sight ends it.
    pub allowed_until: Option<String>,
    /// The rules that block it now; empty when allowed.
    pub blocked_by: Vec<Reason>,
    /// The earliest instant a blocked action becomes allowed if nothing else happens; null when
    /// allowed now or when nothing in the inputs can ever allow it.
    pub next_allowed_at: Option<String>,
    /// Obligations to honour when performing it (e.g. two collectors on a visit).
    pub conditions: Vec<Reason>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct NextAction {
    pub action: String,
    pub party: String,
    pub channel: Option<String>,
    pub at: String,
    pub rule: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Disclosure {
    /// `borrower`, a contact id, `voicemail` or `postal_envelope`.
    pub party: String,
    /// Whether the party's identity must be verified before anything in `may_disclose` that
    /// reveals the debt is said.
    pub verified_identity_required: bool,
    pub may_disclose: Vec<Category>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TraceEntry {
    pub rule: String,
    pub effect: String,
    pub cite: String,
}

impl Decision {
    /// The canonical JSON text of the decision.
    pub fn to_json(&self) -> Result<String, crate::error::Error> {
        crate::error::to_json_text(self, false)
    }

    /// The canonical JSON text of the decision, appended to `out` (the same bytes as
    /// [`Decision::to_json`]; on an error `out` may hold part of them).
    pub(crate) fn write_json(&self, out: &mut Vec<u8>) -> Result<(), crate::error::Error> {
        serde_json::to_writer(out, self).map_err(crate::error::unwritable)
    }

    pub fn to_json_pretty(&self) -> Result<String, crate::error::Error> {
        crate::error::to_json_text(self, true)
    }
}
