//! The relay's HTTP API, as both sides see it.

use serde::{Deserialize, Serialize};

/// `GET` this path for the list of targets the relay offers ([`TargetList`]).
pub const TARGETS_PATH: &str = "/api/targets";

/// A WebSocket to `WS_PATH_PREFIX` + a target's name is bridged to that target.
pub const WS_PATH_PREFIX: &str = "/ws/";

/// One TCP service the relay will bridge to. The browser only ever sees the
/// name: the address stays in the relay's configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetInfo {
    /// The name used in `/ws/<name>`.
    pub name: String,
    /// A short human description (may be empty).
    #[serde(default)]
    pub description: String,
    /// True for the demo services the relay hosts itself.
    #[serde(default)]
    pub builtin: bool,
    /// True when a session needs a token: `?auth=TOKEN` on the WebSocket URL,
    /// or the subprotocol `auth.TOKEN` (browsers cannot set headers on a
    /// WebSocket, so those are the two ways a page can pass one).
    #[serde(default)]
    pub needs_token: bool,
    /// True for a UDP service: each message is one datagram, and nothing
    /// ends the session but the page or the idle timeout.
    #[serde(default)]
    pub datagrams: bool,
}

/// Query parameter carrying a target's token.
pub const AUTH_QUERY: &str = "auth";

/// Prefix of the subprotocol carrying a target's token.
pub const AUTH_SUBPROTOCOL_PREFIX: &str = "auth.";

/// The body of `GET /api/targets`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetList {
    /// Targets in the order the relay's operator configured them.
    pub targets: Vec<TargetInfo>,
}

/// `GET` this path for what the live experiments need ([`LabInfo`]).
pub const LAB_PATH: &str = "/api/lab";

/// `GET` this prefix + a marker for what the recorder received ([`CaptureList`]).
pub const RECORDER_PATH_PREFIX: &str = "/api/recorder/";

/// Ports on the Fetch standard's "bad ports" list that browsers refuse to
/// connect to at all; the relay listens on the first one it can bind.
pub const BAD_PORT_CANDIDATES: &[u16] = &[6667, 6666, 6668, 6669, 6665, 6697, 10080, 6000, 5060];

/// What the page needs to run the experiments in the visitor's browser.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabInfo {
    /// Loopback port of the raw TCP recorder the page aims `fetch()` and
    /// `new WebSocket()` at directly (no relay in between).
    pub recorder_port: Option<u16>,
    /// A recorder port on the bad-ports list: the browser must refuse it.
    pub bad_port: Option<u16>,
    /// Whether the relay offers wire taps.
    pub tap: bool,
    /// The recorders listen on loopback only: a page served to another
    /// machine cannot reach them, so it must not aim at them (it would aim
    /// at the visitor's own machine).
    #[serde(default)]
    pub recorder_loopback: bool,
}

/// One TCP connection the recorder accepted, and every byte it received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Capture {
    /// The recorder port it arrived on.
    pub port: u16,
    /// When it connected, in microseconds since the Unix epoch.
    pub time_us: u64,
    /// The bytes received (the first 16 KiB).
    pub bytes: Vec<u8>,
}

/// The body of `GET /api/recorder/<marker>`: captures containing the marker.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaptureList {
    /// Oldest first.
    pub captures: Vec<Capture>,
}

/// A marker is 8 to 64 of `[A-Za-z0-9_-]`: long enough that a visitor
/// only ever sees the captures their own page made.
pub fn is_valid_marker(marker: &str) -> bool {
    (8..=64).contains(&marker.len())
        && marker
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The WebSocket path for a target name. Names are restricted by the relay
/// to `[A-Za-z0-9_-]`, so no escaping is needed.
pub fn ws_path(name: &str) -> String {
    format!("{WS_PATH_PREFIX}{name}")
}

/// True when `name` is a valid target name: 1 to 64 of `[A-Za-z0-9_-]`.
pub fn is_valid_target_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_list_json_is_stable() {
        let list = TargetList {
            targets: vec![TargetInfo {
                name: "echo".into(),
                description: "echoes bytes".into(),
                builtin: true,
                needs_token: false,
                datagrams: false,
            }],
        };
        let json = serde_json::to_string(&list).unwrap();
        assert_eq!(
            json,
            r#"{"targets":[{"name":"echo","description":"echoes bytes","builtin":true,"needs_token":false,"datagrams":false}]}"#
        );
        let back: TargetList = serde_json::from_str(&json).unwrap();
        assert_eq!(back, list);
    }

    #[test]
    fn missing_optional_fields_default() {
        let t: TargetInfo = serde_json::from_str(r#"{"name":"redis"}"#).unwrap();
        assert_eq!(t.description, "");
        assert!(!t.builtin);
    }

    #[test]
    fn markers_are_long_and_plain() {
        assert!(is_valid_marker("probe-1a2b3c4d"));
        assert!(!is_valid_marker("short"));
        assert!(!is_valid_marker("has space in it"));
    }

    #[test]
    fn target_names_are_restricted() {
        assert!(is_valid_target_name("redis"));
        assert!(is_valid_target_name("my-svc_2"));
        for bad in [
            "",
            "a/b",
            "..",
            "10.0.0.5:6379",
            "a b",
            "é",
            &"x".repeat(65),
        ] {
            assert!(!is_valid_target_name(bad), "{bad:?} accepted");
        }
        assert_eq!(ws_path("echo"), "/ws/echo");
    }
}
