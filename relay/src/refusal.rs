//! Every way the relay turns a request down before an upgrade: one type with
//! its HTTP status, its metric label and the message the client reads. A
//! check is then one `?`, and each refusal is logged and counted the same way.

use axum::{
    extract::ws::rejection::WebSocketUpgradeRejection,
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use protocol::{
    api::{AUTH_QUERY, AUTH_SUBPROTOCOL_PREFIX},
    tap::{TapEvent, TAP_ORIGIN_MAX_BYTES},
    TARGETS_PATH,
};

use crate::{caps::CapError, listener::Peer, metrics::Metrics};

/// The WebSocket version the relay speaks (RFC 6455).
pub const WEBSOCKET_VERSION: &str = "13";

/// Why a request was refused.
#[derive(Debug)]
pub enum Refusal {
    /// The request names a host the relay does not answer to (DNS rebinding).
    UnknownHost(String),
    /// No `Host` header.
    MissingHost,
    /// A page of another origin.
    Origin(String),
    /// No target by that name.
    UnknownTarget(String),
    /// The target needs a token and none, or a wrong one, was given.
    Token(String),
    /// A `Sec-WebSocket-Version` other than 13 (RFC 6455 §4.4).
    WebSocketVersion,
    /// Not a valid WebSocket upgrade.
    NotWebSocket(WebSocketUpgradeRejection),
    /// A session cap is reached.
    Cap(CapError),
    /// The relay runs with `--no-tap`.
    TapsOff,
    /// The relay holds its maximum number of taps.
    TooManyTaps,
    /// This client address holds its maximum number of taps.
    TooManyTapsFromAddress(usize),
}

impl Refusal {
    /// The upgrade's own rejection, with the version one told apart.
    pub fn from_upgrade(rejection: WebSocketUpgradeRejection) -> Self {
        match rejection {
            WebSocketUpgradeRejection::InvalidWebSocketVersionHeader(_) => Self::WebSocketVersion,
            other => Self::NotWebSocket(other),
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::UnknownHost(_) => StatusCode::MISDIRECTED_REQUEST,
            Self::MissingHost => StatusCode::BAD_REQUEST,
            Self::Origin(_) => StatusCode::FORBIDDEN,
            Self::UnknownTarget(_) => StatusCode::NOT_FOUND,
            Self::Token(_) => StatusCode::UNAUTHORIZED,
            Self::WebSocketVersion => StatusCode::UPGRADE_REQUIRED,
            Self::NotWebSocket(rejection) => rejection.status(),
            Self::Cap(CapError::Total(_)) | Self::TapsOff | Self::TooManyTaps => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            Self::Cap(CapError::PerIp(_)) | Self::TooManyTapsFromAddress(_) => {
                StatusCode::TOO_MANY_REQUESTS
            }
        }
    }

    /// The `reason` label of `relay_handshakes_refused_total`.
    pub fn label(&self) -> &'static str {
        match self {
            Self::UnknownHost(_) => "unknown_host",
            Self::MissingHost => "missing_host",
            Self::Origin(_) => "origin",
            Self::UnknownTarget(_) => "unknown_target",
            Self::Token(_) => "auth",
            Self::WebSocketVersion => "websocket_version",
            Self::NotWebSocket(_) => "not_websocket",
            Self::Cap(CapError::Total(_)) => "session_limit",
            Self::Cap(CapError::PerIp(_)) => "per_ip_limit",
            Self::TapsOff => "taps_off",
            Self::TooManyTaps => "tap_limit",
            Self::TooManyTapsFromAddress(_) => "per_ip_tap_limit",
        }
    }

    /// The tap event that tells the page which asked (through its own tap)
    /// what the relay decided: status, label, the `Origin` it saw and the
    /// message, the origin cut to [`TAP_ORIGIN_MAX_BYTES`].
    pub fn tap_event(&self, origin: Option<&str>) -> TapEvent {
        let origin = origin.map(|o| cut(o, TAP_ORIGIN_MAX_BYTES));
        let message = match (self, &origin) {
            // The same words as the response, with the origin as cut.
            (Self::Origin(_), Some(origin)) => Self::Origin(origin.clone()).to_string(),
            _ => self.to_string(),
        };
        TapEvent::Refused {
            status: self.status().as_u16(),
            reason: self.label().to_owned(),
            origin,
            message: cut(&message, 2 * TAP_ORIGIN_MAX_BYTES + 256),
        }
    }

    /// Logs the refusal once, counts it, and turns it into the response.
    pub fn answer(self, peer: &Peer, metrics: &Metrics) -> Response {
        tracing::info!(?peer, reason = self.label(), refusal = ?self, "request refused");
        metrics.refused(self.label());
        self.into_response()
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::UnknownHost(_) => f.write_str(
                "this relay does not answer to that host name; its operator can add it with --public-host NAME",
            ),
            Self::MissingHost => f.write_str("a Host header is required"),
            Self::Origin(origin) => write!(
                f,
                "origin {origin} may not use this relay; start it with --allow-origin {origin} to allow it"
            ),
            Self::UnknownTarget(name) => {
                write!(f, "no target named {name:?}; GET {TARGETS_PATH} lists the targets")
            }
            Self::Token(name) => write!(
                f,
                "target {name:?} needs a token: add ?{AUTH_QUERY}=TOKEN to the URL or offer the subprotocol {AUTH_SUBPROTOCOL_PREFIX}TOKEN"
            ),
            Self::WebSocketVersion => write!(
                f,
                "this relay speaks WebSocket version {WEBSOCKET_VERSION} (RFC 6455) only"
            ),
            Self::NotWebSocket(rejection) => f.write_str(&rejection.body_text()),
            Self::Cap(err) => err.fmt(f),
            Self::TapsOff => f.write_str("this relay runs with wire taps turned off (--no-tap)"),
            Self::TooManyTaps => f.write_str("too many taps are open; try again later"),
            Self::TooManyTapsFromAddress(limit) => write!(
                f,
                "too many taps open from your address (limit {limit}); close another tab's"
            ),
        }
    }
}

/// `text`, at most `max` bytes of it, cut at a character boundary.
fn cut(text: &str, max: usize) -> String {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let mut response = (self.status(), format!("{self}\n")).into_response();
        if matches!(self, Self::WebSocketVersion) {
            response.headers_mut().insert(
                header::SEC_WEBSOCKET_VERSION,
                HeaderValue::from_static(WEBSOCKET_VERSION),
            );
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_refusals_name_the_version_spoken() {
        let response = Refusal::WebSocketVersion.into_response();
        assert_eq!(response.status(), StatusCode::UPGRADE_REQUIRED);
        assert_eq!(response.headers()[header::SEC_WEBSOCKET_VERSION], "13");
    }

    #[test]
    fn tap_events_say_what_was_refused_and_cut_long_origins() {
        let origin = "http://127.0.0.1:8080";
        let event = Refusal::Origin(origin.into()).tap_event(Some(origin));
        let TapEvent::Refused {
            status,
            reason,
            origin: seen,
            message,
        } = event
        else {
            panic!("not a refusal")
        };
        assert_eq!((status, reason.as_str()), (403, "origin"));
        assert_eq!(seen.as_deref(), Some(origin));
        assert!(message.contains("origin http://127.0.0.1:8080 may not use this relay"));
        let long = format!("http://{}.example", "é".repeat(1000));
        let TapEvent::Refused {
            origin: Some(seen),
            message,
            ..
        } = Refusal::Origin(long.clone()).tap_event(Some(&long))
        else {
            panic!()
        };
        assert!(seen.len() <= TAP_ORIGIN_MAX_BYTES && long.starts_with(&seen));
        assert!(message.len() < 1024, "{}", message.len());
    }

    #[test]
    fn each_refusal_has_its_status_and_label() {
        let cases = [
            (
                Refusal::UnknownHost("evil.example".into()),
                421,
                "unknown_host",
            ),
            (
                Refusal::Origin("https://evil.example".into()),
                403,
                "origin",
            ),
            (Refusal::Cap(CapError::PerIp(2)), 429, "per_ip_limit"),
            (Refusal::TooManyTapsFromAddress(8), 429, "per_ip_tap_limit"),
            (Refusal::TapsOff, 503, "taps_off"),
        ];
        for (refusal, status, label) in cases {
            assert_eq!(refusal.status().as_u16(), status, "{refusal}");
            assert_eq!(refusal.label(), label);
        }
        // The host the request named is never echoed back.
        assert!(!Refusal::UnknownHost("evil.example".into())
            .to_string()
            .contains("evil"));
    }
}
