//! Fault injection: a queue of ways the next requests should go wrong, so that clients can test
//! their retry, timeout and parsing paths against an emulator that misbehaves on demand.
//!
//! Faults are written as short specs (`status:503`, `stall:200`, `drop`...) on the command line
//! and on the admin endpoint; [`Fault`] parses and prints that syntax.

use std::collections::VecDeque;
use std::fmt;
use std::str::FromStr;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use crate::http::{Delivery, Response};

/// The largest padding `oversized:BYTES` accepts: enough to exceed any sane client-side limit
/// without letting one admin call eat the emulator's memory.
pub const MAX_OVERSIZED_BYTES: usize = 256 * 1024 * 1024;

/// Listed in every parse error so the user does not have to look the syntax up.
const ACCEPTED_FORMS: &str = "status:CODE (100-599), stall:MILLIS, stall-body:MILLIS, drop, reset, truncated, \
     non-xml, non-xml-error, oversized:BYTES (at most 268435456), wrong-content-length";

/// The body of a [`Fault::NonXml`] answer.
pub const NON_XML_BODY: &str = "this is not XML";
/// The body of a [`Fault::NonXmlError`] answer, what a misbehaving proxy in front of OSS sends.
pub const NON_XML_ERROR_BODY: &str = "<html><body><h1>502 Bad Gateway</h1></body></html>";

/// What the next requests go wrong with, for clients' reliability tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Answer this status with an OSS-style error (the app builds the body); the request is not executed.
    Status(u16),
    /// Wait before handling, then handle normally.
    Stall(Duration),
    /// Handle, then deliver with [`Delivery::StallBody`].
    StallBody(Duration),
    /// Not executed; [`Delivery::Drop`].
    Drop,
    /// Not executed; [`Delivery::Reset`].
    Reset,
    /// Handle; [`Delivery::Truncated`].
    Truncated,
    /// Not executed; 200 with the text/plain body [`NON_XML_BODY`].
    NonXml,
    /// Not executed; 502 with the text/html body [`NON_XML_ERROR_BODY`].
    NonXmlError,
    /// Handle, then pad the response body with spaces to at least this many bytes (see [`pad_xml`]).
    Oversized(usize),
    /// Handle; [`Delivery::WrongContentLength`].
    WrongContentLength,
}

impl Fault {
    /// Whether the request is still carried out (its side effects happen) despite the fault.
    pub fn executes(&self) -> bool {
        matches!(
            self,
            Fault::Stall(_)
                | Fault::StallBody(_)
                | Fault::Truncated
                | Fault::Oversized(_)
                | Fault::WrongContentLength
        )
    }

    /// How long to wait before handling the request, for [`Fault::Stall`].
    pub fn delay_before(&self) -> Option<Duration> {
        match self {
            Fault::Stall(delay) => Some(*delay),
            _ => None,
        }
    }

    /// The wire delivery this fault calls for.
    pub fn delivery(&self) -> Delivery {
        match self {
            Fault::StallBody(delay) => Delivery::StallBody(*delay),
            Fault::Drop => Delivery::Drop,
            Fault::Reset => Delivery::Reset,
            Fault::Truncated => Delivery::Truncated,
            Fault::WrongContentLength => Delivery::WrongContentLength,
            Fault::Status(_)
            | Fault::Stall(_)
            | Fault::NonXml
            | Fault::NonXmlError
            | Fault::Oversized(_) => Delivery::Normal,
        }
    }

    /// The complete answer for faults that replace the request without needing the app
    /// (`non-xml`, `non-xml-error`, `drop`, `reset`). `None` for the others, including
    /// `status:CODE`, whose OSS error document only the app can build. The app still adds its
    /// usual headers (Date, x-oss-request-id...).
    pub fn replacement(&self) -> Option<Response> {
        match self {
            Fault::NonXml => Some(
                Response::new(200)
                    .with_header("Content-Type", "text/plain")
                    .with_body(NON_XML_BODY),
            ),
            Fault::NonXmlError => Some(
                Response::new(502)
                    .with_header("Content-Type", "text/html")
                    .with_body(NON_XML_ERROR_BODY),
            ),
            Fault::Drop | Fault::Reset => Some(Response::new(500).with_delivery(self.delivery())),
            _ => None,
        }
    }

    /// Applies an executing fault to the response the app produced: pads it for `oversized`,
    /// sets the delivery for `stall-body`, `truncated` and `wrong-content-length`.
    pub fn shape(&self, response: Response) -> Response {
        match self {
            Fault::Oversized(at_least) => {
                let body = pad_xml(response.body, *at_least);
                Response { body, ..response }
            }
            Fault::StallBody(_) | Fault::Truncated | Fault::WrongContentLength => {
                response.with_delivery(self.delivery())
            }
            _ => response,
        }
    }

    /// Parses `SPEC[xN]`, the form of the `--fault` flag and the admin endpoint: a spec, then
    /// optionally `x` and how many consecutive requests it applies to (default 1), e.g. `status:503x3`.
    pub fn parse_counted(spec: &str) -> Result<(Fault, usize), String> {
        let spec = spec.trim();
        if let Some(at) = spec.rfind('x') {
            let (fault, count) = (&spec[..at], &spec[at + 1..]);
            // No fault spec ends in `x` followed by digits, so this split is unambiguous.
            if !fault.is_empty() && !count.is_empty() && count.bytes().all(|b| b.is_ascii_digit()) {
                let count = match count.parse::<usize>() {
                    Ok(count) if count > 0 => count,
                    _ => {
                        return Err(format!(
                            "invalid fault spec {spec:?}: the repeat count after 'x' must be a positive integer; \
                             accepted forms: SPEC or SPECxN, SPEC one of {ACCEPTED_FORMS}"
                        ));
                    }
                };
                return Ok((fault.parse()?, count));
            }
        }
        Ok((spec.parse()?, 1))
    }
}

/// Parses a positive decimal made of digits only (no sign, no spaces, no `0x`).
fn positive(what: &str, digits: &str) -> Result<u64, String> {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{what} must be a positive integer, not {digits:?}"));
    }
    match digits.parse::<u64>() {
        Ok(0) => Err(format!("{what} must be a positive integer, not 0")),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("{what} {digits} is too large")),
    }
}

fn millis(digits: &str) -> Result<Duration, String> {
    positive("the delay in milliseconds", digits).map(Duration::from_millis)
}

/// Parses a spec already trimmed; the error says what is wrong, the caller adds the context.
fn parse_spec(spec: &str) -> Result<Fault, String> {
    let (kind, arg) = match spec.split_once(':') {
        Some((kind, arg)) => (kind, Some(arg)),
        None => (spec, None),
    };
    match (kind, arg) {
        ("status", Some(arg)) => {
            let code = positive("the status code", arg)?;
            match u16::try_from(code) {
                Ok(code) if (100..=599).contains(&code) => Ok(Fault::Status(code)),
                _ => Err(format!("status code {code} is not in 100-599")),
            }
        }
        ("stall", Some(arg)) => millis(arg).map(Fault::Stall),
        ("stall-body", Some(arg)) => millis(arg).map(Fault::StallBody),
        ("oversized", Some(arg)) => {
            let bytes = positive("the size in bytes", arg)?;
            match usize::try_from(bytes) {
                Ok(bytes) if bytes <= MAX_OVERSIZED_BYTES => Ok(Fault::Oversized(bytes)),
                _ => Err(format!(
                    "size {bytes} is larger than {MAX_OVERSIZED_BYTES} bytes"
                )),
            }
        }
        ("drop", None) => Ok(Fault::Drop),
        ("reset", None) => Ok(Fault::Reset),
        ("truncated", None) => Ok(Fault::Truncated),
        ("non-xml", None) => Ok(Fault::NonXml),
        ("non-xml-error", None) => Ok(Fault::NonXmlError),
        ("wrong-content-length", None) => Ok(Fault::WrongContentLength),
        ("status" | "stall" | "stall-body" | "oversized", None) => {
            Err(format!("{kind} needs an argument after ':'"))
        }
        (
            "drop" | "reset" | "truncated" | "non-xml" | "non-xml-error" | "wrong-content-length",
            Some(_),
        ) => Err(format!("{kind} takes no argument")),
        _ => Err(format!("unknown fault {kind:?}")),
    }
}

impl FromStr for Fault {
    type Err = String;

    /// Accepts `status:CODE`, `stall:MILLIS`, `stall-body:MILLIS`, `drop`, `reset`, `truncated`,
    /// `non-xml`, `non-xml-error`, `oversized:BYTES` and `wrong-content-length`; surrounding
    /// whitespace is ignored (an admin request body may end with a newline).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let spec = s.trim();
        parse_spec(spec).map_err(|reason| {
            format!("invalid fault spec {spec:?}: {reason}; accepted forms: {ACCEPTED_FORMS}")
        })
    }
}

impl fmt::Display for Fault {
    /// Prints the spec syntax that [`Fault::from_str`] accepts.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fault::Status(code) => write!(f, "status:{code}"),
            Fault::Stall(delay) => write!(f, "stall:{}", delay.as_millis()),
            Fault::StallBody(delay) => write!(f, "stall-body:{}", delay.as_millis()),
            Fault::Drop => f.write_str("drop"),
            Fault::Reset => f.write_str("reset"),
            Fault::Truncated => f.write_str("truncated"),
            Fault::NonXml => f.write_str("non-xml"),
            Fault::NonXmlError => f.write_str("non-xml-error"),
            Fault::Oversized(bytes) => write!(f, "oversized:{bytes}"),
            Fault::WrongContentLength => f.write_str("wrong-content-length"),
        }
    }
}

/// The faults waiting for the next requests, shared by the CLI, the admin endpoint and the
/// request handlers; each request takes at most one, in the order they were pushed.
///
/// A fault pushed N times is stored once with its count, so a huge count cannot exhaust memory.
#[derive(Debug, Default)]
pub struct Faults {
    queue: Mutex<VecDeque<(Fault, usize)>>,
}

impl Faults {
    /// An empty queue.
    pub fn new() -> Self {
        Faults::default()
    }

    fn queue(&self) -> MutexGuard<'_, VecDeque<(Fault, usize)>> {
        // Every operation leaves the queue consistent, so a poisoned lock is still usable.
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Queues `fault` for the next `count` requests (after those already queued).
    pub fn push(&self, fault: Fault, count: usize) {
        if count == 0 {
            return;
        }
        let mut queue = self.queue();
        match queue.back_mut() {
            Some((last, n)) if *last == fault => *n = n.saturating_add(count),
            _ => queue.push_back((fault, count)),
        }
    }

    /// Takes the fault for the current request, if any.
    pub fn take(&self) -> Option<Fault> {
        let mut queue = self.queue();
        let (fault, count) = queue.front_mut()?;
        let fault = *fault;
        *count -= 1;
        if *count == 0 {
            queue.pop_front();
        }
        Some(fault)
    }

    /// Forgets every queued fault.
    pub fn clear(&self) {
        self.queue().clear();
    }

    /// How many requests still have a fault waiting for them.
    pub fn pending(&self) -> usize {
        self.queue()
            .iter()
            .fold(0usize, |sum, (_, n)| sum.saturating_add(*n))
    }

    /// The queue as (fault, remaining count) pairs, in order, for the admin endpoint to show.
    pub fn snapshot(&self) -> Vec<(Fault, usize)> {
        self.queue().iter().copied().collect()
    }
}

/// Pads a response body with ASCII spaces to at least `at_least` bytes, keeping XML well-formed.
///
/// The spaces go right before the last closing tag (whitespace content is always allowed
/// there), or after the XML declaration if there is no closing tag; a body that does not look
/// like XML gets them appended.
pub fn pad_xml(mut body: Vec<u8>, at_least: usize) -> Vec<u8> {
    let Some(missing) = at_least.checked_sub(body.len()).filter(|&m| m > 0) else {
        return body;
    };
    let at = xml_padding_point(&body).unwrap_or(body.len());
    body.splice(at..at, std::iter::repeat_n(b' ', missing));
    body
}

fn xml_padding_point(body: &[u8]) -> Option<usize> {
    let content = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let offset = body.len() - content.len();
    let start = offset + content.iter().position(|b| !b.is_ascii_whitespace())?;
    if body[start] != b'<' {
        return None;
    }
    if let Some(close) = body.windows(2).rposition(|w| w == b"</") {
        return Some(close);
    }
    if body[start..].starts_with(b"<?xml") {
        let end = body[start..].windows(2).position(|w| w == b"?>")?;
        return Some(start + end + 2);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Fault; 10] = [
        Fault::Status(503),
        Fault::Stall(Duration::from_millis(250)),
        Fault::StallBody(Duration::from_millis(1)),
        Fault::Drop,
        Fault::Reset,
        Fault::Truncated,
        Fault::NonXml,
        Fault::NonXmlError,
        Fault::Oversized(1_048_576),
        Fault::WrongContentLength,
    ];

    #[test]
    fn specs_round_trip() {
        for fault in ALL {
            let spec = fault.to_string();
            assert_eq!(spec.parse::<Fault>(), Ok(fault), "{spec}");
        }
        assert_eq!("status:100".parse(), Ok(Fault::Status(100)));
        assert_eq!("status:599".parse(), Ok(Fault::Status(599)));
        assert_eq!(" drop\n".parse(), Ok(Fault::Drop));
        assert_eq!(
            "oversized:268435456".parse(),
            Ok(Fault::Oversized(MAX_OVERSIZED_BYTES))
        );
        assert_eq!(
            Fault::Stall(Duration::from_millis(1500)).to_string(),
            "stall:1500"
        );
    }

    #[test]
    fn bad_specs_are_rejected_with_clear_messages() {
        let cases = [
            ("", "invalid fault spec \"\": unknown fault \"\""),
            (
                "explode",
                "invalid fault spec \"explode\": unknown fault \"explode\"; accepted forms: status:CODE",
            ),
            ("Drop", "unknown fault \"Drop\""),
            ("status", "status needs an argument after ':'"),
            (
                "status:",
                "the status code must be a positive integer, not \"\"",
            ),
            ("status:99", "status code 99 is not in 100-599"),
            ("status:600", "status code 600 is not in 100-599"),
            ("status:70000", "status code 70000 is not in 100-599"),
            ("status:+503", "must be a positive integer, not \"+503\""),
            ("status:5O3", "must be a positive integer"),
            (
                "stall:0",
                "the delay in milliseconds must be a positive integer, not 0",
            ),
            ("stall:-5", "must be a positive integer"),
            ("stall:1.5", "must be a positive integer"),
            ("stall: 10", "must be a positive integer"),
            (
                "stall:99999999999999999999999",
                "the delay in milliseconds 99999999999999999999999 is too large",
            ),
            ("stall-body:abc", "must be a positive integer"),
            (
                "oversized:268435457",
                "size 268435457 is larger than 268435456 bytes",
            ),
            (
                "oversized:0x10",
                "the size in bytes must be a positive integer",
            ),
            ("drop:1", "drop takes no argument"),
            ("non-xml:x", "non-xml takes no argument"),
        ];
        for (spec, expected) in cases {
            let err = spec.parse::<Fault>().expect_err(spec);
            assert!(
                err.contains(expected),
                "{spec:?} gave {err:?}, wanted {expected:?}"
            );
            assert!(err.starts_with("invalid fault spec "), "{err}");
            assert!(
                err.ends_with(ACCEPTED_FORMS),
                "{spec:?}: message lists the accepted forms: {err}"
            );
        }
    }

    #[test]
    fn counted_specs() {
        assert_eq!(Fault::parse_counted("drop"), Ok((Fault::Drop, 1)));
        assert_eq!(
            Fault::parse_counted("status:503x3"),
            Ok((Fault::Status(503), 3))
        );
        assert_eq!(Fault::parse_counted("non-xml"), Ok((Fault::NonXml, 1)));
        assert_eq!(
            Fault::parse_counted("non-xml-errorx2"),
            Ok((Fault::NonXmlError, 2))
        );
        assert_eq!(
            Fault::parse_counted("stall:100x10"),
            Ok((Fault::Stall(Duration::from_millis(100)), 10))
        );
        assert!(
            Fault::parse_counted("dropx0")
                .unwrap_err()
                .contains("positive integer")
        );
        assert!(
            Fault::parse_counted("bogusx2")
                .unwrap_err()
                .contains("invalid fault spec \"bogus\": unknown fault \"bogus\"")
        );
    }

    #[test]
    fn executes_and_delivery() {
        let executing: Vec<Fault> = ALL.into_iter().filter(Fault::executes).collect();
        assert_eq!(
            executing,
            [
                Fault::Stall(Duration::from_millis(250)),
                Fault::StallBody(Duration::from_millis(1)),
                Fault::Truncated,
                Fault::Oversized(1_048_576),
                Fault::WrongContentLength
            ]
        );
        assert_eq!(Fault::Reset.delivery(), Delivery::Reset);
        assert_eq!(
            Fault::Stall(Duration::from_millis(7)).delay_before(),
            Some(Duration::from_millis(7))
        );
        let replaced = Fault::NonXmlError.replacement().expect("replacement");
        assert_eq!(
            (replaced.status, replaced.header("content-type")),
            (502, Some("text/html"))
        );
        assert_eq!(
            Fault::Drop.replacement().map(|r| r.delivery),
            Some(Delivery::Drop)
        );
        assert!(Fault::Status(503).replacement().is_none());
        let shaped = Fault::Oversized(100).shape(Response::new(200).with_body("<a></a>"));
        assert_eq!(shaped.body.len(), 100);
        assert_eq!(
            Fault::Truncated.shape(Response::new(200)).delivery,
            Delivery::Truncated
        );
    }

    #[test]
    fn queue_is_fifo_with_counts() {
        let faults = Faults::new();
        assert_eq!(faults.take(), None);
        faults.push(Fault::Drop, 2);
        faults.push(Fault::Status(500), 1);
        faults.push(Fault::Status(500), 1);
        faults.push(Fault::Reset, 0);
        assert_eq!(faults.pending(), 4);
        assert_eq!(
            faults.snapshot(),
            [(Fault::Drop, 2), (Fault::Status(500), 2)]
        );
        assert_eq!(faults.take(), Some(Fault::Drop));
        assert_eq!(faults.take(), Some(Fault::Drop));
        assert_eq!(faults.take(), Some(Fault::Status(500)));
        assert_eq!(faults.pending(), 1);
        faults.clear();
        assert_eq!((faults.pending(), faults.take()), (0, None));
        faults.push(Fault::Truncated, usize::MAX);
        faults.push(Fault::Truncated, 5);
        assert_eq!(faults.pending(), usize::MAX);
    }

    #[test]
    fn queue_is_shared_between_threads() {
        let faults = std::sync::Arc::new(Faults::new());
        faults.push(Fault::Drop, 1000);
        let takers: Vec<_> = (0..4)
            .map(|_| {
                let faults = std::sync::Arc::clone(&faults);
                std::thread::spawn(move || (0..300).filter(|_| faults.take().is_some()).count())
            })
            .collect();
        let taken: usize = takers
            .into_iter()
            .map(|t| t.join().expect("taker thread"))
            .sum();
        assert_eq!(taken, 1000);
        assert_eq!(faults.pending(), 0);
    }

    fn assert_well_formed(xml: &[u8]) {
        let text = std::str::from_utf8(xml).expect("utf-8");
        roxmltree::Document::parse(text)
            .unwrap_or_else(|e| panic!("not well-formed ({e}): {text:?}"));
    }

    #[test]
    fn padding_keeps_xml_well_formed() {
        let doc = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<LiveChannelStat><Status>Idle</Status></LiveChannelStat>\n";
        let padded = pad_xml(doc.to_vec(), 4096);
        assert_eq!(padded.len(), 4096);
        assert_well_formed(&padded);
        assert!(
            padded.ends_with(b"</LiveChannelStat>\n"),
            "padding goes inside the root element"
        );
        let root = roxmltree::Document::parse(std::str::from_utf8(&padded).unwrap_or_default())
            .map(|d| d.root_element().tag_name().name().to_string());
        assert_eq!(root.as_deref(), Ok("LiveChannelStat"));

        // Only a declaration and a self-closing root: pad after the declaration.
        let padded = pad_xml(b"<?xml version=\"1.0\"?><Empty/>".to_vec(), 100);
        assert_eq!(padded.len(), 100);
        assert!(padded.ends_with(b" <Empty/>"));
        assert_well_formed(&padded);

        // With a byte-order mark and leading whitespace.
        let padded = pad_xml(b"\xEF\xBB\xBF\n<a><b/></a>".to_vec(), 50);
        assert_eq!(padded.len(), 50);
        assert!(padded.ends_with(b" </a>"));

        // Not XML: appended.
        assert_eq!(pad_xml(b"#EXTM3U".to_vec(), 10), b"#EXTM3U   ");
        assert_eq!(pad_xml(Vec::new(), 3), b"   ");
        // Already large enough: untouched.
        assert_eq!(pad_xml(b"<a></a>".to_vec(), 3), b"<a></a>");
    }
}
