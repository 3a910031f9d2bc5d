//! JSON Schemas of the contract, generated from the Rust types so that they cannot disagree.

use schemars::{generate::SchemaSettings, schema_for, JsonSchema};

/// The wire form of an error: `{"error": {...}}`.
#[derive(JsonSchema)]
#[allow(dead_code)]
struct ErrorEnvelope {
    error: crate::error::Error,
}

/// The schema of what the engine writes (a decision, an error) rather than reads: every field it
/// always writes is `required`, even when its value may be `null`, so a consumer's types (the npm
/// package's are generated from these schemas) never call such a field optional.
fn written<T: JsonSchema>() -> schemars::Schema {
    SchemaSettings::default()
        .for_serialize()
        .into_generator()
        .into_root_schema_for::<T>()
}

/// `(name, pretty JSON text)` of every schema: case, decision, plan, error, policy.
pub fn all() -> Vec<(&'static str, String)> {
    let text = |s: schemars::Schema| {
        // A schema is a tree of JSON values: writing it cannot fail, and an empty schema file
        // would fail the schema test rather than pass silently.
        let mut t = serde_json::to_string_pretty(&s).expect("a schema is JSON");
        t.push('\n');
        t
    };
    vec![
        ("case", text(schema_for!(crate::case::Case))),
        ("decision", text(written::<crate::decision::Decision>())),
        ("plan", text(written::<crate::plan::Plan>())),
        ("error", text(written::<ErrorEnvelope>())),
        ("policy", text(schema_for!(crate::policy::PolicyDocument))),
        (
            "lender-policy",
            text(schema_for!(crate::policy::layering::LenderDocument)),
        ),
    ]
}
