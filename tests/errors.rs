//! What errors keep: the kind of failure, the underlying cause as `source()`, and how
//! many attempts the call made. Against closed loopback ports and the in-process
//! emulator (its faults, and HTTPS with a certificate nobody trusts).

use std::error::Error as _;
use std::net::TcpListener;
use std::time::Duration;

use osslive::{
    Client, ClientBuilder, Credentials, Error, LiveChannelConfiguration, TimeoutKind,
    TransportErrorKind,
};
use osslive_emulator::faults::Fault;
use osslive_emulator::{Config, Emulator};

const AK: &str = "LTAI5tErrorsTestKey";
const SK: &str = "ErrorsTestSecret0123456789abcdefg";
const BUCKET: &str = "errors-bucket";

fn builder(endpoint: &str) -> ClientBuilder {
    Client::builder()
        .endpoint(endpoint)
        .region("cn-hangzhou")
        .credentials(Credentials::new(AK, SK))
        .retry_base_delay(Duration::from_millis(5))
}

fn stat(client: &Client) -> Result<(), Error> {
    client
        .bucket(BUCKET)?
        .get_live_channel_stat("c")
        .map(|_| ())
}

/// The causes below `err`, outermost first.
fn chain(err: &Error) -> Vec<String> {
    let mut causes = Vec::new();
    let mut next = err.source();
    while let Some(cause) = next {
        causes.push(cause.to_string());
        next = cause.source();
    }
    causes
}

/// A loopback port nothing listens on.
fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[test]
fn a_refused_connection_keeps_the_io_error_and_counts_the_attempts() {
    let endpoint = format!("http://127.0.0.1:{}", closed_port());
    let client = builder(&endpoint).max_attempts(3).build().unwrap();
    let err = stat(&client).unwrap_err();
    let Error::Transport(transport) = &err else {
        panic!("{err:?}");
    };
    assert_eq!(transport.kind(), TransportErrorKind::Connect, "{err:?}");
    assert_eq!(err.attempts(), 3);
    assert_eq!(transport.attempts(), 3);
    assert!(err.is_retryable());
    // The count is a field; the text derives the note from it, once.
    assert!(err.to_string().ends_with(" (after 3 attempts)"), "{err}");
    assert!(!transport.message().contains("attempts"), "{err}");
    let io = err
        .source()
        .and_then(|s| s.downcast_ref::<std::io::Error>())
        .unwrap_or_else(|| panic!("no io::Error source: {err:?}"));
    assert_eq!(io.kind(), std::io::ErrorKind::ConnectionRefused);
    assert!(!chain(&err).is_empty());

    let once = builder(&endpoint).max_attempts(1).build().unwrap();
    let err = stat(&once).unwrap_err();
    assert_eq!(err.attempts(), 1);
    assert!(!err.to_string().contains("attempts"), "{err}");
}

#[test]
fn a_certificate_nobody_trusts_is_a_tls_error_with_its_cause() {
    let key = rcgen::KeyPair::generate().unwrap();
    let params = rcgen::CertificateParams::new(vec!["127.0.0.1".to_owned()]).unwrap();
    let cert = params.self_signed(&key).unwrap();
    let emulator = Emulator::start(
        Config::new(AK, SK).tls(cert.pem().as_bytes(), key.serialize_pem().as_bytes()),
    )
    .unwrap();
    let client = builder(&emulator.endpoint()).build().unwrap();
    let err = stat(&client).unwrap_err();
    let Error::Tls(tls) = &err else {
        panic!("{err:?}");
    };
    assert!(!err.is_retryable());
    assert_eq!(err.attempts(), 1, "not retried");
    let causes = chain(&err);
    assert!(!causes.is_empty(), "no source: {err:?}");
    assert!(
        tls.message().starts_with(&causes[0]),
        "the message starts with its cause: {:?} / {causes:?}",
        tls.message()
    );
}

#[test]
fn attempts_count_every_try_of_a_retried_call() {
    let emulator = Emulator::start(Config::new(AK, SK)).unwrap();
    let client = builder(&emulator.endpoint())
        .max_attempts(4)
        .build()
        .unwrap();
    client
        .bucket(BUCKET)
        .unwrap()
        .create_live_channel("c", &LiveChannelConfiguration::default())
        .unwrap();

    emulator.inject_fault(Fault::Status(503), 4);
    let err = stat(&client).unwrap_err();
    assert_eq!(err.attempts(), 4);
    let Error::Service(service) = &err else {
        panic!("{err:?}");
    };
    assert_eq!(service.attempts, 4);

    // Two resets, then a 503 on the last attempt: the error is the last one, counting all.
    emulator.inject_fault(Fault::Reset, 2);
    emulator.inject_fault(Fault::Status(503), 2);
    let err = stat(&client).unwrap_err();
    assert_eq!((err.http_status(), err.attempts()), (Some(503), 4), "{err}");

    // Reset on every attempt: a transport error of the reset kind.
    emulator.inject_fault(Fault::Reset, 4);
    let err = stat(&client).unwrap_err();
    assert!(
        matches!(&err, Error::Transport(t) if t.kind() == TransportErrorKind::Reset),
        "{err:?}"
    );
    assert_eq!(err.attempts(), 4);

    // Not retried: one attempt.
    emulator.inject_fault(Fault::NonXml, 1);
    let err = stat(&client).unwrap_err();
    assert!(matches!(err, Error::InvalidResponse(_)), "{err:?}");
    assert_eq!(err.attempts(), 1);
    let err = client
        .bucket(BUCKET)
        .unwrap()
        .get_live_channel_info("missing")
        .unwrap_err();
    assert_eq!(
        (err.service_code(), err.attempts()),
        (Some("NoSuchLiveChannel"), 1)
    );

    // Refused before anything is sent: no attempt.
    let err = client
        .bucket(BUCKET)
        .unwrap()
        .get_live_channel_stat("a/b")
        .unwrap_err();
    assert!(matches!(err, Error::InvalidArgument(_)), "{err:?}");
    assert_eq!(err.attempts(), 0);
    stat(&client).unwrap();
}

#[test]
fn timeouts_say_which_limit_expired() {
    let emulator = Emulator::start(Config::new(AK, SK)).unwrap();
    let per_request = builder(&emulator.endpoint())
        .request_timeout(Duration::from_millis(200))
        .max_attempts(2)
        .build()
        .unwrap();
    emulator.inject_fault(Fault::Stall(Duration::from_secs(2)), 2);
    let err = stat(&per_request).unwrap_err();
    let Error::Timeout(timeout) = &err else {
        panic!("{err:?}");
    };
    assert_eq!(timeout.kind(), TimeoutKind::Request, "{err:?}");
    assert_eq!(err.attempts(), 2);
    assert!(err.source().is_some(), "{err:?}");
    emulator.clear_faults();

    let deadline = builder(&emulator.endpoint())
        .request_timeout(Duration::from_secs(10))
        .deadline(Duration::from_millis(300))
        .max_attempts(1)
        .build()
        .unwrap();
    emulator.inject_fault(Fault::Stall(Duration::from_secs(2)), 1);
    let err = stat(&deadline).unwrap_err();
    assert!(
        matches!(&err, Error::Timeout(t) if t.kind() == TimeoutKind::Deadline),
        "{err:?}"
    );
    assert_eq!(err.attempts(), 1);
    emulator.clear_faults();
}

#[test]
fn configuration_errors_name_the_setting() {
    let cases: [(ClientBuilder, &str); 10] = [
        (Client::builder(), "endpoint"),
        (builder("ftp://x"), "endpoint"),
        (builder("http://127.0.0.1:0"), "endpoint"),
        (builder("http://127.0.0.1:65536"), "endpoint"),
        (
            builder("http://127.0.0.1:1").deadline(Duration::from_secs(86_401)),
            "deadline",
        ),
        (
            builder("http://127.0.0.1:1").retry_base_delay(Duration::from_secs(86_401)),
            "retry_base_delay",
        ),
        (
            builder("http://127.0.0.1:1").max_attempts(101),
            "max_attempts",
        ),
        (
            builder("http://127.0.0.1:1").connect_timeout(Duration::ZERO),
            "connect_timeout",
        ),
        (
            builder("http://127.0.0.1:1").max_attempts(0),
            "max_attempts",
        ),
        (
            builder("http://127.0.0.1:1").user_agent("a\nb"),
            "user_agent",
        ),
    ];
    for (b, setting) in cases {
        let err = b.build().unwrap_err();
        let Error::Config(config) = &err else {
            panic!("{err:?}");
        };
        assert_eq!(config.setting(), Some(setting), "{err}");
        assert_eq!(err.attempts(), 0);
    }
    let missing = std::env::temp_dir().join("osslive-errors-test-no-such-dir/ca.pem");
    let err = builder("https://127.0.0.1:1")
        .ca_file(&missing)
        .build()
        .unwrap_err();
    assert!(
        matches!(&err, Error::Config(c) if c.setting() == Some("ca_file")),
        "{err:?}"
    );
    let io = err
        .source()
        .and_then(|s| s.downcast_ref::<std::io::Error>());
    assert_eq!(
        io.map(|e| e.kind()),
        Some(std::io::ErrorKind::NotFound),
        "{err:?}"
    );
}
