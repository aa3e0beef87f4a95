use super::*;
use crate::auth::AccessKey;
use crate::percent;

const AK: &str = "LTAI5tTestAccessKeyId";
const SK: &str = "TestAccessKeySecret0123456789abc";
const TOKEN: &str = "STS.TestSecurityToken+/=";
/// 2026-12-07T04:35:00Z.
const NOW: u64 = 1_796_618_100;
const KEY: &str = "test-channel/playlist.m3u8";

fn authority() -> Authority {
    Authority {
        access_keys: vec![AccessKey {
            id: AK.into(),
            secret: SK.into(),
        }],
        security_tokens: vec![TOKEN.into()],
        region: "cn-hangzhou".into(),
    }
}

fn v1(expires: u64) -> UrlSigning<'static> {
    UrlSigning::V1 { expires }
}

fn v4(expires: u64) -> UrlSigning<'static> {
    UrlSigning::V4 {
        date: "20261207T043500Z",
        day: "20261207",
        region: "cn-hangzhou",
        expires,
        additional_headers: &[],
    }
}

fn signed(signing: UrlSigning<'_>, token: Option<&str>, key: &str) -> Vec<(String, String)> {
    let signer = Signer {
        access_key_id: AK,
        secret: SK,
        security_token: token,
    };
    presign::sign_url_query(&signer, &signing, "examplebucket", key, &[])
}

/// Checks a GET of `key` with `query` at `now` Unix seconds.
fn check_at(
    query: &[(String, String)],
    key: &str,
    now: u64,
) -> Result<Option<Presigned>, OssError> {
    let refs: Vec<(&str, &str)> = query
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let req = SignedRequest {
        method: "GET",
        bucket: "examplebucket",
        key: Some(key),
        query: &refs,
        headers: &[("Host", "127.0.0.1:9100")],
    };
    check(&authority(), &req, UNIX_EPOCH + Duration::from_secs(now))
}

fn with(query: &[(String, String)], name: &str, value: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = query.iter().filter(|(k, _)| k != name).cloned().collect();
    out.push((name.into(), value.into()));
    out
}

fn refused(result: Result<Option<Presigned>, OssError>) -> OssError {
    result.expect_err("refused")
}

#[test]
fn a_query_without_a_signature_is_not_presigned() {
    let query = [("x-oss-process".to_string(), "hls/sign".to_string())];
    assert!(check_at(&query, KEY, NOW).unwrap().is_none());
}

#[test]
fn valid_urls_verify_in_both_versions_with_and_without_sts() {
    for (signing, version) in [(v1(NOW + 60), 1), (v4(60), 4)] {
        for token in [None, Some(TOKEN)] {
            let query = signed(signing, token, KEY);
            let presigned = check_at(&query, KEY, NOW)
                .unwrap()
                .unwrap_or_else(|| panic!("{query:?}"));
            assert_eq!(presigned.version(), version);
            assert_eq!(presigned.access_key_id(), AK);
            // Valid up to the last second.
            assert!(check_at(&query, KEY, NOW + 60).is_ok(), "{version}");
        }
    }
}

#[test]
fn expired_urls_are_refused_with_the_expiry_and_server_time() {
    let e = refused(check_at(&signed(v1(NOW + 60), None, KEY), KEY, NOW + 61));
    assert_eq!(
        (e.status, e.code, e.ec),
        (403, "AccessDenied", "0002-00000069")
    );
    assert_eq!(e.message, "Request has expired.");
    assert_eq!(
        e.details,
        [
            ("Expires", "2026-12-07T04:36:00.000Z".to_string()),
            ("ServerTime", "2026-12-07T04:36:01.000Z".to_string())
        ]
    );
    let e = refused(check_at(&signed(v4(60), Some(TOKEN), KEY), KEY, NOW + 61));
    assert_eq!((e.code, e.ec), ("AccessDenied", "0002-00000236"));
    assert_eq!(e.details[0].1, "2026-12-07T04:36:00.000Z");
}

#[test]
fn v4_urls_are_valid_from_15_minutes_before_their_date_for_at_most_7_days() {
    let url = signed(v4(60), None, KEY);
    assert!(check_at(&url, KEY, NOW - 14 * 60).is_ok());
    let e = refused(check_at(&url, KEY, NOW - 16 * 60));
    assert_eq!((e.code, e.ec), ("AccessDenied", "0002-00000235"));
    assert!(check_at(&signed(v4(604_800), None, KEY), KEY, NOW).is_ok());
    for bad in [0, 604_801] {
        let e = refused(check_at(&signed(v4(bad), None, KEY), KEY, NOW));
        assert_eq!((e.code, e.ec), ("AccessDenied", "0002-00000232"), "{bad}");
    }
    let e = refused(check_at(&with(&url, "x-oss-expires", "soon"), KEY, NOW));
    assert_eq!(e.ec, "0002-00000070");
}

#[test]
fn tampering_is_a_signature_mismatch_with_the_string_to_sign() {
    let url = signed(v1(NOW + 60), Some(TOKEN), KEY);
    let e = refused(check_at(&with(&url, "Signature", "AAAA"), KEY, NOW));
    assert_eq!((e.status, e.code), (403, "SignatureDoesNotMatch"));
    let sts = &e
        .details
        .iter()
        .find(|(n, _)| *n == "StringToSign")
        .unwrap()
        .1;
    assert_eq!(
        sts,
        &format!(
            "GET\n\n\n{}\n/examplebucket/{KEY}?security-token={TOKEN}",
            NOW + 60
        )
    );
    // Signed for another object, or another expiry.
    let e = refused(check_at(&url, "test-channel/other.m3u8", NOW));
    assert_eq!(e.code, "SignatureDoesNotMatch");
    let e = refused(check_at(
        &with(&url, "Expires", &(NOW + 600).to_string()),
        KEY,
        NOW,
    ));
    assert_eq!(e.code, "SignatureDoesNotMatch");

    let url = signed(v4(60), None, KEY);
    let e = refused(check_at(&with(&url, "x-oss-expires", "600"), KEY, NOW));
    assert_eq!(e.code, "SignatureDoesNotMatch");
    assert!(e.details.iter().any(|(n, _)| *n == "CanonicalRequest"));
    // Signed for another region.
    let other = UrlSigning::V4 {
        date: "20261207T043500Z",
        day: "20261207",
        region: "cn-beijing",
        expires: 60,
        additional_headers: &[],
    };
    let e = refused(check_at(&signed(other, None, KEY), KEY, NOW));
    assert_eq!(e.code, "SignatureDoesNotMatch");
    assert!(e.message.contains("cn-beijing"), "{}", e.message);
}

#[test]
fn unknown_keys_and_tokens_are_refused_as_in_headers() {
    for url in [signed(v1(NOW + 60), None, KEY), signed(v4(60), None, KEY)] {
        let wrong_key = url
            .iter()
            .map(|(k, v)| (k.clone(), v.replace(AK, "LTAI5tNoSuchKey")))
            .collect::<Vec<_>>();
        assert_eq!(
            refused(check_at(&wrong_key, KEY, NOW)).code,
            "InvalidAccessKeyId"
        );
    }
    let e = refused(check_at(
        &signed(v1(NOW + 60), Some("STS.other"), KEY),
        KEY,
        NOW,
    ));
    assert_eq!(e.code, "InvalidSecurityToken");
    let e = refused(check_at(&signed(v4(60), Some("STS.other"), KEY), KEY, NOW));
    assert_eq!(e.code, "InvalidSecurityToken");
}

#[test]
fn missing_or_malformed_parameters_are_refused() {
    let url = signed(v1(NOW + 60), None, KEY);
    let e = refused(check_at(&with(&url, "Expires", ""), KEY, NOW));
    assert_eq!((e.code, e.ec), ("AccessDenied", "0002-00000068"));
    let e = refused(check_at(&with(&url, "Expires", "tomorrow"), KEY, NOW));
    assert_eq!(e.ec, "0002-00000070");
    let e = refused(check_at(&with(&url, "OSSAccessKeyId", ""), KEY, NOW));
    assert_eq!(e.code, "AccessDenied");
    assert!(e.message.contains("OSSAccessKeyId"), "{}", e.message);

    let url = signed(v4(60), None, KEY);
    for (name, value) in [
        ("x-oss-signature-version", "OSS2"),
        ("x-oss-credential", "LTAI5tTestAccessKeyId/20261207"),
        ("x-oss-date", "Mon, 07 Dec 2026 04:35:00 GMT"),
        ("x-oss-signature", ""),
    ] {
        let e = refused(check_at(&with(&url, name, value), KEY, NOW));
        assert_eq!(e.code, "AccessDenied", "{name}");
        assert!(e.message.contains(name), "{name}: {}", e.message);
    }
}

#[test]
fn urls_signed_the_same_way_verify_and_keep_the_expiry() {
    for signing in [v1(NOW + 60), v4(60)] {
        for token in [None, Some(TOKEN)] {
            let presigned = check_at(&signed(signing, token, KEY), KEY, NOW)
                .unwrap()
                .unwrap();
            let segment = "test-channel/1796618095000.ts";
            let query: Vec<(String, String)> = presigned
                .sign_get("examplebucket", segment, &[])
                .split('&')
                .map(|pair| {
                    let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                    (
                        percent::decode(k, true).unwrap(),
                        percent::decode(v, true).unwrap(),
                    )
                })
                .collect();
            let again = check_at(&query, segment, NOW).unwrap().unwrap();
            assert_eq!(again.version(), presigned.version());
            assert!(check_at(&query, segment, NOW + 60).is_ok());
            assert!(check_at(&query, segment, NOW + 61).is_err());
            let token_param = query
                .iter()
                .any(|(k, v)| k.ends_with("security-token") && v == TOKEN);
            assert_eq!(token_param, token.is_some(), "{query:?}");
        }
    }
}

#[test]
fn debug_hides_the_secret_and_token() {
    let presigned = check_at(&signed(v4(60), Some(TOKEN), KEY), KEY, NOW)
        .unwrap()
        .unwrap();
    let shown = format!("{presigned:?}");
    assert!(shown.contains(AK), "{shown}");
    assert!(!shown.contains(SK) && !shown.contains(TOKEN), "{shown}");
}
