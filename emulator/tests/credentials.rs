//! Keys added and revoked while the emulator runs (the admin endpoint, the Rust API,
//! `Config::credential`), and the ECS instance metadata service it serves for tests: its
//! IMDSv2 session tokens, the RAM role endpoints, and STS credentials the emulator accepts
//! until they expire.

mod support;

use std::time::Duration;

use osslive::{Client, Credentials, Error};
use osslive_emulator::ecs_metadata::EcsMetadataConfig;
use osslive_emulator::keyring::Credential;
use osslive_emulator::{Config, Emulator};
use support::send;

const AK: &str = "LTAI5tTestAccessKeyId";
const SK: &str = "TestAccessKeySecret0123456789abc";
const ROTATED_SK: &str = "EmulatorRotatedSecret0123456789ab";
const ROTATED_TOKEN: &str = "STS.EmulatorRotatedToken+/=";

/// A client of `emulator` signing with `creds`, one attempt per call.
fn client(emulator: &Emulator, creds: Credentials) -> Client {
    Client::builder()
        .endpoint(emulator.endpoint())
        .region("cn-hangzhou")
        .credentials(creds)
        .max_attempts(1)
        .build()
        .unwrap()
}

/// The OSS error code a call answered with, or "" when it succeeded.
fn code_of(result: Result<osslive::ListLiveChannelResult, Error>) -> String {
    match result {
        Ok(_) => String::new(),
        Err(e) => e.service_code().unwrap_or("(none)").to_owned(),
    }
}

fn list(client: &Client) -> Result<osslive::ListLiveChannelResult, Error> {
    client
        .bucket("creds-bucket")
        .unwrap()
        .list_live_channel(&Default::default())
}

fn admin(emulator: &Emulator, method: &str, query: &str) -> support::Answer {
    send(
        emulator.addr(),
        method,
        &format!("/_emulator/credentials?{query}"),
        &[("Host", "127.0.0.1")],
        "",
    )
}

#[test]
fn keys_are_added_and_revoked_while_the_emulator_runs() {
    let emulator = Emulator::start(Config::new(AK, SK)).unwrap();
    let sts = Credentials::new("STS.rotated1", ROTATED_SK).with_security_token(ROTATED_TOKEN);
    assert_eq!(
        code_of(list(&client(&emulator, sts.clone()))),
        "InvalidAccessKeyId"
    );

    let token = osslive::encoding::percent_encode(ROTATED_TOKEN, false);
    let added = admin(
        &emulator,
        "POST",
        &format!(
            "access-key-id=STS.rotated1&access-key-secret={ROTATED_SK}&security-token={token}"
        ),
    );
    assert_eq!(
        (added.status, added.body.as_str()),
        (200, "added STS.rotated1\n")
    );
    assert_eq!(code_of(list(&client(&emulator, sts.clone()))), "");
    // A token the emulator was not given is refused.
    let wrong_token =
        Credentials::new("STS.rotated1", ROTATED_SK).with_security_token("STS.other-token");
    assert_eq!(
        code_of(list(&client(&emulator, wrong_token))),
        "InvalidSecurityToken"
    );

    let revoked = admin(&emulator, "DELETE", "access-key-id=STS.rotated1");
    assert_eq!(
        (revoked.status, revoked.body.as_str()),
        (200, "revoked STS.rotated1\n")
    );
    assert_eq!(code_of(list(&client(&emulator, sts))), "InvalidAccessKeyId");
    assert_eq!(
        admin(&emulator, "DELETE", "access-key-id=STS.rotated1").status,
        404
    );
    // The key the emulator started with is untouched.
    assert_eq!(
        code_of(list(&client(&emulator, Credentials::new(AK, SK)))),
        ""
    );

    // A key that expires (Unix seconds), and requests the endpoint refuses.
    let past = admin(
        &emulator,
        "POST",
        &format!("access-key-id=LTAIexpired&access-key-secret={ROTATED_SK}&expires=1"),
    );
    assert_eq!(past.status, 200);
    let expired = Credentials::new("LTAIexpired", ROTATED_SK);
    assert_eq!(
        code_of(list(&client(&emulator, expired))),
        "InvalidAccessKeyId"
    );
    assert_eq!(admin(&emulator, "POST", "access-key-id=LTAIx").status, 400);
    assert_eq!(
        admin(
            &emulator,
            "POST",
            "access-key-id=LTAIx&access-key-secret=a%0Ab"
        )
        .status,
        400
    );
}

#[test]
fn credentials_given_at_start_can_be_revoked_from_rust() {
    let emulator = Emulator::start(Config::new(AK, SK).credential(
        Credential::new("STS.fromflag", ROTATED_SK).with_security_token(ROTATED_TOKEN),
    ))
    .unwrap();
    let sts = Credentials::new("STS.fromflag", ROTATED_SK).with_security_token(ROTATED_TOKEN);
    assert_eq!(code_of(list(&client(&emulator, sts.clone()))), "");
    assert!(emulator.revoke_credential("STS.fromflag"));
    assert_eq!(
        code_of(list(&client(&emulator, sts.clone()))),
        "InvalidAccessKeyId"
    );
    emulator
        .add_credential(
            Credential::new("STS.fromflag", ROTATED_SK).with_security_token(ROTATED_TOKEN),
        )
        .unwrap();
    assert_eq!(code_of(list(&client(&emulator, sts))), "");
    assert!(
        emulator
            .add_credential(Credential::new("", ROTATED_SK))
            .is_err()
    );
}

/// The value of `"name" : "value"` in the metadata service's JSON.
fn json_field(body: &str, name: &str) -> String {
    let at = body
        .find(&format!("\"{name}\""))
        .unwrap_or_else(|| panic!("{name} in {body}"));
    let rest = &body[at + name.len() + 2..];
    let start = rest.find('"').unwrap() + 1;
    let end = start + rest[start..].find('"').unwrap();
    rest[start..end].to_owned()
}

fn metadata_emulator(config: EcsMetadataConfig) -> (Emulator, std::net::SocketAddr) {
    let emulator = Emulator::start(Config::new(AK, SK).ecs_metadata(config)).unwrap();
    let endpoint = emulator.ecs_metadata_endpoint().unwrap();
    let addr = endpoint.strip_prefix("http://").unwrap().parse().unwrap();
    (emulator, addr)
}

fn get(addr: std::net::SocketAddr, path: &str, token: Option<&str>) -> support::Answer {
    let mut headers = vec![("Host", "100.100.100.200")];
    if let Some(token) = token {
        headers.push(("X-aliyun-ecs-metadata-token", token));
    }
    send(addr, "GET", path, &headers, "")
}

#[test]
fn the_metadata_service_gives_sts_credentials_the_emulator_accepts() {
    let (emulator, addr) = metadata_emulator(
        EcsMetadataConfig::new("osslive-test-role").credentials_ttl(Duration::from_secs(600)),
    );
    assert!(
        emulator
            .ecs_metadata_endpoint()
            .unwrap()
            .starts_with("http://127.0.0.1:")
    );

    // IMDSv2: a session token for a TTL of 1 to 21600 seconds.
    let put = |ttl: Option<&str>| {
        let mut headers = vec![("Host", "100.100.100.200")];
        if let Some(ttl) = ttl {
            headers.push(("X-aliyun-ecs-metadata-token-ttl-seconds", ttl));
        }
        send(addr, "PUT", "/latest/api/token", &headers, "")
    };
    for bad in [None, Some("0"), Some("21601"), Some("soon")] {
        assert_eq!(put(bad).status, 400, "{bad:?}");
    }
    let session = put(Some("21600"));
    assert_eq!(session.status, 200);
    assert!(
        session
            .head
            .contains("\r\nX-aliyun-ecs-metadata-token-ttl-seconds: 21600"),
        "{}",
        session.head
    );
    let token = session.body.clone();

    let role = get(
        addr,
        "/latest/meta-data/ram/security-credentials/",
        Some(&token),
    );
    assert_eq!(
        (role.status, role.body.as_str()),
        (200, "osslive-test-role")
    );
    assert_eq!(
        get(
            addr,
            "/latest/meta-data/ram/security-credentials/",
            Some("forged")
        )
        .status,
        401
    );
    // Without a token (IMDSv1) when the service does not require one.
    assert_eq!(
        get(addr, "/latest/meta-data/ram/security-credentials/", None).status,
        200
    );
    assert_eq!(
        get(
            addr,
            "/latest/meta-data/ram/security-credentials/other",
            None
        )
        .status,
        404
    );

    let answer = get(
        addr,
        "/latest/meta-data/ram/security-credentials/osslive-test-role",
        Some(&token),
    );
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(json_field(&answer.body, "Code"), "Success");
    let id = json_field(&answer.body, "AccessKeyId");
    assert!(id.starts_with("STS."), "{id}");
    let expiration = json_field(&answer.body, "Expiration");
    let expires = osslive::time::parse_iso8601(&expiration).unwrap();
    let left = expires.duration_since(emulator.now()).unwrap();
    assert!(
        left > Duration::from_secs(590) && left <= Duration::from_secs(600),
        "{left:?}"
    );
    assert!(
        expiration.ends_with('Z') && !expiration.contains('.'),
        "{expiration}"
    );
    let creds = Credentials::new(&id, json_field(&answer.body, "AccessKeySecret"))
        .with_security_token(json_field(&answer.body, "SecurityToken"));
    assert_eq!(code_of(list(&client(&emulator, creds.clone()))), "");

    // The same credentials until half their life is over, then new ones; the old stay
    // accepted until their own expiry, and not after it.
    let again = get(
        addr,
        "/latest/meta-data/ram/security-credentials/osslive-test-role",
        None,
    );
    assert_eq!(json_field(&again.body, "AccessKeyId"), id);
    emulator.set_clock_offset(301);
    let renewed = get(
        addr,
        "/latest/meta-data/ram/security-credentials/osslive-test-role",
        None,
    );
    assert_ne!(json_field(&renewed.body, "AccessKeyId"), id);
    assert_eq!(code_of(list(&client(&emulator, creds.clone()))), "");
    emulator.set_clock_offset(601);
    assert_eq!(
        code_of(list(&client(&emulator, creds))),
        "InvalidAccessKeyId"
    );
}

#[test]
fn hardened_mode_refuses_requests_without_a_session_token() {
    let (_emulator, addr) =
        metadata_emulator(EcsMetadataConfig::new("hardened-role").require_token(true));
    assert_eq!(
        get(addr, "/latest/meta-data/ram/security-credentials/", None).status,
        401
    );
    let session = send(
        addr,
        "PUT",
        "/latest/api/token",
        &[
            ("Host", "100.100.100.200"),
            ("X-aliyun-ecs-metadata-token-ttl-seconds", "60"),
        ],
        "",
    );
    let role = get(
        addr,
        "/latest/meta-data/ram/security-credentials/",
        Some(&session.body),
    );
    assert_eq!((role.status, role.body.as_str()), (200, "hardened-role"));
}

/// Kills the child process when the test ends, however it ends.
struct Killed(std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn the_binary_takes_credentials_and_serves_the_metadata_service() {
    use std::io::{BufRead, BufReader};
    let flag = format!("STS.flagkey:{ROTATED_SK}:{ROTATED_TOKEN}");
    let mut child = Killed(
        std::process::Command::new(env!("CARGO_BIN_EXE_osslive-emulator"))
            .args(["--listen", "127.0.0.1:0", "--quiet", "--credential", &flag])
            .args([
                "--serve-ecs-metadata",
                "bin-role",
                "--ecs-credentials-ttl",
                "120",
            ])
            .args(["--ecs-metadata-require-token"])
            .env_remove("OSS_ACCESS_KEY_ID")
            .env_remove("OSS_ACCESS_KEY_SECRET")
            .env_remove("OSS_SESSION_TOKEN")
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mut lines = BufReader::new(child.0.stdout.take().unwrap()).lines();
    let mut line = || lines.next().unwrap().unwrap();
    let http = line();
    let endpoint = http
        .strip_prefix("osslive-emulator listening on ")
        .unwrap()
        .to_owned();
    let ecs = line();
    let metadata: std::net::SocketAddr = ecs
        .strip_prefix("osslive-emulator ecs metadata on http://")
        .unwrap_or_else(|| panic!("{ecs}"))
        .parse()
        .unwrap();
    // Only the --credential key: no --access-key-id was needed.
    let client = Client::builder()
        .endpoint(&endpoint)
        .region("cn-hangzhou")
        .credentials(Credentials::new("STS.flagkey", ROTATED_SK).with_security_token(ROTATED_TOKEN))
        .build()
        .unwrap();
    assert_eq!(code_of(list(&client)), "");
    assert_eq!(
        get(
            metadata,
            "/latest/meta-data/ram/security-credentials/",
            None
        )
        .status,
        401
    );
}
