//! The core ListLiveChannel pager (`LiveChannelPages`) and the channel iterator that wraps
//! it, against the in-process emulator: the C pager has the same semantics because it
//! calls this one.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use osslive::{
    Bucket, Client, Credentials, Error, ListLiveChannelResult, ListOptions,
    LiveChannelConfiguration, LiveChannelPages,
};
use osslive_emulator::faults::Fault;
use osslive_emulator::{Config, Emulator};

const AK: &str = "LTAI5tPagerTestKey";
const SK: &str = "PagerTestSecret0123456789abcdefgh";
const BUCKET: &str = "pager-bucket";

/// An emulator counting the OSS requests it receives, and a bucket of a client that does
/// not retry, so that one injected fault fails one call.
fn setup() -> (Emulator, Arc<AtomicUsize>, Bucket) {
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    let emulator = Emulator::start(Config::new(AK, SK).request_log(move |line| {
        if !line.contains("/_emulator/") {
            seen.fetch_add(1, Ordering::SeqCst);
        }
    }))
    .unwrap();
    let bucket = Client::builder()
        .endpoint(emulator.endpoint())
        .region("cn-hangzhou")
        .credentials(Credentials::new(AK, SK))
        .max_attempts(1)
        .build()
        .unwrap()
        .bucket(BUCKET)
        .unwrap();
    (emulator, count, bucket)
}

fn create(bucket: &Bucket, names: &[&str]) {
    for name in names {
        bucket
            .create_live_channel(name, &LiveChannelConfiguration::default())
            .unwrap();
    }
}

fn pages(bucket: &Bucket, max_keys: u32) -> LiveChannelPages {
    bucket.list_live_channel_pages(ListOptions {
        max_keys: Some(max_keys),
        ..ListOptions::default()
    })
}

fn names(page: &ListLiveChannelResult) -> Vec<&str> {
    page.channels.iter().map(|c| c.name.as_str()).collect()
}

#[test]
fn an_empty_bucket_gives_one_empty_page_then_none() {
    let (_emulator, count, bucket) = setup();
    let mut pages = pages(&bucket, 10);
    assert_eq!(
        count.load(Ordering::SeqCst),
        0,
        "nothing sent before next_page"
    );
    let page = pages.next_page().unwrap().unwrap();
    assert!(page.channels.is_empty() && !page.is_truncated, "{page:?}");
    assert!(page.request_id.is_some());
    assert!(pages.next_page().is_none());
    assert!(pages.next_page().is_none());
    assert_eq!(count.load(Ordering::SeqCst), 1);
    assert_eq!(bucket.list_live_channels(ListOptions::default()).count(), 0);
}

#[test]
fn an_exact_multiple_of_the_page_size_gives_full_pages_only() {
    let (_emulator, count, bucket) = setup();
    create(&bucket, &["c0", "c1", "c2", "c3"]);
    let before = count.load(Ordering::SeqCst);
    let mut pages = pages(&bucket, 2);
    assert_eq!(names(&pages.next_page().unwrap().unwrap()), ["c0", "c1"]);
    assert_eq!(names(&pages.next_page().unwrap().unwrap()), ["c2", "c3"]);
    assert!(pages.next_page().is_none());
    assert_eq!(count.load(Ordering::SeqCst) - before, 2);

    let all: Vec<String> = bucket
        .list_live_channels(ListOptions {
            max_keys: Some(2),
            ..ListOptions::default()
        })
        .map(|c| c.unwrap().name)
        .collect();
    assert_eq!(all, ["c0", "c1", "c2", "c3"]);
}

#[test]
fn an_empty_page_after_the_first_means_no_more_pages() {
    let (_emulator, count, bucket) = setup();
    create(&bucket, &["c0", "c1", "c2", "c3"]);
    let mut pages = pages(&bucket, 2);
    let first = pages.next_page().unwrap().unwrap();
    assert!(first.is_truncated);
    // The channels after the first page go away: the page after it is empty.
    bucket.delete_live_channel("c2").unwrap();
    bucket.delete_live_channel("c3").unwrap();
    let before = count.load(Ordering::SeqCst);
    assert!(pages.next_page().is_none());
    assert_eq!(
        count.load(Ordering::SeqCst) - before,
        1,
        "the empty page was asked for"
    );
    assert!(pages.next_page().is_none());
    assert_eq!(count.load(Ordering::SeqCst) - before, 1);
}

#[test]
fn a_call_after_a_failure_asks_for_the_same_page_again() {
    let (emulator, count, bucket) = setup();
    create(&bucket, &["c0", "c1", "c2", "c3", "c4"]);
    let mut pages = pages(&bucket, 2);
    assert_eq!(names(&pages.next_page().unwrap().unwrap()), ["c0", "c1"]);

    emulator.inject_fault(Fault::Status(503), 1);
    let err = pages.next_page().unwrap().unwrap_err();
    assert_eq!(err.http_status(), Some(503), "{err}");
    assert_eq!(err.attempts(), 1);

    let retried = pages.next_page().unwrap().unwrap();
    assert_eq!(retried.marker, "c1", "the same page is asked for");
    assert_eq!(names(&retried), ["c2", "c3"]);
    assert_eq!(names(&pages.next_page().unwrap().unwrap()), ["c4"]);
    let before = count.load(Ordering::SeqCst);
    assert!(pages.next_page().is_none());
    assert_eq!(
        count.load(Ordering::SeqCst),
        before,
        "nothing sent after the last page"
    );
}

#[test]
fn a_failed_first_call_still_gives_the_first_page_when_retried() {
    let (emulator, _count, bucket) = setup();
    let mut pages = pages(&bucket, 10);
    emulator.inject_fault(Fault::Drop, 1);
    let err = pages.next_page().unwrap().unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    // Empty, and still given: it is the first page.
    let page = pages.next_page().unwrap().unwrap();
    assert!(page.channels.is_empty());
    assert!(pages.next_page().is_none());
}

#[test]
fn the_iterator_ends_after_yielding_an_error() {
    let (emulator, _count, bucket) = setup();
    create(&bucket, &["c0", "c1", "c2"]);
    let mut channels = bucket.list_live_channels(ListOptions {
        max_keys: Some(2),
        ..ListOptions::default()
    });
    assert_eq!(channels.next().unwrap().unwrap().name, "c0");
    assert_eq!(channels.next().unwrap().unwrap().name, "c1");
    emulator.inject_fault(Fault::Status(500), 1);
    let err = channels.next().unwrap().unwrap_err();
    assert_eq!(err.http_status(), Some(500));
    assert!(channels.next().is_none());
}

#[test]
fn invalid_options_fail_every_call_without_a_request() {
    let (_emulator, count, bucket) = setup();
    let mut pages = bucket.list_live_channel_pages(ListOptions {
        max_keys: Some(1001),
        ..ListOptions::default()
    });
    for _ in 0..2 {
        let err = pages.next_page().unwrap().unwrap_err();
        let Error::InvalidArgument(input) = &err else {
            panic!("{err:?}");
        };
        assert_eq!(input.field, "max-keys");
        assert_eq!(err.attempts(), 0);
    }
    let prefix = "p".repeat(1025);
    let err = bucket
        .list_live_channels(ListOptions {
            prefix: Some(prefix),
            ..ListOptions::default()
        })
        .next()
        .unwrap()
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidArgument(i) if i.field == "prefix"),
        "{err:?}"
    );
    std::thread::sleep(Duration::from_millis(20));
    assert_eq!(count.load(Ordering::SeqCst), 0);
}
