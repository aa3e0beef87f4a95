//! Presigned URLs of a bucket: [`Bucket::sign_play_url`] for a channel's playlist with
//! `x-oss-process=hls/sign`, and [`Bucket::presign_get`] for any object, each with an
//! absolute-expiry form. They sign with the client's version and credentials
//! ([`crate::signing::presign`]), count on its skew-corrected clock and build the URL on the
//! same bucket base as requests and RTMP URLs. Nothing is sent.

use std::time::{Duration, SystemTime};

use crate::bucket::Bucket;
use crate::encoding::percent_encode;
use crate::error::{ConfigError, Error};
use crate::models::PresignedUrl;
use crate::settings::SignatureVersion;
use crate::signing::presign::{self, PresignRequest};
use crate::validate::{self, InvalidInput};

impl Bucket {
    /// Presigns a GET of the playlist `CHANNEL/PLAYLIST` with `x-oss-process=hls/sign`,
    /// valid for `valid_for` (whole seconds, 1 s to 7 days,
    /// [`MAX_PRESIGN_SECONDS`](validate::MAX_PRESIGN_SECONDS)) from now on OSS's clock:
    /// the one URL a player needs to play a channel of a private bucket. OSS answers it
    /// with the playlist whose every segment URI is signed the same way (same signature
    /// version, same expiry, same STS token).
    ///
    /// `playlist` is the channel's live playlist (`None` or `""`: `playlist.m3u8`, the
    /// default [`playlist_name`](crate::LiveChannelTarget::playlist_name); give the
    /// configured name if it is another) or a VOD playlist written by
    /// [`post_vod_playlist`](Self::post_vod_playlist). The URL follows the client's
    /// addressing style and signature version: V1 puts `OSSAccessKeyId`, `Expires` and
    /// `Signature` in the query, V4 the `x-oss-*` parameters; with STS credentials the token
    /// is in it too. The key's `/` stays a `/`, so that the segment URIs of the playlist
    /// resolve beside it. Nothing is sent.
    pub fn sign_play_url(
        &self,
        channel: &str,
        playlist: Option<&str>,
        valid_for: Duration,
    ) -> Result<PresignedUrl, Error> {
        let key = play_key(channel, playlist)?;
        self.presign(&key, Some(HLS_SIGN), Validity::For(valid_for))
    }

    /// [`sign_play_url`](Self::sign_play_url) valid until `expires`, which must be in the
    /// future and at most 7 days away.
    pub fn sign_play_url_until(
        &self,
        channel: &str,
        playlist: Option<&str>,
        expires: SystemTime,
    ) -> Result<PresignedUrl, Error> {
        let key = play_key(channel, playlist)?;
        self.presign(&key, Some(HLS_SIGN), Validity::Until(expires))
    }

    /// Presigns a GET of the object `key` valid for `valid_for` (whole seconds, 1 s to 7
    /// days) from now: for a VOD playlist under another name, a segment, a snapshot.
    /// `process` (`None` or `""` for none) adds `x-oss-process`, such as `hls/sign` for a
    /// playlist. Otherwise as [`sign_play_url`](Self::sign_play_url).
    pub fn presign_get(
        &self,
        key: &str,
        valid_for: Duration,
        process: Option<&str>,
    ) -> Result<PresignedUrl, Error> {
        let process = check_object_get(key, process)?;
        self.presign(key, process, Validity::For(valid_for))
    }

    /// [`presign_get`](Self::presign_get) valid until `expires`, which must be in the
    /// future and at most 7 days away.
    pub fn presign_get_until(
        &self,
        key: &str,
        expires: SystemTime,
        process: Option<&str>,
    ) -> Result<PresignedUrl, Error> {
        let process = check_object_get(key, process)?;
        self.presign(key, process, Validity::Until(expires))
    }

    /// Presigns a GET of `key`, counting the validity from OSS's clock (as corrected by any
    /// skew it reported).
    fn presign(
        &self,
        key: &str,
        process: Option<&str>,
        validity: Validity,
    ) -> Result<PresignedUrl, Error> {
        self.presign_at(key, process, self.transport().now(), validity)
    }

    /// Presigns a GET of the checked `key` at `now`: what a URL holds, in the client's
    /// signature version and addressing style.
    fn presign_at(
        &self,
        key: &str,
        process: Option<&str>,
        now: SystemTime,
        validity: Validity,
    ) -> Result<PresignedUrl, Error> {
        let transport = self.transport();
        let version = transport.signature_version();
        // The parameter that carries the expiry, to name in errors.
        let field = match version {
            SignatureVersion::V1 => "Expires",
            SignatureVersion::V4 => "x-oss-expires",
        };
        let now_secs = crate::time::unix_seconds(now);
        let seconds = match validity {
            Validity::For(valid_for) => valid_for.as_secs(),
            Validity::Until(expires) => {
                let expires = validate::unix_time(field, expires)?;
                if expires <= now_secs {
                    return Err(InvalidInput {
                        field,
                        rule: "must be in the future: the URL would be refused at once".into(),
                    }
                    .into());
                }
                expires - now_secs
            }
        };
        validate::presign_seconds(field, seconds)?;
        let expires = now_secs + seconds;
        let creds = transport.credentials()?;
        let params: Vec<(&str, &str)> = process.map(|p| ("x-oss-process", p)).into_iter().collect();
        let req = PresignRequest {
            method: "GET",
            bucket: self.name(),
            key,
            params: &params,
            headers: &[],
            access_key_id: creds.access_key_id(),
            security_token: creds.security_token(),
        };
        let query = match version {
            SignatureVersion::V1 => presign::v1(&req, creds.access_key_secret(), expires),
            SignatureVersion::V4 => presign::v4(
                &req,
                creds.access_key_secret(),
                transport.region().unwrap_or_default(),
                &crate::time::v4_datetime(now),
                seconds,
                &[],
            )
            .map_err(|e| Error::Config(ConfigError::new(e.to_string()).with_source(e)))?,
        };
        let mut url = transport.bucket_base(transport.http_scheme(), self.name());
        url.push('/');
        url.push_str(&percent_encode(key, true));
        url.push('?');
        url.push_str(&query.query_string());
        Ok(PresignedUrl {
            url,
            expires: crate::time::from_unix_seconds(expires),
        })
    }
}

/// The process that makes OSS sign every segment URI of a playlist it serves.
const HLS_SIGN: &str = "hls/sign";

/// How long a presigned URL is valid: for a duration from now, or until a time.
#[derive(Debug, Clone, Copy)]
enum Validity {
    For(Duration),
    Until(SystemTime),
}

/// `CHANNEL/PLAYLIST` of a play URL, both checked; no playlist is the default name.
fn play_key(channel: &str, playlist: Option<&str>) -> Result<String, Error> {
    validate::channel_name(channel)?;
    let playlist = playlist
        .filter(|p| !p.is_empty())
        .unwrap_or(DEFAULT_PLAYLIST_NAME);
    validate::playlist_parameter(playlist)?;
    Ok(format!("{channel}/{playlist}"))
}

/// The name a channel's playlist has unless its configuration says otherwise.
const DEFAULT_PLAYLIST_NAME: &str = "playlist.m3u8";

/// Checks the key and the process of [`Bucket::presign_get`]; an empty process is none.
fn check_object_get<'a>(key: &str, process: Option<&'a str>) -> Result<Option<&'a str>, Error> {
    validate::object_key(key)?;
    let process = process.filter(|p| !p.is_empty());
    if let Some(p) = process {
        validate::process(p)?;
    }
    Ok(process)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Addressing, Client, Credentials};
    use serde_json::Value;

    fn vectors() -> Value {
        serde_json::from_str(include_str!("../tests/data/oss2-presign-vectors.json"))
            .expect("the presign vectors parse")
    }

    fn text<'a>(v: &'a Value, name: &str) -> &'a str {
        v[name]
            .as_str()
            .unwrap_or_else(|| panic!("no string {name}"))
    }

    /// A bucket of a client set up as oss2 was for `case`.
    fn bucket_for(inputs: &Value, case: &Value, version: SignatureVersion) -> Bucket {
        let mut credentials = Credentials::new(
            text(inputs, "access_key_id"),
            text(inputs, "access_key_secret"),
        );
        if case["sts"].as_bool().unwrap() {
            credentials = credentials.with_security_token(text(inputs, "security_token"));
        }
        let mut builder = Client::builder()
            .endpoint(text(case, "endpoint"))
            .region(text(inputs, "region"))
            .signature_version(version)
            .credentials(credentials);
        if text(case, "addressing") == "cname" {
            builder = builder.addressing(Addressing::Cname);
        }
        builder
            .build()
            .unwrap()
            .bucket(text(inputs, "bucket"))
            .unwrap()
    }

    /// Every GET vector whose URL keeps the key's `/`, as osslive writes it, comes out of
    /// the bucket byte for byte: base, key and query, in each addressing style, at oss2's
    /// fixed clock, whether the validity is a duration or an end.
    #[test]
    fn presigned_urls_match_oss2_byte_for_byte() {
        let all = vectors();
        let inputs = &all["inputs"];
        let now = crate::time::from_unix_seconds(inputs["fixed_unix_now"].as_u64().unwrap());
        let mut checked = 0;
        for (list, version) in [
            ("presign_v1", SignatureVersion::V1),
            ("presign_v4", SignatureVersion::V4),
        ] {
            for case in all[list].as_array().unwrap() {
                let plain_get = text(case, "method") == "GET"
                    && case["headers"].as_array().unwrap().is_empty()
                    && case["slash_safe"].as_bool().unwrap();
                if !plain_get {
                    continue;
                }
                let name = text(case, "name");
                let process = case["params"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|p| p[0] == "x-oss-process")
                    .map(|p| p[1].as_str().unwrap());
                let seconds = case["expires_in"].as_u64().unwrap();
                let bucket = bucket_for(inputs, case, version);
                let key = text(case, "key");
                for validity in [
                    Validity::For(Duration::from_secs(seconds)),
                    Validity::Until(now + Duration::from_secs(seconds)),
                ] {
                    let signed = bucket.presign_at(key, process, now, validity).unwrap();
                    assert_eq!(signed.url, text(case, "signed_url"), "{list} {name}");
                    assert_eq!(
                        crate::time::unix_seconds(signed.expires),
                        crate::time::unix_seconds(now) + seconds,
                        "{list} {name}"
                    );
                }
                checked += 1;
            }
        }
        assert!(checked >= 16, "only {checked} vectors apply");
    }

    #[test]
    fn validity_is_one_second_to_seven_days_named_by_version() {
        let all = vectors();
        let inputs = &all["inputs"];
        let case = &all["presign_v4"][0];
        let now = crate::time::from_unix_seconds(1_472_037_088);
        for (version, field) in [
            (SignatureVersion::V1, "Expires"),
            (SignatureVersion::V4, "x-oss-expires"),
        ] {
            let bucket = bucket_for(inputs, case, version);
            let refused = |validity| match bucket.presign_at(
                "c/playlist.m3u8",
                Some(HLS_SIGN),
                now,
                validity,
            ) {
                Err(Error::InvalidArgument(e)) => e.field,
                other => panic!("{version:?} {validity:?}: {other:?}"),
            };
            let week = Duration::from_secs(validate::MAX_PRESIGN_SECONDS);
            assert_eq!(refused(Validity::For(Duration::ZERO)), field);
            assert_eq!(refused(Validity::For(Duration::from_millis(999))), field);
            assert_eq!(refused(Validity::For(week + Duration::from_secs(1))), field);
            assert_eq!(refused(Validity::For(Duration::MAX)), field);
            assert_eq!(refused(Validity::Until(now)), field);
            assert_eq!(
                refused(Validity::Until(now - Duration::from_secs(1))),
                field
            );
            assert_eq!(
                refused(Validity::Until(now + week + Duration::from_secs(1))),
                field
            );
            assert_eq!(refused(Validity::Until(SystemTime::UNIX_EPOCH)), field);
            for fine in [Validity::For(week), Validity::Until(now + week)] {
                bucket
                    .presign_at("c/playlist.m3u8", Some(HLS_SIGN), now, fine)
                    .unwrap();
            }
        }
    }

    /// The field an invalid argument names.
    fn field<T: std::fmt::Debug>(r: Result<T, Error>) -> &'static str {
        match r {
            Err(Error::InvalidArgument(e)) => e.field,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn play_keys_and_object_gets_are_checked_before_signing() {
        assert_eq!(play_key("ch", None).unwrap(), "ch/playlist.m3u8");
        assert_eq!(play_key("ch", Some("")).unwrap(), "ch/playlist.m3u8");
        assert_eq!(play_key("ch", Some("vod.m3u8")).unwrap(), "ch/vod.m3u8");
        assert_eq!(field(play_key("a/b", None)), "LiveChannel");
        assert_eq!(field(play_key("", None)), "LiveChannel");
        assert_eq!(field(play_key("ch", Some("vod.mp4"))), "playlistName");
        assert_eq!(field(play_key("ch", Some("a/b.m3u8"))), "playlistName");
        assert_eq!(check_object_get("a/b.ts", Some("")).unwrap(), None);
        assert_eq!(
            check_object_get("a/b.m3u8", Some("hls/sign")).unwrap(),
            Some("hls/sign")
        );
        assert_eq!(field(check_object_get("", None)), "Key");
        assert_eq!(field(check_object_get("/a.ts", None)), "Key");
        assert_eq!(field(check_object_get("\\a.ts", None)), "Key");
        assert_eq!(field(check_object_get(&"k".repeat(1024), None)), "Key");
        for bad in ["hls", "/sign", "hls/", "HLS/sign", "h1s/sign", " hls/sign"] {
            assert_eq!(
                field(check_object_get("a.m3u8", Some(bad))),
                "x-oss-process",
                "{bad:?}"
            );
        }
    }

    #[test]
    fn debug_of_a_presigned_url_hides_the_query() {
        let signed = PresignedUrl {
            url: "http://h/b/c/playlist.m3u8?security-token=STS.TestSecurityToken%2B%2F%3D&Signature=x"
                .to_owned(),
            expires: crate::time::from_unix_seconds(1_472_040_688),
        };
        let shown = format!("{signed:?}");
        assert!(
            !shown.contains("TestSecurityToken") && !shown.contains("Signature"),
            "{shown}"
        );
        assert!(
            shown.contains("http://h/b/c/playlist.m3u8?<signed>"),
            "{shown}"
        );
    }
}
