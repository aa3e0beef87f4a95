//! The request log: where the emulator tells, one line at a time, what it served.
//!
//! It is its own module because both the application (one line per request) and the TLS
//! acceptor (one line per failed handshake) write to it, and the TLS acceptor sits below
//! the HTTP server that the application plugs into.

use std::sync::Arc;

/// Receives one line per request; never given a secret.
pub type RequestLog = Arc<dyn Fn(&str) + Send + Sync>;
