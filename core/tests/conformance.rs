//! The shared conformance corpus (`tests/conformance/`), run on the native engine.
//!
//! Each case directory holds `case.json` (the case text, passed as is), `meta.json` (the policy:
//! a pack id or a file under `tests/conformance/`; a description; the `expect` claims; for a plan
//! case, `plan_days`) and `expected.json` (the exact output bytes, decision, plan or error,
//! followed by one newline, with the policy digest written `"digest":"@digest"`). A plan case is
//! planned over its `plan_days` instead of decided. Each case is checked three ways: the bytes, the
//! digest against `digests.json`, and the claims of `meta.json` (`arrears_core::conformance`, the one checker).
//! Every other surface runs the same files with the same checks.
//!
//! `ARREARS_BLESS=1 cargo test -p arrears-core --test conformance` rewrites the expected files
//! whose output changed and `digests.json`; the claims are never rewritten, and must still
//! hold. `ARREARS_CORPUS=DIR` runs (or blesses) another corpus directory instead. `docs/conformance.md` says how to review a re-bless.

use arrears_core::conformance as claims;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// The repository's corpus, or the directory `ARREARS_CORPUS` names (as for every surface's
/// runner): a scratch corpus can be blessed and checked the same way.
fn corpus_dir() -> PathBuf {
    match std::env::var_os("ARREARS_CORPUS") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/conformance"),
    }
}

/// The size floors below hold of the repository's corpus, not of a scratch one.
fn own_corpus() -> bool {
    std::env::var_os("ARREARS_CORPUS").is_none()
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The output of a corpus case on the native engine (decision, plan or error JSON), or what is
/// wrong with its `meta.json`'s `plan_days`; and the `meta.json`.
fn run_case(corpus: &Path, case_dir: &Path) -> (Result<String, String>, Value) {
    let meta = read_json(&case_dir.join("meta.json"));
    let policy = meta["policy"].as_str().expect("meta.policy is a string");
    let policy_text = if policy.ends_with(".json") {
        std::fs::read_to_string(corpus.join(policy)).expect("policy file")
    } else {
        policy.to_string()
    };
    let case = std::fs::read_to_string(case_dir.join("case.json")).expect("case.json");
    let out = claims::plan_days(&meta).map(|days| {
        let (Ok(out) | Err(out)) = match days {
            None => arrears_core::ffi::decide(&policy_text, &case),
            Some(days) => arrears_core::ffi::plan(&policy_text, &case, days),
        };
        out
    });
    (out, meta)
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

fn name(dir: &Path) -> String {
    dir.file_name().unwrap().to_string_lossy().into_owned()
}

/// What a corpus run found: cases whose bytes differ, and every failed digest or claim check as
/// "case: what".
#[derive(Default, Debug)]
struct Report {
    cases: usize,
    claims: usize,
    differ: Vec<String>,
    failed: Vec<String>,
}

fn check_corpus(corpus: &Path, bless: bool) -> Report {
    let digests_path = corpus.join("digests.json");
    let digests = if digests_path.exists() {
        read_json(&digests_path)
    } else {
        Value::Null
    };
    let mut report = Report::default();
    // Blessing records each policy's digest: a string per reference, an object by version for a
    // file of dated versions.
    let mut blessed: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut versioned: BTreeMap<String, bool> = BTreeMap::new();
    for dir in case_dirs(corpus) {
        report.cases += 1;
        let (out, meta) = run_case(corpus, &dir);
        let out = match out {
            Ok(out) => out,
            Err(problem) => {
                report.differ.push(name(&dir));
                report.failed.push(format!("{}: {problem}", name(&dir)));
                continue;
            }
        };
        let reference = meta["policy"].as_str().unwrap_or_default().to_string();
        let (masked, found) = claims::mask_digests(&out);
        let got = masked + "\n";
        let path = dir.join("expected.json");
        let want = std::fs::read(&path).unwrap_or_default();
        if want != got.as_bytes() {
            if bless {
                std::fs::write(&path, &got).expect("write expected.json");
            } else {
                report.differ.push(name(&dir));
            }
        }
        if bless {
            if let Some(d) = found.first() {
                let decision: Value = serde_json::from_str(&out).unwrap_or(Value::Null);
                let version = decision["policy"]["version"].as_str().unwrap_or_default();
                blessed
                    .entry(reference.clone())
                    .or_default()
                    .insert(version.to_string(), d.clone());
                let text = std::fs::read_to_string(corpus.join(&reference)).unwrap_or_default();
                versioned.insert(reference.clone(), text.contains("\"versions\""));
            }
        } else if let Some(problem) = claims::digest_problem(&digests, &reference, &out) {
            report.failed.push(format!("{}: {problem}", name(&dir)));
        }
        let output: Value = serde_json::from_str(&out).unwrap_or(Value::Null);
        report.claims += claims::claim_count(&meta);
        for f in claims::claim_failures(&meta, &output) {
            report.failed.push(format!("{}: {f}", name(&dir)));
        }
    }
    if bless {
        let mut map = serde_json::Map::new();
        for (reference, by_version) in blessed {
            let value = if versioned[&reference] {
                Value::Object(
                    by_version
                        .into_iter()
                        .map(|(v, d)| (v, Value::String(d)))
                        .collect(),
                )
            } else {
                assert_eq!(
                    by_version.len(),
                    1,
                    "{reference}: one policy, several digests"
                );
                Value::String(by_version.into_values().next().unwrap())
            };
            map.insert(reference, value);
        }
        let text = serde_json::to_string_pretty(&Value::Object(map)).unwrap() + "\n";
        if std::fs::read_to_string(&digests_path).ok().as_deref() != Some(text.as_str()) {
            std::fs::write(&digests_path, text).expect("write digests.json");
        }
    }
    report
}

fn blessing() -> bool {
    std::env::var_os("ARREARS_BLESS").is_some()
}

#[test]
fn corpus_gives_the_expected_bytes_digests_and_claims() {
    let corpus = corpus_dir();
    let r = check_corpus(&corpus, blessing());
    if own_corpus() {
        assert!(r.cases >= 25, "the corpus has only {} cases", r.cases);
        assert!(r.claims >= 2 * r.cases, "only {} claims", r.claims);
    }
    assert!(
        r.differ.is_empty() && r.failed.is_empty(),
        "{} of {} corpus cases differ: {:?}\nfailed checks:\n{}",
        r.differ.len(),
        r.cases,
        r.differ,
        r.failed.join("\n")
    );
}

/// A scratch copy of the corpus holding only its first case (and every policy file and the
/// digests), which a test then falsifies in one place.
fn scratch_copy(tag: &str) -> (PathBuf, PathBuf) {
    let corpus = corpus_dir();
    let tmp = std::env::temp_dir().join(format!("arrears-corpus-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let first = case_dirs(&corpus).into_iter().next().expect("a case");
    let copy = tmp.join("cases").join(first.file_name().unwrap());
    std::fs::create_dir_all(&copy).unwrap();
    for f in ["case.json", "meta.json", "expected.json"] {
        std::fs::copy(first.join(f), copy.join(f)).unwrap();
    }
    std::fs::copy(corpus.join("digests.json"), tmp.join("digests.json")).unwrap();
    // Policy files are referenced relative to the corpus root.
    std::fs::create_dir_all(tmp.join("policies")).unwrap();
    for e in std::fs::read_dir(corpus.join("policies")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), tmp.join("policies").join(e.file_name())).unwrap();
    }
    let unchanged = check_corpus(&tmp, false);
    assert!(
        unchanged.differ.is_empty() && unchanged.failed.is_empty(),
        "an unchanged copy must pass: {unchanged:?}"
    );
    (tmp, copy)
}

#[test]
fn one_changed_byte_of_expected_output_fails_the_corpus() {
    if blessing() {
        return; // the corpus is being rewritten under it
    }
    let (tmp, copy) = scratch_copy("byte");
    let mut bytes = std::fs::read(copy.join("expected.json")).unwrap();
    let i = bytes.len() / 2;
    bytes[i] = if bytes[i] == b'x' { b'y' } else { b'x' };
    std::fs::write(copy.join("expected.json"), &bytes).unwrap();
    let r = check_corpus(&tmp, false);
    let _ = std::fs::remove_dir_all(&tmp);
    assert_eq!(r.differ.len(), 1, "a one-byte change must be caught");
}

#[test]
fn one_falsified_claim_fails_the_corpus() {
    if blessing() {
        return; // the corpus is being rewritten under it
    }
    let (tmp, copy) = scratch_copy("claim");
    let mut meta = read_json(&copy.join("meta.json"));
    claims::falsify_first_claim(&mut meta).expect("the case makes a claim");
    std::fs::write(copy.join("meta.json"), meta.to_string()).unwrap();
    let r = check_corpus(&tmp, false);
    let _ = std::fs::remove_dir_all(&tmp);
    assert!(r.differ.is_empty(), "the bytes still agree: {r:?}");
    assert_eq!(r.failed.len(), 1, "the falsified claim must fail: {r:?}");
}

#[test]
fn a_wrong_digest_fails_the_corpus_and_the_bytes_do_not_notice() {
    if blessing() {
        return; // the corpus is being rewritten under it
    }
    let (tmp, copy) = scratch_copy("digest");
    // Flip the digest of the policy the copied case names, whichever case sorts first: flipping
    // the first digest in the file would miss when the first case names another policy.
    let policy = read_json(&copy.join("meta.json"))["policy"]
        .as_str()
        .expect("meta.json names its policy")
        .to_string();
    let mut digests = read_json(&tmp.join("digests.json"));
    let flip = |d: &mut serde_json::Value| {
        let s = d.as_str().expect("a digest").to_string();
        let i = "sha256:".len();
        let flipped = if &s[i..=i] == "0" { "1" } else { "0" };
        *d = serde_json::json!(format!("{}{flipped}{}", &s[..i], &s[i + 1..]));
    };
    match &mut digests[&policy] {
        serde_json::Value::Object(versions) => versions.values_mut().for_each(flip),
        d => flip(d),
    }
    std::fs::write(tmp.join("digests.json"), digests.to_string()).unwrap();
    let r = check_corpus(&tmp, false);
    let _ = std::fs::remove_dir_all(&tmp);
    assert!(r.differ.is_empty(), "{r:?}");
    assert!(
        r.failed.iter().any(|f| f.contains("digest")),
        "a digest that is not the policy's must fail: {r:?}"
    );
}

/// The scratch copy's case made a plan case over `days` days, with claims about the plan, and
/// blessed: its expected bytes are then the plan's.
fn scratch_plan_case(tag: &str, days: u32) -> (PathBuf, PathBuf) {
    let (tmp, copy) = scratch_copy(tag);
    let mut meta = read_json(&copy.join("meta.json"));
    meta["plan_days"] = serde_json::json!(days);
    let case = read_json(&copy.join("case.json"));
    meta["expect"] = serde_json::json!([
        { "at": "days", "is": days },
        { "at": "account_id", "is": case["account"]["id"] }
    ]);
    std::fs::write(copy.join("meta.json"), meta.to_string()).unwrap();
    let blessed = check_corpus(&tmp, true);
    assert!(blessed.failed.is_empty(), "{blessed:?}");
    (tmp, copy)
}

#[test]
fn a_plan_case_is_planned_over_its_days_and_blessed_as_a_plan() {
    if blessing() {
        return; // the corpus is being rewritten under it
    }
    let (tmp, copy) = scratch_plan_case("plan", 3);
    let expected = std::fs::read_to_string(copy.join("expected.json")).unwrap();
    let plan: Value = serde_json::from_str(&expected).unwrap();
    let checked = check_corpus(&tmp, false);
    // Over 4 days instead of 3 the plan's bytes and its claim about the days change.
    let mut meta = read_json(&copy.join("meta.json"));
    meta["plan_days"] = serde_json::json!(4);
    std::fs::write(copy.join("meta.json"), meta.to_string()).unwrap();
    let longer = check_corpus(&tmp, false);
    // Decided instead of planned, it differs as well.
    meta.as_object_mut().unwrap().remove("plan_days");
    std::fs::write(copy.join("meta.json"), meta.to_string()).unwrap();
    let decided = check_corpus(&tmp, false);
    let _ = std::fs::remove_dir_all(&tmp);
    assert_eq!(plan["days"], 3, "{expected}");
    assert!(plan["candidates"].is_array(), "{expected}");
    assert!(expected.contains(r#""digest":"@digest""#), "{expected}");
    assert!(
        checked.differ.is_empty() && checked.failed.is_empty(),
        "{checked:?}"
    );
    assert_eq!(longer.differ.len(), 1, "{longer:?}");
    assert_eq!(longer.failed.len(), 1, "{longer:?}");
    assert_eq!(decided.differ.len(), 1, "{decided:?}");
    assert!(!decided.failed.is_empty(), "{decided:?}");
}

#[test]
fn a_plan_case_whose_days_are_no_whole_number_fails_naming_plan_days() {
    if blessing() {
        return; // the corpus is being rewritten under it
    }
    let (tmp, copy) = scratch_plan_case("plan-days", 3);
    let mut meta = read_json(&copy.join("meta.json"));
    meta["plan_days"] = serde_json::json!("3");
    std::fs::write(copy.join("meta.json"), meta.to_string()).unwrap();
    let r = check_corpus(&tmp, false);
    let _ = std::fs::remove_dir_all(&tmp);
    assert_eq!(r.differ.len(), 1, "{r:?}");
    assert!(
        r.failed.len() == 1 && r.failed[0].contains("plan_days"),
        "{r:?}"
    );
}

#[test]
fn every_blocked_by_in_the_corpus_carries_a_rule_id_and_a_citation() {
    let corpus = corpus_dir();
    let mut checked = 0;
    for dir in case_dirs(&corpus) {
        let text = std::fs::read_to_string(dir.join("expected.json")).unwrap_or_default();
        let Ok(d) = serde_json::from_str::<Value>(&text) else {
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
    assert!(
        checked > 100 || !own_corpus(),
        "only {checked} reasons in the corpus"
    );
}
