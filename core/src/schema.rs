//! JSON Schemas of the contract, generated from the Rust types so that they cannot disagree.

use schemars::{schema_for, JsonSchema};

/// The wire form of an error: `{"error": {...}}`.
#[derive(JsonSchema)]
#[allow(dead_code)]
struct ErrorEnvelope {
    error: crate::error::Error,
}

/// `(name, pretty JSON text)` of every schema: case, decision, error, policy.
pub fn all() -> Vec<(&'static str, String)> {
    let text = |s: schemars::Schema| {
        let mut t = serde_json::to_string_pretty(&s).unwrap_or_default();
        t.push('\n');
        t
    };
    vec![
        ("case", text(schema_for!(crate::case::Case))),
        ("decision", text(schema_for!(crate::decision::Decision))),
        ("error", text(schema_for!(ErrorEnvelope))),
        ("policy", text(schema_for!(crate::policy::PolicyDocument))),
        (
            "lender-policy",
            text(schema_for!(crate::policy::layering::LenderDocument)),
        ),
    ]
}
