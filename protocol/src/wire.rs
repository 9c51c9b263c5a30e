//! Reassembles one direction of a tapped WebSocket connection: first the
//! HTTP head of the upgrade (request or 101 response), then frames. Bytes
//! arrive in arbitrary chunks; items come out whole.

use crate::frame::{decode_frame, FrameError, FrameHeader};

/// Longest HTTP head accepted before giving up.
pub const MAX_HEAD_BYTES: usize = 16 << 10;

/// Something whole seen on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WireItem {
    /// The HTTP upgrade request or response, up to and including the blank line.
    Head(String),
    /// One frame.
    Frame(WireFrame),
    /// The stream could not be parsed further; later bytes are ignored.
    Error(String),
}

/// A frame with the bytes it had on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireFrame {
    /// The decoded header.
    pub header: FrameHeader,
    /// The header bytes exactly as sent (2–14 bytes).
    pub header_bytes: Vec<u8>,
    /// The payload as sent (masked, for frames from a browser).
    pub wire_payload: Vec<u8>,
    /// The payload after unmasking.
    pub payload: Vec<u8>,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Phase {
    #[default]
    Head,
    Frames,
    Broken,
}

/// Parser for one direction of a connection.
#[derive(Debug, Default, Clone)]
pub struct WireParser {
    phase: Phase,
    buf: Vec<u8>,
}

impl WireParser {
    /// A parser expecting an HTTP head first.
    pub fn new() -> Self {
        Self::default()
    }

    /// A parser for a stream that is already past the handshake.
    pub fn frames_only() -> Self {
        Self {
            phase: Phase::Frames,
            buf: Vec::new(),
        }
    }

    /// Feeds bytes; returns every item they complete.
    pub fn push(&mut self, bytes: &[u8]) -> Vec<WireItem> {
        if self.phase == Phase::Broken {
            return Vec::new();
        }
        self.buf.extend_from_slice(bytes);
        let mut items = Vec::new();
        loop {
            match self.phase {
                Phase::Broken => break,
                Phase::Head => match find_blank_line(&self.buf) {
                    Some(end) => {
                        let head: Vec<u8> = self.buf.drain(..end).collect();
                        items.push(WireItem::Head(String::from_utf8_lossy(&head).into_owned()));
                        self.phase = Phase::Frames;
                    }
                    None if self.buf.len() > MAX_HEAD_BYTES => {
                        self.fail(
                            &mut items,
                            format!("no end of HTTP head in {MAX_HEAD_BYTES} bytes"),
                        );
                    }
                    None => break,
                },
                Phase::Frames => match decode_frame(&self.buf) {
                    Ok(Some((frame, used))) => {
                        let header_len = frame.header.header_len;
                        let wire: Vec<u8> = self.buf.drain(..used).collect();
                        items.push(WireItem::Frame(WireFrame {
                            header_bytes: wire[..header_len].to_vec(),
                            wire_payload: wire[header_len..].to_vec(),
                            payload: frame.payload,
                            header: frame.header,
                        }));
                    }
                    Ok(None) => break,
                    Err(err) => self.fail(&mut items, frame_error_text(&err)),
                },
            }
        }
        items
    }

    fn fail(&mut self, items: &mut Vec<WireItem>, why: String) {
        items.push(WireItem::Error(why));
        self.phase = Phase::Broken;
        self.buf = Vec::new();
    }
}

fn frame_error_text(err: &FrameError) -> String {
    format!("malformed frame: {err}")
}

fn find_blank_line(buf: &[u8]) -> Option<usize> {
    buf.windows(4).position(|w| w == b"\r\n\r\n").map(|i| i + 4)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::Opcode;

    const REQUEST: &[u8] =
        b"GET /ws/echo HTTP/1.1\r\nHost: x\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";
    const MASKED_HELLO: [u8; 11] = [
        0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58,
    ];

    #[test]
    fn head_then_frames_in_any_chunking() {
        let mut stream = REQUEST.to_vec();
        stream.extend_from_slice(&MASKED_HELLO);
        stream.extend_from_slice(&[0x88, 0x02, 0x03, 0xE8]); // close 1000, unmasked
        for chunk in [1, 3, 7, stream.len()] {
            let mut parser = WireParser::new();
            let items: Vec<WireItem> = stream.chunks(chunk).flat_map(|c| parser.push(c)).collect();
            assert_eq!(items.len(), 3, "chunk size {chunk}");
            assert!(
                matches!(&items[0], WireItem::Head(h) if h.starts_with("GET /ws/echo") && h.ends_with("\r\n\r\n"))
            );
            let WireItem::Frame(hello) = &items[1] else {
                panic!("{:?}", items[1])
            };
            assert_eq!(hello.header_bytes, MASKED_HELLO[..6]);
            assert_eq!(hello.wire_payload, MASKED_HELLO[6..]);
            assert_eq!(hello.payload, b"Hello");
            let WireItem::Frame(close) = &items[2] else {
                panic!()
            };
            assert_eq!(close.header.opcode, Opcode::Close);
        }
    }

    #[test]
    fn garbage_stops_the_parser_with_one_error() {
        let mut parser = WireParser::frames_only();
        let items = parser.push(&[0x83, 0x00, 0x81, 0x00]);
        assert_eq!(
            items,
            vec![WireItem::Error(
                "malformed frame: reserved opcode 0x3".into()
            )]
        );
        assert!(parser.push(&MASKED_HELLO).is_empty());
    }

    #[test]
    fn endless_head_is_an_error_not_a_leak() {
        let mut parser = WireParser::new();
        let items = parser.push(&vec![b'a'; MAX_HEAD_BYTES + 1]);
        assert!(matches!(&items[..], [WireItem::Error(_)]));
    }
}
