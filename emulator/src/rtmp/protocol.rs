//! One RTMP connection after its handshake, sans-IO: our bounded chunk reader and message
//! checks in front of `rml_rtmp`'s `ServerSession`.
//!
//! `rml_rtmp` runs the RTMP conversation (`connect`, `createStream`, `publish`, the
//! answers, acknowledgements), but its own chunk decoder and its AMF0 decoder trust the
//! client (see [`crate::rtmp::chunks`] and [`crate::rtmp::amf0`]), and some message shapes
//! make it panic: a command with fewer than three values, an `@setDataFrame` without
//! its arguments. So the client's bytes never reach it as they are: [`ChunkReader`] reads
//! them into whole messages under the size bounds of [`RtmpLimits`], each message is
//! checked (AMF0 depth and value count, the shapes `rml_rtmp` needs), and what passes is
//! handed over re-framed as one plain chunk (type 0 header, the whole message), a form
//! its decoder reads correctly. Before the first message the session is told, through a
//! Set Chunk Size of its own, that chunks may be as long as any message.

use std::fmt;

use rml_rtmp::rml_amf0::{self, Amf0Value};
use rml_rtmp::sessions::{ServerSession, ServerSessionConfig, ServerSessionResult};

use crate::rtmp::amf0::{self as amf0_scan, Amf0Bounds, Amf0Problem};
use crate::rtmp::chunks::{ChunkProblem, ChunkReader, Message, SET_CHUNK_SIZE};
use crate::rtmp::limits::RtmpLimits;

/// Message types that go to `rml_rtmp` as they are.
const ACKNOWLEDGEMENT: u8 = 3;
const USER_CONTROL: u8 = 4;
const WINDOW_ACKNOWLEDGEMENT_SIZE: u8 = 5;
const SET_PEER_BANDWIDTH: u8 = 6;
const AUDIO: u8 = 8;
const VIDEO: u8 = 9;
/// Message types carrying AMF0 values (`rml_rtmp` reads the AMF3 ones as AMF0 too).
const AMF3_DATA: u8 = 15;
const AMF3_COMMAND: u8 = 17;
const AMF0_DATA: u8 = 18;
const AMF0_COMMAND: u8 = 20;

/// The chunk stream of the re-framed messages (any id works: each chunk is complete).
const CANONICAL_CHUNK_STREAM: u8 = 3;
/// The chunk size announced to `rml_rtmp`: longer than any message (lengths are 24-bit).
const CANONICAL_CHUNK_SIZE: u32 = 1 << 24;

/// Why a connection's input was refused; the connection closes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProtocolProblem {
    /// The chunk stream broke a rule or a bound.
    Chunks(ChunkProblem),
    /// The AMF0 values of a message broke a rule or a bound.
    Amf0 {
        /// The message type.
        type_id: u8,
        /// What was wrong.
        problem: Amf0Problem,
    },
    /// A message lacks values every such message has.
    Shape(&'static str),
    /// More bytes than allowed before the `publish` was accepted.
    TooMuchBeforePublish {
        /// The limit ([`RtmpLimits::max_unauthenticated_bytes`]).
        limit: usize,
    },
    /// `rml_rtmp` refused the input.
    Rtmp(String),
}

impl fmt::Display for ProtocolProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProtocolProblem::Chunks(problem) => problem.fmt(f),
            ProtocolProblem::Amf0 { type_id, problem } => {
                write!(f, "message type {type_id}: {problem}")
            }
            ProtocolProblem::Shape(what) => f.write_str(what),
            ProtocolProblem::TooMuchBeforePublish { limit } => {
                write!(f, "more than {limit} bytes sent before an accepted publish")
            }
            ProtocolProblem::Rtmp(what) => write!(f, "RTMP: {what}"),
        }
    }
}

impl std::error::Error for ProtocolProblem {}

impl From<ChunkProblem> for ProtocolProblem {
    fn from(problem: ChunkProblem) -> Self {
        ProtocolProblem::Chunks(problem)
    }
}

fn rtmp_error(e: impl fmt::Display) -> ProtocolProblem {
    ProtocolProblem::Rtmp(e.to_string())
}

/// What to do with a checked message.
enum Verdict {
    /// Hand it to `rml_rtmp`.
    Forward,
    /// Drop it: `rml_rtmp` would ignore it anyway (shared objects, aggregates, unknown types).
    Drop,
}

/// The RTMP conversation of one connection, from its first byte after the handshake.
pub struct Protocol {
    chunks: ChunkReader,
    rtmp: ServerSession,
    limits: RtmpLimits,
    /// Bytes read while unauthenticated.
    unauthenticated_bytes: usize,
    /// The `tcUrl` of `connect`, which `rml_rtmp` does not report.
    tc_url: Option<String>,
    connected: bool,
}

impl Protocol {
    /// A new conversation and what to send the client first.
    pub fn new(
        limits: RtmpLimits,
    ) -> Result<(Protocol, Vec<ServerSessionResult>), ProtocolProblem> {
        let (mut rtmp, results) =
            ServerSession::new(ServerSessionConfig::new()).map_err(rtmp_error)?;
        let announce = canonical_chunk(&Message {
            chunk_stream: 2,
            timestamp: 0,
            type_id: SET_CHUNK_SIZE,
            stream_id: 0,
            payload: CANONICAL_CHUNK_SIZE.to_be_bytes().to_vec(),
        });
        rtmp.handle_input(&announce).map_err(rtmp_error)?;
        let protocol = Protocol {
            chunks: ChunkReader::new(),
            rtmp,
            limits,
            unauthenticated_bytes: 0,
            tc_url: None,
            connected: false,
        };
        Ok((protocol, results))
    }

    /// Reads from `input` up to the end of the next message and hands it to `rml_rtmp`;
    /// returns what that gave (events, answers to send), or `None` once `input` is used up.
    /// `authenticated` says whether a `publish` was accepted, which lifts the bounds of
    /// an unauthenticated client to those of a publisher.
    pub fn next(
        &mut self,
        input: &mut &[u8],
        authenticated: bool,
    ) -> Result<Option<Vec<ServerSessionResult>>, ProtocolProblem> {
        let limit = if authenticated {
            self.limits.max_message_bytes
        } else {
            self.limits.max_unauthenticated_bytes
        };
        let before = input.len();
        let message = self.chunks.next_message(input, limit);
        if !authenticated {
            self.unauthenticated_bytes += before - input.len();
            if self.unauthenticated_bytes > limit {
                return Err(ProtocolProblem::TooMuchBeforePublish { limit });
            }
        }
        let Some(message) = message? else {
            return Ok(None);
        };
        match self.check(&message)? {
            Verdict::Drop => Ok(Some(Vec::new())),
            Verdict::Forward => self
                .rtmp
                .handle_input(&canonical_chunk(&message))
                .map(Some)
                .map_err(rtmp_error),
        }
    }

    /// Checks a message against the bounds and the shapes `rml_rtmp` relies on; notes the
    /// `tcUrl` of `connect`.
    fn check(&mut self, message: &Message) -> Result<Verdict, ProtocolProblem> {
        let type_id = message.type_id;
        let amf0 = match type_id {
            ACKNOWLEDGEMENT
            | USER_CONTROL
            | WINDOW_ACKNOWLEDGEMENT_SIZE
            | SET_PEER_BANDWIDTH
            | AUDIO
            | VIDEO => return Ok(Verdict::Forward),
            // rml_rtmp skips the leading 0 of an AMF3 command and reads the rest as AMF0.
            AMF3_COMMAND => match message.payload.split_first() {
                Some((0, rest)) => rest,
                _ => &message.payload[..],
            },
            AMF0_COMMAND | AMF0_DATA | AMF3_DATA => &message.payload[..],
            _ => return Ok(Verdict::Drop),
        };
        let bounds = Amf0Bounds {
            max_depth: self.limits.max_amf_depth,
            max_values: self.limits.max_amf_values,
        };
        let summary = amf0_scan::scan(amf0, bounds)
            .map_err(|problem| ProtocolProblem::Amf0 { type_id, problem })?;
        let first = summary.first_string.as_deref();
        if matches!(type_id, AMF0_COMMAND | AMF3_COMMAND) {
            if summary.top_level_values < 3 {
                return Err(ProtocolProblem::Shape(
                    "an AMF0 command needs a name, a transaction id and a command object",
                ));
            }
            if first == Some(b"connect") && !self.connected {
                self.connected = true;
                self.tc_url = tc_url(amf0);
            }
        } else if first == Some(b"@setDataFrame") && summary.top_level_values < 3 {
            return Err(ProtocolProblem::Shape(
                "@setDataFrame needs a handler name and a value",
            ));
        }
        Ok(Verdict::Forward)
    }

    /// Accepts the `connect` or `publish` request `id` (from an event).
    pub fn accept_request(&mut self, id: u32) -> Result<Vec<ServerSessionResult>, ProtocolProblem> {
        self.rtmp.accept_request(id).map_err(rtmp_error)
    }

    /// Refuses request `id` with an `onStatus`/`_error` `code` and `description`.
    pub fn reject_request(
        &mut self,
        id: u32,
        code: &str,
        description: &str,
    ) -> Result<Vec<ServerSessionResult>, ProtocolProblem> {
        self.rtmp
            .reject_request(id, code, description)
            .map_err(rtmp_error)
    }

    /// The `tcUrl` of the `connect` command, if it had one.
    pub fn tc_url(&self) -> Option<&str> {
        self.tc_url.as_deref()
    }

    /// Bytes held in unfinished messages.
    pub fn buffered(&self) -> usize {
        self.chunks.buffered()
    }
}

/// The `tcUrl` property of a `connect` command's object (the payload passed the scan).
fn tc_url(payload: &[u8]) -> Option<String> {
    let values = rml_amf0::deserialize(&mut std::io::Cursor::new(payload)).ok()?;
    match values.into_iter().nth(2)? {
        Amf0Value::Object(mut properties) => match properties.remove("tcUrl")? {
            Amf0Value::Utf8String(url) => Some(url),
            _ => None,
        },
        _ => None,
    }
}

/// `message` as one chunk with a type 0 header, which any RTMP decoder reads alike.
fn canonical_chunk(message: &Message) -> Vec<u8> {
    const EXTENDED: u32 = 0x00ff_ffff;
    let length = message.payload.len() as u32;
    let field = message.timestamp.min(EXTENDED);
    let mut out = Vec::with_capacity(16 + message.payload.len());
    out.push(CANONICAL_CHUNK_STREAM);
    out.extend_from_slice(&field.to_be_bytes()[1..]);
    out.extend_from_slice(&length.to_be_bytes()[1..]);
    out.push(message.type_id);
    out.extend_from_slice(&message.stream_id.to_le_bytes());
    if field == EXTENDED {
        out.extend_from_slice(&message.timestamp.to_be_bytes());
    }
    out.extend_from_slice(&message.payload);
    out
}
