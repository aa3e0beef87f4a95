//! How a failed attempt is reported: connection and transport failures (ureq's errors),
//! answers that could not be read, and OSS error answers turned into an [`Error`], with
//! the decision whether the same request may succeed if sent again.

use std::time::SystemTime;

use crate::error::{
    ConfigError, Error, ServiceError, Source, TimeoutError, TimeoutKind, TlsError, TransportError,
    TransportErrorKind,
};
use crate::xml;

use super::http1::response::Failure;

/// A failed attempt: the error, whether trying again may help, and the server's clock
/// when OSS said ours is skewed.
pub(crate) struct AttemptFailure {
    pub(crate) error: Error,
    pub(crate) retryable: bool,
    pub(crate) server_time: Option<SystemTime>,
}

impl From<Error> for AttemptFailure {
    fn from(error: Error) -> Self {
        AttemptFailure {
            error,
            retryable: false,
            server_time: None,
        }
    }
}

/// A TLS failure: not retried, since the same handshake fails the same way. A
/// certificate that does not verify gets a hint at the usual causes.
fn tls_failure(detail: &str, source: Source) -> Error {
    let hint = if detail.contains("certificate") {
        " (the server's TLS certificate could not be verified: check that the endpoint's host \
         name is the one the certificate is for, and for a private CA set its certificates \
         with ca_certificates_pem or ca_file, osslive_config_set_ca_pem or _set_ca_file in C)"
    } else {
        ""
    };
    Error::Tls(TlsError::new(format!("{detail}{hint}"), Some(source)))
}

/// What kind of transport trouble an I/O error on the connection is.
fn io_kind(kind: std::io::ErrorKind) -> TransportErrorKind {
    use std::io::ErrorKind::*;
    match kind {
        ConnectionRefused | AddrNotAvailable | NotConnected | HostUnreachable
        | NetworkUnreachable => TransportErrorKind::Connect,
        ConnectionReset | ConnectionAborted | BrokenPipe | UnexpectedEof => {
            TransportErrorKind::Reset
        }
        _ => TransportErrorKind::Io,
    }
}

/// A transport error keeping its cause.
fn transport_error(kind: TransportErrorKind, message: String, source: Source) -> Error {
    Error::Transport(TransportError::new(kind, message, Some(source)))
}

/// Maps a failure to read the answer. A cut answer or one that breaks HTTP/1.1 may come
/// whole on the next try (a connection the server closed, a proxy's hiccup), and is
/// retried as a reset connection or a protocol error from ureq was; a body over the
/// client's limit will be as large the next time.
pub(crate) fn map_answer_failure(failure: Failure, deadline_bound: bool) -> AttemptFailure {
    let (error, retryable) = match failure {
        Failure::Transport(e) => return map_ureq_error(e, deadline_bound),
        Failure::Closed { part } => {
            let message = format!("the server closed the connection before {part} was complete");
            let source = std::io::Error::new(std::io::ErrorKind::UnexpectedEof, message.clone());
            (
                transport_error(TransportErrorKind::Reset, message, Box::new(source)),
                true,
            )
        }
        Failure::Malformed(why) => {
            let source = std::io::Error::new(std::io::ErrorKind::InvalidData, why.clone());
            (
                transport_error(TransportErrorKind::Protocol, why, Box::new(source)),
                true,
            )
        }
        Failure::TooLarge {
            status,
            request_id,
            limit,
        } => {
            let reason = format!("the response body is larger than the limit of {limit} bytes");
            let error = Error::invalid_response(
                status,
                request_id,
                xml::XmlError {
                    reason,
                    snippet: String::new(),
                },
            );
            (error, false)
        }
    };
    AttemptFailure {
        error,
        retryable,
        server_time: None,
    }
}

/// Whether a CONNECT proxy's failure (ureq's text) is the proxy refusing the client:
/// `407 Proxy Authentication Required` or `403 Forbidden`.
fn proxy_refused(why: &str) -> bool {
    why.contains("responded 407") || why.contains("responded 403")
}

/// Maps a ureq failure, deciding whether the same request may succeed again: a
/// refused, reset or cut connection, a failed name lookup and a timeout may; a TLS
/// failure (a certificate that does not verify, for an unknown issuer or another host
/// name) or a malformed request will not. The decision agrees with `Error::is_retryable`.
///
/// `deadline_bound` says that this attempt's overall timeout was cut to what was left of
/// the call's deadline, so that expiring is the deadline's doing. The ureq error (or the
/// io or rustls error inside it) is kept as the source.
pub(crate) fn map_ureq_error(e: ureq::Error, deadline_bound: bool) -> AttemptFailure {
    use std::io::ErrorKind;
    let whole_request = if deadline_bound {
        TimeoutKind::Deadline
    } else {
        TimeoutKind::Request
    };
    let timeout = |kind, message: String, source: Source| {
        Error::Timeout(TimeoutError::new(kind, message, Some(source)))
    };
    let config = |message: String, source: ureq::Error| {
        Error::Config(ConfigError::new(message).with_source(source))
    };
    let (error, retryable) = match e {
        ureq::Error::Timeout(which) => {
            let kind = match which {
                ureq::Timeout::Resolve | ureq::Timeout::Connect => TimeoutKind::Connect,
                _ => whole_request,
            };
            let message = format!("{which:?} timeout expired");
            (timeout(kind, message, Box::new(e)), true)
        }
        ureq::Error::Io(io)
            if io.kind() == ErrorKind::TimedOut || io.kind() == ErrorKind::WouldBlock =>
        {
            (timeout(whole_request, io.to_string(), Box::new(io)), true)
        }
        // Name service hiccups pass, so this is retried like a refused connection.
        ureq::Error::HostNotFound => (
            transport_error(
                TransportErrorKind::Dns,
                "the endpoint's host name could not be resolved".into(),
                Box::new(e),
            ),
            true,
        ),
        ureq::Error::Tls(why) => (tls_failure(why, Box::new(e)), false),
        ureq::Error::Rustls(rustls) => {
            let detail = rustls.to_string();
            (tls_failure(&detail, Box::new(rustls)), false)
        }
        ureq::Error::Io(io) if io.kind() == ErrorKind::InvalidData => {
            // rustls reports a certificate it will not trust (unknown issuer, another
            // host name, expired) and a broken TLS record as invalid data.
            let detail = io.to_string();
            (tls_failure(&detail, Box::new(io)), false)
        }
        // Validation keeps these from happening; if one does, the input is at fault.
        ureq::Error::Http(ref why) => {
            let message = format!("cannot build the request: {why}");
            (config(message, e), false)
        }
        ureq::Error::BadUri(ref why) => {
            let message = format!("bad URL: {why}");
            (config(message, e), false)
        }
        // The request head did not fit the writer: the same request never will, and
        // validation of header sizes should have caught it before.
        ureq::Error::Protocol(ref p) if p.to_string().contains("output too small") => {
            let message = format!("the request is too large to send: {p}");
            (config(message, e), false)
        }
        ureq::Error::Io(io) => {
            // The text stays ureq's ("io: ..."), as before the kind was kept.
            let message = format!("io: {io}");
            (
                transport_error(io_kind(io.kind()), message, Box::new(io)),
                true,
            )
        }
        // A proxy that wants credentials, or other ones, answers the same the next time:
        // the proxy setting is wrong, not the network.
        ureq::Error::ConnectProxyFailed(ref why) if proxy_refused(why) => {
            let message = format!(
                "{e}: the proxy refused the tunnel; check the proxy URL in HTTPS_PROXY, \
                 HTTP_PROXY or ALL_PROXY and its credentials (http://NAME:PASSWORD@HOST:PORT)"
            );
            (config(message, e), false)
        }
        other => {
            let kind = match other {
                ureq::Error::ConnectionFailed | ureq::Error::ConnectProxyFailed(_) => {
                    TransportErrorKind::Connect
                }
                ureq::Error::Protocol(_)
                | ureq::Error::LargeResponseHeader(..)
                | ureq::Error::BodyStalled => TransportErrorKind::Protocol,
                _ => TransportErrorKind::Other,
            };
            (
                transport_error(kind, other.to_string(), Box::new(other)),
                true,
            )
        }
    };
    AttemptFailure {
        error,
        retryable,
        server_time: None,
    }
}

/// Statuses OSS answers when it is worth trying again.
pub(crate) fn retryable_status(status: u16) -> bool {
    matches!(status, 500 | 502 | 503 | 504)
}

/// Reads the OSS `Error` document from the body or, when the body is empty, from the
/// base64 `x-oss-err` header; otherwise keeps a snippet of whatever came.
pub(crate) fn service_error(
    status: u16,
    request_id: Option<String>,
    body: &[u8],
    oss_err: Option<&str>,
) -> ServiceError {
    let from_header = || oss_err.and_then(xml::parse_error_header);
    let document =
        xml::parse_error(body).or_else(|| if body.is_empty() { from_header() } else { None });
    match document {
        Some(doc) => ServiceError {
            status,
            code: doc.code,
            message: doc.message,
            request_id: doc.request_id.or(request_id),
            host_id: doc.host_id,
            ec: doc.ec,
            attempts: 0,
        },
        None => {
            let snippet: String = String::from_utf8_lossy(&body[..body.len().min(200)])
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            let message = if body.is_empty() {
                "the answer has no body".to_owned()
            } else {
                format!("the answer is not an OSS error document: {snippet}")
            };
            ServiceError {
                status,
                code: String::new(),
                message,
                request_id,
                host_id: None,
                ec: None,
                attempts: 0,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;

    #[test]
    fn error_answers_keep_the_oss_fields_or_a_snippet() {
        let xml = b"<?xml version=\"1.0\"?><Error><Code>NoSuchLiveChannel</Code><Message>gone</Message><RequestId>RID</RequestId><HostId>h</HostId><EC>0026-00000021</EC></Error>";
        let e = service_error(404, Some("HDR".into()), xml, None);
        assert_eq!(
            (e.code.as_str(), e.request_id.as_deref(), e.ec.as_deref()),
            ("NoSuchLiveChannel", Some("RID"), Some("0026-00000021"))
        );
        // An empty body with the document in x-oss-err, as OSS sends for HEAD-like answers.
        let header = base64::engine::general_purpose::STANDARD.encode(xml);
        let e = service_error(404, Some("HDR".into()), b"", Some(&header));
        assert_eq!(e.code, "NoSuchLiveChannel");
        let e = service_error(
            502,
            Some("HDR".into()),
            b"<html>\n<h1>Bad Gateway</h1></html>",
            None,
        );
        assert_eq!(
            (e.code.as_str(), e.request_id.as_deref()),
            ("", Some("HDR"))
        );
        assert!(
            e.message.contains("<h1>Bad Gateway</h1>") && !e.message.contains('\n'),
            "{}",
            e.message
        );
        assert!(e.is_retryable());
    }
}
