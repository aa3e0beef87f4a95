//! Signing RTMP push URLs (`osslive_sign_rtmp_url`, `osslive_sign_rtmp_url_valid_for`)
//! and what signing gives, `osslive_rtmp_url`: the URL whole and split the way encoders
//! take it.

use std::ffi::{CString, c_char, c_int};
use std::time::Duration;

use super::boundary::{
    c_string, free_handle, guard, optional_str, out_param, read, required_str, store, unix_i64,
    unix_time,
};
use super::client::{bucket_of, osslive_client};
use super::error::osslive_error;
use crate::SignedRtmpUrl;
use crate::validate::InvalidInput;

/// The longest validity of a signed RTMP push URL, in seconds: 7 days. A push URL is a
/// bearer credential; sign a new one for each (re)connection rather than one for years.
pub const OSSLIVE_RTMP_URL_MAX_SECONDS: i64 = 604_800;

// A literal above, for cbindgen, that must be the core's rule.
const _: () = assert!(OSSLIVE_RTMP_URL_MAX_SECONDS as u64 == crate::validate::MAX_RTMP_URL_SECONDS);

/// Signs an RTMP push URL for `channel`, valid until `expires_unix` (Unix seconds, in the
/// future, at most `OSSLIVE_RTMP_URL_MAX_SECONDS` from now; otherwise an
/// `OSSLIVE_ERR_INVALID_ARGUMENT` with the field `"Expires"`). `playlist_name` (NULL or
/// `""` for none) overrides the channel's m3u8 name for this push. Nothing is sent; credentials are read as for a request. On success
/// `*url_out` receives the URL, to free with `osslive_rtmp_url_free`.
///
/// # Safety
/// `client` is NULL or a live client; the strings are NULL or NUL-terminated; `url_out`
/// points to writable storage (NULL is refused); `err` is NULL or points to a NULL error.
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

/// Signs an RTMP push URL for `channel`, valid for `seconds` from now: 1 to
/// `OSSLIVE_RTMP_URL_MAX_SECONDS` (7 days); anything else, negative included, is an
/// `OSSLIVE_ERR_INVALID_ARGUMENT` with the field `"Expires"`. As `osslive_sign_rtmp_url`
/// otherwise.
///
/// # Safety
/// `client` is NULL or a live client; the strings are NULL or NUL-terminated; `url_out`
/// points to writable storage (NULL is refused); `err` is NULL or points to a NULL error.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn osslive_sign_rtmp_url_valid_for(
    client: *const osslive_client,
    bucket: *const c_char,
    channel: *const c_char,
    playlist_name: *const c_char,
    seconds: i64,
    url_out: *mut *mut osslive_rtmp_url,
    err: *mut *mut osslive_error,
) -> c_int {
    guard(err, || {
        // SAFETY: per the contract.
        let bucket = unsafe { bucket_of(client, bucket) }?;
        let channel = unsafe { required_str(channel, "channel") }?;
        let playlist_name = unsafe { optional_str(playlist_name, "playlist_name") }?;
        let seconds = match u64::try_from(seconds) {
            Ok(0) | Err(_) => {
                return Err(InvalidInput {
                    field: "Expires",
                    rule: "the validity period must be greater than zero".into(),
                }
                .into());
            }
            Ok(s) => s,
        };
        out_param(url_out, "url_out")?;
        // Past the maximum, the core refuses it naming the maximum.
        let valid_for = Duration::from_secs(seconds);
        let signed = bucket.sign_rtmp_url_valid_for(channel, playlist_name, valid_for)?;
        store(url_out, osslive_rtmp_url::from(signed));
        Ok(())
    })
}
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
    unsafe { free_handle(url) }
}
