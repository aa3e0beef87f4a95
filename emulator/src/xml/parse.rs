//! Parsing the one XML request body of the API: the PutLiveChannel configuration.

use roxmltree::{Document, Node, ParsingOptions};

use crate::error::OssError;
use crate::model::{ChannelConfig, ChannelStatus, Snapshot, Target};
use crate::rules::{self, Rule};

/// Cap on parsed nodes: a real configuration has about twenty, and the cap bounds the work a
/// hostile body (deeply nested or huge) can cause before it is refused as malformed.
const NODES_LIMIT: u32 = 10_000;

/// Default `Target.FragDuration` when the body leaves it out (docs/wire-protocol.md,
/// PutLiveChannel).
pub const DEFAULT_FRAG_DURATION: u32 = 5;
/// Default `Target.FragCount` when the body leaves it out (docs/wire-protocol.md,
/// PutLiveChannel).
pub const DEFAULT_FRAG_COUNT: u32 = 3;
/// Default `Target.PlaylistName` when the body leaves it out or sends it empty
/// (docs/wire-protocol.md, PutLiveChannel).
pub const DEFAULT_PLAYLIST_NAME: &str = "playlist.m3u8";

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
/// Accepts the three SDK styles of docs/sdk-differences.md: Python's (all fields, empty
/// elements for empty strings, no declaration), Go's (`omitempty`, so absent elements) and
/// C's (declaration, all fields). Absent or empty optional elements take OSS's defaults;
/// unknown elements are ignored as OSS ignores them. A body that is not a
/// `LiveChannelConfiguration` with a `Target` is `MalformedXML`; after that, rules are
/// checked in the order Description, Status, Type, FragDuration, FragCount, PlaylistName,
/// Snapshot; the first failure wins.
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
        // Python sends `<PlaylistName />` by default and OSS then uses its default
        // (docs/sdk-differences.md, Defaults).
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
