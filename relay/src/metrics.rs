//! `/metrics`: open sessions, how sessions ended, bytes each way per target,
//! refused handshakes by reason, and upstream connect latency, exposed with
//! `prometheus-client` (the Prometheus project's own crate) in the
//! OpenMetrics text format, which Prometheus scrapes natively.

use std::{
    sync::atomic::AtomicU64,
    time::{Duration, SystemTime},
};

use prometheus_client::{
    encoding::{text::encode, EncodeLabelSet},
    metrics::{counter::Counter, family::Family, gauge::Gauge, histogram::Histogram},
    registry::Registry,
};

/// The `Content-Type` of [`Metrics::render`]'s output.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Upper bounds (seconds) of the connect-latency histogram.
const CONNECT_BUCKETS: [f64; 13] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct EndLabels {
    end: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CodeLabels {
    code: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct BytesLabels {
    target: String,
    direction: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ReasonLabels {
    reason: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ResultLabels {
    result: &'static str,
}

/// The relay's counters, and the registry that exposes them.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    sessions_open: Gauge,
    sessions_opened: Counter,
    sessions_ended: Family<EndLabels, Counter>,
    sessions_closed: Family<CodeLabels, Counter>,
    bytes: Family<BytesLabels, Counter>,
    refused: Family<ReasonLabels, Counter>,
    connect: Histogram,
    config_reloads: Family<ResultLabels, Counter>,
    config_loaded: Gauge<f64, AtomicU64>,
    foreign_datagrams: Counter,
    webtransport: DoorMetrics,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct DirectionLabels {
    target: String,
    direction: &'static str,
}

/// The WebTransport door's own metrics (`relay_webtransport_*`), so that the
/// WebSocket ones keep their meaning.
#[derive(Debug, Default)]
struct DoorMetrics {
    sessions_open: Gauge,
    sessions_ended: Family<EndLabels, Counter>,
    refused: Family<ReasonLabels, Counter>,
    streams_ended: Family<EndLabels, Counter>,
    bytes: Family<BytesLabels, Counter>,
    datagrams: Family<DirectionLabels, Counter>,
    datagrams_dropped: Family<ReasonLabels, Counter>,
}

impl DoorMetrics {
    fn register(&self, registry: &mut Registry) {
        let door = registry.sub_registry_with_prefix("relay_webtransport");
        door.register(
            "sessions_open",
            "WebTransport sessions open now",
            self.sessions_open.clone(),
        );
        door.register(
            "sessions_ended",
            "WebTransport sessions ended, by how they ended",
            self.sessions_ended.clone(),
        );
        door.register(
            "refused",
            "WebTransport session requests refused, by reason",
            self.refused.clone(),
        );
        door.register(
            "streams_ended",
            "WebTransport streams ended, by how they ended",
            self.streams_ended.clone(),
        );
        door.register(
            "bytes",
            "Bytes bridged over WebTransport streams and datagrams, by target and direction (up = to the service)",
            self.bytes.clone(),
        );
        door.register(
            "datagrams",
            "WebTransport datagrams bridged, by target and direction",
            self.datagrams.clone(),
        );
        door.register(
            "datagrams_dropped",
            "Datagrams from a UDP service not sent to the page, by reason (too_large: over the session's max datagram size)",
            self.datagrams_dropped.clone(),
        );
    }
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::default();
        let sessions_open = Gauge::default();
        let sessions_opened = Counter::default();
        let sessions_ended = Family::default();
        let sessions_closed = Family::default();
        let bytes = Family::default();
        let refused = Family::default();
        let connect = Histogram::new(CONNECT_BUCKETS);
        let config_reloads = Family::<ResultLabels, Counter>::default();
        // Both results show from the start, at 0.
        for result in ["ok", "error"] {
            config_reloads
                .get_or_create(&ResultLabels { result })
                .inc_by(0);
        }
        let config_loaded = Gauge::<f64, AtomicU64>::default();
        config_loaded.set(unix_now());
        let foreign_datagrams = Counter::default();
        // Counters get their `_total` suffix from the encoder.
        registry.register(
            "relay_sessions_open",
            "WebSocket sessions open now",
            sessions_open.clone(),
        );
        registry.register(
            "relay_sessions_opened",
            "Sessions accepted since start",
            sessions_opened.clone(),
        );
        registry.register(
            "relay_sessions_ended",
            "Sessions ended, by how they ended",
            sessions_ended.clone(),
        );
        registry.register(
            "relay_sessions_closed",
            "Sessions ended, by the WebSocket close code that ended them (1006: no close frame)",
            sessions_closed.clone(),
        );
        registry.register(
            "relay_bytes",
            "Bytes bridged, by target and direction (up = to the TCP service)",
            bytes.clone(),
        );
        registry.register(
            "relay_handshakes_refused",
            "Handshakes refused before the upgrade, by reason",
            refused.clone(),
        );
        registry.register(
            "relay_upstream_connect_seconds",
            "Time to connect to a target",
            connect.clone(),
        );
        registry.register(
            "relay_config_reloads",
            "Configuration reloads, by result (error: the configuration in force stayed)",
            config_reloads.clone(),
        );
        registry.register(
            "relay_config_loaded_timestamp_seconds",
            "When the configuration in force was loaded (Unix time)",
            config_loaded.clone(),
        );
        registry.register(
            "relay_udp_foreign_datagrams_dropped",
            "Datagrams that reached a UDP session's socket from an address other than its target, dropped",
            foreign_datagrams.clone(),
        );
        let webtransport = DoorMetrics::default();
        webtransport.register(&mut registry);
        Self {
            registry,
            webtransport,
            foreign_datagrams,
            config_reloads,
            config_loaded,
            sessions_open,
            sessions_opened,
            sessions_ended,
            sessions_closed,
            bytes,
            refused,
            connect,
        }
    }
}

impl Metrics {
    /// A session passed the checks and is being upgraded.
    pub fn session_opened(&self) {
        self.sessions_opened.inc();
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
        self.sessions_ended.get_or_create(&EndLabels { end }).inc();
        let code = close_code.unwrap_or(1006);
        self.sessions_closed
            .get_or_create(&CodeLabels { code })
            .inc();
        for (direction, n) in [("up", bytes_up), ("down", bytes_down)] {
            let labels = BytesLabels {
                target: target.to_owned(),
                direction,
            };
            self.bytes.get_or_create(&labels).inc_by(n);
        }
    }

    /// The counter a UDP session adds a dropped foreign datagram to.
    pub fn foreign_datagrams(&self) -> Counter {
        self.foreign_datagrams.clone()
    }

    /// A WebTransport session was accepted.
    pub fn webtransport_session_opened(&self) {
        self.webtransport.sessions_open.inc();
    }

    /// A WebTransport session ended (`end`: `page_closed`, `shutdown`, …).
    pub fn webtransport_session_ended(&self, end: &'static str) {
        self.webtransport.sessions_open.dec();
        self.webtransport
            .sessions_ended
            .get_or_create(&EndLabels { end })
            .inc();
    }

    /// WebTransport sessions open now.
    pub fn webtransport_open(&self) -> usize {
        usize::try_from(self.webtransport.sessions_open.get()).unwrap_or(0)
    }

    /// A WebTransport session request was refused.
    pub fn webtransport_refused(&self, reason: &'static str) {
        self.webtransport
            .refused
            .get_or_create(&ReasonLabels { reason })
            .inc();
    }

    /// A WebTransport stream ended after moving these bytes.
    pub fn webtransport_stream_ended(
        &self,
        target: &str,
        end: &'static str,
        bytes_up: u64,
        bytes_down: u64,
    ) {
        let door = &self.webtransport;
        door.streams_ended.get_or_create(&EndLabels { end }).inc();
        for (direction, n) in [("up", bytes_up), ("down", bytes_down)] {
            let labels = BytesLabels {
                target: target.to_owned(),
                direction,
            };
            door.bytes.get_or_create(&labels).inc_by(n);
        }
    }

    /// One datagram of `len` bytes went `direction` (`up`: to the service).
    pub fn webtransport_datagram(&self, target: &str, direction: &'static str, len: usize) {
        let door = &self.webtransport;
        door.datagrams
            .get_or_create(&DirectionLabels {
                target: target.to_owned(),
                direction,
            })
            .inc();
        door.bytes
            .get_or_create(&BytesLabels {
                target: target.to_owned(),
                direction,
            })
            .inc_by(len as u64);
    }

    /// A datagram from a UDP service was not sent to the page.
    pub fn webtransport_datagram_dropped(&self, reason: &'static str) {
        self.webtransport
            .datagrams_dropped
            .get_or_create(&ReasonLabels { reason })
            .inc();
    }

    /// A handshake was refused before the upgrade.
    pub fn refused(&self, reason: &'static str) {
        self.refused.get_or_create(&ReasonLabels { reason }).inc();
    }

    /// An upstream connect succeeded after `took`.
    pub fn upstream_connected(&self, took: Duration) {
        self.connect.observe(took.as_secs_f64());
    }

    /// A reload put a new configuration in force (`ok`) or changed nothing
    /// because something in it was wrong.
    pub fn config_reloaded(&self, ok: bool) {
        let result = if ok { "ok" } else { "error" };
        self.config_reloads
            .get_or_create(&ResultLabels { result })
            .inc();
        if ok {
            self.config_loaded.set(unix_now());
        }
    }

    /// The text exposition, with `open` sessions as a gauge.
    pub fn render(&self, open: usize) -> String {
        self.sessions_open
            .set(i64::try_from(open).unwrap_or(i64::MAX));
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = encode(&mut out, &self.registry);
        out
    }
}

/// Seconds since the Unix epoch, now.
fn unix_now() -> f64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
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
            "relay_config_reloads_total{result=\"ok\"} 0",
            "relay_config_reloads_total{result=\"error\"} 0",
            "# EOF",
        ] {
            assert!(
                text.lines().any(|l| l == line),
                "missing {line:?} in\n{text}"
            );
        }
    }

    #[test]
    fn reloads_are_counted_and_stamped() {
        let m = Metrics::default();
        let stamp = |text: &str| -> f64 {
            text.lines()
                .find_map(|l| l.strip_prefix("relay_config_loaded_timestamp_seconds "))
                .expect("the timestamp")
                .parse()
                .unwrap()
        };
        let before = stamp(&m.render(0));
        assert!(before > 1.7e9, "{before}");
        m.config_reloaded(false);
        m.config_reloaded(false);
        let text = m.render(0);
        assert!(
            text.contains("relay_config_reloads_total{result=\"error\"} 2\n"),
            "{text}"
        );
        assert_eq!(stamp(&text), before, "a failed reload loaded nothing");
        m.config_reloaded(true);
        let text = m.render(0);
        assert!(
            text.contains("relay_config_reloads_total{result=\"ok\"} 1\n"),
            "{text}"
        );
        assert!(stamp(&text) >= before);
    }
}
