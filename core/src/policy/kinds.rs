//! The document entries whose kind is which of several fields is given: contact rules (a window,
//! a cap, a prohibition, ...) and escalation triggers (a queue, or tiers down). They are read
//! straight into their typed kind ([`RuleKind`], [`TriggerMove`]), which everything after the
//! reader matches on; nothing probes optional fields.
//!
//! A document that gives no kind or several is still read, keeping every kind it gives: that is
//! a validation problem (`validate.rs` counts them), reported with the path of the rule in the
//! composed document beside the document's other problems. [`RuleDef::kind`] is `None` for such a
//! rule, and is what everything after validation reads.

use serde::ser::{Serialize, SerializeStruct, Serializer};
use serde::{Deserialize, Deserializer};

use super::document::{CapDef, Condition, Layer, RestDef, Selector, WindowDef};
use super::reader::{read_struct, FieldReader, Source};

/// What a rule does: the field of its kind and that field's value.
#[derive(Debug, Clone, PartialEq)]
pub enum RuleKind {
    /// `window`: allowed only inside these local times, in every borrower time zone.
    Window(WindowDef),
    /// `inconvenient_times: true`: not allowed during the times the borrower designated
    /// inconvenient.
    InconvenientTimes,
    /// `cap`: not allowed while counted events in the period reach the limit.
    Cap(CapDef),
    /// `rest`: after a streak of days with counted events, a number of days without.
    Rest(RestDef),
    /// `forbid_when`: not allowed while the condition holds.
    ForbidWhen(Condition),
    /// `require`: allowed only while the condition holds (a prerequisite).
    Require(Condition),
    /// `obligation`: blocks nothing; an obligation reported with the candidate (two collectors
    /// on a visit).
    Obligation(String),
}

impl RuleKind {
    /// The document's field for the kind.
    pub fn field(&self) -> &'static str {
        match self {
            RuleKind::Window(_) => "window",
            RuleKind::InconvenientTimes => "inconvenient_times",
            RuleKind::Cap(_) => "cap",
            RuleKind::Rest(_) => "rest",
            RuleKind::ForbidWhen(_) => "forbid_when",
            RuleKind::Require(_) => "require",
            RuleKind::Obligation(_) => "obligation",
        }
    }

    /// This kind beside another, when the two limit the same thing in a way that compares: what
    /// layering (is a lender rule looser than the floor's?) and lint (is a rule moot?) compare.
    pub fn beside<'a>(&'a self, other: &'a RuleKind) -> Comparable<'a> {
        match (self, other) {
            (RuleKind::Window(a), RuleKind::Window(b)) => Comparable::Windows(a, b),
            (RuleKind::Cap(a), RuleKind::Cap(b)) => Comparable::Caps(a, b),
            (RuleKind::Rest(a), RuleKind::Rest(b)) => Comparable::Rests(a, b),
            (
                RuleKind::Window(_)
                | RuleKind::InconvenientTimes
                | RuleKind::Cap(_)
                | RuleKind::Rest(_)
                | RuleKind::ForbidWhen(_)
                | RuleKind::Require(_)
                | RuleKind::Obligation(_),
                RuleKind::Window(_)
                | RuleKind::InconvenientTimes
                | RuleKind::Cap(_)
                | RuleKind::Rest(_)
                | RuleKind::ForbidWhen(_)
                | RuleKind::Require(_)
                | RuleKind::Obligation(_),
            ) => Comparable::Unlike,
        }
    }

    /// What an obligation rule reports; `None` for every kind that can block a candidate.
    pub fn obligation(&self) -> Option<&str> {
        match self {
            RuleKind::Obligation(what) => Some(what),
            RuleKind::Window(_)
            | RuleKind::InconvenientTimes
            | RuleKind::Cap(_)
            | RuleKind::Rest(_)
            | RuleKind::ForbidWhen(_)
            | RuleKind::Require(_) => None,
        }
    }
}

/// Two kinds side by side ([`RuleKind::beside`]).
pub enum Comparable<'a> {
    Windows(&'a WindowDef, &'a WindowDef),
    Caps(&'a CapDef, &'a CapDef),
    Rests(&'a RestDef, &'a RestDef),
    /// Two different kinds, or two of a kind that only ever adds to what is forbidden
    /// (inconvenient times, prohibitions, prerequisites, obligations): neither can make the
    /// other looser or moot.
    Unlike,
}

/// One contact rule: the candidates it applies to and its kind, written as exactly one of the
/// fields `window`, `inconvenient_times`, `cap`, `rest`, `forbid_when`, `require` and
/// `obligation`.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleDef {
    pub id: String,
    pub cite: String,
    /// `floor` for what the law demands (a lender document can tighten it, never loosen or drop
    /// it); `strategy` (the default) for the lender's own choices.
    pub layer: Layer,
    pub applies_to: Selector,
    /// Every kind the document gives, in the order of the fields (exactly one when valid).
    kinds: Vec<RuleKind>,
    /// The document wrote `inconvenient_times: false`, which names the field but no rule.
    inconvenient_times_false: bool,
    /// The rule lets the candidate through at every instant at which this holds, whatever its
    /// kind says.
    pub unless: Option<Condition>,
}

impl RuleDef {
    /// The rule's kind: `None` when the document gives none, several, or
    /// `inconvenient_times: false`, all of which validation refuses.
    pub fn kind(&self) -> Option<&RuleKind> {
        match self.kinds.as_slice() {
            [kind] if !self.inconvenient_times_false => Some(kind),
            _ => None,
        }
    }

    /// Every kind the document gives, in the order of the fields, `inconvenient_times` even
    /// when written `false`.
    pub fn kinds_given(&self) -> &[RuleKind] {
        &self.kinds
    }

    /// Whether the document wrote `inconvenient_times: false`.
    pub fn inconvenient_times_false(&self) -> bool {
        self.inconvenient_times_false
    }
}

/// The fields of a rule, in the order the derive gave them (an array of values follows it).
const RULE_FIELDS: &[&str] = &[
    "id",
    "cite",
    "layer",
    "applies_to",
    "window",
    "inconvenient_times",
    "cap",
    "rest",
    "forbid_when",
    "require",
    "obligation",
    "unless",
];

#[derive(Default)]
struct RuleReader {
    id: Option<String>,
    cite: Option<String>,
    layer: Option<Layer>,
    applies_to: Option<Selector>,
    kinds: Vec<(usize, RuleKind)>,
    inconvenient_times_false: bool,
    unless: Option<Option<Condition>>,
}

/// Reads a kind field: `null` gives no kind, as an absent field does.
fn kind<'de, S: Source<'de>, T: Deserialize<'de>>(
    source: &mut S,
    index: usize,
    kinds: &mut Vec<(usize, RuleKind)>,
    make: fn(T) -> RuleKind,
) -> Result<(), S::Error> {
    let value: Option<T> = source.value()?;
    kinds.extend(value.map(|v| (index, make(v))));
    Ok(())
}

impl FieldReader for RuleReader {
    type Value = RuleDef;
    const NAME: &'static str = "RuleDef";
    const FIELDS: &'static [&'static str] = RULE_FIELDS;
    const REQUIRED: &'static [&'static str] = &["id", "cite"];

    fn read<'de, S: Source<'de>>(&mut self, index: usize, s: &mut S) -> Result<(), S::Error> {
        let kinds = &mut self.kinds;
        match index {
            0 => self.id = Some(s.value()?),
            1 => self.cite = Some(s.value()?),
            2 => self.layer = Some(s.value()?),
            3 => self.applies_to = Some(s.value()?),
            4 => kind(s, index, kinds, RuleKind::Window)?,
            5 => {
                if let Some(on) = s.value::<Option<bool>>()? {
                    kinds.push((index, RuleKind::InconvenientTimes));
                    self.inconvenient_times_false = !on;
                }
            }
            6 => kind(s, index, kinds, RuleKind::Cap)?,
            7 => kind(s, index, kinds, RuleKind::Rest)?,
            8 => kind(s, index, kinds, RuleKind::ForbidWhen)?,
            9 => kind(s, index, kinds, RuleKind::Require)?,
            10 => kind(s, index, kinds, RuleKind::Obligation)?,
            _ => self.unless = Some(s.value()?),
        }
        Ok(())
    }

    // `read_struct` has refused a document without the required fields, so the defaults of
    // `id` and `cite` are never taken.
    fn finish(mut self) -> RuleDef {
        crate::order::sort_by_key(&mut self.kinds, |(index, _)| *index);
        RuleDef {
            id: self.id.unwrap_or_default(),
            cite: self.cite.unwrap_or_default(),
            layer: self.layer.unwrap_or_default(),
            applies_to: self.applies_to.unwrap_or_default(),
            kinds: self.kinds.into_iter().map(|(_, kind)| kind).collect(),
            inconvenient_times_false: self.inconvenient_times_false,
            unless: self.unless.flatten(),
        }
    }
}

impl<'de> Deserialize<'de> for RuleDef {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<RuleDef, D::Error> {
        read_struct::<D, RuleReader>(deserializer)
    }
}

/// The canonical form: the fields in order, defaults left out, the kind as its one field.
impl Serialize for RuleDef {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_struct("RuleDef", RULE_FIELDS.len())?;
        out.serialize_field("id", &self.id)?;
        out.serialize_field("cite", &self.cite)?;
        if !self.layer.is_strategy() {
            out.serialize_field("layer", &self.layer)?;
        }
        out.serialize_field("applies_to", &self.applies_to)?;
        for kind in &self.kinds {
            let field = kind.field();
            match kind {
                RuleKind::Window(w) => out.serialize_field(field, w)?,
                RuleKind::InconvenientTimes => {
                    out.serialize_field(field, &!self.inconvenient_times_false)?
                }
                RuleKind::Cap(cap) => out.serialize_field(field, cap)?,
                RuleKind::Rest(rest) => out.serialize_field(field, rest)?,
                RuleKind::ForbidWhen(c) | RuleKind::Require(c) => out.serialize_field(field, c)?,
                RuleKind::Obligation(what) => out.serialize_field(field, what)?,
            }
        }
        if let Some(unless) = &self.unless {
            out.serialize_field("unless", unless)?;
        }
        out.end()
    }
}

/// Where an escalation trigger moves the account: the document says it with `queue` or with
/// `tiers_up`, exactly one of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TriggerMove {
    /// `queue`: to this queue.
    Queue(String),
    /// `tiers_up`: this many tiers down the queue list from where the account stands (at
    /// least 1).
    TiersDown(u32),
}

#[derive(Debug, Clone, PartialEq)]
pub struct TriggerDef {
    pub id: String,
    pub cite: String,
    pub when: Condition,
    /// Every move the document gives, in the order of the fields (exactly one when valid).
    moves: Vec<TriggerMove>,
}

impl TriggerDef {
    /// Where the trigger moves the account: `None` when the document gives neither or both of
    /// `queue` and `tiers_up`, which validation refuses (as it does `tiers_up: 0`).
    pub fn moves_to(&self) -> Option<&TriggerMove> {
        match self.moves.as_slice() {
            [one] => Some(one),
            _ => None,
        }
    }
}

const TRIGGER_FIELDS: &[&str] = &["id", "cite", "when", "queue", "tiers_up"];

#[derive(Default)]
struct TriggerReader {
    id: Option<String>,
    cite: Option<String>,
    when: Option<Condition>,
    queue: Option<Option<String>>,
    tiers_up: Option<Option<u32>>,
}

impl FieldReader for TriggerReader {
    type Value = TriggerDef;
    const NAME: &'static str = "TriggerDef";
    const FIELDS: &'static [&'static str] = TRIGGER_FIELDS;
    const REQUIRED: &'static [&'static str] = &["id", "cite", "when"];

    fn read<'de, S: Source<'de>>(&mut self, index: usize, s: &mut S) -> Result<(), S::Error> {
        match index {
            0 => self.id = Some(s.value()?),
            1 => self.cite = Some(s.value()?),
            2 => self.when = Some(s.value()?),
            3 => self.queue = Some(s.value()?),
            _ => self.tiers_up = Some(s.value()?),
        }
        Ok(())
    }

    // `read_struct` has refused a document without the required fields, so the defaults of
    // `id`, `cite` and `when` are never taken.
    fn finish(self) -> TriggerDef {
        let queue = self.queue.flatten().map(TriggerMove::Queue);
        let tiers = self.tiers_up.flatten().map(TriggerMove::TiersDown);
        TriggerDef {
            id: self.id.unwrap_or_default(),
            cite: self.cite.unwrap_or_default(),
            when: self.when.unwrap_or(Condition::Never),
            moves: queue.into_iter().chain(tiers).collect(),
        }
    }
}

impl<'de> Deserialize<'de> for TriggerDef {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<TriggerDef, D::Error> {
        read_struct::<D, TriggerReader>(deserializer)
    }
}

impl Serialize for TriggerDef {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_struct("TriggerDef", TRIGGER_FIELDS.len())?;
        out.serialize_field("id", &self.id)?;
        out.serialize_field("cite", &self.cite)?;
        out.serialize_field("when", &self.when)?;
        for to in &self.moves {
            match to {
                TriggerMove::Queue(q) => out.serialize_field("queue", q)?,
                TriggerMove::TiersDown(n) => out.serialize_field("tiers_up", n)?,
            }
        }
        out.end()
    }
}

// The JSON Schemas describe the document as written: each kind is an optional field (the reader
// accepts `null` for one). These shapes exist only to derive that description.
#[cfg(feature = "schema")]
mod schema {
    use super::super::document::{CapDef, Condition, Layer, RestDef, Selector, WindowDef};
    use schemars::{JsonSchema, Schema, SchemaGenerator};
    use std::borrow::Cow;

    /// One contact rule. Exactly one of `window`, `inconvenient_times`, `cap`, `rest`,
    /// `forbid_when`, `require` and `obligation` is given: that is the rule's kind.
    #[derive(JsonSchema)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct RuleDef {
        id: String,
        cite: String,
        /// `floor` for what the law demands (a lender document can tighten it, never loosen or drop
        /// it); `strategy` (the default) for the lender's own choices.
        #[serde(default, skip_serializing_if = "Layer::is_strategy")]
        layer: Layer,
        #[serde(default)]
        applies_to: Selector,
        /// Allowed only inside these local times, in every borrower time zone.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        window: Option<WindowDef>,
        /// Not allowed during the times the borrower designated inconvenient.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        inconvenient_times: Option<bool>,
        /// Not allowed while counted events in the period reach the limit.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cap: Option<CapDef>,
        /// After a streak of days with counted events, a number of days without.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rest: Option<RestDef>,
        /// Not allowed while the condition holds.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        forbid_when: Option<Condition>,
        /// Allowed only while the condition holds (a prerequisite).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        require: Option<Condition>,
        /// Obligations the actor must honour when performing the action (e.g. two collectors on a
        /// visit); reported with the action, never evaluated against the future.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        obligation: Option<String>,
        /// The rule does not apply while this holds: it lets the candidate through at every instant
        /// at which the condition is true, whatever its kind says. This is how a limit that the
        /// person's consent lifts (`{"consented": "time"}`), or that binds only below a number of
        /// days past due (`dpd_at_least`), is written. A floor rule's exception is part of the
        /// floor: a lender document cannot widen it, only add rules of its own.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unless: Option<Condition>,
    }

    #[derive(JsonSchema)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct TriggerDef {
        id: String,
        cite: String,
        when: Condition,
        /// Move to this queue...
        #[serde(default, skip_serializing_if = "Option::is_none")]
        queue: Option<String>,
        /// ...or this many tiers further down the queue list from where the account stands.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        tiers_up: Option<u32>,
    }

    impl JsonSchema for super::RuleDef {
        fn schema_name() -> Cow<'static, str> {
            RuleDef::schema_name()
        }
        fn json_schema(generator: &mut SchemaGenerator) -> Schema {
            RuleDef::json_schema(generator)
        }
    }

    impl JsonSchema for super::TriggerDef {
        fn schema_name() -> Cow<'static, str> {
            TriggerDef::schema_name()
        }
        fn json_schema(generator: &mut SchemaGenerator) -> Schema {
            TriggerDef::json_schema(generator)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A rule of every kind, as a document writes it. The exhaustive match makes a new kind add
    /// its own here to compile, and so be read and written by the test below.
    fn one_of_each_kind() -> Vec<(RuleDef, String)> {
        let texts = [
            r#""window": { "slots": [ { "days": ["working_day"], "from": "08:00", "to": "20:00", "from_included": false } ] }"#,
            r#""inconvenient_times": true"#,
            r#""cap": { "counts": "placed_call", "scope": "party", "period": { "days": 7 }, "limit": 7 }"#,
            r#""rest": { "counts": "contact", "scope": "account", "streak_days": 3, "rest_days": 1 }"#,
            r#""forbid_when": { "borrower_flag": "deceased" }"#,
            r#""require": { "letter_sent": { "kind": "validation_notice", "days": 5 } }"#,
            r#""obligation": "two collectors""#,
        ];
        let mut seen = [false; 7];
        let mut out = Vec::new();
        for body in texts {
            let text = format!(r#"{{ "id": "r", "cite": "c", "layer": "floor", {body} }}"#);
            let rule: RuleDef = serde_json::from_str(&text).unwrap();
            let slot = match rule.kind().unwrap() {
                RuleKind::Window(_) => 0,
                RuleKind::InconvenientTimes => 1,
                RuleKind::Cap(_) => 2,
                RuleKind::Rest(_) => 3,
                RuleKind::ForbidWhen(_) => 4,
                RuleKind::Require(_) => 5,
                RuleKind::Obligation(_) => 6,
            };
            seen[slot] = true;
            out.push((rule, text));
        }
        assert_eq!(seen, [true; 7], "a kind has no example");
        out
    }

    #[test]
    fn every_kind_is_written_as_its_field_and_read_back_unchanged() {
        for (rule, text) in one_of_each_kind() {
            let kind = rule.kind().unwrap();
            let written = serde_json::to_value(&rule).unwrap();
            assert!(written.get(kind.field()).is_some(), "{text}");
            let back: RuleDef = serde_json::from_value(written.clone()).unwrap();
            assert_eq!(back, rule, "{text}");
            // Nothing of the document is lost: what is written is what was read.
            let read: serde_json::Value = serde_json::from_str(&text).unwrap();
            let mut read = read.as_object().unwrap().clone();
            read.insert("applies_to".into(), serde_json::json!({}));
            assert_eq!(serde_json::Value::Object(read), written);
        }
    }

    #[test]
    fn the_kinds_given_are_kept_in_field_order_whatever_order_the_document_writes_them() {
        let rule: RuleDef = serde_json::from_str(
            r#"{ "require": "always", "id": "r", "obligation": "two", "cite": "c",
                 "window": null, "forbid_when": "never" }"#,
        )
        .unwrap();
        let fields: Vec<&str> = rule.kinds_given().iter().map(RuleKind::field).collect();
        assert_eq!(fields, ["forbid_when", "require", "obligation"]);
        assert_eq!(rule.kind(), None);
        let written = serde_json::to_string(&rule).unwrap();
        assert_eq!(
            written,
            r#"{"id":"r","cite":"c","applies_to":{},"forbid_when":"never","require":"always","obligation":"two"}"#
        );
    }

    #[test]
    fn inconvenient_times_false_names_the_field_but_gives_no_kind() {
        let rule: RuleDef =
            serde_json::from_str(r#"{ "id": "r", "cite": "c", "inconvenient_times": false }"#)
                .unwrap();
        assert_eq!(rule.kinds_given(), [RuleKind::InconvenientTimes]);
        assert!(rule.inconvenient_times_false());
        assert_eq!(rule.kind(), None);
        let on: RuleDef =
            serde_json::from_str(r#"{ "id": "r", "cite": "c", "inconvenient_times": true }"#)
                .unwrap();
        assert_eq!(on.kind(), Some(&RuleKind::InconvenientTimes));
    }

    #[test]
    fn a_rule_written_as_an_array_of_its_values_is_refused() {
        // The meaning of a positional rule would hang on the order of RULE_FIELDS.
        let err = serde_json::from_str::<RuleDef>(
            r#"["r", "c", "floor", {}, { "slots": [ { "days": ["any"], "from": "08:00", "to": "20:00" } ] }]"#,
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("invalid type: sequence, expected struct RuleDef"),
            "{err}"
        );
    }

    #[test]
    fn shape_errors_name_the_field_as_the_derive_did() {
        let err = |text: &str| {
            serde_json::from_str::<RuleDef>(text)
                .unwrap_err()
                .to_string()
        };
        assert!(
            err(r#"{ "id": "r", "cite": "c", "cap": null, "cap": null }"#)
                .starts_with("duplicate field `cap`")
        );
        assert!(err(r#"{ "id": "r" }"#).starts_with("missing field `cite`"));
        assert!(err(r#"{ "cite": "c" }"#).starts_with("missing field `id`"));
        assert!(err(r#"{ "id": "r", "cite": "c", "windows": {} }"#).starts_with(
            "unknown field `windows`, expected one of `id`, `cite`, `layer`, `applies_to`, `window`"
        ));
        assert!(err(r#""r""#).starts_with("invalid type: string \"r\", expected struct RuleDef"));
        let trigger = serde_json::from_str::<TriggerDef>(r#"{ "id": "t", "cite": "c" }"#);
        assert!(trigger
            .unwrap_err()
            .to_string()
            .starts_with("missing field `when`"));
    }

    #[test]
    fn a_trigger_moves_to_a_queue_or_down_tiers_and_to_neither_when_it_gives_both() {
        let read = |text: &str| serde_json::from_str::<TriggerDef>(text).unwrap();
        let queue = read(r#"{ "id": "t", "cite": "c", "when": "always", "queue": "legal" }"#);
        assert_eq!(queue.moves_to(), Some(&TriggerMove::Queue("legal".into())));
        let tiers = read(r#"{ "id": "t", "cite": "c", "when": "always", "tiers_up": 2 }"#);
        assert_eq!(tiers.moves_to(), Some(&TriggerMove::TiersDown(2)));
        let both =
            read(r#"{ "id": "t", "cite": "c", "when": "always", "tiers_up": 2, "queue": "q" }"#);
        assert_eq!(both.moves_to(), None);
        assert_eq!(
            serde_json::to_string(&both).unwrap(),
            r#"{"id":"t","cite":"c","when":"always","queue":"q","tiers_up":2}"#
        );
        let neither = read(r#"{ "id": "t", "cite": "c", "when": "always", "queue": null }"#);
        assert_eq!(neither.moves_to(), None);
    }

    #[cfg(feature = "schema")]
    #[test]
    fn the_schemas_describe_exactly_the_fields_the_readers_accept() {
        fn properties<T: schemars::JsonSchema>() -> Vec<String> {
            let schema = serde_json::to_value(schemars::schema_for!(T)).unwrap();
            let mut names: Vec<String> = schema["properties"]
                .as_object()
                .unwrap()
                .keys()
                .cloned()
                .collect();
            names.sort();
            names
        }
        let sorted = |fields: &[&str]| {
            let mut v: Vec<String> = fields.iter().map(|f| f.to_string()).collect();
            v.sort();
            v
        };
        assert_eq!(properties::<RuleDef>(), sorted(RULE_FIELDS));
        assert_eq!(properties::<TriggerDef>(), sorted(TRIGGER_FIELDS));
    }
}
