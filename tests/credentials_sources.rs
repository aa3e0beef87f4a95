//! Each credentials source against the emulator, configured through its builder (the
//! environment is left alone: tests/credentials_chain.rs changes it, in a binary of its
//! own): the CLI's config.json and the INI credentials file in temporary directories
//! (never the machine's own), the ECS RAM role through the emulator's metadata service
//! (IMDSv2 session token included, credentials refreshed before they expire), and a
//! credentials URI. Every address is loopback; the guard that refuses any other is checked
//! to be on before anything could reach the real metadata address.

mod credentials_common;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use osslive::credentials::{
    CliProfileCredentials, EcsRamRoleCredentials, LOOPBACK_ONLY_VAR, ProfileCredentials,
    UriCredentials,
};
use osslive::{Client, CredentialsProvider, Error};
use osslive_emulator::ecs_metadata::EcsMetadataConfig;
use osslive_emulator::keyring::Credential;
use osslive_emulator::{Config, Emulator};

const AK: &str = "LTAI5tSourcesTestKey";
const SK: &str = "SourcesTestSecret0123456789abcdef";
const STS_ID: &str = "STS.SourcesTestKey";
const STS_SK: &str = "SourcesStsSecret0123456789abcdefg";
const STS_TOKEN: &str = "STS.SourcesTestToken+/=";

/// The emulator, accepting the long-term key and the STS credentials of the files.
fn emulator_with(config: Config) -> Emulator {
    let emulator = Emulator::start(config).unwrap();
    emulator
        .add_credential(Credential::new(STS_ID, STS_SK).with_security_token(STS_TOKEN))
        .unwrap();
    emulator
}

/// A fresh directory for one test's files.
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("credentials-sources-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// One ListLiveChannel call by a client of `emulator` using `provider`.
fn list_with(
    emulator: &Emulator,
    provider: impl CredentialsProvider + 'static,
) -> Result<(), Error> {
    credentials_common::list_with(emulator, "sources-bucket", provider)
}

/// The credentials error of a call, with no secret of the tests in it.
#[track_caller]
fn credentials_error(result: Result<impl std::fmt::Debug, Error>) -> String {
    match result {
        Err(err @ Error::Credentials(_)) => {
            let text = err.to_string();
            for secret in [SK, STS_SK, STS_TOKEN] {
                assert!(!text.contains(secret), "{text}");
                assert!(!format!("{err:?}").contains(secret));
            }
            text
        }
        other => panic!("expected Error::Credentials, got {other:?}"),
    }
}

fn guard_is_on() {
    assert_eq!(
        std::env::var(LOOPBACK_ONLY_VAR).as_deref(),
        Ok("1"),
        "run the tests with cargo: .cargo/config.toml sets {LOOPBACK_ONLY_VAR}, which keeps \
         them from reaching the real ECS metadata address"
    );
}

#[test]
fn cli_config_profiles_of_each_mode() {
    guard_is_on();
    let emulator = emulator_with(Config::new(AK, SK));
    let dir = scratch("cli");
    let path = dir.join("config.json");
    std::fs::write(
        &path,
        format!(
            r#"{{
  "current": "long-term",
  "profiles": [
    {{"name": "long-term", "mode": "AK", "access_key_id": "{AK}",
      "access_key_secret": {SK:?}, "region_id": "cn-hangzhou"}},
    {{"name": "temporary", "mode": "StsToken", "access_key_id": "{STS_ID}",
      "access_key_secret": {STS_SK:?}, "sts_token": "{STS_TOKEN}"}},
    {{"name": "instance", "mode": "EcsRamRole", "ram_role_name": "some-role"}},
    {{"name": "assume", "mode": "RamRoleArn", "access_key_id": "{AK}",
      "access_key_secret": {SK:?}, "ram_role_arn": "acs:ram::1:role/x"}},
    {{"name": "half", "mode": "StsToken", "access_key_id": "{STS_ID}",
      "access_key_secret": {STS_SK:?}}}
  ],
  "meta_path": ""
}}"#
        ),
    )
    .unwrap();
    let cli = |profile: Option<&str>| {
        let provider = CliProfileCredentials::new().path(&path);
        match profile {
            Some(name) => provider.profile(name),
            None => provider,
        }
    };
    list_with(&emulator, cli(None)).unwrap();
    list_with(&emulator, cli(Some("temporary"))).unwrap();
    // EcsRamRole goes to the metadata service, here the real address: the guard stops it
    // before anything is sent.
    let err = credentials_error(list_with(&emulator, cli(Some("instance"))));
    assert!(
        err.contains("100.100.100.200 is not a loopback address"),
        "{err}"
    );
    let err = credentials_error(list_with(&emulator, cli(Some("assume"))));
    assert!(
        err.contains("has mode \"RamRoleArn\"; osslive supports AK, StsToken and EcsRamRole"),
        "{err}"
    );
    let err = credentials_error(list_with(&emulator, cli(Some("half"))));
    assert!(err.contains("profile \"half\""), "{err}");
    assert!(err.contains("has no sts_token"), "{err}");
    let err = credentials_error(list_with(&emulator, cli(Some("nobody"))));
    assert!(err.contains("has no profile \"nobody\""), "{err}");

    // Files that cannot be used say why and where, never what they hold.
    let missing = dir.join("missing.json");
    let err = credentials_error(list_with(
        &emulator,
        CliProfileCredentials::new().path(&missing),
    ));
    assert!(
        err.contains(&format!("cannot read {}", missing.display())),
        "{err}"
    );
    let broken = dir.join("broken.json");
    std::fs::write(
        &broken,
        format!("{{\"profiles\": [{{\"access_key_secret\": \"{SK}\""),
    )
    .unwrap();
    let err = credentials_error(list_with(
        &emulator,
        CliProfileCredentials::new().path(&broken),
    ));
    assert!(err.contains("is not valid JSON"), "{err}");
}

#[test]
fn ini_profiles_of_each_type() {
    guard_is_on();
    let emulator = emulator_with(Config::new(AK, SK));
    let dir = scratch("ini");
    let path = dir.join("credentials");
    std::fs::write(
        &path,
        format!(
            "[default]\ntype = access_key                  # long-term\n\
             access_key_id = {AK}\naccess_key_secret = {SK}\n\n\
             [temporary]\ntype = sts\naccess_key_id = {STS_ID}\n\
             access_key_secret = {STS_SK}\nsecurity_token = {STS_TOKEN}\n\n\
             [instance]\ntype = ecs_ram_role\nrole_name = some-role\n\n\
             [assume]\ntype = ram_role_arn\naccess_key_id = {AK}\naccess_key_secret = {SK}\n\n\
             [empty]\ntype = access_key\naccess_key_id = {AK}\naccess_key_secret =\n"
        ),
    )
    .unwrap();
    let ini = |name: &str| ProfileCredentials::new().path(&path).profile(name);
    list_with(&emulator, ini("default")).unwrap();
    list_with(&emulator, ini("temporary")).unwrap();
    let err = credentials_error(list_with(&emulator, ini("instance")));
    assert!(
        err.contains("100.100.100.200 is not a loopback address"),
        "{err}"
    );
    let err = credentials_error(list_with(&emulator, ini("assume")));
    assert!(err.contains("has type \"ram_role_arn\""), "{err}");
    let err = credentials_error(list_with(&emulator, ini("empty")));
    assert!(
        err.contains("profile [empty]") && err.contains("has no access_key_secret"),
        "{err}"
    );
    let err = credentials_error(list_with(&emulator, ini("nobody")));
    assert!(err.contains("has no profile [nobody]"), "{err}");
    let bad = dir.join("bad");
    std::fs::write(&bad, format!("[default]\n{SK}\n")).unwrap();
    let err = credentials_error(list_with(&emulator, ProfileCredentials::new().path(&bad)));
    assert!(
        err.contains("line 2: neither a section nor key = value"),
        "{err}"
    );
}

/// An emulator with a metadata service, and its log lines.
fn metadata_emulator(metadata: EcsMetadataConfig) -> (Emulator, String, Arc<Mutex<Vec<String>>>) {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&lines);
    let emulator = emulator_with(
        Config::new(AK, SK)
            .ecs_metadata(metadata)
            .request_log(move |line| sink.lock().unwrap().push(line.to_owned())),
    );
    let endpoint = emulator.ecs_metadata_endpoint().unwrap();
    (emulator, endpoint, lines)
}

fn metadata_lines(lines: &Mutex<Vec<String>>, needle: &str) -> usize {
    lines
        .lock()
        .unwrap()
        .iter()
        .filter(|l| l.contains("ecs-metadata") && l.contains(needle))
        .count()
}

#[test]
fn the_ecs_ram_role_with_an_imdsv2_session_token() {
    guard_is_on();
    let (emulator, endpoint, lines) =
        metadata_emulator(EcsMetadataConfig::new("osslive-role").require_token(true));
    // The role is discovered, every request carries the session token.
    let ecs = || {
        EcsRamRoleCredentials::new()
            .endpoint(&endpoint)
            .imds_v1_disabled(false)
    };
    list_with(&emulator, ecs()).unwrap();
    let creds = ecs().credentials().unwrap();
    assert!(creds.access_key_id().starts_with("STS."), "{creds:?}");
    assert!(creds.security_token().is_some() && creds.expiration().is_some());
    assert!(metadata_lines(&lines, "PUT /latest/api/token 200") >= 2);
    assert!(metadata_lines(&lines, "security-credentials/ 200 - ecs-metadata imdsv2") >= 2);
    assert!(
        metadata_lines(
            &lines,
            "security-credentials/osslive-role 200 - ecs-metadata imdsv2"
        ) >= 2
    );
    assert_eq!(metadata_lines(&lines, "imdsv1"), 0);
    // A role given is asked for directly; an unknown one is a 404.
    list_with(&emulator, ecs().role_name("osslive-role")).unwrap();
    let err = credentials_error(list_with(&emulator, ecs().role_name("other-role")));
    assert!(
        err.contains("security-credentials/other-role answered HTTP 404"),
        "{err}"
    );
    // Nothing listening: said so, after one second at most per request.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let err = credentials_error(list_with(
        &emulator,
        EcsRamRoleCredentials::new().endpoint(&dead),
    ));
    assert!(err.starts_with("credentials: ECS RAM role: GET "), "{err}");
    let err = credentials_error(list_with(
        &emulator,
        EcsRamRoleCredentials::new()
            .endpoint(&dead)
            .imds_v1_disabled(true),
    ));
    assert!(err.contains("cannot get a metadata session token"), "{err}");
}

#[test]
fn ecs_credentials_are_refreshed_before_they_expire() {
    guard_is_on();
    // Valid 4 s: the emulator gives new ones after 2 s and refuses each after its 4 s; the
    // client refreshes a quarter of the lifetime (1 s) ahead.
    let (emulator, endpoint, lines) = metadata_emulator(
        EcsMetadataConfig::new("short-role").credentials_ttl(Duration::from_secs(4)),
    );
    let client = Client::builder()
        .endpoint(emulator.endpoint())
        .region("cn-hangzhou")
        .credentials_provider(EcsRamRoleCredentials::new().endpoint(&endpoint))
        .max_attempts(1)
        .build()
        .unwrap();
    let bucket = client.bucket("sources-bucket").unwrap();
    let started = Instant::now();
    let mut calls = 0;
    while started.elapsed() < Duration::from_millis(6500) {
        bucket.list_live_channel(&Default::default()).unwrap();
        calls += 1;
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(calls > 20, "{calls}");
    let fetches = metadata_lines(&lines, "security-credentials/short-role 200");
    assert!(
        (2..=4).contains(&fetches),
        "{fetches} fetches of credentials"
    );
}

#[test]
fn a_credentials_uri() {
    guard_is_on();
    let (emulator, endpoint, _) = metadata_emulator(EcsMetadataConfig::new("uri-role"));
    // The metadata service answers in the shape a credentials URI does.
    let uri = format!("{endpoint}/latest/meta-data/ram/security-credentials/uri-role");
    list_with(&emulator, UriCredentials::new(&uri)).unwrap();
    let wrong =
        format!("{endpoint}/latest/meta-data/ram/security-credentials/x?token=UriQuerySecret42");
    let err = credentials_error(list_with(&emulator, UriCredentials::new(&wrong)));
    assert!(
        err.contains("security-credentials/x answered HTTP 404"),
        "{err}"
    );
    assert!(!err.contains("UriQuerySecret42"), "{err}");
    let err = credentials_error(list_with(
        &emulator,
        UriCredentials::new("http://10.0.0.1/credentials"),
    ));
    assert!(err.contains("10.0.0.1 is not a loopback address"), "{err}");
    let err = credentials_error(list_with(
        &emulator,
        UriCredentials::new("file:///etc/passwd"),
    ));
    assert!(err.contains("is not an http:// or https:// URI"), "{err}");
}
