//! Cancelling calls from another thread: `Client::interrupt` and `Client::shut_down`
//! against calls stuck in a body the emulator stalls, waiting for an answer a server never
//! sends, connecting to a listener that never accepts, and in a retry's backoff. Each stuck call must return `Error::Cancelled` within 200 ms of the
//! cancellation (the promise made to encoder authors, whose Stop button waits on it).

use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use osslive::{CancelReason, Client, ClientBuilder, Credentials, Error, LiveChannelConfiguration};
use osslive_emulator::faults::Fault;
use osslive_emulator::{Config, Emulator};

const AK: &str = "LTAI5tCancelTestKey";
const SK: &str = "CancelTestSecret0123456789abcdefg";
const BUCKET: &str = "cancel-bucket";
const CHANNEL: &str = "stuck";
/// How soon after the cancellation a stuck call must have returned.
const PROMPTLY: Duration = Duration::from_millis(200);
/// How long the emulator stalls: far longer than PROMPTLY, short enough for the
/// emulator's threads to finish soon after the test.
const STALL: Duration = Duration::from_secs(5);

/// An emulator with the test channel, counting the OSS requests that reach it.
fn emulator() -> (Emulator, Arc<AtomicUsize>) {
    let count = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&count);
    let emulator = Emulator::start(Config::new(AK, SK).request_log(move |line| {
        if !line.contains("/_emulator/") {
            seen.fetch_add(1, Ordering::SeqCst);
        }
    }))
    .unwrap();
    (emulator, count)
}

fn builder(endpoint: &str) -> ClientBuilder {
    Client::builder()
        .endpoint(endpoint)
        .region("cn-hangzhou")
        .credentials(Credentials::new(AK, SK))
        .connect_timeout(Duration::from_secs(30))
        .request_timeout(Duration::from_secs(30))
        .max_attempts(1)
}

fn client_with_channel(emulator: &Emulator) -> Client {
    let client = builder(&emulator.endpoint()).build().unwrap();
    client
        .bucket(BUCKET)
        .unwrap()
        .create_live_channel(CHANNEL, &LiveChannelConfiguration::default())
        .unwrap();
    client
}

fn stat(client: &Client) -> Result<(), Error> {
    client
        .bucket(BUCKET)?
        .get_live_channel_stat(CHANNEL)
        .map(|_| ())
}

/// Starts `threads` threads each making one call with `call`; returns their handles,
/// each giving the call's result and when it returned.
fn stuck_threads(
    threads: usize,
    client: &Client,
    call: fn(&Client) -> Result<(), Error>,
) -> Vec<thread::JoinHandle<(Result<(), Error>, Instant)>> {
    let ready = Arc::new(Barrier::new(threads + 1));
    let handles = (0..threads)
        .map(|_| {
            let (client, ready) = (client.clone(), Arc::clone(&ready));
            thread::spawn(move || {
                ready.wait();
                let result = call(&client);
                (result, Instant::now())
            })
        })
        .collect();
    ready.wait();
    handles
}

/// Waits until `count` reached `n` (the requests arrived and stall), bounded.
fn wait_for_requests(count: &AtomicUsize, n: usize) {
    let until = Instant::now() + Duration::from_secs(20);
    while count.load(Ordering::SeqCst) < n {
        assert!(
            Instant::now() < until,
            "only {count:?} of {n} requests arrived"
        );
        thread::sleep(Duration::from_millis(10));
    }
    // Past the request line the server is in its stall; give the clients time to block.
    thread::sleep(Duration::from_millis(100));
}

/// Joins the threads: every call cancelled for `reason`, within PROMPTLY of `at`.
fn assert_cancelled(
    handles: Vec<thread::JoinHandle<(Result<(), Error>, Instant)>>,
    at: Instant,
    reason: CancelReason,
) {
    for handle in handles {
        let (result, returned) = handle.join().unwrap();
        match result {
            Err(Error::Cancelled(e)) => assert_eq!(e.reason(), reason, "{e}"),
            other => panic!("expected a cancellation, got {other:?}"),
        }
        let took = returned.saturating_duration_since(at);
        assert!(
            took < PROMPTLY,
            "a call returned {took:?} after the cancellation"
        );
    }
}

#[test]
fn eight_calls_reading_a_stalled_body_are_interrupted_and_the_client_goes_on() {
    let (emulator, count) = emulator();
    let client = client_with_channel(&emulator);
    let before = count.load(Ordering::SeqCst);
    // Headers and half the body, then silence: the emulator logs (counts) the request
    // when it starts answering, so the count says each call is stuck in its body.
    emulator.inject_fault(Fault::StallBody(STALL), 8);
    let handles = stuck_threads(8, &client, stat);
    wait_for_requests(&count, before + 8);
    let at = Instant::now();
    client.interrupt();
    assert_cancelled(handles, at, CancelReason::Interrupted);
    // Later calls run as usual: the interrupt ended only the calls in progress.
    assert!(!client.is_shut_down());
    stat(&client).unwrap();
}

/// A server that reads requests and never answers, counting the requests it read.
fn silent_server() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let count = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&count);
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let seen = Arc::clone(&seen);
            thread::spawn(move || {
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match std::io::Read::read(&mut stream, &mut buf) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                seen.fetch_add(1, Ordering::SeqCst);
                // Held open, silent, until the client goes away.
                while matches!(std::io::Read::read(&mut stream, &mut buf), Ok(n) if n > 0) {}
            });
        }
    });
    (endpoint, count)
}

#[test]
fn calls_waiting_for_an_answer_that_never_comes_are_interrupted() {
    let (endpoint, count) = silent_server();
    let client = builder(&endpoint).build().unwrap();
    let handles = stuck_threads(4, &client, stat);
    wait_for_requests(&count, 4);
    let at = Instant::now();
    client.interrupt();
    assert_cancelled(handles, at, CancelReason::Interrupted);
}

/// A listener whose accept queue is full and never served: a new connect to it hangs
/// (Linux drops the SYN) until its timeout.
fn listener_that_never_accepts() -> (TcpListener, Vec<TcpStream>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd;
        // SAFETY: a listening socket we own; listen again only shrinks its queue.
        assert_eq!(unsafe { libc::listen(listener.as_raw_fd(), 0) }, 0);
    }
    let addr = listener.local_addr().unwrap();
    let mut queued = Vec::new();
    loop {
        match TcpStream::connect_timeout(&addr, Duration::from_millis(300)) {
            Ok(stream) => queued.push(stream),
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => break,
            Err(e) => panic!("{e}"),
        }
        assert!(queued.len() < 1000, "the accept queue never filled");
    }
    (listener, queued)
}

#[test]
fn a_connect_that_hangs_is_interrupted() {
    let (listener, _queued) = listener_that_never_accepts();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let client = builder(&endpoint).build().unwrap();
    let handles = stuck_threads(2, &client, stat);
    thread::sleep(Duration::from_millis(300));
    let at = Instant::now();
    client.interrupt();
    assert_cancelled(handles, at, CancelReason::Interrupted);
}

#[test]
fn a_call_sleeping_before_its_retry_is_interrupted_with_its_attempt_count() {
    let (emulator, count) = emulator();
    let client = builder(&emulator.endpoint())
        .max_attempts(3)
        .retry_base_delay(Duration::from_secs(20))
        .build()
        .unwrap();
    let before = count.load(Ordering::SeqCst);
    emulator.inject_fault(Fault::Status(503), 1);
    let handles = stuck_threads(1, &client, stat);
    wait_for_requests(&count, before + 1);
    let at = Instant::now();
    client.interrupt();
    let (result, returned) = handles.into_iter().next().unwrap().join().unwrap();
    assert!(returned.saturating_duration_since(at) < PROMPTLY);
    match result {
        Err(Error::Cancelled(e)) => assert_eq!(e.attempts(), 1),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        count.load(Ordering::SeqCst),
        before + 1,
        "no retry was sent"
    );
}

#[test]
fn a_shut_down_client_ends_calls_in_progress_and_refuses_later_ones() {
    let (emulator, count) = emulator();
    let client = client_with_channel(&emulator);
    let bucket = client.bucket(BUCKET).unwrap();
    let before = count.load(Ordering::SeqCst);
    emulator.inject_fault(Fault::StallBody(STALL), 8);
    let handles = stuck_threads(8, &client, stat);
    wait_for_requests(&count, before + 8);
    let at = Instant::now();
    client.shut_down();
    assert_cancelled(handles, at, CancelReason::ShutDown);
    assert!(client.is_shut_down());
    // A later call, through a bucket made before, sends nothing.
    let sent = count.load(Ordering::SeqCst);
    match bucket.get_live_channel_stat(CHANNEL) {
        Err(Error::Cancelled(e)) => {
            assert_eq!(e.reason(), CancelReason::ShutDown);
            assert_eq!(e.attempts(), 0);
            assert!(e.to_string().contains("shut down"), "{e}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(count.load(Ordering::SeqCst), sent);
}

#[test]
fn an_interrupt_with_nothing_in_progress_changes_nothing() {
    let (emulator, _count) = emulator();
    let client = client_with_channel(&emulator);
    client.interrupt();
    stat(&client).unwrap();
    stat(&client).unwrap();
    let err = client_shut_down_error(&emulator);
    assert!(matches!(err, Error::Cancelled(_)), "{err:?}");
    assert!(!err.is_retryable());
}

/// The error of a call on a client that was shut down before it.
fn client_shut_down_error(emulator: &Emulator) -> Error {
    let client = builder(&emulator.endpoint()).build().unwrap();
    client.shut_down();
    stat(&client).unwrap_err()
}
