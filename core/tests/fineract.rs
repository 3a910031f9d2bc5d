//! The Fineract adapter against responses shaped like Fineract's own: the case it builds must give
//! Fineract's delinquent days and amounts for the scenarios of Fineract's delinquency tests
//! (fixtures/fineract/<scenario>/loan.json, with the business date, zone and the figures those
//! tests assert in meta.json).

use arrears_core::{Case, Engine};

/// The adapter as every surface calls it: JSON text in, the case or the error object out.
mod ffi {
    pub fn import_fineract(loan: &str, date: &str, zone: &str) -> Result<String, String> {
        arrears_core::ffi::import_fineract(loan, date, zone).map_err(|e| e.to_json())
    }
}
use serde_json::Value;
use std::path::{Path, PathBuf};

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fineract");
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixtures/fineract")
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("loan.json").is_file())
        .collect();
    out.sort();
    out
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The case of fixture `name` on `date`, in UTC.
fn imported(name: &str, date: &str) -> Value {
    let dir = fixtures().into_iter().find(|p| p.ends_with(name)).unwrap();
    let case = ffi::import_fineract(&read(&dir.join("loan.json")), date, "UTC").unwrap();
    serde_json::from_str(&case).unwrap()
}

/// A decimal such as "1033.33" in minor units of a two-place currency.
fn cents(s: &str) -> i64 {
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    let frac = format!("{frac:0<2}");
    whole.parse::<i64>().unwrap() * 100 + frac[..2].parse::<i64>().unwrap()
}

#[test]
fn every_fixture_gives_fineracts_delinquent_days_and_amounts() {
    let engine = Engine::from_reference("us-reg-f").unwrap();
    let all = fixtures();
    assert!(all.len() >= 20, "only {} fixtures", all.len());
    let mut failures = Vec::new();
    for dir in all {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let meta: Value = serde_json::from_str(&read(&dir.join("meta.json"))).unwrap();
        let loan = read(&dir.join("loan.json"));
        let case = ffi::import_fineract(
            &loan,
            meta["business_date"].as_str().unwrap(),
            meta["time_zone"].as_str().unwrap(),
        )
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        let decision = engine
            .decide(&Case::from_json(&case).unwrap())
            .unwrap_or_else(|e| panic!("{name}: {e:?}"));
        let d = &decision.delinquency;
        let want = &meta["expected"];
        let days = want["delinquent_days"].as_u64().unwrap() as u32;
        let amount = cents(want["delinquent_amount"].as_str().unwrap());
        if d.days_past_due != days {
            failures.push(format!(
                "{name}: days past due {} want {days}",
                d.days_past_due
            ));
        }
        if d.overdue_amount != amount {
            failures.push(format!(
                "{name}: overdue {} want {amount}",
                d.overdue_amount
            ));
        }
        if let Some(parts) = want.get("delinquent_components") {
            let got = d.overdue_components.expect("components");
            let wanted = [
                cents(parts["principal"].as_str().unwrap()),
                cents(parts["interest"].as_str().unwrap()),
                cents(parts["fees"].as_str().unwrap()),
                cents(parts["penalties"].as_str().unwrap()),
            ];
            if got.parts() != wanted {
                failures.push(format!(
                    "{name}: components {:?} want {wanted:?}",
                    got.parts()
                ));
            }
        }
        // The response's own delinquent block says the same as the test's assertions.
        let block: Value = serde_json::from_str(&loan).unwrap();
        assert_eq!(
            block["delinquent"]["delinquentDays"].as_u64(),
            Some(u64::from(days)),
            "{name}: the fixture's delinquent block"
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_case_of_a_loan_is_the_same_text_on_every_import() {
    for dir in fixtures() {
        let loan = read(&dir.join("loan.json"));
        let a = ffi::import_fineract(&loan, "2024-02-20", "Asia/Jakarta").unwrap();
        let b = ffi::import_fineract(&loan, "2024-02-20", "Asia/Jakarta").unwrap();
        assert_eq!(a, b);
    }
}

#[test]
fn a_reversed_repayment_stays_in_the_case_with_the_reversal_that_cancels_it() {
    let case = imported("portions-repayment-reversed", "2024-02-20");
    let payments = case["account"]["payments"].as_array().unwrap();
    let reversal = payments
        .iter()
        .find(|p| p["type"] == "reversal")
        .expect("a reversal");
    assert_eq!(reversal["reverses"], "14");
    assert!(payments
        .iter()
        .any(|p| p["id"] == "14" && p.get("type").is_none()));
}

#[test]
fn a_chargeback_is_owed_from_its_own_date_with_what_the_period_paid_counted_against_it() {
    let case = imported("chargeback-repaid", "2012-04-05");
    let cb = case["account"]["payments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["type"] == "chargeback")
        .expect("a chargeback")
        .clone();
    assert_eq!(cb["at"], "2012-03-22T00:00:00+00:00");
    assert_eq!(
        (cb["amount"].as_i64(), cb["paid"].as_i64()),
        (Some(10_000), Some(10_000))
    );
    // The third period owes its own 100.00 again, less nothing: the 100.00 paid went to the chargeback.
    assert_eq!(case["account"]["installments"][2]["amount"], 10_000);
    assert_eq!(
        case["account"]["installments"][2]["paid_components"]["principal"],
        0
    );
}

#[test]
fn bad_loan_input_is_an_error_with_the_path_of_the_field_at_fault() {
    let dir = fixtures()
        .into_iter()
        .find(|p| p.ends_with("pause-ended"))
        .unwrap();
    let loan = read(&dir.join("loan.json"));
    let mut doc: Value = serde_json::from_str(&loan).unwrap();
    doc["repaymentSchedule"]["periods"][2]["interestOutstanding"] = Value::String("12,5".into());
    let err = ffi::import_fineract(&doc.to_string(), "2012-03-12", "UTC").unwrap_err();
    let err: Value = serde_json::from_str(&err).unwrap();
    assert_eq!(err["error"]["code"], "invalid_field");
    assert_eq!(
        err["error"]["path"],
        "repaymentSchedule.periods[2].interestOutstanding"
    );

    doc["repaymentSchedule"]["periods"][2]["interestOutstanding"] = Value::from(1);
    doc["repaymentSchedule"]["periods"][3]["dueDate"] = Value::String("March".into());
    let err = ffi::import_fineract(&doc.to_string(), "2012-03-12", "UTC").unwrap_err();
    assert!(
        err.contains("\"path\":\"repaymentSchedule.periods[3].dueDate\""),
        "{err}"
    );

    let err = ffi::import_fineract(&loan, "12 March 2012", "UTC").unwrap_err();
    assert!(err.contains("\"path\":\"business_date\""), "{err}");
    let err = ffi::import_fineract(&loan, "2012-03-12", "Mars/Olympus").unwrap_err();
    assert!(err.contains("\"path\":\"time_zone\""), "{err}");
    let err = ffi::import_fineract("[1]", "2012-03-12", "UTC").unwrap_err();
    assert!(err.contains("\"code\":\"invalid_json\""), "{err}");
    let err = ffi::import_fineract("{\"currency\":{}}", "2012-03-12", "UTC").unwrap_err();
    assert!(err.contains("\"error\""), "{err}");
}
