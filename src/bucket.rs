//! The LiveChannel operations of one bucket, named after the Go SDK's methods, and the
//! walk over every page of ListLiveChannel.
//!
//! Every operation checks all its arguments against the OSS rules ([`crate::validate`])
//! before anything is sent, then takes the one path of [`Bucket::call`].

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use crate::answer::FromAnswer;
use crate::encoding::percent_encode;
use crate::error::Error;
use crate::models::*;
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

    /// The client's transport, for the operations kept in modules of their own.
    pub(crate) fn transport(&self) -> &Transport {
        &self.transport
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

    /// Signs an RTMP push URL for `channel`, valid until `expires`: in the future, at most
    /// [`MAX_RTMP_URL_SECONDS`](validate::MAX_RTMP_URL_SECONDS) (7 days) from now on OSS's
    /// clock.
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
        let now = self.transport.now();
        if expires <= now {
            return Err(InvalidInput {
                field: "Expires",
                rule: "must be in the future: the URL would be refused at once".into(),
            }
            .into());
        }
        // Compared with the fractions: `valid_for` of exactly the maximum passes, as `now`
        // here is a little later than where sign_rtmp_url_valid_for counted from.
        let longest = Duration::from_secs(validate::MAX_RTMP_URL_SECONDS);
        if expires.duration_since(now).unwrap_or_default() > longest {
            return Err(InvalidInput {
                field: "Expires",
                rule: format!(
                    "must be at most {} s (7 days) from now",
                    validate::MAX_RTMP_URL_SECONDS
                ),
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

    /// Signs an RTMP push URL valid for `valid_for` from now (1 s to 7 days,
    /// [`MAX_RTMP_URL_SECONDS`](validate::MAX_RTMP_URL_SECONDS)).
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
