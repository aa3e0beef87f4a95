//! Reading one answer from a connection: the head (httparse), then the body as the head
//! frames it (`Content-Length`, chunked, or until the server closes), bounded by the
//! client's `max_response_bytes`, every wait bounded by the attempt's time.
//!
//! It reads only what OSS and the proxies in front of it send: a `1xx` before the answer
//! is skipped, trailers after a chunked body are read and dropped, and anything HTTP/1.1
//! does not allow (a malformed head, conflicting lengths, a bad chunk) is a protocol
//! failure, after which the connection is not used again.

use std::time::Instant;

use ureq::unversioned::transport::time::Duration as UreqDuration;
use ureq::unversioned::transport::{NextTimeout, Transport};

/// The largest head read: OSS's are under 1 KiB; a proxy's error page may add a few.
pub(crate) const MAX_HEAD_BYTES: usize = 64 * 1024;

/// The most header lines in one head.
pub(super) const MAX_HEADERS: usize = 64;

/// The longest chunk-size line (size and extensions) and the most trailer bytes.
pub(super) const MAX_CHUNK_LINE: usize = 1024;
pub(super) const MAX_TRAILER_BYTES: usize = 16 * 1024;

/// The time an exchange may take: when it ends and the reason a transport reports then.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Budget {
    pub(crate) until: Instant,
    pub(crate) reason: ureq::Timeout,
}

impl Budget {
    /// The time left, as a transport takes it.
    pub(crate) fn next(&self) -> NextTimeout {
        NextTimeout {
            after: UreqDuration::Exact(self.until.saturating_duration_since(Instant::now())),
            reason: self.reason,
            ..NextTimeout::default()
        }
    }
}

/// An answer, read in full.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    /// `x-oss-request-id`, `x-oss-err` and `Date`, the headers osslive reads.
    pub(crate) request_id: Option<String>,
    pub(crate) oss_err: Option<String>,
    pub(crate) date: Option<String>,
    pub(crate) body: Vec<u8>,
    /// Whether the connection may carry another request: HTTP/1.1, no `Connection:
    /// close`, and a body whose end the head announced.
    pub(crate) reusable: bool,
}

/// Why no answer could be read; the connection is not used again after any of them.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The transport failed: I/O, a timeout, TLS.
    Transport(ureq::Error),
    /// The server closed the connection before `part` was complete.
    Closed { part: &'static str },
    /// What came is not HTTP/1.1 as RFC 9112 frames it.
    Malformed(String),
    /// The body is larger than the client accepts.
    TooLarge {
        status: u16,
        request_id: Option<String>,
        limit: u64,
    },
}

impl From<ureq::Error> for Failure {
    fn from(e: ureq::Error) -> Self {
        Failure::Transport(e)
    }
}

/// How the body's end is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Framing {
    /// No body (`204`, `304`).
    Empty,
    Length(u64),
    Chunked,
    /// Read until the server closes: the connection cannot be used again.
    UntilClose,
}

/// What the head says.
#[derive(Debug)]
struct Head {
    status: u16,
    request_id: Option<String>,
    oss_err: Option<String>,
    date: Option<String>,
    framing: Framing,
    keep_alive: bool,
}

/// Reads the answer to the request just sent, its body at most `limit` bytes.
pub(crate) fn read(t: &mut dyn Transport, budget: Budget, limit: u64) -> Result<Answer, Failure> {
    let head = read_head(t, budget)?;
    let too_large = |head: &Head| Failure::TooLarge {
        status: head.status,
        request_id: head.request_id.clone(),
        limit,
    };
    let mut body = Vec::new();
    match head.framing {
        Framing::Empty => {}
        Framing::Length(n) => {
            if n > limit {
                return Err(too_large(&head));
            }
            // At most `limit`, which fits in memory by the user's choice.
            let n = usize::try_from(n).map_err(|_| too_large(&head))?;
            body.reserve_exact(n);
            take_exact(t, budget, n, &mut body, "the answer's body")?;
        }
        Framing::Chunked => read_chunked(t, budget, &mut body, limit).map_err(|e| match e {
            ChunkFailure::TooLarge => too_large(&head),
            ChunkFailure::Other(f) => f,
        })?,
        Framing::UntilClose => loop {
            let input = t.buffers().input();
            if body.len() as u64 + input.len() as u64 > limit {
                return Err(too_large(&head));
            }
            body.extend_from_slice(input);
            let n = input.len();
            t.buffers().input_consume(n);
            if !t.await_input(budget.next())? {
                break;
            }
        },
    }
    // Bytes beyond the answer were never asked for: the connection is out of step.
    let reusable =
        head.keep_alive && head.framing != Framing::UntilClose && t.buffers().input().is_empty();
    Ok(Answer {
        status: head.status,
        request_id: head.request_id,
        oss_err: head.oss_err,
        date: head.date,
        body,
        reusable,
    })
}

/// Reads heads until one that is not an interim `1xx`.
fn read_head(t: &mut dyn Transport, budget: Budget) -> Result<Head, Failure> {
    loop {
        if let Some((used, head)) = parse_head(t.buffers().input())? {
            t.buffers().input_consume(used);
            match head.status {
                101 => {
                    return Err(Failure::Malformed(
                        "the server switched protocols, which osslive never asks for".into(),
                    ));
                }
                100..=199 => continue,
                _ => return Ok(head),
            }
        }
        if t.buffers().input().len() >= MAX_HEAD_BYTES {
            return Err(Failure::Malformed(format!(
                "the answer's head is larger than {MAX_HEAD_BYTES} bytes"
            )));
        }
        fill(t, budget, "the answer's head")?;
    }
}

/// The head at the start of `input` and its length, or `None` if it is not all there.
fn parse_head(input: &[u8]) -> Result<Option<(usize, Head)>, Failure> {
    if input.is_empty() {
        return Ok(None);
    }
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut response = httparse::Response::new(&mut headers);
    let used = match response.parse(input) {
        Ok(httparse::Status::Complete(used)) => used,
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(httparse::Error::TooManyHeaders) => {
            return Err(Failure::Malformed(format!(
                "the answer's head has more than {MAX_HEADERS} header lines"
            )));
        }
        Err(e) => {
            return Err(Failure::Malformed(format!(
                "the answer is not HTTP/1.1 ({e})"
            )));
        }
    };
    // The limit holds however the head came: whole in one read as well as in pieces
    // (where `read_head` stops waiting at it).
    if used > MAX_HEAD_BYTES {
        return Err(Failure::Malformed(format!(
            "the answer's head is larger than {MAX_HEAD_BYTES} bytes"
        )));
    }
    // A complete parse always has both.
    let status = response.code.unwrap_or_default();
    let http11 = response.version == Some(1);
    let text = |value: &[u8]| String::from_utf8_lossy(value).into_owned();
    let mut head = Head {
        status,
        request_id: None,
        oss_err: None,
        date: None,
        framing: Framing::UntilClose,
        keep_alive: http11,
    };
    let mut length: Option<u64> = None;
    let mut chunked = None;
    for header in response.headers.iter() {
        let name = header.name;
        if name.eq_ignore_ascii_case("x-oss-request-id") {
            head.request_id = Some(text(header.value));
        } else if name.eq_ignore_ascii_case("x-oss-err") {
            head.oss_err = Some(text(header.value));
        } else if name.eq_ignore_ascii_case("date") {
            head.date = Some(text(header.value));
        } else if name.eq_ignore_ascii_case("content-length") {
            let value = parse_length(header.value).ok_or_else(|| {
                Failure::Malformed(format!("bad Content-Length {:?}", text(header.value)))
            })?;
            if length.is_some_and(|l| l != value) {
                return Err(Failure::Malformed(
                    "two different Content-Length values".into(),
                ));
            }
            length = Some(value);
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            // Only the last coding says how the body ends (RFC 9112, section 6.3).
            let last = header.value.rsplit(|&b| b == b',').next().unwrap_or(&[]);
            chunked = Some(last.trim_ascii().eq_ignore_ascii_case(b"chunked"));
        } else if name.eq_ignore_ascii_case("connection") {
            let close = header
                .value
                .split(|&b| b == b',')
                .any(|token| token.trim_ascii().eq_ignore_ascii_case(b"close"));
            if close {
                head.keep_alive = false;
            }
        }
    }
    // Both framings at once is how response splitting and smuggling look (RFC 9112,
    // section 6.3): the body is read by Transfer-Encoding, and the connection is not
    // trusted with another request.
    if chunked.is_some() && length.is_some() {
        head.keep_alive = false;
    }
    head.framing = match (status, chunked, length) {
        (204 | 304 | 100..=199, _, _) => Framing::Empty,
        // Transfer-Encoding wins over Content-Length; without chunked last, the body runs
        // to the close.
        (_, Some(true), _) => Framing::Chunked,
        (_, Some(false), _) => Framing::UntilClose,
        (_, None, Some(n)) => Framing::Length(n),
        (_, None, None) => Framing::UntilClose,
    };
    Ok(Some((used, head)))
}

/// A `Content-Length` value: digits only, no sign, no spaces inside.
fn parse_length(value: &[u8]) -> Option<u64> {
    let digits = value.trim_ascii();
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
}

/// Waits for more bytes; the server closing instead is a failure while `part` is read.
fn fill(t: &mut dyn Transport, budget: Budget, part: &'static str) -> Result<(), Failure> {
    if t.await_input(budget.next())? {
        Ok(())
    } else {
        Err(Failure::Closed { part })
    }
}

/// Moves exactly `n` bytes of input into `body`, reading as needed.
fn take_exact(
    t: &mut dyn Transport,
    budget: Budget,
    mut n: usize,
    body: &mut Vec<u8>,
    part: &'static str,
) -> Result<(), Failure> {
    loop {
        let input = t.buffers().input();
        let take = n.min(input.len());
        body.extend_from_slice(&input[..take]);
        t.buffers().input_consume(take);
        n -= take;
        if n == 0 {
            return Ok(());
        }
        fill(t, budget, part)?;
    }
}

enum ChunkFailure {
    TooLarge,
    Other(Failure),
}

impl From<Failure> for ChunkFailure {
    fn from(f: Failure) -> Self {
        ChunkFailure::Other(f)
    }
}

impl From<ureq::Error> for ChunkFailure {
    fn from(e: ureq::Error) -> Self {
        ChunkFailure::Other(Failure::Transport(e))
    }
}

/// Reads a chunked body: chunks until the zero-sized one, then the trailers, dropped.
fn read_chunked(
    t: &mut dyn Transport,
    budget: Budget,
    body: &mut Vec<u8>,
    limit: u64,
) -> Result<(), ChunkFailure> {
    const PART: &str = "the answer's chunked body";
    loop {
        let size = loop {
            match httparse::parse_chunk_size(t.buffers().input()) {
                // As for the head: the line's limit holds in one read as in pieces.
                Ok(httparse::Status::Complete((used, size))) if used <= MAX_CHUNK_LINE => {
                    t.buffers().input_consume(used);
                    break size;
                }
                Ok(httparse::Status::Partial) if t.buffers().input().len() < MAX_CHUNK_LINE => {
                    fill(t, budget, PART)?;
                }
                _ => {
                    return Err(Failure::Malformed("a malformed chunk size line".into()).into());
                }
            }
        };
        if size == 0 {
            return read_trailers(t, budget).map_err(ChunkFailure::from);
        }
        // `size` may be up to u64::MAX: compared with what is left, so nothing can wrap.
        if size > limit.saturating_sub(body.len() as u64) {
            return Err(ChunkFailure::TooLarge);
        }
        // Under `limit`, checked just above.
        take_exact(t, budget, size as usize, body, PART)?;
        expect_crlf(t, budget, PART)?;
    }
}

/// The CRLF that ends a chunk's data.
fn expect_crlf(t: &mut dyn Transport, budget: Budget, part: &'static str) -> Result<(), Failure> {
    while t.buffers().input().len() < 2 {
        fill(t, budget, part)?;
    }
    if &t.buffers().input()[..2] != b"\r\n" {
        return Err(Failure::Malformed(
            "a chunk's data is not followed by CRLF".into(),
        ));
    }
    t.buffers().input_consume(2);
    Ok(())
}

/// The trailer lines after the last chunk, up to the empty line that ends them.
fn read_trailers(t: &mut dyn Transport, budget: Budget) -> Result<(), Failure> {
    let mut seen = 0;
    loop {
        let input = t.buffers().input();
        match input.windows(2).position(|w| w == b"\r\n") {
            Some(0) => {
                t.buffers().input_consume(2);
                return Ok(());
            }
            Some(end) => {
                seen += end + 2;
                t.buffers().input_consume(end + 2);
            }
            None if input.len() > MAX_TRAILER_BYTES => seen = input.len(),
            None => fill(t, budget, "the answer's trailers")?,
        }
        if seen > MAX_TRAILER_BYTES {
            return Err(Failure::Malformed(format!(
                "the answer's trailers are larger than {MAX_TRAILER_BYTES} bytes"
            )));
        }
    }
}
