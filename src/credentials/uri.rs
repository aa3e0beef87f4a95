//! Credentials from a URI that answers with temporary (STS) credentials as JSON, as
//! `credentials-go`'s `URLCredentialsProvider` gets them: `ALIBABA_CLOUD_CREDENTIALS_URI`,
//! a `GET` expecting 200 and `AccessKeyId`, `AccessKeySecret`, `SecurityToken` and
//! `Expiration`.

use std::time::Duration;

use super::access_key::Credentials;
use super::env;
use super::http::{CredentialsHttp, shown_url};
use super::provider::CredentialsProvider;
use super::session::{self, CodeCheck};
use crate::Error;

/// The variable holding the URI.
pub const CREDENTIALS_URI_VAR: &str = "ALIBABA_CLOUD_CREDENTIALS_URI";

/// `credentials-go`'s timeouts for a credentials URI.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const TOTAL_TIMEOUT: Duration = Duration::from_secs(10);

/// A credentials URI (see the module documentation). Each call asks it; a client keeps
/// what it gives until a margin before its `Expiration` (see
/// [`RefreshingCredentials`](crate::credentials::RefreshingCredentials)). Errors name the
/// URI without its query, which may hold a token.
#[derive(Debug)]
pub struct UriCredentials {
    uri: String,
    http: CredentialsHttp,
}

impl UriCredentials {
    /// Credentials from `uri` (`http://` or `https://`).
    pub fn new(uri: impl Into<String>) -> UriCredentials {
        UriCredentials {
            uri: uri.into(),
            http: CredentialsHttp::new(CONNECT_TIMEOUT, TOTAL_TIMEOUT),
        }
    }

    /// Credentials from the URI in `ALIBABA_CLOUD_CREDENTIALS_URI`, read now.
    pub fn from_env() -> Result<UriCredentials, Error> {
        env::var(CREDENTIALS_URI_VAR)
            .map(UriCredentials::new)
            .ok_or_else(|| Error::credentials(format!("{CREDENTIALS_URI_VAR} is not set")))
    }

    fn fetch(&self) -> Result<Credentials, String> {
        let shown = shown_url(&self.uri);
        if !self.uri.starts_with("http://") && !self.uri.starts_with("https://") {
            return Err(format!("{shown:?} is not an http:// or https:// URI"));
        }
        let answer = self
            .http
            .send("GET", &self.uri, &[])
            .map_err(|e| format!("GET {shown}: {e}"))?;
        if answer.status != 200 {
            return Err(format!("GET {shown} answered HTTP {}", answer.status));
        }
        session::parse(&answer.body, CodeCheck::Ignored).map_err(|e| format!("{shown}: {e}"))
    }
}

impl CredentialsProvider for UriCredentials {
    fn credentials(&self) -> Result<Credentials, Error> {
        self.fetch()
            .map_err(|why| Error::credentials(format!("credentials URI: {why}")))
    }
}
