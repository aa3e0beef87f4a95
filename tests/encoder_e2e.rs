//! The project's main job, end to end, with a real encoder: a channel created through
//! osslive on an in-process emulator whose bucket is private (as OSS buckets are), a push
//! URL signed by osslive (from Rust and from the C example `sign_rtmp_url`), about 12 s of
//! H.264/AAC pushed by ffmpeg, then the stat, the history, and the live and VOD playlists
//! played by ffprobe through the one URL `sign_play_url` gives (from Rust, V1 and V4, with
//! and without an STS token, and from the C example `sign_play_url`). The same URLs
//! unsigned, tampered with or expired are refused.
//!
//! Needs `ffmpeg` and `ffprobe` (Debian/Ubuntu: `apt-get install ffmpeg`), and `make` and
//! `gcc` for the C examples (`apt-get install make gcc`); without them the tests fail,
//! never skip.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use osslive::{
    Bucket, ChannelStatus, Client, Credentials, LiveChannelConfiguration, LiveChannelTarget,
    LiveStatus, SignatureVersion, SignedRtmpUrl,
};
use osslive_emulator::{Config, Emulator};

const AK: &str = "LTAI5tTestAccessKeyId";
const SK: &str = "TestAccessKeySecret0123456789abc";
const BUCKET: &str = "examplebucket";
const HOST: &str = "oss-cn-hangzhou.aliyuncs.com";
const REGION: &str = "cn-hangzhou";
/// The STS token the emulator accepts besides the plain key.
const TOKEN: &str = "STS.TestSecurityToken+/=";

// ---------------------------------------------------------------------------------------
// Tools, processes and bounded waits.
// ---------------------------------------------------------------------------------------

/// Fails, saying what to install, when `program` cannot be run.
fn require(program: &str, package: &str) {
    let runs = Command::new(program)
        .arg(if program == "ffmpeg" || program == "ffprobe" {
            "-version"
        } else {
            "--version"
        })
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    if let Err(e) = runs {
        panic!(
            "`{program}` cannot be run ({e}): the encoder end-to-end tests need it. \
             Install it (Debian/Ubuntu: `apt-get install {package}`)."
        );
    }
}

fn require_ffmpeg() {
    require("ffmpeg", "ffmpeg");
    require("ffprobe", "ffmpeg");
}

/// Starts ffmpeg pushing `secs` seconds of 640x360 25 fps H.264 + AAC test media to `url`,
/// in real time when `realtime` (`-re`), as fast as possible otherwise.
fn push(url: &str, secs: u32, realtime: bool, extra: &[&str]) -> Child {
    let secs = secs.to_string();
    let mut args = vec!["-hide_banner", "-loglevel", "error"];
    if realtime {
        args.push("-re");
    }
    args.extend_from_slice(&[
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=640x360:rate=25",
        "-f",
        "lavfi",
        "-i",
        "sine",
        "-t",
        &secs,
        "-c:v",
        "libx264",
        "-preset",
        "veryfast",
        "-g",
        "25",
        "-c:a",
        "aac",
    ]);
    args.extend_from_slice(extra);
    args.extend_from_slice(&["-f", "flv", url]);
    Command::new("ffmpeg")
        .args(&args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("ffmpeg is needed for these tests: apt-get install ffmpeg")
}

/// Waits at most `limit` for ffmpeg (killed after it); returns (success, stderr, elapsed).
fn finish(mut child: Child, limit: Duration) -> (bool, String, Duration) {
    let mut stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return (status.success(), reader.join().unwrap(), start.elapsed());
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "ffmpeg still running after {limit:?}: {}",
                reader.join().unwrap()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Kills a push that a failed assertion would otherwise leave running.
struct Pushing(Option<Child>);

impl Pushing {
    fn finish(mut self, limit: Duration) -> (bool, String, Duration) {
        finish(self.0.take().unwrap(), limit)
    }
}

impl Drop for Pushing {
    fn drop(&mut self) {
        if let Some(child) = self.0.as_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A short push (`-t 2`, not in real time) that must succeed.
fn quick_push_ok(url: &str, extra: &[&str]) {
    let (ok, err, _) = finish(push(url, 2, false, extra), Duration::from_secs(15));
    assert!(ok, "ffmpeg refused or failed pushing to {url}: {err}");
}

/// A short push that must be refused quickly, with `reason` on ffmpeg's stderr.
fn quick_push_refused(url: &str, reason: &str) {
    let (ok, err, took) = finish(push(url, 2, false, &[]), Duration::from_secs(10));
    assert!(!ok, "ffmpeg pushed to {url}");
    assert!(err.contains(reason), "{reason:?} not in {err}");
    assert!(took < Duration::from_secs(5), "{took:?}");
}

/// Runs `program args`, killed after `limit`; returns (success, stdout, stderr).
fn run_bounded(program: &str, args: &[&str], limit: Duration) -> (bool, String, String) {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{program} is needed for these tests ({e})"));
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{program} {args:?} still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    (
        status.success(),
        out_reader.join().unwrap(),
        err_reader.join().unwrap(),
    )
}

fn wait_for(what: &str, limit: Duration, mut check: impl FnMut() -> bool) {
    let start = Instant::now();
    while !check() {
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

// ---------------------------------------------------------------------------------------
// The emulator and osslive.
// ---------------------------------------------------------------------------------------

/// The bucket is private, as on OSS: players need a signed URL. The STS token [`TOKEN`]
/// is accepted too.
fn emulator() -> Emulator {
    Emulator::start(Config::new(AK, SK).region(REGION).security_token(TOKEN))
        .expect("start the emulator")
}

/// A client of `e` with the default signature version (V4) and the plain key.
fn bucket(e: &Emulator) -> Bucket {
    signing_bucket(e, SignatureVersion::V4, false)
}

/// A client of `e` signing with `version`, with the STS token [`TOKEN`] when `sts`.
fn signing_bucket(e: &Emulator, version: SignatureVersion, sts: bool) -> Bucket {
    let mut credentials = Credentials::new(AK, SK);
    if sts {
        credentials = credentials.with_security_token(TOKEN);
    }
    Client::builder()
        .endpoint(e.endpoint())
        .region(REGION)
        .signature_version(version)
        .credentials(credentials)
        .build()
        .unwrap()
        .bucket(BUCKET)
        .unwrap()
}

/// The four ways a player URL is signed: (what, version, STS).
const SIGNERS: [(&str, SignatureVersion, bool); 4] = [
    ("V1", SignatureVersion::V1, false),
    ("V1 STS", SignatureVersion::V1, true),
    ("V4", SignatureVersion::V4, false),
    ("V4 STS", SignatureVersion::V4, true),
];

/// A client addressing the bucket virtual-hosted (`BUCKET.HOST:PORT`), resolved to `e`.
fn virtual_hosted_bucket(e: &Emulator) -> Bucket {
    Client::builder()
        .endpoint(format!("http://{HOST}:{}", e.addr().port()))
        .resolve(HOST, e.addr())
        .region(REGION)
        .credentials(Credentials::new(AK, SK))
        .build()
        .unwrap()
        .bucket(BUCKET)
        .unwrap()
}

fn create(b: &Bucket, channel: &str) {
    b.create_live_channel(channel, &LiveChannelConfiguration::default())
        .unwrap();
}

fn status_of(b: &Bucket, channel: &str) -> LiveStatus {
    b.get_live_channel_stat(channel).unwrap().status
}

fn signed(b: &Bucket, channel: &str) -> SignedRtmpUrl {
    b.sign_rtmp_url_valid_for(channel, None, Duration::from_secs(120))
        .unwrap()
}

/// After a push: the channel goes back to Idle with one push in its history.
fn assert_one_push_recorded(b: &Bucket, channel: &str) {
    wait_for(&format!("{channel} Idle"), Duration::from_secs(5), || {
        status_of(b, channel) == LiveStatus::Idle
    });
    let history = b.get_live_channel_history(channel).unwrap();
    assert_eq!(history.records.len(), 1, "{channel}: {history:?}");
}

/// An HTTP/1.1 GET of `target` (path and query) as a player sends it: no header
/// signature, only what the URL holds. (status, body).
fn plain_get(addr: SocketAddr, target: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    // Segments are binary; only playlists and errors are read as text.
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = raw.split_once("\r\n\r\n").expect("a response head");
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, body.to_owned())
}

/// The request-target (path and query) of a URL on `e`.
fn target_of<'a>(e: &Emulator, url: &'a str) -> &'a str {
    url.strip_prefix(&format!("http://{}", e.addr()))
        .unwrap_or_else(|| panic!("{url} is not on the emulator"))
}

/// The segment URIs an m3u8 lists (signed ones carry a query after the `.ts`).
fn segments(m3u8: &str) -> Vec<&str> {
    m3u8.lines()
        .filter(|l| !l.starts_with('#') && l.split('?').next().unwrap().ends_with(".ts"))
        .collect()
}

/// ffprobe's streams of `url`, which must play: H.264 640x360 and AAC.
fn assert_plays_live(what: &str, url: &str) {
    let (ok, out, err) = run_bounded(
        "ffprobe",
        &["-v", "error", "-show_streams", url],
        Duration::from_secs(20),
    );
    assert!(ok, "{what}: ffprobe {url}: {err}");
    for want in [
        "codec_name=h264",
        "width=640",
        "height=360",
        "codec_name=aac",
    ] {
        assert!(out.contains(want), "{what}: no {want} in {out}");
    }
}

/// The duration ffprobe reads from the VOD playlist at `url`, in seconds.
fn vod_duration(what: &str, url: &str) -> f64 {
    let (ok, out, err) = run_bounded(
        "ffprobe",
        &[
            "-v",
            "error",
            "-show_entries",
            "format=duration",
            "-of",
            "default=noprint_wrappers=1:nokey=1",
            url,
        ],
        Duration::from_secs(20),
    );
    assert!(ok, "{what}: ffprobe {url}: {err}");
    out.trim()
        .parse()
        .unwrap_or_else(|_| panic!("{what}: {out:?}"))
}

/// `url` with the first character of its signature changed (same length, other value).
fn tampered(url: &str) -> String {
    let at = ["&Signature=", "&x-oss-signature="]
        .iter()
        .find_map(|name| url.find(name).map(|i| i + name.len()))
        .unwrap_or_else(|| panic!("no signature in {url}"));
    let first = if url.as_bytes()[at] == b'1' { "2" } else { "1" };
    format!("{}{first}{}", &url[..at], &url[at + 1..])
}

/// `url` is refused as OSS refuses it, with `code`, and ffprobe cannot play it.
fn assert_refused(e: &Emulator, what: &str, url: &str, code: &str) {
    let (status, body) = plain_get(e.addr(), target_of(e, url));
    assert_eq!(status, 403, "{what}: {url}: {body}");
    assert!(
        body.contains(&format!("<Code>{code}</Code>")),
        "{what}: {body}"
    );
    let (ok, _, _) = run_bounded(
        "ffprobe",
        &["-v", "error", "-show_streams", url],
        Duration::from_secs(20),
    );
    assert!(!ok, "{what}: ffprobe played {url}");
}

// ---------------------------------------------------------------------------------------
// URL helpers.
// ---------------------------------------------------------------------------------------

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Some(b) = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// The decoded `Signature` parameter of a signed URL.
fn signature_of(url: &SignedRtmpUrl) -> String {
    let query = url.stream_key.split_once('?').unwrap().1;
    let value = query
        .split('&')
        .find_map(|p| p.strip_prefix("Signature="))
        .expect("a Signature parameter");
    percent_decode(value)
}

/// The first URL for `channel`, over expiries from now + 60 s on, whose signature holds
/// `/`, `+` and `=`.
fn awkward_signature(b: &Bucket, channel: &str) -> SignedRtmpUrl {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    for i in 0..2000 {
        let expires = UNIX_EPOCH + Duration::from_secs(now + 60 + i);
        let url = b.sign_rtmp_url(channel, None, expires).unwrap();
        let sig = signature_of(&url);
        if sig.contains('/') && sig.contains('+') && sig.contains('=') {
            assert!(
                url.url.contains("%2F") && url.url.contains("%2B") && url.url.contains("%3D"),
                "{}",
                url.url
            );
            return url;
        }
    }
    panic!("no signature with '/', '+' and '=' for {channel} in 2000 expiries");
}

/// The URL with every query value percent-decoded, as OBS and librtmp send it.
fn raw_form(url: &SignedRtmpUrl) -> String {
    let (channel, query) = url.stream_key.split_once('?').unwrap();
    let decoded: Vec<String> = query
        .split('&')
        .map(|p| match p.split_once('=') {
            Some((k, v)) => format!("{k}={}", percent_decode(v)),
            None => p.to_owned(),
        })
        .collect();
    format!("{}/{channel}?{}", url.server, decoded.join("&"))
}

// ---------------------------------------------------------------------------------------
// The tests.
// ---------------------------------------------------------------------------------------

/// 12 s pushed in real time to a private bucket: Live with the right media, a live
/// playlist of FragCount segments that ffprobe reads through the URL `sign_play_url`
/// gives, then the history and a VOD playlist of about 12 s played the same way. Every
/// signer (V1 and V4, with and without STS) plays both; unsigned, tampered or expired
/// URLs play nothing.
#[test]
fn twelve_seconds_pushed_are_live_then_recorded_as_vod() {
    require_ffmpeg();
    let started = Instant::now();
    let e = emulator();
    let b = bucket(&e);
    let config = LiveChannelConfiguration {
        target: LiveChannelTarget {
            frag_duration: 2,
            frag_count: 3,
            playlist_name: "playlist.m3u8".to_owned(),
        },
        ..LiveChannelConfiguration::default()
    };
    let created = b.create_live_channel("e2e", &config).unwrap();
    let play_url = created.play_urls[0].clone();
    let prefix = format!("http://{}/", e.addr());
    assert_eq!(play_url, format!("{prefix}{BUCKET}/e2e/playlist.m3u8"));
    // The one URL a player needs: the play URL, presigned with hls/sign.
    let live_url = b
        .sign_play_url("e2e", None, Duration::from_secs(300))
        .unwrap()
        .url;
    assert!(
        live_url.starts_with(&format!("{play_url}?")) && live_url.contains("hls%2Fsign"),
        "{live_url}"
    );

    let window_start = e.now() - Duration::from_secs(2);
    let url = signed(&b, "e2e").url;
    let pushing = Pushing(Some(push(&url, 12, true, &[])));

    // During the push: Live, 640x360 at 25 fps, H264 and AAC.
    wait_for("Live", Duration::from_secs(10), || {
        status_of(&b, "e2e") == LiveStatus::Live
    });
    wait_for(
        "video and audio in the stat",
        Duration::from_secs(8),
        || {
            let s = b.get_live_channel_stat("e2e").unwrap();
            s.video.is_some_and(|v| v.width > 0) && s.audio.is_some_and(|a| a.sample_rate > 0)
        },
    );
    let stat = b.get_live_channel_stat("e2e").unwrap();
    assert_eq!(stat.status, LiveStatus::Live);
    let video = stat.video.unwrap();
    assert_eq!((video.width, video.height), (640, 360), "{video:?}");
    assert_eq!(video.frame_rate, 25, "{video:?}");
    assert_eq!(video.codec, "H264", "{video:?}");
    let audio = stat.audio.unwrap();
    assert_eq!(audio.codec, "AAC", "{audio:?}");

    // The live playlist through the signed URL: FragCount entries, each signed, readable
    // by ffprobe. The bare play URL is refused: the bucket is private.
    let mut live = String::new();
    wait_for(
        "3 segments in the live playlist",
        Duration::from_secs(12),
        || {
            let (status, body) = plain_get(e.addr(), target_of(&e, &live_url));
            live = body;
            status == 200 && segments(&live).len() == 3
        },
    );
    assert!(!live.contains("#EXT-X-ENDLIST"), "{live}");
    for uri in segments(&live) {
        assert!(uri.contains("&x-oss-signature="), "{uri}");
        assert_eq!(plain_get(e.addr(), uri).0, 200, "{uri}");
    }
    let (status, body) = plain_get(e.addr(), target_of(&e, &play_url));
    assert_eq!(status, 403, "{body}");
    assert_plays_live("live, while pushed", &live_url);
    assert_eq!(
        status_of(&b, "e2e"),
        LiveStatus::Live,
        "ffprobe outlasted the push"
    );

    // After the push: the history, and a VOD playlist over the window of about 12 s.
    let (ok, err, _) = pushing.finish(Duration::from_secs(25));
    assert!(ok, "{err}");
    assert_one_push_recorded(&b, "e2e");
    let window_end = e.now() + Duration::from_secs(2);
    b.post_vod_playlist("e2e", "vod.m3u8", window_start, window_end)
        .unwrap();
    let vod_url = b
        .sign_play_url("e2e", Some("vod.m3u8"), Duration::from_secs(300))
        .unwrap()
        .url;
    let (status, vod) = plain_get(e.addr(), target_of(&e, &vod_url));
    assert_eq!(status, 200, "{vod}");
    assert!(vod.contains("#EXT-X-ENDLIST"), "{vod}");
    let duration = vod_duration("VOD", &vod_url);
    assert!(
        (9.0..=14.0).contains(&duration),
        "VOD of {duration} s:\n{vod}"
    );

    // Every signer's URLs play both playlists.
    for (what, version, sts) in SIGNERS {
        let signer = signing_bucket(&e, version, sts);
        let sign = |playlist| {
            signer
                .sign_play_url("e2e", playlist, Duration::from_secs(60))
                .unwrap()
                .url
        };
        let (live_url, vod_url) = (sign(None), sign(Some("vod.m3u8")));
        let token = if version == SignatureVersion::V1 {
            "&security-token="
        } else {
            "&x-oss-security-token="
        };
        assert_eq!(live_url.contains(token), sts, "{what}: {live_url}");
        assert_plays_live(what, &live_url);
        let duration = vod_duration(what, &vod_url);
        assert!((9.0..=14.0).contains(&duration), "{what}: {duration} s");
    }

    // Without the signature, with another one or after expiry, nothing plays: neither
    // the playlists nor the segments the playlist signed.
    for (what, version, sts) in SIGNERS {
        let signer = signing_bucket(&e, version, sts);
        let live_url = signer
            .sign_play_url("e2e", None, Duration::from_secs(60))
            .unwrap()
            .url;
        let vod_url = signer
            .sign_play_url("e2e", Some("vod.m3u8"), Duration::from_secs(60))
            .unwrap()
            .url;
        let (_, vod) = plain_get(e.addr(), target_of(&e, &vod_url));
        let segment = format!("{prefix}{}", &segments(&vod)[0][1..]);
        for url in [&live_url, &vod_url] {
            let unsigned = url.split('?').next().unwrap();
            assert_refused(&e, what, unsigned, "AccessDenied");
            assert_refused(&e, what, &tampered(url), "SignatureDoesNotMatch");
        }
        e.set_clock_offset(120);
        for url in [&live_url, &vod_url, &segment] {
            assert_refused(&e, &format!("{what} expired"), url, "AccessDenied");
        }
        e.set_clock_offset(0);
    }
    eprintln!("12 s push end to end in {:?}", started.elapsed());
}

/// An expired URL, a tampered signature and a disabled channel are refused.
#[test]
fn expired_tampered_and_disabled_are_refused() {
    require_ffmpeg();
    let e = emulator();
    let b = bucket(&e);
    create(&b, "ch");
    create(&b, "off");
    b.put_live_channel_status("off", ChannelStatus::Disabled)
        .unwrap();

    let good = signed(&b, "ch").url;
    let tampered = good.replace("Signature=", "Signature=x");
    quick_push_refused(&tampered, "signature mismatch");
    quick_push_refused(&signed(&b, "off").url, "LiveChannelDisabled");
    let expiring = b
        .sign_rtmp_url("ch", None, SystemTime::now() + Duration::from_secs(2))
        .unwrap()
        .url;
    e.set_clock_offset(60);
    quick_push_refused(&expiring, "expired");
    e.set_clock_offset(0);
    assert_eq!(status_of(&b, "ch"), LiveStatus::Idle);
    assert!(b.get_live_channel_history("ch").unwrap().records.is_empty());
    // The same channel takes a good URL.
    quick_push_ok(&good, &[]);
    assert_one_push_recorded(&b, "ch");
}

/// Signatures holding `/`, `+` and `=` push, path-style, virtual-hosted and in the raw
/// (percent-decoded) form OBS and librtmp send.
#[test]
fn signatures_with_slash_plus_and_equals_push() {
    require_ffmpeg();
    let e = emulator();
    let port = e.addr().port();
    let path_style = bucket(&e);
    let virtual_hosted = virtual_hosted_bucket(&e);

    // Path-style, as signed.
    create(&path_style, "path");
    let url = awkward_signature(&path_style, "path");
    assert!(
        url.url
            .starts_with(&format!("rtmp://127.0.0.1:{port}/{BUCKET}/live/path?"))
    );
    quick_push_ok(&url.url, &[]);
    assert_one_push_recorded(&path_style, "path");

    // Path-style, the query values decoded.
    create(&path_style, "raw");
    let url = awkward_signature(&path_style, "raw");
    let raw = raw_form(&url);
    assert!(
        raw.contains('/') && raw.contains('+') && !raw.contains('%'),
        "{raw}"
    );
    quick_push_ok(&raw, &[]);
    assert_one_push_recorded(&path_style, "raw");

    // Virtual-hosted: the bucket comes from the tcUrl host.
    create(&virtual_hosted, "vhost");
    let url = awkward_signature(&virtual_hosted, "vhost");
    assert!(
        url.server == format!("rtmp://{BUCKET}.{HOST}:{port}/live"),
        "{}",
        url.server
    );
    let local = format!("rtmp://127.0.0.1:{port}/live/{}", url.stream_key);
    quick_push_ok(&local, &["-rtmp_tcurl", &url.server]);
    assert_one_push_recorded(&virtual_hosted, "vhost");

    // Virtual-hosted and raw, split into app and stream key as OBS sends it: ffmpeg would
    // take a raw `/` of the signature in `rtmp://HOST/live/KEY` for the end of the app.
    create(&virtual_hosted, "vraw");
    let url = awkward_signature(&virtual_hosted, "vraw");
    let raw = raw_form(&url);
    let key = raw.strip_prefix(&format!("{}/", url.server)).unwrap();
    assert!(key.contains('/') && key.contains('+'), "{key}");
    quick_push_ok(
        &format!("rtmp://127.0.0.1:{port}"),
        &[
            "-rtmp_app",
            "live",
            "-rtmp_playpath",
            key,
            "-rtmp_tcurl",
            &url.server,
        ],
    );
    assert_one_push_recorded(&virtual_hosted, "vraw");
}

/// The C examples this file runs.
const C_EXAMPLES: [&str; 2] = ["sign_rtmp_url", "sign_play_url"];

/// Builds the [`C_EXAMPLES`] (static) once, against the C library of this build; returns
/// the folder that holds them.
fn c_examples() -> &'static PathBuf {
    static BUILT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let built = BUILT.get_or_init(|| {
        require("make", "make");
        require(
            &std::env::var("CC").unwrap_or_else(|_| "gcc".to_owned()),
            "gcc",
        );
        // This binary is target/<profile>/deps/encoder_e2e-HASH. scripts/build-capi builds
        // libosslive.a (the `capi` feature) for the same profile and target directory,
        // leaving the committed header alone (as tests/c_examples/build.rs does).
        let exe = std::env::current_exe().map_err(|e| e.to_string())?;
        let profile = exe.parent().and_then(Path::parent).unwrap();
        let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let mut build = Command::new(manifest_dir.join("scripts/build-capi"));
        build
            .arg("--no-header")
            .env("CARGO_TARGET_DIR", profile.parent().unwrap())
            .current_dir(&manifest_dir);
        if profile.file_name().is_some_and(|n| n == "release") {
            build.arg("--release");
        }
        let built = build
            .output()
            .map_err(|e| format!("cannot run scripts/build-capi: {e}"))?;
        let lib_dir = match String::from_utf8_lossy(&built.stdout).lines().last() {
            Some(dir) if built.status.success() => PathBuf::from(dir),
            _ => {
                return Err(format!(
                    "scripts/build-capi failed ({}):\n{}",
                    built.status,
                    String::from_utf8_lossy(&built.stderr)
                ));
            }
        };
        let build_dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("encoder-e2e-c");
        let programs = build_dir.join("static");
        let output = Command::new("make")
            .arg("-C")
            .arg(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples-c"))
            .arg(format!("OSSLIVE_LIB_DIR={}", lib_dir.display()))
            .arg(format!("BUILD_DIR={}", build_dir.display()))
            .args(C_EXAMPLES.map(|name| programs.join(name)))
            .env_remove("MAKEFLAGS")
            .env_remove("MFLAGS")
            .output()
            .map_err(|e| format!("cannot run make: {e}"))?;
        if !output.status.success() {
            return Err(format!(
                "make {C_EXAMPLES:?} failed:\n{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        Ok(programs)
    });
    match built {
        Ok(program) => program,
        Err(why) => panic!("{why}"),
    }
}

/// Runs the C example `name` (built by [`c_examples`]) with `args`, its environment
/// pointing at `e` (and `extra` variables); returns the last line it printed.
fn run_c_example(e: &Emulator, name: &str, args: &[&str], extra: &[(&str, &str)]) -> String {
    let mut command = Command::new(c_examples().join(name));
    for var in [
        "OSS_ENDPOINT",
        "OSS_BUCKET",
        "OSS_ACCESS_KEY_ID",
        "OSS_ACCESS_KEY_SECRET",
        "OSS_SESSION_TOKEN",
        "OSS_REGION",
        "OSSLIVE_TIMEOUT_MS",
        "OSSLIVE_CONNECT_TIMEOUT_MS",
        "OSSLIVE_MAX_ATTEMPTS",
        "OSSLIVE_DEADLINE_MS",
        "OSSLIVE_SIGNATURE_VERSION",
    ] {
        command.env_remove(var);
    }
    let output = command
        .args(args)
        .env("OSS_ENDPOINT", e.endpoint())
        .env("OSS_BUCKET", BUCKET)
        .env("OSS_ACCESS_KEY_ID", AK)
        .env("OSS_ACCESS_KEY_SECRET", SK)
        .env("OSS_REGION", REGION)
        .envs(extra.iter().copied())
        .output()
        .unwrap_or_else(|err| panic!("run {name}: {err}"));
    assert!(
        output.status.success(),
        "{name} {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    stdout.lines().last().unwrap_or_default().to_owned()
}

/// The same flow through C: the URL `examples-c/sign_rtmp_url` prints is pushed to, and
/// the URLs `examples-c/sign_play_url` prints (V1 and V4, with and without STS) play the
/// live and the VOD playlist of the private bucket.
#[test]
fn c_examples_sign_a_url_ffmpeg_pushes_to_and_urls_ffprobe_plays() {
    require_ffmpeg();
    let e = emulator();
    let b = bucket(&e);
    create(&b, "from-c");
    let expires = (SystemTime::now().duration_since(UNIX_EPOCH).unwrap()
        + Duration::from_secs(120))
    .as_secs()
    .to_string();
    let url = run_c_example(&e, "sign_rtmp_url", &["from-c", "", &expires], &[]);
    let expected = b
        .sign_rtmp_url(
            "from-c",
            None,
            UNIX_EPOCH + Duration::from_secs(expires.parse().unwrap()),
        )
        .unwrap()
        .url;
    assert_eq!(url, expected, "C and Rust sign alike");
    let window_start = e.now() - Duration::from_secs(2);
    quick_push_ok(&url, &[]);
    assert_one_push_recorded(&b, "from-c");
    b.post_vod_playlist(
        "from-c",
        "vod.m3u8",
        window_start,
        e.now() + Duration::from_secs(2),
    )
    .unwrap();

    for (what, version, sts) in SIGNERS {
        let mut extra = vec![(
            "OSSLIVE_SIGNATURE_VERSION",
            if version == SignatureVersion::V1 {
                "1"
            } else {
                "4"
            },
        )];
        if sts {
            extra.push(("OSS_SESSION_TOKEN", TOKEN));
        }
        let live_url = run_c_example(&e, "sign_play_url", &["from-c"], &extra);
        assert!(
            live_url.starts_with(&format!(
                "http://{}/{BUCKET}/from-c/playlist.m3u8?",
                e.addr()
            )),
            "{what}: {live_url}"
        );
        assert_plays_live(&format!("C {what}"), &live_url);
        let vod_url = run_c_example(&e, "sign_play_url", &["from-c", "vod.m3u8", "60"], &extra);
        let duration = vod_duration(&format!("C {what}"), &vod_url);
        assert!((1.0..=4.0).contains(&duration), "C {what}: {duration} s");
        if version == SignatureVersion::V1 {
            // V1 URLs hold no signing time: the same expiry gives Rust's URL byte for byte.
            let expires: u64 = vod_url
                .split(['?', '&'])
                .find_map(|p| p.strip_prefix("Expires="))
                .unwrap()
                .parse()
                .unwrap();
            let rust = signing_bucket(&e, version, sts)
                .sign_play_url_until(
                    "from-c",
                    Some("vod.m3u8"),
                    UNIX_EPOCH + Duration::from_secs(expires),
                )
                .unwrap()
                .url;
            assert_eq!(vod_url, rust, "C and Rust sign alike ({what})");
        }
    }
}
