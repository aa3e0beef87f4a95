//! The transport layer: one type that owns everything a request needs (the connector and
//! the pool of idle connections, the endpoint and addressing, the signing configuration, the credentials provider, the
//! retry policy, the clock as OSS sees it, the log hook and the limits) and sends one
//! signed request with retries, its answer turned into bytes or an [`Error`].
//!
//! A `Client` is an `Arc` of it, every `Bucket` shares that `Arc`.

mod cancel;
mod connect;
mod connector;
mod deadline;
mod endpoint;
mod failure;
pub(crate) mod http1;
mod liveness;
mod pool;
mod socket;
mod tcp;

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use ureq::tls::Certificate;

use crate::credentials::{self, Credentials, CredentialsProvider};
use crate::error::{ConfigError, Error, TimeoutError, TimeoutKind};
use crate::retry::{RetryPolicy, SkewedClock};
use crate::settings::{Addressing, LogHook, SignatureVersion};
use crate::signing::key_cache::SigningKeyCache;
use crate::signing::rtmp::TokenForm;
use crate::signing::{RequestToSign, v1, v4};

use cancel::Cancellation;
use connector::Connector;
pub(crate) use endpoint::Endpoint;
use endpoint::{push_bucket_base, request_url};
use failure::{
    AttemptFailure, map_answer_failure, map_ureq_error, retryable_status, service_error,
};
use http1::response::Budget;
use pool::{Connection, Pool};

/// Everything [`Transport::new`] needs, checked by `ClientBuilder::build`.
pub(crate) struct TransportSettings {
    pub(crate) endpoint: Endpoint,
    pub(crate) addressing: Addressing,
    pub(crate) signature_version: SignatureVersion,
    /// Required for V4 signing (checked by the builder).
    pub(crate) region: Option<String>,
    pub(crate) rtmp_token_form: TokenForm,
    pub(crate) credentials: Arc<dyn CredentialsProvider>,
    pub(crate) connect_timeout: Duration,
    pub(crate) request_timeout: Duration,
    pub(crate) max_response_bytes: u64,
    pub(crate) user_agent: String,
    /// `ClientBuilder::resolve` overrides, host names lower-cased.
    pub(crate) resolve: Vec<(String, std::net::SocketAddr)>,
    /// Trusted CA certificates; `None` for the built-in roots.
    pub(crate) trust_roots: Option<Vec<Certificate<'static>>>,
    pub(crate) retry: RetryPolicy,
    pub(crate) log_hook: Option<LogHook>,
}

/// The state every request of a client shares; see the module documentation.
pub(crate) struct Transport {
    connector: Connector,
    pool: Pool,
    user_agent: String,
    endpoint: Endpoint,
    addressing: Addressing,
    signature_version: SignatureVersion,
    region: Option<String>,
    rtmp_token_form: TokenForm,
    credentials: Arc<dyn CredentialsProvider>,
    request_timeout: Duration,
    max_response_bytes: u64,
    retry: RetryPolicy,
    clock: SkewedClock,
    log_hook: Option<LogHook>,
    cancellation: Arc<Cancellation>,
    /// The V4 signing keys derived so far, so that a request does not derive the day's key
    /// again (four HMACs); wiped when replaced and when the client is dropped.
    signing_keys: SigningKeyCache,
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
    /// The attempts the call made, this one included: for an error the body turns out
    /// to be.
    pub(crate) attempts: u32,
}

impl Transport {
    /// Builds the connector and takes ownership of the settings.
    pub(crate) fn new(settings: TransportSettings) -> Transport {
        let cancellation = Arc::new(Cancellation::default());
        let connector = Connector::new(
            settings.connect_timeout,
            &settings.user_agent,
            settings.resolve,
            settings.trust_roots,
            Arc::clone(&cancellation),
        );
        Transport {
            connector,
            pool: Pool::default(),
            user_agent: settings.user_agent,
            endpoint: settings.endpoint,
            addressing: settings.addressing,
            signature_version: settings.signature_version,
            region: settings.region,
            rtmp_token_form: settings.rtmp_token_form,
            credentials: settings.credentials,
            request_timeout: settings.request_timeout,
            max_response_bytes: settings.max_response_bytes,
            retry: settings.retry,
            clock: SkewedClock::default(),
            log_hook: settings.log_hook,
            cancellation,
            signing_keys: SigningKeyCache::default(),
        }
    }

    /// Ends every call in progress with `Error::Cancelled`; see [`cancel`].
    pub(crate) fn interrupt(&self) {
        self.cancellation.interrupt();
    }

    /// Ends every call in progress and every later one with `Error::Cancelled`.
    pub(crate) fn shut_down(&self) {
        self.cancellation.shut_down();
    }

    /// Whether [`shut_down`](Self::shut_down) was called.
    pub(crate) fn is_shut_down(&self) -> bool {
        self.cancellation.is_shut_down()
    }

    /// The region requests are signed for, if known.
    pub(crate) fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// The signature version of HTTP requests.
    pub(crate) fn signature_version(&self) -> SignatureVersion {
        self.signature_version
    }

    /// The addressing style of every URL.
    pub(crate) fn addressing(&self) -> Addressing {
        self.addressing
    }

    /// How an STS token enters signed RTMP URLs.
    pub(crate) fn rtmp_token_form(&self) -> TokenForm {
        self.rtmp_token_form
    }

    /// Now, as OSS sees it (corrected by any skew it reported).
    pub(crate) fn now(&self) -> SystemTime {
        self.clock.now()
    }

    /// Credentials from the provider, checked to be usable.
    pub(crate) fn credentials(&self) -> Result<Credentials, Error> {
        credentials::fetch(&*self.credentials)
    }

    /// `SCHEME://…` up to where the bucket's keys start, for `scheme` (`rtmp` for push
    /// URLs); see [`push_bucket_base`].
    pub(crate) fn bucket_base(&self, scheme: &str, bucket: &str) -> String {
        let mut base = String::with_capacity(64);
        push_bucket_base(&mut base, scheme, &self.endpoint, self.addressing, bucket);
        base
    }

    /// `https` or `http`, as the endpoint says: the scheme of presigned URLs.
    pub(crate) fn http_scheme(&self) -> &'static str {
        self.endpoint.scheme()
    }

    /// Adds the fields a `Debug` of the client shows: where it points and how it signs,
    /// credentials redacted by their own `Debug`.
    pub(crate) fn debug_fields<'a, 'b: 'a>(
        &self,
        mut out: std::fmt::DebugStruct<'a, 'b>,
    ) -> std::fmt::DebugStruct<'a, 'b> {
        out.field(
            "endpoint",
            &format_args!("{}://{}", self.endpoint.scheme(), self.endpoint.host),
        )
        .field("region", &self.region)
        .field("credentials", &self.credentials)
        .field("signature_version", &self.signature_version)
        .field("addressing", &self.addressing);
        out
    }

    /// Tells the log facade and the hook, if any, what the client is doing. The message is
    /// only built when someone listens: requests are a hot path.
    fn log(&self, level: log::Level, message: impl FnOnce() -> String) {
        if self.log_hook.is_none() && !log::log_enabled!(target: "osslive", level) {
            return;
        }
        let message = message();
        log::log!(target: "osslive", level, "{message}");
        if let Some(hook) = &self.log_hook {
            hook(level, &message);
        }
    }

    /// Signs and sends `req`, retrying transient failures with backoff inside the client's
    /// deadline; each attempt is signed anew with fresh credentials and the corrected clock.
    /// A cancellation ([`interrupt`](Self::interrupt)) ends it with `Error::Cancelled`,
    /// whatever the attempt in progress then failed with.
    pub(crate) fn send(&self, req: OssRequest<'_>) -> Result<OssResponse, Error> {
        let call = self.cancellation.begin()?;
        let policy = self.retry;
        let started = Instant::now();
        let deadline = started + policy.deadline;
        let mut attempt = 0;
        loop {
            if let Err(mut cancelled) = call.check() {
                cancelled.set_attempts(attempt);
                return Err(cancelled);
            }
            let remaining = deadline.saturating_duration_since(Instant::now());
            let failure = if remaining.is_zero() {
                // No attempt is made: the error counts only those that were.
                AttemptFailure::from(Error::Timeout(TimeoutError::new(
                    TimeoutKind::Deadline,
                    format!("the deadline of {:?} passed", policy.deadline),
                    None,
                )))
            } else {
                attempt += 1;
                match self.attempt_once(&req, remaining) {
                    Ok(response) => {
                        return Ok(OssResponse {
                            attempts: attempt,
                            ..response
                        });
                    }
                    Err(failure) => failure,
                }
            };
            if let Err(mut cancelled) = call.check() {
                cancelled.set_attempts(attempt);
                return Err(cancelled);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            // A request that is not idempotent is sent again only when OSS surely did not
            // act on it: it never left (no connection), or OSS said it refused it.
            let unsafe_to_repeat =
                !idempotent(req.method) && may_have_been_processed(&failure.error);
            if unsafe_to_repeat && failure.retryable {
                self.log(log::Level::Warn, || {
                    format!(
                        "{} {} attempt {attempt} failed ({}) after the request may have reached \
                         OSS; not sent again, because {} is not idempotent",
                        req.method,
                        req.key.unwrap_or("/"),
                        failure.error,
                        req.method
                    )
                });
            }
            if !failure.retryable
                || unsafe_to_repeat
                || attempt >= policy.max_attempts
                || left.is_zero()
            {
                let mut error = failure.error;
                error.set_attempts(attempt);
                return Err(error);
            }
            if let Some(server_time) = failure.server_time {
                let offset = self.clock.correct(server_time, SystemTime::now());
                self.log(log::Level::Warn, || format!(
                "OSS says the request time is too skewed: its clock differs from ours by {offset} ms; \
                 correcting and signing again"
            ));
                continue;
            }
            let delay = policy.backoff(attempt).min(left);
            self.log(log::Level::Info, || {
                format!(
                    "{} {} attempt {attempt} of {} failed ({}); retrying in {} ms",
                    req.method,
                    req.key.unwrap_or("/"),
                    policy.max_attempts,
                    failure.error,
                    delay.as_millis()
                )
            });
            // Woken early by a cancellation, found at the top of the loop.
            let _ = call.sleep(delay);
        }
    }

    /// The `Authorization` value of `req` with `headers` (those signed), in the client's
    /// signature version.
    fn authorization(
        &self,
        creds: &Credentials,
        req: &OssRequest<'_>,
        headers: &[(&str, &str)],
    ) -> Result<String, Error> {
        let query: Vec<(&str, &str)> = req.query.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let to_sign = RequestToSign {
            method: req.method,
            bucket: req.bucket,
            key: req.key,
            query: &query,
            headers,
        };
        let (id, secret) = (creds.access_key_id(), creds.access_key_secret());
        match self.signature_version {
            SignatureVersion::V1 => Ok(v1::authorization(id, secret, &to_sign)),
            SignatureVersion::V4 => {
                let region = self.region.as_deref().unwrap_or_default();
                let signed = v4::sign_with(id, region, &to_sign, &[], |date| {
                    self.signing_keys.signing_key(id, secret, date, region)
                })
                .map_err(|e| Error::Config(ConfigError::new(e.to_string()).with_source(e)))?;
                Ok(signed.authorization)
            }
        }
    }

    /// One signed attempt with at most `time_left` to finish.
    fn attempt_once(
        &self,
        req: &OssRequest<'_>,
        time_left: Duration,
    ) -> Result<OssResponse, AttemptFailure> {
        let creds = self.credentials()?;
        let now = self.clock.now();
        let date = crate::time::http_date(now);
        let v4_date =
            (self.signature_version == SignatureVersion::V4).then(|| crate::time::v4_datetime(now));
        let mut headers: Vec<(&str, &str)> = Vec::with_capacity(6);
        headers.push(("date", &date));
        if let Some(v4_date) = &v4_date {
            headers.push(("x-oss-date", v4_date));
            headers.push(("x-oss-content-sha256", v4::UNSIGNED_PAYLOAD));
        }
        if let Some(token) = creds.security_token() {
            headers.push(("x-oss-security-token", token));
        }
        let authorization = self.authorization(&creds, req, &headers)?;
        headers.push(("authorization", &authorization));
        let url = request_url(
            &self.endpoint,
            self.addressing,
            req.bucket,
            req.key,
            &req.query,
        );
        self.log(log::Level::Debug, || format!("{} {url}", req.method));
        let (authority, target) = split_url(&url);
        // A PUT or POST carries a body, if only an empty one.
        let body = match req.method {
            "PUT" | "POST" => Some(req.body.as_deref().unwrap_or(&[])),
            _ => req.body.as_deref(),
        };
        let mut bytes = Vec::with_capacity(512 + body.map_or(0, <[u8]>::len));
        http1::request::write(
            &mut bytes,
            req.method,
            target,
            authority,
            &self.user_agent,
            &headers,
            body,
        );
        drop(headers);
        drop(creds);
        // The attempt ends at the per-request timeout or at the call's deadline, whichever
        // comes first; which one it was names the timeout.
        let deadline_bound = time_left < self.request_timeout;
        let budget = Budget {
            until: Instant::now() + time_left.min(self.request_timeout),
            reason: ureq::Timeout::Global,
        };
        let pooled = {
            // A request that is not idempotent must not go out on a connection the server
            // may have closed, since sending it again on a new one is not safe: whatever
            // connection the pool hands out for it is probed, however fresh.
            let _probe = (!idempotent(req.method)).then(liveness::ProbeEveryCheckout::enter);
            self.pool.take(authority)
        };
        let mut connection = match pooled {
            Some(connection) => connection,
            None => Connection {
                transport: self
                    .connector
                    .open(self.endpoint.scheme(), authority, budget)
                    .map_err(|e| map_ureq_error(e, deadline_bound))?,
                authority: authority.into(),
            },
        };
        send(&mut *connection.transport, &bytes, budget)
            .map_err(|e| map_ureq_error(e, deadline_bound))?;
        let answer =
            http1::response::read(&mut *connection.transport, budget, self.max_response_bytes)
                .map_err(|f| map_answer_failure(f, deadline_bound))?;
        if answer.reusable {
            self.pool.give_back(connection);
        }
        let status = answer.status;
        if (200..300).contains(&status) {
            return Ok(OssResponse {
                status,
                request_id: answer.request_id,
                body: answer.body,
                attempts: 1,
            });
        }
        let error = service_error(
            status,
            answer.request_id,
            &answer.body,
            answer.oss_err.as_deref(),
        );
        let skewed = error.code == "RequestTimeTooSkewed";
        let server_time = if skewed {
            answer
                .date
                .as_deref()
                .and_then(crate::time::parse_http_date)
        } else {
            None
        };
        Err(AttemptFailure {
            retryable: retryable_status(status) || (skewed && server_time.is_some()),
            server_time,
            error: Error::service(error),
        })
    }
}

/// Hands the whole request to the transport, in pieces only if it is larger than the
/// transport's output buffer; osslive's TCP transport sends it in one write when the
/// answer is awaited.
fn send(
    transport: &mut dyn ureq::unversioned::transport::Transport,
    mut bytes: &[u8],
    budget: Budget,
) -> Result<(), ureq::Error> {
    while !bytes.is_empty() {
        let output = transport.buffers().output();
        let n = output.len().min(bytes.len());
        output[..n].copy_from_slice(&bytes[..n]);
        transport.transmit_output(n, budget.next())?;
        bytes = &bytes[n..];
    }
    Ok(())
}

/// `SCHEME://AUTHORITY/TARGET` → (`AUTHORITY`, `/TARGET`), for the URLs
/// [`request_url`] makes (always a scheme, always a path).
fn split_url(url: &str) -> (&str, &str) {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    match rest.find('/') {
        Some(slash) => rest.split_at(slash),
        None => (rest, "/"),
    }
}

/// Whether sending a request with this method twice does what sending it once does: all
/// LiveChannel calls but PostVodPlaylist (`POST`), each of which has OSS build and write a
/// playlist, and HTTP does not promise that a POST may be repeated.
fn idempotent(method: &str) -> bool {
    method != "POST"
}

/// Whether OSS may have acted on a request that failed this way. Only a failure before
/// the request left (name lookup, connecting) or an answer saying it was refused (503,
/// 429, a skewed clock) proves it did not; a reset, a timeout while waiting for the answer,
/// or another 5xx leaves it open.
fn may_have_been_processed(error: &Error) -> bool {
    use crate::error::{TimeoutKind, TransportErrorKind};
    match error {
        Error::Transport(t) => !matches!(
            t.kind(),
            TransportErrorKind::Dns | TransportErrorKind::Connect
        ),
        Error::Timeout(t) => t.kind() != TimeoutKind::Connect,
        Error::Service(s) => {
            !(s.status == 503 || s.status == 429 || s.code == "RequestTimeTooSkewed")
        }
        // Never retried anyway: a cancelled call returns at once.
        _ => true,
    }
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.debug_fields(f.debug_struct("Transport"))
            .finish_non_exhaustive()
    }
}
