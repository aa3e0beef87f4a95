//! The client's idle keep-alive connections, by the authority they reach.
//!
//! A connection goes back after an answer read in full on it and comes out for the next
//! request to the same `host[:port]`: the most recently used first, since it is the
//! likeliest to be still open. Whether it is still open is the transport's `is_open`
//! (for osslive's TCP transport, [`liveness`](super::liveness)), asked when it goes back
//! and when it comes out, as ureq's pool asked it.

use std::collections::VecDeque;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use ureq::unversioned::transport::Transport;

/// Idle keep-alive connections a client keeps, all authorities together: one per thread
/// of an encoder sharing a client, rather than ureq's default of 3 per host, which made 8
/// threads open a new connection for one call in eight (BENCHMARKS.md).
pub(crate) const MAX_IDLE_CONNECTIONS: usize = 32;

/// How long an idle connection is kept: ureq's default. OSS closes idle connections
/// after about a minute; well before that, a connection is dropped rather than probed.
pub(crate) const MAX_IDLE_AGE: Duration = Duration::from_secs(15);

/// A connection and the authority it reaches.
#[derive(Debug)]
pub(crate) struct Connection {
    pub(crate) authority: Box<str>,
    pub(crate) transport: Box<dyn Transport>,
}

#[derive(Debug)]
struct Idle {
    connection: Connection,
    since: Instant,
}

/// See the module documentation.
#[derive(Debug, Default)]
pub(crate) struct Pool {
    idle: Mutex<VecDeque<Idle>>,
}

impl Pool {
    fn idle(&self) -> std::sync::MutexGuard<'_, VecDeque<Idle>> {
        // A panic cannot leave the queue half changed.
        self.idle.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// An idle connection to `authority` that is still open, if there is one. Connections
    /// found closed or too old on the way are dropped (outside the lock: closing a TLS
    /// connection writes).
    pub(crate) fn take(&self, authority: &str) -> Option<Connection> {
        loop {
            let now = Instant::now();
            let (found, expired) = {
                let mut idle = self.idle();
                let expired: Vec<Idle> = {
                    let mut old = Vec::new();
                    while idle
                        .front()
                        .is_some_and(|i| now.saturating_duration_since(i.since) >= MAX_IDLE_AGE)
                    {
                        old.extend(idle.pop_front());
                    }
                    old
                };
                let found = idle
                    .iter()
                    .rposition(|i| &*i.connection.authority == authority)
                    .and_then(|at| idle.remove(at));
                (found, expired)
            };
            drop(expired);
            let mut found = found?.connection;
            if found.transport.is_open() {
                return Some(found);
            }
        }
    }

    /// Keeps `connection` for a later request, unless it is no longer open; at the cap,
    /// the connection idle longest gives way.
    pub(crate) fn give_back(&self, mut connection: Connection) {
        if !connection.transport.is_open() {
            return;
        }
        let evicted = {
            let mut idle = self.idle();
            idle.push_back(Idle {
                connection,
                since: Instant::now(),
            });
            (idle.len() > MAX_IDLE_CONNECTIONS)
                .then(|| idle.pop_front())
                .flatten()
        };
        drop(evicted);
    }
}
