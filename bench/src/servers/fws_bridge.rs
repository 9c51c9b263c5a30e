//! `wsload fws-bridge`: a minimal WebSocket-to-TCP bridge on fastwebsockets
//! (hyper for the upgrade). Binary and text messages go to TCP as their bytes,
//! TCP bytes come back as binary messages of up to 64 KiB, TCP EOF becomes
//! close 1000 and the browser's close a FIN.
//!
//! The two directions run as separate tasks on separate halves, which
//! tungstenite's single-object design does not allow without a lock held
//! across socket I/O; fastwebsockets also reads into uninitialised capacity
//! and writes a frame's header and payload with one vectored write, without
//! copying the payload.

use std::sync::Arc;

use anyhow::Context;
use bytes::{Bytes, BytesMut};
use fastwebsockets::{
    upgrade::{upgrade, UpgradeFut},
    FragmentCollectorRead, Frame, OpCode, Payload,
};
use http_body_util::Empty;
use hyper::{body::Incoming, server::conn::http1, service::service_fn, Request, Response};
use hyper_util::rt::TokioIo;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
    sync::Mutex,
};

use crate::cli::ForwardArgs;

/// Largest TCP read, sent as one binary message.
const READ_CHUNK_BYTES: usize = 64 << 10;

/// Serves until the process is killed.
pub async fn serve(args: ForwardArgs) -> anyhow::Result<()> {
    super::accept_loop(&args, http).await
}

/// One HTTP connection: answers the upgrade, then bridges.
async fn http(stream: TcpStream, target: Arc<str>) -> anyhow::Result<()> {
    let service = service_fn(move |mut request: Request<Incoming>| {
        let target = target.clone();
        async move {
            let (response, upgraded) = upgrade(&mut request)?;
            tokio::spawn(async move {
                if let Err(err) = bridge(upgraded, &target).await {
                    eprintln!("bridge failed: {err:#}");
                }
            });
            Ok::<Response<Empty<Bytes>>, fastwebsockets::WebSocketError>(response)
        }
    });
    http1::Builder::new()
        .serve_connection(TokioIo::new(stream), service)
        .with_upgrades()
        .await
        .context("http")
}

async fn bridge(upgraded: UpgradeFut, target: &str) -> anyhow::Result<()> {
    let ws = upgraded.await.context("upgrade")?;
    let upstream = super::connect(target).await?;
    let (mut tcp_read, mut tcp_write) = upstream.into_split();
    let (ws_read, ws_write) = ws.split(tokio::io::split);
    let mut ws_read = FragmentCollectorRead::new(ws_read);
    // Shared only for the pongs and the close reply that reading obliges.
    let ws_write = Arc::new(Mutex::new(ws_write));

    let obliged = ws_write.clone();
    let up = tokio::spawn(async move {
        let mut send = |frame: Frame<'_>| {
            let obliged = obliged.clone();
            let frame = Frame::new(
                true,
                frame.opcode,
                None,
                Payload::Owned(frame.payload.to_vec()),
            );
            async move { obliged.lock().await.write_frame(frame).await }
        };
        loop {
            let frame = ws_read.read_frame(&mut send).await?;
            match frame.opcode {
                OpCode::Binary | OpCode::Text => tcp_write.write_all(&frame.payload).await?,
                OpCode::Close => {
                    tcp_write.shutdown().await?;
                    return anyhow::Ok(());
                }
                _ => {}
            }
        }
    });

    let mut buf = BytesMut::new();
    loop {
        buf.reserve(READ_CHUNK_BYTES);
        if tcp_read.read_buf(&mut buf).await? == 0 {
            // Unless the browser's close (already answered) ended this.
            let mut ws_write = ws_write.lock().await;
            if !ws_write.is_closed() {
                let close = Frame::close(1000, b"upstream closed the connection");
                ws_write.write_frame(close).await?;
            }
            break;
        }
        let frame = Frame::binary(Payload::Borrowed(&buf));
        ws_write.lock().await.write_frame(frame).await?;
        buf.clear();
    }
    up.await?
}
