//! A small, fast TCP echo service: the one service every contender forwards to.

use std::net::SocketAddr;

use anyhow::Context;
use bytes::BytesMut;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpSocket, TcpStream},
};

use crate::cli::EchoArgs;

/// Largest read; 64 KiB keeps one bulk session from being limited by the echo.
const READ_CHUNK_BYTES: usize = 64 << 10;
/// Connections the kernel queues before `accept` (capped by `net.core.somaxconn`).
const ACCEPT_BACKLOG: u32 = 4096;

/// Listens on `args.listen` and echoes every connection until the process is killed.
pub async fn serve(args: EchoArgs) -> anyhow::Result<()> {
    let listener =
        bind(&args.listen).with_context(|| format!("cannot listen on {}", args.listen))?;
    println!("listening {}", listener.local_addr()?);
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _peer)) => stream,
            Err(err) => {
                // Out of descriptors, most likely: wait and keep serving.
                eprintln!("echo: accept failed: {err}");
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                continue;
            }
        };
        tokio::spawn(async move {
            if let Err(err) = echo(stream).await {
                eprintln!("echo: connection failed: {err}");
            }
        });
    }
}

/// Binds with a long accept queue: tokio's default (128) overflows when a
/// busy machine delays the accept loop by a few milliseconds during a burst of
/// connects, and each overflow costs the client a 1 s SYN retransmit.
pub(crate) fn bind(listen: &str) -> anyhow::Result<TcpListener> {
    let addr: SocketAddr = listen.parse().context("not an IP:PORT")?;
    let socket = if addr.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    Ok(socket.listen(ACCEPT_BACKLOG)?)
}

/// Echoes until the peer's EOF, then closes. The buffer is filled only as far
/// as reads go, so an idle session costs a few pages, not 64 KiB.
async fn echo(mut stream: TcpStream) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let mut buf = BytesMut::new();
    loop {
        buf.reserve(READ_CHUNK_BYTES);
        if stream.read_buf(&mut buf).await? == 0 {
            return stream.shutdown().await;
        }
        stream.write_all(&buf).await?;
        buf.clear();
    }
}
