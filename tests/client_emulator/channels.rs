//! PutLiveChannel, GetLiveChannelInfo and DeleteLiveChannel in every mode: defaults and
//! custom configurations, the URLs a create answers with, missing and live channels, and
//! names that need escaping.

use std::time::{Duration, SystemTime};

use osslive::{Addressing, ChannelStatus, ListOptions, LiveChannelConfiguration, LiveStatus};

use crate::support::*;

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
