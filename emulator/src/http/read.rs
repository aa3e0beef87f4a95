//! Reading requests off a connection: the head (with `httparse`), the body by
//! Content-Length or chunked, and the limits and framing rules, each broken rule a
//! [`BadRequest`].

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use crate::http::bad_request::BadRequest;
use crate::http::limits::Limits;
use crate::http::registry::ConnGuard;

/// A chunk-size line is a few hex digits plus optional extensions; anything longer is abuse.
const MAX_CHUNK_LINE: usize = 4096;
/// Size of one socket read.
const READ_CHUNK: usize = 16 * 1024;

/// What a connection reads requests from and writes answers to: the socket itself, or a
/// TLS session over it.
pub(super) trait Io: Read + Write {}

impl<T: Read + Write> Io for T {}

/// The parsed request line and headers.
pub(super) struct Head {
    pub(super) method: String,
    pub(super) target: String,
    /// Minor version: 0 for HTTP/1.0, 1 for HTTP/1.1.
    pub(super) version: u8,
    pub(super) headers: Vec<(String, String)>,
}

impl Head {
    pub(super) fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
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

    pub(super) fn keep_alive(&self) -> bool {
        if self.has_token("connection", "close") {
            false
        } else {
            self.version >= 1 || self.has_token("connection", "keep-alive")
        }
    }
}

/// How the request body is delimited.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Framing {
    Empty,
    Length(usize),
    Chunked,
}

/// Why reading a request stopped.
pub(super) enum ReadError {
    /// End of file, timeout or I/O error: close without answering.
    Closed,
    /// The request breaks a rule: answer through [`Handler::bad_request`](crate::http::Handler::bad_request) and close.
    Bad(BadRequest),
}

impl From<BadRequest> for ReadError {
    fn from(problem: BadRequest) -> Self {
        ReadError::Bad(problem)
    }
}

/// One connection's stream and the bytes read from it but not consumed yet (the start of a
/// pipelined request may already be there).
pub(super) struct Conn<'a> {
    /// Where requests come from and answers go: the socket, or the TLS session over it.
    pub(super) io: &'a mut dyn Io,
    /// The TCP socket underneath, for its timeouts.
    socket: &'a TcpStream,
    buf: Vec<u8>,
    pub(super) limits: &'a Limits,
    pub(super) peer: SocketAddr,
}

impl<'a> Conn<'a> {
    pub(super) fn new(
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
    pub(super) fn read_head(&mut self, guard: &ConnGuard) -> Result<(Head, Instant), ReadError> {
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

    pub(super) fn read_body(
        &mut self,
        framing: &Framing,
        deadline: Instant,
    ) -> Result<Vec<u8>, ReadError> {
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
pub(super) fn framing(head: &Head, limits: &Limits) -> Result<Framing, BadRequest> {
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
