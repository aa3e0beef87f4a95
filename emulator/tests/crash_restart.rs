//! `--data-dir` across a `kill -9` in the middle of a push: the emulator binary is killed
//! while ffmpeg pushes to it, restarted on the same directory, and what it had stored must
//! still be there: the push as a history record ending at its last stored segment, the
//! segments, and VOD playlists that ffprobe reads to the end. Needs `ffmpeg` and `ffprobe`.

mod process;

use std::time::{Duration, SystemTime};

use osslive::LiveStatus;
use process::{
    BUCKET, EmulatorProcess, PUBLIC_READ, TempDir, anonymous, bucket, finish, from_ms, push_url,
    run_bounded, segment_ms, segments, short_segments, small_push, wait_for,
};

/// ffprobe reads the whole playlist at `url` (every packet of every segment); returns its
/// report after checking the streams.
fn probe_to_the_end(url: &str) -> String {
    let (ok, out, err) = run_bounded(
        "ffprobe",
        &[
            "-v",
            "error",
            "-count_packets",
            "-show_entries",
            "stream=codec_name,width,height,nb_read_packets",
            "-of",
            "default=noprint_wrappers=1",
            url,
        ],
        Duration::from_secs(60),
    );
    assert!(ok && err.trim().is_empty(), "ffprobe {url}: {err}");
    for want in [
        "codec_name=h264",
        "width=160",
        "height=90",
        "codec_name=aac",
    ] {
        assert!(out.contains(want), "{url}: no {want} in\n{out}");
    }
    let packets: Vec<u64> = out
        .lines()
        .filter_map(|l| l.strip_prefix("nb_read_packets="))
        .map(|n| n.parse().unwrap())
        .collect();
    // The HLS demuxer may list each stream twice (as a program's and on its own).
    assert!(
        packets.len() >= 2 && packets.iter().all(|&n| n > 0),
        "{url}: {out}"
    );
    out
}

#[test]
fn a_push_cut_by_kill_9_is_history_and_its_vod_still_plays() {
    let started = std::time::Instant::now();
    let dir = TempDir::new("crash-restart");
    let data_dir = dir.path().to_str().unwrap();
    let first = EmulatorProcess::start(&["--data-dir", data_dir, PUBLIC_READ[0], PUBLIC_READ[1]]);
    let b = bucket(&first.endpoint());
    b.create_live_channel("crash", &short_segments()).unwrap();

    let window_start = SystemTime::now() - Duration::from_secs(5);
    let pushed_at = SystemTime::now();
    let ffmpeg = small_push(&push_url(&b, "crash"), 60);
    let far = || SystemTime::now() + Duration::from_secs(60);
    let mut before = Vec::new();
    wait_for("four stored segments", Duration::from_secs(40), || {
        before = b
            .get_vod_playlist("crash", window_start, far())
            .map(|v| segments(&v.m3u8))
            .unwrap_or_default();
        before.len() >= 4
    });
    assert_eq!(
        b.get_live_channel_stat("crash").unwrap().status,
        LiveStatus::Live
    );
    b.post_vod_playlist("crash", "before.m3u8", window_start, far())
        .unwrap();
    let vod_path = format!("/{BUCKET}/crash/before.m3u8");
    let (status, vod_before) = anonymous(first.addr, "GET", &vod_path);
    assert_eq!(status, 200);

    // No chance to end the push, flush or close anything.
    first.kill9();
    let killed_at = SystemTime::now();
    let (ok, _) = finish(ffmpeg, Duration::from_secs(30));
    assert!(!ok, "ffmpeg should have lost its server");

    let second = EmulatorProcess::start(&["--data-dir", data_dir, PUBLIC_READ[0], PUBLIC_READ[1]]);
    let b = bucket(&second.endpoint());
    assert_eq!(
        b.get_live_channel_stat("crash").unwrap().status,
        LiveStatus::Idle
    );
    // Every segment stored before the kill is still VOD material, in order.
    let after = segments(
        &b.get_vod_playlist("crash", window_start, far())
            .unwrap()
            .m3u8,
    );
    assert!(after.len() >= before.len(), "{before:?}\n{after:?}");
    assert_eq!(after[..before.len()], before[..]);
    for (name, _) in &after {
        let (status, body) = anonymous(second.addr, "GET", &format!("/{BUCKET}/crash/{name}"));
        assert_eq!(status, 200, "{name}");
        assert!(body.len() > 188 && body.len() % 188 == 0, "{name}");
        assert!(
            dir.path()
                .join("objects")
                .join(BUCKET)
                .join("crash")
                .join(name)
                .is_file()
        );
    }
    // The push is history, ending where its last stored segment ends.
    let history = b.get_live_channel_history("crash").unwrap().records;
    assert_eq!(history.len(), 1, "{history:?}");
    let record = &history[0];
    let (last, seconds) = after.last().unwrap();
    let last_end = from_ms(segment_ms(last)) + Duration::from_secs_f64(*seconds);
    // History times go over the wire in whole seconds.
    let short_by = last_end
        .duration_since(record.end_time)
        .unwrap_or_else(|e| panic!("{record:?} ends {:?} after {last_end:?}", e.duration()));
    assert!(
        short_by < Duration::from_secs(1),
        "{record:?} vs {last_end:?}"
    );
    let start_off = record
        .start_time
        .duration_since(pushed_at)
        .unwrap_or_else(|e| e.duration());
    assert!(start_off < Duration::from_secs(5), "{record:?}");
    assert!(record.end_time <= killed_at, "{record:?}");

    // The VOD playlist written before the kill is unchanged and plays to the end, and so
    // does one written now over the whole push.
    let (status, vod_after) = anonymous(second.addr, "GET", &vod_path);
    assert_eq!((status, &vod_after), (200, &vod_before));
    probe_to_the_end(&format!("{}{vod_path}", second.endpoint()));
    b.post_vod_playlist("crash", "after.m3u8", window_start, far())
        .unwrap();
    probe_to_the_end(&format!("{}/{BUCKET}/crash/after.m3u8", second.endpoint()));

    // The channel takes a new push.
    let (ok, err) = finish(
        small_push(&push_url(&b, "crash"), 2),
        Duration::from_secs(30),
    );
    assert!(ok, "{err}");
    wait_for("the second push to end", Duration::from_secs(10), || {
        b.get_live_channel_history("crash").unwrap().records.len() == 2
    });
    eprintln!(
        "crash_restart: {} segments before the kill, {} after; {:?} in all",
        before.len(),
        after.len(),
        started.elapsed()
    );
}
