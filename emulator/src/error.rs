//! OSS error responses: the `Error` XML document with `Code`, `Message`, `RequestId`, `HostId`, `EC`.
//!
//! Every error the emulator can answer is built by one constructor here, so that status,
//! `Code`, `EC` and the extra elements stay consistent with what OSS sends.

use crate::xml::escape_text;

/// Longest stretch of a client's value an error echoes, in bytes: values can be megabytes
/// (a 1 MB `Description`), and clients read only the first few kilobytes of an error.
pub const MAX_ECHO_BYTES: usize = 256;

/// `value` as an error echoes it: whole when at most [`MAX_ECHO_BYTES`] bytes, else its
/// first [`MAX_ECHO_BYTES`] bytes (cut at a character boundary) followed by `...`.
pub fn excerpt(value: &str) -> String {
    if value.len() <= MAX_ECHO_BYTES {
        return value.to_owned();
    }
    let mut end = MAX_ECHO_BYTES;
    while !value.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &value[..end])
}

/// A client's value quoted in an error message: Rust-escaped and cut to an [`excerpt`].
pub(crate) fn quoted(value: &str) -> String {
    format!("{:?}", excerpt(value))
}

/// Every `EC` the emulator sends, in one place so they can be audited against OSS.
///
/// Values with a source name it (the spec's §1.10/§1.9 or OSS's per-EC help pages
/// `help.aliyun.com/.../oss/user-guide/<EC>`); the rest are marked as the emulator's choice.
pub mod ec {
    /// PutLiveChannel: Description over 128 bytes (spec §1.10).
    pub const DESCRIPTION: &str = "0044-00000001";
    /// PutLiveChannel: Status neither `enabled` nor `disabled` (spec §1.10).
    pub const STATUS: &str = "0044-00000002";
    /// PutLiveChannel: more than one Snapshot element (spec §1.10).
    pub const SNAPSHOT_REPEATED: &str = "0044-00000003";
    /// PutLiveChannel: Snapshot.Interval not 1–100 (spec §1.10).
    pub const SNAPSHOT_INTERVAL: &str = "0044-00000005";
    /// PutLiveChannel: empty Snapshot.NotifyTopic (spec §1.10).
    pub const SNAPSHOT_NOTIFY_TOPIC: &str = "0044-00000006";
    /// PutLiveChannel: empty Snapshot.RoleName (spec §1.10).
    pub const SNAPSHOT_ROLE_NAME: &str = "0044-00000007";
    /// PutLiveChannel: invalid Snapshot.DestBucket (spec §1.10).
    pub const SNAPSHOT_DEST_BUCKET: &str = "0044-00000008";
    /// PutLiveChannel: Target.Type not `HLS` (spec §1.10).
    pub const TARGET_TYPE: &str = "0044-00000013";
    /// PutLiveChannel: Target.FragDuration not an integer 1–100 (spec §1.10).
    pub const FRAG_DURATION: &str = "0044-00000014";
    /// PutLiveChannel: Target.FragCount not an integer 1–100 (spec §1.10).
    pub const FRAG_COUNT: &str = "0044-00000015";
    /// PutLiveChannel: Target.PlaylistName contains `/` (OSS page 0044-00000016).
    pub const PLAYLIST_SLASH: &str = "0044-00000016";
    /// PutLiveChannel: Target.PlaylistName not 6–128 characters (OSS page 0044-00000017).
    pub const PLAYLIST_LENGTH: &str = "0044-00000017";
    /// PutLiveChannel: Target.PlaylistName does not end in `.m3u8` (spec §1.10).
    pub const PLAYLIST_SUFFIX: &str = "0044-00000018";
    /// ListLiveChannel: bad `max-keys` (OSS page 0044-00000101).
    pub const LIST_MAX_KEYS: &str = "0044-00000101";
    /// ListLiveChannel: bad `prefix` (OSS page 0044-00000102).
    pub const LIST_PREFIX: &str = "0044-00000102";
    /// ListLiveChannel: bad `marker` (OSS page 0044-00000103).
    pub const LIST_MARKER: &str = "0044-00000103";
    /// Delete/update refused while a stream is pushed (spec §1.1, §1.3).
    pub const CHANNEL_STILL_LIVE: &str = "0044-00000201";
    /// VOD: missing or non-numeric startTime (spec §1.9).
    pub const VOD_START: &str = "0044-00000304";
    /// VOD: missing or non-numeric endTime (spec §1.9).
    pub const VOD_END: &str = "0044-00000305";
    /// VOD: startTime not before endTime (spec §1.9).
    pub const VOD_START_AFTER_END: &str = "0044-00000306";
    /// VOD: range longer than one day (spec §1.9).
    pub const VOD_SPAN: &str = "0044-00000307";
    /// VOD: no fragment in the range (spec §1.9).
    pub const VOD_EMPTY: &str = "0044-00000308";
    /// PostVodPlaylist: playlist name not ending in `.m3u8` (OSS page 0044-00000403).
    pub const VOD_PLAYLIST_NAME: &str = "0044-00000403";
    /// PutLiveChannelStatus: `status=` neither enabled nor disabled (OSS page 0017-00000255).
    pub const NEW_STATUS: &str = "0017-00000255";
    /// Empty channel name in a channel request (OSS page 0017-00000257).
    pub const CHANNEL_NAME_EMPTY: &str = "0017-00000257";
    /// NoSuchLiveChannel (OSS page 0026-00000021).
    pub const NO_SUCH_LIVE_CHANNEL: &str = "0026-00000021";
    /// NoSuchKey (OSS's object-not-found code, seen in real OSS error bodies).
    pub const NO_SUCH_KEY: &str = "0026-00000001";
    /// NoSuchBucket (spec / brief).
    pub const NO_SUCH_BUCKET: &str = "0015-00000101";
    /// SignatureDoesNotMatch of a header signature (OSS "troubleshoot signature errors" page).
    pub const SIGNATURE_DOES_NOT_MATCH: &str = "0002-00000040";
    /// RequestTimeTooSkewed of a header signature (OSS page 0002-00000504).
    pub const REQUEST_TIME_TOO_SKEWED: &str = "0002-00000504";
    /// InvalidAccessKeyId: unknown AccessKeyId (OSS page 0002-00000902).
    pub const INVALID_ACCESS_KEY_ID: &str = "0002-00000902";
    /// V4 `Authorization` with an empty `AdditionalHeaders=` (OSS page
    /// alibabacloud.com/help/en/oss/user-guide/0002-00000209).
    pub const ADDITIONAL_HEADERS_EMPTY: &str = "0002-00000209";
    /// V4 `AdditionalHeaders` holding an empty name, as in `host;` (OSS page
    /// alibabacloud.com/help/en/oss/user-guide/0002-00000210).
    pub const ADDITIONAL_HEADERS_ENTRY: &str = "0002-00000210";
    /// V4 `x-oss-content-sha256` other than `UNSIGNED-PAYLOAD` (OSS page
    /// alibabacloud.com/help/en/oss/support/0002-00000214).
    pub const CONTENT_SHA256: &str = "0002-00000214";
    /// InvalidDigest: a `Content-MD5` that is not the base64 of 16 bytes (OSS page
    /// help.aliyun.com/zh/oss/user-guide/0017-00000502).
    pub const CONTENT_MD5_FORMAT: &str = "0017-00000502";
    /// InvalidDigest: a `Content-MD5` that is not the body's (the EC OSS answers, as
    /// measured against the service in public reports; OSS's InvalidDigest page is
    /// alibabacloud.com/help/en/oss/the-the-content-md5-you-specified-was-invalid-error-message-is-returned-when-you-upload-a-file-to-oss-by-using-sts).
    pub const CONTENT_MD5_MISMATCH: &str = "0017-00000503";
    /// AccessDenied: an anonymous `GET`/`HEAD` of an object in a private bucket (the EC of
    /// the 403 example on OSS's "Overview of OSS error codes" page).
    pub const ANONYMOUS_OBJECT_ACCESS: &str = "0003-00000001";
    /// A presigned operation called without a signature in the URL, as
    /// `x-oss-process=hls/sign` signed in the `Authorization` header (OSS page
    /// alibabacloud.com/help/en/oss/support/0002-00000038).
    pub const SIGNATURE_NOT_IN_URL: &str = "0002-00000038";
    /// A V1 presigned URL with an empty `Expires` (OSS page 0002-00000068).
    pub const URL_EXPIRES_MISSING: &str = "0002-00000068";
    /// A V1 presigned URL used after its `Expires` (OSS page 0002-00000069).
    pub const URL_EXPIRED: &str = "0002-00000069";
    /// A presigned URL whose `Expires`/`x-oss-expires` is not a number (OSS page
    /// 0002-00000070).
    pub const URL_EXPIRES_INVALID: &str = "0002-00000070";
    /// A V4 presigned URL whose `x-oss-expires` is not 1–604800 seconds (OSS page
    /// 0002-00000232).
    pub const URL_V4_EXPIRES_RANGE: &str = "0002-00000232";
    /// A V4 presigned URL used more than 15 minutes before its `x-oss-date` (OSS page
    /// 0002-00000235).
    pub const URL_V4_NOT_YET_VALID: &str = "0002-00000235";
    /// A V4 presigned URL used after `x-oss-date` + `x-oss-expires` (OSS page
    /// 0002-00000236).
    pub const URL_V4_EXPIRED: &str = "0002-00000236";

    // emulator's choice: no source names this EC
    /// InvalidBucketName.
    pub const INVALID_BUCKET_NAME: &str = "0015-00000990";
    // emulator's choice: no source names this EC
    /// A channel name that is not empty but breaks the object-key rules.
    pub const CHANNEL_NAME: &str = "0044-00000990";
    // emulator's choice: no source names this EC
    /// MalformedXML of a PutLiveChannel body.
    pub const MALFORMED_XML: &str = "0044-00000991";
    // emulator's choice: no source names this EC
    /// LiveChannelDisabled.
    pub const LIVE_CHANNEL_DISABLED: &str = "0044-00000992";
    // emulator's choice: no source names this EC
    /// InvalidArgument about something no other EC covers (a malformed header, say).
    pub const INVALID_ARGUMENT: &str = "0044-00000993";
    // emulator's choice: no source names this EC
    /// AccessDenied.
    pub const ACCESS_DENIED: &str = "0003-00000990";
    // emulator's choice: no source names this EC
    /// InvalidSecurityToken.
    pub const INVALID_SECURITY_TOKEN: &str = "0002-00000990";
    // emulator's choice: no source names this EC
    /// MethodNotAllowed.
    pub const METHOD_NOT_ALLOWED: &str = "0001-00000990";
    // emulator's choice: no source names this EC
    /// InvalidRequest (HTTP-level problems).
    pub const INVALID_REQUEST: &str = "0001-00000991";
    // emulator's choice: no source names this EC
    /// InternalError.
    pub const INTERNAL_ERROR: &str = "0001-00000992";
    // emulator's choice: no source names this EC
    /// ServiceUnavailable.
    pub const SERVICE_UNAVAILABLE: &str = "0001-00000993";
}

/// An error the emulator answers with, as OSS would.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OssError {
    /// HTTP status, for example 404.
    pub status: u16,
    /// The OSS `Code`, for example `NoSuchLiveChannel`.
    pub code: &'static str,
    /// Human-readable `Message`.
    pub message: String,
    /// The OSS error detail code `EC`, for example `0044-00000014`.
    pub ec: &'static str,
    /// Extra elements OSS adds for some codes (`StringToSign`, `ServerTime`, `LiveChannel`...), in order.
    pub details: Vec<(&'static str, String)>,
}

impl OssError {
    /// An error with no extra elements.
    pub fn new(
        status: u16,
        code: &'static str,
        ec: &'static str,
        message: impl Into<String>,
    ) -> Self {
        OssError {
            status,
            code,
            message: message.into(),
            ec,
            details: Vec::new(),
        }
    }

    /// Adds an extra element to the error document.
    pub fn with_detail(mut self, element: &'static str, value: impl Into<String>) -> Self {
        self.details.push((element, value.into()));
        self
    }

    /// Adds an extra element echoing a value the client sent, cut to an [`excerpt`].
    pub fn with_value(self, element: &'static str, value: &str) -> Self {
        self.with_detail(element, excerpt(value))
    }

    /// 404 `NoSuchLiveChannel`: Get/Stat/History/Delete/status/VOD on a channel that does not exist.
    pub fn no_such_live_channel(name: &str) -> Self {
        OssError::new(
            404,
            "NoSuchLiveChannel",
            ec::NO_SUCH_LIVE_CHANNEL,
            "The specified live channel does not exist.",
        )
        .with_value("LiveChannel", name)
    }

    /// 404 `NoSuchBucket`, naming the bucket as OSS does.
    pub fn no_such_bucket(bucket: &str) -> Self {
        OssError::new(
            404,
            "NoSuchBucket",
            ec::NO_SUCH_BUCKET,
            "The specified bucket does not exist.",
        )
        .with_value("BucketName", bucket)
    }

    /// 400 `InvalidBucketName`.
    pub fn invalid_bucket_name(bucket: &str) -> Self {
        OssError::new(
            400,
            "InvalidBucketName",
            ec::INVALID_BUCKET_NAME,
            "The specified bucket is not valid.",
        )
        .with_value("BucketName", bucket)
    }

    /// 400 `InvalidArgument` about one argument, echoing its name and value like OSS.
    pub fn invalid_argument(
        name: &str,
        value: &str,
        message: impl Into<String>,
        ec: &'static str,
    ) -> Self {
        OssError::new(400, "InvalidArgument", ec, message)
            .with_detail("ArgumentName", name)
            .with_value("ArgumentValue", value)
    }

    /// 400 `InvalidArgument` where the value is not worth echoing (an unparsable header, say).
    pub fn invalid_argument_message(name: &str, message: impl Into<String>) -> Self {
        OssError::new(400, "InvalidArgument", ec::INVALID_ARGUMENT, message)
            .with_detail("ArgumentName", name)
    }

    /// 400 `MalformedXML`; `reason` is appended to OSS's fixed text to help debugging.
    pub fn malformed_xml(reason: &str) -> Self {
        OssError::new(
            400,
            "MalformedXML",
            ec::MALFORMED_XML,
            format!(
                "The XML you provided was not well-formed or did not validate against our published schema: {reason}"
            ),
        )
    }

    /// 409 `ChannelStillLive`: delete or overwrite of a channel being pushed to.
    pub fn channel_still_live(name: &str) -> Self {
        OssError::new(
            409,
            "ChannelStillLive",
            ec::CHANNEL_STILL_LIVE,
            "The live channel is still live.",
        )
        .with_value("LiveChannel", name)
    }

    /// 409 `LiveChannelDisabled`: a push to a disabled channel.
    pub fn live_channel_disabled(name: &str) -> Self {
        OssError::new(
            409,
            "LiveChannelDisabled",
            ec::LIVE_CHANNEL_DISABLED,
            "The live channel is disabled.",
        )
        .with_value("LiveChannel", name)
    }

    /// 403 `AccessDenied`.
    pub fn access_denied(message: impl Into<String>) -> Self {
        OssError::new(403, "AccessDenied", ec::ACCESS_DENIED, message)
    }

    /// 403 `AccessDenied`: an anonymous read of an object in a private bucket, in OSS's words.
    pub fn anonymous_object_access() -> Self {
        OssError::new(
            403,
            "AccessDenied",
            ec::ANONYMOUS_OBJECT_ACCESS,
            "You have no right to access this object because of bucket acl.",
        )
    }

    /// 403 `AccessDenied` "Request has expired.": a presigned URL used too late. `expires`
    /// and `server_time` are ISO 8601 instants, the elements OSS adds.
    pub fn request_expired(ec: &'static str, expires: &str, server_time: &str) -> Self {
        OssError::new(403, "AccessDenied", ec, "Request has expired.")
            .with_detail("Expires", expires)
            .with_detail("ServerTime", server_time)
    }

    /// 403 `AccessDenied` about the signature parameters of a presigned URL (missing,
    /// malformed, out of range, not yet valid) or about where a signature is: OSS documents
    /// the EC of each case (see [`ec`]) but not its `Code`, and `AccessDenied` is what it
    /// answers for the expired case.
    pub fn presigned_url_refused(ec: &'static str, message: impl Into<String>) -> Self {
        OssError::new(403, "AccessDenied", ec, message)
    }

    /// 403 `InvalidAccessKeyId`.
    pub fn invalid_access_key_id(access_key_id: &str) -> Self {
        OssError::new(
            403,
            "InvalidAccessKeyId",
            ec::INVALID_ACCESS_KEY_ID,
            "The OSS Access Key Id you provided does not exist in our records.",
        )
        .with_value("OSSAccessKeyId", access_key_id)
    }

    /// 403 `SignatureDoesNotMatch`, with the diagnostics OSS returns so a client author can
    /// compare string-to-sign byte by byte. Element order follows OSS's documented example.
    pub fn signature_does_not_match(
        string_to_sign: &str,
        signature_provided: &str,
        access_key_id: &str,
    ) -> Self {
        OssError::new(
            403,
            "SignatureDoesNotMatch",
            ec::SIGNATURE_DOES_NOT_MATCH,
            "The request signature we calculated does not match the signature you provided. \
             Check your key and signing method.",
        )
        .with_value("OSSAccessKeyId", access_key_id)
        .with_value("SignatureProvided", signature_provided)
        .with_detail("StringToSign", string_to_sign)
        .with_detail("StringToSignBytes", string_to_sign_bytes(string_to_sign))
    }

    /// 403 `RequestTimeTooSkewed`; both times as text, the request's exactly as it was sent.
    pub fn request_time_too_skewed(request_time: &str, server_time: &str) -> Self {
        OssError::new(
            403,
            "RequestTimeTooSkewed",
            ec::REQUEST_TIME_TOO_SKEWED,
            "The difference between the request time and the current time is too large.",
        )
        .with_value("RequestTime", request_time)
        .with_detail("ServerTime", server_time)
    }

    /// 403 `InvalidSecurityToken`: an STS token the emulator was not given.
    pub fn invalid_security_token() -> Self {
        OssError::new(
            403,
            "InvalidSecurityToken",
            ec::INVALID_SECURITY_TOKEN,
            "The security token you provided is invalid.",
        )
    }

    /// 405 `MethodNotAllowed`.
    pub fn method_not_allowed() -> Self {
        OssError::new(
            405,
            "MethodNotAllowed",
            ec::METHOD_NOT_ALLOWED,
            "The specified method is not allowed against this resource.",
        )
    }

    /// 405 `MethodNotAllowed` with a message saying what the emulator does serve there.
    pub fn method_not_allowed_message(message: impl Into<String>) -> Self {
        OssError {
            message: message.into(),
            ..OssError::method_not_allowed()
        }
    }

    /// 400 `InvalidArgument`: a VOD range in which the channel wrote no fragment.
    pub fn no_fragments_in_range(start: i64, end: i64) -> Self {
        OssError::new(
            400,
            "InvalidArgument",
            ec::VOD_EMPTY,
            format!("No ts file found in the time range [{start}, {end}]."),
        )
    }

    /// 400 `InvalidRequest`, for HTTP-level problems (bad request line, bad query...).
    pub fn invalid_request(message: impl Into<String>) -> Self {
        OssError::new(400, "InvalidRequest", ec::INVALID_REQUEST, message)
    }

    /// 500 `InternalError`.
    pub fn internal_error() -> Self {
        OssError::new(
            500,
            "InternalError",
            ec::INTERNAL_ERROR,
            "We encountered an internal error. Please try again.",
        )
    }

    /// 503 `ServiceUnavailable`.
    pub fn service_unavailable() -> Self {
        OssError::new(
            503,
            "ServiceUnavailable",
            ec::SERVICE_UNAVAILABLE,
            "Please reduce your request rate.",
        )
    }

    /// 404 `NoSuchKey` (for example a playlist or fragment object that was never written).
    pub fn no_such_key(key: &str) -> Self {
        OssError::new(
            404,
            "NoSuchKey",
            ec::NO_SUCH_KEY,
            "The specified key does not exist.",
        )
        .with_value("Key", key)
    }

    /// The `Error` document OSS sends as the body of an error response.
    pub fn to_xml(&self, request_id: &str, host_id: &str) -> String {
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>\n");
        let mut leaf = |name: &str, text: &str| {
            out.push_str(&format!("  <{name}>{}</{name}>\n", escape_text(text)));
        };
        leaf("Code", self.code);
        leaf("Message", &self.message);
        leaf("RequestId", request_id);
        leaf("HostId", host_id);
        for (name, value) in &self.details {
            leaf(name, value);
        }
        leaf("EC", self.ec);
        out.push_str("</Error>\n");
        out
    }
}

/// The string-to-sign as OSS prints it in `StringToSignBytes`: each byte as two upper-case
/// hex digits followed by a space (OSS's own examples end with that trailing space).
fn string_to_sign_bytes(s: &str) -> String {
    s.bytes().map(|b| format!("{b:02X} ")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_document_has_oss_layout() {
        let xml = OssError::no_such_live_channel("test-channel")
            .to_xml("5C3D9175B6FC201293AD****", "bucket.oss.example");
        assert_eq!(
            xml,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>\n  <Code>NoSuchLiveChannel</Code>\n  \
             <Message>The specified live channel does not exist.</Message>\n  \
             <RequestId>5C3D9175B6FC201293AD****</RequestId>\n  <HostId>bucket.oss.example</HostId>\n  \
             <LiveChannel>test-channel</LiveChannel>\n  <EC>0026-00000021</EC>\n</Error>\n"
        );
        let doc = roxmltree::Document::parse(&xml).unwrap();
        assert_eq!(doc.root_element().tag_name().name(), "Error");
    }

    #[test]
    fn text_is_escaped() {
        let xml = OssError::access_denied("a <b> & \"c\"").to_xml("r&1", "h<");
        assert!(
            xml.contains("<Message>a &lt;b&gt; &amp; \"c\"</Message>"),
            "{xml}"
        );
        assert!(xml.contains("<RequestId>r&amp;1</RequestId>"));
        assert!(xml.contains("<HostId>h&lt;</HostId>"));
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let msg = doc
            .descendants()
            .find(|n| n.has_tag_name("Message"))
            .unwrap();
        assert_eq!(msg.text(), Some("a <b> & \"c\""));
    }

    #[test]
    fn echoed_values_are_short_and_always_xml() {
        // Issue 14: a 1 MB value made a 1 MB error; a NUL made it unreadable.
        let long = format!("{}{}", "d".repeat(255), "频".repeat(400_000));
        let e = OssError::invalid_argument("Description", &long, "too long", ec::DESCRIPTION);
        assert_eq!(e.details[1].1, format!("{}...", "d".repeat(255)));
        assert_eq!(excerpt(&"x".repeat(256)), "x".repeat(256));
        let xml = OssError::no_such_live_channel("a\u{0}b\u{fffe}\tc").to_xml("r", "h");
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let name = doc
            .descendants()
            .find(|n| n.has_tag_name("LiveChannel"))
            .unwrap();
        assert_eq!(name.text(), Some("a\u{fffd}b\u{fffd}\tc"));
    }

    #[test]
    fn signature_mismatch_details_match_oss() {
        let e = OssError::signature_does_not_match(
            "PUT\n\n\nTue, 23 May 2023 15:24:55 GMT\n/bucket/?acl",
            "sig=",
            "LTAI",
        );
        assert_eq!(e.status, 403);
        assert_eq!(e.ec, "0002-00000040");
        let names: Vec<&str> = e.details.iter().map(|(n, _)| *n).collect();
        assert_eq!(
            names,
            [
                "OSSAccessKeyId",
                "SignatureProvided",
                "StringToSign",
                "StringToSignBytes"
            ]
        );
        assert_eq!(
            e.details[3].1,
            "50 55 54 0A 0A 0A 54 75 65 2C 20 32 33 20 4D 61 79 20 32 30 32 33 20 31 35 3A 32 34 3A \
             35 35 20 47 4D 54 0A 2F 62 75 63 6B 65 74 2F 3F 61 63 6C "
        );
    }

    #[test]
    fn skew_and_simple_constructors() {
        let e = OssError::request_time_too_skewed(
            "Wed, 24 Aug 2016 11:11:28 GMT",
            "2016-08-24T12:00:00.000Z",
        );
        assert_eq!((e.status, e.code), (403, "RequestTimeTooSkewed"));
        assert_eq!(
            e.details[0],
            ("RequestTime", "Wed, 24 Aug 2016 11:11:28 GMT".to_string())
        );
        assert_eq!(e.details[1].0, "ServerTime");
        let cases = [
            (
                OssError::no_such_bucket("b"),
                404,
                "NoSuchBucket",
                "0015-00000101",
            ),
            (
                OssError::invalid_bucket_name("a_b"),
                400,
                "InvalidBucketName",
                ec::INVALID_BUCKET_NAME,
            ),
            (
                OssError::malformed_xml("x"),
                400,
                "MalformedXML",
                ec::MALFORMED_XML,
            ),
            (
                OssError::channel_still_live("c"),
                409,
                "ChannelStillLive",
                "0044-00000201",
            ),
            (
                OssError::live_channel_disabled("c"),
                409,
                "LiveChannelDisabled",
                ec::LIVE_CHANNEL_DISABLED,
            ),
            (
                OssError::access_denied("no"),
                403,
                "AccessDenied",
                ec::ACCESS_DENIED,
            ),
            (
                OssError::invalid_access_key_id("AK"),
                403,
                "InvalidAccessKeyId",
                ec::INVALID_ACCESS_KEY_ID,
            ),
            (
                OssError::invalid_security_token(),
                403,
                "InvalidSecurityToken",
                ec::INVALID_SECURITY_TOKEN,
            ),
            (
                OssError::method_not_allowed(),
                405,
                "MethodNotAllowed",
                ec::METHOD_NOT_ALLOWED,
            ),
            (
                OssError::invalid_request("bad"),
                400,
                "InvalidRequest",
                ec::INVALID_REQUEST,
            ),
            (
                OssError::internal_error(),
                500,
                "InternalError",
                ec::INTERNAL_ERROR,
            ),
            (
                OssError::service_unavailable(),
                503,
                "ServiceUnavailable",
                ec::SERVICE_UNAVAILABLE,
            ),
            (
                OssError::anonymous_object_access(),
                403,
                "AccessDenied",
                "0003-00000001",
            ),
            (
                OssError::request_expired(ec::URL_EXPIRED, "e", "s"),
                403,
                "AccessDenied",
                "0002-00000069",
            ),
            (
                OssError::presigned_url_refused(ec::URL_V4_EXPIRES_RANGE, "8 days"),
                403,
                "AccessDenied",
                "0002-00000232",
            ),
            (
                OssError::no_such_key("c/p.m3u8"),
                404,
                "NoSuchKey",
                "0026-00000001",
            ),
        ];
        for (e, status, code, ec) in cases {
            assert_eq!((e.status, e.code, e.ec), (status, code, ec));
            assert!(!e.message.is_empty());
        }
        assert_eq!(
            OssError::no_such_bucket("b").details,
            [("BucketName", "b".to_string())]
        );
        assert_eq!(
            OssError::no_such_key("k").details,
            [("Key", "k".to_string())]
        );
    }

    #[test]
    fn invalid_argument_echoes_name_and_value() {
        let e = OssError::invalid_argument("max-keys", "-1", "bad", ec::LIST_MAX_KEYS);
        let xml = e.to_xml("r", "h");
        assert!(xml.contains("  <ArgumentName>max-keys</ArgumentName>\n  <ArgumentValue>-1</ArgumentValue>\n  <EC>0044-00000101</EC>\n"));
    }

    #[test]
    fn ec_table_has_the_oss_shape() {
        let all = [
            ec::DESCRIPTION,
            ec::STATUS,
            ec::SNAPSHOT_REPEATED,
            ec::SNAPSHOT_INTERVAL,
            ec::SNAPSHOT_NOTIFY_TOPIC,
            ec::SNAPSHOT_ROLE_NAME,
            ec::SNAPSHOT_DEST_BUCKET,
            ec::TARGET_TYPE,
            ec::FRAG_DURATION,
            ec::FRAG_COUNT,
            ec::PLAYLIST_SLASH,
            ec::PLAYLIST_LENGTH,
            ec::PLAYLIST_SUFFIX,
            ec::LIST_MAX_KEYS,
            ec::LIST_PREFIX,
            ec::LIST_MARKER,
            ec::CHANNEL_STILL_LIVE,
            ec::VOD_START,
            ec::VOD_END,
            ec::VOD_START_AFTER_END,
            ec::VOD_SPAN,
            ec::VOD_EMPTY,
            ec::VOD_PLAYLIST_NAME,
            ec::NEW_STATUS,
            ec::CHANNEL_NAME_EMPTY,
            ec::NO_SUCH_LIVE_CHANNEL,
            ec::NO_SUCH_KEY,
            ec::NO_SUCH_BUCKET,
            ec::SIGNATURE_DOES_NOT_MATCH,
            ec::REQUEST_TIME_TOO_SKEWED,
            ec::INVALID_ACCESS_KEY_ID,
            ec::ADDITIONAL_HEADERS_EMPTY,
            ec::ADDITIONAL_HEADERS_ENTRY,
            ec::CONTENT_SHA256,
            ec::CONTENT_MD5_FORMAT,
            ec::CONTENT_MD5_MISMATCH,
            ec::ANONYMOUS_OBJECT_ACCESS,
            ec::SIGNATURE_NOT_IN_URL,
            ec::URL_EXPIRES_MISSING,
            ec::URL_EXPIRED,
            ec::URL_EXPIRES_INVALID,
            ec::URL_V4_EXPIRES_RANGE,
            ec::URL_V4_NOT_YET_VALID,
            ec::URL_V4_EXPIRED,
            ec::INVALID_BUCKET_NAME,
            ec::CHANNEL_NAME,
            ec::MALFORMED_XML,
            ec::LIVE_CHANNEL_DISABLED,
            ec::INVALID_ARGUMENT,
            ec::ACCESS_DENIED,
            ec::INVALID_SECURITY_TOKEN,
            ec::METHOD_NOT_ALLOWED,
            ec::INVALID_REQUEST,
            ec::INTERNAL_ERROR,
            ec::SERVICE_UNAVAILABLE,
        ];
        let mut seen = std::collections::HashSet::new();
        for code in all {
            let b = code.as_bytes();
            assert!(b.len() == 13 && b[4] == b'-', "{code}");
            assert!(
                b.iter()
                    .enumerate()
                    .all(|(i, c)| i == 4 || c.is_ascii_digit()),
                "{code}"
            );
            assert!(seen.insert(code), "duplicate {code}");
        }
    }
}
