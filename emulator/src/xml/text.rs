//! The text forms every XML document shares: escaped element content and OSS's times.
//! A leaf module, so that the error documents of [`crate::error`] can use it too.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Whether XML 1.0 can carry `c` at all (its `Char` production): not the C0 controls
/// other than tab, LF and CR, not U+FFFE or U+FFFF, raw or as a character reference.
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
}

/// Escapes text for element content. Quotes need no escaping there, so they stay readable.
/// A character XML cannot carry becomes U+FFFD, so that the document stays well-formed
/// whatever it echoes (names holding one are refused on the way in).
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            // A raw CR would be normalised to LF by every XML parser (found by fuzzing).
            '\r' => out.push_str("&#13;"),
            c if !is_xml_char(c) => out.push('\u{fffd}'),
            _ => out.push(c),
        }
    }
    out
}

/// `2016-08-25T06:25:15.000Z`: the time cut to whole seconds, because oss2 parses XML
/// times with a pattern that requires exactly `.000Z` and fails on anything else.
pub fn iso8601_seconds(t: SystemTime) -> String {
    let whole = match t.duration_since(UNIX_EPOCH) {
        Ok(d) => UNIX_EPOCH + Duration::from_secs(d.as_secs()),
        Err(e) => {
            // Before 1970: round towards the past so the result never lies after `t`.
            let d = e.duration();
            let secs = d.as_secs() + u64::from(d.subsec_nanos() > 0);
            UNIX_EPOCH - Duration::from_secs(secs)
        }
    };
    crate::dates::iso8601(whole)
}
