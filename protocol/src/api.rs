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
}

/// The body of `GET /api/targets`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetList {
    /// Targets in the order the relay's operator configured them.
    pub targets: Vec<TargetInfo>,
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
            }],
        };
        let json = serde_json::to_string(&list).unwrap();
        assert_eq!(
            json,
            r#"{"targets":[{"name":"echo","description":"echoes bytes","builtin":true}]}"#
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
