//! Section `calls`: per-call throughput and latency of osslive beside the floor, from Rust
//! and through the C ABI, against the canned server and against the emulator.

use std::collections::BTreeMap;

use osslive::LiveChannelConfiguration;
use osslive_emulator::{Config, Emulator};

use crate::cabi::find_c_bench;
use crate::canned::{self, Canned, Reply};
use crate::child::{run_child, run_child_of};
use crate::clients::{Op, bucket_for, call, capture_request, run_floor, run_osslive};
use crate::floor;
use crate::report::{Report, Series, Target};
use crate::settings::{AK, BUCKET, CHANNEL, REGION, SK, Settings, WARMUP};
use crate::wrk::{Wrk, find_wrk};

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Contender {
    Osslive,
    Floor,
    COsslive,
    CFloor,
    /// osslive from Rust in a child process, as the C programs are: the fair partner of
    /// the C ABI contender (a client in the server's own process switches threads
    /// without switching address spaces, which is cheaper).
    RustChild,
    /// `wrk -t1 -c1` sending osslive's request, in a process of its own (canned only).
    Wrk,
    /// osslive of another build of the harness (BENCH_VERSUS) in a process of its own:
    /// the "before" of a before/after comparison (canned only).
    Versus,
}

impl Contender {
    fn name(self) -> &'static str {
        match self {
            Contender::Osslive => "osslive (Rust)",
            Contender::Floor => "floor (raw socket, Rust)",
            Contender::COsslive => "osslive (C ABI)",
            Contender::CFloor => "floor (raw socket, C)",
            Contender::RustChild => "osslive (Rust, own process)",
            Contender::Wrk => "wrk -t1 -c1 (own process)",
            Contender::Versus => "osslive BEFORE (Rust, own process, BENCH_VERSUS)",
        }
    }
}

pub fn section_calls(s: &Settings, report: &mut Report) {
    eprintln!("== calls: osslive beside the floor, canned server and emulator");
    let c_bench = find_c_bench(s, report);
    let emulator = Emulator::start(Config::new(AK, SK)).expect("the emulator starts");
    let canned_stat = Canned::start(Reply::Fixed(canned::ok_response(&canned::stat_body())));
    let canned_create = Canned::start(Reply::Fixed(canned::ok_response(&canned::create_body(
        BUCKET, CHANNEL,
    ))));
    let emu_bucket = bucket_for(&emulator.endpoint());
    emu_bucket
        .create_live_channel(CHANNEL, &LiveChannelConfiguration::default())
        .expect("the channel is created on the emulator");
    let stat_bucket = bucket_for(&canned_stat.endpoint());
    let create_bucket = bucket_for(&canned_create.endpoint());
    // The first call of each client is what the canned server records for the floor.
    call(&stat_bucket, Op::Stat, &LiveChannelConfiguration::default());
    call(
        &create_bucket,
        Op::Create,
        &LiveChannelConfiguration::default(),
    );
    let canned_requests = [
        (Op::Stat, canned_stat.first_request().unwrap()),
        (Op::Create, canned_create.first_request().unwrap()),
    ];
    std::fs::create_dir_all(&s.out_dir).unwrap();
    for (op, bytes) in &canned_requests {
        std::fs::write(s.out_dir.join(format!("request-{}.http", op.name())), bytes).unwrap();
    }
    let wrk_path = find_wrk();
    if wrk_path.is_none() {
        report.note("wrk is not installed: the wrk rows are skipped (apt-get install wrk)");
    }
    let wrks: Option<[Wrk; 2]> = wrk_path.map(|path| {
        [
            Wrk::new(
                path.clone(),
                &s.out_dir,
                "stat",
                &canned_stat.endpoint(),
                &canned_requests[0].1,
                1,
            ),
            Wrk::new(
                path,
                &s.out_dir,
                "create",
                &canned_create.endpoint(),
                &canned_requests[1].1,
                1,
            ),
        ]
    });

    let mut results: BTreeMap<(Op, &'static str, Contender), Vec<Series>> = BTreeMap::new();
    let mut c_connections: Vec<f64> = Vec::new();
    let mut lat = Vec::with_capacity(s.calls.max(s.emulator_calls));
    for round in 0..s.rounds {
        eprintln!("   round {}/{}", round + 1, s.rounds);
        for op in [Op::Stat, Op::Create] {
            // Canned server: Rust and C, osslive and floor.
            let (server, bucket, request) = match op {
                Op::Stat => (&canned_stat, &stat_bucket, &canned_requests[0].1),
                Op::Create => (&canned_create, &create_bucket, &canned_requests[1].1),
            };
            let mut order = vec![Contender::Osslive, Contender::Floor, Contender::RustChild];
            if c_bench.is_some() {
                order.extend([Contender::COsslive, Contender::CFloor]);
            }
            if wrks.is_some() {
                order.push(Contender::Wrk);
            }
            if s.versus.is_some() {
                order.push(Contender::Versus);
            }
            let len = order.len();
            order.rotate_left(round % len);
            for contender in order {
                let series = match contender {
                    Contender::Osslive => run_osslive(bucket, op, s.calls, &mut lat),
                    Contender::Floor => run_floor(server.addr(), request, s.calls, &mut lat),
                    Contender::COsslive => {
                        let before = server.accepted();
                        let endpoint = server.endpoint();
                        let calls = s.calls.to_string();
                        let r = c_bench.as_ref().unwrap().run(&[
                            "osslive",
                            op.name(),
                            &endpoint,
                            REGION,
                            AK,
                            SK,
                            BUCKET,
                            CHANNEL,
                            &calls,
                        ]);
                        c_connections.push((server.accepted() - before) as f64);
                        match r {
                            Ok(series) => series,
                            Err(e) => {
                                report.note(e);
                                continue;
                            }
                        }
                    }
                    Contender::RustChild => match run_child(op, &server.endpoint(), s.calls) {
                        Ok(series) => series,
                        Err(e) => {
                            report.note(e);
                            continue;
                        }
                    },
                    Contender::Versus => {
                        let old = s.versus.as_ref().unwrap();
                        match run_child_of(old, op, &server.endpoint(), s.calls) {
                            Ok(series) => series,
                            Err(e) => {
                                report.note(e);
                                continue;
                            }
                        }
                    }
                    Contender::Wrk => {
                        let wrk = &wrks.as_ref().unwrap()[if op == Op::Stat { 0 } else { 1 }];
                        match wrk.run() {
                            Ok(series) => series,
                            Err(e) => {
                                report.note(e);
                                continue;
                            }
                        }
                    }
                    Contender::CFloor => {
                        let file = s.out_dir.join(format!("request-{}.http", op.name()));
                        let port = server.addr().port().to_string();
                        let calls = s.calls.to_string();
                        match c_bench.as_ref().unwrap().run(&[
                            "floor",
                            file.to_str().unwrap(),
                            "127.0.0.1",
                            &port,
                            &calls,
                        ]) {
                            Ok(series) => series,
                            Err(e) => {
                                report.note(e);
                                continue;
                            }
                        }
                    }
                };
                results
                    .entry((op, "canned", contender))
                    .or_default()
                    .push(series);
            }

            // Emulator: osslive beside the Rust floor, which replays a request signed
            // this round (the emulator refuses a request time more than 15 minutes off);
            // and the C ABI beside Rust in a process of its own.
            let request = floor::with_host(&capture_request(op), &emulator.addr().to_string());
            let endpoint = emulator.endpoint();
            let calls = s.emulator_calls.to_string();
            let mut order = vec![Contender::Osslive, Contender::Floor];
            if c_bench.is_some() {
                order.extend([Contender::COsslive, Contender::RustChild]);
            }
            let len = order.len();
            order.rotate_left(round % len);
            for contender in order {
                let series = match contender {
                    Contender::Osslive => {
                        Ok(run_osslive(&emu_bucket, op, s.emulator_calls, &mut lat))
                    }
                    Contender::Floor => Ok(run_floor(
                        emulator.addr(),
                        &request,
                        s.emulator_calls,
                        &mut lat,
                    )),
                    Contender::COsslive => c_bench.as_ref().unwrap().run(&[
                        "osslive",
                        op.name(),
                        &endpoint,
                        REGION,
                        AK,
                        SK,
                        BUCKET,
                        CHANNEL,
                        &calls,
                    ]),
                    _ => run_child(op, &endpoint, s.emulator_calls),
                }
                .map_or_else(
                    |e| {
                        report.note(e);
                        None
                    },
                    Some,
                );
                if let Some(series) = series {
                    results
                        .entry((op, "emulator", contender))
                        .or_default()
                        .push(series);
                }
            }
        }
    }

    for op in [Op::Stat, Op::Create] {
        for server in ["canned", "emulator"] {
            for contender in [
                Contender::Osslive,
                Contender::Floor,
                Contender::RustChild,
                Contender::COsslive,
                Contender::CFloor,
                Contender::Wrk,
                Contender::Versus,
            ] {
                let Some(series) = results.get(&(op, server, contender)) else {
                    continue;
                };
                let label = format!("{} / {server} / {}", op.name(), contender.name());
                report.add(
                    "calls",
                    format!("{label}: throughput"),
                    "calls/s",
                    series.iter().map(|x| x.calls_per_s).collect(),
                );
                report.add(
                    "calls",
                    format!("{label}: latency p50"),
                    "µs",
                    series.iter().map(|x| x.p50_us).collect(),
                );
                report.add(
                    "calls",
                    format!("{label}: latency p99"),
                    "µs",
                    series.iter().map(|x| x.p99_us).collect(),
                );
            }
            // Ratios of the same round (the contenders ran back to back).
            let per_round = |a: Contender, b: Contender| -> Option<Vec<f64>> {
                let x = results.get(&(op, server, a))?;
                let y = results.get(&(op, server, b))?;
                Some(
                    x.iter()
                        .zip(y)
                        .map(|(x, y)| x.calls_per_s / y.calls_per_s)
                        .collect(),
                )
            };
            if let Some(r) = per_round(Contender::Osslive, Contender::Floor) {
                let name = format!("{} / {server}: osslive ÷ floor throughput", op.name());
                if server == "canned" {
                    report.add_target("ratios", name, "×", r, Target::AtLeast(0.8));
                } else {
                    report.add("ratios", name, "×", r);
                }
            }
            // Beside wrk (issue 19): both in a process of their own, so the Rust child is
            // the one with the target; the others for scale.
            if let Some(r) = per_round(Contender::RustChild, Contender::Wrk) {
                report.add_target(
                    "ratios",
                    format!(
                        "{} / {server}: osslive (Rust, own process) ÷ wrk -t1 -c1 throughput",
                        op.name()
                    ),
                    "×",
                    r,
                    Target::AtLeast(0.9),
                );
            }
            for (who, name) in [
                (Contender::Osslive, "osslive (Rust)"),
                (Contender::COsslive, "osslive (C ABI)"),
                (Contender::Floor, "floor"),
                (Contender::Versus, "osslive BEFORE (Rust, own process)"),
            ] {
                if let Some(r) = per_round(who, Contender::Wrk) {
                    report.add(
                        "ratios",
                        format!("{} / {server}: {name} ÷ wrk -t1 -c1 throughput", op.name()),
                        "×",
                        r,
                    );
                }
            }
            if let Some(r) = per_round(Contender::RustChild, Contender::Versus) {
                report.add(
                    "ratios",
                    format!(
                        "{} / {server}: osslive ÷ osslive BEFORE throughput (both own process)",
                        op.name()
                    ),
                    "×",
                    r,
                );
            }
            if let Some(r) = per_round(Contender::COsslive, Contender::RustChild) {
                report.add_target(
                    "ratios",
                    format!(
                        "{} / {server}: C ABI ÷ Rust throughput (both own process)",
                        op.name()
                    ),
                    "×",
                    r,
                    Target::AtLeast(0.95),
                );
            }
            // The same from median latencies: insensitive to the rare multi-millisecond
            // stalls that move throughput from round to round.
            let per_round_p50 = |a: Contender, b: Contender| -> Option<Vec<f64>> {
                let x = results.get(&(op, server, a))?;
                let y = results.get(&(op, server, b))?;
                Some(x.iter().zip(y).map(|(x, y)| y.p50_us / x.p50_us).collect())
            };
            if let Some(r) = per_round_p50(Contender::Osslive, Contender::Floor) {
                report.add(
                    "ratios",
                    format!(
                        "{} / {server}: floor p50 ÷ osslive p50 (latency view)",
                        op.name()
                    ),
                    "×",
                    r,
                );
            }
            // wrk and the older build in the latency view too: medians shrug off the
            // stalls a shared machine throws in, which move throughput from round to round
            // (wrk reports whole microseconds, so its p50 is coarse).
            for (other, what) in [
                (
                    Contender::Wrk,
                    "wrk -t1 -c1 p50 ÷ osslive (Rust, own process) p50",
                ),
                (
                    Contender::Versus,
                    "osslive BEFORE p50 ÷ osslive p50 (both own process)",
                ),
            ] {
                if let Some(r) = per_round_p50(Contender::RustChild, other) {
                    report.add(
                        "ratios",
                        format!("{} / {server}: {what} (latency view)", op.name()),
                        "×",
                        r,
                    );
                }
            }
            if let Some(r) = per_round_p50(Contender::COsslive, Contender::RustChild) {
                report.add(
                    "ratios",
                    format!(
                        "{} / {server}: Rust p50 ÷ C ABI p50 (both own process; latency view)",
                        op.name()
                    ),
                    "×",
                    r,
                );
            }
            if let Some(r) = per_round(Contender::CFloor, Contender::Floor) {
                report.add(
                    "ratios",
                    format!("{} / {server}: C floor ÷ Rust floor throughput", op.name()),
                    "×",
                    r,
                );
            }
        }
    }
    if !c_connections.is_empty() {
        report.add_target(
            "reuse",
            format!(
                "TCP connections per C client process ({} calls)",
                s.calls + WARMUP
            ),
            "conns",
            c_connections,
            Target::AlwaysEquals(1.0),
        );
    }
}
