//! Statistics over rounds (min, median, max), the targets a row is checked against, and the
//! report: the table printed on stdout and written to results.txt, and results.json.

use std::fmt::Write as _;
use std::time::Duration;

use crate::settings::Settings;

pub fn median(values: &[f64]) -> f64 {
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

pub fn min_of(values: &[f64]) -> f64 {
    values.iter().copied().fold(f64::INFINITY, f64::min)
}

pub fn max_of(values: &[f64]) -> f64 {
    values.iter().copied().fold(f64::NEG_INFINITY, f64::max)
}

/// One timed series: N calls.
#[derive(Clone, Copy, Debug)]
pub struct Series {
    pub calls_per_s: f64,
    pub p50_us: f64,
    pub p99_us: f64,
}

impl Series {
    pub fn from_latencies(latencies_ns: &mut [u64], elapsed: Duration) -> Series {
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
pub enum Target {
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

pub struct Row {
    pub section: &'static str,
    name: String,
    unit: &'static str,
    values: Vec<f64>,
    target: Option<Target>,
}

#[derive(Default)]
pub struct Report {
    pub rows: Vec<Row>,
    notes: Vec<String>,
}

impl Report {
    pub fn add(
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

    pub fn add_target(
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

    pub fn note(&mut self, text: impl Into<String>) {
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

pub fn render(
    report: &Report,
    settings: &Settings,
    machine: &[(&str, String)],
    secs: f64,
) -> String {
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

pub fn to_json(
    report: &Report,
    settings: &Settings,
    machine: &[(&str, String)],
    secs: f64,
) -> String {
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
