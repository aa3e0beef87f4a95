//! The bounds a server enforces on every connection.

use std::time::Duration;

/// Bounds that keep one client from exhausting the emulator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest request line plus headers (and largest chunked trailer section), default 64 KiB.
    pub max_head_bytes: usize,
    /// Most header fields in one request, default 100.
    pub max_headers: usize,
    /// Largest request body, declared or decoded, default 1 MiB.
    pub max_body_bytes: usize,
    /// How long a new connection may wait before its first byte, and a keep-alive
    /// connection before its next request, default 60 s.
    pub idle_timeout: Duration,
    /// How long a request may take to arrive completely once its first byte came, default 30 s.
    /// It bounds the whole request rather than each read so that a client trickling one byte
    /// at a time cannot hold a thread indefinitely.
    pub read_timeout: Duration,
    /// Most connections open at once, default 1024. When all are taken, a new connection
    /// takes the slot of the one that has gone longest without progress: idle (waiting for
    /// its first byte or next request) or waiting on its client (a request still arriving,
    /// an answer not read yet, an RTMP client that has not published). Only connections
    /// whose request is being handled, and publishers, keep theirs. When every one is
    /// busy, an HTTP client is answered `503 ServiceUnavailable` and the connection closed.
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_head_bytes: 64 * 1024,
            max_headers: 100,
            max_body_bytes: 1024 * 1024,
            idle_timeout: Duration::from_secs(60),
            read_timeout: Duration::from_secs(30),
            max_connections: 1024,
        }
    }
}
