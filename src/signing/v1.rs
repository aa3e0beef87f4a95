//! V1 header signatures: `Authorization: OSS AccessKeyId:Signature`, HMAC-SHA1 over a
//! string-to-sign of method, Content-MD5, Content-Type, date, `x-oss-*` headers and resource.

use super::{RequestToSign, base64, hmac_sha1, oss_headers_sorted};

/// Query keys that OSS counts as sub-resources and so signs in the V1 canonical resource.
///
/// The union the official SDKs agree on for the operations a LiveChannel client sends,
/// plus the object-level keys an emulator may see. `prefix`, `marker`, `max-keys` and
/// `playlistName` are deliberately absent: OSS does not sign them in V1.
pub const SUBRESOURCES: &[&str] = &[
    "acl",
    "append",
    "callback",
    "callback-var",
    "comp",
    "continuation-token",
    "cors",
    "delete",
    "endTime",
    "lifecycle",
    "live",
    "location",
    "logging",
    "objectInfo",
    "objectMeta",
    "partNumber",
    "position",
    "qos",
    "referer",
    "response-cache-control",
    "response-content-disposition",
    "response-content-encoding",
    "response-content-language",
    "response-content-type",
    "response-expires",
    "restore",
    "security-token",
    "startTime",
    "stat",
    "status",
    "symlink",
    "tagging",
    "uploadId",
    "uploads",
    "versionId",
    "versioning",
    "versions",
    "vod",
    "website",
    "x-oss-process",
];

/// `/bucket/key?sub=resources`: the resource line of the string-to-sign.
///
/// The key is raw (not percent-encoded); sub-resources are sorted by key and written
/// `k=v`, or a bare `k` when the value is empty.
pub fn canonicalized_resource(bucket: &str, key: Option<&str>, query: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(bucket.len() + key.map_or(0, str::len) + 32);
    out.push('/');
    out.push_str(bucket);
    out.push('/');
    if let Some(key) = key {
        out.push_str(key);
    }
    let mut subresources: Vec<&(&str, &str)> = query
        .iter()
        .filter(|(k, _)| SUBRESOURCES.contains(k))
        .collect();
    subresources.sort_by(|a, b| a.0.cmp(b.0));
    for (i, (k, v)) in subresources.iter().enumerate() {
        out.push(if i == 0 { '?' } else { '&' });
        out.push_str(k);
        if !v.is_empty() {
            out.push('=');
            out.push_str(v);
        }
    }
    out
}

/// The V1 string-to-sign of a request.
///
/// The date line is `x-oss-date` when present, else `Date`, as the Python and C SDKs do.
pub fn string_to_sign(req: &RequestToSign<'_>) -> String {
    let date = req
        .header("x-oss-date")
        .or_else(|| req.header("date"))
        .unwrap_or("");
    let mut out = String::with_capacity(256);
    out.push_str(req.method);
    out.push('\n');
    out.push_str(req.header("content-md5").unwrap_or(""));
    out.push('\n');
    out.push_str(req.header("content-type").unwrap_or(""));
    out.push('\n');
    out.push_str(date);
    out.push('\n');
    for (name, value) in oss_headers_sorted(req.headers) {
        out.push_str(&name);
        out.push(':');
        out.push_str(value);
        out.push('\n');
    }
    out.push_str(&canonicalized_resource(req.bucket, req.key, req.query));
    out
}

/// Base64 of HMAC-SHA1(secret, string_to_sign).
pub fn signature(access_key_secret: &str, string_to_sign: &str) -> String {
    base64(&hmac_sha1(
        access_key_secret.as_bytes(),
        string_to_sign.as_bytes(),
    ))
}

/// The whole `Authorization` header value, `OSS AccessKeyId:Signature`.
pub fn authorization(
    access_key_id: &str,
    access_key_secret: &str,
    req: &RequestToSign<'_>,
) -> String {
    format!(
        "OSS {access_key_id}:{}",
        signature(access_key_secret, &string_to_sign(req))
    )
}
