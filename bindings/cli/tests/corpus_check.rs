//! `arrears corpus check`: the one checker of the conformance corpus, over outputs written by the
//! surfaces' runners.

use std::path::{Path, PathBuf};
use std::process::{Command, Output as Run};

use arrears_core::conformance::{falsify_first_claim, Corpus, Output};
use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn scratch(tag: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("arrears-corpus-check-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `arrears corpus check CORPUS OUTPUTS`: the exit code and the summary lines.
fn check(corpus: &Path, outputs: &Path) -> (Option<i32>, Vec<Value>) {
    let run: Run = Command::new(env!("CARGO_BIN_EXE_arrears"))
        .args(["corpus", "check"])
        .arg(corpus)
        .arg(outputs)
        .output()
        .expect("run arrears");
    let lines = String::from_utf8_lossy(&run.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a summary line"))
        .collect();
    (run.status.code(), lines)
}

/// Outputs file of the native engine's answers under each surface name, `change` applied to each
/// output of the surface it names.
fn write_outputs(
    corpus: &Corpus,
    surfaces: &[&str],
    path: &Path,
    change: impl Fn(&str, String) -> String,
) {
    let mut text = String::new();
    for surface in surfaces {
        for case in &corpus.cases {
            let line = Output {
                surface: surface.to_string(),
                case: case.name.clone(),
                output: change(surface, case.native_output()),
            };
            text += &(serde_json::to_string(&line).unwrap() + "\n");
        }
    }
    std::fs::write(path, text).unwrap();
}

/// A copy of the repository's corpus holding its first case only (and every policy file and the
/// digests).
fn one_case_corpus(dir: &Path) -> PathBuf {
    let src = root().join("tests/conformance");
    let corpus = dir.join("corpus");
    let first = Corpus::load(&src).unwrap().cases.remove(0).name;
    std::fs::create_dir_all(corpus.join("cases").join(&first)).unwrap();
    for f in ["case.json", "meta.json", "expected.json", "expected.prose"] {
        std::fs::copy(
            src.join("cases").join(&first).join(f),
            corpus.join("cases").join(&first).join(f),
        )
        .unwrap();
    }
    std::fs::create_dir_all(corpus.join("policies")).unwrap();
    for e in std::fs::read_dir(src.join("policies")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), corpus.join("policies").join(e.file_name())).unwrap();
    }
    std::fs::copy(src.join("digests.json"), corpus.join("digests.json")).unwrap();
    corpus
}

#[test]
fn the_native_outputs_of_the_whole_corpus_pass_for_every_surface_named() {
    let dir = scratch("whole");
    let src = root().join("tests/conformance");
    let corpus = Corpus::load(&src).unwrap();
    let outputs = dir.join("outputs.jsonl");
    write_outputs(&corpus, &["one", "two"], &outputs, |_, o| o);
    let (code, lines) = check(&src, &outputs);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(code, Some(0), "{lines:?}");
    assert_eq!(lines.len(), 2);
    for (line, surface) in lines.iter().zip(["one", "two"]) {
        assert_eq!(line["surface"], surface);
        assert_eq!(line["cases"], corpus.cases.len());
        assert_eq!(line["identical"], corpus.cases.len());
        assert!(line["claims"].as_u64().unwrap() >= 2 * corpus.cases.len() as u64);
        assert_eq!(line["failed_claims"], serde_json::json!([]));
    }
}

#[test]
fn a_falsified_claim_is_reported_once_for_every_surface() {
    let dir = scratch("claim");
    let corpus_dir = one_case_corpus(&dir);
    let corpus = Corpus::load(&corpus_dir).unwrap();
    let case = &corpus.cases[0];
    let mut meta = case.meta.clone();
    let at = falsify_first_claim(&mut meta).expect("the case makes a claim");
    std::fs::write(
        corpus_dir.join("cases").join(&case.name).join("meta.json"),
        meta.to_string(),
    )
    .unwrap();
    let outputs = dir.join("outputs.jsonl");
    write_outputs(&corpus, &["one", "two"], &outputs, |_, o| o);
    let (code, lines) = check(&corpus_dir, &outputs);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(code, Some(1));
    assert_eq!(lines.len(), 2);
    for line in &lines {
        assert_eq!(line["differ"], serde_json::json!([]), "{line}");
        let failed = line["failed_claims"].as_array().unwrap();
        assert_eq!(failed.len(), 1, "{line}");
        let prefix = format!("{}: {at}", case.name);
        assert!(failed[0].as_str().unwrap().starts_with(&prefix), "{line}");
    }
}

#[test]
fn one_surface_whose_bytes_differ_fails_alone() {
    let dir = scratch("byte");
    let corpus_dir = one_case_corpus(&dir);
    let corpus = Corpus::load(&corpus_dir).unwrap();
    let outputs = dir.join("outputs.jsonl");
    // A space the expected bytes do not have: the same JSON, other bytes.
    write_outputs(&corpus, &["right", "wrong"], &outputs, |surface, o| {
        if surface == "wrong" {
            o.replacen(',', ", ", 1)
        } else {
            o
        }
    });
    let (code, lines) = check(&corpus_dir, &outputs);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(code, Some(1));
    assert_eq!(lines[0]["differ"], serde_json::json!([]), "{lines:?}");
    assert_eq!(
        lines[1]["differ"],
        serde_json::json!([corpus.cases[0].name]),
        "{lines:?}"
    );
    assert_eq!(lines[1]["identical"], 0);
}

#[test]
fn a_corpus_that_cannot_be_read_is_exit_2() {
    let dir = scratch("none");
    let outputs = dir.join("outputs.jsonl");
    std::fs::write(&outputs, "").unwrap();
    let (code, lines) = check(&dir.join("no-corpus"), &outputs);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(code, Some(2));
    assert!(lines.is_empty());
}
