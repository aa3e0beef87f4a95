//! Replacing a file so that readers and crashes see the old content or the new, never a
//! partial file: the one way the emulator writes under `--data-dir` (the state file and
//! every object).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write as _};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

/// How the name of every temporary file starts. No file the emulator keeps can start so:
/// object file names are percent-encoded (a `%` is always followed by two hex digits or
/// ends the name), and the data directory's own files have fixed names.
pub const TEMP_PREFIX: &str = "%tmp.";

/// Makes a rename or a file creation in `dir` survive a power cut.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    // Only Unix can open and fsync a directory; elsewhere the rename is as durable as it gets.
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// Replaces `path` with `bytes`: writes a temporary file in the same directory (so the
/// rename stays on one file system), renames it over the target. A process killed at any
/// point leaves the old file or the new one. With `durable`, the file is fsynced before the
/// rename and the directory after it, so that a power cut cannot lose or tear it either.
pub fn write_atomically(path: &Path, bytes: &[u8], durable: bool) -> io::Result<()> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    if path.file_name().is_none() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "the path has no file name",
        ));
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    // Unique per process and call, so concurrent writes never share a temporary file.
    let tmp = dir.join(format!(
        "{TEMP_PREFIX}{}.{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let result = (|| {
        let mut f = OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        f.write_all(bytes)?;
        if durable {
            f.sync_all()?;
        }
        drop(f);
        fs::rename(&tmp, path)?;
        if durable {
            sync_dir(dir)?;
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Removes the temporary files a killed process left anywhere under `root`; returns how
/// many. Only for start-up, before anything else writes under `root`.
pub fn remove_stale_temps(root: &Path) -> io::Result<usize> {
    let mut removed = 0;
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        for entry in entries {
            let entry = entry?;
            let kind = entry.file_type()?;
            if kind.is_dir() {
                dirs.push(entry.path());
            } else if entry
                .file_name()
                .to_str()
                .is_some_and(|n| n.starts_with(TEMP_PREFIX))
            {
                fs::remove_file(entry.path())?;
                removed += 1;
            }
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_dir::TempDir;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn replaces_without_leaving_temporary_files() {
        let dir = TempDir::new("atomic");
        let path = dir.path().join("state.xml");
        for durable in [true, false] {
            write_atomically(&path, b"a longer first content", durable).unwrap();
            write_atomically(&path, b"short", durable).unwrap();
            assert_eq!(fs::read(&path).unwrap(), b"short");
            assert_eq!(names(dir.path()), ["state.xml"]);
        }
    }

    #[test]
    fn failed_write_leaves_target_and_no_temp_file() {
        let dir = TempDir::new("atomic-fail");
        let path = dir.path().join("state.xml");
        write_atomically(&path, b"old", true).unwrap();
        // Renaming a file over a non-empty directory fails; the old file must survive.
        let blocked = dir.path().join("blocked");
        fs::create_dir(&blocked).unwrap();
        fs::write(blocked.join("x"), b"x").unwrap();
        assert!(write_atomically(&blocked, b"new", true).is_err());
        assert_eq!(fs::read(&path).unwrap(), b"old");
        assert_eq!(names(dir.path()), ["blocked", "state.xml"]);
        assert!(write_atomically(Path::new("/"), b"x", true).is_err());
    }

    #[test]
    fn stale_temporary_files_are_removed_and_nothing_else() {
        let dir = TempDir::new("atomic-stale");
        let nested = dir.path().join("b").join("c");
        fs::create_dir_all(&nested).unwrap();
        fs::write(nested.join(format!("{TEMP_PREFIX}1.2")), b"torn").unwrap();
        fs::write(dir.path().join(format!("{TEMP_PREFIX}3.4")), b"torn").unwrap();
        fs::write(nested.join("1.ts"), b"kept").unwrap();
        fs::write(nested.join("%25tmp.x"), b"kept").unwrap();
        assert_eq!(remove_stale_temps(dir.path()).unwrap(), 2);
        assert_eq!(names(&nested), ["%25tmp.x", "1.ts"]);
        assert_eq!(names(dir.path()), ["b"]);
        assert_eq!(remove_stale_temps(&dir.path().join("missing")).unwrap(), 0);
    }
}
