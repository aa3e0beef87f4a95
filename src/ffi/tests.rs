//! The C ABI's handles read and changed from Rust, without a server: the configuration
//! setters check their arguments and change nothing on failure, and every getter of a
//! result answers what the result holds, NULL, 0 or -1 out of range, and the same for a
//! NULL handle. (The operations themselves are tested against the emulator in
//! tests/ffi_operations.rs: in these unit tests the emulator's own copy of osslive would
//! define every `#[no_mangle]` function a second time.)

use std::ffi::{CStr, CString, c_char, c_int};
use std::ptr::{null, null_mut};
use std::time::{Duration, SystemTime};

use super::channel::*;
use super::channel_config::*;
use super::channel_history::*;
use super::channel_info::*;
use super::channel_list::*;
use super::channel_stat::*;
use super::create_result::*;
use super::error::*;
use super::rtmp::*;
use super::vod_playlist::*;
use super::{OSSLIVE_ERR_INVALID_ARGUMENT, OSSLIVE_OK};
use crate::time::from_unix_seconds;
use crate::{
    ChannelStatus, CreateLiveChannelResult, ListLiveChannelResult, LiveChannelAudio,
    LiveChannelConfiguration, LiveChannelHistory, LiveChannelInfo, LiveChannelSnapshot,
    LiveChannelStat, LiveChannelSummary, LiveChannelTarget, LiveChannelVideo, LiveRecord,
    LiveStatus, SignedRtmpUrl, VodPlaylist,
};

/// A C string the library handed out, as `&str`; `None` for NULL.
fn text<'a>(p: *const c_char) -> Option<&'a str> {
    // SAFETY: the library returns NULL or NUL-terminated UTF-8 valid while the test runs.
    (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_str().unwrap())
}

/// Everything an `osslive_error` tells, read and freed.
#[derive(Debug)]
struct Failure {
    status: c_int,
    message: String,
    field: Option<String>,
}

/// Runs a fallible call with an error out-parameter: `Ok` on `OSSLIVE_OK` (and then no
/// error was stored), else what the error says.
fn call(f: impl FnOnce(*mut *mut osslive_error) -> c_int) -> Result<(), Failure> {
    let mut err: *mut osslive_error = null_mut();
    let status = f(&mut err);
    if status == OSSLIVE_OK {
        assert!(err.is_null(), "an error was stored on success");
        return Ok(());
    }
    assert!(!err.is_null(), "status {status} without an error");
    // SAFETY: `err` is a live error until freed at the end.
    let failure = unsafe {
        Failure {
            status: osslive_error_status(err),
            message: text(osslive_error_message(err)).unwrap().to_owned(),
            field: text(osslive_error_field(err)).map(str::to_owned),
        }
    };
    assert_eq!(failure.status, status, "{failure:?}");
    // SAFETY: freed once.
    unsafe { osslive_error_free(err) };
    Err(failure)
}

/// Asserts an invalid-argument failure whose message names `name`; returns it.
#[track_caller]
fn invalid(result: Result<(), Failure>, name: &str) -> Failure {
    let failure = result.expect_err("the call should have failed");
    assert_eq!(failure.status, OSSLIVE_ERR_INVALID_ARGUMENT, "{failure:?}");
    assert!(
        failure.message.contains(name),
        "{:?} does not name {name:?}",
        failure.message
    );
    failure
}

/// Asserts an invalid-argument failure for the OSS field `field`.
#[track_caller]
fn invalid_field(result: Result<(), Failure>, field: &str) {
    let failure = invalid(result, field);
    assert_eq!(failure.field.as_deref(), Some(field), "{failure:?}");
}

fn cs(s: &str) -> CString {
    CString::new(s).unwrap()
}

const NOT_UTF8: &[u8] = b"\xff\0";

fn not_utf8() -> *const c_char {
    NOT_UTF8.as_ptr().cast()
}

#[test]
fn status_constants_are_distinct() {
    assert_eq!((OSSLIVE_CHANNEL_ENABLED, OSSLIVE_CHANNEL_DISABLED), (0, 1));
    assert_eq!(
        (OSSLIVE_LIVE_IDLE, OSSLIVE_LIVE_LIVE, OSSLIVE_LIVE_DISABLED),
        (0, 1, 2)
    );
}

#[test]
fn channel_config_defaults_and_setters() {
    let config = osslive_channel_config_new();
    assert!(!config.is_null());
    // SAFETY: `config` is live until freed at the end; strings outlive the calls.
    unsafe {
        assert_eq!((*config).config, LiveChannelConfiguration::default());
        let (description, playlist) = (cs("my channel"), cs("live.m3u8"));
        call(|e| osslive_channel_config_set_description(config, description.as_ptr(), e)).unwrap();
        call(|e| osslive_channel_config_set_status(config, OSSLIVE_CHANNEL_DISABLED, e)).unwrap();
        call(|e| osslive_channel_config_set_target(config, 10, 4, playlist.as_ptr(), e)).unwrap();
        let (role, dest, topic) = (cs("role"), cs("snapshotdest"), cs("topic"));
        let set = osslive_channel_config_set_snapshot(
            config,
            role.as_ptr(),
            dest.as_ptr(),
            topic.as_ptr(),
            7,
            null_mut(),
        );
        assert_eq!(set, OSSLIVE_OK);
        let expected = LiveChannelConfiguration {
            description: "my channel".into(),
            status: ChannelStatus::Disabled,
            target: LiveChannelTarget {
                frag_duration: 10,
                frag_count: 4,
                playlist_name: "live.m3u8".into(),
            },
            snapshot: Some(LiveChannelSnapshot {
                role_name: "role".into(),
                dest_bucket: "snapshotdest".into(),
                notify_topic: "topic".into(),
                interval: 7,
            }),
        };
        assert_eq!((*config).config, expected);
        osslive_channel_config_free(config);
        osslive_channel_config_free(null_mut());
    }
}

#[test]
fn channel_config_setters_check_arguments_and_change_nothing_on_failure() {
    let config = osslive_channel_config_new();
    let ok = cs("ok.m3u8");
    let (role, dest, topic) = (cs("role"), cs("snapshotdest"), cs("topic"));
    // SAFETY: `config` is live until freed at the end; strings outlive the calls.
    unsafe {
        let before = (*config).config.clone();
        // NULL handles and strings, and text that is not UTF-8.
        let d = cs("d");
        invalid(
            call(|e| osslive_channel_config_set_description(null_mut(), d.as_ptr(), e)),
            "config",
        );
        invalid(
            call(|e| osslive_channel_config_set_description(config, null(), e)),
            "description",
        );
        invalid(
            call(|e| osslive_channel_config_set_description(config, not_utf8(), e)),
            "description",
        );
        invalid(
            call(|e| osslive_channel_config_set_status(null_mut(), 0, e)),
            "config",
        );
        invalid(
            call(|e| osslive_channel_config_set_target(null_mut(), 5, 3, ok.as_ptr(), e)),
            "config",
        );
        invalid(
            call(|e| osslive_channel_config_set_target(config, 5, 3, null(), e)),
            "playlist_name",
        );
        invalid(
            call(|e| osslive_channel_config_set_target(config, 5, 3, not_utf8(), e)),
            "playlist_name",
        );
        let snapshot =
            |c, r, d, t, i| call(move |e| osslive_channel_config_set_snapshot(c, r, d, t, i, e));
        invalid(
            snapshot(null_mut(), role.as_ptr(), dest.as_ptr(), topic.as_ptr(), 1),
            "config",
        );
        invalid(
            snapshot(config, null(), dest.as_ptr(), topic.as_ptr(), 1),
            "role_name",
        );
        invalid(
            snapshot(config, role.as_ptr(), null(), topic.as_ptr(), 1),
            "dest_bucket",
        );
        invalid(
            snapshot(config, role.as_ptr(), dest.as_ptr(), null(), 1),
            "notify_topic",
        );
        invalid(
            snapshot(config, not_utf8(), dest.as_ptr(), topic.as_ptr(), 1),
            "role_name",
        );
        invalid(
            snapshot(config, role.as_ptr(), not_utf8(), topic.as_ptr(), 1),
            "dest_bucket",
        );
        invalid(
            snapshot(config, role.as_ptr(), dest.as_ptr(), not_utf8(), 1),
            "notify_topic",
        );

        // Values that break OSS rules name the OSS field.
        let long = cs(&"d".repeat(129));
        invalid_field(
            call(|e| osslive_channel_config_set_description(config, long.as_ptr(), e)),
            "Description",
        );
        invalid(
            call(|e| osslive_channel_config_set_status(config, 2, e)),
            "status",
        );
        invalid(
            call(|e| osslive_channel_config_set_status(config, -1, e)),
            "status",
        );
        invalid_field(
            call(|e| osslive_channel_config_set_target(config, 0, 3, ok.as_ptr(), e)),
            "Target.FragDuration",
        );
        invalid_field(
            call(|e| osslive_channel_config_set_target(config, 101, 3, ok.as_ptr(), e)),
            "Target.FragDuration",
        );
        invalid_field(
            call(|e| osslive_channel_config_set_target(config, 5, 0, ok.as_ptr(), e)),
            "Target.FragCount",
        );
        invalid_field(
            call(|e| osslive_channel_config_set_target(config, 5, 101, ok.as_ptr(), e)),
            "Target.FragCount",
        );
        for bad in ["list.txt", "a/b.m3u8", ".m3u8", ""] {
            let bad = cs(bad);
            invalid_field(
                call(|e| osslive_channel_config_set_target(config, 5, 3, bad.as_ptr(), e)),
                "Target.PlaylistName",
            );
        }
        let empty = cs("");
        invalid_field(
            snapshot(config, empty.as_ptr(), dest.as_ptr(), topic.as_ptr(), 1),
            "Snapshot.RoleName",
        );
        let bad_bucket = cs("Not_A_Bucket");
        invalid_field(
            snapshot(
                config,
                role.as_ptr(),
                bad_bucket.as_ptr(),
                topic.as_ptr(),
                1,
            ),
            "Snapshot.DestBucket",
        );
        invalid_field(
            snapshot(config, role.as_ptr(), dest.as_ptr(), empty.as_ptr(), 1),
            "Snapshot.NotifyTopic",
        );
        invalid_field(
            snapshot(config, role.as_ptr(), dest.as_ptr(), topic.as_ptr(), 0),
            "Snapshot.Interval",
        );
        invalid_field(
            snapshot(config, role.as_ptr(), dest.as_ptr(), topic.as_ptr(), 101),
            "Snapshot.Interval",
        );
        assert_eq!(
            (*config).config,
            before,
            "a failed setter changed the config"
        );

        // err may be NULL.
        assert_eq!(
            osslive_channel_config_set_status(config, 9, null_mut()),
            OSSLIVE_ERR_INVALID_ARGUMENT
        );
        assert_eq!(
            osslive_channel_config_set_description(null_mut(), null(), null_mut()),
            OSSLIVE_ERR_INVALID_ARGUMENT
        );
        osslive_channel_config_free(config);
    }
}

#[test]
fn create_result_accessors() {
    let r = Box::into_raw(Box::new(osslive_create_result::from(
        CreateLiveChannelResult {
            publish_urls: vec!["rtmp://b.example/live/ch".into()],
            play_urls: vec!["http://b.example/ch/playlist.m3u8".into()],
            request_id: Some("RID".into()),
        },
    )));
    // SAFETY: `r` is live until freed; NULL is allowed everywhere.
    unsafe {
        assert_eq!(osslive_create_result_publish_url_count(r), 1);
        assert_eq!(
            text(osslive_create_result_publish_url(r, 0)),
            Some("rtmp://b.example/live/ch")
        );
        assert_eq!(text(osslive_create_result_publish_url(r, 1)), None);
        assert_eq!(text(osslive_create_result_publish_url(r, usize::MAX)), None);
        assert_eq!(osslive_create_result_play_url_count(r), 1);
        assert_eq!(
            text(osslive_create_result_play_url(r, 0)),
            Some("http://b.example/ch/playlist.m3u8")
        );
        assert_eq!(text(osslive_create_result_play_url(r, 1)), None);
        assert_eq!(text(osslive_create_result_request_id(r)), Some("RID"));
        osslive_create_result_free(r);

        assert_eq!(osslive_create_result_publish_url_count(null()), 0);
        assert!(osslive_create_result_publish_url(null(), 0).is_null());
        assert_eq!(osslive_create_result_play_url_count(null()), 0);
        assert!(osslive_create_result_play_url(null(), 0).is_null());
        assert!(osslive_create_result_request_id(null()).is_null());
        osslive_create_result_free(null_mut());
    }
}

#[test]
fn channel_list_accessors() {
    let t = from_unix_seconds(1_700_000_000) + Duration::from_millis(250);
    let list = Box::into_raw(Box::new(osslive_channel_list::from(
        ListLiveChannelResult {
            prefix: "ch".into(),
            marker: String::new(),
            max_keys: 2,
            is_truncated: true,
            next_marker: Some("ch2".into()),
            channels: vec![
                LiveChannelSummary {
                    name: "ch1".into(),
                    description: "first".into(),
                    status: ChannelStatus::Enabled,
                    last_modified: Some(t),
                    publish_urls: vec!["rtmp://x/live/ch1".into(), "rtmp://y/live/ch1".into()],
                    play_urls: vec!["http://x/ch1/p.m3u8".into()],
                },
                LiveChannelSummary {
                    name: "ch2".into(),
                    description: String::new(),
                    status: ChannelStatus::Disabled,
                    last_modified: None,
                    publish_urls: Vec::new(),
                    play_urls: Vec::new(),
                },
            ],
            request_id: None,
        },
    )));
    // SAFETY: `list` is live until freed; NULL is allowed everywhere.
    unsafe {
        assert_eq!(osslive_channel_list_len(list), 2);
        assert!(osslive_channel_list_is_truncated(list));
        assert_eq!(text(osslive_channel_list_next_marker(list)), Some("ch2"));
        assert_eq!(text(osslive_channel_list_prefix(list)), Some("ch"));
        assert_eq!(text(osslive_channel_list_marker(list)), Some(""));
        assert_eq!(osslive_channel_list_max_keys(list), 2);
        assert_eq!(text(osslive_channel_list_request_id(list)), None);

        assert_eq!(text(osslive_channel_list_name(list, 0)), Some("ch1"));
        assert_eq!(
            text(osslive_channel_list_description(list, 0)),
            Some("first")
        );
        assert_eq!(
            osslive_channel_list_status(list, 0),
            OSSLIVE_CHANNEL_ENABLED
        );
        assert_eq!(osslive_channel_list_last_modified(list, 0), 1_700_000_000);
        assert_eq!(
            text(osslive_channel_list_publish_url(list, 0)),
            Some("rtmp://x/live/ch1")
        );
        assert_eq!(
            text(osslive_channel_list_play_url(list, 0)),
            Some("http://x/ch1/p.m3u8")
        );
        // Every URL, not only the first.
        assert_eq!(osslive_channel_list_publish_url_count(list, 0), 2);
        assert_eq!(
            text(osslive_channel_list_publish_url_at(list, 0, 0)),
            Some("rtmp://x/live/ch1")
        );
        assert_eq!(
            text(osslive_channel_list_publish_url_at(list, 0, 1)),
            Some("rtmp://y/live/ch1")
        );
        assert_eq!(osslive_channel_list_play_url_count(list, 0), 1);
        assert_eq!(
            text(osslive_channel_list_play_url_at(list, 0, 0)),
            Some("http://x/ch1/p.m3u8")
        );
        for u in [2, usize::MAX] {
            assert!(osslive_channel_list_publish_url_at(list, 0, u).is_null());
        }
        assert!(osslive_channel_list_play_url_at(list, 0, 1).is_null());

        assert_eq!(text(osslive_channel_list_name(list, 1)), Some("ch2"));
        assert_eq!(text(osslive_channel_list_description(list, 1)), Some(""));
        assert_eq!(
            osslive_channel_list_status(list, 1),
            OSSLIVE_CHANNEL_DISABLED
        );
        assert_eq!(osslive_channel_list_last_modified(list, 1), 0);
        assert_eq!(text(osslive_channel_list_publish_url(list, 1)), None);
        assert_eq!(text(osslive_channel_list_play_url(list, 1)), None);
        assert_eq!(osslive_channel_list_publish_url_count(list, 1), 0);
        assert_eq!(osslive_channel_list_play_url_count(list, 1), 0);
        assert!(osslive_channel_list_publish_url_at(list, 1, 0).is_null());
        assert!(osslive_channel_list_play_url_at(list, 1, 0).is_null());

        for i in [2, usize::MAX] {
            assert!(osslive_channel_list_name(list, i).is_null());
            assert!(osslive_channel_list_description(list, i).is_null());
            assert_eq!(osslive_channel_list_status(list, i), -1);
            assert_eq!(osslive_channel_list_last_modified(list, i), 0);
            assert!(osslive_channel_list_publish_url(list, i).is_null());
            assert!(osslive_channel_list_play_url(list, i).is_null());
            assert_eq!(osslive_channel_list_publish_url_count(list, i), 0);
            assert_eq!(osslive_channel_list_play_url_count(list, i), 0);
            assert!(osslive_channel_list_publish_url_at(list, i, 0).is_null());
            assert!(osslive_channel_list_play_url_at(list, i, 0).is_null());
        }
        osslive_channel_list_free(list);

        assert_eq!(osslive_channel_list_len(null()), 0);
        assert!(!osslive_channel_list_is_truncated(null()));
        assert!(osslive_channel_list_next_marker(null()).is_null());
        assert!(osslive_channel_list_prefix(null()).is_null());
        assert!(osslive_channel_list_marker(null()).is_null());
        assert_eq!(osslive_channel_list_max_keys(null()), 0);
        assert!(osslive_channel_list_request_id(null()).is_null());
        assert!(osslive_channel_list_name(null(), 0).is_null());
        assert!(osslive_channel_list_description(null(), 0).is_null());
        assert_eq!(osslive_channel_list_status(null(), 0), -1);
        assert_eq!(osslive_channel_list_last_modified(null(), 0), 0);
        assert!(osslive_channel_list_publish_url(null(), 0).is_null());
        assert!(osslive_channel_list_play_url(null(), 0).is_null());
        assert_eq!(osslive_channel_list_publish_url_count(null(), 0), 0);
        assert_eq!(osslive_channel_list_play_url_count(null(), 0), 0);
        assert!(osslive_channel_list_publish_url_at(null(), 0, 0).is_null());
        assert!(osslive_channel_list_play_url_at(null(), 0, 0).is_null());
        osslive_channel_list_free(null_mut());
    }
}

#[test]
fn empty_next_marker_reads_as_null() {
    let list = osslive_channel_list::from(ListLiveChannelResult {
        prefix: String::new(),
        marker: String::new(),
        max_keys: 100,
        is_truncated: false,
        next_marker: Some(String::new()),
        channels: Vec::new(),
        request_id: Some("R".into()),
    });
    // SAFETY: `list` lives on the stack for the calls.
    unsafe {
        assert!(osslive_channel_list_next_marker(&list).is_null());
        assert_eq!(text(osslive_channel_list_request_id(&list)), Some("R"));
        assert!(osslive_channel_list_name(&list, 0).is_null());
    }
}

#[test]
fn channel_info_accessors() {
    let full = osslive_channel_info::from(LiveChannelInfo {
        description: Some(String::new()),
        status: Some(ChannelStatus::Disabled),
        target_type: Some("HLS".into()),
        frag_duration: Some(2),
        frag_count: Some(3),
        playlist_name: Some("p.m3u8".into()),
        snapshot: Some(LiveChannelSnapshot {
            role_name: "role".into(),
            dest_bucket: "dest".into(),
            notify_topic: "topic".into(),
            interval: 9,
        }),
        request_id: Some("RID".into()),
    });
    let empty = osslive_channel_info::from(LiveChannelInfo {
        description: None,
        status: None,
        target_type: None,
        frag_duration: None,
        frag_count: None,
        playlist_name: None,
        snapshot: None,
        request_id: None,
    });
    // SAFETY: both handles live on the stack for the calls; NULL is allowed.
    unsafe {
        let i = &full as *const osslive_channel_info;
        assert_eq!(text(osslive_channel_info_description(i)), Some(""));
        assert_eq!(osslive_channel_info_status(i), OSSLIVE_CHANNEL_DISABLED);
        assert_eq!(text(osslive_channel_info_target_type(i)), Some("HLS"));
        assert_eq!(osslive_channel_info_frag_duration(i), 2);
        assert_eq!(osslive_channel_info_frag_count(i), 3);
        assert_eq!(text(osslive_channel_info_playlist_name(i)), Some("p.m3u8"));
        assert!(osslive_channel_info_has_snapshot(i));
        assert_eq!(
            text(osslive_channel_info_snapshot_role_name(i)),
            Some("role")
        );
        assert_eq!(
            text(osslive_channel_info_snapshot_dest_bucket(i)),
            Some("dest")
        );
        assert_eq!(
            text(osslive_channel_info_snapshot_notify_topic(i)),
            Some("topic")
        );
        assert_eq!(osslive_channel_info_snapshot_interval(i), 9);
        assert_eq!(text(osslive_channel_info_request_id(i)), Some("RID"));

        for i in [&empty as *const osslive_channel_info, null()] {
            assert!(osslive_channel_info_description(i).is_null());
            assert_eq!(osslive_channel_info_status(i), -1);
            assert!(osslive_channel_info_target_type(i).is_null());
            assert_eq!(osslive_channel_info_frag_duration(i), 0);
            assert_eq!(osslive_channel_info_frag_count(i), 0);
            assert!(osslive_channel_info_playlist_name(i).is_null());
            assert!(!osslive_channel_info_has_snapshot(i));
            assert!(osslive_channel_info_snapshot_role_name(i).is_null());
            assert!(osslive_channel_info_snapshot_dest_bucket(i).is_null());
            assert!(osslive_channel_info_snapshot_notify_topic(i).is_null());
            assert_eq!(osslive_channel_info_snapshot_interval(i), 0);
            assert!(osslive_channel_info_request_id(i).is_null());
        }
        osslive_channel_info_free(null_mut());
    }
}

#[test]
fn channel_stat_accessors() {
    let live = osslive_channel_stat::from(LiveChannelStat {
        status: LiveStatus::Live,
        connected_time: Some(from_unix_seconds(1_700_000_000)),
        remote_addr: Some("10.0.0.1:5000".into()),
        video: Some(LiveChannelVideo {
            width: 1280,
            height: 720,
            frame_rate: 30,
            bandwidth: 5_000_000_000,
            codec: "H264".into(),
        }),
        audio: Some(LiveChannelAudio {
            bandwidth: 20_000,
            sample_rate: 44_100,
            codec: String::new(),
        }),
        request_id: Some("RID".into()),
    });
    let idle = osslive_channel_stat::from(LiveChannelStat {
        status: LiveStatus::Idle,
        connected_time: None,
        remote_addr: None,
        video: None,
        audio: None,
        request_id: None,
    });
    // SAFETY: both handles live on the stack for the calls; NULL is allowed.
    unsafe {
        let s = &live as *const osslive_channel_stat;
        assert_eq!(osslive_channel_stat_status(s), OSSLIVE_LIVE_LIVE);
        assert_eq!(osslive_channel_stat_connected_time(s), 1_700_000_000);
        assert_eq!(
            text(osslive_channel_stat_remote_addr(s)),
            Some("10.0.0.1:5000")
        );
        assert!(osslive_channel_stat_has_video(s));
        assert_eq!(osslive_channel_stat_video_width(s), 1280);
        assert_eq!(osslive_channel_stat_video_height(s), 720);
        assert_eq!(osslive_channel_stat_video_frame_rate(s), 30);
        assert_eq!(osslive_channel_stat_video_bandwidth(s), 5_000_000_000);
        assert_eq!(text(osslive_channel_stat_video_codec(s)), Some("H264"));
        assert!(osslive_channel_stat_has_audio(s));
        assert_eq!(osslive_channel_stat_audio_bandwidth(s), 20_000);
        assert_eq!(osslive_channel_stat_audio_sample_rate(s), 44_100);
        assert!(osslive_channel_stat_audio_codec(s).is_null(), "empty codec");
        assert_eq!(text(osslive_channel_stat_request_id(s)), Some("RID"));

        assert_eq!(osslive_channel_stat_status(&idle), OSSLIVE_LIVE_IDLE);
        assert_eq!(osslive_channel_stat_status(null()), -1);
        for s in [&idle as *const osslive_channel_stat, null()] {
            assert_eq!(osslive_channel_stat_connected_time(s), 0);
            assert!(osslive_channel_stat_remote_addr(s).is_null());
            assert!(!osslive_channel_stat_has_video(s));
            assert_eq!(osslive_channel_stat_video_width(s), 0);
            assert_eq!(osslive_channel_stat_video_height(s), 0);
            assert_eq!(osslive_channel_stat_video_frame_rate(s), 0);
            assert_eq!(osslive_channel_stat_video_bandwidth(s), 0);
            assert!(osslive_channel_stat_video_codec(s).is_null());
            assert!(!osslive_channel_stat_has_audio(s));
            assert_eq!(osslive_channel_stat_audio_bandwidth(s), 0);
            assert_eq!(osslive_channel_stat_audio_sample_rate(s), 0);
            assert!(osslive_channel_stat_audio_codec(s).is_null());
            assert!(osslive_channel_stat_request_id(s).is_null());
        }
        osslive_channel_stat_free(null_mut());
    }
}

#[test]
fn history_vod_and_rtmp_accessors() {
    let history = osslive_channel_history::from(LiveChannelHistory {
        records: vec![LiveRecord {
            start_time: from_unix_seconds(100),
            end_time: from_unix_seconds(200),
            remote_addr: "1.2.3.4:5".into(),
        }],
        request_id: Some("H".into()),
    });
    let vod = osslive_vod_playlist::from(VodPlaylist {
        m3u8: "#EXTM3U\n".into(),
        request_id: None,
    });
    let expires = SystemTime::UNIX_EPOCH + Duration::from_secs(1_900_000_000);
    let url = osslive_rtmp_url::from(SignedRtmpUrl {
        url: "rtmp://h/live/c?s=1".into(),
        server: "rtmp://h/live".into(),
        stream_key: "c?s=1".into(),
        expires,
    });
    // SAFETY: the handles live on the stack for the calls; NULL is allowed.
    unsafe {
        assert_eq!(osslive_channel_history_len(&history), 1);
        assert_eq!(osslive_channel_history_start_time(&history, 0), 100);
        assert_eq!(osslive_channel_history_end_time(&history, 0), 200);
        assert_eq!(
            text(osslive_channel_history_remote_addr(&history, 0)),
            Some("1.2.3.4:5")
        );
        assert_eq!(
            text(osslive_channel_history_request_id(&history)),
            Some("H")
        );
        for h in [&history as *const osslive_channel_history, null()] {
            assert_eq!(osslive_channel_history_start_time(h, 1), 0);
            assert_eq!(osslive_channel_history_end_time(h, 1), 0);
            assert!(osslive_channel_history_remote_addr(h, 1).is_null());
        }
        assert_eq!(osslive_channel_history_len(null()), 0);
        assert!(osslive_channel_history_request_id(null()).is_null());
        osslive_channel_history_free(null_mut());

        assert_eq!(text(osslive_vod_playlist_text(&vod)), Some("#EXTM3U\n"));
        assert!(osslive_vod_playlist_request_id(&vod).is_null());
        assert!(osslive_vod_playlist_text(null()).is_null());
        assert!(osslive_vod_playlist_request_id(null()).is_null());
        osslive_vod_playlist_free(null_mut());

        assert_eq!(
            text(osslive_rtmp_url_url(&url)),
            Some("rtmp://h/live/c?s=1")
        );
        assert_eq!(text(osslive_rtmp_url_server(&url)), Some("rtmp://h/live"));
        assert_eq!(text(osslive_rtmp_url_stream_key(&url)), Some("c?s=1"));
        assert_eq!(osslive_rtmp_url_expires(&url), 1_900_000_000);
        assert!(osslive_rtmp_url_url(null()).is_null());
        assert!(osslive_rtmp_url_server(null()).is_null());
        assert!(osslive_rtmp_url_stream_key(null()).is_null());
        assert_eq!(osslive_rtmp_url_expires(null()), 0);
        osslive_rtmp_url_free(null_mut());
    }
}
