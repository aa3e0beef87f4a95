//! The listener side: start a server on a socket, accept connections on one thread (up to
//! the connection cap, see `registry`), give each its own thread, and shut down promptly.

use std::fmt;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use crate::http::handler::{Handler, RtmpHandler};
use crate::http::limits::Limits;
use crate::http::mux::{Routes, route_connection};
use crate::http::overload::answer_overloaded;
use crate::http::registry::Registry;
use crate::tls::TlsAcceptor;

/// How long shutdown waits for its wake-up connection to the listener.
const WAKE_TIMEOUT: Duration = Duration::from_secs(1);

/// A running server: an accept thread plus one thread per connection.
///
/// Dropping it shuts it down like [`Server::shutdown`].
pub struct Server {
    local_addr: SocketAddr,
    registry: Arc<Registry>,
    accept_thread: Option<JoinHandle<()>>,
}

impl Server {
    /// Starts serving `listener` on a new accept thread.
    pub fn start(
        listener: TcpListener,
        handler: Arc<dyn Handler>,
        limits: Limits,
    ) -> io::Result<Server> {
        let routes = Routes {
            http: Some(handler),
            tls: None,
            rtmp: None,
        };
        Server::spawn(listener, routes, limits)
    }

    /// Like [`start`](Self::start), serving HTTPS: each connection first completes a TLS
    /// handshake (within [`Limits::read_timeout`]); one that fails is closed.
    pub fn start_tls(
        listener: TcpListener,
        handler: Arc<dyn Handler>,
        limits: Limits,
        tls: TlsAcceptor,
    ) -> io::Result<Server> {
        let routes = Routes {
            http: Some(handler),
            tls: Some(Arc::new(tls)),
            rtmp: None,
        };
        Server::spawn(listener, routes, limits)
    }

    /// Like [`start`](Self::start) (or [`start_tls`](Self::start_tls) with `tls`), sharing
    /// the port with RTMP: each connection's first byte is peeked (waiting at most
    /// [`Limits::idle_timeout`]) and a connection starting with `0x03` goes to `rtmp`.
    pub fn start_shared(
        listener: TcpListener,
        handler: Arc<dyn Handler>,
        limits: Limits,
        tls: Option<TlsAcceptor>,
        rtmp: Arc<dyn RtmpHandler>,
    ) -> io::Result<Server> {
        let routes = Routes {
            http: Some(handler),
            tls: tls.map(Arc::new),
            rtmp: Some(rtmp),
        };
        Server::spawn(listener, routes, limits)
    }

    /// Serves only RTMP on `listener`: every connection goes to `rtmp`.
    pub fn start_rtmp(
        listener: TcpListener,
        rtmp: Arc<dyn RtmpHandler>,
        limits: Limits,
    ) -> io::Result<Server> {
        let routes = Routes {
            http: None,
            tls: None,
            rtmp: Some(rtmp),
        };
        Server::spawn(listener, routes, limits)
    }

    fn spawn(listener: TcpListener, routes: Routes, limits: Limits) -> io::Result<Server> {
        let routes = Arc::new(routes);
        let local_addr = listener.local_addr()?;
        listener.set_nonblocking(false)?;
        let registry = Arc::new(Registry::new());
        let accept_registry = Arc::clone(&registry);
        let accept_thread = thread::Builder::new()
            .name("osslive-http-accept".into())
            .spawn(move || accept_loop(listener, routes, limits, accept_registry))?;
        Ok(Server {
            local_addr,
            registry,
            accept_thread: Some(accept_thread),
        })
    }

    /// The address the listener is bound to (with the real port when bound to port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Stops accepting, closes idle keep-alive connections and joins the accept thread.
    ///
    /// Connections in the middle of a request finish it and then close; they are not waited for.
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        let Some(accept_thread) = self.accept_thread.take() else {
            return;
        };
        self.registry.set_stopping();
        // accept() has no timeout, so the only portable way to wake it is a connection.
        let ip = match self.local_addr.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
            ip => ip,
        };
        let woke =
            TcpStream::connect_timeout(&SocketAddr::new(ip, self.local_addr.port()), WAKE_TIMEOUT);
        self.registry.interrupt_idle();
        // Without the wake-up the join could block until some client connects; detaching the
        // thread is the lesser evil (it exits on its next accept).
        if woke.is_ok() {
            let _ = accept_thread.join();
        }
        // Connections registered while we were stopping see the flag when they go idle.
        self.registry.interrupt_idle();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Server")
            .field("local_addr", &self.local_addr)
            .finish_non_exhaustive()
    }
}

fn accept_loop(
    listener: TcpListener,
    routes: Arc<Routes>,
    limits: Limits,
    registry: Arc<Registry>,
) {
    loop {
        let accepted = listener.accept();
        if registry.is_stopping() {
            break;
        }
        match accepted {
            Ok((stream, peer)) => {
                // Every slot busy: answered 503 (or closed) without a slot.
                let Some(guard) = registry.register(&stream, limits.max_connections) else {
                    answer_overloaded(stream, peer, &routes, &registry);
                    continue;
                };
                let routes = Arc::clone(&routes);
                // If the thread cannot be spawned the closure is dropped, which closes the
                // stream and frees the slot; the client sees a closed connection.
                let _ = thread::Builder::new()
                    .name("osslive-http-conn".into())
                    .spawn(move || route_connection(stream, peer, &routes, &limits, guard));
            }
            Err(e) => match e.kind() {
                io::ErrorKind::Interrupted
                | io::ErrorKind::ConnectionAborted
                | io::ErrorKind::ConnectionReset => {}
                // Typically out of file descriptors: back off instead of spinning.
                _ => thread::sleep(Duration::from_millis(10)),
            },
        }
    }
}
