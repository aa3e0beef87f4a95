//! One RTMP connection: handshake, `connect`, `publish`, then media until the publisher
//! leaves or is cut off. `rml_rtmp` does the protocol (it is sans-IO); this module does the
//! socket, the OSS checks and the bookkeeping in the store.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rml_rtmp::chunk_io::ChunkDeserializer;
use rml_rtmp::handshake::{Handshake, HandshakeProcessResult, PeerType};
use rml_rtmp::messages::RtmpMessage;
use rml_rtmp::rml_amf0::Amf0Value;
use rml_rtmp::sessions::{
    ServerSession, ServerSessionConfig, ServerSessionEvent, ServerSessionResult, StreamMetadata,
};

use crate::app::App;
use crate::error::OssError;
use crate::hls::{Segment, Segmenter};
use crate::model::{AudioStat, LiveSession, VideoStat};
use crate::rtmp::target::{app_is_valid, push_target};
use crate::rtmp_auth;

/// The handshake must be over within this time.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// A publisher silent for this long is gone.
const READ_TIMEOUT: Duration = Duration::from_secs(30);
/// After a refusal, how long we read (and discard) what the client still sends, so that our
/// answer is not destroyed by a reset.
const LINGER_TIME: Duration = Duration::from_secs(2);
/// Live-session media statistics go to the store at most this often.
const STAT_INTERVAL: Duration = Duration::from_secs(1);
/// Size of one socket read.
const READ_CHUNK: usize = 16 * 1024;

/// The `onStatus` code of a refused `publish`.
const PUBLISH_REFUSED: &str = "NetStream.Publish.BadName";
/// The `_error` code of a refused `connect`.
const CONNECT_REFUSED: &str = "NetConnection.Connect.Rejected";

/// Serves one RTMP connection until it ends. Any push it made is ended in the store.
pub(crate) fn run(app: &App, stream: &TcpStream, peer: SocketAddr) {
    let remaining = match handshake(stream) {
        Ok(remaining) => remaining,
        Err(_) => return,
    };
    let mut session = match Session::new(app, stream, peer) {
        Ok(session) => session,
        Err(_) => return,
    };
    let outcome = session.serve(&remaining);
    session.end_push();
    if let Ok(Flow::Refused) = outcome {
        linger(stream);
    }
}

/// Runs the server side of the RTMP handshake; returns the bytes that came after it.
fn handshake(mut stream: &TcpStream) -> io::Result<Vec<u8>> {
    let deadline = Instant::now() + HANDSHAKE_TIMEOUT;
    let mut handshake = Handshake::new(PeerType::Server);
    let mut buf = vec![0u8; READ_CHUNK];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::ErrorKind::TimedOut.into());
        }
        stream.set_read_timeout(Some(left))?;
        let n = stream.read(&mut buf)?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        match handshake
            .process_bytes(&buf[..n])
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("{e:?}")))?
        {
            HandshakeProcessResult::InProgress { response_bytes } => {
                stream.write_all(&response_bytes)?;
            }
            HandshakeProcessResult::Completed {
                response_bytes,
                remaining_bytes,
            } => {
                stream.write_all(&response_bytes)?;
                return Ok(remaining_bytes);
            }
        }
    }
}

/// Reads and discards for a short while after we stop, until the client closes.
fn linger(mut stream: &TcpStream) {
    let _ = stream.shutdown(Shutdown::Write);
    let deadline = Instant::now() + LINGER_TIME;
    let mut buf = [0u8; 4096];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return;
        }
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
    }
}

/// Whether the connection goes on.
enum Flow {
    Continue,
    /// We refused `connect` or `publish`; the answer is sent, the connection should close.
    Refused,
}

/// The push a connection is making.
struct Push {
    bucket: String,
    channel: String,
    /// The store's id of this push.
    id: u64,
    stats: MediaStats,
    /// Turns the media into TS segments and the live playlist; `None` once it panicked
    /// (not expected: it is written not to), after which the push goes on without HLS.
    segmenter: Option<Segmenter>,
    /// Media tags the segmenter refused.
    dropped_tags: u64,
}

impl Push {
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
    fn finish(&mut self, app: &App) {
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

struct Session<'a> {
    app: &'a App,
    stream: &'a TcpStream,
    peer: SocketAddr,
    rtmp: ServerSession,
    tc_url: TcUrlReader,
    push: Option<Push>,
}

impl<'a> Session<'a> {
    fn new(app: &'a App, stream: &'a TcpStream, peer: SocketAddr) -> io::Result<Session<'a>> {
        let (rtmp, results) = ServerSession::new(ServerSessionConfig::new()).map_err(invalid)?;
        let mut session = Session {
            app,
            stream,
            peer,
            rtmp,
            tc_url: TcUrlReader::new(),
            push: None,
        };
        session.handle_results(results)?;
        Ok(session)
    }

    /// Reads and handles input until the connection ends.
    fn serve(&mut self, first: &[u8]) -> io::Result<Flow> {
        if let Flow::Refused = self.input(first)? {
            return Ok(Flow::Refused);
        }
        let mut stream = self.stream;
        stream.set_read_timeout(Some(READ_TIMEOUT))?;
        let mut buf = vec![0u8; READ_CHUNK];
        loop {
            let n = stream.read(&mut buf)?;
            if n == 0 {
                return Ok(Flow::Continue);
            }
            if let Flow::Refused = self.input(&buf[..n])? {
                return Ok(Flow::Refused);
            }
            if let Some(push) = &mut self.push {
                push.stats.flush(
                    self.app,
                    &push.bucket,
                    &push.channel,
                    push.id,
                    push.segmenter.as_ref(),
                );
            }
        }
    }

    fn input(&mut self, bytes: &[u8]) -> io::Result<Flow> {
        if bytes.is_empty() {
            return Ok(Flow::Continue);
        }
        self.tc_url.feed(bytes);
        let results = self.rtmp.handle_input(bytes).map_err(invalid)?;
        self.handle_results(results)
    }

    fn handle_results(&mut self, results: Vec<ServerSessionResult>) -> io::Result<Flow> {
        for result in results {
            match result {
                ServerSessionResult::OutboundResponse(packet) => {
                    let mut stream = self.stream;
                    stream.write_all(&packet.bytes)?;
                }
                ServerSessionResult::RaisedEvent(event) => {
                    if let Flow::Refused = self.event(event)? {
                        return Ok(Flow::Refused);
                    }
                }
                ServerSessionResult::UnhandleableMessageReceived(_) => {}
            }
        }
        Ok(Flow::Continue)
    }

    fn event(&mut self, event: ServerSessionEvent) -> io::Result<Flow> {
        match event {
            ServerSessionEvent::ConnectionRequested {
                request_id,
                app_name,
            } => {
                if app_is_valid(&app_name) {
                    let results = self.rtmp.accept_request(request_id).map_err(invalid)?;
                    self.handle_results(results)
                } else {
                    let why = rtmp_auth::RtmpUrlProblem::Malformed(format!(
                        "app {app_name:?}: expected live or BUCKET/live"
                    ));
                    self.refuse(request_id, CONNECT_REFUSED, &why.to_string())
                }
            }
            ServerSessionEvent::PublishStreamRequested {
                request_id,
                app_name,
                stream_key,
                ..
            } => match self.begin_push(&app_name, &stream_key) {
                Ok(push) => {
                    self.push = Some(push);
                    let results = self.rtmp.accept_request(request_id).map_err(invalid)?;
                    self.handle_results(results)
                }
                Err(why) => self.refuse(request_id, PUBLISH_REFUSED, &why),
            },
            ServerSessionEvent::PublishStreamFinished { .. } => {
                self.end_push();
                Ok(Flow::Continue)
            }
            ServerSessionEvent::StreamMetadataChanged { metadata, .. } => {
                if let Some(push) = &mut self.push {
                    push.stats.metadata(&metadata);
                }
                Ok(Flow::Continue)
            }
            ServerSessionEvent::VideoDataReceived {
                data, timestamp, ..
            } => {
                if let Some(push) = &mut self.push {
                    push.stats.video(&data, timestamp.value);
                    push.segment(self.app, true, timestamp.value, &data);
                }
                Ok(Flow::Continue)
            }
            ServerSessionEvent::AudioDataReceived {
                data, timestamp, ..
            } => {
                if let Some(push) = &mut self.push {
                    push.stats.audio(&data, timestamp.value);
                    push.segment(self.app, false, timestamp.value, &data);
                }
                Ok(Flow::Continue)
            }
            _ => Ok(Flow::Continue),
        }
    }

    fn refuse(&mut self, request_id: u32, code: &str, description: &str) -> io::Result<Flow> {
        let results = self
            .rtmp
            .reject_request(request_id, code, description)
            .map_err(invalid)?;
        self.handle_results(results)?;
        Ok(Flow::Refused)
    }

    /// The OSS checks of a `publish`; on success the channel is live with this connection
    /// as its publisher. The error is the description sent to the client.
    fn begin_push(&mut self, app_name: &str, stream_key: &str) -> Result<Push, String> {
        if self.push.is_some() {
            return Err("InvalidArgument: this connection already publishes".into());
        }
        let store = &self.app.store;
        let now = self.app.clock.now();
        let target = push_target(app_name, self.tc_url.tc_url.as_deref(), stream_key)
            .map_err(|p| p.to_string())?;
        store
            .check_bucket(&target.bucket)
            .map_err(|e| describe(&e))?;
        let accepted = rtmp_auth::check_push(
            &target.bucket,
            &target.channel,
            &target.params,
            &self.app.authority(),
            now,
        )
        .map_err(|p| p.to_string())?;
        let hls = store
            .channel_target(&target.bucket, &target.channel)
            .map_err(|e| describe(&e))?;
        let playlist_name = accepted.playlist_name.unwrap_or(hls.playlist_name);
        let session = LiveSession {
            connected_time: now,
            remote_addr: self.peer.to_string(),
            video: None,
            audio: None,
        };
        let id = store
            .start_push(
                &target.bucket,
                &target.channel,
                session,
                self.stream.try_clone().ok(),
            )
            .map_err(|e| describe(&e))?;
        Ok(Push {
            bucket: target.bucket,
            channel: target.channel,
            id,
            stats: MediaStats::default(),
            segmenter: Some(Segmenter::new(
                hls.frag_duration,
                hls.frag_count,
                playlist_name,
            )),
            dropped_tags: 0,
        })
    }

    /// Ends the push of this connection, if any: it becomes a history record (unless it was
    /// already ended from outside).
    fn end_push(&mut self) {
        if let Some(mut push) = self.push.take() {
            push.finish(self.app);
            let _ =
                self.app
                    .store
                    .end_push(&push.bucket, &push.channel, push.id, self.app.clock.now());
        }
    }
}

/// `Code: message`, what a refused publisher is told.
fn describe(e: &OssError) -> String {
    format!("{}: {}", e.code, e.message)
}

fn invalid(e: impl std::fmt::Debug) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("{e:?}"))
}

/// Reads the `tcUrl` of the `connect` command, which `rml_rtmp` does not report: a second
/// chunk decoder over the same input, dropped after `connect`.
struct TcUrlReader {
    chunks: Option<ChunkDeserializer>,
    tc_url: Option<String>,
}

impl TcUrlReader {
    fn new() -> TcUrlReader {
        TcUrlReader {
            chunks: Some(ChunkDeserializer::new()),
            tc_url: None,
        }
    }

    fn feed(&mut self, bytes: &[u8]) {
        let Some(chunks) = &mut self.chunks else {
            return;
        };
        let mut input = bytes;
        let done = loop {
            let payload = match chunks.get_next_message(input) {
                Ok(Some(payload)) => payload,
                Ok(None) => break false,
                Err(_) => break true,
            };
            input = &[];
            match payload.to_rtmp_message() {
                Ok(RtmpMessage::SetChunkSize { size })
                    if chunks.set_max_chunk_size(size as usize).is_err() =>
                {
                    break true;
                }
                Ok(RtmpMessage::Amf0Command {
                    command_name,
                    command_object,
                    ..
                }) if command_name == "connect" => {
                    if let Amf0Value::Object(mut fields) = command_object {
                        if let Some(Amf0Value::Utf8String(tc_url)) = fields.remove("tcUrl") {
                            self.tc_url = Some(tc_url);
                        }
                    }
                    break true;
                }
                _ => {}
            }
        };
        if done {
            self.chunks = None;
        }
    }
}

/// What GetLiveChannelStat shows of a push, learnt from its FLV tags and `onMetaData`.
#[derive(Debug, Default)]
struct MediaStats {
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
    fn metadata(&mut self, metadata: &StreamMetadata) {
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
    fn video(&mut self, tag: &[u8], ms: u32) {
        let Some(&first) = tag.first() else { return };
        if first & 0x0f == 7 && self.video_codec.is_none() {
            self.video_codec = Some("H264");
        }
        self.video_bytes += tag.len() as u64;
        self.timestamp(ms);
    }

    /// One audio tag: byte 0 is `format << 4 | …`, format 10 being AAC; byte 1 is 0 for the
    /// AudioSpecificConfig, which holds the sampling rate.
    fn audio(&mut self, tag: &[u8], ms: u32) {
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
    fn flush(
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
