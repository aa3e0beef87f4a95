//! `sign_play_url`: the URL of a channel's playlist with `x-oss-process=hls/sign`, in the
//! emulator's path style, signed with V4 or, under `OSSLIVE_SIGNATURE_VERSION=1`, V1, the
//! STS token in it, its query exactly what the signing functions give for its own date and
//! expiry; and the URLs it prints read the emulator's private bucket, a VOD playlist coming
//! back with every segment signed. (tests/encoder_e2e.rs plays them with ffprobe.)

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, UNIX_EPOCH};

use osslive::encoding::percent_decode;
use osslive::signing::presign;
use osslive_emulator::Emulator;
use osslive_emulator::model::Fragment;

use crate::build::*;
use crate::env::*;
use crate::run::*;

/// The decoded query parameters of a URL, in order.
fn params(url: &str) -> Vec<(String, String)> {
    let (_, query) = url.split_once('?').expect("a query");
    query
        .split('&')
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (
                percent_decode(k, false).unwrap(),
                percent_decode(v, false).unwrap(),
            )
        })
        .collect()
}

fn param<'a>(all: &'a [(String, String)], name: &str) -> &'a str {
    all.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no {name} in {all:?}"))
}

/// The URL, the last line, and the expiry the line before it gives.
fn printed(run: &Run) -> (&str, i64) {
    let url = run.stdout.lines().last().expect("a URL line");
    let expires = Run::value(&run.stdout, "expires")
        .and_then(|v| v.rsplit_once('(')?.1.strip_suffix(')')?.parse().ok())
        .unwrap_or_else(|| panic!("no expires line:\n{}", run.stdout));
    (url, expires)
}

/// Checks a V4 play URL of `key` valid for `seconds`; returns its expiry.
fn check_v4(url: &str, location: &str, key: &str, seconds: u64) -> i64 {
    let (at, query) = url.split_once('?').unwrap();
    assert_eq!(at, location, "{url}");
    assert!(
        query.starts_with("x-oss-process=hls%2Fsign&x-oss-security-token="),
        "{url}"
    );
    let all = params(url);
    let date = param(&all, "x-oss-date");
    assert_eq!(param(&all, "x-oss-expires"), seconds.to_string());
    assert_eq!(param(&all, "x-oss-signature-version"), "OSS4-HMAC-SHA256");
    assert_eq!(
        param(&all, "x-oss-credential"),
        format!("{AK}/{}/{REGION}/oss/aliyun_v4_request", &date[..8])
    );
    assert_eq!(param(&all, "x-oss-security-token"), TOKEN);
    let signature = param(&all, "x-oss-signature");
    assert!(
        signature.len() == 64
            && signature
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')),
        "{signature}"
    );
    let signed_at =
        osslive::time::unix_seconds(osslive::time::parse_v4_datetime(date).expect("a V4 date"))
            as i64;
    assert!((signed_at - unix_now()).abs() <= 5, "x-oss-date {date}");
    let own = [("x-oss-process", "hls/sign")];
    let expected = presign::v4(&request(key, &own), SK, REGION, date, seconds, &[]).unwrap();
    assert_eq!(query, expected.query_string(), "{url}");
    signed_at + seconds as i64
}

/// Checks a V1 play URL of `key`; returns its expiry.
fn check_v1(url: &str, location: &str, key: &str) -> i64 {
    let (at, query) = url.split_once('?').unwrap();
    assert_eq!(at, location, "{url}");
    assert!(
        query.starts_with("x-oss-process=hls%2Fsign&security-token="),
        "{url}"
    );
    let all = params(url);
    assert_eq!(param(&all, "security-token"), TOKEN);
    assert_eq!(param(&all, "OSSAccessKeyId"), AK);
    let expires: u64 = param(&all, "Expires").parse().unwrap();
    let own = [("x-oss-process", "hls/sign")];
    let expected = presign::v1(&request(key, &own), SK, expires);
    assert_eq!(query, expected.query_string(), "{url}");
    expires as i64
}

fn request<'a>(key: &'a str, own: &'a [(&'a str, &'a str)]) -> presign::PresignRequest<'a> {
    presign::PresignRequest {
        method: "GET",
        bucket: BUCKET,
        key,
        params: own,
        headers: &[],
        access_key_id: AK,
        security_token: Some(TOKEN),
    }
}

/// Status and body of a GET of `url` on `emulator` as a player sends it: no header
/// signature, only what the URL holds.
fn player_get(emulator: &Emulator, url: &str) -> (u16, String) {
    let target = url
        .strip_prefix(&format!("http://{}", emulator.addr()))
        .unwrap_or_else(|| panic!("{url} is not on the emulator"));
    let mut stream = TcpStream::connect(emulator.addr()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        emulator.addr()
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let raw = String::from_utf8_lossy(&raw);
    let (head, body) = raw.split_once("\r\n\r\n").expect("a response head");
    (head[9..12].parse().unwrap(), body.to_owned())
}

/// The URLs `sign_play_url` prints read the private bucket, in both versions: a VOD
/// playlist over two recorded fragments, every segment URI signed and readable; the same
/// URL unsigned is refused.
fn play_urls_read_the_private_bucket(r: &Runner, emulator: &Emulator, env: &Env, v1: &Env) {
    r.ok(env, "create_channel", &["c-read"]);
    let now = unix_now() as u64;
    let fragments = [now - 10, now - 5]
        .iter()
        .map(|&at| {
            let fragment = Fragment {
                start_time: UNIX_EPOCH + Duration::from_secs(at),
                duration: 5.0,
                name: format!("{at}000.ts"),
            };
            (fragment, format!("segment {at}").into_bytes())
        })
        .collect();
    emulator.add_fragments(BUCKET, "c-read", fragments).unwrap();
    let (start, end) = ((now - 20).to_string(), now.to_string());
    r.ok(
        env,
        "post_vod_playlist",
        &["c-read", "vod.m3u8", &start, &end],
    );
    for (what, env) in [("V4", env), ("V1", v1)] {
        let run = r.ok(env, "sign_play_url", &["c-read", "vod.m3u8", "60"]);
        let (url, _) = printed(&run);
        let (status, playlist) = player_get(emulator, url);
        assert_eq!(status, 200, "{what}: {playlist}");
        let uris: Vec<&str> = playlist.lines().filter(|l| !l.starts_with('#')).collect();
        assert_eq!(uris.len(), 2, "{what}: {playlist}");
        for uri in uris {
            let segment = format!("http://{}{uri}", emulator.addr());
            let (status, body) = player_get(emulator, &segment);
            assert_eq!(status, 200, "{what}: {uri}");
            assert!(body.starts_with("segment "), "{what}: {body}");
        }
        let unsigned = url.split('?').next().unwrap();
        let (status, body) = player_get(emulator, unsigned);
        assert_eq!(status, 403, "{what}: {body}");
        assert!(body.contains("<Code>AccessDenied</Code>"), "{what}: {body}");
    }
}

/// Play URLs in both versions, and the refusals of bad ones.
pub fn play_urls(r: &Runner, emulator: &Emulator) {
    let env = Env::for_emulator(emulator);
    let base = format!("http://{}/{BUCKET}/c-play", emulator.addr());

    // V4 by default, the default playlist, an hour.
    let run = r.ok(&env, "sign_play_url", &["c-play"]);
    assert_eq!(run.stdout.lines().count(), 2, "{}", run.stdout);
    let (url, expires) = printed(&run);
    let live = format!("{base}/playlist.m3u8");
    assert_eq!(check_v4(url, &live, "c-play/playlist.m3u8", 3600), expires);

    // V1 when asked: a VOD playlist for ten minutes.
    let v1 = env.clone().with("OSSLIVE_SIGNATURE_VERSION", "1");
    let run = r.ok(&v1, "sign_play_url", &["c-play", "vod.m3u8", "600"]);
    let (url, expires) = printed(&run);
    assert_eq!(
        check_v1(url, &format!("{base}/vod.m3u8"), "c-play/vod.m3u8"),
        expires
    );
    assert!((expires - unix_now() - 600).abs() <= 5, "{expires}");

    // An empty playlist is the default one; 4 is V4 said explicitly.
    let v4 = env.clone().with("OSSLIVE_SIGNATURE_VERSION", "4");
    let run = r.ok(&v4, "sign_play_url", &["c-play", "", "60"]);
    let (url, expires) = printed(&run);
    assert_eq!(check_v4(url, &live, "c-play/playlist.m3u8", 60), expires);

    // The library's rules, named by the OSS parameter of each version.
    for (env, field, seconds) in [
        (&env, "x-oss-expires", "0"),
        (&env, "x-oss-expires", "604801"),
        (&v1, "Expires", "0"),
        (&v1, "Expires", "604801"),
    ] {
        let run = r.expect(env, 1, "sign_play_url", &["c-play", "", seconds]);
        assert!(
            run.stderr.contains(&format!("message: invalid {field}: ")),
            "{seconds}: {}",
            run.stderr
        );
        assert!(run.stdout.is_empty(), "{}", run.stdout);
    }
    r.expect(&env, 1, "sign_play_url", &["c-play", "vod.mp4"])
        .has_err_line("error: invalid argument");
    let run = r.expect(&env, 1, "sign_play_url", &["c/play"]);
    assert!(run.stderr.contains("invalid LiveChannel"), "{}", run.stderr);

    play_urls_read_the_private_bucket(r, emulator, &env, &v1);

    // The version applies to requests too: the emulator takes V1 header signatures.
    r.ok(&v1, "create_channel", &["c-play-v1"])
        .has_line("channel: c-play-v1");
    r.ok(&v1, "delete_channel", &["c-play-v1"]);
}

#[test]
fn static_build_signs_play_urls() {
    play_urls(&Runner::new(Kind::Static), &start_emulator());
}

#[test]
fn shared_build_signs_play_urls() {
    play_urls(&Runner::new(Kind::Shared), &start_emulator());
}
