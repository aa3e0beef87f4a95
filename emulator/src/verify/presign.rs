//! Presigned URLs: the signature travels in the query instead of an `Authorization`
//! header, so that a player, a browser or `curl` can fetch an object of a private bucket.
//!
//! From OSS's "Include a V1 signature in a URL" and "Include a V4 signature in a URL"
//! pages, and what oss2 2.19.1's `Bucket.sign_url` produces:
//!
//! - **V1**: `OSSAccessKeyId`, `Expires` (absolute Unix seconds), `Signature` (base64
//!   HMAC-SHA1) and, for STS credentials, `security-token`. The string-to-sign is the
//!   header form's ([`super::v1`]) with the `Expires` text on the date line; `security-token`
//!   and `x-oss-process` are sub-resources, so they are part of the canonicalized resource.
//! - **V4**: `x-oss-signature-version=OSS4-HMAC-SHA256`,
//!   `x-oss-credential=AK/DAY/REGION/oss/aliyun_v4_request`, `x-oss-date`
//!   (`YYYYMMDDTHHMMSSZ`), `x-oss-expires` (seconds after `x-oss-date`, 1 to 604800),
//!   `x-oss-additional-headers` when headers besides the `x-oss-*` ones are signed,
//!   `x-oss-security-token` for STS, and `x-oss-signature` (hex). The canonical request is
//!   the header form's ([`super::v4`]) over every query parameter except `x-oss-signature`,
//!   with the `UNSIGNED-PAYLOAD` payload hash; `x-oss-date` goes on the string-to-sign's
//!   date line.
//!
//! This module only computes; [`crate::url_auth`] decides and builds OSS's errors. It also
//! signs URLs the same way ([`sign_url_query`]), which the emulator needs to rewrite a
//! playlist's segment URIs for `x-oss-process=hls/sign`.

use super::mac::{hex, hmac_sha256};
use super::request::SignedRequest;
use super::{v1, v4};
use crate::percent;

/// The longest validity a V4 presigned URL may name in `x-oss-expires`: seven days (OSS
/// page 0002-00000232).
pub const V4_MAX_EXPIRES_SECS: u64 = 7 * 24 * 3600;

/// Query parameters of a V1 presigned URL, as found (each may be missing).
///
/// Not `Debug`: it holds an STS token.
#[derive(Clone, Copy)]
pub struct V1Params<'a> {
    /// `OSSAccessKeyId`.
    pub access_key_id: Option<&'a str>,
    /// `Expires`, absolute Unix seconds as text.
    pub expires: Option<&'a str>,
    /// `Signature`.
    pub signature: Option<&'a str>,
    /// `security-token`.
    pub security_token: Option<&'a str>,
}

/// Query parameters of a V4 presigned URL, as found (each may be missing).
///
/// Not `Debug`: it holds an STS token.
#[derive(Clone, Copy)]
pub struct V4Params<'a> {
    /// `x-oss-signature-version`.
    pub version: Option<&'a str>,
    /// `x-oss-credential`.
    pub credential: Option<&'a str>,
    /// `x-oss-date`.
    pub date: Option<&'a str>,
    /// `x-oss-expires`, seconds after `x-oss-date`, as text.
    pub expires: Option<&'a str>,
    /// `x-oss-signature`.
    pub signature: Option<&'a str>,
    /// `x-oss-additional-headers`, names joined by `;`.
    pub additional_headers: Option<&'a str>,
    /// `x-oss-security-token`.
    pub security_token: Option<&'a str>,
}

/// The presigned form a query carries.
#[derive(Clone, Copy)]
pub enum Presign<'a> {
    /// `OSSAccessKeyId`/`Expires`/`Signature`.
    V1(V1Params<'a>),
    /// `x-oss-signature-version`/`x-oss-credential`/….
    V4(V4Params<'a>),
}

/// The signature parameters of `query`, or `None` when it carries none (an anonymous
/// request, or one signed in its `Authorization` header).
///
/// A query with a V4 parameter (`x-oss-signature-version`, `x-oss-credential` or
/// `x-oss-signature`) is V4; otherwise one with `OSSAccessKeyId` or `Signature` is V1.
/// `Expires` alone is not taken for a signature: it is an ordinary word.
pub fn find<'a>(query: &[(&'a str, &'a str)]) -> Option<Presign<'a>> {
    let get = |name: &str| query.iter().find(|(k, _)| *k == name).map(|(_, v)| *v);
    let v4 = V4Params {
        version: get("x-oss-signature-version"),
        credential: get("x-oss-credential"),
        date: get("x-oss-date"),
        expires: get("x-oss-expires"),
        signature: get("x-oss-signature"),
        additional_headers: get("x-oss-additional-headers"),
        security_token: get("x-oss-security-token"),
    };
    if v4.version.is_some() || v4.credential.is_some() || v4.signature.is_some() {
        return Some(Presign::V4(v4));
    }
    let v1 = V1Params {
        access_key_id: get("OSSAccessKeyId"),
        expires: get("Expires"),
        signature: get("Signature"),
        security_token: get("security-token"),
    };
    (v1.access_key_id.is_some() || v1.signature.is_some()).then_some(Presign::V1(v1))
}

/// The parts of `x-oss-credential`: `AK/DAY/REGION/oss/aliyun_v4_request`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Credential<'a> {
    /// The AccessKey id.
    pub access_key_id: &'a str,
    /// `YYYYMMDD`.
    pub day: &'a str,
    /// The region, for example `cn-hangzhou`.
    pub region: &'a str,
}

/// Reads `x-oss-credential`; `None` unless it has exactly the five parts, the last two
/// `oss` and `aliyun_v4_request`, and a non-empty key id.
pub fn parse_credential(text: &str) -> Option<Credential<'_>> {
    let mut parts = text.split('/');
    match (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) {
        (Some(id), Some(day), Some(region), Some("oss"), Some("aliyun_v4_request"), None)
            if !id.is_empty() =>
        {
            Some(Credential {
                access_key_id: id,
                day,
                region,
            })
        }
        _ => None,
    }
}

/// The V1 string-to-sign of a presigned request: the header form's with `expires` (the
/// `Expires` text as sent) on the date line. `req.query` is the whole query: only the
/// sub-resources among it (`security-token`, `x-oss-process`…) are signed.
pub fn v1_string_to_sign(req: &SignedRequest<'_>, expires: &str) -> String {
    v1::string_to_sign_dated(req, expires)
}

/// What a V4 presigned request should carry, and how it was worked out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct V4Computed {
    /// The canonical request.
    pub canonical_request: String,
    /// The string-to-sign.
    pub string_to_sign: String,
    /// The hex signature.
    pub signature: String,
}

/// Computes the V4 signature of a presigned request signed at `date` (the `x-oss-date`
/// text) on `day` for `region`; `additional` lists the `x-oss-additional-headers` names.
/// `req.query` is the whole query: `x-oss-signature` is left out here.
pub fn v4_compute(
    secret: &str,
    region: &str,
    req: &SignedRequest<'_>,
    date: &str,
    day: &str,
    additional: &[&str],
) -> V4Computed {
    let query: Vec<(&str, &str)> = req
        .query
        .iter()
        .copied()
        .filter(|(k, _)| *k != "x-oss-signature")
        .collect();
    let unsigned = SignedRequest {
        query: &query,
        ..*req
    };
    let canonical_request =
        v4::canonical_request(&unsigned, &v4::additional_header_names(additional));
    let string_to_sign = v4::string_to_sign(date, day, region, &canonical_request);
    let signature = hex(&hmac_sha256(
        &v4::signing_key(secret, day, region),
        string_to_sign.as_bytes(),
    ));
    V4Computed {
        canonical_request,
        string_to_sign,
        signature,
    }
}

/// How the emulator signs a URL of its own, "the same way" as a presigned request it
/// received: same version, same expiry, same credentials.
#[derive(Debug, Clone, Copy)]
pub enum UrlSigning<'a> {
    /// V1, valid until `expires` (Unix seconds).
    V1 {
        /// The `Expires` value.
        expires: u64,
    },
    /// V4, signed at `date` on `day` for `region`, valid `expires` seconds.
    V4 {
        /// The `x-oss-date` value.
        date: &'a str,
        /// Its `YYYYMMDD`.
        day: &'a str,
        /// The credential scope's region.
        region: &'a str,
        /// The `x-oss-expires` value.
        expires: u64,
        /// Headers to sign besides `x-oss-*` ones (`x-oss-additional-headers`): lower-case
        /// names with the values the fetch will carry.
        additional_headers: &'a [(String, String)],
    },
}

/// Who signs: the access key, its secret and, for STS, the token.
#[derive(Clone, Copy)]
pub struct Signer<'a> {
    /// The AccessKey id.
    pub access_key_id: &'a str,
    /// Its secret; never printed.
    pub secret: &'a str,
    /// The STS token, if any.
    pub security_token: Option<&'a str>,
}

impl std::fmt::Debug for Signer<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("access_key_id", &self.access_key_id)
            .field("secret", &"<redacted>")
            .field("security_token", &self.security_token.map(|_| "<redacted>"))
            .finish()
    }
}

/// The query (decoded pairs, in the order oss2 writes them) of a GET of `bucket`/`key`
/// signed by `signer` as `signing` says, with `extra` parameters (such as
/// `x-oss-process`) signed along.
pub fn sign_url_query(
    signer: &Signer<'_>,
    signing: &UrlSigning<'_>,
    bucket: &str,
    key: &str,
    extra: &[(&str, &str)],
) -> Vec<(String, String)> {
    let owned = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    };
    match *signing {
        UrlSigning::V1 { expires } => {
            let mut params: Vec<(&str, &str)> = extra.to_vec();
            if let Some(token) = signer.security_token {
                params.push(("security-token", token));
            }
            let req = SignedRequest {
                method: "GET",
                bucket,
                key: Some(key),
                query: &params,
                headers: &[],
            };
            let expires = expires.to_string();
            let signature = v1::signature(signer.secret, &v1_string_to_sign(&req, &expires));
            let mut out = owned(&params);
            out.push(("OSSAccessKeyId".into(), signer.access_key_id.into()));
            out.push(("Expires".into(), expires));
            out.push(("Signature".into(), signature));
            out
        }
        UrlSigning::V4 {
            date,
            day,
            region,
            expires,
            additional_headers,
        } => {
            let credential = format!("{}/{}", signer.access_key_id, v4::scope(day, region));
            let expires = expires.to_string();
            let names: Vec<&str> = additional_headers.iter().map(|(n, _)| n.as_str()).collect();
            let listed = v4::additional_header_names(&names).join(";");
            let mut params: Vec<(&str, &str)> = extra.to_vec();
            if let Some(token) = signer.security_token {
                params.push(("x-oss-security-token", token));
            }
            params.push(("x-oss-date", date));
            params.push(("x-oss-expires", &expires));
            params.push(("x-oss-signature-version", v4::ALGORITHM));
            params.push(("x-oss-credential", &credential));
            if !listed.is_empty() {
                params.push(("x-oss-additional-headers", &listed));
            }
            let headers: Vec<(&str, &str)> = additional_headers
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_str()))
                .collect();
            let req = SignedRequest {
                method: "GET",
                bucket,
                key: Some(key),
                query: &params,
                headers: &headers,
            };
            let computed = v4_compute(signer.secret, region, &req, date, day, &names);
            let mut out = owned(&params);
            out.push(("x-oss-signature".into(), computed.signature));
            out
        }
    }
}

/// `k=v&k2=v2` with keys and values percent-encoded (a bare `k` for an empty value), as
/// a URL carries the pairs [`sign_url_query`] returns.
pub fn encode_query(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| match v.as_str() {
            "" => percent::encode(k, false),
            _ => format!(
                "{}={}",
                percent::encode(k, false),
                percent::encode(v, false)
            ),
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests;
