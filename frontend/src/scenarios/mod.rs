//! The four live scenarios (chat, quotes, game, lamp): what each panel shows,
//! as pure reducers over the lines the relay's demo services send, plus the
//! traffic meter every panel shares. The line formats come from
//! [`protocol::scenarios`]; nothing here touches the browser.

pub mod chat;
pub mod game;
pub mod lamp;
pub mod quotes;
pub mod traffic;

/// The relay target of each scenario, as the relay names them.
pub use protocol::scenarios::targets;

/// Bytes of a WebSocket frame header for a payload of `payload_len` bytes:
/// 2, 4 or 10, plus the 4-byte masking key on frames a browser sends
/// (RFC 6455 §5.2). Server frames are unmasked.
pub fn frame_header_len(payload_len: usize, masked: bool) -> usize {
    let base = match payload_len {
        0..=125 => 2,
        126..=0xffff => 4,
        _ => 10,
    };
    base + if masked { 4 } else { 0 }
}

/// Bytes on the wire for one unfragmented frame: header plus payload.
pub fn frame_wire_bytes(payload_len: usize, masked: bool) -> u64 {
    (frame_header_len(payload_len, masked) + payload_len) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_headers_grow_with_the_payload_and_the_mask() {
        assert_eq!(frame_header_len(0, false), 2);
        assert_eq!(frame_header_len(125, false), 2);
        assert_eq!(frame_header_len(126, false), 4);
        assert_eq!(frame_header_len(65_535, false), 4);
        assert_eq!(frame_header_len(65_536, false), 10);
        assert_eq!(frame_header_len(5, true), 6);
        assert_eq!(frame_wire_bytes(40, false), 42);
        assert_eq!(frame_wire_bytes(200, true), 208);
    }
}
