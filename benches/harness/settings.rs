//! What every section shares: the names and keys the benchmark signs with, and the run's
//! settings, read once from the environment (BENCH_QUICK, BENCH_ROUNDS, BENCH_ONLY,
//! BENCH_VERSUS, CARGO_TARGET_DIR).

use std::path::{Path, PathBuf};

pub const AK: &str = "LTAIbenchAccessKeyId01";
pub const SK: &str = "benchAccessKeySecret0123456789abcdef";
pub const REGION: &str = "cn-hangzhou";
pub const BUCKET: &str = "bench-bucket";
pub const CHANNEL: &str = "bench-channel";
/// Untimed calls before each timed series: the first one connects.
pub const WARMUP: usize = 50;

pub struct Settings {
    pub quick: bool,
    pub rounds: usize,
    /// Timed calls per contender per round, against the canned server and the emulator.
    pub calls: usize,
    pub emulator_calls: usize,
    /// Sequential calls whose connections are counted.
    pub reuse_calls: usize,
    /// Total calls of the 1-thread and of the 8-thread phase.
    pub thread_calls: usize,
    pub threads: usize,
    pub list_total: usize,
    pub sign_iters: usize,
    pub xml_stat_iters: usize,
    pub xml_list_iters: usize,
    only: Option<Vec<String>>,
    /// Another build of this harness (BENCH_VERSUS), whose osslive runs as an extra
    /// contender in a process of its own: a before/after comparison in one run.
    pub versus: Option<PathBuf>,
    pub target_dir: PathBuf,
    pub out_dir: PathBuf,
}

impl Settings {
    pub fn from_env() -> Settings {
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
            versus: std::env::var_os("BENCH_VERSUS")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
            target_dir,
            out_dir,
        }
    }

    pub fn wants(&self, section: &str) -> bool {
        self.only
            .as_ref()
            .is_none_or(|only| only.iter().any(|s| s == section))
    }
}
