//! One client shared by several threads.

use osslive::{ListOptions, LiveChannelConfiguration, LiveStatus};

use crate::support::*;

#[test]
fn one_client_shared_by_eight_threads() {
    let emulator = emulator();
    let client = client(&emulator, PLAIN);
    let bucket = client.bucket("shared-bucket").unwrap();
    let done: usize = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..8)
            .map(|t| {
                let client = &client;
                scope.spawn(move || {
                    let bucket = client.bucket("shared-bucket").unwrap();
                    let mut ok = 0;
                    for i in 0..20 {
                        let name = format!("t{t}-c{i:02}");
                        let created = bucket
                            .create_live_channel(&name, &LiveChannelConfiguration::default())
                            .unwrap();
                        assert!(created.publish_urls[0].ends_with(&format!("/live/{name}")));
                        assert_eq!(
                            bucket.get_live_channel_stat(&name).unwrap().status,
                            LiveStatus::Idle
                        );
                        assert_eq!(bucket.delete_live_channel(&name).unwrap().status, 204);
                        ok += 1;
                    }
                    ok
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("worker panicked"))
            .sum()
    });
    assert_eq!(done, 160);
    assert!(
        bucket
            .list_live_channel(&ListOptions::default())
            .unwrap()
            .channels
            .is_empty()
    );
}
