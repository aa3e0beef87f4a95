//! What the object stores keep and hand back.

/// An object a channel wrote into its bucket: a TS segment, a live or a VOD playlist.
#[derive(Debug, Clone)]
pub struct StoredObject {
    /// The `Content-Type` it is served with.
    pub content_type: &'static str,
    /// The bytes.
    pub body: Vec<u8>,
}

/// `Content-Type` of a TS segment.
pub const SEGMENT_TYPE: &str = "video/MP2T";
/// `Content-Type` of a playlist.
pub const PLAYLIST_TYPE: &str = "application/x-mpegURL";

/// What an object is, which decides whether the memory cap may drop it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectKind {
    /// A live or VOD playlist: small, and never dropped.
    Playlist,
    /// A TS segment, written by push `push` (`None`: by the admin endpoint). Dropped
    /// oldest first when in-memory objects exceed their cap, unless its push is live.
    Segment {
        /// The push that wrote it.
        push: Option<u64>,
    },
}

/// A segment the memory cap dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dropped {
    /// Its bucket.
    pub bucket: String,
    /// Its key.
    pub key: String,
    /// How many bytes it held.
    pub bytes: usize,
}
