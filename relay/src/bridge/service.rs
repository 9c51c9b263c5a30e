//! The service side of a bridge: what `down.rs` reads and `up.rs` writes.
//! A byte stream (TCP, a Unix-domain socket) is read in chunks and written
//! as bytes; UDP (`datagram.rs`) is read and written a datagram at a time.

use std::{
    cell::RefCell,
    future::{poll_fn, Future},
    io,
    pin::{pin, Pin},
    task::{ready, Poll},
    time::Duration,
};

use bytes::{BufMut, Bytes, BytesMut};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};

use super::within;

/// What the bridge reads from the service.
pub trait ServiceRead {
    /// The next chunk (at most `chunk_bytes`) or datagram; `None` once a
    /// stream has ended. Cancel-safe: a dropped future loses no bytes.
    fn next_bytes(&mut self, chunk_bytes: usize)
        -> impl Future<Output = io::Result<Option<Bytes>>>;
}

/// What the bridge writes to the service.
pub trait ServiceWrite {
    /// The largest message the service takes whole (a datagram's limit);
    /// `None` for a stream, which takes any length.
    fn max_message_bytes(&self) -> Option<usize>;

    /// Sends one message's bytes; fails if the service takes none of them
    /// for `stall_limit` (a slow reader that makes progress is waited for).
    fn send(&mut self, data: &[u8], stall_limit: Duration) -> impl Future<Output = io::Result<()>>;

    /// The browser closed: a stream's write side is shut down (the service
    /// reads EOF). Nothing for datagrams.
    fn finish(&mut self) -> impl Future<Output = io::Result<()>>;
}

/// Reads up to this size go into the runtime thread's scratch buffer and are
/// copied out; a read that fills it switches the session to a buffer of its
/// own (up to `read_chunk_bytes`, no copy) until a read comes back shorter.
const SCRATCH_BYTES: usize = 4 << 10;

thread_local! {
    /// Shared by every session this thread runs: a session waiting for its
    /// service holds no read buffer (a 64 KiB buffer's first page was
    /// resident in every session, bench/PROFILE.md).
    static SCRATCH: RefCell<Box<[u8]>> = RefCell::new(vec![0; SCRATCH_BYTES].into_boxed_slice());
}

/// The read half of a byte stream.
pub struct StreamRead<R> {
    inner: R,
    /// The session's own read buffer, only while data streams in.
    own: BytesMut,
    streaming: bool,
}

impl<R> StreamRead<R> {
    /// Reads `inner`.
    pub fn new(inner: R) -> Self {
        Self {
            inner,
            own: BytesMut::new(),
            streaming: false,
        }
    }
}

impl<R: AsyncRead + Unpin> ServiceRead for StreamRead<R> {
    async fn next_bytes(&mut self, chunk_bytes: usize) -> io::Result<Option<Bytes>> {
        let Self {
            inner,
            own,
            streaming,
        } = self;
        let data = poll_fn(|cx| {
            if *streaming {
                own.reserve(chunk_bytes);
                // The limit keeps every message within the WebSocket's write
                // buffer cap, however much room `reserve` found.
                let mut room = (&mut *own).limit(chunk_bytes);
                ready!(pin!(inner.read_buf(&mut room)).poll(cx))?;
                return Poll::Ready(Ok::<_, io::Error>(own.split().freeze()));
            }
            SCRATCH.with_borrow_mut(|scratch| {
                let len = chunk_bytes.min(scratch.len());
                let mut room = ReadBuf::new(&mut scratch[..len]);
                ready!(Pin::new(&mut *inner).poll_read(cx, &mut room))?;
                Poll::Ready(Ok(Bytes::copy_from_slice(room.filled())))
            })
        })
        .await?;
        if data.is_empty() {
            return Ok(None);
        }
        *streaming = data.len() >= SCRATCH_BYTES;
        if !*streaming && own.capacity() > 0 {
            *own = BytesMut::new();
        }
        Ok(Some(data))
    }
}

/// The write half of a byte stream.
pub struct StreamWrite<T>(pub T);

impl<T: AsyncWrite + Unpin> ServiceWrite for StreamWrite<T> {
    fn max_message_bytes(&self) -> Option<usize> {
        None
    }

    async fn send(&mut self, mut data: &[u8], stall_limit: Duration) -> io::Result<()> {
        use std::io::{Error, ErrorKind};
        while !data.is_empty() {
            match within(stall_limit, self.0.write(data)).await {
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

    async fn finish(&mut self) -> io::Result<()> {
        self.0.shutdown().await
    }
}
