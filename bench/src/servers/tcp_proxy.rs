//! `wsload tcp-proxy`: forwards every connection to the target over plain TCP,
//! each direction in its own task with 64 KiB reads.

use std::sync::Arc;

use tokio::net::TcpStream;

use crate::{cli::ForwardArgs, serve::copy_until_eof};

/// Serves until the process is killed.
pub async fn serve(args: ForwardArgs) -> anyhow::Result<()> {
    super::accept_loop(&args, forward).await
}

async fn forward(client: TcpStream, target: Arc<str>) -> anyhow::Result<()> {
    let upstream = super::connect(&target).await?;
    let (client_read, client_write) = client.into_split();
    let (upstream_read, upstream_write) = upstream.into_split();
    let up = tokio::spawn(copy_until_eof(client_read, upstream_write));
    copy_until_eof(upstream_read, client_write).await?;
    up.await??;
    Ok(())
}
