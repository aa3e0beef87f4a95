//! The one request body osslive sends: PutLiveChannel's `LiveChannelConfiguration`.

use std::fmt::Write as _;

use crate::models::LiveChannelConfiguration;

// ---------------------------------------------------------------------------------------

/// Room for the fixed markup of a configuration with a snapshot, so that writing the body
/// never reallocates for ordinary values.
const CONFIGURATION_MARKUP_BYTES: usize = 400;

/// The PutLiveChannel body, byte for byte what oss2 (Python) sends, plus Go's `Snapshot`.
///
/// Matching Python exactly keeps the body identical to the published signature vectors.
/// One deliberate deviation: a CR in text is written as `&#13;`, because Python sends it
/// raw and every XML parser (OSS's included) then normalises it to LF, silently changing
/// the description.
pub(crate) fn write_configuration(cfg: &LiveChannelConfiguration) -> String {
    let target = &cfg.target;
    let mut capacity =
        CONFIGURATION_MARKUP_BYTES + cfg.description.len() + target.playlist_name.len();
    if let Some(s) = &cfg.snapshot {
        capacity += s.role_name.len() + s.dest_bucket.len() + s.notify_topic.len();
    }
    let mut out = String::with_capacity(capacity);
    out.push_str("<LiveChannelConfiguration>");
    text_element(&mut out, "Description", &cfg.description);
    text_element(&mut out, "Status", cfg.status.as_str());
    out.push_str("<Target>");
    text_element(&mut out, "Type", "HLS");
    number_element(&mut out, "FragDuration", target.frag_duration);
    number_element(&mut out, "FragCount", target.frag_count);
    text_element(&mut out, "PlaylistName", &target.playlist_name);
    out.push_str("</Target>");
    if let Some(s) = &cfg.snapshot {
        out.push_str("<Snapshot>");
        text_element(&mut out, "RoleName", &s.role_name);
        text_element(&mut out, "DestBucket", &s.dest_bucket);
        text_element(&mut out, "NotifyTopic", &s.notify_topic);
        number_element(&mut out, "Interval", s.interval);
        out.push_str("</Snapshot>");
    }
    out.push_str("</LiveChannelConfiguration>");
    out
}

/// One leaf element as ElementTree writes it: `<Name />` when empty (with the space, which
/// the byte-exact body needs), otherwise escaped text between tags.
fn text_element(out: &mut String, name: &str, text: &str) {
    out.push('<');
    out.push_str(name);
    if text.is_empty() {
        out.push_str(" />");
        return;
    }
    out.push('>');
    escape_text(out, text);
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

/// A numeric leaf; numbers never need escaping and are never empty.
fn number_element(out: &mut String, name: &str, value: u32) {
    out.push('<');
    out.push_str(name);
    out.push('>');
    // Writing into a String cannot fail.
    let _ = write!(out, "{value}");
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

/// Escapes text content as ElementTree does (`&`, `<`, `>` only; quotes stay raw, which is
/// legal outside attributes), plus CR as `&#13;` so that it survives the server's parser.
fn escape_text(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(i) = rest.find(['&', '<', '>', '\r']) {
        out.push_str(&rest[..i]);
        out.push_str(match rest.as_bytes()[i] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            _ => "&#13;",
        });
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
}

// ---------------------------------------------------------------------------------------
// Reading: the documents
// ---------------------------------------------------------------------------------------
