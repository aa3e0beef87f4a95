//! V4 header signatures: `Authorization: OSS4-HMAC-SHA256 Credential=AK/DAY/REGION/oss/
//! aliyun_v4_request[,AdditionalHeaders=h1;h2],Signature=HEX`.
//!
//! From OSS's "Include a V4 signature in the Authorization header" page and the wire
//! notes' §5:
//!
//! - The canonical request is, joined by LF: the method; the URI `/bucket/key`
//!   percent-encoded with `/` kept; every query parameter, key and value percent-encoded,
//!   sorted, `k=v` or a bare `k`, joined by `&`; the signed headers, `name:value` + LF each
//!   (so an empty line follows them): every `x-oss-*` header, `content-type`,
//!   `content-md5` and the ones the client named in `AdditionalHeaders`; the
//!   `AdditionalHeaders` names joined by `;`; and the payload hash, `UNSIGNED-PAYLOAD`.
//! - The string-to-sign is `OSS4-HMAC-SHA256`, the request's date, the scope
//!   `DAY/REGION/oss/aliyun_v4_request` and the hex SHA-256 of the canonical request.
//! - The signing key is HMAC-SHA256 chained from `"aliyun_v4" + secret` over the day, the
//!   region, `oss` and `aliyun_v4_request`; the signature is the hex HMAC-SHA256 of the
//!   string-to-sign under it.
//!
//! The request's date is `x-oss-date` (`20160824T111128Z`) when there is one. The Go SDK
//! (v1, v3.0.2) sends none: it signs with `Date` (`Mon, 07 Dec 2026 04:35:00 GMT`), puts
//! that text unchanged on the date line and takes the scope's day from it. OSS accepts
//! both, and so does [`request_date`], preferring `x-oss-date` as the SDKs do.

use std::time::SystemTime;

use super::mac::{hex, hmac_sha256, sha256};
use super::request::SignedRequest;
use crate::dates;
use crate::percent;

/// The signature algorithm, first word of the `Authorization` value.
pub const ALGORITHM: &str = "OSS4-HMAC-SHA256";
/// The only payload hash OSS takes in `x-oss-content-sha256` (OSS EC 0002-00000214).
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// Headers every V4 signature covers without naming them in `AdditionalHeaders`.
fn always_signed(lower_name: &str) -> bool {
    lower_name.starts_with("x-oss-") || lower_name == "content-type" || lower_name == "content-md5"
}

/// The `AdditionalHeaders` names as the canonical request lists them: lower-cased, sorted,
/// once each, without the headers that are signed anyway.
pub fn additional_header_names(listed: &[&str]) -> Vec<String> {
    let mut names: Vec<String> = listed
        .iter()
        .map(|n| n.trim().to_ascii_lowercase())
        .filter(|n| !n.is_empty() && !always_signed(n))
        .collect();
    names.sort();
    names.dedup();
    names
}

/// `/bucket/key`, or `/bucket/` for a bucket-level request, percent-encoded with `/` kept.
pub fn canonical_uri(bucket: &str, key: Option<&str>) -> String {
    percent::encode(&format!("/{bucket}/{}", key.unwrap_or("")), true)
}

/// Every query parameter, key and value percent-encoded, sorted, joined with `&`.
pub fn canonical_query(query: &[(&str, &str)]) -> String {
    let mut pairs: Vec<(String, String)> = query
        .iter()
        .map(|(k, v)| (percent::encode(k, false), percent::encode(v, false)))
        .collect();
    pairs.sort();
    let items: Vec<String> = pairs
        .into_iter()
        .map(|(k, v)| if v.is_empty() { k } else { format!("{k}={v}") })
        .collect();
    items.join("&")
}

/// The canonical request; `additional` as [`additional_header_names`] gives it.
pub fn canonical_request(req: &SignedRequest<'_>, additional: &[String]) -> String {
    let mut signed: Vec<(String, &str)> = req
        .headers
        .iter()
        .map(|(n, v)| (n.to_ascii_lowercase(), *v))
        .filter(|(n, _)| always_signed(n) || additional.contains(n))
        .collect();
    signed.sort_by(|a, b| a.0.cmp(&b.0));
    let headers: String = signed.iter().map(|(n, v)| format!("{n}:{v}\n")).collect();
    let payload = req
        .header("x-oss-content-sha256")
        .unwrap_or(UNSIGNED_PAYLOAD);
    [
        req.method,
        &canonical_uri(req.bucket, req.key),
        &canonical_query(req.query),
        &headers,
        &additional.join(";"),
        payload,
    ]
    .join("\n")
}

/// `DAY/REGION/oss/aliyun_v4_request`.
pub fn scope(day: &str, region: &str) -> String {
    format!("{day}/{region}/oss/aliyun_v4_request")
}

/// The string-to-sign; `date_line` is the request's date exactly as sent.
pub fn string_to_sign(date_line: &str, day: &str, region: &str, canonical_request: &str) -> String {
    format!(
        "{ALGORITHM}\n{date_line}\n{}\n{}",
        scope(day, region),
        hex(&sha256(canonical_request.as_bytes()))
    )
}

/// The signing key of a secret for one day and region.
pub fn signing_key(secret: &str, day: &str, region: &str) -> [u8; 32] {
    let seed = format!("aliyun_v4{secret}");
    [region.as_bytes(), b"oss", b"aliyun_v4_request"]
        .into_iter()
        .fold(hmac_sha256(seed.as_bytes(), day.as_bytes()), |key, part| {
            hmac_sha256(&key, part)
        })
}

/// The date a V4 request is signed at: its text as sent and the instant it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestDate<'a> {
    /// The header value, which goes unchanged on the date line.
    pub text: &'a str,
    /// The instant, for the clock-skew check.
    pub time: SystemTime,
    /// `YYYYMMDD`, the day the credential scope must name.
    pub day: String,
}

/// Why a V4 request has no usable date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateProblem {
    /// Neither `x-oss-date` nor `Date`.
    Missing,
    /// `x-oss-date` is not `YYYYMMDDTHHMMSSZ`.
    BadXOssDate(String),
    /// No `x-oss-date`, and `Date` is not an RFC 1123 date.
    BadDate(String),
}

impl std::fmt::Display for DateProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DateProblem::Missing => {
                f.write_str("A V4 signed request must carry an x-oss-date or a Date header.")
            }
            DateProblem::BadXOssDate(text) => {
                write!(
                    f,
                    "x-oss-date {text:?} is not of the form YYYYMMDDTHHMMSSZ."
                )
            }
            DateProblem::BadDate(text) => write!(f, "The date {text:?} is not an RFC 1123 date."),
        }
    }
}

/// `x-oss-date` when present, else `Date` (see the module documentation).
pub fn request_date<'a>(req: &SignedRequest<'a>) -> Result<RequestDate<'a>, DateProblem> {
    let (text, time) = match (req.header("x-oss-date"), req.header("date")) {
        (Some(text), _) => (
            text,
            dates::parse_v4_datetime(text).ok_or_else(|| DateProblem::BadXOssDate(text.into()))?,
        ),
        (None, Some(text)) => (
            text,
            dates::parse_http_date(text).ok_or_else(|| DateProblem::BadDate(text.into()))?,
        ),
        (None, None) => return Err(DateProblem::Missing),
    };
    Ok(RequestDate {
        text,
        time,
        day: dates::v4_day(time),
    })
}

/// What the server computes for a request, to compare and to explain a mismatch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Computed {
    /// The canonical request.
    pub canonical_request: String,
    /// The string-to-sign.
    pub string_to_sign: String,
    /// The hex signature.
    pub signature: String,
}

/// Computes the signature of `req` signed at `date` with `secret` for `region`;
/// `additional` is the `AdditionalHeaders` list as the client sent it.
pub fn compute(
    secret: &str,
    region: &str,
    req: &SignedRequest<'_>,
    date: &RequestDate<'_>,
    additional: &[&str],
) -> Computed {
    let canonical_request = canonical_request(req, &additional_header_names(additional));
    let string_to_sign = string_to_sign(date.text, &date.day, region, &canonical_request);
    let signature = hex(&hmac_sha256(
        &signing_key(secret, &date.day, region),
        string_to_sign.as_bytes(),
    ));
    Computed {
        canonical_request,
        string_to_sign,
        signature,
    }
}

/// The `Authorization` value a client would send for `req` (which carries its date), in
/// oss2's layout; `None` without a usable date. For the fuzz harness.
pub fn authorization(
    access_key_id: &str,
    secret: &str,
    region: &str,
    req: &SignedRequest<'_>,
) -> Option<String> {
    let date = request_date(req).ok()?;
    let computed = compute(secret, region, req, &date, &[]);
    Some(format!(
        "{ALGORITHM} Credential={access_key_id}/{}, Signature={}",
        scope(&date.day, region),
        computed.signature
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "TestAccessKeySecret0123456789abc";

    #[test]
    fn reproduces_the_oss2_vector() {
        // GetLiveChannelStat_V4 of the wire notes' vectors (oss2 2.19.1).
        let headers = [
            ("x-oss-date", "20160824T111128Z"),
            ("x-oss-content-sha256", "UNSIGNED-PAYLOAD"),
        ];
        let req = SignedRequest {
            method: "GET",
            bucket: "examplebucket",
            key: Some("test-channel"),
            query: &[("live", ""), ("comp", "stat")],
            headers: &headers,
        };
        let date = request_date(&req).unwrap();
        let computed = compute(SECRET, "cn-hangzhou", &req, &date, &[]);
        assert_eq!(
            computed.canonical_request,
            "GET\n/examplebucket/test-channel\ncomp=stat&live\nx-oss-content-sha256:UNSIGNED-PAYLOAD\n\
             x-oss-date:20160824T111128Z\n\n\nUNSIGNED-PAYLOAD"
        );
        assert_eq!(
            computed.string_to_sign,
            "OSS4-HMAC-SHA256\n20160824T111128Z\n20160824/cn-hangzhou/oss/aliyun_v4_request\n\
             96d931de18951e93fe2203f3378094e5eececc9a9cf2279a971ae94639aec0e0"
        );
        assert_eq!(
            computed.signature,
            "68d995b0449ab01d20bd5df20e9dd2ee386ae5be3d8bc5dbcda60786df1ffe12"
        );
        assert_eq!(
            authorization("LTAI5tTestAccessKeyId", SECRET, "cn-hangzhou", &req).unwrap(),
            "OSS4-HMAC-SHA256 Credential=LTAI5tTestAccessKeyId/20160824/cn-hangzhou/oss/\
             aliyun_v4_request, Signature=68d995b0449ab01d20bd5df20e9dd2ee386ae5be3d8bc5dbcda60786df1ffe12"
        );
    }

    #[test]
    fn date_only_requests_sign_the_date_header_as_sent() {
        let headers = [
            ("Date", "Mon, 07 Dec 2026 04:35:00 GMT"),
            ("X-Oss-Content-Sha256", "UNSIGNED-PAYLOAD"),
        ];
        let req = SignedRequest {
            method: "GET",
            bucket: "b",
            key: Some("c"),
            query: &[("live", "")],
            headers: &headers,
        };
        let date = request_date(&req).unwrap();
        assert_eq!(date.text, "Mon, 07 Dec 2026 04:35:00 GMT");
        assert_eq!(date.day, "20261207");
        let computed = compute(SECRET, "cn-hangzhou", &req, &date, &[]);
        assert!(
            computed.string_to_sign.starts_with(
                "OSS4-HMAC-SHA256\nMon, 07 Dec 2026 04:35:00 GMT\n20261207/cn-hangzhou/"
            ),
            "{}",
            computed.string_to_sign
        );
        // Date itself is not a signed header.
        assert!(!computed.canonical_request.contains("date:"));
    }

    #[test]
    fn x_oss_date_wins_over_date() {
        let headers = [
            ("Date", "Mon, 07 Dec 2026 04:35:00 GMT"),
            ("x-oss-date", "20261207T043501Z"),
        ];
        let req = SignedRequest {
            method: "GET",
            bucket: "b",
            key: None,
            query: &[],
            headers: &headers,
        };
        assert_eq!(request_date(&req).unwrap().text, "20261207T043501Z");
        let bad = [("x-oss-date", "Mon, 07 Dec 2026 04:35:00 GMT")];
        let req = SignedRequest {
            headers: &bad,
            ..req
        };
        assert!(matches!(
            request_date(&req),
            Err(DateProblem::BadXOssDate(_))
        ));
        let req = SignedRequest {
            headers: &[("Date", "yesterday")],
            ..req
        };
        assert!(matches!(request_date(&req), Err(DateProblem::BadDate(_))));
        let req = SignedRequest {
            headers: &[],
            ..req
        };
        assert_eq!(request_date(&req), Err(DateProblem::Missing));
    }

    #[test]
    fn additional_headers_are_signed_in_canonical_form() {
        let headers = [
            ("Host", "examplebucket.oss-cn-hangzhou.aliyuncs.com"),
            ("Range", "bytes=0-9"),
            ("x-oss-date", "20160824T111128Z"),
            ("Content-Type", "application/xml"),
            ("User-Agent", "not signed"),
        ];
        let req = SignedRequest {
            method: "PUT",
            bucket: "examplebucket",
            key: Some("with space+plus/频"),
            query: &[("b", "x/y"), ("a", "")],
            headers: &headers,
        };
        let names = additional_header_names(&["range", "Host", "x-oss-date", "host"]);
        assert_eq!(names, ["host", "range"]);
        assert_eq!(
            canonical_request(&req, &names),
            "PUT\n/examplebucket/with%20space%2Bplus/%E9%A2%91\na&b=x%2Fy\n\
             content-type:application/xml\nhost:examplebucket.oss-cn-hangzhou.aliyuncs.com\n\
             range:bytes=0-9\nx-oss-date:20160824T111128Z\n\nhost;range\nUNSIGNED-PAYLOAD"
        );
        assert_eq!(canonical_uri("b", None), "/b/");
    }

    #[test]
    fn signing_key_is_the_documented_chain() {
        let step = |key: &[u8], data: &str| hmac_sha256(key, data.as_bytes());
        let by_hand = step(
            &step(&step(&step(b"aliyun_v4s", "20160824"), "r"), "oss"),
            "aliyun_v4_request",
        );
        assert_eq!(signing_key("s", "20160824", "r"), by_hand);
    }
}
