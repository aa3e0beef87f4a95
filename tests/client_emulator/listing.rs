//! ListLiveChannel: one page, with its prefix, marker and max-keys echoed back, in every
//! mode.

use osslive::{ChannelStatus, ListOptions, LiveChannelConfiguration};

use crate::support::*;

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
