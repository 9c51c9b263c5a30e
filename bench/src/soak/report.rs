//! The soak's report: the relay's memory over time (start, max, end, slope
//! over the last half), what the load did, and the verdict; written as
//! `soak.md`, `soak.json` and `soak.svg`.

use std::{collections::BTreeMap, fmt::Write, fs, path::Path};

use anyhow::Context;
use serde::{Deserialize, Serialize};

use super::{
    args::SoakArgs,
    sampler::{Sample, Samples},
    svg::{self, mib},
    tally::Counts,
};
use crate::{report::markdown::number, stats::slope};

/// The relay's memory, from the samples. Start, max, end and slope are over
/// the time the load ran; `after_kib` is the last sample, once the sessions
/// under way at the end had finished.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Memory {
    /// RSS at the first sample, KiB.
    pub start_kib: u64,
    /// Highest RSS, KiB.
    pub max_kib: u64,
    /// RSS at the last sample while the load ran, KiB.
    pub end_kib: u64,
    /// RSS at the last sample, after the drain, KiB.
    pub after_kib: u64,
    /// Least-squares slope of RSS over the second half of the load, MiB/min.
    pub slope_mib_per_min_last_half: Option<f64>,
    /// PSS at the first sample, KiB.
    pub pss_start_kib: Option<u64>,
    /// Highest PSS, KiB.
    pub pss_max_kib: Option<u64>,
    /// PSS at the last sample while the load ran, KiB.
    pub pss_end_kib: Option<u64>,
}

impl Memory {
    /// RSS start, max, end of load and after the drain in MiB, and the
    /// slope in MiB/min, as the report and the plot show them.
    pub fn rss_mib_texts(&self) -> [String; 5] {
        [
            number(mib(self.start_kib)),
            number(mib(self.max_kib)),
            number(mib(self.end_kib)),
            number(mib(self.after_kib)),
            self.slope_mib_per_min_last_half
                .map_or("n/a".into(), number),
        ]
    }

    fn of(samples: &[Sample], load_secs: f64) -> Self {
        let loaded = samples.partition_point(|s| s.secs <= load_secs).max(1);
        let (Some(first), Some(end), Some(after)) =
            (samples.first(), samples.get(loaded - 1), samples.last())
        else {
            return Self::default();
        };
        let during = &samples[..loaded];
        let late: Vec<(f64, f64)> = during
            .iter()
            .filter(|s| s.secs >= load_secs / 2.0)
            .map(|s| (s.secs / 60.0, mib(s.rss_kib)))
            .collect();
        Self {
            start_kib: first.rss_kib,
            max_kib: samples.iter().map(|s| s.rss_kib).max().unwrap_or(0),
            end_kib: end.rss_kib,
            after_kib: after.rss_kib,
            slope_mib_per_min_last_half: slope(&late),
            pss_start_kib: first.pss_kib,
            pss_max_kib: samples.iter().filter_map(|s| s.pss_kib).max(),
            pss_end_kib: end.pss_kib,
        }
    }
}

/// The whole report, as written to `soak.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SoakReport {
    /// How to run it again.
    pub command: String,
    /// The commit measured.
    pub commit: Option<String>,
    /// Seconds of load asked for.
    pub load_secs: f64,
    /// Seconds until the last session finished.
    pub total_secs: f64,
    /// The load's settings (`wsload soak` flags).
    pub settings: BTreeMap<String, String>,
    /// The relay's process disappeared during the run.
    pub relay_died: bool,
    /// The relay's memory.
    pub memory: Memory,
    /// What the load did.
    pub counts: Counts,
    /// Why the soak failed; empty when it passed.
    pub failures: Vec<String>,
    /// Memory readings, about one a second.
    pub samples: Vec<Sample>,
}

impl SoakReport {
    /// Puts the report together and decides the verdict.
    pub fn new(args: &SoakArgs, total_secs: f64, samples: Samples, counts: Counts) -> Self {
        let mut failures = Vec::new();
        if samples.relay_died {
            failures.push("the relay died".to_owned());
        }
        if counts.hashes.mismatched > 0 {
            failures.push(format!("{} SHA-256 mismatch(es)", counts.hashes.mismatched));
        }
        if counts.hashes.matched == 0 {
            failures.push("no session's bytes were verified".to_owned());
        }
        let errors: u64 = counts.errors.values().sum();
        if errors > 0 {
            failures.push(format!("{errors} error(s)"));
        }
        Self {
            command: args.command.clone(),
            commit: args.commit.clone(),
            load_secs: args.secs,
            total_secs,
            settings: settings(args),
            relay_died: samples.relay_died,
            memory: Memory::of(&samples.samples, args.secs),
            counts,
            failures,
            samples: samples.samples,
        }
    }

    /// No failures.
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }

    /// Writes `soak.md`, `soak.json` and `soak.svg` into `dir`.
    pub fn write(&self, dir: &Path) -> anyhow::Result<()> {
        fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let files = [
            ("soak.md", self.markdown()),
            ("soak.json", serde_json::to_string_pretty(self)? + "\n"),
            ("soak.svg", svg::render(self)),
        ];
        for (name, text) in files {
            let path = dir.join(name);
            fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
        }
        Ok(())
    }

    /// The report as Markdown.
    pub fn markdown(&self) -> String {
        let mut md = String::new();
        let verdict = if self.passed() {
            "passed".to_owned()
        } else {
            format!("FAILED: {}", self.failures.join("; "))
        };
        let _ = writeln!(md, "# Soak: {verdict}\n");
        let _ = writeln!(
            md,
            "`{}` · commit {} · {} s of load, {} s until the last session ended\n",
            self.command,
            self.commit.as_deref().unwrap_or("unknown"),
            number(self.load_secs),
            number(self.total_secs)
        );
        let m = &self.memory;
        let [start, max, end, after, slope] = m.rss_mib_texts();
        let pss = |kib: Option<u64>| kib.map_or("n/a".into(), |k| number(mib(k)));
        let _ = writeln!(md, "## Relay memory (MiB)\n");
        let _ = writeln!(
            md,
            "| | start | max | end of load | after the drain | slope over the load's second half |"
        );
        let _ = writeln!(md, "| --- | ---: | ---: | ---: | ---: | ---: |");
        let _ = writeln!(
            md,
            "| RSS | {} | {} | {} | {} | {} MiB/min |",
            start, max, end, after, slope
        );
        let _ = writeln!(
            md,
            "| PSS | {} | {} | {} | | |\n",
            pss(m.pss_start_kib),
            pss(m.pss_max_kib),
            pss(m.pss_end_kib)
        );
        let _ = writeln!(md, "![relay memory](soak.svg)\n");
        let c = &self.counts;
        let _ = writeln!(md, "## Bytes verified (SHA-256, sent vs echoed)\n");
        let _ = writeln!(
            md,
            "{} session(s) matched, {} mismatched; {} MiB verified.\n",
            c.hashes.matched,
            c.hashes.mismatched,
            number(c.hashes.bytes_verified as f64 / (1u64 << 20) as f64)
        );
        table(&mut md, "Sessions completed, by load", &c.completed);
        table(&mut md, "Errors, by kind", &c.errors);
        table(&mut md, "Dropped as expected, by kind", &c.expected_drops);
        let _ = writeln!(md, "## Sessions by how they ended\n");
        let _ = writeln!(md, "| load | ended | sessions |\n| --- | --- | ---: |");
        for (load, by_code) in &c.closes {
            for (code, n) in by_code {
                let _ = writeln!(md, "| {load} | {code} | {n} |");
            }
        }
        md.push('\n');
        table(&mut md, "Other counts", &c.amounts);
        if !c.first_errors.is_empty() {
            let _ = writeln!(md, "## First errors\n");
            for err in &c.first_errors {
                let _ = writeln!(md, "- {}", err.replace('|', "\\|"));
            }
            md.push('\n');
        }
        let _ = writeln!(md, "## Load settings\n");
        for (name, value) in &self.settings {
            let _ = writeln!(md, "- `{name}`: {value}");
        }
        md
    }
}

/// The load's settings by flag name.
fn settings(args: &SoakArgs) -> BTreeMap<String, String> {
    let pairs = [
        ("churn-workers", args.churn_workers.to_string()),
        ("churn-per-s", args.churn_per_s.to_string()),
        ("bulk-sessions", args.bulk_sessions.to_string()),
        ("bulk-kib", args.bulk_kib.to_string()),
        ("bulk-kib-per-s", args.bulk_kib_per_s.to_string()),
        ("idle-sessions", args.idle_sessions.to_string()),
        ("slow-readers", args.slow_readers.to_string()),
        ("slow-kib", args.slow_kib.to_string()),
        ("slow-read-kib-per-s", args.slow_read_kib_per_s.to_string()),
        ("ping-floods", args.ping_floods.to_string()),
        ("pings-per-s", args.pings_per_s.to_string()),
        ("taps", args.taps.to_string()),
        ("tapped-sessions", args.tapped_sessions.to_string()),
        ("tap-hold-secs", args.tap_hold_secs.to_string()),
        ("fault-sessions", args.fault_sessions.to_string()),
        ("sample-ms", args.sample_ms.to_string()),
    ];
    pairs
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value))
        .collect()
}

/// A two-column table, or "none".
fn table(md: &mut String, title: &str, rows: &BTreeMap<String, u64>) {
    let _ = writeln!(md, "## {title}\n");
    if rows.is_empty() {
        let _ = writeln!(md, "none\n");
        return;
    }
    let _ = writeln!(md, "| kind | count |\n| --- | ---: |");
    for (kind, n) in rows {
        let _ = writeln!(md, "| {kind} | {n} |");
    }
    md.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(secs: f64, rss_kib: u64) -> Sample {
        Sample {
            secs,
            rss_kib,
            pss_kib: None,
            open_sessions: 0,
        }
    }

    #[test]
    fn memory_during_the_load_and_after_the_drain() {
        // 1 MiB a minute for 10 minutes of load, then the drain frees 5 MiB.
        let mut samples: Vec<Sample> = (0..=10)
            .map(|min| sample(min as f64 * 60.0, 10_240 + min * 1024))
            .collect();
        samples.push(sample(700.0, 15_360));
        let m = Memory::of(&samples, 600.0);
        assert_eq!(
            (m.start_kib, m.max_kib, m.end_kib),
            (10_240, 20_480, 20_480)
        );
        assert_eq!(m.after_kib, 15_360);
        let slope = m.slope_mib_per_min_last_half.unwrap();
        assert!((slope - 1.0).abs() < 1e-9, "{slope}");
        assert_eq!(Memory::of(&[], 600.0), Memory::default());
    }
}
