//! What the server hands connections to: the application that answers HTTP requests and
//! the service that takes RTMP connections on the same port.

use std::net::{SocketAddr, TcpStream};

use crate::http::bad_request::BadRequest;
use crate::http::message::{Request, Response};
use crate::http::registry::Slot;

/// The application behind the server.
pub trait Handler: Send + Sync + 'static {
    /// Answers one well-formed request.
    fn handle(&self, req: &Request) -> Response;
    /// Answers a request that could not be parsed (malformed request line/headers, head too large,
    /// body over the limit, bad Content-Length, unsupported Transfer-Encoding...). The connection is closed after it.
    fn bad_request(&self, peer: SocketAddr, problem: &BadRequest) -> Response;
    /// Answers a connection that came while every connection slot was busy; the server
    /// sends it without reading the request and closes the connection. By default a plain
    /// `503 Service Unavailable`.
    fn overloaded(&self, peer: SocketAddr) -> Response {
        let _ = peer;
        Response::new(503)
            .with_header("Content-Type", "text/plain")
            .with_body("every connection slot is busy; try again\n")
    }
}

/// Serves connections that speak RTMP instead of HTTP (their first byte is `0x03`, the RTMP
/// version; HTTP starts with a letter and TLS with `0x16`).
pub trait RtmpHandler: Send + Sync + 'static {
    /// Serves one RTMP connection until it ends; nothing has been read from `stream` yet.
    /// The server closes the socket when this returns. Through `slot` the handler says
    /// when the connection publishes: until then its slot may go to a newer connection
    /// when all are taken (its socket is shut down).
    fn serve(&self, stream: &TcpStream, peer: SocketAddr, slot: &Slot<'_>);
}
