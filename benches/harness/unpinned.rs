//! Section `unpinned`: the stat and create calls again with client and server free to run
//! on different CPUs, where every round trip may pay a cross-CPU wake-up: the setting of
//! issue 19's measurements (a canned nginx, wrk and the C ABI on an unpinned machine).

use osslive::LiveChannelConfiguration;

use crate::bare::{Bare, run_bare, signed_headers};
use crate::canned::{self, Canned, Reply};
use crate::child::{run_child, run_child_of};
use crate::clients::{Op, bucket_for, call, run_floor, run_osslive};
use crate::report::{Report, Series, Target};
use crate::settings::{BUCKET, CHANNEL, Settings};
use crate::wrk::{Wrk, find_wrk};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Who {
    Osslive,
    Bare,
    Floor,
    RustChild,
    Wrk,
    /// osslive of another build of the harness (BENCH_VERSUS).
    Versus,
}

impl Who {
    fn name(self) -> &'static str {
        match self {
            Who::Osslive => "osslive",
            Who::Bare => "ureq alone, osslive's settings + fixed-address resolver",
            Who::Floor => "floor",
            Who::RustChild => "osslive (Rust, own process)",
            Who::Wrk => "wrk -t1 -c1 (own process)",
            Who::Versus => "osslive BEFORE (Rust, own process, BENCH_VERSUS)",
        }
    }
}

pub fn section_unpinned(s: &Settings, report: &mut Report) {
    eprintln!("== unpinned: stat and create on the canned server, threads free to use every CPU");
    let wrk_path = find_wrk();
    for op in [Op::Stat, Op::Create] {
        let body = match op {
            Op::Stat => canned::stat_body(),
            Op::Create => canned::create_body(BUCKET, CHANNEL),
        };
        let server = Canned::start(Reply::Fixed(canned::ok_response(&body)));
        let bucket = bucket_for(&server.endpoint());
        call(&bucket, op, &LiveChannelConfiguration::default());
        let request = server.first_request().unwrap();
        // ureq alone only for stat, as before: a GET with osslive's signed headers.
        let bare = (op == Op::Stat).then(|| {
            let url = format!("{}/{BUCKET}/{CHANNEL}?live&comp=stat", server.endpoint());
            let agent = Bare::LikeOsslivePinned.agent(server.addr());
            (agent, url, signed_headers(&request))
        });
        let wrk = wrk_path.clone().map(|path| {
            let name = format!("{}-unpinned", op.name());
            Wrk::new(path, &s.out_dir, &name, &server.endpoint(), &request, 1)
        });
        let mut who = vec![Who::Osslive, Who::Floor, Who::RustChild];
        if bare.is_some() {
            who.insert(1, Who::Bare);
        }
        if wrk.is_some() {
            who.push(Who::Wrk);
        }
        if s.versus.is_some() {
            who.push(Who::Versus);
        }
        let mut results: Vec<Vec<Series>> = vec![Vec::new(); who.len()];
        let mut lat = Vec::with_capacity(s.calls);
        for round in 0..s.rounds {
            let mut order: Vec<usize> = (0..who.len()).collect();
            let len = order.len();
            order.rotate_left(round % len);
            for i in order {
                let series = match who[i] {
                    Who::Osslive => Ok(run_osslive(&bucket, op, s.calls, &mut lat)),
                    Who::Bare => {
                        let (agent, url, headers) = bare.as_ref().unwrap();
                        Ok(run_bare(agent, url, headers, s.calls, &mut lat))
                    }
                    Who::Floor => Ok(run_floor(server.addr(), &request, s.calls, &mut lat)),
                    Who::RustChild => run_child(op, &server.endpoint(), s.calls),
                    Who::Wrk => wrk.as_ref().unwrap().run(),
                    Who::Versus => {
                        let old = s.versus.as_ref().unwrap();
                        run_child_of(old, op, &server.endpoint(), s.calls)
                    }
                };
                match series {
                    Ok(series) => results[i].push(series),
                    Err(e) => report.note(e),
                }
            }
        }
        for (w, r) in who.iter().zip(&results) {
            let name = format!("{}, unpinned: {}", op.name(), w.name());
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
        let ratio = |a: Who, b: Who| -> Option<Vec<f64>> {
            let x = &results[who.iter().position(|w| *w == a)?];
            let y = &results[who.iter().position(|w| *w == b)?];
            // Per round, when both contenders ran in it.
            (x.len() == y.len()).then(|| {
                x.iter()
                    .zip(y)
                    .map(|(x, y)| x.calls_per_s / y.calls_per_s)
                    .collect()
            })
        };
        let p50_ratio = |a: Who, b: Who| -> Option<Vec<f64>> {
            let x = &results[who.iter().position(|w| *w == a)?];
            let y = &results[who.iter().position(|w| *w == b)?];
            (x.len() == y.len())
                .then(|| x.iter().zip(y).map(|(x, y)| y.p50_us / x.p50_us).collect())
        };
        for (other, what) in [
            (
                Who::Wrk,
                "wrk -t1 -c1 p50 ÷ osslive (Rust, own process) p50",
            ),
            (
                Who::Versus,
                "osslive BEFORE p50 ÷ osslive p50 (both own process)",
            ),
        ] {
            if let Some(r) = p50_ratio(Who::RustChild, other) {
                report.add(
                    "ratios",
                    format!("{}, unpinned: {what} (latency view)", op.name()),
                    "×",
                    r,
                );
            }
        }
        if let Some(r) = ratio(Who::Osslive, Who::Floor) {
            report.add(
                "ratios",
                format!("{}, unpinned: osslive ÷ floor throughput", op.name()),
                "×",
                r,
            );
        }
        for (a, b, what) in [
            (
                Who::Versus,
                Who::Wrk,
                "osslive BEFORE (Rust, own process) ÷ wrk -t1 -c1",
            ),
            (
                Who::RustChild,
                Who::Versus,
                "osslive ÷ osslive BEFORE (both own process)",
            ),
        ] {
            if let Some(r) = ratio(a, b) {
                report.add(
                    "ratios",
                    format!("{}, unpinned: {what} throughput", op.name()),
                    "×",
                    r,
                );
            }
        }
        if let Some(r) = ratio(Who::RustChild, Who::Wrk) {
            report.add_target(
                "ratios",
                format!(
                    "{}, unpinned: osslive (Rust, own process) ÷ wrk -t1 -c1 throughput",
                    op.name()
                ),
                "×",
                r,
                Target::AtLeast(0.9),
            );
        }
    }
}
