//! The bridge between one WebSocket and one TCP connection.
//!
//! Binary frames carry TCP bytes unchanged in both directions; text frames
//! from the browser go out as their UTF-8 bytes. TCP EOF becomes a close 1000,
//! a close from the browser shuts down the TCP write half. Every write is
//! awaited, so a slow side slows the other and nothing queues without bound.
//!
//! The bridge is generic over the WebSocket (`Sink` + `Stream` of messages)
//! and the TCP halves (`AsyncRead` / `AsyncWrite`), so it is unit-tested with
//! in-memory pipes and integration-tested on real sockets.

use std::{
    sync::atomic::{AtomicU64, Ordering},
    time::{Duration, Instant},
};

use axum::extract::ws::{CloseFrame, Message};
use bytes::BytesMut;
use futures_util::{Sink, SinkExt, Stream, StreamExt};
use protocol::{close::truncate_reason, CloseCode};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio_util::sync::CancellationToken;

use crate::tap::TapSink;
use protocol::tap::TapSource;

/// How a session ended, for logs and metrics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BridgeEnd {
    /// The browser closed (or vanished) first.
    BrowserClosed,
    /// The TCP service closed its side; the browser got close 1000.
    UpstreamClosed,
    /// Reading from or writing to the TCP service failed; the browser got 1011.
    UpstreamFailed(String),
    /// The WebSocket failed (protocol error, oversized message, reset).
    BrowserFailed(String),
    /// The relay is shutting down; the browser got 1001.
    Shutdown,
    /// No data moved for the idle timeout; the browser got 1001.
    Idle,
}

impl BridgeEnd {
    /// A short label for metrics.
    pub fn label(&self) -> &'static str {
        match self {
            Self::BrowserClosed => "browser_closed",
            Self::UpstreamClosed => "upstream_closed",
            Self::UpstreamFailed(_) => "upstream_failed",
            Self::BrowserFailed(_) => "browser_failed",
            Self::Shutdown => "shutdown",
            Self::Idle => "idle",
        }
    }
}

impl std::fmt::Display for BridgeEnd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::BrowserClosed => f.write_str("the browser closed the session"),
            Self::UpstreamClosed => f.write_str("the TCP service closed the connection"),
            Self::UpstreamFailed(why) => write!(f, "TCP side failed: {why}"),
            Self::BrowserFailed(why) => write!(f, "WebSocket side failed: {why}"),
            Self::Shutdown => f.write_str("the relay shut down"),
            Self::Idle => f.write_str("the session was idle too long"),
        }
    }
}

/// What one session did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BridgeReport {
    /// How it ended.
    pub end: BridgeEnd,
    /// Bytes written to the TCP service.
    pub bytes_up: u64,
    /// Bytes sent to the browser.
    pub bytes_down: u64,
}

/// Tunables of one bridge.
#[derive(Debug, Clone)]
pub struct BridgeOptions {
    /// Largest chunk read from TCP and sent as one binary message.
    pub read_chunk_bytes: usize,
    /// How long to wait for the browser's close reply after sending ours.
    pub close_grace: Duration,
    /// Names the upstream in close reasons.
    pub upstream_label: String,
    /// Where to record the TCP side's bytes, for a tapped session.
    pub tap: Option<TapSink>,
    /// Ping the browser this often; a browser silent for twice as long (no
    /// pong, no message), or that cannot take one message in that time, is gone.
    pub keepalive: Duration,
    /// Close (1001) a session that carried no data either way for this long.
    pub idle_timeout: Duration,
}

/// When each side was last heard from, in milliseconds since the session began.
struct Activity {
    start: Instant,
    heard_from_browser_ms: AtomicU64,
    data_ms: AtomicU64,
}

impl Activity {
    fn new() -> Self {
        Self {
            start: Instant::now(),
            heard_from_browser_ms: AtomicU64::new(0),
            data_ms: AtomicU64::new(0),
        }
    }

    fn now_ms(&self) -> u64 {
        self.start.elapsed().as_millis() as u64
    }

    fn heard_from_browser(&self) {
        self.heard_from_browser_ms
            .store(self.now_ms(), Ordering::Relaxed);
    }

    fn data(&self) {
        self.data_ms.store(self.now_ms(), Ordering::Relaxed);
    }

    fn since(&self, mark: &AtomicU64) -> Duration {
        Duration::from_millis(self.now_ms().saturating_sub(mark.load(Ordering::Relaxed)))
    }
}

enum UpEnd {
    BrowserClosed,
    /// The WebSocket failed; the close code to tell the browser, if any.
    BrowserFailed(String, Option<CloseCode>),
    UpstreamWrite(std::io::Error),
}

enum DownEnd {
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
}

/// Runs the bridge until both directions are done, the relay shuts down, or
/// one side fails. Sends the browser the matching close frame.
pub async fn bridge<W, E, R, T>(
    ws: W,
    mut tcp_read: R,
    mut tcp_write: T,
    options: &BridgeOptions,
    shutdown: &CancellationToken,
) -> BridgeReport
where
    W: Sink<Message, Error = E> + Stream<Item = Result<Message, E>> + Unpin,
    E: std::error::Error + 'static,
    R: AsyncRead + Unpin,
    T: AsyncWrite + Unpin,
{
    let (mut ws_tx, mut ws_rx) = ws.split();
    let mut bytes_up = 0u64;
    let mut bytes_down = 0u64;
    let activity = Activity::new();

    let first = {
        let up = pump_up(
            &mut ws_rx,
            &mut tcp_write,
            options.tap.as_ref(),
            &activity,
            &mut bytes_up,
        );
        let down = pump_down(
            &mut tcp_read,
            &mut ws_tx,
            options,
            &activity,
            &mut bytes_down,
        );
        tokio::pin!(up, down);
        tokio::select! {
            end = &mut up => First::Up(end),
            end = &mut down => {
                if !matches!(end, DownEnd::BrowserGone | DownEnd::BrowserSilent) {
                    // Our close is on its way; keep forwarding what the browser
                    // sends until its close reply arrives, for at most
                    // `close_grace`. How that ends no longer matters.
                    let _close_reply = tokio::time::timeout(options.close_grace, &mut up).await;
                }
                First::Down(end)
            }
            () = shutdown.cancelled() => First::Shutdown,
        }
    };

    let end = match first {
        First::Up(UpEnd::BrowserClosed) => BridgeEnd::BrowserClosed,
        First::Up(UpEnd::BrowserFailed(err, code)) => {
            if let Some(code) = code {
                send_close(&mut ws_tx, code, &err).await;
            }
            BridgeEnd::BrowserFailed(err)
        }
        First::Up(UpEnd::UpstreamWrite(err)) => {
            let reason = format!("writing to {} failed: {err}", options.upstream_label);
            send_close(&mut ws_tx, CloseCode::UPSTREAM_ERROR, &reason).await;
            BridgeEnd::UpstreamFailed(reason)
        }
        First::Down(DownEnd::UpstreamEof) => BridgeEnd::UpstreamClosed,
        First::Down(DownEnd::UpstreamRead(reason)) => BridgeEnd::UpstreamFailed(reason),
        First::Down(DownEnd::BrowserGone) => BridgeEnd::BrowserClosed,
        First::Down(DownEnd::BrowserSilent) => {
            BridgeEnd::BrowserFailed("the browser stopped answering pings".into())
        }
        First::Down(DownEnd::Idle) => BridgeEnd::Idle,
        First::Shutdown => {
            send_close(&mut ws_tx, CloseCode::GOING_AWAY, "relay is shutting down").await;
            // Let the close reply arrive so the browser sees a clean 1001.
            let drain = async { while let Some(Ok(_)) = ws_rx.next().await {} };
            let _timed_out = tokio::time::timeout(options.close_grace, drain).await;
            BridgeEnd::Shutdown
        }
    };
    BridgeReport {
        end,
        bytes_up,
        bytes_down,
    }
}

enum First {
    Up(UpEnd),
    Down(DownEnd),
    Shutdown,
}

/// Browser → TCP. Returns when the WebSocket ends or the TCP write fails.
async fn pump_up<S, E, T>(
    ws_rx: &mut S,
    tcp_write: &mut T,
    tap: Option<&TapSink>,
    activity: &Activity,
    bytes: &mut u64,
) -> UpEnd
where
    S: Stream<Item = Result<Message, E>> + Unpin,
    E: std::error::Error + 'static,
    T: AsyncWrite + Unpin,
{
    let mut saw_close = false;
    loop {
        let next = ws_rx.next().await;
        activity.heard_from_browser();
        let data = match next {
            Some(Ok(Message::Binary(data))) => data,
            Some(Ok(Message::Text(text))) => text.into(),
            Some(Ok(Message::Close(_))) => {
                // WebSocket close → TCP write shutdown. Keep polling: that sends
                // our close reply and ends the stream.
                saw_close = true;
                if let Err(err) = tcp_write.shutdown().await {
                    tracing::debug!(%err, "upstream write shutdown failed");
                }
                continue;
            }
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
            Some(Err(_)) if saw_close => return UpEnd::BrowserClosed,
            Some(Err(err)) => return UpEnd::BrowserFailed(err.to_string(), close_code_for(&err)),
            None => return UpEnd::BrowserClosed,
        };
        if let Err(err) = tcp_write.write_all(&data).await {
            return UpEnd::UpstreamWrite(err);
        }
        if let Some(tap) = tap {
            tap.record(TapSource::RelayToUpstream, &data);
        }
        activity.data();
        *bytes += data.len() as u64;
    }
}

/// TCP → browser, plus keepalive pings and the idle timeout. Returns after
/// sending the close that ends this direction.
async fn pump_down<R, S>(
    tcp_read: &mut R,
    ws_tx: &mut S,
    options: &BridgeOptions,
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
    let mut buf = BytesMut::with_capacity(options.read_chunk_bytes);
    loop {
        buf.reserve(options.read_chunk_bytes);
        // `read_buf` is cancel-safe: a tick never loses bytes.
        let read = tokio::select! {
            read = tcp_read.read_buf(&mut buf) => read,
            _ = ticker.tick() => {
                if activity.since(&activity.heard_from_browser_ms) > silent_limit {
                    return DownEnd::BrowserSilent;
                }
                let idle = activity.since(&activity.data_ms);
                if idle >= options.idle_timeout {
                    let reason = format!("no data for {} s: session closed as idle", idle.as_secs());
                    send_close(ws_tx, CloseCode::GOING_AWAY, &reason).await;
                    return DownEnd::Idle;
                }
                let ping = Message::Ping(bytes::Bytes::new());
                match tokio::time::timeout(silent_limit, ws_tx.send(ping)).await {
                    Ok(Ok(())) => continue,
                    Ok(Err(_)) => return DownEnd::BrowserGone,
                    Err(_) => return DownEnd::BrowserSilent,
                }
            }
        };
        match read {
            Ok(0) => {
                send_close(ws_tx, CloseCode::NORMAL, "upstream closed the connection").await;
                return DownEnd::UpstreamEof;
            }
            Ok(n) => {
                if let Some(tap) = &options.tap {
                    tap.record(TapSource::UpstreamToRelay, &buf);
                }
                activity.data();
                let message = Message::Binary(buf.split().freeze());
                // A browser that cannot take one message for this long is gone.
                match tokio::time::timeout(silent_limit, ws_tx.send(message)).await {
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

/// The close code for a WebSocket error from the browser's side (RFC 6455
/// §7.4.1), found by looking for tungstenite's error in the source chain.
fn close_code_for(err: &(dyn std::error::Error + 'static)) -> Option<CloseCode> {
    use tokio_tungstenite::tungstenite::Error as WsError;
    let mut current = Some(err);
    while let Some(e) = current {
        if let Some(ws) = e.downcast_ref::<WsError>() {
            return match ws {
                WsError::Capacity(_) => Some(CloseCode::TOO_BIG),
                WsError::Utf8(_) => Some(CloseCode::INVALID_PAYLOAD),
                WsError::Protocol(_) => Some(CloseCode::PROTOCOL_ERROR),
                _ => None,
            };
        }
        current = e.source();
    }
    None
}

/// Sends a close frame; a browser that is already gone is not an error.
pub async fn send_close<S: Sink<Message> + Unpin>(ws_tx: &mut S, code: CloseCode, reason: &str) {
    let frame = CloseFrame {
        code: code.0,
        reason: truncate_reason(reason).into(),
    };
    if ws_tx.send(Message::Close(Some(frame))).await.is_err() {
        tracing::debug!(code = code.0, "browser gone before close frame");
    }
}
