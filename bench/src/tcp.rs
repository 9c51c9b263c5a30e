//! The raw-TCP side of the client: the same work straight to the echo service,
//! which is the limit every relay is compared with.

use anyhow::Context;

use crate::conn::Closed;
use bytes::{Bytes, BytesMut};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{
        tcp::{OwnedReadHalf, OwnedWriteHalf},
        TcpStream,
    },
};

/// The receiving half and its buffer.
pub struct TcpRx {
    read: OwnedReadHalf,
    buf: BytesMut,
    chunk_bytes: usize,
}

/// Connects to `addr` with Nagle off; reads come in chunks of up to `chunk_bytes`.
pub async fn connect(addr: &str, chunk_bytes: usize) -> anyhow::Result<(OwnedWriteHalf, TcpRx)> {
    let tcp = TcpStream::connect(addr)
        .await
        .with_context(|| format!("cannot connect to {addr}"))?;
    tcp.set_nodelay(true)?;
    let (read, write) = tcp.into_split();
    let rx = TcpRx {
        read,
        buf: BytesMut::new(),
        chunk_bytes,
    };
    Ok((write, rx))
}

/// Writes all of `data`.
pub async fn send(tx: &mut OwnedWriteHalf, data: &[u8]) -> anyhow::Result<()> {
    tx.write_all(data).await.context("TCP write failed")
}

impl TcpRx {
    /// The next bytes read; `None` at EOF.
    pub async fn recv(&mut self) -> anyhow::Result<Option<Bytes>> {
        // Reuses the allocation once the previous chunk has been dropped.
        self.buf.reserve(self.chunk_bytes);
        let read = self
            .read
            .read_buf(&mut self.buf)
            .await
            .context("TCP read failed")?;
        Ok((read > 0).then(|| self.buf.split().freeze()))
    }
}

/// Shuts down our write half and reads until the echo service closes.
pub async fn close(tx: &mut OwnedWriteHalf, rx: &mut TcpRx) -> anyhow::Result<Closed> {
    tx.shutdown().await.context("TCP shutdown failed")?;
    while rx.recv().await?.is_some() {}
    Ok(Closed::Clean)
}
