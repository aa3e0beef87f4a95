//! Playing a private bucket as a player does: ffmpeg pushes a few seconds over RTMP, then
//! ffprobe reads the live playlist and ffmpeg decodes the VOD playlist through presigned
//! URLs with `x-oss-process=hls/sign` (V1 and V4, with and without an STS token), signed by
//! the test's own few lines (`support/presign.rs`); unsigned, tampered or expired, the same
//! URLs are refused. Needs `ffmpeg` and `ffprobe` (`apt-get install ffmpeg`).

mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use osslive::{
    Bucket, Client, Credentials, LiveChannelConfiguration, LiveChannelTarget, LiveStatus,
};
use osslive_emulator::dates::{unix_seconds, v4_datetime};
use osslive_emulator::{Config, Emulator};
use support::{AK, SK, presign};

const BUCKET: &str = "examplebucket";
const TOKEN: &str = "STS.TestSecurityToken+/=";

/// Runs `program args`, killing it after `limit`; returns (success, stdout, stderr).
fn run(program: &str, args: &[&str], limit: Duration) -> (bool, String, String) {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("{program} is needed for this test ({e}): apt-get install ffmpeg")
        });
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let err = std::thread::spawn(move || {
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
    (status.success(), out.join().unwrap(), err.join().unwrap())
}

/// Status and body of an unsigned-by-headers GET of `target` (path and query).
fn get(emulator: &Emulator, target: &str) -> (u16, String) {
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
    // Segments are binary; only playlists and errors are read as text.
    let raw = String::from_utf8_lossy(&raw);
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    (head[9..12].parse().unwrap(), body.to_owned())
}

/// The query of a presigned GET of `key` valid `secs` seconds from the emulator's clock.
fn presigned(
    emulator: &Emulator,
    version: u8,
    token: Option<&str>,
    key: &str,
    secs: u64,
) -> String {
    let now = emulator.now();
    match version {
        1 => presign::v1_query(BUCKET, key, unix_seconds(now) + secs, token, true),
        _ => presign::v4_query(BUCKET, key, &v4_datetime(now), secs, token, true),
    }
}

fn wait_for(what: &str, limit: Duration, mut check: impl FnMut() -> bool) {
    let start = Instant::now();
    while !check() {
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn ffmpeg_plays_the_live_and_vod_playlists_of_a_private_bucket_through_hls_sign() {
    let emulator = Emulator::start(Config::new(AK, SK).security_token(TOKEN)).unwrap();
    let bucket: Bucket = Client::builder()
        .endpoint(emulator.endpoint())
        .region("cn-hangzhou")
        .credentials(Credentials::new(AK, SK))
        .build()
        .unwrap()
        .bucket(BUCKET)
        .unwrap();
    let config = LiveChannelConfiguration {
        target: LiveChannelTarget {
            frag_duration: 1,
            frag_count: 3,
            playlist_name: "playlist.m3u8".to_owned(),
        },
        ..LiveChannelConfiguration::default()
    };
    bucket.create_live_channel("priv", &config).unwrap();

    // A 4-second push; the signed RTMP URL comes from the client.
    let window_start = emulator.now() - Duration::from_secs(2);
    let rtmp = bucket
        .sign_rtmp_url_valid_for("priv", None, Duration::from_secs(60))
        .unwrap()
        .url;
    let (ok, _, err) = run(
        "ffmpeg",
        &[
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
            "4",
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-g",
            "25",
            "-c:a",
            "aac",
            "-f",
            "flv",
            &rtmp,
        ],
        Duration::from_secs(30),
    );
    assert!(ok, "push: {err}");
    wait_for("Idle", Duration::from_secs(5), || {
        bucket.get_live_channel_stat("priv").unwrap().status == LiveStatus::Idle
    });
    let window_end = emulator.now() + Duration::from_secs(2);
    bucket
        .post_vod_playlist("priv", "vod.m3u8", window_start, window_end)
        .unwrap();

    let base = format!("http://{}/{BUCKET}", emulator.addr());
    for version in [1, 4] {
        for token in [None, Some(TOKEN)] {
            let what = format!("V{version}{}", if token.is_some() { " STS" } else { "" });
            let live_key = "priv/playlist.m3u8";
            let live_query = presigned(&emulator, version, token, live_key, 300);
            // The rewritten playlist names its segments on this host, signed.
            let (status, body) = get(&emulator, &format!("/{BUCKET}/{live_key}?{live_query}"));
            assert_eq!(status, 200, "{what}: {body}");
            let segments: Vec<&str> = body.lines().filter(|l| !l.starts_with('#')).collect();
            assert_eq!(segments.len(), 3, "{what}: {body}");
            for uri in &segments {
                assert!(uri.starts_with(&format!("/{BUCKET}/priv/")), "{uri}");
                assert_eq!(get(&emulator, uri).0, 200, "{what}: {uri}");
            }
            let live_url = format!("{base}/{live_key}?{live_query}");
            let (ok, out, err) = run(
                "ffprobe",
                &["-v", "error", "-show_streams", &live_url],
                Duration::from_secs(20),
            );
            assert!(ok, "{what} ffprobe {live_url}: {err}");
            for want in [
                "codec_name=h264",
                "width=320",
                "height=240",
                "codec_name=aac",
            ] {
                assert!(out.contains(want), "{what}: no {want} in {out}");
            }
            let vod_key = "priv/vod.m3u8";
            let vod_url = format!(
                "{base}/{vod_key}?{}",
                presigned(&emulator, version, token, vod_key, 300)
            );
            let (ok, _, err) = run(
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
                Duration::from_secs(30),
            );
            assert!(
                ok && err.trim().is_empty(),
                "{what} ffmpeg {vod_url}: {err}"
            );
        }
    }

    // Without the signature, with a tampered one or after expiry, nothing plays.
    let key = "priv/playlist.m3u8";
    let (status, body) = get(
        &emulator,
        &format!("/{BUCKET}/{key}?x-oss-process=hls%2Fsign"),
    );
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("<EC>0003-00000001</EC>"), "{body}");
    let (ok, _, _) = run(
        "ffprobe",
        &["-v", "error", "-show_streams", &format!("{base}/{key}")],
        Duration::from_secs(20),
    );
    assert!(!ok, "ffprobe played an unsigned URL of a private bucket");
    let good = presigned(&emulator, 4, Some(TOKEN), key, 60);
    let tampered = good.replace("x-oss-signature=", "x-oss-signature=0");
    let (status, body) = get(&emulator, &format!("/{BUCKET}/{key}?{tampered}"));
    assert_eq!(status, 403);
    assert!(
        body.contains("<Code>SignatureDoesNotMatch</Code>"),
        "{body}"
    );
    let (_, playlist) = get(&emulator, &format!("/{BUCKET}/{key}?{good}"));
    let segment = playlist
        .lines()
        .find(|l| !l.starts_with('#'))
        .unwrap()
        .to_owned();
    emulator.set_clock_offset(120);
    for target in [format!("/{BUCKET}/{key}?{good}"), segment] {
        let (status, body) = get(&emulator, &target);
        assert_eq!(status, 403, "{target}");
        assert!(
            body.contains("<Message>Request has expired.</Message>"),
            "{body}"
        );
    }
    let (ok, _, _) = run(
        "ffprobe",
        &[
            "-v",
            "error",
            "-show_streams",
            &format!("{base}/{key}?{good}"),
        ],
        Duration::from_secs(20),
    );
    assert!(!ok, "ffprobe played an expired URL");
}
