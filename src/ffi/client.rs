//! `osslive_client`: a LiveChannel client, shared by any number of threads, and the
//! bucket every operation starts from.

use std::ffi::{c_char, c_int};

use super::boundary::{FfiError, free_handle, guard, handle, out_param, required_str, store};
use super::config::osslive_config;
use super::error::osslive_error;
use crate::{Bucket, Client};

/// A LiveChannel client: one connection pool, shared safely by any number of threads.
pub struct osslive_client {
    client: Client,
}

/// The bucket `bucket` of `client`, both checked: the first step of every operation.
///
/// # Safety
/// `client` is NULL or a live client; `bucket` is NULL or NUL-terminated.
pub(super) unsafe fn bucket_of(
    client: *const osslive_client,
    bucket: *const c_char,
) -> Result<Bucket, FfiError> {
    // SAFETY: per the contract.
    let client = unsafe { handle(client, "client") }?;
    let bucket = unsafe { required_str(bucket, "bucket") }?;
    Ok(client.client.bucket(bucket)?)
}

/// Makes a client from a configuration, checking it (endpoint given, region known for
/// V4...). On success `*client_out` receives a client to free with `osslive_client_free`.
///
/// # Safety
/// `config` is NULL or a live configuration; `client_out` points to writable storage (NULL
/// is refused).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_client_new(
    config: *const osslive_config,
    client_out: *mut *mut osslive_client,
    err: *mut *mut osslive_error,
) -> c_int {
    guard(err, || {
        // SAFETY: NULL or a live configuration.
        let config = unsafe { handle(config, "config") }?;
        out_param(client_out, "client_out")?;
        let client = config.builder.clone().build()?;
        store(client_out, osslive_client { client });
        Ok(())
    })
}

/// Stops every call in progress on `client`, from any thread, as `sqlite3_interrupt`
/// does: each returns `OSSLIVE_ERR_CANCELLED` within moments (200 ms at most on a machine
/// that is not overloaded), whether it is connecting, waiting for an answer, reading a
/// body that stalled or sleeping before a retry. Calls made afterwards run as usual.
/// Connections that were in use are closed; idle ones stay pooled. A name lookup or a
/// credentials callback in progress is not cut short: the call returns once it does.
/// What an interrupted call sent may or may not have reached OSS.
///
/// Safe to call while other threads are in calls on `client` (that is its purpose), but
/// not once `osslive_client_free` may have started.
///
/// # Safety
/// `client` is NULL (refused) or a live client.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_client_interrupt(
    client: *const osslive_client,
    err: *mut *mut osslive_error,
) -> c_int {
    guard(err, || {
        // SAFETY: NULL or a live client.
        let client = unsafe { handle(client, "client") }?;
        client.client.interrupt();
        Ok(())
    })
}

/// Shuts `client` down, for an encoder's stop path: every call in progress returns
/// `OSSLIVE_ERR_CANCELLED` as with `osslive_client_interrupt`, and every later call at
/// once, sending nothing; every connection is closed. Then wait for your threads to leave
/// their calls and free the client with `osslive_client_free`. There is no way back; make
/// a new client to go on. Calling it again does nothing more.
///
/// # Safety
/// `client` is NULL (refused) or a live client.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_client_shutdown(
    client: *const osslive_client,
    err: *mut *mut osslive_error,
) -> c_int {
    guard(err, || {
        // SAFETY: NULL or a live client.
        let client = unsafe { handle(client, "client") }?;
        client.client.shut_down();
        Ok(())
    })
}

/// Frees a client; NULL is fine. No call on it may be running in another thread: to stop
/// calls in progress first, use `osslive_client_shutdown` and wait for them to return.
///
/// # Safety
/// `client` is NULL or a client from this library, not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_client_free(client: *mut osslive_client) {
    // SAFETY: per the contract.
    unsafe { free_handle(client) }
}
