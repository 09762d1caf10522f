//! Timestamps: RFC 3339 in, UTC out, and the microsecond numbers the store
//! indexes.
//!
//! Every time is stored exactly as accepted, so only times the log can
//! keep are accepted: years 0000 to 9999 (what RFC 3339 can write), and a
//! second 60 only where UTC had one: `23:59:60Z` on the 27 days IERS
//! inserted a leap second (after an offset is applied: `23:59:60+01:00` is
//! 22:59:60 UTC, which never existed). A leap second is indexed as the last
//! microsecond of its day, so the store's index and the component's
//! comparisons put it in the same day.

use chrono::{DateTime, Datelike, NaiveDate, SecondsFormat, TimeZone, Timelike, Utc};

/// The days that ended with a leap second (23:59:60 UTC), 1972 to 2016;
/// none has been announced since.
const LEAP_DAYS: &[(i32, u32, u32)] = &[
    (1972, 6, 30),
    (1972, 12, 31),
    (1973, 12, 31),
    (1974, 12, 31),
    (1975, 12, 31),
    (1976, 12, 31),
    (1977, 12, 31),
    (1978, 12, 31),
    (1979, 12, 31),
    (1981, 6, 30),
    (1982, 6, 30),
    (1983, 6, 30),
    (1985, 6, 30),
    (1987, 12, 31),
    (1989, 12, 31),
    (1990, 12, 31),
    (1992, 6, 30),
    (1993, 6, 30),
    (1994, 6, 30),
    (1995, 12, 31),
    (1997, 6, 30),
    (1998, 12, 31),
    (2005, 12, 31),
    (2008, 12, 31),
    (2012, 6, 30),
    (2015, 6, 30),
    (2016, 12, 31),
];

/// Parses an RFC 3339 timestamp with any offset.
pub fn parse(text: &str) -> Result<DateTime<Utc>, &'static str> {
    let t = DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| "not an RFC 3339 timestamp (such as 2026-11-21T10:00:00Z)")?;
    if is_leap(t) && !real_leap_second(t) {
        return Err("second 60 only exists at 23:59:60 UTC on a day that had a leap second");
    }
    // An offset can carry 9999-12-31T23:30:00-01:00 into the year 10000,
    // which RFC 3339 cannot write back.
    if !(0..=9999).contains(&t.year()) {
        return Err("outside the years 0000 to 9999 in UTC");
    }
    Ok(t)
}

/// Whether `t` falls within a leap second (chrono keeps it as second 59
/// with a nanosecond count of a second or more).
fn is_leap(t: DateTime<Utc>) -> bool {
    t.nanosecond() >= 1_000_000_000
}

fn real_leap_second(t: DateTime<Utc>) -> bool {
    (t.hour(), t.minute(), t.second()) == (23, 59, 59)
        && LEAP_DAYS.contains(&(t.year(), t.month(), t.day()))
}

/// A time the log can record (`recorded_at`, `occurred_at`): years 0000
/// to 9999, the range RFC 3339 writes; refused otherwise, naming `what`.
pub fn storable(t: DateTime<Utc>, what: &str) -> Result<DateTime<Utc>, String> {
    if (0..=9999).contains(&t.year()) {
        Ok(t)
    } else {
        Err(format!(
            "{what} is in the year {}, outside the years 0000 to 9999 a stored time can have",
            t.year()
        ))
    }
}

/// Parses a filter bound: an RFC 3339 timestamp, or a date `YYYY-MM-DD`
/// meaning the start of that day in UTC.
pub fn parse_bound(text: &str) -> Result<DateTime<Utc>, &'static str> {
    if text.len() == 10
        && let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d")
    {
        let midnight = date.and_hms_opt(0, 0, 0).expect("midnight exists");
        return Ok(Utc.from_utc_datetime(&midnight));
    }
    parse(text).map_err(|_| "not an RFC 3339 timestamp or a date YYYY-MM-DD")
}

/// The stored form: UTC with `Z`, and as many fraction digits (0, 3, 6 or 9)
/// as keep the value exact.
pub fn format(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// Microseconds since the Unix epoch, rounded down (the store's index). A
/// leap second is the last microsecond of its day, where comparisons of
/// times put it too.
pub fn micros(time: DateTime<Utc>) -> i64 {
    if is_leap(time) {
        return time.timestamp().saturating_mul(1_000_000) + 999_999;
    }
    time.timestamp_micros()
}

/// The smallest microsecond count at or after `time` (for exclusive upper
/// bounds handed to the store, which must over-select, never under-select).
pub fn micros_ceil(time: DateTime<Utc>) -> i64 {
    let floor = micros(time);
    if !is_leap(time) && time.timestamp_subsec_nanos().is_multiple_of(1000) {
        floor
    } else {
        floor.saturating_add(1)
    }
}

/// The time from a host clock reading.
pub fn from_clock(seconds: i64, nanoseconds: u32) -> Option<DateTime<Utc>> {
    // A reading of a billion nanoseconds or more would be chrono's leap
    // second at any minute's end: it stays within its own second instead.
    DateTime::from_timestamp(seconds, nanoseconds.min(999_999_999))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_become_utc() {
        let t = parse("2026-11-21T12:30:00+02:30").unwrap();
        assert_eq!(format(t), "2026-11-21T10:00:00Z");
        let t = parse("2026-11-21T10:00:00.120Z").unwrap();
        assert_eq!(format(t), "2026-11-21T10:00:00.120Z");
        let t = parse("2026-11-21T10:00:00.123456789Z").unwrap();
        assert_eq!(format(t), "2026-11-21T10:00:00.123456789Z");
    }

    #[test]
    fn times_beyond_the_years_rfc_3339_writes_are_refused() {
        assert!(
            parse("9999-12-31T23:30:00-01:00")
                .unwrap_err()
                .contains("0000 to 9999")
        );
        assert!(
            parse("0000-01-01T00:00:00+01:00")
                .unwrap_err()
                .contains("0000 to 9999")
        );
        assert!(parse("9999-12-31T23:59:59Z").is_ok());
        assert!(parse("0000-01-01T00:00:00Z").is_ok());
        let t = from_clock(1_483_228_799, 1_500_000_000).unwrap();
        assert_eq!(format(t), "2016-12-31T23:59:59.999999999Z");
    }

    #[test]
    fn bad_times_are_refused() {
        for bad in [
            "",
            "2026-11-21",
            "2026-11-21 10:00",
            "yesterday",
            "2026-13-01T00:00:00Z",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn extreme_years_and_leap_seconds_are_kept() {
        assert_eq!(
            format(parse("0001-01-01T00:00:00Z").unwrap()),
            "0001-01-01T00:00:00Z"
        );
        assert_eq!(
            format(parse("9999-12-31T23:59:59Z").unwrap()),
            "9999-12-31T23:59:59Z"
        );
        let leap = parse("2016-12-31T23:59:60Z").unwrap();
        assert_eq!(format(leap), "2016-12-31T23:59:60Z");
        assert_eq!(
            format(parse("0000-01-01T00:00:00Z").unwrap()),
            "0000-01-01T00:00:00Z"
        );
    }

    #[test]
    fn a_leap_second_exists_only_where_utc_had_one_and_stays_in_its_day() {
        for bad in [
            "2026-11-21T23:59:60Z",
            "2016-12-31T23:59:60+01:00",
            "2016-12-31T22:59:60Z",
            "2016-06-30T23:59:60Z",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        let leap = parse("2017-01-01T00:59:60+01:00").unwrap();
        assert_eq!(format(leap), "2016-12-31T23:59:60Z");
        let midnight = parse("2017-01-01T00:00:00Z").unwrap();
        assert!(micros(leap) < micros(midnight));
        assert!(leap < midnight, "the index and the comparison agree");
        assert!(micros(leap) > micros(parse("2016-12-31T23:59:59.999Z").unwrap()));
        assert!(micros_ceil(leap) <= micros(midnight));
    }

    #[test]
    fn times_past_9999_are_not_storable() {
        let far = DateTime::from_timestamp(253_402_300_800, 0).unwrap();
        assert!(storable(far, "the clock").unwrap_err().contains("10000"));
        assert!(storable(parse("9999-12-31T23:59:59Z").unwrap(), "t").is_ok());
    }

    #[test]
    fn bounds_take_dates() {
        assert_eq!(
            format(parse_bound("2026-11-21").unwrap()),
            "2026-11-21T00:00:00Z"
        );
        assert!(parse_bound("21/11/2026").is_err());
    }

    #[test]
    fn ceiling_rounds_partial_microseconds_up() {
        let t = parse("2026-11-21T10:00:00.000000500Z").unwrap();
        assert_eq!(micros_ceil(t), micros(t) + 1);
        let t = parse("2026-11-21T10:00:00.000001Z").unwrap();
        assert_eq!(micros_ceil(t), micros(t));
    }
}
