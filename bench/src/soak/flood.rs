//! Ping floods: a raw client that sends masked pings without pause and never
//! reads the pongs. A relay may drop such a client (its pongs pile up); that
//! disconnection is expected: the client counts it and floods again.

use std::{io::ErrorKind, time::Duration};

use tokio::{io::AsyncWriteExt, time::timeout_at};

use super::{pace::Pacer, raw::masked_ping, tally::Load, Ctx};

/// Pings per write.
const PINGS_PER_WRITE: usize = 16;
/// Pause before connecting again after a drop or a refusal.
const RECONNECT_PAUSE: Duration = Duration::from_millis(200);

/// One flooder: connect, flood until dropped, again, until the soak ends.
pub async fn flooder(ctx: Ctx, pings_per_s: f64) {
    let mut pacer = Pacer::new(pings_per_s);
    let mut rng = fastrand::Rng::new();
    while ctx.running() {
        // Refused is not expected: the flood opens an ordinary session.
        let Some(mut ws) = ctx.open_raw(Load::PingFlood, &ctx.echo_path(), &[]).await else {
            continue;
        };
        let _open = ctx.tally.open();
        let mut sent = 0u64;
        let dropped = loop {
            if !ctx.running() {
                break None;
            }
            let mut batch = Vec::new();
            for i in 0..PINGS_PER_WRITE {
                let payload = format!("flood {}", sent + i as u64);
                batch.extend(masked_ping(payload.as_bytes(), rng.u32(..).to_be_bytes()));
            }
            pacer.take(PINGS_PER_WRITE as f64).await;
            match timeout_at(ctx.deadline, ws.stream.write_all(&batch)).await {
                Ok(Ok(())) => sent += PINGS_PER_WRITE as u64,
                Ok(Err(err)) => break Some(err),
                Err(_) => {
                    // Still blocked when the soak ended: the relay stopped reading.
                    ctx.tally.add("ping-flood: writes blocked at the end", 1);
                    break None;
                }
            }
        };
        ctx.tally.add("ping-flood: pings sent", sent);
        match dropped {
            None => ctx.tally.completed(Load::PingFlood),
            Some(err) => {
                match err.kind() {
                    ErrorKind::ConnectionReset => ctx.tally.expected_drop(Load::PingFlood, "reset"),
                    ErrorKind::BrokenPipe => ctx
                        .tally
                        .expected_drop(Load::PingFlood, "broken pipe (EPIPE)"),
                    ErrorKind::ConnectionAborted | ErrorKind::UnexpectedEof => {
                        ctx.tally.expected_drop(Load::PingFlood, "closed")
                    }
                    _ => ctx.tally.error(Load::PingFlood, "write", err),
                }
                tokio::time::sleep(RECONNECT_PAUSE).await;
            }
        }
    }
}
