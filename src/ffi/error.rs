//! `osslive_error`: what went wrong, with everything a caller can act on.

use std::ffi::{CString, c_char, c_int};

use super::boundary::{FfiError, c_string, free_handle, opt_ptr, read};
use crate::Error;

/// Details of a failed call: the status, and for errors OSS answered, the HTTP status,
/// `Code`, `EC`, request id and host id. Read it with the `osslive_error_*` functions and
/// free it with `osslive_error_free`. Its strings live as long as it does.
pub struct osslive_error {
    status: c_int,
    http_status: u16,
    retryable: bool,
    attempts: u32,
    message: CString,
    code: Option<CString>,
    ec: Option<CString>,
    request_id: Option<CString>,
    host_id: Option<CString>,
    field: Option<CString>,
}

impl From<FfiError> for osslive_error {
    fn from(e: FfiError) -> Self {
        let opt = |s: Option<&str>| s.filter(|s| !s.is_empty()).map(c_string);
        let (message, http_status, retryable) = match (&e.error, &e.argument_message) {
            (Some(err), _) => (
                err.to_string(),
                err.http_status().unwrap_or(0),
                err.is_retryable(),
            ),
            (None, Some(m)) => (m.clone(), 0, false),
            (None, None) => (String::from("unknown error"), 0, false),
        };
        let service = match &e.error {
            Some(Error::Service(s)) => Some(s.as_ref()),
            _ => None,
        };
        let field = match &e.error {
            Some(Error::InvalidArgument(i)) => Some(i.field),
            _ => None,
        };
        osslive_error {
            status: e.status,
            http_status,
            retryable,
            attempts: e.error.as_ref().map_or(0, Error::attempts),
            message: c_string(&message),
            code: opt(service.map(|s| s.code.as_str())),
            ec: opt(service.and_then(|s| s.ec.as_deref())),
            request_id: opt(e.error.as_ref().and_then(|err| err.request_id())),
            host_id: opt(service.and_then(|s| s.host_id.as_deref())),
            field: opt(field),
        }
    }
}

/// The `OSSLIVE_ERR_*` status the failed call returned. 0 for a NULL `err`.
///
/// # Safety
/// `err` is NULL or a live error from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_error_status(err: *const osslive_error) -> c_int {
    // SAFETY: NULL or a live error handle.
    unsafe { read(err, 0, |e| e.status) }
}

/// The HTTP status of the answer, or 0 when no answer arrived (or `err` is NULL).
///
/// # Safety
/// `err` is NULL or a live error from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_error_http_status(err: *const osslive_error) -> u16 {
    // SAFETY: NULL or a live error handle.
    unsafe { read(err, 0, |e| e.http_status) }
}

/// A one-line English description; never NULL (empty for a NULL `err`). Never contains
/// a secret.
///
/// # Safety
/// `err` is NULL or a live error from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_error_message(err: *const osslive_error) -> *const c_char {
    // SAFETY: NULL or a live error handle.
    unsafe { read(err, c"".as_ptr(), |e| e.message.as_ptr()) }
}

/// The OSS error `Code` (for example `"NoSuchLiveChannel"`), or NULL when OSS sent none.
///
/// # Safety
/// `err` is NULL or a live error from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_error_code(err: *const osslive_error) -> *const c_char {
    // SAFETY: NULL or a live error handle.
    unsafe { read(err, std::ptr::null(), |e| opt_ptr(&e.code)) }
}

/// The OSS detail code `EC` (for example `"0044-00000014"`), or NULL.
///
/// # Safety
/// `err` is NULL or a live error from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_error_ec(err: *const osslive_error) -> *const c_char {
    // SAFETY: NULL or a live error handle.
    unsafe { read(err, std::ptr::null(), |e| opt_ptr(&e.ec)) }
}

/// The request id of the answer, to quote to support; NULL when no answer arrived.
///
/// # Safety
/// `err` is NULL or a live error from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_error_request_id(err: *const osslive_error) -> *const c_char {
    // SAFETY: NULL or a live error handle.
    unsafe { read(err, std::ptr::null(), |e| opt_ptr(&e.request_id)) }
}

/// The `HostId` of the answer, or NULL.
///
/// # Safety
/// `err` is NULL or a live error from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_error_host_id(err: *const osslive_error) -> *const c_char {
    // SAFETY: NULL or a live error handle.
    unsafe { read(err, std::ptr::null(), |e| opt_ptr(&e.host_id)) }
}

/// For `OSSLIVE_ERR_INVALID_ARGUMENT` from an OSS rule, the OSS name of the field
/// (for example `"Target.FragCount"`); otherwise NULL.
///
/// # Safety
/// `err` is NULL or a live error from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_error_field(err: *const osslive_error) -> *const c_char {
    // SAFETY: NULL or a live error handle.
    unsafe { read(err, std::ptr::null(), |e| opt_ptr(&e.field)) }
}

/// Whether the same call may succeed if made again (network trouble, timeouts, 5xx,
/// throttling, a skewed clock). False for a NULL `err`.
///
/// # Safety
/// `err` is NULL or a live error from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_error_is_retryable(err: *const osslive_error) -> bool {
    // SAFETY: NULL or a live error handle.
    unsafe { read(err, false, |e| e.retryable) }
}

/// How many attempts the failed call made: 0 when it failed before anything was sent (a
/// bad argument, missing credentials), 1 when it was not retried, more after retries
/// (see `osslive_config_set_retry`). 0 for a NULL `err`.
///
/// # Safety
/// `err` is NULL or a live error from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_error_attempts(err: *const osslive_error) -> u32 {
    // SAFETY: NULL or a live error handle.
    unsafe { read(err, 0, |e| e.attempts) }
}

/// Frees an error; NULL is fine.
///
/// # Safety
/// `err` is NULL or an error from this library, not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_error_free(err: *mut osslive_error) {
    // SAFETY: per the contract.
    unsafe { free_handle(err) }
}
