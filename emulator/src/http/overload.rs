//! Connections that come while every slot is busy: an HTTP client is answered
//! `503 Service Unavailable` (as OSS answers when it is overloaded) rather than reset, so
//! that it knows to retry. The answers come from a few short-lived threads; beyond those,
//! a connection is closed at once.

use std::io;
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use crate::http::connection::lingering_close;
use crate::http::mux::{Routes, is_rtmp};
use crate::http::registry::{OverloadGuard, Registry};
use crate::http::write::write_response;

/// Most connections answered `503` at once.
const MAX_OVERLOADED: usize = 32;
/// How long an overloaded connection may take to send its first byte (and to read the
/// answer), and how long its close lingers.
const OVERLOAD_TIMEOUT: Duration = Duration::from_secs(1);

/// Answers `stream`, which found every slot busy, on a thread of its own; closes it at
/// once when too many are being answered already.
pub(super) fn answer_overloaded(
    stream: TcpStream,
    peer: SocketAddr,
    routes: &Arc<Routes>,
    registry: &Arc<Registry>,
) {
    let Some(ticket) = registry.begin_overload(MAX_OVERLOADED) else {
        return;
    };
    let routes = Arc::clone(routes);
    let _ = thread::Builder::new()
        .name("osslive-http-503".into())
        .spawn(move || answer(&stream, peer, &routes, ticket));
}

fn answer(stream: &TcpStream, peer: SocketAddr, routes: &Routes, _ticket: OverloadGuard) {
    // Over HTTPS the answer would need a TLS handshake first; an RTMP client cannot read it.
    let (Some(handler), None) = (&routes.http, &routes.tls) else {
        return;
    };
    if stream.set_read_timeout(Some(OVERLOAD_TIMEOUT)).is_err()
        || stream.set_write_timeout(Some(OVERLOAD_TIMEOUT)).is_err()
    {
        return;
    }
    let mut first = [0u8; 1];
    let peeked = loop {
        match stream.peek(&mut first) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => break other,
        }
    };
    if !matches!(peeked, Ok(1)) || (routes.rtmp.is_some() && is_rtmp(first[0])) {
        return;
    }
    let response = handler.overloaded(peer);
    let mut io = stream;
    if write_response(&mut io, &response, false, true).is_ok() {
        lingering_close(stream, OVERLOAD_TIMEOUT);
    }
}
