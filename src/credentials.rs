//! Access keys, and where a client gets them before each request.

use std::fmt;

use crate::Error;

/// An access key id and secret, with the security token of temporary (STS) credentials.
///
/// `Debug` shows the id only; the secret and token are wiped from memory on drop.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    access_key_id: String,
    access_key_secret: String,
    security_token: Option<String>,
}

impl Credentials {
    /// Long-term credentials.
    pub fn new(
        access_key_id: impl Into<String>,
        access_key_secret: impl Into<String>,
    ) -> Credentials {
        Credentials {
            access_key_id: access_key_id.into(),
            access_key_secret: access_key_secret.into(),
            security_token: None,
        }
    }

    /// Adds the security token of temporary STS credentials.
    pub fn with_security_token(mut self, token: impl Into<String>) -> Credentials {
        self.security_token = Some(token.into());
        self
    }

    /// Reads `OSS_ACCESS_KEY_ID`, `OSS_ACCESS_KEY_SECRET` and, when set, `OSS_SESSION_TOKEN`,
    /// as the Go SDK's environment provider does.
    pub fn from_env() -> Result<Credentials, Error> {
        let read = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let id = read("OSS_ACCESS_KEY_ID")
            .ok_or_else(|| Error::credentials("OSS_ACCESS_KEY_ID is not set"))?;
        let secret = read("OSS_ACCESS_KEY_SECRET")
            .ok_or_else(|| Error::credentials("OSS_ACCESS_KEY_SECRET is not set"))?;
        let creds = Credentials::new(id, secret);
        Ok(match read("OSS_SESSION_TOKEN") {
            Some(token) => creds.with_security_token(token),
            None => creds,
        })
    }

    /// The access key id.
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The access key secret. Keep it out of logs.
    pub fn access_key_secret(&self) -> &str {
        &self.access_key_secret
    }

    /// The STS security token, if these are temporary credentials.
    pub fn security_token(&self) -> Option<&str> {
        self.security_token.as_deref()
    }

    fn check(&self) -> Result<(), Error> {
        if self.access_key_id.is_empty() || self.access_key_secret.is_empty() {
            return Err(Error::credentials(
                "the access key id and secret must not be empty",
            ));
        }
        if self.security_token.as_deref() == Some("") {
            return Err(Error::credentials(
                "the security token, when given, must not be empty",
            ));
        }
        // The id and token travel in headers; the secret is only an HMAC key.
        let limit = crate::settings::MAX_HEADER_VALUE_BYTES;
        let too_long = |s: &str| s.len() > limit;
        if too_long(&self.access_key_id) || self.security_token.as_deref().is_some_and(too_long) {
            return Err(Error::credentials(format!(
                "the access key id and security token must each be at most {limit} bytes"
            )));
        }
        // A line break in a value would end the header it is sent in.
        let bad = |s: &str| s.bytes().any(|b| b.is_ascii_control());
        if bad(&self.access_key_id)
            || bad(&self.access_key_secret)
            || self.security_token.as_deref().is_some_and(bad)
        {
            return Err(Error::credentials(
                "credentials must not contain control characters",
            ));
        }
        Ok(())
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("access_key_secret", &"<redacted>")
            .field(
                "security_token",
                &self.security_token.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

impl Drop for Credentials {
    fn drop(&mut self) {
        wipe(&mut self.access_key_secret);
        if let Some(token) = self.security_token.as_mut() {
            wipe(token);
        }
    }
}

fn wipe(s: &mut String) {
    // SAFETY: zero bytes are valid UTF-8, so the String stays valid.
    crate::signing::wipe(unsafe { s.as_mut_vec() });
}

/// Where a client gets credentials. It is asked before every request, so a provider
/// that refreshes temporary STS credentials takes effect at once.
pub trait CredentialsProvider: Send + Sync + fmt::Debug {
    /// The credentials to sign the next request with.
    fn credentials(&self) -> Result<Credentials, Error>;
}

impl CredentialsProvider for Credentials {
    fn credentials(&self) -> Result<Credentials, Error> {
        Ok(self.clone())
    }
}

/// Reads the environment (`OSS_ACCESS_KEY_ID`, `OSS_ACCESS_KEY_SECRET`,
/// `OSS_SESSION_TOKEN`) at every request, like the Go SDK's
/// `NewEnvironmentVariableCredentialsProvider`.
#[derive(Debug, Clone, Copy, Default)]
pub struct EnvironmentCredentials;

impl CredentialsProvider for EnvironmentCredentials {
    fn credentials(&self) -> Result<Credentials, Error> {
        Credentials::from_env()
    }
}

/// Asks a provider and checks that what it gave can be used.
pub(crate) fn fetch(provider: &dyn CredentialsProvider) -> Result<Credentials, Error> {
    let creds = provider.credentials()?;
    creds.check()?;
    Ok(creds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret_or_token() {
        let creds =
            Credentials::new("LTAIid", "very-secret-value").with_security_token("token-value");
        let shown = format!("{creds:?}");
        assert!(shown.contains("LTAIid"));
        assert!(
            !shown.contains("very-secret-value") && !shown.contains("token-value"),
            "{shown}"
        );
    }

    #[test]
    fn unusable_credentials_are_refused_before_signing() {
        assert!(fetch(&Credentials::new("", "s")).is_err());
        assert!(fetch(&Credentials::new("id", "")).is_err());
        assert!(fetch(&Credentials::new("id", "s").with_security_token("")).is_err());
        assert!(fetch(&Credentials::new("id", "s\r\nX-Injected: 1")).is_err());
        assert!(fetch(&Credentials::new("id", "s").with_security_token("t")).is_ok());
    }
}
