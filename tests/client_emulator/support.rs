//! Common setup of the tests: the keys, the eight modes (V4 and V1 signatures ×
//! path-style and virtual-hosted addressing × plain and STS credentials) most operations
//! are tried in, starting the emulator, and assertions on errors and on what was sent.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use osslive::validate::InvalidInput;
use osslive::{
    Bucket, ChannelStatus, Client, ClientBuilder, Credentials, Error, LiveChannelConfiguration,
    LiveChannelSnapshot, LiveChannelTarget, ServiceError, SignatureVersion,
};
use osslive_emulator::auth::{AccessKey, Authority};
use osslive_emulator::faults::Fault;
use osslive_emulator::model::{AudioStat, LiveSession, VideoStat};
use osslive_emulator::{Config, Emulator};

/// The keys of the spec's vectors (`tests/data/oss2-vectors.json`).
pub const AK: &str = "LTAI5tTestAccessKeyId";
pub const SK: &str = "TestAccessKeySecret0123456789abc";
/// An STS token with the characters that need escaping in URLs.
pub const TOKEN: &str = "STS.TestSecurityToken+/=";
/// The endpoint host of virtual-hosted clients, resolved to the emulator.
pub const VHOST: &str = "oss-cn-hangzhou.aliyuncs.com";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Path,
    Virtual,
}

/// One way of talking to OSS: signature version, addressing style, STS or not.
#[derive(Debug, Clone, Copy)]
pub struct Mode {
    pub version: SignatureVersion,
    pub style: Style,
    pub sts: bool,
}

impl Mode {
    /// A bucket name of its own, so modes can share one emulator.
    pub fn bucket_name(self) -> String {
        let version = match self.version {
            SignatureVersion::V4 => "v4",
            SignatureVersion::V1 => "v1",
        };
        let style = match self.style {
            Style::Path => "path",
            Style::Virtual => "vhost",
        };
        let creds = if self.sts { "sts" } else { "plain" };
        format!("{version}-{style}-{creds}")
    }
}

/// V4 and V1 × path-style and virtual-hosted × plain and STS credentials.
pub fn all_modes() -> Vec<Mode> {
    let mut modes = Vec::new();
    for version in [SignatureVersion::V4, SignatureVersion::V1] {
        for style in [Style::Path, Style::Virtual] {
            for sts in [false, true] {
                modes.push(Mode {
                    version,
                    style,
                    sts,
                });
            }
        }
    }
    modes
}

/// The plain V4 path-style mode most tests that are not about modes use.
pub const PLAIN: Mode = Mode {
    version: SignatureVersion::V4,
    style: Style::Path,
    sts: false,
};

/// An emulator that accepts `AK`/`SK` and the token `TOKEN`.
pub fn emulator() -> Emulator {
    Emulator::start(Config::new(AK, SK).security_token(TOKEN)).expect("emulator starts")
}

pub fn credentials(sts: bool) -> Credentials {
    let creds = Credentials::new(AK, SK);
    if sts {
        creds.with_security_token(TOKEN)
    } else {
        creds
    }
}

/// A builder for `mode`, pointed at the emulator. Virtual-hosted clients use the real
/// endpoint name resolved to the emulator and derive their region from it. Retries are
/// off: these tests look at single answers (tests/client_retry.rs covers retrying).
pub fn builder(emulator: &Emulator, mode: Mode) -> ClientBuilder {
    let builder = Client::builder()
        .max_attempts(1)
        .signature_version(mode.version)
        .credentials(credentials(mode.sts));
    match mode.style {
        Style::Path => builder.endpoint(emulator.endpoint()).region("cn-hangzhou"),
        Style::Virtual => builder
            .endpoint(format!("http://{VHOST}:{}", emulator.addr().port()))
            .resolve(VHOST, emulator.addr()),
    }
}

pub fn client(emulator: &Emulator, mode: Mode) -> Client {
    builder(emulator, mode)
        .build()
        .unwrap_or_else(|e| panic!("{mode:?}: {e}"))
}

/// The mode's own bucket on `emulator`.
pub fn bucket(emulator: &Emulator, mode: Mode) -> Bucket {
    client(emulator, mode).bucket(&mode.bucket_name()).unwrap()
}

/// `rtmp://…/live` and `http://…` of a bucket as the emulator names them in this mode.
pub fn url_bases(emulator: &Emulator, mode: Mode, bucket: &str) -> (String, String) {
    let addr = emulator.addr();
    match mode.style {
        Style::Path => (
            format!("rtmp://{addr}/{bucket}/live"),
            format!("http://{addr}/{bucket}"),
        ),
        Style::Virtual => {
            let host = format!("{bucket}.{VHOST}:{}", addr.port());
            (format!("rtmp://{host}/live"), format!("http://{host}"))
        }
    }
}

#[track_caller]
pub fn service(err: &Error) -> &ServiceError {
    match err {
        Error::Service(e) => e,
        other => panic!("expected Error::Service, got {other:?}"),
    }
}

/// A service error with this status and code, and a request id to quote.
#[track_caller]
pub fn assert_service(err: &Error, status: u16, code: &str) {
    let e = service(err);
    assert_eq!((e.status, e.code.as_str()), (status, code), "{err:?}");
    assert_eq!(err.http_status(), Some(status));
    assert!(
        e.request_id.as_deref().is_some_and(|id| !id.is_empty()),
        "no request id: {err:?}"
    );
    assert_eq!(err.request_id(), e.request_id.as_deref());
}

/// A client-side refusal naming `field`, never worth retrying.
#[track_caller]
pub fn assert_invalid<T: std::fmt::Debug>(result: Result<T, Error>, field: &str) {
    match result {
        Err(err @ Error::InvalidArgument(InvalidInput { .. })) => {
            let Error::InvalidArgument(input) = &err else {
                unreachable!()
            };
            assert_eq!(input.field, field, "{err}");
            assert!(!input.rule.is_empty());
            assert!(!err.is_retryable(), "{err}");
            assert_eq!(err.http_status(), None);
            assert!(err.to_string().contains(field), "{err}");
        }
        other => panic!("expected InvalidArgument({field}), got {other:?}"),
    }
}

/// Queues one `500` fault. Calls refused on the client leave it queued; the first
/// request that reaches the emulator consumes it (see [`assert_nothing_was_sent`]).
pub fn arm_tripwire(emulator: &Emulator) {
    emulator.inject_fault(Fault::Status(500), 1);
}

/// Proves no request reached the emulator since [`arm_tripwire`]: the next valid call
/// still gets the queued 500, and the one after it is served normally.
#[track_caller]
pub fn assert_nothing_was_sent(bucket: &Bucket) {
    let err = bucket
        .get_live_channel_stat("tripwire-probe")
        .expect_err("the queued 500 fault should still be waiting for this call");
    assert_service(&err, 500, "InternalError");
    let err = bucket.get_live_channel_stat("tripwire-probe").unwrap_err();
    assert_service(&err, 404, "NoSuchLiveChannel");
}

/// Unix seconds as a SystemTime.
pub fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

/// The current time cut to whole seconds, as OSS documents carry times.
pub fn now_whole_seconds() -> SystemTime {
    at(SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs())
}

pub fn unix(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).unwrap().as_secs()
}

/// A push with both video and audio, as the C SDK's stat sample has it.
pub fn session(connected: SystemTime, remote: &str) -> LiveSession {
    LiveSession {
        connected_time: connected,
        remote_addr: remote.to_owned(),
        video: Some(VideoStat {
            width: 1280,
            height: 536,
            frame_rate: 24,
            bandwidth: 1_250_000,
            codec: "H264".to_owned(),
        }),
        audio: Some(AudioStat {
            bandwidth: 16_000,
            sample_rate: 44_100,
            codec: "ADPCM".to_owned(),
        }),
    }
}

pub fn snapshot() -> LiveChannelSnapshot {
    LiveChannelSnapshot {
        role_name: "role_for_snapshot".to_owned(),
        dest_bucket: "snapshotdest".to_owned(),
        notify_topic: "snapshotnotify".to_owned(),
        interval: 1,
    }
}

/// The full custom configuration of spec §7.2, plus a Snapshot.
pub fn custom_config() -> LiveChannelConfiguration {
    LiveChannelConfiguration {
        description: "custom & <test> \"quoted\"".to_owned(),
        status: ChannelStatus::Disabled,
        target: LiveChannelTarget {
            frag_duration: 100,
            frag_count: 99,
            playlist_name: "myplay.m3u8".to_owned(),
        },
        snapshot: Some(snapshot()),
    }
}

/// GETs an object a channel wrote, with a V1-signed raw request (the client has no
/// GetObject).
pub fn get_object(emulator: &Emulator, bucket: &str, key: &str) -> (u16, String) {
    use osslive::signing::{RequestToSign, v1};
    use std::io::{Read, Write};
    let date = osslive::time::http_date(emulator.now());
    let headers = [("Date", date.as_str())];
    let req = RequestToSign {
        method: "GET",
        bucket,
        key: Some(key),
        query: &[],
        headers: &headers,
    };
    let authorization = v1::authorization(AK, SK, &req);
    let path = format!("/{bucket}/{}", osslive::encoding::percent_encode(key, true));
    let wire = format!(
        "GET {path} HTTP/1.1\r\nHost: {}\r\nDate: {date}\r\nAuthorization: {authorization}\r\nConnection: close\r\n\r\n",
        emulator.addr()
    );
    let mut stream = std::net::TcpStream::connect(emulator.addr()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(wire.as_bytes()).unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").expect("an HTTP answer");
    (head[9..12].parse().unwrap(), body.to_owned())
}

/// The `.ts` lines of an m3u8, in order.
pub fn segments(m3u8: &str) -> Vec<&str> {
    m3u8.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .collect()
}

/// The authority an RTMP ingest of the emulator checks push URLs against.
pub fn authority(secret: &str) -> Authority {
    Authority {
        access_keys: vec![AccessKey {
            id: AK.to_owned(),
            secret: secret.to_owned(),
        }],
        security_tokens: vec![TOKEN.to_owned()],
        region: "cn-hangzhou".to_owned(),
    }
}

/// Creates `a-000`..`a-149` and `b-000`..`b-099` (250 channels), returns them sorted.
pub fn create_250(bucket: &Bucket) -> Vec<String> {
    let names: Vec<String> = (0..150)
        .map(|i| format!("a-{i:03}"))
        .chain((0..100).map(|i| format!("b-{i:03}")))
        .collect();
    for name in &names {
        bucket
            .create_live_channel(name, &LiveChannelConfiguration::default())
            .unwrap();
    }
    names
}

pub fn page_names(page: &osslive::ListLiveChannelResult) -> Vec<String> {
    page.channels.iter().map(|c| c.name.clone()).collect()
}
