//! Reading a [`TapEvent`] from its JSON, as the page does.
//!
//! `TapEvent` is an internally tagged enum (`{"event":"closed",...}`). Its
//! derived `Deserialize` buffers every field into serde's generic `Content`
//! first, which cost the page 13,443 bytes of wasm. Here the page reads the
//! same JSON into one flat struct and picks the variant by its tag:
//! the same shapes, a fraction of the code.

use protocol::tap::TapEvent;
use serde::Deserialize;

use crate::json;

/// Every field any event has; `event` says which ones apply.
#[derive(Deserialize)]
struct Flat {
    event: String,
    target: Option<String>,
    connect_us: Option<u64>,
    reason: Option<String>,
    status: Option<u16>,
    origin: Option<String>,
    message: Option<String>,
    records: Option<u64>,
}

/// The event in `text`, or `None` if it is not one (an unknown tag, or a
/// field its tag needs is missing).
pub fn from_str(text: &str) -> Option<TapEvent> {
    let flat: Flat = json::from_str(text).ok()?;
    Some(match flat.event.as_str() {
        "opened" => TapEvent::Opened {
            target: flat.target?,
        },
        "upstream_connected" => TapEvent::UpstreamConnected {
            connect_us: flat.connect_us?,
        },
        "closed" => TapEvent::Closed {
            reason: flat.reason?,
        },
        "refused" => TapEvent::Refused {
            status: flat.status?,
            reason: flat.reason?,
            origin: flat.origin,
            message: flat.message?,
        },
        "dropped" => TapEvent::Dropped {
            records: flat.records?,
        },
        _ => return None,
    })
}

/// The event in UTF-8 `bytes` (a [`protocol::tap::TapSource::Event`] record).
pub fn from_slice(bytes: &[u8]) -> Option<TapEvent> {
    from_str(std::str::from_utf8(bytes).ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every variant, as the relay writes it (the derive's shape),
    /// reads back the same.
    #[test]
    fn reads_every_event_the_relay_writes() {
        let events = [
            TapEvent::Opened {
                target: "echo".into(),
            },
            TapEvent::UpstreamConnected { connect_us: 412 },
            TapEvent::Closed {
                reason: "the browser closed the session".into(),
            },
            TapEvent::Refused {
                status: 403,
                reason: "origin".into(),
                origin: Some("http://localhost:8080".into()),
                message: "origin not allowed".into(),
            },
            TapEvent::Refused {
                status: 429,
                reason: "limit".into(),
                origin: None,
                message: "too many".into(),
            },
            TapEvent::Dropped { records: 7 },
        ];
        for event in events {
            let text = json::to_string(&event).unwrap();
            assert_eq!(from_str(&text), Some(event), "{text}");
            assert!(from_slice(text.as_bytes()).is_some());
        }
    }

    #[test]
    fn refuses_what_is_not_an_event() {
        for text in [
            r#"{"event":"opened"}"#,
            r#"{"event":"exploded","target":"x"}"#,
            r#"{"target":"x"}"#,
            r#"{"tap":"abc"}"#,
            "not json",
        ] {
            assert_eq!(from_str(text), None, "{text}");
        }
        assert_eq!(from_slice(&[0xff, 0xfe]), None);
    }
}
