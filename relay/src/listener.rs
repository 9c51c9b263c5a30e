//! The relay's listener and its connections. Every accepted connection is
//! wrapped so that (1) its bytes can be recorded for a wire tap, and (2) a
//! client that does not send a complete request in time is dropped: a
//! slow-loris client that never finishes its upgrade holds nothing for long.
//! Before that, a trusted proxy's PROXY header is read (with
//! `--proxy-protocol`) and TLS is set up, off the accept loop.

use std::{
    future::Future,
    io,
    net::{IpAddr, SocketAddr},
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
    sync::mpsc,
    time::Sleep,
};
use tokio_rustls::{server::TlsStream, TlsAcceptor};

use crate::{
    conn_tap::ConnTap,
    proxy_protocol::{read_header, Rewind},
};

const AWAITING_REQUEST: u8 = 0;
const IN_REQUEST: u8 = 1;
const UPGRADED: u8 = 2;

/// What the connection and its request handlers share.
pub struct ConnShared {
    /// Records the connection's bytes if a session asks for a tap.
    pub tap: ConnTap,
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
            tap: ConnTap::new(taps),
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

/// A TCP connection, with any bytes read past its PROXY header.
type Tcp = Rewind<TcpStream>;

/// The transport under a connection.
pub enum Transport {
    /// Plain TCP.
    Plain(Tcp),
    /// TLS over TCP (boxed: a TLS session is large).
    Tls(Box<TlsStream<Tcp>>),
}

impl AsyncRead for Transport {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Self::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Self::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Transport {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Self::Plain(s) => Pin::new(s).poll_write(cx, data),
            Self::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, data),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Self::Plain(s) => Pin::new(s).poll_flush(cx),
            Self::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Self::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Self::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

/// An accepted connection: reads and writes pass through unchanged, are
/// reported to its tap, and fail once a request is overdue.
pub struct RelayStream {
    inner: Transport,
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
            this.shared.tap.on_read(&buf.filled()[before..]);
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
            this.shared.tap.on_write(&data[..n]);
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

/// The relay's listener. PROXY headers and TLS handshakes are read in their
/// own tasks (under the request deadline), so one slow client never holds up
/// the others.
pub struct RelayListener {
    local: SocketAddr,
    source: Source,
    taps: bool,
    request_timeout: Duration,
}

/// Where [`RelayListener`] gets its connections.
enum Source {
    /// Plain HTTP with no PROXY headers: straight from the socket, with no
    /// hand-over between tasks.
    Direct(TcpListener, Backoff),
    /// From the accept loop, after the PROXY header and TLS handshake.
    Queued(mpsc::Receiver<(Transport, SocketAddr)>),
}

/// Connections accepted but not yet taken by the server.
const ACCEPT_QUEUE: usize = 1024;

/// What happens to a connection between `accept` and HTTP.
#[derive(Clone, Default)]
pub struct Handshake {
    /// Make every connection TLS.
    pub tls: Option<TlsAcceptor>,
    /// Read a PROXY header first on connections from these peers (and only
    /// from them); empty without `--proxy-protocol`.
    pub proxy_protocol_from: Vec<IpAddr>,
}

impl RelayListener {
    /// Wraps a bound listener; `handshake` says what precedes HTTP.
    pub fn new(
        inner: TcpListener,
        taps: bool,
        request_timeout: Duration,
        handshake: Handshake,
    ) -> io::Result<Self> {
        let local = inner.local_addr()?;
        let source = if handshake.tls.is_none() && handshake.proxy_protocol_from.is_empty() {
            Source::Direct(inner, Backoff::default())
        } else {
            let (tx, accepted) = mpsc::channel(ACCEPT_QUEUE);
            tokio::spawn(accept_loop(inner, tx, handshake, request_timeout));
            Source::Queued(accepted)
        };
        Ok(Self {
            local,
            source,
            taps,
            request_timeout,
        })
    }
}

/// The pause before retrying a failed `accept`, doubling up to 1 s.
struct Backoff(Duration);

impl Default for Backoff {
    fn default() -> Self {
        Self(Duration::from_millis(5))
    }
}

/// The next TCP connection, with Nagle off. A failed accept (e.g. out of file
/// descriptors) is logged and retried after a growing pause.
async fn accept_tcp(listener: &TcpListener, backoff: &mut Backoff) -> (TcpStream, SocketAddr) {
    loop {
        match listener.accept().await {
            Ok((stream, addr)) => {
                *backoff = Backoff::default();
                if let Err(err) = stream.set_nodelay(true) {
                    tracing::debug!(%err, "cannot set TCP_NODELAY");
                }
                return (stream, addr);
            }
            Err(err) => {
                tracing::warn!(%err, "accept failed; retrying");
                tokio::time::sleep(backoff.0).await;
                backoff.0 = (backoff.0 * 2).min(Duration::from_secs(1));
            }
        }
    }
}

/// Accepts TCP connections until the listener is dropped.
async fn accept_loop(
    listener: TcpListener,
    tx: mpsc::Sender<(Transport, SocketAddr)>,
    handshake: Handshake,
    handshake_timeout: Duration,
) {
    let handshake = Arc::new(handshake);
    let mut backoff = Backoff::default();
    loop {
        let (stream, addr) = tokio::select! {
            accepted = accept_tcp(&listener, &mut backoff) => accepted,
            () = tx.closed() => return,
        };
        // `to_canonical`: an IPv6 listener sees IPv4 proxies as `::ffff:a.b.c.d`.
        let proxied = handshake
            .proxy_protocol_from
            .contains(&addr.ip().to_canonical());
        if handshake.tls.is_none() && !proxied {
            if tx
                .send((Transport::Plain(Rewind::plain(stream)), addr))
                .await
                .is_err()
            {
                return;
            }
            continue;
        }
        let (handshake, tx) = (handshake.clone(), tx.clone());
        tokio::spawn(async move {
            let ready = tokio::time::timeout(
                handshake_timeout,
                prepare(stream, addr, proxied, handshake.tls.as_ref()),
            );
            match ready.await {
                Ok(Some(ready)) => {
                    let _server_gone = tx.send(ready).await;
                }
                Ok(None) => {}
                Err(_) if proxied => {
                    tracing::info!(peer = ?addr, "PROXY header or TLS handshake timed out")
                }
                Err(_) => tracing::info!(peer = ?addr, "TLS handshake timed out"),
            }
        });
    }
}

/// Reads the PROXY header (if `proxied`) and does the TLS handshake (if
/// `tls`); returns the transport and the client's address, or logs why not.
async fn prepare(
    stream: TcpStream,
    peer: SocketAddr,
    proxied: bool,
    tls: Option<&TlsAcceptor>,
) -> Option<(Transport, SocketAddr)> {
    let (stream, client) = if proxied {
        match read_header(stream).await {
            Ok((header, stream)) => {
                let client = header.source.unwrap_or(peer);
                tracing::debug!(proxy = ?peer, ?client, "PROXY header");
                (stream, client)
            }
            Err(err) => {
                tracing::warn!(proxy = ?peer, %err, "PROXY header refused; connection closed");
                return None;
            }
        }
    } else {
        (Rewind::plain(stream), peer)
    };
    let Some(acceptor) = tls else {
        return Some((Transport::Plain(stream), client));
    };
    match acceptor.accept(stream).await {
        Ok(tls) => Some((Transport::Tls(Box::new(tls)), client)),
        Err(err) => {
            tracing::info!(peer = ?client, %err, "TLS handshake failed");
            None
        }
    }
}

impl axum::serve::Listener for RelayListener {
    type Io = RelayStream;
    type Addr = Peer;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        let (transport, addr) = match &mut self.source {
            Source::Direct(listener, backoff) => {
                let (stream, addr) = accept_tcp(listener, backoff).await;
                (Transport::Plain(Rewind::plain(stream)), addr)
            }
            Source::Queued(accepted) => match accepted.recv().await {
                Some(accepted) => accepted,
                // The accept loop only ends when we are dropped; never resolve.
                None => return std::future::pending().await,
            },
        };
        let shared = Arc::new(ConnShared::new(self.taps, self.request_timeout));
        let io = RelayStream {
            inner: transport,
            shared: shared.clone(),
            timer: None,
        };
        (io, Peer { addr, conn: shared })
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        Ok(Peer {
            addr: self.local,
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
