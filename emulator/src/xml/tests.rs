use std::collections::VecDeque;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::*;
use crate::error::{OssError, ec};
use crate::model::{
    AudioStat, Channel, ChannelConfig, ChannelStatus, LiveRecord, LiveSession, Snapshot, Target,
    VideoStat,
};

fn at(secs: u64, millis: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(secs * 1000 + millis)
}

fn config(body: &str) -> ChannelConfig {
    parse_channel_config(body.as_bytes()).unwrap_or_else(|e| panic!("{body}: {e:?}"))
}

fn error(body: &str) -> OssError {
    parse_channel_config(body.as_bytes()).expect_err(body)
}

fn wrap(description: &str, target: &str, extra: &str) -> String {
    format!(
        "<LiveChannelConfiguration>{description}<Target><Type>HLS</Type>{target}</Target>{extra}</LiveChannelConfiguration>"
    )
}

/// The PutLiveChannel vector's body: the first `body_utf8`, cut out without a JSON parser.
fn first_body_utf8(vectors: &str) -> Option<String> {
    let start = vectors.find("\"body_utf8\": \"")? + "\"body_utf8\": \"".len();
    let end = start + vectors[start..].find("\",")?;
    Some(vectors[start..end].replace("\\\"", "\""))
}

fn python_body() -> String {
    // The project's copy of the oss2 vectors, so that a change there is noticed here.
    let from_vectors = first_body_utf8(include_str!("../../../tests/data/oss2-vectors.json"));
    let expected = "<LiveChannelConfiguration><Description>desc &amp; &lt;test&gt;</Description>\
         <Status>enabled</Status><Target><Type>HLS</Type><FragDuration>5</FragDuration>\
         <FragCount>3</FragCount><PlaylistName>test.m3u8</PlaylistName></Target>\
         </LiveChannelConfiguration>";
    assert_eq!(
        from_vectors.as_deref(),
        Some(expected),
        "oss2-vectors.json changed"
    );
    expected.to_string()
}

#[test]
fn python_vector_body_parses() {
    let c = config(&python_body());
    assert_eq!(c.description, "desc & <test>");
    assert_eq!(c.status, ChannelStatus::Enabled);
    assert_eq!(
        c.target,
        Target {
            frag_duration: 5,
            frag_count: 3,
            playlist_name: "test.m3u8".into()
        }
    );
    assert_eq!(c.snapshot, None);
}

#[test]
fn python_empty_elements_take_defaults() {
    let body = "<LiveChannelConfiguration><Description /><Status>disabled</Status><Target><Type>HLS</Type>\
                <FragDuration>100</FragDuration><FragCount>99</FragCount><PlaylistName /></Target>\
                </LiveChannelConfiguration>";
    let c = config(body);
    assert_eq!(c.description, "");
    assert_eq!(c.status, ChannelStatus::Disabled);
    assert_eq!(
        c.target,
        Target {
            frag_duration: 100,
            frag_count: 99,
            playlist_name: "playlist.m3u8".into()
        }
    );
    // Python writes None as the text "None", which is a valid description.
    assert_eq!(
        config(&wrap("<Description>None</Description>", "", "")).description,
        "None"
    );
}

#[test]
fn go_omitempty_form_takes_defaults() {
    let c = config(
        "<LiveChannelConfiguration><Target><Type>HLS</Type></Target></LiveChannelConfiguration>",
    );
    assert_eq!(c.description, "");
    assert_eq!(c.status, ChannelStatus::Enabled);
    assert_eq!(
        c.target,
        Target {
            frag_duration: 5,
            frag_count: 3,
            playlist_name: "playlist.m3u8".into()
        }
    );
    // Go escapes quotes, tabs and newlines as character references.
    let c = config(&wrap(
        "<Description>&#34;q&#39;&#x9;&#xA;&#xD;</Description>",
        "<FragCount>7</FragCount>",
        "",
    ));
    assert_eq!(c.description, "\"q'\t\n\r");
    assert_eq!(c.target.frag_count, 7);
    assert_eq!(c.target.frag_duration, 5);
    let with_snapshot = config(&wrap(
        "",
        "",
        "<Snapshot><RoleName>role_for_snapshot</RoleName><DestBucket>snapshotdest</DestBucket>\
         <NotifyTopic>snapshotnotify</NotifyTopic><Interval>1</Interval></Snapshot>",
    ));
    assert_eq!(
        with_snapshot.snapshot,
        Some(Snapshot {
            role_name: "role_for_snapshot".into(),
            dest_bucket: "snapshotdest".into(),
            notify_topic: "snapshotnotify".into(),
            interval: 1,
        })
    );
}

#[test]
fn c_form_with_declaration_and_indentation_parses() {
    let body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<LiveChannelConfiguration>\n    \
                <Description>c sdk</Description>\n    <Status>enabled</Status>\n    <Target>\n        \
                <Type>HLS</Type>\n        <FragDuration>10</FragDuration>\n        <FragCount>5</FragCount>\n        \
                <PlaylistName>myplay.m3u8</PlaylistName>\n    </Target>\n</LiveChannelConfiguration>\n";
    let c = config(body);
    assert_eq!(c.description, "c sdk");
    assert_eq!(
        c.target,
        Target {
            frag_duration: 10,
            frag_count: 5,
            playlist_name: "myplay.m3u8".into()
        }
    );
    // The docs' own example, with `utf-8` in lower case and a BOM in front.
    let doc = format!("\u{feff}{}", body.replace("UTF-8", "utf-8"));
    assert_eq!(config(&doc).description, "c sdk");
    // Whitespace around numbers, CDATA text, unknown elements and comments.
    let c = config(&wrap(
        "<Description><![CDATA[a<b]]><!-- x -->c</Description><Unknown>1</Unknown>",
        "<FragDuration> 6 </FragDuration><Extra/>",
        "<Other><Nested/></Other>",
    ));
    assert_eq!(c.description, "a<bc");
    assert_eq!(c.target.frag_duration, 6);
}

#[test]
fn description_limit_counts_bytes() {
    let ok = "频".repeat(42) + "ab";
    assert_eq!(
        config(&wrap(&format!("<Description>{ok}</Description>"), "", "")).description,
        ok
    );
    let e = error(&wrap(&format!("<Description>{ok}c</Description>"), "", ""));
    assert_eq!(
        (e.status, e.code, e.ec),
        (400, "InvalidArgument", "0044-00000001")
    );
    assert_eq!(e.details[0], ("ArgumentName", "Description".to_string()));
    assert_eq!(e.details[1], ("ArgumentValue", format!("{ok}c")));
}

#[test]
fn each_invalid_value_gets_its_ec() {
    let snap = |role: &str, bucket: &str, topic: &str, interval: &str| {
        format!(
            "<Snapshot><RoleName>{role}</RoleName><DestBucket>{bucket}</DestBucket>\
             <NotifyTopic>{topic}</NotifyTopic><Interval>{interval}</Interval></Snapshot>"
        )
    };
    let good = snap("r", "snapshotdest", "t", "1");
    let cases = [
        (wrap("<Status>abc</Status>", "", ""), "0044-00000002", "Status"),
        (wrap("<Status>Enabled</Status>", "", ""), "0044-00000002", "Status"),
        (
            "<LiveChannelConfiguration><Target><Type>abcd</Type></Target></LiveChannelConfiguration>".into(),
            "0044-00000013",
            "Target.Type",
        ),
        (
            "<LiveChannelConfiguration><Target/></LiveChannelConfiguration>".into(),
            "0044-00000013",
            "Target.Type",
        ),
        (wrap("", "<FragDuration>0</FragDuration>", ""), "0044-00000014", "Target.FragDuration"),
        (wrap("", "<FragDuration>101</FragDuration>", ""), "0044-00000014", "Target.FragDuration"),
        (wrap("", "<FragDuration>abc</FragDuration>", ""), "0044-00000014", "Target.FragDuration"),
        (wrap("", "<FragDuration>-1</FragDuration>", ""), "0044-00000014", "Target.FragDuration"),
        (wrap("", "<FragDuration>2.5</FragDuration>", ""), "0044-00000014", "Target.FragDuration"),
        (wrap("", "<FragDuration>99999999999</FragDuration>", ""), "0044-00000014", "Target.FragDuration"),
        (wrap("", "<FragCount>abc</FragCount>", ""), "0044-00000015", "Target.FragCount"),
        (wrap("", "<FragCount>0</FragCount>", ""), "0044-00000015", "Target.FragCount"),
        (wrap("", "<PlaylistName>my/playlist.m3u8</PlaylistName>", ""), "0044-00000016", "Target.PlaylistName"),
        (wrap("", "<PlaylistName>.m3u8</PlaylistName>", ""), "0044-00000017", "Target.PlaylistName"),
        (wrap("", "<PlaylistName>abc.text</PlaylistName>", ""), "0044-00000018", "Target.PlaylistName"),
        (wrap("", "", &format!("{good}{good}")), "0044-00000003", "Snapshot"),
        (wrap("", "", &snap("r", "snapshotdest", "t", "0")), "0044-00000005", "Snapshot.Interval"),
        (wrap("", "", &snap("r", "snapshotdest", "t", "x")), "0044-00000005", "Snapshot.Interval"),
        (wrap("", "", &snap("r", "snapshotdest", "", "1")), "0044-00000006", "Snapshot.NotifyTopic"),
        (wrap("", "", &snap("", "snapshotdest", "t", "1")), "0044-00000007", "Snapshot.RoleName"),
        (wrap("", "", &snap("r", "Bad_Bucket", "t", "1")), "0044-00000008", "Snapshot.DestBucket"),
        (wrap("", "", "<Snapshot/>"), "0044-00000007", "Snapshot.RoleName"),
        (
            wrap("", "", "<Snapshot><RoleName>r</RoleName><DestBucket>abc</DestBucket><NotifyTopic>t</NotifyTopic></Snapshot>"),
            "0044-00000005",
            "Snapshot.Interval",
        ),
        (
            wrap("", "", "<Snapshot><RoleName>r</RoleName><NotifyTopic>t</NotifyTopic><Interval>1</Interval></Snapshot>"),
            "0044-00000008",
            "Snapshot.DestBucket",
        ),
        (
            wrap("", "", "<Snapshot><RoleName>r</RoleName><DestBucket>abc</DestBucket><Interval>1</Interval></Snapshot>"),
            "0044-00000006",
            "Snapshot.NotifyTopic",
        ),
    ];
    for (body, expected_ec, field) in cases {
        let e = error(&body);
        assert_eq!(
            (e.status, e.code, e.ec),
            (400, "InvalidArgument", expected_ec),
            "{body}"
        );
        assert_eq!(e.details[0], ("ArgumentName", field.to_string()), "{body}");
    }
}

#[test]
fn first_failure_in_documented_order_wins() {
    let everything_wrong = format!(
        "<LiveChannelConfiguration><Description>{}</Description><Status>x</Status><Target><Type>y</Type>\
         <FragDuration>0</FragDuration><FragCount>0</FragCount><PlaylistName>p</PlaylistName></Target>\
         <Snapshot/><Snapshot/></LiveChannelConfiguration>",
        "d".repeat(129)
    );
    assert_eq!(error(&everything_wrong).ec, ec::DESCRIPTION);
    let steps = [
        ("<Description>ok</Description>", ec::STATUS),
        ("<Status>enabled</Status>", ec::TARGET_TYPE),
        ("<Type>HLS</Type>", ec::FRAG_DURATION),
        ("<FragDuration>5</FragDuration>", ec::FRAG_COUNT),
        ("<FragCount>3</FragCount>", ec::PLAYLIST_SUFFIX),
        ("<PlaylistName>p.m3u8</PlaylistName>", ec::SNAPSHOT_REPEATED),
    ];
    let mut body = everything_wrong;
    for (fix, next_ec) in steps {
        let tag = &fix[1..fix.find('>').unwrap()];
        let start = body.find(&format!("<{tag}>")).unwrap();
        let end = body.find(&format!("</{tag}>")).unwrap() + tag.len() + 3;
        body.replace_range(start..end, fix);
        assert_eq!(error(&body).ec, next_ec, "{body}");
    }
}

#[test]
fn malformed_bodies_are_malformed_xml() {
    let nested_open = "<a>".repeat(350_000);
    let nested_closed = format!("{}{}", "<a>".repeat(170_000), "</a>".repeat(170_000));
    let deep_inside = format!(
        "<LiveChannelConfiguration><Description>{}{}</Description><Target><Type>HLS</Type></Target>\
         </LiveChannelConfiguration>",
        "<x>".repeat(120_000),
        "</x>".repeat(120_000)
    );
    let truncated = &python_body()[..100];
    let junk: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
    let bodies: Vec<&[u8]> = vec![
        b"",
        b"   \n",
        b"<a>",
        b"<a/>",
        b"not xml at all",
        truncated.as_bytes(),
        &junk,
        b"\xff\xfe<\x00a\x00>\x00",
        b"<LiveChannelConfiguration></LiveChannelConfiguration>",
        b"<LiveChannelConfiguration><Description>d</Description></LiveChannelConfiguration>",
        b"<!DOCTYPE x [<!ENTITY e \"e\">]><LiveChannelConfiguration><Target><Type>HLS</Type></Target></LiveChannelConfiguration>",
        b"<LiveChannelConfiguration><Target><Type>HLS</Type></Target></LiveChannelConfiguration><extra/>",
        nested_open.as_bytes(),
        nested_closed.as_bytes(),
        deep_inside.as_bytes(),
    ];
    for body in bodies {
        let e = parse_channel_config(body)
            .expect_err(&String::from_utf8_lossy(&body[..body.len().min(80)]));
        assert_eq!((e.status, e.code), (400, "MalformedXML"), "{}", e.message);
    }
}

#[test]
fn seconds_truncation() {
    assert_eq!(
        iso8601_seconds(at(1_472_106_315, 999)),
        "2016-08-25T06:25:15.000Z"
    );
    assert_eq!(iso8601_seconds(at(0, 0)), "1970-01-01T00:00:00.000Z");
    assert_eq!(
        iso8601_seconds(UNIX_EPOCH - Duration::from_millis(1)),
        "1969-12-31T23:59:59.000Z"
    );
}

#[test]
fn create_result_document() {
    let xml = create_result(
        "rtmp://examplebucket.oss-cn-hangzhou.aliyuncs.com/live/test-channel",
        "http://examplebucket.oss-cn-hangzhou.aliyuncs.com/test-channel/playlist.m3u8",
    );
    assert_eq!(
        xml,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <CreateLiveChannelResult>\n\
         \x20 <PublishUrls>\n\
         \x20   <Url>rtmp://examplebucket.oss-cn-hangzhou.aliyuncs.com/live/test-channel</Url>\n\
         \x20 </PublishUrls>\n\
         \x20 <PlayUrls>\n\
         \x20   <Url>http://examplebucket.oss-cn-hangzhou.aliyuncs.com/test-channel/playlist.m3u8</Url>\n\
         \x20 </PlayUrls>\n\
         </CreateLiveChannelResult>\n"
    );
    roxmltree::Document::parse(&xml).unwrap();
}

#[test]
fn channel_info_document_round_trips() {
    let mut c = config(&python_body());
    let xml = channel_info(&c);
    assert_eq!(
        xml,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <LiveChannelConfiguration>\n\
         \x20 <Description>desc &amp; &lt;test&gt;</Description>\n\
         \x20 <Status>enabled</Status>\n\
         \x20 <Target>\n\
         \x20   <Type>HLS</Type>\n\
         \x20   <FragDuration>5</FragDuration>\n\
         \x20   <FragCount>3</FragCount>\n\
         \x20   <PlaylistName>test.m3u8</PlaylistName>\n\
         \x20 </Target>\n\
         </LiveChannelConfiguration>\n"
    );
    assert_eq!(config(&xml), c);
    c.description.clear();
    c.snapshot = Some(Snapshot {
        role_name: "role".into(),
        dest_bucket: "dest".into(),
        notify_topic: "topic".into(),
        interval: 100,
    });
    let xml = channel_info(&c);
    assert!(xml.contains("  <Description></Description>\n"));
    assert!(xml.contains(
        "  <Snapshot>\n    <RoleName>role</RoleName>\n    <DestBucket>dest</DestBucket>\n    \
         <NotifyTopic>topic</NotifyTopic>\n    <Interval>100</Interval>\n  </Snapshot>\n"
    ));
    // The response is itself a valid PutLiveChannel body describing the same channel.
    assert_eq!(config(&xml), c);
}

fn channel(name: &str) -> Channel {
    Channel {
        name: name.into(),
        config: config(&python_body()),
        last_modified: at(1_472_106_315, 123),
        live: None,
        history: VecDeque::new(),
        fragments: Vec::new(),
    }
}

#[test]
fn list_document() {
    let a = channel("chan-a");
    let b = channel("chan<b>");
    let entries: Vec<ListEntry<'_>> = [&a, &b]
        .into_iter()
        .map(|c| ListEntry {
            channel: c,
            publish_url: format!("rtmp://bkt.example/live/{}", c.name),
            play_url: format!("http://bkt.example/{}/test.m3u8", c.name),
        })
        .collect();
    let xml = list_result("chan", "", 100, true, "chan<b>", &entries[..1]);
    assert_eq!(
        xml,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <ListLiveChannelResult>\n\
         \x20 <Prefix>chan</Prefix>\n\
         \x20 <Marker></Marker>\n\
         \x20 <MaxKeys>100</MaxKeys>\n\
         \x20 <IsTruncated>true</IsTruncated>\n\
         \x20 <NextMarker>chan&lt;b&gt;</NextMarker>\n\
         \x20 <LiveChannel>\n\
         \x20   <Name>chan-a</Name>\n\
         \x20   <Description>desc &amp; &lt;test&gt;</Description>\n\
         \x20   <Status>enabled</Status>\n\
         \x20   <LastModified>2016-08-25T06:25:15.000Z</LastModified>\n\
         \x20   <PublishUrls>\n\
         \x20     <Url>rtmp://bkt.example/live/chan-a</Url>\n\
         \x20   </PublishUrls>\n\
         \x20   <PlayUrls>\n\
         \x20     <Url>http://bkt.example/chan-a/test.m3u8</Url>\n\
         \x20   </PlayUrls>\n\
         \x20 </LiveChannel>\n\
         </ListLiveChannelResult>\n"
    );
    let full = list_result("", "m", 1000, false, "ignored", &entries);
    let doc = roxmltree::Document::parse(&full).unwrap();
    let text = |name: &str| {
        doc.descendants()
            .find(|n| n.has_tag_name(name))
            .and_then(|n| n.text())
            .map(str::to_string)
    };
    assert!(
        !full.contains("NextMarker"),
        "absent when not truncated: {full}"
    );
    assert_eq!(text("NextMarker"), None);
    assert_eq!(text("IsTruncated").as_deref(), Some("false"));
    let names: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("Name"))
        .filter_map(|n| n.text())
        .collect();
    assert_eq!(names, ["chan-a", "chan<b>"]);
    let empty = list_result("", "", 100, false, "", &[]);
    assert!(!empty.contains("<LiveChannel>"));
    roxmltree::Document::parse(&empty).unwrap();
}

#[test]
fn stat_documents() {
    let mut c = channel("c");
    assert_eq!(
        stat(&c),
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<LiveChannelStat>\n  <Status>Idle</Status>\n</LiveChannelStat>\n"
    );
    c.config.status = ChannelStatus::Disabled;
    assert!(stat(&c).contains("<Status>Disabled</Status>"));
    c.config.status = ChannelStatus::Enabled;
    c.live = Some(LiveSession {
        connected_time: at(1_472_106_315, 500),
        remote_addr: "10.1.2.3:47745".into(),
        video: None,
        audio: None,
    });
    let bare = stat(&c);
    assert!(bare.contains("  <ConnectedTime>2016-08-25T06:25:15.000Z</ConnectedTime>\n  <RemoteAddr>10.1.2.3:47745</RemoteAddr>\n"));
    assert!(!bare.contains("Video") && !bare.contains("Audio"));
    let live = c.live.as_mut().unwrap();
    live.video = Some(VideoStat {
        width: 1280,
        height: 536,
        frame_rate: 24,
        bandwidth: 0,
        codec: "H264".into(),
    });
    live.audio = Some(AudioStat {
        bandwidth: 0,
        sample_rate: 44100,
        codec: "ADPCM".into(),
    });
    assert_eq!(
        stat(&c),
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <LiveChannelStat>\n\
         \x20 <Status>Live</Status>\n\
         \x20 <ConnectedTime>2016-08-25T06:25:15.000Z</ConnectedTime>\n\
         \x20 <RemoteAddr>10.1.2.3:47745</RemoteAddr>\n\
         \x20 <Video>\n\
         \x20   <Width>1280</Width>\n\
         \x20   <Height>536</Height>\n\
         \x20   <FrameRate>24</FrameRate>\n\
         \x20   <Bandwidth>0</Bandwidth>\n\
         \x20   <Codec>H264</Codec>\n\
         \x20 </Video>\n\
         \x20 <Audio>\n\
         \x20   <Bandwidth>0</Bandwidth>\n\
         \x20   <SampleRate>44100</SampleRate>\n\
         \x20   <Codec>ADPCM</Codec>\n\
         \x20 </Audio>\n\
         </LiveChannelStat>\n"
    );
    // Disabled while live still reports Live, as live_state() decides.
    c.config.status = ChannelStatus::Disabled;
    assert!(stat(&c).contains("<Status>Live</Status>"));
}

#[test]
fn history_documents() {
    let mut c = channel("c");
    assert_eq!(
        history(&c),
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<LiveChannelHistory>\n</LiveChannelHistory>\n"
    );
    for i in 0..12u64 {
        c.history.push_back(LiveRecord {
            start_time: at(1_469_843_601 + i * 14, 250),
            end_time: at(1_469_843_611 + i * 14, 750),
            remote_addr: format!("10.101.194.148:{}", 56_861 + i),
        });
    }
    let xml = history(&c);
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let addrs: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("RemoteAddr"))
        .filter_map(|n| n.text())
        .collect();
    assert_eq!(addrs.len(), 10);
    assert_eq!(
        addrs[0], "10.101.194.148:56863",
        "the two oldest are dropped"
    );
    assert_eq!(addrs[9], "10.101.194.148:56872");
    c.history.truncate(1);
    c.history[0].start_time = at(1_469_843_601, 0);
    c.history[0].end_time = at(1_469_843_611, 999);
    assert_eq!(
        history(&c),
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <LiveChannelHistory>\n\
         \x20 <LiveRecord>\n\
         \x20   <StartTime>2016-07-30T01:53:21.000Z</StartTime>\n\
         \x20   <EndTime>2016-07-30T01:53:31.000Z</EndTime>\n\
         \x20   <RemoteAddr>10.101.194.148:56861</RemoteAddr>\n\
         \x20 </LiveRecord>\n\
         </LiveChannelHistory>\n"
    );
}
