//! One signed request over the client's connection pool, and its answer turned into
//! bytes or an [`Error`].

use std::collections::HashMap;
use std::net::IpAddr;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use ureq::tls::{Certificate, RootCerts, TlsConfig};
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};

use crate::client::{Addressing, ClientInner, SignatureVersion};
use crate::encoding::percent_encode;
use crate::error::{Error, ServiceError};
use crate::signing::{RequestToSign, v1, v4};
use crate::{credentials, xml};

/// Idle keep-alive connections a client keeps (all to its one endpoint).
const MAX_IDLE_CONNECTIONS: usize = 32;

/// How long a name lookup is reused: short enough to follow DNS changes, long enough
/// that a busy client does not look the endpoint up on every request.
const NAME_CACHE_TTL: Duration = Duration::from_secs(30);

/// Resolves names listed with `ClientBuilder::resolve` to their fixed address, IP
/// literals to themselves, and other names through the system resolver, keeping each
/// answer for [`NAME_CACHE_TTL`].
///
/// ureq asks the resolver before every request, even one that reuses a pooled
/// connection, and its system resolver starts a thread per lookup when timeouts are set:
/// measured at 45 % of a loopback call (BENCHMARKS.md) before these shortcuts.
#[derive(Debug)]
struct OverrideResolver {
    table: Vec<(String, SocketAddr)>,
    system: DefaultResolver,
    cache: Mutex<HashMap<(String, u16), (Instant, ResolvedSocketAddrs)>>,
}

impl OverrideResolver {
    fn new(table: Vec<(String, SocketAddr)>) -> Self {
        OverrideResolver {
            table,
            system: DefaultResolver::default(),
            cache: Mutex::default(),
        }
    }
}

impl Resolver for OverrideResolver {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let Some(host) = uri.host().map(str::to_ascii_lowercase) else {
            return self.system.resolve(uri, config, timeout);
        };
        let fixed = self.table.iter().find(|(name, _)| {
            host == *name
                || host
                    .strip_suffix(name.as_str())
                    .is_some_and(|sub| sub.ends_with('.'))
        });
        if let Some((_, addr)) = fixed {
            let mut addrs = self.empty();
            addrs.push(*addr);
            return Ok(addrs);
        }
        let https = uri.scheme_str() == Some("https");
        let port = uri.port_u16().unwrap_or(if https { 443 } else { 80 });
        if let Ok(ip) = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
        {
            let mut addrs = self.empty();
            addrs.push(SocketAddr::new(ip, port));
            return Ok(addrs);
        }
        let key = (host, port);
        let now = Instant::now();
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((at, addrs)) = cache.get(&key) {
            if now.duration_since(*at) < NAME_CACHE_TTL {
                return Ok(addrs.clone());
            }
        }
        // Not holding the lock during the lookup: one slow name must not stall others.
        drop(cache);
        let addrs = self.system.resolve(uri, config, timeout)?;
        cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        cache.insert(key, (now, addrs.clone()));
        Ok(addrs)
    }
}

/// The agent of one client: its pool, timeouts, resolver and trust roots. HTTPS
/// certificates are always verified: against `trust_roots` when given (and then only
/// them), otherwise against the bundled Mozilla roots (webpki-roots).
pub(crate) fn agent(
    connect_timeout: Duration,
    request_timeout: Duration,
    user_agent: &str,
    resolve: Vec<(String, SocketAddr)>,
    trust_roots: Option<Vec<Certificate<'static>>>,
) -> ureq::Agent {
    let root_certs = match trust_roots {
        Some(certificates) => RootCerts::Specific(Arc::new(certificates)),
        None => RootCerts::WebPki,
    };
    let tls = TlsConfig::builder()
        .root_certs(root_certs)
        .disable_verification(false)
        .build();
    let config = ureq::Agent::config_builder()
        .tls_config(tls)
        // Error statuses carry OSS error documents; read them instead of losing them.
        .http_status_as_error(false)
        .timeout_connect(Some(connect_timeout))
        .timeout_global(Some(request_timeout))
        .user_agent(user_agent)
        // OSS answers LiveChannel calls directly; a redirect would mean a wrong endpoint.
        .max_redirects(0)
        // One client is shared by an encoder's threads: keep a connection per thread
        // rather than ureq's default of 3 per host, which made 8 threads open a new
        // connection for one call in eight (BENCHMARKS.md).
        .max_idle_connections(MAX_IDLE_CONNECTIONS)
        .max_idle_connections_per_host(MAX_IDLE_CONNECTIONS)
        .build();
    ureq::Agent::with_parts(
        config,
        DefaultConnector::default(),
        OverrideResolver::new(resolve),
    )
}

/// A request to sign and send.
pub(crate) struct OssRequest<'a> {
    pub(crate) method: &'static str,
    pub(crate) bucket: &'a str,
    /// The object key (channel or `channel/playlist`), raw.
    pub(crate) key: Option<&'a str>,
    /// Query parameters in wire order; an empty value is sent as a bare key.
    pub(crate) query: Vec<(&'static str, String)>,
    /// The body, for PutLiveChannel only.
    pub(crate) body: Option<Vec<u8>>,
}

/// A 2xx answer.
pub(crate) struct OssResponse {
    pub(crate) status: u16,
    pub(crate) request_id: Option<String>,
    pub(crate) body: Vec<u8>,
}

impl OssResponse {
    /// Turns a body that is not the expected document into an error that keeps the
    /// status and request id.
    pub(crate) fn invalid(&self, e: xml::XmlError) -> Error {
        Error::InvalidResponse {
            status: self.status,
            reason: e.reason,
            snippet: e.snippet,
            request_id: self.request_id.clone(),
        }
    }
}

/// `/BUCKET/KEY`, `/KEY` or `/` as the addressing style wants, the key percent-encoded
/// with `/` encoded too (`%2F`), as the Python and Go SDKs send it.
fn wire_url(
    inner: &ClientInner,
    bucket: &str,
    key: Option<&str>,
    query: &[(&'static str, String)],
) -> String {
    let scheme = if inner.endpoint.https {
        "https"
    } else {
        "http"
    };
    let mut url = String::with_capacity(96);
    url.push_str(scheme);
    url.push_str("://");
    match inner.addressing {
        Addressing::VirtualHosted => {
            url.push_str(bucket);
            url.push('.');
            url.push_str(&inner.endpoint.host);
            url.push('/');
        }
        Addressing::PathStyle => {
            url.push_str(&inner.endpoint.host);
            url.push('/');
            url.push_str(bucket);
            url.push('/');
        }
        Addressing::Cname => {
            url.push_str(&inner.endpoint.host);
            url.push('/');
        }
    }
    if let Some(key) = key {
        url.push_str(&percent_encode(key, false));
    }
    for (i, (k, v)) in query.iter().enumerate() {
        url.push(if i == 0 { '?' } else { '&' });
        url.push_str(k);
        if !v.is_empty() {
            url.push('=');
            url.push_str(&percent_encode(v, false));
        }
    }
    url
}

/// A failed attempt: the error, whether trying again may help, and the server's clock
/// when OSS said ours is skewed.
struct AttemptFailure {
    error: Error,
    retryable: bool,
    server_time: Option<SystemTime>,
}

impl From<Error> for AttemptFailure {
    fn from(error: Error) -> Self {
        AttemptFailure {
            error,
            retryable: false,
            server_time: None,
        }
    }
}

/// A TLS failure: not retried, since the same handshake fails the same way. A
/// certificate that does not verify gets a hint at the usual causes.
fn tls_failure(detail: &str) -> Error {
    let hint = if detail.contains("certificate") {
        " (the server's TLS certificate could not be verified: check that the endpoint's host \
         name is the one the certificate is for, and for a private CA set its certificates \
         with ca_certificates_pem or ca_file, osslive_config_set_ca_pem or _set_ca_file in C)"
    } else {
        ""
    };
    Error::Tls(format!("{detail}{hint}"))
}

/// Maps a ureq failure, deciding whether the same request may succeed again: a
/// refused, reset or cut connection, a failed name lookup and a timeout may; a TLS
/// failure (a certificate that does not verify, for an unknown issuer or another host
/// name) or a malformed request will not. The decision agrees with `Error::is_retryable`.
fn map_ureq_error(e: ureq::Error) -> AttemptFailure {
    use std::io::ErrorKind;
    let (error, retryable) = match e {
        ureq::Error::Timeout(which) => (Error::Timeout(format!("{which:?} timeout expired")), true),
        ureq::Error::Io(io)
            if io.kind() == ErrorKind::TimedOut || io.kind() == ErrorKind::WouldBlock =>
        {
            (Error::Timeout(io.to_string()), true)
        }
        // Name service hiccups pass, so this is retried like a refused connection.
        ureq::Error::HostNotFound => (
            Error::Transport("the endpoint's host name could not be resolved".into()),
            true,
        ),
        ureq::Error::Tls(why) => (tls_failure(why), false),
        ureq::Error::Rustls(e) => (tls_failure(&e.to_string()), false),
        ureq::Error::Io(io) if io.kind() == ErrorKind::InvalidData => {
            // rustls reports a certificate it will not trust (unknown issuer, another
            // host name, expired) and a broken TLS record as invalid data.
            (tls_failure(&io.to_string()), false)
        }
        // Validation keeps these from happening; if one does, the input is at fault.
        ureq::Error::Http(e) => (
            Error::Config(format!("cannot build the request: {e}")),
            false,
        ),
        ureq::Error::BadUri(e) => (Error::Config(format!("bad URL: {e}")), false),
        // The request head did not fit the writer: the same request never will, and
        // validation of header sizes should have caught it before.
        ureq::Error::Protocol(p) if p.to_string().contains("output too small") => (
            Error::Config(format!("the request is too large to send: {p}")),
            false,
        ),
        other => (Error::Transport(other.to_string()), true),
    };
    AttemptFailure {
        error,
        retryable,
        server_time: None,
    }
}

/// Statuses OSS answers when it is worth trying again.
fn retryable_status(status: u16) -> bool {
    matches!(status, 500 | 502 | 503 | 504)
}

/// Signs and sends `req`, retrying transient failures with backoff inside the client's
/// deadline; each attempt is signed anew with fresh credentials and the corrected clock.
pub(crate) fn send(inner: &ClientInner, req: OssRequest<'_>) -> Result<OssResponse, Error> {
    let policy = inner.retry;
    let started = Instant::now();
    let deadline = started + policy.deadline;
    let mut attempt = 0;
    loop {
        attempt += 1;
        let remaining = deadline.saturating_duration_since(Instant::now());
        let failure = if remaining.is_zero() {
            AttemptFailure::from(Error::Timeout(format!(
                "the deadline of {:?} passed",
                policy.deadline
            )))
        } else {
            match attempt_once(inner, &req, remaining) {
                Ok(response) => return Ok(response),
                Err(failure) => failure,
            }
        };
        let left = deadline.saturating_duration_since(Instant::now());
        if !failure.retryable || attempt >= policy.max_attempts || left.is_zero() {
            return Err(with_attempts(failure.error, attempt));
        }
        if let Some(server_time) = failure.server_time {
            let offset = inner.clock.correct(server_time, SystemTime::now());
            inner.log(log::Level::Warn, || format!(
                "OSS says the request time is too skewed: its clock differs from ours by {offset} ms; \
                 correcting and signing again"
            ));
            continue;
        }
        let delay = policy.backoff(attempt).min(left);
        inner.log(log::Level::Info, || {
            format!(
                "{} {} attempt {attempt} of {} failed ({}); retrying in {} ms",
                req.method,
                req.key.unwrap_or("/"),
                policy.max_attempts,
                failure.error,
                delay.as_millis()
            )
        });
        std::thread::sleep(delay);
    }
}

/// Says in the error how many attempts were made, when there was more than one.
fn with_attempts(error: Error, attempts: u32) -> Error {
    if attempts <= 1 {
        return error;
    }
    let note = format!(" (after {attempts} attempts)");
    match error {
        Error::Service(mut e) => {
            e.attempts = attempts;
            Error::Service(e)
        }
        Error::Transport(m) => Error::Transport(m + &note),
        Error::Timeout(m) => Error::Timeout(m + &note),
        Error::InvalidResponse {
            status,
            reason,
            snippet,
            request_id,
        } => Error::InvalidResponse {
            status,
            reason: reason + &note,
            snippet,
            request_id,
        },
        other => other,
    }
}

/// One signed attempt with at most `time_left` to finish.
fn attempt_once(
    inner: &ClientInner,
    req: &OssRequest<'_>,
    time_left: Duration,
) -> Result<OssResponse, AttemptFailure> {
    let creds = credentials::fetch(&*inner.credentials)?;
    let now = inner.clock.now();
    let mut headers: Vec<(&str, String)> = Vec::with_capacity(5);
    headers.push(("date", crate::time::http_date(now)));
    if inner.signature_version == SignatureVersion::V4 {
        headers.push(("x-oss-date", crate::time::v4_datetime(now)));
        headers.push(("x-oss-content-sha256", v4::UNSIGNED_PAYLOAD.to_owned()));
    }
    if let Some(token) = creds.security_token() {
        headers.push(("x-oss-security-token", token.to_owned()));
    }
    let authorization = {
        let header_refs: Vec<(&str, &str)> =
            headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let query_refs: Vec<(&str, &str)> =
            req.query.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let to_sign = RequestToSign {
            method: req.method,
            bucket: req.bucket,
            key: req.key,
            query: &query_refs,
            headers: &header_refs,
        };
        match inner.signature_version {
            SignatureVersion::V1 => {
                v1::authorization(creds.access_key_id(), creds.access_key_secret(), &to_sign)
            }
            SignatureVersion::V4 => {
                let region = inner.region.as_deref().unwrap_or_default();
                v4::sign(
                    creds.access_key_id(),
                    creds.access_key_secret(),
                    region,
                    &to_sign,
                    &[],
                )
                .map_err(|e| Error::Config(e.to_string()))?
                .authorization
            }
        }
    };
    drop(creds);
    let url = wire_url(inner, req.bucket, req.key, &req.query);
    inner.log(log::Level::Debug, || format!("{} {url}", req.method));
    let mut builder = ureq::http::Request::builder().method(req.method).uri(&url);
    for (name, value) in &headers {
        builder = builder.header(*name, value.as_str());
    }
    builder = builder.header("authorization", authorization);
    let body: &[u8] = req.body.as_deref().unwrap_or(&[]);
    let request = builder
        .body(body)
        .map_err(|e| Error::Transport(format!("cannot build the request: {e}")))?;
    // Only a deadline nearer than the per-request timeout needs a request-level setting.
    let request = if time_left < inner.request_timeout {
        inner
            .agent
            .configure_request(request)
            .timeout_global(Some(time_left))
            .build()
    } else {
        request
    };
    let mut response = inner.agent.run(request).map_err(map_ureq_error)?;
    let status = response.status().as_u16();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let request_id = header("x-oss-request-id");
    let oss_err_header = header("x-oss-err");
    let server_date = header("date");
    let body = match response
        .body_mut()
        .with_config()
        .limit(inner.max_response_bytes)
        .read_to_vec()
    {
        Ok(body) => body,
        Err(ureq::Error::BodyExceedsLimit(limit)) => {
            return Err(AttemptFailure::from(Error::InvalidResponse {
                status,
                reason: format!("the response body is larger than the limit of {limit} bytes"),
                snippet: String::new(),
                request_id,
            }));
        }
        Err(e) => return Err(map_ureq_error(e)),
    };
    if (200..300).contains(&status) {
        return Ok(OssResponse {
            status,
            request_id,
            body,
        });
    }
    let error = service_error(status, request_id, &body, oss_err_header.as_deref());
    let skewed = error.code == "RequestTimeTooSkewed";
    let server_time = if skewed {
        server_date
            .as_deref()
            .and_then(crate::time::parse_http_date)
    } else {
        None
    };
    Err(AttemptFailure {
        retryable: retryable_status(status) || (skewed && server_time.is_some()),
        server_time,
        error: Error::Service(Box::new(error)),
    })
}

/// Reads the OSS `Error` document from the body or, when the body is empty, from the
/// base64 `x-oss-err` header; otherwise keeps a snippet of whatever came.
fn service_error(
    status: u16,
    request_id: Option<String>,
    body: &[u8],
    oss_err: Option<&str>,
) -> ServiceError {
    let from_header = || oss_err.and_then(xml::parse_error_header);
    let document =
        xml::parse_error(body).or_else(|| if body.is_empty() { from_header() } else { None });
    match document {
        Some(doc) => ServiceError {
            status,
            code: doc.code,
            message: doc.message,
            request_id: doc.request_id.or(request_id),
            host_id: doc.host_id,
            ec: doc.ec,
            attempts: 1,
        },
        None => {
            let snippet: String = String::from_utf8_lossy(&body[..body.len().min(200)])
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            let message = if body.is_empty() {
                "the answer has no body".to_owned()
            } else {
                format!("the answer is not an OSS error document: {snippet}")
            };
            ServiceError {
                status,
                code: String::new(),
                message,
                request_id,
                host_id: None,
                ec: None,
                attempts: 1,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Addressing, Client, Credentials, SignatureVersion};
    use base64::Engine as _;

    fn inner(endpoint: &str, addressing: Option<Addressing>) -> Client {
        let mut b = Client::builder()
            .endpoint(endpoint)
            .region("cn-hangzhou")
            .signature_version(SignatureVersion::V1)
            .credentials(Credentials::new("id", "secret"));
        if let Some(a) = addressing {
            b = b.addressing(a);
        }
        b.build().unwrap()
    }

    fn vod_query() -> Vec<(&'static str, String)> {
        vec![
            ("vod", String::new()),
            ("endTime", "1472020226".into()),
            ("startTime", "1472020031".into()),
        ]
    }

    #[test]
    fn post_vod_playlist_sends_the_slash_as_percent_2f_in_every_style() {
        let key = Some("test-channel/vod.m3u8");
        let virtual_hosted = inner("oss-cn-hangzhou.aliyuncs.com", None);
        assert_eq!(
            wire_url(&virtual_hosted.inner, "examplebucket", key, &vod_query()),
            "https://examplebucket.oss-cn-hangzhou.aliyuncs.com/test-channel%2Fvod.m3u8?vod&endTime=1472020226&startTime=1472020031"
        );
        let path_style = inner("http://127.0.0.1:9100", None);
        assert_eq!(
            wire_url(&path_style.inner, "examplebucket", key, &vod_query()),
            "http://127.0.0.1:9100/examplebucket/test-channel%2Fvod.m3u8?vod&endTime=1472020226&startTime=1472020031"
        );
        let cname = inner("http://live.example.com", Some(Addressing::Cname));
        assert_eq!(
            wire_url(&cname.inner, "examplebucket", key, &vod_query()),
            "http://live.example.com/test-channel%2Fvod.m3u8?vod&endTime=1472020226&startTime=1472020031"
        );
    }

    #[test]
    fn keys_and_query_values_are_percent_encoded_on_the_wire() {
        let c = inner("http://127.0.0.1:9100", None);
        let query = vec![("live", String::new()), ("prefix", "a b+c/é".to_owned())];
        assert_eq!(
            wire_url(&c.inner, "b-1", None, &query),
            "http://127.0.0.1:9100/b-1/?live&prefix=a%20b%2Bc%2F%C3%A9"
        );
        assert_eq!(
            wire_url(
                &c.inner,
                "b-1",
                Some("chan 1+é"),
                &[("live", String::new())]
            ),
            "http://127.0.0.1:9100/b-1/chan%201%2B%C3%A9?live"
        );
    }

    #[test]
    fn error_answers_keep_the_oss_fields_or_a_snippet() {
        let xml = b"<?xml version=\"1.0\"?><Error><Code>NoSuchLiveChannel</Code><Message>gone</Message><RequestId>RID</RequestId><HostId>h</HostId><EC>0026-00000021</EC></Error>";
        let e = service_error(404, Some("HDR".into()), xml, None);
        assert_eq!(
            (e.code.as_str(), e.request_id.as_deref(), e.ec.as_deref()),
            ("NoSuchLiveChannel", Some("RID"), Some("0026-00000021"))
        );
        // An empty body with the document in x-oss-err, as OSS sends for HEAD-like answers.
        let header = base64::engine::general_purpose::STANDARD.encode(xml);
        let e = service_error(404, Some("HDR".into()), b"", Some(&header));
        assert_eq!(e.code, "NoSuchLiveChannel");
        let e = service_error(
            502,
            Some("HDR".into()),
            b"<html>\n<h1>Bad Gateway</h1></html>",
            None,
        );
        assert_eq!(
            (e.code.as_str(), e.request_id.as_deref()),
            ("", Some("HDR"))
        );
        assert!(
            e.message.contains("<h1>Bad Gateway</h1>") && !e.message.contains('\n'),
            "{}",
            e.message
        );
        assert!(e.is_retryable());
    }
}
