//! The holiday calendars of id-ojk, ph-sec and in-rbi (2025-2027) and of cn-microloan (2027)
//! against an independent source: every date compared with the `holidays` package (fixture
//! written by scripts/asia-holiday-fixture.py), the weekday rules the packs rely on, and how much
//! calendar every built-in pack has left.

use arrears_core::time::Date;
use arrears_core::Policy;

fn fixture() -> serde_json::Value {
    serde_json::from_str(include_str!("fixtures/asia-holidays-2025-2027.json")).unwrap()
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
    let years: Vec<i32> = fixture["packs"][pack]["years"]
        .as_array()
        .unwrap()
        .iter()
        .map(|y| y.as_i64().unwrap() as i32)
        .collect();
    let policy = Policy::builtin(pack).unwrap();
    let cal = policy.calendar();
    let mut wrong = Vec::new();
    let mut days = 0;
    for year in &years {
        let mut d = Date::from_ymd(*year, 1, 1).unwrap();
        while d.year() == *year {
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
        // The pack declares every year it is checked for.
        assert!(
            policy.document().calendar.years.contains(year),
            "{pack} declares {year}"
        );
    }
    assert_eq!(days, 365 * years.len());
    assert!(
        wrong.is_empty(),
        "{pack} against {}:\n{}",
        fixture["source"],
        wrong.join("\n")
    );
}

#[test]
fn id_ojk_national_holidays_match_the_holidays_package() {
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
fn cn_microloan_statutory_holidays_of_2027_match_the_holidays_package() {
    compare("cn-microloan");
}

/// The date a release of the packs must still be good for: a built-in pack whose calendar ends
/// fewer than 180 days after it fails, so the next year's holidays go in well before they are
/// needed. Move it forward with each release.
const RELEASED_ON: &str = "2026-12-07";

#[test]
fn every_built_in_pack_has_180_days_of_calendar_after_the_release_date() {
    let date: Date = RELEASED_ON.parse().unwrap();
    let mut short = Vec::new();
    for id in arrears_core::policy::packs::IDS {
        let policy = Policy::builtin(id).unwrap();
        // A pack whose calendar declares no years knows no holidays and never warns.
        if let Some(left) = policy.calendar_days_after(date) {
            if left < 180 {
                short.push(format!("{id}: {left} day(s) after {date}"));
            }
        }
    }
    assert!(short.is_empty(), "calendars running out: {short:?}");
}

#[test]
fn calendar_days_after_counts_to_the_end_of_the_last_covered_year() {
    let policy = Policy::builtin("id-ojk").unwrap();
    let d = |s: &str| s.parse::<Date>().unwrap();
    assert_eq!(policy.calendar_days_after(d("2027-12-31")), Some(0));
    assert_eq!(policy.calendar_days_after(d("2027-07-04")), Some(180));
    assert_eq!(policy.calendar_days_after(d("2028-01-01")), Some(0));
    assert_eq!(policy.calendar_days_after(d("2025-01-01")), Some(1094));
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
        cal.is_working_day(d("2026-03-20")),
        "collective leave before Idul Fitri 2026 is not a national holiday"
    );
    assert!(
        cal.is_working_day(d("2025-12-26")),
        "collective leave after Christmas 2025 is not a national holiday"
    );
    assert!(!cal.is_working_day(d("2027-01-01")), "New Year 2027");
    assert!(!cal.is_working_day(d("2027-03-10")), "Idul Fitri 2027");
    assert!(cal.is_working_day(d("2026-03-25")));
}
