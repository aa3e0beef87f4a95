//! Credentials from the environment, the default of a client built without credentials.
//!
//! The environment is process-global, so this binary holds exactly one test, which makes
//! every change to it and restores the previous values when it ends (even by a panic).

mod credentials_common;

use std::time::Duration;

use credentials_common::{Restore, set};

use osslive::CredentialsProvider;
use osslive::{
    Client, Credentials, EnvironmentCredentials, Error, LiveChannelConfiguration, LiveStatus,
};
use osslive_emulator::faults::Fault;
use osslive_emulator::{Config, Emulator};

const VARS: [&str; 6] = [
    "OSS_ACCESS_KEY_ID",
    "OSS_ACCESS_KEY_SECRET",
    "OSS_SESSION_TOKEN",
    "ALIBABA_CLOUD_ACCESS_KEY_ID",
    "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
    "ALIBABA_CLOUD_SECURITY_TOKEN",
];

#[track_caller]
fn assert_credentials_error<T: std::fmt::Debug>(result: Result<T, Error>, variable: &str) {
    match result {
        Err(err @ Error::Credentials(_)) => {
            assert!(err.to_string().contains(variable), "{err}");
            assert!(!err.is_retryable());
        }
        other => panic!("expected Error::Credentials naming {variable}, got {other:?}"),
    }
}

#[test]
fn environment_credentials_are_read_at_every_request() {
    let _restore = Restore::save(&VARS);
    let pid = std::process::id();
    let (id, secret, token) = (
        format!("LTAIenvTest{pid}"),
        format!("EnvSecret-{pid}-0123456789"),
        format!("STS.EnvToken+/={pid}"),
    );
    let emulator = Emulator::start(Config::new(&id, &secret).security_token(&token)).unwrap();
    // No .credentials(): the environment is read before every request. One attempt per
    // call, so the queued fault below shows which call sent the first request.
    let client = Client::builder()
        .max_attempts(1)
        .endpoint(emulator.endpoint())
        .region("cn-hangzhou")
        .build()
        .unwrap();
    let bucket = client.bucket("env-bucket").unwrap();
    let config = LiveChannelConfiguration::default();

    for name in VARS {
        set(name, None);
    }
    emulator.inject_fault(Fault::Status(500), 1);
    assert_credentials_error(
        bucket.create_live_channel("c", &config),
        "OSS_ACCESS_KEY_ID",
    );
    assert_credentials_error(
        bucket.sign_rtmp_url_valid_for("c", None, Duration::from_secs(60)),
        "OSS_ACCESS_KEY_ID",
    );
    assert_credentials_error(Credentials::from_env(), "OSS_ACCESS_KEY_ID");
    assert_credentials_error(EnvironmentCredentials.credentials(), "OSS_ACCESS_KEY_ID");
    set("OSS_ACCESS_KEY_ID", Some(""));
    assert_credentials_error(bucket.get_live_channel_stat("c"), "OSS_ACCESS_KEY_ID");
    set("OSS_ACCESS_KEY_ID", Some(&id));
    assert_credentials_error(bucket.get_live_channel_stat("c"), "OSS_ACCESS_KEY_SECRET");

    // Both set: the first request that is sent meets the fault queued above, so the
    // refusals before it sent nothing.
    set("OSS_ACCESS_KEY_SECRET", Some(&secret));
    let err = bucket.create_live_channel("c", &config).unwrap_err();
    assert_eq!(err.http_status(), Some(500), "{err:?}");
    bucket.create_live_channel("c", &config).unwrap();
    assert_eq!(
        bucket.get_live_channel_stat("c").unwrap().status,
        LiveStatus::Idle
    );
    let from_env = Credentials::from_env().unwrap();
    assert_eq!(
        (from_env.access_key_id(), from_env.security_token()),
        (id.as_str(), None)
    );

    // A token appears at once, in requests and in signed RTMP URLs.
    set("OSS_SESSION_TOKEN", Some(&token));
    assert_eq!(
        Credentials::from_env().unwrap().security_token(),
        Some(token.as_str())
    );
    assert_eq!(
        bucket.get_live_channel_info("c").unwrap().frag_count,
        Some(3)
    );
    let signed = bucket
        .sign_rtmp_url_valid_for("c", None, Duration::from_secs(60))
        .unwrap();
    let encoded_token = osslive::encoding::percent_encode(&token, false);
    assert!(
        signed
            .url
            .contains(&format!("security-token={encoded_token}&")),
        "{}",
        signed.url
    );
    assert!(
        signed.url.contains(&format!("OSSAccessKeyId={id}&")),
        "{}",
        signed.url
    );

    // And so does a change of token or secret.
    set("OSS_SESSION_TOKEN", Some("STS.SomethingElse"));
    assert_eq!(
        service_code(bucket.get_live_channel_info("c")),
        "InvalidSecurityToken"
    );
    set("OSS_SESSION_TOKEN", None);
    set("OSS_ACCESS_KEY_SECRET", Some("not-the-secret"));
    assert_eq!(
        service_code(bucket.get_live_channel_info("c")),
        "SignatureDoesNotMatch"
    );
    set("OSS_ACCESS_KEY_SECRET", Some(&secret));
    assert_eq!(bucket.delete_live_channel("c").unwrap().status, 204);

    // Without OSS_ACCESS_KEY_ID, the ALIBABA_CLOUD_* variables of the official
    // credentials libraries are read, and must be complete.
    set("OSS_ACCESS_KEY_ID", None);
    set("OSS_ACCESS_KEY_SECRET", None);
    set("ALIBABA_CLOUD_ACCESS_KEY_ID", Some(&id));
    assert_credentials_error(
        bucket.get_live_channel_stat("c"),
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
    );
    set("ALIBABA_CLOUD_ACCESS_KEY_SECRET", Some(&secret));
    set("ALIBABA_CLOUD_SECURITY_TOKEN", Some(&token));
    bucket.create_live_channel("c2", &config).unwrap();
    assert_eq!(
        Credentials::from_env().unwrap().security_token(),
        Some(token.as_str())
    );
    // OSS_* wins when its id is set, even beside a complete ALIBABA_CLOUD_* set.
    set("OSS_ACCESS_KEY_ID", Some("LTAIsomeoneElse"));
    assert_credentials_error(bucket.get_live_channel_stat("c2"), "OSS_ACCESS_KEY_SECRET");
    set("OSS_ACCESS_KEY_ID", None);
    assert_eq!(bucket.delete_live_channel("c2").unwrap().status, 204);
}

#[track_caller]
fn service_code<T: std::fmt::Debug>(result: Result<T, Error>) -> String {
    let err = result.expect_err("expected a service error");
    err.service_code()
        .unwrap_or_else(|| panic!("no service code: {err:?}"))
        .to_owned()
}
