//! The shared conformance corpus (`tests/conformance/`), run on the native engine.
//!
//! Each case directory holds `case.json` (the case text, passed as is), `meta.json` (the policy:
//! a pack id or a file under `tests/conformance/`) and `expected.json` (the exact output bytes,
//! decision or error, followed by one newline). Every other surface (wasm-bindgen, the WASI
//! component and its hosts) runs the same files and must produce the same bytes.
//!
//! `ARREARS_BLESS=1 cargo test -p arrears-core --test conformance` rewrites the expected files;
//! review the diff before committing, it is the specification.

use std::path::{Path, PathBuf};

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/conformance")
}

/// The output of a corpus case on the native engine: decision JSON or error JSON.
fn run_case(corpus: &Path, case_dir: &Path) -> String {
    let meta: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(case_dir.join("meta.json")).expect("meta.json"),
    )
    .expect("meta.json is JSON");
    let policy = meta["policy"].as_str().expect("meta.policy is a string");
    let policy_text = if policy.ends_with(".json") {
        std::fs::read_to_string(corpus.join(policy)).expect("policy file")
    } else {
        policy.to_string()
    };
    let case = std::fs::read_to_string(case_dir.join("case.json")).expect("case.json");
    match arrears_core::ffi::decide(&policy_text, &case) {
        Ok(out) | Err(out) => out,
    }
}

fn case_dirs(corpus: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(corpus.join("cases"))
        .expect("tests/conformance/cases")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// Names of the cases whose output differs from `expected.json`, byte for byte.
fn mismatches(corpus: &Path) -> Vec<String> {
    let bless = std::env::var_os("ARREARS_BLESS").is_some();
    let mut bad = Vec::new();
    for dir in case_dirs(corpus) {
        let mut got = run_case(corpus, &dir);
        got.push('\n');
        let path = dir.join("expected.json");
        if bless {
            std::fs::write(&path, &got).expect("write expected.json");
            continue;
        }
        let want = std::fs::read(&path).unwrap_or_default();
        if want != got.as_bytes() {
            bad.push(dir.file_name().unwrap().to_string_lossy().into_owned());
        }
    }
    bad
}

#[test]
fn corpus_gives_the_expected_bytes() {
    let corpus = corpus_dir();
    let n = case_dirs(&corpus).len();
    assert!(n >= 25, "the corpus has only {n} cases");
    let bad = mismatches(&corpus);
    assert!(
        bad.is_empty(),
        "{} of {n} corpus cases differ: {bad:?}",
        bad.len()
    );
}

#[test]
fn one_changed_byte_of_expected_output_fails_the_corpus() {
    let corpus = corpus_dir();
    let tmp = std::env::temp_dir().join(format!("arrears-corpus-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let first = case_dirs(&corpus).into_iter().next().expect("a case");
    let copy = tmp.join("cases").join(first.file_name().unwrap());
    std::fs::create_dir_all(&copy).unwrap();
    for f in ["case.json", "meta.json", "expected.json"] {
        std::fs::copy(first.join(f), copy.join(f)).unwrap();
    }
    // Policy files are referenced relative to the corpus root.
    if corpus.join("policies").exists() {
        std::fs::create_dir_all(tmp.join("policies")).unwrap();
        for e in std::fs::read_dir(corpus.join("policies")).unwrap() {
            let e = e.unwrap();
            std::fs::copy(e.path(), tmp.join("policies").join(e.file_name())).unwrap();
        }
    }
    if std::env::var_os("ARREARS_BLESS").is_none() {
        assert!(mismatches(&tmp).is_empty(), "an unchanged copy must pass");
    }
    let mut bytes = std::fs::read(copy.join("expected.json")).unwrap();
    let i = bytes.len() / 2;
    bytes[i] = if bytes[i] == b'x' { b'y' } else { b'x' };
    std::fs::write(copy.join("expected.json"), &bytes).unwrap();
    let bad = if std::env::var_os("ARREARS_BLESS").is_some() {
        vec!["blessing".to_string()]
    } else {
        mismatches(&tmp)
    };
    let _ = std::fs::remove_dir_all(&tmp);
    assert_eq!(bad.len(), 1, "a one-byte change must be caught");
}

#[test]
fn every_blocked_by_in_the_corpus_carries_a_rule_id_and_a_citation() {
    let corpus = corpus_dir();
    let mut checked = 0;
    for dir in case_dirs(&corpus) {
        let text = std::fs::read_to_string(dir.join("expected.json")).unwrap_or_default();
        let Ok(d) = serde_json::from_str::<serde_json::Value>(&text) else {
            continue;
        };
        let reasons = d["actions"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|a| {
                a["blocked_by"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .chain(a["conditions"].as_array().into_iter().flatten())
            })
            .chain(d["status"]["reasons"].as_array().into_iter().flatten())
            .chain(d["queue"]["reasons"].as_array().into_iter().flatten());
        for r in reasons {
            checked += 1;
            let rule = r["rule"].as_str().unwrap_or_default();
            let cite = r["cite"].as_str().unwrap_or_default();
            assert!(
                !rule.trim().is_empty(),
                "{}: a reason without a rule id: {r}",
                dir.display()
            );
            assert!(
                !cite.trim().is_empty(),
                "{}: rule {rule} has no citation",
                dir.display()
            );
        }
    }
    assert!(checked > 100, "only {checked} reasons in the corpus");
}
