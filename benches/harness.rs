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
//!   BENCH_ONLY=a,b         only these sections: calls, syscalls, anatomy, signing, xml,
//!                          reuse, list, footprint, threads, unpinned
//!   BENCH_PIN=0            do not pin the single-connection sections to one CPU
//!   BENCH_SERVE="OP SECS"  no report: only a canned server (stat | create) for SECS
//!                          seconds, to profile a client in another process
//!   BENCH_PROFILE=OP       no report: OP = stat | create | list | threads, repeated
//!                          BENCH_PROFILE_CALLS times against the canned server, for
//!                          running under perf or callgrind
//!
//! Results: a table on stdout, and target/bench/results.txt and results.json.
//! Not a test: it never fails on a missed target, it reports it.
//!
//! Layout (benches/harness/): one module per section (`calls`, `syscalls`, `anatomy`,
//! `micro` for signing and xml, `reuse`, `threads`, `list`, `footprint`, `unpinned`); what
//! they measure with (`clients`: osslive and the floor from Rust; `bare`: ureq alone;
//! `cabi`: the C benchmark; `child`: osslive in its own process; `wrk`: `wrk -t1 -c1`;
//! `canned` and `floor`: the server and the raw client); and the run around them (`settings`, `report`, `machine`, `placement`,
//! `profiling`). This file only picks the mode and runs the sections in order.

#[path = "harness/anatomy.rs"]
mod anatomy;
#[path = "harness/bare.rs"]
mod bare;
#[path = "harness/cabi.rs"]
mod cabi;
#[path = "harness/calls.rs"]
mod calls;
#[path = "harness/canned.rs"]
mod canned;
#[path = "harness/child.rs"]
mod child;
#[path = "harness/clients.rs"]
mod clients;
#[path = "harness/floor.rs"]
mod floor;
#[path = "harness/footprint.rs"]
mod footprint;
#[path = "harness/list.rs"]
mod list;
#[path = "harness/machine.rs"]
mod machine;
#[path = "harness/micro.rs"]
mod micro;
#[path = "harness/placement.rs"]
mod placement;
#[path = "harness/profiling.rs"]
mod profiling;
#[path = "harness/report.rs"]
mod report;
#[path = "harness/reuse.rs"]
mod reuse;
#[path = "harness/settings.rs"]
mod settings;
#[path = "harness/syscalls.rs"]
mod syscalls;
#[path = "harness/threads.rs"]
mod threads;
#[path = "harness/unpinned.rs"]
mod unpinned;
#[path = "harness/wrk.rs"]
mod wrk;

use std::time::Instant;

use report::Report;
use settings::Settings;

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
        profiling::serve_for_a_while(&spec);
        return;
    }
    if let Ok(spec) = std::env::var("BENCH_CHILD") {
        child::child(&spec);
        return;
    }
    if let Ok(op) = std::env::var("BENCH_PROFILE") {
        profiling::profile(&op);
        return;
    }
    let settings = Settings::from_env();
    let mut machine = machine::machine();
    let started = Instant::now();
    let mut report = Report::default();
    let placement = placement::Placement::new(&mut report);
    machine.push(("cpu placement", placement.describe()));
    placement.pin();
    if settings.wants("signing") {
        micro::section_signing(&settings, &mut report);
    }
    if settings.wants("xml") {
        micro::section_xml(&settings, &mut report);
    }
    if settings.wants("calls") {
        calls::section_calls(&settings, &mut report);
    }
    if settings.wants("syscalls") {
        syscalls::section_syscalls(&settings, &mut report);
    }
    if settings.wants("anatomy") {
        anatomy::section_anatomy(&settings, &mut report);
    }
    if settings.wants("reuse") {
        reuse::section_reuse(&settings, &mut report);
    }
    if settings.wants("list") {
        list::section_list(&settings, &mut report);
    }
    if settings.wants("footprint") {
        footprint::section_footprint(&settings, &mut report);
    }
    placement.unpin();
    if settings.wants("threads") {
        threads::section_threads(&settings, &mut report);
    }
    if settings.wants("unpinned") {
        unpinned::section_unpinned(&settings, &mut report);
    }
    // Ratios and targets together at the end of the table.
    report.rows.sort_by_key(|r| {
        [
            "calls",
            "syscalls",
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
    machine.push(("load average (1/5/15 min) at end", machine::loadavg()));
    let text = report::render(&report, &settings, &machine, secs);
    println!("{text}");
    std::fs::create_dir_all(&settings.out_dir).unwrap();
    let txt = settings.out_dir.join("results.txt");
    let json = settings.out_dir.join("results.json");
    std::fs::write(&txt, &text).unwrap();
    std::fs::write(&json, report::to_json(&report, &settings, &machine, secs)).unwrap();
    println!(
        "results written to {} and {}",
        txt.display(),
        json.display()
    );
}
