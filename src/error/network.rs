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

/// What every error of a failed attempt holds: what happened, the underlying error, and
/// the attempts the call made (set once, when the call gives up).
#[derive(Debug)]
struct Failure {
    message: String,
    source: Option<Source>,
    attempts: u32,
}

/// The accessors, `Display` (the message, then the attempt count when there were
/// several) and `source()` of an error type built on [`Failure`].
macro_rules! failure_error {
    ($ty:ident) => {
        impl $ty {
            /// What happened, without the attempt count.
            pub fn message(&self) -> &str {
                &self.failure.message
            }

            /// How many attempts the call made.
            pub fn attempts(&self) -> u32 {
                self.failure.attempts
            }

            pub(crate) fn set_attempts(&mut self, attempts: u32) {
                self.failure.attempts = attempts;
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.failure.message)?;
                attempts_note(f, self.failure.attempts)
            }
        }

        impl std::error::Error for $ty {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                source_of(&self.failure.source)
            }
        }
    };
}

/// The request did not reach OSS or the answer did not come back whole.
#[derive(Debug)]
pub struct TransportError {
    kind: TransportErrorKind,
    failure: Failure,
}

impl TransportError {
    pub(crate) fn new(kind: TransportErrorKind, message: String, source: Option<Source>) -> Self {
        let failure = Failure {
            message,
            source,
            attempts: 0,
        };
        TransportError { kind, failure }
    }

    /// What kind of trouble it was.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }
}

failure_error!(TransportError);

/// The TLS handshake failed; retrying will not help, so the call made one attempt. The
/// message adds a hint at the usual causes of a certificate that does not verify.
#[derive(Debug)]
pub struct TlsError {
    failure: Failure,
}

impl TlsError {
    pub(crate) fn new(message: String, source: Option<Source>) -> Self {
        let failure = Failure {
            message,
            source,
            attempts: 0,
        };
        TlsError { failure }
    }
}

failure_error!(TlsError);

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
    failure: Failure,
}

impl TimeoutError {
    pub(crate) fn new(kind: TimeoutKind, message: String, source: Option<Source>) -> Self {
        let failure = Failure {
            message,
            source,
            attempts: 0,
        };
        TimeoutError { kind, failure }
    }

    /// Which timeout expired.
    pub fn kind(&self) -> TimeoutKind {
        self.kind
    }
}

failure_error!(TimeoutError);

/// A kept cause as `source()` returns it.
pub(crate) fn source_of(source: &Option<Source>) -> Option<&(dyn std::error::Error + 'static)> {
    source
        .as_deref()
        .map(|e| e as &(dyn std::error::Error + 'static))
}
