//! The plumbing the line-based services share: a connection read and
//! written as lines, the events of its turn, a seeded PRNG and the clock.

use std::{
    fmt::Display,
    time::{SystemTime, UNIX_EPOCH},
};

use protocol::scenarios::{LineBuffer, LineError, LINE_END};
use tokio::{
    io::{self, AsyncReadExt, AsyncWriteExt},
    net::{
        tcp::{OwnedReadHalf, OwnedWriteHalf},
        TcpStream,
    },
    sync::broadcast::{self, error::RecvError},
};
use tokio_util::sync::CancellationToken;

/// Messages a broadcast channel holds for its slowest reader before that
/// reader starts missing the oldest ones.
pub const BROADCAST_CAPACITY: usize = 256;

/// What a connection's next turn brings.
#[derive(Debug)]
pub(crate) enum Event<T> {
    /// A line from the client, or why it was dropped.
    Line(Result<String, LineError>),
    /// A message from the service's broadcast channel.
    Broadcast(T),
    /// This client fell behind and the channel dropped this many messages.
    Missed(u64),
    /// The client closed, the channel closed, or the service is shutting down.
    End,
}

/// One client's connection, read and written as lines.
pub(crate) struct LineConn {
    read: OwnedReadHalf,
    write: OwnedWriteHalf,
    lines: LineBuffer,
    chunk: Box<[u8]>,
    eof: bool,
}

impl LineConn {
    pub(crate) fn new(stream: TcpStream) -> Self {
        let (read, write) = stream.into_split();
        Self {
            read,
            write,
            lines: LineBuffer::new(),
            chunk: vec![0; 4096].into_boxed_slice(),
            eof: false,
        }
    }

    /// Sends `line` and its `\r\n`.
    pub(crate) async fn send(&mut self, line: impl Display) -> io::Result<()> {
        let text = format!("{line}{LINE_END}");
        self.write.write_all(text.as_bytes()).await
    }

    /// The next line from the client; `None` once it closed its side.
    /// Cancel-safe: progress is kept in `self` between awaits.
    pub(crate) async fn next_line(&mut self) -> io::Result<Option<Result<String, LineError>>> {
        loop {
            if let Some(line) = self.lines.next_line() {
                return Ok(Some(line));
            }
            if self.eof {
                return Ok(self.lines.finish());
            }
            let n = self.read.read(&mut self.chunk).await?;
            if n == 0 {
                self.eof = true;
            } else {
                self.lines.push(&self.chunk[..n]);
            }
        }
    }

    /// Waits for whichever comes first: a client line, a broadcast, or the end.
    pub(crate) async fn next_event<T: Clone>(
        &mut self,
        rx: &mut broadcast::Receiver<T>,
        shutdown: &CancellationToken,
    ) -> io::Result<Event<T>> {
        tokio::select! {
            line = self.next_line() => Ok(line?.map_or(Event::End, Event::Line)),
            message = rx.recv() => Ok(match message {
                Ok(message) => Event::Broadcast(message),
                Err(RecvError::Lagged(n)) => Event::Missed(n),
                Err(RecvError::Closed) => Event::End,
            }),
            () = shutdown.cancelled() => Ok(Event::End),
        }
    }
}

/// A small seeded PRNG (SplitMix64): enough for prices and coin spots, and
/// reproducible in tests.
#[derive(Debug, Clone)]
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform-enough in `0..n` (`n > 0`).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

/// A seed that differs from run to run.
pub(crate) fn clock_seed() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0x5EED)
}

/// Milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rng_is_reproducible_and_in_range() {
        let (mut a, mut b) = (Rng::new(7), Rng::new(7));
        let xs: Vec<u64> = (0..100).map(|_| a.below(10)).collect();
        let ys: Vec<u64> = (0..100).map(|_| b.below(10)).collect();
        assert_eq!(xs, ys);
        assert!(xs.iter().all(|x| *x < 10));
        assert!((0..10).all(|v| xs.contains(&v)), "every value shows up");
    }
}
