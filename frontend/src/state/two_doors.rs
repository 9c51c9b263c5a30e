//! "The same service, two doors": the TCP echo through a WebSocket and
//! through WebTransport streams. What each door brought back, and whether
//! it is what was sent. Pure; the measuring is in `crate::two_doors_lab`.

use super::experiments::Outcome;

/// Connections opened through each door: WebSockets (each its own TCP
/// connection and handshake), or streams on one WebTransport session.
pub const CONNECTIONS: usize = 4;

/// Bytes sent through one connection of each door, and checked on return.
pub const BULK_BYTES: usize = 8 << 20;

/// Size of each write of the bulk transfer.
pub const CHUNK_BYTES: usize = 64 << 10;

/// The bulk transfer's byte at `offset`: a prime period, so a chunk lost,
/// repeated or moved shows.
pub fn pattern_byte(offset: usize) -> u8 {
    (offset % 251) as u8
}

/// The bulk transfer's chunk `index`.
pub fn pattern_chunk(index: usize) -> Vec<u8> {
    let start = index * CHUNK_BYTES;
    (start..start + CHUNK_BYTES).map(pattern_byte).collect()
}

/// The line connection `index` sends and expects back.
pub fn hello_line(index: usize) -> String {
    format!("hello {index}\n")
}

/// Returning bytes checked against the pattern as they arrive, none kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ByteCheck {
    /// Bytes received.
    pub got: usize,
    /// Where the first byte that differs from the pattern was.
    pub first_wrong: Option<usize>,
}

impl ByteCheck {
    /// Checks the next received bytes.
    pub fn push(&mut self, chunk: &[u8]) {
        if self.first_wrong.is_none() {
            let at = chunk
                .iter()
                .enumerate()
                .position(|(i, &b)| b != pattern_byte(self.got + i));
            self.first_wrong = at.map(|i| self.got + i);
        }
        self.got += chunk.len();
    }

    /// Every one of [`BULK_BYTES`] came back, unchanged, and nothing more.
    pub fn verified(&self) -> bool {
        self.got == BULK_BYTES && self.first_wrong.is_none()
    }
}

/// What one door did.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DoorRun {
    /// How many of the [`CONNECTIONS`] echoed their [`hello_line`].
    pub echoed: usize,
    /// The bulk transfer's bytes.
    pub bulk: ByteCheck,
    /// How long the bulk transfer took, milliseconds.
    pub bulk_ms: f64,
    /// Why it stopped short.
    pub problem: Option<String>,
}

impl DoorRun {
    /// Every connection echoed and the bulk bytes came back verified.
    pub fn ok(&self) -> bool {
        self.problem.is_none() && self.echoed == CONNECTIONS && self.bulk.verified()
    }

    /// Throughput of the bulk transfer, MB/s (10⁶ bytes).
    pub fn mb_per_s(&self) -> f64 {
        if self.bulk_ms <= 0.0 {
            return 0.0;
        }
        self.bulk.got as f64 / 1e3 / self.bulk_ms
    }
}

/// Both doors.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TwoDoorsResult {
    /// Through the relay's `/ws/echo`.
    pub websocket: DoorRun,
    /// Through its `/wt/echo`.
    pub webtransport: DoorRun,
}

impl TwoDoorsResult {
    /// Succeeded when both doors carried every byte unchanged.
    pub fn outcome(&self) -> Outcome {
        if self.websocket.ok() && self.webtransport.ok() {
            Outcome::Succeeded
        } else {
            Outcome::Error
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_of_it() -> ByteCheck {
        let mut check = ByteCheck::default();
        for i in 0..BULK_BYTES / CHUNK_BYTES {
            check.push(&pattern_chunk(i));
        }
        check
    }

    #[test]
    fn the_pattern_comes_back_verified_only_whole_and_unchanged() {
        assert!(all_of_it().verified());

        let mut short = ByteCheck::default();
        short.push(&pattern_chunk(0));
        assert!(!short.verified(), "one chunk is not 8 MiB");

        // A chunk repeated in place of the next: the same length, wrong bytes.
        let mut repeated = ByteCheck::default();
        repeated.push(&pattern_chunk(0));
        repeated.push(&pattern_chunk(0));
        assert_eq!(repeated.first_wrong, Some(CHUNK_BYTES));

        let mut chunk = pattern_chunk(0);
        chunk[100] ^= 1;
        let mut check = ByteCheck::default();
        check.push(&chunk);
        assert_eq!(check.first_wrong, Some(100));

        let mut more = all_of_it();
        more.push(&[0]);
        assert!(!more.verified(), "a byte too many");
    }

    #[test]
    fn both_doors_must_carry_everything() {
        let good = DoorRun {
            echoed: CONNECTIONS,
            bulk: all_of_it(),
            bulk_ms: 100.0,
            problem: None,
        };
        assert!((good.mb_per_s() - 83.886_08).abs() < 1e-6);
        let mut result = TwoDoorsResult {
            websocket: good.clone(),
            webtransport: good.clone(),
        };
        assert_eq!(result.outcome(), Outcome::Succeeded);
        result.webtransport.echoed -= 1;
        assert_eq!(result.outcome(), Outcome::Error, "a stream did not echo");
        result.webtransport = good.clone();
        result.websocket.problem = Some("closed".into());
        assert_eq!(result.outcome(), Outcome::Error);
        result.websocket = DoorRun {
            bulk: ByteCheck {
                got: BULK_BYTES,
                first_wrong: Some(7),
            },
            ..good
        };
        assert_eq!(result.outcome(), Outcome::Error, "a byte changed");
    }
}
