//! The bytes every sender writes, and how a receiver checks them.
//!
//! Byte `i` of a session's stream is `i % 251`. The period is prime, so no
//! chunk size lines up with it: a relay that drops, repeats or reorders any
//! run of bytes is caught wherever it happens.

use bytes::Bytes;

/// Length of the repeating pattern.
pub const PERIOD: usize = 251;

/// The stream pattern, long enough to hand out any chunk up to `max_chunk`
/// bytes as a zero-copy slice.
#[derive(Debug, Clone)]
pub struct Pattern {
    bytes: Bytes,
    max_chunk: usize,
}

impl Pattern {
    /// A pattern for chunks of at most `max_chunk` bytes.
    pub fn new(max_chunk: usize) -> Self {
        let max_chunk = max_chunk.max(1);
        let bytes: Vec<u8> = (0..max_chunk + PERIOD)
            .map(|i| (i % PERIOD) as u8)
            .collect();
        Self {
            bytes: bytes.into(),
            max_chunk,
        }
    }

    /// The `len` bytes of the stream starting at `offset`, without copying.
    pub fn chunk(&self, offset: u64, len: usize) -> Bytes {
        assert!(
            len <= self.max_chunk,
            "chunk longer than the pattern allows"
        );
        let start = (offset % PERIOD as u64) as usize;
        self.bytes.slice(start..start + len)
    }

    /// Whether `data` is exactly the stream's bytes at `offset` (any length).
    pub fn matches(&self, offset: u64, data: &[u8]) -> bool {
        let mut at = offset;
        data.chunks(self.max_chunk).all(|piece| {
            let ok = piece == self.chunk(at, piece.len());
            at += piece.len() as u64;
            ok
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_continue_the_stream() {
        let pattern = Pattern::new(1000);
        let whole: Vec<u8> = (0..5000u64).map(|i| (i % PERIOD as u64) as u8).collect();
        assert_eq!(pattern.chunk(0, 1000), whole[..1000]);
        assert_eq!(pattern.chunk(1234, 700), whole[1234..1934]);
        assert!(pattern.matches(17, &whole[17..4017]));
    }

    #[test]
    fn a_changed_or_shifted_byte_is_caught() {
        let pattern = Pattern::new(64);
        let mut data = pattern.chunk(100, 64).to_vec();
        assert!(pattern.matches(100, &data));
        assert!(!pattern.matches(101, &data));
        data[63] ^= 1;
        assert!(!pattern.matches(100, &data));
    }
}
