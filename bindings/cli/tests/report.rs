//! `arrears report` over a 20-account book in two snapshots, every figure worked out by hand
//! (the working is in the comments beside the expected values).

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::{json, Value};

/// Stage and queue of each bucket, as a policy with 30-day buckets would name them.
fn stage(dpd: u32) -> (&'static str, &'static str) {
    match dpd {
        0 => ("current", "reminders"),
        1..=30 => ("early", "tier1"),
        31..=60 => ("m2", "tier1"),
        61..=90 => ("m3", "tier2"),
        91..=180 => ("m4_m6", "legal"),
        _ => ("m6_plus", "write_off_review"),
    }
}

/// A batch output line: (id, days past due, overdue, currency, paid so far, days to first
/// contact, complaint open, escalation due).
type Row = (
    &'static str,
    u32,
    i64,
    &'static str,
    i64,
    Option<u32>,
    bool,
    Option<&'static str>,
);

fn line(r: &Row) -> String {
    let (id, dpd, overdue, currency, paid, first, complaint, escalate) = *r;
    let (stage, queue) = stage(dpd);
    let actions = match (dpd, id) {
        (_, "A21") => json!([]),
        (0, _) => json!([{ "action": "sms", "party": "borrower", "allowed": true }]),
        (_, "A18") => json!([{ "action": "call", "party": "borrower", "allowed": false }]),
        _ => json!([{ "action": "call", "party": "borrower", "allowed": true },
                    { "action": "sms", "party": "borrower", "allowed": false }]),
    };
    json!({
        "account_id": id,
        "delinquency": { "days_past_due": dpd, "overdue_since": if dpd > 0 { json!("2026-01-01") } else { Value::Null },
                         "overdue_amount": overdue, "currency": currency, "stage": { "id": stage, "label": stage } },
        "queue": { "current": queue, "escalate_to": escalate, "reasons": [] },
        "actions": actions,
        "case_summary": { "paid": paid, "days_to_first_contact": first, "complaint_open": complaint }
    })
    .to_string()
}

const THEN: &[Row] = &[
    ("A01", 0, 0, "CNY", 0, None, false, None),
    ("A02", 0, 0, "CNY", 0, None, false, None),
    ("A03", 0, 0, "USD", 0, None, false, None),
    ("A04", 0, 0, "USD", 0, None, false, None),
    ("A05", 0, 0, "CNY", 0, None, false, None),
    ("A06", 10, 10_000, "CNY", 0, None, false, None),
    ("A07", 20, 20_000, "CNY", 5_000, None, false, None),
    ("A08", 25, 30_000, "USD", 0, None, false, None),
    ("A09", 15, 15_000, "USD", 0, None, false, None),
    ("A10", 40, 40_000, "CNY", 0, None, false, None),
    ("A11", 50, 50_000, "USD", 0, None, false, None),
    ("A12", 70, 60_000, "CNY", 0, None, false, None),
    ("A13", 80, 70_000, "USD", 10_000, None, false, None),
    ("A14", 100, 80_000, "CNY", 0, None, false, None),
    ("A15", 150, 90_000, "USD", 0, None, false, None),
    ("A16", 200, 100_000, "CNY", 0, None, false, None),
    ("A17", 300, 110_000, "USD", 0, None, false, None),
    ("A18", 400, 120_000, "CNY", 0, None, false, None),
    ("A19", 5, 5_000, "USD", 0, None, false, None),
    ("A20", 0, 0, "CNY", 0, None, false, None),
];

const NOW: &[Row] = &[
    // A current account's first contact is not counted: it is not overdue.
    ("A01", 0, 0, "CNY", 50_000, Some(3), false, None),
    ("A02", 20, 25_000, "CNY", 0, Some(5), true, None),
    ("A03", 0, 0, "USD", 40_000, None, false, None),
    ("A04", 0, 0, "USD", 40_000, None, false, None),
    ("A05", 0, 0, "CNY", 0, None, false, None),
    ("A06", 0, 0, "CNY", 60_000, None, false, None),
    ("A07", 50, 45_000, "CNY", 5_000, Some(12), false, None),
    ("A08", 0, 0, "USD", 30_000, None, false, None),
    (
        "A09",
        45,
        20_000,
        "USD",
        10_000,
        Some(30),
        false,
        Some("tier2"),
    ),
    ("A10", 10, 5_000, "CNY", 35_000, None, false, None),
    ("A11", 80, 90_000, "USD", 0, None, false, Some("legal")),
    ("A12", 100, 100_000, "CNY", 20_000, Some(40), false, None),
    ("A13", 0, 0, "USD", 80_000, None, false, None),
    ("A14", 130, 80_000, "CNY", 0, Some(2), true, None),
    ("A15", 180, 90_000, "USD", 0, Some(95), false, None),
    ("A16", 230, 100_000, "CNY", 0, None, false, None),
    ("A17", 370, 110_000, "USD", 0, Some(200), false, None),
    ("A18", 430, 120_000, "CNY", 0, Some(7), true, None),
    ("A21", 0, 0, "USD", 0, None, false, None),
    ("A22", 3, 2_000, "USD", 0, Some(0), false, None),
];

const ERROR_LINE: &str =
    r#"{"line":4,"error":{"code":"invalid_json","path":"","message":"expected value"}}"#;

fn write(name: &str, lines: &[String]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("arrears-report-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    let mut f = std::fs::File::create(&p).unwrap();
    for l in lines {
        writeln!(f, "{l}").unwrap();
    }
    p
}

fn arrears(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_arrears"))
        .args(args)
        .output()
        .expect("run arrears")
}

fn snapshot(name: &str, rows: &[Row], reverse: bool) -> PathBuf {
    let mut lines: Vec<String> = rows.iter().map(line).collect();
    lines.insert(3, ERROR_LINE.into());
    if reverse {
        lines.reverse();
    }
    write(name, &lines)
}

fn expected() -> Value {
    let fc = |overdue: u64, reached: u64, never: u64, median: Option<u32>, p90: Option<u32>| {
        json!({ "overdue": overdue, "reached": reached, "never_reached": never,
                "median_days": median, "p90_days": p90 })
    };
    let cp = |complaints: u64, accounts: u64, per: &str| json!({ "complaints": complaints, "accounts": accounts, "per_thousand": per });
    let flow = |accounts: u64, overdue: Value| json!({ "accounts": accounts, "overdue": overdue });
    let fwd = |accounts: u64, rolled: u64, rate: &str| json!({ "accounts": accounts, "rolled_forward": rolled, "rate": rate });
    let rec = |overdue: i64, paid: i64, rate: &str| json!({ "overdue": overdue, "paid": paid, "rate": rate });
    json!({
        "accounts": 20,
        "errors": 1,
        // current A01 A03 A04 A05 A06 A08 A13 A21; 1-30 A02 A10 A22; 31-60 A07 A09; 61-90 A11;
        // 91-180 A12 A14 A15; 181-360 A16; 360+ A17 A18.
        "by_days_past_due": {
            "current": { "accounts": 8, "share": "40.0%", "overdue": { "CNY": 0, "USD": 0 } },
            "1-30": { "accounts": 3, "share": "15.0%", "overdue": { "CNY": 30_000, "USD": 2_000 } },
            "31-60": { "accounts": 2, "share": "10.0%", "overdue": { "CNY": 45_000, "USD": 20_000 } },
            "61-90": { "accounts": 1, "share": "5.0%", "overdue": { "USD": 90_000 } },
            "91-180": { "accounts": 3, "share": "15.0%", "overdue": { "CNY": 180_000, "USD": 90_000 } },
            "181-360": { "accounts": 1, "share": "5.0%", "overdue": { "CNY": 100_000 } },
            "360+": { "accounts": 2, "share": "10.0%", "overdue": { "CNY": 120_000, "USD": 110_000 } }
        },
        "by_stage": { "current": 8, "early": 3, "m2": 2, "m3": 1, "m4_m6": 3, "m6_plus": 3 },
        "escalations_due": { "legal": 1, "tier2": 1 },
        // sms on the 7 current accounts with actions (A21 has none); call on the 12 overdue but A18.
        "allowed_now_by_action": { "call": 11, "sms": 7 },
        "accounts_with_an_action_now": 18,
        "with_case_summary": 20,
        // Reached, sorted: 0 2 5 7 12 30 40 95 200; median rank ceil(4.5) = 5th = 12, p90 rank
        // ceil(8.1) = 9th = 200.
        "first_contact": {
            "overdue": 12, "reached": 9, "never_reached": 3, "median_days": 12, "p90_days": 200,
            "distribution": { "0": 1, "1-3": 1, "4-7": 2, "8-14": 1, "15-30": 1, "31-60": 1, "61-90": 0, "91+": 2 },
            "by_stage": {
                "early": fc(3, 2, 1, Some(0), Some(5)),
                "m2": fc(2, 2, 0, Some(12), Some(30)),
                "m3": fc(1, 0, 1, None, None),
                "m4_m6": fc(3, 3, 0, Some(40), Some(95)),
                "m6_plus": fc(3, 2, 1, Some(7), Some(200))
            },
            "by_queue": {
                "legal": fc(3, 3, 0, Some(40), Some(95)),
                "tier1": fc(5, 4, 1, Some(5), Some(30)),
                "tier2": fc(1, 0, 1, None, None),
                "write_off_review": fc(3, 2, 1, Some(7), Some(200))
            }
        },
        // A02, A14, A18 of 20: 150 per 1,000; 1 of 3 is 333.3.
        "complaints": {
            "accounts": 20, "complaints": 3, "per_thousand": "150.0",
            "by_stage": {
                "current": cp(0, 8, "0.0"), "early": cp(1, 3, "333.3"), "m2": cp(0, 2, "0.0"),
                "m3": cp(0, 1, "0.0"), "m4_m6": cp(1, 3, "333.3"), "m6_plus": cp(1, 3, "333.3")
            },
            "by_queue": {
                "legal": cp(1, 3, "333.3"), "reminders": cp(0, 8, "0.0"), "tier1": cp(1, 5, "200.0"),
                "tier2": cp(0, 1, "0.0"), "write_off_review": cp(1, 3, "333.3")
            }
        },
        "roll": {
            "previous_accounts": 20,
            "previous_errors": 1,
            "in_both": 18,
            "matrix": {
                "current": { "current": flow(4, json!({ "CNY": 0, "USD": 0 })), "1-30": flow(1, json!({ "CNY": 0 })) },
                "1-30": { "current": flow(2, json!({ "CNY": 10_000, "USD": 30_000 })),
                          "31-60": flow(2, json!({ "CNY": 20_000, "USD": 15_000 })) },
                "31-60": { "1-30": flow(1, json!({ "CNY": 40_000 })), "61-90": flow(1, json!({ "USD": 50_000 })) },
                "61-90": { "91-180": flow(1, json!({ "CNY": 60_000 })), "current": flow(1, json!({ "USD": 70_000 })) },
                "91-180": { "91-180": flow(2, json!({ "CNY": 80_000, "USD": 90_000 })) },
                "181-360": { "181-360": flow(1, json!({ "CNY": 100_000 })), "360+": flow(1, json!({ "USD": 110_000 })) },
                "360+": { "360+": flow(1, json!({ "CNY": 120_000 })) }
            },
            "movement": {
                // A06 A08 A13
                "cured": flow(3, json!({ "CNY": 10_000, "USD": 100_000 })),
                // A01 A03 A04 A05 A14 A15 A16 A18
                "stayed": flow(8, json!({ "CNY": 300_000, "USD": 90_000 })),
                // A02 A07 A09 A11 A12 A17
                "rolled_forward": flow(6, json!({ "CNY": 80_000, "USD": 175_000 })),
                // A10
                "rolled_back": flow(1, json!({ "CNY": 40_000 }))
            },
            "forward_roll_rate": {
                "current": fwd(5, 1, "20.0%"), "1-30": fwd(4, 2, "50.0%"), "31-60": fwd(2, 1, "50.0%"),
                "61-90": fwd(2, 1, "50.0%"), "91-180": fwd(2, 0, "0.0%"), "181-360": fwd(2, 1, "50.0%")
            },
            // Paid since, at most the earlier arrears: A06 60,000 counts 10,000; A13 70,000.
            // 1-30 USD: (30,000 + 10,000) / 45,000 = 88.89%.
            "recovery": {
                "1-30": { "CNY": rec(30_000, 10_000, "33.3%"), "USD": rec(45_000, 40_000, "88.9%") },
                "31-60": { "CNY": rec(40_000, 35_000, "87.5%"), "USD": rec(50_000, 0, "0.0%") },
                "61-90": { "CNY": rec(60_000, 20_000, "33.3%"), "USD": rec(70_000, 70_000, "100.0%") },
                "91-180": { "CNY": rec(80_000, 0, "0.0%"), "USD": rec(90_000, 0, "0.0%") },
                "181-360": { "CNY": rec(100_000, 0, "0.0%"), "USD": rec(110_000, 0, "0.0%") },
                "360+": { "CNY": rec(120_000, 0, "0.0%") }
            },
            "only_in_previous": { "accounts": 2, "by_bucket": {
                "1-30": flow(1, json!({ "USD": 5_000 })), "current": flow(1, json!({ "CNY": 0 })) } },
            "only_in_current": { "accounts": 2, "by_bucket": {
                "1-30": flow(1, json!({ "USD": 2_000 })), "current": flow(1, json!({ "USD": 0 })) } }
        }
    })
}

fn report_json(args: &[&str]) -> Value {
    let o = arrears(args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn twenty_accounts_every_figure_as_worked_out_by_hand() {
    let then = snapshot("then.jsonl", THEN, false);
    let now = snapshot("now.jsonl", NOW, false);
    let (then, now) = (then.to_str().unwrap(), now.to_str().unwrap());
    let got = report_json(&["report", "--json", now, "--previous", then]);
    let want = expected();
    for (k, v) in want.as_object().unwrap() {
        assert_eq!(&got[k], v, "{k}");
    }
    assert_eq!(got, want);

    // The join does not depend on the files sharing an order.
    let shuffled = snapshot("now-reversed.jsonl", NOW, true);
    let again = report_json(&[
        "report",
        "--json",
        shuffled.to_str().unwrap(),
        "--previous",
        then,
    ]);
    assert_eq!(again, want);

    // The text report shows money in units, one currency a line, and the same rates.
    let text = String::from_utf8(arrears(&["report", now, "--previous", then]).stdout).unwrap();
    for shown in [
        "360+                2   10.0%  CNY 1,200.00",
        "\n                               USD 1,100.00\n",
        "rolled forward           6  CNY 800.00; USD 1,750.00",
        "1-30         88.9%  USD 400.00 of USD 450.00",
        "all                            3 of        20    150.0",
        "only in the previous snapshot: 2 (current 1, 1-30 1)",
    ] {
        assert!(text.contains(shown), "{shown:?} in\n{text}");
    }
}

#[test]
fn without_case_summaries_the_report_says_what_it_cannot_compute() {
    let strip = |rows: &[Row]| -> Vec<String> {
        rows.iter()
            .map(|r| {
                let mut v: Value = serde_json::from_str(&line(r)).unwrap();
                v.as_object_mut().unwrap().remove("case_summary");
                v.to_string()
            })
            .collect()
    };
    let then = write("bare-then.jsonl", &strip(THEN));
    let now = write("bare-now.jsonl", &strip(NOW));
    let got = report_json(&[
        "report",
        "--json",
        now.to_str().unwrap(),
        "--previous",
        then.to_str().unwrap(),
    ]);
    assert_eq!(got["first_contact"], Value::Null);
    assert_eq!(got["complaints"], Value::Null);
    assert_eq!(got["roll"]["recovery"], Value::Null);
    assert_eq!(got["roll"]["forward_roll_rate"]["1-30"]["rate"], "50.0%");
}

#[test]
fn a_line_that_is_not_utf8_is_named_and_exits_2() {
    let dir = std::env::temp_dir().join(format!("arrears-report-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join("latin1.jsonl");
    let mut bytes = format!("{}\n{}\n", line(&NOW[0]), line(&NOW[1])).into_bytes();
    bytes.extend_from_slice(b"{\"account_id\":\"caf\xe9\"}\n");
    std::fs::write(&p, bytes).unwrap();
    let o = arrears(&["report", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let e: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(e["error"]["code"], "invalid_json");
    let message = e["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("line 3 is not UTF-8") && message.contains("latin1.jsonl"),
        "{message}"
    );
}
