//! The XML documents against the SDKs' samples and hostile bodies.

use super::node::{SNIPPET_CHARS, snippet};
use super::*;
use crate::models::*;
use crate::time::from_unix_seconds;
use std::time::Duration;

/// The configuration of the oss2 signature vector `header_signature_v1[0]`.
fn vector_configuration() -> LiveChannelConfiguration {
    LiveChannelConfiguration {
        description: "desc & <test>".to_owned(),
        status: ChannelStatus::Enabled,
        target: LiveChannelTarget {
            frag_duration: 5,
            frag_count: 3,
            playlist_name: "test.m3u8".to_owned(),
        },
        snapshot: None,
    }
}

fn snapshot_configuration() -> LiveChannelConfiguration {
    LiveChannelConfiguration {
        description: "with snapshot".to_owned(),
        status: ChannelStatus::Disabled,
        target: LiveChannelTarget {
            frag_duration: 100,
            frag_count: 99,
            playlist_name: "myplay.m3u8".to_owned(),
        },
        snapshot: Some(LiveChannelSnapshot {
            role_name: "role_for_snapshot".to_owned(),
            dest_bucket: "snapshot-bucket".to_owned(),
            notify_topic: "snapshot-topic".to_owned(),
            interval: 10,
        }),
    }
}

#[test]
fn writes_the_python_vector_body_exactly() {
    let vectors: serde_json::Value =
        serde_json::from_str(include_str!("../../tests/data/oss2-vectors.json")).unwrap();
    let expected = vectors["header_signature_v1"][0]["body_utf8"]
        .as_str()
        .unwrap();
    let body = write_configuration(&vector_configuration());
    assert_eq!(body, expected);
    assert_eq!(body.len(), 252);
    assert_eq!(
        body,
        "<LiveChannelConfiguration><Description>desc &amp; &lt;test&gt;</Description>\
         <Status>enabled</Status><Target><Type>HLS</Type><FragDuration>5</FragDuration>\
         <FragCount>3</FragCount><PlaylistName>test.m3u8</PlaylistName></Target>\
         </LiveChannelConfiguration>"
    );
}

#[test]
fn writes_empty_strings_as_elementtree_self_closing_elements() {
    let cfg = LiveChannelConfiguration {
        description: String::new(),
        status: ChannelStatus::Disabled,
        target: LiveChannelTarget {
            frag_duration: 1,
            frag_count: 100,
            playlist_name: String::new(),
        },
        snapshot: None,
    };
    assert_eq!(
        write_configuration(&cfg),
        "<LiveChannelConfiguration><Description /><Status>disabled</Status><Target>\
         <Type>HLS</Type><FragDuration>1</FragDuration><FragCount>100</FragCount>\
         <PlaylistName /></Target></LiveChannelConfiguration>"
    );
}

#[test]
fn writes_snapshot_after_target_in_go_order() {
    assert_eq!(
        write_configuration(&snapshot_configuration()),
        "<LiveChannelConfiguration><Description>with snapshot</Description>\
         <Status>disabled</Status><Target><Type>HLS</Type><FragDuration>100</FragDuration>\
         <FragCount>99</FragCount><PlaylistName>myplay.m3u8</PlaylistName></Target>\
         <Snapshot><RoleName>role_for_snapshot</RoleName><DestBucket>snapshot-bucket\
         </DestBucket><NotifyTopic>snapshot-topic</NotifyTopic><Interval>10</Interval>\
         </Snapshot></LiveChannelConfiguration>"
    );
}

#[test]
fn escapes_like_elementtree_except_cr() {
    let mut cfg = vector_configuration();
    cfg.description = "a\"b'c&&d<e>f\tg\nh\ri]]>j é".to_owned();
    let body = write_configuration(&cfg);
    assert!(
        body.contains(
            "<Description>a\"b'c&amp;&amp;d&lt;e&gt;f\tg\nh&#13;i]]&gt;j é</Description>"
        ),
        "{body}"
    );
    cfg.description = "&".to_owned();
    assert!(write_configuration(&cfg).contains("<Description>&amp;</Description>"));
    cfg.description = "plain".to_owned();
    assert!(write_configuration(&cfg).contains("<Description>plain</Description>"));
}

#[test]
fn written_configuration_reads_back_the_same() {
    for mut cfg in [vector_configuration(), snapshot_configuration()] {
        cfg.description.push_str(" \"q\" 'a' \r\n\t ü");
        let body = write_configuration(&cfg);
        let info = parse_channel_info(body.as_bytes()).unwrap();
        assert_eq!(info.description.as_deref(), Some(cfg.description.as_str()));
        assert_eq!(info.status, Some(cfg.status));
        assert_eq!(info.target_type.as_deref(), Some("HLS"));
        assert_eq!(info.frag_duration, Some(cfg.target.frag_duration));
        assert_eq!(info.frag_count, Some(cfg.target.frag_count));
        assert_eq!(
            info.playlist_name.as_deref(),
            Some(cfg.target.playlist_name.as_str())
        );
        assert_eq!(info.snapshot, cfg.snapshot);
        assert_eq!(info.request_id, None);
    }
}

#[test]
fn reads_create_result_with_several_urls() {
    let body = br#"<?xml version="1.0" encoding="UTF-8"?>
<CreateLiveChannelResult>
  <PublishUrls>
<Url>rtmp://test-bucket.oss-cn-hangzhou.aliyuncs.com/live/test-channel</Url>
<Url>rtmp://test-bucket.oss-cn-hangzhou-internal.aliyuncs.com/live/test-channel</Url>
  </PublishUrls>
  <PlayUrls>
<Url>http://test-bucket.oss-cn-hangzhou.aliyuncs.com/test-channel/playlist.m3u8</Url>
  </PlayUrls>
</CreateLiveChannelResult>"#;
    let result = parse_create_result(body).unwrap();
    assert_eq!(
        result,
        CreateLiveChannelResult {
            publish_urls: vec![
                "rtmp://test-bucket.oss-cn-hangzhou.aliyuncs.com/live/test-channel".to_owned(),
                "rtmp://test-bucket.oss-cn-hangzhou-internal.aliyuncs.com/live/test-channel"
                    .to_owned(),
            ],
            play_urls: vec![
                "http://test-bucket.oss-cn-hangzhou.aliyuncs.com/test-channel/playlist.m3u8"
                    .to_owned()
            ],
            request_id: None,
        }
    );
    let bare = parse_create_result(b"<CreateLiveChannelResult/>").unwrap();
    assert!(bare.publish_urls.is_empty() && bare.play_urls.is_empty());
}

#[test]
fn reads_channel_info_pretty_printed_with_declaration() {
    let body = br#"<?xml version="1.0" encoding="UTF-8"?>
<LiveChannelConfiguration>
  <Description>test &amp; desc</Description>
  <Status> disabled </Status>
  <Target>
<Type>HLS</Type>
<FragDuration> 100 </FragDuration>
<FragCount>99</FragCount>
<PlaylistName>myplay.m3u8</PlaylistName>
<Unknown>ignored</Unknown>
  </Target>
  <Snapshot>
<RoleName>role</RoleName>
<DestBucket>dest</DestBucket>
<NotifyTopic>topic</NotifyTopic>
<Interval>5</Interval>
  </Snapshot>
</LiveChannelConfiguration>
"#;
    let info = parse_channel_info(body).unwrap();
    assert_eq!(
        info,
        LiveChannelInfo {
            description: Some("test & desc".to_owned()),
            status: Some(ChannelStatus::Disabled),
            target_type: Some("HLS".to_owned()),
            frag_duration: Some(100),
            frag_count: Some(99),
            playlist_name: Some("myplay.m3u8".to_owned()),
            snapshot: Some(LiveChannelSnapshot {
                role_name: "role".to_owned(),
                dest_bucket: "dest".to_owned(),
                notify_topic: "topic".to_owned(),
                interval: 5,
            }),
            request_id: None,
        }
    );
}

#[test]
fn reads_minimal_channel_info_as_unset_fields() {
    for body in [
        &b"<LiveChannelConfiguration/>"[..],
        b"<LiveChannelConfiguration><Target/></LiveChannelConfiguration>",
        b"<LiveChannelConfiguration><Target><Type>RTMP</Type></Target>\
          <Status></Status><FragCount/></LiveChannelConfiguration>",
    ] {
        let info = parse_channel_info(body).unwrap();
        assert_eq!(info.description, None);
        assert_eq!(info.status, None);
        assert_eq!(info.frag_duration, None);
        assert_eq!(info.frag_count, None);
        assert_eq!(info.playlist_name, None);
        assert_eq!(info.snapshot, None);
    }
    let empty_description =
        parse_channel_info(b"<LiveChannelConfiguration><Description/></LiveChannelConfiguration>")
            .unwrap();
    assert_eq!(empty_description.description.as_deref(), Some(""));
}

#[test]
fn rejects_channel_info_with_bad_typed_values() {
    let err = parse_channel_info(
        b"<LiveChannelConfiguration><Status>Enabled</Status></LiveChannelConfiguration>",
    )
    .unwrap_err();
    assert!(
        err.reason.contains("<Status>") && err.reason.contains("\"Enabled\""),
        "{err:?}"
    );
    let err = parse_channel_info(
        b"<LiveChannelConfiguration><Target><FragCount>3x</FragCount></Target>\
          </LiveChannelConfiguration>",
    )
    .unwrap_err();
    assert_eq!(
        err.reason,
        "invalid <FragCount> in <Target>: \"3x\" is not an unsigned integer in range"
    );
    let err = parse_channel_info(
        b"<LiveChannelConfiguration><Target><FragDuration>-1</FragDuration></Target>\
          </LiveChannelConfiguration>",
    )
    .unwrap_err();
    assert!(err.reason.contains("<FragDuration>"), "{err:?}");
}

const FULL_LIST: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?>
<ListLiveChannelResult>
  <Prefix>test</Prefix>
  <Marker></Marker>
  <MaxKeys>2</MaxKeys>
  <IsTruncated>true</IsTruncated>
  <NextMarker>test-channel-2</NextMarker>
  <LiveChannel>
<Name>test-channel-1</Name>
<Description>first</Description>
<Status>enabled</Status>
<LastModified>2016-08-25T06:25:15.000Z</LastModified>
<PublishUrls>
  <Url>rtmp://test-bucket.oss-cn-hangzhou.aliyuncs.com/live/test-channel-1</Url>
</PublishUrls>
<PlayUrls>
  <Url>http://test-bucket.oss-cn-hangzhou.aliyuncs.com/test-channel-1/playlist.m3u8</Url>
</PlayUrls>
  </LiveChannel>
  <LiveChannel>
<Name>test-channel-2</Name>
<Description/>
<Status>disabled</Status>
<LastModified>2016-08-24T10:30:21.123Z</LastModified>
<PublishUrls>
  <Url>rtmp://a/live/test-channel-2</Url>
  <Url>rtmp://b/live/test-channel-2</Url>
</PublishUrls>
<PlayUrls>
  <Url>http://a/test-channel-2/playlist.m3u8</Url>
</PlayUrls>
  </LiveChannel>
</ListLiveChannelResult>"#;

#[test]
fn reads_full_list_page() {
    let page = parse_list(FULL_LIST).unwrap();
    assert_eq!(page.prefix, "test");
    assert_eq!(page.marker, "");
    assert_eq!(page.max_keys, 2);
    assert!(page.is_truncated);
    assert_eq!(page.next_marker.as_deref(), Some("test-channel-2"));
    assert_eq!(page.request_id, None);
    assert_eq!(
        page.channels,
        vec![
            LiveChannelSummary {
                name: "test-channel-1".to_owned(),
                description: "first".to_owned(),
                status: ChannelStatus::Enabled,
                last_modified: Some(from_unix_seconds(1_472_106_315)),
                publish_urls: vec![
                    "rtmp://test-bucket.oss-cn-hangzhou.aliyuncs.com/live/test-channel-1"
                        .to_owned()
                ],
                play_urls: vec![
                    "http://test-bucket.oss-cn-hangzhou.aliyuncs.com/test-channel-1/playlist.m3u8"
                        .to_owned()
                ],
            },
            LiveChannelSummary {
                name: "test-channel-2".to_owned(),
                description: String::new(),
                status: ChannelStatus::Disabled,
                last_modified: Some(from_unix_seconds(1_472_034_621) + Duration::from_millis(123)),
                publish_urls: vec![
                    "rtmp://a/live/test-channel-2".to_owned(),
                    "rtmp://b/live/test-channel-2".to_owned(),
                ],
                play_urls: vec!["http://a/test-channel-2/playlist.m3u8".to_owned()],
            },
        ]
    );
}

#[test]
fn reads_minimal_list_pages() {
    let empty = parse_list(
        b"<ListLiveChannelResult><Prefix></Prefix><Marker></Marker><MaxKeys>100</MaxKeys>\
          <IsTruncated>false</IsTruncated><NextMarker></NextMarker></ListLiveChannelResult>",
    )
    .unwrap();
    assert_eq!(empty.max_keys, 100);
    assert!(!empty.is_truncated);
    assert_eq!(empty.next_marker, None);
    assert!(empty.channels.is_empty());

    let bare = parse_list(b"<ListLiveChannelResult/>").unwrap();
    assert_eq!((bare.prefix.as_str(), bare.marker.as_str()), ("", ""));
    assert_eq!(
        (bare.max_keys, bare.is_truncated, bare.next_marker),
        (0, false, None)
    );

    // No NextMarker, no LastModified, no Description, no URLs, a time without fraction.
    let page = parse_list(
        b"<ListLiveChannelResult><IsTruncated> False </IsTruncated>\
          <LiveChannel><Name>c</Name><Status>enabled</Status></LiveChannel>\
          <LiveChannel><Name>d</Name><Status>enabled</Status>\
          <LastModified>2016-08-24T10:00:00Z</LastModified></LiveChannel>\
          </ListLiveChannelResult>",
    )
    .unwrap();
    assert_eq!(page.next_marker, None);
    assert!(!page.is_truncated);
    assert_eq!(page.channels.len(), 2);
    assert_eq!(page.channels[0].description, "");
    assert_eq!(page.channels[0].last_modified, None);
    assert!(page.channels[0].publish_urls.is_empty());
    assert_eq!(
        page.channels[1].last_modified,
        Some(from_unix_seconds(1_472_032_800))
    );
}

#[test]
fn rejects_list_entries_that_cannot_be_used() {
    let cases: [(&[u8], &str); 6] = [
        (
            b"<ListLiveChannelResult><LiveChannel><Status>enabled</Status></LiveChannel>\
              </ListLiveChannelResult>",
            "<LiveChannel> #1 has no <Name>",
        ),
        (
            b"<ListLiveChannelResult><LiveChannel><Name>a</Name><Status>enabled</Status>\
              </LiveChannel><LiveChannel><Name>b</Name></LiveChannel></ListLiveChannelResult>",
            "<LiveChannel> #2 (\"b\") has no <Status>",
        ),
        (
            b"<ListLiveChannelResult><LiveChannel><Name>a</Name><Status>on</Status>\
              </LiveChannel></ListLiveChannelResult>",
            "invalid <Status> in <LiveChannel>: \"on\" is not enabled or disabled",
        ),
        (
            b"<ListLiveChannelResult><LiveChannel><Name>a</Name><Status>enabled</Status>\
              <LastModified>yesterday</LastModified></LiveChannel></ListLiveChannelResult>",
            "invalid <LastModified> in <LiveChannel>: \"yesterday\" is not an ISO 8601 UTC time",
        ),
        (
            b"<ListLiveChannelResult><IsTruncated>yes</IsTruncated></ListLiveChannelResult>",
            "invalid <IsTruncated> in <ListLiveChannelResult>: \"yes\" is not true or false",
        ),
        (
            b"<ListLiveChannelResult><MaxKeys>-1</MaxKeys></ListLiveChannelResult>",
            "invalid <MaxKeys> in <ListLiveChannelResult>: \"-1\" is not an unsigned integer in range",
        ),
    ];
    for (body, reason) in cases {
        let err = parse_list(body).unwrap_err();
        assert_eq!(err.reason, reason);
        assert!(
            err.snippet.starts_with("<ListLiveChannelResult>"),
            "{err:?}"
        );
    }
}

#[test]
fn reads_a_large_list_page() {
    let mut body = String::from(
        "<ListLiveChannelResult><Prefix/><Marker/><MaxKeys>1000</MaxKeys><IsTruncated>true</IsTruncated><NextMarker>channel-0999</NextMarker>",
    );
    for i in 0..1000 {
        body.push_str(&format!(
            "<LiveChannel><Name>channel-{i:04}</Name><Description>d</Description>\
             <Status>enabled</Status><LastModified>2016-08-25T06:25:15.000Z</LastModified>\
             <PublishUrls><Url>rtmp://b.e/live/channel-{i:04}</Url></PublishUrls>\
             <PlayUrls><Url>http://b.e/channel-{i:04}/playlist.m3u8</Url></PlayUrls>\
             </LiveChannel>"
        ));
    }
    body.push_str("</ListLiveChannelResult>");
    let page = parse_list(body.as_bytes()).unwrap();
    assert_eq!(page.channels.len(), 1000);
    assert_eq!(page.channels[999].name, "channel-0999");
    assert_eq!(page.next_marker.as_deref(), Some("channel-0999"));
}

#[test]
fn reads_the_c_sdk_stat_sample_exactly() {
    let body = br#"<?xml version="1.0" encoding="UTF-8"?>
<LiveChannelStat>
  <Status>Live</Status>
  <ConnectedTime>2016-08-25T06:25:15.000Z</ConnectedTime>
  <RemoteAddr>10.1.2.3:47745</RemoteAddr>
  <Video>
<Width>1280</Width>
<Height>536</Height>
<FrameRate>24</FrameRate>
<Bandwidth>0</Bandwidth>
<Codec>H264</Codec>
  </Video>
  <Audio>
<Bandwidth>0</Bandwidth>
<SampleRate>44100</SampleRate>
<Codec>ADPCM</Codec>
  </Audio>
</LiveChannelStat>"#;
    assert_eq!(
        parse_stat(body).unwrap(),
        LiveChannelStat {
            status: LiveStatus::Live,
            connected_time: Some(from_unix_seconds(1_472_106_315)),
            remote_addr: Some("10.1.2.3:47745".to_owned()),
            video: Some(LiveChannelVideo {
                width: 1280,
                height: 536,
                frame_rate: 24,
                bandwidth: 0,
                codec: "H264".to_owned(),
            }),
            audio: Some(LiveChannelAudio {
                bandwidth: 0,
                sample_rate: 44100,
                codec: "ADPCM".to_owned(),
            }),
            request_id: None,
        }
    );
}

#[test]
fn reads_minimal_stats() {
    let idle = parse_stat(b"<LiveChannelStat><Status>Idle</Status></LiveChannelStat>").unwrap();
    assert_eq!(
        idle,
        LiveChannelStat {
            status: LiveStatus::Idle,
            connected_time: None,
            remote_addr: None,
            video: None,
            audio: None,
            request_id: None,
        }
    );
    let live = parse_stat(
        b"<LiveChannelStat><Status>Live</Status>\
          <ConnectedTime>2016-08-25T06:25:15Z</ConnectedTime>\
          <Video><Width>640</Width></Video><Audio/></LiveChannelStat>",
    )
    .unwrap();
    assert_eq!(live.connected_time, Some(from_unix_seconds(1_472_106_315)));
    assert_eq!(live.remote_addr, None);
    assert_eq!(
        live.video,
        Some(LiveChannelVideo {
            width: 640,
            ..Default::default()
        })
    );
    assert_eq!(live.audio, Some(LiveChannelAudio::default()));
    let disabled =
        parse_stat(b"<LiveChannelStat><Status>Disabled</Status></LiveChannelStat>").unwrap();
    assert_eq!(disabled.status, LiveStatus::Disabled);
}

#[test]
fn rejects_stats_without_a_known_status_or_with_bad_values() {
    let err = parse_stat(b"<LiveChannelStat/>").unwrap_err();
    assert_eq!(err.reason, "<LiveChannelStat> has no <Status>");
    let err = parse_stat(b"<LiveChannelStat><Status>live</Status></LiveChannelStat>").unwrap_err();
    assert_eq!(
        err.reason,
        "invalid <Status> in <LiveChannelStat>: \"live\" is not Idle, Live or Disabled"
    );
    let err = parse_stat(
        b"<LiveChannelStat><Status>Live</Status><Video><Width>wide</Width></Video>\
          </LiveChannelStat>",
    )
    .unwrap_err();
    assert_eq!(
        err.reason,
        "invalid <Width> in <Video>: \"wide\" is not an unsigned integer in range"
    );
}

#[test]
fn reads_history_with_any_time_fraction() {
    let body = br#"<?xml version="1.0" encoding="UTF-8"?>
<LiveChannelHistory>
  <LiveRecord>
<StartTime>2016-08-24T10:00:00.000Z</StartTime>
<EndTime>2016-08-24T10:30:21.123Z</EndTime>
<RemoteAddr>10.101.194.148:56861</RemoteAddr>
  </LiveRecord>
  <LiveRecord>
<StartTime>2016-08-24T10:00:00Z</StartTime>
<EndTime> 2016-08-25T06:25:15.5Z </EndTime>
  </LiveRecord>
</LiveChannelHistory>"#;
    let history = parse_history(body).unwrap();
    assert_eq!(
        history,
        LiveChannelHistory {
            records: vec![
                LiveRecord {
                    start_time: from_unix_seconds(1_472_032_800),
                    end_time: from_unix_seconds(1_472_034_621) + Duration::from_millis(123),
                    remote_addr: "10.101.194.148:56861".to_owned(),
                },
                LiveRecord {
                    start_time: from_unix_seconds(1_472_032_800),
                    end_time: from_unix_seconds(1_472_106_315) + Duration::from_millis(500),
                    remote_addr: String::new(),
                },
            ],
            request_id: None,
        }
    );
}

#[test]
fn reads_empty_history() {
    for body in [
        &b"<LiveChannelHistory/>"[..],
        b"<LiveChannelHistory></LiveChannelHistory>",
        b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<LiveChannelHistory>\n</LiveChannelHistory>\n",
    ] {
        assert!(parse_history(body).unwrap().records.is_empty());
    }
}

#[test]
fn rejects_history_records_without_usable_times() {
    let err = parse_history(
        b"<LiveChannelHistory><LiveRecord><StartTime>2016-08-24 10:00:00</StartTime>\
          <EndTime>2016-08-24T10:30:21.000Z</EndTime></LiveRecord></LiveChannelHistory>",
    )
    .unwrap_err();
    assert_eq!(
        err.reason,
        "invalid <StartTime> in <LiveRecord>: \"2016-08-24 10:00:00\" is not an ISO 8601 UTC time"
    );
    let err = parse_history(
        b"<LiveChannelHistory><LiveRecord><StartTime>2016-08-24T10:00:00.000Z</StartTime>\
          </LiveRecord></LiveChannelHistory>",
    )
    .unwrap_err();
    assert_eq!(err.reason, "<LiveRecord> #1 has no <EndTime>");
}

#[test]
fn rejects_bodies_that_are_not_the_expected_document() {
    let err = parse_stat(b"this is not xml").unwrap_err();
    assert!(
        err.reason
            .starts_with("expected <LiveChannelStat>, but the body is not XML"),
        "{err:?}"
    );
    assert_eq!(err.snippet, "this is not xml");

    let err = parse_history(b"").unwrap_err();
    assert_eq!(
        err.reason,
        "expected <LiveChannelHistory>, but the body is empty"
    );
    assert_eq!(err.snippet, "");
    let err = parse_history(b" \r\n").unwrap_err();
    assert_eq!(
        err.reason,
        "expected <LiveChannelHistory>, but the body is empty"
    );

    let error_doc = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>\n  \
        <Code>NoSuchLiveChannel</Code>\n</Error>";
    let err = parse_stat(error_doc).unwrap_err();
    assert_eq!(err.reason, "expected <LiveChannelStat>, found <Error>");
    assert!(
        err.snippet.contains("<Error>   <Code>NoSuchLiveChannel"),
        "{err:?}"
    );
    let err = parse_create_result(b"<LiveChannelConfiguration/>").unwrap_err();
    assert_eq!(
        err.reason,
        "expected <CreateLiveChannelResult>, found <LiveChannelConfiguration>"
    );

    let err = parse_list(b"<ListLiveChannelResult>\xff</ListLiveChannelResult>").unwrap_err();
    assert!(err.reason.contains("not UTF-8"), "{err:?}");
    assert_eq!(
        err.snippet,
        "<ListLiveChannelResult>\u{fffd}</ListLiveChannelResult>"
    );

    let err = parse_list(b"<ListLiveChannelResult><Prefix>").unwrap_err();
    assert!(err.reason.contains("not XML"), "{err:?}");
}

#[test]
fn refuses_dtds() {
    let body = b"<?xml version=\"1.0\"?><!DOCTYPE LiveChannelStat [<!ENTITY s \"Live\">]>\
        <LiveChannelStat><Status>&s;</Status></LiveChannelStat>";
    let err = parse_stat(body).unwrap_err();
    assert!(err.reason.contains("not XML"), "{err:?}");
    assert_eq!(parse_error(body), None);
}

#[test]
fn snippets_are_short_single_line_text() {
    let mut body = b"<html>\r\n\t<body>".to_vec();
    body.extend(std::iter::repeat_n(b'x', 1000));
    let err = parse_list(&body).unwrap_err();
    assert_eq!(err.snippet.chars().count(), SNIPPET_CHARS);
    assert!(err.snippet.starts_with("<html>   <body>xxx"), "{err:?}");
    let wide = "é".repeat(500);
    assert_eq!(snippet(wide.as_bytes()), "é".repeat(SNIPPET_CHARS));
    let long_value = format!(
        "<ListLiveChannelResult><MaxKeys>{}</MaxKeys></ListLiveChannelResult>",
        "9".repeat(1000)
    );
    let err = parse_list(long_value.as_bytes()).unwrap_err();
    assert!(err.reason.len() < 200, "{err:?}");
    assert!(
        err.reason.contains("...\" is not") || err.reason.contains("\"..."),
        "{err:?}"
    );
}

#[test]
fn reads_text_split_by_comments_cdata_namespaces_and_bom() {
    let body = "\u{feff}<LiveChannelConfiguration xmlns=\"http://doc.oss-cn-hangzhou.aliyuncs.com\">\
        <Description>a<!-- note -->b<![CDATA[<c>]]>&#13;d</Description>\
        </LiveChannelConfiguration>";
    let info = parse_channel_info(body.as_bytes()).unwrap();
    assert_eq!(info.description.as_deref(), Some("ab<c>\rd"));
}

#[test]
fn reads_oss_error_documents() {
    let with_ec = br#"<?xml version="1.0" encoding="UTF-8"?>
<Error>
  <Code>NoSuchLiveChannel</Code>
  <Message>The specified live channel does not exist.</Message>
  <RequestId>5C3D9175B6FC201293AD4890</RequestId>
  <HostId>test-bucket.oss-cn-hangzhou.aliyuncs.com</HostId>
  <LiveChannel>missing</LiveChannel>
  <EC>0044-00000015</EC>
</Error>"#;
    assert_eq!(
        parse_error(with_ec),
        Some(ErrorDocument {
            code: "NoSuchLiveChannel".to_owned(),
            message: "The specified live channel does not exist.".to_owned(),
            request_id: Some("5C3D9175B6FC201293AD4890".to_owned()),
            host_id: Some("test-bucket.oss-cn-hangzhou.aliyuncs.com".to_owned()),
            ec: Some("0044-00000015".to_owned()),
        })
    );
    assert_eq!(
        parse_error(b"<Error><Code>AccessDenied</Code></Error>"),
        Some(ErrorDocument {
            code: "AccessDenied".to_owned(),
            message: String::new(),
            request_id: None,
            host_id: None,
            ec: None,
        })
    );
    let without_ec = b"<Error><Code>InvalidArgument</Code><Message>no ts</Message>\
        <RequestId>id</RequestId><HostId/></Error>";
    let doc = parse_error(without_ec).unwrap();
    assert_eq!(
        (doc.code.as_str(), doc.message.as_str()),
        ("InvalidArgument", "no ts")
    );
    assert_eq!(
        (doc.request_id.as_deref(), doc.host_id, doc.ec),
        (Some("id"), None, None)
    );
}

#[test]
fn ignores_bodies_that_are_not_oss_errors() {
    for body in [
        &b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"[..],
        b"<!DOCTYPE html><html><body>oops</body></html>",
        b"",
        b"Service Unavailable",
        b"<Error><Message>no code</Message></Error>",
        b"<Error><Code></Code></Error>",
        b"<LiveChannelStat><Status>Idle</Status></LiveChannelStat>",
        b"<Error><Code>\xff</Code></Error>",
    ] {
        assert_eq!(parse_error(body), None, "{}", String::from_utf8_lossy(body));
    }
}
