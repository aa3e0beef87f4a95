//! Where an RTMP push goes: the bucket, channel and query OSS works out from the
//! `connect` app and tcUrl and the `publish` stream name. A module of its own because the
//! session uses it while `rtmp/mod.rs` starts the session: kept in either, the two would
//! use each other.

use crate::percent;

use crate::rtmp_auth::{self, RtmpUrlProblem};

/// Where a push goes, as worked out from `connect` and `publish`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushTarget {
    /// The bucket.
    pub bucket: String,
    /// The channel, percent-decoded.
    pub channel: String,
    /// The query of the stream name, decoded into pairs.
    pub params: Vec<(String, String)>,
}

/// Whether `app` (from `connect`, trailing `/` removed) is one OSS takes: `live` (virtual
/// hosted) or `BUCKET/live` (path-style).
pub fn app_is_valid(app: &str) -> bool {
    let app = app.trim_end_matches('/');
    match app.split_once('/') {
        None => app == "live",
        Some((bucket, rest)) => !bucket.is_empty() && rest == "live",
    }
}

/// Works out bucket, channel and query from the `connect` app and tcUrl and the `publish`
/// stream name (`channel?query`), as OSS does: path-style app `BUCKET/live`, or app `live`
/// with the bucket as the first label of the tcUrl host (which must then not be an IP or
/// `localhost`).
pub fn push_target(
    app: &str,
    tc_url: Option<&str>,
    stream_name: &str,
) -> Result<PushTarget, RtmpUrlProblem> {
    let app = app.trim_end_matches('/');
    let bucket = match app.split_once('/') {
        Some((bucket, "live")) if !bucket.is_empty() && !bucket.contains('/') => bucket.to_owned(),
        None if app == "live" => {
            let tc_url = tc_url.ok_or_else(|| {
                RtmpUrlProblem::Malformed("app live needs a tcUrl naming the bucket".into())
            })?;
            let rest = tc_url
                .get(..7)
                .filter(|s| s.eq_ignore_ascii_case("rtmp://"))
                .map(|_| &tc_url[7..])
                .ok_or_else(|| RtmpUrlProblem::Malformed(format!("tcUrl {tc_url:?}")))?;
            let authority = rest.split(['/', '?']).next().unwrap_or_default();
            let (host, _) = rtmp_auth::split_host_port(authority);
            if rtmp_auth::is_path_style_host(host) {
                return Err(RtmpUrlProblem::Malformed(format!(
                    "expected /BUCKET/live/CHANNEL for the host {host:?}"
                )));
            }
            host.split('.').next().unwrap_or_default().to_owned()
        }
        _ => {
            return Err(RtmpUrlProblem::Malformed(format!(
                "app {app:?}: expected live or BUCKET/live"
            )));
        }
    };
    let (name, query) = stream_name.split_once('?').unwrap_or((stream_name, ""));
    let channel = percent::decode(name, false)
        .filter(|c| !c.is_empty() && !c.contains('/'))
        .ok_or_else(|| RtmpUrlProblem::Malformed(format!("bad channel name {name:?}")))?;
    Ok(PushTarget {
        bucket,
        channel,
        params: rtmp_auth::parse_rtmp_query(query)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_style_app_names_the_bucket() {
        let t = push_target(
            "examplebucket/live",
            Some("rtmp://127.0.0.1:9100/examplebucket/live"),
            "test%2Dchannel?Signature=a%2Bb&raw=a+b",
        )
        .unwrap();
        assert_eq!(t.bucket, "examplebucket");
        assert_eq!(t.channel, "test-channel");
        assert_eq!(
            t.params,
            vec![
                ("Signature".to_owned(), "a+b".to_owned()),
                ("raw".to_owned(), "a+b".to_owned())
            ]
        );
    }

    #[test]
    fn virtual_hosted_app_takes_the_bucket_from_tc_url() {
        let t = push_target(
            "live",
            Some("rtmp://examplebucket.oss-cn-hangzhou.aliyuncs.com/live"),
            "ch",
        )
        .unwrap();
        assert_eq!(
            (t.bucket.as_str(), t.channel.as_str()),
            ("examplebucket", "ch")
        );
        let t = push_target("live/", Some("RTMP://b.localhost:1935/live"), "ch?x=1").unwrap();
        assert_eq!(t.bucket, "b");
        for tc in [
            Some("rtmp://127.0.0.1:1935/live"),
            Some("rtmp://localhost/live"),
            None,
            Some("http://b.example.com/live"),
        ] {
            assert!(push_target("live", tc, "ch").is_err(), "{tc:?}");
        }
    }

    #[test]
    fn other_apps_and_names_are_refused() {
        assert!(push_target("a/b", None, "ch").is_err());
        assert!(push_target("a/b/live", None, "ch").is_err());
        assert!(push_target("/live", None, "ch").is_err());
        assert!(push_target("b/live", None, "").is_err());
        assert!(push_target("b/live", None, "a%2Fb").is_err());
        assert!(push_target("b/live", None, "ch?x=%zz").is_err());
        assert!(app_is_valid("live") && app_is_valid("b/live") && app_is_valid("b/live/"));
        assert!(!app_is_valid("b/c") && !app_is_valid("/live") && !app_is_valid("x"));
    }
}
