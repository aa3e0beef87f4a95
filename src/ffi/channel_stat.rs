//! GetLiveChannelStat (`osslive_get_live_channel_stat`) and what it answers,
//! `osslive_channel_stat`: whether a channel is idle, live or disabled, and what is pushed.

use std::ffi::{CString, c_char, c_int};

use super::boundary::{
    c_string, free_handle, guard, opt_c_string, opt_ptr, out_param, read, required_str, store,
    unix_i64,
};
use super::client::{bucket_of, osslive_client};
use super::error::osslive_error;
use crate::{LiveChannelStat, LiveStatus};

/// GetLiveChannelStat: the channel is enabled and nobody is pushing (`Idle`).
pub const OSSLIVE_LIVE_IDLE: c_int = 0;
/// GetLiveChannelStat: a publisher is pushing (`Live`).
pub const OSSLIVE_LIVE_LIVE: c_int = 1;
/// GetLiveChannelStat: the channel is disabled (`Disabled`).
pub const OSSLIVE_LIVE_DISABLED: c_int = 2;

/// The `OSSLIVE_LIVE_*` value of a state, for C.
fn live_status_to_c(status: LiveStatus) -> c_int {
    match status {
        LiveStatus::Idle => OSSLIVE_LIVE_IDLE,
        LiveStatus::Live => OSSLIVE_LIVE_LIVE,
        LiveStatus::Disabled => OSSLIVE_LIVE_DISABLED,
    }
}

/// GetLiveChannelStat: whether a channel is idle, live or disabled, and what is being
/// pushed. On success `*stat_out` receives it, to free with `osslive_channel_stat_free`.
///
/// # Safety
/// `client` is NULL or a live client; the strings are NULL or NUL-terminated; `stat_out`
/// points to writable storage (NULL is refused); `err` is NULL or points to a NULL error.
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
    unsafe { free_handle(stat) }
}
