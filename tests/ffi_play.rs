//! The presigned URLs of the C ABI (`osslive_sign_play_url`, `osslive_presign_get` and
//! their `_until` forms), called from Rust: each URL is the bucket's URL of the key in the
//! client's addressing style, and its query is exactly what the signing functions give for
//! its own parameters (V1 and V4, with and without an STS token); every bad argument is
//! refused naming it, before anything is signed.
//!
//! The clients point at a port where nothing listens: signing must not need the network.

mod ffi_common;

use std::ffi::c_char;
use std::ptr::{null, null_mut};

use ffi_common::*;
use osslive::encoding::{percent_decode, percent_encode};
use osslive::ffi::client::*;
use osslive::ffi::config::*;
use osslive::ffi::error::osslive_error;
use osslive::ffi::play::*;
use osslive::ffi::{OSSLIVE_ERR_INVALID_ARGUMENT, OSSLIVE_OK};
use osslive::signing::presign;

const AK: &str = "LTAI5tFfiTestAccessKey";
const SK: &str = "FfiTestAccessKeySecret0123456789";
const STS_TOKEN: &str = "STS.TestSecurityToken+/=";
const REGION: &str = "cn-hangzhou";
const BUCKET: &str = "ffi-bucket";
/// Nothing listens on the discard port.
const OFFLINE: &str = "http://127.0.0.1:9";

/// A C client of `endpoint` signing with `version`, with the token when `sts`.
fn client(endpoint: &str, version: i32, sts: bool, addressing: Option<i32>) -> Client {
    let (endpoint, region, ak, sk, token) =
        (cs(endpoint), cs(REGION), cs(AK), cs(SK), cs(STS_TOKEN));
    let token = if sts { token.as_ptr() } else { null() };
    let config = osslive_config_new();
    let mut client = null_mut();
    // SAFETY: `config` is live until freed; the strings outlive the calls.
    unsafe {
        call(|e| osslive_config_set_endpoint(config, endpoint.as_ptr(), e)).unwrap();
        call(|e| osslive_config_set_region(config, region.as_ptr(), e)).unwrap();
        call(|e| osslive_config_set_credentials(config, ak.as_ptr(), sk.as_ptr(), token, e))
            .unwrap();
        call(|e| osslive_config_set_signature_version(config, version, e)).unwrap();
        if let Some(addressing) = addressing {
            call(|e| osslive_config_set_addressing(config, addressing, e)).unwrap();
        }
        call(|e| osslive_client_new(config, &mut client, e)).unwrap();
        osslive_config_free(config);
    }
    Client(client)
}

/// Frees the client when the test ends, even a failing one.
struct Client(*mut osslive_client);

impl Client {
    fn ptr(&self) -> *const osslive_client {
        self.0.cast_const()
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        // SAFETY: made by osslive_client_new, freed once.
        unsafe { osslive_client_free(self.0) }
    }
}

/// A URL handed out, read and freed.
struct Signed {
    url: String,
    expires: i64,
}

/// Reads and frees a presigned URL handle.
///
/// # Safety
/// `url` is a live handle.
unsafe fn take(url: *mut osslive_presigned_url) -> Signed {
    // SAFETY: per the contract.
    unsafe {
        let signed = Signed {
            url: text(osslive_presigned_url_url(url)).unwrap().to_owned(),
            expires: osslive_presigned_url_expires(url),
        };
        osslive_presigned_url_free(url);
        signed
    }
}

/// The decoded query parameters of a URL, in order.
fn params(url: &str) -> Vec<(String, String)> {
    let (_, query) = url.split_once('?').expect("a query");
    query
        .split('&')
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (
                percent_decode(k, false).unwrap(),
                percent_decode(v, false).unwrap(),
            )
        })
        .collect()
}

fn param<'a>(all: &'a [(String, String)], name: &str) -> Option<&'a str> {
    all.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// Checks that `url` is `location?QUERY` where QUERY is what the signing functions give
/// for `key` and `process` at the URL's own date and expiry, and returns the expiry.
fn check_signed(
    url: &str,
    location: &str,
    key: &str,
    process: Option<&str>,
    v4: bool,
    sts: bool,
) -> i64 {
    let (at, query) = url.split_once('?').unwrap();
    assert_eq!(at, location, "{url}");
    let all = params(url);
    let own: Vec<(&str, &str)> = process.map(|p| ("x-oss-process", p)).into_iter().collect();
    let req = presign::PresignRequest {
        method: "GET",
        bucket: BUCKET,
        key,
        params: &own,
        headers: &[],
        access_key_id: AK,
        security_token: sts.then_some(STS_TOKEN),
    };
    let (signed, expires) = if v4 {
        let date = param(&all, "x-oss-date").expect("x-oss-date");
        let seconds: u64 = param(&all, "x-oss-expires").unwrap().parse().unwrap();
        let start = osslive::time::parse_v4_datetime(date).unwrap();
        let expires = osslive::time::unix_seconds(start) + seconds;
        (
            presign::v4(&req, SK, REGION, date, seconds, &[]).unwrap(),
            expires,
        )
    } else {
        let expires: u64 = param(&all, "Expires").expect("Expires").parse().unwrap();
        (presign::v1(&req, SK, expires), expires)
    };
    assert_eq!(query, signed.query_string(), "{url}");
    let token_param = if v4 {
        "x-oss-security-token"
    } else {
        "security-token"
    };
    assert_eq!(param(&all, token_param).is_some(), sts, "{url}");
    expires as i64
}

#[test]
fn play_urls_are_signed_in_the_clients_version_with_its_token() {
    for (version, v4) in [(OSSLIVE_SIGNATURE_V1, false), (OSSLIVE_SIGNATURE_V4, true)] {
        for sts in [false, true] {
            let c = client(OFFLINE, version, sts, None);
            let (b, ch, vod) = (cs(BUCKET), cs("chan"), cs("vod.m3u8"));
            let mut url = null_mut();
            // SAFETY: live client, strings and out-parameter.
            let live = unsafe {
                call(|e| {
                    osslive_sign_play_url(
                        c.ptr(),
                        b.as_ptr(),
                        ch.as_ptr(),
                        null(),
                        600,
                        &mut url,
                        e,
                    )
                })
                .unwrap();
                take(url)
            };
            let location = format!("{OFFLINE}/{BUCKET}/chan/playlist.m3u8");
            let expires = check_signed(
                &live.url,
                &location,
                "chan/playlist.m3u8",
                Some("hls/sign"),
                v4,
                sts,
            );
            assert_eq!(live.expires, expires);
            let left = expires - now_unix();
            assert!((598..=601).contains(&left), "{left}");
            assert!(
                live.url.contains("?x-oss-process=hls%2Fsign&"),
                "the process comes first: {}",
                live.url
            );

            // The absolute form ends exactly when asked; a VOD playlist by its name.
            let until = now_unix() + 300;
            // SAFETY: as above.
            let vod_url = unsafe {
                call(|e| {
                    osslive_sign_play_url_until(
                        c.ptr(),
                        b.as_ptr(),
                        ch.as_ptr(),
                        vod.as_ptr(),
                        until,
                        &mut url,
                        e,
                    )
                })
                .unwrap();
                take(url)
            };
            let location = format!("{OFFLINE}/{BUCKET}/chan/vod.m3u8");
            assert_eq!(
                check_signed(
                    &vod_url.url,
                    &location,
                    "chan/vod.m3u8",
                    Some("hls/sign"),
                    v4,
                    sts
                ),
                until
            );
            assert_eq!(vod_url.expires, until);
        }
    }
}

#[test]
fn object_urls_keep_the_keys_slashes_and_escape_the_rest() {
    let c = client(OFFLINE, OSSLIVE_SIGNATURE_V4, true, None);
    let b = cs(BUCKET);
    let raw_key = "my dir/chan 01/é+ü.ts";
    let key = cs(raw_key);
    let hls = cs("hls/sign");
    let empty = cs("");
    let mut url = null_mut();
    let location = format!("{OFFLINE}/{BUCKET}/{}", percent_encode(raw_key, true));
    assert_eq!(
        location,
        format!("{OFFLINE}/{BUCKET}/my%20dir/chan%2001/%C3%A9%2B%C3%BC.ts")
    );
    // SAFETY: live client, strings and out-parameter.
    unsafe {
        for process in [null(), empty.as_ptr()] {
            call(|e| {
                osslive_presign_get(c.ptr(), b.as_ptr(), key.as_ptr(), 60, process, &mut url, e)
            })
            .unwrap();
            let signed = take(url);
            check_signed(&signed.url, &location, raw_key, None, true, true);
            assert!(!signed.url.contains("x-oss-process"), "{}", signed.url);
        }
        let until = now_unix() + 120;
        call(|e| {
            osslive_presign_get_until(
                c.ptr(),
                b.as_ptr(),
                key.as_ptr(),
                until,
                hls.as_ptr(),
                &mut url,
                e,
            )
        })
        .unwrap();
        let signed = take(url);
        assert_eq!(
            check_signed(
                &signed.url,
                &location,
                raw_key,
                Some("hls/sign"),
                true,
                true
            ),
            until
        );
    }

    // A CNAME names the bucket by its host alone.
    let cname = client(
        "https://live.example.com",
        OSSLIVE_SIGNATURE_V1,
        false,
        Some(OSSLIVE_ADDRESSING_CNAME),
    );
    let ch = cs("chan");
    // SAFETY: as above.
    let signed = unsafe {
        call(|e| {
            osslive_sign_play_url(
                cname.ptr(),
                b.as_ptr(),
                ch.as_ptr(),
                null(),
                60,
                &mut url,
                e,
            )
        })
        .unwrap();
        take(url)
    };
    check_signed(
        &signed.url,
        "https://live.example.com/chan/playlist.m3u8",
        "chan/playlist.m3u8",
        Some("hls/sign"),
        false,
        false,
    );
}

type PlayFn = unsafe extern "C" fn(
    *const osslive_client,
    *const c_char,
    *const c_char,
    *const c_char,
    i64,
    *mut *mut osslive_presigned_url,
    *mut *mut osslive_error,
) -> i32;

#[test]
fn bad_arguments_are_named_and_nothing_is_handed_out() {
    for (version, expiry_field) in [
        (OSSLIVE_SIGNATURE_V1, "Expires"),
        (OSSLIVE_SIGNATURE_V4, "x-oss-expires"),
    ] {
        let c = client(OFFLINE, version, true, None);
        let c = c.ptr();
        let (b, ch, key, hls) = (cs(BUCKET), cs("chan"), cs("chan/vod.m3u8"), cs("hls/sign"));
        let (b, ch, key, hls) = (b.as_ptr(), ch.as_ptr(), key.as_ptr(), hls.as_ptr());
        let empty = cs("");
        let (bad_bucket, slash, mp4, rooted, upper) = (
            cs("B"),
            cs("a/b"),
            cs("vod.mp4"),
            cs("/a.ts"),
            cs("HLS/sign"),
        );
        let later = now_unix() + 600;
        let max = OSSLIVE_PRESIGN_MAX_SECONDS;
        let mut url = null_mut();
        let play: [(PlayFn, i64); 2] = [
            (osslive_sign_play_url, 60),
            (osslive_sign_play_url_until, later),
        ];
        // SAFETY: every pointer is NULL, a live client, or a NUL-terminated string.
        unsafe {
            for (f, ok) in play {
                let sign = |c, b, ch, pl, t, out: *mut *mut osslive_presigned_url| {
                    call(move |e| f(c, b, ch, pl, t, out, e))
                };
                invalid(sign(null(), b, ch, null(), ok, &mut url), "client");
                invalid(sign(c, null(), ch, null(), ok, &mut url), "bucket");
                invalid(sign(c, not_utf8(), ch, null(), ok, &mut url), "bucket");
                invalid_field(
                    sign(c, bad_bucket.as_ptr(), ch, null(), ok, &mut url),
                    "Bucket",
                );
                invalid(sign(c, b, null(), null(), ok, &mut url), "channel");
                invalid(sign(c, b, not_utf8(), null(), ok, &mut url), "channel");
                invalid(sign(c, b, ch, not_utf8(), ok, &mut url), "playlist_name");
                invalid(sign(c, b, ch, null(), ok, null_mut()), "url_out");
                invalid_field(
                    sign(c, b, slash.as_ptr(), null(), ok, &mut url),
                    "LiveChannel",
                );
                invalid_field(sign(c, b, ch, mp4.as_ptr(), ok, &mut url), "playlistName");
                invalid_field(sign(c, b, ch, slash.as_ptr(), ok, &mut url), "playlistName");
            }
            let sign = |t| call(move |e| osslive_sign_play_url(c, b, ch, null(), t, &mut url, e));
            let failure = invalid(sign(-1), "seconds");
            assert_eq!(failure.field, None, "a C-side check: {failure:?}");
            invalid(sign(i64::MIN), "seconds");
            invalid_field(sign(0), expiry_field);
            invalid_field(sign(max + 1), expiry_field);
            invalid_field(sign(i64::MAX), expiry_field);
            let until =
                |t| call(move |e| osslive_sign_play_url_until(c, b, ch, null(), t, &mut url, e));
            let failure = invalid(until(-1), "expires_unix");
            assert_eq!(failure.field, None, "a C-side check: {failure:?}");
            invalid_field(until(0), expiry_field);
            invalid_field(until(now_unix() - 10), expiry_field);
            invalid_field(until(now_unix() + max + 10), expiry_field);
            let huge = until(i64::MAX).unwrap_err();
            assert_eq!(huge.status, OSSLIVE_ERR_INVALID_ARGUMENT, "{huge:?}");

            let get = |k, t, p, out| call(move |e| osslive_presign_get(c, b, k, t, p, out, e));
            invalid(get(key, 60, hls, null_mut()), "url_out");
            invalid(get(null(), 60, hls, &mut url), "key");
            invalid(get(not_utf8(), 60, hls, &mut url), "key");
            invalid(get(key, 60, not_utf8(), &mut url), "process");
            invalid_field(get(rooted.as_ptr(), 60, null(), &mut url), "Key");
            invalid_field(get(empty.as_ptr(), 60, null(), &mut url), "Key");
            invalid_field(get(key, 60, upper.as_ptr(), &mut url), "x-oss-process");
            invalid(get(key, -5, null(), &mut url), "seconds");
            invalid_field(get(key, 0, null(), &mut url), expiry_field);
            invalid_field(get(key, max + 1, null(), &mut url), expiry_field);
            let get_until =
                |k, t, p| call(move |e| osslive_presign_get_until(c, b, k, t, p, &mut url, e));
            invalid(get_until(null(), later, null()), "key");
            invalid(get_until(key, -5, null()), "expires_unix");
            invalid_field(get_until(key, now_unix() - 1, null()), expiry_field);
            invalid_field(get_until(rooted.as_ptr(), later, null()), "Key");
            invalid_field(get_until(key, later, upper.as_ptr()), "x-oss-process");
            invalid(
                call(|e| osslive_presign_get_until(null(), b, key, later, null(), &mut url, e)),
                "client",
            );

            // Nothing was handed out, and with err NULL only the status comes back.
            assert!(url.is_null());
            assert_eq!(
                osslive_sign_play_url(c, b, ch, null(), 0, &mut url, null_mut()),
                OSSLIVE_ERR_INVALID_ARGUMENT
            );
            assert!(url.is_null());
            assert_eq!(
                osslive_sign_play_url(c, b, ch, null(), max, &mut url, null_mut()),
                OSSLIVE_OK
            );
            osslive_presigned_url_free(url);
        }
    }
}

#[test]
fn getters_of_a_null_url_give_nothing() {
    // SAFETY: NULL is allowed everywhere here.
    unsafe {
        assert!(osslive_presigned_url_url(null()).is_null());
        assert_eq!(osslive_presigned_url_expires(null()), 0);
        osslive_presigned_url_free(null_mut());
    }
}
