//! The registry of open connections: it caps how many are open at once, shares the slots
//! fairly, and lets shutdown wake the ones idling between requests.
//!
//! Each connection is in one of three phases: *idle* (waiting for its first byte or its
//! next request), *waiting* on its client (a request or TLS handshake still arriving, an
//! answer being written, an RTMP client that has not published yet) or *busy* (its
//! request being handled, or a publisher pushing). When every slot is taken, a new
//! connection takes the slot of the idle or waiting connection that entered its phase the
//! longest ago (the one longest without progress): that connection is shut down. Only
//! busy connections keep their slot, so clients that connect and then say nothing, or
//! trickle a byte at a time, cannot lock anybody out; they are bounded by their own
//! timeouts too. With every slot busy, the server answers `503` (see `overload`).

use std::collections::HashMap;
use std::net::{Shutdown, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

/// Waiting for the first byte or the next request.
const IDLE: u8 = 0;
/// Waiting on the client in the middle of an exchange.
const WAITING: u8 = 1;
/// Working for the client; the slot is not taken away.
const BUSY: u8 = 2;
/// The slot was given to a newer connection; this one must close.
const EVICTED: u8 = 3;

/// State shared between the server handle, the accept thread and the connection threads.
pub(super) struct Registry {
    stopping: AtomicBool,
    conns: Mutex<Conns>,
    /// The origin of the phase timestamps.
    epoch: Instant,
    /// Connections being answered `503` over the cap.
    overloaded: AtomicUsize,
}

struct Conns {
    next_id: u64,
    open: HashMap<u64, ConnEntry>,
}

struct ConnEntry {
    /// A duplicate of the connection's socket, used to interrupt an idle read at shutdown
    /// and to close an evicted connection; `None` if the duplication failed (the
    /// connection then just times out, and is never evicted).
    stream: Option<TcpStream>,
    phase: Arc<Phase>,
}

/// A connection's phase and since when (milliseconds after the registry's epoch).
struct Phase {
    phase: AtomicU8,
    since_ms: AtomicU64,
}

impl Registry {
    /// An empty registry of a server that is running.
    pub(super) fn new() -> Registry {
        Registry {
            stopping: AtomicBool::new(false),
            conns: Mutex::new(Conns {
                next_id: 0,
                open: HashMap::new(),
            }),
            epoch: Instant::now(),
            overloaded: AtomicUsize::new(0),
        }
    }

    /// Marks the server as stopping: idle connections close instead of waiting for more.
    pub(super) fn set_stopping(&self) {
        self.stopping.store(true, Ordering::SeqCst);
    }

    /// Whether the server is stopping.
    pub(super) fn is_stopping(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }

    fn conns(&self) -> MutexGuard<'_, Conns> {
        // Nothing that runs under this lock can leave the map inconsistent, so poisoning is moot.
        self.conns.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Registers a new connection. At the limit, the slot of the idle or waiting
    /// connection longest in its phase is taken; `None` when every connection is busy.
    pub(super) fn register(
        self: &Arc<Self>,
        stream: &TcpStream,
        max_connections: usize,
    ) -> Option<ConnGuard> {
        let mut conns = self.conns();
        while conns.open.len() >= max_connections {
            if !Self::evict_one(&mut conns) {
                return None;
            }
        }
        let id = conns.next_id;
        conns.next_id += 1;
        let phase = Arc::new(Phase {
            phase: AtomicU8::new(WAITING),
            since_ms: AtomicU64::new(self.now_ms()),
        });
        conns.open.insert(
            id,
            ConnEntry {
                stream: stream.try_clone().ok(),
                phase: Arc::clone(&phase),
            },
        );
        Some(ConnGuard {
            registry: Arc::clone(self),
            id,
            phase,
            fresh: AtomicBool::new(true),
        })
    }

    /// Shuts down the idle or waiting connection longest in its phase; false if every
    /// connection is busy (or cannot be shut down).
    fn evict_one(conns: &mut Conns) -> bool {
        loop {
            let victim = conns
                .open
                .iter()
                .filter(|(_, e)| e.stream.is_some())
                .filter_map(|(&id, e)| {
                    let phase = e.phase.phase.load(Ordering::SeqCst);
                    (phase == IDLE || phase == WAITING)
                        .then(|| (e.phase.since_ms.load(Ordering::SeqCst), id, phase))
                })
                .min();
            let Some((_, id, phase)) = victim else {
                return false;
            };
            let entry = conns.open.get(&id).expect("the victim was just found");
            // The connection may have moved on meanwhile; then look again.
            if entry
                .phase
                .phase
                .compare_exchange(phase, EVICTED, Ordering::SeqCst, Ordering::SeqCst)
                .is_err()
            {
                continue;
            }
            if let Some(entry) = conns.open.remove(&id) {
                if let Some(stream) = entry.stream {
                    // Its thread's read or write fails now, and it closes.
                    let _ = stream.shutdown(Shutdown::Both);
                }
            }
            return true;
        }
    }

    /// Wakes every connection blocked waiting for its next request, so it closes now.
    pub(super) fn interrupt_idle(&self) {
        let conns = self.conns();
        for entry in conns.open.values() {
            if let (IDLE, Some(stream)) = (entry.phase.phase.load(Ordering::SeqCst), &entry.stream)
            {
                // A blocked read then returns end-of-file.
                let _ = stream.shutdown(Shutdown::Read);
            }
        }
    }

    /// Counts one more connection being answered over the cap, unless `max` already are.
    pub(super) fn begin_overload(self: &Arc<Self>, max: usize) -> Option<OverloadGuard> {
        self.overloaded
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n < max).then_some(n + 1)
            })
            .ok()?;
        Some(OverloadGuard {
            registry: Arc::clone(self),
        })
    }
}

/// A connection answered over the cap; dropping it counts it out.
pub(super) struct OverloadGuard {
    registry: Arc<Registry>,
}

impl Drop for OverloadGuard {
    fn drop(&mut self) {
        self.registry.overloaded.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A connection's registration; dropping it frees the connection slot and the duplicated socket.
pub(super) struct ConnGuard {
    registry: Arc<Registry>,
    id: u64,
    phase: Arc<Phase>,
    /// True until the connection first waits for a byte: that wait counts from the accept
    /// (stamped by `register`), not from when its thread got to run, so that on a loaded
    /// machine the connections that arrived first are still the first to give way.
    fresh: AtomicBool,
}

impl ConnGuard {
    /// Moves to `phase`, unless the connection was evicted; false if it was.
    fn set(&self, phase: u8) -> bool {
        self.set_stamped(phase, true)
    }

    /// Moves to `phase` (restamping its start if `restamp`), unless the connection was
    /// evicted; false if it was.
    fn set_stamped(&self, phase: u8, restamp: bool) -> bool {
        let moved = self
            .phase
            .phase
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |p| {
                (p != EVICTED).then_some(phase)
            })
            .is_ok();
        if moved && restamp {
            self.phase
                .since_ms
                .store(self.registry.now_ms(), Ordering::SeqCst);
        }
        moved
    }

    /// Marks the connection idle; false if the server is stopping or the connection was
    /// evicted, so that it should close.
    ///
    /// Setting the phase before reading `stopping` (and `stop` doing the reverse) guarantees
    /// that either this connection sees the flag or `interrupt_idle` sees this connection.
    pub(super) fn enter_idle(&self) -> bool {
        let first_wait = self.fresh.swap(false, Ordering::SeqCst);
        if !self.set_stamped(IDLE, !first_wait) {
            return false;
        }
        if self.registry.is_stopping() {
            self.set(WAITING);
            return false;
        }
        true
    }

    /// The client sent something: the connection waits on the rest of the exchange.
    pub(super) fn leave_idle(&self) {
        self.set(WAITING);
    }

    /// The connection works for its client (a request is being handled): it keeps its
    /// slot until [`waiting`](Self::waiting). False if it was evicted first.
    pub(super) fn busy(&self) -> bool {
        self.set(BUSY)
    }

    /// The work is done; the connection waits on its client again (its answer is being
    /// written, say) and may lose its slot to a newer connection.
    pub(super) fn waiting(&self) {
        self.set(WAITING);
    }

    /// Whether the server is stopping, so the connection should close after this request.
    pub(super) fn stopping(&self) -> bool {
        self.registry.is_stopping()
    }
}

impl Drop for ConnGuard {
    fn drop(&mut self) {
        self.registry.conns().open.remove(&self.id);
    }
}

/// What an [`RtmpHandler`](crate::http::RtmpHandler) tells the server about its
/// connection: whether it is publishing. A connection that is not may lose its slot to a
/// newer connection when every slot is taken (its socket is then shut down).
pub struct Slot<'a> {
    guard: &'a ConnGuard,
}

impl<'a> Slot<'a> {
    pub(super) fn new(guard: &'a ConnGuard) -> Slot<'a> {
        Slot { guard }
    }

    /// Marks the connection as publishing (it keeps its slot) or not; false if it already
    /// lost its slot.
    pub fn set_publishing(&self, publishing: bool) -> bool {
        if publishing {
            self.guard.busy()
        } else {
            self.guard.set(WAITING)
        }
    }
}

impl std::fmt::Debug for Slot<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Slot")
            .field("id", &self.guard.id)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    /// A connected loopback socket (its peer is dropped with the listener; the registry
    /// only needs a socket to duplicate and shut down).
    fn socket(listener: &TcpListener) -> TcpStream {
        TcpStream::connect(listener.local_addr().unwrap()).unwrap()
    }

    #[test]
    fn the_first_connection_in_gives_way_first_even_if_its_thread_ran_last() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let registry = Arc::new(Registry::new());
        let first = registry.register(&socket(&listener), 3).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(5));
        let second = registry.register(&socket(&listener), 3).unwrap();
        let third = registry.register(&socket(&listener), 3).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(5));
        // The later connections' threads reach their first wait before the first one's.
        assert!(second.enter_idle() && third.enter_idle());
        std::thread::sleep(std::time::Duration::from_millis(5));
        assert!(first.enter_idle());
        let _fourth = registry.register(&socket(&listener), 3).unwrap();
        assert!(!first.busy(), "the first connection kept its slot");
        assert!(second.busy() && third.busy());
    }

    #[test]
    fn a_connection_idle_again_after_a_request_counts_from_then() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let registry = Arc::new(Registry::new());
        let first = registry.register(&socket(&listener), 2).unwrap();
        let second = registry.register(&socket(&listener), 2).unwrap();
        assert!(first.enter_idle() && second.enter_idle());
        std::thread::sleep(std::time::Duration::from_millis(5));
        // The first answers a request and waits again: now the second waited longest.
        first.leave_idle();
        assert!(first.busy());
        first.waiting();
        assert!(first.enter_idle());
        let _third = registry.register(&socket(&listener), 2).unwrap();
        assert!(
            !second.busy(),
            "the connection idle the longest kept its slot"
        );
        assert!(first.busy());
    }
}
