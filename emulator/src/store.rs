//! The emulator's state: buckets, their channels and the objects ingest and VOD write,
//! with the LiveChannel semantics of OSS (status rules, live sessions, history, VOD).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::{Shutdown, TcpStream};
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};
use std::time::SystemTime;

use crate::error::OssError;
use crate::model::{
    Channel, ChannelConfig, ChannelStatus, Fragment, HISTORY_LIMIT, LiveRecord, LiveSession, Target,
};
use crate::persist::{self, BucketState};
use crate::playlist;

/// An object a channel wrote into its bucket (a VOD playlist, later TS fragments).
#[derive(Debug, Clone)]
pub struct StoredObject {
    /// The `Content-Type` it is served with.
    pub content_type: &'static str,
    /// The bytes.
    pub body: Vec<u8>,
}

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
    objects: BTreeMap<(String, String), StoredObject>,
    /// The publisher of each live channel, by (bucket, channel).
    publishers: HashMap<(String, String), Publisher>,
    /// The id the next push gets.
    next_push_id: u64,
}

/// Who pushes to a live channel right now.
struct Publisher {
    /// Tells this push from a later one on the same channel.
    id: u64,
    /// A duplicate of the publisher's socket, shut down to cut the push off.
    kick: Option<TcpStream>,
}

impl State {
    /// Forgets the publisher of a channel whose session just ended and cuts its socket.
    fn drop_publisher(&mut self, bucket: &str, name: &str) {
        if let Some(publisher) = self
            .publishers
            .remove(&(bucket.to_owned(), name.to_owned()))
        {
            if let Some(stream) = publisher.kick {
                let _ = stream.shutdown(Shutdown::Both);
            }
        }
    }

    /// Whether push `id` is the one live on the channel.
    fn is_current(&self, bucket: &str, name: &str, id: u64) -> bool {
        self.publishers
            .get(&(bucket.to_owned(), name.to_owned()))
            .is_some_and(|p| p.id == id)
    }
}

/// All the emulator's data behind one lock; operations are short, so one lock is plenty.
pub struct Store {
    state: Mutex<State>,
    /// `None`: every valid bucket name is served.
    served_buckets: Option<BTreeSet<String>>,
    data_file: Option<PathBuf>,
}

/// The file under `--data-dir` that holds the channels.
pub const STATE_FILE: &str = "osslive-emulator-state.xml";

impl Store {
    /// A store serving `buckets` (all valid names when empty), loading and saving its
    /// channels under `data_dir` when given.
    pub fn open(buckets: &[String], data_dir: Option<PathBuf>) -> Result<Store, String> {
        let data_file = match data_dir {
            Some(dir) => {
                std::fs::create_dir_all(&dir)
                    .map_err(|e| format!("cannot create data directory {}: {e}", dir.display()))?;
                Some(dir.join(STATE_FILE))
            }
            None => None,
        };
        let buckets_state = match &data_file {
            Some(file) => persist::load(file)?.unwrap_or_default(),
            None => BTreeMap::new(),
        };
        Ok(Store {
            state: Mutex::new(State {
                buckets: buckets_state,
                ..State::default()
            }),
            served_buckets: (!buckets.is_empty()).then(|| buckets.iter().cloned().collect()),
            data_file,
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

    fn save(&self, state: &State) -> Result<(), OssError> {
        if let Some(file) = &self.data_file {
            persist::save_atomically(file, persist::encode(&state.buckets).as_bytes()).map_err(
                |e| {
                    eprintln!("osslive-emulator: cannot save {}: {e}", file.display());
                    OssError::internal_error()
                },
            )?;
        }
        Ok(())
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
                existing.config = config;
                existing.last_modified = now;
            }
            None => {
                channels.insert(
                    name.to_owned(),
                    Channel {
                        name: name.to_owned(),
                        config,
                        last_modified: now,
                        live: None,
                        history: Default::default(),
                        fragments: Vec::new(),
                    },
                );
            }
        }
        self.save(&state)
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
        let ended = status == ChannelStatus::Disabled && end_session(channel, now);
        channel.config.status = status;
        channel.last_modified = now;
        if ended {
            state.drop_publisher(bucket, name);
        }
        self.save(&state)
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
        self.save(&state)
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
        let channel = Self::channel_mut(&mut state, bucket, name)?;
        if channel.config.status == ChannelStatus::Disabled {
            return Err(OssError::live_channel_disabled(name));
        }
        if channel.live.is_some() {
            return Err(OssError::channel_still_live(name));
        }
        channel.live = Some(session);
        state.next_push_id += 1;
        let id = state.next_push_id;
        state
            .publishers
            .insert((bucket.to_owned(), name.to_owned()), Publisher { id, kick });
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
        // Dropping the publisher entry also drops (without shutting down) our own duplicate.
        state
            .publishers
            .remove(&(bucket.to_owned(), name.to_owned()));
        let channel = Self::channel_mut(&mut state, bucket, name)?;
        let was_live = end_session(channel, now);
        self.save(&state)?;
        Ok(was_live)
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
        let channel = Self::channel_mut(&mut state, bucket, name)?;
        let was_live = end_session(channel, now);
        if was_live {
            state.drop_publisher(bucket, name);
        }
        self.save(&state)?;
        Ok(was_live)
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
        let channel = Self::channel_mut(&mut state, bucket, name)?;
        let mut objects = Vec::with_capacity(fragments.len());
        for (fragment, bytes) in fragments {
            objects.push((format!("{name}/{}", fragment.name), bytes));
            channel.fragments.push(fragment);
        }
        channel.fragments.sort_by_key(|f| f.start_time);
        for (key, body) in objects {
            state.objects.insert(
                (bucket.to_owned(), key),
                StoredObject {
                    content_type: "video/MP2T",
                    body,
                },
            );
        }
        self.save(&state)
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

    /// Records one TS segment written by the RTMP ingest, in one short critical section:
    /// the object `name/segment` (video/MP2T), its [`Fragment`] (VOD material), and the
    /// live playlist `name/playlist_name` rewritten with `m3u8`.
    pub fn write_live_segment(
        &self,
        bucket: &str,
        name: &str,
        fragment: Fragment,
        bytes: Vec<u8>,
        playlist_name: &str,
        m3u8: String,
    ) -> Result<(), OssError> {
        let mut state = self.lock();
        let channel = Self::channel_mut(&mut state, bucket, name)?;
        let segment_key = format!("{name}/{}", fragment.name);
        // Segments arrive in order, so this is almost always a push at the end.
        let at = channel
            .fragments
            .partition_point(|f| f.start_time <= fragment.start_time);
        channel.fragments.insert(at, fragment);
        state.objects.insert(
            (bucket.to_owned(), segment_key),
            StoredObject {
                content_type: "video/MP2T",
                body: bytes,
            },
        );
        state.objects.insert(
            (bucket.to_owned(), format!("{name}/{playlist_name}")),
            StoredObject {
                content_type: "application/x-mpegURL",
                body: m3u8.into_bytes(),
            },
        );
        self.save(&state)
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
        self.lock().objects.insert(
            (bucket.to_owned(), key),
            StoredObject {
                content_type: "application/x-mpegURL",
                body: m3u8.into_bytes(),
            },
        );
        Ok(())
    }

    /// An object written by a channel.
    pub fn object(&self, bucket: &str, key: &str) -> Result<StoredObject, OssError> {
        self.lock()
            .objects
            .get(&(bucket.to_owned(), key.to_owned()))
            .cloned()
            .ok_or_else(|| OssError::no_such_key(key))
    }
}

fn end_session(channel: &mut Channel, now: SystemTime) -> bool {
    let Some(session) = channel.live.take() else {
        return false;
    };
    channel.history.push_back(LiveRecord {
        start_time: session.connected_time,
        end_time: now,
        remote_addr: session.remote_addr,
    });
    while channel.history.len() > HISTORY_LIMIT {
        channel.history.pop_front();
    }
    true
}
