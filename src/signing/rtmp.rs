//! Signed RTMP push URLs: `rtmp://bucket.endpoint/live/channel?…&Expires=…&Signature=…`.
//!
//! Always HMAC-SHA1, whatever version signs the HTTP requests: OSS has no V4 form for
//! RTMP. The string-to-sign is the absolute expiry, the canonicalized parameters and
//! `/bucket/channel`.

use super::{base64, hmac_sha1};
use crate::encoding::percent_encode;

/// How a security token (STS credentials) enters a signed RTMP URL.
///
/// Both forms put `security-token=TOKEN` in the URL; they differ in whether the signature
/// covers it. The official SDKs disagree and no public server settles it, so both exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TokenForm {
    /// The token is signed as `security-token:TOKEN` among the parameters: what the
    /// Python and Java SDKs do. The default, since two official SDKs agree on it.
    #[default]
    Signed,
    /// The token is left out of the string-to-sign: what the Go SDK does, and what the
    /// RTMP signing document's wording ("excluding SecurityToken") suggests.
    Unsigned,
}

/// Query parameters that never enter the RTMP string-to-sign.
const NEVER_SIGNED: &[&str] = &["OSSAccessKeyId", "Signature", "Expires", "SecurityToken"];

/// The URL parameter carrying an STS token.
pub const SECURITY_TOKEN_PARAM: &str = "security-token";

/// The RTMP string-to-sign: `EXPIRES\n`, then each signed parameter as `key:value\n`
/// sorted by key, then `/bucket/channel`.
///
/// `params` are all the URL's parameters, decoded, in any order; the ones OSS does not
/// sign (and, with [`TokenForm::Unsigned`], the token) are skipped here, so a verifier can
/// pass a received URL's parameters as they are.
pub fn string_to_sign(
    expires: &str,
    params: &[(&str, &str)],
    bucket: &str,
    channel: &str,
    form: TokenForm,
) -> String {
    let mut signed: Vec<&(&str, &str)> = params
        .iter()
        .filter(|(k, _)| !NEVER_SIGNED.contains(k))
        .filter(|(k, _)| form == TokenForm::Signed || *k != SECURITY_TOKEN_PARAM)
        .collect();
    signed.sort_by(|a, b| a.0.cmp(b.0));
    let mut out = String::with_capacity(64 + bucket.len() + channel.len());
    out.push_str(expires);
    out.push('\n');
    for (k, v) in signed {
        out.push_str(k);
        out.push(':');
        out.push_str(v);
        out.push('\n');
    }
    out.push('/');
    out.push_str(bucket);
    out.push('/');
    out.push_str(channel);
    out
}

/// Base64 of HMAC-SHA1(secret, string_to_sign).
pub fn signature(access_key_secret: &str, string_to_sign: &str) -> String {
    base64(&hmac_sha1(
        access_key_secret.as_bytes(),
        string_to_sign.as_bytes(),
    ))
}

/// What a signed RTMP push URL is made of.
#[derive(Clone, Copy)]
pub struct RtmpUrlParams<'a> {
    /// The bucket the channel belongs to.
    pub bucket: &'a str,
    /// The channel name.
    pub channel: &'a str,
    /// The m3u8 name to generate; `None` (or empty) leaves the parameter out.
    pub playlist_name: Option<&'a str>,
    /// Absolute expiry, Unix seconds.
    pub expires: u64,
    /// The access key id that signs.
    pub access_key_id: &'a str,
    /// The STS security token, if the credentials are temporary.
    pub security_token: Option<&'a str>,
    /// Whether the signature covers the token.
    pub token_form: TokenForm,
}

// Hand-written so that a security token never reaches a log through `{:?}`.
impl std::fmt::Debug for RtmpUrlParams<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RtmpUrlParams")
            .field("bucket", &self.bucket)
            .field("channel", &self.channel)
            .field("playlist_name", &self.playlist_name)
            .field("expires", &self.expires)
            .field("access_key_id", &self.access_key_id)
            .field("security_token", &self.security_token.map(|_| "<redacted>"))
            .field("token_form", &self.token_form)
            .finish()
    }
}

impl RtmpUrlParams<'_> {
    /// The parameters that go into the URL before `OSSAccessKeyId`, `Expires` and `Signature`.
    fn leading_params(&self) -> Vec<(&str, &str)> {
        let mut params = Vec::with_capacity(2);
        if let Some(p) = self.playlist_name.filter(|p| !p.is_empty()) {
            params.push(("playlistName", p));
        }
        if let Some(t) = self.security_token {
            params.push((SECURITY_TOKEN_PARAM, t));
        }
        params
    }

    /// The string-to-sign for these parameters.
    pub fn string_to_sign(&self) -> String {
        string_to_sign(
            &self.expires.to_string(),
            &self.leading_params(),
            self.bucket,
            self.channel,
            self.token_form,
        )
    }

    /// The signed query string, in the Python SDK's order: `playlistName`,
    /// `security-token`, `OSSAccessKeyId`, `Expires`, `Signature`, every value
    /// percent-encoded.
    pub fn signed_query(&self, access_key_secret: &str) -> String {
        let signature = signature(access_key_secret, &self.string_to_sign());
        let expires = self.expires.to_string();
        let mut params = self.leading_params();
        params.push(("OSSAccessKeyId", self.access_key_id));
        params.push(("Expires", &expires));
        params.push(("Signature", &signature));
        let mut out = String::with_capacity(256);
        for (i, (k, v)) in params.iter().enumerate() {
            if i > 0 {
                out.push('&');
            }
            out.push_str(&percent_encode(k, false));
            out.push('=');
            out.push_str(&percent_encode(v, false));
        }
        out
    }
}
