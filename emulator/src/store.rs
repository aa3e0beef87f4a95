//! The emulator's state: buckets, their channels and the objects ingest and VOD write,
//! with the LiveChannel semantics of OSS (status rules, live sessions, history, VOD).
//!
//! Every change to the channels is also a [`Record`] appended to the journal when there is
//! a data directory ([`crate::persist`]); objects go to [`Objects`], in memory under a cap
//! or as files.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::{Shutdown, TcpStream};
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use crate::error::OssError;
use crate::model::{
    Channel, ChannelConfig, ChannelStatus, Fragment, LiveRecord, LiveSession, Target,
};
use crate::objects::disk::DiskObjects;
use crate::objects::memory::MemoryObjects;
use crate::objects::{
    DEFAULT_MAX_OBJECT_BYTES, Dropped, ObjectKind, Objects, PLAYLIST_TYPE, SEGMENT_TYPE,
};
use crate::persist::journal::Record;
use crate::persist::{BucketState, DataDir};
use crate::playlist;
use crate::request_log::RequestLog;

pub use crate::objects::StoredObject;

/// One page of ListLiveChannel.
#[derive(Debug, Clone)]
pub struct ChannelPage {
    /// The channels of this page, by name.
    pub channels: Vec<Channel>,
    /// Whether more channels follow.
    pub is_truncated: bool,
    /// The last name of this page when truncated, else empty.
    pub next_marker: String,
}

#[derive(Default)]
struct State {
    buckets: BTreeMap<String, BucketState>,
    /// The publisher of each live channel, by (bucket, channel).
    publishers: HashMap<(String, String), Publisher>,
    /// The id the next push gets.
    next_push_id: u64,
    /// The state file and journal, with `--data-dir`.
    data_dir: Option<DataDir>,
}

/// Who pushes to a live channel right now.
struct Publisher {
    /// Tells this push from a later one on the same channel.
    id: u64,
    /// A duplicate of the publisher's socket, shut down to cut the push off.
    kick: Option<TcpStream>,
    /// Where its last stored segment ends: carried over when the journal is compacted,
    /// so that a push interrupted later still ends there in the history.
    until: Option<SystemTime>,
}

impl State {
    /// Whether push `id` is the one live on the channel.
    fn is_current(&self, bucket: &str, name: &str, id: u64) -> bool {
        self.publishers
            .get(&(bucket.to_owned(), name.to_owned()))
            .is_some_and(|p| p.id == id)
    }

    /// The `Start` records of the pushes live now, for a new journal.
    fn live_records(&self) -> Vec<Record> {
        let mut records = Vec::new();
        for ((bucket, name), publisher) in &self.publishers {
            let session = self
                .buckets
                .get(bucket)
                .and_then(|b| b.get(name))
                .and_then(|c| c.live.as_ref());
            if let Some(session) = session {
                records.push(Record::Start {
                    bucket: bucket.clone(),
                    channel: name.clone(),
                    push: publisher.id,
                    at: session.connected_time,
                    remote_addr: session.remote_addr.clone(),
                    until: publisher.until,
                });
            }
        }
        records
    }
}

/// How to open a [`Store`].
#[derive(Clone)]
pub struct StoreOptions {
    /// Keep channels and objects here across restarts; `None` keeps them in memory.
    pub data_dir: Option<PathBuf>,
    /// Without a data directory: the most bytes of objects kept in memory, segments of live
    /// pushes excepted ([`DEFAULT_MAX_OBJECT_BYTES`] by default).
    pub max_object_bytes: u64,
    /// Told about segments dropped to stay under `max_object_bytes`.
    pub log: Option<RequestLog>,
}

impl Default for StoreOptions {
    fn default() -> StoreOptions {
        StoreOptions {
            data_dir: None,
            max_object_bytes: DEFAULT_MAX_OBJECT_BYTES,
            log: None,
        }
    }
}

/// All the emulator's data behind one lock; operations are short, so one lock is plenty.
pub struct Store {
    state: Mutex<State>,
    /// `None`: every valid bucket name is served.
    served_buckets: Option<BTreeSet<String>>,
    objects: Objects,
    max_object_bytes: u64,
    log: Option<RequestLog>,
}

pub use crate::persist::STATE_FILE;

impl Store {
    /// A store serving `buckets` (all valid names when empty), loading and saving its
    /// channels and objects under `data_dir` when given.
    pub fn open(buckets: &[String], data_dir: Option<PathBuf>) -> Result<Store, String> {
        Self::open_with(
            buckets,
            StoreOptions {
                data_dir,
                ..StoreOptions::default()
            },
        )
    }

    /// A store serving `buckets` (all valid names when empty), as `options` say. With a
    /// data directory, what it holds is loaded (pushes that were live when the last
    /// process died become history records) and folded into a new state file.
    pub fn open_with(buckets: &[String], options: StoreOptions) -> Result<Store, String> {
        let max_object_bytes = options.max_object_bytes;
        let mut state = State::default();
        let objects = match &options.data_dir {
            Some(dir) => {
                let opened = DataDir::open(dir)?;
                state.buckets = opened.buckets;
                state.data_dir = Some(opened.data_dir);
                if opened.replayed.interrupted > 0 {
                    if let Some(log) = &options.log {
                        log(&format!(
                            "data dir: {} push(es) interrupted by the last stop are now history records",
                            opened.replayed.interrupted
                        ));
                    }
                }
                Objects::Disk(DiskObjects::new(DataDir::objects_dir(dir)))
            }
            None => Objects::Memory(MemoryObjects::new(max_object_bytes)),
        };
        Ok(Store {
            state: Mutex::new(state),
            served_buckets: (!buckets.is_empty()).then(|| buckets.iter().cloned().collect()),
            objects,
            max_object_bytes,
            log: options.log,
        })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic in one request must not take every later request down with it.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Fails with `NoSuchBucket` when the bucket is not served.
    pub fn check_bucket(&self, bucket: &str) -> Result<(), OssError> {
        match &self.served_buckets {
            Some(served) if !served.contains(bucket) => Err(OssError::no_such_bucket(bucket)),
            _ => Ok(()),
        }
    }

    /// Appends `record` to the journal, with a data directory, and folds the journal into a
    /// new state file when it has grown long.
    fn record(&self, state: &mut State, record: Record) -> Result<(), OssError> {
        let Some(data_dir) = state.data_dir.as_mut() else {
            return Ok(());
        };
        if let Err(e) = data_dir.append(&record) {
            eprintln!("osslive-emulator: cannot append to the journal: {e}");
            return Err(OssError::internal_error());
        }
        if data_dir.should_compact() {
            let live = state.live_records();
            if let Some(data_dir) = state.data_dir.as_mut() {
                // The journal stays valid when this fails; the next record tries again.
                if let Err(e) = data_dir.compact(&state.buckets, &live) {
                    eprintln!("osslive-emulator: cannot compact the journal: {e}");
                }
            }
        }
        Ok(())
    }

    /// Stores an object; a failure is logged and answered as `InternalError`.
    fn put_object(
        &self,
        bucket: &str,
        key: &str,
        object: StoredObject,
        kind: ObjectKind,
    ) -> Result<(), OssError> {
        match self.objects.put(bucket, key, object, kind) {
            Ok(dropped) => {
                self.log_dropped(dropped);
                Ok(())
            }
            Err(e) => {
                eprintln!("osslive-emulator: cannot store the object {bucket}/{key:?}: {e}");
                Err(OssError::internal_error())
            }
        }
    }

    fn log_dropped(&self, dropped: Vec<Dropped>) {
        let Some(log) = &self.log else { return };
        for d in dropped {
            log(&format!(
                "objects: dropped {}/{:?} ({} bytes), the oldest segment of an ended push: \
                 in-memory objects exceed --max-object-bytes {}",
                d.bucket, d.key, d.bytes, self.max_object_bytes
            ));
        }
    }

    /// Ends the live session of a channel, if any: it becomes a history record, its
    /// publisher is forgotten (its socket shut down when `kick`), and the end is recorded.
    /// Returns whether a session was live.
    fn end_live(
        &self,
        state: &mut State,
        bucket: &str,
        name: &str,
        now: SystemTime,
        kick: bool,
    ) -> Result<bool, OssError> {
        let channel = Self::channel_mut(state, bucket, name)?;
        if !end_session(channel, now) {
            return Ok(false);
        }
        let key = (bucket.to_owned(), name.to_owned());
        let Some(publisher) = state.publishers.remove(&key) else {
            return Ok(true);
        };
        if kick {
            if let Some(stream) = &publisher.kick {
                let _ = stream.shutdown(Shutdown::Both);
            }
        }
        // Dropping the publisher entry also drops (without shutting down) its duplicate.
        drop(publisher.kick);
        self.log_dropped(self.objects.push_ended(publisher.id));
        self.record(
            state,
            Record::End {
                bucket: key.0,
                channel: key.1,
                push: publisher.id,
                at: now,
            },
        )?;
        Ok(true)
    }

    fn channel_mut<'a>(
        state: &'a mut State,
        bucket: &str,
        name: &str,
    ) -> Result<&'a mut Channel, OssError> {
        state
            .buckets
            .get_mut(bucket)
            .and_then(|b| b.get_mut(name))
            .ok_or_else(|| OssError::no_such_live_channel(name))
    }

    /// PutLiveChannel: creates the channel, or overwrites it while nobody pushes.
    pub fn put_channel(
        &self,
        bucket: &str,
        name: &str,
        config: ChannelConfig,
        now: SystemTime,
    ) -> Result<(), OssError> {
        let mut state = self.lock();
        let channels = state.buckets.entry(bucket.to_owned()).or_default();
        match channels.get_mut(name) {
            Some(existing) if existing.live.is_some() => {
                return Err(OssError::channel_still_live(name));
            }
            Some(existing) => {
                existing.config = config.clone();
                existing.last_modified = now;
            }
            None => {
                channels.insert(name.to_owned(), Channel::new(name, config.clone(), now));
            }
        }
        let record = Record::Put {
            bucket: bucket.to_owned(),
            channel: name.to_owned(),
            config,
            at: now,
        };
        self.record(&mut state, record)
    }

    /// A copy of one channel.
    pub fn channel(&self, bucket: &str, name: &str) -> Result<Channel, OssError> {
        self.lock()
            .buckets
            .get(bucket)
            .and_then(|b| b.get(name))
            .cloned()
            .ok_or_else(|| OssError::no_such_live_channel(name))
    }

    /// ListLiveChannel: names after `marker` (exclusive) starting with `prefix`, at most `max_keys`.
    pub fn list(&self, bucket: &str, prefix: &str, marker: &str, max_keys: usize) -> ChannelPage {
        let state = self.lock();
        let Some(channels) = state.buckets.get(bucket) else {
            return ChannelPage {
                channels: Vec::new(),
                is_truncated: false,
                next_marker: String::new(),
            };
        };
        let start = if marker.is_empty() || marker < prefix {
            prefix
        } else {
            marker
        };
        let mut matching = channels
            .range::<str, _>((std::ops::Bound::Included(start), std::ops::Bound::Unbounded))
            .filter(|(name, _)| name.as_str() > marker)
            .take_while(|(name, _)| name.starts_with(prefix))
            .map(|(_, c)| c);
        let page: Vec<Channel> = matching.by_ref().take(max_keys).cloned().collect();
        let is_truncated = matching.next().is_some();
        let next_marker = if is_truncated {
            page.last().map(|c| c.name.clone()).unwrap_or_default()
        } else {
            String::new()
        };
        ChannelPage {
            channels: page,
            is_truncated,
            next_marker,
        }
    }

    /// PutLiveChannelStatus. Disabling a live channel cuts its publisher off (OSS does so
    /// within about ten seconds).
    ///
    /// While a stream is pushed, disabling is the only change OSS allows (its
    /// PutLiveChannelStatus page), but the page names no error for the rest. The emulator
    /// answers `status=enabled` then as it answers every other change to a live channel
    /// (PutLiveChannel, DeleteLiveChannel): 409 `ChannelStillLive`, EC 0044-00000201, the EC
    /// OSS documents for "the channel is live, so it cannot be changed", and a `Code` that
    /// oss2 turns into its own `ChannelStillLive` exception.
    pub fn set_status(
        &self,
        bucket: &str,
        name: &str,
        status: ChannelStatus,
        now: SystemTime,
    ) -> Result<(), OssError> {
        let mut state = self.lock();
        let channel = Self::channel_mut(&mut state, bucket, name)?;
        if channel.live.is_some() && status != ChannelStatus::Disabled {
            return Err(OssError::channel_still_live(name));
        }
        if status == ChannelStatus::Disabled {
            self.end_live(&mut state, bucket, name, now, true)?;
        }
        let channel = Self::channel_mut(&mut state, bucket, name)?;
        channel.config.status = status;
        channel.last_modified = now;
        let record = Record::Status {
            bucket: bucket.to_owned(),
            channel: name.to_owned(),
            status,
            at: now,
        };
        self.record(&mut state, record)
    }

    /// DeleteLiveChannel; refused while a publisher is connected. Objects written by the
    /// channel stay, as on OSS.
    pub fn delete_channel(&self, bucket: &str, name: &str) -> Result<(), OssError> {
        let mut state = self.lock();
        let channel = Self::channel_mut(&mut state, bucket, name)?;
        if channel.live.is_some() {
            return Err(OssError::channel_still_live(name));
        }
        if let Some(channels) = state.buckets.get_mut(bucket) {
            channels.remove(name);
        }
        let record = Record::Delete {
            bucket: bucket.to_owned(),
            channel: name.to_owned(),
        };
        self.record(&mut state, record)
    }

    /// A publisher connects: the channel must exist, be enabled and have no publisher yet.
    pub fn begin_publish(
        &self,
        bucket: &str,
        name: &str,
        session: LiveSession,
    ) -> Result<(), OssError> {
        self.start_push(bucket, name, session, None).map(|_| ())
    }

    /// Like [`begin_publish`](Self::begin_publish), for a real publisher: returns the push's
    /// id, which [`update_push`](Self::update_push) and [`end_push`](Self::end_push) take so
    /// that a push that ends late cannot touch a newer one. `kick` is a duplicate of the
    /// publisher's socket; it is shut down when the session ends from outside (the channel is
    /// disabled, the admin endpoint ends it, the emulator stops).
    pub fn start_push(
        &self,
        bucket: &str,
        name: &str,
        session: LiveSession,
        kick: Option<TcpStream>,
    ) -> Result<u64, OssError> {
        let mut state = self.lock();
        let id = state.next_push_id + 1;
        let channel = Self::channel_mut(&mut state, bucket, name)?;
        if channel.config.status == ChannelStatus::Disabled {
            return Err(OssError::live_channel_disabled(name));
        }
        if channel.live.is_some() {
            return Err(OssError::channel_still_live(name));
        }
        let record = Record::Start {
            bucket: bucket.to_owned(),
            channel: name.to_owned(),
            push: id,
            at: session.connected_time,
            remote_addr: session.remote_addr.clone(),
            until: None,
        };
        channel.live = Some(session);
        state.next_push_id = id;
        state.publishers.insert(
            (bucket.to_owned(), name.to_owned()),
            Publisher {
                id,
                kick,
                until: None,
            },
        );
        self.objects.push_started(id);
        if let Err(e) = self.record(&mut state, record) {
            // Not recorded, so not live: a restart could not account for it.
            let channel = Self::channel_mut(&mut state, bucket, name)?;
            channel.live = None;
            state
                .publishers
                .remove(&(bucket.to_owned(), name.to_owned()));
            self.log_dropped(self.objects.push_ended(id));
            return Err(e);
        }
        Ok(id)
    }

    /// Updates the session of push `id`; does nothing when another push (or none) is live.
    pub fn update_push(
        &self,
        bucket: &str,
        name: &str,
        id: u64,
        update: impl FnOnce(&mut LiveSession),
    ) -> Result<(), OssError> {
        let mut state = self.lock();
        if !state.is_current(bucket, name, id) {
            return Ok(());
        }
        let channel = Self::channel_mut(&mut state, bucket, name)?;
        if let Some(session) = channel.live.as_mut() {
            update(session);
        }
        Ok(())
    }

    /// Push `id` ends: its session becomes a history record, unless it was already ended
    /// (and maybe replaced by a newer push). Returns whether it was still live.
    pub fn end_push(
        &self,
        bucket: &str,
        name: &str,
        id: u64,
        now: SystemTime,
    ) -> Result<bool, OssError> {
        let mut state = self.lock();
        if !state.is_current(bucket, name, id) {
            return Ok(false);
        }
        self.end_live(&mut state, bucket, name, now, false)
    }

    /// Cuts every publisher off (the emulator is stopping). Their sessions end as their
    /// threads notice.
    pub fn kick_all(&self) {
        let state = self.lock();
        for publisher in state.publishers.values() {
            if let Some(stream) = &publisher.kick {
                let _ = stream.shutdown(Shutdown::Both);
            }
        }
    }

    /// Updates the media properties of the current push (the ingest learns them as it goes).
    pub fn update_session(
        &self,
        bucket: &str,
        name: &str,
        update: impl FnOnce(&mut LiveSession),
    ) -> Result<(), OssError> {
        let mut state = self.lock();
        let channel = Self::channel_mut(&mut state, bucket, name)?;
        if let Some(session) = channel.live.as_mut() {
            update(session);
        }
        Ok(())
    }

    /// The publisher goes away: its push becomes a history record. Returns whether one was live.
    pub fn end_publish(&self, bucket: &str, name: &str, now: SystemTime) -> Result<bool, OssError> {
        let mut state = self.lock();
        self.end_live(&mut state, bucket, name, now, true)
    }

    /// How many fragments (VOD material) a channel holds.
    pub fn fragment_count(&self, bucket: &str, name: &str) -> Result<usize, OssError> {
        let mut state = self.lock();
        Ok(Self::channel_mut(&mut state, bucket, name)?.fragments.len())
    }

    /// Records TS fragments written by an ingest, as objects and as VOD material.
    pub fn add_fragments(
        &self,
        bucket: &str,
        name: &str,
        fragments: Vec<(Fragment, Vec<u8>)>,
    ) -> Result<(), OssError> {
        let mut state = self.lock();
        Self::channel_mut(&mut state, bucket, name)?;
        for (fragment, body) in fragments {
            self.store_fragment(&mut state, bucket, name, None, fragment, body)?;
        }
        Ok(())
    }

    /// Stores one segment (object first, so that the journal never names a segment that
    /// is not there) and records its fragment. `push` is the push that wrote it.
    fn store_fragment(
        &self,
        state: &mut State,
        bucket: &str,
        name: &str,
        push: Option<u64>,
        fragment: Fragment,
        body: Vec<u8>,
    ) -> Result<(), OssError> {
        let object = StoredObject {
            content_type: SEGMENT_TYPE,
            body,
        };
        let key = format!("{name}/{}", fragment.name);
        self.put_object(bucket, &key, object, ObjectKind::Segment { push })?;
        self.record_fragment(state, bucket, name, push, fragment)
    }

    /// Adds a stored segment's fragment to the channel and the journal, and moves the end
    /// of its push.
    fn record_fragment(
        &self,
        state: &mut State,
        bucket: &str,
        name: &str,
        push: Option<u64>,
        fragment: Fragment,
    ) -> Result<(), OssError> {
        if let Some(id) = push {
            let end = fragment
                .start_time
                .checked_add(Duration::from_secs_f64(fragment.duration.max(0.0)))
                .unwrap_or(fragment.start_time);
            let publisher = state
                .publishers
                .get_mut(&(bucket.to_owned(), name.to_owned()))
                .filter(|p| p.id == id);
            if let Some(p) = publisher {
                p.until = Some(p.until.map_or(end, |u| u.max(end)));
            }
        }
        Self::channel_mut(state, bucket, name)?.add_fragment(fragment.clone());
        let record = Record::Fragment {
            bucket: bucket.to_owned(),
            channel: name.to_owned(),
            push: push.unwrap_or(0),
            fragment,
        };
        self.record(state, record)
    }

    /// The HLS settings of a channel (what an ingest segments by).
    pub fn channel_target(&self, bucket: &str, name: &str) -> Result<Target, OssError> {
        self.lock()
            .buckets
            .get(bucket)
            .and_then(|b| b.get(name))
            .map(|c| c.config.target.clone())
            .ok_or_else(|| OssError::no_such_live_channel(name))
    }

    /// Records one TS segment written by push `push` of the RTMP ingest, in one short
    /// critical section: the object `name/segment` (video/MP2T), the live playlist
    /// `name/playlist_name` rewritten with `m3u8`, and the segment's [`Fragment`] (VOD
    /// material). A process killed meanwhile loses this segment at most.
    #[allow(clippy::too_many_arguments)] // what one segment brings, written in one go
    pub fn write_live_segment(
        &self,
        bucket: &str,
        name: &str,
        push: u64,
        fragment: Fragment,
        bytes: Vec<u8>,
        playlist_name: &str,
        m3u8: String,
    ) -> Result<(), OssError> {
        let mut state = self.lock();
        Self::channel_mut(&mut state, bucket, name)?;
        let playlist = StoredObject {
            content_type: PLAYLIST_TYPE,
            body: m3u8.into_bytes(),
        };
        let segment_key = format!("{name}/{}", fragment.name);
        let object = StoredObject {
            content_type: SEGMENT_TYPE,
            body: bytes,
        };
        // The segment, then the playlist that lists it, then the record.
        self.put_object(
            bucket,
            &segment_key,
            object,
            ObjectKind::Segment { push: Some(push) },
        )?;
        let playlist_key = format!("{name}/{playlist_name}");
        self.put_object(bucket, &playlist_key, playlist, ObjectKind::Playlist)?;
        self.record_fragment(&mut state, bucket, name, Some(push), fragment)
    }

    /// The m3u8 of the fragments whose start falls in `[start, end]`, after the VOD rules.
    pub fn vod_playlist(
        &self,
        bucket: &str,
        name: &str,
        start: i64,
        end: i64,
    ) -> Result<String, OssError> {
        crate::rules::vod_range(start, end).map_err(crate::rules::Rule::error_without_value)?;
        let state = self.lock();
        let channel = state
            .buckets
            .get(bucket)
            .and_then(|b| b.get(name))
            .ok_or_else(|| OssError::no_such_live_channel(name))?;
        let selected = playlist::fragments_in_range(&channel.fragments, start, end);
        if selected.is_empty() {
            return Err(OssError::no_fragments_in_range(start, end));
        }
        Ok(playlist::vod_m3u8(&selected))
    }

    /// PostVodPlaylist: writes the VOD m3u8 as the object `channel/playlist`.
    pub fn post_vod_playlist(
        &self,
        bucket: &str,
        name: &str,
        playlist_name: &str,
        start: i64,
        end: i64,
    ) -> Result<(), OssError> {
        let m3u8 = self.vod_playlist(bucket, name, start, end)?;
        let key = format!("{name}/{playlist_name}");
        let object = StoredObject {
            content_type: PLAYLIST_TYPE,
            body: m3u8.into_bytes(),
        };
        self.put_object(bucket, &key, object, ObjectKind::Playlist)
    }

    /// An object written by a channel; `NoSuchKey` when there is none, or the memory cap
    /// dropped it.
    pub fn object(&self, bucket: &str, key: &str) -> Result<StoredObject, OssError> {
        match self.objects.get(bucket, key) {
            Ok(Some(object)) => Ok(object),
            Ok(None) => Err(OssError::no_such_key(key)),
            Err(e) => {
                eprintln!("osslive-emulator: cannot read the object {bucket}/{key:?}: {e}");
                Err(OssError::internal_error())
            }
        }
    }
}

/// Ends the channel's live session, if any, as a history record ending `now`.
fn end_session(channel: &mut Channel, now: SystemTime) -> bool {
    let Some(session) = channel.live.take() else {
        return false;
    };
    channel.add_history(LiveRecord {
        start_time: session.connected_time,
        end_time: now,
        remote_addr: session.remote_addr,
    });
    true
}

#[cfg(test)]
#[path = "store_tests.rs"]
mod tests;
