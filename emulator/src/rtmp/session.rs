//! One RTMP connection: handshake, `connect`, `publish`, then media until the publisher
//! leaves or is cut off. [`Protocol`] does the RTMP conversation (sans-IO, bounded); this
//! module does the socket, the deadlines, the OSS checks and the bookkeeping in the store.
//!
//! Whatever ends a connection (the client leaving, a refusal, a broken rule, a deadline,
//! even a panic in the protocol code) ends its push the way a disconnect does: the
//! publisher is released, the push becomes a history record and the channel is `Idle`.

use std::fmt;
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

use rml_rtmp::handshake::{Handshake, HandshakeProcessResult, PeerType};
use rml_rtmp::sessions::{ServerSessionEvent, ServerSessionResult};

use crate::app::App;
use crate::error::OssError;
use crate::hls::Segmenter;
use crate::http::Slot;
use crate::model::LiveSession;
use crate::rtmp::limits::RtmpLimits;
use crate::rtmp::protocol::{Protocol, ProtocolProblem};
use crate::rtmp::push::Push;
use crate::rtmp::target::{app_is_valid, push_target};
use crate::rtmp_auth;

/// After a refusal, how long we read (and discard) what the client still sends, so that our
/// answer is not destroyed by a reset.
const LINGER_TIME: Duration = Duration::from_secs(2);
/// Size of one socket read.
const READ_CHUNK: usize = 16 * 1024;

/// The `onStatus` code of a refused `publish`.
const PUBLISH_REFUSED: &str = "NetStream.Publish.BadName";
/// The `_error` code of a refused `connect`.
const CONNECT_REFUSED: &str = "NetConnection.Connect.Rejected";

/// Why a connection ended other than by the client leaving or a refusal.
enum Ending {
    /// The socket failed or the client went away mid-message: nothing to report.
    Io(io::Error),
    /// The client broke a rule or a bound.
    Protocol(ProtocolProblem),
    /// No accepted `publish` within [`RtmpLimits::setup_timeout`].
    SetupTimeout(Duration),
    /// No media within [`RtmpLimits::media_timeout`].
    MediaTimeout(Duration),
}

impl From<io::Error> for Ending {
    fn from(e: io::Error) -> Self {
        Ending::Io(e)
    }
}

impl From<ProtocolProblem> for Ending {
    fn from(problem: ProtocolProblem) -> Self {
        Ending::Protocol(problem)
    }
}

impl fmt::Display for Ending {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ending::Io(e) => write!(f, "{e}"),
            Ending::Protocol(problem) => problem.fmt(f),
            Ending::SetupTimeout(limit) => {
                write!(f, "no accepted publish within {} ms", limit.as_millis())
            }
            Ending::MediaTimeout(limit) => {
                write!(f, "no audio or video for {} ms", limit.as_millis())
            }
        }
    }
}

/// Whether the connection goes on.
enum Flow {
    Continue,
    /// We refused `connect` or `publish`; the answer is sent, the connection should close.
    Refused,
}

/// Serves one RTMP connection until it ends. Any push it made is ended in the store,
/// however the connection ends.
pub(crate) fn run(
    app: &App,
    limits: &RtmpLimits,
    stream: &TcpStream,
    peer: SocketAddr,
    slot: &Slot<'_>,
) {
    let setup_deadline = Instant::now() + limits.setup_timeout;
    let mut session: Option<Session<'_>> = None;
    // Nothing a client sends should make this panic; if something does, the session ends
    // here, like a disconnect, instead of leaving its channel Live with nobody pushing.
    let outcome = catch_unwind(AssertUnwindSafe(|| -> Result<Flow, Ending> {
        let remaining = handshake(stream, setup_deadline, limits.setup_timeout)?;
        let started = Session::new(app, limits, stream, peer, slot, setup_deadline)?;
        session.insert(started).serve(&remaining)
    }));
    if let Some(session) = &mut session {
        session.end_push();
    }
    match outcome {
        Ok(Ok(Flow::Refused)) => linger(stream),
        Ok(Ok(Flow::Continue) | Err(Ending::Io(_))) => {}
        Ok(Err(ending)) => app.log_line(|| format!("rtmp {peer}: closed: {ending}")),
        Err(_) => app.log_line(|| {
            format!("rtmp {peer}: the session failed (a panic); it ended like a disconnect")
        }),
    }
}

/// Runs the server side of the RTMP handshake by `deadline`; returns the bytes that came
/// after it.
fn handshake(
    mut stream: &TcpStream,
    deadline: Instant,
    timeout: Duration,
) -> Result<Vec<u8>, Ending> {
    let mut handshake = Handshake::new(PeerType::Server);
    let mut buf = vec![0u8; READ_CHUNK];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(Ending::SetupTimeout(timeout));
        }
        stream.set_read_timeout(Some(left))?;
        let n = match stream.read(&mut buf) {
            Ok(0) => return Err(io::Error::from(io::ErrorKind::UnexpectedEof).into()),
            Ok(n) => n,
            Err(e) if is_timeout(&e) => return Err(Ending::SetupTimeout(timeout)),
            Err(e) => return Err(e.into()),
        };
        let result = handshake
            .process_bytes(&buf[..n])
            .map_err(|e| Ending::Protocol(ProtocolProblem::Rtmp(format!("handshake: {e}"))))?;
        match result {
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

fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
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

struct Session<'a> {
    app: &'a App,
    limits: &'a RtmpLimits,
    stream: &'a TcpStream,
    peer: SocketAddr,
    slot: &'a Slot<'a>,
    protocol: Protocol,
    push: Option<Push>,
    /// A `publish` was accepted: the client proved it holds a signed URL.
    authenticated: bool,
    setup_deadline: Instant,
    /// When the push last sent audio or video (or started).
    last_media: Instant,
}

impl<'a> Session<'a> {
    fn new(
        app: &'a App,
        limits: &'a RtmpLimits,
        stream: &'a TcpStream,
        peer: SocketAddr,
        slot: &'a Slot<'a>,
        setup_deadline: Instant,
    ) -> Result<Session<'a>, Ending> {
        let (protocol, results) = Protocol::new(*limits)?;
        let mut session = Session {
            app,
            limits,
            stream,
            peer,
            slot,
            protocol,
            push: None,
            authenticated: false,
            setup_deadline,
            last_media: Instant::now(),
        };
        session.handle_results(results)?;
        Ok(session)
    }

    /// Reads and handles input until the connection ends.
    fn serve(&mut self, first: &[u8]) -> Result<Flow, Ending> {
        if let Flow::Refused = self.input(first)? {
            return Ok(Flow::Refused);
        }
        let mut stream = self.stream;
        let mut buf = vec![0u8; READ_CHUNK];
        loop {
            // Until its publish is accepted a client has the setup deadline; a publisher
            // must keep sending media.
            let (deadline, timeout) = if self.authenticated {
                let timeout = self.limits.media_timeout;
                (self.last_media + timeout, Ending::MediaTimeout(timeout))
            } else {
                let timeout = self.limits.setup_timeout;
                (self.setup_deadline, Ending::SetupTimeout(timeout))
            };
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(timeout);
            }
            stream.set_read_timeout(Some(left))?;
            let n = match stream.read(&mut buf) {
                Ok(0) => return Ok(Flow::Continue),
                Ok(n) => n,
                Err(e) if is_timeout(&e) => return Err(timeout),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e.into()),
            };
            if let Flow::Refused = self.input(&buf[..n])? {
                return Ok(Flow::Refused);
            }
            if let Some(push) = &mut self.push {
                push.flush_stats(self.app);
            }
        }
    }

    fn input(&mut self, bytes: &[u8]) -> Result<Flow, Ending> {
        let mut input = bytes;
        while let Some(results) = self.protocol.next(&mut input, self.authenticated)? {
            if let Flow::Refused = self.handle_results(results)? {
                return Ok(Flow::Refused);
            }
        }
        Ok(Flow::Continue)
    }

    fn handle_results(&mut self, results: Vec<ServerSessionResult>) -> Result<Flow, Ending> {
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

    fn event(&mut self, event: ServerSessionEvent) -> Result<Flow, Ending> {
        match event {
            ServerSessionEvent::ConnectionRequested {
                request_id,
                app_name,
            } => {
                if app_is_valid(&app_name) {
                    let results = self.protocol.accept_request(request_id)?;
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
                    self.authenticated = true;
                    self.last_media = Instant::now();
                    self.slot.set_publishing(true);
                    let results = self.protocol.accept_request(request_id)?;
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
                self.media(true, timestamp.value, &data);
                Ok(Flow::Continue)
            }
            ServerSessionEvent::AudioDataReceived {
                data, timestamp, ..
            } => {
                self.media(false, timestamp.value, &data);
                Ok(Flow::Continue)
            }
            _ => Ok(Flow::Continue),
        }
    }

    fn media(&mut self, video: bool, ms: u32, tag: &[u8]) {
        if let Some(push) = &mut self.push {
            self.last_media = Instant::now();
            push.media(self.app, video, ms, tag);
        }
    }

    fn refuse(&mut self, request_id: u32, code: &str, description: &str) -> Result<Flow, Ending> {
        let results = self
            .protocol
            .reject_request(request_id, code, description)?;
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
        let target =
            push_target(app_name, self.protocol.tc_url(), stream_key).map_err(|p| p.to_string())?;
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
        let segmenter = Segmenter::new(hls.frag_duration, hls.frag_count, playlist_name);
        Ok(Push::new(target.bucket, target.channel, id, segmenter))
    }

    /// Ends the push of this connection, if any: it becomes a history record (unless it was
    /// already ended from outside). The store is told even if storing the last segment
    /// fails, so that the channel never stays Live without its publisher.
    fn end_push(&mut self) {
        if let Some(mut push) = self.push.take() {
            let app = self.app;
            let _ = catch_unwind(AssertUnwindSafe(|| push.finish(app)));
            let _ = app
                .store
                .end_push(&push.bucket, &push.channel, push.id, app.clock.now());
            self.slot.set_publishing(false);
        }
    }
}

/// `Code: message`, what a refused publisher is told.
fn describe(e: &OssError) -> String {
    format!("{}: {}", e.code, e.message)
}
