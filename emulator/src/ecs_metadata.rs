//! An ECS instance metadata service for tests, on a listener of its own (as the real one
//! is at `http://100.100.100.200`): the RAM role endpoints a credentials library asks,
//! handing out STS credentials that the emulator then accepts until they expire.
//!
//! - `PUT /latest/api/token` with `X-aliyun-ecs-metadata-token-ttl-seconds: N` (1 to
//!   21600): an IMDSv2 session token valid N seconds, echoing the header.
//! - `GET /latest/meta-data/ram/security-credentials/`: the role's name.
//! - `GET /latest/meta-data/ram/security-credentials/ROLE`: `{"Code": "Success",
//!   "AccessKeyId": "STS.…", "AccessKeySecret", "SecurityToken", "Expiration",
//!   "LastUpdated"}`. The same credentials are given until half their lifetime has passed,
//!   then new ones; each stays accepted until its own `Expiration`.
//!
//! A request may carry `X-aliyun-ecs-metadata-token`; a token that is not one this service
//! gave, or has expired, is refused with 401. With [`EcsMetadataConfig::require_token`]
//! (ECS's "security hardening mode") a request without one is refused with 401 too.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sha2::{Digest, Sha256};

use crate::app::App;
use crate::http::{BadRequest, Handler, Request, Response};
use crate::keyring::Credential;
use crate::request_log::RequestLog;

/// The header a session token is asked for with, and its lifetime in seconds.
pub const TOKEN_TTL_HEADER: &str = "X-aliyun-ecs-metadata-token-ttl-seconds";
/// The header carrying a session token.
pub const TOKEN_HEADER: &str = "X-aliyun-ecs-metadata-token";
/// The longest session token ECS gives, in seconds.
pub const MAX_TOKEN_TTL_SECS: u64 = 21_600;

const CREDENTIALS_PATH: &str = "/latest/meta-data/ram/security-credentials/";

/// How to serve the metadata service.
#[derive(Debug, Clone)]
pub struct EcsMetadataConfig {
    /// The RAM role attached to the "instance".
    pub role: String,
    /// How long the STS credentials it gives are valid.
    pub credentials_ttl: Duration,
    /// Refuse requests without a session token (IMDSv2 only).
    pub require_token: bool,
    /// Where to listen; port 0 picks a free port.
    pub listen: SocketAddr,
}

impl EcsMetadataConfig {
    /// The role `role`, credentials valid an hour, IMDSv1 allowed, on `127.0.0.1:0`.
    pub fn new(role: impl Into<String>) -> EcsMetadataConfig {
        EcsMetadataConfig {
            role: role.into(),
            credentials_ttl: Duration::from_secs(3600),
            require_token: false,
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
        }
    }

    /// Gives credentials valid this long.
    pub fn credentials_ttl(mut self, ttl: Duration) -> Self {
        self.credentials_ttl = ttl;
        self
    }

    /// Refuses requests without a session token.
    pub fn require_token(mut self, require: bool) -> Self {
        self.require_token = require;
        self
    }

    /// Listens here.
    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen = addr;
        self
    }
}

/// The credentials given out last.
struct Issued {
    credential: Credential,
    issued: SystemTime,
}

/// The metadata service (see the module documentation).
pub struct EcsMetadata {
    app: Arc<App>,
    config: EcsMetadataConfig,
    log: Option<RequestLog>,
    sessions: Mutex<Vec<(String, SystemTime)>>,
    issued: Mutex<Option<Issued>>,
    counter: AtomicU64,
    seed: u128,
}

impl EcsMetadata {
    /// A service giving credentials that `app` accepts, logging to `log`.
    pub fn new(app: Arc<App>, config: EcsMetadataConfig, log: Option<RequestLog>) -> Self {
        let seed = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
            ^ u128::from(std::process::id());
        EcsMetadata {
            app,
            config,
            log,
            sessions: Mutex::default(),
            issued: Mutex::default(),
            counter: AtomicU64::new(0),
            seed,
        }
    }

    /// A fresh unguessable-enough value for tests: hex of a hash of a seed and a counter.
    fn fresh(&self, what: &str) -> String {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let digest = Sha256::digest(format!("{}:{what}:{n}", self.seed));
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Whether the request may be answered; the status to refuse it with otherwise.
    fn check_session(&self, req: &Request, now: SystemTime) -> Result<&'static str, u16> {
        match req.header(TOKEN_HEADER) {
            Some(token) => {
                let mut sessions = self.sessions.lock().unwrap_or_else(|p| p.into_inner());
                sessions.retain(|(_, expires)| now < *expires);
                if sessions.iter().any(|(t, _)| t == token) {
                    Ok("imdsv2")
                } else {
                    Err(401)
                }
            }
            None if self.config.require_token => Err(401),
            None => Ok("imdsv1"),
        }
    }

    fn new_session(&self, req: &Request, now: SystemTime) -> Response {
        let ttl = req
            .header(TOKEN_TTL_HEADER)
            .and_then(|v| v.trim().parse::<u64>().ok())
            .filter(|ttl| (1..=MAX_TOKEN_TTL_SECS).contains(ttl));
        let Some(ttl) = ttl else {
            return text(
                400,
                "X-aliyun-ecs-metadata-token-ttl-seconds must be 1 to 21600\n",
            );
        };
        let token = self.fresh("session");
        self.sessions
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push((token.clone(), now + Duration::from_secs(ttl)));
        text(200, &token).with_header(TOKEN_TTL_HEADER, ttl.to_string())
    }

    /// The role's credentials: those given before until half their life has passed.
    fn credentials(&self, now: SystemTime) -> Result<Response, String> {
        let mut issued = self.issued.lock().unwrap_or_else(|p| p.into_inner());
        let half_life = self.config.credentials_ttl / 2;
        let current = issued.as_ref().filter(|i| {
            now.duration_since(i.issued)
                .is_ok_and(|age| age < half_life)
        });
        let credential = match current {
            Some(i) => i.credential.clone(),
            None => {
                let expires = now + self.config.credentials_ttl;
                let credential = Credential::new(
                    format!("STS.ecs{}", &self.fresh("id")[..20]),
                    self.fresh("secret"),
                )
                .with_security_token(format!("ecs-token-{}", self.fresh("token")))
                .expiring_at(expires);
                self.app.keyring.add(credential.clone())?;
                *issued = Some(Issued {
                    credential: credential.clone(),
                    issued: now,
                });
                credential
            }
        };
        let issued_at = issued.as_ref().map_or(now, |i| i.issued);
        let body = format!(
            "{{\n  \"AccessKeyId\" : \"{}\",\n  \"AccessKeySecret\" : \"{}\",\n  \
             \"Expiration\" : \"{}\",\n  \"SecurityToken\" : \"{}\",\n  \
             \"LastUpdated\" : \"{}\",\n  \"Code\" : \"Success\"\n}}",
            credential.access_key_id,
            credential.access_key_secret,
            seconds_utc(credential.expires.unwrap_or(now)),
            credential.security_token.as_deref().unwrap_or(""),
            seconds_utc(issued_at),
        );
        Ok(Response::new(200)
            .with_header("Content-Type", "text/plain")
            .with_body(body.into_bytes()))
    }

    fn serve(&self, req: &Request, path: &str) -> (Response, &'static str) {
        let now = self.app.clock.now();
        if req.method == "PUT" && path == "/latest/api/token" {
            return (self.new_session(req, now), "session token");
        }
        if req.method != "GET" {
            return (text(405, "method not allowed\n"), "refused");
        }
        let Some(name) = path.strip_prefix(CREDENTIALS_PATH) else {
            return (text(404, "not found\n"), "not found");
        };
        let mode = match self.check_session(req, now) {
            Ok(mode) => mode,
            Err(status) => return (text(status, "unauthorized\n"), "refused"),
        };
        if name.is_empty() {
            return (text(200, &self.config.role), mode);
        }
        if name != self.config.role {
            return (text(404, "not found\n"), "no such role");
        }
        match self.credentials(now) {
            Ok(response) => (response, mode),
            Err(why) => (text(500, &format!("{why}\n")), "failed"),
        }
    }
}

impl Handler for EcsMetadata {
    fn handle(&self, req: &Request) -> Response {
        let path = req.target.split('?').next().unwrap_or("");
        let (response, label) = self.serve(req, path);
        if let Some(log) = &self.log {
            log(&format!(
                "{} {path} {} - ecs-metadata {label}",
                req.method, response.status
            ));
        }
        response
    }

    fn bad_request(&self, _peer: SocketAddr, problem: &BadRequest) -> Response {
        text(400, &format!("{problem}\n"))
    }
}

fn text(status: u16, body: &str) -> Response {
    Response::new(status)
        .with_header("Content-Type", "text/plain")
        .with_body(body.as_bytes().to_vec())
}

/// `2006-01-02T15:04:05Z`: the metadata service's times, in whole seconds.
fn seconds_utc(t: SystemTime) -> String {
    let millis = crate::dates::iso8601(t);
    format!("{}Z", &millis[..19])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_whole_seconds_in_utc() {
        let t = UNIX_EPOCH + Duration::from_millis(1_700_000_000_123);
        assert_eq!(seconds_utc(t), "2023-11-14T22:13:20Z");
    }
}
