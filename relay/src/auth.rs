//! Per-target tokens, and the subprotocol answer. Browsers cannot set
//! headers on a WebSocket, so a page passes a token as `?auth=TOKEN` or as
//! the subprotocol `auth.TOKEN`.
//!
//! websockify compatibility: a client offering the `binary` subprotocol (noVNC
//! and other websockify clients) gets `binary` back, and its frames are
//! bridged as they are. websockify's older `base64` subprotocol is not
//! supported.

use std::collections::HashMap;

use axum::http::{header, HeaderMap};
use protocol::api::{AUTH_QUERY, AUTH_SUBPROTOCOL_PREFIX};

/// The subprotocol websockify clients ask for.
pub const BINARY_SUBPROTOCOL: &str = "binary";

/// What a handshake offered.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Offer {
    /// The token, from the query or a subprotocol.
    pub token: Option<String>,
    /// The subprotocol to answer with, if any was offered that we speak.
    pub subprotocol: Option<String>,
}

/// Reads the token and the subprotocol to answer from a handshake.
pub fn read_offer(query: &HashMap<String, String>, headers: &HeaderMap) -> Offer {
    let offered: Vec<&str> = headers
        .get_all(header::SEC_WEBSOCKET_PROTOCOL)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let auth_protocol = offered
        .iter()
        .find(|p| p.starts_with(AUTH_SUBPROTOCOL_PREFIX));
    let token = query
        .get(AUTH_QUERY)
        .cloned()
        .or_else(|| auth_protocol.map(|p| p[AUTH_SUBPROTOCOL_PREFIX.len()..].to_owned()));
    // A browser fails the connection unless we answer one protocol it offered.
    let subprotocol = if offered.contains(&BINARY_SUBPROTOCOL) {
        Some(BINARY_SUBPROTOCOL.to_owned())
    } else {
        auth_protocol.map(|p| (*p).to_owned())
    };
    Offer { token, subprotocol }
}

/// Compares tokens in time independent of where they differ.
pub fn token_matches(expected: &str, given: Option<&str>) -> bool {
    let Some(given) = given else { return false };
    let (a, b) = (expected.as_bytes(), given.as_bytes());
    let mut diff = a.len() ^ b.len();
    for i in 0..a.len().max(b.len()) {
        diff |= usize::from(a.get(i).copied().unwrap_or(0) ^ b.get(i).copied().unwrap_or(0xFF));
    }
    diff == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offer(query: &[(&str, &str)], protocols: Option<&str>) -> Offer {
        let query = query
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let mut headers = HeaderMap::new();
        if let Some(p) = protocols {
            headers.insert(header::SEC_WEBSOCKET_PROTOCOL, p.parse().unwrap());
        }
        read_offer(&query, &headers)
    }

    #[test]
    fn token_from_query_or_subprotocol() {
        assert_eq!(
            offer(&[("auth", "s3cret")], None).token.as_deref(),
            Some("s3cret")
        );
        let o = offer(&[], Some("auth.s3cret"));
        assert_eq!(o.token.as_deref(), Some("s3cret"));
        assert_eq!(o.subprotocol.as_deref(), Some("auth.s3cret"));
        assert_eq!(offer(&[], None), Offer::default());
    }

    #[test]
    fn websockify_clients_get_binary() {
        assert_eq!(
            offer(&[], Some("binary")).subprotocol.as_deref(),
            Some("binary")
        );
        let o = offer(&[], Some("auth.t, binary"));
        assert_eq!(
            (o.token.as_deref(), o.subprotocol.as_deref()),
            (Some("t"), Some("binary"))
        );
        assert_eq!(offer(&[], Some("base64")).subprotocol, None);
    }

    #[test]
    fn tokens_compare_exactly() {
        assert!(token_matches("abc", Some("abc")));
        for wrong in [None, Some(""), Some("ab"), Some("abd"), Some("abcd")] {
            assert!(!token_matches("abc", wrong), "{wrong:?}");
        }
    }
}
