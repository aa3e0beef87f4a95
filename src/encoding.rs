//! Percent-encoding as OSS signs it: every byte outside `A-Z a-z 0-9 - _ . ~` becomes `%XX`.
//!
//! One table serves URL paths, V4 canonical requests and RTMP query strings, which is
//! what keeps the bytes we send and the bytes we sign from drifting apart.

const HEX: &[u8; 16] = b"0123456789ABCDEF";

fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~')
}

/// Percent-encodes `s`; with `keep_slash`, `/` stays as it is (V4 canonical URIs).
pub fn percent_encode(s: &str, keep_slash: bool) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 2);
    for &b in s.as_bytes() {
        if is_unreserved(b) || (keep_slash && b == b'/') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 0x0f)] as char);
        }
    }
    out
}

/// Decodes `%XX` escapes; with `plus_as_space`, `+` is a space (HTML form encoding, which
/// Python's `requests` uses for query strings).
///
/// Returns `None` for a malformed escape or when the result is not UTF-8: a server must
/// refuse such a name rather than guess.
pub fn percent_decode(s: &str, plus_as_space: bool) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hi = hex_value(*bytes.get(i + 1)?)?;
                let lo = hex_value(*bytes.get(i + 2)?)?;
                out.push(hi << 4 | lo);
                i += 3;
            }
            b'+' if plus_as_space => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_everything_but_the_unreserved_set() {
        assert_eq!(percent_encode("AZaz09-_.~", false), "AZaz09-_.~");
        assert_eq!(
            percent_encode("my list+1.m3u8", false),
            "my%20list%2B1.m3u8"
        );
        assert_eq!(
            percent_encode("STS.TestSecurityToken+/=", false),
            "STS.TestSecurityToken%2B%2F%3D"
        );
        assert_eq!(percent_encode("a/b", false), "a%2Fb");
        assert_eq!(percent_encode("a/b", true), "a/b");
        assert_eq!(percent_encode("é", false), "%C3%A9");
    }

    #[test]
    fn decodes_what_it_encodes() {
        for s in ["", "plain", "my list+1.m3u8", "中文/频道", "%", "a=b&c"] {
            assert_eq!(
                percent_decode(&percent_encode(s, false), false).as_deref(),
                Some(s)
            );
        }
        assert_eq!(percent_decode("a+b", true).as_deref(), Some("a b"));
        assert_eq!(percent_decode("a+b", false).as_deref(), Some("a+b"));
        assert_eq!(percent_decode("%2f%2F", false).as_deref(), Some("//"));
    }

    #[test]
    fn refuses_malformed_escapes_and_non_utf8() {
        for bad in ["%", "%4", "%zz", "abc%g0", "%FF"] {
            assert_eq!(percent_decode(bad, false), None, "{bad:?}");
        }
    }
}
