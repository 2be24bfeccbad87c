//! Unix seconds to and from the two text forms the history speaks: RFC 3339 UTC for output, and
//! `--since` ages (`30d`) or dates (`2026-11-01`) for input. No date crate: the history needs
//! whole UTC days and nothing else, which the civil-from-days algorithm gives exactly.

use plumb_model::calendar::{civil_from_days, days_from_civil, days_in_month};

use crate::HistoryError;

pub(crate) const SECONDS_PER_DAY: i64 = 86_400;

/// The start (00:00 UTC) of the day that holds `unix`.
pub(crate) fn day_start(unix: i64) -> i64 {
    unix - unix.rem_euclid(SECONDS_PER_DAY)
}

/// Formats unix seconds as RFC 3339 in UTC, to the second: `2026-12-01T20:30:00Z`.
pub fn format_time(unix: i64) -> String {
    let (year, month, day) = civil_from_days(unix.div_euclid(SECONDS_PER_DAY));
    let seconds = unix.rem_euclid(SECONDS_PER_DAY);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        seconds / 3600,
        seconds % 3600 / 60,
        seconds % 60
    )
}

/// Reads a `--since` value into unix seconds: an age before `now` in hours, days or weeks
/// (`12h`, `30d`, `2w`), or a UTC date (`2026-11-01`, meaning its midnight).
pub fn parse_since(text: &str, now: i64) -> Result<i64, HistoryError> {
    let invalid = || HistoryError::InvalidSince {
        text: text.to_owned(),
    };
    let trimmed = text.trim();
    if let Some(days) = parse_date(trimmed) {
        return days.checked_mul(SECONDS_PER_DAY).ok_or_else(invalid);
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
        .ok_or_else(invalid)
}

/// `YYYY-MM-DD` to days since 1970-01-01, or `None` when it is not a real date in that form.
fn parse_date(text: &str) -> Option<i64> {
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
    let year: i64 = text[0..4].parse().ok()?;
    let month: i64 = text[5..7].parse().ok()?;
    let day: i64 = text[8..10].parse().ok()?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    Some(days_from_civil(year, month, day))
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
    fn civil_round_trips_every_day_of_four_centuries() {
        for days in -146_097..2 * 146_097 {
            let (y, m, d) = civil_from_days(days);
            assert!((1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m));
            assert_eq!(days_from_civil(y, m, d), days, "{y}-{m}-{d}");
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
