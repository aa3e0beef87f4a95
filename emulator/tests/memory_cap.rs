//! `--max-object-bytes` with real pushes: past the cap the emulator binary drops the oldest
//! segments of pushes that have ended, with a log line, and answers `404 NoSuchKey` for
//! them; the segments of a live push stay, even beyond the cap. Needs `ffmpeg`.

mod process;

use std::time::{Duration, SystemTime};

use osslive::LiveStatus;
use process::{
    BUCKET, EmulatorProcess, PUBLIC_READ, anonymous, bucket, finish, push_url, segments,
    short_segments, small_push, wait_for,
};

/// Far less than a few seconds of even the small test media.
const CAP: &str = "16KiB";

#[test]
fn old_segments_of_ended_pushes_go_and_live_ones_stay() {
    let emulator =
        EmulatorProcess::start(&["--max-object-bytes", CAP, PUBLIC_READ[0], PUBLIC_READ[1]]);
    let b = bucket(&emulator.endpoint());
    b.create_live_channel("ended", &short_segments()).unwrap();
    b.create_live_channel("live", &short_segments()).unwrap();
    let window_start = SystemTime::now() - Duration::from_secs(5);
    let far = || SystemTime::now() + Duration::from_secs(60);
    let vod = |channel: &str| {
        b.get_vod_playlist(channel, window_start, far())
            .map(|v| segments(&v.m3u8))
            .unwrap_or_default()
    };
    let get = |channel: &str, name: &str| {
        anonymous(emulator.addr, "GET", &format!("/{BUCKET}/{channel}/{name}"))
    };

    let short = small_push(&push_url(&b, "ended"), 2);
    let mut long = small_push(&push_url(&b, "live"), 60);
    let (ok, err) = finish(short, Duration::from_secs(30));
    assert!(ok, "{err}");
    wait_for("the first push to end", Duration::from_secs(10), || {
        b.get_live_channel_history("ended").unwrap().records.len() == 1
    });
    let ended = vod("ended");
    assert!(!ended.is_empty());

    // The live push goes on writing: the ended push's segments are dropped...
    wait_for(
        "the ended push's segments to go",
        Duration::from_secs(30),
        || ended.iter().all(|(name, _)| get("ended", name).0 == 404),
    );
    let (status, body) = get("ended", &ended[0].0);
    assert_eq!(status, 404);
    assert!(String::from_utf8_lossy(&body).contains("<Code>NoSuchKey</Code>"));
    // ...while every segment of the live one stays, although they exceed the cap.
    wait_for("three live segments", Duration::from_secs(30), || {
        vod("live").len() >= 3
    });
    let live = vod("live");
    let mut live_bytes = 0;
    for (name, _) in &live {
        let (status, body) = get("live", name);
        assert_eq!(status, 200, "live/{name}");
        live_bytes += body.len();
    }
    eprintln!(
        "memory_cap: {} live segments, {live_bytes} bytes",
        live.len()
    );
    assert!(
        live_bytes > 16 * 1024,
        "{live_bytes} bytes of live segments"
    );
    assert_eq!(
        b.get_live_channel_stat("live").unwrap().status,
        LiveStatus::Live,
        "the push ended before the check"
    );
    // Playlists are never dropped.
    assert_eq!(get("ended", "playlist.m3u8").0, 200);

    // Once it ends (ffmpeg is cut off), its oldest segments go too.
    long.kill().unwrap();
    long.wait().unwrap();
    wait_for("the second push to end", Duration::from_secs(35), || {
        b.get_live_channel_history("live").unwrap().records.len() == 1
    });
    assert_eq!(get("live", &live[0].0).0, 404);
    assert_eq!(get("live", "playlist.m3u8").0, 200);

    let log = emulator.stderr.lock().unwrap().clone();
    let line = format!("objects: dropped {BUCKET}/\"ended/{}\"", ended[0].0);
    assert!(log.contains(&line), "no {line:?} in\n{log}");
    assert!(log.contains("--max-object-bytes 16384"), "{log}");
}
