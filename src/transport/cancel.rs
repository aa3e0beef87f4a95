//! Stopping calls in progress from another thread: `Client::interrupt` ends every call in
//! progress at that moment (the model of sqlite's `sqlite3_interrupt`; later calls run as
//! usual) and `Client::shut_down` ends those and every later call.
//!
//! A thread blocked in `connect`, `read` or `write` does not look at a flag, so the
//! interrupting thread shuts the socket down under it (`shutdown(2)`): the blocked system
//! call returns at once, and the call, seeing it was cancelled, returns
//! `Error::Cancelled` whatever the failure looked like. A backoff sleep between attempts
//! waits on a condition variable the interrupt notifies.
//!
//! Which sockets to shut: every call takes the *epoch* current when it starts, and each
//! interrupt starts a new one. A socket records the epoch of the call using it
//! ([`CallSocket::enter`], before each of its reads and writes and before connecting);
//! the interrupt shuts the sockets of older epochs and leaves idle sockets and those of
//! calls that started after it alone. The socket stores its user before reading the
//! epoch, the interrupt bumps the epoch before reading the users: whatever the order, one
//! of the two sees the other, so no call of an old epoch can block on a socket the
//! interrupt missed.
//!
//! The call in progress on a thread is kept in a thread-local (the connectors and the
//! transport run on the calling thread), keyed by its [`Cancellation`], so that a socket
//! of one client never takes the epoch of another client's call.

use std::cell::Cell;
use std::io;
use std::net::{Shutdown, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError, Weak};
use std::time::{Duration, Instant};

use crate::error::{CancelReason, CancelledError, Error};

/// The `user` of a socket no call is using (idle in the pool).
const IDLE: u64 = u64::MAX;

/// A client's cancellation state, shared by its transport and its connector.
#[derive(Debug, Default)]
pub(crate) struct Cancellation {
    /// Bumped by every interrupt (and the shutdown): a call of an older epoch is cancelled.
    epoch: AtomicU64,
    shut_down: AtomicBool,
    /// Every socket of the client that is still open somewhere (pooled or in use).
    sockets: Mutex<Vec<Weak<CallSocket>>>,
    /// Wakes backoff sleeps.
    wake: Condvar,
}

thread_local! {
    /// The call in progress on this thread: its client's `Cancellation` (as an address,
    /// only compared) and the epoch it started in.
    static CURRENT: Cell<Option<(usize, u64)>> = const { Cell::new(None) };
}

impl Cancellation {
    fn lock(&self) -> MutexGuard<'_, Vec<Weak<CallSocket>>> {
        // Nothing under this lock can be left half done by a panic.
        self.sockets.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn key(&self) -> usize {
        std::ptr::from_ref(self) as usize
    }

    /// Why a call of `epoch` must stop now, if it must.
    fn cancelled(&self, epoch: u64) -> Option<CancelReason> {
        if self.shut_down.load(Ordering::SeqCst) {
            Some(CancelReason::ShutDown)
        } else if self.epoch.load(Ordering::SeqCst) != epoch {
            Some(CancelReason::Interrupted)
        } else {
            None
        }
    }

    /// Starts a call on this thread; `Error::Cancelled` if the client is shut down.
    pub(crate) fn begin(&self) -> Result<CallGuard<'_>, Error> {
        let epoch = self.epoch.load(Ordering::SeqCst);
        if self.shut_down.load(Ordering::SeqCst) {
            return Err(cancelled(CancelReason::ShutDown));
        }
        let previous = CURRENT.with(|c| c.replace(Some((self.key(), epoch))));
        Ok(CallGuard {
            cancellation: self,
            epoch,
            previous,
        })
    }

    /// Ends every call in progress: a new epoch, then the sockets of older ones shut down
    /// and sleeping calls woken.
    pub(crate) fn interrupt(&self) {
        self.epoch.fetch_add(1, Ordering::SeqCst);
        self.sweep(false);
    }

    /// Ends every call in progress and refuses every later one; every socket is shut down,
    /// idle ones too, so nothing of the client stays connected.
    pub(crate) fn shut_down(&self) {
        self.shut_down.store(true, Ordering::SeqCst);
        self.epoch.fetch_add(1, Ordering::SeqCst);
        self.sweep(true);
    }

    /// Whether `shut_down` was called.
    pub(crate) fn is_shut_down(&self) -> bool {
        self.shut_down.load(Ordering::SeqCst)
    }

    fn sweep(&self, everything: bool) {
        let epoch = self.epoch.load(Ordering::SeqCst);
        let mut sockets = self.lock();
        sockets.retain(|socket| {
            let Some(socket) = socket.upgrade() else {
                return false;
            };
            let user = socket.user.load(Ordering::SeqCst);
            if everything || user < epoch {
                socket.shut();
            }
            true
        });
        self.wake.notify_all();
    }

    /// Registers a socket about to be connected by the call on this thread; an error if
    /// that call is cancelled already (checked after registering: see the module docs).
    pub(crate) fn register(self: &Arc<Self>, stream: TcpStream) -> io::Result<Arc<CallSocket>> {
        let socket = Arc::new(CallSocket {
            stream,
            user: AtomicU64::new(IDLE),
            shut: AtomicBool::new(false),
            cancellation: Arc::clone(self),
        });
        {
            let mut sockets = self.lock();
            sockets.retain(|s| s.strong_count() > 0);
            sockets.push(Arc::downgrade(&socket));
        }
        socket.enter()?;
        Ok(socket)
    }
}

/// `Error::Cancelled` for `reason`.
fn cancelled(reason: CancelReason) -> Error {
    Error::Cancelled(CancelledError::new(reason))
}

/// The I/O error a cancelled call's socket operation fails with (the call then reports
/// `Error::Cancelled`, not this).
fn cancelled_io() -> io::Error {
    io::Error::new(io::ErrorKind::Interrupted, "the call was cancelled")
}

/// A call in progress on this thread; dropping it ends the call.
#[derive(Debug)]
pub(crate) struct CallGuard<'a> {
    cancellation: &'a Cancellation,
    epoch: u64,
    previous: Option<(usize, u64)>,
}

impl CallGuard<'_> {
    /// `Error::Cancelled` if the call must stop.
    pub(crate) fn check(&self) -> Result<(), Error> {
        match self.cancellation.cancelled(self.epoch) {
            Some(reason) => Err(cancelled(reason)),
            None => Ok(()),
        }
    }

    /// Sleeps `delay` (a backoff), or less if the call is cancelled meanwhile.
    pub(crate) fn sleep(&self, delay: Duration) -> Result<(), Error> {
        let until = Instant::now() + delay;
        let mut sockets = self.cancellation.lock();
        loop {
            self.check()?;
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Ok(());
            }
            sockets = self
                .cancellation
                .wake
                .wait_timeout(sockets, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }
}

impl Drop for CallGuard<'_> {
    fn drop(&mut self) {
        CURRENT.with(|c| c.set(self.previous));
    }
}

/// A client's TCP socket, shut down under a blocked call when that call is cancelled.
#[derive(Debug)]
pub(crate) struct CallSocket {
    stream: TcpStream,
    /// The epoch of the call using the socket, or `IDLE`.
    user: AtomicU64,
    /// Shut down by a cancellation: never used again.
    shut: AtomicBool,
    cancellation: Arc<Cancellation>,
}

impl CallSocket {
    /// The socket.
    pub(crate) fn stream(&self) -> &TcpStream {
        &self.stream
    }

    /// Marks the socket as used by the call in progress on this thread, before one of its
    /// reads or writes; an error if that call is cancelled, or the socket was shut down.
    pub(crate) fn enter(&self) -> io::Result<()> {
        if self.shut.load(Ordering::SeqCst) {
            return Err(cancelled_io());
        }
        let Some((key, epoch)) = CURRENT.with(Cell::get) else {
            // Not within a call of any client (a pool dropping a connection, say).
            return Ok(());
        };
        if key != self.cancellation.key() {
            return Ok(());
        }
        self.user.store(epoch, Ordering::SeqCst);
        if self.cancellation.cancelled(epoch).is_some() {
            return Err(cancelled_io());
        }
        Ok(())
    }

    /// Marks the socket idle (back in the pool, or about to be checked out); false if a
    /// cancellation shut it down, so that it is dropped instead.
    pub(crate) fn leave(&self) -> bool {
        self.user.store(IDLE, Ordering::SeqCst);
        !self.shut.load(Ordering::SeqCst)
    }

    /// Shuts the socket down: a blocked connect, read or write on it returns now.
    pub(crate) fn shut(&self) {
        self.shut.store(true, Ordering::SeqCst);
        // An error means it is closed or shut down already.
        let _ = self.stream.shutdown(Shutdown::Both);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    fn socket(cancellation: &Arc<Cancellation>) -> (Arc<CallSocket>, TcpStream) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let stream = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (peer, _) = listener.accept().unwrap();
        (cancellation.register(stream).unwrap(), peer)
    }

    #[test]
    fn an_interrupt_shuts_the_sockets_of_calls_in_progress_only() {
        let cancellation = Arc::new(Cancellation::default());
        let call = cancellation.begin().unwrap();
        let (busy, _p1) = socket(&cancellation);
        let (idle, _p2) = socket(&cancellation);
        busy.enter().unwrap();
        assert!(idle.leave());
        cancellation.interrupt();
        assert!(matches!(
            call.check(),
            Err(Error::Cancelled(e)) if e.reason() == CancelReason::Interrupted
        ));
        assert!(busy.enter().is_err());
        assert!(
            !busy.leave(),
            "a socket shut by the interrupt is not pooled again"
        );
        drop(call);
        // A call started after the interrupt uses the idle socket as usual.
        let later = cancellation.begin().unwrap();
        idle.enter().unwrap();
        later.check().unwrap();
        assert!(idle.leave());
    }

    #[test]
    fn a_socket_entered_after_the_interrupt_by_an_older_call_refuses() {
        let cancellation = Arc::new(Cancellation::default());
        let call = cancellation.begin().unwrap();
        let (socket, _peer) = socket(&cancellation);
        assert!(socket.leave());
        cancellation.interrupt();
        assert!(socket.enter().is_err());
        drop(call);
    }

    #[test]
    fn a_shutdown_refuses_later_calls_and_shuts_every_socket() {
        let cancellation = Arc::new(Cancellation::default());
        let (idle, _peer) = socket(&cancellation);
        assert!(idle.leave());
        cancellation.shut_down();
        assert!(!idle.leave());
        assert!(matches!(
            cancellation.begin(),
            Err(Error::Cancelled(e)) if e.reason() == CancelReason::ShutDown
        ));
        assert!(cancellation.is_shut_down());
    }

    #[test]
    fn a_backoff_sleep_ends_at_the_interrupt() {
        let cancellation = Arc::new(Cancellation::default());
        let (started_tx, started_rx) = std::sync::mpsc::channel();
        let sleeper = {
            let cancellation = Arc::clone(&cancellation);
            std::thread::spawn(move || {
                let call = cancellation.begin().unwrap();
                started_tx.send(()).unwrap();
                let started = Instant::now();
                let result = call.sleep(Duration::from_secs(30));
                (result.is_err(), started.elapsed())
            })
        };
        started_rx.recv().unwrap();
        cancellation.interrupt();
        let (cancelled, slept) = sleeper.join().unwrap();
        assert!(cancelled);
        assert!(slept < Duration::from_secs(10), "{slept:?}");
    }

    #[test]
    fn calls_of_another_client_on_the_same_thread_do_not_mark_a_socket() {
        let mine = Arc::new(Cancellation::default());
        let other = Cancellation::default();
        let (socket, _peer) = socket(&mine);
        assert!(socket.leave());
        let call = other.begin().unwrap();
        socket.enter().unwrap();
        mine.interrupt();
        // The socket was idle as far as `mine` knows: not shut.
        assert!(socket.leave());
        drop(call);
    }
}
