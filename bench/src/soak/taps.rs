//! Unread wire taps: open `/tap`, read its hello (the tap id), then never
//! read it again while sessions opened with `?tap=<id>` carry echo traffic;
//! after a while drop the tap unread and open another. A relay may refuse a
//! tap (429 per address, 503 relay-wide): that is expected and counted.

use std::time::Duration;

use anyhow::{bail, Context};
use bytes::Bytes;
use protocol::tap::{TapHello, TAP_PATH, TAP_QUERY};
use tokio::time::Instant;

use super::{pace::Pacer, tally::Load, Ctx};
use crate::{
    cli::Target,
    conn::{Conn, ConnOptions},
    payload::Pattern,
};

/// Size of each tapped round trip.
const TAPPED_MESSAGE_BYTES: usize = 4 << 10;
/// Round trips per second on each tapped session.
const TAPPED_ROUND_TRIPS_PER_S: f64 = 20.0;
/// Round trips before a tapped session is closed and another opened.
const ROUND_TRIPS_PER_SESSION: u64 = 200;
/// The hello, and each round trip, may take this long.
const STEP_LIMIT: Duration = Duration::from_secs(15);

/// One slot: a tap held unread with `sessions` tapped sessions, replaced
/// every `hold`, until the soak ends.
pub async fn tap_slot(ctx: Ctx, sessions: usize, hold: Duration) {
    while ctx.running() {
        // A cap on taps (429 per address, 503 relay-wide) is expected.
        let Some(mut tap) = ctx.open_raw(Load::Tap, TAP_PATH, &[429, 503]).await else {
            continue;
        };
        let _open = ctx.tally.open();
        let hello = match tokio::time::timeout(STEP_LIMIT, tap.read_frame()).await {
            Ok(Ok(frame)) => serde_json::from_slice::<TapHello>(&frame.payload),
            Ok(Err(err)) => {
                ctx.tally.error(Load::Tap, "hello", err);
                continue;
            }
            Err(_) => {
                ctx.tally.error(Load::Tap, "hung", "no hello within 15 s");
                continue;
            }
        };
        let id = match hello {
            Ok(hello) => hello.tap,
            Err(err) => {
                ctx.tally.error(Load::Tap, "hello", err);
                continue;
            }
        };
        let until = (Instant::now() + hold).min(ctx.deadline);
        let tapped = (0..sessions).map(|_| tapped(&ctx, &id, until));
        futures_util::future::join_all(tapped).await;
        ctx.tally.completed(Load::Tap);
        // Dropped unread: the kernel resets the connection, bytes unread.
    }
}

/// Tapped echo sessions, one after another, until `until`.
async fn tapped(ctx: &Ctx, id: &str, until: Instant) {
    let Target::Ws { url, addr } = &ctx.echo else {
        unreachable!("the soak's targets are WebSocket URLs")
    };
    let target = Target::Ws {
        url: format!("{url}?{TAP_QUERY}={id}"),
        addr: addr.clone(),
    };
    let mut pacer = Pacer::new(TAPPED_ROUND_TRIPS_PER_S);
    while Instant::now() < until {
        match session(ctx, &target, &mut pacer, until).await {
            Ok(()) => ctx.tally.completed(Load::Tapped),
            Err(err) => ctx.tally.error(Load::Tapped, "session", err),
        }
    }
}

/// Round trips of pattern bytes on one tapped session, then a clean close.
async fn session(
    ctx: &Ctx,
    target: &Target,
    pacer: &mut Pacer,
    until: Instant,
) -> anyhow::Result<()> {
    let options = ConnOptions {
        read_buffer_bytes: 16 << 10,
    };
    let mut conn = tokio::time::timeout(STEP_LIMIT, Conn::open(target, options))
        .await
        .context("opening took over 15 s")??;
    let _open = ctx.tally.open();
    let pattern = Pattern::new(TAPPED_MESSAGE_BYTES);
    for i in 0..ROUND_TRIPS_PER_SESSION {
        if Instant::now() >= until {
            break;
        }
        pacer.take(1.0).await;
        let offset = i * TAPPED_MESSAGE_BYTES as u64;
        let message: Bytes = pattern.chunk(offset, TAPPED_MESSAGE_BYTES);
        let echoed = tokio::time::timeout(STEP_LIMIT, conn.round_trip(message))
            .await
            .context("a round trip took over 15 s")??;
        if !pattern.matches(offset, &echoed) {
            bail!("round trip {i}: the echo differs from the message sent");
        }
        ctx.tally.add("tapped: round trips", 1);
    }
    ctx.tally.we_closed(Load::Tapped, conn.close().await);
    Ok(())
}
