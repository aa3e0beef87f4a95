//! Errors of a request that got no complete answer: the connection, TLS, timeouts. Each
//! keeps the underlying ureq, io or rustls error as its `source()`.

use std::fmt;

use super::answer::attempts_note;

/// The cause of an error, kept for `source()`.
pub(crate) type Source = Box<dyn std::error::Error + Send + Sync + 'static>;

/// What kind of network trouble a [`TransportError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The endpoint's host name could not be resolved.
    Dns,
    /// No connection could be made (refused, unreachable).
    Connect,
    /// The connection was reset or closed before the answer was complete.
    Reset,
    /// Another I/O error on the connection.
    Io,
    /// The server broke HTTP (a malformed status line or body framing).
    Protocol,
    /// Anything else.
    Other,
}

/// The request did not reach OSS or the answer did not come back whole.
#[derive(Debug)]
pub struct TransportError {
    kind: TransportErrorKind,
    message: String,
    source: Option<Source>,
    attempts: u32,
}

impl TransportError {
    pub(crate) fn new(kind: TransportErrorKind, message: String, source: Option<Source>) -> Self {
        TransportError {
            kind,
            message,
            source,
            attempts: 0,
        }
    }

    /// What kind of trouble it was.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// What happened, without the attempt count.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// How many attempts the call made.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    pub(crate) fn set_attempts(&mut self, attempts: u32) {
        self.attempts = attempts;
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        attempts_note(f, self.attempts)
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        source_of(&self.source)
    }
}

/// The TLS handshake failed; retrying will not help.
#[derive(Debug)]
pub struct TlsError {
    message: String,
    source: Option<Source>,
    attempts: u32,
}

impl TlsError {
    pub(crate) fn new(message: String, source: Option<Source>) -> Self {
        TlsError {
            message,
            source,
            attempts: 0,
        }
    }

    /// What failed, with a hint at the usual causes of a certificate that does not verify.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// How many attempts the call made (one: a TLS failure is not retried).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    pub(crate) fn set_attempts(&mut self, attempts: u32) {
        self.attempts = attempts;
    }
}

impl fmt::Display for TlsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        attempts_note(f, self.attempts)
    }
}

impl std::error::Error for TlsError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        source_of(&self.source)
    }
}

/// Which limit a [`TimeoutError`] hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TimeoutKind {
    /// Establishing the connection (name lookup, TCP, TLS): `ClientBuilder::connect_timeout`.
    Connect,
    /// One attempt, from connecting to the last byte: `ClientBuilder::request_timeout`.
    Request,
    /// The whole call, attempts and backoffs together: `ClientBuilder::deadline`.
    Deadline,
}

/// A timeout expired before the answer was complete.
#[derive(Debug)]
pub struct TimeoutError {
    kind: TimeoutKind,
    message: String,
    source: Option<Source>,
    attempts: u32,
}

impl TimeoutError {
    pub(crate) fn new(kind: TimeoutKind, message: String, source: Option<Source>) -> Self {
        TimeoutError {
            kind,
            message,
            source,
            attempts: 0,
        }
    }

    /// Which timeout expired.
    pub fn kind(&self) -> TimeoutKind {
        self.kind
    }

    /// What expired, without the attempt count.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// How many attempts the call made.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    pub(crate) fn set_attempts(&mut self, attempts: u32) {
        self.attempts = attempts;
    }
}

impl fmt::Display for TimeoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        attempts_note(f, self.attempts)
    }
}

impl std::error::Error for TimeoutError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        source_of(&self.source)
    }
}

/// A kept cause as `source()` returns it.
pub(crate) fn source_of(source: &Option<Source>) -> Option<&(dyn std::error::Error + 'static)> {
    source
        .as_deref()
        .map(|e| e as &(dyn std::error::Error + 'static))
}
