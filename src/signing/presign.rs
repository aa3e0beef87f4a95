//! Presigned URLs (query signing): the signature travels in the URL's query instead of an
//! `Authorization` header, so that a program that cannot sign (a video player, a browser,
//! curl) can make the one request the URL names until it expires.
//!
//! - [`v1`]: `OSSAccessKeyId`, `Expires` (absolute Unix seconds) and `Signature`, plus
//!   `security-token` with STS credentials. The string-to-sign is the V1 header one with
//!   the `Expires` value where the date goes; the token is a sub-resource, so it is signed
//!   in the canonicalized resource, beside `x-oss-process`.
//! - [`v4`]: `x-oss-signature-version`, `x-oss-credential`, `x-oss-date`, `x-oss-expires`
//!   (seconds counted from `x-oss-date`) and `x-oss-signature`, plus `x-oss-security-token`
//!   with STS credentials and `x-oss-additional-headers` when headers beyond the always
//!   signed ones are covered. Every parameter but the signature is in the canonical query.
//!
//! The parameters are listed in the order the Python SDK writes them (the caller's own
//! first), since OSS ignores the order and byte-exact tests do not. Pure functions, like
//! the rest of [`crate::signing`]: the time and the expiry are arguments.

use super::{RequestToSign, v1 as header_v1, v4 as header_v4};
use crate::encoding::percent_encode;

/// The V1 parameter that carries an STS token.
pub const V1_TOKEN_PARAM: &str = "security-token";

/// The V4 parameter that carries an STS token.
pub const V4_TOKEN_PARAM: &str = "x-oss-security-token";

/// What a presigned URL names and who signs it.
#[derive(Clone, Copy)]
pub struct PresignRequest<'a> {
    /// The method the URL is for, in upper case: `GET` for playback.
    pub method: &'a str,
    /// The bucket.
    pub bucket: &'a str,
    /// The object key, raw (`channel/playlist.m3u8`).
    pub key: &'a str,
    /// The URL's own parameters, decoded, in URL order, such as
    /// `("x-oss-process", "hls/sign")`; they must not be ones the signature adds.
    pub params: &'a [(&'a str, &'a str)],
    /// Headers the request made with the URL will send and that the signature covers:
    /// `x-oss-*`, `Content-Type` and `Content-MD5` always, others (V4) when named as
    /// additional headers. Empty for a plain GET.
    pub headers: &'a [(&'a str, &'a str)],
    /// The access key id that signs.
    pub access_key_id: &'a str,
    /// The STS security token, if the credentials are temporary.
    pub security_token: Option<&'a str>,
}

// Hand-written so that a security token never reaches a log through `{:?}`.
impl std::fmt::Debug for PresignRequest<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PresignRequest")
            .field("method", &self.method)
            .field("bucket", &self.bucket)
            .field("key", &self.key)
            .field("params", &self.params)
            .field("headers", &self.headers)
            .field("access_key_id", &self.access_key_id)
            .field("security_token", &self.security_token.map(|_| "<redacted>"))
            .finish()
    }
}

/// A signed query: its parameters and what was signed to get them.
#[derive(Clone, PartialEq, Eq)]
pub struct PresignedQuery {
    /// Every parameter of the URL, decoded, in URL order, the signature last.
    pub params: Vec<(String, String)>,
    /// V4 only: the canonical request that was hashed.
    pub canonical_request: Option<String>,
    /// The string that was signed.
    pub string_to_sign: String,
    /// The signature, as it goes in the URL before percent-encoding (base64 for V1,
    /// lower-case hex for V4).
    pub signature: String,
}

impl PresignedQuery {
    /// The query string: each key and value percent-encoded (only `A-Z a-z 0-9 - _ . ~`
    /// left as they are), `key=value` or a bare `key` for an empty value, joined by `&`.
    pub fn query_string(&self) -> String {
        let mut out = String::with_capacity(512);
        for (i, (k, v)) in self.params.iter().enumerate() {
            if i > 0 {
                out.push('&');
            }
            out.push_str(&percent_encode(k, false));
            if !v.is_empty() {
                out.push('=');
                out.push_str(&percent_encode(v, false));
            }
        }
        out
    }
}

// The token is in a parameter and, raw or encoded, in the strings that were signed: show
// the parameter names only.
impl std::fmt::Debug for PresignedQuery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.params.iter().map(|(k, _)| k.as_str()).collect();
        f.debug_struct("PresignedQuery")
            .field("params", &names)
            .finish_non_exhaustive()
    }
}

fn owned(params: &[(&str, &str)]) -> Vec<(String, String)> {
    params
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// Signs `req` with V1 until `expires` (absolute Unix seconds).
///
/// The date line of the string-to-sign is the `Expires` value (or an `x-oss-date` header
/// of `req`, as for header signatures); the resource carries the sub-resources among the
/// parameters and the token.
pub fn v1(req: &PresignRequest<'_>, access_key_secret: &str, expires: u64) -> PresignedQuery {
    let expires = expires.to_string();
    let mut params: Vec<(&str, &str)> = req.params.to_vec();
    if let Some(token) = req.security_token {
        params.push((V1_TOKEN_PARAM, token));
    }
    // The expiry takes the place of the Date header, which a presigned URL never sends.
    let mut headers: Vec<(&str, &str)> = req
        .headers
        .iter()
        .filter(|(name, _)| !name.eq_ignore_ascii_case("date"))
        .copied()
        .collect();
    headers.push(("date", &expires));
    let string_to_sign = header_v1::string_to_sign(&RequestToSign {
        method: req.method,
        bucket: req.bucket,
        key: Some(req.key),
        query: &params,
        headers: &headers,
    });
    let signature = header_v1::signature(access_key_secret, &string_to_sign);
    params.push(("OSSAccessKeyId", req.access_key_id));
    params.push(("Expires", &expires));
    params.push(("Signature", &signature));
    PresignedQuery {
        params: owned(&params),
        canonical_request: None,
        string_to_sign,
        signature,
    }
}

/// Signs `req` with V4 at `datetime` (`YYYYMMDDTHHMMSSZ`) for `expires_in` seconds.
///
/// `additional_headers` names headers of `req` to sign besides `x-oss-*`, `Content-Type`
/// and `Content-MD5`; as the Python SDK does, a name `req` does not carry is dropped,
/// since no request could send a value that matches it.
pub fn v4(
    req: &PresignRequest<'_>,
    access_key_secret: &str,
    region: &str,
    datetime: &str,
    expires_in: u64,
    additional_headers: &[&str],
) -> Result<PresignedQuery, header_v4::V4Error> {
    if crate::time::parse_v4_datetime(datetime).is_none() {
        return Err(header_v4::V4Error::MalformedDate(datetime.to_owned()));
    }
    let date = &datetime[..8];
    let additional: Vec<String> = header_v4::normalize_additional_headers(additional_headers)
        .into_iter()
        .filter(|name| {
            req.headers
                .iter()
                .any(|(h, _)| h.trim().eq_ignore_ascii_case(name))
        })
        .collect();
    let credential = format!("{}/{}", req.access_key_id, header_v4::scope(date, region));
    let expires = expires_in.to_string();
    let additional_list = additional.join(";");
    let mut params: Vec<(&str, &str)> = req.params.to_vec();
    if let Some(token) = req.security_token {
        params.push((V4_TOKEN_PARAM, token));
    }
    params.push(("x-oss-date", datetime));
    params.push(("x-oss-expires", &expires));
    params.push(("x-oss-signature-version", header_v4::ALGORITHM));
    params.push(("x-oss-credential", &credential));
    if !additional.is_empty() {
        params.push(("x-oss-additional-headers", &additional_list));
    }
    let canonical_request = header_v4::canonical_request(
        &RequestToSign {
            method: req.method,
            bucket: req.bucket,
            key: Some(req.key),
            query: &params,
            headers: req.headers,
        },
        &additional,
    );
    let string_to_sign = header_v4::string_to_sign(datetime, region, &canonical_request);
    let mut key = header_v4::signing_key(access_key_secret, date, region);
    let signature = header_v4::signature(&key, &string_to_sign);
    super::wipe(&mut key);
    params.push(("x-oss-signature", &signature));
    Ok(PresignedQuery {
        params: owned(&params),
        canonical_request: Some(canonical_request),
        string_to_sign,
        signature,
    })
}
