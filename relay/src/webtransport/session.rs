//! One WebTransport session: its streams (a TCP or Unix target) or its
//! datagrams (a UDP target), until the page closes it, the relay shuts
//! down, or nothing moves for the idle timeout.

use std::{
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use protocol::api::wt_codes;
use tokio_util::{sync::CancellationToken, task::TaskTracker};
use wtransport::{Connection, VarInt};

use super::{
    datagram::{bridge_datagrams, DatagramEnd},
    stream::run_stream,
};
use crate::{
    address::Address,
    bridge::{datagram::Datagrams, SHUTDOWN_REASON},
    caps::SessionPermit,
    config::Limits,
    state::AppState,
    targets::Target,
    upstream::{connect_upstream, Upstream},
};

/// When data last moved on any of a session's streams or datagrams.
pub(super) struct Activity {
    start: Instant,
    data_ms: AtomicU64,
}

impl Activity {
    fn new() -> Self {
        Self {
            start: Instant::now(),
            data_ms: AtomicU64::new(0),
        }
    }

    /// Data moved just now.
    pub(super) fn data(&self) {
        let now = self.start.elapsed().as_millis() as u64;
        self.data_ms.store(now, Ordering::Relaxed);
    }

    /// Returns once nothing has moved for `limit`.
    async fn idle_for(&self, limit: Duration) {
        loop {
            let last = Duration::from_millis(self.data_ms.load(Ordering::Relaxed));
            let due = self.start + last + limit;
            if Instant::now() >= due {
                return;
            }
            tokio::time::sleep_until(due.into()).await;
        }
    }
}

/// Why a session ended.
#[derive(Debug)]
enum SessionEnd {
    /// The page closed it, or its connection was lost.
    PageClosed(String),
    /// The relay shut down.
    Shutdown,
    /// Nothing moved for the idle timeout.
    Idle,
    /// A UDP target's socket could not be made or written.
    UpstreamFailed(String),
}

impl SessionEnd {
    fn label(&self) -> &'static str {
        match self {
            Self::PageClosed(_) => "page_closed",
            Self::Shutdown => "shutdown",
            Self::Idle => "idle",
            Self::UpstreamFailed(_) => "upstream_failed",
        }
    }
}

/// Runs one accepted session to its end.
pub(super) async fn run_session(
    connection: Connection,
    target: Target,
    limits: Limits,
    origin: String,
    state: Arc<AppState>,
    _permit: SessionPermit,
) {
    let peer = connection.remote_address();
    state.metrics.webtransport_session_opened();
    let activity = Arc::new(Activity::new());
    // Cancelled when the session ends: its streams stop with it.
    let closing = state.shutdown.child_token();
    let streams = TaskTracker::new();
    let work = async {
        match &target.address {
            Address::Udp(_) => {
                serve_datagrams(&connection, &target, &limits, &activity, &state).await
            }
            _ => {
                serve_streams(
                    &connection,
                    &target,
                    &limits,
                    &activity,
                    &state,
                    &streams,
                    &closing,
                )
                .await
            }
        }
    };
    let end = tokio::select! {
        end = work => end,
        () = activity.idle_for(limits.idle_timeout) => SessionEnd::Idle,
        () = state.shutdown.cancelled() => SessionEnd::Shutdown,
    };
    let (code, reason): (u32, &str) = match &end {
        SessionEnd::Shutdown => (wt_codes::SESSION_SHUTDOWN, SHUTDOWN_REASON),
        SessionEnd::Idle => (wt_codes::SESSION_IDLE, "the session was idle too long"),
        SessionEnd::UpstreamFailed(_) => {
            (wt_codes::SESSION_UPSTREAM_FAILED, "the UDP service failed")
        }
        SessionEnd::PageClosed(_) => (0, ""),
    };
    closing.cancel();
    streams.close();
    // Streams reset themselves on `closing`; give them a moment to say so.
    let _ = tokio::time::timeout(limits.close_grace, streams.wait()).await;
    connection.close(VarInt::from_u32(code), reason.as_bytes());
    state.metrics.webtransport_session_ended(end.label());
    let detail = match &end {
        SessionEnd::PageClosed(why) | SessionEnd::UpstreamFailed(why) => why.as_str(),
        _ => "-",
    };
    tracing::info!(%peer, door = "webtransport", target = %target.name, address = %target.address, %origin, end = end.label(), code, %detail, "session closed");
}

/// A TCP or Unix target: each bidirectional stream is one connection to it.
async fn serve_streams(
    connection: &Connection,
    target: &Target,
    limits: &Limits,
    activity: &Arc<Activity>,
    state: &Arc<AppState>,
    streams: &TaskTracker,
    closing: &CancellationToken,
) -> SessionEnd {
    loop {
        tokio::select! {
            accepted = connection.accept_bi() => match accepted {
                Ok((send, recv)) => {
                    let stream = run_stream(
                        send,
                        recv,
                        target.clone(),
                        limits.clone(),
                        connection.remote_address(),
                        activity.clone(),
                        state.clone(),
                        closing.clone(),
                    );
                    streams.spawn(stream);
                }
                Err(err) => return SessionEnd::PageClosed(err.to_string()),
            },
            // The relay reads no unidirectional streams of the page's.
            accepted = connection.accept_uni() => match accepted {
                Ok(recv) => recv.stop(VarInt::from_u32(wt_codes::STREAM_WRONG_KIND)),
                Err(err) => return SessionEnd::PageClosed(err.to_string()),
            },
        }
    }
}

/// A UDP target: datagrams both ways; streams are refused.
async fn serve_datagrams(
    connection: &Connection,
    target: &Target,
    limits: &Limits,
    activity: &Activity,
    state: &AppState,
) -> SessionEnd {
    let (socket, to) = match connect_upstream(&target.address, limits.connect_timeout, None).await {
        Ok(Upstream::Udp(socket, to)) => (socket, to),
        Ok(_) => return SessionEnd::UpstreamFailed("not a UDP target".into()),
        Err(err) => return SessionEnd::UpstreamFailed(err.to_string()),
    };
    let (read, write) = Datagrams::new(socket, to, state.metrics.foreign_datagrams()).split();
    let refuse_streams = async {
        loop {
            match connection.accept_bi().await {
                Ok((mut send, recv)) => {
                    let code = VarInt::from_u32(wt_codes::STREAM_WRONG_KIND);
                    let _closed = send.reset(code);
                    recv.stop(code);
                }
                Err(err) => return err.to_string(),
            }
        }
    };
    tokio::select! {
        end = bridge_datagrams(connection, read, write, &target.name, limits.upstream_stall, activity, &state.metrics) => match end {
            DatagramEnd::PageGone(why) => SessionEnd::PageClosed(why),
            DatagramEnd::UpstreamFailed(why) => SessionEnd::UpstreamFailed(why),
        },
        why = refuse_streams => SessionEnd::PageClosed(why),
    }
}
