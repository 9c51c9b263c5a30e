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
    /// The WebTransport door, or `None` when the relay runs without it
    /// (`--no-webtransport`). See [`WebTransportInfo`].
    #[serde(default)]
    pub webtransport: Option<WebTransportInfo>,
}

/// A WebTransport session to `https://HOST:PORT` + `WT_PATH_PREFIX` + a
/// target's name is bridged to that target: each bidirectional stream is one
/// connection to a TCP or Unix target, each datagram one UDP datagram to a
/// UDP target.
pub const WT_PATH_PREFIX: &str = "/wt/";

/// Where the relay's WebTransport (HTTP/3) endpoint is, and how a page can
/// trust its certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebTransportInfo {
    /// The UDP port of the endpoint, on the same host as the page.
    pub port: u16,
    /// SHA-256 of the DER certificate served now, as 64 lowercase hex
    /// digits. A page passes it as `serverCertificateHashes` when
    /// `self_signed` is true; read it again before each new session, since a
    /// renewal changes it.
    pub cert_sha256: String,
    /// True when the relay made the certificate itself (no `--tls-cert`):
    /// ECDSA P-256, valid for less than 14 days, renewed before it expires.
    pub self_signed: bool,
}

impl WebTransportInfo {
    /// [`Self::cert_sha256`] as the 32 bytes `serverCertificateHashes`
    /// wants; `None` if it is not 64 hex digits.
    pub fn cert_sha256_bytes(&self) -> Option<[u8; 32]> {
        let hex = self.cert_sha256.as_bytes();
        if hex.len() != 64 {
            return None;
        }
        let mut out = [0u8; 32];
        for (byte, pair) in out.iter_mut().zip(hex.chunks(2)) {
            let text = std::str::from_utf8(pair).ok()?;
            *byte = u8::from_str_radix(text, 16).ok()?;
        }
        Some(out)
    }
}

/// The stream error codes (`WebTransportError.streamErrorCode`) the relay
/// resets a WebTransport stream with, and the session close codes.
pub mod wt_codes {
    /// The service reset the connection, or reading from it failed.
    pub const STREAM_UPSTREAM_RESET: u32 = 0x10;
    /// Writing to the service failed, or it took no bytes for the stall limit.
    pub const STREAM_UPSTREAM_WRITE: u32 = 0x11;
    /// The service could not be reached (refused, timed out, no socket).
    pub const STREAM_CONNECT_FAILED: u32 = 0x12;
    /// The session's target is a UDP service: it takes datagrams, not streams.
    pub const STREAM_WRONG_KIND: u32 = 0x13;
    /// The page took no bytes from the stream for the stall limit.
    pub const STREAM_PAGE_STALLED: u32 = 0x14;
    /// The session is closing (shutdown, idle); its streams are cut.
    pub const STREAM_SESSION_CLOSING: u32 = 0x15;
    /// The page reset or stopped its side; the relay cut the service's
    /// connection and resets the other side too.
    pub const STREAM_PAGE_RESET: u32 = 0x16;
    /// The session's close code when the relay shuts down (as WebSocket 1001).
    pub const SESSION_SHUTDOWN: u32 = 1001;
    /// The session's close code after the idle timeout.
    pub const SESSION_IDLE: u32 = 1002;
    /// The session's close code when its UDP service's socket failed (as WebSocket 1011).
    pub const SESSION_UPSTREAM_FAILED: u32 = 1011;
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
    fn lab_info_carries_the_webtransport_door() {
        let info = LabInfo {
            webtransport: Some(WebTransportInfo {
                port: 4433,
                cert_sha256: "00ff".repeat(16),
                self_signed: true,
            }),
            ..LabInfo::default()
        };
        let json = serde_json::to_string(&info).unwrap();
        assert!(
            json.ends_with(&format!(
                r#""webtransport":{{"port":4433,"cert_sha256":"{}","self_signed":true}}}}"#,
                "00ff".repeat(16)
            )),
            "{json}"
        );
        let back: LabInfo = serde_json::from_str(&json).unwrap();
        let bytes = back.webtransport.unwrap().cert_sha256_bytes().unwrap();
        assert_eq!((bytes[0], bytes[1], bytes[31]), (0x00, 0xff, 0xff));
        // An older relay's answer has no door.
        let old: LabInfo =
            serde_json::from_str(r#"{"recorder_port":null,"bad_port":null,"tap":true}"#).unwrap();
        assert_eq!(old.webtransport, None);
        let bad = WebTransportInfo {
            port: 1,
            cert_sha256: "zz".repeat(32),
            self_signed: true,
        };
        assert_eq!(bad.cert_sha256_bytes(), None);
    }

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
