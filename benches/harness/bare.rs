//! ureq alone: the HTTP client osslive ran every request through before issue 19 (it now
//! only opens connections with ureq's connectors), driven with the headers osslive signed
//! and read to the end, without signing or parsing. The anatomy, threads and unpinned
//! sections compare osslive with it.

use std::hint::black_box;
use std::time::Instant;

use crate::canned;
use crate::report::Series;
use crate::settings::WARMUP;

/// A resolver that answers one fixed address without a lookup or a thread: what the
/// transport could do for an IP endpoint or a cached name.
#[derive(Debug)]
pub struct FixedResolver(pub std::net::SocketAddr);

impl ureq::unversioned::resolver::Resolver for FixedResolver {
    fn resolve(
        &self,
        _uri: &ureq::http::Uri,
        _config: &ureq::config::Config,
        _timeout: ureq::unversioned::transport::NextTimeout,
    ) -> Result<ureq::unversioned::resolver::ResolvedSocketAddrs, ureq::Error> {
        let mut addrs = self.empty();
        addrs.push(self.0);
        Ok(addrs)
    }
}

/// How a bare ureq agent is set up for the anatomy runs.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub enum Bare {
    /// No timeouts at all: ureq resolves synchronously, no thread.
    NoTimeouts,
    /// Timeouts and settings as osslive's transport set them on its ureq agent (connect
    /// 10 s, global 30 s), with ureq's default resolver: a resolver thread per call.
    LikeOsslive,
    /// As `LikeOsslive`, with a resolver that answers the fixed address.
    LikeOsslivePinned,
}

impl Bare {
    pub fn name(self) -> &'static str {
        match self {
            Bare::NoTimeouts => "ureq alone, no timeouts (synchronous resolve)",
            Bare::LikeOsslive => "ureq alone, osslive's settings (resolver thread per call)",
            Bare::LikeOsslivePinned => "ureq alone, osslive's settings + fixed-address resolver",
        }
    }

    pub fn agent(self, addr: std::net::SocketAddr) -> ureq::Agent {
        let builder = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .user_agent("osslive/0.1.0 (rust)");
        let builder = if self == Bare::NoTimeouts {
            builder
        } else {
            builder
                .timeout_connect(Some(osslive::DEFAULT_CONNECT_TIMEOUT))
                .timeout_global(Some(osslive::DEFAULT_REQUEST_TIMEOUT))
        };
        let config = builder.build();
        match self {
            Bare::LikeOsslivePinned => ureq::Agent::with_parts(
                config,
                ureq::unversioned::transport::DefaultConnector::default(),
                FixedResolver(addr),
            ),
            _ => ureq::Agent::new_with_config(config),
        }
    }
}

/// The signed headers of a captured request (everything but what ureq sets itself).
pub fn signed_headers(request: &[u8]) -> Vec<(String, String)> {
    let head_end = canned::find(request, b"\r\n\r\n").unwrap();
    String::from_utf8_lossy(&request[..head_end])
        .split("\r\n")
        .skip(1)
        .filter_map(|line| line.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .filter(|(k, _)| {
            !matches!(
                k.as_str(),
                "host" | "user-agent" | "accept" | "content-length"
            )
        })
        .collect()
}

/// One GET through a bare ureq agent, read as osslive's transport reads it (status,
/// request id, body to a vector under the size limit), without signing or parsing.
pub fn bare_call(agent: &ureq::Agent, url: &str, headers: &[(String, String)]) {
    let mut builder = ureq::http::Request::builder().method("GET").uri(url);
    for (k, v) in headers {
        builder = builder.header(k.as_str(), v.as_str());
    }
    let request = builder.body(&[][..]).unwrap();
    let mut response = agent.run(request).expect("ureq call");
    assert_eq!(response.status().as_u16(), 200);
    let id = response
        .headers()
        .get("x-oss-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = response
        .body_mut()
        .with_config()
        .limit(osslive::DEFAULT_MAX_RESPONSE_BYTES)
        .read_to_vec()
        .expect("body");
    black_box((id, body));
}

pub fn run_bare(
    agent: &ureq::Agent,
    url: &str,
    headers: &[(String, String)],
    n: usize,
    lat: &mut Vec<u64>,
) -> Series {
    let one = || bare_call(agent, url, headers);
    for _ in 0..WARMUP {
        one();
    }
    lat.clear();
    let start = Instant::now();
    for _ in 0..n {
        let t = Instant::now();
        one();
        lat.push(t.elapsed().as_nanos() as u64);
    }
    let elapsed = start.elapsed();
    Series::from_latencies(lat, elapsed)
}
