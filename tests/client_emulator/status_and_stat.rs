//! PutLiveChannelStatus and GetLiveChannelStat: enabling and disabling, and the stat of
//! idle, disabled and live channels.

use osslive::{ChannelStatus, LiveChannelConfiguration, LiveStatus};
use osslive_emulator::model::LiveSession;

use crate::support::*;

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
        // LiveChannelStat is #[non_exhaustive]: compared field by field.
        assert_eq!(
            (
                idle.status,
                idle.connected_time,
                &idle.remote_addr,
                &idle.video,
                &idle.audio
            ),
            (LiveStatus::Idle, None, &None, &None, &None),
            "{mode:?}"
        );

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
        let video = live.video.as_ref().expect("video");
        let audio = live.audio.as_ref().expect("audio");
        assert_eq!(
            (
                live.status,
                live.connected_time,
                live.remote_addr.as_deref(),
                (
                    video.width,
                    video.height,
                    video.frame_rate,
                    video.bandwidth,
                    video.codec.as_str()
                ),
                (audio.bandwidth, audio.sample_rate, audio.codec.as_str()),
            ),
            (
                LiveStatus::Live,
                Some(connected),
                Some("10.1.2.3:47745"),
                (1280, 536, 24, 1_250_000, "H264"),
                (16_000, 44_100, "ADPCM"),
            ),
            "{mode:?}"
        );
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
