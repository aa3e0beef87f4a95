//! The TCP connection of a client, a ureq `Transport` (so that ureq's TLS and CONNECT
//! proxy connectors can wrap it): one keep-alive socket that sends a request in one write,
//! waits under socket timeouts set only when they must shrink ([`deadline`]) and is probed
//! only when [`liveness`] says so.
//!
//! What is transmitted is kept until the answer is awaited, which the client always does
//! after the last byte of a request, and then goes out in one write. osslive's own
//! exchange transmits a request in one piece already, but TLS may hand over one record at
//! a time, and ureq (which drove this transport before, and still does for a CONNECT
//! proxy's handshake) wrote a head and a body as two transmissions: sent as they came,
//! that was two `sendto`s and two TCP segments, and the server woke up twice. Nothing
//! waits on the peer while bytes are kept back: every read starts by sending them.
//!
//! [`deadline`]: super::deadline
//! [`liveness`]: super::liveness

use std::fmt;
use std::io::{self, Read, Write};
use std::sync::{Arc, Weak};
use std::time::Instant;

use ureq::unversioned::transport::{Buffers, LazyBuffers, NextTimeout, ShutdownHandle, Transport};

use super::cancel::CallSocket;
use super::deadline::{Deadline, SocketTimeout, bounded};
use super::liveness;

/// Kept-back request bytes are sent at once when they reach this size, without waiting
/// for the answer to be awaited: a LiveChannel request is a few kB at most, and a larger
/// body gains nothing from being sent in one piece.
const HOLD_AT_MOST: usize = 64 * 1024;

/// The socket, shared (weakly) with the agent so that `Agent::shutdown` could interrupt
/// I/O blocked on it from another thread, as with ureq's own transport. (osslive's own
/// `Client::interrupt` and `shut_down` reach it through its `Cancellation`.)
impl ShutdownHandle for CallSocket {
    fn shutdown(&self) {
        self.shut();
    }
}

/// A keep-alive TCP connection; see the module documentation.
pub(crate) struct TcpTransport {
    socket: Arc<CallSocket>,
    buffers: LazyBuffers,
    /// Bytes transmitted that the kernel has not seen yet.
    held: Vec<u8>,
    read_timeout: SocketTimeout,
    write_timeout: SocketTimeout,
    /// When the last bytes from the peer arrived.
    last_answer: Option<Instant>,
    /// The peer closed its side: a read returned end of stream.
    peer_closed: bool,
}

impl TcpTransport {
    /// Wraps a connected socket.
    pub(crate) fn new(socket: Arc<CallSocket>, buffers: LazyBuffers) -> TcpTransport {
        TcpTransport {
            socket,
            buffers,
            held: Vec::new(),
            read_timeout: SocketTimeout::default(),
            write_timeout: SocketTimeout::default(),
            last_answer: None,
            peer_closed: false,
        }
    }

    /// A handle to shut the socket down while this transport is in use.
    pub(crate) fn shutdown_handle(&self) -> Weak<dyn ShutdownHandle> {
        Arc::downgrade(&self.socket) as Weak<dyn ShutdownHandle>
    }

    /// Sends every held byte, in as few writes as the kernel allows (one, unless the
    /// socket buffer is full).
    fn send_held(&mut self, deadline: Deadline) -> Result<(), ureq::Error> {
        self.socket.enter()?;
        let stream = self.socket.stream();
        let held = &self.held;
        let mut sent = 0;
        let result = bounded(
            deadline,
            &mut self.write_timeout,
            |t| stream.set_write_timeout(Some(t)),
            || {
                while sent < held.len() {
                    match (&*stream).write(&held[sent..])? {
                        0 => return Err(io::ErrorKind::WriteZero.into()),
                        n => sent += n,
                    }
                }
                Ok(())
            },
        );
        // Sent or failed, those bytes are done with: after a failure the connection is
        // not used again.
        self.held.clear();
        if self.held.capacity() > HOLD_AT_MOST {
            self.held.shrink_to(HOLD_AT_MOST);
        }
        result
    }
}

impl Transport for TcpTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    /// Keeps the bytes for the write that [`await_input`](Self::await_input) makes, unless
    /// too many are held already. A whole request is transmitted before its answer is
    /// awaited; nothing waits on the peer in between.
    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        let output = &self.buffers.output()[..amount];
        self.held.extend_from_slice(output);
        if self.held.len() >= HOLD_AT_MOST {
            self.send_held(Deadline::of(timeout.for_write()))?;
        }
        Ok(())
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        // Both deadlines from now: the time the held bytes take to send is the read's too.
        let read_by = Deadline::of(timeout.for_read());
        if !self.held.is_empty() {
            self.send_held(Deadline::of(timeout.for_write()))?;
        }
        self.socket.enter()?;
        let stream = self.socket.stream();
        let input = self.buffers.input_append_buf();
        let amount = bounded(
            read_by,
            &mut self.read_timeout,
            |t| stream.set_read_timeout(Some(t)),
            || (&*stream).read(input),
        )?;
        self.buffers.input_appended(amount);
        if amount == 0 {
            self.peer_closed = true;
        } else {
            self.last_answer = Some(Instant::now());
        }
        Ok(amount > 0)
    }

    /// Asked by the pool when the connection goes back and when it comes out again:
    /// a connection whose answer was just read is trusted, any other is probed once
    /// ([`liveness`]).
    fn is_open(&mut self) -> bool {
        // Whether going back or coming out, no call uses it now.
        if !self.socket.leave() || self.peer_closed || !self.held.is_empty() {
            return false;
        }
        if !liveness::needs_probe(self.last_answer, Instant::now()) {
            return true;
        }
        liveness::still_open(self.socket.stream())
    }
}

impl fmt::Debug for TcpTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TcpTransport")
            .field("peer", &self.socket.stream().peer_addr().ok())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{TcpListener, TcpStream};
    use std::time::Duration;

    use ureq::Timeout;
    use ureq::unversioned::transport::time::Duration as UreqDuration;

    fn connected() -> (TcpTransport, TcpStream) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (server, _) = listener.accept().unwrap();
        // Bounded: a test that goes wrong fails instead of hanging.
        server
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let socket = Arc::new(super::super::cancel::Cancellation::default())
            .register(client)
            .unwrap();
        (
            TcpTransport::new(socket, LazyBuffers::new(4096, 4096)),
            server,
        )
    }

    fn within(ms: u64) -> NextTimeout {
        NextTimeout {
            after: UreqDuration::Exact(Duration::from_millis(ms)),
            reason: Timeout::Global,
            ..NextTimeout::default()
        }
    }

    fn transmit(t: &mut TcpTransport, bytes: &[u8]) {
        t.buffers().output()[..bytes.len()].copy_from_slice(bytes);
        t.transmit_output(bytes.len(), within(5000)).unwrap();
    }

    #[test]
    fn head_and_body_go_out_together_when_the_answer_is_awaited() {
        let (mut t, mut server) = connected();
        transmit(&mut t, b"PUT /c?live HTTP/1.1\r\ncontent-length: 4\r\n\r\n");
        transmit(&mut t, b"body");
        // Nothing has been sent yet.
        server.set_nonblocking(true).unwrap();
        let mut buf = [0u8; 256];
        assert_eq!(
            server.read(&mut buf).unwrap_err().kind(),
            io::ErrorKind::WouldBlock
        );
        server.set_nonblocking(false).unwrap();
        let answer = std::thread::spawn(move || {
            let mut got = Vec::new();
            while !got.ends_with(b"body") {
                let n = server.read(&mut buf).unwrap();
                got.extend_from_slice(&buf[..n]);
            }
            server.write_all(b"HTTP/1.1 200 OK\r\n").unwrap();
            (got, server)
        });
        assert!(t.await_input(within(5000)).unwrap());
        assert_eq!(t.buffers().input(), b"HTTP/1.1 200 OK\r\n");
        let (got, _server) = answer.join().unwrap();
        assert_eq!(
            got,
            b"PUT /c?live HTTP/1.1\r\ncontent-length: 4\r\n\r\nbody"
        );
        assert!(t.is_open(), "an answer just read: trusted");
        assert!(t.held.is_empty());
    }

    #[test]
    fn a_stalled_answer_times_out_at_the_deadline_with_few_timeout_changes() {
        let (mut t, _server) = connected();
        transmit(&mut t, b"GET / HTTP/1.1\r\n\r\n");
        let started = Instant::now();
        let err = t.await_input(within(150)).unwrap_err();
        let took = started.elapsed();
        assert!(
            matches!(err, ureq::Error::Timeout(Timeout::Global)),
            "{err:?}"
        );
        assert!(
            took >= Duration::from_millis(145) && took < Duration::from_millis(1000),
            "{took:?}"
        );
        assert!(
            t.read_timeout.changes() <= 8,
            "{}",
            t.read_timeout.changes()
        );
        assert_eq!(t.write_timeout.changes(), 1);
    }

    #[test]
    fn a_closed_peer_is_noticed_and_the_connection_not_reused() {
        let (mut t, server) = connected();
        drop(server);
        // Sent into a closed connection: the write may pass, the read sees the end.
        transmit(&mut t, b"GET / HTTP/1.1\r\n\r\n");
        match t.await_input(within(2000)) {
            Ok(progress) => assert!(!progress),
            Err(ureq::Error::Io(e)) => assert!(
                matches!(
                    e.kind(),
                    io::ErrorKind::ConnectionReset | io::ErrorKind::BrokenPipe
                ),
                "{e:?}"
            ),
            Err(e) => panic!("{e:?}"),
        }
        assert!(!t.is_open());
    }

    #[test]
    fn an_idle_connection_closed_by_the_server_is_found_by_the_probe() {
        let (mut t, mut server) = connected();
        transmit(&mut t, b"GET / HTTP/1.1\r\n\r\n");
        // The answer is there before the request leaves: the read sends it first.
        server.write_all(b"HTTP/1.1 200 OK\r\n").unwrap();
        assert!(t.await_input(within(2000)).unwrap());
        let n = t.buffers().input().len();
        t.buffers().input_consume(n);
        assert!(t.is_open());
        drop(server);
        // Once the answer is older than the trusted moment, the probe runs and finds the
        // close (bounded wait: the FIN crosses the kernel, not instantly).
        let until = Instant::now() + Duration::from_secs(5);
        while t.is_open() && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(5));
        }
        assert!(!t.is_open());
    }
}
