//! Timestamps: RFC 3339 in, UTC out, and the microsecond numbers the store
//! indexes.

use chrono::{DateTime, NaiveDate, SecondsFormat, TimeZone, Utc};

/// Parses an RFC 3339 timestamp with any offset.
pub fn parse(text: &str) -> Result<DateTime<Utc>, &'static str> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| "not an RFC 3339 timestamp (such as 2026-11-21T10:00:00Z)")
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

/// Microseconds since the Unix epoch, rounded down (the store's index).
pub fn micros(time: DateTime<Utc>) -> i64 {
    time.timestamp_micros()
}

/// The smallest microsecond count at or after `time` (for exclusive upper
/// bounds handed to the store, which must over-select, never under-select).
pub fn micros_ceil(time: DateTime<Utc>) -> i64 {
    let floor = time.timestamp_micros();
    if time.timestamp_subsec_nanos().is_multiple_of(1000) {
        floor
    } else {
        floor.saturating_add(1)
    }
}

/// The time from a host clock reading.
pub fn from_clock(seconds: i64, nanoseconds: u32) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(seconds, nanoseconds)
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
