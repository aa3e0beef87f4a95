//! The date formats OSS puts on the wire, without a date-time crate.
//!
//! OSS uses three: RFC 1123 (`Date` header, V1 signatures), the compact ISO 8601 form
//! (`x-oss-date`, V4 signatures) and ISO 8601 with milliseconds (times inside XML documents).
//! All are UTC; the conversions go through days since the Unix epoch.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

const DAY_NAMES: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTH_NAMES: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A UTC calendar time to the millisecond, the common ground of every format here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Civil {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    millis: u32,
}

// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

impl Civil {
    fn from_system_time(t: SystemTime) -> Civil {
        let millis_total: i64 = match t.duration_since(UNIX_EPOCH) {
            Ok(d) => d.as_millis() as i64,
            Err(e) => -(e.duration().as_millis() as i64),
        };
        let days = millis_total.div_euclid(86_400_000);
        let ms_of_day = millis_total.rem_euclid(86_400_000);
        let (year, month, day) = civil_from_days(days);
        Civil {
            year,
            month,
            day,
            hour: (ms_of_day / 3_600_000) as u32,
            minute: (ms_of_day / 60_000 % 60) as u32,
            second: (ms_of_day / 1000 % 60) as u32,
            millis: (ms_of_day % 1000) as u32,
        }
    }

    fn to_system_time(self) -> Option<SystemTime> {
        let valid = (1..=12).contains(&self.month)
            && self.day >= 1
            && self.day <= days_in_month(self.year, self.month)
            && self.hour < 24
            && self.minute < 60
            && self.second < 61 // a leap second is folded into the next minute
            && self.millis < 1000;
        if !valid {
            return None;
        }
        let secs = days_from_civil(self.year, self.month, self.day) * 86_400
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second);
        let millis = secs
            .checked_mul(1000)?
            .checked_add(i64::from(self.millis))?;
        if millis >= 0 {
            UNIX_EPOCH.checked_add(Duration::from_millis(millis as u64))
        } else {
            UNIX_EPOCH.checked_sub(Duration::from_millis(millis.unsigned_abs()))
        }
    }

    fn weekday_name(self) -> &'static str {
        let days = days_from_civil(self.year, self.month, self.day);
        DAY_NAMES[days.rem_euclid(7) as usize]
    }
}

/// `Wed, 24 Aug 2016 11:11:28 GMT`: the `Date` header and the V1 string-to-sign.
pub fn http_date(t: SystemTime) -> String {
    let c = Civil::from_system_time(t);
    format!(
        "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
        c.weekday_name(),
        c.day,
        MONTH_NAMES[(c.month - 1) as usize],
        c.year,
        c.hour,
        c.minute,
        c.second
    )
}

/// Parses an RFC 1123 date such as `Wed, 24 Aug 2016 11:11:28 GMT`.
///
/// The weekday is not checked against the date: servers compare instants, and a wrong
/// weekday from a hand-written client should not turn into a confusing skew error.
pub fn parse_http_date(s: &str) -> Option<SystemTime> {
    let rest = s.trim();
    let rest = rest.split_once(", ").map_or(rest, |(_, r)| r);
    let mut parts = rest.split(' ');
    let day: u32 = parse_digits(parts.next()?, 1, 2)?;
    let month_name = parts.next()?;
    let month = MONTH_NAMES.iter().position(|m| *m == month_name)? as u32 + 1;
    let year: i64 = i64::from(parse_digits(parts.next()?, 4, 4)?);
    let (hour, minute, second) = parse_hms(parts.next()?)?;
    if parts.next()? != "GMT" || parts.next().is_some() {
        return None;
    }
    Civil {
        year,
        month,
        day,
        hour,
        minute,
        second,
        millis: 0,
    }
    .to_system_time()
}

/// `20160824T111128Z`: the `x-oss-date` header of V4 signatures.
pub fn v4_datetime(t: SystemTime) -> String {
    let c = Civil::from_system_time(t);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        c.year, c.month, c.day, c.hour, c.minute, c.second
    )
}

/// Parses the compact form `20160824T111128Z`.
pub fn parse_v4_datetime(s: &str) -> Option<SystemTime> {
    // Byte offsets below slice the string: only ASCII keeps them on char boundaries.
    if !s.is_ascii() {
        return None;
    }
    let b = s.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    Civil {
        year: i64::from(parse_digits(&s[0..4], 4, 4)?),
        month: parse_digits(&s[4..6], 2, 2)?,
        day: parse_digits(&s[6..8], 2, 2)?,
        hour: parse_digits(&s[9..11], 2, 2)?,
        minute: parse_digits(&s[11..13], 2, 2)?,
        second: parse_digits(&s[13..15], 2, 2)?,
        millis: 0,
    }
    .to_system_time()
}

/// `2016-08-25T06:25:15.123Z`: times inside OSS XML documents, to the millisecond.
pub fn iso8601(t: SystemTime) -> String {
    let c = Civil::from_system_time(t);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        c.year, c.month, c.day, c.hour, c.minute, c.second, c.millis
    )
}

/// Parses ISO 8601 UTC times as OSS writes them: `2016-08-25T06:25:15.000Z`, with any
/// number of fraction digits or none, and `Z` or `+00:00`.
///
/// Lenient on the fraction because OSS documents show both; strict on everything else.
pub fn parse_iso8601(s: &str) -> Option<SystemTime> {
    let s = s.trim();
    let body = s.strip_suffix('Z').or_else(|| s.strip_suffix("+00:00"))?;
    let (date, time) = body.split_once('T')?;
    let mut date_parts = date.split('-');
    let year = i64::from(parse_digits(date_parts.next()?, 4, 4)?);
    let month = parse_digits(date_parts.next()?, 2, 2)?;
    let day = parse_digits(date_parts.next()?, 2, 2)?;
    if date_parts.next().is_some() {
        return None;
    }
    let (hms, fraction) = match time.split_once('.') {
        Some((hms, f)) => (hms, Some(f)),
        None => (time, None),
    };
    let (hour, minute, second) = parse_hms(hms)?;
    let millis = match fraction {
        None => 0,
        Some(f) if !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()) => {
            // Keep milliseconds; finer digits are truncated, as OSS never sends them.
            let digits: String = f.chars().chain("000".chars()).take(3).collect();
            digits.parse().ok()?
        }
        Some(_) => return None,
    };
    Civil {
        year,
        month,
        day,
        hour,
        minute,
        second,
        millis,
    }
    .to_system_time()
}

fn parse_hms(s: &str) -> Option<(u32, u32, u32)> {
    let mut parts = s.split(':');
    let h = parse_digits(parts.next()?, 2, 2)?;
    let m = parse_digits(parts.next()?, 2, 2)?;
    let sec = parse_digits(parts.next()?, 2, 2)?;
    if parts.next().is_some() {
        return None;
    }
    Some((h, m, sec))
}

fn parse_digits(s: &str, min_len: usize, max_len: usize) -> Option<u32> {
    if s.len() < min_len || s.len() > max_len || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Whole seconds since the Unix epoch; times before 1970 count as 0, which no OSS time is.
pub fn unix_seconds(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// The instant `secs` seconds after the Unix epoch.
pub fn from_unix_seconds(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    // The date every vector of the wire spec was signed at.
    const VECTOR_UNIX: u64 = 1_472_037_088;

    #[test]
    fn formats_the_vector_date_in_all_three_forms() {
        let t = from_unix_seconds(VECTOR_UNIX);
        assert_eq!(http_date(t), "Wed, 24 Aug 2016 11:11:28 GMT");
        assert_eq!(v4_datetime(t), "20160824T111128Z");
        assert_eq!(iso8601(t), "2016-08-24T11:11:28.000Z");
    }

    #[test]
    fn parses_what_it_formats() {
        for secs in [
            0,
            951_782_400, /* 2000-02-29 */
            VECTOR_UNIX,
            4_102_444_799, /* 2099-12-31 */
        ] {
            let t = from_unix_seconds(secs);
            assert_eq!(parse_http_date(&http_date(t)), Some(t), "{secs}");
            assert_eq!(parse_v4_datetime(&v4_datetime(t)), Some(t), "{secs}");
            assert_eq!(parse_iso8601(&iso8601(t)), Some(t), "{secs}");
        }
    }

    #[test]
    fn iso8601_keeps_milliseconds_and_accepts_any_fraction() {
        let t = from_unix_seconds(VECTOR_UNIX) + Duration::from_millis(123);
        assert_eq!(iso8601(t), "2016-08-24T11:11:28.123Z");
        assert_eq!(parse_iso8601("2016-08-24T11:11:28.123456Z"), Some(t));
        assert_eq!(
            parse_iso8601("2016-08-24T11:11:28.1Z"),
            Some(t - Duration::from_millis(23))
        );
        assert_eq!(
            parse_iso8601("2016-08-24T11:11:28Z"),
            Some(from_unix_seconds(VECTOR_UNIX))
        );
        assert_eq!(
            parse_iso8601("2016-08-24T11:11:28+00:00"),
            Some(from_unix_seconds(VECTOR_UNIX))
        );
    }

    #[test]
    fn refuses_non_ascii_v4_datetimes_without_panicking() {
        // Found by fuzzing: 16 bytes with a multi-byte character used to panic on slicing.
        for s in [
            "20160824T111\u{65f}8Z",
            "82264\u{28e}0T111262Z",
            "200\u{fffd}81T311128Z",
        ] {
            assert_eq!(parse_v4_datetime(s), None, "{s:?}");
        }
    }

    #[test]
    fn rejects_malformed_dates() {
        for bad in [
            "",
            "2016-08-24",
            "2016-08-24T11:11:28",
            "2016-02-30T11:11:28Z",
            "2016-13-01T00:00:00Z",
            "2016-08-24T25:00:00Z",
            "2016-08-24T11:11:28.Z",
            "2016-08-24T11:11:28.12aZ",
            "16-08-24T11:11:28Z",
        ] {
            assert_eq!(parse_iso8601(bad), None, "{bad:?}");
        }
        for bad in [
            "",
            "Wed, 24 Aug 2016 11:11:28",
            "Wed, 24 Foo 2016 11:11:28 GMT",
            "Wed, 24 Aug 2016 11:11:28 UTC",
        ] {
            assert_eq!(parse_http_date(bad), None, "{bad:?}");
        }
        for bad in [
            "",
            "20160824T111128",
            "2016082T111128ZZ",
            "20161324T111128Z",
        ] {
            assert_eq!(parse_v4_datetime(bad), None, "{bad:?}");
        }
    }
}
