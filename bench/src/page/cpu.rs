//! CPU use of everything behind the page while a window is watched: Chromium
//! (ChromeDriver and every Chromium process, by kind), the relay, the flood
//! service (threads of this process), the rest of this process, and the
//! whole machine, from `/proc`. It says whether the page's frames were bound
//! by the machine's CPU.
//!
//! Over 400 lines only with its tests (the code is 300): they parse real
//! `/proc` lines and belong next to the parser.

use std::{collections::HashMap, fs, path::Path, time::Duration, time::Instant};

use serde::{Deserialize, Serialize};

use crate::procfs;

/// `/proc/<pid>/stat` counts CPU time in USER_HZ ticks, 100 per second on
/// every Linux ABI in use.
const TICKS_PER_SEC: f64 = 100.0;

/// Busier than this share of all cores, the machine counts as saturated.
const SATURATED_SHARE: f64 = 0.9;

/// A process as a thread of the renderer would see it: one core, nearly all.
const ONE_CORE_PCT: f64 = 90.0;

/// CPU use over one watched window, percent of one core (so up to
/// `cores × 100`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WindowCpu {
    /// Cores of the machine (`cpuN` lines of `/proc/stat`).
    pub cores: usize,
    /// ChromeDriver and every Chromium process together.
    pub chromium_pct: f64,
    /// Chromium's renderer processes (the page's main thread is in one).
    pub renderer_pct: f64,
    /// Chromium's GPU process (compositing; software with `--disable-gpu`).
    pub gpu_pct: f64,
    /// Chromium's browser process.
    pub browser_pct: f64,
    /// Chromium's network service (a utility process: the WebSocket's bytes
    /// pass through it).
    #[serde(default)]
    pub network_pct: f64,
    /// The relay.
    pub relay_pct: f64,
    /// The flood service (its threads in this process).
    pub flood_pct: f64,
    /// The rest of this process (WebDriver client, timers).
    pub wsload_other_pct: f64,
    /// The whole machine, every process (from `/proc/stat`).
    pub machine_pct: f64,
}

impl WindowCpu {
    /// Chromium, the relay and this process together.
    pub fn ours_pct(&self) -> f64 {
        self.chromium_pct + self.relay_pct + self.flood_pct + self.wsload_other_pct
    }

    /// All cores, percent of one.
    pub fn capacity_pct(&self) -> f64 {
        self.cores as f64 * 100.0
    }

    /// True when the machine's cores were (nearly) all busy.
    pub fn saturated(&self) -> bool {
        self.machine_pct >= SATURATED_SHARE * self.capacity_pct()
    }

    /// What the numbers say about the page's frames, one sentence.
    pub fn verdict(&self) -> String {
        let machine = format!(
            "the machine was {:.0}% busy of {:.0}%",
            self.machine_pct,
            self.capacity_pct()
        );
        if self.saturated() {
            format!("{machine}: frames were bound by the machine's CPU")
        } else if self.renderer_pct >= ONE_CORE_PCT {
            format!(
                "{machine}, but the renderer used {:.0}% of one core: frames were bound by \
                 the renderer, not by the machine",
                self.renderer_pct
            )
        } else {
            format!("{machine}: CPU to spare, frames were not bound by the machine's CPU")
        }
    }
}

/// Which kind of process of the browser's family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    Driver,
    Browser,
    Renderer,
    Gpu,
    Network,
    OtherChromium,
    Relay,
}

/// Readings at the start of a window; [`CpuMeter::stop`] takes the end.
pub struct CpuMeter {
    driver: u32,
    relay: u32,
    wall: Instant,
    procs: HashMap<u32, u64>,
    flood: Duration,
    client: Duration,
    machine: Option<MachineTicks>,
}

impl CpuMeter {
    /// Takes the starting readings of ChromeDriver (`driver`) and everything
    /// below it, and of the relay.
    pub fn start(driver: u32, relay: u32) -> Self {
        let procs = processes(driver, relay)
            .into_iter()
            .filter_map(|(pid, _)| Some((pid, ticks(pid)?)))
            .collect();
        let (flood, client) = this_process();
        Self {
            driver,
            relay,
            procs,
            flood,
            client,
            machine: machine_ticks(),
            wall: Instant::now(),
        }
    }

    /// CPU use since [`CpuMeter::start`]. Processes that started since count
    /// whole; those that ended count only if their parent reaped them.
    pub fn stop(&self) -> WindowCpu {
        let wall = self.wall.elapsed().as_secs_f64().max(1e-9);
        let (flood, client) = this_process();
        let machine = machine_ticks();
        let mut by_kind: HashMap<Kind, u64> = HashMap::new();
        for (pid, kind) in processes(self.driver, self.relay) {
            let Some(now) = ticks(pid) else { continue };
            let used = now.saturating_sub(self.procs.get(&pid).copied().unwrap_or(0));
            *by_kind.entry(kind).or_default() += used;
        }
        let pct = |ticks: u64| 100.0 * ticks as f64 / TICKS_PER_SEC / wall;
        let kind = |k| pct(by_kind.get(&k).copied().unwrap_or(0));
        let flood = flood.saturating_sub(self.flood);
        let client = client.saturating_sub(self.client);
        let cores = machine.map_or(1, |m| m.cores);
        WindowCpu {
            cores,
            chromium_pct: [
                Kind::Driver,
                Kind::Browser,
                Kind::Renderer,
                Kind::Gpu,
                Kind::Network,
                Kind::OtherChromium,
            ]
            .into_iter()
            .map(kind)
            .sum(),
            renderer_pct: kind(Kind::Renderer),
            gpu_pct: kind(Kind::Gpu),
            browser_pct: kind(Kind::Browser),
            network_pct: kind(Kind::Network),
            relay_pct: kind(Kind::Relay),
            flood_pct: 100.0 * flood.as_secs_f64() / wall,
            wsload_other_pct: 100.0 * client.saturating_sub(flood).as_secs_f64() / wall,
            machine_pct: match (self.machine, machine) {
                (Some(before), Some(after)) => after.busy_pct_since(before),
                _ => f64::NAN,
            },
        }
    }
}

/// The relay and its descendants, ChromeDriver and its, each with its kind.
fn processes(driver: u32, relay: u32) -> Vec<(u32, Kind)> {
    let chromium = procfs::family(driver).into_iter().map(|pid| {
        let kind = if pid == driver {
            Kind::Driver
        } else {
            chromium_kind(&fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default())
        };
        (pid, kind)
    });
    let relay = procfs::family(relay)
        .into_iter()
        .map(|pid| (pid, Kind::Relay));
    chromium.chain(relay).collect()
}

/// A Chromium process's kind from its command line: its `--type=` flag;
/// none is the browser process. The arguments are NUL-separated, except that
/// Chromium rewrites its children's process titles into one string with
/// spaces.
fn chromium_kind(cmdline: &[u8]) -> Kind {
    let mut args = cmdline.split(|b| *b == 0 || *b == b' ');
    let kind = args.clone().find_map(|arg| arg.strip_prefix(b"--type="));
    match kind {
        None => Kind::Browser,
        Some(b"renderer") => Kind::Renderer,
        Some(b"gpu-process") => Kind::Gpu,
        Some(b"utility")
            if args.any(|arg| arg == b"--utility-sub-type=network.mojom.NetworkService") =>
        {
            Kind::Network
        }
        Some(_) => Kind::OtherChromium,
    }
}

/// utime + stime + cutime + cstime of `pid`, ticks.
fn ticks(pid: u32) -> Option<u64> {
    stat_ticks(&fs::read_to_string(format!("/proc/{pid}/stat")).ok()?)
}

/// The four CPU time fields (14–17) of a stat line; the command name (field
/// 2) may hold spaces and parentheses.
fn stat_ticks(stat: &str) -> Option<u64> {
    let rest = &stat[stat.rfind(')')? + 1..];
    // Field 3 (the state) is the first after the name; utime is field 14.
    let fields: Vec<&str> = rest.split_whitespace().skip(11).take(4).collect();
    if fields.len() < 4 {
        return None;
    }
    fields.iter().map(|f| f.parse::<u64>().ok()).sum()
}

/// CPU time of this process's flood threads, and of the whole process, to
/// the nanosecond (`schedstat`).
fn this_process() -> (Duration, Duration) {
    let mut flood = Duration::ZERO;
    if let Ok(tasks) = fs::read_dir("/proc/self/task") {
        for task in tasks.flatten() {
            if is_flood_thread(&task.path()) {
                flood += thread_cpu(&task.path()).unwrap_or_default();
            }
        }
    }
    (flood, procfs::self_cpu_time().unwrap_or_default())
}

/// The flood service's threads are named `flood-…` (flood.rs).
fn is_flood_thread(task: &Path) -> bool {
    fs::read_to_string(task.join("comm")).is_ok_and(|name| name.starts_with("flood-"))
}

fn thread_cpu(task: &Path) -> Option<Duration> {
    let schedstat = fs::read_to_string(task.join("schedstat")).ok()?;
    let ns = schedstat.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(ns))
}

/// The machine's CPU time from the first line of `/proc/stat`, ticks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct MachineTicks {
    busy: u64,
    all: u64,
    cores: usize,
}

impl MachineTicks {
    /// Busy share since `before`, percent of one core.
    fn busy_pct_since(self, before: Self) -> f64 {
        let all = self.all.saturating_sub(before.all).max(1);
        let busy = self.busy.saturating_sub(before.busy);
        100.0 * self.cores as f64 * busy as f64 / all as f64
    }
}

fn machine_ticks() -> Option<MachineTicks> {
    parse_proc_stat(&fs::read_to_string("/proc/stat").ok()?)
}

/// `cpu  user nice system idle iowait irq softirq steal …`: idle and iowait
/// are not busy; guest time is already in user.
fn parse_proc_stat(text: &str) -> Option<MachineTicks> {
    let mut lines = text.lines();
    let total = lines.next()?.strip_prefix("cpu ")?;
    let fields: Vec<u64> = total
        .split_whitespace()
        .take(8)
        .map(|f| f.parse().ok())
        .collect::<Option<_>>()?;
    let [user, nice, system, idle, iowait, irq, softirq, steal] = fields[..] else {
        return None;
    };
    let busy = user + nice + system + irq + softirq + steal;
    let cores = lines
        .filter(|l| l.starts_with("cpu") && l.as_bytes().get(3).is_some_and(u8::is_ascii_digit))
        .count();
    Some(MachineTicks {
        busy,
        all: busy + idle + iowait,
        cores: cores.max(1),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_lines_give_the_four_cpu_fields() {
        let line = "42 (my (odd) proc) S 7 42 42 0 -1 4194304 100 0 0 0 250 50 3 2 20 0 1 0";
        assert_eq!(stat_ticks(line), Some(305));
        assert_eq!(stat_ticks("42 (short) S 7 42"), None);
    }

    #[test]
    fn chromium_processes_by_kind() {
        assert_eq!(
            chromium_kind(b"/usr/lib/chromium/chromium\0--headless\0"),
            Kind::Browser
        );
        assert_eq!(
            chromium_kind(b"/usr/lib/chromium/chromium\0--type=renderer\0--lang=en\0"),
            Kind::Renderer
        );
        assert_eq!(chromium_kind(b"chromium\0--type=gpu-process\0"), Kind::Gpu);
        // A child's title as Chromium rewrites it: one string, spaces.
        assert_eq!(
            chromium_kind(b"/usr/lib/chromium/chromium --type=renderer --no-sandbox\0\0\0"),
            Kind::Renderer
        );
        assert_eq!(
            chromium_kind(
                b"chromium\0--type=utility\0--utility-sub-type=network.mojom.NetworkService\0"
            ),
            Kind::Network
        );
        assert_eq!(
            chromium_kind(
                b"chromium --type=utility --utility-sub-type=storage.mojom.StorageService"
            ),
            Kind::OtherChromium
        );
    }

    #[test]
    fn the_machine_from_proc_stat() {
        let before = parse_proc_stat(
            "cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 50 0 25 400 25 0 0 0 0 0\ncpu1 50 0 25 400 25 0 0 0 0 0\nintr 1\n",
        )
        .unwrap();
        assert_eq!(
            before,
            MachineTicks {
                busy: 150,
                all: 1000,
                cores: 2
            }
        );
        // 150 of the next 200 ticks busy: 75% of 2 cores.
        let after = MachineTicks {
            busy: 300,
            all: 1200,
            cores: 2,
        };
        assert_eq!(after.busy_pct_since(before), 150.0);
        assert_eq!(parse_proc_stat("intr 1\n"), None);
    }

    #[test]
    fn this_process_and_its_flood_threads_are_measured() {
        let flood = crate::page::flood::Flood::start().unwrap();
        let meter = CpuMeter::start(std::process::id(), std::process::id());
        // Some CPU of our own to see.
        let end = Instant::now() + Duration::from_millis(300);
        let mut spin = 0u64;
        while Instant::now() < end {
            spin = spin.wrapping_add(1);
        }
        assert!(spin > 0);
        let cpu = meter.stop();
        assert!(cpu.cores >= 1);
        assert!(cpu.machine_pct > 0.0, "{cpu:?}");
        assert!(cpu.wsload_other_pct > 10.0, "{cpu:?}");
        assert!(cpu.flood_pct < 30.0, "a paused flood is idle: {cpu:?}");
        drop(flood);
    }

    fn cpu(machine_pct: f64, renderer_pct: f64) -> WindowCpu {
        WindowCpu {
            cores: 2,
            chromium_pct: renderer_pct + 20.0,
            renderer_pct,
            gpu_pct: 10.0,
            browser_pct: 10.0,
            network_pct: 0.0,
            relay_pct: 30.0,
            flood_pct: 5.0,
            wsload_other_pct: 1.0,
            machine_pct,
        }
    }

    #[test]
    fn the_verdict_follows_the_numbers() {
        assert!(cpu(190.0, 95.0)
            .verdict()
            .contains("bound by the machine's CPU"));
        assert!(cpu(120.0, 95.0)
            .verdict()
            .contains("bound by the renderer, not by the machine"));
        assert!(cpu(100.0, 60.0).verdict().contains("CPU to spare"));
        assert_eq!(cpu(100.0, 60.0).ours_pct(), 116.0);
    }
}
