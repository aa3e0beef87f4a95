//! The LiveChannel operations of one bucket, named after the Go SDK's methods, and the
//! walk over every page of ListLiveChannel.
//!
//! Every operation checks all its arguments against the OSS rules ([`crate::validate`])
//! before anything is sent, then takes the one path of [`Bucket::call`].

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use crate::answer::FromAnswer;
use crate::encoding::percent_encode;
use crate::error::{ConfigError, Error};
use crate::models::*;
use crate::settings::SignatureVersion;
use crate::signing::presign::{self, PresignRequest};
use crate::signing::rtmp::RtmpUrlParams;
use crate::transport::{OssRequest, OssResponse, Transport};
use crate::validate::{self, InvalidInput};
use crate::xml;

/// A bucket of a [`Client`](crate::Client): cheap to clone, shares the client's
/// connections.
#[derive(Debug, Clone)]
pub struct Bucket {
    transport: Arc<Transport>,
    name: String,
}

impl Bucket {
    /// A handle on `name`, which the caller has checked.
    pub(crate) fn new(transport: Arc<Transport>, name: String) -> Bucket {
        Bucket { transport, name }
    }

    /// The bucket name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The path every operation takes: sends the request, reads the 2xx answer into the
    /// result model (a body that is not the expected document is an invalid response
    /// keeping the status and request id) and sets the request id on it.
    fn call<T: FromAnswer>(
        &self,
        method: &'static str,
        key: Option<&str>,
        query: Vec<(&'static str, String)>,
        body: Option<Vec<u8>>,
    ) -> Result<T, Error> {
        let OssResponse {
            status,
            request_id,
            body,
            attempts,
        } = self.transport.send(OssRequest {
            method,
            bucket: &self.name,
            key,
            query,
            body,
        })?;
        match T::read(status, body) {
            Ok(mut result) => {
                result.set_request_id(request_id);
                Ok(result)
            }
            Err(e) => {
                let mut error = Error::invalid_response(status, request_id, e);
                error.set_attempts(attempts);
                Err(error)
            }
        }
    }

    /// PutLiveChannel: creates a channel, or replaces the configuration of one nobody is
    /// pushing to. Returns its publish (RTMP) and play (HLS) URLs.
    pub fn create_live_channel(
        &self,
        channel: &str,
        config: &LiveChannelConfiguration,
    ) -> Result<CreateLiveChannelResult, Error> {
        validate::channel_name(channel)?;
        config.validate()?;
        let body = xml::write_configuration(config).into_bytes();
        self.call("PUT", Some(channel), live(), Some(body))
    }

    /// ListLiveChannel: one page of channels.
    pub fn list_live_channel(&self, options: &ListOptions) -> Result<ListLiveChannelResult, Error> {
        options.validate()?;
        let mut query = live();
        if let Some(prefix) = &options.prefix {
            query.push(("prefix", prefix.clone()));
        }
        if let Some(marker) = &options.marker {
            query.push(("marker", marker.clone()));
        }
        if let Some(max_keys) = options.max_keys {
            query.push(("max-keys", max_keys.to_string()));
        }
        self.call("GET", None, query, None)
    }

    /// Every page of ListLiveChannel for `options.prefix`, from `options.marker` on,
    /// `options.max_keys` channels at a time; see [`LiveChannelPages`]. Nothing is sent
    /// until the first [`LiveChannelPages::next_page`].
    pub fn list_live_channel_pages(&self, options: ListOptions) -> LiveChannelPages {
        LiveChannelPages {
            bucket: self.clone(),
            options,
            started: false,
            done: false,
        }
    }

    /// Every channel matching `options.prefix`, page after page by `NextMarker`, holding one
    /// page in memory at a time. `options.max_keys` sets the page size.
    pub fn list_live_channels(&self, options: ListOptions) -> LiveChannelIter {
        LiveChannelIter {
            pages: self.list_live_channel_pages(options),
            page: Vec::new().into_iter(),
            failed: false,
        }
    }

    /// PutLiveChannelStatus: enables or disables a channel. Disabling cuts a current push
    /// off within about ten seconds.
    pub fn put_live_channel_status(
        &self,
        channel: &str,
        status: ChannelStatus,
    ) -> Result<Acknowledged, Error> {
        validate::channel_name(channel)?;
        let mut query = live();
        query.push(("status", status.as_str().to_owned()));
        self.call("PUT", Some(channel), query, None)
    }

    /// GetLiveChannelInfo: a channel's configuration.
    pub fn get_live_channel_info(&self, channel: &str) -> Result<LiveChannelInfo, Error> {
        validate::channel_name(channel)?;
        self.call("GET", Some(channel), live(), None)
    }

    /// GetLiveChannelStat: whether a channel is idle, live or disabled, and what is pushed.
    pub fn get_live_channel_stat(&self, channel: &str) -> Result<LiveChannelStat, Error> {
        validate::channel_name(channel)?;
        let mut query = live();
        query.push(("comp", "stat".to_owned()));
        self.call("GET", Some(channel), query, None)
    }

    /// GetLiveChannelHistory: the last pushes of a channel, at most ten.
    pub fn get_live_channel_history(&self, channel: &str) -> Result<LiveChannelHistory, Error> {
        validate::channel_name(channel)?;
        let mut query = live();
        query.push(("comp", "history".to_owned()));
        self.call("GET", Some(channel), query, None)
    }

    /// PostVodPlaylist: writes `CHANNEL/PLAYLIST`, an m3u8 of the fragments recorded
    /// between `start` and `end` (at most one day apart).
    pub fn post_vod_playlist(
        &self,
        channel: &str,
        playlist_name: &str,
        start: SystemTime,
        end: SystemTime,
    ) -> Result<Acknowledged, Error> {
        validate::channel_name(channel)?;
        validate::playlist_parameter(playlist_name)?;
        let query = vod_query(start, end)?;
        let key = format!("{channel}/{playlist_name}");
        self.call("POST", Some(&key), query, None)
    }

    /// GetVodPlaylist: the m3u8 of the fragments recorded between `start` and `end`,
    /// without writing it.
    pub fn get_vod_playlist(
        &self,
        channel: &str,
        start: SystemTime,
        end: SystemTime,
    ) -> Result<VodPlaylist, Error> {
        validate::channel_name(channel)?;
        let query = vod_query(start, end)?;
        self.call("GET", Some(channel), query, None)
    }

    /// DeleteLiveChannel: removes a channel nobody is pushing to. Its recorded objects stay.
    pub fn delete_live_channel(&self, channel: &str) -> Result<Acknowledged, Error> {
        validate::channel_name(channel)?;
        self.call("DELETE", Some(channel), live(), None)
    }

    /// Signs an RTMP push URL for `channel`, valid until `expires`.
    ///
    /// `playlist_name` overrides the channel's configured m3u8 name for this push; `None`
    /// leaves the parameter out. The URL is always HMAC-SHA1-signed (OSS has no V4 form
    /// for RTMP); with STS credentials the token is added in the client's
    /// [`TokenForm`](crate::signing::rtmp::TokenForm).
    pub fn sign_rtmp_url(
        &self,
        channel: &str,
        playlist_name: Option<&str>,
        expires: SystemTime,
    ) -> Result<SignedRtmpUrl, Error> {
        validate::channel_name(channel)?;
        let playlist_name = playlist_name.filter(|p| !p.is_empty());
        if let Some(p) = playlist_name {
            validate::playlist_parameter(p)?;
        }
        let expires_secs = validate::unix_time("Expires", expires)?;
        if expires <= self.transport.now() {
            return Err(InvalidInput {
                field: "Expires",
                rule: "must be in the future: the URL would be refused at once".into(),
            }
            .into());
        }
        let creds = self.transport.credentials()?;
        let params = RtmpUrlParams {
            bucket: &self.name,
            channel,
            playlist_name,
            expires: expires_secs,
            access_key_id: creds.access_key_id(),
            security_token: creds.security_token(),
            token_form: self.transport.rtmp_token_form(),
        };
        let query = params.signed_query(creds.access_key_secret());
        let mut server = self.transport.bucket_base("rtmp", &self.name);
        server.push_str("/live");
        let stream_key = format!("{}?{query}", percent_encode(channel, false));
        Ok(SignedRtmpUrl {
            url: format!("{server}/{stream_key}"),
            server,
            stream_key,
            expires: crate::time::from_unix_seconds(expires_secs),
        })
    }

    /// Signs an RTMP push URL valid for `valid_for` from now.
    pub fn sign_rtmp_url_valid_for(
        &self,
        channel: &str,
        playlist_name: Option<&str>,
        valid_for: Duration,
    ) -> Result<SignedRtmpUrl, Error> {
        // Relative to OSS's clock, as learnt from any skew it reported.
        let expires = self
            .transport
            .now()
            .checked_add(valid_for)
            .ok_or_else(|| InvalidInput {
                field: "Expires",
                rule: "the validity period is too long".into(),
            })?;
        self.sign_rtmp_url(channel, playlist_name, expires)
    }

    /// Presigns a GET of the playlist `CHANNEL/PLAYLIST` with `x-oss-process=hls/sign`,
    /// valid for `valid_for` (whole seconds, 1 s to 7 days,
    /// [`MAX_PRESIGN_SECONDS`](validate::MAX_PRESIGN_SECONDS)) from now on OSS's clock:
    /// the one URL a player needs to play a channel of a private bucket. OSS answers it
    /// with the playlist whose every segment URI is signed the same way (same signature
    /// version, same expiry, same STS token).
    ///
    /// `playlist` is the channel's live playlist (`None` or `""`: `playlist.m3u8`, the
    /// default [`LiveChannelTarget::playlist_name`]; give the configured name if it is
    /// another) or a VOD playlist written by
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
        self.presign_at(key, process, self.transport.now(), validity)
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
        let version = self.transport.signature_version();
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
        let creds = self.transport.credentials()?;
        let params: Vec<(&str, &str)> = process.map(|p| ("x-oss-process", p)).into_iter().collect();
        let req = PresignRequest {
            method: "GET",
            bucket: &self.name,
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
                self.transport.region().unwrap_or_default(),
                &crate::time::v4_datetime(now),
                seconds,
                &[],
            )
            .map_err(|e| Error::Config(ConfigError::new(e.to_string()).with_source(e)))?,
        };
        let mut url = self
            .transport
            .bucket_base(self.transport.http_scheme(), &self.name);
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

/// The `live` parameter every LiveChannel request but the VOD ones carries.
fn live() -> Vec<(&'static str, String)> {
    vec![("live", String::new())]
}

/// The query of the VOD operations, the range checked.
fn vod_query(start: SystemTime, end: SystemTime) -> Result<Vec<(&'static str, String)>, Error> {
    let (start, end) = (
        validate::unix_time("startTime", start)?,
        validate::unix_time("endTime", end)?,
    );
    validate::vod_range(start as i64, end as i64)?;
    Ok(vec![
        ("vod", String::new()),
        ("endTime", end.to_string()),
        ("startTime", start.to_string()),
    ])
}

/// The pages of ListLiveChannel, one request per page, made by
/// [`Bucket::list_live_channel_pages`]:
///
/// - the first [`next_page`](Self::next_page) always gives a page, maybe empty;
/// - after that, an empty page (a truncated page that ended exactly on the last channel)
///   means there are no more pages;
/// - a call after a failure asks for the same page again (so a transient failure can be
///   retried without starting over);
/// - then `None`.
///
/// Not an [`Iterator`], because a failure that does not pass (an invalid prefix, say)
/// would make `collect` loop for ever; [`LiveChannelIter`] is the iterator, over channels.
#[derive(Debug, Clone)]
pub struct LiveChannelPages {
    bucket: Bucket,
    options: ListOptions,
    started: bool,
    done: bool,
}

impl LiveChannelPages {
    /// The next page; `None` when there are no more.
    pub fn next_page(&mut self) -> Option<Result<ListLiveChannelResult, Error>> {
        loop {
            if self.done {
                return None;
            }
            let page = match self.bucket.list_live_channel(&self.options) {
                Ok(page) => page,
                Err(e) => return Some(Err(e)),
            };
            match page.continuation_marker(self.options.marker.as_deref()) {
                Some(marker) => self.options.marker = Some(marker),
                None => self.done = true,
            }
            let first = !self.started;
            self.started = true;
            if first || !page.channels.is_empty() {
                return Some(Ok(page));
            }
        }
    }
}

/// Walks every page of ListLiveChannel; see [`Bucket::list_live_channels`]. After an
/// error it ends.
#[derive(Debug)]
pub struct LiveChannelIter {
    pages: LiveChannelPages,
    page: std::vec::IntoIter<LiveChannelSummary>,
    failed: bool,
}

impl Iterator for LiveChannelIter {
    type Item = Result<LiveChannelSummary, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(channel) = self.page.next() {
                return Some(Ok(channel));
            }
            if self.failed {
                return None;
            }
            match self.pages.next_page()? {
                Ok(page) => self.page = page.channels.into_iter(),
                Err(e) => {
                    self.failed = true;
                    return Some(Err(e));
                }
            }
        }
    }
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
