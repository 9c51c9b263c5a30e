//! What every server of `wsload` shares: a listener with a long accept queue,
//! an accept loop that spawns a task per connection, and a byte copy.

use std::net::SocketAddr;

use anyhow::Context;
use bytes::BytesMut;
use tokio::{
    io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt},
    net::{TcpListener, TcpSocket, TcpStream},
};

/// Largest read of [`copy_until_eof`]; 64 KiB keeps one bulk session from
/// being limited by the server.
const READ_CHUNK_BYTES: usize = 64 << 10;
/// Connections the kernel queues before `accept` (capped by `net.core.somaxconn`).
const ACCEPT_BACKLOG: u32 = 4096;

/// Listens on `listen`, prints `listening HOST:PORT` once bound, then hands
/// every connection (with nodelay set) to `handle` in a task of its own,
/// until the process is killed.
pub async fn serve_forever<F, Fut>(listen: &str, handle: F) -> anyhow::Result<()>
where
    F: Fn(TcpStream) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<()>> + Send + 'static,
{
    let listener = bind(listen).with_context(|| format!("cannot listen on {listen}"))?;
    println!("listening {}", listener.local_addr()?);
    serve_on(listener, handle).await
}

/// Hands every connection on `listener` (with nodelay set) to `handle` in a
/// task of its own, until the process is killed. The caller binds, so tests
/// can use port 0.
pub async fn serve_on<F, Fut>(listener: TcpListener, handle: F) -> anyhow::Result<()>
where
    F: Fn(TcpStream) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<()>> + Send + 'static,
{
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _peer)) => stream,
            Err(err) => {
                // Out of descriptors, most likely: wait and keep serving.
                eprintln!("accept failed: {err}");
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                continue;
            }
        };
        if let Err(err) = stream.set_nodelay(true) {
            eprintln!("nodelay: {err}");
        }
        let connection = handle(stream);
        tokio::spawn(async move {
            if let Err(err) = connection.await {
                eprintln!("connection failed: {err:#}");
            }
        });
    }
}

/// Binds with a long accept queue: tokio's default (128) overflows when a
/// busy machine delays the accept loop by a few milliseconds during a burst of
/// connects, and each overflow costs the client a 1 s SYN retransmit.
fn bind(listen: &str) -> anyhow::Result<TcpListener> {
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

/// Copies until EOF, then shuts the writer down (passing the FIN on). The
/// buffer is filled only as far as reads go, so an idle connection costs a
/// few pages, not 64 KiB.
pub async fn copy_until_eof(
    mut from: impl AsyncRead + Unpin,
    mut to: impl AsyncWrite + Unpin,
) -> std::io::Result<()> {
    let mut buf = BytesMut::new();
    loop {
        buf.reserve(READ_CHUNK_BYTES);
        if from.read_buf(&mut buf).await? == 0 {
            return to.shutdown().await;
        }
        to.write_all(&buf).await?;
        buf.clear();
    }
}
