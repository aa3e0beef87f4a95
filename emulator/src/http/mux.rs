//! Which protocol a new connection speaks: RTMP and HTTP(S) share one port, and the first
//! byte of a connection tells them apart (`0x03` is an RTMP handshake; TLS, `0x16`, is
//! recognised by the TLS acceptor).

use std::io;
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;

use crate::http::connection::{WRITE_TIMEOUT, handle_connection};
use crate::http::handler::{Handler, RtmpHandler};
use crate::http::limits::Limits;
use crate::http::registry::{ConnGuard, Slot};
use crate::tls::TlsAcceptor;

/// Where the connections of one listener go.
pub(super) struct Routes {
    /// HTTP(S) requests; `None` on an RTMP-only listener.
    pub(super) http: Option<Arc<dyn Handler>>,
    /// Serve HTTPS rather than HTTP.
    pub(super) tls: Option<Arc<TlsAcceptor>>,
    /// RTMP connections; `None` when the listener serves HTTP only.
    pub(super) rtmp: Option<Arc<dyn RtmpHandler>>,
}

/// The first byte of every RTMP connection (the protocol version).
const RTMP_VERSION: u8 = 0x03;

/// Whether a connection starting with `first` speaks RTMP.
pub(super) fn is_rtmp(first: u8) -> bool {
    first == RTMP_VERSION
}

/// Hands a new connection to HTTP or RTMP, after its first byte when the port is shared.
pub(super) fn route_connection(
    stream: TcpStream,
    peer: SocketAddr,
    routes: &Routes,
    limits: &Limits,
    guard: ConnGuard,
) {
    let rtmp = match (&routes.http, &routes.rtmp) {
        (Some(http), None) => {
            return handle_connection(stream, peer, http, limits, routes.tls.as_deref(), guard);
        }
        (Some(http), Some(rtmp)) => match first_byte(&stream, limits, &guard) {
            Some(byte) if is_rtmp(byte) => rtmp,
            Some(_) => {
                return handle_connection(stream, peer, http, limits, routes.tls.as_deref(), guard);
            }
            // Silent until the idle timeout, closed, or the server is stopping.
            None => return,
        },
        (None, Some(rtmp)) => rtmp,
        (None, None) => return,
    };
    let _ = stream.set_nodelay(true);
    let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
    rtmp.serve(&stream, peer, &Slot::new(&guard));
    // As in handle_connection: the registry's duplicate must go before our socket closes.
    drop(guard);
    drop(stream);
}

/// Peeks at the first byte of a connection without consuming it, waiting at most the idle
/// timeout (a waiting connection counts as idle, so shutdown interrupts it).
fn first_byte(stream: &TcpStream, limits: &Limits, guard: &ConnGuard) -> Option<u8> {
    if limits.idle_timeout.is_zero() || stream.set_read_timeout(Some(limits.idle_timeout)).is_err()
    {
        return None;
    }
    if !guard.enter_idle() {
        return None;
    }
    let mut byte = [0u8; 1];
    let peeked = loop {
        match stream.peek(&mut byte) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => break other,
        }
    };
    guard.leave_idle();
    match peeked {
        Ok(1) => Some(byte[0]),
        _ => None,
    }
}
