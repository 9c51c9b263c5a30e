//! The team's targets, checked against the medians: the bench reports them
//! and never fails on them.

use super::{find, markdown, Row, TargetCheck, HOP, OURS};
use crate::record::metric;

/// The team's targets (issue #13): ratios to the hop (`tcp-proxy`, a plain TCP
/// forwarder) and to websocat. The bench reports them, it never fails on them.
pub(super) fn check_targets(hop_rows: &[Row], rows: &[Row]) -> Vec<TargetCheck> {
    let value = |scenario: &str, metric: &str, who: &str| {
        find(hop_rows, scenario, metric)
            .or_else(|| find(rows, scenario, metric))
            .and_then(|r| r.values.get(who).copied())
    };
    let ratio_to = |scenario: &str, metric: &str, other: &str| {
        let theirs = value(scenario, metric, other).filter(|v| *v != 0.0)?;
        Some(value(scenario, metric, OURS)? / theirs)
    };
    let theirs = |scenario: &str, metric: &str| {
        let hop = value(scenario, metric, HOP).map(markdown::number);
        let websocat = value(scenario, metric, "websocat").map(markdown::number);
        match (hop, websocat) {
            (None, None) => None,
            (hop, websocat) => Some(format!(
                "{HOP} {}, websocat {}",
                hop.as_deref().unwrap_or("—"),
                websocat.as_deref().unwrap_or("—")
            )),
        }
    };
    let goal = |goal: &str, (scenario, metric): (&str, &str), other: &str, ok: fn(f64) -> bool| {
        let r = ratio_to(scenario, metric, other);
        TargetCheck {
            goal: goal.to_owned(),
            measured: match (r, value(scenario, metric, OURS)) {
                (Some(r), Some(v)) => format!("{r:.2}× ({})", markdown::number(v)),
                _ => "not measured".into(),
            },
            met: r.map(ok),
            hop: theirs(scenario, metric),
        }
    };
    let mut checks = vec![
        goal(
            "CPU per GiB ≤ 1.1× the hop's",
            ("throughput", metric::CPU_S_PER_GIB),
            HOP,
            |v| v <= 1.1,
        ),
        goal(
            "CPU per round trip, 1,000 sessions ≤ 1.15× the hop's",
            ("sessions-1000", metric::CPU_US_PER_ROUND_TRIP),
            HOP,
            |v| v <= 1.15,
        ),
        goal(
            "CPU per handshake ≤ 1.1× the hop's",
            ("handshakes", metric::CPU_US_PER_HANDSHAKE),
            HOP,
            |v| v <= 1.1,
        ),
        goal(
            "throughput ≥ 0.95× the hop",
            ("throughput", metric::MIB_PER_S),
            HOP,
            |v| v >= 0.95,
        ),
        goal(
            "RTT p99 under the 1,000-session load ≤ the hop's",
            ("sessions-1000", metric::LOADED_P99_US),
            HOP,
            |v| v <= 1.0,
        ),
        goal(
            "RTT p99 under the 1,000-session load ≤ websocat's",
            ("sessions-1000", metric::LOADED_P99_US),
            "websocat",
            |v| v <= 1.0,
        ),
        goal(
            "RTT p50 ≤ 1.05× the hop",
            ("latency", metric::P50_US),
            HOP,
            |v| v <= 1.05,
        ),
    ];
    for (label, scenario, metric) in [
        ("throughput", "throughput", metric::MIB_PER_S),
        (
            "1,000-session round trips/s",
            "sessions-1000",
            metric::ROUND_TRIPS_PER_S,
        ),
        (
            "9,900-session round trips/s",
            "sessions-10000",
            metric::ROUND_TRIPS_PER_S,
        ),
        ("handshakes/s", "handshakes", metric::HANDSHAKES_PER_S),
    ] {
        checks.push(goal(
            &format!("{label} ≥ websocat's"),
            (scenario, metric),
            "websocat",
            |v| v >= 1.0,
        ));
    }
    for scenario in ["sessions-1000", "sessions-10000"] {
        let pss = value(scenario, metric::PSS_PER_SESSION_KIB, OURS);
        let held = value(scenario, metric::SESSIONS_HELD, OURS);
        let errors = value(scenario, metric::ERRORS, OURS);
        checks.push(TargetCheck {
            goal: format!(
                "{scenario}: ≤ 16 KiB PSS per session (process total ÷ sessions), 0 errors"
            ),
            measured: match (pss, errors) {
                (Some(p), Some(e)) => {
                    let held = held.map_or(String::new(), |h| format!(", {h:.0} held"));
                    format!("{p:.1} KiB/session{held}, {e} errors")
                }
                _ => "not measured".into(),
            },
            met: pss.zip(errors).map(|(p, e)| p <= 16.0 && e == 0.0),
            hop: theirs(scenario, metric::PSS_PER_SESSION_KIB),
        });
    }
    checks
}
