//! Faults: the emulator misbehaves on purpose before a run (a 503, a reset or dropped
//! connection, a stall, a truncated, non-XML or oversized body, a proxy's HTML error page,
//! a wrong Content-Length). Every run must end in success or a specific error, in time,
//! and leave no sanitizer or valgrind finding.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, UNIX_EPOCH};

use osslive_emulator::faults::{Fault, NON_XML_BODY};
use osslive_emulator::model::{
    AudioStat, Channel, ChannelConfig, ChannelStatus, LiveSession, Target, VideoStat,
};
use osslive_emulator::{Config, Emulator};

use crate::build::*;
use crate::env::*;
use crate::run::*;

/// The channel the fault scenarios read: live, with video and audio, so a run that
/// succeeds shows the whole document was read despite the fault.
const FAULTY: &str = "c-faults";

/// The library's default limit on a response body (`DEFAULT_MAX_RESPONSE_BYTES`).
const MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

fn faulty_session() -> LiveSession {
    LiveSession {
        connected_time: UNIX_EPOCH + Duration::from_secs(CONNECTED_UNIX),
        remote_addr: "10.4.5.6:1935".to_owned(),
        video: Some(VideoStat {
            width: 1920,
            height: 1080,
            frame_rate: 25,
            bandwidth: 250_000,
            codec: "H264".to_owned(),
        }),
        audio: Some(AudioStat {
            bandwidth: 16_000,
            sample_rate: 48_000,
            codec: "AAC".to_owned(),
        }),
    }
}

/// The size of the GetLiveChannelStat body the emulator sends for `FAULTY`.
fn faulty_stat_bytes() -> usize {
    let channel = Channel {
        name: FAULTY.to_owned(),
        config: ChannelConfig {
            description: String::new(),
            status: ChannelStatus::Enabled,
            target: Target {
                frag_duration: 5,
                frag_count: 3,
                playlist_name: "playlist.m3u8".to_owned(),
            },
            snapshot: None,
        },
        last_modified: UNIX_EPOCH,
        live: Some(faulty_session()),
        history: Default::default(),
        fragments: Vec::new(),
    };
    osslive_emulator::xml::stat(&channel).len()
}

/// An emulator that logs its requests, so that the attempts of each run can be counted,
/// with `FAULTY` created and live.
struct FaultRig {
    emulator: Emulator,
    log: Arc<Mutex<Vec<String>>>,
}

impl FaultRig {
    fn start() -> FaultRig {
        let log = Arc::new(Mutex::new(Vec::<String>::new()));
        let sink = log.clone();
        let emulator = Emulator::start(
            Config::new(AK, SK)
                .security_token(TOKEN)
                .region(REGION)
                .request_log(move |line| sink.lock().expect("the log").push(line.to_owned())),
        )
        .expect("start the emulator");
        one_attempt_client(&emulator)
            .bucket(BUCKET)
            .and_then(|b| {
                b.create_live_channel(FAULTY, &osslive::LiveChannelConfiguration::default())
            })
            .expect("create the channel of the fault scenarios");
        emulator
            .begin_publish(BUCKET, FAULTY, faulty_session())
            .expect("begin a publish");
        FaultRig { emulator, log }
    }

    /// Queues `fault` for the next `count` requests, runs `program FAULTY` with `env`,
    /// checks its exit code (and findings), and returns the run, how many requests for
    /// `FAULTY` reached the emulator meanwhile, and how long the run took. A stalled
    /// request is logged only once its stall is over, so it is not counted.
    fn run(
        &self,
        r: &Runner,
        env: &Env,
        fault: Option<(Fault, usize)>,
        code: i32,
        program: &str,
    ) -> (Run, usize, Duration) {
        if let Some((fault, count)) = fault {
            println!("=== queued {count} x {fault}");
            self.emulator.inject_fault(fault, count);
        }
        let before = self.log.lock().expect("the log").len();
        let started = Instant::now();
        let run = r.expect(env, code, program, &[FAULTY]);
        let took = started.elapsed();
        let requests = self.log.lock().expect("the log")[before..]
            .iter()
            .filter(|line| {
                line.split(' ')
                    .nth(1)
                    .is_some_and(|path| path.ends_with(&format!("/{FAULTY}")))
                    && !line.contains("with fault stall:")
            })
            .count();
        println!("=== {requests} request(s) in {took:?}");
        (run, requests, took)
    }
}

/// The stat of `FAULTY`, every field of it.
fn assert_faulty_stat(run: &Run) {
    run.has_line(&format!("channel: {FAULTY}"))
        .has_line("status: Live")
        .has_line(&format!("connected time: {CONNECTED_LINE}"))
        .has_line("remote addr: 10.4.5.6:1935")
        .has_line("video: 1920x1080, 25 fps, 250000 B/s, H264")
        .has_line("audio: 48000 Hz, 16000 B/s, AAC");
    assert!(
        Run::value(&run.stdout, "request id").is_some_and(|id| !id.is_empty()),
        "{}",
        run.stdout
    );
}

/// The info of `FAULTY` as `LiveChannelConfiguration::default()` made it.
fn assert_faulty_info(run: &Run) {
    run.has_line(&format!("channel: {FAULTY}"))
        .has_line("status: enabled")
        .has_line("target type: HLS")
        .has_line("frag count: 3")
        .has_line("snapshot: none");
}

fn assert_success(program: &str, run: &Run) {
    match program {
        "get_channel_stat" => assert_faulty_stat(run),
        "get_channel_info" => assert_faulty_info(run),
        other => unreachable!("{other}"),
    }
}

/// A failure printed nothing on stdout, and its message says `text`.
fn assert_failure_message(run: &Run, text: &str) {
    assert!(
        run.stdout.is_empty(),
        "a result printed on failure:\n{}",
        run.stdout
    );
    let message = Run::value(&run.stderr, "message").unwrap_or_default();
    assert!(
        message.contains(text),
        "the message lacks {text:?}:\n{}",
        run.stderr
    );
}

/// Under valgrind (about two seconds a run) the cut-off bodies are tried with one program
/// each instead of both; every kind of fault still comes up.
fn fault_scenarios(r: &Runner) {
    let rig = FaultRig::start();
    let env = Env::for_emulator(&rig.emulator);
    // Three attempts, said explicitly so the expected messages do not hang on a default.
    let three = env.clone().with("OSSLIVE_MAX_ATTEMPTS", "3");
    let stat = "get_channel_stat";
    let info = "get_channel_info";

    // Without a fault: one request, the whole stat.
    let (run, requests, _) = rig.run(r, &env, None, 0, stat);
    assert_faulty_stat(&run);
    assert_eq!(requests, 1);

    // A 503 once: retried (with the default attempts), then the answer.
    let (run, requests, _) = rig.run(r, &env, Some((Fault::Status(503), 1)), 0, stat);
    assert_faulty_stat(&run);
    assert_eq!(requests, 2, "one 503, then the answer");

    // A 503 on every attempt: OSS's error after three attempts.
    let (run, requests, _) = rig.run(r, &three, Some((Fault::Status(503), 3)), 1, stat);
    run.has_err_line("error: OSS answered with an error")
        .has_err_line("http status: 503")
        .has_err_line("code: ServiceUnavailable");
    assert_failure_message(&run, "(after 3 attempts)");
    assert!(
        Run::value(&run.stderr, "request id").is_some_and(|id| !id.is_empty()),
        "{}",
        run.stderr
    );
    assert_eq!(requests, 3);

    // A reset and a dropped connection: retried, then the answer.
    for (fault, program) in [(Fault::Reset, stat), (Fault::Drop, info)] {
        let (run, requests, _) = rig.run(r, &env, Some((fault, 1)), 0, program);
        assert_success(program, &run);
        assert_eq!(requests, 2, "{fault}: one cut connection, then the answer");
    }

    // Half a body, and a Content-Length longer than the body: the emulator closes the
    // connection before the body is complete. Once is retried; on every attempt it is a
    // transport failure, never a crash, a hang or a half-read document taken as the answer.
    let cut_off = [
        (Fault::Truncated, stat),
        (Fault::WrongContentLength, info),
        (Fault::Truncated, info),
        (Fault::WrongContentLength, stat),
    ];
    let cut_off = if r.valgrind {
        &cut_off[..2]
    } else {
        &cut_off[..]
    };
    for &(fault, program) in cut_off {
        let (run, requests, _) = rig.run(r, &env, Some((fault, 1)), 0, program);
        assert_success(program, &run);
        assert_eq!(requests, 2, "{fault} once, then the answer");

        let (run, requests, _) = rig.run(r, &three, Some((fault, 3)), 1, program);
        run.has_err_line("error: network or TLS failure");
        assert_failure_message(&run, "transport: ");
        assert_failure_message(&run, "(after 3 attempts)");
        assert!(
            !run.stderr.contains("http status:") && !run.stderr.contains("code:"),
            "{fault}: {}",
            run.stderr
        );
        assert_eq!(requests, 3, "{fault} on every attempt");
    }

    // 200 with a body that is not XML: an invalid response, not retried (the same request
    // would get the same answer). One request, and no fault left for the next run.
    let (run, requests, _) = rig.run(r, &three, Some((Fault::NonXml, 1)), 1, stat);
    run.has_err_line("error: invalid response from OSS")
        .has_err_line("http status: 200");
    assert_failure_message(&run, "invalid response (200)");
    assert_failure_message(&run, NON_XML_BODY);
    assert_eq!(requests, 1, "a non-XML answer is not retried");
    // (The largest deadline the library accepts, OSSLIVE_MAX_DURATION_MS, one day.)
    let patient = three.clone().with("OSSLIVE_DEADLINE_MS", "86400000");
    let (run, requests, _) = rig.run(r, &patient, None, 0, stat);
    assert_faulty_stat(&run);
    assert_eq!(requests, 1);

    // A proxy's HTML 502 page: a service error with the status and a snippet of the body,
    // but no OSS code; retried like any 502.
    let (run, requests, _) = rig.run(r, &three, Some((Fault::NonXmlError, 3)), 1, info);
    run.has_err_line("error: OSS answered with an error")
        .has_err_line("http status: 502");
    assert!(
        !run.stderr.lines().any(|l| l.starts_with("code:")),
        "a code for a body that has none:\n{}",
        run.stderr
    );
    assert_failure_message(&run, "<h1>502 Bad Gateway</h1>");
    assert_failure_message(&run, "(after 3 attempts)");
    assert_eq!(requests, 3);

    // A body padded to ten times its size, far under the limit: white space, read through.
    let ten_times = 10 * faulty_stat_bytes();
    let (run, requests, _) = rig.run(r, &env, Some((Fault::Oversized(ten_times), 1)), 0, stat);
    assert_faulty_stat(&run);
    assert_eq!(requests, 1);

    // 20 MiB: refused at the limit, naming it; not retried.
    let (run, requests, _) = rig.run(
        r,
        &three,
        Some((Fault::Oversized(20 * 1024 * 1024), 1)),
        1,
        stat,
    );
    run.has_err_line("error: invalid response from OSS")
        .has_err_line("http status: 200");
    assert_failure_message(&run, &format!("limit of {MAX_RESPONSE_BYTES} bytes"));
    assert_eq!(requests, 1, "an oversized answer is not retried");

    // A stall longer than the request timeout on every attempt: a timeout, well before the
    // stall would have ended (the deadline bounds the attempts and backoffs together).
    // Last, because the emulator's stalled handlers sleep on after the run.
    // Under valgrind the first attempt alone can take most of a 1.5 s deadline on a
    // loaded machine (the library's first calls run slowly there), leaving no room for a
    // second: give it twice the deadline, so "more than one attempt" stays what is tested.
    let stall = Duration::from_secs(8);
    let deadline_ms: u64 = if r.valgrind { 3000 } else { 1500 };
    let impatient = three
        .clone()
        .with("OSSLIVE_TIMEOUT_MS", "300")
        .with("OSSLIVE_CONNECT_TIMEOUT_MS", "2000")
        .with("OSSLIVE_DEADLINE_MS", &deadline_ms.to_string());
    let (run, _, took) = rig.run(r, &impatient, Some((Fault::Stall(stall), 3)), 1, stat);
    run.has_err_line("error: timeout");
    assert_failure_message(&run, "timeout: ");
    // More than one attempt fitted in the deadline: the request timeout ended each one.
    // Under valgrind on a loaded machine the first attempt alone can take the whole
    // deadline, so there the run checks memory and the bounded time, and the native runs
    // check the attempts.
    if !r.valgrind {
        assert_failure_message(&run, " attempts)");
    }
    assert!(
        !run.stderr.contains("http status:"),
        "an answer to a stalled request:\n{}",
        run.stderr
    );
    // Valgrind starts the program and the library slowly; the timeouts run on the clock.
    let limit = Duration::from_millis(deadline_ms * 2 + if r.valgrind { 3000 } else { 0 });
    assert!(
        took >= Duration::from_millis(300) && took < limit,
        "the stalled run took {took:?}, not between one request timeout and {limit:?}"
    );
    rig.emulator.clear_faults();
}

/// The emulator's faults before each run: retried to success, or a specific error in
/// time; never a crash or a hang.
#[test]
fn static_build_survives_faults() {
    fault_scenarios(&Runner::new(Kind::Static));
}

/// The same faults under valgrind: no invalid access, no definite or indirect leak on the
/// retry, timeout and parse-failure paths.
#[test]
fn faults_are_clean_under_valgrind() {
    require_tool("valgrind", "valgrind").unwrap_or_else(|e| panic!("{e}"));
    fault_scenarios(&Runner::valgrind(Kind::Static));
}
