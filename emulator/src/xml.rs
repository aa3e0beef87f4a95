//! The XML documents of the LiveChannel API: parsing the PutLiveChannel body and rendering
//! every response body, in the layout of OSS's documented examples.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use roxmltree::{Document, Node, ParsingOptions};

use crate::dates;
use crate::error::OssError;
use crate::model::{
    Channel, ChannelConfig, ChannelStatus, HISTORY_LIMIT, LiveState, Snapshot, Target,
};
use crate::rules::{self, Rule};

/// The declaration every rendered document starts with, as OSS sends it.
const DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

/// Cap on parsed nodes: a real configuration has about twenty, and the cap bounds the work a
/// hostile body (deeply nested or huge) can cause before it is refused as malformed.
const NODES_LIMIT: u32 = 10_000;

/// Default `Target.FragDuration` when the body leaves it out (spec §1.1).
pub const DEFAULT_FRAG_DURATION: u32 = 5;
/// Default `Target.FragCount` when the body leaves it out (spec §1.1).
pub const DEFAULT_FRAG_COUNT: u32 = 3;
/// Default `Target.PlaylistName` when the body leaves it out or sends it empty (spec §1.1).
pub const DEFAULT_PLAYLIST_NAME: &str = "playlist.m3u8";

/// Escapes text for element content. Quotes need no escaping there, so they stay readable.
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            // A raw CR would be normalised to LF by every XML parser (found by fuzzing).
            '\r' => out.push_str("&#13;"),
            _ => out.push(c),
        }
    }
    out
}

/// `2016-08-25T06:25:15.000Z`: the time cut to whole seconds, because oss2 parses XML
/// times with a pattern that requires exactly `.000Z` and fails on anything else.
pub fn iso8601_seconds(t: SystemTime) -> String {
    let whole = match t.duration_since(UNIX_EPOCH) {
        Ok(d) => UNIX_EPOCH + Duration::from_secs(d.as_secs()),
        Err(e) => {
            // Before 1970: round towards the past so the result never lies after `t`.
            let d = e.duration();
            let secs = d.as_secs() + u64::from(d.subsec_nanos() > 0);
            UNIX_EPOCH - Duration::from_secs(secs)
        }
    };
    dates::iso8601(whole)
}

// ---------------------------------------------------------------------------------------
// Parsing

fn malformed(reason: impl AsRef<str>) -> OssError {
    OssError::malformed_xml(reason.as_ref())
}

fn check(result: Result<(), Rule>, value: &str) -> Result<(), OssError> {
    result.map_err(|rule| rule.error(value))
}

fn children_named<'a, 'input>(
    parent: Node<'a, 'input>,
    name: &'a str,
) -> impl Iterator<Item = Node<'a, 'input>> {
    parent
        .children()
        .filter(move |n| n.is_element() && n.tag_name().name() == name)
}

/// The text of the first child element called `name`, or `None` when there is no such child.
///
/// All direct text pieces are joined, so CDATA sections and text split by comments count.
fn child_text(parent: Node<'_, '_>, name: &str) -> Option<String> {
    children_named(parent, name).next().map(|n| {
        n.children()
            .filter(|c| c.is_text())
            .filter_map(|c| c.text())
            .collect()
    })
}

/// An optional integer child: absent or empty means `default`; whitespace around the number
/// is tolerated because pretty-printers may add it.
fn int_child(
    parent: Node<'_, '_>,
    name: &str,
    rule: Rule,
    default: u32,
    check_value: fn(u32) -> Result<(), Rule>,
) -> Result<u32, OssError> {
    match child_text(parent, name) {
        None => Ok(default),
        Some(text) if text.trim().is_empty() => Ok(default),
        Some(text) => required_int(&text, rule, check_value),
    }
}

/// An integer that breaks `rule` when it is not one, or when `check_value` refuses it.
fn required_int(
    text: &str,
    rule: Rule,
    check_value: fn(u32) -> Result<(), Rule>,
) -> Result<u32, OssError> {
    let v: u32 = text.trim().parse().map_err(|_| rule.error(text))?;
    check(check_value(v), text)?;
    Ok(v)
}

/// Parses a PutLiveChannel body into the configuration to store.
///
/// Accepts the three SDK styles of spec §6: Python's (all fields, empty elements for empty
/// strings, no declaration), Go's (`omitempty`, so absent elements) and C's (declaration,
/// all fields). Absent or empty optional elements take OSS's defaults; unknown elements
/// are ignored as OSS ignores them. A body that is not a `LiveChannelConfiguration` with a
/// `Target` is `MalformedXML`; after that, rules are checked in the order Description,
/// Status, Type, FragDuration, FragCount, PlaylistName, Snapshot; the first failure wins.
pub fn parse_channel_config(body: &[u8]) -> Result<ChannelConfig, OssError> {
    let text =
        std::str::from_utf8(body).map_err(|e| malformed(format!("the body is not UTF-8 ({e})")))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(malformed("the body is empty"));
    }
    let options = ParsingOptions {
        allow_dtd: false,
        nodes_limit: NODES_LIMIT,
        ..ParsingOptions::default()
    };
    let doc = Document::parse_with_options(text, options).map_err(|e| malformed(e.to_string()))?;
    let root = doc.root_element();
    if root.tag_name().name() != "LiveChannelConfiguration" {
        return Err(malformed(format!(
            "the root element is {}, not LiveChannelConfiguration",
            root.tag_name().name()
        )));
    }
    let target = children_named(root, "Target")
        .next()
        .ok_or_else(|| malformed("Target is missing"))?;

    let description = child_text(root, "Description").unwrap_or_default();
    check(rules::description(&description), &description)?;

    let status = match child_text(root, "Status") {
        None => ChannelStatus::Enabled,
        Some(s) if s.is_empty() => ChannelStatus::Enabled,
        Some(s) => {
            check(rules::status(&s), &s)?;
            ChannelStatus::parse(&s).unwrap_or(ChannelStatus::Enabled)
        }
    };

    let target_type = child_text(target, "Type").unwrap_or_default();
    check(rules::target_type(&target_type), &target_type)?;

    let frag_duration = int_child(
        target,
        "FragDuration",
        Rule::FragDuration,
        DEFAULT_FRAG_DURATION,
        rules::frag_duration,
    )?;
    let frag_count = int_child(
        target,
        "FragCount",
        Rule::FragCount,
        DEFAULT_FRAG_COUNT,
        rules::frag_count,
    )?;

    let playlist_name = match child_text(target, "PlaylistName") {
        None => DEFAULT_PLAYLIST_NAME.to_string(),
        // Python sends `<PlaylistName />` by default and OSS then uses its default (spec §2).
        Some(s) if s.is_empty() => DEFAULT_PLAYLIST_NAME.to_string(),
        Some(s) => {
            check(rules::playlist_name(&s), &s)?;
            s
        }
    };

    let mut snapshots = children_named(root, "Snapshot");
    let snapshot = match (snapshots.next(), snapshots.next()) {
        (None, _) => None,
        (Some(_), Some(_)) => return Err(Rule::SnapshotRepeated.error("")),
        (Some(node), None) => Some(parse_snapshot(node)?),
    };

    Ok(ChannelConfig {
        description,
        status,
        target: Target {
            frag_duration,
            frag_count,
            playlist_name,
        },
        snapshot,
    })
}

/// A missing child is checked as an empty one, so it fails its own rule with its own EC.
fn parse_snapshot(node: Node<'_, '_>) -> Result<Snapshot, OssError> {
    let role_name = child_text(node, "RoleName").unwrap_or_default();
    check(rules::snapshot_role_name(&role_name), &role_name)?;
    let dest_bucket = child_text(node, "DestBucket").unwrap_or_default();
    check(rules::snapshot_dest_bucket(&dest_bucket), &dest_bucket)?;
    let notify_topic = child_text(node, "NotifyTopic").unwrap_or_default();
    check(rules::snapshot_notify_topic(&notify_topic), &notify_topic)?;
    let interval_text = child_text(node, "Interval").unwrap_or_default();
    let interval = required_int(
        &interval_text,
        Rule::SnapshotInterval,
        rules::snapshot_interval,
    )?;
    Ok(Snapshot {
        role_name,
        dest_bucket,
        notify_topic,
        interval,
    })
}

// ---------------------------------------------------------------------------------------
// Rendering

/// Builds a pretty-printed document with two-space indentation, like OSS's examples.
struct Writer {
    out: String,
    depth: usize,
}

impl Writer {
    fn new() -> Self {
        Writer {
            out: DECLARATION.to_string(),
            depth: 0,
        }
    }

    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
    }

    fn open(&mut self, name: &str) {
        self.indent();
        self.out.push_str(&format!("<{name}>\n"));
        self.depth += 1;
    }

    fn close(&mut self, name: &str) {
        self.depth -= 1;
        self.indent();
        self.out.push_str(&format!("</{name}>\n"));
    }

    fn leaf(&mut self, name: &str, text: &str) {
        self.indent();
        self.out
            .push_str(&format!("<{name}>{}</{name}>\n", escape_text(text)));
    }

    fn urls(&mut self, container: &str, url: &str) {
        self.open(container);
        self.leaf("Url", url);
        self.close(container);
    }

    fn finish(self) -> String {
        debug_assert_eq!(self.depth, 0, "unbalanced document");
        self.out
    }
}

/// The PutLiveChannel response: `CreateLiveChannelResult` with one publish and one play URL.
pub fn create_result(publish_url: &str, play_url: &str) -> String {
    let mut w = Writer::new();
    w.open("CreateLiveChannelResult");
    w.urls("PublishUrls", publish_url);
    w.urls("PlayUrls", play_url);
    w.close("CreateLiveChannelResult");
    w.finish()
}

/// The GetLiveChannelInfo response. `Description` is always written (empty when empty)
/// because oss2 raises when it is missing; `Snapshot` is added when one is configured.
pub fn channel_info(config: &ChannelConfig) -> String {
    let mut w = Writer::new();
    w.open("LiveChannelConfiguration");
    w.leaf("Description", &config.description);
    w.leaf("Status", config.status.as_str());
    w.open("Target");
    w.leaf("Type", "HLS");
    w.leaf("FragDuration", &config.target.frag_duration.to_string());
    w.leaf("FragCount", &config.target.frag_count.to_string());
    w.leaf("PlaylistName", &config.target.playlist_name);
    w.close("Target");
    if let Some(s) = &config.snapshot {
        w.open("Snapshot");
        w.leaf("RoleName", &s.role_name);
        w.leaf("DestBucket", &s.dest_bucket);
        w.leaf("NotifyTopic", &s.notify_topic);
        w.leaf("Interval", &s.interval.to_string());
        w.close("Snapshot");
    }
    w.close("LiveChannelConfiguration");
    w.finish()
}

/// One channel of a ListLiveChannel page, with the URLs the server derives for it.
#[derive(Debug, Clone)]
pub struct ListEntry<'a> {
    /// The channel as stored.
    pub channel: &'a Channel,
    /// `rtmp://BUCKET.ENDPOINT/live/CHANNEL`.
    pub publish_url: String,
    /// `http://BUCKET.ENDPOINT/CHANNEL/PLAYLIST`.
    pub play_url: String,
}

/// The ListLiveChannel response.
///
/// `NextMarker` is written only when `is_truncated`: OSS's ListLiveChannel page
/// (alibabacloud.com/help/en/oss/developer-reference/listlivechannel) includes it only
/// when not all results are returned, and the SDKs read it only then.
pub fn list_result(
    prefix: &str,
    marker: &str,
    max_keys: u32,
    is_truncated: bool,
    next_marker: &str,
    entries: &[ListEntry<'_>],
) -> String {
    let mut w = Writer::new();
    w.open("ListLiveChannelResult");
    w.leaf("Prefix", prefix);
    w.leaf("Marker", marker);
    w.leaf("MaxKeys", &max_keys.to_string());
    w.leaf("IsTruncated", if is_truncated { "true" } else { "false" });
    if is_truncated {
        w.leaf("NextMarker", next_marker);
    }
    for entry in entries {
        let c = entry.channel;
        w.open("LiveChannel");
        w.leaf("Name", &c.name);
        w.leaf("Description", &c.config.description);
        w.leaf("Status", c.config.status.as_str());
        w.leaf("LastModified", &iso8601_seconds(c.last_modified));
        w.urls("PublishUrls", &entry.publish_url);
        w.urls("PlayUrls", &entry.play_url);
        w.close("LiveChannel");
    }
    w.close("ListLiveChannelResult");
    w.finish()
}

/// The GetLiveChannelStat response: the live state, and the push's details while Live.
pub fn stat(channel: &Channel) -> String {
    let mut w = Writer::new();
    w.open("LiveChannelStat");
    let state = channel.live_state();
    w.leaf("Status", state.as_str());
    if let (LiveState::Live, Some(session)) = (state, &channel.live) {
        w.leaf("ConnectedTime", &iso8601_seconds(session.connected_time));
        w.leaf("RemoteAddr", &session.remote_addr);
        if let Some(v) = &session.video {
            w.open("Video");
            w.leaf("Width", &v.width.to_string());
            w.leaf("Height", &v.height.to_string());
            w.leaf("FrameRate", &v.frame_rate.to_string());
            w.leaf("Bandwidth", &v.bandwidth.to_string());
            w.leaf("Codec", &v.codec);
            w.close("Video");
        }
        if let Some(a) = &session.audio {
            w.open("Audio");
            w.leaf("Bandwidth", &a.bandwidth.to_string());
            w.leaf("SampleRate", &a.sample_rate.to_string());
            w.leaf("Codec", &a.codec);
            w.close("Audio");
        }
    }
    w.close("LiveChannelStat");
    w.finish()
}

/// The GetLiveChannelHistory response: the ten most recent pushes, oldest first, which is
/// the order of the GetLiveChannelHistory doc example (its StartTimes ascend).
pub fn history(channel: &Channel) -> String {
    let mut w = Writer::new();
    w.open("LiveChannelHistory");
    let skip = channel.history.len().saturating_sub(HISTORY_LIMIT);
    for record in channel.history.iter().skip(skip) {
        w.open("LiveRecord");
        w.leaf("StartTime", &iso8601_seconds(record.start_time));
        w.leaf("EndTime", &iso8601_seconds(record.end_time));
        w.leaf("RemoteAddr", &record.remote_addr);
        w.close("LiveRecord");
    }
    w.close("LiveChannelHistory");
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ec;
    use crate::model::{AudioStat, LiveRecord, LiveSession, VideoStat};
    use std::collections::VecDeque;

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

    fn python_body() -> String {
        let text = std::fs::read_to_string("/work/shared/spec/vectors.json").ok();
        let from_vectors = text.and_then(|t| {
            // The PutLiveChannel vector is the first `body_utf8`; cut it out without a JSON parser.
            let start = t.find("\"body_utf8\": \"")? + "\"body_utf8\": \"".len();
            let end = start + t[start..].find("\",")?;
            Some(t[start..end].replace("\\\"", "\""))
        });
        let expected = "<LiveChannelConfiguration><Description>desc &amp; &lt;test&gt;</Description>\
             <Status>enabled</Status><Target><Type>HLS</Type><FragDuration>5</FragDuration>\
             <FragCount>3</FragCount><PlaylistName>test.m3u8</PlaylistName></Target>\
             </LiveChannelConfiguration>";
        if let Some(body) = &from_vectors {
            assert_eq!(body, expected, "vectors.json changed");
        }
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
}
