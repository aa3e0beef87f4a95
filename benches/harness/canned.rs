//! The canned server: answers every request at once with prebuilt bytes, over keep-alive
//! connections, counting the connections it accepted and remembering the first request
//! it received (so the floor client can replay exactly what osslive sent).
//!
//! It reads a request by its head (up to `\r\n\r\n`) and its `Content-Length` body and
//! looks at nothing else, except in list mode, where it reads `marker` and `max-keys`
//! from the request line to generate the next page of a large bucket on the fly.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::thread::JoinHandle;
use std::time::Duration;

/// The request id every canned answer carries.
pub const REQUEST_ID: &str = "5C3D9178B4B1F4A8D3E2C1B0";

/// What the server answers.
pub enum Reply {
    /// The same bytes to every request.
    Fixed(Vec<u8>),
    /// ListLiveChannel pages over a bucket of `total` channels named `ch-000000`...,
    /// built from each request's `marker` and `max-keys`.
    ListPages { total: usize },
}

struct Shared {
    reply: Reply,
    accepted: AtomicUsize,
    requests: AtomicU64,
    first_request: OnceLock<Vec<u8>>,
    stop: AtomicBool,
}

/// A running canned server on 127.0.0.1; dropping it stops accepting.
pub struct Canned {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
}

impl Canned {
    pub fn start(reply: Reply) -> Canned {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().unwrap();
        let shared = Arc::new(Shared {
            reply,
            accepted: AtomicUsize::new(0),
            requests: AtomicU64::new(0),
            first_request: OnceLock::new(),
            stop: AtomicBool::new(false),
        });
        let for_accept = Arc::clone(&shared);
        let accept = std::thread::Builder::new()
            .name("canned-accept".into())
            .spawn(move || {
                for stream in listener.incoming() {
                    if for_accept.stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    for_accept.accepted.fetch_add(1, Ordering::SeqCst);
                    let shared = Arc::clone(&for_accept);
                    let _ = std::thread::Builder::new()
                        .name("canned-conn".into())
                        .spawn(move || {
                            let _ = serve(stream, &shared);
                        });
                }
            })
            .expect("spawn the accept thread");
        Canned {
            addr,
            shared,
            accept: Some(accept),
        }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Connections accepted so far.
    pub fn accepted(&self) -> usize {
        self.shared.accepted.load(Ordering::SeqCst)
    }

    /// Requests answered so far.
    pub fn requests(&self) -> u64 {
        self.shared.requests.load(Ordering::SeqCst)
    }

    /// The first complete request (head and body) this server received.
    pub fn first_request(&self) -> Option<Vec<u8>> {
        self.shared.first_request.get().cloned()
    }
}

impl Drop for Canned {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag. Open connections end when their
        // clients close them, or after the read timeout.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(handle) = self.accept.take() {
            let _ = handle.join();
        }
    }
}

pub fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The value of `Content-Length` in a request or response head; 0 when absent.
pub fn content_length(head: &[u8]) -> usize {
    for line in head.split(|&b| b == b'\n') {
        if line.len() > 15 && line[..15].eq_ignore_ascii_case(b"content-length:") {
            let text = std::str::from_utf8(&line[15..]).unwrap_or("").trim();
            return text.parse().unwrap_or(0);
        }
    }
    0
}

fn serve(mut stream: TcpStream, shared: &Shared) -> io::Result<()> {
    stream.set_nodelay(true)?;
    // Bounded: an abandoned connection ends its thread after this long.
    stream.set_read_timeout(Some(Duration::from_secs(120)))?;
    let mut buf: Vec<u8> = Vec::with_capacity(16 * 1024);
    let mut chunk = vec![0u8; 64 * 1024];
    let mut page = Vec::new();
    loop {
        let head_end = loop {
            if let Some(p) = find(&buf, b"\r\n\r\n") {
                break p + 4;
            }
            if buf.len() > (1 << 20) {
                return Ok(());
            }
            let n = stream.read(&mut chunk)?;
            if n == 0 {
                return Ok(());
            }
            buf.extend_from_slice(&chunk[..n]);
        };
        let total = head_end + content_length(&buf[..head_end]);
        while buf.len() < total {
            let n = stream.read(&mut chunk)?;
            if n == 0 {
                return Ok(());
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        if shared.first_request.get().is_none() {
            let _ = shared.first_request.set(buf[..total].to_vec());
        }
        // Counted before answering, so a client that has its answer sees it counted.
        shared.requests.fetch_add(1, Ordering::SeqCst);
        match &shared.reply {
            Reply::Fixed(bytes) => stream.write_all(bytes)?,
            Reply::ListPages { total: channels } => {
                list_response(&buf[..head_end], *channels, &mut page);
                stream.write_all(&page)?;
            }
        }
        buf.drain(..total);
    }
}

/// A 200 answer with an XML body, as OSS sends it.
pub fn ok_response(body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 200 OK\r\nServer: AliyunOSS\r\nDate: Mon, 01 Jan 2024 00:00:00 GMT\r\n\
         Content-Type: application/xml\r\nContent-Length: {}\r\nConnection: keep-alive\r\n\
         x-oss-request-id: {REQUEST_ID}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// A GetLiveChannelStat answer for a live push with video and audio (the C SDK's sample).
pub fn stat_body() -> String {
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<LiveChannelStat>\n  <Status>Live</Status>\n  \
     <ConnectedTime>2016-08-25T06:25:15.000Z</ConnectedTime>\n  <RemoteAddr>10.1.2.3:47745</RemoteAddr>\n  \
     <Video>\n    <Width>1280</Width>\n    <Height>536</Height>\n    <FrameRate>24</FrameRate>\n    \
     <Bandwidth>0</Bandwidth>\n    <Codec>H264</Codec>\n  </Video>\n  <Audio>\n    \
     <Bandwidth>0</Bandwidth>\n    <SampleRate>44100</SampleRate>\n    <Codec>ADPCM</Codec>\n  \
     </Audio>\n</LiveChannelStat>\n"
        .to_owned()
}

/// A PutLiveChannel answer for `bucket`/`channel`.
pub fn create_body(bucket: &str, channel: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CreateLiveChannelResult>\n  <PublishUrls>\n    \
         <Url>rtmp://{bucket}.oss-cn-hangzhou.aliyuncs.com/live/{channel}</Url>\n  </PublishUrls>\n  \
         <PlayUrls>\n    <Url>http://{bucket}.oss-cn-hangzhou.aliyuncs.com/{channel}/playlist.m3u8</Url>\n  \
         </PlayUrls>\n</CreateLiveChannelResult>\n"
    )
}

/// The channel name at `index` in the generated bucket.
pub fn channel_name(index: usize) -> String {
    format!("ch-{index:06}")
}

/// One ListLiveChannel page: channels `start..start+count` of `total`.
pub fn list_body(
    start: usize,
    count: usize,
    total: usize,
    marker: &str,
    max_keys: usize,
) -> String {
    use std::fmt::Write as _;
    let end = (start + count).min(total);
    let truncated = end < total;
    let mut body = String::with_capacity(64 + (end - start) * 400);
    let next = if truncated && end > start {
        channel_name(end - 1)
    } else {
        String::new()
    };
    let _ = write!(
        body,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListLiveChannelResult><Prefix></Prefix>\
         <Marker>{marker}</Marker><MaxKeys>{max_keys}</MaxKeys><IsTruncated>{truncated}</IsTruncated>\
         <NextMarker>{next}</NextMarker>"
    );
    for i in start..end {
        let name = channel_name(i);
        let _ = write!(
            body,
            "<LiveChannel><Name>{name}</Name><Description>channel number {i}</Description>\
             <Status>enabled</Status><LastModified>2016-08-25T06:25:15.000Z</LastModified>\
             <PublishUrls><Url>rtmp://bench-bucket.oss-cn-hangzhou.aliyuncs.com/live/{name}</Url></PublishUrls>\
             <PlayUrls><Url>http://bench-bucket.oss-cn-hangzhou.aliyuncs.com/{name}/playlist.m3u8</Url></PlayUrls>\
             </LiveChannel>"
        );
    }
    body.push_str("</ListLiveChannelResult>");
    body
}

/// The value of query parameter `name` in a request line, raw.
fn query_param<'a>(request_line: &'a str, name: &str) -> Option<&'a str> {
    let target = request_line.split(' ').nth(1)?;
    let query = target.split_once('?')?.1;
    query
        .split('&')
        .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
}

fn list_response(head: &[u8], total: usize, out: &mut Vec<u8>) {
    let head = String::from_utf8_lossy(head);
    let line = head.lines().next().unwrap_or("");
    let marker = query_param(line, "marker").unwrap_or("");
    let max_keys: usize = query_param(line, "max-keys")
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    // Names are ch-NNNNNN, so the page starts right after the marker's number.
    let start = marker
        .strip_prefix("ch-")
        .and_then(|n| n.parse::<usize>().ok())
        .map_or(0, |n| n + 1);
    let body = list_body(start, max_keys, total, marker, max_keys);
    out.clear();
    out.extend_from_slice(&ok_response(&body));
}
