//! The state the emulator keeps for each LiveChannel, in the terms of the OSS API.

use std::collections::VecDeque;
use std::time::SystemTime;

/// `enabled` or `disabled`: the configured status of a channel (not its live state).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelStatus {
    /// The channel accepts RTMP pushes.
    Enabled,
    /// The channel refuses RTMP pushes.
    Disabled,
}

impl ChannelStatus {
    /// The wire spelling used in `LiveChannelConfiguration` and `ListLiveChannelResult`.
    pub fn as_str(self) -> &'static str {
        match self {
            ChannelStatus::Enabled => "enabled",
            ChannelStatus::Disabled => "disabled",
        }
    }

    /// Parses the wire spelling; OSS accepts only these two lower-case words.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "enabled" => Some(ChannelStatus::Enabled),
            "disabled" => Some(ChannelStatus::Disabled),
            _ => None,
        }
    }
}

/// `Target` of a `LiveChannelConfiguration`. `Type` is always `HLS`, the only type OSS has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// Seconds per TS fragment, 1–100.
    pub frag_duration: u32,
    /// Fragments listed in the live playlist, 1–100.
    pub frag_count: u32,
    /// Name of the live m3u8 object under `CHANNEL/`.
    pub playlist_name: String,
}

/// `Snapshot` of a `LiveChannelConfiguration` (high-frequency snapshots to another bucket).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    /// RAM role OSS assumes to write the snapshots.
    pub role_name: String,
    /// Bucket the snapshots are written to.
    pub dest_bucket: String,
    /// MNS topic told about each snapshot.
    pub notify_topic: String,
    /// Seconds between snapshots, 1–100.
    pub interval: u32,
}

/// A channel's configuration as PutLiveChannel stores it and GetLiveChannelInfo returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelConfig {
    /// Free text, at most 128 bytes.
    pub description: String,
    /// Whether pushes are accepted.
    pub status: ChannelStatus,
    /// The HLS output settings.
    pub target: Target,
    /// Optional snapshot settings.
    pub snapshot: Option<Snapshot>,
}

/// Video properties of a live push, as GetLiveChannelStat reports them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VideoStat {
    /// Pixels.
    pub width: u32,
    /// Pixels.
    pub height: u32,
    /// Frames per second.
    pub frame_rate: u32,
    /// Bytes per second.
    pub bandwidth: u64,
    /// For example `H264`.
    pub codec: String,
}

/// Audio properties of a live push, as GetLiveChannelStat reports them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AudioStat {
    /// Bytes per second.
    pub bandwidth: u64,
    /// Hz.
    pub sample_rate: u32,
    /// For example `AAC`.
    pub codec: String,
}

/// A publisher connected to a channel right now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveSession {
    /// When the push started.
    pub connected_time: SystemTime,
    /// The publisher's `ip:port`.
    pub remote_addr: String,
    /// Absent until the stream carries video.
    pub video: Option<VideoStat>,
    /// Absent until the stream carries audio.
    pub audio: Option<AudioStat>,
}

/// One finished push, as GetLiveChannelHistory lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveRecord {
    /// When the push started.
    pub start_time: SystemTime,
    /// When the push ended.
    pub end_time: SystemTime,
    /// The publisher's `ip:port`.
    pub remote_addr: String,
}

/// One TS fragment written by an ingest, the unit VOD playlists are built from.
#[derive(Debug, Clone, PartialEq)]
pub struct Fragment {
    /// When the fragment's media starts; VOD ranges select on this.
    pub start_time: SystemTime,
    /// Seconds of media in the fragment.
    pub duration: f64,
    /// Object name relative to `CHANNEL/`, for example `1543895706266.ts`.
    pub name: String,
}

/// Everything the emulator knows about one channel.
#[derive(Debug, Clone, PartialEq)]
pub struct Channel {
    /// The channel name (an object key without `/`).
    pub name: String,
    /// The stored configuration.
    pub config: ChannelConfig,
    /// Set by PutLiveChannel and PutLiveChannelStatus.
    pub last_modified: SystemTime,
    /// The publisher pushing right now, if any.
    pub live: Option<LiveSession>,
    /// Finished pushes, oldest first; at most [`HISTORY_LIMIT`].
    pub history: VecDeque<LiveRecord>,
    /// Fragments written so far, in time order.
    pub fragments: Vec<Fragment>,
}

/// OSS keeps the ten most recent pushes of a channel.
pub const HISTORY_LIMIT: usize = 10;

/// The live state GetLiveChannelStat reports: `Idle`, `Live` or `Disabled`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiveState {
    /// Enabled, nobody pushing.
    Idle,
    /// A publisher is connected.
    Live,
    /// The channel is disabled.
    Disabled,
}

impl LiveState {
    /// The wire spelling, capitalised unlike the configuration status.
    pub fn as_str(self) -> &'static str {
        match self {
            LiveState::Idle => "Idle",
            LiveState::Live => "Live",
            LiveState::Disabled => "Disabled",
        }
    }
}

impl Channel {
    /// A channel PutLiveChannel just created: no push yet, no history, no fragment.
    pub fn new(name: &str, config: ChannelConfig, now: SystemTime) -> Channel {
        Channel {
            name: name.to_owned(),
            config,
            last_modified: now,
            live: None,
            history: VecDeque::new(),
            fragments: Vec::new(),
        }
    }

    /// Adds a finished push to the history, forgetting the oldest beyond [`HISTORY_LIMIT`].
    pub fn add_history(&mut self, record: LiveRecord) {
        self.history.push_back(record);
        while self.history.len() > HISTORY_LIMIT {
            self.history.pop_front();
        }
    }

    /// Adds a fragment in time order, after any that start at the same instant.
    pub fn add_fragment(&mut self, fragment: Fragment) {
        // Segments arrive in order, so this is almost always a push at the end.
        let at = self
            .fragments
            .partition_point(|f| f.start_time <= fragment.start_time);
        self.fragments.insert(at, fragment);
    }

    /// The live state derived from the configuration and the current publisher.
    pub fn live_state(&self) -> LiveState {
        if self.live.is_some() {
            LiveState::Live
        } else if self.config.status == ChannelStatus::Disabled {
            LiveState::Disabled
        } else {
            LiveState::Idle
        }
    }
}
