//! The C ABI's LiveChannel operations in a round trip against the in-process emulator,
//! calling the exported functions from Rust. (An integration test because the emulator
//! links its own osslive: inside osslive's unit tests its `#[no_mangle]` functions would
//! be defined twice.)

mod ffi_common;

use std::ffi::{CStr, c_char, c_int};
use std::ptr::{null, null_mut};

use ffi_common::*;
use osslive::ffi::OSSLIVE_ERR_SERVICE;
use osslive::ffi::channel::*;
use osslive::ffi::channel_config::*;
use osslive::ffi::channel_history::*;
use osslive::ffi::channel_info::*;
use osslive::ffi::channel_list::*;
use osslive::ffi::channel_stat::*;
use osslive::ffi::client::*;
use osslive::ffi::config::*;
use osslive::ffi::create_result::*;
use osslive::ffi::pager::*;
use osslive::ffi::rtmp::*;
use osslive::ffi::vod_playlist::*;
use osslive::time::from_unix_seconds;
use osslive_emulator::model::{AudioStat, Fragment, LiveSession, VideoStat};
use osslive_emulator::{Config, Emulator};

const AK: &str = "LTAI5tFfiTestAccessKey";
const SK: &str = "FfiTestAccessKeySecret0123456789";
const BUCKET: &str = "ffi-bucket";

/// A signed URL's parts agree, and it carries the playlist name when one was given.
fn check_rtmp_url(url: *const osslive_rtmp_url, playlist: Option<&str>) {
    // SAFETY: `url` is a live RTMP URL.
    let (whole, server, key) = unsafe {
        (
            text(osslive_rtmp_url_url(url)).unwrap(),
            text(osslive_rtmp_url_server(url)).unwrap(),
            text(osslive_rtmp_url_stream_key(url)).unwrap(),
        )
    };
    assert_eq!(format!("{server}/{key}"), whole);
    assert!(
        server.starts_with("rtmp://") && server.ends_with("/live"),
        "{server}"
    );
    assert!(
        key.starts_with("ffi-main?") && key.contains("Signature="),
        "{key}"
    );
    match playlist {
        Some(p) => assert!(key.contains(&format!("playlistName={p}")), "{key}"),
        None => assert!(!key.contains("playlistName"), "{key}"),
    }
}

fn new_client(emulator: &Emulator) -> *mut osslive_client {
    let config = osslive_config_new();
    let (endpoint, region) = (cs(&emulator.endpoint()), cs("cn-hangzhou"));
    let (ak, sk) = (cs(AK), cs(SK));
    let mut client = null_mut();
    // SAFETY: `config` is live until freed; the strings outlive the calls.
    unsafe {
        call(|e| osslive_config_set_endpoint(config, endpoint.as_ptr(), e)).unwrap();
        call(|e| osslive_config_set_region(config, region.as_ptr(), e)).unwrap();
        call(|e| osslive_config_set_credentials(config, ak.as_ptr(), sk.as_ptr(), null(), e))
            .unwrap();
        call(|e| osslive_client_new(config, &mut client, e)).unwrap();
        osslive_config_free(config);
    }
    assert!(!client.is_null());
    client
}

#[test]
fn round_trip_against_the_emulator() {
    let emulator = Emulator::start(Config::new(AK, SK)).unwrap();
    let client = new_client(&emulator);
    let c = client.cast_const();
    let bucket = cs(BUCKET);
    let b = bucket.as_ptr();
    let channel = cs("ffi-main");
    let ch = channel.as_ptr();
    // SAFETY: every handle is live until freed; strings outlive the calls.
    unsafe {
        // create with a configuration
        let config = osslive_channel_config_new();
        let (description, playlist) = (cs("made through the C ABI"), cs("live.m3u8"));
        call(|e| osslive_channel_config_set_description(config, description.as_ptr(), e)).unwrap();
        call(|e| osslive_channel_config_set_target(config, 10, 4, playlist.as_ptr(), e)).unwrap();
        let (role, dest, topic) = (
            cs("snapshot-role"),
            cs("snapshotdest"),
            cs("snapshot-topic"),
        );
        call(|e| {
            osslive_channel_config_set_snapshot(
                config,
                role.as_ptr(),
                dest.as_ptr(),
                topic.as_ptr(),
                6,
                e,
            )
        })
        .unwrap();
        let mut created = null_mut();
        call(|e| osslive_create_live_channel(c, b, ch, config, &mut created, e)).unwrap();
        osslive_channel_config_free(config);
        assert_eq!(osslive_create_result_publish_url_count(created), 1);
        let publish = text(osslive_create_result_publish_url(created, 0))
            .unwrap()
            .to_owned();
        assert!(
            publish.starts_with("rtmp://") && publish.ends_with("/live/ffi-main"),
            "{publish}"
        );
        assert!(osslive_create_result_publish_url(created, 1).is_null());
        assert_eq!(osslive_create_result_play_url_count(created), 1);
        let play = text(osslive_create_result_play_url(created, 0)).unwrap();
        assert!(
            play.starts_with("http") && play.ends_with("/ffi-main/live.m3u8"),
            "{play}"
        );
        assert!(text(osslive_create_result_request_id(created)).is_some());
        osslive_create_result_free(created);

        // info
        let mut info = null_mut();
        call(|e| osslive_get_live_channel_info(c, b, ch, &mut info, e)).unwrap();
        assert_eq!(
            text(osslive_channel_info_description(info)),
            Some("made through the C ABI")
        );
        assert_eq!(osslive_channel_info_status(info), OSSLIVE_CHANNEL_ENABLED);
        assert_eq!(text(osslive_channel_info_target_type(info)), Some("HLS"));
        assert_eq!(osslive_channel_info_frag_duration(info), 10);
        assert_eq!(osslive_channel_info_frag_count(info), 4);
        assert_eq!(
            text(osslive_channel_info_playlist_name(info)),
            Some("live.m3u8")
        );
        assert!(osslive_channel_info_has_snapshot(info));
        assert_eq!(
            text(osslive_channel_info_snapshot_role_name(info)),
            Some("snapshot-role")
        );
        assert_eq!(
            text(osslive_channel_info_snapshot_dest_bucket(info)),
            Some("snapshotdest")
        );
        assert_eq!(
            text(osslive_channel_info_snapshot_notify_topic(info)),
            Some("snapshot-topic")
        );
        assert_eq!(osslive_channel_info_snapshot_interval(info), 6);
        assert!(text(osslive_channel_info_request_id(info)).is_some());
        osslive_channel_info_free(info);

        // stat: idle, then live while a publisher pushes
        let mut stat = null_mut();
        call(|e| osslive_get_live_channel_stat(c, b, ch, &mut stat, e)).unwrap();
        assert_eq!(osslive_channel_stat_status(stat), OSSLIVE_LIVE_IDLE);
        assert_eq!(osslive_channel_stat_connected_time(stat), 0);
        assert!(osslive_channel_stat_remote_addr(stat).is_null());
        assert!(!osslive_channel_stat_has_video(stat) && !osslive_channel_stat_has_audio(stat));
        assert!(text(osslive_channel_stat_request_id(stat)).is_some());
        osslive_channel_stat_free(stat);
        let connected = 1_700_000_000;
        emulator
            .begin_publish(
                BUCKET,
                "ffi-main",
                LiveSession {
                    connected_time: from_unix_seconds(connected),
                    remote_addr: "10.1.2.3:51000".into(),
                    video: Some(VideoStat {
                        width: 1280,
                        height: 720,
                        frame_rate: 30,
                        bandwidth: 250_000,
                        codec: "H264".into(),
                    }),
                    audio: Some(AudioStat {
                        bandwidth: 16_000,
                        sample_rate: 44_100,
                        codec: "AAC".into(),
                    }),
                },
            )
            .unwrap();
        let mut stat = null_mut();
        call(|e| osslive_get_live_channel_stat(c, b, ch, &mut stat, e)).unwrap();
        assert_eq!(osslive_channel_stat_status(stat), OSSLIVE_LIVE_LIVE);
        assert_eq!(osslive_channel_stat_connected_time(stat), connected as i64);
        assert_eq!(
            text(osslive_channel_stat_remote_addr(stat)),
            Some("10.1.2.3:51000")
        );
        assert!(osslive_channel_stat_has_video(stat));
        assert_eq!(osslive_channel_stat_video_width(stat), 1280);
        assert_eq!(osslive_channel_stat_video_height(stat), 720);
        assert_eq!(osslive_channel_stat_video_frame_rate(stat), 30);
        assert_eq!(osslive_channel_stat_video_bandwidth(stat), 250_000);
        assert_eq!(text(osslive_channel_stat_video_codec(stat)), Some("H264"));
        assert!(osslive_channel_stat_has_audio(stat));
        assert_eq!(osslive_channel_stat_audio_bandwidth(stat), 16_000);
        assert_eq!(osslive_channel_stat_audio_sample_rate(stat), 44_100);
        assert_eq!(text(osslive_channel_stat_audio_codec(stat)), Some("AAC"));
        osslive_channel_stat_free(stat);
        assert!(emulator.end_publish(BUCKET, "ffi-main").unwrap());

        // list: one page with the values of the channel
        let prefix = cs("ffi-");
        let mut list = null_mut();
        call(|e| osslive_list_live_channel(c, b, prefix.as_ptr(), null(), 0, &mut list, e))
            .unwrap();
        assert_eq!(names(list), ["ffi-main"]);
        assert!(!osslive_channel_list_is_truncated(list));
        assert!(osslive_channel_list_next_marker(list).is_null());
        assert_eq!(text(osslive_channel_list_prefix(list)), Some("ffi-"));
        assert_eq!(text(osslive_channel_list_marker(list)), Some(""));
        assert_eq!(osslive_channel_list_max_keys(list), 100);
        assert!(text(osslive_channel_list_request_id(list)).is_some());
        assert_eq!(
            text(osslive_channel_list_description(list, 0)),
            Some("made through the C ABI")
        );
        assert_eq!(
            osslive_channel_list_status(list, 0),
            OSSLIVE_CHANNEL_ENABLED
        );
        let modified = osslive_channel_list_last_modified(list, 0);
        assert!((now_unix() - modified).abs() < 300, "{modified}");
        assert_eq!(
            text(osslive_channel_list_publish_url(list, 0)),
            Some(publish.as_str())
        );
        assert!(
            text(osslive_channel_list_play_url(list, 0))
                .unwrap()
                .ends_with("/ffi-main/live.m3u8")
        );
        assert!(osslive_channel_list_name(list, 1).is_null());
        assert_eq!(osslive_channel_list_status(list, 1), -1);
        osslive_channel_list_free(list);

        // 25 more channels with the defaults, then pages of them
        for n in 0..25 {
            let name = cs(&format!("page-{n:02}"));
            let mut created = null_mut();
            call(|e| osslive_create_live_channel(c, b, name.as_ptr(), null(), &mut created, e))
                .unwrap();
            osslive_create_result_free(created);
        }
        let (page_prefix, marker) = (cs("page-"), cs("page-20"));
        let mut list = null_mut();
        call(|e| {
            osslive_list_live_channel(c, b, page_prefix.as_ptr(), marker.as_ptr(), 3, &mut list, e)
        })
        .unwrap();
        assert_eq!(names(list), ["page-21", "page-22", "page-23"]);
        assert!(osslive_channel_list_is_truncated(list));
        assert_eq!(
            text(osslive_channel_list_next_marker(list)),
            Some("page-23")
        );
        assert_eq!(text(osslive_channel_list_marker(list)), Some("page-20"));
        assert_eq!(osslive_channel_list_max_keys(list), 3);
        osslive_channel_list_free(list);

        let mut pager = null_mut();
        call(|e| osslive_channel_pager_new(c, b, page_prefix.as_ptr(), 7, &mut pager, e)).unwrap();
        let (mut all, mut sizes) = (Vec::new(), Vec::new());
        loop {
            let mut page = null_mut();
            call(|e| osslive_channel_pager_next(pager, &mut page, e)).unwrap();
            if page.is_null() {
                break;
            }
            sizes.push(osslive_channel_list_len(page));
            all.extend(names(page));
            osslive_channel_list_free(page);
            assert!(sizes.len() <= 4, "too many pages: {sizes:?}");
        }
        assert_eq!(sizes, [7, 7, 7, 4]);
        let expected: Vec<String> = (0..25).map(|n| format!("page-{n:02}")).collect();
        assert_eq!(all, expected);
        // Past the end it stays at the end.
        let mut page = null_mut();
        call(|e| osslive_channel_pager_next(pager, &mut page, e)).unwrap();
        assert!(page.is_null());
        osslive_channel_pager_free(pager);

        // status
        call(|e| osslive_put_live_channel_status(c, b, ch, OSSLIVE_CHANNEL_DISABLED, e)).unwrap();
        let mut info = null_mut();
        call(|e| osslive_get_live_channel_info(c, b, ch, &mut info, e)).unwrap();
        assert_eq!(osslive_channel_info_status(info), OSSLIVE_CHANNEL_DISABLED);
        osslive_channel_info_free(info);
        let mut stat = null_mut();
        call(|e| osslive_get_live_channel_stat(c, b, ch, &mut stat, e)).unwrap();
        assert_eq!(osslive_channel_stat_status(stat), OSSLIVE_LIVE_DISABLED);
        osslive_channel_stat_free(stat);
        call(|e| osslive_put_live_channel_status(c, b, ch, OSSLIVE_CHANNEL_ENABLED, e)).unwrap();

        // history: the push above
        let mut history = null_mut();
        call(|e| osslive_get_live_channel_history(c, b, ch, &mut history, e)).unwrap();
        assert_eq!(osslive_channel_history_len(history), 1);
        assert_eq!(
            osslive_channel_history_start_time(history, 0),
            connected as i64
        );
        assert!(osslive_channel_history_end_time(history, 0) >= connected as i64);
        assert_eq!(
            text(osslive_channel_history_remote_addr(history, 0)),
            Some("10.1.2.3:51000")
        );
        assert!(osslive_channel_history_remote_addr(history, 1).is_null());
        assert!(text(osslive_channel_history_request_id(history)).is_some());
        osslive_channel_history_free(history);

        // VOD from seeded fragments
        let start = 1_700_001_000_u64;
        let fragments = (0..3)
            .map(|n| {
                let t = start + 5 * n;
                (
                    Fragment {
                        start_time: from_unix_seconds(t),
                        duration: 5.0,
                        name: format!("{t}000.ts"),
                    },
                    Vec::new(),
                )
            })
            .collect();
        emulator
            .add_fragments(BUCKET, "ffi-main", fragments)
            .unwrap();
        let (s, t) = (start as i64 - 1, start as i64 + 60);
        let vod_name = cs("vod.m3u8");
        call(|e| osslive_post_vod_playlist(c, b, ch, vod_name.as_ptr(), s, t, e)).unwrap();
        let mut vod = null_mut();
        call(|e| osslive_get_vod_playlist(c, b, ch, s, t, &mut vod, e)).unwrap();
        let m3u8 = text(osslive_vod_playlist_text(vod)).unwrap();
        assert!(m3u8.starts_with("#EXTM3U"), "{m3u8}");
        for n in 0..3 {
            assert!(m3u8.contains(&format!("{}000.ts", start + 5 * n)), "{m3u8}");
        }
        assert!(text(osslive_vod_playlist_request_id(vod)).is_some());
        osslive_vod_playlist_free(vod);
        // A range without fragments is an error OSS answers.
        let mut vod = null_mut();
        let failure =
            call(|e| osslive_get_vod_playlist(c, b, ch, 1000, 2000, &mut vod, e)).unwrap_err();
        assert_eq!(failure.status, OSSLIVE_ERR_SERVICE, "{failure:?}");
        assert!(vod.is_null());

        // RTMP URLs
        let expires = now_unix() + 3600;
        let mut url = null_mut();
        call(|e| osslive_sign_rtmp_url(c, b, ch, null(), expires, &mut url, e)).unwrap();
        check_rtmp_url(url, None);
        assert_eq!(osslive_rtmp_url_expires(url), expires);
        osslive_rtmp_url_free(url);
        let empty = cs("");
        call(|e| osslive_sign_rtmp_url(c, b, ch, empty.as_ptr(), expires, &mut url, e)).unwrap();
        check_rtmp_url(url, None);
        osslive_rtmp_url_free(url);
        call(|e| osslive_sign_rtmp_url_valid_for(c, b, ch, vod_name.as_ptr(), 600, &mut url, e))
            .unwrap();
        check_rtmp_url(url, Some("vod.m3u8"));
        let left = osslive_rtmp_url_expires(url) - now_unix();
        assert!((590..=601).contains(&left), "{left}");
        osslive_rtmp_url_free(url);

        // delete, then delete again: OSS's 404
        call(|e| osslive_delete_live_channel(c, b, ch, e)).unwrap();
        let Failure {
            status,
            http_status,
            code,
            request_id,
            retryable,
            ..
        } = call(|e| osslive_delete_live_channel(c, b, ch, e)).unwrap_err();
        assert_eq!(status, OSSLIVE_ERR_SERVICE);
        assert_eq!(http_status, 404);
        assert_eq!(code.as_deref(), Some("NoSuchLiveChannel"));
        assert!(request_id.is_some_and(|r| !r.is_empty()));
        assert!(!retryable);
        let mut info = null_mut();
        let failure = call(|e| osslive_get_live_channel_info(c, b, ch, &mut info, e)).unwrap_err();
        assert_eq!(failure.http_status, 404);
        assert!(info.is_null());
        // With err NULL only the status comes back.
        assert_eq!(
            osslive_delete_live_channel(c, b, ch, null_mut()),
            OSSLIVE_ERR_SERVICE
        );

        for n in 0..25 {
            let name = cs(&format!("page-{n:02}"));
            call(|e| osslive_delete_live_channel(c, b, name.as_ptr(), e)).unwrap();
        }
    }
    // SAFETY: made by osslive_client_new, freed once.
    unsafe { osslive_client_free(client) };
}

/// Log lines a C callback received, through its user data pointer.
type Lines = std::sync::Mutex<Vec<(c_int, String)>>;

unsafe extern "C" fn collect(user: *mut std::ffi::c_void, level: c_int, message: *const c_char) {
    // SAFETY: the test passes a `Lines` that outlives the client, and a valid message.
    let lines = unsafe { &*(user as *const Lines) };
    let message = unsafe { CStr::from_ptr(message) }
        .to_str()
        .unwrap()
        .to_owned();
    lines.lock().unwrap().push((level, message));
}

#[test]
fn the_log_callback_tells_requests_and_retries_but_no_secret() {
    let emulator = Emulator::start(Config::new(AK, SK)).unwrap();
    let lines: Lines = Default::default();
    let (endpoint, region, ak, sk, bucket, channel) = (
        cs(&emulator.endpoint()),
        cs("cn-hangzhou"),
        cs(AK),
        cs(SK),
        cs(BUCKET),
        cs("logged"),
    );
    let config = osslive_config_new();
    let mut client = null_mut();
    // SAFETY: handles are live until freed; `lines` outlives the client.
    unsafe {
        call(|e| osslive_config_set_endpoint(config, endpoint.as_ptr(), e)).unwrap();
        call(|e| osslive_config_set_region(config, region.as_ptr(), e)).unwrap();
        call(|e| osslive_config_set_credentials(config, ak.as_ptr(), sk.as_ptr(), null(), e))
            .unwrap();
        call(|e| osslive_config_set_retry(config, 3, 1, e)).unwrap();
        let bad =
            call(|e| osslive_config_set_log_callback(config, Some(collect), null_mut(), 9, e))
                .unwrap_err();
        assert_eq!(bad.status, osslive::ffi::OSSLIVE_ERR_INVALID_ARGUMENT);
        let user = &lines as *const Lines as *mut std::ffi::c_void;
        call(|e| {
            osslive_config_set_log_callback(config, Some(collect), user, OSSLIVE_LOG_DEBUG, e)
        })
        .unwrap();
        call(|e| osslive_client_new(config, &mut client, e)).unwrap();
        osslive_config_free(config);

        emulator.inject_fault(osslive_emulator::faults::Fault::Status(503), 1);
        let mut info = null_mut();
        let missing = call(|e| {
            osslive_get_live_channel_info(client, bucket.as_ptr(), channel.as_ptr(), &mut info, e)
        });
        assert_eq!(
            missing.unwrap_err().code.as_deref(),
            Some("NoSuchLiveChannel")
        );
        osslive_client_free(client);
    }
    let lines = lines.into_inner().unwrap();
    assert!(
        lines
            .iter()
            .any(|(l, m)| *l == OSSLIVE_LOG_DEBUG && m.starts_with("GET http://")),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|(l, m)| *l == OSSLIVE_LOG_INFO && m.contains("attempt 1 of 3 failed")),
        "{lines:?}"
    );
    assert!(
        lines.iter().all(|(_, m)| !m.contains(SK)),
        "a secret reached the log: {lines:?}"
    );
}
