//! The objects channels write into their buckets (TS segments, live and VOD playlists):
//! in memory under a cap ([`memory`]), or as files under `--data-dir` ([`disk`], laid out
//! by [`path`]).

pub mod disk;
pub mod memory;
pub mod path;
pub mod stored;

use std::io;

use disk::DiskObjects;
use memory::MemoryObjects;
pub use stored::{Dropped, ObjectKind, PLAYLIST_TYPE, SEGMENT_TYPE, StoredObject};

/// The default of `--max-object-bytes`: 256 MiB of objects in memory.
pub const DEFAULT_MAX_OBJECT_BYTES: u64 = 256 << 20;

/// Where objects are kept.
pub enum Objects {
    /// In memory, at most this many bytes but for segments of live pushes.
    Memory(MemoryObjects),
    /// One file each.
    Disk(DiskObjects),
}

impl Objects {
    /// Stores (or replaces) an object; returns the segments the memory cap dropped.
    pub fn put(
        &self,
        bucket: &str,
        key: &str,
        object: StoredObject,
        kind: ObjectKind,
    ) -> io::Result<Vec<Dropped>> {
        match self {
            Objects::Memory(m) => Ok(m.put(bucket, key, object, kind)),
            Objects::Disk(d) => d.put(bucket, key, &object.body).map(|()| Vec::new()),
        }
    }

    /// An object; `None` when there is none (never written, or dropped).
    pub fn get(&self, bucket: &str, key: &str) -> io::Result<Option<StoredObject>> {
        match self {
            Objects::Memory(m) => Ok(m.get(bucket, key)),
            Objects::Disk(d) => Ok(d.get(bucket, key)?.map(|body| StoredObject {
                content_type: content_type(key),
                body,
            })),
        }
    }

    /// Push `push` is live: the memory cap keeps its segments.
    pub fn push_started(&self, push: u64) {
        if let Objects::Memory(m) = self {
            m.push_started(push);
        }
    }

    /// Push `push` has ended; returns the segments the memory cap drops now.
    pub fn push_ended(&self, push: u64) -> Vec<Dropped> {
        match self {
            Objects::Memory(m) => m.push_ended(push),
            Objects::Disk(_) => Vec::new(),
        }
    }
}

/// The `Content-Type` of a stored file: every object the emulator writes is a segment
/// (`.ts`) or a playlist.
fn content_type(key: &str) -> &'static str {
    if key.ends_with(".ts") {
        SEGMENT_TYPE
    } else {
        PLAYLIST_TYPE
    }
}
