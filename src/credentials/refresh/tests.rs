use std::collections::VecDeque;
use std::sync::atomic::AtomicUsize;
use std::sync::mpsc;
use std::thread;

use super::*;

/// What the scripted provider does at each call: give credentials valid for a time (or
/// without expiry), or fail.
enum Step {
    ValidFor(Duration),
    NoExpiry,
    Fail,
}

/// A provider that follows a script, counts its calls, and can be held inside a call
/// until the test lets it go.
#[derive(Debug, Default)]
struct Scripted {
    calls: AtomicUsize,
    script: Mutex<VecDeque<StepBox>>,
    /// When set, each call reports that it started and waits for a word to go on.
    gate: Mutex<Option<(mpsc::Sender<()>, mpsc::Receiver<()>)>>,
}

#[derive(Debug)]
struct StepBox(&'static str, Option<Duration>);

impl Scripted {
    fn new(steps: Vec<Step>) -> Arc<Scripted> {
        let script = steps
            .into_iter()
            .map(|s| match s {
                Step::ValidFor(d) => StepBox("valid", Some(d)),
                Step::NoExpiry => StepBox("forever", None),
                Step::Fail => StepBox("fail", None),
            })
            .collect();
        Arc::new(Scripted {
            script: Mutex::new(script),
            ..Scripted::default()
        })
    }

    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

impl CredentialsProvider for Scripted {
    fn credentials(&self) -> Result<Credentials, Error> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        if let Some((started, go_on)) = &*self.gate.lock().unwrap() {
            started.send(()).unwrap();
            go_on.recv().unwrap();
        }
        let step = self.script.lock().unwrap().pop_front();
        let creds = Credentials::new(format!("STS.id{n}"), "RefreshTestSecret-0123456789")
            .with_security_token(format!("token{n}"));
        match step {
            Some(StepBox("valid", Some(d))) => Ok(creds.with_expiration(SystemTime::now() + d)),
            Some(StepBox("forever", _)) => Ok(creds),
            _ => Err(Error::credentials(format!("source down (call {n})"))),
        }
    }
}

fn wrap(provider: &Arc<Scripted>) -> (RefreshingCredentials, Arc<Mutex<Vec<String>>>) {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&lines);
    let wrapper =
        RefreshingCredentials::shared(Arc::clone(provider) as Arc<dyn CredentialsProvider>)
            .log_hook(move |level, line| sink.lock().unwrap().push(format!("{level} {line}")));
    (wrapper, lines)
}

fn id(result: Result<Credentials, Error>) -> String {
    result.unwrap().access_key_id().to_owned()
}

#[test]
fn expiring_credentials_are_kept_until_a_margin_before_they_expire() {
    let provider = Scripted::new(vec![
        Step::ValidFor(Duration::from_secs(3600)),
        Step::ValidFor(Duration::from_secs(3600)),
    ]);
    let (wrapper, lines) = wrap(&provider);
    for _ in 0..100 {
        assert_eq!(id(wrapper.credentials()), "STS.id1");
    }
    assert_eq!(provider.calls(), 1);
    assert!(lines.lock().unwrap()[0].starts_with("DEBUG credentials refreshed; they expire at"));
    // Due 15 minutes before the hour is up: a quarter of an hour-long lifetime.
    let state = wrapper.lock();
    let cached = state.cached.as_ref().unwrap();
    let ahead = cached.expires.duration_since(cached.refresh_at).unwrap();
    assert!(
        ahead <= DEFAULT_REFRESH_MARGIN && ahead > DEFAULT_REFRESH_MARGIN - Duration::from_secs(1),
        "{ahead:?}"
    );
    drop(state);
    // Short-lived credentials get a quarter of their lifetime.
    let short = Scripted::new(vec![Step::ValidFor(Duration::from_secs(8))]);
    let (wrapper, _) = wrap(&short);
    wrapper.credentials().unwrap();
    let state = wrapper.lock();
    let cached = state.cached.as_ref().unwrap();
    let ahead = cached.expires.duration_since(cached.refresh_at).unwrap();
    assert!(ahead <= Duration::from_secs(2) && ahead > Duration::from_millis(1900));
}

#[test]
fn credentials_without_expiry_are_asked_for_at_every_call() {
    let provider = Scripted::new((0..5).map(|_| Step::NoExpiry).collect());
    let (wrapper, lines) = wrap(&provider);
    let ids: Vec<String> = (0..5).map(|_| id(wrapper.credentials())).collect();
    assert_eq!(ids, ["STS.id1", "STS.id2", "STS.id3", "STS.id4", "STS.id5"]);
    assert!(lines.lock().unwrap().is_empty(), "nothing refreshed");
}

#[test]
fn one_thread_refreshes_while_the_others_use_the_valid_credentials() {
    let provider = Scripted::new(vec![
        Step::ValidFor(Duration::from_secs(4)),
        Step::ValidFor(Duration::from_secs(3600)),
    ]);
    let (wrapper, _) = wrap(&provider);
    assert_eq!(id(wrapper.credentials()), "STS.id1");
    // Due after 3 s (a quarter of 4 s ahead), valid until 4 s.
    thread::sleep(Duration::from_millis(3100));
    let (started_tx, started_rx) = mpsc::channel();
    let (go_tx, go_rx) = mpsc::channel();
    *provider.gate.lock().unwrap() = Some((started_tx, go_rx));
    let wrapper = Arc::new(wrapper);
    let refresher = {
        let wrapper = Arc::clone(&wrapper);
        thread::spawn(move || id(wrapper.credentials()))
    };
    started_rx.recv().unwrap();
    // The refresh is held inside the provider: others get the old credentials at once.
    for _ in 0..10 {
        assert_eq!(id(wrapper.credentials()), "STS.id1");
    }
    assert_eq!(provider.calls(), 2, "only one thread refreshes");
    go_tx.send(()).unwrap();
    assert_eq!(refresher.join().unwrap(), "STS.id2");
    *provider.gate.lock().unwrap() = None;
    assert_eq!(id(wrapper.credentials()), "STS.id2");
}

#[test]
fn threads_without_credentials_wait_for_one_refresh() {
    let provider = Scripted::new(vec![Step::ValidFor(Duration::from_secs(3600))]);
    let (started_tx, started_rx) = mpsc::channel();
    let (go_tx, go_rx) = mpsc::channel();
    *provider.gate.lock().unwrap() = Some((started_tx, go_rx));
    let (wrapper, _) = wrap(&provider);
    let wrapper = Arc::new(wrapper);
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let wrapper = Arc::clone(&wrapper);
            thread::spawn(move || id(wrapper.credentials()))
        })
        .collect();
    started_rx.recv().unwrap();
    thread::sleep(Duration::from_millis(100));
    go_tx.send(()).unwrap();
    for t in threads {
        assert_eq!(t.join().unwrap(), "STS.id1");
    }
    assert_eq!(provider.calls(), 1);
}

#[test]
fn a_failed_refresh_is_reported_retried_and_the_old_credentials_used_until_they_expire() {
    let provider = Scripted::new(vec![
        Step::ValidFor(Duration::from_secs(4)),
        Step::Fail,
        Step::Fail,
        Step::Fail,
        Step::Fail,
    ]);
    let (wrapper, lines) = wrap(&provider);
    assert_eq!(id(wrapper.credentials()), "STS.id1");
    // Due after 3 s; the first try fails and the next waits min(1 s, about 950 ms / 4).
    thread::sleep(Duration::from_millis(3050));
    assert_eq!(id(wrapper.credentials()), "STS.id1");
    assert_eq!(provider.calls(), 2);
    let warning = lines.lock().unwrap().last().unwrap().clone();
    assert!(
        warning.starts_with(
            "WARN refreshing credentials failed (1 in a row): source down (call 2); \
             the current ones are used until they expire at"
        ),
        "{warning}"
    );
    // Backing off: no new try at once.
    assert_eq!(id(wrapper.credentials()), "STS.id1");
    assert_eq!(provider.calls(), 2);
    thread::sleep(Duration::from_millis(300));
    assert_eq!(id(wrapper.credentials()), "STS.id1");
    assert_eq!(provider.calls(), 3, "tried again after the delay");
    // Past the expiry, the error of the last try.
    thread::sleep(Duration::from_millis(800));
    let err = wrapper.credentials().unwrap_err();
    assert!(matches!(&err, Error::Credentials(_)), "{err:?}");
    assert!(err.to_string().contains("source down"), "{err}");
    let last = lines.lock().unwrap().last().unwrap().clone();
    assert!(
        last.starts_with("WARN cannot get credentials: source down"),
        "{last}"
    );
}

#[test]
fn recovery_after_failures_is_reported() {
    let provider = Scripted::new(vec![Step::Fail, Step::ValidFor(Duration::from_secs(3600))]);
    let (wrapper, lines) = wrap(&provider);
    assert!(wrapper.credentials().is_err());
    assert_eq!(id(wrapper.credentials()), "STS.id2");
    let last = lines.lock().unwrap().last().unwrap().clone();
    assert!(
        last.starts_with("INFO credentials refreshed after 1 failed tries"),
        "{last}"
    );
}

#[test]
fn credentials_already_expired_are_a_failure() {
    let provider = Scripted::new(vec![Step::ValidFor(Duration::ZERO)]);
    let (wrapper, _) = wrap(&provider);
    let err = wrapper.credentials().unwrap_err();
    assert!(err.to_string().contains("that expired at"), "{err}");
}

#[test]
fn debug_shows_the_provider_and_expiry_but_no_secret() {
    let provider = Scripted::new(vec![Step::ValidFor(Duration::from_secs(60))]);
    let (wrapper, _) = wrap(&provider);
    wrapper.credentials().unwrap();
    let shown = format!("{wrapper:?}");
    assert!(shown.contains("cached_until: Some("), "{shown}");
    assert!(!shown.contains("RefreshTestSecret"), "{shown}");
}

#[test]
fn retry_delays_double_up_to_the_cap() {
    let delays: Vec<u64> = (1..=8).map(|n| retry_delay(n).as_secs()).collect();
    assert_eq!(delays, [1, 2, 4, 8, 16, 30, 30, 30]);
    assert_eq!(retry_delay(u32::MAX), MAX_RETRY_DELAY);
}
