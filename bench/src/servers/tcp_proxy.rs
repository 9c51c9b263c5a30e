//! `wsload tcp-proxy`: forwards every connection to the target over plain TCP,
//! each direction in its own task with 64 KiB reads.

use std::sync::Arc;

use bytes::BytesMut;
use tokio::{
    io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt},
    net::TcpStream,
};

use crate::cli::ForwardArgs;

/// Largest read in each direction.
const READ_CHUNK_BYTES: usize = 64 << 10;

/// Serves until the process is killed.
pub async fn serve(args: ForwardArgs) -> anyhow::Result<()> {
    super::accept_loop(&args, forward).await
}

async fn forward(client: TcpStream, target: Arc<str>) -> anyhow::Result<()> {
    let upstream = super::connect(&target).await?;
    let (client_read, client_write) = client.into_split();
    let (upstream_read, upstream_write) = upstream.into_split();
    let up = tokio::spawn(copy(client_read, upstream_write));
    copy(upstream_read, client_write).await?;
    up.await??;
    Ok(())
}

/// Copies until EOF, then shuts the writer down (passing the FIN on).
async fn copy(
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
