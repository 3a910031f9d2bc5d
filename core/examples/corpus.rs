//! Runs the conformance corpus on the native engine and prints a one-line JSON summary, the same
//! shape every surface's runner prints for `scripts/conformance.sh`.
//!
//! `cargo run -p arrears-core --example corpus -- tests/conformance`

use std::path::Path;

fn main() {
    let root = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "tests/conformance".into());
    let root = Path::new(&root);
    let mut dirs: Vec<_> = std::fs::read_dir(root.join("cases"))
        .expect("a corpus directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let mut differ = Vec::new();
    for dir in &dirs {
        let read = |f: &str| std::fs::read_to_string(dir.join(f)).unwrap_or_default();
        let meta: serde_json::Value = serde_json::from_str(&read("meta.json")).unwrap_or_default();
        let reference = meta["policy"].as_str().unwrap_or_default();
        let policy = if reference.ends_with(".json") {
            std::fs::read_to_string(root.join(reference)).unwrap_or_default()
        } else {
            reference.to_string()
        };
        let (Ok(out) | Err(out)) = arrears_core::ffi::decide(&policy, &read("case.json"));
        if out + "\n" != read("expected.json") {
            differ.push(
                dir.file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned(),
            );
        }
    }
    println!(
        "{}",
        serde_json::json!({ "surface": "native (Rust)", "cases": dirs.len(), "identical": dirs.len() - differ.len(), "differ": differ })
    );
    std::process::exit(i32::from(!differ.is_empty()));
}
