//! Credentials from C beyond fixed keys: a callback the library asks for them (to rotate
//! STS tokens without making a new client), and the default chain.

use std::ffi::{c_char, c_int, c_void};
use std::sync::Mutex;

use super::boundary::FfiError;
use super::config::{UserData, osslive_config, update};
use super::error::osslive_error;
use crate::credentials::{Credentials, CredentialsProvider, DefaultCredentialsChain};
use crate::{Error, MAX_HEADER_VALUE_BYTES};

/// The size of each buffer a credentials callback is given: the longest access key id,
/// secret or security token the library accepts (16 KiB), and the NUL after it.
pub const OSSLIVE_CREDENTIALS_BUFFER_SIZE: usize = 16385;

// A literal above, for the C header; it must follow the library's limit.
const _: () = assert!(OSSLIVE_CREDENTIALS_BUFFER_SIZE == MAX_HEADER_VALUE_BYTES + 1);

/// Gives a client credentials. Write the access key id, the secret and, for STS
/// credentials, the security token as NUL-terminated strings into the three buffers the
/// library provides (each `*_size` bytes, `OSSLIVE_CREDENTIALS_BUFFER_SIZE`, zero-filled;
/// leave `security_token` empty for long-term keys), set `*expiration` to the Unix time in
/// seconds at which they stop working (or leave it 0 if they never do), and return 0.
/// Return anything else when you cannot give credentials now; write nothing secret
/// anywhere else, the library wipes the buffers after the call.
pub type osslive_credentials_callback = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        access_key_id: *mut c_char,
        access_key_id_size: usize,
        access_key_secret: *mut c_char,
        access_key_secret_size: usize,
        security_token: *mut c_char,
        security_token_size: usize,
        expiration: *mut i64,
    ) -> c_int,
>;

/// The callback's function, known not to be NULL.
type Callback = unsafe extern "C" fn(
    *mut c_void,
    *mut c_char,
    usize,
    *mut c_char,
    usize,
    *mut c_char,
    usize,
    *mut i64,
) -> c_int;

/// A provider asking a C callback. Calls are serialized by the lock, which also holds
/// credentials given without an expiry: those are never asked for again.
struct CallbackCredentials {
    callback: Callback,
    user_data: UserData,
    permanent: Mutex<Option<Credentials>>,
}

impl std::fmt::Debug for CallbackCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CallbackCredentials")
    }
}

/// Three zeroed buffers for the callback, wiped when dropped.
struct Buffers([Vec<u8>; 3]);

impl Drop for Buffers {
    fn drop(&mut self) {
        for buffer in &mut self.0 {
            crate::signing::wipe(buffer);
        }
    }
}

/// The string the callback wrote into `buffer`, named `what` in errors.
fn written<'a>(buffer: &'a [u8], what: &str) -> Result<&'a str, Error> {
    let end = buffer.iter().position(|&b| b == 0).ok_or_else(|| {
        Error::credentials(format!(
            "the credentials callback did not end the {what} with a NUL within {} bytes",
            buffer.len()
        ))
    })?;
    std::str::from_utf8(&buffer[..end])
        .map_err(|_| Error::credentials(format!("the credentials callback's {what} is not UTF-8")))
}

impl CredentialsProvider for CallbackCredentials {
    fn credentials(&self) -> Result<Credentials, Error> {
        let mut permanent = self.permanent.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(creds) = &*permanent {
            return Ok(creds.clone());
        }
        let size = OSSLIVE_CREDENTIALS_BUFFER_SIZE;
        let mut buffers = Buffers([vec![0u8; size], vec![0u8; size], vec![0u8; size]]);
        let mut expiration: i64 = 0;
        let [id, secret, token] = &mut buffers.0;
        let user = self.user_data;
        // SAFETY: osslive_config_set_credentials_callback's caller promised that the
        // callback may be called with its user data from any thread; the buffers are
        // `size` bytes each and live until after the call.
        let status = unsafe {
            (self.callback)(
                user.0,
                id.as_mut_ptr().cast(),
                size,
                secret.as_mut_ptr().cast(),
                size,
                token.as_mut_ptr().cast(),
                size,
                &mut expiration,
            )
        };
        if status != 0 {
            return Err(Error::credentials(format!(
                "the credentials callback failed (it returned {status})"
            )));
        }
        let id = written(id, "access key id")?;
        let secret = written(secret, "access key secret")?;
        let token = written(token, "security token")?;
        if id.is_empty() || secret.is_empty() {
            return Err(Error::credentials(
                "the credentials callback gave no access key id or secret",
            ));
        }
        let mut creds = Credentials::new(id, secret);
        if !token.is_empty() {
            creds = creds.with_security_token(token);
        }
        match expiration {
            0 => {
                *permanent = Some(creds.clone());
                Ok(creds)
            }
            secs => {
                let expires = super::boundary::unix_time("expiration", secs).map_err(|_| {
                    Error::credentials(format!(
                        "the credentials callback's expiration {secs} is not a Unix time"
                    ))
                })?;
                Ok(creds.with_expiration(expires))
            }
        }
    }
}

/// Makes clients get credentials from `callback`, called with `user_data`, instead of
/// fixed keys: to rotate STS credentials without making a new client.
///
/// A client calls it before its first request, then again a margin before the expiration
/// it was given (the smaller of 15 minutes and a quarter of the credentials' lifetime),
/// from whichever thread is making a request at that moment; the other threads go on
/// with the credentials still valid (or wait, when there are none). Credentials given
/// without an expiration are kept for good: the callback is not called again. The
/// callback is never called by two threads at once. When it fails (returns non-zero, or
/// gives unusable credentials), the failure is reported to the log callback
/// (`OSSLIVE_LOG_WARN`), the client goes on with the credentials it has until they
/// expire, and asks again after a delay (1 s, doubling, at most 30 s and at most a quarter
/// of the time left); a request made when no valid credentials are left fails with
/// `OSSLIVE_ERR_CREDENTIALS`.
///
/// The caller guarantees that `callback` may be called with `user_data` from any thread,
/// that both stay valid until the last client made from this configuration, and the
/// configuration itself, are freed, that the callback returns promptly (requests wait for
/// it while no valid credentials are left), and that it makes no call on a client made
/// from this configuration (it would wait for itself). A NULL `callback` is
/// `OSSLIVE_ERR_INVALID_ARGUMENT`.
///
/// # Safety
/// `config` is NULL or a live configuration; `callback`, if not NULL, keeps the promises
/// above.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_config_set_credentials_callback(
    config: *mut osslive_config,
    callback: osslive_credentials_callback,
    user_data: *mut c_void,
    err: *mut *mut osslive_error,
) -> c_int {
    update(config, err, |b| {
        let callback = callback.ok_or_else(|| FfiError::invalid("callback", "must not be NULL"))?;
        Ok(b.credentials_provider(CallbackCredentials {
            callback,
            user_data: UserData(user_data),
            permanent: Mutex::new(None),
        }))
    })
}

/// Makes clients get credentials from the default chain of the official Alibaba Cloud
/// credentials libraries, in `credentials-go`'s order: the environment (`OSS_ACCESS_KEY_ID`,
/// `OSS_ACCESS_KEY_SECRET`, `OSS_SESSION_TOKEN`, else `ALIBABA_CLOUD_ACCESS_KEY_ID`,
/// `ALIBABA_CLOUD_ACCESS_KEY_SECRET`, `ALIBABA_CLOUD_SECURITY_TOKEN`); the Alibaba Cloud
/// CLI's `~/.aliyun/config.json` (`ALIBABA_CLOUD_CONFIG_FILE`, `ALIBABA_CLOUD_PROFILE`;
/// off with `ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true`); `~/.alibabacloud/credentials`
/// (`ALIBABA_CLOUD_CREDENTIALS_FILE`); the ECS instance's RAM role from the metadata service
/// (`ALIBABA_CLOUD_ECS_METADATA`, `ALIBABA_CLOUD_IMDSV1_DISABLED`; off with
/// `ALIBABA_CLOUD_ECS_METADATA_DISABLED=true`; elsewhere than `http://100.100.100.200` with
/// `OSSLIVE_ECS_METADATA_ENDPOINT`); and `ALIBABA_CLOUD_CREDENTIALS_URI`. The first source
/// that gives credentials is kept; temporary ones are refreshed before they expire. When no
/// source gives any, requests fail with `OSSLIVE_ERR_CREDENTIALS` and a message saying what
/// each source found (never a secret).
///
/// # Safety
/// `config` is NULL or a live configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_config_use_default_credentials(
    config: *mut osslive_config,
    err: *mut *mut osslive_error,
) -> c_int {
    update(config, err, |b| {
        Ok(b.credentials_provider(DefaultCredentialsChain::new()))
    })
}
