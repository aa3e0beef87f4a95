//! From HTTP to the LiveChannel API: addressing, authentication, routing, the nine
//! operations, object reads, the admin endpoints, and faults on demand.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::access;
use crate::acl::BucketAcls;
use crate::auth::Authority;
use crate::dates::http_date;
use crate::error::{OssError, quoted};
use crate::faults::{Fault, Faults};
use crate::hls_sign;
use crate::http::{BadRequest, Handler, Request, Response};
use crate::keyring::Keyring;
use crate::model::ChannelStatus;
use crate::percent;
use crate::query::Query;
use crate::rtmp_auth::{is_path_style_host, split_host_port};
use crate::rules::{self, Rule};
use crate::store::Store;
use crate::verify::SignedRequest;
use crate::xml;

pub use crate::request_log::RequestLog;

/// The emulator's clock: the system clock shifted by an adjustable offset, so that tests
/// can put the server out of step with its clients.
#[derive(Default)]
pub struct Clock {
    offset_secs: AtomicI64,
}

impl Clock {
    /// The emulator's current time.
    pub fn now(&self) -> SystemTime {
        let offset = self.offset_secs.load(Ordering::Relaxed);
        let now = SystemTime::now();
        let shift = Duration::from_secs(offset.unsigned_abs());
        // An offset beyond what SystemTime can represent leaves the clock unshifted
        // rather than panicking in every later request.
        if offset >= 0 {
            now.checked_add(shift).unwrap_or(now)
        } else {
            now.checked_sub(shift).unwrap_or(now)
        }
    }

    /// Shifts the clock `secs` seconds away from the system clock (negative: behind).
    pub fn set_offset(&self, secs: i64) {
        self.offset_secs.store(secs, Ordering::Relaxed);
    }
}

/// Everything a request is answered from.
pub struct App {
    /// Channels and objects.
    pub store: Store,
    /// Accepted keys and tokens, changeable while it runs, and the region.
    pub keyring: Keyring,
    /// Which buckets serve anonymous object reads.
    pub bucket_acls: BucketAcls,
    /// Faults queued for the next requests.
    pub faults: Faults,
    /// The server clock.
    pub clock: Clock,
    log: Option<RequestLog>,
    request_counter: AtomicU64,
    id_prefix: u32,
}

/// Where a request points once the Host header and path are understood.
struct Address {
    bucket: Option<String>,
    key: Option<String>,
    /// How publish/play URLs to this server start: `bucket.host` or `host/bucket`.
    url_base: UrlBase,
}

enum UrlBase {
    VirtualHosted { host: String },
    PathStyle { host: String },
}

impl UrlBase {
    fn publish_url(&self, bucket: &str, channel: &str) -> String {
        match self {
            UrlBase::VirtualHosted { host } => format!("rtmp://{bucket}.{host}/live/{channel}"),
            UrlBase::PathStyle { host } => format!("rtmp://{host}/{bucket}/live/{channel}"),
        }
    }

    fn play_url(&self, bucket: &str, channel: &str, playlist: &str) -> String {
        match self {
            UrlBase::VirtualHosted { host } => {
                format!("http://{bucket}.{host}/{channel}/{playlist}")
            }
            UrlBase::PathStyle { host } => format!("http://{host}/{bucket}/{channel}/{playlist}"),
        }
    }

    /// How object paths start on this host: `/bucket/` path-style, `/` virtual-hosted.
    fn object_path_prefix(&self, bucket: &str) -> String {
        match self {
            UrlBase::VirtualHosted { .. } => "/".to_owned(),
            UrlBase::PathStyle { .. } => format!("/{bucket}/"),
        }
    }
}

/// The operation a request asks for, named as in the OSS API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Operation {
    PutLiveChannel,
    PutLiveChannelStatus,
    ListLiveChannel,
    GetLiveChannelInfo,
    GetLiveChannelStat,
    GetLiveChannelHistory,
    PostVodPlaylist,
    GetVodPlaylist,
    DeleteLiveChannel,
    GetObject,
}

fn operation(method: &str, key: Option<&str>, query: &Query) -> Result<Operation, OssError> {
    use Operation::*;
    let live = query.has("live");
    let vod = query.has("vod");
    let op = match (method, key.is_some(), live, vod) {
        ("PUT", true, true, false) if query.has("status") => PutLiveChannelStatus,
        ("PUT", true, true, false) => PutLiveChannel,
        ("GET", false, true, false) => ListLiveChannel,
        ("GET", true, true, false) => match query.get("comp") {
            None => GetLiveChannelInfo,
            Some("stat") => GetLiveChannelStat,
            Some("history") => GetLiveChannelHistory,
            Some(other) => {
                return Err(OssError::invalid_argument_message(
                    "comp",
                    format!("comp={} is not stat or history.", quoted(other)),
                ));
            }
        },
        ("POST", true, false, true) => PostVodPlaylist,
        ("GET", true, false, true) => GetVodPlaylist,
        ("DELETE", true, true, false) => DeleteLiveChannel,
        ("GET" | "HEAD", true, false, false) => GetObject,
        _ => return Err(OssError::method_not_allowed()),
    };
    Ok(op)
}

impl App {
    /// An application over `store`, accepting `authority`.
    pub fn new(store: Store, authority: Authority, log: Option<RequestLog>) -> App {
        let seed = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as u32 ^ d.subsec_nanos());
        App {
            store,
            keyring: Keyring::new(authority),
            bucket_acls: BucketAcls::default(),
            faults: Faults::default(),
            clock: Clock::default(),
            log,
            request_counter: AtomicU64::new(0),
            id_prefix: seed,
        }
    }

    /// The keys and tokens accepted now, by the emulator's clock.
    pub fn authority(&self) -> Arc<Authority> {
        self.keyring.authority(self.clock.now())
    }

    /// Serves anonymous object reads as `acls` says (every bucket is private without).
    pub fn with_bucket_acls(mut self, acls: BucketAcls) -> App {
        self.bucket_acls = acls;
        self
    }

    /// A fresh 24-hex-digit id like OSS's, unique within this process.
    fn request_id(&self) -> String {
        let n = self.request_counter.fetch_add(1, Ordering::Relaxed);
        format!("{:08X}{:016X}", self.id_prefix, n)
    }

    fn finish(&self, mut response: Response, request_id: &str) -> Response {
        response.headers.push(("Server".into(), "AliyunOSS".into()));
        response
            .headers
            .push(("Date".into(), http_date(self.clock.now())));
        response
            .headers
            .push(("x-oss-request-id".into(), request_id.into()));
        response
    }

    fn error_response(&self, err: &OssError, request_id: &str, host: &str) -> Response {
        Response::new(err.status)
            .with_header("Content-Type", "application/xml")
            .with_header("x-oss-ec", err.ec)
            .with_body(err.to_xml(request_id, host).into_bytes())
    }

    fn log(&self, line: impl FnOnce() -> String) {
        if let Some(log) = &self.log {
            log(&line());
        }
    }

    /// Sends one line to the request log, if there is one (for the RTMP ingest).
    pub(crate) fn log_line(&self, line: impl FnOnce() -> String) {
        self.log(line);
    }

    fn address(&self, req: &Request, path: &str) -> Result<Address, OssError> {
        let host = req
            .header("host")
            .map(str::trim)
            .filter(|h| !h.is_empty())
            .ok_or_else(|| {
                OssError::invalid_request("The request has no Host header; HTTP/1.1 requires one.")
            })?;
        let (hostname, _) = split_host_port(host);
        let segments = path.strip_prefix('/').unwrap_or(path);
        let decode = |s: &str| {
            percent::decode(s, false).ok_or_else(|| {
                OssError::invalid_request(format!(
                    "the path {} is not valid percent-encoded UTF-8",
                    quoted(s)
                ))
            })
        };
        if is_path_style_host(hostname) {
            let (bucket, rest) = segments.split_once('/').unwrap_or((segments, ""));
            let bucket = (!bucket.is_empty()).then(|| decode(bucket)).transpose()?;
            let key = (!rest.is_empty()).then(|| decode(rest)).transpose()?;
            Ok(Address {
                bucket,
                key,
                url_base: UrlBase::PathStyle {
                    host: host.to_owned(),
                },
            })
        } else {
            let (bucket, rest_of_host) = host.split_once('.').unwrap_or((host, ""));
            let key = (!segments.is_empty())
                .then(|| decode(segments))
                .transpose()?;
            Ok(Address {
                bucket: Some(bucket.to_ascii_lowercase()),
                key,
                url_base: UrlBase::VirtualHosted {
                    host: rest_of_host.to_owned(),
                },
            })
        }
    }

    fn serve_oss(
        &self,
        req: &Request,
        path: &str,
        query: &Query,
    ) -> Result<(Operation, Response), OssError> {
        let address = self.address(req, path)?;
        let bucket = address.bucket.as_deref().ok_or_else(|| {
            OssError::method_not_allowed_message(
                "The emulator serves LiveChannel requests to a bucket, not the service root.",
            )
        })?;
        rules::bucket_name(bucket).map_err(|rule| rule.error(bucket))?;
        self.store.check_bucket(bucket)?;
        let op = operation(&req.method, address.key.as_deref(), query)?;

        let header_refs: Vec<(&str, &str)> = req
            .headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let query_refs: Vec<(&str, &str)> = query.pairs().collect();
        let to_sign = SignedRequest {
            method: &req.method,
            bucket,
            key: address.key.as_deref(),
            query: &query_refs,
            headers: &header_refs,
        };
        let now = self.clock.now();
        // Objects of a public-read bucket are readable without a signature; everything else
        // needs one, in the Authorization header or in the URL.
        let caller = access::authorize(
            &self.authority(),
            self.bucket_acls.get(bucket),
            &to_sign,
            op == Operation::GetObject,
            now,
        )?;
        // OSS checks a Content-MD5 against the body it received (InvalidDigest), whatever
        // the operation; the signature covers the header, so this comes after it.
        if let Some(claimed) = req.header("content-md5") {
            rules::content_md5(claimed, &req.body).map_err(Rule::error_without_value)?;
        }

        let key = address.key.as_deref().unwrap_or("");
        let response = match op {
            Operation::PutLiveChannel => {
                rules::channel_name(key).map_err(Rule::error_without_value)?;
                let config = xml::parse_channel_config(&req.body)?;
                let playlist = config.target.playlist_name.clone();
                self.store.put_channel(bucket, key, config, now)?;
                xml_response(xml::create_result(
                    &address.url_base.publish_url(bucket, key),
                    &address.url_base.play_url(bucket, key, &playlist),
                ))
            }
            Operation::PutLiveChannelStatus => {
                let status_text = query.get("status").unwrap_or("");
                rules::new_status(status_text).map_err(|rule| rule.error(status_text))?;
                let status = ChannelStatus::parse(status_text).unwrap_or(ChannelStatus::Enabled);
                self.store.set_status(bucket, key, status, now)?;
                Response::new(200)
            }
            Operation::ListLiveChannel => {
                let prefix = query.get("prefix").unwrap_or("");
                let marker = query.get("marker").unwrap_or("");
                let max_keys = match query.get("max-keys").filter(|v| !v.is_empty()) {
                    None => 100,
                    Some(text) => text.parse::<i64>().map_err(|_| Rule::MaxKeys.error(text))?,
                };
                rules::max_keys(max_keys).map_err(Rule::error_without_value)?;
                rules::list_prefix(prefix).map_err(Rule::error_without_value)?;
                rules::list_marker(marker).map_err(Rule::error_without_value)?;
                let page = self.store.list(bucket, prefix, marker, max_keys as usize);
                let entries: Vec<xml::ListEntry<'_>> = page
                    .channels
                    .iter()
                    .map(|c| xml::ListEntry {
                        channel: c,
                        publish_url: address.url_base.publish_url(bucket, &c.name),
                        play_url: address.url_base.play_url(
                            bucket,
                            &c.name,
                            &c.config.target.playlist_name,
                        ),
                    })
                    .collect();
                xml_response(xml::list_result(
                    prefix,
                    marker,
                    max_keys as u32,
                    page.is_truncated,
                    &page.next_marker,
                    &entries,
                ))
            }
            Operation::GetLiveChannelInfo => {
                xml_response(xml::channel_info(&self.store.channel(bucket, key)?.config))
            }
            Operation::GetLiveChannelStat => {
                xml_response(xml::stat(&self.store.channel(bucket, key)?))
            }
            Operation::GetLiveChannelHistory => {
                xml_response(xml::history(&self.store.channel(bucket, key)?))
            }
            Operation::PostVodPlaylist => {
                // The key is CHANNEL/PLAYLIST; channel names cannot hold a '/'.
                let (channel, playlist) = key.split_once('/').unwrap_or((key, ""));
                rules::vod_playlist_name(playlist).map_err(|rule| rule.error(playlist))?;
                let (start, end) = vod_times(query)?;
                self.store
                    .post_vod_playlist(bucket, channel, playlist, start, end)?;
                Response::new(200)
            }
            Operation::GetVodPlaylist => {
                let (start, end) = vod_times(query)?;
                let m3u8 = self.store.vod_playlist(bucket, key, start, end)?;
                Response::new(200)
                    .with_header("Content-Type", "application/x-mpegURL")
                    .with_body(m3u8.into_bytes())
            }
            Operation::DeleteLiveChannel => {
                self.store.delete_channel(bucket, key)?;
                Response::new(204)
            }
            Operation::GetObject => {
                let object = self.store.object(bucket, key)?;
                let body = match query.get("x-oss-process") {
                    None => object.body,
                    Some(process) => hls_sign::process(
                        process,
                        &caller,
                        bucket,
                        key,
                        object.content_type,
                        object.body,
                        &address.url_base.object_path_prefix(bucket),
                    )?,
                };
                // CORS on every object read, so that hls.js in a browser can play.
                let mut response = Response::new(200)
                    .with_header("Content-Type", object.content_type)
                    .with_header("Access-Control-Allow-Origin", "*");
                if object.content_type == hls_sign::PLAYLIST_CONTENT_TYPE {
                    // The live playlist is rewritten with every segment.
                    response = response.with_header("Cache-Control", "no-cache");
                }
                response.with_body(body)
            }
        };
        Ok((op, response))
    }

    fn serve_with_fault(
        &self,
        req: &Request,
        path: &str,
        query: &Query,
        request_id: &str,
    ) -> (String, Response) {
        let fault = self.faults.take();
        if let Some(fault) = &fault {
            if !fault.executes() {
                let response = match (fault, fault.replacement()) {
                    (_, Some(replacement)) => replacement,
                    (Fault::Status(503), None) => self.error_response(
                        &OssError::service_unavailable(),
                        request_id,
                        req.header("host").unwrap_or(""),
                    ),
                    (Fault::Status(code), None) => {
                        let err = OssError {
                            status: *code,
                            ..OssError::internal_error()
                        };
                        self.error_response(&err, request_id, req.header("host").unwrap_or(""))
                    }
                    (_, None) => Response::new(500),
                };
                return (format!("fault {fault}"), response);
            }
            if let Some(delay) = fault.delay_before() {
                std::thread::sleep(delay);
            }
        }
        let (label, response) = match self.serve_oss(req, path, query) {
            Ok((op, response)) => (format!("{op:?}"), response),
            Err(err) => (
                err.code.to_owned(),
                self.error_response(&err, request_id, req.header("host").unwrap_or("")),
            ),
        };
        match fault {
            Some(fault) => (format!("{label} with fault {fault}"), fault.shape(response)),
            None => (label, response),
        }
    }
}

fn xml_response(body: String) -> Response {
    Response::new(200)
        .with_header("Content-Type", "application/xml")
        .with_body(body.into_bytes())
}

fn vod_times(query: &Query) -> Result<(i64, i64), OssError> {
    let parse = |name: &'static str, rule: Rule| -> Result<i64, OssError> {
        let text = query.get(name).unwrap_or("");
        text.parse().map_err(|_| rule.error(text))
    };
    Ok((
        parse("startTime", Rule::VodStartTime)?,
        parse("endTime", Rule::VodEndTime)?,
    ))
}

/// Admin paths start with `/_emulator/` (no bucket name can, `_` is not allowed in one)
/// and never carry the `live` or `vod` parameter every LiveChannel request has.
fn is_admin(path: &str, query: &Query) -> bool {
    path.starts_with("/_emulator/") && !query.has("live") && !query.has("vod")
}

impl Handler for App {
    fn handle(&self, req: &Request) -> Response {
        let request_id = self.request_id();
        let (path, raw_query) = req.target.split_once('?').unwrap_or((&req.target, ""));
        let (label, response) = match Query::parse(raw_query) {
            Err(err) => (
                err.code.to_owned(),
                self.error_response(&err, &request_id, req.header("host").unwrap_or("")),
            ),
            Ok(query) if is_admin(path, &query) => match self.serve_admin(req, path, &query) {
                Ok(r) => ("admin".to_owned(), r),
                Err(err) => (
                    err.code.to_owned(),
                    self.error_response(&err, &request_id, ""),
                ),
            },
            Ok(query) => self.serve_with_fault(req, path, &query, &request_id),
        };
        // Only the path is logged: queries of signed URLs carry signatures and tokens.
        self.log(|| {
            format!(
                "{} {} {} {} {}",
                req.method, path, response.status, request_id, label
            )
        });
        self.finish(response, &request_id)
    }

    fn overloaded(&self, peer: SocketAddr) -> Response {
        let request_id = self.request_id();
        let err = OssError::service_unavailable();
        self.log(|| {
            format!(
                "- - {} {} every connection slot is busy: {peer} answered without a slot",
                err.status, request_id
            )
        });
        let response = self.error_response(&err, &request_id, "");
        self.finish(response, &request_id)
    }

    fn bad_request(&self, peer: SocketAddr, problem: &BadRequest) -> Response {
        let request_id = self.request_id();
        let err = OssError::invalid_request(problem.to_string());
        self.log(|| {
            format!(
                "- - {} {} bad request from {peer}: {problem}",
                err.status, request_id
            )
        });
        let response = self.error_response(&err, &request_id, "");
        self.finish(response, &request_id)
    }
}
