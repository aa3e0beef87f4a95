//! `encoder_push`, the example encoder on FFmpeg's libraries, against the emulator: a push
//! to a new channel and to an existing one, the publishes OSS refuses (a disabled channel,
//! an expired URL), and the channel disabled mid-push; statically and dynamically linked,
//! and with ASan + UBSan watching the C side and osslive.
//!
//! Needs FFmpeg's development files (Debian/Ubuntu: `apt-get install pkg-config
//! libavformat-dev libavcodec-dev libavutil-dev libswscale-dev`); `build.rs` fails without
//! them.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use osslive::{Bucket, ChannelStatus, LiveChannelConfiguration, LiveChannelTarget, LiveStatus};
use osslive_emulator::acl::BucketAcl;
use osslive_emulator::{Config, Emulator};

use crate::build::*;
use crate::env::*;
use crate::run::*;

/// Seconds pushed per run: short for the machine, with a margin for the stat to show the
/// stream's properties on a busy one (the emulator reports them within about a second).
const SECONDS: &str = "4";

/// The emulator of these tests, its bucket public-read (buckets are private by default,
/// as on OSS) so that the playlists a push writes are read back unsigned, as a player reads
/// a public bucket. `encoder_push` itself reads nothing unsigned.
fn start_public_read_emulator() -> Emulator {
    Emulator::start(
        Config::new(AK, SK)
            .security_token(TOKEN)
            .region(REGION)
            .bucket_acl(BUCKET, BucketAcl::PublicRead),
    )
    .expect("start the emulator")
}

fn bucket(emulator: &Emulator) -> Bucket {
    one_attempt_client(emulator)
        .bucket(BUCKET)
        .expect("the test bucket")
}

fn create(bucket: &Bucket, channel: &str, config: &LiveChannelConfiguration) {
    bucket
        .create_live_channel(channel, config)
        .unwrap_or_else(|e| panic!("create {channel}: {e}"));
}

fn history_len(bucket: &Bucket, channel: &str) -> usize {
    bucket
        .get_live_channel_history(channel)
        .unwrap_or_else(|e| panic!("history of {channel}: {e}"))
        .records
        .len()
}

/// The signed URL is a credential: neither it nor the STS token may be printed.
fn assert_no_credentials(run: &Run) {
    for text in [&run.stdout, &run.stderr] {
        assert!(
            !text.contains("Signature=")
                && !text.contains("security-token")
                && !text.contains(TOKEN),
            "encoder_push printed the signed URL or the token:\n{text}"
        );
    }
}

/// An unsigned GET of `path` on the emulator, as a player fetches a playlist: (status, body).
fn anonymous_get(addr: SocketAddr, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).expect("connect to the emulator");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("set a read timeout");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .expect("send the request");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read the answer");
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = raw.split_once("\r\n\r\n").expect("a response head");
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status code");
    (status, body.to_owned())
}

/// The VOD playlist the run wrote: complete, and about as long as the push.
fn assert_vod_playlist(emulator: &Emulator, channel: &str, pushed: f64) {
    let (status, m3u8) = anonymous_get(emulator.addr(), &format!("/{BUCKET}/{channel}/vod.m3u8"));
    assert_eq!(status, 200, "{m3u8}");
    assert!(m3u8.contains("#EXT-X-ENDLIST"), "{m3u8}");
    let duration: f64 = m3u8
        .lines()
        .filter_map(|l| l.strip_prefix("#EXTINF:"))
        .filter_map(|l| l.trim_end_matches(',').parse::<f64>().ok())
        .sum();
    assert!(
        (pushed - 1.0..=pushed + 1.0).contains(&duration),
        "{pushed} s pushed, a VOD playlist of {duration} s:\n{m3u8}"
    );
}

/// The seconds the `pushed: X s` line gives.
fn pushed_seconds(run: &Run) -> f64 {
    Run::value(&run.stdout, "pushed")
        .and_then(|v| v.strip_suffix(" s"))
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no pushed line:\n{}", run.stdout))
}

/// The whole job on a channel that does not exist yet: created, signed, pushed, seen
/// Live with the stream's properties, then its history and a VOD playlist.
pub fn pushes_to_a_new_channel(r: &Runner, emulator: &Emulator, channel: &str) {
    let env = Env::for_emulator(emulator);
    let host = emulator.addr();
    let run = r.ok(&env, "encoder_push", &[channel, SECONDS]);
    run.has_line(&format!("channel: {channel}"))
        .has_line("created: yes")
        .has_line(&format!(
            "play url: http://{host}/{BUCKET}/{channel}/playlist.m3u8"
        ))
        .has_line(&format!("push server: rtmp://{host}/{BUCKET}/live"))
        .has_line(&format!(
            "pushing: {SECONDS} s of 320x180 H.264 at 25 fps and 44100 Hz AAC"
        ))
        .has_line("stat: Live")
        .has_line("video: 320x180, 25 fps, H264")
        .has_line("audio: 44100 Hz, AAC")
        .has_line(&format!("pushed: {SECONDS}.0 s"))
        .has_line("history: 1 record(s)")
        .has_line(&format!("vod playlist: {channel}/vod.m3u8"));
    assert!(
        Run::value(&run.stdout, "remote addr").is_some_and(|a| a.starts_with("127.0.0.1:")),
        "{}",
        run.stdout
    );
    assert_no_credentials(&run);
    assert_vod_playlist(emulator, channel, pushed_seconds(&run));
}

/// An existing channel is pushed to as it is: its configuration stays, and the push
/// follows it (the live playlist has the channel's own name).
pub fn keeps_an_existing_channel(r: &Runner, emulator: &Emulator) {
    let b = bucket(emulator);
    let config = LiveChannelConfiguration {
        description: "kept as it is".to_owned(),
        target: LiveChannelTarget {
            frag_duration: 2,
            frag_count: 4,
            playlist_name: "kept.m3u8".to_owned(),
        },
        ..LiveChannelConfiguration::default()
    };
    create(&b, "enc-existing", &config);
    let run = r.ok(
        &Env::for_emulator(emulator),
        "encoder_push",
        &["enc-existing", SECONDS],
    );
    run.has_line("created: no")
        .has_line("channel status: enabled")
        .has_line("stat: Live")
        .has_line("history: 1 record(s)")
        .has_line("vod playlist: enc-existing/vod.m3u8");
    assert!(!run.stdout.contains("play url:"), "{}", run.stdout);

    let info = b
        .get_live_channel_info("enc-existing")
        .expect("channel info");
    assert_eq!(info.description.as_deref(), Some("kept as it is"));
    assert_eq!(info.status, Some(ChannelStatus::Enabled));
    assert_eq!(
        (
            info.frag_duration,
            info.frag_count,
            info.playlist_name.as_deref()
        ),
        (Some(2), Some(4), Some("kept.m3u8"))
    );
    let (status, live) = anonymous_get(
        emulator.addr(),
        &format!("/{BUCKET}/enc-existing/kept.m3u8"),
    );
    assert_eq!(status, 200, "{live}");
    assert_vod_playlist(emulator, "enc-existing", pushed_seconds(&run));
}

/// OSS refuses the publish to a disabled channel and with an expired URL: the encoder
/// prints OSS's reason, pushes nothing and exits 1; the channel is left as it was.
pub fn refused_publishes(r: &Runner, emulator: &Emulator) {
    let b = bucket(emulator);
    let env = Env::for_emulator(emulator);
    let disabled = LiveChannelConfiguration {
        status: ChannelStatus::Disabled,
        ..LiveChannelConfiguration::default()
    };
    create(&b, "enc-off", &disabled);
    let run = r.expect(&env, 1, "encoder_push", &["enc-off", SECONDS]);
    run.has_line("created: no")
        .has_line("channel status: disabled")
        .has_line("pushed: 0.0 s");
    assert!(
        run.stderr
            .lines()
            .any(|l| l.starts_with("error: OSS refused the push: LiveChannelDisabled")),
        "{}",
        run.stderr
    );
    assert_no_credentials(&run);
    assert_eq!(history_len(&b, "enc-off"), 0);
    assert_eq!(
        b.get_live_channel_stat("enc-off").expect("stat").status,
        LiveStatus::Disabled
    );

    // The URL is signed for 60 s; OSS's clock two minutes ahead finds it expired (HTTP
    // requests still pass: OSS allows 15 minutes of skew there).
    create(&b, "enc-late", &LiveChannelConfiguration::default());
    emulator.set_clock_offset(120);
    let run = r.expect(&env, 1, "encoder_push", &["enc-late", SECONDS]);
    emulator.set_clock_offset(0);
    assert!(
        run.stderr
            .lines()
            .any(|l| l.starts_with("error: OSS refused the push: expired")),
        "{}",
        run.stderr
    );
    assert_no_credentials(&run);
    assert_eq!(history_len(&b, "enc-late"), 0);
}

/// Disabling the channel while it is pushed: OSS cuts the connection, the encoder stops,
/// still reads the history and writes the VOD playlist, and exits 3.
pub fn disabled_mid_push(r: &Runner, emulator: &Emulator) {
    let b = bucket(emulator);
    let env = Env::for_emulator(emulator);
    let started = Instant::now();
    let run = std::thread::scope(|scope| {
        let pushing = scope.spawn(|| r.expect(&env, 3, "encoder_push", &["enc-cut", "30"]));
        // The encoder creates the channel: until then the stat is an error.
        while !b
            .get_live_channel_stat("enc-cut")
            .is_ok_and(|s| s.status == LiveStatus::Live)
        {
            assert!(
                started.elapsed() < Duration::from_secs(30) && !pushing.is_finished(),
                "enc-cut never went Live"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        // Let a second of media through before cutting it off.
        std::thread::sleep(Duration::from_secs(1));
        b.put_live_channel_status("enc-cut", ChannelStatus::Disabled)
            .expect("disable enc-cut");
        pushing
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    });
    run.has_line("created: yes")
        .has_line("stopped: the channel was disabled during the push")
        .has_line("history: 1 record(s)")
        .has_line("vod playlist: enc-cut/vod.m3u8");
    let pushed = pushed_seconds(&run);
    assert!((0.5..20.0).contains(&pushed), "pushed {pushed} s of 30");
    assert_no_credentials(&run);
    assert_vod_playlist(emulator, "enc-cut", pushed);
}

#[test]
fn static_encoder_push_handles_what_an_encoder_meets() {
    let runner = Runner::new(Kind::Static);
    let emulator = start_public_read_emulator();
    pushes_to_a_new_channel(&runner, &emulator, "enc-new");
    keeps_an_existing_channel(&runner, &emulator);
    refused_publishes(&runner, &emulator);
    disabled_mid_push(&runner, &emulator);
}

#[test]
fn shared_encoder_push_pushes() {
    let runner = Runner::new(Kind::Shared);
    let emulator = start_public_read_emulator();
    pushes_to_a_new_channel(&runner, &emulator, "enc-shared");
}

/// ASan, LeakSanitizer and UBSan over the success path, the refusals and the cut-off
/// push (FFmpeg's own libraries are not instrumented; osslive and the example are).
#[test]
fn asan_encoder_push_is_clean() {
    let runner = Runner::new(Kind::Asan);
    let emulator = start_public_read_emulator();
    pushes_to_a_new_channel(&runner, &emulator, "enc-asan");
    refused_publishes(&runner, &emulator);
    disabled_mid_push(&runner, &emulator);
}
