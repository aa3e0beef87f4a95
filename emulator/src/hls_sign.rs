//! `x-oss-process=hls/sign`: a playlist read through a presigned URL comes back with every
//! segment URI replaced by a URL signed the same way, so that one URL plays a stream of a
//! private bucket.
//!
//! OSS's "Create HLS streams based on OSS" page and its GetSignedPlaylist error pages
//! (0044-00000402 to 0044-00000410, 0002-00000038) describe it: OSS signs each URI of the
//! playlist exactly as the playlist URL was signed (same signature version, same expiry,
//! same credentials, the STS token carried), and it needs the playlist's signature in the
//! URL: one in the `Authorization` header, or none, is refused, since a player could not
//! fetch segments signed that way. Live playlists and VOD playlists alike are rewritten;
//! a URI of another playlist (a master playlist's) is signed with `x-oss-process=hls/sign`
//! too.
//!
//! The rewritten URIs are root-relative: `/BUCKET/CHANNEL/NAME.ts?…` path-style,
//! `/CHANNEL/NAME.ts?…` virtual-hosted. A player resolves them against the playlist URL,
//! so they reach the same scheme, host and port in the same addressing style, whatever
//! name the player used for the emulator; and they stay right when the playlist URL
//! escaped the `/` of its key (`CHANNEL%2Fplaylist.m3u8`, as oss2's `sign_url` writes it
//! by default), where a bare `NAME.ts` would resolve outside the channel. Only plain
//! relative names are rewritten: absolute URLs, root-relative paths, names with `.`/`..`
//! segments, a query or a fragment, and URIs inside tags are left as they are.

use crate::access::Caller;
use crate::error::{OssError, ec};
use crate::percent;
use crate::url_auth::Presigned;

/// The one `x-oss-process` value the emulator implements.
pub const PROCESS: &str = "hls/sign";

/// The `Content-Type` of the playlists the emulator stores.
pub const PLAYLIST_CONTENT_TYPE: &str = "application/x-mpegURL";

/// The object body to answer a read of `bucket`/`key` (`content_type`, `body`) by `caller`
/// with `x-oss-process=process`; `path_prefix` starts object paths on the host the request
/// came to (`/BUCKET/` path-style, `/` virtual-hosted).
pub fn process(
    process: &str,
    caller: &Caller,
    bucket: &str,
    key: &str,
    content_type: &str,
    body: Vec<u8>,
    path_prefix: &str,
) -> Result<Vec<u8>, OssError> {
    if process != PROCESS {
        return Err(OssError::invalid_argument(
            "x-oss-process",
            process,
            format!("The emulator implements only x-oss-process={PROCESS}."),
            ec::INVALID_ARGUMENT,
        ));
    }
    let presigned = match caller {
        Caller::Presigned(presigned) => presigned,
        Caller::Signed | Caller::Anonymous => {
            return Err(OssError::presigned_url_refused(
                ec::SIGNATURE_NOT_IN_URL,
                "x-oss-process=hls/sign needs the playlist URL signed in its query (a \
                 presigned URL): the segment URIs are signed the same way.",
            ));
        }
    };
    if content_type != PLAYLIST_CONTENT_TYPE {
        return Err(OssError::invalid_argument(
            "x-oss-process",
            process,
            format!("hls/sign rewrites an m3u8 playlist; {key:?} is not one."),
            ec::INVALID_ARGUMENT,
        ));
    }
    let playlist = String::from_utf8_lossy(&body);
    Ok(rewrite(&playlist, bucket, key, path_prefix, presigned).into_bytes())
}

/// `playlist` (the object `bucket`/`playlist_key`) with every plain relative URI replaced
/// by the root-relative URL of that object signed as `presigned` was (see the module
/// documentation).
pub fn rewrite(
    playlist: &str,
    bucket: &str,
    playlist_key: &str,
    path_prefix: &str,
    presigned: &Presigned,
) -> String {
    let dir = playlist_key
        .rfind('/')
        .map_or("", |slash| &playlist_key[..=slash]);
    playlist
        .split('\n')
        .map(|line| {
            let (text, cr) = match line.strip_suffix('\r') {
                Some(text) => (text, "\r"),
                None => (line, ""),
            };
            let uri = text.trim();
            if !is_plain_relative(uri) {
                return line.to_owned();
            }
            let key = format!("{dir}{uri}");
            let extra: &[(&str, &str)] = if uri.ends_with(".m3u8") {
                &[("x-oss-process", PROCESS)]
            } else {
                &[]
            };
            format!(
                "{path_prefix}{}?{}{cr}",
                percent::encode(&key, true),
                presigned.sign_get(bucket, &key, extra)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A URI line naming an object beside the playlist: not a tag or blank line, no scheme
/// (no `:` before the first `/`),
/// not root-relative, no query or fragment, no `.` or `..` segment.
fn is_plain_relative(uri: &str) -> bool {
    !uri.is_empty()
        && !uri.starts_with('#')
        && !uri.starts_with('/')
        && !uri.split('/').next().unwrap_or_default().contains(':')
        && !uri.contains(['?', '#'])
        && uri
            .split('/')
            .all(|s| !s.is_empty() && s != "." && s != "..")
}

#[cfg(test)]
mod tests;
