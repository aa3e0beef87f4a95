//! Real RTMP pushes with ffmpeg against an in-process emulator, on the HTTP port.
//! Needs `ffmpeg` (`apt-get install ffmpeg`).

use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use osslive::{Bucket, ChannelStatus, Client, Credentials, LiveChannelConfiguration, LiveStatus};
use osslive_emulator::{Config, Emulator};

const AK: &str = "LTAI5tTestAccessKeyId";
const SK: &str = "TestAccessKeySecret0123456789abc";
const BUCKET: &str = "examplebucket";
const HOST: &str = "oss-cn-hangzhou.aliyuncs.com";

fn emulator() -> Emulator {
    Emulator::start(Config::new(AK, SK)).unwrap()
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

fn status(b: &Bucket, channel: &str) -> LiveStatus {
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
        status(&b, "ch") == LiveStatus::Live
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
        status(&b, "ch") == LiveStatus::Idle
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
        status(&b, "vh") == LiveStatus::Live
    });
    let (ok, err, _) = finish(child, Duration::from_secs(20));
    assert!(ok, "{err}");
    wait_for("Idle", Duration::from_secs(5), || {
        status(&b, "vh") == LiveStatus::Idle
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
    assert_eq!(status(&b, "ch"), LiveStatus::Idle);
    assert!(b.get_live_channel_history("ch").unwrap().records.is_empty());
    // A second publisher while one is live.
    let first = push(&good, 4, &[]);
    wait_for("Live", Duration::from_secs(10), || {
        status(&b, "ch") == LiveStatus::Live
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
        status(&b, "ch") == LiveStatus::Live
    });
    let err = b.delete_live_channel("ch").unwrap_err();
    assert_eq!(err.service_code(), Some("ChannelStillLive"));
    b.put_live_channel_status("ch", ChannelStatus::Disabled)
        .unwrap();
    let (ok, _, took) = finish(child, Duration::from_secs(10));
    assert!(!ok);
    assert!(took < Duration::from_secs(10));
    assert_eq!(status(&b, "ch"), LiveStatus::Disabled);
    assert_eq!(b.get_live_channel_history("ch").unwrap().records.len(), 1);
    b.delete_live_channel("ch").unwrap();
}
