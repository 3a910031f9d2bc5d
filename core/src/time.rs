//! Calendar and clock values of the contract.
//!
//! The engine never reads a clock or the host's time zone: every instant comes from the input with
//! an explicit offset, and every local reading goes through a named IANA zone, read from a table
//! generated from chrono-tz ([`tzdata`]). Inside the engine an instant is a count of seconds
//! since the Unix epoch (`i64`), which keeps interval arithmetic exact and cheap; the offsets only
//! matter when reading input and writing output.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveTime, TimeZone};
use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

use crate::error::OUT_OF_RANGE_MARK;
pub mod tzdata;

/// Seconds since 1970-01-01T00:00:00Z.
pub type Seconds = i64;

pub const MINUTE: Seconds = 60;
pub const HOUR: Seconds = 3600;
pub const DAY: Seconds = 86_400;

/// A calendar date, written `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub NaiveDate);

impl Date {
    pub fn from_ymd(y: i32, m: u32, d: u32) -> Option<Date> {
        NaiveDate::from_ymd_opt(y, m, d).map(Date)
    }

    pub fn year(self) -> i32 {
        self.0.year()
    }

    /// Whole days from `earlier` to `self` (negative when `self` is earlier).
    pub fn days_since(self, earlier: Date) -> i64 {
        (self.0 - earlier.0).num_days()
    }

    /// The date `days` later (earlier when negative), saturating at the ends of the calendar
    /// (years about -262,000 and 262,000).
    ///
    /// Dates in the contract are bounded to years 1900-2999 at parse time, but a policy may count
    /// up to `u32::MAX` days, which lies beyond any calendar. Saturating keeps the one property
    /// every caller relies on, order: a shift forward never lands earlier, so a deadline or a
    /// rest that far off stays in the future ("not within reach"), where falling back to the
    /// input date would have made it today.
    pub fn add_days(self, days: i64) -> Date {
        let end = if days < 0 {
            chrono::NaiveDate::MIN
        } else {
            chrono::NaiveDate::MAX
        };
        Date(
            chrono::TimeDelta::try_days(days)
                .and_then(|d| self.0.checked_add_signed(d))
                .unwrap_or(end),
        )
    }

    pub fn weekday(self) -> Weekday {
        Weekday::from_chrono(self.0.weekday())
    }

    /// The same day of the month `months` earlier, clamped to the month's end (Mar 31 - 1 = Feb 28).
    pub fn months_earlier(self, months: u32) -> Date {
        Date(
            self.0
                .checked_sub_months(chrono::Months::new(months))
                .unwrap_or(self.0),
        )
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // chrono's `%Y-%m-%d`, written here so the module carries no strftime interpreter: four
        // digits for years 0 to 9999, and outside them an explicit sign (ISO 8601's expanded years).
        let (year, month, day) = (self.0.year(), self.0.month(), self.0.day());
        if (0..10_000).contains(&year) {
            write!(f, "{year:04}-{month:02}-{day:02}")
        } else {
            write!(f, "{year:+05}-{month:02}-{day:02}")
        }
    }
}

impl FromStr for Date {
    type Err = String;
    fn from_str(s: &str) -> Result<Date, String> {
        let b = s.as_bytes();
        let shaped = b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
        if !shaped {
            return Err(format!("expected a date as YYYY-MM-DD, found {s:?}"));
        }
        // The shape is checked, so the fields are digits at fixed places; reading them here
        // rather than with chrono's `parse_from_str` keeps its format interpreter out of the module.
        let digits = |from: usize, to: usize| {
            b[from..to]
                .iter()
                .fold(0u32, |n, c| n * 10 + u32::from(c - b'0'))
        };
        // Four digits are at most 9999, which an i32 holds.
        let date = NaiveDate::from_ymd_opt(digits(0, 4) as i32, digits(5, 7), digits(8, 10))
            .ok_or_else(|| format!("{s:?} is not a calendar date"))?;
        if !(1900..=2999).contains(&date.year()) {
            return Err(format!(
                "{OUT_OF_RANGE_MARK}year of {s:?} is outside 1900-2999"
            ));
        }
        Ok(Date(date))
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(de::Error::custom)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// An instant with the offset it was written with (RFC 3339, offset required).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Instant(pub DateTime<FixedOffset>);

impl Instant {
    /// Seconds since the epoch, sub-second digits dropped: the engine decides to the second.
    pub fn seconds(self) -> Seconds {
        self.0.timestamp()
    }
}

impl PartialOrd for Instant {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Instant {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.cmp(&other.0)
    }
}

impl fmt::Display for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false))
    }
}

impl FromStr for Instant {
    type Err = String;
    fn from_str(s: &str) -> Result<Instant, String> {
        // RFC 3339 demands an offset; a bare local time would make the decision depend on where
        // it runs, so it is refused with a message that says exactly that.
        let t = s.find('T').or_else(|| s.find('t'));
        let has_offset = match t {
            Some(t) => {
                let rest = &s[t..];
                rest.ends_with('Z')
                    || rest.ends_with('z')
                    || rest.contains('+')
                    || rest.contains('-')
            }
            None => false,
        };
        if t.is_some() && !has_offset {
            return Err(format!(
                "instant {s:?} has no UTC offset; write it as RFC 3339 with an offset, e.g. 2026-03-10T14:30:00+08:00"
            ));
        }
        let dt = DateTime::parse_from_rfc3339(s).map_err(|_| {
            format!(
                "expected an RFC 3339 instant with offset (2026-03-10T14:30:00+08:00), found {s:?}"
            )
        })?;
        if !(1900..=2999).contains(&dt.year()) {
            return Err(format!(
                "{OUT_OF_RANGE_MARK}year of {s:?} is outside 1900-2999"
            ));
        }
        Ok(Instant(dt))
    }
}

impl<'de> Deserialize<'de> for Instant {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Instant, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(de::Error::custom)
    }
}

impl Serialize for Instant {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// An IANA time zone name, checked against the time-zone table compiled into the engine
/// ([`tzdata`], generated from chrono-tz and giving exactly its offsets).
///
/// Two names for the same zone (a link such as US/Eastern and America/New_York) are different
/// `Zone`s that read every instant the same way, as they were under chrono-tz.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Zone(u16);

impl Zone {
    /// Coordinated Universal Time.
    pub fn utc() -> Zone {
        "UTC".parse().unwrap_or(Zone(0))
    }

    pub fn name(self) -> &'static str {
        tzdata::name(usize::from(self.0))
    }

    /// The total UTC offset (seconds) of this zone at an instant.
    pub fn offset_at(self, at: Seconds) -> i32 {
        tzdata::spans(usize::from(self.0)).offset_at(at)
    }

    /// The local date and wall clock of an instant (`None` when the instant or its local reading
    /// is outside chrono's range; chrono-tz panicked on the latter).
    fn local(self, at: Seconds) -> Option<chrono::NaiveDateTime> {
        const CHRONO: std::ops::RangeInclusive<Seconds> = DateTime::<chrono::Utc>::MIN_UTC
            .timestamp()
            ..=DateTime::<chrono::Utc>::MAX_UTC.timestamp();
        if !CHRONO.contains(&at) {
            return None;
        }
        let local = at.checked_add(i64::from(self.offset_at(at)))?;
        DateTime::from_timestamp(local, 0).map(|dt| dt.naive_utc())
    }

    /// The local calendar date of an instant in this zone.
    pub fn date_of(self, at: Seconds) -> Date {
        Date(self.local(at).map_or_else(
            || {
                chrono::DateTime::from_timestamp(at, 0)
                    .unwrap_or_default()
                    .date_naive()
            },
            |local| local.date(),
        ))
    }

    /// Seconds since local midnight of an instant in this zone.
    pub fn clock_of(self, at: Seconds) -> i64 {
        match self.local(at) {
            Some(local) => i64::from(chrono::Timelike::num_seconds_from_midnight(&local.time())),
            None => 0,
        }
    }

    /// The instant at which the local wall clock reads `date` plus `seconds` (0..=86400).
    ///
    /// Local times that do not exist (the gap of a spring-forward change) map to the first instant
    /// after the gap; times that occur twice (fall-back) map to the earlier one. That is what a
    /// person reading "from 02:30" on such a day would expect of a contact window.
    pub fn instant_at(self, date: Date, seconds: i64) -> Seconds {
        let (date, seconds) = if seconds >= DAY {
            (date.add_days(seconds / DAY), seconds % DAY)
        } else {
            (date, seconds)
        };
        let secs = u32::try_from(seconds).unwrap_or(0);
        let time = NaiveTime::from_num_seconds_from_midnight_opt(secs, 0).unwrap_or(NaiveTime::MIN);
        let local = date.0.and_time(time).and_utc().timestamp();
        let spans = tzdata::spans(usize::from(self.0));
        if let Some(at) = spans.earliest_at_local(local) {
            return at;
        }
        // In a gap: walk forward a minute at a time until the wall clock exists again; DST gaps
        // are at most a few hours, so this ends quickly. The first reading that exists is the
        // gap's end, which falls on a whole minute but for a few local-mean-time changes (there
        // it is the first whole minute after the end, counted from `seconds`).
        for minutes in 1..=(24 * 60) {
            if let Some(at) = spans.earliest_at_local(local + minutes * MINUTE) {
                return at;
            }
        }
        local
    }

    /// The instant of local midnight at the start of `date`.
    pub fn start_of(self, date: Date) -> Seconds {
        self.instant_at(date, 0)
    }

    /// Renders an instant with this zone's offset at that instant.
    ///
    /// chrono writes the offset in whole minutes, rounding the seconds of a local-mean-time offset
    /// to the nearest minute (Asia/Shanghai in 1900, +08:05:43, is written +08:06) while the wall
    /// clock keeps them.
    pub fn render(self, at: Seconds) -> String {
        let offset = self.offset_at(at);
        let written = self.local(at).and_then(|_| {
            FixedOffset::east_opt(offset)?
                .timestamp_opt(at, 0)
                .single()
                .map(|dt| dt.to_rfc3339_opts(chrono::SecondsFormat::Secs, false))
        });
        written.unwrap_or_default()
    }
}

impl fmt::Debug for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Zone").field(&self.name()).finish()
    }
}

impl FromStr for Zone {
    type Err = String;
    fn from_str(s: &str) -> Result<Zone, String> {
        tzdata::find(s)
            .and_then(|i| u16::try_from(i).ok())
            .map(Zone)
            .ok_or_else(|| {
                format!(
                    "{s:?} is not an IANA time zone name (e.g. Asia/Shanghai, America/New_York)"
                )
            })
    }
}

impl<'de> Deserialize<'de> for Zone {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Zone, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(de::Error::custom)
    }
}

impl Serialize for Zone {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// A wall-clock time of day `HH:MM`, where `24:00` means the end of the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClockTime(pub u32);

impl ClockTime {
    /// Seconds since midnight.
    pub fn seconds(self) -> i64 {
        i64::from(self.0) * 60
    }
}

impl fmt::Display for ClockTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

impl FromStr for ClockTime {
    type Err = String;
    fn from_str(s: &str) -> Result<ClockTime, String> {
        let b = s.as_bytes();
        if b.len() != 5 || b[2] != b':' || !b[..2].iter().chain(&b[3..]).all(u8::is_ascii_digit) {
            return Err(format!("expected a clock time HH:MM, found {s:?}"));
        }
        let h: u32 = s[..2].parse().unwrap_or(99);
        let m: u32 = s[3..].parse().unwrap_or(99);
        if m > 59 || h > 24 || (h == 24 && m != 0) {
            return Err(format!(
                "{OUT_OF_RANGE_MARK}{s:?} is not a time of day between 00:00 and 24:00"
            ));
        }
        Ok(ClockTime(h * 60 + m))
    }
}

impl<'de> Deserialize<'de> for ClockTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<ClockTime, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(de::Error::custom)
    }
}

impl Serialize for ClockTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A day of the week, written `mon` .. `sun`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl Weekday {
    pub fn from_chrono(w: chrono::Weekday) -> Weekday {
        match w {
            chrono::Weekday::Mon => Weekday::Mon,
            chrono::Weekday::Tue => Weekday::Tue,
            chrono::Weekday::Wed => Weekday::Wed,
            chrono::Weekday::Thu => Weekday::Thu,
            chrono::Weekday::Fri => Weekday::Fri,
            chrono::Weekday::Sat => Weekday::Sat,
            chrono::Weekday::Sun => Weekday::Sun,
        }
    }
}

#[cfg(feature = "schema")]
mod schema {
    use super::*;
    use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
    use std::borrow::Cow;

    macro_rules! string_schema {
        ($ty:ty, $name:literal, $pattern:literal, $desc:literal) => {
            impl JsonSchema for $ty {
                fn schema_name() -> Cow<'static, str> {
                    Cow::Borrowed($name)
                }
                fn json_schema(_: &mut SchemaGenerator) -> Schema {
                    json_schema!({ "type": "string", "pattern": $pattern, "description": $desc })
                }
            }
        };
    }
    string_schema!(
        Date,
        "Date",
        "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
        "A calendar date, YYYY-MM-DD."
    );
    string_schema!(
        Instant,
        "Instant",
        "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$",
        "An RFC 3339 instant with a UTC offset."
    );
    string_schema!(
        Zone,
        "TimeZone",
        "^[A-Za-z_+-]+(/[A-Za-z0-9_+-]+)*$",
        "An IANA time zone name."
    );
    string_schema!(
        ClockTime,
        "ClockTime",
        "^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$",
        "A wall-clock time HH:MM; 24:00 is the end of the day."
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_is_read_as_chronos_iso_format_reads_it() {
        for year in [
            "0000", "0001", "1899", "1900", "2000", "2024", "2100", "2999", "3000", "9999",
        ] {
            for month in 0..=13 {
                for day in 0..=32 {
                    let s = format!("{year}-{month:02}-{day:02}");
                    let theirs = NaiveDate::parse_from_str(&s, "%Y-%m-%d");
                    match s.parse::<Date>() {
                        Ok(ours) => assert_eq!(Ok(ours.0), theirs, "{s}"),
                        Err(e) if e.contains("is not a calendar date") => {
                            assert!(theirs.is_err(), "{s}")
                        }
                        Err(e) => {
                            assert!(e.contains("outside 1900-2999"), "{s}: {e}");
                            assert!(
                                theirs.is_ok_and(|d| !(1900..=2999).contains(&d.year())),
                                "{s}"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn a_date_is_written_as_chronos_iso_format_writes_it_at_every_width_of_year() {
        let years = [
            -262_143, -10_000, -9_999, -1_000, -1, 0, 1, 999, 1_000, 2_026, 9_999, 10_000, 262_142,
        ];
        let mut dates: Vec<NaiveDate> = years
            .iter()
            .flat_map(|&y| {
                [(1, 1), (2, 28), (12, 31)].map(|(m, d)| NaiveDate::from_ymd_opt(y, m, d).unwrap())
            })
            .collect();
        dates.extend([NaiveDate::MIN, NaiveDate::MAX]);
        for d in dates {
            assert_eq!(
                Date(d).to_string(),
                d.format("%Y-%m-%d").to_string(),
                "{d:?}"
            );
        }
    }

    #[test]
    fn add_days_saturates_in_order_instead_of_returning_its_input() {
        let d = Date::from_ymd(2026, 3, 10).unwrap();
        assert_eq!(d.add_days(1).to_string(), "2026-03-11");
        assert_eq!(d.add_days(-10).to_string(), "2026-02-28");
        for far in [i64::from(u32::MAX), i64::MAX] {
            assert_eq!(d.add_days(far), Date(chrono::NaiveDate::MAX));
            assert!(d.add_days(far) > d);
            assert_eq!(d.add_days(-far), Date(chrono::NaiveDate::MIN));
            assert!(d.add_days(-far) < d);
        }
    }

    #[test]
    fn instant_without_offset_is_refused_with_a_hint() {
        let err = "2026-03-10T14:30:00".parse::<Instant>().unwrap_err();
        assert!(err.contains("no UTC offset"), "{err}");
    }

    #[test]
    fn spring_forward_gap_maps_to_the_end_of_the_gap() {
        let ny: Zone = "America/New_York".parse().unwrap();
        let d = Date::from_ymd(2026, 3, 8).unwrap();
        // 02:30 does not exist on 2026-03-08 in New York; the clock jumps from 02:00 to 03:00 EDT.
        let t = ny.instant_at(d, 2 * HOUR + 30 * MINUTE);
        assert_eq!(ny.render(t), "2026-03-08T03:00:00-04:00");
    }

    #[test]
    fn fall_back_ambiguity_takes_the_earlier_instant() {
        let ny: Zone = "America/New_York".parse().unwrap();
        let d = Date::from_ymd(2026, 11, 1).unwrap();
        let t = ny.instant_at(d, HOUR + 30 * MINUTE);
        assert_eq!(ny.render(t), "2026-11-01T01:30:00-04:00");
    }

    #[test]
    fn clock_time_accepts_end_of_day_only_as_24_00() {
        assert_eq!("24:00".parse::<ClockTime>().unwrap().seconds(), DAY);
        assert!("24:01".parse::<ClockTime>().is_err());
        assert!("7:00".parse::<ClockTime>().is_err());
    }
}
