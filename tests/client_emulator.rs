//! The osslive client against an in-process osslive-emulator.
//!
//! Every test starts its own emulator on 127.0.0.1:0, so tests are independent and can run
//! in parallel. Environment-variable credentials are tested in `client_env.rs`, a separate
//! test binary, because the environment is process-global.

use std::collections::BTreeSet;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use osslive::validate::InvalidInput;
use osslive::{
    Addressing, Bucket, ChannelStatus, Client, Error, ListOptions, LiveChannelAudio,
    LiveChannelConfiguration, LiveChannelSnapshot, LiveChannelStat, LiveChannelTarget,
    LiveChannelVideo, LiveStatus, SignatureVersion, TokenForm,
};
use osslive_emulator::auth::{AccessKey, Authority};
use osslive_emulator::faults::Fault;
use osslive_emulator::model::{AudioStat, Fragment, LiveSession, VideoStat};
use osslive_emulator::rtmp_auth::{RtmpUrlProblem, check_push_url};
use osslive_emulator::{Config, Emulator};

use support::*;

/// Common setup: keys, client modes, emulator start, and assertions on errors.
mod support {
    use super::*;
    use osslive::{ClientBuilder, Credentials, ServiceError};

    /// The keys of the spec's vectors (`tests/data/oss2-vectors.json`).
    pub const AK: &str = "LTAI5tTestAccessKeyId";
    pub const SK: &str = "TestAccessKeySecret0123456789abc";
    /// An STS token with the characters that need escaping in URLs.
    pub const TOKEN: &str = "STS.TestSecurityToken+/=";
    /// The endpoint host of virtual-hosted clients, resolved to the emulator.
    pub const VHOST: &str = "oss-cn-hangzhou.aliyuncs.com";

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Style {
        Path,
        Virtual,
    }

    /// One way of talking to OSS: signature version, addressing style, STS or not.
    #[derive(Debug, Clone, Copy)]
    pub struct Mode {
        pub version: SignatureVersion,
        pub style: Style,
        pub sts: bool,
    }

    impl Mode {
        /// A bucket name of its own, so modes can share one emulator.
        pub fn bucket_name(self) -> String {
            let version = match self.version {
                SignatureVersion::V4 => "v4",
                SignatureVersion::V1 => "v1",
            };
            let style = match self.style {
                Style::Path => "path",
                Style::Virtual => "vhost",
            };
            let creds = if self.sts { "sts" } else { "plain" };
            format!("{version}-{style}-{creds}")
        }
    }

    /// V4 and V1 × path-style and virtual-hosted × plain and STS credentials.
    pub fn all_modes() -> Vec<Mode> {
        let mut modes = Vec::new();
        for version in [SignatureVersion::V4, SignatureVersion::V1] {
            for style in [Style::Path, Style::Virtual] {
                for sts in [false, true] {
                    modes.push(Mode {
                        version,
                        style,
                        sts,
                    });
                }
            }
        }
        modes
    }

    /// The plain V4 path-style mode most tests that are not about modes use.
    pub const PLAIN: Mode = Mode {
        version: SignatureVersion::V4,
        style: Style::Path,
        sts: false,
    };

    /// An emulator that accepts `AK`/`SK` and the token `TOKEN`.
    pub fn emulator() -> Emulator {
        Emulator::start(Config::new(AK, SK).security_token(TOKEN)).expect("emulator starts")
    }

    pub fn credentials(sts: bool) -> Credentials {
        let creds = Credentials::new(AK, SK);
        if sts {
            creds.with_security_token(TOKEN)
        } else {
            creds
        }
    }

    /// A builder for `mode`, pointed at the emulator. Virtual-hosted clients use the real
    /// endpoint name resolved to the emulator and derive their region from it. Retries are
    /// off: these tests look at single answers (tests/client_retry.rs covers retrying).
    pub fn builder(emulator: &Emulator, mode: Mode) -> ClientBuilder {
        let builder = Client::builder()
            .max_attempts(1)
            .signature_version(mode.version)
            .credentials(credentials(mode.sts));
        match mode.style {
            Style::Path => builder.endpoint(emulator.endpoint()).region("cn-hangzhou"),
            Style::Virtual => builder
                .endpoint(format!("http://{VHOST}:{}", emulator.addr().port()))
                .resolve(VHOST, emulator.addr()),
        }
    }

    pub fn client(emulator: &Emulator, mode: Mode) -> Client {
        builder(emulator, mode)
            .build()
            .unwrap_or_else(|e| panic!("{mode:?}: {e}"))
    }

    /// The mode's own bucket on `emulator`.
    pub fn bucket(emulator: &Emulator, mode: Mode) -> Bucket {
        client(emulator, mode).bucket(&mode.bucket_name()).unwrap()
    }

    /// `rtmp://…/live` and `http://…` of a bucket as the emulator names them in this mode.
    pub fn url_bases(emulator: &Emulator, mode: Mode, bucket: &str) -> (String, String) {
        let addr = emulator.addr();
        match mode.style {
            Style::Path => (
                format!("rtmp://{addr}/{bucket}/live"),
                format!("http://{addr}/{bucket}"),
            ),
            Style::Virtual => {
                let host = format!("{bucket}.{VHOST}:{}", addr.port());
                (format!("rtmp://{host}/live"), format!("http://{host}"))
            }
        }
    }

    #[track_caller]
    pub fn service(err: &Error) -> &ServiceError {
        match err {
            Error::Service(e) => e,
            other => panic!("expected Error::Service, got {other:?}"),
        }
    }

    /// A service error with this status and code, and a request id to quote.
    #[track_caller]
    pub fn assert_service(err: &Error, status: u16, code: &str) {
        let e = service(err);
        assert_eq!((e.status, e.code.as_str()), (status, code), "{err:?}");
        assert_eq!(err.http_status(), Some(status));
        assert!(
            e.request_id.as_deref().is_some_and(|id| !id.is_empty()),
            "no request id: {err:?}"
        );
        assert_eq!(err.request_id(), e.request_id.as_deref());
    }

    /// A client-side refusal naming `field`, never worth retrying.
    #[track_caller]
    pub fn assert_invalid<T: std::fmt::Debug>(result: Result<T, Error>, field: &str) {
        match result {
            Err(err @ Error::InvalidArgument(InvalidInput { .. })) => {
                let Error::InvalidArgument(input) = &err else {
                    unreachable!()
                };
                assert_eq!(input.field, field, "{err}");
                assert!(!input.rule.is_empty());
                assert!(!err.is_retryable(), "{err}");
                assert_eq!(err.http_status(), None);
                assert!(err.to_string().contains(field), "{err}");
            }
            other => panic!("expected InvalidArgument({field}), got {other:?}"),
        }
    }

    /// Queues one `500` fault. Calls refused on the client leave it queued; the first
    /// request that reaches the emulator consumes it (see [`assert_nothing_was_sent`]).
    pub fn arm_tripwire(emulator: &Emulator) {
        emulator.inject_fault(Fault::Status(500), 1);
    }

    /// Proves no request reached the emulator since [`arm_tripwire`]: the next valid call
    /// still gets the queued 500, and the one after it is served normally.
    #[track_caller]
    pub fn assert_nothing_was_sent(bucket: &Bucket) {
        let err = bucket
            .get_live_channel_stat("tripwire-probe")
            .expect_err("the queued 500 fault should still be waiting for this call");
        assert_service(&err, 500, "InternalError");
        let err = bucket.get_live_channel_stat("tripwire-probe").unwrap_err();
        assert_service(&err, 404, "NoSuchLiveChannel");
    }

    /// Unix seconds as a SystemTime.
    pub fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    /// The current time cut to whole seconds, as OSS documents carry times.
    pub fn now_whole_seconds() -> SystemTime {
        at(SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs())
    }

    pub fn unix(t: SystemTime) -> u64 {
        t.duration_since(UNIX_EPOCH).unwrap().as_secs()
    }

    /// A push with both video and audio, as the C SDK's stat sample has it.
    pub fn session(connected: SystemTime, remote: &str) -> LiveSession {
        LiveSession {
            connected_time: connected,
            remote_addr: remote.to_owned(),
            video: Some(VideoStat {
                width: 1280,
                height: 536,
                frame_rate: 24,
                bandwidth: 1_250_000,
                codec: "H264".to_owned(),
            }),
            audio: Some(AudioStat {
                bandwidth: 16_000,
                sample_rate: 44_100,
                codec: "ADPCM".to_owned(),
            }),
        }
    }

    pub fn snapshot() -> LiveChannelSnapshot {
        LiveChannelSnapshot {
            role_name: "role_for_snapshot".to_owned(),
            dest_bucket: "snapshotdest".to_owned(),
            notify_topic: "snapshotnotify".to_owned(),
            interval: 1,
        }
    }

    /// The full custom configuration of spec §7.2, plus a Snapshot.
    pub fn custom_config() -> LiveChannelConfiguration {
        LiveChannelConfiguration {
            description: "custom & <test> \"quoted\"".to_owned(),
            status: ChannelStatus::Disabled,
            target: LiveChannelTarget {
                frag_duration: 100,
                frag_count: 99,
                playlist_name: "myplay.m3u8".to_owned(),
            },
            snapshot: Some(snapshot()),
        }
    }

    /// GETs an object a channel wrote, with a V1-signed raw request (the client has no
    /// GetObject).
    pub fn get_object(emulator: &Emulator, bucket: &str, key: &str) -> (u16, String) {
        use osslive::signing::{RequestToSign, v1};
        use std::io::{Read, Write};
        let date = osslive::time::http_date(emulator.now());
        let headers = [("Date", date.as_str())];
        let req = RequestToSign {
            method: "GET",
            bucket,
            key: Some(key),
            query: &[],
            headers: &headers,
        };
        let authorization = v1::authorization(AK, SK, &req);
        let path = format!("/{bucket}/{}", osslive::encoding::percent_encode(key, true));
        let wire = format!(
            "GET {path} HTTP/1.1\r\nHost: {}\r\nDate: {date}\r\nAuthorization: {authorization}\r\nConnection: close\r\n\r\n",
            emulator.addr()
        );
        let mut stream = std::net::TcpStream::connect(emulator.addr()).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        stream.write_all(wire.as_bytes()).unwrap();
        let mut raw = String::new();
        stream.read_to_string(&mut raw).unwrap();
        let (head, body) = raw.split_once("\r\n\r\n").expect("an HTTP answer");
        (head[9..12].parse().unwrap(), body.to_owned())
    }

    /// The `.ts` lines of an m3u8, in order.
    pub fn segments(m3u8: &str) -> Vec<&str> {
        m3u8.lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .collect()
    }

    /// The authority an RTMP ingest of the emulator checks push URLs against.
    pub fn authority(secret: &str) -> Authority {
        Authority {
            access_keys: vec![AccessKey {
                id: AK.to_owned(),
                secret: secret.to_owned(),
            }],
            security_tokens: vec![TOKEN.to_owned()],
            region: "cn-hangzhou".to_owned(),
        }
    }

    /// Creates `a-000`..`a-149` and `b-000`..`b-099` (250 channels), returns them sorted.
    pub fn create_250(bucket: &Bucket) -> Vec<String> {
        let names: Vec<String> = (0..150)
            .map(|i| format!("a-{i:03}"))
            .chain((0..100).map(|i| format!("b-{i:03}")))
            .collect();
        for name in &names {
            bucket
                .create_live_channel(name, &LiveChannelConfiguration::default())
                .unwrap();
        }
        names
    }

    pub fn page_names(page: &osslive::ListLiveChannelResult) -> Vec<String> {
        page.channels.iter().map(|c| c.name.clone()).collect()
    }
}

// ---------------------------------------------------------------------------------------
// 1. Every operation in every mode

#[test]
fn clients_derive_region_and_addressing_from_the_endpoint() {
    let emulator = emulator();
    for mode in all_modes() {
        let client = client(&emulator, mode);
        assert_eq!(client.region(), Some("cn-hangzhou"), "{mode:?}");
        assert_eq!(client.signature_version(), mode.version);
        let expected = match mode.style {
            Style::Path => Addressing::PathStyle,
            Style::Virtual => Addressing::VirtualHosted,
        };
        assert_eq!(client.addressing(), expected, "{mode:?}");
    }
}

#[test]
fn create_with_defaults_then_info_returns_the_defaults_in_every_mode() {
    let emulator = emulator();
    for mode in all_modes() {
        let bucket = bucket(&emulator, mode);
        let created = bucket
            .create_live_channel("defaults", &LiveChannelConfiguration::default())
            .unwrap();
        assert!(created.request_id.is_some(), "{mode:?}");
        let info = bucket.get_live_channel_info("defaults").unwrap();
        assert_eq!(info.description.as_deref(), Some(""), "{mode:?}");
        assert_eq!(info.status, Some(ChannelStatus::Enabled), "{mode:?}");
        assert_eq!(info.target_type.as_deref(), Some("HLS"), "{mode:?}");
        assert_eq!(info.frag_duration, Some(5), "{mode:?}");
        assert_eq!(info.frag_count, Some(3), "{mode:?}");
        assert_eq!(
            info.playlist_name.as_deref(),
            Some("playlist.m3u8"),
            "{mode:?}"
        );
        assert_eq!(info.snapshot, None, "{mode:?}");
        assert!(info.request_id.is_some(), "{mode:?}");
    }
}

#[test]
fn create_with_full_custom_config_then_info_returns_it_in_every_mode() {
    let emulator = emulator();
    let config = custom_config();
    for mode in all_modes() {
        let bucket = bucket(&emulator, mode);
        bucket.create_live_channel("custom", &config).unwrap();
        let info = bucket.get_live_channel_info("custom").unwrap();
        assert_eq!(
            info.description.as_deref(),
            Some("custom & <test> \"quoted\""),
            "{mode:?}"
        );
        assert_eq!(info.status, Some(ChannelStatus::Disabled), "{mode:?}");
        assert_eq!(info.target_type.as_deref(), Some("HLS"), "{mode:?}");
        assert_eq!(info.frag_duration, Some(100), "{mode:?}");
        assert_eq!(info.frag_count, Some(99), "{mode:?}");
        assert_eq!(
            info.playlist_name.as_deref(),
            Some("myplay.m3u8"),
            "{mode:?}"
        );
        assert_eq!(info.snapshot, Some(snapshot()), "{mode:?}");
    }
}

#[test]
fn create_overwrites_an_idle_channel() {
    let emulator = emulator();
    let bucket = bucket(&emulator, PLAIN);
    bucket
        .create_live_channel("again", &custom_config())
        .unwrap();
    bucket
        .create_live_channel("again", &LiveChannelConfiguration::default())
        .unwrap();
    let info = bucket.get_live_channel_info("again").unwrap();
    assert_eq!(
        (info.status, info.frag_duration, info.snapshot),
        (Some(ChannelStatus::Enabled), Some(5), None)
    );
}

#[test]
fn create_result_urls_follow_the_addressing_style_in_every_mode() {
    let emulator = emulator();
    for mode in all_modes() {
        let bucket = bucket(&emulator, mode);
        let (rtmp, http) = url_bases(&emulator, mode, bucket.name());
        let created = bucket
            .create_live_channel("urls", &LiveChannelConfiguration::default())
            .unwrap();
        assert_eq!(
            created.publish_urls,
            vec![format!("{rtmp}/urls")],
            "{mode:?}"
        );
        assert_eq!(
            created.play_urls,
            vec![format!("{http}/urls/playlist.m3u8")],
            "{mode:?}"
        );
        assert!(
            created.publish_urls[0].starts_with("rtmp://")
                && created.publish_urls[0].ends_with("/live/urls")
        );

        let created = bucket
            .create_live_channel("urls2", &custom_config())
            .unwrap();
        assert_eq!(
            created.publish_urls,
            vec![format!("{rtmp}/urls2")],
            "{mode:?}"
        );
        assert_eq!(
            created.play_urls,
            vec![format!("{http}/urls2/myplay.m3u8")],
            "{mode:?}"
        );
    }
}

#[test]
fn status_changes_show_in_info_and_stat_in_every_mode() {
    let emulator = emulator();
    for mode in all_modes() {
        let bucket = bucket(&emulator, mode);
        bucket
            .create_live_channel("toggle", &custom_config())
            .unwrap(); // starts disabled
        for status in [
            ChannelStatus::Enabled,
            ChannelStatus::Disabled,
            ChannelStatus::Enabled,
        ] {
            let ack = bucket.put_live_channel_status("toggle", status).unwrap();
            assert_eq!(ack.status, 200, "{mode:?}");
            assert!(ack.request_id.is_some(), "{mode:?}");
            let info = bucket.get_live_channel_info("toggle").unwrap();
            assert_eq!(info.status, Some(status), "{mode:?}");
            // The rest of the configuration is untouched.
            assert_eq!(
                (info.frag_duration, info.frag_count),
                (Some(100), Some(99)),
                "{mode:?}"
            );
            let expected = match status {
                ChannelStatus::Enabled => LiveStatus::Idle,
                ChannelStatus::Disabled => LiveStatus::Disabled,
            };
            assert_eq!(
                bucket.get_live_channel_stat("toggle").unwrap().status,
                expected,
                "{mode:?}"
            );
        }
    }
}

#[test]
fn stat_of_idle_disabled_and_live_channels_in_every_mode() {
    let emulator = emulator();
    let connected = at(1_700_000_000);
    for mode in all_modes() {
        let bucket = bucket(&emulator, mode);
        bucket
            .create_live_channel("idle", &LiveChannelConfiguration::default())
            .unwrap();
        let idle = bucket.get_live_channel_stat("idle").unwrap();
        assert!(idle.request_id.is_some());
        let expected = LiveChannelStat {
            status: LiveStatus::Idle,
            connected_time: None,
            remote_addr: None,
            video: None,
            audio: None,
            request_id: idle.request_id.clone(),
        };
        assert_eq!(idle, expected, "{mode:?}");

        bucket.create_live_channel("off", &custom_config()).unwrap();
        let off = bucket.get_live_channel_stat("off").unwrap();
        assert_eq!(
            (
                off.status,
                off.connected_time,
                off.remote_addr,
                off.video,
                off.audio
            ),
            (LiveStatus::Disabled, None, None, None, None),
            "{mode:?}"
        );

        emulator
            .begin_publish(bucket.name(), "idle", session(connected, "10.1.2.3:47745"))
            .unwrap();
        let live = bucket.get_live_channel_stat("idle").unwrap();
        let expected = LiveChannelStat {
            status: LiveStatus::Live,
            connected_time: Some(connected),
            remote_addr: Some("10.1.2.3:47745".to_owned()),
            video: Some(LiveChannelVideo {
                width: 1280,
                height: 536,
                frame_rate: 24,
                bandwidth: 1_250_000,
                codec: "H264".to_owned(),
            }),
            audio: Some(LiveChannelAudio {
                bandwidth: 16_000,
                sample_rate: 44_100,
                codec: "ADPCM".to_owned(),
            }),
            request_id: live.request_id.clone(),
        };
        assert_eq!(live, expected, "{mode:?}");
        assert!(live.request_id.is_some());
    }
}

#[test]
fn disabling_a_live_channel_ends_the_push_in_every_mode() {
    let emulator = emulator();
    for mode in all_modes() {
        let bucket = bucket(&emulator, mode);
        bucket
            .create_live_channel("cut", &LiveChannelConfiguration::default())
            .unwrap();
        emulator
            .begin_publish(
                bucket.name(),
                "cut",
                session(at(1_700_000_000), "10.2.2.2:2"),
            )
            .unwrap();
        assert_eq!(
            bucket.get_live_channel_stat("cut").unwrap().status,
            LiveStatus::Live
        );
        assert_eq!(
            bucket
                .put_live_channel_status("cut", ChannelStatus::Disabled)
                .unwrap()
                .status,
            200
        );
        let stat = bucket.get_live_channel_stat("cut").unwrap();
        assert_eq!(
            (stat.status, stat.remote_addr),
            (LiveStatus::Disabled, None),
            "{mode:?}"
        );
        let history = bucket.get_live_channel_history("cut").unwrap();
        assert_eq!(history.records.len(), 1, "{mode:?}");
        assert_eq!(history.records[0].remote_addr, "10.2.2.2:2");
        // No longer live, so it can be deleted.
        assert_eq!(bucket.delete_live_channel("cut").unwrap().status, 204);
    }
}

#[test]
fn stat_of_a_live_channel_without_media_yet_has_no_video_or_audio() {
    let emulator = emulator();
    let bucket = bucket(&emulator, PLAIN);
    bucket
        .create_live_channel("connecting", &LiveChannelConfiguration::default())
        .unwrap();
    let session = LiveSession {
        connected_time: at(1_700_000_123),
        remote_addr: "192.0.2.7:1935".into(),
        video: None,
        audio: None,
    };
    emulator
        .begin_publish(bucket.name(), "connecting", session)
        .unwrap();
    let stat = bucket.get_live_channel_stat("connecting").unwrap();
    assert_eq!(stat.status, LiveStatus::Live);
    assert_eq!(stat.connected_time, Some(at(1_700_000_123)));
    assert_eq!(stat.remote_addr.as_deref(), Some("192.0.2.7:1935"));
    assert_eq!((stat.video, stat.audio), (None, None));
}

#[test]
fn history_records_finished_pushes_and_keeps_the_ten_most_recent_in_every_mode() {
    let emulator = emulator();
    let base = 1_700_000_000;
    for mode in all_modes() {
        let bucket = bucket(&emulator, mode);
        bucket
            .create_live_channel("hist", &LiveChannelConfiguration::default())
            .unwrap();
        let empty = bucket.get_live_channel_history("hist").unwrap();
        assert!(empty.records.is_empty(), "{mode:?}");
        assert!(empty.request_id.is_some());

        emulator
            .begin_publish(bucket.name(), "hist", session(at(base), "10.0.0.1:50000"))
            .unwrap();
        let before = now_whole_seconds();
        assert!(emulator.end_publish(bucket.name(), "hist").unwrap());
        let after = SystemTime::now();
        let history = bucket.get_live_channel_history("hist").unwrap();
        assert_eq!(history.records.len(), 1, "{mode:?}");
        let record = &history.records[0];
        assert_eq!(record.start_time, at(base), "{mode:?}");
        assert!(
            before <= record.end_time && record.end_time <= after,
            "{mode:?}: {record:?}"
        );
        assert_eq!(record.remote_addr, "10.0.0.1:50000", "{mode:?}");

        // Eleven more pushes: twelve in all, of which the last ten are kept.
        for i in 1..12u64 {
            let remote = format!("10.0.0.{}:{}", i + 1, 50_000 + i);
            emulator
                .begin_publish(bucket.name(), "hist", session(at(base + i * 100), &remote))
                .unwrap();
            emulator.end_publish(bucket.name(), "hist").unwrap();
        }
        let history = bucket.get_live_channel_history("hist").unwrap();
        let got: Vec<(u64, String)> = history
            .records
            .iter()
            .map(|r| (unix(r.start_time), r.remote_addr.clone()))
            .collect();
        let want: Vec<(u64, String)> = (2..12u64)
            .map(|i| (base + i * 100, format!("10.0.0.{}:{}", i + 1, 50_000 + i)))
            .collect();
        assert_eq!(got, want, "{mode:?}");
    }
}

#[test]
fn vod_playlists_list_exactly_the_fragments_in_range_in_every_mode() {
    let emulator = emulator();
    let t = 1_700_000_000u64;
    for mode in all_modes() {
        let bucket = bucket(&emulator, mode);
        bucket
            .create_live_channel("vod", &LiveChannelConfiguration::default())
            .unwrap();
        // Ten 5-second fragments from t, added out of order.
        let mut fragments: Vec<(Fragment, Vec<u8>)> = (0..10u64)
            .map(|k| {
                let ms = (t + 5 * k) * 1000;
                (
                    Fragment {
                        start_time: at(t + 5 * k),
                        duration: 5.0,
                        name: format!("{ms}.ts"),
                    },
                    vec![k as u8; 16],
                )
            })
            .collect();
        fragments.reverse();
        fragments.swap(2, 7);
        emulator
            .add_fragments(bucket.name(), "vod", fragments)
            .unwrap();

        // [t+10, t+30] holds the fragments starting at t+10, 15, 20, 25 and 30 (both ends included).
        let (start, end) = (at(t + 10), at(t + 30));
        let want: Vec<String> = (2..=6u64)
            .map(|k| format!("{}.ts", (t + 5 * k) * 1000))
            .collect();
        let playlist = bucket.get_vod_playlist("vod", start, end).unwrap();
        assert!(playlist.request_id.is_some());
        assert!(
            playlist.m3u8.starts_with("#EXTM3U\n"),
            "{mode:?}: {}",
            playlist.m3u8
        );
        assert!(
            playlist.m3u8.trim_end().ends_with("#EXT-X-ENDLIST"),
            "{mode:?}: {}",
            playlist.m3u8
        );
        assert_eq!(segments(&playlist.m3u8), want, "{mode:?}");
        assert_eq!(playlist.m3u8.matches("#EXTINF:5").count(), 5, "{mode:?}");

        let ack = bucket
            .post_vod_playlist("vod", "vod.m3u8", start, end)
            .unwrap();
        assert_eq!(ack.status, 200, "{mode:?}");
        assert!(ack.request_id.is_some());
        let (status, written) = get_object(&emulator, bucket.name(), "vod/vod.m3u8");
        assert_eq!(status, 200, "{mode:?}: {written}");
        assert_eq!(written, playlist.m3u8, "{mode:?}");
    }
}

#[test]
fn vod_over_a_range_without_fragments_is_invalid_argument() {
    let emulator = emulator();
    let bucket = bucket(&emulator, PLAIN);
    bucket
        .create_live_channel("empty-vod", &LiveChannelConfiguration::default())
        .unwrap();
    let (start, end) = (
        SystemTime::now() - Duration::from_secs(3600),
        SystemTime::now(),
    );
    assert_service(
        &bucket
            .get_vod_playlist("empty-vod", start, end)
            .unwrap_err(),
        400,
        "InvalidArgument",
    );
    assert_service(
        &bucket
            .post_vod_playlist("empty-vod", "x.m3u8", start, end)
            .unwrap_err(),
        400,
        "InvalidArgument",
    );
    let (status, _) = get_object(&emulator, bucket.name(), "empty-vod/x.m3u8");
    assert_eq!(status, 404, "no playlist object may be written");
}

#[test]
fn delete_then_delete_again_is_no_such_live_channel_in_every_mode() {
    let emulator = emulator();
    for mode in all_modes() {
        let bucket = bucket(&emulator, mode);
        bucket
            .create_live_channel("doomed", &LiveChannelConfiguration::default())
            .unwrap();
        let ack = bucket.delete_live_channel("doomed").unwrap();
        assert_eq!(ack.status, 204, "{mode:?}");
        assert!(ack.request_id.is_some());
        let err = bucket.delete_live_channel("doomed").unwrap_err();
        assert_service(&err, 404, "NoSuchLiveChannel");
        assert_eq!(err.service_code(), Some("NoSuchLiveChannel"));
        assert!(!err.is_retryable());
        assert!(service(&err).ec.is_some(), "{err:?}");
        assert_service(
            &bucket.get_live_channel_info("doomed").unwrap_err(),
            404,
            "NoSuchLiveChannel",
        );
    }
}

#[test]
fn operations_on_a_missing_channel_are_no_such_live_channel() {
    let emulator = emulator();
    let bucket = bucket(&emulator, PLAIN);
    let now = SystemTime::now();
    let errors = [
        bucket.get_live_channel_info("ghost").unwrap_err(),
        bucket.get_live_channel_stat("ghost").unwrap_err(),
        bucket.get_live_channel_history("ghost").unwrap_err(),
        bucket
            .put_live_channel_status("ghost", ChannelStatus::Disabled)
            .unwrap_err(),
        bucket
            .get_vod_playlist("ghost", now - Duration::from_secs(60), now)
            .unwrap_err(),
        bucket.delete_live_channel("ghost").unwrap_err(),
    ];
    for err in &errors {
        assert_service(err, 404, "NoSuchLiveChannel");
    }
}

#[test]
fn delete_or_overwrite_while_live_is_channel_still_live_in_every_mode() {
    let emulator = emulator();
    for mode in all_modes() {
        let bucket = bucket(&emulator, mode);
        bucket
            .create_live_channel("busy", &LiveChannelConfiguration::default())
            .unwrap();
        emulator
            .begin_publish(
                bucket.name(),
                "busy",
                session(at(1_700_000_000), "10.9.9.9:1"),
            )
            .unwrap();
        for err in [
            bucket.delete_live_channel("busy").unwrap_err(),
            bucket
                .create_live_channel("busy", &custom_config())
                .unwrap_err(),
        ] {
            assert_service(&err, 409, "ChannelStillLive");
            assert_eq!(
                service(&err).ec.as_deref(),
                Some("0044-00000201"),
                "{mode:?}"
            );
            assert!(!err.is_retryable());
        }
        // Neither happened: the channel is still there, unchanged and live.
        assert_eq!(
            bucket.get_live_channel_info("busy").unwrap().frag_duration,
            Some(5),
            "{mode:?}"
        );
        assert_eq!(
            bucket.get_live_channel_stat("busy").unwrap().status,
            LiveStatus::Live
        );
        // Once the publisher leaves, both work.
        emulator.end_publish(bucket.name(), "busy").unwrap();
        bucket
            .create_live_channel("busy", &custom_config())
            .unwrap();
        assert_eq!(bucket.delete_live_channel("busy").unwrap().status, 204);
    }
}

#[test]
fn channel_names_with_spaces_plus_and_non_ascii_round_trip_in_every_mode() {
    let emulator = emulator();
    for mode in all_modes() {
        let bucket = bucket(&emulator, mode);
        for name in ["with space+plus", "直播频道", "a\\b%2F?&="] {
            bucket
                .create_live_channel(name, &LiveChannelConfiguration::default())
                .unwrap();
            assert_eq!(
                bucket.get_live_channel_stat(name).unwrap().status,
                LiveStatus::Idle,
                "{mode:?} {name}"
            );
            let listed = bucket
                .list_live_channel(&ListOptions {
                    prefix: Some(name.into()),
                    ..Default::default()
                })
                .unwrap();
            assert_eq!(page_names(&listed), vec![name.to_owned()], "{mode:?}");
            bucket.delete_live_channel(name).unwrap();
        }
    }
}

// ---------------------------------------------------------------------------------------
// 2. Listing

#[test]
fn list_with_prefix_marker_and_max_keys_in_every_mode() {
    let emulator = emulator();
    for mode in all_modes() {
        let bucket = bucket(&emulator, mode);
        for name in ["x-1", "x-2", "x-3", "y-1"] {
            bucket
                .create_live_channel(name, &LiveChannelConfiguration::default())
                .unwrap();
        }
        let options = ListOptions {
            prefix: Some("x-".into()),
            marker: Some("x-1".into()),
            max_keys: Some(1),
        };
        let page = bucket.list_live_channel(&options).unwrap();
        assert_eq!(page_names(&page), ["x-2"], "{mode:?}");
        assert_eq!(
            (page.prefix.as_str(), page.marker.as_str(), page.max_keys),
            ("x-", "x-1", 1),
            "{mode:?}"
        );
        assert!(page.is_truncated, "{mode:?}");
        assert_eq!(page.next_marker.as_deref(), Some("x-2"), "{mode:?}");
        assert!(page.request_id.is_some());
        let (rtmp, http) = url_bases(&emulator, mode, bucket.name());
        let entry = &page.channels[0];
        assert_eq!(entry.publish_urls, [format!("{rtmp}/x-2")], "{mode:?}");
        assert_eq!(
            entry.play_urls,
            [format!("{http}/x-2/playlist.m3u8")],
            "{mode:?}"
        );
        assert_eq!(
            (entry.description.as_str(), entry.status),
            ("", ChannelStatus::Enabled)
        );
        assert!(entry.last_modified.is_some());
    }
}

#[test]
fn listing_an_empty_bucket_gives_an_empty_untruncated_page() {
    let emulator = emulator();
    let page = bucket(&emulator, PLAIN)
        .list_live_channel(&ListOptions::default())
        .unwrap();
    assert_eq!(
        (page.prefix.as_str(), page.marker.as_str(), page.max_keys),
        ("", "", 100)
    );
    assert_eq!(
        (page.is_truncated, page.next_marker, page.channels.len()),
        (false, None, 0)
    );
    assert!(page.request_id.is_some());
}

#[test]
fn default_list_page_is_100_channels_truncated_at_the_100th_name() {
    let emulator = emulator();
    let bucket = bucket(&emulator, PLAIN);
    let names = create_250(&bucket);
    let page = bucket.list_live_channel(&ListOptions::default()).unwrap();
    assert_eq!(page_names(&page), names[..100]);
    assert!(page.is_truncated);
    assert_eq!(page.next_marker.as_deref(), Some(names[99].as_str()));
    assert_eq!(
        (page.prefix.as_str(), page.marker.as_str(), page.max_keys),
        ("", "", 100)
    );
}

#[test]
fn list_pages_by_prefix_marker_and_max_keys() {
    let emulator = emulator();
    let bucket = bucket(&emulator, PLAIN);
    let names = create_250(&bucket);
    let list = |prefix: Option<&str>, marker: Option<&str>, max_keys: Option<u32>| {
        let options = ListOptions {
            prefix: prefix.map(Into::into),
            marker: marker.map(Into::into),
            max_keys,
        };
        bucket.list_live_channel(&options).unwrap()
    };

    let all = list(None, None, Some(1000));
    assert_eq!(page_names(&all), names);
    assert!(!all.is_truncated);
    assert_eq!(all.next_marker, None);
    assert_eq!(all.max_keys, 1000);

    let b = list(Some("b-"), None, None);
    assert_eq!(page_names(&b), names[150..250]);
    assert!(
        !b.is_truncated,
        "exactly 100 b- channels fit the default page"
    );

    let b = list(Some("b-"), Some("b-049"), Some(20));
    assert_eq!(page_names(&b), names[200..220]);
    assert!(b.is_truncated);
    assert_eq!(b.next_marker.as_deref(), Some("b-069"));

    let b = list(Some("b-"), Some("b-089"), Some(20));
    assert_eq!(page_names(&b), names[240..250]);
    assert!(!b.is_truncated);
    assert_eq!(b.next_marker, None);

    // Spec §7.9: prefix + marker = the 101st name gives the rest, not truncated.
    let a = list(Some("a-"), Some("a-100"), None);
    assert_eq!(page_names(&a), names[101..150]);
    assert!(!a.is_truncated);

    // A marker before the prefix range starts at the prefix; one after it gives nothing.
    assert_eq!(
        page_names(&list(Some("b-"), Some("a-500"), Some(3))),
        names[150..153]
    );
    assert!(list(Some("a-"), Some("b-"), None).channels.is_empty());

    // The marker alone crosses prefixes.
    let m = list(None, Some("a-148"), Some(4));
    assert_eq!(page_names(&m), ["a-149", "b-000", "b-001", "b-002"]);

    let none = list(Some("zzz"), None, None);
    assert!(none.channels.is_empty());
    assert_eq!(
        (none.max_keys, none.is_truncated, none.next_marker),
        (100, false, None)
    );
}

#[test]
fn list_iterator_yields_every_channel_once_in_sorted_order() {
    let emulator = emulator();
    let bucket = bucket(&emulator, PLAIN);
    let names = create_250(&bucket);
    let walked: Vec<String> = bucket
        .list_live_channels(ListOptions {
            max_keys: Some(7),
            ..Default::default()
        })
        .map(|c| c.unwrap().name)
        .collect();
    assert_eq!(walked.len(), 250);
    assert_eq!(walked, names);
    assert_eq!(walked.iter().collect::<BTreeSet<_>>().len(), 250);

    let b: Vec<String> = bucket
        .list_live_channels(ListOptions {
            prefix: Some("b-".into()),
            max_keys: Some(7),
            ..Default::default()
        })
        .map(|c| c.unwrap().name)
        .collect();
    assert_eq!(b, names[150..]);

    let after: Vec<String> = bucket
        .list_live_channels(ListOptions {
            prefix: Some("a-".into()),
            marker: Some("a-139".into()),
            max_keys: Some(3),
        })
        .map(|c| c.unwrap().name)
        .collect();
    assert_eq!(after, names[140..150]);

    assert_eq!(
        bucket
            .list_live_channels(ListOptions {
                prefix: Some("zzz".into()),
                ..Default::default()
            })
            .count(),
        0
    );
}

#[test]
fn list_iterator_ends_after_an_error() {
    let emulator = emulator();
    let bucket = bucket(&emulator, PLAIN);
    create_250(&bucket);
    let mut walk = bucket.list_live_channels(ListOptions {
        max_keys: Some(100),
        ..Default::default()
    });
    for _ in 0..100 {
        walk.next().unwrap().unwrap();
    }
    emulator.inject_fault(Fault::Status(503), 1);
    assert_service(
        &walk.next().unwrap().unwrap_err(),
        503,
        "ServiceUnavailable",
    );
    assert!(walk.next().is_none());
}

// ---------------------------------------------------------------------------------------
// 3. Client-side validation: refused before anything is sent

#[test]
fn invalid_bucket_names_are_refused_before_sending() {
    let emulator = emulator();
    let client = client(&emulator, PLAIN);
    arm_tripwire(&emulator);
    let long = "a".repeat(64);
    for bad in [
        "a",
        "aa",
        "aAa",
        "a_123",
        "-a123",
        "a123-",
        long.as_str(),
        "",
        "éé",
        "bucket.name",
    ] {
        assert_invalid(client.bucket(bad), "Bucket");
    }
    assert_nothing_was_sent(&client.bucket("fine-bucket").unwrap());
    // The edges are accepted and served.
    for good in ["abc", "b".repeat(63).as_str(), "a--b"] {
        client
            .bucket(good)
            .unwrap()
            .create_live_channel("c", &LiveChannelConfiguration::default())
            .unwrap();
    }
}

#[test]
fn invalid_channel_names_are_refused_by_every_operation_before_sending() {
    let emulator = emulator();
    let bucket = bucket(&emulator, PLAIN);
    let config = LiveChannelConfiguration::default();
    let (start, end) = (at(1_700_000_000), at(1_700_000_060));
    let expires = SystemTime::now() + Duration::from_secs(600);
    type Op<'a> = Box<dyn Fn(&str) -> Result<(), Error> + 'a>;
    let operations: Vec<(&str, Op<'_>)> = vec![
        (
            "create",
            Box::new(|c| bucket.create_live_channel(c, &config).map(drop)),
        ),
        (
            "status",
            Box::new(|c| {
                bucket
                    .put_live_channel_status(c, ChannelStatus::Disabled)
                    .map(drop)
            }),
        ),
        (
            "info",
            Box::new(|c| bucket.get_live_channel_info(c).map(drop)),
        ),
        (
            "stat",
            Box::new(|c| bucket.get_live_channel_stat(c).map(drop)),
        ),
        (
            "history",
            Box::new(|c| bucket.get_live_channel_history(c).map(drop)),
        ),
        (
            "post vod",
            Box::new(|c| {
                bucket
                    .post_vod_playlist(c, "vod.m3u8", start, end)
                    .map(drop)
            }),
        ),
        (
            "get vod",
            Box::new(|c| bucket.get_vod_playlist(c, start, end).map(drop)),
        ),
        (
            "delete",
            Box::new(|c| bucket.delete_live_channel(c).map(drop)),
        ),
        (
            "sign rtmp",
            Box::new(|c| bucket.sign_rtmp_url(c, None, expires).map(drop)),
        ),
    ];
    let bad_names = [
        "".to_owned(),
        "a/b".to_owned(),
        "/".to_owned(),
        "c".repeat(1024),
        "频".repeat(342),
        "\\ab".to_owned(),
    ];
    arm_tripwire(&emulator);
    for (what, op) in &operations {
        for bad in &bad_names {
            match op(bad) {
                Err(Error::InvalidArgument(e)) => {
                    assert_eq!(e.field, "LiveChannel", "{what} {bad:?}")
                }
                other => {
                    panic!("{what} {bad:?}: expected InvalidArgument(LiveChannel), got {other:?}")
                }
            }
            assert!(!op(bad).unwrap_err().is_retryable());
        }
    }
    assert_nothing_was_sent(&bucket);
    // 1023 bytes is the limit, and it works.
    let longest = "c".repeat(1023);
    bucket.create_live_channel(&longest, &config).unwrap();
    assert_eq!(
        bucket.get_live_channel_stat(&longest).unwrap().status,
        LiveStatus::Idle
    );
}

#[test]
fn invalid_configurations_are_refused_before_sending() {
    let emulator = emulator();
    let bucket = bucket(&emulator, PLAIN);
    let valid = LiveChannelConfiguration {
        snapshot: Some(snapshot()),
        ..Default::default()
    };
    let with = |change: &dyn Fn(&mut LiveChannelConfiguration)| {
        let mut config = valid.clone();
        change(&mut config);
        config
    };
    let snap =
        |change: &dyn Fn(&mut LiveChannelSnapshot)| with(&|c| change(c.snapshot.as_mut().unwrap()));
    let cases: Vec<(LiveChannelConfiguration, &str)> = vec![
        // 43 three-byte characters: 129 bytes.
        (with(&|c| c.description = "频".repeat(43)), "Description"),
        // 128 characters but 129 bytes.
        (
            with(&|c| c.description = format!("{}é", "d".repeat(127))),
            "Description",
        ),
        (with(&|c| c.target.frag_duration = 0), "Target.FragDuration"),
        (
            with(&|c| c.target.frag_duration = 101),
            "Target.FragDuration",
        ),
        (with(&|c| c.target.frag_count = 0), "Target.FragCount"),
        (with(&|c| c.target.frag_count = 101), "Target.FragCount"),
        (
            with(&|c| c.target.playlist_name = ".m3u8".into()),
            "Target.PlaylistName",
        ),
        (
            with(&|c| c.target.playlist_name = format!("{}.m3u8", "p".repeat(124))),
            "Target.PlaylistName",
        ),
        (
            with(&|c| c.target.playlist_name = "playlist.m3u".into()),
            "Target.PlaylistName",
        ),
        (
            with(&|c| c.target.playlist_name = "playlist".into()),
            "Target.PlaylistName",
        ),
        (
            with(&|c| c.target.playlist_name = "my/list.m3u8".into()),
            "Target.PlaylistName",
        ),
        (
            with(&|c| c.target.playlist_name = String::new()),
            "Target.PlaylistName",
        ),
        (snap(&|s| s.interval = 0), "Snapshot.Interval"),
        (snap(&|s| s.interval = 101), "Snapshot.Interval"),
        (snap(&|s| s.role_name = String::new()), "Snapshot.RoleName"),
        (
            snap(&|s| s.notify_topic = String::new()),
            "Snapshot.NotifyTopic",
        ),
        (
            snap(&|s| s.dest_bucket = "Bad_Bucket".into()),
            "Snapshot.DestBucket",
        ),
        (
            snap(&|s| s.dest_bucket = "ab".into()),
            "Snapshot.DestBucket",
        ),
        (
            snap(&|s| s.dest_bucket = String::new()),
            "Snapshot.DestBucket",
        ),
    ];
    arm_tripwire(&emulator);
    for (config, field) in &cases {
        assert_invalid(bucket.create_live_channel("cfg", config), field);
        assert_invalid(config.validate().map_err(Error::from), field);
    }
    assert_nothing_was_sent(&bucket);
    assert_service(
        &bucket.get_live_channel_info("cfg").unwrap_err(),
        404,
        "NoSuchLiveChannel",
    );

    // The edges pass and are stored as given.
    let edge_description = format!("{}ab", "频".repeat(42));
    assert_eq!(edge_description.len(), 128);
    let p128 = format!("{}.m3u8", "p".repeat(123));
    for (description, duration, count, playlist, interval) in [
        (edge_description.as_str(), 1, 1, "a.m3u8", 1),
        ("", 100, 100, p128.as_str(), 100),
    ] {
        let config = LiveChannelConfiguration {
            description: description.into(),
            target: LiveChannelTarget {
                frag_duration: duration,
                frag_count: count,
                playlist_name: playlist.into(),
            },
            snapshot: Some(LiveChannelSnapshot {
                interval,
                ..snapshot()
            }),
            ..Default::default()
        };
        bucket.create_live_channel("edge", &config).unwrap();
        let info = bucket.get_live_channel_info("edge").unwrap();
        assert_eq!(info.description.as_deref(), Some(description));
        assert_eq!(
            (info.frag_duration, info.frag_count),
            (Some(duration), Some(count))
        );
        assert_eq!(info.playlist_name.as_deref(), Some(playlist));
        assert_eq!(info.snapshot.map(|s| s.interval), Some(interval));
    }
}

#[test]
fn invalid_list_options_are_refused_before_sending() {
    let emulator = emulator();
    let bucket = bucket(&emulator, PLAIN);
    let cases = [
        (
            ListOptions {
                max_keys: Some(0),
                ..Default::default()
            },
            "max-keys",
        ),
        (
            ListOptions {
                max_keys: Some(1001),
                ..Default::default()
            },
            "max-keys",
        ),
        (
            ListOptions {
                prefix: Some("p".repeat(1025)),
                ..Default::default()
            },
            "prefix",
        ),
        (
            ListOptions {
                prefix: Some("频".repeat(342)),
                ..Default::default()
            },
            "prefix",
        ),
        (
            ListOptions {
                marker: Some("m".repeat(1025)),
                ..Default::default()
            },
            "marker",
        ),
        (
            ListOptions {
                marker: Some("频".repeat(342)),
                ..Default::default()
            },
            "marker",
        ),
    ];
    arm_tripwire(&emulator);
    for (options, field) in &cases {
        assert_invalid(bucket.list_live_channel(options), field);
        let mut walk = bucket.list_live_channels(options.clone());
        assert_invalid(walk.next().expect("the error is yielded"), field);
        assert!(walk.next().is_none(), "the walk ends after the error");
    }
    assert_nothing_was_sent(&bucket);
    // The edges are accepted by client and server.
    let edges = ListOptions {
        prefix: Some("p".repeat(1024)),
        marker: Some("m".repeat(1024)),
        max_keys: Some(1000),
    };
    let page = bucket.list_live_channel(&edges).unwrap();
    assert_eq!((page.max_keys, page.channels.len()), (1000, 0));
    assert_eq!(
        bucket
            .list_live_channel(&ListOptions {
                max_keys: Some(1),
                ..Default::default()
            })
            .unwrap()
            .max_keys,
        1
    );
}

#[test]
fn invalid_vod_ranges_and_playlist_names_are_refused_before_sending() {
    let emulator = emulator();
    let bucket = bucket(&emulator, PLAIN);
    let t = 1_700_000_000;
    let millis = at(1_700_000_000_000); // a millisecond timestamp taken for seconds
    let cases = [
        (at(t), at(t), "endTime"),
        (at(t + 10), at(t), "endTime"),
        (at(t), at(t + 86_401), "endTime"),
        (millis, millis + Duration::from_secs(60), "startTime"),
        (at(t), at(1_700_000_000_060), "endTime"),
        (UNIX_EPOCH - Duration::from_secs(1), at(10), "startTime"),
    ];
    arm_tripwire(&emulator);
    for (start, end, field) in cases {
        assert_invalid(bucket.get_vod_playlist("vod", start, end), field);
        assert_invalid(
            bucket.post_vod_playlist("vod", "vod.m3u8", start, end),
            field,
        );
    }
    let err = bucket
        .get_vod_playlist("vod", millis, millis + Duration::from_secs(60))
        .unwrap_err();
    assert!(err.to_string().contains("milliseconds"), "{err}");
    let p129 = format!("{}.m3u8", "p".repeat(124));
    for bad in [".m3u8", p129.as_str(), "vod.m3u", "vod", "a/vod.m3u8", ""] {
        match bucket.post_vod_playlist("vod", bad, at(t), at(t + 60)) {
            // The name is the playlist name of the URL path; either OSS spelling is fine.
            Err(err @ Error::InvalidArgument(_)) => {
                let Error::InvalidArgument(e) = &err else {
                    unreachable!()
                };
                assert!(
                    e.field.to_ascii_lowercase().ends_with("playlistname"),
                    "{bad:?}: {err}"
                );
                assert!(!err.is_retryable());
            }
            other => panic!("{bad:?}: expected InvalidArgument, got {other:?}"),
        }
    }
    assert_nothing_was_sent(&bucket);
    // Exactly one day is a valid range: it reaches the server (which finds no channel).
    assert_service(
        &bucket
            .get_vod_playlist("vod", at(t), at(t + 86_400))
            .unwrap_err(),
        404,
        "NoSuchLiveChannel",
    );
}

#[test]
fn invalid_rtmp_signing_requests_are_refused() {
    let emulator = emulator();
    let bucket = bucket(&emulator, PLAIN);
    let future = SystemTime::now() + Duration::from_secs(600);
    arm_tripwire(&emulator);
    assert_invalid(
        bucket.sign_rtmp_url("chan", None, SystemTime::now() - Duration::from_secs(1)),
        "Expires",
    );
    assert_invalid(
        bucket.sign_rtmp_url("chan", None, at(1_472_040_688)),
        "Expires",
    );
    let millis = bucket
        .sign_rtmp_url("chan", None, at(1_700_000_000_000))
        .unwrap_err();
    assert!(millis.to_string().contains("milliseconds"), "{millis}");
    assert_invalid(Err::<(), _>(millis), "Expires");
    assert_invalid(
        bucket.sign_rtmp_url_valid_for("chan", None, Duration::MAX),
        "Expires",
    );
    for bad in [".m3u8", "no-suffix", "a/b.m3u8"] {
        match bucket.sign_rtmp_url("chan", Some(bad), future) {
            Err(err @ Error::InvalidArgument(_)) => {
                let Error::InvalidArgument(e) = &err else {
                    unreachable!()
                };
                assert!(
                    e.field.to_ascii_lowercase().ends_with("playlistname"),
                    "{bad:?}: {err}"
                );
            }
            other => panic!("{bad:?}: expected InvalidArgument, got {other:?}"),
        }
    }
    assert_nothing_was_sent(&bucket);
}

// ---------------------------------------------------------------------------------------
// 4. Service and transport errors

#[test]
fn wrong_secret_is_signature_does_not_match_and_the_secret_is_not_shown() {
    let emulator = emulator();
    let wrong = "WrongSecretValue-9f8e7d6c5b4a";
    for version in [SignatureVersion::V4, SignatureVersion::V1] {
        let client = Client::builder()
            .endpoint(emulator.endpoint())
            .region("cn-hangzhou")
            .signature_version(version)
            .credentials(osslive::Credentials::new(AK, wrong))
            .build()
            .unwrap();
        let err = client
            .bucket("sig-bucket")
            .unwrap()
            .get_live_channel_stat("c")
            .unwrap_err();
        assert_service(&err, 403, "SignatureDoesNotMatch");
        assert!(!err.is_retryable(), "{version:?}");
        for shown in [err.to_string(), format!("{err:?}"), format!("{client:?}")] {
            assert!(
                !shown.contains(wrong) && !shown.contains(SK),
                "{version:?}: {shown}"
            );
        }
        assert!(err.to_string().contains("SignatureDoesNotMatch"));
    }
}

#[test]
fn unknown_access_key_is_invalid_access_key_id() {
    let emulator = emulator();
    for version in [SignatureVersion::V4, SignatureVersion::V1] {
        let client = Client::builder()
            .endpoint(emulator.endpoint())
            .region("cn-hangzhou")
            .signature_version(version)
            .credentials(osslive::Credentials::new("LTAIunknownKey", SK))
            .build()
            .unwrap();
        let err = client
            .bucket("key-bucket")
            .unwrap()
            .list_live_channel(&ListOptions::default())
            .unwrap_err();
        assert_service(&err, 403, "InvalidAccessKeyId");
        assert!(!err.is_retryable());
    }
}

#[test]
fn unknown_sts_token_is_invalid_security_token() {
    let emulator = emulator();
    for version in [SignatureVersion::V4, SignatureVersion::V1] {
        let client = Client::builder()
            .endpoint(emulator.endpoint())
            .region("cn-hangzhou")
            .signature_version(version)
            .credentials(
                osslive::Credentials::new(AK, SK).with_security_token("STS.NotKnownToTheServer"),
            )
            .build()
            .unwrap();
        let err = client
            .bucket("sts-bucket")
            .unwrap()
            .get_live_channel_info("c")
            .unwrap_err();
        assert_service(&err, 403, "InvalidSecurityToken");
        assert!(!err.is_retryable());
    }
}

#[test]
fn server_clock_an_hour_ahead_is_request_time_too_skewed_and_retryable() {
    let emulator = emulator();
    for version in [SignatureVersion::V4, SignatureVersion::V1] {
        let bucket = bucket(&emulator, Mode { version, ..PLAIN });
        emulator.set_clock_offset(3600);
        let err = bucket.get_live_channel_stat("c").unwrap_err();
        assert_service(&err, 403, "RequestTimeTooSkewed");
        assert!(err.is_retryable(), "{version:?}");
        // Ten minutes is within OSS's fifteen.
        emulator.set_clock_offset(600);
        assert_service(
            &bucket.get_live_channel_stat("c").unwrap_err(),
            404,
            "NoSuchLiveChannel",
        );
        emulator.set_clock_offset(-3600);
        assert_service(
            &bucket.get_live_channel_stat("c").unwrap_err(),
            403,
            "RequestTimeTooSkewed",
        );
        emulator.set_clock_offset(0);
    }
}

#[test]
fn status_503_is_a_retryable_service_unavailable() {
    let emulator = emulator();
    let bucket = bucket(&emulator, PLAIN);
    emulator.inject_fault(Fault::Status(503), 1);
    let err = bucket
        .create_live_channel("c", &LiveChannelConfiguration::default())
        .unwrap_err();
    assert_service(&err, 503, "ServiceUnavailable");
    assert!(err.is_retryable());
    // The request was not carried out; the retry is.
    assert_service(
        &bucket.get_live_channel_info("c").unwrap_err(),
        404,
        "NoSuchLiveChannel",
    );
    bucket
        .create_live_channel("c", &LiveChannelConfiguration::default())
        .unwrap();
}

#[test]
fn html_error_page_is_a_service_error_with_empty_code_and_a_snippet() {
    let emulator = emulator();
    let bucket = bucket(&emulator, PLAIN);
    emulator.inject_fault(Fault::NonXmlError, 1);
    let err = bucket.get_live_channel_stat("c").unwrap_err();
    let e = service(&err);
    assert_eq!((e.status, e.code.as_str()), (502, ""));
    assert!(e.message.contains("502 Bad Gateway"), "{}", e.message);
    assert_eq!(err.service_code(), None);
    assert!(err.is_retryable());
    assert!(
        err.request_id().is_some(),
        "the x-oss-request-id header is kept: {err:?}"
    );
}

#[test]
fn non_xml_success_body_is_an_invalid_response_with_a_snippet() {
    let emulator = emulator();
    let bucket = bucket(&emulator, PLAIN);
    bucket
        .create_live_channel("c", &LiveChannelConfiguration::default())
        .unwrap();
    emulator.inject_fault(Fault::NonXml, 1);
    match bucket.get_live_channel_stat("c").unwrap_err() {
        Error::InvalidResponse {
            status,
            reason,
            snippet,
            request_id,
        } => {
            assert_eq!(status, 200);
            assert!(snippet.contains("this is not XML"), "{snippet:?}");
            assert!(!reason.is_empty());
            assert!(request_id.is_some());
        }
        other => panic!("expected InvalidResponse, got {other:?}"),
    }
    assert_eq!(
        bucket.get_live_channel_stat("c").unwrap().status,
        LiveStatus::Idle
    );
}

#[test]
fn truncated_dropped_and_reset_answers_are_retryable_and_the_client_recovers() {
    let emulator = emulator();
    bucket(&emulator, PLAIN)
        .create_live_channel("c", &LiveChannelConfiguration::default())
        .unwrap();
    for fault in [
        Fault::Truncated,
        Fault::Drop,
        Fault::Reset,
        Fault::WrongContentLength,
    ] {
        // A fresh client, so the fault meets a fresh connection as well as a pooled one.
        for warm in [false, true] {
            let bucket = bucket(&emulator, PLAIN);
            if warm {
                bucket.get_live_channel_info("c").unwrap();
            }
            emulator.inject_fault(fault, 1);
            let err = bucket
                .get_live_channel_info("c")
                .expect_err(&format!("{fault:?} warm={warm}"));
            assert!(
                matches!(err, Error::Transport(_) | Error::InvalidResponse { .. }),
                "{fault:?} warm={warm}: {err:?}"
            );
            assert!(err.is_retryable(), "{fault:?} warm={warm}: {err:?}");
            assert_eq!(
                bucket.get_live_channel_info("c").unwrap().frag_count,
                Some(3),
                "{fault:?} warm={warm}"
            );
        }
    }
}

#[test]
fn stalled_answer_times_out_promptly() {
    let emulator = emulator();
    let bucket = builder(&emulator, PLAIN)
        .request_timeout(Duration::from_millis(300))
        .build()
        .unwrap()
        .bucket(&PLAIN.bucket_name())
        .unwrap();
    emulator.inject_fault(Fault::Stall(Duration::from_secs(2)), 1);
    let started = Instant::now();
    let err = bucket.get_live_channel_stat("c").unwrap_err();
    let took = started.elapsed();
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    assert!(err.is_retryable());
    assert!(
        took >= Duration::from_millis(250) && took < Duration::from_millis(1500),
        "took {took:?}"
    );
}

#[test]
fn stalled_body_times_out_promptly() {
    let emulator = emulator();
    let bucket = builder(&emulator, PLAIN)
        .request_timeout(Duration::from_millis(300))
        .build()
        .unwrap()
        .bucket(&PLAIN.bucket_name())
        .unwrap();
    bucket
        .create_live_channel("c", &LiveChannelConfiguration::default())
        .unwrap();
    emulator.inject_fault(Fault::StallBody(Duration::from_secs(2)), 1);
    let started = Instant::now();
    let err = bucket.get_live_channel_info("c").unwrap_err();
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn oversized_answer_is_refused_at_the_limit() {
    let emulator = emulator();
    let bucket = bucket(&emulator, PLAIN);
    bucket
        .create_live_channel("c", &LiveChannelConfiguration::default())
        .unwrap();
    emulator.inject_fault(Fault::Oversized(20 * 1024 * 1024), 1);
    match bucket.get_live_channel_info("c").unwrap_err() {
        Error::InvalidResponse { status, reason, .. } => {
            assert_eq!(status, 200);
            assert!(
                reason.contains(&osslive::DEFAULT_MAX_RESPONSE_BYTES.to_string()),
                "{reason}"
            );
        }
        other => panic!("expected InvalidResponse, got {other:?}"),
    }

    // A smaller limit is honoured too; padding under it is harmless white space.
    let small = builder(&emulator, PLAIN)
        .max_response_bytes(4096)
        .build()
        .unwrap()
        .bucket(&PLAIN.bucket_name())
        .unwrap();
    emulator.inject_fault(Fault::Oversized(8192), 1);
    let err = small.get_live_channel_info("c").unwrap_err();
    assert!(
        matches!(&err, Error::InvalidResponse { reason, .. } if reason.contains("4096")),
        "{err:?}"
    );
    emulator.inject_fault(Fault::Oversized(4000), 1);
    assert_eq!(
        small.get_live_channel_info("c").unwrap().frag_duration,
        Some(5)
    );
}

#[test]
fn a_bucket_the_server_does_not_serve_is_no_such_bucket() {
    let emulator = Emulator::start(Config::new(AK, SK).bucket("only-this")).unwrap();
    let client = client(&emulator, PLAIN);
    let err = client
        .bucket("other-bucket")
        .unwrap()
        .get_live_channel_stat("c")
        .unwrap_err();
    assert_service(&err, 404, "NoSuchBucket");
    assert!(!err.is_retryable());
    let served = client.bucket("only-this").unwrap();
    served
        .create_live_channel("c", &LiveChannelConfiguration::default())
        .unwrap();
    assert_eq!(
        served.get_live_channel_stat("c").unwrap().status,
        LiveStatus::Idle
    );
}

// ---------------------------------------------------------------------------------------
// 5. Signed RTMP URLs

#[test]
fn signed_rtmp_urls_follow_the_addressing_style() {
    let emulator = emulator();
    let port = emulator.addr().port();
    for mode in all_modes() {
        let bucket = bucket(&emulator, mode);
        let name = bucket.name().to_owned();
        let signed = bucket
            .sign_rtmp_url_valid_for("push-chan", Some("test.m3u8"), Duration::from_secs(600))
            .unwrap();
        let server = match mode.style {
            Style::Virtual => format!("rtmp://{name}.{VHOST}:{port}/live"),
            Style::Path => format!("rtmp://127.0.0.1:{port}/{name}/live"),
        };
        assert_eq!(signed.server, server, "{mode:?}");
        assert_eq!(
            signed.url,
            format!("{}/{}", signed.server, signed.stream_key),
            "{mode:?}"
        );
        assert!(
            signed
                .stream_key
                .starts_with("push-chan?playlistName=test.m3u8&"),
            "{}",
            signed.stream_key
        );
        let shown = format!("{signed:?}");
        assert!(
            !shown.contains("Signature="),
            "Debug shows the signature: {shown}"
        );
    }
}

#[test]
fn signed_rtmp_urls_are_accepted_for_every_credential_and_token_form() {
    let emulator = emulator();
    let authority = authority(SK);
    for mode in all_modes() {
        for form in [TokenForm::Signed, TokenForm::Unsigned] {
            let bucket = builder(&emulator, mode)
                .rtmp_token_form(form)
                .build()
                .unwrap()
                .bucket(&mode.bucket_name())
                .unwrap();
            for (channel, playlist) in [
                ("push-chan", Some("test.m3u8")),
                ("with space+plus", Some("my list+1.m3u8")),
                ("频道", None),
            ] {
                let signed = bucket
                    .sign_rtmp_url_valid_for(channel, playlist, Duration::from_secs(600))
                    .unwrap();
                let accepted = check_push_url(&signed.url, &authority, SystemTime::now())
                    .unwrap_or_else(|p| {
                        panic!("{mode:?} {form:?} {channel:?}: {p}\n{}", signed.url)
                    });
                assert_eq!(accepted.bucket, mode.bucket_name());
                assert_eq!(accepted.channel, channel);
                assert_eq!(accepted.playlist_name.as_deref(), playlist);
                assert_eq!(accepted.access_key_id, AK);
                assert_eq!(
                    accepted.token_form,
                    mode.sts.then_some(emulator_form(form)),
                    "{mode:?} {form:?}"
                );
                assert_eq!(
                    signed
                        .url
                        .contains("security-token=STS.TestSecurityToken%2B%2F%3D"),
                    mode.sts,
                    "{}",
                    signed.url
                );
            }
        }
    }
}

#[test]
fn signed_rtmp_urls_are_refused_with_another_secret_or_after_expiry() {
    let emulator = emulator();
    let bucket = bucket(&emulator, PLAIN);
    let signed = bucket
        .sign_rtmp_url_valid_for("push-chan", None, Duration::from_secs(60))
        .unwrap();
    let refused =
        check_push_url(&signed.url, &authority("AnotherSecret"), SystemTime::now()).unwrap_err();
    assert!(
        matches!(refused, RtmpUrlProblem::SignatureMismatch { .. }),
        "{refused}"
    );
    let later = SystemTime::now() + Duration::from_secs(120);
    let refused = check_push_url(&signed.url, &authority(SK), later).unwrap_err();
    assert!(
        matches!(refused, RtmpUrlProblem::Expired { .. }),
        "{refused}"
    );
}

#[test]
fn sign_rtmp_url_valid_for_sets_expires_from_now() {
    let emulator = emulator();
    let bucket = bucket(&emulator, PLAIN);
    let before = unix(SystemTime::now());
    let signed = bucket
        .sign_rtmp_url_valid_for("chan", None, Duration::from_secs(3600))
        .unwrap();
    let after = unix(SystemTime::now());
    let expires = unix(signed.expires);
    assert!(
        before + 3600 <= expires && expires <= after + 3600,
        "{before} {expires} {after}"
    );
    assert!(
        signed.url.contains(&format!("&Expires={expires}&")),
        "{}",
        signed.url
    );

    let fixed = at(unix(SystemTime::now()) + 7200);
    let signed = bucket.sign_rtmp_url("chan", None, fixed).unwrap();
    assert_eq!(signed.expires, fixed);
    assert!(signed.url.contains(&format!("&Expires={}&", unix(fixed))));
}

#[test]
fn rtmp_url_without_playlist_leaves_the_parameter_out() {
    let emulator = emulator();
    let bucket = bucket(&emulator, PLAIN);
    for playlist in [None, Some("")] {
        let signed = bucket
            .sign_rtmp_url_valid_for("chan", playlist, Duration::from_secs(60))
            .unwrap();
        assert!(!signed.url.contains("playlistName"), "{}", signed.url);
        assert!(
            signed
                .stream_key
                .starts_with("chan?OSSAccessKeyId=LTAI5tTestAccessKeyId&Expires="),
            "{}",
            signed.stream_key
        );
        let accepted = check_push_url(&signed.url, &authority(SK), SystemTime::now()).unwrap();
        assert_eq!(accepted.playlist_name, None);
    }
}

/// HMAC-SHA1 of `message` under `secret`, base64: the RTMP signature, computed here
/// independently of osslive.
fn hmac_sha1_base64(secret: &str, message: &str) -> String {
    use base64::Engine as _;
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(message.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

fn url_escape_base64(s: &str) -> String {
    s.replace('+', "%2B")
        .replace('/', "%2F")
        .replace('=', "%3D")
}

#[test]
fn rtmp_url_for_the_spec_example_has_the_exact_shape_and_a_verifying_signature() {
    // The independent HMAC reproduces the spec's vector 4.1.1...
    assert_eq!(
        hmac_sha1_base64(
            SK,
            "1472040688\nplaylistName:test.m3u8\n/examplebucket/test-channel"
        ),
        "F7x1RGtih1jyG9OhZMCbAgr3Qck="
    );
    // ...and the STS vector 4.1.3, in both forms.
    assert_eq!(
        hmac_sha1_base64(
            SK,
            "1472038888\nplaylistName:playlist.m3u8\nsecurity-token:STS.TestSecurityToken+/=\n/examplebucket/test-channel"
        ),
        "HK+dwx8TqJ8IrHRkQ/EBE3JNSuE="
    );

    // The same inputs with a future expiry, against the real endpoint name.
    let expires = unix(SystemTime::now()) + 3600;
    let host = "examplebucket.oss-cn-hangzhou.aliyuncs.com";
    let client = |creds: osslive::Credentials, form: TokenForm| {
        Client::builder()
            .endpoint("oss-cn-hangzhou.aliyuncs.com")
            .credentials(creds)
            .rtmp_token_form(form)
            .build()
            .unwrap()
            .bucket("examplebucket")
            .unwrap()
    };
    let signed = client(osslive::Credentials::new(AK, SK), TokenForm::Signed)
        .sign_rtmp_url("test-channel", Some("test.m3u8"), at(expires))
        .unwrap();
    let signature = hmac_sha1_base64(
        SK,
        &format!("{expires}\nplaylistName:test.m3u8\n/examplebucket/test-channel"),
    );
    assert_eq!(
        signed.url,
        format!(
            "rtmp://{host}/live/test-channel?playlistName=test.m3u8&OSSAccessKeyId={AK}&Expires={expires}&Signature={}",
            url_escape_base64(&signature)
        )
    );
    assert_eq!(signed.server, format!("rtmp://{host}/live"));
    assert!(check_push_url(&signed.url, &authority(SK), SystemTime::now()).is_ok());

    let sts = osslive::Credentials::new(AK, SK).with_security_token(TOKEN);
    for (form, signed_token) in [(TokenForm::Signed, true), (TokenForm::Unsigned, false)] {
        let signed = client(sts.clone(), form)
            .sign_rtmp_url("test-channel", Some("playlist.m3u8"), at(expires))
            .unwrap();
        let token_line = if signed_token {
            format!("security-token:{TOKEN}\n")
        } else {
            String::new()
        };
        let signature = hmac_sha1_base64(
            SK,
            &format!(
                "{expires}\nplaylistName:playlist.m3u8\n{token_line}/examplebucket/test-channel"
            ),
        );
        assert_eq!(
            signed.url,
            format!(
                "rtmp://{host}/live/test-channel?playlistName=playlist.m3u8&security-token=STS.TestSecurityToken%2B%2F%3D\
                 &OSSAccessKeyId={AK}&Expires={expires}&Signature={}",
                url_escape_base64(&signature)
            ),
            "{form:?}"
        );
        let accepted = check_push_url(&signed.url, &authority(SK), SystemTime::now()).unwrap();
        assert_eq!(accepted.token_form, Some(emulator_form(form)));
    }
}

/// The emulator's name for a client's STS token form: the two implementations share no types.
fn emulator_form(form: TokenForm) -> osslive_emulator::rtmp_auth::TokenForm {
    match form {
        TokenForm::Signed => osslive_emulator::rtmp_auth::TokenForm::Signed,
        TokenForm::Unsigned => osslive_emulator::rtmp_auth::TokenForm::Unsigned,
    }
}

// ---------------------------------------------------------------------------------------
// 6. Concurrency

#[test]
fn one_client_shared_by_eight_threads() {
    let emulator = emulator();
    let client = client(&emulator, PLAIN);
    let bucket = client.bucket("shared-bucket").unwrap();
    let done: usize = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..8)
            .map(|t| {
                let client = &client;
                scope.spawn(move || {
                    let bucket = client.bucket("shared-bucket").unwrap();
                    let mut ok = 0;
                    for i in 0..20 {
                        let name = format!("t{t}-c{i:02}");
                        let created = bucket
                            .create_live_channel(&name, &LiveChannelConfiguration::default())
                            .unwrap();
                        assert!(created.publish_urls[0].ends_with(&format!("/live/{name}")));
                        assert_eq!(
                            bucket.get_live_channel_stat(&name).unwrap().status,
                            LiveStatus::Idle
                        );
                        assert_eq!(bucket.delete_live_channel(&name).unwrap().status, 204);
                        ok += 1;
                    }
                    ok
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("worker panicked"))
            .sum()
    });
    assert_eq!(done, 160);
    assert!(
        bucket
            .list_live_channel(&ListOptions::default())
            .unwrap()
            .channels
            .is_empty()
    );
}
