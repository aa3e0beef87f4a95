//! Raw HTTP to an in-process emulator, and OSS signatures computed in a few lines straight
//! from the wire notes (§3 V1, §5 V4), independent of both the osslive client's signer and
//! the emulator's verifier: the canonical requests and strings-to-sign are written out by
//! hand in each test, so nothing here canonicalizes anything.

#![allow(dead_code)] // each test file uses part of it

pub mod hostile;
pub mod presign;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use hmac::{Hmac, Mac};
use osslive_emulator::{Config, Emulator};
use sha2::Digest as _;

pub const AK: &str = "LTAI5tTestAccessKeyId";
pub const SK: &str = "TestAccessKeySecret0123456789abc";
pub const REGION: &str = "cn-hangzhou";
pub const HOST: &str = "examplebucket.oss-cn-hangzhou.aliyuncs.com";

/// 2026-12-07T04:35:00Z, the date of the Go SDK example in the wire notes, as the
/// emulator's clock: `Mon, 07 Dec 2026 04:35:00 GMT`, `20261207T043500Z`.
pub const NOW_UNIX: u64 = 1_796_618_100;
pub const NOW_HTTP: &str = "Mon, 07 Dec 2026 04:35:00 GMT";
pub const NOW_V4: &str = "20261207T043500Z";
pub const NOW_DAY: &str = "20261207";

/// A PutLiveChannel body in oss2's style (no declaration).
pub const CONFIG_XML: &str = "<LiveChannelConfiguration><Description>d</Description><Status>enabled</Status><Target><Type>HLS</Type><FragDuration>5</FragDuration><FragCount>3</FragCount><PlaylistName>test.m3u8</PlaylistName></Target></LiveChannelConfiguration>";

/// An emulator whose clock reads [`NOW_UNIX`] (to the second), so that requests can carry
/// the fixed dates above.
pub fn emulator() -> Emulator {
    emulator_with(Config::new(AK, SK))
}

pub fn emulator_with(config: Config) -> Emulator {
    let emulator = Emulator::start(config).unwrap();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    emulator.set_clock_offset(NOW_UNIX as i64 - now as i64);
    emulator
}

pub fn hmac_sha1_base64(key: &str, message: &str) -> String {
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(key.as_bytes()).unwrap();
    mac.update(message.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

fn hmac_sha256(key: &[u8], message: &str) -> Vec<u8> {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key).unwrap();
    mac.update(message.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// V1 (§3): base64 HMAC-SHA1 of the string-to-sign.
pub fn v1_authorization(string_to_sign: &str) -> String {
    format!("OSS {AK}:{}", hmac_sha1_base64(SK, string_to_sign))
}

/// V4 (§5): the string-to-sign of a canonical request signed on `day`, with `date_line`
/// as sent.
pub fn v4_string_to_sign_at(date_line: &str, day: &str, canonical_request: &str) -> String {
    let hash = hex(&sha2::Sha256::digest(canonical_request.as_bytes()));
    format!("OSS4-HMAC-SHA256\n{date_line}\n{day}/{REGION}/oss/aliyun_v4_request\n{hash}")
}

/// [`v4_string_to_sign_at`] on [`NOW_DAY`].
pub fn v4_string_to_sign(date_line: &str, canonical_request: &str) -> String {
    v4_string_to_sign_at(date_line, NOW_DAY, canonical_request)
}

/// V4 (§5): the hex signature, with the signing key chained from `"aliyun_v4" + secret`
/// over day, region, `oss` and `aliyun_v4_request`.
pub fn v4_signature_for(secret: &str, day: &str, region: &str, string_to_sign: &str) -> String {
    let mut key = hmac_sha256(format!("aliyun_v4{secret}").as_bytes(), day);
    for part in [region, "oss", "aliyun_v4_request"] {
        key = hmac_sha256(&key, part);
    }
    hex(&hmac_sha256(&key, string_to_sign))
}

pub fn v4_signature(string_to_sign: &str) -> String {
    v4_signature_for(SK, NOW_DAY, REGION, string_to_sign)
}

/// The credential of requests signed at [`NOW_DAY`].
pub fn v4_credential() -> String {
    format!("{AK}/{NOW_DAY}/{REGION}/oss/aliyun_v4_request")
}

/// One answer of the emulator.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub head: String,
    pub body: String,
}

impl Answer {
    /// The text of the first element `name` of the body.
    pub fn element(&self, name: &str) -> Option<String> {
        let open = format!("<{name}>");
        let start = self.body.find(&open)? + open.len();
        let end = self.body[start..].find(&format!("</{name}>"))?;
        Some(self.body[start..start + end].to_owned())
    }

    /// Status, `Code` and `EC` of an error answer; the `x-oss-ec` header must agree.
    pub fn error(&self) -> (u16, String, String) {
        let ec = self.element("EC").unwrap_or_default();
        assert!(
            self.head.contains(&format!("\r\nx-oss-ec: {ec}\r\n")),
            "x-oss-ec header: {}",
            self.head
        );
        (self.status, self.element("Code").unwrap_or_default(), ec)
    }
}

/// Sends `method target` with `headers` (as given: names in the given case, in that order)
/// and `body`, plus `Content-Length` and `Connection: close`, and reads the whole answer.
pub fn send(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Answer {
    let mut wire = format!("{method} {target} HTTP/1.1\r\n");
    for (name, value) in headers {
        wire.push_str(&format!("{name}: {value}\r\n"));
    }
    wire.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    ));
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(wire.as_bytes()).unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    Answer {
        status: head.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0),
        head: head.to_owned(),
        body: body.to_owned(),
    }
}

/// Creates `channel` in `examplebucket` with a V1 request.
pub fn create_channel(emulator: &Emulator, channel: &str) {
    let sts = format!("PUT\n\n\n{NOW_HTTP}\n/examplebucket/{channel}?live");
    let auth = v1_authorization(&sts);
    let answer = send(
        emulator.addr(),
        "PUT",
        &format!("/{channel}?live"),
        &[("Host", HOST), ("Date", NOW_HTTP), ("Authorization", &auth)],
        CONFIG_XML,
    );
    assert_eq!(answer.status, 200, "{answer:?}");
}
