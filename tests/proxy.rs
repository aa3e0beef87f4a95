//! A client behind a CONNECT proxy from the environment (`HTTP_PROXY` and the rest, as
//! ureq reads them when a client is built): its requests go through one tunnel the pool
//! keeps, the proxy's credentials reach the proxy, `NO_PROXY` bypasses it, a proxy that
//! refuses or is not there gives a transport error that names it, in bounded time, and
//! HTTPS runs end to end inside the tunnel.
//!
//! The proxy is this file's own, on 127.0.0.1: it reads the `CONNECT` head, records it,
//! connects to the target (only 127.0.0.1), answers `200 Connection established` and
//! copies bytes both ways. The target is the in-process emulator.
//!
//! The environment is process-wide: this binary holds a single test, the only thread that
//! changes or reads it (see [`set_env`]).

use std::ffi::OsString;
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use osslive::{
    Client, ClientBuilder, Credentials, Error, LiveChannelConfiguration, TransportErrorKind,
};
use osslive_emulator::{Config, Emulator};

const AK: &str = "LTAI5tProxyTestKey";
const SK: &str = "ProxyTestSecret0123456789abcdefgh";
const BUCKET: &str = "proxy-bucket";
const CHANNEL: &str = "via-proxy";

/// Every variable ureq reads for its proxy, and the bypass list.
const PROXY_VARIABLES: [&str; 8] = [
    "ALL_PROXY",
    "all_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "NO_PROXY",
    "no_proxy",
];

/// Sets `name` to `value`, or removes it for `None`.
fn set_env(name: &str, value: Option<&str>) {
    // SAFETY: the test thread of this binary's only test is the one thread that changes or
    // reads the environment: the other threads (this file's proxies, the emulator) use
    // std's sockets on IP literals and never read it, and the client reads the proxy
    // variables on this thread when it is built.
    match value {
        Some(v) => unsafe { std::env::set_var(name, v) },
        None => unsafe { std::env::remove_var(name) },
    }
}

/// The proxy variables as they were; dropping it puts them back, even after a panic.
struct RestoreEnv(Vec<(&'static str, Option<OsString>)>);

impl RestoreEnv {
    /// Remembers the proxy variables, then removes them all, so that a proxy set around
    /// the test run does not take part.
    fn clear() -> RestoreEnv {
        let saved = PROXY_VARIABLES
            .iter()
            .map(|name| (*name, std::env::var_os(name)))
            .collect();
        for name in PROXY_VARIABLES {
            set_env(name, None);
        }
        RestoreEnv(saved)
    }
}

impl Drop for RestoreEnv {
    fn drop(&mut self) {
        for (name, value) in &self.0 {
            // SAFETY: as in set_env.
            match value {
                Some(v) => unsafe { std::env::set_var(name, v) },
                None => unsafe { std::env::remove_var(name) },
            }
        }
    }
}

/// One `CONNECT` the proxy accepted.
#[derive(Debug, Clone)]
struct Tunnel {
    /// `host:port` of the request line.
    target: String,
    /// The `Proxy-Authorization` header's value, if sent.
    authorization: Option<String>,
    /// Everything the client sent through the tunnel.
    upstream: Arc<Mutex<Vec<u8>>>,
}

/// What a proxy saw.
#[derive(Default)]
struct Seen {
    /// Connections accepted (a refusing proxy counts its refusals here).
    connections: AtomicUsize,
    tunnels: Mutex<Vec<Tunnel>>,
    /// Bytes copied from the client to the target, and back.
    bytes_up: AtomicU64,
    bytes_down: AtomicU64,
}

impl Seen {
    fn tunnels(&self) -> Vec<Tunnel> {
        self.tunnels.lock().unwrap().clone()
    }
}

/// How a proxy answers a `CONNECT`.
#[derive(Clone, Copy)]
enum Behaviour {
    /// Opens the tunnel.
    Tunnel,
    /// Answers `407 Proxy Authentication Required` and closes.
    RequireAuthentication,
}

/// Starts a proxy on 127.0.0.1; it runs until the test process ends.
fn proxy(behaviour: Behaviour) -> (SocketAddr, Arc<Seen>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Seen::default());
    let shared = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            shared.connections.fetch_add(1, Ordering::SeqCst);
            let seen = shared.clone();
            std::thread::spawn(move || serve(stream, behaviour, &seen));
        }
    });
    (addr, seen)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Reads a request head up to its blank line; returns it and whatever came after it.
fn read_head(stream: &mut TcpStream) -> Option<(String, Vec<u8>)> {
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        if let Some(end) = find(&got, b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&got[..end]).into_owned();
            return Some((head, got[end + 4..].to_vec()));
        }
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return None,
            Ok(n) => got.extend_from_slice(&buf[..n]),
        }
    }
}

fn serve(mut client: TcpStream, behaviour: Behaviour, seen: &Seen) {
    let Some((head, early)) = read_head(&mut client) else {
        return;
    };
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default();
    let target = match request_line.split(' ').collect::<Vec<_>>()[..] {
        ["CONNECT", target, "HTTP/1.1"] => target.to_owned(),
        _ => {
            let _ = client.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
            return;
        }
    };
    let authorization = lines.find_map(|l| {
        let (name, value) = l.split_once(':')?;
        name.eq_ignore_ascii_case("proxy-authorization")
            .then(|| value.trim().to_owned())
    });
    if let Behaviour::RequireAuthentication = behaviour {
        let _ = client.write_all(
            b"HTTP/1.1 407 Proxy Authentication Required\r\n\
              Proxy-Authenticate: Basic realm=\"osslive-test\"\r\n\
              Content-Length: 0\r\nConnection: close\r\n\r\n",
        );
        return;
    }
    // Tests touch 127.0.0.1 only: any other target is refused.
    let upstream_target = target
        .strip_prefix("127.0.0.1:")
        .and_then(|port| port.parse::<u16>().ok())
        .and_then(|port| TcpStream::connect(("127.0.0.1", port)).ok());
    let Some(mut upstream) = upstream_target else {
        let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
        return;
    };
    let tunnel = Tunnel {
        target,
        authorization,
        upstream: Arc::default(),
    };
    let carried = tunnel.upstream.clone();
    seen.tunnels.lock().unwrap().push(tunnel);
    if client
        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
        .is_err()
    {
        return;
    }
    // A client waits for the 200 before it sends; forward anything that came early anyway.
    if !early.is_empty() {
        carried.lock().unwrap().extend_from_slice(&early);
        seen.bytes_up
            .fetch_add(early.len() as u64, Ordering::SeqCst);
        if upstream.write_all(&early).is_err() {
            return;
        }
    }
    client.set_read_timeout(None).unwrap();
    let (client_in, upstream_out) = (client.try_clone().unwrap(), upstream.try_clone().unwrap());
    std::thread::scope(|s| {
        s.spawn(|| copy(client_in, upstream_out, &seen.bytes_up, Some(&carried)));
        copy(upstream, client, &seen.bytes_down, None);
    });
}

/// Copies `from` to `to` until `from` ends or either fails, counting the bytes before
/// writing them (so that whoever got them sees the count), then ends `to`'s sending side.
fn copy(
    mut from: TcpStream,
    mut to: TcpStream,
    bytes: &AtomicU64,
    record: Option<&Mutex<Vec<u8>>>,
) {
    let mut buf = [0u8; 16 * 1024];
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        bytes.fetch_add(n as u64, Ordering::SeqCst);
        if let Some(record) = record {
            record.lock().unwrap().extend_from_slice(&buf[..n]);
        }
        if to.write_all(&buf[..n]).is_err() {
            break;
        }
    }
    let _ = to.shutdown(Shutdown::Write);
    let _ = from.shutdown(Shutdown::Read);
}

/// `METHOD target` of each request a client sent through a tunnel, read as HTTP/1.1:
/// a head, then as many body bytes as its `Content-Length` says.
fn requests(mut upstream: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    while let Some(end) = find(upstream, b"\r\n\r\n") {
        let head = String::from_utf8_lossy(&upstream[..end]);
        let mut lines = head.split("\r\n");
        let mut request_line = lines.next().unwrap_or_default().split(' ');
        let method = request_line.next().unwrap_or_default();
        let target = request_line.next().unwrap_or_default();
        found.push(format!("{method} {target}"));
        let body = lines
            .find_map(|l| {
                let (name, value) = l.split_once(':')?;
                name.eq_ignore_ascii_case("content-length")
                    .then(|| value.trim().parse::<usize>().ok())?
            })
            .unwrap_or(0);
        upstream = &upstream[(end + 4 + body).min(upstream.len())..];
    }
    assert!(upstream.is_empty(), "a cut request: {upstream:?}");
    found
}

/// A client of `endpoint` with short limits.
fn builder(endpoint: &str) -> ClientBuilder {
    Client::builder()
        .endpoint(endpoint)
        .region("cn-hangzhou")
        .credentials(Credentials::new(AK, SK))
        .connect_timeout(Duration::from_secs(2))
        .request_timeout(Duration::from_secs(5))
        .deadline(Duration::from_secs(10))
        .retry_base_delay(Duration::from_millis(5))
}

/// A client of `endpoint`, built now: it takes the proxy variables as they are.
fn client(endpoint: &str) -> Client {
    builder(endpoint).build().unwrap()
}

/// A stat from a new client (which reads the proxy variables as they are now) that must
/// fail, and how long it took to.
fn failed_stat(endpoint: &str, case: &str) -> (Error, Duration) {
    let started = Instant::now();
    let err = client(endpoint)
        .bucket(BUCKET)
        .unwrap()
        .get_live_channel_stat(CHANNEL)
        .unwrap_err();
    eprintln!("{case}: {err} / {err:?}");
    (err, started.elapsed())
}

/// A loopback port nothing listens on.
fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[test]
fn a_connect_proxy_from_the_environment_carries_the_calls_or_says_why_not() {
    let _restore = RestoreEnv::clear();
    let emulator = Emulator::start(Config::new(AK, SK)).unwrap();
    let endpoint = emulator.endpoint();
    let target = endpoint.strip_prefix("http://").unwrap().to_owned();
    assert!(target.starts_with("127.0.0.1:"), "{endpoint}");
    let (proxy_addr, seen) = proxy(Behaviour::Tunnel);

    // 1. HTTP_PROXY: every call of the client goes through one tunnel to the endpoint,
    // which the pool keeps between calls.
    set_env("HTTP_PROXY", Some(&format!("http://{proxy_addr}")));
    let proxied = client(&endpoint);
    let bucket = proxied.bucket(BUCKET).unwrap();
    bucket
        .create_live_channel(CHANNEL, &LiveChannelConfiguration::default())
        .unwrap();
    for _ in 0..5 {
        bucket.get_live_channel_stat(CHANNEL).unwrap();
    }
    let page = bucket.list_live_channel(&Default::default()).unwrap();
    let names: Vec<_> = page.channels.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, [CHANNEL]);
    let tunnels = seen.tunnels();
    assert_eq!(tunnels.len(), 1, "one tunnel for every call: {tunnels:?}");
    assert_eq!(seen.connections.load(Ordering::SeqCst), 1);
    assert_eq!(tunnels[0].target, target);
    assert_eq!(tunnels[0].authorization, None, "no credentials, no header");
    let carried = requests(&tunnels[0].upstream.lock().unwrap());
    let stat = format!("GET /{BUCKET}/{CHANNEL}?live&comp=stat");
    let expected: Vec<String> = std::iter::once(format!("PUT /{BUCKET}/{CHANNEL}?live"))
        .chain(std::iter::repeat_n(stat, 5))
        .chain(std::iter::once(format!("GET /{BUCKET}/?live")))
        .collect();
    assert_eq!(carried, expected, "the tunnel carried every request");
    let (up, down) = (
        seen.bytes_up.load(Ordering::SeqCst),
        seen.bytes_down.load(Ordering::SeqCst),
    );
    assert!(up > 0 && down > 0, "bytes up {up}, down {down}");
    eprintln!(
        "1 tunnel carried {} requests: {up} bytes up, {down} down",
        carried.len()
    );
    drop(proxied);

    // 2. A proxy URL with credentials: the CONNECT carries them, as Basic.
    set_env(
        "HTTP_PROXY",
        Some(&format!("http://user:pass@{proxy_addr}")),
    );
    client(&endpoint)
        .bucket(BUCKET)
        .unwrap()
        .get_live_channel_stat(CHANNEL)
        .unwrap();
    let tunnels = seen.tunnels();
    assert_eq!(tunnels.len(), 2, "{tunnels:?}");
    assert_eq!(tunnels[1].target, target);
    assert_eq!(
        tunnels[1].authorization.as_deref(),
        Some("Basic dXNlcjpwYXNz"),
        "base64 of user:pass"
    );

    // 3. NO_PROXY names the endpoint's host: straight to it, the proxy sees nothing.
    set_env("NO_PROXY", Some("127.0.0.1"));
    let bypassing = client(&endpoint);
    let bucket = bypassing.bucket(BUCKET).unwrap();
    bucket.get_live_channel_stat(CHANNEL).unwrap();
    bucket.list_live_channel(&Default::default()).unwrap();
    assert_eq!(seen.tunnels().len(), 2, "no new tunnel");
    assert_eq!(
        seen.connections.load(Ordering::SeqCst),
        2,
        "no new connection"
    );
    set_env("NO_PROXY", None);

    // 4. A proxy that wants other credentials: a configuration error naming the proxy and
    // its answer, but not the credentials it was given.
    let (refusing_addr, refusing) = proxy(Behaviour::RequireAuthentication);
    set_env(
        "HTTP_PROXY",
        Some(&format!("http://user:pass@{refusing_addr}")),
    );
    let (err, took) = failed_stat(&endpoint, "407 from the proxy");
    // The proxy setting is wrong, not the network: a configuration error, not retried.
    let Error::Config(config) = &err else {
        panic!("{err:?}");
    };
    assert!(!err.is_retryable());
    let named = format!("CONNECT proxy failed: {refusing_addr} (from the environment): ");
    assert!(config.message().starts_with(&named), "{err}");
    assert!(config.message().contains("407"), "{err}");
    assert!(config.message().contains("HTTPS_PROXY"), "{err}");
    let everything = format!("{err} {err:?}");
    assert!(
        !everything.contains("user:pass") && !everything.contains("dXNlcjpwYXNz"),
        "{everything}"
    );
    assert!(took < Duration::from_secs(10), "{took:?}");
    assert_eq!(
        refusing.connections.load(Ordering::SeqCst),
        1,
        "asked once: the same proxy gives the same answer"
    );
    assert!(refusing.tunnels().is_empty());

    // 5. A proxy nobody listens on: a connect error, like a closed endpoint, that says the
    // proxy refused.
    let closed = format!("127.0.0.1:{}", closed_port());
    set_env("HTTP_PROXY", Some(&format!("http://{closed}")));
    let (err, took) = failed_stat(&endpoint, "no proxy listening");
    let Error::Transport(transport) = &err else {
        panic!("{err:?}");
    };
    assert_eq!(transport.kind(), TransportErrorKind::Connect, "{err:?}");
    let named = format!("io: through the CONNECT proxy {closed} (from the environment): ");
    assert!(transport.message().starts_with(&named), "{err}");
    let io = std::error::Error::source(&err)
        .and_then(|s| s.downcast_ref::<std::io::Error>())
        .unwrap_or_else(|| panic!("no io::Error source: {err:?}"));
    assert_eq!(io.kind(), std::io::ErrorKind::ConnectionRefused);
    let os = std::error::Error::source(io)
        .and_then(|s| s.downcast_ref::<std::io::Error>())
        .unwrap_or_else(|| panic!("the system's error is not kept: {err:?}"));
    assert!(os.raw_os_error().is_some(), "{err:?}");
    assert!(took < Duration::from_secs(10), "{took:?}");
    assert_eq!(seen.tunnels().len(), 2, "the working proxy was not asked");

    // 6. HTTPS through the proxy: TLS runs inside the tunnel, end to end, so the proxy
    // carries a handshake and records, never a request in the clear.
    let key = rcgen::KeyPair::generate().unwrap();
    let params = rcgen::CertificateParams::new(vec!["127.0.0.1".to_owned()]).unwrap();
    let cert = params.self_signed(&key).unwrap();
    let tls_emulator = Emulator::start(
        Config::new(AK, SK).tls(cert.pem().as_bytes(), key.serialize_pem().as_bytes()),
    )
    .unwrap();
    let tls_endpoint = tls_emulator.endpoint();
    let tls_target = tls_endpoint.strip_prefix("https://").unwrap().to_owned();
    set_env("HTTP_PROXY", Some(&format!("http://{proxy_addr}")));
    let tls_client = builder(&tls_endpoint)
        .ca_certificates_pem(cert.pem())
        .build()
        .unwrap();
    let bucket = tls_client.bucket(BUCKET).unwrap();
    bucket
        .create_live_channel(CHANNEL, &LiveChannelConfiguration::default())
        .unwrap();
    bucket.get_live_channel_stat(CHANNEL).unwrap();
    let tunnels = seen.tunnels();
    assert_eq!(
        tunnels.len(),
        3,
        "one more tunnel for both calls: {tunnels:?}"
    );
    assert_eq!(tunnels[2].target, tls_target);
    let carried = tunnels[2].upstream.lock().unwrap().clone();
    assert_eq!(carried.first(), Some(&0x16), "a TLS handshake record first");
    assert!(
        find(&carried, b"HTTP/1.1").is_none(),
        "nothing in the clear"
    );
    assert!(
        find(&carried, BUCKET.as_bytes()).is_none(),
        "nothing in the clear"
    );
}
