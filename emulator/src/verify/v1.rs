//! V1 header signatures: `Authorization: OSS AccessKeyId:Signature`.
//!
//! The string-to-sign (OSS "Include a V1 signature in the Authorization header"; the wire
//! notes' §3) is, joined by LF: the method, `Content-MD5`, `Content-Type`, the date, then
//! the `x-oss-*` headers (`name:value` + LF each, names lower-cased and sorted) directly
//! followed by the canonicalized resource `/bucket/key?sub-resources`. The signature is
//! the base64 of its HMAC-SHA1 under the AccessKey secret.

use super::mac::{base64, hmac_sha1};
use super::request::SignedRequest;

/// Query keys that are part of the resource a V1 signature covers; every other query
/// parameter (`prefix`, `marker`, `max-keys`…) is left out of it. The list the official
/// SDKs sign (oss2's `_subresource_key_set`, Go's `signKeyList`): the LiveChannel ones are
/// `live`, `status`, `comp`, `vod`, `startTime`, `endTime` and `security-token`.
pub const SUBRESOURCES: &[&str] = &[
    "acl",
    "append",
    "asyncFetch",
    "bucketInfo",
    "callback",
    "callback-var",
    "cname",
    "comp",
    "continuation-token",
    "cors",
    "delete",
    "encryption",
    "endTime",
    "group",
    "inventory",
    "inventoryId",
    "lifecycle",
    "link",
    "live",
    "location",
    "logging",
    "metaQuery",
    "objectInfo",
    "objectMeta",
    "partNumber",
    "policy",
    "position",
    "qos",
    "qosInfo",
    "referer",
    "replication",
    "replicationLocation",
    "replicationProgress",
    "requestPayment",
    "resourceGroup",
    "response-cache-control",
    "response-content-disposition",
    "response-content-encoding",
    "response-content-language",
    "response-content-type",
    "response-expires",
    "restore",
    "security-token",
    "sequential",
    "startTime",
    "stat",
    "status",
    "symlink",
    "tagging",
    "transferAcceleration",
    "uploadId",
    "uploads",
    "versionId",
    "versioning",
    "versions",
    "vod",
    "website",
    "worm",
    "wormExtend",
    "wormId",
    "x-oss-process",
    "x-oss-request-payer",
    "x-oss-traffic-limit",
];

/// `/bucket/key` (or `/bucket/` for a bucket-level request) with the key raw, not
/// percent-encoded, then `?` and the sub-resources sorted by key, each `key=value`, or the
/// bare key when the value is empty; values raw too.
pub fn canonicalized_resource(bucket: &str, key: Option<&str>, query: &[(&str, &str)]) -> String {
    let path = format!("/{bucket}/{}", key.unwrap_or(""));
    let mut picked: Vec<(&str, &str)> = query
        .iter()
        .copied()
        .filter(|(k, _)| SUBRESOURCES.contains(k))
        .collect();
    if picked.is_empty() {
        return path;
    }
    picked.sort_by_key(|&(k, _)| k);
    let items: Vec<String> = picked
        .into_iter()
        .map(|(k, v)| match v {
            "" => k.to_owned(),
            _ => format!("{k}={v}"),
        })
        .collect();
    format!("{path}?{}", items.join("&"))
}

/// The V1 string-to-sign of a request.
///
/// The date line is `x-oss-date` when the request has one, else `Date`: OSS lets
/// `x-oss-date` stand in for `Date`, and oss2 and the C SDK sign it so.
pub fn string_to_sign(req: &SignedRequest<'_>) -> String {
    let date = req
        .header("x-oss-date")
        .filter(|d| !d.is_empty())
        .or_else(|| req.header("date"))
        .unwrap_or("");
    string_to_sign_dated(req, date)
}

/// The V1 string-to-sign of a request with `date` on the date line: a presigned URL puts
/// its `Expires` there ([`super::presign`]), whatever date headers the request carries.
pub fn string_to_sign_dated(req: &SignedRequest<'_>, date: &str) -> String {
    let oss_headers: String = req
        .oss_headers()
        .into_iter()
        .map(|(name, value)| format!("{name}:{value}\n"))
        .collect();
    format!(
        "{}\n{}\n{}\n{date}\n{oss_headers}{}",
        req.method,
        req.header("content-md5").unwrap_or(""),
        req.header("content-type").unwrap_or(""),
        canonicalized_resource(req.bucket, req.key, req.query)
    )
}

/// The base64 HMAC-SHA1 of `string_to_sign` under `secret`.
pub fn signature(secret: &str, string_to_sign: &str) -> String {
    base64(&hmac_sha1(secret.as_bytes(), string_to_sign.as_bytes()))
}

/// The `Authorization` value a client with this key would send (for the fuzz harness,
/// which signs placeholders so that random requests get past the signature check).
pub fn authorization(access_key_id: &str, secret: &str, req: &SignedRequest<'_>) -> String {
    format!(
        "OSS {access_key_id}:{}",
        signature(secret, &string_to_sign(req))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    // The oss2 2.19.1 vectors of the wire notes (§3.1).
    const SECRET: &str = "TestAccessKeySecret0123456789abc";
    const DATE: &str = "Wed, 24 Aug 2016 11:11:28 GMT";

    fn sign(
        method: &str,
        key: Option<&str>,
        query: &[(&str, &str)],
        extra: &[(&str, &str)],
    ) -> (String, String) {
        let mut headers = vec![("Date", DATE)];
        headers.extend_from_slice(extra);
        let req = SignedRequest {
            method,
            bucket: "examplebucket",
            key,
            query,
            headers: &headers,
        };
        let sts = string_to_sign(&req);
        let sig = signature(SECRET, &sts);
        (sts, sig)
    }

    type Pairs = &'static [(&'static str, &'static str)];
    /// Method, key, query, extra headers, string-to-sign, signature.
    type Vector = (
        &'static str,
        Option<&'static str>,
        Pairs,
        Pairs,
        &'static str,
        &'static str,
    );

    #[test]
    fn reproduces_the_oss2_vectors() {
        let cases: [Vector; 6] = [
            (
                "PUT",
                Some("test-channel"),
                &[("live", "")],
                &[],
                "PUT\n\n\nWed, 24 Aug 2016 11:11:28 GMT\n/examplebucket/test-channel?live",
                "spJ2SkiB4ywo4hNMEWrhOa85pxQ=",
            ),
            (
                "PUT",
                Some("test-channel"),
                &[("live", ""), ("status", "disabled")],
                &[],
                "PUT\n\n\nWed, 24 Aug 2016 11:11:28 GMT\n/examplebucket/test-channel?live&status=disabled",
                "w1DGtBtLyzNq+XNPVEQO7VDjxzo=",
            ),
            (
                "GET",
                Some("test-channel"),
                &[("live", ""), ("comp", "stat")],
                &[],
                "GET\n\n\nWed, 24 Aug 2016 11:11:28 GMT\n/examplebucket/test-channel?comp=stat&live",
                "KqkmFJBeGBCmmwv46FAHT2cq/AI=",
            ),
            (
                "GET",
                None,
                &[
                    ("live", ""),
                    ("prefix", "test"),
                    ("marker", "test-a"),
                    ("max-keys", "10"),
                ],
                &[],
                "GET\n\n\nWed, 24 Aug 2016 11:11:28 GMT\n/examplebucket/?live",
                "+biKiFRWJDX+Q7t319r8BlJndnI=",
            ),
            (
                "POST",
                Some("test-channel/vod.m3u8"),
                &[
                    ("vod", ""),
                    ("startTime", "1472020031"),
                    ("endTime", "1472020226"),
                ],
                &[],
                "POST\n\n\nWed, 24 Aug 2016 11:11:28 GMT\n/examplebucket/test-channel/vod.m3u8?endTime=1472020226&startTime=1472020031&vod",
                "3iRn+JfalB5xPNu6XA7b/fTqtj4=",
            ),
            (
                "GET",
                Some("test-channel"),
                &[("live", ""), ("comp", "stat")],
                &[("x-oss-security-token", "STS.TestSecurityToken+/=")],
                "GET\n\n\nWed, 24 Aug 2016 11:11:28 GMT\nx-oss-security-token:STS.TestSecurityToken+/=\n/examplebucket/test-channel?comp=stat&live",
                "rtSZStSmbw6OdN4iytFnpAGhYjg=",
            ),
        ];
        for (method, key, query, extra, expected_sts, expected_sig) in cases {
            let (sts, sig) = sign(method, key, query, extra);
            assert_eq!(sts, expected_sts);
            assert_eq!(sig, expected_sig, "{expected_sts:?}");
        }
    }

    #[test]
    fn x_oss_date_takes_the_place_of_date_and_is_signed_as_a_header() {
        let (sts, _) = sign(
            "GET",
            Some("c"),
            &[("live", "")],
            &[
                ("X-OSS-Date", "Thu, 25 Aug 2016 00:00:00 GMT"),
                ("X-Oss-Meta-B", "2"),
                ("x-oss-meta-a", "1"),
            ],
        );
        assert_eq!(
            sts,
            "GET\n\n\nThu, 25 Aug 2016 00:00:00 GMT\nx-oss-date:Thu, 25 Aug 2016 00:00:00 GMT\n\
             x-oss-meta-a:1\nx-oss-meta-b:2\n/examplebucket/c?live"
        );
    }

    #[test]
    fn content_headers_are_signed_whatever_their_case() {
        let (sts, _) = sign(
            "PUT",
            Some("c"),
            &[("live", "")],
            &[
                ("content-md5", "1B2M2Y8AsgTpgAmY7PhCfg=="),
                ("CONTENT-TYPE", "application/xml"),
            ],
        );
        assert!(
            sts.starts_with("PUT\n1B2M2Y8AsgTpgAmY7PhCfg==\napplication/xml\nWed,"),
            "{sts}"
        );
    }

    #[test]
    fn authorization_header_form() {
        let headers = [("Date", DATE)];
        let req = SignedRequest {
            method: "PUT",
            bucket: "examplebucket",
            key: Some("test-channel"),
            query: &[("live", "")],
            headers: &headers,
        };
        assert_eq!(
            authorization("LTAI5tTestAccessKeyId", SECRET, &req),
            "OSS LTAI5tTestAccessKeyId:spJ2SkiB4ywo4hNMEWrhOa85pxQ="
        );
    }
}
