//! The answer reader ([`super::response::read`]) on scripted connections: how it frames
//! bodies, when it lets the connection be used again, and how it refuses what HTTP/1.1
//! does not allow, wherever the reads happen to end.

use std::time::{Duration, Instant};

use super::response::{
    Answer, Budget, Failure, MAX_CHUNK_LINE, MAX_HEAD_BYTES, MAX_HEADERS, MAX_TRAILER_BYTES, read,
};
use super::scripted::{Piece, Scripted};

/// Large enough for every answer here but those that test the limit.
const LIMIT: u64 = 1 << 20;
const ID: &str = "5C3D9175B6FC201293AD4890";
const DATE: &str = "Wed, 16 Jan 2019 07:32:05 GMT";
/// OSS's base64 `Error` document header, as it comes on a HEAD-like empty answer.
const OSS_ERR: &str = "PD94bWwgdmVyc2lvbj0iMS4wIj8+";

fn budget() -> Budget {
    Budget {
        until: Instant::now() + Duration::from_secs(5),
        reason: ureq::Timeout::Global,
    }
}

/// Reads from a connection whose reads return `pieces`, then the close.
fn read_on(t: &mut Scripted, limit: u64) -> Result<Answer, Failure> {
    read(t, budget(), limit)
}

#[track_caller]
fn answer(pieces: &[&[u8]]) -> Answer {
    match read_on(&mut Scripted::of_bytes(pieces.iter().copied()), LIMIT) {
        Ok(answer) => answer,
        Err(f) => panic!("no answer: {f:?}"),
    }
}

#[track_caller]
fn failure(pieces: &[&[u8]], limit: u64) -> Failure {
    match read_on(&mut Scripted::of_bytes(pieces.iter().copied()), limit) {
        Ok(answer) => panic!("an answer: {answer:?}"),
        Err(f) => f,
    }
}

#[track_caller]
fn malformed(pieces: &[&[u8]]) -> String {
    match failure(pieces, LIMIT) {
        Failure::Malformed(why) => why,
        f => panic!("not Malformed: {f:?}"),
    }
}

/// What an answer must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Want<'a> {
    status: u16,
    request_id: Option<&'a str>,
    oss_err: Option<&'a str>,
    date: Option<&'a str>,
    body: &'a [u8],
    reusable: bool,
}

impl Want<'_> {
    /// The usual OSS answer: a request id and a date, no `x-oss-err`.
    fn ok(status: u16, body: &[u8], reusable: bool) -> Want<'_> {
        Want {
            status,
            request_id: Some(ID),
            oss_err: None,
            date: Some(DATE),
            body,
            reusable,
        }
    }
}

fn seen(a: &Answer) -> Want<'_> {
    Want {
        status: a.status,
        request_id: a.request_id.as_deref(),
        oss_err: a.oss_err.as_deref(),
        date: a.date.as_deref(),
        body: &a.body,
        reusable: a.reusable,
    }
}

#[track_caller]
fn check(a: &Answer, want: Want<'_>) {
    assert_eq!(seen(a), want);
}

/// An OSS head: status line, request id, date, then `extra` header lines, then the blank
/// line.
fn head(status_line: &str, extra: &[&str]) -> Vec<u8> {
    let mut h = format!("{status_line}\r\nx-oss-request-id: {ID}\r\nDate: {DATE}\r\n");
    for line in extra {
        h.push_str(line);
        h.push_str("\r\n");
    }
    h.push_str("\r\n");
    h.into_bytes()
}

fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

/// A 200 with a five-byte body by Content-Length.
fn hello_by_length() -> Vec<u8> {
    cat(&[&head("HTTP/1.1 200 OK", &["Content-Length: 5"]), b"hello"])
}

/// A chunked body with an extension, upper-case hex and two trailers.
fn hello_chunked() -> Vec<u8> {
    cat(&[
        &head("HTTP/1.1 200 OK", &["Transfer-Encoding: chunked"]),
        b"1A;name=\"value\"\r\nabcdefghijklmnopqrstuvwxyz\r\n",
        b"5 ; ext\r\nhello\r\n",
        b"0\r\nx-oss-trailer: 1\r\nChecksum: abc\r\n\r\n",
    ])
}

const ALPHABET_HELLO: &[u8] = b"abcdefghijklmnopqrstuvwxyzhello";

// ---- Content-Length and reuse -------------------------------------------------------

#[test]
fn a_body_by_content_length_leaves_the_connection_reusable() {
    check(
        &answer(&[&hello_by_length()]),
        Want::ok(200, b"hello", true),
    );
}

#[test]
fn header_names_are_read_in_any_case() {
    let bytes = cat(&[
        format!(
            "HTTP/1.1 403 Forbidden\r\nX-OSS-REQUEST-ID: {ID}\r\nx-Oss-Err: {OSS_ERR}\r\n\
             DATE: {DATE}\r\nCONTENT-length: 3\r\nCONNECTION: keep-alive\r\n\r\n"
        )
        .as_bytes(),
        b"abc",
    ]);
    check(
        &answer(&[&bytes]),
        Want {
            oss_err: Some(OSS_ERR),
            ..Want::ok(403, b"abc", true)
        },
    );
}

#[test]
fn an_answer_without_the_osslive_headers_has_none_of_them() {
    let a = answer(&[b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"]);
    check(
        &a,
        Want {
            status: 200,
            request_id: None,
            oss_err: None,
            date: None,
            body: b"ok",
            reusable: true,
        },
    );
}

#[test]
fn connection_close_makes_the_connection_not_reusable() {
    let bytes = cat(&[
        &head(
            "HTTP/1.1 200 OK",
            &["Connection: close", "Content-Length: 5"],
        ),
        b"hello",
    ]);
    check(&answer(&[&bytes]), Want::ok(200, b"hello", false));
}

#[test]
fn close_in_a_connection_token_list_counts() {
    for value in ["keep-alive, Close", "Upgrade ,close", "TE,  CLOSE  "] {
        let line = format!("Connection: {value}");
        let bytes = cat(&[
            &head("HTTP/1.1 200 OK", &[&line, "Content-Length: 5"]),
            b"hello",
        ]);
        check(&answer(&[&bytes]), Want::ok(200, b"hello", false));
    }
    // A token that only contains "close" is another token.
    let bytes = cat(&[
        &head(
            "HTTP/1.1 200 OK",
            &["Connection: keep-alive, closed", "Content-Length: 5"],
        ),
        b"hello",
    ]);
    check(&answer(&[&bytes]), Want::ok(200, b"hello", true));
}

#[test]
fn an_http_1_0_answer_is_not_reusable() {
    for extra in [
        &["Content-Length: 5"][..],
        &["Connection: keep-alive", "Content-Length: 5"],
    ] {
        let bytes = cat(&[&head("HTTP/1.0 200 OK", extra), b"hello"]);
        check(&answer(&[&bytes]), Want::ok(200, b"hello", false));
    }
}

#[test]
fn bytes_after_the_body_make_the_connection_not_reusable() {
    let bytes = cat(&[&hello_by_length(), b"HTTP/1.1 200 OK\r\n"]);
    check(&answer(&[&bytes]), Want::ok(200, b"hello", false));
    // The same bytes in a read of their own were never waited for: the reader cannot see
    // them (the pool's liveness check is what finds such a connection).
    let mut t = Scripted::of_bytes([&hello_by_length()[..], b"HTTP/1.1 200 OK\r\n"]);
    check(
        &read_on(&mut t, LIMIT).unwrap(),
        Want::ok(200, b"hello", true),
    );
    assert!(t.pending());
}

#[test]
fn the_same_content_length_twice_is_one_length() {
    let bytes = cat(&[
        &head(
            "HTTP/1.1 200 OK",
            &["Content-Length: 5", "content-length:5 "],
        ),
        b"hello",
    ]);
    check(&answer(&[&bytes]), Want::ok(200, b"hello", true));
}

// ---- chunked ------------------------------------------------------------------------

#[test]
fn a_chunked_body_with_extensions_trailers_and_upper_case_hex() {
    check(
        &answer(&[&hello_chunked()]),
        Want::ok(200, ALPHABET_HELLO, true),
    );
}

#[test]
fn chunked_as_the_last_coding_frames_the_body() {
    for value in ["gzip, chunked", "GZIP,CHUNKED", "gzip ,  Chunked "] {
        let line = format!("Transfer-Encoding: {value}");
        let bytes = cat(&[&head("HTTP/1.1 200 OK", &[&line]), b"3\r\nabc\r\n0\r\n\r\n"]);
        check(&answer(&[&bytes]), Want::ok(200, b"abc", true));
    }
    // Two header lines make one list: chunked is last.
    let bytes = cat(&[
        &head(
            "HTTP/1.1 200 OK",
            &["Transfer-Encoding: gzip", "Transfer-Encoding: chunked"],
        ),
        b"3\r\nabc\r\n0\r\n\r\n",
    ]);
    check(&answer(&[&bytes]), Want::ok(200, b"abc", true));
}

#[test]
fn chunked_not_last_means_the_body_runs_to_the_close() {
    let body: &[u8] = b"3\r\nabc\r\n0\r\n\r\n";
    for extra in [
        &["Transfer-Encoding: chunked, gzip"][..],
        &["Transfer-Encoding: chunked", "Transfer-Encoding: gzip"],
    ] {
        let bytes = cat(&[&head("HTTP/1.1 200 OK", extra), body]);
        check(&answer(&[&bytes]), Want::ok(200, body, false));
    }
}

#[test]
fn transfer_encoding_wins_over_content_length_and_the_connection_is_not_reused() {
    for extra in [
        &["Content-Length: 3", "Transfer-Encoding: chunked"][..],
        &["Transfer-Encoding: chunked", "Content-Length: 100"],
    ] {
        let bytes = cat(&[&head("HTTP/1.1 200 OK", extra), b"5\r\nhello\r\n0\r\n\r\n"]);
        check(&answer(&[&bytes]), Want::ok(200, b"hello", false));
    }
}

// ---- until the close, no body, interim answers -----------------------------------------

#[test]
fn a_body_without_a_length_runs_to_the_close() {
    let h = head("HTTP/1.1 200 OK", &[]);
    let a = answer(&[&h, b"one ", b"two ", b"three"]);
    check(&a, Want::ok(200, b"one two three", false));
    // Head and body in one read, and an empty body.
    let a = answer(&[&cat(&[&h, b"all"])]);
    check(&a, Want::ok(200, b"all", false));
    check(&answer(&[&h]), Want::ok(200, b"", false));
}

#[test]
fn no_content_and_not_modified_have_no_body_whatever_the_length_says() {
    for status in ["HTTP/1.1 204 No Content", "HTTP/1.1 304 Not Modified"] {
        let code = status[9..12].parse().unwrap();
        let bytes = head(status, &["Content-Length: 10"]);
        let mut t = Scripted::of_bytes([&bytes[..], b"not a body"]);
        check(&read_on(&mut t, LIMIT).unwrap(), Want::ok(code, b"", true));
        assert!(t.pending(), "the reader waited for a body of {status}");
    }
}

#[test]
fn interim_answers_before_the_answer_are_skipped() {
    let continue_head = b"HTTP/1.1 100 Continue\r\n\r\n";
    let hints = b"HTTP/1.1 103 Early Hints\r\nLink: </a>\r\nContent-Length: 9\r\n\r\n";
    let whole = cat(&[continue_head, hints, &hello_by_length()]);
    check(&answer(&[&whole]), Want::ok(200, b"hello", true));
    check(
        &answer(&[continue_head, &hello_by_length()]),
        Want::ok(200, b"hello", true),
    );
    // The interim head's own headers are not the answer's.
    let interim =
        format!("HTTP/1.1 100 Continue\r\nx-oss-request-id: interim\r\nDate: {DATE}\r\n\r\n");
    let a = answer(&[
        interim.as_bytes(),
        b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
    ]);
    assert_eq!((a.status, a.request_id, a.date), (200, None, None));
}

#[test]
fn switching_protocols_is_refused() {
    let bytes = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n";
    let why = malformed(&[bytes]);
    assert!(why.contains("switched protocols"), "{why}");
}

// ---- wherever the reads end ---------------------------------------------------------

/// The answer `whole` gives in one read, in two reads split at every byte, and one byte
/// per read.
#[track_caller]
fn same_answer_in_any_pieces(whole: &[u8], want: Want<'_>) {
    check(&answer(&[whole]), want);
    for at in 0..=whole.len() {
        let (a, b) = whole.split_at(at);
        let got = answer(&[a, b]);
        assert_eq!(seen(&got), want, "split at {at}");
    }
    let bytes: Vec<&[u8]> = whole.chunks(1).collect();
    let mut t = Scripted::of_bytes(bytes);
    assert_eq!(
        seen(&read_on(&mut t, LIMIT).unwrap()),
        want,
        "a byte per read"
    );
    assert!(!t.pending(), "the reader stopped before the answer's end");
    assert_eq!(t.unread(), 0);
}

#[test]
fn a_content_length_answer_is_the_same_in_any_pieces() {
    same_answer_in_any_pieces(&hello_by_length(), Want::ok(200, b"hello", true));
    let interim = cat(&[b"HTTP/1.1 100 Continue\r\n\r\n", &hello_by_length()]);
    same_answer_in_any_pieces(&interim, Want::ok(200, b"hello", true));
}

#[test]
fn a_chunked_answer_with_trailers_is_the_same_in_any_pieces() {
    same_answer_in_any_pieces(&hello_chunked(), Want::ok(200, ALPHABET_HELLO, true));
}

// ---- the server closes too early ----------------------------------------------------

#[track_caller]
fn closed_in(pieces: &[&[u8]]) -> &'static str {
    match failure(pieces, LIMIT) {
        Failure::Closed { part } => part,
        f => panic!("not Closed: {f:?}"),
    }
}

#[test]
fn a_close_before_the_answer_is_complete_names_the_part() {
    assert_eq!(closed_in(&[]), "the answer's head");
    assert_eq!(
        closed_in(&[b"HTTP/1.1 200 OK\r\nContent-"]),
        "the answer's head"
    );
    assert_eq!(
        closed_in(&[b"HTTP/1.1 100 Continue\r\n\r\n"]),
        "the answer's head"
    );
    let h = head("HTTP/1.1 200 OK", &["Content-Length: 5"]);
    assert_eq!(closed_in(&[&h, b"hel"]), "the answer's body");
    assert_eq!(closed_in(&[&h]), "the answer's body");
    let chunked = head("HTTP/1.1 200 OK", &["Transfer-Encoding: chunked"]);
    for cut in [
        &b"5\r\nhel"[..],
        b"5\r\nhello",
        b"5\r\nhello\r",
        b"5",
        b"5\r\nhello\r\n",
    ] {
        assert_eq!(
            closed_in(&[&chunked, cut]),
            "the answer's chunked body",
            "{cut:?}"
        );
    }
    for cut in [
        &b"0\r\n"[..],
        b"0\r\nx-trailer: 1",
        b"0\r\nx-trailer: 1\r\n",
    ] {
        assert_eq!(
            closed_in(&[&chunked, cut]),
            "the answer's trailers",
            "{cut:?}"
        );
    }
}

// ---- what HTTP/1.1 does not allow --------------------------------------------------

#[test]
fn a_malformed_status_line_is_refused() {
    for line in [
        &b"HTTP/1.1 2x0 OK\r\n\r\n"[..],
        b"HTTP/2 200 OK\r\n\r\n",
        b"ICY 200 OK\r\n\r\n",
        b"HTTP/1.1 20 OK\r\n\r\n",
        b"<html>hello</html>\r\n\r\n",
    ] {
        let why = malformed(&[line]);
        assert!(why.contains("not HTTP/1.1"), "{line:?}: {why}");
    }
}

#[test]
fn a_bad_content_length_is_refused() {
    for value in [
        "-1",
        "1 2",
        "abc",
        "+5",
        "0x10",
        "",
        "99999999999999999999999",
    ] {
        let line = format!("Content-Length: {value}");
        let bytes = cat(&[&head("HTTP/1.1 200 OK", &[&line]), b"hello"]);
        let why = malformed(&[&bytes]);
        assert!(why.contains("bad Content-Length"), "{value:?}: {why}");
    }
    let bytes = cat(&[
        &head(
            "HTTP/1.1 200 OK",
            &["Content-Length: 5", "Content-Length: 6"],
        ),
        b"hello!",
    ]);
    assert_eq!(malformed(&[&bytes]), "two different Content-Length values");
}

#[test]
fn a_bad_chunk_is_refused() {
    let chunked = head("HTTP/1.1 200 OK", &["Transfer-Encoding: chunked"]);
    for bad in [
        &b"zz\r\nhello\r\n0\r\n\r\n"[..],
        b"-5\r\nhello\r\n0\r\n\r\n",
        b"5\rhello",
    ] {
        let why = malformed(&[&chunked, bad]);
        assert!(why.contains("chunk size"), "{bad:?}: {why}");
    }
    for bad in [
        &b"5\r\nhelloXY0\r\n\r\n"[..],
        b"5\r\nhello\n0\r\n\r\n",
        b"5\r\nhello0\r\n\r\n",
    ] {
        let why = malformed(&[&chunked, bad]);
        assert!(why.contains("not followed by CRLF"), "{bad:?}: {why}");
    }
}

#[test]
fn a_chunk_size_line_longer_than_the_limit_is_refused_however_it_comes() {
    let chunked = head("HTTP/1.1 200 OK", &["Transfer-Encoding: chunked"]);
    let line = format!("5;{}\r\nhello\r\n0\r\n\r\n", "e".repeat(MAX_CHUNK_LINE));
    let why = malformed(&[&chunked, line.as_bytes()]);
    assert!(why.contains("chunk size"), "{why}");
    let pieces: Vec<&[u8]> = std::iter::once(&chunked[..])
        .chain(line.as_bytes().chunks(100))
        .collect();
    let why = malformed(&pieces);
    assert!(why.contains("chunk size"), "{why}");
    // Just under the limit, the extension is skipped.
    let line = format!(
        "5;{}\r\nhello\r\n0\r\n\r\n",
        "e".repeat(MAX_CHUNK_LINE - 10)
    );
    let a = answer(&[&cat(&[&chunked, line.as_bytes()])]);
    check(&a, Want::ok(200, b"hello", true));
}

#[test]
fn a_head_larger_than_the_limit_is_refused_however_it_comes() {
    let filler = format!("x-filler: {}", "f".repeat(MAX_HEAD_BYTES));
    let bytes = cat(&[
        &head("HTTP/1.1 200 OK", &[&filler, "Content-Length: 5"]),
        b"hello",
    ]);
    for pieces in [
        vec![&bytes[..]],
        vec![&bytes[..MAX_HEAD_BYTES / 2], &bytes[MAX_HEAD_BYTES / 2..]],
        bytes.chunks(4096).collect(),
    ] {
        let why = malformed(&pieces);
        assert!(why.contains("head is larger than"), "{why}");
    }
    // A head of exactly the limit is read, in one read or in pieces.
    let base = head("HTTP/1.1 200 OK", &["x-filler: ", "Content-Length: 5"]).len();
    let filler = format!("x-filler: {}", "f".repeat(MAX_HEAD_BYTES - base));
    let at_limit = head("HTTP/1.1 200 OK", &[&filler, "Content-Length: 5"]);
    assert_eq!(at_limit.len(), MAX_HEAD_BYTES);
    let whole = cat(&[&at_limit, b"hello"]);
    check(&answer(&[&whole]), Want::ok(200, b"hello", true));
    let pieces: Vec<&[u8]> = whole.chunks(4096).collect();
    check(&answer(&pieces), Want::ok(200, b"hello", true));
    // An unfinished head that reaches the limit is refused without waiting for the rest.
    let mut t = Scripted::of_bytes([&bytes[..MAX_HEAD_BYTES], b"rest"]);
    let Err(Failure::Malformed(why)) = read_on(&mut t, LIMIT) else {
        panic!("not refused");
    };
    assert!(why.contains("head is larger than"), "{why}");
    assert!(t.pending());
}

#[test]
fn more_header_lines_than_the_limit_are_refused() {
    let lines: Vec<String> = (0..MAX_HEADERS).map(|i| format!("x-h{i}: {i}")).collect();
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let why = malformed(&[&head("HTTP/1.1 200 OK", &refs)]);
    assert!(why.contains("header lines"), "{why}");
    // Exactly the limit, counting the request id and the date, is read.
    let refs = &refs[..MAX_HEADERS - 3];
    let bytes = cat(&[
        &head(
            "HTTP/1.1 200 OK",
            &[refs, &["Content-Length: 5"][..]].concat(),
        ),
        b"hello",
    ]);
    check(&answer(&[&bytes]), Want::ok(200, b"hello", true));
}

#[test]
fn trailers_larger_than_the_limit_are_refused() {
    let chunked = head("HTTP/1.1 200 OK", &["Transfer-Encoding: chunked"]);
    let long = format!("0\r\nx-long: {}\r\n\r\n", "t".repeat(MAX_TRAILER_BYTES));
    let many: String = std::iter::once("0\r\n".to_string())
        .chain((0..MAX_TRAILER_BYTES / 16).map(|i| format!("x-t: {i:010}\r\n")))
        .chain(std::iter::once("\r\n".to_string()))
        .collect();
    let unfinished = format!("0\r\nx-long: {}", "t".repeat(MAX_TRAILER_BYTES + 1));
    for trailers in [long, many, unfinished] {
        let why = malformed(&[&chunked, trailers.as_bytes()]);
        assert!(why.contains("trailers are larger"), "{why}");
        let pieces: Vec<&[u8]> = std::iter::once(&chunked[..])
            .chain(trailers.as_bytes().chunks(1000))
            .collect();
        let why = malformed(&pieces);
        assert!(why.contains("trailers are larger"), "{why}");
    }
}

// ---- the client's limit -------------------------------------------------------------

#[track_caller]
fn too_large(t: &mut Scripted, limit: u64) -> (u16, Option<String>) {
    match read_on(t, limit) {
        Err(Failure::TooLarge {
            status,
            request_id,
            limit: l,
        }) => {
            assert_eq!(l, limit);
            (status, request_id)
        }
        other => panic!("not TooLarge: {other:?}"),
    }
}

#[test]
fn a_content_length_over_the_limit_is_refused_before_the_body_is_read() {
    let h = head("HTTP/1.1 200 OK", &["Content-Length: 6"]);
    let mut t = Scripted::of_bytes([&h[..], b"hello!"]);
    assert_eq!(too_large(&mut t, 5), (200, Some(ID.into())));
    assert_eq!(t.awaits(), 1, "the reader waited for the body");
    assert!(t.pending());
    // At the limit, it is read.
    let mut t = Scripted::of_bytes([&h[..], b"hello!"]);
    check(&read_on(&mut t, 6).unwrap(), Want::ok(200, b"hello!", true));
    // A length no memory can hold is refused the same way.
    let h = head(
        "HTTP/1.1 500 Oops",
        &["Content-Length: 18446744073709551615"],
    );
    let mut t = Scripted::of_bytes([&h[..]]);
    assert_eq!(too_large(&mut t, LIMIT), (500, Some(ID.into())));
}

#[test]
fn chunks_over_the_limit_are_refused() {
    let chunked = head("HTTP/1.1 503 Slow Down", &["Transfer-Encoding: chunked"]);
    let body: &[u8] = b"3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n";
    let mut t = Scripted::of_bytes([&chunked[..], body]);
    assert_eq!(too_large(&mut t, 5), (503, Some(ID.into())));
    let mut t = Scripted::of_bytes([&chunked[..], body]);
    check(&read_on(&mut t, 6).unwrap(), Want::ok(503, b"abcdef", true));
}

#[test]
fn a_chunk_size_that_overflows_with_the_body_read_is_refused() {
    // 16 hex digits are a valid chunk size for httparse; added to the bytes already read,
    // it must not wrap around the limit check.
    let chunked = head("HTTP/1.1 200 OK", &["Transfer-Encoding: chunked"]);
    for size in ["FFFFFFFFFFFFFFFF", "FFFFFFFFFFFFFFFE"] {
        let body = format!("1\r\na\r\n{size}\r\n");
        let mut t = Scripted::of_bytes([&chunked[..], body.as_bytes(), &[b'x'; 64]]);
        assert_eq!(too_large(&mut t, LIMIT), (200, Some(ID.into())), "{size}");
    }
}

#[test]
fn a_body_to_the_close_over_the_limit_is_refused() {
    let h = head("HTTP/1.1 404 Not Found", &[]);
    let mut t = Scripted::of_bytes([&h[..], b"abc", b"def"]);
    assert_eq!(too_large(&mut t, 5), (404, Some(ID.into())));
    let mut t = Scripted::of_bytes([&cat(&[&h, b"abcdef"])[..]]);
    assert_eq!(too_large(&mut t, 5), (404, Some(ID.into())));
    let mut t = Scripted::of_bytes([&h[..], b"abc", b"def"]);
    check(
        &read_on(&mut t, 6).unwrap(),
        Want::ok(404, b"abcdef", false),
    );
}

// ---- the transport fails ------------------------------------------------------------

#[test]
fn a_transport_timeout_is_the_transport_s_failure() {
    let h = head("HTTP/1.1 200 OK", &["Content-Length: 5"]);
    let chunked = head("HTTP/1.1 200 OK", &["Transfer-Encoding: chunked"]);
    let bytes = |b: &[u8]| Piece::Bytes(b.to_vec());
    for pieces in [
        vec![Piece::Timeout],
        vec![bytes(b"HTTP/1.1 200"), Piece::Timeout],
        vec![bytes(&h), bytes(b"he"), Piece::Timeout],
        vec![
            bytes(&chunked),
            bytes(b"5\r\nhello\r\n0\r\n"),
            Piece::Timeout,
        ],
        vec![
            bytes(&head("HTTP/1.1 200 OK", &[])),
            bytes(b"abc"),
            Piece::Timeout,
        ],
    ] {
        let mut t = Scripted::new(pieces);
        match read_on(&mut t, LIMIT) {
            Err(Failure::Transport(ureq::Error::Timeout(ureq::Timeout::Global))) => {}
            other => panic!("not the transport's timeout: {other:?}"),
        }
    }
}
