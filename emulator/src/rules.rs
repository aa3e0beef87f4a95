//! The rules OSS checks request values against, as one typed table: each [`Rule`] names
//! the field (OSS's `ArgumentName`), the HTTP status, the `Code`, the `EC` and the message
//! of the error OSS answers when the rule is broken.
//!
//! The checks are pure functions returning the broken [`Rule`]; [`Rule::error`] turns it
//! into the [`OssError`] to send. The rules are OSS's own (the wire notes' §1.10 and §2,
//! and OSS's per-EC help pages cited at each EC in [`crate::error::ec`]); none is stricter
//! than OSS, since the emulator must accept whatever OSS accepts.

use crate::error::{OssError, ec};
use crate::xml::is_xml_char;

/// A rule of the LiveChannel API that a request can break.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rule {
    /// A bucket name is 3–63 bytes of `a-z`, `0-9` and `-`, not starting or ending with `-`.
    BucketName,
    /// A channel name is not empty.
    ChannelNameEmpty,
    /// A channel name is an object key (at most 1023 bytes, no leading `\`) without `/`,
    /// and holds only characters XML can carry (it is echoed in ListLiveChannel).
    ChannelName,
    /// `Description` is at most 128 bytes.
    Description,
    /// `Status` of a configuration is `enabled` or `disabled`.
    Status,
    /// `Snapshot` appears at most once.
    SnapshotRepeated,
    /// `Snapshot.Interval` is an integer 1–100.
    SnapshotInterval,
    /// `Snapshot.NotifyTopic` is not empty.
    SnapshotNotifyTopic,
    /// `Snapshot.RoleName` is not empty.
    SnapshotRoleName,
    /// `Snapshot.DestBucket` is a valid bucket name.
    SnapshotDestBucket,
    /// `Target.Type` is `HLS`.
    TargetType,
    /// `Target.FragDuration` is an integer 1–100.
    FragDuration,
    /// `Target.FragCount` is an integer 1–100.
    FragCount,
    /// `Target.PlaylistName` holds no `/`.
    PlaylistSlash,
    /// `Target.PlaylistName` is 6–128 characters.
    PlaylistLength,
    /// `Target.PlaylistName` ends in `.m3u8`.
    PlaylistSuffix,
    /// ListLiveChannel `max-keys` is an integer 1–1000.
    MaxKeys,
    /// ListLiveChannel `prefix` is at most 1024 bytes.
    ListPrefix,
    /// ListLiveChannel `marker` is at most 1024 bytes.
    ListMarker,
    /// PutLiveChannelStatus `status` is `enabled` or `disabled`.
    NewStatus,
    /// VOD `startTime` is a Unix time in seconds, not negative.
    VodStartTime,
    /// VOD `endTime` is a Unix time in seconds.
    VodEndTime,
    /// VOD `endTime` is after `startTime`.
    VodEndAfterStart,
    /// VOD `endTime` is at most one day after `startTime`.
    VodSpan,
    /// PostVodPlaylist's playlist name follows the `Target.PlaylistName` rules.
    VodPlaylistName,
    /// A V4 `Authorization` that has `AdditionalHeaders=` gives it a value.
    AdditionalHeadersEmpty,
    /// No name in a V4 `AdditionalHeaders` list is empty (`host;`).
    AdditionalHeadersEntry,
    /// `x-oss-content-sha256` of a V4 request is `UNSIGNED-PAYLOAD`.
    ContentSha256,
    /// `Content-MD5` is the base64 of 16 bytes.
    ContentMd5Format,
    /// `Content-MD5` is the MD5 of the body.
    ContentMd5Match,
}

/// How OSS answers a broken rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// The field, as OSS names it in `ArgumentName` (or `BucketName` for bucket names).
    pub field: &'static str,
    /// HTTP status.
    pub status: u16,
    /// OSS `Code`.
    pub code: &'static str,
    /// OSS `EC`.
    pub ec: &'static str,
    /// `Message`.
    pub message: &'static str,
}

const fn invalid(field: &'static str, ec: &'static str, message: &'static str) -> Entry {
    Entry {
        field,
        status: 400,
        code: "InvalidArgument",
        ec,
        message,
    }
}

impl Rule {
    /// Every rule, in the order of the table.
    pub const ALL: [Rule; 30] = [
        Rule::BucketName,
        Rule::ChannelNameEmpty,
        Rule::ChannelName,
        Rule::Description,
        Rule::Status,
        Rule::SnapshotRepeated,
        Rule::SnapshotInterval,
        Rule::SnapshotNotifyTopic,
        Rule::SnapshotRoleName,
        Rule::SnapshotDestBucket,
        Rule::TargetType,
        Rule::FragDuration,
        Rule::FragCount,
        Rule::PlaylistSlash,
        Rule::PlaylistLength,
        Rule::PlaylistSuffix,
        Rule::MaxKeys,
        Rule::ListPrefix,
        Rule::ListMarker,
        Rule::NewStatus,
        Rule::VodStartTime,
        Rule::VodEndTime,
        Rule::VodEndAfterStart,
        Rule::VodSpan,
        Rule::VodPlaylistName,
        Rule::AdditionalHeadersEmpty,
        Rule::AdditionalHeadersEntry,
        Rule::ContentSha256,
        Rule::ContentMd5Format,
        Rule::ContentMd5Match,
    ];

    /// The table: field, status, `Code`, `EC` and message of each rule.
    pub const fn entry(self) -> Entry {
        match self {
            Rule::BucketName => Entry {
                field: "BucketName",
                status: 400,
                code: "InvalidBucketName",
                ec: ec::INVALID_BUCKET_NAME,
                message: "The specified bucket is not valid.",
            },
            Rule::ChannelNameEmpty => invalid(
                "LiveChannel",
                ec::CHANNEL_NAME_EMPTY,
                "The live channel name must not be empty.",
            ),
            Rule::ChannelName => invalid(
                "LiveChannel",
                ec::CHANNEL_NAME,
                "The live channel name must be at most 1023 bytes, must not contain '/' \
                 or a character XML cannot carry (U+0000-U+001F other than tab, LF and CR; \
                 U+FFFE; U+FFFF) and must not start with '\\'.",
            ),
            Rule::Description => invalid(
                "Description",
                ec::DESCRIPTION,
                "The Description must be at most 128 bytes.",
            ),
            Rule::Status => invalid(
                "Status",
                ec::STATUS,
                "The Status must be enabled or disabled.",
            ),
            Rule::SnapshotRepeated => invalid(
                "Snapshot",
                ec::SNAPSHOT_REPEATED,
                "Only one Snapshot element is allowed.",
            ),
            Rule::SnapshotInterval => invalid(
                "Snapshot.Interval",
                ec::SNAPSHOT_INTERVAL,
                "The Snapshot Interval must be an integer from 1 to 100.",
            ),
            Rule::SnapshotNotifyTopic => invalid(
                "Snapshot.NotifyTopic",
                ec::SNAPSHOT_NOTIFY_TOPIC,
                "The Snapshot NotifyTopic must not be empty.",
            ),
            Rule::SnapshotRoleName => invalid(
                "Snapshot.RoleName",
                ec::SNAPSHOT_ROLE_NAME,
                "The Snapshot RoleName must not be empty.",
            ),
            Rule::SnapshotDestBucket => invalid(
                "Snapshot.DestBucket",
                ec::SNAPSHOT_DEST_BUCKET,
                "The Snapshot DestBucket is not a valid bucket name.",
            ),
            Rule::TargetType => invalid(
                "Target.Type",
                ec::TARGET_TYPE,
                "The Target Type must be HLS.",
            ),
            Rule::FragDuration => invalid(
                "Target.FragDuration",
                ec::FRAG_DURATION,
                "The FragDuration must be an integer from 1 to 100.",
            ),
            Rule::FragCount => invalid(
                "Target.FragCount",
                ec::FRAG_COUNT,
                "The FragCount must be an integer from 1 to 100.",
            ),
            Rule::PlaylistSlash => invalid(
                "Target.PlaylistName",
                ec::PLAYLIST_SLASH,
                "The PlaylistName must not contain '/'.",
            ),
            Rule::PlaylistLength => invalid(
                "Target.PlaylistName",
                ec::PLAYLIST_LENGTH,
                "The PlaylistName must be 6 to 128 characters long.",
            ),
            Rule::PlaylistSuffix => invalid(
                "Target.PlaylistName",
                ec::PLAYLIST_SUFFIX,
                "The PlaylistName must end with .m3u8.",
            ),
            Rule::MaxKeys => invalid(
                "max-keys",
                ec::LIST_MAX_KEYS,
                "max-keys must be an integer from 1 to 1000.",
            ),
            Rule::ListPrefix => invalid(
                "prefix",
                ec::LIST_PREFIX,
                "The prefix must be at most 1024 bytes.",
            ),
            Rule::ListMarker => invalid(
                "marker",
                ec::LIST_MARKER,
                "The marker must be at most 1024 bytes.",
            ),
            Rule::NewStatus => invalid(
                "status",
                ec::NEW_STATUS,
                "The status must be enabled or disabled.",
            ),
            Rule::VodStartTime => invalid(
                "startTime",
                ec::VOD_START,
                "startTime must be a Unix time in seconds.",
            ),
            Rule::VodEndTime => invalid(
                "endTime",
                ec::VOD_END,
                "endTime must be a Unix time in seconds.",
            ),
            Rule::VodEndAfterStart => invalid(
                "endTime",
                ec::VOD_START_AFTER_END,
                "endTime must be greater than startTime.",
            ),
            Rule::VodSpan => invalid(
                "endTime",
                ec::VOD_SPAN,
                "endTime must be at most one day (86400 seconds) after startTime.",
            ),
            Rule::VodPlaylistName => invalid(
                "playlistName",
                ec::VOD_PLAYLIST_NAME,
                "The playlist name must end with .m3u8, be 6 to 128 characters long \
                 and not contain '/'.",
            ),
            Rule::AdditionalHeadersEmpty => invalid(
                "Authorization",
                ec::ADDITIONAL_HEADERS_EMPTY,
                "The AdditionalHeaders of the Authorization header is empty.",
            ),
            Rule::AdditionalHeadersEntry => invalid(
                "Authorization",
                ec::ADDITIONAL_HEADERS_ENTRY,
                "The AdditionalHeaders of the Authorization header contains an empty header name.",
            ),
            Rule::ContentSha256 => invalid(
                "x-oss-content-sha256",
                ec::CONTENT_SHA256,
                "The x-oss-content-sha256 only supports UNSIGNED-PAYLOAD.",
            ),
            Rule::ContentMd5Format => Entry {
                field: "Content-MD5",
                status: 400,
                code: "InvalidDigest",
                ec: ec::CONTENT_MD5_FORMAT,
                message: "The Content-MD5 you specified was invalid.",
            },
            Rule::ContentMd5Match => Entry {
                field: "Content-MD5",
                status: 400,
                code: "InvalidDigest",
                ec: ec::CONTENT_MD5_MISMATCH,
                message: "The Content-MD5 you specified did not match what we received.",
            },
        }
    }

    /// The error OSS answers, echoing the offending `value` (as `ArgumentValue`, or as
    /// `BucketName` for a bucket name; a digest is not echoed), cut to an
    /// [`excerpt`](crate::error::excerpt) when long.
    pub fn error(self, value: &str) -> OssError {
        let err = self.error_without_value();
        match self.entry().code {
            "InvalidArgument" => err.with_value("ArgumentValue", value),
            "InvalidBucketName" => err.with_value("BucketName", value),
            _ => err,
        }
    }

    /// The error OSS answers, naming the field (`ArgumentName`) but not echoing the value.
    pub fn error_without_value(self) -> OssError {
        let e = self.entry();
        let err = OssError::new(e.status, e.code, e.ec, e.message);
        match e.code {
            "InvalidArgument" => err.with_detail("ArgumentName", e.field),
            _ => err,
        }
    }
}

fn ok_if(holds: bool, rule: Rule) -> Result<(), Rule> {
    if holds { Ok(()) } else { Err(rule) }
}

fn is_bucket_name(name: &str) -> bool {
    (3..=63).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-')
}

/// [`Rule::BucketName`].
pub fn bucket_name(name: &str) -> Result<(), Rule> {
    ok_if(is_bucket_name(name), Rule::BucketName)
}

/// [`Rule::ChannelNameEmpty`], then [`Rule::ChannelName`]. Long names up to 1023 bytes
/// are allowed, as in OSS object keys, and so are tab, LF and CR; the other control
/// characters (and U+FFFE, U+FFFF) are not, because no XML document can carry them and
/// every ListLiveChannel of the bucket would become unreadable.
pub fn channel_name(name: &str) -> Result<(), Rule> {
    ok_if(!name.is_empty(), Rule::ChannelNameEmpty)?;
    ok_if(
        name.len() <= 1023
            && !name.contains('/')
            && !name.starts_with('\\')
            && name.chars().all(is_xml_char),
        Rule::ChannelName,
    )
}

/// [`Rule::Description`]: OSS counts UTF-8 bytes, not characters.
pub fn description(text: &str) -> Result<(), Rule> {
    ok_if(text.len() <= 128, Rule::Description)
}

/// [`Rule::Status`], case-sensitive.
pub fn status(text: &str) -> Result<(), Rule> {
    ok_if(matches!(text, "enabled" | "disabled"), Rule::Status)
}

/// [`Rule::NewStatus`], the same values as [`status`] in the query of PutLiveChannelStatus.
pub fn new_status(text: &str) -> Result<(), Rule> {
    status(text).map_err(|_| Rule::NewStatus)
}

/// [`Rule::TargetType`].
pub fn target_type(text: &str) -> Result<(), Rule> {
    ok_if(text == "HLS", Rule::TargetType)
}

/// [`Rule::FragDuration`].
pub fn frag_duration(seconds: u32) -> Result<(), Rule> {
    ok_if((1..=100).contains(&seconds), Rule::FragDuration)
}

/// [`Rule::FragCount`].
pub fn frag_count(count: u32) -> Result<(), Rule> {
    ok_if((1..=100).contains(&count), Rule::FragCount)
}

/// [`Rule::PlaylistSuffix`], then [`Rule::PlaylistLength`] (in characters), then
/// [`Rule::PlaylistSlash`].
pub fn playlist_name(name: &str) -> Result<(), Rule> {
    ok_if(name.ends_with(".m3u8"), Rule::PlaylistSuffix)?;
    ok_if(
        (6..=128).contains(&name.chars().count()),
        Rule::PlaylistLength,
    )?;
    ok_if(!name.contains('/'), Rule::PlaylistSlash)
}

/// [`Rule::VodPlaylistName`]: the [`playlist_name`] rules, reported under one EC.
pub fn vod_playlist_name(name: &str) -> Result<(), Rule> {
    playlist_name(name).map_err(|_| Rule::VodPlaylistName)
}

/// [`Rule::SnapshotInterval`].
pub fn snapshot_interval(seconds: u32) -> Result<(), Rule> {
    ok_if((1..=100).contains(&seconds), Rule::SnapshotInterval)
}

/// [`Rule::SnapshotRoleName`].
pub fn snapshot_role_name(name: &str) -> Result<(), Rule> {
    ok_if(!name.is_empty(), Rule::SnapshotRoleName)
}

/// [`Rule::SnapshotNotifyTopic`].
pub fn snapshot_notify_topic(topic: &str) -> Result<(), Rule> {
    ok_if(!topic.is_empty(), Rule::SnapshotNotifyTopic)
}

/// [`Rule::SnapshotDestBucket`].
pub fn snapshot_dest_bucket(name: &str) -> Result<(), Rule> {
    ok_if(is_bucket_name(name), Rule::SnapshotDestBucket)
}

/// [`Rule::MaxKeys`]; signed, so that a negative value sent is reported as such.
pub fn max_keys(value: i64) -> Result<(), Rule> {
    ok_if((1..=1000).contains(&value), Rule::MaxKeys)
}

/// [`Rule::ListPrefix`].
pub fn list_prefix(prefix: &str) -> Result<(), Rule> {
    ok_if(prefix.len() <= 1024, Rule::ListPrefix)
}

/// [`Rule::ListMarker`].
pub fn list_marker(marker: &str) -> Result<(), Rule> {
    ok_if(marker.len() <= 1024, Rule::ListMarker)
}

/// [`Rule::VodStartTime`] (no fragment predates 1970), [`Rule::VodEndAfterStart`],
/// [`Rule::VodSpan`], in that order, over Unix seconds.
pub fn vod_range(start: i64, end: i64) -> Result<(), Rule> {
    ok_if(start >= 0, Rule::VodStartTime)?;
    ok_if(end > start, Rule::VodEndAfterStart)?;
    // end > start >= 0: the difference cannot overflow.
    ok_if(end - start <= 86_400, Rule::VodSpan)
}

/// [`Rule::ContentSha256`]: OSS's V4 header signatures cover no body digest.
pub fn content_sha256(value: &str) -> Result<(), Rule> {
    ok_if(
        value == crate::verify::v4::UNSIGNED_PAYLOAD,
        Rule::ContentSha256,
    )
}

/// [`Rule::ContentMd5Format`], then [`Rule::ContentMd5Match`]: `Content-MD5` is the
/// base64 of the 16-byte MD5 digest of the body (RFC 1864).
pub fn content_md5(header: &str, body: &[u8]) -> Result<(), Rule> {
    use base64::Engine as _;
    use md5::Digest as _;
    let claimed = base64::engine::general_purpose::STANDARD
        .decode(header.trim())
        .ok()
        .filter(|digest| digest.len() == 16)
        .ok_or(Rule::ContentMd5Format)?;
    ok_if(
        claimed.as_slice() == md5::Md5::digest(body).as_slice(),
        Rule::ContentMd5Match,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_has_one_entry_of_the_oss_shape() {
        let mut seen = std::collections::HashSet::new();
        for rule in Rule::ALL {
            assert!(seen.insert(rule), "{rule:?} twice in ALL");
            let e = rule.entry();
            assert_eq!(e.status, 400, "{rule:?}");
            assert!(
                matches!(
                    e.code,
                    "InvalidArgument" | "InvalidBucketName" | "InvalidDigest"
                ),
                "{rule:?}"
            );
            assert!(e.message.ends_with('.') && !e.field.is_empty(), "{rule:?}");
            let b = e.ec.as_bytes();
            assert!(b.len() == 13 && b[4] == b'-', "{rule:?}: {}", e.ec);
        }
        // Rules of one field that OSS tells apart have ECs of their own.
        let ecs: std::collections::HashSet<&str> = Rule::ALL.iter().map(|r| r.entry().ec).collect();
        assert_eq!(ecs.len(), Rule::ALL.len());
    }

    #[test]
    fn checks_report_the_ec_oss_documents() {
        let cases: [(Result<(), Rule>, &str); 27] = [
            (description(&"d".repeat(129)), "0044-00000001"),
            (status("abc"), "0044-00000002"),
            (snapshot_interval(0), "0044-00000005"),
            (snapshot_notify_topic(""), "0044-00000006"),
            (snapshot_role_name(""), "0044-00000007"),
            (snapshot_dest_bucket("A"), "0044-00000008"),
            (target_type("abcd"), "0044-00000013"),
            (frag_duration(101), "0044-00000014"),
            (frag_count(0), "0044-00000015"),
            (playlist_name("my/playlist.m3u8"), "0044-00000016"),
            (playlist_name(".m3u8"), "0044-00000017"),
            (playlist_name("abc.text"), "0044-00000018"),
            (max_keys(-1), "0044-00000101"),
            (list_prefix(&"p".repeat(1025)), "0044-00000102"),
            (list_marker(&"m".repeat(1025)), "0044-00000103"),
            (vod_range(-1, 10), "0044-00000304"),
            (vod_range(10, 5), "0044-00000306"),
            (vod_range(10, 10), "0044-00000306"),
            (vod_range(0, 86_401), "0044-00000307"),
            (vod_playlist_name("vod.m3u"), "0044-00000403"),
            (new_status("Enabled"), "0017-00000255"),
            (channel_name(""), "0017-00000257"),
            (channel_name("a/b"), ec::CHANNEL_NAME),
            (bucket_name("aAa"), ec::INVALID_BUCKET_NAME),
            (content_sha256("e3b0c442"), "0002-00000214"),
            (content_md5("bm90IG1kNQ==", b""), "0017-00000502"),
            (
                content_md5("1B2M2Y8AsgTpgAmY7PhCfg==", b"x"),
                "0017-00000503",
            ),
        ];
        for (result, expected) in cases {
            let rule = result.expect_err(expected);
            assert_eq!(rule.entry().ec, expected, "{rule:?}");
        }
    }

    #[test]
    fn errors_echo_what_oss_echoes() {
        let e = Rule::FragDuration.error("101");
        assert_eq!(
            (e.status, e.code, e.ec),
            (400, "InvalidArgument", "0044-00000014")
        );
        assert_eq!(
            e.details,
            [
                ("ArgumentName", "Target.FragDuration".to_string()),
                ("ArgumentValue", "101".to_string())
            ]
        );
        let bare = Rule::Status.error_without_value();
        assert_eq!(bare.details, [("ArgumentName", "Status".to_string())]);
        let bucket = Rule::BucketName.error("aAa");
        assert_eq!((bucket.status, bucket.code), (400, "InvalidBucketName"));
        assert_eq!(bucket.details, [("BucketName", "aAa".to_string())]);
        let digest = Rule::ContentMd5Match.error("1B2M2Y8AsgTpgAmY7PhCfg==");
        assert_eq!((digest.status, digest.code), (400, "InvalidDigest"));
        assert!(digest.details.is_empty());
    }

    #[test]
    fn bucket_names() {
        // The C SDK's list of invalid names (test_live_invalid_parameter).
        for bad in [
            "a",
            "aa",
            "aAa",
            "a_123",
            "-a123",
            "a123-",
            &"a".repeat(64),
            "",
            "éé",
        ] {
            assert_eq!(bucket_name(bad), Err(Rule::BucketName), "{bad:?}");
        }
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
        assert_eq!(snapshot_dest_bucket("snapshotdest"), Ok(()));
    }

    #[test]
    fn channel_names_follow_the_object_key_rules() {
        for good in [
            "x",
            "with space+plus",
            "直播频道",
            "a\\b",
            "tab\tinside",
            &"c".repeat(1023),
        ] {
            assert_eq!(channel_name(good), Ok(()), "{good:?}");
        }
        // 342 three-byte characters are 1026 bytes.
        assert_eq!(channel_name(&"频".repeat(341)), Ok(()));
        for bad in [&"c".repeat(1024), &"频".repeat(342), "a/b", "/", "\\ab"] {
            assert_eq!(channel_name(bad), Err(Rule::ChannelName), "{bad:?}");
        }
        // Issue 14: names no XML document can carry.
        for c in (0u32..0x20).filter_map(char::from_u32) {
            let name = format!("a{c}b");
            let expected = if matches!(c, '\t' | '\n' | '\r') {
                Ok(())
            } else {
                Err(Rule::ChannelName)
            };
            assert_eq!(channel_name(&name), expected, "{name:?}");
        }
        for bad in ["a\u{fffe}b", "\u{ffff}"] {
            assert_eq!(channel_name(bad), Err(Rule::ChannelName), "{bad:?}");
        }
    }

    #[test]
    fn description_counts_bytes_not_characters() {
        assert_eq!(description(""), Ok(()));
        assert_eq!(description(&"d".repeat(128)), Ok(()));
        let s127 = "d".repeat(127);
        assert_eq!(description(&format!("{s127}é")), Err(Rule::Description));
    }

    #[test]
    fn playlist_names() {
        for good in [
            "a.m3u8",
            "playlist.m3u8",
            &format!("{}.m3u8", "p".repeat(123)),
        ] {
            assert_eq!(playlist_name(good), Ok(()), "{good:?}");
        }
        assert_eq!(
            playlist_name(&format!("{}.m3u8", "p".repeat(124))),
            Err(Rule::PlaylistLength)
        );
        assert_eq!(playlist_name("a.M3U8"), Err(Rule::PlaylistSuffix));
        // Characters, not bytes: 123 three-byte characters plus the suffix is 128.
        assert_eq!(playlist_name(&format!("{}.m3u8", "频".repeat(123))), Ok(()));
        assert_eq!(vod_playlist_name("vod.m3u8"), Ok(()));
        assert_eq!(vod_playlist_name("a/b.m3u8"), Err(Rule::VodPlaylistName));
    }

    #[test]
    fn ranges_and_values() {
        for v in [1, 50, 100] {
            assert_eq!(frag_duration(v), Ok(()));
            assert_eq!(frag_count(v), Ok(()));
            assert_eq!(snapshot_interval(v), Ok(()));
        }
        assert_eq!(frag_count(101), Err(Rule::FragCount));
        assert_eq!(max_keys(1), Ok(()));
        assert_eq!(max_keys(1000), Ok(()));
        assert_eq!(max_keys(1001), Err(Rule::MaxKeys));
        assert_eq!(max_keys(0), Err(Rule::MaxKeys));
        assert_eq!(list_prefix(&"p".repeat(1024)), Ok(()));
        assert_eq!(vod_range(0, 86_400), Ok(()));
        assert_eq!(vod_range(i64::MAX - 1, i64::MAX), Ok(()));
        for bad in ["", "Enabled", "DISABLED", "enabled "] {
            assert_eq!(status(bad), Err(Rule::Status), "{bad:?}");
        }
        assert_eq!(target_type("hls"), Err(Rule::TargetType));
        assert_eq!(content_sha256("UNSIGNED-PAYLOAD"), Ok(()));
    }

    #[test]
    fn content_md5_is_the_base64_digest_of_the_body() {
        // RFC 1321's test suite: MD5("") and MD5("abc").
        assert_eq!(content_md5("1B2M2Y8AsgTpgAmY7PhCfg==", b""), Ok(()));
        assert_eq!(content_md5("kAFQmDzST7DWlj99KOF/cg==", b"abc"), Ok(()));
        assert_eq!(
            content_md5("kAFQmDzST7DWlj99KOF/cg==", b"abd"),
            Err(Rule::ContentMd5Match)
        );
        for bad in [
            "",
            "not base64!",
            "kAFQmDzST7DWlj99KOF/",
            "900150983cd24fb0d6963f7d28e17f72",
        ] {
            assert_eq!(
                content_md5(bad, b"abc"),
                Err(Rule::ContentMd5Format),
                "{bad:?}"
            );
        }
    }
}
