//! Result handles for C, and the channel configuration builder used to create channels.
//!
//! Every result is an opaque handle made by one operation and freed with its `_free`
//! function (NULL is fine). Its accessors take a `const` pointer, so a result may be read
//! from many threads at once; they are NULL-safe (a NULL handle gives NULL, 0 or false)
//! and an index out of range gives NULL or 0. Every string a handle hands out is
//! NUL-terminated UTF-8 made when the handle was, owned by the handle, and valid until the
//! handle is freed.

use std::ffi::{CString, c_char, c_int};
use std::time::SystemTime;

use super::error::FfiError;
use super::*;
use crate::{
    ChannelStatus, CreateLiveChannelResult, ListLiveChannelResult, LiveChannelConfiguration,
    LiveChannelHistory, LiveChannelInfo, LiveChannelSnapshot, LiveChannelStat, LiveChannelSummary,
    LiveChannelTarget, LiveStatus, SignedRtmpUrl, VodPlaylist, validate,
};

/// A channel accepts RTMP pushes (`enabled`), the default.
pub const OSSLIVE_CHANNEL_ENABLED: c_int = 0;
/// A channel refuses RTMP pushes (`disabled`).
pub const OSSLIVE_CHANNEL_DISABLED: c_int = 1;

/// GetLiveChannelStat: the channel is enabled and nobody is pushing (`Idle`).
pub const OSSLIVE_LIVE_IDLE: c_int = 0;
/// GetLiveChannelStat: a publisher is pushing (`Live`).
pub const OSSLIVE_LIVE_LIVE: c_int = 1;
/// GetLiveChannelStat: the channel is disabled (`Disabled`).
pub const OSSLIVE_LIVE_DISABLED: c_int = 2;

/// An `OSSLIVE_CHANNEL_*` value from C, checked.
pub(crate) fn channel_status_from_c(status: c_int) -> Result<ChannelStatus, FfiError> {
    match status {
        OSSLIVE_CHANNEL_ENABLED => Ok(ChannelStatus::Enabled),
        OSSLIVE_CHANNEL_DISABLED => Ok(ChannelStatus::Disabled),
        _ => Err(FfiError::invalid(
            "status",
            "must be OSSLIVE_CHANNEL_ENABLED or OSSLIVE_CHANNEL_DISABLED",
        )),
    }
}

fn channel_status_to_c(status: ChannelStatus) -> c_int {
    match status {
        ChannelStatus::Enabled => OSSLIVE_CHANNEL_ENABLED,
        ChannelStatus::Disabled => OSSLIVE_CHANNEL_DISABLED,
    }
}

fn live_status_to_c(status: LiveStatus) -> c_int {
    match status {
        LiveStatus::Idle => OSSLIVE_LIVE_IDLE,
        LiveStatus::Live => OSSLIVE_LIVE_LIVE,
        LiveStatus::Disabled => OSSLIVE_LIVE_DISABLED,
    }
}

/// Unix seconds for C: whole seconds, 0 before 1970, saturating far in the future.
fn unix_i64(t: SystemTime) -> i64 {
    i64::try_from(crate::time::unix_seconds(t)).unwrap_or(i64::MAX)
}

fn opt_c_string(s: Option<&str>) -> Option<CString> {
    s.map(c_string)
}

fn c_strings(v: &[String]) -> Vec<CString> {
    v.iter().map(|s| c_string(s)).collect()
}

/// The string at `index`, or NULL when out of range.
fn string_at(v: &[CString], index: usize) -> *const c_char {
    v.get(index).map_or(std::ptr::null(), |s| s.as_ptr())
}

/// Reads a handle inside `guard_value`: NULL (or a panic) gives `fallback`.
///
/// # Safety
/// `ptr` is NULL or a live handle of type `T` from this library.
unsafe fn read<T, R: Copy>(ptr: *const T, fallback: R, f: impl FnOnce(&T) -> R) -> R {
    // SAFETY: per the contract, non-NULL means a live handle.
    guard_value(fallback, || unsafe { ptr.as_ref() }.map_or(fallback, f))
}

// ---------------------------------------------------------------------------------------
// osslive_channel_config
// ---------------------------------------------------------------------------------------

/// The configuration of a channel to create, filled with `osslive_channel_config_set_*`
/// and passed to `osslive_create_live_channel`. Use it from one thread at a time; it can
/// create any number of channels.
pub struct osslive_channel_config {
    pub(crate) config: LiveChannelConfiguration,
}

/// A new channel configuration with the defaults: enabled, no description, HLS with 5 s
/// fragments, 3 fragments in the live playlist `playlist.m3u8`, no snapshots. Free it with
/// `osslive_channel_config_free`. NULL only if out of memory.
#[unsafe(no_mangle)]
pub extern "C" fn osslive_channel_config_new() -> *mut osslive_channel_config {
    guard_value(std::ptr::null_mut(), || {
        Box::into_raw(Box::new(osslive_channel_config {
            config: LiveChannelConfiguration::default(),
        }))
    })
}

/// Frees a channel configuration; NULL is fine. Channels created with it are not affected.
///
/// # Safety
/// `config` is NULL or a channel configuration from this library, not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_config_free(config: *mut osslive_channel_config) {
    // SAFETY: per the contract.
    guard_value((), || unsafe { free_handle(config) })
}

/// Changes a channel configuration if `change` succeeds; on failure it is left as it was.
fn update_channel_config(
    config: *mut osslive_channel_config,
    err: *mut *mut osslive_error,
    change: impl FnOnce(&mut LiveChannelConfiguration) -> Result<(), FfiError>,
) -> c_int {
    guard(err, || {
        // SAFETY: NULL or a live channel configuration used by this thread only.
        let config = unsafe { handle_mut(config, "config") }?;
        change(&mut config.config)
    })
}

/// Sets the description: free text of at most 128 bytes of UTF-8 (OSS field
/// `Description`); `""` clears it. The string is copied.
///
/// # Safety
/// `config` is NULL or a live channel configuration; `description` is NULL or a
/// NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_config_set_description(
    config: *mut osslive_channel_config,
    description: *const c_char,
    err: *mut *mut osslive_error,
) -> c_int {
    update_channel_config(config, err, |c| {
        // SAFETY: NULL or NUL-terminated, per the contract.
        let description = unsafe { required_str(description, "description") }?;
        validate::description(description)?;
        c.description = description.to_owned();
        Ok(())
    })
}

/// Sets whether the channel accepts pushes: `OSSLIVE_CHANNEL_ENABLED` (default) or
/// `OSSLIVE_CHANNEL_DISABLED`.
///
/// # Safety
/// `config` is NULL or a live channel configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_config_set_status(
    config: *mut osslive_channel_config,
    status: c_int,
    err: *mut *mut osslive_error,
) -> c_int {
    update_channel_config(config, err, |c| {
        c.status = channel_status_from_c(status)?;
        Ok(())
    })
}

/// Sets the HLS output: seconds per fragment (`Target.FragDuration`, 1-100), fragments in
/// the live playlist (`Target.FragCount`, 1-100) and the playlist name
/// (`Target.PlaylistName`: ends in `.m3u8`, 6-128 characters, no `/`). All three are
/// checked before any is changed. The string is copied.
///
/// # Safety
/// `config` is NULL or a live channel configuration; `playlist_name` is NULL or a
/// NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_config_set_target(
    config: *mut osslive_channel_config,
    frag_duration: u32,
    frag_count: u32,
    playlist_name: *const c_char,
    err: *mut *mut osslive_error,
) -> c_int {
    update_channel_config(config, err, |c| {
        // SAFETY: NULL or NUL-terminated, per the contract.
        let playlist_name = unsafe { required_str(playlist_name, "playlist_name") }?;
        validate::frag_duration(frag_duration)?;
        validate::frag_count(frag_count)?;
        validate::playlist_name(playlist_name)?;
        c.target = LiveChannelTarget {
            frag_duration,
            frag_count,
            playlist_name: playlist_name.to_owned(),
        };
        Ok(())
    })
}

/// Turns on snapshots: OSS assumes the RAM role `role_name` (`Snapshot.RoleName`) to write
/// a snapshot every `interval` seconds (`Snapshot.Interval`, 1-100) to `dest_bucket`
/// (`Snapshot.DestBucket`) and tells the MNS topic `notify_topic`
/// (`Snapshot.NotifyTopic`). All four are checked before any is changed. The strings are
/// copied.
///
/// # Safety
/// `config` is NULL or a live channel configuration; the strings are NULL or
/// NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_config_set_snapshot(
    config: *mut osslive_channel_config,
    role_name: *const c_char,
    dest_bucket: *const c_char,
    notify_topic: *const c_char,
    interval: u32,
    err: *mut *mut osslive_error,
) -> c_int {
    update_channel_config(config, err, |c| {
        // SAFETY: NULL or NUL-terminated, per the contract.
        let role_name = unsafe { required_str(role_name, "role_name") }?;
        let dest_bucket = unsafe { required_str(dest_bucket, "dest_bucket") }?;
        let notify_topic = unsafe { required_str(notify_topic, "notify_topic") }?;
        validate::snapshot_role_name(role_name)?;
        validate::snapshot_dest_bucket(dest_bucket)?;
        validate::snapshot_notify_topic(notify_topic)?;
        validate::snapshot_interval(interval)?;
        c.snapshot = Some(LiveChannelSnapshot {
            role_name: role_name.to_owned(),
            dest_bucket: dest_bucket.to_owned(),
            notify_topic: notify_topic.to_owned(),
            interval,
        });
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------
// osslive_create_result
// ---------------------------------------------------------------------------------------

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
    guard_value((), || unsafe { free_handle(result) })
}

// ---------------------------------------------------------------------------------------
// osslive_channel_list
// ---------------------------------------------------------------------------------------

/// One channel of a list page.
struct ChannelEntry {
    name: CString,
    description: CString,
    status: c_int,
    last_modified: i64,
    publish_urls: Vec<CString>,
    play_urls: Vec<CString>,
}

impl From<LiveChannelSummary> for ChannelEntry {
    fn from(c: LiveChannelSummary) -> Self {
        ChannelEntry {
            name: c_string(&c.name),
            description: c_string(&c.description),
            status: channel_status_to_c(c.status),
            last_modified: c.last_modified.map_or(0, unix_i64),
            publish_urls: c_strings(&c.publish_urls),
            play_urls: c_strings(&c.play_urls),
        }
    }
}

/// One page of ListLiveChannel, from `osslive_list_live_channel` or
/// `osslive_channel_pager_next`: the channels in name order with the page's paging data.
/// Free it with `osslive_channel_list_free`.
pub struct osslive_channel_list {
    prefix: CString,
    marker: CString,
    max_keys: u32,
    is_truncated: bool,
    next_marker: Option<CString>,
    entries: Vec<ChannelEntry>,
    request_id: Option<CString>,
}

impl From<ListLiveChannelResult> for osslive_channel_list {
    fn from(page: ListLiveChannelResult) -> Self {
        osslive_channel_list {
            prefix: c_string(&page.prefix),
            marker: c_string(&page.marker),
            max_keys: page.max_keys,
            is_truncated: page.is_truncated,
            next_marker: opt_c_string(page.next_marker.as_deref().filter(|m| !m.is_empty())),
            entries: page.channels.into_iter().map(ChannelEntry::from).collect(),
            request_id: opt_c_string(page.request_id.as_deref()),
        }
    }
}

/// Reads entry `index` of a list: NULL list or index out of range gives `fallback`.
///
/// # Safety
/// `list` is NULL or a live list handle.
unsafe fn entry<R: Copy>(
    list: *const osslive_channel_list,
    index: usize,
    fallback: R,
    f: impl FnOnce(&ChannelEntry) -> R,
) -> R {
    // SAFETY: per the contract.
    unsafe { read(list, fallback, |l| l.entries.get(index).map_or(fallback, f)) }
}

/// The number of channels in the page; 0 for a NULL `list`.
///
/// # Safety
/// `list` is NULL or a live `osslive_channel_list` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_list_len(list: *const osslive_channel_list) -> usize {
    // SAFETY: NULL or a live list handle.
    unsafe { read(list, 0, |l| l.entries.len()) }
}

/// Whether more channels follow this page (ask again with `osslive_channel_list_next_marker`
/// as the marker); false for a NULL `list`.
///
/// # Safety
/// `list` is NULL or a live `osslive_channel_list` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_list_is_truncated(
    list: *const osslive_channel_list,
) -> bool {
    // SAFETY: NULL or a live list handle.
    unsafe { read(list, false, |l| l.is_truncated) }
}

/// Where the next page starts (`NextMarker`), or NULL when OSS sent none. Owned by `list`.
///
/// # Safety
/// `list` is NULL or a live `osslive_channel_list` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_list_next_marker(
    list: *const osslive_channel_list,
) -> *const c_char {
    // SAFETY: NULL or a live list handle.
    unsafe { read(list, std::ptr::null(), |l| opt_ptr(&l.next_marker)) }
}

/// The prefix the page was asked for (`""` when none); NULL only for a NULL `list`. Owned
/// by `list`.
///
/// # Safety
/// `list` is NULL or a live `osslive_channel_list` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_list_prefix(
    list: *const osslive_channel_list,
) -> *const c_char {
    // SAFETY: NULL or a live list handle.
    unsafe { read(list, std::ptr::null(), |l| l.prefix.as_ptr()) }
}

/// The marker the page was asked for (`""` when none); NULL only for a NULL `list`. Owned
/// by `list`.
///
/// # Safety
/// `list` is NULL or a live `osslive_channel_list` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_list_marker(
    list: *const osslive_channel_list,
) -> *const c_char {
    // SAFETY: NULL or a live list handle.
    unsafe { read(list, std::ptr::null(), |l| l.marker.as_ptr()) }
}

/// The page size the server used (`MaxKeys`); 0 for a NULL `list`.
///
/// # Safety
/// `list` is NULL or a live `osslive_channel_list` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_list_max_keys(list: *const osslive_channel_list) -> u32 {
    // SAFETY: NULL or a live list handle.
    unsafe { read(list, 0, |l| l.max_keys) }
}

/// The request id of the answer, or NULL. Owned by `list`.
///
/// # Safety
/// `list` is NULL or a live `osslive_channel_list` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_list_request_id(
    list: *const osslive_channel_list,
) -> *const c_char {
    // SAFETY: NULL or a live list handle.
    unsafe { read(list, std::ptr::null(), |l| opt_ptr(&l.request_id)) }
}

/// The name of channel `index`, or NULL out of range. Owned by `list`.
///
/// # Safety
/// `list` is NULL or a live `osslive_channel_list` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_list_name(
    list: *const osslive_channel_list,
    index: usize,
) -> *const c_char {
    // SAFETY: NULL or a live list handle.
    unsafe { entry(list, index, std::ptr::null(), |e| e.name.as_ptr()) }
}

/// The description of channel `index` (`""` when it has none), or NULL out of range.
/// Owned by `list`.
///
/// # Safety
/// `list` is NULL or a live `osslive_channel_list` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_list_description(
    list: *const osslive_channel_list,
    index: usize,
) -> *const c_char {
    // SAFETY: NULL or a live list handle.
    unsafe { entry(list, index, std::ptr::null(), |e| e.description.as_ptr()) }
}

/// The status of channel `index`: `OSSLIVE_CHANNEL_ENABLED` or `OSSLIVE_CHANNEL_DISABLED`;
/// -1 out of range.
///
/// # Safety
/// `list` is NULL or a live `osslive_channel_list` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_list_status(
    list: *const osslive_channel_list,
    index: usize,
) -> c_int {
    // SAFETY: NULL or a live list handle.
    unsafe { entry(list, index, -1, |e| e.status) }
}

/// When the configuration of channel `index` last changed, in Unix seconds; 0 when unknown
/// or out of range.
///
/// # Safety
/// `list` is NULL or a live `osslive_channel_list` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_list_last_modified(
    list: *const osslive_channel_list,
    index: usize,
) -> i64 {
    // SAFETY: NULL or a live list handle.
    unsafe { entry(list, index, 0, |e| e.last_modified) }
}

/// The first publish (RTMP, unsigned) URL of channel `index`, or NULL when it has none or
/// out of range. Owned by `list`.
///
/// # Safety
/// `list` is NULL or a live `osslive_channel_list` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_list_publish_url(
    list: *const osslive_channel_list,
    index: usize,
) -> *const c_char {
    // SAFETY: NULL or a live list handle.
    unsafe {
        entry(list, index, std::ptr::null(), |e| {
            string_at(&e.publish_urls, 0)
        })
    }
}

/// The first play (HLS) URL of channel `index`, or NULL when it has none or out of range.
/// Owned by `list`.
///
/// # Safety
/// `list` is NULL or a live `osslive_channel_list` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_list_play_url(
    list: *const osslive_channel_list,
    index: usize,
) -> *const c_char {
    // SAFETY: NULL or a live list handle.
    unsafe {
        entry(list, index, std::ptr::null(), |e| {
            string_at(&e.play_urls, 0)
        })
    }
}

/// Frees a list page and its strings; NULL is fine.
///
/// # Safety
/// `list` is NULL or a list from this library, not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_list_free(list: *mut osslive_channel_list) {
    // SAFETY: per the contract.
    guard_value((), || unsafe { free_handle(list) })
}

// ---------------------------------------------------------------------------------------
// osslive_channel_info
// ---------------------------------------------------------------------------------------

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
    guard_value((), || unsafe { free_handle(info) })
}

// ---------------------------------------------------------------------------------------
// osslive_channel_stat
// ---------------------------------------------------------------------------------------

struct VideoInfo {
    width: u32,
    height: u32,
    frame_rate: u32,
    bandwidth: u64,
    codec: Option<CString>,
}

struct AudioInfo {
    bandwidth: u64,
    sample_rate: u32,
    codec: Option<CString>,
}

/// A channel's push state from `osslive_get_live_channel_stat`. Only a live channel has
/// a connection time, remote address, video and audio; even then video and audio may be
/// missing until media arrives. Free it with `osslive_channel_stat_free`.
pub struct osslive_channel_stat {
    status: c_int,
    connected_time: i64,
    remote_addr: Option<CString>,
    video: Option<VideoInfo>,
    audio: Option<AudioInfo>,
    request_id: Option<CString>,
}

impl From<LiveChannelStat> for osslive_channel_stat {
    fn from(stat: LiveChannelStat) -> Self {
        let non_empty = |s: &str| (!s.is_empty()).then(|| c_string(s));
        osslive_channel_stat {
            status: live_status_to_c(stat.status),
            connected_time: stat.connected_time.map_or(0, unix_i64),
            remote_addr: opt_c_string(stat.remote_addr.as_deref()),
            video: stat.video.map(|v| VideoInfo {
                width: v.width,
                height: v.height,
                frame_rate: v.frame_rate,
                bandwidth: v.bandwidth,
                codec: non_empty(&v.codec),
            }),
            audio: stat.audio.map(|a| AudioInfo {
                bandwidth: a.bandwidth,
                sample_rate: a.sample_rate,
                codec: non_empty(&a.codec),
            }),
            request_id: opt_c_string(stat.request_id.as_deref()),
        }
    }
}

/// `OSSLIVE_LIVE_IDLE`, `OSSLIVE_LIVE_LIVE` or `OSSLIVE_LIVE_DISABLED`; -1 for a NULL
/// `stat`.
///
/// # Safety
/// `stat` is NULL or a live `osslive_channel_stat` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_stat_status(stat: *const osslive_channel_stat) -> c_int {
    // SAFETY: NULL or a live stat handle.
    unsafe { read(stat, -1, |s| s.status) }
}

/// When the current push started, in Unix seconds; 0 when nobody is pushing.
///
/// # Safety
/// `stat` is NULL or a live `osslive_channel_stat` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_stat_connected_time(
    stat: *const osslive_channel_stat,
) -> i64 {
    // SAFETY: NULL or a live stat handle.
    unsafe { read(stat, 0, |s| s.connected_time) }
}

/// The publisher's `ip:port`, or NULL when nobody is pushing. Owned by `stat`.
///
/// # Safety
/// `stat` is NULL or a live `osslive_channel_stat` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_stat_remote_addr(
    stat: *const osslive_channel_stat,
) -> *const c_char {
    // SAFETY: NULL or a live stat handle.
    unsafe { read(stat, std::ptr::null(), |s| opt_ptr(&s.remote_addr)) }
}

/// Whether the push carries video; when false the `_video_*` accessors give 0 and NULL.
///
/// # Safety
/// `stat` is NULL or a live `osslive_channel_stat` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_stat_has_video(stat: *const osslive_channel_stat) -> bool {
    // SAFETY: NULL or a live stat handle.
    unsafe { read(stat, false, |s| s.video.is_some()) }
}

/// Video width in pixels; 0 without video.
///
/// # Safety
/// `stat` is NULL or a live `osslive_channel_stat` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_stat_video_width(
    stat: *const osslive_channel_stat,
) -> u32 {
    // SAFETY: NULL or a live stat handle.
    unsafe { read(stat, 0, |s| s.video.as_ref().map_or(0, |v| v.width)) }
}

/// Video height in pixels; 0 without video.
///
/// # Safety
/// `stat` is NULL or a live `osslive_channel_stat` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_stat_video_height(
    stat: *const osslive_channel_stat,
) -> u32 {
    // SAFETY: NULL or a live stat handle.
    unsafe { read(stat, 0, |s| s.video.as_ref().map_or(0, |v| v.height)) }
}

/// Video frames per second; 0 without video.
///
/// # Safety
/// `stat` is NULL or a live `osslive_channel_stat` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_stat_video_frame_rate(
    stat: *const osslive_channel_stat,
) -> u32 {
    // SAFETY: NULL or a live stat handle.
    unsafe { read(stat, 0, |s| s.video.as_ref().map_or(0, |v| v.frame_rate)) }
}

/// Video bytes per second (0 at first); 0 without video.
///
/// # Safety
/// `stat` is NULL or a live `osslive_channel_stat` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_stat_video_bandwidth(
    stat: *const osslive_channel_stat,
) -> u64 {
    // SAFETY: NULL or a live stat handle.
    unsafe { read(stat, 0, |s| s.video.as_ref().map_or(0, |v| v.bandwidth)) }
}

/// The video codec (for example `"H264"`), or NULL without video or when OSS sent none.
/// Owned by `stat`.
///
/// # Safety
/// `stat` is NULL or a live `osslive_channel_stat` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_stat_video_codec(
    stat: *const osslive_channel_stat,
) -> *const c_char {
    // SAFETY: NULL or a live stat handle.
    unsafe {
        read(stat, std::ptr::null(), |s| {
            s.video
                .as_ref()
                .map_or(std::ptr::null(), |v| opt_ptr(&v.codec))
        })
    }
}

/// Whether the push carries audio; when false the `_audio_*` accessors give 0 and NULL.
///
/// # Safety
/// `stat` is NULL or a live `osslive_channel_stat` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_stat_has_audio(stat: *const osslive_channel_stat) -> bool {
    // SAFETY: NULL or a live stat handle.
    unsafe { read(stat, false, |s| s.audio.is_some()) }
}

/// Audio bytes per second (0 at first); 0 without audio.
///
/// # Safety
/// `stat` is NULL or a live `osslive_channel_stat` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_stat_audio_bandwidth(
    stat: *const osslive_channel_stat,
) -> u64 {
    // SAFETY: NULL or a live stat handle.
    unsafe { read(stat, 0, |s| s.audio.as_ref().map_or(0, |a| a.bandwidth)) }
}

/// Audio sample rate in Hz; 0 without audio.
///
/// # Safety
/// `stat` is NULL or a live `osslive_channel_stat` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_stat_audio_sample_rate(
    stat: *const osslive_channel_stat,
) -> u32 {
    // SAFETY: NULL or a live stat handle.
    unsafe { read(stat, 0, |s| s.audio.as_ref().map_or(0, |a| a.sample_rate)) }
}

/// The audio codec (for example `"AAC"`), or NULL without audio or when OSS sent none.
/// Owned by `stat`.
///
/// # Safety
/// `stat` is NULL or a live `osslive_channel_stat` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_stat_audio_codec(
    stat: *const osslive_channel_stat,
) -> *const c_char {
    // SAFETY: NULL or a live stat handle.
    unsafe {
        read(stat, std::ptr::null(), |s| {
            s.audio
                .as_ref()
                .map_or(std::ptr::null(), |a| opt_ptr(&a.codec))
        })
    }
}

/// The request id of the answer, or NULL. Owned by `stat`.
///
/// # Safety
/// `stat` is NULL or a live `osslive_channel_stat` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_stat_request_id(
    stat: *const osslive_channel_stat,
) -> *const c_char {
    // SAFETY: NULL or a live stat handle.
    unsafe { read(stat, std::ptr::null(), |s| opt_ptr(&s.request_id)) }
}

/// Frees a channel stat and its strings; NULL is fine.
///
/// # Safety
/// `stat` is NULL or a channel stat from this library, not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_stat_free(stat: *mut osslive_channel_stat) {
    // SAFETY: per the contract.
    guard_value((), || unsafe { free_handle(stat) })
}

// ---------------------------------------------------------------------------------------
// osslive_channel_history
// ---------------------------------------------------------------------------------------

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
    guard_value((), || unsafe { free_handle(history) })
}

// ---------------------------------------------------------------------------------------
// osslive_vod_playlist
// ---------------------------------------------------------------------------------------

/// A VOD playlist from `osslive_get_vod_playlist`: the m3u8 text. Free it with
/// `osslive_vod_playlist_free`.
pub struct osslive_vod_playlist {
    text: CString,
    request_id: Option<CString>,
}

impl From<VodPlaylist> for osslive_vod_playlist {
    fn from(playlist: VodPlaylist) -> Self {
        osslive_vod_playlist {
            text: c_string(&playlist.m3u8),
            request_id: opt_c_string(playlist.request_id.as_deref()),
        }
    }
}

/// The m3u8 text; never NULL for a live `playlist` (NULL only for a NULL one). Owned by
/// `playlist`.
///
/// # Safety
/// `playlist` is NULL or a live `osslive_vod_playlist` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_vod_playlist_text(
    playlist: *const osslive_vod_playlist,
) -> *const c_char {
    // SAFETY: NULL or a live playlist handle.
    unsafe { read(playlist, std::ptr::null(), |p| p.text.as_ptr()) }
}

/// The request id of the answer, or NULL. Owned by `playlist`.
///
/// # Safety
/// `playlist` is NULL or a live `osslive_vod_playlist` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_vod_playlist_request_id(
    playlist: *const osslive_vod_playlist,
) -> *const c_char {
    // SAFETY: NULL or a live playlist handle.
    unsafe { read(playlist, std::ptr::null(), |p| opt_ptr(&p.request_id)) }
}

/// Frees a VOD playlist and its text; NULL is fine.
///
/// # Safety
/// `playlist` is NULL or a VOD playlist from this library, not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_vod_playlist_free(playlist: *mut osslive_vod_playlist) {
    // SAFETY: per the contract.
    guard_value((), || unsafe { free_handle(playlist) })
}

// ---------------------------------------------------------------------------------------
// osslive_rtmp_url
// ---------------------------------------------------------------------------------------

/// A signed RTMP push URL from `osslive_sign_rtmp_url`, whole and split the way encoders
/// take it. It is a bearer credential until it expires: do not log it. Free it with
/// `osslive_rtmp_url_free`.
pub struct osslive_rtmp_url {
    url: CString,
    server: CString,
    stream_key: CString,
    expires: i64,
}

impl From<SignedRtmpUrl> for osslive_rtmp_url {
    fn from(signed: SignedRtmpUrl) -> Self {
        osslive_rtmp_url {
            url: c_string(&signed.url),
            server: c_string(&signed.server),
            stream_key: c_string(&signed.stream_key),
            expires: unix_i64(signed.expires),
        }
    }
}

/// The whole URL, `rtmp://…/live/CHANNEL?…&Signature=…`, for ffmpeg or librtmp. Equal to
/// the server, `"/"` and the stream key. NULL only for a NULL `url`. Owned by `url`.
///
/// # Safety
/// `url` is NULL or a live `osslive_rtmp_url` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_rtmp_url_url(url: *const osslive_rtmp_url) -> *const c_char {
    // SAFETY: NULL or a live RTMP URL handle.
    unsafe { read(url, std::ptr::null(), |u| u.url.as_ptr()) }
}

/// The server part, `rtmp://…/live` (OBS's "Server"). NULL only for a NULL `url`. Owned by
/// `url`.
///
/// # Safety
/// `url` is NULL or a live `osslive_rtmp_url` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_rtmp_url_server(url: *const osslive_rtmp_url) -> *const c_char {
    // SAFETY: NULL or a live RTMP URL handle.
    unsafe { read(url, std::ptr::null(), |u| u.server.as_ptr()) }
}

/// The stream key, `CHANNEL?…&Signature=…` (OBS's "Stream Key"). NULL only for a NULL
/// `url`. Owned by `url`.
///
/// # Safety
/// `url` is NULL or a live `osslive_rtmp_url` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_rtmp_url_stream_key(
    url: *const osslive_rtmp_url,
) -> *const c_char {
    // SAFETY: NULL or a live RTMP URL handle.
    unsafe { read(url, std::ptr::null(), |u| u.stream_key.as_ptr()) }
}

/// When the signature stops being accepted, in Unix seconds; 0 for a NULL `url`.
///
/// # Safety
/// `url` is NULL or a live `osslive_rtmp_url` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_rtmp_url_expires(url: *const osslive_rtmp_url) -> i64 {
    // SAFETY: NULL or a live RTMP URL handle.
    unsafe { read(url, 0, |u| u.expires) }
}

/// Frees a signed RTMP URL and its strings; NULL is fine.
///
/// # Safety
/// `url` is NULL or an RTMP URL from this library, not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_rtmp_url_free(url: *mut osslive_rtmp_url) {
    // SAFETY: per the contract.
    guard_value((), || unsafe { free_handle(url) })
}

#[cfg(test)]
mod tests {
    use std::ffi::{CStr, CString, c_char, c_int};
    use std::ptr::{null, null_mut};
    use std::time::{Duration, SystemTime};

    use super::super::error::*;
    use super::super::*;
    use super::*;
    use crate::time::from_unix_seconds;
    use crate::{LiveChannelAudio, LiveChannelVideo, LiveRecord};

    /// A C string the library handed out, as `&str`; `None` for NULL.
    fn text<'a>(p: *const c_char) -> Option<&'a str> {
        // SAFETY: the library returns NULL or NUL-terminated UTF-8 valid while the test runs.
        (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_str().unwrap())
    }

    /// Everything an `osslive_error` tells, read and freed.
    #[derive(Debug)]
    struct Failure {
        status: c_int,
        message: String,
        field: Option<String>,
    }

    /// Runs a fallible call with an error out-parameter: `Ok` on `OSSLIVE_OK` (and then no
    /// error was stored), else what the error says.
    fn call(f: impl FnOnce(*mut *mut osslive_error) -> c_int) -> Result<(), Failure> {
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
            }
        };
        assert_eq!(failure.status, status, "{failure:?}");
        // SAFETY: freed once.
        unsafe { osslive_error_free(err) };
        Err(failure)
    }

    /// Asserts an invalid-argument failure whose message names `name`; returns it.
    #[track_caller]
    fn invalid(result: Result<(), Failure>, name: &str) -> Failure {
        let failure = result.expect_err("the call should have failed");
        assert_eq!(failure.status, OSSLIVE_ERR_INVALID_ARGUMENT, "{failure:?}");
        assert!(
            failure.message.contains(name),
            "{:?} does not name {name:?}",
            failure.message
        );
        failure
    }

    /// Asserts an invalid-argument failure for the OSS field `field`.
    #[track_caller]
    fn invalid_field(result: Result<(), Failure>, field: &str) {
        let failure = invalid(result, field);
        assert_eq!(failure.field.as_deref(), Some(field), "{failure:?}");
    }

    fn cs(s: &str) -> CString {
        CString::new(s).unwrap()
    }

    const NOT_UTF8: &[u8] = b"\xff\0";

    fn not_utf8() -> *const c_char {
        NOT_UTF8.as_ptr().cast()
    }

    #[test]
    fn status_constants_are_distinct() {
        assert_eq!((OSSLIVE_CHANNEL_ENABLED, OSSLIVE_CHANNEL_DISABLED), (0, 1));
        assert_eq!(
            (OSSLIVE_LIVE_IDLE, OSSLIVE_LIVE_LIVE, OSSLIVE_LIVE_DISABLED),
            (0, 1, 2)
        );
    }

    #[test]
    fn channel_config_defaults_and_setters() {
        let config = osslive_channel_config_new();
        assert!(!config.is_null());
        // SAFETY: `config` is live until freed at the end; strings outlive the calls.
        unsafe {
            assert_eq!((*config).config, LiveChannelConfiguration::default());
            let (description, playlist) = (cs("my channel"), cs("live.m3u8"));
            call(|e| osslive_channel_config_set_description(config, description.as_ptr(), e))
                .unwrap();
            call(|e| osslive_channel_config_set_status(config, OSSLIVE_CHANNEL_DISABLED, e))
                .unwrap();
            call(|e| osslive_channel_config_set_target(config, 10, 4, playlist.as_ptr(), e))
                .unwrap();
            let (role, dest, topic) = (cs("role"), cs("snapshotdest"), cs("topic"));
            let set = osslive_channel_config_set_snapshot(
                config,
                role.as_ptr(),
                dest.as_ptr(),
                topic.as_ptr(),
                7,
                null_mut(),
            );
            assert_eq!(set, OSSLIVE_OK);
            let expected = LiveChannelConfiguration {
                description: "my channel".into(),
                status: ChannelStatus::Disabled,
                target: LiveChannelTarget {
                    frag_duration: 10,
                    frag_count: 4,
                    playlist_name: "live.m3u8".into(),
                },
                snapshot: Some(LiveChannelSnapshot {
                    role_name: "role".into(),
                    dest_bucket: "snapshotdest".into(),
                    notify_topic: "topic".into(),
                    interval: 7,
                }),
            };
            assert_eq!((*config).config, expected);
            osslive_channel_config_free(config);
            osslive_channel_config_free(null_mut());
        }
    }

    #[test]
    fn channel_config_setters_check_arguments_and_change_nothing_on_failure() {
        let config = osslive_channel_config_new();
        let ok = cs("ok.m3u8");
        let (role, dest, topic) = (cs("role"), cs("snapshotdest"), cs("topic"));
        // SAFETY: `config` is live until freed at the end; strings outlive the calls.
        unsafe {
            let before = (*config).config.clone();
            // NULL handles and strings, and text that is not UTF-8.
            let d = cs("d");
            invalid(
                call(|e| osslive_channel_config_set_description(null_mut(), d.as_ptr(), e)),
                "config",
            );
            invalid(
                call(|e| osslive_channel_config_set_description(config, null(), e)),
                "description",
            );
            invalid(
                call(|e| osslive_channel_config_set_description(config, not_utf8(), e)),
                "description",
            );
            invalid(
                call(|e| osslive_channel_config_set_status(null_mut(), 0, e)),
                "config",
            );
            invalid(
                call(|e| osslive_channel_config_set_target(null_mut(), 5, 3, ok.as_ptr(), e)),
                "config",
            );
            invalid(
                call(|e| osslive_channel_config_set_target(config, 5, 3, null(), e)),
                "playlist_name",
            );
            invalid(
                call(|e| osslive_channel_config_set_target(config, 5, 3, not_utf8(), e)),
                "playlist_name",
            );
            let snapshot = |c, r, d, t, i| {
                call(move |e| osslive_channel_config_set_snapshot(c, r, d, t, i, e))
            };
            invalid(
                snapshot(null_mut(), role.as_ptr(), dest.as_ptr(), topic.as_ptr(), 1),
                "config",
            );
            invalid(
                snapshot(config, null(), dest.as_ptr(), topic.as_ptr(), 1),
                "role_name",
            );
            invalid(
                snapshot(config, role.as_ptr(), null(), topic.as_ptr(), 1),
                "dest_bucket",
            );
            invalid(
                snapshot(config, role.as_ptr(), dest.as_ptr(), null(), 1),
                "notify_topic",
            );
            invalid(
                snapshot(config, not_utf8(), dest.as_ptr(), topic.as_ptr(), 1),
                "role_name",
            );
            invalid(
                snapshot(config, role.as_ptr(), not_utf8(), topic.as_ptr(), 1),
                "dest_bucket",
            );
            invalid(
                snapshot(config, role.as_ptr(), dest.as_ptr(), not_utf8(), 1),
                "notify_topic",
            );

            // Values that break OSS rules name the OSS field.
            let long = cs(&"d".repeat(129));
            invalid_field(
                call(|e| osslive_channel_config_set_description(config, long.as_ptr(), e)),
                "Description",
            );
            invalid(
                call(|e| osslive_channel_config_set_status(config, 2, e)),
                "status",
            );
            invalid(
                call(|e| osslive_channel_config_set_status(config, -1, e)),
                "status",
            );
            invalid_field(
                call(|e| osslive_channel_config_set_target(config, 0, 3, ok.as_ptr(), e)),
                "Target.FragDuration",
            );
            invalid_field(
                call(|e| osslive_channel_config_set_target(config, 101, 3, ok.as_ptr(), e)),
                "Target.FragDuration",
            );
            invalid_field(
                call(|e| osslive_channel_config_set_target(config, 5, 0, ok.as_ptr(), e)),
                "Target.FragCount",
            );
            invalid_field(
                call(|e| osslive_channel_config_set_target(config, 5, 101, ok.as_ptr(), e)),
                "Target.FragCount",
            );
            for bad in ["list.txt", "a/b.m3u8", ".m3u8", ""] {
                let bad = cs(bad);
                invalid_field(
                    call(|e| osslive_channel_config_set_target(config, 5, 3, bad.as_ptr(), e)),
                    "Target.PlaylistName",
                );
            }
            let empty = cs("");
            invalid_field(
                snapshot(config, empty.as_ptr(), dest.as_ptr(), topic.as_ptr(), 1),
                "Snapshot.RoleName",
            );
            let bad_bucket = cs("Not_A_Bucket");
            invalid_field(
                snapshot(
                    config,
                    role.as_ptr(),
                    bad_bucket.as_ptr(),
                    topic.as_ptr(),
                    1,
                ),
                "Snapshot.DestBucket",
            );
            invalid_field(
                snapshot(config, role.as_ptr(), dest.as_ptr(), empty.as_ptr(), 1),
                "Snapshot.NotifyTopic",
            );
            invalid_field(
                snapshot(config, role.as_ptr(), dest.as_ptr(), topic.as_ptr(), 0),
                "Snapshot.Interval",
            );
            invalid_field(
                snapshot(config, role.as_ptr(), dest.as_ptr(), topic.as_ptr(), 101),
                "Snapshot.Interval",
            );
            assert_eq!(
                (*config).config,
                before,
                "a failed setter changed the config"
            );

            // err may be NULL.
            assert_eq!(
                osslive_channel_config_set_status(config, 9, null_mut()),
                OSSLIVE_ERR_INVALID_ARGUMENT
            );
            assert_eq!(
                osslive_channel_config_set_description(null_mut(), null(), null_mut()),
                OSSLIVE_ERR_INVALID_ARGUMENT
            );
            osslive_channel_config_free(config);
        }
    }

    #[test]
    fn create_result_accessors() {
        let r = Box::into_raw(Box::new(osslive_create_result::from(
            CreateLiveChannelResult {
                publish_urls: vec!["rtmp://b.example/live/ch".into()],
                play_urls: vec!["http://b.example/ch/playlist.m3u8".into()],
                request_id: Some("RID".into()),
            },
        )));
        // SAFETY: `r` is live until freed; NULL is allowed everywhere.
        unsafe {
            assert_eq!(osslive_create_result_publish_url_count(r), 1);
            assert_eq!(
                text(osslive_create_result_publish_url(r, 0)),
                Some("rtmp://b.example/live/ch")
            );
            assert_eq!(text(osslive_create_result_publish_url(r, 1)), None);
            assert_eq!(text(osslive_create_result_publish_url(r, usize::MAX)), None);
            assert_eq!(osslive_create_result_play_url_count(r), 1);
            assert_eq!(
                text(osslive_create_result_play_url(r, 0)),
                Some("http://b.example/ch/playlist.m3u8")
            );
            assert_eq!(text(osslive_create_result_play_url(r, 1)), None);
            assert_eq!(text(osslive_create_result_request_id(r)), Some("RID"));
            osslive_create_result_free(r);

            assert_eq!(osslive_create_result_publish_url_count(null()), 0);
            assert!(osslive_create_result_publish_url(null(), 0).is_null());
            assert_eq!(osslive_create_result_play_url_count(null()), 0);
            assert!(osslive_create_result_play_url(null(), 0).is_null());
            assert!(osslive_create_result_request_id(null()).is_null());
            osslive_create_result_free(null_mut());
        }
    }

    #[test]
    fn channel_list_accessors() {
        let t = from_unix_seconds(1_700_000_000) + Duration::from_millis(250);
        let list = Box::into_raw(Box::new(osslive_channel_list::from(
            ListLiveChannelResult {
                prefix: "ch".into(),
                marker: String::new(),
                max_keys: 2,
                is_truncated: true,
                next_marker: Some("ch2".into()),
                channels: vec![
                    LiveChannelSummary {
                        name: "ch1".into(),
                        description: "first".into(),
                        status: ChannelStatus::Enabled,
                        last_modified: Some(t),
                        publish_urls: vec!["rtmp://x/live/ch1".into(), "rtmp://y/live/ch1".into()],
                        play_urls: vec!["http://x/ch1/p.m3u8".into()],
                    },
                    LiveChannelSummary {
                        name: "ch2".into(),
                        description: String::new(),
                        status: ChannelStatus::Disabled,
                        last_modified: None,
                        publish_urls: Vec::new(),
                        play_urls: Vec::new(),
                    },
                ],
                request_id: None,
            },
        )));
        // SAFETY: `list` is live until freed; NULL is allowed everywhere.
        unsafe {
            assert_eq!(osslive_channel_list_len(list), 2);
            assert!(osslive_channel_list_is_truncated(list));
            assert_eq!(text(osslive_channel_list_next_marker(list)), Some("ch2"));
            assert_eq!(text(osslive_channel_list_prefix(list)), Some("ch"));
            assert_eq!(text(osslive_channel_list_marker(list)), Some(""));
            assert_eq!(osslive_channel_list_max_keys(list), 2);
            assert_eq!(text(osslive_channel_list_request_id(list)), None);

            assert_eq!(text(osslive_channel_list_name(list, 0)), Some("ch1"));
            assert_eq!(
                text(osslive_channel_list_description(list, 0)),
                Some("first")
            );
            assert_eq!(
                osslive_channel_list_status(list, 0),
                OSSLIVE_CHANNEL_ENABLED
            );
            assert_eq!(osslive_channel_list_last_modified(list, 0), 1_700_000_000);
            assert_eq!(
                text(osslive_channel_list_publish_url(list, 0)),
                Some("rtmp://x/live/ch1")
            );
            assert_eq!(
                text(osslive_channel_list_play_url(list, 0)),
                Some("http://x/ch1/p.m3u8")
            );

            assert_eq!(text(osslive_channel_list_name(list, 1)), Some("ch2"));
            assert_eq!(text(osslive_channel_list_description(list, 1)), Some(""));
            assert_eq!(
                osslive_channel_list_status(list, 1),
                OSSLIVE_CHANNEL_DISABLED
            );
            assert_eq!(osslive_channel_list_last_modified(list, 1), 0);
            assert_eq!(text(osslive_channel_list_publish_url(list, 1)), None);
            assert_eq!(text(osslive_channel_list_play_url(list, 1)), None);

            for i in [2, usize::MAX] {
                assert!(osslive_channel_list_name(list, i).is_null());
                assert!(osslive_channel_list_description(list, i).is_null());
                assert_eq!(osslive_channel_list_status(list, i), -1);
                assert_eq!(osslive_channel_list_last_modified(list, i), 0);
                assert!(osslive_channel_list_publish_url(list, i).is_null());
                assert!(osslive_channel_list_play_url(list, i).is_null());
            }
            osslive_channel_list_free(list);

            assert_eq!(osslive_channel_list_len(null()), 0);
            assert!(!osslive_channel_list_is_truncated(null()));
            assert!(osslive_channel_list_next_marker(null()).is_null());
            assert!(osslive_channel_list_prefix(null()).is_null());
            assert!(osslive_channel_list_marker(null()).is_null());
            assert_eq!(osslive_channel_list_max_keys(null()), 0);
            assert!(osslive_channel_list_request_id(null()).is_null());
            assert!(osslive_channel_list_name(null(), 0).is_null());
            assert!(osslive_channel_list_description(null(), 0).is_null());
            assert_eq!(osslive_channel_list_status(null(), 0), -1);
            assert_eq!(osslive_channel_list_last_modified(null(), 0), 0);
            assert!(osslive_channel_list_publish_url(null(), 0).is_null());
            assert!(osslive_channel_list_play_url(null(), 0).is_null());
            osslive_channel_list_free(null_mut());
        }
    }

    #[test]
    fn empty_next_marker_reads_as_null() {
        let list = osslive_channel_list::from(ListLiveChannelResult {
            prefix: String::new(),
            marker: String::new(),
            max_keys: 100,
            is_truncated: false,
            next_marker: Some(String::new()),
            channels: Vec::new(),
            request_id: Some("R".into()),
        });
        // SAFETY: `list` lives on the stack for the calls.
        unsafe {
            assert!(osslive_channel_list_next_marker(&list).is_null());
            assert_eq!(text(osslive_channel_list_request_id(&list)), Some("R"));
            assert!(osslive_channel_list_name(&list, 0).is_null());
        }
    }

    #[test]
    fn channel_info_accessors() {
        let full = osslive_channel_info::from(LiveChannelInfo {
            description: Some(String::new()),
            status: Some(ChannelStatus::Disabled),
            target_type: Some("HLS".into()),
            frag_duration: Some(2),
            frag_count: Some(3),
            playlist_name: Some("p.m3u8".into()),
            snapshot: Some(LiveChannelSnapshot {
                role_name: "role".into(),
                dest_bucket: "dest".into(),
                notify_topic: "topic".into(),
                interval: 9,
            }),
            request_id: Some("RID".into()),
        });
        let empty = osslive_channel_info::from(LiveChannelInfo {
            description: None,
            status: None,
            target_type: None,
            frag_duration: None,
            frag_count: None,
            playlist_name: None,
            snapshot: None,
            request_id: None,
        });
        // SAFETY: both handles live on the stack for the calls; NULL is allowed.
        unsafe {
            let i = &full as *const osslive_channel_info;
            assert_eq!(text(osslive_channel_info_description(i)), Some(""));
            assert_eq!(osslive_channel_info_status(i), OSSLIVE_CHANNEL_DISABLED);
            assert_eq!(text(osslive_channel_info_target_type(i)), Some("HLS"));
            assert_eq!(osslive_channel_info_frag_duration(i), 2);
            assert_eq!(osslive_channel_info_frag_count(i), 3);
            assert_eq!(text(osslive_channel_info_playlist_name(i)), Some("p.m3u8"));
            assert!(osslive_channel_info_has_snapshot(i));
            assert_eq!(
                text(osslive_channel_info_snapshot_role_name(i)),
                Some("role")
            );
            assert_eq!(
                text(osslive_channel_info_snapshot_dest_bucket(i)),
                Some("dest")
            );
            assert_eq!(
                text(osslive_channel_info_snapshot_notify_topic(i)),
                Some("topic")
            );
            assert_eq!(osslive_channel_info_snapshot_interval(i), 9);
            assert_eq!(text(osslive_channel_info_request_id(i)), Some("RID"));

            for i in [&empty as *const osslive_channel_info, null()] {
                assert!(osslive_channel_info_description(i).is_null());
                assert_eq!(osslive_channel_info_status(i), -1);
                assert!(osslive_channel_info_target_type(i).is_null());
                assert_eq!(osslive_channel_info_frag_duration(i), 0);
                assert_eq!(osslive_channel_info_frag_count(i), 0);
                assert!(osslive_channel_info_playlist_name(i).is_null());
                assert!(!osslive_channel_info_has_snapshot(i));
                assert!(osslive_channel_info_snapshot_role_name(i).is_null());
                assert!(osslive_channel_info_snapshot_dest_bucket(i).is_null());
                assert!(osslive_channel_info_snapshot_notify_topic(i).is_null());
                assert_eq!(osslive_channel_info_snapshot_interval(i), 0);
                assert!(osslive_channel_info_request_id(i).is_null());
            }
            osslive_channel_info_free(null_mut());
        }
    }

    #[test]
    fn channel_stat_accessors() {
        let live = osslive_channel_stat::from(LiveChannelStat {
            status: LiveStatus::Live,
            connected_time: Some(from_unix_seconds(1_700_000_000)),
            remote_addr: Some("10.0.0.1:5000".into()),
            video: Some(LiveChannelVideo {
                width: 1280,
                height: 720,
                frame_rate: 30,
                bandwidth: 5_000_000_000,
                codec: "H264".into(),
            }),
            audio: Some(LiveChannelAudio {
                bandwidth: 20_000,
                sample_rate: 44_100,
                codec: String::new(),
            }),
            request_id: Some("RID".into()),
        });
        let idle = osslive_channel_stat::from(LiveChannelStat {
            status: LiveStatus::Idle,
            connected_time: None,
            remote_addr: None,
            video: None,
            audio: None,
            request_id: None,
        });
        // SAFETY: both handles live on the stack for the calls; NULL is allowed.
        unsafe {
            let s = &live as *const osslive_channel_stat;
            assert_eq!(osslive_channel_stat_status(s), OSSLIVE_LIVE_LIVE);
            assert_eq!(osslive_channel_stat_connected_time(s), 1_700_000_000);
            assert_eq!(
                text(osslive_channel_stat_remote_addr(s)),
                Some("10.0.0.1:5000")
            );
            assert!(osslive_channel_stat_has_video(s));
            assert_eq!(osslive_channel_stat_video_width(s), 1280);
            assert_eq!(osslive_channel_stat_video_height(s), 720);
            assert_eq!(osslive_channel_stat_video_frame_rate(s), 30);
            assert_eq!(osslive_channel_stat_video_bandwidth(s), 5_000_000_000);
            assert_eq!(text(osslive_channel_stat_video_codec(s)), Some("H264"));
            assert!(osslive_channel_stat_has_audio(s));
            assert_eq!(osslive_channel_stat_audio_bandwidth(s), 20_000);
            assert_eq!(osslive_channel_stat_audio_sample_rate(s), 44_100);
            assert!(osslive_channel_stat_audio_codec(s).is_null(), "empty codec");
            assert_eq!(text(osslive_channel_stat_request_id(s)), Some("RID"));

            assert_eq!(osslive_channel_stat_status(&idle), OSSLIVE_LIVE_IDLE);
            assert_eq!(osslive_channel_stat_status(null()), -1);
            for s in [&idle as *const osslive_channel_stat, null()] {
                assert_eq!(osslive_channel_stat_connected_time(s), 0);
                assert!(osslive_channel_stat_remote_addr(s).is_null());
                assert!(!osslive_channel_stat_has_video(s));
                assert_eq!(osslive_channel_stat_video_width(s), 0);
                assert_eq!(osslive_channel_stat_video_height(s), 0);
                assert_eq!(osslive_channel_stat_video_frame_rate(s), 0);
                assert_eq!(osslive_channel_stat_video_bandwidth(s), 0);
                assert!(osslive_channel_stat_video_codec(s).is_null());
                assert!(!osslive_channel_stat_has_audio(s));
                assert_eq!(osslive_channel_stat_audio_bandwidth(s), 0);
                assert_eq!(osslive_channel_stat_audio_sample_rate(s), 0);
                assert!(osslive_channel_stat_audio_codec(s).is_null());
                assert!(osslive_channel_stat_request_id(s).is_null());
            }
            osslive_channel_stat_free(null_mut());
        }
    }

    #[test]
    fn history_vod_and_rtmp_accessors() {
        let history = osslive_channel_history::from(LiveChannelHistory {
            records: vec![LiveRecord {
                start_time: from_unix_seconds(100),
                end_time: from_unix_seconds(200),
                remote_addr: "1.2.3.4:5".into(),
            }],
            request_id: Some("H".into()),
        });
        let vod = osslive_vod_playlist::from(VodPlaylist {
            m3u8: "#EXTM3U\n".into(),
            request_id: None,
        });
        let expires = SystemTime::UNIX_EPOCH + Duration::from_secs(1_900_000_000);
        let url = osslive_rtmp_url::from(SignedRtmpUrl {
            url: "rtmp://h/live/c?s=1".into(),
            server: "rtmp://h/live".into(),
            stream_key: "c?s=1".into(),
            expires,
        });
        // SAFETY: the handles live on the stack for the calls; NULL is allowed.
        unsafe {
            assert_eq!(osslive_channel_history_len(&history), 1);
            assert_eq!(osslive_channel_history_start_time(&history, 0), 100);
            assert_eq!(osslive_channel_history_end_time(&history, 0), 200);
            assert_eq!(
                text(osslive_channel_history_remote_addr(&history, 0)),
                Some("1.2.3.4:5")
            );
            assert_eq!(
                text(osslive_channel_history_request_id(&history)),
                Some("H")
            );
            for h in [&history as *const osslive_channel_history, null()] {
                assert_eq!(osslive_channel_history_start_time(h, 1), 0);
                assert_eq!(osslive_channel_history_end_time(h, 1), 0);
                assert!(osslive_channel_history_remote_addr(h, 1).is_null());
            }
            assert_eq!(osslive_channel_history_len(null()), 0);
            assert!(osslive_channel_history_request_id(null()).is_null());
            osslive_channel_history_free(null_mut());

            assert_eq!(text(osslive_vod_playlist_text(&vod)), Some("#EXTM3U\n"));
            assert!(osslive_vod_playlist_request_id(&vod).is_null());
            assert!(osslive_vod_playlist_text(null()).is_null());
            assert!(osslive_vod_playlist_request_id(null()).is_null());
            osslive_vod_playlist_free(null_mut());

            assert_eq!(
                text(osslive_rtmp_url_url(&url)),
                Some("rtmp://h/live/c?s=1")
            );
            assert_eq!(text(osslive_rtmp_url_server(&url)), Some("rtmp://h/live"));
            assert_eq!(text(osslive_rtmp_url_stream_key(&url)), Some("c?s=1"));
            assert_eq!(osslive_rtmp_url_expires(&url), 1_900_000_000);
            assert!(osslive_rtmp_url_url(null()).is_null());
            assert!(osslive_rtmp_url_server(null()).is_null());
            assert!(osslive_rtmp_url_stream_key(null()).is_null());
            assert_eq!(osslive_rtmp_url_expires(null()), 0);
            osslive_rtmp_url_free(null_mut());
        }
    }
}
