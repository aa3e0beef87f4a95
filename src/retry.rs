//! When and how a failed request is tried again: exponential backoff with full jitter
//! inside an overall deadline, and the correction of a clock OSS finds skewed.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime};

/// Default number of attempts per call, the first included.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;
/// Default first backoff ceiling; it doubles after each failed attempt.
pub const DEFAULT_RETRY_BASE_DELAY: Duration = Duration::from_millis(200);
/// No single backoff waits longer than this.
pub const MAX_RETRY_DELAY: Duration = Duration::from_secs(5);
/// Default time one call may take across all its attempts and backoffs.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(60);

/// How a client retries; see `ClientBuilder::max_attempts`, `retry_base_delay` and `deadline`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RetryPolicy {
    pub(crate) max_attempts: u32,
    pub(crate) base_delay: Duration,
    pub(crate) deadline: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            base_delay: DEFAULT_RETRY_BASE_DELAY,
            deadline: DEFAULT_DEADLINE,
        }
    }
}

impl RetryPolicy {
    /// The wait after failed attempt number `attempt` (1-based): uniformly random in
    /// `[0, min(MAX_RETRY_DELAY, base * 2^(attempt-1))]`. Full jitter spreads the retries
    /// of many clients hit by the same outage instead of having them return in step.
    pub(crate) fn backoff(&self, attempt: u32) -> Duration {
        let ceiling = self
            .base_delay
            .saturating_mul(1u32 << (attempt.saturating_sub(1)).min(20))
            .min(MAX_RETRY_DELAY);
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        if nanos == 0 {
            return Duration::ZERO;
        }
        Duration::from_nanos(random_u64() % (nanos + 1))
    }
}

/// A random number good enough for jitter, from the standard library's per-process
/// random hash keys; no crate needed for something that need not be unpredictable.
fn random_u64() -> u64 {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u128(
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    hasher.finish()
}

/// The client's view of OSS's clock: the local clock plus an offset learnt from the
/// `Date` of a `RequestTimeTooSkewed` answer. Signatures and relative RTMP expiries use it.
#[derive(Debug, Default)]
pub(crate) struct SkewedClock {
    offset_millis: AtomicI64,
}

impl SkewedClock {
    /// Now, as OSS sees it.
    pub(crate) fn now(&self) -> SystemTime {
        let offset = self.offset_millis.load(Ordering::Relaxed);
        let now = SystemTime::now();
        let shift = Duration::from_millis(offset.unsigned_abs());
        if offset >= 0 {
            now.checked_add(shift).unwrap_or(now)
        } else {
            now.checked_sub(shift).unwrap_or(now)
        }
    }

    /// Learns the offset from a server time read at local time `local`; returns it in ms.
    pub(crate) fn correct(&self, server: SystemTime, local: SystemTime) -> i64 {
        let offset = match server.duration_since(local) {
            Ok(ahead) => i64::try_from(ahead.as_millis()).unwrap_or(i64::MAX),
            Err(behind) => -i64::try_from(behind.duration().as_millis()).unwrap_or(i64::MAX),
        };
        self.offset_millis.store(offset, Ordering::Relaxed);
        offset
    }

    /// The current offset in milliseconds (positive: OSS is ahead).
    #[cfg(test)]
    pub(crate) fn offset_millis(&self) -> i64 {
        self.offset_millis.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_stays_under_a_doubling_capped_ceiling() {
        let policy = RetryPolicy {
            base_delay: Duration::from_millis(100),
            ..Default::default()
        };
        for attempt in 1..=12 {
            let ceiling = (Duration::from_millis(100) * (1 << (attempt - 1))).min(MAX_RETRY_DELAY);
            for _ in 0..50 {
                assert!(policy.backoff(attempt) <= ceiling, "attempt {attempt}");
            }
        }
        let zero = RetryPolicy {
            base_delay: Duration::ZERO,
            ..Default::default()
        };
        assert_eq!(zero.backoff(3), Duration::ZERO);
    }

    #[test]
    fn backoff_is_jittered() {
        let policy = RetryPolicy::default();
        let samples: std::collections::HashSet<Duration> =
            (0..20).map(|_| policy.backoff(3)).collect();
        assert!(
            samples.len() > 10,
            "full jitter should rarely repeat: {samples:?}"
        );
    }

    #[test]
    fn clock_learns_the_server_offset() {
        let clock = SkewedClock::default();
        let local = SystemTime::now();
        assert_eq!(
            clock.correct(local + Duration::from_secs(3600), local),
            3_600_000
        );
        let ahead = clock.now().duration_since(SystemTime::now()).unwrap();
        assert!(ahead > Duration::from_secs(3590) && ahead <= Duration::from_secs(3600));
        assert_eq!(
            clock.correct(local - Duration::from_secs(20), local),
            -20_000
        );
        assert_eq!(clock.offset_millis(), -20_000);
    }
}
