//! Sessions to the fault-injecting service: stream pattern bytes and read
//! the echo until it is complete or the relay ends the session. How each
//! ended is counted by close code; only a hang, or bytes that came back
//! altered, is an error.

use std::time::Duration;

use anyhow::{bail, Context};

use super::{tally::Load, Ctx};
use crate::{
    payload::Pattern,
    ws::{self, Ended, Received},
};

/// Bytes each session sends.
const SESSION_BYTES: u64 = 1 << 20;
/// Size of each message.
const MESSAGE_BYTES: usize = 16 << 10;
/// A session past this has hung: the service's longest stall (75 s) plus the
/// relay's own limits.
pub const SESSION_LIMIT: Duration = Duration::from_secs(150);

/// How a session ended.
enum Outcome {
    /// Every byte came back; we close.
    Echoed,
    /// The relay ended it first.
    Ended(Ended),
}

/// Sessions one after another until the soak ends.
pub async fn worker(ctx: Ctx) {
    while ctx.running() {
        match tokio::time::timeout(SESSION_LIMIT, session(&ctx)).await {
            Ok(Ok(())) => ctx.tally.completed(Load::Faults),
            Ok(Err(err)) => ctx.tally.error(Load::Faults, "session", err),
            Err(_) => ctx
                .tally
                .error(Load::Faults, "hung", "a session took over 150 s"),
        }
    }
}

async fn session(ctx: &Ctx) -> anyhow::Result<()> {
    let (mut tx, mut rx) = ctx.open_ws(&ctx.faults, 64 << 10).await?;
    let _open = ctx.tally.open();
    let pattern = Pattern::new(MESSAGE_BYTES);
    let outcome = {
        let writer = async {
            let mut sent = 0u64;
            while sent < SESSION_BYTES {
                ws::send(&mut tx, pattern.chunk(sent, MESSAGE_BYTES)).await?;
                sent += MESSAGE_BYTES as u64;
            }
            anyhow::Ok(())
        };
        let reader = async {
            let mut got = 0u64;
            while got < SESSION_BYTES {
                match ws::recv_event(&mut rx).await? {
                    Received::Data(data) => {
                        if !pattern.matches(got, &data) {
                            bail!("echoed bytes differ from those sent, at offset {got}");
                        }
                        got += data.len() as u64;
                    }
                    Received::Closed(ended) => return Ok(Outcome::Ended(ended)),
                }
            }
            Ok(Outcome::Echoed)
        };
        tokio::pin!(writer, reader);
        tokio::select! {
            outcome = &mut reader => outcome?,
            // A failed send (the relay hung up) is reported by the reader.
            _sent = &mut writer => reader.await.context("after sending")?,
        }
    };
    match outcome {
        Outcome::Echoed => ctx
            .tally
            .we_closed(Load::Faults, ws::close(&mut tx, &mut rx).await),
        Outcome::Ended(ended) => ctx.tally.ended(Load::Faults, ended),
    }
    Ok(())
}
