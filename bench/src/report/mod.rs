//! The report: medians across rounds, ratios of our relay to each other
//! contender, the team's targets, CPU use, the page's size, written as
//! Markdown, JSON and an SVG chart.

pub(crate) mod markdown;
mod page_frames;
mod rows;
pub(crate) mod svg;
mod targets;
mod webtransport;

use std::{collections::BTreeMap, fs, path::Path};

use anyhow::Context;
use serde::Serialize;

pub use rows::{RowSpec, HOP_CONTENDERS, HOP_ROWS, ROWS, WT_CONTENDERS, WT_ROWS};
use targets::check_targets;

use crate::{cli::ReportArgs, page::PageRecord, record::metric, record::RunRecord, stats::median};

/// The contenders, in table order: the limit first, ours second.
pub const CONTENDERS: [&str; 4] = ["direct-tcp", "relay", "websocat", "websockify"];
/// Reference servers (`wsload tcp-proxy`, `tung-bridge`, `fws-bridge`), in
/// their table's order: not products, but what a second hop and each
/// WebSocket library cost on this machine (see `crate::servers`).
pub const REFERENCES: [&str; 3] = ["tcp-proxy", "tung-bridge", "fws-bridge"];
/// A plain TCP forwarder: the most any relay, which adds this hop, can reach.
pub const HOP: &str = "tcp-proxy";
/// Our relay's name in the records.
pub const OURS: &str = "relay";
/// Our relay's WebTransport door in the records (a relay of its own).
pub const WEBTRANSPORT: &str = "relay-wt";
/// The limit every relay is compared with: the client on raw TCP.
pub const LIMIT: &str = "direct-tcp";
/// A client using at least this share of its threads is called saturated.
const SATURATED_SHARE: f64 = 0.9;

/// The whole report, as written to `latest.json`.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Where it ran.
    pub machine: Machine,
    /// How to run it again.
    pub command: String,
    /// The commit measured.
    pub commit: Option<String>,
    /// Interleaved rounds.
    pub rounds: u32,
    /// Wall-clock seconds of the measuring part.
    pub runtime_secs: Option<f64>,
    /// Contender names, in table order.
    pub contenders: Vec<String>,
    /// The results table.
    pub rows: Vec<Row>,
    /// Ours against the hop and websocat ([`HOP_ROWS`]).
    pub hop_rows: Vec<Row>,
    /// Our WebTransport door against our WebSocket door, the hop and the
    /// limit ([`WT_ROWS`]).
    pub wt_rows: Vec<Row>,
    /// The team's targets, checked against the rows.
    pub targets: Vec<TargetCheck>,
    /// CPU use per scenario and contender.
    pub cpu: Vec<CpuRow>,
    /// The page's size, when it was built.
    pub page: Option<Page>,
    /// The page's frame times under load, when measured (`wsload page`).
    pub page_frames: Option<PageRecord>,
    /// Caps, first errors and other remarks.
    pub notes: Vec<String>,
    /// Runs that did not finish.
    pub failures: Vec<String>,
}

/// The machine the bench ran on.
#[derive(Debug, Clone, Serialize)]
pub struct Machine {
    /// Logical CPUs.
    pub nproc: usize,
    /// `model name` from /proc/cpuinfo.
    pub cpu: String,
    /// Kernel release.
    pub kernel: String,
    /// Total memory, GiB.
    pub memory_gib: f64,
    /// 1, 5 and 15 minute load averages when the report was written: how
    /// busy the (shared) machine was during the bench.
    pub load_average: String,
}

/// One measurement for every contender, and our ratios to each.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// Scenario name.
    pub scenario: String,
    /// Metric name.
    pub metric: String,
    /// Table label.
    pub label: String,
    /// Whether more is better.
    pub higher_is_better: bool,
    /// Contender → median (or total, for errors); absent when not measured.
    pub values: BTreeMap<String, f64>,
    /// `relay/<other>` → ours divided by theirs.
    pub ratios: BTreeMap<String, f64>,
}

/// A target of the team, in terms of a ratio or a value of ours.
#[derive(Debug, Clone, Serialize)]
pub struct TargetCheck {
    /// The goal as the team wrote it.
    pub goal: String,
    /// What was measured, in words.
    pub measured: String,
    /// Whether it was met; `None` when it could not be measured.
    pub met: Option<bool>,
    /// What the hop (`tcp-proxy`) and websocat measured in the same run, in
    /// words.
    pub hop: Option<String>,
}

/// Median CPU use of one contender in one scenario, % of one core.
#[derive(Debug, Clone, Serialize)]
pub struct CpuRow {
    /// Scenario name.
    pub scenario: String,
    /// Contender name.
    pub contender: String,
    /// The load client.
    pub client_pct: Option<f64>,
    /// The contender (with its children).
    pub server_pct: Option<f64>,
    /// The echo service.
    pub echo_pct: Option<f64>,
    /// The client used ≥ 90% of its threads: the numbers may be the client's limit.
    pub client_saturated: bool,
}

/// The built page.
#[derive(Debug, Clone, Serialize)]
pub struct Page {
    /// Each file.
    pub files: Vec<PageFile>,
    /// Sum of the gzipped sizes.
    pub gzip_total_bytes: u64,
}

/// One file of the page.
#[derive(Debug, Clone, Serialize)]
pub struct PageFile {
    /// File name.
    pub name: String,
    /// Size on disk.
    pub bytes: u64,
    /// Size after `gzip -9`.
    pub gzip_bytes: u64,
}

/// Reads the raw records and writes `latest.{md,json,svg}` into `args.out`.
pub fn write(args: &ReportArgs) -> anyhow::Result<()> {
    let text = fs::read_to_string(&args.raw)
        .with_context(|| format!("cannot read {}", args.raw.display()))?;
    let records = text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(serde_json::from_str)
        .collect::<Result<Vec<RunRecord>, _>>()
        .context("a raw record is not valid JSON")?;
    let page = parse_page(&args.page_files)?;
    let mut report = build(&records, machine(), args, page);
    if let Some(path) = &args.page_frames {
        let text =
            fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
        report.page_frames =
            Some(serde_json::from_str(&text).context("the page's frame times are not valid")?);
    }
    let out = Path::new(&args.out);
    fs::create_dir_all(out)?;
    let md = markdown::render(&report);
    fs::write(out.join("latest.md"), &md)?;
    fs::write(
        out.join("latest.json"),
        serde_json::to_string_pretty(&report)? + "\n",
    )?;
    fs::write(out.join("latest.svg"), svg::render(&report))?;
    println!("{md}");
    Ok(())
}

/// Builds the report from the records of every run.
pub fn build(
    records: &[RunRecord],
    machine: Machine,
    args: &ReportArgs,
    page: Option<Page>,
) -> Report {
    let rows: Vec<Row> = ROWS.iter().map(|spec| aggregate(records, spec)).collect();
    let hop_rows: Vec<Row> = HOP_ROWS
        .iter()
        .map(|spec| aggregate(records, spec))
        .collect();
    let wt_rows: Vec<Row> = WT_ROWS
        .iter()
        .map(|spec| aggregate(records, spec))
        .collect();
    let mut notes: Vec<String> = args.notes.clone();
    let mut failures = Vec::new();
    for record in records {
        let who = format!("{} / {}", record.scenario, record.contender);
        if let Some(failure) = &record.failure {
            failures.push(format!("round {}: {who}: {failure}", record.round));
        }
        if let Some(note) = &record.note {
            let line = format!("{who}: {note}");
            // One note per scenario and contender is enough.
            if !notes.iter().any(|n| n.starts_with(&format!("{who}: "))) {
                notes.push(line);
            }
        }
    }
    Report {
        machine,
        command: args.command.clone(),
        commit: args.commit.clone(),
        rounds: args.rounds,
        runtime_secs: args.runtime_secs,
        contenders: CONTENDERS.iter().map(|c| c.to_string()).collect(),
        targets: check_targets(&hop_rows, &rows),
        cpu: cpu_rows(records),
        rows,
        hop_rows,
        wt_rows,
        page,
        page_frames: None,
        notes,
        failures,
    }
}

/// The median (or, for errors, the total) of one metric per contender.
fn aggregate(records: &[RunRecord], spec: &RowSpec) -> Row {
    let mut values = BTreeMap::new();
    for contender in CONTENDERS
        .into_iter()
        .chain(REFERENCES)
        .chain([WEBTRANSPORT])
    {
        let runs = records
            .iter()
            .filter(|r| r.scenario == spec.scenario && r.contender == contender);
        let value = if spec.metric == metric::ERRORS {
            runs.map(|r| r.errors as f64).reduce(|a, b| a + b)
        } else {
            let samples: Vec<f64> = runs
                .filter(|r| r.failure.is_none())
                .filter_map(|r| r.metrics.get(spec.metric).copied())
                .collect();
            median(&samples)
        };
        if let Some(value) = value {
            values.insert(contender.to_owned(), value);
        }
    }
    let mut ratios = BTreeMap::new();
    if let Some(ours) = values.get(OURS) {
        for other in CONTENDERS.iter().chain(&REFERENCES).filter(|c| **c != OURS) {
            if let Some(theirs) = values.get(*other).filter(|v| **v != 0.0) {
                ratios.insert(ratio_key(other), ours / theirs);
            }
        }
    }
    Row {
        scenario: spec.scenario.to_owned(),
        metric: spec.metric.to_owned(),
        label: spec.label.to_owned(),
        higher_is_better: spec.higher_is_better,
        values,
        ratios,
    }
}

/// The key of our ratio to `other`, e.g. `relay/websocat`.
pub fn ratio_key(other: &str) -> String {
    format!("{OURS}/{other}")
}

pub(crate) fn find<'a>(rows: &'a [Row], scenario: &str, metric: &str) -> Option<&'a Row> {
    rows.iter()
        .find(|r| r.scenario == scenario && r.metric == metric)
}

/// Median CPU use per scenario and contender, in the order runs appear.
fn cpu_rows(records: &[RunRecord]) -> Vec<CpuRow> {
    let mut keys: Vec<(&str, &str)> = Vec::new();
    for r in records {
        if !keys.contains(&(r.scenario.as_str(), r.contender.as_str())) {
            keys.push((&r.scenario, &r.contender));
        }
    }
    keys.into_iter()
        .map(|(scenario, contender)| {
            let runs: Vec<&RunRecord> = records
                .iter()
                .filter(|r| r.scenario == scenario && r.contender == contender)
                .filter(|r| r.failure.is_none())
                .collect();
            let med = |f: fn(&RunRecord) -> Option<f64>| {
                median(&runs.iter().filter_map(|r| f(r)).collect::<Vec<_>>())
            };
            let client_pct = med(|r| Some(r.client_cpu_pct));
            let threads = runs.first().map_or(1, |r| r.client_threads.max(1));
            CpuRow {
                scenario: scenario.to_owned(),
                contender: contender.to_owned(),
                client_saturated: client_pct
                    .is_some_and(|c| c >= 100.0 * SATURATED_SHARE * threads as f64),
                client_pct,
                server_pct: med(|r| r.server_cpu_pct),
                echo_pct: med(|r| r.echo_cpu_pct),
            }
        })
        .collect()
}

/// Parses `NAME=BYTES:GZIP` arguments.
fn parse_page(specs: &[String]) -> anyhow::Result<Option<Page>> {
    if specs.is_empty() {
        return Ok(None);
    }
    let mut files = Vec::new();
    for spec in specs {
        let parsed = spec.split_once('=').and_then(|(name, sizes)| {
            let (bytes, gzip) = sizes.split_once(':')?;
            Some(PageFile {
                name: name.to_owned(),
                bytes: bytes.parse().ok()?,
                gzip_bytes: gzip.parse().ok()?,
            })
        });
        files.push(parsed.with_context(|| format!("{spec:?} is not NAME=BYTES:GZIP"))?);
    }
    Ok(Some(Page {
        gzip_total_bytes: files.iter().map(|f| f.gzip_bytes).sum(),
        files,
    }))
}

/// Reads the machine's description from /proc.
pub fn machine() -> Machine {
    let cpuinfo = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .and_then(|l| l.split_once(':'))
        .map_or("unknown".into(), |(_, name)| name.trim().to_owned());
    let meminfo = fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem_kib: f64 = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0.0);
    Machine {
        nproc: std::thread::available_parallelism().map_or(0, |n| n.get()),
        cpu,
        kernel: fs::read_to_string("/proc/sys/kernel/osrelease")
            .map_or("unknown".into(), |k| k.trim().to_owned()),
        memory_gib: (mem_kib / (1024.0 * 1024.0) * 10.0).round() / 10.0,
        load_average: fs::read_to_string("/proc/loadavg")
            .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
            .unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests;
