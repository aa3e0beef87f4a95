//! ListLiveChannel (`osslive_list_live_channel`) and what it answers,
//! `osslive_channel_list`: one page of channels with their names, states and URLs.

use std::ffi::{CString, c_char, c_int};

use super::boundary::{
    FfiError, c_string, c_strings, free_handle, guard, opt_c_string, opt_ptr, optional_str,
    out_param, read, store, string_at, unix_i64,
};
use super::channel::channel_status_to_c;
use super::client::{bucket_of, osslive_client};
use super::error::osslive_error;
use crate::{ListLiveChannelResult, ListOptions, LiveChannelSummary, validate};

/// A page size from C as `max-keys`: 0 is the server's default (none is sent). A
/// negative one has no `u32` to hand on and is refused here, in the words of the OSS rule
/// (1-1000), whose upper bound `Bucket` checks.
pub(super) fn list_page_size(max_keys: i32) -> Result<Option<u32>, FfiError> {
    if max_keys < 0 {
        validate::max_keys(i64::from(max_keys))?;
    }
    Ok(u32::try_from(max_keys).ok().filter(|&n| n != 0))
}

/// ListLiveChannel: one page of the channels of `bucket` whose names start with `prefix`
/// (NULL for all) and sort after `marker` (NULL to start at the beginning), at most
/// `max_keys` of them (1-1000, or 0 for the server's default of 100). On success
/// `*list_out` receives the page, to free with `osslive_channel_list_free`.
///
/// # Safety
/// `client` is NULL or a live client; the strings are NULL or NUL-terminated; `list_out`
/// points to writable storage (NULL is refused); `err` is NULL or points to a NULL error.
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
/// out of range; `osslive_channel_list_publish_url_at` gives the others. Owned by `list`.
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

/// The first play (HLS) URL of channel `index`, or NULL when it has none or out of range;
/// `osslive_channel_list_play_url_at` gives the others. Owned by `list`.
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

/// The number of publish (RTMP, unsigned) URLs of channel `index`; 0 out of range.
///
/// # Safety
/// `list` is NULL or a live `osslive_channel_list` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_list_publish_url_count(
    list: *const osslive_channel_list,
    index: usize,
) -> usize {
    // SAFETY: NULL or a live list handle.
    unsafe { entry(list, index, 0, |e| e.publish_urls.len()) }
}

/// Publish URL `url_index` of channel `index` (`rtmp://…/live/CHANNEL`, unsigned: sign it
/// with `osslive_sign_rtmp_url` to push), or NULL when either is out of range. Owned by
/// `list`.
///
/// # Safety
/// `list` is NULL or a live `osslive_channel_list` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_list_publish_url_at(
    list: *const osslive_channel_list,
    index: usize,
    url_index: usize,
) -> *const c_char {
    // SAFETY: NULL or a live list handle.
    unsafe {
        entry(list, index, std::ptr::null(), |e| {
            string_at(&e.publish_urls, url_index)
        })
    }
}

/// The number of play (HLS) URLs of channel `index`; 0 out of range.
///
/// # Safety
/// `list` is NULL or a live `osslive_channel_list` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_list_play_url_count(
    list: *const osslive_channel_list,
    index: usize,
) -> usize {
    // SAFETY: NULL or a live list handle.
    unsafe { entry(list, index, 0, |e| e.play_urls.len()) }
}

/// Play URL `url_index` of channel `index` (`http(s)://…/CHANNEL/PLAYLIST.m3u8`), or NULL
/// when either is out of range. Owned by `list`.
///
/// # Safety
/// `list` is NULL or a live `osslive_channel_list` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_channel_list_play_url_at(
    list: *const osslive_channel_list,
    index: usize,
    url_index: usize,
) -> *const c_char {
    // SAFETY: NULL or a live list handle.
    unsafe {
        entry(list, index, std::ptr::null(), |e| {
            string_at(&e.play_urls, url_index)
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
    unsafe { free_handle(list) }
}
