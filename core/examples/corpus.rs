//! Runs the conformance corpus on the native engine and prints a one-line JSON summary, the same
//! shape every surface's runner prints for `scripts/conformance.sh`: the bytes (with the policy
//! digest masked) against the case's two expected files joined, the digest against `digests.json`, and each case's claims. A plan case
//! (`"plan_days"` in its meta.json) is planned over that many days instead of decided.
//!
//! `cargo run -p arrears-core --example corpus -- tests/conformance`

#[path = "../../tests/conformance/claims.rs"]
mod claims;
#[path = "../../tests/conformance/expected.rs"]
mod expected;

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
    let digests: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("digests.json")).unwrap_or_default(),
    )
    .unwrap_or_default();
    let (mut differ, mut failed, mut claim_total) = (Vec::new(), Vec::new(), 0);
    for dir in &dirs {
        let name = dir
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let read = |f: &str| std::fs::read_to_string(dir.join(f)).unwrap_or_default();
        let meta: serde_json::Value = serde_json::from_str(&read("meta.json")).unwrap_or_default();
        let reference = meta["policy"].as_str().unwrap_or_default();
        let policy = if reference.ends_with(".json") {
            std::fs::read_to_string(root.join(reference)).unwrap_or_default()
        } else {
            reference.to_string()
        };
        let (Ok(out) | Err(out)) = match claims::plan_days(&meta) {
            Ok(None) => arrears_core::ffi::decide(&policy, &read("case.json")),
            Ok(Some(days)) => arrears_core::ffi::plan(&policy, &read("case.json"), days),
            Err(problem) => {
                failed.push(format!("{name}: {problem}"));
                differ.push(name);
                continue;
            }
        };
        let want = expected::join(&read("expected.json"), &read("expected.prose"));
        if want.as_deref() != Ok(&(claims::mask_digests(&out).0 + "\n")) {
            differ.push(name.clone());
        }
        if let Some(problem) = claims::digest_problem(&digests, reference, &out) {
            failed.push(format!("{name}: {problem}"));
        }
        let output = serde_json::from_str(&out).unwrap_or_default();
        claim_total += claims::claim_count(&meta);
        for f in claims::claim_failures(&meta, &output) {
            failed.push(format!("{name}: {f}"));
        }
    }
    println!(
        "{}",
        serde_json::json!({ "surface": "native (Rust)", "cases": dirs.len(), "identical": dirs.len() - differ.len(), "differ": differ, "claims": claim_total, "failed_claims": failed })
    );
    std::process::exit(i32::from(!differ.is_empty() || !failed.is_empty()));
}
