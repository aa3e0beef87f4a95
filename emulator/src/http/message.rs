//! The messages the server carries: a [`Request`] as received and a [`Response`] to send,
//! with the [`Delivery`] that says how (or how badly) it goes on the wire. Every layer
//! shares these types, so they depend on nothing else in the crate.

use std::net::SocketAddr;
use std::time::Duration;

/// A request as received, with the body fully read.
#[derive(Debug, Clone)]
pub struct Request {
    /// Upper-case method as sent, for example `PUT`.
    pub method: String,
    /// The raw request-target, for example `/test-channel?live=&comp=stat` (still percent-encoded).
    pub target: String,
    /// Header names and values in arrival order; names as sent (compare case-insensitively).
    pub headers: Vec<(String, String)>,
    /// The request body (Content-Length or chunked), possibly empty.
    pub body: Vec<u8>,
    /// The client's address.
    pub peer: SocketAddr,
}

impl Request {
    /// The first value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A response to write.
///
/// The server adds `Content-Length` and `Connection` itself; everything else (`Date`,
/// `Server`, `Content-Type`, `x-oss-request-id`...) is up to the handler. A `Content-Length`
/// set by the handler is only honoured for HEAD responses, where the body is not sent and the
/// handler may not want to build it; a `Connection: close` set by the handler closes the
/// connection after the response.
#[derive(Debug, Clone)]
pub struct Response {
    /// HTTP status code.
    pub status: u16,
    /// Headers to send, in order.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
    /// How the response is put on the wire; [`Delivery::Normal`] unless a fault is injected.
    pub delivery: Delivery,
}

impl Response {
    /// A response with this status, no headers, an empty body and normal delivery.
    pub fn new(status: u16) -> Self {
        Response {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            delivery: Delivery::Normal,
        }
    }

    /// Appends a header (headers keep their order on the wire).
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Replaces the body.
    pub fn with_body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    /// Replaces the delivery, to misbehave on purpose.
    pub fn with_delivery(mut self, delivery: Delivery) -> Self {
        self.delivery = delivery;
        self
    }

    /// The first value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// How to put a response on the wire: normally, or broken in one of the ways real networks and
/// proxies break, so that clients can test their error handling.
///
/// Every delivery except `Normal` and `StallBody` closes the connection afterwards, because the
/// client can no longer know where the next response would start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Delivery {
    /// Status line, headers and body, as HTTP says.
    #[default]
    Normal,
    /// Send the status line, headers and the first half of the body, wait, then send the rest.
    StallBody(Duration),
    /// Close the connection without writing anything.
    Drop,
    /// Close with a TCP RST (SO_LINGER 0) without writing anything.
    Reset,
    /// Send headers with the full Content-Length but only half the body, then close.
    Truncated,
    /// Send a Content-Length larger than the body (body length + 100), the whole body, then close.
    WrongContentLength,
}

impl Delivery {
    /// Whether the connection can carry another request after this delivery.
    pub(super) fn keeps_connection(self) -> bool {
        matches!(self, Delivery::Normal | Delivery::StallBody(_))
    }
}
