//! The case: one loan account at one instant (docs/case.md).
//!
//! Field names are the cross-host contract, so every struct refuses unknown fields; the one escape
//! hatch is `extensions`, which the engine carries past without reading. Reading a case happens in
//! two passes: serde checks shapes and types (with the JSON path of any failure), then
//! [`Case::validate`] checks what only the whole case can tell (events after `as_of`, duplicate ids,
//! overlapping pauses, references to channels that do not exist).

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

use crate::error::{Error, ErrorCode};
use crate::time::{ClockTime, Date, Instant, Weekday, Zone};

/// Most history events a case may carry (docs/case.md, limits).
pub const MAX_HISTORY: usize = 10_000;
/// Most installments a case may carry (docs/case.md, limits).
pub const MAX_INSTALLMENTS: usize = 1_000;
/// Most payments, pauses, contacts, channels and inconvenient-time entries.
pub const MAX_PAYMENTS: usize = 10_000;
pub const MAX_PAUSES: usize = 1_000;
pub const MAX_CONTACTS: usize = 200;
pub const MAX_CHANNELS: usize = 50;
/// Most channels of the borrower and every contact together (docs/case.md, limits).
pub const MAX_CASE_CHANNELS: usize = 250;
/// Most history events naming one party (docs/case.md, limits).
pub const MAX_PARTY_EVENTS: usize = 5_000;
pub const MAX_TIME_ZONES: usize = 8;
pub const MAX_INCONVENIENT: usize = 100;
/// Pay days a borrower may state (one per day of the month, and the last working day).
pub const MAX_PAY_DAYS: usize = 32;
/// Largest case document accepted, in bytes: room for the bounds above with generous ids.
pub const MAX_CASE_BYTES: usize = 16 * 1024 * 1024;

// Read by `Case::from_json` through `document::Case`, since its events are typed once the rest is
// checked. (A doc comment here would be the JSON Schema's description of the case.)
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// The instant the decision is for.
    pub as_of: Instant,
    pub account: Account,
    pub borrower: Borrower,
    #[serde(default)]
    pub contacts: Vec<Contact>,
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<document::Event>"))]
    pub history: Vec<Event>,
    /// Free-form data for the caller; the engine ignores it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extensions: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Account {
    pub id: String,
    /// ISO 4217 currency code of every amount in the case.
    pub currency: String,
    /// The product, in the words of the policy's `products` (e.g. `online_lending`,
    /// `bank_credit`, `microfinance`), so that each rule binds where its instrument does. Any
    /// other label, or none, is a product the policy cannot place: every rule then applies,
    /// those written for one product included.
    #[serde(default)]
    pub product: Option<String>,
    /// The zone whose calendar dates the account's business days follow.
    pub book_time_zone: Zone,
    #[serde(default)]
    pub installments: Vec<Installment>,
    #[serde(default)]
    pub payments: Vec<Payment>,
    #[serde(default)]
    pub pauses: Vec<Pause>,
    #[serde(default)]
    pub flags: AccountFlags,
    /// The order in which payments, waivers and write-offs settle the components of an
    /// installment (oldest installment first); Fineract's default order when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allocation: Option<Allocation>,
    /// Days after an installment falls due before days past due count for this account; the
    /// policy's `delinquency.grace_days` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grace_days: Option<u32>,
    /// Minor units an installment may stay unpaid and still count as paid for this account; the
    /// policy's `delinquency.arrears_tolerance` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arrears_tolerance: Option<i64>,
    /// Ask for the decision's `delinquency.installments`: each overdue installment with its days
    /// past due and amounts.
    #[serde(default, skip_serializing_if = "is_false")]
    pub report_installments: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// The parts of an amount that loan systems report separately, in minor units; a part left out
/// is zero.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Components {
    #[serde(default)]
    pub principal: i64,
    #[serde(default)]
    pub interest: i64,
    #[serde(default)]
    pub fees: i64,
    #[serde(default)]
    pub penalties: i64,
}

impl Components {
    /// The parts in [`Component::ALL`] order.
    pub fn parts(&self) -> [i64; 4] {
        [self.principal, self.interest, self.fees, self.penalties]
    }

    pub fn from_parts(p: [i64; 4]) -> Components {
        Components {
            principal: p[0],
            interest: p[1],
            fees: p[2],
            penalties: p[3],
        }
    }

    /// The sum of the parts, or `None` past [`MAX_AMOUNT`].
    pub fn total(&self) -> Option<i64> {
        self.parts()
            .iter()
            .try_fold(0i64, |t, &a| t.checked_add(a).filter(|t| *t <= MAX_AMOUNT))
    }
}

/// One part of an amount owed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Component {
    Principal,
    Interest,
    Fees,
    Penalties,
}

impl Component {
    pub const ALL: [Component; 4] = [
        Component::Principal,
        Component::Interest,
        Component::Fees,
        Component::Penalties,
    ];

    pub fn index(self) -> usize {
        self as usize
    }
}

/// How money settles an installment's components: a named order or the four components in order.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum Allocation {
    Named(NamedAllocation),
    /// Each of the four components once, first settled first.
    Order(Vec<Component>),
}

/// The common orders, named after the components they settle first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum NamedAllocation {
    /// Penalties, fees, interest, then principal: Fineract's default ("mifos-standard-strategy").
    PenaltiesFeesInterestPrincipal,
    /// Principal, interest, penalties, then fees.
    PrincipalInterestPenaltiesFees,
    /// Interest, principal, penalties, then fees.
    InterestPrincipalPenaltiesFees,
    /// Interest, fees, penalties, then principal: the charges before the capital.
    InterestFeesPenaltiesPrincipal,
}

impl Allocation {
    /// The components in the order money settles them.
    pub fn order(&self) -> [Component; 4] {
        use Component::*;
        match self {
            Allocation::Named(NamedAllocation::PenaltiesFeesInterestPrincipal) => {
                [Penalties, Fees, Interest, Principal]
            }
            Allocation::Named(NamedAllocation::PrincipalInterestPenaltiesFees) => {
                [Principal, Interest, Penalties, Fees]
            }
            Allocation::Named(NamedAllocation::InterestPrincipalPenaltiesFees) => {
                [Interest, Principal, Penalties, Fees]
            }
            Allocation::Named(NamedAllocation::InterestFeesPenaltiesPrincipal) => {
                [Interest, Fees, Penalties, Principal]
            }
            Allocation::Order(v) => {
                let mut out = [Penalties, Fees, Interest, Principal];
                if v.len() == 4 {
                    out.copy_from_slice(v);
                }
                out
            }
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Installment {
    pub due: Date,
    /// Amount due, in minor units.
    pub amount: i64,
    /// What has been settled on this installment (paid, waived or written off). Given on one
    /// installment, it must be given on every one: the host has allocated, and payments are then
    /// not allocated to installments (docs/case.md, ledger).
    #[serde(default)]
    pub paid: Option<i64>,
    /// The amount due by component; the parts add up to `amount`. Given on one installment, it
    /// must be given on every one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub components: Option<Components>,
    /// What has been settled by component; the parts add up to `paid`, which may then be left
    /// out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paid_components: Option<Components>,
}

impl Installment {
    /// What the host says is settled on it, when it says.
    pub fn settled(&self) -> Option<i64> {
        self.paid
            .or_else(|| self.paid_components.and_then(|c| c.total()))
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Payment {
    pub at: Instant,
    pub amount: i64,
    /// What the entry is; a repayment when absent.
    #[serde(
        default,
        rename = "type",
        skip_serializing_if = "PaymentKind::is_repayment"
    )]
    pub kind: PaymentKind,
    /// An id a `reversal` can point at, unique among the payments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The id of the entry a `reversal` cancels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reverses: Option<String>,
    /// The one component a `waiver`, `write_off` or `chargeback` applies to: any component
    /// (allocation order) for a waiver or write-off, principal for a chargeback, when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component: Option<Component>,
    /// What has been paid back of a `chargeback`, when the installments carry `paid` (the host
    /// has allocated).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paid: Option<i64>,
}

/// What an entry of `account.payments` does to the ledger.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum PaymentKind {
    /// Money from the borrower, settling installments oldest first.
    #[default]
    Repayment,
    /// An amount the lender forgives; it settles like a repayment but is not money received.
    Waiver,
    /// An amount the lender writes off; it settles like a waiver.
    WriteOff,
    /// A repayment taken back (e.g. by the borrower's bank): the amount is owed again from the
    /// chargeback's own date.
    Chargeback,
    /// Cancels the entry named by `reverses`, as if it had never been made.
    Reversal,
}

impl PaymentKind {
    pub fn is_repayment(&self) -> bool {
        *self == PaymentKind::Repayment
    }
}

/// An inclusive range of dates during which days past due do not accrue.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Pause {
    pub from: Date,
    pub to: Date,
}

#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AccountFlags {
    #[serde(default)]
    pub time_barred: bool,
    #[serde(default)]
    pub written_off: bool,
    #[serde(default)]
    pub collateral: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Borrower {
    /// The zones the borrower may be in; contact windows must hold in every one of them.
    #[serde(default)]
    pub time_zones: Vec<Zone>,
    #[serde(default)]
    pub channels: Vec<Channel>,
    #[serde(default)]
    pub flags: BorrowerFlags,
    /// Times the borrower said are inconvenient, in the borrower's (first) zone.
    #[serde(default)]
    pub inconvenient_times: Vec<InconvenientTime>,
    /// A, B or C; computed from the last three months of installments when absent.
    #[serde(default)]
    pub risk_grade: Option<RiskGrade>,
    /// The days of the month the borrower is paid, for strategies timed around pay day.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pay_days: Vec<PayDay>,
}

/// A day the borrower is paid, every month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum PayDay {
    /// A day of the month, 1 to 31; in a shorter month, its last day.
    Day(u8),
    /// `"last_working_day"`: the month's last working day under the policy's calendar.
    Named(NamedPayDay),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum NamedPayDay {
    LastWorkingDay,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum RiskGrade {
    A,
    B,
    C,
}

#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct BorrowerFlags {
    #[serde(default)]
    pub deceased: bool,
    #[serde(default)]
    pub bankruptcy: bool,
    #[serde(default)]
    pub dispute_open: bool,
    #[serde(default)]
    pub cease_communication: bool,
    #[serde(default)]
    pub attorney_represented: bool,
    #[serde(default)]
    pub vulnerable: bool,
    #[serde(default)]
    pub hardship: bool,
    #[serde(default)]
    pub fraud_suspected: bool,
    #[serde(default)]
    pub complaint_open: bool,
    #[serde(default)]
    pub workplace_contact_prohibited: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct InconvenientTime {
    /// Days this applies to; empty means every day.
    #[serde(default)]
    pub days: Vec<Weekday>,
    pub from: ClockTime,
    pub to: ClockTime,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ChannelKind {
    Mobile,
    HomePhone,
    WorkPhone,
    Email,
    Sms,
    Postal,
}

impl ChannelKind {
    /// The name the contract spells it with.
    pub fn name(self) -> &'static str {
        match self {
            ChannelKind::Mobile => "mobile",
            ChannelKind::HomePhone => "home_phone",
            ChannelKind::WorkPhone => "work_phone",
            ChannelKind::Email => "email",
            ChannelKind::Sms => "sms",
            ChannelKind::Postal => "postal",
        }
    }

    pub fn is_phone(self) -> bool {
        matches!(
            self,
            ChannelKind::Mobile | ChannelKind::HomePhone | ChannelKind::WorkPhone
        )
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Channel {
    pub id: String,
    pub kind: ChannelKind,
    /// The party asked not to be reached on this channel.
    #[serde(default)]
    pub opted_out: bool,
    /// The channel reaches the party at their place of work.
    #[serde(default)]
    pub workplace: bool,
}

impl Channel {
    /// Work phones reach a workplace whether or not the flag says so.
    pub fn is_workplace(&self) -> bool {
        self.workplace || self.kind == ChannelKind::WorkPhone
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Spouse,
    Parent,
    Guardian,
    Guarantor,
    CoBorrower,
    Reference,
    Employer,
    Attorney,
    EstateRepresentative,
    Other,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub id: String,
    pub role: Role,
    /// The contact is legally part of the debt (e.g. a spouse where the debt paid household costs).
    #[serde(default)]
    pub debt_related: bool,
    /// The contact asked not to be contacted again.
    #[serde(default)]
    pub objected: bool,
    /// The contact's identity has been verified.
    #[serde(default)]
    pub verified: bool,
    /// The contact's phone numbers and addresses; their ids are unique across the whole case.
    #[serde(default)]
    pub channels: Vec<Channel>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum EventType {
    Call,
    Sms,
    Email,
    Letter,
    Visit,
    Promise,
    Consent,
    DisputeOpened,
    DisputeResolved,
    Escalated,
    AgencyPlaced,
    LegalFiled,
    /// The party asked not to be contacted through a medium (`medium`).
    OptOut,
    /// A letter or electronic message to the party came back undelivered.
    Undeliverable,
}

/// A medium of communication, as an opt-out names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Medium {
    Call,
    Text,
    Email,
    Postal,
    /// Every medium.
    All,
}

/// A limit a consent can lift: when (`time`), where (`place`), how often (`frequency`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ConsentLimit {
    Time,
    Place,
    Frequency,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum CallOutcome {
    Connected,
    NoAnswer,
    Busy,
    Voicemail,
    WrongNumber,
    Refused,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Outbound,
    Inbound,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum LetterKind {
    Reminder,
    Demand,
    Lawyer,
    ValidationNotice,
    Verification,
    /// The particulars of the collection or recovery agent assigned to the account (name,
    /// agency, how to verify them), sent to the borrower by any medium.
    AgentDetails,
}

/// One thing that happened on the account, read into what its type carries (docs/case.md,
/// history): the part every event has, and [`EventKind`], the data of its type and nothing else.
#[derive(Debug, Clone, Serialize)]
#[serde(into = "document::Event")]
pub struct Event {
    pub at: Instant,
    /// `"borrower"` or a contact id; left out only by the types that need no party (see
    /// [`Event::party`]).
    pub party: Option<String>,
    /// A channel id of that party.
    pub channel: Option<String>,
    /// Who started it; outbound when the document leaves it out. Every type may give it, and
    /// the obligations' and caps' patterns read it whatever the type.
    pub direction: Direction,
    pub kind: EventKind,
}

/// What happened, with exactly the data its type carries (the JSON `type` and its fields).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventKind {
    /// A phone call and how it ended (`outcome`).
    Call {
        outcome: CallOutcome,
    },
    Sms,
    Email,
    /// A letter of a kind (`kind`).
    Letter {
        kind: LetterKind,
    },
    /// A field visit, with the number of collectors present when the host gives it.
    Visit {
        collectors: Option<u32>,
    },
    /// A promise to pay `amount` (minor units) by the end of `date`.
    Promise {
        date: Date,
        amount: i64,
    },
    /// Agreement to be contacted: the last day it covers, inclusive (`until`), and the limits
    /// it lifts (`scope`); the policy decides each when absent.
    Consent {
        until: Option<Date>,
        scope: Option<Vec<ConsentLimit>>,
    },
    DisputeOpened,
    DisputeResolved,
    /// The account was moved to the queue named in `to`.
    Escalated {
        queue: String,
    },
    AgencyPlaced,
    LegalFiled,
    /// The party asked not to be contacted through a medium (`medium`).
    OptOut {
        medium: Medium,
    },
    /// A letter or electronic message to the party came back undelivered.
    Undeliverable,
}

impl EventKind {
    /// The `type` the document gives it, which policies name.
    pub fn event_type(&self) -> EventType {
        match self {
            EventKind::Call { .. } => EventType::Call,
            EventKind::Sms => EventType::Sms,
            EventKind::Email => EventType::Email,
            EventKind::Letter { .. } => EventType::Letter,
            EventKind::Visit { .. } => EventType::Visit,
            EventKind::Promise { .. } => EventType::Promise,
            EventKind::Consent { .. } => EventType::Consent,
            EventKind::DisputeOpened => EventType::DisputeOpened,
            EventKind::DisputeResolved => EventType::DisputeResolved,
            EventKind::Escalated { .. } => EventType::Escalated,
            EventKind::AgencyPlaced => EventType::AgencyPlaced,
            EventKind::LegalFiled => EventType::LegalFiled,
            EventKind::OptOut { .. } => EventType::OptOut,
            EventKind::Undeliverable => EventType::Undeliverable,
        }
    }

    /// The medium a communication went through, as an opt-out names it; `None` for what is not
    /// a communication (a visit reaches the person, but through no medium they can opt out of).
    pub(crate) fn medium(&self) -> Option<Medium> {
        match self {
            EventKind::Call { .. } => Some(Medium::Call),
            EventKind::Sms => Some(Medium::Text),
            EventKind::Email => Some(Medium::Email),
            EventKind::Letter { .. } => Some(Medium::Postal),
            EventKind::Visit { .. }
            | EventKind::Promise { .. }
            | EventKind::Consent { .. }
            | EventKind::DisputeOpened
            | EventKind::DisputeResolved
            | EventKind::Escalated { .. }
            | EventKind::AgencyPlaced
            | EventKind::LegalFiled
            | EventKind::OptOut { .. }
            | EventKind::Undeliverable => None,
        }
    }

    /// Whether it reaches the person (a communication or a visit), which is what a cap on
    /// contacts counts.
    pub(crate) fn is_contact(&self) -> bool {
        match self {
            EventKind::Call { .. }
            | EventKind::Sms
            | EventKind::Email
            | EventKind::Letter { .. }
            | EventKind::Visit { .. } => true,
            EventKind::Promise { .. }
            | EventKind::Consent { .. }
            | EventKind::DisputeOpened
            | EventKind::DisputeResolved
            | EventKind::Escalated { .. }
            | EventKind::AgencyPlaced
            | EventKind::LegalFiled
            | EventKind::OptOut { .. }
            | EventKind::Undeliverable => false,
        }
    }
}

impl Event {
    pub fn is_outbound(&self) -> bool {
        self.direction == Direction::Outbound
    }

    /// The party the event concerns. Only events that need no party may leave it out
    /// (validation refuses the rest), and those concern the borrower (docs/case.md, history).
    pub fn party(&self) -> &str {
        self.party.as_deref().unwrap_or(BORROWER)
    }

    pub(crate) fn event_type(&self) -> EventType {
        self.kind.event_type()
    }

    /// Whether a filter on call outcomes lets it through: a call whose outcome is among
    /// `outcomes`, or any event when none are named. Only a call has an outcome, so the filter
    /// leaves every other type through.
    pub(crate) fn outcome_in(&self, outcomes: &[CallOutcome]) -> bool {
        let EventKind::Call { outcome } = &self.kind else {
            return true;
        };
        outcomes.is_empty() || outcomes.contains(outcome)
    }
}

impl document::Event {
    /// The event its fields describe, the `i`th of `history`. A field its type does not carry is
    /// refused first (in the document's field order), then a field its type needs that is
    /// missing.
    fn into_event(mut self, i: usize) -> Result<Event, Error> {
        let name = event_name(self.kind);
        // Each type takes its own fields out of the document, so what is left does not apply.
        let taken: Result<EventKind, (&str, &str)> = match self.kind {
            EventType::Call => match self.outcome.take() {
                Some(outcome) => Ok(EventKind::Call { outcome }),
                None => Err(("outcome", "an outcome")),
            },
            EventType::Sms => Ok(EventKind::Sms),
            EventType::Email => Ok(EventKind::Email),
            EventType::Letter => match self.letter.take() {
                Some(kind) => Ok(EventKind::Letter { kind }),
                None => Err(("kind", "a letter kind")),
            },
            EventType::Visit => Ok(EventKind::Visit {
                collectors: self.collectors.take(),
            }),
            EventType::Promise => match (self.date.take(), self.amount.take()) {
                (Some(date), Some(amount)) => Ok(EventKind::Promise { date, amount }),
                (None, _) => Err(("date", "a promised date")),
                (Some(_), None) => Err(("amount", "a promised amount")),
            },
            EventType::Consent => Ok(EventKind::Consent {
                until: self.until.take(),
                scope: self.scope.take(),
            }),
            EventType::DisputeOpened => Ok(EventKind::DisputeOpened),
            EventType::DisputeResolved => Ok(EventKind::DisputeResolved),
            EventType::Escalated => match self.to.take() {
                Some(queue) => Ok(EventKind::Escalated { queue }),
                None => Err(("to", "the queue it moved to")),
            },
            EventType::AgencyPlaced => Ok(EventKind::AgencyPlaced),
            EventType::LegalFiled => Ok(EventKind::LegalFiled),
            EventType::OptOut => match self.medium.take() {
                Some(medium) => Ok(EventKind::OptOut { medium }),
                None => Err(("medium", "a medium")),
            },
            EventType::Undeliverable => Ok(EventKind::Undeliverable),
        };
        let left_over = [
            ("outcome", self.outcome.is_some()),
            ("kind", self.letter.is_some()),
            ("date", self.date.is_some()),
            ("amount", self.amount.is_some()),
            ("until", self.until.is_some()),
            ("collectors", self.collectors.is_some()),
            ("to", self.to.is_some()),
            ("medium", self.medium.is_some()),
            ("scope", self.scope.is_some()),
        ];
        if let Some((field, _)) = left_over.iter().find(|(_, given)| *given) {
            return Err(Error::new(
                ErrorCode::InvalidField,
                format!("history[{i}].{field}"),
                format!("field {field:?} does not apply to a {name} event"),
            ));
        }
        let kind = taken.map_err(|(field, what)| {
            Error::new(
                ErrorCode::InvalidField,
                format!("history[{i}].{field}"),
                format!("a {name} event needs {what}"),
            )
        })?;
        Ok(Event {
            at: self.at,
            party: self.party,
            channel: self.channel,
            direction: self.direction.unwrap_or(Direction::Outbound),
            kind,
        })
    }
}

impl From<Event> for document::Event {
    fn from(e: Event) -> document::Event {
        let mut doc = document::Event {
            at: e.at,
            kind: e.kind.event_type(),
            party: e.party,
            channel: e.channel,
            direction: Some(e.direction),
            outcome: None,
            letter: None,
            date: None,
            amount: None,
            until: None,
            collectors: None,
            to: None,
            medium: None,
            scope: None,
        };
        match e.kind {
            EventKind::Call { outcome } => doc.outcome = Some(outcome),
            EventKind::Letter { kind } => doc.letter = Some(kind),
            EventKind::Visit { collectors } => doc.collectors = collectors,
            EventKind::Promise { date, amount } => {
                doc.date = Some(date);
                doc.amount = Some(amount);
            }
            EventKind::Consent { until, scope } => {
                doc.until = until;
                doc.scope = scope;
            }
            EventKind::Escalated { queue } => doc.to = Some(queue),
            EventKind::OptOut { medium } => doc.medium = Some(medium),
            EventKind::Sms
            | EventKind::Email
            | EventKind::DisputeOpened
            | EventKind::DisputeResolved
            | EventKind::AgencyPlaced
            | EventKind::LegalFiled
            | EventKind::Undeliverable => {}
        }
        doc
    }
}

/// The party id of the borrower in events and decisions.
pub const BORROWER: &str = "borrower";

impl Case {
    /// Reads a case from JSON text, checking shape, types, bounds and consistency.
    pub fn from_json(text: &str) -> Result<Case, Error> {
        let doc: document::Case =
            crate::error::read_object(text, "case", Some(MAX_CASE_BYTES), |e| e)?;
        let document::Case {
            as_of,
            account,
            borrower,
            contacts,
            history,
            extensions,
        } = doc;
        let mut case = Case {
            as_of,
            account,
            borrower,
            contacts,
            history: Vec::new(),
            extensions,
        };
        // Typed into a vector of their own rather than collected in place: the typed event is
        // smaller than its document, so an in-place collect shrinks the allocation with a
        // `realloc`, and for a long history (a few hundred KB, over the allocator's mmap threshold)
        // that shrink is an `mremap` whose smaller chunk, once freed, never raises the threshold
        // past the next history's: every decision then maps, faults in and unmaps fresh pages
        // (about 13% of a 2,000-event decision natively; BENCHMARKS.md, issue 26).
        let parties = case.validate_all_but_events(
            history.len(),
            history
                .iter()
                .map(|e| e.party.as_deref().unwrap_or(BORROWER)),
        )?;
        let mut events = Vec::with_capacity(history.len());
        for (i, e) in history.into_iter().enumerate() {
            case.validate_event_head(
                i,
                e.kind,
                e.at,
                e.party.as_deref(),
                e.channel.as_deref(),
                &parties,
            )?;
            let event = e.into_event(i)?;
            validate_event_data(i, &event)?;
            events.push(event);
        }
        case.history = events;
        Ok(case)
    }

    /// Checks what a single field cannot tell: bounds, signs, references and order in time.
    pub fn validate(&self) -> Result<(), Error> {
        let parties = self
            .validate_all_but_events(self.history.len(), self.history.iter().map(Event::party))?;
        for (i, e) in self.history.iter().enumerate() {
            self.validate_event_head(
                i,
                e.event_type(),
                e.at,
                e.party.as_deref(),
                e.channel.as_deref(),
                &parties,
            )?;
            validate_event_data(i, e)?;
        }
        Ok(())
    }

    /// Everything [`Case::validate`] checks before it reads the events one by one, given how
    /// many there are and the party each names; the party ids the events may name.
    fn validate_all_but_events<'p>(
        &self,
        events: usize,
        parties_named: impl Iterator<Item = &'p str>,
    ) -> Result<BTreeSet<&str>, Error> {
        let limit = |path: &str, n: usize, max: usize| -> Result<(), Error> {
            if n > max {
                Err(Error::new(
                    ErrorCode::LimitExceeded,
                    path,
                    format!("{n} entries; at most {max} are accepted"),
                ))
            } else {
                Ok(())
            }
        };
        limit("history", events, MAX_HISTORY)?;
        limit(
            "account.installments",
            self.account.installments.len(),
            MAX_INSTALLMENTS,
        )?;
        limit(
            "account.payments",
            self.account.payments.len(),
            MAX_PAYMENTS,
        )?;
        limit("account.pauses", self.account.pauses.len(), MAX_PAUSES)?;
        limit("contacts", self.contacts.len(), MAX_CONTACTS)?;
        limit(
            "borrower.channels",
            self.borrower.channels.len(),
            MAX_CHANNELS,
        )?;
        limit(
            "borrower.time_zones",
            self.borrower.time_zones.len(),
            MAX_TIME_ZONES,
        )?;
        limit(
            "borrower.inconvenient_times",
            self.borrower.inconvenient_times.len(),
            MAX_INCONVENIENT,
        )?;
        limit(
            "borrower.pay_days",
            self.borrower.pay_days.len(),
            MAX_PAY_DAYS,
        )?;
        // The channels of every party together: candidates are actions x parties x channels,
        // so this, not each list alone, bounds a decision's work.
        let mut channels = self.borrower.channels.len();
        for (i, c) in self.contacts.iter().enumerate() {
            limit(
                &format!("contacts[{i}].channels"),
                c.channels.len(),
                MAX_CHANNELS,
            )?;
            channels += c.channels.len();
            if channels > MAX_CASE_CHANNELS {
                return Err(Error::new(
                    ErrorCode::LimitExceeded,
                    format!("contacts[{i}].channels"),
                    format!(
                        "the borrower and contacts up to this one have {channels} channels together; at most {MAX_CASE_CHANNELS} are accepted"
                    ),
                ));
            }
        }
        // Events per party: every question about a candidate reads its party's events.
        let mut per_party: BTreeMap<&str, usize> = BTreeMap::new();
        for (i, party) in parties_named.enumerate() {
            let n = per_party.entry(party).or_default();
            *n += 1;
            if *n > MAX_PARTY_EVENTS {
                return Err(Error::new(
                    ErrorCode::LimitExceeded,
                    format!("history[{i}].party"),
                    format!(
                        "more than {MAX_PARTY_EVENTS} events name party {party:?}; at most {MAX_PARTY_EVENTS} are accepted"
                    ),
                ));
            }
        }

        non_empty(|| "account.id".into(), &self.account.id)?;
        let cur = &self.account.currency;
        if cur.len() != 3 || !cur.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(Error::new(
                ErrorCode::InvalidField,
                "account.currency",
                format!("expected an ISO 4217 code of three capital letters, found {cur:?}"),
            ));
        }

        let (mut due_total, mut paid_total) = (0i64, 0i64);
        for (i, inst) in self.account.installments.iter().enumerate() {
            non_negative(|| format!("account.installments[{i}].amount"), inst.amount)?;
            add_total(
                &mut due_total,
                inst.amount,
                || format!("account.installments[{i}].amount"),
                "installment amounts",
            )?;
            if let Some(paid) = inst.paid {
                non_negative(|| format!("account.installments[{i}].paid"), paid)?;
            }
        }
        let as_of = self.as_of;
        for (i, p) in self.account.payments.iter().enumerate() {
            non_negative(|| format!("account.payments[{i}].amount"), p.amount)?;
            add_total(
                &mut paid_total,
                p.amount,
                || format!("account.payments[{i}].amount"),
                "payments",
            )?;
            not_after(|| format!("account.payments[{i}].at"), p.at, as_of)?;
        }
        self.validate_ledger()?;
        let mut pauses: Vec<(usize, &Pause)> = self.account.pauses.iter().enumerate().collect();
        for (i, p) in &pauses {
            if p.to < p.from {
                return Err(Error::new(
                    ErrorCode::Inconsistent,
                    format!("account.pauses[{i}].to"),
                    format!("pause ends ({}) before it starts ({})", p.to, p.from),
                ));
            }
        }
        crate::order::sort_by_key(&mut pauses, |(_, p)| (p.from, p.to));
        for w in pauses.windows(2) {
            let ((_, a), (j, b)) = (w[0], w[1]);
            if b.from <= a.to {
                return Err(Error::new(
                    ErrorCode::Inconsistent,
                    format!("account.pauses[{j}]"),
                    format!(
                        "pause {}..{} overlaps pause {}..{}",
                        b.from, b.to, a.from, a.to
                    ),
                ));
            }
        }

        // Ids: contacts and every channel share one namespace per kind so that events can name
        // them without ambiguity.
        let mut party_ids: BTreeSet<&str> = BTreeSet::new();
        party_ids.insert(BORROWER);
        for (i, c) in self.contacts.iter().enumerate() {
            non_empty(|| format!("contacts[{i}].id"), &c.id)?;
            if !party_ids.insert(c.id.as_str()) {
                return Err(Error::new(
                    ErrorCode::Inconsistent,
                    format!("contacts[{i}].id"),
                    format!("duplicate party id {:?}", c.id),
                ));
            }
        }
        let mut channel_ids: BTreeSet<&str> = BTreeSet::new();
        let borrower = self
            .borrower
            .channels
            .iter()
            .enumerate()
            .map(|(j, ch)| (None, j, ch));
        let contacts = self.contacts.iter().enumerate().flat_map(|(i, c)| {
            c.channels
                .iter()
                .enumerate()
                .map(move |(j, ch)| (Some(i), j, ch))
        });
        for (contact, j, ch) in borrower.chain(contacts) {
            let path = || match contact {
                None => format!("borrower.channels[{j}].id"),
                Some(i) => format!("contacts[{i}].channels[{j}].id"),
            };
            non_empty(path, &ch.id)?;
            if !channel_ids.insert(ch.id.as_str()) {
                return Err(Error::new(
                    ErrorCode::Inconsistent,
                    path(),
                    format!("duplicate channel id {:?}", ch.id),
                ));
            }
        }
        let mut zones = BTreeSet::new();
        for (i, z) in self.borrower.time_zones.iter().enumerate() {
            if !zones.insert(z.name()) {
                return Err(Error::new(
                    ErrorCode::Inconsistent,
                    format!("borrower.time_zones[{i}]"),
                    format!("time zone {:?} is listed twice", z.name()),
                ));
            }
        }
        for (i, d) in self.borrower.pay_days.iter().enumerate() {
            if let PayDay::Day(n) = d {
                if !(1..=31).contains(n) {
                    return Err(Error::new(
                        ErrorCode::OutOfRange,
                        format!("borrower.pay_days[{i}]"),
                        format!("a pay day is a day of the month from 1 to 31 or \"last_working_day\", found {n}"),
                    ));
                }
            }
        }
        for (i, t) in self.borrower.inconvenient_times.iter().enumerate() {
            if t.from == t.to {
                return Err(Error::new(
                    ErrorCode::Inconsistent,
                    format!("borrower.inconvenient_times[{i}].to"),
                    "an inconvenient time must not be empty (from equals to)",
                ));
            }
        }
        Ok(party_ids)
    }

    /// The vocabulary of the ledger beyond amounts: who allocates, components, and what each
    /// payment entry points at.
    fn validate_ledger(&self) -> Result<(), Error> {
        let acct = &self.account;
        let explicit = self.host_allocated();
        let with_components = acct.installments.iter().any(|i| i.components.is_some());
        for (i, inst) in acct.installments.iter().enumerate() {
            let at = |f: &str| format!("account.installments[{i}].{f}");
            if inst.settled().is_some() != explicit {
                return Err(Error::new(
                    ErrorCode::Inconsistent,
                    at("paid"),
                    "`paid` is given on some installments and not on others: give it on every installment (the host allocates) or on none (payments are allocated oldest first)",
                ));
            }
            if inst.components.is_some() != with_components {
                return Err(Error::new(
                    ErrorCode::Inconsistent,
                    at("components"),
                    "`components` is given on some installments and not on others: give it on every installment or on none",
                ));
            }
            for (field, c) in [
                ("components", inst.components),
                ("paid_components", inst.paid_components),
            ] {
                let Some(c) = c else { continue };
                for (part, a) in Component::ALL.iter().zip(c.parts()) {
                    non_negative(|| format!("{}.{}", at(field), component_name(*part)), a)?;
                }
                let total = c.total();
                let want = if field == "components" {
                    Some(inst.amount)
                } else {
                    inst.paid
                };
                if let (Some(want), true) = (want, total != want) {
                    return Err(Error::new(
                        ErrorCode::Inconsistent,
                        at(field),
                        format!(
                            "the components add up to {}, not {want}",
                            total.map_or("more than 2^53 - 1".into(), |t| t.to_string())
                        ),
                    ));
                }
            }
        }
        if let Some(Allocation::Order(order)) = &acct.allocation {
            let distinct: BTreeSet<&Component> = crate::order::set_of(order);
            if order.len() != 4 || distinct.len() != 4 {
                return Err(Error::new(
                    ErrorCode::InvalidField,
                    "account.allocation",
                    "an allocation order names each of principal, interest, fees and penalties once",
                ));
            }
        }
        if let Some(t) = acct.arrears_tolerance {
            non_negative(|| "account.arrears_tolerance".into(), t)?;
        }
        let mut ids: std::collections::BTreeMap<&str, usize> = Default::default();
        for (i, p) in acct.payments.iter().enumerate() {
            if let Some(id) = &p.id {
                non_empty(|| format!("account.payments[{i}].id"), id)?;
                if ids.insert(id.as_str(), i).is_some() {
                    return Err(Error::new(
                        ErrorCode::Inconsistent,
                        format!("account.payments[{i}].id"),
                        format!("duplicate payment id {id:?}"),
                    ));
                }
            }
        }
        let mut reversed = BTreeSet::new();
        for (i, p) in acct.payments.iter().enumerate() {
            let at = |f: &str| format!("account.payments[{i}].{f}");
            let kind = payment_kind_name(p.kind);
            let misplaced = |f: &str| {
                Error::new(
                    ErrorCode::InvalidField,
                    at(f),
                    format!("field {f:?} does not apply to a {kind}"),
                )
            };
            if p.reverses.is_some() != (p.kind == PaymentKind::Reversal) {
                return Err(match p.kind {
                    PaymentKind::Reversal => Error::new(
                        ErrorCode::InvalidField,
                        at("reverses"),
                        "a reversal names the id of the entry it cancels in `reverses`",
                    ),
                    _ => misplaced("reverses"),
                });
            }
            if p.component.is_some()
                && matches!(p.kind, PaymentKind::Repayment | PaymentKind::Reversal)
            {
                return Err(misplaced("component"));
            }
            if p.paid.is_some() && p.kind != PaymentKind::Chargeback {
                return Err(misplaced("paid"));
            }
            match p.kind {
                PaymentKind::Waiver | PaymentKind::WriteOff if explicit => {
                    return Err(Error::new(
                        ErrorCode::Inconsistent,
                        at("type"),
                        format!("the installments carry `paid`, so the host has allocated: count a {kind} in their `paid` instead"),
                    ))
                }
                PaymentKind::Chargeback => match p.paid {
                    Some(_) if !explicit => {
                        return Err(Error::new(
                            ErrorCode::Inconsistent,
                            at("paid"),
                            "a chargeback carries `paid` only when the installments do; otherwise repayments are allocated to it",
                        ))
                    }
                    Some(paid) => {
                        non_negative(|| at("paid"), paid)?;
                        if paid > p.amount {
                            return Err(Error::new(
                                ErrorCode::Inconsistent,
                                at("paid"),
                                format!("{paid} paid back on a chargeback of {}", p.amount),
                            ));
                        }
                    }
                    None => {}
                },
                PaymentKind::Reversal => {
                    let target = p.reverses.as_deref().unwrap_or_default();
                    let Some(&j) = ids.get(target) else {
                        return Err(Error::new(
                            ErrorCode::Inconsistent,
                            at("reverses"),
                            format!("no payment has the id {target:?}"),
                        ));
                    };
                    let original = &acct.payments[j];
                    if original.kind == PaymentKind::Reversal {
                        return Err(Error::new(
                            ErrorCode::Inconsistent,
                            at("reverses"),
                            "a reversal cannot be reversed: record the entry again instead",
                        ));
                    }
                    if !reversed.insert(target) {
                        return Err(Error::new(
                            ErrorCode::Inconsistent,
                            at("reverses"),
                            format!("payment {target:?} is reversed twice"),
                        ));
                    }
                    if original.amount != p.amount {
                        return Err(Error::new(
                            ErrorCode::Inconsistent,
                            at("amount"),
                            format!("a reversal cancels the whole entry: {} here, {} on {target:?}", p.amount, original.amount),
                        ));
                    }
                    if p.at < original.at {
                        return Err(Error::new(
                            ErrorCode::Inconsistent,
                            at("at"),
                            format!("the reversal ({}) is earlier than the entry it cancels ({})", p.at, original.at),
                        ));
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Whether the installments carry what is settled on them (the host has allocated).
    pub fn host_allocated(&self) -> bool {
        self.account
            .installments
            .iter()
            .any(|i| i.settled().is_some())
    }

    /// The ledger entries that stand: every payment entry except reversals and what they cancel.
    pub fn standing_payments(&self) -> impl Iterator<Item = &Payment> + '_ {
        let cancelled: BTreeSet<&str> = crate::order::set_of(
            self.account
                .payments
                .iter()
                .filter_map(|p| p.reverses.as_deref()),
        );
        self.account.payments.iter().filter(move |p| {
            p.kind != PaymentKind::Reversal
                && p.id.as_deref().is_none_or(|id| !cancelled.contains(id))
        })
    }

    /// Money received from the borrower: the repayments that stand.
    pub fn repayments(&self) -> impl Iterator<Item = &Payment> + '_ {
        self.standing_payments()
            .filter(|p| p.kind == PaymentKind::Repayment)
    }

    /// What every event is checked for, whatever its type: when it happened and whom it names.
    fn validate_event_head(
        &self,
        i: usize,
        kind: EventType,
        at: Instant,
        party: Option<&str>,
        channel: Option<&str>,
        parties: &BTreeSet<&str>,
    ) -> Result<(), Error> {
        let path = |field: &str| format!("history[{i}].{field}");
        not_after(|| path("at"), at, self.as_of)?;
        // What concerns the account as a whole names no party; a dispute may name none too.
        let party_optional = match kind {
            EventType::Escalated
            | EventType::AgencyPlaced
            | EventType::LegalFiled
            | EventType::DisputeOpened
            | EventType::DisputeResolved => true,
            EventType::Call
            | EventType::Sms
            | EventType::Email
            | EventType::Letter
            | EventType::Visit
            | EventType::Promise
            | EventType::Consent
            | EventType::OptOut
            | EventType::Undeliverable => false,
        };
        match party {
            Some(p) if !parties.contains(p) => {
                return Err(Error::new(
                    ErrorCode::Inconsistent,
                    path("party"),
                    format!("party {p:?} is neither \"borrower\" nor a contact id"),
                ))
            }
            None if !party_optional => {
                return Err(Error::new(
                    ErrorCode::InvalidField,
                    path("party"),
                    format!("a {} event needs a party", event_name(kind)),
                ))
            }
            _ => {}
        }
        if let Some(ch) = channel {
            let party = party.unwrap_or(BORROWER);
            if self.channel(party, ch).is_none() {
                return Err(Error::new(
                    ErrorCode::Inconsistent,
                    path("channel"),
                    format!("channel {ch:?} is not a channel of party {party:?}"),
                ));
            }
        }
        Ok(())
    }

    /// The channel `id` of `party` (`"borrower"` or a contact id).
    pub fn channel(&self, party: &str, id: &str) -> Option<&Channel> {
        self.channels_of(party)?.iter().find(|c| c.id == id)
    }

    pub fn channels_of(&self, party: &str) -> Option<&[Channel]> {
        if party == BORROWER {
            Some(&self.borrower.channels)
        } else {
            self.contact(party).map(|c| c.channels.as_slice())
        }
    }

    pub fn contact(&self, id: &str) -> Option<&Contact> {
        self.contacts.iter().find(|c| c.id == id)
    }

    /// The borrower's zones, falling back to the account's book zone when none are given.
    pub fn borrower_zones(&self) -> Vec<Zone> {
        if self.borrower.time_zones.is_empty() {
            vec![self.account.book_time_zone]
        } else {
            self.borrower.time_zones.clone()
        }
    }
}

pub fn component_name(c: Component) -> &'static str {
    match c {
        Component::Principal => "principal",
        Component::Interest => "interest",
        Component::Fees => "fees",
        Component::Penalties => "penalties",
    }
}

fn payment_kind_name(k: PaymentKind) -> &'static str {
    match k {
        PaymentKind::Repayment => "repayment",
        PaymentKind::Waiver => "waiver",
        PaymentKind::WriteOff => "write_off",
        PaymentKind::Chargeback => "chargeback",
        PaymentKind::Reversal => "reversal",
    }
}

fn event_name(kind: EventType) -> &'static str {
    match kind {
        EventType::Call => "call",
        EventType::Sms => "sms",
        EventType::Email => "email",
        EventType::Letter => "letter",
        EventType::Visit => "visit",
        EventType::Promise => "promise",
        EventType::Consent => "consent",
        EventType::DisputeOpened => "dispute_opened",
        EventType::DisputeResolved => "dispute_resolved",
        EventType::Escalated => "escalated",
        EventType::AgencyPlaced => "agency_placed",
        EventType::LegalFiled => "legal_filed",
        EventType::OptOut => "opt_out",
        EventType::Undeliverable => "undeliverable",
    }
}

/// What the data of the `i`th event's type is checked for, once it is typed.
fn validate_event_data(i: usize, e: &Event) -> Result<(), Error> {
    if let EventKind::Promise { amount, .. } = e.kind {
        non_negative(|| format!("history[{i}].amount"), amount)?;
    }
    Ok(())
}

// The helpers below take the field path as a closure: paths are built only for the error, not
// for every valid field of every case.

/// The largest amount accepted, in minor units: 2^53 - 1, the largest integer every host (a
/// JavaScript number included) holds exactly.
pub const MAX_AMOUNT: i64 = (1 << 53) - 1;

fn non_negative(path: impl FnOnce() -> String, amount: i64) -> Result<(), Error> {
    if amount < 0 {
        Err(Error::new(
            ErrorCode::OutOfRange,
            path(),
            format!("amounts must not be negative, found {amount}"),
        ))
    } else if amount > MAX_AMOUNT {
        Err(Error::new(
            ErrorCode::OutOfRange,
            path(),
            format!("amounts are at most {MAX_AMOUNT} minor units (2^53 - 1), found {amount}"),
        ))
    } else {
        Ok(())
    }
}

/// A running total of amounts, refused once it passes [`MAX_AMOUNT`], so that every sum the
/// engine forms later (overdue amounts, payments toward a promise) is exact.
fn add_total(
    total: &mut i64,
    amount: i64,
    path: impl FnOnce() -> String,
    what: &str,
) -> Result<(), Error> {
    match total.checked_add(amount).filter(|t| *t <= MAX_AMOUNT) {
        Some(t) => {
            *total = t;
            Ok(())
        }
        None => Err(Error::new(
            ErrorCode::OutOfRange,
            path(),
            format!("{what} add up to more than {MAX_AMOUNT} minor units (2^53 - 1)"),
        )),
    }
}

fn non_empty(path: impl FnOnce() -> String, s: &str) -> Result<(), Error> {
    if s.is_empty() {
        Err(Error::new(
            ErrorCode::InvalidField,
            path(),
            "must not be empty",
        ))
    } else {
        Ok(())
    }
}

fn not_after(path: impl FnOnce() -> String, at: Instant, as_of: Instant) -> Result<(), Error> {
    if at > as_of {
        Err(Error::new(
            ErrorCode::Inconsistent,
            path(),
            format!("{at} is after as_of ({as_of}); a case records only what has happened"),
        ))
    } else {
        Ok(())
    }
}

/// The case and its events as the document gives them, read by serde (their names are the ones
/// the derive's messages give) and typed in [`Case::from_json`].
mod document {
    use super::*;

    // The case as the document gives it: `Case` field for field, its events in their document form,
    // typed once the rest of the case is checked, so that errors come in the order validation finds
    // them.
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct Case {
        pub(super) as_of: Instant,
        pub(super) account: Account,
        pub(super) borrower: Borrower,
        #[serde(default)]
        pub(super) contacts: Vec<Contact>,
        #[serde(default)]
        pub(super) history: Vec<Event>,
        #[serde(default)]
        pub(super) extensions: Option<serde_json::Value>,
    }

    // The document form of an event: the fields every type may give, as the contract spells them.
    // It exists to be read (its shape errors are the derive's) and described (the JSON Schema and the
    // npm types are generated from it); `Event::into_event` turns it into the typed event, the
    // one place that says which fields go with which type. Its doc comment is the schema's.

    /// One thing that happened on the account. Which optional fields apply depends on `type`
    /// (docs/case.md, history); [`Case::validate`] checks the combinations.
    #[derive(Debug, Clone, Deserialize, Serialize)]
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    #[serde(deny_unknown_fields)]
    pub(super) struct Event {
        pub(super) at: Instant,
        #[serde(rename = "type")]
        pub(super) kind: EventType,
        /// `"borrower"` or a contact id.
        #[serde(default)]
        pub(super) party: Option<String>,
        /// A channel id of that party.
        #[serde(default)]
        pub(super) channel: Option<String>,
        #[serde(default)]
        pub(super) direction: Option<Direction>,
        #[serde(default)]
        pub(super) outcome: Option<CallOutcome>,
        /// Letter kind, for `letter` events.
        #[serde(default, rename = "kind")]
        pub(super) letter: Option<LetterKind>,
        /// Promised date (`promise`).
        #[serde(default)]
        pub(super) date: Option<Date>,
        /// Promised amount (`promise`).
        #[serde(default)]
        pub(super) amount: Option<i64>,
        /// Last day a consent covers, inclusive (`consent`).
        #[serde(default)]
        pub(super) until: Option<Date>,
        /// Collectors present (`visit`).
        #[serde(default)]
        pub(super) collectors: Option<u32>,
        /// Queue moved to (`escalated`).
        #[serde(default)]
        pub(super) to: Option<String>,
        /// The medium an `opt_out` covers.
        #[serde(default)]
        pub(super) medium: Option<Medium>,
        /// The limits a `consent` lifts; the policy's default when absent.
        #[serde(default)]
        pub(super) scope: Option<Vec<ConsentLimit>>,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn case_with(history: Value) -> Value {
        json!({
            "as_of": "2026-03-10T14:30:00+08:00",
            "account": { "id": "L-1", "currency": "CNY", "book_time_zone": "Asia/Shanghai" },
            "borrower": { "channels": [
                { "id": "m1", "kind": "mobile" }, { "id": "p1", "kind": "postal" } ] },
            "contacts": [ { "id": "c1", "role": "reference" } ],
            "history": history,
        })
    }

    fn read(history: Value) -> Result<Case, Error> {
        Case::from_json(&case_with(history).to_string())
    }

    #[test]
    fn every_type_reads_into_its_kind_with_its_data_and_writes_back_the_same() {
        let at = "2026-03-01T10:00:00+08:00";
        let history = json!([
            { "at": at, "type": "call", "party": "borrower", "channel": "m1", "outcome": "busy" },
            { "at": at, "type": "sms", "party": "borrower", "direction": "inbound" },
            { "at": at, "type": "email", "party": "c1" },
            { "at": at, "type": "letter", "party": "borrower", "kind": "demand" },
            { "at": at, "type": "visit", "party": "borrower", "collectors": 2 },
            { "at": at, "type": "promise", "party": "borrower", "date": "2026-03-05", "amount": 500 },
            { "at": at, "type": "consent", "party": "borrower", "until": "2026-03-04",
              "scope": ["time"] },
            { "at": at, "type": "dispute_opened" },
            { "at": at, "type": "dispute_resolved", "party": "borrower" },
            { "at": at, "type": "escalated", "to": "legal" },
            { "at": at, "type": "agency_placed" },
            { "at": at, "type": "legal_filed" },
            { "at": at, "type": "opt_out", "party": "borrower", "medium": "text" },
            { "at": at, "type": "undeliverable", "party": "borrower", "channel": "p1" },
        ]);
        let case = read(history).unwrap();
        let kinds: Vec<&EventKind> = case.history.iter().map(|e| &e.kind).collect();
        let date = |d: &str| serde_json::from_value::<Date>(json!(d)).unwrap();
        assert_eq!(
            kinds,
            [
                &EventKind::Call {
                    outcome: CallOutcome::Busy
                },
                &EventKind::Sms,
                &EventKind::Email,
                &EventKind::Letter {
                    kind: LetterKind::Demand
                },
                &EventKind::Visit {
                    collectors: Some(2)
                },
                &EventKind::Promise {
                    date: date("2026-03-05"),
                    amount: 500
                },
                &EventKind::Consent {
                    until: Some(date("2026-03-04")),
                    scope: Some(vec![ConsentLimit::Time])
                },
                &EventKind::DisputeOpened,
                &EventKind::DisputeResolved,
                &EventKind::Escalated {
                    queue: "legal".into()
                },
                &EventKind::AgencyPlaced,
                &EventKind::LegalFiled,
                &EventKind::OptOut {
                    medium: Medium::Text
                },
                &EventKind::Undeliverable,
            ]
        );
        let again = Case::from_json(&serde_json::to_string(&case).unwrap()).unwrap();
        let kinds_again: Vec<&EventKind> = again.history.iter().map(|e| &e.kind).collect();
        assert_eq!(kinds, kinds_again);
        let parties = |c: &Case| -> Vec<Option<String>> {
            c.history.iter().map(|e| e.party.clone()).collect()
        };
        assert_eq!(parties(&case), parties(&again));
    }

    #[test]
    fn a_missing_direction_is_outbound_and_an_event_without_party_concerns_the_borrower() {
        let case = read(json!([
            { "at": "2026-03-01T10:00:00+08:00", "type": "call", "party": "c1", "outcome": "connected" },
            { "at": "2026-03-01T10:00:00+08:00", "type": "agency_placed" },
        ]))
        .unwrap();
        assert_eq!(case.history[0].direction, Direction::Outbound);
        assert!(case.history[0].is_outbound());
        assert_eq!(case.history[1].party, None);
        assert_eq!(case.history[1].party(), BORROWER);
    }

    #[test]
    fn a_field_its_type_does_not_carry_is_refused_before_a_field_it_needs() {
        let err = read(json!([
            { "at": "2026-03-01T10:00:00+08:00", "type": "call", "party": "borrower",
              "date": "2026-03-05" },
        ]))
        .unwrap_err();
        assert_eq!(
            (err.code, err.path.as_str()),
            (ErrorCode::InvalidField, "history[0].date")
        );
        let err = read(json!([
            { "at": "2026-03-01T10:00:00+08:00", "type": "call", "party": "borrower" },
        ]))
        .unwrap_err();
        assert_eq!(err.path, "history[0].outcome");
        assert_eq!(err.message, "a call event needs an outcome");
    }

    #[test]
    fn a_bad_event_is_reported_after_what_the_rest_of_the_case_gets_wrong() {
        let mut doc = case_with(json!([
            { "at": "2026-03-01T10:00:00+08:00", "type": "sms", "party": "borrower",
              "outcome": "busy" },
        ]));
        doc["account"]["id"] = json!("");
        let err = Case::from_json(&doc.to_string()).unwrap_err();
        assert_eq!(err.path, "account.id");
    }
}
