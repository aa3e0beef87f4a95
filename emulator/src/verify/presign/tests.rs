use super::*;

const AK: &str = "LTAI5tTestAccessKeyId";
const SK: &str = "TestAccessKeySecret0123456789abc";
const TOKEN: &str = "STS.TestSecurityToken+/=";
const ODD_KEY: &str = "with space+plus/\u{9891}\u{9053}.m3u8";

/// URLs oss2 2.19.1's `Bucket.sign_url('GET', key, 60, params=…)` printed at
/// 2026-12-07T04:35:00Z, one `SIGNER URL` a line (see the script beside the file).
const OSS2_URLS: &str = include_str!("../../../tests/data/oss2_presigned_urls.txt");

/// Signer name, key (decoded), whether `x-oss-process=hls/sign` was signed along, query.
fn oss2_urls() -> Vec<(&'static str, String, bool, &'static str)> {
    let urls: Vec<_> = OSS2_URLS
        .lines()
        .map(|line| {
            let (name, url) = line.split_once(' ').unwrap();
            let (path, query) = url.split_once('?').unwrap();
            let key = path
                .strip_prefix("http://127.0.0.1:9100/examplebucket/")
                .unwrap();
            let key = percent::decode(key, false).unwrap();
            (name, key, query.starts_with("x-oss-process="), query)
        })
        .collect();
    assert_eq!(urls.len(), 12);
    urls
}

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
    for (name, key, hls, want) in oss2_urls() {
        let extra: &[(&str, &str)] = if hls {
            &[("x-oss-process", "hls/sign")]
        } else {
            &[]
        };
        let got = sign_url_query(&signer(name), &signing(name), "examplebucket", &key, extra);
        assert_eq!(encode_query(&got), want, "{name} {key}");
    }
}

#[test]
fn recomputes_the_signature_of_oss2_urls() {
    for (name, key, _, query) in oss2_urls() {
        let pairs = decode(query);
        let refs: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let req = SignedRequest {
            method: "GET",
            bucket: "examplebucket",
            key: Some(&key),
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
