//! WebSocket frame headers (RFC 6455 §5.2), decoded from raw bytes as they
//! were on the wire. The page uses this to show frames the browser's API
//! never exposes; it is strict and never panics on malformed input.

use thiserror::Error;

/// A frame's opcode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opcode {
    /// 0x0: continues a fragmented message.
    Continuation,
    /// 0x1: UTF-8 text.
    Text,
    /// 0x2: binary data.
    Binary,
    /// 0x8: close, with an optional code and reason.
    Close,
    /// 0x9: ping.
    Ping,
    /// 0xA: pong.
    Pong,
}

impl Opcode {
    /// The opcode for a 4-bit value, or `None` for the reserved ones.
    pub fn from_bits(bits: u8) -> Option<Self> {
        Some(match bits {
            0x0 => Self::Continuation,
            0x1 => Self::Text,
            0x2 => Self::Binary,
            0x8 => Self::Close,
            0x9 => Self::Ping,
            0xA => Self::Pong,
            _ => return None,
        })
    }

    /// The 4-bit value on the wire.
    pub fn bits(self) -> u8 {
        match self {
            Self::Continuation => 0x0,
            Self::Text => 0x1,
            Self::Binary => 0x2,
            Self::Close => 0x8,
            Self::Ping => 0x9,
            Self::Pong => 0xA,
        }
    }

    /// Close, ping and pong are control frames.
    pub fn is_control(self) -> bool {
        matches!(self, Self::Close | Self::Ping | Self::Pong)
    }
}

/// How the payload length was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LengthEncoding {
    /// 0–125 in the 7-bit field.
    Short,
    /// 126, then a 16-bit length.
    Extended16,
    /// 127, then a 64-bit length.
    Extended64,
}

/// A decoded frame header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameHeader {
    /// Final fragment of a message.
    pub fin: bool,
    /// RSV1–3 bits (non-zero only with an extension such as permessage-deflate).
    pub rsv: u8,
    /// What the frame carries.
    pub opcode: Opcode,
    /// The masking key; every frame from a browser has one, none to it.
    pub mask: Option<[u8; 4]>,
    /// Payload length in bytes.
    pub payload_len: u64,
    /// How the length was encoded.
    pub length_encoding: LengthEncoding,
    /// Header size in bytes (2–14).
    pub header_len: usize,
}

/// One whole frame: its header and its payload, unmasked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// The header.
    pub header: FrameHeader,
    /// The payload after unmasking (as sent before masking).
    pub payload: Vec<u8>,
}

/// Why bytes are not a valid frame.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FrameError {
    /// Opcodes 0x3–0x7 and 0xB–0xF are reserved.
    #[error("reserved opcode {0:#x}")]
    ReservedOpcode(u8),
    /// Control frames carry at most 125 bytes.
    #[error("control frame with {0} bytes of payload (at most 125)")]
    ControlTooLong(u64),
    /// Control frames may not be fragmented.
    #[error("fragmented control frame")]
    FragmentedControl,
    /// The most significant bit of a 64-bit length must be 0.
    #[error("64-bit payload length has its top bit set")]
    LengthTopBit,
    /// Lengths must use the shortest encoding.
    #[error("payload length {0} not in its shortest encoding")]
    NonMinimalLength(u64),
    /// The payload is larger than this decoder will hold.
    #[error("payload of {0} bytes exceeds the decoder's limit")]
    TooLarge(u64),
}

/// Largest payload [`decode_frame`] accepts, to bound memory on hostile input.
pub const MAX_DECODED_PAYLOAD: u64 = 64 << 20;

/// Decodes the header at the start of `bytes`. `Ok(None)` means more bytes
/// are needed.
pub fn decode_header(bytes: &[u8]) -> Result<Option<FrameHeader>, FrameError> {
    let [b0, b1, ..] = *bytes else {
        return Ok(None);
    };
    let fin = b0 & 0x80 != 0;
    let rsv = (b0 >> 4) & 0x7;
    let opcode = Opcode::from_bits(b0 & 0x0F).ok_or(FrameError::ReservedOpcode(b0 & 0x0F))?;
    let masked = b1 & 0x80 != 0;
    let (payload_len, length_encoding, mut pos) = match b1 & 0x7F {
        126 => {
            let Some(ext) = bytes.get(2..4) else {
                return Ok(None);
            };
            let len = u64::from(u16::from_be_bytes([ext[0], ext[1]]));
            if len < 126 {
                return Err(FrameError::NonMinimalLength(len));
            }
            (len, LengthEncoding::Extended16, 4)
        }
        127 => {
            let Some(ext) = bytes.get(2..10) else {
                return Ok(None);
            };
            let mut raw = [0u8; 8];
            raw.copy_from_slice(ext);
            let len = u64::from_be_bytes(raw);
            if len >> 63 != 0 {
                return Err(FrameError::LengthTopBit);
            }
            if len <= 0xFFFF {
                return Err(FrameError::NonMinimalLength(len));
            }
            (len, LengthEncoding::Extended64, 10)
        }
        short => (u64::from(short), LengthEncoding::Short, 2),
    };
    if opcode.is_control() {
        if payload_len > 125 {
            return Err(FrameError::ControlTooLong(payload_len));
        }
        if !fin {
            return Err(FrameError::FragmentedControl);
        }
    }
    let mask = if masked {
        let Some(key) = bytes.get(pos..pos + 4) else {
            return Ok(None);
        };
        pos += 4;
        Some([key[0], key[1], key[2], key[3]])
    } else {
        None
    };
    Ok(Some(FrameHeader {
        fin,
        rsv,
        opcode,
        mask,
        payload_len,
        length_encoding,
        header_len: pos,
    }))
}

/// Decodes one whole frame at the start of `bytes`; returns it and how many
/// bytes it used. `Ok(None)` means more bytes are needed.
pub fn decode_frame(bytes: &[u8]) -> Result<Option<(Frame, usize)>, FrameError> {
    let Some(header) = decode_header(bytes)? else {
        return Ok(None);
    };
    if header.payload_len > MAX_DECODED_PAYLOAD {
        return Err(FrameError::TooLarge(header.payload_len));
    }
    // Fits in usize: bounded by MAX_DECODED_PAYLOAD above.
    let end = header.header_len + header.payload_len as usize;
    let Some(raw) = bytes.get(header.header_len..end) else {
        return Ok(None);
    };
    let mut payload = raw.to_vec();
    if let Some(key) = header.mask {
        apply_mask(&mut payload, key);
    }
    Ok(Some((Frame { header, payload }, end)))
}

/// XORs `data` with the masking key (masking and unmasking are the same).
pub fn apply_mask(data: &mut [u8], key: [u8; 4]) {
    for (i, byte) in data.iter_mut().enumerate() {
        *byte ^= key[i % 4];
    }
}

/// A close frame's payload: an optional code and a UTF-8 reason.
pub fn parse_close_payload(payload: &[u8]) -> Result<Option<(u16, String)>, FrameError> {
    match payload {
        [] => Ok(None),
        [_] => Err(FrameError::ControlTooLong(1)),
        [hi, lo, reason @ ..] => Ok(Some((
            u16::from_be_bytes([*hi, *lo]),
            String::from_utf8_lossy(reason).into_owned(),
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(bytes: &[u8]) -> Frame {
        let (frame, used) = decode_frame(bytes).unwrap().expect("a whole frame");
        assert_eq!(used, bytes.len());
        frame
    }

    // The examples of RFC 6455 §5.7, byte for byte.
    #[test]
    fn rfc_unmasked_text() {
        let f = one(&[0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f]);
        assert!(f.header.fin && f.header.mask.is_none());
        assert_eq!(
            (f.header.opcode, f.payload.as_slice()),
            (Opcode::Text, &b"Hello"[..])
        );
    }

    #[test]
    fn rfc_masked_text() {
        let f = one(&[
            0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58,
        ]);
        assert_eq!(f.header.mask, Some([0x37, 0xfa, 0x21, 0x3d]));
        assert_eq!(f.header.header_len, 6);
        assert_eq!(f.payload, b"Hello");
    }

    #[test]
    fn rfc_fragmented_text() {
        let first = one(&[0x01, 0x03, 0x48, 0x65, 0x6c]);
        assert!(!first.header.fin);
        assert_eq!(
            (first.header.opcode, first.payload.as_slice()),
            (Opcode::Text, &b"Hel"[..])
        );
        let last = one(&[0x80, 0x02, 0x6c, 0x6f]);
        assert!(last.header.fin);
        assert_eq!(
            (last.header.opcode, last.payload.as_slice()),
            (Opcode::Continuation, &b"lo"[..])
        );
    }

    #[test]
    fn rfc_ping_and_masked_pong() {
        let ping = one(&[0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f]);
        assert_eq!(
            (ping.header.opcode, ping.payload.as_slice()),
            (Opcode::Ping, &b"Hello"[..])
        );
        let pong = one(&[
            0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58,
        ]);
        assert_eq!(
            (pong.header.opcode, pong.payload.as_slice()),
            (Opcode::Pong, &b"Hello"[..])
        );
    }

    #[test]
    fn rfc_256_bytes_use_16_bit_length() {
        let mut bytes = vec![0x82, 0x7E, 0x01, 0x00];
        bytes.extend(std::iter::repeat_n(0xAB, 256));
        let f = one(&bytes);
        assert_eq!(f.header.length_encoding, LengthEncoding::Extended16);
        assert_eq!((f.header.payload_len, f.header.header_len), (256, 4));
    }

    #[test]
    fn rfc_64_kib_uses_64_bit_length() {
        let mut bytes = vec![0x82, 0x7F, 0, 0, 0, 0, 0, 0x01, 0x00, 0x00];
        bytes.extend(std::iter::repeat_n(0xCD, 65536));
        let f = one(&bytes);
        assert_eq!(f.header.length_encoding, LengthEncoding::Extended64);
        assert_eq!((f.header.payload_len, f.header.header_len), (65536, 10));
        assert!(f.payload.iter().all(|&b| b == 0xCD));
    }

    #[test]
    fn close_frame_code_and_reason() {
        let f = one(&[0x88, 0x07, 0x03, 0xF3, b'u', b'p', b' ', b'x', b'!']);
        assert_eq!(
            parse_close_payload(&f.payload).unwrap(),
            Some((1011, "up x!".into()))
        );
        assert_eq!(parse_close_payload(&[]).unwrap(), None);
        assert!(parse_close_payload(&[0x03]).is_err());
    }

    #[test]
    fn partial_input_asks_for_more() {
        let whole = [
            0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58,
        ];
        for cut in 0..whole.len() {
            assert_eq!(decode_frame(&whole[..cut]).unwrap(), None, "cut at {cut}");
        }
    }

    #[test]
    fn malformed_frames_are_errors() {
        assert_eq!(
            decode_header(&[0x83, 0x00]),
            Err(FrameError::ReservedOpcode(3))
        );
        assert_eq!(
            decode_header(&[0x89, 0x7E, 0x00, 0x80]),
            Err(FrameError::ControlTooLong(128))
        );
        assert_eq!(
            decode_header(&[0x09, 0x00]),
            Err(FrameError::FragmentedControl)
        );
        assert_eq!(
            decode_header(&[0x82, 0x7E, 0x00, 0x05]),
            Err(FrameError::NonMinimalLength(5))
        );
        assert_eq!(
            decode_header(&[0x82, 0x7F, 0x80, 0, 0, 0, 0, 0, 0, 0]),
            Err(FrameError::LengthTopBit)
        );
        assert_eq!(
            decode_header(&[0x82, 0x7F, 0, 0, 0, 0, 0, 0, 0x01, 0x00]),
            Err(FrameError::NonMinimalLength(256))
        );
        assert_eq!(
            decode_frame(&[0x82, 0x7F, 0, 0, 0, 0x10, 0, 0, 0, 0]),
            Err(FrameError::TooLarge(1 << 36))
        );
    }

    #[test]
    fn no_input_panics() {
        // Every 1-, 2- and 3-byte prefix, and a sweep of longer ones.
        for a in 0..=255u8 {
            for b in 0..=255u8 {
                let _ = decode_frame(&[a, b]);
                let _ = decode_frame(&[a, b, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]);
            }
        }
    }
}
