//! The engine's time-zone table against chrono-tz, which it is generated from.
//!
//! Regenerating the table takes about half a minute in release mode (minutes in a debug test), so
//! these tests do not rerun the generator. They check instead that the committed table is one the
//! encoder writes (decode, re-encode, same bytes), that it was built from the tz database chrono-tz
//! carries now, that its names are exactly chrono-tz's, and that every zone reads every one of its
//! changes, the seconds either side, and a dense sample of 1900-2999 exactly as chrono-tz does. A
//! change the generator had missed would show as a disagreement in the sample unless it were undone
//! within the stride; the generator itself refuses tables with changes closer than four days.

use arrears_core::synthetic::SplitMix;
use arrears_core::time::tzdata::{self, ZoneRecord};
use arrears_core::time::{Date, Zone, DAY, HOUR, MINUTE};
use chrono::{DateTime, LocalResult, NaiveDate, NaiveTime, Offset, TimeZone};
use chrono_tz::{Tz, TZ_VARIANTS};

/// The engine's zone code as it was on chrono-tz, kept as the reference.
mod reference {
    use super::*;

    pub fn offset(tz: Tz, at: i64) -> i32 {
        tz.timestamp_opt(at, 0)
            .single()
            .map_or(0, |dt| dt.offset().fix().local_minus_utc())
    }

    pub fn date_of(tz: Tz, at: i64) -> NaiveDate {
        tz.timestamp_opt(at, 0).single().map_or_else(
            || {
                DateTime::from_timestamp(at, 0)
                    .unwrap_or_default()
                    .date_naive()
            },
            |dt| dt.date_naive(),
        )
    }

    pub fn clock_of(tz: Tz, at: i64) -> i64 {
        match tz.timestamp_opt(at, 0).single() {
            Some(dt) => i64::from(chrono::Timelike::num_seconds_from_midnight(&dt.time())),
            None => 0,
        }
    }

    pub fn render(tz: Tz, at: i64) -> String {
        match tz.timestamp_opt(at, 0).single() {
            Some(dt) => dt
                .fixed_offset()
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
            None => String::new(),
        }
    }

    pub fn instant_at(tz: Tz, date: NaiveDate, seconds: i64) -> i64 {
        let (date, seconds) = if seconds >= DAY {
            (
                date.checked_add_signed(chrono::Duration::days(seconds / DAY))
                    .unwrap_or(date),
                seconds % DAY,
            )
        } else {
            (date, seconds)
        };
        let secs = u32::try_from(seconds).unwrap_or(0);
        let time = NaiveTime::from_num_seconds_from_midnight_opt(secs, 0).unwrap_or(NaiveTime::MIN);
        let naive = date.and_time(time);
        match tz.from_local_datetime(&naive) {
            LocalResult::Single(dt) => dt.timestamp(),
            LocalResult::Ambiguous(a, b) => a.timestamp().min(b.timestamp()),
            LocalResult::None => {
                let mut probe = naive;
                for _ in 0..(24 * 60) {
                    probe += chrono::Duration::minutes(1);
                    if let Some(dt) = tz.from_local_datetime(&probe).earliest() {
                        return dt.timestamp();
                    }
                }
                naive.and_utc().timestamp()
            }
        }
    }
}

fn zone(tz: Tz) -> Zone {
    tz.name()
        .parse()
        .unwrap_or_else(|e| panic!("{}: {e}", tz.name()))
}

fn utc(y: i32, m: u32, d: u32, h: u32) -> i64 {
    NaiveDate::from_ymd_opt(y, m, d)
        .and_then(|d| d.and_hms_opt(h, 0, 0))
        .unwrap()
        .and_utc()
        .timestamp()
}

fn records() -> Vec<ZoneRecord> {
    tzdata::records(tzdata::BYTES)
        .expect("the committed table reads")
        .1
}

/// Compares the readings of `at` (the rendering only when `render`, as it is the slowest).
fn same_reading(tz: Tz, z: Zone, at: i64, render: bool) {
    if tz.timestamp_opt(at, 0).single().is_some() {
        assert_eq!(
            z.offset_at(at),
            reference::offset(tz, at),
            "{} offset at {at}",
            tz.name()
        );
    }
    assert_eq!(
        z.date_of(at).0,
        reference::date_of(tz, at),
        "{} date at {at}",
        tz.name()
    );
    assert_eq!(
        z.clock_of(at),
        reference::clock_of(tz, at),
        "{} clock at {at}",
        tz.name()
    );
    if render {
        assert_eq!(
            z.render(at),
            reference::render(tz, at),
            "{} at {at}",
            tz.name()
        );
    }
}

#[test]
fn names_are_exactly_those_of_chrono_tz() {
    let mut expected: Vec<&str> = TZ_VARIANTS.iter().map(|tz| tz.name()).collect();
    expected.sort_unstable();
    let names: Vec<&str> = tzdata::names().collect();
    assert_eq!(names, expected);
    for tz in TZ_VARIANTS {
        let z = zone(tz);
        assert_eq!(z.name(), tz.name());
        assert_eq!(
            serde_json::to_string(&z).unwrap(),
            format!("{:?}", tz.name())
        );
        assert_eq!(
            serde_json::from_str::<Zone>(&format!("{:?}", tz.name())).unwrap(),
            z
        );
    }
    // Links stay distinct names, as they were distinct chrono-tz zones.
    assert_ne!(
        "US/Eastern".parse::<Zone>().unwrap(),
        "America/New_York".parse::<Zone>().unwrap()
    );
    for bad in [
        "Mars/Olympus",
        "",
        "america/new_york",
        "America/New_York ",
        "America/",
        "Etc/GMT+15",
        "UTC\n",
        "\u{0}",
    ] {
        assert!(bad.parse::<Tz>().is_err(), "chrono-tz accepts {bad:?}");
        assert_eq!(
            bad.parse::<Zone>().unwrap_err(),
            format!("{bad:?} is not an IANA time zone name (e.g. Asia/Shanghai, America/New_York)")
        );
    }
    assert_eq!(
        "Mars/Olympus".parse::<Zone>().unwrap_err(),
        r#""Mars/Olympus" is not an IANA time zone name (e.g. Asia/Shanghai, America/New_York)"#
    );
    assert_eq!(Zone::utc().name(), "UTC");
}

#[test]
fn the_committed_table_is_current() {
    assert_eq!(tzdata::version(), chrono_tz::IANA_TZDB_VERSION);
    let zones = records();
    assert_eq!(zones.len(), TZ_VARIANTS.len());
    let again = tzdata::encode(chrono_tz::IANA_TZDB_VERSION, &zones).unwrap();
    assert!(
        again == tzdata::BYTES,
        "core/data/tzdata.bin is not in the encoder's form; run \
         `cargo run --release -p arrears-core --example write-tzdata`"
    );
}

#[test]
fn every_change_and_a_dense_sample_read_as_in_chrono_tz() {
    let from = utc(1899, 12, 30, 0);
    let to = utc(3000, 1, 2, 0);
    // About 11,000 instants per zone, drifting through the hours and the days of the week.
    let stride = 37 * DAY + HOUR + 7;
    let zones = records();
    for tz in TZ_VARIANTS {
        let z = zone(tz);
        let record = zones.iter().find(|r| r.name == tz.name()).unwrap();
        let mut previous = record.first;
        for &(t, offset) in &record.changes {
            assert_eq!(
                reference::offset(tz, t - 1),
                previous,
                "{} before {t}",
                tz.name()
            );
            assert_eq!(reference::offset(tz, t), offset, "{} at {t}", tz.name());
            previous = offset;
            for at in [t - 1, t, t + 1] {
                same_reading(tz, z, at, true);
            }
        }
        let mut at = from;
        let mut n = 0u32;
        while at < to {
            same_reading(tz, z, at, n.is_multiple_of(32));
            at += stride;
            n += 1;
        }
    }
}

#[test]
fn far_future_and_local_mean_time_read_as_in_chrono_tz() {
    let ny: Zone = "America/New_York".parse().unwrap();
    // chrono-tz lists changes up to 2099 and keeps the last offset (EST) after that.
    assert_eq!(ny.render(utc(2050, 7, 1, 16)), "2050-07-01T12:00:00-04:00");
    assert_eq!(ny.render(utc(2099, 7, 1, 16)), "2099-07-01T12:00:00-04:00");
    assert_eq!(ny.render(utc(2100, 7, 1, 17)), "2100-07-01T12:00:00-05:00");
    assert_eq!(ny.render(utc(2999, 7, 1, 17)), "2999-07-01T12:00:00-05:00");
    // An offset with seconds: the wall clock keeps them, the written offset is rounded to minutes.
    let shanghai: Zone = "Asia/Shanghai".parse().unwrap();
    assert_eq!(
        shanghai.offset_at(utc(1900, 1, 1, 0)),
        8 * 3600 + 5 * 60 + 43
    );
    assert_eq!(
        shanghai.render(utc(1900, 1, 1, 0)),
        "1900-01-01T08:05:43+08:06"
    );
    for tz in TZ_VARIANTS {
        for at in [
            utc(2050, 7, 1, 0),
            utc(2100, 1, 1, 0),
            utc(2100, 7, 1, 0),
            utc(2999, 12, 31, 23),
            DateTime::<chrono::Utc>::MIN_UTC.timestamp() - 1,
            DateTime::<chrono::Utc>::MAX_UTC.timestamp() + 1,
            i64::MIN,
            i64::MAX,
        ] {
            same_reading(tz, zone(tz), at, true);
        }
        // At the very ends of chrono's range chrono-tz panics reading the local time of a zone
        // that is not on UTC; the engine reads them as outside the range instead.
        let z = zone(tz);
        for at in [
            DateTime::<chrono::Utc>::MIN_UTC.timestamp(),
            DateTime::<chrono::Utc>::MAX_UTC.timestamp(),
        ] {
            let _ = (z.date_of(at), z.clock_of(at), z.render(at));
            let _ = z.instant_at(Date(NaiveDate::MIN), 0);
            let _ = z.instant_at(Date(NaiveDate::MAX), DAY);
        }
    }
}

#[test]
fn instant_at_agrees_with_chrono_tz_at_changes_and_random_dates() {
    let first = utc(1900, 1, 2, 0);
    let last = utc(2999, 12, 30, 0);
    let zones = records();
    let mut rng = SplitMix(0x7a64_6174_6121);
    for tz in TZ_VARIANTS {
        let z = zone(tz);
        let record = zones.iter().find(|r| r.name == tz.name()).unwrap();
        let check = |date: NaiveDate, seconds: i64| {
            assert_eq!(
                z.instant_at(Date(date), seconds),
                reference::instant_at(tz, date, seconds),
                "{} {date} + {seconds} s",
                tz.name()
            );
        };
        for &(t, _) in record
            .changes
            .iter()
            .filter(|c| (first..last).contains(&c.0))
        {
            // The wall-clock readings just before and at the change, on the days they fall on:
            // the edges of a gap or an overlap, and a little either side.
            for at in [t - 1, t] {
                let date = reference::date_of(tz, at);
                let wall = reference::clock_of(tz, at);
                for delta in [-61, -60, -1, 0, 1, 30, 59, 60, 61, 1800] {
                    check(date, (wall + delta).clamp(0, DAY));
                }
                check(date, 0);
                check(date, 12 * HOUR);
                check(date, DAY);
            }
        }
        for _ in 0..40 {
            let at = first + (rng.next_u64() % (last - first) as u64) as i64;
            let date = reference::date_of(tz, at);
            let seconds = match rng.next_u64() % 4 {
                0 => (rng.next_u64() % 1441) as i64 * MINUTE,
                1 => (rng.next_u64() % 86_401) as i64,
                2 => (rng.next_u64() % (3 * DAY as u64)) as i64,
                _ => -((rng.next_u64() % 1000) as i64),
            };
            check(date, seconds);
        }
    }
}

#[test]
fn malformed_tables_are_errors_not_panics() {
    let bytes = tzdata::BYTES;
    for len in (0..64).chain((64..bytes.len()).step_by(997)) {
        assert!(
            tzdata::records(&bytes[..len]).is_err(),
            "a prefix of {len} bytes reads"
        );
    }
    let mut rng = SplitMix(42);
    let mut copy = bytes.to_vec();
    for _ in 0..150 {
        let i = (rng.next_u64() % bytes.len() as u64) as usize;
        let was = copy[i];
        copy[i] = (rng.next_u64() & 0xff) as u8;
        let _ = tzdata::records(&copy);
        copy[i] = was;
    }
    let mut garbage = vec![0u8; 4096];
    garbage[..4].copy_from_slice(b"TZC1");
    for _ in 0..50 {
        for b in &mut garbage[4..] {
            *b = (rng.next_u64() & 0xff) as u8;
        }
        assert!(tzdata::records(&garbage).is_err());
    }
}

#[test]
fn every_zone_of_the_embedded_table_decodes() {
    let n = arrears_core::time::tzdata::check_embedded().expect("the embedded table decodes");
    assert!(n > 400, "only {n} zones");
}
