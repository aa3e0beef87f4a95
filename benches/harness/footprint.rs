//! Section `footprint`: the size of the release libosslive.so (as built, stripped, and by
//! crate) and .a, and the peak RSS of a statically linked C example.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use crate::canned::{self, Canned, Reply};
use crate::report::{Report, Target};
use crate::settings::{AK, BUCKET, CHANNEL, REGION, SK, Settings};

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

pub fn section_footprint(s: &Settings, report: &mut Report) {
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
