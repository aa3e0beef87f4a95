//! A small HTTP/1.1 server over std::net: one thread per connection, keep-alive, and the
//! ability to answer badly on purpose (see [`crate::faults`]).
//!
//! It is hand-written on top of `httparse` rather than taken from a server crate because the
//! emulator must be able to misbehave on the wire (stall mid-body, truncate, lie about the
//! length, reset the connection) and must keep direct access to each socket, so that RTMP and
//! HTTP share one port: each connection's first byte decides (0x03 is an RTMP handshake).
//!
//! With a [`TlsAcceptor`](crate::tls::TlsAcceptor) ([`Server::start_tls`]) every connection
//! is HTTPS: the handshake runs first, then the same code serves HTTP over the TLS session,
//! faults included (a [`Delivery::Reset`] still resets the TCP connection underneath).
//!
//! One module per job, each depending only on the ones listed before it: `message`,
//! `bad_request`, `limits`, `registry` and `handler` hold the shared types and state;
//! `read` reads requests and `write` writes responses; `connection` serves one HTTP(S)
//! connection with them; `mux` tells RTMP from HTTP by the first byte; `overload` answers
//! `503` when every connection slot is busy; `server` owns the listener and its threads.
//! This module only re-exports what callers use.

mod bad_request;
mod connection;
mod handler;
mod limits;
mod message;
mod mux;
mod overload;
mod read;
mod registry;
mod server;
mod write;

#[cfg(test)]
mod tests;

pub use bad_request::BadRequest;
pub use handler::{Handler, RtmpHandler};
pub use limits::Limits;
pub use message::{Delivery, Request, Response};
pub use registry::Slot;
pub use server::Server;
pub use write::reason_phrase;
