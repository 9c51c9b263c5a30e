//! Reference servers the bench measures beside the real contenders, both
//! forwarding to the echo service:
//! - [`tcp_proxy`]: a plain TCP forwarder. Any relay adds this second hop, so
//!   it shows what a hop costs on this machine, WebSocket or not.
//! - [`fws_bridge`]: a minimal WebSocket-to-TCP bridge on fastwebsockets, to
//!   measure that library against ours (tungstenite) in the same harness.
//! - [`tung_bridge`]: the same minimal bridge on tokio-tungstenite, shaped like
//!   our relay, to tell the library's cost from the relay's own.
//!
//! Neither is a product: no limits, origin checks, keepalive or wire tap.

pub mod fws_bridge;
pub mod tcp_proxy;
pub mod tung_bridge;

use std::sync::Arc;

use tokio::net::TcpStream;

use crate::cli::ForwardArgs;

/// Serves `args.listen` until the process is killed, handing each connection
/// and the target address to `handle`.
pub async fn accept_loop<F, Fut>(args: &ForwardArgs, handle: F) -> anyhow::Result<()>
where
    F: Fn(TcpStream, Arc<str>) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<()>> + Send + 'static,
{
    let target: Arc<str> = args.target.as_str().into();
    crate::serve::serve_forever(&args.listen, |stream| handle(stream, target.clone())).await
}

/// Connects to the target with nodelay set.
async fn connect(target: &str) -> anyhow::Result<TcpStream> {
    let stream = TcpStream::connect(target).await?;
    stream.set_nodelay(true)?;
    Ok(stream)
}
