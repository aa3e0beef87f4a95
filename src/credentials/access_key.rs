//! [`Credentials`]: an access key, with the security token and expiry of temporary (STS)
//! credentials.

use std::fmt;
use std::time::SystemTime;

use crate::Error;

/// An access key id and secret, with the security token of temporary (STS) credentials
/// and, when known, the time they expire.
///
/// `Debug` shows the id and expiry only; the secret and token are wiped from memory on drop.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    access_key_id: String,
    access_key_secret: String,
    security_token: Option<String>,
    expiration: Option<SystemTime>,
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
            expiration: None,
        }
    }

    /// Adds the security token of temporary STS credentials.
    pub fn with_security_token(mut self, token: impl Into<String>) -> Credentials {
        self.security_token = Some(token.into());
        self
    }

    /// Says when these credentials stop working (the `Expiration` of STS credentials). A
    /// client refreshes credentials that carry an expiry a margin before it (see
    /// [`RefreshingCredentials`](crate::credentials::RefreshingCredentials)) and asks its
    /// provider again before every request for those that carry none.
    pub fn with_expiration(mut self, expiration: SystemTime) -> Credentials {
        self.expiration = Some(expiration);
        self
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

    /// When these credentials expire, if they do.
    pub fn expiration(&self) -> Option<SystemTime> {
        self.expiration
    }

    /// Whether these credentials can be used in a request: none of them empty, the id and
    /// token short enough for a header, nothing that would end the header they are sent in.
    pub(crate) fn check(&self) -> Result<(), Error> {
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
            .field("expiration", &self.expiration.map(crate::time::iso8601))
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

/// Overwrites a string that held a secret before its memory is freed.
pub(crate) fn wipe(s: &mut String) {
    // SAFETY: zero bytes are valid UTF-8, so the String stays valid.
    crate::signing::wipe(unsafe { s.as_mut_vec() });
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
        assert!(Credentials::new("", "s").check().is_err());
        assert!(Credentials::new("id", "").check().is_err());
        assert!(
            Credentials::new("id", "s")
                .with_security_token("")
                .check()
                .is_err()
        );
        assert!(
            Credentials::new("id", "s\r\nX-Injected: 1")
                .check()
                .is_err()
        );
        assert!(
            Credentials::new("id", "s")
                .with_security_token("t")
                .check()
                .is_ok()
        );
    }

    #[test]
    fn debug_shows_when_they_expire() {
        let at = crate::time::from_unix_seconds(1_700_000_000);
        let shown = format!("{:?}", Credentials::new("id", "s").with_expiration(at));
        assert!(shown.contains("2023-11-14T22:13:20.000Z"), "{shown}");
    }
}
