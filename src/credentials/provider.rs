//! [`CredentialsProvider`]: where a client gets credentials before each request.

use std::fmt;
use std::sync::{Arc, Mutex};

use super::access_key::Credentials;
use crate::Error;

/// Where a client gets credentials. A client asks it before every request, through a
/// [`RefreshingCredentials`](crate::credentials::RefreshingCredentials) of its own: credentials
/// that carry an expiry are kept until a margin before it, others are asked for again
/// every time, so a provider that reads a changing source takes effect at once.
pub trait CredentialsProvider: Send + Sync + fmt::Debug {
    /// The credentials to sign the next request with.
    fn credentials(&self) -> Result<Credentials, Error>;
}

impl CredentialsProvider for Credentials {
    fn credentials(&self) -> Result<Credentials, Error> {
        Ok(self.clone())
    }
}

/// Asks a provider and checks that what it gave can be used.
pub(crate) fn fetch(provider: &dyn CredentialsProvider) -> Result<Credentials, Error> {
    let creds = provider.credentials()?;
    creds.check()?;
    Ok(creds)
}

/// What an error says, without the `credentials:` every credentials error starts with:
/// for an error about credentials given as the reason of another.
pub(crate) fn reason(e: &Error) -> String {
    match e {
        Error::Credentials(c) => c.message().to_owned(),
        other => other.to_string(),
    }
}

/// A provider found once and kept: what a configuration file describes (read at the
/// first call, not again, as `credentials-go` does), the step of the default chain that
/// gave credentials. A failure is not kept: the next call tries again.
#[derive(Default)]
pub(crate) struct Remembered {
    found: Mutex<Option<Arc<dyn CredentialsProvider>>>,
}

impl Remembered {
    /// The provider found before, or the one `find` finds now.
    pub(crate) fn get_or_find<E>(
        &self,
        find: impl FnOnce() -> Result<Arc<dyn CredentialsProvider>, E>,
    ) -> Result<Arc<dyn CredentialsProvider>, E> {
        let mut found = self.found.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(provider) = &*found {
            return Ok(Arc::clone(provider));
        }
        let provider = find()?;
        *found = Some(Arc::clone(&provider));
        Ok(provider)
    }

    /// The provider found, if any.
    pub(crate) fn get(&self) -> Option<Arc<dyn CredentialsProvider>> {
        self.found.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

impl fmt::Debug for Remembered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.get() {
            Some(provider) => provider.fmt(f),
            None => f.write_str("None"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unusable_credentials_are_refused_before_signing() {
        assert!(fetch(&Credentials::new("", "s")).is_err());
        assert!(fetch(&Credentials::new("id", "s\r\nX-Injected: 1")).is_err());
        assert!(fetch(&Credentials::new("id", "s").with_security_token("t")).is_ok());
    }
}
