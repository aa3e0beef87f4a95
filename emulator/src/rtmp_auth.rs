//! Checks signed RTMP push URLs as OSS does before it accepts a publisher.
//!
//! The RTMP listener gets the bucket, channel and query from the RTMP `connect` and
//! `publish` commands and calls [`check_push`]; [`check_push_url`] does the same from a
//! whole `rtmp://` URL, for tests and the admin endpoint.

use std::net::IpAddr;
use std::time::SystemTime;

use crate::auth::Authority;
use crate::dates::unix_seconds;
use crate::percent;
use crate::verify::constant_time_eq;
use crate::verify::rtmp::{self, SECURITY_TOKEN_PARAM};

pub use crate::verify::rtmp::TokenForm;

/// Why a push URL is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RtmpUrlProblem {
    /// The URL is not `rtmp://host/live/channel?…` (or the path-style form).
    Malformed(String),
    /// The URL carries no signature at all; only a public-read-write bucket takes that.
    Unsigned,
    /// One of `OSSAccessKeyId`, `Expires`, `Signature` is missing.
    MissingParameter(&'static str),
    /// `Expires` is not a whole number of seconds.
    BadExpires(String),
    /// `Expires` is in the past.
    Expired {
        /// The URL's expiry, Unix seconds.
        expires: u64,
        /// The server's clock, Unix seconds.
        now: u64,
    },
    /// `OSSAccessKeyId` is not a key the server knows.
    UnknownAccessKey(String),
    /// `security-token` is not a token the server accepts.
    InvalidSecurityToken,
    /// The signature is not the one the server computes (in either STS token form).
    SignatureMismatch {
        /// What the server signed, to compare with what the client signed.
        string_to_sign: String,
    },
}

impl std::fmt::Display for RtmpUrlProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RtmpUrlProblem::Malformed(why) => write!(f, "malformed push URL: {why}"),
            RtmpUrlProblem::Unsigned => {
                f.write_str("unsigned push URL: the bucket is not public-read-write")
            }
            RtmpUrlProblem::MissingParameter(p) => write!(f, "missing parameter {p}"),
            RtmpUrlProblem::BadExpires(v) => {
                write!(f, "Expires {v:?} is not a Unix time in seconds")
            }
            RtmpUrlProblem::Expired { expires, now } => {
                write!(
                    f,
                    "expired: Expires {expires} is before the server time {now}"
                )
            }
            RtmpUrlProblem::UnknownAccessKey(id) => write!(f, "unknown access key {id:?}"),
            RtmpUrlProblem::InvalidSecurityToken => f.write_str("invalid security token"),
            RtmpUrlProblem::SignatureMismatch { string_to_sign } => {
                write!(
                    f,
                    "signature mismatch: the server signed {string_to_sign:?}"
                )
            }
        }
    }
}

impl std::error::Error for RtmpUrlProblem {}

/// An accepted push: where it goes and how it was signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcceptedPush {
    /// The bucket.
    pub bucket: String,
    /// The channel.
    pub channel: String,
    /// The `playlistName` parameter, which overrides the channel's configured playlist.
    pub playlist_name: Option<String>,
    /// The access key that signed.
    pub access_key_id: String,
    /// Which STS form matched, when the URL carries a token.
    pub token_form: Option<TokenForm>,
}

/// Checks a push to `bucket`/`channel` whose query parameters (decoded) are `params`.
pub fn check_push(
    bucket: &str,
    channel: &str,
    params: &[(String, String)],
    authority: &Authority,
    now: SystemTime,
) -> Result<AcceptedPush, RtmpUrlProblem> {
    let get = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let playlist_name = get("playlistName").map(str::to_owned);
    let (id, expires_text, signature) =
        match (get("OSSAccessKeyId"), get("Expires"), get("Signature")) {
            (None, None, None) => return Err(RtmpUrlProblem::Unsigned),
            (Some(id), Some(e), Some(s)) => (id, e, s),
            (None, _, _) => return Err(RtmpUrlProblem::MissingParameter("OSSAccessKeyId")),
            (_, None, _) => return Err(RtmpUrlProblem::MissingParameter("Expires")),
            (_, _, None) => return Err(RtmpUrlProblem::MissingParameter("Signature")),
        };
    let expires: u64 = expires_text
        .parse()
        .map_err(|_| RtmpUrlProblem::BadExpires(expires_text.to_owned()))?;
    let now_secs = unix_seconds(now);
    if expires < now_secs {
        return Err(RtmpUrlProblem::Expired {
            expires,
            now: now_secs,
        });
    }
    let secret = authority
        .access_keys
        .iter()
        .find(|k| k.id == id)
        .map(|k| k.secret.as_str())
        .ok_or_else(|| RtmpUrlProblem::UnknownAccessKey(id.to_owned()))?;
    let token = get(SECURITY_TOKEN_PARAM);
    if let Some(token) = token {
        if !authority.security_tokens.iter().any(|t| t == token) {
            return Err(RtmpUrlProblem::InvalidSecurityToken);
        }
    }
    let refs: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    // OSS's own rule is not public; accept both forms the official SDKs produce.
    let forms: &[TokenForm] = if token.is_some() {
        &[TokenForm::Signed, TokenForm::Unsigned]
    } else {
        &[TokenForm::Signed]
    };
    let mut first_string_to_sign = None;
    for &form in forms {
        let string_to_sign = rtmp::string_to_sign(bucket, channel, expires_text, &refs, form);
        let expected = rtmp::signature(secret, &string_to_sign);
        if constant_time_eq(expected.as_bytes(), signature.as_bytes()) {
            return Ok(AcceptedPush {
                bucket: bucket.to_owned(),
                channel: channel.to_owned(),
                playlist_name,
                access_key_id: id.to_owned(),
                token_form: token.map(|_| form),
            });
        }
        first_string_to_sign.get_or_insert(string_to_sign);
    }
    Err(RtmpUrlProblem::SignatureMismatch {
        string_to_sign: first_string_to_sign.unwrap_or_default(),
    })
}

/// Splits a query string into decoded pairs. `+` stays a plus: RTMP clients send
/// base64 signatures raw or percent-encoded, never form-encoded.
pub fn parse_rtmp_query(query: &str) -> Result<Vec<(String, String)>, RtmpUrlProblem> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            match (percent::decode(k, false), percent::decode(v, false)) {
                (Some(k), Some(v)) => Ok((k, v)),
                _ => Err(RtmpUrlProblem::Malformed(format!(
                    "bad percent-encoding in {pair:?}"
                ))),
            }
        })
        .collect()
}

/// Whether a host addresses the server directly (path-style) rather than `bucket.endpoint`.
pub fn is_path_style_host(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.parse::<IpAddr>().is_ok() || bare.eq_ignore_ascii_case("localhost") || !bare.contains('.')
}

/// Splits `host[:port]` (or `[v6]:port`) into host and port text.
pub fn split_host_port(authority: &str) -> (&str, Option<&str>) {
    if let Some(rest) = authority.strip_prefix('[') {
        if let Some((host, after)) = rest.split_once(']') {
            return (host, after.strip_prefix(':'));
        }
    }
    match authority.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') => (h, Some(p)),
        _ => (authority, None),
    }
}

/// Checks a whole push URL: `rtmp://bucket.host/live/channel?…` or, for an IP host,
/// `rtmp://ip:port/bucket/live/channel?…`.
pub fn check_push_url(
    url: &str,
    authority: &Authority,
    now: SystemTime,
) -> Result<AcceptedPush, RtmpUrlProblem> {
    let rest = url
        .strip_prefix("rtmp://")
        .ok_or_else(|| RtmpUrlProblem::Malformed("not an rtmp:// URL".into()))?;
    let (location, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (host_port, path) = location.split_once('/').unwrap_or((location, ""));
    let (host, _) = split_host_port(host_port);
    let segments: Vec<&str> = path.split('/').collect();
    let (bucket, channel_raw) = if is_path_style_host(host) {
        match segments.as_slice() {
            [bucket, "live", channel] => (bucket.to_string(), *channel),
            _ => {
                return Err(RtmpUrlProblem::Malformed(
                    "expected /BUCKET/live/CHANNEL for an IP host".into(),
                ));
            }
        }
    } else {
        let bucket = host.split('.').next().unwrap_or_default().to_owned();
        match segments.as_slice() {
            ["live", channel] => (bucket, *channel),
            _ => return Err(RtmpUrlProblem::Malformed("expected /live/CHANNEL".into())),
        }
    };
    let channel = percent::decode(channel_raw, false)
        .filter(|c| !c.is_empty())
        .ok_or_else(|| RtmpUrlProblem::Malformed("bad channel name".into()))?;
    check_push(&bucket, &channel, &parse_rtmp_query(query)?, authority, now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::AccessKey;
    use std::time::{Duration, UNIX_EPOCH};

    fn from_unix_seconds(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    const AK: &str = "LTAI5tTestAccessKeyId";
    const SK: &str = "TestAccessKeySecret0123456789abc";

    fn authority() -> Authority {
        Authority {
            access_keys: vec![AccessKey {
                id: AK.into(),
                secret: SK.into(),
            }],
            security_tokens: vec!["STS.TestSecurityToken+/=".into()],
            region: "cn-hangzhou".into(),
        }
    }

    /// The query of a push URL for `examplebucket/test-channel`, playlist `test.m3u8`,
    /// signed in `form`, every value percent-encoded.
    fn signed_query(token: Option<&str>, form: TokenForm) -> String {
        let expires = "1472040688";
        let mut params = vec![("playlistName", "test.m3u8")];
        params.extend(token.map(|t| (SECURITY_TOKEN_PARAM, t)));
        let string_to_sign =
            rtmp::string_to_sign("examplebucket", "test-channel", expires, &params, form);
        let signature = rtmp::signature(SK, &string_to_sign);
        params.extend([
            ("OSSAccessKeyId", AK),
            ("Expires", expires),
            ("Signature", &signature),
        ]);
        let pairs: Vec<String> = params
            .iter()
            .map(|(k, v)| format!("{k}={}", percent::encode(v, false)))
            .collect();
        pairs.join("&")
    }

    const NOW: u64 = 1_472_037_088;

    #[test]
    fn accepts_the_oss2_vector_url() {
        let url = "rtmp://examplebucket.oss-cn-hangzhou.aliyuncs.com/live/test-channel?playlistName=test.m3u8&OSSAccessKeyId=LTAI5tTestAccessKeyId&Expires=1472040688&Signature=F7x1RGtih1jyG9OhZMCbAgr3Qck%3D";
        let ok = check_push_url(url, &authority(), from_unix_seconds(NOW)).unwrap();
        assert_eq!(
            (ok.bucket.as_str(), ok.channel.as_str()),
            ("examplebucket", "test-channel")
        );
        assert_eq!(ok.playlist_name.as_deref(), Some("test.m3u8"));
        // Raw (decoded) values, as OBS and librtmp send them, are accepted too.
        let raw = url.replace("%3D", "=");
        assert!(check_push_url(&raw, &authority(), from_unix_seconds(NOW)).is_ok());
    }

    #[test]
    fn accepts_path_style_and_both_sts_forms() {
        for form in [TokenForm::Signed, TokenForm::Unsigned] {
            let url = format!(
                "rtmp://127.0.0.1:1935/examplebucket/live/test-channel?{}",
                signed_query(Some("STS.TestSecurityToken+/="), form)
            );
            let ok = check_push_url(&url, &authority(), from_unix_seconds(NOW)).unwrap();
            assert_eq!(ok.token_form, Some(form));
        }
    }

    #[test]
    fn refuses_each_kind_of_bad_url_with_its_reason() {
        let now = from_unix_seconds(NOW);
        let good = format!(
            "rtmp://examplebucket.h.com/live/test-channel?{}",
            signed_query(None, TokenForm::Signed)
        );
        let expired =
            check_push_url(&good, &authority(), from_unix_seconds(1_472_040_689)).unwrap_err();
        assert!(matches!(expired, RtmpUrlProblem::Expired { .. }));
        assert!(expired.to_string().starts_with("expired"));
        let tampered = good.replace("Signature=", "Signature=A");
        assert!(matches!(
            check_push_url(&tampered, &authority(), now),
            Err(RtmpUrlProblem::SignatureMismatch { .. })
        ));
        let other_channel = good.replace("/live/test-channel", "/live/other");
        assert!(matches!(
            check_push_url(&other_channel, &authority(), now),
            Err(RtmpUrlProblem::SignatureMismatch { .. })
        ));
        let unknown = good.replace(AK, "LTAIunknown");
        assert_eq!(
            check_push_url(&unknown, &authority(), now),
            Err(RtmpUrlProblem::UnknownAccessKey("LTAIunknown".into()))
        );
        let bad_token = format!(
            "rtmp://examplebucket.h.com/live/test-channel?{}",
            signed_query(Some("STS.other"), TokenForm::Signed)
        );
        assert_eq!(
            check_push_url(&bad_token, &authority(), now),
            Err(RtmpUrlProblem::InvalidSecurityToken)
        );
        assert_eq!(
            check_push_url(
                "rtmp://examplebucket.h.com/live/test-channel",
                &authority(),
                now
            ),
            Err(RtmpUrlProblem::Unsigned)
        );
        let no_sig = good.split("&Signature").next().unwrap().to_owned();
        assert_eq!(
            check_push_url(&no_sig, &authority(), now),
            Err(RtmpUrlProblem::MissingParameter("Signature"))
        );
        assert!(matches!(
            check_push_url("http://x/live/c", &authority(), now),
            Err(RtmpUrlProblem::Malformed(_))
        ));
        assert!(matches!(
            check_push_url("rtmp://b.h.com/app/c", &authority(), now),
            Err(RtmpUrlProblem::Malformed(_))
        ));
    }
}
