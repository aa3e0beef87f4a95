//! Rendering every XML response body, pretty-printed in the layout of OSS's documented
//! examples.

use crate::model::{Channel, ChannelConfig, HISTORY_LIMIT, LiveState};
use crate::xml::text::{escape_text, iso8601_seconds};

/// The declaration every rendered document starts with, as OSS sends it.
const DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

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
