//! The connection as the visitor sees it: the messages it carries, its
//! state, how it ended, why a send failed, and its URL as the page shows it.

use thiserror::Error;

/// One WebSocket message: the two kinds of data frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload {
    /// A text frame (always UTF-8).
    Text(String),
    /// A binary frame.
    Binary(Vec<u8>),
}

impl Payload {
    /// The bytes the relay puts on the TCP side for this message.
    pub fn bytes(&self) -> &[u8] {
        match self {
            Self::Text(text) => text.as_bytes(),
            Self::Binary(bytes) => bytes,
        }
    }

    /// True for a text frame.
    pub fn is_text(&self) -> bool {
        matches!(self, Self::Text(_))
    }
}

/// How a WebSocket ended, as the browser's `close` event tells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloseInfo {
    /// The close code (1006 when no close frame arrived).
    pub code: u16,
    /// The reason from the close frame; empty when there was none.
    pub reason: String,
    /// `wasClean`: a close handshake took place.
    pub clean: bool,
}

/// The connection as the visitor sees it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Conn {
    /// No connection attempted yet.
    #[default]
    Idle,
    /// The WebSocket handshake is under way.
    Connecting {
        /// The WebSocket URL.
        url: String,
    },
    /// The WebSocket is open: bytes flow to and from the TCP service.
    Open {
        /// The WebSocket URL.
        url: String,
    },
    /// The WebSocket closed, or never opened.
    Closed(CloseInfo),
}

impl Conn {
    /// The value of `#status`'s `data-state` attribute.
    pub fn state_name(&self) -> &'static str {
        match self {
            Self::Idle => "idle",
            Self::Connecting { .. } => "connecting",
            Self::Open { .. } => "open",
            Self::Closed(_) => "closed",
        }
    }

    /// True while a socket exists (connecting or open).
    pub fn is_active(&self) -> bool {
        matches!(self, Self::Connecting { .. } | Self::Open { .. })
    }

    /// True when messages can be sent.
    pub fn is_open(&self) -> bool {
        matches!(self, Self::Open { .. })
    }
}

/// Why a message could not be sent.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SendError {
    /// The socket closed between the click and the send.
    #[error("the WebSocket is not open")]
    NotOpen,
    /// `send()` threw; the exception's message.
    #[error("{0}")]
    Browser(String),
}

/// `url` with the value of its `auth` query parameter replaced by `•••`, for
/// the status line and the log: a token typed into a password field should
/// not then be shown in plain text.
pub fn hide_token(url: &str) -> String {
    let Some((path, query)) = url.split_once('?') else {
        return url.to_owned();
    };
    let prefix = format!("{}=", protocol::api::AUTH_QUERY);
    let query: Vec<String> = query
        .split('&')
        .map(|pair| match pair.strip_prefix(&prefix) {
            Some(_) => format!("{prefix}•••"),
            None => pair.to_owned(),
        })
        .collect();
    format!("{path}?{}", query.join("&"))
}
