//! The service side for a UDP target: each message from the browser is one
//! datagram to the target, each datagram from the target one binary message.
//! Nothing is merged or split: the WebSocket's message boundaries are what
//! keep datagrams apart.
//!
//! The socket is not `connect`ed, so a datagram from anyone but the target
//! is seen, dropped and counted (`relay_udp_foreign_datagrams_dropped_total`)
//! rather than filtered silently by the kernel.

use std::{
    cell::RefCell,
    future::poll_fn,
    io,
    net::SocketAddr,
    sync::Arc,
    task::{ready, Poll},
    time::Duration,
};

use bytes::Bytes;
use prometheus_client::metrics::counter::Counter;
use tokio::{io::ReadBuf, net::UdpSocket};

use super::{
    service::{ServiceRead, ServiceWrite},
    within,
};

/// The largest UDP payload over IPv4: 65,535 less the IP and UDP headers.
pub const MAX_DATAGRAM_V4: usize = 65_507;
/// The largest UDP payload over IPv6 (without jumbograms).
pub const MAX_DATAGRAM_V6: usize = 65_527;

thread_local! {
    /// Room for the largest datagram, shared by every UDP session this
    /// thread runs; each datagram is copied out at its own length.
    static DATAGRAM: RefCell<Box<[u8]>> = RefCell::new(vec![0; MAX_DATAGRAM_V6].into_boxed_slice());
}

/// A UDP session's socket and its target.
pub struct Datagrams {
    socket: Arc<UdpSocket>,
    target: SocketAddr,
    foreign: Counter,
}

impl Datagrams {
    /// Sends to and receives from `target` on `socket`, counting foreign
    /// datagrams in `foreign`.
    pub fn new(socket: UdpSocket, target: SocketAddr, foreign: Counter) -> Self {
        Self {
            socket: Arc::new(socket),
            target,
            foreign,
        }
    }

    /// The read and write halves (they share the socket).
    pub fn split(self) -> (DatagramRead, DatagramWrite) {
        let write = DatagramWrite {
            socket: self.socket.clone(),
            target: self.target,
        };
        let read = DatagramRead {
            socket: self.socket,
            target: self.target,
            foreign: self.foreign,
        };
        (read, write)
    }
}

/// Datagrams from the target.
pub struct DatagramRead {
    socket: Arc<UdpSocket>,
    target: SocketAddr,
    foreign: Counter,
}

impl ServiceRead for DatagramRead {
    /// One datagram, whatever `chunk_bytes` says: a datagram is never split.
    /// Never `None`: UDP has no end of its own.
    async fn next_bytes(&mut self, _chunk_bytes: usize) -> io::Result<Option<Bytes>> {
        poll_fn(|cx| loop {
            let received = DATAGRAM.with_borrow_mut(|room| {
                let mut buf = ReadBuf::new(room);
                let from = ready!(self.socket.poll_recv_from(cx, &mut buf))?;
                Poll::Ready(Ok::<_, io::Error>((
                    from,
                    Bytes::copy_from_slice(buf.filled()),
                )))
            });
            let (from, data) = ready!(received)?;
            if from == self.target {
                return Poll::Ready(Ok(Some(data)));
            }
            self.foreign.inc();
            tracing::debug!(%from, "dropped a datagram from an address other than the target");
        })
        .await
    }
}

/// Datagrams to the target.
pub struct DatagramWrite {
    socket: Arc<UdpSocket>,
    target: SocketAddr,
}

impl ServiceWrite for DatagramWrite {
    fn max_message_bytes(&self) -> Option<usize> {
        Some(if self.target.is_ipv4() {
            MAX_DATAGRAM_V4
        } else {
            MAX_DATAGRAM_V6
        })
    }

    async fn send(&mut self, data: &[u8], stall_limit: Duration) -> io::Result<()> {
        match within(stall_limit, self.socket.send_to(data, self.target)).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(err)) => Err(err),
            Err(_) => Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!(
                    "the socket took no datagram for {} s",
                    stall_limit.as_secs_f32()
                ),
            )),
        }
    }

    async fn finish(&mut self) -> io::Result<()> {
        Ok(())
    }
}
