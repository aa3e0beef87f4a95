//! The emulator's RTMP push-URL checker, with a fixed authority and clock (those of the
//! oss2 vectors). Never panics, on the whole input as a URL and on its query alone.
//!
//! When the input is three or more lines (`bucket`, `channel`, `playlist`, then optional
//! flags), the client signs a push URL for them the way `Bucket::sign_rtmp_url` does
//! and the checker must accept it for the same bucket, channel and playlist.

#![no_main]

use libfuzzer_sys::fuzz_target;
use osslive::signing::rtmp::{RtmpUrlParams, TokenForm};
use osslive::time::from_unix_seconds;
use osslive::{encoding::percent_encode, validate};
use osslive_emulator::fuzzing::{ACCESS_KEY_ID, ACCESS_KEY_SECRET, SECURITY_TOKEN, authority};
use osslive_emulator::rtmp_auth::{check_push_url, parse_rtmp_query};

/// The oss2 vectors' clock, and their URLs' expiry an hour later.
const NOW: u64 = 1_472_037_088;
const EXPIRES: u64 = 1_472_040_688;

fn signed_round_trip(text: &str) {
    let mut lines = text.split('\n');
    let (Some(bucket), Some(channel), Some(playlist)) = (lines.next(), lines.next(), lines.next())
    else {
        return;
    };
    let flags = lines.next().unwrap_or("");
    let playlist = (!playlist.is_empty()).then_some(playlist);
    if validate::bucket_name(bucket).is_err()
        || validate::channel_name(channel).is_err()
        || playlist.is_some_and(|p| validate::playlist_name(p).is_err())
    {
        return;
    }
    let params = RtmpUrlParams {
        bucket,
        channel,
        playlist_name: playlist,
        expires: EXPIRES,
        access_key_id: ACCESS_KEY_ID,
        security_token: flags.contains("sts").then_some(SECURITY_TOKEN),
        token_form: if flags.contains("unsigned-token") {
            TokenForm::Unsigned
        } else {
            TokenForm::Signed
        },
    };
    let server = if flags.contains("path") {
        format!("rtmp://127.0.0.1:1935/{bucket}/live")
    } else {
        format!("rtmp://{bucket}.oss-cn-hangzhou.aliyuncs.com/live")
    };
    let url = format!(
        "{server}/{}?{}",
        percent_encode(channel, false),
        params.signed_query(ACCESS_KEY_SECRET)
    );
    match check_push_url(&url, &authority(), from_unix_seconds(NOW)) {
        Ok(push) => {
            assert_eq!(push.bucket, bucket, "{url}");
            assert_eq!(push.channel, channel, "{url}");
            assert_eq!(push.playlist_name.as_deref(), playlist, "{url}");
        }
        Err(e) => panic!("the checker refuses the client's URL {url}: {e}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let now = from_unix_seconds(NOW);
    let authority = authority();
    let _ = check_push_url(&text, &authority, now);
    let query = text.split_once('?').map_or(&*text, |(_, q)| q);
    let _ = parse_rtmp_query(query);
    signed_round_trip(&text);
});
