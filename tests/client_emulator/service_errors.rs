//! Errors the service answers with: bad credentials, a skewed clock, a 503, a proxy's HTML
//! error page and a bucket the server does not serve.

use osslive::{Client, ListOptions, LiveChannelConfiguration, LiveStatus, SignatureVersion};
use osslive_emulator::faults::Fault;
use osslive_emulator::{Config, Emulator};

use crate::support::*;

#[test]
fn wrong_secret_is_signature_does_not_match_and_the_secret_is_not_shown() {
    let emulator = emulator();
    let wrong = "WrongSecretValue-9f8e7d6c5b4a";
    for version in [SignatureVersion::V4, SignatureVersion::V1] {
        let client = Client::builder()
            .endpoint(emulator.endpoint())
            .region("cn-hangzhou")
            .signature_version(version)
            .credentials(osslive::Credentials::new(AK, wrong))
            .build()
            .unwrap();
        let err = client
            .bucket("sig-bucket")
            .unwrap()
            .get_live_channel_stat("c")
            .unwrap_err();
        assert_service(&err, 403, "SignatureDoesNotMatch");
        assert!(!err.is_retryable(), "{version:?}");
        for shown in [err.to_string(), format!("{err:?}"), format!("{client:?}")] {
            assert!(
                !shown.contains(wrong) && !shown.contains(SK),
                "{version:?}: {shown}"
            );
        }
        assert!(err.to_string().contains("SignatureDoesNotMatch"));
    }
}

#[test]
fn unknown_access_key_is_invalid_access_key_id() {
    let emulator = emulator();
    for version in [SignatureVersion::V4, SignatureVersion::V1] {
        let client = Client::builder()
            .endpoint(emulator.endpoint())
            .region("cn-hangzhou")
            .signature_version(version)
            .credentials(osslive::Credentials::new("LTAIunknownKey", SK))
            .build()
            .unwrap();
        let err = client
            .bucket("key-bucket")
            .unwrap()
            .list_live_channel(&ListOptions::default())
            .unwrap_err();
        assert_service(&err, 403, "InvalidAccessKeyId");
        assert!(!err.is_retryable());
    }
}

#[test]
fn unknown_sts_token_is_invalid_security_token() {
    let emulator = emulator();
    for version in [SignatureVersion::V4, SignatureVersion::V1] {
        let client = Client::builder()
            .endpoint(emulator.endpoint())
            .region("cn-hangzhou")
            .signature_version(version)
            .credentials(
                osslive::Credentials::new(AK, SK).with_security_token("STS.NotKnownToTheServer"),
            )
            .build()
            .unwrap();
        let err = client
            .bucket("sts-bucket")
            .unwrap()
            .get_live_channel_info("c")
            .unwrap_err();
        assert_service(&err, 403, "InvalidSecurityToken");
        assert!(!err.is_retryable());
    }
}

#[test]
fn server_clock_an_hour_ahead_is_request_time_too_skewed_and_retryable() {
    let emulator = emulator();
    for version in [SignatureVersion::V4, SignatureVersion::V1] {
        let bucket = bucket(&emulator, Mode { version, ..PLAIN });
        emulator.set_clock_offset(3600);
        let err = bucket.get_live_channel_stat("c").unwrap_err();
        assert_service(&err, 403, "RequestTimeTooSkewed");
        assert!(err.is_retryable(), "{version:?}");
        // Ten minutes is within OSS's fifteen.
        emulator.set_clock_offset(600);
        assert_service(
            &bucket.get_live_channel_stat("c").unwrap_err(),
            404,
            "NoSuchLiveChannel",
        );
        emulator.set_clock_offset(-3600);
        assert_service(
            &bucket.get_live_channel_stat("c").unwrap_err(),
            403,
            "RequestTimeTooSkewed",
        );
        emulator.set_clock_offset(0);
    }
}

#[test]
fn status_503_is_a_retryable_service_unavailable() {
    let emulator = emulator();
    let bucket = bucket(&emulator, PLAIN);
    emulator.inject_fault(Fault::Status(503), 1);
    let err = bucket
        .create_live_channel("c", &LiveChannelConfiguration::default())
        .unwrap_err();
    assert_service(&err, 503, "ServiceUnavailable");
    assert!(err.is_retryable());
    // The request was not carried out; the retry is.
    assert_service(
        &bucket.get_live_channel_info("c").unwrap_err(),
        404,
        "NoSuchLiveChannel",
    );
    bucket
        .create_live_channel("c", &LiveChannelConfiguration::default())
        .unwrap();
}

#[test]
fn html_error_page_is_a_service_error_with_empty_code_and_a_snippet() {
    let emulator = emulator();
    let bucket = bucket(&emulator, PLAIN);
    emulator.inject_fault(Fault::NonXmlError, 1);
    let err = bucket.get_live_channel_stat("c").unwrap_err();
    let e = service(&err);
    assert_eq!((e.status, e.code.as_str()), (502, ""));
    assert!(e.message.contains("502 Bad Gateway"), "{}", e.message);
    assert_eq!(err.service_code(), None);
    assert!(err.is_retryable());
    assert!(
        err.request_id().is_some(),
        "the x-oss-request-id header is kept: {err:?}"
    );
}

#[test]
fn a_bucket_the_server_does_not_serve_is_no_such_bucket() {
    let emulator = Emulator::start(Config::new(AK, SK).bucket("only-this")).unwrap();
    let client = client(&emulator, PLAIN);
    let err = client
        .bucket("other-bucket")
        .unwrap()
        .get_live_channel_stat("c")
        .unwrap_err();
    assert_service(&err, 404, "NoSuchBucket");
    assert!(!err.is_retryable());
    let served = client.bucket("only-this").unwrap();
    served
        .create_live_channel("c", &LiveChannelConfiguration::default())
        .unwrap();
    assert_eq!(
        served.get_live_channel_stat("c").unwrap().status,
        LiveStatus::Idle
    );
}
