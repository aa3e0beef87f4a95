//! Section `threads`: one client shared by 8 threads against 1 thread, beside ureq alone
//! with a pool and the floor with a connection per thread, and the connections each opens.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::Instant;

use osslive::LiveChannelConfiguration;

use crate::bare::{FixedResolver, bare_call, signed_headers};
use crate::canned::{self, Canned, Reply};
use crate::clients::{Op, bucket_for, call};
use crate::floor::RawClient;
use crate::report::{Report, Target};
use crate::settings::{BUCKET, CHANNEL, Settings};

pub fn section_threads(s: &Settings, report: &mut Report) {
    eprintln!("== threads");
    let server = Canned::start(Reply::Fixed(canned::ok_response(&canned::stat_body())));
    let bucket = bucket_for(&server.endpoint());
    let config = LiveChannelConfiguration::default();
    call(&bucket, Op::Stat, &config);
    let request = server.first_request().unwrap();
    let headers = signed_headers(&request);
    let url = format!("{}/{BUCKET}/{CHANNEL}?live&comp=stat", server.endpoint());
    // For comparison: ureq alone with a pool that keeps a connection per thread and the
    // fixed-address resolver (no thread per call).
    let pooled = {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_connect(Some(osslive::DEFAULT_CONNECT_TIMEOUT))
            .timeout_global(Some(osslive::DEFAULT_REQUEST_TIMEOUT))
            .max_idle_connections(2 * s.threads)
            .max_idle_connections_per_host(2 * s.threads)
            .build();
        ureq::Agent::with_parts(
            config,
            ureq::unversioned::transport::DefaultConnector::default(),
            FixedResolver(server.addr()),
        )
    };
    bare_call(&pooled, &url, &headers);
    #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
    enum Kind {
        Osslive,
        Floor,
        Pooled,
    }
    let total = s.thread_calls;
    let per_thread = total / s.threads;
    // (kind, threads) -> calls/s per round; and new connections per round.
    let mut rate: BTreeMap<(Kind, usize), Vec<f64>> = BTreeMap::new();
    let mut conns: BTreeMap<(Kind, usize), Vec<f64>> = BTreeMap::new();
    let run_many = |kind: Kind, threads: usize, calls: usize| -> f64 {
        let barrier = std::sync::Barrier::new(threads + 1);
        std::thread::scope(|scope| {
            for _ in 0..threads {
                let bucket = bucket.clone();
                let (barrier, request, config, pooled) = (&barrier, &request, &config, &pooled);
                let (url, headers) = (&url, &headers);
                let addr = server.addr();
                scope.spawn(move || {
                    let mut raw = (kind == Kind::Floor).then(|| RawClient::connect(addr).unwrap());
                    barrier.wait();
                    for _ in 0..calls {
                        match kind {
                            Kind::Floor => {
                                black_box(raw.as_mut().unwrap().roundtrip(request).unwrap());
                            }
                            Kind::Osslive => call(&bucket, Op::Stat, config),
                            Kind::Pooled => bare_call(pooled, url, headers),
                        }
                    }
                    barrier.wait();
                });
            }
            barrier.wait();
            let start = Instant::now();
            barrier.wait();
            (threads * calls) as f64 / start.elapsed().as_secs_f64()
        })
    };
    let mut phases = Vec::new();
    for kind in [Kind::Osslive, Kind::Floor, Kind::Pooled] {
        phases.push((kind, 1));
        phases.push((kind, s.threads));
    }
    for round in 0..s.rounds {
        eprintln!("   round {}/{}", round + 1, s.rounds);
        let mut order = phases.clone();
        let len = order.len();
        order.rotate_left(round % len);
        for (kind, threads) in order {
            let before = server.accepted();
            let r = run_many(kind, threads, total / threads);
            rate.entry((kind, threads)).or_default().push(r);
            conns
                .entry((kind, threads))
                .or_default()
                .push((server.accepted() - before) as f64);
        }
    }
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let n = s.threads;
    let ratio = |kind: Kind| -> Vec<f64> {
        rate[&(kind, n)]
            .iter()
            .zip(&rate[&(kind, 1)])
            .map(|(m, o)| m / o)
            .collect()
    };
    let calls = per_thread * n;
    for (kind, name) in [
        (Kind::Osslive, "osslive stat, one shared client"),
        (
            Kind::Pooled,
            "ureq alone, pool of 16 per host + fixed-address resolver",
        ),
        (Kind::Floor, "floor, one raw connection per thread"),
    ] {
        report.add(
            "threads",
            format!("{name}: 1 thread"),
            "calls/s",
            rate[&(kind, 1)].clone(),
        );
        report.add(
            "threads",
            format!("{name}: {n} threads"),
            "calls/s",
            rate[&(kind, n)].clone(),
        );
    }
    report.add(
        "threads",
        format!("osslive: new TCP connections per {n}-thread phase ({calls} calls)"),
        "conns",
        conns[&(Kind::Osslive, n)].clone(),
    );
    report.add(
        "threads",
        format!("ureq alone, pool of 16: new TCP connections per {n}-thread phase ({calls} calls)"),
        "conns",
        conns[&(Kind::Pooled, n)].clone(),
    );
    report.add_target(
        "ratios",
        format!("osslive {n} threads ÷ 1 thread ({cpus} CPUs)"),
        "×",
        ratio(Kind::Osslive),
        Target::AtLeast(1.5),
    );
    report.add(
        "ratios",
        format!("ureq alone (pool 16, fixed resolver) {n} threads ÷ 1 thread"),
        "×",
        ratio(Kind::Pooled),
    );
    report.add(
        "ratios",
        format!("floor {n} threads ÷ 1 thread (what loopback allows here)"),
        "×",
        ratio(Kind::Floor),
    );
}
