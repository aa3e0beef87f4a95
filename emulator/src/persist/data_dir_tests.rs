//! Tests of opening, appending to and compacting a data directory.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::*;
use crate::model::{ChannelConfig, ChannelStatus, Fragment, Target};
use crate::test_dir::TempDir;

fn at(ms: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(ms)
}

fn put(channel: &str) -> Record {
    Record::Put {
        bucket: "b".into(),
        channel: channel.into(),
        config: ChannelConfig {
            description: String::new(),
            status: ChannelStatus::Enabled,
            target: Target {
                frag_duration: 5,
                frag_count: 3,
                playlist_name: "playlist.m3u8".into(),
            },
            snapshot: None,
        },
        at: at(1),
    }
}

fn fragment(push: u64, ms: u64) -> Record {
    Record::Fragment {
        bucket: "b".into(),
        channel: "ch".into(),
        push,
        fragment: Fragment {
            start_time: at(ms),
            duration: 2.0,
            name: format!("{ms}.ts"),
        },
    }
}

fn start(push: u64, ms: u64, until: Option<SystemTime>) -> Record {
    Record::Start {
        bucket: "b".into(),
        channel: "ch".into(),
        push,
        at: at(ms),
        remote_addr: "127.0.0.1:1".into(),
        until,
    }
}

fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_killed_process_loses_nothing_that_was_appended() {
    let dir = TempDir::new("data-dir");
    let opened = DataDir::open(dir.path()).unwrap();
    assert!(opened.buckets.is_empty());
    assert_eq!(files(dir.path()), ["journal-1.log", STATE_FILE]);
    let mut data = opened.data_dir;
    for r in [put("ch"), start(1, 10_000, None), fragment(1, 10_000)] {
        data.append(&r).unwrap();
    }
    // A kill: nothing is closed or flushed beyond what `append` did.
    std::mem::forget(data);
    let opened = DataDir::open(dir.path()).unwrap();
    assert_eq!(opened.replayed.records, 3);
    assert_eq!(opened.replayed.interrupted, 1);
    let ch = &opened.buckets["b"]["ch"];
    assert_eq!(ch.fragments.len(), 1);
    assert_eq!(ch.history[0].end_time, at(12_000));
    // The new generation holds it all; the old journal is gone.
    assert_eq!(files(dir.path()), ["journal-2.log", STATE_FILE]);
    drop(opened);
    let again = DataDir::open(dir.path()).unwrap();
    assert_eq!(again.replayed.records, 0);
    assert_eq!(again.buckets["b"]["ch"].history.len(), 1);
}

#[test]
fn a_torn_last_line_and_stale_files_are_dropped() {
    let dir = TempDir::new("data-dir-torn");
    let mut data = DataDir::open(dir.path()).unwrap().data_dir;
    data.append(&put("ch")).unwrap();
    drop(data);
    let journal = dir.path().join("journal-1.log");
    let mut text = fs::read_to_string(&journal).unwrap();
    // The start of a record: the line a kill cut short.
    text.push_str(&fragment(0, 5).line()[..10]);
    fs::write(&journal, &text).unwrap();
    // What a killed compaction or object write leaves behind.
    fs::write(dir.path().join("journal-0.log"), "garbage").unwrap();
    fs::write(dir.path().join("%tmp.1.2"), "torn").unwrap();
    let opened = DataDir::open(dir.path()).unwrap();
    assert_eq!(opened.replayed.records, 1);
    assert_eq!(opened.stale_temps, 1);
    assert!(opened.buckets["b"]["ch"].fragments.is_empty());
    assert_eq!(files(dir.path()), ["journal-2.log", STATE_FILE]);
}

#[test]
fn compaction_carries_live_pushes_over() {
    let dir = TempDir::new("data-dir-compact");
    let mut data = DataDir::open(dir.path()).unwrap().data_dir;
    data.append(&put("ch")).unwrap();
    data.append(&start(7, 1_000, None)).unwrap();
    data.append(&fragment(7, 1_000)).unwrap();
    assert!(!data.should_compact());
    // The store hands over its state and the live pushes with how far they got.
    let mut buckets = BTreeMap::new();
    replay(&mut buckets, vec![put("ch"), fragment(7, 1_000)]);
    data.compact(&buckets, &[start(7, 1_000, Some(at(3_000)))])
        .unwrap();
    assert_eq!(files(dir.path()), ["journal-2.log", STATE_FILE]);
    data.append(&fragment(7, 3_000)).unwrap();
    std::mem::forget(data);
    let opened = DataDir::open(dir.path()).unwrap();
    let ch = &opened.buckets["b"]["ch"];
    assert_eq!(ch.fragments.len(), 2);
    assert_eq!(ch.history.len(), 1);
    assert_eq!(
        (ch.history[0].start_time, ch.history[0].end_time),
        (at(1_000), at(5_000))
    );
}

#[test]
fn old_state_files_are_migrated() {
    let dir = TempDir::new("data-dir-v1");
    let mut buckets = BTreeMap::new();
    replay(&mut buckets, vec![put("old"), fragment(0, 1)]);
    // What an emulator before the journal wrote.
    let v1 =
        snapshot::encode(&buckets, 0).replacen("version=\"2\" journal=\"0\"", "version=\"1\"", 1);
    fs::write(dir.path().join(STATE_FILE), v1).unwrap();
    let opened = DataDir::open(dir.path()).unwrap();
    assert_eq!(opened.buckets, buckets);
    let text = fs::read_to_string(dir.path().join(STATE_FILE)).unwrap();
    assert!(text.contains("<EmulatorState version=\"2\" journal=\"1\">"));
    assert_eq!(files(dir.path()), ["journal-1.log", STATE_FILE]);
}

#[test]
fn unreadable_directories_are_refused_with_the_reason() {
    let dir = TempDir::new("data-dir-bad");
    fs::write(
        dir.path().join(STATE_FILE),
        "<EmulatorState version=\"3\" journal=\"1\"/>",
    )
    .unwrap();
    let e = DataDir::open(dir.path()).unwrap_err();
    assert!(
        e.contains(STATE_FILE) && e.contains("newer emulator"),
        "{e}"
    );
    fs::write(
        dir.path().join(STATE_FILE),
        snapshot::encode(&BTreeMap::new(), 4),
    )
    .unwrap();
    fs::write(dir.path().join("journal-4.log"), "put x\nput y\n").unwrap();
    let e = DataDir::open(dir.path()).unwrap_err();
    assert!(e.contains("journal-4.log: line 1: put: 1 fields"), "{e}");
    let file = dir.path().join("a-file");
    fs::write(&file, "").unwrap();
    assert!(DataDir::open(&file).unwrap_err().contains("cannot create"));
}
