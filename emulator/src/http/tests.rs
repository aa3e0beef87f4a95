use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use super::read::{Head, framing};
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
            "/slow" => {
                thread::sleep(Duration::from_millis(400));
                return Response::new(200).with_body("slow");
            }
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
            if let httparse::Status::Complete(len) = parsed.parse(&self.buf).expect("response head")
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
    let reply =
        client.request("PUT /same HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok");
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
fn at_the_limit_idle_connections_give_way_and_busy_ones_get_503() {
    let server = start(Limits {
        max_connections: 1,
        ..Limits::default()
    });
    // An idle keep-alive connection gives its slot to a new one.
    let mut first = Client::connect(&server);
    assert_eq!(first.request("GET / HTTP/1.1\r\n\r\n").status, 200);
    let mut second = Client::connect(&server);
    assert_eq!(
        second.request("GET /second HTTP/1.1\r\n\r\n").body,
        b"GET /second "
    );
    first.assert_closed();
    // So does one that sends nothing, or half a request.
    let mut silent = Client::connect(&server);
    thread::sleep(Duration::from_millis(50));
    let mut partial = Client::connect(&server);
    partial.send(b"GET / HTTP/1.1\r\nHost:");
    second.assert_closed();
    silent.assert_closed();
    // A connection whose request is being handled keeps its slot: a newcomer gets 503.
    let mut busy = Client::connect(&server);
    busy.send(b"GET /slow HTTP/1.1\r\n\r\n");
    thread::sleep(Duration::from_millis(150));
    partial.assert_closed();
    let mut extra = Client::connect(&server);
    extra.send(b"GET / HTTP/1.1\r\n\r\n");
    let answer = extra.rest().expect("an answer, not a reset");
    assert!(
        answer.starts_with(b"HTTP/1.1 503 Service Unavailable\r\n"),
        "{}",
        String::from_utf8_lossy(&answer)
    );
    assert_eq!(busy.response(false).body, b"slow");
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
