//! The ureq agent of a client: its connection pool, timeouts, trust roots, a resolver
//! that honours `ClientBuilder::resolve` and caches name lookups, and a connector chain
//! whose TCP connections are osslive's own ([`TcpConnector`]).

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ureq::tls::{Certificate, RootCerts, TlsConfig};
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{
    ConnectProxyConnector, Connector, NextTimeout, RustlsConnector,
};

use super::cancel::Cancellation;
use super::connect::TcpConnector;

/// Idle keep-alive connections a client keeps (all to its one endpoint).
const MAX_IDLE_CONNECTIONS: usize = 32;

/// How long a name lookup is reused: short enough to follow DNS changes, long enough
/// that a busy client does not look the endpoint up on every request.
const NAME_CACHE_TTL: Duration = Duration::from_secs(30);

/// Resolves names listed with `ClientBuilder::resolve` to their fixed address, IP
/// literals to themselves, and other names through the system resolver, keeping each
/// answer for [`NAME_CACHE_TTL`].
///
/// ureq asks the resolver before every request, even one that reuses a pooled
/// connection, and its system resolver starts a thread per lookup when timeouts are set:
/// measured at 45 % of a loopback call (BENCHMARKS.md) before these shortcuts.
#[derive(Debug)]
struct OverrideResolver {
    table: Vec<(String, SocketAddr)>,
    system: DefaultResolver,
    cache: Mutex<HashMap<(String, u16), (Instant, ResolvedSocketAddrs)>>,
}

impl OverrideResolver {
    fn new(table: Vec<(String, SocketAddr)>) -> Self {
        OverrideResolver {
            table,
            system: DefaultResolver::default(),
            cache: Mutex::default(),
        }
    }
}

impl Resolver for OverrideResolver {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let Some(host) = uri.host().map(str::to_ascii_lowercase) else {
            return self.system.resolve(uri, config, timeout);
        };
        let fixed = self.table.iter().find(|(name, _)| {
            host == *name
                || host
                    .strip_suffix(name.as_str())
                    .is_some_and(|sub| sub.ends_with('.'))
        });
        if let Some((_, addr)) = fixed {
            let mut addrs = self.empty();
            addrs.push(*addr);
            return Ok(addrs);
        }
        let https = uri.scheme_str() == Some("https");
        let port = uri.port_u16().unwrap_or(if https { 443 } else { 80 });
        if let Ok(ip) = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
        {
            let mut addrs = self.empty();
            addrs.push(SocketAddr::new(ip, port));
            return Ok(addrs);
        }
        let key = (host, port);
        let now = Instant::now();
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((at, addrs)) = cache.get(&key) {
            if now.duration_since(*at) < NAME_CACHE_TTL {
                return Ok(addrs.clone());
            }
        }
        // Not holding the lock during the lookup: one slow name must not stall others.
        drop(cache);
        let addrs = self.system.resolve(uri, config, timeout)?;
        cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        cache.insert(key, (now, addrs.clone()));
        Ok(addrs)
    }
}

/// The agent of one client: its pool, timeouts, resolver and trust roots. HTTPS
/// certificates are always verified: against `trust_roots` when given (and then only
/// them), otherwise against the bundled Mozilla roots (webpki-roots).
pub(crate) fn agent(
    connect_timeout: Duration,
    request_timeout: Duration,
    user_agent: &str,
    resolve: Vec<(String, SocketAddr)>,
    trust_roots: Option<Vec<Certificate<'static>>>,
    cancellation: Arc<Cancellation>,
) -> ureq::Agent {
    let root_certs = match trust_roots {
        Some(certificates) => RootCerts::Specific(Arc::new(certificates)),
        None => RootCerts::WebPki,
    };
    let tls = TlsConfig::builder()
        .root_certs(root_certs)
        .disable_verification(false)
        .build();
    let config = ureq::Agent::config_builder()
        .tls_config(tls)
        // Error statuses carry OSS error documents; read them instead of losing them.
        .http_status_as_error(false)
        .timeout_connect(Some(connect_timeout))
        .timeout_global(Some(request_timeout))
        .user_agent(user_agent)
        // OSS answers LiveChannel calls directly; a redirect would mean a wrong endpoint.
        .max_redirects(0)
        // One client is shared by an encoder's threads: keep a connection per thread
        // rather than ureq's default of 3 per host, which made 8 threads open a new
        // connection for one call in eight (BENCHMARKS.md).
        .max_idle_connections(MAX_IDLE_CONNECTIONS)
        .max_idle_connections_per_host(MAX_IDLE_CONNECTIONS)
        .build();
    // ureq's default chain with osslive's TCP connections in place of ureq's (which cost
    // 10 to 12 system calls per request, BENCHMARKS.md): a CONNECT proxy from the
    // environment first, then TCP, then TLS for https. Without ureq's socks-proxy feature
    // its default chain has nothing more than a warning about a SOCKS proxy it ignores.
    let connector =
        ().chain(ConnectProxyConnector::default())
            .chain(TcpConnector { cancellation })
            .chain(RustlsConnector::default());
    ureq::Agent::with_parts(config, connector, OverrideResolver::new(resolve))
}
