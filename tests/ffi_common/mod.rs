//! What the tests that call the C ABI from Rust share: C strings in and out, and a call
//! wrapper that reads and frees the `osslive_error` of a failure.

// Each test crate that includes this module uses only some of it.
#![allow(dead_code)]

use std::ffi::{CStr, CString, c_char, c_int};
use std::ptr::null_mut;
use std::time::SystemTime;

use osslive::ffi::channel_list::{
    osslive_channel_list, osslive_channel_list_len, osslive_channel_list_name,
};
use osslive::ffi::error::*;
use osslive::ffi::{OSSLIVE_ERR_INVALID_ARGUMENT, OSSLIVE_OK};
use osslive::time::unix_seconds;

/// A C string for an argument.
pub fn cs(s: &str) -> CString {
    CString::new(s).unwrap()
}

/// Two bytes that are not UTF-8, NUL-terminated.
pub const NOT_UTF8: &[u8] = b"\xff\0";

/// A C string that is not UTF-8, for the checks of string arguments.
pub fn not_utf8() -> *const c_char {
    NOT_UTF8.as_ptr().cast()
}

/// A C string the library handed out, as `&str`; `None` for NULL.
pub fn text<'a>(p: *const c_char) -> Option<&'a str> {
    // SAFETY: the library returns NULL or NUL-terminated UTF-8 valid while the test runs.
    (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_str().unwrap())
}

/// The current time in Unix seconds, as the C ABI takes it.
pub fn now_unix() -> i64 {
    unix_seconds(SystemTime::now()) as i64
}

/// Everything an `osslive_error` tells, read and freed.
#[derive(Debug)]
pub struct Failure {
    pub status: c_int,
    pub message: String,
    pub field: Option<String>,
    pub http_status: u16,
    pub code: Option<String>,
    pub request_id: Option<String>,
    pub retryable: bool,
    pub attempts: u32,
}

/// Runs a fallible call with an error out-parameter: `Ok` on `OSSLIVE_OK` (and then no
/// error was stored), else what the error says.
pub fn call(f: impl FnOnce(*mut *mut osslive_error) -> c_int) -> Result<(), Failure> {
    let mut err: *mut osslive_error = null_mut();
    let status = f(&mut err);
    if status == OSSLIVE_OK {
        assert!(err.is_null(), "an error was stored on success");
        return Ok(());
    }
    assert!(!err.is_null(), "status {status} without an error");
    // SAFETY: `err` is a live error until freed at the end.
    let failure = unsafe {
        Failure {
            status: osslive_error_status(err),
            message: text(osslive_error_message(err)).unwrap().to_owned(),
            field: text(osslive_error_field(err)).map(str::to_owned),
            http_status: osslive_error_http_status(err),
            code: text(osslive_error_code(err)).map(str::to_owned),
            request_id: text(osslive_error_request_id(err)).map(str::to_owned),
            retryable: osslive_error_is_retryable(err),
            attempts: osslive_error_attempts(err),
        }
    };
    assert_eq!(failure.status, status, "{failure:?}");
    // SAFETY: freed once.
    unsafe { osslive_error_free(err) };
    Err(failure)
}

/// Asserts an invalid-argument failure whose message names `name`; returns it.
#[track_caller]
pub fn invalid(result: Result<(), Failure>, name: &str) -> Failure {
    let failure = result.expect_err("the call should have failed");
    assert_eq!(failure.status, OSSLIVE_ERR_INVALID_ARGUMENT, "{failure:?}");
    assert_eq!(
        failure.attempts, 0,
        "nothing is sent for a bad argument: {failure:?}"
    );
    assert!(
        failure.message.contains(name),
        "{:?} does not name {name:?}",
        failure.message
    );
    failure
}

/// Asserts an invalid-argument failure for the OSS field `field`.
#[track_caller]
pub fn invalid_field(result: Result<(), Failure>, field: &str) {
    let failure = invalid(result, field);
    assert_eq!(failure.field.as_deref(), Some(field), "{failure:?}");
}

/// The names of a list page, through the accessors.
///
/// # Safety
/// `list` is a live list.
pub unsafe fn names(list: *const osslive_channel_list) -> Vec<String> {
    // SAFETY: per the contract.
    unsafe {
        (0..osslive_channel_list_len(list))
            .map(|i| text(osslive_channel_list_name(list, i)).unwrap().to_owned())
            .collect()
    }
}
