//! The report's "Page under load" section: frame times of the playground
//! page in headless Chromium, measured by `wsload page`.

use std::fmt::Write;

use super::markdown::number;
use crate::page::{cpu::WindowCpu, PageRecord, Window};

/// The section, Markdown.
pub fn render(page: &PageRecord) -> String {
    let mut out = String::from("\n## Page under load (headless Chromium)\n\n");
    let _ = writeln!(
        out,
        "The built page, served by this relay, with its wire tap on, connected to a TCP service \
         that sends 32-byte lines through the relay. Filled first to {} entries (took {:.0} s): \
         the log then counted {}, the frame inspector {} rows, the side-by-side timeline {} rows. \
         Then a window without traffic and one with {} lines/s offered; frame times are the gaps \
         between `requestAnimationFrame` callbacks, long tasks from `PerformanceObserver` \
         (window {}×{} CSS px).\n",
        page.entries_wanted,
        page.fill_secs,
        page.filled.log,
        page.filled.frames,
        page.filled.timeline,
        page.rate_wanted,
        page.viewport.0,
        page.viewport.1,
    );
    out.push_str(
        "| window | s | lines/s offered | messages/s shown | frame rows/s | frames | \
         p50 ms | p95 ms | p99 ms | max ms | dropped | long tasks (ms) | log / frames / timeline after |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n",
    );
    for (name, window) in [("idle", &page.idle), ("load", &page.load)] {
        out.push_str(&window_line(name, window));
    }
    let _ = writeln!(
        out,
        "\nAfter the load window the page needed {} to show everything sent (its backlog).",
        page.catch_up_secs
            .map_or("more than two minutes".into(), |s| format!("{s:.1} s"))
    );
    out.push_str(&cpu_section(page));
    out
}

/// CPU use during the windows, and whether it bound the frames.
fn cpu_section(page: &PageRecord) -> String {
    let windows: Vec<(&str, &WindowCpu)> = [("idle", &page.idle), ("load", &page.load)]
        .into_iter()
        .filter_map(|(name, w)| Some((name, w.cpu.as_ref()?)))
        .collect();
    let Some((_, first)) = windows.first() else {
        return String::new();
    };
    let mut out = format!(
        "\nCPU use during each window, % of one core (the machine has {} cores: {:.0}%), from \
         `/proc` (utime+stime of every process before and after; Chromium is ChromeDriver and \
         every process below it; the machine column is `/proc/stat`, every process, this \
         benchmark's or not):\n\n",
        first.cores,
        first.capacity_pct()
    );
    out.push_str(
        "| window | Chromium (all) | renderer | GPU process | network service | browser process | \
         relay | flood service | wsload other | these together | machine |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for (name, c) in &windows {
        let _ = writeln!(
            out,
            "| {name} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            number(c.chromium_pct),
            number(c.renderer_pct),
            number(c.gpu_pct),
            number(c.network_pct),
            number(c.browser_pct),
            number(c.relay_pct),
            number(c.flood_pct),
            number(c.wsload_other_pct),
            number(c.ours_pct()),
            number(c.machine_pct),
        );
    }
    if let Some(load) = &page.load.cpu {
        let _ = writeln!(out, "\nUnder load, {}.", load.verdict());
    }
    out
}

fn window_line(name: &str, w: &Window) -> String {
    let (frames, p50, p95, p99, max, dropped) = match &w.frames {
        Some(f) => (
            f.frames.to_string(),
            number(f.p50_ms),
            number(f.p95_ms),
            number(f.p99_ms),
            number(f.max_ms),
            format!("{:.1}%", f.dropped_share * 100.0),
        ),
        None => (
            "0".into(),
            "—".into(),
            "—".into(),
            "—".into(),
            "—".into(),
            "—".into(),
        ),
    };
    format!(
        "| {name} | {:.1} | {} | {} | {} | {frames} | {p50} | {p95} | {p99} | {max} | {dropped} | {} ({}) | {} / {} / {} |\n",
        w.secs,
        number(w.offered_lines_per_s),
        number(w.messages_per_s),
        number(w.frame_rows_per_s),
        w.long_tasks,
        number(w.long_task_ms),
        w.counts_after.log,
        w.counts_after.frames,
        w.counts_after.timeline,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::page::{frames::FrameStats, Counts};

    fn window(frames: Option<FrameStats>, cpu: Option<WindowCpu>) -> Window {
        Window {
            secs: 10.0,
            offered_lines_per_s: 9_990.0,
            messages_per_s: 4_200.0,
            frame_rows_per_s: 4_100.0,
            frames,
            long_tasks: 3,
            long_task_ms: 180.0,
            counts_after: Counts {
                log: 142_000,
                frames: 141_000,
                timeline: 283_000,
            },
            cpu,
        }
    }

    fn cpu(renderer_pct: f64, machine_pct: f64) -> WindowCpu {
        WindowCpu {
            cores: 2,
            chromium_pct: renderer_pct + 30.0,
            renderer_pct,
            gpu_pct: 20.0,
            browser_pct: 10.0,
            network_pct: 15.0,
            relay_pct: 25.0,
            flood_pct: 4.0,
            wsload_other_pct: 0.25,
            machine_pct,
        }
    }

    #[test]
    fn the_section_shows_both_windows_and_the_backlog() {
        let page = PageRecord {
            entries_wanted: 100_000,
            rate_wanted: 10_000,
            viewport: (1280, 1600),
            fill_secs: 31.0,
            filled: Counts {
                log: 100_010,
                frames: 100_012,
                timeline: 200_020,
            },
            idle: window(
                Some(FrameStats {
                    frames: 180,
                    p50_ms: 16.7,
                    p95_ms: 16.9,
                    p99_ms: 17.2,
                    max_ms: 33.4,
                    dropped_share: 0.005,
                }),
                Some(cpu(3.0, 40.0)),
            ),
            load: window(None, Some(cpu(97.0, 185.0))),
            catch_up_secs: Some(2.5),
        };
        let md = render(&page);
        assert!(md.contains("Filled first to 100000 entries"), "{md}");
        assert!(md.contains("| idle | 10.0 | 9990 | 4200 | 4100 | 180 | 16.7 | 16.9 | 17.2 | 33.4 | 0.5% | 3 (180) | 142000 / 141000 / 283000 |"), "{md}");
        assert!(
            md.contains("| load | 10.0 | 9990 | 4200 | 4100 | 0 | — | — | — | — | — |"),
            "{md}"
        );
        assert!(md.contains("needed 2.5 s"), "{md}");
        assert!(md.contains("the machine has 2 cores: 200%"), "{md}");
        assert!(
            md.contains("| load | 127 | 97 | 20 | 15 | 10 | 25 | 4 | 0.25 | 156 | 185 |"),
            "{md}"
        );
        assert!(
            md.contains("Under load, the machine was 185% busy of 200%: frames were bound by the machine's CPU."),
            "{md}"
        );
        let json = serde_json::to_value(&page).unwrap();
        let back: PageRecord = serde_json::from_value(json).unwrap();
        assert_eq!(back, page);
    }

    #[test]
    fn records_without_cpu_still_read_and_show_no_cpu_section() {
        // A window as `wsload page` wrote it before it measured CPU.
        let old_window = r#"{"secs":10.4,"offered_lines_per_s":9998.5,"messages_per_s":7496.0,
            "frame_rows_per_s":7490.0,"frames":null,"long_tasks":2,"long_task_ms":120.0,
            "counts_after":{"log":1,"frames":1,"timeline":2}}"#;
        let old = format!(
            r#"{{"entries_wanted":100000,"rate_wanted":10000,"viewport":[1280,1600],
            "fill_secs":15.8,"filled":{{"log":1,"frames":1,"timeline":2}},
            "idle":{old_window},"load":{old_window},"catch_up_secs":null}}"#
        );
        let page: PageRecord = serde_json::from_str(&old).unwrap();
        assert_eq!(page.load.cpu, None);
        let md = render(&page);
        assert!(md.contains("| load |"), "{md}");
        assert!(!md.contains("CPU use during"), "{md}");
    }
}
