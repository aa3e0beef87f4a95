//! Objects in memory, under a cap on their total size (`--max-object-bytes`).
//!
//! Without a data directory every segment would stay in memory for the life of the
//! process: about 450 MB per hour of a 1 Mbit/s push. Past the cap, the oldest segments of
//! pushes that have ended are dropped, in the order they were written, until the total is
//! under the cap again. Segments of a live push are never dropped (a player is reading
//! them), so a single push longer than the cap allows takes memory beyond it until it
//! ends. Playlists are small, counted, and never dropped.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Mutex, MutexGuard};

use crate::objects::stored::{Dropped, ObjectKind, StoredObject};

type Key = (String, String);

struct Entry {
    object: StoredObject,
    /// The entry's place in `segments` (segments only).
    seq: Option<u64>,
}

#[derive(Default)]
struct Inner {
    objects: HashMap<Key, Entry>,
    /// Bytes of every object held.
    total: u64,
    /// Segments in the order they were written, with the push that wrote each.
    segments: BTreeMap<u64, (Key, Option<u64>)>,
    next_seq: u64,
    /// Pushes whose segments must stay.
    live: HashSet<u64>,
}

impl Inner {
    fn remove(&mut self, key: &Key) -> Option<Entry> {
        let entry = self.objects.remove(key)?;
        self.total -= entry.object.body.len() as u64;
        if let Some(seq) = entry.seq {
            self.segments.remove(&seq);
        }
        Some(entry)
    }

    /// Drops the oldest segments of ended pushes until the total is at most `cap`.
    fn enforce(&mut self, cap: u64) -> Vec<Dropped> {
        if self.total <= cap {
            return Vec::new();
        }
        let mut excess = self.total - cap;
        let mut victims = Vec::new();
        for (key, push) in self.segments.values() {
            if excess == 0 {
                break;
            }
            if push.is_some_and(|p| self.live.contains(&p)) {
                continue;
            }
            let bytes = self
                .objects
                .get(key)
                .map_or(0, |e| e.object.body.len() as u64);
            excess = excess.saturating_sub(bytes);
            victims.push(key.clone());
        }
        victims
            .into_iter()
            .filter_map(|key| {
                let entry = self.remove(&key)?;
                Some(Dropped {
                    bucket: key.0,
                    key: key.1,
                    bytes: entry.object.body.len(),
                })
            })
            .collect()
    }
}

/// Objects in memory, at most `cap` bytes of them but for segments of live pushes.
pub struct MemoryObjects {
    cap: u64,
    inner: Mutex<Inner>,
}

impl MemoryObjects {
    /// An empty store holding at most `cap` bytes.
    pub fn new(cap: u64) -> MemoryObjects {
        MemoryObjects {
            cap,
            inner: Mutex::default(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic in one request must not take every later request down with it.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Stores (or replaces) an object; returns the segments dropped to make room.
    pub fn put(
        &self,
        bucket: &str,
        key: &str,
        object: StoredObject,
        kind: ObjectKind,
    ) -> Vec<Dropped> {
        let mut inner = self.lock();
        let key = (bucket.to_owned(), key.to_owned());
        inner.remove(&key);
        let seq = match kind {
            ObjectKind::Playlist => None,
            ObjectKind::Segment { push } => {
                let seq = inner.next_seq;
                inner.next_seq += 1;
                inner.segments.insert(seq, (key.clone(), push));
                Some(seq)
            }
        };
        inner.total += object.body.len() as u64;
        inner.objects.insert(key, Entry { object, seq });
        inner.enforce(self.cap)
    }

    /// A copy of an object.
    pub fn get(&self, bucket: &str, key: &str) -> Option<StoredObject> {
        self.lock()
            .objects
            .get(&(bucket.to_owned(), key.to_owned()))
            .map(|e| e.object.clone())
    }

    /// Push `push` is live: its segments stay whatever the total.
    pub fn push_started(&self, push: u64) {
        self.lock().live.insert(push);
    }

    /// Push `push` has ended: its segments may go; returns those dropped now.
    pub fn push_ended(&self, push: u64) -> Vec<Dropped> {
        let mut inner = self.lock();
        inner.live.remove(&push);
        inner.enforce(self.cap)
    }

    /// Bytes held.
    pub fn total_bytes(&self) -> u64 {
        self.lock().total
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::objects::stored::{PLAYLIST_TYPE, SEGMENT_TYPE};

    fn segment(bytes: usize) -> StoredObject {
        StoredObject {
            content_type: SEGMENT_TYPE,
            body: vec![0; bytes],
        }
    }

    fn names(dropped: &[Dropped]) -> Vec<&str> {
        dropped.iter().map(|d| d.key.as_str()).collect()
    }

    #[test]
    fn oldest_segments_of_ended_pushes_go_first() {
        let m = MemoryObjects::new(1000);
        let seg = |push| ObjectKind::Segment { push };
        m.push_started(1);
        assert!(m.put("b", "a/1.ts", segment(400), seg(Some(1))).is_empty());
        assert!(m.put("b", "a/2.ts", segment(400), seg(Some(1))).is_empty());
        assert!(m.push_ended(1).is_empty());
        m.push_started(2);
        assert!(m.put("b", "c/1.ts", segment(100), seg(Some(2))).is_empty());
        // 1100 bytes: push 1's oldest segment goes, push 2's live one stays.
        let dropped = m.put("b", "c/2.ts", segment(200), seg(Some(2)));
        assert_eq!(names(&dropped), ["a/1.ts"]);
        assert_eq!(dropped[0].bytes, 400);
        assert!(m.get("b", "a/1.ts").is_none());
        assert!(m.get("b", "a/2.ts").is_some());
        // Live segments alone may exceed the cap: nothing can go but push 1's last one.
        let dropped = m.put("b", "c/3.ts", segment(900), seg(Some(2)));
        assert_eq!(names(&dropped), ["a/2.ts"]);
        assert_eq!(m.total_bytes(), 1200);
        // When push 2 ends its segments go, oldest first, until the total fits.
        assert_eq!(names(&m.push_ended(2)), ["c/1.ts", "c/2.ts"]);
        assert_eq!(m.total_bytes(), 900);
        assert!(m.get("b", "c/3.ts").is_some());
    }

    #[test]
    fn playlists_stay_and_replacing_counts_once() {
        let m = MemoryObjects::new(100);
        let playlist = StoredObject {
            content_type: PLAYLIST_TYPE,
            body: vec![b'#'; 80],
        };
        m.put("b", "a/p.m3u8", playlist.clone(), ObjectKind::Playlist);
        m.put("b", "a/p.m3u8", playlist, ObjectKind::Playlist);
        assert_eq!(m.total_bytes(), 80);
        // A segment of no push (the admin endpoint) is droppable at once, even the newest.
        let dropped = m.put(
            "b",
            "a/1.ts",
            segment(30),
            ObjectKind::Segment { push: None },
        );
        assert_eq!(names(&dropped), ["a/1.ts"]);
        assert_eq!(m.total_bytes(), 80);
        assert_eq!(m.get("b", "a/p.m3u8").unwrap().body.len(), 80);
        // Rewriting a segment replaces it (and its place in the order).
        let m = MemoryObjects::new(100);
        let seg = ObjectKind::Segment { push: None };
        m.put("b", "a/1.ts", segment(60), seg);
        m.put("b", "a/2.ts", segment(10), seg);
        m.put("b", "a/1.ts", segment(40), seg);
        assert_eq!(m.total_bytes(), 50);
        assert_eq!(names(&m.put("b", "a/3.ts", segment(60), seg)), ["a/2.ts"]);
    }
}
