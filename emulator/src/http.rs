//! A small HTTP/1.1 server over std::net: one thread per connection, keep-alive, and the
//! ability to answer badly on purpose (see [`crate::faults`]).
//!
//! It is hand-written on top of `httparse` rather than taken from a server crate because the
//! emulator must be able to misbehave on the wire (stall mid-body, truncate, lie about the
//! length, reset the connection) and must keep direct access to each socket, so that RTMP and
//! HTTP share one port: each connection's first byte decides (0x03 is an RTMP handshake).
//!
//! With a [`TlsAcceptor`] ([`Server::start_tls`]) every connection is HTTPS: the handshake
//! runs first, then the same code serves HTTP over the TLS session, faults included
//! (a [`Delivery::Reset`] still resets the TCP connection underneath).

use std::collections::HashMap;
use std::fmt;
use std::io::{self, Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crate::tls::{self, Handshake, TlsAcceptor};

/// Long enough for any real client on a loopback or LAN link, short enough that a client
/// which never reads cannot pin a connection thread forever.
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a closing connection keeps reading (and discarding) what the client still sends,
/// so that the kernel does not answer unread data with a RST that would destroy our response.
const LINGER_TIME: Duration = Duration::from_secs(2);
/// Upper bound of what a lingering close is willing to discard.
const LINGER_MAX_BYTES: usize = 1 << 20;
/// A chunk-size line is a few hex digits plus optional extensions; anything longer is abuse.
const MAX_CHUNK_LINE: usize = 4096;
/// Size of one socket read.
const READ_CHUNK: usize = 16 * 1024;
/// How long shutdown waits for its wake-up connection to the listener.
const WAKE_TIMEOUT: Duration = Duration::from_secs(1);

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
    fn keeps_connection(self) -> bool {
        matches!(self, Delivery::Normal | Delivery::StallBody(_))
    }
}

/// The application behind the server.
pub trait Handler: Send + Sync + 'static {
    /// Answers one well-formed request.
    fn handle(&self, req: &Request) -> Response;
    /// Answers a request that could not be parsed (malformed request line/headers, head too large,
    /// body over the limit, bad Content-Length, unsupported Transfer-Encoding...). The connection is closed after it.
    fn bad_request(&self, peer: SocketAddr, problem: &BadRequest) -> Response;
}

/// Serves connections that speak RTMP instead of HTTP (their first byte is `0x03`, the RTMP
/// version; HTTP starts with a letter and TLS with `0x16`).
pub trait RtmpHandler: Send + Sync + 'static {
    /// Serves one RTMP connection until it ends; nothing has been read from `stream` yet.
    /// The server closes the socket when this returns.
    fn serve(&self, stream: &TcpStream, peer: SocketAddr);
}

/// Why a request was refused before reaching [`Handler::handle`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BadRequest {
    /// The request line plus headers exceed [`Limits::max_head_bytes`] (or the trailers of a
    /// chunked body do).
    HeadTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// More header fields than [`Limits::max_headers`].
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
    /// The body (declared or decoded) is larger than [`Limits::max_body_bytes`].
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

/// Bounds that keep one client from exhausting the emulator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest request line plus headers (and largest chunked trailer section), default 64 KiB.
    pub max_head_bytes: usize,
    /// Most header fields in one request, default 100.
    pub max_headers: usize,
    /// Largest request body, declared or decoded, default 1 MiB.
    pub max_body_bytes: usize,
    /// How long a keep-alive connection may wait for the next request, default 60 s.
    pub idle_timeout: Duration,
    /// How long a request may take to arrive completely once its first byte came, default 30 s.
    /// It bounds the whole request rather than each read so that a client trickling one byte
    /// at a time cannot hold a thread indefinitely.
    pub read_timeout: Duration,
    /// Most connections open at once; extra ones are accepted and closed at once. Default 1024.
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_head_bytes: 64 * 1024,
            max_headers: 100,
            max_body_bytes: 1024 * 1024,
            idle_timeout: Duration::from_secs(60),
            read_timeout: Duration::from_secs(30),
            max_connections: 1024,
        }
    }
}

/// A running server: an accept thread plus one thread per connection.
///
/// Dropping it shuts it down like [`Server::shutdown`].
pub struct Server {
    local_addr: SocketAddr,
    shared: Arc<Shared>,
    accept_thread: Option<JoinHandle<()>>,
}

impl Server {
    /// Starts serving `listener` on a new accept thread.
    pub fn start(
        listener: TcpListener,
        handler: Arc<dyn Handler>,
        limits: Limits,
    ) -> io::Result<Server> {
        let routes = Routes {
            http: Some(handler),
            tls: None,
            rtmp: None,
        };
        Server::spawn(listener, routes, limits)
    }

    /// Like [`start`](Self::start), serving HTTPS: each connection first completes a TLS
    /// handshake (within [`Limits::read_timeout`]); one that fails is closed.
    pub fn start_tls(
        listener: TcpListener,
        handler: Arc<dyn Handler>,
        limits: Limits,
        tls: TlsAcceptor,
    ) -> io::Result<Server> {
        let routes = Routes {
            http: Some(handler),
            tls: Some(Arc::new(tls)),
            rtmp: None,
        };
        Server::spawn(listener, routes, limits)
    }

    /// Like [`start`](Self::start) (or [`start_tls`](Self::start_tls) with `tls`), sharing
    /// the port with RTMP: each connection's first byte is peeked (waiting at most
    /// [`Limits::idle_timeout`]) and a connection starting with `0x03` goes to `rtmp`.
    pub fn start_shared(
        listener: TcpListener,
        handler: Arc<dyn Handler>,
        limits: Limits,
        tls: Option<TlsAcceptor>,
        rtmp: Arc<dyn RtmpHandler>,
    ) -> io::Result<Server> {
        let routes = Routes {
            http: Some(handler),
            tls: tls.map(Arc::new),
            rtmp: Some(rtmp),
        };
        Server::spawn(listener, routes, limits)
    }

    /// Serves only RTMP on `listener`: every connection goes to `rtmp`.
    pub fn start_rtmp(
        listener: TcpListener,
        rtmp: Arc<dyn RtmpHandler>,
        limits: Limits,
    ) -> io::Result<Server> {
        let routes = Routes {
            http: None,
            tls: None,
            rtmp: Some(rtmp),
        };
        Server::spawn(listener, routes, limits)
    }

    fn spawn(listener: TcpListener, routes: Routes, limits: Limits) -> io::Result<Server> {
        let routes = Arc::new(routes);
        let local_addr = listener.local_addr()?;
        listener.set_nonblocking(false)?;
        let shared = Arc::new(Shared {
            stopping: AtomicBool::new(false),
            conns: Mutex::new(Conns {
                next_id: 0,
                open: HashMap::new(),
            }),
        });
        let accept_shared = Arc::clone(&shared);
        let accept_thread = thread::Builder::new()
            .name("osslive-http-accept".into())
            .spawn(move || accept_loop(listener, routes, limits, accept_shared))?;
        Ok(Server {
            local_addr,
            shared,
            accept_thread: Some(accept_thread),
        })
    }

    /// The address the listener is bound to (with the real port when bound to port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Stops accepting, closes idle keep-alive connections and joins the accept thread.
    ///
    /// Connections in the middle of a request finish it and then close; they are not waited for.
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        let Some(accept_thread) = self.accept_thread.take() else {
            return;
        };
        self.shared.stopping.store(true, Ordering::SeqCst);
        // accept() has no timeout, so the only portable way to wake it is a connection.
        let ip = match self.local_addr.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
            ip => ip,
        };
        let woke =
            TcpStream::connect_timeout(&SocketAddr::new(ip, self.local_addr.port()), WAKE_TIMEOUT);
        self.shared.interrupt_idle();
        // Without the wake-up the join could block until some client connects; detaching the
        // thread is the lesser evil (it exits on its next accept).
        if woke.is_ok() {
            let _ = accept_thread.join();
        }
        // Connections registered while we were stopping see the flag when they go idle.
        self.shared.interrupt_idle();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Server")
            .field("local_addr", &self.local_addr)
            .finish_non_exhaustive()
    }
}

/// State shared between the server handle, the accept thread and the connection threads.
struct Shared {
    stopping: AtomicBool,
    conns: Mutex<Conns>,
}

struct Conns {
    next_id: u64,
    open: HashMap<u64, ConnEntry>,
}

struct ConnEntry {
    /// A duplicate of the connection's socket, used only to interrupt an idle read at shutdown;
    /// `None` if the duplication failed (the connection then just idles out).
    stream: Option<TcpStream>,
    idle: Arc<AtomicBool>,
}

impl Shared {
    fn conns(&self) -> MutexGuard<'_, Conns> {
        // Nothing that runs under this lock can leave the map inconsistent, so poisoning is moot.
        self.conns.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Registers a new connection unless the limit is reached.
    fn register(self: &Arc<Self>, stream: &TcpStream, max_connections: usize) -> Option<ConnGuard> {
        let mut conns = self.conns();
        if conns.open.len() >= max_connections {
            return None;
        }
        let id = conns.next_id;
        conns.next_id += 1;
        let idle = Arc::new(AtomicBool::new(false));
        conns.open.insert(
            id,
            ConnEntry {
                stream: stream.try_clone().ok(),
                idle: Arc::clone(&idle),
            },
        );
        Some(ConnGuard {
            shared: Arc::clone(self),
            id,
            idle,
        })
    }

    /// Wakes every connection blocked waiting for its next request, so it closes now.
    fn interrupt_idle(&self) {
        let conns = self.conns();
        for entry in conns.open.values() {
            if let (true, Some(stream)) = (entry.idle.load(Ordering::SeqCst), &entry.stream) {
                // A blocked read then returns end-of-file.
                let _ = stream.shutdown(Shutdown::Read);
            }
        }
    }
}

/// A connection's registration; dropping it frees the connection slot and the duplicated socket.
pub(crate) struct ConnGuard {
    shared: Arc<Shared>,
    id: u64,
    idle: Arc<AtomicBool>,
}

impl ConnGuard {
    /// Marks the connection idle; false if the server is stopping and the connection should close.
    ///
    /// Setting the flag before reading `stopping` (and `stop` doing the reverse) guarantees that
    /// either this connection sees the flag or `interrupt_idle` sees this connection.
    fn enter_idle(&self) -> bool {
        self.idle.store(true, Ordering::SeqCst);
        if self.shared.stopping.load(Ordering::SeqCst) {
            self.idle.store(false, Ordering::SeqCst);
            return false;
        }
        true
    }

    fn leave_idle(&self) {
        self.idle.store(false, Ordering::SeqCst);
    }

    fn stopping(&self) -> bool {
        self.shared.stopping.load(Ordering::SeqCst)
    }
}

impl Drop for ConnGuard {
    fn drop(&mut self) {
        self.shared.conns().open.remove(&self.id);
    }
}

/// Where the connections of one listener go.
struct Routes {
    /// HTTP(S) requests; `None` on an RTMP-only listener.
    http: Option<Arc<dyn Handler>>,
    /// Serve HTTPS rather than HTTP.
    tls: Option<Arc<TlsAcceptor>>,
    /// RTMP connections; `None` when the listener serves HTTP only.
    rtmp: Option<Arc<dyn RtmpHandler>>,
}

/// The first byte of every RTMP connection (the protocol version).
const RTMP_VERSION: u8 = 0x03;

fn accept_loop(listener: TcpListener, routes: Arc<Routes>, limits: Limits, shared: Arc<Shared>) {
    loop {
        let accepted = listener.accept();
        if shared.stopping.load(Ordering::SeqCst) {
            break;
        }
        match accepted {
            Ok((stream, peer)) => {
                // Over the limit: dropping the stream closes it right away.
                let Some(guard) = shared.register(&stream, limits.max_connections) else {
                    continue;
                };
                let routes = Arc::clone(&routes);
                // If the thread cannot be spawned the closure is dropped, which closes the
                // stream and frees the slot; the client sees a closed connection.
                let _ = thread::Builder::new()
                    .name("osslive-http-conn".into())
                    .spawn(move || route_connection(stream, peer, &routes, &limits, guard));
            }
            Err(e) => match e.kind() {
                io::ErrorKind::Interrupted
                | io::ErrorKind::ConnectionAborted
                | io::ErrorKind::ConnectionReset => {}
                // Typically out of file descriptors: back off instead of spinning.
                _ => thread::sleep(Duration::from_millis(10)),
            },
        }
    }
}

/// Hands a new connection to HTTP or RTMP, after its first byte when the port is shared.
fn route_connection(
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
            Some(RTMP_VERSION) => rtmp,
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
    rtmp.serve(&stream, peer);
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

/// What a connection reads requests from and writes answers to: the socket itself, or a
/// TLS session over it.
trait Io: Read + Write {}

impl<T: Read + Write> Io for T {}

/// Serves one HTTP or HTTPS connection until it closes.
///
/// This is the per-connection entry point, kept separate from the accept loop so that a router
/// can look at the first bytes of a connection (for example to tell RTMP from HTTP) and hand the
/// socket over. Bytes only peeked at are still read by this function. With `tls` the TLS
/// handshake runs first, here on the connection's thread.
pub(crate) fn handle_connection(
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
        Ending::Graceful | Ending::Silent => lingering_close(&stream),
        Ending::Reset => {
            let _ = set_linger_zero(&stream);
        }
    }
    drop(stream);
}

/// The parsed request line and headers.
struct Head {
    method: String,
    target: String,
    /// Minor version: 0 for HTTP/1.0, 1 for HTTP/1.1.
    version: u8,
    headers: Vec<(String, String)>,
}

impl Head {
    fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn has_token(&self, name: &str, token: &str) -> bool {
        self.values(name)
            .flat_map(|v| v.split(','))
            .any(|t| t.trim().eq_ignore_ascii_case(token))
    }

    fn keep_alive(&self) -> bool {
        if self.has_token("connection", "close") {
            false
        } else {
            self.version >= 1 || self.has_token("connection", "keep-alive")
        }
    }
}

/// How the request body is delimited.
#[derive(Debug, PartialEq, Eq)]
enum Framing {
    Empty,
    Length(usize),
    Chunked,
}

/// Why reading a request stopped.
enum ReadError {
    /// End of file, timeout or I/O error: close without answering.
    Closed,
    /// The request breaks a rule: answer through [`Handler::bad_request`] and close.
    Bad(BadRequest),
}

impl From<BadRequest> for ReadError {
    fn from(problem: BadRequest) -> Self {
        ReadError::Bad(problem)
    }
}

/// One connection's stream and the bytes read from it but not consumed yet (the start of a
/// pipelined request may already be there).
struct Conn<'a> {
    /// Where requests come from and answers go: the socket, or the TLS session over it.
    io: &'a mut dyn Io,
    /// The TCP socket underneath, for its timeouts.
    socket: &'a TcpStream,
    buf: Vec<u8>,
    limits: &'a Limits,
    peer: SocketAddr,
}

impl<'a> Conn<'a> {
    fn new(
        io: &'a mut dyn Io,
        socket: &'a TcpStream,
        limits: &'a Limits,
        peer: SocketAddr,
    ) -> Conn<'a> {
        Conn {
            io,
            socket,
            buf: Vec::new(),
            limits,
            peer,
        }
    }

    /// Reads once into the buffer, waiting at most `timeout`.
    fn read_some(&mut self, timeout: Duration) -> Result<(), ReadError> {
        if timeout.is_zero() || self.socket.set_read_timeout(Some(timeout)).is_err() {
            return Err(ReadError::Closed);
        }
        let mut chunk = [0u8; READ_CHUNK];
        loop {
            match self.io.read(&mut chunk) {
                Ok(0) => return Err(ReadError::Closed),
                Ok(n) => {
                    self.buf.extend_from_slice(&chunk[..n]);
                    return Ok(());
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(_) => return Err(ReadError::Closed),
            }
        }
    }

    fn fill(&mut self, deadline: Instant) -> Result<(), ReadError> {
        self.read_some(deadline.saturating_duration_since(Instant::now()))
    }

    fn fill_to(&mut self, len: usize, deadline: Instant) -> Result<(), ReadError> {
        while self.buf.len() < len {
            self.fill(deadline)?;
        }
        Ok(())
    }

    /// Reads the next request head; returns it with the deadline for the rest of the request.
    fn read_head(&mut self, guard: &ConnGuard) -> Result<(Head, Instant), ReadError> {
        let mut deadline = None;
        loop {
            if self.buf.is_empty() {
                if !guard.enter_idle() {
                    return Err(ReadError::Closed);
                }
                let read = self.read_some(self.limits.idle_timeout);
                guard.leave_idle();
                read?;
                continue;
            }
            let deadline =
                *deadline.get_or_insert_with(|| Instant::now() + self.limits.read_timeout);
            if let Some((head, len)) = parse_head(&self.buf, self.limits)? {
                self.buf.drain(..len);
                return Ok((head, deadline));
            }
            if self.buf.len() > self.limits.max_head_bytes {
                return Err(BadRequest::HeadTooLarge {
                    limit: self.limits.max_head_bytes,
                }
                .into());
            }
            self.fill(deadline)?;
        }
    }

    fn read_body(&mut self, framing: &Framing, deadline: Instant) -> Result<Vec<u8>, ReadError> {
        match *framing {
            Framing::Empty => Ok(Vec::new()),
            Framing::Length(len) => {
                self.fill_to(len, deadline)?;
                let rest = self.buf.split_off(len);
                Ok(std::mem::replace(&mut self.buf, rest))
            }
            Framing::Chunked => self.read_chunked(deadline),
        }
    }

    /// Reads one line (LF or CRLF terminated) and returns it without the terminator.
    fn read_line(
        &mut self,
        max: usize,
        deadline: Instant,
        too_long: BadRequest,
    ) -> Result<Vec<u8>, ReadError> {
        loop {
            if let Some(end) = self.buf.iter().position(|&b| b == b'\n') {
                let mut line: Vec<u8> = self.buf.drain(..=end).collect();
                line.pop();
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                return Ok(line);
            }
            if self.buf.len() > max {
                return Err(too_long.into());
            }
            self.fill(deadline)?;
        }
    }

    fn read_chunked(&mut self, deadline: Instant) -> Result<Vec<u8>, ReadError> {
        let max_body = self.limits.max_body_bytes;
        let mut body = Vec::new();
        loop {
            let too_long = BadRequest::MalformedChunkedBody {
                reason: "chunk-size line is too long",
            };
            let line = self.read_line(MAX_CHUNK_LINE, deadline, too_long)?;
            let size_end = line.iter().position(|&b| b == b';').unwrap_or(line.len());
            let digits = line[..size_end].trim_ascii();
            if digits.is_empty() || !digits.iter().all(u8::is_ascii_hexdigit) {
                return Err(BadRequest::MalformedChunkedBody {
                    reason: "chunk size is not a hexadecimal number",
                }
                .into());
            }
            // Only hex digits remain, so the parse can fail only by overflowing, i.e. too large.
            let size = std::str::from_utf8(digits)
                .ok()
                .and_then(|s| u64::from_str_radix(s, 16).ok())
                .and_then(|size| usize::try_from(size).ok())
                .filter(|&size| size <= max_body - body.len())
                .ok_or(BadRequest::BodyTooLarge { limit: max_body })?;
            if size == 0 {
                break;
            }
            self.fill_to(size + 2, deadline)?;
            if &self.buf[size..size + 2] != b"\r\n" {
                return Err(BadRequest::MalformedChunkedBody {
                    reason: "chunk data is not followed by CRLF",
                }
                .into());
            }
            body.extend_from_slice(&self.buf[..size]);
            self.buf.drain(..size + 2);
        }
        // Trailers are read and ignored; they still count against the head limit.
        let limit = self.limits.max_head_bytes;
        let mut trailer_bytes = 0usize;
        loop {
            let line = self.read_line(limit, deadline, BadRequest::HeadTooLarge { limit })?;
            if line.is_empty() {
                return Ok(body);
            }
            trailer_bytes += line.len() + 2;
            if trailer_bytes > limit {
                return Err(BadRequest::HeadTooLarge { limit }.into());
            }
        }
    }
}

/// Parses a request head from the start of `buf`; `None` if more bytes are needed.
fn parse_head(buf: &[u8], limits: &Limits) -> Result<Option<(Head, usize)>, BadRequest> {
    let mut slots = vec![httparse::EMPTY_HEADER; limits.max_headers];
    let mut req = httparse::Request::new(&mut slots);
    let len = match req.parse(buf) {
        Ok(httparse::Status::Partial) => return Ok(None),
        Ok(httparse::Status::Complete(len)) => len,
        Err(httparse::Error::TooManyHeaders) => {
            return Err(BadRequest::TooManyHeaders {
                limit: limits.max_headers,
            });
        }
        Err(e) => {
            return Err(BadRequest::Malformed {
                detail: e.to_string(),
            });
        }
    };
    if len > limits.max_head_bytes {
        return Err(BadRequest::HeadTooLarge {
            limit: limits.max_head_bytes,
        });
    }
    let (Some(method), Some(target), Some(version)) = (req.method, req.path, req.version) else {
        // A complete parse always fills these; stay defensive rather than unwrap.
        return Err(BadRequest::Malformed {
            detail: "incomplete request line".into(),
        });
    };
    let mut headers = Vec::with_capacity(req.headers.len());
    for h in req.headers.iter() {
        let value = std::str::from_utf8(h.value).map_err(|_| BadRequest::HeaderNotUtf8 {
            name: shorten(h.name),
        })?;
        headers.push((h.name.to_string(), value.to_string()));
    }
    Ok(Some((
        Head {
            method: method.to_string(),
            target: target.to_string(),
            version,
            headers,
        },
        len,
    )))
}

/// Keeps client-supplied text in error messages short.
fn shorten(s: &str) -> String {
    const MAX: usize = 64;
    match s.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}...", &s[..cut]),
        None => s.to_string(),
    }
}

/// Decides how the body is delimited, enforcing the framing rules and the body limit.
fn framing(head: &Head, limits: &Limits) -> Result<Framing, BadRequest> {
    let mut length: Option<u64> = None;
    for value in head.values("content-length") {
        let value = value.trim_matches([' ', '\t']);
        if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
            return Err(BadRequest::InvalidContentLength {
                value: shorten(value),
            });
        }
        // All digits, so a parse failure is an overflow: larger than any limit anyway.
        let parsed = value.parse::<u64>().unwrap_or(u64::MAX);
        match length {
            Some(previous) if previous != parsed => {
                return Err(BadRequest::ConflictingContentLength);
            }
            _ => length = Some(parsed),
        }
    }
    let encodings: Vec<&str> = head.values("transfer-encoding").collect();
    if !encodings.is_empty() {
        if length.is_some() {
            return Err(BadRequest::ContentLengthWithTransferEncoding);
        }
        let joined = encodings.join(", ");
        let mut codings = joined.split(',').map(str::trim).filter(|t| !t.is_empty());
        let only_chunked = codings
            .next()
            .is_some_and(|t| t.eq_ignore_ascii_case("chunked"))
            && codings.next().is_none();
        if !only_chunked {
            return Err(BadRequest::UnsupportedTransferEncoding {
                value: shorten(&joined),
            });
        }
        return Ok(Framing::Chunked);
    }
    match length {
        None | Some(0) => Ok(Framing::Empty),
        Some(len) => match usize::try_from(len) {
            Ok(len) if len <= limits.max_body_bytes => Ok(Framing::Length(len)),
            _ => Err(BadRequest::BodyTooLarge {
                limit: limits.max_body_bytes,
            }),
        },
    }
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
        let (response, panicked) =
            match panic::catch_unwind(AssertUnwindSafe(|| handler.handle(&request))) {
                Ok(response) => (response, false),
                Err(_) => (internal_error(), true),
            };
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

fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// Writes a response according to its [`Delivery`].
fn write_response(
    stream: &mut dyn Io,
    response: &Response,
    head_only: bool,
    close: bool,
) -> io::Result<()> {
    if matches!(response.delivery, Delivery::Drop | Delivery::Reset) {
        return Ok(());
    }
    let status = if (100..=999).contains(&response.status) {
        response.status
    } else {
        500
    };
    // RFC 9110: 1xx, 204 and 304 responses never carry a body, and 1xx and 204 must not carry
    // Content-Length; a 304's Content-Length would describe the cached representation, which we
    // do not know, so it is left out too.
    let bodiless_status = status < 200 || status == 204 || status == 304;
    let mut out = Vec::with_capacity(256 + response.body.len());
    let _ = write!(out, "HTTP/1.1 {status} {}\r\n", reason_phrase(status));
    let mut declared_length: Option<u64> = None;
    for (name, value) in &response.headers {
        if name.eq_ignore_ascii_case("content-length") {
            declared_length = value.trim().parse().ok();
            continue;
        }
        if name.eq_ignore_ascii_case("connection")
            || name.eq_ignore_ascii_case("transfer-encoding")
            || name.is_empty()
            || !name.bytes().all(is_token_byte)
        {
            continue;
        }
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b": ");
        // A CR or LF in a value would let it forge headers or a second response.
        out.extend(
            value
                .bytes()
                .map(|b| if b == b'\r' || b == b'\n' { b' ' } else { b }),
        );
        out.extend_from_slice(b"\r\n");
    }
    let body: &[u8] = if head_only || bodiless_status {
        &[]
    } else {
        &response.body
    };
    if !bodiless_status {
        let length = match response.delivery {
            Delivery::WrongContentLength => response.body.len() as u64 + 100,
            _ if head_only => declared_length.unwrap_or(response.body.len() as u64),
            _ => response.body.len() as u64,
        };
        let _ = write!(out, "Content-Length: {length}\r\n");
    }
    out.extend_from_slice(if close {
        b"Connection: close\r\n\r\n"
    } else {
        b"Connection: keep-alive\r\n\r\n"
    });
    match response.delivery {
        Delivery::StallBody(delay) => {
            let half = body.len() / 2;
            out.extend_from_slice(&body[..half]);
            stream.write_all(&out)?;
            stream.flush()?;
            thread::sleep(delay);
            stream.write_all(&body[half..])?;
            stream.flush()
        }
        Delivery::Truncated => {
            out.extend_from_slice(&body[..body.len() / 2]);
            stream.write_all(&out)?;
            stream.flush()
        }
        Delivery::Normal | Delivery::WrongContentLength | Delivery::Drop | Delivery::Reset => {
            out.extend_from_slice(body);
            stream.write_all(&out)?;
            stream.flush()
        }
    }
}

/// Sends FIN, then reads and discards for a short while: closing a socket with unread data makes
/// the kernel send a RST, which can destroy the response before the client has read it.
fn lingering_close(mut stream: &TcpStream) {
    if stream.shutdown(Shutdown::Write).is_err() {
        return;
    }
    let deadline = Instant::now() + LINGER_TIME;
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

/// The reason phrase for a status code; a generic one for the class when the code is unusual.
pub fn reason_phrase(status: u16) -> &'static str {
    let known = match status {
        100 => Some("Continue"),
        101 => Some("Switching Protocols"),
        200 => Some("OK"),
        201 => Some("Created"),
        202 => Some("Accepted"),
        203 => Some("Non-Authoritative Information"),
        204 => Some("No Content"),
        205 => Some("Reset Content"),
        206 => Some("Partial Content"),
        300 => Some("Multiple Choices"),
        301 => Some("Moved Permanently"),
        302 => Some("Found"),
        303 => Some("See Other"),
        304 => Some("Not Modified"),
        307 => Some("Temporary Redirect"),
        308 => Some("Permanent Redirect"),
        400 => Some("Bad Request"),
        401 => Some("Unauthorized"),
        402 => Some("Payment Required"),
        403 => Some("Forbidden"),
        404 => Some("Not Found"),
        405 => Some("Method Not Allowed"),
        406 => Some("Not Acceptable"),
        407 => Some("Proxy Authentication Required"),
        408 => Some("Request Timeout"),
        409 => Some("Conflict"),
        410 => Some("Gone"),
        411 => Some("Length Required"),
        412 => Some("Precondition Failed"),
        413 => Some("Content Too Large"),
        414 => Some("URI Too Long"),
        415 => Some("Unsupported Media Type"),
        416 => Some("Range Not Satisfiable"),
        417 => Some("Expectation Failed"),
        421 => Some("Misdirected Request"),
        422 => Some("Unprocessable Content"),
        426 => Some("Upgrade Required"),
        428 => Some("Precondition Required"),
        429 => Some("Too Many Requests"),
        431 => Some("Request Header Fields Too Large"),
        500 => Some("Internal Server Error"),
        501 => Some("Not Implemented"),
        502 => Some("Bad Gateway"),
        503 => Some("Service Unavailable"),
        504 => Some("Gateway Timeout"),
        505 => Some("HTTP Version Not Supported"),
        _ => None,
    };
    known.unwrap_or(match status {
        100..=199 => "Informational",
        200..=299 => "Success",
        300..=399 => "Redirection",
        400..=499 => "Client Error",
        500..=599 => "Server Error",
        _ => "Unknown",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PATTERN_LEN: usize = 1000;

    /// A recognisable body whose halves differ, to tell a truncation from a full body.
    fn pattern() -> Vec<u8> {
        (0..PATTERN_LEN).map(|i| b'a' + (i % 26) as u8).collect()
    }

    /// Echoes `METHOD TARGET ` plus the body; a few targets misbehave on purpose.
    struct Echo;

    impl Handler for Echo {
        fn handle(&self, req: &Request) -> Response {
            let delivery = match req.target.as_str() {
                "/panic" => panic!("the test handler panics on purpose"),
                "/no-content" => return Response::new(204).with_body("must not be sent"),
                "/deliver/drop" => Delivery::Drop,
                "/deliver/reset" => Delivery::Reset,
                "/deliver/truncated" => Delivery::Truncated,
                "/deliver/wrong-length" => Delivery::WrongContentLength,
                "/deliver/stall" => Delivery::StallBody(Duration::from_millis(250)),
                _ => {
                    let mut body = format!("{} {} ", req.method, req.target).into_bytes();
                    body.extend_from_slice(&req.body);
                    return Response::new(200)
                        .with_header("Content-Type", "text/plain")
                        .with_body(body);
                }
            };
            Response::new(200)
                .with_body(pattern())
                .with_delivery(delivery)
        }

        fn bad_request(&self, _peer: SocketAddr, problem: &BadRequest) -> Response {
            Response::new(problem.status())
                .with_header("Content-Type", "text/plain")
                .with_body(problem.to_string())
        }
    }

    fn start(limits: Limits) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        Server::start(listener, Arc::new(Echo), limits).expect("start")
    }

    fn small_limits() -> Limits {
        Limits {
            max_head_bytes: 1024,
            max_headers: 8,
            max_body_bytes: 64,
            ..Limits::default()
        }
    }

    #[derive(Debug)]
    struct Reply {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    }

    impl Reply {
        fn header(&self, name: &str) -> Option<&str> {
            self.headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        }

        fn content_length(&self) -> usize {
            self.header("content-length")
                .and_then(|v| v.parse().ok())
                .expect("Content-Length")
        }
    }

    struct Client {
        stream: TcpStream,
        buf: Vec<u8>,
    }

    impl Client {
        fn connect(server: &Server) -> Client {
            let stream = TcpStream::connect(server.local_addr()).expect("connect");
            stream
                .set_read_timeout(Some(Duration::from_secs(5)))
                .expect("timeout");
            Client {
                stream,
                buf: Vec::new(),
            }
        }

        fn send(&mut self, bytes: &[u8]) {
            self.stream.write_all(bytes).expect("send");
        }

        /// Reads more bytes into the buffer; 0 at end of file.
        fn read_more(&mut self) -> io::Result<usize> {
            let mut chunk = [0u8; 4096];
            let n = self.stream.read(&mut chunk)?;
            self.buf.extend_from_slice(&chunk[..n]);
            Ok(n)
        }

        /// Reads a response head; returns it and its length, leaving the bytes in the buffer.
        fn head(&mut self) -> (Reply, usize) {
            loop {
                let mut slots = [httparse::EMPTY_HEADER; 32];
                let mut parsed = httparse::Response::new(&mut slots);
                if let httparse::Status::Complete(len) =
                    parsed.parse(&self.buf).expect("response head")
                {
                    let headers = parsed
                        .headers
                        .iter()
                        .map(|h| {
                            (
                                h.name.to_string(),
                                String::from_utf8_lossy(h.value).into_owned(),
                            )
                        })
                        .collect();
                    let status = parsed.code.expect("status");
                    return (
                        Reply {
                            status,
                            headers,
                            body: Vec::new(),
                        },
                        len,
                    );
                }
                assert!(
                    self.read_more().expect("read head") > 0,
                    "EOF before the response head"
                );
            }
        }

        fn response(&mut self, head_only: bool) -> Reply {
            let (mut reply, len) = self.head();
            self.buf.drain(..len);
            if head_only || reply.status < 200 || reply.status == 204 || reply.status == 304 {
                return reply;
            }
            let body_len = reply.content_length();
            while self.buf.len() < body_len {
                assert!(self.read_more().expect("read body") > 0, "EOF in the body");
            }
            reply.body = self.buf.drain(..body_len).collect();
            reply
        }

        fn request(&mut self, raw: &str) -> Reply {
            self.send(raw.as_bytes());
            self.response(raw.starts_with("HEAD "))
        }

        /// Reads everything until end of file; `Err` if the connection is reset.
        fn rest(&mut self) -> io::Result<Vec<u8>> {
            while self.read_more()? > 0 {}
            Ok(std::mem::take(&mut self.buf))
        }

        fn assert_closed(&mut self) {
            let rest = self.rest().expect("clean close");
            assert!(
                rest.is_empty(),
                "unexpected bytes before close: {:?}",
                String::from_utf8_lossy(&rest)
            );
        }
    }

    #[test]
    fn keep_alive_serves_several_requests() {
        let server = start(Limits::default());
        let mut client = Client::connect(&server);
        let first = client.request("GET /one HTTP/1.1\r\nHost: x\r\n\r\n");
        assert_eq!(
            (first.status, first.body.as_slice()),
            (200, &b"GET /one "[..])
        );
        assert_eq!(first.header("connection"), Some("keep-alive"));
        assert_eq!(first.header("content-type"), Some("text/plain"));
        let second =
            client.request("PUT /two?live= HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
        assert_eq!(second.body, b"PUT /two?live= hello");
        let last = client.request("GET /three HTTP/1.1\r\nConnection: close\r\n\r\n");
        assert_eq!(
            (last.status, last.header("connection")),
            (200, Some("close"))
        );
        client.assert_closed();
    }

    #[test]
    fn http_1_0_closes_unless_keep_alive() {
        let server = start(Limits::default());
        let mut client = Client::connect(&server);
        let reply = client.request("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        assert_eq!(reply.header("connection"), Some("keep-alive"));
        let reply = client.request("GET /b HTTP/1.0\r\n\r\n");
        assert_eq!(
            (reply.body.as_slice(), reply.header("connection")),
            (&b"GET /b "[..], Some("close"))
        );
        client.assert_closed();
    }

    #[test]
    fn pipelined_requests_are_answered_in_order() {
        let server = start(Limits::default());
        let mut client = Client::connect(&server);
        client.send(
            b"POST /a HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcGET /b HTTP/1.1\r\n\r\n\
              POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nxy\r\n0\r\n\r\n",
        );
        assert_eq!(client.response(false).body, b"POST /a abc");
        assert_eq!(client.response(false).body, b"GET /b ");
        assert_eq!(client.response(false).body, b"POST /c xy");
    }

    #[test]
    fn chunked_body_is_decoded() {
        let server = start(Limits::default());
        let mut client = Client::connect(&server);
        let reply = client.request(
            "PUT /c HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n\r\n\
             5;name=value\r\nhello\r\nA\r\n, chunked!\r\n0\r\nX-Trailer: ignored\r\n\r\n",
        );
        assert_eq!(reply.body, b"PUT /c hello, chunked!");
        // The connection is still in sync after the trailers.
        assert_eq!(
            client.request("GET /next HTTP/1.1\r\n\r\n").body,
            b"GET /next "
        );
    }

    #[test]
    fn expect_100_continue_is_answered_before_the_body() {
        let server = start(Limits::default());
        let mut client = Client::connect(&server);
        client.send(b"PUT /e HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
        let interim = client.response(false);
        assert_eq!(interim.status, 100);
        client.send(b"body");
        assert_eq!(client.response(false).body, b"PUT /e body");
    }

    #[test]
    fn expect_100_continue_is_not_sent_for_a_refused_body() {
        let server = start(small_limits());
        let mut client = Client::connect(&server);
        client.send(b"PUT /e HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 65\r\n\r\n");
        let reply = client.response(false);
        assert_eq!(reply.status, 413);
        client.assert_closed();
    }

    fn expect_bad(limits: Limits, raw: &[u8], status: u16, message: &str) {
        let server = start(limits);
        let mut client = Client::connect(&server);
        client.send(raw);
        let reply = client.response(false);
        let body = String::from_utf8_lossy(&reply.body);
        assert_eq!(
            (reply.status, body.as_ref()),
            (status, message),
            "for {:?}",
            String::from_utf8_lossy(raw)
        );
        assert_eq!(reply.header("connection"), Some("close"));
        client.assert_closed();
    }

    #[test]
    fn body_over_the_limit_is_refused_without_reading_it() {
        expect_bad(
            small_limits(),
            b"PUT / HTTP/1.1\r\nContent-Length: 65\r\n\r\n",
            413,
            "request body is larger than 64 bytes",
        );
        // A huge declaration must not be allocated.
        expect_bad(
            Limits::default(),
            b"PUT / HTTP/1.1\r\nContent-Length: 1000000000000000000\r\n\r\n",
            413,
            "request body is larger than 1048576 bytes",
        );
        expect_bad(
            Limits::default(),
            b"PUT / HTTP/1.1\r\nContent-Length: 99999999999999999999999999999\r\n\r\n",
            413,
            "request body is larger than 1048576 bytes",
        );
        let mut chunked = b"PUT / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
        for _ in 0..3 {
            chunked.extend_from_slice(b"20\r\n01234567890123456789012345678901\r\n");
        }
        expect_bad(
            small_limits(),
            &chunked,
            413,
            "request body is larger than 64 bytes",
        );
        expect_bad(
            small_limits(),
            b"PUT / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFFFFFFFF\r\n",
            413,
            "request body is larger than 64 bytes",
        );
    }

    #[test]
    fn framing_violations_are_refused() {
        let limits = Limits::default();
        expect_bad(
            limits,
            b"PUT / HTTP/1.1\r\nContent-Length: +5\r\n\r\nhello",
            400,
            "Content-Length \"+5\" is not a plain decimal number",
        );
        expect_bad(
            limits,
            b"PUT / HTTP/1.1\r\nContent-Length: 5, 5\r\n\r\nhello",
            400,
            "Content-Length \"5, 5\" is not a plain decimal number",
        );
        expect_bad(
            limits,
            b"PUT / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
            400,
            "request has several Content-Length headers with different values",
        );
        expect_bad(
            limits,
            b"PUT / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
            400,
            "request has both Content-Length and Transfer-Encoding",
        );
        expect_bad(
            limits,
            b"PUT / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
            501,
            "Transfer-Encoding \"gzip, chunked\" is not supported, only \"chunked\" is",
        );
        expect_bad(
            limits,
            b"PUT / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            400,
            "malformed chunked request body: chunk size is not a hexadecimal number",
        );
        expect_bad(
            limits,
            b"PUT / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcd\r\n",
            400,
            "malformed chunked request body: chunk data is not followed by CRLF",
        );
        // Two equal Content-Length values are harmless.
        let server = start(limits);
        let mut client = Client::connect(&server);
        let reply = client
            .request("PUT /same HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok");
        assert_eq!(reply.body, b"PUT /same ok");
    }

    #[test]
    fn malformed_heads_are_refused() {
        expect_bad(
            Limits::default(),
            b"NOT A REQUEST\r\n\r\n",
            400,
            "malformed request head: invalid HTTP version",
        );
        expect_bad(
            Limits::default(),
            b"GET / HTTP/1.1\r\nBad Header: x\r\n\r\n",
            400,
            "malformed request head: invalid header name",
        );
        expect_bad(
            Limits::default(),
            b"GET / HTTP/1.1\r\nX-Latin1: \xe9t\xe9\r\n\r\n",
            400,
            "value of header X-Latin1 is not valid UTF-8",
        );
        let big = format!("GET / HTTP/1.1\r\nX-Big: {}\r\n\r\n", "v".repeat(2000));
        expect_bad(
            small_limits(),
            big.as_bytes(),
            431,
            "request head is larger than 1024 bytes",
        );
        // Same, without the end of the head ever arriving.
        expect_bad(
            small_limits(),
            &big.as_bytes()[..1500],
            431,
            "request head is larger than 1024 bytes",
        );
        let many: String = (0..9).map(|i| format!("X-{i}: v\r\n")).collect();
        expect_bad(
            small_limits(),
            format!("GET / HTTP/1.1\r\n{many}\r\n").as_bytes(),
            431,
            "request has more than 8 header fields",
        );
    }

    #[test]
    fn head_gets_headers_only() {
        let server = start(Limits::default());
        let mut client = Client::connect(&server);
        let reply = client.request("HEAD /h HTTP/1.1\r\n\r\n");
        assert_eq!(
            (reply.status, reply.content_length()),
            (200, b"HEAD /h ".len())
        );
        // Had a body been sent, it would be parsed as the next response and fail.
        assert_eq!(
            client.request("GET /after HTTP/1.1\r\n\r\n").body,
            b"GET /after "
        );
        let reply = client.request("GET /no-content HTTP/1.1\r\n\r\n");
        assert_eq!((reply.status, reply.header("content-length")), (204, None));
        assert_eq!(
            client.request("GET /again HTTP/1.1\r\n\r\n").body,
            b"GET /again "
        );
    }

    #[test]
    fn delivery_drop_closes_without_a_byte() {
        let server = start(Limits::default());
        let mut client = Client::connect(&server);
        client.send(b"GET /deliver/drop HTTP/1.1\r\n\r\n");
        client.assert_closed();
    }

    #[test]
    fn delivery_reset_resets_the_connection() {
        let server = start(Limits::default());
        let mut client = Client::connect(&server);
        client.send(b"GET /deliver/reset HTTP/1.1\r\n\r\n");
        match client.rest() {
            Err(e) => assert_eq!(e.kind(), io::ErrorKind::ConnectionReset),
            Ok(bytes) => assert!(
                bytes.is_empty(),
                "reset connection sent {} bytes",
                bytes.len()
            ),
        }
    }

    #[test]
    fn delivery_truncated_sends_half_the_body() {
        let server = start(Limits::default());
        let mut client = Client::connect(&server);
        client.send(b"GET /deliver/truncated HTTP/1.1\r\n\r\n");
        let (reply, head_len) = client.head();
        assert_eq!(
            (reply.content_length(), reply.header("connection")),
            (PATTERN_LEN, Some("close"))
        );
        let rest = client.rest().expect("clean close");
        assert_eq!(&rest[head_len..], &pattern()[..PATTERN_LEN / 2]);
    }

    #[test]
    fn delivery_wrong_content_length_overstates_the_length() {
        let server = start(Limits::default());
        let mut client = Client::connect(&server);
        client.send(b"GET /deliver/wrong-length HTTP/1.1\r\n\r\n");
        let (reply, head_len) = client.head();
        assert_eq!(reply.content_length(), PATTERN_LEN + 100);
        let rest = client.rest().expect("clean close");
        assert_eq!(&rest[head_len..], pattern().as_slice());
    }

    #[test]
    fn delivery_stall_body_sends_the_second_half_late() {
        let server = start(Limits::default());
        let mut client = Client::connect(&server);
        let sent = Instant::now();
        client.send(b"GET /deliver/stall HTTP/1.1\r\n\r\n");
        let (reply, head_len) = client.head();
        let total = head_len + reply.content_length();
        let mut seen_half = false;
        while client.buf.len() < total {
            if client.buf.len() == head_len + PATTERN_LEN / 2 {
                seen_half = true;
            }
            assert!(client.read_more().expect("read") > 0);
        }
        assert!(seen_half, "the first half arrived on its own");
        assert!(
            sent.elapsed() >= Duration::from_millis(250),
            "the second half waited for the stall"
        );
        assert_eq!(&client.buf[head_len..], pattern().as_slice());
        assert_eq!(reply.header("connection"), Some("keep-alive"));
        client.buf.clear();
        assert_eq!(
            client.request("GET /after HTTP/1.1\r\n\r\n").body,
            b"GET /after "
        );
    }

    #[test]
    fn handler_panic_answers_500_and_the_server_survives() {
        let server = start(Limits::default());
        let mut client = Client::connect(&server);
        let reply = client.request("GET /panic HTTP/1.1\r\n\r\n");
        assert_eq!(
            (reply.status, reply.header("connection")),
            (500, Some("close"))
        );
        client.assert_closed();
        let mut client = Client::connect(&server);
        assert_eq!(client.request("GET /fine HTTP/1.1\r\n\r\n").status, 200);
    }

    #[test]
    fn idle_and_partial_requests_time_out() {
        let limits = Limits {
            idle_timeout: Duration::from_millis(150),
            read_timeout: Duration::from_millis(150),
            ..Limits::default()
        };
        let server = start(limits);
        let mut idle = Client::connect(&server);
        assert_eq!(idle.request("GET / HTTP/1.1\r\n\r\n").status, 200);
        let mut partial = Client::connect(&server);
        partial.send(b"GET / HTTP/1.1\r\nHost:");
        let started = Instant::now();
        idle.assert_closed();
        partial.assert_closed();
        assert!(started.elapsed() < Duration::from_secs(2));
    }

    #[test]
    fn connections_over_the_limit_are_closed() {
        let server = start(Limits {
            max_connections: 1,
            ..Limits::default()
        });
        let mut first = Client::connect(&server);
        assert_eq!(first.request("GET / HTTP/1.1\r\n\r\n").status, 200);
        let mut extra = Client::connect(&server);
        extra.send(b"GET / HTTP/1.1\r\n\r\n");
        assert!(
            extra.rest().map_or(true, |bytes| bytes.is_empty()),
            "the extra connection got an answer"
        );
        drop(first);
        // The slot frees once the server notices the close.
        let deadline = Instant::now() + Duration::from_secs(3);
        loop {
            let mut again = Client::connect(&server);
            again.send(b"GET /again HTTP/1.1\r\nConnection: close\r\n\r\n");
            let mut got = Vec::new();
            let _ = again.stream.read_to_end(&mut got);
            if !got.is_empty() {
                assert!(got.starts_with(b"HTTP/1.1 200 OK\r\n"));
                break;
            }
            assert!(Instant::now() < deadline, "the slot was never freed");
            thread::sleep(Duration::from_millis(20));
        }
    }

    #[test]
    fn shutdown_is_prompt_and_closes_idle_connections() {
        let server = start(Limits::default());
        let mut client = Client::connect(&server);
        assert_eq!(client.request("GET / HTTP/1.1\r\n\r\n").status, 200);
        let started = Instant::now();
        server.shutdown();
        client.assert_closed();
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "took {:?}",
            started.elapsed()
        );

        // Dropping works the same.
        let server = start(Limits::default());
        let started = Instant::now();
        drop(server);
        assert!(started.elapsed() < Duration::from_secs(1));
    }

    /// xorshift64*: deterministic and good enough to make garbage.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    #[test]
    fn garbage_never_kills_the_server() {
        let limits = Limits {
            read_timeout: Duration::from_millis(500),
            ..small_limits()
        };
        let server = start(limits);
        let seeds: [&[u8]; 4] = [
            b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
            b"PUT /x HTTP/1.1\r\nContent-Length: 4\r\n\r\nbody",
            b"POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
            b"HEAD / HTTP/1.0\r\nExpect: 100-continue\r\n\r\n",
        ];
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for round in 0..200 {
            let mut bytes = seeds[rng.below(seeds.len())].to_vec();
            match round % 3 {
                // Pure noise.
                0 => bytes = (0..rng.below(2048)).map(|_| rng.next() as u8).collect(),
                // A valid request with random bytes flipped.
                1 => {
                    for _ in 0..1 + rng.below(6) {
                        let at = rng.below(bytes.len());
                        bytes[at] = rng.next() as u8;
                    }
                }
                // A valid prefix followed by noise.
                _ => {
                    bytes.truncate(rng.below(bytes.len()));
                    bytes.extend((0..rng.below(512)).map(|_| rng.next() as u8));
                }
            }
            let mut client = Client::connect(&server);
            // The server may close before reading everything; that is fine.
            let _ = client.stream.write_all(&bytes);
            let _ = client.stream.shutdown(Shutdown::Write);
            let _ = client.rest();
        }
        let mut client = Client::connect(&server);
        assert_eq!(
            client.request("GET /still-alive HTTP/1.1\r\n\r\n").body,
            b"GET /still-alive "
        );
    }

    #[test]
    fn bad_request_messages_name_the_rule() {
        assert_eq!(
            BadRequest::HeadTooLarge { limit: 65536 }.to_string(),
            "request head is larger than 65536 bytes"
        );
        let long = "x".repeat(500);
        let problem = framing(
            &Head {
                method: "PUT".into(),
                target: "/".into(),
                version: 1,
                headers: vec![("Content-Length".into(), long)],
            },
            &Limits::default(),
        )
        .expect_err("invalid");
        assert!(
            problem.to_string().len() < 120,
            "client text is shortened: {problem}"
        );
        assert_eq!(reason_phrase(503), "Service Unavailable");
        assert_eq!(reason_phrase(599), "Server Error");
    }
}
