//! Credentials from environment variables: osslive's and the Go OSS SDK's `OSS_*`, then
//! the `ALIBABA_CLOUD_*` ones of the official `alibabacloud-credentials` libraries.

use super::access_key::Credentials;
use super::env;
use super::provider::CredentialsProvider;
use crate::Error;

/// The three variables of one naming scheme.
struct Variables {
    id: &'static str,
    secret: &'static str,
    token: &'static str,
}

/// In the order they are looked at: `OSS_*` (the OSS Go SDK's
/// `EnvironmentVariableCredentialsProvider`, what osslive read first), then the
/// `ALIBABA_CLOUD_*` of `credentials-go`'s environment provider.
const SCHEMES: [Variables; 2] = [
    Variables {
        id: "OSS_ACCESS_KEY_ID",
        secret: "OSS_ACCESS_KEY_SECRET",
        token: "OSS_SESSION_TOKEN",
    },
    Variables {
        id: "ALIBABA_CLOUD_ACCESS_KEY_ID",
        secret: "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
        token: "ALIBABA_CLOUD_SECURITY_TOKEN",
    },
];

impl Credentials {
    /// Reads the environment once, as [`EnvironmentCredentials`] does at every request:
    /// `OSS_ACCESS_KEY_ID`, `OSS_ACCESS_KEY_SECRET` and, when set, `OSS_SESSION_TOKEN`;
    /// or, when `OSS_ACCESS_KEY_ID` is not set, `ALIBABA_CLOUD_ACCESS_KEY_ID`,
    /// `ALIBABA_CLOUD_ACCESS_KEY_SECRET` and `ALIBABA_CLOUD_SECURITY_TOKEN`.
    pub fn from_env() -> Result<Credentials, Error> {
        for names in &SCHEMES {
            let Some(id) = env::var(names.id) else {
                continue;
            };
            // An id without its secret is a mistake to report, not a reason to look
            // further: the other scheme could hold someone else's key.
            let secret = env::var(names.secret).ok_or_else(|| {
                Error::credentials(format!("{} is set but {} is not", names.id, names.secret))
            })?;
            let creds = Credentials::new(id, secret);
            return Ok(match env::var(names.token) {
                Some(token) => creds.with_security_token(token),
                None => creds,
            });
        }
        Err(Error::credentials(format!(
            "neither {} nor {} is set",
            SCHEMES[0].id, SCHEMES[1].id
        )))
    }
}

/// Reads the environment at every request (see [`Credentials::from_env`] for the
/// variables), so that a change of key or token takes effect at once: like the Go SDK's
/// `NewEnvironmentVariableCredentialsProvider`, and the first step of the
/// [`DefaultCredentialsChain`](crate::credentials::DefaultCredentialsChain).
#[derive(Debug, Clone, Copy, Default)]
pub struct EnvironmentCredentials;

impl CredentialsProvider for EnvironmentCredentials {
    fn credentials(&self) -> Result<Credentials, Error> {
        Credentials::from_env()
    }
}
