//! Credentials from C (`credentials_rotation`, from tests/c/rotation/): 8 threads making
//! requests while a credentials callback rotates STS credentials and revokes old ones on
//! the emulator, a failed refresh reported and survived, under valgrind and ASan; and a
//! client on the default chain reaching the emulator's ECS metadata service.

use std::sync::{Arc, Mutex};

use osslive_emulator::ecs_metadata::EcsMetadataConfig;
use osslive_emulator::{Config, Emulator};

use crate::build::*;
use crate::env::*;
use crate::run::*;

/// The environment of `credentials_rotation`: where the emulator is, and no credentials.
fn rotation_env(emulator: &Emulator) -> Env {
    Env::for_emulator(emulator)
        .without("OSS_ACCESS_KEY_ID")
        .without("OSS_ACCESS_KEY_SECRET")
        .without("OSS_SESSION_TOKEN")
}

fn rotate(runner: &Runner) {
    let emulator = start_emulator();
    let run = runner.ok(
        &rotation_env(&emulator),
        "credentials_rotation",
        &["rotate", "10"],
    );
    run.has_line("threads: 8")
        .has_line("failures: 0")
        .has_line("failed on purpose: 1")
        .has_line("overlapping calls: 0");
    let number = |label: &str| -> u32 {
        Run::value(&run.stdout, label)
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("no {label} in {}", run.stdout))
    };
    assert!(number("requests") > 8, "{}", run.stdout);
    assert!(number("generations") >= 3, "{}", run.stdout);
    assert!(number("revoked") >= 1, "{}", run.stdout);
    assert!(number("failed refreshes reported") >= 1, "{}", run.stdout);
}

#[test]
fn rotating_credentials_under_eight_threads_under_valgrind() {
    require_tool("valgrind", "valgrind").unwrap_or_else(|e| panic!("{e}"));
    rotate(&Runner::valgrind(Kind::Static));
}

#[test]
fn rotating_credentials_under_eight_threads_under_asan() {
    rotate(&Runner::new(Kind::Asan));
}

/// A client on the default chain finds nothing in the environment or in a HOME of its
/// own, and gets the RAM role's credentials from the emulator's metadata service.
fn chain(runner: &Runner) {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&lines);
    let emulator = Emulator::start(
        Config::new(AK, SK)
            .region(REGION)
            .ecs_metadata(EcsMetadataConfig::new("c-role").require_token(true))
            .request_log(move |line| sink.lock().unwrap().push(line.to_owned())),
    )
    .unwrap();
    let home = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("c-chain-home");
    std::fs::create_dir_all(&home).unwrap();
    let env = rotation_env(&emulator)
        .with("HOME", home.to_str().unwrap())
        .with(
            "OSSLIVE_ECS_METADATA_ENDPOINT",
            &emulator.ecs_metadata_endpoint().unwrap(),
        );
    runner
        .ok(&env, "credentials_rotation", &["chain"])
        .has_line("chain: ok");
    let lines = lines.lock().unwrap();
    assert!(
        lines
            .iter()
            .any(|l| l.contains("security-credentials/c-role 200 - ecs-metadata imdsv2")),
        "{lines:#?}"
    );
}

#[test]
fn the_default_chain_from_c() {
    chain(&Runner::new(Kind::Shared));
    chain(&Runner::valgrind(Kind::Static));
}
