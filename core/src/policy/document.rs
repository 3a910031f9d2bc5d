//! The policy document: everything a jurisdiction or a lender decides, as data.
//!
//! The engine has no code path that names a pack. Stages, the action catalogue, contact windows,
//! caps, rest patterns, party rules, prerequisites, status overrides, queues, escalation triggers and
//! the disclosure matrix are all entries here, each with an `id` (what a verdict cites as its
//! `rule`) and a `cite` (the article or seed section it comes from).
//!
//! Rules apply to candidate actions through a [`Selector`], and most carry a [`Condition`]: a small
//! closed vocabulary of facts about the case (flags, roles, days past due, promises, letters sent,
//! lost contact) that the engine can evaluate not only *now* but over time, which is what makes an
//! exact `next_allowed_at` possible.

use serde::{Deserialize, Serialize};

use crate::case::{
    AccountFlags, BorrowerFlags, CallOutcome, ChannelKind, ConsentLimit, Direction, EventType,
    LetterKind, Medium, RiskGrade, Role,
};
use crate::time::{ClockTime, Date, Weekday, Zone};

pub use super::kinds::{Comparable, RuleDef, RuleKind, TriggerDef, TriggerMove};

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PolicyDocument {
    /// Stable identifier, e.g. `acme-consumer-loans`.
    pub id: String,
    /// The document's own version, reported in every decision.
    pub version: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// The pack this document was composed over (set by the loader for lender documents).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extends: Option<String>,
    /// The first business date this version is in force.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_from: Option<Date>,
    pub delinquency: DelinquencyRules,
    /// Ordered, non-overlapping DPD ranges; the last is open-ended. At most one pre-due stage.
    pub stages: Vec<StageDef>,
    #[serde(default)]
    pub calendar: CalendarDef,
    /// The accounts the policy is written for: their currencies and zones. A case outside them is
    /// still decided, with the `market_mismatch` warning. Absent: any currency and zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub market: Option<MarketDef>,
    /// The products the policy tells apart (online lending, bank credit, microfinance, ...),
    /// each governed by its own instruments: a rule's selector may list the products it applies
    /// to (`applies_to.products`). A case names its product in `account.product`; a case whose
    /// product is absent or not in this list is taken to be any of them, so every rule applies.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub products: Vec<ProductDef>,
    /// The action catalogue: every action a rule or step may name.
    pub actions: Vec<ActionDef>,
    #[serde(default)]
    pub contact: ContactDefs,
    /// Contact rules: windows, caps, rest patterns, prohibitions and prerequisites.
    #[serde(default)]
    pub rules: Vec<RuleDef>,
    /// The strategy ladder: which actions each stage calls for, in order of preference.
    #[serde(default)]
    pub strategy: Vec<StepDef>,
    /// The order in which to try parties and channels when the law allows several at once
    /// (mobile, home, work, then contacts): the first entry a candidate matches ranks it; a
    /// candidate no entry matches comes after every one that does. Empty: strategy order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub call_order: Vec<CallOrderEntry>,
    /// Status overrides in order of precedence (the first that holds names the state).
    #[serde(default)]
    pub statuses: Vec<StatusDef>,
    /// Queues, in tier order (escalating "one tier" moves one place down this list).
    pub queues: Vec<QueueDef>,
    /// Escalation triggers, applied in order on top of the stage's queue.
    #[serde(default)]
    pub escalation: Vec<TriggerDef>,
    /// The disclosure matrix.
    #[serde(default)]
    pub disclosures: Vec<DisclosureDef>,
    /// What the lender must do by a deadline once an event starts the clock (a notice within
    /// N days of the first communication), reported in every decision while open.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub obligations: Vec<ObligationDef>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DelinquencyRules {
    /// Days after a due date before days past due start counting.
    #[serde(default)]
    pub grace_days: u32,
    /// An installment counts as paid once what is unpaid on it is at most this (minor units).
    #[serde(default)]
    pub arrears_tolerance: i64,
    /// How many days before a due date the pre-due stage begins (0 = only on the due day).
    #[serde(default)]
    pub pre_due_days: u32,
    /// Months of installments looked back at when computing a missing risk grade.
    #[serde(default = "three")]
    pub risk_lookback_months: u32,
    pub cite: String,
}

fn three() -> u32 {
    3
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct StageDef {
    pub id: String,
    /// The rule id the trace cites for placing an account in this stage.
    pub rule: String,
    pub label: String,
    /// First DPD of the stage. Absent on the pre-due stage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_dpd: Option<u32>,
    /// Last DPD of the stage, inclusive; absent on the last, open-ended stage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_dpd: Option<u32>,
    /// The stage of accounts with nothing past due and an installment due within
    /// `delinquency.pre_due_days`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub pre_due: bool,
    /// The queue that owns accounts in this stage before any trigger applies.
    pub queue: String,
    pub cite: String,
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CalendarDef {
    /// Days that are rest days unless listed as working days.
    #[serde(default)]
    pub weekend: Vec<Weekday>,
    /// Public holidays, inclusive ranges.
    #[serde(default)]
    pub holidays: Vec<HolidayDef>,
    /// Make-up working days: weekend dates that are working days.
    #[serde(default)]
    pub working_days: Vec<Date>,
    /// The years the holiday list is complete for. When given, a decision whose business date or
    /// any instant it reports falls in another year carries the `calendar_not_covered` warning.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub years: Vec<i32>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub cite: String,
}

/// The market a policy governs: a case kept in another currency, or booked in or reaching a
/// borrower in another zone, is one the policy was not written for (its hours, calendar and
/// amounts may not mean what they say there).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct MarketDef {
    /// ISO 4217 codes of the currencies accounts are kept in, e.g. `CNY`.
    pub currencies: Vec<String>,
    /// IANA zones of the book and of the borrowers, e.g. `Asia/Shanghai`. A link (`US/Eastern`)
    /// is a name of its own: list it too if cases use it.
    pub time_zones: Vec<Zone>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub cite: String,
}

/// A product the policy tells apart, named by the instrument that governs it.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ProductDef {
    /// The value of `account.product` that names it, e.g. `online_lending`.
    pub id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub label: String,
    /// The instrument that governs it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub cite: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct HolidayDef {
    pub name: String,
    pub from: Date,
    pub to: Date,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ActionDef {
    pub id: String,
    pub label: String,
    /// Channel kinds the action goes through; empty for actions that use no channel
    /// (a visit, a referral).
    #[serde(default)]
    pub channels: Vec<ChannelKind>,
    /// Free labels rules can select on: `contact`, `pressure`, `phone`, `legal`, ...
    #[serde(default)]
    pub tags: Vec<String>,
    /// The medium the action communicates through, which an `opt_out` event can name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub medium: Option<Medium>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ContactDefs {
    /// When the borrower counts as lost-contact.
    pub lost_contact: LostContactDef,
    /// How long a direct consent lasts, in days, when it names no `until`.
    pub consent_days: u32,
    /// What a consent lifts, for whom, and what ends it.
    #[serde(default, skip_serializing_if = "is_default_consent")]
    pub consent: ConsentDef,
    pub promises: PromiseDef,
}

impl Default for ContactDefs {
    fn default() -> Self {
        ContactDefs {
            lost_contact: LostContactDef {
                failed_attempts: 3,
                distinct_days: 1,
                channels: Vec::new(),
                failures: default_failures(),
                each_channel: false,
                all_wrong_number: true,
                reset_by: default_resets(),
                cite: String::new(),
            },
            consent_days: 7,
            consent: ConsentDef::default(),
            promises: PromiseDef {
                horizon_days: 3,
                cite: String::new(),
            },
        }
    }
}

/// When the borrower is lost-contact: enough failed attempts to reach them, over enough local
/// days, since the last time they were in touch; or every phone of theirs is a wrong number.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct LostContactDef {
    /// Failed outbound calls to the borrower, since the last reset, that make the borrower
    /// lost-contact (on every channel, with `each_channel`).
    pub failed_attempts: u32,
    /// The failed calls fall on at least this many different local days (of the borrower's
    /// first zone).
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub distinct_days: u32,
    /// The borrower's channel kinds whose calls count; empty means any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub channels: Vec<ChannelKind>,
    /// Call outcomes that count as a failed attempt.
    #[serde(
        default = "default_failures",
        skip_serializing_if = "is_default_failures"
    )]
    pub failures: Vec<CallOutcome>,
    /// Every one of the borrower's channels (of `channels`) must have failed `failed_attempts`
    /// times on `distinct_days` days, rather than all of them together.
    #[serde(default, skip_serializing_if = "is_false")]
    pub each_channel: bool,
    /// A `wrong_number` as the last outcome on every borrower phone also makes the borrower
    /// lost-contact.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub all_wrong_number: bool,
    /// What puts the borrower back in touch and starts the count again.
    #[serde(default = "default_resets", skip_serializing_if = "is_default_resets")]
    pub reset_by: Vec<ContactReset>,
    pub cite: String,
}

// Fields left at their defaults are left out of the canonical form, so that a document that
// spells a default out has the digest of one that does not.
fn one() -> u32 {
    1
}

fn is_one(n: &u32) -> bool {
    *n == 1
}

fn is_true(b: &bool) -> bool {
    *b
}

fn is_default_failures(v: &[CallOutcome]) -> bool {
    v == default_failures().as_slice()
}

fn is_default_resets(v: &[ContactReset]) -> bool {
    v == default_resets().as_slice()
}

fn is_default_consent(c: &ConsentDef) -> bool {
    *c == ConsentDef::default()
}

fn yes() -> bool {
    true
}

fn default_failures() -> Vec<CallOutcome> {
    vec![
        CallOutcome::NoAnswer,
        CallOutcome::Busy,
        CallOutcome::Voicemail,
        CallOutcome::WrongNumber,
    ]
}

fn default_resets() -> Vec<ContactReset> {
    vec![ContactReset::ConnectedCall, ContactReset::RefusedCall]
}

/// An event that shows the borrower is in touch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ContactReset {
    /// A call with the borrower that connected, in either direction.
    ConnectedCall,
    /// A call the borrower answered and declined.
    RefusedCall,
    /// Any call the borrower made.
    InboundCall,
    /// A text or email the borrower sent.
    InboundMessage,
    /// A promise to pay.
    Promise,
    /// A payment.
    Payment,
}

/// What a direct consent does (its duration is `consent_days` or its own `until`).
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ConsentDef {
    /// The limits a consent lifts when the event names no `scope`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub default_scope: Vec<ConsentLimit>,
    /// What ends a consent before its time runs out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ends_on: Vec<ConsentEnd>,
    /// A consent that names a channel lifts limits on that channel only.
    #[serde(default, skip_serializing_if = "is_false")]
    pub per_channel: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub cite: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ConsentEnd {
    /// The next telephone conversation with the party who consented (the conversation itself is
    /// still covered).
    Conversation,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PromiseDef {
    /// A promise dated further than this many days after it was made is not honoured.
    pub horizon_days: u32,
    pub cite: String,
}

/// Whether an entry is part of the regulatory floor or of the lender's strategy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Layer {
    Floor,
    #[default]
    Strategy,
}

impl Layer {
    pub fn is_strategy(&self) -> bool {
        *self == Layer::Strategy
    }
}

/// Which candidates a rule applies to. Every non-empty list must match; an empty selector
/// matches every candidate.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Selector {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<String>,
    /// Matches an action carrying any of these tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parties: Vec<PartyKind>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub channels: Vec<ChannelKind>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stages: Vec<String>,
    /// Matches accounts of these products (ids of the policy's `products`). A case whose
    /// product is absent or unknown to the policy matches every list: the rule applies.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub products: Vec<String>,
    /// Matches only while this holds at `as_of` for the candidate (e.g. a risk grade).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Condition>,
}

/// A kind of party: the borrower, a contact role, or a non-person recipient of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum PartyKind {
    Borrower,
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
    Voicemail,
    PostalEnvelope,
}

impl PartyKind {
    pub fn of_role(role: Role) -> PartyKind {
        match role {
            Role::Spouse => PartyKind::Spouse,
            Role::Parent => PartyKind::Parent,
            Role::Guardian => PartyKind::Guardian,
            Role::Guarantor => PartyKind::Guarantor,
            Role::CoBorrower => PartyKind::CoBorrower,
            Role::Reference => PartyKind::Reference,
            Role::Employer => PartyKind::Employer,
            Role::Attorney => PartyKind::Attorney,
            Role::EstateRepresentative => PartyKind::EstateRepresentative,
            Role::Other => PartyKind::Other,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct WindowDef {
    /// Allowed inside any of these slots.
    pub slots: Vec<SlotDef>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SlotDef {
    /// The days the slot starts on. `from` later than `to` crosses midnight into the next day.
    pub days: Vec<DayKind>,
    pub from: ClockTime,
    pub to: ClockTime,
    /// Whether the instant `from` itself is inside the slot. A text that allows contact "after
    /// 8:00" leaves 08:00:00 out (`false`); one that forbids it "before 8:00" lets it in (the
    /// default).
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub from_included: bool,
    /// Whether the instant `to` itself is inside the slot. A text that forbids contact "after
    /// 10:00 P.M." lets 22:00:00 in (`true`); one that allows it "before 9:00 p.m." leaves it out
    /// (the default).
    #[serde(default, skip_serializing_if = "is_false")]
    pub to_included: bool,
}

/// A day selector: a weekday, or a day type from the policy's calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    Any,
    /// Not a holiday, and a weekday or a make-up working day.
    WorkingDay,
    /// A weekend day that is not a make-up working day, or a holiday.
    NonWorkingDay,
    Holiday,
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl DayKind {
    /// Whether a day with this weekday, working-day status and holiday status matches.
    pub fn matches(self, weekday: Weekday, working: bool, holiday: bool) -> bool {
        match self {
            DayKind::Any => true,
            DayKind::WorkingDay => working,
            DayKind::NonWorkingDay => !working,
            DayKind::Holiday => holiday,
            DayKind::Mon => weekday == Weekday::Mon,
            DayKind::Tue => weekday == Weekday::Tue,
            DayKind::Wed => weekday == Weekday::Wed,
            DayKind::Thu => weekday == Weekday::Thu,
            DayKind::Fri => weekday == Weekday::Fri,
            DayKind::Sat => weekday == Weekday::Sat,
            DayKind::Sun => weekday == Weekday::Sun,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CapDef {
    /// What counts toward the cap.
    pub counts: CountKind,
    /// Events that do not count.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude: Vec<Exclusion>,
    /// Only calls with one of these outcomes count (other kinds of event are not filtered);
    /// empty means every outcome.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outcomes: Vec<CallOutcome>,
    /// Events with parties of these kinds do not count (persons a regulation exempts).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude_parties: Vec<PartyKind>,
    /// Whose events count: the candidate's party, its channel, the debtor (every party of the
    /// account), or the whole account.
    pub scope: Scope,
    pub period: Period,
    /// The action is allowed only while fewer than this many counted events fall in the period.
    pub limit: u32,
    /// Count only events at these local times of day, and block only during them (a cap per
    /// morning, say). Whole days when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<HoursDef>,
}

/// A part of the local day, `from` inclusive to `to` exclusive (`24:00` is the end of the day).
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct HoursDef {
    pub from: ClockTime,
    pub to: ClockTime,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RestDef {
    pub counts: CountKind,
    pub scope: Scope,
    /// Consecutive local days with counted events that start a rest.
    pub streak_days: u32,
    /// Local days without the action that follow such a streak.
    pub rest_days: u32,
}

/// What a cap or rest pattern counts, from `history`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum CountKind {
    /// Outbound calls, whatever the outcome.
    PlacedCall,
    /// Outbound calls that connected to the party.
    ConnectedCall,
    /// Outbound calls that did not reach the party (no answer, busy, voicemail).
    UnansweredAttempt,
    /// Calls in either direction in which the party was spoken to.
    Conversation,
    /// Outbound SMS and email.
    Message,
    Letter,
    Visit,
    /// Any outbound communication: call, SMS, email, letter or visit.
    Contact,
    /// Outbound text messages.
    Text,
    /// Outbound emails.
    Email,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Exclusion {
    /// Calls the party made.
    Inbound,
    /// Calls that never connected to the dialled number (busy signal, not in service).
    NotConnected,
    /// Calls placed while a direct consent of the party lifting `frequency` covered them: such
    /// calls neither count toward the cap nor are limited by it. A conversation still counts as
    /// one when it was had on a consented call (a conversation is not a placed call).
    UnderConsent,
    /// Calls that reached a wrong number.
    WrongNumber,
    /// Events before the party's latest request to be contacted (a call or message from them, or
    /// a consent): a request reopens what the cap closed.
    BeforeRequest,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    Party,
    Channel,
    /// The debtor: every party of the account together (`debtor` is accepted as its name too;
    /// every event a cap can count names a party).
    #[serde(alias = "debtor")]
    Account,
}

/// The period a cap counts over: N local calendar days ending today (today is day N; `1` is
/// the current local day), or the whole history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Days(u32),
    Ever,
}

/// A fact about the case, evaluated for a candidate (its party and channel) over time.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    All(Vec<Condition>),
    Any(Vec<Condition>),
    Not(Box<Condition>),
    Always,
    Never,
    /// A borrower flag is set.
    BorrowerFlag(BorrowerFlag),
    /// An account flag is set.
    AccountFlag(AccountFlag),
    /// The candidate's party is of one of these kinds.
    Party(Vec<PartyKind>),
    /// The candidate's party is a contact legally part of the debt.
    DebtRelated,
    /// The candidate's party objected to being contacted.
    Objected,
    /// The candidate's party has a verified identity (the borrower always has).
    Verified,
    /// The candidate's channel is opted out (the address).
    OptedOut,
    /// The candidate's party opted out (an `opt_out` event) of the medium of the candidate's
    /// action, or of every medium.
    OptedOutMedium,
    /// The case names a contact of one of these kinds.
    HasContact(Vec<PartyKind>),
    /// The borrower has a channel of one of these kinds.
    BorrowerHasChannel(Vec<ChannelKind>),
    /// The candidate's party reached the lender on the candidate's channel (an inbound call or
    /// message from it).
    ChannelUsedByParty,
    /// The one reply to a person who got in touch: the candidate's party last called or wrote
    /// in (an inbound call, text or email) through the candidate's medium, on the candidate's
    /// channel when the event names one, and nothing has gone to them through that medium
    /// since. Each message they send opens one reply.
    ReplyOwed(ReplyOwed),
    /// The candidate's party consented to the use of the candidate's channel (a `consent`
    /// naming it, whatever its scope and however long ago).
    ChannelConsented,
    /// A consent of the candidate's party lifting this limit (its `scope`, or the policy's
    /// default scope) covers the candidate's channel now.
    Consented(ConsentLimit),
    /// The candidate's party asked to be contacted (an inbound call or message, or a consent)
    /// after the last outbound communication with them.
    Requested,
    /// An outbound communication of these event types reached the borrower at least `days`
    /// days ago (the local day it was sent being the first) and was not returned undeliverable
    /// within those days; with `days: 0` (no waiting period) a return recorded at any time
    /// before the decision means it never reached the borrower.
    CommunicationSent(CommunicationSent),
    /// A dispute is open (by flag or event) and not resolved, verified or not.
    DisputeOpen,
    /// The last call on the candidate's channel reached a wrong number.
    WrongNumber,
    /// Something is still owed on the account (past due or not).
    BalanceOutstanding,
    /// The obligation with this id is open (started, not satisfied) for some party.
    ObligationOpen(String),
    /// The obligation with this id is open and past its deadline for some party.
    ObligationOverdue(String),
    /// The candidate's channel reaches a workplace.
    Workplace,
    /// The candidate's party has been contacted (outbound) before.
    ContactedBefore,
    /// An attorney represents the borrower (flag, or an attorney among the contacts).
    AttorneyKnown,
    /// The borrower is lost-contact (see `contact.lost_contact`).
    LostContact,
    /// The borrower has been lost-contact for at least this many days.
    LostContactForDays(u32),
    /// Days past due are at least this.
    DpdAtLeast(u32),
    /// An unpaid installment falls due within this many days (0 = today).
    DueWithinDays(u32),
    RiskGrade(Vec<RiskGrade>),
    Stage(Vec<String>),
    BrokenPromisesAtLeast(u32),
    /// A promise to pay by the borrower is active.
    PromiseActive,
    /// Today is the promised date of an active promise.
    PromiseDay,
    /// A letter of this kind was sent to the borrower at least `days` days ago.
    LetterSent(LetterSent),
    /// The borrower has had a telephone conversation with the collector.
    ConversationHeld,
    /// No conversation with the borrower for at least this many days (counted from the last
    /// conversation, or from the date the account became overdue).
    NoConversationForDays(u32),
    /// A dispute is open and no verification has been sent since it was opened.
    DisputePending,
    /// The history records an event of this type.
    Recorded(RecordedEvent),
    /// The borrower was sent a written reminder no later than the due date of the oldest unpaid
    /// installment: a `reminder` letter, or any outbound text or email (before the due date
    /// there is nothing else a message to the borrower can be about). While nothing is overdue,
    /// any such message counts.
    RemindedBeforeDue,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct LetterSent {
    pub kind: LetterKind,
    /// Calendar days to wait, counted after `working_days` (or after the letter's local date
    /// when there are none): the condition holds from the local midnight that starts the last
    /// of them, so `days: 14` alone holds from the fifteenth day counting the letter's date as
    /// the first.
    #[serde(default)]
    pub days: u32,
    /// Working days of the policy's calendar to count first, after the letter's local date (a
    /// notice assumed received "five days, excluding Saturdays, Sundays and holidays, after"
    /// it is sent): the wait is N working days, then `days` calendar days.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub working_days: u32,
    /// Count from the most recent letter of the kind rather than the first: a letter sent again
    /// starts the wait again.
    #[serde(default, skip_serializing_if = "is_false")]
    pub latest: bool,
    /// Only a letter sent no later than the due date of the oldest unpaid installment counts
    /// (a reminder *before* the due date, not one sent once the account is overdue). While
    /// nothing is overdue, any such letter counts.
    #[serde(default, skip_serializing_if = "is_false")]
    pub before_due: bool,
    /// Only a letter sent after the due date of the oldest unpaid installment counts (a warning
    /// once the account is overdue, not one from an earlier arrear). While nothing is overdue,
    /// no letter counts.
    #[serde(default, skip_serializing_if = "is_false")]
    pub after_due: bool,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ReplyOwed {
    /// Only while the stretch of time the person designated inconvenient, in which they got in
    /// touch, lasts ("respond once at that time"); never when they got in touch at another time.
    #[serde(default, skip_serializing_if = "is_false")]
    pub at_that_time: bool,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CommunicationSent {
    /// Event types that count (`letter`, `email`, `sms`, ...).
    pub types: Vec<EventType>,
    #[serde(default)]
    pub days: u32,
}

/// Events an obligation watches: every non-empty list must match.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct EventPattern {
    pub types: Vec<EventType>,
    /// Outcomes a call must have (other event types are not filtered).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outcomes: Vec<CallOutcome>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub directions: Vec<Direction>,
    /// Letter kinds, for `letter` events.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub letters: Vec<LetterKind>,
}

/// A duty with a deadline: the first event matching `starts` with a party of `parties` starts
/// the clock; an event matching `satisfied_by` for that party (at any time) satisfies it. An
/// account-level event (`agency_placed`, `escalated`, ...: one that names no party) counts for
/// every party the obligation is owed to.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ObligationDef {
    pub id: String,
    pub cite: String,
    #[serde(default, skip_serializing_if = "Layer::is_strategy")]
    pub layer: Layer,
    /// What is owed, as the decision names it (often an action id: `validation_notice`).
    pub obligation: String,
    /// The kinds of party it is owed to.
    pub parties: Vec<PartyKind>,
    /// The obligation exists only while this holds at `as_of`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Condition>,
    pub starts: EventPattern,
    pub satisfied_by: EventPattern,
    /// Days after the starting event's local date, that date excluded, the last being the due
    /// date (due by its end).
    pub due_days: u32,
    /// Count only working days of the policy's calendar.
    #[serde(default, skip_serializing_if = "is_false")]
    pub working_days: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum RecordedEvent {
    Escalated,
    AgencyPlaced,
    LegalFiled,
    Visit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum BorrowerFlag {
    Deceased,
    Bankruptcy,
    DisputeOpen,
    CeaseCommunication,
    AttorneyRepresented,
    Vulnerable,
    Hardship,
    FraudSuspected,
    ComplaintOpen,
    WorkplaceContactProhibited,
}

impl BorrowerFlag {
    pub fn of(self, f: &BorrowerFlags) -> bool {
        match self {
            BorrowerFlag::Deceased => f.deceased,
            BorrowerFlag::Bankruptcy => f.bankruptcy,
            BorrowerFlag::DisputeOpen => f.dispute_open,
            BorrowerFlag::CeaseCommunication => f.cease_communication,
            BorrowerFlag::AttorneyRepresented => f.attorney_represented,
            BorrowerFlag::Vulnerable => f.vulnerable,
            BorrowerFlag::Hardship => f.hardship,
            BorrowerFlag::FraudSuspected => f.fraud_suspected,
            BorrowerFlag::ComplaintOpen => f.complaint_open,
            BorrowerFlag::WorkplaceContactProhibited => f.workplace_contact_prohibited,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum AccountFlag {
    TimeBarred,
    WrittenOff,
    Collateral,
}

impl AccountFlag {
    pub fn of(self, f: &AccountFlags) -> bool {
        match self {
            AccountFlag::TimeBarred => f.time_barred,
            AccountFlag::WrittenOff => f.written_off,
            AccountFlag::Collateral => f.collateral,
        }
    }
}

/// One rung of the strategy ladder: in these stages, this action to these parties.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct StepDef {
    pub id: String,
    pub cite: String,
    /// Stages the step belongs to; empty means every stage.
    #[serde(default)]
    pub stages: Vec<String>,
    pub action: String,
    pub parties: Vec<PartyKind>,
    /// Channel kinds to use; empty means every kind the action goes through.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub channels: Vec<ChannelKind>,
    /// The step applies only while this holds: never at all within the horizon, and the step
    /// names no candidate; later, and the candidate is blocked by the step until then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Condition>,
    /// Timing relative to the borrower's pay days (the case's `borrower.pay_days`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pay_day: Option<PayDayTiming>,
}

/// When, relative to a pay day, a step is best (or only) taken: on the day itself, or a number of
/// the policy calendar's working days before or after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PayDayTiming {
    /// 0 for the pay day, -1 for the working day before it, 1 for the working day after; -10 to 10.
    #[serde(default)]
    pub working_days: i32,
    pub mode: PayDayMode,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum PayDayMode {
    /// The plan marks those days and the next action favours them when the law allows several.
    Prefer,
    /// The step is blocked on every other day (and on every day when the case states no pay day).
    Require,
}

/// One rank of the call order: candidates to any of `parties` (empty: any party) on a channel of
/// any of `channels` (empty: any channel).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CallOrderEntry {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parties: Vec<PartyKind>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub channels: Vec<ChannelKind>,
}

impl CallOrderEntry {
    pub fn matches(&self, party: PartyKind, channel: Option<ChannelKind>) -> bool {
        (self.parties.is_empty() || self.parties.contains(&party))
            && (self.channels.is_empty() || channel.is_some_and(|c| self.channels.contains(&c)))
    }
}

/// Where a candidate ranks in a call order: the first entry it matches, after every entry when it
/// matches none.
pub fn call_rank(
    order: &[CallOrderEntry],
    party: PartyKind,
    channel: Option<ChannelKind>,
) -> usize {
    order
        .iter()
        .position(|e| e.matches(party, channel))
        .unwrap_or(order.len())
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct StatusDef {
    pub id: String,
    pub cite: String,
    /// `floor` for what the law demands (a lender document can tighten it, never loosen or drop
    /// it); `strategy` (the default) for the lender's own choices.
    #[serde(default, skip_serializing_if = "Layer::is_strategy")]
    pub layer: Layer,
    pub when: Condition,
    /// The account state this status puts the account in (`suspended`, `estate`, ...).
    pub state: String,
    /// The queue that owns the account under this status, overriding triggers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<String>,
    /// Candidates this status blocks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forbid: Option<Selector>,
    /// The status does not block a candidate at the instants this holds for it (the one reply
    /// to a message the person sent, say). A floor status's exception is part of the floor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unless: Option<Condition>,
    /// Extra steps this status adds to the strategy (the estate route, the attorney route).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<StepDef>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct QueueDef {
    pub id: String,
    pub label: String,
}

/// A disclosure category (docs/decision.md, disclosures).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Category {
    CallerIdentity,
    RequestCallback,
    LocationRequest,
    Creditor,
    DebtExistence,
    AmountDue,
    DaysPastDue,
    PaymentOptions,
    Consequences,
    LegalStatus,
}

impl Category {
    /// Categories that reveal the debt; telling them needs a verified identity.
    pub fn reveals_debt(self) -> bool {
        !matches!(
            self,
            Category::CallerIdentity | Category::RequestCallback | Category::LocationRequest
        )
    }
}

/// One row of the disclosure matrix: for these parties, while `when` holds, `allow` these
/// categories and `deny` those. Denials win over allowances from any row.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DisclosureDef {
    pub id: String,
    pub cite: String,
    /// `floor` for what the law demands (a lender document can tighten it, never loosen or drop
    /// it); `strategy` (the default) for the lender's own choices.
    #[serde(default, skip_serializing_if = "Layer::is_strategy")]
    pub layer: Layer,
    pub parties: Vec<PartyKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Condition>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow: Vec<Category>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deny: Vec<Category>,
}
