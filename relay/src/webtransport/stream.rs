//! One bidirectional WebTransport stream bridged to one connection to a TCP
//! or Unix target, with the bridge semantics of a WebSocket session: bytes
//! unchanged both ways; the page's FIN shuts down the service's write half,
//! the service's EOF finishes the stream; a service that resets (or fails)
//! resets the stream with [`wt_codes::STREAM_UPSTREAM_RESET`]; every write
//! is awaited, so QUIC flow control and TCP's own hold back the faster side.

use std::{io, net::SocketAddr, sync::Arc, time::Duration};

use protocol::api::wt_codes;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_util::sync::CancellationToken;
use wtransport::{RecvStream, SendStream, VarInt};

use super::session::Activity;
use crate::{
    bridge::service::{ServiceRead, ServiceWrite, StreamRead, StreamWrite},
    config::Limits,
    state::AppState,
    targets::Target,
    upstream::{connect_upstream, Upstream},
};

/// Why a stream ended.
#[derive(Debug)]
enum StreamEnd {
    /// Both directions finished.
    Closed,
    /// The service could not be reached.
    ConnectFailed(String),
    /// Reading from the service failed (a reset).
    UpstreamReset(String),
    /// Writing to the service failed or stalled.
    UpstreamWrite(String),
    /// The page reset or stopped the stream.
    PageReset(String),
    /// The page took no bytes for the stall limit.
    PageStalled,
    /// The session is ending.
    SessionClosing,
}

impl StreamEnd {
    fn label(&self) -> &'static str {
        match self {
            Self::Closed => "closed",
            Self::ConnectFailed(_) => "connect_failed",
            Self::UpstreamReset(_) => "upstream_reset",
            Self::UpstreamWrite(_) => "upstream_write_failed",
            Self::PageReset(_) => "page_reset",
            Self::PageStalled => "page_stalled",
            Self::SessionClosing => "session_closing",
        }
    }

    /// The code the page's side of the stream is reset with, if any.
    fn reset_code(&self) -> Option<u32> {
        match self {
            Self::Closed => None,
            // Dropped unfinished, quinn would finish the stream: a clean
            // end the service never gave.
            Self::PageReset(_) => Some(wt_codes::STREAM_PAGE_RESET),
            Self::ConnectFailed(_) => Some(wt_codes::STREAM_CONNECT_FAILED),
            Self::UpstreamReset(_) => Some(wt_codes::STREAM_UPSTREAM_RESET),
            Self::UpstreamWrite(_) => Some(wt_codes::STREAM_UPSTREAM_WRITE),
            Self::PageStalled => Some(wt_codes::STREAM_PAGE_STALLED),
            Self::SessionClosing => Some(wt_codes::STREAM_SESSION_CLOSING),
        }
    }
}

/// Connects to the target and bridges the stream to it until both
/// directions end, one side fails, or `closing` is cancelled.
#[allow(clippy::too_many_arguments)]
pub(super) async fn run_stream(
    mut send: SendStream,
    recv: RecvStream,
    target: Target,
    limits: Limits,
    peer: SocketAddr,
    activity: Arc<Activity>,
    state: Arc<AppState>,
    closing: CancellationToken,
) {
    let id = send.id().into_u64();
    let preamble = target
        .send_proxy
        .map(|version| version.header(peer, state.listen));
    let connect = connect_upstream(&target.address, limits.connect_timeout, preamble.as_deref());
    let upstream = tokio::select! {
        upstream = connect => upstream,
        () = closing.cancelled() => Err(crate::upstream::UpstreamError::TimedOut(Duration::ZERO)),
    };
    let pumps = Pumps {
        chunk: limits.read_chunk_bytes,
        upstream_stall: limits.upstream_stall,
        // As for a WebSocket: a page that cannot take one chunk in two
        // keepalive periods is gone.
        page_stall: limits.keepalive * 2,
        activity: &activity,
    };
    let (end, up, down) = match upstream {
        Ok(Upstream::Tcp(stream)) => {
            let (read, write) = stream.into_split();
            pumps.bridge(&mut send, recv, read, write, &closing).await
        }
        Ok(Upstream::Unix(stream)) => {
            let (read, write) = stream.into_split();
            pumps.bridge(&mut send, recv, read, write, &closing).await
        }
        Ok(Upstream::Udp(..)) => (StreamEnd::ConnectFailed("a UDP target".into()), 0, 0),
        Err(_) if closing.is_cancelled() => (StreamEnd::SessionClosing, 0, 0),
        Err(err) => (StreamEnd::ConnectFailed(err.to_string()), 0, 0),
    };
    if let Some(code) = end.reset_code() {
        // Already finished or reset: nothing more to say.
        let _closed = send.reset(VarInt::from_u32(code));
    }
    state
        .metrics
        .webtransport_stream_ended(&target.name, end.label(), up, down);
    let detail = match &end {
        StreamEnd::ConnectFailed(why)
        | StreamEnd::UpstreamReset(why)
        | StreamEnd::UpstreamWrite(why)
        | StreamEnd::PageReset(why) => why.as_str(),
        _ => "-",
    };
    tracing::info!(%peer, door = "webtransport", stream = id, target = %target.name, end = end.label(), bytes_up = up, bytes_down = down, %detail, "stream closed");
}

/// What both directions of a stream need.
struct Pumps<'a> {
    chunk: usize,
    upstream_stall: Duration,
    page_stall: Duration,
    activity: &'a Activity,
}

/// How one direction failed.
enum Fault {
    UpstreamRead(io::Error),
    UpstreamWrite(io::Error),
    PageRead(io::Error),
    PageWrite(io::Error),
}

impl Pumps<'_> {
    /// Runs both directions; returns how the stream ended and the bytes
    /// moved up (to the service) and down (to the page).
    async fn bridge<R, W>(
        &self,
        send: &mut SendStream,
        recv: RecvStream,
        service_read: R,
        service_write: W,
        closing: &CancellationToken,
    ) -> (StreamEnd, u64, u64)
    where
        R: AsyncRead + Unpin,
        W: AsyncWrite + Unpin,
    {
        let (mut up, mut down) = (0u64, 0u64);
        let mut page = StreamRead::new(recv);
        let mut service_read = StreamRead::new(service_read);
        let mut service_write = StreamWrite(service_write);
        let both = async {
            tokio::try_join!(
                self.page_to_service(&mut page, &mut service_write, &mut up),
                self.service_to_page(&mut service_read, send, &mut down),
            )
        };
        let end = tokio::select! {
            result = both => match result {
                Ok(((), ())) => StreamEnd::Closed,
                Err(Fault::UpstreamRead(err)) => StreamEnd::UpstreamReset(err.to_string()),
                Err(Fault::UpstreamWrite(err)) => StreamEnd::UpstreamWrite(err.to_string()),
                Err(Fault::PageRead(err)) => StreamEnd::PageReset(err.to_string()),
                Err(Fault::PageWrite(err)) if err.kind() == io::ErrorKind::TimedOut => StreamEnd::PageStalled,
                Err(Fault::PageWrite(err)) => StreamEnd::PageReset(err.to_string()),
            },
            () = closing.cancelled() => StreamEnd::SessionClosing,
        };
        (end, up, down)
    }

    /// Page → service; the page's FIN shuts down the service's write half.
    async fn page_to_service<W: ServiceWrite>(
        &self,
        page: &mut StreamRead<RecvStream>,
        service: &mut W,
        bytes: &mut u64,
    ) -> Result<(), Fault> {
        while let Some(data) = page.next_bytes(self.chunk).await.map_err(Fault::PageRead)? {
            service
                .send(&data, self.upstream_stall)
                .await
                .map_err(Fault::UpstreamWrite)?;
            *bytes += data.len() as u64;
            self.activity.data();
        }
        service.finish().await.map_err(Fault::UpstreamWrite)
    }

    /// Service → page; the service's EOF finishes the stream.
    async fn service_to_page<R: ServiceRead>(
        &self,
        service: &mut R,
        send: &mut SendStream,
        bytes: &mut u64,
    ) -> Result<(), Fault> {
        let mut page = StreamWrite(&mut *send);
        while let Some(data) = service
            .next_bytes(self.chunk)
            .await
            .map_err(Fault::UpstreamRead)?
        {
            page.send(&data, self.page_stall)
                .await
                .map_err(Fault::PageWrite)?;
            *bytes += data.len() as u64;
            self.activity.data();
        }
        // Completes when the page has acknowledged everything sent.
        match tokio::time::timeout(self.page_stall, send.finish()).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(err)) => Err(Fault::PageWrite(io::Error::other(err.to_string()))),
            Err(_) => Err(Fault::PageWrite(io::ErrorKind::TimedOut.into())),
        }
    }
}
