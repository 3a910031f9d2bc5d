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
