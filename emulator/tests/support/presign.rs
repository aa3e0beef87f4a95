//! Presigned URLs in a few lines, straight from OSS's "Include a V1 signature in a URL" and
//! "Include a V4 signature in a URL" pages: the string-to-sign and the canonical request are
//! written out here for a GET, independent of the emulator's verifier and of the osslive
//! client's signer. Keys are given raw; [`escape`] percent-encodes them.

use super::{AK, REGION, SK, hmac_sha1_base64, v4_signature_for, v4_string_to_sign_at};

/// RFC 3986 escaping: only `A-Z a-z 0-9 - _ . ~` stay as they are (`/` too in a path).
fn escape_with(text: &str, keep_slash: bool) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            b'/' if keep_slash => "/".to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A query value, escaped.
pub fn escape(text: &str) -> String {
    escape_with(text, false)
}

/// A key as a path, escaped with its `/` kept.
pub fn escape_path(key: &str) -> String {
    escape_with(key, true)
}

/// The query of a V1 presigned GET of `bucket`/`key`, valid until `expires` (Unix
/// seconds): the string-to-sign is `GET\n\n\n{expires}\n/bucket/key` followed by the
/// sub-resources `security-token` and `x-oss-process`, in that (sorted) order.
pub fn v1_query(bucket: &str, key: &str, expires: u64, token: Option<&str>, hls: bool) -> String {
    v1_query_for("GET", bucket, key, expires, token, hls)
}

/// [`v1_query`] for another method (`HEAD`), which starts the string-to-sign instead.
pub fn v1_query_for(
    method: &str,
    bucket: &str,
    key: &str,
    expires: u64,
    token: Option<&str>,
    hls: bool,
) -> String {
    let mut sub = Vec::new();
    if let Some(token) = token {
        sub.push(format!("security-token={token}"));
    }
    if hls {
        sub.push("x-oss-process=hls/sign".to_string());
    }
    let resource = match sub.is_empty() {
        true => format!("/{bucket}/{key}"),
        false => format!("/{bucket}/{key}?{}", sub.join("&")),
    };
    let signature = hmac_sha1_base64(SK, &format!("{method}\n\n\n{expires}\n{resource}"));
    let mut query = format!(
        "OSSAccessKeyId={AK}&Expires={expires}&Signature={}",
        escape(&signature)
    );
    if let Some(token) = token {
        query.push_str(&format!("&security-token={}", escape(token)));
    }
    if hls {
        query.push_str("&x-oss-process=hls%2Fsign");
    }
    query
}

/// The query of a V4 presigned GET of `bucket`/`key` signed at `date`
/// (`YYYYMMDDTHHMMSSZ`) for `expires` seconds: the canonical request is
/// `GET\n/bucket/key\n{query}\n\n\nUNSIGNED-PAYLOAD` (no signed header), its query every
/// parameter but `x-oss-signature`, escaped, in sorted order.
pub fn v4_query(
    bucket: &str,
    key: &str,
    date: &str,
    expires: u64,
    token: Option<&str>,
    hls: bool,
) -> String {
    let day = &date[..8];
    let credential = format!("{AK}/{day}/{REGION}/oss/aliyun_v4_request");
    let mut params = vec![
        ("x-oss-credential", escape(&credential)),
        ("x-oss-date", date.to_string()),
        ("x-oss-expires", expires.to_string()),
    ];
    if hls {
        params.push(("x-oss-process", escape("hls/sign")));
    }
    if let Some(token) = token {
        params.push(("x-oss-security-token", escape(token)));
    }
    params.push(("x-oss-signature-version", "OSS4-HMAC-SHA256".to_string()));
    let query: Vec<String> = params.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let query = query.join("&");
    let canonical = format!(
        "GET\n/{bucket}/{}\n{query}\n\n\nUNSIGNED-PAYLOAD",
        escape_path(key)
    );
    let string_to_sign = v4_string_to_sign_at(date, day, &canonical);
    let signature = v4_signature_for(SK, day, REGION, &string_to_sign);
    format!("{query}&x-oss-signature={signature}")
}
