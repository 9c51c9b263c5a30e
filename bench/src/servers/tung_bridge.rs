//! `wsload tung-bridge`: the same minimal bridge as [`super::fws_bridge`], on
//! tokio-tungstenite (the library under our relay) and shaped like our relay:
//! one task per session, both directions one future, a 4 KiB read buffer. Set
//! beside `fws-bridge` and `relay`, it separates what the WebSocket library
//! costs from what the relay's own work (routing, checks, metrics, logs) costs.

use std::sync::Arc;

use anyhow::Context;
use bytes::BytesMut;
use futures_util::{SinkExt, StreamExt};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};
use tokio_tungstenite::tungstenite::{
    protocol::{frame::coding::CloseCode, CloseFrame, WebSocketConfig},
    Message,
};

use crate::cli::ForwardArgs;

/// Largest TCP read, sent as one binary message (as in the relay).
const READ_CHUNK_BYTES: usize = 64 << 10;
/// The WebSocket's read buffer (as in the relay).
const READ_BUFFER_BYTES: usize = 4 << 10;

/// Serves until the process is killed.
pub async fn serve(args: ForwardArgs) -> anyhow::Result<()> {
    super::accept_loop(&args, bridge).await
}

async fn bridge(stream: TcpStream, target: Arc<str>) -> anyhow::Result<()> {
    let config = WebSocketConfig::default().read_buffer_size(READ_BUFFER_BYTES);
    let ws = tokio_tungstenite::accept_async_with_config(stream, Some(config))
        .await
        .context("upgrade")?;
    let upstream = super::connect(&target).await?;
    let (mut tcp_read, mut tcp_write) = upstream.into_split();
    let (mut ws_tx, mut ws_rx) = ws.split();

    let up = async {
        while let Some(message) = ws_rx.next().await {
            match message? {
                Message::Binary(data) => tcp_write.write_all(&data).await?,
                Message::Text(text) => tcp_write.write_all(text.as_bytes()).await?,
                Message::Close(_) => tcp_write.shutdown().await?,
                _ => {}
            }
        }
        anyhow::Ok(())
    };
    let down = async {
        let mut buf = BytesMut::new();
        loop {
            buf.reserve(READ_CHUNK_BYTES);
            if tcp_read.read_buf(&mut buf).await? == 0 {
                let close = CloseFrame {
                    code: CloseCode::Normal,
                    reason: "upstream closed the connection".into(),
                };
                // Fails harmlessly when the browser's close ended this.
                let _ = ws_tx.send(Message::Close(Some(close))).await;
                return anyhow::Ok(());
            }
            ws_tx.send(Message::Binary(buf.split().freeze())).await?;
        }
    };
    let (up, down) = tokio::join!(up, down);
    up.and(down)
}
