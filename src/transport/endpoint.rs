//! Where a bucket is: the endpoint as configured, and the one function that turns it and
//! the addressing style into the base of every URL (HTTP requests, RTMP push URLs).

use std::net::IpAddr;

use crate::encoding::percent_encode;
use crate::error::Error;
use crate::settings::Addressing;

/// A parsed endpoint: scheme and `host[:port]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Endpoint {
    pub(crate) https: bool,
    /// `host` or `host:port`, lower-cased, as it goes into URLs and `Host`.
    pub(crate) host: String,
}

impl Endpoint {
    /// Reads `host[:port]` with an optional `http://` or `https://` (the default).
    pub(crate) fn parse(text: &str) -> Result<Endpoint, Error> {
        // Quote at most the start of the text: an error message must stay readable.
        let shown: String = text.chars().take(64).collect();
        let more = if shown.len() < text.len() { "…" } else { "" };
        let bad = |why: &str| Error::config("endpoint", format!("endpoint {shown:?}{more}: {why}"));
        let trimmed = text.trim();
        let (https, rest) = if let Some(r) = trimmed.strip_prefix("https://") {
            (true, r)
        } else if let Some(r) = trimmed.strip_prefix("http://") {
            (false, r)
        } else if trimmed.contains("://") {
            return Err(bad("only http:// and https:// are supported"));
        } else {
            (true, trimmed)
        };
        let host = rest.strip_suffix('/').unwrap_or(rest);
        // A DNS name is at most 253 bytes; add room for brackets and a port.
        if host.len() > 253 + 8 {
            return Err(bad("the host is longer than a DNS name can be (253 bytes)"));
        }
        if host.is_empty() {
            return Err(bad("no host"));
        }
        if host.contains(['/', '?', '#', '@', ' ']) || host.bytes().any(|b| b.is_ascii_control()) {
            return Err(bad(
                "expected only a host and an optional port, like oss-cn-hangzhou.aliyuncs.com",
            ));
        }
        Ok(Endpoint {
            https,
            host: host.to_ascii_lowercase(),
        })
    }

    /// `https` or `http`.
    pub(crate) fn scheme(&self) -> &'static str {
        if self.https { "https" } else { "http" }
    }

    /// The host without its port.
    pub(crate) fn hostname(&self) -> &str {
        if let Some(v6) = self.host.strip_prefix('[') {
            return v6.split(']').next().unwrap_or(v6);
        }
        match self.host.rsplit_once(':') {
            Some((h, p)) if p.bytes().all(|b| b.is_ascii_digit()) => h,
            _ => &self.host,
        }
    }

    /// Whether the host is an IP address or `localhost`, which have no bucket
    /// subdomains: such endpoints default to path-style addressing.
    pub(crate) fn is_ip_or_localhost(&self) -> bool {
        let h = self.hostname();
        h.parse::<IpAddr>().is_ok() || h == "localhost"
    }

    /// The addressing style used when none is set: virtual-hosted, or path-style for an
    /// IP or `localhost` endpoint.
    pub(crate) fn default_addressing(&self) -> Addressing {
        if self.is_ip_or_localhost() {
            Addressing::PathStyle
        } else {
            Addressing::VirtualHosted
        }
    }

    /// `oss-REGION.aliyuncs.com` or `oss-REGION-internal.aliyuncs.com` → `REGION`.
    pub(crate) fn region(&self) -> Option<String> {
        let name = self.host.split(':').next()?.to_ascii_lowercase();
        let label = name.strip_suffix(".aliyuncs.com")?.strip_prefix("oss-")?;
        let region = label.strip_suffix("-internal").unwrap_or(label);
        (!region.is_empty()
            && !region.contains('.')
            && region != "accelerate"
            && region != "accelerate-overseas")
            .then(|| region.to_owned())
    }
}

/// Appends where `bucket` lives under `scheme`, without a trailing `/`:
/// `SCHEME://BUCKET.HOST` (virtual-hosted), `SCHEME://HOST/BUCKET` (path-style) or
/// `SCHEME://HOST` (CNAME). HTTP requests add `/KEY`, RTMP push URLs `/live`.
pub(crate) fn push_bucket_base(
    out: &mut String,
    scheme: &str,
    endpoint: &Endpoint,
    addressing: Addressing,
    bucket: &str,
) {
    out.push_str(scheme);
    out.push_str("://");
    match addressing {
        Addressing::VirtualHosted => {
            out.push_str(bucket);
            out.push('.');
            out.push_str(&endpoint.host);
        }
        Addressing::PathStyle => {
            out.push_str(&endpoint.host);
            out.push('/');
            out.push_str(bucket);
        }
        Addressing::Cname => out.push_str(&endpoint.host),
    }
}

/// The URL of a request: the bucket base, then `/KEY` (or `/`) with the key
/// percent-encoded and `/` encoded too (`%2F`), as the Python and Go SDKs send it, then
/// the query in wire order, a parameter with an empty value as a bare key.
pub(crate) fn request_url(
    endpoint: &Endpoint,
    addressing: Addressing,
    bucket: &str,
    key: Option<&str>,
    query: &[(&'static str, String)],
) -> String {
    let mut url = String::with_capacity(96);
    push_bucket_base(&mut url, endpoint.scheme(), endpoint, addressing, bucket);
    url.push('/');
    if let Some(key) = key {
        url.push_str(&percent_encode(key, false));
    }
    for (i, (k, v)) in query.iter().enumerate() {
        url.push(if i == 0 { '?' } else { '&' });
        url.push_str(k);
        if !v.is_empty() {
            url.push('=');
            url.push_str(&percent_encode(v, false));
        }
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoint(text: &str) -> Endpoint {
        Endpoint::parse(text).unwrap()
    }

    fn vod_query() -> Vec<(&'static str, String)> {
        vec![
            ("vod", String::new()),
            ("endTime", "1472020226".into()),
            ("startTime", "1472020031".into()),
        ]
    }

    #[test]
    fn post_vod_playlist_sends_the_slash_as_percent_2f_in_every_style() {
        let key = Some("test-channel/vod.m3u8");
        let hangzhou = endpoint("oss-cn-hangzhou.aliyuncs.com");
        assert_eq!(
            request_url(
                &hangzhou,
                hangzhou.default_addressing(),
                "examplebucket",
                key,
                &vod_query()
            ),
            "https://examplebucket.oss-cn-hangzhou.aliyuncs.com/test-channel%2Fvod.m3u8?vod&endTime=1472020226&startTime=1472020031"
        );
        let local = endpoint("http://127.0.0.1:9100");
        assert_eq!(
            request_url(
                &local,
                local.default_addressing(),
                "examplebucket",
                key,
                &vod_query()
            ),
            "http://127.0.0.1:9100/examplebucket/test-channel%2Fvod.m3u8?vod&endTime=1472020226&startTime=1472020031"
        );
        let cname = endpoint("http://live.example.com");
        assert_eq!(
            request_url(
                &cname,
                Addressing::Cname,
                "examplebucket",
                key,
                &vod_query()
            ),
            "http://live.example.com/test-channel%2Fvod.m3u8?vod&endTime=1472020226&startTime=1472020031"
        );
    }

    #[test]
    fn keys_and_query_values_are_percent_encoded_on_the_wire() {
        let local = endpoint("http://127.0.0.1:9100");
        let query = vec![("live", String::new()), ("prefix", "a b+c/é".to_owned())];
        assert_eq!(
            request_url(&local, Addressing::PathStyle, "b-1", None, &query),
            "http://127.0.0.1:9100/b-1/?live&prefix=a%20b%2Bc%2F%C3%A9"
        );
        assert_eq!(
            request_url(
                &local,
                Addressing::PathStyle,
                "b-1",
                Some("chan 1+é"),
                &[("live", String::new())]
            ),
            "http://127.0.0.1:9100/b-1/chan%201%2B%C3%A9?live"
        );
    }

    #[test]
    fn rtmp_bases_follow_the_addressing_style() {
        let base = |e: &Endpoint, addressing| {
            let mut out = String::new();
            push_bucket_base(&mut out, "rtmp", e, addressing, "b-1");
            out
        };
        let hangzhou = endpoint("oss-cn-hangzhou.aliyuncs.com");
        assert_eq!(
            base(&hangzhou, Addressing::VirtualHosted),
            "rtmp://b-1.oss-cn-hangzhou.aliyuncs.com"
        );
        let local = endpoint("http://127.0.0.1:9100");
        assert_eq!(
            base(&local, Addressing::PathStyle),
            "rtmp://127.0.0.1:9100/b-1"
        );
        assert_eq!(base(&local, Addressing::Cname), "rtmp://127.0.0.1:9100");
    }

    #[test]
    fn regions_come_from_oss_endpoints_only() {
        assert_eq!(
            endpoint("oss-cn-hangzhou.aliyuncs.com").region().as_deref(),
            Some("cn-hangzhou")
        );
        assert_eq!(
            endpoint("http://OSS-cn-beijing-internal.aliyuncs.com/")
                .region()
                .as_deref(),
            Some("cn-beijing")
        );
        assert_eq!(endpoint("oss-accelerate.aliyuncs.com").region(), None);
        assert_eq!(endpoint("http://127.0.0.1:9100").region(), None);
        assert_eq!(endpoint("http://[::1]:9100").hostname(), "::1");
    }
}
