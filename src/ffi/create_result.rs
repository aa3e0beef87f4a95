//! PutLiveChannel (`osslive_create_live_channel`) and what it answers,
//! `osslive_create_result`: the new channel's publish and play URLs.

use std::ffi::{CString, c_char, c_int};

use super::boundary::{
    c_strings, free_handle, guard, opt_c_string, opt_ptr, out_param, read, required_str, store,
    string_at,
};
use super::channel_config::osslive_channel_config;
use super::client::{bucket_of, osslive_client};
use super::error::osslive_error;
use crate::{CreateLiveChannelResult, LiveChannelConfiguration};

/// PutLiveChannel: creates `channel` in `bucket`, or replaces the configuration of one
/// nobody is pushing to. `config` is NULL for the defaults (see
/// `osslive_channel_config_new`); it is only read. On success `*result_out` receives the
/// channel's publish and play URLs, to free with `osslive_create_result_free`.
///
/// # Safety
/// `client` is NULL or a live client; `config` is NULL or a live channel configuration not
/// changed during the call; the strings are NULL or NUL-terminated; `result_out` points to
/// writable storage (NULL is refused); `err` is NULL or points to a NULL error.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_create_live_channel(
    client: *const osslive_client,
    bucket: *const c_char,
    channel: *const c_char,
    config: *const osslive_channel_config,
    result_out: *mut *mut osslive_create_result,
    err: *mut *mut osslive_error,
) -> c_int {
    guard(err, || {
        // SAFETY: per the contract.
        let bucket = unsafe { bucket_of(client, bucket) }?;
        let channel = unsafe { required_str(channel, "channel") }?;
        // SAFETY: NULL or a live channel configuration.
        let config = unsafe { config.as_ref() }.map(|c| &c.config);
        out_param(result_out, "result_out")?;
        let default = LiveChannelConfiguration::default();
        let result = bucket.create_live_channel(channel, config.unwrap_or(&default))?;
        store(result_out, osslive_create_result::from(result));
        Ok(())
    })
}

/// What `osslive_create_live_channel` answers: the channel's unsigned RTMP publish URLs and
/// its HLS play URLs. Free it with `osslive_create_result_free`.
pub struct osslive_create_result {
    publish_urls: Vec<CString>,
    play_urls: Vec<CString>,
    request_id: Option<CString>,
}

impl From<CreateLiveChannelResult> for osslive_create_result {
    fn from(r: CreateLiveChannelResult) -> Self {
        osslive_create_result {
            publish_urls: c_strings(&r.publish_urls),
            play_urls: c_strings(&r.play_urls),
            request_id: opt_c_string(r.request_id.as_deref()),
        }
    }
}

/// The number of publish (RTMP) URLs; 0 for a NULL `result`.
///
/// # Safety
/// `result` is NULL or a live `osslive_create_result` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_create_result_publish_url_count(
    result: *const osslive_create_result,
) -> usize {
    // SAFETY: NULL or a live result handle.
    unsafe { read(result, 0, |r| r.publish_urls.len()) }
}

/// Publish URL `index` (`rtmp://…/live/CHANNEL`, unsigned: sign it with
/// `osslive_sign_rtmp_url` to push), or NULL out of range. Owned by `result`.
///
/// # Safety
/// `result` is NULL or a live `osslive_create_result` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_create_result_publish_url(
    result: *const osslive_create_result,
    index: usize,
) -> *const c_char {
    // SAFETY: NULL or a live result handle.
    unsafe {
        read(result, std::ptr::null(), |r| {
            string_at(&r.publish_urls, index)
        })
    }
}

/// The number of play (HLS) URLs; 0 for a NULL `result`.
///
/// # Safety
/// `result` is NULL or a live `osslive_create_result` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_create_result_play_url_count(
    result: *const osslive_create_result,
) -> usize {
    // SAFETY: NULL or a live result handle.
    unsafe { read(result, 0, |r| r.play_urls.len()) }
}

/// Play URL `index` (`http(s)://…/CHANNEL/PLAYLIST.m3u8`), or NULL out of range. Owned by
/// `result`.
///
/// # Safety
/// `result` is NULL or a live `osslive_create_result` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_create_result_play_url(
    result: *const osslive_create_result,
    index: usize,
) -> *const c_char {
    // SAFETY: NULL or a live result handle.
    unsafe { read(result, std::ptr::null(), |r| string_at(&r.play_urls, index)) }
}

/// The request id of the answer, or NULL. Owned by `result`.
///
/// # Safety
/// `result` is NULL or a live `osslive_create_result` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_create_result_request_id(
    result: *const osslive_create_result,
) -> *const c_char {
    // SAFETY: NULL or a live result handle.
    unsafe { read(result, std::ptr::null(), |r| opt_ptr(&r.request_id)) }
}

/// Frees a create result and its strings; NULL is fine.
///
/// # Safety
/// `result` is NULL or a create result from this library, not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_create_result_free(result: *mut osslive_create_result) {
    // SAFETY: per the contract.
    unsafe { free_handle(result) }
}
