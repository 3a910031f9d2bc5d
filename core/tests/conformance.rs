//! The shared conformance corpus (`tests/conformance/`), run on the native engine.
//!
//! Each case directory holds `case.json` (the case text, passed as is), `meta.json` (the policy:
//! a pack id or a file under `tests/conformance/`; a description; the `expect` claims; for a plan
//! case, `plan_days`; the notes of `verdict_changes`) and the output (decision, plan or error)
//! split in two by `arrears_core::conformance::expected`: `expected.json`, what it specifies, with
//! the policy digest written `"digest":"@digest"` and each prose string `"@prose"`, and
//! `expected.prose`, those strings by path. A plan case is planned over its `plan_days` instead of
//! decided. Each case is checked four ways: both expected files, the digest against
//! `digests.json`, the claims of `meta.json` (`arrears_core::conformance`, the one checker), and the note rule:
//! `expected.json` is the verdict `verdicts.json` recorded when the case was added, or one that a
//! note in `meta.json` explains. Every other surface runs the same files with the same checks.
//!
//! `ARREARS_BLESS=1 cargo test -p arrears-core --test conformance` rewrites the expected files
//! whose output changed, `digests.json`, and `verdicts.json` for new cases; the claims and notes
//! are never rewritten, and must still hold. With `ARREARS_RECORD_VERDICTS=1` as well, it records
//! every case's verdict as it now stands, for a change of format that no note could explain. `ARREARS_CORPUS=DIR` runs (or blesses) another corpus
//! directory instead. `docs/conformance.md` says how to review a re-bless.

use arrears_core::conformance as claims;
use arrears_core::conformance::expected;

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

/// What a corpus run found: cases whose expected files differ from the output, and every failed
/// digest, claim or verdict-note check as "case: what".
#[derive(Default, Debug)]
struct Report {
    cases: usize,
    claims: usize,
    differ: Vec<String>,
    failed: Vec<String>,
}

/// The digest of a verdict file's bytes, as `verdicts.json` and the notes name it.
fn verdict_digest(verdict: &[u8]) -> String {
    use sha2::Digest as _;
    let hex: String = sha2::Sha256::digest(verdict)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("sha256:{hex}")
}

/// Why a case's verdict file may not stand as it is: it is neither the verdict `verdicts.json`
/// recorded when the case was added nor one a note in `meta.json`'s `verdict_changes` explains;
/// or a note is malformed. `None` when it may.
fn note_problem(meta: &Value, recorded: Option<&str>, digest: &str) -> Option<String> {
    let notes = match &meta["verdict_changes"] {
        Value::Null => &[][..],
        Value::Array(notes) => notes.as_slice(),
        _ => return Some("meta.json: verdict_changes is not a list".into()),
    };
    for (i, note) in notes.iter().enumerate() {
        let named = note["verdict"]
            .as_str()
            .is_some_and(|d| d.starts_with("sha256:"));
        let why = note["why"].as_str().is_some_and(|w| !w.trim().is_empty());
        if !named || !why || note.as_object().is_some_and(|o| o.len() != 2) {
            return Some(format!(
                "meta.json: verdict_changes[{i}] is not {{\"verdict\": \"sha256:...\", \"why\": \"...\"}}"
            ));
        }
    }
    if recorded == Some(digest) || notes.iter().any(|n| n["verdict"] == digest) {
        return None;
    }
    Some(match recorded {
        None => "verdicts.json does not record this case: bless to record a new case".into(),
        Some(_) => format!(
            "its verdict changed and meta.json does not say why: read the diff of expected.json, \
             then add {{\"verdict\": \"{digest}\", \"why\": \"...\"}} to its \"verdict_changes\""
        ),
    })
}

/// Compares (or under bless writes) one expected file; true when it differed.
fn compare(path: &Path, got: &str, bless: bool) -> bool {
    let want = std::fs::read(path).unwrap_or_default();
    let differs = want != got.as_bytes();
    if differs && bless {
        std::fs::write(path, got).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
    differs
}

/// How a corpus run treats the files it compares with.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    /// Compare, write nothing.
    Check,
    /// Rewrite what differs; record new cases' verdicts.
    Bless,
    /// Bless, and record every case's verdict as it now stands: for a change of the output's
    /// format (a new field in every output), which no verdict note can explain case by case.
    BlessRecordingVerdicts,
}

fn check_corpus(corpus: &Path, bless: bool) -> Report {
    run_corpus(corpus, if bless { Mode::Bless } else { Mode::Check })
}

fn run_corpus(corpus: &Path, mode: Mode) -> Report {
    let bless = mode != Mode::Check;
    let digests_path = corpus.join("digests.json");
    let digests = if digests_path.exists() {
        read_json(&digests_path)
    } else {
        Value::Null
    };
    // The verdict each case had when it was added; a scratch corpus without the file is exempt
    // from the note rule until it is blessed.
    let verdicts_path = corpus.join("verdicts.json");
    let verdicts = verdicts_path.exists().then(|| read_json(&verdicts_path));
    let mut recorded: BTreeMap<String, String> = BTreeMap::new();
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
        let parts = match expected::split(&masked) {
            Ok(parts) => parts,
            Err(problem) => {
                report.differ.push(name(&dir));
                report.failed.push(format!("{}: {problem}", name(&dir)));
                continue;
            }
        };
        // The projection must lose nothing: the parts join back into the output.
        if expected::join(&parts.verdict, &parts.prose).as_deref() != Ok(&(masked + "\n")) {
            report.failed.push(format!(
                "{}: its parts do not join into its output",
                name(&dir)
            ));
        }
        let verdict_path = dir.join("expected.json");
        let verdict_differs = compare(&verdict_path, &parts.verdict, bless);
        let prose_differs = compare(&dir.join("expected.prose"), &parts.prose, bless);
        if (verdict_differs || prose_differs) && !bless {
            report.differ.push(name(&dir));
        }
        if bless || verdicts.is_some() {
            let on_disk = std::fs::read(&verdict_path).unwrap_or_default();
            let digest = verdict_digest(&on_disk);
            // Blessing records a new case's verdict as it stands.
            let was = verdicts
                .as_ref()
                .and_then(|v| v[name(&dir)].as_str())
                .map(str::to_string)
                .filter(|_| mode != Mode::BlessRecordingVerdicts)
                .or_else(|| bless.then(|| digest.clone()));
            if let Some(problem) = note_problem(&meta, was.as_deref(), &digest) {
                report.failed.push(format!("{}: {problem}", name(&dir)));
            }
            recorded.insert(name(&dir), was.unwrap_or(digest));
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
        write_if_changed(&digests_path, &Value::Object(map));
        // New cases are recorded; a removed case's record goes with it.
        let map = recorded
            .into_iter()
            .map(|(case, d)| (case, Value::String(d)))
            .collect();
        write_if_changed(&verdicts_path, &Value::Object(map));
    }
    report
}

fn write_if_changed(path: &Path, value: &Value) {
    let text = serde_json::to_string_pretty(value).unwrap() + "\n";
    if std::fs::read_to_string(path).ok().as_deref() != Some(text.as_str()) {
        std::fs::write(path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
}

fn blessing() -> bool {
    std::env::var_os("ARREARS_BLESS").is_some()
}

/// `ARREARS_BLESS=1`, and with `ARREARS_RECORD_VERDICTS=1` beside it, a format change's bless.
fn mode() -> Mode {
    match (
        blessing(),
        std::env::var_os("ARREARS_RECORD_VERDICTS").is_some(),
    ) {
        (false, _) => Mode::Check,
        (true, false) => Mode::Bless,
        (true, true) => Mode::BlessRecordingVerdicts,
    }
}

#[test]
fn corpus_gives_the_expected_bytes_digests_and_claims() {
    let corpus = corpus_dir();
    let r = run_corpus(&corpus, mode());
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
    for f in ["case.json", "meta.json", "expected.json", "expected.prose"] {
        std::fs::copy(first.join(f), copy.join(f)).unwrap();
    }
    for f in ["digests.json", "verdicts.json"] {
        std::fs::copy(corpus.join(f), tmp.join(f)).unwrap();
    }
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

/// The scratch copy's case as if it had been added with another verdict: `expected.json` holds
/// that older verdict (one `"allowed"` flipped) and `verdicts.json` records it.
fn scratch_with_an_older_verdict(tag: &str) -> (PathBuf, PathBuf) {
    let (tmp, copy) = scratch_copy(tag);
    let now = std::fs::read_to_string(copy.join("expected.json")).unwrap();
    let older = if now.contains("\"allowed\":true") {
        now.replacen("\"allowed\":true", "\"allowed\":false", 1)
    } else {
        now.replacen("\"allowed\":false", "\"allowed\":true", 1)
    };
    assert_ne!(older, now, "the first case states no verdict to change");
    std::fs::write(copy.join("expected.json"), &older).unwrap();
    let mut verdicts = read_json(&tmp.join("verdicts.json"));
    verdicts[name(&copy)] = Value::String(verdict_digest(older.as_bytes()));
    std::fs::write(tmp.join("verdicts.json"), verdicts.to_string()).unwrap();
    (tmp, copy)
}

#[test]
fn a_changed_verdict_blessed_without_a_note_fails_naming_the_case() {
    if blessing() {
        return; // the corpus is being rewritten under it
    }
    let (tmp, copy) = scratch_with_an_older_verdict("no-note");
    let before = check_corpus(&tmp, false);
    let blessed = check_corpus(&tmp, true);
    let after = check_corpus(&tmp, false);
    let now = std::fs::read(copy.join("expected.json")).unwrap();
    let _ = std::fs::remove_dir_all(&tmp);
    assert_eq!(before.differ, vec![name(&copy)], "{before:?}");
    // Blessing writes the new verdict, and both it and every later run fail until a note says why.
    for r in [&blessed, &after] {
        assert_eq!(r.failed.len(), 1, "{r:?}");
        let f = &r.failed[0];
        assert!(f.starts_with(&format!("{}: ", name(&copy))), "{f}");
        assert!(f.contains(&verdict_digest(&now)), "{f}");
    }
    assert!(after.differ.is_empty(), "{after:?}");
}

#[test]
fn a_changed_verdict_with_a_note_naming_its_digest_passes() {
    if blessing() {
        return; // the corpus is being rewritten under it
    }
    let (tmp, copy) = scratch_with_an_older_verdict("note");
    let older = read_json(&tmp.join("verdicts.json"))[name(&copy)].clone();
    let _ = check_corpus(&tmp, true);
    let now = verdict_digest(&std::fs::read(copy.join("expected.json")).unwrap());
    let mut meta = read_json(&copy.join("meta.json"));
    let mut with_note = |note: Value| {
        meta["verdict_changes"] = serde_json::json!([note]);
        std::fs::write(copy.join("meta.json"), meta.to_string()).unwrap();
        check_corpus(&tmp, false)
    };
    let noted =
        with_note(serde_json::json!({ "verdict": now, "why": "the action is now allowed" }));
    let stale = with_note(serde_json::json!({ "verdict": older, "why": "the older verdict" }));
    let silent = with_note(serde_json::json!({ "verdict": now, "why": " " }));
    let _ = std::fs::remove_dir_all(&tmp);
    assert!(
        noted.differ.is_empty() && noted.failed.is_empty(),
        "{noted:?}"
    );
    assert_eq!(
        stale.failed.len(),
        1,
        "a note for another verdict: {stale:?}"
    );
    assert_eq!(
        silent.failed.len(),
        1,
        "a note that says nothing: {silent:?}"
    );
    assert!(
        silent.failed[0].contains("verdict_changes[0]"),
        "{silent:?}"
    );
}

#[test]
fn a_prose_only_change_is_blessed_without_a_note_and_leaves_the_verdict_file() {
    if blessing() {
        return; // the corpus is being rewritten under it
    }
    let (tmp, copy) = scratch_copy("prose");
    let verdict = std::fs::read(copy.join("expected.json")).unwrap();
    let prose = std::fs::read_to_string(copy.join("expected.prose")).unwrap();
    let (path, _) = prose.lines().next().unwrap().split_once(' ').unwrap();
    let reworded = prose.replacen(
        prose.lines().next().unwrap(),
        &format!("{path} \"an older wording\""),
        1,
    );
    std::fs::write(copy.join("expected.prose"), &reworded).unwrap();
    let before = check_corpus(&tmp, false);
    let blessed = check_corpus(&tmp, true);
    let after = check_corpus(&tmp, false);
    let verdict_after = std::fs::read(copy.join("expected.json")).unwrap();
    let prose_after = std::fs::read_to_string(copy.join("expected.prose")).unwrap();
    let _ = std::fs::remove_dir_all(&tmp);
    assert_eq!(
        before.differ.len(),
        1,
        "a changed wording is caught: {before:?}"
    );
    assert!(blessed.failed.is_empty(), "{blessed:?}");
    assert!(
        after.differ.is_empty() && after.failed.is_empty(),
        "{after:?}"
    );
    assert_eq!(verdict_after, verdict);
    assert_eq!(prose_after, prose);
}

#[test]
fn a_format_change_re_records_every_verdict_without_notes_and_only_when_asked() {
    if blessing() {
        return; // the corpus is being rewritten under it
    }
    let (tmp, copy) = scratch_with_an_older_verdict("record");
    let blessed = run_corpus(&tmp, Mode::Bless);
    let recorded = run_corpus(&tmp, Mode::BlessRecordingVerdicts);
    let after = check_corpus(&tmp, false);
    let now = verdict_digest(&std::fs::read(copy.join("expected.json")).unwrap());
    let record = read_json(&tmp.join("verdicts.json"));
    let _ = std::fs::remove_dir_all(&tmp);
    assert_eq!(
        blessed.failed.len(),
        1,
        "a plain bless still wants a note: {blessed:?}"
    );
    assert!(recorded.failed.is_empty(), "{recorded:?}");
    assert!(
        after.differ.is_empty() && after.failed.is_empty(),
        "{after:?}"
    );
    assert_eq!(record[name(&copy)], Value::String(now));
}

#[test]
fn a_case_the_verdict_record_does_not_know_fails_until_blessed() {
    if blessing() {
        return; // the corpus is being rewritten under it
    }
    let (tmp, copy) = scratch_copy("unrecorded");
    std::fs::write(tmp.join("verdicts.json"), "{}\n").unwrap();
    let unrecorded = check_corpus(&tmp, false);
    let blessed = check_corpus(&tmp, true);
    let recorded = read_json(&tmp.join("verdicts.json"));
    let after = check_corpus(&tmp, false);
    let _ = std::fs::remove_dir_all(&tmp);
    assert_eq!(unrecorded.failed.len(), 1, "{unrecorded:?}");
    assert!(
        unrecorded.failed[0].contains("verdicts.json"),
        "{unrecorded:?}"
    );
    assert!(blessed.failed.is_empty(), "{blessed:?}");
    assert!(recorded[name(&copy)].is_string(), "{recorded}");
    assert!(after.failed.is_empty(), "{after:?}");
}

#[test]
fn prose_is_named_by_path_and_the_parts_join_into_the_output() {
    let out = r#"{"a":{"label":"L \"q\" \\","id":"x"},"cite":["not prose"],"r":[{"rule":"r1","cite":"c1"},{"rule":"r2","cite":null},{"rule":"r3","cite":"c,3]}"}],"message":"m"}"#;
    let parts = expected::split(out).unwrap();
    assert_eq!(
        parts.verdict,
        r#"{"a":{"label":"@prose","id":"x"},"cite":["not prose"],"r":[{"rule":"r1","cite":"@prose"},{"rule":"r2","cite":null},{"rule":"r3","cite":"@prose"}],"message":"@prose"}"#
            .to_string()
            + "\n"
    );
    assert_eq!(
        parts.prose,
        "a.label \"L \\\"q\\\" \\\\\"\nr[0].cite \"c1\"\nr[2].cite \"c,3]}\"\nmessage \"m\"\n"
    );
    assert_eq!(
        expected::join(&parts.verdict, &parts.prose).unwrap(),
        out.to_string() + "\n"
    );
    // A line too few or too many, or an output that already holds the placeholder, is refused.
    let short: String = parts
        .prose
        .lines()
        .skip(1)
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(expected::join(&parts.verdict, &short).is_err());
    assert!(expected::join(&parts.verdict, &(parts.prose.clone() + "x \"y\"\n")).is_err());
    assert!(expected::split(r#"{"id":"@prose"}"#).is_err());
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
    // A new case, as far as the note rule goes: blessing records its verdict.
    std::fs::remove_file(tmp.join("verdicts.json")).unwrap();
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
        let read = |f: &str| std::fs::read_to_string(dir.join(f)).unwrap_or_default();
        let text =
            expected::join(&read("expected.json"), &read("expected.prose")).unwrap_or_default();
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
