//! Handshake churn: connect, one echo round trip, close, again and again.

use std::time::Duration;

use anyhow::ensure;
use bytes::Bytes;

use super::{pace::Pacer, tally::Load, Ctx};
use crate::conn::{Closed, Conn, ConnOptions};

/// A cycle that takes longer than this has hung.
pub const CYCLE_LIMIT: Duration = Duration::from_secs(15);

/// One worker: `per_s` cycles a second until the soak ends.
pub async fn worker(ctx: Ctx, id: usize, per_s: f64) {
    let mut pacer = Pacer::new(per_s);
    let mut seq = 0u64;
    while ctx.running() {
        pacer.take(1.0).await;
        seq += 1;
        match tokio::time::timeout(CYCLE_LIMIT, cycle(&ctx, id, seq)).await {
            Ok(Ok(closed)) => {
                ctx.tally.completed(Load::Churn);
                ctx.tally.we_closed(Load::Churn, Ok(closed));
            }
            Ok(Err((stage, err))) => ctx.tally.error(Load::Churn, stage, err),
            Err(_) => ctx
                .tally
                .error(Load::Churn, "hung", "a cycle took over 15 s"),
        }
    }
}

/// Connect, a round trip of a message naming the cycle, close.
async fn cycle(ctx: &Ctx, id: usize, seq: u64) -> Result<Closed, (&'static str, anyhow::Error)> {
    let options = ConnOptions {
        read_buffer_bytes: 4 << 10,
    };
    let mut conn = Conn::open(&ctx.echo, options)
        .await
        .map_err(|e| ("connect", e))?;
    let _open = ctx.tally.open();
    let message = Bytes::from(format!("churn {id} {seq}"));
    let echoed = async {
        let echoed = conn.round_trip(message.clone()).await?;
        ensure!(echoed == message, "the echo differs from the message sent");
        anyhow::Ok(())
    };
    echoed.await.map_err(|e| ("echo", e))?;
    conn.close().await.map_err(|e| ("close", e))
}
