//! The batch contract (`ffi::decide_batch`, the plain module's `arrears_decide_batch`,
//! `docs/abi.md`; and `ffi::decide_many_json`): records in, one answer record per case out, each
//! answer exactly the bytes of deciding that case alone, over the whole conformance corpus, over
//! synthetic portfolios spread across zones, days and history sizes with bad cases among them, and
//! in any order; a batch over the limits, or one that does not split into records, is refused
//! whole. Whatever a batch may one day share between its cases, these bytes may not change.

use std::collections::BTreeMap;
use std::path::Path;

use arrears_core::ffi::{self, BATCH_DECISION, BATCH_ERROR, BATCH_MAX_BYTES, BATCH_MAX_CASES};
use arrears_core::Engine;

fn batch(cases: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::new();
    for case in cases {
        out.extend_from_slice(&(case.len() as u32).to_le_bytes());
        out.extend_from_slice(case);
    }
    out
}

/// The answer records as (status, text); panics on answers that do not split exactly, as no
/// host could read them.
fn answers(bytes: &[u8]) -> Vec<(u8, String)> {
    let mut out = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        let status = rest[0];
        let len = u32::from_le_bytes(rest[1..5].try_into().unwrap()) as usize;
        out.push((
            status,
            String::from_utf8(rest[5..5 + len].to_vec()).unwrap(),
        ));
        rest = &rest[5 + len..];
    }
    out
}

/// What deciding one case alone gives: the status a host reads from `arrears_result_ok`, and
/// the text.
fn alone(engine: &Engine, case: &[u8]) -> (u8, String) {
    match ffi::text(case).and_then(|c| engine.decide_json(c)) {
        Ok(decision) => (BATCH_DECISION, decision),
        Err(e) => (BATCH_ERROR, e.to_json()),
    }
}

fn sample() -> Vec<u8> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/cases/overdue-consumer-loan.json"
    );
    std::fs::read(path).expect("the sample case")
}

#[test]
fn a_bad_case_in_the_middle_is_an_error_record_and_the_rest_are_decided() {
    let engine = ffi::engine("cn-microloan").unwrap();
    let good = sample();
    let cases: Vec<&[u8]> = vec![
        &good,
        b"{",
        b"\xff\xfe not text",
        b"",
        br#"{"as_of":"2026-03-10T14:30:00"}"#,
        &good,
    ];
    let got = answers(&ffi::decide_batch(&engine, &batch(&cases)).unwrap());
    let statuses: Vec<u8> = got.iter().map(|(s, _)| *s).collect();
    assert_eq!(statuses, [0, 1, 1, 1, 1, 0]);
    let want: Vec<(u8, String)> = cases.iter().map(|c| alone(&engine, c)).collect();
    assert_eq!(got, want);
    assert!(got[2].1.contains("not UTF-8"), "{}", got[2].1);
}

#[test]
fn an_empty_batch_is_an_empty_answer() {
    let engine = ffi::engine("us-reg-f").unwrap();
    assert_eq!(ffi::decide_batch(&engine, &[]).unwrap(), Vec::<u8>::new());
}

#[test]
fn a_batch_of_more_cases_than_the_limit_is_refused_whole() {
    let engine = ffi::engine("us-reg-f").unwrap();
    let empty: &[u8] = b"";
    let at_limit = batch(&vec![empty; BATCH_MAX_CASES]);
    assert_eq!(
        answers(&ffi::decide_batch(&engine, &at_limit).unwrap()).len(),
        BATCH_MAX_CASES
    );
    let over = batch(&vec![empty; BATCH_MAX_CASES + 1]);
    let e = ffi::decide_batch(&engine, &over).unwrap_err();
    assert_eq!(e.code.as_str(), "limit_exceeded");
    assert!(
        e.message.contains(&BATCH_MAX_CASES.to_string()),
        "{}",
        e.message
    );
}

#[test]
fn a_batch_of_more_bytes_than_the_limit_is_refused_whole() {
    let engine = ffi::engine("us-reg-f").unwrap();
    let e = ffi::decide_batch(&engine, &vec![0; BATCH_MAX_BYTES + 1]).unwrap_err();
    assert_eq!(e.code.as_str(), "limit_exceeded");
    assert!(
        e.message.contains(&BATCH_MAX_BYTES.to_string()),
        "{}",
        e.message
    );
}

#[test]
fn a_batch_that_does_not_split_into_records_is_refused_whole() {
    let engine = ffi::engine("us-reg-f").unwrap();
    let mut past_the_end = batch(&[b"{}"]);
    past_the_end.extend_from_slice(&10u32.to_le_bytes());
    past_the_end.extend_from_slice(b"{}");
    let e = ffi::decide_batch(&engine, &past_the_end).unwrap_err();
    assert_eq!(e.code.as_str(), "invalid_json");
    assert_eq!(
        e.message,
        "batch record 1 at byte 6 says 10 bytes; 2 are left"
    );

    let mut short_prefix = batch(&[b"{}"]);
    short_prefix.extend_from_slice(&[1, 0]);
    let e = ffi::decide_batch(&engine, &short_prefix).unwrap_err();
    assert_eq!(e.code.as_str(), "invalid_json");
    assert_eq!(
        e.message,
        "batch record 1 at byte 6: 2 bytes are left, too few for its 4-byte length"
    );
}

/// Every way of deciding `cases` in one call gives, case by case, the bytes of deciding it alone.
fn assert_batches_match_single_calls(engine: &Engine, cases: &[Vec<u8>]) {
    let want: Vec<(u8, String)> = cases.iter().map(|c| alone(engine, c)).collect();

    let records: Vec<&[u8]> = cases.iter().map(Vec::as_slice).collect();
    let batch = answers(&ffi::decide_batch(engine, &batch(&records)).unwrap());
    assert_eq!(batch, want, "decide_batch");

    // Cases that are JSON values can also go in one JSON array: each slot holds the very bytes
    // of the case's single call.
    let values: Vec<(&[u8], &str)> = cases
        .iter()
        .zip(&want)
        .filter(|(c, _)| serde_json::from_slice::<&serde_json::value::RawValue>(c).is_ok())
        .map(|(c, (_, text))| (c.as_slice(), text.as_str()))
        .collect();
    let array = values
        .iter()
        .map(|(c, _)| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join(",");
    let got = ffi::decide_many_json(engine, &format!("[{array}]")).unwrap();
    let texts: Vec<&str> = values.iter().map(|(_, t)| *t).collect();
    assert_eq!(got, format!("[{}]", texts.join(",")), "decide_many_json");
}

#[test]
fn every_corpus_case_in_one_batch_per_policy_gives_the_bytes_of_deciding_it_alone() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/conformance");
    let mut by_policy: BTreeMap<String, Vec<Vec<u8>>> = BTreeMap::new();
    for dir in std::fs::read_dir(corpus.join("cases")).unwrap() {
        let dir = dir.unwrap().path();
        let meta: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join("meta.json")).unwrap()).unwrap();
        if meta.get("plan_days").is_some() {
            continue; // a plan, not a decision
        }
        let policy = meta["policy"].as_str().unwrap();
        let policy = if policy.ends_with(".json") {
            std::fs::read_to_string(corpus.join(policy)).unwrap()
        } else {
            policy.to_string()
        };
        by_policy
            .entry(policy)
            .or_default()
            .push(std::fs::read(dir.join("case.json")).unwrap());
    }
    let mut checked = 0;
    for (policy, cases) in &mut by_policy {
        let Ok(engine) = ffi::engine(policy) else {
            continue; // the policy itself is the error under test: no engine to batch on
        };
        cases.sort();
        assert_batches_match_single_calls(&engine, cases);
        // Another order fills the shared days in another order: the answers are the same.
        cases.reverse();
        assert_batches_match_single_calls(&engine, cases);
        checked += cases.len();
    }
    assert!(checked > 300, "only {checked} corpus cases were batched");
}

#[test]
fn a_portfolio_across_zones_days_and_history_sizes_is_decided_in_one_batch_as_alone() {
    for id in arrears_core::ffi::builtin_policies() {
        let engine = Engine::from_reference(id).unwrap();
        let mut cases = Vec::new();
        for (i, history) in [0usize, 3, 20, 60, 200].iter().cycle().take(96).enumerate() {
            cases.push(
                arrears_core::synthetic::account(7, i as u64, *history)
                    .to_string()
                    .into_bytes(),
            );
        }
        let portfolio = arrears_core::synthetic::Portfolio::new(11, 64, 20);
        cases.extend(portfolio.cases().map(|c| c.to_string().into_bytes()));
        // Bad cases among them are errors in their slots and change nothing around them.
        cases.insert(5, b"{".to_vec());
        cases.insert(40, b"\xff\xfe not text".to_vec());
        cases.insert(77, br#"{"as_of":"2026-03-10T14:30:00"}"#.to_vec());
        assert_batches_match_single_calls(&engine, &cases);
    }
}
