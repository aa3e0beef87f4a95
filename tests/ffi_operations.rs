//! Each LiveChannel operation of the C ABI against the in-process emulator, called from
//! Rust: a bad argument is refused before anything is sent (the emulator's request log
//! stays empty), each operation sends its arguments (the emulator's state, read back
//! through the Rust API, shows them) and hands back the answer (the request id of the
//! result is the one the emulator logged), and the channel pager walks every page,
//! retrying a failed one.

mod ffi_common;

use std::ffi::c_char;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::ptr::{null, null_mut};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use ffi_common::*;
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
use osslive::ffi::{OSSLIVE_ERR_INVALID_ARGUMENT, OSSLIVE_ERR_SERVICE};
use osslive::time::{from_unix_seconds, unix_seconds};
use osslive::{
    Bucket, ChannelStatus, Client, Credentials, Error, ListOptions, LiveChannelConfiguration,
    LiveStatus,
};
use osslive_emulator::acl::BucketAcl;
use osslive_emulator::auth::{AccessKey, Authority};
use osslive_emulator::faults::Fault;
use osslive_emulator::model::{AudioStat, Fragment, LiveSession, VideoStat};
use osslive_emulator::rtmp_auth::check_push_url;
use osslive_emulator::{Config, Emulator};

const AK: &str = "LTAI5tFfiTestAccessKey";
const SK: &str = "FfiTestAccessKeySecret0123456789";
const REGION: &str = "cn-hangzhou";
const BUCKET: &str = "ffi-bucket";

/// One request the emulator logged: `METHOD PATH STATUS REQUEST-ID LABEL`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Logged {
    method: String,
    path: String,
    status: u16,
    request_id: String,
}

/// An emulator that logs every request, a C client of it (one attempt per call, so each
/// call sends at most one request) and a Rust client to read its state independently.
struct Lab {
    emulator: Emulator,
    log: Arc<Mutex<Vec<Logged>>>,
    client: *mut osslive_client,
    rust: Bucket,
}

impl Lab {
    fn new() -> Lab {
        let log = Arc::new(Mutex::new(Vec::new()));
        let sink = log.clone();
        // The bucket is public-read: `object` reads it without signing, as players do.
        let config = Config::new(AK, SK).bucket_acl(BUCKET, BucketAcl::PublicRead);
        let emulator = Emulator::start(config.request_log(move |line| {
            let mut parts = line.split_whitespace();
            let mut next = || parts.next().unwrap_or_default().to_owned();
            let (method, path, status, request_id) = (next(), next(), next(), next());
            sink.lock().unwrap().push(Logged {
                method,
                path,
                status: status.parse().unwrap_or(0),
                request_id,
            });
        }))
        .unwrap();
        let config = osslive_config_new();
        let (endpoint, region, ak, sk) = (cs(&emulator.endpoint()), cs(REGION), cs(AK), cs(SK));
        let mut client = null_mut();
        // SAFETY: `config` is live until freed; the strings outlive the calls.
        unsafe {
            call(|e| osslive_config_set_endpoint(config, endpoint.as_ptr(), e)).unwrap();
            call(|e| osslive_config_set_region(config, region.as_ptr(), e)).unwrap();
            call(|e| osslive_config_set_credentials(config, ak.as_ptr(), sk.as_ptr(), null(), e))
                .unwrap();
            call(|e| osslive_config_set_retry(config, 1, 0, e)).unwrap();
            call(|e| osslive_client_new(config, &mut client, e)).unwrap();
            osslive_config_free(config);
        }
        let rust = Client::builder()
            .endpoint(emulator.endpoint())
            .region(REGION)
            .credentials(Credentials::new(AK, SK))
            .build()
            .unwrap()
            .bucket(BUCKET)
            .unwrap();
        Lab {
            emulator,
            log,
            client,
            rust,
        }
    }

    fn client(&self) -> *const osslive_client {
        self.client.cast_const()
    }

    fn logged(&self) -> Vec<Logged> {
        self.log.lock().unwrap().clone()
    }

    /// Runs `f` and returns what it returned with the requests logged meanwhile.
    fn during<R>(&self, f: impl FnOnce() -> R) -> (R, Vec<Logged>) {
        let before = self.log.lock().unwrap().len();
        let result = f();
        let after = self.log.lock().unwrap()[before..].to_vec();
        (result, after)
    }

    /// Runs `f`, which must send exactly one request, answered with `status`: its
    /// request id.
    #[track_caller]
    fn one_request<R>(
        &self,
        method: &str,
        path: &str,
        status: u16,
        f: impl FnOnce() -> R,
    ) -> (R, String) {
        let (result, sent) = self.during(f);
        assert_eq!(sent.len(), 1, "{sent:?}");
        let request = &sent[0];
        assert_eq!(
            (
                request.method.as_str(),
                request.path.as_str(),
                request.status
            ),
            (method, path, status),
            "{request:?}"
        );
        (result, request.request_id.clone())
    }

    /// The body of an object, fetched without a signature as players do.
    fn object(&self, key: &str) -> String {
        let mut stream = TcpStream::connect(self.emulator.addr()).unwrap();
        let request = format!(
            "GET /{BUCKET}/{key} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.emulator.addr()
        );
        stream.write_all(request.as_bytes()).unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        let (head, body) = answer.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 200"), "{head}");
        body.to_owned()
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        // SAFETY: made by osslive_client_new, freed once.
        unsafe { osslive_client_free(self.client) };
    }
}

fn authority() -> Authority {
    Authority {
        access_keys: vec![AccessKey {
            id: AK.to_owned(),
            secret: SK.to_owned(),
        }],
        security_tokens: Vec::new(),
        region: REGION.to_owned(),
    }
}

fn unix_i64(t: Option<SystemTime>) -> i64 {
    t.map_or(0, |t| unix_seconds(t) as i64)
}

fn channel_status_to_c(status: Option<ChannelStatus>) -> i32 {
    match status {
        Some(ChannelStatus::Enabled) => OSSLIVE_CHANNEL_ENABLED,
        Some(ChannelStatus::Disabled) => OSSLIVE_CHANNEL_DISABLED,
        None => -1,
    }
}

#[test]
fn every_argument_is_checked_before_anything_is_sent() {
    let lab = Lab::new();
    let c = lab.client();
    let (bucket, channel, playlist) = (cs(BUCKET), cs("chan"), cs("vod.m3u8"));
    let (b, ch, pl) = (bucket.as_ptr(), channel.as_ptr(), playlist.as_ptr());
    let bad = not_utf8();
    let (long, not_m3u8, slash, upper) = (
        cs(&"p".repeat(1025)),
        cs("vod.txt"),
        cs("a/b"),
        cs("Bad_Bucket"),
    );
    let later = now_unix() + 3600;
    // SAFETY: every pointer is NULL, a live handle, or a NUL-terminated string that
    // outlives the calls.
    unsafe {
        let mut created = null_mut();
        let create =
            |c, b, ch, out| call(move |e| osslive_create_live_channel(c, b, ch, null(), out, e));
        invalid(create(null(), b, ch, &mut created), "client");
        invalid(create(c, null(), ch, &mut created), "bucket");
        invalid(create(c, bad, ch, &mut created), "bucket");
        invalid(create(c, b, null(), &mut created), "channel");
        invalid(create(c, b, bad, &mut created), "channel");
        invalid(create(c, b, ch, null_mut()), "result_out");
        invalid_field(create(c, b, slash.as_ptr(), &mut created), "LiveChannel");
        invalid_field(create(c, upper.as_ptr(), ch, &mut created), "Bucket");
        assert!(created.is_null(), "out-parameter written on failure");

        let mut list = null_mut();
        let l =
            |c, b, p, m, k, out| call(move |e| osslive_list_live_channel(c, b, p, m, k, out, e));
        invalid(l(null(), b, null(), null(), 0, &mut list), "client");
        invalid(l(c, null(), null(), null(), 0, &mut list), "bucket");
        invalid(l(c, b, bad, null(), 0, &mut list), "prefix");
        invalid(l(c, b, null(), bad, 0, &mut list), "marker");
        invalid(l(c, b, null(), null(), 0, null_mut()), "list_out");
        invalid_field(l(c, b, null(), null(), -1, &mut list), "max-keys");
        invalid_field(l(c, b, null(), null(), 1001, &mut list), "max-keys");
        invalid_field(l(c, b, long.as_ptr(), null(), 0, &mut list), "prefix");
        invalid_field(l(c, b, null(), long.as_ptr(), 0, &mut list), "marker");
        assert!(list.is_null());

        let mut pager = null_mut();
        let p = |c, b, pre, size, out| {
            call(move |e| osslive_channel_pager_new(c, b, pre, size, out, e))
        };
        invalid(p(null(), b, null(), 0, &mut pager), "client");
        invalid(p(c, null(), null(), 0, &mut pager), "bucket");
        invalid(p(c, b, bad, 0, &mut pager), "prefix");
        invalid_field(p(c, b, long.as_ptr(), 0, &mut pager), "prefix");
        invalid_field(p(c, b, null(), -7, &mut pager), "max-keys");
        invalid_field(p(c, b, null(), 1001, &mut pager), "max-keys");
        invalid(p(c, b, null(), 0, null_mut()), "pager_out");
        assert!(pager.is_null());
        invalid(
            call(|e| osslive_channel_pager_next(null_mut(), &mut list, e)),
            "pager",
        );
        call(|e| osslive_channel_pager_new(c, b, null(), 0, &mut pager, e)).unwrap();
        invalid(
            call(|e| osslive_channel_pager_next(pager, null_mut(), e)),
            "list_out",
        );
        osslive_channel_pager_free(pager);
        osslive_channel_pager_free(null_mut());

        let s = |c, b, ch, st| call(move |e| osslive_put_live_channel_status(c, b, ch, st, e));
        invalid(s(null(), b, ch, OSSLIVE_CHANNEL_ENABLED), "client");
        invalid(s(c, null(), ch, OSSLIVE_CHANNEL_ENABLED), "bucket");
        invalid(s(c, b, null(), OSSLIVE_CHANNEL_ENABLED), "channel");
        invalid(s(c, b, bad, OSSLIVE_CHANNEL_ENABLED), "channel");
        invalid(s(c, b, ch, 2), "status");
        invalid(s(c, b, ch, -1), "status");

        let mut info = null_mut();
        let i = |c, b, ch, out| call(move |e| osslive_get_live_channel_info(c, b, ch, out, e));
        invalid(i(null(), b, ch, &mut info), "client");
        invalid(i(c, null(), ch, &mut info), "bucket");
        invalid(i(c, b, null(), &mut info), "channel");
        invalid(i(c, b, bad, &mut info), "channel");
        invalid(i(c, b, ch, null_mut()), "info_out");
        let mut stat = null_mut();
        let st = |c, b, ch, out| call(move |e| osslive_get_live_channel_stat(c, b, ch, out, e));
        invalid(st(null(), b, ch, &mut stat), "client");
        invalid(st(c, null(), ch, &mut stat), "bucket");
        invalid(st(c, b, null(), &mut stat), "channel");
        invalid(st(c, b, bad, &mut stat), "channel");
        invalid(st(c, b, ch, null_mut()), "stat_out");
        let mut history = null_mut();
        let h = |c, b, ch, out| call(move |e| osslive_get_live_channel_history(c, b, ch, out, e));
        invalid(h(null(), b, ch, &mut history), "client");
        invalid(h(c, null(), ch, &mut history), "bucket");
        invalid(h(c, b, null(), &mut history), "channel");
        invalid(h(c, b, bad, &mut history), "channel");
        invalid(h(c, b, ch, null_mut()), "history_out");
        assert!(info.is_null() && stat.is_null() && history.is_null());

        let post =
            |c, b, ch, pl, s, t| call(move |e| osslive_post_vod_playlist(c, b, ch, pl, s, t, e));
        invalid(post(null(), b, ch, pl, 1, 2), "client");
        invalid(post(c, null(), ch, pl, 1, 2), "bucket");
        invalid(post(c, b, null(), pl, 1, 2), "channel");
        invalid(post(c, b, bad, pl, 1, 2), "channel");
        invalid(post(c, b, ch, null(), 1, 2), "playlist_name");
        invalid(post(c, b, ch, bad, 1, 2), "playlist_name");
        invalid_field(post(c, b, ch, pl, -1, 2), "startTime");
        invalid_field(post(c, b, ch, pl, 1, -2), "endTime");
        invalid_field(post(c, b, ch, pl, 2, 1), "endTime");
        invalid_field(post(c, b, ch, pl, 1, 2 + 86_400), "endTime");
        invalid_field(post(c, b, ch, pl, 1, i64::MAX), "endTime");
        invalid_field(post(c, b, ch, not_m3u8.as_ptr(), 1, 2), "playlistName");
        let mut vod = null_mut();
        let get =
            |c, b, ch, s, t, out| call(move |e| osslive_get_vod_playlist(c, b, ch, s, t, out, e));
        invalid(get(null(), b, ch, 1, 2, &mut vod), "client");
        invalid(get(c, null(), ch, 1, 2, &mut vod), "bucket");
        invalid(get(c, b, null(), 1, 2, &mut vod), "channel");
        invalid(get(c, b, bad, 1, 2, &mut vod), "channel");
        invalid(get(c, b, ch, 1, 2, null_mut()), "playlist_out");
        invalid_field(get(c, b, ch, i64::MIN, 2, &mut vod), "startTime");
        invalid_field(get(c, b, ch, 1, -1, &mut vod), "endTime");
        invalid_field(get(c, b, ch, 5, 5, &mut vod), "endTime");
        assert!(vod.is_null());

        let d = |c, b, ch| call(move |e| osslive_delete_live_channel(c, b, ch, e));
        invalid(d(null(), b, ch), "client");
        invalid(d(c, null(), ch), "bucket");
        invalid(d(c, bad, ch), "bucket");
        invalid(d(c, b, null()), "channel");
        invalid(d(c, b, bad), "channel");
        invalid_field(d(c, b, slash.as_ptr()), "LiveChannel");

        let mut url = null_mut();
        let sign =
            |c, b, ch, pl, t, out| call(move |e| osslive_sign_rtmp_url(c, b, ch, pl, t, out, e));
        invalid(sign(null(), b, ch, null(), later, &mut url), "client");
        invalid(sign(c, null(), ch, null(), later, &mut url), "bucket");
        invalid(sign(c, b, null(), null(), later, &mut url), "channel");
        invalid(sign(c, b, bad, null(), later, &mut url), "channel");
        invalid(sign(c, b, ch, bad, later, &mut url), "playlist_name");
        invalid(sign(c, b, ch, null(), later, null_mut()), "url_out");
        invalid_field(sign(c, b, ch, null(), -1, &mut url), "Expires");
        invalid_field(sign(c, b, ch, null(), later - 7200, &mut url), "Expires");
        invalid_field(sign(c, b, ch, null(), i64::MAX, &mut url), "Expires");
        invalid_field(
            sign(c, b, ch, not_m3u8.as_ptr(), later, &mut url),
            "playlistName",
        );
        let valid_for = |c, b, ch, pl, s, out| {
            call(move |e| osslive_sign_rtmp_url_valid_for(c, b, ch, pl, s, out, e))
        };
        invalid(valid_for(null(), b, ch, null(), 60, &mut url), "client");
        invalid(valid_for(c, null(), ch, null(), 60, &mut url), "bucket");
        invalid(valid_for(c, b, null(), null(), 60, &mut url), "channel");
        invalid(valid_for(c, b, bad, null(), 60, &mut url), "channel");
        invalid(valid_for(c, b, ch, bad, 60, &mut url), "playlist_name");
        invalid(valid_for(c, b, ch, null(), 60, null_mut()), "url_out");
        invalid_field(valid_for(c, b, ch, null(), 0, &mut url), "Expires");
        assert!(url.is_null());

        // err may be NULL: only the status comes back.
        assert_eq!(
            osslive_delete_live_channel(null(), null(), null(), null_mut()),
            OSSLIVE_ERR_INVALID_ARGUMENT
        );
        assert_eq!(
            osslive_get_live_channel_info(c, b, ch, null_mut(), null_mut()),
            OSSLIVE_ERR_INVALID_ARGUMENT
        );
        assert_eq!(
            osslive_channel_pager_next(null_mut(), null_mut(), null_mut()),
            OSSLIVE_ERR_INVALID_ARGUMENT
        );
    }
    let logged = lab.logged();
    assert!(logged.is_empty(), "sent despite a bad argument: {logged:?}");
}

#[test]
fn every_operation_sends_its_arguments_and_returns_the_answer() {
    let lab = Lab::new();
    let c = lab.client();
    let (bucket, channel) = (cs(BUCKET), cs("chan"));
    let (b, ch) = (bucket.as_ptr(), channel.as_ptr());
    let path = "/ffi-bucket/chan";
    // SAFETY: every handle is live until freed; the strings outlive the calls.
    unsafe {
        // PutLiveChannel with every setting, then with NULL for the defaults.
        let config = osslive_channel_config_new();
        let (description, playlist) = (cs("made through the C ABI"), cs("live.m3u8"));
        let (role, dest, topic) = (cs("role"), cs("snapshotdest"), cs("topic"));
        call(|e| osslive_channel_config_set_description(config, description.as_ptr(), e)).unwrap();
        call(|e| osslive_channel_config_set_status(config, OSSLIVE_CHANNEL_DISABLED, e)).unwrap();
        call(|e| osslive_channel_config_set_target(config, 10, 4, playlist.as_ptr(), e)).unwrap();
        call(|e| {
            osslive_channel_config_set_snapshot(
                config,
                role.as_ptr(),
                dest.as_ptr(),
                topic.as_ptr(),
                7,
                e,
            )
        })
        .unwrap();
        let mut created = null_mut();
        let (_, rid) = lab.one_request("PUT", path, 200, || {
            call(|e| osslive_create_live_channel(c, b, ch, config, &mut created, e)).unwrap()
        });
        osslive_channel_config_free(config);
        assert_eq!(
            text(osslive_create_result_request_id(created)),
            Some(rid.as_str())
        );
        let info = lab.rust.get_live_channel_info("chan").unwrap();
        assert_eq!(info.description.as_deref(), Some("made through the C ABI"));
        assert_eq!(info.status, Some(ChannelStatus::Disabled));
        assert_eq!((info.frag_duration, info.frag_count), (Some(10), Some(4)));
        assert_eq!(info.playlist_name.as_deref(), Some("live.m3u8"));
        let snapshot = info.snapshot.as_ref().unwrap();
        assert_eq!(
            (
                snapshot.role_name.as_str(),
                snapshot.dest_bucket.as_str(),
                snapshot.notify_topic.as_str(),
                snapshot.interval
            ),
            ("role", "snapshotdest", "topic", 7)
        );
        // The URLs are the ones the emulator gives the channel.
        let listed = lab.rust.list_live_channel(&ListOptions::default()).unwrap();
        let summary = &listed.channels[0];
        assert_eq!(summary.name, "chan");
        let urls = |count: usize, at: &dyn Fn(usize) -> *const c_char| -> Vec<String> {
            (0..count)
                .map(|i| text(at(i)).unwrap().to_owned())
                .collect()
        };
        assert_eq!(
            urls(osslive_create_result_publish_url_count(created), &|i| {
                osslive_create_result_publish_url(created, i)
            }),
            summary.publish_urls
        );
        assert_eq!(
            urls(osslive_create_result_play_url_count(created), &|i| {
                osslive_create_result_play_url(created, i)
            }),
            summary.play_urls
        );
        osslive_create_result_free(created);

        let defaults = cs("chan-defaults");
        lab.one_request("PUT", "/ffi-bucket/chan-defaults", 200, || {
            call(|e| osslive_create_live_channel(c, b, defaults.as_ptr(), null(), &mut created, e))
                .unwrap()
        });
        osslive_create_result_free(created);
        let info = lab.rust.get_live_channel_info("chan-defaults").unwrap();
        let default = LiveChannelConfiguration::default();
        assert_eq!(info.status, Some(default.status));
        assert_eq!(
            (info.frag_duration, info.frag_count, info.playlist_name),
            (
                Some(default.target.frag_duration),
                Some(default.target.frag_count),
                Some(default.target.playlist_name)
            )
        );
        assert_eq!(info.snapshot, None);

        // PutLiveChannelStatus, both ways.
        for (status, expected) in [
            (OSSLIVE_CHANNEL_ENABLED, ChannelStatus::Enabled),
            (OSSLIVE_CHANNEL_DISABLED, ChannelStatus::Disabled),
            (OSSLIVE_CHANNEL_ENABLED, ChannelStatus::Enabled),
        ] {
            lab.one_request("PUT", path, 200, || {
                call(|e| osslive_put_live_channel_status(c, b, ch, status, e)).unwrap()
            });
            let info = lab.rust.get_live_channel_info("chan").unwrap();
            assert_eq!(info.status, Some(expected));
        }

        // GetLiveChannelInfo: what the Rust API reads too.
        let mut info = null_mut();
        let (_, rid) = lab.one_request("GET", path, 200, || {
            call(|e| osslive_get_live_channel_info(c, b, ch, &mut info, e)).unwrap()
        });
        let expected = lab.rust.get_live_channel_info("chan").unwrap();
        assert_eq!(
            text(osslive_channel_info_description(info)),
            expected.description.as_deref()
        );
        assert_eq!(
            osslive_channel_info_status(info),
            channel_status_to_c(expected.status)
        );
        assert_eq!(
            text(osslive_channel_info_target_type(info)),
            expected.target_type.as_deref()
        );
        assert_eq!(osslive_channel_info_frag_duration(info), 10);
        assert_eq!(osslive_channel_info_frag_count(info), 4);
        assert_eq!(
            text(osslive_channel_info_playlist_name(info)),
            Some("live.m3u8")
        );
        assert!(osslive_channel_info_has_snapshot(info));
        assert_eq!(
            text(osslive_channel_info_snapshot_role_name(info)),
            Some("role")
        );
        assert_eq!(
            text(osslive_channel_info_snapshot_dest_bucket(info)),
            Some("snapshotdest")
        );
        assert_eq!(
            text(osslive_channel_info_snapshot_notify_topic(info)),
            Some("topic")
        );
        assert_eq!(osslive_channel_info_snapshot_interval(info), 7);
        assert_eq!(
            text(osslive_channel_info_request_id(info)),
            Some(rid.as_str())
        );
        osslive_channel_info_free(info);

        // GetLiveChannelStat while a publisher pushes.
        let connected = 1_700_000_000;
        lab.emulator
            .begin_publish(
                BUCKET,
                "chan",
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
        let (_, rid) = lab.one_request("GET", path, 200, || {
            call(|e| osslive_get_live_channel_stat(c, b, ch, &mut stat, e)).unwrap()
        });
        let expected = lab.rust.get_live_channel_stat("chan").unwrap();
        assert_eq!(expected.status, LiveStatus::Live);
        assert_eq!(osslive_channel_stat_status(stat), OSSLIVE_LIVE_LIVE);
        assert_eq!(
            osslive_channel_stat_connected_time(stat),
            unix_i64(expected.connected_time)
        );
        assert_eq!(
            text(osslive_channel_stat_remote_addr(stat)),
            expected.remote_addr.as_deref()
        );
        let video = expected.video.unwrap();
        assert_eq!(
            (
                osslive_channel_stat_video_width(stat),
                osslive_channel_stat_video_height(stat),
                osslive_channel_stat_video_frame_rate(stat),
                osslive_channel_stat_video_bandwidth(stat),
                text(osslive_channel_stat_video_codec(stat)),
            ),
            (
                video.width,
                video.height,
                video.frame_rate,
                video.bandwidth,
                Some(video.codec.as_str())
            )
        );
        let audio = expected.audio.unwrap();
        assert_eq!(
            (
                osslive_channel_stat_audio_bandwidth(stat),
                osslive_channel_stat_audio_sample_rate(stat),
                text(osslive_channel_stat_audio_codec(stat)),
            ),
            (
                audio.bandwidth,
                audio.sample_rate,
                Some(audio.codec.as_str())
            )
        );
        assert_eq!(
            text(osslive_channel_stat_request_id(stat)),
            Some(rid.as_str())
        );
        osslive_channel_stat_free(stat);

        // GetLiveChannelHistory: that push, once it ended.
        assert!(lab.emulator.end_publish(BUCKET, "chan").unwrap());
        let mut history = null_mut();
        let (_, rid) = lab.one_request("GET", path, 200, || {
            call(|e| osslive_get_live_channel_history(c, b, ch, &mut history, e)).unwrap()
        });
        let expected = lab.rust.get_live_channel_history("chan").unwrap();
        assert_eq!(osslive_channel_history_len(history), expected.records.len());
        assert_eq!(expected.records.len(), 1);
        let record = &expected.records[0];
        assert_eq!(
            osslive_channel_history_start_time(history, 0),
            unix_i64(Some(record.start_time))
        );
        assert_eq!(
            osslive_channel_history_end_time(history, 0),
            unix_i64(Some(record.end_time))
        );
        assert_eq!(
            text(osslive_channel_history_remote_addr(history, 0)),
            Some(record.remote_addr.as_str())
        );
        assert_eq!(
            text(osslive_channel_history_request_id(history)),
            Some(rid.as_str())
        );
        osslive_channel_history_free(history);

        // ListLiveChannel: the page echoes the prefix, marker and max-keys it was asked for.
        for name in ["chan-b", "chan-c", "other"] {
            lab.rust
                .create_live_channel(name, &LiveChannelConfiguration::default())
                .unwrap();
        }
        let (prefix, marker) = (cs("chan"), cs("chan"));
        let mut list = null_mut();
        let (_, rid) = lab.one_request("GET", "/ffi-bucket/", 200, || {
            call(|e| {
                osslive_list_live_channel(c, b, prefix.as_ptr(), marker.as_ptr(), 2, &mut list, e)
            })
            .unwrap()
        });
        let expected = lab
            .rust
            .list_live_channel(&ListOptions {
                prefix: Some("chan".into()),
                marker: Some("chan".into()),
                max_keys: Some(2),
            })
            .unwrap();
        assert_eq!(names(list), ["chan-b", "chan-c"]);
        assert_eq!(text(osslive_channel_list_prefix(list)), Some("chan"));
        assert_eq!(text(osslive_channel_list_marker(list)), Some("chan"));
        assert_eq!(osslive_channel_list_max_keys(list), 2);
        assert_eq!(
            osslive_channel_list_is_truncated(list),
            expected.is_truncated
        );
        assert_eq!(
            text(osslive_channel_list_next_marker(list)),
            expected.next_marker.as_deref()
        );
        for (i, summary) in expected.channels.iter().enumerate() {
            assert_eq!(
                text(osslive_channel_list_name(list, i)),
                Some(summary.name.as_str())
            );
            assert_eq!(
                text(osslive_channel_list_description(list, i)),
                Some(summary.description.as_str())
            );
            assert_eq!(
                osslive_channel_list_status(list, i),
                channel_status_to_c(Some(summary.status))
            );
            assert_eq!(
                osslive_channel_list_last_modified(list, i),
                unix_i64(summary.last_modified)
            );
            assert_eq!(
                text(osslive_channel_list_publish_url(list, i)),
                summary.publish_urls.first().map(String::as_str)
            );
            assert_eq!(
                text(osslive_channel_list_play_url(list, i)),
                summary.play_urls.first().map(String::as_str)
            );
            assert_eq!(
                urls(osslive_channel_list_publish_url_count(list, i), &|u| {
                    osslive_channel_list_publish_url_at(list, i, u)
                }),
                summary.publish_urls
            );
            assert_eq!(
                urls(osslive_channel_list_play_url_count(list, i), &|u| {
                    osslive_channel_list_play_url_at(list, i, u)
                }),
                summary.play_urls
            );
        }
        assert_eq!(
            text(osslive_channel_list_request_id(list)),
            Some(rid.as_str())
        );
        osslive_channel_list_free(list);
        // NULL, NULL and 0 send neither prefix, marker nor max-keys: the server's default.
        lab.one_request("GET", "/ffi-bucket/", 200, || {
            call(|e| osslive_list_live_channel(c, b, null(), null(), 0, &mut list, e)).unwrap()
        });
        assert_eq!(
            names(list),
            ["chan", "chan-b", "chan-c", "chan-defaults", "other"]
        );
        assert_eq!(text(osslive_channel_list_prefix(list)), Some(""));
        assert_eq!(text(osslive_channel_list_marker(list)), Some(""));
        assert_eq!(osslive_channel_list_max_keys(list), 100);
        osslive_channel_list_free(list);

        // PostVodPlaylist and GetVodPlaylist over two of three recorded fragments.
        let start = 1_700_001_000_u64;
        let fragment_name = |n: u64| format!("{}000.ts", start + 5 * n);
        let fragments = (0..3)
            .map(|n| {
                (
                    Fragment {
                        start_time: from_unix_seconds(start + 5 * n),
                        duration: 5.0,
                        name: fragment_name(n),
                    },
                    Vec::new(),
                )
            })
            .collect();
        lab.emulator
            .add_fragments(BUCKET, "chan", fragments)
            .unwrap();
        let (s, t) = (start as i64 - 1, start as i64 + 6);
        let vod_name = cs("vod.m3u8");
        let (_, sent) = lab.during(|| {
            call(|e| osslive_post_vod_playlist(c, b, ch, vod_name.as_ptr(), s, t, e)).unwrap()
        });
        assert_eq!(sent.len(), 1, "{sent:?}");
        assert_eq!((sent[0].method.as_str(), sent[0].status), ("POST", 200));
        assert!(sent[0].path.starts_with(path), "{sent:?}");
        let posted = lab.object("chan/vod.m3u8");
        assert!(posted.contains(&fragment_name(0)) && posted.contains(&fragment_name(1)));
        assert!(!posted.contains(&fragment_name(2)), "{posted}");
        let mut vod = null_mut();
        let (_, rid) = lab.one_request("GET", path, 200, || {
            call(|e| osslive_get_vod_playlist(c, b, ch, s, t, &mut vod, e)).unwrap()
        });
        assert_eq!(text(osslive_vod_playlist_text(vod)), Some(posted.as_str()));
        assert_eq!(
            text(osslive_vod_playlist_request_id(vod)),
            Some(rid.as_str())
        );
        osslive_vod_playlist_free(vod);

        // Signing sends nothing, and the emulator's RTMP ingest accepts the URLs.
        let expires = now_unix() + 3600;
        let mut url = null_mut();
        let (_, sent) = lab.during(|| {
            call(|e| osslive_sign_rtmp_url(c, b, ch, null(), expires, &mut url, e)).unwrap();
        });
        assert!(sent.is_empty(), "{sent:?}");
        let whole = text(osslive_rtmp_url_url(url)).unwrap();
        let accepted = check_push_url(whole, &authority(), lab.emulator.now()).unwrap();
        assert_eq!(
            (accepted.bucket.as_str(), accepted.channel.as_str()),
            (BUCKET, "chan")
        );
        assert_eq!(accepted.playlist_name, None);
        assert_eq!(osslive_rtmp_url_expires(url), expires);
        osslive_rtmp_url_free(url);
        let (_, sent) = lab.during(|| {
            call(|e| {
                osslive_sign_rtmp_url_valid_for(c, b, ch, vod_name.as_ptr(), 600, &mut url, e)
            })
            .unwrap();
        });
        assert!(sent.is_empty(), "{sent:?}");
        let whole = text(osslive_rtmp_url_url(url)).unwrap();
        let accepted = check_push_url(whole, &authority(), lab.emulator.now()).unwrap();
        assert_eq!(accepted.playlist_name.as_deref(), Some("vod.m3u8"));
        let left = osslive_rtmp_url_expires(url) - now_unix();
        assert!((590..=601).contains(&left), "{left}");
        osslive_rtmp_url_free(url);

        // DeleteLiveChannel, then again: OSS's 404 with the answer's request id.
        lab.one_request("DELETE", path, 204, || {
            call(|e| osslive_delete_live_channel(c, b, ch, e)).unwrap()
        });
        assert!(matches!(
            lab.rust.get_live_channel_info("chan"),
            Err(Error::Service(s)) if s.code == "NoSuchLiveChannel"
        ));
        let (failure, rid) = lab.one_request("DELETE", path, 404, || {
            call(|e| osslive_delete_live_channel(c, b, ch, e)).unwrap_err()
        });
        assert_eq!(failure.status, OSSLIVE_ERR_SERVICE);
        assert_eq!(failure.http_status, 404);
        assert_eq!(failure.code.as_deref(), Some("NoSuchLiveChannel"));
        assert_eq!(failure.request_id, Some(rid));
        assert!(!failure.retryable);
        assert_eq!(
            osslive_delete_live_channel(c, b, ch, null_mut()),
            OSSLIVE_ERR_SERVICE
        );
        // A failed operation leaves its out-parameter alone.
        let mut info = null_mut();
        let failure = call(|e| osslive_get_live_channel_info(c, b, ch, &mut info, e)).unwrap_err();
        assert_eq!(failure.http_status, 404);
        assert!(info.is_null());
    }
}

/// Every page the pager gives, as the names in each, until NULL.
///
/// # Safety
/// `pager` is a live pager.
unsafe fn page_names(pager: *mut osslive_channel_pager) -> Vec<Vec<String>> {
    let mut pages = Vec::new();
    loop {
        let mut page = null_mut();
        // SAFETY: per the contract; `page` is freed once.
        unsafe {
            call(|e| osslive_channel_pager_next(pager, &mut page, e)).unwrap();
            if page.is_null() {
                return pages;
            }
            pages.push(names(page));
            osslive_channel_list_free(page);
        }
        assert!(pages.len() < 10, "the pager does not end");
    }
}

#[test]
fn the_pager_walks_every_page_and_retries_after_a_failure() {
    let lab = Lab::new();
    let names_made: Vec<String> = (0..22).map(|n| format!("ch-{n:02}")).collect();
    for name in names_made.iter().chain([&"other".to_owned()]) {
        lab.rust
            .create_live_channel(name, &LiveChannelConfiguration::default())
            .unwrap();
    }
    let c = lab.client();
    let (bucket, prefix) = (cs(BUCKET), cs("ch-"));
    let mut pager = null_mut();
    // SAFETY: handles live until freed; the strings outlive the calls.
    unsafe {
        let (_, sent) = lab.during(|| {
            call(|e| {
                osslive_channel_pager_new(c, bucket.as_ptr(), prefix.as_ptr(), 7, &mut pager, e)
            })
            .unwrap()
        });
        assert!(sent.is_empty(), "pager_new sent {sent:?}");

        // The next page: its channels, and the prefix, page size and marker it echoes
        // (the ones it was asked with).
        let next_page = |expected: &[String], marker: &str| {
            let mut page = null_mut();
            let (_, sent) = lab.during(|| {
                call(|e| osslive_channel_pager_next(pager, &mut page, e)).unwrap();
            });
            assert_eq!(sent.len(), 1, "{sent:?}");
            assert_eq!(names(page), expected);
            assert_eq!(text(osslive_channel_list_prefix(page)), Some("ch-"));
            assert_eq!(osslive_channel_list_max_keys(page), 7);
            assert_eq!(text(osslive_channel_list_marker(page)), Some(marker));
            let truncated = osslive_channel_list_is_truncated(page);
            osslive_channel_list_free(page);
            truncated
        };
        assert!(next_page(&names_made[..7], ""));

        // The second page fails once; the pager stays put and the retry gets it.
        lab.emulator.inject_fault(Fault::Status(503), 1);
        let mut page = null_mut();
        let (failure, sent) =
            lab.during(|| call(|e| osslive_channel_pager_next(pager, &mut page, e)).unwrap_err());
        assert_eq!(sent.len(), 1);
        assert_eq!(failure.status, OSSLIVE_ERR_SERVICE);
        assert_eq!(failure.http_status, 503);
        assert!(failure.retryable);
        assert_eq!(failure.attempts, 1, "the lab's client does not retry");
        assert!(page.is_null());
        assert!(next_page(&names_made[7..14], "ch-06"));
        assert!(next_page(&names_made[14..21], "ch-13"));

        // The channel the last page would hold goes away: an empty page after the first
        // is the same as no more pages.
        lab.rust.delete_live_channel("ch-21").unwrap();
        let (rest, sent) = lab.during(|| page_names(pager));
        assert!(rest.is_empty(), "{rest:?}");
        assert_eq!(sent.len(), 1, "{sent:?}");
        // It stays at the end without asking again.
        let (rest, sent) = lab.during(|| page_names(pager));
        assert!(rest.is_empty() && sent.is_empty(), "{rest:?} {sent:?}");
        osslive_channel_pager_free(pager);
    }
    let lists = lab
        .logged()
        .into_iter()
        .filter(|r| r.method == "GET" && r.path == "/ffi-bucket/")
        .count();
    // Page 1, the failure, its retry, page 3, and the empty page that ended the walk.
    assert_eq!(lists, 5);
}

#[test]
fn the_pager_gives_one_empty_page_when_nothing_matches() {
    let lab = Lab::new();
    lab.rust
        .create_live_channel("ch-00", &LiveChannelConfiguration::default())
        .unwrap();
    let c = lab.client();
    let (bucket, prefix) = (cs(BUCKET), cs("none-"));
    let mut pager = null_mut();
    // SAFETY: handles live until freed; the strings outlive the calls.
    unsafe {
        call(|e| osslive_channel_pager_new(c, bucket.as_ptr(), prefix.as_ptr(), 0, &mut pager, e))
            .unwrap();
        let mut page = null_mut();
        let (_, sent) = lab.during(|| {
            call(|e| osslive_channel_pager_next(pager, &mut page, e)).unwrap();
        });
        assert_eq!(sent.len(), 1);
        assert_eq!(osslive_channel_list_len(page), 0);
        // Page size 0 sends no max-keys: the server's default applies.
        assert_eq!(osslive_channel_list_max_keys(page), 100);
        osslive_channel_list_free(page);
        let (rest, sent) = lab.during(|| page_names(pager));
        assert!(rest.is_empty() && sent.is_empty(), "{rest:?} {sent:?}");
        osslive_channel_pager_free(pager);
    }
}

/// `osslive_error_attempts` says how many attempts a failed call made, as `Error::attempts`
/// does in Rust: every retry counted, and the message says it too.
#[test]
fn the_error_counts_the_attempts_a_call_made() {
    let lab = Lab::new();
    let config = osslive_config_new();
    let (endpoint, region, ak, sk) = (cs(&lab.emulator.endpoint()), cs(REGION), cs(AK), cs(SK));
    let (bucket, channel) = (cs(BUCKET), cs("attempts"));
    let mut client = null_mut();
    // SAFETY: `config` is live until freed; the strings outlive the calls; `client` is
    // freed once at the end.
    unsafe {
        call(|e| osslive_config_set_endpoint(config, endpoint.as_ptr(), e)).unwrap();
        call(|e| osslive_config_set_region(config, region.as_ptr(), e)).unwrap();
        call(|e| osslive_config_set_credentials(config, ak.as_ptr(), sk.as_ptr(), null(), e))
            .unwrap();
        call(|e| osslive_config_set_retry(config, 3, 0, e)).unwrap();
        call(|e| osslive_client_new(config, &mut client, e)).unwrap();
        osslive_config_free(config);

        lab.emulator.inject_fault(Fault::Status(503), 3);
        let mut stat = null_mut();
        let (failure, sent) = lab.during(|| {
            call(|e| {
                osslive_get_live_channel_stat(
                    client,
                    bucket.as_ptr(),
                    channel.as_ptr(),
                    &mut stat,
                    e,
                )
            })
            .unwrap_err()
        });
        assert_eq!(sent.len(), 3, "{sent:?}");
        assert_eq!(failure.status, OSSLIVE_ERR_SERVICE, "{failure:?}");
        assert_eq!(failure.attempts, 3, "{failure:?}");
        assert!(
            failure.message.contains("(after 3 attempts)"),
            "{failure:?}"
        );
        assert!(stat.is_null());

        // Answered at once: one attempt.
        let (failure, sent) = lab.during(|| {
            call(|e| {
                osslive_get_live_channel_stat(
                    client,
                    bucket.as_ptr(),
                    channel.as_ptr(),
                    &mut stat,
                    e,
                )
            })
            .unwrap_err()
        });
        assert_eq!(sent.len(), 1, "{sent:?}");
        assert_eq!(
            failure.code.as_deref(),
            Some("NoSuchLiveChannel"),
            "{failure:?}"
        );
        assert_eq!(failure.attempts, 1, "{failure:?}");
        osslive_client_free(client);
    }
}
