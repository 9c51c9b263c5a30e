//! One session to a contender, over WebSocket, WebTransport (one stream) or
//! raw TCP, behind one API so every scenario does exactly the same work on
//! each. [`crate::dialer`] says where sessions come from.

use bytes::{Bytes, BytesMut};

use crate::{cli::Target, tcp, ws, wt};

/// How a session ended when we closed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closed {
    /// Close handshake completed (WebSocket), or EOF after our shutdown (TCP).
    Clean,
    /// The server hung up (reset) instead of answering our close frame.
    Abrupt,
}

/// Sizes that trade memory for speed.
#[derive(Debug, Clone, Copy)]
pub struct ConnOptions {
    /// Read buffer: large for throughput, small when holding 10,000 sessions.
    pub read_buffer_bytes: usize,
}

/// The sending half of a session.
pub enum Tx {
    /// WebSocket: each send is one binary message.
    Ws(ws::WsTx),
    /// Raw TCP.
    Tcp(tokio::net::tcp::OwnedWriteHalf),
    /// A WebTransport stream.
    Wt(wt::WtTx),
}

/// The receiving half of a session.
pub enum Rx {
    /// WebSocket: each receive is one message's payload.
    Ws(ws::WsRx),
    /// Raw TCP: each receive is what one read returned.
    Tcp(tcp::TcpRx),
    /// A WebTransport stream: each receive is one chunk QUIC delivered.
    Wt(wt::WtRx),
}

/// A session: both halves, usable from two tasks once taken apart.
pub struct Conn {
    /// Sending half.
    pub tx: Tx,
    /// Receiving half.
    pub rx: Rx,
}

impl Conn {
    /// Opens a session to `target` (TCP connect, plus the upgrade for
    /// WebSocket). A WebTransport target needs its client's certificate pin:
    /// open it through [`crate::dialer::Dialer`].
    pub async fn open(target: &Target, options: ConnOptions) -> anyhow::Result<Self> {
        Ok(match target {
            Target::Ws { url, addr } => {
                use futures_util::StreamExt;
                let (tx, rx) = ws::connect(url, addr, options.read_buffer_bytes)
                    .await?
                    .split();
                Self {
                    tx: Tx::Ws(tx),
                    rx: Rx::Ws(rx),
                }
            }
            Target::Tcp { addr } => {
                let (tx, rx) = tcp::connect(addr, options.read_buffer_bytes).await?;
                Self {
                    tx: Tx::Tcp(tx),
                    rx: Rx::Tcp(rx),
                }
            }
            Target::Wt { url } => {
                anyhow::bail!("{url}: a WebTransport target is opened through a Dialer")
            }
        })
    }

    /// A session made of one WebTransport stream.
    pub fn from_wt((tx, rx): (wt::WtTx, wt::WtRx)) -> Self {
        Self {
            tx: Tx::Wt(tx),
            rx: Rx::Wt(rx),
        }
    }

    /// Sends `data`, then reads until exactly as many bytes came back, and
    /// returns them.
    pub async fn round_trip(&mut self, data: Bytes) -> anyhow::Result<BytesMut> {
        let want = data.len();
        self.tx.send(data).await?;
        let mut got = BytesMut::with_capacity(want);
        while got.len() < want {
            match self.rx.recv().await? {
                Some(chunk) => got.extend_from_slice(&chunk),
                None => anyhow::bail!("closed after {} of {want} echoed bytes", got.len()),
            }
        }
        anyhow::ensure!(
            got.len() == want,
            "{} bytes came back for {want} sent",
            got.len()
        );
        Ok(got)
    }

    /// Closes cleanly: WebSocket close handshake, or TCP shutdown then EOF.
    pub async fn close(mut self) -> anyhow::Result<Closed> {
        match (&mut self.tx, &mut self.rx) {
            (Tx::Ws(tx), Rx::Ws(rx)) => ws::close(tx, rx).await,
            (Tx::Tcp(tx), Rx::Tcp(rx)) => tcp::close(tx, rx).await,
            (Tx::Wt(tx), Rx::Wt(rx)) => wt::close(tx, rx).await,
            _ => unreachable!("both halves come from the same open"),
        }
    }
}

impl Tx {
    /// Sends `data` (one message over WebSocket).
    pub async fn send(&mut self, data: Bytes) -> anyhow::Result<()> {
        match self {
            Self::Ws(tx) => ws::send(tx, data).await,
            Self::Tcp(tx) => tcp::send(tx, &data).await,
            Self::Wt(tx) => wt::send(tx, data).await,
        }
    }
}

impl Rx {
    /// The next bytes from the server; `None` once it closed.
    pub async fn recv(&mut self) -> anyhow::Result<Option<Bytes>> {
        match self {
            Self::Ws(rx) => ws::recv(rx).await,
            Self::Tcp(rx) => rx.recv().await,
            Self::Wt(rx) => rx.recv().await,
        }
    }
}
