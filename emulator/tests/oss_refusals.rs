//! What OSS refuses, the emulator refuses with OSS's status, `Code` and `EC`; each request
//! is written by hand and signed by `support`'s lines from the wire notes, so the request
//! is well signed and the refusal is about the one thing under test.

mod support;

use std::time::SystemTime;

use osslive_emulator::model::LiveSession;
use support::*;

/// A V4 GetLiveChannelInfo of `test-channel` with `extra` headers and the `Authorization`
/// built by `authorization` from the signature of `canonical`.
fn v4_get(
    emulator: &osslive_emulator::Emulator,
    canonical: &str,
    extra: &[(&str, &str)],
    authorization: impl Fn(&str) -> String,
) -> Answer {
    let signature = v4_signature(&v4_string_to_sign(NOW_V4, canonical));
    let auth = authorization(&signature);
    let mut headers = vec![("Host", HOST), ("x-oss-date", NOW_V4)];
    headers.extend_from_slice(extra);
    headers.push(("Authorization", &auth));
    send(emulator.addr(), "GET", "/test-channel?live", &headers, "")
}

const INFO_CANONICAL: &str = "GET\n/examplebucket/test-channel\nlive\n\
     x-oss-content-sha256:UNSIGNED-PAYLOAD\nx-oss-date:20261207T043500Z\n\n\nUNSIGNED-PAYLOAD";

#[test]
fn empty_additional_headers_are_refused() {
    let emulator = emulator();
    create_channel(&emulator, "test-channel");
    let sha = [("x-oss-content-sha256", "UNSIGNED-PAYLOAD")];
    let credential = v4_credential();
    // OSS's own example on the EC page: `,AdditionalHeaders=,` in Go's layout.
    let empty = v4_get(&emulator, INFO_CANONICAL, &sha, |sig| {
        format!("OSS4-HMAC-SHA256 Credential={credential},AdditionalHeaders=,Signature={sig}")
    });
    assert_eq!(
        empty.error(),
        (400, "InvalidArgument".into(), "0002-00000209".into())
    );
    assert_eq!(
        empty.element("ArgumentName").as_deref(),
        Some("Authorization")
    );
    let trailing = v4_get(&emulator, INFO_CANONICAL, &sha, |sig| {
        format!("OSS4-HMAC-SHA256 Credential={credential}, Signature={sig}, AdditionalHeaders=")
    });
    assert_eq!(
        trailing.error(),
        (400, "InvalidArgument".into(), "0002-00000209".into())
    );
    // An empty name in the list (`host;`) has an EC of its own.
    let host_and_nothing = v4_get(&emulator, INFO_CANONICAL, &sha, |sig| {
        format!("OSS4-HMAC-SHA256 Credential={credential},AdditionalHeaders=host;,Signature={sig}")
    });
    assert_eq!(
        host_and_nothing.error(),
        (400, "InvalidArgument".into(), "0002-00000210".into())
    );
    // Without the part at all, the same request is fine.
    let fine = v4_get(&emulator, INFO_CANONICAL, &sha, |sig| {
        format!("OSS4-HMAC-SHA256 Credential={credential},Signature={sig}")
    });
    assert_eq!(fine.status, 200, "{fine:?}");
}

#[test]
fn a_payload_hash_other_than_unsigned_payload_is_refused() {
    let emulator = emulator();
    create_channel(&emulator, "test-channel");
    // The SHA-256 of the empty body: a real digest, still not what OSS takes.
    let digest = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    let canonical = INFO_CANONICAL
        .replace("sha256:UNSIGNED-PAYLOAD", &format!("sha256:{digest}"))
        .replace("\n\n\nUNSIGNED-PAYLOAD", &format!("\n\n\n{digest}"));
    let credential = v4_credential();
    let answer = v4_get(
        &emulator,
        &canonical,
        &[("x-oss-content-sha256", digest)],
        |sig| format!("OSS4-HMAC-SHA256 Credential={credential}, Signature={sig}"),
    );
    assert_eq!(
        answer.error(),
        (400, "InvalidArgument".into(), "0002-00000214".into())
    );
    assert_eq!(
        answer.element("ArgumentName").as_deref(),
        Some("x-oss-content-sha256")
    );
    assert_eq!(answer.element("ArgumentValue").as_deref(), Some(digest));
}

#[test]
fn a_content_md5_that_is_not_the_body_is_refused() {
    let emulator = emulator();
    // base64(MD5(CONFIG_XML)) and two that are not.
    let right = {
        use base64::Engine as _;
        use md5::Digest as _;
        base64::engine::general_purpose::STANDARD.encode(md5::Md5::digest(CONFIG_XML))
    };
    let put = |content_md5: &str| {
        let sts = format!("PUT\n{content_md5}\n\n{NOW_HTTP}\n/examplebucket/md5-channel?live");
        send(
            emulator.addr(),
            "PUT",
            "/md5-channel?live",
            &[
                ("Host", HOST),
                ("Date", NOW_HTTP),
                ("Content-MD5", content_md5),
                ("Authorization", &v1_authorization(&sts)),
            ],
            CONFIG_XML,
        )
    };
    let mismatch = put("1B2M2Y8AsgTpgAmY7PhCfg==");
    assert_eq!(
        mismatch.error(),
        (400, "InvalidDigest".into(), "0017-00000503".into())
    );
    let malformed = put("not-a-digest");
    assert_eq!(
        malformed.error(),
        (400, "InvalidDigest".into(), "0017-00000502".into())
    );
    // The body's own digest is accepted.
    assert_eq!(put(&right).status, 200);
}

#[test]
fn a_live_channel_can_only_be_disabled() {
    let emulator = emulator();
    create_channel(&emulator, "live-channel");
    emulator
        .begin_publish(
            "examplebucket",
            "live-channel",
            LiveSession {
                connected_time: SystemTime::now(),
                remote_addr: "10.1.2.3:47745".into(),
                video: None,
                audio: None,
            },
        )
        .unwrap();
    let set = |status: &str| {
        let sts = format!("PUT\n\n\n{NOW_HTTP}\n/examplebucket/live-channel?live&status={status}");
        send(
            emulator.addr(),
            "PUT",
            &format!("/live-channel?live&status={status}"),
            &[
                ("Host", HOST),
                ("Date", NOW_HTTP),
                ("Authorization", &v1_authorization(&sts)),
            ],
            "",
        )
    };
    let enable = set("enabled");
    assert_eq!(
        enable.error(),
        (409, "ChannelStillLive".into(), "0044-00000201".into())
    );
    let disable = set("disabled");
    assert_eq!(disable.status, 200, "{disable:?}");
    // Once the push is cut off, enabling is allowed again.
    assert_eq!(set("enabled").status, 200);
}

#[test]
fn next_marker_only_when_truncated() {
    let emulator = emulator();
    for name in ["list-a", "list-b", "list-c"] {
        create_channel(&emulator, name);
    }
    let list = |max_keys: &str| {
        let sts = format!("GET\n\n\n{NOW_HTTP}\n/examplebucket/?live");
        send(
            emulator.addr(),
            "GET",
            &format!("/?live&prefix=list-&max-keys={max_keys}"),
            &[
                ("Host", HOST),
                ("Date", NOW_HTTP),
                ("Authorization", &v1_authorization(&sts)),
            ],
            "",
        )
    };
    let page = list("2");
    assert_eq!(page.status, 200, "{page:?}");
    assert_eq!(page.element("IsTruncated").as_deref(), Some("true"));
    assert_eq!(page.element("NextMarker").as_deref(), Some("list-b"));
    let all = list("3");
    assert_eq!(all.status, 200, "{all:?}");
    assert_eq!(all.element("IsTruncated").as_deref(), Some("false"));
    assert!(!all.body.contains("NextMarker"), "{}", all.body);
}
