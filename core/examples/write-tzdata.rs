//! Writes `core/data/tzdata.bin`, the engine's time-zone table, from chrono-tz.
//!
//! Run with `cargo run --release -p arrears-core --example write-tzdata` (about half a minute;
//! much longer without `--release`). The `tzdata` tests check the committed file against chrono-tz.
//!
//! chrono-tz does not expose its lists of changes, so they are found by reading each zone's total
//! UTC offset every `STEP` from 1800 to 3100 and bisecting every difference to the second. A step
//! hides a change only when two changes fall within it and the second undoes the first; the
//! closest changes in chrono-tz are about a week apart, and the run refuses to write a table in
//! which two changes it found are closer than `MIN_GAP` (a margin of 16 steps), so a tz database
//! with changes that close would stop it rather than slip past.
//!
//! Outside 1800-3100 chrono-tz holds a zone's first and last offsets (its earliest change is in
//! 1845, its last in 2099); the run checks that at the ends of chrono's range.

use arrears_core::time::tzdata::{self, ZoneRecord};
use chrono::{DateTime, NaiveDate, Offset, TimeZone};
use chrono_tz::{Tz, TZ_VARIANTS};

const STEP: i64 = 6 * 3600;
const MIN_GAP: i64 = 16 * STEP;

fn main() {
    let at = |y| {
        NaiveDate::from_ymd_opt(y, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .expect("a date")
            .and_utc()
            .timestamp()
    };
    let (from, to) = (at(1800), at(3100));
    let mut zones = Vec::new();
    let mut closest = i64::MAX;
    for tz in TZ_VARIANTS {
        let zone = scan(tz, from, to);
        for pair in zone.changes.windows(2) {
            closest = closest.min(pair[1].0 - pair[0].0);
        }
        let ends = (
            offset(tz, DateTime::<chrono::Utc>::MIN_UTC.timestamp()),
            offset(tz, DateTime::<chrono::Utc>::MAX_UTC.timestamp()),
        );
        let last = zone.changes.last().map_or(zone.first, |c| c.1);
        assert_eq!(
            ends,
            (zone.first, last),
            "{}: changes outside the scan",
            zone.name
        );
        zones.push(zone);
    }
    assert!(
        closest >= MIN_GAP,
        "two changes {closest} s apart: the {STEP} s step is too coarse to trust"
    );
    let bytes = tzdata::encode(chrono_tz::IANA_TZDB_VERSION, &zones).expect("encode");
    let (_, back) = tzdata::records(&bytes).expect("the table reads back");
    assert_eq!(back.len(), zones.len());
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/tzdata.bin");
    std::fs::write(&path, &bytes).expect("write tzdata.bin");
    println!(
        "wrote {} ({} bytes): tzdb {}, {} names, {} changes, closest two {} s apart",
        path.display(),
        bytes.len(),
        chrono_tz::IANA_TZDB_VERSION,
        zones.len(),
        zones.iter().map(|z| z.changes.len()).sum::<usize>(),
        closest
    );
}

/// chrono-tz's total UTC offset of `tz` at `at`.
fn offset(tz: Tz, at: i64) -> i32 {
    let utc = DateTime::from_timestamp(at, 0)
        .expect("in range")
        .naive_utc();
    tz.offset_from_utc_datetime(&utc).fix().local_minus_utc()
}

/// Every change of `tz`'s total offset in `[from, to]`, found by stepping and bisecting.
fn scan(tz: Tz, from: i64, to: i64) -> ZoneRecord {
    let first = offset(tz, from);
    let mut changes = Vec::new();
    let (mut lo, mut current) = (from, first);
    while lo < to {
        let hi = (lo + STEP).min(to);
        let end = offset(tz, hi);
        // Between lo (at `current`) and hi (at `end`): bisect to the first second that differs,
        // then go on from there, so several changes within one step are all found.
        while end != current {
            let (mut a, mut b) = (lo, hi);
            while b - a > 1 {
                let mid = a + (b - a) / 2;
                if offset(tz, mid) == current {
                    a = mid;
                } else {
                    b = mid;
                }
            }
            current = offset(tz, b);
            changes.push((b, current));
            lo = b;
        }
        lo = hi;
    }
    ZoneRecord {
        name: tz.name().to_string(),
        first,
        changes,
    }
}
