//! The WebTransport table: our relay's WebTransport door (`relay-wt`) next
//! to its WebSocket door, the hop and the limit, from the same interleaved
//! run.

use std::fmt::Write;

use super::{
    markdown::{number, ratio},
    Report, Row, HOP, OURS, WEBTRANSPORT, WT_CONTENDERS,
};

/// `a ÷ b` of one row, when both were measured.
fn ratio_of(row: &Row, a: &str, b: &str) -> Option<f64> {
    let (a, b) = (row.values.get(a)?, row.values.get(b)?);
    (*b != 0.0).then(|| a / b)
}

/// The section, or nothing when the WebTransport door was not measured.
pub fn render(report: &Report) -> String {
    let rows: Vec<&Row> = report
        .wt_rows
        .iter()
        .filter(|row| row.values.contains_key(WEBTRANSPORT))
        .collect();
    if rows.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "\n## WebTransport\n\n`relay-wt` is our relay's WebTransport door (HTTP/3 over QUIC: \
         encryption, loss recovery and flow control in user space, in the relay and in the \
         client) to the same echo service; `relay` is its WebSocket door (TCP in the kernel, no \
         TLS). A WebTransport session here is one QUIC connection with one stream; in \
         `streams-N` one session carries N concurrent streams (the relay allows 16 at once, the \
         rest wait for QUIC's stream credit), against N WebSocket sessions, N connections \
         through the hop and N to the echo service. Each stream opens, does 8 round trips of \
         32 bytes and closes; \"first echo\" is from asking for the stream to its first echo. \
         CPU is the server's.\n\n| scenario | metric |",
    );
    for contender in WT_CONTENDERS {
        let _ = write!(out, " {contender} |");
    }
    let _ = write!(out, " wt/ws | wt/hop |\n|---|---|");
    out.push_str(&"---:|".repeat(WT_CONTENDERS.len() + 2));
    out.push('\n');
    for row in rows {
        let _ = write!(
            out,
            "| {} | {} {} |",
            row.scenario,
            row.label,
            if row.higher_is_better { "↑" } else { "↓" }
        );
        for contender in WT_CONTENDERS {
            let cell = row.values.get(contender).map_or("—".into(), |v| number(*v));
            let _ = write!(out, " {cell} |");
        }
        let _ = writeln!(
            out,
            " {} | {} |",
            ratio(ratio_of(row, WEBTRANSPORT, OURS)),
            ratio(ratio_of(row, WEBTRANSPORT, HOP))
        );
    }
    out
}
