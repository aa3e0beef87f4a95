//! The one error type of osslive, shaped so a caller can act on it: fix the input, retry,
//! or report the request id. Each variant carries a typed payload that keeps what is
//! known (the answer's fields, the kind of network trouble, which timeout, the setting at
//! fault) and, for network and TLS failures, the underlying error as `source()`.

mod answer;
mod cancelled;
mod network;
mod setup;

use std::fmt;

use crate::validate::InvalidInput;

pub use answer::{InvalidResponse, ServiceError};
pub use cancelled::{CancelReason, CancelledError};
pub(crate) use network::Source;
pub use network::{TimeoutError, TimeoutKind, TlsError, TransportError, TransportErrorKind};
pub use setup::{ConfigError, CredentialsError};

/// Everything that can go wrong in osslive.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// An argument breaks an OSS rule; nothing was sent.
    InvalidArgument(InvalidInput),
    /// The client is configured in a way that cannot work (for example V4 without a region).
    Config(ConfigError),
    /// Credentials could not be had (for example the environment variables are not set).
    Credentials(CredentialsError),
    /// OSS answered with an error.
    Service(Box<ServiceError>),
    /// The request did not reach OSS or the answer did not come back: DNS, connect, a
    /// connection reset.
    Transport(TransportError),
    /// The TLS handshake failed: most often a certificate that does not verify (another
    /// host name, an unknown issuer: see `ClientBuilder::ca_file`). Retrying will not help.
    Tls(TlsError),
    /// A timeout expired before the answer was complete.
    Timeout(TimeoutError),
    /// OSS answered 2xx with a body that is not the document the operation returns.
    InvalidResponse(InvalidResponse),
    /// The call was stopped by `Client::interrupt` or `Client::shut_down`.
    Cancelled(CancelledError),
}

impl Error {
    /// Whether the same call may succeed if made again: network trouble, timeouts, and
    /// retryable service errors. Invalid arguments, configuration and credential problems
    /// never are.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport(_) | Error::Timeout(_) => true,
            Error::Service(e) => e.is_retryable(),
            Error::InvalidResponse(e) => e.status >= 500,
            Error::InvalidArgument(_)
            | Error::Config(_)
            | Error::Credentials(_)
            | Error::Tls(_)
            | Error::Cancelled(_) => false,
        }
    }

    /// The HTTP status of the answer, when one arrived.
    pub fn http_status(&self) -> Option<u16> {
        match self {
            Error::Service(e) => Some(e.status),
            Error::InvalidResponse(e) => Some(e.status),
            _ => None,
        }
    }

    /// The OSS error code (`NoSuchLiveChannel`...), for service errors that carry one.
    pub fn service_code(&self) -> Option<&str> {
        match self {
            Error::Service(e) if !e.code.is_empty() => Some(&e.code),
            _ => None,
        }
    }

    /// The request id of the answer, when one arrived.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Service(e) => e.request_id.as_deref(),
            Error::InvalidResponse(e) => e.request_id.as_deref(),
            _ => None,
        }
    }

    /// How many attempts (requests sent or tried) the call made before failing: 0 when
    /// it failed before sending anything (an invalid argument, the configuration,
    /// credentials), more than 1 when it retried.
    pub fn attempts(&self) -> u32 {
        match self {
            Error::Service(e) => e.attempts,
            Error::InvalidResponse(e) => e.attempts,
            Error::Transport(e) => e.attempts(),
            Error::Tls(e) => e.attempts(),
            Error::Timeout(e) => e.attempts(),
            Error::Cancelled(e) => e.attempts(),
            Error::InvalidArgument(_) | Error::Config(_) | Error::Credentials(_) => 0,
        }
    }

    /// Records how many attempts the call made, on the errors that come from an attempt.
    pub(crate) fn set_attempts(&mut self, attempts: u32) {
        match self {
            Error::Service(e) => e.attempts = attempts,
            Error::InvalidResponse(e) => e.attempts = attempts,
            Error::Transport(e) => e.set_attempts(attempts),
            Error::Tls(e) => e.set_attempts(attempts),
            Error::Timeout(e) => e.set_attempts(attempts),
            Error::Cancelled(e) => e.set_attempts(attempts),
            Error::InvalidArgument(_) | Error::Config(_) | Error::Credentials(_) => {}
        }
    }

    /// A 2xx answer whose body is not the document the operation returns.
    pub(crate) fn invalid_response(
        status: u16,
        request_id: Option<String>,
        e: crate::xml::XmlError,
    ) -> Error {
        Error::InvalidResponse(InvalidResponse {
            status,
            reason: e.reason,
            snippet: e.snippet,
            request_id,
            attempts: 0,
        })
    }

    /// An OSS error answer.
    pub(crate) fn service(e: ServiceError) -> Error {
        Error::Service(Box::new(e))
    }

    /// A configuration error naming the setting at fault.
    pub(crate) fn config(setting: &'static str, message: impl Into<String>) -> Error {
        Error::Config(ConfigError::new(message).with_setting(setting))
    }

    /// A credentials error.
    pub(crate) fn credentials(message: impl Into<String>) -> Error {
        Error::Credentials(CredentialsError::new(message))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidArgument(e) => write!(f, "{e}"),
            Error::Config(e) => write!(f, "client configuration: {e}"),
            Error::Credentials(e) => write!(f, "credentials: {e}"),
            Error::Service(e) => write!(f, "{e}"),
            Error::Transport(e) => write!(f, "transport: {e}"),
            Error::Tls(e) => write!(f, "TLS: {e}"),
            Error::Timeout(e) => write!(f, "timeout: {e}"),
            Error::InvalidResponse(e) => write!(f, "{e}"),
            Error::Cancelled(e) => write!(f, "cancelled: {e}"),
        }
    }
}

// The payload's own text is already in this error's, so the chain goes on with the
// payload's cause: the ureq, io or rustls error of a network or TLS failure.
impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Config(e) => e.source(),
            Error::Credentials(e) => e.source(),
            Error::Transport(e) => e.source(),
            Error::Tls(e) => e.source(),
            Error::Timeout(e) => e.source(),
            Error::InvalidArgument(_)
            | Error::Service(_)
            | Error::InvalidResponse(_)
            | Error::Cancelled(_) => None,
        }
    }
}

impl From<InvalidInput> for Error {
    fn from(e: InvalidInput) -> Self {
        Error::InvalidArgument(e)
    }
}
