//! The XML documents of the LiveChannel API: the one request body we send and the answers
//! we read.
//!
//! Writing follows the official Python SDK byte for byte, because that is the form the
//! published signature vectors were made with and the one OSS is known to accept.
//!
//! Reading is lenient where OSS and the SDKs are (missing optional elements, any time
//! fraction, whitespace, unknown elements) so that a harmless change on the server side
//! does not break clients, and strict where a silent default would mislead the caller
//! (the wrong document, a value that cannot be the type the model promises). Every
//! document is parsed once with `roxmltree`, whose default options refuse DTDs, so a
//! hostile body cannot expand entities.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::str::FromStr;
use std::time::SystemTime;

use roxmltree::{Document, Node};

use crate::models::{
    ChannelStatus, CreateLiveChannelResult, ListLiveChannelResult, LiveChannelAudio,
    LiveChannelConfiguration, LiveChannelHistory, LiveChannelInfo, LiveChannelSnapshot,
    LiveChannelStat, LiveChannelSummary, LiveChannelVideo, LiveRecord, LiveStatus,
};

/// Why a body is not the expected document.
///
/// It carries no status or request id because only the caller knows them; the caller turns
/// it into `Error::InvalidResponse`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct XmlError {
    /// What was wrong, naming the element and value, so a log line is enough to diagnose.
    pub reason: String,
    /// The start of the body, so the user can see what arrived instead (a proxy page, say).
    pub snippet: String,
}

/// The fields of an OSS `Error` document, which a failed request answers with.
///
/// Kept separate from `ServiceError` because the HTTP status and header request id are the
/// caller's to add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ErrorDocument {
    /// `Code`, for example `NoSuchLiveChannel`: what callers branch on.
    pub code: String,
    /// `Message`, empty when OSS left it out.
    pub message: String,
    /// `RequestId`, to quote to support even when the header was lost.
    pub request_id: Option<String>,
    /// `HostId`: which host answered.
    pub host_id: Option<String>,
    /// `EC`, the detail code OSS documents per error.
    pub ec: Option<String>,
}

// ---------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------

/// Room for the fixed markup of a configuration with a snapshot, so that writing the body
/// never reallocates for ordinary values.
const CONFIGURATION_MARKUP_BYTES: usize = 400;

/// The PutLiveChannel body, byte for byte what oss2 (Python) sends, plus Go's `Snapshot`.
///
/// Matching Python exactly keeps the body identical to the published signature vectors.
/// One deliberate deviation: a CR in text is written as `&#13;`, because Python sends it
/// raw and every XML parser (OSS's included) then normalises it to LF, silently changing
/// the description.
pub(crate) fn write_configuration(cfg: &LiveChannelConfiguration) -> String {
    let target = &cfg.target;
    let mut capacity =
        CONFIGURATION_MARKUP_BYTES + cfg.description.len() + target.playlist_name.len();
    if let Some(s) = &cfg.snapshot {
        capacity += s.role_name.len() + s.dest_bucket.len() + s.notify_topic.len();
    }
    let mut out = String::with_capacity(capacity);
    out.push_str("<LiveChannelConfiguration>");
    text_element(&mut out, "Description", &cfg.description);
    text_element(&mut out, "Status", cfg.status.as_str());
    out.push_str("<Target>");
    text_element(&mut out, "Type", "HLS");
    number_element(&mut out, "FragDuration", target.frag_duration);
    number_element(&mut out, "FragCount", target.frag_count);
    text_element(&mut out, "PlaylistName", &target.playlist_name);
    out.push_str("</Target>");
    if let Some(s) = &cfg.snapshot {
        out.push_str("<Snapshot>");
        text_element(&mut out, "RoleName", &s.role_name);
        text_element(&mut out, "DestBucket", &s.dest_bucket);
        text_element(&mut out, "NotifyTopic", &s.notify_topic);
        number_element(&mut out, "Interval", s.interval);
        out.push_str("</Snapshot>");
    }
    out.push_str("</LiveChannelConfiguration>");
    out
}

/// One leaf element as ElementTree writes it: `<Name />` when empty (with the space, which
/// the byte-exact body needs), otherwise escaped text between tags.
fn text_element(out: &mut String, name: &str, text: &str) {
    out.push('<');
    out.push_str(name);
    if text.is_empty() {
        out.push_str(" />");
        return;
    }
    out.push('>');
    escape_text(out, text);
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

/// A numeric leaf; numbers never need escaping and are never empty.
fn number_element(out: &mut String, name: &str, value: u32) {
    out.push('<');
    out.push_str(name);
    out.push('>');
    // Writing into a String cannot fail.
    let _ = write!(out, "{value}");
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

/// Escapes text content as ElementTree does (`&`, `<`, `>` only; quotes stay raw, which is
/// legal outside attributes), plus CR as `&#13;` so that it survives the server's parser.
fn escape_text(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(i) = rest.find(['&', '<', '>', '\r']) {
        out.push_str(&rest[..i]);
        out.push_str(match rest.as_bytes()[i] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            _ => "&#13;",
        });
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
}

// ---------------------------------------------------------------------------------------
// Reading: the documents
// ---------------------------------------------------------------------------------------

/// Reads the answer of PutLiveChannel.
///
/// A result without URL lists is still a created channel, so missing lists are empty
/// rather than an error; every `Url` is kept, in order (Python keeps only the first).
pub(crate) fn parse_create_result(body: &[u8]) -> Result<CreateLiveChannelResult, XmlError> {
    let doc = parse_document(body, "CreateLiveChannelResult")?;
    let mut result = CreateLiveChannelResult {
        publish_urls: Vec::new(),
        play_urls: Vec::new(),
        request_id: None,
    };
    for child in element_children(doc.root_element()) {
        match child.tag_name().name() {
            "PublishUrls" => collect_urls(child, &mut result.publish_urls),
            "PlayUrls" => collect_urls(child, &mut result.play_urls),
            _ => {}
        }
    }
    Ok(result)
}

/// Reads the answer of GetLiveChannelInfo.
///
/// Every field is optional because OSS omits the Target details for non-HLS types and the
/// docs list no Snapshot; an empty element counts as absent for typed values (as Go
/// decodes it), but a value that is present and wrong is an error.
pub(crate) fn parse_channel_info(body: &[u8]) -> Result<LiveChannelInfo, XmlError> {
    let doc = parse_document(body, "LiveChannelConfiguration")?;
    channel_info(doc.root_element()).map_err(|reason| invalid(reason, body))
}

/// Reads one page of ListLiveChannel.
///
/// The page header defaults (empty Prefix/Marker, MaxKeys 0, not truncated) match what an
/// empty bucket answers, so their absence is harmless; a channel entry must have a name and
/// a status, because without them it cannot be acted on.
pub(crate) fn parse_list(body: &[u8]) -> Result<ListLiveChannelResult, XmlError> {
    let doc = parse_document(body, "ListLiveChannelResult")?;
    list(doc.root_element()).map_err(|reason| invalid(reason, body))
}

/// Reads the answer of GetLiveChannelStat.
///
/// `Status` is required because it is the one thing the document exists to say; everything
/// else exists only while Live, and Video/Audio may be missing even then.
pub(crate) fn parse_stat(body: &[u8]) -> Result<LiveChannelStat, XmlError> {
    let doc = parse_document(body, "LiveChannelStat")?;
    stat(doc.root_element()).map_err(|reason| invalid(reason, body))
}

/// Reads the answer of GetLiveChannelHistory; an empty root (a channel never pushed to) is
/// an empty history.
pub(crate) fn parse_history(body: &[u8]) -> Result<LiveChannelHistory, XmlError> {
    let doc = parse_document(body, "LiveChannelHistory")?;
    history(doc.root_element()).map_err(|reason| invalid(reason, body))
}

/// Reads an OSS `Error` document, so that a failed request reports OSS's code and message.
///
/// Returns `None` for anything else (an HTML page from a proxy, an empty body, an `Error`
/// without a `Code`), letting the caller fall back to the status and a snippet.
pub(crate) fn parse_error(body: &[u8]) -> Option<ErrorDocument> {
    let text = std::str::from_utf8(body).ok()?;
    let doc = Document::parse(text).ok()?;
    let root = doc.root_element();
    if root.tag_name().name() != "Error" {
        return None;
    }
    let mut code = None;
    let mut message = String::new();
    let mut request_id = None;
    let mut host_id = None;
    let mut ec = None;
    for child in element_children(root) {
        match child.tag_name().name() {
            "Code" => code = non_empty(child),
            "Message" => message = string_of(child),
            "RequestId" => request_id = non_empty(child),
            "HostId" => host_id = non_empty(child),
            "EC" => ec = non_empty(child),
            _ => {}
        }
    }
    Some(ErrorDocument {
        code: code?,
        message,
        request_id,
        host_id,
        ec,
    })
}

/// The `Error` document OSS puts base64-encoded in the `x-oss-err` header when an error
/// answer has no body; `None` when the header is not base64 or not such a document.
pub(crate) fn parse_error_header(value: &str) -> Option<ErrorDocument> {
    use base64::Engine as _;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(value.trim())
        .ok()?;
    parse_error(&decoded)
}

// ---------------------------------------------------------------------------------------
// Reading: the element walkers (each returns a bare reason; the public parsers add the
// snippet once, so the walkers never touch the body)
// ---------------------------------------------------------------------------------------

/// The reason a document is wrong, before the snippet is attached.
type Reason = String;

/// Walks `LiveChannelConfiguration` as GetLiveChannelInfo returns it.
fn channel_info(root: Node<'_, '_>) -> Result<LiveChannelInfo, Reason> {
    let mut info = LiveChannelInfo {
        description: None,
        status: None,
        target_type: None,
        frag_duration: None,
        frag_count: None,
        playlist_name: None,
        snapshot: None,
        request_id: None,
    };
    for child in element_children(root) {
        match child.tag_name().name() {
            "Description" => info.description = Some(string_of(child)),
            "Status" => info.status = channel_status_of(child)?,
            "Target" => {
                for t in element_children(child) {
                    match t.tag_name().name() {
                        "Type" => info.target_type = non_empty_trimmed(t),
                        "FragDuration" => info.frag_duration = number_of(t)?,
                        "FragCount" => info.frag_count = number_of(t)?,
                        "PlaylistName" => info.playlist_name = Some(string_of(t)),
                        _ => {}
                    }
                }
            }
            "Snapshot" => info.snapshot = Some(snapshot(child)?),
            _ => {}
        }
    }
    Ok(info)
}

/// Walks `Snapshot`; fields OSS leaves out are empty or 0, as in Go, since the model's
/// snapshot fields are not optional.
fn snapshot(node: Node<'_, '_>) -> Result<LiveChannelSnapshot, Reason> {
    let mut s = LiveChannelSnapshot {
        role_name: String::new(),
        dest_bucket: String::new(),
        notify_topic: String::new(),
        interval: 0,
    };
    for child in element_children(node) {
        match child.tag_name().name() {
            "RoleName" => s.role_name = string_of(child),
            "DestBucket" => s.dest_bucket = string_of(child),
            "NotifyTopic" => s.notify_topic = string_of(child),
            "Interval" => s.interval = number_of(child)?.unwrap_or(0),
            _ => {}
        }
    }
    Ok(s)
}

/// Walks `ListLiveChannelResult`.
fn list(root: Node<'_, '_>) -> Result<ListLiveChannelResult, Reason> {
    let mut page = ListLiveChannelResult {
        prefix: String::new(),
        marker: String::new(),
        max_keys: 0,
        is_truncated: false,
        next_marker: None,
        channels: Vec::new(),
        request_id: None,
    };
    for child in element_children(root) {
        match child.tag_name().name() {
            "Prefix" => page.prefix = string_of(child),
            "Marker" => page.marker = string_of(child),
            "MaxKeys" => page.max_keys = number_of(child)?.unwrap_or(0),
            "IsTruncated" => page.is_truncated = bool_of(child)?.unwrap_or(false),
            "NextMarker" => page.next_marker = non_empty(child),
            "LiveChannel" => {
                let position = page.channels.len() + 1;
                page.channels.push(summary(child, position)?);
            }
            _ => {}
        }
    }
    Ok(page)
}

/// Walks one `LiveChannel` of a list page; `position` (1-based) names the entry in errors,
/// since an entry without a name has nothing else to be named by.
fn summary(node: Node<'_, '_>, position: usize) -> Result<LiveChannelSummary, Reason> {
    let mut name = None;
    let mut description = String::new();
    let mut status = None;
    let mut last_modified = None;
    let mut publish_urls = Vec::new();
    let mut play_urls = Vec::new();
    for child in element_children(node) {
        match child.tag_name().name() {
            "Name" => name = non_empty(child),
            "Description" => description = string_of(child),
            "Status" => status = channel_status_of(child)?,
            "LastModified" => last_modified = time_of(child)?,
            "PublishUrls" => collect_urls(child, &mut publish_urls),
            "PlayUrls" => collect_urls(child, &mut play_urls),
            _ => {}
        }
    }
    let Some(name) = name else {
        return Err(format!("<LiveChannel> #{position} has no <Name>"));
    };
    let Some(status) = status else {
        return Err(format!(
            "<LiveChannel> #{position} ({}) has no <Status>",
            shown(&name)
        ));
    };
    Ok(LiveChannelSummary {
        name,
        description,
        status,
        last_modified,
        publish_urls,
        play_urls,
    })
}

/// Walks `LiveChannelStat`.
fn stat(root: Node<'_, '_>) -> Result<LiveChannelStat, Reason> {
    let mut status = None;
    let mut connected_time = None;
    let mut remote_addr = None;
    let mut video = None;
    let mut audio = None;
    for child in element_children(root) {
        match child.tag_name().name() {
            "Status" => {
                let value = text_of(child);
                let value = value.trim();
                if !value.is_empty() {
                    status = Some(
                        LiveStatus::parse(value)
                            .ok_or_else(|| bad_value(child, value, "Idle, Live or Disabled"))?,
                    );
                }
            }
            "ConnectedTime" => connected_time = time_of(child)?,
            "RemoteAddr" => remote_addr = non_empty_trimmed(child),
            "Video" => video = Some(video_of(child)?),
            "Audio" => audio = Some(audio_of(child)?),
            _ => {}
        }
    }
    let status = status.ok_or_else(|| "<LiveChannelStat> has no <Status>".to_owned())?;
    Ok(LiveChannelStat {
        status,
        connected_time,
        remote_addr,
        video,
        audio,
        request_id: None,
    })
}

/// Walks `Video`; missing fields are 0 or empty, as the model documents.
fn video_of(node: Node<'_, '_>) -> Result<LiveChannelVideo, Reason> {
    let mut v = LiveChannelVideo::default();
    for child in element_children(node) {
        match child.tag_name().name() {
            "Width" => v.width = number_of(child)?.unwrap_or(0),
            "Height" => v.height = number_of(child)?.unwrap_or(0),
            "FrameRate" => v.frame_rate = number_of(child)?.unwrap_or(0),
            "Bandwidth" => v.bandwidth = number_of(child)?.unwrap_or(0),
            "Codec" => v.codec = trimmed_string(child),
            _ => {}
        }
    }
    Ok(v)
}

/// Walks `Audio`; missing fields are 0 or empty, as the model documents.
fn audio_of(node: Node<'_, '_>) -> Result<LiveChannelAudio, Reason> {
    let mut a = LiveChannelAudio::default();
    for child in element_children(node) {
        match child.tag_name().name() {
            "Bandwidth" => a.bandwidth = number_of(child)?.unwrap_or(0),
            "SampleRate" => a.sample_rate = number_of(child)?.unwrap_or(0),
            "Codec" => a.codec = trimmed_string(child),
            _ => {}
        }
    }
    Ok(a)
}

/// Walks `LiveChannelHistory`.
fn history(root: Node<'_, '_>) -> Result<LiveChannelHistory, Reason> {
    let mut records = Vec::new();
    for child in element_children(root) {
        if child.tag_name().name() == "LiveRecord" {
            let position = records.len() + 1;
            records.push(record(child, position)?);
        }
    }
    Ok(LiveChannelHistory {
        records,
        request_id: None,
    })
}

/// Walks one `LiveRecord`; both times are required because a record without them says
/// nothing, and the model's times are not optional.
fn record(node: Node<'_, '_>, position: usize) -> Result<LiveRecord, Reason> {
    let mut start_time = None;
    let mut end_time = None;
    let mut remote_addr = String::new();
    for child in element_children(node) {
        match child.tag_name().name() {
            "StartTime" => start_time = time_of(child)?,
            "EndTime" => end_time = time_of(child)?,
            "RemoteAddr" => remote_addr = trimmed_string(child),
            _ => {}
        }
    }
    let start_time =
        start_time.ok_or_else(|| format!("<LiveRecord> #{position} has no <StartTime>"))?;
    let end_time = end_time.ok_or_else(|| format!("<LiveRecord> #{position} has no <EndTime>"))?;
    Ok(LiveRecord {
        start_time,
        end_time,
        remote_addr,
    })
}

// ---------------------------------------------------------------------------------------
// Reading: helpers
// ---------------------------------------------------------------------------------------

/// Parses the body and checks its root, the one check every answer needs: a 2xx answer
/// with another document (an `Error` from a proxy in front of OSS, say) must not be read
/// as an empty result.
fn parse_document<'i>(body: &'i [u8], expected: &str) -> Result<Document<'i>, XmlError> {
    let text = std::str::from_utf8(body).map_err(|e| {
        invalid(
            format!(
                "expected <{expected}>, but the body is not UTF-8 (invalid byte at offset {})",
                e.valid_up_to()
            ),
            body,
        )
    })?;
    if text.trim().is_empty() {
        return Err(invalid(
            format!("expected <{expected}>, but the body is empty"),
            body,
        ));
    }
    let doc = Document::parse(text).map_err(|e| {
        invalid(
            format!("expected <{expected}>, but the body is not XML ({e})"),
            body,
        )
    })?;
    let found = doc.root_element().tag_name().name();
    if found != expected {
        return Err(invalid(
            format!("expected <{expected}>, found <{found}>"),
            body,
        ));
    }
    Ok(doc)
}

/// Attaches the snippet to a reason; done once per failure, so the happy path never
/// copies the body.
fn invalid(reason: Reason, body: &[u8]) -> XmlError {
    XmlError {
        reason,
        snippet: snippet(body),
    }
}

/// Characters of the body shown in an error: enough to recognise an HTML page or an
/// `Error` document, short enough for a log line.
const SNIPPET_CHARS: usize = 200;

/// The first [`SNIPPET_CHARS`] characters of the body, lossily decoded, with control
/// characters (newlines of pretty-printed XML included) turned into spaces so the snippet
/// stays on one line.
fn snippet(body: &[u8]) -> String {
    // A character is at most 4 bytes, so this prefix always holds SNIPPET_CHARS characters
    // when the body has them, without decoding a 500 KB body.
    let head = &body[..body.len().min(SNIPPET_CHARS * 4)];
    String::from_utf8_lossy(head)
        .chars()
        .take(SNIPPET_CHARS)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// The element children of a node: the documents carry meaning only in elements, so
/// whitespace between them (pretty-printing), comments and processing instructions are
/// skipped.
fn element_children<'a, 'i>(node: Node<'a, 'i>) -> impl Iterator<Item = Node<'a, 'i>> {
    node.children().filter(Node::is_element)
}

/// The text of a leaf element, entities decoded; borrowed in the usual case of a single
/// text node, joined only when a comment splits the text.
fn text_of<'a>(node: Node<'a, '_>) -> Cow<'a, str> {
    let mut texts = node
        .children()
        .filter(Node::is_text)
        .filter_map(|n| n.text());
    let Some(first) = texts.next() else {
        return Cow::Borrowed("");
    };
    match texts.next() {
        None => Cow::Borrowed(first),
        Some(second) => {
            let mut joined = String::with_capacity(first.len() + second.len());
            joined.push_str(first);
            joined.push_str(second);
            texts.for_each(|t| joined.push_str(t));
            Cow::Owned(joined)
        }
    }
}

/// Free text (descriptions, names, markers) exactly as sent: its whitespace may be the
/// user's.
fn string_of(node: Node<'_, '_>) -> String {
    text_of(node).into_owned()
}

/// Tokens (codecs, addresses) without surrounding whitespace, which cannot be meaningful.
fn trimmed_string(node: Node<'_, '_>) -> String {
    text_of(node).trim().to_owned()
}

/// Free text where empty means "not given" (`NextMarker`, `Name`, error fields).
fn non_empty(node: Node<'_, '_>) -> Option<String> {
    let text = text_of(node);
    (!text.is_empty()).then(|| text.into_owned())
}

/// A token where empty or blank means "not given".
fn non_empty_trimmed(node: Node<'_, '_>) -> Option<String> {
    let text = text_of(node);
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// A number, trimmed; `None` when empty (Go decodes an empty element as 0, so OSS could
/// plausibly send one), an error when present but not a number of the model's type.
fn number_of<T: FromStr>(node: Node<'_, '_>) -> Result<Option<T>, Reason> {
    let text = text_of(node);
    let value = text.trim();
    if value.is_empty() {
        return Ok(None);
    }
    value
        .parse()
        .map(Some)
        .map_err(|_| bad_value(node, value, "an unsigned integer in range"))
}

/// `true`/`false` (any ASCII case), trimmed; `None` when empty.
fn bool_of(node: Node<'_, '_>) -> Result<Option<bool>, Reason> {
    let text = text_of(node);
    let value = text.trim();
    if value.is_empty() {
        Ok(None)
    } else if value.eq_ignore_ascii_case("true") {
        Ok(Some(true))
    } else if value.eq_ignore_ascii_case("false") {
        Ok(Some(false))
    } else {
        Err(bad_value(node, value, "true or false"))
    }
}

/// `enabled`/`disabled`, trimmed; `None` when empty.
fn channel_status_of(node: Node<'_, '_>) -> Result<Option<ChannelStatus>, Reason> {
    let text = text_of(node);
    let value = text.trim();
    if value.is_empty() {
        return Ok(None);
    }
    ChannelStatus::parse(value)
        .map(Some)
        .ok_or_else(|| bad_value(node, value, "enabled or disabled"))
}

/// An ISO 8601 time with any fraction or none; `None` when empty.
fn time_of(node: Node<'_, '_>) -> Result<Option<SystemTime>, Reason> {
    let text = text_of(node);
    let value = text.trim();
    if value.is_empty() {
        return Ok(None);
    }
    crate::time::parse_iso8601(value)
        .map(Some)
        .ok_or_else(|| bad_value(node, value, "an ISO 8601 UTC time"))
}

/// The reason for a present but unusable value: where it is, what it was, what was wanted.
fn bad_value(node: Node<'_, '_>, value: &str, wanted: &str) -> Reason {
    let mut reason = String::with_capacity(64 + value.len().min(SHOWN_CHARS * 4));
    reason.push_str("invalid <");
    reason.push_str(node.tag_name().name());
    reason.push('>');
    if let Some(parent) = node.parent_element() {
        reason.push_str(" in <");
        reason.push_str(parent.tag_name().name());
        reason.push('>');
    }
    let _ = write!(reason, ": {} is not {wanted}", shown(value));
    reason
}

/// Longest stretch of a value quoted in a reason; a hostile value could be megabytes.
const SHOWN_CHARS: usize = 64;

/// A value quoted for a reason, cut to [`SHOWN_CHARS`] characters.
fn shown(value: &str) -> String {
    match value.char_indices().nth(SHOWN_CHARS) {
        Some((cut, _)) => format!("{:?}...", &value[..cut]),
        None => format!("{value:?}"),
    }
}

/// Appends the non-empty `Url` children of a URL list, in document order; all of them, as
/// OSS may return several (one per endpoint).
fn collect_urls(list: Node<'_, '_>, urls: &mut Vec<String>) {
    for url in element_children(list) {
        if url.tag_name().name() == "Url" {
            let text = text_of(url);
            let text = text.trim();
            if !text.is_empty() {
                urls.push(text.to_owned());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::LiveChannelTarget;
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
            serde_json::from_str(include_str!("../tests/data/oss2-vectors.json")).unwrap();
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
        let empty_description = parse_channel_info(
            b"<LiveChannelConfiguration><Description/></LiveChannelConfiguration>",
        )
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
                    last_modified: Some(
                        from_unix_seconds(1_472_034_621) + Duration::from_millis(123)
                    ),
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
        let err =
            parse_stat(b"<LiveChannelStat><Status>live</Status></LiveChannelStat>").unwrap_err();
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
}
