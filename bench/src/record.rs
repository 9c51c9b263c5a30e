//! What one `wsload run` reports: one JSON line per run.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The result of one scenario against one contender in one round.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    /// Scenario name, e.g. `throughput` or `sessions-10000`.
    pub scenario: String,
    /// Contender name, e.g. `relay` or `direct-tcp`.
    pub contender: String,
    /// Round of the bench.
    pub round: u32,
    /// Named measurements (see [`crate::report::ROWS`] for the ones reported).
    pub metrics: BTreeMap<String, f64>,
    /// Failed connects, round trips, verifications and closes.
    pub errors: u64,
    /// CPU use of the client during the measured window, % of one core.
    pub client_cpu_pct: f64,
    /// Client runtime threads (saturation is `client_cpu_pct` near 100 × this).
    pub client_threads: usize,
    /// CPU use of the server under test (with its children), % of one core.
    pub server_cpu_pct: Option<f64>,
    /// CPU use of the echo service, % of one core.
    pub echo_cpu_pct: Option<f64>,
    /// Wall-clock seconds of the whole run.
    pub secs: f64,
    /// A remark for the report (e.g. a cap).
    pub note: Option<String>,
    /// Set when the run did not finish (timeout, refused, …).
    pub failure: Option<String>,
}

/// Names of the measurements in [`RunRecord::metrics`].
pub mod metric {
    /// throughput: verified echo bandwidth, MiB/s.
    pub const MIB_PER_S: &str = "mib_per_s";
    /// latency: round-trip time percentiles, µs.
    pub const P50_US: &str = "p50_us";
    /// See [`P50_US`].
    pub const P99_US: &str = "p99_us";
    /// See [`P50_US`].
    pub const P999_US: &str = "p999_us";
    /// sessions: completed round trips per second, all sessions together.
    pub const ROUND_TRIPS_PER_S: &str = "round_trips_per_s";
    /// sessions: sessions open and working through the whole window.
    pub const SESSIONS_HELD: &str = "sessions_held";
    /// sessions: how many were asked for.
    pub const SESSIONS_WANTED: &str = "sessions_wanted";
    /// sessions: server RSS growth per held session, KiB.
    pub const RSS_PER_SESSION_KIB: &str = "rss_per_session_kib";
    /// sessions: the server's whole PSS with every session open ÷ sessions
    /// held, KiB (its baseline included).
    pub const PSS_PER_SESSION_KIB: &str = "pss_per_session_kib";
    /// sessions: round-trip time under the load of all sessions, µs.
    pub const LOADED_P50_US: &str = "loaded_p50_us";
    /// See [`LOADED_P50_US`].
    pub const LOADED_P99_US: &str = "loaded_p99_us";
    /// sessions: the server's CPU time (user + system) per round trip, µs.
    pub const CPU_US_PER_ROUND_TRIP: &str = "cpu_us_per_round_trip";
    /// throughput: the server's CPU time per GiB echoed, s.
    pub const CPU_S_PER_GIB: &str = "cpu_s_per_gib";
    /// handshakes: the server's CPU time per handshake, µs.
    pub const CPU_US_PER_HANDSHAKE: &str = "cpu_us_per_handshake";
    /// sessions: seconds to open them all.
    pub const OPEN_SECS: &str = "open_secs";
    /// handshakes: completed connect-and-close cycles per second.
    pub const HANDSHAKES_PER_S: &str = "handshakes_per_s";
    /// handshakes: time to an open session (TCP connect + upgrade), ms.
    pub const HANDSHAKE_P50_MS: &str = "handshake_p50_ms";
    /// See [`HANDSHAKE_P50_MS`].
    pub const HANDSHAKE_P99_MS: &str = "handshake_p99_ms";
    /// streams: streams (or sessions standing in for them) opened, used and
    /// closed per second.
    pub const STREAMS_PER_S: &str = "streams_per_s";
    /// streams: streams opened, used and closed in all.
    pub const STREAMS_DONE: &str = "streams";
    /// streams: the server's CPU time per stream (open, its round trips,
    /// close), µs.
    pub const CPU_US_PER_STREAM: &str = "cpu_us_per_stream";
    /// streams: time from asking for a stream to its first echo, ms (a
    /// stream past the relay's limit waits for one to end).
    pub const FIRST_ECHO_P50_MS: &str = "first_echo_p50_ms";
    /// See [`FIRST_ECHO_P50_MS`].
    pub const FIRST_ECHO_P99_MS: &str = "first_echo_p99_ms";
    /// Closes the server answered by hanging up instead of with a close frame.
    pub const ABRUPT_CLOSES: &str = "abrupt_closes";
    /// Errors of the run, as a number (also in [`super::RunRecord::errors`]).
    pub const ERRORS: &str = "errors";
}
