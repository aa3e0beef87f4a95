//! V4 header signatures (`OSS4-HMAC-SHA256`): a canonical request hashed into a
//! string-to-sign, signed with a key derived from the secret, the date and the region.

use super::{RequestToSign, hex, hmac_sha256, oss_headers_sorted};
use crate::encoding::percent_encode;
use sha2::{Digest, Sha256};

/// The algorithm name that opens the string-to-sign and the `Authorization` header.
pub const ALGORITHM: &str = "OSS4-HMAC-SHA256";

/// The payload hash OSS clients send: the body is not hashed.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// Why a V4 signature cannot be computed from a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum V4Error {
    /// The request has no `x-oss-date` header, which V4 signs.
    MissingDate,
    /// `x-oss-date` is not of the form `20160824T111128Z`.
    MalformedDate(String),
}

impl std::fmt::Display for V4Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            V4Error::MissingDate => f.write_str("a V4 signature needs an x-oss-date header"),
            V4Error::MalformedDate(d) => {
                write!(f, "x-oss-date {d:?} is not of the form YYYYMMDDTHHMMSSZ")
            }
        }
    }
}

impl std::error::Error for V4Error {}

/// `/bucket/key`, percent-encoded with `/` kept; `/bucket/` for bucket-level requests.
pub fn canonical_uri(bucket: &str, key: Option<&str>) -> String {
    let mut raw = String::with_capacity(bucket.len() + key.map_or(0, str::len) + 2);
    raw.push('/');
    raw.push_str(bucket);
    raw.push('/');
    raw.push_str(key.unwrap_or(""));
    percent_encode(&raw, true)
}

/// Every query parameter, keys and values percent-encoded, sorted by encoded key, joined
/// with `&`; an empty value is a bare key.
pub fn canonical_query(query: &[(&str, &str)]) -> String {
    let mut encoded: Vec<(String, String)> = query
        .iter()
        .map(|(k, v)| (percent_encode(k, false), percent_encode(v, false)))
        .collect();
    encoded.sort();
    let mut out = String::with_capacity(encoded.iter().map(|(k, v)| k.len() + v.len() + 2).sum());
    for (i, (k, v)) in encoded.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(k);
        if !v.is_empty() {
            out.push('=');
            out.push_str(v);
        }
    }
    out
}

/// The names of the extra headers a V4 signature covers, lower-cased, sorted and
/// deduplicated; `x-oss-*`, `content-type` and `content-md5` are always signed and so
/// never listed.
pub fn normalize_additional_headers(names: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = names
        .iter()
        .map(|n| n.trim().to_ascii_lowercase())
        .filter(|n| {
            !n.is_empty() && !n.starts_with("x-oss-") && n != "content-type" && n != "content-md5"
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The canonical request: method, URI, query, headers, additional header names and payload
/// hash, separated by LF.
///
/// `additional_headers` must already be normalized ([`normalize_additional_headers`]).
pub fn canonical_request(req: &RequestToSign<'_>, additional_headers: &[String]) -> String {
    let mut signed: Vec<(String, &str)> = oss_headers_sorted(req.headers);
    for (name, value) in req.headers {
        let lower = name.to_ascii_lowercase();
        let always = lower == "content-type" || lower == "content-md5";
        if always || additional_headers.contains(&lower) {
            signed.push((lower, value));
        }
    }
    signed.sort_by(|a, b| a.0.cmp(&b.0));

    let mut out = String::with_capacity(512);
    out.push_str(req.method);
    out.push('\n');
    out.push_str(&canonical_uri(req.bucket, req.key));
    out.push('\n');
    out.push_str(&canonical_query(req.query));
    out.push('\n');
    for (name, value) in &signed {
        out.push_str(name);
        out.push(':');
        out.push_str(value);
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&additional_headers.join(";"));
    out.push('\n');
    out.push_str(
        req.header("x-oss-content-sha256")
            .unwrap_or(UNSIGNED_PAYLOAD),
    );
    out
}

/// `YYYYMMDD/region/oss/aliyun_v4_request`.
pub fn scope(date: &str, region: &str) -> String {
    format!("{date}/{region}/oss/aliyun_v4_request")
}

/// `OSS4-HMAC-SHA256`, the datetime, the scope and the hex SHA-256 of the canonical request.
pub fn string_to_sign(datetime: &str, region: &str, canonical_request: &str) -> String {
    let date = datetime.get(..8).unwrap_or(datetime);
    let hash = hex(&Sha256::digest(canonical_request.as_bytes()));
    format!("{ALGORITHM}\n{datetime}\n{}\n{hash}", scope(date, region))
}

/// The signing key: HMAC-SHA256 chained over date, region, `oss` and `aliyun_v4_request`,
/// starting from `"aliyun_v4" + secret`.
pub fn signing_key(access_key_secret: &str, date: &str, region: &str) -> [u8; 32] {
    let mut seed = Vec::with_capacity(9 + access_key_secret.len());
    seed.extend_from_slice(b"aliyun_v4");
    seed.extend_from_slice(access_key_secret.as_bytes());
    let mut k_date = hmac_sha256(&seed, date.as_bytes());
    // The seed holds the secret and the chain derives from it: none of them should stay
    // in memory longer than needed.
    super::wipe(&mut seed);
    let mut k_region = hmac_sha256(&k_date, region.as_bytes());
    super::wipe(&mut k_date);
    let mut k_service = hmac_sha256(&k_region, b"oss");
    super::wipe(&mut k_region);
    let key = hmac_sha256(&k_service, b"aliyun_v4_request");
    super::wipe(&mut k_service);
    key
}

/// Hex HMAC-SHA256 of the string-to-sign under the signing key.
pub fn signature(signing_key: &[u8; 32], string_to_sign: &str) -> String {
    hex(&hmac_sha256(signing_key, string_to_sign.as_bytes()))
}

/// Everything a V4 signature of one request produces, for signing and for explaining a
/// mismatch (OSS returns its canonical request and string-to-sign in the error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct V4Signature {
    /// The canonical request that was hashed.
    pub canonical_request: String,
    /// The string that was signed.
    pub string_to_sign: String,
    /// Lower-case hex signature.
    pub signature: String,
    /// The `Authorization` header value.
    pub authorization: String,
}

/// Signs a request that already carries `x-oss-date` (and `x-oss-content-sha256`, and
/// `x-oss-security-token` with STS credentials) in its headers.
///
/// The header is written as the Python SDK writes it: `Credential=…, Signature=…`, then
/// `, AdditionalHeaders=…` when there are any.
pub fn sign(
    access_key_id: &str,
    access_key_secret: &str,
    region: &str,
    req: &RequestToSign<'_>,
    additional_headers: &[&str],
) -> Result<V4Signature, V4Error> {
    sign_with(access_key_id, region, req, additional_headers, |date| {
        signing_key(access_key_secret, date, region)
    })
}

/// [`sign`], with the signing key given by `key_for_date` for the request's date
/// (`YYYYMMDD`), which must return [`signing_key`] of the secret, that date and `region`:
/// for a caller that keeps derived keys rather than deriving one (four HMACs) per request.
/// The copy it returns is wiped once used.
pub fn sign_with(
    access_key_id: &str,
    region: &str,
    req: &RequestToSign<'_>,
    additional_headers: &[&str],
    key_for_date: impl FnOnce(&str) -> [u8; 32],
) -> Result<V4Signature, V4Error> {
    let datetime = req.header("x-oss-date").ok_or(V4Error::MissingDate)?;
    if crate::time::parse_v4_datetime(datetime).is_none() {
        return Err(V4Error::MalformedDate(datetime.to_owned()));
    }
    let additional = normalize_additional_headers(additional_headers);
    let canonical_request = canonical_request(req, &additional);
    let string_to_sign = string_to_sign(datetime, region, &canonical_request);
    let date = &datetime[..8];
    let mut key = key_for_date(date);
    let signature = signature(&key, &string_to_sign);
    super::wipe(&mut key);
    let mut authorization = format!(
        "{ALGORITHM} Credential={access_key_id}/{}, Signature={signature}",
        scope(date, region)
    );
    if !additional.is_empty() {
        authorization.push_str(", AdditionalHeaders=");
        authorization.push_str(&additional.join(";"));
    }
    Ok(V4Signature {
        canonical_request,
        string_to_sign,
        signature,
        authorization,
    })
}
