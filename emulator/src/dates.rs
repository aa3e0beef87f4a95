//! The three date formats of the OSS wire, all UTC, to and from [`SystemTime`]:
//!
//! - RFC 1123, `Wed, 24 Aug 2016 11:11:28 GMT`: the `Date` header, the V1 string-to-sign,
//!   and the date line of a V4 string-to-sign when the request has no `x-oss-date`.
//! - The compact ISO 8601 form `20160824T111128Z`: `x-oss-date` of V4 requests.
//! - ISO 8601 with milliseconds, `2016-08-24T11:11:28.000Z`: times inside XML documents.
//!
//! Calendar arithmetic counts days from 0001-01-01 of the proleptic Gregorian calendar
//! in 400-, 100- and 4-year cycles, the way the ordinal dates of RFC 3339 tools do.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Days from 0001-01-01 to 1970-01-01.
const EPOCH_ORDINAL: i64 = 719_162;
const DAYS_PER_400_YEARS: i64 = 146_097;
const DAYS_PER_100_YEARS: i64 = 36_524;
const DAYS_PER_4_YEARS: i64 = 1_461;
const MILLIS_PER_DAY: i64 = 86_400_000;

/// A UTC time broken into calendar fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Fields {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    millis: u32,
}

fn is_leap_year(year: i64) -> bool {
    year.rem_euclid(4) == 0 && (year.rem_euclid(100) != 0 || year.rem_euclid(400) == 0)
}

fn month_lengths(year: i64) -> [u32; 12] {
    let february = if is_leap_year(year) { 29 } else { 28 };
    [31, february, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
}

/// Days from 1970-01-01 to a date (negative before it); `None` for a day that does not exist.
fn days_since_epoch(year: i64, month: u32, day: u32) -> Option<i64> {
    let lengths = month_lengths(year);
    let month_index = usize::try_from(month.checked_sub(1)?).ok()?;
    if day == 0 || day > *lengths.get(month_index)? {
        return None;
    }
    let before = year - 1;
    let days_before_year =
        before * 365 + before.div_euclid(4) - before.div_euclid(100) + before.div_euclid(400);
    let days_before_month: u32 = lengths[..month_index].iter().sum();
    Some(days_before_year + i64::from(days_before_month) + i64::from(day) - 1 - EPOCH_ORDINAL)
}

/// The date of a day counted from 1970-01-01.
fn date_of_day(days: i64) -> (i64, u32, u32) {
    let ordinal = days + EPOCH_ORDINAL;
    let cycles_400 = ordinal.div_euclid(DAYS_PER_400_YEARS);
    let mut rest = ordinal.rem_euclid(DAYS_PER_400_YEARS);
    // The last century and the last year of a cycle are one day longer: cap at 3 so that
    // their final day stays in them.
    let cycles_100 = (rest / DAYS_PER_100_YEARS).min(3);
    rest -= cycles_100 * DAYS_PER_100_YEARS;
    let cycles_4 = rest / DAYS_PER_4_YEARS;
    rest -= cycles_4 * DAYS_PER_4_YEARS;
    let years = (rest / 365).min(3);
    rest -= years * 365;
    let year = cycles_400 * 400 + cycles_100 * 100 + cycles_4 * 4 + years + 1;
    // 0..=365, so it fits.
    let mut day_of_year = rest as u32;
    for (index, length) in month_lengths(year).into_iter().enumerate() {
        if day_of_year < length {
            return (year, index as u32 + 1, day_of_year + 1);
        }
        day_of_year -= length;
    }
    unreachable!("a year has at most 366 days")
}

/// Milliseconds since the Unix epoch, negative before it (saturating far outside).
fn epoch_millis(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_millis()).unwrap_or(i64::MAX),
        Err(before) => i64::try_from(before.duration().as_millis()).map_or(i64::MIN, |ms| -ms),
    }
}

impl Fields {
    fn of(t: SystemTime) -> Fields {
        let millis = epoch_millis(t);
        let (year, month, day) = date_of_day(millis.div_euclid(MILLIS_PER_DAY));
        // 0..86_400_000, so every field below fits in u32.
        let of_day = millis.rem_euclid(MILLIS_PER_DAY) as u32;
        Fields {
            year,
            month,
            day,
            hour: of_day / 3_600_000,
            minute: of_day / 60_000 % 60,
            second: of_day / 1000 % 60,
            millis: of_day % 1000,
        }
    }

    fn to_time(self) -> Option<SystemTime> {
        if self.hour > 23 || self.minute > 59 || self.second > 59 || self.millis > 999 {
            return None;
        }
        let days = days_since_epoch(self.year, self.month, self.day)?;
        let seconds = days
            .checked_mul(86_400)?
            .checked_add(i64::from(self.hour * 3600 + self.minute * 60 + self.second))?;
        let offset = Duration::from_secs(seconds.unsigned_abs())
            + Duration::from_millis(u64::from(self.millis));
        if seconds >= 0 {
            UNIX_EPOCH.checked_add(offset)
        } else {
            UNIX_EPOCH
                .checked_sub(Duration::from_secs(seconds.unsigned_abs()))?
                .checked_add(Duration::from_millis(u64::from(self.millis)))
        }
    }

    fn weekday(self) -> &'static str {
        let days = days_since_epoch(self.year, self.month, self.day).unwrap_or(0);
        // 1970-01-01 was a Thursday.
        WEEKDAYS[(days + 4).rem_euclid(7) as usize]
    }
}

/// Parses exactly `width` ASCII digits.
fn digits(text: &str, width: usize) -> Option<u32> {
    if text.len() != width || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// `Wed, 24 Aug 2016 11:11:28 GMT`.
pub fn http_date(t: SystemTime) -> String {
    let f = Fields::of(t);
    format!(
        "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
        f.weekday(),
        f.day,
        MONTHS[f.month as usize - 1],
        f.year,
        f.hour,
        f.minute,
        f.second
    )
}

/// Reads an RFC 1123 date: `[Www, ]D[D] Mon YYYY HH:MM:SS GMT`.
///
/// The weekday, when present, is not compared with the date: OSS compares instants, and a
/// client that gets the weekday wrong still names one instant.
pub fn parse_http_date(text: &str) -> Option<SystemTime> {
    let text = text.trim();
    let text = match text.split_once(", ") {
        Some((weekday, rest)) if WEEKDAYS.contains(&weekday) => rest,
        Some(_) => return None,
        None => text,
    };
    let mut words = text.split(' ');
    let (Some(day), Some(month), Some(year), Some(time), Some("GMT"), None) = (
        words.next(),
        words.next(),
        words.next(),
        words.next(),
        words.next(),
        words.next(),
    ) else {
        return None;
    };
    let day = digits(day, 2).or_else(|| digits(day, 1))?;
    let month = MONTHS.iter().position(|m| *m == month)? as u32 + 1;
    let mut clock = time.split(':');
    let (Some(hour), Some(minute), Some(second), None) =
        (clock.next(), clock.next(), clock.next(), clock.next())
    else {
        return None;
    };
    Fields {
        year: i64::from(digits(year, 4)?),
        month,
        day,
        hour: digits(hour, 2)?,
        minute: digits(minute, 2)?,
        second: digits(second, 2)?,
        millis: 0,
    }
    .to_time()
}

/// `20160824T111128Z`.
pub fn v4_datetime(t: SystemTime) -> String {
    let f = Fields::of(t);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        f.year, f.month, f.day, f.hour, f.minute, f.second
    )
}

/// `20160824`: the day a V4 credential scope names.
pub fn v4_day(t: SystemTime) -> String {
    let f = Fields::of(t);
    format!("{:04}{:02}{:02}", f.year, f.month, f.day)
}

/// Reads the compact form `YYYYMMDDTHHMMSSZ`, nothing more or less.
pub fn parse_v4_datetime(text: &str) -> Option<SystemTime> {
    let date = text.get(..8)?;
    let rest = text.get(8..)?.strip_prefix('T')?.strip_suffix('Z')?;
    Fields {
        year: i64::from(digits(date.get(..4)?, 4)?),
        month: digits(date.get(4..6)?, 2)?,
        day: digits(date.get(6..)?, 2)?,
        hour: digits(rest.get(..2)?, 2)?,
        minute: digits(rest.get(2..4)?, 2)?,
        second: digits(rest.get(4..)?, 2)?,
        millis: 0,
    }
    .to_time()
}

/// `2016-08-24T11:11:28.000Z`, to the millisecond.
pub fn iso8601(t: SystemTime) -> String {
    let f = Fields::of(t);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        f.year, f.month, f.day, f.hour, f.minute, f.second, f.millis
    )
}

/// Whole seconds since the Unix epoch; 0 before it.
pub fn unix_seconds(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    /// The clock of the oss2 signing vectors: `Wed, 24 Aug 2016 11:11:28 GMT`.
    const VECTOR_NOW: u64 = 1_472_037_088;

    #[test]
    fn formats_the_vector_instant_in_every_form() {
        let t = at(VECTOR_NOW);
        assert_eq!(http_date(t), "Wed, 24 Aug 2016 11:11:28 GMT");
        assert_eq!(v4_datetime(t), "20160824T111128Z");
        assert_eq!(v4_day(t), "20160824");
        assert_eq!(iso8601(t), "2016-08-24T11:11:28.000Z");
        assert_eq!(
            iso8601(t + Duration::from_millis(123)),
            "2016-08-24T11:11:28.123Z"
        );
        assert_eq!(unix_seconds(t), VECTOR_NOW);
    }

    #[test]
    fn parses_what_the_sdks_send() {
        let t = at(VECTOR_NOW);
        assert_eq!(parse_http_date("Wed, 24 Aug 2016 11:11:28 GMT"), Some(t));
        assert_eq!(parse_http_date(" 24 Aug 2016 11:11:28 GMT "), Some(t));
        // Go's http.TimeFormat, the Date of the Go SDK's V4 requests.
        assert_eq!(
            parse_http_date("Mon, 07 Dec 2026 04:35:00 GMT"),
            parse_v4_datetime("20261207T043500Z")
        );
        assert_eq!(
            parse_http_date("Thu, 1 Jan 1970 00:00:00 GMT"),
            Some(UNIX_EPOCH)
        );
        assert_eq!(parse_v4_datetime("20160824T111128Z"), Some(t));
    }

    #[test]
    fn refuses_anything_else() {
        for bad in [
            "",
            "Wed, 24 Aug 2016 11:11:28 UTC",
            "Wed, 24 Aug 2016 11:11:28",
            "Wed, 24 Aug 2016 11:11 GMT",
            "Wed 24 Aug 2016 11:11:28 GMT",
            "Xyz, 24 Aug 2016 11:11:28 GMT",
            "Wed, 24 Foo 2016 11:11:28 GMT",
            "Wed, 31 Jun 2016 11:11:28 GMT",
            "Wed, 29 Feb 2015 11:11:28 GMT",
            "Wed, 24 Aug 16 11:11:28 GMT",
            "Wed, 24 Aug 2016 24:00:00 GMT",
            "Wed, 24 Aug 2016 11:11:28 GMT extra",
            "Wed, +4 Aug 2016 11:11:28 GMT",
            "20160824T111128Z",
        ] {
            assert_eq!(parse_http_date(bad), None, "{bad:?}");
        }
        for bad in [
            "",
            "20160824T111128",
            "20160824 111128Z",
            "2016082T111128Z",
            "20161324T111128Z",
            "20160824T116128Z",
            "20160824T111128Z ",
            "２0160824T111128Z",
            "+0160824T111128Z",
            "Wed, 24 Aug 2016 11:11:28 GMT",
        ] {
            assert_eq!(parse_v4_datetime(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn calendar_edges_round_trip() {
        for text in [
            "Thu, 01 Jan 1970 00:00:00 GMT",
            "Wed, 31 Dec 1969 23:59:59 GMT",
            "Tue, 29 Feb 2000 12:00:00 GMT",
            "Fri, 31 Dec 1999 23:59:59 GMT",
            "Mon, 01 Mar 2100 00:00:00 GMT",
            "Sun, 31 Dec 2400 23:59:59 GMT",
            "Fri, 31 Dec 9999 23:59:59 GMT",
            "Mon, 01 Jan 0001 00:00:00 GMT",
        ] {
            let t = parse_http_date(text).unwrap_or_else(|| panic!("{text}"));
            assert_eq!(http_date(t), text);
            assert_eq!(parse_v4_datetime(&v4_datetime(t)), Some(t), "{text}");
        }
    }

    #[test]
    fn every_day_of_four_centuries_round_trips() {
        // 1900-03-01 .. 2300-03-01 covers every leap rule; one instant per day.
        let start = parse_http_date("Thu, 01 Mar 1900 06:30:00 GMT").unwrap();
        let mut previous = String::new();
        for day in 0..146_097u64 {
            let t = start + Duration::from_secs(day * 86_400);
            let text = v4_datetime(t);
            assert!(text > previous, "{text} after {previous}");
            assert_eq!(parse_v4_datetime(&text), Some(t), "{text}");
            previous = text;
        }
    }

    #[test]
    fn times_before_1970_keep_their_milliseconds() {
        let t = UNIX_EPOCH - Duration::from_millis(1);
        assert_eq!(iso8601(t), "1969-12-31T23:59:59.999Z");
        assert_eq!(unix_seconds(t), 0);
    }
}
