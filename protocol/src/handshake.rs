//! The opening handshake's one computed value (RFC 6455 §4.2.2): the server
//! proves it read the client's key by answering
//! `Sec-WebSocket-Accept = base64(SHA-1(key + GUID))`.

use base64::{engine::general_purpose::STANDARD, Engine};
use sha1::{Digest, Sha1};

/// The GUID every WebSocket server appends to the client's key.
pub const WEBSOCKET_GUID: &str = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/// `Sec-WebSocket-Accept` for a `Sec-WebSocket-Key`.
pub fn accept_key(client_key: &str) -> String {
    let mut sha1 = Sha1::new();
    sha1.update(client_key.trim().as_bytes());
    sha1.update(WEBSOCKET_GUID.as_bytes());
    STANDARD.encode(sha1.finalize())
}

/// The value of header `name` (case-insensitive) in an HTTP head.
pub fn header_value<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().skip(1).find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.trim().eq_ignore_ascii_case(name).then(|| value.trim())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_6455_example() {
        // RFC 6455 §1.3.
        assert_eq!(
            accept_key("dGhlIHNhbXBsZSBub25jZQ=="),
            "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
        );
    }

    #[test]
    fn finds_headers_case_insensitively() {
        let head = "GET /ws/echo HTTP/1.1\r\nHost: x\r\nsec-websocket-key: abc==\r\n\r\n";
        assert_eq!(header_value(head, "Sec-WebSocket-Key"), Some("abc=="));
        assert_eq!(header_value(head, "Origin"), None);
    }
}
