//! The relay's memory over the soak as a hand-written SVG line plot: RSS
//! solid, PSS dashed, time in minutes across.

use std::fmt::Write;

use super::{report::SoakReport, sampler::Sample};
use crate::report::{markdown::number, svg::escape};

const WIDTH: f64 = 760.0;
const HEIGHT: f64 = 320.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 40.0;
const BOTTOM: f64 = 40.0;
const TICKS: usize = 5;

/// The plot.
pub fn render(report: &SoakReport) -> String {
    let samples = &report.samples;
    let max_secs = samples.last().map_or(1.0, |s| s.secs).max(1.0);
    let max_mib = samples
        .iter()
        .map(|s| mib(s.rss_kib.max(s.pss_kib.unwrap_or(0))))
        .fold(1.0, f64::max)
        * 1.1;
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let x = |secs: f64| LEFT + plot_w * secs / max_secs;
    let y = |mib: f64| TOP + plot_h * (1.0 - mib / max_mib);

    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" font-family="sans-serif" font-size="11">"#
    );
    let [start, max, end, after, slope] = report.memory.rss_mib_texts();
    let _ = writeln!(
        svg,
        r#"<rect width="100%" height="100%" fill="white"/><text x="8" y="18" font-size="14" font-weight="bold">{}</text>"#,
        escape(&format!(
            "Relay memory: RSS {start} → max {max} → {end} MiB at the end of load ({after} after), second half {slope} MiB/min"
        ))
    );
    for i in 0..=TICKS {
        let value = max_mib * i as f64 / TICKS as f64;
        let secs = max_secs * i as f64 / TICKS as f64;
        let _ = writeln!(
            svg,
            r##"<line x1="{LEFT}" x2="{:.1}" y1="{:.1}" y2="{:.1}" stroke="#e0e0e0"/><text x="{:.1}" y="{:.1}" text-anchor="end">{} MiB</text><text x="{:.1}" y="{:.1}" text-anchor="middle">{} min</text>"##,
            WIDTH - RIGHT,
            y(value),
            y(value),
            LEFT - 4.0,
            y(value) + 4.0,
            number(value),
            x(secs),
            HEIGHT - BOTTOM + 16.0,
            number(secs / 60.0)
        );
    }
    if report.load_secs < max_secs {
        let at = x(report.load_secs);
        let _ = writeln!(
            svg,
            r##"<line x1="{at:.1}" x2="{at:.1}" y1="{TOP}" y2="{:.1}" stroke="#888888" stroke-dasharray="2 2"/><text x="{:.1}" y="{:.1}" fill="#888888">load ends</text>"##,
            HEIGHT - BOTTOM,
            at + 4.0,
            TOP + 12.0
        );
    }
    let line = |points: Vec<(f64, f64)>, style: &str| {
        let path: Vec<String> = points
            .iter()
            .map(|(secs, mib)| format!("{:.1},{:.1}", x(*secs), y(*mib)))
            .collect();
        format!(
            r#"<polyline fill="none" stroke-width="1.5" {style} points="{}"/>"#,
            path.join(" ")
        )
    };
    let rss = samples.iter().map(|s| (s.secs, mib(s.rss_kib))).collect();
    let pss: Vec<(f64, f64)> = samples
        .iter()
        .filter_map(|s: &Sample| Some((s.secs, mib(s.pss_kib?))))
        .collect();
    let _ = writeln!(svg, "{}", line(rss, r##"stroke="#d9480f""##));
    if !pss.is_empty() {
        let _ = writeln!(
            svg,
            "{}",
            line(pss, r##"stroke="#1c7ed6" stroke-dasharray="4 3""##)
        );
    }
    let _ = writeln!(
        svg,
        r##"<text x="{LEFT}" y="{:.1}" fill="#d9480f">— RSS</text><text x="{:.1}" y="{:.1}" fill="#1c7ed6">- - PSS</text>"##,
        TOP - 6.0,
        LEFT + 60.0,
        TOP - 6.0
    );
    svg.push_str("</svg>\n");
    svg
}

/// KiB to MiB.
pub fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}
