//! Section `syscalls`: system calls per request on a reused keep-alive connection, counted
//! by `strace -f -c` around osslive from Rust in a process of its own (and around
//! `wrk -t1 -c1` for comparison), against the canned server.
//!
//! osslive is counted twice, over a short and a long run of the same client, and the
//! difference is divided by the difference in calls: process start-up, the first connect
//! and the warm-up calls cancel out, and what is left is the cost of one call. strace
//! slows every system call down a lot, so this section counts, it does not time.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use osslive::LiveChannelConfiguration;

use crate::canned::{self, Canned, Reply};
use crate::clients::{Op, bucket_for, call};
use crate::report::{Report, Target};
use crate::settings::{BUCKET, CHANNEL, Settings};
use crate::wrk::{Wrk, find_wrk};

/// Calls made per system call name (and how many of them failed), from the summary
/// `strace -c` writes.
type Counts = BTreeMap<String, (f64, f64)>;

/// Reads the table of `strace -c -o FILE`: `% time  seconds  usecs/call  calls  [errors]
/// syscall`, the `total` row left out.
fn parse_strace(text: &str) -> Counts {
    let mut counts = Counts::new();
    for line in text.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        let (calls, errors, name) = match words.as_slice() {
            [_, _, _, calls, errors, name] => (*calls, *errors, *name),
            [_, _, _, calls, name] => (*calls, "0", *name),
            _ => continue,
        };
        let (Ok(calls), Ok(errors)) = (calls.parse::<f64>(), errors.parse::<f64>()) else {
            continue;
        };
        if name != "total" {
            counts.insert(name.to_owned(), (calls, errors));
        }
    }
    counts
}

fn which(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()))
}

/// osslive from Rust making `calls` calls in a child process (the harness `exe`: this one,
/// or another build with BENCH_VERSUS) under `strace -f -c`.
fn strace_child(
    exe: &Path,
    op: Op,
    endpoint: &str,
    calls: usize,
    pause_ms: Option<u64>,
    file: &Path,
) -> Result<Counts, String> {
    let spec = match pause_ms {
        Some(ms) => format!("{} {endpoint} {calls} {ms}", op.name()),
        None => format!("{} {endpoint} {calls}", op.name()),
    };
    let out = Command::new("strace")
        .args(["-f", "-c", "-o"])
        .arg(file)
        .arg(exe)
        .arg("--bench")
        .env("BENCH_CHILD", spec)
        .output()
        .map_err(|e| format!("cannot run strace: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "strace of the Rust child failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
    Ok(parse_strace(&text))
}

/// The system calls that put request bytes on the wire.
const WRITES: [&str; 5] = ["sendto", "write", "writev", "sendmsg", "sendmmsg"];

/// Per-call counts of one client over `s.rounds.min(3)` repetitions: the total, the
/// writes, the failed calls, and each system call by name.
struct PerCall {
    totals: Vec<f64>,
    writes: Vec<f64>,
    failed: Vec<f64>,
    by_name: BTreeMap<String, Vec<f64>>,
}

/// How the client calls: back to back, or paced (milliseconds between calls, so that
/// every pooled connection is older than the moment it is trusted without a probe).
#[derive(Clone, Copy)]
enum Pace {
    BackToBack,
    Apart(u64),
}

/// Counts the system calls of one call of osslive in the harness `exe`, as the difference
/// between a short and a long run divided by the difference in calls.
fn count_per_call(
    exe: &Path,
    tag: &str,
    op: Op,
    endpoint: &str,
    pace: Pace,
    s: &Settings,
) -> Result<PerCall, String> {
    let (short, long, pause, reps) = match pace {
        Pace::BackToBack if s.quick => (100, 1100, None, s.rounds.min(3)),
        Pace::BackToBack => (200, 2200, None, s.rounds.min(3)),
        Pace::Apart(ms) => (50, 250, Some(ms), 1),
    };
    let mut per = PerCall {
        totals: Vec::new(),
        writes: Vec::new(),
        failed: Vec::new(),
        by_name: BTreeMap::new(),
    };
    // Counting is nearly deterministic: a few repetitions show whether it is.
    for rep in 0..reps {
        let file = |n| {
            s.out_dir
                .join(format!("strace-{tag}-{}-{n}-{rep}.txt", op.name()))
        };
        let a = strace_child(exe, op, endpoint, short, pause, &file(short))?;
        let b = strace_child(exe, op, endpoint, long, pause, &file(long))?;
        let n = (long - short) as f64;
        let names: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
        let (mut total, mut errors, mut written) = (0.0, 0.0, 0.0);
        for name in names {
            // The pause between paced calls is the benchmark's, not osslive's.
            if pause.is_some() && name.contains("nanosleep") {
                continue;
            }
            let (calls_a, errors_a) = a.get(name).copied().unwrap_or_default();
            let (calls_b, errors_b) = b.get(name).copied().unwrap_or_default();
            let one = ((calls_b - calls_a) / n).max(0.0);
            let values = per.by_name.entry(name.clone()).or_default();
            // A name absent from earlier repetitions had no calls there.
            values.resize(rep, 0.0);
            values.push(one);
            total += one;
            errors += ((errors_b - errors_a) / n).max(0.0);
            if WRITES.contains(&name.as_str()) {
                written += one;
            }
        }
        per.totals.push(total);
        per.failed.push(errors);
        per.writes.push(written);
    }
    let reps = per.totals.len();
    for values in per.by_name.values_mut() {
        values.resize(reps, 0.0);
    }
    Ok(per)
}

/// Adds the rows of one client's counts; the targets of issue 19 only for this build.
fn add_rows(report: &mut Report, op: Op, who: &str, per: PerCall, targets: bool) {
    let label = |what: &str| format!("{}: {who} system calls per request{what}", op.name());
    let (total_target, writes_target) = if targets {
        (Some(Target::AtMost(4.0)), Some(Target::AtMost(1.0)))
    } else {
        (None, None)
    };
    let mut add = |name: String, values: Vec<f64>, target: Option<Target>| match target {
        Some(t) => report.add_target("syscalls", name, "calls", values, t),
        None => report.add("syscalls", name, "calls", values),
    };
    add(label(""), per.totals, total_target);
    add(
        label(", writes (sendto, write, writev, sendmsg)"),
        per.writes,
        writes_target,
    );
    add(
        label(", failed (EAGAIN: probes finding the connection idle)"),
        per.failed,
        None,
    );
    for (name, values) in per.by_name {
        if values.iter().any(|v| *v >= 0.005) {
            add(label(&format!(": {name}")), values, None);
        }
    }
}

pub fn section_syscalls(s: &Settings, report: &mut Report) {
    eprintln!("== syscalls: system calls per request (strace -f -c)");
    if !which("strace") {
        report.note("strace is not installed: the syscalls section is skipped");
        return;
    }
    let this = match std::env::current_exe() {
        Ok(exe) => exe,
        Err(e) => {
            report.note(format!("current_exe: {e}"));
            return;
        }
    };
    let wrk = find_wrk();
    for op in [Op::Stat, Op::Create] {
        let body = match op {
            Op::Stat => canned::stat_body(),
            Op::Create => canned::create_body(BUCKET, CHANNEL),
        };
        let server = Canned::start(Reply::Fixed(canned::ok_response(&body)));
        let endpoint = server.endpoint();
        call(
            &bucket_for(&endpoint),
            op,
            &LiveChannelConfiguration::default(),
        );
        let request = server.first_request().unwrap();
        let mut clients = vec![(
            this.clone(),
            "osslive",
            "osslive (Rust, own process)",
            Pace::BackToBack,
            true,
        )];
        if let Some(old) = &s.versus {
            clients.push((
                old.clone(),
                "before",
                "osslive BEFORE (Rust, own process)",
                Pace::BackToBack,
                false,
            ));
        }
        // The other side of the probe rule: calls 5 ms apart, each on a connection idle
        // for longer than it is trusted, pay one probe each.
        clients.push((
            this.clone(),
            "paced",
            "osslive (Rust, own process), calls 5 ms apart,",
            Pace::Apart(5),
            false,
        ));
        for (exe, tag, who, pace, targets) in clients {
            match count_per_call(&exe, tag, op, &endpoint, pace, s) {
                Ok(per) => add_rows(report, op, who, per, targets),
                Err(e) => report.note(e),
            }
        }
        // wrk for comparison: every system call of the run over the requests it made
        // (its start-up included: a few dozen calls over thousands of requests).
        if let Some(path) = wrk.clone() {
            let wrk = Wrk::new(path, &s.out_dir, op.name(), &endpoint, &request, 1);
            let file = s.out_dir.join(format!("strace-wrk-{}.txt", op.name()));
            let file_text = file.to_string_lossy().into_owned();
            let counted = wrk
                .run_under(&["strace", "-f", "-c", "-o", &file_text])
                .and_then(|requests| {
                    let text = std::fs::read_to_string(&file).map_err(|e| e.to_string())?;
                    Ok((parse_strace(&text), requests))
                });
            match counted {
                Ok((counts, requests)) if requests > 0 => {
                    let total: f64 = counts.values().map(|(c, _)| c).sum();
                    report.add(
                        "syscalls",
                        format!(
                            "{}: wrk -t1 -c1 system calls per request ({requests} requests, start-up included)",
                            op.name()
                        ),
                        "calls",
                        vec![total / requests as f64],
                    );
                }
                Ok(_) => report.note("wrk under strace made no request"),
                Err(e) => report.note(e),
            }
        }
    }
}
