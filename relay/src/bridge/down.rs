//! TCP → browser, with the keepalive pings, the idle timeout and the drain
//! at shutdown.

use std::{
    cell::RefCell,
    future::{poll_fn, Future},
    io,
    pin::{pin, Pin},
    task::{ready, Poll},
    time::Duration,
};

use axum::extract::ws::Message;
use bytes::{BufMut, Bytes, BytesMut};
use futures_util::{Sink, SinkExt};
use protocol::{tap::TapSource, CloseCode};
use tokio::io::{AsyncRead, AsyncReadExt, ReadBuf};
use tokio_util::sync::CancellationToken;

use super::{activity::Activity, send_close, within, BridgeOptions, SHUTDOWN_REASON};

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

/// Reads up to this size go into the runtime thread's scratch buffer and are
/// copied out; a read that fills it switches the session to a buffer of its
/// own (up to `read_chunk_bytes`, no copy) until a read comes back shorter.
const SCRATCH_BYTES: usize = 4 << 10;

thread_local! {
    /// Shared by every session this thread runs: a session waiting for its
    /// TCP service holds no read buffer (a 64 KiB buffer's first page was
    /// resident in every session, bench/PROFILE.md).
    static SCRATCH: RefCell<Box<[u8]>> = RefCell::new(vec![0; SCRATCH_BYTES].into_boxed_slice());
}

/// Reads what the TCP service sent: into `own` when `streaming`, otherwise
/// into the thread's scratch buffer. Empty at EOF. Cancel-safe: each poll
/// either reads or leaves nothing half done.
fn read_some<'a, R: AsyncRead + Unpin>(
    tcp_read: &'a mut R,
    own: &'a mut BytesMut,
    streaming: bool,
    chunk_bytes: usize,
) -> impl Future<Output = io::Result<Bytes>> + 'a {
    poll_fn(move |cx| {
        if streaming {
            own.reserve(chunk_bytes);
            // The limit keeps every message within the WebSocket's write
            // buffer cap, however much room `reserve` found.
            let mut room = (&mut *own).limit(chunk_bytes);
            ready!(pin!(tcp_read.read_buf(&mut room)).poll(cx))?;
            return Poll::Ready(Ok(own.split().freeze()));
        }
        SCRATCH.with_borrow_mut(|scratch| {
            let len = chunk_bytes.min(scratch.len());
            let mut room = ReadBuf::new(&mut scratch[..len]);
            ready!(Pin::new(&mut *tcp_read).poll_read(cx, &mut room))?;
            Poll::Ready(Ok(Bytes::copy_from_slice(room.filled())))
        })
    })
}

/// TCP → browser, plus keepalive pings and the idle timeout. Returns after
/// sending the close that ends this direction. At shutdown it first delivers
/// what the TCP service already sent (see [`DRAIN_QUIET`]).
pub(super) async fn pump_down<R, S>(
    tcp_read: &mut R,
    ws_tx: &mut S,
    options: &BridgeOptions,
    shutdown: &CancellationToken,
    activity: &Activity,
    bytes: &mut u64,
) -> DownEnd
where
    R: AsyncRead + Unpin,
    S: Sink<Message> + Unpin,
{
    let silent_limit = options.keepalive * 2;
    let mut ticker = tokio::time::interval(options.keepalive);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticker.reset(); // the first tick is one period from now, not immediate

    // The session's own read buffer, only while data streams in.
    let mut own = BytesMut::new();
    let mut streaming = false;
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
        let incoming = read_some(tcp_read, &mut own, streaming, options.read_chunk_bytes);
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
            Ok(data) if data.is_empty() => {
                send_close(ws_tx, CloseCode::NORMAL, "upstream closed the connection").await;
                return DownEnd::UpstreamEof;
            }
            Ok(data) => {
                let n = data.len();
                streaming = n >= SCRATCH_BYTES;
                if !streaming && own.capacity() > 0 {
                    own = BytesMut::new();
                }
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
