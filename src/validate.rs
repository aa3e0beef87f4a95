//! The value rules of the OSS LiveChannel API (spec §2), as pure functions.
//!
//! The client runs them before sending so that users get a precise error without a round
//! trip. Because OSS is the authority, every rule here is one OSS documents: a rule that is
//! stricter than OSS would make the client refuse requests the server accepts.

use std::fmt;
use std::time::SystemTime;

/// A value that breaks an OSS rule; says which field and which rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidInput {
    /// The OSS name of the field: an XML element path such as `Target.FragDuration`, or a
    /// query parameter such as `max-keys`.
    pub field: &'static str,
    /// The rule that was broken, with the offending length or (shortened) value.
    pub rule: String,
}

impl fmt::Display for InvalidInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid {}: {}", self.field, self.rule)
    }
}

impl std::error::Error for InvalidInput {}

// Phrases that begin the texts of the rules sharing a field; the tests tell those rules apart by them.
/// Any field that must not be empty.
const EMPTY: &str = "must not be empty";
/// `Target.PlaylistName` without the `.m3u8` suffix.
const PLAYLIST_SUFFIX: &str = "must end with \".m3u8\"";
/// `Target.PlaylistName` shorter than 6 or longer than 128 characters.
const PLAYLIST_LENGTH: &str = "must be 6-128 characters";
/// `Target.PlaylistName` containing `/`.
const PLAYLIST_SLASH: &str = "must not contain '/'";
/// `endTime` not greater than `startTime`.
const END_NOT_AFTER_START: &str = "must be greater than startTime";
/// `endTime` more than one day after `startTime`.
const SPAN_OVER_ONE_DAY: &str = "must be at most 86400 s after startTime";

/// A value holding a character XML cannot carry.
const NOT_XML: &str = "must not contain";

/// Longest stretch of an offending value that goes into a message; values can be kilobytes.
const SHOWN_CHARS: usize = 64;

/// The value as it appears in a rule: quoted, and cut to [`SHOWN_CHARS`] characters.
fn shown(value: &str) -> String {
    let mut chars = value.chars();
    let head: String = chars.by_ref().take(SHOWN_CHARS).collect();
    if chars.next().is_some() {
        format!("{head:?}...")
    } else {
        format!("{head:?}")
    }
}

fn fail(field: &'static str, rule: impl Into<String>) -> Result<(), InvalidInput> {
    Err(InvalidInput {
        field,
        rule: rule.into(),
    })
}

fn in_range(field: &'static str, v: i64, min: i64, max: i64) -> Result<(), InvalidInput> {
    if (min..=max).contains(&v) {
        Ok(())
    } else {
        fail(field, format!("must be {min}-{max} (got {v})"))
    }
}

fn max_bytes(field: &'static str, s: &str, max: usize) -> Result<(), InvalidInput> {
    if s.len() <= max {
        Ok(())
    } else {
        fail(
            field,
            format!("is {} bytes, at most {max} allowed", s.len()),
        )
    }
}

/// Every character of `s` is one XML 1.0 can carry (its `Char` production: no C0 control
/// but tab, LF and CR, no U+FFFE or U+FFFF), raw or escaped. The value goes into an XML
/// body or comes back in one (a channel name in ListLiveChannel), where such a character
/// would make the whole document unreadable.
fn xml_text(field: &'static str, s: &str) -> Result<(), InvalidInput> {
    let is_xml_char = |c: char| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..);
    match s.chars().find(|&c| !is_xml_char(c)) {
        None => Ok(()),
        Some(c) => fail(
            field,
            format!(
                "{NOT_XML} U+{:04X}, a character XML cannot carry (in {})",
                u32::from(c),
                shown(s)
            ),
        ),
    }
}

fn not_empty(field: &'static str, s: &str) -> Result<(), InvalidInput> {
    if s.is_empty() {
        fail(field, EMPTY)
    } else {
        Ok(())
    }
}

fn bucket_rules(field: &'static str, name: &str) -> Result<(), InvalidInput> {
    if !(3..=63).contains(&name.len()) {
        return fail(field, format!("must be 3-63 bytes (got {})", name.len()));
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return fail(
            field,
            format!("{} may only hold a-z, 0-9 and '-'", shown(name)),
        );
    }
    if name.starts_with('-') || name.ends_with('-') {
        return fail(
            field,
            format!("{} must not start or end with '-'", shown(name)),
        );
    }
    Ok(())
}

/// `Bucket`: 3–63 bytes of `[a-z0-9-]`, not starting or ending with `-`.
pub fn bucket_name(name: &str) -> Result<(), InvalidInput> {
    bucket_rules("Bucket", name)
}

/// `LiveChannel`: an object key (1–1023 bytes of UTF-8, not starting with `\`) without `/`,
/// and only characters XML can carry.
///
/// The leading-backslash rule is OSS's object-naming rule (Java's SDK checks it too). There
/// is deliberately no 64-byte cap (OSS has none), and tab, LF and CR are allowed; the other
/// control characters, U+FFFE and U+FFFF are not: ListLiveChannel echoes every name of the
/// bucket in XML, which cannot carry them, so one such channel would make every listing
/// unreadable (the emulator refuses such names too).
pub fn channel_name(name: &str) -> Result<(), InvalidInput> {
    let field = "LiveChannel";
    if name.is_empty() {
        return fail(field, EMPTY);
    }
    if name.len() > 1023 {
        return fail(
            field,
            format!("is {} bytes, at most 1023 allowed", name.len()),
        );
    }
    if name.contains('/') {
        return fail(field, format!("{} must not contain '/'", shown(name)));
    }
    if name.starts_with('\\') {
        return fail(field, format!("{} must not start with '\\'", shown(name)));
    }
    xml_text(field, name)
}

/// `Description`: at most 128 bytes (OSS counts UTF-8 bytes, not characters) that XML
/// can carry.
pub fn description(s: &str) -> Result<(), InvalidInput> {
    max_bytes("Description", s, 128)?;
    xml_text("Description", s)
}

/// `Status` of a configuration: exactly `enabled` or `disabled` (lower case).
pub fn status(s: &str) -> Result<(), InvalidInput> {
    match s {
        "enabled" | "disabled" => Ok(()),
        _ => fail(
            "Status",
            format!("must be enabled or disabled (got {})", shown(s)),
        ),
    }
}

/// `Target.Type`: `HLS`, the only type OSS has.
pub fn target_type(s: &str) -> Result<(), InvalidInput> {
    if s == "HLS" {
        Ok(())
    } else {
        fail("Target.Type", format!("must be HLS (got {})", shown(s)))
    }
}

/// `Target.FragDuration`: 1–100 seconds.
pub fn frag_duration(v: u32) -> Result<(), InvalidInput> {
    in_range("Target.FragDuration", i64::from(v), 1, 100)
}

/// `Target.FragCount`: 1–100 fragments.
pub fn frag_count(v: u32) -> Result<(), InvalidInput> {
    in_range("Target.FragCount", i64::from(v), 1, 100)
}

/// `Target.PlaylistName`: ends with `.m3u8`, 6–128 characters, no `/`.
///
/// Checked in that order.
pub fn playlist_name(s: &str) -> Result<(), InvalidInput> {
    let field = "Target.PlaylistName";
    if !s.ends_with(".m3u8") {
        return fail(field, format!("{} (got {})", PLAYLIST_SUFFIX, shown(s)));
    }
    let chars = s.chars().count();
    if !(6..=128).contains(&chars) {
        return fail(field, format!("{} (got {chars})", PLAYLIST_LENGTH));
    }
    if s.contains('/') {
        return fail(field, format!("{} (got {})", PLAYLIST_SLASH, shown(s)));
    }
    Ok(())
}

/// `Snapshot.Interval`: 1–100 seconds.
pub fn snapshot_interval(v: u32) -> Result<(), InvalidInput> {
    in_range("Snapshot.Interval", i64::from(v), 1, 100)
}

/// `Snapshot.RoleName`: not empty.
pub fn snapshot_role_name(s: &str) -> Result<(), InvalidInput> {
    not_empty("Snapshot.RoleName", s)
}

/// `Snapshot.NotifyTopic`: not empty.
pub fn snapshot_notify_topic(s: &str) -> Result<(), InvalidInput> {
    not_empty("Snapshot.NotifyTopic", s)
}

/// `Snapshot.DestBucket`: the bucket-name rules, reported against the snapshot field.
pub fn snapshot_dest_bucket(s: &str) -> Result<(), InvalidInput> {
    bucket_rules("Snapshot.DestBucket", s)
}

/// `max-keys` of ListLiveChannel: 1–1000. Signed so a server can report what it was sent.
pub fn max_keys(v: i64) -> Result<(), InvalidInput> {
    in_range("max-keys", v, 1, 1000)
}

/// `prefix` of ListLiveChannel: at most 1024 bytes.
pub fn list_prefix(s: &str) -> Result<(), InvalidInput> {
    max_bytes("prefix", s, 1024)
}

/// `marker` of ListLiveChannel: at most 1024 bytes.
pub fn list_marker(s: &str) -> Result<(), InvalidInput> {
    max_bytes("marker", s, 1024)
}

/// `startTime`/`endTime` of the VOD operations, in Unix seconds: end after start, at most
/// one day apart.
///
/// A negative start is refused too (as `startTime`): no fragment can predate 1970, so OSS
/// can only fail such a request. The ordering and span rules are reported as `endTime`.
pub fn vod_range(start_unix: i64, end_unix: i64) -> Result<(), InvalidInput> {
    if start_unix < 0 {
        return fail(
            "startTime",
            format!("must not be negative (got {start_unix})"),
        );
    }
    if end_unix <= start_unix {
        return fail(
            "endTime",
            format!(
                "{} (startTime {start_unix}, endTime {end_unix})",
                END_NOT_AFTER_START
            ),
        );
    }
    // end > start >= 0, so the difference cannot overflow.
    let span = end_unix - start_unix;
    if span > 86_400 {
        return fail("endTime", format!("{} (span {span} s)", SPAN_OVER_ONE_DAY));
    }
    Ok(())
}

/// Unix seconds beyond this (the year 2286) are taken for milliseconds by mistake.
const MAX_PLAUSIBLE_UNIX_SECONDS: u64 = 10_000_000_000;

/// A time the client sends as Unix seconds (`startTime`, `endTime`, `Expires`): not
/// before 1970, and not so far ahead that it must have been given in milliseconds.
pub(crate) fn unix_time(field: &'static str, t: SystemTime) -> Result<u64, InvalidInput> {
    let secs = t
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_err(|_| InvalidInput {
            field,
            rule: "must not be before 1970".into(),
        })?
        .as_secs();
    if secs >= MAX_PLAUSIBLE_UNIX_SECONDS {
        return Err(InvalidInput {
            field,
            rule: format!("{secs} is after the year 2286: was it given in milliseconds?"),
        });
    }
    Ok(secs)
}

/// The `playlistName` parameter of PostVodPlaylist and RTMP URLs: the
/// [`playlist_name`] rules, reported under the parameter's name rather than the
/// configuration element's.
pub(crate) fn playlist_parameter(s: &str) -> Result<(), InvalidInput> {
    playlist_name(s).map_err(|e| InvalidInput {
        field: "playlistName",
        ..e
    })
}

/// The longest validity of a presigned URL, in seconds: 7 days. It is OSS's limit for
/// `x-oss-expires` (V4); osslive applies it to V1's `Expires` too, so that switching the
/// signature version never changes which validity a caller may ask for, and so that a
/// bearer URL handed to a player cannot outlive a week.
pub const MAX_PRESIGN_SECONDS: u64 = 7 * 24 * 3600;

/// The longest validity of a signed RTMP push URL, in seconds: 7 days, as for presigned
/// URLs. OSS sets no limit, but a push URL is a bearer credential: one valid for years
/// (a negative C number read as unsigned) would let anyone who saw it push for years.
pub const MAX_RTMP_URL_SECONDS: u64 = 7 * 24 * 3600;

/// `Key` of an object to presign: 1–1023 bytes of UTF-8, not starting with `/` or `\`,
/// OSS's object-naming rules.
pub fn object_key(key: &str) -> Result<(), InvalidInput> {
    let field = "Key";
    if key.is_empty() {
        return fail(field, EMPTY);
    }
    max_bytes(field, key, 1023)?;
    if key.starts_with('/') || key.starts_with('\\') {
        return fail(
            field,
            format!("{} must not start with '/' or '\\'", shown(key)),
        );
    }
    Ok(())
}

/// `x-oss-process`: `TYPE/…` with a lower-case `TYPE` (`hls/sign`, `image/resize,w_100`,
/// `style/NAME`), the form of every process OSS documents.
pub fn process(value: &str) -> Result<(), InvalidInput> {
    let well_formed = value.split_once('/').is_some_and(|(kind, rest)| {
        !kind.is_empty() && kind.bytes().all(|b| b.is_ascii_lowercase()) && !rest.is_empty()
    });
    if well_formed {
        Ok(())
    } else {
        fail(
            "x-oss-process",
            format!(
                "must be of the form TYPE/ACTION, like hls/sign (got {})",
                shown(value)
            ),
        )
    }
}

/// The validity of a presigned URL, in whole seconds from now: 1 to
/// [`MAX_PRESIGN_SECONDS`]. `field` is the parameter that carries it (`Expires` or
/// `x-oss-expires`).
pub(crate) fn presign_seconds(field: &'static str, seconds: u64) -> Result<(), InvalidInput> {
    if seconds == 0 {
        return fail(
            field,
            "the validity must be at least 1 s: the URL would be refused at once",
        );
    }
    if seconds > MAX_PRESIGN_SECONDS {
        return fail(
            field,
            format!(
                "the validity is {seconds} s, at most {MAX_PRESIGN_SECONDS} s (7 days) allowed"
            ),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(r: Result<(), InvalidInput>) -> &'static str {
        r.expect_err("expected a rule to fail").field
    }

    #[test]
    fn bucket_names_from_the_c_sdk_list_are_refused() {
        let long = "a".repeat(64);
        for bad in [
            "a",
            "aa",
            "aAa",
            "a_123",
            "-a123",
            "a123-",
            long.as_str(),
            "",
        ] {
            assert_eq!(field_of(bucket_name(bad)), "Bucket", "{bad:?}");
        }
    }

    #[test]
    fn bucket_names_at_the_edges_are_accepted() {
        for good in [
            "abc",
            "a-1",
            "0-0",
            "examplebucket",
            &"b".repeat(63),
            "a--b",
        ] {
            assert_eq!(bucket_name(good), Ok(()), "{good:?}");
        }
    }

    #[test]
    fn bucket_rule_texts_name_the_problem() {
        assert!(bucket_name("aa").unwrap_err().rule.contains("got 2"));
        assert!(bucket_name("aAa").unwrap_err().rule.contains("a-z"));
        assert!(
            bucket_name("-a123")
                .unwrap_err()
                .rule
                .contains("start or end")
        );
        // Multi-byte characters count as bytes: 2 chars, 4 bytes, still the character rule.
        assert!(bucket_name("éé").unwrap_err().rule.contains("a-z"));
    }

    #[test]
    fn dest_bucket_uses_its_own_field() {
        assert_eq!(field_of(snapshot_dest_bucket("a_b")), "Snapshot.DestBucket");
        assert_eq!(field_of(snapshot_dest_bucket("")), "Snapshot.DestBucket");
        assert_eq!(snapshot_dest_bucket("snapshotdest"), Ok(()));
    }

    #[test]
    fn channel_names() {
        // The Go test's 65-character name fails only because it does not exist.
        assert_eq!(channel_name(&"c".repeat(65)), Ok(()));
        assert_eq!(channel_name(&"c".repeat(1023)), Ok(()));
        assert_eq!(channel_name("x"), Ok(()));
        assert_eq!(channel_name("with space+plus"), Ok(()));
        assert_eq!(channel_name("直播频道"), Ok(()));
        assert_eq!(channel_name("a\\b"), Ok(()));
        assert_eq!(channel_name("tab\tinside"), Ok(()));
        assert_eq!(
            channel_name(""),
            Err(InvalidInput {
                field: "LiveChannel",
                rule: EMPTY.into()
            })
        );
        assert_eq!(field_of(channel_name(&"c".repeat(1024))), "LiveChannel");
        // 342 three-byte characters are 1026 bytes though only 342 characters.
        assert_eq!(field_of(channel_name(&"频".repeat(342))), "LiveChannel");
        assert_eq!(channel_name(&"频".repeat(341)), Ok(()));
        assert_eq!(field_of(channel_name("a/b")), "LiveChannel");
        assert_eq!(field_of(channel_name("/")), "LiveChannel");
        assert_eq!(field_of(channel_name("\\ab")), "LiveChannel");
        // Issue 14: a name XML cannot carry would break every ListLiveChannel of the bucket.
        for c in (0u32..0x20).filter_map(char::from_u32) {
            let name = format!("a{c}b");
            match c {
                '\t' | '\n' | '\r' => assert_eq!(channel_name(&name), Ok(()), "{name:?}"),
                _ => {
                    let e = channel_name(&name).unwrap_err();
                    assert_eq!(e.field, "LiveChannel");
                    assert!(e.rule.starts_with(NOT_XML), "{e}");
                }
            }
        }
        assert_eq!(
            channel_name("a\u{0}b").unwrap_err().to_string(),
            "invalid LiveChannel: must not contain U+0000, a character XML cannot carry \
             (in \"a\\0b\")"
        );
        assert!(
            channel_name("x\u{fffe}")
                .unwrap_err()
                .rule
                .contains("U+FFFE")
        );
        assert!(
            channel_name("\u{ffff}")
                .unwrap_err()
                .rule
                .contains("U+FFFF")
        );
        assert_eq!(channel_name("\u{fffd}\u{10000}"), Ok(()));
    }

    #[test]
    fn description_counts_bytes() {
        assert_eq!(description(""), Ok(()));
        assert_eq!(description(&"d".repeat(128)), Ok(()));
        assert_eq!(field_of(description(&"d".repeat(129))), "Description");
        // 42 three-byte characters + 2 ASCII = 128 bytes; one more ASCII byte is 129.
        let at_limit = format!("{}ab", "频".repeat(42));
        assert_eq!(at_limit.len(), 128);
        assert_eq!(description(&at_limit), Ok(()));
        assert_eq!(
            description(&format!("{at_limit}c")).unwrap_err().rule,
            "is 129 bytes, at most 128 allowed"
        );
        // 127 bytes, then a two-byte character makes 129 with only 128 characters.
        let s127 = "d".repeat(127);
        assert_eq!(description(&s127), Ok(()));
        let chars128 = format!("{s127}é");
        assert_eq!(chars128.chars().count(), 128);
        assert_eq!(field_of(description(&chars128)), "Description");
        assert!(description("a\u{1}").unwrap_err().rule.starts_with(NOT_XML));
        assert_eq!(description("tab\tnew\nline"), Ok(()));
    }

    #[test]
    fn status_and_type() {
        assert_eq!(status("enabled"), Ok(()));
        assert_eq!(status("disabled"), Ok(()));
        for bad in ["", "Enabled", "DISABLED", "abc", "enabled "] {
            assert_eq!(field_of(status(bad)), "Status", "{bad:?}");
        }
        assert_eq!(target_type("HLS"), Ok(()));
        for bad in ["", "hls", "DASH", "abcd"] {
            assert_eq!(field_of(target_type(bad)), "Target.Type", "{bad:?}");
        }
    }

    #[test]
    fn one_to_hundred_ranges() {
        type Check = fn(u32) -> Result<(), InvalidInput>;
        let checks: [(Check, &str); 3] = [
            (frag_duration, "Target.FragDuration"),
            (frag_count, "Target.FragCount"),
            (snapshot_interval, "Snapshot.Interval"),
        ];
        for (check, field) in checks {
            assert_eq!(check(1), Ok(()));
            assert_eq!(check(100), Ok(()));
            assert_eq!(
                check(0),
                Err(InvalidInput {
                    field,
                    rule: "must be 1-100 (got 0)".into()
                })
            );
            assert_eq!(field_of(check(101)), field);
            assert_eq!(field_of(check(u32::MAX)), field);
        }
    }

    #[test]
    fn playlist_names() {
        // ".m3u8" alone is 5 characters.
        assert!(
            playlist_name(".m3u8")
                .unwrap_err()
                .rule
                .starts_with(PLAYLIST_LENGTH)
        );
        assert_eq!(playlist_name("a.m3u8"), Ok(()));
        assert_eq!(playlist_name("playlist.m3u8"), Ok(()));
        let p128 = format!("{}.m3u8", "p".repeat(123));
        assert_eq!(p128.chars().count(), 128);
        assert_eq!(playlist_name(&p128), Ok(()));
        let p129 = format!("{}.m3u8", "p".repeat(124));
        assert!(
            playlist_name(&p129)
                .unwrap_err()
                .rule
                .starts_with(PLAYLIST_LENGTH)
        );
        // Characters, not bytes: 123 three-byte characters + suffix is 128 characters.
        let wide = format!("{}.m3u8", "频".repeat(123));
        assert_eq!(playlist_name(&wide), Ok(()));
        assert!(
            playlist_name("abc.text")
                .unwrap_err()
                .rule
                .starts_with(PLAYLIST_SUFFIX)
        );
        assert!(
            playlist_name("")
                .unwrap_err()
                .rule
                .starts_with(PLAYLIST_SUFFIX)
        );
        assert!(
            playlist_name("a.M3U8")
                .unwrap_err()
                .rule
                .starts_with(PLAYLIST_SUFFIX)
        );
        let slash = playlist_name("my/playlist.m3u8").unwrap_err();
        assert_eq!(slash.field, "Target.PlaylistName");
        assert!(slash.rule.starts_with(PLAYLIST_SLASH));
        assert_eq!(playlist_name("my list+1.m3u8"), Ok(()));
    }

    #[test]
    fn snapshot_strings() {
        assert_eq!(snapshot_role_name("role_for_snapshot"), Ok(()));
        assert_eq!(field_of(snapshot_role_name("")), "Snapshot.RoleName");
        assert_eq!(snapshot_notify_topic("snapshotnotify"), Ok(()));
        assert_eq!(field_of(snapshot_notify_topic("")), "Snapshot.NotifyTopic");
    }

    #[test]
    fn list_parameters() {
        assert_eq!(max_keys(1), Ok(()));
        assert_eq!(max_keys(100), Ok(()));
        assert_eq!(max_keys(1000), Ok(()));
        assert_eq!(max_keys(0).unwrap_err().field, "max-keys");
        assert_eq!(max_keys(1001).unwrap_err().field, "max-keys");
        assert_eq!(max_keys(-1).unwrap_err().rule, "must be 1-1000 (got -1)");
        assert_eq!(list_prefix(""), Ok(()));
        assert_eq!(list_prefix(&"p".repeat(1024)), Ok(()));
        assert_eq!(field_of(list_prefix(&"p".repeat(1025))), "prefix");
        assert_eq!(list_marker(&"m".repeat(1024)), Ok(()));
        assert_eq!(field_of(list_marker(&"m".repeat(1025))), "marker");
        // 342 three-byte characters = 1026 bytes.
        assert_eq!(field_of(list_marker(&"频".repeat(342))), "marker");
    }

    #[test]
    fn vod_ranges() {
        assert_eq!(vod_range(1_472_020_031, 1_472_020_226), Ok(()));
        assert_eq!(vod_range(0, 1), Ok(()));
        assert_eq!(vod_range(1000, 1000 + 86_400), Ok(()));
        let span = vod_range(1000, 1000 + 86_401).unwrap_err();
        assert_eq!(span.field, "endTime");
        assert!(span.rule.starts_with(SPAN_OVER_ONE_DAY));
        for (s, e) in [(5, 5), (10, 5), (0, 0)] {
            let err = vod_range(s, e).unwrap_err();
            assert_eq!(err.field, "endTime");
            assert!(err.rule.starts_with(END_NOT_AFTER_START), "{err}");
        }
        assert_eq!(field_of(vod_range(-1, 5)), "startTime");
        assert_eq!(field_of(vod_range(i64::MIN, i64::MAX)), "startTime");
        assert!(
            vod_range(0, i64::MAX)
                .unwrap_err()
                .rule
                .starts_with(SPAN_OVER_ONE_DAY)
        );
    }

    #[test]
    fn display_is_short_and_names_the_field() {
        let e = status(&"x".repeat(5000)).unwrap_err();
        let text = e.to_string();
        assert!(text.starts_with("invalid Status: must be enabled or disabled (got \"xxx"));
        assert!(text.len() < 150, "{}", text.len());
        assert!(text.ends_with("...)"));
        assert_eq!(
            description(&"d".repeat(129)).unwrap_err().to_string(),
            "invalid Description: is 129 bytes, at most 128 allowed"
        );
        let boxed: Box<dyn std::error::Error> = Box::new(e);
        assert!(boxed.to_string().contains("Status"));
    }
}
