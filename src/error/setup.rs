//! Errors that stop a call before anything is sent: the client's configuration and its
//! credentials.

use std::fmt;

use super::network::{Source, source_of};

/// What both error types here share: `message()`, `with_source`, `Display` (the
/// message), `source()`, and conversion from a message, so that code written when these
/// variants held a `String` (`Error::Credentials("...".into())`) still compiles.
macro_rules! message_error {
    ($ty:ident) => {
        impl $ty {
            /// Keeps the error that caused this one, for `source()`.
            pub fn with_source(
                mut self,
                source: impl std::error::Error + Send + Sync + 'static,
            ) -> Self {
                self.source = Some(Box::new(source));
                self
            }

            /// What is wrong.
            pub fn message(&self) -> &str {
                &self.message
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.message)
            }
        }

        impl std::error::Error for $ty {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                source_of(&self.source)
            }
        }

        impl From<String> for $ty {
            fn from(message: String) -> Self {
                $ty::new(message)
            }
        }

        impl From<&str> for $ty {
            fn from(message: &str) -> Self {
                $ty::new(message)
            }
        }
    };
}

/// The client is configured in a way that cannot work, or a request could not be built
/// from it.
#[derive(Debug)]
pub struct ConfigError {
    setting: Option<&'static str>,
    message: String,
    source: Option<Source>,
}

impl ConfigError {
    /// A configuration error saying what is wrong.
    pub fn new(message: impl Into<String>) -> Self {
        ConfigError {
            setting: None,
            message: message.into(),
            source: None,
        }
    }

    /// Names the `ClientBuilder` setting at fault, for example `"endpoint"` or `"region"`.
    pub fn with_setting(mut self, setting: &'static str) -> Self {
        self.setting = Some(setting);
        self
    }

    /// The `ClientBuilder` setting at fault (`endpoint`, `region`, `connect_timeout`,
    /// `request_timeout`, `deadline`, `retry_base_delay`, `max_attempts`, `user_agent`,
    /// `ca_certificates_pem`, `ca_file`), when one is.
    pub fn setting(&self) -> Option<&'static str> {
        self.setting
    }
}

message_error!(ConfigError);

/// Credentials could not be had or cannot be used. Never holds a secret.
#[derive(Debug)]
pub struct CredentialsError {
    message: String,
    source: Option<Source>,
}

impl CredentialsError {
    /// A credentials error saying what is wrong; a [`CredentialsProvider`] returns one
    /// when it cannot give credentials. Keep secrets out of the message.
    ///
    /// [`CredentialsProvider`]: crate::CredentialsProvider
    pub fn new(message: impl Into<String>) -> Self {
        CredentialsError {
            message: message.into(),
            source: None,
        }
    }
}

message_error!(CredentialsError);
