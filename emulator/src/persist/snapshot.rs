//! The state file under `--data-dir`: every channel as an XML document of our own, written
//! atomically so that a crash leaves either the old state or the new one, never a mix. It
//! is the base the journal's records apply to (see the parent module).
//!
//! Everything in a [`Channel`] is kept except `live`: a push that is live when the state
//! file is written is carried over in the journal instead. Times keep full nanosecond
//! precision and durations their exact `f64` value, so `decode(encode(s))` gives back `s`
//! exactly (with `live` cleared).
//!
//! Version 2 names the journal its records go on in (`journal="N"`). Version 1, what
//! emulators before the journal wrote, is read as version 2 with no journal.

use std::collections::{BTreeMap, VecDeque};
use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::Path;
use std::time::SystemTime;

use roxmltree::{Document, Node};

use crate::model::{Channel, ChannelConfig, ChannelStatus, Fragment, LiveRecord, Snapshot, Target};
use crate::persist::text::{parse_time, time_text};

/// The channels of one bucket, by channel name (which equals each `Channel::name`).
pub type BucketState = BTreeMap<String, Channel>;

/// The format version written in `<EmulatorState version="…">`.
const VERSION: &str = "2";
/// The version before the journal; read, never written.
const VERSION_WITHOUT_JOURNAL: &str = "1";

/// What a state file holds.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StateFile {
    /// The channels by bucket.
    pub buckets: BTreeMap<String, BucketState>,
    /// The generation of the journal whose records follow this state (0 for a version 1
    /// file, which has none).
    pub journal: u64,
}

// ---------------------------------------------------------------------------------------
// Encoding

/// Whether XML 1.0 can carry `c` at all; the rest (most C0 controls) cannot appear even as
/// character references, so strings holding them are stored as hex.
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
}

fn indent(out: &mut String, depth: usize) {
    for _ in 0..depth {
        out.push_str("  ");
    }
}

fn open(out: &mut String, depth: usize, name: &str) {
    indent(out, depth);
    let _ = writeln!(out, "<{name}>");
}

fn close(out: &mut String, depth: usize, name: &str) {
    indent(out, depth);
    let _ = writeln!(out, "</{name}>");
}

/// A string element. `\r` is written as a reference because parsers turn a raw CR into LF;
/// strings XML cannot carry go into a `hex` attribute instead.
fn text(out: &mut String, depth: usize, name: &str, value: &str) {
    indent(out, depth);
    if !value.chars().all(xml_char) {
        let hex: String = value.bytes().map(|b| format!("{b:02x}")).collect();
        let _ = writeln!(out, "<{name} hex=\"{hex}\"/>");
        return;
    }
    let _ = write!(out, "<{name}>");
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            _ => out.push(c),
        }
    }
    let _ = writeln!(out, "</{name}>");
}

fn encode_channel(out: &mut String, c: &Channel) {
    let d = 3;
    open(out, 2, "Channel");
    text(out, d, "Name", &c.name);
    text(out, d, "Description", &c.config.description);
    text(out, d, "Status", c.config.status.as_str());
    text(
        out,
        d,
        "FragDuration",
        &c.config.target.frag_duration.to_string(),
    );
    text(out, d, "FragCount", &c.config.target.frag_count.to_string());
    text(out, d, "PlaylistName", &c.config.target.playlist_name);
    if let Some(s) = &c.config.snapshot {
        open(out, d, "Snapshot");
        text(out, d + 1, "RoleName", &s.role_name);
        text(out, d + 1, "DestBucket", &s.dest_bucket);
        text(out, d + 1, "NotifyTopic", &s.notify_topic);
        text(out, d + 1, "Interval", &s.interval.to_string());
        close(out, d, "Snapshot");
    }
    text(out, d, "LastModified", &time_text(c.last_modified));
    open(out, d, "History");
    for r in &c.history {
        open(out, d + 1, "Record");
        text(out, d + 2, "StartTime", &time_text(r.start_time));
        text(out, d + 2, "EndTime", &time_text(r.end_time));
        text(out, d + 2, "RemoteAddr", &r.remote_addr);
        close(out, d + 1, "Record");
    }
    close(out, d, "History");
    open(out, d, "Fragments");
    for f in &c.fragments {
        open(out, d + 1, "Fragment");
        text(out, d + 2, "StartTime", &time_text(f.start_time));
        // `{}` on f64 prints the shortest text that parses back to the same value.
        text(out, d + 2, "Duration", &f.duration.to_string());
        text(out, d + 2, "Name", &f.name);
        close(out, d + 1, "Fragment");
    }
    close(out, d, "Fragments");
    close(out, 2, "Channel");
}

/// The whole state as the document [`decode`] reads, followed by journal `journal`. Each
/// bucket map's keys are expected to equal the channels' names; only the names are stored.
pub fn encode(state: &BTreeMap<String, BucketState>, journal: u64) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<EmulatorState version=\"{VERSION}\" journal=\"{journal}\">"
    );
    for (bucket, channels) in state {
        open(&mut out, 1, "Bucket");
        text(&mut out, 2, "Name", bucket);
        for channel in channels.values() {
            encode_channel(&mut out, channel);
        }
        close(&mut out, 1, "Bucket");
    }
    out.push_str("</EmulatorState>\n");
    out
}

// ---------------------------------------------------------------------------------------
// Decoding

fn elements<'a, 'input>(
    node: Node<'a, 'input>,
    name: &'a str,
) -> impl Iterator<Item = Node<'a, 'input>> {
    node.children()
        .filter(move |n| n.is_element() && n.tag_name().name() == name)
}

fn hex_decode(hex: &str) -> Option<Vec<u8>> {
    if hex.len() % 2 != 0 {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}

/// The string stored in the child element `name` of `node`; `at` says where, for errors.
fn child_string(node: Node<'_, '_>, name: &str, at: &str) -> Result<String, String> {
    let child = elements(node, name)
        .next()
        .ok_or_else(|| format!("{at}: {name} is missing"))?;
    if let Some(hex) = child.attribute("hex") {
        let bytes =
            hex_decode(hex).ok_or_else(|| format!("{at}: {name} has a bad hex attribute"))?;
        return String::from_utf8(bytes).map_err(|_| format!("{at}: {name} hex is not UTF-8"));
    }
    Ok(child
        .children()
        .filter(|c| c.is_text())
        .filter_map(|c| c.text())
        .collect())
}

fn child_parsed<T: std::str::FromStr>(
    node: Node<'_, '_>,
    name: &str,
    at: &str,
    what: &str,
) -> Result<T, String> {
    let s = child_string(node, name, at)?;
    s.parse()
        .map_err(|_| format!("{at}: {name} {s:?} is not {what}"))
}

fn child_time(node: Node<'_, '_>, name: &str, at: &str) -> Result<SystemTime, String> {
    let s = child_string(node, name, at)?;
    parse_time(&s).ok_or_else(|| format!("{at}: {name} {s:?} is not a time (SECONDS.NANOSECONDS)"))
}

fn decode_channel(node: Node<'_, '_>, bucket_at: &str) -> Result<Channel, String> {
    let name = child_string(node, "Name", &format!("{bucket_at}, a Channel"))?;
    let at = format!("{bucket_at}, channel {name:?}");
    let status_text = child_string(node, "Status", &at)?;
    let status = ChannelStatus::parse(&status_text)
        .ok_or_else(|| format!("{at}: Status {status_text:?} is not enabled or disabled"))?;
    let snapshot = match elements(node, "Snapshot").next() {
        None => None,
        Some(s) => {
            let at = format!("{at}, Snapshot");
            Some(Snapshot {
                role_name: child_string(s, "RoleName", &at)?,
                dest_bucket: child_string(s, "DestBucket", &at)?,
                notify_topic: child_string(s, "NotifyTopic", &at)?,
                interval: child_parsed(s, "Interval", &at, "an integer")?,
            })
        }
    };
    let config = ChannelConfig {
        description: child_string(node, "Description", &at)?,
        status,
        target: Target {
            frag_duration: child_parsed(node, "FragDuration", &at, "an integer")?,
            frag_count: child_parsed(node, "FragCount", &at, "an integer")?,
            playlist_name: child_string(node, "PlaylistName", &at)?,
        },
        snapshot,
    };
    let last_modified = child_time(node, "LastModified", &at)?;

    let mut history = VecDeque::new();
    if let Some(h) = elements(node, "History").next() {
        for (i, r) in elements(h, "Record").enumerate() {
            let at = format!("{at}, history record {}", i + 1);
            history.push_back(LiveRecord {
                start_time: child_time(r, "StartTime", &at)?,
                end_time: child_time(r, "EndTime", &at)?,
                remote_addr: child_string(r, "RemoteAddr", &at)?,
            });
        }
    }
    let mut fragments = Vec::new();
    if let Some(fs) = elements(node, "Fragments").next() {
        for (i, f) in elements(fs, "Fragment").enumerate() {
            let at = format!("{at}, fragment {}", i + 1);
            fragments.push(Fragment {
                start_time: child_time(f, "StartTime", &at)?,
                duration: child_parsed(f, "Duration", &at, "a number")?,
                name: child_string(f, "Name", &at)?,
            });
        }
    }
    Ok(Channel {
        name,
        config,
        last_modified,
        live: None,
        history,
        fragments,
    })
}

/// Reads a document written by [`encode`], or by an emulator before the journal (version
/// 1). Errors say which bucket, channel and element is wrong; unknown elements are ignored
/// so later versions can add to the format.
pub fn decode(text: &str) -> Result<StateFile, String> {
    let doc = Document::parse(text).map_err(|e| format!("not an XML document: {e}"))?;
    let root = doc.root_element();
    if root.tag_name().name() != "EmulatorState" {
        return Err(format!(
            "the root element is {}, not EmulatorState",
            root.tag_name().name()
        ));
    }
    let journal = match root.attribute("version") {
        Some(VERSION_WITHOUT_JOURNAL) => 0,
        Some(VERSION) => {
            let text = root
                .attribute("journal")
                .ok_or("EmulatorState version 2 has no journal attribute")?;
            text.parse()
                .map_err(|_| format!("EmulatorState journal {text:?} is not a number"))?
        }
        Some(v) => {
            return Err(format!(
                "unsupported EmulatorState version {v:?} (this emulator reads \
                 {VERSION_WITHOUT_JOURNAL:?} and {VERSION:?}); was it written by a newer emulator?"
            ));
        }
        None => return Err("EmulatorState has no version attribute".to_string()),
    };
    let mut buckets = BTreeMap::new();
    for (i, b) in elements(root, "Bucket").enumerate() {
        let bucket = child_string(b, "Name", &format!("bucket {}", i + 1))?;
        let at = format!("bucket {bucket:?}");
        let mut channels = BucketState::new();
        for c in elements(b, "Channel") {
            let channel = decode_channel(c, &at)?;
            if channels.contains_key(&channel.name) {
                return Err(format!("{at}: channel {:?} appears twice", channel.name));
            }
            channels.insert(channel.name.clone(), channel);
        }
        if buckets.insert(bucket.clone(), channels).is_some() {
            return Err(format!("{at} appears twice"));
        }
    }
    Ok(StateFile { buckets, journal })
}

/// Reads the state file at `path`; `Ok(None)` when there is none yet (a first start).
pub fn load(path: &Path) -> Result<Option<StateFile>, String> {
    let bytes = match fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    let text = String::from_utf8(bytes)
        .map_err(|_| format!("{}: the file is not UTF-8", path.display()))?;
    decode(&text)
        .map(Some)
        .map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
#[path = "snapshot_tests.rs"]
mod tests;
