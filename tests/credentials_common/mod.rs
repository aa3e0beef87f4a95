//! What the credentials tests share: setting environment variables and putting them back,
//! and one ListLiveChannel call through a client that gets its credentials from a given
//! provider.
//!
//! The environment is process-global: a test binary that uses [`set`] holds one test that
//! changes it, and no other thread of the process (the emulator's included) reads it.

// Each test crate that includes this module uses only some of it.
#![allow(dead_code)]

use std::ffi::OsString;

use osslive::{Client, CredentialsProvider, Error};
use osslive_emulator::Emulator;

/// Sets `name` to `value`, or removes it for `None`.
pub fn set(name: &str, value: Option<&str>) {
    // SAFETY: see the module documentation: one test changes the environment and no other
    // thread reads it meanwhile.
    match value {
        Some(v) => unsafe { std::env::set_var(name, v) },
        None => unsafe { std::env::remove_var(name) },
    }
}

/// The values `names` have now; dropping it puts them back (even after a panic).
pub struct Restore(Vec<(&'static str, Option<OsString>)>);

impl Restore {
    /// Remembers the current values of `names`.
    pub fn save(names: &[&'static str]) -> Restore {
        Restore(names.iter().map(|v| (*v, std::env::var_os(v))).collect())
    }
}

impl Drop for Restore {
    fn drop(&mut self) {
        for (name, value) in &self.0 {
            set(name, value.as_deref().and_then(|v| v.to_str()));
        }
    }
}

/// One ListLiveChannel call on `bucket` by a client of `emulator` using `provider`, one
/// attempt.
pub fn list_with(
    emulator: &Emulator,
    bucket: &str,
    provider: impl CredentialsProvider + 'static,
) -> Result<(), Error> {
    let client = Client::builder()
        .endpoint(emulator.endpoint())
        .region("cn-hangzhou")
        .credentials_provider(provider)
        .max_attempts(1)
        .build()
        .unwrap();
    client
        .bucket(bucket)?
        .list_live_channel(&Default::default())
        .map(drop)
}
