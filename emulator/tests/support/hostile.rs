//! For the hostile-input tests (issue 14): the emulator binary as a child process whose
//! peak memory can be read, checks that it still answers, and a raw RTMP client that
//! writes exactly the bytes a probe needs.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use osslive_emulator::dates::http_date;
use rml_rtmp::handshake::{Handshake, HandshakeProcessResult, PeerType};
use rml_rtmp::rml_amf0::{self, Amf0Value};

use super::{AK, CONFIG_XML, SK, v1_authorization};

pub const BUCKET: &str = "examplebucket";
/// The Host of virtual-hosted requests to [`BUCKET`].
pub const HOST: &str = "examplebucket.oss-cn-hangzhou.aliyuncs.com";

/// How soon after a probe the emulator must answer.
pub const ANSWER_WITHIN: Duration = Duration::from_secs(1);
/// How long a probe's own requests may take (a debug build adding 100,000 fragments).
const PROBE_LIMIT: Duration = Duration::from_secs(20);

/// Raises this process's soft limit of open files to the hard one: some probes hold more
/// than a thousand sockets.
pub fn raise_open_file_limit() {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit only read or write the rlimit passed to them.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 {
            limit.rlim_cur = limit.rlim_max.min(1 << 20);
            libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
        }
    }
}

/// The `osslive-emulator` binary, running on a loopback port; killed when dropped.
pub struct Spawned {
    child: Child,
    pub addr: SocketAddr,
    log: Arc<Mutex<String>>,
}

impl Spawned {
    /// Starts the binary with `args` besides the listen address and keys.
    pub fn start(args: &[&str]) -> Spawned {
        let mut child = Command::new(env!("CARGO_BIN_EXE_osslive-emulator"))
            .args([
                "--listen",
                "127.0.0.1:0",
                "--access-key-id",
                AK,
                "--access-key-secret",
                SK,
            ])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the emulator binary starts");
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let addr = line
            .trim()
            .strip_prefix("osslive-emulator listening on http://")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .parse()
            .unwrap();
        let log = Arc::new(Mutex::new(String::new()));
        let mut stderr = child.stderr.take().unwrap();
        let sink = Arc::clone(&log);
        thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n @ 1..) = stderr.read(&mut buf) {
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        Spawned { child, addr, log }
    }

    /// What the emulator logged so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    fn status_kib(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix(field))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or_else(|| panic!("no {field} in /proc/PID/status"))
    }

    /// The emulator's peak resident memory so far (VmHWM), in MiB.
    pub fn peak_rss_mib(&self) -> u64 {
        self.status_kib("VmHWM:") / 1024
    }

    /// Its resident memory now (VmRSS), in MiB.
    pub fn rss_mib(&self) -> u64 {
        self.status_kib("VmRSS:") / 1024
    }

    /// Asserts the peak resident memory stayed under `bound_mib`.
    pub fn assert_peak_rss_under(&self, bound_mib: u64) {
        let peak = self.peak_rss_mib();
        eprintln!("peak RSS of the emulator: {peak} MiB (bound {bound_mib} MiB)");
        assert!(
            peak < bound_mib,
            "peak RSS {peak} MiB, bound {bound_mib} MiB"
        );
    }

    /// One request on a fresh connection: (status, body).
    pub fn request(
        &self,
        method: &str,
        target: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> (u16, String) {
        self.exchange(PROBE_LIMIT, method, target, headers, body)
    }

    /// One request on a fresh connection, answered within `limit`: (status, body).
    fn exchange(
        &self,
        limit: Duration,
        method: &str,
        target: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> (u16, String) {
        let started = Instant::now();
        let mut wire = format!("{method} {target} HTTP/1.1\r\n");
        for (name, value) in headers {
            wire.push_str(&format!("{name}: {value}\r\n"));
        }
        wire.push_str(&format!(
            "Content-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        ));
        let mut stream = TcpStream::connect_timeout(&self.addr, limit).unwrap();
        stream.set_read_timeout(Some(limit)).unwrap();
        stream.write_all(wire.as_bytes()).unwrap();
        stream.write_all(body.as_bytes()).unwrap();
        let mut raw = Vec::new();
        stream
            .read_to_end(&mut raw)
            .unwrap_or_else(|e| panic!("{method} {target}: no answer within {limit:?}: {e}"));
        let raw = String::from_utf8_lossy(&raw).into_owned();
        let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
        let status = head.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
        assert!(
            started.elapsed() <= limit,
            "{method} {target} took {:?}",
            started.elapsed()
        );
        (status, body.to_owned())
    }

    /// A V1-signed request to [`BUCKET`] (virtual-hosted), dated now; `resource` is the
    /// canonicalized resource after the bucket.
    pub fn signed(
        &self,
        method: &str,
        path_and_query: &str,
        resource: &str,
        body: &str,
    ) -> (u16, String) {
        self.signed_within(PROBE_LIMIT, method, path_and_query, resource, body)
    }

    fn signed_within(
        &self,
        limit: Duration,
        method: &str,
        path_and_query: &str,
        resource: &str,
        body: &str,
    ) -> (u16, String) {
        let date = http_date(SystemTime::now());
        let sts = format!("{method}\n\n\n{date}\n/{BUCKET}{resource}");
        let auth = v1_authorization(&sts);
        self.exchange(
            limit,
            method,
            path_and_query,
            &[("Host", HOST), ("Date", &date), ("Authorization", &auth)],
            body,
        )
    }

    /// Creates `channel` (a plain name) with a signed PutLiveChannel.
    pub fn create_channel(&self, channel: &str) {
        let (status, body) = self.signed(
            "PUT",
            &format!("/{channel}?live"),
            &format!("/{channel}?live"),
            CONFIG_XML,
        );
        assert_eq!(status, 200, "{body}");
    }

    /// The live status of `channel` from GetLiveChannelStat.
    pub fn live_status(&self, channel: &str) -> String {
        let (status, body) = self.signed(
            "GET",
            &format!("/{channel}?live&comp=stat"),
            &format!("/{channel}?comp=stat&live"),
            "",
        );
        assert_eq!(status, 200, "{body}");
        element(&body, "Status").unwrap_or_default()
    }

    /// The number of records of GetLiveChannelHistory.
    pub fn history_len(&self, channel: &str) -> usize {
        let (status, body) = self.signed(
            "GET",
            &format!("/{channel}?live&comp=history"),
            &format!("/{channel}?comp=history&live"),
            "",
        );
        assert_eq!(status, 200, "{body}");
        body.matches("<LiveRecord>").count()
    }

    /// What "Done when" of issue 14 asks after every probe: `/_emulator/health` and a
    /// signed request answered within a second.
    pub fn assert_answers(&self) {
        let (status, body) = self.exchange(
            ANSWER_WITHIN,
            "GET",
            "/_emulator/health",
            &[("Host", "127.0.0.1")],
            "",
        );
        assert_eq!((status, body.as_str()), (200, "ok\n"));
        let (status, body) = self.signed_within(ANSWER_WITHIN, "GET", "/?live", "/?live", "");
        assert_eq!(status, 200, "{body}");
        assert!(roxmltree::Document::parse(&body).is_ok(), "{body}");
    }

    /// Waits at most `limit` for `channel` to be `status`.
    pub fn wait_for_status(&self, channel: &str, status: &str, limit: Duration) {
        let started = Instant::now();
        loop {
            let now = self.live_status(channel);
            if now == status {
                return;
            }
            assert!(
                started.elapsed() < limit,
                "{channel} is {now}, not {status}, after {limit:?}"
            );
            thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Spawned {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The text of the first element `name` of `xml`.
pub fn element(xml: &str, name: &str) -> Option<String> {
    let open = format!("<{name}>");
    let start = xml.find(&open)? + open.len();
    let end = xml[start..].find(&format!("</{name}>"))?;
    Some(xml[start..start + end].to_owned())
}

/// Seconds since 1970 now.
pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// An RTMP client that writes raw chunks (chunk size 128, as at the start of every
/// connection) and reads whatever comes back.
pub struct RtmpClient {
    pub stream: TcpStream,
    /// Everything the server sent after the handshake.
    pub received: Vec<u8>,
}

impl RtmpClient {
    /// Connects and completes the handshake.
    pub fn handshake(addr: SocketAddr) -> RtmpClient {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let mut handshake = Handshake::new(PeerType::Client);
        stream
            .write_all(&handshake.generate_outbound_p0_and_p1().unwrap())
            .unwrap();
        let mut buf = [0u8; 4096];
        loop {
            let n = stream.read(&mut buf).unwrap();
            assert!(n > 0, "the server closed during the handshake");
            match handshake.process_bytes(&buf[..n]).unwrap() {
                HandshakeProcessResult::InProgress { response_bytes } => {
                    stream.write_all(&response_bytes).unwrap();
                }
                HandshakeProcessResult::Completed {
                    response_bytes,
                    remaining_bytes,
                } => {
                    stream.write_all(&response_bytes).unwrap();
                    return RtmpClient {
                        stream,
                        received: remaining_bytes,
                    };
                }
            }
        }
    }

    /// Handshake, `connect`, `createStream` and `publish` with a signed stream key for
    /// `channel`, path-style; panics unless the publish is accepted.
    pub fn publish(addr: SocketAddr, channel: &str) -> RtmpClient {
        let mut client = RtmpClient::handshake(addr);
        let app = format!("{BUCKET}/live");
        client.command(
            "connect",
            1.0,
            Amf0Value::Object(
                [
                    ("app".to_owned(), Amf0Value::Utf8String(app.clone())),
                    (
                        "tcUrl".to_owned(),
                        Amf0Value::Utf8String(format!("rtmp://{addr}/{app}")),
                    ),
                ]
                .into_iter()
                .collect(),
            ),
            &[],
            0,
        );
        client.command("createStream", 2.0, Amf0Value::Null, &[], 0);
        let key = signed_stream_key(channel);
        client.command(
            "publish",
            3.0,
            Amf0Value::Null,
            &[
                Amf0Value::Utf8String(key),
                Amf0Value::Utf8String("live".into()),
            ],
            1,
        );
        client.wait_for(b"NetStream.Publish.Start");
        client
    }

    /// Sends one AMF0 command on message stream `stream_id`.
    pub fn command(
        &mut self,
        name: &str,
        transaction: f64,
        object: Amf0Value,
        args: &[Amf0Value],
        stream_id: u32,
    ) {
        let mut values = vec![
            Amf0Value::Utf8String(name.to_owned()),
            Amf0Value::Number(transaction),
            object,
        ];
        values.extend_from_slice(args);
        let payload = rml_amf0::serialize(&values).unwrap();
        self.send(&chunked(3, 0, 20, stream_id, &payload));
    }

    pub fn send(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).unwrap();
    }

    /// Reads until `needle` has come or the connection ends (panics then).
    pub fn wait_for(&mut self, needle: &[u8]) {
        let mut buf = [0u8; 4096];
        while !self.received.windows(needle.len()).any(|w| w == needle) {
            match self.stream.read(&mut buf) {
                Ok(n @ 1..) => self.received.extend_from_slice(&buf[..n]),
                other => panic!(
                    "no {:?} from the server ({other:?}); got {:?}",
                    String::from_utf8_lossy(needle),
                    String::from_utf8_lossy(&self.received)
                ),
            }
        }
    }

    /// Asserts that the server closes the connection within `limit` (whatever it still
    /// sends before).
    pub fn assert_closed_within(&mut self, limit: Duration) {
        let started = Instant::now();
        self.stream
            .set_read_timeout(Some(limit + Duration::from_millis(500)))
            .unwrap();
        let mut buf = [0u8; 4096];
        loop {
            match self.stream.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
            assert!(started.elapsed() < limit, "still open after {limit:?}");
        }
        assert!(
            started.elapsed() < limit,
            "closed only after {:?}",
            started.elapsed()
        );
        let _ = self.stream.shutdown(Shutdown::Both);
    }
}

/// A signed path-style stream key (`channel?Expires=…&OSSAccessKeyId=…&Signature=…`),
/// valid for an hour, signed as the wire notes say (independent of the client's signer).
pub fn signed_stream_key(channel: &str) -> String {
    let expires = unix_now() + 3600;
    let signature = super::hmac_sha1_base64(SK, &format!("{expires}\n/{BUCKET}/{channel}"));
    let encode = |s: &str| -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    format!(
        "{channel}?Expires={expires}&OSSAccessKeyId={AK}&Signature={}",
        encode(&signature)
    )
}

/// The chunks of one message: a type 0 header on `csid`, then type 3 headers every 128
/// bytes.
pub fn chunked(csid: u8, timestamp: u32, type_id: u8, stream_id: u32, payload: &[u8]) -> Vec<u8> {
    let mut out = vec![csid];
    out.extend_from_slice(&timestamp.to_be_bytes()[1..]);
    out.extend_from_slice(&(payload.len() as u32).to_be_bytes()[1..]);
    out.push(type_id);
    out.extend_from_slice(&stream_id.to_le_bytes());
    for (i, piece) in payload.chunks(128).enumerate() {
        if i > 0 {
            out.push(0xc0 | csid);
        }
        out.extend_from_slice(piece);
    }
    out
}
