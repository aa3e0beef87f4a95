//! Presigned URLs for players (`osslive_sign_play_url`, `osslive_presign_get` and their
//! `_until` forms) and what signing gives, `osslive_presigned_url`.
//!
//! Durations and times come in as `int64_t` seconds. A negative one, or a time past what
//! the platform can hold, is refused here naming the C parameter; the OSS rules (1 s to
//! `OSSLIVE_PRESIGN_MAX_SECONDS`, in the future) are `Bucket`'s, named by the OSS
//! parameter (`Expires` for V1, `x-oss-expires` for V4).

use std::ffi::{CString, c_char, c_int};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::boundary::{
    FfiError, c_string, free_handle, guard, optional_str, out_param, read, required_str, store,
    unix_i64,
};
use super::client::{bucket_of, osslive_client};
use super::error::osslive_error;
use crate::PresignedUrl;

/// The longest validity of a presigned URL, in seconds: 7 days, OSS's limit for V4,
/// applied to V1 too.
pub const OSSLIVE_PRESIGN_MAX_SECONDS: i64 = 604_800;

// A literal above, for cbindgen, that must be the core's rule.
const _: () = assert!(OSSLIVE_PRESIGN_MAX_SECONDS as u64 == crate::validate::MAX_PRESIGN_SECONDS);

/// A validity in seconds from C: not negative.
fn valid_for(seconds: i64) -> Result<Duration, FfiError> {
    u64::try_from(seconds)
        .map(Duration::from_secs)
        .map_err(|_| FfiError::invalid("seconds", "must not be negative"))
}

/// An absolute expiry in Unix seconds from C: not negative, and a time the platform can
/// hold.
fn expires_at(expires_unix: i64) -> Result<SystemTime, FfiError> {
    let secs = u64::try_from(expires_unix)
        .map_err(|_| FfiError::invalid("expires_unix", "must not be negative (before 1970)"))?;
    UNIX_EPOCH
        .checked_add(Duration::from_secs(secs))
        .ok_or_else(|| FfiError::invalid("expires_unix", "is too far in the future"))
}

/// Presigns a GET of the playlist `CHANNEL/PLAYLIST` with `x-oss-process=hls/sign`, valid
/// for `seconds` (1 to `OSSLIVE_PRESIGN_MAX_SECONDS`) from now on OSS's clock: the one URL
/// a player needs to play a channel of a private bucket, since OSS then signs every segment
/// URI of the playlist the same way. `playlist_name` (NULL or `""`: `playlist.m3u8`) is the
/// channel's live playlist or a VOD playlist. The URL follows the client's signature
/// version and addressing style and carries the STS token, if any. Nothing is sent;
/// credentials are read as for a request. On success `*url_out` receives the URL, to free
/// with `osslive_presigned_url_free`.
///
/// # Safety
/// `client` is NULL or a live client; the strings are NULL or NUL-terminated; `url_out`
/// points to writable storage (NULL is refused); `err` is NULL or points to a NULL error.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_sign_play_url(
    client: *const osslive_client,
    bucket: *const c_char,
    channel: *const c_char,
    playlist_name: *const c_char,
    seconds: i64,
    url_out: *mut *mut osslive_presigned_url,
    err: *mut *mut osslive_error,
) -> c_int {
    guard(err, || {
        // SAFETY: per the contract.
        let bucket = unsafe { bucket_of(client, bucket) }?;
        let channel = unsafe { required_str(channel, "channel") }?;
        let playlist_name = unsafe { optional_str(playlist_name, "playlist_name") }?;
        let valid_for = valid_for(seconds)?;
        out_param(url_out, "url_out")?;
        let signed = bucket.sign_play_url(channel, playlist_name, valid_for)?;
        store(url_out, osslive_presigned_url::from(signed));
        Ok(())
    })
}

/// As `osslive_sign_play_url`, valid until `expires_unix` (Unix seconds, in the future and
/// at most `OSSLIVE_PRESIGN_MAX_SECONDS` away).
///
/// # Safety
/// `client` is NULL or a live client; the strings are NULL or NUL-terminated; `url_out`
/// points to writable storage (NULL is refused); `err` is NULL or points to a NULL error.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_sign_play_url_until(
    client: *const osslive_client,
    bucket: *const c_char,
    channel: *const c_char,
    playlist_name: *const c_char,
    expires_unix: i64,
    url_out: *mut *mut osslive_presigned_url,
    err: *mut *mut osslive_error,
) -> c_int {
    guard(err, || {
        // SAFETY: per the contract.
        let bucket = unsafe { bucket_of(client, bucket) }?;
        let channel = unsafe { required_str(channel, "channel") }?;
        let playlist_name = unsafe { optional_str(playlist_name, "playlist_name") }?;
        let expires = expires_at(expires_unix)?;
        out_param(url_out, "url_out")?;
        let signed = bucket.sign_play_url_until(channel, playlist_name, expires)?;
        store(url_out, osslive_presigned_url::from(signed));
        Ok(())
    })
}

/// Presigns a GET of the object `key` (a VOD playlist, a segment, a snapshot), valid for
/// `seconds` (1 to `OSSLIVE_PRESIGN_MAX_SECONDS`) from now. `process` (NULL or `""` for
/// none) adds `x-oss-process`, such as `"hls/sign"` for a playlist. Otherwise as
/// `osslive_sign_play_url`.
///
/// # Safety
/// `client` is NULL or a live client; the strings are NULL or NUL-terminated; `url_out`
/// points to writable storage (NULL is refused); `err` is NULL or points to a NULL error.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_presign_get(
    client: *const osslive_client,
    bucket: *const c_char,
    key: *const c_char,
    seconds: i64,
    process: *const c_char,
    url_out: *mut *mut osslive_presigned_url,
    err: *mut *mut osslive_error,
) -> c_int {
    guard(err, || {
        // SAFETY: per the contract.
        let bucket = unsafe { bucket_of(client, bucket) }?;
        let key = unsafe { required_str(key, "key") }?;
        let process = unsafe { optional_str(process, "process") }?;
        let valid_for = valid_for(seconds)?;
        out_param(url_out, "url_out")?;
        let signed = bucket.presign_get(key, valid_for, process)?;
        store(url_out, osslive_presigned_url::from(signed));
        Ok(())
    })
}

/// As `osslive_presign_get`, valid until `expires_unix` (Unix seconds, in the future and
/// at most `OSSLIVE_PRESIGN_MAX_SECONDS` away).
///
/// # Safety
/// `client` is NULL or a live client; the strings are NULL or NUL-terminated; `url_out`
/// points to writable storage (NULL is refused); `err` is NULL or points to a NULL error.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_presign_get_until(
    client: *const osslive_client,
    bucket: *const c_char,
    key: *const c_char,
    expires_unix: i64,
    process: *const c_char,
    url_out: *mut *mut osslive_presigned_url,
    err: *mut *mut osslive_error,
) -> c_int {
    guard(err, || {
        // SAFETY: per the contract.
        let bucket = unsafe { bucket_of(client, bucket) }?;
        let key = unsafe { required_str(key, "key") }?;
        let process = unsafe { optional_str(process, "process") }?;
        let expires = expires_at(expires_unix)?;
        out_param(url_out, "url_out")?;
        let signed = bucket.presign_get_until(key, expires, process)?;
        store(url_out, osslive_presigned_url::from(signed));
        Ok(())
    })
}

/// A presigned URL from `osslive_sign_play_url` or `osslive_presign_get`. Anyone holding
/// it can make its request until it expires: do not log it. Free it with
/// `osslive_presigned_url_free`.
pub struct osslive_presigned_url {
    url: CString,
    expires: i64,
}

impl From<PresignedUrl> for osslive_presigned_url {
    fn from(signed: PresignedUrl) -> Self {
        osslive_presigned_url {
            url: c_string(&signed.url),
            expires: unix_i64(signed.expires),
        }
    }
}

/// The whole URL, `http(s)://…/KEY?…` with the signature in the query, for a player
/// (ffplay, VLC, hls.js). NULL only for a NULL `url`. Owned by `url`.
///
/// # Safety
/// `url` is NULL or a live `osslive_presigned_url` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_presigned_url_url(
    url: *const osslive_presigned_url,
) -> *const c_char {
    // SAFETY: NULL or a live presigned URL handle.
    unsafe { read(url, std::ptr::null(), |u| u.url.as_ptr()) }
}

/// When OSS stops accepting the URL, in Unix seconds; 0 for a NULL `url`.
///
/// # Safety
/// `url` is NULL or a live `osslive_presigned_url` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_presigned_url_expires(url: *const osslive_presigned_url) -> i64 {
    // SAFETY: NULL or a live presigned URL handle.
    unsafe { read(url, 0, |u| u.expires) }
}

/// Frees a presigned URL; NULL is fine.
///
/// # Safety
/// `url` is NULL or a presigned URL from this library, not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_presigned_url_free(url: *mut osslive_presigned_url) {
    // SAFETY: per the contract.
    unsafe { free_handle(url) }
}
