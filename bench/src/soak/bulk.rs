//! Bulk sessions and slow readers: random bytes streamed through the relay to
//! the echo service and back, hashed with SHA-256 on both sides. A slow
//! reader is the same session with reads paced far below the sending rate.

use std::time::Duration;

use anyhow::bail;
use bytes::Bytes;
use sha2::{Digest, Sha256};

use super::{pace::Pacer, tally::Load, Ctx};
use crate::ws::{self, Received};

/// Time a session may take beyond what its rates need.
const SESSION_SLACK: Duration = Duration::from_secs(60);

/// What one kind of streaming session does.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    /// Bulk or slow reader.
    pub load: Load,
    /// Bytes per session.
    pub bytes: u64,
    /// Largest message; each is a random size up to it.
    pub max_message: usize,
    /// Sending rate, bytes/s (0: as fast as the relay takes them).
    pub send_per_s: f64,
    /// Reading rate, bytes/s (0: as fast as they come).
    pub read_per_s: f64,
}

impl Shape {
    /// How long a session may take before it counts as hung.
    pub fn limit(&self) -> Duration {
        let rate = [self.send_per_s, self.read_per_s]
            .into_iter()
            .filter(|r| *r > 0.0)
            .fold(f64::INFINITY, f64::min);
        let needed = if rate.is_finite() {
            self.bytes as f64 / rate
        } else {
            0.0
        };
        Duration::from_secs_f64(needed) + SESSION_SLACK
    }
}

/// Sessions one after another until the soak ends.
pub async fn worker(ctx: Ctx, shape: Shape) {
    while ctx.running() {
        match tokio::time::timeout(shape.limit(), session(&ctx, shape)).await {
            Ok(Ok(())) => ctx.tally.completed(shape.load),
            Ok(Err(err)) => ctx.tally.error(shape.load, "session", err),
            Err(_) => ctx.tally.error(shape.load, "hung", "over its time limit"),
        }
    }
}

/// One session: send `shape.bytes` random bytes while reading the echo, then
/// compare the two SHA-256 digests and close.
async fn session(ctx: &Ctx, shape: Shape) -> anyhow::Result<()> {
    let (mut tx, mut rx) = ctx.open_ws(&ctx.echo, 64 << 10).await?;
    let _open = ctx.tally.open();
    let writer = async {
        let mut rng = fastrand::Rng::new();
        let mut pacer = Pacer::new(shape.send_per_s);
        let mut hash = Sha256::new();
        let mut buf = vec![0u8; shape.max_message.max(1)];
        let mut sent = 0u64;
        while sent < shape.bytes {
            let len = rng.usize(1..=buf.len()).min((shape.bytes - sent) as usize);
            rng.fill(&mut buf[..len]);
            hash.update(&buf[..len]);
            pacer.take(len as f64).await;
            ws::send(&mut tx, Bytes::copy_from_slice(&buf[..len])).await?;
            sent += len as u64;
        }
        anyhow::Ok(hash.finalize())
    };
    let reader = async {
        let mut pacer = Pacer::new(shape.read_per_s);
        let mut hash = Sha256::new();
        let mut got = 0u64;
        while got < shape.bytes {
            match ws::recv_event(&mut rx).await? {
                Received::Data(data) => {
                    hash.update(&data);
                    got += data.len() as u64;
                    // The next read waits until this one's bytes are due.
                    pacer.take(data.len() as f64).await;
                }
                Received::Closed(ended) => {
                    ctx.tally.ended(shape.load, ended);
                    bail!(
                        "the relay ended the session after {got} of {} bytes",
                        shape.bytes
                    );
                }
            }
        }
        anyhow::Ok((hash.finalize(), got))
    };
    let (sent_hash, (echo_hash, got)) = tokio::try_join!(writer, reader)?;
    let matched = sent_hash == echo_hash && got == shape.bytes;
    ctx.tally.hashed(matched, shape.bytes);
    ctx.tally
        .we_closed(shape.load, ws::close(&mut tx, &mut rx).await);
    // A mismatch is counted as such, not as an error as well.
    Ok(())
}
