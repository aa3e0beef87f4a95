//! Whether a pooled keep-alive connection can still carry a request: the rule that decides
//! when to ask the kernel, and the question itself (one non-blocking peek).
//!
//! The pool asks a connection whether it is open twice per request, when it goes back and
//! when it comes out again. ureq's TCP transport answered each time with a 1-byte
//! non-blocking read wrapped in two `ioctl(FIONBIO)`: 6 system calls per request
//! (BENCHMARKS.md). Here a connection whose answer was read a moment ago is trusted without
//! asking, and asking is a single `recv(MSG_PEEK | MSG_DONTWAIT)`.

use std::cell::Cell;
use std::io;
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// How long after the last bytes of its answer a connection is trusted without a probe.
///
/// A server closes an idle keep-alive connection when its idle timeout expires, and that
/// is seconds at the least (nginx 75 s, Apache httpd and Node.js 5 s; ureq itself drops a
/// connection idle for 15 s), so a connection whose answer arrived less than this ago has
/// not been closed for being idle. Back-to-back calls (a burst of stat calls, a list walk)
/// come microseconds apart and skip the probe; a call after any real pause pays one system
/// call for it. What this window lets through is a server that closes right after an
/// answer without saying `Connection: close`: an idempotent request then fails on the dead
/// connection and the retry policy sends it again on a new one, and a request that is not
/// idempotent never takes the shortcut ([`ProbeEveryCheckout`]).
pub(crate) const TRUSTED_FOR: Duration = Duration::from_millis(1);

thread_local! {
    /// Set while the calling thread sends a request that is not idempotent.
    static PROBE_EVERY_CHECKOUT: Cell<bool> = const { Cell::new(false) };
}

/// While alive, every pooled connection the calling thread takes is probed, however
/// recently it was used: for a request that must not be sent on a connection the server
/// may already have closed, because sending it again on a new one is not safe.
///
/// The pool asks through ureq's `Transport::is_open`, which has no room to say which
/// request the connection is for; the pool is asked on the thread that runs the request.
pub(crate) struct ProbeEveryCheckout {
    previous: bool,
}

impl ProbeEveryCheckout {
    /// Starts probing every checkout on this thread, until the guard is dropped.
    pub(crate) fn enter() -> ProbeEveryCheckout {
        ProbeEveryCheckout {
            previous: PROBE_EVERY_CHECKOUT.replace(true),
        }
    }
}

impl Drop for ProbeEveryCheckout {
    fn drop(&mut self) {
        PROBE_EVERY_CHECKOUT.set(self.previous);
    }
}

/// Whether a connection whose last answer arrived at `last_answer` (`None`: it never had
/// one) must be probed before it is used or kept at `now`.
pub(crate) fn needs_probe(last_answer: Option<Instant>, now: Instant) -> bool {
    PROBE_EVERY_CHECKOUT.get()
        || last_answer.is_none_or(|at| now.saturating_duration_since(at) >= TRUSTED_FOR)
}

/// Whether the peer has neither closed the connection nor sent bytes nobody asked for
/// (either makes it unusable for the next request), asked without blocking and without
/// consuming anything.
pub(crate) fn still_open(stream: &TcpStream) -> bool {
    loop {
        match peek_now(stream) {
            // Nothing to read and no end of stream: the state of a healthy idle connection.
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return true,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            // 0: the peer closed; more: stray bytes, whose answer to what nobody knows;
            // an error: the connection is broken.
            _ => return false,
        }
    }
}

/// `MSG_PEEK | MSG_DONTWAIT` where their values are known.
#[cfg(any(target_os = "linux", target_os = "android"))]
const PEEK_WITHOUT_WAITING: std::ffi::c_int = 0x02 | 0x40;
#[cfg(any(target_os = "macos", target_os = "ios", target_os = "freebsd"))]
const PEEK_WITHOUT_WAITING: std::ffi::c_int = 0x02 | 0x80;

/// Peeks at one byte without blocking: one system call, and the socket stays blocking.
#[cfg(any(
    target_os = "linux",
    target_os = "android",
    target_os = "macos",
    target_os = "ios",
    target_os = "freebsd"
))]
fn peek_now(stream: &TcpStream) -> io::Result<usize> {
    use std::ffi::{c_int, c_void};
    use std::os::fd::AsRawFd;

    // The C library's recv(2), declared here rather than adding the libc crate for one
    // function.
    unsafe extern "C" {
        fn recv(socket: c_int, buffer: *mut c_void, length: usize, flags: c_int) -> isize;
    }
    let mut byte = 0u8;
    // SAFETY: the buffer is the 1 byte given as its length, and the descriptor belongs to
    // `stream`, which is borrowed (so open) for the whole call.
    let n = unsafe {
        recv(
            stream.as_raw_fd(),
            (&raw mut byte).cast(),
            1,
            PEEK_WITHOUT_WAITING,
        )
    };
    usize::try_from(n).map_err(|_| io::Error::last_os_error())
}

/// Peeks at one byte without blocking, where `MSG_DONTWAIT` is not known here: the socket
/// is made non-blocking for the peek (three system calls, as ureq does it).
#[cfg(not(any(
    target_os = "linux",
    target_os = "android",
    target_os = "macos",
    target_os = "ios",
    target_os = "freebsd"
)))]
fn peek_now(stream: &TcpStream) -> io::Result<usize> {
    stream.set_nonblocking(true)?;
    let peeked = stream.peek(&mut [0u8]);
    stream.set_nonblocking(false)?;
    peeked
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::net::TcpListener;

    fn pair() -> (TcpStream, TcpStream) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (server, _) = listener.accept().unwrap();
        (client, server)
    }

    /// Waits (boundedly) until the probe gives `want`: a close or bytes reach the client
    /// through the kernel, not at once.
    fn probe_becomes(stream: &TcpStream, want: bool) -> bool {
        let until = Instant::now() + Duration::from_secs(5);
        while Instant::now() < until {
            if still_open(stream) == want {
                return true;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        false
    }

    #[test]
    fn an_idle_connection_is_open_and_stays_blocking() {
        let (client, _server) = pair();
        assert!(still_open(&client));
        assert!(still_open(&client), "the probe consumed nothing");
        // Still blocking: a read with a timeout waits for it instead of failing at once.
        client
            .set_read_timeout(Some(Duration::from_millis(50)))
            .unwrap();
        let started = Instant::now();
        let mut byte = [0u8];
        let _ = client.peek(&mut byte);
        assert!(started.elapsed() >= Duration::from_millis(40));
    }

    #[test]
    fn a_closed_or_chattering_peer_is_not_open() {
        let (client, server) = pair();
        drop(server);
        assert!(probe_becomes(&client, false));

        let (client, mut server) = pair();
        server
            .write_all(b"HTTP/1.1 408 Request Timeout\r\n\r\n")
            .unwrap();
        assert!(probe_becomes(&client, false));
        let mut byte = [0u8];
        assert_eq!(client.peek(&mut byte).unwrap(), 1, "nothing was consumed");
    }

    #[test]
    fn fresh_answers_skip_the_probe_unless_every_checkout_is_probed() {
        let now = Instant::now();
        assert!(needs_probe(None, now));
        assert!(!needs_probe(Some(now), now));
        assert!(!needs_probe(Some(now), now + TRUSTED_FOR / 2));
        assert!(needs_probe(Some(now), now + TRUSTED_FOR));
        {
            let _guard = ProbeEveryCheckout::enter();
            assert!(needs_probe(Some(now), now));
            {
                let _nested = ProbeEveryCheckout::enter();
            }
            assert!(needs_probe(Some(now), now), "the outer guard still holds");
        }
        assert!(!needs_probe(Some(now), now));
        // Other threads are not affected.
        let _guard = ProbeEveryCheckout::enter();
        std::thread::spawn(move || assert!(!needs_probe(Some(now), now)))
            .join()
            .unwrap();
    }
}
