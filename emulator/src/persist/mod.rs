//! The channels under `--data-dir`: a state file, and a journal of every change since.
//!
//! ```text
//! DATA_DIR/
//!   osslive-emulator-state.xml   every channel (config, history, VOD fragments) at the
//!                                last compaction, and which journal follows it
//!   journal-N.log                one line per change since: PutLiveChannel, status,
//!                                delete, push start and end, each stored segment
//!   objects/BUCKET/CHANNEL/NAME  the objects, one file each (see `crate::objects`)
//! ```
//!
//! A change is appended to the journal before its request is answered, so a process
//! killed at any moment (`kill -9` included) loses at most the line being written, which
//! reading leaves out. Everything but segment records is also fsynced, which makes channel
//! changes survive a power cut too. At start-up the journal is replayed over the state
//! file, the pushes that were live are closed as history records ending at their last
//! stored segment, and the result is written as a new state file with an empty journal;
//! the same compaction runs when a journal reaches [`data_dir::COMPACT_AFTER`] records.
//!
//! State files of emulators before the journal (version 1) are read and rewritten in the
//! current format; a file from a newer emulator is refused with a message that says so.

pub mod data_dir;
pub mod journal;
pub mod replay;
pub mod snapshot;
mod text;

pub use data_dir::{DataDir, STATE_FILE};
pub use snapshot::{BucketState, StateFile, decode, encode, load};
