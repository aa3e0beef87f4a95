//! The one error type of osslive, shaped so a caller can act on it: fix the input, retry,
//! or report the request id.

use std::fmt;

use crate::validate::InvalidInput;

/// An error answered by OSS: a non-2xx status with the OSS `Error` document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceError {
    /// HTTP status, for example 404.
    pub status: u16,
    /// The OSS `Code`, for example `NoSuchLiveChannel`; empty when the server sent no
    /// OSS error document (a proxy's HTML page, say).
    pub code: String,
    /// The OSS `Message`, or a snippet of the body when it was not an OSS document.
    pub message: String,
    /// `RequestId` (or the `x-oss-request-id` header): quote it to support.
    pub request_id: Option<String>,
    /// `HostId`: the host that answered.
    pub host_id: Option<String>,
    /// `EC`, the detail code OSS documents per error, for example `0044-00000014`.
    pub ec: Option<String>,
    /// How many attempts the call made before giving up with this answer.
    pub attempts: u32,
}

impl ServiceError {
    /// Whether sending the same request again may succeed: server-side trouble (5xx),
    /// throttling (429) and a clock OSS found skewed (which a re-signed request fixes).
    pub fn is_retryable(&self) -> bool {
        self.status >= 500 || self.status == 429 || self.code == "RequestTimeTooSkewed"
    }
}

/// Everything that can go wrong in osslive.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// An argument breaks an OSS rule; nothing was sent.
    InvalidArgument(InvalidInput),
    /// The client is configured in a way that cannot work (for example V4 without a region).
    Config(String),
    /// Credentials could not be had (for example the environment variables are not set).
    Credentials(String),
    /// OSS answered with an error.
    Service(Box<ServiceError>),
    /// The request did not reach OSS or the answer did not come back: DNS, connect, TLS,
    /// a connection reset.
    Transport(String),
    /// The TLS handshake failed: most often a certificate that does not verify (another
    /// host name, an unknown issuer: see `ClientBuilder::ca_file`). Retrying will not help.
    Tls(String),
    /// A timeout expired before the answer was complete.
    Timeout(String),
    /// OSS answered 2xx with a body that is not the document the operation returns.
    InvalidResponse {
        /// HTTP status of the answer.
        status: u16,
        /// What was wrong.
        reason: String,
        /// The start of the body, to see what came instead.
        snippet: String,
        /// `x-oss-request-id` of the answer.
        request_id: Option<String>,
    },
}

impl Error {
    /// Whether the same call may succeed if made again: network trouble, timeouts, and
    /// retryable service errors. Invalid arguments, configuration and credential problems
    /// never are.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport(_) | Error::Timeout(_) => true,
            Error::Service(e) => e.is_retryable(),
            Error::InvalidResponse { status, .. } => *status >= 500,
            Error::InvalidArgument(_)
            | Error::Config(_)
            | Error::Credentials(_)
            | Error::Tls(_) => false,
        }
    }

    /// The HTTP status of the answer, when one arrived.
    pub fn http_status(&self) -> Option<u16> {
        match self {
            Error::Service(e) => Some(e.status),
            Error::InvalidResponse { status, .. } => Some(*status),
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
            Error::InvalidResponse { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidArgument(e) => write!(f, "{e}"),
            Error::Config(m) => write!(f, "client configuration: {m}"),
            Error::Credentials(m) => write!(f, "credentials: {m}"),
            Error::Service(e) => {
                write!(f, "OSS answered {}", e.status)?;
                if !e.code.is_empty() {
                    write!(f, " {}", e.code)?;
                }
                write!(f, ": {}", e.message)?;
                if let Some(ec) = &e.ec {
                    write!(f, " (EC {ec})")?;
                }
                if let Some(id) = &e.request_id {
                    write!(f, " [request id {id}]")?;
                }
                if e.attempts > 1 {
                    write!(f, " (after {} attempts)", e.attempts)?;
                }
                Ok(())
            }
            Error::Transport(m) => write!(f, "transport: {m}"),
            Error::Tls(m) => write!(f, "TLS: {m}"),
            Error::Timeout(m) => write!(f, "timeout: {m}"),
            Error::InvalidResponse {
                status,
                reason,
                snippet,
                request_id,
            } => {
                write!(f, "invalid response ({status}): {reason}")?;
                if !snippet.is_empty() {
                    write!(f, "; body starts {snippet:?}")?;
                }
                if let Some(id) = request_id {
                    write!(f, " [request id {id}]")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for Error {}

impl Error {
    /// A 2xx answer whose body is not the document the operation returns.
    pub(crate) fn invalid_response(
        status: u16,
        request_id: Option<String>,
        e: crate::xml::XmlError,
    ) -> Error {
        Error::InvalidResponse {
            status,
            reason: e.reason,
            snippet: e.snippet,
            request_id,
        }
    }
}

impl From<InvalidInput> for Error {
    fn from(e: InvalidInput) -> Self {
        Error::InvalidArgument(e)
    }
}
