//! What GetLiveChannelStat shows of a push, learnt from its FLV tags and `onMetaData`
//! and completed by the HLS segmenter's own figures.

use std::time::{Duration, Instant};

use rml_rtmp::sessions::StreamMetadata;

use crate::app::App;
use crate::hls::Segmenter;
use crate::model::{AudioStat, VideoStat};

/// Live-session media statistics go to the store at most this often.
const STAT_INTERVAL: Duration = Duration::from_secs(1);

/// What GetLiveChannelStat shows of a push, learnt from its FLV tags and `onMetaData`.
#[derive(Debug, Default)]
pub(super) struct MediaStats {
    video_codec: Option<&'static str>,
    audio_codec: Option<&'static str>,
    width: u32,
    height: u32,
    frame_rate: u32,
    sample_rate: u32,
    video_bytes: u64,
    audio_bytes: u64,
    /// First and last media timestamps (ms), to turn bytes into a rate.
    first_ms: Option<u32>,
    last_ms: u32,
    last_flush: Option<Instant>,
}

/// Sampling rates by AAC `samplingFrequencyIndex`.
const AAC_RATES: [u32; 13] = [
    96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350,
];

impl MediaStats {
    pub(super) fn metadata(&mut self, metadata: &StreamMetadata) {
        if let Some(width) = metadata.video_width {
            self.width = width;
        }
        if let Some(height) = metadata.video_height {
            self.height = height;
        }
        if let Some(rate) = metadata
            .video_frame_rate
            .filter(|r| r.is_finite() && *r > 0.0)
        {
            self.frame_rate = rate.round() as u32;
        }
        if let Some(rate) = metadata.audio_sample_rate.filter(|r| *r > 0) {
            self.sample_rate = rate;
        }
    }

    fn timestamp(&mut self, ms: u32) {
        self.first_ms.get_or_insert(ms);
        self.last_ms = self.last_ms.max(ms);
    }

    /// One video tag: byte 0 is `frame_type << 4 | codec_id`, codec 7 being AVC.
    pub(super) fn video(&mut self, tag: &[u8], ms: u32) {
        let Some(&first) = tag.first() else { return };
        if first & 0x0f == 7 && self.video_codec.is_none() {
            self.video_codec = Some("H264");
        }
        self.video_bytes += tag.len() as u64;
        self.timestamp(ms);
    }

    /// One audio tag: byte 0 is `format << 4 | …`, format 10 being AAC; byte 1 is 0 for the
    /// AudioSpecificConfig, which holds the sampling rate.
    pub(super) fn audio(&mut self, tag: &[u8], ms: u32) {
        let Some(&first) = tag.first() else { return };
        if first >> 4 == 10 {
            if self.audio_codec.is_none() {
                self.audio_codec = Some("AAC");
            }
            if let [_, 0, b0, b1, ..] = *tag {
                let index = usize::from(((b0 & 0x07) << 1) | (b1 >> 7));
                if let Some(&rate) = AAC_RATES.get(index) {
                    self.sample_rate = rate;
                }
            }
        }
        self.audio_bytes += tag.len() as u64;
        self.timestamp(ms);
    }

    /// The Video and Audio of GetLiveChannelStat: the segmenter's when it has them, with
    /// what the tag headers and `onMetaData` told for anything it lacks.
    fn stats(&self, segmenter: Option<&Segmenter>) -> (Option<VideoStat>, Option<AudioStat>) {
        let own_video = self.video_codec.map(|codec| VideoStat {
            width: self.width,
            height: self.height,
            frame_rate: self.frame_rate,
            bandwidth: self.rate(self.video_bytes),
            codec: codec.to_owned(),
        });
        let own_audio = self.audio_codec.map(|codec| AudioStat {
            bandwidth: self.rate(self.audio_bytes),
            sample_rate: self.sample_rate,
            codec: codec.to_owned(),
        });
        let video = match (segmenter.and_then(Segmenter::video_stat), own_video) {
            (Some(mut v), own) => {
                if let Some(own) = own {
                    if v.bandwidth == 0 {
                        v.bandwidth = own.bandwidth;
                    }
                    if v.frame_rate == 0 {
                        v.frame_rate = own.frame_rate;
                    }
                    if v.width == 0 || v.height == 0 {
                        (v.width, v.height) = (own.width, own.height);
                    }
                }
                Some(v)
            }
            (None, own) => own,
        };
        let audio = match (segmenter.and_then(Segmenter::audio_stat), own_audio) {
            (Some(mut a), own) => {
                if let Some(own) = own {
                    if a.bandwidth == 0 {
                        a.bandwidth = own.bandwidth;
                    }
                    if a.sample_rate == 0 {
                        a.sample_rate = own.sample_rate;
                    }
                }
                Some(a)
            }
            (None, own) => own,
        };
        (video, audio)
    }

    /// Bytes per second of media time.
    fn rate(&self, bytes: u64) -> u64 {
        let span_ms = u64::from(self.last_ms.saturating_sub(self.first_ms.unwrap_or(0)));
        (bytes * 1000).checked_div(span_ms).unwrap_or(0)
    }

    /// Writes the statistics to the live session, at most once per [`STAT_INTERVAL`]. The
    /// segmenter's figures (from the SPS and AudioSpecificConfig) win; these fill the gaps.
    pub(super) fn flush(
        &mut self,
        app: &App,
        bucket: &str,
        channel: &str,
        id: u64,
        segmenter: Option<&Segmenter>,
    ) {
        let due = self
            .last_flush
            .is_none_or(|at| at.elapsed() >= STAT_INTERVAL);
        if !due || (self.video_codec.is_none() && self.audio_codec.is_none()) {
            return;
        }
        self.last_flush = Some(Instant::now());
        let (video, audio) = self.stats(segmenter);
        let _ = app.store.update_push(bucket, channel, id, |session| {
            session.video = video;
            session.audio = audio;
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codecs_and_rates_come_from_tag_headers() {
        let mut stats = MediaStats::default();
        stats.video(&[0x17, 0, 0, 0, 0], 0);
        // AAC sequence header: AAC-LC, 44100 Hz (index 4), stereo.
        stats.audio(&[0xaf, 0, 0x12, 0x10], 0);
        stats.audio(&[0xaf, 1, 0, 0], 1000);
        assert_eq!(stats.video_codec, Some("H264"));
        assert_eq!(stats.audio_codec, Some("AAC"));
        assert_eq!(stats.sample_rate, 44100);
        assert_eq!(stats.rate(stats.audio_bytes), 8);
        let mut other = MediaStats::default();
        other.video(&[0x12, 0], 0);
        other.audio(&[0x2f, 0], 0);
        assert_eq!((other.video_codec, other.audio_codec), (None, None));
    }

    #[test]
    fn segmenter_figures_win_and_tag_figures_fill_gaps() {
        let mut stats = MediaStats::default();
        let mut segmenter = Segmenter::new(2, 3, "playlist.m3u8");
        // onMetaData only: the segmenter has no SPS, so the video stat is ours.
        stats.width = 640;
        stats.height = 360;
        stats.video(&[0x17, 1, 0, 0, 0, 0xff], 0);
        stats.video(&[0x27, 1, 0, 0, 0, 0xff], 1000);
        // AAC-LC at 48 kHz (index 3) for the segmenter; the tag header parser saw 44100.
        let config = [0xaf, 0, 0x11, 0x90];
        segmenter.push_audio(0, &config).unwrap();
        stats.audio(&[0xaf, 0, 0x12, 0x10], 0);
        // A malformed tag is an error, not a panic, and changes nothing.
        assert!(segmenter.push_video(0, &[0x17, 0, 0, 0, 0, 1]).is_err());
        let (video, audio) = stats.stats(Some(&segmenter));
        let video = video.unwrap();
        assert_eq!(
            (video.width, video.height, video.codec.as_str()),
            (640, 360, "H264")
        );
        let audio = audio.unwrap();
        assert_eq!((audio.sample_rate, audio.codec.as_str()), (48000, "AAC"));
        // No segmenter figures for bandwidth yet: ours are kept.
        assert_eq!(audio.bandwidth, stats.rate(stats.audio_bytes));
    }
}
