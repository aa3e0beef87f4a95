//! GetLiveChannelHistory: finished pushes, the ten most recent kept.

use std::time::SystemTime;

use osslive::LiveChannelConfiguration;

use crate::support::*;

#[test]
fn history_records_finished_pushes_and_keeps_the_ten_most_recent_in_every_mode() {
    let emulator = emulator();
    let base = 1_700_000_000;
    for mode in all_modes() {
        let bucket = bucket(&emulator, mode);
        bucket
            .create_live_channel("hist", &LiveChannelConfiguration::default())
            .unwrap();
        let empty = bucket.get_live_channel_history("hist").unwrap();
        assert!(empty.records.is_empty(), "{mode:?}");
        assert!(empty.request_id.is_some());

        emulator
            .begin_publish(bucket.name(), "hist", session(at(base), "10.0.0.1:50000"))
            .unwrap();
        let before = now_whole_seconds();
        assert!(emulator.end_publish(bucket.name(), "hist").unwrap());
        let after = SystemTime::now();
        let history = bucket.get_live_channel_history("hist").unwrap();
        assert_eq!(history.records.len(), 1, "{mode:?}");
        let record = &history.records[0];
        assert_eq!(record.start_time, at(base), "{mode:?}");
        assert!(
            before <= record.end_time && record.end_time <= after,
            "{mode:?}: {record:?}"
        );
        assert_eq!(record.remote_addr, "10.0.0.1:50000", "{mode:?}");

        // Eleven more pushes: twelve in all, of which the last ten are kept.
        for i in 1..12u64 {
            let remote = format!("10.0.0.{}:{}", i + 1, 50_000 + i);
            emulator
                .begin_publish(bucket.name(), "hist", session(at(base + i * 100), &remote))
                .unwrap();
            emulator.end_publish(bucket.name(), "hist").unwrap();
        }
        let history = bucket.get_live_channel_history("hist").unwrap();
        let got: Vec<(u64, String)> = history
            .records
            .iter()
            .map(|r| (unix(r.start_time), r.remote_addr.clone()))
            .collect();
        let want: Vec<(u64, String)> = (2..12u64)
            .map(|i| (base + i * 100, format!("10.0.0.{}:{}", i + 1, 50_000 + i)))
            .collect();
        assert_eq!(got, want, "{mode:?}");
    }
}
