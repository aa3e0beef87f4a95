//! Entry points for the fuzz targets in `fuzz/`; **for fuzzing only, not API**.
//!
//! The response parsers and the HTTP/1.1 answer reader live in crate-private modules so
//! that they can change freely; the fuzz targets are a separate crate and need to call them directly, without a
//! server and a client around them. This module re-exports them as thin wrappers whose
//! results use only public types. It is `#[doc(hidden)]`, carries no semver promise and
//! may change or disappear with any release: do not call it from anything but a fuzz
//! target or a regression test of a fuzz finding.

use crate::models::{
    CreateLiveChannelResult, ListLiveChannelResult, LiveChannelConfiguration, LiveChannelHistory,
    LiveChannelInfo, LiveChannelStat,
};
use crate::transport::http1::response::{self, Budget};
use crate::transport::http1::scripted::Scripted;
use crate::xml;

pub use crate::encoding::{percent_decode, percent_encode};
pub use crate::time::{
    http_date, iso8601, parse_http_date, parse_iso8601, parse_v4_datetime, v4_datetime,
};

/// Reads `text` as each credentials document osslive parses: JSON (the CLI's
/// `config.json`), the INI credentials file, and STS credentials as the ECS metadata
/// service and a credentials URI answer them. Returns the error messages that must never
/// quote the document (all but the one naming a bad `Expiration`, which shows that value),
/// for the fuzz target to check that no secret is echoed; a panic is the finding.
pub fn read_credentials_documents(text: &str) -> Vec<String> {
    use crate::credentials::session::{CodeCheck, parse};
    let mut errors = Vec::new();
    if let Err(e) = crate::credentials::json::parse(text) {
        errors.push(e);
    }
    if let Err(e) = crate::credentials::ini::Ini::parse(text) {
        errors.push(e);
    }
    for check in [CodeCheck::Required, CodeCheck::Ignored] {
        if let Err(e) = parse(text, check) {
            if !e.starts_with("the answer's Expiration") {
                errors.push(e);
            }
        }
    }
    errors
}

/// Why a body was refused, as the client would report it in `Error::InvalidResponse`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlFailure {
    /// What was wrong with the body.
    pub reason: String,
    /// The start of the body, one line, as shown to the user.
    pub snippet: String,
}

impl From<xml::XmlError> for XmlFailure {
    fn from(e: xml::XmlError) -> Self {
        XmlFailure {
            reason: e.reason,
            snippet: e.snippet,
        }
    }
}

/// The fields of an OSS `Error` document, as the client reads them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorFields {
    /// `Code`, never empty.
    pub code: String,
    /// `Message`, empty when absent.
    pub message: String,
    /// `RequestId`.
    pub request_id: Option<String>,
    /// `HostId`.
    pub host_id: Option<String>,
    /// `EC`.
    pub ec: Option<String>,
}

/// Reads a PutLiveChannel answer (`CreateLiveChannelResult`).
pub fn parse_create_result(body: &[u8]) -> Result<CreateLiveChannelResult, XmlFailure> {
    xml::parse_create_result(body).map_err(XmlFailure::from)
}

/// Reads a GetLiveChannelInfo answer (`LiveChannelConfiguration`).
pub fn parse_channel_info(body: &[u8]) -> Result<LiveChannelInfo, XmlFailure> {
    xml::parse_channel_info(body).map_err(XmlFailure::from)
}

/// Reads a ListLiveChannel page (`ListLiveChannelResult`).
pub fn parse_list(body: &[u8]) -> Result<ListLiveChannelResult, XmlFailure> {
    xml::parse_list(body).map_err(XmlFailure::from)
}

/// Reads a GetLiveChannelStat answer (`LiveChannelStat`).
pub fn parse_stat(body: &[u8]) -> Result<LiveChannelStat, XmlFailure> {
    xml::parse_stat(body).map_err(XmlFailure::from)
}

/// Reads a GetLiveChannelHistory answer (`LiveChannelHistory`).
pub fn parse_history(body: &[u8]) -> Result<LiveChannelHistory, XmlFailure> {
    xml::parse_history(body).map_err(XmlFailure::from)
}

/// Reads an OSS `Error` document from a failed answer's body; `None` when it is not one.
pub fn parse_error(body: &[u8]) -> Option<ErrorFields> {
    xml::parse_error(body).map(ErrorFields::from)
}

impl From<xml::ErrorDocument> for ErrorFields {
    fn from(doc: xml::ErrorDocument) -> Self {
        ErrorFields {
            code: doc.code,
            message: doc.message,
            request_id: doc.request_id,
            host_id: doc.host_id,
            ec: doc.ec,
        }
    }
}

/// Reads the `Error` document OSS puts base64-encoded in the `x-oss-err` header when the
/// body is empty: the same decoding as the transport does before [`parse_error`].
pub fn parse_error_header(value: &str) -> Option<ErrorFields> {
    xml::parse_error_header(value).map(ErrorFields::from)
}

/// The PutLiveChannel body the client sends for `cfg`.
pub fn write_configuration(cfg: &LiveChannelConfiguration) -> String {
    xml::write_configuration(cfg)
}

/// An answer as the client's HTTP/1.1 reader read it, and how much of the connection's
/// input it took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpAnswer {
    /// The status code.
    pub status: u16,
    /// `x-oss-request-id`.
    pub request_id: Option<String>,
    /// `x-oss-err`.
    pub oss_err: Option<String>,
    /// `Date`.
    pub date: Option<String>,
    /// The body, as its framing ends it.
    pub body: Vec<u8>,
    /// Whether the client would pool the connection for the next request.
    pub reusable: bool,
    /// The bytes the reader took: the interim answers, the head and the body.
    pub consumed: usize,
    /// The bytes the connection handed over (the pieces the reader waited for).
    pub delivered: usize,
}

/// Reads one answer, its body at most `limit` bytes, as the client does after sending a
/// request, from a connection whose reads return `pieces`, one each, then the server's
/// close. A refusal is returned as its description (the internal failure's `Debug`
/// text); a panic is the finding.
pub fn read_http_answer(pieces: &[&[u8]], limit: u64) -> Result<HttpAnswer, String> {
    let mut t = Scripted::of_bytes(pieces.iter().copied());
    let budget = Budget {
        until: std::time::Instant::now() + std::time::Duration::from_secs(60),
        reason: ureq::Timeout::Global,
    };
    let answer = response::read(&mut t, budget, limit).map_err(|f| format!("{f:?}"))?;
    let delivered = t.delivered();
    Ok(HttpAnswer {
        status: answer.status,
        request_id: answer.request_id,
        oss_err: answer.oss_err,
        date: answer.date,
        body: answer.body,
        reusable: answer.reusable,
        consumed: delivered - t.unread(),
        delivered,
    })
}
