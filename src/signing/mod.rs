//! OSS signatures as pure functions: no clock, no I/O, no state.
//!
//! The date a signature covers is read from the request's own headers (`Date` or
//! `x-oss-date`) or, for a presigned URL, passed in; never from a clock. The emulator
//! verifies signatures with code of its own, so the client's tests against it compare two
//! independent implementations.
//!
//! - [`v1`]: `Authorization: OSS AK:SIG` (HMAC-SHA1), for old buckets.
//! - [`v4`]: `OSS4-HMAC-SHA256`, what OSS requires of new accounts and buckets.
//! - [`rtmp`]: signed RTMP push URLs, always HMAC-SHA1 whatever the header version.
//! - [`presign`]: presigned URLs, the V1 or V4 signature in the query, for players.
//!
//! The one piece of state is `key_cache`, the V4 signing keys a client keeps above the
//! pure [`v4::signing_key`].

pub(crate) mod key_cache;
pub mod presign;
pub mod rtmp;
pub mod v1;
pub mod v4;

use hmac::{Hmac, Mac};

/// The parts of an HTTP request that an OSS header signature covers.
#[derive(Debug, Clone, Copy)]
pub struct RequestToSign<'a> {
    /// HTTP method in upper case, for example `PUT`.
    pub method: &'a str,
    /// The bucket the request addresses.
    pub bucket: &'a str,
    /// The object key (channel, or `channel/playlist.m3u8`), raw; `None` for bucket-level requests.
    pub key: Option<&'a str>,
    /// Decoded query parameters; an empty value is a bare key such as `live`.
    pub query: &'a [(&'a str, &'a str)],
    /// Request headers, names in any case, exactly as sent.
    pub headers: &'a [(&'a str, &'a str)],
}

impl RequestToSign<'_> {
    /// The first value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| *v)
    }
}

/// Headers whose lower-cased name starts with `x-oss-`, lower-cased and sorted by name:
/// the block both V1 and V4 sign.
fn oss_headers_sorted<'a>(headers: &[(&'a str, &'a str)]) -> Vec<(String, &'a str)> {
    let mut picked: Vec<(String, &str)> = headers
        .iter()
        .filter(|(n, _)| n.len() >= 6 && n[..6].eq_ignore_ascii_case("x-oss-"))
        .map(|(n, v)| (n.to_ascii_lowercase(), *v))
        .collect();
    picked.sort_by(|a, b| a.0.cmp(&b.0));
    picked
}

fn hmac_sha1(key: &[u8], message: &[u8]) -> [u8; 20] {
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(message);
    mac.finalize().into_bytes().into()
}

fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut mac =
        Hmac::<sha2::Sha256>::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(message);
    mac.finalize().into_bytes().into()
}

fn base64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 0x0f)] as char);
    }
    out
}

/// Overwrites key material with zeros in a way the optimiser may not remove, so that a
/// secret or a derived signing key does not outlive its use in freed memory.
pub(crate) fn wipe(bytes: &mut [u8]) {
    for b in bytes.iter_mut() {
        // SAFETY: `b` is a valid, exclusive reference to one byte.
        unsafe { std::ptr::write_volatile(b, 0) };
    }
    std::sync::atomic::compiler_fence(std::sync::atomic::Ordering::SeqCst);
}
