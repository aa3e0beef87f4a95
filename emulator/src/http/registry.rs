//! The registry of open connections: it caps how many are open at once and lets shutdown
//! wake the ones idling between requests.

use std::collections::HashMap;
use std::net::{Shutdown, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// State shared between the server handle, the accept thread and the connection threads.
pub(super) struct Registry {
    stopping: AtomicBool,
    conns: Mutex<Conns>,
}

struct Conns {
    next_id: u64,
    open: HashMap<u64, ConnEntry>,
}

struct ConnEntry {
    /// A duplicate of the connection's socket, used only to interrupt an idle read at shutdown;
    /// `None` if the duplication failed (the connection then just idles out).
    stream: Option<TcpStream>,
    idle: Arc<AtomicBool>,
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

    /// Registers a new connection unless the limit is reached.
    pub(super) fn register(
        self: &Arc<Self>,
        stream: &TcpStream,
        max_connections: usize,
    ) -> Option<ConnGuard> {
        let mut conns = self.conns();
        if conns.open.len() >= max_connections {
            return None;
        }
        let id = conns.next_id;
        conns.next_id += 1;
        let idle = Arc::new(AtomicBool::new(false));
        conns.open.insert(
            id,
            ConnEntry {
                stream: stream.try_clone().ok(),
                idle: Arc::clone(&idle),
            },
        );
        Some(ConnGuard {
            registry: Arc::clone(self),
            id,
            idle,
        })
    }

    /// Wakes every connection blocked waiting for its next request, so it closes now.
    pub(super) fn interrupt_idle(&self) {
        let conns = self.conns();
        for entry in conns.open.values() {
            if let (true, Some(stream)) = (entry.idle.load(Ordering::SeqCst), &entry.stream) {
                // A blocked read then returns end-of-file.
                let _ = stream.shutdown(Shutdown::Read);
            }
        }
    }
}

/// A connection's registration; dropping it frees the connection slot and the duplicated socket.
pub(super) struct ConnGuard {
    registry: Arc<Registry>,
    id: u64,
    idle: Arc<AtomicBool>,
}

impl ConnGuard {
    /// Marks the connection idle; false if the server is stopping and the connection should close.
    ///
    /// Setting the flag before reading `stopping` (and `stop` doing the reverse) guarantees that
    /// either this connection sees the flag or `interrupt_idle` sees this connection.
    pub(super) fn enter_idle(&self) -> bool {
        self.idle.store(true, Ordering::SeqCst);
        if self.registry.is_stopping() {
            self.idle.store(false, Ordering::SeqCst);
            return false;
        }
        true
    }

    pub(super) fn leave_idle(&self) {
        self.idle.store(false, Ordering::SeqCst);
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
