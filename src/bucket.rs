//! The LiveChannel operations of one bucket, named after the Go SDK's methods.

use std::time::{Duration, SystemTime};

use crate::client::{Addressing, Client};
use crate::encoding::percent_encode;
use crate::models::*;
use crate::signing::rtmp::RtmpUrlParams;
use crate::transport::{self, OssRequest, OssResponse};
use crate::validate::{self, InvalidInput};
use crate::{Error, credentials, xml};

/// A bucket of a [`Client`]: cheap to clone, shares the client's connections.
#[derive(Debug, Clone)]
pub struct Bucket {
    client: Client,
    name: String,
}

/// A signed RTMP push URL, whole and split the way encoders take it.
#[derive(Clone, PartialEq, Eq)]
pub struct SignedRtmpUrl {
    /// The whole URL: `rtmp://BUCKET.ENDPOINT/live/CHANNEL?…&Signature=…` (ffmpeg, librtmp).
    pub url: String,
    /// The server part: `rtmp://BUCKET.ENDPOINT/live` (OBS's "Server").
    pub server: String,
    /// The stream key: `CHANNEL?…&Signature=…` (OBS's "Stream Key").
    pub stream_key: String,
    /// When the signature stops being accepted.
    pub expires: SystemTime,
}

// The URL is a bearer credential until it expires: show where it points, not the signature.
impl std::fmt::Debug for SignedRtmpUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedRtmpUrl")
            .field("server", &self.server)
            .field("stream_key", &"<signed>")
            .field("expires", &crate::time::unix_seconds(self.expires))
            .finish()
    }
}

/// Unix seconds beyond this (the year 2286) are taken for milliseconds by mistake.
const MAX_PLAUSIBLE_UNIX_SECONDS: u64 = 10_000_000_000;

fn unix_seconds(field: &'static str, t: SystemTime) -> Result<u64, Error> {
    let secs = t
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_err(|_| InvalidInput {
            field,
            rule: "must not be before 1970".into(),
        })?
        .as_secs();
    if secs >= MAX_PLAUSIBLE_UNIX_SECONDS {
        return Err(InvalidInput {
            field,
            rule: format!("{secs} is after the year 2286: was it given in milliseconds?"),
        }
        .into());
    }
    Ok(secs)
}

/// The playlist rules, reported under the name of the URL parameter that carries the
/// playlist in PostVodPlaylist and RTMP URLs rather than the configuration element.
fn as_playlist_parameter(e: InvalidInput) -> InvalidInput {
    InvalidInput {
        field: "playlistName",
        ..e
    }
}

impl Bucket {
    pub(crate) fn new(client: Client, name: String) -> Bucket {
        Bucket { client, name }
    }

    /// The bucket name.
    pub fn name(&self) -> &str {
        &self.name
    }

    fn send(
        &self,
        method: &'static str,
        key: Option<&str>,
        query: Vec<(&'static str, String)>,
        body: Option<Vec<u8>>,
    ) -> Result<OssResponse, Error> {
        transport::send(
            &self.client.inner,
            OssRequest {
                method,
                bucket: &self.name,
                key,
                query,
                body,
            },
        )
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
        let response = self.send(
            "PUT",
            Some(channel),
            vec![("live", String::new())],
            Some(body),
        )?;
        let mut result =
            xml::parse_create_result(&response.body).map_err(|e| response.invalid(e))?;
        result.request_id = response.request_id;
        Ok(result)
    }

    /// ListLiveChannel: one page of channels.
    pub fn list_live_channel(&self, options: &ListOptions) -> Result<ListLiveChannelResult, Error> {
        let mut query = vec![("live", String::new())];
        if let Some(prefix) = &options.prefix {
            validate::list_prefix(prefix)?;
            query.push(("prefix", prefix.clone()));
        }
        if let Some(marker) = &options.marker {
            validate::list_marker(marker)?;
            query.push(("marker", marker.clone()));
        }
        if let Some(max_keys) = options.max_keys {
            validate::max_keys(i64::from(max_keys))?;
            query.push(("max-keys", max_keys.to_string()));
        }
        let response = self.send("GET", None, query, None)?;
        let mut page = xml::parse_list(&response.body).map_err(|e| response.invalid(e))?;
        page.request_id = response.request_id;
        Ok(page)
    }

    /// Every channel matching `options.prefix`, page after page by `NextMarker`, holding one
    /// page in memory at a time. `options.max_keys` sets the page size.
    pub fn list_live_channels(&self, options: ListOptions) -> LiveChannelIter {
        LiveChannelIter {
            bucket: self.clone(),
            options,
            page: Vec::new().into_iter(),
            done: false,
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
        let query = vec![
            ("live", String::new()),
            ("status", status.as_str().to_owned()),
        ];
        let response = self.send("PUT", Some(channel), query, None)?;
        Ok(Acknowledged {
            status: response.status,
            request_id: response.request_id,
        })
    }

    /// GetLiveChannelInfo: a channel's configuration.
    pub fn get_live_channel_info(&self, channel: &str) -> Result<LiveChannelInfo, Error> {
        validate::channel_name(channel)?;
        let response = self.send("GET", Some(channel), vec![("live", String::new())], None)?;
        let mut info = xml::parse_channel_info(&response.body).map_err(|e| response.invalid(e))?;
        info.request_id = response.request_id;
        Ok(info)
    }

    /// GetLiveChannelStat: whether a channel is idle, live or disabled, and what is pushed.
    pub fn get_live_channel_stat(&self, channel: &str) -> Result<LiveChannelStat, Error> {
        validate::channel_name(channel)?;
        let query = vec![("live", String::new()), ("comp", "stat".to_owned())];
        let response = self.send("GET", Some(channel), query, None)?;
        let mut stat = xml::parse_stat(&response.body).map_err(|e| response.invalid(e))?;
        stat.request_id = response.request_id;
        Ok(stat)
    }

    /// GetLiveChannelHistory: the last pushes of a channel, at most ten.
    pub fn get_live_channel_history(&self, channel: &str) -> Result<LiveChannelHistory, Error> {
        validate::channel_name(channel)?;
        let query = vec![("live", String::new()), ("comp", "history".to_owned())];
        let response = self.send("GET", Some(channel), query, None)?;
        let mut history = xml::parse_history(&response.body).map_err(|e| response.invalid(e))?;
        history.request_id = response.request_id;
        Ok(history)
    }

    fn vod_query(start: SystemTime, end: SystemTime) -> Result<Vec<(&'static str, String)>, Error> {
        let (start, end) = (
            unix_seconds("startTime", start)?,
            unix_seconds("endTime", end)?,
        );
        validate::vod_range(start as i64, end as i64)?;
        Ok(vec![
            ("vod", String::new()),
            ("endTime", end.to_string()),
            ("startTime", start.to_string()),
        ])
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
        validate::playlist_name(playlist_name).map_err(as_playlist_parameter)?;
        let query = Self::vod_query(start, end)?;
        let key = format!("{channel}/{playlist_name}");
        let response = self.send("POST", Some(&key), query, None)?;
        Ok(Acknowledged {
            status: response.status,
            request_id: response.request_id,
        })
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
        let query = Self::vod_query(start, end)?;
        let response = self.send("GET", Some(channel), query, None)?;
        let m3u8 = String::from_utf8(response.body.clone()).map_err(|_| {
            response.invalid(xml::XmlError {
                reason: "the playlist is not UTF-8 text".into(),
                snippet: String::new(),
            })
        })?;
        Ok(VodPlaylist {
            m3u8,
            request_id: response.request_id,
        })
    }

    /// DeleteLiveChannel: removes a channel nobody is pushing to. Its recorded objects stay.
    pub fn delete_live_channel(&self, channel: &str) -> Result<Acknowledged, Error> {
        validate::channel_name(channel)?;
        let response = self.send("DELETE", Some(channel), vec![("live", String::new())], None)?;
        Ok(Acknowledged {
            status: response.status,
            request_id: response.request_id,
        })
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
            validate::playlist_name(p).map_err(as_playlist_parameter)?;
        }
        let expires_secs = unix_seconds("Expires", expires)?;
        if expires <= self.client.inner.clock.now() {
            return Err(InvalidInput {
                field: "Expires",
                rule: "must be in the future: the URL would be refused at once".into(),
            }
            .into());
        }
        let creds = credentials::fetch(&*self.client.inner.credentials)?;
        let params = RtmpUrlParams {
            bucket: &self.name,
            channel,
            playlist_name,
            expires: expires_secs,
            access_key_id: creds.access_key_id(),
            security_token: creds.security_token(),
            token_form: self.client.inner.rtmp_token_form,
        };
        let query = params.signed_query(creds.access_key_secret());
        let inner = &self.client.inner;
        let server = match inner.addressing {
            Addressing::VirtualHosted => {
                format!("rtmp://{}.{}/live", self.name, inner.endpoint.host)
            }
            Addressing::PathStyle => format!("rtmp://{}/{}/live", inner.endpoint.host, self.name),
            Addressing::Cname => format!("rtmp://{}/live", inner.endpoint.host),
        };
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
            .client
            .inner
            .clock
            .now()
            .checked_add(valid_for)
            .ok_or_else(|| InvalidInput {
                field: "Expires",
                rule: "the validity period is too long".into(),
            })?;
        self.sign_rtmp_url(channel, playlist_name, expires)
    }
}

/// Walks every page of ListLiveChannel; see [`Bucket::list_live_channels`]. After an
/// error it ends.
#[derive(Debug)]
pub struct LiveChannelIter {
    bucket: Bucket,
    options: ListOptions,
    page: std::vec::IntoIter<LiveChannelSummary>,
    done: bool,
}

impl Iterator for LiveChannelIter {
    type Item = Result<LiveChannelSummary, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(channel) = self.page.next() {
                return Some(Ok(channel));
            }
            if self.done {
                return None;
            }
            let page = match self.bucket.list_live_channel(&self.options) {
                Ok(page) => page,
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            };
            match page.continuation_marker(self.options.marker.as_deref()) {
                Some(marker) => self.options.marker = Some(marker),
                None => self.done = true,
            }
            self.page = page.channels.into_iter();
        }
    }
}
