//! The wire tap: what the relay streams to the page about the sessions that
//! page opened, so it can show the raw bytes the browser's WebSocket API
//! hides (the upgrade request, the 101 response, every frame with its mask,
//! and the TCP side).
//!
//! The page opens a WebSocket to [`TAP_PATH`]; the relay's first message is a
//! text [`TapHello`] with a secret tap id. The page then opens
//! `/ws/<target>?tap=<id>`, and every byte of that session arrives on the tap
//! as binary [`TapRecord`]s.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// WebSocket path of the tap.
pub const TAP_PATH: &str = "/tap";

/// Query parameter naming the tap on `/ws/<target>`.
pub const TAP_QUERY: &str = "tap";

/// Longest `Origin` a [`TapEvent::Refused`] repeats; longer ones are cut.
pub const TAP_ORIGIN_MAX_BYTES: usize = 256;

/// First message on a tap (JSON text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TapHello {
    /// Secret id to pass as `?tap=` when opening sessions.
    pub tap: String,
}

/// Where recorded bytes travelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TapSource {
    /// Browser → relay on the WebSocket's TCP connection (the HTTP upgrade
    /// request, then masked frames).
    BrowserToRelay,
    /// Relay → browser (the 101 response, then unmasked frames).
    RelayToBrowser,
    /// Relay → TCP service: the bytes the service received.
    RelayToUpstream,
    /// TCP service → relay.
    UpstreamToRelay,
    /// A session event; the bytes are a JSON [`TapEvent`].
    Event,
}

impl TapSource {
    fn to_byte(self) -> u8 {
        match self {
            Self::BrowserToRelay => 0,
            Self::RelayToBrowser => 1,
            Self::RelayToUpstream => 2,
            Self::UpstreamToRelay => 3,
            Self::Event => 4,
        }
    }

    fn from_byte(byte: u8) -> Option<Self> {
        Some(match byte {
            0 => Self::BrowserToRelay,
            1 => Self::RelayToBrowser,
            2 => Self::RelayToUpstream,
            3 => Self::UpstreamToRelay,
            4 => Self::Event,
            _ => return None,
        })
    }
}

/// A session event on the tap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum TapEvent {
    /// The session was accepted and is connecting to its target.
    Opened {
        /// Target name.
        target: String,
    },
    /// The TCP connection to the target is up.
    UpstreamConnected {
        /// Microseconds the connect took.
        connect_us: u64,
    },
    /// The session ended.
    Closed {
        /// How, in words.
        reason: String,
    },
    /// The relay refused a request that named this tap (`?tap=<id>`), before
    /// any upgrade: the relay's side of a decision the browser reports to the
    /// page only as close `1006`. Sent only to the tap named, and only when
    /// the request came from the address that opened it.
    Refused {
        /// The HTTP status the request got, e.g. 403.
        status: u16,
        /// Why, as a `relay_handshakes_refused_total` label, e.g. `origin`.
        reason: String,
        /// The `Origin` header the relay saw, if any (at most
        /// [`TAP_ORIGIN_MAX_BYTES`]).
        origin: Option<String>,
        /// What the relay answered, in words.
        message: String,
    },
    /// Records were dropped because the page read the tap too slowly.
    Dropped {
        /// How many.
        records: u64,
    },
}

/// One record: bytes seen at one point, when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TapRecord {
    /// Which session of this tap (numbered by the relay).
    pub session: u32,
    /// Where the bytes went.
    pub source: TapSource,
    /// Microseconds since the Unix epoch when the relay saw them.
    pub time_us: u64,
    /// The bytes, exactly as read or written.
    pub bytes: Vec<u8>,
}

/// Header size of an encoded record: source (1), session (4), time (8).
pub const TAP_HEADER_BYTES: usize = 13;

/// Why a tap message could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TapDecodeError {
    /// Shorter than the fixed header.
    #[error("tap record of {0} bytes is shorter than its header")]
    Short(usize),
    /// Unknown source byte.
    #[error("unknown tap source {0}")]
    Source(u8),
}

impl TapRecord {
    /// Encodes as one binary WebSocket message.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(TAP_HEADER_BYTES + self.bytes.len());
        out.push(self.source.to_byte());
        out.extend_from_slice(&self.session.to_be_bytes());
        out.extend_from_slice(&self.time_us.to_be_bytes());
        out.extend_from_slice(&self.bytes);
        out
    }

    /// Decodes a binary tap message.
    pub fn decode(data: &[u8]) -> Result<Self, TapDecodeError> {
        if data.len() < TAP_HEADER_BYTES {
            return Err(TapDecodeError::Short(data.len()));
        }
        let source = TapSource::from_byte(data[0]).ok_or(TapDecodeError::Source(data[0]))?;
        let mut session = [0u8; 4];
        session.copy_from_slice(&data[1..5]);
        let mut time = [0u8; 8];
        time.copy_from_slice(&data[5..13]);
        Ok(Self {
            session: u32::from_be_bytes(session),
            source,
            time_us: u64::from_be_bytes(time),
            bytes: data[TAP_HEADER_BYTES..].to_vec(),
        })
    }

    /// The event carried by an [`TapSource::Event`] record.
    pub fn event(&self) -> Option<TapEvent> {
        (self.source == TapSource::Event)
            .then(|| serde_json::from_slice(&self.bytes).ok())
            .flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip_with_a_fixed_layout() {
        let record = TapRecord {
            session: 7,
            source: TapSource::RelayToUpstream,
            time_us: 0x0102_0304_0506_0708,
            bytes: b"PING\r\n".to_vec(),
        };
        let wire = record.encode();
        assert_eq!(&wire[..13], &[2, 0, 0, 0, 7, 1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(TapRecord::decode(&wire).unwrap(), record);
    }

    #[test]
    fn bad_records_are_errors() {
        assert_eq!(TapRecord::decode(&[0; 5]), Err(TapDecodeError::Short(5)));
        assert_eq!(TapRecord::decode(&[9; 13]), Err(TapDecodeError::Source(9)));
    }

    #[test]
    fn events_are_json() {
        let event = TapEvent::Closed {
            reason: "upstream closed".into(),
        };
        let record = TapRecord {
            session: 1,
            source: TapSource::Event,
            time_us: 0,
            bytes: serde_json::to_vec(&event).unwrap(),
        };
        assert_eq!(record.event(), Some(event));
        assert_eq!(
            String::from_utf8(record.bytes).unwrap(),
            r#"{"event":"closed","reason":"upstream closed"}"#
        );
    }
}
