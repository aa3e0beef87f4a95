//! Section `list`: walking 100,000 channels page by page, its time beside the floor
//! fetching the same pages, and the process's memory (VmRSS, VmHWM) along the way.

use std::hint::black_box;
use std::time::Instant;

use osslive::ListOptions;

use crate::canned::{self, Canned, Reply};
use crate::clients::bucket_for;
use crate::floor::RawClient;
use crate::report::{Report, Target, max_of};
use crate::settings::{BUCKET, Settings};

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

pub fn section_list(s: &Settings, report: &mut Report) {
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
