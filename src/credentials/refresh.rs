//! [`RefreshingCredentials`]: keeps the credentials a provider gives until a margin before
//! they expire, refreshes them from one thread at a time while the others go on with the
//! ones still valid, and retries a failed refresh until they expire.

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

use super::access_key::Credentials;
use super::provider::{CredentialsProvider, fetch, reason};
use crate::Error;
use crate::settings::LogHook;

/// The most credentials are refreshed ahead of their expiry: `credentials-go` treats
/// credentials as stale 15 minutes before they expire. Short-lived credentials are
/// refreshed when a quarter of their lifetime is left instead.
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(15 * 60);

/// The wait after a first failed refresh; it doubles with each failure in a row.
const FIRST_RETRY_DELAY: Duration = Duration::from_secs(1);
/// The longest wait between two tries while the current credentials are still valid.
const MAX_RETRY_DELAY: Duration = Duration::from_secs(30);

/// A provider whose expiring credentials are kept and refreshed; every client wraps the
/// provider it is given in one, with the client's log hook.
///
/// - Credentials with an [`expiration`](Credentials::expiration) are kept until a margin
///   before it (the smaller of [`DEFAULT_REFRESH_MARGIN`] and a quarter of their lifetime),
///   then refreshed by the one thread that finds them due. The others keep using the
///   current ones, which are still valid, or wait for that refresh when there are none.
/// - A refresh that fails is reported (`Warn`, to the log hook and the `log` facade) and
///   tried again after a delay (1 s, doubling, at most 30 s, and at most a quarter of the
///   time left), and the current credentials are used until they expire. Past that,
///   calls fail with the error of the last try.
/// - Credentials without an expiry are not kept: the provider is asked at every call,
///   from any number of threads at once, as if this wrapper were not there.
pub struct RefreshingCredentials {
    provider: Arc<dyn CredentialsProvider>,
    margin: Duration,
    log_hook: Option<LogHook>,
    /// Set once the provider gave credentials without an expiry.
    pass_through: AtomicBool,
    state: Mutex<State>,
    /// Notified when a refresh ends.
    refreshed: Condvar,
}

#[derive(Default)]
struct State {
    cached: Option<Cached>,
    refreshing: bool,
    /// Refreshes ended so far: a thread that waited for one can tell it ended.
    finished: u64,
    /// Failed refreshes in a row.
    failures: u32,
    /// No refresh before this while the cached credentials can still be used.
    retry_at: Option<Instant>,
    /// Why the last refresh failed, for the threads that waited for it.
    last_error: Option<String>,
}

struct Cached {
    credentials: Credentials,
    refresh_at: SystemTime,
    expires: SystemTime,
}

impl fmt::Debug for RefreshingCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let expires = self.lock().cached.as_ref().map(|c| c.expires);
        f.debug_struct("RefreshingCredentials")
            .field("provider", &self.provider)
            .field("cached_until", &expires.map(crate::time::iso8601))
            .finish()
    }
}

impl RefreshingCredentials {
    /// Wraps `provider`.
    pub fn new(provider: impl CredentialsProvider + 'static) -> RefreshingCredentials {
        RefreshingCredentials::shared(Arc::new(provider))
    }

    /// Wraps a provider that is shared.
    pub(crate) fn shared(provider: Arc<dyn CredentialsProvider>) -> RefreshingCredentials {
        RefreshingCredentials {
            provider,
            margin: DEFAULT_REFRESH_MARGIN,
            log_hook: None,
            pass_through: AtomicBool::new(false),
            state: Mutex::default(),
            refreshed: Condvar::new(),
        }
    }

    /// The most credentials are refreshed ahead of their expiry, instead of
    /// [`DEFAULT_REFRESH_MARGIN`].
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self
    }

    /// Receives a line for each refresh, failed ones included (never a secret).
    pub fn log_hook(mut self, hook: impl Fn(log::Level, &str) + Send + Sync + 'static) -> Self {
        self.log_hook = Some(Arc::new(hook));
        self
    }

    /// Sets or removes the log hook.
    pub(crate) fn with_log_hook(mut self, hook: Option<LogHook>) -> Self {
        self.log_hook = hook;
        self
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn log(&self, level: log::Level, message: &str) {
        log::log!(target: "osslive", level, "{message}");
        if let Some(hook) = &self.log_hook {
            hook(level, message);
        }
    }

    /// When credentials obtained `now` and expiring at `expires` are due for a refresh.
    fn refresh_at(&self, now: SystemTime, expires: SystemTime) -> SystemTime {
        let lifetime = expires.duration_since(now).unwrap_or_default();
        expires
            .checked_sub(self.margin.min(lifetime / 4))
            .unwrap_or(now)
    }

    /// Refreshes as the one thread doing it, `usable` being the cached credentials if they
    /// have not expired.
    fn refresh(
        &self,
        mut state: MutexGuard<'_, State>,
        usable: Option<Credentials>,
    ) -> Result<Credentials, Error> {
        state.refreshing = true;
        drop(state);
        let mut ending = EndRefresh {
            owner: self,
            armed: true,
        };
        let result = fetch(&*self.provider);
        ending.armed = false;

        let now = SystemTime::now();
        let mut state = self.lock();
        state.refreshing = false;
        state.finished += 1;
        self.refreshed.notify_all();
        let result = result.and_then(|creds| match creds.expiration() {
            Some(expires) if expires <= now => Err(Error::credentials(format!(
                "the credentials provider gave credentials that expired at {}",
                crate::time::iso8601(expires)
            ))),
            _ => Ok(creds),
        });
        let (result, line) = match result {
            Ok(creds) => {
                let line = self.store(&mut state, &creds, now);
                (Ok(creds), line)
            }
            Err(e) => {
                state.failures += 1;
                let why = reason(&e);
                state.last_error = Some(why.clone());
                let expires = state.cached.as_ref().map(|c| c.expires);
                match (usable, expires) {
                    (Some(old), Some(expires)) if now < expires => {
                        let left = expires.duration_since(now).unwrap_or_default();
                        let delay = retry_delay(state.failures).min(left / 4);
                        state.retry_at = Some(Instant::now() + delay);
                        let line = format!(
                            "refreshing credentials failed ({} in a row): {why}; the current \
                             ones are used until they expire at {}; next try in {} ms",
                            state.failures,
                            crate::time::iso8601(expires),
                            delay.as_millis()
                        );
                        (Ok(old), Some((log::Level::Warn, line)))
                    }
                    _ => {
                        state.cached = None;
                        state.retry_at = None;
                        let line = format!("cannot get credentials: {why}");
                        (Err(e), Some((log::Level::Warn, line)))
                    }
                }
            }
        };
        drop(state);
        if let Some((level, line)) = line {
            self.log(level, &line);
        }
        result
    }

    /// Keeps fresh credentials obtained `now`; the line to log about it, if any.
    fn store(
        &self,
        state: &mut State,
        creds: &Credentials,
        now: SystemTime,
    ) -> Option<(log::Level, String)> {
        let failures = std::mem::take(&mut state.failures);
        state.retry_at = None;
        state.last_error = None;
        let Some(expires) = creds.expiration() else {
            state.cached = None;
            self.pass_through.store(true, Ordering::Relaxed);
            return None;
        };
        state.cached = Some(Cached {
            credentials: creds.clone(),
            refresh_at: self.refresh_at(now, expires),
            expires,
        });
        let expiry = crate::time::iso8601(expires);
        Some(if failures > 0 {
            (
                log::Level::Info,
                format!(
                    "credentials refreshed after {failures} failed tries; they expire at {expiry}"
                ),
            )
        } else {
            (
                log::Level::Debug,
                format!("credentials refreshed; they expire at {expiry}"),
            )
        })
    }
}

/// Ends a refresh whose provider panicked: the waiting threads must not wait forever.
struct EndRefresh<'a> {
    owner: &'a RefreshingCredentials,
    armed: bool,
}

impl Drop for EndRefresh<'_> {
    fn drop(&mut self) {
        if self.armed {
            let mut state = self.owner.lock();
            state.refreshing = false;
            state.finished += 1;
            state.last_error = Some("the credentials provider panicked".to_owned());
            self.owner.refreshed.notify_all();
        }
    }
}

/// The wait before try `failures + 1`, before the cap of a quarter of the time left.
fn retry_delay(failures: u32) -> Duration {
    let doublings = failures.saturating_sub(1).min(16);
    (FIRST_RETRY_DELAY * (1 << doublings)).min(MAX_RETRY_DELAY)
}

impl CredentialsProvider for RefreshingCredentials {
    fn credentials(&self) -> Result<Credentials, Error> {
        if self.pass_through.load(Ordering::Relaxed) {
            let creds = self.provider.credentials()?;
            if creds.expiration().is_none() {
                return Ok(creds);
            }
            // The provider started giving credentials that expire: keep them from now on.
            self.pass_through.store(false, Ordering::Relaxed);
        }
        let mut state = self.lock();
        loop {
            let now = SystemTime::now();
            let usable = match &state.cached {
                Some(c) if now < c.refresh_at => return Ok(c.credentials.clone()),
                Some(c) if now < c.expires => Some(c.credentials.clone()),
                _ => None,
            };
            let backing_off = state.retry_at.is_some_and(|at| Instant::now() < at);
            let wait_or_use = state.refreshing || (usable.is_some() && backing_off);
            if !wait_or_use {
                return self.refresh(state, usable);
            }
            if let Some(creds) = usable {
                return Ok(creds);
            }
            // Nothing usable and a refresh under way: wait for it, then take what it got.
            let finished = state.finished;
            while state.refreshing && state.finished == finished {
                state = self
                    .refreshed
                    .wait(state)
                    .unwrap_or_else(|p| p.into_inner());
            }
            let now = SystemTime::now();
            let got_some = state.cached.as_ref().is_some_and(|c| now < c.expires);
            if !got_some && state.finished != finished {
                if let Some(why) = &state.last_error {
                    return Err(Error::credentials(why.clone()));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
