//! The documents of the LiveChannel API as Rust types, named as OSS names them.
//!
//! What osslive returns (the results and what they hold) is `#[non_exhaustive]`, so a
//! field OSS adds can be added here without breaking callers. What a caller builds
//! ([`LiveChannelConfiguration`], [`LiveChannelTarget`], [`LiveChannelSnapshot`],
//! [`ListOptions`]) stays open to struct literals, the way Rust code writes such input;
//! all but the snapshot, whose fields have no sensible default, implement `Default` for
//! `..Default::default()`.

use std::time::SystemTime;

/// `enabled` or `disabled`: whether a channel accepts RTMP pushes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ChannelStatus {
    /// Pushes are accepted. The default.
    #[default]
    Enabled,
    /// New pushes are refused and a current one is cut off within about ten seconds.
    Disabled,
}

impl ChannelStatus {
    /// The wire spelling: `enabled` or `disabled`.
    pub fn as_str(self) -> &'static str {
        match self {
            ChannelStatus::Enabled => "enabled",
            ChannelStatus::Disabled => "disabled",
        }
    }

    /// Parses the wire spelling; OSS uses only these two lower-case words.
    pub fn parse(s: &str) -> Option<ChannelStatus> {
        match s {
            "enabled" => Some(ChannelStatus::Enabled),
            "disabled" => Some(ChannelStatus::Disabled),
            _ => None,
        }
    }
}

impl std::fmt::Display for ChannelStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The HLS output of a channel (`Target`). Its `Type` is always `HLS`, the only type OSS has.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LiveChannelTarget {
    /// Seconds of media per TS fragment, 1–100. Default 5.
    pub frag_duration: u32,
    /// Fragments listed in the live m3u8, 1–100. Default 3.
    pub frag_count: u32,
    /// The m3u8 object written under `CHANNEL/`: ends in `.m3u8`, 6–128 characters, no `/`.
    /// Default `playlist.m3u8`.
    pub playlist_name: String,
}

impl Default for LiveChannelTarget {
    fn default() -> Self {
        LiveChannelTarget {
            frag_duration: 5,
            frag_count: 3,
            playlist_name: "playlist.m3u8".to_owned(),
        }
    }
}

/// High-frequency snapshots of a channel written to another bucket (`Snapshot`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LiveChannelSnapshot {
    /// The RAM role OSS assumes to write snapshots; must be allowed to write to
    /// `dest_bucket` and publish to `notify_topic`.
    pub role_name: String,
    /// The bucket snapshots are written to.
    pub dest_bucket: String,
    /// The MNS topic told about each snapshot.
    pub notify_topic: String,
    /// Seconds between snapshots, 1–100.
    pub interval: u32,
}

/// A channel's configuration: what PutLiveChannel sends (`LiveChannelConfiguration`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct LiveChannelConfiguration {
    /// Free text, at most 128 bytes of UTF-8.
    pub description: String,
    /// Whether pushes are accepted.
    pub status: ChannelStatus,
    /// The HLS output.
    pub target: LiveChannelTarget,
    /// Optional snapshots.
    pub snapshot: Option<LiveChannelSnapshot>,
}

impl LiveChannelConfiguration {
    /// Checks every field against the rules OSS enforces, before anything is sent.
    pub fn validate(&self) -> Result<(), crate::validate::InvalidInput> {
        use crate::validate;
        validate::description(&self.description)?;
        validate::frag_duration(self.target.frag_duration)?;
        validate::frag_count(self.target.frag_count)?;
        validate::playlist_name(&self.target.playlist_name)?;
        if let Some(s) = &self.snapshot {
            validate::snapshot_role_name(&s.role_name)?;
            validate::snapshot_dest_bucket(&s.dest_bucket)?;
            validate::snapshot_notify_topic(&s.notify_topic)?;
            validate::snapshot_interval(s.interval)?;
        }
        Ok(())
    }
}

/// What PutLiveChannel answers (`CreateLiveChannelResult`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CreateLiveChannelResult {
    /// RTMP URLs to push to (unsigned; sign one with `Bucket::sign_rtmp_url`).
    pub publish_urls: Vec<String>,
    /// HLS URLs to play the live m3u8.
    pub play_urls: Vec<String>,
    /// `x-oss-request-id` of the answer.
    pub request_id: Option<String>,
}

/// A channel's configuration as GetLiveChannelInfo returns it. Elements OSS leaves out
/// are `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LiveChannelInfo {
    /// The description (empty when set empty, `None` when absent).
    pub description: Option<String>,
    /// Whether pushes are accepted.
    pub status: Option<ChannelStatus>,
    /// The target type, `HLS`.
    pub target_type: Option<String>,
    /// Seconds per fragment.
    pub frag_duration: Option<u32>,
    /// Fragments in the live m3u8.
    pub frag_count: Option<u32>,
    /// The live m3u8 name.
    pub playlist_name: Option<String>,
    /// Snapshot settings, when OSS returns them.
    pub snapshot: Option<LiveChannelSnapshot>,
    /// `x-oss-request-id` of the answer.
    pub request_id: Option<String>,
}

/// One channel in a ListLiveChannel page (`LiveChannel`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LiveChannelSummary {
    /// The channel name.
    pub name: String,
    /// Its description.
    pub description: String,
    /// Whether pushes are accepted.
    pub status: ChannelStatus,
    /// When its configuration last changed.
    pub last_modified: Option<SystemTime>,
    /// RTMP URLs to push to (unsigned).
    pub publish_urls: Vec<String>,
    /// HLS URLs to play.
    pub play_urls: Vec<String>,
}

/// Options of one ListLiveChannel request.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ListOptions {
    /// Only channels whose names start with this (at most 1024 bytes).
    pub prefix: Option<String>,
    /// Only channels whose names sort after this (exclusive; at most 1024 bytes).
    pub marker: Option<String>,
    /// At most this many channels, 1–1000; OSS's default is 100.
    pub max_keys: Option<u32>,
}

impl ListOptions {
    /// Checks every option against the rules OSS enforces, before anything is sent: the
    /// prefix and marker lengths and the page size.
    pub fn validate(&self) -> Result<(), crate::validate::InvalidInput> {
        use crate::validate;
        if let Some(prefix) = &self.prefix {
            validate::list_prefix(prefix)?;
        }
        if let Some(marker) = &self.marker {
            validate::list_marker(marker)?;
        }
        if let Some(max_keys) = self.max_keys {
            validate::max_keys(i64::from(max_keys))?;
        }
        Ok(())
    }
}

/// One page of ListLiveChannel (`ListLiveChannelResult`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListLiveChannelResult {
    /// The prefix the page was asked for.
    pub prefix: String,
    /// The marker the page was asked for.
    pub marker: String,
    /// The page size the server used.
    pub max_keys: u32,
    /// Whether more channels follow; ask again with `next_marker`.
    pub is_truncated: bool,
    /// Where the next page starts, when truncated.
    pub next_marker: Option<String>,
    /// The channels of this page, by name.
    pub channels: Vec<LiveChannelSummary>,
    /// `x-oss-request-id` of the answer.
    pub request_id: Option<String>,
}

impl ListLiveChannelResult {
    /// Where the page after this one starts, or `None` when this is the last page.
    ///
    /// A truncated page without `NextMarker` continues after its last name; one with
    /// neither, or one that would ask for the page it came from (`asked_marker`) again,
    /// ends the walk instead of looping.
    pub fn continuation_marker(&self, asked_marker: Option<&str>) -> Option<String> {
        if !self.is_truncated {
            return None;
        }
        self.next_marker
            .as_deref()
            .filter(|m| !m.is_empty())
            .or_else(|| self.channels.last().map(|c| c.name.as_str()))
            .filter(|next| Some(*next) != asked_marker)
            .map(str::to_owned)
    }
}

/// The live state of a channel in GetLiveChannelStat: `Idle`, `Live` or `Disabled`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LiveStatus {
    /// Enabled, nobody pushing.
    Idle,
    /// A publisher is pushing.
    Live,
    /// The channel is disabled.
    Disabled,
}

impl LiveStatus {
    /// The wire spelling, capitalised unlike [`ChannelStatus`].
    pub fn as_str(self) -> &'static str {
        match self {
            LiveStatus::Idle => "Idle",
            LiveStatus::Live => "Live",
            LiveStatus::Disabled => "Disabled",
        }
    }

    /// Parses the wire spelling.
    pub fn parse(s: &str) -> Option<LiveStatus> {
        match s {
            "Idle" => Some(LiveStatus::Idle),
            "Live" => Some(LiveStatus::Live),
            "Disabled" => Some(LiveStatus::Disabled),
            _ => None,
        }
    }
}

impl std::fmt::Display for LiveStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Video of a live push (`Video`). Fields OSS leaves out are 0 or empty.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct LiveChannelVideo {
    /// Pixels.
    pub width: u32,
    /// Pixels.
    pub height: u32,
    /// Frames per second.
    pub frame_rate: u32,
    /// Bytes per second; 0 at first.
    pub bandwidth: u64,
    /// For example `H264`.
    pub codec: String,
}

/// Audio of a live push (`Audio`). Fields OSS leaves out are 0 or empty.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct LiveChannelAudio {
    /// Bytes per second; 0 at first.
    pub bandwidth: u64,
    /// Hz.
    pub sample_rate: u32,
    /// For example `AAC`.
    pub codec: String,
}

/// A channel's push state (`LiveChannelStat`). Only a `Live` channel has the rest, and
/// even then Video and Audio may be missing until media arrives.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LiveChannelStat {
    /// `Idle`, `Live` or `Disabled`.
    pub status: LiveStatus,
    /// When the current push started.
    pub connected_time: Option<SystemTime>,
    /// The publisher's `ip:port`.
    pub remote_addr: Option<String>,
    /// The pushed video.
    pub video: Option<LiveChannelVideo>,
    /// The pushed audio.
    pub audio: Option<LiveChannelAudio>,
    /// `x-oss-request-id` of the answer.
    pub request_id: Option<String>,
}

/// One finished push (`LiveRecord`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LiveRecord {
    /// When it started.
    pub start_time: SystemTime,
    /// When it ended.
    pub end_time: SystemTime,
    /// The publisher's `ip:port`.
    pub remote_addr: String,
}

/// The last pushes of a channel, at most ten (`LiveChannelHistory`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LiveChannelHistory {
    /// The records as OSS lists them.
    pub records: Vec<LiveRecord>,
    /// `x-oss-request-id` of the answer.
    pub request_id: Option<String>,
}

/// What an operation without a result document answers with: its request id.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Acknowledged {
    /// HTTP status of the answer (200 or 204).
    pub status: u16,
    /// `x-oss-request-id` of the answer, to quote to support.
    pub request_id: Option<String>,
}

/// A VOD playlist as GetVodPlaylist returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct VodPlaylist {
    /// The m3u8 text.
    pub m3u8: String,
    /// `x-oss-request-id` of the answer.
    pub request_id: Option<String>,
}

/// A signed RTMP push URL, whole and split the way encoders take it.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SignedRtmpUrl {
    /// The whole URL: `rtmp://BUCKET.ENDPOINT/live/CHANNEL?…&Signature=…` (ffmpeg, librtmp).
    pub url: String,
    /// The server part: `rtmp://BUCKET.ENDPOINT/live` (OBS's "Server").
    pub server: String,
    /// The stream key: `CHANNEL?…&Signature=…` (OBS's "Stream Key").
    pub stream_key: String,
    /// When the signature stops being accepted.
    pub expires: SystemTime,
}

// The URL is a bearer credential until it expires: show where it points, not the signature.
impl std::fmt::Debug for SignedRtmpUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedRtmpUrl")
            .field("server", &self.server)
            .field("stream_key", &"<signed>")
            .field("expires", &crate::time::unix_seconds(self.expires))
            .finish()
    }
}

/// A presigned URL: anyone holding it can make the one request it names (a GET of a
/// playlist or an object) until it expires, without credentials. Made by
/// [`Bucket::sign_play_url`](crate::Bucket::sign_play_url) and
/// [`Bucket::presign_get`](crate::Bucket::presign_get).
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PresignedUrl {
    /// The whole URL, `SCHEME://…/KEY?…` with the signature in the query, in the client's
    /// addressing style and signature version.
    pub url: String,
    /// When OSS stops accepting it.
    pub expires: SystemTime,
}

// The URL is a bearer credential until it expires: show where it points, not the query.
impl std::fmt::Debug for PresignedUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let location = self.url.split('?').next().unwrap_or_default();
        f.debug_struct("PresignedUrl")
            .field("url", &format_args!("{location}?<signed>"))
            .field("expires", &crate::time::unix_seconds(self.expires))
            .finish()
    }
}
