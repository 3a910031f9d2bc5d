//! The committed JSON Schemas must match the Rust types they are generated from.
#![cfg(feature = "schema")]

#[test]
fn schemas_are_current() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas");
    for (name, text) in arrears_core::schema::all() {
        let path = dir.join(format!("{name}.schema.json"));
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == text,
            "{} is out of date; run `cargo run -p arrears-core --features schema --example write-schemas`",
            path.display()
        );
    }
}

/// What the engine writes has every key present (a value that does not apply is `null`), so the
/// decision and error schemas must list every property as required: a generated type that marks
/// `allowed_until` or `next_action` optional makes every consumer check for a key that is always
/// there. The one exception is the keys a case asks for (docs/decision.md, delinquency): written
/// only when the case uses the vocabulary they report, so that older cases keep their bytes.
#[test]
fn every_written_field_is_required() {
    const WRITTEN_WHEN_ASKED: [&str; 3] = [
        "decision/$defs/Delinquency.installments",
        "decision/$defs/Delinquency.overdue_components",
        "decision/$defs/OverdueInstallment.overdue_components",
    ];
    fn walk(at: &str, schema: &serde_json::Value, bad: &mut Vec<String>) {
        match schema {
            serde_json::Value::Object(map) => {
                if let Some(props) = map.get("properties").and_then(|p| p.as_object()) {
                    let required: Vec<&str> = map
                        .get("required")
                        .and_then(|r| r.as_array())
                        .map(|r| r.iter().filter_map(|v| v.as_str()).collect())
                        .unwrap_or_default();
                    for name in props.keys() {
                        let here = format!("{at}.{name}");
                        if WRITTEN_WHEN_ASKED.contains(&here.as_str()) {
                            continue;
                        }
                        if !required.contains(&name.as_str()) {
                            bad.push(format!("{at}.{name}"));
                        }
                    }
                }
                for (k, v) in map {
                    walk(&format!("{at}/{k}"), v, bad);
                }
            }
            serde_json::Value::Array(items) => {
                for v in items {
                    walk(at, v, bad);
                }
            }
            _ => {}
        }
    }
    for (name, text) in arrears_core::schema::all() {
        if name != "decision" && name != "error" {
            continue;
        }
        let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
        let mut bad = Vec::new();
        walk(name, &schema, &mut bad);
        assert!(
            bad.is_empty(),
            "{name}: always written, typed optional: {bad:?}"
        );
    }
}
