//! A batch call (`ffi::decide_batch`, `ffi::decide_many_json`) decides each case exactly as
//! deciding it alone does: over the whole conformance corpus, over synthetic portfolios spread
//! across zones, days and history sizes with bad cases among them, and in any order. Whatever a
//! batch may one day share between its cases, these bytes may not change.

use std::collections::BTreeMap;
use std::path::Path;

use arrears_core::ffi;
use arrears_core::Engine;

/// What deciding one case alone gives, as a batch's answer record holds it.
fn alone(engine: &Engine, case: &[u8]) -> (u8, String) {
    ffi::decide_record(engine, case)
}

fn records(cases: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    for case in cases {
        out.extend_from_slice(&(case.len() as u32).to_le_bytes());
        out.extend_from_slice(case);
    }
    out
}

fn answers(bytes: &[u8]) -> Vec<(u8, String)> {
    let mut out = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        let len = u32::from_le_bytes(rest[1..5].try_into().unwrap()) as usize;
        out.push((
            rest[0],
            String::from_utf8(rest[5..5 + len].to_vec()).unwrap(),
        ));
        rest = &rest[5 + len..];
    }
    out
}

/// Every way of deciding `cases` in one call gives, case by case, the bytes of deciding it alone.
fn assert_batches_match_single_calls(engine: &Engine, cases: &[Vec<u8>]) {
    let want: Vec<(u8, String)> = cases.iter().map(|c| alone(engine, c)).collect();

    let batch = answers(&ffi::decide_batch(engine, &records(cases)).unwrap());
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
