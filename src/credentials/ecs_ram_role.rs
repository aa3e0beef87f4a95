//! Credentials of the RAM role attached to an ECS instance, from its instance metadata
//! service, as `credentials-go`'s `ECSRAMRoleCredentialsProvider` gets them: an IMDSv2
//! session token first (`PUT /latest/api/token`, `X-aliyun-ecs-metadata-token-ttl-seconds`),
//! sent as `X-aliyun-ecs-metadata-token`; the role's name from
//! `GET /latest/meta-data/ram/security-credentials/` unless given; then
//! `GET /latest/meta-data/ram/security-credentials/ROLE`. Without a token, or when a
//! request with it fails, it falls back to plain (IMDSv1) requests unless
//! `ALIBABA_CLOUD_IMDSV1_DISABLED=true`.

use std::time::Duration;

use super::access_key::Credentials;
use super::env;
use super::http::{Answer, CredentialsHttp, shown_url};
use super::provider::CredentialsProvider;
use super::session::{self, CodeCheck};
use crate::Error;

/// The address of the metadata service inside ECS.
pub const DEFAULT_ECS_METADATA_ENDPOINT: &str = "http://100.100.100.200";

/// osslive's own variable (the official libraries have none) moving the metadata service
/// elsewhere, as `http://HOST:PORT`: for tests against a local one (the emulator's
/// `--serve-ecs-metadata`).
pub const ECS_METADATA_ENDPOINT_VAR: &str = "OSSLIVE_ECS_METADATA_ENDPOINT";

/// How long the IMDSv2 session token is asked for: `credentials-go`'s 6 hours, the most
/// ECS allows.
const TOKEN_TTL_SECONDS: &str = "21600";

/// `credentials-go`'s timeouts: the service answers at once or is not there.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);
const TOTAL_TIMEOUT: Duration = Duration::from_secs(2);

const CREDENTIALS_PATH: &str = "/latest/meta-data/ram/security-credentials/";

/// The ECS instance's RAM role (see the module documentation). Each call asks the
/// metadata service; a client keeps what it gives until a margin before its `Expiration`
/// (see [`RefreshingCredentials`](crate::credentials::RefreshingCredentials)).
#[derive(Debug)]
pub struct EcsRamRoleCredentials {
    role_name: Option<String>,
    endpoint: String,
    imds_v1_disabled: bool,
    disabled: bool,
    http: CredentialsHttp,
}

impl Default for EcsRamRoleCredentials {
    fn default() -> Self {
        EcsRamRoleCredentials::new()
    }
}

impl EcsRamRoleCredentials {
    /// Reads, now, what the official libraries read: the role name from
    /// `ALIBABA_CLOUD_ECS_METADATA` (else it is asked for), `ALIBABA_CLOUD_IMDSV1_DISABLED`
    /// and `ALIBABA_CLOUD_ECS_METADATA_DISABLED` (when `true`, every call fails without
    /// sending anything); and osslive's [`ECS_METADATA_ENDPOINT_VAR`].
    pub fn new() -> EcsRamRoleCredentials {
        EcsRamRoleCredentials {
            role_name: env::var("ALIBABA_CLOUD_ECS_METADATA"),
            endpoint: env::var(ECS_METADATA_ENDPOINT_VAR)
                .unwrap_or_else(|| DEFAULT_ECS_METADATA_ENDPOINT.to_owned()),
            imds_v1_disabled: env::flag("ALIBABA_CLOUD_IMDSV1_DISABLED"),
            disabled: env::flag("ALIBABA_CLOUD_ECS_METADATA_DISABLED"),
            http: CredentialsHttp::new(CONNECT_TIMEOUT, TOTAL_TIMEOUT),
        }
    }

    /// The role whose credentials to get, instead of asking the service for it.
    pub fn role_name(mut self, name: impl Into<String>) -> Self {
        self.role_name = Some(name.into()).filter(|n| !n.is_empty());
        self
    }

    /// Where the metadata service is (`http://HOST[:PORT]`), instead of
    /// [`DEFAULT_ECS_METADATA_ENDPOINT`].
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = endpoint.into();
        self
    }

    /// When `true`, fail rather than fall back to requests without a session token.
    pub fn imds_v1_disabled(mut self, disabled: bool) -> Self {
        self.imds_v1_disabled = disabled;
        self
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.endpoint.trim_end_matches('/'))
    }

    /// An IMDSv2 session token, or `None` to go on without one.
    fn session_token(&self) -> Result<Option<String>, String> {
        let answer = self.http.send(
            "PUT",
            &self.url("/latest/api/token"),
            &[("X-aliyun-ecs-metadata-token-ttl-seconds", TOKEN_TTL_SECONDS)],
        );
        let why = match answer {
            Ok(a) if a.status == 200 && !a.body.trim().is_empty() => {
                return Ok(Some(a.body.trim().to_owned()));
            }
            Ok(a) => format!("HTTP {}", a.status),
            Err(e) => e,
        };
        if self.imds_v1_disabled {
            Err(format!(
                "cannot get a metadata session token ({why}), and ALIBABA_CLOUD_IMDSV1_DISABLED \
                 forbids going on without one"
            ))
        } else {
            Ok(None)
        }
    }

    /// `GET path` with the session token, then without it when that fails and IMDSv1 is
    /// allowed; the answer when it is 200.
    fn get(&self, path: &str, token: Option<&str>) -> Result<Answer, String> {
        let url = self.url(path);
        // What went wrong, after the URL in the error.
        let attempt = |token: Option<&str>| {
            let headers: Vec<(&str, &str)> = token
                .map(|t| ("X-aliyun-ecs-metadata-token", t))
                .into_iter()
                .collect();
            match self.http.send("GET", &url, &headers) {
                Ok(a) if a.status == 200 => Ok(a),
                Ok(a) => Err(format!("answered HTTP {}", a.status)),
                Err(e) => Err(format!("failed: {e}")),
            }
        };
        let shown = shown_url(&url);
        match attempt(token) {
            Err(first) if token.is_some() && !self.imds_v1_disabled => {
                attempt(None).map_err(|second| {
                    format!("GET {shown} {first} (and without a session token, {second})")
                })
            }
            result => result.map_err(|why| format!("GET {shown} {why}")),
        }
    }

    fn fetch(&self) -> Result<Credentials, String> {
        if self.disabled {
            return Err("switched off by ALIBABA_CLOUD_ECS_METADATA_DISABLED=true".to_owned());
        }
        if !self.endpoint.starts_with("http://") && !self.endpoint.starts_with("https://") {
            return Err(format!(
                "the metadata endpoint {:?} is not an http:// URL",
                shown_url(&self.endpoint)
            ));
        }
        let token = self.session_token()?;
        let role = match &self.role_name {
            Some(name) => name.clone(),
            None => {
                let listing = self.get(CREDENTIALS_PATH, token.as_deref())?;
                let name = listing.body.lines().next().unwrap_or("").trim().to_owned();
                if name.is_empty() {
                    return Err("the instance has no RAM role attached".to_owned());
                }
                name
            }
        };
        let path = format!(
            "{CREDENTIALS_PATH}{}",
            crate::encoding::percent_encode(&role, false)
        );
        let answer = self.get(&path, token.as_deref())?;
        session::parse(&answer.body, CodeCheck::Required).map_err(|e| format!("role {role}: {e}"))
    }
}

impl CredentialsProvider for EcsRamRoleCredentials {
    fn credentials(&self) -> Result<Credentials, Error> {
        self.fetch()
            .map_err(|why| Error::credentials(format!("ECS RAM role: {why}")))
    }
}
