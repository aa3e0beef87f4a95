//! Errors about an answer that arrived: OSS's error documents, and 2xx bodies that are
//! not the document the operation returns.

use std::fmt;

/// Appends " (after N attempts)" when a call made more than one attempt.
pub(crate) fn attempts_note(f: &mut fmt::Formatter<'_>, attempts: u32) -> fmt::Result {
    if attempts > 1 {
        write!(f, " (after {attempts} attempts)")?;
    }
    Ok(())
}

/// An error answered by OSS: a non-2xx status with the OSS `Error` document.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServiceError {
    /// HTTP status, for example 404.
    pub status: u16,
    /// The OSS `Code`, for example `NoSuchLiveChannel`; empty when the server sent no
    /// OSS error document (a proxy's HTML page, say).
    pub code: String,
    /// The OSS `Message`, or a snippet of the body when it was not an OSS document.
    pub message: String,
    /// `RequestId` (or the `x-oss-request-id` header): quote it to support.
    pub request_id: Option<String>,
    /// `HostId`: the host that answered.
    pub host_id: Option<String>,
    /// `EC`, the detail code OSS documents per error, for example `0044-00000014`.
    pub ec: Option<String>,
    /// How many attempts the call made before giving up with this answer.
    pub attempts: u32,
}

impl ServiceError {
    /// Whether sending the same request again may succeed: server-side trouble (5xx),
    /// throttling (429) and a clock OSS found skewed (which a re-signed request fixes).
    pub fn is_retryable(&self) -> bool {
        self.status >= 500 || self.status == 429 || self.code == "RequestTimeTooSkewed"
    }
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OSS answered {}", self.status)?;
        if !self.code.is_empty() {
            write!(f, " {}", self.code)?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(ec) = &self.ec {
            write!(f, " (EC {ec})")?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " [request id {id}]")?;
        }
        attempts_note(f, self.attempts)
    }
}

impl std::error::Error for ServiceError {}

/// A 2xx answer whose body is not the document the operation returns, or is larger than
/// the client accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct InvalidResponse {
    /// HTTP status of the answer.
    pub status: u16,
    /// What was wrong.
    pub reason: String,
    /// The start of the body, to see what came instead.
    pub snippet: String,
    /// `x-oss-request-id` of the answer.
    pub request_id: Option<String>,
    /// How many attempts the call made.
    pub attempts: u32,
}

impl fmt::Display for InvalidResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid response ({}): {}", self.status, self.reason)?;
        attempts_note(f, self.attempts)?;
        if !self.snippet.is_empty() {
            write!(f, "; body starts {:?}", self.snippet)?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " [request id {id}]")?;
        }
        Ok(())
    }
}

impl std::error::Error for InvalidResponse {}
