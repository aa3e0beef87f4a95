//! The C ABI contenders: `c_bench` (benches/c_bench.c, built by scripts/bench and linked
//! statically against the release libosslive.a) run as a process of its own, which prints
//! its timings as `calls=… calls_per_s=… p50_ns=… p99_ns=…`.
//!
//! [`find_c_bench`] locates the C benchmark and the release libosslive.a it was linked
//! against (scripts/bench builds both), and says when the library is the newer of the two.
//! The footprint section only measures the release libosslive.so and .a where cargo puts them.

use std::path::PathBuf;
use std::process::Command;

use crate::report::{Report, Series};
use crate::settings::Settings;

pub struct CBench {
    pub path: PathBuf,
}

impl CBench {
    pub fn run(&self, args: &[&str]) -> Result<Series, String> {
        self.run_with_env(args, &[])
    }

    pub fn run_with_env(&self, args: &[&str], env: &[(&str, String)]) -> Result<Series, String> {
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

pub fn find_c_bench(s: &Settings, report: &mut Report) -> Option<CBench> {
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
