//! The client: where OSS is, who signs, how requests travel. Cheap to clone; every clone
//! and every [`Bucket`] shares one connection pool.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use ureq::tls::{Certificate, PemItem};

use crate::bucket::Bucket;
use crate::credentials::{
    Credentials, CredentialsProvider, EnvironmentCredentials, RefreshingCredentials,
};
use crate::error::{ConfigError, Error};
use crate::retry::RetryPolicy;
use crate::setting_rules;
use crate::settings::{
    Addressing, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_REQUEST_TIMEOUT,
    LogHook, SignatureVersion,
};
use crate::signing::rtmp::TokenForm;
use crate::transport::{Transport, TransportSettings};
use crate::validate;

/// Builds a [`Client`]. Only the endpoint is required; credentials default to the
/// environment ([`EnvironmentCredentials`]: `OSS_ACCESS_KEY_ID`, `OSS_ACCESS_KEY_SECRET`,
/// `OSS_SESSION_TOKEN`, else their `ALIBABA_CLOUD_*` counterparts).
#[derive(Clone)]
pub struct ClientBuilder {
    endpoint: Option<String>,
    region: Option<String>,
    credentials: Option<Arc<dyn CredentialsProvider>>,
    signature_version: SignatureVersion,
    addressing: Option<Addressing>,
    connect_timeout: Duration,
    request_timeout: Duration,
    max_response_bytes: u64,
    user_agent: String,
    resolve: Vec<(String, SocketAddr)>,
    rtmp_token_form: TokenForm,
    retry: RetryPolicy,
    log_hook: Option<LogHook>,
    ca_certificates: Vec<CaSource>,
}

/// Where trusted CA certificates come from.
#[derive(Clone)]
enum CaSource {
    /// PEM text given to `ca_certificates_pem`.
    Pem(Arc<[u8]>),
    /// A PEM file given to `ca_file`, read by `build`.
    File(PathBuf),
    /// Certificates already read and checked (by the C setters).
    Certificates(Arc<Vec<Certificate<'static>>>),
}

impl std::fmt::Debug for CaSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CaSource::Pem(pem) => write!(f, "Pem({} bytes)", pem.len()),
            CaSource::File(path) => f.debug_tuple("File").field(path).finish(),
            CaSource::Certificates(certs) => write!(f, "Certificates({})", certs.len()),
        }
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            endpoint: None,
            region: None,
            credentials: None,
            signature_version: SignatureVersion::V4,
            addressing: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            user_agent: default_user_agent(),
            resolve: Vec::new(),
            rtmp_token_form: TokenForm::Signed,
            retry: RetryPolicy::default(),
            log_hook: None,
            ca_certificates: Vec::new(),
        }
    }
}

// Hand-written: the log hook has no Debug, and credentials print redacted.
impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("credentials", &self.credentials)
            .field("signature_version", &self.signature_version)
            .field("addressing", &self.addressing)
            .field("connect_timeout", &self.connect_timeout)
            .field("request_timeout", &self.request_timeout)
            .field("retry", &self.retry)
            .field("ca_certificates", &self.ca_certificates)
            .field("log_hook", &self.log_hook.is_some())
            .finish_non_exhaustive()
    }
}

fn default_user_agent() -> String {
    format!("osslive/{} (rust)", env!("CARGO_PKG_VERSION"))
}

impl ClientBuilder {
    /// The OSS endpoint, for example `oss-cn-hangzhou.aliyuncs.com` (then `https`),
    /// `https://oss-cn-hangzhou.aliyuncs.com` or `http://127.0.0.1:9100`.
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// The region V4 signatures are scoped to, for example `cn-hangzhou`. Derived from
    /// endpoints of the form `oss-REGION[-internal].aliyuncs.com` when not given.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Fixed credentials.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(Arc::new(credentials));
        self
    }

    /// A provider of credentials, such as
    /// [`DefaultCredentialsChain`](crate::DefaultCredentialsChain). The client keeps the
    /// credentials it gives that carry an expiry and refreshes them a margin before it,
    /// from one thread at a time, reporting failures to the log hook
    /// ([`RefreshingCredentials`]); it asks again before every request for those that carry
    /// none.
    pub fn credentials_provider(mut self, provider: impl CredentialsProvider + 'static) -> Self {
        self.credentials = Some(Arc::new(provider));
        self
    }

    /// V4 (the default) or V1 header signatures.
    pub fn signature_version(mut self, version: SignatureVersion) -> Self {
        self.signature_version = version;
        self
    }

    /// How buckets are addressed. Default: virtual-hosted, or path-style for an IP or
    /// `localhost` endpoint.
    pub fn addressing(mut self, addressing: Addressing) -> Self {
        self.addressing = Some(addressing);
        self
    }

    /// Time to establish a connection. Default 10 s.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Time for a whole request, answer included. Default 30 s.
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// The largest response body accepted. Default 16 MiB.
    pub fn max_response_bytes(mut self, bytes: u64) -> Self {
        self.max_response_bytes = bytes;
        self
    }

    /// The `User-Agent` header. Default `osslive/VERSION (rust)`.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Sends connections for `host`, and for every `*.host` (the virtual-hosted bucket
    /// domains under an endpoint), to `addr` instead of resolving the name, like curl's
    /// `--resolve`. The `Host` header and the signatures still use the name.
    pub fn resolve(mut self, host: impl Into<String>, addr: SocketAddr) -> Self {
        self.resolve.push((host.into().to_ascii_lowercase(), addr));
        self
    }

    /// How an STS token enters signed RTMP URLs. Default [`TokenForm::Signed`], the
    /// Python and Java SDKs' form.
    pub fn rtmp_token_form(mut self, form: TokenForm) -> Self {
        self.rtmp_token_form = form;
        self
    }

    /// Attempts per call, the first included (default 3; 1 turns retries off). Transient
    /// failures are retried: refused, reset or cut connections, timeouts, HTTP 500, 502,
    /// 503 and 504, and `RequestTimeTooSkewed` (after correcting the clock).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.retry.max_attempts = attempts;
        self
    }

    /// The first backoff ceiling (default 200 ms); it doubles after each failed attempt, up
    /// to 5 s, and each wait is a random time below it ("full jitter").
    pub fn retry_base_delay(mut self, delay: Duration) -> Self {
        self.retry.base_delay = delay;
        self
    }

    /// The most one call may take across all its attempts and backoffs (default 60 s).
    /// Each attempt is also bounded by [`request_timeout`](Self::request_timeout).
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.retry.deadline = deadline;
        self
    }

    /// Trusts the CA certificates in `pem` (one or more `-----BEGIN CERTIFICATE-----`
    /// blocks; other blocks are skipped) to sign the server's certificate.
    ///
    /// Once any CA certificate is given, the given certificates are the **only** trust
    /// roots: the built-in Mozilla roots (webpki-roots) that HTTPS is verified against by
    /// default are no longer used, so a bundle for a private CA cannot reach real OSS
    /// endpoints unless it also holds their roots. May be called several times and combined
    /// with [`ca_file`](Self::ca_file); every certificate given is trusted. Verification
    /// itself is always on. [`build`](Self::build) fails with [`Error::Config`] when the
    /// text holds no certificate or is not valid PEM.
    pub fn ca_certificates_pem(mut self, pem: impl AsRef<[u8]>) -> Self {
        self.ca_certificates
            .push(CaSource::Pem(Arc::from(pem.as_ref())));
        self
    }

    /// Like [`ca_certificates_pem`](Self::ca_certificates_pem) with the PEM read from the
    /// file at `path` (a CA bundle such as `ca.pem`) when [`build`](Self::build) runs:
    /// its certificates replace the built-in roots. A missing, unreadable or empty file, or
    /// one without a PEM certificate, makes `build` fail with [`Error::Config`] naming the
    /// path.
    pub fn ca_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.ca_certificates.push(CaSource::File(path.into()));
        self
    }

    /// Trusts certificates already read and checked, as `ca_certificates_pem` does.
    pub(crate) fn ca_certificates(mut self, certificates: Vec<Certificate<'static>>) -> Self {
        self.ca_certificates
            .push(CaSource::Certificates(Arc::new(certificates)));
        self
    }

    /// Receives a line for each request, retry, backoff, clock correction and credentials
    /// refresh.
    pub fn log_hook(mut self, hook: impl Fn(log::Level, &str) + Send + Sync + 'static) -> Self {
        self.log_hook = Some(Arc::new(hook));
        self
    }

    /// Removes a log hook set before.
    pub(crate) fn without_log_hook(mut self) -> Self {
        self.log_hook = None;
        self
    }

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<Client, Error> {
        // Each setting's own rule is in setting_rules, shared with the C setters.
        let setting = |e: validate::InvalidInput| Error::config(e.field, e.rule);
        let endpoint = setting_rules::endpoint(
            "endpoint",
            self.endpoint.as_deref().ok_or_else(|| {
                Error::config(
                    "endpoint",
                    "no endpoint: call .endpoint(\"oss-cn-hangzhou.aliyuncs.com\") or similar",
                )
            })?,
        )
        .map_err(setting)?;
        let region = match self.region.filter(|r| !r.is_empty()) {
            Some(r) => Some(r),
            None => endpoint.region(),
        };
        if let Some(r) = &region {
            setting_rules::region("region", r).map_err(setting)?;
        }
        if self.signature_version == SignatureVersion::V4 && region.is_none() {
            return Err(Error::config(
                "region",
                format!(
                    "V4 signing needs a region and none can be derived from the endpoint {:?}: call .region(\"cn-hangzhou\") \
                 (or use an endpoint like oss-cn-hangzhou.aliyuncs.com)",
                    endpoint.host
                ),
            ));
        }
        for (name, value) in [
            ("connect_timeout", self.connect_timeout),
            ("request_timeout", self.request_timeout),
            ("deadline", self.retry.deadline),
        ] {
            setting_rules::timeout(name, value).map_err(setting)?;
        }
        setting_rules::retry_base_delay("retry_base_delay", self.retry.base_delay)
            .map_err(setting)?;
        setting_rules::max_attempts("max_attempts", self.retry.max_attempts).map_err(setting)?;
        setting_rules::user_agent("user_agent", &self.user_agent).map_err(setting)?;
        let addressing = self
            .addressing
            .unwrap_or_else(|| endpoint.default_addressing());
        // Each client keeps and refreshes expiring credentials itself, reporting failed
        // refreshes to its own log hook; other credentials are asked for at every request.
        let provider = self
            .credentials
            .unwrap_or_else(|| Arc::new(EnvironmentCredentials));
        let credentials =
            Arc::new(RefreshingCredentials::shared(provider).with_log_hook(self.log_hook.clone()));
        let trust_roots = load_ca_certificates(&self.ca_certificates)?;
        let transport = Transport::new(TransportSettings {
            endpoint,
            addressing,
            signature_version: self.signature_version,
            region,
            rtmp_token_form: self.rtmp_token_form,
            credentials,
            connect_timeout: self.connect_timeout,
            request_timeout: self.request_timeout,
            max_response_bytes: self.max_response_bytes,
            user_agent: self.user_agent,
            resolve: self.resolve,
            trust_roots,
            retry: self.retry,
            log_hook: self.log_hook,
        });
        Ok(Client {
            transport: Arc::new(transport),
        })
    }
}

/// The certificates of every CA source, in order; `None` when none was given (then the
/// built-in roots are used).
fn load_ca_certificates(sources: &[CaSource]) -> Result<Option<Vec<Certificate<'static>>>, Error> {
    if sources.is_empty() {
        return Ok(None);
    }
    let mut certificates = Vec::new();
    for source in sources {
        match source {
            CaSource::Pem(pem) => certificates.extend(parse_ca_pem(pem).map_err(|why| {
                Error::config(
                    "ca_certificates_pem",
                    format!("the CA certificates given to ca_certificates_pem: {why}"),
                )
            })?),
            CaSource::File(path) => certificates.extend(ca_certificates_from_file(path)?),
            CaSource::Certificates(certs) => certificates.extend(certs.iter().cloned()),
        }
    }
    Ok(Some(certificates))
}

/// Reads the PEM CA bundle at `path`, with errors that name it.
pub(crate) fn ca_certificates_from_file(path: &Path) -> Result<Vec<Certificate<'static>>, Error> {
    let what = format!("CA file {}", path.display());
    let pem = std::fs::read(path).map_err(|e| {
        Error::Config(
            ConfigError::new(format!("{what}: cannot read it: {e}"))
                .with_setting("ca_file")
                .with_source(e),
        )
    })?;
    if pem.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::config(
            "ca_file",
            format!("{what}: the file is empty"),
        ));
    }
    parse_ca_pem(&pem).map_err(|why| Error::config("ca_file", format!("{what}: {why}")))
}

/// The certificates in PEM text, or why there are none usable.
pub(crate) fn parse_ca_pem(pem: &[u8]) -> Result<Vec<Certificate<'static>>, String> {
    let mut certificates = Vec::new();
    for item in ureq::tls::parse_pem(pem) {
        match item {
            Ok(PemItem::Certificate(cert)) => {
                if !is_der_sequence(cert.der()) {
                    return Err(format!(
                        "certificate {} is not a DER-encoded X.509 certificate",
                        certificates.len() + 1
                    ));
                }
                certificates.push(cert);
            }
            // Keys and other blocks have no place in a CA bundle but do no harm.
            Ok(_) => {}
            Err(e) => return Err(format!("not valid PEM: {e}")),
        }
    }
    if certificates.is_empty() {
        return Err(
            "no PEM certificate found (expected -----BEGIN CERTIFICATE----- blocks)".to_owned(),
        );
    }
    Ok(certificates)
}

/// Whether `der` is exactly one DER SEQUENCE, as every X.509 certificate is: catches a
/// PEM block whose content is not a certificate at all, which the TLS library would
/// otherwise drop silently (leaving nothing trusted). Full parsing is left to it.
fn is_der_sequence(der: &[u8]) -> bool {
    let [0x30, first, rest @ ..] = der else {
        return false;
    };
    let (len, header) = match *first {
        n @ 0..=0x7f => (usize::from(n), 2),
        n @ 0x81..=0x84 => {
            let count = usize::from(n & 0x7f);
            let Some(bytes) = rest.get(..count) else {
                return false;
            };
            let len = bytes
                .iter()
                .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
            (len, 2 + count)
        }
        _ => return false,
    };
    header.checked_add(len) == Some(der.len())
}

/// A LiveChannel client. `Send + Sync`; clones share the connection pool, so make one
/// per endpoint and share it.
#[derive(Clone)]
pub struct Client {
    transport: Arc<Transport>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.transport
            .debug_fields(f.debug_struct("Client"))
            .finish()
    }
}

impl Client {
    /// Starts building a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A handle on one bucket, sharing this client's connections. Fails when the name
    /// breaks OSS's bucket naming rules.
    pub fn bucket(&self, name: &str) -> Result<Bucket, Error> {
        validate::bucket_name(name)?;
        Ok(Bucket::new(Arc::clone(&self.transport), name.to_owned()))
    }

    /// The region requests are signed for, if known.
    pub fn region(&self) -> Option<&str> {
        self.transport.region()
    }

    /// The signature version in use.
    pub fn signature_version(&self) -> SignatureVersion {
        self.transport.signature_version()
    }

    /// The addressing style in use.
    pub fn addressing(&self) -> Addressing {
        self.transport.addressing()
    }

    /// Stops every call in progress on this client (and its clones and buckets), from any
    /// thread: each returns [`Error::Cancelled`] with [`CancelReason::Interrupted`] within
    /// moments, including one blocked connecting, waiting for an answer, reading a stalled
    /// body or sleeping before a retry. Calls started afterwards run as usual, as after
    /// sqlite's `sqlite3_interrupt`. Connections that were in use are closed; idle ones
    /// stay pooled.
    ///
    /// Not stopped early: a name lookup and a credentials provider being asked (their
    /// own timeouts bound them); the call is cancelled as soon as they return. A call
    /// through a CONNECT proxy (`HTTPS_PROXY`) is stopped only once its proxy connection
    /// is made. What an interrupted call sent may or may not have reached OSS.
    ///
    /// [`CancelReason::Interrupted`]: crate::CancelReason::Interrupted
    pub fn interrupt(&self) {
        self.transport.interrupt();
    }

    /// Shuts the client down: every call in progress returns [`Error::Cancelled`] as with
    /// [`interrupt`](Self::interrupt), and every later call at once (with
    /// [`CancelReason::ShutDown`]); every connection is closed. For a program's stop
    /// path: shut down, wait for the threads using the client to return, then drop it.
    /// There is no way back; make a new client instead.
    ///
    /// [`CancelReason::ShutDown`]: crate::CancelReason::ShutDown
    pub fn shut_down(&self) {
        self.transport.shut_down();
    }

    /// Whether [`shut_down`](Self::shut_down) was called on this client or a clone.
    pub fn is_shut_down(&self) -> bool {
        self.transport.is_shut_down()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(endpoint: &str) -> Result<Client, Error> {
        Client::builder()
            .endpoint(endpoint)
            .credentials(Credentials::new("id", "secret"))
            .build()
    }

    #[test]
    fn endpoints_with_and_without_scheme() {
        let shown = |c: &Client| format!("{c:?}");
        let c = client("oss-cn-hangzhou.aliyuncs.com").unwrap();
        assert!(
            shown(&c).contains("endpoint: https://oss-cn-hangzhou.aliyuncs.com,"),
            "{c:?}"
        );
        assert_eq!(c.region(), Some("cn-hangzhou"));
        assert_eq!(c.addressing(), Addressing::VirtualHosted);
        let c = client("http://OSS-cn-beijing-internal.aliyuncs.com/").unwrap();
        assert!(
            shown(&c).contains("endpoint: http://oss-cn-beijing-internal.aliyuncs.com,"),
            "{c:?}"
        );
        assert_eq!(c.region(), Some("cn-beijing"));
    }

    #[test]
    fn ip_endpoints_are_path_style_and_need_a_region_for_v4() {
        let err = client("http://127.0.0.1:9100").unwrap_err();
        assert!(err.to_string().contains("region"), "{err}");
        let c = Client::builder()
            .endpoint("http://127.0.0.1:9100")
            .region("cn-hangzhou")
            .credentials(Credentials::new("id", "secret"))
            .build()
            .unwrap();
        assert_eq!(c.addressing(), Addressing::PathStyle);
        let v1 = Client::builder()
            .endpoint("http://localhost:9100")
            .signature_version(SignatureVersion::V1)
            .credentials(Credentials::new("id", "secret"))
            .build()
            .unwrap();
        assert_eq!(v1.addressing(), Addressing::PathStyle);
    }

    #[test]
    fn bad_endpoints_and_settings_are_refused_with_reasons() {
        for bad in ["", "ftp://x", "https://host/path", "host?x", "http://"] {
            let err = client(bad).unwrap_err();
            assert!(matches!(err, Error::Config(_)), "{bad}: {err}");
        }
        let err = Client::builder().build().unwrap_err();
        assert!(err.to_string().contains("no endpoint"));
        let err = Client::builder()
            .endpoint("oss-cn-hangzhou.aliyuncs.com")
            .request_timeout(Duration::ZERO)
            .build()
            .unwrap_err();
        assert!(err.to_string().contains("timeouts"));
        assert!(
            client("oss-cn-hangzhou.aliyuncs.com")
                .unwrap()
                .bucket("Bad_Name")
                .is_err()
        );
    }

    #[test]
    fn debug_hides_the_secret() {
        let c = Client::builder()
            .endpoint("oss-cn-hangzhou.aliyuncs.com")
            .credentials(Credentials::new("id", "the-secret").with_security_token("the-token"))
            .build()
            .unwrap();
        let shown = format!("{c:?}");
        assert!(
            !shown.contains("the-secret") && !shown.contains("the-token"),
            "{shown}"
        );
    }

    #[test]
    fn ca_certificates_that_cannot_be_used_fail_the_build_with_reasons() {
        let build = |b: ClientBuilder| {
            b.endpoint("oss-cn-hangzhou.aliyuncs.com")
                .credentials(Credentials::new("id", "secret"))
                .build()
        };
        let not_der = "-----BEGIN CERTIFICATE-----\naGVsbG8gd29ybGQ=\n-----END CERTIFICATE-----\n";
        let cases = [
            ("no certificate here", "no PEM certificate found"),
            (
                "-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n",
                "not valid PEM",
            ),
            (
                not_der,
                "certificate 1 is not a DER-encoded X.509 certificate",
            ),
        ];
        for (pem, reason) in cases {
            let err = build(Client::builder().ca_certificates_pem(pem)).unwrap_err();
            let Error::Config(config) = &err else {
                panic!("{err:?}");
            };
            assert_eq!(config.setting(), Some("ca_certificates_pem"));
            let message = config.message();
            assert!(
                message.starts_with("the CA certificates given to ca_certificates_pem: ")
                    && message.contains(reason),
                "{message}"
            );
        }
        let path = std::env::temp_dir().join("osslive-no-such-dir/ca.pem");
        let err = build(Client::builder().ca_file(&path)).unwrap_err();
        assert!(
            matches!(&err, Error::Config(c) if c.message().contains(&path.display().to_string())
                && c.setting() == Some("ca_file")),
            "{err:?}"
        );
        let shown = format!("{:?}", Client::builder().ca_certificates_pem(not_der));
        assert!(
            shown.contains("Pem(") && !shown.contains("aGVsbG8"),
            "{shown}"
        );
    }

    #[test]
    fn der_sequences_are_recognised() {
        assert!(is_der_sequence(&[0x30, 0x03, 1, 2, 3]));
        assert!(is_der_sequence(&[0x30, 0x81, 0x01, 7]));
        let mut long = vec![0x30, 0x82, 0x01, 0x00];
        long.resize(4 + 256, 0);
        assert!(is_der_sequence(&long));
        assert!(!is_der_sequence(&long[..long.len() - 1]));
        assert!(!is_der_sequence(&[0x30, 0x03, 1, 2]));
        assert!(!is_der_sequence(&[0x31, 0x01, 1]));
        assert!(!is_der_sequence(&[0x30, 0x80, 0, 0]));
        assert!(!is_der_sequence(&[0x30, 0x84, 0xff]));
        assert!(!is_der_sequence(&[0x30]));
        assert!(!is_der_sequence(b""));
    }

    #[test]
    fn client_is_send_sync_and_cheap_to_clone() {
        fn assert_send_sync<T: Send + Sync + Clone>() {}
        assert_send_sync::<Client>();
        assert_send_sync::<Bucket>();
    }
}
