//! A TCP connect that another thread can stop: the socket exists (and is registered with
//! the client's [`Cancellation`]) before the connect starts, so that shutting it down
//! ends the wait; std's `TcpStream::connect_timeout` gives no socket until it is done.
//!
//! On Unix, a non-blocking `connect` and `poll`: Linux wakes the poll when the connecting
//! socket is shut down, and the wait is cut into slices that look at the cancellation in
//! between, for systems that do not. Elsewhere std's connect, which cannot be stopped
//! (a cancelled call then notices once it returns).

use std::io;
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::Duration;

use super::cancel::{CallSocket, Cancellation};

/// The longest a connect waits without looking whether its call was cancelled.
#[cfg(unix)]
const SLICE: Duration = Duration::from_millis(100);

/// Connects to `addr` within `timeout` (`None`: the system's limit), unless the call in
/// progress on this thread is cancelled first; the error kind is `TimedOut` for the
/// timeout and `Interrupted` for a cancellation.
#[cfg(unix)]
pub(crate) fn connect(
    cancellation: &Arc<Cancellation>,
    addr: &SocketAddr,
    timeout: Option<Duration>,
) -> io::Result<Arc<CallSocket>> {
    use std::os::fd::{AsRawFd, FromRawFd};
    use std::time::Instant;

    let family = match addr {
        SocketAddr::V4(_) => libc::AF_INET,
        SocketAddr::V6(_) => libc::AF_INET6,
    };
    let fd = new_socket(family)?;
    // SAFETY: `fd` is a new socket nobody else owns.
    let stream = unsafe { TcpStream::from_raw_fd(fd) };
    stream.set_nonblocking(true)?;
    let socket = cancellation.register(stream)?;
    let (storage, len) = sockaddr(addr);
    // SAFETY: `storage` holds a socket address of `len` bytes for the socket's family.
    let rc = unsafe { libc::connect(fd, (&raw const storage).cast(), len) };
    if rc != 0 {
        let e = io::Error::last_os_error();
        if e.raw_os_error() != Some(libc::EINPROGRESS) {
            return Err(e);
        }
        let until = timeout.map(|t| Instant::now() + t);
        loop {
            socket.enter()?;
            let left = until.map(|u| u.saturating_duration_since(Instant::now()));
            if left.is_some_and(|l| l.is_zero()) {
                return Err(io::ErrorKind::TimedOut.into());
            }
            let wait = left.map_or(SLICE, |l| l.min(SLICE));
            let mut poll = libc::pollfd {
                fd: socket.stream().as_raw_fd(),
                events: libc::POLLOUT,
                revents: 0,
            };
            let ms = libc::c_int::try_from(wait.as_millis().max(1)).unwrap_or(libc::c_int::MAX);
            // SAFETY: one valid pollfd.
            let n = unsafe { libc::poll(&raw mut poll, 1, ms) };
            if n < 0 {
                let e = io::Error::last_os_error();
                if e.kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                return Err(e);
            }
            if n > 0 {
                break;
            }
        }
        // Shut down by a cancellation while connecting: that is what to report.
        socket.enter()?;
        if let Some(e) = socket.stream().take_error()? {
            return Err(e);
        }
        // Woken without an error but not connected: say so rather than hand it on.
        socket.stream().peer_addr()?;
    }
    socket.stream().set_nonblocking(false)?;
    Ok(socket)
}

/// Connects with std's `connect_timeout`, which cannot be stopped, then registers the
/// socket.
#[cfg(not(unix))]
pub(crate) fn connect(
    cancellation: &Arc<Cancellation>,
    addr: &SocketAddr,
    timeout: Option<Duration>,
) -> io::Result<Arc<CallSocket>> {
    let stream = match timeout {
        Some(t) => TcpStream::connect_timeout(addr, t)?,
        None => TcpStream::connect(addr)?,
    };
    cancellation.register(stream)
}

/// A new TCP socket of `family` that a child process started with `exec` does not
/// inherit (as std's own sockets): an encoder that runs helper programs must not hand them
/// its connections.
#[cfg(any(target_os = "linux", target_os = "android", target_os = "freebsd"))]
fn new_socket(family: libc::c_int) -> io::Result<libc::c_int> {
    // SAFETY: plain system call; the caller owns the descriptor.
    let fd = unsafe { libc::socket(family, libc::SOCK_STREAM | libc::SOCK_CLOEXEC, 0) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(fd)
}

/// As above, where the flag cannot be given to `socket(2)`: set right after it.
#[cfg(all(
    unix,
    not(any(target_os = "linux", target_os = "android", target_os = "freebsd"))
))]
fn new_socket(family: libc::c_int) -> io::Result<libc::c_int> {
    // SAFETY: plain system calls on a descriptor we own; closed again on failure.
    unsafe {
        let fd = libc::socket(family, libc::SOCK_STREAM, 0);
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        if libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC) < 0 {
            let e = io::Error::last_os_error();
            libc::close(fd);
            return Err(e);
        }
        Ok(fd)
    }
}

/// `addr` as the C library's socket address.
#[cfg(unix)]
fn sockaddr(addr: &SocketAddr) -> (libc::sockaddr_storage, libc::socklen_t) {
    // SAFETY: all-zero is a valid sockaddr_storage (and sockaddr_in/_in6).
    let mut storage: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
    let len = match addr {
        SocketAddr::V4(a) => {
            // SAFETY: sockaddr_storage is larger than, and aligned for, sockaddr_in.
            let sin = unsafe { &mut *(&raw mut storage).cast::<libc::sockaddr_in>() };
            sin.sin_family = libc::AF_INET as libc::sa_family_t;
            sin.sin_port = a.port().to_be();
            sin.sin_addr = libc::in_addr {
                s_addr: u32::from_ne_bytes(a.ip().octets()),
            };
            std::mem::size_of::<libc::sockaddr_in>()
        }
        SocketAddr::V6(a) => {
            // SAFETY: sockaddr_storage is larger than, and aligned for, sockaddr_in6.
            let sin6 = unsafe { &mut *(&raw mut storage).cast::<libc::sockaddr_in6>() };
            sin6.sin6_family = libc::AF_INET6 as libc::sa_family_t;
            sin6.sin6_port = a.port().to_be();
            sin6.sin6_flowinfo = a.flowinfo();
            sin6.sin6_addr = libc::in6_addr {
                s6_addr: a.ip().octets(),
            };
            sin6.sin6_scope_id = a.scope_id();
            std::mem::size_of::<libc::sockaddr_in6>()
        }
    };
    // Both sizes are a few dozen bytes.
    (storage, len as libc::socklen_t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    #[test]
    fn connects_to_a_listener() {
        let cancellation = Arc::new(Cancellation::default());
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let socket = connect(&cancellation, &addr, Some(Duration::from_secs(5))).unwrap();
        assert_eq!(socket.stream().peer_addr().unwrap(), addr);
    }

    #[test]
    fn ipv6_addresses_are_laid_out_as_the_c_library_expects() {
        let addr: SocketAddr = "[fe80::1%3]:8443".parse().unwrap();
        let (storage, len) = sockaddr(&addr);
        assert_eq!(len as usize, std::mem::size_of::<libc::sockaddr_in6>());
        // SAFETY: `sockaddr` wrote a sockaddr_in6 there.
        let sin6 = unsafe { &*(&raw const storage).cast::<libc::sockaddr_in6>() };
        assert_eq!(sin6.sin6_family, libc::AF_INET6 as libc::sa_family_t);
        assert_eq!(u16::from_be(sin6.sin6_port), 8443);
        assert_eq!(sin6.sin6_addr.s6_addr[0], 0xfe);
        assert_eq!(sin6.sin6_addr.s6_addr[15], 1);
        assert_eq!(sin6.sin6_scope_id, 3);
        let (storage, _) = sockaddr(&"127.0.0.2:80".parse().unwrap());
        // SAFETY: a sockaddr_in this time.
        let sin = unsafe { &*(&raw const storage).cast::<libc::sockaddr_in>() };
        assert_eq!(sin.sin_addr.s_addr.to_ne_bytes(), [127, 0, 0, 2]);
        assert_eq!(u16::from_be(sin.sin_port), 80);
    }

    #[test]
    fn the_socket_is_closed_on_exec() {
        use std::os::fd::AsRawFd;
        let cancellation = Arc::new(Cancellation::default());
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let socket = connect(&cancellation, &listener.local_addr().unwrap(), None).unwrap();
        // SAFETY: reads the flags of a descriptor the socket owns.
        let flags = unsafe { libc::fcntl(socket.stream().as_raw_fd(), libc::F_GETFD) };
        assert!(flags >= 0 && flags & libc::FD_CLOEXEC != 0, "{flags}");
    }

    #[test]
    fn a_closed_port_is_refused() {
        let cancellation = Arc::new(Cancellation::default());
        let addr = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        let err = connect(&cancellation, &addr, Some(Duration::from_secs(5))).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::ConnectionRefused, "{err:?}");
    }
}
