//! The guide's whole lifecycle through the examples, in the static and the shared build.

use std::time::{Duration, UNIX_EPOCH};

use osslive_emulator::Emulator;
use osslive_emulator::model::{AudioStat, Fragment, LiveSession, VideoStat};
use osslive_emulator::rtmp_auth::check_push_url;

use crate::build::*;
use crate::env::*;
use crate::run::*;

/// The guide's whole lifecycle: create, inspect, list, disable, history, sign, VOD, delete.
pub fn lifecycle(r: &Runner, emulator: &Emulator) {
    let env = Env::for_emulator(emulator);
    let host = emulator.addr().to_string();

    // Create: the URLs follow the emulator's path-style answer for an IP endpoint.
    let created = r.ok(&env, "create_channel", &["c-flow", "flow description"]);
    created
        .has_line("channel: c-flow")
        .has_line(&format!("publish url: rtmp://{host}/{BUCKET}/live/c-flow"))
        .has_line(&format!(
            "play url: http://{host}/{BUCKET}/c-flow/playlist.m3u8"
        ));
    assert!(
        Run::value(&created.stdout, "request id").is_some_and(|id| !id.is_empty()),
        "{}",
        created.stdout
    );
    r.ok(&env, "create_channel", &["c-flow-2"]);
    r.ok(&env, "create_channel", &["other"]);

    // Info: the configuration create_channel sent, as in the guide.
    r.ok(&env, "get_channel_info", &["c-flow"])
        .has_line("description: flow description")
        .has_line("status: enabled")
        .has_line("target type: HLS")
        .has_line("frag duration: 5")
        .has_line("frag count: 3")
        .has_line("playlist name: playlist.m3u8")
        .has_line("snapshot: none");

    // Stat: idle, then live while a publisher is connected.
    let idle = r.ok(&env, "get_channel_stat", &["c-flow"]);
    idle.has_line("status: Idle");
    assert!(
        !idle.stdout.contains("video:") && !idle.stdout.contains("remote addr:"),
        "{}",
        idle.stdout
    );
    emulator
        .begin_publish(
            BUCKET,
            "c-flow",
            LiveSession {
                connected_time: UNIX_EPOCH + Duration::from_secs(CONNECTED_UNIX),
                remote_addr: "10.1.2.3:5678".to_owned(),
                video: Some(VideoStat {
                    width: 1280,
                    height: 720,
                    frame_rate: 30,
                    bandwidth: 100_000,
                    codec: "H264".to_owned(),
                }),
                audio: Some(AudioStat {
                    bandwidth: 16_000,
                    sample_rate: 44_100,
                    codec: "AAC".to_owned(),
                }),
            },
        )
        .expect("begin a publish");
    r.ok(&env, "get_channel_stat", &["c-flow"])
        .has_line("status: Live")
        .has_line(&format!("connected time: {CONNECTED_LINE}"))
        .has_line("remote addr: 10.1.2.3:5678")
        .has_line("video: 1280x720, 30 fps, 100000 B/s, H264")
        .has_line("audio: 44100 Hz, 16000 B/s, AAC");
    assert!(
        emulator
            .end_publish(BUCKET, "c-flow")
            .expect("end the publish")
    );

    // List: a prefix, and a page size of 1 so the pager must follow markers.
    let listed = r.ok(&env, "list_channels", &["c-flow", "1"]);
    listed
        .has_line("channel: c-flow")
        .has_line("channel: c-flow-2")
        .has_line("channels: 2");
    assert!(
        !listed.stdout.contains("channel: other"),
        "{}",
        listed.stdout
    );
    let pages: usize = Run::value(&listed.stdout, "pages")
        .and_then(|p| p.parse().ok())
        .expect("a pages line");
    assert!(
        pages >= 2,
        "page size 1 and 2 channels gave {pages} page(s)"
    );
    assert_eq!(
        listed.count_lines_starting("  last modified: 20"),
        2,
        "{}",
        listed.stdout
    );
    assert!(
        listed
            .stdout
            .lines()
            .filter_map(|l| l.strip_prefix("  last modified: "))
            .all(|v| v.len() > 22
                && v.as_bytes()[10] == b'T'
                && v.as_bytes()[19] == b'Z'
                && v.ends_with(')')),
        "last modified is not ISO-8601 UTC plus the number:\n{}",
        listed.stdout
    );
    listed.has_line(&format!(
        "  publish url: rtmp://{host}/{BUCKET}/live/c-flow"
    ));
    r.ok(&env, "list_channels", &[])
        .has_line("channel: other")
        .has_line("channels: 3");

    // Status: disabled shows in the stat, the info and the list; then back to enabled.
    r.ok(&env, "set_channel_status", &["c-flow", "disabled"])
        .has_line("channel: c-flow")
        .has_line("status: disabled");
    r.ok(&env, "get_channel_stat", &["c-flow"])
        .has_line("status: Disabled");
    r.ok(&env, "get_channel_info", &["c-flow"])
        .has_line("status: disabled");
    let after = r.ok(&env, "list_channels", &["c-flow"]);
    let c_flow_block: String = after
        .stdout
        .split("channel: ")
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    assert!(
        c_flow_block.starts_with("c-flow\n") && c_flow_block.contains("  status: disabled"),
        "{}",
        after.stdout
    );
    r.ok(&env, "set_channel_status", &["c-flow", "enabled"])
        .has_line("status: enabled");
    r.ok(&env, "get_channel_stat", &["c-flow"])
        .has_line("status: Idle");

    // History: the push above.
    let history = r.ok(&env, "get_channel_history", &["c-flow"]);
    history
        .has_line("records: 1")
        .has_line("record 1:")
        .has_line(&format!("  start time: {CONNECTED_LINE}"))
        .has_line("  remote addr: 10.1.2.3:5678");
    assert_eq!(
        history.count_lines_starting("  end time: 20"),
        1,
        "{}",
        history.stdout
    );
    r.ok(&env, "get_channel_history", &["c-flow-2"])
        .has_line("records: 0");

    // Sign: only the URL is printed, and the emulator's RTMP check accepts it.
    let expires = (unix_now() + 3600).to_string();
    let signed = r.ok(
        &env,
        "sign_rtmp_url",
        &["c-flow", "playlist.m3u8", &expires],
    );
    let url = signed.stdout.trim_end();
    assert_eq!(
        signed.stdout.lines().count(),
        1,
        "more than the URL printed:\n{}",
        signed.stdout
    );
    assert!(
        url.starts_with(&format!("rtmp://{host}/{BUCKET}/live/c-flow?")),
        "{url}"
    );
    assert!(url.contains(&format!("Expires={expires}")), "{url}");
    let accepted =
        check_push_url(url, &authority(), emulator.now()).unwrap_or_else(|e| panic!("{url}: {e}"));
    assert_eq!(
        (accepted.bucket.as_str(), accepted.channel.as_str()),
        (BUCKET, "c-flow")
    );
    assert_eq!(accepted.playlist_name.as_deref(), Some("playlist.m3u8"));
    assert_eq!(accepted.access_key_id, AK);
    assert!(
        accepted.token_form.is_some(),
        "the STS token must be in the URL: {url}"
    );
    let bare = r.ok(&env, "sign_rtmp_url", &["c-flow", "", &expires]);
    let bare_url = bare.stdout.trim_end();
    assert!(!bare_url.contains("playlistName"), "{bare_url}");
    let accepted = check_push_url(bare_url, &authority(), emulator.now())
        .unwrap_or_else(|e| panic!("{bare_url}: {e}"));
    assert_eq!(accepted.playlist_name, None);

    // VOD: three fragments recorded ten minutes ago, collected and read back.
    let t0 = unix_now() - 600;
    let fragments = (0..3)
        .map(|i| {
            let start_ms = (t0 as u64) * 1000 + i * 5000;
            let fragment = Fragment {
                start_time: UNIX_EPOCH + Duration::from_millis(start_ms),
                duration: 5.0,
                name: format!("{start_ms}.ts"),
            };
            (fragment, Vec::new())
        })
        .collect();
    emulator
        .add_fragments(BUCKET, "c-flow", fragments)
        .expect("seed fragments");
    let (start, end) = ((t0 - 10).to_string(), (t0 + 60).to_string());
    r.ok(
        &env,
        "post_vod_playlist",
        &["c-flow", "vod.m3u8", &start, &end],
    )
    .has_line("playlist: c-flow/vod.m3u8")
    .has_line(&format!("start time: {} ({start})", iso_utc(t0 - 10)));
    let vod = r.ok(&env, "get_vod_playlist", &["c-flow", &start, &end]);
    vod.has_line("#EXTM3U").has_line("#EXT-X-ENDLIST");
    for i in 0..3 {
        vod.has_line(&format!("{}.ts", (t0 as u64) * 1000 + i * 5000));
    }

    // Delete all three; the list is empty and the channel is gone.
    for channel in ["c-flow", "c-flow-2", "other"] {
        r.ok(&env, "delete_channel", &[channel])
            .has_line(&format!("deleted channel: {channel}"));
    }
    r.ok(&env, "list_channels", &[]).has_line("channels: 0");
    r.expect(&env, 1, "get_channel_info", &["c-flow"])
        .has_err_line("code: NoSuchLiveChannel");
}

/// `YYYY-MM-DDTHH:MM:SSZ` for Unix seconds (days to civil date, Howard Hinnant's method).
fn iso_utc(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[test]
fn iso_utc_helper_is_right() {
    assert_eq!(iso_utc(0), "1970-01-01T00:00:00Z");
    assert_eq!(iso_utc(CONNECTED_UNIX as i64), "2023-11-14T22:13:20Z");
    assert_eq!(iso_utc(951_782_400), "2000-02-29T00:00:00Z");
}

#[test]
fn static_build_runs_the_lifecycle() {
    lifecycle(&Runner::new(Kind::Static), &start_emulator());
}

#[test]
fn shared_build_runs_the_lifecycle() {
    lifecycle(&Runner::new(Kind::Shared), &start_emulator());
}
