//! The Rust contenders of one call: osslive through its public API and the floor, a raw
//! socket replaying the bytes osslive sends; each timed over N calls on one connection.

use std::hint::black_box;
use std::time::Instant;

use osslive::{Bucket, Client, Credentials, LiveChannelConfiguration};

use crate::canned::{self, Canned, Reply};
use crate::floor::RawClient;
use crate::report::Series;
use crate::settings::{AK, BUCKET, CHANNEL, REGION, SK, WARMUP};

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub enum Op {
    Stat,
    Create,
}

impl Op {
    pub fn name(self) -> &'static str {
        match self {
            Op::Stat => "stat",
            Op::Create => "create",
        }
    }
}

pub fn bucket_for(endpoint: &str) -> Bucket {
    Client::builder()
        .endpoint(endpoint)
        .region(REGION)
        .credentials(Credentials::new(AK, SK))
        .build()
        .expect("client builds")
        .bucket(BUCKET)
        .expect("bucket name is valid")
}

pub fn call(bucket: &Bucket, op: Op, config: &LiveChannelConfiguration) {
    match op {
        Op::Stat => {
            let stat = bucket
                .get_live_channel_stat(CHANNEL)
                .expect("stat succeeds");
            black_box(stat);
        }
        Op::Create => {
            let created = bucket
                .create_live_channel(CHANNEL, config)
                .expect("create succeeds");
            black_box(created);
        }
    }
}

pub fn run_osslive(bucket: &Bucket, op: Op, n: usize, lat: &mut Vec<u64>) -> Series {
    let config = LiveChannelConfiguration::default();
    for _ in 0..WARMUP {
        call(bucket, op, &config);
    }
    lat.clear();
    let start = Instant::now();
    for _ in 0..n {
        let t = Instant::now();
        call(bucket, op, &config);
        lat.push(t.elapsed().as_nanos() as u64);
    }
    let elapsed = start.elapsed();
    Series::from_latencies(lat, elapsed)
}

pub fn run_floor(
    addr: std::net::SocketAddr,
    request: &[u8],
    n: usize,
    lat: &mut Vec<u64>,
) -> Series {
    let mut raw = RawClient::connect(addr).expect("floor connects");
    for _ in 0..WARMUP {
        let status = raw.roundtrip(request).expect("floor round trip");
        assert_eq!(status, 200, "the floor's request must succeed");
    }
    lat.clear();
    let start = Instant::now();
    for _ in 0..n {
        let t = Instant::now();
        let status = raw.roundtrip(request).expect("floor round trip");
        lat.push(t.elapsed().as_nanos() as u64);
        debug_assert_eq!(status, 200);
        black_box(status);
    }
    let elapsed = start.elapsed();
    Series::from_latencies(lat, elapsed)
}

/// The bytes osslive sends for one `op` call, as a canned server received them.
pub fn capture_request(op: Op) -> Vec<u8> {
    let body = match op {
        Op::Stat => canned::stat_body(),
        Op::Create => canned::create_body(BUCKET, CHANNEL),
    };
    let recorder = Canned::start(Reply::Fixed(canned::ok_response(&body)));
    let bucket = bucket_for(&recorder.endpoint());
    call(&bucket, op, &LiveChannelConfiguration::default());
    recorder
        .first_request()
        .expect("the recorder saw the request")
}
