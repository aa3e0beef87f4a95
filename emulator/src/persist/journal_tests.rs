//! Tests of the journal's line format and file.

use std::fs;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::*;
use crate::test_dir::TempDir;

fn at(ms: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(ms)
}

fn config(snapshot: bool) -> ChannelConfig {
    ChannelConfig {
        description: "odd \"desc\" & <x>\r\n\t%20 直播".into(),
        status: ChannelStatus::Disabled,
        target: Target {
            frag_duration: 100,
            frag_count: 1,
            playlist_name: "my play.m3u8".into(),
        },
        snapshot: snapshot.then(|| Snapshot {
            role_name: "role".into(),
            dest_bucket: "dest".into(),
            notify_topic: "topic name".into(),
            interval: 7,
        }),
    }
}

/// One record of each kind and shape, with names holding spaces, newlines and controls.
fn samples() -> Vec<Record> {
    let bucket = "examplebucket".to_string();
    let channel = "odd name\n\u{1}".to_string();
    vec![
        Record::Put {
            bucket: bucket.clone(),
            channel: channel.clone(),
            config: config(false),
            at: at(1),
        },
        Record::Put {
            bucket: bucket.clone(),
            channel: "".into(),
            config: ChannelConfig {
                description: String::new(),
                ..config(true)
            },
            at: UNIX_EPOCH - Duration::from_nanos(1),
        },
        Record::Status {
            bucket: bucket.clone(),
            channel: channel.clone(),
            status: ChannelStatus::Enabled,
            at: at(2),
        },
        Record::Delete {
            bucket: bucket.clone(),
            channel: channel.clone(),
        },
        Record::Start {
            bucket: bucket.clone(),
            channel: channel.clone(),
            push: 3,
            at: at(3),
            remote_addr: "127.0.0.1:5000".into(),
            until: None,
        },
        Record::Start {
            bucket: bucket.clone(),
            channel: channel.clone(),
            push: u64::MAX,
            at: at(3),
            remote_addr: "[::1]:5000".into(),
            until: Some(at(9)),
        },
        Record::Fragment {
            bucket: bucket.clone(),
            channel: channel.clone(),
            push: 0,
            fragment: Fragment {
                start_time: at(1_543_895_706_266),
                duration: 0.1 + 0.2,
                name: "1543895706266.ts".into(),
            },
        },
        Record::End {
            bucket,
            channel,
            push: 3,
            at: at(4),
        },
    ]
}

#[test]
fn every_record_round_trips_on_one_line() {
    for record in samples() {
        let line = record.line();
        let body = line.strip_suffix('\n').unwrap();
        assert!(!body.contains('\n'), "{line:?}");
        assert_eq!(Record::parse(body).unwrap(), record, "{line:?}");
    }
    let text: String = samples().iter().map(Record::line).collect();
    assert_eq!(parse_journal(&text).unwrap(), samples());
}

#[test]
fn only_segments_may_be_lost_to_a_power_cut() {
    let durable: Vec<bool> = samples().iter().map(Record::is_durable).collect();
    assert_eq!(
        durable,
        [true, true, true, true, true, true, false, true],
        "only the Fragment record is not fsynced"
    );
}

#[test]
fn a_line_cut_short_is_left_out() {
    let text: String = samples().iter().map(Record::line).collect();
    // Every prefix of the journal reads as the records whose newline it holds.
    let ends: Vec<usize> = text.match_indices('\n').map(|(i, _)| i + 1).collect();
    for cut in 0..=text.len() {
        let complete = ends.iter().filter(|&&end| end <= cut).count();
        let records = parse_journal(&text[..cut]).unwrap();
        assert_eq!(records, samples()[..complete], "cut at {cut}");
    }
}

#[test]
fn bad_lines_are_errors_that_say_where() {
    let good = samples()[2].line();
    let cases = [
        (
            "frobnicate a b\n",
            "line 2: unknown record kind \"frobnicate\"",
        ),
        ("status a b\n", "line 2: status: 2 fields"),
        (
            "status a b 1.000000000 on\n",
            "line 2: status: status \"on\" is unknown",
        ),
        ("status a b yesterday enabled\n", "time \"yesterday\""),
        ("delete %zz b\n", "bucket \"%zz\" is not a valid word"),
        ("end a b x 1.000000000\n", "push \"x\" is not a number"),
        (
            "fragment a b 0 1.000000000 long x.ts\n",
            "duration \"long\" is not a number",
        ),
        (
            "put a b 1.000000000 enabled 99999999999 3 p.m3u8 d\n",
            "FragDuration is too large",
        ),
        ("\n", "line 2: unknown record kind \"\""),
    ];
    for (bad, needle) in cases {
        let e = parse_journal(&format!("{good}{bad}{good}")).unwrap_err();
        assert!(e.contains(needle), "{bad:?}: {e}");
    }
}

#[test]
fn files_append_and_restart() {
    let dir = TempDir::new("journal");
    let path = dir.path().join("journal-1.log");
    let records = samples();
    let mut journal = JournalFile::create(&path, &records[..2]).unwrap();
    assert_eq!(journal.records(), 2);
    for r in &records[2..] {
        journal.append(r).unwrap();
    }
    assert_eq!(journal.records(), records.len() as u64);
    drop(journal);
    let text = fs::read_to_string(&path).unwrap();
    assert_eq!(parse_journal(&text).unwrap(), records);
    // Reopening appends after what is there; creating starts afresh.
    let mut again = JournalFile::open(&path, records.len() as u64).unwrap();
    again.append(&records[0]).unwrap();
    let text = fs::read_to_string(&path).unwrap();
    assert_eq!(parse_journal(&text).unwrap().len(), records.len() + 1);
    JournalFile::create(&path, &[]).unwrap();
    assert_eq!(fs::read_to_string(&path).unwrap(), "");
}
