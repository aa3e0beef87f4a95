//! Client-side validation: every invalid argument is refused before anything is sent (a
//! queued fault proves no request reached the emulator), and the edges are accepted.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use osslive::{
    ChannelStatus, Error, ListOptions, LiveChannelConfiguration, LiveChannelSnapshot,
    LiveChannelTarget, LiveStatus,
};

use crate::support::*;

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
    // A push URL is a bearer credential: at most 7 days, in both forms.
    let week = Duration::from_secs(osslive::validate::MAX_RTMP_URL_SECONDS);
    assert!(bucket.sign_rtmp_url_valid_for("chan", None, week).is_ok());
    assert_invalid(
        bucket.sign_rtmp_url_valid_for("chan", None, week + Duration::from_secs(1)),
        "Expires",
    );
    assert_invalid(
        bucket.sign_rtmp_url(
            "chan",
            None,
            SystemTime::now() + week + Duration::from_secs(60),
        ),
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
