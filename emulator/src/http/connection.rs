//! One HTTP or HTTPS connection: the TLS handshake when there is one, the keep-alive loop
//! that reads each request, asks the handler and writes the answer, and how the connection
//! is closed (gracefully, silently or with a reset).

use std::io::{self, Read};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::http::bad_request::BadRequest;
use crate::http::handler::Handler;
use crate::http::limits::Limits;
use crate::http::message::{Delivery, Request, Response};
use crate::http::read::{Conn, Framing, ReadError, framing};
use crate::http::registry::ConnGuard;
use crate::http::write::write_response;
use crate::tls::{self, Handshake, TlsAcceptor};

/// Long enough for any real client on a loopback or LAN link, short enough that a client
/// which never reads cannot pin a connection thread forever.
pub(super) const WRITE_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a closing connection keeps reading (and discarding) what the client still sends,
/// so that the kernel does not answer unread data with a RST that would destroy our response.
const LINGER_TIME: Duration = Duration::from_secs(2);
/// Upper bound of what a lingering close is willing to discard.
const LINGER_MAX_BYTES: usize = 1 << 20;

/// How a connection ends.
enum Ending {
    /// The peer went away or timed out: just close.
    Quiet,
    /// We decided to close: end the TLS session with a `close_notify` (over HTTPS), send
    /// FIN and drain what the client still sends.
    Graceful,
    /// Like `Graceful` but without a `close_notify`, as a cut connection would end: for
    /// [`Delivery::Drop`] ("close without writing anything") and failed TLS handshakes.
    Silent,
    /// Close with a RST.
    Reset,
}

/// Serves one HTTP or HTTPS connection until it closes.
///
/// This is the per-connection entry point, kept separate from the accept loop so that a router
/// can look at the first bytes of a connection (for example to tell RTMP from HTTP) and hand the
/// socket over. Bytes only peeked at are still read by this function. With `tls` the TLS
/// handshake runs first, here on the connection's thread.
pub(super) fn handle_connection(
    stream: TcpStream,
    peer: SocketAddr,
    handler: &Arc<dyn Handler>,
    limits: &Limits,
    tls: Option<&TlsAcceptor>,
    guard: ConnGuard,
) {
    let _ = stream.set_nodelay(true);
    let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
    let ending = match tls {
        None => {
            let mut io = &stream;
            let mut conn = Conn::new(&mut io, &stream, limits, peer);
            serve(&mut conn, handler.as_ref(), &guard)
        }
        Some(acceptor) => match acceptor.accept(&stream, peer, limits.read_timeout) {
            Handshake::Done(mut session) => {
                let mut conn = Conn::new(&mut *session, &stream, limits, peer);
                let ending = serve(&mut conn, handler.as_ref(), &guard);
                if matches!(ending, Ending::Graceful) {
                    tls::close_notify(&mut session);
                }
                ending
            }
            Handshake::Failed => Ending::Silent,
            Handshake::Gone => Ending::Quiet,
        },
    };
    // The registry holds a duplicate of the socket; it must be gone before we close ours,
    // otherwise the close would not reach the peer (no FIN, no RST) until much later.
    drop(guard);
    match ending {
        Ending::Quiet => {}
        Ending::Graceful | Ending::Silent => lingering_close(&stream, LINGER_TIME),
        Ending::Reset => {
            let _ = set_linger_zero(&stream);
        }
    }
    drop(stream);
}

fn serve(conn: &mut Conn<'_>, handler: &dyn Handler, guard: &ConnGuard) -> Ending {
    loop {
        let (head, deadline) = match conn.read_head(guard) {
            Ok(read) => read,
            Err(ReadError::Closed) => return Ending::Quiet,
            Err(ReadError::Bad(problem)) => {
                return answer_bad_request(conn, handler, &problem, false);
            }
        };
        let head_only = head.method == "HEAD";
        let framing = match framing(&head, conn.limits) {
            Ok(framing) => framing,
            Err(problem) => return answer_bad_request(conn, handler, &problem, head_only),
        };
        if framing != Framing::Empty
            && head.version >= 1
            && head
                .values("expect")
                .any(|v| v.trim().eq_ignore_ascii_case("100-continue"))
            && conn
                .io
                .write_all(b"HTTP/1.1 100 Continue\r\n\r\n")
                .and_then(|()| conn.io.flush())
                .is_err()
        {
            return Ending::Quiet;
        }
        let body = match conn.read_body(&framing, deadline) {
            Ok(body) => body,
            Err(ReadError::Closed) => return Ending::Quiet,
            Err(ReadError::Bad(problem)) => {
                return answer_bad_request(conn, handler, &problem, head_only);
            }
        };
        let keep_alive = head.keep_alive();
        let request = Request {
            method: head.method,
            target: head.target,
            headers: head.headers,
            body,
            peer: conn.peer,
        };
        // Busy while the handler works: this slot is not given to a newer connection.
        if !guard.busy() {
            return Ending::Quiet;
        }
        let (response, panicked) =
            match panic::catch_unwind(AssertUnwindSafe(|| handler.handle(&request))) {
                Ok(response) => (response, false),
                Err(_) => (internal_error(), true),
            };
        guard.waiting();
        let handler_closes = response
            .header("connection")
            .is_some_and(|v| v.split(',').any(|t| t.trim().eq_ignore_ascii_case("close")));
        let close = !keep_alive
            || panicked
            || handler_closes
            || !response.delivery.keeps_connection()
            || guard.stopping();
        if write_response(conn.io, &response, head_only, close).is_err() {
            return Ending::Quiet;
        }
        match response.delivery {
            Delivery::Reset => return Ending::Reset,
            Delivery::Drop => return Ending::Silent,
            _ if close => return Ending::Graceful,
            _ => {}
        }
    }
}

/// Answers a request that broke a rule, then ends the connection: after a framing error we can
/// no longer tell where the next request would start.
fn answer_bad_request(
    conn: &mut Conn<'_>,
    handler: &dyn Handler,
    problem: &BadRequest,
    head_only: bool,
) -> Ending {
    let peer = conn.peer;
    let response = panic::catch_unwind(AssertUnwindSafe(|| handler.bad_request(peer, problem)))
        .unwrap_or_else(|_| {
            Response::new(problem.status())
                .with_header("Content-Type", "text/plain")
                .with_body(format!("{problem}\n"))
        });
    if write_response(conn.io, &response, head_only, true).is_err() {
        return Ending::Quiet;
    }
    match response.delivery {
        Delivery::Reset => Ending::Reset,
        Delivery::Drop => Ending::Silent,
        _ => Ending::Graceful,
    }
}

/// What a handler panic turns into; plain text because the handler that would format an
/// OSS error is the very thing that failed.
fn internal_error() -> Response {
    Response::new(500)
        .with_header("Content-Type", "text/plain")
        .with_body("internal server error: the request handler panicked\n")
}

/// Sends FIN, then reads and discards for a short while (`time`): closing a socket with unread
/// data makes the kernel send a RST, which can destroy the response before the client has read it.
pub(super) fn lingering_close(mut stream: &TcpStream, time: Duration) {
    if stream.shutdown(Shutdown::Write).is_err() {
        return;
    }
    let deadline = Instant::now() + time;
    let mut scratch = [0u8; 8192];
    let mut drained = 0usize;
    while drained < LINGER_MAX_BYTES {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return;
        }
        match stream.read(&mut scratch) {
            Ok(0) => return,
            Ok(n) => drained += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return,
        }
    }
}

/// Makes the next close of the socket send a RST instead of a FIN.
#[cfg(unix)]
fn set_linger_zero(stream: &TcpStream) -> io::Result<()> {
    use std::os::fd::AsRawFd;
    let linger = libc::linger {
        l_onoff: 1,
        l_linger: 0,
    };
    // SAFETY: the fd is open for the lifetime of `stream`, and the option value is a properly
    // initialised `linger` whose exact size is passed along.
    let rc = unsafe {
        libc::setsockopt(
            stream.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            (&raw const linger).cast::<libc::c_void>(),
            std::mem::size_of::<libc::linger>() as libc::socklen_t,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Without SO_LINGER support the closest we can do is an abrupt close.
#[cfg(not(unix))]
fn set_linger_zero(stream: &TcpStream) -> io::Result<()> {
    stream.shutdown(Shutdown::Both)
}
