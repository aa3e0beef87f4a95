//! Tests of the store: the memory cap, and what a data directory keeps across a kill.

use std::sync::{Arc, Mutex};
use std::time::UNIX_EPOCH;

use super::*;
use crate::model::Target;
use crate::test_dir::TempDir;

const B: &str = "bucket";

fn at(ms: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(ms)
}

fn config() -> ChannelConfig {
    ChannelConfig {
        description: String::new(),
        status: ChannelStatus::Enabled,
        target: Target {
            frag_duration: 1,
            frag_count: 3,
            playlist_name: "playlist.m3u8".into(),
        },
        snapshot: None,
    }
}

fn session(ms: u64) -> LiveSession {
    LiveSession {
        connected_time: at(ms),
        remote_addr: "127.0.0.1:4242".into(),
        video: None,
        audio: None,
    }
}

fn frag(ms: u64) -> Fragment {
    Fragment {
        start_time: at(ms),
        duration: 1.5,
        name: format!("{ms}.ts"),
    }
}

/// Writes segment `ms` of push `push` as the ingest does, `bytes` long.
fn segment(store: &Store, channel: &str, push: u64, ms: u64, bytes: usize) {
    store
        .write_live_segment(
            B,
            channel,
            push,
            frag(ms),
            vec![0x47; bytes],
            "playlist.m3u8",
            format!("#EXTM3U\n{ms}.ts\n"),
        )
        .unwrap();
}

fn logging_store(options: StoreOptions) -> (Store, Arc<Mutex<Vec<String>>>) {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&lines);
    let store = Store::open_with(
        &[],
        StoreOptions {
            log: Some(Arc::new(move |line: &str| {
                sink.lock().unwrap().push(line.to_owned())
            })),
            ..options
        },
    )
    .unwrap();
    (store, lines)
}

fn missing(store: &Store, key: &str) -> bool {
    store
        .object(B, key)
        .is_err_and(|e| e.status == 404 && e.code == "NoSuchKey")
}

#[test]
fn the_memory_cap_drops_old_segments_of_ended_pushes_only() {
    let (store, log) = logging_store(StoreOptions {
        max_object_bytes: 10_000,
        ..StoreOptions::default()
    });
    store.put_channel(B, "old", config(), at(0)).unwrap();
    store.put_channel(B, "live", config(), at(0)).unwrap();
    let old = store.start_push(B, "old", session(0), None).unwrap();
    segment(&store, "old", old, 1_000, 4_000);
    segment(&store, "old", old, 2_000, 4_000);
    store.end_push(B, "old", old, at(3_000)).unwrap();
    let live = store.start_push(B, "live", session(4_000), None).unwrap();
    for ms in [5_000, 6_000, 7_000] {
        segment(&store, "live", live, ms, 4_000);
    }
    // Past the cap: the ended push's segments went, oldest first; the live push's stay
    // even though they alone exceed the cap.
    assert!(missing(&store, "old/1000.ts"));
    assert!(missing(&store, "old/2000.ts"));
    for ms in [5_000, 6_000, 7_000] {
        let object = store.object(B, &format!("live/{ms}.ts")).unwrap();
        assert_eq!(object.content_type, "video/MP2T");
    }
    // Playlists and VOD records stay.
    assert!(store.object(B, "old/playlist.m3u8").is_ok());
    assert_eq!(store.channel(B, "old").unwrap().fragments.len(), 2);
    let lines = log.lock().unwrap().clone();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(
        lines[0].starts_with("objects: dropped bucket/\"old/1000.ts\" (4000 bytes)")
            && lines[0].contains("--max-object-bytes 10000"),
        "{lines:?}"
    );
    // Once the live push ends, its oldest segments go too.
    store.end_push(B, "live", live, at(8_000)).unwrap();
    assert!(missing(&store, "live/5000.ts"));
    assert!(store.object(B, "live/7000.ts").is_ok());
}

#[test]
fn a_killed_store_keeps_channels_objects_and_the_interrupted_push() {
    let dir = TempDir::new("store-kill");
    let options = || StoreOptions {
        data_dir: Some(dir.path().to_path_buf()),
        ..StoreOptions::default()
    };
    let store = Store::open_with(&[], options()).unwrap();
    store.put_channel(B, "ch", config(), at(0)).unwrap();
    store.put_channel(B, "gone", config(), at(0)).unwrap();
    store.delete_channel(B, "gone").unwrap();
    let first = store.start_push(B, "ch", session(1_000), None).unwrap();
    segment(&store, "ch", first, 1_000, 1_000);
    store.end_push(B, "ch", first, at(3_000)).unwrap();
    store.post_vod_playlist(B, "ch", "vod.m3u8", 0, 10).unwrap();
    let second = store.start_push(B, "ch", session(10_000), None).unwrap();
    segment(&store, "ch", second, 10_000, 2_000);
    segment(&store, "ch", second, 11_500, 3_000);
    // The process dies mid-push: nothing is ended or flushed.
    drop(store);

    let (store, log) = logging_store(options());
    let ch = store.channel(B, "ch").unwrap();
    assert_eq!(ch.live, None);
    assert!(store.channel(B, "gone").is_err());
    let history: Vec<(SystemTime, SystemTime)> = ch
        .history
        .iter()
        .map(|r| (r.start_time, r.end_time))
        .collect();
    // The interrupted push ends where its last segment does: 11.5 s + 1.5 s.
    assert_eq!(history, [(at(1_000), at(3_000)), (at(10_000), at(13_000))]);
    assert_eq!(ch.fragments.len(), 3);
    assert_eq!(store.object(B, "ch/11500.ts").unwrap().body.len(), 3_000);
    let vod = store.object(B, "ch/vod.m3u8").unwrap();
    assert_eq!(vod.content_type, "application/x-mpegURL");
    assert!(String::from_utf8(vod.body).unwrap().contains("1000.ts"));
    let live = store.object(B, "ch/playlist.m3u8").unwrap();
    assert!(String::from_utf8(live.body).unwrap().contains("11500.ts"));
    assert!(missing(&store, "ch/nothing.ts"));
    assert!(missing(&store, "ch"));
    assert_eq!(
        log.lock().unwrap().as_slice(),
        ["data dir: 1 push(es) interrupted by the last stop are now history records"]
    );
    // The channel takes pushes again.
    store.start_push(B, "ch", session(20_000), None).unwrap();
}

#[test]
fn compaction_keeps_what_a_live_push_has_reached() {
    let dir = TempDir::new("store-compact");
    let options = || StoreOptions {
        data_dir: Some(dir.path().to_path_buf()),
        ..StoreOptions::default()
    };
    let store = Store::open_with(&[], options()).unwrap();
    store.lock().data_dir.as_mut().unwrap().set_compact_after(3);
    store.put_channel(B, "ch", config(), at(0)).unwrap();
    let push = store.start_push(B, "ch", session(1_000), None).unwrap();
    // The third record (this segment) folds the journal into a new state file.
    segment(&store, "ch", push, 1_000, 10);
    let state_file = std::fs::read_to_string(dir.path().join(STATE_FILE)).unwrap();
    assert!(state_file.contains("journal=\"2\""), "{state_file}");
    segment(&store, "ch", push, 2_500, 10);
    drop(store);
    let store = Store::open_with(&[], options()).unwrap();
    let ch = store.channel(B, "ch").unwrap();
    assert_eq!(ch.fragments.len(), 2);
    assert_eq!(ch.history.len(), 1);
    assert_eq!(ch.history[0].end_time, at(4_000));
}

#[test]
fn disabling_a_live_channel_ends_and_records_its_push() {
    let dir = TempDir::new("store-disable");
    let options = || StoreOptions {
        data_dir: Some(dir.path().to_path_buf()),
        ..StoreOptions::default()
    };
    let store = Store::open_with(&[], options()).unwrap();
    store.put_channel(B, "ch", config(), at(0)).unwrap();
    let push = store.start_push(B, "ch", session(1_000), None).unwrap();
    store
        .set_status(B, "ch", ChannelStatus::Disabled, at(2_000))
        .unwrap();
    // The ingest notices late; its push is no longer current.
    assert!(!store.end_push(B, "ch", push, at(9_000)).unwrap());
    drop(store);
    let store = Store::open_with(&[], options()).unwrap();
    let ch = store.channel(B, "ch").unwrap();
    assert_eq!(ch.config.status, ChannelStatus::Disabled);
    assert_eq!(ch.last_modified, at(2_000));
    assert_eq!(ch.history.len(), 1);
    assert_eq!(ch.history[0].end_time, at(2_000));
}
