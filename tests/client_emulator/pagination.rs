//! Paging through 250 channels: the default page, prefix, marker and max-keys together,
//! and the iterator that follows the markers.

use std::collections::BTreeSet;

use osslive::ListOptions;
use osslive_emulator::faults::Fault;

use crate::support::*;

#[test]
fn default_list_page_is_100_channels_truncated_at_the_100th_name() {
    let emulator = emulator();
    let bucket = bucket(&emulator, PLAIN);
    let names = create_250(&bucket);
    let page = bucket.list_live_channel(&ListOptions::default()).unwrap();
    assert_eq!(page_names(&page), names[..100]);
    assert!(page.is_truncated);
    assert_eq!(page.next_marker.as_deref(), Some(names[99].as_str()));
    assert_eq!(
        (page.prefix.as_str(), page.marker.as_str(), page.max_keys),
        ("", "", 100)
    );
}

#[test]
fn list_pages_by_prefix_marker_and_max_keys() {
    let emulator = emulator();
    let bucket = bucket(&emulator, PLAIN);
    let names = create_250(&bucket);
    let list = |prefix: Option<&str>, marker: Option<&str>, max_keys: Option<u32>| {
        let options = ListOptions {
            prefix: prefix.map(Into::into),
            marker: marker.map(Into::into),
            max_keys,
        };
        bucket.list_live_channel(&options).unwrap()
    };

    let all = list(None, None, Some(1000));
    assert_eq!(page_names(&all), names);
    assert!(!all.is_truncated);
    assert_eq!(all.next_marker, None);
    assert_eq!(all.max_keys, 1000);

    let b = list(Some("b-"), None, None);
    assert_eq!(page_names(&b), names[150..250]);
    assert!(
        !b.is_truncated,
        "exactly 100 b- channels fit the default page"
    );

    let b = list(Some("b-"), Some("b-049"), Some(20));
    assert_eq!(page_names(&b), names[200..220]);
    assert!(b.is_truncated);
    assert_eq!(b.next_marker.as_deref(), Some("b-069"));

    let b = list(Some("b-"), Some("b-089"), Some(20));
    assert_eq!(page_names(&b), names[240..250]);
    assert!(!b.is_truncated);
    assert_eq!(b.next_marker, None);

    // Spec §7.9: prefix + marker = the 101st name gives the rest, not truncated.
    let a = list(Some("a-"), Some("a-100"), None);
    assert_eq!(page_names(&a), names[101..150]);
    assert!(!a.is_truncated);

    // A marker before the prefix range starts at the prefix; one after it gives nothing.
    assert_eq!(
        page_names(&list(Some("b-"), Some("a-500"), Some(3))),
        names[150..153]
    );
    assert!(list(Some("a-"), Some("b-"), None).channels.is_empty());

    // The marker alone crosses prefixes.
    let m = list(None, Some("a-148"), Some(4));
    assert_eq!(page_names(&m), ["a-149", "b-000", "b-001", "b-002"]);

    let none = list(Some("zzz"), None, None);
    assert!(none.channels.is_empty());
    assert_eq!(
        (none.max_keys, none.is_truncated, none.next_marker),
        (100, false, None)
    );
}

#[test]
fn list_iterator_yields_every_channel_once_in_sorted_order() {
    let emulator = emulator();
    let bucket = bucket(&emulator, PLAIN);
    let names = create_250(&bucket);
    let walked: Vec<String> = bucket
        .list_live_channels(ListOptions {
            max_keys: Some(7),
            ..Default::default()
        })
        .map(|c| c.unwrap().name)
        .collect();
    assert_eq!(walked.len(), 250);
    assert_eq!(walked, names);
    assert_eq!(walked.iter().collect::<BTreeSet<_>>().len(), 250);

    let b: Vec<String> = bucket
        .list_live_channels(ListOptions {
            prefix: Some("b-".into()),
            max_keys: Some(7),
            ..Default::default()
        })
        .map(|c| c.unwrap().name)
        .collect();
    assert_eq!(b, names[150..]);

    let after: Vec<String> = bucket
        .list_live_channels(ListOptions {
            prefix: Some("a-".into()),
            marker: Some("a-139".into()),
            max_keys: Some(3),
        })
        .map(|c| c.unwrap().name)
        .collect();
    assert_eq!(after, names[140..150]);

    assert_eq!(
        bucket
            .list_live_channels(ListOptions {
                prefix: Some("zzz".into()),
                ..Default::default()
            })
            .count(),
        0
    );
}

#[test]
fn list_iterator_ends_after_an_error() {
    let emulator = emulator();
    let bucket = bucket(&emulator, PLAIN);
    create_250(&bucket);
    let mut walk = bucket.list_live_channels(ListOptions {
        max_keys: Some(100),
        ..Default::default()
    });
    for _ in 0..100 {
        walk.next().unwrap().unwrap();
    }
    emulator.inject_fault(Fault::Status(503), 1);
    assert_service(
        &walk.next().unwrap().unwrap_err(),
        503,
        "ServiceUnavailable",
    );
    assert!(walk.next().is_none());
}
