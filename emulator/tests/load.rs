//! Load like a small OSS: four ffmpeg pushes to four channels at once while four client
//! threads loop over every control-plane operation. Every push must reach the HLS output,
//! every call must succeed, and the emulator binary's peak RSS must stay under a recorded
//! bound; once with objects in memory (the default), once with `--data-dir`.
//! Needs `ffmpeg`.

mod process;

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

use osslive::{ChannelStatus, ListOptions, LiveStatus};
use process::{
    BUCKET, EmulatorProcess, PUBLIC_READ, TempDir, anonymous, bucket, finish, from_ms, push_url,
    segments, short_segments, small_push, wait_for,
};

/// Channels pushed to at once, and client threads.
const PUSHES: usize = 4;
/// Seconds of media each push sends.
const PUSH_SECS: u32 = 6;
/// The bound on the emulator's peak RSS (VmHWM) after a run. Measured on x86-64 Linux
/// (glibc) with the debug build `cargo test` runs: about 10 MiB in memory and 8 MiB with
/// `--data-dir` (figures in emulator/README.md). The bound leaves room for other
/// allocators and machines; a leak per request (the run makes thousands) would cross it.
const MAX_PEAK_RSS_KB: u64 = 40 * 1024;

/// The two modes never run at once: the machines this runs on may have two cores.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// One client thread: loops over the control-plane operations on its own channel, plus
/// GetLiveChannelStat of a pushed one, until `stop`; every call must succeed. Returns
/// how many calls it made.
fn control_loop(endpoint: String, addr: std::net::SocketAddr, t: usize, stop: &AtomicBool) -> u64 {
    let b = bucket(&endpoint);
    let ctl = format!("ctl-{t}");
    let pushed = format!("push-{t}");
    let mut calls = 0;
    let mut round = 0u64;
    while round == 0 || !stop.load(Ordering::Relaxed) {
        b.create_live_channel(&ctl, &short_segments()).unwrap();
        // VOD material in the past, three 2-second fragments (the admin endpoint).
        let start_ms = 1_600_000_000_000 + (t as u64 * 1_000_000 + round) * 10_000;
        let (status, body) = anonymous(
            addr,
            "POST",
            &format!(
                "/_emulator/fragments?bucket={BUCKET}&channel={ctl}&start={start_ms}&duration=2&count=3"
            ),
        );
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
        assert_eq!(b.get_live_channel_info(&ctl).unwrap().frag_count, Some(3));
        assert_eq!(
            b.get_live_channel_stat(&ctl).unwrap().status,
            LiveStatus::Idle
        );
        b.put_live_channel_status(&ctl, ChannelStatus::Disabled)
            .unwrap();
        assert_eq!(
            b.get_live_channel_stat(&ctl).unwrap().status,
            LiveStatus::Disabled
        );
        b.put_live_channel_status(&ctl, ChannelStatus::Enabled)
            .unwrap();
        assert!(b.get_live_channel_history(&ctl).unwrap().records.is_empty());
        let listed = b
            .list_live_channel(&ListOptions {
                prefix: Some(ctl.clone()),
                ..ListOptions::default()
            })
            .unwrap();
        assert_eq!(listed.channels.len(), 1);
        let (from, to) = (from_ms(start_ms), from_ms(start_ms + 10_000));
        let vod = b.get_vod_playlist(&ctl, from, to).unwrap();
        assert_eq!(segments(&vod.m3u8).len(), 3, "{}", vod.m3u8);
        b.post_vod_playlist(&ctl, "vod.m3u8", from, to).unwrap();
        b.get_live_channel_stat(&pushed).unwrap();
        b.delete_live_channel(&ctl).unwrap();
        calls += 12;
        round += 1;
        // A breath between rounds, so that the pushes keep real time on two cores.
        std::thread::sleep(Duration::from_millis(20));
    }
    calls
}

/// What a run measured.
struct Figures {
    calls: u64,
    segments: usize,
    peak_rss_kb: u64,
    rss_kb: u64,
    took: Duration,
}

fn run_load(extra_args: &[&str]) -> Figures {
    let started = Instant::now();
    let mut args = vec!["--quiet", PUBLIC_READ[0], PUBLIC_READ[1]];
    args.extend_from_slice(extra_args);
    let emulator = EmulatorProcess::start(&args);
    let b = bucket(&emulator.endpoint());
    let channels: Vec<String> = (0..PUSHES).map(|i| format!("push-{i}")).collect();
    for c in &channels {
        b.create_live_channel(c, &short_segments()).unwrap();
    }
    let window_start = SystemTime::now() - Duration::from_secs(5);
    let pushes: Vec<_> = channels
        .iter()
        .map(|c| small_push(&push_url(&b, c), PUSH_SECS))
        .collect();
    let stop = Arc::new(AtomicBool::new(false));
    let clients: Vec<JoinHandle<u64>> = (0..PUSHES)
        .map(|t| {
            let (endpoint, addr, stop) = (emulator.endpoint(), emulator.addr, Arc::clone(&stop));
            std::thread::spawn(move || control_loop(endpoint, addr, t, &stop))
        })
        .collect();
    // Each push reaches the HLS output while it runs: its live playlist appears.
    for c in &channels {
        wait_for(
            &format!("the live playlist of {c}"),
            Duration::from_secs(30),
            || {
                let (status, body) = anonymous(
                    emulator.addr,
                    "GET",
                    &format!("/{BUCKET}/{c}/playlist.m3u8"),
                );
                status == 200 && !segments(&String::from_utf8_lossy(&body)).is_empty()
            },
        );
    }
    for (c, push) in channels.iter().zip(pushes) {
        let (ok, err) = finish(push, Duration::from_secs(60));
        assert!(ok, "{c}: {err}");
    }
    stop.store(true, Ordering::Relaxed);
    let calls: u64 = clients.into_iter().map(|h| h.join().unwrap()).sum();

    // Every push ended as history, and every segment it wrote is readable VOD material.
    let mut total_segments = 0;
    let far = SystemTime::now() + Duration::from_secs(60);
    for c in &channels {
        wait_for(&format!("{c} to end"), Duration::from_secs(10), || {
            b.get_live_channel_history(c).unwrap().records.len() == 1
        });
        let vod = segments(&b.get_vod_playlist(c, window_start, far).unwrap().m3u8);
        assert!(vod.len() >= PUSH_SECS as usize - 2, "{c}: {vod:?}");
        for (name, _) in &vod {
            let (status, body) = anonymous(emulator.addr, "GET", &format!("/{BUCKET}/{c}/{name}"));
            assert_eq!(status, 200, "{c}/{name}");
            assert!(body.len() % 188 == 0 && !body.is_empty(), "{c}/{name}");
        }
        total_segments += vod.len();
    }
    Figures {
        calls,
        segments: total_segments,
        peak_rss_kb: emulator.memory_kb("VmHWM"),
        rss_kb: emulator.memory_kb("VmRSS"),
        took: started.elapsed(),
    }
}

fn check(mode: &str, figures: &Figures) {
    eprintln!(
        "load ({mode}): {} control-plane calls, {} segments, peak RSS {} KiB, RSS {} KiB, {:?}",
        figures.calls, figures.segments, figures.peak_rss_kb, figures.rss_kb, figures.took
    );
    assert!(figures.calls >= 12 * PUSHES as u64);
    assert!(
        figures.peak_rss_kb < MAX_PEAK_RSS_KB,
        "{mode}: peak RSS {} KiB is over the recorded bound of {MAX_PEAK_RSS_KB} KiB",
        figures.peak_rss_kb
    );
}

#[test]
fn four_pushes_and_four_clients_in_memory() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let figures = run_load(&[]);
    check("in memory", &figures);
}

#[test]
fn four_pushes_and_four_clients_with_a_data_dir() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let dir = TempDir::new("load");
    let figures = run_load(&["--data-dir", dir.path().to_str().unwrap()]);
    check("--data-dir", &figures);
}
