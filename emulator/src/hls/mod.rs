//! A socket-free HLS remuxer: FLV-style AVC/AAC tags in (as RTMP delivers them), MPEG-TS
//! segments and a live m3u8 out, plus the stream information GetLiveChannelStat reports.
//!
//! The RTMP ingest feeds each media message to [`Segmenter::push_video`] or
//! [`Segmenter::push_audio`] and stores every [`Segment`] they return; at the end of a
//! push it calls [`Segmenter::finish`] for the partial last one. See
//! `docs/rtmp-ingest-design.md` §5 for the rules implemented here:
//!
//! - a segment is cut at a video keyframe once FragDuration has passed since its start,
//!   and whatever the frame once `max(2 × FragDuration, 60 s)` has passed or it has grown
//!   to [`MAX_SEGMENT_BYTES`]; audio-only streams cut on any frame;
//! - its duration is the next segment's first timestamp minus its own, and at the end of a
//!   push the last timestamp plus the mean frame interval;
//! - its name is `{unix_ms}.ts` from the clock given to [`Segmenter::set_clock_ms`] when
//!   its first frame arrived (1 ms later than the previous name if that one is taken), or
//!   the media timestamp when no clock was given.
//!
//! Non-AAC audio and non-AVC video are dropped, as OSS does. Malformed tags give an
//! [`HlsError`]; nothing here panics on input.

pub mod codec;
mod error;
pub mod ts;

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::time::{Duration, SystemTime};

use crate::model::{AudioStat, Fragment, VideoStat};
use codec::{AacConfig, AvcConfig, SpsInfo};
use ts::TsMuxer;

pub use error::HlsError;

/// A segment that reaches this size is cut at the next frame, keyframe or not.
pub const MAX_SEGMENT_BYTES: usize = 64 << 20;
/// Bandwidth and measured frame rate cover this much media time.
const RATE_WINDOW_MS: i64 = 5_000;
/// At most this many frames are remembered for the rate window.
const RATE_WINDOW_FRAMES: usize = 8_192;

/// One finished MPEG-TS segment.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    /// Object name relative to `CHANNEL/`, for example `1543895706266.ts`.
    pub name: String,
    /// Media timestamp (RTMP milliseconds) of the segment's first frame.
    pub start_ms: i64,
    /// Unix milliseconds when the first frame arrived (the media timestamp when the
    /// segmenter was given no clock); the name is derived from it.
    pub opened_at_ms: u64,
    /// Seconds of media.
    pub duration: f64,
    /// The TS bytes, starting with a PAT and a PMT.
    pub bytes: Vec<u8>,
}

impl Segment {
    /// The record VOD playlists are built from.
    pub fn fragment(&self) -> Fragment {
        Fragment {
            start_time: SystemTime::UNIX_EPOCH + Duration::from_millis(self.opened_at_ms),
            duration: self.duration,
            name: self.name.clone(),
        }
    }
}

/// Frames of one stream within a segment, for the end-of-push duration.
#[derive(Debug, Default, Clone, Copy)]
struct FrameSpan {
    first: i64,
    last: i64,
    count: u64,
}

impl FrameSpan {
    fn add(&mut self, ts: i64) {
        if self.count == 0 {
            self.first = ts;
            self.last = ts;
        } else {
            self.first = self.first.min(ts);
            self.last = self.last.max(ts);
        }
        self.count += 1;
    }

    fn mean_interval(&self) -> i64 {
        if self.count < 2 {
            0
        } else {
            (self.last - self.first) / (self.count as i64 - 1)
        }
    }
}

/// The segment being written.
#[derive(Debug)]
struct OpenSegment {
    name: String,
    start_ms: i64,
    opened_at_ms: u64,
    bytes: Vec<u8>,
    /// Streams listed in the PMT written so far.
    psi_video: bool,
    psi_audio: bool,
    video: FrameSpan,
    audio: FrameSpan,
}

/// Tag bytes and frame count over a sliding window of media time.
#[derive(Debug, Default)]
struct RateWindow {
    frames: VecDeque<(i64, u64)>,
    total: u64,
}

impl RateWindow {
    fn add(&mut self, ts: i64, bytes: usize) {
        let bytes = bytes as u64;
        self.frames.push_back((ts, bytes));
        self.total += bytes;
        while let Some(&(front_ts, front_bytes)) = self.frames.front() {
            if front_ts < ts - RATE_WINDOW_MS || self.frames.len() > RATE_WINDOW_FRAMES {
                self.frames.pop_front();
                self.total -= front_bytes;
            } else {
                break;
            }
        }
    }

    fn span_ms(&self) -> i64 {
        match (self.frames.front(), self.frames.back()) {
            (Some(a), Some(b)) => b.0 - a.0,
            _ => 0,
        }
    }

    /// Bytes per second: the bytes after the first frame over the time they span.
    fn bytes_per_sec(&self) -> u64 {
        let span = self.span_ms();
        let first = self.frames.front().map_or(0, |f| f.1);
        if span <= 0 {
            return self.total;
        }
        (self.total - first) * 1000 / span as u64
    }

    fn frames_per_sec(&self) -> Option<f64> {
        let span = self.span_ms();
        (span > 0).then(|| (self.frames.len() - 1) as f64 * 1000.0 / span as f64)
    }
}

/// Turns FLV-style AVC/AAC tags into MPEG-TS segments and a live playlist.
#[derive(Debug)]
pub struct Segmenter {
    frag_duration_s: u32,
    frag_count: usize,
    playlist_name: String,
    mux: TsMuxer,
    avc: Option<AvcConfig>,
    sps: Option<SpsInfo>,
    aac: Option<AacConfig>,
    open: Option<OpenSegment>,
    /// The last FragCount closed segments: name and duration.
    window: VecDeque<(String, f64)>,
    /// Closed segments that have left the window (the playlist's media sequence).
    dropped: u64,
    max_duration: f64,
    clock_ms: Option<u64>,
    last_name_ms: Option<u64>,
    video_rate: RateWindow,
    audio_rate: RateWindow,
}

/// Sign-extends the 24-bit composition time offset of an AVC video tag.
fn composition_time(b: [u8; 3]) -> i64 {
    let v = (i32::from(b[0]) << 16) | (i32::from(b[1]) << 8) | i32::from(b[2]);
    i64::from((v << 8) >> 8)
}

impl Segmenter {
    /// A segmenter for a channel with the given `FragDuration` (seconds), `FragCount` and
    /// playlist name. Zero values are treated as 1.
    pub fn new(frag_duration_s: u32, frag_count: u32, playlist_name: impl Into<String>) -> Self {
        Self {
            frag_duration_s: frag_duration_s.max(1),
            frag_count: frag_count.max(1) as usize,
            playlist_name: playlist_name.into(),
            mux: TsMuxer::default(),
            avc: None,
            sps: None,
            aac: None,
            open: None,
            window: VecDeque::new(),
            dropped: 0,
            max_duration: 0.0,
            clock_ms: None,
            last_name_ms: None,
            video_rate: RateWindow::default(),
            audio_rate: RateWindow::default(),
        }
    }

    /// The playlist object name, relative to `CHANNEL/`.
    pub fn playlist_name(&self) -> &str {
        &self.playlist_name
    }

    /// Tells the segmenter the current time (Unix ms); a segment opened after this call is
    /// named from it. Call it before each push with the emulator clock.
    pub fn set_clock_ms(&mut self, unix_ms: u64) {
        self.clock_ms = Some(unix_ms);
    }

    /// Feeds one FLV video tag body (the RTMP video message). Returns the segments this
    /// frame closed (at most one). Non-AVC video is dropped.
    pub fn push_video(&mut self, ts_ms: u32, data: &[u8]) -> Result<Vec<Segment>, HlsError> {
        let &b0 = data.first().ok_or(HlsError::Malformed("empty video tag"))?;
        let frame_type = b0 >> 4;
        // Enhanced RTMP (bit 7), other codecs, and video info/command frames are dropped.
        if b0 & 0x80 != 0 || b0 & 0x0f != 7 || frame_type == 5 {
            return Ok(Vec::new());
        }
        let (Some(&packet_type), Some(cts)) = (data.get(1), data.get(2..5)) else {
            return Err(HlsError::Malformed("AVC video tag shorter than 5 bytes"));
        };
        let cts = composition_time([cts[0], cts[1], cts[2]]);
        let payload = data.get(5..).unwrap_or_default();
        match packet_type {
            0 => {
                let config = AvcConfig::parse(payload)?;
                let sps = codec::parse_sps(&config.sps[0])?;
                self.avc = Some(config);
                self.sps = Some(sps);
                Ok(Vec::new())
            }
            1 => {
                let config = self
                    .avc
                    .as_ref()
                    .ok_or(HlsError::MissingConfig("AVC video"))?;
                let keyframe = frame_type == 1;
                let mut annex_b = Vec::with_capacity(payload.len() + 64);
                codec::to_annex_b(payload, config, keyframe, &mut annex_b)?;
                let dts = i64::from(ts_ms);
                let mut closed = Vec::new();
                if self.should_cut(dts, Some(keyframe), annex_b.len()) {
                    closed.extend(self.close(Some(dts)));
                }
                let mut pes = Vec::with_capacity(annex_b.len() + annex_b.len() / 150 + 400);
                let (needs_psi, bump) = self.psi_needed(true);
                let audio = self.aac.is_some() || self.open.as_ref().is_some_and(|o| o.psi_audio);
                if needs_psi {
                    self.mux.write_psi(&mut pes, true, audio, bump)?;
                }
                self.mux
                    .write_video(&mut pes, dts, dts + cts, keyframe, &annex_b)?;
                let open = self.open_at(dts);
                if needs_psi {
                    open.psi_video = true;
                    open.psi_audio = audio;
                }
                open.bytes.extend_from_slice(&pes);
                open.video.add(dts);
                self.video_rate.add(dts, data.len());
                Ok(closed)
            }
            2 => Ok(Vec::new()),
            _ => Err(HlsError::Malformed("unknown AVC packet type")),
        }
    }

    /// Feeds one FLV audio tag body (the RTMP audio message). Returns the segments this
    /// frame closed (at most one). Non-AAC audio is dropped.
    pub fn push_audio(&mut self, ts_ms: u32, data: &[u8]) -> Result<Vec<Segment>, HlsError> {
        let &b0 = data.first().ok_or(HlsError::Malformed("empty audio tag"))?;
        if b0 >> 4 != 10 {
            return Ok(Vec::new());
        }
        let &packet_type = data
            .get(1)
            .ok_or(HlsError::Malformed("AAC audio tag shorter than 2 bytes"))?;
        let payload = data.get(2..).unwrap_or_default();
        match packet_type {
            0 => {
                self.aac = Some(AacConfig::parse(payload)?);
                Ok(Vec::new())
            }
            1 => {
                let config = self.aac.ok_or(HlsError::MissingConfig("AAC audio"))?;
                let header = config.adts_header(payload.len())?;
                let ts = i64::from(ts_ms);
                let mut closed = Vec::new();
                if self.should_cut(ts, None, payload.len() + 7) {
                    closed.extend(self.close(Some(ts)));
                }
                let mut adts = Vec::with_capacity(payload.len() + 7);
                adts.extend_from_slice(&header);
                adts.extend_from_slice(payload);
                let mut pes = Vec::with_capacity(adts.len() + 400);
                let (needs_psi, bump) = self.psi_needed(false);
                let video = self.avc.is_some() || self.open.as_ref().is_some_and(|o| o.psi_video);
                if needs_psi {
                    self.mux.write_psi(&mut pes, video, true, bump)?;
                }
                // The PCR rides on the video PID when the PMT lists video.
                self.mux.write_audio(&mut pes, ts, !video, &adts)?;
                let open = self.open_at(ts);
                if needs_psi {
                    open.psi_audio = true;
                    open.psi_video = video;
                }
                open.bytes.extend_from_slice(&pes);
                open.audio.add(ts);
                self.audio_rate.add(ts, data.len());
                Ok(closed)
            }
            _ => Err(HlsError::Malformed("unknown AAC packet type")),
        }
    }

    /// Closes the partial segment at the end of a push, if it holds any frame.
    pub fn finish(&mut self) -> Option<Segment> {
        self.close(None)
    }

    /// The live playlist: the last FragCount segments, no `#EXT-X-ENDLIST`.
    pub fn live_playlist(&self) -> String {
        let target = (self.max_duration.ceil() as u64).max(u64::from(self.frag_duration_s));
        let mut out = String::from("#EXTM3U\n#EXT-X-VERSION:3\n");
        let _ = writeln!(out, "#EXT-X-MEDIA-SEQUENCE:{}", self.dropped);
        let _ = writeln!(out, "#EXT-X-TARGETDURATION:{target}");
        for (name, duration) in &self.window {
            let _ = write!(out, "#EXTINF:{duration:.3},\n{name}\n");
        }
        out
    }

    /// Video properties for GetLiveChannelStat, once an AVC sequence header has arrived.
    /// The frame rate comes from the SPS timing info, else from the frame timestamps.
    pub fn video_stat(&self) -> Option<VideoStat> {
        let sps = self.sps?;
        let fps = sps
            .frame_rate
            .or_else(|| self.video_rate.frames_per_sec())
            .unwrap_or(0.0);
        Some(VideoStat {
            width: sps.width,
            height: sps.height,
            frame_rate: fps.round().clamp(0.0, f64::from(u32::MAX)) as u32,
            bandwidth: self.video_rate.bytes_per_sec(),
            codec: "H264".to_string(),
        })
    }

    /// Audio properties for GetLiveChannelStat, once an AAC sequence header has arrived.
    pub fn audio_stat(&self) -> Option<AudioStat> {
        let aac = self.aac?;
        Some(AudioStat {
            bandwidth: self.audio_rate.bytes_per_sec(),
            sample_rate: aac.sample_rate(),
            codec: "AAC".to_string(),
        })
    }

    /// Whether the open segment must be closed before a frame at `ts`. `keyframe` is
    /// `Some` for video frames.
    fn should_cut(&self, ts: i64, keyframe: Option<bool>, incoming: usize) -> bool {
        let Some(open) = &self.open else {
            return false;
        };
        let elapsed = ts.saturating_sub(open.start_ms).max(0);
        let frag_ms = i64::from(self.frag_duration_s) * 1000;
        let forced_ms = frag_ms.saturating_mul(2).max(60_000);
        // Room for the TS overhead (a packet per 184 bytes, PSI) on top of the payload.
        let growth = incoming + incoming / 180 * 4 + 3 * 188;
        if open.bytes.len().saturating_add(growth) > MAX_SEGMENT_BYTES || elapsed >= forced_ms {
            return true;
        }
        if elapsed < frag_ms {
            return false;
        }
        match keyframe {
            Some(key) => key,
            // Audio cuts only when the stream has no video.
            None => self.avc.is_none() && !open.psi_video,
        }
    }

    /// Whether the frame about to be written needs a PAT/PMT first (a new segment, or a
    /// stream the PMT does not list yet), and whether that is a PMT version change.
    fn psi_needed(&self, video: bool) -> (bool, bool) {
        match &self.open {
            None => (true, false),
            Some(o) if video && !o.psi_video => (true, true),
            Some(o) if !video && !o.psi_audio => (true, true),
            Some(_) => (false, false),
        }
    }

    /// The open segment, opened at `ts` if there is none.
    fn open_at(&mut self, ts: i64) -> &mut OpenSegment {
        let open = match self.open.take() {
            Some(open) => open,
            None => {
                let clock = self.clock_ms.unwrap_or(ts.max(0) as u64);
                let at = match self.last_name_ms {
                    Some(last) if clock <= last => last + 1,
                    _ => clock,
                };
                self.last_name_ms = Some(at);
                OpenSegment {
                    name: format!("{at}.ts"),
                    start_ms: ts,
                    opened_at_ms: at,
                    bytes: Vec::new(),
                    psi_video: false,
                    psi_audio: false,
                    video: FrameSpan::default(),
                    audio: FrameSpan::default(),
                }
            }
        };
        self.open.insert(open)
    }

    /// Closes the open segment: `next_start` is the first timestamp of the next one, or
    /// `None` at the end of a push.
    fn close(&mut self, next_start: Option<i64>) -> Option<Segment> {
        let open = self.open.take()?;
        let end = match next_start {
            Some(t) => t,
            None => {
                let spans = [open.video, open.audio];
                let last = spans
                    .iter()
                    .filter(|s| s.count > 0)
                    .map(|s| s.last)
                    .max()
                    .unwrap_or(open.start_ms);
                let main = if open.video.count > 0 {
                    open.video
                } else {
                    open.audio
                };
                last + main.mean_interval()
            }
        };
        let duration = (end - open.start_ms).max(0) as f64 / 1000.0;
        self.max_duration = self.max_duration.max(duration);
        self.window.push_back((open.name.clone(), duration));
        while self.window.len() > self.frag_count {
            self.window.pop_front();
            self.dropped += 1;
        }
        Some(Segment {
            name: open.name,
            start_ms: open.start_ms,
            opened_at_ms: open.opened_at_ms,
            duration,
            bytes: open.bytes,
        })
    }
}

#[cfg(test)]
mod tests;
