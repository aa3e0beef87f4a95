//! The floor: a raw keep-alive client that writes fixed request bytes over one TCP
//! connection and reads each response by its `Content-Length`, parsing nothing else.
//! No signing, no validation, no XML: what any client must at least spend per call.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use crate::canned::{content_length, find};

pub struct RawClient {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl RawClient {
    pub fn connect(addr: SocketAddr) -> io::Result<RawClient> {
        let stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
        // As ureq does by default: each request leaves at once.
        stream.set_nodelay(true)?;
        stream.set_read_timeout(Some(Duration::from_secs(30)))?;
        Ok(RawClient {
            stream,
            buf: vec![0; 64 * 1024],
        })
    }

    /// Sends `request` and reads one whole response; returns its status code.
    pub fn roundtrip(&mut self, request: &[u8]) -> io::Result<u16> {
        self.stream.write_all(request)?;
        let mut filled = 0;
        let mut want = usize::MAX;
        let mut scanned: usize = 0;
        loop {
            if filled == self.buf.len() {
                self.buf.resize(self.buf.len() * 2, 0);
            }
            let n = self.stream.read(&mut self.buf[filled..])?;
            if n == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the server closed the connection",
                ));
            }
            filled += n;
            if want == usize::MAX {
                let from = scanned.saturating_sub(3);
                if let Some(p) = find(&self.buf[from..filled], b"\r\n\r\n") {
                    let head_end = from + p + 4;
                    want = head_end + content_length(&self.buf[..head_end]);
                } else {
                    scanned = filled;
                    continue;
                }
            }
            if filled >= want {
                let code = &self.buf[9..12];
                return Ok(code
                    .iter()
                    .fold(0u16, |acc, d| acc * 10 + u16::from(d.wrapping_sub(b'0'))));
            }
        }
    }
}

/// `request` with its `Host` header set to `host` (the rest untouched): a request captured
/// from one server, replayed to another. OSS signatures do not cover `Host`.
pub fn with_host(request: &[u8], host: &str) -> Vec<u8> {
    let head_end = find(request, b"\r\n\r\n").expect("a complete request") + 2;
    let mut out = Vec::with_capacity(request.len() + 16);
    let mut rest = &request[..head_end];
    while !rest.is_empty() {
        let eol = find(rest, b"\r\n").map_or(rest.len(), |p| p + 2);
        let line = &rest[..eol];
        if line.len() > 5 && line[..5].eq_ignore_ascii_case(b"host:") {
            out.extend_from_slice(b"host: ");
            out.extend_from_slice(host.as_bytes());
            out.extend_from_slice(b"\r\n");
        } else {
            out.extend_from_slice(line);
        }
        rest = &rest[eol..];
    }
    out.extend_from_slice(&request[head_end..]);
    out
}
