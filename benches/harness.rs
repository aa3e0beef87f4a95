//! The osslive benchmark harness: `cargo bench --bench harness` (or `scripts/bench`,
//! which also builds the release library, the C benchmark and the C example first).
//!
//! Everything runs in one process against servers on 127.0.0.1, in rounds that interleave
//! the contenders (osslive and the floor, Rust and C), so that noise on a busy machine
//! hits all of them alike and the ratios of one run hold. Each measurement is repeated
//! `rounds` times and reported as min / median / max across rounds. See BENCHMARKS.md.
//!
//! Environment:
//!   BENCH_QUICK=1          a ~30 s smoke run (fewer rounds and calls)
//!   BENCH_ROUNDS=N         rounds per measurement (default 7, quick 3)
//!   BENCH_ONLY=a,b         only these sections: calls, anatomy, signing, xml, reuse,
//!                          list, footprint, threads, unpinned
//!   BENCH_PIN=0            do not pin the single-connection sections to one CPU
//!   BENCH_SERVE="OP SECS"  no report: only a canned server (stat | create) for SECS
//!                          seconds, to profile a client in another process
//!   BENCH_PROFILE=OP       no report: OP = stat | create | list | threads, repeated
//!                          BENCH_PROFILE_CALLS times against the canned server, for
//!                          running under perf or callgrind
//!
//! Results: a table on stdout, and target/bench/results.txt and results.json.
//! Not a test: it never fails on a missed target, it reports it.

#[path = "harness/canned.rs"]
mod canned;
#[path = "harness/floor.rs"]
mod floor;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use osslive::signing::rtmp::RtmpUrlParams;
use osslive::signing::{RequestToSign, v1, v4};
use osslive::{Bucket, Client, Credentials, ListOptions, LiveChannelConfiguration, TokenForm};
use osslive_emulator::{Config, Emulator};

use canned::{Canned, Reply};
use floor::RawClient;

const AK: &str = "LTAIbenchAccessKeyId01";
const SK: &str = "benchAccessKeySecret0123456789abcdef";
const REGION: &str = "cn-hangzhou";
const BUCKET: &str = "bench-bucket";
const CHANNEL: &str = "bench-channel";
/// Untimed calls before each timed series: the first one connects.
const WARMUP: usize = 50;

// ---------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------

struct Settings {
    quick: bool,
    rounds: usize,
    /// Timed calls per contender per round, against the canned server and the emulator.
    calls: usize,
    emulator_calls: usize,
    /// Sequential calls whose connections are counted.
    reuse_calls: usize,
    /// Total calls of the 1-thread and of the 8-thread phase.
    thread_calls: usize,
    threads: usize,
    list_total: usize,
    sign_iters: usize,
    xml_stat_iters: usize,
    xml_list_iters: usize,
    only: Option<Vec<String>>,
    target_dir: PathBuf,
    out_dir: PathBuf,
}

impl Settings {
    fn from_env() -> Settings {
        let quick = std::env::var("BENCH_QUICK").is_ok_and(|v| v != "0" && !v.is_empty());
        let rounds = std::env::var("BENCH_ROUNDS")
            .ok()
            .and_then(|v| v.parse().ok())
            .filter(|&n: &usize| (1..=50).contains(&n))
            .unwrap_or(if quick { 3 } else { 7 });
        let target_dir = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .map(|p| {
                if p.is_relative() {
                    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
                } else {
                    p
                }
            })
            .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
        let out_dir = target_dir.join("bench");
        Settings {
            quick,
            rounds,
            calls: if quick { 1000 } else { 5000 },
            emulator_calls: if quick { 500 } else { 2000 },
            reuse_calls: 1000,
            thread_calls: if quick { 2000 } else { 8000 },
            threads: 8,
            list_total: 100_000,
            sign_iters: if quick { 20_000 } else { 100_000 },
            xml_stat_iters: if quick { 10_000 } else { 50_000 },
            xml_list_iters: if quick { 20 } else { 100 },
            only: std::env::var("BENCH_ONLY")
                .ok()
                .map(|v| v.split(',').map(|s| s.trim().to_owned()).collect()),
            target_dir,
            out_dir,
        }
    }

    fn wants(&self, section: &str) -> bool {
        self.only
            .as_ref()
            .is_none_or(|only| only.iter().any(|s| s == section))
    }
}

// ---------------------------------------------------------------------------------------
// Statistics and the report
// ---------------------------------------------------------------------------------------

fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        return f64::NAN;
    }
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn min_of(values: &[f64]) -> f64 {
    values.iter().copied().fold(f64::INFINITY, f64::min)
}

fn max_of(values: &[f64]) -> f64 {
    values.iter().copied().fold(f64::NEG_INFINITY, f64::max)
}

/// One timed series: N calls.
#[derive(Clone, Copy, Debug)]
struct Series {
    calls_per_s: f64,
    p50_us: f64,
    p99_us: f64,
}

impl Series {
    fn from_latencies(latencies_ns: &mut [u64], elapsed: Duration) -> Series {
        latencies_ns.sort_unstable();
        let n = latencies_ns.len();
        let p99 = ((n * 99) / 100).min(n - 1);
        Series {
            calls_per_s: n as f64 / elapsed.as_secs_f64(),
            p50_us: latencies_ns[n / 2] as f64 / 1000.0,
            p99_us: latencies_ns[p99] as f64 / 1000.0,
        }
    }
}

#[derive(Clone, Copy)]
enum Target {
    AtLeast(f64),
    AtMost(f64),
    /// Every round, not just the median.
    AlwaysEquals(f64),
}

impl Target {
    fn text(&self) -> String {
        match self {
            Target::AtLeast(v) => format!(">= {}", fmt_num(*v)),
            Target::AtMost(v) => format!("<= {}", fmt_num(*v)),
            Target::AlwaysEquals(v) => format!("= {} (every round)", fmt_num(*v)),
        }
    }

    fn met(&self, values: &[f64]) -> bool {
        match self {
            Target::AtLeast(t) => median(values) >= *t,
            Target::AtMost(t) => median(values) <= *t,
            Target::AlwaysEquals(t) => values.iter().all(|v| v == t),
        }
    }
}

struct Row {
    section: &'static str,
    name: String,
    unit: &'static str,
    values: Vec<f64>,
    target: Option<Target>,
}

#[derive(Default)]
struct Report {
    rows: Vec<Row>,
    notes: Vec<String>,
}

impl Report {
    fn add(
        &mut self,
        section: &'static str,
        name: impl Into<String>,
        unit: &'static str,
        values: Vec<f64>,
    ) {
        self.rows.push(Row {
            section,
            name: name.into(),
            unit,
            values,
            target: None,
        });
    }

    fn add_target(
        &mut self,
        section: &'static str,
        name: impl Into<String>,
        unit: &'static str,
        values: Vec<f64>,
        target: Target,
    ) {
        self.rows.push(Row {
            section,
            name: name.into(),
            unit,
            values,
            target: Some(target),
        });
    }

    fn note(&mut self, text: impl Into<String>) {
        let text = text.into();
        eprintln!("note: {text}");
        self.notes.push(text);
    }
}

fn fmt_num(v: f64) -> String {
    if v.is_nan() {
        return "-".into();
    }
    let a = v.abs();
    if a >= 10_000.0 {
        format!("{v:.0}")
    } else if a >= 100.0 {
        format!("{v:.1}")
    } else if a >= 1.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    }
}

// ---------------------------------------------------------------------------------------
// Clients and contenders
// ---------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Op {
    Stat,
    Create,
}

impl Op {
    fn name(self) -> &'static str {
        match self {
            Op::Stat => "stat",
            Op::Create => "create",
        }
    }
}

fn bucket_for(endpoint: &str) -> Bucket {
    Client::builder()
        .endpoint(endpoint)
        .region(REGION)
        .credentials(Credentials::new(AK, SK))
        .build()
        .expect("client builds")
        .bucket(BUCKET)
        .expect("bucket name is valid")
}

fn call(bucket: &Bucket, op: Op, config: &LiveChannelConfiguration) {
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

fn run_osslive(bucket: &Bucket, op: Op, n: usize, lat: &mut Vec<u64>) -> Series {
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

fn run_floor(addr: std::net::SocketAddr, request: &[u8], n: usize, lat: &mut Vec<u64>) -> Series {
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
fn capture_request(op: Op) -> Vec<u8> {
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

struct CBench {
    path: PathBuf,
}

impl CBench {
    fn run(&self, args: &[&str]) -> Result<Series, String> {
        self.run_with_env(args, &[])
    }

    fn run_with_env(&self, args: &[&str], env: &[(&str, String)]) -> Result<Series, String> {
        let out = Command::new(&self.path)
            .args(args)
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .output()
            .map_err(|e| format!("cannot run {}: {e}", self.path.display()))?;
        if !out.status.success() {
            return Err(format!(
                "{} {args:?} failed: {}",
                self.path.display(),
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        let text = String::from_utf8_lossy(&out.stdout);
        let field = |name: &str| -> Result<f64, String> {
            text.split_whitespace()
                .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| format!("c_bench printed no {name}: {text}"))
        };
        Ok(Series {
            calls_per_s: field("calls_per_s")?,
            p50_us: field("p50_ns")? / 1000.0,
            p99_us: field("p99_ns")? / 1000.0,
        })
    }
}

/// Runs `run_osslive` in a child process (this harness again, with BENCH_CHILD set).
fn run_child(op: Op, endpoint: &str, calls: usize) -> Result<Series, String> {
    let exe = std::env::current_exe().map_err(|e| format!("current_exe: {e}"))?;
    CBench { path: exe }.run_with_env(
        &["--bench"],
        &[("BENCH_CHILD", format!("{} {endpoint} {calls}", op.name()))],
    )
}

/// BENCH_CHILD="stat|create ENDPOINT CALLS": time osslive calls and print them as
/// c_bench does.
fn child(spec: &str) {
    let parts: Vec<&str> = spec.split_whitespace().collect();
    let [op, endpoint, calls] = parts[..] else {
        eprintln!("BENCH_CHILD={spec:?}: expected OP ENDPOINT CALLS");
        std::process::exit(2);
    };
    let op = if op == "create" { Op::Create } else { Op::Stat };
    let calls: usize = calls.parse::<usize>().unwrap_or(1000).clamp(1, 10_000_000);
    let bucket = bucket_for(endpoint);
    let mut lat = Vec::with_capacity(calls);
    let series = run_osslive(&bucket, op, calls, &mut lat);
    println!(
        "calls={calls} calls_per_s={:.1} p50_ns={:.0} p99_ns={:.0}",
        series.calls_per_s,
        series.p50_us * 1000.0,
        series.p99_us * 1000.0
    );
}

fn find_c_bench(s: &Settings, report: &mut Report) -> Option<CBench> {
    let path = s.out_dir.join("c_bench");
    let lib = s.target_dir.join("release/libosslive.a");
    let Ok(meta) = path.metadata() else {
        report.note(format!(
            "{} is missing: the C ABI rows are skipped (run scripts/bench, which builds it)",
            path.display()
        ));
        return None;
    };
    if let (Ok(bin), Ok(lib)) = (meta.modified(), lib.metadata().and_then(|m| m.modified())) {
        if lib > bin {
            report.note(format!(
                "{} is older than {}: the C rows measure an older library (run scripts/bench)",
                path.display(),
                s.target_dir.join("release/libosslive.a").display()
            ));
        }
    }
    Some(CBench { path })
}

// ---------------------------------------------------------------------------------------
// Section: per-call throughput and latency, osslive beside the floor
// ---------------------------------------------------------------------------------------

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
}

impl Contender {
    fn name(self) -> &'static str {
        match self {
            Contender::Osslive => "osslive (Rust)",
            Contender::Floor => "floor (raw socket, Rust)",
            Contender::COsslive => "osslive (C ABI)",
            Contender::CFloor => "floor (raw socket, C)",
            Contender::RustChild => "osslive (Rust, own process)",
        }
    }
}

fn section_calls(s: &Settings, report: &mut Report) {
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
            let mut order = vec![Contender::Osslive, Contender::Floor];
            if c_bench.is_some() {
                order.extend([Contender::COsslive, Contender::CFloor, Contender::RustChild]);
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

// ---------------------------------------------------------------------------------------
// Section: anatomy of one call (where osslive's time goes, with ureq measured alone)
// ---------------------------------------------------------------------------------------

/// A resolver that answers one fixed address without a lookup or a thread: what the
/// transport could do for an IP endpoint or a cached name.
#[derive(Debug)]
struct FixedResolver(std::net::SocketAddr);

impl ureq::unversioned::resolver::Resolver for FixedResolver {
    fn resolve(
        &self,
        _uri: &ureq::http::Uri,
        _config: &ureq::config::Config,
        _timeout: ureq::unversioned::transport::NextTimeout,
    ) -> Result<ureq::unversioned::resolver::ResolvedSocketAddrs, ureq::Error> {
        let mut addrs = self.empty();
        addrs.push(self.0);
        Ok(addrs)
    }
}

/// How a bare ureq agent is set up for the anatomy runs.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Bare {
    /// No timeouts at all: ureq resolves synchronously, no thread.
    NoTimeouts,
    /// Timeouts and settings as osslive's transport sets them (connect 10 s, global
    /// 30 s), with ureq's default resolver: a resolver thread per call.
    LikeOsslive,
    /// As `LikeOsslive`, with a resolver that answers the fixed address.
    LikeOsslivePinned,
}

impl Bare {
    fn name(self) -> &'static str {
        match self {
            Bare::NoTimeouts => "ureq alone, no timeouts (synchronous resolve)",
            Bare::LikeOsslive => "ureq alone, osslive's settings (resolver thread per call)",
            Bare::LikeOsslivePinned => "ureq alone, osslive's settings + fixed-address resolver",
        }
    }

    fn agent(self, addr: std::net::SocketAddr) -> ureq::Agent {
        let builder = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .user_agent("osslive/0.1.0 (rust)");
        let builder = if self == Bare::NoTimeouts {
            builder
        } else {
            builder
                .timeout_connect(Some(osslive::DEFAULT_CONNECT_TIMEOUT))
                .timeout_global(Some(osslive::DEFAULT_REQUEST_TIMEOUT))
        };
        let config = builder.build();
        match self {
            Bare::LikeOsslivePinned => ureq::Agent::with_parts(
                config,
                ureq::unversioned::transport::DefaultConnector::default(),
                FixedResolver(addr),
            ),
            _ => ureq::Agent::new_with_config(config),
        }
    }
}

/// The signed headers of a captured request (everything but what ureq sets itself).
fn signed_headers(request: &[u8]) -> Vec<(String, String)> {
    let head_end = canned::find(request, b"\r\n\r\n").unwrap();
    String::from_utf8_lossy(&request[..head_end])
        .split("\r\n")
        .skip(1)
        .filter_map(|line| line.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .filter(|(k, _)| {
            !matches!(
                k.as_str(),
                "host" | "user-agent" | "accept" | "content-length"
            )
        })
        .collect()
}

/// One GET through a bare ureq agent, read as osslive's transport reads it (status,
/// request id, body to a vector under the size limit), without signing or parsing.
fn bare_call(agent: &ureq::Agent, url: &str, headers: &[(String, String)]) {
    let mut builder = ureq::http::Request::builder().method("GET").uri(url);
    for (k, v) in headers {
        builder = builder.header(k.as_str(), v.as_str());
    }
    let request = builder.body(&[][..]).unwrap();
    let mut response = agent.run(request).expect("ureq call");
    assert_eq!(response.status().as_u16(), 200);
    let id = response
        .headers()
        .get("x-oss-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = response
        .body_mut()
        .with_config()
        .limit(osslive::DEFAULT_MAX_RESPONSE_BYTES)
        .read_to_vec()
        .expect("body");
    black_box((id, body));
}

fn run_bare(
    agent: &ureq::Agent,
    url: &str,
    headers: &[(String, String)],
    n: usize,
    lat: &mut Vec<u64>,
) -> Series {
    let one = || bare_call(agent, url, headers);
    for _ in 0..WARMUP {
        one();
    }
    lat.clear();
    let start = Instant::now();
    for _ in 0..n {
        let t = Instant::now();
        one();
        lat.push(t.elapsed().as_nanos() as u64);
    }
    let elapsed = start.elapsed();
    Series::from_latencies(lat, elapsed)
}

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

fn section_anatomy(s: &Settings, report: &mut Report) {
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
            "best p50: osslive − ureq (osslive's settings) = signing, checks, XML, glue",
            best(Who::Osslive) - best(Who::Bare(Bare::LikeOsslive)),
        ),
    ];
    for (name, value) in steps {
        report.add("anatomy", name, "µs", vec![value]);
    }
}

// ---------------------------------------------------------------------------------------
// Section: signing alone
// ---------------------------------------------------------------------------------------

fn ns_per_op(iters: usize, mut f: impl FnMut()) -> f64 {
    for _ in 0..iters / 10 {
        f();
    }
    let start = Instant::now();
    for _ in 0..iters {
        f();
    }
    start.elapsed().as_nanos() as f64 / iters as f64
}

/// One timed job of a round: returns ns per operation.
type Job<'a> = Box<dyn FnMut() -> f64 + 'a>;

fn section_signing(s: &Settings, report: &mut Report) {
    eprintln!("== signing");
    // What osslive signs for a GetLiveChannelStat call.
    let v4_headers = [
        ("date", "Mon, 01 Jan 2024 00:00:00 GMT"),
        ("x-oss-date", "20240101T000000Z"),
        ("x-oss-content-sha256", "UNSIGNED-PAYLOAD"),
    ];
    let v1_headers = [("date", "Mon, 01 Jan 2024 00:00:00 GMT")];
    let query = [("live", ""), ("comp", "stat")];
    let v4_req = RequestToSign {
        method: "GET",
        bucket: BUCKET,
        key: Some(CHANNEL),
        query: &query,
        headers: &v4_headers,
    };
    let v1_req = RequestToSign {
        headers: &v1_headers,
        ..v4_req
    };
    let rtmp = RtmpUrlParams {
        bucket: BUCKET,
        channel: CHANNEL,
        playlist_name: Some("playlist.m3u8"),
        expires: 1_900_000_000,
        access_key_id: AK,
        security_token: None,
        token_form: TokenForm::Signed,
    };
    let mut v4_all = Vec::new();
    let mut v4_key = Vec::new();
    let mut v4_canonical = Vec::new();
    let mut v4_sts = Vec::new();
    let mut v4_hmac = Vec::new();
    let mut v1_all = Vec::new();
    let mut rtmp_all = Vec::new();
    let canonical = v4::canonical_request(&v4_req, &[]);
    let key = v4::signing_key(SK, "20240101", REGION);
    let sts = v4::string_to_sign("20240101T000000Z", REGION, &canonical);
    let n = s.sign_iters;
    for round in 0..s.rounds {
        let mut jobs: Vec<(&mut Vec<f64>, Job<'_>)> = vec![
            (
                &mut v4_all,
                Box::new(|| {
                    ns_per_op(n, || {
                        let sig = v4::sign(
                            black_box(AK),
                            black_box(SK),
                            black_box(REGION),
                            black_box(&v4_req),
                            &[],
                        );
                        black_box(sig.unwrap());
                    })
                }),
            ),
            (
                &mut v4_key,
                Box::new(|| {
                    ns_per_op(n, || {
                        black_box(v4::signing_key(
                            black_box(SK),
                            black_box("20240101"),
                            black_box(REGION),
                        ));
                    })
                }),
            ),
            (
                &mut v4_canonical,
                Box::new(|| {
                    ns_per_op(n, || {
                        black_box(v4::canonical_request(black_box(&v4_req), &[]));
                    })
                }),
            ),
            (
                &mut v4_sts,
                Box::new(|| {
                    ns_per_op(n, || {
                        black_box(v4::string_to_sign(
                            black_box("20240101T000000Z"),
                            black_box(REGION),
                            black_box(&canonical),
                        ));
                    })
                }),
            ),
            (
                &mut v4_hmac,
                Box::new(|| {
                    ns_per_op(n, || {
                        black_box(v4::signature(black_box(&key), black_box(&sts)));
                    })
                }),
            ),
            (
                &mut v1_all,
                Box::new(|| {
                    ns_per_op(n, || {
                        black_box(v1::authorization(
                            black_box(AK),
                            black_box(SK),
                            black_box(&v1_req),
                        ));
                    })
                }),
            ),
            (
                &mut rtmp_all,
                Box::new(|| {
                    ns_per_op(n, || {
                        black_box(black_box(&rtmp).signed_query(black_box(SK)));
                    })
                }),
            ),
        ];
        let len = jobs.len();
        jobs.rotate_left(round % len);
        for (out, job) in jobs.iter_mut() {
            out.push(job());
        }
    }
    report.add_target(
        "signing",
        "V4 header (v4::sign, whole)",
        "ns/op",
        v4_all,
        Target::AtMost(2000.0),
    );
    report.add(
        "signing",
        "  of which: V4 signing key (4 × HMAC-SHA256)",
        "ns/op",
        v4_key,
    );
    report.add(
        "signing",
        "  of which: V4 canonical request",
        "ns/op",
        v4_canonical,
    );
    report.add(
        "signing",
        "  of which: V4 string-to-sign (SHA-256 of the canonical request)",
        "ns/op",
        v4_sts,
    );
    report.add(
        "signing",
        "  of which: V4 signature (HMAC-SHA256 + hex)",
        "ns/op",
        v4_hmac,
    );
    report.add("signing", "V1 header (v1::authorization)", "ns/op", v1_all);
    report.add_target(
        "signing",
        "RTMP URL (RtmpUrlParams::signed_query)",
        "ns/op",
        rtmp_all,
        Target::AtMost(1000.0),
    );
}

// ---------------------------------------------------------------------------------------
// Section: XML parsing alone
// ---------------------------------------------------------------------------------------

fn section_xml(s: &Settings, report: &mut Report) {
    eprintln!("== xml");
    let stat = canned::stat_body();
    let created = canned::create_body(BUCKET, CHANNEL);
    let page = canned::list_body(0, 1000, 100_000, "", 1000);
    assert_eq!(
        osslive::fuzzing::parse_list(page.as_bytes())
            .expect("the page parses")
            .channels
            .len(),
        1000
    );
    let mut stat_ns = Vec::new();
    let mut create_ns = Vec::new();
    let mut list_ns = Vec::new();
    for round in 0..s.rounds {
        let mut order = [0, 1, 2];
        order.rotate_left(round % 3);
        for which in order {
            match which {
                0 => stat_ns.push(ns_per_op(s.xml_stat_iters, || {
                    black_box(osslive::fuzzing::parse_stat(black_box(stat.as_bytes())).unwrap());
                })),
                1 => create_ns.push(ns_per_op(s.xml_stat_iters, || {
                    black_box(
                        osslive::fuzzing::parse_create_result(black_box(created.as_bytes()))
                            .unwrap(),
                    );
                })),
                _ => list_ns.push(ns_per_op(s.xml_list_iters, || {
                    black_box(osslive::fuzzing::parse_list(black_box(page.as_bytes())).unwrap());
                })),
            }
        }
    }
    report.add(
        "xml",
        format!("parse a stat document ({} bytes)", stat.len()),
        "µs/op",
        stat_ns.iter().map(|v| v / 1000.0).collect(),
    );
    report.add(
        "xml",
        format!("parse a create result ({} bytes)", created.len()),
        "µs/op",
        create_ns.iter().map(|v| v / 1000.0).collect(),
    );
    report.add(
        "xml",
        format!("parse a 1000-channel list page ({} bytes)", page.len()),
        "µs/op",
        list_ns.iter().map(|v| v / 1000.0).collect(),
    );
}

// ---------------------------------------------------------------------------------------
// Section: connection reuse
// ---------------------------------------------------------------------------------------

fn section_reuse(s: &Settings, report: &mut Report) {
    eprintln!("== reuse");
    let config = LiveChannelConfiguration::default();
    for op in [Op::Stat, Op::Create] {
        let mut counts = Vec::new();
        for _ in 0..s.rounds {
            let body = match op {
                Op::Stat => canned::stat_body(),
                Op::Create => canned::create_body(BUCKET, CHANNEL),
            };
            let server = Canned::start(Reply::Fixed(canned::ok_response(&body)));
            let bucket = bucket_for(&server.endpoint());
            for _ in 0..s.reuse_calls {
                call(&bucket, op, &config);
            }
            assert_eq!(server.requests(), s.reuse_calls as u64);
            counts.push(server.accepted() as f64);
        }
        report.add_target(
            "reuse",
            format!(
                "TCP connections accepted for {} sequential {} calls (one client)",
                s.reuse_calls,
                op.name()
            ),
            "conns",
            counts,
            Target::AlwaysEquals(1.0),
        );
    }
}

// ---------------------------------------------------------------------------------------
// Section: threads sharing one client
// ---------------------------------------------------------------------------------------

fn section_threads(s: &Settings, report: &mut Report) {
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

// ---------------------------------------------------------------------------------------
// Section: listing 100,000 channels
// ---------------------------------------------------------------------------------------

/// A `kB` field of /proc/self/status, in MiB.
fn proc_status_mib(field: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// Resets VmHWM to the current RSS (Linux ≥ 4.0: `echo 5 > /proc/PID/clear_refs`).
fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn section_list(s: &Settings, report: &mut Report) {
    eprintln!("== list");
    let total = s.list_total;
    let server = Canned::start(Reply::ListPages { total });
    let bucket = bucket_for(&server.endpoint());
    let options = ListOptions {
        max_keys: Some(1000),
        ..ListOptions::default()
    };
    let mut secs = Vec::new();
    let mut floor_secs = Vec::new();
    let mut rss_10k = Vec::new();
    let mut rss_50k = Vec::new();
    let mut rss_100k = Vec::new();
    let mut growth = Vec::new();
    let mut hwm_over_start = Vec::new();
    let can_reset = reset_peak_rss();
    if !can_reset {
        report.note("cannot write /proc/self/clear_refs: VmHWM includes earlier sections");
    }
    let floor_walk = || -> f64 {
        let mut raw = RawClient::connect(server.addr()).unwrap();
        let start = Instant::now();
        let mut marker = String::new();
        let mut walked = 0;
        while walked < total {
            let request = format!(
                "GET /{BUCKET}/?live&max-keys=1000{}{marker} HTTP/1.1\r\nhost: {}\r\n\r\n",
                if marker.is_empty() { "" } else { "&marker=" },
                server.addr()
            );
            assert_eq!(raw.roundtrip(request.as_bytes()).unwrap(), 200);
            walked = (walked + 1000).min(total);
            marker = canned::channel_name(walked - 1);
        }
        start.elapsed().as_secs_f64()
    };
    for round in 0..s.rounds {
        if round % 2 == 1 {
            floor_secs.push(floor_walk());
        }
        reset_peak_rss();
        let rss_start = proc_status_mib("VmRSS");
        let mut page_rss = Vec::with_capacity(total / 1000 + 1);
        let start = Instant::now();
        let mut count = 0usize;
        for channel in bucket.list_live_channels(options.clone()) {
            let channel = channel.expect("the listing succeeds");
            black_box(&channel);
            count += 1;
            if count % 1000 == 0 {
                let rss = proc_status_mib("VmRSS");
                page_rss.push(rss);
                match count {
                    10_000 => rss_10k.push(rss),
                    50_000 => rss_50k.push(rss),
                    100_000 => rss_100k.push(rss),
                    _ => {}
                }
            }
        }
        secs.push(start.elapsed().as_secs_f64());
        assert_eq!(count, total, "every channel was listed");
        let hwm = proc_status_mib("VmHWM");
        // Growth after the first ten pages: what walking 90 more pages added.
        let after_ten = page_rss[9];
        growth.push(max_of(&page_rss[10..]) - after_ten);
        hwm_over_start.push(hwm - rss_start);
        if round % 2 == 0 {
            floor_secs.push(floor_walk());
        }
    }
    report.add(
        "list",
        format!("walk {total} channels (pages of 1000) with list_live_channels"),
        "s",
        secs.clone(),
    );
    report.add(
        "list",
        format!(
            "the same {} pages fetched raw by the floor (no parsing)",
            total / 1000
        ),
        "s",
        floor_secs.clone(),
    );
    report.add(
        "list",
        "osslive's own cost per page (walk − floor) / pages",
        "ms",
        secs.iter()
            .zip(&floor_secs)
            .map(|(a, b)| (a - b) * 1000.0 / (total / 1000) as f64)
            .collect(),
    );
    report.add("list", "VmRSS after 10,000 channels", "MiB", rss_10k);
    report.add("list", "VmRSS after 50,000 channels", "MiB", rss_50k);
    report.add("list", "VmRSS after 100,000 channels", "MiB", rss_100k);
    report.add_target(
        "list",
        "RSS growth from page 10 to page 100 (max − at page 10)",
        "MiB",
        growth,
        Target::AtMost(1.0),
    );
    report.add(
        "list",
        "peak RSS during the walk over RSS before it (VmHWM − VmRSS)",
        "MiB",
        hwm_over_start,
    );
}

// ---------------------------------------------------------------------------------------
// Section: footprint
// ---------------------------------------------------------------------------------------

fn file_mib(path: &Path) -> Option<f64> {
    Some(path.metadata().ok()?.len() as f64 / (1024.0 * 1024.0))
}

/// The crate a demangled symbol belongs to: `<rustls::x::Y as core::Z>::f` → `rustls`.
fn crate_of(symbol: &str) -> String {
    let name = symbol.trim_start_matches(['<', '&', '*', '(', '[', ' ']);
    let name = name
        .strip_prefix("dyn ")
        .or_else(|| name.strip_prefix("mut "))
        .or_else(|| name.strip_prefix("const "))
        .unwrap_or(name)
        .trim_start_matches(['<', '&']);
    if name.starts_with("ring_core_") {
        return "ring (its C and assembly, ring_core_*)".to_owned();
    }
    match name.split_once("::") {
        Some((krate, _))
            if !krate.is_empty() && krate.chars().all(|c| c.is_alphanumeric() || c == '_') =>
        {
            krate.to_owned()
        }
        _ => "(no crate path: mostly ring's static C tables and functions)".to_owned(),
    }
}

/// Which crates the bytes of libosslive.so belong to, from `nm -S` symbol sizes.
fn footprint_by_crate(so: &Path, report: &mut Report) {
    let Ok(out) = Command::new("nm")
        .args(["-S", "--size-sort", "-C", "--defined-only"])
        .arg(so)
        .output()
    else {
        report.note("nm is missing: no per-crate breakdown of the .so");
        return;
    };
    let mut by_crate: BTreeMap<String, u64> = BTreeMap::new();
    let mut total = 0u64;
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let mut parts = line.splitn(4, ' ');
        let (Some(_addr), Some(size), Some(_kind), Some(name)) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let Ok(size) = u64::from_str_radix(size, 16) else {
            continue;
        };
        total += size;
        *by_crate.entry(crate_of(name)).or_default() += size;
    }
    let mut crates: Vec<(String, u64)> = by_crate.into_iter().collect();
    crates.sort_by_key(|c| std::cmp::Reverse(c.1));
    report.add(
        "footprint",
        "bytes in sized symbols of the .so (nm -S), all crates",
        "KiB",
        vec![total as f64 / 1024.0],
    );
    for (krate, size) in crates.iter().take(10) {
        report.add(
            "footprint",
            format!(
                "  of which crate {krate} ({:.0}%)",
                100.0 * *size as f64 / total as f64
            ),
            "KiB",
            vec![*size as f64 / 1024.0],
        );
    }
}

fn section_footprint(s: &Settings, report: &mut Report) {
    eprintln!("== footprint");
    let release = s.target_dir.join("release");
    let so = release.join("libosslive.so");
    let a = release.join("libosslive.a");
    std::fs::create_dir_all(&s.out_dir).unwrap();
    match file_mib(&so) {
        Some(size) => {
            report.add(
                "footprint",
                "libosslive.so as built (release)",
                "MiB",
                vec![size],
            );
            let stripped = s.out_dir.join("libosslive.stripped.so");
            std::fs::copy(&so, &stripped).unwrap();
            let ok = Command::new("strip")
                .arg("--strip-all")
                .arg(&stripped)
                .status()
                .is_ok_and(|st| st.success());
            if ok {
                let bytes = stripped.metadata().unwrap().len() as f64;
                report.add_target(
                    "footprint",
                    "libosslive.so stripped (strip --strip-all), in MB of 10^6 bytes",
                    "MB",
                    vec![bytes / 1e6],
                    Target::AtMost(3.0),
                );
            } else {
                report.note("strip failed: no stripped size");
            }
        }
        None => report.note(format!(
            "{} is missing: run `scripts/build-capi --release` (scripts/bench does)",
            so.display()
        )),
    }
    if let Some(size) = file_mib(&a) {
        report.add("footprint", "libosslive.a (release)", "MiB", vec![size]);
    }
    if so.exists() {
        footprint_by_crate(&so, report);
    }

    // Peak RSS of the get_channel_stat C example, statically linked, against the canned
    // server, measured by GNU time (wait4's ru_maxrss).
    let example = s.out_dir.join("examples-c/static/get_channel_stat");
    if !example.exists() {
        report.note(format!(
            "{} is missing: no peak RSS of the C example (scripts/bench builds it)",
            example.display()
        ));
        return;
    }
    if !Path::new("/usr/bin/time").exists() {
        report.note("/usr/bin/time is missing (apt package `time`): no peak RSS");
        return;
    }
    let server = Canned::start(Reply::Fixed(canned::ok_response(&canned::stat_body())));
    let max_rss_mib = |program: &Path, args: &[&str]| -> Option<f64> {
        let out = Command::new("/usr/bin/time")
            .arg("-v")
            .arg(program)
            .args(args)
            .env("OSS_ENDPOINT", server.endpoint())
            .env("OSS_REGION", REGION)
            .env("OSS_BUCKET", BUCKET)
            .env("OSS_ACCESS_KEY_ID", AK)
            .env("OSS_ACCESS_KEY_SECRET", SK)
            .env_remove("OSS_SESSION_TOKEN")
            .output()
            .ok()?;
        if !out.status.success() {
            eprintln!(
                "{} failed: {}",
                program.display(),
                String::from_utf8_lossy(&out.stderr)
            );
            return None;
        }
        let stderr = String::from_utf8_lossy(&out.stderr);
        stderr
            .lines()
            .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes):"))
            .and_then(|v| v.trim().parse::<f64>().ok())
            .map(|kb| kb / 1024.0)
    };
    let mut example_rss = Vec::new();
    let mut true_rss = Vec::new();
    for _ in 0..s.rounds {
        if let Some(v) = max_rss_mib(&example, &[CHANNEL]) {
            example_rss.push(v);
        }
        if let Some(v) = max_rss_mib(Path::new("/bin/true"), &[]) {
            true_rss.push(v);
        }
    }
    if example_rss.is_empty() {
        report.note("the get_channel_stat example did not run successfully");
    } else {
        report.add(
            "footprint",
            "peak RSS of examples-c get_channel_stat (static; GNU time -v)",
            "MiB",
            example_rss,
        );
        report.add(
            "footprint",
            "peak RSS of /bin/true, for scale",
            "MiB",
            true_rss,
        );
    }
}

// ---------------------------------------------------------------------------------------
// The machine, output files, main
// ---------------------------------------------------------------------------------------

/// The 1, 5 and 15 minute load averages: how busy the machine was besides us.
fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn machine() -> Vec<(&'static str, String)> {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")?
                .split_once(':')
                .map(|x| x.1.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".into());
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map(|s| s.trim().to_owned())
        .unwrap_or_default();
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let rustc = Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    let load = loadavg();
    vec![
        ("cpu", model),
        ("load average (1/5/15 min) at start", load),
        ("cpus", cpus.to_string()),
        ("kernel", kernel),
        ("rustc", rustc),
    ]
}

fn render(report: &Report, settings: &Settings, machine: &[(&str, String)], secs: f64) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "osslive benchmark harness ({} rounds{})",
        settings.rounds,
        if settings.quick { ", BENCH_QUICK" } else { "" }
    );
    for (k, v) in machine {
        let _ = writeln!(out, "  {k}: {v}");
    }
    let _ = writeln!(out, "  run time: {secs:.0} s");
    let _ = writeln!(out);
    let name_w = report
        .rows
        .iter()
        .map(|r| r.name.chars().count())
        .max()
        .unwrap_or(10);
    let _ = writeln!(
        out,
        "{:<10} {:<name_w$} {:>8} {:>10} {:>10} {:>10}  target",
        "section", "measurement", "unit", "min", "median", "max"
    );
    let _ = writeln!(out, "{}", "-".repeat(10 + name_w + 8 + 33 + 24));
    for r in &report.rows {
        let target = r
            .target
            .map(|t| {
                format!(
                    "{} {}",
                    t.text(),
                    if t.met(&r.values) { "MET" } else { "NOT MET" }
                )
            })
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{:<10} {:<name_w$} {:>8} {:>10} {:>10} {:>10}  {}",
            r.section,
            r.name,
            r.unit,
            fmt_num(min_of(&r.values)),
            fmt_num(median(&r.values)),
            fmt_num(max_of(&r.values)),
            target
        );
    }
    if !report.notes.is_empty() {
        let _ = writeln!(out, "\nnotes:");
        for n in &report.notes {
            let _ = writeln!(out, "  - {n}");
        }
    }
    out
}

fn to_json(report: &Report, settings: &Settings, machine: &[(&str, String)], secs: f64) -> String {
    let rows: Vec<serde_json::Value> = report
        .rows
        .iter()
        .map(|r| {
            serde_json::json!({
                "section": r.section,
                "name": r.name,
                "unit": r.unit,
                "values": r.values,
                "min": min_of(&r.values),
                "median": median(&r.values),
                "max": max_of(&r.values),
                "target": r.target.map(|t| t.text()),
                "met": r.target.map(|t| t.met(&r.values)),
            })
        })
        .collect();
    let machine: serde_json::Map<String, serde_json::Value> = machine
        .iter()
        .map(|(k, v)| ((*k).to_owned(), serde_json::Value::from(v.clone())))
        .collect();
    serde_json::to_string_pretty(&serde_json::json!({
        "rounds": settings.rounds,
        "quick": settings.quick,
        "run_seconds": secs,
        "machine": machine,
        "rows": rows,
        "notes": report.notes,
    }))
    .unwrap()
}

/// BENCH_SERVE="stat|create SECONDS": a canned server alone, for profiling a client in
/// another process (c_bench, the C examples). Prints `endpoint=URL`, serves for at most
/// SECONDS (600 at most), then prints how many connections and requests it had.
fn serve_for_a_while(spec: &str) {
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
fn profile(op: &str) {
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

// ---------------------------------------------------------------------------------------
// CPU placement
// ---------------------------------------------------------------------------------------

/// A CPU set as the kernel takes it (1024 CPUs).
type CpuMask = [u64; 16];

// glibc's thread-affinity calls (pid 0 = the calling thread); declared here rather than
// pulling in the libc crate for two functions.
unsafe extern "C" {
    fn sched_getaffinity(pid: i32, cpusetsize: usize, mask: *mut u64) -> i32;
    fn sched_setaffinity(pid: i32, cpusetsize: usize, mask: *const u64) -> i32;
}

fn current_affinity() -> Option<CpuMask> {
    let mut mask: CpuMask = [0; 16];
    // SAFETY: the buffer is as large as the size given.
    let rc = unsafe { sched_getaffinity(0, std::mem::size_of::<CpuMask>(), mask.as_mut_ptr()) };
    (rc == 0).then_some(mask)
}

/// Sets the calling thread's CPUs; threads and processes it starts afterwards inherit them.
fn set_affinity(mask: &CpuMask) -> bool {
    // SAFETY: the buffer is as large as the size given.
    unsafe { sched_setaffinity(0, std::mem::size_of::<CpuMask>(), mask.as_ptr()) == 0 }
}

/// The mask of only the first CPU of `mask`, and that CPU's number.
fn first_cpu(mask: &CpuMask) -> Option<(CpuMask, usize)> {
    let cpu = (0..1024).find(|&i| mask[i / 64] & (1u64 << (i % 64)) != 0)?;
    let mut one: CpuMask = [0; 16];
    one[cpu / 64] = 1u64 << (cpu % 64);
    Some((one, cpu))
}

/// Where the single-connection sections run: all on one CPU (client, server, child
/// processes), unless BENCH_PIN=0. See BENCHMARKS.md, "CPU placement".
struct Placement {
    all: Option<CpuMask>,
    one: Option<(CpuMask, usize)>,
}

impl Placement {
    fn new(report: &mut Report) -> Placement {
        let all = current_affinity();
        let wanted = std::env::var("BENCH_PIN").map_or(true, |v| v != "0");
        let one = if wanted {
            all.as_ref().and_then(first_cpu)
        } else {
            None
        };
        if wanted && one.is_none() {
            report.note("cannot read the CPU affinity: nothing is pinned");
        }
        Placement { all, one }
    }

    fn describe(&self) -> String {
        match &self.one {
            Some((_, cpu)) => format!(
                "single-connection sections pinned to CPU {cpu} (client, server and child \
                 processes); threads and unpinned sections on all CPUs"
            ),
            None => "nothing pinned (BENCH_PIN=0)".to_owned(),
        }
    }

    fn pin(&self) {
        if let Some((mask, _)) = &self.one {
            set_affinity(mask);
        }
    }

    fn unpin(&self) {
        if let Some(mask) = &self.all {
            set_affinity(mask);
        }
    }
}

// ---------------------------------------------------------------------------------------
// Section: unpinned (client and server free to run on different CPUs)
// ---------------------------------------------------------------------------------------

fn section_unpinned(s: &Settings, report: &mut Report) {
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

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` does not, and this harness is
    // no test: say so and pass.
    if !std::env::args().any(|a| a == "--bench") {
        println!(
            "osslive benchmark harness: run it with `cargo bench --bench harness` or scripts/bench"
        );
        return;
    }
    if let Ok(spec) = std::env::var("BENCH_SERVE") {
        serve_for_a_while(&spec);
        return;
    }
    if let Ok(spec) = std::env::var("BENCH_CHILD") {
        child(&spec);
        return;
    }
    if let Ok(op) = std::env::var("BENCH_PROFILE") {
        profile(&op);
        return;
    }
    let settings = Settings::from_env();
    let mut machine = machine();
    let started = Instant::now();
    let mut report = Report::default();
    let placement = Placement::new(&mut report);
    machine.push(("cpu placement", placement.describe()));
    placement.pin();
    if settings.wants("signing") {
        section_signing(&settings, &mut report);
    }
    if settings.wants("xml") {
        section_xml(&settings, &mut report);
    }
    if settings.wants("calls") {
        section_calls(&settings, &mut report);
    }
    if settings.wants("anatomy") {
        section_anatomy(&settings, &mut report);
    }
    if settings.wants("reuse") {
        section_reuse(&settings, &mut report);
    }
    if settings.wants("list") {
        section_list(&settings, &mut report);
    }
    if settings.wants("footprint") {
        section_footprint(&settings, &mut report);
    }
    placement.unpin();
    if settings.wants("threads") {
        section_threads(&settings, &mut report);
    }
    if settings.wants("unpinned") {
        section_unpinned(&settings, &mut report);
    }
    // Ratios and targets together at the end of the table.
    report.rows.sort_by_key(|r| {
        [
            "calls",
            "anatomy",
            "unpinned",
            "threads",
            "list",
            "signing",
            "xml",
            "reuse",
            "footprint",
            "ratios",
        ]
        .iter()
        .position(|s| *s == r.section)
        .unwrap_or(99)
    });
    let secs = started.elapsed().as_secs_f64();
    machine.push(("load average (1/5/15 min) at end", loadavg()));
    let text = render(&report, &settings, &machine, secs);
    println!("{text}");
    std::fs::create_dir_all(&settings.out_dir).unwrap();
    let txt = settings.out_dir.join("results.txt");
    let json = settings.out_dir.join("results.json");
    std::fs::write(&txt, &text).unwrap();
    std::fs::write(&json, to_json(&report, &settings, &machine, secs)).unwrap();
    println!(
        "results written to {} and {}",
        txt.display(),
        json.display()
    );
}
