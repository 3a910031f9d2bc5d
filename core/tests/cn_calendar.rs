//! The cn-microloan calendar against an independent source: every date of 2025 and 2026 compared
//! with the `chinese-calendar` package (fixture written by scripts/cn-holiday-fixture.py).

use arrears_core::time::Date;
use arrears_core::Policy;

#[test]
fn cn_microloan_calendar_matches_the_state_council_schedule_for_2025_and_2026() {
    let fixture: serde_json::Value =
        serde_json::from_str(include_str!("fixtures/cn-calendar-2025-2026.json")).unwrap();
    let policy = Policy::builtin("cn-microloan").unwrap();
    let cal = policy.calendar();
    let mut wrong = Vec::new();
    let days = fixture["days"].as_array().unwrap();
    assert_eq!(days.len(), 730);
    for day in days {
        let date: Date = day["date"].as_str().unwrap().parse().unwrap();
        let (working, holiday) = (
            day["working_day"].as_bool().unwrap(),
            day["holiday"].as_bool().unwrap(),
        );
        if cal.is_working_day(date) != working || cal.is_holiday(date) != holiday {
            wrong.push(format!(
                "{date}: source says working={working} holiday={holiday}, pack says working={} holiday={}",
                cal.is_working_day(date),
                cal.is_holiday(date)
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} ({}):\n{}",
        wrong.len(),
        fixture["source"],
        wrong.join("\n")
    );
}

#[test]
fn spring_festival_2026_make_up_days_and_the_first_working_day_after() {
    let policy = Policy::builtin("cn-microloan").unwrap();
    let cal = policy.calendar();
    let d = |s: &str| s.parse::<Date>().unwrap();
    assert!(cal.is_holiday(d("2026-02-16")), "春节 2026-02-15..02-23");
    assert!(
        cal.is_working_day(d("2026-02-14")),
        "Saturday 02-14 is a make-up working day"
    );
    assert!(
        cal.is_working_day(d("2026-02-28")),
        "Saturday 02-28 is a make-up working day"
    );
    assert!(!cal.is_working_day(d("2026-02-23")));
    assert!(cal.is_working_day(d("2026-02-24")));
}
