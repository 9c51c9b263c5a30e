//! The results as a hand-written SVG bar chart: one group per metric, one bar
//! per contender, each group scaled to its own largest value.

use std::fmt::Write;

use super::{markdown::number, Report, CONTENDERS};

const WIDTH: f64 = 760.0;
const LABEL_WIDTH: f64 = 110.0;
const BAR_HEIGHT: f64 = 14.0;
const GROUP_GAP: f64 = 30.0;
const COLORS: [&str; 4] = ["#888888", "#d9480f", "#1c7ed6", "#2f9e44"];

/// Escapes `text` for SVG text content.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The chart.
pub fn render(report: &Report) -> String {
    let group_height = GROUP_GAP + BAR_HEIGHT * CONTENDERS.len() as f64;
    let height = 40.0 + group_height * report.rows.len() as f64;
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" font-family="sans-serif" font-size="11">"#
    );
    let _ = writeln!(
        svg,
        r#"<rect width="100%" height="100%" fill="white"/><text x="8" y="18" font-size="14" font-weight="bold">Relay benchmark: medians of {} round(s), {} × {}</text>"#,
        report.rounds,
        report.machine.nproc,
        escape(&report.machine.cpu)
    );
    let bar_space = WIDTH - LABEL_WIDTH - 90.0;
    for (i, row) in report.rows.iter().enumerate() {
        let top = 40.0 + group_height * i as f64;
        let arrow = if row.higher_is_better {
            "more is better"
        } else {
            "less is better"
        };
        let _ = writeln!(
            svg,
            r#"<text x="8" y="{:.1}" font-weight="bold">{} — {} ({arrow})</text>"#,
            top + 12.0,
            escape(&row.scenario),
            escape(&row.label)
        );
        let max = CONTENDERS
            .iter()
            .filter_map(|c| row.values.get(*c))
            .copied()
            .fold(0.0, f64::max);
        for (j, contender) in CONTENDERS.iter().enumerate() {
            let y = top + 16.0 + BAR_HEIGHT * j as f64;
            let _ = writeln!(
                svg,
                r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{contender}</text>"#,
                LABEL_WIDTH - 6.0,
                y + BAR_HEIGHT - 3.0
            );
            let Some(value) = row.values.get(*contender) else {
                let _ = writeln!(
                    svg,
                    r#"<text x="{LABEL_WIDTH}" y="{:.1}" fill="grey">not measured</text>"#,
                    y + BAR_HEIGHT - 3.0
                );
                continue;
            };
            let width = if max > 0.0 {
                bar_space * value / max
            } else {
                0.0
            };
            let _ = writeln!(
                svg,
                r#"<rect x="{LABEL_WIDTH}" y="{y:.1}" width="{width:.1}" height="{:.1}" fill="{}"/><text x="{:.1}" y="{:.1}">{}</text>"#,
                BAR_HEIGHT - 2.0,
                COLORS[j],
                LABEL_WIDTH + width + 4.0,
                y + BAR_HEIGHT - 3.0,
                number(*value)
            );
        }
    }
    svg.push_str("</svg>\n");
    svg
}
