//! Presigned URLs over HTTP. The URLs oss2 2.19.1 signs
//! (`data/oss2_presigned_urls.txt`) read the objects of a private bucket; with
//! `x-oss-process=hls/sign` a playlist comes back with every segment URI signed the same
//! way; and the same URLs unsigned, tampered with or expired are refused as OSS refuses
//! them. The emulator's clock reads the URLs' signing time, 2026-12-07T04:35:00Z.

mod support;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use osslive_emulator::acl::BucketAcl;
use osslive_emulator::model::Fragment;
use osslive_emulator::{Config, Emulator};
use support::*;

const URLS: &str = include_str!("data/oss2_presigned_urls.txt");
const TOKEN: &str = "STS.TestSecurityToken+/=";
/// The fragments' start times, Unix seconds: the last one starts 5 s before the clock.
const FRAGMENTS: [u64; 3] = [NOW_UNIX - 15, NOW_UNIX - 10, NOW_UNIX - 5];
/// The channels and playlists the oss2 URLs name: (channel, its path form, playlist).
const CHANNELS: [(&str, &str, &str); 2] = [
    ("test-channel", "test-channel", "playlist.m3u8"),
    (
        "with space+plus",
        "with%20space%2Bplus",
        "\u{9891}\u{9053}.m3u8",
    ),
];

/// Every oss2 URL: signer (`v1`, `v1-sts`, `v4`, `v4-sts`) and the request-target.
fn oss2_urls() -> Vec<(&'static str, &'static str)> {
    URLS.lines()
        .map(|line| {
            let (name, url) = line.split_once(' ').unwrap();
            (name, url.strip_prefix("http://127.0.0.1:9100").unwrap())
        })
        .collect()
}

fn segment_bytes(at: u64) -> Vec<u8> {
    format!("segment {at}").into_bytes()
}

/// An emulator (private buckets unless `config` says otherwise) holding both channels,
/// three fragments each and, as each channel's PLAYLIST, their VOD playlist.
fn stocked(config: Config) -> Emulator {
    let emulator = emulator_with(config.security_token(TOKEN));
    for (channel, path, playlist) in CHANNELS {
        let sts = format!("PUT\n\n\n{NOW_HTTP}\n/examplebucket/{channel}?live");
        let put = send(
            emulator.addr(),
            "PUT",
            &format!("/{path}?live"),
            &[
                ("Host", HOST),
                ("Date", NOW_HTTP),
                ("Authorization", &v1_authorization(&sts)),
            ],
            CONFIG_XML,
        );
        assert_eq!(put.status, 200, "{put:?}");
        let fragments = FRAGMENTS
            .iter()
            .map(|&at| {
                let fragment = Fragment {
                    start_time: UNIX_EPOCH + Duration::from_secs(at),
                    duration: 5.0,
                    name: format!("{at}000.ts"),
                };
                (fragment, segment_bytes(at))
            })
            .collect();
        emulator
            .add_fragments("examplebucket", channel, fragments)
            .unwrap();
        let (start, end) = (FRAGMENTS[0], FRAGMENTS[2]);
        let sts = format!(
            "POST\n\n\n{NOW_HTTP}\n/examplebucket/{channel}/{playlist}?endTime={end}&startTime={start}&vod"
        );
        let posted = send(
            emulator.addr(),
            "POST",
            &format!(
                "/{path}%2F{}?vod&startTime={start}&endTime={end}",
                presign::escape(playlist)
            ),
            &[
                ("Host", HOST),
                ("Date", NOW_HTTP),
                ("Authorization", &v1_authorization(&sts)),
            ],
            "",
        );
        assert_eq!(posted.status, 200, "{posted:?}");
    }
    emulator
}

/// Sets the emulator's clock to `unix` seconds (or just after).
fn set_clock(emulator: &Emulator, unix: u64) {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    emulator.set_clock_offset(unix as i64 - now as i64);
}

fn get(emulator: &Emulator, host: &str, target: &str) -> Answer {
    send(emulator.addr(), "GET", target, &[("Host", host)], "")
}

fn header<'a>(answer: &'a Answer, name: &str) -> Option<&'a str> {
    answer.head.split("\r\n").find_map(|line| {
        let (n, v) = line.split_once(':')?;
        n.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

/// The URI lines of a playlist.
fn uris(m3u8: &str) -> Vec<&str> {
    m3u8.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

#[test]
fn oss2_urls_read_a_private_bucket_and_hls_sign_signs_every_segment() {
    let emulator = stocked(Config::new(AK, SK));
    let host = emulator.addr().to_string();
    for (name, target) in oss2_urls() {
        let answer = get(&emulator, &host, target);
        assert_eq!(answer.status, 200, "{name} {target}: {answer:?}");
        assert_eq!(header(&answer, "access-control-allow-origin"), Some("*"));
        // The method is signed: a URL signed for GET does not HEAD.
        let head = send(emulator.addr(), "HEAD", target, &[("Host", &host)], "");
        assert_eq!((head.status, head.body.as_str()), (403, ""), "{name} HEAD");
        if target.contains(".ts?") {
            assert_eq!(answer.body.as_bytes(), segment_bytes(NOW_UNIX - 5));
            continue;
        }
        // A playlist with hls/sign: three segment URIs on this host, signed alike.
        // oss2 escapes the `/` of a key unless told not to; the URIs keep it.
        let path = target.split_once('?').unwrap().0;
        let channel_path = &path[..path
            .rfind("%2F")
            .unwrap_or_else(|| path.rfind('/').unwrap())];
        let uris = uris(&answer.body);
        assert_eq!(uris.len(), 3, "{name}: {}", answer.body);
        assert!(answer.body.contains("#EXT-X-ENDLIST"));
        for (uri, at) in uris.iter().zip(FRAGMENTS) {
            assert!(
                uri.starts_with(&format!("{channel_path}/{at}000.ts?")),
                "{name}: {uri} under {channel_path}"
            );
            let (v1_marker, v4_marker) = (
                "Expires=1796618160&",
                "x-oss-date=20261207T043500Z&x-oss-expires=60&",
            );
            assert!(
                uri.contains(if name.starts_with("v1") {
                    v1_marker
                } else {
                    v4_marker
                }),
                "{name}: {uri}"
            );
            assert_eq!(
                uri.contains("security-token=STS.TestSecurityToken%2B%2F%3D"),
                name.ends_with("-sts"),
                "{name}: {uri}"
            );
            assert!(!uri.contains("x-oss-process"), "{uri}");
            let segment = get(&emulator, &host, uri);
            assert_eq!(segment.status, 200, "{name} {uri}: {segment:?}");
            assert_eq!(header(&segment, "content-type"), Some("video/MP2T"));
            assert_eq!(segment.body.as_bytes(), segment_bytes(at));
        }
    }
}

#[test]
fn the_same_urls_unsigned_tampered_or_expired_are_refused() {
    let emulator = stocked(Config::new(AK, SK));
    let host = emulator.addr().to_string();
    let mut rewritten = Vec::new();
    for (name, target) in oss2_urls() {
        let (path, query) = target.split_once('?').unwrap();
        for unsigned in [path.to_string(), format!("{path}?x-oss-process=hls%2Fsign")] {
            let answer = get(&emulator, &host, &unsigned);
            assert_eq!(
                answer.error(),
                (403, "AccessDenied".into(), "0003-00000001".into()),
                "{unsigned}"
            );
            assert_eq!(
                answer.element("Message").as_deref(),
                Some("You have no right to access this object because of bucket acl.")
            );
        }
        let tampered = if name.starts_with("v1") {
            target.replace("&Signature=", "&Signature=AAAA")
        } else {
            target.replace("&x-oss-signature=", "&x-oss-signature=0")
        };
        let answer = get(&emulator, &host, &tampered);
        assert_eq!(
            answer.error().1,
            "SignatureDoesNotMatch",
            "{name}: {answer:?}"
        );
        assert!(answer.element("StringToSign").is_some());
        // Another object with this object's signature.
        let other = format!("{}x{}", &path[..path.len() - 3], &target[path.len() - 3..]);
        assert_eq!(
            get(&emulator, &host, &other).error().1,
            "SignatureDoesNotMatch"
        );
        assert!(query.contains("Signature=") || query.contains("x-oss-signature="));
        if target.contains("hls%2Fsign") {
            let body = get(&emulator, &host, target).body;
            rewritten.extend(uris(&body).iter().map(|u| (name, u.to_string())));
        }
    }
    // A playlist signed in the Authorization header cannot be rewritten: its segments
    // could not be signed the same way.
    let sts = format!(
        "GET\n\n\n{NOW_HTTP}\n/examplebucket/test-channel/playlist.m3u8?x-oss-process=hls/sign"
    );
    let answer = send(
        emulator.addr(),
        "GET",
        "/examplebucket/test-channel/playlist.m3u8?x-oss-process=hls%2Fsign",
        &[
            ("Host", &host),
            ("Date", NOW_HTTP),
            ("Authorization", &v1_authorization(&sts)),
        ],
        "",
    );
    assert_eq!(
        answer.error(),
        (403, "AccessDenied".into(), "0002-00000038".into())
    );

    // One second after the expiry the URLs and every segment URI they signed are refused.
    set_clock(&emulator, NOW_UNIX + 61);
    for (name, target) in oss2_urls()
        .into_iter()
        .map(|(n, t)| (n, t.to_string()))
        .chain(rewritten)
    {
        let answer = get(&emulator, &host, &target);
        let ec = if name.starts_with("v1") {
            "0002-00000069"
        } else {
            "0002-00000236"
        };
        assert_eq!(
            answer.error(),
            (403, "AccessDenied".into(), ec.into()),
            "{name} {target}"
        );
        assert_eq!(
            answer.element("Message").as_deref(),
            Some("Request has expired.")
        );
        assert_eq!(
            answer.element("Expires").as_deref(),
            Some("2026-12-07T04:36:00.000Z")
        );
        assert!(answer.element("ServerTime").is_some());
    }
}

#[test]
fn v4_urls_are_valid_for_at_most_seven_days() {
    let emulator = stocked(Config::new(AK, SK));
    let host = emulator.addr().to_string();
    let key = "test-channel/playlist.m3u8";
    let week = presign::v4_query("examplebucket", key, NOW_V4, 604_800, None, false);
    let answer = get(&emulator, &host, &format!("/examplebucket/{key}?{week}"));
    assert_eq!(answer.status, 200, "{answer:?}");
    let longer = presign::v4_query("examplebucket", key, NOW_V4, 604_801, None, false);
    let answer = get(&emulator, &host, &format!("/examplebucket/{key}?{longer}"));
    assert_eq!(
        answer.error(),
        (403, "AccessDenied".into(), "0002-00000232".into())
    );
}

#[test]
fn virtual_hosted_playlists_point_at_the_host_they_were_read_from() {
    let emulator = stocked(Config::new(AK, SK));
    for (name, target) in oss2_urls() {
        if !target.starts_with("/examplebucket/test-channel/playlist.m3u8?") {
            continue;
        }
        let vhost_target = target.strip_prefix("/examplebucket").unwrap();
        let answer = get(&emulator, HOST, vhost_target);
        assert_eq!(answer.status, 200, "{name}: {answer:?}");
        for uri in uris(&answer.body) {
            assert!(uri.starts_with("/test-channel/"), "{name}: {uri}");
            assert_eq!(get(&emulator, HOST, uri).status, 200, "{name}: {uri}");
        }
    }
}

#[test]
fn public_read_buckets_serve_anonymous_reads_only() {
    let emulator = stocked(
        Config::new(AK, SK)
            .bucket_acl("*", BucketAcl::PublicRead)
            .bucket_acl("privatebucket", BucketAcl::Private),
    );
    let host = emulator.addr().to_string();
    let playlist = get(
        &emulator,
        &host,
        "/examplebucket/test-channel/playlist.m3u8",
    );
    assert_eq!(playlist.status, 200, "{playlist:?}");
    for uri in uris(&playlist.body) {
        let segment = get(
            &emulator,
            &host,
            &format!("/examplebucket/test-channel/{uri}"),
        );
        assert_eq!(segment.status, 200, "{uri}");
    }
    // hls/sign still needs a presigned URL; a signature present is still checked.
    let answer = get(
        &emulator,
        &host,
        "/examplebucket/test-channel/playlist.m3u8?x-oss-process=hls%2Fsign",
    );
    assert_eq!(
        answer.error(),
        (403, "AccessDenied".into(), "0002-00000038".into())
    );
    let (_, target) = oss2_urls()[0];
    let tampered = target.replace("&Signature=", "&Signature=AAAA");
    assert_eq!(
        get(&emulator, &host, &tampered).error().1,
        "SignatureDoesNotMatch"
    );
    // LiveChannel operations always need a signature.
    let answer = get(&emulator, &host, "/examplebucket/test-channel?live");
    assert_eq!(answer.error().1, "AccessDenied");
    // A bucket of its own stays private.
    let answer = get(
        &emulator,
        &host,
        "/privatebucket/test-channel/playlist.m3u8",
    );
    assert_eq!(
        answer.error(),
        (403, "AccessDenied".into(), "0003-00000001".into())
    );
}
