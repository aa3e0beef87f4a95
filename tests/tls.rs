//! HTTPS against the emulator serving a certificate from a test CA made here: verification
//! is on by default, a custom CA bundle (PEM text or file, from Rust and from C) makes it
//! pass, and a certificate that does not verify fails at once, without a retry.

use std::ffi::{CStr, CString, c_char, c_int};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::ptr::{null, null_mut};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use osslive::ffi::channel::*;
use osslive::ffi::client::*;
use osslive::ffi::config::*;
use osslive::ffi::create_result::*;
use osslive::ffi::error::*;
use osslive::ffi::{
    OSSLIVE_ERR_CONFIG, OSSLIVE_ERR_INVALID_ARGUMENT, OSSLIVE_ERR_TRANSPORT, OSSLIVE_OK,
};
use osslive::{Client, ClientBuilder, Credentials, Error, LiveChannelConfiguration};
use osslive_emulator::{Config, Emulator};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};

const AK: &str = "LTAI5tTlsTestAccessKey";
const SK: &str = "TlsTestAccessKeySecret0123456789";
const BUCKET: &str = "tls-bucket";
const VHOST: &str = "oss-cn-hangzhou.aliyuncs.com";

/// The names the emulator's certificate is for: the loopback address (path-style), the
/// virtual-hosted endpoint and its bucket domains, and a few more.
const SERVER_NAMES: &[&str] = &[
    "127.0.0.1",
    "localhost",
    "*.oss-test.example",
    VHOST,
    "*.oss-cn-hangzhou.aliyuncs.com",
];

/// A test CA and a server certificate it signed.
struct Pki {
    ca_pem: String,
    cert_pem: String,
    key_pem: String,
}

/// A CA named `ca_name` and a certificate it signed for `names` (IPs become IP SANs).
fn make_pki(ca_name: &str, names: &[&str]) -> Pki {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.distinguished_name.push(DnType::CommonName, ca_name);
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca_pem = ca.self_signed(&ca_key).unwrap().pem();
    let issuer = Issuer::new(ca, ca_key);
    let key = KeyPair::generate().unwrap();
    let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
    let mut server = CertificateParams::new(names).unwrap();
    server
        .distinguished_name
        .push(DnType::CommonName, "osslive emulator");
    server.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let cert_pem = server.signed_by(&key, &issuer).unwrap().pem();
    Pki {
        ca_pem,
        cert_pem,
        key_pem: key.serialize_pem(),
    }
}

/// An HTTPS emulator, with counts of the requests that reached the app and of the TLS
/// handshakes that failed.
struct Https {
    emulator: Emulator,
    requests: Arc<AtomicUsize>,
    tls_failures: Arc<Mutex<Vec<String>>>,
}

impl Https {
    fn start(pki: &Pki) -> Https {
        let requests = Arc::new(AtomicUsize::new(0));
        let tls_failures = Arc::new(Mutex::new(Vec::new()));
        let (seen, failed) = (requests.clone(), tls_failures.clone());
        let config = Config::new(AK, SK)
            .tls(pki.cert_pem.as_bytes(), pki.key_pem.as_bytes())
            .request_log(move |line| {
                if line.starts_with("TLS") {
                    failed.lock().unwrap().push(line.to_owned());
                } else if !line.contains("/_emulator/") {
                    seen.fetch_add(1, Ordering::SeqCst);
                }
            });
        let emulator = Emulator::start(config).unwrap();
        Https {
            emulator,
            requests,
            tls_failures,
        }
    }

    fn addr(&self) -> SocketAddr {
        self.emulator.addr()
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    /// The failed handshakes logged, once at least `count` are (or a few seconds passed):
    /// the server logs one when the client's alert arrives, just after the client gave up.
    fn tls_failures(&self, count: usize) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let seen = self.tls_failures.lock().unwrap().clone();
            if seen.len() >= count || Instant::now() > deadline {
                return seen;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

/// A path-style client of the emulator's `https://127.0.0.1:PORT`.
fn path_style(https: &Https) -> ClientBuilder {
    assert!(https.emulator.endpoint().starts_with("https://127.0.0.1:"));
    Client::builder()
        .endpoint(https.emulator.endpoint())
        .region("cn-hangzhou")
        .credentials(Credentials::new(AK, SK))
}

/// A virtual-hosted client of `https://oss-cn-hangzhou.aliyuncs.com:PORT`, resolved to the
/// emulator; the certificate is checked against the bucket's domain.
fn virtual_hosted(https: &Https) -> ClientBuilder {
    Client::builder()
        .endpoint(format!("https://{VHOST}:{}", https.addr().port()))
        .resolve(VHOST, https.addr())
        .credentials(Credentials::new(AK, SK))
}

/// Create, stat and delete a channel.
fn round_trip(client: &Client, channel: &str) {
    let bucket = client.bucket(BUCKET).unwrap();
    let created = bucket
        .create_live_channel(channel, &LiveChannelConfiguration::default())
        .unwrap();
    assert!(!created.publish_urls.is_empty());
    bucket.get_live_channel_stat(channel).unwrap();
    bucket.delete_live_channel(channel).unwrap();
}

/// A TLS failure that names the certificate problem, after one attempt, and that says
/// retrying will not help.
fn assert_certificate_failure(err: &Error, detail: &str) {
    let Error::Tls(tls) = err else {
        panic!("expected a TLS error, got {err:?}");
    };
    let message = tls.message();
    assert!(!err.is_retryable(), "{err}");
    assert!(err.to_string().starts_with("TLS: "), "{err}");
    assert!(message.contains("certificate"), "{message}");
    assert!(message.contains(detail), "{message}");
    assert!(!message.contains("attempts"), "retried: {message}");
}

/// Runs `call`, which must fail at the TLS handshake: quickly, with exactly one handshake
/// (one attempt) and no request reaching the emulator's app.
fn fails_once<T: std::fmt::Debug>(https: &Https, call: impl FnOnce() -> Result<T, Error>) -> Error {
    let started = Instant::now();
    let err = call().expect_err("the certificate must not verify");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(https.tls_failures(1).len(), 1);
    // Give a (wrong) second attempt time to show up.
    std::thread::sleep(Duration::from_millis(300));
    let failures = https.tls_failures.lock().unwrap().clone();
    assert_eq!(failures.len(), 1, "one handshake: {failures:?}");
    assert_eq!(https.requests(), 0, "no request reached the app");
    // ureq closes without sending rustls's alert, so the server only sees the close.
    assert!(failures[0].contains("certificate"), "{failures:?}");
    err
}

fn create(client: &Client) -> Result<(), Error> {
    client
        .bucket(BUCKET)?
        .create_live_channel("never", &LiveChannelConfiguration::default())
        .map(|_| ())
}

/// A file in a fresh temporary directory, removed on drop.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, contents: &str) -> TempFile {
        let dir = std::env::temp_dir().join(format!(
            "osslive-tls-{}-{}",
            std::process::id(),
            name.replace('.', "-")
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, contents).unwrap();
        TempFile(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if let Some(dir) = self.0.parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

#[test]
fn path_style_round_trip_over_https_with_the_test_ca() {
    let pki = make_pki("osslive test CA", SERVER_NAMES);
    let https = Https::start(&pki);
    let client = path_style(&https)
        .ca_certificates_pem(&pki.ca_pem)
        .build()
        .unwrap();
    round_trip(&client, "tls-path");
    assert_eq!(https.requests(), 3);
    assert!(https.tls_failures.lock().unwrap().is_empty());
}

#[test]
fn virtual_hosted_round_trip_over_https_with_the_test_ca() {
    let pki = make_pki("osslive test CA", SERVER_NAMES);
    let https = Https::start(&pki);
    let client = virtual_hosted(&https)
        .ca_certificates_pem(pki.ca_pem.as_bytes())
        .build()
        .unwrap();
    assert_eq!(client.region(), Some("cn-hangzhou"));
    round_trip(&client, "tls-vhost");
    assert_eq!(https.requests(), 3);
}

#[test]
fn a_ca_file_is_read_at_build_time() {
    let pki = make_pki("osslive test CA", SERVER_NAMES);
    let https = Https::start(&pki);
    // Another CA first in the bundle: every certificate of the bundle is trusted.
    let bundle = format!(
        "{}{}",
        make_pki("unrelated CA", &["x.example"]).ca_pem,
        pki.ca_pem
    );
    let file = TempFile::new("bundle.pem", &bundle);
    let client = path_style(&https).ca_file(&file.0).build().unwrap();
    round_trip(&client, "tls-file");

    let missing = file.0.with_file_name("missing.pem");
    let err = path_style(&https).ca_file(&missing).build().unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    assert!(
        err.to_string().contains(&missing.display().to_string()),
        "{err}"
    );
    let empty = TempFile::new("empty.pem", "\n");
    let err = path_style(&https).ca_file(&empty.0).build().unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    assert!(
        err.to_string().contains(&empty.0.display().to_string())
            && err.to_string().contains("empty"),
        "{err}"
    );
    let not_pem = TempFile::new("key-only.pem", &pki.key_pem);
    let err = path_style(&https).ca_file(&not_pem.0).build().unwrap_err();
    assert!(
        err.to_string().contains(&not_pem.0.display().to_string())
            && err.to_string().contains("no PEM certificate"),
        "{err}"
    );
}

#[test]
fn the_default_roots_refuse_the_test_ca_at_once() {
    let pki = make_pki("osslive test CA", SERVER_NAMES);
    let https = Https::start(&pki);
    // Retries stay on (3 attempts) to show that a certificate failure is not retried.
    let client = path_style(&https).build().unwrap();
    let err = fails_once(&https, || create(&client));
    assert_certificate_failure(&err, "UnknownIssuer");
}

#[test]
fn a_ca_that_did_not_sign_the_certificate_is_refused_at_once() {
    let pki = make_pki("osslive test CA", SERVER_NAMES);
    let https = Https::start(&pki);
    let other = make_pki("another test CA", SERVER_NAMES);
    let client = virtual_hosted(&https)
        .ca_certificates_pem(&other.ca_pem)
        .build()
        .unwrap();
    let err = fails_once(&https, || create(&client));
    assert_certificate_failure(&err, "UnknownIssuer");
}

#[test]
fn a_certificate_for_another_host_name_is_refused_at_once() {
    let pki = make_pki("osslive test CA", SERVER_NAMES);
    let https = Https::start(&pki);
    // Trusted CA, but the certificate does not name oss-cn-beijing.aliyuncs.com.
    let client = Client::builder()
        .endpoint(format!(
            "https://oss-cn-beijing.aliyuncs.com:{}",
            https.addr().port()
        ))
        .resolve("oss-cn-beijing.aliyuncs.com", https.addr())
        .credentials(Credentials::new(AK, SK))
        .ca_certificates_pem(&pki.ca_pem)
        .build()
        .unwrap();
    let err = fails_once(&https, || create(&client));
    assert_certificate_failure(&err, "not valid for name");
}

#[test]
fn plain_http_to_the_https_emulator_is_told_to_use_https() {
    let pki = make_pki("osslive test CA", SERVER_NAMES);
    let https = Https::start(&pki);
    let client = Client::builder()
        .endpoint(format!("http://{}", https.addr()))
        .region("cn-hangzhou")
        .credentials(Credentials::new(AK, SK))
        .max_attempts(1)
        .build()
        .unwrap();
    let err = create(&client).unwrap_err();
    assert_eq!(err.http_status(), Some(400), "{err:?}");
    assert!(err.to_string().contains("https://"), "{err}");
    assert_eq!(https.requests(), 0);
}

// ---- The C setters, called from Rust. ----

fn cs(s: &str) -> CString {
    CString::new(s).unwrap()
}

/// Runs a fallible C call: `Ok` on success, else the status and message of its error.
fn call(f: impl FnOnce(*mut *mut osslive_error) -> c_int) -> Result<(), (c_int, String)> {
    let mut err: *mut osslive_error = null_mut();
    let status = f(&mut err);
    if status == OSSLIVE_OK {
        assert!(err.is_null());
        return Ok(());
    }
    assert!(!err.is_null(), "status {status} without an error");
    // SAFETY: `err` is a live error until freed; the message is NUL-terminated UTF-8.
    let message = unsafe {
        let text: *const c_char = osslive_error_message(err);
        let message = CStr::from_ptr(text).to_str().unwrap().to_owned();
        assert_eq!(osslive_error_status(err), status);
        osslive_error_free(err);
        message
    };
    Err((status, message))
}

/// A configuration for the emulator's path-style HTTPS endpoint; free it.
fn c_config(https: &Https) -> *mut osslive_config {
    let config = osslive_config_new();
    let (endpoint, region, ak, sk) = (
        cs(&https.emulator.endpoint()),
        cs("cn-hangzhou"),
        cs(AK),
        cs(SK),
    );
    // SAFETY: `config` is live; the strings outlive the calls.
    unsafe {
        call(|e| osslive_config_set_endpoint(config, endpoint.as_ptr(), e)).unwrap();
        call(|e| osslive_config_set_region(config, region.as_ptr(), e)).unwrap();
        call(|e| osslive_config_set_credentials(config, ak.as_ptr(), sk.as_ptr(), null(), e))
            .unwrap();
    }
    config
}

/// Makes a client of `config` and creates then deletes a channel through the C ABI.
fn c_round_trip(config: *mut osslive_config, channel: &str) -> Result<(), (c_int, String)> {
    let (bucket, channel) = (cs(BUCKET), cs(channel));
    let mut client = null_mut();
    // SAFETY: every handle is live until freed; the strings outlive the calls.
    unsafe {
        call(|e| osslive_client_new(config, &mut client, e))?;
        let c = client.cast_const();
        let mut created = null_mut();
        let result = call(|e| {
            osslive_create_live_channel(
                c,
                bucket.as_ptr(),
                channel.as_ptr(),
                null(),
                &mut created,
                e,
            )
        })
        .and_then(|()| {
            osslive_create_result_free(created);
            call(|e| osslive_delete_live_channel(c, bucket.as_ptr(), channel.as_ptr(), e))
        });
        osslive_client_free(client);
        result
    }
}

#[test]
fn c_set_ca_pem_and_set_ca_file() {
    let pki = make_pki("osslive test CA", SERVER_NAMES);
    let https = Https::start(&pki);

    // No CA: the built-in roots refuse the test CA.
    let config = c_config(&https);
    let (status, message) = c_round_trip(config, "c-none").unwrap_err();
    assert_eq!(status, OSSLIVE_ERR_TRANSPORT, "{message}");
    assert!(message.contains("certificate"), "{message}");

    // The CA as PEM text.
    let pem = cs(&pki.ca_pem);
    // SAFETY: `config` is live; `pem` outlives the call.
    unsafe { call(|e| osslive_config_set_ca_pem(config, pem.as_ptr(), e)) }.unwrap();
    c_round_trip(config, "c-pem").unwrap();
    // SAFETY: freed once.
    unsafe { osslive_config_free(config) };

    // The CA as a file.
    let file = TempFile::new("c-ca.pem", &pki.ca_pem);
    let config = c_config(&https);
    let path = cs(file.0.to_str().unwrap());
    // SAFETY: `config` is live; `path` outlives the call.
    unsafe { call(|e| osslive_config_set_ca_file(config, path.as_ptr(), e)) }.unwrap();
    c_round_trip(config, "c-file").unwrap();

    // A missing file fails at once, names the path and leaves the configuration working.
    let missing = file.0.with_file_name("no-such-ca.pem");
    let missing_c = cs(missing.to_str().unwrap());
    // SAFETY: `config` is live; `missing_c` outlives the call.
    let (status, message) =
        unsafe { call(|e| osslive_config_set_ca_file(config, missing_c.as_ptr(), e)) }.unwrap_err();
    assert_eq!(status, OSSLIVE_ERR_CONFIG, "{message}");
    assert!(message.contains(missing.to_str().unwrap()), "{message}");
    c_round_trip(config, "c-file-again").unwrap();

    // Text without a certificate, and NULLs, are invalid arguments.
    let junk = cs("not a certificate");
    // SAFETY: `config` is live or NULL; the strings outlive the calls.
    unsafe {
        let (status, message) =
            call(|e| osslive_config_set_ca_pem(config, junk.as_ptr(), e)).unwrap_err();
        assert_eq!(status, OSSLIVE_ERR_INVALID_ARGUMENT, "{message}");
        assert!(message.contains("no PEM certificate"), "{message}");
        let (status, _) = call(|e| osslive_config_set_ca_pem(config, null(), e)).unwrap_err();
        assert_eq!(status, OSSLIVE_ERR_INVALID_ARGUMENT);
        let (status, _) = call(|e| osslive_config_set_ca_file(config, null(), e)).unwrap_err();
        assert_eq!(status, OSSLIVE_ERR_INVALID_ARGUMENT);
        let (status, _) =
            call(|e| osslive_config_set_ca_file(null_mut(), path.as_ptr(), e)).unwrap_err();
        assert_eq!(status, OSSLIVE_ERR_INVALID_ARGUMENT);
        osslive_config_free(config);
    }
}
