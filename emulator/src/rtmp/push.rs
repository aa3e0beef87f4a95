//! The push a publishing connection makes: its media cut into HLS segments and stored,
//! with the statistics GetLiveChannelStat shows.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::app::App;
use crate::hls::{Segment, Segmenter};
use crate::rtmp::stats::MediaStats;

/// The push a connection is making.
pub(super) struct Push {
    pub(super) bucket: String,
    pub(super) channel: String,
    /// The store's id of this push.
    pub(super) id: u64,
    pub(super) stats: MediaStats,
    /// Turns the media into TS segments and the live playlist; `None` once it panicked
    /// (not expected: it is written not to), after which the push goes on without HLS.
    segmenter: Option<Segmenter>,
    /// Media tags the segmenter refused.
    dropped_tags: u64,
}

impl Push {
    /// The push `id` the store started on `bucket`/`channel`, segmented by `segmenter`.
    pub(super) fn new(bucket: String, channel: String, id: u64, segmenter: Segmenter) -> Push {
        Push {
            bucket,
            channel,
            id,
            stats: MediaStats::default(),
            segmenter: Some(segmenter),
            dropped_tags: 0,
        }
    }

    /// One audio or video tag of the push: counted, then segmented.
    pub(super) fn media(&mut self, app: &App, video: bool, ms: u32, tag: &[u8]) {
        if video {
            self.stats.video(tag, ms);
        } else {
            self.stats.audio(tag, ms);
        }
        self.segment(app, video, ms, tag);
    }

    /// Writes the statistics to the live session (at most once a second).
    pub(super) fn flush_stats(&mut self, app: &App) {
        self.stats.flush(
            app,
            &self.bucket,
            &self.channel,
            self.id,
            self.segmenter.as_ref(),
        );
    }

    /// Hands one media tag to the segmenter and stores the segments it closes. A tag the
    /// segmenter refuses is logged (the first, then every 1000th) and dropped.
    fn segment(&mut self, app: &App, video: bool, ms: u32, tag: &[u8]) {
        let Some(segmenter) = &mut self.segmenter else {
            return;
        };
        segmenter.set_clock_ms(unix_ms(app.clock.now()));
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            if video {
                segmenter.push_video(ms, tag)
            } else {
                segmenter.push_audio(ms, tag)
            }
        }));
        match outcome {
            Ok(Ok(segments)) => {
                for segment in segments {
                    self.store_segment(app, segment);
                }
            }
            Ok(Err(e)) => {
                self.dropped_tags += 1;
                if self.dropped_tags == 1 || self.dropped_tags % 1000 == 0 {
                    app.log_line(|| {
                        format!(
                            "rtmp {}/{}: dropped a {} tag ({} so far): {e}",
                            self.bucket,
                            self.channel,
                            if video { "video" } else { "audio" },
                            self.dropped_tags
                        )
                    });
                }
            }
            Err(_) => {
                app.log_line(|| {
                    format!(
                        "rtmp {}/{}: the HLS segmenter failed; no more segments for this push",
                        self.bucket, self.channel
                    )
                });
                self.segmenter = None;
            }
        }
    }

    /// Stores a finished segment, its VOD record and the live playlist that now lists it.
    fn store_segment(&self, app: &App, segment: Segment) {
        let Some(segmenter) = &self.segmenter else {
            return;
        };
        let m3u8 = segmenter.live_playlist();
        let fragment = segment.fragment();
        if let Err(e) = app.store.write_live_segment(
            &self.bucket,
            &self.channel,
            self.id,
            fragment,
            segment.bytes,
            segmenter.playlist_name(),
            m3u8,
        ) {
            app.log_line(|| {
                format!(
                    "rtmp {}/{}: segment {} not stored: {}",
                    self.bucket, self.channel, segment.name, e.code
                )
            });
        }
    }

    /// Closes and stores the partial last segment.
    pub(super) fn finish(&mut self, app: &App) {
        let Some(segmenter) = &mut self.segmenter else {
            return;
        };
        match catch_unwind(AssertUnwindSafe(|| segmenter.finish())) {
            Ok(Some(segment)) => self.store_segment(app, segment),
            Ok(None) => {}
            Err(_) => self.segmenter = None,
        }
    }
}

/// Milliseconds since the Unix epoch (0 before it).
fn unix_ms(at: SystemTime) -> u64 {
    at.duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}
