//! The report tally: counted in parts and merged in any grouping and order, it gives the bytes
//! one tally over the whole gives; its JSON form reads back unchanged and refuses what it cannot
//! stand for, with the path at fault.

use arrears_core::decision::report::{decision_line, Tally, MAX_TALLY_BYTES, TALLY_FORMAT};
use arrears_core::synthetic::Portfolio;
use arrears_core::{ffi, Engine, ErrorCode, Policy};
use serde_json::{json, Value};

/// Decision lines of a small book under both its policies, every third with a case summary (as
/// `arrears batch --with-case-summary` adds it), and lines that are not decisions among them.
fn lines(days_later: u32) -> Vec<String> {
    let mut out = Vec::new();
    for pack in ["us-reg-f", "cn-microloan"] {
        let engine = Engine::new(Policy::builtin(pack).unwrap());
        let mut book = Portfolio::new(11, 120, 3);
        book.days_later = days_later;
        for (i, case) in book.cases().enumerate() {
            let text = engine.decide_json(&case.to_string()).unwrap();
            let mut d: Value = serde_json::from_str(&text).unwrap();
            if i % 3 != 0 {
                let first = (i % 5 != 0).then_some(i as u64 % 97);
                d["case_summary"] = json!({ "paid": (i as i64) * 1000 + i64::from(days_later) * 50,
                                            "days_to_first_contact": first,
                                            "complaint_open": i % 7 == 0 });
            }
            out.push(d.to_string());
        }
    }
    out.insert(7, "{".into());
    out.insert(
        40,
        r#"{"error":{"code":"invalid_json","path":"","message":"x"}}"#.into(),
    );
    out.insert(90, "null".into());
    out
}

fn tally_of(lines: &[String]) -> Tally {
    let mut t = Tally::new();
    for l in lines {
        match decision_line(l) {
            Some(d) => {
                t.count(&d);
            }
            None => t.count_error(),
        }
    }
    t
}

fn merged(parts: &[&Tally]) -> Tally {
    let mut t = Tally::new();
    for p in parts {
        t.merge(p);
    }
    t
}

#[test]
fn merging_parts_in_any_grouping_and_order_gives_the_bytes_of_one_tally() {
    let lines = lines(0);
    let whole = tally_of(&lines);
    let report = serde_json::to_string(&whole.finish()).unwrap();
    assert!(report.contains("\"first_contact\":{"), "{report}");
    for size in [1, 7, 50, 333] {
        let parts: Vec<Tally> = lines.chunks(size).map(tally_of).collect();
        let refs: Vec<&Tally> = parts.iter().collect();
        let forward = merged(&refs);
        let backward = merged(&refs.iter().rev().copied().collect::<Vec<_>>());
        // ((a b) (c d)) ...: pairs merged, then pairs of pairs.
        let mut level: Vec<Tally> = parts.clone();
        while level.len() > 1 {
            level = level
                .chunks(2)
                .map(|c| merged(&c.iter().collect::<Vec<_>>()))
                .collect();
        }
        // Each part through its JSON form, as tallies travel between processes.
        let texts: Vec<String> = parts.iter().map(|t| t.to_json().unwrap()).collect();
        let through_text = ffi::report_merge(texts.iter().rev().map(String::as_str)).unwrap();
        for t in [&forward, &backward, &level[0]] {
            assert_eq!(
                t.to_json().unwrap(),
                whole.to_json().unwrap(),
                "parts of {size}"
            );
        }
        assert_eq!(through_text, whole.to_json().unwrap(), "parts of {size}");
        assert_eq!(ffi::report_finish(&through_text).unwrap(), report);
    }
}

#[test]
fn two_snapshots_paired_in_parts_give_the_roll_of_one_tally() {
    let (then, now) = (lines(0), lines(30));
    let read =
        |ls: &[String]| -> Vec<Value> { ls.iter().filter_map(|l| decision_line(l)).collect() };
    let (then_d, now_d) = (read(&then), read(&now));
    // Accounts are paired by position here: the figures only care which pairs are counted.
    let count = |range: std::ops::Range<usize>| {
        let mut t = Tally::two_snapshots();
        for i in range {
            let a = then_d.get(i).map(|d| t.count_previous(d));
            let b = now_d.get(i).map(|d| t.count(d));
            match (a, b) {
                (Some(a), Some(b)) => t.pair(&a, &b),
                (Some(a), None) => t.only_in_previous(&a),
                (None, Some(b)) => t.only_in_current(&b),
                (None, None) => {}
            }
        }
        t
    };
    let n = then_d.len().max(now_d.len()) + 3;
    let whole = count(0..n);
    let report = serde_json::to_value(whole.finish()).unwrap();
    assert!(
        report["roll"]["in_both"].as_u64().unwrap() > 200,
        "{report}"
    );
    assert!(
        report["roll"]["recovery"].is_null(),
        "some pairs lack a case summary"
    );
    let parts = [count(0..40), count(40..41), count(41..200), count(200..n)];
    let mut scrambled = Tally::new();
    for i in [2, 0, 3, 1] {
        scrambled.merge(&parts[i]);
    }
    assert_eq!(scrambled.to_json().unwrap(), whole.to_json().unwrap());
    assert_eq!(
        serde_json::to_string(&scrambled.finish()).unwrap(),
        serde_json::to_string(&whole.finish()).unwrap()
    );
}

#[test]
fn an_empty_tally_finishes_as_the_report_of_no_lines() {
    let text = serde_json::to_string(&Tally::new().finish()).unwrap();
    assert_eq!(
        ffi::report_finish(&ffi::report_merge([]).unwrap()).unwrap(),
        text
    );
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["accounts"], 0);
    assert_eq!(
        v["by_days_past_due"]["360+"],
        json!({ "accounts": 0, "share": null, "overdue": {} })
    );
    assert!(v["first_contact"].is_null() && v["complaints"].is_null() && v["roll"].is_null());
    let two: Value = serde_json::to_value(Tally::two_snapshots().finish()).unwrap();
    assert_eq!(two["roll"]["in_both"], 0);
    assert!(two["roll"]["recovery"].is_null());
}

#[test]
fn the_ffi_tally_of_lines_is_the_tally_counted_one_by_one() {
    let lines = lines(0);
    let text = ffi::report_tally(lines.iter().map(String::as_str)).unwrap();
    assert_eq!(text, tally_of(&lines).to_json().unwrap());
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["format"], TALLY_FORMAT);
    assert_eq!(v["errors"], 3);
    assert_eq!(Tally::from_json(&text).unwrap().to_json().unwrap(), text);
}

#[test]
fn a_tally_that_cannot_be_read_is_an_error_at_its_path() {
    let good = ffi::report_tally(lines(0).iter().map(String::as_str)).unwrap();
    let with = |f: &dyn Fn(&mut Value)| {
        let mut v: Value = serde_json::from_str(&good).unwrap();
        f(&mut v);
        v.to_string()
    };
    let cases = [
        (
            with(&|v| v["format"] = json!("arrears.tally/2")),
            ErrorCode::InvalidField,
            "format",
        ),
        (
            with(&|v| v["by_days_past_due"]["400+"] = json!({ "accounts": 1, "overdue": {} })),
            ErrorCode::InvalidField,
            "by_days_past_due",
        ),
        (
            with(&|v| v["by_stage"]["late"] = json!(-1)),
            ErrorCode::InvalidField,
            "by_stage.late",
        ),
        (
            with(&|v| v["roll"] = json!({ "previous_accounts": 1, "surprise": true })),
            ErrorCode::UnknownField,
            "roll.surprise",
        ),
        (
            with(&|v| {
                v.as_object_mut().unwrap().remove("format");
            }),
            ErrorCode::InvalidField,
            "format",
        ),
        ("[]".to_string(), ErrorCode::InvalidJson, ""),
    ];
    for (text, code, path) in cases {
        let e = Tally::from_json(&text).unwrap_err();
        assert_eq!((e.code, e.path.as_str()), (code, path), "{}", e.message);
        let e = ffi::report_merge([good.as_str(), text.as_str()]).unwrap_err();
        assert_eq!(
            e.path,
            arrears_core::error::join_path("[1]", path),
            "{}",
            e.message
        );
        assert!(ffi::report_finish(&text).is_err());
    }
    let huge = format!("{}{}", " ".repeat(MAX_TALLY_BYTES), good);
    assert_eq!(
        Tally::from_json(&huge).unwrap_err().code,
        ErrorCode::LimitExceeded
    );
}
