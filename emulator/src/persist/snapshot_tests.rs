//! Tests of the state file format.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::*;
use crate::atomic_file::write_atomically;
use crate::model::{LiveSession, VideoStat};
use crate::test_dir::TempDir;

fn at(nanos: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_nanos(nanos)
}

fn sample_channel(name: &str) -> Channel {
    Channel {
        name: name.to_string(),
        config: ChannelConfig {
            description: "desc & <test> \"q\" 'a'\r\n\ttab  ".to_string(),
            status: ChannelStatus::Disabled,
            target: Target {
                frag_duration: 100,
                frag_count: 1,
                playlist_name: "myplay.m3u8".into(),
            },
            snapshot: Some(Snapshot {
                role_name: "role".into(),
                dest_bucket: "dest".into(),
                notify_topic: "topic".into(),
                interval: 7,
            }),
        },
        last_modified: at(1_472_106_315_123_456_789),
        live: None,
        history: (0..10)
            .map(|i| LiveRecord {
                start_time: at(1_469_843_601_000_000_000 + i * 14_000_000_001),
                end_time: at(1_469_843_611_500_000_000 + i * 14_000_000_001),
                remote_addr: format!("10.0.0.{i}:{}", 50_000 + i),
            })
            .collect(),
        fragments: vec![
            Fragment {
                start_time: at(1_543_895_706_266_000_000),
                duration: 7.12,
                name: "1543895706266.ts".into(),
            },
            Fragment {
                start_time: at(1_543_895_706_323_000_001),
                duration: 0.1 + 0.2,
                name: "b.ts".into(),
            },
            Fragment {
                start_time: UNIX_EPOCH - Duration::from_millis(1500),
                duration: 1e-7,
                name: "old.ts".into(),
            },
        ],
    }
}

fn sample_state() -> BTreeMap<String, BucketState> {
    let mut b1 = BucketState::new();
    for name in ["test-channel", "直播 +x", "ctl\u{1}\u{7f}name", "   "] {
        b1.insert(name.to_string(), sample_channel(name));
    }
    let mut plain = sample_channel("plain");
    plain.config = ChannelConfig {
        description: String::new(),
        status: ChannelStatus::Enabled,
        target: Target {
            frag_duration: 5,
            frag_count: 3,
            playlist_name: "playlist.m3u8".into(),
        },
        snapshot: None,
    };
    plain.history.clear();
    plain.fragments.clear();
    b1.insert(plain.name.clone(), plain);
    let mut state = BTreeMap::new();
    state.insert("examplebucket".to_string(), b1);
    state.insert("empty-bucket".to_string(), BucketState::new());
    state
}

#[test]
fn round_trips_exactly() {
    let state = sample_state();
    let text = encode(&state, 7);
    assert!(text.starts_with(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<EmulatorState version=\"2\" journal=\"7\">\n"
    ));
    assert_eq!(
        decode(&text).unwrap(),
        StateFile {
            buckets: state,
            journal: 7
        }
    );
    assert_eq!(
        decode(&encode(&BTreeMap::new(), 0)).unwrap(),
        StateFile::default()
    );
}

#[test]
fn live_sessions_are_not_persisted() {
    let mut state = sample_state();
    let channel = state
        .get_mut("examplebucket")
        .unwrap()
        .get_mut("test-channel")
        .unwrap();
    channel.live = Some(LiveSession {
        connected_time: at(1),
        remote_addr: "1.2.3.4:5".into(),
        video: Some(VideoStat::default()),
        audio: None,
    });
    let decoded = decode(&encode(&state, 1)).unwrap().buckets;
    assert_eq!(decoded["examplebucket"]["test-channel"].live, None);
    assert_eq!(decoded, sample_state());
}

#[test]
fn decode_errors_say_what_is_wrong() {
    let good = encode(&sample_state(), 3);
    let cases = [
        ("", "not an XML document"),
        ("<Other/>", "not EmulatorState"),
        ("<EmulatorState/>", "no version"),
        (
            "<EmulatorState version=\"3\"/>",
            "unsupported EmulatorState version \"3\"",
        ),
        ("<EmulatorState version=\"2\"/>", "no journal attribute"),
        (
            "<EmulatorState version=\"2\" journal=\"x\"/>",
            "journal \"x\" is not a number",
        ),
        (
            "<EmulatorState version=\"1\"><Bucket/></EmulatorState>",
            "bucket 1: Name is missing",
        ),
    ];
    for (text, needle) in cases {
        let e = decode(text).unwrap_err();
        assert!(e.contains(needle), "{e}");
    }
    let edits = [
        (
            "<FragDuration>100</FragDuration>",
            "<FragDuration>x</FragDuration>",
            "FragDuration \"x\" is not an integer",
        ),
        (
            "<Status>disabled</Status>",
            "<Status>on</Status>",
            "Status \"on\" is not enabled",
        ),
        (
            "<LastModified>1472106315.123456789</LastModified>",
            "<LastModified>yesterday</LastModified>",
            "LastModified",
        ),
        (
            "<Duration>7.12</Duration>",
            "<Duration>long</Duration>",
            "fragment 1: Duration \"long\" is not a number",
        ),
        (
            "<RemoteAddr>10.0.0.3:50003</RemoteAddr>",
            "",
            "history record 4: RemoteAddr is missing",
        ),
    ];
    for (from, to, needle) in edits {
        assert!(good.contains(from), "{from}");
        let e = decode(&good.replacen(from, to, 1)).unwrap_err();
        assert!(e.contains(needle), "{e}");
        assert!(e.contains("bucket \"examplebucket\""), "{e}");
    }
    let twice = good.replacen("<Name>plain</Name>", "<Name>test-channel</Name>", 1);
    assert!(decode(&twice).unwrap_err().contains("appears twice"));
    let bad_hex = good.replacen("hex=\"", "hex=\"zz", 1);
    assert!(decode(&bad_hex).unwrap_err().contains("bad hex"));
}

/// What an emulator before the journal wrote: version 1, no journal attribute.
#[test]
fn version_1_files_are_read_as_having_no_journal() {
    let state = sample_state();
    let old = encode(&state, 0).replacen("version=\"2\" journal=\"0\"", "version=\"1\"", 1);
    assert!(old.contains("<EmulatorState version=\"1\">\n"), "{old}");
    assert_eq!(
        decode(&old).unwrap(),
        StateFile {
            buckets: state,
            journal: 0
        }
    );
}

#[test]
fn save_and_load() {
    let dir = TempDir::new("save");
    let path = dir.path().join("state.xml");
    assert_eq!(load(&path), Ok(None));
    let state = sample_state();
    write_atomically(&path, encode(&state, 4).as_bytes(), true).unwrap();
    assert_eq!(load(&path).unwrap().unwrap().buckets, state);
    // Overwrite with a smaller state: no trace of the old content, no temporary files.
    let mut smaller = state;
    smaller.remove("examplebucket");
    write_atomically(&path, encode(&smaller, 5).as_bytes(), true).unwrap();
    assert_eq!(
        load(&path).unwrap(),
        Some(StateFile {
            buckets: smaller,
            journal: 5
        })
    );
    let names: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["state.xml"]);
}

#[test]
fn load_reports_bad_files() {
    let dir = TempDir::new("bad");
    let path = dir.path().join("state.xml");
    fs::write(&path, b"\xff\xfe").unwrap();
    assert!(load(&path).unwrap_err().contains("not UTF-8"));
    fs::write(&path, "<EmulatorState version=\"9\"/>").unwrap();
    let e = load(&path).unwrap_err();
    assert!(e.contains("state.xml") && e.contains("version"), "{e}");
    // A directory where the file should be is an I/O error, not "no state".
    let as_dir = dir.path().join("dir.xml");
    fs::create_dir(&as_dir).unwrap();
    assert!(load(&as_dir).is_err());
}
