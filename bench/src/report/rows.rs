//! What the report measures: every row of the results table and of the
//! table against the hop, with the direction that counts as better.

use super::{HOP, LIMIT, OURS, WEBTRANSPORT};
use crate::record::metric;

/// One reported measurement.
#[derive(Debug, Clone, Copy)]
pub struct RowSpec {
    /// Scenario name in the records.
    pub scenario: &'static str,
    /// Metric name in the records ([`metric`]).
    pub metric: &'static str,
    /// What the table calls it.
    pub label: &'static str,
    /// Whether more is better (throughput) or worse (latency).
    pub higher_is_better: bool,
}

const fn row(
    scenario: &'static str,
    metric: &'static str,
    label: &'static str,
    higher_is_better: bool,
) -> RowSpec {
    RowSpec {
        scenario,
        metric,
        label,
        higher_is_better,
    }
}

/// Every row of the results table, in order. `errors` rows are totals over
/// all rounds; every other row is a median.
pub const ROWS: &[RowSpec] = &[
    row("throughput", metric::MIB_PER_S, "MiB/s", true),
    row("latency", metric::P50_US, "RTT p50 µs", false),
    row("latency", metric::P99_US, "RTT p99 µs", false),
    row("latency", metric::P999_US, "RTT p99.9 µs", false),
    row(
        "sessions-1000",
        metric::ROUND_TRIPS_PER_S,
        "round trips/s",
        true,
    ),
    row("sessions-1000", metric::ERRORS, "errors (total)", false),
    row(
        "sessions-1000",
        metric::RSS_PER_SESSION_KIB,
        "server RSS KiB/session",
        false,
    ),
    row(
        "sessions-10000",
        metric::SESSIONS_HELD,
        "sessions held",
        true,
    ),
    row(
        "sessions-10000",
        metric::ROUND_TRIPS_PER_S,
        "round trips/s",
        true,
    ),
    row("sessions-10000", metric::ERRORS, "errors (total)", false),
    row(
        "sessions-10000",
        metric::RSS_PER_SESSION_KIB,
        "server RSS KiB/session",
        false,
    ),
    row("handshakes", metric::HANDSHAKES_PER_S, "handshakes/s", true),
    row(
        "handshakes",
        metric::HANDSHAKE_P99_MS,
        "handshake p99 ms",
        false,
    ),
];

/// The rows of the table against the hop: every rate next to the server's
/// CPU per operation, the tail under load and the memory per session.
pub const HOP_ROWS: &[RowSpec] = &[
    row("throughput", metric::MIB_PER_S, "MiB/s", true),
    row("throughput", metric::CPU_S_PER_GIB, "CPU s/GiB", false),
    row("latency", metric::P50_US, "RTT p50 µs", false),
    row("latency", metric::P99_US, "RTT p99 µs", false),
    row(
        "sessions-1000",
        metric::ROUND_TRIPS_PER_S,
        "round trips/s",
        true,
    ),
    row(
        "sessions-1000",
        metric::CPU_US_PER_ROUND_TRIP,
        "CPU µs/round trip",
        false,
    ),
    row(
        "sessions-1000",
        metric::LOADED_P50_US,
        "RTT p50 under load µs",
        false,
    ),
    row(
        "sessions-1000",
        metric::LOADED_P99_US,
        "RTT p99 under load µs",
        false,
    ),
    row(
        "sessions-1000",
        metric::PSS_PER_SESSION_KIB,
        "PSS ÷ sessions KiB",
        false,
    ),
    row(
        "sessions-10000",
        metric::ROUND_TRIPS_PER_S,
        "round trips/s",
        true,
    ),
    row(
        "sessions-10000",
        metric::CPU_US_PER_ROUND_TRIP,
        "CPU µs/round trip",
        false,
    ),
    row(
        "sessions-10000",
        metric::PSS_PER_SESSION_KIB,
        "PSS ÷ sessions KiB",
        false,
    ),
    row("handshakes", metric::HANDSHAKES_PER_S, "handshakes/s", true),
    row(
        "handshakes",
        metric::CPU_US_PER_HANDSHAKE,
        "CPU µs/handshake",
        false,
    ),
];

/// The rows of the WebTransport table: our relay's WebTransport door next to
/// its WebSocket door, the hop and the limit, every rate with the server's
/// CPU per operation.
pub const WT_ROWS: &[RowSpec] = &[
    row("throughput", metric::MIB_PER_S, "MiB/s", true),
    row("throughput", metric::CPU_S_PER_GIB, "CPU s/GiB", false),
    row("latency", metric::P50_US, "RTT p50 µs", false),
    row("latency", metric::P99_US, "RTT p99 µs", false),
    row("latency", metric::P999_US, "RTT p99.9 µs", false),
    row(
        "sessions-1000",
        metric::ROUND_TRIPS_PER_S,
        "round trips/s",
        true,
    ),
    row(
        "sessions-1000",
        metric::CPU_US_PER_ROUND_TRIP,
        "CPU µs/round trip",
        false,
    ),
    row(
        "sessions-1000",
        metric::LOADED_P99_US,
        "RTT p99 under load µs",
        false,
    ),
    row(
        "sessions-1000",
        metric::PSS_PER_SESSION_KIB,
        "PSS ÷ sessions KiB",
        false,
    ),
    row("sessions-1000", metric::ERRORS, "errors (total)", false),
    row(
        "sessions-10000",
        metric::SESSIONS_HELD,
        "sessions held",
        true,
    ),
    row(
        "sessions-10000",
        metric::ROUND_TRIPS_PER_S,
        "round trips/s",
        true,
    ),
    row(
        "sessions-10000",
        metric::PSS_PER_SESSION_KIB,
        "PSS ÷ sessions KiB",
        false,
    ),
    row("handshakes", metric::HANDSHAKES_PER_S, "handshakes/s", true),
    row(
        "handshakes",
        metric::CPU_US_PER_HANDSHAKE,
        "CPU µs/handshake",
        false,
    ),
    row(
        "handshakes",
        metric::HANDSHAKE_P99_MS,
        "handshake p99 ms",
        false,
    ),
    row("streams-16", metric::STREAMS_PER_S, "opens/s", true),
    row(
        "streams-16",
        metric::CPU_US_PER_STREAM,
        "CPU µs/open",
        false,
    ),
    row(
        "streams-16",
        metric::ROUND_TRIPS_PER_S,
        "round trips/s",
        true,
    ),
    row(
        "streams-16",
        metric::CPU_US_PER_ROUND_TRIP,
        "CPU µs/round trip",
        false,
    ),
    row(
        "streams-16",
        metric::FIRST_ECHO_P99_MS,
        "first echo p99 ms",
        false,
    ),
    row("streams-64", metric::STREAMS_PER_S, "opens/s", true),
    row(
        "streams-64",
        metric::CPU_US_PER_STREAM,
        "CPU µs/open",
        false,
    ),
    row(
        "streams-64",
        metric::ROUND_TRIPS_PER_S,
        "round trips/s",
        true,
    ),
    row(
        "streams-64",
        metric::CPU_US_PER_ROUND_TRIP,
        "CPU µs/round trip",
        false,
    ),
    row(
        "streams-64",
        metric::FIRST_ECHO_P99_MS,
        "first echo p99 ms",
        false,
    ),
    row("streams-64", metric::ERRORS, "errors (total)", false),
];

/// The contenders of the WebTransport table, in its order.
pub const WT_CONTENDERS: [&str; 4] = [WEBTRANSPORT, OURS, HOP, LIMIT];

/// The contenders of the table against the hop, in its order.
pub const HOP_CONTENDERS: [&str; 3] = [OURS, HOP, "websocat"];
