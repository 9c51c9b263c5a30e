//! Service → browser, with the keepalive pings, the idle timeout and the drain
//! at shutdown.

use std::time::Duration;

use axum::extract::ws::Message;
use futures_util::{Sink, SinkExt};
use protocol::{tap::TapSource, CloseCode};
use tokio_util::sync::CancellationToken;

use super::{
    activity::Activity, send_close, service::ServiceRead, within, BridgeOptions, SHUTDOWN_REASON,
};

pub(super) enum DownEnd {
    /// EOF from TCP; close 1000 sent.
    UpstreamEof,
    /// TCP read error; close 1011 sent.
    UpstreamRead(String),
    /// The browser side is gone; nothing more can be sent.
    BrowserGone,
    /// The browser stopped answering pings.
    BrowserSilent,
    /// No data for the idle timeout; close 1001 sent.
    Idle,
    /// The relay is shutting down: what the TCP service had sent was
    /// delivered, then close 1001 sent.
    Shutdown,
}

/// Once the relay is shutting down, the TCP service's bytes are still
/// forwarded until none arrived for this long (or `close_grace` passed).
const DRAIN_QUIET: Duration = Duration::from_millis(100);

/// Service → browser, plus keepalive pings and the idle timeout. Returns after
/// sending the close that ends this direction. At shutdown it first delivers
/// what the TCP service already sent (see [`DRAIN_QUIET`]).
pub(super) async fn pump_down<R, S>(
    service_read: &mut R,
    ws_tx: &mut S,
    options: &BridgeOptions,
    shutdown: &CancellationToken,
    activity: &Activity,
    bytes: &mut u64,
) -> DownEnd
where
    R: ServiceRead,
    S: Sink<Message> + Unpin,
{
    let silent_limit = options.keepalive * 2;
    let mut ticker = tokio::time::interval(options.keepalive);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticker.reset(); // the first tick is one period from now, not immediate

    // Registered once, not on every read.
    let shutting_down = shutdown.cancelled();
    tokio::pin!(shutting_down);
    // When draining must end, once the relay is shutting down.
    let mut drain_until: Option<tokio::time::Instant> = None;
    loop {
        if drain_until.is_some_and(|until| tokio::time::Instant::now() >= until) {
            send_close(ws_tx, CloseCode::GOING_AWAY, SHUTDOWN_REASON).await;
            return DownEnd::Shutdown;
        }
        let drained = async {
            match drain_until {
                Some(until) => {
                    let quiet = tokio::time::Instant::now() + DRAIN_QUIET;
                    tokio::time::sleep_until(until.min(quiet)).await;
                }
                None => std::future::pending().await,
            }
        };
        // Cancel-safe: a tick never loses bytes.
        let incoming = service_read.next_bytes(options.read_chunk_bytes);
        let read = tokio::select! {
            read = incoming => read,
            () = &mut shutting_down, if drain_until.is_none() => {
                drain_until = Some(tokio::time::Instant::now() + options.close_grace);
                continue;
            }
            () = drained => {
                send_close(ws_tx, CloseCode::GOING_AWAY, SHUTDOWN_REASON).await;
                return DownEnd::Shutdown;
            }
            _ = ticker.tick() => {
                if activity.browser_silent(silent_limit) {
                    return DownEnd::BrowserSilent;
                }
                let idle = activity.since(&activity.data_ms);
                if idle >= options.idle_timeout {
                    let reason = format!("no data for {} s: session closed as idle", idle.as_secs());
                    send_close(ws_tx, CloseCode::GOING_AWAY, &reason).await;
                    return DownEnd::Idle;
                }
                let ping = Message::Ping(bytes::Bytes::new());
                match within(silent_limit, ws_tx.send(ping)).await {
                    Ok(Ok(())) => continue,
                    Ok(Err(_)) => return DownEnd::BrowserGone,
                    Err(_) => return DownEnd::BrowserSilent,
                }
            }
        };
        match read {
            Ok(None) => {
                send_close(ws_tx, CloseCode::NORMAL, "upstream closed the connection").await;
                return DownEnd::UpstreamEof;
            }
            Ok(Some(data)) => {
                let n = data.len();
                if let Some(tap) = &options.tap {
                    tap.record(TapSource::UpstreamToRelay, &data);
                }
                activity.data();
                let message = Message::Binary(data);
                // A browser that cannot take one message for this long is gone.
                match within(silent_limit, ws_tx.send(message)).await {
                    Ok(Ok(())) => *bytes += n as u64,
                    Ok(Err(_)) => return DownEnd::BrowserGone,
                    Err(_) => return DownEnd::BrowserSilent,
                }
            }
            Err(err) => {
                let reason = format!("reading from {} failed: {err}", options.upstream_label);
                send_close(ws_tx, CloseCode::UPSTREAM_ERROR, &reason).await;
                return DownEnd::UpstreamRead(reason);
            }
        }
    }
}
