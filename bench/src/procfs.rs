//! CPU time and resident memory of processes, from `/proc`.
//!
//! A server is measured together with its descendants, so websockify (one
//! forked process per session) is counted whole.

use std::{collections::HashMap, fs, time::Duration, time::Instant};

/// `/proc/<pid>/stat` counts CPU time in USER_HZ ticks, 100 per second on
/// every Linux ABI in use.
const TICKS_PER_SEC: f64 = 100.0;

/// Fields of `/proc/<pid>/stat` after the command name, which may hold spaces.
fn stat_fields(pid: &str) -> Option<Vec<u64>> {
    let text = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    parse_stat(&text)
}

/// Parses a stat line into the numeric fields from `ppid` (field 4) on; the
/// state letter (field 3) is dropped.
fn parse_stat(text: &str) -> Option<Vec<u64>> {
    let rest = &text[text.rfind(')')? + 1..];
    Some(
        rest.split_whitespace()
            .skip(1)
            .map(|field| field.parse().unwrap_or(0))
            .collect(),
    )
}

// Indexes into `parse_stat`'s output: field number minus 4.
const PPID: usize = 0;
const UTIME: usize = 10;
const CSTIME: usize = 13;

/// User + system time of `pid` and of its reaped children (utime, stime,
/// cutime, cstime).
fn own_cpu(pid: &str) -> Option<Duration> {
    let fields = stat_fields(pid)?;
    let ticks: u64 = fields.get(UTIME..=CSTIME)?.iter().sum();
    Some(Duration::from_secs_f64(ticks as f64 / TICKS_PER_SEC))
}

/// `pid` and every live process below it.
pub fn family(pid: u32) -> Vec<u32> {
    let mut children: HashMap<u32, Vec<u32>> = HashMap::new();
    if let Ok(entries) = fs::read_dir("/proc") {
        for entry in entries.flatten() {
            let Some(child) = entry
                .file_name()
                .to_str()
                .and_then(|n| n.parse::<u32>().ok())
            else {
                continue;
            };
            if let Some(parent) = stat_fields(&child.to_string()).and_then(|f| f.get(PPID).copied())
            {
                children.entry(parent as u32).or_default().push(child);
            }
        }
    }
    let mut out = vec![pid];
    let mut next = 0;
    while next < out.len() {
        out.extend(children.get(&out[next]).into_iter().flatten());
        next += 1;
    }
    out
}

/// CPU time used so far by `pid` and its descendants (reaped ones included).
pub fn cpu_time(pid: u32) -> Option<Duration> {
    let mut total = own_cpu(&pid.to_string())?;
    for member in family(pid).into_iter().skip(1) {
        total += own_cpu(&member.to_string()).unwrap_or_default();
    }
    Some(total)
}

/// CPU time used so far by this process, to the nanosecond: the sum of its
/// threads' `schedstat` (ticks would round a sub-second run to nothing).
pub fn self_cpu_time() -> Option<Duration> {
    let mut total = Duration::ZERO;
    for task in fs::read_dir("/proc/self/task").ok()?.flatten() {
        // A thread may exit between the listing and the read: skip it.
        let Ok(schedstat) = fs::read_to_string(task.path().join("schedstat")) else {
            continue;
        };
        let Some(on_cpu_ns) = schedstat
            .split_whitespace()
            .next()
            .and_then(|n| n.parse::<u64>().ok())
        else {
            continue;
        };
        total += Duration::from_nanos(on_cpu_ns);
    }
    Some(total)
}

/// Resident memory of `pid` and its descendants, in KiB (`VmRSS`, summed; for
/// forked children this counts shared pages once per process).
pub fn rss_kib(pid: u32) -> Option<u64> {
    let mut total = None;
    for member in family(pid) {
        let Ok(status) = fs::read_to_string(format!("/proc/{member}/status")) else {
            continue;
        };
        let kib = status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok());
        if let Some(kib) = kib {
            *total.get_or_insert(0) += kib;
        }
    }
    total
}

/// Proportional set size of `pid` alone, in KiB (`Pss:` of
/// `/proc/<pid>/smaps_rollup`, Linux 4.14 on): its private pages plus its
/// share of pages mapped by other processes too.
pub fn pss_kib(pid: u32) -> Option<u64> {
    let rollup = fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok()?;
    rollup
        .lines()
        .find_map(|line| line.strip_prefix("Pss:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// CPU use over a measured window, in percent of one core.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CpuUse {
    /// This process (the load client).
    pub client_pct: f64,
    /// The server under test and its descendants.
    pub server_pct: Option<f64>,
    /// The echo service.
    pub echo_pct: Option<f64>,
}

impl CpuUse {
    /// The server's CPU time over a window of `secs`, divided by `ops`
    /// operations, in `unit`s of a second (1e6 for µs).
    pub fn server_per_op(&self, secs: f64, ops: f64, unit: f64) -> Option<f64> {
        let pct = self.server_pct?;
        (ops > 0.0).then(|| pct / 100.0 * secs / ops * unit)
    }
}

/// Starts measuring CPU use at creation; [`CpuMeter::stop`] reads it.
pub struct CpuMeter {
    wall: Instant,
    client: Option<Duration>,
    server: Option<(u32, Duration)>,
    echo: Option<(u32, Duration)>,
}

impl CpuMeter {
    /// Takes the starting readings.
    pub fn start(server_pid: Option<u32>, echo_pid: Option<u32>) -> Self {
        let reading = |pid: Option<u32>| pid.and_then(|pid| Some((pid, cpu_time(pid)?)));
        Self {
            client: self_cpu_time(),
            server: reading(server_pid),
            echo: reading(echo_pid),
            wall: Instant::now(),
        }
    }

    /// CPU use since [`CpuMeter::start`].
    pub fn stop(&self) -> CpuUse {
        let wall = self.wall.elapsed().as_secs_f64().max(1e-9);
        let pct = |used: Duration| 100.0 * used.as_secs_f64() / wall;
        let since = |start: Option<(u32, Duration)>| {
            let (pid, before) = start?;
            Some(pct(cpu_time(pid)?.saturating_sub(before)))
        };
        CpuUse {
            client_pct: match (self.client, self_cpu_time()) {
                (Some(before), Some(after)) => pct(after.saturating_sub(before)),
                _ => f64::NAN,
            },
            server_pct: since(self.server),
            echo_pct: since(self.echo),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_line_with_spaces_in_the_name() {
        let line = "42 (my (odd) proc) S 7 42 42 0 -1 4194304 100 0 0 0 250 50 3 2 20 0 1 0";
        let fields = parse_stat(line).unwrap();
        assert_eq!(fields[PPID], 7);
        assert_eq!(fields[UTIME..=CSTIME], [250, 50, 3, 2]);
    }

    #[test]
    fn cpu_per_operation() {
        let cpu = CpuUse {
            server_pct: Some(50.0),
            ..CpuUse::default()
        };
        // Half a core for 2 s is 1 s of CPU; over 1,000 operations, 1,000 µs each.
        assert_eq!(cpu.server_per_op(2.0, 1_000.0, 1e6), Some(1_000.0));
        assert_eq!(cpu.server_per_op(2.0, 0.0, 1e6), None);
        assert_eq!(CpuUse::default().server_per_op(2.0, 1.0, 1e6), None);
    }

    #[test]
    fn this_process_is_measured() {
        assert!(self_cpu_time().is_some());
        assert!(rss_kib(std::process::id()).unwrap() > 0);
        assert!(pss_kib(std::process::id()).unwrap() > 0);
        assert_eq!(family(std::process::id())[0], std::process::id());
    }
}
