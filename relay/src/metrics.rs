//! `/metrics` in the Prometheus text format: open sessions, how sessions
//! ended, bytes each way per target, refused handshakes by reason, and
//! upstream connect latency.

use std::{
    collections::BTreeMap,
    fmt::Write,
    sync::{
        atomic::{AtomicU64, Ordering},
        Mutex,
    },
    time::Duration,
};

/// Upper bounds (seconds) of the connect-latency histogram.
const CONNECT_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];

/// The relay's counters.
#[derive(Debug, Default)]
pub struct Metrics {
    sessions_opened: AtomicU64,
    sessions_ended: Mutex<BTreeMap<&'static str, u64>>,
    sessions_closed: Mutex<BTreeMap<u16, u64>>,
    bytes: Mutex<BTreeMap<(String, &'static str), u64>>,
    refused: Mutex<BTreeMap<&'static str, u64>>,
    connect: Mutex<Histogram>,
}

#[derive(Debug, Default)]
struct Histogram {
    buckets: Vec<u64>,
    sum: f64,
    count: u64,
}

fn bump<K: Ord>(map: &Mutex<BTreeMap<K, u64>>, key: K, by: u64) {
    *map.lock()
        .unwrap_or_else(|e| e.into_inner())
        .entry(key)
        .or_insert(0) += by;
}

impl Metrics {
    /// A session passed the checks and is being upgraded.
    pub fn session_opened(&self) {
        self.sessions_opened.fetch_add(1, Ordering::Relaxed);
    }

    /// A session ended; `end` is a short label such as `upstream_closed`,
    /// `close_code` the code of the close frame that ended it (none: 1006,
    /// which is what the browser reports then).
    pub fn session_ended(
        &self,
        target: &str,
        end: &'static str,
        close_code: Option<u16>,
        bytes_up: u64,
        bytes_down: u64,
    ) {
        bump(&self.sessions_ended, end, 1);
        bump(&self.sessions_closed, close_code.unwrap_or(1006), 1);
        bump(&self.bytes, (target.to_owned(), "up"), bytes_up);
        bump(&self.bytes, (target.to_owned(), "down"), bytes_down);
    }

    /// A handshake was refused before the upgrade.
    pub fn refused(&self, reason: &'static str) {
        bump(&self.refused, reason, 1);
    }

    /// An upstream connect succeeded after `took`.
    pub fn upstream_connected(&self, took: Duration) {
        let secs = took.as_secs_f64();
        let mut h = self.connect.lock().unwrap_or_else(|e| e.into_inner());
        if h.buckets.is_empty() {
            h.buckets = vec![0; CONNECT_BUCKETS.len()];
        }
        for (i, bound) in CONNECT_BUCKETS.iter().enumerate() {
            if secs <= *bound {
                h.buckets[i] += 1;
            }
        }
        h.sum += secs;
        h.count += 1;
    }

    /// The text exposition, with `open` sessions as a gauge.
    pub fn render(&self, open: usize) -> String {
        let mut out = String::new();
        fn lock<K: Clone + Ord>(m: &Mutex<BTreeMap<K, u64>>) -> BTreeMap<K, u64> {
            m.lock().unwrap_or_else(|e| e.into_inner()).clone()
        }
        let _ = writeln!(
            out,
            "# HELP relay_sessions_open WebSocket sessions open now."
        );
        let _ = writeln!(
            out,
            "# TYPE relay_sessions_open gauge\nrelay_sessions_open {open}"
        );
        let _ = writeln!(
            out,
            "# HELP relay_sessions_opened_total Sessions accepted since start."
        );
        let _ = writeln!(
            out,
            "# TYPE relay_sessions_opened_total counter\nrelay_sessions_opened_total {}",
            self.sessions_opened.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "# HELP relay_sessions_ended_total Sessions ended, by how they ended."
        );
        let _ = writeln!(out, "# TYPE relay_sessions_ended_total counter");
        for (end, n) in lock(&self.sessions_ended) {
            let _ = writeln!(out, "relay_sessions_ended_total{{end=\"{end}\"}} {n}");
        }
        let _ = writeln!(out, "# HELP relay_sessions_closed_total Sessions ended, by the WebSocket close code that ended them (1006: no close frame).");
        let _ = writeln!(out, "# TYPE relay_sessions_closed_total counter");
        for (code, n) in lock(&self.sessions_closed) {
            let _ = writeln!(out, "relay_sessions_closed_total{{code=\"{code}\"}} {n}");
        }
        let _ = writeln!(out, "# HELP relay_bytes_total Bytes bridged, by target and direction (up = to the TCP service).");
        let _ = writeln!(out, "# TYPE relay_bytes_total counter");
        for ((target, dir), n) in self.bytes.lock().unwrap_or_else(|e| e.into_inner()).iter() {
            let _ = writeln!(
                out,
                "relay_bytes_total{{target=\"{target}\",direction=\"{dir}\"}} {n}"
            );
        }
        let _ = writeln!(out, "# HELP relay_handshakes_refused_total Handshakes refused before the upgrade, by reason.");
        let _ = writeln!(out, "# TYPE relay_handshakes_refused_total counter");
        for (reason, n) in lock(&self.refused) {
            let _ = writeln!(
                out,
                "relay_handshakes_refused_total{{reason=\"{reason}\"}} {n}"
            );
        }
        let h = self.connect.lock().unwrap_or_else(|e| e.into_inner());
        let _ = writeln!(
            out,
            "# HELP relay_upstream_connect_seconds Time to connect to a target."
        );
        let _ = writeln!(out, "# TYPE relay_upstream_connect_seconds histogram");
        for (i, bound) in CONNECT_BUCKETS.iter().enumerate() {
            let n = h.buckets.get(i).copied().unwrap_or(0);
            let _ = writeln!(
                out,
                "relay_upstream_connect_seconds_bucket{{le=\"{bound}\"}} {n}"
            );
        }
        let _ = writeln!(
            out,
            "relay_upstream_connect_seconds_bucket{{le=\"+Inf\"}} {}",
            h.count
        );
        let _ = writeln!(out, "relay_upstream_connect_seconds_sum {}", h.sum);
        let _ = writeln!(out, "relay_upstream_connect_seconds_count {}", h.count);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_prometheus_text() {
        let m = Metrics::default();
        m.session_opened();
        m.session_ended("redis", "upstream_closed", Some(1000), 10, 20);
        m.session_ended("redis", "browser_closed", None, 0, 0);
        m.refused("unknown_target");
        m.upstream_connected(Duration::from_millis(2));
        let text = m.render(1);
        for line in [
            "relay_sessions_open 1",
            "relay_sessions_opened_total 1",
            "relay_sessions_ended_total{end=\"upstream_closed\"} 1",
            "relay_sessions_closed_total{code=\"1000\"} 1",
            "relay_sessions_closed_total{code=\"1006\"} 1",
            "relay_bytes_total{target=\"redis\",direction=\"up\"} 10",
            "relay_bytes_total{target=\"redis\",direction=\"down\"} 20",
            "relay_handshakes_refused_total{reason=\"unknown_target\"} 1",
            "relay_upstream_connect_seconds_bucket{le=\"0.001\"} 0",
            "relay_upstream_connect_seconds_bucket{le=\"0.0025\"} 1",
            "relay_upstream_connect_seconds_count 1",
        ] {
            assert!(
                text.lines().any(|l| l == line),
                "missing {line:?} in\n{text}"
            );
        }
    }
}
