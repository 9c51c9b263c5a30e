//! One accepted connection, as HTTP sees it: its transport (plain or TLS),
//! what its request handlers share with it ([`ConnShared`]: the wire tap's
//! recorder and the request deadline), and [`RelayStream`], which reports
//! every byte to the tap and fails once a request is overdue, so a slow-loris
//! client that never finishes its upgrade holds nothing for long.

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

use bytes::{Buf, BufMut, BytesMut};
use tokio::{
    io::{AsyncRead, AsyncReadExt, AsyncWrite, ReadBuf},
    net::TcpStream,
    time::Sleep,
};
use tokio_rustls::server::TlsStream;

use crate::{conn_tap::ConnTap, proxy_protocol::Rewind};

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
    pub(crate) fn new(taps: bool, request_timeout: Duration) -> Self {
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
pub(crate) type Tcp = Rewind<TcpStream>;

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

/// How much a connection reads at a time while data streams in (see
/// [`RelayStream`]): a 64 KiB WebSocket message took 17 reads of tungstenite's
/// 4 KiB, and those system calls were most of what the relay spent per GiB
/// beyond a plain TCP hop (bench/PROFILE.md).
const READ_AHEAD_BYTES: usize = 64 << 10;

/// An accepted connection: reads and writes pass through unchanged, are
/// reported to its tap, and fail once a request is overdue.
///
/// A read that fills its caller's buffer (more is likely waiting) switches
/// the connection to reading [`READ_AHEAD_BYTES`] at a time into a buffer of
/// its own, handed out from there, until a read brings no more than its
/// caller asked for. The buffer lives only while reads find data waiting: a
/// connection that trickles, or went quiet, holds none.
pub struct RelayStream {
    inner: Transport,
    shared: Arc<ConnShared>,
    timer: Option<Pin<Box<Sleep>>>,
    /// Read from `inner`, not yet handed out.
    ahead: BytesMut,
    /// The last read filled its caller's buffer, or brought more.
    streaming: bool,
}

impl RelayStream {
    /// Wraps an accepted transport; `shared` goes to its request handlers.
    pub(crate) fn new(inner: Transport, shared: Arc<ConnShared>) -> Self {
        Self {
            inner,
            shared,
            timer: None,
            ahead: BytesMut::new(),
            streaming: false,
        }
    }

    /// Hands out what was read ahead; frees the buffer once a stream ended.
    fn hand_out(&mut self, buf: &mut ReadBuf<'_>) {
        let n = self.ahead.len().min(buf.remaining());
        buf.put_slice(&self.ahead[..n]);
        self.ahead.advance(n);
        if self.ahead.is_empty() && !self.streaming {
            self.ahead = BytesMut::new();
        }
    }

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
        if !this.ahead.is_empty() {
            this.hand_out(buf);
            return Poll::Ready(Ok(()));
        }
        if let Err(err) = this.check_deadline(cx) {
            return Poll::Ready(Err(err));
        }
        let wanted = buf.remaining();
        if this.streaming && wanted < READ_AHEAD_BYTES {
            this.ahead.reserve(READ_AHEAD_BYTES);
            let mut room = (&mut this.ahead).limit(READ_AHEAD_BYTES);
            let read = match std::pin::pin!(this.inner.read_buf(&mut room)).poll(cx) {
                Poll::Ready(read) => read,
                Poll::Pending => {
                    // Nothing is waiting: a connection that went quiet after
                    // a burst holds no buffer (a hostile client could
                    // otherwise park 64 KiB in every session it opens).
                    this.ahead = BytesMut::new();
                    return Poll::Pending;
                }
            };
            this.streaming = matches!(read, Ok(n) if n > wanted);
            this.shared.tap.on_read(&this.ahead);
            this.hand_out(buf);
            return Poll::Ready(read.map(drop));
        }
        let before = buf.filled().len();
        let result = Pin::new(&mut this.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = result {
            this.shared.tap.on_read(&buf.filled()[before..]);
            this.streaming = buf.filled().len() > before && buf.remaining() == 0;
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

    /// A real loopback connection, its far end, and the relay's side of it
    /// as [`RelayStream`].
    async fn loopback() -> (RelayStream, TcpStream) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap());
        let (client, accepted) = tokio::join!(client, listener.accept());
        let inner = Transport::Plain(Rewind::new(bytes::Bytes::new(), accepted.unwrap().0));
        let shared = Arc::new(ConnShared::new(false, Duration::from_secs(10)));
        shared.request_started();
        (RelayStream::new(inner, shared), client.unwrap())
    }

    /// Reads `len` bytes in reads of at most 2 KiB (tungstenite's buffer);
    /// returns them and the most bytes read ahead at once.
    async fn read_in_small_reads(stream: &mut RelayStream, len: usize) -> (Vec<u8>, usize) {
        let mut got = Vec::with_capacity(len);
        let mut most_ahead = 0;
        let mut buf = [0u8; 2048];
        while got.len() < len {
            let n = stream.read(&mut buf).await.unwrap();
            assert!(n > 0, "EOF after {} of {len} bytes", got.len());
            got.extend_from_slice(&buf[..n]);
            most_ahead = most_ahead.max(stream.ahead.len() + n);
        }
        (got, most_ahead)
    }

    #[tokio::test]
    async fn a_burst_is_read_ahead_exactly_and_a_quiet_connection_holds_no_buffer() {
        use tokio::io::AsyncWriteExt;
        let (mut stream, mut client) = loopback().await;
        let burst: Vec<u8> = (0..512 << 10).map(|i: u32| (i % 251) as u8).collect();
        // Written while read: loopback buffers need not hold it all.
        let (written, (got, most_ahead)) = tokio::join!(
            client.write_all(&burst),
            read_in_small_reads(&mut stream, burst.len())
        );
        written.unwrap();
        assert!(got == burst, "the bytes came through changed");
        assert!(
            most_ahead > 2048,
            "512 KiB in 2 KiB reads switched to reading ahead (at most {most_ahead} at once)"
        );

        // A burst that has fully arrived before it is read: the reads
        // after the first go through the read-ahead buffer, and when it is
        // used up the next read finds nothing waiting and parks. With it
        // the buffer must go (it was reserved for that read).
        client.write_all(&burst[..32 << 10]).await.unwrap();
        tokio::time::sleep(Duration::from_millis(50)).await;
        let (again, _) = read_in_small_reads(&mut stream, 32 << 10).await;
        assert!(
            again == burst[..32 << 10],
            "the second burst came through changed"
        );
        assert!(
            stream.streaming,
            "the last read-ahead brought more than was asked"
        );
        let mut buf = [0u8; 2048];
        let mut read_buf = ReadBuf::new(&mut buf);
        let mut cx = Context::from_waker(std::task::Waker::noop());
        let poll = Pin::new(&mut stream).poll_read(&mut cx, &mut read_buf);
        assert!(poll.is_pending(), "no byte was waiting");
        assert_eq!(
            stream.ahead.capacity(),
            0,
            "a connection gone quiet parks no buffer"
        );
    }
}
