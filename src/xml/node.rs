//! The element helpers every answer is read with, and how a body that is not the expected
//! document is reported.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::str::FromStr;
use std::time::SystemTime;

use roxmltree::Document;

use super::element::Element;
use super::plain::PlainDocument;
use crate::models::ChannelStatus;

/// Why a body is not the expected document.
///
/// It carries no status or request id because only the caller knows them; the caller turns
/// it into `Error::InvalidResponse`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct XmlError {
    /// What was wrong, naming the element and value, so a log line is enough to diagnose.
    pub reason: String,
    /// The start of the body, so the user can see what arrived instead (a proxy page, say).
    pub snippet: String,
}

/// The reason a document is wrong, before the snippet is attached.
pub(super) type Reason = String;

// ---------------------------------------------------------------------------------------

/// A body read as a document: by the plain reader when it can, else by roxmltree.
pub(super) enum Parsed<'i> {
    /// Read by [`PlainDocument`], the usual case.
    Plain(PlainDocument<'i>),
    /// Read by roxmltree: a body with a DTD, attributes, references, comments, CDATA...
    Tree(Document<'i>),
}

#[cfg(test)]
thread_local! {
    /// Set by the tests that compare the two readers: read every body with roxmltree.
    pub(super) static TREE_ONLY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Parses the body and checks its root, the one check every answer needs: a 2xx answer
/// with another document (an `Error` from a proxy in front of OSS, say) must not be read
/// as an empty result.
pub(super) fn parse_document<'i>(body: &'i [u8], expected: &str) -> Result<Parsed<'i>, XmlError> {
    let text = std::str::from_utf8(body).map_err(|e| {
        invalid(
            format!(
                "expected <{expected}>, but the body is not UTF-8 (invalid byte at offset {})",
                e.valid_up_to()
            ),
            body,
        )
    })?;
    if text.trim().is_empty() {
        return Err(invalid(
            format!("expected <{expected}>, but the body is empty"),
            body,
        ));
    }
    #[cfg(test)]
    let plain = if TREE_ONLY.get() {
        None
    } else {
        PlainDocument::parse(text)
    };
    #[cfg(not(test))]
    let plain = PlainDocument::parse(text);
    let parsed = match plain {
        Some(doc) => Parsed::Plain(doc),
        None => Parsed::Tree(Document::parse(text).map_err(|e| {
            invalid(
                format!("expected <{expected}>, but the body is not XML ({e})"),
                body,
            )
        })?),
    };
    let found = match &parsed {
        Parsed::Plain(doc) => doc.root_element().name(),
        Parsed::Tree(doc) => doc.root_element().tag_name().name(),
    };
    if found != expected {
        return Err(invalid(
            format!("expected <{expected}>, found <{found}>"),
            body,
        ));
    }
    Ok(parsed)
}

/// Attaches the snippet to a reason; done once per failure, so the happy path never
/// copies the body.
pub(super) fn invalid(reason: Reason, body: &[u8]) -> XmlError {
    XmlError {
        reason,
        snippet: snippet(body),
    }
}

/// Characters of the body shown in an error: enough to recognise an HTML page or an
/// `Error` document, short enough for a log line.
pub(super) const SNIPPET_CHARS: usize = 200;

/// The first [`SNIPPET_CHARS`] characters of the body, lossily decoded, with control
/// characters (newlines of pretty-printed XML included) turned into spaces so the snippet
/// stays on one line.
pub(super) fn snippet(body: &[u8]) -> String {
    // A character is at most 4 bytes, so this prefix always holds SNIPPET_CHARS characters
    // when the body has them, without decoding a 500 KB body.
    let head = &body[..body.len().min(SNIPPET_CHARS * 4)];
    String::from_utf8_lossy(head)
        .chars()
        .take(SNIPPET_CHARS)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// The element children of a node; see [`Element::children`].
pub(super) fn element_children<'a, E: Element<'a>>(node: E) -> impl Iterator<Item = E> {
    node.children()
}

/// The text of a leaf element; see [`Element::text`].
pub(super) fn text_of<'a, E: Element<'a>>(node: E) -> Cow<'a, str> {
    node.text()
}

/// Free text (descriptions, names, markers) exactly as sent: its whitespace may be the
/// user's.
pub(super) fn string_of<'a>(node: impl Element<'a>) -> String {
    text_of(node).into_owned()
}

/// Tokens (codecs, addresses) without surrounding whitespace, which cannot be meaningful.
pub(super) fn trimmed_string<'a>(node: impl Element<'a>) -> String {
    text_of(node).trim().to_owned()
}

/// Free text where empty means "not given" (`NextMarker`, `Name`, error fields).
pub(super) fn non_empty<'a>(node: impl Element<'a>) -> Option<String> {
    let text = text_of(node);
    (!text.is_empty()).then(|| text.into_owned())
}

/// A token where empty or blank means "not given".
pub(super) fn non_empty_trimmed<'a>(node: impl Element<'a>) -> Option<String> {
    let text = text_of(node);
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// A number, trimmed; `None` when empty (Go decodes an empty element as 0, so OSS could
/// plausibly send one), an error when present but not a number of the model's type.
pub(super) fn number_of<'a, T: FromStr>(node: impl Element<'a>) -> Result<Option<T>, Reason> {
    let text = text_of(node);
    let value = text.trim();
    if value.is_empty() {
        return Ok(None);
    }
    value
        .parse()
        .map(Some)
        .map_err(|_| bad_value(node, value, "an unsigned integer in range"))
}

/// `true`/`false` (any ASCII case), trimmed; `None` when empty.
pub(super) fn bool_of<'a>(node: impl Element<'a>) -> Result<Option<bool>, Reason> {
    let text = text_of(node);
    let value = text.trim();
    if value.is_empty() {
        Ok(None)
    } else if value.eq_ignore_ascii_case("true") {
        Ok(Some(true))
    } else if value.eq_ignore_ascii_case("false") {
        Ok(Some(false))
    } else {
        Err(bad_value(node, value, "true or false"))
    }
}

/// `enabled`/`disabled`, trimmed; `None` when empty.
pub(super) fn channel_status_of<'a>(
    node: impl Element<'a>,
) -> Result<Option<ChannelStatus>, Reason> {
    let text = text_of(node);
    let value = text.trim();
    if value.is_empty() {
        return Ok(None);
    }
    ChannelStatus::parse(value)
        .map(Some)
        .ok_or_else(|| bad_value(node, value, "enabled or disabled"))
}

/// An ISO 8601 time with any fraction or none; `None` when empty.
pub(super) fn time_of<'a>(node: impl Element<'a>) -> Result<Option<SystemTime>, Reason> {
    let text = text_of(node);
    let value = text.trim();
    if value.is_empty() {
        return Ok(None);
    }
    crate::time::parse_iso8601(value)
        .map(Some)
        .ok_or_else(|| bad_value(node, value, "an ISO 8601 UTC time"))
}

/// The reason for a present but unusable value: where it is, what it was, what was wanted.
pub(super) fn bad_value<'a>(node: impl Element<'a>, value: &str, wanted: &str) -> Reason {
    let mut reason = String::with_capacity(64 + value.len().min(SHOWN_CHARS * 4));
    reason.push_str("invalid <");
    reason.push_str(node.name());
    reason.push('>');
    if let Some(parent) = node.parent_name() {
        reason.push_str(" in <");
        reason.push_str(parent);
        reason.push('>');
    }
    let _ = write!(reason, ": {} is not {wanted}", shown(value));
    reason
}

/// Longest stretch of a value quoted in a reason; a hostile value could be megabytes.
const SHOWN_CHARS: usize = 64;

/// A value quoted for a reason, cut to [`SHOWN_CHARS`] characters.
pub(super) fn shown(value: &str) -> String {
    match value.char_indices().nth(SHOWN_CHARS) {
        Some((cut, _)) => format!("{:?}...", &value[..cut]),
        None => format!("{value:?}"),
    }
}

/// Appends the non-empty `Url` children of a URL list, in document order; all of them, as
/// OSS may return several (one per endpoint).
pub(super) fn collect_urls<'a>(list: impl Element<'a>, urls: &mut Vec<String>) {
    for url in element_children(list) {
        if url.name() == "Url" {
            let text = text_of(url);
            let text = text.trim();
            if !text.is_empty() {
                urls.push(text.to_owned());
            }
        }
    }
}
