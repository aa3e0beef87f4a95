//! Keep-alive connections a server closes: a call after the server closed the idle
//! connection succeeds without an error reaching the caller and without the request being
//! sent twice, for GET, PUT (with a body) and the POST that must never be repeated; and
//! each request reaches the server in one piece, head and body in one write.
//!
//! The server is this file's own, on 127.0.0.1: it answers every request with a fixed
//! OSS answer and closes a connection that stays idle for longer than its idle timeout, as
//! OSS and any HTTP server in front of it do.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use osslive::{Bucket, Client, Credentials, LiveChannelConfiguration};

const STAT: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<LiveChannelStat><Status>Idle</Status></LiveChannelStat>\n";
const CREATED: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CreateLiveChannelResult>\
    <PublishUrls><Url>rtmp://ka-bucket.127.0.0.1/live/ka</Url></PublishUrls>\
    <PlayUrls><Url>http://ka-bucket.127.0.0.1/ka/playlist.m3u8</Url></PlayUrls>\
    </CreateLiveChannelResult>\n";

/// What the server saw.
#[derive(Default)]
struct Seen {
    connections: AtomicUsize,
    requests: AtomicUsize,
    /// Connections it closed for being idle.
    closed_idle: AtomicUsize,
    /// Requests whose head and body did not all come in the first read.
    in_pieces: AtomicUsize,
    methods: Mutex<Vec<String>>,
}

/// Starts the server; it runs until the test process ends (threads blocked in accept or
/// read for at most the idle timeout).
fn server(idle_timeout: Duration) -> (SocketAddr, Arc<Seen>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Seen::default());
    let shared = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            shared.connections.fetch_add(1, Ordering::SeqCst);
            let seen = shared.clone();
            std::thread::spawn(move || serve(stream, idle_timeout, &seen));
        }
    });
    (addr, seen)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn content_length(head: &str) -> usize {
    head.lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or(0)
}

fn serve(mut stream: TcpStream, idle_timeout: Duration, seen: &Seen) {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        // Idle between requests: close the connection once the idle timeout passes.
        stream.set_read_timeout(Some(idle_timeout)).unwrap();
        let mut got = Vec::new();
        let n = match stream.read(&mut buf) {
            Ok(0) => return,
            Ok(n) => n,
            Err(_) => {
                seen.closed_idle.fetch_add(1, Ordering::SeqCst);
                return;
            }
        };
        got.extend_from_slice(&buf[..n]);
        // The rest of a request comes within a bounded time or not at all.
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let mut first_read_had_it_all = true;
        let total = loop {
            if let Some(end) = find(&got, b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&got[..end]);
                let total = end + 4 + content_length(&head);
                if got.len() >= total {
                    break total;
                }
            }
            first_read_had_it_all = false;
            match stream.read(&mut buf) {
                Ok(0) | Err(_) => return,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        };
        assert_eq!(got.len(), total, "one request at a time");
        if !first_read_had_it_all {
            seen.in_pieces.fetch_add(1, Ordering::SeqCst);
        }
        seen.requests.fetch_add(1, Ordering::SeqCst);
        let method = String::from_utf8_lossy(&got[..got.iter().position(|&b| b == b' ').unwrap()])
            .into_owned();
        let body = match method.as_str() {
            "PUT" => CREATED,
            "POST" => "",
            _ => STAT,
        };
        seen.methods.lock().unwrap().push(method);
        let answer = format!(
            "HTTP/1.1 200 OK\r\nServer: AliyunOSS\r\nContent-Type: application/xml\r\n\
             Content-Length: {}\r\nConnection: keep-alive\r\nx-oss-request-id: KA0001\r\n\r\n{body}",
            body.len()
        );
        if stream.write_all(answer.as_bytes()).is_err() {
            return;
        }
    }
}

/// A bucket on the server, and every line its client logged.
fn bucket(addr: SocketAddr) -> (Bucket, Arc<Mutex<Vec<String>>>) {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let sink = lines.clone();
    let client = Client::builder()
        .endpoint(format!("http://{addr}"))
        .region("cn-hangzhou")
        .credentials(Credentials::new(
            "LTAI5tKeepAliveTestKey",
            "KeepAliveTestSecret0123456789abc",
        ))
        .request_timeout(Duration::from_secs(5))
        .log_hook(move |level, line| sink.lock().unwrap().push(format!("{level} {line}")))
        .build()
        .unwrap();
    (client.bucket("ka-bucket").unwrap(), lines)
}

/// Waits (boundedly) until the server has closed `n` idle connections, then a little
/// longer, for its FIN to reach the client's socket.
fn wait_for_idle_closes(seen: &Seen, n: usize) {
    let until = Instant::now() + Duration::from_secs(10);
    while seen.closed_idle.load(Ordering::SeqCst) < n {
        assert!(
            Instant::now() < until,
            "the server did not close the idle connection"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    std::thread::sleep(Duration::from_millis(20));
}

/// One call under test, by its HTTP method.
type Call = &'static dyn Fn(&Bucket);

fn no_retry_logged(lines: &Mutex<Vec<String>>) {
    let lines = lines.lock().unwrap();
    assert!(
        !lines
            .iter()
            .any(|l| l.contains("failed") || l.contains("retrying")),
        "a call was retried: {lines:?}"
    );
}

#[test]
fn a_call_after_the_server_closed_the_idle_connection_succeeds_sent_once() {
    let (addr, seen) = server(Duration::from_millis(100));
    let (bucket, lines) = bucket(addr);
    let calls: [(&str, Call); 3] = [
        ("GET", &|b| {
            b.get_live_channel_stat("ka").unwrap();
        }),
        ("PUT", &|b| {
            b.create_live_channel("ka", &LiveChannelConfiguration::default())
                .unwrap();
        }),
        ("POST", &|b| {
            let end = SystemTime::now();
            b.post_vod_playlist("ka", "vod.m3u8", end - Duration::from_secs(60), end)
                .unwrap();
        }),
    ];
    let mut expected = Vec::new();
    for (i, (method, call)) in calls.iter().enumerate() {
        // The round's first call opens a connection (after finding the last round's
        // closed); the server closes it once idle, and the call under test follows.
        bucket.get_live_channel_stat("ka").unwrap();
        expected.push("GET".to_owned());
        wait_for_idle_closes(&seen, 2 * i + 1);
        call(&bucket);
        expected.push((*method).to_owned());
        assert_eq!(
            seen.requests.load(Ordering::SeqCst),
            expected.len(),
            "{method}: sent exactly once, on a new connection"
        );
        assert_eq!(
            seen.connections.load(Ordering::SeqCst),
            2 * i + 2,
            "{method}"
        );
        wait_for_idle_closes(&seen, 2 * i + 2);
    }
    assert_eq!(*seen.methods.lock().unwrap(), expected);
    no_retry_logged(&lines);
}

#[test]
fn calls_faster_than_the_idle_timeout_share_one_connection() {
    let (addr, seen) = server(Duration::from_secs(2));
    let (bucket, lines) = bucket(addr);
    for _ in 0..20 {
        bucket.get_live_channel_stat("ka").unwrap();
        bucket
            .create_live_channel("ka", &LiveChannelConfiguration::default())
            .unwrap();
    }
    assert_eq!(seen.requests.load(Ordering::SeqCst), 40);
    assert_eq!(seen.connections.load(Ordering::SeqCst), 1);
    no_retry_logged(&lines);
}

#[test]
fn every_request_arrives_in_one_piece() {
    let (addr, seen) = server(Duration::from_secs(2));
    let (bucket, _) = bucket(addr);
    let end = SystemTime::now();
    for _ in 0..10 {
        bucket.get_live_channel_stat("ka").unwrap();
        // The PUT has a body: head and body must not come as two writes.
        bucket
            .create_live_channel("ka", &LiveChannelConfiguration::default())
            .unwrap();
        bucket
            .post_vod_playlist("ka", "vod.m3u8", end - Duration::from_secs(60), end)
            .unwrap();
    }
    assert_eq!(seen.requests.load(Ordering::SeqCst), 30);
    assert_eq!(seen.in_pieces.load(Ordering::SeqCst), 0);
}
