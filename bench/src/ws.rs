//! The WebSocket side of the client: tokio-tungstenite over a plain TCP stream.

use anyhow::{bail, Context};
use bytes::Bytes;
use futures_util::{
    stream::{SplitSink, SplitStream},
    SinkExt, StreamExt,
};
use tokio::net::TcpStream;

use crate::conn::Closed;
use tokio_tungstenite::{
    client_async_with_config,
    tungstenite::{error::ProtocolError, protocol::WebSocketConfig, Error, Message},
    WebSocketStream,
};

/// A client WebSocket.
pub type WsStream = WebSocketStream<TcpStream>;
/// Its sending half.
pub type WsTx = SplitSink<WsStream, Message>;
/// Its receiving half.
pub type WsRx = SplitStream<WsStream>;

/// Opens a WebSocket to `url` over a TCP connection to `addr`, with Nagle
/// off and a read buffer of `read_buffer_bytes` (small for many sessions).
pub async fn connect(url: &str, addr: &str, read_buffer_bytes: usize) -> anyhow::Result<WsStream> {
    let tcp = TcpStream::connect(addr)
        .await
        .with_context(|| format!("cannot connect to {addr}"))?;
    tcp.set_nodelay(true)?;
    let config = WebSocketConfig::default()
        .read_buffer_size(read_buffer_bytes)
        // Each send is flushed anyway; don't hold bytes back waiting for more.
        .write_buffer_size(0);
    let (ws, _response) = client_async_with_config(url, tcp, Some(config))
        .await
        .with_context(|| format!("WebSocket handshake with {url} failed"))?;
    Ok(ws)
}

/// Sends `data` as one binary message and flushes it.
pub async fn send(tx: &mut WsTx, data: Bytes) -> anyhow::Result<()> {
    tx.send(Message::Binary(data))
        .await
        .context("WebSocket send failed")
}

/// The payload of the next data message; `None` once the server closed.
pub async fn recv(rx: &mut WsRx) -> anyhow::Result<Option<Bytes>> {
    match recv_event(rx).await? {
        Received::Data(data) => Ok(Some(data)),
        Received::Closed(_) => Ok(None),
    }
}

/// What [`recv_event`] got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Received {
    /// A data message's payload.
    Data(Bytes),
    /// The session ended.
    Closed(Ended),
}

/// How the server ended a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// A close frame with this code (1005 when it carried none).
    Code(u16),
    /// The connection ended (EOF or reset) without a close frame: what a
    /// browser reports as 1006.
    NoCloseFrame,
}

/// The next data message, or how the session ended (close frame or a hang-up).
pub async fn recv_event(rx: &mut WsRx) -> anyhow::Result<Received> {
    loop {
        match rx.next().await {
            Some(Ok(Message::Binary(data))) => return Ok(Received::Data(data)),
            Some(Ok(Message::Text(text))) => return Ok(Received::Data(text.into())),
            Some(Ok(Message::Close(frame))) => {
                let code = frame.map_or(1005, |f| u16::from(f.code));
                return Ok(Received::Closed(Ended::Code(code)));
            }
            None | Some(Err(Error::ConnectionClosed | Error::AlreadyClosed)) => {
                return Ok(Received::Closed(Ended::NoCloseFrame))
            }
            Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_))) => continue,
            Some(Err(err)) if is_hang_up(&err) => return Ok(Received::Closed(Ended::NoCloseFrame)),
            Some(Err(err)) => return Err(err).context("WebSocket receive failed"),
        }
    }
}

/// The HTTP status of a refused upgrade (e.g. 429, 503), if that is why
/// [`connect`] failed.
pub fn refused_status(err: &anyhow::Error) -> Option<u16> {
    err.chain()
        .find_map(|cause| match cause.downcast_ref::<Error>() {
            Some(Error::Http(response)) => Some(response.status().as_u16()),
            _ => None,
        })
}

/// Sends a close frame and waits for the server's close (and its EOF). A
/// server that hangs up instead of answering (websocat does) has closed too,
/// abruptly.
pub async fn close(tx: &mut WsTx, rx: &mut WsRx) -> anyhow::Result<Closed> {
    match tx.send(Message::Close(None)).await {
        Ok(()) | Err(Error::ConnectionClosed | Error::AlreadyClosed) => {}
        Err(err) if is_hang_up(&err) => return Ok(Closed::Abrupt),
        Err(err) => return Err(err).context("sending close failed"),
    }
    loop {
        match rx.next().await {
            None | Some(Err(Error::ConnectionClosed | Error::AlreadyClosed)) => {
                return Ok(Closed::Clean)
            }
            Some(Ok(_)) => continue,
            Some(Err(err)) if is_hang_up(&err) => return Ok(Closed::Abrupt),
            Some(Err(err)) => bail!("closing failed: {err}"),
        }
    }
}

/// The peer reset or dropped the connection without a close frame.
fn is_hang_up(err: &Error) -> bool {
    match err {
        Error::Protocol(ProtocolError::ResetWithoutClosingHandshake) => true,
        Error::Io(io) => matches!(
            io.kind(),
            std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::BrokenPipe
        ),
        _ => false,
    }
}
