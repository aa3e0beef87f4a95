//! `osslive_config`: the settings of a client, a builder used from one thread at a time.

use std::ffi::{c_char, c_int, c_void};
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use super::boundary::{
    FfiError, c_string, free_handle, modify, new_handle, optional_str, required_str,
};
use super::error::osslive_error;
use crate::setting_rules;
use crate::validate::InvalidInput;
use crate::{
    Addressing, Client, ClientBuilder, Credentials, EnvironmentCredentials, SignatureVersion,
    TokenForm,
};

/// Sign HTTP requests with V4 (`OSS4-HMAC-SHA256`), the default.
pub const OSSLIVE_SIGNATURE_V4: c_int = 4;
/// Sign HTTP requests with V1, for old buckets.
pub const OSSLIVE_SIGNATURE_V1: c_int = 1;

/// Virtual-hosted addressing (`BUCKET.ENDPOINT`), the default for domain endpoints.
pub const OSSLIVE_ADDRESSING_VIRTUAL_HOSTED: c_int = 0;
/// Path-style addressing (`ENDPOINT/BUCKET`), the default for IP endpoints.
pub const OSSLIVE_ADDRESSING_PATH_STYLE: c_int = 1;
/// The endpoint is a custom domain (CNAME) bound to the bucket.
pub const OSSLIVE_ADDRESSING_CNAME: c_int = 2;

/// STS tokens in RTMP URLs are signed (Python and Java SDKs), the default.
pub const OSSLIVE_RTMP_TOKEN_SIGNED: c_int = 0;
/// STS tokens in RTMP URLs are not signed (Go SDK).
pub const OSSLIVE_RTMP_TOKEN_UNSIGNED: c_int = 1;

/// Settings for a client, filled with `osslive_config_set_*` and turned into a client by
/// `osslive_client_new`. Use it from one thread at a time; it can make several clients.
pub struct osslive_config {
    pub(super) builder: ClientBuilder,
}

/// A new configuration with the defaults: V4 signing, credentials from the environment
/// (`OSS_ACCESS_KEY_ID`, `OSS_ACCESS_KEY_SECRET`, `OSS_SESSION_TOKEN`, else their
/// `ALIBABA_CLOUD_*` counterparts), 10 s to connect and 30 s per request. Free it with
/// `osslive_config_free`. Out of memory the process aborts, as for every allocation of the
/// library; NULL only for an internal error (a bug), so a NULL check stays good practice.
#[unsafe(no_mangle)]
pub extern "C" fn osslive_config_new() -> *mut osslive_config {
    new_handle(|| osslive_config {
        builder: Client::builder(),
    })
}

/// Frees a configuration; NULL is fine. Clients made from it stay valid.
///
/// # Safety
/// `config` is NULL or a configuration from this library, not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_config_free(config: *mut osslive_config) {
    // SAFETY: per the contract.
    unsafe { free_handle(config) }
}

/// Changes a configuration's builder if `change` succeeds; on failure it is left as it was.
pub(super) fn update(
    config: *mut osslive_config,
    err: *mut *mut osslive_error,
    change: impl FnOnce(ClientBuilder) -> Result<ClientBuilder, FfiError>,
) -> c_int {
    modify(config, "config", err, |config| {
        config.builder = change(config.builder.clone())?;
        Ok(())
    })
}

/// The longest timeout, deadline or retry base delay, in milliseconds: one day.
pub const OSSLIVE_MAX_DURATION_MS: i64 = 86_400_000;

/// The most attempts `osslive_config_set_retry` accepts per call, the first included.
pub const OSSLIVE_RETRY_MAX_ATTEMPTS: c_int = 100;

// Literals above, for cbindgen, that must be the core's rules.
const _: () =
    assert!(OSSLIVE_MAX_DURATION_MS as u128 == setting_rules::MAX_SETTING_DURATION.as_millis());
const _: () = assert!(OSSLIVE_RETRY_MAX_ATTEMPTS as u32 == setting_rules::MAX_ATTEMPTS);

/// A duration in milliseconds from C, named `field`: not negative (a `-1` must not wrap
/// into weeks).
fn millis(field: &'static str, ms: i64) -> Result<Duration, FfiError> {
    u64::try_from(ms).map(Duration::from_millis).map_err(|_| {
        // An InvalidInput, so that osslive_error_field names the parameter.
        FfiError::from(InvalidInput {
            field,
            rule: "must not be negative".into(),
        })
    })
}

/// A timeout or the deadline in milliseconds from C, named `field`: 1 ms to one day.
fn timeout_ms(field: &'static str, ms: i64) -> Result<Duration, FfiError> {
    let value = millis(field, ms)?;
    setting_rules::timeout(field, value)?;
    Ok(value)
}

/// Sets the endpoint: `oss-cn-hangzhou.aliyuncs.com` (https), or with a scheme,
/// `http://127.0.0.1:9100`. Required. Checked at once: an empty endpoint, a scheme other
/// than `http://` and `https://`, a path or a port outside 1 to 65535 is an
/// `OSSLIVE_ERR_INVALID_ARGUMENT` with the field `"endpoint"`.
///
/// # Safety
/// `config` is NULL or a live configuration; `endpoint` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_config_set_endpoint(
    config: *mut osslive_config,
    endpoint: *const c_char,
    err: *mut *mut osslive_error,
) -> c_int {
    update(config, err, |b| {
        let endpoint = unsafe { required_str(endpoint, "endpoint") }?;
        setting_rules::endpoint("endpoint", endpoint)?;
        Ok(b.endpoint(endpoint))
    })
}

/// Sets the region V4 signatures are scoped to (`cn-hangzhou`). Needed for V4 unless the
/// endpoint is of the form `oss-REGION[-internal].aliyuncs.com`; `""` derives it from the
/// endpoint again. Checked at once: letters, digits and `-` only, at most 64 (field
/// `"region"`).
///
/// # Safety
/// `config` is NULL or a live configuration; `region` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_config_set_region(
    config: *mut osslive_config,
    region: *const c_char,
    err: *mut *mut osslive_error,
) -> c_int {
    update(config, err, |b| {
        let region = unsafe { required_str(region, "region") }?;
        setting_rules::region("region", region)?;
        Ok(b.region(region))
    })
}

/// Sets fixed credentials. `security_token` is NULL for long-term keys, or the STS token
/// of temporary credentials. The strings are copied.
///
/// # Safety
/// `config` is NULL or a live configuration; the strings are NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_config_set_credentials(
    config: *mut osslive_config,
    access_key_id: *const c_char,
    access_key_secret: *const c_char,
    security_token: *const c_char,
    err: *mut *mut osslive_error,
) -> c_int {
    update(config, err, |b| {
        let id = unsafe { required_str(access_key_id, "access_key_id") }?;
        let secret = unsafe { required_str(access_key_secret, "access_key_secret") }?;
        let token = unsafe { optional_str(security_token, "security_token") }?;
        if id.is_empty() || secret.is_empty() {
            return Err(FfiError::invalid(
                "credentials",
                "the access key id and secret must not be empty",
            ));
        }
        let mut creds = Credentials::new(id, secret);
        if let Some(t) = token.filter(|t| !t.is_empty()) {
            creds = creds.with_security_token(t);
        }
        Ok(b.credentials(creds))
    })
}

/// Reads credentials from `OSS_ACCESS_KEY_ID`, `OSS_ACCESS_KEY_SECRET` and
/// `OSS_SESSION_TOKEN` before every request (the default); when `OSS_ACCESS_KEY_ID` is not
/// set, from `ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET` and
/// `ALIBABA_CLOUD_SECURITY_TOKEN`.
///
/// # Safety
/// `config` is NULL or a live configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_config_use_environment_credentials(
    config: *mut osslive_config,
    err: *mut *mut osslive_error,
) -> c_int {
    update(config, err, |b| {
        Ok(b.credentials_provider(EnvironmentCredentials))
    })
}

/// `OSSLIVE_SIGNATURE_V4` (default) or `OSSLIVE_SIGNATURE_V1`.
///
/// # Safety
/// `config` is NULL or a live configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_config_set_signature_version(
    config: *mut osslive_config,
    version: c_int,
    err: *mut *mut osslive_error,
) -> c_int {
    update(config, err, |b| match version {
        OSSLIVE_SIGNATURE_V4 => Ok(b.signature_version(SignatureVersion::V4)),
        OSSLIVE_SIGNATURE_V1 => Ok(b.signature_version(SignatureVersion::V1)),
        _ => Err(FfiError::invalid(
            "version",
            "must be OSSLIVE_SIGNATURE_V4 or OSSLIVE_SIGNATURE_V1",
        )),
    })
}

/// One of `OSSLIVE_ADDRESSING_*`. Default: virtual-hosted, or path-style for an IP or
/// `localhost` endpoint.
///
/// # Safety
/// `config` is NULL or a live configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_config_set_addressing(
    config: *mut osslive_config,
    addressing: c_int,
    err: *mut *mut osslive_error,
) -> c_int {
    update(config, err, |b| match addressing {
        OSSLIVE_ADDRESSING_VIRTUAL_HOSTED => Ok(b.addressing(Addressing::VirtualHosted)),
        OSSLIVE_ADDRESSING_PATH_STYLE => Ok(b.addressing(Addressing::PathStyle)),
        OSSLIVE_ADDRESSING_CNAME => Ok(b.addressing(Addressing::Cname)),
        _ => Err(FfiError::invalid(
            "addressing",
            "must be one of the OSSLIVE_ADDRESSING_* values",
        )),
    })
}

/// Timeouts in milliseconds: to connect (default 10000) and for a whole request
/// (default 30000). Each must be from 1 to `OSSLIVE_MAX_DURATION_MS` (one day); a value
/// out of range, negative included, is an `OSSLIVE_ERR_INVALID_ARGUMENT` naming it
/// (`"connect_ms"` or `"request_ms"`) and changes nothing.
///
/// # Safety
/// `config` is NULL or a live configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_config_set_timeouts_ms(
    config: *mut osslive_config,
    connect_ms: i64,
    request_ms: i64,
    err: *mut *mut osslive_error,
) -> c_int {
    update(config, err, |b| {
        let connect = timeout_ms("connect_ms", connect_ms)?;
        let request = timeout_ms("request_ms", request_ms)?;
        Ok(b.connect_timeout(connect).request_timeout(request))
    })
}

/// Retries of transient failures (refused, reset or cut connections, timeouts, HTTP 500,
/// 502, 503, 504 and a skewed clock): `max_attempts` per call, the first included
/// (default 3; 1 turns retries off; at most `OSSLIVE_RETRY_MAX_ATTEMPTS`), with exponential
/// backoff and full jitter starting from `base_delay_ms` (default 200; 0 to
/// `OSSLIVE_MAX_DURATION_MS`). A value out of range, negative included, is an
/// `OSSLIVE_ERR_INVALID_ARGUMENT` naming it (`"max_attempts"` or `"base_delay_ms"`) and
/// changes nothing.
///
/// # Safety
/// `config` is NULL or a live configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_config_set_retry(
    config: *mut osslive_config,
    max_attempts: c_int,
    base_delay_ms: i64,
    err: *mut *mut osslive_error,
) -> c_int {
    update(config, err, |b| {
        // A negative count becomes 0, which the rule refuses.
        let attempts = u32::try_from(max_attempts).unwrap_or(0);
        setting_rules::max_attempts("max_attempts", attempts)?;
        let base_delay = millis("base_delay_ms", base_delay_ms)?;
        setting_rules::retry_base_delay("base_delay_ms", base_delay)?;
        Ok(b.max_attempts(attempts).retry_base_delay(base_delay))
    })
}

/// The most one call may take across all its attempts and backoffs, in milliseconds
/// (default 60000; 1 to `OSSLIVE_MAX_DURATION_MS`; out of range, negative included, is an
/// `OSSLIVE_ERR_INVALID_ARGUMENT` naming `"deadline_ms"`).
///
/// # Safety
/// `config` is NULL or a live configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_config_set_deadline_ms(
    config: *mut osslive_config,
    deadline_ms: i64,
    err: *mut *mut osslive_error,
) -> c_int {
    update(config, err, |b| {
        Ok(b.deadline(timeout_ms("deadline_ms", deadline_ms)?))
    })
}

/// Log levels passed to an `osslive_log_callback`.
pub const OSSLIVE_LOG_ERROR: c_int = 1;
/// Something went wrong and was handled (a retry, a clock correction).
pub const OSSLIVE_LOG_WARN: c_int = 2;
/// What the client is doing at a glance (retries and backoffs).
pub const OSSLIVE_LOG_INFO: c_int = 3;
/// Each request sent.
pub const OSSLIVE_LOG_DEBUG: c_int = 4;
/// Finer detail.
pub const OSSLIVE_LOG_TRACE: c_int = 5;

/// Receives one line of what a client is doing: `level` is an `OSSLIVE_LOG_*` value and
/// `message` a NUL-terminated UTF-8 line valid only during the call (copy it to keep it).
/// It may be called from any thread that uses the client, so it must be thread-safe.
/// It never receives a secret.
pub type osslive_log_callback =
    Option<unsafe extern "C" fn(user_data: *mut c_void, level: c_int, message: *const c_char)>;

/// The user data pointer handed back to a log or credentials callback; the caller
/// promises the callback may be called from any thread with it.
#[derive(Clone, Copy)]
pub(super) struct UserData(pub(super) *mut c_void);
// SAFETY: osslive_config_set_log_callback and osslive_config_set_credentials_callback
// document that the callback and its user data must be usable from any thread.
unsafe impl Send for UserData {}
// SAFETY: as above.
unsafe impl Sync for UserData {}

/// Sends the client's log lines (requests, retries, backoffs, clock corrections,
/// credentials refreshes; never a secret) to `callback` with `user_data`, for levels up to
/// `max_level` (`OSSLIVE_LOG_*`). Off by default; a NULL `callback` turns it off. The
/// callback may be called from any thread using the client, and must not call back into
/// the same client.
///
/// # Safety
/// `config` is NULL or a live configuration; `callback`, if not NULL, stays callable with
/// `user_data` from any thread until every client made from this configuration (or from a
/// copy of it made by a later `osslive_client_new`) is freed, and every pager made through
/// those clients too: a pager keeps its client's settings and logs its requests after the
/// client and the configuration are freed. Freeing the configuration alone does not end it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_config_set_log_callback(
    config: *mut osslive_config,
    callback: osslive_log_callback,
    user_data: *mut c_void,
    max_level: c_int,
    err: *mut *mut osslive_error,
) -> c_int {
    update(config, err, |b| {
        if !(OSSLIVE_LOG_ERROR..=OSSLIVE_LOG_TRACE).contains(&max_level) {
            return Err(FfiError::invalid(
                "max_level",
                "must be one of the OSSLIVE_LOG_* values",
            ));
        }
        let Some(callback) = callback else {
            return Ok(b.without_log_hook());
        };
        let user = UserData(user_data);
        Ok(b.log_hook(move |level, message| {
            let level = match level {
                log::Level::Error => OSSLIVE_LOG_ERROR,
                log::Level::Warn => OSSLIVE_LOG_WARN,
                log::Level::Info => OSSLIVE_LOG_INFO,
                log::Level::Debug => OSSLIVE_LOG_DEBUG,
                log::Level::Trace => OSSLIVE_LOG_TRACE,
            };
            if level > max_level {
                return;
            }
            let line = c_string(message);
            let user = user;
            // SAFETY: the caller promised the callback is callable with its user data
            // from any thread while the client lives.
            unsafe { callback(user.0, level, line.as_ptr()) };
        }))
    })
}

/// Sets the `User-Agent` header. Checked at once: no control character (CR, LF...) and
/// at most 16 KiB (field `"user_agent"`).
///
/// # Safety
/// `config` is NULL or a live configuration; `user_agent` is NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_config_set_user_agent(
    config: *mut osslive_config,
    user_agent: *const c_char,
    err: *mut *mut osslive_error,
) -> c_int {
    update(config, err, |b| {
        let user_agent = unsafe { required_str(user_agent, "user_agent") }?;
        setting_rules::user_agent("user_agent", user_agent)?;
        Ok(b.user_agent(user_agent))
    })
}

/// Sends connections for `host` and every `*.host` to `address` (`"IP:PORT"`), like
/// curl's `--resolve`; the `Host` header and signatures keep the name.
///
/// # Safety
/// `config` is NULL or a live configuration; the strings are NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_config_add_resolve(
    config: *mut osslive_config,
    host: *const c_char,
    address: *const c_char,
    err: *mut *mut osslive_error,
) -> c_int {
    update(config, err, |b| {
        let host = unsafe { required_str(host, "host") }?;
        let address = unsafe { required_str(address, "address") }?;
        let addr: SocketAddr = address
            .parse()
            .map_err(|_| FfiError::invalid("address", "must be IP:PORT, like 127.0.0.1:9100"))?;
        if host.is_empty() {
            return Err(FfiError::invalid("host", "must not be empty"));
        }
        Ok(b.resolve(host, addr))
    })
}

/// Trusts the CA certificates in the PEM file at `path` (a bundle of
/// `-----BEGIN CERTIFICATE-----` blocks) to sign the server's HTTPS certificate. The file
/// is read by this call. Once any CA is set, the set certificates are the only trust
/// roots: the built-in Mozilla roots are no longer used. May be called several times and
/// combined with `osslive_config_set_ca_pem`; every certificate set is trusted.
/// Certificates are always verified. A missing, unreadable or empty file, or one without
/// a certificate, is an `OSSLIVE_ERR_CONFIG` naming the path.
///
/// # Safety
/// `config` is NULL or a live configuration; `path` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_config_set_ca_file(
    config: *mut osslive_config,
    path: *const c_char,
    err: *mut *mut osslive_error,
) -> c_int {
    update(config, err, |b| {
        let path = unsafe { required_str(path, "path") }?;
        if path.is_empty() {
            return Err(FfiError::invalid("path", "must not be empty"));
        }
        let certificates = crate::client::ca_certificates_from_file(Path::new(path))?;
        Ok(b.ca_certificates(certificates))
    })
}

/// Trusts the CA certificates in `pem` (NUL-terminated PEM text with one or more
/// `-----BEGIN CERTIFICATE-----` blocks), as `osslive_config_set_ca_file` does: once any
/// CA is set, the set certificates replace the built-in Mozilla roots. Text without a
/// certificate is an `OSSLIVE_ERR_INVALID_ARGUMENT`.
///
/// # Safety
/// `config` is NULL or a live configuration; `pem` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_config_set_ca_pem(
    config: *mut osslive_config,
    pem: *const c_char,
    err: *mut *mut osslive_error,
) -> c_int {
    update(config, err, |b| {
        let pem = unsafe { required_str(pem, "pem") }?;
        let certificates = crate::client::parse_ca_pem(pem.as_bytes())
            .map_err(|why| FfiError::invalid("pem", &why))?;
        Ok(b.ca_certificates(certificates))
    })
}

/// `OSSLIVE_RTMP_TOKEN_SIGNED` (default) or `OSSLIVE_RTMP_TOKEN_UNSIGNED`: whether signed
/// RTMP URLs sign the STS token.
///
/// # Safety
/// `config` is NULL or a live configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_config_set_rtmp_token_form(
    config: *mut osslive_config,
    form: c_int,
    err: *mut *mut osslive_error,
) -> c_int {
    update(config, err, |b| match form {
        OSSLIVE_RTMP_TOKEN_SIGNED => Ok(b.rtmp_token_form(TokenForm::Signed)),
        OSSLIVE_RTMP_TOKEN_UNSIGNED => Ok(b.rtmp_token_form(TokenForm::Unsigned)),
        _ => Err(FfiError::invalid(
            "form",
            "must be OSSLIVE_RTMP_TOKEN_SIGNED or OSSLIVE_RTMP_TOKEN_UNSIGNED",
        )),
    })
}
