//! Writes the JSON Schemas of the contract (case, decision, plan, error, policy) to `schemas/`.
//!
//! Run with `cargo run -p arrears-core --features schema --example write-schemas`. The committed
//! files are checked against the types by the `schemas_are_current` test, so they cannot drift.

fn main() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas");
    std::fs::create_dir_all(&dir).expect("create schemas/");
    for (name, text) in arrears_core::schema::all() {
        let path = dir.join(format!("{name}.schema.json"));
        std::fs::write(&path, text).expect("write schema");
        println!("wrote {}", path.display());
    }
}
