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
use crate::{Bucket, ListOptions, LiveChannelConfiguration, LiveChannelPages};

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
    pages: LiveChannelPages,
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
                pages: bucket.list_live_channel_pages(options),
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
        match pager.pages.next_page() {
            Some(page) => store(list_out, osslive_channel_list::from(page?)),
            // SAFETY: checked by out_param.
            None => unsafe { *list_out = std::ptr::null_mut() },
        }
        Ok(())
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

#[cfg(test)]
mod tests {
    // The in-process emulator cannot be used here: it links its own copy of osslive, whose
    // `#[no_mangle]` functions would clash with this test build's. These tests answer with
    // a stub instead; the round trip against the emulator is an integration test.

    use std::collections::BTreeMap;
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::{TcpListener, TcpStream};
    use std::ptr::{null, null_mut};
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Mutex};

    use super::super::client::*;
    use super::super::results::tests::{call, cs, invalid, invalid_field, not_utf8, text};
    use super::super::results::*;
    use super::*;
    use crate::time::unix_seconds;

    const AK: &str = "LTAI5tFfiTestAccessKey";
    const SK: &str = "FfiTestAccessKeySecret0123456789";
    const BUCKET: &str = "ffi-bucket";

    /// One request the stub got.
    #[derive(Debug, Clone)]
    struct Request {
        method: String,
        path: String,
        query: BTreeMap<String, String>,
        body: String,
    }

    type Answer = dyn Fn(&Request) -> (u16, String) + Send + Sync;

    /// A stand-in for OSS on 127.0.0.1 that answers each request with `answer` and keeps
    /// it, and a client of it (path-style, V4, fixed credentials).
    struct Stub {
        client: *mut osslive_client,
        requests: Arc<Mutex<Vec<Request>>>,
    }

    impl Stub {
        fn new(answer: impl Fn(&Request) -> (u16, String) + Send + Sync + 'static) -> Stub {
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            let endpoint = cs(&format!("http://{}", listener.local_addr().unwrap()));
            let requests = Arc::new(Mutex::new(Vec::new()));
            let answer: Arc<Answer> = Arc::new(answer);
            let seen = requests.clone();
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    let Ok(stream) = stream else { return };
                    let (answer, seen) = (answer.clone(), seen.clone());
                    std::thread::spawn(move || serve(stream, &*answer, &seen));
                }
            });
            let config = osslive_config_new();
            let (region, ak, sk) = (cs("cn-hangzhou"), cs(AK), cs(SK));
            let mut client = null_mut();
            // SAFETY: `config` is live until freed; the strings outlive the calls.
            unsafe {
                call(|e| osslive_config_set_endpoint(config, endpoint.as_ptr(), e)).unwrap();
                call(|e| osslive_config_set_region(config, region.as_ptr(), e)).unwrap();
                call(|e| {
                    osslive_config_set_credentials(config, ak.as_ptr(), sk.as_ptr(), null(), e)
                })
                .unwrap();
                // One attempt per call: these tests count the requests each call sends.
                call(|e| osslive_config_set_retry(config, 1, 0, e)).unwrap();
                call(|e| osslive_client_new(config, &mut client, e)).unwrap();
                osslive_config_free(config);
            }
            Stub { client, requests }
        }

        fn requests(&self) -> Vec<Request> {
            self.requests.lock().unwrap().clone()
        }
    }

    impl Drop for Stub {
        fn drop(&mut self) {
            // SAFETY: made by osslive_client_new, freed once.
            unsafe { osslive_client_free(self.client) };
        }
    }

    /// Serves HTTP/1.1 requests on one connection until the client closes it.
    fn serve(stream: TcpStream, answer: &Answer, seen: &Mutex<Vec<Request>>) {
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut writer = stream;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            let mut parts = line.split_whitespace();
            let method = parts.next().unwrap_or_default().to_owned();
            let target = parts.next().unwrap_or_default().to_owned();
            let (mut length, mut chunked) = (0, false);
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).unwrap_or(0) == 0 {
                    return;
                }
                let header = header.trim_end();
                if header.is_empty() {
                    break;
                }
                if let Some((name, value)) = header.split_once(':') {
                    if name.eq_ignore_ascii_case("content-length") {
                        length = value.trim().parse().unwrap_or(0);
                    } else if name.eq_ignore_ascii_case("transfer-encoding") {
                        chunked = value.trim().eq_ignore_ascii_case("chunked");
                    }
                }
            }
            let body = if chunked {
                read_chunked(&mut reader)
            } else {
                let mut body = vec![0; length];
                reader.read_exact(&mut body).ok().map(|()| body)
            };
            let Some(body) = body else { return };
            let (path, query) = target.split_once('?').unwrap_or((&target, ""));
            let query = query
                .split('&')
                .filter(|p| !p.is_empty())
                .map(|p| {
                    let (k, v) = p.split_once('=').unwrap_or((p, ""));
                    (k.to_owned(), v.to_owned())
                })
                .collect();
            let request = Request {
                method,
                path: path.to_owned(),
                query,
                body: String::from_utf8_lossy(&body).into_owned(),
            };
            let (status, body) = answer(&request);
            let n = {
                let mut seen = seen.lock().unwrap();
                seen.push(request);
                seen.len()
            };
            let head = format!(
                "HTTP/1.1 {status} Stub\r\nContent-Length: {}\r\nContent-Type: application/xml\r\nx-oss-request-id: stub-{n}\r\n\r\n",
                body.len()
            );
            if writer
                .write_all(head.as_bytes())
                .and_then(|()| writer.write_all(body.as_bytes()))
                .is_err()
            {
                return;
            }
        }
    }

    /// A chunked body, or `None` when the connection breaks off.
    fn read_chunked(reader: &mut impl BufRead) -> Option<Vec<u8>> {
        let mut body = Vec::new();
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).ok()?;
            let size = usize::from_str_radix(line.trim().split(';').next()?, 16).ok()?;
            if size == 0 {
                // Trailers, then the empty line.
                loop {
                    let mut trailer = String::new();
                    if reader.read_line(&mut trailer).ok()? == 0 || trailer.trim().is_empty() {
                        return Some(body);
                    }
                }
            }
            let start = body.len();
            body.resize(start + size + 2, 0);
            reader.read_exact(&mut body[start..]).ok()?;
            body.truncate(start + size);
        }
    }

    fn error_xml(code: &str, request_id: &str) -> String {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>stub</Message><RequestId>{request_id}</RequestId><HostId>stub</HostId></Error>"
        )
    }

    fn now_unix() -> i64 {
        unix_seconds(std::time::SystemTime::now()) as i64
    }

    #[test]
    fn every_argument_is_checked_before_anything_is_sent() {
        let stub = Stub::new(|_| (500, String::new()));
        let c = stub.client.cast_const();
        let (bucket, channel, playlist) = (cs(BUCKET), cs("chan"), cs("vod.m3u8"));
        let (b, ch, pl) = (bucket.as_ptr(), channel.as_ptr(), playlist.as_ptr());
        let bad = not_utf8();
        let (long, not_m3u8, slash, upper) = (
            cs(&"p".repeat(1025)),
            cs("vod.txt"),
            cs("a/b"),
            cs("Bad_Bucket"),
        );
        let later = now_unix() + 3600;
        // SAFETY: every pointer is NULL, a live handle, or a NUL-terminated string that
        // outlives the calls.
        unsafe {
            let mut created = null_mut();
            let create = |c, b, ch, out| {
                call(move |e| osslive_create_live_channel(c, b, ch, null(), out, e))
            };
            invalid(create(null(), b, ch, &mut created), "client");
            invalid(create(c, null(), ch, &mut created), "bucket");
            invalid(create(c, bad, ch, &mut created), "bucket");
            invalid(create(c, b, null(), &mut created), "channel");
            invalid(create(c, b, bad, &mut created), "channel");
            invalid(create(c, b, ch, null_mut()), "result_out");
            invalid_field(create(c, b, slash.as_ptr(), &mut created), "LiveChannel");
            invalid_field(create(c, upper.as_ptr(), ch, &mut created), "Bucket");
            assert!(created.is_null(), "out-parameter written on failure");

            let mut list = null_mut();
            let l = |c, b, p, m, k, out| {
                call(move |e| osslive_list_live_channel(c, b, p, m, k, out, e))
            };
            invalid(l(null(), b, null(), null(), 0, &mut list), "client");
            invalid(l(c, null(), null(), null(), 0, &mut list), "bucket");
            invalid(l(c, b, bad, null(), 0, &mut list), "prefix");
            invalid(l(c, b, null(), bad, 0, &mut list), "marker");
            invalid(l(c, b, null(), null(), 0, null_mut()), "list_out");
            invalid_field(l(c, b, null(), null(), -1, &mut list), "max-keys");
            invalid_field(l(c, b, null(), null(), 1001, &mut list), "max-keys");
            invalid_field(l(c, b, long.as_ptr(), null(), 0, &mut list), "prefix");
            invalid_field(l(c, b, null(), long.as_ptr(), 0, &mut list), "marker");
            assert!(list.is_null());

            let mut pager = null_mut();
            let p = |c, b, pre, size, out| {
                call(move |e| osslive_channel_pager_new(c, b, pre, size, out, e))
            };
            invalid(p(null(), b, null(), 0, &mut pager), "client");
            invalid(p(c, null(), null(), 0, &mut pager), "bucket");
            invalid(p(c, b, bad, 0, &mut pager), "prefix");
            invalid_field(p(c, b, long.as_ptr(), 0, &mut pager), "prefix");
            invalid_field(p(c, b, null(), -7, &mut pager), "max-keys");
            invalid_field(p(c, b, null(), 1001, &mut pager), "max-keys");
            invalid(p(c, b, null(), 0, null_mut()), "pager_out");
            assert!(pager.is_null());
            invalid(
                call(|e| osslive_channel_pager_next(null_mut(), &mut list, e)),
                "pager",
            );
            call(|e| osslive_channel_pager_new(c, b, null(), 0, &mut pager, e)).unwrap();
            invalid(
                call(|e| osslive_channel_pager_next(pager, null_mut(), e)),
                "list_out",
            );
            osslive_channel_pager_free(pager);
            osslive_channel_pager_free(null_mut());

            let s = |c, b, ch, st| call(move |e| osslive_put_live_channel_status(c, b, ch, st, e));
            invalid(s(null(), b, ch, OSSLIVE_CHANNEL_ENABLED), "client");
            invalid(s(c, null(), ch, OSSLIVE_CHANNEL_ENABLED), "bucket");
            invalid(s(c, b, null(), OSSLIVE_CHANNEL_ENABLED), "channel");
            invalid(s(c, b, bad, OSSLIVE_CHANNEL_ENABLED), "channel");
            invalid(s(c, b, ch, 2), "status");
            invalid(s(c, b, ch, -1), "status");

            let mut info = null_mut();
            let i = |c, b, ch, out| call(move |e| osslive_get_live_channel_info(c, b, ch, out, e));
            invalid(i(null(), b, ch, &mut info), "client");
            invalid(i(c, null(), ch, &mut info), "bucket");
            invalid(i(c, b, null(), &mut info), "channel");
            invalid(i(c, b, bad, &mut info), "channel");
            invalid(i(c, b, ch, null_mut()), "info_out");
            let mut stat = null_mut();
            let st = |c, b, ch, out| call(move |e| osslive_get_live_channel_stat(c, b, ch, out, e));
            invalid(st(null(), b, ch, &mut stat), "client");
            invalid(st(c, null(), ch, &mut stat), "bucket");
            invalid(st(c, b, null(), &mut stat), "channel");
            invalid(st(c, b, bad, &mut stat), "channel");
            invalid(st(c, b, ch, null_mut()), "stat_out");
            let mut history = null_mut();
            let h =
                |c, b, ch, out| call(move |e| osslive_get_live_channel_history(c, b, ch, out, e));
            invalid(h(null(), b, ch, &mut history), "client");
            invalid(h(c, null(), ch, &mut history), "bucket");
            invalid(h(c, b, null(), &mut history), "channel");
            invalid(h(c, b, bad, &mut history), "channel");
            invalid(h(c, b, ch, null_mut()), "history_out");
            assert!(info.is_null() && stat.is_null() && history.is_null());

            let post = |c, b, ch, pl, s, t| {
                call(move |e| osslive_post_vod_playlist(c, b, ch, pl, s, t, e))
            };
            invalid(post(null(), b, ch, pl, 1, 2), "client");
            invalid(post(c, null(), ch, pl, 1, 2), "bucket");
            invalid(post(c, b, null(), pl, 1, 2), "channel");
            invalid(post(c, b, bad, pl, 1, 2), "channel");
            invalid(post(c, b, ch, null(), 1, 2), "playlist_name");
            invalid(post(c, b, ch, bad, 1, 2), "playlist_name");
            invalid_field(post(c, b, ch, pl, -1, 2), "startTime");
            invalid_field(post(c, b, ch, pl, 1, -2), "endTime");
            invalid_field(post(c, b, ch, pl, 2, 1), "endTime");
            invalid_field(post(c, b, ch, pl, 1, 2 + 86_400), "endTime");
            invalid_field(post(c, b, ch, pl, 1, i64::MAX), "endTime");
            invalid_field(post(c, b, ch, not_m3u8.as_ptr(), 1, 2), "playlistName");
            let mut vod = null_mut();
            let get = |c, b, ch, s, t, out| {
                call(move |e| osslive_get_vod_playlist(c, b, ch, s, t, out, e))
            };
            invalid(get(null(), b, ch, 1, 2, &mut vod), "client");
            invalid(get(c, null(), ch, 1, 2, &mut vod), "bucket");
            invalid(get(c, b, null(), 1, 2, &mut vod), "channel");
            invalid(get(c, b, bad, 1, 2, &mut vod), "channel");
            invalid(get(c, b, ch, 1, 2, null_mut()), "playlist_out");
            invalid_field(get(c, b, ch, i64::MIN, 2, &mut vod), "startTime");
            invalid_field(get(c, b, ch, 1, -1, &mut vod), "endTime");
            invalid_field(get(c, b, ch, 5, 5, &mut vod), "endTime");
            assert!(vod.is_null());

            let d = |c, b, ch| call(move |e| osslive_delete_live_channel(c, b, ch, e));
            invalid(d(null(), b, ch), "client");
            invalid(d(c, null(), ch), "bucket");
            invalid(d(c, bad, ch), "bucket");
            invalid(d(c, b, null()), "channel");
            invalid(d(c, b, bad), "channel");
            invalid_field(d(c, b, slash.as_ptr()), "LiveChannel");

            let mut url = null_mut();
            let sign = |c, b, ch, pl, t, out| {
                call(move |e| osslive_sign_rtmp_url(c, b, ch, pl, t, out, e))
            };
            invalid(sign(null(), b, ch, null(), later, &mut url), "client");
            invalid(sign(c, null(), ch, null(), later, &mut url), "bucket");
            invalid(sign(c, b, null(), null(), later, &mut url), "channel");
            invalid(sign(c, b, bad, null(), later, &mut url), "channel");
            invalid(sign(c, b, ch, bad, later, &mut url), "playlist_name");
            invalid(sign(c, b, ch, null(), later, null_mut()), "url_out");
            invalid_field(sign(c, b, ch, null(), -1, &mut url), "Expires");
            invalid_field(sign(c, b, ch, null(), later - 7200, &mut url), "Expires");
            invalid_field(sign(c, b, ch, null(), i64::MAX, &mut url), "Expires");
            invalid_field(
                sign(c, b, ch, not_m3u8.as_ptr(), later, &mut url),
                "playlistName",
            );
            let valid_for = |c, b, ch, pl, s, out| {
                call(move |e| osslive_sign_rtmp_url_valid_for(c, b, ch, pl, s, out, e))
            };
            invalid(valid_for(null(), b, ch, null(), 60, &mut url), "client");
            invalid(valid_for(c, null(), ch, null(), 60, &mut url), "bucket");
            invalid(valid_for(c, b, null(), null(), 60, &mut url), "channel");
            invalid(valid_for(c, b, bad, null(), 60, &mut url), "channel");
            invalid(valid_for(c, b, ch, bad, 60, &mut url), "playlist_name");
            invalid(valid_for(c, b, ch, null(), 60, null_mut()), "url_out");
            invalid_field(valid_for(c, b, ch, null(), 0, &mut url), "Expires");
            assert!(url.is_null());

            // err may be NULL: only the status comes back.
            assert_eq!(
                osslive_delete_live_channel(null(), null(), null(), null_mut()),
                OSSLIVE_ERR_INVALID_ARGUMENT
            );
            assert_eq!(
                osslive_get_live_channel_info(c, b, ch, null_mut(), null_mut()),
                OSSLIVE_ERR_INVALID_ARGUMENT
            );
            assert_eq!(
                osslive_channel_pager_next(null_mut(), null_mut(), null_mut()),
                OSSLIVE_ERR_INVALID_ARGUMENT
            );
        }
        assert!(
            stub.requests().is_empty(),
            "sent despite a bad argument: {:?}",
            stub.requests()
        );
    }

    const CREATED: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>
<CreateLiveChannelResult>
  <PublishUrls><Url>rtmp://ffi-bucket.stub/live/chan</Url></PublishUrls>
  <PlayUrls><Url>http://ffi-bucket.stub/chan/live.m3u8</Url></PlayUrls>
</CreateLiveChannelResult>";

    const INFO: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>
<LiveChannelConfiguration>
  <Description>from the stub</Description>
  <Status>disabled</Status>
  <Target><Type>HLS</Type><FragDuration>10</FragDuration><FragCount>4</FragCount><PlaylistName>live.m3u8</PlaylistName></Target>
</LiveChannelConfiguration>";

    const STAT: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>
<LiveChannelStat>
  <Status>Live</Status>
  <ConnectedTime>2023-11-14T22:13:20.000Z</ConnectedTime>
  <RemoteAddr>10.1.2.3:51000</RemoteAddr>
  <Video><Width>1280</Width><Height>720</Height><FrameRate>30</FrameRate><Bandwidth>250000</Bandwidth><Codec>H264</Codec></Video>
  <Audio><Bandwidth>16000</Bandwidth><SampleRate>44100</SampleRate><Codec>AAC</Codec></Audio>
</LiveChannelStat>";

    const HISTORY: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>
<LiveChannelHistory>
  <LiveRecord><StartTime>2023-11-14T22:13:20.000Z</StartTime><EndTime>2023-11-14T22:23:20.000Z</EndTime><RemoteAddr>10.1.2.3:51000</RemoteAddr></LiveRecord>
</LiveChannelHistory>";

    const LIST: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>
<ListLiveChannelResult>
  <Prefix>ch</Prefix><Marker>a</Marker><MaxKeys>2</MaxKeys><IsTruncated>true</IsTruncated><NextMarker>chan</NextMarker>
  <LiveChannel><Name>chan</Name><Description></Description><Status>enabled</Status><LastModified>2023-11-14T22:13:20.000Z</LastModified>
    <PublishUrls><Url>rtmp://ffi-bucket.stub/live/chan</Url></PublishUrls><PlayUrls><Url>http://ffi-bucket.stub/chan/live.m3u8</Url></PlayUrls></LiveChannel>
</ListLiveChannelResult>";

    const M3U8: &str =
        "#EXTM3U\n#EXT-X-VERSION:3\n#EXTINF:5.000,\n1700000000000.ts\n#EXT-X-ENDLIST\n";

    /// What the stub answers for the operations test, by method, path and query.
    fn oss(r: &Request) -> (u16, String) {
        let has = |k: &str| r.query.contains_key(k);
        let comp = r.query.get("comp").map(String::as_str);
        match (r.method.as_str(), r.path.as_str()) {
            ("PUT", "/ffi-bucket/chan") if has("status") => (200, String::new()),
            ("PUT", "/ffi-bucket/chan") => (200, CREATED.into()),
            ("GET", "/ffi-bucket/") => (200, LIST.into()),
            ("GET", "/ffi-bucket/chan") if has("vod") => (200, M3U8.into()),
            ("GET", "/ffi-bucket/chan") if comp == Some("stat") => (200, STAT.into()),
            ("GET", "/ffi-bucket/chan") if comp == Some("history") => (200, HISTORY.into()),
            ("GET", "/ffi-bucket/chan") => (200, INFO.into()),
            ("POST", "/ffi-bucket/chan%2Fvod.m3u8") => (200, String::new()),
            ("DELETE", "/ffi-bucket/chan") => (204, String::new()),
            ("DELETE", "/ffi-bucket/gone") => (404, error_xml("NoSuchLiveChannel", "RID-404")),
            _ => {
                eprintln!("stub: unexpected {r:?}");
                (400, error_xml("InvalidRequest", "RID-400"))
            }
        }
    }

    #[test]
    fn every_operation_sends_its_arguments_and_returns_the_answer() {
        let stub = Stub::new(oss);
        let c = stub.client.cast_const();
        let (bucket, channel) = (cs(BUCKET), cs("chan"));
        let (b, ch) = (bucket.as_ptr(), channel.as_ptr());
        let connected = 1_700_000_000_i64;
        // SAFETY: every handle is live until freed; the strings outlive the calls.
        unsafe {
            let config = osslive_channel_config_new();
            let (description, playlist) = (cs("made through the C ABI"), cs("live.m3u8"));
            call(|e| osslive_channel_config_set_description(config, description.as_ptr(), e))
                .unwrap();
            call(|e| osslive_channel_config_set_target(config, 10, 4, playlist.as_ptr(), e))
                .unwrap();
            let mut created = null_mut();
            call(|e| osslive_create_live_channel(c, b, ch, config, &mut created, e)).unwrap();
            osslive_channel_config_free(config);
            assert_eq!(osslive_create_result_publish_url_count(created), 1);
            assert_eq!(
                text(osslive_create_result_publish_url(created, 0)),
                Some("rtmp://ffi-bucket.stub/live/chan")
            );
            assert_eq!(
                text(osslive_create_result_play_url(created, 0)),
                Some("http://ffi-bucket.stub/chan/live.m3u8")
            );
            assert_eq!(
                text(osslive_create_result_request_id(created)),
                Some("stub-1")
            );
            osslive_create_result_free(created);
            // NULL config: the defaults.
            call(|e| osslive_create_live_channel(c, b, ch, null(), &mut created, e)).unwrap();
            osslive_create_result_free(created);

            let mut info = null_mut();
            call(|e| osslive_get_live_channel_info(c, b, ch, &mut info, e)).unwrap();
            assert_eq!(
                text(osslive_channel_info_description(info)),
                Some("from the stub")
            );
            assert_eq!(osslive_channel_info_status(info), OSSLIVE_CHANNEL_DISABLED);
            assert_eq!(text(osslive_channel_info_target_type(info)), Some("HLS"));
            assert_eq!(osslive_channel_info_frag_duration(info), 10);
            assert_eq!(osslive_channel_info_frag_count(info), 4);
            assert_eq!(
                text(osslive_channel_info_playlist_name(info)),
                Some("live.m3u8")
            );
            assert!(!osslive_channel_info_has_snapshot(info));
            assert_eq!(text(osslive_channel_info_request_id(info)), Some("stub-3"));
            osslive_channel_info_free(info);

            let mut stat = null_mut();
            call(|e| osslive_get_live_channel_stat(c, b, ch, &mut stat, e)).unwrap();
            assert_eq!(osslive_channel_stat_status(stat), OSSLIVE_LIVE_LIVE);
            assert_eq!(osslive_channel_stat_connected_time(stat), connected);
            assert_eq!(
                text(osslive_channel_stat_remote_addr(stat)),
                Some("10.1.2.3:51000")
            );
            assert_eq!(osslive_channel_stat_video_width(stat), 1280);
            assert_eq!(osslive_channel_stat_video_bandwidth(stat), 250_000);
            assert_eq!(text(osslive_channel_stat_video_codec(stat)), Some("H264"));
            assert_eq!(osslive_channel_stat_audio_sample_rate(stat), 44_100);
            assert_eq!(text(osslive_channel_stat_audio_codec(stat)), Some("AAC"));
            osslive_channel_stat_free(stat);

            let mut history = null_mut();
            call(|e| osslive_get_live_channel_history(c, b, ch, &mut history, e)).unwrap();
            assert_eq!(osslive_channel_history_len(history), 1);
            assert_eq!(osslive_channel_history_start_time(history, 0), connected);
            assert_eq!(
                osslive_channel_history_end_time(history, 0),
                connected + 600
            );
            osslive_channel_history_free(history);

            let (prefix, marker) = (cs("ch"), cs("a"));
            let mut list = null_mut();
            call(|e| {
                osslive_list_live_channel(c, b, prefix.as_ptr(), marker.as_ptr(), 2, &mut list, e)
            })
            .unwrap();
            assert_eq!(osslive_channel_list_len(list), 1);
            assert_eq!(text(osslive_channel_list_name(list, 0)), Some("chan"));
            assert_eq!(osslive_channel_list_last_modified(list, 0), connected);
            assert_eq!(text(osslive_channel_list_next_marker(list)), Some("chan"));
            osslive_channel_list_free(list);
            call(|e| osslive_list_live_channel(c, b, null(), null(), 0, &mut list, e)).unwrap();
            osslive_channel_list_free(list);

            call(|e| osslive_put_live_channel_status(c, b, ch, OSSLIVE_CHANNEL_DISABLED, e))
                .unwrap();
            call(|e| osslive_put_live_channel_status(c, b, ch, OSSLIVE_CHANNEL_ENABLED, e))
                .unwrap();

            let vod_name = cs("vod.m3u8");
            let (start, end) = (connected - 1, connected + 60);
            call(|e| osslive_post_vod_playlist(c, b, ch, vod_name.as_ptr(), start, end, e))
                .unwrap();
            let mut vod = null_mut();
            call(|e| osslive_get_vod_playlist(c, b, ch, start, end, &mut vod, e)).unwrap();
            assert_eq!(text(osslive_vod_playlist_text(vod)), Some(M3U8));
            assert!(text(osslive_vod_playlist_request_id(vod)).is_some());
            osslive_vod_playlist_free(vod);

            call(|e| osslive_delete_live_channel(c, b, ch, e)).unwrap();
            let gone = cs("gone");
            let failure =
                call(|e| osslive_delete_live_channel(c, b, gone.as_ptr(), e)).unwrap_err();
            assert_eq!(failure.status, OSSLIVE_ERR_SERVICE);
            assert_eq!(failure.http_status, 404);
            assert_eq!(failure.code.as_deref(), Some("NoSuchLiveChannel"));
            assert_eq!(failure.request_id.as_deref(), Some("RID-404"));
            assert!(!failure.retryable);
            assert_eq!(
                osslive_delete_live_channel(c, b, gone.as_ptr(), null_mut()),
                OSSLIVE_ERR_SERVICE
            );
            // A failed operation leaves its out-parameter alone.
            let mut info = null_mut();
            let failure =
                call(|e| osslive_get_live_channel_info(c, b, gone.as_ptr(), &mut info, e))
                    .unwrap_err();
            assert_eq!(failure.http_status, 400);
            assert!(info.is_null());

            // Signing sends nothing; the parts add up to the URL.
            let expires = now_unix() + 3600;
            let mut url = null_mut();
            call(|e| osslive_sign_rtmp_url(c, b, ch, null(), expires, &mut url, e)).unwrap();
            let (whole, server, key) = (
                text(osslive_rtmp_url_url(url)).unwrap(),
                text(osslive_rtmp_url_server(url)).unwrap(),
                text(osslive_rtmp_url_stream_key(url)).unwrap(),
            );
            assert_eq!(format!("{server}/{key}"), whole);
            assert!(
                key.starts_with("chan?") && !key.contains("playlistName"),
                "{key}"
            );
            assert_eq!(osslive_rtmp_url_expires(url), expires);
            osslive_rtmp_url_free(url);
            call(|e| {
                osslive_sign_rtmp_url_valid_for(c, b, ch, vod_name.as_ptr(), 600, &mut url, e)
            })
            .unwrap();
            assert!(
                text(osslive_rtmp_url_stream_key(url))
                    .unwrap()
                    .contains("playlistName=vod.m3u8")
            );
            let left = osslive_rtmp_url_expires(url) - now_unix();
            assert!((590..=601).contains(&left), "{left}");
            osslive_rtmp_url_free(url);
        }

        let requests = stub.requests();
        let summary: Vec<(&str, &str)> = requests
            .iter()
            .map(|r| (r.method.as_str(), r.path.as_str()))
            .collect();
        assert_eq!(
            summary,
            [
                ("PUT", "/ffi-bucket/chan"),
                ("PUT", "/ffi-bucket/chan"),
                ("GET", "/ffi-bucket/chan"),
                ("GET", "/ffi-bucket/chan"),
                ("GET", "/ffi-bucket/chan"),
                ("GET", "/ffi-bucket/"),
                ("GET", "/ffi-bucket/"),
                ("PUT", "/ffi-bucket/chan"),
                ("PUT", "/ffi-bucket/chan"),
                ("POST", "/ffi-bucket/chan%2Fvod.m3u8"),
                ("GET", "/ffi-bucket/chan"),
                ("DELETE", "/ffi-bucket/chan"),
                ("DELETE", "/ffi-bucket/gone"),
                ("DELETE", "/ffi-bucket/gone"),
                ("GET", "/ffi-bucket/gone"),
            ]
        );
        let q = |i: usize, k: &str| requests[i].query.get(k).cloned();
        assert!(
            requests[0]
                .body
                .contains("<Description>made through the C ABI</Description>")
        );
        assert!(requests[0].body.contains("<FragDuration>10</FragDuration>"));
        assert!(
            requests[1]
                .body
                .contains("<PlaylistName>playlist.m3u8</PlaylistName>")
        );
        assert_eq!(q(5, "prefix").as_deref(), Some("ch"));
        assert_eq!(q(5, "marker").as_deref(), Some("a"));
        assert_eq!(q(5, "max-keys").as_deref(), Some("2"));
        assert_eq!(
            (q(6, "prefix"), q(6, "marker"), q(6, "max-keys")),
            (None, None, None)
        );
        assert_eq!(q(7, "status").as_deref(), Some("disabled"));
        assert_eq!(q(8, "status").as_deref(), Some("enabled"));
        for i in [9, 10] {
            assert_eq!(q(i, "startTime"), Some((connected - 1).to_string()));
            assert_eq!(q(i, "endTime"), Some((connected + 60).to_string()));
        }
    }

    /// A ListLiveChannel over `names` by prefix, marker and max-keys that, like some
    /// servers, says a full page is truncated even when nothing follows, and sends no
    /// NextMarker. Fails with a retryable 503 once when `fail` is set and a marker is given.
    fn list_answer(
        names: Vec<String>,
        fail: Arc<AtomicBool>,
    ) -> impl Fn(&Request) -> (u16, String) {
        move |r| {
            if r.query.contains_key("marker") && fail.swap(false, Ordering::SeqCst) {
                return (503, error_xml("ServiceUnavailable", "RID-503"));
            }
            let prefix = r.query.get("prefix").cloned().unwrap_or_default();
            let marker = r.query.get("marker").cloned().unwrap_or_default();
            let max: usize = r.query.get("max-keys").map_or(100, |m| m.parse().unwrap());
            let page: Vec<&String> = names
                .iter()
                .filter(|n| n.starts_with(&prefix) && **n > marker)
                .take(max)
                .collect();
            let mut xml = format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListLiveChannelResult><Prefix>{prefix}</Prefix><Marker>{marker}</Marker><MaxKeys>{max}</MaxKeys><IsTruncated>{}</IsTruncated>",
                page.len() == max
            );
            for name in page {
                xml.push_str(&format!(
                    "<LiveChannel><Name>{name}</Name><Description></Description><Status>enabled</Status><LastModified>2023-11-14T22:13:20.000Z</LastModified><PublishUrls><Url>rtmp://x/live/{name}</Url></PublishUrls><PlayUrls><Url>http://x/{name}/playlist.m3u8</Url></PlayUrls></LiveChannel>"
                ));
            }
            xml.push_str("</ListLiveChannelResult>");
            (200, xml)
        }
    }

    /// Every page the pager gives: the names in each, until NULL.
    ///
    /// # Safety
    /// `pager` is a live pager.
    unsafe fn page_names(pager: *mut osslive_channel_pager) -> Vec<Vec<String>> {
        let mut pages = Vec::new();
        loop {
            let mut page = null_mut();
            // SAFETY: per the contract; `page` is freed once.
            unsafe {
                call(|e| osslive_channel_pager_next(pager, &mut page, e)).unwrap();
                if page.is_null() {
                    return pages;
                }
                pages.push(
                    (0..osslive_channel_list_len(page))
                        .map(|i| text(osslive_channel_list_name(page, i)).unwrap().to_owned())
                        .collect(),
                );
                osslive_channel_list_free(page);
            }
            assert!(pages.len() < 10, "the pager does not end");
        }
    }

    #[test]
    fn the_pager_walks_every_page_and_retries_after_a_failure() {
        let names: Vec<String> = (0..21).map(|n| format!("ch-{n:02}")).collect();
        let fail = Arc::new(AtomicBool::new(true));
        let stub = Stub::new(list_answer(names.clone(), fail.clone()));
        let c = stub.client.cast_const();
        let (bucket, prefix) = (cs(BUCKET), cs("ch-"));
        let mut pager = null_mut();
        // SAFETY: handles live until freed; the strings outlive the calls.
        unsafe {
            call(|e| {
                osslive_channel_pager_new(c, bucket.as_ptr(), prefix.as_ptr(), 7, &mut pager, e)
            })
            .unwrap();
            assert!(stub.requests().is_empty(), "pager_new sent a request");

            let mut page = null_mut();
            call(|e| osslive_channel_pager_next(pager, &mut page, e)).unwrap();
            assert_eq!(osslive_channel_list_len(page), 7);
            osslive_channel_list_free(page);

            // The second page fails once; the pager stays put and the retry gets it.
            let mut page = null_mut();
            let failure = call(|e| osslive_channel_pager_next(pager, &mut page, e)).unwrap_err();
            assert_eq!(failure.status, OSSLIVE_ERR_SERVICE);
            assert_eq!(failure.http_status, 503);
            assert!(failure.retryable);
            assert!(page.is_null());

            let rest = page_names(pager);
            assert_eq!(rest.iter().map(Vec::len).collect::<Vec<_>>(), [7, 7]);
            assert_eq!(rest.concat(), names[7..]);
            // It stays at the end without asking again.
            let before = stub.requests().len();
            assert!(page_names(pager).is_empty());
            assert_eq!(stub.requests().len(), before);
            osslive_channel_pager_free(pager);
        }
        let requests = stub.requests();
        // Page 1, the failure, its retry, page 3, and the empty page that ended the walk.
        assert_eq!(requests.len(), 5);
        let markers: Vec<Option<&str>> = requests
            .iter()
            .map(|r| r.query.get("marker").map(String::as_str))
            .collect();
        assert_eq!(
            markers,
            [
                None,
                Some("ch-06"),
                Some("ch-06"),
                Some("ch-13"),
                Some("ch-20")
            ]
        );
        for r in &requests {
            assert_eq!(r.query.get("max-keys").map(String::as_str), Some("7"));
            assert_eq!(r.query.get("prefix").map(String::as_str), Some("ch-"));
        }
    }

    #[test]
    fn the_pager_gives_one_empty_page_when_nothing_matches() {
        let fail = Arc::new(AtomicBool::new(false));
        let stub = Stub::new(list_answer(vec!["ch-00".into()], fail));
        let c = stub.client.cast_const();
        let (bucket, prefix) = (cs(BUCKET), cs("none-"));
        let mut pager = null_mut();
        // SAFETY: handles live until freed; the strings outlive the calls.
        unsafe {
            call(|e| {
                osslive_channel_pager_new(c, bucket.as_ptr(), prefix.as_ptr(), 0, &mut pager, e)
            })
            .unwrap();
            assert_eq!(page_names(pager), [Vec::<String>::new()]);
            osslive_channel_pager_free(pager);
        }
        let requests = stub.requests();
        assert_eq!(requests.len(), 1);
        assert_eq!(requests[0].query.get("max-keys"), None);
    }
}
