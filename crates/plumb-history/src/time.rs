//! Unix seconds to and from the two text forms the history speaks: RFC 3339 UTC for output, and
//! `--since` ages (`30d`) or dates (`2026-11-01`) for input. The calendar is the `time` crate's.

use time::{Date, Month, UtcDateTime};

use crate::HistoryError;

pub(crate) const SECONDS_PER_DAY: i64 = 86_400;

/// The start (00:00 UTC) of the day that holds `unix`.
pub(crate) fn day_start(unix: i64) -> i64 {
    unix - unix.rem_euclid(SECONDS_PER_DAY)
}

/// Formats unix seconds as RFC 3339 in UTC, to the second: `2026-12-01T20:30:00Z`. RFC 3339
/// writes years 0000 to 9999 only; a time outside them (no run of plumb's, nor a `--since` it
/// accepts) is written as the unix seconds themselves rather than as a date that is not one.
pub fn format_time(unix: i64) -> String {
    match rfc3339_time(unix) {
        Some(t) => format!(
            "{}T{:02}:{:02}:{:02}Z",
            t.date(),
            t.hour(),
            t.minute(),
            t.second()
        ),
        None => unix.to_string(),
    }
}

/// `unix` as a UTC time, when its year is one RFC 3339 can write.
fn rfc3339_time(unix: i64) -> Option<UtcDateTime> {
    UtcDateTime::from_unix_timestamp(unix)
        .ok()
        .filter(|t| (0..=9999).contains(&t.year()))
}

/// Reads a `--since` value into unix seconds: an age before `now` in hours, days or weeks
/// (`12h`, `30d`, `2w`), or a UTC date (`2026-11-01`, meaning its midnight).
pub fn parse_since(text: &str, now: i64) -> Result<i64, HistoryError> {
    let invalid = || HistoryError::InvalidSince {
        text: text.to_owned(),
    };
    let trimmed = text.trim();
    if let Some(date) = parse_date(trimmed) {
        return Ok(date.midnight().assume_utc().unix_timestamp());
    }
    let Some(unit) = trimmed.chars().last() else {
        return Err(invalid());
    };
    let unit_seconds = match unit {
        'h' => 3600,
        'd' => SECONDS_PER_DAY,
        'w' => 7 * SECONDS_PER_DAY,
        _ => return Err(invalid()),
    };
    let number = &trimmed[..trimmed.len() - unit.len_utf8()];
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid());
    }
    number
        .parse::<i64>()
        .ok()
        .and_then(|count| count.checked_mul(unit_seconds))
        .and_then(|age| now.checked_sub(age))
        .filter(|&since| rfc3339_time(since).is_some())
        .ok_or_else(invalid)
}

/// A real date written `YYYY-MM-DD`, or `None` when it is not one in that form.
fn parse_date(text: &str) -> Option<Date> {
    let bytes = text.as_bytes();
    let shape_ok = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    if !shape_ok {
        return None;
    }
    let year: i32 = text[0..4].parse().ok()?;
    let month: u8 = text[5..7].parse().ok()?;
    let day: u8 = text[8..10].parse().ok()?;
    Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_rfc3339_utc() {
        assert_eq!(format_time(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_time(1_796_157_000), "2026-12-01T20:30:00Z");
        assert_eq!(format_time(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(format_time(1_709_251_199), "2024-02-29T23:59:59Z");
        assert_eq!(format_time(-1), "1969-12-31T23:59:59Z");
        assert_eq!(format_time(253_402_300_799), "9999-12-31T23:59:59Z");
    }

    #[test]
    fn times_rfc3339_cannot_write_are_unix_seconds() {
        assert_eq!(format_time(-62_167_219_200), "0000-01-01T00:00:00Z");
        assert_eq!(format_time(-62_167_219_201), "-62167219201");
        assert_eq!(format_time(253_402_300_800), "253402300800");
        assert_eq!(format_time(i64::MIN), i64::MIN.to_string());
        assert_eq!(format_time(i64::MAX), i64::MAX.to_string());
    }

    #[test]
    fn dates_are_real_calendar_days() {
        assert_eq!(
            parse_date("2024-02-29"),
            Date::from_calendar_date(2024, Month::February, 29).ok()
        );
        assert_eq!(
            parse_date("0000-01-01"),
            Date::from_calendar_date(0, Month::January, 1).ok()
        );
        for bad in [
            "2023-02-29",
            "1900-02-29",
            "2026-04-31",
            "2026-00-01",
            "2026-01-00",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn since_ages_count_back_from_now() {
        let now = 1_796_157_000;
        assert_eq!(parse_since("12h", now).unwrap(), now - 12 * 3600);
        assert_eq!(parse_since("30d", now).unwrap(), now - 30 * 86_400);
        assert_eq!(parse_since("2w", now).unwrap(), now - 14 * 86_400);
        assert_eq!(parse_since(" 0d ", now).unwrap(), now);
    }

    #[test]
    fn since_dates_mean_utc_midnight() {
        assert_eq!(parse_since("2026-11-01", 0).unwrap(), 1_793_491_200);
        assert_eq!(
            format_time(parse_since("2024-02-29", 0).unwrap()),
            "2024-02-29T00:00:00Z"
        );
        assert_eq!(parse_since("1970-01-01", 5).unwrap(), 0);
    }

    #[test]
    fn since_rejects_anything_else_clearly() {
        for bad in [
            "",
            "d",
            "30",
            "30m",
            "-3d",
            "+3d",
            "3.5d",
            "30 d",
            "2026-13-01",
            "2026-02-29",
            "2026-11-1",
            "26-11-01",
            "yesterday",
            "99999999999999999999d",
            // Before year 0: RFC 3339 cannot write it.
            "800000d",
            "٣d",
        ] {
            let err = parse_since(bad, 1_796_157_000).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!(
                    "invalid time `{bad}`: expected an age such as 12h, 30d or 2w, \
                     or a date such as 2026-11-01"
                )
            );
        }
    }
}
