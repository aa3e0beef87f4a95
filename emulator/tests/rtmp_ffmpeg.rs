//! Real RTMP pushes with ffmpeg against an in-process emulator, on the HTTP port. The
//! players read a private bucket through presigned URLs made by the test's own signer
//! (`support/presign.rs`, not the client's), and a public-read bucket anonymously.
//! Needs `ffmpeg` and `ffprobe` (`apt-get install ffmpeg`).

mod support;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use osslive::{
    Bucket, ChannelStatus, Client, Credentials, LiveChannelConfiguration, LiveChannelTarget,
    LiveStatus,
};
use osslive_emulator::acl::BucketAcl;
use osslive_emulator::dates::{unix_seconds, v4_datetime};
use osslive_emulator::{Config, Emulator};
use support::presign;

const AK: &str = "LTAI5tTestAccessKeyId";
const SK: &str = "TestAccessKeySecret0123456789abc";
const BUCKET: &str = "examplebucket";
const HOST: &str = "oss-cn-hangzhou.aliyuncs.com";

fn emulator() -> Emulator {
    Emulator::start(Config::new(AK, SK)).unwrap()
}

/// An emulator whose bucket is public-read, so that players read it without signing.
fn public_read_emulator() -> Emulator {
    Emulator::start(Config::new(AK, SK).bucket_acl(BUCKET, BucketAcl::PublicRead)).unwrap()
}

fn bucket(e: &Emulator) -> Bucket {
    Client::builder()
        .endpoint(e.endpoint())
        .region("cn-hangzhou")
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

/// Starts ffmpeg pushing `secs` seconds of test media to `url`.
fn push(url: &str, secs: u32, extra: &[&str]) -> Child {
    let secs = secs.to_string();
    let mut args = vec![
        "-hide_banner",
        "-loglevel",
        "error",
        "-re",
        "-f",
        "lavfi",
        "-i",
        "testsrc=size=320x240:rate=25",
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
    ];
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

/// Waits at most `limit` for ffmpeg; returns (success, stderr, elapsed).
fn finish(mut child: Child, limit: Duration) -> (bool, String, Duration) {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut err)
                .unwrap();
            return (status.success(), err, start.elapsed());
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("ffmpeg still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn wait_for(what: &str, limit: Duration, mut check: impl FnMut() -> bool) {
    let start = Instant::now();
    while !check() {
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn status_of(b: &Bucket, channel: &str) -> LiveStatus {
    b.get_live_channel_stat(channel).unwrap().status
}

fn url(b: &Bucket, channel: &str) -> String {
    b.sign_rtmp_url_valid_for(channel, None, Duration::from_secs(60))
        .unwrap()
        .url
}

#[test]
fn path_style_push_is_live_then_history() {
    let e = emulator();
    let b = bucket(&e);
    create(&b, "ch");
    let child = push(&url(&b, "ch"), 4, &[]);
    wait_for("Live", Duration::from_secs(10), || {
        status_of(&b, "ch") == LiveStatus::Live
    });
    let stat = b.get_live_channel_stat("ch").unwrap();
    assert!(stat.remote_addr.unwrap().starts_with("127.0.0.1:"));
    let connected = stat.connected_time.unwrap();
    let skew = e.now().duration_since(connected).unwrap_or_default();
    assert!(skew < Duration::from_secs(5), "{skew:?}");
    wait_for("codecs", Duration::from_secs(5), || {
        let s = b.get_live_channel_stat("ch").unwrap();
        s.video.is_some() && s.audio.is_some()
    });
    let (ok, err, _) = finish(child, Duration::from_secs(20));
    assert!(ok, "{err}");
    wait_for("Idle", Duration::from_secs(5), || {
        status_of(&b, "ch") == LiveStatus::Idle
    });
    assert_eq!(b.get_live_channel_history("ch").unwrap().records.len(), 1);
}

#[test]
fn virtual_hosted_push_takes_the_bucket_from_tc_url() {
    let e = emulator();
    let port = e.addr().port();
    let b = Client::builder()
        .endpoint(format!("http://{HOST}:{port}"))
        .resolve(format!("{BUCKET}.{HOST}"), e.addr())
        .region("cn-hangzhou")
        .credentials(Credentials::new(AK, SK))
        .build()
        .unwrap()
        .bucket(BUCKET)
        .unwrap();
    create(&b, "vh");
    let signed = b
        .sign_rtmp_url_valid_for("vh", None, Duration::from_secs(60))
        .unwrap();
    assert!(
        signed
            .url
            .starts_with(&format!("rtmp://{BUCKET}.{HOST}:{port}/live/"))
    );
    let local = format!("rtmp://127.0.0.1:{port}/live/{}", signed.stream_key);
    let child = push(&local, 2, &["-rtmp_tcurl", &signed.server]);
    wait_for("Live", Duration::from_secs(10), || {
        status_of(&b, "vh") == LiveStatus::Live
    });
    let (ok, err, _) = finish(child, Duration::from_secs(20));
    assert!(ok, "{err}");
    wait_for("Idle", Duration::from_secs(5), || {
        status_of(&b, "vh") == LiveStatus::Idle
    });
    assert_eq!(b.get_live_channel_history("vh").unwrap().records.len(), 1);
}

fn refused(url: &str, reason: &str) {
    let (ok, err, took) = finish(push(url, 2, &[]), Duration::from_secs(10));
    assert!(!ok, "pushed to {url}");
    assert!(err.contains(reason), "{reason:?} not in {err}");
    assert!(took < Duration::from_secs(5), "{took:?}");
}

#[test]
fn refusals_carry_the_reason() {
    let e = emulator();
    let b = bucket(&e);
    create(&b, "ch");
    create(&b, "off");
    b.put_live_channel_status("off", ChannelStatus::Disabled)
        .unwrap();
    let good = url(&b, "ch");
    let tampered = good.replace("Signature=", "Signature=x");
    refused(&tampered, "signature mismatch");
    refused(&url(&b, "off"), "LiveChannelDisabled");
    refused(&url(&b, "missing"), "NoSuchLiveChannel");
    let expired = b
        .sign_rtmp_url(
            "ch",
            None,
            std::time::SystemTime::now() + Duration::from_secs(2),
        )
        .unwrap()
        .url;
    e.set_clock_offset(60);
    refused(&expired, "expired");
    e.set_clock_offset(0);
    assert_eq!(status_of(&b, "ch"), LiveStatus::Idle);
    assert!(b.get_live_channel_history("ch").unwrap().records.is_empty());
    // A second publisher while one is live.
    let first = push(&good, 4, &[]);
    wait_for("Live", Duration::from_secs(10), || {
        status_of(&b, "ch") == LiveStatus::Live
    });
    refused(&good, "ChannelStillLive");
    let (ok, err, _) = finish(first, Duration::from_secs(20));
    assert!(ok, "{err}");
}

#[test]
fn disabling_cuts_the_push_and_delete_waits() {
    let e = emulator();
    let b = bucket(&e);
    create(&b, "ch");
    let child = push(&url(&b, "ch"), 30, &[]);
    wait_for("Live", Duration::from_secs(10), || {
        status_of(&b, "ch") == LiveStatus::Live
    });
    let err = b.delete_live_channel("ch").unwrap_err();
    assert_eq!(err.service_code(), Some("ChannelStillLive"));
    b.put_live_channel_status("ch", ChannelStatus::Disabled)
        .unwrap();
    let (ok, _, took) = finish(child, Duration::from_secs(10));
    assert!(!ok);
    assert!(took < Duration::from_secs(10));
    assert_eq!(status_of(&b, "ch"), LiveStatus::Disabled);
    assert_eq!(b.get_live_channel_history("ch").unwrap().records.len(), 1);
    b.delete_live_channel("ch").unwrap();
}

/// An unsigned HTTP/1.1 GET (or HEAD) of `path` on the emulator: (status, headers, body).
fn anonymous(addr: SocketAddr, method: &str, path: &str) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a response head");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    (status, headers, raw[split + 4..].to_vec())
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// The request-target of a V1 presigned `method` of `key` in [`BUCKET`], valid a minute
/// on `e`'s clock; with `x-oss-process=hls/sign` when `hls`.
fn presigned_v1(e: &Emulator, method: &str, key: &str, hls: bool) -> String {
    let expires = unix_seconds(e.now()) + 60;
    let query = presign::v1_query_for(method, BUCKET, key, expires, None, hls);
    format!("/{BUCKET}/{key}?{query}")
}

/// The request-target of a V4 presigned GET of `key` in [`BUCKET`] with
/// `x-oss-process=hls/sign`, valid a minute from `e`'s clock.
fn presigned_v4_hls(e: &Emulator, key: &str) -> String {
    let query = presign::v4_query(BUCKET, key, &v4_datetime(e.now()), 60, None, true);
    format!("/{BUCKET}/{key}?{query}")
}

/// Runs `program args`, killing it after `limit`; returns (success, stdout, stderr).
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

/// The `.ts` names an m3u8 lists, without the path and query `hls/sign` gives them.
fn segments(m3u8: &str) -> Vec<String> {
    m3u8.lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.split('?').next().unwrap())
        .map(|l| l.rsplit('/').next().unwrap())
        .filter(|name| name.ends_with(".ts"))
        .map(str::to_owned)
        .collect()
}

#[test]
fn push_is_segmented_into_playable_hls_and_vod() {
    let e = emulator();
    let b = bucket(&e);
    let config = LiveChannelConfiguration {
        target: LiveChannelTarget {
            frag_duration: 1,
            frag_count: 3,
            playlist_name: "playlist.m3u8".to_owned(),
        },
        ..LiveChannelConfiguration::default()
    };
    let created = b.create_live_channel("hls", &config).unwrap();
    let play_url = created.play_urls[0].clone();
    let prefix = format!("http://{}/", e.addr());
    assert_eq!(play_url, format!("{prefix}{BUCKET}/hls/playlist.m3u8"));
    let key = "hls/playlist.m3u8";
    // Before any push there is no playlist; a LiveChannel operation stays signed-only.
    assert_eq!(
        anonymous(e.addr(), "GET", &presigned_v1(&e, "GET", key, false)).0,
        404
    );
    let (status, _, body) = anonymous(e.addr(), "GET", &format!("/{BUCKET}/hls?live"));
    assert_eq!(status, 403, "{}", String::from_utf8_lossy(&body));

    let window_start = e.now() - Duration::from_secs(2);
    let child = push(&url(&b, "hls"), 5, &[]);
    wait_for("Live", Duration::from_secs(10), || {
        status_of(&b, "hls") == LiveStatus::Live
    });
    wait_for("video and audio stat", Duration::from_secs(8), || {
        let s = b.get_live_channel_stat("hls").unwrap();
        s.video.is_some_and(|v| v.width > 0) && s.audio.is_some_and(|a| a.sample_rate > 0)
    });
    let stat = b.get_live_channel_stat("hls").unwrap();
    let video = stat.video.unwrap();
    assert_eq!((video.width, video.height), (320, 240), "{video:?}");
    assert_eq!(video.codec, "H264");
    assert_eq!(video.frame_rate, 25, "{video:?}");
    let audio = stat.audio.unwrap();
    assert_eq!(audio.codec, "AAC");
    assert_eq!(audio.sample_rate, 44100, "{audio:?}");
    let (ok, err, _) = finish(child, Duration::from_secs(20));
    assert!(ok, "{err}");
    wait_for("Idle", Duration::from_secs(5), || {
        status_of(&b, "hls") == LiveStatus::Idle
    });
    let window_end = e.now() + Duration::from_secs(2);

    // The live playlist of the private bucket: refused unsigned; presigned with hls/sign,
    // CORS-enabled, the last FragCount segments, each signed.
    assert_eq!(
        anonymous(e.addr(), "GET", &format!("/{BUCKET}/{key}")).0,
        403
    );
    let live_target = presigned_v1(&e, "GET", key, true);
    let (status, headers, body) = anonymous(e.addr(), "GET", &live_target);
    assert_eq!(status, 200);
    assert_eq!(
        header(&headers, "content-type"),
        Some("application/x-mpegURL")
    );
    assert_eq!(header(&headers, "access-control-allow-origin"), Some("*"));
    let live = String::from_utf8(body).unwrap();
    assert!(!live.contains("#EXT-X-ENDLIST"), "{live}");
    let live_segments = segments(&live);
    assert_eq!(live_segments.len(), 3, "{live}");
    assert!(
        live.lines()
            .filter(|l| !l.starts_with('#'))
            .all(|l| l.contains("&Signature=")),
        "{live}"
    );
    let (status, headers, body) =
        anonymous(e.addr(), "HEAD", &presigned_v1(&e, "HEAD", key, false));
    assert_eq!((status, body.len()), (200, 0));
    assert_eq!(header(&headers, "access-control-allow-origin"), Some("*"));

    // ffprobe of the presigned play URL, V1 and V4 (a live playlist: ffprobe stops after
    // probing).
    for target in [live_target, presigned_v4_hls(&e, key)] {
        let live_url = format!("http://{}{target}", e.addr());
        let (ok, out, err) = run_bounded(
            "ffprobe",
            &["-v", "error", "-show_streams", &live_url],
            Duration::from_secs(15),
        );
        assert!(ok, "{live_url}: {err}");
        assert!(out.contains("codec_name=h264"), "{out}");
        assert!(
            out.contains("width=320") && out.contains("height=240"),
            "{out}"
        );
        assert!(out.contains("codec_name=aac"), "{out}");
    }

    // VOD over the push window: every segment written, in order, the live ones last.
    let vod = b
        .get_vod_playlist("hls", window_start, window_end)
        .unwrap()
        .m3u8;
    assert!(vod.contains("#EXT-X-ENDLIST"), "{vod}");
    let vod_segments = segments(&vod);
    assert!((4..=8).contains(&vod_segments.len()), "{vod}");
    assert!(vod_segments.ends_with(&live_segments), "{vod}\n{live}");
    for name in &vod_segments {
        let target = presigned_v1(&e, "GET", &format!("hls/{name}"), false);
        let (status, headers, body) = anonymous(e.addr(), "GET", &target);
        assert_eq!(status, 200, "{name}");
        assert_eq!(header(&headers, "content-type"), Some("video/MP2T"));
        assert!(
            body.len() > 188 && body.len() % 188 == 0,
            "{name}: {}",
            body.len()
        );
    }
    b.post_vod_playlist("hls", "vod.m3u8", window_start, window_end)
        .unwrap();
    let vod_url = format!(
        "http://{}{}",
        e.addr(),
        presigned_v4_hls(&e, "hls/vod.m3u8")
    );
    let (ok, _, err) = run_bounded(
        "ffmpeg",
        &[
            "-hide_banner",
            "-v",
            "error",
            "-i",
            &vod_url,
            "-f",
            "null",
            "-",
        ],
        Duration::from_secs(20),
    );
    assert!(ok && err.trim().is_empty(), "{err}");
}

/// On a public-read bucket, as on OSS, players read unsigned: the playlist written under
/// the name the push URL gave plays anonymously.
#[test]
fn the_playlist_name_parameter_overrides_the_configured_one() {
    let e = public_read_emulator();
    let b = bucket(&e);
    create(&b, "renamed");
    let signed = b
        .sign_rtmp_url_valid_for("renamed", Some("override.m3u8"), Duration::from_secs(60))
        .unwrap();
    assert!(
        signed.url.contains("playlistName=override.m3u8"),
        "{}",
        signed.url
    );
    let (ok, err, _) = finish(push(&signed.url, 3, &[]), Duration::from_secs(20));
    assert!(ok, "{err}");
    wait_for("Idle", Duration::from_secs(5), || {
        status_of(&b, "renamed") == LiveStatus::Idle
    });
    let (status, _, body) = anonymous(e.addr(), "GET", &format!("/{BUCKET}/renamed/override.m3u8"));
    assert_eq!(status, 200);
    assert!(!segments(&String::from_utf8(body).unwrap()).is_empty());
    // The configured name was not written for this push.
    assert_eq!(
        anonymous(e.addr(), "GET", &format!("/{BUCKET}/renamed/playlist.m3u8")).0,
        404
    );
    let play_url = format!("http://{}/{BUCKET}/renamed/override.m3u8", e.addr());
    let (ok, out, err) = run_bounded(
        "ffprobe",
        &["-v", "error", "-show_streams", &play_url],
        Duration::from_secs(15),
    );
    assert!(ok, "ffprobe {play_url}: {err}");
    assert!(
        out.contains("codec_name=h264") && out.contains("codec_name=aac"),
        "{out}"
    );
}
