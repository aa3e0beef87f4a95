//! The answers of the LiveChannel operations, read into the models.

use roxmltree::Document;

use super::element::Element;

use super::node::{
    Parsed, Reason, XmlError, bad_value, bool_of, channel_status_of, collect_urls,
    element_children, invalid, non_empty, non_empty_trimmed, number_of, parse_document, shown,
    string_of, text_of, time_of, trimmed_string,
};
use crate::models::{
    CreateLiveChannelResult, ListLiveChannelResult, LiveChannelAudio, LiveChannelHistory,
    LiveChannelInfo, LiveChannelSnapshot, LiveChannelStat, LiveChannelSummary, LiveChannelVideo,
    LiveRecord, LiveStatus,
};

/// Reads `body` as the `expected` document with the walker `walk`, which is written once
/// for both readers (see [`Parsed`]); the snippet is attached here, once.
macro_rules! read_with {
    ($body:expr, $expected:literal, $walk:ident) => {{
        let body: &[u8] = $body;
        match parse_document(body, $expected)? {
            Parsed::Plain(doc) => $walk(doc.root_element()),
            Parsed::Tree(doc) => $walk(doc.root_element()),
        }
        .map_err(|reason| invalid(reason, body))
    }};
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

/// Reads the answer of PutLiveChannel.
///
/// A result without URL lists is still a created channel, so missing lists are empty
/// rather than an error; every `Url` is kept, in order (Python keeps only the first).
pub(crate) fn parse_create_result(body: &[u8]) -> Result<CreateLiveChannelResult, XmlError> {
    read_with!(body, "CreateLiveChannelResult", create_result)
}

/// Reads the answer of GetLiveChannelInfo.
///
/// Every field is optional because OSS omits the Target details for non-HLS types and the
/// docs list no Snapshot; an empty element counts as absent for typed values (as Go
/// decodes it), but a value that is present and wrong is an error.
pub(crate) fn parse_channel_info(body: &[u8]) -> Result<LiveChannelInfo, XmlError> {
    read_with!(body, "LiveChannelConfiguration", channel_info)
}

/// Reads one page of ListLiveChannel.
///
/// The page header defaults (empty Prefix/Marker, MaxKeys 0, not truncated) match what an
/// empty bucket answers, so their absence is harmless; a channel entry must have a name and
/// a status, because without them it cannot be acted on.
pub(crate) fn parse_list(body: &[u8]) -> Result<ListLiveChannelResult, XmlError> {
    read_with!(body, "ListLiveChannelResult", list)
}

/// Reads the answer of GetLiveChannelStat.
///
/// `Status` is required because it is the one thing the document exists to say; everything
/// else exists only while Live, and Video/Audio may be missing even then.
pub(crate) fn parse_stat(body: &[u8]) -> Result<LiveChannelStat, XmlError> {
    read_with!(body, "LiveChannelStat", stat)
}

/// Reads the answer of GetLiveChannelHistory; an empty root (a channel never pushed to) is
/// an empty history.
pub(crate) fn parse_history(body: &[u8]) -> Result<LiveChannelHistory, XmlError> {
    read_with!(body, "LiveChannelHistory", history)
}

/// Reads an OSS `Error` document, so that a failed request reports OSS's code and message.
///
/// Returns `None` for anything else (an HTML page from a proxy, an empty body, an `Error`
/// without a `Code`), letting the caller fall back to the status and a snippet.
pub(crate) fn parse_error(body: &[u8]) -> Option<ErrorDocument> {
    let text = std::str::from_utf8(body).ok()?;
    let doc = Document::parse(text).ok()?;
    let root = doc.root_element();
    if root.name() != "Error" {
        return None;
    }
    let mut code = None;
    let mut message = String::new();
    let mut request_id = None;
    let mut host_id = None;
    let mut ec = None;
    for child in element_children(root) {
        match child.name() {
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

/// Walks `CreateLiveChannelResult`.
fn create_result<'a>(root: impl Element<'a>) -> Result<CreateLiveChannelResult, Reason> {
    let mut result = CreateLiveChannelResult {
        publish_urls: Vec::new(),
        play_urls: Vec::new(),
        request_id: None,
    };
    for child in element_children(root) {
        match child.name() {
            "PublishUrls" => collect_urls(child, &mut result.publish_urls),
            "PlayUrls" => collect_urls(child, &mut result.play_urls),
            _ => {}
        }
    }
    Ok(result)
}

/// Walks `LiveChannelConfiguration` as GetLiveChannelInfo returns it.
fn channel_info<'a>(root: impl Element<'a>) -> Result<LiveChannelInfo, Reason> {
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
        match child.name() {
            "Description" => info.description = Some(string_of(child)),
            "Status" => info.status = channel_status_of(child)?,
            "Target" => {
                for t in element_children(child) {
                    match t.name() {
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
fn snapshot<'a>(node: impl Element<'a>) -> Result<LiveChannelSnapshot, Reason> {
    let mut s = LiveChannelSnapshot {
        role_name: String::new(),
        dest_bucket: String::new(),
        notify_topic: String::new(),
        interval: 0,
    };
    for child in element_children(node) {
        match child.name() {
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
fn list<'a>(root: impl Element<'a>) -> Result<ListLiveChannelResult, Reason> {
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
        match child.name() {
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
fn summary<'a>(node: impl Element<'a>, position: usize) -> Result<LiveChannelSummary, Reason> {
    let mut name = None;
    let mut description = String::new();
    let mut status = None;
    let mut last_modified = None;
    let mut publish_urls = Vec::new();
    let mut play_urls = Vec::new();
    for child in element_children(node) {
        match child.name() {
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
fn stat<'a>(root: impl Element<'a>) -> Result<LiveChannelStat, Reason> {
    let mut status = None;
    let mut connected_time = None;
    let mut remote_addr = None;
    let mut video = None;
    let mut audio = None;
    for child in element_children(root) {
        match child.name() {
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
fn video_of<'a>(node: impl Element<'a>) -> Result<LiveChannelVideo, Reason> {
    let mut v = LiveChannelVideo::default();
    for child in element_children(node) {
        match child.name() {
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
fn audio_of<'a>(node: impl Element<'a>) -> Result<LiveChannelAudio, Reason> {
    let mut a = LiveChannelAudio::default();
    for child in element_children(node) {
        match child.name() {
            "Bandwidth" => a.bandwidth = number_of(child)?.unwrap_or(0),
            "SampleRate" => a.sample_rate = number_of(child)?.unwrap_or(0),
            "Codec" => a.codec = trimmed_string(child),
            _ => {}
        }
    }
    Ok(a)
}

/// Walks `LiveChannelHistory`.
fn history<'a>(root: impl Element<'a>) -> Result<LiveChannelHistory, Reason> {
    let mut records = Vec::new();
    for child in element_children(root) {
        if child.name() == "LiveRecord" {
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
fn record<'a>(node: impl Element<'a>, position: usize) -> Result<LiveRecord, Reason> {
    let mut start_time = None;
    let mut end_time = None;
    let mut remote_addr = String::new();
    for child in element_children(node) {
        match child.name() {
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
