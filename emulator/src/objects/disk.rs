//! Objects as files under `DATA_DIR/objects/`, one per object (see [`object_path`]).
//!
//! Each is written to a temporary file and renamed into place, so a reader, or a restart
//! after a kill, sees the previous version or the new one, never part of one. Segments
//! and playlists are not fsynced: a killed process loses nothing written, and a power cut
//! may lose the last seconds of segments (the journal is what is fsynced).

use std::fs;
use std::io;
use std::path::PathBuf;

use crate::atomic_file::write_atomically;
use crate::objects::path::object_path;

/// The files of every object, under one root directory.
#[derive(Debug)]
pub struct DiskObjects {
    root: PathBuf,
}

impl DiskObjects {
    /// Objects under `root`, which is created when the first one is written.
    pub fn new(root: PathBuf) -> DiskObjects {
        DiskObjects { root }
    }

    /// The file of an object.
    pub fn path(&self, bucket: &str, key: &str) -> PathBuf {
        self.root.join(object_path(bucket, key))
    }

    /// Writes (or replaces) an object.
    pub fn put(&self, bucket: &str, key: &str, body: &[u8]) -> io::Result<()> {
        let path = self.path(bucket, key);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir)?;
        }
        write_atomically(&path, body, false)
    }

    /// The bytes of an object; `None` when there is no such object.
    pub fn get(&self, bucket: &str, key: &str) -> io::Result<Option<Vec<u8>>> {
        match fs::read(self.path(bucket, key)) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if is_absent(&e) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// Whether reading failed because no object was ever written there: no file, a directory
/// (a channel's, when the key has no `/`), or a path no write could have made.
fn is_absent(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::NotFound | io::ErrorKind::NotADirectory | io::ErrorKind::IsADirectory
    ) || e.raw_os_error() == Some(libc::ENAMETOOLONG)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_dir::TempDir;

    #[test]
    fn objects_are_files_at_their_key() {
        let dir = TempDir::new("disk-objects");
        let objects = DiskObjects::new(dir.path().join("objects"));
        assert_eq!(objects.get("b", "ch/1.ts").unwrap(), None);
        objects.put("b", "ch/1.ts", b"segment").unwrap();
        objects.put("b", "ch/playlist.m3u8", b"#EXTM3U\n").unwrap();
        objects.put("b", "ch/playlist.m3u8", b"#EXTM3U\n2").unwrap();
        let file = dir.path().join("objects/b/ch/1.ts");
        assert_eq!(fs::read(file).unwrap(), b"segment");
        assert_eq!(
            objects.get("b", "ch/playlist.m3u8").unwrap().unwrap(),
            b"#EXTM3U\n2"
        );
        let names: Vec<_> = fs::read_dir(dir.path().join("objects/b/ch"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
        // A channel directory, a file used as a directory, and a path too long to exist
        // are all "no such object".
        assert_eq!(objects.get("b", "ch").unwrap(), None);
        assert_eq!(objects.get("b", "ch/1.ts/x").unwrap(), None);
        let long = format!("{}/x", "é".repeat(1000));
        assert_eq!(objects.get("b", &long).unwrap(), None);
    }

    #[test]
    fn hostile_keys_stay_inside_the_directory() {
        let dir = TempDir::new("disk-objects-hostile");
        let root = dir.path().join("objects");
        let objects = DiskObjects::new(root.clone());
        for key in ["../../escape", "ch/../../escape", "/escape", "../", "ch/.."] {
            objects.put("b", key, key.as_bytes()).unwrap();
            assert_eq!(objects.get("b", key).unwrap().unwrap(), key.as_bytes());
            assert!(objects.path("b", key).starts_with(&root));
        }
        let mut outside: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        outside.sort();
        assert_eq!(outside, ["objects"]);
    }
}
