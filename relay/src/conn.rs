//! The relay's listener and its connections. Every accepted connection is
//! wrapped so that (1) its bytes can be recorded for a wire tap, and (2) a
//! client that does not send a complete request in time is dropped: a
//! slow-loris client that never finishes its upgrade holds nothing for long.

use std::{
    future::Future,
    io,
    net::SocketAddr,
    pin::Pin,
    sync::{
        atomic::{AtomicU64, AtomicU8, Ordering},
        Arc, OnceLock,
    },
    task::{Context, Poll},
    time::{Duration, Instant},
};

use axum::{extract::connect_info::Connected, serve::IncomingStream};
use tokio::{
    io::{AsyncRead, AsyncWrite, ReadBuf},
    net::{TcpListener, TcpStream},
    time::Sleep,
};

use crate::tap::ConnRecorder;

const AWAITING_REQUEST: u8 = 0;
const IN_REQUEST: u8 = 1;
const UPGRADED: u8 = 2;

/// What the connection and its request handlers share.
pub struct ConnShared {
    /// Records the connection's bytes if a session asks for a tap.
    pub recorder: ConnRecorder,
    phase: AtomicU8,
    /// When the connection began waiting for its next request, in ms since
    /// the process-wide epoch below.
    waiting_since_ms: AtomicU64,
    request_timeout: Duration,
}

fn epoch() -> Instant {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    *EPOCH.get_or_init(Instant::now)
}

fn now_ms() -> u64 {
    epoch().elapsed().as_millis() as u64
}

impl ConnShared {
    fn new(taps: bool, request_timeout: Duration) -> Self {
        Self {
            recorder: ConnRecorder::new(taps),
            phase: AtomicU8::new(AWAITING_REQUEST),
            waiting_since_ms: AtomicU64::new(now_ms()),
            request_timeout,
        }
    }

    /// A complete request head arrived: its handler is running.
    pub fn request_started(&self) {
        let _ = self.phase.compare_exchange(
            AWAITING_REQUEST,
            IN_REQUEST,
            Ordering::AcqRel,
            Ordering::Acquire,
        );
    }

    /// The connection became a WebSocket: no request deadline any more
    /// (sessions have their own keepalive and idle limits).
    pub fn upgraded(&self) {
        self.phase.store(UPGRADED, Ordering::Release);
    }

    /// A response was written: the next request must come in time too.
    fn response_written(&self) {
        if self
            .phase
            .compare_exchange(
                IN_REQUEST,
                AWAITING_REQUEST,
                Ordering::AcqRel,
                Ordering::Acquire,
            )
            .is_ok()
        {
            self.waiting_since_ms.store(now_ms(), Ordering::Release);
        }
    }

    /// When the wait for a request runs out, if one is awaited.
    fn request_due(&self) -> Option<Instant> {
        (self.phase.load(Ordering::Acquire) == AWAITING_REQUEST).then(|| {
            epoch()
                + Duration::from_millis(self.waiting_since_ms.load(Ordering::Acquire))
                + self.request_timeout
        })
    }
}

/// An accepted connection: reads and writes pass through unchanged, are
/// reported to the recorder, and fail once a request is overdue.
pub struct RelayStream {
    inner: TcpStream,
    shared: Arc<ConnShared>,
    timer: Option<Pin<Box<Sleep>>>,
}

impl RelayStream {
    /// Errors once the awaited request is overdue; otherwise arms a timer so
    /// this task wakes up when it would be.
    fn check_deadline(&mut self, cx: &mut Context<'_>) -> io::Result<()> {
        let Some(due) = self.shared.request_due() else {
            self.timer = None;
            return Ok(());
        };
        let due = tokio::time::Instant::from_std(due);
        let timer = self
            .timer
            .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(due)));
        if timer.deadline() != due {
            timer.as_mut().reset(due);
        }
        match timer.as_mut().poll(cx) {
            Poll::Ready(()) => Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "no complete request in time",
            )),
            Poll::Pending => Ok(()),
        }
    }
}

impl AsyncRead for RelayStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        if let Err(err) = this.check_deadline(cx) {
            return Poll::Ready(Err(err));
        }
        let before = buf.filled().len();
        let result = Pin::new(&mut this.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = result {
            this.shared.recorder.on_read(&buf.filled()[before..]);
        }
        result
    }
}

impl AsyncWrite for RelayStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        let result = Pin::new(&mut this.inner).poll_write(cx, data);
        if let Poll::Ready(Ok(n)) = result {
            this.shared.recorder.on_write(&data[..n]);
            this.shared.response_written();
        }
        result
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Who is on the other end of an HTTP connection, and what its handlers share
/// with the connection.
#[derive(Clone)]
pub struct Peer {
    /// The client's address.
    pub addr: SocketAddr,
    /// Shared with the connection.
    pub conn: Arc<ConnShared>,
}

impl std::fmt::Debug for Peer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.addr.fmt(f)
    }
}

/// The relay's listener.
pub struct RelayListener {
    inner: TcpListener,
    taps: bool,
    request_timeout: Duration,
}

impl RelayListener {
    /// Wraps a bound listener.
    pub fn new(inner: TcpListener, taps: bool, request_timeout: Duration) -> Self {
        Self {
            inner,
            taps,
            request_timeout,
        }
    }
}

impl axum::serve::Listener for RelayListener {
    type Io = RelayStream;
    type Addr = Peer;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        let mut backoff = Duration::from_millis(5);
        loop {
            match self.inner.accept().await {
                Ok((stream, addr)) => {
                    if let Err(err) = stream.set_nodelay(true) {
                        tracing::debug!(%err, "cannot set TCP_NODELAY");
                    }
                    let shared = Arc::new(ConnShared::new(self.taps, self.request_timeout));
                    let io = RelayStream {
                        inner: stream,
                        shared: shared.clone(),
                        timer: None,
                    };
                    return (io, Peer { addr, conn: shared });
                }
                Err(err) => {
                    // E.g. out of file descriptors: wait, then try again.
                    tracing::warn!(%err, "accept failed; retrying");
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(Duration::from_secs(1));
                }
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        Ok(Peer {
            addr: self.inner.local_addr()?,
            conn: Arc::new(ConnShared::new(false, self.request_timeout)),
        })
    }
}

impl Connected<IncomingStream<'_, RelayListener>> for Peer {
    fn connect_info(stream: IncomingStream<'_, RelayListener>) -> Self {
        stream.remote_addr().clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadline_is_armed_only_while_awaiting_a_request() {
        let conn = ConnShared::new(false, Duration::from_secs(10));
        assert!(
            conn.request_due().is_some(),
            "a new connection awaits its request"
        );
        conn.request_started();
        assert!(conn.request_due().is_none());
        conn.response_written();
        assert!(
            conn.request_due().is_some(),
            "keep-alive: the next request is awaited"
        );
        conn.request_started();
        conn.upgraded();
        conn.response_written(); // the 101
        assert!(
            conn.request_due().is_none(),
            "a WebSocket has no request deadline"
        );
    }
}
