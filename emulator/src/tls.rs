//! HTTPS: the emulator's certificate and key, and the server side of each connection's
//! TLS handshake.
//!
//! TLS is [rustls] with the *ring* provider, the one the osslive client uses through
//! ureq, so the workspace builds a single TLS library. Once the handshake is done the
//! HTTP server in [`crate::http`] serves the connection as usual over the session, faults
//! included. A handshake that fails (a client that does not trust the certificate, one
//! that sends something else than a ClientHello, a timeout) only closes that connection;
//! why is told to the request log, when one is set, as a line starting with `TLS`.

use std::fmt;
use std::io::{self, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rustls::{ServerConfig, ServerConnection, StreamOwned};
use rustls_pki_types::pem::{self, PemObject};
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use crate::request_log::RequestLog;

/// The first byte of a TLS handshake record; a ClientHello always starts with it.
const TLS_HANDSHAKE_RECORD: u8 = 0x16;

/// What a plain-HTTP request to the HTTPS port is told, before the connection closes.
const PLAIN_HTTP_MESSAGE: &str = "This port speaks HTTPS: use an https:// endpoint.\n";

/// A certificate chain and its private key, in PEM, as given to [`crate::Config::tls`].
#[derive(Clone)]
pub struct TlsIdentity {
    /// The server certificate first, then any intermediates: PEM `CERTIFICATE` blocks.
    pub cert_chain_pem: Vec<u8>,
    /// The certificate's private key: a PEM `PRIVATE KEY` (PKCS#8), `RSA PRIVATE KEY` or
    /// `EC PRIVATE KEY` block.
    pub private_key_pem: Vec<u8>,
}

impl TlsIdentity {
    /// A certificate chain and private key, both PEM.
    pub fn new(
        cert_chain_pem: impl Into<Vec<u8>>,
        private_key_pem: impl Into<Vec<u8>>,
    ) -> TlsIdentity {
        TlsIdentity {
            cert_chain_pem: cert_chain_pem.into(),
            private_key_pem: private_key_pem.into(),
        }
    }
}

// Hand-written: the private key is not printed.
impl fmt::Debug for TlsIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsIdentity")
            .field(
                "cert_chain_pem",
                &format_args!("{} bytes", self.cert_chain_pem.len()),
            )
            .finish_non_exhaustive()
    }
}

/// A connection's TLS session over its socket, once the handshake is done.
pub(crate) type TlsStream<'a> = StreamOwned<ServerConnection, &'a TcpStream>;

/// How a connection's handshake went.
pub(crate) enum Handshake<'a> {
    /// Done: HTTP goes over this session.
    Done(Box<TlsStream<'a>>),
    /// It failed and was logged; what the client should still get (a TLS alert, or a
    /// plain-text answer to plain HTTP) was sent. Close without a `close_notify`.
    Failed,
    /// The client left (or the handshake timed out) before sending a byte: just close.
    Gone,
}

/// Turns accepted connections into TLS sessions with one certificate.
#[derive(Clone)]
pub struct TlsAcceptor {
    config: Arc<ServerConfig>,
    log: Option<RequestLog>,
}

impl fmt::Debug for TlsAcceptor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsAcceptor")
            .field("log", &self.log.is_some())
            .finish_non_exhaustive()
    }
}

impl TlsAcceptor {
    /// Parses the identity and checks that the key belongs to the certificate. TLS 1.2
    /// and 1.3 are offered, with ALPN `http/1.1`.
    pub fn new(identity: &TlsIdentity) -> Result<TlsAcceptor, String> {
        let chain = certificate_chain(&identity.cert_chain_pem)?;
        let key = private_key(&identity.private_key_pem)?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("TLS: cannot set the protocol versions: {e}"))?
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .map_err(|e| format!("TLS: the certificate and key cannot be used together: {e}"))?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(TlsAcceptor {
            config: Arc::new(config),
            log: None,
        })
    }

    /// Tells `log` why handshakes fail, one line each starting with `TLS`.
    pub fn with_log(mut self, log: RequestLog) -> TlsAcceptor {
        self.log = Some(log);
        self
    }

    fn log(&self, line: impl FnOnce() -> String) {
        if let Some(log) = &self.log {
            log(&line());
        }
    }

    /// Runs the server side of the handshake on `socket`, allowing it `timeout`.
    pub(crate) fn accept<'a>(
        &self,
        socket: &'a TcpStream,
        peer: SocketAddr,
        timeout: Duration,
    ) -> Handshake<'a> {
        let deadline = Instant::now() + timeout;
        match first_byte(socket, deadline) {
            None => return Handshake::Gone,
            Some(TLS_HANDSHAKE_RECORD) => {}
            Some(b) if b.is_ascii_uppercase() => {
                // Most likely `GET /...` from a client given http:// by mistake: tell it
                // in words it can read rather than with a TLS alert.
                let answer = format!(
                    "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\n\
                     Content-Length: {}\r\nConnection: close\r\n\r\n{PLAIN_HTTP_MESSAGE}",
                    PLAIN_HTTP_MESSAGE.len()
                );
                let _ = (&*socket).write_all(answer.as_bytes());
                self.log(|| {
                    format!("TLS handshake with {peer} failed: plain HTTP came to the HTTPS port")
                });
                return Handshake::Failed;
            }
            Some(_) => {}
        }
        let mut conn = match ServerConnection::new(Arc::clone(&self.config)) {
            Ok(conn) => conn,
            Err(e) => {
                self.log(|| format!("TLS handshake with {peer} failed: {e}"));
                return Handshake::Failed;
            }
        };
        match handshake(&mut conn, socket, deadline) {
            Ok(()) => Handshake::Done(Box::new(StreamOwned::new(conn, socket))),
            Err(why) => {
                self.log(|| format!("TLS handshake with {peer} failed: {why}"));
                Handshake::Failed
            }
        }
    }
}

/// Sends a `close_notify`, so the client can tell the end of the answer from a cut.
pub(crate) fn close_notify(session: &mut TlsStream<'_>) {
    session.conn.send_close_notify();
    let _ = send_pending(&mut session.conn, session.sock);
}

/// Waits for the first byte of the connection without consuming it; `None` if the client
/// leaves or sends nothing before the deadline.
fn first_byte(socket: &TcpStream, deadline: Instant) -> Option<u8> {
    let mut byte = [0u8; 1];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || socket.set_read_timeout(Some(left)).is_err() {
            return None;
        }
        match socket.peek(&mut byte) {
            Ok(0) => return None,
            Ok(_) => return Some(byte[0]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
}

/// Writes whatever TLS records the session has queued.
fn send_pending(conn: &mut ServerConnection, mut socket: &TcpStream) -> io::Result<()> {
    while conn.wants_write() {
        if conn.write_tls(&mut socket)? == 0 {
            return Err(io::ErrorKind::WriteZero.into());
        }
    }
    socket.flush()
}

/// Reads and answers handshake messages until the handshake is done or the deadline
/// passes. Driven by hand rather than by `complete_io` so that a client trickling bytes
/// cannot hold the connection past the deadline.
fn handshake(
    conn: &mut ServerConnection,
    mut socket: &TcpStream,
    deadline: Instant,
) -> Result<(), String> {
    // Whether our first flight (ServerHello to Finished, certificate included) went out.
    let mut answered = false;
    loop {
        answered |= conn.wants_write();
        send_pending(conn, socket).map_err(|e| format!("cannot send to the client: {e}"))?;
        if !conn.is_handshaking() {
            return Ok(());
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || socket.set_read_timeout(Some(left)).is_err() {
            return Err("the handshake did not finish in time".into());
        }
        match conn.read_tls(&mut socket) {
            Ok(0) if answered => {
                return Err(
                    "the client closed the connection after receiving the certificate, \
                     without finishing the handshake (does it trust the certificate?)"
                        .into(),
                );
            }
            Ok(0) => return Err("the client closed the connection during the handshake".into()),
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                return Err("the handshake did not finish in time".into());
            }
            Err(e) => return Err(e.to_string()),
        }
        if let Err(e) = conn.process_new_packets() {
            // rustls queued an alert telling the client why; send it before closing.
            let _ = send_pending(conn, socket);
            return Err(e.to_string());
        }
    }
}

/// The DER certificates of a PEM chain.
fn certificate_chain(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, String> {
    let chain = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("TLS certificate chain: not valid PEM: {e}"))?;
    if chain.is_empty() {
        return Err("TLS certificate chain: no PEM CERTIFICATE block found".into());
    }
    Ok(chain)
}

/// The DER private key of a PEM key file.
fn private_key(pem: &[u8]) -> Result<PrivateKeyDer<'static>, String> {
    PrivateKeyDer::from_pem_slice(pem).map_err(|e| match e {
        pem::Error::NoItemsFound => {
            "TLS private key: no PEM PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY block found"
                .into()
        }
        e => format!("TLS private key: not valid PEM: {e}"),
    })
}

#[cfg(test)]
mod tests {
    use std::io::Read;
    use std::net::{Shutdown, TcpListener};
    use std::sync::Mutex;

    use rcgen::{
        BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer,
        KeyPair, KeyUsagePurpose,
    };
    use rustls::pki_types::ServerName;
    use rustls::{ClientConfig, ClientConnection, RootCertStore};

    use super::*;
    use crate::http::{BadRequest, Delivery, Handler, Limits, Request, Response, Server};

    /// A test CA and a certificate it signed for `127.0.0.1` and `localhost`.
    struct Pki {
        ca_pem: String,
        cert_pem: String,
        key_pem: String,
    }

    fn pki() -> Pki {
        pki_named("osslive emulator test CA")
    }

    fn pki_named(ca_name: &str) -> Pki {
        let ca_key = KeyPair::generate().unwrap();
        let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca.distinguished_name.push(DnType::CommonName, ca_name);
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let ca_pem = ca.self_signed(&ca_key).unwrap().pem();
        let issuer = Issuer::new(ca, ca_key);
        let key = KeyPair::generate().unwrap();
        let mut server =
            CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()]).unwrap();
        server.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let cert_pem = server.signed_by(&key, &issuer).unwrap().pem();
        Pki {
            ca_pem,
            cert_pem,
            key_pem: key.serialize_pem(),
        }
    }

    /// Answers `TARGET` with `ok TARGET`; `/reset`, `/drop` and `/truncated` misbehave.
    struct Echo;

    impl Handler for Echo {
        fn handle(&self, req: &Request) -> Response {
            let delivery = match req.target.as_str() {
                "/reset" => Delivery::Reset,
                "/drop" => Delivery::Drop,
                "/truncated" => Delivery::Truncated,
                _ => Delivery::Normal,
            };
            Response::new(200)
                .with_body(format!("ok {}", req.target))
                .with_delivery(delivery)
        }

        fn bad_request(&self, _peer: SocketAddr, problem: &BadRequest) -> Response {
            Response::new(problem.status()).with_body(problem.to_string())
        }
    }

    /// An HTTPS server and the lines its TLS log received.
    fn start(pki: &Pki) -> (Server, Arc<Mutex<Vec<String>>>) {
        let lines = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&lines);
        let acceptor = TlsAcceptor::new(&TlsIdentity::new(
            pki.cert_pem.as_bytes(),
            pki.key_pem.as_bytes(),
        ))
        .unwrap()
        .with_log(Arc::new(move |line: &str| {
            sink.lock().unwrap().push(line.to_owned())
        }));
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let server =
            Server::start_tls(listener, Arc::new(Echo), Limits::default(), acceptor).unwrap();
        (server, lines)
    }

    fn client_config(ca_pem: &str) -> Arc<ClientConfig> {
        let mut roots = RootCertStore::empty();
        for cert in CertificateDer::pem_slice_iter(ca_pem.as_bytes()) {
            roots.add(cert.unwrap()).unwrap();
        }
        Arc::new(
            ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
                .with_safe_default_protocol_versions()
                .unwrap()
                .with_root_certificates(roots)
                .with_no_client_auth(),
        )
    }

    fn tcp(server: &Server) -> TcpStream {
        let tcp = TcpStream::connect(server.local_addr()).unwrap();
        tcp.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        tcp
    }

    /// Sends `GET TARGET` over HTTPS and reads until the server closes: the bytes, and how
    /// the reading ended.
    fn get(server: &Server, ca_pem: &str, target: &str) -> (Vec<u8>, io::Result<()>) {
        let name = ServerName::try_from("127.0.0.1").unwrap();
        let conn = ClientConnection::new(client_config(ca_pem), name).unwrap();
        let mut tls = StreamOwned::new(conn, tcp(server));
        let request =
            format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        if let Err(e) = tls.write_all(request.as_bytes()) {
            return (Vec::new(), Err(e));
        }
        let mut got = Vec::new();
        let ended = tls.read_to_end(&mut got).map(|_| ());
        (got, ended)
    }

    fn wait_for_lines(lines: &Mutex<Vec<String>>, count: usize) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let seen = lines.lock().unwrap().clone();
            if seen.len() >= count || Instant::now() > deadline {
                return seen;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    #[test]
    fn https_requests_are_served_and_end_with_close_notify() {
        let pki = pki();
        let (server, lines) = start(&pki);
        let (got, ended) = get(&server, &pki.ca_pem, "/hello");
        ended.expect("a clean end, with close_notify");
        let text = String::from_utf8(got).unwrap();
        assert!(text.starts_with("HTTP/1.1 200 OK\r\n"), "{text}");
        assert!(text.ends_with("\r\n\r\nok /hello"), "{text}");
        assert!(lines.lock().unwrap().is_empty());
    }

    #[test]
    fn garbage_instead_of_a_client_hello_only_closes_that_connection() {
        let pki = pki();
        let (server, lines) = start(&pki);
        let garbage: [&[u8]; 3] = [
            // A handshake record header followed by nonsense.
            b"\x16\x03\x01\x00\x05\x99\x99\x99\x99\x99\xff\xfe",
            // Binary noise.
            &[0u8, 1, 2, 3, 250, 251, 252, 253, 254, 255],
            // A record that claims to be huge.
            b"\x16\x03\x03\xff\xff\x01",
        ];
        for bytes in garbage {
            let mut raw = tcp(&server);
            raw.write_all(bytes).unwrap();
            let _ = raw.shutdown(Shutdown::Write);
            // An alert, or nothing; either way the server closes without hanging.
            let mut rest = Vec::new();
            let _ = raw.read_to_end(&mut rest);
            assert!(rest.len() < 64, "{} bytes answered garbage", rest.len());
        }
        // A client that connects and leaves is not worth a line.
        drop(tcp(&server));
        let seen = wait_for_lines(&lines, 3);
        assert_eq!(seen.len(), 3, "{seen:?}");
        assert!(
            seen.iter()
                .all(|l| l.starts_with("TLS handshake with 127.0.0.1:")),
            "{seen:?}"
        );
        let (got, ended) = get(&server, &pki.ca_pem, "/still-alive");
        ended.unwrap();
        assert!(got.ends_with(b"ok /still-alive"));
    }

    #[test]
    fn a_client_that_does_not_trust_the_certificate_is_logged() {
        let pki = pki();
        let other = pki_named("another test CA").ca_pem;
        let (server, lines) = start(&pki);
        let (_, ended) = get(&server, &other, "/x");
        let err = ended.expect_err("an untrusted certificate");
        assert!(err.to_string().contains("UnknownIssuer"), "{err}");
        let seen = wait_for_lines(&lines, 1);
        assert_eq!(seen.len(), 1, "{seen:?}");
        assert!(seen[0].contains("UnknownCA"), "{seen:?}");
    }

    #[test]
    fn plain_http_to_the_https_port_gets_a_readable_400() {
        let pki = pki();
        let (server, lines) = start(&pki);
        let mut raw = tcp(&server);
        raw.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        let mut got = String::new();
        raw.read_to_string(&mut got).unwrap();
        assert!(got.starts_with("HTTP/1.1 400 Bad Request\r\n"), "{got}");
        assert!(got.ends_with(PLAIN_HTTP_MESSAGE), "{got}");
        let length = format!("Content-Length: {}\r\n", PLAIN_HTTP_MESSAGE.len());
        assert!(got.contains(&length), "{got}");
        let seen = wait_for_lines(&lines, 1);
        assert!(seen[0].contains("plain HTTP"), "{seen:?}");
    }

    #[test]
    fn faults_are_delivered_over_tls() {
        let pki = pki();
        let (server, _) = start(&pki);
        // Truncated: half the body, then a clean close_notify.
        let (got, ended) = get(&server, &pki.ca_pem, "/truncated");
        ended.unwrap();
        let text = String::from_utf8(got).unwrap();
        assert!(text.contains("Content-Length: 13\r\n"), "{text}");
        assert!(text.ends_with("\r\n\r\nok /tr"), "{text}");
        // Drop: nothing, and no close_notify either.
        let (got, ended) = get(&server, &pki.ca_pem, "/drop");
        assert!(got.is_empty());
        assert_eq!(ended.unwrap_err().kind(), io::ErrorKind::UnexpectedEof);
        // Reset: the TCP connection underneath is reset.
        let (got, ended) = get(&server, &pki.ca_pem, "/reset");
        assert!(got.is_empty());
        assert_eq!(ended.unwrap_err().kind(), io::ErrorKind::ConnectionReset);
    }

    #[test]
    fn unusable_identities_are_refused_with_reasons() {
        let pki = pki();
        let other = self::pki();
        let cases = [
            (
                TlsIdentity::new("", pki.key_pem.as_bytes()),
                "no PEM CERTIFICATE block",
            ),
            (
                TlsIdentity::new(pki.cert_pem.as_bytes(), pki.cert_pem.as_bytes()),
                "TLS private key: no PEM PRIVATE KEY",
            ),
            (
                TlsIdentity::new(
                    "-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n",
                    pki.key_pem.as_bytes(),
                ),
                "not valid PEM",
            ),
            (
                TlsIdentity::new(pki.cert_pem.as_bytes(), other.key_pem.as_bytes()),
                "cannot be used together",
            ),
        ];
        for (identity, expected) in cases {
            let err = TlsAcceptor::new(&identity).unwrap_err();
            assert!(err.contains(expected), "{err}");
        }
        assert!(!format!("{:?}", TlsIdentity::new("c", pki.key_pem.as_bytes())).contains("KEY"));
    }
}
