//! Section `unpinned`: the stat call again with client and server free to run on
//! different CPUs.

use osslive::LiveChannelConfiguration;

use crate::bare::{Bare, run_bare, signed_headers};
use crate::canned::{self, Canned, Reply};
use crate::clients::{Op, bucket_for, call, run_floor, run_osslive};
use crate::report::{Report, Series};
use crate::settings::{BUCKET, CHANNEL, Settings};

pub fn section_unpinned(s: &Settings, report: &mut Report) {
    eprintln!("== unpinned: stat on the canned server, threads free to use every CPU");
    let server = Canned::start(Reply::Fixed(canned::ok_response(&canned::stat_body())));
    let bucket = bucket_for(&server.endpoint());
    call(&bucket, Op::Stat, &LiveChannelConfiguration::default());
    let request = server.first_request().unwrap();
    let headers = signed_headers(&request);
    let url = format!("{}/{BUCKET}/{CHANNEL}?live&comp=stat", server.endpoint());
    let pinned_resolver = Bare::LikeOsslivePinned.agent(server.addr());
    let mut results: Vec<Vec<Series>> = vec![Vec::new(); 3];
    let mut lat = Vec::with_capacity(s.calls);
    for round in 0..s.rounds {
        let mut order = [0, 1, 2];
        order.rotate_left(round % 3);
        for which in order {
            let series = match which {
                0 => run_osslive(&bucket, Op::Stat, s.calls, &mut lat),
                1 => run_bare(&pinned_resolver, &url, &headers, s.calls, &mut lat),
                _ => run_floor(server.addr(), &request, s.calls, &mut lat),
            };
            results[which].push(series);
        }
    }
    let names = [
        "stat, unpinned: osslive",
        "stat, unpinned: ureq alone, osslive's settings + fixed-address resolver",
        "stat, unpinned: floor",
    ];
    for (name, r) in names.iter().zip(&results) {
        report.add(
            "unpinned",
            format!("{name}: throughput"),
            "calls/s",
            r.iter().map(|x| x.calls_per_s).collect(),
        );
        report.add(
            "unpinned",
            format!("{name}: latency p50"),
            "µs",
            r.iter().map(|x| x.p50_us).collect(),
        );
        report.add(
            "unpinned",
            format!("{name}: latency p99"),
            "µs",
            r.iter().map(|x| x.p99_us).collect(),
        );
    }
    report.add(
        "ratios",
        "stat, unpinned: osslive ÷ floor throughput",
        "×",
        results[0]
            .iter()
            .zip(&results[2])
            .map(|(a, b)| a.calls_per_s / b.calls_per_s)
            .collect(),
    );
}
