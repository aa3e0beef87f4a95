//! The bounds every RTMP connection is held to. A module of its own because both the
//! ingest (`rtmp/mod.rs`) and the session and protocol modules it starts use them.

use std::time::Duration;

/// Bounds that keep one RTMP client from wedging or exhausting the emulator.
///
/// A connection is *unauthenticated* until its `publish` is accepted (the signed URL is
/// checked there): until then nothing it can send needs more than a few kilobytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RtmpLimits {
    /// The handshake, `connect` and an accepted `publish` must all be done within this
    /// time of the connection's first byte, default 10 s.
    pub setup_timeout: Duration,
    /// A publisher that sends no audio or video message for this long is disconnected (and
    /// its push ended as if it had left), default 30 s.
    pub media_timeout: Duration,
    /// Most bytes a connection may send after the handshake and before its `publish` is
    /// accepted, default 64 KiB: it bounds every message and all buffered chunk data of an
    /// unauthenticated client (`connect` and `publish` together take a few hundred bytes).
    pub max_unauthenticated_bytes: usize,
    /// Largest message of a publisher, and most chunk data it may have buffered in
    /// unfinished messages, default 16 MiB (the protocol's own limit is 16 MiB - 1).
    pub max_message_bytes: usize,
    /// Deepest nesting of AMF0 objects and arrays in a command or data message, default 32
    /// (`connect` and `onMetaData` use 1 or 2).
    pub max_amf_depth: usize,
    /// Most AMF0 values in one command or data message, default 4096.
    pub max_amf_values: usize,
}

impl Default for RtmpLimits {
    fn default() -> Self {
        RtmpLimits {
            setup_timeout: Duration::from_secs(10),
            media_timeout: Duration::from_secs(30),
            max_unauthenticated_bytes: 64 * 1024,
            max_message_bytes: 16 * 1024 * 1024,
            max_amf_depth: 32,
            max_amf_values: 4096,
        }
    }
}
