//! GetVodPlaylist and PostVodPlaylist: the fragments in a range, and the playlist object
//! the post writes.

use std::time::{Duration, SystemTime};

use osslive::LiveChannelConfiguration;
use osslive_emulator::model::Fragment;

use crate::support::*;

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
