//! Hooks for the fuzz targets in `fuzz/`; **for fuzzing only, not API**.
//!
//! The HTTP server parses requests straight off a `TcpStream` (its parser is private to
//! [`crate::http`] and tied to the socket), so the one honest way to push raw bytes through
//! the same parsing code and then the app is a real loopback connection. [`FuzzServer`]
//! starts one in-process server, gives every input a fresh [`App`] (so that one input's
//! channels and queued faults cannot leak into the next and every crash replays alone),
//! writes the input, half-closes, and reads the answer until the server closes.
//!
//! Two things make random bytes useful here:
//!
//! - **Signing placeholders.** A fuzzer cannot forge an HMAC, so without help every
//!   LiveChannel request stops at the signature check. A request of the input that carries
//!   `Authorization: fuzz-v1` or `Authorization: fuzz-v4` has it replaced with a real
//!   signature (and a current `Date` or `x-oss-date`) for [`ACCESS_KEY_ID`], the way the
//!   SDKs sign, so the operations themselves get exercised, several in a row when they are
//!   pipelined. All other bytes are sent as they are (see [`sign_placeholders`]).
//! - **No slow-by-design faults.** The admin endpoint can queue `stall:MILLIS`,
//!   `stall-body:MILLIS` and `oversized:BYTES` faults, which are slow or huge on purpose;
//!   a fuzzer would report them as hangs or memory blow-ups. After each request the harness
//!   clears the fault queue when it holds a stall over [`MAX_FUZZ_STALL`] or padding over
//!   [`MAX_FUZZ_OVERSIZED`]. Everything else, admin endpoints included, is left as it is.
//!
//! The RTMP side needs no socket: the conversation after the handshake is sans-IO
//! ([`crate::rtmp::protocol::Protocol`]), so [`rtmp_session_input`] feeds bytes to it
//! directly, as the session does.
//!
//! This module is `#[doc(hidden)]`, carries no semver promise and may change with any
//! release.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use crate::app::App;
use crate::auth::{AccessKey, Authority};
use crate::dates::{http_date, v4_datetime};
use crate::faults::Fault;
use crate::http::{BadRequest, Handler, Limits, Request, Response, Server};
use crate::percent;
use crate::rtmp::RtmpLimits;
use crate::rtmp::chunks::{ChunkReader, Message};
use crate::rtmp::protocol::Protocol;
use crate::rtmp_auth::{is_path_style_host, split_host_port};
use crate::store::Store;
use crate::verify::{SignedRequest, v1, v4};
use rml_rtmp::sessions::{ServerSessionEvent, ServerSessionResult};

/// The access key the fuzzing emulator accepts (the one of the oss2 vectors).
pub const ACCESS_KEY_ID: &str = "LTAI5tTestAccessKeyId";
/// Its secret.
pub const ACCESS_KEY_SECRET: &str = "TestAccessKeySecret0123456789abc";
/// The STS token the fuzzing emulator accepts besides plain keys.
pub const SECURITY_TOKEN: &str = "STS.TestSecurityToken+/=";
/// The region V4 signatures must name.
pub const REGION: &str = "cn-hangzhou";

/// Longest `stall`/`stall-body` fault left queued; longer ones would read as hangs.
pub const MAX_FUZZ_STALL: Duration = Duration::from_millis(20);
/// Largest `oversized` padding left queued.
pub const MAX_FUZZ_OVERSIZED: usize = 64 * 1024;
/// How long one exchange may take before the harness calls it a hang (panics).
pub const EXCHANGE_TIMEOUT: Duration = Duration::from_secs(10);

/// The authority of the fuzzing emulator: [`ACCESS_KEY_ID`], [`SECURITY_TOKEN`], [`REGION`].
pub fn authority() -> Authority {
    Authority {
        access_keys: vec![AccessKey {
            id: ACCESS_KEY_ID.to_owned(),
            secret: ACCESS_KEY_SECRET.to_owned(),
        }],
        security_tokens: vec![SECURITY_TOKEN.to_owned()],
        region: REGION.to_owned(),
    }
}

/// The handler the server calls: the current input's app, plus the fault guard.
struct Swappable {
    app: Mutex<Arc<App>>,
}

impl Swappable {
    fn current(&self) -> Arc<App> {
        Arc::clone(&self.app.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

impl Handler for Swappable {
    fn handle(&self, req: &Request) -> Response {
        let app = self.current();
        let response = app.handle(req);
        let slow = app.faults.snapshot().iter().any(|(fault, _)| match fault {
            Fault::Stall(d) | Fault::StallBody(d) => *d > MAX_FUZZ_STALL,
            Fault::Oversized(n) => *n > MAX_FUZZ_OVERSIZED,
            _ => false,
        });
        if slow {
            app.faults.clear();
        }
        response
    }

    fn bad_request(&self, peer: SocketAddr, problem: &BadRequest) -> Response {
        self.current().bad_request(peer, problem)
    }
}

fn fresh_app() -> App {
    let store = Store::open(&[], None).expect("an in-memory store always opens");
    App::new(store, authority(), None)
}

/// An in-process emulator on a loopback port that answers raw request bytes.
pub struct FuzzServer {
    handler: Arc<Swappable>,
    addr: SocketAddr,
    _server: Server,
}

impl FuzzServer {
    /// Starts the server with the default [`Limits`] except short timeouts (the harness
    /// half-closes after writing, so a partial request ends at once anyway).
    pub fn start() -> io::Result<FuzzServer> {
        let handler = Arc::new(Swappable {
            app: Mutex::new(Arc::new(fresh_app())),
        });
        let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))?;
        let limits = Limits {
            idle_timeout: Duration::from_secs(2),
            read_timeout: Duration::from_secs(2),
            ..Limits::default()
        };
        let server = Server::start(listener, handler.clone(), limits)?;
        let addr = server.local_addr();
        Ok(FuzzServer {
            handler,
            addr,
            _server: server,
        })
    }

    /// Sends `input` as the bytes of one connection to a fresh app (after
    /// [`sign_placeholders`]) and returns everything the server wrote back before closing.
    ///
    /// # Panics
    ///
    /// When the server takes longer than [`EXCHANGE_TIMEOUT`] (a hang), or when the
    /// loopback connection itself fails.
    pub fn exchange(&self, input: &[u8]) -> Vec<u8> {
        *self
            .handler
            .app
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Arc::new(fresh_app());
        let input = sign_placeholders(input, SystemTime::now());
        let stream = TcpStream::connect(self.addr).expect("connect to the fuzzing emulator");
        let started = Instant::now();
        let send = |mut w: &TcpStream| {
            // The server may close before reading everything: that is an answer too.
            let _ = w.write_all(&input);
            let _ = w.shutdown(Shutdown::Write);
        };
        let reply = if input.len() <= INLINE_WRITE_MAX {
            send(&stream);
            read_reply(&stream, started)
        } else {
            // The server may answer (and fill the socket buffers) before it has read a
            // large input, so reading must not wait for writing.
            std::thread::scope(|scope| {
                scope.spawn(|| send(&stream));
                read_reply(&stream, started)
            })
        };
        close_abruptly(&stream);
        reply
    }
}

/// Inputs up to this size are written before the answer is read: the loopback socket
/// buffers take them whole, so no writer thread (costly under ASan) is needed.
const INLINE_WRITE_MAX: usize = 32 * 1024;

/// Reads until the server closes, for at most [`EXCHANGE_TIMEOUT`] from `started`.
fn read_reply(mut stream: &TcpStream, started: Instant) -> Vec<u8> {
    let mut reply = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    loop {
        let left = EXCHANGE_TIMEOUT.saturating_sub(started.elapsed());
        assert!(
            !left.is_zero(),
            "the emulator did not finish answering within {EXCHANGE_TIMEOUT:?}"
        );
        stream
            .set_read_timeout(Some(left))
            .expect("set a read timeout");
        match stream.read(&mut chunk) {
            Ok(0) => return reply,
            Ok(n) => reply.extend_from_slice(&chunk[..n]),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::Interrupted
                        | io::ErrorKind::WouldBlock
                        | io::ErrorKind::TimedOut
                ) => {}
            // A reset (the `reset` fault, or a close with unread input) ends it too.
            Err(_) => return reply,
        }
    }
}

/// Closes with a RST so that thousands of short connections leave no TIME_WAIT behind
/// (which would exhaust the loopback's ephemeral ports within a minute of fuzzing).
#[cfg(unix)]
fn close_abruptly(stream: &TcpStream) {
    use std::os::fd::AsRawFd;
    let linger = libc::linger {
        l_onoff: 1,
        l_linger: 0,
    };
    // SAFETY: the fd is open for the lifetime of `stream`, and the option value is a
    // properly initialised `linger` whose exact size is passed along.
    unsafe {
        libc::setsockopt(
            stream.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            (&raw const linger).cast::<libc::c_void>(),
            std::mem::size_of::<libc::linger>() as libc::socklen_t,
        );
    }
}

#[cfg(not(unix))]
fn close_abruptly(_stream: &TcpStream) {}

/// Most header fields the placeholder signer looks at (the server's default limit).
const MAX_HEADERS: usize = 100;

/// Replaces every `Authorization: fuzz-v1` or `fuzz-v4` header in `input` with a real
/// signature made at `now`; returns `input` unchanged when there is none.
///
/// Requests are walked as the server frames them, as far as that is simple: a complete
/// head, then a body of its `Content-Length`. At the first head that is incomplete or not
/// UTF-8, or a chunked body, the rest is passed on untouched. A head with a placeholder is
/// rebuilt from its parsed parts (request line, then each header as `name: value`); every
/// other byte is kept as it is. The request is signed as the emulator will read it (same
/// addressing, path and query decoding), so a mismatch means the fuzzer changed something
/// the signature covers, which is a fine input too.
pub fn sign_placeholders(input: &[u8], now: SystemTime) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len() + 256);
    let mut rest = input;
    while let Some(head) = sign_head(rest, now) {
        out.extend_from_slice(head.bytes.as_deref().unwrap_or(&rest[..head.len]));
        let end = head
            .body
            .and_then(|body| head.len.checked_add(body))
            .filter(|&end| end <= rest.len());
        let Some(end) = end else {
            rest = &rest[head.len..];
            break;
        };
        out.extend_from_slice(&rest[head.len..end]);
        rest = &rest[end..];
    }
    out.extend_from_slice(rest);
    out
}

/// One request head as [`sign_placeholders`] passes it on.
struct SignedHead {
    /// The rebuilt head, when it had a placeholder; `None` to keep the original bytes.
    bytes: Option<Vec<u8>>,
    /// Length of the original head.
    len: usize,
    /// Length of the body, when it is a plain `Content-Length` (0 without one).
    body: Option<usize>,
}

fn sign_head(input: &[u8], now: SystemTime) -> Option<SignedHead> {
    let mut slots = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut req = httparse::Request::new(&mut slots);
    let httparse::Status::Complete(len) = req.parse(input).ok()? else {
        return None;
    };
    let (method, target, version) = (req.method?, req.path?, req.version?);
    let mut headers: Vec<(String, String)> = Vec::with_capacity(req.headers.len() + 2);
    for h in req.headers.iter() {
        headers.push((
            h.name.to_owned(),
            std::str::from_utf8(h.value).ok()?.to_owned(),
        ));
    }
    let body = if headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("transfer-encoding"))
    {
        None
    } else {
        match headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        {
            None => Some(0),
            Some((_, v)) => v.trim().parse::<usize>().ok(),
        }
    };
    let wanted = headers
        .iter()
        .position(|(n, v)| n.eq_ignore_ascii_case("authorization") && v.starts_with("fuzz-v"));
    let Some(at) = wanted else {
        return Some(SignedHead {
            bytes: None,
            len,
            body,
        });
    };
    let v4 = headers[at].1.trim() == "fuzz-v4";
    headers.remove(at);
    if v4 {
        set_header(&mut headers, "x-oss-date", v4_datetime(now));
        if !headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("x-oss-content-sha256"))
        {
            headers.push((
                "x-oss-content-sha256".to_owned(),
                v4::UNSIGNED_PAYLOAD.to_owned(),
            ));
        }
    } else {
        set_header(&mut headers, "Date", http_date(now));
    }
    let authorization = signed_authorization(method, target, &headers, v4).unwrap_or_default();
    headers.push(("Authorization".to_owned(), authorization));

    let mut bytes = Vec::with_capacity(len + 256);
    bytes.extend_from_slice(format!("{method} {target} HTTP/1.{version}\r\n").as_bytes());
    for (name, value) in &headers {
        bytes.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    bytes.extend_from_slice(b"\r\n");
    Some(SignedHead {
        bytes: Some(bytes),
        len,
        body,
    })
}

fn set_header(headers: &mut Vec<(String, String)>, name: &str, value: String) {
    headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
    headers.push((name.to_owned(), value));
}

/// The `Authorization` value for a request, with the emulator's addressing rules; `None`
/// when the request cannot name a bucket (the emulator refuses it before checking).
fn signed_authorization(
    method: &str,
    target: &str,
    headers: &[(String, String)],
    v4: bool,
) -> Option<String> {
    let host = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("host"))
        .map(|(_, v)| v.trim())?;
    let (path, raw_query) = target.split_once('?').unwrap_or((target, ""));
    let segments = path.strip_prefix('/').unwrap_or(path);
    let (hostname, _) = split_host_port(host);
    let (bucket, key) = if is_path_style_host(hostname) {
        let (bucket, rest) = segments.split_once('/').unwrap_or((segments, ""));
        let key = (!rest.is_empty())
            .then(|| percent::decode(rest, false))
            .flatten();
        (percent::decode(bucket, false)?, key)
    } else {
        let bucket = host.split_once('.').map_or(host, |(b, _)| b);
        let key = (!segments.is_empty())
            .then(|| percent::decode(segments, false))
            .flatten();
        (bucket.to_ascii_lowercase(), key)
    };
    let query: Vec<(String, String)> = raw_query
        .split('&')
        .filter(|p| !p.is_empty())
        .filter_map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            Some((percent::decode(k, true)?, percent::decode(v, true)?))
        })
        .collect();
    let query_refs: Vec<(&str, &str)> = query
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let header_refs: Vec<(&str, &str)> = headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let to_sign = SignedRequest {
        method,
        bucket: &bucket,
        key: key.as_deref(),
        query: &query_refs,
        headers: &header_refs,
    };
    if v4 {
        v4::authorization(ACCESS_KEY_ID, ACCESS_KEY_SECRET, REGION, &to_sign)
    } else {
        Some(v1::authorization(
            ACCESS_KEY_ID,
            ACCESS_KEY_SECRET,
            &to_sign,
        ))
    }
}

/// The bounds [`rtmp_session_input`] holds its input to: small, so that random inputs
/// reach them.
pub const FUZZ_RTMP_LIMITS: RtmpLimits = RtmpLimits {
    setup_timeout: Duration::from_secs(10),
    media_timeout: Duration::from_secs(30),
    max_unauthenticated_bytes: 4096,
    max_message_bytes: 64 * 1024,
    max_amf_depth: 8,
    max_amf_values: 256,
};

/// What [`rtmp_session_input`] got to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RtmpOutcome {
    /// Messages the conversation took before the input ended or was refused.
    pub messages: usize,
    /// Whether a `publish` was accepted.
    pub published: bool,
}

/// Feeds `data` to the RTMP conversation of one connection after its handshake, as the
/// session does: our chunk reader and checks, then `rml_rtmp`. Every `connect` and
/// `publish` is accepted, so that a publisher's paths (metadata, media) run too. The
/// first byte of `data` picks the size of the reads the rest is cut into, as a socket
/// would cut it. Then the chunk reader must read the same messages from the whole input
/// at once and from one byte at a time.
///
/// # Panics
///
/// When anything on the way panics (a bug: the checks in front of `rml_rtmp` are there so
/// that it never does), when more than the limit is buffered, or when the read
/// boundaries change the messages.
pub fn rtmp_session_input(data: &[u8]) -> RtmpOutcome {
    let mut outcome = RtmpOutcome {
        messages: 0,
        published: false,
    };
    let Some((&first, input)) = data.split_first() else {
        return outcome;
    };
    let read_size = 1 + usize::from(first) * 16;
    let limits = FUZZ_RTMP_LIMITS;
    let (mut protocol, _) = Protocol::new(limits).expect("a new session starts");
    let mut authenticated = false;
    'reads: for read in input.chunks(read_size) {
        let mut read = read;
        loop {
            let results = match protocol.next(&mut read, authenticated) {
                Ok(Some(results)) => {
                    outcome.messages += 1;
                    results
                }
                Ok(None) => break,
                Err(_) => break 'reads,
            };
            let limit = if authenticated {
                limits.max_message_bytes
            } else {
                limits.max_unauthenticated_bytes
            };
            assert!(protocol.buffered() <= limit, "buffered over the limit");
            for result in results {
                let accepted = match result {
                    ServerSessionResult::RaisedEvent(ServerSessionEvent::ConnectionRequested {
                        request_id,
                        ..
                    }) => protocol.accept_request(request_id),
                    ServerSessionResult::RaisedEvent(
                        ServerSessionEvent::PublishStreamRequested { request_id, .. },
                    ) => {
                        authenticated = true;
                        protocol.accept_request(request_id)
                    }
                    _ => continue,
                };
                if accepted.is_err() {
                    break 'reads;
                }
            }
        }
    }
    let whole = chunk_messages(input, input.len().max(1));
    let bytewise = chunk_messages(input, 1);
    assert_eq!(whole, bytewise, "read boundaries changed the messages");
    outcome.published = authenticated;
    outcome
}

/// The messages a chunk reader finds in `input` read `step` bytes at a time, up to the
/// first problem.
fn chunk_messages(input: &[u8], step: usize) -> Vec<Message> {
    let mut reader = ChunkReader::new();
    let mut messages = Vec::new();
    for piece in input.chunks(step) {
        let mut piece = piece;
        loop {
            match reader.next_message(&mut piece, FUZZ_RTMP_LIMITS.max_message_bytes) {
                Ok(Some(message)) => messages.push(message),
                Ok(None) => break,
                Err(_) => return messages,
            }
        }
    }
    messages
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_signatures_the_emulator_accepts() {
        let server = FuzzServer::start().unwrap();
        for scheme in ["fuzz-v1", "fuzz-v4"] {
            let body = "<LiveChannelConfiguration><Target><Type>HLS</Type></Target>\
                        </LiveChannelConfiguration>";
            let put = format!(
                "PUT /ch?live= HTTP/1.1\r\nHost: examplebucket.oss-cn-hangzhou.aliyuncs.com\r\n\
                 Authorization: {scheme}\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            );
            let reply = String::from_utf8_lossy(&server.exchange(put.as_bytes())).into_owned();
            assert!(
                reply.starts_with("HTTP/1.1 200 OK\r\n"),
                "{scheme}: {reply}"
            );
            assert!(reply.contains("<CreateLiveChannelResult>"), "{reply}");
        }
        // Without a placeholder the bytes go as they are, and each input gets a fresh app.
        let get = b"GET /ch?live= HTTP/1.1\r\nHost: examplebucket.localhost\r\n\r\n";
        let reply = server.exchange(get);
        assert!(reply.starts_with(b"HTTP/1.1 403 "), "{reply:?}");
    }

    #[test]
    fn pipelined_requests_are_signed_each() {
        let server = FuzzServer::start().unwrap();
        let body = "<LiveChannelConfiguration><Target><Type>HLS</Type></Target>\
                    </LiveChannelConfiguration>";
        let input = format!(
            "PUT /bkt/ch?live HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: fuzz-v4\r\n\
             Content-Length: {}\r\n\r\n{body}\
             GET /bkt/ch?live&comp=stat HTTP/1.1\r\nHost: 127.0.0.1\r\n\
             Authorization: fuzz-v1\r\n\r\n",
            body.len()
        );
        let reply = String::from_utf8_lossy(&server.exchange(input.as_bytes())).into_owned();
        assert_eq!(reply.matches("HTTP/1.1 200 OK").count(), 2, "{reply}");
        assert!(reply.contains("<Status>Idle</Status>"), "{reply}");
    }

    #[test]
    fn the_rtmp_seeds_run_clean_and_the_publish_seeds_publish() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../fuzz/corpus/rtmp_session");
        let mut seen = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let outcome = rtmp_session_input(&std::fs::read(&path).unwrap());
            assert!(outcome.messages > 0, "{name}: {outcome:?}");
            if name != "seed-nested-amf" {
                assert!(outcome.published, "{name}: {outcome:?}");
            }
            seen += 1;
        }
        assert!(seen >= 5, "{seen} seeds in {dir}");
    }

    #[test]
    fn slow_faults_are_dropped() {
        let server = FuzzServer::start().unwrap();
        let input = b"POST /_emulator/faults?fault=stall:600000 HTTP/1.1\r\nHost: x\r\n\r\n\
                      GET /ch?live= HTTP/1.1\r\nHost: examplebucket.localhost\r\n\r\n";
        let started = Instant::now();
        let reply = String::from_utf8_lossy(&server.exchange(input)).into_owned();
        assert!(started.elapsed() < Duration::from_secs(5), "{reply}");
        assert!(reply.starts_with("HTTP/1.1 200 OK"), "{reply}");
        assert!(reply.contains("HTTP/1.1 403 Forbidden"), "{reply}");
    }
}
