//! Percent-encoding as OSS reads and writes it (RFC 3986 `%XX` escapes over UTF-8).
//!
//! The emulator decodes request paths and queries with [`decode`] and re-encodes names for
//! the V4 canonical request with [`encode`]. OSS keeps only the RFC 3986 unreserved set
//! (`A-Z a-z 0-9 - _ . ~`) unescaped in a V4 canonical request (OSS's "Include a V4
//! signature in the Authorization header" page), so that is the set [`encode`] keeps.

/// Decodes `%XX` escapes; with `plus_as_space`, a `+` is a space (form encoding, which
/// HTTP clients use in query strings) and otherwise stays a `+` (paths, RTMP queries).
///
/// `None` when an escape is not two hex digits or the bytes are not UTF-8: a name the
/// server cannot read is refused, never guessed at.
pub fn decode(text: &str, plus_as_space: bool) -> Option<String> {
    if !text.contains(['%', '+']) {
        return Some(text.to_owned());
    }
    let mut bytes = Vec::with_capacity(text.len());
    let mut rest = text.as_bytes();
    while let Some((&first, tail)) = rest.split_first() {
        match first {
            b'%' => {
                let [high, low, ..] = *tail else {
                    return None;
                };
                bytes.push((hex_value(high)? << 4) | hex_value(low)?);
                rest = &tail[2..];
            }
            b'+' if plus_as_space => {
                bytes.push(b' ');
                rest = tail;
            }
            other => {
                bytes.push(other);
                rest = tail;
            }
        }
    }
    String::from_utf8(bytes).ok()
}

fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

/// Whether OSS leaves a byte as it is in a V4 canonical request.
fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~')
}

/// Escapes every byte outside the unreserved set as `%XX` (upper-case hex); `/` is kept
/// when `keep_slash` (the canonical URI) and escaped otherwise (query keys and values).
pub fn encode(text: &str, keep_slash: bool) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(text.len() + text.len() / 2);
    for &byte in text.as_bytes() {
        if is_unreserved(byte) || (keep_slash && byte == b'/') {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0xf)]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_escapes_in_either_case() {
        assert_eq!(
            decode("test-channel%2Fvod.m3u8", false).unwrap(),
            "test-channel/vod.m3u8"
        );
        assert_eq!(decode("%2f%2F", false).unwrap(), "//");
        assert_eq!(decode("%E9%A2%91%E9%81%93", false).unwrap(), "频道");
        assert_eq!(decode("plain", true).unwrap(), "plain");
        assert_eq!(decode("", true).unwrap(), "");
    }

    #[test]
    fn plus_is_a_space_only_when_asked() {
        assert_eq!(decode("my+list%2B1", true).unwrap(), "my list+1");
        assert_eq!(decode("my+list%2B1", false).unwrap(), "my+list+1");
        // Raw base64 in an RTMP query: `+`, `/` and `=` arrive unescaped.
        assert_eq!(decode("F7x1+/=", false).unwrap(), "F7x1+/=");
    }

    #[test]
    fn refuses_broken_escapes_and_non_utf8() {
        for bad in ["%", "%4", "a%zz", "%g0", "%FF", "ok%C3", "%%41"] {
            assert_eq!(decode(bad, false), None, "{bad:?}");
        }
    }

    #[test]
    fn encodes_all_but_the_unreserved_set() {
        assert_eq!(encode("AZaz09-_.~", false), "AZaz09-_.~");
        assert_eq!(encode("a b+c/d=e&f", false), "a%20b%2Bc%2Fd%3De%26f");
        assert_eq!(encode("/bucket/ch/pl.m3u8", true), "/bucket/ch/pl.m3u8");
        assert_eq!(encode("频", true), "%E9%A2%91");
        assert_eq!(encode("*", false), "%2A");
    }

    #[test]
    fn decode_undoes_encode() {
        for text in ["", "with space+plus", "直播频道/x", "%25", "a=b&c;d"] {
            assert_eq!(decode(&encode(text, false), false).as_deref(), Some(text));
            assert_eq!(decode(&encode(text, true), true).as_deref(), Some(text));
        }
    }
}
