//! Retries, the overall deadline and clock-skew correction, against the emulator's faults.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use osslive::{Client, ClientBuilder, Credentials, Error, LiveChannelConfiguration};
use osslive_emulator::faults::Fault;
use osslive_emulator::model::Fragment;
use osslive_emulator::{Config, Emulator};

const AK: &str = "LTAI5tRetryTestKey";
const SK: &str = "RetryTestSecret0123456789abcdefgh";
const BUCKET: &str = "retry-bucket";

/// An emulator that counts the OSS requests it receives (admin calls aside).
fn emulator() -> (Emulator, Arc<AtomicUsize>) {
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    let emulator = Emulator::start(Config::new(AK, SK).request_log(move |line| {
        if !line.contains("/_emulator/") {
            seen.fetch_add(1, Ordering::SeqCst);
        }
    }))
    .unwrap();
    (emulator, count)
}

fn builder(emulator: &Emulator) -> ClientBuilder {
    Client::builder()
        .endpoint(emulator.endpoint())
        .region("cn-hangzhou")
        .credentials(Credentials::new(AK, SK))
        .retry_base_delay(Duration::from_millis(10))
}

/// A client whose log hook lines are kept, to see what it did.
fn logged(b: ClientBuilder) -> (Client, Arc<Mutex<Vec<String>>>) {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let sink = lines.clone();
    let client = b
        .log_hook(move |level, line| sink.lock().unwrap().push(format!("{level} {line}")))
        .build()
        .unwrap();
    (client, lines)
}

fn create(client: &Client, channel: &str) -> Result<(), Error> {
    client
        .bucket(BUCKET)?
        .create_live_channel(channel, &LiveChannelConfiguration::default())
        .map(|_| ())
}

#[test]
fn a_503_is_retried_and_the_call_succeeds() {
    let (emulator, count) = emulator();
    let (client, log) = logged(builder(&emulator));
    emulator.inject_fault(Fault::Status(503), 1);
    create(&client, "c").unwrap();
    assert_eq!(count.load(Ordering::SeqCst), 2);
    let log = log.lock().unwrap();
    assert!(
        log.iter()
            .any(|l| l.starts_with("INFO ") && l.contains("attempt 1 of 3 failed")),
        "{log:?}"
    );
}

#[test]
fn dropped_reset_and_truncated_answers_are_retried() {
    let (emulator, count) = emulator();
    let client = builder(&emulator).build().unwrap();
    for (i, fault) in [
        Fault::Drop,
        Fault::Reset,
        Fault::Status(502),
        Fault::Status(504),
        Fault::Status(500),
    ]
    .into_iter()
    .enumerate()
    {
        emulator.inject_fault(fault, 1);
        create(&client, &format!("c{i}")).unwrap_or_else(|e| panic!("{fault}: {e}"));
    }
    assert_eq!(count.load(Ordering::SeqCst), 10);
    // A truncated answer to a GET is retried too: the request is idempotent.
    emulator.inject_fault(Fault::Truncated, 1);
    client
        .bucket(BUCKET)
        .unwrap()
        .get_live_channel_info("c0")
        .unwrap();
}

#[test]
fn the_last_error_says_how_many_attempts_were_made() {
    let (emulator, count) = emulator();
    let client = builder(&emulator).max_attempts(4).build().unwrap();
    emulator.inject_fault(Fault::Status(503), 4);
    let err = create(&client, "c").unwrap_err();
    let Error::Service(service) = &err else {
        panic!("{err:?}")
    };
    assert_eq!((service.status, service.attempts), (503, 4));
    assert!(err.to_string().ends_with("(after 4 attempts)"), "{err}");
    assert_eq!(count.load(Ordering::SeqCst), 4);

    // Three dropped connections, and the fourth attempt gets through.
    emulator.inject_fault(Fault::Drop, 3);
    create(&client, "d").unwrap();
    assert_eq!(count.load(Ordering::SeqCst), 8);
}

#[test]
fn errors_that_cannot_change_are_not_retried() {
    let (emulator, count) = emulator();
    let client = builder(&emulator).build().unwrap();
    let bucket = client.bucket(BUCKET).unwrap();
    let err = bucket.get_live_channel_info("missing").unwrap_err();
    assert_eq!(err.service_code(), Some("NoSuchLiveChannel"));
    assert_eq!(count.load(Ordering::SeqCst), 1);

    let wrong = builder(&emulator)
        .credentials(Credentials::new(AK, "wrong-secret"))
        .build()
        .unwrap();
    let err = create(&wrong, "c").unwrap_err();
    assert_eq!(err.service_code(), Some("SignatureDoesNotMatch"));
    assert_eq!(count.load(Ordering::SeqCst), 2);

    create(&client, "c").unwrap();
    emulator.inject_fault(Fault::NonXml, 1);
    let err = bucket.get_live_channel_stat("c").unwrap_err();
    assert!(matches!(err, Error::InvalidResponse { .. }), "{err:?}");
    assert_eq!(count.load(Ordering::SeqCst), 4);
}

#[test]
fn one_attempt_means_no_retry() {
    let (emulator, count) = emulator();
    let client = builder(&emulator).max_attempts(1).build().unwrap();
    emulator.inject_fault(Fault::Status(503), 1);
    let err = create(&client, "c").unwrap_err();
    assert_eq!(err.http_status(), Some(503));
    assert!(!err.to_string().contains("attempts"), "{err}");
    assert_eq!(count.load(Ordering::SeqCst), 1);
}

#[test]
fn a_stalled_attempt_times_out_and_the_retry_succeeds() {
    let (emulator, _) = emulator();
    let client = builder(&emulator)
        .request_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    emulator.inject_fault(Fault::Stall(Duration::from_secs(3)), 1);
    let started = Instant::now();
    create(&client, "c").unwrap();
    assert!(
        started.elapsed() < Duration::from_millis(2500),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn the_deadline_bounds_the_whole_call() {
    let (emulator, _) = emulator();
    let client = builder(&emulator)
        .request_timeout(Duration::from_secs(10))
        .deadline(Duration::from_millis(500))
        .max_attempts(10)
        .build()
        .unwrap();
    emulator.inject_fault(Fault::Stall(Duration::from_secs(3)), 10);
    let started = Instant::now();
    let err = create(&client, "c").unwrap_err();
    let took = started.elapsed();
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    assert!(
        took < Duration::from_millis(1200),
        "the deadline of 500 ms held for {took:?}"
    );
    emulator.clear_faults();
}

#[test]
fn a_skewed_clock_is_corrected_once_and_used_for_rtmp_expiry() {
    let (emulator, count) = emulator();
    emulator.set_clock_offset(3600);
    let (client, log) = logged(builder(&emulator));
    create(&client, "c").unwrap();
    assert_eq!(
        count.load(Ordering::SeqCst),
        2,
        "one refused attempt, one re-signed"
    );
    assert!(
        log.lock()
            .unwrap()
            .iter()
            .any(|l| l.starts_with("WARN ") && l.contains("skewed"))
    );
    // Later calls are signed with the corrected clock from the start.
    client
        .bucket(BUCKET)
        .unwrap()
        .get_live_channel_stat("c")
        .unwrap();
    assert_eq!(count.load(Ordering::SeqCst), 3);

    // A relative RTMP expiry counts from OSS's time, so the URL is valid there.
    let push = client
        .bucket(BUCKET)
        .unwrap()
        .sign_rtmp_url_valid_for("c", None, Duration::from_secs(60))
        .unwrap();
    let server_now = emulator.now();
    let until = push.expires.duration_since(server_now).unwrap();
    assert!(
        until > Duration::from_secs(50) && until <= Duration::from_secs(61),
        "{until:?}"
    );
    let authority = osslive_emulator::auth::Authority {
        access_keys: vec![osslive_emulator::auth::AccessKey {
            id: AK.into(),
            secret: SK.into(),
        }],
        security_tokens: vec![],
        region: "cn-hangzhou".into(),
    };
    osslive_emulator::rtmp_auth::check_push_url(&push.url, &authority, server_now).unwrap();

    // So is a presigned play URL: its x-oss-date is OSS's time, and its expiry too.
    let play = client
        .bucket(BUCKET)
        .unwrap()
        .sign_play_url("c", None, Duration::from_secs(60))
        .unwrap();
    let until = play.expires.duration_since(server_now).unwrap();
    assert!(
        until > Duration::from_secs(50) && until <= Duration::from_secs(61),
        "{until:?}"
    );
    let date = play
        .url
        .split(['?', '&'])
        .find_map(|p| p.strip_prefix("x-oss-date="))
        .and_then(osslive::time::parse_v4_datetime)
        .expect("an x-oss-date parameter");
    let off = date
        .duration_since(server_now)
        .unwrap_or_else(|e| e.duration());
    assert!(off < Duration::from_secs(5), "{off:?} from OSS's clock");
}

#[test]
fn clients_share_the_corrected_clock_with_their_clones() {
    let (emulator, count) = emulator();
    emulator.set_clock_offset(-3600);
    let client = builder(&emulator).build().unwrap();
    let clone = client.clone();
    create(&client, "c").unwrap();
    create(&clone, "d").unwrap();
    assert_eq!(count.load(Ordering::SeqCst), 3);
}

/// PostVodPlaylist (a POST) is not idempotent: after a failure that may have reached OSS
/// (a reset connection, a 500) it is not sent again behind the caller's back, while a
/// refusal OSS answered before acting (503) is still retried.
#[test]
fn a_post_is_not_repeated_once_it_may_have_reached_oss() {
    use std::time::SystemTime;
    let (emulator, count) = emulator();
    let (client, log) = logged(builder(&emulator));
    create(&client, "vod").unwrap();
    let bucket = client.bucket(BUCKET).unwrap();
    let now = SystemTime::now();
    // One recorded fragment in the range, so the playlist has something to list.
    let fragment = Fragment {
        start_time: now - Duration::from_secs(60),
        duration: 5.0,
        name: "1.ts".into(),
    };
    emulator
        .add_fragments(BUCKET, "vod", vec![(fragment, vec![0; 16])])
        .unwrap();
    let post =
        || bucket.post_vod_playlist("vod", "list.m3u8", now - Duration::from_secs(3600), now);

    for fault in [Fault::Reset, Fault::Status(500)] {
        let before = count.load(Ordering::SeqCst);
        emulator.inject_fault(fault, 1);
        let error = post().expect_err("the faulty answer reaches the caller");
        assert_eq!(error.attempts(), 1, "{fault:?}: {error}");
        assert_eq!(
            count.load(Ordering::SeqCst) - before,
            1,
            "{fault:?} sent once"
        );
        assert!(
            log.lock()
                .unwrap()
                .iter()
                .any(|l| l.starts_with("WARN ") && l.contains("not idempotent")),
            "{fault:?}"
        );
    }

    // A 503 says OSS did not act: sent again, and the call succeeds.
    let before = count.load(Ordering::SeqCst);
    emulator.inject_fault(Fault::Status(503), 1);
    post().unwrap();
    assert_eq!(count.load(Ordering::SeqCst) - before, 2);
}
