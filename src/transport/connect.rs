//! Opening TCP connections: the connector of the client's ureq connector chain that makes
//! a [`TcpTransport`], in place of ureq's own `TcpConnector`, whose transport is not ours
//! to change.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ureq::Timeout;
use ureq::unversioned::transport::time::Duration as UreqDuration;
use ureq::unversioned::transport::{ConnectionDetails, Connector, Either, LazyBuffers, Transport};

use super::cancel::{CallSocket, Cancellation};
use super::socket;
use super::tcp::TcpTransport;

/// The least time one address is given when there are several to try.
const LEAST_PER_ADDRESS: Duration = Duration::from_millis(10);

/// Opens a [`TcpTransport`] to the resolved addresses, unless an earlier connector of the
/// chain (a CONNECT proxy) made the connection already. Its sockets are registered with
/// the client's [`Cancellation`], so that `Client::interrupt` can stop them.
#[derive(Debug)]
pub(crate) struct TcpConnector {
    pub(crate) cancellation: Arc<Cancellation>,
}

impl<In: Transport> Connector<In> for TcpConnector {
    type Out = Either<In, TcpTransport>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        if let Some(transport) = chained {
            return Ok(Some(Either::A(transport)));
        }
        let budget = match details.timeout.after {
            UreqDuration::Exact(d) => Some(d),
            UreqDuration::NotHappening => None,
        };
        let socket = open(
            &self.cancellation,
            &details.addrs,
            budget,
            details.timeout.reason,
        )?;
        if details.config.no_delay() {
            socket.stream().set_nodelay(true)?;
        }
        let buffers = LazyBuffers::new(
            details.config.input_buffer_size(),
            details.config.output_buffer_size(),
        );
        let transport = TcpTransport::new(socket, buffers);
        (details.register_shutdown)(transport.shutdown_handle())?;
        Ok(Some(Either::B(transport)))
    }
}

/// Whether a failed connect concerns only the address tried, so that the next one may
/// still work (an IPv6 address without an IPv6 route, one host of several refusing).
fn next_address_may_work(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::HostUnreachable
            | io::ErrorKind::NetworkUnreachable
            | io::ErrorKind::NetworkDown
            | io::ErrorKind::AddrNotAvailable
    )
}

/// Connects to the first of `addrs` that accepts within `budget` (`None`: no limit).
/// Each address but the last gets half of the time left, so that one that does not answer
/// leaves time for the others; the last gets all of it. The errors are those of ureq's own
/// connector: `Timeout(Connect)` for an address that timed out, `Timeout(reason)` once the
/// budget is spent, otherwise the last address's I/O error.
fn open(
    cancellation: &Arc<Cancellation>,
    addrs: &[SocketAddr],
    budget: Option<Duration>,
    reason: Timeout,
) -> Result<Arc<CallSocket>, ureq::Error> {
    let started = Instant::now();
    let mut last_error = None;
    for (i, addr) in addrs.iter().enumerate() {
        let share = match budget {
            Some(budget) => {
                let left = budget.saturating_sub(started.elapsed());
                if left.is_zero() {
                    return Err(ureq::Error::Timeout(reason));
                }
                let last = i + 1 == addrs.len();
                Some(if last {
                    left
                } else {
                    (left / 2).max(LEAST_PER_ADDRESS).min(left)
                })
            }
            None => None,
        };
        match socket::connect(cancellation, addr, share) {
            Ok(stream) => return Ok(stream),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
                ) =>
            {
                if budget.is_some_and(|b| started.elapsed() >= b) {
                    return Err(ureq::Error::Timeout(reason));
                }
                last_error = Some(ureq::Error::Timeout(Timeout::Connect));
            }
            Err(e) if next_address_may_work(&e) => last_error = Some(e.into()),
            Err(e) => return Err(e.into()),
        }
    }
    Err(last_error.unwrap_or_else(|| {
        io::Error::new(io::ErrorKind::ConnectionRefused, "Connection refused").into()
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    #[test]
    fn the_first_address_that_accepts_is_used() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let open_addr = listener.local_addr().unwrap();
        // A port nobody listens on: bind, note, close.
        let closed_addr = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        let cancellation = Arc::new(Cancellation::default());
        let socket = open(
            &cancellation,
            &[closed_addr, open_addr],
            Some(Duration::from_secs(5)),
            Timeout::Connect,
        )
        .unwrap();
        assert_eq!(socket.stream().peer_addr().unwrap(), open_addr);
        let err = open(&cancellation, &[closed_addr], None, Timeout::Connect).unwrap_err();
        assert!(
            matches!(&err, ureq::Error::Io(e) if e.kind() == io::ErrorKind::ConnectionRefused),
            "{err:?}"
        );
        let err = open(
            &cancellation,
            &[],
            Some(Duration::from_secs(1)),
            Timeout::Connect,
        )
        .unwrap_err();
        assert!(matches!(err, ureq::Error::Io(_)), "{err:?}");
    }
}
