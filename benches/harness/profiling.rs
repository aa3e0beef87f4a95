//! The modes that print no report, for profiling: BENCH_SERVE (a canned server alone, for
//! a client in another process) and BENCH_PROFILE (one operation in a loop, for perf or
//! callgrind).

use std::hint::black_box;
use std::time::{Duration, Instant};

use osslive::{ListOptions, LiveChannelConfiguration};

use crate::canned::{self, Canned, Reply};
use crate::clients::{Op, bucket_for, call};
use crate::settings::{BUCKET, CHANNEL};

/// BENCH_SERVE="stat|create SECONDS": a canned server alone, for profiling a client in
/// another process (c_bench, the C examples). Prints `endpoint=URL`, serves for at most
/// SECONDS (600 at most), then prints how many connections and requests it had.
pub fn serve_for_a_while(spec: &str) {
    use std::io::Write as _;
    let mut parts = spec.split_whitespace();
    let body = match parts.next() {
        Some("create") => canned::create_body(BUCKET, CHANNEL),
        _ => canned::stat_body(),
    };
    let secs: u64 = parts
        .next()
        .and_then(|v| v.parse().ok())
        .unwrap_or(60)
        .min(600);
    let server = Canned::start(Reply::Fixed(canned::ok_response(&body)));
    println!("endpoint={}", server.endpoint());
    let _ = std::io::stdout().flush();
    std::thread::sleep(Duration::from_secs(secs));
    println!(
        "connections={} requests={}",
        server.accepted(),
        server.requests()
    );
}

/// For perf/callgrind: one operation in a loop against the canned server, no report.
pub fn profile(op: &str) {
    let calls: usize = std::env::var("BENCH_PROFILE_CALLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000)
        .min(10_000_000);
    let config = LiveChannelConfiguration::default();
    let start = Instant::now();
    match op {
        "stat" | "create" => {
            let op = if op == "stat" { Op::Stat } else { Op::Create };
            let body = match op {
                Op::Stat => canned::stat_body(),
                Op::Create => canned::create_body(BUCKET, CHANNEL),
            };
            let server = Canned::start(Reply::Fixed(canned::ok_response(&body)));
            let bucket = bucket_for(&server.endpoint());
            for _ in 0..calls {
                call(&bucket, op, &config);
            }
        }
        "threads" => {
            let server = Canned::start(Reply::Fixed(canned::ok_response(&canned::stat_body())));
            let bucket = bucket_for(&server.endpoint());
            std::thread::scope(|scope| {
                for _ in 0..8 {
                    let bucket = bucket.clone();
                    let config = &config;
                    scope.spawn(move || {
                        for _ in 0..calls / 8 {
                            call(&bucket, Op::Stat, config);
                        }
                    });
                }
            });
            eprintln!("connections accepted: {}", server.accepted());
        }
        "list" => {
            let server = Canned::start(Reply::ListPages {
                total: calls.max(1000),
            });
            let bucket = bucket_for(&server.endpoint());
            let n = bucket
                .list_live_channels(ListOptions {
                    max_keys: Some(1000),
                    ..ListOptions::default()
                })
                .inspect(|c| assert!(c.is_ok(), "{c:?}"))
                .count();
            black_box(n);
        }
        other => {
            eprintln!("BENCH_PROFILE={other}: expected stat, create, threads or list");
            std::process::exit(2);
        }
    }
    eprintln!(
        "profile {op}: {calls} in {:.2} s",
        start.elapsed().as_secs_f64()
    );
}
