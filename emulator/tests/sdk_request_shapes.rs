//! Every request shape the official SDKs send is accepted, byte for byte: each test writes
//! the raw HTTP request by hand, signed by `support`'s few lines from the wire notes (with
//! the canonical request or string-to-sign spelled out), sends it over a socket to an
//! in-process emulator and checks the 200 and the answer.

mod support;

use std::time::{Duration, UNIX_EPOCH};

use osslive_emulator::model::Fragment;
use support::*;

/// The test-side signing reproduces the oss2 2.19.1 vectors (copied from the wire
/// notes' `vectors.json`; same keys as [`AK`]/[`SK`], clock `Wed, 24 Aug 2016 11:11:28 GMT`).
#[test]
fn test_side_signing_reproduces_the_oss2_vectors() {
    assert_eq!(
        hmac_sha1_base64(
            SK,
            "PUT\n\n\nWed, 24 Aug 2016 11:11:28 GMT\n/examplebucket/test-channel?live"
        ),
        "spJ2SkiB4ywo4hNMEWrhOa85pxQ="
    );
    assert_eq!(
        hmac_sha1_base64(
            SK,
            "GET\n\n\nWed, 24 Aug 2016 11:11:28 GMT\nx-oss-security-token:STS.TestSecurityToken+/=\n\
             /examplebucket/test-channel?comp=stat&live"
        ),
        "rtSZStSmbw6OdN4iytFnpAGhYjg="
    );
    assert_eq!(
        hmac_sha1_base64(
            SK,
            "1472040688\nplaylistName:test.m3u8\n/examplebucket/test-channel"
        ),
        "F7x1RGtih1jyG9OhZMCbAgr3Qck="
    );
    let canonical = "GET\n/examplebucket/test-channel\ncomp=stat&live\n\
                     x-oss-content-sha256:UNSIGNED-PAYLOAD\nx-oss-date:20160824T111128Z\n\n\nUNSIGNED-PAYLOAD";
    let string_to_sign = v4_string_to_sign_at("20160824T111128Z", "20160824", canonical);
    assert_eq!(
        string_to_sign,
        "OSS4-HMAC-SHA256\n20160824T111128Z\n20160824/cn-hangzhou/oss/aliyun_v4_request\n\
         96d931de18951e93fe2203f3378094e5eececc9a9cf2279a971ae94639aec0e0"
    );
    assert_eq!(
        v4_signature_for(SK, "20160824", REGION, &string_to_sign),
        "68d995b0449ab01d20bd5df20e9dd2ee386ae5be3d8bc5dbcda60786df1ffe12"
    );
}

/// The Go SDK v1 (v3.0.2) signs V4 with `Date` and no `x-oss-date`: the scope's day comes
/// from `Date`, and the `Date` text itself is the date line of the string-to-sign. Its
/// header names are Go's canonical ones, and it writes `,` between the parts.
#[test]
fn v4_with_date_only_as_the_go_sdk_sends_it() {
    let emulator = emulator();
    let put_canonical = "PUT\n/examplebucket/test-channel\nlive\n\
                         x-oss-content-sha256:UNSIGNED-PAYLOAD\n\n\nUNSIGNED-PAYLOAD";
    let put_sts = v4_string_to_sign(NOW_HTTP, put_canonical);
    assert!(put_sts.starts_with("OSS4-HMAC-SHA256\nMon, 07 Dec 2026 04:35:00 GMT\n20261207/"));
    let auth = format!(
        "OSS4-HMAC-SHA256 Credential={},Signature={}",
        v4_credential(),
        v4_signature(&put_sts)
    );
    let created = send(
        emulator.addr(),
        "PUT",
        "/test-channel?live",
        &[
            ("Host", HOST),
            (
                "User-Agent",
                "aliyun-sdk-go/v3.0.2 (Linux/6.1 amd64;go1.22)/go-sdk",
            ),
            ("Authorization", &auth),
            ("Date", NOW_HTTP),
            ("X-Oss-Content-Sha256", "UNSIGNED-PAYLOAD"),
        ],
        CONFIG_XML,
    );
    assert_eq!(created.status, 200, "{created:?}");
    assert_eq!(
        created.element("PublishUrls").as_deref().map(str::trim),
        Some("<Url>rtmp://examplebucket.oss-cn-hangzhou.aliyuncs.com/live/test-channel</Url>")
    );

    let get_canonical = "GET\n/examplebucket/test-channel\nlive\n\
                         x-oss-content-sha256:UNSIGNED-PAYLOAD\n\n\nUNSIGNED-PAYLOAD";
    let auth = format!(
        "OSS4-HMAC-SHA256 Credential={},Signature={}",
        v4_credential(),
        v4_signature(&v4_string_to_sign(NOW_HTTP, get_canonical))
    );
    let info = send(
        emulator.addr(),
        "GET",
        "/test-channel?live",
        &[
            ("Host", HOST),
            ("Authorization", &auth),
            ("Date", NOW_HTTP),
            ("X-Oss-Content-Sha256", "UNSIGNED-PAYLOAD"),
        ],
        "",
    );
    assert_eq!(info.status, 200, "{info:?}");
    assert_eq!(info.element("PlaylistName").as_deref(), Some("test.m3u8"));
    assert_eq!(info.element("FragCount").as_deref(), Some("3"));
}

/// With both headers, `x-oss-date` is the date that is signed, as in every SDK.
#[test]
fn v4_with_date_and_x_oss_date_signs_x_oss_date() {
    let emulator = emulator();
    create_channel(&emulator, "test-channel");
    let canonical = format!(
        "GET\n/examplebucket/test-channel\ncomp=stat&live\n\
         x-oss-content-sha256:UNSIGNED-PAYLOAD\nx-oss-date:{NOW_V4}\n\n\nUNSIGNED-PAYLOAD"
    );
    let a_minute_before = "Mon, 07 Dec 2026 04:34:00 GMT";
    let stat = |date_line: &str| {
        let auth = format!(
            "OSS4-HMAC-SHA256 Credential={}, Signature={}",
            v4_credential(),
            v4_signature(&v4_string_to_sign(date_line, &canonical))
        );
        send(
            emulator.addr(),
            "GET",
            "/test-channel?live=&comp=stat",
            &[
                ("Host", HOST),
                ("Date", a_minute_before),
                ("x-oss-date", NOW_V4),
                ("x-oss-content-sha256", "UNSIGNED-PAYLOAD"),
                ("Authorization", &auth),
            ],
            "",
        )
    };
    let answer = stat(NOW_V4);
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.element("Status").as_deref(), Some("Idle"));
    let signed_with_date = stat(a_minute_before);
    assert_eq!(signed_with_date.error().1, "SignatureDoesNotMatch");
}

/// `AdditionalHeaders` in oss2's layout (after the signature, `, `) and in Go's (before it,
/// `,`), with the listed headers signed in the canonical request.
#[test]
fn v4_with_additional_headers() {
    let emulator = emulator();
    create_channel(&emulator, "test-channel");

    let canonical = format!(
        "GET\n/examplebucket/test-channel\ncomp=stat&live\nhost:{HOST}\n\
         x-oss-content-sha256:UNSIGNED-PAYLOAD\nx-oss-date:{NOW_V4}\n\nhost\nUNSIGNED-PAYLOAD"
    );
    let auth = format!(
        "OSS4-HMAC-SHA256 Credential={}, Signature={}, AdditionalHeaders=host",
        v4_credential(),
        v4_signature(&v4_string_to_sign(NOW_V4, &canonical))
    );
    let python = send(
        emulator.addr(),
        "GET",
        "/test-channel?live=&comp=stat",
        &[
            ("Host", HOST),
            ("x-oss-date", NOW_V4),
            ("x-oss-content-sha256", "UNSIGNED-PAYLOAD"),
            ("authorization", &auth),
        ],
        "",
    );
    assert_eq!(python.status, 200, "{python:?}");
    assert_eq!(python.element("Status").as_deref(), Some("Idle"));

    let agent = "aliyun-sdk-go/v3.0.2";
    let canonical = format!(
        "GET\n/examplebucket/test-channel\ncomp=history&live\nhost:{HOST}\nuser-agent:{agent}\n\
         x-oss-content-sha256:UNSIGNED-PAYLOAD\n\nhost;user-agent\nUNSIGNED-PAYLOAD"
    );
    let auth = format!(
        "OSS4-HMAC-SHA256 Credential={},AdditionalHeaders=host;user-agent,Signature={}",
        v4_credential(),
        v4_signature(&v4_string_to_sign(NOW_HTTP, &canonical))
    );
    let go = |user_agent: &str| {
        send(
            emulator.addr(),
            "GET",
            "/test-channel?comp=history&live",
            &[
                ("Host", HOST),
                ("User-Agent", user_agent),
                ("Date", NOW_HTTP),
                ("X-Oss-Content-Sha256", "UNSIGNED-PAYLOAD"),
                ("Authorization", &auth),
            ],
            "",
        )
    };
    let history = go(agent);
    assert_eq!(history.status, 200, "{history:?}");
    assert!(history.body.contains("<LiveChannelHistory"), "{history:?}");
    // The listed header is signed: another value no longer verifies.
    assert_eq!(go("curl/8.0").error().1, "SignatureDoesNotMatch");
}

/// V1 with `x-oss-date` in place of `Date` (oss2 and the C SDK sign it so): it is both the
/// date line and one of the signed `x-oss-*` headers.
#[test]
fn v1_with_x_oss_date() {
    let emulator = emulator();
    create_channel(&emulator, "test-channel");
    let sts =
        format!("GET\n\n\n{NOW_HTTP}\nx-oss-date:{NOW_HTTP}\n/examplebucket/test-channel?live");
    let auth = v1_authorization(&sts);
    let info = send(
        emulator.addr(),
        "GET",
        "/test-channel?live",
        &[
            ("Host", HOST),
            ("x-oss-date", NOW_HTTP),
            ("Authorization", &auth),
        ],
        "",
    );
    assert_eq!(info.status, 200, "{info:?}");
    assert_eq!(info.element("Status").as_deref(), Some("enabled"));
}

/// Header names are case-insensitive: the signatures use them lower-cased.
#[test]
fn header_names_in_any_case() {
    let emulator = emulator();
    let sts = format!(
        "PUT\n\napplication/xml\n{NOW_HTTP}\nx-oss-meta-case:Mixed\n/examplebucket/case-channel?live"
    );
    let auth = v1_authorization(&sts);
    let created = send(
        emulator.addr(),
        "PUT",
        "/case-channel?live",
        &[
            ("HOST", HOST),
            ("DATE", NOW_HTTP),
            ("CONTENT-TYPE", "application/xml"),
            ("X-OSS-META-CASE", "Mixed"),
            ("AUTHORIZATION", &auth),
        ],
        CONFIG_XML,
    );
    assert_eq!(created.status, 200, "{created:?}");

    let canonical = format!(
        "GET\n/examplebucket/case-channel\nlive\nx-oss-content-sha256:UNSIGNED-PAYLOAD\n\
         x-oss-date:{NOW_V4}\n\n\nUNSIGNED-PAYLOAD"
    );
    let auth = format!(
        "OSS4-HMAC-SHA256 Credential={}, Signature={}",
        v4_credential(),
        v4_signature(&v4_string_to_sign(NOW_V4, &canonical))
    );
    let info = send(
        emulator.addr(),
        "GET",
        "/case-channel?live",
        &[
            ("host", HOST),
            ("X-OSS-DATE", NOW_V4),
            ("x-Oss-Content-SHA256", "UNSIGNED-PAYLOAD"),
            ("authorization", &auth),
        ],
        "",
    );
    assert_eq!(info.status, 200, "{info:?}");
    assert_eq!(info.element("Description").as_deref(), Some("d"));
}

/// Query parameters bare (`live`, Go and C) or with `=` (`live=`, oss2), in any order,
/// values percent-encoded or form-encoded (`+` for a space, Go's `QueryEscape`); a key
/// with its `/` raw or as `%2F` (oss2 and Go send `%2F`). The signature covers the decoded
/// values either way.
#[test]
fn query_values_raw_or_encoded() {
    let emulator = emulator();
    let sts = format!("PUT\n\n\n{NOW_HTTP}\n/examplebucket/with space?live");
    let auth = v1_authorization(&sts);
    let created = send(
        emulator.addr(),
        "PUT",
        "/with%20space?live",
        &[("Host", HOST), ("Date", NOW_HTTP), ("Authorization", &auth)],
        CONFIG_XML,
    );
    assert_eq!(created.status, 200, "{created:?}");

    let stat_sts = format!("GET\n\n\n{NOW_HTTP}\n/examplebucket/with space?comp=stat&live");
    for target in [
        "/with%20space?live&comp=stat",
        "/with%20space?comp=stat&live=",
        "/with+space?live=&comp=stat",
    ] {
        // In a path `+` is a plus, not a space: only the first two name the channel.
        let answer = send(
            emulator.addr(),
            "GET",
            target,
            &[
                ("Host", HOST),
                ("Date", NOW_HTTP),
                ("Authorization", &v1_authorization(&stat_sts)),
            ],
            "",
        );
        if target.starts_with("/with+") {
            assert_eq!(answer.error().1, "SignatureDoesNotMatch", "{target}");
        } else {
            assert_eq!(answer.status, 200, "{target}: {answer:?}");
            assert_eq!(answer.element("Status").as_deref(), Some("Idle"));
        }
    }

    let canonical = format!(
        "GET\n/examplebucket/\nlive&max-keys=10&prefix=with%20sp\n\
         x-oss-content-sha256:UNSIGNED-PAYLOAD\nx-oss-date:{NOW_V4}\n\n\nUNSIGNED-PAYLOAD"
    );
    let auth = format!(
        "OSS4-HMAC-SHA256 Credential={}, Signature={}",
        v4_credential(),
        v4_signature(&v4_string_to_sign(NOW_V4, &canonical))
    );
    for target in [
        "/?live=&prefix=with%20sp&max-keys=10",
        "/?max-keys=10&prefix=with+sp&live",
    ] {
        let list = send(
            emulator.addr(),
            "GET",
            target,
            &[
                ("Host", HOST),
                ("x-oss-date", NOW_V4),
                ("x-oss-content-sha256", "UNSIGNED-PAYLOAD"),
                ("Authorization", &auth),
            ],
            "",
        );
        assert_eq!(list.status, 200, "{target}: {list:?}");
        assert_eq!(list.element("Prefix").as_deref(), Some("with sp"));
        assert_eq!(list.element("Name").as_deref(), Some("with space"));
    }
}

/// PostVodPlaylist names `CHANNEL/PLAYLIST`: oss2 and Go send the `/` as `%2F`, a hand-made
/// request may send it raw; both sign the raw `/`.
#[test]
fn post_vod_playlist_with_the_slash_raw_or_encoded() {
    let emulator = emulator();
    create_channel(&emulator, "test-channel");
    let start = NOW_UNIX - 600;
    let fragments = (0..3)
        .map(|i| {
            let at = UNIX_EPOCH + Duration::from_secs(start + 60 + i * 5);
            let name = format!("{}.ts", (start + 60 + i * 5) * 1000);
            (
                Fragment {
                    start_time: at,
                    duration: 5.0,
                    name,
                },
                Vec::new(),
            )
        })
        .collect();
    emulator
        .add_fragments("examplebucket", "test-channel", fragments)
        .unwrap();
    for (path, playlist) in [
        ("test-channel%2Fvod.m3u8", "vod.m3u8"),
        ("test-channel/raw.m3u8", "raw.m3u8"),
    ] {
        let sts = format!(
            "POST\n\n\n{NOW_HTTP}\n/examplebucket/test-channel/{playlist}?endTime={NOW_UNIX}&startTime={start}&vod"
        );
        let posted = send(
            emulator.addr(),
            "POST",
            &format!("/{path}?vod=&startTime={start}&endTime={NOW_UNIX}"),
            &[
                ("Host", HOST),
                ("Date", NOW_HTTP),
                ("Authorization", &v1_authorization(&sts)),
            ],
            "",
        );
        assert_eq!(posted.status, 200, "{path}: {posted:?}");
        // The bucket is private: the playlist is read with a signature too.
        let get_sts = format!("GET\n\n\n{NOW_HTTP}\n/examplebucket/test-channel/{playlist}");
        let m3u8 = send(
            emulator.addr(),
            "GET",
            &format!("/test-channel/{playlist}"),
            &[
                ("Host", HOST),
                ("Date", NOW_HTTP),
                ("Authorization", &v1_authorization(&get_sts)),
            ],
            "",
        );
        assert_eq!(m3u8.status, 200, "{m3u8:?}");
        assert!(m3u8.body.starts_with("#EXTM3U"), "{m3u8:?}");
        assert_eq!(m3u8.body.matches("#EXTINF:").count(), 3, "{}", m3u8.body);
        assert!(m3u8.body.contains("#EXT-X-ENDLIST"));
    }
}
