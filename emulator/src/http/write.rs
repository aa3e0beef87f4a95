//! Writing responses: the status line, the headers the server owns (`Content-Length`,
//! `Connection`), and the body, delivered as the response's [`Delivery`] says.

use std::io::{self, Write};
use std::thread;

use crate::http::message::{Delivery, Response};

/// Whether `b` may appear in a header name (an HTTP token).
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// Writes a response according to its [`Delivery`].
///
/// Generic over the stream so that it takes the socket and a TLS session alike.
pub(super) fn write_response<W: Write + ?Sized>(
    stream: &mut W,
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
