//! The bytes of a request: an HTTP/1.1 head written straight from the signed headers,
//! then the body, in one buffer, so that the whole request leaves in one write.

use std::io::Write;

/// Appends the request line, the head and the body (if any) of one request to `out`.
///
/// `target` is the path and query as they go on the wire (already percent-encoded),
/// `authority` the `Host` value. Every value must be a valid header value: the builder
/// and the credentials check refuse control characters in what the user gives (user
/// agent, access key id, security token), and the rest is made by osslive (dates, the
/// signature). `Content-Length` is sent whenever there is a body, even an empty one, and
/// only then: a PUT or POST without it would leave the server unsure where the request
/// ends, and a GET or DELETE has no body to announce.
pub(crate) fn write(
    out: &mut Vec<u8>,
    method: &str,
    target: &str,
    authority: &str,
    user_agent: &str,
    headers: &[(&str, &str)],
    body: Option<&[u8]>,
) {
    out.extend_from_slice(method.as_bytes());
    out.push(b' ');
    out.extend_from_slice(target.as_bytes());
    out.extend_from_slice(b" HTTP/1.1\r\n");
    header(out, "host", authority);
    header(out, "user-agent", user_agent);
    for (name, value) in headers {
        header(out, name, value);
    }
    if let Some(body) = body {
        // Writing into a Vec cannot fail.
        let _ = write!(out, "content-length: {}\r\n", body.len());
    }
    out.extend_from_slice(b"\r\n");
    if let Some(body) = body {
        out.extend_from_slice(body);
    }
}

/// One `name: value` line.
fn header(out: &mut Vec<u8>, name: &str, value: &str) {
    debug_assert!(
        !value.bytes().any(|b| b.is_ascii_control() && b != b'\t'),
        "the {name} header holds a control character"
    );
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b": ");
    out.extend_from_slice(value.as_bytes());
    out.extend_from_slice(b"\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_put_carries_its_length_and_body_after_the_head() {
        let mut out = Vec::new();
        write(
            &mut out,
            "PUT",
            "/b/c?live",
            "127.0.0.1:9100",
            "ua/1",
            &[
                ("date", "Thu, 01 Jan 2026 00:00:00 GMT"),
                ("authorization", "x"),
            ],
            Some(b"<x/>"),
        );
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "PUT /b/c?live HTTP/1.1\r\nhost: 127.0.0.1:9100\r\nuser-agent: ua/1\r\n\
             date: Thu, 01 Jan 2026 00:00:00 GMT\r\nauthorization: x\r\n\
             content-length: 4\r\n\r\n<x/>"
        );
    }

    #[test]
    fn a_get_has_no_length_and_an_empty_post_says_zero() {
        let mut get = Vec::new();
        write(&mut get, "GET", "/?live", "h", "ua", &[], None);
        assert_eq!(
            get,
            b"GET /?live HTTP/1.1\r\nhost: h\r\nuser-agent: ua\r\n\r\n"
        );
        let mut post = Vec::new();
        write(
            &mut post,
            "POST",
            "/c%2Fv.m3u8?vod",
            "h",
            "ua",
            &[],
            Some(&[]),
        );
        assert!(post.ends_with(b"content-length: 0\r\n\r\n"), "{post:?}");
    }
}
