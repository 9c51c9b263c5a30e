//! The report as Markdown tables.

use std::fmt::Write;

use super::{ratio_key, Report, Row, CONTENDERS, HOP, HOP_CONTENDERS, LIMIT, OURS, REFERENCES};

/// A measured value with as many digits as its size deserves.
pub fn number(value: f64) -> String {
    let abs = value.abs();
    if abs >= 100.0 || value.fract() == 0.0 {
        format!("{value:.0}")
    } else if abs >= 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.2}")
    }
}

/// A ratio of ours to theirs, e.g. `0.63×`.
pub fn ratio(value: Option<f64>) -> String {
    value.map_or("—".into(), |v| format!("{v:.2}×"))
}

/// A table line's first cells, the row's name, then a cell per contender
/// named (its value, or — when not measured).
fn row_start(row: &Row, contenders: &[&str]) -> String {
    let mut line = format!(
        "| {} | {} {} |",
        row.scenario,
        row.label,
        if row.higher_is_better { "↑" } else { "↓" }
    );
    for contender in contenders {
        let cell = row
            .values
            .get(*contender)
            .map_or("—".into(), |v| number(*v));
        let _ = write!(line, " {cell} |");
    }
    line
}

/// The results table's line for one row.
pub fn row_line(row: &Row) -> String {
    let mut line = row_start(row, &CONTENDERS);
    for other in CONTENDERS.iter().filter(|c| **c != OURS) {
        let _ = write!(
            line,
            " {} |",
            ratio(row.ratios.get(&ratio_key(other)).copied())
        );
    }
    line
}

/// The reference servers' table, when any was measured.
fn references(report: &Report) -> String {
    let measured = |row: &&Row| REFERENCES.iter().any(|r| row.values.contains_key(*r));
    let rows: Vec<&Row> = report.rows.iter().filter(measured).collect();
    if rows.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "\n## Reference servers\n\nNot products: `wsload` servers in front of the same echo \
         service. `tcp-proxy` forwards plain TCP (the client speaks raw TCP to it), so it shows \
         what the second hop alone costs. `tung-bridge` and `fws-bridge` are the same minimal \
         WebSocket-to-TCP bridge (no checks, limits, metrics or logs) on tokio-tungstenite (the \
         library under our relay, one task per session like ours) and on fastwebsockets (each \
         direction its own task). `tcp-proxy ÷ direct-tcp` is the hop's own ratio to the \
         limit; the `ours/…` columns are our relay ÷ each reference.\n\n",
    );
    out.push_str("| scenario | metric |");
    for reference in REFERENCES {
        let _ = write!(out, " {reference} |");
    }
    let _ = write!(out, " {HOP} ÷ {LIMIT} |");
    for reference in REFERENCES {
        let _ = write!(out, " ours/{reference} |");
    }
    out.push_str("\n|---|---|");
    out.push_str(&"---:|".repeat(2 * REFERENCES.len() + 1));
    out.push('\n');
    for row in rows {
        out.push_str(&row_start(row, &REFERENCES));
        let hop = match (row.values.get(HOP), row.values.get(LIMIT)) {
            (Some(hop), Some(limit)) if *limit != 0.0 => Some(hop / limit),
            _ => None,
        };
        let _ = write!(out, " {} |", ratio(hop));
        for reference in REFERENCES {
            let ours = row.ratios.get(&ratio_key(reference)).copied();
            let _ = write!(out, " {} |", ratio(ours));
        }
        out.push('\n');
    }
    out
}

/// Ours against the hop and websocat: each rate with the server's CPU per
/// operation beside it.
fn against_the_hop(report: &Report) -> String {
    let mut out = String::from(
        "\n## Against the hop\n\n`tcp-proxy` is a plain TCP forwarder: what any relay's second \
         connection costs, so the most a relay can reach here. CPU per operation is the server's \
         user + system time over the measured window divided by the operations in it; it is more \
         robust to a busy machine than the rates. PSS ÷ sessions is the server's whole PSS with \
         every session open, its baseline included.\n\n| scenario | metric |",
    );
    for contender in HOP_CONTENDERS {
        let _ = write!(out, " {contender} |");
    }
    out.push_str(" ours/hop | ours/websocat |\n|---|---|");
    out.push_str(&"---:|".repeat(HOP_CONTENDERS.len() + 2));
    out.push('\n');
    for row in &report.hop_rows {
        out.push_str(&row_start(row, &HOP_CONTENDERS));
        for other in [HOP, "websocat"] {
            let _ = write!(
                out,
                " {} |",
                ratio(row.ratios.get(&ratio_key(other)).copied())
            );
        }
        out.push('\n');
    }
    out
}

/// The whole report.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let m = &report.machine;
    let _ = writeln!(out, "# Relay benchmark\n");
    let _ = writeln!(
        out,
        "- machine: {} × {}, Linux {}, {} GiB RAM; load average {} (1/5/15 min, at the end): \
         shared with other work, expect noise",
        m.nproc, m.cpu, m.kernel, m.memory_gib, m.load_average
    );
    let _ = writeln!(out, "- reproduce: `{}`", report.command);
    if let Some(commit) = &report.commit {
        let _ = writeln!(out, "- commit: `{commit}`");
    }
    let _ = write!(
        out,
        "- {} interleaved round(s) (every scenario runs each contender in turn, the \
         starting contender rotating per round); values are medians across rounds, errors are totals",
        report.rounds
    );
    match report.runtime_secs {
        Some(secs) => {
            let _ = writeln!(out, "; measuring took {secs:.0} s\n");
        }
        None => out.push_str("\n\n"),
    }

    out.push_str("## Results\n\n");
    out.push_str("`relay` is ours; `direct-tcp` is the same client on raw TCP to the echo service (the limit). ");
    out.push_str("↑ more is better, ↓ less is better. Ratios are ours ÷ theirs.\n\n");
    out.push_str("| scenario | metric |");
    for contender in CONTENDERS {
        let _ = write!(out, " {contender} |");
    }
    for other in CONTENDERS.iter().filter(|c| **c != OURS) {
        let _ = write!(out, " ours/{other} |");
    }
    out.push_str("\n|---|---|");
    out.push_str(&"---:|".repeat(2 * CONTENDERS.len() - 1));
    out.push('\n');
    for row in &report.rows {
        out.push_str(&row_line(row));
        out.push('\n');
    }

    out.push_str(&against_the_hop(report));
    out.push_str(&references(report));
    out.push_str(&super::webtransport::render(report));

    out.push_str("\n## Targets (reported, never asserted)\n\n");
    let _ = writeln!(
        out,
        "Ratios of ours to `{HOP}` (the hop: a plain TCP forwarder, the bound for any relay) or \
         to websocat, from the medians above; our value in brackets.\n"
    );
    out.push_str("| target | measured | met | the hop and websocat |\n|---|---|---|---|\n");
    for t in &report.targets {
        let met = match t.met {
            Some(true) => "yes",
            Some(false) => "**no**",
            None => "n/a",
        };
        let hop = t.hop.as_deref().unwrap_or("—");
        let _ = writeln!(out, "| {} | {} | {met} | {hop} |", t.goal, t.measured);
    }

    out.push_str("\n## CPU during the measured window (median, % of one core)\n\n");
    out.push_str("| scenario | contender | client | server | echo | client saturated? |\n|---|---|---:|---:|---:|---|\n");
    let pct = |v: Option<f64>| v.map_or("—".into(), |v| format!("{v:.0}%"));
    for c in &report.cpu {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            c.scenario,
            c.contender,
            pct(c.client_pct),
            pct(c.server_pct),
            pct(c.echo_pct),
            if c.client_saturated {
                "**yes: this number may be the client's limit**"
            } else {
                "no"
            }
        );
    }

    if let Some(page) = &report.page {
        let _ = writeln!(
            out,
            "\n## Page size\n\n{} bytes gzipped (`gzip -9`) in total.\n\n| file | bytes | gzipped |\n|---|---:|---:|",
            page.gzip_total_bytes
        );
        for f in &page.files {
            let _ = writeln!(out, "| {} | {} | {} |", f.name, f.bytes, f.gzip_bytes);
        }
    }
    if let Some(frames) = &report.page_frames {
        out.push_str(&super::page_frames::render(frames));
    }
    if !report.notes.is_empty() || !report.failures.is_empty() {
        out.push_str("\n## Notes\n\n");
        for note in &report.notes {
            let _ = writeln!(out, "- {note}");
        }
        for failure in &report.failures {
            let _ = writeln!(out, "- failed: {failure}");
        }
    }
    out
}
