//! Section `anatomy`: where the time of one stat call goes, with osslive beside ureq alone
//! (in three setups) and the floor, and a replica of what ureq's resolver does per call.
//!
//! Since issue 19, osslive sends requests and reads answers itself on connections ureq's
//! connectors open; ureq alone is kept as the HTTP client osslive used to run every request
//! through, and as a yardstick for a general-purpose client.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use osslive::LiveChannelConfiguration;

use crate::bare::{Bare, run_bare, signed_headers};
use crate::canned::{self, Canned, Reply};
use crate::clients::{Op, bucket_for, call, run_floor, run_osslive};
use crate::report::{Report, Series, min_of};
use crate::settings::{BUCKET, CHANNEL, Settings};

/// The cost of what ureq's default resolver does per call when a timeout is set: a
/// thread, a channel and `to_socket_addrs` of an IP literal.
fn resolver_thread_replica(addr: std::net::SocketAddr, n: usize, lat: &mut Vec<u64>) -> Series {
    use std::net::ToSocketAddrs;
    let text = addr.to_string();
    lat.clear();
    let start = Instant::now();
    for _ in 0..n {
        let t = Instant::now();
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        let text = text.clone();
        std::thread::spawn(move || tx.send(text.to_socket_addrs()).ok());
        let addrs = rx.recv_timeout(Duration::from_secs(30)).unwrap().unwrap();
        black_box(addrs.count());
        lat.push(t.elapsed().as_nanos() as u64);
    }
    let elapsed = start.elapsed();
    Series::from_latencies(lat, elapsed)
}

pub fn section_anatomy(s: &Settings, report: &mut Report) {
    eprintln!("== anatomy: one stat call, osslive beside ureq alone and the floor");
    let server = Canned::start(Reply::Fixed(canned::ok_response(&canned::stat_body())));
    let bucket = bucket_for(&server.endpoint());
    call(&bucket, Op::Stat, &LiveChannelConfiguration::default());
    let request = server.first_request().unwrap();
    let headers = signed_headers(&request);
    let url = format!("{}/{BUCKET}/{CHANNEL}?live&comp=stat", server.endpoint());
    let agents: Vec<(Bare, ureq::Agent)> =
        [Bare::NoTimeouts, Bare::LikeOsslive, Bare::LikeOsslivePinned]
            .into_iter()
            .map(|b| (b, b.agent(server.addr())))
            .collect();
    #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
    enum Who {
        Floor,
        Bare(Bare),
        Osslive,
        Replica,
    }
    let mut results: BTreeMap<Who, Vec<Series>> = BTreeMap::new();
    let mut lat = Vec::with_capacity(s.calls);
    for round in 0..s.rounds {
        eprintln!("   round {}/{}", round + 1, s.rounds);
        let mut order = vec![
            Who::Floor,
            Who::Bare(Bare::NoTimeouts),
            Who::Bare(Bare::LikeOsslive),
            Who::Bare(Bare::LikeOsslivePinned),
            Who::Osslive,
            Who::Replica,
        ];
        let len = order.len();
        order.rotate_left(round % len);
        for who in order {
            let series = match who {
                Who::Floor => run_floor(server.addr(), &request, s.calls, &mut lat),
                Who::Bare(b) => {
                    let agent = &agents.iter().find(|(x, _)| *x == b).unwrap().1;
                    run_bare(agent, &url, &headers, s.calls, &mut lat)
                }
                Who::Osslive => run_osslive(&bucket, Op::Stat, s.calls, &mut lat),
                Who::Replica => resolver_thread_replica(server.addr(), s.calls, &mut lat),
            };
            results.entry(who).or_default().push(series);
        }
    }
    let p50 = |who: Who| -> Vec<f64> { results[&who].iter().map(|x| x.p50_us).collect() };
    let add_series = |report: &mut Report, who: Who, name: &str| {
        let r = &results[&who];
        report.add(
            "anatomy",
            format!("{name}: throughput"),
            "calls/s",
            r.iter().map(|x| x.calls_per_s).collect(),
        );
        report.add(
            "anatomy",
            format!("{name}: latency p50"),
            "µs",
            r.iter().map(|x| x.p50_us).collect(),
        );
        report.add(
            "anatomy",
            format!("{name}: latency p99"),
            "µs",
            r.iter().map(|x| x.p99_us).collect(),
        );
    };
    add_series(report, Who::Floor, "stat: floor (raw socket)");
    for b in [Bare::NoTimeouts, Bare::LikeOsslive, Bare::LikeOsslivePinned] {
        add_series(report, Who::Bare(b), &format!("stat: {}", b.name()));
    }
    add_series(report, Who::Osslive, "stat: osslive get_live_channel_stat");
    add_series(
        report,
        Who::Replica,
        "replica of ureq's resolve-with-timeout (thread + channel + to_socket_addrs)",
    );
    // Differences of the best round of each (noise only ever adds time, so the best
    // round is the closest to the cost itself; per-round differences are kept in the
    // JSON as the rows above).
    let best = |who: Who| min_of(&p50(who));
    let steps = [
        (
            "best p50: ureq alone (no timeouts) − floor = ureq's own HTTP work",
            best(Who::Bare(Bare::NoTimeouts)) - best(Who::Floor),
        ),
        (
            "best p50: ureq (osslive's settings) − ureq (fixed resolver) = resolver thread",
            best(Who::Bare(Bare::LikeOsslive)) - best(Who::Bare(Bare::LikeOsslivePinned)),
        ),
        (
            "best p50: osslive − floor = all osslive adds: signing, its HTTP/1.1, XML, checks",
            best(Who::Osslive) - best(Who::Floor),
        ),
        (
            "best p50: ureq (fixed resolver) − osslive = ureq's HTTP work over osslive's, net",
            best(Who::Bare(Bare::LikeOsslivePinned)) - best(Who::Osslive),
        ),
    ];
    for (name, value) in steps {
        report.add("anatomy", name, "µs", vec![value]);
    }
}
