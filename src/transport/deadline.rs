//! Blocking socket I/O bounded by a deadline, with the socket's timeout set only when it
//! has to shrink.
//!
//! Each read and write is handed the time left of the request's overall timeout. ureq's TCP
//! transport made that the socket's `SO_RCVTIMEO` / `SO_SNDTIMEO` whenever it differed from
//! the last value, and as the time left shrinks from call to call it always did: one
//! `setsockopt` per read and per write (BENCHMARKS.md). Here the socket keeps a timeout as
//! long as it is no longer than the time left, so one blocking call can never overrun the
//! deadline; a call that times out early is simply made again with what is left, until
//! the deadline itself has passed.

use std::io;
use std::time::{Duration, Instant};

use ureq::Timeout;
use ureq::unversioned::transport::NextTimeout;
use ureq::unversioned::transport::time::Duration as UreqDuration;

/// Time left below which an operation is not started but reported as timed out: a socket
/// timeout cannot be zero, and a wait this short could not succeed anyway.
const TOO_SHORT: Duration = Duration::from_millis(1);

/// Above this much time left, a new socket timeout is set an eighth short of it (see
/// [`SocketTimeout::at_most`]); below, exactly to it.
const ROUND_DOWN_ABOVE: Duration = Duration::from_millis(8);

/// When a ureq timeout ends, and the reason to report when it does.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Deadline {
    /// `None`: no limit.
    at: Option<Instant>,
    reason: Timeout,
}

impl Deadline {
    /// The end of `timeout` as seen from now.
    pub(crate) fn of(timeout: NextTimeout) -> Deadline {
        let at = match timeout.after {
            UreqDuration::Exact(left) => Some(Instant::now().checked_add(left).unwrap_or_else(
                // Unrepresentably far: no limit in practice, but keep one.
                || Instant::now() + Duration::from_secs(365 * 24 * 3600),
            )),
            UreqDuration::NotHappening => None,
        };
        Deadline {
            at,
            reason: timeout.reason,
        }
    }
}

/// One of a socket's two timeouts, as last set on it.
#[derive(Debug, Default)]
pub(crate) struct SocketTimeout {
    current: Option<Duration>,
    /// How many times it was set, for the tests.
    #[cfg(test)]
    changes: usize,
}

impl SocketTimeout {
    /// Makes sure the next blocking call returns no later than `left` from now, calling
    /// `set` only when the current timeout is longer (or there is none).
    ///
    /// A new timeout is set an eighth short of `left`: the next request starts with the
    /// same configured budget minus the few microseconds this one took, and then still
    /// finds the timeout short enough, so a client making call after call sets it once.
    /// A call that times out before the deadline is made again with what is left
    /// ([`bounded`]), which costs only calls that wait for seconds anyway.
    fn at_most(
        &mut self,
        left: Duration,
        set: impl FnOnce(Duration) -> io::Result<()>,
    ) -> io::Result<()> {
        if self.current.is_some_and(|t| t <= left) {
            return Ok(());
        }
        let value = if left > ROUND_DOWN_ABOVE {
            left - left / 8
        } else {
            left
        };
        match set(value) {
            Ok(()) => {
                self.current = Some(value);
                #[cfg(test)]
                {
                    self.changes += 1;
                }
                Ok(())
            }
            // macOS refuses to change the timeout of a socket whose peer closed with
            // request bytes unread, while the answer may still be readable: let the I/O
            // report what happened, as ureq does.
            Err(e) if cfg!(target_os = "macos") && e.kind() == io::ErrorKind::InvalidInput => {
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    /// How many times the timeout was set.
    #[cfg(test)]
    pub(crate) fn changes(&self) -> usize {
        self.changes
    }
}

/// Runs the blocking `op` until it completes or fails, each call bounded by `timeout`
/// (set through `set` when it must shrink) so that none outlives `deadline`; a call that
/// times out, or is interrupted, is made again with the time left. Past the deadline the
/// error is ureq's `Timeout` with the deadline's reason, as ureq's own transport reports it.
pub(crate) fn bounded<T>(
    deadline: Deadline,
    timeout: &mut SocketTimeout,
    set: impl Fn(Duration) -> io::Result<()>,
    mut op: impl FnMut() -> io::Result<T>,
) -> Result<T, ureq::Error> {
    loop {
        if let Some(at) = deadline.at {
            let left = at.saturating_duration_since(Instant::now());
            if left < TOO_SHORT {
                return Err(ureq::Error::Timeout(deadline.reason));
            }
            timeout.at_most(left, &set)?;
        }
        match op() {
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock
                        | io::ErrorKind::TimedOut
                        | io::ErrorKind::Interrupted
                ) => {}
            Err(e) => return Err(e.into()),
            Ok(v) => return Ok(v),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    fn deadline_in(left: Duration) -> Deadline {
        Deadline::of(NextTimeout {
            after: UreqDuration::Exact(left),
            reason: Timeout::RecvResponse,
            ..NextTimeout::default()
        })
    }

    #[test]
    fn a_timeout_is_set_once_for_calls_with_about_the_same_budget() {
        let mut timeout = SocketTimeout::default();
        let set_to = RefCell::new(Vec::new());
        for i in 0..100u64 {
            // Each request's budget: the configured 30 s less what the last one took.
            let budget = Duration::from_secs(30) - Duration::from_micros(i * 20);
            let n = bounded(
                deadline_in(budget),
                &mut timeout,
                |t| {
                    set_to.borrow_mut().push(t);
                    Ok(())
                },
                || Ok(7),
            )
            .unwrap();
            assert_eq!(n, 7);
        }
        assert_eq!(timeout.changes(), 1);
        let set = set_to.borrow()[0];
        assert!(
            set < Duration::from_secs(30) && set > Duration::from_secs(25),
            "{set:?}"
        );
        // A shorter deadline lowers it; the next full budget keeps the lower value.
        bounded(
            deadline_in(Duration::from_secs(2)),
            &mut timeout,
            |_| Ok(()),
            || Ok(()),
        )
        .unwrap();
        bounded(
            deadline_in(Duration::from_secs(30)),
            &mut timeout,
            |_| Ok(()),
            || Ok(()),
        )
        .unwrap();
        assert_eq!(timeout.changes(), 2);
        // No limit at all: nothing to set.
        let unlimited = Deadline::of(NextTimeout::default());
        let mut fresh = SocketTimeout::default();
        bounded(unlimited, &mut fresh, |_| Ok(()), || Ok(())).unwrap();
        assert_eq!(fresh.changes(), 0);
    }

    #[test]
    fn timed_out_calls_are_made_again_until_the_deadline() {
        let mut timeout = SocketTimeout::default();
        let calls = RefCell::new(0);
        let started = Instant::now();
        // Each call "waits" for the timeout the socket has, as a blocking read would.
        let current = RefCell::new(Duration::ZERO);
        let result: Result<(), _> = bounded(
            deadline_in(Duration::from_millis(120)),
            &mut timeout,
            |t| {
                *current.borrow_mut() = t;
                Ok(())
            },
            || {
                *calls.borrow_mut() += 1;
                std::thread::sleep(*current.borrow());
                Err(io::ErrorKind::WouldBlock.into())
            },
        );
        let took = started.elapsed();
        assert!(
            matches!(result, Err(ureq::Error::Timeout(Timeout::RecvResponse))),
            "{result:?}"
        );
        assert!(
            took >= Duration::from_millis(115) && took < Duration::from_millis(600),
            "{took:?}"
        );
        assert!(*calls.borrow() > 1, "retried with what was left");
    }

    #[test]
    fn other_errors_end_at_once_and_a_spent_budget_makes_no_call() {
        let mut timeout = SocketTimeout::default();
        let err = bounded(
            deadline_in(Duration::from_secs(5)),
            &mut timeout,
            |_| Ok(()),
            || -> io::Result<()> { Err(io::ErrorKind::ConnectionReset.into()) },
        )
        .unwrap_err();
        assert!(
            matches!(&err, ureq::Error::Io(e) if e.kind() == io::ErrorKind::ConnectionReset),
            "{err:?}"
        );
        let err = bounded(
            deadline_in(Duration::ZERO),
            &mut timeout,
            |_| Ok(()),
            || -> io::Result<()> { panic!("no call past the deadline") },
        )
        .unwrap_err();
        assert!(matches!(err, ureq::Error::Timeout(Timeout::RecvResponse)));
    }
}
