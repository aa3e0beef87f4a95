use std::time::{Duration, UNIX_EPOCH};

use super::*;
use crate::auth::{AccessKey, Authority};
use crate::url_auth;
use crate::verify::SignedRequest;
use crate::verify::presign::{self, Signer, UrlSigning};

const AK: &str = "LTAI5tTestAccessKeyId";
const SK: &str = "TestAccessKeySecret0123456789abc";
const TOKEN: &str = "STS.TestSecurityToken+/=";
const NOW: u64 = 1_796_618_100;
const KEY: &str = "test-channel/playlist.m3u8";

const LIVE: &str = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-MEDIA-SEQUENCE:4\n#EXT-X-TARGETDURATION:5\n\
#EXTINF:5.000,\n1796618085000.ts\n#EXTINF:5.000,\n1796618090000.ts\n#EXTINF:4.960,\n1796618095000.ts\n";

fn authority() -> Authority {
    Authority {
        access_keys: vec![AccessKey {
            id: AK.into(),
            secret: SK.into(),
        }],
        security_tokens: vec![TOKEN.into()],
        region: "cn-hangzhou".into(),
    }
}

fn decode(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (
                percent::decode(k, true).unwrap(),
                percent::decode(v, true).unwrap(),
            )
        })
        .collect()
}

/// Verifies a GET of `key` with `query` (decoded pairs) at `now`.
fn check(key: &str, query: &[(String, String)], now: u64) -> Result<Option<Presigned>, OssError> {
    let refs: Vec<(&str, &str)> = query
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let req = SignedRequest {
        method: "GET",
        bucket: "examplebucket",
        key: Some(key),
        query: &refs,
        headers: &[],
    };
    url_auth::check(&authority(), &req, UNIX_EPOCH + Duration::from_secs(now))
}

/// What a valid presigned `GET …?x-oss-process=hls/sign` of the playlist verifies to.
fn presigned(version: u8, token: Option<&str>) -> Presigned {
    let signing = match version {
        1 => UrlSigning::V1 { expires: NOW + 60 },
        _ => UrlSigning::V4 {
            date: "20261207T043500Z",
            day: "20261207",
            region: "cn-hangzhou",
            expires: 60,
            additional_headers: &[],
        },
    };
    let signer = Signer {
        access_key_id: AK,
        secret: SK,
        security_token: token,
    };
    let query = presign::sign_url_query(
        &signer,
        &signing,
        "examplebucket",
        KEY,
        &[("x-oss-process", PROCESS)],
    );
    check(KEY, &query, NOW).unwrap().unwrap()
}

/// The URI lines of a playlist, split into path and decoded query.
fn uris(playlist: &str) -> Vec<(String, Vec<(String, String)>)> {
    playlist
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (path, query) = l.split_once('?').unwrap_or((l, ""));
            (path.to_owned(), decode(query))
        })
        .collect()
}

#[test]
fn every_segment_is_signed_the_same_way_and_plays_until_the_same_expiry() {
    for version in [1, 4] {
        for token in [None, Some(TOKEN)] {
            let signer = presigned(version, token);
            let out = rewrite(LIVE, "examplebucket", KEY, "/examplebucket/", &signer);
            // Tags are kept, in place.
            let tags: Vec<&str> = out.lines().filter(|l| l.starts_with('#')).collect();
            let want: Vec<&str> = LIVE.lines().filter(|l| l.starts_with('#')).collect();
            assert_eq!(tags, want);
            assert!(out.ends_with('\n'));
            let uris = uris(&out);
            assert_eq!(uris.len(), 3, "{out}");
            for (name, (path, query)) in
                ["1796618085000.ts", "1796618090000.ts", "1796618095000.ts"]
                    .iter()
                    .zip(&uris)
            {
                assert_eq!(path, &format!("/examplebucket/test-channel/{name}"));
                let key = format!("test-channel/{name}");
                let again = check(&key, query, NOW + 60).unwrap().unwrap();
                assert_eq!(again.version(), version);
                assert!(
                    check(&key, query, NOW + 61).is_err(),
                    "{version}: same expiry"
                );
                assert!(!query.iter().any(|(k, _)| k == "x-oss-process"));
                let carried = query
                    .iter()
                    .any(|(k, v)| k.ends_with("security-token") && v == TOKEN);
                assert_eq!(carried, token.is_some());
            }
        }
    }
}

#[test]
fn virtual_hosted_paths_and_odd_names_are_encoded() {
    let signer = presigned(4, None);
    let key = "odd chan+\u{e9}/vod.m3u8";
    let out = rewrite(
        "#EXTM3U\r\n#EXTINF:5.000,\r\n1.ts\r\n#EXT-X-ENDLIST\r\n",
        "examplebucket",
        key,
        "/",
        &signer,
    );
    let line = out.split('\n').nth(2).unwrap();
    assert!(line.starts_with("/odd%20chan%2B%C3%A9/1.ts?"), "{line}");
    assert!(line.ends_with('\r'), "CRLF kept: {out:?}");
    let (_, query) = line.trim_end().split_once('?').unwrap();
    assert!(check("odd chan+\u{e9}/1.ts", &decode(query), NOW).is_ok());
}

#[test]
fn nested_playlists_are_signed_for_hls_sign_too() {
    let signer = presigned(1, None);
    let out = rewrite(
        "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nlow/index.m3u8\n",
        "examplebucket",
        "master.m3u8",
        "/examplebucket/",
        &signer,
    );
    let (path, query) = &uris(&out)[0];
    assert_eq!(path, "/examplebucket/low/index.m3u8");
    assert!(query.contains(&("x-oss-process".to_string(), PROCESS.to_string())));
    assert!(check("low/index.m3u8", query, NOW).is_ok());
}

#[test]
fn uris_that_are_not_plain_names_are_left_alone() {
    let signer = presigned(1, None);
    let kept = "#EXTM3U\nhttp://cdn.example/a.ts\n/examplebucket/b.ts\n../c.ts\n./d.ts\nd.ts?x=1\ne.ts#t\nf:g.ts\n\n";
    assert_eq!(
        rewrite(kept, "examplebucket", KEY, "/examplebucket/", &signer),
        kept
    );
}

#[test]
fn process_needs_hls_sign_a_presigned_url_and_a_playlist() {
    let signer = Caller::Presigned(presigned(1, None));
    let run = |process_name: &str, caller: &Caller, content_type: &str| {
        process(
            process_name,
            caller,
            "examplebucket",
            KEY,
            content_type,
            LIVE.as_bytes().to_vec(),
            "/examplebucket/",
        )
    };
    let body = run(PROCESS, &signer, PLAYLIST_CONTENT_TYPE).unwrap();
    assert_eq!(uris(&String::from_utf8(body).unwrap()).len(), 3);
    let e = run("image/resize,w_100", &signer, PLAYLIST_CONTENT_TYPE).unwrap_err();
    assert_eq!((e.status, e.code), (400, "InvalidArgument"));
    for caller in [Caller::Signed, Caller::Anonymous] {
        let e = run(PROCESS, &caller, PLAYLIST_CONTENT_TYPE).unwrap_err();
        assert_eq!(
            (e.status, e.code, e.ec),
            (403, "AccessDenied", "0002-00000038")
        );
    }
    let e = run(PROCESS, &signer, "video/MP2T").unwrap_err();
    assert_eq!((e.status, e.code), (400, "InvalidArgument"));
}
