//! Exact, readable text for the values the state file and the journal store: instants to
//! the nanosecond, and strings as single space-free words.

use std::fmt::Write as _;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Seconds and nanoseconds since the epoch (`-` before it): exact, and still readable.
pub fn time_text(t: SystemTime) -> String {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => format!("{}.{:09}", d.as_secs(), d.subsec_nanos()),
        Err(e) => {
            let d = e.duration();
            format!("-{}.{:09}", d.as_secs(), d.subsec_nanos())
        }
    }
}

/// Reads what [`time_text`] wrote; nothing else (exactly nine fraction digits).
pub fn parse_time(s: &str) -> Option<SystemTime> {
    let (negative, body) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (secs, nanos) = body.split_once('.')?;
    if secs.is_empty() || !secs.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if nanos.len() != 9 || !nanos.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let d = Duration::new(secs.parse().ok()?, nanos.parse().ok()?);
    if negative {
        UNIX_EPOCH.checked_sub(d)
    } else {
        UNIX_EPOCH.checked_add(d)
    }
}

/// `s` as one word of printable ASCII: every byte outside `!`..`~`, and `%`, becomes
/// `%XX`. So a journal line splits on spaces and ends at its newline whatever the
/// channel names and descriptions hold.
pub fn word(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_graphic() && b != b'%' {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// Reads what [`word`] wrote; `None` for a bad escape or bytes that are not UTF-8.
pub fn parse_word(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = s.get(i + 1..i + 3)?;
                if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return None;
                }
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b if b.is_ascii_graphic() => {
                out.push(b);
                i += 1;
            }
            _ => return None,
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(nanos: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_nanos(nanos)
    }

    #[test]
    fn time_text_is_exact() {
        for t in [
            at(0),
            at(1),
            at(1_472_106_315_999_999_999),
            UNIX_EPOCH - Duration::new(3, 5),
        ] {
            assert_eq!(parse_time(&time_text(t)), Some(t));
        }
        for bad in [
            "",
            "1",
            "1.5",
            "-.000000000",
            "1.0000000000",
            "a.000000000",
            "1.-00000000",
        ] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
    }

    #[test]
    fn words_round_trip_and_hold_no_space_or_newline() {
        for s in [
            "",
            "plain-name_1.ts",
            "直播 +x",
            "a b\nc\r\td%25%",
            "ctl\u{1}\u{7f}",
            "<&>\"'",
        ] {
            let w = word(s);
            assert!(w.bytes().all(|b| b.is_ascii_graphic()), "{w}");
            assert_eq!(parse_word(&w).as_deref(), Some(s), "{w}");
        }
        assert_eq!(word("a b%"), "a%20b%25");
        for bad in ["%", "%2", "%zz", "a b", "%FF", "é"] {
            assert_eq!(parse_word(bad), None, "{bad}");
        }
    }
}
