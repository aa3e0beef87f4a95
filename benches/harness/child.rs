//! osslive from Rust in a process of its own, as the C programs run: this harness started
//! again with BENCH_CHILD set, printing its timings in c_bench's format.

use std::path::Path;
use std::time::Duration;

use osslive::LiveChannelConfiguration;

use crate::cabi::CBench;
use crate::clients::{Op, bucket_for, call, run_osslive};
use crate::report::Series;

/// Runs `run_osslive` in a child process (this harness again, with BENCH_CHILD set).
pub fn run_child(op: Op, endpoint: &str, calls: usize) -> Result<Series, String> {
    let exe = std::env::current_exe().map_err(|e| format!("current_exe: {e}"))?;
    run_child_of(&exe, op, endpoint, calls)
}

/// Runs `run_osslive` of the harness `exe` (this one or another build, BENCH_VERSUS) in a
/// child process.
pub fn run_child_of(exe: &Path, op: Op, endpoint: &str, calls: usize) -> Result<Series, String> {
    CBench {
        path: exe.to_path_buf(),
    }
    .run_with_env(
        &["--bench"],
        &[("BENCH_CHILD", format!("{} {endpoint} {calls}", op.name()))],
    )
}

/// BENCH_CHILD="stat|create ENDPOINT CALLS [PAUSE_MS]": time osslive calls and print them
/// as c_bench does. With a pause, the calls are made that many milliseconds apart and not
/// timed (the `syscalls` section counts what a paced client pays).
pub fn child(spec: &str) {
    let parts: Vec<&str> = spec.split_whitespace().collect();
    let (op, endpoint, calls, pause) = match parts[..] {
        [op, endpoint, calls] => (op, endpoint, calls, None),
        [op, endpoint, calls, pause] => (op, endpoint, calls, pause.parse::<u64>().ok()),
        _ => {
            eprintln!("BENCH_CHILD={spec:?}: expected OP ENDPOINT CALLS [PAUSE_MS]");
            std::process::exit(2);
        }
    };
    let op = if op == "create" { Op::Create } else { Op::Stat };
    let calls: usize = calls.parse::<usize>().unwrap_or(1000).clamp(1, 10_000_000);
    let bucket = bucket_for(endpoint);
    if let Some(ms) = pause {
        let config = LiveChannelConfiguration::default();
        for _ in 0..calls {
            call(&bucket, op, &config);
            std::thread::sleep(Duration::from_millis(ms.min(1000)));
        }
        println!("calls={calls} pause_ms={ms}");
        return;
    }
    let mut lat = Vec::with_capacity(calls);
    let series = run_osslive(&bucket, op, calls, &mut lat);
    println!(
        "calls={calls} calls_per_s={:.1} p50_ns={:.0} p99_ns={:.0}",
        series.calls_per_s,
        series.p50_us * 1000.0,
        series.p99_us * 1000.0
    );
}
