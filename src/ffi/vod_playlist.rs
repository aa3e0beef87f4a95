//! PostVodPlaylist and GetVodPlaylist (`osslive_post_vod_playlist`,
//! `osslive_get_vod_playlist`) and what the latter answers, `osslive_vod_playlist`: the
//! m3u8 of what was recorded in a time range.

use std::ffi::{CString, c_char, c_int};

use super::boundary::{
    c_string, free_handle, guard, opt_c_string, opt_ptr, out_param, read, required_str, store,
    unix_time,
};
use super::client::{bucket_of, osslive_client};
use super::error::osslive_error;
use crate::VodPlaylist;

/// PostVodPlaylist: writes the object `CHANNEL/PLAYLIST_NAME`, an m3u8 of the fragments
/// recorded between `start_time` and `end_time` (Unix seconds, `end_time` after
/// `start_time` by at most one day). `playlist_name` ends in `.m3u8`.
///
/// # Safety
/// `client` is NULL or a live client; the strings are NULL or NUL-terminated; `err` is NULL
/// or points to a NULL error.
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
/// `playlist_out` points to writable storage (NULL is refused); `err` is NULL or points to
/// a NULL error.
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
    unsafe { free_handle(playlist) }
}
