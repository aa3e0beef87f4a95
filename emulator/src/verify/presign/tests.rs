use super::*;

const AK: &str = "LTAI5tTestAccessKeyId";
const SK: &str = "TestAccessKeySecret0123456789abc";
const TOKEN: &str = "STS.TestSecurityToken+/=";
const ODD_KEY: &str = "with space+plus/\u{9891}\u{9053}.m3u8";

/// The queries of the URLs oss2 2.19.1's `Bucket.sign_url('GET', key, 60, params=…)`
/// printed at 2026-12-07T04:35:00Z (emulator/tests/data/oss2_presign_vectors.py): signer
/// name, key, whether `x-oss-process=hls/sign` was signed along, query.
const OSS2_URLS: [(&str, &str, bool, &str); 12] = [
    (
        "v1",
        "test-channel/playlist.m3u8",
        true,
        "x-oss-process=hls%2Fsign&OSSAccessKeyId=LTAI5tTestAccessKeyId&Expires=1796618160&Signature=yWXaYrPPp%2FSSzlXep73WMF%2FWfg4%3D",
    ),
    (
        "v1",
        "test-channel/1796618095000.ts",
        false,
        "OSSAccessKeyId=LTAI5tTestAccessKeyId&Expires=1796618160&Signature=20dQ9VfF0IQN%2FqFd0m4bikMa4PA%3D",
    ),
    (
        "v1",
        ODD_KEY,
        true,
        "x-oss-process=hls%2Fsign&OSSAccessKeyId=LTAI5tTestAccessKeyId&Expires=1796618160&Signature=Dl8d53jknKgx1h1O023FD0vDuFM%3D",
    ),
    (
        "v1-sts",
        "test-channel/playlist.m3u8",
        true,
        "x-oss-process=hls%2Fsign&security-token=STS.TestSecurityToken%2B%2F%3D&OSSAccessKeyId=LTAI5tTestAccessKeyId&Expires=1796618160&Signature=pKbiqfuHXjccbay4%2F033%2FVtHtfI%3D",
    ),
    (
        "v1-sts",
        "test-channel/1796618095000.ts",
        false,
        "security-token=STS.TestSecurityToken%2B%2F%3D&OSSAccessKeyId=LTAI5tTestAccessKeyId&Expires=1796618160&Signature=InxosQMQcgEiyvibuyB3xx3qO5w%3D",
    ),
    (
        "v1-sts",
        ODD_KEY,
        true,
        "x-oss-process=hls%2Fsign&security-token=STS.TestSecurityToken%2B%2F%3D&OSSAccessKeyId=LTAI5tTestAccessKeyId&Expires=1796618160&Signature=sbYhWWH2u6NTLzfVtLUyQ%2BxdTeQ%3D",
    ),
    (
        "v4",
        "test-channel/playlist.m3u8",
        true,
        "x-oss-process=hls%2Fsign&x-oss-date=20261207T043500Z&x-oss-expires=60&x-oss-signature-version=OSS4-HMAC-SHA256&x-oss-credential=LTAI5tTestAccessKeyId%2F20261207%2Fcn-hangzhou%2Foss%2Faliyun_v4_request&x-oss-signature=e6e188150e84ecf145ea83917fe4a9cb06dcc0b080752b9adfd9e963db49f600",
    ),
    (
        "v4",
        "test-channel/1796618095000.ts",
        false,
        "x-oss-date=20261207T043500Z&x-oss-expires=60&x-oss-signature-version=OSS4-HMAC-SHA256&x-oss-credential=LTAI5tTestAccessKeyId%2F20261207%2Fcn-hangzhou%2Foss%2Faliyun_v4_request&x-oss-signature=701328384dff632b942f051972a77c69bc43bbcb29869b9e2b6ddbf47271b37f",
    ),
    (
        "v4",
        ODD_KEY,
        true,
        "x-oss-process=hls%2Fsign&x-oss-date=20261207T043500Z&x-oss-expires=60&x-oss-signature-version=OSS4-HMAC-SHA256&x-oss-credential=LTAI5tTestAccessKeyId%2F20261207%2Fcn-hangzhou%2Foss%2Faliyun_v4_request&x-oss-signature=8e928b7292b4e3a0deb82f323435daa52fee56569e2af8bd4739ee1c111b172a",
    ),
    (
        "v4-sts",
        "test-channel/playlist.m3u8",
        true,
        "x-oss-process=hls%2Fsign&x-oss-security-token=STS.TestSecurityToken%2B%2F%3D&x-oss-date=20261207T043500Z&x-oss-expires=60&x-oss-signature-version=OSS4-HMAC-SHA256&x-oss-credential=LTAI5tTestAccessKeyId%2F20261207%2Fcn-hangzhou%2Foss%2Faliyun_v4_request&x-oss-signature=4045fff5865e970a643117cfc0be8f5a4cd72854a69781e2f0454b5e6852942d",
    ),
    (
        "v4-sts",
        "test-channel/1796618095000.ts",
        false,
        "x-oss-security-token=STS.TestSecurityToken%2B%2F%3D&x-oss-date=20261207T043500Z&x-oss-expires=60&x-oss-signature-version=OSS4-HMAC-SHA256&x-oss-credential=LTAI5tTestAccessKeyId%2F20261207%2Fcn-hangzhou%2Foss%2Faliyun_v4_request&x-oss-signature=d4d5a52c444d1a3a8072556d5c4fac3f1748da7dd89f39ad6b6256325657d108",
    ),
    (
        "v4-sts",
        ODD_KEY,
        true,
        "x-oss-process=hls%2Fsign&x-oss-security-token=STS.TestSecurityToken%2B%2F%3D&x-oss-date=20261207T043500Z&x-oss-expires=60&x-oss-signature-version=OSS4-HMAC-SHA256&x-oss-credential=LTAI5tTestAccessKeyId%2F20261207%2Fcn-hangzhou%2Foss%2Faliyun_v4_request&x-oss-signature=9348e51d491c308f2c1850ac2dc2f9836487abd8cd85dec2b003d1904aa6b3c1",
    ),
];

fn signer(name: &str) -> Signer<'static> {
    Signer {
        access_key_id: AK,
        secret: SK,
        security_token: name.ends_with("-sts").then_some(TOKEN),
    }
}

const V4_AT_NOW: UrlSigning<'static> = UrlSigning::V4 {
    date: "20261207T043500Z",
    day: "20261207",
    region: "cn-hangzhou",
    expires: 60,
    additional_headers: &[],
};

fn signing(name: &str) -> UrlSigning<'static> {
    if name.starts_with("v4") {
        V4_AT_NOW
    } else {
        UrlSigning::V1 {
            expires: 1_796_618_160,
        }
    }
}

/// Splits and decodes a query the way the server does (no `+` in these).
fn decode(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (
                percent::decode(k, true).unwrap(),
                percent::decode(v, true).unwrap(),
            )
        })
        .collect()
}

#[test]
fn signs_urls_as_oss2_does_byte_for_byte() {
    for (name, key, hls, want) in OSS2_URLS {
        let extra: &[(&str, &str)] = if hls {
            &[("x-oss-process", "hls/sign")]
        } else {
            &[]
        };
        let got = sign_url_query(&signer(name), &signing(name), "examplebucket", key, extra);
        assert_eq!(encode_query(&got), want, "{name} {key}");
    }
}

#[test]
fn recomputes_the_signature_of_oss2_urls() {
    for (name, key, _, query) in OSS2_URLS {
        let pairs = decode(query);
        let refs: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let req = SignedRequest {
            method: "GET",
            bucket: "examplebucket",
            key: Some(key),
            query: &refs,
            headers: &[("Host", "127.0.0.1:9100"), ("User-Agent", "ffprobe")],
        };
        match find(&refs).unwrap_or_else(|| panic!("{name}: no signature found")) {
            Presign::V1(p) => {
                assert!(name.starts_with("v1"), "{name}");
                assert_eq!(p.access_key_id, Some(AK));
                assert_eq!(p.security_token, signer(name).security_token);
                let sts = v1_string_to_sign(&req, p.expires.unwrap());
                assert!(
                    sts.starts_with("GET\n\n\n1796618160\n/examplebucket/"),
                    "{sts}"
                );
                assert_eq!(
                    Some(v1::signature(SK, &sts).as_str()),
                    p.signature,
                    "{name} {key}"
                );
            }
            Presign::V4(p) => {
                assert!(name.starts_with("v4"), "{name}");
                assert_eq!(p.version, Some(v4::ALGORITHM));
                assert_eq!(p.security_token, signer(name).security_token);
                let credential = parse_credential(p.credential.unwrap()).unwrap();
                assert_eq!(
                    credential,
                    Credential {
                        access_key_id: AK,
                        day: "20261207",
                        region: "cn-hangzhou"
                    }
                );
                let computed = v4_compute(
                    SK,
                    credential.region,
                    &req,
                    p.date.unwrap(),
                    credential.day,
                    &[],
                );
                // The unsigned headers (Host, User-Agent) are not in it, x-oss-signature
                // neither.
                assert!(
                    computed
                        .canonical_request
                        .ends_with("\n\n\nUNSIGNED-PAYLOAD"),
                    "{}",
                    computed.canonical_request
                );
                assert!(!computed.canonical_request.contains("x-oss-signature="));
                assert_eq!(
                    Some(computed.signature.as_str()),
                    p.signature,
                    "{name} {key}"
                );
            }
        }
    }
}

#[test]
fn the_v1_string_to_sign_names_the_sub_resources() {
    let query = [
        ("x-oss-process", "hls/sign"),
        ("security-token", TOKEN),
        ("OSSAccessKeyId", AK),
        ("Expires", "1796618160"),
        ("Signature", "x"),
    ];
    let req = SignedRequest {
        method: "GET",
        bucket: "examplebucket",
        key: Some(ODD_KEY),
        query: &query,
        // A Date header does not replace Expires on the date line.
        headers: &[("Date", "Mon, 07 Dec 2026 04:35:00 GMT")],
    };
    assert_eq!(
        v1_string_to_sign(&req, "1796618160"),
        format!(
            "GET\n\n\n1796618160\n/examplebucket/{ODD_KEY}?security-token={TOKEN}&x-oss-process=hls/sign"
        )
    );
}

#[test]
fn additional_headers_are_listed_and_signed() {
    let host = [("host".to_string(), "127.0.0.1:9100".to_string())];
    let signing = UrlSigning::V4 {
        date: "20261207T043500Z",
        day: "20261207",
        region: "cn-hangzhou",
        expires: 60,
        additional_headers: &host,
    };
    let pairs = sign_url_query(&signer("v4"), &signing, "b", "c/p.m3u8", &[]);
    let refs: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert!(
        refs.contains(&("x-oss-additional-headers", "host")),
        "{refs:?}"
    );
    let signature = refs
        .iter()
        .find(|(k, _)| *k == "x-oss-signature")
        .unwrap()
        .1;
    let fetch = |host: &'static str| {
        let headers = [("Host", host)];
        let req = SignedRequest {
            method: "GET",
            bucket: "b",
            key: Some("c/p.m3u8"),
            query: &refs,
            headers: &headers,
        };
        v4_compute(
            SK,
            "cn-hangzhou",
            &req,
            "20261207T043500Z",
            "20261207",
            &["host"],
        )
        .signature
    };
    assert_eq!(fetch("127.0.0.1:9100"), signature);
    assert_ne!(fetch("127.0.0.1:9101"), signature);
}

#[test]
fn finding_the_form() {
    assert!(find(&[]).is_none());
    assert!(find(&[("Expires", "1"), ("x-oss-process", "hls/sign")]).is_none());
    assert!(matches!(find(&[("Signature", "s")]), Some(Presign::V1(_))));
    assert!(matches!(
        find(&[("OSSAccessKeyId", "a"), ("x-oss-signature", "s")]),
        Some(Presign::V4(_))
    ));
    assert!(matches!(
        find(&[("x-oss-signature-version", "OSS2")]),
        Some(Presign::V4(p)) if p.version == Some("OSS2")
    ));
}

#[test]
fn credentials_have_five_parts() {
    for bad in [
        "",
        "AK/20261207/cn-hangzhou/oss",
        "AK/20261207/cn-hangzhou/s3/aliyun_v4_request",
        "/20261207/cn-hangzhou/oss/aliyun_v4_request",
        "AK/20261207/cn-hangzhou/oss/aliyun_v4_request/x",
    ] {
        assert_eq!(parse_credential(bad), None, "{bad:?}");
    }
}

#[test]
fn signer_debug_hides_the_secret_and_token() {
    let shown = format!("{:?}", signer("v1-sts"));
    assert!(shown.contains(AK), "{shown}");
    assert!(!shown.contains(SK) && !shown.contains(TOKEN), "{shown}");
}
