//! Opening a client's connections with ureq's connectors: a CONNECT proxy from the
//! environment, then TCP (osslive's own [`TcpConnector`]), then TLS (rustls) for https,
//! to the addresses of a resolver that honours `ClientBuilder::resolve` and caches name
//! lookups. What goes over a connection is osslive's ([`http1`](super::http1)).

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ureq::ProxyProtocol;
use ureq::config::Config;
use ureq::http::Uri;
use ureq::tls::{Certificate, RootCerts, TlsConfig};
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{
    ConnectProxyConnector, ConnectionDetails, Connector as _, NextTimeout, RustlsConnector,
    ShutdownHandle, Transport,
};

use ureq::unversioned::transport::time::Instant as UreqInstant;

use super::cancel::Cancellation;
use super::connect::TcpConnector;
use super::http1::response::Budget;

/// How long a name lookup is reused: short enough to follow DNS changes, long enough
/// that a busy client does not look the endpoint up on every request.
const NAME_CACHE_TTL: Duration = Duration::from_secs(30);

/// Resolves names listed with `ClientBuilder::resolve` to their fixed address, IP
/// literals to themselves, and other names through the system resolver, keeping each
/// answer for [`NAME_CACHE_TTL`].
///
/// Asked for every new connection. (ureq asked it before every request, even one that
/// reused a pooled connection, and its system resolver starts a thread per lookup when
/// timeouts are set: measured at 45 % of a loopback call, BENCHMARKS.md.)
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

/// Runs the connector chain for one connection (ureq's `run_connector`, which a CONNECT
/// proxy's connector calls again to reach the proxy itself).
type RunChain = dyn Fn(&ConnectionDetails) -> Result<Box<dyn Transport>, ureq::Error> + Send + Sync;

/// How a client opens connections; see the module documentation.
pub(crate) struct Connector {
    /// What ureq's connectors read: TLS roots, the proxy, the user agent (for CONNECT),
    /// buffer sizes, `TCP_NODELAY`.
    config: Config,
    resolver: OverrideResolver,
    run: Arc<RunChain>,
    connect_timeout: Duration,
}

impl Connector {
    /// The connector of one client. HTTPS certificates are always verified: against
    /// `trust_roots` when given (and then only them), otherwise against the bundled Mozilla
    /// roots (webpki-roots).
    pub(crate) fn new(
        connect_timeout: Duration,
        user_agent: &str,
        resolve: Vec<(String, SocketAddr)>,
        trust_roots: Option<Vec<Certificate<'static>>>,
        cancellation: Arc<Cancellation>,
    ) -> Connector {
        let root_certs = match trust_roots {
            Some(certificates) => RootCerts::Specific(Arc::new(certificates)),
            None => RootCerts::WebPki,
        };
        let tls = TlsConfig::builder()
            .root_certs(root_certs)
            .disable_verification(false)
            .build();
        // The proxy comes from the environment (ALL_PROXY, HTTPS_PROXY, HTTP_PROXY,
        // NO_PROXY), ureq's default.
        let config = Config::builder()
            .tls_config(tls)
            .user_agent(user_agent)
            .build();
        // ureq's default chain with osslive's TCP connections in place of ureq's (which
        // cost 10 to 12 system calls per request, BENCHMARKS.md). Without ureq's
        // socks-proxy feature its default chain has nothing more than a warning about a
        // SOCKS proxy it ignores.
        let chain =
            ().chain(ConnectProxyConnector::default())
                .chain(TcpConnector { cancellation })
                .chain(RustlsConnector::default());
        let run: Arc<RunChain> = Arc::new(move |details: &ConnectionDetails| {
            chain
                .connect(details, None)?
                .map(|transport| Box::new(transport) as Box<dyn Transport>)
                .ok_or(ureq::Error::ConnectionFailed)
        });
        Connector {
            config,
            resolver: OverrideResolver::new(resolve),
            run,
            connect_timeout,
        }
    }

    /// A new connection to `scheme://authority`, within the connect timeout and `budget`
    /// (whichever ends first names the timeout).
    pub(crate) fn open(
        &self,
        scheme: &str,
        authority: &str,
        budget: Budget,
    ) -> Result<Box<dyn Transport>, ureq::Error> {
        let uri: Uri = format!("{scheme}://{authority}/")
            .parse()
            .map_err(|e: ureq::http::uri::InvalidUri| ureq::Error::BadUri(e.to_string()))?;
        let now = Instant::now();
        let connect_by = now + self.connect_timeout;
        let budget = if connect_by < budget.until {
            Budget {
                until: connect_by,
                reason: ureq::Timeout::Connect,
            }
        } else {
            budget
        };
        // Through a proxy, the proxy resolves the target's name, as in ureq.
        let proxy = self.config.proxy();
        let local_resolve = proxy.is_none_or(|p| p.is_no_proxy(&uri) || p.resolve_target());
        let addrs = if local_resolve {
            self.resolver.resolve(&uri, &self.config, budget.next())?
        } else {
            self.resolver.empty()
        };
        let details = ConnectionDetails {
            uri: &uri,
            addrs,
            config: &self.config,
            request_level: false,
            resolver: &self.resolver,
            now: UreqInstant::Exact(now),
            timeout: budget.next(),
            current_time: Arc::new(UreqInstant::now),
            run_connector: Arc::clone(&self.run),
            // Client::interrupt reaches sockets through the client's Cancellation.
            register_shutdown: Arc::new(|_: std::sync::Weak<dyn ShutdownHandle>| Ok(())),
        };
        let transport = (self.run)(&details).map_err(|e| match self.connect_proxy(&uri) {
            Some(proxy) => through_proxy(e, &proxy),
            None => e,
        })?;
        if scheme == "https" && !transport.is_tls() {
            return Err(ureq::Error::TlsRequired);
        }
        Ok(transport)
    }

    /// `host:port` of the CONNECT proxy a connection to `uri` goes through, if any (never
    /// the proxy's credentials). ureq's chain ignores a SOCKS proxy without its
    /// socks-proxy feature, and goes straight to a host on `NO_PROXY`.
    fn connect_proxy(&self, uri: &Uri) -> Option<String> {
        let proxy = self.config.proxy()?;
        let connect = matches!(proxy.protocol(), ProxyProtocol::Http | ProxyProtocol::Https);
        (connect && !proxy.is_no_proxy(uri)).then(|| format!("{}:{}", proxy.host(), proxy.port()))
    }
}

/// Names the proxy in a failure to open a connection through it. Every socket of such a
/// connection is one to the proxy, and without its name a refused connection or a 407
/// reads as the endpoint's doing, while the proxy came silently from the environment. The
/// I/O error keeps its kind (which decides the error's kind and retry) and its cause.
fn through_proxy(e: ureq::Error, proxy: &str) -> ureq::Error {
    let proxy = format!("{proxy} (from the environment)");
    match e {
        ureq::Error::Io(io) => {
            ureq::Error::Io(std::io::Error::new(io.kind(), ThroughProxy { proxy, io }))
        }
        ureq::Error::ConnectProxyFailed(reason) => {
            ureq::Error::ConnectProxyFailed(format!("{proxy}: {reason}"))
        }
        other => other,
    }
}

/// An I/O error on the connection to a CONNECT proxy; see [`through_proxy`].
#[derive(Debug)]
struct ThroughProxy {
    proxy: String,
    io: std::io::Error,
}

impl std::fmt::Display for ThroughProxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "through the CONNECT proxy {}: {}", self.proxy, self.io)
    }
}

impl std::error::Error for ThroughProxy {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.io)
    }
}

impl std::fmt::Debug for Connector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connector")
            .field("resolver", &self.resolver)
            .finish_non_exhaustive()
    }
}
