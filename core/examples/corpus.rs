//! Runs the conformance corpus on the native engine and writes its outputs, one JSON line per
//! case (`{"surface", "case", "output"}`), for `arrears corpus check` to hold against the expected
//! bytes, the digests and the claims, as it does every surface's. A plan case (`"plan_days"` in
//! its meta.json) is planned over that many days instead of decided.
//!
//! `cargo run -p arrears-core --example corpus -- tests/conformance | arrears corpus check tests/conformance`

use arrears_core::conformance::{Corpus, Output};

fn main() {
    let root = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "tests/conformance".into());
    let corpus = match Corpus::load(std::path::Path::new(&root)) {
        Ok(corpus) => corpus,
        Err(problem) => {
            eprintln!("{problem}");
            std::process::exit(2);
        }
    };
    for case in &corpus.cases {
        let line = Output {
            surface: "native (Rust)".into(),
            case: case.name.clone(),
            output: case.native_output(),
        };
        println!("{}", serde_json::to_string(&line).unwrap_or_default());
    }
}
