//! The LiveChannel operations for C, one function per OSS operation, plus a pager that
//! walks every page of ListLiveChannel.
//!
//! Every function checks all its arguments (NULL, UTF-8, ranges, OSS rules) before
//! anything is sent, so a bad argument never costs a request. Results come back as handles
//! (see the `results` module) written to the out-parameter only on success.

use std::ffi::{c_char, c_int};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::client::osslive_client;
use super::error::FfiError;
use super::results::{
    channel_status_from_c, osslive_channel_config, osslive_channel_history, osslive_channel_info,
    osslive_channel_list, osslive_channel_stat, osslive_create_result, osslive_rtmp_url,
    osslive_vod_playlist,
};
use super::*;
use crate::validate::{self, InvalidInput};
use crate::{Bucket, ListOptions, LiveChannelConfiguration};

/// The bucket `bucket` of `client`, both checked.
///
/// # Safety
/// `client` is NULL or a live client; `bucket` is NULL or NUL-terminated.
unsafe fn bucket_of(
    client: *const osslive_client,
    bucket: *const c_char,
) -> Result<Bucket, FfiError> {
    // SAFETY: per the contract.
    let client = unsafe { handle(client, "client") }?;
    let bucket = unsafe { required_str(bucket, "bucket") }?;
    Ok(client.client.bucket(bucket)?)
}

/// Unix seconds from C as a time: negative values are refused naming the OSS `field`.
fn unix_time(field: &'static str, secs: i64) -> Result<SystemTime, FfiError> {
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

/// A page size from C: 0 is the server's default, otherwise 1-1000 (`max-keys`).
fn list_page_size(max_keys: i32) -> Result<Option<u32>, FfiError> {
    if max_keys == 0 {
        return Ok(None);
    }
    validate::max_keys(i64::from(max_keys))?;
    Ok(u32::try_from(max_keys).ok())
}

/// PutLiveChannel: creates `channel` in `bucket`, or replaces the configuration of one
/// nobody is pushing to. `config` is NULL for the defaults (see
/// `osslive_channel_config_new`); it is only read. On success `*result_out` receives the
/// channel's publish and play URLs, to free with `osslive_create_result_free`.
///
/// # Safety
/// `client` is NULL or a live client; `config` is NULL or a live channel configuration not
/// changed during the call; the strings are NULL or NUL-terminated; `result_out` is NULL
/// or writable; `err` is NULL or writable.
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

/// ListLiveChannel: one page of the channels of `bucket` whose names start with `prefix`
/// (NULL for all) and sort after `marker` (NULL to start at the beginning), at most
/// `max_keys` of them (1-1000, or 0 for the server's default of 100). On success
/// `*list_out` receives the page, to free with `osslive_channel_list_free`.
///
/// # Safety
/// `client` is NULL or a live client; the strings are NULL or NUL-terminated; `list_out`
/// is NULL or writable; `err` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_list_live_channel(
    client: *const osslive_client,
    bucket: *const c_char,
    prefix: *const c_char,
    marker: *const c_char,
    max_keys: i32,
    list_out: *mut *mut osslive_channel_list,
    err: *mut *mut osslive_error,
) -> c_int {
    guard(err, || {
        // SAFETY: per the contract.
        let bucket = unsafe { bucket_of(client, bucket) }?;
        let prefix = unsafe { optional_str(prefix, "prefix") }?;
        let marker = unsafe { optional_str(marker, "marker") }?;
        let options = ListOptions {
            prefix: prefix.map(str::to_owned),
            marker: marker.map(str::to_owned),
            max_keys: list_page_size(max_keys)?,
        };
        out_param(list_out, "list_out")?;
        let page = bucket.list_live_channel(&options)?;
        store(list_out, osslive_channel_list::from(page));
        Ok(())
    })
}

/// Walks every page of ListLiveChannel for one bucket and prefix, holding one page at a
/// time. Made by `osslive_channel_pager_new`, advanced by `osslive_channel_pager_next`,
/// freed by `osslive_channel_pager_free`. Use it from one thread at a time.
pub struct osslive_channel_pager {
    bucket: Bucket,
    options: ListOptions,
    started: bool,
    done: bool,
}

/// A pager over the channels of `bucket` whose names start with `prefix` (NULL for all),
/// `page_size` at a time (1-1000, or 0 for the server's default of 100). Nothing is sent
/// until the first `osslive_channel_pager_next`. On success `*pager_out` receives a pager
/// to free with `osslive_channel_pager_free`; it keeps what it needs of `client`, which may
/// be freed first.
///
/// # Safety
/// `client` is NULL or a live client; the strings are NULL or NUL-terminated; `pager_out`
/// is NULL or writable; `err` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_pager_new(
    client: *const osslive_client,
    bucket: *const c_char,
    prefix: *const c_char,
    page_size: i32,
    pager_out: *mut *mut osslive_channel_pager,
    err: *mut *mut osslive_error,
) -> c_int {
    guard(err, || {
        // SAFETY: per the contract.
        let bucket = unsafe { bucket_of(client, bucket) }?;
        let prefix = unsafe { optional_str(prefix, "prefix") }?;
        if let Some(p) = prefix {
            validate::list_prefix(p)?;
        }
        let options = ListOptions {
            prefix: prefix.map(str::to_owned),
            marker: None,
            max_keys: list_page_size(page_size)?,
        };
        out_param(pager_out, "pager_out")?;
        store(
            pager_out,
            osslive_channel_pager {
                bucket,
                options,
                started: false,
                done: false,
            },
        );
        Ok(())
    })
}

/// Fetches the next page. On success `*list_out` receives it, to free with
/// `osslive_channel_list_free`, or NULL when there are no more pages (the first call
/// always gives a page, maybe empty). On failure the pager stays where it was, so calling
/// again retries the same page.
///
/// # Safety
/// `pager` is NULL or a live pager not used by another thread during the call;
/// `list_out` is NULL or writable; `err` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_pager_next(
    pager: *mut osslive_channel_pager,
    list_out: *mut *mut osslive_channel_list,
    err: *mut *mut osslive_error,
) -> c_int {
    guard(err, || {
        // SAFETY: NULL or a live pager used by this thread only.
        let pager = unsafe { handle_mut(pager, "pager") }?;
        out_param(list_out, "list_out")?;
        loop {
            if pager.done {
                // SAFETY: checked by out_param.
                unsafe { *list_out = std::ptr::null_mut() };
                return Ok(());
            }
            let page = pager.bucket.list_live_channel(&pager.options)?;
            match page.continuation_marker(pager.options.marker.as_deref()) {
                Some(marker) => pager.options.marker = Some(marker),
                None => pager.done = true,
            }
            let first = !pager.started;
            pager.started = true;
            // An empty page after the first (a truncated page that ended exactly on the
            // last channel) is the same as no more pages.
            if first || !page.channels.is_empty() {
                store(list_out, osslive_channel_list::from(page));
                return Ok(());
            }
        }
    })
}

/// Frees a pager; NULL is fine. Pages it gave stay valid.
///
/// # Safety
/// `pager` is NULL or a pager from this library, not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_pager_free(pager: *mut osslive_channel_pager) {
    // SAFETY: per the contract.
    guard_value((), || unsafe { free_handle(pager) })
}

/// PutLiveChannelStatus: `OSSLIVE_CHANNEL_ENABLED` or `OSSLIVE_CHANNEL_DISABLED`.
/// Disabling cuts a current push off within about ten seconds.
///
/// # Safety
/// `client` is NULL or a live client; the strings are NULL or NUL-terminated; `err` is
/// NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_put_live_channel_status(
    client: *const osslive_client,
    bucket: *const c_char,
    channel: *const c_char,
    status: c_int,
    err: *mut *mut osslive_error,
) -> c_int {
    guard(err, || {
        // SAFETY: per the contract.
        let bucket = unsafe { bucket_of(client, bucket) }?;
        let channel = unsafe { required_str(channel, "channel") }?;
        let status = channel_status_from_c(status)?;
        bucket.put_live_channel_status(channel, status)?;
        Ok(())
    })
}

/// GetLiveChannelInfo: a channel's configuration. On success `*info_out` receives it, to
/// free with `osslive_channel_info_free`.
///
/// # Safety
/// `client` is NULL or a live client; the strings are NULL or NUL-terminated; `info_out`
/// is NULL or writable; `err` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_get_live_channel_info(
    client: *const osslive_client,
    bucket: *const c_char,
    channel: *const c_char,
    info_out: *mut *mut osslive_channel_info,
    err: *mut *mut osslive_error,
) -> c_int {
    guard(err, || {
        // SAFETY: per the contract.
        let bucket = unsafe { bucket_of(client, bucket) }?;
        let channel = unsafe { required_str(channel, "channel") }?;
        out_param(info_out, "info_out")?;
        let info = bucket.get_live_channel_info(channel)?;
        store(info_out, osslive_channel_info::from(info));
        Ok(())
    })
}

/// GetLiveChannelStat: whether a channel is idle, live or disabled, and what is being
/// pushed. On success `*stat_out` receives it, to free with `osslive_channel_stat_free`.
///
/// # Safety
/// `client` is NULL or a live client; the strings are NULL or NUL-terminated; `stat_out`
/// is NULL or writable; `err` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_get_live_channel_stat(
    client: *const osslive_client,
    bucket: *const c_char,
    channel: *const c_char,
    stat_out: *mut *mut osslive_channel_stat,
    err: *mut *mut osslive_error,
) -> c_int {
    guard(err, || {
        // SAFETY: per the contract.
        let bucket = unsafe { bucket_of(client, bucket) }?;
        let channel = unsafe { required_str(channel, "channel") }?;
        out_param(stat_out, "stat_out")?;
        let stat = bucket.get_live_channel_stat(channel)?;
        store(stat_out, osslive_channel_stat::from(stat));
        Ok(())
    })
}

/// GetLiveChannelHistory: the last pushes of a channel, at most ten. On success
/// `*history_out` receives them, to free with `osslive_channel_history_free`.
///
/// # Safety
/// `client` is NULL or a live client; the strings are NULL or NUL-terminated;
/// `history_out` is NULL or writable; `err` is NULL or writable.
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

/// PostVodPlaylist: writes the object `CHANNEL/PLAYLIST_NAME`, an m3u8 of the fragments
/// recorded between `start_time` and `end_time` (Unix seconds, `end_time` after
/// `start_time` by at most one day). `playlist_name` ends in `.m3u8`.
///
/// # Safety
/// `client` is NULL or a live client; the strings are NULL or NUL-terminated; `err` is
/// NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_post_vod_playlist(
    client: *const osslive_client,
    bucket: *const c_char,
    channel: *const c_char,
    playlist_name: *const c_char,
    start_time: i64,
    end_time: i64,
    err: *mut *mut osslive_error,
) -> c_int {
    guard(err, || {
        // SAFETY: per the contract.
        let bucket = unsafe { bucket_of(client, bucket) }?;
        let channel = unsafe { required_str(channel, "channel") }?;
        let playlist_name = unsafe { required_str(playlist_name, "playlist_name") }?;
        let start = unix_time("startTime", start_time)?;
        let end = unix_time("endTime", end_time)?;
        bucket.post_vod_playlist(channel, playlist_name, start, end)?;
        Ok(())
    })
}

/// GetVodPlaylist: the m3u8 of the fragments recorded between `start_time` and `end_time`
/// (Unix seconds, at most one day apart), without writing it. On success `*playlist_out`
/// receives it, to free with `osslive_vod_playlist_free`.
///
/// # Safety
/// `client` is NULL or a live client; the strings are NULL or NUL-terminated;
/// `playlist_out` is NULL or writable; `err` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_get_vod_playlist(
    client: *const osslive_client,
    bucket: *const c_char,
    channel: *const c_char,
    start_time: i64,
    end_time: i64,
    playlist_out: *mut *mut osslive_vod_playlist,
    err: *mut *mut osslive_error,
) -> c_int {
    guard(err, || {
        // SAFETY: per the contract.
        let bucket = unsafe { bucket_of(client, bucket) }?;
        let channel = unsafe { required_str(channel, "channel") }?;
        let start = unix_time("startTime", start_time)?;
        let end = unix_time("endTime", end_time)?;
        out_param(playlist_out, "playlist_out")?;
        let playlist = bucket.get_vod_playlist(channel, start, end)?;
        store(playlist_out, osslive_vod_playlist::from(playlist));
        Ok(())
    })
}

/// DeleteLiveChannel: removes a channel nobody is pushing to. Its recorded objects stay.
///
/// # Safety
/// `client` is NULL or a live client; the strings are NULL or NUL-terminated; `err` is
/// NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_delete_live_channel(
    client: *const osslive_client,
    bucket: *const c_char,
    channel: *const c_char,
    err: *mut *mut osslive_error,
) -> c_int {
    guard(err, || {
        // SAFETY: per the contract.
        let bucket = unsafe { bucket_of(client, bucket) }?;
        let channel = unsafe { required_str(channel, "channel") }?;
        bucket.delete_live_channel(channel)?;
        Ok(())
    })
}

/// Signs an RTMP push URL for `channel`, valid until `expires_unix` (Unix seconds, in the
/// future). `playlist_name` (NULL or `""` for none) overrides the channel's m3u8 name for
/// this push. Nothing is sent; credentials are read as for a request. On success
/// `*url_out` receives the URL, to free with `osslive_rtmp_url_free`.
///
/// # Safety
/// `client` is NULL or a live client; the strings are NULL or NUL-terminated; `url_out` is
/// NULL or writable; `err` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_sign_rtmp_url(
    client: *const osslive_client,
    bucket: *const c_char,
    channel: *const c_char,
    playlist_name: *const c_char,
    expires_unix: i64,
    url_out: *mut *mut osslive_rtmp_url,
    err: *mut *mut osslive_error,
) -> c_int {
    guard(err, || {
        // SAFETY: per the contract.
        let bucket = unsafe { bucket_of(client, bucket) }?;
        let channel = unsafe { required_str(channel, "channel") }?;
        let playlist_name = unsafe { optional_str(playlist_name, "playlist_name") }?;
        let expires = unix_time("Expires", expires_unix)?;
        out_param(url_out, "url_out")?;
        let signed = bucket.sign_rtmp_url(channel, playlist_name, expires)?;
        store(url_out, osslive_rtmp_url::from(signed));
        Ok(())
    })
}

/// Signs an RTMP push URL for `channel`, valid for `seconds` (more than 0) from now; as
/// `osslive_sign_rtmp_url` otherwise.
///
/// # Safety
/// `client` is NULL or a live client; the strings are NULL or NUL-terminated; `url_out` is
/// NULL or writable; `err` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_sign_rtmp_url_valid_for(
    client: *const osslive_client,
    bucket: *const c_char,
    channel: *const c_char,
    playlist_name: *const c_char,
    seconds: u32,
    url_out: *mut *mut osslive_rtmp_url,
    err: *mut *mut osslive_error,
) -> c_int {
    guard(err, || {
        // SAFETY: per the contract.
        let bucket = unsafe { bucket_of(client, bucket) }?;
        let channel = unsafe { required_str(channel, "channel") }?;
        let playlist_name = unsafe { optional_str(playlist_name, "playlist_name") }?;
        if seconds == 0 {
            return Err(InvalidInput {
                field: "Expires",
                rule: "the validity period must be greater than zero".into(),
            }
            .into());
        }
        out_param(url_out, "url_out")?;
        let valid_for = Duration::from_secs(seconds.into());
        let signed = bucket.sign_rtmp_url_valid_for(channel, playlist_name, valid_for)?;
        store(url_out, osslive_rtmp_url::from(signed));
        Ok(())
    })
}
