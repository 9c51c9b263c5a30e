//! Idle sessions: held open with no traffic (answering the relay's pings),
//! each for a random 1–4 minutes, then closed and replaced.

use std::time::Duration;

use tokio::time::{sleep_until, Instant};

use super::{tally::Load, Ctx};
use crate::ws::{self, Ended, Received};

/// Shortest and longest hold, seconds.
const HOLD_SECS: std::ops::RangeInclusive<u64> = 60..=240;
/// Opening one may take this long.
const OPEN_LIMIT: Duration = Duration::from_secs(15);

/// How a hold ended.
enum Held {
    /// We let go, at the end of the hold or of the soak.
    Released,
    /// The relay sent data or ended the session.
    Data,
    Ended(Ended),
}

/// One slot: an idle session, again and again, until the soak ends.
pub async fn holder(ctx: Ctx) {
    let mut rng = fastrand::Rng::new();
    while ctx.running() {
        let opened = tokio::time::timeout(OPEN_LIMIT, ctx.open_ws(&ctx.echo, 4 << 10)).await;
        let (mut tx, mut rx) = match opened {
            Ok(Ok(halves)) => halves,
            Ok(Err(err)) => {
                ctx.tally.error(Load::Idle, "connect", err);
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
            Err(_) => {
                ctx.tally
                    .error(Load::Idle, "hung", "opening took over 15 s");
                continue;
            }
        };
        let _open = ctx.tally.open();
        let until = (Instant::now() + Duration::from_secs(rng.u64(HOLD_SECS))).min(ctx.deadline);
        // Reading is what answers the relay's keepalive pings.
        let held = tokio::select! {
            () = sleep_until(until) => Held::Released,
            got = ws::recv_event(&mut rx) => match got {
                Ok(Received::Data(_)) => Held::Data,
                Ok(Received::Closed(ended)) => Held::Ended(ended),
                Err(err) => {
                    ctx.tally.error(Load::Idle, "receive", err);
                    continue;
                }
            },
        };
        match held {
            Held::Released => {
                ctx.tally.completed(Load::Idle);
                ctx.tally
                    .we_closed(Load::Idle, ws::close(&mut tx, &mut rx).await);
            }
            Held::Data => ctx
                .tally
                .error(Load::Idle, "data", "data on a silent session"),
            Held::Ended(ended) => {
                ctx.tally.ended(Load::Idle, ended);
                ctx.tally
                    .error(Load::Idle, "ended by the relay", "before its hold was over");
            }
        }
    }
}
