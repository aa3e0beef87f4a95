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

/// Frees a client; NULL is fine. No call on it may be running in another thread.
///
/// # Safety
/// `client` is NULL or a client from this library, not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_client_free(client: *mut osslive_client) {
    // SAFETY: per the contract.
    unsafe { free_handle(client) }
}
