//! The ways a request can break HTTP's rules before it reaches a handler, each with the
//! status that answers it.

use std::fmt;

/// Why a request was refused before reaching [`Handler::handle`](crate::http::Handler::handle).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BadRequest {
    /// The request line plus headers exceed [`Limits::max_head_bytes`](crate::http::Limits::max_head_bytes) (or the trailers of a
    /// chunked body do).
    HeadTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// More header fields than [`Limits::max_headers`](crate::http::Limits::max_headers).
    TooManyHeaders {
        /// The limit in fields.
        limit: usize,
    },
    /// The request line or a header line does not follow HTTP/1.x syntax.
    Malformed {
        /// What the parser objected to, for example `invalid HTTP version`.
        detail: String,
    },
    /// A header value is not UTF-8; the handler only sees `String`s, and a lossy conversion
    /// would silently break signature checks.
    HeaderNotUtf8 {
        /// The header's name.
        name: String,
    },
    /// A Content-Length that is not a plain decimal number.
    InvalidContentLength {
        /// The value as sent (shortened if long).
        value: String,
    },
    /// Several Content-Length headers with different values.
    ConflictingContentLength,
    /// Both Content-Length and Transfer-Encoding, which is a request-smuggling vector.
    ContentLengthWithTransferEncoding,
    /// A Transfer-Encoding other than plain `chunked`.
    UnsupportedTransferEncoding {
        /// The value as sent (shortened if long).
        value: String,
    },
    /// The body (declared or decoded) is larger than [`Limits::max_body_bytes`](crate::http::Limits::max_body_bytes).
    BodyTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The chunked framing of the body is broken.
    MalformedChunkedBody {
        /// Which rule was broken.
        reason: &'static str,
    },
}

impl BadRequest {
    /// The status that fits the problem (400, 413, 431 or 501), so handlers need not map it.
    pub fn status(&self) -> u16 {
        match self {
            BadRequest::HeadTooLarge { .. } | BadRequest::TooManyHeaders { .. } => 431,
            BadRequest::BodyTooLarge { .. } => 413,
            BadRequest::UnsupportedTransferEncoding { .. } => 501,
            _ => 400,
        }
    }
}

impl fmt::Display for BadRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BadRequest::HeadTooLarge { limit } => {
                write!(f, "request head is larger than {limit} bytes")
            }
            BadRequest::TooManyHeaders { limit } => {
                write!(f, "request has more than {limit} header fields")
            }
            BadRequest::Malformed { detail } => write!(f, "malformed request head: {detail}"),
            BadRequest::HeaderNotUtf8 { name } => {
                write!(f, "value of header {name} is not valid UTF-8")
            }
            BadRequest::InvalidContentLength { value } => {
                write!(f, "Content-Length {value:?} is not a plain decimal number")
            }
            BadRequest::ConflictingContentLength => {
                write!(
                    f,
                    "request has several Content-Length headers with different values"
                )
            }
            BadRequest::ContentLengthWithTransferEncoding => {
                write!(f, "request has both Content-Length and Transfer-Encoding")
            }
            BadRequest::UnsupportedTransferEncoding { value } => {
                write!(
                    f,
                    "Transfer-Encoding {value:?} is not supported, only \"chunked\" is"
                )
            }
            BadRequest::BodyTooLarge { limit } => {
                write!(f, "request body is larger than {limit} bytes")
            }
            BadRequest::MalformedChunkedBody { reason } => {
                write!(f, "malformed chunked request body: {reason}")
            }
        }
    }
}

impl std::error::Error for BadRequest {}
