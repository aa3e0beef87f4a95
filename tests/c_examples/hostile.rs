//! Hostile input: `hostile_input` (tests/c/hostile/) feeds the C API NULLs, bad UTF-8,
//! empty and 1 MB strings, out-of-range indexes, constants and times; every call must fail
//! cleanly, send nothing, and leave no sanitizer or valgrind finding.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::{Arc, Mutex};
use std::time::{Duration, UNIX_EPOCH};

use osslive_emulator::model::LiveSession;
use osslive_emulator::{Config, Emulator};

use crate::build::*;
use crate::env::*;
use crate::run::*;

/// The channel `hostile_input results` reads the history of: one push record.
const HOSTILE_SEEDED: &str = "hostile-seeded";

/// The size of the "1 MB" strings under valgrind: hashing megabytes through the
/// unoptimised library under valgrind takes minutes, and 160 KiB passes the same limits
/// (a URL's 64 KiB, the HTTP layer's 128 KiB request head) through the same code.
const VALGRIND_HUGE_BYTES: &str = "163840";

/// An admin request to the emulator, over plain HTTP as any tool would send it.
fn emulator_admin(emulator: &Emulator, method: &str, target: &str) {
    let mut stream = TcpStream::connect(emulator.addr()).expect("connect to the emulator");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("a read timeout");
    write!(
        stream,
        "{method} {target} HTTP/1.1\r\nHost: {}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        emulator.addr()
    )
    .expect("send the admin request");
    let mut answer = String::new();
    stream
        .read_to_string(&mut answer)
        .expect("read the admin answer");
    assert!(
        answer.starts_with("HTTP/1.1 200"),
        "{method} {target}:\n{answer}"
    );
}

/// Neither the access key secret nor the token appears in what a run printed.
fn assert_no_secret(what: &str, run: &Run) {
    for secret in [SK, TOKEN] {
        assert!(
            !run.stdout.contains(secret) && !run.stderr.contains(secret),
            "{what}: the output shows the secret {secret:?}"
        );
    }
}

/// The run got to its end: the last line counts the checks that passed.
fn checks_passed(what: &str, run: &Run) -> usize {
    let count = Run::value(&run.stdout, "checks passed")
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{what}: no \"checks passed\" line:\n{}", run.stdout));
    assert!(
        !run.stdout.lines().any(|l| l.starts_with("FAIL")),
        "{what}:\n{}",
        run.stdout
    );
    count
}

fn hostile_input(r: &Runner, huge_bytes: Option<&str>) {
    // Every line the emulator would log: OSS requests, admin requests and requests it
    // could not even parse.
    let requests = Arc::new(Mutex::new(Vec::<String>::new()));
    let log = requests.clone();
    let emulator = Emulator::start(
        Config::new(AK, SK)
            .security_token(TOKEN)
            .region(REGION)
            .request_log(move |line| log.lock().expect("the log").push(line.to_owned())),
    )
    .expect("start the emulator");
    let env = Env::for_emulator(&emulator);

    // The channel whose history the results mode reads: created, pushed to once.
    one_attempt_client(&emulator)
        .bucket(BUCKET)
        .and_then(|b| {
            b.create_live_channel(
                HOSTILE_SEEDED,
                &osslive::LiveChannelConfiguration::default(),
            )
        })
        .expect("create the seeded channel");
    emulator
        .begin_publish(
            BUCKET,
            HOSTILE_SEEDED,
            LiveSession {
                connected_time: UNIX_EPOCH + Duration::from_secs(CONNECTED_UNIX),
                remote_addr: "10.9.8.7:1935".to_owned(),
                video: None,
                audio: None,
            },
        )
        .expect("begin a publish");
    assert!(
        emulator
            .end_publish(BUCKET, HOSTILE_SEEDED)
            .expect("end the publish")
    );

    // The next OSS request, whoever sends it, gets a 500 and uses the fault up.
    emulator_admin(
        &emulator,
        "POST",
        "/_emulator/faults?fault=status:500&count=1",
    );
    let before = requests.lock().expect("the log").len();
    let mut args = vec!["calls"];
    args.extend(huge_bytes);
    let calls = r.ok(&env, "hostile_input", &args);
    let what = format!("{:?} hostile_input calls", r.kind);
    assert!(
        checks_passed(&what, &calls) > 1000,
        "{what}: fewer checks than expected:\n{}",
        calls.stdout
    );
    assert_no_secret(&what, &calls);

    // Nothing reached the emulator: no line in its log, and the fault is still queued.
    let sent = requests.lock().expect("the log")[before..].to_vec();
    assert!(
        sent.is_empty(),
        "{what}: hostile calls reached the emulator:\n{}",
        sent.join("\n")
    );
    match one_attempt_client(&emulator)
        .bucket(BUCKET)
        .and_then(|b| b.get_live_channel_info(HOSTILE_SEEDED))
    {
        Err(osslive::Error::Service(e)) if e.status == 500 => {}
        other => panic!(
            "{what}: the fault queued before the hostile calls is gone, so one of them was \
             sent: the next request got {other:?}"
        ),
    }

    // Out-of-range indexes on real results, and huge headers sent to a live server.
    let mut args = vec!["results", HOSTILE_SEEDED];
    args.extend(huge_bytes);
    let results = r.ok(&env, "hostile_input", &args);
    let what = format!("{:?} hostile_input results", r.kind);
    checks_passed(&what, &results);
    assert_no_secret(&what, &results);
}

#[test]
fn static_build_refuses_hostile_input() {
    hostile_input(&Runner::new(Kind::Static), None);
}

/// Hostile input with ASan, LeakSanitizer and UBSan watching: zero findings.
#[test]
fn asan_build_refuses_hostile_input_cleanly() {
    hostile_input(&Runner::new(Kind::Asan), None);
}

/// Hostile input under valgrind: no invalid access, no definite or indirect leak.
#[test]
fn hostile_input_is_clean_under_valgrind() {
    require_tool("valgrind", "valgrind").unwrap_or_else(|e| panic!("{e}"));
    hostile_input(&Runner::valgrind(Kind::Static), Some(VALGRIND_HUGE_BYTES));
}
