//! The holiday calendars of id-ojk, ph-sec and in-rbi against an independent source: every date
//! of 2025 and 2026 compared with the `holidays` package (fixture written by
//! scripts/asia-holiday-fixture.py), and the weekday rules the packs rely on.

use arrears_core::time::Date;
use arrears_core::Policy;

fn fixture() -> serde_json::Value {
    serde_json::from_str(include_str!("fixtures/asia-holidays-2025-2026.json")).unwrap()
}

fn compare(pack: &str) {
    let fixture = fixture();
    let listed: Vec<Date> = fixture["packs"][pack]["holidays"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap().parse().unwrap())
        .collect();
    assert!(
        listed.len() > 10,
        "{pack}: the fixture lists {}",
        listed.len()
    );
    let policy = Policy::builtin(pack).unwrap();
    let cal = policy.calendar();
    let mut wrong = Vec::new();
    let mut d: Date = "2025-01-01".parse().unwrap();
    let last: Date = "2026-12-31".parse().unwrap();
    let mut days = 0;
    while d <= last {
        let source = listed.contains(&d);
        if cal.is_holiday(d) != source {
            wrong.push(format!(
                "{d}: source holiday={source}, pack holiday={}",
                cal.is_holiday(d)
            ));
        }
        d = d.add_days(1);
        days += 1;
    }
    assert_eq!(days, 730);
    assert!(
        wrong.is_empty(),
        "{pack} against {}:\n{}",
        fixture["source"],
        wrong.join("\n")
    );
    // The pack says which years it covers, and they are the fixture's.
    assert!(
        policy.document().calendar.cite.contains("2025 and 2026"),
        "{pack} names its years"
    );
}

#[test]
fn id_ojk_holidays_and_collective_leave_match_the_holidays_package() {
    compare("id-ojk");
}

#[test]
fn ph_sec_holidays_match_the_holidays_package() {
    compare("ph-sec");
}

#[test]
fn in_rbi_holidays_match_the_holidays_package() {
    compare("in-rbi");
}

#[test]
fn indonesia_collects_monday_to_saturday_outside_holidays() {
    let policy = Policy::builtin("id-ojk").unwrap();
    let cal = policy.calendar();
    let d = |s: &str| s.parse::<Date>().unwrap();
    assert!(
        cal.is_working_day(d("2026-03-14")),
        "Saturday is a collection day"
    );
    assert!(!cal.is_working_day(d("2026-03-15")), "Sunday is not");
    assert!(!cal.is_working_day(d("2026-03-19")), "Nyepi 2026");
    assert!(
        !cal.is_working_day(d("2026-03-20")),
        "collective leave before Idul Fitri 2026"
    );
    assert!(
        !cal.is_working_day(d("2025-12-26")),
        "collective leave after Christmas 2025"
    );
    assert!(cal.is_working_day(d("2026-03-25")));
}
