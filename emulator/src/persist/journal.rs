//! The journal: every change to the channels since the state file was written, one line
//! per change, appended as it happens. Appending a line costs the same at the first segment
//! and the ten-thousandth, where rewriting the state file grew with the channel's history.
//!
//! A line is a record kind and its fields, separated by single spaces, ended by a newline;
//! strings are percent-encoded into single words of printable ASCII, instants are exact
//! `SECONDS.NANOSECONDS`. A line without its newline is the one being written when the
//! process died: reading stops before it.

use std::fs::{File, OpenOptions};
use std::io::{self, Write as _};
use std::path::Path;
use std::time::SystemTime;

use crate::model::{ChannelConfig, ChannelStatus, Fragment, Snapshot, Target};
use crate::persist::text::{parse_time, parse_word, time_text, word};

/// One change to the channels, in the terms of the operation that made it.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    /// PutLiveChannel created or overwrote a channel.
    Put {
        /// The bucket.
        bucket: String,
        /// The channel.
        channel: String,
        /// Its new configuration.
        config: ChannelConfig,
        /// Its new `LastModified`.
        at: SystemTime,
    },
    /// PutLiveChannelStatus.
    Status {
        /// The bucket.
        bucket: String,
        /// The channel.
        channel: String,
        /// The new status.
        status: ChannelStatus,
        /// Its new `LastModified`.
        at: SystemTime,
    },
    /// DeleteLiveChannel.
    Delete {
        /// The bucket.
        bucket: String,
        /// The channel.
        channel: String,
    },
    /// A publisher started push `push`.
    Start {
        /// The bucket.
        bucket: String,
        /// The channel.
        channel: String,
        /// Which push, among those of this journal.
        push: u64,
        /// When it connected.
        at: SystemTime,
        /// The publisher's `ip:port`.
        remote_addr: String,
        /// The end of the push's last segment when the record is carried over to a new
        /// journal (the segments themselves are in the state file by then).
        until: Option<SystemTime>,
    },
    /// A TS segment was stored: VOD material, and for push `push` its latest end.
    Fragment {
        /// The bucket.
        bucket: String,
        /// The channel.
        channel: String,
        /// The push that wrote it; 0 for none (the admin endpoint).
        push: u64,
        /// The segment.
        fragment: Fragment,
    },
    /// Push `push` ended: it becomes a history record ending at `at`.
    End {
        /// The bucket.
        bucket: String,
        /// The channel.
        channel: String,
        /// Which push.
        push: u64,
        /// When it ended.
        at: SystemTime,
    },
}

impl Record {
    /// Whether a power cut must not lose this record once it is written: everything but
    /// segments, which come every few seconds and whose loss costs one segment at most.
    pub fn is_durable(&self) -> bool {
        !matches!(self, Record::Fragment { .. })
    }

    /// The record as one journal line, newline included.
    pub fn line(&self) -> String {
        let fields: Vec<String> = match self {
            Record::Put {
                bucket,
                channel,
                config,
                at,
            } => {
                let mut f = vec![
                    "put".into(),
                    word(bucket),
                    word(channel),
                    time_text(*at),
                    config.status.as_str().into(),
                    config.target.frag_duration.to_string(),
                    config.target.frag_count.to_string(),
                    word(&config.target.playlist_name),
                    word(&config.description),
                ];
                if let Some(s) = &config.snapshot {
                    f.extend([
                        word(&s.role_name),
                        word(&s.dest_bucket),
                        word(&s.notify_topic),
                        s.interval.to_string(),
                    ]);
                }
                f
            }
            Record::Status {
                bucket,
                channel,
                status,
                at,
            } => vec![
                "status".into(),
                word(bucket),
                word(channel),
                time_text(*at),
                status.as_str().into(),
            ],
            Record::Delete { bucket, channel } => {
                vec!["delete".into(), word(bucket), word(channel)]
            }
            Record::Start {
                bucket,
                channel,
                push,
                at,
                remote_addr,
                until,
            } => {
                let mut f = vec![
                    "start".into(),
                    word(bucket),
                    word(channel),
                    push.to_string(),
                    time_text(*at),
                    word(remote_addr),
                ];
                f.extend(until.map(time_text));
                f
            }
            Record::Fragment {
                bucket,
                channel,
                push,
                fragment,
            } => vec![
                "fragment".into(),
                word(bucket),
                word(channel),
                push.to_string(),
                time_text(fragment.start_time),
                // `{}` on f64 prints the shortest text that parses back to the same value.
                fragment.duration.to_string(),
                word(&fragment.name),
            ],
            Record::End {
                bucket,
                channel,
                push,
                at,
            } => vec![
                "end".into(),
                word(bucket),
                word(channel),
                push.to_string(),
                time_text(*at),
            ],
        };
        let mut line = fields.join(" ");
        line.push('\n');
        line
    }

    /// Reads one line (without its newline) written by [`line`](Self::line).
    pub fn parse(line: &str) -> Result<Record, String> {
        let fields: Vec<&str> = line.split(' ').collect();
        let (kind, rest) = fields.split_first().ok_or("an empty line")?;
        let string = |i: usize, what: &str| -> Result<String, String> {
            let f = rest.get(i).ok_or_else(|| format!("{kind}: no {what}"))?;
            parse_word(f).ok_or_else(|| format!("{kind}: {what} {f:?} is not a valid word"))
        };
        let number = |i: usize, what: &str| -> Result<u64, String> {
            let f = rest.get(i).ok_or_else(|| format!("{kind}: no {what}"))?;
            f.parse()
                .map_err(|_| format!("{kind}: {what} {f:?} is not a number"))
        };
        let small = |i: usize, what: &str| -> Result<u32, String> {
            u32::try_from(number(i, what)?).map_err(|_| format!("{kind}: {what} is too large"))
        };
        let time = |i: usize, what: &str| -> Result<SystemTime, String> {
            let f = rest.get(i).ok_or_else(|| format!("{kind}: no {what}"))?;
            parse_time(f).ok_or_else(|| format!("{kind}: {what} {f:?} is not a time"))
        };
        let status = |i: usize| -> Result<ChannelStatus, String> {
            let f = rest.get(i).ok_or_else(|| format!("{kind}: no status"))?;
            ChannelStatus::parse(f).ok_or_else(|| format!("{kind}: status {f:?} is unknown"))
        };
        let arity = |counts: &[usize]| -> Result<(), String> {
            if counts.contains(&rest.len()) {
                Ok(())
            } else {
                Err(format!("{kind}: {} fields", rest.len()))
            }
        };
        let record = match *kind {
            "put" => {
                arity(&[8, 12])?;
                let snapshot = if rest.len() == 12 {
                    Some(Snapshot {
                        role_name: string(8, "role name")?,
                        dest_bucket: string(9, "destination bucket")?,
                        notify_topic: string(10, "notify topic")?,
                        interval: small(11, "snapshot interval")?,
                    })
                } else {
                    None
                };
                Record::Put {
                    bucket: string(0, "bucket")?,
                    channel: string(1, "channel")?,
                    at: time(2, "time")?,
                    config: ChannelConfig {
                        status: status(3)?,
                        target: Target {
                            frag_duration: small(4, "FragDuration")?,
                            frag_count: small(5, "FragCount")?,
                            playlist_name: string(6, "playlist name")?,
                        },
                        description: string(7, "description")?,
                        snapshot,
                    },
                }
            }
            "status" => {
                arity(&[4])?;
                Record::Status {
                    bucket: string(0, "bucket")?,
                    channel: string(1, "channel")?,
                    at: time(2, "time")?,
                    status: status(3)?,
                }
            }
            "delete" => {
                arity(&[2])?;
                Record::Delete {
                    bucket: string(0, "bucket")?,
                    channel: string(1, "channel")?,
                }
            }
            "start" => {
                arity(&[5, 6])?;
                Record::Start {
                    bucket: string(0, "bucket")?,
                    channel: string(1, "channel")?,
                    push: number(2, "push")?,
                    at: time(3, "time")?,
                    remote_addr: string(4, "remote address")?,
                    until: if rest.len() == 6 {
                        Some(time(5, "end of the last segment")?)
                    } else {
                        None
                    },
                }
            }
            "fragment" => {
                arity(&[6])?;
                let duration: f64 = rest[4]
                    .parse()
                    .map_err(|_| format!("{kind}: duration {:?} is not a number", rest[4]))?;
                Record::Fragment {
                    bucket: string(0, "bucket")?,
                    channel: string(1, "channel")?,
                    push: number(2, "push")?,
                    fragment: Fragment {
                        start_time: time(3, "start time")?,
                        duration,
                        name: string(5, "name")?,
                    },
                }
            }
            "end" => {
                arity(&[4])?;
                Record::End {
                    bucket: string(0, "bucket")?,
                    channel: string(1, "channel")?,
                    push: number(2, "push")?,
                    at: time(3, "time")?,
                }
            }
            other => return Err(format!("unknown record kind {other:?}")),
        };
        Ok(record)
    }
}

/// The records of a journal's text, in order. The text after the last newline is a line
/// cut short by a crash and is left out; any other line that does not parse is an error
/// naming it.
pub fn parse_journal(text: &str) -> Result<Vec<Record>, String> {
    let complete = match text.rfind('\n') {
        Some(end) => &text[..end],
        None => return Ok(Vec::new()),
    };
    complete
        .split('\n')
        .enumerate()
        .map(|(i, line)| Record::parse(line).map_err(|e| format!("line {}: {e}", i + 1)))
        .collect()
}

/// A journal file open for appending.
#[derive(Debug)]
pub struct JournalFile {
    file: File,
    /// Records appended or read since the file was started.
    records: u64,
    /// Bytes in the file: where a failed append is cut back to.
    len: u64,
}

impl JournalFile {
    /// Opens the journal at `path` for appending, creating it when missing; `records` is
    /// how many it already holds.
    pub fn open(path: &Path, records: u64) -> io::Result<JournalFile> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        let len = file.metadata()?.len();
        Ok(JournalFile { file, records, len })
    }

    /// Starts the journal at `path` afresh (emptying any file there) with `records`, and
    /// makes them durable.
    pub fn create(path: &Path, records: &[Record]) -> io::Result<JournalFile> {
        let mut file = OpenOptions::new()
            .create(true)
            .write(true)
            .truncate(true)
            .open(path)?;
        let text: String = records.iter().map(Record::line).collect();
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        let file = OpenOptions::new().append(true).open(path)?;
        Ok(JournalFile {
            file,
            records: records.len() as u64,
            len: text.len() as u64,
        })
    }

    /// Appends one record in a single write, so that a process killed meanwhile leaves at
    /// most this line cut short. Durable records are also fsynced. When the write fails
    /// (a full disk) the part written is cut off again, so that the next record does not
    /// land on the end of a broken line.
    pub fn append(&mut self, record: &Record) -> io::Result<()> {
        let line = record.line();
        if let Err(e) = self.file.write_all(line.as_bytes()) {
            let _ = self.file.set_len(self.len);
            return Err(e);
        }
        self.len += line.len() as u64;
        self.records += 1;
        if record.is_durable() {
            self.file.sync_data()?;
        }
        Ok(())
    }

    /// How many records the journal holds.
    pub fn records(&self) -> u64 {
        self.records
    }
}

#[cfg(test)]
#[path = "journal_tests.rs"]
mod tests;
