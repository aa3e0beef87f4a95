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

/// How long an idle connection is kept, as ureq kept them: a connection idle longer is
/// likelier closed by the server (or a NAT on the way) than worth a probe.
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    use ureq::unversioned::transport::{Buffers, LazyBuffers, NextTimeout};

    thread_local! {
        /// The number of the fake connection last asked whether it is open.
        static LAST_ASKED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    }

    /// A connection that is open while its flag says so, and is known by its number.
    #[derive(Debug)]
    struct Fake {
        id: usize,
        open: Arc<AtomicBool>,
        buffers: LazyBuffers,
    }

    impl Transport for Fake {
        fn buffers(&mut self) -> &mut dyn Buffers {
            &mut self.buffers
        }
        fn transmit_output(&mut self, _: usize, _: NextTimeout) -> Result<(), ureq::Error> {
            unreachable!("the pool never sends")
        }
        fn await_input(&mut self, _: NextTimeout) -> Result<bool, ureq::Error> {
            unreachable!("the pool never reads")
        }
        fn is_open(&mut self) -> bool {
            LAST_ASKED.set(self.id);
            self.open.load(Ordering::SeqCst)
        }
    }

    fn connection(id: usize, authority: &str) -> (Connection, Arc<AtomicBool>) {
        let open = Arc::new(AtomicBool::new(true));
        let transport = Fake {
            id,
            open: Arc::clone(&open),
            buffers: LazyBuffers::new(1, 1),
        };
        let connection = Connection {
            authority: authority.into(),
            transport: Box::new(transport),
        };
        (connection, open)
    }

    /// Which fake connection this is (asking it records its number; the pool holds the
    /// transport only as a `dyn Transport`).
    fn id_of(mut connection: Connection) -> usize {
        connection.transport.is_open();
        LAST_ASKED.get()
    }

    #[test]
    fn the_most_recent_connection_to_the_authority_comes_out_first() {
        let pool = Pool::default();
        for (id, authority) in [(1, "a:80"), (2, "b:80"), (3, "a:80")] {
            pool.give_back(connection(id, authority).0);
        }
        assert_eq!(pool.take("a:80").map(id_of), Some(3));
        assert_eq!(pool.take("a:80").map(id_of), Some(1));
        assert!(pool.take("a:80").is_none());
        assert_eq!(pool.take("b:80").map(id_of), Some(2));
    }

    #[test]
    fn closed_connections_are_neither_kept_nor_handed_out() {
        let pool = Pool::default();
        let (closed, flag) = connection(1, "a:80");
        flag.store(false, Ordering::SeqCst);
        pool.give_back(closed);
        assert!(
            pool.take("a:80").is_none(),
            "not kept when closed on return"
        );
        let (older, _) = connection(2, "a:80");
        let (newer, newer_open) = connection(3, "a:80");
        pool.give_back(older);
        pool.give_back(newer);
        // The newest closed while idle: dropped on the way to the next one.
        newer_open.store(false, Ordering::SeqCst);
        assert_eq!(pool.take("a:80").map(id_of), Some(2));
        assert!(pool.take("a:80").is_none());
    }

    #[test]
    fn over_the_cap_the_connection_idle_longest_gives_way() {
        let pool = Pool::default();
        for id in 0..=MAX_IDLE_CONNECTIONS {
            pool.give_back(connection(id, "a:80").0);
        }
        let mut ids: Vec<usize> = std::iter::from_fn(|| pool.take("a:80").map(id_of)).collect();
        ids.sort_unstable();
        assert_eq!(ids, (1..=MAX_IDLE_CONNECTIONS).collect::<Vec<_>>());
    }

    #[test]
    fn a_connection_idle_too_long_is_dropped() {
        let pool = Pool::default();
        pool.give_back(connection(1, "a:80").0);
        // Age it as if it had waited past the limit.
        let mut idle = pool.idle();
        let since = &mut idle.front_mut().unwrap().since;
        *since = since
            .checked_sub(MAX_IDLE_AGE)
            .expect("the machine has been up for longer than the idle limit");
        drop(idle);
        pool.give_back(connection(2, "b:80").0);
        assert!(pool.take("a:80").is_none());
        assert_eq!(
            pool.idle().len(),
            1,
            "the old one was dropped, the fresh one kept"
        );
        assert_eq!(pool.take("b:80").map(id_of), Some(2));
    }
}
