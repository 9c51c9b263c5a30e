//! The bridge between one WebSocket and one service: a TCP connection, a
//! Unix-domain socket, or a UDP socket.
//!
//! Binary frames carry the service's bytes unchanged in both directions; text
//! frames from the browser go out as their UTF-8 bytes. A stream's EOF becomes
//! a close 1000, a close from the browser shuts down the stream's write half.
//! For UDP each message is one datagram each way (`datagram.rs`). Every write
//! is awaited, so a slow side slows the other and nothing queues without bound.
//!
//! The bridge is generic over the WebSocket (`Sink` + `Stream` of messages)
//! and the service's halves (`service::ServiceRead` / `ServiceWrite`); it is
//! tested on real sockets (relay/tests). Browser → service is in `up.rs`,
//! service → browser with the keepalive, idle and shutdown handling in `down.rs`.

mod activity;
pub mod datagram;
mod down;
pub mod service;
mod up;

use std::{future::Future, sync::atomic::Ordering, task::Poll, time::Duration};

use axum::extract::ws::{CloseFrame, Message};
use futures_util::{Sink, SinkExt, Stream, StreamExt};
use protocol::{close::truncate_reason, CloseCode};
use tokio_util::sync::CancellationToken;

use crate::tap::TapSink;
use activity::Activity;
use down::{pump_down, DownEnd};
use service::{ServiceRead, ServiceWrite};
use up::{pump_up, UpEnd, UpResult};

/// How a session ended, for logs and metrics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BridgeEnd {
    /// The browser closed (or vanished) first.
    BrowserClosed,
    /// The service (TCP, Unix or UDP) closed its side; the browser got close 1000.
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
            Self::UpstreamClosed => f.write_str("the service closed the connection"),
            Self::UpstreamFailed(why) => write!(f, "the service side failed: {why}"),
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
    /// browser's; 1005 for one without a code); `None` when the connection
    /// ended without one (the browser then reports 1006).
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

/// Runs the bridge until both directions are done, the relay shuts down, or
/// one side fails. Sends the browser the matching close frame.
pub async fn bridge<W, E, R, T>(
    ws: W,
    mut service_read: R,
    service_write: T,
    options: &BridgeOptions,
    shutdown: &CancellationToken,
) -> BridgeReport
where
    W: Sink<Message, Error = E> + Stream<Item = Result<Message, E>> + Unpin,
    E: std::error::Error + 'static,
    R: ServiceRead,
    T: ServiceWrite,
{
    // The relay's token is one `Notify` for every session, and polling a
    // pending `cancelled()` takes that `Notify`'s lock: every message of every
    // session would, on both cores (bench/PROFILE.md). A child token has a
    // lock of its own, which only this session takes.
    let shutdown = &shutdown.child_token();
    let (mut ws_tx, ws_rx) = ws.split();
    let mut bytes_down = 0u64;
    let activity = Activity::new();

    let up = pump_up(ws_rx, service_write, options, &activity);
    tokio::pin!(up);
    let first = {
        let down = pump_down(
            &mut service_read,
            &mut ws_tx,
            options,
            shutdown,
            &activity,
            &mut bytes_down,
        );
        tokio::pin!(down);
        tokio::select! {
            ended = &mut up => First::Up(ended),
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

    let (end, close_code) = match first {
        First::Up((UpEnd::BrowserClosed(code), _ws_rx, _service_write)) => {
            (BridgeEnd::BrowserClosed, code)
        }
        First::Up((UpEnd::BrowserFailed(err, code), _ws_rx, _service_write)) => {
            if let Some(code) = code {
                send_close(&mut ws_tx, code, &err).await;
            }
            (BridgeEnd::BrowserFailed(err), code.map(|c| c.0))
        }
        First::Up((UpEnd::UpstreamWrite(err), mut ws_rx, _service_write)) => {
            let reason = format!("writing to {} failed: {err}", options.upstream_label);
            send_close(&mut ws_tx, CloseCode::UPSTREAM_ERROR, &reason).await;
            // The browser may still be sending: read (and drop) its frames
            // until its close reply, so our close isn't lost to a TCP reset.
            let reply = async { while let Some(Ok(_)) = ws_rx.next().await {} };
            let _timed_out = tokio::time::timeout(options.close_grace, reply).await;
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

enum First<S, T> {
    Up(UpResult<S, T>),
    Down(DownEnd),
}

/// [`tokio::time::timeout`], without its cost when `work` is done on its
/// first poll, as most writes are: the clock is read and the timer made only
/// once `work` has to wait (the limit counts from then).
async fn within<F: Future>(
    limit: Duration,
    work: F,
) -> Result<F::Output, tokio::time::error::Elapsed> {
    let mut work = std::pin::pin!(work);
    let first = std::future::poll_fn(|cx| Poll::Ready(work.as_mut().poll(cx))).await;
    match first {
        Poll::Ready(done) => Ok(done),
        Poll::Pending => tokio::time::timeout(limit, work).await,
    }
}

/// The close reason sent to every session when the relay shuts down.
pub const SHUTDOWN_REASON: &str = "relay is shutting down";

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
