//! The emulator's state on disk (`--data-dir`): an XML document of our own, written
//! atomically so that a crash leaves either the old state or the new one, never a mix.
//!
//! Everything in a [`Channel`] is kept except `live`: a restart drops every RTMP
//! connection, so a persisted push would describe a publisher that is no longer there.
//! Times keep full nanosecond precision and durations their exact `f64` value, so
//! `decode(encode(s))` gives back `s` exactly (with `live` cleared).

use std::collections::{BTreeMap, VecDeque};
use std::fmt::Write as _;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write as _};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use roxmltree::{Document, Node};

use crate::model::{Channel, ChannelConfig, ChannelStatus, Fragment, LiveRecord, Snapshot, Target};

/// The channels of one bucket, by channel name (which equals each `Channel::name`).
pub type BucketState = BTreeMap<String, Channel>;

/// The format version written in `<EmulatorState version="…">`; decode refuses others.
const VERSION: &str = "1";

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

/// Seconds and nanoseconds since the epoch (`-` before it): exact, and still readable.
fn time_text(t: SystemTime) -> String {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => format!("{}.{:09}", d.as_secs(), d.subsec_nanos()),
        Err(e) => {
            let d = e.duration();
            format!("-{}.{:09}", d.as_secs(), d.subsec_nanos())
        }
    }
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

/// The whole state as the document [`decode`] reads. Each bucket map's keys are expected
/// to equal the channels' names; only the names are stored.
pub fn encode(state: &BTreeMap<String, BucketState>) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(out, "<EmulatorState version=\"{VERSION}\">");
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

fn parse_time(s: &str) -> Option<SystemTime> {
    let (negative, body) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (secs, nanos) = body.split_once('.')?;
    if secs.is_empty() || !secs.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if nanos.len() != 9 || !nanos.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let d = Duration::new(secs.parse().ok()?, nanos.parse().ok()?);
    if negative {
        UNIX_EPOCH.checked_sub(d)
    } else {
        UNIX_EPOCH.checked_add(d)
    }
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

/// Reads a document written by [`encode`]. Errors say which bucket, channel and element
/// is wrong; unknown elements are ignored so later versions can add to the format.
pub fn decode(text: &str) -> Result<BTreeMap<String, BucketState>, String> {
    let doc = Document::parse(text).map_err(|e| format!("not an XML document: {e}"))?;
    let root = doc.root_element();
    if root.tag_name().name() != "EmulatorState" {
        return Err(format!(
            "the root element is {}, not EmulatorState",
            root.tag_name().name()
        ));
    }
    match root.attribute("version") {
        Some(VERSION) => {}
        Some(v) => {
            return Err(format!(
                "unsupported EmulatorState version {v:?} (this emulator reads {VERSION:?})"
            ));
        }
        None => return Err("EmulatorState has no version attribute".to_string()),
    }
    let mut state = BTreeMap::new();
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
        if state.insert(bucket.clone(), channels).is_some() {
            return Err(format!("{at} appears twice"));
        }
    }
    Ok(state)
}

// ---------------------------------------------------------------------------------------
// Files

fn sync_dir(dir: &Path) -> io::Result<()> {
    // Only Unix can open and fsync a directory; elsewhere the rename is as durable as it gets.
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// Replaces `path` with `bytes` so that readers and crashes see the old or the new content,
/// never a partial file: write a temporary file in the same directory (so the rename stays
/// on one file system), fsync it, rename it over the target, then fsync the directory so
/// the rename itself survives a power cut.
pub fn save_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let file_name = path.file_name().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            "the state path has no file name",
        )
    })?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    // Unique per process and call, so concurrent saves never share a temporary file.
    let tmp = dir.join(format!(
        ".{}.tmp-{}-{}",
        file_name.to_string_lossy(),
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let result = (|| {
        let mut f = OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        fs::rename(&tmp, path)?;
        sync_dir(dir)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Reads the state saved at `path`; `Ok(None)` when there is no file yet (a first start).
pub fn load(path: &Path) -> Result<Option<BTreeMap<String, BucketState>>, String> {
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
mod tests {
    use super::*;
    use crate::model::{LiveSession, VideoStat};
    use std::path::PathBuf;

    fn at(nanos: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_nanos(nanos)
    }

    fn sample_channel(name: &str) -> Channel {
        Channel {
            name: name.to_string(),
            config: ChannelConfig {
                description: "desc & <test> \"q\" 'a'\r\n\ttab  ".to_string(),
                status: ChannelStatus::Disabled,
                target: Target {
                    frag_duration: 100,
                    frag_count: 1,
                    playlist_name: "myplay.m3u8".into(),
                },
                snapshot: Some(Snapshot {
                    role_name: "role".into(),
                    dest_bucket: "dest".into(),
                    notify_topic: "topic".into(),
                    interval: 7,
                }),
            },
            last_modified: at(1_472_106_315_123_456_789),
            live: None,
            history: (0..10)
                .map(|i| LiveRecord {
                    start_time: at(1_469_843_601_000_000_000 + i * 14_000_000_001),
                    end_time: at(1_469_843_611_500_000_000 + i * 14_000_000_001),
                    remote_addr: format!("10.0.0.{i}:{}", 50_000 + i),
                })
                .collect(),
            fragments: vec![
                Fragment {
                    start_time: at(1_543_895_706_266_000_000),
                    duration: 7.12,
                    name: "1543895706266.ts".into(),
                },
                Fragment {
                    start_time: at(1_543_895_706_323_000_001),
                    duration: 0.1 + 0.2,
                    name: "b.ts".into(),
                },
                Fragment {
                    start_time: UNIX_EPOCH - Duration::from_millis(1500),
                    duration: 1e-7,
                    name: "old.ts".into(),
                },
            ],
        }
    }

    fn sample_state() -> BTreeMap<String, BucketState> {
        let mut b1 = BucketState::new();
        for name in ["test-channel", "直播 +x", "ctl\u{1}\u{7f}name", "   "] {
            b1.insert(name.to_string(), sample_channel(name));
        }
        let mut plain = sample_channel("plain");
        plain.config = ChannelConfig {
            description: String::new(),
            status: ChannelStatus::Enabled,
            target: Target {
                frag_duration: 5,
                frag_count: 3,
                playlist_name: "playlist.m3u8".into(),
            },
            snapshot: None,
        };
        plain.history.clear();
        plain.fragments.clear();
        b1.insert(plain.name.clone(), plain);
        let mut state = BTreeMap::new();
        state.insert("examplebucket".to_string(), b1);
        state.insert("empty-bucket".to_string(), BucketState::new());
        state
    }

    #[test]
    fn round_trips_exactly() {
        let state = sample_state();
        let text = encode(&state);
        assert!(text.starts_with(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<EmulatorState version=\"1\">\n"
        ));
        assert_eq!(decode(&text).unwrap(), state);
        assert_eq!(decode(&encode(&BTreeMap::new())).unwrap(), BTreeMap::new());
    }

    #[test]
    fn live_sessions_are_not_persisted() {
        let mut state = sample_state();
        let channel = state
            .get_mut("examplebucket")
            .unwrap()
            .get_mut("test-channel")
            .unwrap();
        channel.live = Some(LiveSession {
            connected_time: at(1),
            remote_addr: "1.2.3.4:5".into(),
            video: Some(VideoStat::default()),
            audio: None,
        });
        let decoded = decode(&encode(&state)).unwrap();
        assert_eq!(decoded["examplebucket"]["test-channel"].live, None);
        assert_eq!(decoded, sample_state());
    }

    #[test]
    fn decode_errors_say_what_is_wrong() {
        let good = encode(&sample_state());
        let cases = [
            ("", "not an XML document"),
            ("<Other/>", "not EmulatorState"),
            ("<EmulatorState/>", "no version"),
            (
                "<EmulatorState version=\"2\"/>",
                "unsupported EmulatorState version \"2\"",
            ),
            (
                "<EmulatorState version=\"1\"><Bucket/></EmulatorState>",
                "bucket 1: Name is missing",
            ),
        ];
        for (text, needle) in cases {
            let e = decode(text).unwrap_err();
            assert!(e.contains(needle), "{e}");
        }
        let edits = [
            (
                "<FragDuration>100</FragDuration>",
                "<FragDuration>x</FragDuration>",
                "FragDuration \"x\" is not an integer",
            ),
            (
                "<Status>disabled</Status>",
                "<Status>on</Status>",
                "Status \"on\" is not enabled",
            ),
            (
                "<LastModified>1472106315.123456789</LastModified>",
                "<LastModified>yesterday</LastModified>",
                "LastModified",
            ),
            (
                "<Duration>7.12</Duration>",
                "<Duration>long</Duration>",
                "fragment 1: Duration \"long\" is not a number",
            ),
            (
                "<RemoteAddr>10.0.0.3:50003</RemoteAddr>",
                "",
                "history record 4: RemoteAddr is missing",
            ),
        ];
        for (from, to, needle) in edits {
            assert!(good.contains(from), "{from}");
            let e = decode(&good.replacen(from, to, 1)).unwrap_err();
            assert!(e.contains(needle), "{e}");
            assert!(e.contains("bucket \"examplebucket\""), "{e}");
        }
        let twice = good.replacen("<Name>plain</Name>", "<Name>test-channel</Name>", 1);
        assert!(decode(&twice).unwrap_err().contains("appears twice"));
        let bad_hex = good.replacen("hex=\"", "hex=\"zz", 1);
        assert!(decode(&bad_hex).unwrap_err().contains("bad hex"));
    }

    #[test]
    fn time_text_is_exact() {
        for t in [
            at(0),
            at(1),
            at(1_472_106_315_999_999_999),
            UNIX_EPOCH - Duration::new(3, 5),
        ] {
            assert_eq!(parse_time(&time_text(t)), Some(t));
        }
        for bad in [
            "",
            "1",
            "1.5",
            "-.000000000",
            "1.0000000000",
            "a.000000000",
            "1.-00000000",
        ] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
    }

    /// A directory under the system temp dir, removed when dropped.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new(tag: &str) -> Self {
            static N: AtomicU64 = AtomicU64::new(0);
            let nanos = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_nanos();
            let dir = std::env::temp_dir().join(format!(
                "osslive-persist-{tag}-{}-{nanos}-{}",
                std::process::id(),
                N.fetch_add(1, Ordering::Relaxed)
            ));
            fs::create_dir_all(&dir).unwrap();
            TempDir(dir)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn save_and_load() {
        let dir = TempDir::new("save");
        let path = dir.0.join("state.xml");
        assert_eq!(load(&path), Ok(None));
        let state = sample_state();
        save_atomically(&path, encode(&state).as_bytes()).unwrap();
        assert_eq!(load(&path).unwrap(), Some(state.clone()));
        // Overwrite with a smaller state: no trace of the old content, no temporary files.
        let mut smaller = state;
        smaller.remove("examplebucket");
        save_atomically(&path, encode(&smaller).as_bytes()).unwrap();
        assert_eq!(load(&path).unwrap(), Some(smaller));
        let names: Vec<String> = fs::read_dir(&dir.0)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["state.xml"]);
    }

    #[test]
    fn load_reports_bad_files() {
        let dir = TempDir::new("bad");
        let path = dir.0.join("state.xml");
        fs::write(&path, b"\xff\xfe").unwrap();
        assert!(load(&path).unwrap_err().contains("not UTF-8"));
        fs::write(&path, "<EmulatorState version=\"9\"/>").unwrap();
        let e = load(&path).unwrap_err();
        assert!(e.contains("state.xml") && e.contains("version"), "{e}");
        // A directory where the file should be is an I/O error, not "no state".
        let as_dir = dir.0.join("dir.xml");
        fs::create_dir(&as_dir).unwrap();
        assert!(load(&as_dir).is_err());
    }

    #[test]
    fn failed_save_leaves_target_and_no_temp_file() {
        let dir = TempDir::new("fail");
        let path = dir.0.join("state.xml");
        save_atomically(&path, b"old").unwrap();
        // Renaming a file over a non-empty directory fails; the old state must survive.
        let blocked = dir.0.join("blocked");
        fs::create_dir(&blocked).unwrap();
        fs::write(blocked.join("x"), b"x").unwrap();
        assert!(save_atomically(&blocked, b"new").is_err());
        assert_eq!(fs::read(&path).unwrap(), b"old");
        let mut names: Vec<String> = fs::read_dir(&dir.0)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["blocked", "state.xml"]);
        assert!(save_atomically(Path::new("/"), b"x").is_err());
    }
}
