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
    sync::{
        atomic::{AtomicBool, AtomicU64, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use axum::extract::ws::{CloseFrame, Message};
use bytes::BytesMut;
use futures_util::{Sink, SinkExt, Stream, StreamExt};
use protocol::{close::truncate_reason, CloseCode};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio_util::{sync::CancellationToken, task::AbortOnDropHandle};

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
    /// The code of the close frame that ended the session (ours, or the
    /// browser's); `None` when the connection ended without one (the browser
    /// then reports 1006).
    pub close_code: Option<u16>,
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
    /// Close (1011) a session whose TCP service takes no bytes for this long.
    pub upstream_stall: Duration,
}

/// When each side was last heard from, in milliseconds since the session began.
struct Activity {
    start: Instant,
    heard_from_browser_ms: AtomicU64,
    data_ms: AtomicU64,
    /// Set while browser → TCP waits on the TCP service: the browser's frames
    /// (pongs included) are then unread, which is not the browser's fault.
    writing_upstream: AtomicBool,
    /// Bytes written to the TCP service so far.
    bytes_up: AtomicU64,
}

impl Activity {
    fn new() -> Self {
        Self {
            start: Instant::now(),
            heard_from_browser_ms: AtomicU64::new(0),
            data_ms: AtomicU64::new(0),
            writing_upstream: AtomicBool::new(false),
            bytes_up: AtomicU64::new(0),
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

    /// Nothing from the browser for `limit`, while we were listening.
    fn browser_silent(&self, limit: Duration) -> bool {
        !self.writing_upstream.load(Ordering::Relaxed)
            && self.since(&self.heard_from_browser_ms) > limit
    }
}

enum UpEnd {
    /// The browser ended the session; the code of its close frame, if it sent one.
    BrowserClosed(Option<u16>),
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
    /// The relay is shutting down: what the TCP service had sent was
    /// delivered, then close 1001 sent.
    Shutdown,
}

/// Runs the bridge until both directions are done, the relay shuts down, or
/// one side fails. Sends the browser the matching close frame.
///
/// Browser → TCP runs in a task of its own, so that the two directions of a
/// busy session use both cores (each direction's time is mostly spent in the
/// kernel, copying and waking the peer).
pub async fn bridge<W, E, R, T>(
    ws: W,
    mut tcp_read: R,
    tcp_write: T,
    options: &BridgeOptions,
    shutdown: &CancellationToken,
) -> BridgeReport
where
    W: Sink<Message, Error = E> + Stream<Item = Result<Message, E>> + Unpin + Send + 'static,
    E: std::error::Error + Send + Sync + 'static,
    R: AsyncRead + Unpin,
    T: AsyncWrite + Unpin + Send + 'static,
{
    let (mut ws_tx, ws_rx) = ws.split();
    let mut bytes_down = 0u64;
    let activity = Arc::new(Activity::new());

    let mut up = AbortOnDropHandle::new(tokio::spawn(pump_up(
        ws_rx,
        tcp_write,
        UpOptions::from(options),
        activity.clone(),
    )));
    let first = {
        let down = pump_down(
            &mut tcp_read,
            &mut ws_tx,
            options,
            shutdown,
            &activity,
            &mut bytes_down,
        );
        tokio::pin!(down);
        tokio::select! {
            joined = &mut up => First::Up(joined_up(joined)),
            end = &mut down => {
                if !matches!(end, DownEnd::BrowserGone | DownEnd::BrowserSilent) {
                    // Our close is on its way; keep forwarding what the browser
                    // sends until its close reply arrives, for at most
                    // `close_grace`. How that ends no longer matters.
                    let _close_reply = tokio::time::timeout(options.close_grace, &mut up).await;
                }
                First::Down(end)
            }
        }
    };
    up.abort();

    let (end, close_code) = match first {
        First::Up((UpEnd::BrowserClosed(code), _)) => (BridgeEnd::BrowserClosed, code),
        First::Up((UpEnd::BrowserFailed(err, code), _)) => {
            if let Some(code) = code {
                send_close(&mut ws_tx, code, &err).await;
            }
            (BridgeEnd::BrowserFailed(err), code.map(|c| c.0))
        }
        First::Up((UpEnd::UpstreamWrite(err), ws_rx)) => {
            let reason = format!("writing to {} failed: {err}", options.upstream_label);
            send_close(&mut ws_tx, CloseCode::UPSTREAM_ERROR, &reason).await;
            // The browser may still be sending: read (and drop) its frames
            // until its close reply, so our close isn't lost to a TCP reset.
            if let Some(mut ws_rx) = ws_rx {
                let reply = async { while let Some(Ok(_)) = ws_rx.next().await {} };
                let _timed_out = tokio::time::timeout(options.close_grace, reply).await;
            }
            (
                BridgeEnd::UpstreamFailed(reason),
                Some(CloseCode::UPSTREAM_ERROR.0),
            )
        }
        First::Down(DownEnd::UpstreamEof) => (BridgeEnd::UpstreamClosed, Some(CloseCode::NORMAL.0)),
        First::Down(DownEnd::UpstreamRead(reason)) => (
            BridgeEnd::UpstreamFailed(reason),
            Some(CloseCode::UPSTREAM_ERROR.0),
        ),
        First::Down(DownEnd::BrowserGone) => (BridgeEnd::BrowserClosed, None),
        First::Down(DownEnd::BrowserSilent) => (
            BridgeEnd::BrowserFailed("the browser stopped answering pings".into()),
            None,
        ),
        First::Down(DownEnd::Idle) => (BridgeEnd::Idle, Some(CloseCode::GOING_AWAY.0)),
        First::Down(DownEnd::Shutdown) => (BridgeEnd::Shutdown, Some(CloseCode::GOING_AWAY.0)),
    };
    BridgeReport {
        end,
        bytes_up: activity.bytes_up.load(Ordering::Relaxed),
        bytes_down,
        close_code,
    }
}

/// How the browser → TCP task ended, and the stream back if it can be read on.
type UpResult<S> = (UpEnd, Option<S>);

/// The browser → TCP task's result; a panic in it is reported, not spread.
fn joined_up<S>(joined: Result<UpResult<S>, tokio::task::JoinError>) -> UpResult<S> {
    joined.unwrap_or_else(|err| {
        tracing::error!(%err, "browser → TCP task failed");
        (
            UpEnd::BrowserFailed(format!("relay error: {err}"), None),
            None,
        )
    })
}

enum First<S> {
    Up(UpResult<S>),
    Down(DownEnd),
}

/// What browser → TCP needs of [`BridgeOptions`], owned by its task.
struct UpOptions {
    tap: Option<TapSink>,
    upstream_stall: Duration,
}

impl From<&BridgeOptions> for UpOptions {
    fn from(options: &BridgeOptions) -> Self {
        Self {
            tap: options.tap.clone(),
            upstream_stall: options.upstream_stall,
        }
    }
}

/// Browser → TCP. Returns when the WebSocket ends or the TCP write fails;
/// after a failed write, hands the stream back so the close reply can be read.
async fn pump_up<S, E, T>(
    mut ws_rx: S,
    mut tcp_write: T,
    options: UpOptions,
    activity: Arc<Activity>,
) -> UpResult<S>
where
    S: Stream<Item = Result<Message, E>> + Unpin,
    E: std::error::Error + 'static,
    T: AsyncWrite + Unpin,
{
    // The code of the browser's close frame, once it sent one.
    let mut saw_close: Option<Option<u16>> = None;
    loop {
        let next = ws_rx.next().await;
        activity.heard_from_browser();
        let data = match next {
            Some(Ok(Message::Binary(data))) => data,
            Some(Ok(Message::Text(text))) => text.into(),
            Some(Ok(Message::Close(frame))) => {
                // WebSocket close → TCP write shutdown. Keep polling: that sends
                // our close reply and ends the stream.
                saw_close = Some(frame.map(|f| f.code));
                if let Err(err) = tcp_write.shutdown().await {
                    tracing::debug!(%err, "upstream write shutdown failed");
                }
                continue;
            }
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
            Some(Err(_)) if saw_close.is_some() => {
                return (UpEnd::BrowserClosed(saw_close.flatten()), None)
            }
            Some(Err(err)) => {
                let end = UpEnd::BrowserFailed(err.to_string(), close_code_for(&err));
                return (end, None);
            }
            None => return (UpEnd::BrowserClosed(saw_close.flatten()), None),
        };
        activity.writing_upstream.store(true, Ordering::Relaxed);
        let written = write_all_or_stall(&mut tcp_write, &data, options.upstream_stall).await;
        activity.writing_upstream.store(false, Ordering::Relaxed);
        // Listening to the browser again from now: what it queued meanwhile
        // (pongs included) is read next.
        activity.heard_from_browser();
        if let Err(err) = written {
            return (UpEnd::UpstreamWrite(err), Some(ws_rx));
        }
        if let Some(tap) = &options.tap {
            tap.record(TapSource::RelayToUpstream, &data);
        }
        activity.data();
        activity
            .bytes_up
            .fetch_add(data.len() as u64, Ordering::Relaxed);
    }
}

/// Writes all of `data`, failing if the TCP service takes no bytes at all for
/// `stall_limit` (a slow reader that makes progress is waited for).
async fn write_all_or_stall<T: AsyncWrite + Unpin>(
    tcp_write: &mut T,
    mut data: &[u8],
    stall_limit: Duration,
) -> std::io::Result<()> {
    use std::io::{Error, ErrorKind};
    while !data.is_empty() {
        match tokio::time::timeout(stall_limit, tcp_write.write(data)).await {
            Ok(Ok(0)) => return Err(ErrorKind::WriteZero.into()),
            Ok(Ok(n)) => data = &data[n..],
            Ok(Err(err)) => return Err(err),
            Err(_) => {
                let why = format!("it took no data for {} s", stall_limit.as_secs_f32());
                return Err(Error::new(ErrorKind::TimedOut, why));
            }
        }
    }
    Ok(())
}

/// Once the relay is shutting down, the TCP service's bytes are still
/// forwarded until none arrived for this long (or `close_grace` passed).
const DRAIN_QUIET: Duration = Duration::from_millis(100);

/// TCP → browser, plus keepalive pings and the idle timeout. Returns after
/// sending the close that ends this direction. At shutdown it first delivers
/// what the TCP service already sent (see [`DRAIN_QUIET`]).
async fn pump_down<R, S>(
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
    let mut buf = BytesMut::with_capacity(options.read_chunk_bytes);
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
        buf.reserve(options.read_chunk_bytes);
        // `read_buf` is cancel-safe: a tick never loses bytes.
        let read = tokio::select! {
            read = tcp_read.read_buf(&mut buf) => read,
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

/// The close reason sent to every session when the relay shuts down.
pub const SHUTDOWN_REASON: &str = "relay is shutting down";

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
