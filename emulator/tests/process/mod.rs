//! What the tests that run the emulator *binary* share: starting and killing it, small
//! ffmpeg pushes, anonymous object reads, and its memory use from `/proc`. Every child
//! process is killed on timeout and on drop; everything talks to 127.0.0.1 only.

// Each test file uses its own part of this module.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use osslive::{Bucket, Client, Credentials, LiveChannelConfiguration, LiveChannelTarget};

pub const AK: &str = "LTAI5tTestAccessKeyId";
pub const SK: &str = "TestAccessKeySecret0123456789abc";
pub const BUCKET: &str = "examplebucket";
/// `--bucket-acl` for tests that read objects as a player would without signing: these
/// tests are about storage, not access (private buckets have tests of their own).
pub const PUBLIC_READ: [&str; 2] = ["--bucket-acl", "examplebucket=public-read"];

/// The emulator binary running as a child process.
pub struct EmulatorProcess {
    child: Child,
    /// `127.0.0.1:PORT`.
    pub addr: SocketAddr,
    /// What it wrote to stderr so far.
    pub stderr: Arc<Mutex<String>>,
}

impl EmulatorProcess {
    /// Starts `osslive-emulator --listen 127.0.0.1:0` with the test key and `args`, and
    /// waits (at most 15 s) for the line that gives its port.
    pub fn start(args: &[&str]) -> EmulatorProcess {
        let mut child = Command::new(env!("CARGO_BIN_EXE_osslive-emulator"))
            .args(["--listen", "127.0.0.1:0"])
            .args(["--access-key-id", AK, "--access-key-secret", SK])
            .args(args)
            .env_remove("OSS_ACCESS_KEY_ID")
            .env_remove("OSS_ACCESS_KEY_SECRET")
            .env_remove("OSS_SESSION_TOKEN")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the emulator binary runs");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            let first = lines.next().and_then(Result::ok);
            let _ = tx.send(first);
            // Keep draining so the emulator never blocks on a full pipe.
            for _ in lines {}
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let sink = Arc::clone(&stderr);
        let mut err = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        let first = rx.recv_timeout(Duration::from_secs(15)).ok().flatten();
        let Some(addr) = first
            .as_deref()
            .and_then(|l| l.strip_prefix("osslive-emulator listening on http://"))
            .and_then(|a| a.parse().ok())
        else {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "the emulator did not start: {first:?}\n{}",
                stderr.lock().unwrap()
            );
        };
        EmulatorProcess {
            child,
            addr,
            stderr,
        }
    }

    /// Its process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// `http://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// SIGKILL: no chance to flush, close or end anything.
    pub fn kill9(mut self) {
        // `Child::kill` sends SIGKILL on Unix.
        self.child.kill().unwrap();
        let status = self.child.wait().unwrap();
        assert!(!status.success());
    }

    /// A field of `/proc/PID/status` in kB, e.g. `VmRSS` or `VmHWM` (the peak RSS).
    pub fn memory_kb(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
            .and_then(|v| v.trim().strip_suffix("kB"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or_else(|| panic!("no {field} in /proc/{}/status", self.pid()))
    }
}

impl Drop for EmulatorProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A client of `endpoint` for [`BUCKET`].
pub fn bucket(endpoint: &str) -> Bucket {
    Client::builder()
        .endpoint(endpoint)
        .region("cn-hangzhou")
        .credentials(Credentials::new(AK, SK))
        .request_timeout(Duration::from_secs(20))
        .build()
        .unwrap()
        .bucket(BUCKET)
        .unwrap()
}

/// One-second segments, three in the live playlist.
pub fn short_segments() -> LiveChannelConfiguration {
    LiveChannelConfiguration {
        target: LiveChannelTarget {
            frag_duration: 1,
            frag_count: 3,
            playlist_name: "playlist.m3u8".to_owned(),
        },
        ..LiveChannelConfiguration::default()
    }
}

/// A signed push URL for `channel`, valid for ten minutes.
pub fn push_url(b: &Bucket, channel: &str) -> String {
    b.sign_rtmp_url_valid_for(channel, None, Duration::from_secs(600))
        .unwrap()
        .url
}

/// Starts ffmpeg pushing `secs` seconds of small test media (160x90 at 10 fps, a key
/// frame a second, AAC audio) to `url`, in real time.
pub fn small_push(url: &str, secs: u32) -> Child {
    let secs = secs.to_string();
    Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-re"])
        .args(["-f", "lavfi", "-i", "testsrc=size=160x90:rate=10"])
        .args(["-f", "lavfi", "-i", "sine=sample_rate=22050"])
        .args(["-t", &secs])
        .args(["-c:v", "libx264", "-preset", "ultrafast", "-g", "10"])
        .args(["-c:a", "aac", "-b:a", "32k", "-threads", "1"])
        .args(["-f", "flv", url])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("ffmpeg is needed for these tests: apt-get install ffmpeg")
}

/// Waits at most `limit` for a child; returns (success, stderr). Kills it and panics on
/// timeout.
pub fn finish(mut child: Child, limit: Duration) -> (bool, String) {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            if let Some(mut pipe) = child.stderr.take() {
                let _ = pipe.read_to_string(&mut err);
            }
            return (status.success(), err);
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("child still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Runs `program args`, killing it after `limit`; returns (success, stdout, stderr).
pub fn run_bounded(program: &str, args: &[&str], limit: Duration) -> (bool, String, String) {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{program} is needed for these tests ({e})"));
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{program} {args:?} still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    (
        status.success(),
        out_reader.join().unwrap(),
        err_reader.join().unwrap(),
    )
}

/// Polls `check` every 100 ms; panics after `limit`.
pub fn wait_for(what: &str, limit: Duration, mut check: impl FnMut() -> bool) {
    let start = Instant::now();
    while !check() {
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// An unsigned `method path` over HTTP/1.1: (status, body).
pub fn anonymous(addr: SocketAddr, method: &str, path: &str) -> (u16, Vec<u8>) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a response head");
    let head = String::from_utf8_lossy(&raw[..split]);
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status code");
    (status, raw[split + 4..].to_vec())
}

/// `(name, seconds)` of each segment an m3u8 lists.
pub fn segments(m3u8: &str) -> Vec<(String, f64)> {
    let mut out = Vec::new();
    let mut duration = None;
    for line in m3u8.lines() {
        if let Some(rest) = line.strip_prefix("#EXTINF:") {
            duration = rest.trim_end_matches(',').parse().ok();
        } else if !line.starts_with('#') && !line.is_empty() {
            out.push((line.to_owned(), duration.take().unwrap_or(0.0)));
        }
    }
    out
}

/// Unix milliseconds of a segment named `{unix_ms}.ts`, as the ingest names them.
pub fn segment_ms(name: &str) -> u64 {
    name.strip_suffix(".ts").unwrap().parse().unwrap()
}

/// `SystemTime` of Unix milliseconds.
pub fn from_ms(ms: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(ms)
}

/// A scratch directory, removed with its content on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static N: AtomicU64 = AtomicU64::new(0);
        let dir = std::env::temp_dir().join(format!(
            "osslive-emulator-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
