//! The report's "Page under load" section: frame times of the playground
//! page in headless Chromium, measured by `wsload page`.

use std::fmt::Write;

use super::markdown::number;
use crate::page::{PageRecord, Window};

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

    fn window(frames: Option<FrameStats>) -> Window {
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
            idle: window(Some(FrameStats {
                frames: 180,
                p50_ms: 16.7,
                p95_ms: 16.9,
                p99_ms: 17.2,
                max_ms: 33.4,
                dropped_share: 0.005,
            })),
            load: window(None),
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
        let json = serde_json::to_value(&page).unwrap();
        let back: PageRecord = serde_json::from_value(json).unwrap();
        assert_eq!(back, page);
    }
}
