//! GetLiveChannelHistory (`osslive_get_live_channel_history`) and what it answers,
//! `osslive_channel_history`: the last pushes of a channel.

use std::ffi::{CString, c_char, c_int};

use super::boundary::{
    c_string, free_handle, guard, opt_c_string, opt_ptr, out_param, read, required_str, store,
    unix_i64,
};
use super::client::{bucket_of, osslive_client};
use super::error::osslive_error;
use crate::LiveChannelHistory;

/// GetLiveChannelHistory: the last pushes of a channel, at most ten. On success
/// `*history_out` receives them, to free with `osslive_channel_history_free`.
///
/// # Safety
/// `client` is NULL or a live client; the strings are NULL or NUL-terminated; `history_out`
/// points to writable storage (NULL is refused); `err` is NULL or points to a NULL error.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_get_live_channel_history(
    client: *const osslive_client,
    bucket: *const c_char,
    channel: *const c_char,
    history_out: *mut *mut osslive_channel_history,
    err: *mut *mut osslive_error,
) -> c_int {
    guard(err, || {
        // SAFETY: per the contract.
        let bucket = unsafe { bucket_of(client, bucket) }?;
        let channel = unsafe { required_str(channel, "channel") }?;
        out_param(history_out, "history_out")?;
        let history = bucket.get_live_channel_history(channel)?;
        store(history_out, osslive_channel_history::from(history));
        Ok(())
    })
}

struct RecordEntry {
    start_time: i64,
    end_time: i64,
    remote_addr: CString,
}

/// The last pushes of a channel (at most ten) from `osslive_get_live_channel_history`, in
/// the order OSS lists them. Free it with `osslive_channel_history_free`.
pub struct osslive_channel_history {
    records: Vec<RecordEntry>,
    request_id: Option<CString>,
}

impl From<LiveChannelHistory> for osslive_channel_history {
    fn from(history: LiveChannelHistory) -> Self {
        osslive_channel_history {
            records: history
                .records
                .into_iter()
                .map(|r| RecordEntry {
                    start_time: unix_i64(r.start_time),
                    end_time: unix_i64(r.end_time),
                    remote_addr: c_string(&r.remote_addr),
                })
                .collect(),
            request_id: opt_c_string(history.request_id.as_deref()),
        }
    }
}

/// The number of records; 0 for a NULL `history`.
///
/// # Safety
/// `history` is NULL or a live `osslive_channel_history` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_history_len(
    history: *const osslive_channel_history,
) -> usize {
    // SAFETY: NULL or a live history handle.
    unsafe { read(history, 0, |h| h.records.len()) }
}

/// When push `index` started, in Unix seconds; 0 out of range.
///
/// # Safety
/// `history` is NULL or a live `osslive_channel_history` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_history_start_time(
    history: *const osslive_channel_history,
    index: usize,
) -> i64 {
    // SAFETY: NULL or a live history handle.
    unsafe {
        read(history, 0, |h| {
            h.records.get(index).map_or(0, |r| r.start_time)
        })
    }
}

/// When push `index` ended, in Unix seconds; 0 out of range.
///
/// # Safety
/// `history` is NULL or a live `osslive_channel_history` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_history_end_time(
    history: *const osslive_channel_history,
    index: usize,
) -> i64 {
    // SAFETY: NULL or a live history handle.
    unsafe {
        read(history, 0, |h| {
            h.records.get(index).map_or(0, |r| r.end_time)
        })
    }
}

/// The publisher's `ip:port` of push `index`, or NULL out of range. Owned by `history`.
///
/// # Safety
/// `history` is NULL or a live `osslive_channel_history` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_history_remote_addr(
    history: *const osslive_channel_history,
    index: usize,
) -> *const c_char {
    // SAFETY: NULL or a live history handle.
    unsafe {
        read(history, std::ptr::null(), |h| {
            h.records
                .get(index)
                .map_or(std::ptr::null(), |r| r.remote_addr.as_ptr())
        })
    }
}

/// The request id of the answer, or NULL. Owned by `history`.
///
/// # Safety
/// `history` is NULL or a live `osslive_channel_history` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_history_request_id(
    history: *const osslive_channel_history,
) -> *const c_char {
    // SAFETY: NULL or a live history handle.
    unsafe { read(history, std::ptr::null(), |h| opt_ptr(&h.request_id)) }
}

/// Frees a channel history and its strings; NULL is fine.
///
/// # Safety
/// `history` is NULL or a channel history from this library, not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_history_free(history: *mut osslive_channel_history) {
    // SAFETY: per the contract.
    unsafe { free_handle(history) }
}
