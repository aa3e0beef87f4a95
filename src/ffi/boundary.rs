//! What every exported function does at the boundary: catch errors and panics, check the
//! arguments C hands in (NULL, UTF-8, integer ranges), hand handles and strings out, and
//! read results. The OSS rules are `Bucket`'s to check.

use std::ffi::{CStr, CString, c_char, c_int};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::{
    OSSLIVE_ERR_CANCELLED, OSSLIVE_ERR_CONFIG, OSSLIVE_ERR_CREDENTIALS,
    OSSLIVE_ERR_INVALID_ARGUMENT, OSSLIVE_ERR_INVALID_RESPONSE, OSSLIVE_ERR_PANIC,
    OSSLIVE_ERR_SERVICE, OSSLIVE_ERR_TIMEOUT, OSSLIVE_ERR_TRANSPORT, OSSLIVE_OK,
};
use crate::Error;
use crate::validate::InvalidInput;

/// An error on its way to C: its status and what to tell. [`guard`] turns it into the
/// `osslive_error` the caller reads.
pub(crate) struct FfiError {
    pub(crate) status: c_int,
    /// The library's error, for everything but a bad argument caught here or a panic.
    pub(crate) error: Option<Error>,
    /// The message of a bad argument caught here or of a panic.
    pub(crate) argument_message: Option<String>,
}

impl FfiError {
    /// A bad argument caught at the boundary (NULL, not UTF-8, out of range).
    pub(crate) fn invalid(name: &str, rule: &str) -> FfiError {
        FfiError {
            status: OSSLIVE_ERR_INVALID_ARGUMENT,
            error: None,
            argument_message: Some(format!("invalid {name}: {rule}")),
        }
    }

    fn panic(what: &str) -> FfiError {
        FfiError {
            status: OSSLIVE_ERR_PANIC,
            error: None,
            argument_message: Some(format!(
                "internal error in osslive (please report it): {what}"
            )),
        }
    }
}

impl From<Error> for FfiError {
    fn from(e: Error) -> Self {
        let status = match &e {
            Error::InvalidArgument(_) => OSSLIVE_ERR_INVALID_ARGUMENT,
            Error::Config(_) => OSSLIVE_ERR_CONFIG,
            Error::Credentials(_) => OSSLIVE_ERR_CREDENTIALS,
            Error::Service(_) => OSSLIVE_ERR_SERVICE,
            Error::Transport(_) | Error::Tls(_) => OSSLIVE_ERR_TRANSPORT,
            Error::Timeout(_) => OSSLIVE_ERR_TIMEOUT,
            Error::InvalidResponse(_) => OSSLIVE_ERR_INVALID_RESPONSE,
            Error::Cancelled(_) => OSSLIVE_ERR_CANCELLED,
        };
        FfiError {
            status,
            error: Some(e),
            argument_message: None,
        }
    }
}

impl From<InvalidInput> for FfiError {
    fn from(e: InvalidInput) -> Self {
        FfiError::from(Error::from(e))
    }
}

/// Runs `body`, turning an error or a panic into a status and, when `err_out` is not
/// NULL, an error handle (`osslive_error`) made from it and stored there.
///
/// The error contract of every fallible export lives here: `*err_out` must be NULL on
/// entry. A non-NULL one is refused with `OSSLIVE_ERR_INVALID_ARGUMENT` before `body`
/// runs, and left as it is: it may be an error the caller still has to read and free (so
/// replacing it would leak it), or garbage (so freeing it would be undefined behaviour).
/// So a successful call always leaves `*err_out` NULL.
pub(crate) fn guard<E: From<FfiError>>(
    err_out: *mut *mut E,
    body: impl FnOnce() -> Result<(), FfiError>,
) -> c_int {
    // SAFETY: the caller passes NULL or a valid, initialised `osslive_error **`.
    if !err_out.is_null() && !unsafe { *err_out }.is_null() {
        return OSSLIVE_ERR_INVALID_ARGUMENT;
    }
    let failure = match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => return OSSLIVE_OK,
        Ok(Err(e)) => e,
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_owned());
            FfiError::panic(&what)
        }
    };
    let status = failure.status;
    if !err_out.is_null() {
        // SAFETY: the caller passes NULL or a valid `osslive_error **`.
        unsafe { *err_out = Box::into_raw(Box::new(E::from(failure))) };
    }
    status
}

/// Runs `body` for a function that cannot fail but must not unwind into C: a panic
/// gives `fallback`.
pub(crate) fn guard_value<T>(fallback: T, body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(fallback)
}

/// Reads a handle, for every getter of a result or an error: NULL (or a panic) gives
/// `fallback`.
///
/// # Safety
/// `ptr` is NULL or a live handle of type `T` from this library.
pub(crate) unsafe fn read<T, R: Copy>(ptr: *const T, fallback: R, f: impl FnOnce(&T) -> R) -> R {
    // SAFETY: per the contract, non-NULL means a live handle.
    guard_value(fallback, || unsafe { ptr.as_ref() }.map_or(fallback, f))
}

/// Changes the handle `ptr` (named `name` in errors) with `change`, for every setter of a
/// configuration; `change` checks everything before it changes anything.
pub(crate) fn modify<T, E: From<FfiError>>(
    ptr: *mut T,
    name: &'static str,
    err: *mut *mut E,
    change: impl FnOnce(&mut T) -> Result<(), FfiError>,
) -> c_int {
    guard(err, || {
        // SAFETY: NULL or a live handle used by this thread only, per every setter's
        // contract.
        change(unsafe { handle_mut(ptr, name) }?)
    })
}

/// A required string argument: not NULL, UTF-8.
///
/// # Safety
/// `ptr` is NULL or points to a NUL-terminated string valid for the call.
pub(crate) unsafe fn required_str<'a>(
    ptr: *const c_char,
    name: &'static str,
) -> Result<&'a str, FfiError> {
    if ptr.is_null() {
        return Err(FfiError::invalid(name, "must not be NULL"));
    }
    // SAFETY: non-NULL and NUL-terminated by the function's contract.
    unsafe { CStr::from_ptr(ptr) }
        .to_str()
        .map_err(|_| FfiError::invalid(name, "is not valid UTF-8"))
}

/// An optional string argument: NULL is `None`, otherwise UTF-8.
///
/// # Safety
/// As [`required_str`].
pub(crate) unsafe fn optional_str<'a>(
    ptr: *const c_char,
    name: &'static str,
) -> Result<Option<&'a str>, FfiError> {
    if ptr.is_null() {
        Ok(None)
    } else {
        unsafe { required_str(ptr, name) }.map(Some)
    }
}

/// A required handle argument.
///
/// # Safety
/// `ptr` is NULL or a live handle of type `T` from this library.
pub(crate) unsafe fn handle<'a, T>(ptr: *const T, name: &'static str) -> Result<&'a T, FfiError> {
    // SAFETY: per the contract, non-NULL means a live handle.
    unsafe { ptr.as_ref() }.ok_or_else(|| FfiError::invalid(name, "must not be NULL"))
}

/// A mutable handle argument.
///
/// # Safety
/// `ptr` is NULL or a live handle of type `T` not used by another thread during the call.
pub(crate) unsafe fn handle_mut<'a, T>(
    ptr: *mut T,
    name: &'static str,
) -> Result<&'a mut T, FfiError> {
    // SAFETY: per the contract, non-NULL means a live handle used by this thread only.
    unsafe { ptr.as_mut() }.ok_or_else(|| FfiError::invalid(name, "must not be NULL"))
}

/// Checks an out-parameter before any work, so a NULL one fails before a request is sent.
pub(crate) fn out_param<T>(ptr: *mut *mut T, name: &'static str) -> Result<(), FfiError> {
    if ptr.is_null() {
        Err(FfiError::invalid(name, "must not be NULL"))
    } else {
        Ok(())
    }
}

/// Stores a new handle in a checked out-parameter.
pub(crate) fn store<T>(out: *mut *mut T, value: T) {
    // SAFETY: `out` was checked by `out_param` and points to writable storage.
    unsafe { *out = Box::into_raw(Box::new(value)) };
}

/// A new handle for a constructor that cannot fail: NULL only if out of memory (or a
/// panic).
pub(crate) fn new_handle<T>(make: impl FnOnce() -> T) -> *mut T {
    guard_value(std::ptr::null_mut(), || Box::into_raw(Box::new(make())))
}

/// Frees a handle made by [`store`] or [`new_handle`]; NULL is fine. Never unwinds.
///
/// # Safety
/// `ptr` is NULL or a handle of type `T` from this library, not freed before.
pub(crate) unsafe fn free_handle<T>(ptr: *mut T) {
    guard_value((), || {
        if !ptr.is_null() {
            // SAFETY: per the contract it came from Box::into_raw and is freed once.
            drop(unsafe { Box::from_raw(ptr) });
        }
    })
}

/// A NUL-terminated copy of `s` for C. Interior NULs cannot come from UTF-8 XML or
/// validated input, but if one does it is cut there rather than failing.
pub(crate) fn c_string(s: &str) -> CString {
    CString::new(s).unwrap_or_else(|e| {
        let end = e.nul_position();
        CString::new(&s[..end]).unwrap_or_default()
    })
}

/// [`c_string`] of an optional string.
pub(crate) fn opt_c_string(s: Option<&str>) -> Option<CString> {
    s.map(c_string)
}

/// [`c_string`] of each string.
pub(crate) fn c_strings(v: &[String]) -> Vec<CString> {
    v.iter().map(|s| c_string(s)).collect()
}

/// The string at `index`, or NULL when out of range.
pub(crate) fn string_at(v: &[CString], index: usize) -> *const c_char {
    v.get(index).map_or(std::ptr::null(), |s| s.as_ptr())
}

/// The pointer to hand out for an optional owned string: NULL for `None`.
pub(crate) fn opt_ptr(s: &Option<CString>) -> *const c_char {
    s.as_ref().map_or(std::ptr::null(), |c| c.as_ptr())
}

/// Unix seconds for C: whole seconds, 0 before 1970, saturating far in the future.
pub(crate) fn unix_i64(t: SystemTime) -> i64 {
    i64::try_from(crate::time::unix_seconds(t)).unwrap_or(i64::MAX)
}

/// Unix seconds from C as a time: negative values, and values past what a time can
/// hold, are refused naming the OSS `field`.
pub(crate) fn unix_time(field: &'static str, secs: i64) -> Result<SystemTime, FfiError> {
    let invalid = |rule: &str| InvalidInput {
        field,
        rule: rule.to_owned(),
    };
    let secs = u64::try_from(secs).map_err(|_| invalid("must not be negative (before 1970)"))?;
    // from_unix_seconds would panic past what SystemTime can hold on some platforms.
    UNIX_EPOCH
        .checked_add(Duration::from_secs(secs))
        .ok_or_else(|| invalid("is too far in the future"))?;
    Ok(crate::time::from_unix_seconds(secs))
}
