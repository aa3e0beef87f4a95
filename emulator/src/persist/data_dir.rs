//! The channels' side of `--data-dir`: the state file, the journal after it, and how they
//! are read at start-up and folded together.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::atomic_file::{remove_stale_temps, write_atomically};
use crate::persist::journal::{JournalFile, Record, parse_journal};
use crate::persist::replay::{Replayed, replay};
use crate::persist::snapshot::{self, BucketState};

/// The state file under `--data-dir`.
pub const STATE_FILE: &str = "osslive-emulator-state.xml";
/// The directory under `--data-dir` that holds the objects, one file each.
pub const OBJECTS_DIR: &str = "objects";
/// Once the journal holds this many records it is folded into a new state file, so that
/// a restart never has more than this to replay (about 2 MB).
pub const COMPACT_AFTER: u64 = 20_000;

/// The journal that follows the state file of generation `generation`.
fn journal_name(generation: u64) -> String {
    format!("journal-{generation}.log")
}

/// The generation of a journal file name, if it is one.
fn journal_generation(name: &str) -> Option<u64> {
    name.strip_prefix("journal-")?
        .strip_suffix(".log")?
        .parse()
        .ok()
}

/// The state file and journal of an open data directory.
#[derive(Debug)]
pub struct DataDir {
    dir: PathBuf,
    generation: u64,
    journal: JournalFile,
    compact_after: u64,
}

/// What [`DataDir::open`] read.
#[derive(Debug)]
pub struct Opened {
    /// The directory, ready for appends.
    pub data_dir: DataDir,
    /// The channels, with the journal applied.
    pub buckets: BTreeMap<String, BucketState>,
    /// What the journal held.
    pub replayed: Replayed,
    /// Temporary files of a killed process that were removed.
    pub stale_temps: usize,
}

impl DataDir {
    /// Opens (creating it if need be) the data directory `dir`: reads the state file (a
    /// version 1 file from an emulator before the journal included), replays its journal,
    /// turns pushes that were live into history records, and starts a new generation: a
    /// state file holding all that and an empty journal. Leftover temporary files are
    /// removed.
    pub fn open(dir: &Path) -> Result<Opened, String> {
        fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create data directory {}: {e}", dir.display()))?;
        let stale_temps = remove_stale_temps(dir)
            .map_err(|e| format!("cannot clean up {}: {e}", dir.display()))?;
        let state = snapshot::load(&dir.join(STATE_FILE))?.unwrap_or_default();
        let journal_path = dir.join(journal_name(state.journal));
        let records = match fs::read(&journal_path) {
            Ok(bytes) => {
                let text = String::from_utf8(bytes)
                    .map_err(|_| format!("{}: the file is not UTF-8", journal_path.display()))?;
                parse_journal(&text).map_err(|e| format!("{}: {e}", journal_path.display()))?
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(format!("cannot read {}: {e}", journal_path.display())),
        };
        let mut buckets = state.buckets;
        let replayed = replay(&mut buckets, records);
        let generation = state.journal + 1;
        let journal = start_generation(dir, generation, &buckets, &[])
            .map_err(|e| format!("cannot write the state in {}: {e}", dir.display()))?;
        Ok(Opened {
            data_dir: DataDir {
                dir: dir.to_path_buf(),
                generation,
                journal,
                compact_after: COMPACT_AFTER,
            },
            buckets,
            replayed,
            stale_temps,
        })
    }

    /// Where objects are kept.
    pub fn objects_dir(dir: &Path) -> PathBuf {
        dir.join(OBJECTS_DIR)
    }

    /// Appends one record to the journal.
    pub fn append(&mut self, record: &Record) -> io::Result<()> {
        self.journal.append(record)
    }

    /// Whether the journal is long enough to be folded into the state file.
    pub fn should_compact(&self) -> bool {
        self.journal.records() >= self.compact_after
    }

    /// Compacts after `records` records instead of [`COMPACT_AFTER`] (for tests).
    pub fn set_compact_after(&mut self, records: u64) {
        self.compact_after = records;
    }

    /// Folds the journal into a new state file holding `buckets`. `live` are the `Start`
    /// records of the pushes live right now, carried over to the new journal.
    pub fn compact(
        &mut self,
        buckets: &BTreeMap<String, BucketState>,
        live: &[Record],
    ) -> io::Result<()> {
        let generation = self.generation + 1;
        self.journal = start_generation(&self.dir, generation, buckets, live)?;
        self.generation = generation;
        Ok(())
    }
}

/// Writes journal `generation` holding `live` and then a state file pointing at it: until
/// the state file's rename the previous generation stays whole, after it the new one is.
/// Then removes the other journals, which nothing points at any more.
fn start_generation(
    dir: &Path,
    generation: u64,
    buckets: &BTreeMap<String, BucketState>,
    live: &[Record],
) -> io::Result<JournalFile> {
    let journal = JournalFile::create(&dir.join(journal_name(generation)), live)?;
    write_atomically(
        &dir.join(STATE_FILE),
        snapshot::encode(buckets, generation).as_bytes(),
        true,
    )?;
    for entry in fs::read_dir(dir)? {
        let name = entry?.file_name();
        let stale = name
            .to_str()
            .and_then(journal_generation)
            .is_some_and(|g| g != generation);
        if stale {
            let _ = fs::remove_file(dir.join(name));
        }
    }
    Ok(journal)
}

#[cfg(test)]
#[path = "data_dir_tests.rs"]
mod tests;
