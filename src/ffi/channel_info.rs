//! GetLiveChannelInfo (`osslive_get_live_channel_info`) and what it answers,
//! `osslive_channel_info`: a channel's configuration.

use std::ffi::{CString, c_char, c_int};

use super::boundary::{
    c_string, free_handle, guard, opt_c_string, opt_ptr, out_param, read, required_str, store,
};
use super::channel::channel_status_to_c;
use super::client::{bucket_of, osslive_client};
use super::error::osslive_error;
use crate::LiveChannelInfo;

/// GetLiveChannelInfo: a channel's configuration. On success `*info_out` receives it, to
/// free with `osslive_channel_info_free`.
///
/// # Safety
/// `client` is NULL or a live client; the strings are NULL or NUL-terminated; `info_out`
/// points to writable storage (NULL is refused); `err` is NULL or points to a NULL error.
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

struct SnapshotInfo {
    role_name: CString,
    dest_bucket: CString,
    notify_topic: CString,
    interval: u32,
}

/// A channel's configuration from `osslive_get_live_channel_info`. Elements OSS left out
/// read as NULL, -1 or 0. Free it with `osslive_channel_info_free`.
pub struct osslive_channel_info {
    description: Option<CString>,
    status: c_int,
    target_type: Option<CString>,
    frag_duration: u32,
    frag_count: u32,
    playlist_name: Option<CString>,
    snapshot: Option<SnapshotInfo>,
    request_id: Option<CString>,
}

impl From<LiveChannelInfo> for osslive_channel_info {
    fn from(info: LiveChannelInfo) -> Self {
        osslive_channel_info {
            description: opt_c_string(info.description.as_deref()),
            status: info.status.map_or(-1, channel_status_to_c),
            target_type: opt_c_string(info.target_type.as_deref()),
            frag_duration: info.frag_duration.unwrap_or(0),
            frag_count: info.frag_count.unwrap_or(0),
            playlist_name: opt_c_string(info.playlist_name.as_deref()),
            snapshot: info.snapshot.map(|s| SnapshotInfo {
                role_name: c_string(&s.role_name),
                dest_bucket: c_string(&s.dest_bucket),
                notify_topic: c_string(&s.notify_topic),
                interval: s.interval,
            }),
            request_id: opt_c_string(info.request_id.as_deref()),
        }
    }
}

/// The description (`""` when set empty), or NULL when OSS sent none. Owned by `info`.
///
/// # Safety
/// `info` is NULL or a live `osslive_channel_info` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_info_description(
    info: *const osslive_channel_info,
) -> *const c_char {
    // SAFETY: NULL or a live info handle.
    unsafe { read(info, std::ptr::null(), |i| opt_ptr(&i.description)) }
}

/// `OSSLIVE_CHANNEL_ENABLED` or `OSSLIVE_CHANNEL_DISABLED`; -1 when unknown or `info` is
/// NULL.
///
/// # Safety
/// `info` is NULL or a live `osslive_channel_info` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_info_status(info: *const osslive_channel_info) -> c_int {
    // SAFETY: NULL or a live info handle.
    unsafe { read(info, -1, |i| i.status) }
}

/// The target type (`"HLS"`), or NULL when OSS sent none. Owned by `info`.
///
/// # Safety
/// `info` is NULL or a live `osslive_channel_info` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_info_target_type(
    info: *const osslive_channel_info,
) -> *const c_char {
    // SAFETY: NULL or a live info handle.
    unsafe { read(info, std::ptr::null(), |i| opt_ptr(&i.target_type)) }
}

/// Seconds per fragment; 0 when unknown.
///
/// # Safety
/// `info` is NULL or a live `osslive_channel_info` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_info_frag_duration(
    info: *const osslive_channel_info,
) -> u32 {
    // SAFETY: NULL or a live info handle.
    unsafe { read(info, 0, |i| i.frag_duration) }
}

/// Fragments in the live playlist; 0 when unknown.
///
/// # Safety
/// `info` is NULL or a live `osslive_channel_info` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_info_frag_count(info: *const osslive_channel_info) -> u32 {
    // SAFETY: NULL or a live info handle.
    unsafe { read(info, 0, |i| i.frag_count) }
}

/// The live playlist name, or NULL when OSS sent none. Owned by `info`.
///
/// # Safety
/// `info` is NULL or a live `osslive_channel_info` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_info_playlist_name(
    info: *const osslive_channel_info,
) -> *const c_char {
    // SAFETY: NULL or a live info handle.
    unsafe { read(info, std::ptr::null(), |i| opt_ptr(&i.playlist_name)) }
}

/// Whether OSS returned snapshot settings; when false the `_snapshot_*` accessors give
/// NULL and 0.
///
/// # Safety
/// `info` is NULL or a live `osslive_channel_info` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_info_has_snapshot(
    info: *const osslive_channel_info,
) -> bool {
    // SAFETY: NULL or a live info handle.
    unsafe { read(info, false, |i| i.snapshot.is_some()) }
}

/// The RAM role of the snapshots, or NULL without snapshots. Owned by `info`.
///
/// # Safety
/// `info` is NULL or a live `osslive_channel_info` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_info_snapshot_role_name(
    info: *const osslive_channel_info,
) -> *const c_char {
    // SAFETY: NULL or a live info handle.
    unsafe {
        read(info, std::ptr::null(), |i| {
            i.snapshot
                .as_ref()
                .map_or(std::ptr::null(), |s| s.role_name.as_ptr())
        })
    }
}

/// The bucket snapshots are written to, or NULL without snapshots. Owned by `info`.
///
/// # Safety
/// `info` is NULL or a live `osslive_channel_info` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_info_snapshot_dest_bucket(
    info: *const osslive_channel_info,
) -> *const c_char {
    // SAFETY: NULL or a live info handle.
    unsafe {
        read(info, std::ptr::null(), |i| {
            i.snapshot
                .as_ref()
                .map_or(std::ptr::null(), |s| s.dest_bucket.as_ptr())
        })
    }
}

/// The MNS topic told about snapshots, or NULL without snapshots. Owned by `info`.
///
/// # Safety
/// `info` is NULL or a live `osslive_channel_info` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_info_snapshot_notify_topic(
    info: *const osslive_channel_info,
) -> *const c_char {
    // SAFETY: NULL or a live info handle.
    unsafe {
        read(info, std::ptr::null(), |i| {
            i.snapshot
                .as_ref()
                .map_or(std::ptr::null(), |s| s.notify_topic.as_ptr())
        })
    }
}

/// Seconds between snapshots; 0 without snapshots.
///
/// # Safety
/// `info` is NULL or a live `osslive_channel_info` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_info_snapshot_interval(
    info: *const osslive_channel_info,
) -> u32 {
    // SAFETY: NULL or a live info handle.
    unsafe { read(info, 0, |i| i.snapshot.as_ref().map_or(0, |s| s.interval)) }
}

/// The request id of the answer, or NULL. Owned by `info`.
///
/// # Safety
/// `info` is NULL or a live `osslive_channel_info` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_info_request_id(
    info: *const osslive_channel_info,
) -> *const c_char {
    // SAFETY: NULL or a live info handle.
    unsafe { read(info, std::ptr::null(), |i| opt_ptr(&i.request_id)) }
}

/// Frees a channel info and its strings; NULL is fine.
///
/// # Safety
/// `info` is NULL or a channel info from this library, not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_info_free(info: *mut osslive_channel_info) {
    // SAFETY: per the contract.
    unsafe { free_handle(info) }
}
