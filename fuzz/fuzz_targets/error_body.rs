//! The error-body parser: an OSS `Error` document in a failed answer's body, or base64 in
//! the `x-oss-err` header. Never panics; a document it accepts always has a `Code`; the
//! header path reads exactly what the body path reads.

#![no_main]

use libfuzzer_sys::fuzz_target;
use osslive::fuzzing;

/// Standard base64 with padding, as OSS fills `x-oss-err` (kept here to need no crate).
fn base64(data: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(TABLE[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let from_body = fuzzing::parse_error(data);
    if let Some(doc) = &from_body {
        assert!(
            !doc.code.is_empty(),
            "accepted an Error without a Code: {doc:?}"
        );
    }
    let from_header = fuzzing::parse_error_header(&base64(data));
    assert_eq!(
        from_body, from_header,
        "the x-oss-err path reads differently"
    );
    // The raw bytes as a header value (almost never valid base64): must not panic.
    if let Ok(text) = std::str::from_utf8(data)
        && let Some(doc) = fuzzing::parse_error_header(text)
    {
        assert!(
            !doc.code.is_empty(),
            "accepted an Error without a Code: {doc:?}"
        );
    }
});
