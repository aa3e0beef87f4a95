//! Replaying a journal over the state file: the channels as they were when the process
//! stopped, with every push that was live then turned into a history record.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, SystemTime};

use crate::model::{Channel, LiveRecord};
use crate::persist::journal::Record;
use crate::persist::snapshot::BucketState;

/// A push whose `Start` was read and whose `End` was not (yet).
struct OpenPush {
    id: u64,
    start: SystemTime,
    remote_addr: String,
    /// The end of its last segment so far.
    until: Option<SystemTime>,
}

/// What a replay found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Replayed {
    /// Records applied.
    pub records: usize,
    /// Pushes that were live when the process stopped, now history records.
    pub interrupted: usize,
}

fn channel_mut<'a>(
    buckets: &'a mut BTreeMap<String, BucketState>,
    bucket: &str,
    channel: &str,
) -> Option<&'a mut Channel> {
    buckets.get_mut(bucket)?.get_mut(channel)
}

/// Applies `records` to `buckets` in order, as the live operations did. A push left open at
/// the end was cut off by the process stopping: it becomes a history record that ends where
/// its last stored segment ends (at its start when it stored none). Records about a
/// channel that does not exist change nothing, as the operations refused them then.
pub fn replay(buckets: &mut BTreeMap<String, BucketState>, records: Vec<Record>) -> Replayed {
    let mut open: HashMap<(String, String), OpenPush> = HashMap::new();
    let count = records.len();
    for record in records {
        match record {
            Record::Put {
                bucket,
                channel,
                config,
                at,
            } => {
                let channels = buckets.entry(bucket).or_default();
                match channels.get_mut(&channel) {
                    Some(existing) => {
                        existing.config = config;
                        existing.last_modified = at;
                    }
                    None => {
                        let new = Channel::new(&channel, config, at);
                        channels.insert(channel, new);
                    }
                }
            }
            Record::Status {
                bucket,
                channel,
                status,
                at,
            } => {
                if let Some(c) = channel_mut(buckets, &bucket, &channel) {
                    c.config.status = status;
                    c.last_modified = at;
                }
            }
            Record::Delete { bucket, channel } => {
                if let Some(channels) = buckets.get_mut(&bucket) {
                    channels.remove(&channel);
                }
                open.remove(&(bucket, channel));
            }
            Record::Start {
                bucket,
                channel,
                push,
                at,
                remote_addr,
                until,
            } => {
                open.insert(
                    (bucket, channel),
                    OpenPush {
                        id: push,
                        start: at,
                        remote_addr,
                        until,
                    },
                );
            }
            Record::Fragment {
                bucket,
                channel,
                push,
                fragment,
            } => {
                let end = fragment
                    .start_time
                    .checked_add(Duration::from_secs_f64(fragment.duration.max(0.0)))
                    .unwrap_or(fragment.start_time);
                if let Some(c) = channel_mut(buckets, &bucket, &channel) {
                    c.add_fragment(fragment);
                }
                if let Some(p) = open.get_mut(&(bucket, channel)) {
                    if push != 0 && p.id == push {
                        p.until = Some(p.until.map_or(end, |u| u.max(end)));
                    }
                }
            }
            Record::End {
                bucket,
                channel,
                push,
                at,
            } => {
                let key = (bucket, channel);
                if open.get(&key).is_some_and(|p| p.id == push) {
                    let p = open.remove(&key).expect("checked above");
                    if let Some(c) = channel_mut(buckets, &key.0, &key.1) {
                        c.add_history(LiveRecord {
                            start_time: p.start,
                            end_time: at,
                            remote_addr: p.remote_addr,
                        });
                    }
                }
            }
        }
    }
    let mut interrupted = 0;
    for ((bucket, channel), p) in open {
        if let Some(c) = channel_mut(buckets, &bucket, &channel) {
            c.add_history(LiveRecord {
                start_time: p.start,
                end_time: p.until.unwrap_or(p.start).max(p.start),
                remote_addr: p.remote_addr,
            });
            interrupted += 1;
        }
    }
    Replayed {
        records: count,
        interrupted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ChannelConfig, ChannelStatus, Fragment, HISTORY_LIMIT, Target};
    use std::time::UNIX_EPOCH;

    fn at(ms: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_millis(ms)
    }

    fn config() -> ChannelConfig {
        ChannelConfig {
            description: "d".into(),
            status: ChannelStatus::Enabled,
            target: Target {
                frag_duration: 5,
                frag_count: 3,
                playlist_name: "playlist.m3u8".into(),
            },
            snapshot: None,
        }
    }

    fn put(channel: &str, ms: u64) -> Record {
        Record::Put {
            bucket: "b".into(),
            channel: channel.into(),
            config: config(),
            at: at(ms),
        }
    }

    fn start(channel: &str, push: u64, ms: u64) -> Record {
        Record::Start {
            bucket: "b".into(),
            channel: channel.into(),
            push,
            at: at(ms),
            remote_addr: format!("127.0.0.1:{push}"),
            until: None,
        }
    }

    fn fragment(channel: &str, push: u64, ms: u64, secs: f64) -> Record {
        Record::Fragment {
            bucket: "b".into(),
            channel: channel.into(),
            push,
            fragment: Fragment {
                start_time: at(ms),
                duration: secs,
                name: format!("{ms}.ts"),
            },
        }
    }

    fn end(channel: &str, push: u64, ms: u64) -> Record {
        Record::End {
            bucket: "b".into(),
            channel: channel.into(),
            push,
            at: at(ms),
        }
    }

    #[test]
    fn operations_replay_as_they_ran() {
        let mut buckets = BTreeMap::new();
        let records = vec![
            put("a", 1),
            put("gone", 1),
            Record::Status {
                bucket: "b".into(),
                channel: "a".into(),
                status: ChannelStatus::Disabled,
                at: at(2),
            },
            Record::Delete {
                bucket: "b".into(),
                channel: "gone".into(),
            },
            start("a", 1, 10_000),
            fragment("a", 1, 10_000, 2.0),
            fragment("a", 0, 5_000, 1.0),
            end("a", 1, 13_000),
            // About channels that are not there: nothing happens.
            fragment("gone", 0, 1, 1.0),
            end("gone", 9, 1),
        ];
        let replayed = replay(&mut buckets, records);
        assert_eq!(
            replayed,
            Replayed {
                records: 10,
                interrupted: 0
            }
        );
        let a = &buckets["b"]["a"];
        assert!(!buckets["b"].contains_key("gone"));
        assert_eq!(a.config.status, ChannelStatus::Disabled);
        assert_eq!(a.last_modified, at(2));
        let names: Vec<&str> = a.fragments.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["5000.ts", "10000.ts"]);
        assert_eq!(
            a.history.iter().collect::<Vec<_>>(),
            [&LiveRecord {
                start_time: at(10_000),
                end_time: at(13_000),
                remote_addr: "127.0.0.1:1".into()
            }]
        );
        // A second put overwrites the configuration and keeps history and fragments.
        let mut changed = config();
        changed.description = "new".into();
        replay(
            &mut buckets,
            vec![Record::Put {
                bucket: "b".into(),
                channel: "a".into(),
                config: changed.clone(),
                at: at(20),
            }],
        );
        let a = &buckets["b"]["a"];
        assert_eq!((a.config.clone(), a.history.len()), (changed, 1));
        assert_eq!(a.fragments.len(), 2);
    }

    #[test]
    fn an_interrupted_push_ends_at_its_last_segment() {
        let mut buckets = BTreeMap::new();
        let records = vec![
            put("a", 1),
            put("quiet", 1),
            start("a", 4, 100_000),
            fragment("a", 4, 100_500, 1.5),
            // A segment of another push (one that ended late) does not count.
            fragment("a", 3, 200_000, 1.0),
            fragment("a", 4, 102_000, 1.25),
            start("quiet", 5, 50_000),
        ];
        let replayed = replay(&mut buckets, records);
        assert_eq!(replayed.interrupted, 2);
        let a = &buckets["b"]["a"].history;
        assert_eq!(a.len(), 1);
        assert_eq!((a[0].start_time, a[0].end_time), (at(100_000), at(103_250)));
        // No segment: the record ends where it starts.
        let quiet = &buckets["b"]["quiet"].history;
        assert_eq!(
            (quiet[0].start_time, quiet[0].end_time),
            (at(50_000), at(50_000))
        );
        // A push carried over by a compaction keeps what it had reached.
        let mut buckets = BTreeMap::new();
        let carried = Record::Start {
            bucket: "b".into(),
            channel: "a".into(),
            push: 1,
            at: at(1_000),
            remote_addr: "r".into(),
            until: Some(at(9_000)),
        };
        replay(&mut buckets, vec![put("a", 1), carried]);
        assert_eq!(buckets["b"]["a"].history[0].end_time, at(9_000));
    }

    #[test]
    fn history_keeps_the_last_ten() {
        let mut buckets = BTreeMap::new();
        let mut records = vec![put("a", 1)];
        for push in 1..=12 {
            records.push(start("a", push, push * 10_000));
            records.push(end("a", push, push * 10_000 + 5));
        }
        replay(&mut buckets, records);
        let history = &buckets["b"]["a"].history;
        assert_eq!(history.len(), HISTORY_LIMIT);
        assert_eq!(history[0].start_time, at(30_000));
    }
}
